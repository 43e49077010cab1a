//! `workspace/executeCommand`: the server's commands, run with work-done progress when the
//! client offers a token (or supports server-initiated progress).
//!
//! - `mcl.showGraph` (arguments `[uri]`): evaluates the document (with the open buffers) and
//!   returns `{ "uri", "text", "graph" }`: the `mclc graph` text and JSON forms. A document with
//!   errors gets an error response naming the first one.
//!
//! - `mcl.deploy` (arguments `[{ "uri", "noop" }]`): deploys the saved file over etcd with the
//!   same code as `mclc deploy --wait` (endpoints from `mcl.etcd.endpoints`, else
//!   `MCL_ETCD_ENDPOINTS`; prefix `mcl.etcd.prefix`, default `/mcl`), reports each host's
//!   progress, and returns the final message: the deploy id and every host's result.
//!
//! A command gets the parsed arguments, the shared server state and a [`Reporter`]; new
//! commands add a name to [`ALL`] and an arm to [`execute`].

use crate::{Inner, path_of};
use mcl_compiler::diagnostics::render;
use mcl_compiler::driver::{self, FileLoader, StopAfter};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;

/// Show the resource graph of a document.
pub const SHOW_GRAPH: &str = "mcl.showGraph";

/// Deploy a document to the cluster.
pub const DEPLOY: &str = "mcl.deploy";

/// Every command the server executes.
pub const ALL: &[&str] = &[SHOW_GRAPH, DEPLOY];

/// Reports a command's progress to the client (a no-op without a progress token).
pub struct Reporter {
    ongoing: Option<tower_lsp_server::OngoingProgress<tower_lsp_server::Unbounded, tower_lsp_server::NotCancellable>>,
}

impl Reporter {
    async fn start(inner: &Inner, token: Option<ProgressToken>, title: &str) -> Reporter {
        let Some(token) = token else { return Reporter { ongoing: None } };
        let ongoing = inner.client.progress(token, title.to_string()).begin().await;
        Reporter { ongoing: Some(ongoing) }
    }

    /// A progress message ("h1: converged").
    pub async fn report(&self, message: impl Into<String>) {
        if let Some(p) = &self.ongoing {
            p.report(message.into()).await;
        }
    }

    async fn finish(self, message: impl Into<String>) {
        if let Some(p) = self.ongoing {
            p.finish_with_message(message.into()).await;
        }
    }
}

/// An invalid-params error.
pub fn invalid(message: impl Into<String>) -> Error {
    Error { code: ErrorCode::InvalidParams, message: message.into().into(), data: None }
}

/// The document URI of a command's first argument: `"file:///…"` or `{ "uri": "file:///…" }`.
pub fn uri_argument(args: &[Value]) -> Result<Uri> {
    let first = args.first().ok_or_else(|| invalid("the command needs the document URI as its first argument"))?;
    let text = first.as_str().or_else(|| first.get("uri").and_then(Value::as_str)).ok_or_else(|| invalid("the first argument must be a URI string or an object with \"uri\""))?;
    text.parse::<Uri>().map_err(|e| invalid(format!("`{text}` is not a URI: {e}")))
}

/// Runs a command.
pub async fn execute(inner: &Arc<Inner>, params: ExecuteCommandParams) -> Result<Option<Value>> {
    let token = params.work_done_progress_params.work_done_token.clone();
    match params.command.as_str() {
        SHOW_GRAPH => {
            let uri = uri_argument(&params.arguments)?;
            let reporter = Reporter::start(inner, token, "Building the resource graph").await;
            let result = show_graph(inner, &uri).await;
            reporter.finish(if result.is_ok() { "done" } else { "failed" }).await;
            result.map(Some)
        }
        DEPLOY => {
            let uri = uri_argument(&params.arguments)?;
            let noop = params.arguments.first().and_then(|a| a.get("noop")).and_then(Value::as_bool).unwrap_or(false);
            let reporter = Reporter::start(inner, token, if noop { "Deploying (noop)" } else { "Deploying" }).await;
            let result = crate::deploy::deploy(inner, &uri, noop, &reporter).await;
            reporter.finish(match &result { Ok(m) => m.clone(), Err(e) => format!("failed: {}", e.message) }).await;
            result.map(|m| Some(Value::String(m)))
        }
        other => Err(invalid(format!("unknown command `{other}`; this server runs: {}", ALL.join(", ")))),
    }
}

async fn show_graph(inner: &Arc<Inner>, uri: &Uri) -> Result<Value> {
    let (text, overlay) = {
        let state = inner.state.lock().await;
        let overlay: HashMap<_, _> = state.docs.iter().map(|(u, d)| (path_of(u), d.text.clone())).collect();
        let text = match state.docs.get(uri) {
            Some(d) => d.text.clone(),
            None => std::fs::read_to_string(path_of(uri)).map_err(|e| invalid(format!("{} is not open and can't be read: {e}", uri.as_str())))?,
        };
        (text, overlay)
    };
    let path = path_of(uri);
    let shown_uri = uri.as_str().to_string();
    tokio::task::spawn_blocking(move || {
        crate::guard("show graph", || {
            let mut loader = FileLoader::new(StopAfter::Unify);
            loader.overlay = overlay;
            let root = path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
            let checked = driver::check_with(path, text, loader, StopAfter::Unify);
            let built = driver::build_checked(checked, &root, None);
            match &built.graph {
                Some(g) => Ok(json!({ "uri": shown_uri, "text": g.to_text(), "graph": g.to_json() })),
                None => {
                    let first = built.checked.diagnostics.iter().find(|d| d.is_error());
                    let shown = first.map(|d| render::render(std::slice::from_ref(d), &built.checked.sources, render::Format::Short)).unwrap_or_default();
                    Err(Error { code: ErrorCode::InvalidRequest, message: format!("the program has errors, so it has no graph: {}", shown.trim()).into(), data: None })
                }
            }
        })
    })
    .await
    .map_err(|e| Error { code: ErrorCode::InternalError, message: format!("mclc lsp: show graph failed: {e}").into(), data: None })??
}

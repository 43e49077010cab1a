//! `mcl.deploy`: deploys a document from the editor with the same code as `mclc deploy --wait`
//! (`mcl_runtime::deploy`), reporting each host's progress as work-done progress.

use crate::commands::{Reporter, invalid};
use crate::{Inner, path_of};
use mcl_compiler::diagnostics::render;
use mcl_runtime::deploy::{self, DeployError, DeployOptions, EtcdConfig, HostResult, Outcome, Store};
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{MessageType, Uri};

/// How long the command follows the hosts before it answers with what it has.
const WAIT: Duration = Duration::from_secs(120);

fn failed(message: impl Into<String>) -> Error {
    Error { code: ErrorCode::InvalidRequest, message: message.into().into(), data: None }
}

/// The connection settings: `mcl.etcd.endpoints` (else `MCL_ETCD_ENDPOINTS`), `mcl.etcd.prefix`
/// (default `/mcl`), `mcl.etcd.ca|cert|key` (TLS files), `mcl.etcd.user` (password from
/// `MCL_ETCD_PASSWORD` in the server's environment).
fn config(inner: &Inner) -> Result<EtcdConfig> {
    let settings = inner.settings.read().map(|s| s.clone()).unwrap_or_default();
    let text = |key: &str| settings.get(key).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_string);
    let mut endpoints = settings.strings("etcd.endpoints");
    if endpoints.is_empty() {
        endpoints = deploy::store::split_endpoints(&std::env::var("MCL_ETCD_ENDPOINTS").unwrap_or_default());
    }
    if endpoints.is_empty() {
        return Err(failed("no etcd endpoints: set `mcl.etcd.endpoints` in the editor's settings (or MCL_ETCD_ENDPOINTS in the server's environment)"));
    }
    Ok(EtcdConfig {
        endpoints,
        prefix: text("etcd.prefix").unwrap_or_else(|| "/mcl".into()),
        ca: text("etcd.ca").map(Into::into),
        cert: text("etcd.cert").map(Into::into),
        key: text("etcd.key").map(Into::into),
        user: text("etcd.user").map(|u| (u, std::env::var("MCL_ETCD_PASSWORD").unwrap_or_default())),
    })
}

fn describe(e: DeployError) -> Error {
    match e {
        DeployError::Program { diagnostics, sources } => {
            let first = diagnostics.iter().find(|d| d.is_error()).map(|d| render::render_short(d, &sources)).unwrap_or_default();
            let n = diagnostics.iter().filter(|d| d.is_error()).count();
            failed(format!("the program has {n} error{}; nothing was deployed: {first}", if n == 1 { "" } else { "s" }))
        }
        other => failed(other.to_string()),
    }
}

/// Deploys the document at `uri` and follows the hosts; the final message.
pub async fn deploy(inner: &Arc<Inner>, uri: &Uri, noop: bool, reporter: &Reporter) -> Result<String> {
    let path = path_of(uri);
    let open_text = inner.state.lock().await.docs.get(uri).map(|d| d.text.clone());
    let disk = std::fs::read_to_string(&path).map_err(|e| invalid(format!("{} can't be read: {e}", path.display())))?;
    if open_text.is_some_and(|t| t != disk) {
        return Err(failed(format!("{} has unsaved changes: save it, then deploy (the deploy ships the files on disk)", path.display())));
    }
    let cfg = config(inner)?;
    reporter.report("checking").await;
    let opts = DeployOptions { path: path.clone(), noop, force: false, require_clean: false };
    let prepared = tokio::task::spawn_blocking(move || crate::guard("deploy", || deploy::prepare(&opts)))
        .await
        .map_err(|e| Error { code: ErrorCode::InternalError, message: format!("mclc lsp: deploy failed: {e}").into(), data: None })??;
    let mut prepared = prepared.map_err(describe)?;
    for w in &prepared.warnings {
        reporter.report(format!("warning: {w}")).await;
    }
    // The same warning `mclc deploy` prints for plain http:// to a remote host; shown as a
    // message too, since progress reports go by unnoticed (and without a progress token).
    if let Some(w) = cfg.plaintext_warning() {
        inner.client.show_message(MessageType::WARNING, format!("mcl.deploy: warning: {w}")).await;
        reporter.report(format!("warning: {w}")).await;
    }
    reporter.report(format!("connecting to {}", cfg.endpoints.join(", "))).await;
    let store = Store::connect(&cfg).await.map_err(describe)?;
    let outcome = deploy::publish(&store, &mut prepared, false).await.map_err(describe)?;
    let m = &prepared.manifest;
    let git = match &m.git {
        Some(g) => format!("git {}{}", g.short_commit(), if g.dirty { ", dirty" } else { ", clean" }),
        None => "no git".into(),
    };
    let (id, head) = match outcome {
        Outcome::Deployed { id, .. } => (id, format!("deployed {id} ({}, {git}{})", m.entry, if noop { ", noop" } else { "" })),
        Outcome::AlreadyDeployed { id } => (id, format!("already deployed as {id} ({}, {git})", m.entry)),
    };
    reporter.report(head.clone()).await;
    let hosts = store.hosts().await.map_err(describe)?;
    if hosts.is_empty() {
        return Ok(format!("{head}; no agent is registered under {} to run it", store.keys().hosts()));
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let store_ref = &store;
    let waiting = async move {
        let r = deploy::wait(store_ref, id, WAIT, |host, r| {
            let _ = tx.send(format!("{host}: {}", r.describe()));
        })
        .await;
        drop(tx);
        r
    };
    let forwarding = async {
        while let Some(line) = rx.recv().await {
            reporter.report(line).await;
        }
    };
    let (report, ()) = tokio::join!(waiting, forwarding);
    let report = report.map_err(describe)?;
    let results: Vec<String> = report.hosts.iter().map(|(h, r)| format!("{h} {}", r.describe())).collect();
    let mut message = format!("{head}: {}", results.join("; "));
    if report.timed_out {
        let pending = report.hosts.iter().filter(|(_, r)| matches!(r, HostResult::Pending(_))).count();
        message.push_str(&format!(" (stopped waiting after {} s with {pending} host{} unfinished; see `mclc status`)", WAIT.as_secs(), if pending == 1 { "" } else { "s" }));
    }
    Ok(message)
}

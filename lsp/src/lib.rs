//! The mcl language server (`mclc lsp`): the compiler library behind the Language Server
//! Protocol over stdio, on tower-lsp-server. No second parser or type checker: every answer comes
//! from `mcl_compiler::driver`, the syntax tree and `semantics::query`.
//!
//! Documents live in one table. Incremental changes are applied strictly in version order (the
//! framework may run notification handlers concurrently, so out-of-order changes wait for their
//! predecessors). Each change schedules an analysis of the document and of the open documents
//! that import it; changes that arrive while an analysis runs are coalesced into one follow-up
//! analysis (the debounce), and only the analysis of the current version is ever published.
//!
//! Every request runs its feature function under [`guard`]: a panic becomes an internal error
//! response (and a log message) instead of taking the server down.

pub mod actions;
pub mod commands;
pub mod completion;
pub mod deploy;
pub mod diagnostics;
pub mod hints;
pub mod hover;
pub mod navigate;
pub mod outline;
pub mod position;
pub mod settings;
pub mod signature;
pub mod tokens;

use mcl_compiler::driver::{self, Checked, FileLoader, StopAfter};
use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Mutex;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

/// Runs the server on stdin/stdout until the client says `exit`.
pub fn run_stdio() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mclc lsp: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let (service, socket) = LspService::new(|client| Backend { inner: Arc::new(Inner { client, state: Mutex::new(State::default()), settings: std::sync::RwLock::new(settings::Settings::default()) }) });
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    });
    std::process::ExitCode::SUCCESS
}

/// The server.
pub struct Backend {
    inner: Arc<Inner>,
}

/// The server's shared state (spawned analyses hold it too).
pub struct Inner {
    client: Client,
    state: Mutex<State>,
    settings: std::sync::RwLock<settings::Settings>,
}

#[derive(Default)]
struct State {
    docs: HashMap<Uri, Document>,
    /// The workspace folders the client opened (rename looks for importers there).
    roots: Vec<PathBuf>,
}

impl State {
    /// The open documents (other than `uri`) whose last analyses read `uri`'s file.
    fn importers_of(&self, uri: &Uri) -> Vec<Uri> {
        let path = path_of(uri);
        self.docs
            .iter()
            .filter(|(u, d)| *u != uri && d.analysis.iter().chain(d.good.iter()).any(|c| c.sources.iter().any(|(id, f)| id != c.entry && f.path == path)))
            .map(|(u, _)| u.clone())
            .collect()
    }
}

/// An open document: its text, version, changes waiting for their predecessors, and the last
/// analyses of it.
struct Document {
    text: String,
    version: i32,
    waiting: BTreeMap<i32, Vec<TextDocumentContentChangeEvent>>,
    /// The analysis of the newest analysed version.
    analysis: Option<Arc<Checked>>,
    /// The last analysis that got as far as name resolution (for completion while typing).
    good: Option<Arc<Checked>>,
    /// An analysis task is running for this document.
    running: bool,
    /// The text changed while that analysis ran: run again when it ends.
    dirty: bool,
}

/// What a request sees of a document: its current text and version, and its analyses.
pub struct Snapshot {
    /// The document's URI.
    pub uri: Uri,
    /// The current text.
    pub text: String,
    /// The current version.
    pub version: i32,
    /// The newest analysis (maybe of an older version while a new one runs).
    pub analysis: Option<Arc<Checked>>,
    /// The last analysis that resolved names.
    pub good: Option<Arc<Checked>>,
}

impl Snapshot {
    /// The newest analysis when it is of exactly the current text (positions line up).
    pub fn current(&self) -> Option<&Checked> {
        self.analysis.as_deref().filter(|c| c.sources.get(c.entry).text == self.text)
    }
}

/// A document's syntax tree and comments.
pub struct Syntax<'a> {
    /// The tree (possibly with error nodes).
    pub prog: Arc<mcl_compiler::syntax::ast::Block>,
    /// The comments, in order.
    pub comments: std::borrow::Cow<'a, [mcl_compiler::syntax::lexer::Comment]>,
}

/// The syntax of `text`: the analysis's tree when the analysis is of exactly this text (no
/// second parse on the request path), else a fresh parse.
pub fn syntax<'a>(text: &str, analysis: Option<&'a Checked>) -> Syntax<'a> {
    match analysis.filter(|c| c.sources.get(c.entry).text == text) {
        Some(c) => Syntax { prog: c.front_end.prog.clone(), comments: std::borrow::Cow::Borrowed(&c.front_end.comments) },
        None => {
            let parsed = mcl_compiler::syntax::parser::parse(text, mcl_compiler::source::FileId(0));
            Syntax { prog: Arc::new(parsed.prog), comments: std::borrow::Cow::Owned(parsed.comments) }
        }
    }
}

/// The file path of a `file:` URI (other schemes keep their text as a pseudo path).
pub fn path_of(uri: &Uri) -> PathBuf {
    uri.to_file_path().map(|p| p.into_owned()).unwrap_or_else(|| PathBuf::from(uri.as_str()))
}

fn apply(text: &mut String, change: &TextDocumentContentChangeEvent) {
    match change.range {
        Some(r) => {
            let start = position::offset(text, r.start);
            let end = position::offset(text, r.end).max(start);
            text.replace_range(start..end, &change.text);
        }
        None => *text = change.text.clone(),
    }
}

/// Runs a feature function, turning a panic into an internal-error response. A panic is a bug
/// to fix; this keeps one bad request from taking the server (and the user's diagnostics) down.
pub fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let detail = payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned()).unwrap_or_default();
        Error { code: ErrorCode::InternalError, message: format!("mclc lsp: internal error in {what}: {detail} (please report this with the document)").into(), data: None }
    })
}

impl Inner {
    /// Schedules an analysis of `uri`: starts one, or marks the running one dirty.
    async fn schedule(self: &Arc<Self>, uri: Uri) {
        {
            let mut state = self.state.lock().await;
            let Some(doc) = state.docs.get_mut(&uri) else { return };
            if doc.running {
                doc.dirty = true;
                return;
            }
            doc.running = true;
        }
        let inner = self.clone();
        tokio::spawn(async move { inner.analyse_until_clean(uri).await });
    }

    /// Schedules `uri` and every open document whose last analysis read it (its importers).
    async fn schedule_with_importers(self: &Arc<Self>, uri: Uri) {
        let importers = self.state.lock().await.importers_of(&uri);
        self.schedule(uri).await;
        for u in importers {
            self.schedule(u).await;
        }
    }

    /// Analyses the document until no change arrived during the last analysis, publishing the
    /// diagnostics of each analysis that is still current.
    async fn analyse_until_clean(self: Arc<Self>, uri: Uri) {
        loop {
            let (text, version, overlay) = {
                let mut state = self.state.lock().await;
                let overlay: HashMap<PathBuf, String> = state.docs.iter().map(|(u, d)| (path_of(u), d.text.clone())).collect();
                let Some(doc) = state.docs.get_mut(&uri) else { return };
                doc.dirty = false;
                (doc.text.clone(), doc.version, overlay)
            };
            let path = path_of(&uri);
            let checked = tokio::task::spawn_blocking(move || {
                let mut loader = FileLoader::new(StopAfter::Unify);
                loader.overlay = overlay;
                driver::check_with(path, text, loader, StopAfter::Unify)
            })
            .await;
            // Replaced analyses are dropped off the latency path (a big program's tree takes a
            // while to free).
            let mut replaced: Vec<Arc<Checked>> = Vec::new();
            let published = match checked {
                Ok(checked) => {
                    let checked = Arc::new(checked);
                    let mut state = self.state.lock().await;
                    match state.docs.get_mut(&uri) {
                        // Never publish a stale analysis: only the current version's.
                        Some(doc) if doc.version == version && !doc.dirty => {
                            if checked.hir.is_some() {
                                replaced.extend(doc.good.replace(checked.clone()));
                            }
                            replaced.extend(doc.analysis.replace(checked.clone()));
                            Some(diagnostics::for_document(&checked, &uri))
                        }
                        _ => {
                            replaced.push(checked);
                            None
                        }
                    }
                }
                Err(e) => {
                    let message = format!("mclc lsp: internal error analysing {}: {e} (please report this with the document)", uri.as_str());
                    self.client.log_message(MessageType::ERROR, message).await;
                    None
                }
            };
            if let Some(diagnostics) = published {
                self.client.publish_diagnostics(uri.clone(), diagnostics, Some(version)).await;
            }
            if !replaced.is_empty() {
                tokio::task::spawn_blocking(move || drop(replaced));
            }
            let mut state = self.state.lock().await;
            let Some(doc) = state.docs.get_mut(&uri) else { return };
            if !doc.dirty {
                doc.running = false;
                return;
            }
        }
    }

    async fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let state = self.state.lock().await;
        let d = state.docs.get(uri)?;
        Some(Snapshot { uri: uri.clone(), text: d.text.clone(), version: d.version, analysis: d.analysis.clone(), good: d.good.clone() })
    }
}

impl Backend {
    /// Runs `f` on a snapshot of `uri` under [`guard`]; `None` when the document is not open.
    async fn with_snapshot<T>(&self, uri: &Uri, what: &str, f: impl FnOnce(&Snapshot) -> Option<T>) -> Result<Option<T>> {
        let Some(snapshot) = self.inner.snapshot(uri).await else { return Ok(None) };
        let result = guard(what, || f(&snapshot));
        if let Err(e) = &result {
            self.inner.client.log_message(MessageType::ERROR, e.message.to_string()).await;
        }
        result
    }

    /// Pulls the `mcl` section of the client's settings (when the client supports it).
    async fn pull_settings(&self) {
        let item = ConfigurationItem { scope_uri: None, section: Some("mcl".into()) };
        if let Ok(values) = self.inner.client.configuration(vec![item]).await
            && let Some(value) = values.into_iter().next()
            && !value.is_null()
            && let Ok(mut s) = self.inner.settings.write()
        {
            s.merge(&value);
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        if let Some(options) = &params.initialization_options
            && let Ok(mut s) = self.inner.settings.write()
        {
            s.merge(options.get("mcl").unwrap_or(options));
        }
        let roots: Vec<PathBuf> = params.workspace_folders.iter().flatten().filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned())).collect();
        self.inner.state.lock().await.roots = roots;
        let legend = SemanticTokensLegend { token_types: tokens::TYPES.to_vec(), token_modifiers: tokens::MODIFIERS.to_vec() };
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions { prepare_provider: Some(true), work_done_progress_options: Default::default() })),
                completion_provider: Some(CompletionOptions { trigger_characters: Some(vec!["$".into(), ".".into(), ":".into()]), ..Default::default() }),
                signature_help_provider: Some(SignatureHelpOptions { trigger_characters: Some(vec!["(".into(), ",".into()]), retrigger_characters: None, work_done_progress_options: Default::default() }),
                semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
                    legend,
                    full: Some(SemanticTokensFullOptions::Bool(true)),
                    range: Some(true),
                    ..Default::default()
                })),
                inlay_hint_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR_REWRITE, CodeActionKind::SOURCE]),
                    ..Default::default()
                })),
                code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
                execute_command_provider: Some(ExecuteCommandOptions { commands: commands::ALL.iter().map(|c| c.to_string()).collect(), ..Default::default() }),
                ..Default::default()
            },
            server_info: Some(ServerInfo { name: "mclc".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.pull_settings().await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if !params.settings.is_null()
            && let Ok(mut s) = self.inner.settings.write()
        {
            s.merge(params.settings.get("mcl").unwrap_or(&params.settings));
        }
        self.pull_settings().await;
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let document = Document { text: doc.text, version: doc.version, waiting: BTreeMap::new(), analysis: None, good: None, running: false, dirty: false };
        self.inner.state.lock().await.docs.insert(doc.uri.clone(), document);
        self.inner.schedule_with_importers(doc.uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            let mut state = self.inner.state.lock().await;
            let Some(doc) = state.docs.get_mut(&uri) else { return };
            doc.waiting.insert(params.text_document.version, params.content_changes);
            // Apply changes strictly in version order (versions increase by at least one).
            while let Some((&v, _)) = doc.waiting.first_key_value() {
                if v <= doc.version {
                    doc.waiting.pop_first();
                    continue;
                }
                let contiguous = v == doc.version + 1 || doc.waiting.len() > 64;
                if !contiguous {
                    break;
                }
                let (v, changes) = doc.waiting.pop_first().unwrap_or((v, Vec::new()));
                for c in &changes {
                    apply(&mut doc.text, c);
                }
                doc.version = v;
            }
        }
        self.inner.schedule_with_importers(uri).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.inner.schedule_with_importers(params.text_document.uri).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let importers = {
            let mut state = self.inner.state.lock().await;
            state.docs.remove(&uri);
            state.importers_of(&uri)
        };
        self.inner.client.publish_diagnostics(uri.clone(), Vec::new(), None).await;
        // Its importers now read it from disk.
        for u in importers {
            self.inner.schedule(u).await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.with_snapshot(&p.text_document.uri, "hover", |s| hover::hover(s, p.position)).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        self.with_snapshot(&p.text_document.uri, "completion", |s| {
            let offset = position::offset(&s.text, p.position);
            let dir = path_of(&s.uri).parent().map(|d| d.to_path_buf());
            Some(CompletionResponse::Array(completion::items(&s.text, offset, s.good.as_deref(), dir.as_deref())))
        })
        .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let p = params.text_document_position_params;
        self.with_snapshot(&p.text_document.uri, "signature help", |s| signature::help(s, p.position)).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.with_snapshot(&params.text_document.uri, "formatting", |s| {
            // A document with syntax errors is left alone (its diagnostics say why).
            let formatted = mcl_compiler::format::format(&s.text).ok()?;
            if formatted == s.text {
                return Some(Vec::new());
            }
            Some(vec![TextEdit { range: position::range(&s.text, 0, s.text.len()), new_text: formatted }])
        })
        .await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.with_snapshot(&p.text_document.uri, "go to definition", |s| navigate::definition(s, p.position).map(GotoDefinitionResponse::Scalar)).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let include = params.context.include_declaration;
        self.with_snapshot(&p.text_document.uri, "references", |s| navigate::references(s, p.position, include)).await
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        self.with_snapshot(&p.text_document.uri, "document highlight", |s| navigate::highlights(s, p.position)).await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        self.with_snapshot(&params.text_document.uri, "rename", |s| navigate::prepare_rename(s, params.position)).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let (overlay, roots) = {
            let state = self.inner.state.lock().await;
            (state.docs.iter().map(|(u, d)| (path_of(u), d.text.clone())).collect::<HashMap<_, _>>(), state.roots.clone())
        };
        let Some(snapshot) = self.inner.snapshot(&p.text_document.uri).await else { return Ok(None) };
        let new_name = params.new_name;
        let result = tokio::task::spawn_blocking(move || guard("rename", || navigate::rename(&snapshot, p.position, &new_name, &overlay, &roots))).await;
        match result {
            Ok(Ok(Ok(edit))) => Ok(edit),
            Ok(Ok(Err(message))) => Err(Error { code: ErrorCode::InvalidParams, message: message.into(), data: None }),
            Ok(Err(e)) => Err(e),
            Err(e) => Err(Error { code: ErrorCode::InternalError, message: format!("mclc lsp: rename failed: {e}").into(), data: None }),
        }
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.with_snapshot(&params.text_document.uri, "document symbols", |s| Some(DocumentSymbolResponse::Nested(outline::symbols(&s.text, s.analysis.as_deref())))).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.with_snapshot(&params.text_document.uri, "folding ranges", |s| Some(outline::folding_ranges(&s.text, s.analysis.as_deref()))).await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        self.with_snapshot(&params.text_document.uri, "semantic tokens", |s| {
            Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data: tokens::tokens(&s.text, s.current(), None) }))
        })
        .await
    }

    async fn semantic_tokens_range(&self, params: SemanticTokensRangeParams) -> Result<Option<SemanticTokensRangeResult>> {
        self.with_snapshot(&params.text_document.uri, "semantic tokens", |s| {
            Some(SemanticTokensRangeResult::Tokens(SemanticTokens { result_id: None, data: tokens::tokens(&s.text, s.current(), Some(params.range)) }))
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.with_snapshot(&params.text_document.uri, "inlay hints", |s| Some(hints::inlay_hints(s, params.range))).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.with_snapshot(&params.text_document.uri, "code actions", |s| Some(actions::code_actions(s, params.range, params.context.only.as_deref()))).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.with_snapshot(&params.text_document.uri, "code lens", |s| Some(actions::code_lenses(s))).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        commands::execute(&self.inner, params).await
    }
}

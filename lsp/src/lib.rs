//! The mcl language server (`mclc lsp`): the compiler library behind the Language Server
//! Protocol over stdio, on tower-lsp-server. No second parser or type checker: every answer comes
//! from `mcl_compiler::driver` and `semantics::query`.
//!
//! Documents are kept in one table; incremental changes are applied strictly in version order
//! (the framework may run notification handlers concurrently, so out-of-order changes wait for
//! their predecessors). Every change re-analyses the document with the open buffers as overlays
//! and publishes its diagnostics, tagged with the document version.

pub mod completion;
pub mod position;

use mcl_compiler::diagnostics::{Diagnostic as McDiagnostic, Severity};
use mcl_compiler::driver::{self, Checked, FileLoader, StopAfter};
use mcl_compiler::semantics::hir::{DefKind, RefTarget};
use mcl_compiler::semantics::query;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Mutex;
use tower_lsp_server::jsonrpc::Result;
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
        let (service, socket) = LspService::new(|client| Backend { client, state: Mutex::new(State::default()) });
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    });
    std::process::ExitCode::SUCCESS
}

/// The server.
pub struct Backend {
    client: Client,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    docs: HashMap<Uri, Document>,
}

/// An open document: its text, version, changes waiting for their predecessors, and the last
/// analysis of it.
struct Document {
    text: String,
    version: i32,
    waiting: BTreeMap<i32, Vec<TextDocumentContentChangeEvent>>,
    analysis: Option<Arc<Checked>>,
    /// The last analysis that got as far as name resolution (for completion while typing).
    good: Option<Arc<Checked>>,
}

fn path_of(uri: &Uri) -> PathBuf {
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

impl Backend {
    /// Re-analyses a document (with every open buffer as an overlay) and publishes diagnostics.
    async fn analyse(&self, uri: &Uri) {
        let (text, version, overlay) = {
            let state = self.state.lock().await;
            let Some(doc) = state.docs.get(uri) else { return };
            let overlay: HashMap<PathBuf, String> = state.docs.iter().map(|(u, d)| (path_of(u), d.text.clone())).collect();
            (doc.text.clone(), doc.version, overlay)
        };
        let path = path_of(uri);
        let checked = tokio::task::spawn_blocking(move || {
            let mut loader = FileLoader::new(StopAfter::Unify);
            loader.overlay = overlay;
            driver::check_with(path, text, loader, StopAfter::Unify)
        })
        .await;
        let Ok(checked) = checked else { return };
        let source = checked.sources.get(checked.entry).clone();
        let diagnostics: Vec<Diagnostic> = checked.diagnostics.iter().filter(|d| d.file == checked.entry).map(|d| to_lsp(d, &source.text, uri, &checked)).collect();
        {
            let mut state = self.state.lock().await;
            match state.docs.get_mut(uri) {
                // Never publish a stale analysis: only the current version's.
                Some(doc) if doc.version == version => {
                    let checked = Arc::new(checked);
                    if checked.hir.is_some() {
                        doc.good = Some(checked.clone());
                    }
                    doc.analysis = Some(checked);
                }
                _ => return,
            }
        }
        self.client.publish_diagnostics(uri.clone(), diagnostics, Some(version)).await;
    }

    async fn analysis(&self, uri: &Uri) -> Option<Arc<Checked>> {
        self.state.lock().await.docs.get(uri).and_then(|d| d.analysis.clone())
    }
}

/// Document symbols for binds, functions, classes and resources, nested like the blocks.
fn symbols(stmts: &[mcl_compiler::syntax::ast::Stmt], text: &str) -> Vec<DocumentSymbol> {
    use mcl_compiler::syntax::ast::StmtKind;
    let mut out = Vec::new();
    for stmt in stmts {
        let (name, kind, selection, children) = match &stmt.kind {
            StmtKind::Bind { name, .. } => (format!("${}", name.text), SymbolKind::VARIABLE, name.span, Vec::new()),
            StmtKind::Func { name, .. } => (name.text.to_string(), SymbolKind::FUNCTION, name.span, Vec::new()),
            StmtKind::Class { name, body, .. } => (name.text.to_string(), SymbolKind::CLASS, name.span, symbols(&body.stmts, text)),
            StmtKind::Resource(r) => {
                let shown = text.get(r.name.span.range()).unwrap_or("").chars().take(60).collect::<String>();
                (format!("{} {}", r.kind.text, shown), SymbolKind::OBJECT, r.kind.span, Vec::new())
            }
            StmtKind::If { then_block, else_block, .. } => {
                let mut nested = symbols(&then_block.stmts, text);
                if let Some(b) = else_block {
                    nested.extend(symbols(&b.stmts, text));
                }
                out.extend(nested);
                continue;
            }
            StmtKind::For { body, .. } | StmtKind::ForKv { body, .. } => {
                out.extend(symbols(&body.stmts, text));
                continue;
            }
            _ => continue,
        };
        #[allow(deprecated)] // `deprecated` is a required field of the type
        out.push(DocumentSymbol {
            name,
            detail: None,
            kind,
            tags: None,
            deprecated: None,
            range: position::range(text, stmt.span.start as usize, stmt.span.end as usize),
            selection_range: position::range(text, selection.start as usize, selection.end as usize),
            children: (!children.is_empty()).then_some(children),
        });
    }
    out
}

fn to_lsp(d: &McDiagnostic, text: &str, uri: &Uri, checked: &Checked) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| {
            let file = checked.sources.get(l.file);
            let target = Uri::from_file_path(&file.path)?;
            let _ = uri;
            Some(DiagnosticRelatedInformation {
                location: Location { uri: target, range: position::range(&file.text, l.span.start as usize, l.span.end as usize) },
                message: l.message.clone(),
            })
        })
        .collect();
    let message = match &d.help {
        Some(h) => format!("{}\nhelp: {h}", d.message),
        None => d.message.clone(),
    };
    Diagnostic {
        range: position::range(text, d.span.start as usize, d.span.end as usize),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some(format!("mclc {}", d.phase)),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::INCREMENTAL)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                completion_provider: Some(CompletionOptions { trigger_characters: Some(vec!["$".into(), ".".into(), ":".into()]), ..Default::default() }),
                ..Default::default()
            },
            server_info: Some(ServerInfo { name: "mclc".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            ..Default::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.state.lock().await.docs.insert(doc.uri.clone(), Document { text: doc.text, version: doc.version, waiting: BTreeMap::new(), analysis: None, good: None });
        self.analyse(&doc.uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            let mut state = self.state.lock().await;
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
        self.analyse(&uri).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.analyse(&params.text_document.uri).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.state.lock().await.docs.remove(&params.text_document.uri);
        self.client.publish_diagnostics(params.text_document.uri, Vec::new(), None).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let Some(checked) = self.analysis(&uri).await else { return Ok(None) };
        let (Some(hir), source) = (checked.hir.as_ref(), checked.sources.get(checked.entry)) else { return Ok(None) };
        let offset = position::offset(&source.text, params.text_document_position_params.position);
        let mut lines = Vec::new();
        if let Some(target) = query::target_at(hir, checked.entry, offset) {
            match target {
                RefTarget::Builtin(f) => lines.push(format!("```mcl\n{}: {}\n```", f.qualified_name(), f.sig)),
                RefTarget::Const(c) => lines.push(format!("```mcl\n${}: {}\n```", c.name, c.ty())),
                RefTarget::Def(d) => {
                    let def = hir.def(d);
                    let ty = checked.typed.as_ref().and_then(|t| t.def_types.get(&d)).map(|t| t.to_string());
                    let what = match &def.kind {
                        DefKind::Bind { .. } | DefKind::Param { .. } | DefKind::LoopKey | DefKind::LoopValue => format!("${}", def.name),
                        DefKind::Func(_) => format!("func {}", def.name),
                        DefKind::Class { .. } => format!("class {}", def.name),
                        DefKind::IncludeAlias { .. } | DefKind::Import { .. } => format!("alias {}", def.name),
                    };
                    lines.push(match ty {
                        Some(t) => format!("```mcl\n{what}: {t}\n```"),
                        None => format!("```mcl\n{what}\n```"),
                    });
                }
            }
        } else if let Some(typed) = &checked.typed
            && let Some((span, ty)) = query::type_at(hir, typed, checked.entry, offset)
        {
            let range = position::range(&source.text, span.start as usize, span.end as usize);
            return Ok(Some(Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: format!("```mcl\n{ty}\n```") }), range: Some(range) }));
        }
        if lines.is_empty() {
            return Ok(None);
        }
        Ok(Some(Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: lines.join("\n") }), range: None }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri;
        let (text, good) = match self.state.lock().await.docs.get(&uri) {
            Some(d) => (d.text.clone(), d.good.clone()),
            None => return Ok(None),
        };
        let offset = position::offset(&text, params.text_document_position.position);
        Ok(Some(CompletionResponse::Array(completion::items(&text, offset, good.as_deref()))))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let text = match self.state.lock().await.docs.get(&params.text_document.uri) {
            Some(d) => d.text.clone(),
            None => return Ok(None),
        };
        // A document with syntax errors is left alone (its diagnostics say why).
        let Ok(formatted) = mcl_compiler::format::format(&text) else { return Ok(None) };
        if formatted == text {
            return Ok(Some(Vec::new()));
        }
        Ok(Some(vec![TextEdit { range: position::range(&text, 0, text.len()), new_text: formatted }]))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri;
        let Some(checked) = self.analysis(&uri).await else { return Ok(None) };
        let (Some(hir), source) = (checked.hir.as_ref(), checked.sources.get(checked.entry)) else { return Ok(None) };
        let offset = position::offset(&source.text, params.text_document_position.position);
        let Some(RefTarget::Def(d)) = query::target_at(hir, checked.entry, offset) else { return Ok(None) };
        let mut sites = query::references(hir, d);
        if params.context.include_declaration {
            sites.insert(0, query::definition_site(hir, d));
        }
        let locations = sites
            .into_iter()
            .filter_map(|(file, span)| {
                let f = checked.sources.get(file);
                let u = if file == checked.entry { Some(uri.clone()) } else { Uri::from_file_path(&f.path) };
                Some(Location { uri: u?, range: position::range(&f.text, span.start as usize, span.end as usize) })
            })
            .collect();
        Ok(Some(locations))
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let uri = params.text_document_position_params.text_document.uri;
        let Some(checked) = self.analysis(&uri).await else { return Ok(None) };
        let (Some(hir), source) = (checked.hir.as_ref(), checked.sources.get(checked.entry)) else { return Ok(None) };
        let offset = position::offset(&source.text, params.text_document_position_params.position);
        let Some(RefTarget::Def(d)) = query::target_at(hir, checked.entry, offset) else { return Ok(None) };
        let mut sites = vec![(query::definition_site(hir, d), DocumentHighlightKind::WRITE)];
        sites.extend(query::references(hir, d).into_iter().map(|s| (s, DocumentHighlightKind::READ)));
        let highlights = sites
            .into_iter()
            .filter(|((file, _), _)| *file == checked.entry)
            .map(|((_, span), kind)| DocumentHighlight { range: position::range(&source.text, span.start as usize, span.end as usize), kind: Some(kind) })
            .collect();
        Ok(Some(highlights))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let text = match self.state.lock().await.docs.get(&params.text_document.uri) {
            Some(d) => d.text.clone(),
            None => return Ok(None),
        };
        // From the syntax tree, so that symbols show even while the file has errors.
        let parsed = mcl_compiler::syntax::parser::parse(&text, mcl_compiler::source::FileId(0));
        Ok(Some(DocumentSymbolResponse::Nested(symbols(&parsed.prog.stmts, &text))))
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri;
        let Some(checked) = self.analysis(&uri).await else { return Ok(None) };
        let (Some(hir), source) = (checked.hir.as_ref(), checked.sources.get(checked.entry)) else { return Ok(None) };
        let offset = position::offset(&source.text, params.text_document_position_params.position);
        let Some(RefTarget::Def(d)) = query::target_at(hir, checked.entry, offset) else { return Ok(None) };
        let (file, span) = query::definition_site(hir, d);
        let target = checked.sources.get(file);
        let target_uri = if file == checked.entry { uri.clone() } else { Uri::from_file_path(&target.path).unwrap_or(uri.clone()) };
        Ok(Some(GotoDefinitionResponse::Scalar(Location { uri: target_uri, range: position::range(&target.text, span.start as usize, span.end as usize) })))
    }
}

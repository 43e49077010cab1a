//! The pipeline driver: runs the phases in order on one program and collects every diagnostic.
//!
//! Per file: lex + parse → interpolate → init; then for the program: scope (loading imports
//! through the same per-file front end) → unify. (mgmt runs init before interpolation; the two
//! are independent per-file checks, and running interpolation first lets `--stop-after
//! interpolate` mean "syntax only".) A phase runs only when the previous ones found
//! no errors (later phases would mostly repeat them), except that lexing and parsing report
//! everything they can in one go, and an imported module's own errors are reported at its file.

use crate::diagnostics::{Diagnostic, Phase, codes};
use crate::semantics::hir::Hir;
use crate::semantics::unify::{self, Typed};
use crate::semantics::{init, scope};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::ast::Block;
use crate::syntax::lexer::Comment;
use crate::syntax::{interpolate, parser};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The last phase to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StopAfter {
    /// Lex and parse only.
    Parse,
    /// Also decode strings and `${…}` references.
    Interpolate,
    /// Also the structural checks (duplicate fields, bad meta params, …).
    Init,
    /// Also resolve names, load imports and check ordering.
    Scope,
    /// Also infer and check types.
    Unify,
}

impl StopAfter {
    /// Every phase a check can stop after, in order.
    pub const ALL: [StopAfter; 5] = [StopAfter::Parse, StopAfter::Interpolate, StopAfter::Init, StopAfter::Scope, StopAfter::Unify];

    /// The phase's name, as used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            StopAfter::Parse => "parse",
            StopAfter::Interpolate => "interpolate",
            StopAfter::Init => "init",
            StopAfter::Scope => "scope",
            StopAfter::Unify => "unify",
        }
    }
}

/// One file after the per-file front end.
#[derive(Debug)]
pub struct FrontEnd {
    /// The tree (interpolated when that phase ran without errors).
    pub prog: Arc<Block>,
    /// Comments, for the formatter and the language server.
    pub comments: Vec<Comment>,
    /// Problems found in this file.
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs lex + parse, interpolation and init on one file, stopping at the first phase with errors.
pub fn front_end(text: &str, file: FileId, stop_after: StopAfter) -> FrontEnd {
    let mut parsed = parser::parse(text, file);
    let mut diagnostics = std::mem::take(&mut parsed.diagnostics);
    let ok = |d: &Vec<Diagnostic>| !d.iter().any(Diagnostic::is_error);
    if stop_after >= StopAfter::Interpolate && ok(&diagnostics) {
        diagnostics.extend(interpolate::interpolate(&mut parsed.prog, text, file));
    }
    if stop_after >= StopAfter::Init && ok(&diagnostics) {
        diagnostics.extend(init::check(&parsed.prog, file));
    }
    FrontEnd { prog: Arc::new(parsed.prog), comments: parsed.comments, diagnostics }
}

/// The result of checking one program.
#[derive(Debug)]
pub struct Checked {
    /// Every file read (the entry first).
    pub sources: SourceMap,
    /// The entry file's id.
    pub entry: FileId,
    /// The entry file after the per-file front end.
    pub front_end: FrontEnd,
    /// The resolved program, when the scope phase ran.
    pub hir: Option<Hir>,
    /// The types, when the unify phase ran.
    pub typed: Option<Typed>,
    /// Every problem found, in phase order, then by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads imported files from the file system (or from `overlay`, for unsaved editor buffers),
/// running each through the per-file front end.
pub struct FileLoader {
    /// Every file loaded so far.
    pub sources: SourceMap,
    /// Texts that replace what is on disk, by path.
    pub overlay: HashMap<PathBuf, String>,
    /// Problems found in loaded files.
    pub diagnostics: Vec<Diagnostic>,
    stop_after: StopAfter,
}

impl FileLoader {
    /// A loader that runs the front end up to `stop_after` on each file.
    pub fn new(stop_after: StopAfter) -> FileLoader {
        FileLoader { sources: SourceMap::new(), overlay: HashMap::new(), diagnostics: Vec::new(), stop_after }
    }
}

impl scope::Loader for FileLoader {
    fn load(&mut self, path: &Path) -> Result<scope::LoadedFile, String> {
        let text = match self.overlay.get(path) {
            Some(text) => text.clone(),
            None => match std::fs::read(path) {
                Ok(bytes) => String::from_utf8(bytes).map_err(|e| format!("{} is not valid UTF-8 (at byte {})", path.display(), e.utf8_error().valid_up_to()))?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(format!("{} does not exist", path.display())),
                Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
            },
        };
        let file = self.sources.add(SourceFile::new(path, text));
        let source = self.sources.get(file).clone();
        let fe = front_end(&source.text, file, self.stop_after);
        let has_errors = fe.diagnostics.iter().any(Diagnostic::is_error);
        self.diagnostics.extend(fe.diagnostics);
        Ok(scope::LoadedFile { file, prog: fe.prog, has_errors })
    }

    fn path_of(&self, file: FileId) -> PathBuf {
        self.sources.get(file).path.clone()
    }
}

/// Checks the program in `text`, an entry file shown to users as `path` (its imports are read
/// relative to `path`'s directory), up to and including `stop_after`.
pub fn check_text(path: impl Into<PathBuf>, text: impl Into<String>, stop_after: StopAfter) -> Checked {
    check_with(path.into(), text.into(), FileLoader::new(stop_after), stop_after)
}

/// Like [`check_text`], with a caller-supplied loader (for example with editor overlays).
pub fn check_with(path: PathBuf, text: String, mut loader: FileLoader, stop_after: StopAfter) -> Checked {
    let entry = loader.sources.add(SourceFile::new(path, text));
    let source = loader.sources.get(entry).clone();
    let fe = front_end(&source.text, entry, stop_after);
    let mut diagnostics = fe.diagnostics.clone();
    let mut hir = None;
    if stop_after >= StopAfter::Scope && !diagnostics.iter().any(Diagnostic::is_error) {
        let loaded = scope::LoadedFile { file: entry, prog: fe.prog.clone(), has_errors: false };
        let resolved = scope::resolve(loaded, &mut loader);
        diagnostics.append(&mut loader.diagnostics);
        diagnostics.extend(resolved.diagnostics);
        hir = Some(resolved.hir);
    }
    let mut typed = None;
    if let Some(h) = &hir
        && stop_after >= StopAfter::Unify
        && !diagnostics.iter().any(Diagnostic::is_error)
    {
        let t = unify::check(h);
        diagnostics.extend(t.diagnostics.iter().cloned());
        typed = Some(t);
    }
    Checked { sources: loader.sources, entry, front_end: fe, hir, typed, diagnostics }
}

/// Checks the program at `path`: a file, or a module directory (its entry is `metadata.yaml`'s
/// `main:`, else `main.mcl`).
pub fn check_path(path: &Path, stop_after: StopAfter) -> Checked {
    let entry = if path.is_dir() { scope::module_main(path) } else { path.to_path_buf() };
    match std::fs::read(&entry) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => check_text(entry, text, stop_after),
            Err(e) => io_failure(&entry, format!("{} is not valid UTF-8 (first bad byte at offset {})", entry.display(), e.utf8_error().valid_up_to())),
        },
        Err(e) => io_failure(&entry, format!("cannot read {}: {e}", entry.display())),
    }
}

fn io_failure(path: &Path, message: String) -> Checked {
    let mut sources = SourceMap::new();
    let entry = sources.add(SourceFile::new(path, String::new()));
    let diagnostic = Diagnostic::error(Phase::Io, codes::IO, entry, Span::default(), message);
    let front_end = FrontEnd { prog: Arc::new(Block { stmts: Vec::new(), span: Span::default() }), comments: Vec::new(), diagnostics: Vec::new() };
    Checked { sources, entry, front_end, hir: None, typed: None, diagnostics: vec![diagnostic] }
}

/// The result of building a program's resource graph.
#[derive(Debug)]
pub struct Built {
    /// The static check (its diagnostics include any evaluation or graph error).
    pub checked: Checked,
    /// The graph, when every phase succeeded.
    pub graph: Option<crate::eval::graph::Graph>,
}

/// Diagnostic codes of evaluation and graph building.
pub mod codes_eval {
    /// A run-time error that nothing caught.
    pub const RUNTIME: &str = "E0701";
    /// A problem building the resource graph.
    pub const GRAPH: &str = "E0801";
}

/// Checks the program at `path` (a file or module directory) and, when it is clean, evaluates it
/// on `host` and builds its resource graph.
pub fn build_graph(path: &Path, host: Option<crate::eval::stdlib::Host>) -> Built {
    let checked = check_path(path, StopAfter::Unify);
    let root = if path.is_dir() { path.to_path_buf() } else { path.parent().map(Path::to_path_buf).unwrap_or_default() };
    build_checked(checked, &root, host)
}

/// Evaluates an already checked program (for example one checked with editor overlays) and
/// builds its graph; `root` is the directory its file functions read from. A program with
/// errors is returned as it is.
pub fn build_checked(mut checked: Checked, root: &Path, host: Option<crate::eval::stdlib::Host>) -> Built {
    if checked.has_errors() {
        return Built { checked, graph: None };
    }
    let (Some(hir), Some(typed)) = (&checked.hir, &checked.typed) else { return Built { checked, graph: None } };
    let host = host.unwrap_or_else(|| crate::eval::stdlib::Host::local(root.to_path_buf()));
    let graph = match crate::eval::interp::run(hir, typed, &host, &checked.sources) {
        Ok(output) => match crate::eval::graph::build(output) {
            Ok(g) => Some(g),
            Err(e) => {
                checked.diagnostics.push(graph_error_diagnostic(e));
                None
            }
        },
        Err(e) => {
            checked.diagnostics.push(run_error_diagnostic(&e));
            None
        }
    };
    Built { checked, graph }
}

/// The diagnostic for a run-time error of the evaluator (phase `eval`).
pub fn run_error_diagnostic(e: &crate::eval::interp::RunError) -> Diagnostic {
    Diagnostic::error(Phase::Eval, codes_eval::RUNTIME, e.file, e.span, e.error.message.clone())
        .with_help(if e.error.catchable { "this error is catchable: `expr <|> fallback` gives a value to use instead" } else { "this error stops the program" })
}

/// The diagnostic for a problem building the resource graph (phase `graph`).
pub fn graph_error_diagnostic(e: crate::eval::graph::GraphError) -> Diagnostic {
    let mut d = Diagnostic::error(Phase::Graph, codes_eval::GRAPH, e.file, e.span, e.message);
    d.help = e.help;
    d
}

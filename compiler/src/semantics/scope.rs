//! The scope phase: loads imported modules, resolves every name to its definition, and checks
//! mgmt's ordering rules (statements are order-independent, but references must form a DAG).
//!
//! Input: the entry file's syntax tree (parsed, init-checked, interpolated) and a [`Loader`] for
//! imports. Output: the [`Hir`] and the diagnostics. It works in two passes over every file:
//! [`declare`](Resolver::declare) creates a [`Scope`] for every statement list and a [`Def`] for
//! every definition (loading imports on the way); [`lower`](Resolver::lower_scope) then lowers
//! statements and expressions, resolving each name in its lexical scope and recording which
//! definition depends on which, for the cycle check at the end.

use crate::diagnostics::{Diagnostic, Fix, Phase};
use crate::registry::{consts, functions, suggest};
use crate::semantics::hir::*;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, BinOp, ExprKind as A, ImportAlias, Name, StmtKind, StrPart};
use crate::types;
use smol_str::{SmolStr, format_smolstr};
// foldhash, not SipHash: the keys are our own indices and names, and hashing was ~10% of a check.
use foldhash::{HashMap, HashMapExt, HashSet};
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

/// Diagnostic codes of the scope phase.
pub mod codes {
    /// A variable, function or class that no scope defines.
    pub const UNKNOWN_NAME: &str = "E0501";
    /// Two definitions of one name in one statement list.
    pub const DUPLICATE_DEFINITION: &str = "E0502";
    /// A reference cycle (mcl has no recursion).
    pub const CYCLE: &str = "E0503";
    /// An include with the wrong number of arguments.
    pub const ARITY: &str = "E0504";
    /// An import that can't be loaded (missing, unreadable, a cycle, bad name).
    pub const IMPORT: &str = "E0505";
    /// A module with statements other than import, bind, func and class at its top level.
    pub const MODULE_STATEMENT: &str = "E0506";
}

/// A file loaded for an import: its id and its checked syntax tree.
pub struct LoadedFile {
    /// The file's id in the compilation's source map.
    pub file: FileId,
    /// The tree (parsed, init-checked and interpolated).
    pub prog: Arc<ast::Block>,
    /// True when the file had errors of its own (already reported by the loader).
    pub has_errors: bool,
}

/// Reads and front-end-checks imported files. The driver implements it over the file system;
/// the language server over its open documents.
pub trait Loader {
    /// Loads the file at `path`. `Err` carries a message such as "file not found".
    fn load(&mut self, path: &FsPath) -> Result<LoadedFile, String>;
    /// The path of a loaded file (to resolve its own relative imports).
    fn path_of(&self, file: FileId) -> PathBuf;
}

/// The result of the scope phase.
pub struct Resolved {
    /// The resolved program.
    pub hir: Hir,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Resolves the program whose entry file is `entry` (already loaded by the caller).
pub fn resolve(entry: LoadedFile, loader: &mut dyn Loader) -> Resolved {
    let mut r = Resolver::new(loader);
    // Reserve for the entry file up front (about one expression per 8 bytes of source, one
    // definition per 40): growing these vectors copied them over and over on big files.
    let size = entry.prog.span.end as usize;
    r.hir.exprs.reserve(size / 8);
    r.hir.defs.reserve(size / 40);
    r.hir.refs.reserve(size / 24);
    let root = r.load_module(entry, None);
    r.hir.entry = root;
    let mut i = 0;
    while i < r.pending.len() {
        let (scope, prog) = r.pending[i].clone();
        r.lower_scope(scope, &prog);
        i += 1;
    }
    r.check_cycles();
    r.report_broken_imports();
    r.diags.sort_by_key(|d| (d.file, d.span.start));
    Resolved { hir: r.hir, diagnostics: r.diags }
}

/// The names a statement list defines, per namespace.
#[derive(Default)]
struct Table {
    vars: HashMap<SmolStr, DefIdx>,
    funcs: HashMap<SmolStr, DefIdx>,
    classes: HashMap<SmolStr, DefIdx>,
    /// Import and include-as aliases.
    aliases: HashMap<SmolStr, DefIdx>,
    /// `import … as *`, in order (later ones win).
    stars: Vec<DefIdx>,
    /// Import paths seen, for the "imported twice" check.
    imports: HashMap<SmolStr, Span>,
}

impl Table {
    /// The definitions of one namespace.
    fn namespace(&self, ns: Ns) -> &HashMap<SmolStr, DefIdx> {
        match ns {
            Ns::Var => &self.vars,
            Ns::Func => &self.funcs,
            Ns::Class => &self.classes,
        }
    }
}

/// One dependency between two definitions of the same statement list, with the reference site.
struct DepEdge {
    from: DefIdx,
    to: DefIdx,
    file: FileId,
    site: Span,
}

/// The three namespaces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ns {
    Var,
    Func,
    Class,
}

impl Ns {
    fn word(self) -> &'static str {
        match self {
            Ns::Var => "var",
            Ns::Func => "func",
            Ns::Class => "class",
        }
    }
}

struct Resolver<'l> {
    hir: Hir,
    diags: Vec<Diagnostic>,
    loader: &'l mut dyn Loader,
    tables: Vec<Table>,
    /// (file, block start) → scope, to find pass-1 scopes again in pass 2.
    block_scopes: HashMap<(FileId, u32), ScopeIdx>,
    /// (file, name start) → definition, likewise.
    name_defs: HashMap<(FileId, u32), DefIdx>,
    /// Scopes to lower in pass 2, with their statements.
    pending: Vec<(ScopeIdx, Arc<ast::Block>)>,
    /// Modules by path, and the chain being loaded (for import cycles).
    modules: HashMap<PathBuf, ScopeIdx>,
    loading: Vec<PathBuf>,
    edges: Vec<DepEdge>,
    /// Producers whose subtree we are lowering: (their scope, the def).
    producers: Vec<(ScopeIdx, DefIdx)>,
    /// Lambda parameters in scope, innermost last.
    lambda_params: Vec<Vec<DefIdx>>,
    /// Resolved classes of include-as aliases (memo; `None` = unresolvable).
    alias_classes: HashMap<DefIdx, Option<Path>>,
    /// `class base:inner` statements moved into `base`'s body: their original position, and the
    /// moved copies per body scope.
    moved_spans: HashSet<(FileId, u32, SmolStr)>,
    /// Per file: where a missing import goes, and whether that is just after another import.
    import_anchors: HashMap<FileId, (u32, bool)>,
    moved_into: HashMap<ScopeIdx, Vec<ast::Stmt>>,
    /// For each include-as alias: the scope of its include and the class name written there.
    alias_targets: HashMap<DefIdx, (ScopeIdx, Name)>,
    /// Classes whose bodies we are lowering, innermost last.
    classes: Vec<DefIdx>,
    /// Unknown-name errors inside class bodies: (diagnostic index, innermost class).
    class_errors: Vec<(usize, DefIdx)>,
    /// Every include: (innermost class around it, the class it includes).
    includes: Vec<(Option<DefIdx>, DefIdx)>,
    /// Local imports, innermost first: (importing file, the path as written, module file, its path).
    import_sites: Vec<(FileId, Name, FileId, PathBuf)>,
    /// Modules whose own front end (parse, interpolate, init) found errors.
    broken_modules: HashSet<FileId>,
}

/// Placeholder for an expression index filled in pass 2.
const UNSET: ExprIdx = ExprIdx(u32::MAX);

impl<'l> Resolver<'l> {
    fn new(loader: &'l mut dyn Loader) -> Resolver<'l> {
        Resolver {
            hir: Hir::default(),
            diags: Vec::new(),
            loader,
            tables: Vec::new(),
            block_scopes: HashMap::new(),
            name_defs: HashMap::new(),
            pending: Vec::new(),
            modules: HashMap::new(),
            loading: Vec::new(),
            edges: Vec::new(),
            producers: Vec::new(),
            lambda_params: Vec::new(),
            alias_classes: HashMap::new(),
            moved_spans: Default::default(),
            import_anchors: HashMap::new(),
            moved_into: HashMap::new(),
            alias_targets: HashMap::new(),
            classes: Vec::new(),
            class_errors: Vec::new(),
            includes: Vec::new(),
            import_sites: Vec::new(),
            broken_modules: Default::default(),
        }
    }

    fn error(&mut self, code: &'static str, file: FileId, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(Phase::Scope, code, file, span, message));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    // -----------------------------------------------------------------------------------------
    // Pass 1: scopes and definitions

    fn new_scope(&mut self, kind: ScopeKind, parent: Option<ScopeIdx>, file: FileId, span: Span) -> ScopeIdx {
        let idx = ScopeIdx(self.hir.scopes.len() as u32);
        self.hir.scopes.push(Scope { kind, parent, file, span, params: Vec::new(), defs: Vec::new(), stmts: Vec::new() });
        self.tables.push(Table::default());
        idx
    }

    fn new_def(&mut self, name: &Name, kind: DefKind, file: FileId, scope: ScopeIdx) -> DefIdx {
        let idx = DefIdx(self.hir.defs.len() as u32);
        self.hir.defs.push(Def { name: name.text.clone(), kind, file, span: name.span, scope });
        self.name_defs.insert((file, name.span.start), idx);
        idx
    }

    /// Loads a module's top level (pass 1 of it and of everything it imports).
    fn load_module(&mut self, loaded: LoadedFile, path: Option<PathBuf>) -> ScopeIdx {
        let span = loaded.prog.span;
        // Where a quick fix inserts a missing import: after the last import, else before the
        // first statement (below any leading comments).
        let last_import = loaded.prog.stmts.iter().rfind(|s| matches!(s.kind, StmtKind::Import { .. }));
        let anchor = match (last_import, loaded.prog.stmts.first()) {
            (Some(i), _) => (i.span.end, true),
            (None, Some(first)) => (first.span.start, false),
            (None, None) => (span.end, false),
        };
        self.import_anchors.insert(loaded.file, anchor);
        let scope = self.new_scope(ScopeKind::Module, None, loaded.file, span);
        if let Some(p) = &path {
            self.modules.insert(p.clone(), scope);
            self.loading.push(p.clone());
        }
        self.declare(scope, loaded.file, &loaded.prog.clone());
        self.pending.push((scope, loaded.prog));
        if path.is_some() {
            self.loading.pop();
        }
        scope
    }

    /// Pass 1 over one statement list (plus any classes moved into it): its definitions, and
    /// the scopes of its nested lists.
    fn declare(&mut self, scope: ScopeIdx, file: FileId, block: &ast::Block) {
        let extra = self.moved_into.get(&scope).cloned().unwrap_or_default();
        let stmts: Vec<&ast::Stmt> = block.stmts.iter().chain(extra.iter()).collect();
        // `class base:inner { … }` next to `class base { … }` moves into base's body as `inner`.
        let class_names: Vec<&str> = stmts
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Class { name, .. } if !name.text.contains(':') => Some(name.text.as_str()),
                _ => None,
            })
            .collect();
        let mut moves: HashMap<SmolStr, Vec<ast::Stmt>> = HashMap::new();
        for stmt in &stmts {
            if let StmtKind::Class { name, params, body } = &stmt.kind
                && let Some((base, rest)) = name.text.split_once(':')
                && class_names.contains(&base)
            {
                self.moved_spans.insert(moved_key(file, stmt));
                let short = Name { text: SmolStr::new(rest), span: name.span };
                let renamed = ast::Stmt { kind: StmtKind::Class { name: short, params: params.clone(), body: body.clone() }, span: stmt.span };
                moves.entry(SmolStr::new(base)).or_default().push(renamed);
            }
        }
        for stmt in &stmts {
            if !self.moved_spans.contains(&moved_key(file, stmt)) {
                self.declare_stmt(scope, file, stmt, &mut moves);
            }
        }
    }

    fn declare_stmt(&mut self, scope: ScopeIdx, file: FileId, stmt: &ast::Stmt, moves: &mut HashMap<SmolStr, Vec<ast::Stmt>>) {
        match &stmt.kind {
            StmtKind::Bind { name, ty, .. } => {
                let ty = ty.as_ref().map(types::from_syntax);
                let def = self.new_def(name, DefKind::Bind { ty, value: UNSET }, file, scope);
                self.define(scope, Ns::Var, def);
            }
            StmtKind::Func { name, func } => {
                let lambda = Lambda { params: Vec::new(), ret: func.ret.as_ref().map(types::from_syntax), body: UNSET, span: func.span };
                let def = self.new_def(name, DefKind::Func(lambda), file, scope);
                self.define(scope, Ns::Func, def);
            }
            StmtKind::Class { name, params, body } => {
                let def = self.new_def(name, DefKind::Class { params: None, body: ScopeIdx(u32::MAX) }, file, scope);
                self.define(scope, Ns::Class, def);
                let body_scope = self.new_scope(ScopeKind::ClassBody(def), Some(scope), file, body.span);
                self.block_scopes.insert((file, body.span.start), body_scope);
                let params = params.as_ref().map(|p| {
                    p.items
                        .iter()
                        .map(|param| {
                            let ty = param.ty.as_ref().map(types::from_syntax);
                            self.new_def(&param.name, DefKind::Param { ty }, file, body_scope)
                        })
                        .collect::<Vec<_>>()
                });
                self.hir.scopes[body_scope.0 as usize].params = params.clone().unwrap_or_default();
                self.hir.defs[def.0 as usize].kind = DefKind::Class { params, body: body_scope };
                if let Some(inner) = moves.remove(&name.text) {
                    self.moved_into.entry(body_scope).or_default().extend(inner);
                }
                self.declare(body_scope, file, body);
            }
            StmtKind::If { then_block, else_block, .. } => {
                self.declare_block(ScopeKind::Block, scope, file, then_block, &[]);
                if let Some(b) = else_block {
                    self.declare_block(ScopeKind::Block, scope, file, b, &[]);
                }
            }
            StmtKind::For { index, value, body, .. } | StmtKind::ForKv { key: index, value, body, .. } => {
                self.declare_block(ScopeKind::LoopBody, scope, file, body, &[(index, DefKind::LoopKey), (value, DefKind::LoopValue)]);
            }
            StmtKind::Include { alias: Some(alias), name, .. } => {
                let def = self.new_def(alias, DefKind::IncludeAlias { stmt: usize::MAX }, file, scope);
                self.define_alias(scope, def);
                self.alias_targets.insert(def, (scope, name.clone()));
            }
            StmtKind::Import { path, alias } => self.declare_import(scope, file, path, alias.as_ref()),
            _ => {}
        }
    }

    fn declare_block(&mut self, kind: ScopeKind, parent: ScopeIdx, file: FileId, block: &ast::Block, params: &[(&Name, DefKind)]) {
        let scope = self.new_scope(kind, Some(parent), file, block.span);
        self.block_scopes.insert((file, block.span.start), scope);
        for (name, kind) in params {
            let kind = match kind {
                DefKind::LoopKey => DefKind::LoopKey,
                _ => DefKind::LoopValue,
            };
            let def = self.new_def(name, kind, file, scope);
            self.hir.scopes[scope.0 as usize].params.push(def);
        }
        self.declare(scope, file, block);
    }

    /// Adds a definition to its scope's table, reporting a duplicate.
    fn define(&mut self, scope: ScopeIdx, ns: Ns, def: DefIdx) {
        let name = self.hir.def(def).name.clone();
        let table = &mut self.tables[scope.0 as usize];
        let map = match ns {
            Ns::Var => &mut table.vars,
            Ns::Func => &mut table.funcs,
            Ns::Class => &mut table.classes,
        };
        if let Some(&first) = map.get(&name) {
            self.duplicate(ns.word(), first, def);
        } else {
            map.insert(name, def);
            self.hir.scopes[scope.0 as usize].defs.push(def);
        }
    }

    fn define_alias(&mut self, scope: ScopeIdx, def: DefIdx) {
        let name = self.hir.def(def).name.clone();
        if let Some(&first) = self.tables[scope.0 as usize].aliases.get(&name) {
            self.duplicate("alias", first, def);
        } else {
            self.tables[scope.0 as usize].aliases.insert(name, def);
            self.hir.scopes[scope.0 as usize].defs.push(def);
        }
    }

    fn duplicate(&mut self, what: &str, first: DefIdx, second: DefIdx) {
        let (f, s) = (self.hir.def(first), self.hir.def(second));
        let (name, file, span, first_file, first_span) = (f.name.clone(), s.file, s.span, f.file, f.span);
        let shown = if what == "var" { format!("${name}") } else { name.to_string() };
        self.error(codes::DUPLICATE_DEFINITION, file, span, format!("{what} `{shown}` is defined twice in this scope"))
            .labels
            .push(crate::diagnostics::Label { file: first_file, span: first_span, message: "first defined here".into() });
        if let Some(d) = self.diags.last_mut() {
            d.help = Some("rename one of them; each name can be defined once per block (nested blocks may shadow it)".into());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Imports

/// How an import names its target.
enum ImportKind {
    System,
    File,
    Directory,
    Remote,
}

fn classify_import(name: &str) -> ImportKind {
    if name.contains("://") {
        ImportKind::Remote
    } else if name.ends_with('/') {
        ImportKind::Directory
    } else if name.ends_with(".mcl") {
        ImportKind::File
    } else {
        ImportKind::System
    }
}

/// mgmt's default alias: the last path segment, `.mcl` and a `mgmt-` prefix dropped, `-` → `_`,
/// lower-cased. `None` when nothing valid remains.
pub fn default_alias(name: &str) -> Option<String> {
    let trimmed = name.trim_end_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    let last = last.strip_suffix(".mcl").unwrap_or(last);
    let last = match last.strip_prefix("mgmt-") {
        Some(rest) if !rest.is_empty() => rest,
        _ => last,
    };
    let alias = last.replace('-', "_").to_lowercase();
    let valid = alias.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && !alias.ends_with('_')
        && alias.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    valid.then_some(alias)
}

/// Reads a module directory's `metadata.yaml` `main:` entry (default `main.mcl`).
pub fn module_main(dir: &FsPath) -> PathBuf {
    let main = std::fs::read_to_string(dir.join("metadata.yaml"))
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let line = line.split('#').next().unwrap_or("").trim();
                let value = line.strip_prefix("main:")?.trim().trim_matches('"').trim_matches('\'');
                (!value.is_empty()).then(|| value.to_string())
            })
        })
        .unwrap_or_else(|| "main.mcl".to_string());
    dir.join(main)
}

impl Resolver<'_> {
    fn declare_import(&mut self, scope: ScopeIdx, file: FileId, path: &Name, alias: Option<&ImportAlias>) {
        let name = path.text.as_str();
        if let Some(&first) = self.tables[scope.0 as usize].imports.get(name) {
            self.error(codes::IMPORT, file, path.span, format!("`{name}` is imported twice in this scope"))
                .labels
                .push(crate::diagnostics::Label { file, span: first, message: "first imported here".into() });
            return;
        }
        self.tables[scope.0 as usize].imports.insert(path.text.clone(), path.span);
        let (alias_name, alias_span, star) = match alias {
            Some(ImportAlias::Name(n)) => (n.text.to_string(), n.span, false),
            Some(ImportAlias::Star(span)) => ("*".to_string(), *span, true),
            None => match default_alias(name) {
                Some(a) => (a, path.span, false),
                None => {
                    self.error(codes::IMPORT, file, path.span, format!("can't derive a name for the import `{name}`"))
                        .help = Some(format!("give it one: `import \"{name}\" as myname`"));
                    return;
                }
            },
        };
        let target = match classify_import(name) {
            ImportKind::System => {
                if functions::is_module(name) {
                    ImportTarget::System(path.text.clone())
                } else {
                    let modules: Vec<&str> = functions::all().iter().map(|f| f.module).filter(|m| !m.is_empty()).collect();
                    let hint = suggest::did_you_mean(name, modules.iter().copied());
                    let d = self.error(codes::IMPORT, file, path.span, format!("there is no builtin module named `{name}`"));
                    d.help = Some(match hint {
                        Some(h) => format!("did you mean `{h}`? (local files end in `.mcl`, local module directories in `/`)"),
                        None => "local files end in `.mcl`, local module directories in `/`".to_string(),
                    });
                    if let Some(h) = hint {
                        d.add_fix(Fix { message: format!("replace with `\"{h}\"`"), span: path.span, replacement: format!("\"{h}\"") });
                    }
                    ImportTarget::Failed
                }
            }
            ImportKind::Remote => {
                self.error(codes::IMPORT, file, path.span, format!("remote module `{name}` can't be fetched"))
                    .help = Some("mclc doesn't download modules; vendor the module into a local directory and import it as \"dir/\"".into());
                ImportTarget::Failed
            }
            ImportKind::File | ImportKind::Directory => self.load_local(file, path),
        };
        let name_for_def = Name { text: SmolStr::new(&alias_name), span: alias_span };
        let def = self.new_def(&name_for_def, DefKind::Import { target, star }, file, scope);
        if star {
            self.tables[scope.0 as usize].stars.push(def);
            self.hir.scopes[scope.0 as usize].defs.push(def);
        } else {
            self.define_alias(scope, def);
        }
    }

    fn load_local(&mut self, file: FileId, path: &Name) -> ImportTarget {
        let name = path.text.as_str();
        if name.starts_with('/') || name.contains("//") || name.split('/').any(|seg| seg == "..") {
            self.error(codes::IMPORT, file, path.span, format!("import path `{name}` must be relative and clean (no leading `/`, `..` or `//`)"));
            return ImportTarget::Failed;
        }
        let base = self.loader.path_of(file);
        let dir = base.parent().map(FsPath::to_path_buf).unwrap_or_default();
        let target = match classify_import(name) {
            ImportKind::Directory => module_main(&dir.join(name)),
            _ => dir.join(name),
        };
        let key = normalize(&target);
        if let Some(pos) = self.loading.iter().position(|p| *p == key) {
            let chain: Vec<String> = self.loading[pos..].iter().map(|p| p.display().to_string()).collect();
            self.error(codes::IMPORT, file, path.span, format!("recursive import of `{name}`"))
                .help = Some(format!("modules can't import each other in a cycle: {} → {}", chain.join(" → "), key.display()));
            return ImportTarget::Failed;
        }
        if let Some(&scope) = self.modules.get(&key) {
            return ImportTarget::Module(scope);
        }
        match self.loader.load(&target) {
            Ok(loaded) => {
                if loaded.has_errors {
                    self.broken_modules.insert(loaded.file);
                }
                let module_file = loaded.file;
                self.check_module_statements(&loaded);
                let scope = self.load_module(loaded, Some(key));
                self.import_sites.push((file, path.clone(), module_file, target));
                ImportTarget::Module(scope)
            }
            Err(message) => {
                self.error(codes::IMPORT, file, path.span, format!("can't import `{name}`: {message}"))
                    .help = Some(format!("looked for {}", target.display()));
                ImportTarget::Failed
            }
        }
    }

    /// Imported modules may only hold imports, binds, functions and classes at the top level.
    fn check_module_statements(&mut self, loaded: &LoadedFile) {
        for stmt in &loaded.prog.stmts {
            let what = match &stmt.kind {
                StmtKind::Bind { .. } | StmtKind::Func { .. } | StmtKind::Class { .. } | StmtKind::Import { .. } | StmtKind::Error => continue,
                StmtKind::Resource(_) => "a resource",
                StmtKind::Edge(_) => "an edge",
                StmtKind::If { .. } => "an if statement",
                StmtKind::For { .. } | StmtKind::ForKv { .. } => "a loop",
                StmtKind::Include { .. } => "an include",
                StmtKind::Panic { .. } => "a panic",
            };
            self.error(codes::MODULE_STATEMENT, loaded.file, stmt.span, format!("an imported module can't contain {what} at its top level"))
                .help = Some("modules only define things (import, $bind, func, class); put output-producing statements in a class and include it from the main file".into());
        }
    }
}

/// Identifies a colon-named class statement that moved into another class's body.
fn moved_key(file: FileId, stmt: &ast::Stmt) -> (FileId, u32, SmolStr) {
    match &stmt.kind {
        StmtKind::Class { name, .. } => (file, stmt.span.start, name.text.clone()),
        _ => (file, u32::MAX, SmolStr::default()),
    }
}

/// A path with `.` components removed and `a/../` folded, for identifying modules.
fn normalize(path: &FsPath) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Pass 2: statements and expressions

impl Resolver<'_> {
    fn lower_scope(&mut self, scope: ScopeIdx, block: &ast::Block) {
        let file = self.hir.scope(scope).file;
        let extra = self.moved_into.get(&scope).cloned().unwrap_or_default();
        for stmt in block.stmts.iter().chain(extra.iter()) {
            if !self.moved_spans.contains(&moved_key(file, stmt)) {
                self.lower_stmt(scope, file, stmt);
            }
        }
    }

    fn def_at(&self, file: FileId, name: &Name) -> Option<DefIdx> {
        self.name_defs.get(&(file, name.span.start)).copied()
    }

    fn block_scope(&self, file: FileId, block: &ast::Block) -> Option<ScopeIdx> {
        self.block_scopes.get(&(file, block.span.start)).copied()
    }

    fn push_stmt(&mut self, scope: ScopeIdx, stmt: Stmt) -> usize {
        let stmts = &mut self.hir.scopes[scope.0 as usize].stmts;
        stmts.push(stmt);
        stmts.len() - 1
    }

    fn lower_stmt(&mut self, scope: ScopeIdx, file: FileId, stmt: &ast::Stmt) {
        match &stmt.kind {
            StmtKind::Bind { name, value, .. } => {
                let Some(def) = self.def_at(file, name) else { return };
                self.producers.push((scope, def));
                let e = self.lower_expr(scope, file, value);
                self.producers.pop();
                if let DefKind::Bind { value, .. } = &mut self.hir.defs[def.0 as usize].kind {
                    *value = e;
                }
            }
            StmtKind::Func { name, func } => {
                let Some(def) = self.def_at(file, name) else { return };
                self.producers.push((scope, def));
                let lambda = self.lower_lambda(scope, file, func);
                self.producers.pop();
                self.hir.defs[def.0 as usize].kind = DefKind::Func(lambda);
            }
            StmtKind::Class { name, body, .. } => {
                let (Some(def), Some(body_scope)) = (self.def_at(file, name), self.block_scope(file, body)) else { return };
                self.producers.push((scope, def));
                self.classes.push(def);
                self.lower_scope(body_scope, body);
                self.classes.pop();
                self.producers.pop();
            }
            StmtKind::Resource(r) => {
                let name = self.lower_expr(scope, file, &r.name);
                let entries = r
                    .entries
                    .iter()
                    .filter_map(|entry| {
                        let cond = entry.cond.as_ref().map(|c| self.lower_expr(scope, file, c));
                        let kind = match &entry.kind {
                            ast::EntryKind::Field { name, value } => EntryKind::Field { name: name.clone(), value: self.lower_expr(scope, file, value) },
                            ast::EntryKind::MetaParam { name, value } => EntryKind::MetaParam { name: name.clone(), value: self.lower_expr(scope, file, value) },
                            ast::EntryKind::Meta { value } => EntryKind::Meta { value: self.lower_expr(scope, file, value) },
                            ast::EntryKind::Edge { property, target } => EntryKind::Edge { property: property.clone(), target: self.lower_half(scope, file, target) },
                            ast::EntryKind::Error => return None,
                        };
                        Some(Entry { cond, kind, span: entry.span })
                    })
                    .collect();
                self.push_stmt(scope, Stmt::Resource(Resource { kind: r.kind.clone(), name, collect: r.collect, entries, span: stmt.span }));
            }
            StmtKind::Edge(edge) => {
                let halves = edge.halves.iter().map(|h| self.lower_half(scope, file, h)).collect();
                self.push_stmt(scope, Stmt::Edge { halves, span: stmt.span });
            }
            StmtKind::If { cond, then_block, else_block } => {
                let cond = self.lower_expr(scope, file, cond);
                let Some(then_scope) = self.block_scope(file, then_block) else { return };
                self.lower_scope(then_scope, then_block);
                let else_scope = else_block.as_ref().and_then(|b| {
                    let s = self.block_scope(file, b)?;
                    self.lower_scope(s, b);
                    Some(s)
                });
                self.push_stmt(scope, Stmt::If { cond, then_scope, else_scope });
            }
            StmtKind::For { list: iter, body, .. } | StmtKind::ForKv { map: iter, body, .. } => {
                let iter = self.lower_expr(scope, file, iter);
                let Some(body_scope) = self.block_scope(file, body) else { return };
                self.lower_scope(body_scope, body);
                let kv = matches!(stmt.kind, StmtKind::ForKv { .. });
                self.push_stmt(scope, Stmt::For { iter, kv, body: body_scope, span: stmt.span });
            }
            StmtKind::Include { name, args, alias } => {
                let alias_def = alias.as_ref().and_then(|a| self.def_at(file, a));
                if let Some(a) = alias_def {
                    self.producers.push((scope, a));
                }
                let class = self.resolve_class(scope, file, name);
                let args: Option<Vec<ExprIdx>> = args.as_ref().map(|a| a.items.iter().map(|e| self.lower_expr(scope, file, e)).collect());
                if alias_def.is_some() {
                    self.producers.pop();
                }
                if let Some(path) = &class {
                    self.check_arity(file, name, path, args.as_ref().map_or(0, Vec::len), stmt.span);
                    self.includes.push((self.classes.last().copied(), path.def));
                }
                let index = self.push_stmt(scope, Stmt::Include(Include { class, name: name.clone(), args, alias: alias_def, span: stmt.span }));
                if let Some(a) = alias_def {
                    self.hir.defs[a.0 as usize].kind = DefKind::IncludeAlias { stmt: index };
                }
            }
            StmtKind::Panic { args } => {
                let args = args.items.iter().map(|e| self.lower_expr(scope, file, e)).collect();
                self.push_stmt(scope, Stmt::Panic { args, span: stmt.span });
            }
            StmtKind::Import { .. } | StmtKind::Error => {}
        }
    }

    fn check_arity(&mut self, file: FileId, name: &Name, class: &Path, got: usize, span: Span) {
        let def = self.hir.def(class.def);
        let DefKind::Class { params, .. } = &def.kind else { return };
        let want = params.as_ref().map_or(0, Vec::len);
        if want != got {
            let (def_file, def_span) = (def.file, def.span);
            let d = self.error(codes::ARITY, file, span, format!("class `{}` expected {want} args but got {got}", name.text));
            d.labels.push(crate::diagnostics::Label { file: def_file, span: def_span, message: format!("`{}` is defined here with {want} parameter{}", name.text, if want == 1 { "" } else { "s" }) });
        }
    }

    fn lower_half(&mut self, scope: ScopeIdx, file: FileId, half: &ast::EdgeHalf) -> EdgeHalf {
        EdgeHalf { kind: half.kind.clone(), name: self.lower_expr(scope, file, &half.name), port: half.port.clone(), span: half.span }
    }

    fn lower_lambda(&mut self, scope: ScopeIdx, file: FileId, f: &ast::Lambda) -> Lambda {
        let params: Vec<DefIdx> = f
            .params
            .items
            .iter()
            .map(|p| {
                let ty = p.ty.as_ref().map(types::from_syntax);
                let idx = DefIdx(self.hir.defs.len() as u32);
                self.hir.defs.push(Def { name: p.name.text.clone(), kind: DefKind::Param { ty }, file, span: p.name.span, scope });
                idx
            })
            .collect();
        self.lambda_params.push(params.clone());
        let body = self.lower_expr(scope, file, &f.body);
        self.lambda_params.pop();
        Lambda { params, ret: f.ret.as_ref().map(types::from_syntax), body, span: f.span }
    }

    fn add_expr(&mut self, kind: ExprKind, file: FileId, span: Span, ast: Option<ast::ExprId>) -> ExprIdx {
        let idx = ExprIdx(self.hir.exprs.len() as u32);
        self.hir.exprs.push(Expr { kind, file, span, ast });
        idx
    }

    fn builtin(&self, name: &str) -> Option<&'static functions::FunctionDef> {
        functions::lookup("", name)
    }

    fn call_builtin(&mut self, def: Option<&'static functions::FunctionDef>, args: Vec<ExprIdx>) -> ExprKind {
        match def {
            Some(f) => ExprKind::Call { callee: Callee::Builtin(f), args },
            None => ExprKind::Error,
        }
    }

    fn lower_expr(&mut self, scope: ScopeIdx, file: FileId, e: &ast::Expr) -> ExprIdx {
        let kind = match &e.kind {
            A::Bool(b) => ExprKind::Bool(*b),
            A::Int(i) => ExprKind::Int(*i),
            A::Float(f) => ExprKind::Float(*f),
            A::Str(lit) => match lit.parts.as_deref() {
                Some([StrPart::Lit(text)]) => ExprKind::Str(text.clone()),
                Some(parts) => {
                    let parts = parts
                        .iter()
                        .map(|part| match part {
                            StrPart::Lit(text) => self.add_expr(ExprKind::Str(text.clone()), file, e.span, None),
                            StrPart::Var(name) => {
                                let kind = self.resolve_var(scope, file, name);
                                self.add_expr(kind, file, name.span, None)
                            }
                        })
                        .collect();
                    ExprKind::Interpolated(parts)
                }
                None => ExprKind::Str(lit.raw.clone()),
            },
            A::List(items) => ExprKind::List(items.items.iter().map(|x| self.lower_expr(scope, file, x)).collect()),
            A::Map(items) => ExprKind::Map(
                items.items.iter().map(|kv| (self.lower_expr(scope, file, &kv.key), self.lower_expr(scope, file, &kv.value))).collect(),
            ),
            A::Struct(items) => ExprKind::Struct(items.items.iter().map(|f| (f.name.text.clone(), self.lower_expr(scope, file, &f.value))).collect()),
            A::Var(name) => self.resolve_var(scope, file, name),
            A::Call { name, args } => {
                let callee = self.resolve_func(scope, file, name);
                let args = args.items.iter().map(|x| self.lower_expr(scope, file, x)).collect();
                match callee {
                    Some(callee) => ExprKind::Call { callee, args },
                    None => ExprKind::Error,
                }
            }
            A::CallVar { name, args } => {
                let var = self.resolve_var(scope, file, name);
                let var = self.add_expr(var, file, name.span, None);
                let args = args.items.iter().map(|x| self.lower_expr(scope, file, x)).collect();
                ExprKind::Call { callee: Callee::Value(var), args }
            }
            A::CallLambda { func, args } => {
                let lambda = self.lower_lambda(scope, file, func);
                let f = self.add_expr(ExprKind::Lambda(lambda), file, func.span, None);
                let args = args.items.iter().map(|x| self.lower_expr(scope, file, x)).collect();
                ExprKind::Call { callee: Callee::Value(f), args }
            }
            A::Lambda(func) => ExprKind::Lambda(self.lower_lambda(scope, file, func)),
            A::If { cond, then_value, else_value, .. } => ExprKind::If {
                cond: self.lower_expr(scope, file, cond),
                then_value: self.lower_expr(scope, file, then_value),
                else_value: self.lower_expr(scope, file, else_value),
            },
            A::Paren(inner) => return self.lower_expr(scope, file, inner),
            A::Not(inner) => {
                let x = self.lower_expr(scope, file, inner);
                self.call_builtin(functions::operator("not"), vec![x])
            }
            A::Binary { op, lhs, rhs } => {
                let (a, b) = (self.lower_expr(scope, file, lhs), self.lower_expr(scope, file, rhs));
                let def = if *op == BinOp::In { self.builtin("contains") } else { functions::operator(op.as_str()) };
                self.call_builtin(def, vec![a, b])
            }
            A::Index { base, index } => {
                let (a, b) = (self.lower_expr(scope, file, base), self.lower_expr(scope, file, index));
                self.call_builtin(self.builtin("_lookup"), vec![a, b])
            }
            A::Field { base, field } => {
                let a = self.lower_expr(scope, file, base);
                let f = self.add_expr(ExprKind::Str(field.text.to_string()), file, field.span, None);
                self.call_builtin(self.builtin("_struct_lookup"), vec![a, f])
            }
            A::FieldOr { base, field, default } => ExprKind::FieldOr {
                base: self.lower_expr(scope, file, base),
                field: field.clone(),
                default: self.lower_expr(scope, file, default),
            },
            A::Except { lhs, rhs } => ExprKind::Except { lhs: self.lower_expr(scope, file, lhs), rhs: self.lower_expr(scope, file, rhs) },
            A::Error => ExprKind::Error,
        };
        self.add_expr(kind, file, e.span, Some(e.id))
    }
}

// ---------------------------------------------------------------------------------------------
// Name lookup

/// What a lookup found.
#[derive(Clone, Debug)]
enum Found {
    Def(Path),
    Const(&'static consts::ConstDef),
    Builtin(&'static functions::FunctionDef),
}

impl Resolver<'_> {
    fn resolve_var(&mut self, scope: ScopeIdx, file: FileId, name: &Name) -> ExprKind {
        match self.resolve(scope, file, name, Ns::Var) {
            Some(Found::Def(path)) => ExprKind::Var(VarRef::Def(path)),
            Some(Found::Const(c)) => ExprKind::Var(VarRef::Builtin(c)),
            Some(Found::Builtin(_)) | None => ExprKind::Error,
        }
    }

    fn resolve_func(&mut self, scope: ScopeIdx, file: FileId, name: &Name) -> Option<Callee> {
        match self.resolve(scope, file, name, Ns::Func)? {
            Found::Def(path) => Some(Callee::Func(path)),
            Found::Builtin(f) => Some(Callee::Builtin(f)),
            Found::Const(_) => None,
        }
    }

    fn resolve_class(&mut self, scope: ScopeIdx, file: FileId, name: &Name) -> Option<Path> {
        match self.resolve(scope, file, name, Ns::Class)? {
            Found::Def(path) => Some(path),
            _ => None,
        }
    }

    /// Resolves a reference written at `name` in `scope`: records the dependency for the cycle
    /// check, or reports an unknown name.
    fn resolve(&mut self, scope: ScopeIdx, file: FileId, name: &Name, ns: Ns) -> Option<Found> {
        let segs: Vec<&str> = name.text.split('.').collect();
        match self.lookup(scope, &segs, ns, true) {
            Some((found, hop)) => {
                let target = hop.or(match &found {
                    Found::Def(p) => Some(p.def),
                    _ => None,
                });
                if let Some(target) = target {
                    self.depend(target, file, name.span);
                }
                self.record_refs(file, name, &found, hop);
                Some(found)
            }
            None => {
                self.unknown(scope, file, name, ns);
                None
            }
        }
    }

    /// Records the reference (and, for a dotted name, its alias segment) for the query API.
    fn record_refs(&mut self, file: FileId, name: &Name, found: &Found, hop: Option<DefIdx>) {
        let target = match found {
            Found::Def(p) => RefTarget::Def(p.def),
            Found::Builtin(f) => RefTarget::Builtin(f),
            Found::Const(c) => RefTarget::Const(c),
        };
        if let Some(alias) = hop {
            let first = name.text.split('.').next().unwrap_or("").len() as u32;
            self.hir.refs.push(Reference { file, span: Span { start: name.span.start, end: name.span.start + first }, target: RefTarget::Def(alias) });
            // The rest of the name refers to the target.
            let rest = Span { start: (name.span.start + first + 1).min(name.span.end), end: name.span.end };
            self.hir.refs.push(Reference { file, span: rest, target });
        } else {
            self.hir.refs.push(Reference { file, span: name.span, target });
        }
    }

    /// Records that the producers being lowered depend on `target` (when both are definitions of
    /// the same statement list).
    fn depend(&mut self, target: DefIdx, file: FileId, site: Span) {
        let def = self.hir.def(target);
        if !matches!(def.kind, DefKind::Bind { .. } | DefKind::Func(_) | DefKind::Class { .. } | DefKind::IncludeAlias { .. } | DefKind::Import { .. }) {
            return;
        }
        let scope = def.scope;
        if let Some(&(_, from)) = self.producers.iter().rev().find(|(s, _)| *s == scope) {
            self.edges.push(DepEdge { from, to: target, file, site });
        }
    }

    /// Looks `segs` up from `scope`. Returns what was found and, for a dotted name, the alias
    /// definition the lookup went through first.
    fn lookup(&mut self, scope: ScopeIdx, segs: &[&str], ns: Ns, with_lambdas: bool) -> Option<(Found, Option<DefIdx>)> {
        let name = segs.join(".");
        if segs.len() == 1 {
            return self.lookup_plain(scope, segs[0], ns, with_lambdas).map(|f| (f, None));
        }
        // A dotted name starts with an import or include-as alias…
        let mut s = Some(scope);
        while let Some(cur) = s {
            if let Some(&alias) = self.tables[cur.0 as usize].aliases.get(segs[0]) {
                return self.lookup_through(alias, &segs[1..], ns).map(|f| (f, Some(alias)));
            }
            s = self.hir.scope(cur).parent;
        }
        // …or is a builtin constant such as `$const.res.file.state.exists` (module variables like
        // `$os.family_debian` come only through their module's import).
        if ns == Ns::Var {
            return consts::lookup(&name).filter(|c| c.module.is_none()).map(|c| (Found::Const(c), None));
        }
        None
    }

    /// Looks up the rest of a dotted name behind an alias.
    fn lookup_through(&mut self, alias: DefIdx, rest: &[&str], ns: Ns) -> Option<Found> {
        match &self.hir.def(alias).kind {
            DefKind::Import { target: ImportTarget::System(module), .. } => system_member(module, &rest.join("."), ns),
            DefKind::Import { target: ImportTarget::Module(m), .. } => {
                let m = *m;
                self.lookup(m, rest, ns, false).map(|(f, _)| f)
            }
            DefKind::IncludeAlias { .. } => {
                let class = self.alias_class(alias)?;
                let DefKind::Class { body, .. } = self.hir.def(class.def).kind else { return None };
                match self.lookup(body, rest, ns, false)?.0 {
                    Found::Def(mut path) => {
                        path.via.insert(0, alias);
                        Some(Found::Def(path))
                    }
                    other => Some(other),
                }
            }
            _ => None,
        }
    }

    /// The class an include-as alias instantiates (resolved on demand, without diagnostics).
    fn alias_class(&mut self, alias: DefIdx) -> Option<Path> {
        if let Some(known) = self.alias_classes.get(&alias) {
            return known.clone();
        }
        self.alias_classes.insert(alias, None); // guards against `include a.c as a`
        let (scope, name) = self.alias_targets.get(&alias)?.clone();
        let segs: Vec<&str> = name.text.split('.').collect();
        let found = match self.lookup(scope, &segs, Ns::Class, false) {
            Some((Found::Def(path), _)) => Some(path),
            _ => None,
        };
        self.alias_classes.insert(alias, found.clone());
        found
    }

    /// Looks up an undotted name: lambda parameters, then each enclosing statement list (its
    /// definitions, then its loop variables or class parameters, then its `as *` imports), then
    /// the builtins.
    fn lookup_plain(&mut self, scope: ScopeIdx, name: &str, ns: Ns, with_lambdas: bool) -> Option<Found> {
        if ns == Ns::Var && with_lambdas {
            for params in self.lambda_params.iter().rev() {
                if let Some(&p) = params.iter().find(|&&p| self.hir.def(p).name == name) {
                    return Some(Found::Def(Path::direct(p)));
                }
            }
        }
        let mut s = Some(scope);
        while let Some(cur) = s {
            let table = &self.tables[cur.0 as usize];
            let map = table.namespace(ns);
            if let Some(&d) = map.get(name) {
                return Some(Found::Def(Path::direct(d)));
            }
            if ns == Ns::Var
                && let Some(&p) = self.hir.scope(cur).params.iter().find(|&&p| self.hir.def(p).name == name)
            {
                return Some(Found::Def(Path::direct(p)));
            }
            for &star in self.tables[cur.0 as usize].stars.clone().iter().rev() {
                let found = match &self.hir.def(star).kind {
                    DefKind::Import { target: ImportTarget::System(module), .. } => system_member(module, name, ns),
                    DefKind::Import { target: ImportTarget::Module(m), .. } => {
                        let m = *m;
                        self.lookup_plain(m, name, ns, false).filter(|f| !matches!(f, Found::Builtin(_) | Found::Const(_)))
                    }
                    _ => None,
                };
                if found.is_some() {
                    return found;
                }
            }
            s = self.hir.scope(cur).parent;
        }
        match ns {
            Ns::Var => consts::lookup(name).filter(|c| c.module.is_none()).map(Found::Const),
            Ns::Func => functions::lookup("", name).filter(|f| !f.internal && !f.name.starts_with('_')).map(Found::Builtin),
            Ns::Class => None,
        }
    }

    /// Every undotted name visible from `scope` in a namespace (for suggestions).
    fn visible_names(&self, scope: ScopeIdx, ns: Ns) -> Vec<SmolStr> {
        let mut out: Vec<SmolStr> = Vec::new();
        if ns == Ns::Var {
            for params in &self.lambda_params {
                out.extend(params.iter().map(|&p| self.hir.def(p).name.clone()));
            }
        }
        let mut s = Some(scope);
        while let Some(cur) = s {
            let table = &self.tables[cur.0 as usize];
            let map = table.namespace(ns);
            out.extend(map.keys().cloned());
            if ns == Ns::Var {
                out.extend(self.hir.scope(cur).params.iter().map(|&p| self.hir.def(p).name.clone()));
            }
            for (alias, &def) in &table.aliases {
                if let DefKind::Import { target: ImportTarget::System(m), .. } = &self.hir.def(def).kind
                    && ns == Ns::Func
                {
                    out.extend(functions::module_members(m).map(|f| format_smolstr!("{alias}.{}", f.name)));
                }
            }
            s = self.hir.scope(cur).parent;
        }
        if ns == Ns::Func {
            out.extend(functions::all().iter().filter(|f| f.module.is_empty() && !f.internal && !f.name.starts_with('_')).map(|f| SmolStr::new(f.name)));
        }
        out
    }

    fn unknown(&mut self, scope: ScopeIdx, file: FileId, name: &Name, ns: Ns) {
        let shown = if ns == Ns::Var { format!("${}", name.text) } else { name.text.to_string() };
        let mut help = None;
        let mut fix = None;
        let segs: Vec<&str> = name.text.split('.').collect();
        let missing_module = if segs.len() > 1 && ns == Ns::Func && functions::is_module(&segs[..segs.len() - 1].join("/")) {
            Some(segs[..segs.len() - 1].join("/"))
        } else if segs.len() > 1 && ns == Ns::Func && functions::is_module(segs[0]) {
            Some(segs[0].to_string())
        } else {
            None
        };
        if let Some(module) = missing_module {
            help = Some(format!("add `import \"{module}\"` at the top of the file"));
            let (at, after_import) = self.import_anchors.get(&file).copied().unwrap_or((0, false));
            let text = if after_import { format!("\nimport \"{module}\"") } else { format!("import \"{module}\"\n\n") };
            fix = Some(Fix { message: format!("add `import \"{module}\"`"), span: Span::new(at as usize, at as usize), replacement: text });
        }
        if help.is_none() {
            let visible = self.visible_names(scope, ns);
            if let Some(s) = suggest::did_you_mean(&name.text, visible.iter().map(SmolStr::as_str)) {
                let shown = if ns == Ns::Var { format!("${s}") } else { s.to_string() };
                help = Some(format!("did you mean `{shown}`?"));
                fix = Some(Fix { message: format!("replace with `{shown}`"), span: name.span, replacement: s.to_string() });
            }
        }
        if help.is_none() {
            // Defined somewhere the reference can't see (inside a class, say)?
            let elsewhere = self.hir.defs.iter().find(|d| {
                d.name == name.text.as_str()
                    && match ns {
                        Ns::Var => matches!(d.kind, DefKind::Bind { .. }),
                        Ns::Func => matches!(d.kind, DefKind::Func(_)),
                        Ns::Class => matches!(d.kind, DefKind::Class { .. }),
                    }
            });
            if let Some(d) = elsewhere
                && let Some(ScopeKind::ClassBody(class)) = Some(self.hir.scope(d.scope).kind)
            {
                let class_name = self.hir.def(class).name.clone();
                help = Some(format!(
                    "`{}` is defined inside class `{class_name}`, which doesn't export it; include the class with an alias (`include {class_name} as c`) and write `{}c.{}`",
                    d.name,
                    if ns == Ns::Var { "$" } else { "" },
                    d.name
                ));
            }
        }
        let index = self.diags.len();
        let d = self.error(codes::UNKNOWN_NAME, file, name.span, format!("{} `{shown}` does not exist in this scope", ns.word()));
        d.help = help;
        if let Some(fix) = fix {
            d.add_fix(fix);
        }
        if let Some(&class) = self.classes.last() {
            self.class_errors.push((index, class));
        }
    }

    // -----------------------------------------------------------------------------------------
    // After lowering

    /// An import of a module with errors is an error too, at the import (innermost first, so a
    /// chain of imports reports at every level).
    fn report_broken_imports(&mut self) {
        for (file, path, module, target) in std::mem::take(&mut self.import_sites) {
            let broken = self.broken_modules.contains(&module) || self.diags.iter().any(|d| d.is_error() && d.file == module);
            if broken {
                self.broken_modules.insert(file);
                let d = self.error(codes::IMPORT, file, path.span, format!("the module `{}` has errors", path.text));
                d.help = Some(format!("see the errors reported in {}", target.display()));
            }
        }
    }

    /// Reports every reference cycle, and relaxes errors inside classes that are never included
    /// (mgmt doesn't check those at all; we keep them as warnings).
    fn check_cycles(&mut self) {
        let n = self.hir.defs.len();
        let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, e) in self.edges.iter().enumerate() {
            adjacency[e.from.0 as usize].push(i);
        }
        for scc in strongly_connected(n, &adjacency, &self.edges) {
            let members: HashSet<usize> = scc.iter().copied().collect();
            let mut sites: Vec<&DepEdge> = self
                .edges
                .iter()
                .filter(|e| members.contains(&(e.from.0 as usize)) && members.contains(&(e.to.0 as usize)))
                .collect();
            if sites.is_empty() {
                continue;
            }
            sites.sort_by_key(|e| (e.file, e.site.start));
            sites.dedup_by_key(|e| (e.file, e.site.start));
            let first = sites[0];
            let names: Vec<String> = scc
                .iter()
                .map(|&d| {
                    let def = &self.hir.defs[d];
                    match def.kind {
                        DefKind::Bind { .. } => format!("${}", def.name),
                        _ => def.name.to_string(),
                    }
                })
                .collect();
            let mut d = Diagnostic::error(Phase::Scope, codes::CYCLE, first.file, first.site, format!("recursive reference: {} depend{} on {}", names.join(", "), if names.len() == 1 { "s" } else { "" }, if names.len() == 1 { "itself" } else { "each other" }))
                .with_help("mcl has no recursion: definitions must not refer to themselves, directly or through others");
            for e in &sites[1..] {
                d = d.with_label(e.file, e.site, "this reference is part of the cycle");
            }
            self.diags.push(d);
        }
        // Classes reachable through includes from outside any class.
        let mut used: HashSet<DefIdx> = Default::default();
        loop {
            let before = used.len();
            for &(inside, class) in &self.includes {
                if inside.is_none_or(|c| used.contains(&c)) {
                    used.insert(class);
                }
            }
            if used.len() == before {
                break;
            }
        }
        for &(index, class) in &self.class_errors {
            if !used.contains(&class)
                && let Some(d) = self.diags.get_mut(index)
            {
                d.severity = crate::diagnostics::Severity::Warning;
                let class_name = &self.hir.defs[class.0 as usize].name;
                d.help = Some(format!("class `{class_name}` is never included, so this is only a warning; it becomes an error once the class is used"));
            }
        }
    }
}

/// A builtin member of a system module: a function, or (for variables) a module constant.
fn system_member(module: &str, name: &str, ns: Ns) -> Option<Found> {
    match ns {
        Ns::Func => functions::lookup(module, name).map(Found::Builtin),
        Ns::Var => consts::lookup(&format!("{module}.{name}")).map(Found::Const),
        Ns::Class => None,
    }
}

/// Tarjan's algorithm: the strongly connected components that form cycles (more than one
/// member, or one with an edge to itself).
fn strongly_connected(n: usize, adjacency: &[Vec<usize>], edges: &[DepEdge]) -> Vec<Vec<usize>> {
    struct State<'a> {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
        adjacency: &'a [Vec<usize>],
        edges: &'a [DepEdge],
    }
    // Iterative DFS to survive very long dependency chains.
    fn visit(st: &mut State<'_>, root: usize) {
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        st.index[root] = Some(st.next);
        st.low[root] = st.next;
        st.next += 1;
        st.stack.push(root);
        st.on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(&edge) = st.adjacency[v].get(*i) {
                *i += 1;
                let w = st.edges[edge].to.0 as usize;
                match st.index[w] {
                    None => {
                        st.index[w] = Some(st.next);
                        st.low[w] = st.next;
                        st.next += 1;
                        st.stack.push(w);
                        st.on_stack[w] = true;
                        work.push((w, 0));
                    }
                    Some(wi) if st.on_stack[w] => st.low[v] = st.low[v].min(wi),
                    _ => {}
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    st.low[parent] = st.low[parent].min(st.low[v]);
                }
                if Some(st.low[v]) == st.index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = st.stack.pop() {
                        st.on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    let cyclic = comp.len() > 1 || st.adjacency[v].iter().any(|&e| st.edges[e].to.0 as usize == v);
                    if cyclic {
                        comp.sort_unstable();
                        st.out.push(comp);
                    }
                }
            }
        }
    }
    let mut st = State { index: vec![None; n], low: vec![0; n], on_stack: vec![false; n], stack: Vec::new(), next: 0, out: Vec::new(), adjacency, edges };
    for (v, out_edges) in adjacency.iter().enumerate() {
        if st.index[v].is_none() && !out_edges.is_empty() {
            visit(&mut st, v);
        }
    }
    st.out
}

//! The HIR: the program after name resolution, shared by type checking, evaluation and the
//! language server.
//!
//! Everything lives in arenas indexed by small ids. Every name reference is resolved to a
//! definition ([`Path`]) or a builtin, operators and `x[i]`/`x->f`/`in` are calls of builtins, and
//! interpolated strings are concatenations. The HIR is static: a class body or a function body
//! exists once here, and is instantiated per `include` or per call by the phases that give it
//! types and values.

use crate::registry::consts::ConstDef;
use crate::registry::functions::FunctionDef;
use crate::source::{FileId, Span};
use crate::syntax::ast::{ExprId, Name};
use crate::types::Type;
use smol_str::SmolStr;

/// Index of an expression in [`Hir::exprs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprIdx(pub u32);

/// Index of a definition in [`Hir::defs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefIdx(pub u32);

/// Index of a scope (a statement list) in [`Hir::scopes`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeIdx(pub u32);

/// The whole resolved program: the entry file and every module it imports.
#[derive(Debug, Default)]
pub struct Hir {
    /// Every expression.
    pub exprs: Vec<Expr>,
    /// Every definition (binds, functions, classes, parameters, loop variables, aliases).
    pub defs: Vec<Def>,
    /// Every statement list.
    pub scopes: Vec<Scope>,
    /// The entry file's top-level scope.
    pub entry: ScopeIdx,
    /// Every resolved name reference, in resolution order.
    pub refs: Vec<Reference>,
}

/// A name written in the source and what it resolved to.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// The file it is written in.
    pub file: FileId,
    /// The name's span (for a dotted name's alias part: that segment only).
    pub span: Span,
    /// What it refers to.
    pub target: RefTarget,
}

/// What a reference resolved to.
#[derive(Clone, Debug, PartialEq)]
pub enum RefTarget {
    /// A definition of the program.
    Def(DefIdx),
    /// A builtin function.
    Builtin(&'static FunctionDef),
    /// A builtin variable or constant.
    Const(&'static ConstDef),
}

impl Hir {
    /// The expression with this index.
    pub fn expr(&self, e: ExprIdx) -> &Expr {
        &self.exprs[e.0 as usize]
    }

    /// The definition with this index.
    pub fn def(&self, d: DefIdx) -> &Def {
        &self.defs[d.0 as usize]
    }

    /// The scope with this index.
    pub fn scope(&self, s: ScopeIdx) -> &Scope {
        &self.scopes[s.0 as usize]
    }

    /// The top-level scope of the module (file) that `scope` belongs to.
    pub fn module_root(&self, mut scope: ScopeIdx) -> ScopeIdx {
        while let Some(p) = self.scope(scope).parent {
            scope = p;
        }
        scope
    }

    /// True when `inner` is `outer` or nested (lexically) inside it.
    pub fn scope_within(&self, mut inner: ScopeIdx, outer: ScopeIdx) -> bool {
        loop {
            if inner == outer {
                return true;
            }
            match self.scope(inner).parent {
                Some(p) => inner = p,
                None => return false,
            }
        }
    }
}

/// An expression with its location.
#[derive(Debug)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// The file it is written in.
    pub file: FileId,
    /// Where (for synthesised parts of interpolated strings: the part inside the literal).
    pub span: Span,
    /// The syntax node it came from, if any (interpolation pieces have none).
    pub ast: Option<ExprId>,
}

/// Expression forms after resolution and desugaring.
#[derive(Debug)]
pub enum ExprKind {
    /// `true` / `false`
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string without interpolation (escapes decoded).
    Str(String),
    /// An interpolated string: the concatenation of its parts, each a `str`.
    Interpolated(Vec<ExprIdx>),
    /// `[a, b]`
    List(Vec<ExprIdx>),
    /// `{k => v}`
    Map(Vec<(ExprIdx, ExprIdx)>),
    /// `struct{a => 1}`
    Struct(Vec<(SmolStr, ExprIdx)>),
    /// A variable reference.
    Var(VarRef),
    /// A call (operators, lookups and `in` included).
    Call {
        /// What is called.
        callee: Callee,
        /// The arguments in order (for operators: the operands).
        args: Vec<ExprIdx>,
    },
    /// A lambda.
    Lambda(Lambda),
    /// `if c { a } else { b }`
    If { cond: ExprIdx, then_value: ExprIdx, else_value: ExprIdx },
    /// `a <|> b`: `b` when evaluating `a` fails with a catchable error.
    Except { lhs: ExprIdx, rhs: ExprIdx },
    /// `a->f <|> d`: the field when the struct type has it, else `d` (decided statically).
    FieldOr { base: ExprIdx, field: Name, default: ExprIdx },
    /// Something that failed to resolve or lower; its diagnostic was reported.
    Error,
}

/// What a variable reference points at.
#[derive(Clone, Debug, PartialEq)]
pub enum VarRef {
    /// A definition of the program.
    Def(Path),
    /// A builtin variable or constant (`$hostname`, `$const.res.file.state.exists`, `$os.family_debian`).
    Builtin(&'static ConstDef),
}

/// A definition reached from a reference: `def`, possibly through `include … as` aliases
/// (`$i.j.x` is `via: [i, j], def: x`), outermost alias first.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    /// The include-as aliases walked through, outermost first.
    pub via: Vec<DefIdx>,
    /// The definition reached.
    pub def: DefIdx,
}

impl Path {
    /// A direct reference.
    pub fn direct(def: DefIdx) -> Path {
        Path { via: Vec::new(), def }
    }
}

/// What a call calls.
#[derive(Clone, Debug, PartialEq)]
pub enum Callee {
    /// A builtin function or operator (`printf`, `+`, `_lookup`, …).
    Builtin(&'static FunctionDef),
    /// A `func` statement (polymorphic: typed per call).
    Func(Path),
    /// A function value: a variable or an inline lambda (monomorphic).
    Value(ExprIdx),
}

/// A lambda or the function of a `func` statement.
#[derive(Clone, Debug)]
pub struct Lambda {
    /// The parameters ([`DefKind::Param`]).
    pub params: Vec<DefIdx>,
    /// The declared return type.
    pub ret: Option<Type>,
    /// The body.
    pub body: ExprIdx,
    /// From `func` to `}`.
    pub span: Span,
}

/// A definition: something a name can refer to.
#[derive(Debug)]
pub struct Def {
    /// Its name (for aliases: the alias).
    pub name: SmolStr,
    /// What it defines.
    pub kind: DefKind,
    /// The file it is written in.
    pub file: FileId,
    /// The span of its name.
    pub span: Span,
    /// The scope it belongs to (for lambda parameters: the scope around the lambda).
    pub scope: ScopeIdx,
}

/// The kinds of definition.
#[derive(Debug)]
pub enum DefKind {
    /// `$x [T] = value`
    Bind { ty: Option<Type>, value: ExprIdx },
    /// `func f(…) { … }`
    Func(Lambda),
    /// `class c(…) { … }`; `params` are [`DefKind::Param`]s and live in the body scope's `params`.
    Class { params: Option<Vec<DefIdx>>, body: ScopeIdx },
    /// A parameter of a lambda, function or class.
    Param { ty: Option<Type> },
    /// The index (`for`) or key (`forkv`) variable of a loop.
    LoopKey,
    /// The value variable of a loop.
    LoopValue,
    /// The alias of `include c as alias`: the include statement at `stmt` in the def's scope.
    IncludeAlias { stmt: usize },
    /// The alias of an `import`.
    Import { target: ImportTarget, star: bool },
}

/// What an import brings in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportTarget {
    /// A builtin module such as `fmt` or `golang/strings`.
    System(SmolStr),
    /// A local file or directory module: its top-level scope.
    Module(ScopeIdx),
    /// The import failed (its diagnostic was reported).
    Failed,
}

/// The kinds of statement list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// A file's top level (the entry file or an imported module).
    Module,
    /// An if/else branch.
    Block,
    /// A class body; its `params` are the class parameters.
    ClassBody(DefIdx),
    /// A for/forkv body; its `params` are the loop variables.
    LoopBody,
}

/// A statement list: its definitions and its output-producing statements.
#[derive(Debug)]
pub struct Scope {
    /// What kind of list.
    pub kind: ScopeKind,
    /// The enclosing scope (lexically); `None` for a module's top level.
    pub parent: Option<ScopeIdx>,
    /// The file it is written in.
    pub file: FileId,
    /// Its extent in the file.
    pub span: Span,
    /// Loop variables or class parameters: visible in the body, shadowed by its definitions.
    pub params: Vec<DefIdx>,
    /// Binds, functions, classes and aliases defined here.
    pub defs: Vec<DefIdx>,
    /// Statements that produce output (resources, edges, ifs, loops, includes, panics).
    pub stmts: Vec<Stmt>,
}

/// Output-producing statements.
#[derive(Debug)]
pub enum Stmt {
    /// A resource (or `collect`).
    Resource(Resource),
    /// An edge chain, or a send/recv pair (halves with ports).
    Edge { halves: Vec<EdgeHalf>, span: Span },
    /// `if c { … } else { … }`
    If { cond: ExprIdx, then_scope: ScopeIdx, else_scope: Option<ScopeIdx> },
    /// `for`/`forkv` over a list or map; the loop variables are `body`'s params.
    For { iter: ExprIdx, kv: bool, body: ScopeIdx, span: Span },
    /// `include c(args) [as alias]`
    Include(Include),
    /// `panic(args)`
    Panic { args: Vec<ExprIdx>, span: Span },
}

/// A resource statement.
#[derive(Debug)]
pub struct Resource {
    /// The kind (`file`, `http:server`, …) with its span.
    pub kind: Name,
    /// The name expression (`str` or `[]str`).
    pub name: ExprIdx,
    /// True for `collect`.
    pub collect: bool,
    /// The body entries.
    pub entries: Vec<Entry>,
    /// The whole statement.
    pub span: Span,
}

/// A resource body entry.
#[derive(Debug)]
pub struct Entry {
    /// The `cond ?:` condition.
    pub cond: Option<ExprIdx>,
    /// What it sets.
    pub kind: EntryKind,
    /// The whole entry.
    pub span: Span,
}

/// What a resource entry sets.
#[derive(Debug)]
pub enum EntryKind {
    /// `field => value`
    Field { name: Name, value: ExprIdx },
    /// `Meta:param => value`
    MetaParam { name: Name, value: ExprIdx },
    /// `Meta => struct{…}`
    Meta { value: ExprIdx },
    /// `Before|Depend|Notify|Listen => Kind[name]`
    Edge { property: Name, target: EdgeHalf },
}

/// `Kind[name]` (with `.port` in send/recv edges).
#[derive(Debug)]
pub struct EdgeHalf {
    /// The kind, lower-cased.
    pub kind: Name,
    /// The name expression.
    pub name: ExprIdx,
    /// The send/recv port.
    pub port: Option<Name>,
    /// The whole half.
    pub span: Span,
}

/// `include c(args) [as alias]`.
#[derive(Debug)]
pub struct Include {
    /// The class, when it resolved.
    pub class: Option<Path>,
    /// The name as written (`c`, `i.inner`) with its span.
    pub name: Name,
    /// The arguments; `None` when no parentheses were written.
    pub args: Option<Vec<ExprIdx>>,
    /// The alias definition, for `include … as alias`.
    pub alias: Option<DefIdx>,
    /// The whole statement.
    pub span: Span,
}

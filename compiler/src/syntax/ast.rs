//! The syntax tree. It mirrors the source faithfully — parentheses, list shapes (single-line or
//! multi-line), operators and `->` lookups stay as written — so the formatter can print it back
//! and the language server can hover on any part. Every node has a byte [`Span`]; comments live in
//! a side table ([`ParsedFile::comments`](crate::syntax::parser::ParsedFile::comments)).
//!
//! Desugarings that mgmt does in its parser (operators to `_operator` calls, `a[i]` to `_lookup`,
//! `panic(x)` to an `if`, …) are left to the semantic phases, which see the same shapes.

use crate::source::Span;
pub use smol_str::SmolStr;

/// A dense per-file number for an expression, for side tables (types, values) keyed by node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprId(pub u32);

/// A name as written, with its span: an identifier, a dotted name (`iter.map`, `$i.x` without
/// `$`), a colon name (`http:server`), or a capitalised word lower-cased (`File` → `file`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The name's text (lower-cased for capitalised kinds and edge properties); short names are
    /// stored inline, without an allocation.
    pub text: SmolStr,
    /// Where it is written.
    pub span: Span,
}

/// A bracketed, comma-separated form: list, map, struct literal, call arguments, parameters.
/// mcl has exactly two shapes: single-line without a trailing comma, and multi-line with one
/// item per line and a comma after every item.
#[derive(Clone, Debug, PartialEq)]
pub struct Delimited<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// True for the multi-line shape (a newline right after the opening bracket).
    pub multiline: bool,
    /// From the opening to the closing bracket, both included.
    pub span: Span,
}

impl<T> Delimited<Box<T>> {
    /// The same form with its items moved out of their boxes.
    pub fn unboxed(self) -> Delimited<T> {
        Delimited { items: self.items.into_iter().map(|b| *b).collect(), multiline: self.multiline, span: self.span }
    }
}

/// A statement list: a whole file, or the inside of a block.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The statements in source order (order does not matter to the semantics).
    pub stmts: Vec<Stmt>,
    /// From `{` to `}` (for a file: the whole text).
    pub span: Span,
}

/// A statement with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What kind of statement.
    pub kind: StmtKind,
    /// From its first to its last token (the ending newline excluded).
    pub span: Span,
}

/// Every statement form of §2.2.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `$name [T] = value`
    Bind { name: Name, ty: Option<TypeExpr>, value: Box<Expr> },
    /// `kind name { entries }`, or `collect kind name { … }`.
    Resource(Resource),
    /// `A -> B -> C`, or a send/recv edge `A.port -> B.port`.
    Edge(Edge),
    /// `if cond { … } [else { … }]`
    If { cond: Box<Expr>, then_block: Block, else_block: Option<Block> },
    /// `for $index, $value in list { … }`
    For { index: Name, value: Name, list: Box<Expr>, body: Block },
    /// `forkv $key, $value in map { … }`
    ForKv { key: Name, value: Name, map: Box<Expr>, body: Block },
    /// `func name(params) [T] { body }`
    Func { name: Name, func: Lambda },
    /// `class name[(params)] { … }`; `params` is `None` when no parentheses were written.
    Class { name: Name, params: Option<Delimited<Param>>, body: Block },
    /// `include name[(args)] [as alias]`
    Include { name: Name, args: Option<Delimited<Box<Expr>>>, alias: Option<Name> },
    /// `import "path" [as alias | as *]`
    Import { path: Name, alias: Option<ImportAlias> },
    /// `panic(args)`
    Panic { args: Delimited<Box<Expr>> },
    /// A statement that failed to parse; its diagnostic was reported.
    Error,
}

/// What follows `as` in an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportAlias {
    /// `as name`
    Name(Name),
    /// `as *`
    Star(Span),
}

/// A resource statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// True for `collect kind name { … }`.
    pub collect: bool,
    /// The kind, e.g. `file` or `http:server:flag`.
    pub kind: Name,
    /// The name expression (a `str` or a `[]str`).
    pub name: Box<Expr>,
    /// The body entries in order.
    pub entries: Vec<ResEntry>,
    /// From `{` to `}`.
    pub body_span: Span,
}

/// One `… => …,` entry of a resource body.
#[derive(Clone, Debug, PartialEq)]
pub struct ResEntry {
    /// The optional `cond ?:` condition.
    pub cond: Option<Box<Expr>>,
    /// What the entry sets.
    pub kind: EntryKind,
    /// From the head to the value (the comma excluded).
    pub span: Span,
}

/// The kinds of resource entry.
#[derive(Clone, Debug, PartialEq)]
pub enum EntryKind {
    /// `field => value`
    Field { name: Name, value: Box<Expr> },
    /// `Before|Depend|Notify|Listen => Kind[name]` (property name lower-cased).
    Edge { property: Name, target: EdgeHalf },
    /// `Meta:param => value`
    MetaParam { name: Name, value: Box<Expr> },
    /// `Meta => struct{…}`
    Meta { value: Box<Expr> },
    /// An entry that failed to parse; its diagnostic was reported.
    Error,
}

/// An edge statement: two or more halves, or a send/recv pair (both halves with a port).
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// The halves in order; for send/recv exactly two, each with a `port`.
    pub halves: Vec<EdgeHalf>,
}

/// `Kind[name]`, optionally `.port` in a send/recv edge.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeHalf {
    /// The kind, lower-cased (`Http:Server` → `http:server`), with its span.
    pub kind: Name,
    /// The name expression inside `[ ]`.
    pub name: Box<Expr>,
    /// The send/recv port after `.`, if any.
    pub port: Option<Name>,
    /// The whole half.
    pub span: Span,
}

/// A function or lambda parameter, or a class parameter: `$name [T]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The name without `$`.
    pub name: Name,
    /// The annotation, if written.
    pub ty: Option<TypeExpr>,
    /// From `$` to the end of the type.
    pub span: Span,
}

/// A lambda, or the function of a `func` statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// The parameters.
    pub params: Delimited<Param>,
    /// The return-type annotation, if written.
    pub ret: Option<TypeExpr>,
    /// The single body expression.
    pub body: Box<Expr>,
    /// True when the body starts on a later line than `{`.
    pub body_multiline: bool,
    /// From `func` to `}`.
    pub span: Span,
}

/// An expression with its id and span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// Dense per-file id.
    pub id: ExprId,
    /// Where it is written.
    pub span: Span,
    /// What it is.
    pub kind: ExprKind,
}

/// Binary operators, with mgmt's precedence (see the parser).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `in` (list membership; mgmt's `contains(a, b)`)
    In,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Gt => ">",
            BinOp::Le => "<=",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// A string literal: the raw text between the quotes, and (after the interpolation phase) its
/// decoded pieces.
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    /// The text between the quotes, escapes intact.
    pub raw: String,
    /// Filled by [`interpolate`](crate::syntax::interpolate); `None` before.
    pub parts: Option<Vec<StrPart>>,
}

/// A piece of an interpolated string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrPart {
    /// Literal text, escapes decoded.
    Lit(String),
    /// `${name}`: the variable name (dotted allowed) and the span of the name inside the string.
    Var(Name),
}

/// Every expression form of §2.4.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `true` / `false`
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A float literal (its text is the span's source).
    Float(f64),
    /// A string literal.
    Str(StrLit),
    /// `[a, b]`
    List(Delimited<Box<Expr>>),
    /// `{k => v}`
    Map(Delimited<MapEntry>),
    /// `struct{a => 1}`
    Struct(Delimited<StructField>),
    /// `$name` (dotted names allowed).
    Var(Name),
    /// `name(args)` — a builtin, func statement, or imported function.
    Call { name: Name, args: Delimited<Box<Expr>> },
    /// `$name(args)` — call the function value held by a variable.
    CallVar { name: Name, args: Delimited<Box<Expr>> },
    /// `func(…) { … }(args)` — call an inline lambda.
    CallLambda { func: Box<Lambda>, args: Delimited<Box<Expr>> },
    /// A lambda.
    Lambda(Box<Lambda>),
    /// `if c { a } else { b }`; `multiline` when the then-value starts on a later line than `{`.
    If { cond: Box<Expr>, then_value: Box<Expr>, else_value: Box<Expr>, multiline: bool },
    /// `(e)`
    Paren(Box<Expr>),
    /// `not e`
    Not(Box<Expr>),
    /// `a OP b`
    Binary { op: BinOp, lhs: Box<Expr>, rhs: Box<Expr> },
    /// `a[i]`
    Index { base: Box<Expr>, index: Box<Expr> },
    /// `a->field`
    Field { base: Box<Expr>, field: Name },
    /// `a->field <|> default` (a static choice: the default is used iff the field is missing).
    FieldOr { base: Box<Expr>, field: Name, default: Box<Expr> },
    /// `a <|> b` (runtime fallback on a catchable error).
    Except { lhs: Box<Expr>, rhs: Box<Expr> },
    /// An expression that failed to parse; its diagnostic was reported.
    Error,
}

/// `key => value` in a map literal.
#[derive(Clone, Debug, PartialEq)]
pub struct MapEntry {
    /// The key.
    pub key: Box<Expr>,
    /// The value.
    pub value: Box<Expr>,
}

/// `name => value` in a struct literal.
#[derive(Clone, Debug, PartialEq)]
pub struct StructField {
    /// The field name.
    pub name: Name,
    /// The value.
    pub value: Box<Expr>,
}

/// A type annotation as written.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    /// What type.
    pub kind: TypeKind,
    /// Where it is written.
    pub span: Span,
}

/// The type syntax of §2.6.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// `bool`
    Bool,
    /// `str`
    Str,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `variant`
    Variant,
    /// `[]T`
    List(Box<TypeExpr>),
    /// `map{K: V}`
    Map(Box<TypeExpr>, Box<TypeExpr>),
    /// `struct{a T; b U}`
    Struct(Vec<(Name, TypeExpr)>),
    /// `func(T, $name U) R`
    Func { params: Vec<(Option<Name>, TypeExpr)>, ret: Box<TypeExpr> },
}

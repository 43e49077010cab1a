//! The init phase (mgmt's `Init`): purely structural checks on one parsed file, run after parsing
//! and before interpolation. Nothing here needs names to be resolved or types to be inferred:
//!
//! - a resource body sets each field at most once, and each `Meta:param` at most once (case
//!   insensitive; `?:` conditions don't matter, as in mgmt);
//! - `Meta:param` names a real meta parameter; an edge entry uses `Before`, `Depend`, `Notify` or
//!   `Listen` (so `Meta => File["x"],` is rejected here);
//! - resource kinds don't start with `_` (the parser can't produce one; checked for completeness);
//! - a struct literal names each field once;
//! - a map literal has no statically duplicate keys, its statically known key types agree, and
//!   they are hashable (`{["a"] => 1}` fails: "map key type []str is not hashable");
//! - `import` is not written inside a `for`/`forkv` body (nor an `if` inside one);
//! - variable names (binds, loop variables, parameters, references) match
//!   `^[a-z]([a-z0-9_]|[._][a-z0-9_])*$` without `..` or `__`;
//! - an import path is not empty.
//!
//! "Statically known" follows mgmt's speculation before unification: literals and containers of
//! literals (parentheses see through); a variable, call or empty container is unknown and never
//! reported here.

use crate::diagnostics::{Diagnostic, Phase};
use crate::registry::resources::{edge_properties, edge_property, meta_param, meta_params};
use crate::registry::suggest::did_you_mean;
use crate::source::{FileId, Span};
use crate::syntax::ast::*;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Diagnostic codes of the init phase.
pub mod codes {
    /// A resource field set twice in one resource body.
    pub const DUPLICATE_FIELD: &str = "E0401";
    /// A `Meta:param` set twice in one resource body.
    pub const DUPLICATE_META_PARAM: &str = "E0402";
    /// `Meta:param` with a name that is no meta parameter.
    pub const UNKNOWN_META_PARAM: &str = "E0403";
    /// An edge entry whose property isn't `Before`, `Depend`, `Notify` or `Listen`.
    pub const INVALID_EDGE_PROPERTY: &str = "E0404";
    /// A resource kind starting with `_` (reserved for internal kinds).
    pub const RESERVED_KIND: &str = "E0405";
    /// A struct literal naming one field twice.
    pub const DUPLICATE_STRUCT_FIELD: &str = "E0406";
    /// A map literal with two statically equal keys.
    pub const DUPLICATE_MAP_KEY: &str = "E0407";
    /// A map literal whose statically known key types differ.
    pub const INCONSISTENT_MAP_KEYS: &str = "E0408";
    /// A map literal key whose statically known type is not hashable.
    pub const UNHASHABLE_MAP_KEY: &str = "E0409";
    /// An `import` inside a `for` or `forkv` body.
    pub const IMPORT_IN_LOOP: &str = "E0410";
    /// A variable name that mgmt rejects (`__`, `..`, a bad character).
    pub const INVALID_VAR_NAME: &str = "E0411";
    /// A name that is empty (an `import ""`).
    pub const EMPTY_NAME: &str = "E0412";
}

/// How deep the walk descends into nested statements and expressions; deeper parts are skipped
/// rather than risking the stack.
const MAX_DEPTH: u32 = 1000;

/// Runs the init checks on one parsed file and returns every problem found, in walk order.
/// `file` is the file the tree's spans point into. Never panics, whatever the tree.
pub fn check(prog: &Block, file: FileId) -> Vec<Diagnostic> {
    let mut checker = Checker { file, diagnostics: Vec::new(), depth: 0 };
    checker.block(prog, None);
    checker.diagnostics
}

/// The innermost loop around a statement: which keyword, and the span of its header.
#[derive(Clone, Copy)]
struct LoopCtx {
    keyword: &'static str,
    header: Span,
}

struct Checker {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    depth: u32,
}

impl Checker {
    fn error(&self, code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Phase::Init, code, self.file, span, message)
    }

    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Enters one level of nesting; false (and nothing entered) when the tree is too deep.
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ---------------------------------------------------------------------------------------
    // Statements

    fn block(&mut self, block: &Block, in_loop: Option<LoopCtx>) {
        if !self.enter() {
            return;
        }
        for stmt in &block.stmts {
            self.stmt(stmt, in_loop);
        }
        self.leave();
    }

    fn stmt(&mut self, stmt: &Stmt, in_loop: Option<LoopCtx>) {
        match &stmt.kind {
            StmtKind::Bind { name, value, .. } => {
                self.var_name(name, "variable");
                self.expr(value);
            }
            StmtKind::Resource(res) => self.resource(res),
            StmtKind::Edge(edge) => {
                for half in &edge.halves {
                    self.edge_half(half);
                }
            }
            StmtKind::If { cond, then_block, else_block } => {
                self.expr(cond);
                self.block(then_block, in_loop);
                if let Some(b) = else_block {
                    self.block(b, in_loop);
                }
            }
            StmtKind::For { index, value, list: e, body } | StmtKind::ForKv { key: index, value, map: e, body } => {
                let keyword = if matches!(stmt.kind, StmtKind::For { .. }) { "for" } else { "forkv" };
                self.var_name(index, "loop variable");
                self.var_name(value, "loop variable");
                self.expr(e);
                let header = Span { start: stmt.span.start, end: e.span.end.max(stmt.span.start) };
                self.block(body, Some(LoopCtx { keyword, header }));
            }
            StmtKind::Func { func, .. } => self.lambda(func),
            StmtKind::Class { params, body, .. } => {
                for p in params.iter().flat_map(|d| d.items.iter()) {
                    self.var_name(&p.name, "parameter");
                }
                // A class body is its own program, instantiated by `include`; mgmt only rejects
                // imports written in the loop body itself.
                self.block(body, None);
            }
            StmtKind::Include { args, .. } => {
                for a in args.iter().flat_map(|d| d.items.iter()) {
                    self.expr(a);
                }
            }
            StmtKind::Import { path, .. } => {
                if path.text.is_empty() {
                    let d = self
                        .error(codes::EMPTY_NAME, stmt.span, "empty import path")
                        .with_help("write the module to import, e.g. `import \"fmt\"` or `import \"dir/\"`");
                    self.push(d);
                }
                if let Some(ctx) = in_loop {
                    let d = self
                        .error(codes::IMPORT_IN_LOOP, stmt.span, format!("`import` can't be inside a `{}` loop", ctx.keyword))
                        .with_label(self.file, ctx.header, format!("inside this `{}` loop", ctx.keyword))
                        .with_help("move the import to the top level of the file; its names are visible inside the loop");
                    self.push(d);
                }
            }
            StmtKind::Panic { args } => {
                for a in &args.items {
                    self.expr(a);
                }
            }
            StmtKind::Error => {}
        }
    }

    fn edge_half(&mut self, half: &EdgeHalf) {
        self.kind_name(&half.kind);
        self.expr(&half.name);
    }

    /// Kinds starting with `_` are internal (only `_panic` exists); the lexer never yields one.
    fn kind_name(&mut self, kind: &Name) {
        if kind.text.starts_with('_') && kind.text != "_panic" {
            let d = self
                .error(codes::RESERVED_KIND, kind.span, format!("resource kind `{}` starts with `_`", kind.text))
                .with_help("kinds starting with `_` are reserved for mgmt's internal resources");
            self.push(d);
        }
    }

    fn resource(&mut self, res: &Resource) {
        self.kind_name(&res.kind);
        self.expr(&res.name);
        // First occurrence of each field / meta param: (name, span, had a condition).
        let mut fields: HashMap<&str, (Span, bool)> = HashMap::new();
        let mut metas: HashMap<String, (Span, bool)> = HashMap::new();
        for entry in &res.entries {
            if let Some(cond) = &entry.cond {
                self.expr(cond);
            }
            let conditional = entry.cond.is_some();
            match &entry.kind {
                EntryKind::Field { name, value } => {
                    match fields.get(name.text.as_str()) {
                        Some(&(first, first_cond)) => {
                            let d = self
                                .error(
                                    codes::DUPLICATE_FIELD,
                                    name.span,
                                    format!("resource field `{}` is set twice in one resource", name.text),
                                )
                                .with_label(self.file, first, "first set here")
                                .with_help(duplicate_help(conditional || first_cond, &name.text));
                            self.push(d);
                        }
                        None => {
                            fields.insert(name.text.as_str(), (name.span, conditional));
                        }
                    }
                    self.expr(value);
                }
                EntryKind::MetaParam { name, value } => {
                    let lower = name.text.to_lowercase();
                    if meta_param(&lower).is_none() {
                        let mut d = self.error(
                            codes::UNKNOWN_META_PARAM,
                            name.span,
                            format!("unknown meta parameter `Meta:{}`", name.text),
                        );
                        let names = || meta_params().iter().map(|p| p.name);
                        d = match did_you_mean(&lower, names()) {
                            Some(s) => d.with_help(format!("did you mean `Meta:{s}`?")).with_fix(format!("replace with `Meta:{s}`"), name.span, s),
                            None => d.with_help(format!("the meta parameters are: {}", names().collect::<Vec<_>>().join(", "))),
                        };
                        self.push(d);
                    } else if let Some(&(first, first_cond)) = metas.get(&lower) {
                        let d = self
                            .error(
                                codes::DUPLICATE_META_PARAM,
                                name.span,
                                format!("meta parameter `Meta:{}` is set twice in one resource", name.text),
                            )
                            .with_label(self.file, first, "first set here")
                            .with_help(duplicate_help(conditional || first_cond, &format!("Meta:{}", name.text)));
                        self.push(d);
                    } else {
                        metas.insert(lower, (name.span, conditional));
                    }
                    self.expr(value);
                }
                EntryKind::Meta { value } => self.expr(value),
                EntryKind::Edge { property, target } => {
                    let p = property.text.as_str();
                    if edge_property(p).is_none() {
                        let shown = capitalised(p);
                        let d = if p == "meta" {
                            self.error(
                                codes::INVALID_EDGE_PROPERTY,
                                property.span,
                                "`Meta` takes the meta-parameter struct, not a resource",
                            )
                            .with_help("for an edge to that resource use `Before`, `Depend`, `Notify` or `Listen`")
                        } else {
                            let d = self.error(
                                codes::INVALID_EDGE_PROPERTY,
                                property.span,
                                format!("invalid edge property `{shown}`"),
                            );
                            match did_you_mean(p, edge_properties().iter().map(|e| e.name)) {
                                Some(s) => d.with_suggestion(property.span, &capitalised(s), &capitalised(s)),
                                None => d.with_help("an edge entry is `Before`, `Depend`, `Notify` or `Listen`"),
                            }
                        };
                        self.push(d);
                    }
                    self.edge_half(target);
                }
                EntryKind::Error => {}
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Expressions

    fn lambda(&mut self, func: &Lambda) {
        for p in &func.params.items {
            self.var_name(&p.name, "parameter");
        }
        self.expr(&func.body);
    }

    fn expr(&mut self, e: &Expr) {
        if !self.enter() {
            return;
        }
        match &e.kind {
            ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) | ExprKind::Error => {}
            ExprKind::List(items) => {
                for x in &items.items {
                    self.expr(x);
                }
            }
            ExprKind::Map(items) => {
                self.map_keys(items);
                for kv in &items.items {
                    self.expr(&kv.key);
                    self.expr(&kv.value);
                }
            }
            ExprKind::Struct(fields) => {
                self.struct_fields(fields);
                for f in &fields.items {
                    self.expr(&f.value);
                }
            }
            ExprKind::Var(name) => self.var_name(name, "variable"),
            ExprKind::Call { args, .. } => {
                for a in &args.items {
                    self.expr(a);
                }
            }
            ExprKind::CallVar { name, args } => {
                self.var_name(name, "variable");
                for a in &args.items {
                    self.expr(a);
                }
            }
            ExprKind::CallLambda { func, args } => {
                self.lambda(func);
                for a in &args.items {
                    self.expr(a);
                }
            }
            ExprKind::Lambda(func) => self.lambda(func),
            ExprKind::If { cond, then_value, else_value, .. } => {
                self.expr(cond);
                self.expr(then_value);
                self.expr(else_value);
            }
            ExprKind::Paren(x) | ExprKind::Not(x) => self.expr(x),
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Except { lhs, rhs } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Index { base, index } => {
                self.expr(base);
                self.expr(index);
            }
            ExprKind::Field { base, .. } => self.expr(base),
            ExprKind::FieldOr { base, default, .. } => {
                self.expr(base);
                self.expr(default);
            }
        }
        self.leave();
    }

    fn struct_fields(&mut self, fields: &Delimited<StructField>) {
        let mut first: HashMap<&str, Span> = HashMap::new();
        for f in &fields.items {
            match first.get(f.name.text.as_str()) {
                Some(&first) => {
                    let d = self
                        .error(
                            codes::DUPLICATE_STRUCT_FIELD,
                            f.name.span,
                            format!("duplicate struct field name of: `{}`", f.name.text),
                        )
                        .with_label(self.file, first, "first given here")
                        .with_help("a struct literal names each field once; remove one of the two");
                    self.push(d);
                }
                None => {
                    first.insert(f.name.text.as_str(), f.name.span);
                }
            }
        }
    }

    /// The static checks on a map literal's keys: hashable, one type, no duplicates.
    fn map_keys(&mut self, items: &Delimited<MapEntry>) {
        // The first key with a statically known type, and every static key value seen so far.
        let mut first_typed: Option<(StaticType, Span)> = None;
        let mut seen: HashMap<StaticValue, Span> = HashMap::new();
        for kv in &items.items {
            let key = &kv.key;
            let Some(ty) = static_type(key, 0) else { continue };
            if !ty.is_hashable() {
                let d = self
                    .error(codes::UNHASHABLE_MAP_KEY, key.span, format!("map key type {ty} is not hashable"))
                    .with_help("map keys must be bool, str, int, float, or a struct of those");
                self.push(d);
                continue;
            }
            match &first_typed {
                Some((first_ty, first_span)) if *first_ty != ty => {
                    let d = self
                        .error(
                            codes::INCONSISTENT_MAP_KEYS,
                            key.span,
                            format!("map key has type {ty}, but an earlier key has type {first_ty}"),
                        )
                        .with_label(self.file, *first_span, format!("this key has type {first_ty}"))
                        .with_help("all keys of a map must have the same type");
                    self.push(d);
                    continue;
                }
                Some(_) => {}
                None => first_typed = Some((ty, key.span)),
            }
            let Some(value) = static_value(key, 0) else { continue };
            if let Some(&first) = seen.get(&value) {
                let d = self
                    .error(codes::DUPLICATE_MAP_KEY, key.span, format!("duplicate map key: {value}"))
                    .with_label(self.file, first, "first used here")
                    .with_help("a map literal holds each key once; remove one of the two entries");
                self.push(d);
            } else {
                seen.insert(value, key.span);
            }
        }
    }

    /// Reports `name` if it isn't a valid mcl variable name. `what` says what it names.
    fn var_name(&mut self, name: &Name, what: &str) {
        let Some(problem) = var_name_problem(&name.text) else { return };
        let mut d = self.error(codes::INVALID_VAR_NAME, name.span, format!("invalid {what} name `${}`: {problem}", name.text));
        d = match fixed_var_name(&name.text) {
            Some(fixed) => d.with_help(format!(
                "variable names are lower-case letters, digits and single `_` or `.` separators; try `${fixed}`"
            )),
            None => d.with_help("variable names are lower-case letters, digits and single `_` or `.` separators"),
        };
        self.push(d);
    }
}

/// The help text for a field or meta param set twice.
fn duplicate_help(conditional: bool, what: &str) -> String {
    if conditional {
        format!(
            "`?:` conditions don't make a second entry allowed; set `{what}` once, choosing the value with an `if` expression"
        )
    } else {
        format!("set `{what}` once: remove one of the two entries")
    }
}

/// `before` → `Before`.
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why `name` is not a valid variable name, or `None` when it is. The rule is mgmt's:
/// `^[a-z]([a-z0-9_]|[._][a-z0-9_])*$`, and neither `..` nor `__` anywhere.
pub fn var_name_problem(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    let Some(&first) = bytes.first() else { return Some("the name is empty") };
    if !first.is_ascii_lowercase() {
        return Some("it must start with a lower-case letter");
    }
    if name.contains("..") {
        return Some("`..` is not allowed");
    }
    if name.contains("__") {
        return Some("`__` is not allowed");
    }
    let word = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_';
    let mut i = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if word(b) {
            i += 1;
        } else if b == b'.' {
            if !bytes.get(i + 1).is_some_and(|&n| word(n)) {
                return Some("a `.` must be followed by a letter, digit or `_`");
            }
            i += 2;
        } else {
            return Some("only lower-case letters, digits, `_` and `.` are allowed");
        }
    }
    None
}

/// A valid spelling close to an invalid variable name (`a__b` → `a_b`), if an obvious one exists.
fn fixed_var_name(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if (c == '_' || c == '.') && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end_matches('.').to_string();
    (out != name && var_name_problem(&out).is_none()).then_some(out)
}

// -------------------------------------------------------------------------------------------
// Static speculation: the type and value of an expression when its literals alone decide them.

/// A fully known type (no unknown parts).
#[derive(Clone, Debug, PartialEq)]
enum StaticType {
    Bool,
    Str,
    Int,
    Float,
    List(Box<StaticType>),
    Map(Box<StaticType>, Box<StaticType>),
    Struct(Vec<(SmolStr, StaticType)>),
}

impl StaticType {
    fn is_hashable(&self) -> bool {
        match self {
            StaticType::Bool | StaticType::Str | StaticType::Int | StaticType::Float => true,
            StaticType::List(_) | StaticType::Map(..) => false,
            StaticType::Struct(fields) => fields.iter().all(|(_, t)| t.is_hashable()),
        }
    }
}

impl fmt::Display for StaticType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StaticType::Bool => f.write_str("bool"),
            StaticType::Str => f.write_str("str"),
            StaticType::Int => f.write_str("int"),
            StaticType::Float => f.write_str("float"),
            StaticType::List(t) => write!(f, "[]{t}"),
            StaticType::Map(k, v) => write!(f, "map{{{k}: {v}}}"),
            StaticType::Struct(fields) => {
                f.write_str("struct{")?;
                for (i, (n, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{n} {t}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// The type of `e` if its literals fix it completely (mgmt's `Type()` before unification).
fn static_type(e: &Expr, depth: u32) -> Option<StaticType> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &e.kind {
        ExprKind::Bool(_) => Some(StaticType::Bool),
        ExprKind::Int(_) => Some(StaticType::Int),
        ExprKind::Float(_) => Some(StaticType::Float),
        ExprKind::Str(_) => Some(StaticType::Str),
        ExprKind::Paren(x) => static_type(x, depth + 1),
        ExprKind::List(items) => {
            let mut elem: Option<StaticType> = None;
            for x in &items.items {
                let t = static_type(x, depth + 1)?;
                match &elem {
                    Some(prev) if *prev != t => return None,
                    Some(_) => {}
                    None => elem = Some(t),
                }
            }
            Some(StaticType::List(Box::new(elem?)))
        }
        ExprKind::Map(items) => {
            let mut kt: Option<StaticType> = None;
            let mut vt: Option<StaticType> = None;
            for kv in &items.items {
                let k = static_type(&kv.key, depth + 1)?;
                let v = static_type(&kv.value, depth + 1)?;
                if kt.as_ref().is_some_and(|p| *p != k) || vt.as_ref().is_some_and(|p| *p != v) {
                    return None;
                }
                kt = Some(k);
                vt = Some(v);
            }
            Some(StaticType::Map(Box::new(kt?), Box::new(vt?)))
        }
        ExprKind::Struct(fields) => {
            let mut out = Vec::with_capacity(fields.items.len());
            for f in &fields.items {
                out.push((f.name.text.clone(), static_type(&f.value, depth + 1)?));
            }
            Some(StaticType::Struct(out))
        }
        _ => None,
    }
}

/// A statically known value of a hashable type, for duplicate-key detection.
#[derive(Clone, Debug)]
enum StaticValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string, by its raw text as mgmt compares it before interpolation (identical raw text
    /// always yields identical values; `"\$x"` and `"$x"` are not reported).
    Str(String),
    Struct(Vec<(SmolStr, StaticValue)>),
}

impl StaticValue {
    /// A float's bits for hashing and comparing, with `-0.0` folded into `0.0` (they are equal).
    fn float_bits(x: f64) -> u64 {
        if x == 0.0 { 0 } else { x.to_bits() }
    }
}

impl PartialEq for StaticValue {
    fn eq(&self, other: &StaticValue) -> bool {
        match (self, other) {
            (StaticValue::Bool(a), StaticValue::Bool(b)) => a == b,
            (StaticValue::Int(a), StaticValue::Int(b)) => a == b,
            (StaticValue::Float(a), StaticValue::Float(b)) => StaticValue::float_bits(*a) == StaticValue::float_bits(*b),
            (StaticValue::Str(a), StaticValue::Str(b)) => a == b,
            (StaticValue::Struct(a), StaticValue::Struct(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for StaticValue {}

impl Hash for StaticValue {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            StaticValue::Bool(b) => b.hash(state),
            StaticValue::Int(i) => i.hash(state),
            StaticValue::Float(x) => StaticValue::float_bits(*x).hash(state),
            StaticValue::Str(s) => s.hash(state),
            StaticValue::Struct(fields) => fields.hash(state),
        }
    }
}

impl fmt::Display for StaticValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StaticValue::Bool(b) => write!(f, "{b}"),
            StaticValue::Int(i) => write!(f, "{i}"),
            StaticValue::Float(x) => write!(f, "{x:?}"),
            StaticValue::Str(raw) => write!(f, "\"{raw}\""),
            StaticValue::Struct(fields) => {
                f.write_str("struct{")?;
                for (i, (n, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{n} => {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// The value of `e` if it is a literal of a hashable type (or a struct of them).
fn static_value(e: &Expr, depth: u32) -> Option<StaticValue> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &e.kind {
        ExprKind::Bool(b) => Some(StaticValue::Bool(*b)),
        ExprKind::Int(i) => Some(StaticValue::Int(*i)),
        ExprKind::Float(x) => Some(StaticValue::Float(*x)),
        ExprKind::Str(lit) => Some(StaticValue::Str(lit.raw.clone())),
        ExprKind::Paren(x) => static_value(x, depth + 1),
        ExprKind::Struct(fields) => {
            let mut out = Vec::with_capacity(fields.items.len());
            for f in &fields.items {
                out.push((f.name.text.clone(), static_value(&f.value, depth + 1)?));
            }
            Some(StaticValue::Struct(out))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_names() {
        for ok in ["a", "x1", "a_b", "a.b", "a._b", "a.1", "abc_def.ghi_1", "map", "a_"] {
            assert_eq!(var_name_problem(ok), None, "{ok}");
        }
        for bad in ["", "A", "1a", "_a", "a__b", "a..b", "a.", "a-b", "a.B", "é"] {
            assert!(var_name_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(fixed_var_name("a__b").as_deref(), Some("a_b"));
        assert_eq!(fixed_var_name("a..b").as_deref(), Some("a.b"));
        assert_eq!(fixed_var_name("a.b"), None);
    }
}

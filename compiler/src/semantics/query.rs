//! Queries on an analysed program, for the language server: the expression and type at a
//! position, the definition of a name, its references, and the names visible at a position.
//!
//! All positions are byte offsets into one file; results carry file ids and spans.

use crate::registry::{consts, functions};
use crate::semantics::hir::*;
use crate::semantics::unify::Typed;
use crate::source::{FileId, Span};
use crate::types::Type;
use smol_str::SmolStr;

/// The innermost type-checked (or, without types, any) expression whose span contains `offset`.
pub fn expr_at(hir: &Hir, typed: Option<&Typed>, file: FileId, offset: usize) -> Option<ExprIdx> {
    let mut best: Option<(ExprIdx, Span)> = None;
    for (i, e) in hir.exprs.iter().enumerate() {
        if e.file != file || !e.span.contains(offset) || matches!(e.kind, ExprKind::Error) {
            continue;
        }
        let idx = ExprIdx(i as u32);
        if let Some(t) = typed
            && !t.expr_types.contains_key(&idx)
        {
            continue;
        }
        if best.is_none_or(|(_, s)| e.span.len() <= s.len()) {
            best = Some((idx, e.span));
        }
    }
    best.map(|(e, _)| e)
}

/// The type of the innermost expression at `offset`, with the expression's span.
pub fn type_at(hir: &Hir, typed: &Typed, file: FileId, offset: usize) -> Option<(Span, Type)> {
    let e = expr_at(hir, Some(typed), file, offset)?;
    Some((hir.expr(e).span, typed.expr_types.get(&e)?.clone()))
}

/// The reference written at `offset`, if any (the innermost one).
pub fn reference_at(hir: &Hir, file: FileId, offset: usize) -> Option<&Reference> {
    hir.refs.iter().filter(|r| r.file == file && (r.span.contains(offset) || r.span.end as usize == offset)).min_by_key(|r| r.span.len())
}

/// The definition whose name is written at `offset` (a bind, func, class, parameter, loop
/// variable or alias), if the cursor is on a definition rather than a use.
pub fn def_named_at(hir: &Hir, file: FileId, offset: usize) -> Option<DefIdx> {
    hir.defs.iter().position(|d| d.file == file && (d.span.contains(offset) || d.span.end as usize == offset) && !d.span.is_empty()).map(|i| DefIdx(i as u32))
}

/// What the name at `offset` means: the definition it refers to (or is), or a builtin.
pub fn target_at(hir: &Hir, file: FileId, offset: usize) -> Option<RefTarget> {
    if let Some(r) = reference_at(hir, file, offset) {
        return Some(r.target.clone());
    }
    def_named_at(hir, file, offset).map(RefTarget::Def)
}

/// Where a definition is written: its file and the span of its name.
pub fn definition_site(hir: &Hir, def: DefIdx) -> (FileId, Span) {
    let d = hir.def(def);
    (d.file, d.span)
}

/// Every place that refers to `def` (the definition itself not included).
pub fn references(hir: &Hir, def: DefIdx) -> Vec<(FileId, Span)> {
    let mut out: Vec<(FileId, Span)> = hir.refs.iter().filter(|r| r.target == RefTarget::Def(def)).map(|r| (r.file, r.span)).collect();
    out.sort_by_key(|(f, s)| (*f, s.start));
    out.dedup();
    out
}

/// What a visible name is.
#[derive(Clone, Debug, PartialEq)]
pub enum VisibleKind {
    /// A variable (bind, parameter, loop variable), with its type when known.
    Var(Option<Type>),
    /// A `func` statement.
    Func,
    /// A class.
    Class,
    /// An import or include-as alias.
    Alias,
    /// A builtin function (top-level, or a member of an imported module as `alias.name`).
    Builtin(&'static functions::FunctionDef),
    /// A builtin variable or constant.
    Const(&'static consts::ConstDef),
}

/// A name visible at a position.
#[derive(Clone, Debug, PartialEq)]
pub struct Visible {
    /// The name as it would be written (without `$`).
    pub name: SmolStr,
    /// What it is.
    pub kind: VisibleKind,
    /// Its definition, for names of the program.
    pub def: Option<DefIdx>,
}

/// Every name visible at `offset` in `file`: lambda parameters around it, the definitions of
/// every enclosing statement list (innermost first, shadowed names left out), imported module
/// members, and the builtins.
pub fn visible_at(hir: &Hir, typed: Option<&Typed>, file: FileId, offset: usize) -> Vec<Visible> {
    let mut out: Vec<Visible> = Vec::new();
    let push = |out: &mut Vec<Visible>, v: Visible| {
        let ns = |k: &VisibleKind| match k {
            VisibleKind::Var(_) | VisibleKind::Const(_) => 0,
            VisibleKind::Func | VisibleKind::Builtin(_) => 1,
            VisibleKind::Class => 2,
            VisibleKind::Alias => 3,
        };
        if !out.iter().any(|o| o.name == v.name && ns(&o.kind) == ns(&v.kind)) {
            out.push(v);
        }
    };
    let var_type = |d: DefIdx| typed.and_then(|t| t.def_types.get(&d).cloned());
    // Lambda parameters of lambdas around the offset.
    for e in &hir.exprs {
        if e.file == file
            && e.span.contains(offset)
            && let ExprKind::Lambda(l) = &e.kind
        {
            for &p in &l.params {
                push(&mut out, Visible { name: hir.def(p).name.clone(), kind: VisibleKind::Var(var_type(p)), def: Some(p) });
            }
        }
    }
    for def in &hir.defs {
        if let DefKind::Func(l) = &def.kind
            && def.file == file
            && l.span.contains(offset)
        {
            for &p in &l.params {
                push(&mut out, Visible { name: hir.def(p).name.clone(), kind: VisibleKind::Var(var_type(p)), def: Some(p) });
            }
        }
    }
    let mut scope = scope_at(hir, file, offset);
    while let Some(s) = scope {
        let sc = hir.scope(s);
        for &d in sc.defs.iter().chain(&sc.params) {
            let def = hir.def(d);
            let kind = match &def.kind {
                DefKind::Bind { .. } | DefKind::Param { .. } | DefKind::LoopKey | DefKind::LoopValue => VisibleKind::Var(var_type(d)),
                DefKind::Func(_) => VisibleKind::Func,
                DefKind::Class { .. } => VisibleKind::Class,
                DefKind::IncludeAlias { .. } => VisibleKind::Alias,
                DefKind::Import { target, star } => {
                    if let ImportTarget::System(m) = target {
                        for f in functions::module_members(m) {
                            let name = if *star { SmolStr::new(f.name) } else { smol_str::format_smolstr!("{}.{}", def.name, f.name) };
                            push(&mut out, Visible { name, kind: VisibleKind::Builtin(f), def: None });
                        }
                        for c in consts::module_vars(m) {
                            let name = smol_str::format_smolstr!("{}.{}", def.name, c.local_name());
                            push(&mut out, Visible { name, kind: VisibleKind::Const(c), def: None });
                        }
                    }
                    if *star {
                        continue;
                    }
                    VisibleKind::Alias
                }
            };
            push(&mut out, Visible { name: def.name.clone(), kind, def: Some(d) });
        }
        scope = sc.parent;
    }
    for f in functions::all().iter().filter(|f| f.module.is_empty() && f.is_callable()) {
        push(&mut out, Visible { name: SmolStr::new(f.name), kind: VisibleKind::Builtin(f), def: None });
    }
    for c in consts::top_level() {
        push(&mut out, Visible { name: SmolStr::new(c.name), kind: VisibleKind::Const(c), def: None });
    }
    out
}

/// The innermost statement list of `file` whose span contains `offset`.
pub fn scope_at(hir: &Hir, file: FileId, offset: usize) -> Option<ScopeIdx> {
    hir.scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.file == file && (s.span.contains(offset) || s.span.end as usize == offset || s.parent.is_none()))
        .min_by_key(|(_, s)| if s.parent.is_none() { u32::MAX } else { s.span.len() as u32 })
        .map(|(i, _)| ScopeIdx(i as u32))
}

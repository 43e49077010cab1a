//! Hover: the type of the expression, variable or parameter under the cursor; a builtin's
//! signature and module; a resource kind's fields; a field's or meta parameter's type; a builtin
//! constant's type and value.

use crate::Snapshot;
use crate::position::{self, LineIndex};
use mcl_compiler::driver::Checked;
use mcl_compiler::registry::consts::ConstValue;
use mcl_compiler::registry::resources;
use mcl_compiler::semantics::hir::{DefKind, RefTarget};
use mcl_compiler::semantics::query;
use mcl_compiler::source::Span;
use mcl_compiler::syntax::ast::EntryKind;
use mcl_compiler::syntax::visit::{self, Node};
use tower_lsp_server::ls_types::*;

fn markdown(value: String, range: Option<Range>) -> Hover {
    Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }), range }
}

/// The hover at `pos`, from the newest analysis (in a half-typed document: the last analysis
/// and the parts of the syntax tree that parse).
pub fn hover(s: &Snapshot, pos: Position) -> Option<Hover> {
    let checked = s.analysis.as_deref()?;
    let text = &checked.sources.get(checked.entry).text;
    let offset = position::offset(text, pos);
    let index = LineIndex::new(text);
    if let Some((span, value)) = syntax_hover(checked, offset) {
        return Some(markdown(value, Some(index.range(span.start as usize, span.end as usize))));
    }
    let hir = checked.hir.as_ref()?;
    if let Some(target) = query::target_at(hir, checked.entry, offset) {
        let value = match target {
            RefTarget::Builtin(f) => {
                let module = if f.module.is_empty() { "builtin".to_string() } else { format!("module `{}`", f.module) };
                let mut value = format!("```mcl\n{}: {}\n```\n{module}", f.qualified_name(), f.sig);
                if let Some(note) = f.forms_note {
                    value.push_str(&format!("\n\n{note}"));
                }
                value
            }
            RefTarget::Const(c) => {
                let shown = match c.value {
                    ConstValue::Str(v) => format!("{v:?}"),
                    ConstValue::Int(v) => v.to_string(),
                    ConstValue::Bool(v) => v.to_string(),
                    ConstValue::Float(v) => v.to_string(),
                    ConstValue::Hostname => "the host's name (known at run time)".to_string(),
                };
                format!("```mcl\n${}: {}\n```\nvalue: `{shown}`", c.name, c.ty())
            }
            RefTarget::Def(d) => {
                let def = hir.def(d);
                let ty = checked.typed.as_ref().and_then(|t| t.def_types.get(&d)).map(|t| t.to_string());
                let what = match &def.kind {
                    DefKind::Bind { .. } | DefKind::LoopKey | DefKind::LoopValue => format!("${}", def.name),
                    DefKind::Param { .. } => format!("${} (parameter)", def.name),
                    DefKind::Func(_) => format!("func {}", def.name),
                    DefKind::Class { .. } => format!("class {}", def.name),
                    DefKind::IncludeAlias { .. } | DefKind::Import { .. } => format!("alias {}", def.name),
                };
                match ty {
                    Some(t) => format!("```mcl\n{what}: {t}\n```"),
                    None => format!("```mcl\n{what}\n```"),
                }
            }
        };
        return Some(markdown(value, None));
    }
    let typed = checked.typed.as_ref()?;
    let (span, ty) = query::type_at(hir, typed, checked.entry, offset)?;
    Some(markdown(format!("```mcl\n{ty}\n```"), Some(index.range(span.start as usize, span.end as usize))))
}

/// Hovers that come from the syntax tree: resource kinds, fields, meta parameters and edge
/// properties.
fn syntax_hover(checked: &Checked, offset: usize) -> Option<(Span, String)> {
    let on = |span: Span| span.start as usize <= offset && offset <= span.end as usize && !span.is_empty();
    let mut found = None;
    let mut kind_of_entry: Option<&'static resources::KindDef> = None;
    // Only the top-level statement around the cursor (statements are in source order).
    let stmts = &checked.front_end.prog.stmts;
    let i = stmts.partition_point(|s| (s.span.end as usize) < offset);
    let stmt = stmts.get(i).filter(|s| s.span.start as usize <= offset)?;
    visit::walk_stmt(stmt, &mut |node| {
        if found.is_some() {
            return;
        }
        match node {
            Node::Stmt(stmt) => {
                if let mcl_compiler::syntax::ast::StmtKind::Resource(r) = &stmt.kind {
                    let kind = resources::kind(&r.kind.text);
                    if r.body_span.contains(offset) || r.kind.span.contains(offset) {
                        kind_of_entry = kind;
                    }
                    if on(r.kind.span)
                        && let Some(k) = kind
                    {
                        found = Some((r.kind.span, kind_doc(k)));
                    }
                }
            }
            Node::Entry(entry) => match &entry.kind {
                EntryKind::Field { name, .. } if on(name.span) => {
                    if let Some(k) = kind_of_entry
                        && let Some(f) = k.field(&name.text)
                    {
                        let optional = if f.optional { " (optional)" } else { "" };
                        found = Some((name.span, format!("```mcl\n{}: {}\n```\nfield of `{}`{optional}", f.name, f.ty, k.name)));
                    }
                }
                EntryKind::MetaParam { name, .. } if on(name.span) => {
                    if let Some(p) = resources::meta_param(&name.text.to_lowercase()) {
                        found = Some((name.span, format!("```mcl\nMeta:{}: {}\n```\nmeta parameter, default `{}`", p.name, p.ty, p.default)));
                    }
                }
                EntryKind::Edge { property, .. } if on(property.span) => {
                    let doc = match property.text.to_lowercase().as_str() {
                        "before" => "this resource is applied before the target",
                        "depend" => "this resource is applied after the target",
                        "notify" => "this resource is applied before the target and notifies it (a refresh) when it changes something",
                        "listen" => "this resource is applied after the target and is notified (refreshed) when the target changes something",
                        _ => return,
                    };
                    found = Some((property.span, format!("edge `{}`: {doc}", property.text)));
                }
                _ => {}
            },
            Node::EdgeHalf(half) if on(half.kind.span) => {
                if let Some(k) = resources::kind(&half.kind.text.to_lowercase()) {
                    found = Some((half.kind.span, kind_doc(k)));
                }
            }
            _ => {}
        }
    });
    found
}

fn kind_doc(k: &resources::KindDef) -> String {
    let mut out = format!("```mcl\n{} resource\n```\n", k.name);
    for f in k.fields {
        out.push_str(&format!("- `{}`: `{}`\n", f.name, f.ty));
    }
    if !k.send.is_empty() {
        out.push_str(&format!("\nsends: {}\n", k.send.iter().map(|f| format!("`{}`", f.name)).collect::<Vec<_>>().join(", ")));
    }
    out
}

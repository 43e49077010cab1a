//! Inlay hints: the inferred types of binds, parameters and loop variables written without one,
//! shown after the name the way a type would be written there (`$x str = …`).

use crate::Snapshot;
use crate::position::LineIndex;
use mcl_compiler::semantics::hir::DefKind;
use tower_lsp_server::ls_types::*;

/// The hints inside `range`, from the analysis of the current text (none while it is stale, so
/// hints never point at the wrong place).
pub fn inlay_hints(s: &Snapshot, range: Range) -> Vec<InlayHint> {
    let Some(checked) = s.current() else { return Vec::new() };
    let (Some(hir), Some(typed)) = (&checked.hir, &checked.typed) else { return Vec::new() };
    let index = LineIndex::new(&s.text);
    let mut out = Vec::new();
    for (i, def) in hir.defs.iter().enumerate() {
        if def.file != checked.entry || def.span.is_empty() {
            continue;
        }
        let untyped = match &def.kind {
            DefKind::Bind { ty, .. } | DefKind::Param { ty } => ty.is_none(),
            DefKind::LoopKey | DefKind::LoopValue => true,
            _ => false,
        };
        if !untyped {
            continue;
        }
        let Some(ty) = typed.def_types.get(&mcl_compiler::semantics::hir::DefIdx(i as u32)) else { continue };
        if ty.has_vars() {
            continue;
        }
        let at = index.position(def.span.end as usize);
        // Binds and parameters can carry the type: a double-click writes it in.
        let insertable = matches!(def.kind, DefKind::Bind { .. } | DefKind::Param { .. });
        if at.line < range.start.line || at.line > range.end.line {
            continue;
        }
        out.push(InlayHint {
            position: at,
            label: InlayHintLabel::String(ty.to_string()),
            kind: Some(InlayHintKind::TYPE),
            text_edits: insertable.then(|| vec![TextEdit { range: Range { start: at, end: at }, new_text: format!(" {ty}") }]),
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    out
}

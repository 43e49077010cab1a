//! The outline of a document, from its syntax tree alone (so it works while the file has errors):
//! document symbols and folding ranges. The tree is the analysis's when that is of the current text.

use crate::position::LineIndex;
use mcl_compiler::driver::Checked;
use mcl_compiler::source::Span;
use mcl_compiler::syntax::ast::{ExprKind, Stmt, StmtKind};
use mcl_compiler::syntax::visit::{self, Node};
use tower_lsp_server::ls_types::*;

/// Document symbols for binds, functions, classes and resources, nested like the blocks.
pub fn symbols(text: &str, analysis: Option<&Checked>) -> Vec<DocumentSymbol> {
    let parsed = crate::syntax(text, analysis);
    let index = LineIndex::new(text);
    symbols_of(&parsed.prog.stmts, text, &index)
}

fn symbols_of(stmts: &[Stmt], text: &str, index: &LineIndex) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for stmt in stmts {
        let (name, kind, selection, children) = match &stmt.kind {
            StmtKind::Bind { name, .. } => (format!("${}", name.text), SymbolKind::VARIABLE, name.span, Vec::new()),
            StmtKind::Func { name, .. } => (name.text.to_string(), SymbolKind::FUNCTION, name.span, Vec::new()),
            StmtKind::Class { name, body, .. } => (name.text.to_string(), SymbolKind::CLASS, name.span, symbols_of(&body.stmts, text, index)),
            StmtKind::Resource(r) => {
                let shown = text.get(r.name.span.range()).unwrap_or("").chars().take(60).collect::<String>();
                (format!("{} {}", r.kind.text, shown), SymbolKind::OBJECT, r.kind.span, Vec::new())
            }
            StmtKind::If { then_block, else_block, .. } => {
                out.extend(symbols_of(&then_block.stmts, text, index));
                if let Some(b) = else_block {
                    out.extend(symbols_of(&b.stmts, text, index));
                }
                continue;
            }
            StmtKind::For { body, .. } | StmtKind::ForKv { body, .. } => {
                out.extend(symbols_of(&body.stmts, text, index));
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
            range: index.range(stmt.span.start as usize, stmt.span.end as usize),
            selection_range: index.range(selection.start as usize, selection.end as usize),
            children: (!children.is_empty()).then_some(children),
        });
    }
    out
}

/// Folding ranges: every statement and expression that spans lines (blocks, resource bodies,
/// multi-line lists, maps, structs, calls and lambdas), runs of comment lines, runs of imports.
pub fn folding_ranges(text: &str, analysis: Option<&Checked>) -> Vec<FoldingRange> {
    let parsed = crate::syntax(text, analysis);
    let index = LineIndex::new(text);
    let mut out: Vec<FoldingRange> = Vec::new();
    let mut add = |span: Span, kind: Option<FoldingRangeKind>| {
        let start = index.position(span.start as usize).line;
        let mut end = index.position(span.end as usize).line;
        // Keep the closing bracket visible.
        if matches!(text.as_bytes().get((span.end as usize).wrapping_sub(1)), Some(b'}' | b']' | b')')) {
            end = end.saturating_sub(1);
        }
        if end > start && !out.iter().any(|r| r.start_line == start && r.end_line == end) {
            out.push(FoldingRange { start_line: start, end_line: end, kind, ..Default::default() });
        }
    };
    visit::walk(&parsed.prog, &mut |node| match node {
        Node::Stmt(stmt) if !matches!(stmt.kind, StmtKind::Import { .. } | StmtKind::Error) => add(stmt.span, None),
        Node::Lambda(l) => add(l.span, None),
        Node::Expr(e) if matches!(e.kind, ExprKind::List(_) | ExprKind::Map(_) | ExprKind::Struct(_) | ExprKind::Call { .. } | ExprKind::CallVar { .. } | ExprKind::If { .. }) => add(e.span, None),
        _ => {}
    });
    // Runs of imports.
    let imports: Vec<Span> = parsed.prog.stmts.iter().filter(|s| matches!(s.kind, StmtKind::Import { .. })).map(|s| s.span).collect();
    if let (Some(first), Some(last)) = (imports.first(), imports.last())
        && imports.len() > 1
    {
        add(first.to(*last), Some(FoldingRangeKind::Imports));
    }
    // Runs of whole-line comments.
    let mut run: Option<(u32, u32)> = None;
    let mut runs = Vec::new();
    for c in parsed.comments.iter() {
        let line = index.position(c.span.start as usize).line;
        let whole_line = text[index.line_start(line)..c.span.start as usize].trim().is_empty();
        match run {
            Some((s, e)) if whole_line && line == e + 1 => run = Some((s, line)),
            _ => {
                runs.extend(run.take());
                run = whole_line.then_some((line, line));
            }
        }
    }
    runs.extend(run);
    for (s, e) in runs {
        if e > s {
            out.push(FoldingRange { start_line: s, end_line: e, kind: Some(FoldingRangeKind::Comment), ..Default::default() });
        }
    }
    out.sort_by_key(|r| (r.start_line, std::cmp::Reverse(r.end_line)));
    out
}

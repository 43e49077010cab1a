//! Lexer + parser on arbitrary input: never panics, always gives a tree, and every diagnostic
//! span lies inside the text on character boundaries. A tree with `Error` nodes comes with at
//! least one error diagnostic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcl_compiler::source::FileId;
use mcl_compiler::syntax::ast::{ExprKind, StmtKind};
use mcl_compiler::syntax::visit::{Node, walk};
use mcl_compiler::syntax::{interpolate, parser};

fuzz_target!(|data: &[u8]| {
    let text = mclc_fuzz::text(data);
    let mut parsed = parser::parse(&text, FileId(0));
    let mut error_nodes = 0;
    walk(&parsed.prog, &mut |n| match n {
        Node::Stmt(s) if matches!(s.kind, StmtKind::Error) => error_nodes += 1,
        Node::Expr(e) if matches!(e.kind, ExprKind::Error) => error_nodes += 1,
        _ => {}
    });
    let errors = parsed.diagnostics.iter().filter(|d| d.is_error()).count();
    assert!(error_nodes == 0 || errors > 0, "{error_nodes} error nodes without a diagnostic");
    let mut diagnostics = parsed.diagnostics.clone();
    if errors == 0 {
        diagnostics.extend(interpolate::interpolate(&mut parsed.prog, &text, FileId(0)));
    }
    for d in &diagnostics {
        let (s, e) = (d.span.start as usize, d.span.end as usize);
        assert!(s <= e && e <= text.len(), "span {s}..{e} outside the text ({} bytes): {d:?}", text.len());
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "span splits a character: {d:?}");
    }
});

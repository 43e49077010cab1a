//! Regression tests for bugs found by the fuzz targets in `fuzz/` (see fuzz/README.md): each test
//! reproduces one minimized crashing input through the library's public API.

use mcl_compiler::diagnostics::codes;
use mcl_compiler::driver::{self, StopAfter, check_text};
use mcl_compiler::syntax::parser::MAX_NESTING;

/// Runs `f` on a thread with the default 2 MiB stack of spawned threads (the language server's
/// and the test harness's), where unbounded recursion shows up first.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap();
}

/// Checks `text` and expects exactly the "nested too deeply" parse error (E0210) among its errors.
fn assert_too_deep(text: String) {
    on_small_stack(move || {
        let checked = check_text("deep.mcl", text, StopAfter::Unify);
        let codes_seen: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
        assert!(codes_seen.contains(&codes::PARSE_TOO_DEEP), "expected E0210, got {codes_seen:?}");
        assert_eq!(codes_seen.iter().filter(|c| **c == codes::PARSE_TOO_DEEP).count(), 1, "one report per file");
        assert!(mcl_compiler::format::format(&checked.sources.get(checked.entry).text).is_err());
    });
}

// Stack overflow (type checker's recursion) on a long operator chain: `$x = 1 + 1 + … + 1`.
#[test]
fn long_operator_chain_is_a_diagnostic_not_a_stack_overflow() {
    assert_too_deep(format!("$x = {}\ntest \"t\" {{\n\tint64 => $x,\n}}\n", vec!["1"; 10_000].join(" + ")));
}

// Stack overflow on `not not … not true` and on `[1][0][0]…[0]`.
#[test]
fn long_prefix_and_postfix_chains_are_diagnostics() {
    assert_too_deep(format!("$x = {}true\n", "not ".repeat(10_000)));
    assert_too_deep(format!("$x = [1]{}\n", "[0]".repeat(10_000)));
}

// 10k nested parentheses, lists, maps.
#[test]
fn deep_brackets_are_diagnostics() {
    assert_too_deep(format!("$x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000)));
    assert_too_deep(format!("$x = {}{}\n", "[".repeat(10_000), "]".repeat(10_000)));
    assert_too_deep(format!("$x = {}1{}\n", "{1 => ".repeat(10_000), "}".repeat(10_000)));
}

// Stack overflow on 100k nested `if` statements and on a 100k-deep list type `[][]…[]str`.
#[test]
fn deep_blocks_and_types_are_diagnostics() {
    assert_too_deep(format!("{}{}", "if true {\n".repeat(100_000), "}\n".repeat(100_000)));
    assert_too_deep(format!("$x {}str = []\n", "[]".repeat(100_000)));
}

// Nesting right at the limit still works through every phase (check, evaluation, graph,
// formatting) on a small stack, in debug builds too: the limit is low enough.
#[test]
fn nesting_at_the_limit_runs_everywhere() {
    let n = MAX_NESTING as usize;
    let sum = vec!["1"; n].join(" + ");
    let parens = format!("{}1{}", "(".repeat(n - 1), ")".repeat(n - 1));
    let ifs = format!("{}test \"t\" {{}}\n{}", "if true {\n".repeat(n - 1), "}\n".repeat(n - 1));
    let ty = format!("{}str", "[]".repeat(n - 1));
    let text = format!("$s = {sum}\n$p = {parens}\n$l {ty} = []\n{ifs}test \"u\" {{\n\tint64 => $s + $p + len($l),\n}}\n");
    on_small_stack(move || {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.mcl");
        std::fs::write(&path, &text).unwrap();
        let built = driver::build_graph(&path, None);
        let errors: Vec<_> = built.checked.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(built.graph.is_some());
        mcl_compiler::format::format(&text).unwrap();
    });
}

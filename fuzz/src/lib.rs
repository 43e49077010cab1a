//! Helpers shared by the fuzz targets: input decoding, a span-free tree comparison and the
//! import allow-list of the `eval` target.

use mcl_compiler::syntax::ast::{Block, StmtKind};
use regex::Regex;
use std::sync::OnceLock;

/// The fuzzer's bytes as text (invalid UTF-8 replaced, so every input is exercised).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The tree's `Debug` print with every span and expression id removed: two trees print the
/// same iff they are the same program shape, wherever it is written. This is independent of
/// `syntax::dump` (which the formatter's own self-check uses).
pub fn shape(prog: &Block) -> String {
    static STRIP: OnceLock<Regex> = OnceLock::new();
    let re = STRIP.get_or_init(|| Regex::new(r"Span \{ start: \d+, end: \d+ \}|ExprId\(\d+\)").unwrap());
    re.replace_all(&format!("{prog:?}"), "").into_owned()
}

/// Builtin modules the `eval` target may import: everything without effects on the machine
/// (no `os.system`, no temp dirs, no environment, no HTTP server) and no local files.
const PURE_MODULES: &[&str] = &[
    "convert",
    "datetime",
    "encoding",
    "example",
    "example/nested",
    "fmt",
    "golang",
    "golang/html",
    "golang/math",
    "golang/math/rand",
    "golang/path",
    "golang/path/filepath",
    "golang/strconv",
    "golang/strings",
    "iter",
    "list",
    "map",
    "math",
    "net",
    "regexp",
    "strings",
    "test",
    "util",
    "value",
    "world",
    "world/collect",
];

/// True when every import of `prog` (at any depth) is a pure builtin module.
pub fn imports_are_pure(prog: &Block) -> bool {
    let mut ok = true;
    mcl_compiler::syntax::visit::walk(prog, &mut |node| {
        if let mcl_compiler::syntax::visit::Node::Stmt(s) = node
            && let StmtKind::Import { path, .. } = &s.kind
            && !PURE_MODULES.contains(&path.text.as_str())
        {
            ok = false;
        }
    });
    ok
}

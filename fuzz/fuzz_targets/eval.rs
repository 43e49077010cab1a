//! The evaluator and graph builder on programs that type-check: never panics, terminates.
//! Streams are evaluated to their first value only (as `mclc graph` does, with a short wait),
//! and only pure builtin modules may be imported (no `os.system`, no local files).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcl_compiler::driver::{self, StopAfter, check_text};
use mcl_compiler::eval::{graph, interp};
use mcl_compiler::eval::stdlib::Host;
use mcl_compiler::source::FileId;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// An empty directory for the program's root, deploy root and state directory.
fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("mclc-fuzz-eval-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let text = mclc_fuzz::text(data);
    let parsed = mcl_compiler::syntax::parser::parse(&text, FileId(0));
    if parsed.diagnostics.iter().any(|d| d.is_error()) || !mclc_fuzz::imports_are_pure(&parsed.prog) {
        return;
    }
    let root = root();
    let checked = check_text(root.join("main.mcl"), text, StopAfter::Unify);
    if checked.has_errors() {
        return;
    }
    let mut host = Host::local(root.to_path_buf());
    host.hostname = "fuzz".to_string();
    host.vardir = root.join("vardir");
    // What `driver::build_checked` (behind `mclc graph`) does, with a 2 s wait for the first
    // values of streams instead of 30 s.
    let (Some(hir), Some(typed)) = (&checked.hir, &checked.typed) else { return };
    match interp::Session::new(hir, typed, &host, &checked.sources).run_complete(Duration::from_secs(2)) {
        Ok(output) => {
            if let Err(e) = graph::build(output) {
                let _ = driver::graph_error_diagnostic(e);
            }
        }
        Err(e) => {
            let _ = driver::run_error_diagnostic(&e);
        }
    }
});

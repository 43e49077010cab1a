//! The full static check (parse, interpolate, init, scope, unify) of one file: never panics,
//! always terminates (libFuzzer's -timeout catches hangs), diagnostic spans are valid, and
//! rendering the diagnostics works.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcl_compiler::diagnostics::render::{self, Format};
use mcl_compiler::driver::{StopAfter, check_text};

fuzz_target!(|data: &[u8]| {
    let text = mclc_fuzz::text(data);
    // A path in a directory that does not exist: local imports fail cleanly, nothing on this
    // machine is read.
    let checked = check_text("/nonexistent/mclc-fuzz/main.mcl", text.clone(), StopAfter::Unify);
    for d in &checked.diagnostics {
        if d.file == checked.entry {
            let (s, e) = (d.span.start as usize, d.span.end as usize);
            assert!(s <= e && e <= text.len(), "span {s}..{e} outside the text ({} bytes): {d:?}", text.len());
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "span splits a character: {d:?}");
        }
    }
    let _ = render::render(&checked.diagnostics, &checked.sources, Format::Short);
});

//! The formatter: on input that parses without errors it must succeed, its output must parse
//! without errors to the same tree (spans and ids ignored), and formatting the output again
//! must give it back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcl_compiler::format::{FormatError, format};
use mcl_compiler::source::FileId;
use mcl_compiler::syntax::parser::parse;

fuzz_target!(|data: &[u8]| {
    let text = mclc_fuzz::text(data);
    let parsed = parse(&text, FileId(0));
    let clean = !parsed.diagnostics.iter().any(|d| d.is_error());
    let out = match format(&text) {
        Ok(out) => out,
        Err(FormatError::Syntax(_)) if !clean => return,
        Err(e) => panic!("format failed on a clean parse (clean={clean}): {e}"),
    };
    assert!(clean, "format succeeded on input with syntax errors");
    let again = parse(&out, FileId(0));
    if let Some(d) = again.diagnostics.iter().find(|d| d.is_error()) {
        panic!("the output does not parse: {}\n--- output ---\n{out}", d.message);
    }
    let (a, b) = (mclc_fuzz::shape(&parsed.prog), mclc_fuzz::shape(&again.prog));
    assert!(a == b, "the output parses to a different tree\n--- input tree ---\n{a}\n--- output tree ---\n{b}\n--- output ---\n{out}");
    let comments = |cs: &[mcl_compiler::syntax::lexer::Comment]| cs.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
    assert_eq!(comments(&parsed.comments), comments(&again.comments), "comments changed");
    match format(&out) {
        Ok(twice) => assert!(twice == out, "not a fixed point\n--- once ---\n{out}\n--- twice ---\n{twice}"),
        Err(e) => panic!("formatting the output fails: {e}\n--- output ---\n{out}"),
    }
});

//! Property tests: the lexer, parser and interpolation never panic, whatever the input, and every
//! diagnostic span lies inside the text.

use mcl_compiler::driver::{StopAfter, check_text};
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "\n", "{", "}", "(", ")", "[", "]", "?:", "<|>", "=>", "->", ",", ":", ";", ".", "$", "=", "+", "-", "*", "/", "==",
    "!=", "<", ">", "<=", ">=", "if", "else", "for", "forkv", "in", "and", "or", "not", "func", "class", "include",
    "import", "as", "panic", "collect", "bool", "str", "int", "float", "map", "struct", "variant", "true", "false", "42",
    "-1", "3.5", "\"s\"", "\"${x}\"", "\"${\"", "\"\\q\"", "x", "y_1", "File", "Meta", "Before", "#c", "@", "\r", "\"", "é",
    "99999999999999999999",
];

const SAMPLE: &str = r#"import "fmt"
$x = 1 + 2 * 3
$l = [
	"a",
	"b",
]
class c($a str) {
	file "/tmp/${a}" {
		content => fmt.printf("%d", $x),
		Meta:noop => true,
		Before => Test["t"],
	}
}
include c("x") as i
if $x > 3 { $y = $i.a
} else {
	test "t" {}
}
for $i, $v in $l {
	test $v {}
}
Test["a"] -> Test["b"]
$f = func($z) { if $z { 1 } else { 2 } }
"#;

fn check_all(src: &str) {
    let checked = check_text("fuzz.mcl", src.to_string(), StopAfter::Interpolate);
    for d in &checked.diagnostics {
        assert!(d.span.start <= d.span.end, "inverted span {:?}", d);
        assert!(d.span.end as usize <= src.len(), "span past the end {:?}", d);
        assert!(src.is_char_boundary(d.span.start as usize) && src.is_char_boundary(d.span.end as usize), "span splits a character {d:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_all(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup(picks in proptest::collection::vec((0..TOKENS.len(), 0..3usize), 0..120)) {
        let mut src = String::new();
        for (t, sep) in picks {
            src.push_str(TOKENS[t]);
            src.push_str([" ", "", "\n"][sep]);
        }
        check_all(&src);
    }

    #[test]
    fn edited_program(edits in proptest::collection::vec((0..SAMPLE.len(), 0..3usize, 0..TOKENS.len()), 1..8)) {
        let mut src = SAMPLE.to_string();
        for (at, what, t) in edits {
            let mut at = at.min(src.len());
            while !src.is_char_boundary(at) { at -= 1; }
            match what {
                0 => { src.insert_str(at, TOKENS[t]); }
                1 => { let mut end = (at + 1 + t % 7).min(src.len()); while !src.is_char_boundary(end) { end += 1; } src.replace_range(at..end, ""); }
                _ => { src.truncate(at); }
            }
        }
        check_all(&src);
    }
}

#[test]
fn sample_is_valid() {
    let checked = check_text("sample.mcl", SAMPLE.to_string(), StopAfter::Interpolate);
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
}

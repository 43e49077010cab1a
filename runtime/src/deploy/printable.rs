//! Text from etcd made safe to print on a terminal.
//!
//! Status records, host names and manifests are written by agents and deployers; a compromised
//! agent could put terminal escape sequences (recolour, move the cursor, rewrite the title,
//! hide a line) or bidirectional overrides (reorder what a line appears to say) in them. The
//! human-readable output of `mclc status`, `mclc deploy --wait` and `mclc deploy log` passes
//! every such string through [`printable`]; JSON output is left exact (JSON escapes control
//! characters itself).

use std::borrow::Cow;

/// True for a character that must not reach a terminal raw: a control character other than
/// tab and newline (C0 including ESC and CR, DEL, C1 U+0080–U+009F), or an invisible
/// direction mark or bidirectional embedding/override/isolate (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every [`is_unsafe`] character replaced by its visible escape (`\u{1b}`,
/// `\u{202e}`); borrowed when there is none.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_keeps_the_rest() {
        assert!(matches!(printable("main.mcl:3:1: exec[x]: exit 1\n\tlast line — ü"), Cow::Borrowed(_)));
        assert_eq!(printable("\x1b[31mred\x1b[0m"), "\\u{1b}[31mred\\u{1b}[0m");
        assert_eq!(printable("a\rb\x07c\x7f\u{9b}2J\u{85}"), "a\\u{d}b\\u{7}c\\u{7f}\\u{9b}2J\\u{85}");
        assert_eq!(printable("x\u{202e}gpj.exe\u{2066}\u{2069}\u{200f}"), "x\\u{202e}gpj.exe\\u{2066}\\u{2069}\\u{200f}");
        assert!(!printable("\x1b]0;title\x07\x00").chars().any(is_unsafe));
    }
}

//! String interpolation (§4): decodes escapes and splits `${name}` references out of every
//! string literal, with spans pointing at the exact bytes inside the literal.

use crate::diagnostics::{Diagnostic, Phase, codes};
use crate::source::{FileId, Span};
use crate::syntax::ast::{Block, ExprKind, Name, StrPart};
use crate::syntax::visit;

/// Interpolates every string literal under `prog`, filling [`StrLit::parts`](crate::syntax::ast::StrLit).
/// Returns the problems found; a bad literal keeps `parts == None`.
pub fn interpolate(prog: &mut Block, src: &str, file: FileId) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    visit::exprs_mut(prog, &mut |e| {
        if let ExprKind::Str(lit) = &mut e.kind {
            // The raw text starts right after the opening quote.
            let start = e.span.start as usize + 1;
            debug_assert_eq!(src.get(start..start + lit.raw.len()), Some(lit.raw.as_str()));
            match split(&lit.raw, start, file) {
                Ok(parts) => lit.parts = Some(parts),
                Err(d) => diagnostics.push(d),
            }
        }
    });
    diagnostics
}

/// Splits the raw text of one string literal (which starts at byte `offset` of the file) into
/// literal text and variable references.
pub fn split(raw: &str, offset: usize, file: FileId) -> Result<Vec<StrPart>, Diagnostic> {
    let bytes = raw.as_bytes();
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let mut plain_start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                lit.push_str(&raw[plain_start..i]);
                let Some(c) = raw[i + 1..].chars().next() else {
                    return Err(escape_error(raw, offset, i, i + 1, file));
                };
                let decoded = match c {
                    'a' => '\x07',
                    'b' => '\x08',
                    'f' => '\x0c',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\x0b',
                    '\\' => '\\',
                    '"' => '"',
                    '$' => '$',
                    _ => return Err(escape_error(raw, offset, i, i + 1 + c.len_utf8(), file)),
                };
                lit.push(decoded);
                i += 1 + c.len_utf8();
                plain_start = i;
            }
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                lit.push_str(&raw[plain_start..i]);
                let name_start = i + 2;
                let name_len = var_name_len(&bytes[name_start..]);
                let close = name_start + name_len;
                if name_len == 0 || bytes.get(close) != Some(&b'}') {
                    let end = raw[i..].find('}').map_or(raw.len(), |e| i + e + 1);
                    return Err(Diagnostic::error(
                        Phase::Interpolate,
                        codes::INTERPOLATE_VAR,
                        file,
                        Span::new(offset + i, offset + end),
                        format!("cannot parse `{}`: only a variable name may stand inside `${{…}}`", &raw[i..end]),
                    )
                    .with_help("write `${name}` (a dotted name like `${i.x}` is fine); compute anything else in a bind first, or write `\\${` for a literal `${`"));
                }
                if !lit.is_empty() {
                    parts.push(StrPart::Lit(std::mem::take(&mut lit)));
                }
                parts.push(StrPart::Var(Name {
                    text: raw[name_start..close].into(),
                    span: Span::new(offset + name_start, offset + close),
                }));
                i = close + 1;
                plain_start = i;
            }
            _ => i += 1,
        }
    }
    lit.push_str(&raw[plain_start..]);
    if !lit.is_empty() || parts.is_empty() {
        parts.push(StrPart::Lit(lit));
    }
    Ok(parts)
}

/// Length of a variable name `[a-z]([a-z0-9_]|[._][a-z0-9_])*` at the start of `b`.
fn var_name_len(b: &[u8]) -> usize {
    let word = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_';
    if !b.first().is_some_and(u8::is_ascii_lowercase) {
        return 0;
    }
    let mut n = 1;
    while n < b.len() {
        if word(b[n]) {
            n += 1;
        } else if b[n] == b'.' && b.get(n + 1).is_some_and(|&c| word(c)) {
            n += 2;
        } else {
            break;
        }
    }
    n
}

fn escape_error(raw: &str, offset: usize, start: usize, end: usize, file: FileId) -> Diagnostic {
    Diagnostic::error(
        Phase::Interpolate,
        codes::INTERPOLATE_ESCAPE,
        file,
        Span::new(offset + start, offset + end.min(raw.len())),
        format!("unknown escape sequence `{}`", &raw[start..end.min(raw.len())]),
    )
    .with_help("the escapes are \\a \\b \\f \\n \\r \\t \\v \\\\ \\\" and \\$; write `\\\\` for a backslash")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(raw: &str) -> Vec<StrPart> {
        split(raw, 0, FileId(0)).expect("valid string")
    }

    fn lit(s: &str) -> StrPart {
        StrPart::Lit(s.to_string())
    }

    fn var(s: &str, start: usize) -> StrPart {
        StrPart::Var(Name { text: s.into(), span: Span::new(start, start + s.len()) })
    }

    #[test]
    fn plain_and_escapes() {
        assert_eq!(parts("hello"), vec![lit("hello")]);
        assert_eq!(parts(""), vec![lit("")]);
        assert_eq!(parts(r#"a\nb\t\"\\\$"#), vec![lit("a\nb\t\"\\$")]);
        assert_eq!(parts("$ x $foo $$"), vec![lit("$ x $foo $$")]);
    }

    #[test]
    fn variables() {
        assert_eq!(parts("${x}"), vec![var("x", 2)]);
        assert_eq!(parts("a ${i.x} b"), vec![lit("a "), var("i.x", 4), lit(" b")]);
        assert_eq!(parts("$${x}"), vec![lit("$"), var("x", 3)]);
        assert_eq!(parts(r"\${x}"), vec![lit("${x}")]);
        assert_eq!(parts(r"\\${x}"), vec![lit("\\"), var("x", 4)]);
        assert_eq!(parts("${a}${b}"), vec![var("a", 2), var("b", 6)]);
    }

    #[test]
    fn errors() {
        for bad in ["${foo()}", "${}", "${x ${y} z}", "${3.14}", "${bad +}", "${x", "${X}", "${a.}"] {
            let e = split(bad, 10, FileId(0)).expect_err(bad);
            assert_eq!(e.code, codes::INTERPOLATE_VAR, "{bad}");
            assert_eq!(e.span.start, 10, "{bad}");
        }
        for bad in [r"\z", r"\0", r"\x41", r"\u1234", r"a\", r"\ "] {
            let e = split(bad, 0, FileId(0)).expect_err(bad);
            assert_eq!(e.code, codes::INTERPOLATE_ESCAPE, "{bad}");
        }
    }
}

//! The `regexp` module: `regexp.match(pattern, s)`, Go's `regexp.MatchString` (RE2 syntax).
//!
//! The `regex` crate speaks nearly the same dialect. Where they differ the pattern is rewritten
//! first ([`translate`]): Go's `\d \w \s \b` (and their negations) are ASCII-only, Go has
//! `\Q…\E` literals, and inside a class Go treats `[`, `&&`, `--` and `~~` as plain characters
//! where the crate sees nested classes and set operations. A pattern that does not compile is a
//! fatal error, as in mgmt.

use super::{BuiltinFn, CallCtx, str_arg};
use crate::eval::value::{EvalError, Value};
use regex::{Regex, RegexBuilder};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[("regexp", "match", regexp_match)];

/// `regexp.match(pattern, s)`: whether `s` contains a match of `pattern`.
fn regexp_match(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let (pattern, s) = (str_arg(a, 0)?, str_arg(a, 1)?);
    Ok(Value::Bool(compile(pattern)?.is_match(s)))
}

/// The compiled form of a Go pattern, from a small cache (programs re-run the same patterns).
pub(super) fn compile(pattern: &str) -> Result<Regex, EvalError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(re) = cache.lock().ok().and_then(|c| c.get(pattern).cloned()) {
        return Ok(re);
    }
    let re = RegexBuilder::new(&translate(pattern))
        .octal(true)
        .build()
        .map_err(|e| EvalError::fatal(format!("pattern did not compile: error parsing regexp {pattern:?}: {}", first_line(&e.to_string()))))?;
    if let Ok(mut c) = cache.lock() {
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    }
    Ok(re)
}

/// The last non-empty line of the `regex` crate's multi-line error (the description).
fn first_line(text: &str) -> &str {
    text.lines().rev().find(|l| !l.trim().is_empty()).map_or(text, str::trim)
}

/// Rewrites a Go RE2 pattern into the `regex` crate's syntax with the same meaning (see the
/// module docs). Anything it does not recognise is copied unchanged, so the crate reports the
/// syntax errors.
pub(super) fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Inside a bracket class: whether the next character is the class's first (where `]` is a
    // literal in Go).
    let mut in_class = false;
    let mut class_start = false;
    while let Some(c) = chars.next() {
        if c == '\\' {
            let Some(e) = chars.next() else {
                out.push('\\');
                break;
            };
            class_start = false;
            if e == 'Q' {
                // \Q…\E: everything up to \E (or the end) is literal.
                let mut literal = String::new();
                while let Some(x) = chars.next() {
                    if x == '\\' && chars.peek() == Some(&'E') {
                        chars.next();
                        break;
                    }
                    literal.push(x);
                }
                for x in literal.chars() {
                    push_literal(&mut out, x, in_class);
                }
                continue;
            }
            out.push_str(&perl_class(e, in_class).unwrap_or_else(|| format!("\\{e}")));
            continue;
        }
        if !in_class {
            if c == '[' {
                in_class = true;
                class_start = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                continue;
            }
            out.push(c);
            continue;
        }
        // Inside a class.
        match c {
            ']' if !class_start => {
                in_class = false;
                out.push(']');
            }
            '[' if chars.peek() == Some(&':') => {
                // [:alpha:] and friends: copy up to the closing `:]`.
                out.push('[');
                let mut name = String::new();
                let mut closed = false;
                while let Some(x) = chars.next() {
                    name.push(x);
                    if x == ':' && name.len() > 1 && chars.peek() == Some(&']') {
                        chars.next();
                        name.push(']');
                        closed = true;
                        break;
                    }
                }
                if closed {
                    out.push_str(&name);
                } else {
                    out.truncate(out.len() - 1);
                    out.push_str("\\[");
                    for x in name.chars() {
                        push_literal(&mut out, x, true);
                    }
                }
            }
            '[' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '-' if chars.peek() == Some(&'-') => out.push_str("\\-"),
            _ => out.push(c),
        }
        class_start = false;
    }
    out
}

/// A literal character, escaped when it is special for the crate.
fn push_literal(out: &mut String, c: char, in_class: bool) {
    let special = if in_class { "\\[]^-&~" } else { "\\.+*?()|[]{}^$#&-~" };
    if special.contains(c) {
        out.push('\\');
    }
    out.push(c);
}

/// Go's ASCII-only Perl classes and word boundaries, for the escape letter `e`.
fn perl_class(e: char, in_class: bool) -> Option<String> {
    let (set, negated) = match e {
        'd' => ("0-9", false),
        'D' => ("0-9", true),
        'w' => ("0-9A-Za-z_", false),
        'W' => ("0-9A-Za-z_", true),
        's' => ("\\t\\n\\f\\r ", false),
        'S' => ("\\t\\n\\f\\r ", true),
        'b' if !in_class => return Some("(?-u:\\b)".into()),
        'B' if !in_class => return Some("(?-u:\\B)".into()),
        _ => return None,
    };
    Some(match (negated, in_class) {
        (false, true) => set.to_string(),
        (false, false) => format!("[{set}]"),
        (true, _) => format!("[^{set}]"),
    })
}

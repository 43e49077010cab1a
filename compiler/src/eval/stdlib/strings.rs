//! Builtins of the `strings` module and the Go standard-library wrappers `golang/strings`,
//! `golang/strconv`, `golang/path`, `golang/path/filepath` (Unix semantics) and `golang/html`,
//! with Go's semantics, edge cases included.
//!
//! mcl strings are Rust `str`s, always valid UTF-8. Go behaviour that only concerns invalid UTF-8
//! (`strings.ToValidUTF8`) is therefore the identity, and results that Go would assemble from raw
//! bytes (`strconv.Unquote(`"\xff"`)`, `strings.substr` cutting a character in two) get U+FFFD for
//! the invalid bytes. Errors of the `golang/*` wrappers are fatal (mgmt's funcgen wrappers turn a
//! Go error into a function error); Go panics (`strings.Repeat` with a negative count, a bad
//! `strconv.FormatInt` base) are fatal errors too.

use super::{BuiltinFn, CallCtx, bool_arg, int_arg, list_arg, str_arg};
use crate::eval::value::{EvalError, Value};
use regex::Regex;
use std::sync::OnceLock;

type Res = Result<Value, EvalError>;

/// The largest string a padding or repeating builtin may build (Go would try and run out of
/// memory; a fatal error is kinder).
const MAX_OUTPUT: usize = 1 << 28;

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    // strings (mgmt's own module)
    ("strings", "contains", gs_contains),
    ("strings", "has_prefix", gs_has_prefix),
    ("strings", "has_suffix", gs_has_suffix),
    ("strings", "join_nonempty", join_nonempty),
    ("strings", "left_pad", left_pad),
    ("strings", "replace_all", gs_replace_all),
    ("strings", "right_pad", right_pad),
    ("strings", "split", split),
    ("strings", "substr", substr),
    ("strings", "to_lower", gs_to_lower),
    ("strings", "to_upper", gs_to_upper),
    ("strings", "trim_space", gs_trim_space),
    // golang/strings
    ("golang/strings", "clone", gs_clone),
    ("golang/strings", "compare", gs_compare),
    ("golang/strings", "contains", gs_contains),
    ("golang/strings", "contains_any", gs_contains_any),
    ("golang/strings", "count", gs_count),
    ("golang/strings", "equal_fold", gs_equal_fold),
    ("golang/strings", "has_prefix", gs_has_prefix),
    ("golang/strings", "has_suffix", gs_has_suffix),
    ("golang/strings", "index", gs_index),
    ("golang/strings", "index_any", gs_index_any),
    ("golang/strings", "join", gs_join),
    ("golang/strings", "last_index", gs_last_index),
    ("golang/strings", "last_index_any", gs_last_index_any),
    ("golang/strings", "repeat", gs_repeat),
    ("golang/strings", "replace", gs_replace),
    ("golang/strings", "replace_all", gs_replace_all),
    ("golang/strings", "title", gs_title),
    ("golang/strings", "to_lower", gs_to_lower),
    ("golang/strings", "to_title", gs_to_title),
    ("golang/strings", "to_upper", gs_to_upper),
    ("golang/strings", "to_valid_utf_8", gs_clone),
    ("golang/strings", "trim", gs_trim),
    ("golang/strings", "trim_left", gs_trim_left),
    ("golang/strings", "trim_prefix", gs_trim_prefix),
    ("golang/strings", "trim_right", gs_trim_right),
    ("golang/strings", "trim_space", gs_trim_space),
    ("golang/strings", "trim_suffix", gs_trim_suffix),
    // golang/strconv
    ("golang/strconv", "append_bool", sc_append_bool),
    ("golang/strconv", "append_int", sc_append_int),
    ("golang/strconv", "append_quote", sc_append_quote),
    ("golang/strconv", "append_quote_to_ascii", sc_append_quote_to_ascii),
    ("golang/strconv", "append_quote_to_graphic", sc_append_quote_to_graphic),
    ("golang/strconv", "atoi", sc_atoi),
    ("golang/strconv", "can_backquote", sc_can_backquote),
    ("golang/strconv", "format_bool", sc_format_bool),
    ("golang/strconv", "format_int", sc_format_int),
    ("golang/strconv", "itoa", sc_itoa),
    ("golang/strconv", "parse_bool", sc_parse_bool),
    ("golang/strconv", "parse_float", sc_parse_float),
    ("golang/strconv", "parse_int", sc_parse_int),
    ("golang/strconv", "quote", sc_quote),
    ("golang/strconv", "quote_to_ascii", sc_quote_to_ascii),
    ("golang/strconv", "quote_to_graphic", sc_quote_to_graphic),
    ("golang/strconv", "quoted_prefix", sc_quoted_prefix),
    ("golang/strconv", "unquote", sc_unquote),
    // golang/path
    ("golang/path", "base", p_base),
    ("golang/path", "clean", p_clean),
    ("golang/path", "dir", p_dir),
    ("golang/path", "ext", p_ext),
    ("golang/path", "is_abs", p_is_abs),
    ("golang/path", "join", p_join),
    ("golang/path", "match", p_match),
    // golang/path/filepath (Unix)
    ("golang/path/filepath", "abs", fp_abs),
    ("golang/path/filepath", "base", p_base),
    ("golang/path/filepath", "clean", p_clean),
    ("golang/path/filepath", "dir", p_dir),
    ("golang/path/filepath", "eval_symlinks", fp_eval_symlinks),
    ("golang/path/filepath", "ext", p_ext),
    ("golang/path/filepath", "from_slash", gs_clone),
    ("golang/path/filepath", "has_prefix", gs_has_prefix),
    ("golang/path/filepath", "is_abs", p_is_abs),
    ("golang/path/filepath", "is_local", fp_is_local),
    ("golang/path/filepath", "join", p_join),
    ("golang/path/filepath", "localize", fp_localize),
    ("golang/path/filepath", "match", p_match),
    ("golang/path/filepath", "rel", fp_rel),
    ("golang/path/filepath", "to_slash", gs_clone),
    ("golang/path/filepath", "volume_name", fp_volume_name),
    // golang/html
    ("golang/html", "escape_string", html_escape_string),
    ("golang/html", "unescape_string", html_unescape_string),
];

fn string(s: impl Into<std::sync::Arc<str>>) -> Res {
    Ok(Value::str(s))
}

/// The `[]str` argument at `i`.
fn str_list_arg(a: &[Value], i: usize) -> Result<Vec<&str>, EvalError> {
    list_arg(a, i)?
        .iter()
        .map(|v| v.as_str().ok_or_else(|| EvalError::fatal(format!("argument {} must be a []str", i + 1))))
        .collect()
}

/// Bytes to a string, replacing invalid UTF-8 with U+FFFD (see the module docs).
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Unicode helpers: Go's simple case mappings and character classes.
// ---------------------------------------------------------------------------------------------

/// Whether `c` is in the regex character class `class`. The standard library does not expose
/// Unicode general categories, but the `regex` crate's tables do.
fn in_class(cache: &OnceLock<Option<Regex>>, class: &str, c: char) -> Option<bool> {
    let re = cache.get_or_init(|| Regex::new(&format!("^{class}$")).ok()).as_ref()?;
    let mut buf = [0u8; 4];
    Some(re.is_match(c.encode_utf8(&mut buf)))
}

/// Go's `unicode.IsPrint` / `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space.
fn is_print(c: char) -> bool {
    static CLASS: OnceLock<Option<Regex>> = OnceLock::new();
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    in_class(&CLASS, r"[\p{L}\p{M}\p{N}\p{P}\p{S}]", c).unwrap_or(!c.is_control())
}

/// The space separators that `strconv.IsGraphic` adds to `IsPrint`.
fn is_graphic_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// Go's `unicode.IsLetter` (category L).
fn is_letter(c: char) -> bool {
    static CLASS: OnceLock<Option<Regex>> = OnceLock::new();
    in_class(&CLASS, r"\p{L}", c).unwrap_or_else(|| c.is_alphabetic())
}

/// Go's `unicode.IsDigit` (category Nd).
fn is_digit(c: char) -> bool {
    static CLASS: OnceLock<Option<Regex>> = OnceLock::new();
    in_class(&CLASS, r"\p{Nd}", c).unwrap_or_else(|| c.is_numeric())
}

/// Go's `unicode.ToUpper`: the simple (one character) mapping. Rust only has the full mapping;
/// where that has several characters the simple one is the character itself, except for the
/// Greek letters with iota subscript, whose simple mapping is the capital with prosgegrammeni.
fn simple_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => match c as u32 {
            0x1f80..=0x1f87 | 0x1f90..=0x1f97 | 0x1fa0..=0x1fa7 => char::from_u32(c as u32 + 8).unwrap_or(c),
            0x1fb3 => '\u{1fbc}',
            0x1fc3 => '\u{1fcc}',
            0x1ff3 => '\u{1ffc}',
            _ => c,
        },
    }
}

/// Go's `unicode.ToLower`: the simple mapping (only U+0130 has a longer full mapping, `i̇`; its
/// simple one is `i`).
fn simple_lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Go's `unicode.ToTitle`: as upper case, except for the four Latin digraphs.
fn simple_title(c: char) -> char {
    match c {
        '\u{1c4}'..='\u{1c6}' => '\u{1c5}',
        '\u{1c7}'..='\u{1c9}' => '\u{1c8}',
        '\u{1ca}'..='\u{1cc}' => '\u{1cb}',
        '\u{1f1}'..='\u{1f3}' => '\u{1f2}',
        _ => simple_upper(c),
    }
}

/// A representative of `c`'s simple case-folding orbit, for `strings.EqualFold`. The dotted and
/// dotless i (U+0130, U+0131) fold only to themselves in Go.
fn fold(c: char) -> char {
    match c {
        '\u{130}' | '\u{131}' => c,
        _ => simple_lower(simple_upper(c)),
    }
}

// ---------------------------------------------------------------------------------------------
// strings and golang/strings
// ---------------------------------------------------------------------------------------------

fn gs_clone(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(str_arg(a, 0)?)
}

fn gs_compare(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::Int(str_arg(a, 0)?.cmp(str_arg(a, 1)?) as i64))
}

fn gs_contains(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::Bool(str_arg(a, 0)?.contains(str_arg(a, 1)?)))
}

fn gs_contains_any(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::Bool(index_any(str_arg(a, 0)?, str_arg(a, 1)?) >= 0))
}

/// Go's `strings.Count`: non-overlapping occurrences; an empty `sub` counts characters + 1.
fn count(s: &str, sub: &str) -> usize {
    if sub.is_empty() { s.chars().count() + 1 } else { s.matches(sub).count() }
}

fn gs_count(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::Int(count(str_arg(a, 0)?, str_arg(a, 1)?) as i64))
}

fn gs_equal_fold(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (s, t) = (str_arg(a, 0)?, str_arg(a, 1)?);
    let mut si = s.chars();
    let mut ti = t.chars();
    loop {
        match (si.next(), ti.next()) {
            (None, None) => return Ok(Value::Bool(true)),
            (Some(x), Some(y)) if x == y || fold(x) == fold(y) => {}
            _ => return Ok(Value::Bool(false)),
        }
    }
}

fn gs_has_prefix(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::Bool(str_arg(a, 0)?.starts_with(str_arg(a, 1)?)))
}

fn gs_has_suffix(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::Bool(str_arg(a, 0)?.ends_with(str_arg(a, 1)?)))
}

/// A byte offset as Go returns it, `-1` for none.
fn offset(i: Option<usize>) -> Value {
    Value::Int(i.map_or(-1, |i| i as i64))
}

fn gs_index(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(offset(str_arg(a, 0)?.find(str_arg(a, 1)?)))
}

fn gs_last_index(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(offset(str_arg(a, 0)?.rfind(str_arg(a, 1)?)))
}

/// Go's `strings.IndexAny`: the byte offset of the first character of `s` that is in `chars`.
fn index_any(s: &str, chars: &str) -> i64 {
    s.char_indices().find(|(_, c)| chars.contains(*c)).map_or(-1, |(i, _)| i as i64)
}

fn gs_index_any(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::Int(index_any(str_arg(a, 0)?, str_arg(a, 1)?)))
}

fn gs_last_index_any(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (s, chars) = (str_arg(a, 0)?, str_arg(a, 1)?);
    Ok(offset(s.char_indices().rev().find(|(_, c)| chars.contains(*c)).map(|(i, _)| i)))
}

fn gs_join(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(str_list_arg(a, 0)?.join(str_arg(a, 1)?))
}

fn join_nonempty(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let elems: Vec<&str> = str_list_arg(a, 0)?.into_iter().filter(|s| !s.is_empty()).collect();
    string(elems.join(str_arg(a, 1)?))
}

fn gs_repeat(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (s, n) = (str_arg(a, 0)?, int_arg(a, 1)?);
    if n < 0 {
        return Err(EvalError::fatal("strings: negative Repeat count"));
    }
    let total = usize::try_from(n).ok().and_then(|n| n.checked_mul(s.len()));
    match total {
        Some(t) if t <= MAX_OUTPUT => string(s.repeat(n as usize)),
        Some(_) => Err(EvalError::fatal("strings: Repeat output too large")),
        None => Err(EvalError::fatal("strings: Repeat output length overflow")),
    }
}

/// Go's `strings.Replace`: the first `n` non-overlapping occurrences (all when `n < 0`); an empty
/// `old` matches before every character and at the end.
fn replace(s: &str, old: &str, new: &str, n: i64) -> String {
    if old == new || n == 0 {
        return s.to_string();
    }
    let m = count(s, old);
    if m == 0 {
        return s.to_string();
    }
    let n = if n < 0 || (m as u64) < n as u64 { m } else { n as usize };
    let mut out = String::with_capacity(s.len() + n.saturating_mul(new.len()));
    let mut start = 0;
    for i in 0..n {
        let mut j = start;
        if old.is_empty() {
            if i > 0 {
                j += s[start..].chars().next().map_or(0, char::len_utf8);
            }
        } else {
            j += s[start..].find(old).unwrap_or(s.len() - start);
        }
        out.push_str(&s[start..j]);
        out.push_str(new);
        start = j + old.len();
    }
    out.push_str(&s[start.min(s.len())..]);
    out
}

fn gs_replace(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(replace(str_arg(a, 0)?, str_arg(a, 1)?, str_arg(a, 2)?, int_arg(a, 3)?))
}

fn gs_replace_all(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(replace(str_arg(a, 0)?, str_arg(a, 1)?, str_arg(a, 2)?, -1))
}

/// Go's (deprecated) `strings.Title`: upper-cases (title-cases) the first letter of every word,
/// words being separated by anything but ASCII alphanumerics, `_`, letters and digits.
fn gs_title(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    fn is_separator(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if is_letter(c) || is_digit(c) {
            return false;
        }
        c.is_whitespace()
    }
    let mut prev = ' ';
    let out: String = str_arg(a, 0)?
        .chars()
        .map(|c| {
            let mapped = if is_separator(prev) { simple_title(c) } else { c };
            prev = c;
            mapped
        })
        .collect();
    string(out)
}

fn gs_to_lower(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(str_arg(a, 0)?.chars().map(simple_lower).collect::<String>())
}

fn gs_to_upper(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(str_arg(a, 0)?.chars().map(simple_upper).collect::<String>())
}

fn gs_to_title(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(str_arg(a, 0)?.chars().map(simple_title).collect::<String>())
}

fn gs_trim(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let cutset = str_arg(a, 1)?;
    string(str_arg(a, 0)?.trim_matches(|c| cutset.contains(c)))
}

fn gs_trim_left(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let cutset = str_arg(a, 1)?;
    string(str_arg(a, 0)?.trim_start_matches(|c| cutset.contains(c)))
}

fn gs_trim_right(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let cutset = str_arg(a, 1)?;
    string(str_arg(a, 0)?.trim_end_matches(|c| cutset.contains(c)))
}

fn gs_trim_prefix(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    string(s.strip_prefix(str_arg(a, 1)?).unwrap_or(s))
}

fn gs_trim_suffix(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    string(s.strip_suffix(str_arg(a, 1)?).unwrap_or(s))
}

/// Go's `strings.TrimSpace` (Unicode White_Space, as `str::trim`).
fn gs_trim_space(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(str_arg(a, 0)?.trim())
}

/// `strings.split`: Go's `strings.Split`. An empty separator splits into characters (and an
/// empty string into no parts at all); otherwise an empty string gives `[""]`.
fn split(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (s, sep) = (str_arg(a, 0)?, str_arg(a, 1)?);
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::str(c.to_string())).collect()
    } else {
        s.split(sep).map(Value::str).collect()
    };
    Ok(Value::list(parts))
}

/// mgmt's `util.LeftPad`/`RightPad`: whole copies of `pad` until `s` is at least `len` bytes
/// long (so it may overshoot). An empty pad would loop forever in mgmt: a fatal error here.
fn pad(a: &[Value], left: bool) -> Res {
    let (s, pad, len) = (str_arg(a, 0)?, str_arg(a, 1)?, int_arg(a, 2)?);
    let want = usize::try_from(len).unwrap_or(0);
    if s.len() >= want {
        return string(s);
    }
    if pad.is_empty() {
        return Err(EvalError::fatal(format!("cannot pad {} to length {len} with an empty string", crate::eval::value::go_quote(s))));
    }
    if want > MAX_OUTPUT {
        return Err(EvalError::fatal(format!("pad length {len} is too large")));
    }
    let copies = (want - s.len()).div_ceil(pad.len());
    let padding = pad.repeat(copies);
    string(if left { padding + s } else { format!("{s}{padding}") })
}

fn left_pad(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    pad(a, true)
}

fn right_pad(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    pad(a, false)
}

/// `strings.substr(s, low, high)`: the bytes `s[low:high]`; out-of-range indexes are a catchable
/// error.
fn substr(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (s, low, high) = (str_arg(a, 0)?, int_arg(a, 1)?, int_arg(a, 2)?);
    let len = s.len() as i64;
    if low < 0 || low > len || high < 0 || high > len || low > high {
        return Err(EvalError::catchable("low/high out of range"));
    }
    string(lossy(&s.as_bytes()[low as usize..high as usize]))
}

// ---------------------------------------------------------------------------------------------
// golang/strconv
// ---------------------------------------------------------------------------------------------

/// Go's `strconv.Quote` family: `s` in double quotes with Go escapes. `ascii_only` escapes every
/// non-ASCII character (`QuoteToASCII`); `graphic_only` leaves Unicode space separators as they
/// are (`QuoteToGraphic`). Non-printable characters become `\a`…`\v`, `\xNN`, `\uNNNN` or
/// `\UNNNNNNNN`.
pub(super) fn go_quote_with(s: &str, ascii_only: bool, graphic_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
            out.push(c);
            continue;
        }
        let keep = if ascii_only { c.is_ascii() && is_print(c) } else { is_print(c) || (graphic_only && is_graphic_space(c)) };
        if keep {
            out.push(c);
            continue;
        }
        match c {
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if c < ' ' || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.Quote`.
pub(super) fn go_quote(s: &str) -> String {
    go_quote_with(s, false, false)
}

/// A `*strconv.NumError` message: `strconv.ParseInt: parsing "x": invalid syntax`.
fn num_error(func: &str, num: &str, err: &str) -> EvalError {
    EvalError::fatal(format!("strconv.{func}: parsing {}: {err}", go_quote(num)))
}

fn sc_append_bool(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(format!("{}{}", str_arg(a, 0)?, bool_arg(a, 1)?))
}

/// Go's `strconv.FormatInt` (lower-case digits); a base outside 2..=36 is a Go panic.
fn format_int(i: i64, base: i64) -> Result<String, EvalError> {
    if !(2..=36).contains(&base) {
        return Err(EvalError::fatal("strconv: illegal AppendInt/FormatInt base"));
    }
    let base = base as u64;
    let mut n = i.unsigned_abs();
    let mut digits = Vec::new();
    loop {
        let d = (n % base) as u8;
        digits.push(if d < 10 { b'0' + d } else { b'a' + d - 10 });
        n /= base;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        digits.push(b'-');
    }
    digits.reverse();
    Ok(lossy(&digits))
}

fn sc_append_int(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(format!("{}{}", str_arg(a, 0)?, format_int(int_arg(a, 1)?, int_arg(a, 2)?)?))
}

fn sc_append_quote(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(format!("{}{}", str_arg(a, 0)?, go_quote(str_arg(a, 1)?)))
}

fn sc_append_quote_to_ascii(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(format!("{}{}", str_arg(a, 0)?, go_quote_with(str_arg(a, 1)?, true, false)))
}

fn sc_append_quote_to_graphic(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(format!("{}{}", str_arg(a, 0)?, go_quote_with(str_arg(a, 1)?, false, true)))
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix), for the
/// base-prefixed forms of `ParseInt` and for `ParseFloat`.
pub(super) fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    if let [b'+' | b'-', rest @ ..] = s {
        s = rest;
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Why a Go integer parse failed.
enum IntErr {
    Syntax,
    Range,
    Base(i64),
    BitSize(i64),
}

impl IntErr {
    fn into_error(self, func: &str, s: &str) -> EvalError {
        match self {
            IntErr::Syntax => num_error(func, s, "invalid syntax"),
            IntErr::Range => num_error(func, s, "value out of range"),
            IntErr::Base(b) => num_error(func, s, &format!("invalid base {b}")),
            IntErr::BitSize(b) => num_error(func, s, &format!("invalid bit size {b}")),
        }
    }
}

/// Go's `strconv.ParseUint` (bit size 0 means 64).
fn parse_uint(s: &str, base: i64, bit_size: i64) -> Result<u64, IntErr> {
    if s.is_empty() {
        return Err(IntErr::Syntax);
    }
    let base0 = base == 0;
    let bytes = s.as_bytes();
    let (base, digits): (u64, &[u8]) = match base {
        2..=36 => (base as u64, bytes),
        0 => {
            if bytes[0] == b'0' {
                match bytes.get(1).map(u8::to_ascii_lowercase) {
                    Some(b'b') if bytes.len() >= 3 => (2, &bytes[2..]),
                    Some(b'o') if bytes.len() >= 3 => (8, &bytes[2..]),
                    Some(b'x') if bytes.len() >= 3 => (16, &bytes[2..]),
                    _ => (8, &bytes[1..]),
                }
            } else {
                (10, bytes)
            }
        }
        _ => return Err(IntErr::Base(base)),
    };
    let bit_size = match bit_size {
        0 => 64,
        1..=64 => bit_size as u32,
        _ => return Err(IntErr::BitSize(bit_size)),
    };
    let max: u64 = if bit_size == 64 { u64::MAX } else { (1u64 << bit_size) - 1 };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' if base0 => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            c if c.is_ascii_alphabetic() => u64::from(c.to_ascii_lowercase() - b'a') + 10,
            _ => return Err(IntErr::Syntax),
        };
        if d >= base {
            return Err(IntErr::Syntax);
        }
        n = match n.checked_mul(base).and_then(|n| n.checked_add(d)) {
            Some(v) if v <= max => v,
            _ => return Err(IntErr::Range),
        };
    }
    if underscores && !underscore_ok(s) {
        return Err(IntErr::Syntax);
    }
    Ok(n)
}

/// Go's `strconv.ParseInt`.
fn parse_int(s: &str, base: i64, bit_size: i64) -> Result<i64, IntErr> {
    if s.is_empty() {
        return Err(IntErr::Syntax);
    }
    let (neg, digits) = match s.as_bytes()[0] {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let un = match parse_uint(digits, base, bit_size) {
        Ok(v) => v,
        Err(IntErr::Range) => u64::MAX,
        Err(e) => return Err(e),
    };
    let bits = if bit_size == 0 { 64 } else { bit_size as u32 };
    let cutoff = 1u64 << (bits - 1);
    if (!neg && un >= cutoff) || (neg && un > cutoff) {
        return Err(IntErr::Range);
    }
    Ok(if neg { (un as i64).wrapping_neg() } else { un as i64 })
}

fn sc_atoi(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    parse_int(s, 10, 0).map(Value::Int).map_err(|e| e.into_error("Atoi", s))
}

fn sc_parse_int(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    parse_int(s, int_arg(a, 1)?, int_arg(a, 2)?).map(Value::Int).map_err(|e| e.into_error("ParseInt", s))
}

fn sc_can_backquote(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let ok = str_arg(a, 0)?.chars().all(|c| match c {
        '\u{feff}' | '`' | '\x7f' => false,
        '\t' => true,
        c => c >= ' ',
    });
    Ok(Value::Bool(ok))
}

fn sc_format_bool(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(bool_arg(a, 0)?.to_string())
}

fn sc_format_int(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(format_int(int_arg(a, 0)?, int_arg(a, 1)?)?)
}

fn sc_itoa(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(int_arg(a, 0)?.to_string())
}

fn sc_parse_bool(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    match str_arg(a, 0)? {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(Value::Bool(true)),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(Value::Bool(false)),
        s => Err(num_error("ParseBool", s, "invalid syntax")),
    }
}

/// Go's `strconv.ParseFloat` for the given bit size (32 rounds to float32; anything else is 64):
/// decimal and hexadecimal (`0x1.8p3`) forms, `_` digit separators, `inf`/`infinity` with an
/// optional sign and `nan` (any case). Overflow is a range error.
fn parse_float(s: &str, bit_size: i64) -> Result<f64, IntErr> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'+') => (1.0, &s[1..]),
        Some(b'-') => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        return Ok(sign * f64::INFINITY);
    }
    if body.eq_ignore_ascii_case("nan") && body.len() == s.len() {
        return Ok(f64::NAN);
    }
    if body.contains('_') && !underscore_ok(s) {
        return Err(IntErr::Syntax);
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let f32_only = bit_size == 32;
    let value = if let Some(hex) = clean.strip_prefix("0x").or_else(|| clean.strip_prefix("0X")) {
        parse_hex_float(hex, f32_only).ok_or(IntErr::Syntax)?
    } else {
        let starts_ok = clean.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.');
        if !starts_ok || !clean.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
            return Err(IntErr::Syntax);
        }
        if f32_only {
            f64::from(clean.parse::<f32>().map_err(|_| IntErr::Syntax)?)
        } else {
            clean.parse::<f64>().map_err(|_| IntErr::Syntax)?
        }
    };
    if value.is_infinite() {
        return Err(IntErr::Range);
    }
    Ok(sign * value)
}

/// The value of a Go hexadecimal float literal after its `0x`: hex digits with an optional `.`
/// and a mandatory binary exponent `p±N`.
fn parse_hex_float(s: &str, f32_only: bool) -> Option<f64> {
    let (mantissa, exp) = s.split_once(['p', 'P'])?;
    let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let big = if exp.starts_with('-') { -100_000 } else { 100_000 };
    let exp: i64 = if digits.len() > 6 { big } else { exp.strip_prefix('+').unwrap_or(exp).parse().ok()? };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut m: u64 = 0;
    let mut e: i64 = exp;
    let mut sticky = false;
    for (i, c) in int_part.chars().chain(frac_part.chars()).enumerate() {
        let d = u64::from(c.to_digit(16)?);
        let fractional = i >= int_part.len();
        if m >> 56 == 0 {
            m = m * 16 + d;
            if fractional {
                e -= 4;
            }
        } else {
            sticky |= d != 0;
            if !fractional {
                e += 4;
            }
        }
    }
    if sticky {
        m |= 1;
    }
    let e = e.clamp(-2000, 2000) as i32;
    // m < 2^60 converts exactly enough; scale in two steps to avoid overflow of 2^e.
    let v = (m as f64) * 2f64.powi(e / 2) * 2f64.powi(e - e / 2);
    Some(if f32_only { f64::from(v as f32) } else { v })
}

fn sc_parse_float(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    parse_float(s, int_arg(a, 1)?).map(Value::Float).map_err(|e| e.into_error("ParseFloat", s))
}

fn sc_quote(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(go_quote(str_arg(a, 0)?))
}

fn sc_quote_to_ascii(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(go_quote_with(str_arg(a, 0)?, true, false))
}

fn sc_quote_to_graphic(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(go_quote_with(str_arg(a, 0)?, false, true))
}

/// Go's `strconv.UnquoteChar` on bytes: one (possibly escaped) character of a `quote`-quoted
/// literal, appended to `out`; returns the rest, or `None` for a syntax error.
fn unquote_char<'a>(s: &'a [u8], quote: u8, out: &mut Vec<u8>) -> Option<&'a [u8]> {
    let (&c, rest) = s.split_first()?;
    if c == quote && (quote == b'\'' || quote == b'"') {
        return None;
    }
    if c >= 0x80 {
        let (_, width) = decode_rune(s);
        out.extend_from_slice(&s[..width]);
        return Some(&s[width..]);
    }
    if c != b'\\' {
        out.push(c);
        return Some(rest);
    }
    let (&e, mut rest) = rest.split_first()?;
    match e {
        b'a' => out.push(7),
        b'b' => out.push(8),
        b'f' => out.push(12),
        b'n' => out.push(b'\n'),
        b'r' => out.push(b'\r'),
        b't' => out.push(b'\t'),
        b'v' => out.push(11),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.get(..n)?;
            let mut v: u32 = 0;
            for &d in digits {
                v = (v << 4) | char::from(d).to_digit(16)?;
            }
            rest = &rest[n..];
            if e == b'x' {
                out.push(v as u8);
            } else {
                let ch = char::from_u32(v)?;
                out.extend_from_slice(ch.encode_utf8(&mut [0u8; 4]).as_bytes());
            }
        }
        b'0'..=b'7' => {
            let digits = rest.get(..2)?;
            let mut v = u32::from(e - b'0');
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return None;
                }
                v = (v << 3) | u32::from(d - b'0');
            }
            if v > 255 {
                return None;
            }
            rest = &rest[2..];
            out.push(v as u8);
        }
        b'\\' => out.push(b'\\'),
        b'\'' | b'"' => {
            if e != quote {
                return None;
            }
            out.push(e);
        }
        _ => return None,
    }
    Some(rest)
}

/// Go's `strconv` `unquote`: the value of the quoted literal at the start of `s` (`"…"`, `'…'` or
/// `` `…` ``) as bytes, and the length of the literal; `None` for a syntax error.
fn unquote_prefix(s: &str) -> Option<(Vec<u8>, usize)> {
    let bytes = s.as_bytes();
    let quote = *bytes.first()?;
    if bytes.len() < 2 {
        return None;
    }
    match quote {
        b'`' => {
            let end = bytes[1..].iter().position(|&b| b == b'`')? + 2;
            let value: Vec<u8> = bytes[1..end - 1].iter().copied().filter(|&b| b != b'\r').collect();
            Some((value, end))
        }
        b'"' | b'\'' => {
            let mut rest = &bytes[1..];
            let mut out = Vec::new();
            while let Some(&c) = rest.first() {
                if c == quote {
                    break;
                }
                if c == b'\n' {
                    return None;
                }
                rest = unquote_char(rest, quote, &mut out)?;
                if quote == b'\'' {
                    break;
                }
            }
            if rest.first() != Some(&quote) {
                return None;
            }
            Some((out, bytes.len() - rest.len() + 1))
        }
        _ => None,
    }
}

fn sc_unquote(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    match unquote_prefix(s) {
        Some((value, len)) if len == s.len() => string(lossy(&value)),
        _ => Err(EvalError::fatal("invalid syntax")),
    }
}

fn sc_quoted_prefix(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    match unquote_prefix(s) {
        Some((_, len)) => string(&s[..len]),
        None => Err(EvalError::fatal("invalid syntax")),
    }
}

// ---------------------------------------------------------------------------------------------
// golang/path and golang/path/filepath (Unix: the separator is `/`, there are no volume names)
// ---------------------------------------------------------------------------------------------

/// Go's `utf8.DecodeRune`: the character at the start of `s` and its width; `(U+FFFD, 1)` for an
/// invalid byte, `(U+FFFD, 0)` for an empty slice.
fn decode_rune(s: &[u8]) -> (char, usize) {
    if s.is_empty() {
        return ('\u{fffd}', 0);
    }
    for k in 1..=s.len().min(4) {
        if let Some(c) = std::str::from_utf8(&s[..k]).ok().and_then(|t| t.chars().next()) {
            return (c, k);
        }
    }
    ('\u{fffd}', 1)
}

/// Go's `path.Clean`: the shortest equivalent path (no `//`, `.` or inner `..`; `.` if empty).
pub(super) fn path_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let p = path.as_bytes();
    let n = p.len();
    let rooted = p[0] == b'/';
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let (mut r, mut dotdot) = (0, 0);
    if rooted {
        out.push(b'/');
        r = 1;
        dotdot = 1;
    }
    while r < n {
        let at = |i: usize| p.get(i).copied();
        if p[r] == b'/' || (p[r] == b'.' && matches!(at(r + 1), None | Some(b'/'))) {
            r += 1;
        } else if p[r] == b'.' && at(r + 1) == Some(b'.') && matches!(at(r + 2), None | Some(b'/')) {
            r += 2;
            if out.len() > dotdot {
                let mut w = out.len() - 1;
                while w > dotdot && out[w] != b'/' {
                    w -= 1;
                }
                out.truncate(w);
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if (rooted && out.len() != 1) || (!rooted && !out.is_empty()) {
                out.push(b'/');
            }
            while r < n && p[r] != b'/' {
                out.push(p[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() { ".".into() } else { lossy(&out) }
}

fn p_clean(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(path_clean(str_arg(a, 0)?))
}

/// Go's `path.Base`: the last element, trailing slashes removed (`.` if empty, `/` if only
/// slashes).
fn p_base(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let path = str_arg(a, 0)?;
    if path.is_empty() {
        return string(".");
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return string("/");
    }
    string(trimmed.rfind('/').map_or(trimmed, |i| &trimmed[i + 1..]))
}

/// Go's `path.Dir`: everything but the last element, cleaned.
fn p_dir(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let path = str_arg(a, 0)?;
    string(path_clean(path.rfind('/').map_or("", |i| &path[..=i])))
}

/// Go's `path.Ext`: the suffix from the last `.` of the last element, or `""`.
fn p_ext(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let path = str_arg(a, 0)?;
    for (i, b) in path.bytes().enumerate().rev() {
        match b {
            b'/' => break,
            b'.' => return string(&path[i..]),
            _ => {}
        }
    }
    string("")
}

fn p_is_abs(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::Bool(str_arg(a, 0)?.starts_with('/')))
}

/// Go's `path.Join`: the non-empty elements joined by `/` and cleaned (`""` if all are empty).
fn path_join(elems: &[&str]) -> String {
    match elems.iter().position(|e| !e.is_empty()) {
        Some(i) => path_clean(&elems[i..].join("/")),
        None => String::new(),
    }
}

fn p_join(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    string(path_join(&str_list_arg(a, 0)?))
}

/// `path.ErrBadPattern`.
struct BadPattern;

/// Go's `path.Match` (and `filepath.Match` on Unix, which is the same): shell patterns with `*`,
/// `?`, `[…]` classes (`^` negates, `a-z` ranges) and `\` escapes; `*` and `?` never match `/`.
fn glob_match(pattern: &[u8], name: &[u8]) -> Result<bool, BadPattern> {
    let mut pattern = pattern;
    let mut name = name;
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok) = match_chunk(chunk, name)?;
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok) = match_chunk(chunk, &name[i + 1..])?;
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off the leading stars and the following chunk (up to the next `*` outside a class).
fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let [b'*', rest @ ..] = pattern {
        pattern = rest;
        star = true;
    }
    let mut inrange = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => inrange = true,
            b']' => inrange = false,
            b'*' if !inrange => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Matches one chunk at the start of `s`: the rest of `s` and whether it matched. After a
/// mismatch the chunk is still checked for syntax errors.
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> Result<(&'a [u8], bool), BadPattern> {
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            b'[' => {
                let mut r = '\0';
                if !failed {
                    let (ch, n) = decode_rune(s);
                    r = ch;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(BadPattern);
                    }
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    Ok(if failed { (b"", false) } else { (s, true) })
}

/// One possibly escaped character of a class, and the rest of the chunk.
fn get_esc(chunk: &[u8]) -> Result<(char, &[u8]), BadPattern> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-' | b']') => return Err(BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        _ => {}
    }
    let (r, n) = decode_rune(chunk);
    if (r == '\u{fffd}' && n == 1) || n == chunk.len() {
        return Err(BadPattern);
    }
    Ok((r, &chunk[n..]))
}

fn p_match(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    glob_match(str_arg(a, 0)?.as_bytes(), str_arg(a, 1)?.as_bytes())
        .map(Value::Bool)
        .map_err(|BadPattern| EvalError::fatal("syntax error in pattern"))
}

/// Go's `filepath.Abs`: the path made absolute against the working directory, cleaned.
fn fp_abs(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let path = str_arg(a, 0)?;
    if path.starts_with('/') {
        return string(path_clean(path));
    }
    let wd = std::env::current_dir().map_err(|e| EvalError::fatal(format!("getwd: {e}")))?;
    string(path_join(&[&wd.to_string_lossy(), path]))
}

/// Go's `filepath.EvalSymlinks`, approximated with the OS's canonicalisation: a relative path
/// stays relative to the working directory when it resolves inside it.
fn fp_eval_symlinks(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let path = str_arg(a, 0)?;
    let real = std::fs::canonicalize(if path.is_empty() { "." } else { path })
        .map_err(|e| EvalError::fatal(format!("lstat {path}: {}", io_error_text(&e))))?;
    let real = real.to_string_lossy().into_owned();
    if path.starts_with('/') {
        return string(real);
    }
    let wd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    match real.strip_prefix(&wd) {
        Some("") => string("."),
        Some(rest) if rest.starts_with('/') => string(&rest[1..]),
        _ => string(real),
    }
}

/// An I/O error as Go words it (`no such file or directory`), without Rust's `(os error N)`.
fn io_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_lowercase(),
        None => text,
    }
}

/// Go's `filepath.IsLocal` on Unix: relative, non-empty, and not escaping upwards.
fn fp_is_local(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let path = str_arg(a, 0)?;
    if path.starts_with('/') || path.is_empty() {
        return Ok(Value::Bool(false));
    }
    let cleaned = if path.split('/').any(|part| part == "." || part == "..") { path_clean(path) } else { path.to_string() };
    Ok(Value::Bool(!(cleaned == ".." || cleaned.starts_with("../"))))
}

/// Go's `filepath.Localize` on Unix: the path itself if it is a valid `io/fs` path (no empty,
/// `.` or `..` elements, no leading or trailing slash, no NUL).
fn fp_localize(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let path = str_arg(a, 0)?;
    let valid = path == "." || path.split('/').all(|e| !(e.is_empty() || e == "." || e == ".."));
    if !valid || path.contains('\0') {
        return Err(EvalError::fatal("invalid path"));
    }
    string(path)
}

/// Go's `filepath.Rel` on Unix: `targ` relative to `base`, through `..` when needed.
fn fp_rel(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let (basepath, targpath) = (str_arg(a, 0)?, str_arg(a, 1)?);
    let cant = || EvalError::fatal(format!("Rel: can't make {targpath} relative to {basepath}"));
    let mut base = path_clean(basepath);
    let targ = path_clean(targpath);
    if targ == base {
        return string(".");
    }
    if base == "." {
        base.clear();
    }
    if base.starts_with('/') != targ.starts_with('/') {
        return Err(cant());
    }
    let (b, t) = (base.as_bytes(), targ.as_bytes());
    let (bl, tl) = (b.len(), t.len());
    let (mut b0, mut bi, mut t0, mut ti) = (0, 0, 0, 0);
    loop {
        while bi < bl && b[bi] != b'/' {
            bi += 1;
        }
        while ti < tl && t[ti] != b'/' {
            ti += 1;
        }
        if t[t0..ti] != b[b0..bi] {
            break;
        }
        if bi < bl {
            bi += 1;
        }
        if ti < tl {
            ti += 1;
        }
        b0 = bi;
        t0 = ti;
        if b0 == bl && t0 == tl {
            break;
        }
    }
    if &b[b0..bi] == b".." {
        return Err(cant());
    }
    if b0 != bl {
        let seps = b[b0..bl].iter().filter(|&&c| c == b'/').count();
        let mut out = String::from("..");
        for _ in 0..seps {
            out.push_str("/..");
        }
        if t0 != tl {
            out.push('/');
            out.push_str(&targ[t0..]);
        }
        return string(out);
    }
    string(&targ[t0..])
}

fn fp_volume_name(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    str_arg(a, 0)?;
    string("")
}

// ---------------------------------------------------------------------------------------------
// golang/html
// ---------------------------------------------------------------------------------------------

/// Go's `html.EscapeString`: `&'<>"` as entities.
fn html_escape_string(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            c => out.push(c),
        }
    }
    string(out)
}

/// Go's `html.UnescapeString`: numeric character references (with the Windows-1252 fix-ups
/// and U+FFFD for invalid code points) and named ones. The named table is HTML 4's (plus
/// `apos` and the upper-case legacy names); HTML5's two-thousand-odd others stay as written.
/// Legacy names also match without `;` and as the longest prefix of a longer name, as in Go.
fn html_unescape_string(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    let s = str_arg(a, 0)?;
    if !s.contains('&') {
        return string(s);
    }
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'&' {
            i += unescape_entity(&b[i..], &mut out);
        } else {
            let next = b[i..].iter().position(|&c| c == b'&').map_or(b.len(), |p| i + p);
            out.extend_from_slice(&b[i..next]);
            i = next;
        }
    }
    string(lossy(&out))
}

/// Windows-1252 meanings of the numeric references `&#128;`…`&#159;`.
const WINDOWS_1252: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}',
    '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}',
    '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Decodes the reference at the start of `s` (which starts with `&`) into `out`; returns how many
/// bytes it used (at least 1: a lone `&` is copied).
fn unescape_entity(s: &[u8], out: &mut Vec<u8>) -> usize {
    let push = |out: &mut Vec<u8>, c: char| out.extend_from_slice(c.encode_utf8(&mut [0u8; 4]).as_bytes());
    if s.len() <= 1 {
        out.push(b'&');
        return 1;
    }
    if s[1] == b'#' {
        if s.len() <= 3 {
            out.push(b'&');
            return 1;
        }
        let mut i = 2;
        let hex = matches!(s[i], b'x' | b'X');
        if hex {
            i += 1;
        }
        let mut x: i32 = 0;
        while i < s.len() {
            let c = s[i];
            i += 1;
            let digit = if hex { char::from(c).to_digit(16) } else { char::from(c).to_digit(10) };
            if let Some(d) = digit {
                x = x.wrapping_mul(if hex { 16 } else { 10 }).wrapping_add(d as i32);
                continue;
            }
            if c != b';' {
                i -= 1;
            }
            break;
        }
        if i <= 3 {
            out.push(b'&');
            return 1;
        }
        let c = if (0x80..=0x9f).contains(&x) {
            WINDOWS_1252[(x - 0x80) as usize]
        } else {
            u32::try_from(x).ok().filter(|&x| x != 0).and_then(char::from_u32).unwrap_or('\u{fffd}')
        };
        push(out, c);
        return i;
    }
    let mut i = 1;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_alphanumeric() {
            continue;
        }
        if c != b';' {
            i -= 1;
        }
        break;
    }
    let name = &s[1..i];
    let lookup = |name: &[u8], with_semicolon: bool| -> Option<char> {
        let idx = HTML_ENTITIES.binary_search_by(|(n, _, _)| n.as_bytes().cmp(name)).ok()?;
        let (_, c, legacy) = HTML_ENTITIES[idx];
        (with_semicolon || legacy).then_some(c)
    };
    if !name.is_empty() {
        let found = match name.split_last() {
            Some((b';', stem)) => lookup(stem, true),
            _ => lookup(name, false),
        };
        if let Some(c) = found {
            push(out, c);
            return i;
        }
        let max_len = (name.len() - 1).min(6);
        for j in (2..=max_len).rev() {
            if let Some(c) = lookup(&name[..j], false) {
                push(out, c);
                return j + 1;
            }
        }
    }
    out.extend_from_slice(&s[..i]);
    i
}

/// Named character references: (name without `;`, character, also valid without `;`).
#[rustfmt::skip]
const HTML_ENTITIES: &[(&str, char, bool)] = &[
    ("AElig", '\u{c6}', true), ("AMP", '\u{26}', true), ("Aacute", '\u{c1}', true), ("Acirc", '\u{c2}', true),
    ("Agrave", '\u{c0}', true), ("Alpha", '\u{391}', false), ("Aring", '\u{c5}', true), ("Atilde", '\u{c3}', true),
    ("Auml", '\u{c4}', true), ("Beta", '\u{392}', false), ("COPY", '\u{a9}', true), ("Ccedil", '\u{c7}', true),
    ("Chi", '\u{3a7}', false), ("Dagger", '\u{2021}', false), ("Delta", '\u{394}', false), ("ETH", '\u{d0}', true),
    ("Eacute", '\u{c9}', true), ("Ecirc", '\u{ca}', true), ("Egrave", '\u{c8}', true), ("Epsilon", '\u{395}', false),
    ("Eta", '\u{397}', false), ("Euml", '\u{cb}', true), ("GT", '\u{3e}', true), ("Gamma", '\u{393}', false),
    ("Iacute", '\u{cd}', true), ("Icirc", '\u{ce}', true), ("Igrave", '\u{cc}', true), ("Iota", '\u{399}', false),
    ("Iuml", '\u{cf}', true), ("Kappa", '\u{39a}', false), ("LT", '\u{3c}', true), ("Lambda", '\u{39b}', false),
    ("Mu", '\u{39c}', false), ("Ntilde", '\u{d1}', true), ("Nu", '\u{39d}', false), ("OElig", '\u{152}', false),
    ("Oacute", '\u{d3}', true), ("Ocirc", '\u{d4}', true), ("Ograve", '\u{d2}', true), ("Omega", '\u{3a9}', false),
    ("Omicron", '\u{39f}', false), ("Oslash", '\u{d8}', true), ("Otilde", '\u{d5}', true), ("Ouml", '\u{d6}', true),
    ("Phi", '\u{3a6}', false), ("Pi", '\u{3a0}', false), ("Prime", '\u{2033}', false), ("Psi", '\u{3a8}', false),
    ("QUOT", '\u{22}', true), ("REG", '\u{ae}', true), ("Rho", '\u{3a1}', false), ("Scaron", '\u{160}', false),
    ("Sigma", '\u{3a3}', false), ("THORN", '\u{de}', true), ("Tau", '\u{3a4}', false), ("Theta", '\u{398}', false),
    ("Uacute", '\u{da}', true), ("Ucirc", '\u{db}', true), ("Ugrave", '\u{d9}', true), ("Upsilon", '\u{3a5}', false),
    ("Uuml", '\u{dc}', true), ("Xi", '\u{39e}', false), ("Yacute", '\u{dd}', true), ("Yuml", '\u{178}', false),
    ("Zeta", '\u{396}', false), ("aacute", '\u{e1}', true), ("acirc", '\u{e2}', true), ("acute", '\u{b4}', true),
    ("aelig", '\u{e6}', true), ("agrave", '\u{e0}', true), ("alefsym", '\u{2135}', false), ("alpha", '\u{3b1}', false),
    ("amp", '\u{26}', true), ("and", '\u{2227}', false), ("ang", '\u{2220}', false), ("apos", '\u{27}', false),
    ("aring", '\u{e5}', true), ("asymp", '\u{2248}', false), ("atilde", '\u{e3}', true), ("auml", '\u{e4}', true),
    ("bdquo", '\u{201e}', false), ("beta", '\u{3b2}', false), ("brvbar", '\u{a6}', true), ("bull", '\u{2022}', false),
    ("cap", '\u{2229}', false), ("ccedil", '\u{e7}', true), ("cedil", '\u{b8}', true), ("cent", '\u{a2}', true),
    ("chi", '\u{3c7}', false), ("circ", '\u{2c6}', false), ("clubs", '\u{2663}', false), ("cong", '\u{2245}', false),
    ("copy", '\u{a9}', true), ("crarr", '\u{21b5}', false), ("cup", '\u{222a}', false), ("curren", '\u{a4}', true),
    ("dArr", '\u{21d3}', false), ("dagger", '\u{2020}', false), ("darr", '\u{2193}', false), ("deg", '\u{b0}', true),
    ("delta", '\u{3b4}', false), ("diams", '\u{2666}', false), ("divide", '\u{f7}', true), ("eacute", '\u{e9}', true),
    ("ecirc", '\u{ea}', true), ("egrave", '\u{e8}', true), ("empty", '\u{2205}', false), ("emsp", '\u{2003}', false),
    ("ensp", '\u{2002}', false), ("epsilon", '\u{3b5}', false), ("equiv", '\u{2261}', false), ("eta", '\u{3b7}', false),
    ("eth", '\u{f0}', true), ("euml", '\u{eb}', true), ("euro", '\u{20ac}', false), ("exist", '\u{2203}', false),
    ("fnof", '\u{192}', false), ("forall", '\u{2200}', false), ("frac12", '\u{bd}', true), ("frac14", '\u{bc}', true),
    ("frac34", '\u{be}', true), ("frasl", '\u{2044}', false), ("gamma", '\u{3b3}', false), ("ge", '\u{2265}', false),
    ("gt", '\u{3e}', true), ("hArr", '\u{21d4}', false), ("harr", '\u{2194}', false), ("hearts", '\u{2665}', false),
    ("hellip", '\u{2026}', false), ("iacute", '\u{ed}', true), ("icirc", '\u{ee}', true), ("iexcl", '\u{a1}', true),
    ("igrave", '\u{ec}', true), ("image", '\u{2111}', false), ("infin", '\u{221e}', false), ("int", '\u{222b}', false),
    ("iota", '\u{3b9}', false), ("iquest", '\u{bf}', true), ("isin", '\u{2208}', false), ("iuml", '\u{ef}', true),
    ("kappa", '\u{3ba}', false), ("lArr", '\u{21d0}', false), ("lambda", '\u{3bb}', false), ("lang", '\u{27e8}', false),
    ("laquo", '\u{ab}', true), ("larr", '\u{2190}', false), ("lceil", '\u{2308}', false), ("ldquo", '\u{201c}', false),
    ("le", '\u{2264}', false), ("lfloor", '\u{230a}', false), ("lowast", '\u{2217}', false), ("loz", '\u{25ca}', false),
    ("lrm", '\u{200e}', false), ("lsaquo", '\u{2039}', false), ("lsquo", '\u{2018}', false), ("lt", '\u{3c}', true),
    ("macr", '\u{af}', true), ("mdash", '\u{2014}', false), ("micro", '\u{b5}', true), ("middot", '\u{b7}', true),
    ("minus", '\u{2212}', false), ("mu", '\u{3bc}', false), ("nabla", '\u{2207}', false), ("nbsp", '\u{a0}', true),
    ("ndash", '\u{2013}', false), ("ne", '\u{2260}', false), ("ni", '\u{220b}', false), ("not", '\u{ac}', true),
    ("notin", '\u{2209}', false), ("nsub", '\u{2284}', false), ("ntilde", '\u{f1}', true), ("nu", '\u{3bd}', false),
    ("oacute", '\u{f3}', true), ("ocirc", '\u{f4}', true), ("oelig", '\u{153}', false), ("ograve", '\u{f2}', true),
    ("oline", '\u{203e}', false), ("omega", '\u{3c9}', false), ("omicron", '\u{3bf}', false), ("oplus", '\u{2295}', false),
    ("or", '\u{2228}', false), ("ordf", '\u{aa}', true), ("ordm", '\u{ba}', true), ("oslash", '\u{f8}', true),
    ("otilde", '\u{f5}', true), ("otimes", '\u{2297}', false), ("ouml", '\u{f6}', true), ("para", '\u{b6}', true),
    ("part", '\u{2202}', false), ("permil", '\u{2030}', false), ("perp", '\u{22a5}', false), ("phi", '\u{3c6}', false),
    ("pi", '\u{3c0}', false), ("piv", '\u{3d6}', false), ("plusmn", '\u{b1}', true), ("pound", '\u{a3}', true),
    ("prime", '\u{2032}', false), ("prod", '\u{220f}', false), ("prop", '\u{221d}', false), ("psi", '\u{3c8}', false),
    ("quot", '\u{22}', true), ("rArr", '\u{21d2}', false), ("radic", '\u{221a}', false), ("rang", '\u{27e9}', false),
    ("raquo", '\u{bb}', true), ("rarr", '\u{2192}', false), ("rceil", '\u{2309}', false), ("rdquo", '\u{201d}', false),
    ("real", '\u{211c}', false), ("reg", '\u{ae}', true), ("rfloor", '\u{230b}', false), ("rho", '\u{3c1}', false),
    ("rlm", '\u{200f}', false), ("rsaquo", '\u{203a}', false), ("rsquo", '\u{2019}', false), ("sbquo", '\u{201a}', false),
    ("scaron", '\u{161}', false), ("sdot", '\u{22c5}', false), ("sect", '\u{a7}', true), ("shy", '\u{ad}', true),
    ("sigma", '\u{3c3}', false), ("sigmaf", '\u{3c2}', false), ("sim", '\u{223c}', false), ("spades", '\u{2660}', false),
    ("sub", '\u{2282}', false), ("sube", '\u{2286}', false), ("sum", '\u{2211}', false), ("sup", '\u{2283}', false),
    ("sup1", '\u{b9}', true), ("sup2", '\u{b2}', true), ("sup3", '\u{b3}', true), ("supe", '\u{2287}', false),
    ("szlig", '\u{df}', true), ("tau", '\u{3c4}', false), ("there4", '\u{2234}', false), ("theta", '\u{3b8}', false),
    ("thetasym", '\u{3d1}', false), ("thinsp", '\u{2009}', false), ("thorn", '\u{fe}', true), ("tilde", '\u{2dc}', false),
    ("times", '\u{d7}', true), ("trade", '\u{2122}', false), ("uArr", '\u{21d1}', false), ("uacute", '\u{fa}', true),
    ("uarr", '\u{2191}', false), ("ucirc", '\u{fb}', true), ("ugrave", '\u{f9}', true), ("uml", '\u{a8}', true),
    ("upsih", '\u{3d2}', false), ("upsilon", '\u{3c5}', false), ("uuml", '\u{fc}', true), ("weierp", '\u{2118}', false),
    ("xi", '\u{3be}', false), ("yacute", '\u{fd}', true), ("yen", '\u{a5}', true), ("yuml", '\u{ff}', true),
    ("zeta", '\u{3b6}', false), ("zwj", '\u{200d}', false), ("zwnj", '\u{200c}', false),
];

//! `fmt.printf`, as mgmt implements it (`lang/core/fmt/printf.go`).
//!
//! The verbs are `%s` `%q` (str), `%d` (int), `%f` (float), `%t` (bool), `%v` and `%T` (any
//! value), and `%%`; there are no flags, widths or precisions. Values print as mgmt's printf
//! prints them, which is not quite Go's `fmt`:
//!
//! * `%f` and `%v` of a float use `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest digits that
//!   read back, never an exponent (`42`, `3.14159`, `0.0000001`), not Go's six decimals;
//! * `%v` of a str, int or bool is Go's `%v`; of a list, map or struct it is mgmt's
//!   `Value.String()`: `[1, 2]`, `{"a": 1}` (sorted keys), `struct{name: "x"; n: 3}`, with strings
//!   Go-quoted inside containers;
//! * `%q` is `strconv.Quote`; `%T` is the mcl type (`str`, `[]int`, `map{str: int}`).
//!
//! Like mgmt, a lone `%` at the end of the format prints nothing and arguments beyond the verbs
//! are ignored. A verb without an argument, a value of the wrong type for its verb (possible only
//! when the format is not a static string) and an unknown verb are fatal errors.

use super::{BuiltinFn, CallCtx, str_arg};
use crate::eval::value::{EvalError, Value};

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[("fmt", "printf", printf)];

/// `fmt.printf(format, args...)`.
fn printf(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let format = str_arg(a, 0)?;
    Ok(Value::str(sprintf(format, a.get(1..).unwrap_or_default())?))
}

/// Formats `values` by `format` with mgmt's printf rules (see the module docs).
pub(super) fn sprintf(format: &str, values: &[Value]) -> Result<String, EvalError> {
    let mut out = String::with_capacity(format.len());
    let mut next = 0;
    let mut chars = format.char_indices();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some((at, verb)) = chars.next() else { break };
        if verb == '%' {
            out.push('%');
            continue;
        }
        if !"tsdfvqT".contains(verb) {
            return Err(EvalError::fatal(format!("printf: invalid format string at {at}: unknown verb %{verb}")));
        }
        let Some(value) = values.get(next) else {
            return Err(EvalError::fatal(format!("printf: more specifiers ({}) than values ({})", next + 1, values.len())));
        };
        next += 1;
        let wrong = |wanted: &str| EvalError::fatal(format!("printf: verb %{verb} needs {wanted}, got {}", value.ty()));
        match verb {
            's' => out.push_str(value.as_str().ok_or_else(|| wrong("a str"))?),
            'q' => out.push_str(&super::strings::go_quote(value.as_str().ok_or_else(|| wrong("a str"))?)),
            'd' => out.push_str(&value.as_int().ok_or_else(|| wrong("an int"))?.to_string()),
            'f' => out.push_str(&format_float(value.as_float().ok_or_else(|| wrong("a float"))?)),
            't' => out.push_str(&value.as_bool().ok_or_else(|| wrong("a bool"))?.to_string()),
            'T' => out.push_str(&value.ty().to_string()),
            _ => out.push_str(&print_v(value)),
        }
    }
    Ok(out)
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip digits, no exponent.
pub(super) fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else {
        // Rust's `Display` for f64 is exactly this (shortest digits, never an exponent, `-0`).
        format!("{f}")
    }
}

/// How mgmt's printf prints a value for `%v`: scalars as Go's `%v` (floats as
/// [`format_float`]), containers as [`mgmt_string`].
pub(super) fn print_v(value: &Value) -> String {
    match value {
        Value::Str(s) => s.to_string(),
        Value::List(_) | Value::Map(_) | Value::Struct(_) => mgmt_string(value),
        other => scalar_string(other),
    }
}

/// mgmt's `types.Value.String()`: strings quoted, floats as [`format_float`], lists `[a, b]`,
/// maps `{k: v}` in key order, structs `struct{a: x; b: y}`.
pub(super) fn mgmt_string(value: &Value) -> String {
    match value {
        Value::Str(s) => super::strings::go_quote(s),
        Value::List(items) => format!("[{}]", items.iter().map(mgmt_string).collect::<Vec<_>>().join(", ")),
        Value::Map(m) => format!("{{{}}}", m.iter().map(|(k, v)| format!("{}: {}", mgmt_string(k), mgmt_string(v))).collect::<Vec<_>>().join(", ")),
        Value::Struct(fields) => format!("struct{{{}}}", fields.iter().map(|(n, v)| format!("{n}: {}", mgmt_string(v))).collect::<Vec<_>>().join("; ")),
        other => scalar_string(other),
    }
}

/// A bool, int, float or function for [`print_v`] and [`mgmt_string`].
fn scalar_string(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format_float(*f),
        Value::Func(f) => f.describe(),
        other => other.go_v(),
    }
}

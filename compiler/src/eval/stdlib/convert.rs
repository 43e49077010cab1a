//! The `convert` module: `format_bool`, `parse_bool`, `int_to_str`, `str_to_int`,
//! `str_to_float`, `to_float` and `to_int`, with Go's `strconv` rules.
//!
//! A string that does not parse is a catchable error (so `convert.str_to_int($s) <|> 0` works),
//! with Go's error text (`strconv.ParseInt: parsing "x": invalid syntax`). `to_int` truncates
//! toward zero like Go's `int64(f)` on amd64: NaN and out-of-range floats give
//! `-9223372036854775808`.

use super::{BuiltinFn, CallCtx, args, bool_arg, float_arg, int_arg, str_arg};
use crate::eval::value::{EvalError, Value, go_quote};

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("convert", "format_bool", format_bool),
    ("convert", "parse_bool", parse_bool),
    ("convert", "int_to_str", int_to_str),
    ("convert", "str_to_int", str_to_int),
    ("convert", "str_to_float", str_to_float),
    ("convert", "to_float", to_float),
    ("convert", "to_int", to_int),
];

/// `convert.format_bool(b)`: `"true"` or `"false"`.
fn format_bool(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::str(if bool_arg(values, 0)? { "true" } else { "false" }))
}

/// `convert.parse_bool(s)`: Go's `strconv.ParseBool` (`1 t T TRUE true True`, `0 f F FALSE false
/// False`); anything else is a catchable error.
fn parse_bool(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    let s = str_arg(values, 0)?;
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(Value::Bool(true)),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(Value::Bool(false)),
        _ => Err(EvalError::catchable(format!("invalid bool: `{s}`"))),
    }
}

/// `convert.int_to_str(i)`: the decimal form.
fn int_to_str(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::str(int_arg(values, 0)?.to_string()))
}

/// `convert.str_to_int(s)`: Go's `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal
/// digits; a syntax error or an out-of-range value is a catchable error.
fn str_to_int(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    let s = str_arg(values, 0)?;
    parse_int(s).map(Value::Int).map_err(|e| EvalError::catchable(format!("strconv.ParseInt: parsing {}: {}", go_quote(s), e.text())))
}

/// `convert.str_to_float(s)`: Go's `strconv.ParseFloat(s, 64)`; a syntax error or an
/// out-of-range value is a catchable error.
fn str_to_float(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    let s = str_arg(values, 0)?;
    parse_float(s).map(Value::Float).map_err(|e| EvalError::catchable(format!("strconv.ParseFloat: parsing {}: {}", go_quote(s), e.text())))
}

/// `convert.to_float(i)`: the nearest float.
fn to_float(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::Float(int_arg(values, 0)? as f64))
}

/// `convert.to_int(f)`: truncated toward zero (Go's `int64(f)`; amd64 gives the minimum int for
/// NaN and out-of-range values).
fn to_int(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    Ok(Value::Int(go_float_to_int(float_arg(values, 0)?)))
}

/// Go's `int64(f)` on amd64 (`CVTTSD2SQ`): truncation, and `i64::MIN` for NaN or a value out of
/// range.
pub(super) fn go_float_to_int(f: f64) -> i64 {
    // 2^63 is the first float above i64::MAX; -2^63 is exactly i64::MIN.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if (-LIMIT..LIMIT).contains(&f) { f.trunc() as i64 } else { i64::MIN }
}

/// Why a `strconv` parse failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ParseError {
    /// `invalid syntax`
    Syntax,
    /// `value out of range`
    Range,
}

impl ParseError {
    /// Go's text for it.
    pub(super) fn text(self) -> &'static str {
        match self {
            ParseError::Syntax => "invalid syntax",
            ParseError::Range => "value out of range",
        }
    }
}

/// Go's `strconv.ParseInt(s, 10, 64)`.
pub(super) fn parse_int(s: &str) -> Result<i64, ParseError> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::Syntax);
    }
    // Accumulate as a negative number, which has the larger range.
    let mut n: i64 = 0;
    for b in digits.bytes() {
        n = n.checked_mul(10).and_then(|n| n.checked_sub(i64::from(b - b'0'))).ok_or(ParseError::Range)?;
    }
    if neg { Ok(n) } else { n.checked_neg().ok_or(ParseError::Range) }
}

/// Go's `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1.8p3`) forms with optional
/// `_` digit separators, `inf`/`infinity`/`nan` in any case; a value too large is an error
/// (Go returns ±Inf with it), one too small rounds to zero.
pub(super) fn parse_float(s: &str) -> Result<f64, ParseError> {
    if let Some(f) = special_float(s) {
        return Ok(f);
    }
    let b = s.as_bytes();
    let mut i = 0;
    let neg = match b.first() {
        Some(b'+') => {
            i = 1;
            false
        }
        Some(b'-') => {
            i = 1;
            true
        }
        _ => false,
    };
    let hex = b.len() >= i + 2 && b[i] == b'0' && (b[i + 1] | 0x20) == b'x';
    if hex {
        i += 2;
    }
    let is_digit = |c: u8| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() };
    // The mantissa: digits, at most one '.', underscores.
    let mut int_digits = String::new();
    let mut frac_digits = String::new();
    let mut seen_dot = false;
    let mut underscores = false;
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if seen_dot {
                break;
            }
            seen_dot = true;
        } else if is_digit(c) {
            if seen_dot { frac_digits.push(char::from(c)) } else { int_digits.push(char::from(c)) }
        } else {
            break;
        }
        i += 1;
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(ParseError::Syntax);
    }
    // The exponent: 'e' for decimal, 'p' (required) for hexadecimal.
    let exp_char = if hex { b'p' } else { b'e' };
    let mut exp: i64 = 0;
    if i < b.len() && (b[i] | 0x20) == exp_char {
        i += 1;
        let mut exp_neg = false;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            exp_neg = b[i] == b'-';
            i += 1;
        }
        if i >= b.len() || !b[i].is_ascii_digit() {
            return Err(ParseError::Syntax);
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            if b[i] == b'_' {
                underscores = true;
            } else if exp < 1_000_000 {
                exp = exp * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if exp_neg {
            exp = -exp;
        }
    } else if hex {
        return Err(ParseError::Syntax);
    }
    if i != b.len() || (underscores && !super::strings::underscore_ok(s)) {
        return Err(ParseError::Syntax);
    }
    let magnitude = if hex {
        hex_float(&int_digits, &frac_digits, exp)
    } else {
        let int_part = if int_digits.is_empty() { "0" } else { &int_digits };
        let frac_part = if frac_digits.is_empty() { "0" } else { &frac_digits };
        format!("{int_part}.{frac_part}e{exp}").parse::<f64>().map_err(|_| ParseError::Syntax)?
    };
    if magnitude.is_infinite() {
        return Err(ParseError::Range);
    }
    Ok(if neg { -magnitude } else { magnitude })
}

/// Go's `special`: the whole string is `[+-]inf`, `[+-]infinity` or `nan`, in any case.
fn special_float(s: &str) -> Option<f64> {
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1.0, &s[1..]),
        Some(b'-') => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        return Some(sign * f64::INFINITY);
    }
    (rest.len() == s.len() && s.eq_ignore_ascii_case("nan")).then_some(f64::NAN)
}


/// The value of a hexadecimal float `0x<int>.<frac>p<exp>` (digits without the prefix), rounded
/// to nearest even like Go's `atofHex`; too large gives +Inf.
fn hex_float(int_digits: &str, frac_digits: &str, exp: i64) -> f64 {
    // Collect up to 15 significant hex digits (60 bits) exactly; remember whether any later
    // digit was non-zero (sticky).
    let mut mantissa: u64 = 0;
    let mut exp2: i64 = exp;
    let mut sticky = false;
    let mut significant = 0;
    for (c, is_frac) in int_digits.chars().map(|c| (c, false)).chain(frac_digits.chars().map(|c| (c, true))) {
        let d = u64::from(c.to_digit(16).unwrap_or(0));
        if significant < 15 {
            if mantissa != 0 || d != 0 {
                mantissa = mantissa * 16 + d;
                significant += 1;
            }
            if is_frac {
                exp2 -= 4;
            }
        } else {
            sticky |= d != 0;
            if !is_frac {
                exp2 += 4;
            }
        }
    }
    if mantissa == 0 {
        return 0.0;
    }
    round_binary(mantissa, exp2, sticky)
}

/// `mantissa × 2^exp` (plus a sticky bit for truncated non-zero digits) rounded to the nearest
/// f64, ties to even; subnormals and overflow to +Inf as IEEE 754 rounding gives them.
fn round_binary(mantissa: u64, exp: i64, sticky: bool) -> f64 {
    // Normalise to 55 significant bits: 53 for the result and 2 for rounding, the last of them
    // sticky (set if any lower bit was).
    let (mut m, mut e) = (mantissa, exp);
    while m >> 54 == 0 {
        m <<= 1;
        e -= 1;
    }
    while m >> 55 != 0 {
        m = (m >> 1) | (m & 1);
        e += 1;
    }
    if sticky {
        m |= 1;
    }
    // The value is m × 2^e. After dropping the 2 rounding bits the unit is 2^(e+2), which must
    // not be below the smallest subnormal, 2^-1074: shift into the subnormals (keeping sticky).
    while e < -1076 && m > 1 {
        m = (m >> 1) | (m & 1);
        e += 1;
    }
    let round = m & 3;
    let mut m53 = m >> 2;
    e += 2;
    if round == 3 || (round == 2 && m53 & 1 == 1) {
        m53 += 1;
        if m53 >> 53 != 0 {
            m53 >>= 1;
            e += 1;
        }
    }
    if m53 == 0 {
        return 0.0;
    }
    if e + 52 > 1023 {
        return f64::INFINITY;
    }
    // m53 × 2^e is exactly representable now (e >= -1074): scale in two exact steps.
    (m53 as f64) * pow2(e / 2) * pow2(e - e / 2)
}

/// 2^k for a normal exponent k in -1022..=1023.
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

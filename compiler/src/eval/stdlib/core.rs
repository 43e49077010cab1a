//! The top-level builtins (module `""`): `len`, `concat`, `contains`, `list_lookup`,
//! `map_lookup`, `random1`, `panic`, `panic_debug` and `history`, with mgmt's semantics and error
//! texts. (`_lookup`, `_struct_lookup*` and `_collect` belong to the evaluator.)
//!
//! Also the helpers the other data modules share: [`mgmt_repr`] (how mgmt's `types.Value`
//! prints a value inside an error message), [`go_equal`] (mgmt's `Cmp` equality), the lookup
//! errors, and a small random number generator ([`random_u64`]).

use super::{BuiltinFn, CallCtx, args, bool_arg, int_arg, list_arg, str_arg};
use crate::eval::value::{EvalError, Value, go_quote};
use std::sync::atomic::{AtomicU64, Ordering};

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("", "len", len),
    ("", "concat", concat),
    ("", "contains", contains),
    ("", "list_lookup", list_lookup),
    ("", "map_lookup", map_lookup),
    ("", "random1", random1),
    ("", "panic", panic),
    ("", "panic_debug", panic_debug),
    ("", "history", history),
];

/// `len(x)`: a str's length in bytes (Go's `len`), a list's or a map's number of elements.
fn len(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    let [x] = args::<1>(values)?;
    let n = match x {
        Value::Str(s) => s.len(),
        Value::List(l) => l.len(),
        Value::Map(m) => m.len(),
        other => return Err(EvalError::fatal(format!("len: unsupported kind: {}", other.ty()))),
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// `concat(a, b)`: the two strings joined.
fn concat(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<2>(values)?;
    let (a, b) = (str_arg(values, 0)?, str_arg(values, 1)?);
    Ok(Value::str(format!("{a}{b}")))
}

/// `contains(needle, haystack)`: the needle is an element of the list (deep equality, as
/// mgmt's `Cmp`: floats compare with `==`).
fn contains(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<2>(values)?;
    let needle = &values[0];
    let haystack = list_arg(values, 1)?;
    Ok(Value::Bool(haystack.iter().any(|x| go_equal(needle, x))))
}

/// `list_lookup(list, index)`: the element at `index`; a negative or missing index is a
/// catchable error.
fn list_lookup(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<2>(values)?;
    lookup_list(list_arg(values, 0)?, int_arg(values, 1)?)
}

/// `map_lookup(map, key)`: the value at `key`; a missing key is a catchable error.
fn map_lookup(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<2>(values)?;
    lookup_map(&values[0], &values[1])
}

/// mgmt's `ListLookup`: the element at `index`, or a catchable error with mgmt's text.
pub(super) fn lookup_list(list: &[Value], index: i64) -> Result<Value, EvalError> {
    if index < 0 {
        return Err(EvalError::catchable(format!("list index negative, got: {index}")));
    }
    usize::try_from(index).ok().and_then(|i| list.get(i)).cloned().ok_or_else(|| {
        let shown: Vec<String> = list.iter().map(mgmt_repr).collect();
        EvalError::catchable(format!("list index not present, got: {index}, len is: {}, in: [{}]", list.len(), shown.join(", ")))
    })
}

/// mgmt's `MapLookup`: the value at `key`, or a catchable error with mgmt's text.
pub(super) fn lookup_map(map: &Value, key: &Value) -> Result<Value, EvalError> {
    let Value::Map(m) = map else { return Err(EvalError::fatal("argument 1 must be a map")) };
    if let Some(v) = m.get(key) {
        return Ok(v.clone());
    }
    // Floats: mgmt compares keys with `==`, so `-0.0` finds `0.0`.
    if let Some((_, v)) = m.iter().find(|(k, _)| go_equal(k, key)) {
        return Ok(v.clone());
    }
    Err(EvalError::catchable(format!("map key not present, want: {} in {}", mgmt_repr(key), mgmt_repr(map))))
}

/// The letters `random1` draws from. mgmt draws an index below `len - 1`, so it never picks
/// the last one (`Z`); we do the same.
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// `random1(length)`: a random string of `length` letters. mgmt converts the length to a Go
/// `uint16` (so it wraps at 65536); a negative length is an error.
fn random1(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<1>(values)?;
    let length = int_arg(values, 0)?;
    if length < 0 {
        return Err(EvalError::fatal("can't generate a negative length"));
    }
    let length = length as u16; // Go's uint16(length): keeps the low 16 bits.
    let choices = (ALPHABET.len() - 1) as u64;
    let s: String = (0..length).map(|_| char::from(ALPHABET[random_below(choices) as usize])).collect();
    Ok(Value::str(s))
}

/// `panic(x)`: `true` or a non-empty string stops the program; otherwise `false`.
fn panic(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    let [x] = args::<1>(values)?;
    match x {
        Value::Bool(true) => Err(EvalError::fatal("bool panic occurred")),
        Value::Str(s) if !s.is_empty() => Err(EvalError::fatal(format!("str panic occurred: {s}"))),
        Value::Bool(false) | Value::Str(_) => Ok(Value::Bool(false)),
        other => Err(EvalError::fatal(format!("unsupported kind: {}", other.ty()))),
    }
}

/// `panic_debug(x, msg)` (the statement `panic(x, msg)`): `true` stops the program with the
/// message; otherwise `false`. (mgmt's source for this form was not available; the text follows
/// `panic`'s: `bool panic occurred: <msg>`.)
fn panic_debug(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<2>(values)?;
    let (x, msg) = (bool_arg(values, 0)?, str_arg(values, 1)?);
    if !x {
        return Ok(Value::Bool(false));
    }
    if msg.is_empty() { Err(EvalError::fatal("bool panic occurred")) } else { Err(EvalError::fatal(format!("bool panic occurred: {msg}"))) }
}

/// `history(value, index)`: in mgmt, the value the input had `index` changes ago, which needs an
/// engine that keeps a function's past values. A single evaluation sees only the current value,
/// so that is what this returns for any index ≥ 0 (for `index == 0` it is mgmt's answer too).
/// A negative index is an error, as in mgmt.
fn history(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<2>(values)?;
    let index = int_arg(values, 1)?;
    if index < 0 {
        return Err(EvalError::fatal(format!("can't use a negative index of {index}")));
    }
    Ok(values[0].clone())
}

/// mgmt's equality of values (`Value.Cmp` succeeding): structural, with floats compared by
/// `==` (so `0.0` equals `-0.0` and `NaN` equals nothing).
pub(super) fn go_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| go_equal(p, q)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| match y.get(k) {
                    Some(w) => go_equal(v, w),
                    None => y.iter().any(|(k2, w)| go_equal(k, k2) && go_equal(v, w)),
                })
        }
        (Value::Struct(x), Value::Struct(y)) => {
            x.len() == y.len() && x.iter().all(|(n, v)| y.iter().find(|(m, _)| m == n).is_some_and(|(_, w)| go_equal(v, w)))
        }
        _ => a == b,
    }
}

/// How mgmt's `types.Value.String()` prints a value (in error messages): strings Go-quoted,
/// floats in `%f`-style shortest form without an exponent (`strconv.FormatFloat(f, 'f', -1,
/// 64)`), lists `[a, b]`, maps `{k: v}` sorted by key, structs `struct{a: 1; b: 2}`.
pub(super) fn mgmt_repr(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => super::fmt::format_float(*f),
        Value::Str(s) => go_quote(s),
        Value::List(l) => format!("[{}]", l.iter().map(mgmt_repr).collect::<Vec<_>>().join(", ")),
        Value::Map(m) => format!("{{{}}}", m.iter().map(|(k, v)| format!("{}: {}", mgmt_repr(k), mgmt_repr(v))).collect::<Vec<_>>().join(", ")),
        Value::Struct(fields) => format!("struct{{{}}}", fields.iter().map(|(n, v)| format!("{n}: {}", mgmt_repr(v))).collect::<Vec<_>>().join("; ")),
        Value::Func(f) => f.describe(),
    }
}


/// The state of the process-wide random generator (splitmix64 over a Weyl sequence), seeded
/// lazily from the clock.
static RNG_STATE: AtomicU64 = AtomicU64::new(0);

/// A random 64-bit number (not cryptographic; mgmt's `random1` uses `crypto/rand`, but nothing
/// observable depends on the difference).
pub(super) fn random_u64() -> u64 {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
    if RNG_STATE.load(Ordering::Relaxed) == 0 {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
        let seed = nanos ^ (u64::from(std::process::id()) << 32) ^ (&RNG_STATE as *const AtomicU64 as u64);
        let _ = RNG_STATE.compare_exchange(0, seed | 1, Ordering::Relaxed, Ordering::Relaxed);
    }
    let mut z = RNG_STATE.fetch_add(GAMMA, Ordering::Relaxed).wrapping_add(GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniformly random number in `0..n` (`n > 0`; 0 for `n == 0`), without modulo bias.
pub(super) fn random_below(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    // Reject the top partial range so every residue is equally likely.
    let limit = u64::MAX - u64::MAX % n;
    loop {
        let r = random_u64();
        if r < limit {
            return r % n;
        }
    }
}

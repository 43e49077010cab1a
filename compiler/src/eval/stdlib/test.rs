//! Modules `test`, `example` and `example/nested`: helpers that exist to exercise mgmt's
//! function engine, and its example functions.
//!
//! The streams among them return the first value mgmt's stream sends: `test.fastcount()` is
//! `0`, `test.forloop()` is `["foo"]`, `test.forkvloop()` is `{"foo" => "bar"}`,
//! `example.flipflop()` is `false`. `test.slow_string()` answers at once instead of after five
//! seconds (mgmt uses the delay only to test the laziness of `<|>`), and the `one_instance_*`
//! functions don't count their instances (mgmt panics on a second one; mclc evaluates each
//! call site once anyway). `example.vumeter` records from the microphone in mgmt; here the
//! input is silence, so it shows the minimum meter.

use super::{BuiltinFn, CallCtx, args, bool_arg, float_arg, int_arg, str_arg};
use crate::eval::value::{EvalError, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("test", "fastcount", fastcount),
    ("test", "forkvloop", forkvloop),
    ("test", "forloop", forloop),
    ("test", "one_instance_a", one_instance),
    ("test", "one_instance_b", one_instance),
    ("test", "one_instance_c", one_instance),
    ("test", "one_instance_d", one_instance),
    ("test", "one_instance_e", one_instance),
    ("test", "one_instance_f", one_instance),
    ("test", "one_instance_g", one_instance),
    ("test", "one_instance_h", one_instance),
    ("test", "one_stream", one_stream),
    ("test", "slow_string", slow_string),
    ("example", "answer", answer),
    ("example", "errorbool", errorbool),
    ("example", "flipflop", flipflop),
    ("example", "int2str", int2str),
    ("example", "nativeanswer", answer),
    ("example", "plus", plus),
    ("example", "str2int", str2int),
    ("example", "test1", answer),
    ("example", "vumeter", vumeter),
    ("example/nested", "hello", hello),
];

/// A counter that counts up as fast as it can: its first value.
fn fastcount(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(0))
}

fn forkvloop(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    let map: BTreeMap<Value, Value> = [(Value::str("foo"), Value::str("bar"))].into_iter().collect();
    Ok(Value::Map(Arc::new(map)))
}

/// `["foo"]` first, `["bar"]` on every later tick.
fn forloop(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::list(vec![Value::str("foo")]))
}

/// Every `one_instance_*` function says `hello`.
fn one_instance(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str("hello"))
}

/// `count` times `x`.
fn one_stream(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let count = int_arg(a, 0)?;
    let count = usize::try_from(count).map_err(|_| EvalError::fatal("cannot use a negative count"))?;
    if count > 1 << 24 {
        return Err(EvalError::fatal(format!("one_stream: a count of {count} is too large")));
    }
    Ok(Value::str("x".repeat(count)))
}

fn slow_string(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str("five seconds has elapsed"))
}

/// 42 (also `example.nativeanswer` and `example.test1`, which mgmt writes in mcl).
fn answer(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Int(42))
}

fn errorbool(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    if bool_arg(a, 0)? {
        return Err(EvalError::fatal("we errored on request"));
    }
    Ok(Value::str("set input to true to generate an error"))
}

fn flipflop(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::Bool(false))
}

fn int2str(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    Ok(Value::str(int_arg(a, 0)?.to_string()))
}

fn plus(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_, _] = args::<2>(a)?;
    Ok(Value::str(format!("{}{}", str_arg(a, 0)?, str_arg(a, 1)?)))
}

/// Go's `strconv.ParseInt(s, 10, 64)`, or 0 when that fails.
fn str2int(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    Ok(Value::Int(parse_go_int(str_arg(a, 0)?).unwrap_or(0)))
}

/// `strconv.ParseInt(s, 10, 64)`: an optional sign, then ASCII digits (Rust's parse also takes
/// a `+`, as Go does).
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// mgmt's meter for a sound level of 0 (silence): `(0.000000):`, then the meter twice.
fn vumeter(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_, _, _] = args::<3>(a)?;
    let symbol = str_arg(a, 0)?;
    int_arg(a, 1)?;
    let peak = float_arg(a, 2)?;
    let ratio = 0.0f64;
    let mut bar = symbol.to_string(); // round(ratio * multiplier) symbols, at least one
    if ratio > peak {
        bar.push_str(" PEAK!!!");
    }
    Ok(Value::str(format!("({ratio:.6}):\n{bar}\n{bar}")))
}

fn hello(_: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    args::<0>(a)?;
    Ok(Value::str("Hello!"))
}

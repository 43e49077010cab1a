//! The `list` and `map` modules: `list.concat`, `list.lookup`, `map.keys`, `map.values` and
//! `map.lookup`. A missing index or key is a catchable error with mgmt's text (shared with the
//! top-level `list_lookup` / `map_lookup` in [`core`](super::core)).
//!
//! Maps are ordered by key, so `map.keys` is sorted and `map.values` follows the key order (mgmt
//! leaves both orders unspecified: Go map iteration).

use super::core::{lookup_list, lookup_map};
use super::{BuiltinFn, CallCtx, args, int_arg, list_arg};
use crate::eval::value::{EvalError, Value};

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("list", "concat", list_concat),
    ("list", "lookup", list_lookup),
    ("map", "keys", map_keys),
    ("map", "values", map_values),
    ("map", "lookup", map_lookup),
];

/// `list.concat(a, b, …)`: the lists (one or more) joined in order.
fn list_concat(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    if values.is_empty() {
        return Err(EvalError::fatal("list.concat needs at least one argument"));
    }
    let mut out = Vec::new();
    for i in 0..values.len() {
        out.extend_from_slice(list_arg(values, i)?);
    }
    Ok(Value::list(out))
}

/// `list.lookup(list, index)`: the element at `index`; a negative or missing index is a
/// catchable error.
fn list_lookup(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    args::<2>(values)?;
    lookup_list(list_arg(values, 0)?, int_arg(values, 1)?)
}

/// `map.keys(m)`: the keys, sorted.
fn map_keys(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    let [m] = args::<1>(values)?;
    let m = m.as_map().ok_or_else(|| EvalError::fatal("argument 1 must be a map"))?;
    Ok(Value::list(m.keys().cloned().collect()))
}

/// `map.values(m)`: the values, in key order.
fn map_values(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    let [m] = args::<1>(values)?;
    let m = m.as_map().ok_or_else(|| EvalError::fatal("argument 1 must be a map"))?;
    Ok(Value::list(m.values().cloned().collect()))
}

/// `map.lookup(m, key)`: the value at `key`; a missing key is a catchable error.
fn map_lookup(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    let [m, key] = args::<2>(values)?;
    lookup_map(m, key)
}

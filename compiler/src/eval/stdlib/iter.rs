//! The `iter` module: `map`, `filter`, `reduce` (with or without an initial value), `range`,
//! `flatten` and `zip`.
//!
//! The higher-order ones call their function argument through [`CallCtx::call`]; an error from
//! the callee is passed on unchanged (a catchable one stays catchable). `reduce` over an empty
//! list without an initial value and `range` with a step of 0 are errors, as in mgmt; `zip`
//! stops at the end of the shorter list.

use super::{BuiltinFn, CallCtx, int_arg, list_arg};
use crate::eval::value::{EvalError, Value};

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("iter", "map", map),
    ("iter", "filter", filter),
    ("iter", "reduce", reduce),
    ("iter", "range", range),
    ("iter", "flatten", flatten),
    ("iter", "zip", zip),
];

/// The most elements `iter.range` builds (mgmt would try to allocate any size and run out of
/// memory; we stop with an error instead).
const MAX_RANGE_LEN: i128 = 1 << 24;

fn arity(values: &[Value], name: &str, min: usize, max: usize) -> Result<(), EvalError> {
    if (min..=max).contains(&values.len()) {
        Ok(())
    } else if min == max {
        Err(EvalError::fatal(format!("iter.{name} needs {min} arguments, got {}", values.len())))
    } else {
        Err(EvalError::fatal(format!("iter.{name} needs {min} to {max} arguments, got {}", values.len())))
    }
}

/// `iter.map(inputs, f)`: `[f(x) for x in inputs]`.
fn map(ctx: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    arity(values, "map", 2, 2)?;
    let inputs = list_arg(values, 0)?;
    let f = &values[1];
    let out = inputs.iter().map(|x| ctx.call(f, vec![x.clone()])).collect::<Result<Vec<_>, _>>()?;
    Ok(Value::list(out))
}

/// `iter.filter(inputs, f)`: the elements for which `f` returns true, in order.
fn filter(ctx: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    arity(values, "filter", 2, 2)?;
    let inputs = list_arg(values, 0)?;
    let f = &values[1];
    let mut out = Vec::new();
    for x in inputs {
        match ctx.call(f, vec![x.clone()])? {
            Value::Bool(true) => out.push(x.clone()),
            Value::Bool(false) => {}
            other => return Err(EvalError::fatal(format!("iter.filter: the function returned a {}, not a bool", other.ty()))),
        }
    }
    Ok(Value::list(out))
}

/// `iter.reduce(inputs, f)` or `iter.reduce(initval, inputs, f)`: the left fold
/// `f(…f(f(a, b), c)…)`, seeded with `initval` when given. A one-element list without `initval`
/// is its element; an empty list is `initval`, or an error without it.
fn reduce(ctx: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    arity(values, "reduce", 2, 3)?;
    let (init, inputs, f) = if values.len() == 3 { (Some(values[0].clone()), list_arg(values, 1)?, &values[2]) } else { (None, list_arg(values, 0)?, &values[1]) };
    let mut items = inputs.iter().cloned();
    let Some(mut acc) = init.or_else(|| items.next()) else {
        return Err(EvalError::fatal("cannot reduce an empty list without an initial value"));
    };
    for y in items {
        acc = ctx.call(f, vec![acc, y])?;
    }
    Ok(acc)
}

/// `iter.range(stop)`, `iter.range(start, stop)`, `iter.range(start, stop, step)`: the ints from
/// `start` (default 0) up to but not including `stop`, by `step` (default 1; negative counts
/// down). A step of 0 is an error.
fn range(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    arity(values, "range", 1, 3)?;
    let (start, stop, step) = match values.len() {
        1 => (0, int_arg(values, 0)?, 1),
        2 => (int_arg(values, 0)?, int_arg(values, 1)?, 1),
        _ => (int_arg(values, 0)?, int_arg(values, 1)?, int_arg(values, 2)?),
    };
    if step == 0 {
        return Err(EvalError::fatal("step value cannot be 0"));
    }
    // The element count, computed without overflow: ceil((stop - start) / step) when positive.
    let (span, step128) = (i128::from(stop) - i128::from(start), i128::from(step));
    let count = if (step > 0 && span > 0) || (step < 0 && span < 0) { (span + step128 - step128.signum()) / step128 } else { 0 };
    if count > MAX_RANGE_LEN {
        return Err(EvalError::fatal(format!("iter.range: {count} elements is too many (the limit is {MAX_RANGE_LEN})")));
    }
    // Every element lies between start and stop, so none of these overflows.
    let out = (0..count).map(|k| Value::Int((i128::from(start) + k * step128) as i64)).collect();
    Ok(Value::list(out))
}

/// `iter.flatten(lists)`: the inner lists joined in order.
fn flatten(_: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    arity(values, "flatten", 1, 1)?;
    let mut out = Vec::new();
    for inner in list_arg(values, 0)? {
        let inner = inner.as_list().ok_or_else(|| EvalError::fatal(format!("iter.flatten: an element is a {}, not a list", inner.ty())))?;
        out.extend_from_slice(inner);
    }
    Ok(Value::list(out))
}

/// `iter.zip(a, b, f)`: `[f(a[i], b[i])]` for each index of the shorter list.
fn zip(ctx: &mut dyn CallCtx, values: &[Value]) -> Result<Value, EvalError> {
    arity(values, "zip", 3, 3)?;
    let (a, b, f) = (list_arg(values, 0)?, list_arg(values, 1)?, &values[2]);
    let out = a.iter().zip(b.iter()).map(|(x, y)| ctx.call(f, vec![x.clone(), y.clone()])).collect::<Result<Vec<_>, _>>()?;
    Ok(Value::list(out))
}

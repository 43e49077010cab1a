//! Modules `world`, `world/collect` and `value`: the cluster's key-value store and scheduler,
//! and the engine-local store of `value` resources.
//!
//! Both stores live in [`Host::world`](super::Host) (an in-process [`World`](super::World)
//! unless an agent backs it):
//!
//! * `world.getval(key)` reads `values[key]`; `world.kvlookup(namespace)` reads
//!   `namespaces[namespace]` (host → value).
//! * `world.schedule(namespace)` gives [`World::hosts`](super::World) — every live host, when an
//!   agent runs the program — else this host alone.
//! * `world/collect.res(kind)` reads [`World::exported`](super::World): what the cluster's
//!   hosts export to this one (empty unless an agent fills it).
//! * `value.get*(key)` read `values["value:" + key]`, which holds the value as text: a `str` as
//!   is, an `int`, `float` or `bool` as Go's `%v` prints it. A missing key gives
//!   `struct{value: <zero value>; ready: false}`.

use super::host::{str_list, str_map, structure};
use super::{BuiltinFn, CallCtx, World, args, str_arg};
use crate::eval::value::{EvalError, Value};
use crate::types::Type;
use std::collections::BTreeMap;
use std::sync::{Arc, MutexGuard};

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("world", "getval", getval),
    ("world", "kvlookup", kvlookup),
    ("world", "schedule", schedule),
    ("world/collect", "res", collect_res),
    ("value", "get", value_get),
    ("value", "get_bool", value_get_bool),
    ("value", "get_float", value_get_float),
    ("value", "get_int", value_get_int),
    ("value", "get_str", value_get_str),
];

/// The key under which the `value` resource named `key` keeps its value in [`World::values`].
pub fn value_key(key: &str) -> String {
    format!("value:{key}")
}

/// The world, locked (a poisoned lock still holds usable data).
fn world(ctx: &dyn CallCtx) -> MutexGuard<'_, World> {
    ctx.host().world.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `struct{value str; exists bool}` for a key of the world store.
fn getval(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let key = str_arg(a, 0)?;
    let found = world(ctx).values.get(key).cloned();
    let exists = found.is_some();
    Ok(structure(vec![("value", Value::str(found.unwrap_or_default())), ("exists", Value::Bool(exists))]))
}

/// Every host's value in a namespace, by host.
fn kvlookup(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let namespace = str_arg(a, 0)?;
    let world = world(ctx);
    Ok(match world.namespaces.get(namespace) {
        Some(entries) => str_map(entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        None => Value::Map(Arc::new(BTreeMap::new())),
    })
}

/// The hosts scheduled in a namespace: every live host of the cluster (under an agent), else
/// just this one.
fn schedule(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    str_arg(a, 0)?;
    let hosts = world(ctx).hosts.clone();
    if hosts.is_empty() {
        return Ok(str_list([ctx.host().hostname.as_str()]));
    }
    Ok(str_list(hosts.iter().map(String::as_str)))
}

/// Exported resources of a kind that are exported to this host (`*` or its name), as
/// `struct{name; host}` sorted by host and name; none outside an agent.
fn collect_res(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let kind = str_arg(a, 0)?;
    let me = ctx.host().hostname.clone();
    let mut found: Vec<(String, String)> = world(ctx)
        .exported
        .iter()
        .filter(|e| e.kind == kind && e.to.iter().any(|t| t == "*" || *t == me))
        .map(|e| (e.host.clone(), e.name.clone()))
        .collect();
    found.sort();
    found.dedup();
    Ok(Value::list(found.into_iter().map(|(host, name)| structure(vec![("name", Value::str(name)), ("host", Value::str(host))])).collect()))
}

/// The zero value of a type (`""`, `0`, `0.0`, `false`, empty containers, zeroed structs).
fn zero(t: &Type) -> Option<Value> {
    Some(match t {
        Type::Bool => Value::Bool(false),
        Type::Str => Value::str(""),
        Type::Int => Value::Int(0),
        Type::Float => Value::Float(0.0),
        Type::List(_) => Value::list(Vec::new()),
        Type::Map(_, _) => Value::Map(Arc::new(BTreeMap::new())),
        Type::Struct(fields) => {
            let mut out = Vec::with_capacity(fields.len());
            for (name, t) in fields {
                out.push((name.clone(), zero(t)?));
            }
            Value::structure(out)
        }
        Type::Func(_) | Type::Variant | Type::Var(_) => return None,
    })
}

/// Decodes a stored value's text as a `t`.
fn decode(key: &str, text: &str, t: &Type) -> Result<Value, EvalError> {
    let bad = || EvalError::fatal(format!("value `{key}` holds {text:?}, which is not a {t}"));
    match t {
        Type::Str => Ok(Value::str(text)),
        Type::Int => text.trim().parse().map(Value::Int).map_err(|_| bad()),
        Type::Float => text.trim().parse().map(Value::Float).map_err(|_| bad()),
        Type::Bool => match text.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad()),
        },
        _ => Err(EvalError::fatal(format!("value `{key}`: values of type {t} can't be read back yet"))),
    }
}

/// `struct{value T; ready bool}` for the `value` resource named by the argument.
fn get_as(ctx: &dyn CallCtx, a: &[Value], t: &Type) -> Result<Value, EvalError> {
    let [_] = args::<1>(a)?;
    let key = str_arg(a, 0)?;
    let stored = world(ctx).values.get(&value_key(key)).cloned();
    let (value, ready) = match stored {
        Some(text) => (decode(key, &text, t)?, true),
        None => (zero(t).ok_or_else(|| EvalError::fatal(format!("value.get: can't make a value of type {t}")))?, false),
    };
    Ok(structure(vec![("value", value), ("ready", Value::Bool(ready))]))
}

/// `value.get`: the value's type comes from the call's inferred result type.
fn value_get(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    let t = match ctx.ret_type() {
        Some(Type::Struct(fields)) => fields.iter().find(|(n, _)| n == "value").map(|(_, t)| t.clone()),
        _ => None,
    };
    let t = t.ok_or_else(|| EvalError::fatal("value.get: the type of the value is unknown (annotate it, or use value.get_str and friends)"))?;
    get_as(ctx, a, &t)
}

fn value_get_str(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    get_as(ctx, a, &Type::Str)
}

fn value_get_int(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    get_as(ctx, a, &Type::Int)
}

fn value_get_float(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    get_as(ctx, a, &Type::Float)
}

fn value_get_bool(ctx: &mut dyn CallCtx, a: &[Value]) -> Result<Value, EvalError> {
    get_as(ctx, a, &Type::Bool)
}

//! Run-time values of mcl programs, and their printing in mcl syntax and Go's `%v` style.

use crate::source::{FileId, Span};
use crate::types::Type;
use smol_str::SmolStr;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A value. Containers are reference-counted, so cloning is cheap.
#[derive(Clone, Debug)]
pub enum Value {
    /// `true` / `false`
    Bool(bool),
    /// An int64.
    Int(i64),
    /// A float64.
    Float(f64),
    /// A string.
    Str(Arc<str>),
    /// A list.
    List(Arc<Vec<Value>>),
    /// A map (ordered by key, as mgmt prints them).
    Map(Arc<BTreeMap<Value, Value>>),
    /// A struct: fields in declaration order.
    Struct(Arc<Vec<(SmolStr, Value)>>),
    /// A function value (a lambda with its environment).
    Func(Arc<dyn Callable>),
}

/// A function value. The evaluator implements it for lambdas; the standard library calls
/// function values only through [`CallCtx::call`](crate::eval::stdlib::CallCtx::call).
pub trait Callable: fmt::Debug + Send + Sync {
    /// A short description for messages (`func($x)` at file:line).
    fn describe(&self) -> String;
    /// Identity, for comparisons of function values (which mcl forbids, but be total).
    fn id(&self) -> usize;
    /// Lets the evaluator get back its own closure type.
    fn as_any(&self) -> &dyn std::any::Any;
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<Arc<str>>) -> Value {
        Value::Str(s.into())
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    /// A struct value.
    pub fn structure(fields: Vec<(SmolStr, Value)>) -> Value {
        Value::Struct(Arc::new(fields))
    }

    /// The bool, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The int, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The float, if this is one.
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The list items, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&BTreeMap<Value, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A struct field by name.
    pub fn field(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Struct(fields) => fields.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value's type (for a function: `func` with unknown parts as variables).
    pub fn ty(&self) -> Type {
        match self {
            Value::Bool(_) => Type::Bool,
            Value::Int(_) => Type::Int,
            Value::Float(_) => Type::Float,
            Value::Str(_) => Type::Str,
            Value::List(l) => Type::list(l.first().map_or(Type::Var(0), Value::ty)),
            Value::Map(m) => match m.iter().next() {
                Some((k, v)) => Type::map(k.ty(), v.ty()),
                None => Type::map(Type::Var(0), Type::Var(1)),
            },
            Value::Struct(fields) => Type::Struct(fields.iter().map(|(n, v)| (n.clone(), v.ty())).collect()),
            Value::Func(_) => Type::func([], Type::Var(0)),
        }
    }

    /// Go's `%v` formatting, as mgmt's `fmt.printf` and templates print values: lists
    /// `[a b]`, maps `map[k:v]` (sorted keys), structs `{a b}`, floats shortest (`%v` of float64).
    pub fn go_v(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => go_float_g(*f),
            Value::Str(s) => s.to_string(),
            Value::List(l) => format!("[{}]", l.iter().map(Value::go_v).collect::<Vec<_>>().join(" ")),
            Value::Map(m) => format!("map[{}]", m.iter().map(|(k, v)| format!("{}:{}", k.go_v(), v.go_v())).collect::<Vec<_>>().join(" ")),
            Value::Struct(fields) => format!("{{{}}}", fields.iter().map(|(_, v)| v.go_v()).collect::<Vec<_>>().join(" ")),
            Value::Func(f) => f.describe(),
        }
    }
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): the shortest digits that
/// round-trip, in exponent form when the decimal exponent is below -4 or at least 6 (Go's
/// threshold for shortest precision): `100000`, `1e+06`, `1.23456785e+07`, `0.0001`, `1e-05`.
pub fn go_float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip mantissa and the exact decimal exponent.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        format!("{f}")
    } else {
        format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::go_float_g;

    #[test]
    fn floats_print_like_go_v() {
        for (f, want) in [(42.0, "42"), (2.5, "2.5"), (100000.0, "100000"), (1e6, "1e+06"), (12345678.5, "1.23456785e+07"), (0.0001, "0.0001"), (0.00001, "1e-05"), (-2.5e-7, "-2.5e-07"), (1e21, "1e+21"), (0.0, "0")] {
            assert_eq!(go_float_g(f), want, "{f}");
        }
    }
}

/// mcl syntax for a value: strings quoted Go-style, floats shortest, maps `{k => v}`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => {
                let s = format!("{x}");
                if s.contains('.') || s.contains('e') || !x.is_finite() { write!(f, "{s}") } else { write!(f, "{s}.0") }
            }
            Value::Str(s) => write!(f, "{}", go_quote(s)),
            Value::List(l) => write!(f, "[{}]", l.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            Value::Map(m) => write!(f, "{{{}}}", m.iter().map(|(k, v)| format!("{k} => {v}")).collect::<Vec<_>>().join(", ")),
            Value::Struct(fields) => write!(f, "struct{{{}}}", fields.iter().map(|(n, v)| format!("{n} => {v}")).collect::<Vec<_>>().join(", ")),
            Value::Func(func) => write!(f, "{}", func.describe()),
        }
    }
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value {}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Value) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A total order (floats by `total_cmp`), so values can be map keys and sorted.
impl Ord for Value {
    fn cmp(&self, other: &Value) -> Ordering {
        fn rank(v: &Value) -> u8 {
            match v {
                Value::Bool(_) => 0,
                Value::Int(_) => 1,
                Value::Float(_) => 2,
                Value::Str(_) => 3,
                Value::List(_) => 4,
                Value::Map(_) => 5,
                Value::Struct(_) => 6,
                Value::Func(_) => 7,
            }
        }
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Float(a), Value::Float(b)) => a.total_cmp(b),
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) => a.cmp(b),
            (Value::Map(a), Value::Map(b)) => a.iter().cmp(b.iter()),
            (Value::Struct(a), Value::Struct(b)) => a.iter().map(|(n, v)| (n, v)).cmp(b.iter().map(|(n, v)| (n, v))),
            (Value::Func(a), Value::Func(b)) => a.id().cmp(&b.id()),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Value::Bool(b) => b.hash(state),
            Value::Int(i) => i.hash(state),
            Value::Float(f) => f.to_bits().hash(state),
            Value::Str(s) => s.hash(state),
            Value::List(l) => l.hash(state),
            Value::Map(m) => m.iter().for_each(|(k, v)| (k, v).hash(state)),
            Value::Struct(fields) => fields.hash(state),
            Value::Func(f) => f.id().hash(state),
        }
    }
}

/// A run-time error: catchable ones (a missing list index or map key, a division by zero, a
/// failed conversion, a missing file, …) are handled by `<|>`; the others stop the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    /// What went wrong.
    pub message: String,
    /// True when `<|>` may catch it.
    pub catchable: bool,
    /// Where, when known (filled in by the evaluator from the call site).
    pub at: Option<(FileId, Span)>,
    /// Not an error: a stream has not produced its first value yet, so the value can't be
    /// computed now (never caught by `<|>`, never cached; the evaluation is retried).
    pub pending: bool,
}

impl EvalError {
    /// A catchable error.
    pub fn catchable(message: impl Into<String>) -> EvalError {
        EvalError { message: message.into(), catchable: true, at: None, pending: false }
    }

    /// An error that stops the program.
    pub fn fatal(message: impl Into<String>) -> EvalError {
        EvalError { message: message.into(), catchable: false, at: None, pending: false }
    }

    /// A stream's first value is still on its way.
    pub fn pending(message: impl Into<String>) -> EvalError {
        EvalError { message: message.into(), catchable: false, at: None, pending: true }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

//! Unit tests of the data builtins, called directly through `stdlib::implementation`: the
//! top-level ones (`len`, `contains`, `list_lookup`, `panic`, …), `math` and `golang/math(/rand)`,
//! `iter`, `convert`, `list`/`map` and `datetime`. Function values are Rust closures behind a test
//! [`Callable`]; the result type a call sees is configurable.

use mcl_compiler::eval::stdlib::{CallCtx, Host, implementation};
use mcl_compiler::eval::value::{Callable, EvalError, Value};
use mcl_compiler::registry::functions;
use mcl_compiler::types::Type;
use smol_str::SmolStr;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A function value implemented in Rust.
struct RustFn {
    name: &'static str,
    f: fn(&[Value]) -> Result<Value, EvalError>,
}

impl std::fmt::Debug for RustFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RustFn({})", self.name)
    }
}

impl Callable for RustFn {
    fn describe(&self) -> String {
        format!("func {}", self.name)
    }
    fn id(&self) -> usize {
        self as *const RustFn as usize
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The test context: runs [`RustFn`]s, counts calls, reports `ret` as the result type.
struct Ctx {
    ret: Option<Type>,
    host: Host,
    calls: usize,
    _dir: tempfile::TempDir,
}

impl Ctx {
    fn new(ret: Option<Type>) -> Ctx {
        let dir = tempfile::tempdir().expect("temp dir");
        Ctx { ret, host: Host::local(dir.path().to_path_buf()), calls: 0, _dir: dir }
    }
}

impl CallCtx for Ctx {
    fn call(&mut self, func: &Value, args: Vec<Value>) -> Result<Value, EvalError> {
        self.calls += 1;
        match func {
            Value::Func(f) => match f.as_any().downcast_ref::<RustFn>() {
                Some(r) => (r.f)(&args),
                None => Err(EvalError::fatal("not a test function")),
            },
            other => Err(EvalError::fatal(format!("not a function: {other}"))),
        }
    }
    fn ret_type(&self) -> Option<Type> {
        self.ret.clone()
    }
    fn host(&self) -> &Host {
        &self.host
    }
}

fn func(name: &'static str, f: fn(&[Value]) -> Result<Value, EvalError>) -> Value {
    Value::Func(Arc::new(RustFn { name, f }))
}

fn call_with(ctx: &mut Ctx, module: &str, name: &str, args: Vec<Value>) -> Result<Value, EvalError> {
    let f = implementation(module, name).unwrap_or_else(|| panic!("{module}.{name} is not implemented"));
    f(ctx, &args)
}

fn call(module: &str, name: &str, args: Vec<Value>) -> Result<Value, EvalError> {
    call_with(&mut Ctx::new(None), module, name, args)
}

fn ok(module: &str, name: &str, args: Vec<Value>) -> Value {
    call(module, name, args).unwrap_or_else(|e| panic!("{module}.{name}: unexpected error {e}"))
}

fn err(module: &str, name: &str, args: Vec<Value>) -> EvalError {
    match call(module, name, args) {
        Ok(v) => panic!("{module}.{name}: expected an error, got {v}"),
        Err(e) => e,
    }
}

fn catchable(module: &str, name: &str, args: Vec<Value>) -> String {
    let e = err(module, name, args);
    assert!(e.catchable, "{module}.{name}: `{e}` should be catchable");
    e.message
}

fn fatal(module: &str, name: &str, args: Vec<Value>) -> String {
    let e = err(module, name, args);
    assert!(!e.catchable, "{module}.{name}: `{e}` should not be catchable");
    e.message
}

fn i(x: i64) -> Value {
    Value::Int(x)
}
fn f(x: f64) -> Value {
    Value::Float(x)
}
fn s(x: &str) -> Value {
    Value::str(x)
}
fn b(x: bool) -> Value {
    Value::Bool(x)
}
fn list(items: Vec<Value>) -> Value {
    Value::list(items)
}
fn ints(items: &[i64]) -> Value {
    list(items.iter().copied().map(i).collect())
}
fn map(pairs: Vec<(Value, Value)>) -> Value {
    Value::Map(Arc::new(pairs.into_iter().collect::<BTreeMap<_, _>>()))
}
fn strukt(fields: Vec<(&str, Value)>) -> Value {
    Value::structure(fields.into_iter().map(|(n, v)| (SmolStr::new(n), v)).collect())
}

fn float_of(v: Value) -> f64 {
    v.as_float().unwrap_or_else(|| panic!("not a float: {v}"))
}
fn gm(name: &str, args: Vec<Value>) -> f64 {
    float_of(ok("golang/math", name, args))
}
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-14 * b.abs().max(1e-300)
}

/// The modules these tests cover.
const MODULES: &[&str] = &["", "convert", "datetime", "iter", "list", "map", "math", "golang/math", "golang/math/rand"];

#[test]
fn every_registered_function_of_these_modules_is_implemented() {
    let mut count = 0;
    for def in functions::all().iter().filter(|d| MODULES.contains(&d.module) && !d.operator && !d.internal) {
        assert!(implementation(def.module, def.name).is_some(), "{} has no implementation", def.qualified_name());
        count += 1;
    }
    assert_eq!(count, 9 + 7 + 7 + 6 + 2 + 3 + 5 + 58 + 8);
}

// ---------------------------------------------------------------------------------------------
// top-level builtins

#[test]
fn len_counts_bytes_elements_and_entries() {
    assert_eq!(ok("", "len", vec![s("")]), i(0));
    assert_eq!(ok("", "len", vec![s("héllo")]), i(6), "a str's length is in bytes, like Go's len");
    assert_eq!(ok("", "len", vec![ints(&[1, 2, 3])]), i(3));
    assert_eq!(ok("", "len", vec![map(vec![(s("a"), i(1)), (s("b"), i(2))])]), i(2));
    assert_eq!(ok("", "len", vec![list(vec![])]), i(0));
    assert!(!err("", "len", vec![i(3)]).catchable);
    assert!(!err("", "len", vec![]).catchable);
}

#[test]
fn concat_joins_two_strings() {
    assert_eq!(ok("", "concat", vec![s("foo"), s("bar")]), s("foobar"));
    assert_eq!(ok("", "concat", vec![s(""), s("")]), s(""));
    fatal("", "concat", vec![s("a")]);
    fatal("", "concat", vec![s("a"), i(1)]);
}

#[test]
fn contains_uses_deep_equality() {
    assert_eq!(ok("", "contains", vec![s("b"), list(vec![s("a"), s("b")])]), b(true));
    assert_eq!(ok("", "contains", vec![s("c"), list(vec![s("a"), s("b")])]), b(false));
    assert_eq!(ok("", "contains", vec![i(1), list(vec![])]), b(false));
    assert_eq!(ok("", "contains", vec![ints(&[1, 2]), list(vec![ints(&[1]), ints(&[1, 2])])]), b(true));
    let st = |x: i64| strukt(vec![("a", i(x)), ("b", s("x"))]);
    assert_eq!(ok("", "contains", vec![st(2), list(vec![st(1), st(2)])]), b(true));
    assert_eq!(ok("", "contains", vec![map(vec![(i(1), s("a"))]), list(vec![map(vec![(i(1), s("a"))])])]), b(true));
    // Floats compare like Go's ==.
    assert_eq!(ok("", "contains", vec![f(0.0), list(vec![f(-0.0)])]), b(true));
    assert_eq!(ok("", "contains", vec![f(f64::NAN), list(vec![f(f64::NAN)])]), b(false));
    fatal("", "contains", vec![i(1), i(2)]);
}

#[test]
fn list_lookup_errors_are_catchable_with_mgmts_text() {
    let l = list(vec![s("a"), s("b"), s("c")]);
    for (module, name) in [("", "list_lookup"), ("list", "lookup")] {
        assert_eq!(ok(module, name, vec![l.clone(), i(0)]), s("a"));
        assert_eq!(ok(module, name, vec![l.clone(), i(2)]), s("c"));
        assert_eq!(catchable(module, name, vec![l.clone(), i(4)]), r#"list index not present, got: 4, len is: 3, in: ["a", "b", "c"]"#);
        assert_eq!(catchable(module, name, vec![l.clone(), i(-1)]), "list index negative, got: -1");
        assert_eq!(catchable(module, name, vec![list(vec![]), i(i64::MAX)]), format!("list index not present, got: {}, len is: 0, in: []", i64::MAX));
        assert_eq!(catchable(module, name, vec![list(vec![f(1.5), f(2.0)]), i(7)]), "list index not present, got: 7, len is: 2, in: [1.5, 2]");
        fatal(module, name, vec![l.clone()]);
        fatal(module, name, vec![l.clone(), s("0")]);
    }
}

#[test]
fn map_lookup_errors_are_catchable_with_mgmts_text() {
    let m = map(vec![(i(42), s("hello1"))]);
    for (module, name) in [("", "map_lookup"), ("map", "lookup")] {
        assert_eq!(ok(module, name, vec![m.clone(), i(42)]), s("hello1"));
        assert_eq!(catchable(module, name, vec![m.clone(), i(13)]), r#"map key not present, want: 13 in {42: "hello1"}"#);
        let nested = map(vec![(s("k"), list(vec![strukt(vec![("a", i(1)), ("b", b(true))])]))]);
        assert_eq!(catchable(module, name, vec![nested, s("x")]), r#"map key not present, want: "x" in {"k": [struct{a: 1; b: true}]}"#);
        assert_eq!(ok(module, name, vec![map(vec![(f(0.0), s("zero"))]), f(-0.0)]), s("zero"), "float keys compare with ==");
        fatal(module, name, vec![i(1), i(1)]);
        fatal(module, name, vec![m.clone()]);
    }
}

#[test]
fn random1_makes_letters_of_the_given_length() {
    for n in [0, 1, 10, 100] {
        let v = ok("", "random1", vec![i(n)]);
        let text = v.as_str().expect("a str");
        assert_eq!(text.len(), n as usize);
        assert!(text.chars().all(|c| c.is_ascii_alphabetic() && c != 'Z'), "{text}");
    }
    assert_ne!(ok("", "random1", vec![i(32)]), ok("", "random1", vec![i(32)]));
    // Go's uint16(length).
    assert_eq!(ok("", "len", vec![ok("", "random1", vec![i(65_536)])]), i(0));
    assert_eq!(ok("", "len", vec![ok("", "random1", vec![i(65_537)])]), i(1));
    assert_eq!(fatal("", "random1", vec![i(-1)]), "can't generate a negative length");
}

#[test]
fn panic_stops_on_true_or_a_non_empty_string() {
    assert_eq!(ok("", "panic", vec![b(false)]), b(false));
    assert_eq!(ok("", "panic", vec![s("")]), b(false));
    assert_eq!(fatal("", "panic", vec![b(true)]), "bool panic occurred");
    assert_eq!(fatal("", "panic", vec![s("please panic")]), "str panic occurred: please panic");
    fatal("", "panic", vec![i(1)]);
    assert_eq!(ok("", "panic_debug", vec![b(false), s("msg")]), b(false));
    assert_eq!(fatal("", "panic_debug", vec![b(true), s("oops")]), "bool panic occurred: oops");
    assert_eq!(fatal("", "panic_debug", vec![b(true), s("")]), "bool panic occurred");
    fatal("", "panic_debug", vec![s("x"), s("y")]);
}

#[test]
fn history_returns_the_current_value() {
    assert_eq!(ok("", "history", vec![s("now"), i(0)]), s("now"));
    assert_eq!(ok("", "history", vec![ints(&[1]), i(5)]), ints(&[1]));
    assert_eq!(fatal("", "history", vec![s("x"), i(-1)]), "can't use a negative index of -1");
}

// ---------------------------------------------------------------------------------------------
// math

#[test]
fn fortytwo_follows_the_inferred_result_type() {
    let run = |ret| call_with(&mut Ctx::new(ret), "math", "fortytwo", vec![]);
    assert_eq!(run(Some(Type::Int)), Ok(i(42)));
    assert_eq!(run(Some(Type::Float)), Ok(f(42.0)));
    assert_eq!(run(None), Ok(i(42)));
    assert!(run(Some(Type::Str)).is_err_and(|e| !e.catchable));
}

#[test]
fn minus1_wraps_like_go() {
    assert_eq!(ok("math", "minus1", vec![i(43)]), i(42));
    assert_eq!(ok("math", "minus1", vec![i(i64::MIN)]), i(i64::MAX));
}

#[test]
fn mod_has_gos_sign_rules_and_catchable_errors() {
    assert_eq!(ok("math", "mod", vec![i(7), i(3)]), i(1));
    assert_eq!(ok("math", "mod", vec![i(-7), i(3)]), i(-1));
    assert_eq!(ok("math", "mod", vec![i(7), i(-3)]), i(1));
    assert_eq!(ok("math", "mod", vec![i(i64::MIN), i(-1)]), i(0));
    assert_eq!(ok("math", "mod", vec![i(i64::MAX), i(2)]), i(1));
    assert_eq!(catchable("math", "mod", vec![i(5), i(0)]), "result is not a number");
    assert_eq!(ok("math", "mod", vec![f(7.5), f(2.0)]), f(1.5));
    assert_eq!(ok("math", "mod", vec![f(-7.5), f(2.0)]), f(-1.5));
    assert_eq!(ok("math", "mod", vec![f(3.0), f(f64::INFINITY)]), f(3.0));
    assert_eq!(catchable("math", "mod", vec![f(1.0), f(0.0)]), "result is not a number");
    catchable("math", "mod", vec![f(f64::INFINITY), f(2.0)]);
    fatal("math", "mod", vec![i(1), f(1.0)]);
}

#[test]
fn pow_and_sqrt_make_nan_and_infinity_catchable() {
    assert_eq!(ok("math", "pow", vec![f(2.0), f(10.0)]), f(1024.0));
    assert_eq!(ok("math", "pow", vec![f(4.0), f(0.5)]), f(2.0));
    assert_eq!(catchable("math", "pow", vec![f(-8.0), f(1.0 / 3.0)]), "result is not a number");
    assert_eq!(catchable("math", "pow", vec![f(0.0), f(-1.0)]), "result is positive infinity");
    assert_eq!(catchable("math", "pow", vec![f(-0.0), f(-1.0)]), "result is negative infinity");
    assert_eq!(catchable("math", "pow", vec![f(10.0), f(400.0)]), "result is positive infinity");
    assert_eq!(ok("math", "sqrt", vec![f(16.0)]), f(4.0));
    assert_eq!(catchable("math", "sqrt", vec![f(-1.0)]), "result is not a number");
    assert_eq!(catchable("math", "sqrt", vec![f(f64::INFINITY)]), "result is positive infinity");
    fatal("math", "sqrt", vec![i(4)]);
}

#[test]
fn golang_math_elementary_functions() {
    assert_eq!(gm("abs", vec![f(-2.5)]), 2.5);
    assert_eq!(gm("ceil", vec![f(1.1)]), 2.0);
    assert_eq!(gm("floor", vec![f(-1.1)]), -2.0);
    assert_eq!(gm("trunc", vec![f(-1.9)]), -1.0);
    assert_eq!(gm("sqrt", vec![f(2.0)]), std::f64::consts::SQRT_2);
    assert!(gm("sqrt", vec![f(-1.0)]).is_nan(), "golang/math.sqrt does not error");
    assert_eq!(gm("cbrt", vec![f(27.0)]), 3.0);
    assert_eq!(gm("exp", vec![f(0.0)]), 1.0);
    assert_eq!(gm("exp_2", vec![f(10.0)]), 1024.0);
    assert!(close(gm("expm_1", vec![f(1e-10)]), 1.00000000005e-10));
    assert_eq!(gm("log", vec![f(1.0)]), 0.0);
    assert_eq!(gm("log_10", vec![f(100.0)]), 2.0);
    assert_eq!(gm("log_2", vec![f(8.0)]), 3.0);
    assert_eq!(gm("log_2", vec![f(0.125)]), -3.0);
    assert!(close(gm("log_2", vec![f(10.0)]), std::f64::consts::LOG2_10));
    assert_eq!(gm("log_2", vec![f(0.0)]), f64::NEG_INFINITY);
    assert!(gm("log_2", vec![f(-1.0)]).is_nan());
    assert_eq!(gm("log_2", vec![f(f64::MAX)]), 1024.0);
    assert!(close(gm("log_1_p", vec![f(1e-10)]), 9.9999999995e-11));
    assert_eq!(gm("sin", vec![f(0.0)]), 0.0);
    assert_eq!(gm("cos", vec![f(0.0)]), 1.0);
    assert!(close(gm("tan", vec![f(std::f64::consts::FRAC_PI_4)]), 1.0));
    assert!(close(gm("asin", vec![f(1.0)]), std::f64::consts::FRAC_PI_2));
    assert!(close(gm("acos", vec![f(-1.0)]), std::f64::consts::PI));
    assert!(close(gm("atan", vec![f(1.0)]), std::f64::consts::FRAC_PI_4));
    assert!(close(gm("atan_2", vec![f(1.0), f(-1.0)]), 3.0 * std::f64::consts::FRAC_PI_4));
    assert_eq!(gm("sinh", vec![f(0.0)]), 0.0);
    assert_eq!(gm("cosh", vec![f(0.0)]), 1.0);
    assert_eq!(gm("tanh", vec![f(f64::INFINITY)]), 1.0);
    assert_eq!(gm("asinh", vec![f(0.0)]), 0.0);
    assert_eq!(gm("acosh", vec![f(1.0)]), 0.0);
    assert_eq!(gm("atanh", vec![f(1.0)]), f64::INFINITY);
    assert_eq!(gm("hypot", vec![f(3.0), f(4.0)]), 5.0);
    assert_eq!(gm("hypot", vec![f(f64::INFINITY), f(f64::NAN)]), f64::INFINITY);
    assert_eq!(gm("pow", vec![f(2.0), f(-2.0)]), 0.25);
    assert_eq!(gm("pow", vec![f(f64::NAN), f(0.0)]), 1.0);
    assert_eq!(gm("pow", vec![f(-1.0), f(f64::INFINITY)]), 1.0);
    assert_eq!(gm("fma", vec![f(2.0), f(3.0), f(4.0)]), 10.0);
    assert_eq!(gm("copysign", vec![f(3.0), f(-0.0)]), -3.0);
}

#[test]
fn golang_math_special_cases() {
    // Round: half away from zero; RoundToEven: half to even.
    assert_eq!(gm("round", vec![f(2.5)]), 3.0);
    assert_eq!(gm("round", vec![f(-2.5)]), -3.0);
    assert_eq!(gm("round", vec![f(0.49999999999999994)]), 0.0);
    assert_eq!(gm("round_to_even", vec![f(2.5)]), 2.0);
    assert_eq!(gm("round_to_even", vec![f(3.5)]), 4.0);
    // Max/Min: infinities beat NaN, NaN beats numbers, signed zeros ordered.
    assert_eq!(gm("max", vec![f(f64::NAN), f(f64::INFINITY)]), f64::INFINITY);
    assert!(gm("max", vec![f(1.0), f(f64::NAN)]).is_nan());
    assert!(gm("max", vec![f(-0.0), f(0.0)]).is_sign_positive());
    assert!(gm("max", vec![f(-0.0), f(-0.0)]).is_sign_negative());
    assert_eq!(gm("max", vec![f(1.0), f(2.0)]), 2.0);
    assert_eq!(gm("min", vec![f(f64::NAN), f(f64::NEG_INFINITY)]), f64::NEG_INFINITY);
    assert!(gm("min", vec![f(f64::NAN), f(1.0)]).is_nan());
    assert!(gm("min", vec![f(0.0), f(-0.0)]).is_sign_negative());
    assert_eq!(gm("min", vec![f(1.0), f(2.0)]), 1.0);
    // Dim.
    assert_eq!(gm("dim", vec![f(5.0), f(3.0)]), 2.0);
    assert_eq!(gm("dim", vec![f(3.0), f(5.0)]), 0.0);
    assert!(gm("dim", vec![f(f64::INFINITY), f(f64::INFINITY)]).is_nan());
    // Mod and Remainder.
    assert_eq!(gm("mod", vec![f(7.0), f(-3.0)]), 1.0);
    assert_eq!(gm("mod", vec![f(-7.0), f(3.0)]), -1.0);
    assert!(gm("mod", vec![f(1.0), f(0.0)]).is_nan());
    assert_eq!(gm("remainder", vec![f(5.0), f(3.0)]), -1.0);
    assert_eq!(gm("remainder", vec![f(7.0), f(2.0)]), -1.0);
    assert!(gm("remainder", vec![f(1.0), f(0.0)]).is_nan());
    // Exponents.
    assert_eq!(ok("golang/math", "ilogb", vec![f(8.0)]), i(3));
    assert_eq!(ok("golang/math", "ilogb", vec![f(0.75)]), i(-1));
    assert_eq!(ok("golang/math", "ilogb", vec![f(5e-324)]), i(-1074));
    assert_eq!(ok("golang/math", "ilogb", vec![f(0.0)]), i(i64::from(i32::MIN)));
    assert_eq!(ok("golang/math", "ilogb", vec![f(f64::NAN)]), i(i64::from(i32::MAX)));
    assert_eq!(ok("golang/math", "ilogb", vec![f(f64::NEG_INFINITY)]), i(i64::from(i32::MAX)));
    assert_eq!(gm("logb", vec![f(-8.0)]), 3.0);
    assert_eq!(gm("logb", vec![f(0.0)]), f64::NEG_INFINITY);
    assert_eq!(gm("logb", vec![f(f64::NEG_INFINITY)]), f64::INFINITY);
    assert!(gm("logb", vec![f(f64::NAN)]).is_nan());
    assert_eq!(gm("ldexp", vec![f(0.5), i(3)]), 4.0);
    assert_eq!(gm("ldexp", vec![f(1.0), i(-1074)]), 5e-324);
    assert_eq!(gm("ldexp", vec![f(1.0), i(5000)]), f64::INFINITY);
    assert_eq!(gm("ldexp", vec![f(-1.0), i(i64::MAX)]), f64::NEG_INFINITY);
    assert_eq!(gm("ldexp", vec![f(1.0), i(i64::MIN)]), 0.0);
    assert_eq!(gm("nextafter", vec![f(1.0), f(2.0)]), 1.0 + f64::EPSILON);
    assert_eq!(gm("nextafter", vec![f(1.0), f(1.0)]), 1.0);
    // Pow10 from Go's tables.
    assert_eq!(gm("pow_10", vec![i(0)]), 1.0);
    assert_eq!(gm("pow_10", vec![i(2)]), 100.0);
    assert_eq!(gm("pow_10", vec![i(-2)]), 0.01);
    assert_eq!(gm("pow_10", vec![i(22)]), 1e22);
    assert_eq!(gm("pow_10", vec![i(308)]), 1e308);
    assert_eq!(gm("pow_10", vec![i(309)]), f64::INFINITY);
    assert_eq!(gm("pow_10", vec![i(-323)]), 1e-323);
    assert_eq!(gm("pow_10", vec![i(-324)]), 0.0);
    assert_eq!(gm("pow_10", vec![i(i64::MIN)]), 0.0);
    // Inf, NaN and their predicates.
    assert_eq!(gm("inf", vec![i(0)]), f64::INFINITY);
    assert_eq!(gm("inf", vec![i(-5)]), f64::NEG_INFINITY);
    assert!(gm("na_n", vec![]).is_nan());
    assert_eq!(ok("golang/math", "is_na_n", vec![f(f64::NAN)]), b(true));
    assert_eq!(ok("golang/math", "is_na_n", vec![f(1.0)]), b(false));
    assert_eq!(ok("golang/math", "is_inf", vec![f(f64::INFINITY), i(1)]), b(true));
    assert_eq!(ok("golang/math", "is_inf", vec![f(f64::INFINITY), i(-1)]), b(false));
    assert_eq!(ok("golang/math", "is_inf", vec![f(f64::NEG_INFINITY), i(0)]), b(true));
    assert_eq!(ok("golang/math", "is_inf", vec![f(f64::MAX), i(0)]), b(false));
    assert_eq!(ok("golang/math", "signbit", vec![f(-0.0)]), b(true));
    assert_eq!(ok("golang/math", "signbit", vec![f(1.0)]), b(false));
}

#[test]
fn golang_math_special_functions() {
    assert_eq!(gm("erf", vec![f(0.0)]), 0.0);
    assert!(close(gm("erf", vec![f(1.0)]), 0.842_700_792_949_714_9));
    assert_eq!(gm("erfc", vec![f(f64::INFINITY)]), 0.0);
    assert!(close(gm("erfc", vec![f(1.0)]), 0.157_299_207_050_285_13));
    // Erfinv: known value, round trips, and the special cases.
    assert!(close(gm("erfinv", vec![f(0.5)]), 0.476_936_276_204_469_9));
    assert!(close(gm("erfinv", vec![f(-0.5)]), -0.476_936_276_204_469_9));
    for k in -999..=999 {
        let x = f64::from(k) / 1000.0;
        let y = gm("erfinv", vec![f(x)]);
        let back = gm("erf", vec![f(y)]);
        assert!((back - x).abs() <= 4.0 * f64::EPSILON, "erf(erfinv({x})) = {back}");
    }
    let tiny = gm("erfinv", vec![f(1e-300)]);
    assert!(close(tiny, 1e-300 * std::f64::consts::PI.sqrt() / 2.0), "{tiny}");
    let near_one = gm("erfinv", vec![f(1.0 - f64::EPSILON)]);
    assert!(close(gm("erfc", vec![f(near_one)]), f64::EPSILON), "{near_one}");
    assert_eq!(gm("erfinv", vec![f(1.0)]), f64::INFINITY);
    assert_eq!(gm("erfinv", vec![f(-1.0)]), f64::NEG_INFINITY);
    assert!(gm("erfinv", vec![f(1.5)]).is_nan());
    assert!(gm("erfinv", vec![f(f64::NAN)]).is_nan());
    assert!(gm("erfinv", vec![f(-0.0)]).is_sign_negative());
    assert_eq!(gm("erfcinv", vec![f(1.0)]), 0.0);
    assert_eq!(gm("erfcinv", vec![f(0.0)]), f64::INFINITY);
    assert_eq!(gm("erfcinv", vec![f(2.0)]), f64::NEG_INFINITY);
    assert!(close(gm("erfcinv", vec![f(0.5)]), 0.476_936_276_204_469_9));
    // Gamma.
    assert_eq!(gm("gamma", vec![f(5.0)]), 24.0);
    assert!(close(gm("gamma", vec![f(0.5)]), std::f64::consts::PI.sqrt()));
    assert_eq!(gm("gamma", vec![f(0.0)]), f64::INFINITY);
    assert_eq!(gm("gamma", vec![f(-0.0)]), f64::NEG_INFINITY);
    assert!(gm("gamma", vec![f(-1.0)]).is_nan());
    assert!(gm("gamma", vec![f(f64::NEG_INFINITY)]).is_nan());
    assert_eq!(gm("gamma", vec![f(200.0)]), f64::INFINITY);
    // Bessel functions.
    assert_eq!(gm("j_0", vec![f(0.0)]), 1.0);
    assert!(close(gm("j_0", vec![f(1.0)]), 0.765_197_686_557_966_6));
    assert!(close(gm("j_1", vec![f(1.0)]), 0.440_050_585_744_933_5));
    assert!(close(gm("jn", vec![i(2), f(1.0)]), 0.114_903_484_931_900_5));
    assert!(close(gm("jn", vec![i(-1), f(1.0)]), -0.440_050_585_744_933_5));
    assert_eq!(gm("jn", vec![i(3), f(f64::INFINITY)]), 0.0);
    assert!(close(gm("y_0", vec![f(1.0)]), 0.088_256_964_215_676_96));
    assert!(close(gm("y_1", vec![f(1.0)]), -0.781_212_821_300_288_7));
    assert!(close(gm("yn", vec![i(2), f(1.0)]), -1.650_682_606_816_254_4));
    assert_eq!(gm("y_0", vec![f(0.0)]), f64::NEG_INFINITY);
    assert!(gm("y_0", vec![f(-1.0)]).is_nan());
    assert_eq!(gm("yn", vec![i(-3), f(0.0)]), f64::INFINITY);
    // Huge orders: the cases known without the recurrences, else an error.
    assert_eq!(gm("jn", vec![i(1 << 40), f(f64::INFINITY)]), 0.0);
    assert!(gm("yn", vec![i(1 << 40), f(f64::NAN)]).is_nan());
    assert!(gm("yn", vec![i(1 << 40), f(-2.0)]).is_nan());
    assert_eq!(gm("yn", vec![i(-(1 << 40) - 1), f(0.0)]), f64::INFINITY);
    assert_eq!(gm("yn", vec![i(1 << 40), f(2.0)]), f64::NEG_INFINITY);
    assert_eq!(gm("yn", vec![i(-(1 << 40) - 1), f(2.0)]), f64::INFINITY);
    assert_eq!(gm("yn", vec![i(i64::MIN), f(2.0)]), f64::NEG_INFINITY);
    let j = gm("jn", vec![i(1 << 40), f(2.0)]);
    assert!(j == 0.0 && j.is_sign_positive());
    let j = gm("jn", vec![i(-(1 << 40) - 1), f(2.0)]);
    assert!(j == 0.0 && j.is_sign_negative());
    let j = gm("jn", vec![i((1 << 40) + 1), f(-2.0)]);
    assert!(j == 0.0 && j.is_sign_negative());
    assert_eq!(gm("jn", vec![i(i64::MIN), f(-1e18)]), 0.0);
    fatal("golang/math", "jn", vec![i(i64::MIN), f(-1e300)]);
    assert!(fatal("golang/math", "jn", vec![i(1 << 21), f(1e7)]).contains("too large"));
    // The largest order still computed takes a moment, not minutes.
    let start = std::time::Instant::now();
    assert_eq!(gm("jn", vec![i(1 << 20), f(1.0)]), 0.0);
    assert!(gm("yn", vec![i(-(1 << 20)), f(1e7)]).is_finite());
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn golang_math_checks_its_arguments() {
    fatal("golang/math", "abs", vec![i(1)]);
    fatal("golang/math", "abs", vec![]);
    fatal("golang/math", "max", vec![f(1.0)]);
    fatal("golang/math", "fma", vec![f(1.0), f(1.0)]);
    fatal("golang/math", "na_n", vec![f(1.0)]);
    fatal("golang/math", "ldexp", vec![f(1.0), f(1.0)]);
}

#[test]
fn golang_math_rand_draws_in_range() {
    for _ in 0..200 {
        let x = float_of(ok("golang/math/rand", "float_64", vec![]));
        assert!((0.0..1.0).contains(&x));
        assert!(float_of(ok("golang/math/rand", "exp_float_64", vec![])) >= 0.0);
        assert!(float_of(ok("golang/math/rand", "norm_float_64", vec![])).is_finite());
        assert!(ok("golang/math/rand", "int", vec![]).as_int().is_some_and(|n| n >= 0));
        assert!(ok("golang/math/rand", "int_63", vec![]).as_int().is_some_and(|n| n >= 0));
        assert!(ok("golang/math/rand", "intn", vec![i(10)]).as_int().is_some_and(|n| (0..10).contains(&n)));
        assert!(ok("golang/math/rand", "int_63_n", vec![i(3)]).as_int().is_some_and(|n| (0..3).contains(&n)));
    }
    assert_eq!(ok("golang/math/rand", "intn", vec![i(1)]), i(0));
    assert!(ok("golang/math/rand", "intn", vec![i(i64::MAX)]).as_int().is_some_and(|n| n >= 0));
    assert_eq!(fatal("golang/math/rand", "intn", vec![i(0)]), "invalid argument to Intn");
    assert_eq!(fatal("golang/math/rand", "int_63_n", vec![i(-1)]), "invalid argument to Int63n");
    assert_eq!(ok("golang/math/rand", "read", vec![s("héllo")]), i(6));
    let draws: std::collections::BTreeSet<i64> = (0..50).filter_map(|_| ok("golang/math/rand", "int", vec![]).as_int()).collect();
    assert!(draws.len() > 45, "random ints repeat too often");
}

// ---------------------------------------------------------------------------------------------
// iter

fn double(args: &[Value]) -> Result<Value, EvalError> {
    match args {
        [Value::Int(x)] => Ok(Value::Int(x * 2)),
        _ => Err(EvalError::fatal("double: bad args")),
    }
}
fn is_even(args: &[Value]) -> Result<Value, EvalError> {
    match args {
        [Value::Int(x)] => Ok(Value::Bool(x % 2 == 0)),
        _ => Err(EvalError::fatal("is_even: bad args")),
    }
}
fn add(args: &[Value]) -> Result<Value, EvalError> {
    match args {
        [Value::Int(x), Value::Int(y)] => Ok(Value::Int(x + y)),
        [Value::Str(x), Value::Str(y)] => Ok(Value::str(format!("{x}{y}"))),
        _ => Err(EvalError::fatal("add: bad args")),
    }
}
fn pair(args: &[Value]) -> Result<Value, EvalError> {
    match args {
        [x, y] => Ok(Value::str(format!("{}{}", x.go_v(), y.go_v()))),
        _ => Err(EvalError::fatal("pair: bad args")),
    }
}
fn fails_catchably(_: &[Value]) -> Result<Value, EvalError> {
    Err(EvalError::catchable("caught me"))
}
fn fails_fatally(_: &[Value]) -> Result<Value, EvalError> {
    Err(EvalError::fatal("stop"))
}
fn not_a_bool(_: &[Value]) -> Result<Value, EvalError> {
    Ok(Value::Int(1))
}

#[test]
fn iter_map_applies_the_function() {
    assert_eq!(ok("iter", "map", vec![ints(&[1, 2, 3]), func("double", double)]), ints(&[2, 4, 6]));
    assert_eq!(ok("iter", "map", vec![ints(&[]), func("double", double)]), ints(&[]));
    let e = err("iter", "map", vec![ints(&[1]), func("fails", fails_catchably)]);
    assert!(e.catchable && e.message == "caught me", "callee errors pass through unchanged: {e:?}");
    let e = err("iter", "map", vec![ints(&[1]), func("fails", fails_fatally)]);
    assert!(!e.catchable && e.message == "stop");
    fatal("iter", "map", vec![ints(&[1])]);
    fatal("iter", "map", vec![i(1), func("double", double)]);
}

#[test]
fn iter_filter_keeps_the_true_ones() {
    assert_eq!(ok("iter", "filter", vec![ints(&[1, 2, 3, 4]), func("is_even", is_even)]), ints(&[2, 4]));
    assert_eq!(ok("iter", "filter", vec![ints(&[]), func("is_even", is_even)]), ints(&[]));
    fatal("iter", "filter", vec![ints(&[1]), func("not_a_bool", not_a_bool)]);
    assert!(err("iter", "filter", vec![ints(&[1]), func("fails", fails_catchably)]).catchable);
}

#[test]
fn iter_reduce_folds_left() {
    assert_eq!(ok("iter", "reduce", vec![ints(&[1, 2, 3, 4]), func("add", add)]), i(10));
    assert_eq!(ok("iter", "reduce", vec![list(vec![s("a"), s("b"), s("c")]), func("add", add)]), s("abc"));
    assert_eq!(ok("iter", "reduce", vec![s(">"), list(vec![s("a"), s("b")]), func("add", add)]), s(">ab"));
    assert_eq!(ok("iter", "reduce", vec![i(5), ints(&[]), func("add", add)]), i(5), "an empty list gives the initial value");
    // A single element is returned without calling the function.
    let mut ctx = Ctx::new(None);
    assert_eq!(call_with(&mut ctx, "iter", "reduce", vec![ints(&[7]), func("fails", fails_fatally)]), Ok(i(7)));
    assert_eq!(ctx.calls, 0);
    assert_eq!(fatal("iter", "reduce", vec![ints(&[]), func("add", add)]), "cannot reduce an empty list without an initial value");
    assert!(err("iter", "reduce", vec![ints(&[1, 2]), func("fails", fails_catchably)]).catchable);
    fatal("iter", "reduce", vec![ints(&[1])]);
    fatal("iter", "reduce", vec![i(0), ints(&[1]), func("add", add), i(0)]);
}

#[test]
fn iter_range_is_like_python() {
    assert_eq!(ok("iter", "range", vec![i(4)]), ints(&[0, 1, 2, 3]));
    assert_eq!(ok("iter", "range", vec![i(0)]), ints(&[]));
    assert_eq!(ok("iter", "range", vec![i(-3)]), ints(&[]));
    assert_eq!(ok("iter", "range", vec![i(2), i(5)]), ints(&[2, 3, 4]));
    assert_eq!(ok("iter", "range", vec![i(5), i(2)]), ints(&[]));
    assert_eq!(ok("iter", "range", vec![i(0), i(10), i(3)]), ints(&[0, 3, 6, 9]));
    assert_eq!(ok("iter", "range", vec![i(10), i(0), i(-3)]), ints(&[10, 7, 4, 1]));
    assert_eq!(ok("iter", "range", vec![i(0), i(10), i(-1)]), ints(&[]));
    assert_eq!(ok("iter", "range", vec![i(-2), i(2)]), ints(&[-2, -1, 0, 1]));
    // No overflow at the ends of the int range.
    assert_eq!(ok("iter", "range", vec![i(i64::MAX - 1), i(i64::MAX), i(5)]), ints(&[i64::MAX - 1]));
    assert_eq!(ok("iter", "range", vec![i(i64::MIN + 1), i(i64::MIN), i(-7)]), ints(&[i64::MIN + 1]));
    assert_eq!(ok("iter", "range", vec![i(i64::MIN), i(i64::MAX), i(i64::MAX)]), ints(&[i64::MIN, -1, i64::MAX - 1]));
    assert_eq!(fatal("iter", "range", vec![i(0), i(3), i(0)]), "step value cannot be 0");
    fatal("iter", "range", vec![i(i64::MIN), i(i64::MAX)]);
    fatal("iter", "range", vec![]);
    fatal("iter", "range", vec![i(1), i(2), i(3), i(4)]);
    fatal("iter", "range", vec![s("3")]);
}

#[test]
fn iter_flatten_and_zip() {
    assert_eq!(ok("iter", "flatten", vec![list(vec![ints(&[1, 2]), ints(&[]), ints(&[3])])]), ints(&[1, 2, 3]));
    assert_eq!(ok("iter", "flatten", vec![list(vec![])]), list(vec![]));
    fatal("iter", "flatten", vec![ints(&[1])]);
    let zipped = ok("iter", "zip", vec![ints(&[1, 2, 3]), list(vec![s("a"), s("b")]), func("pair", pair)]);
    assert_eq!(zipped, list(vec![s("1a"), s("2b")]), "zip stops at the shorter list");
    assert_eq!(ok("iter", "zip", vec![ints(&[]), ints(&[1]), func("pair", pair)]), list(vec![]));
    assert!(err("iter", "zip", vec![ints(&[1]), ints(&[1]), func("fails", fails_catchably)]).catchable);
    fatal("iter", "zip", vec![ints(&[1]), ints(&[1])]);
}

// ---------------------------------------------------------------------------------------------
// convert

#[test]
fn convert_bools() {
    assert_eq!(ok("convert", "format_bool", vec![b(true)]), s("true"));
    assert_eq!(ok("convert", "format_bool", vec![b(false)]), s("false"));
    for t in ["1", "t", "T", "TRUE", "true", "True"] {
        assert_eq!(ok("convert", "parse_bool", vec![s(t)]), b(true), "{t}");
    }
    for t in ["0", "f", "F", "FALSE", "false", "False"] {
        assert_eq!(ok("convert", "parse_bool", vec![s(t)]), b(false), "{t}");
    }
    assert_eq!(catchable("convert", "parse_bool", vec![s("yes")]), "invalid bool: `yes`");
    catchable("convert", "parse_bool", vec![s("tRUE")]);
    catchable("convert", "parse_bool", vec![s("")]);
    fatal("convert", "parse_bool", vec![b(true)]);
}

#[test]
fn convert_ints() {
    assert_eq!(ok("convert", "int_to_str", vec![i(-42)]), s("-42"));
    assert_eq!(ok("convert", "int_to_str", vec![i(i64::MIN)]), s("-9223372036854775808"));
    assert_eq!(ok("convert", "str_to_int", vec![s("42")]), i(42));
    assert_eq!(ok("convert", "str_to_int", vec![s("+7")]), i(7));
    assert_eq!(ok("convert", "str_to_int", vec![s("-0012")]), i(-12));
    assert_eq!(ok("convert", "str_to_int", vec![s("9223372036854775807")]), i(i64::MAX));
    assert_eq!(ok("convert", "str_to_int", vec![s("-9223372036854775808")]), i(i64::MIN));
    assert_eq!(catchable("convert", "str_to_int", vec![s("abc")]), r#"strconv.ParseInt: parsing "abc": invalid syntax"#);
    assert_eq!(catchable("convert", "str_to_int", vec![s("9223372036854775808")]), r#"strconv.ParseInt: parsing "9223372036854775808": value out of range"#);
    assert_eq!(catchable("convert", "str_to_int", vec![s("-99999999999999999999")]), r#"strconv.ParseInt: parsing "-99999999999999999999": value out of range"#);
    for bad in ["", "+", "-", " 1", "1 ", "1_000", "0x10", "1.0", "１"] {
        assert!(catchable("convert", "str_to_int", vec![s(bad)]).ends_with("invalid syntax"), "{bad:?}");
    }
}

#[test]
fn convert_floats() {
    let parse = |t: &str| float_of(ok("convert", "str_to_float", vec![s(t)]));
    assert_eq!(parse("1.5"), 1.5);
    assert_eq!(parse("-2"), -2.0);
    assert_eq!(parse(".5"), 0.5);
    assert_eq!(parse("5."), 5.0);
    assert_eq!(parse("1e3"), 1000.0);
    assert_eq!(parse("1E-2"), 0.01);
    assert_eq!(parse("+1e+2"), 100.0);
    assert_eq!(parse("1_000.5"), 1000.5);
    assert_eq!(parse("0.1"), 0.1);
    assert_eq!(parse("1e-400"), 0.0, "underflow is not an error");
    assert_eq!(parse("4.9e-324"), 5e-324);
    assert_eq!(parse("inf"), f64::INFINITY);
    assert_eq!(parse("-Infinity"), f64::NEG_INFINITY);
    assert_eq!(parse("+INF"), f64::INFINITY);
    assert!(parse("NaN").is_nan());
    // Hexadecimal floats.
    assert_eq!(parse("0x1p-2"), 0.25);
    assert_eq!(parse("0X1.8P1"), 3.0);
    assert_eq!(parse("-0x10p0"), -16.0);
    assert_eq!(parse("0x.8p1"), 1.0);
    assert_eq!(parse("0x_1p0"), 1.0);
    assert_eq!(parse("0x1.fffffffffffffp1023"), f64::MAX);
    assert_eq!(parse("0x1p-1074"), 5e-324);
    assert_eq!(parse("0x1p-1075"), 0.0, "a tie rounds to even (zero)");
    assert_eq!(parse("0x1.8p-1074"), 1e-323, "a tie rounds to even (2 units)");
    assert_eq!(parse("0x1.00000000000008p0"), 1.0, "a tie below rounds to even");
    assert_eq!(parse("0x1.00000000000018p0"), 1.0 + 2.0 * f64::EPSILON, "a tie above rounds to even");
    assert_eq!(parse("0x1.000000000000080000001p0"), 1.0 + f64::EPSILON, "sticky digits break the tie");
    assert_eq!(parse("0x123456789abcdef0123p0"), 5.373_003_642_731_685e21);
    assert_eq!(catchable("convert", "str_to_float", vec![s("1e400")]), r#"strconv.ParseFloat: parsing "1e400": value out of range"#);
    catchable("convert", "str_to_float", vec![s("0x1p1024")]);
    for bad in ["", "abc", "1e", "1e+", ".", "+", "1.2.3", "0x1", "0x", "0xp1", "1_", "_1", "1__0", "infin", "+nan", "1e_5", " 1", "1,5", "0x1.8"] {
        assert!(catchable("convert", "str_to_float", vec![s(bad)]).ends_with("invalid syntax"), "{bad:?}");
    }
}

#[test]
fn convert_numbers() {
    assert_eq!(ok("convert", "to_float", vec![i(3)]), f(3.0));
    assert_eq!(ok("convert", "to_float", vec![i(i64::MAX)]), f(9_223_372_036_854_775_808.0));
    assert_eq!(ok("convert", "to_int", vec![f(3.9)]), i(3));
    assert_eq!(ok("convert", "to_int", vec![f(-3.9)]), i(-3));
    assert_eq!(ok("convert", "to_int", vec![f(-9_223_372_036_854_775_808.0)]), i(i64::MIN));
    // Go's int64(f) on amd64 for NaN and out-of-range values.
    assert_eq!(ok("convert", "to_int", vec![f(f64::NAN)]), i(i64::MIN));
    assert_eq!(ok("convert", "to_int", vec![f(1e300)]), i(i64::MIN));
    assert_eq!(ok("convert", "to_int", vec![f(f64::NEG_INFINITY)]), i(i64::MIN));
    fatal("convert", "to_int", vec![i(3)]);
    fatal("convert", "to_float", vec![f(3.0)]);
}

// ---------------------------------------------------------------------------------------------
// list and map

#[test]
fn list_concat_joins_any_number_of_lists() {
    assert_eq!(ok("list", "concat", vec![ints(&[1])]), ints(&[1]));
    assert_eq!(ok("list", "concat", vec![ints(&[1, 2]), ints(&[]), ints(&[3])]), ints(&[1, 2, 3]));
    assert_eq!(ok("list", "concat", vec![ints(&[]), ints(&[])]), ints(&[]));
    fatal("list", "concat", vec![]);
    fatal("list", "concat", vec![ints(&[1]), i(2)]);
}

#[test]
fn map_keys_and_values_in_key_order() {
    let m = map(vec![(s("b"), i(2)), (s("a"), i(1)), (s("c"), i(3))]);
    assert_eq!(ok("map", "keys", vec![m.clone()]), list(vec![s("a"), s("b"), s("c")]));
    assert_eq!(ok("map", "values", vec![m]), ints(&[1, 2, 3]));
    assert_eq!(ok("map", "keys", vec![map(vec![])]), list(vec![]));
    assert_eq!(ok("map", "values", vec![map(vec![])]), list(vec![]));
    fatal("map", "keys", vec![ints(&[1])]);
    fatal("map", "values", vec![]);
}

// ---------------------------------------------------------------------------------------------
// datetime

/// 2009-11-10 23:00:00 UTC, a Tuesday (the Go playground's time).
const PLAYGROUND: i64 = 1_257_894_000;

fn fmt(t: i64, layout: &str) -> String {
    ok("datetime", "format", vec![i(t), s(layout)]).as_str().expect("a str").to_string()
}

#[test]
fn datetime_format_standard_layouts() {
    assert_eq!(fmt(PLAYGROUND, "Mon Jan _2 15:04:05 2006"), "Tue Nov 10 23:00:00 2009");
    assert_eq!(fmt(PLAYGROUND, "Mon Jan _2 15:04:05 MST 2006"), "Tue Nov 10 23:00:00 UTC 2009");
    assert_eq!(fmt(PLAYGROUND, "02 Jan 06 15:04 -0700"), "10 Nov 09 23:00 +0000");
    assert_eq!(fmt(PLAYGROUND, "Monday, 02-Jan-06 15:04:05 MST"), "Tuesday, 10-Nov-09 23:00:00 UTC");
    assert_eq!(fmt(PLAYGROUND, "Mon, 02 Jan 2006 15:04:05 -0700"), "Tue, 10 Nov 2009 23:00:00 +0000");
    assert_eq!(fmt(PLAYGROUND, "2006-01-02T15:04:05Z07:00"), "2009-11-10T23:00:00Z");
    assert_eq!(fmt(PLAYGROUND, "2006-01-02T15:04:05.999999999Z07:00"), "2009-11-10T23:00:00Z");
    assert_eq!(fmt(PLAYGROUND, "3:04PM"), "11:00PM");
    assert_eq!(fmt(PLAYGROUND, "Jan _2 15:04:05.000"), "Nov 10 23:00:00.000");
    assert_eq!(fmt(PLAYGROUND, "2006-01-02 15:04:05"), "2009-11-10 23:00:00");
}

#[test]
fn datetime_format_elements() {
    let t = 1_709_164_800 + 3 * 3600 + 7 * 60 + 9; // 2024-02-29 03:07:09 UTC, a Thursday
    assert_eq!(fmt(t, "January Jan 1 01 Monday Mon"), "February Feb 2 02 Thursday Thu");
    assert_eq!(fmt(t, "2 _2 02 __2 002 2006 06"), "29 29 29  60 060 2024 24");
    assert_eq!(fmt(t, "15 3 03 4 04 5 05 PM pm"), "03 3 03 7 07 9 09 AM am");
    assert_eq!(fmt(t, "MST -0700 -07:00 -07 -070000 -07:00:00"), "UTC +0000 +00:00 +00 +000000 +00:00:00");
    assert_eq!(fmt(t, "Z0700 Z07:00 Z07 Z070000 Z07:00:00"), "Z Z Z Z Z");
    assert_eq!(fmt(t, "05.0 05,00 05.999 05.0000000000"), "09.0 09,00 09 09.000000000");
    assert_eq!(fmt(0, "_2 __2 002 3 03 PM"), " 1   1 001 12 12 AM");
    assert_eq!(fmt(0, "2006-01-02 15:04:05 Mon"), "1970-01-01 00:00:00 Thu");
    // Not layout elements: lower-case continuations, digits after a fraction, plain text.
    assert_eq!(fmt(t, "Janet Mont Mo"), "Janet Mont Mo");
    assert_eq!(fmt(t, "_2006"), "_2024");
    assert_eq!(fmt(t, "1.2"), "2.29");
    assert_eq!(fmt(t, ".001"), ".002");
    assert_eq!(fmt(t, "Time: 15h"), "Time: 03h");
    assert_eq!(fmt(t, ""), "");
    assert_eq!(fmt(t, "é€"), "é€");
}

#[test]
fn datetime_calendar() {
    // 2000-03-01 (after a century leap day) and 2100-03-01 (no leap day).
    assert_eq!(fmt(951_868_800, "2006-01-02 002"), "2000-03-01 061");
    assert_eq!(fmt(4_107_542_400, "2006-01-02 002 Monday"), "2100-03-01 060 Monday");
    assert_eq!(fmt(1_704_067_199, "2006-01-02 15:04:05 002"), "2023-12-31 23:59:59 365");
    // Far future: no overflow.
    assert_eq!(fmt(253_402_300_800, "2006-01-02"), "10000-01-01");
    let far = fmt(i64::MAX, "2006-01-02 15:04:05");
    assert!(far.ends_with("15:30:07"), "{far}");
}

#[test]
fn datetime_fields_and_print() {
    assert_eq!(ok("datetime", "hour", vec![i(PLAYGROUND)]), i(23));
    assert_eq!(ok("datetime", "hour", vec![i(0)]), i(0));
    assert_eq!(ok("datetime", "weekday", vec![i(PLAYGROUND)]), s("tuesday"));
    assert_eq!(ok("datetime", "weekday", vec![i(0)]), s("thursday"));
    assert_eq!(ok("datetime", "weekday", vec![i(3 * 86_400)]), s("sunday"));
    assert_eq!(ok("datetime", "print", vec![i(PLAYGROUND)]), s("2009-11-10 23:00:00 +0000 UTC"));
    assert_eq!(ok("datetime", "print", vec![i(0)]), s("1970-01-01 00:00:00 +0000 UTC"));
    for name in ["hour", "weekday", "print"] {
        assert_eq!(fatal("datetime", name, vec![i(-1)]), "epoch delta must be positive");
    }
    assert_eq!(fatal("datetime", "format", vec![i(-1), s("2006")]), "epoch delta must be positive");
    fatal("datetime", "format", vec![i(0)]);
    fatal("datetime", "hour", vec![s("0")]);
}

#[test]
fn datetime_clock_functions_sample_now() {
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
    let now = ok("datetime", "now", vec![]).as_int().expect("an int");
    assert!((now - wall).abs() <= 5, "{now} vs {wall}");
    let str_now: i64 = ok("datetime", "str_now", vec![]).as_str().expect("a str").parse().expect("digits");
    assert!((str_now - wall).abs() <= 5);
    let day = ok("datetime", "weekday_fast", vec![]);
    let day = day.as_str().expect("a str");
    assert!(["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"].contains(&day), "{day}");
    fatal("datetime", "now", vec![i(1)]);
}

// ---------------------------------------------------------------------------------------------
// robustness

fn identity(args: &[Value]) -> Result<Value, EvalError> {
    args.first().cloned().ok_or_else(|| EvalError::fatal("no args"))
}

/// Every implementation of these modules, on a grid of odd arguments (wrong kinds, wrong counts,
/// extreme numbers, empty containers), returns a value or an error and never panics; a function
/// the table does not mark `catchable` never returns a catchable error.
#[test]
fn no_implementation_panics_on_odd_arguments() {
    let samples = vec![
        b(true),
        i(0),
        i(-1),
        i(1),
        i(i64::MIN),
        i(i64::MAX),
        i(65_537),
        f(0.0),
        f(-0.0),
        f(f64::NAN),
        f(f64::INFINITY),
        f(f64::NEG_INFINITY),
        f(1e308),
        f(5e-324),
        f(-2.5),
        s(""),
        s("0x1p-2"),
        s("é_1e5"),
        list(vec![]),
        ints(&[3, 1]),
        list(vec![ints(&[1]), list(vec![])]),
        map(vec![]),
        map(vec![(i(1), s("a"))]),
        strukt(vec![("a", i(1))]),
        func("identity", identity),
    ];
    let small: Vec<Value> = [0, 2, 4, 9, 15, 19, 20, 24].iter().map(|&k| samples[k].clone()).collect();
    let mut ctx = Ctx::new(Some(Type::Float));
    let mut calls = 0;
    for def in functions::all().iter().filter(|d| MODULES.contains(&d.module) && !d.operator && !d.internal) {
        let imp = implementation(def.module, def.name).expect("implemented");
        let mut run = |args: &[Value]| {
            if let Err(e) = imp(&mut ctx, args) {
                assert!(def.catchable || !e.catchable, "{}{args:?}: catchable error `{e}`", def.qualified_name());
            }
        };
        run(&[]);
        for a in &samples {
            run(std::slice::from_ref(a));
            for b in &samples {
                run(&[a.clone(), b.clone()]);
                calls += 1;
            }
        }
        for a in &small {
            for b in &small {
                for c in &small {
                    run(&[a.clone(), b.clone(), c.clone()]);
                    run(&[a.clone(), b.clone(), c.clone(), a.clone()]);
                }
            }
        }
    }
    assert!(calls > 50_000);
}

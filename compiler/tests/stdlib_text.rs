//! The text builtins called directly (`eval::stdlib::implementation`): `fmt.printf`, `strings`,
//! `golang/strings`, `golang/strconv`, `golang/path`, `golang/path/filepath`, `golang/html`,
//! `encoding`, `regexp` and the pure part of `net`, with Go's edge cases, and that every error
//! is catchable exactly when the builtin table says so.

use mcl_compiler::eval::stdlib::{CallCtx, Host, implementation};
use mcl_compiler::eval::value::{EvalError, Value};
use mcl_compiler::registry::functions::{self, FunctionKind};
use mcl_compiler::types::{self, Type};
use smol_str::SmolStr;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// A call context without lambdas, with a chosen result type.
struct Ctx {
    ret: Option<Type>,
}

impl CallCtx for Ctx {
    fn call(&mut self, _: &Value, _: Vec<Value>) -> Result<Value, EvalError> {
        Err(EvalError::fatal("no function values in these tests"))
    }

    fn ret_type(&self) -> Option<Type> {
        self.ret.clone()
    }

    fn host(&self) -> &Host {
        static HOST: OnceLock<Host> = OnceLock::new();
        HOST.get_or_init(|| Host::local(std::env::temp_dir()))
    }
}

fn run_typed(module: &str, name: &str, args: Vec<Value>, ret: Option<Type>) -> Result<Value, EvalError> {
    let f = implementation(module, name).unwrap_or_else(|| panic!("no implementation of {module}.{name}"));
    let result = f(&mut Ctx { ret }, &args);
    if let Err(e) = &result {
        let def = functions::lookup(module, name).unwrap_or_else(|| panic!("{module}.{name} is not in the table"));
        assert_eq!(e.catchable, def.catchable, "{module}.{name}: error `{}` has the wrong catchable flag", e.message);
    }
    result
}

fn run(module: &str, name: &str, args: Vec<Value>) -> Result<Value, EvalError> {
    run_typed(module, name, args, None)
}

/// The str a call returns.
fn text(module: &str, name: &str, args: Vec<Value>) -> String {
    match run(module, name, args) {
        Ok(Value::Str(s)) => s.to_string(),
        other => panic!("{module}.{name}: expected a str, got {other:?}"),
    }
}

fn boolean(module: &str, name: &str, args: Vec<Value>) -> bool {
    match run(module, name, args) {
        Ok(Value::Bool(b)) => b,
        other => panic!("{module}.{name}: expected a bool, got {other:?}"),
    }
}

fn int(module: &str, name: &str, args: Vec<Value>) -> i64 {
    match run(module, name, args) {
        Ok(Value::Int(i)) => i,
        other => panic!("{module}.{name}: expected an int, got {other:?}"),
    }
}

/// The error of a call that must fail (its catchable flag is checked by [`run_typed`]).
fn error(module: &str, name: &str, args: Vec<Value>) -> EvalError {
    match run(module, name, args) {
        Err(e) => e,
        Ok(v) => panic!("{module}.{name}: expected an error, got {v}"),
    }
}

fn s(x: &str) -> Value {
    Value::str(x)
}

fn strs(xs: &[&str]) -> Value {
    Value::list(xs.iter().map(|x| s(x)).collect())
}

fn i(x: i64) -> Value {
    Value::Int(x)
}

fn ty(t: &str) -> Type {
    types::parse(t).unwrap_or_else(|e| panic!("{e}"))
}

fn structure(fields: &[(&str, Value)]) -> Value {
    Value::structure(fields.iter().map(|(n, v)| (SmolStr::new(n), v.clone())).collect())
}

#[test]
fn every_pure_function_of_these_modules_is_implemented() {
    let modules = ["fmt", "strings", "golang/strings", "golang/strconv", "golang/path", "golang/path/filepath", "golang/html", "encoding", "regexp", "net"];
    for module in modules {
        for f in functions::module_members(module) {
            if f.kind == FunctionKind::Pure {
                assert!(implementation(module, f.name).is_some(), "{module}.{} is not implemented", f.name);
            }
        }
    }
    for skipped in ["interface_cidr", "macs", "wired_interface"] {
        assert!(implementation("net", skipped).is_none());
    }
}

// ---------------------------------------------------------------------------------------------
// fmt.printf
// ---------------------------------------------------------------------------------------------

fn printf(args: Vec<Value>) -> Result<Value, EvalError> {
    run("fmt", "printf", args)
}

fn printf_ok(args: Vec<Value>) -> String {
    match printf(args) {
        Ok(Value::Str(x)) => x.to_string(),
        other => panic!("printf: {other:?}"),
    }
}

#[test]
fn printf_verbs() {
    assert_eq!(printf_ok(vec![s("the %s is: %d"), s("answer"), i(42)]), "the answer is: 42");
    assert_eq!(printf_ok(vec![s("%t/%t"), Value::Bool(true), Value::Bool(false)]), "true/false");
    assert_eq!(printf_ok(vec![s("100%% sure")]), "100% sure");
    assert_eq!(printf_ok(vec![s("%q"), s("say \"hi\"\n")]), r#""say \"hi\"\n""#);
    assert_eq!(printf_ok(vec![s("%v and %v"), s("str"), i(-3)]), "str and -3");
    assert_eq!(printf_ok(vec![s("héllo %s ✓"), s("wörld")]), "héllo wörld ✓");
    assert_eq!(printf_ok(vec![s("no verbs")]), "no verbs");
}

#[test]
fn printf_floats_print_like_mgmt() {
    // mgmt prints floats with strconv.FormatFloat(f, 'f', -1, 64): `42`, not Go's `42.000000`.
    assert_eq!(printf_ok(vec![s("float: %f"), Value::Float(42.0)]), "float: 42");
    assert_eq!(printf_ok(vec![s("%f"), Value::Float(4.56789)]), "4.56789");
    assert_eq!(printf_ok(vec![s("%v"), Value::Float(0.1)]), "0.1");
    assert_eq!(printf_ok(vec![s("%f"), Value::Float(1e21)]), "1000000000000000000000");
    assert_eq!(printf_ok(vec![s("%f"), Value::Float(1e-7)]), "0.0000001");
    assert_eq!(printf_ok(vec![s("%f %f %f"), Value::Float(f64::NAN), Value::Float(f64::INFINITY), Value::Float(f64::NEG_INFINITY)]), "NaN +Inf -Inf");
    assert_eq!(printf_ok(vec![s("%f"), Value::Float(-0.0)]), "-0");
}

#[test]
fn printf_containers_and_types() {
    let list = Value::list(vec![i(1), i(2), i(3)]);
    let map = Value::Map(Arc::new(BTreeMap::from([(s("b"), Value::Float(2.5)), (s("a"), Value::Float(1.0))])));
    let st = structure(&[("name", s("mgmt")), ("count", i(3))]);
    assert_eq!(printf_ok(vec![s("%v"), list.clone()]), "[1, 2, 3]");
    assert_eq!(printf_ok(vec![s("%v"), map.clone()]), r#"{"a": 1, "b": 2.5}"#);
    assert_eq!(printf_ok(vec![s("%v"), st.clone()]), r#"struct{name: "mgmt"; count: 3}"#);
    assert_eq!(printf_ok(vec![s("%v"), strs(&["a", "b"])]), r#"["a", "b"]"#);
    assert_eq!(
        printf_ok(vec![s("types: %T %T %T %T %T"), i(42), s("hello"), list, Value::Map(Arc::new(BTreeMap::from([(s("answer"), i(42))]))), st]),
        "types: int str []int map{str: int} struct{name str; count int}"
    );
    assert_eq!(printf_ok(vec![s("%T %T"), Value::Float(1.0), Value::Bool(true)]), "float bool");
}

#[test]
fn printf_errors_and_oddities() {
    let e = printf(vec![s("%d"), s("hi")]).unwrap_err();
    assert!(!e.catchable);
    assert_eq!(e.message, "printf: verb %d needs an int, got str");
    assert_eq!(printf(vec![s("%s"), i(1)]).unwrap_err().message, "printf: verb %s needs a str, got int");
    assert!(printf(vec![s("%f"), i(1)]).is_err());
    assert!(printf(vec![s("%t"), s("true")]).is_err());
    assert!(printf(vec![s("%q"), i(1)]).is_err());
    let missing = printf(vec![s("%s and %s"), s("one")]).unwrap_err();
    assert_eq!(missing.message, "printf: more specifiers (2) than values (1)");
    assert!(!missing.catchable);
    let bad = printf(vec![s("%x"), i(1)]).unwrap_err();
    assert!(bad.message.contains("invalid format string at 1"), "{}", bad.message);
    assert!(printf(vec![s("%5d"), i(1)]).is_err(), "no widths");
    // As in mgmt: extra values are ignored, a trailing lone % prints nothing.
    assert_eq!(printf_ok(vec![s("x"), i(1), i(2)]), "x");
    assert_eq!(printf_ok(vec![s("100%")]), "100");
    assert!(printf(vec![]).is_err());
}

// ---------------------------------------------------------------------------------------------
// strings (mgmt's module)
// ---------------------------------------------------------------------------------------------

#[test]
fn mgmt_strings_module() {
    assert!(boolean("strings", "contains", vec![s("hello"), s("ell")]));
    assert!(boolean("strings", "contains", vec![s("hello"), s("")]));
    assert!(!boolean("strings", "has_prefix", vec![s("hello"), s("el")]));
    assert!(boolean("strings", "has_suffix", vec![s("hello"), s("llo")]));
    assert_eq!(text("strings", "replace_all", vec![s("a-b-c"), s("-"), s("+")]), "a+b+c");
    assert_eq!(text("strings", "replace_all", vec![s("abc"), s(""), s("|")]), "|a|b|c|");
    assert_eq!(text("strings", "to_lower", vec![s("HeLLo ÀÉ")]), "hello àé");
    assert_eq!(text("strings", "to_upper", vec![s("hello straße")]), "HELLO STRAßE");
    assert_eq!(text("strings", "trim_space", vec![s(" \t\n hi there \u{a0}\r\n")]), "hi there");
    assert_eq!(text("strings", "join_nonempty", vec![strs(&["a", "", "b", ""]), s(",")]), "a,b");
    assert_eq!(text("strings", "join_nonempty", vec![strs(&[]), s(",")]), "");
}

#[test]
fn strings_split_is_go_split() {
    let split = |a: &str, b: &str| run("strings", "split", vec![s(a), s(b)]).unwrap();
    assert_eq!(split("a,b,,c", ","), strs(&["a", "b", "", "c"]));
    assert_eq!(split("", ","), strs(&[""]));
    assert_eq!(split("abc", ""), strs(&["a", "b", "c"]));
    assert_eq!(split("", ""), strs(&[]));
    assert_eq!(split("héé", ""), strs(&["h", "é", "é"]));
    assert_eq!(split("a--b--", "--"), strs(&["a", "b", ""]));
}

#[test]
fn strings_padding() {
    let pad = |f: &str, x: &str, p: &str, n: i64| text("strings", f, vec![s(x), s(p), i(n)]);
    assert_eq!(pad("left_pad", "hello", " ", 7), "  hello");
    assert_eq!(pad("left_pad", "hello", "ab", 5), "hello");
    assert_eq!(pad("left_pad", "hello", "ab", 6), "abhello");
    assert_eq!(pad("left_pad", "hello", "ab", 8), "ababhello");
    assert_eq!(pad("left_pad", "", "ab", 3), "abab");
    assert_eq!(pad("left_pad", "", "", 0), "");
    assert_eq!(pad("right_pad", "hello", "ab", 8), "helloabab");
    assert_eq!(pad("right_pad", "7", "0", 3), "700");
    assert_eq!(pad("right_pad", "x", "0", -5), "x");
    // mgmt would loop forever; this is a fatal error.
    assert!(!error("strings", "left_pad", vec![s("x"), s(""), i(3)]).catchable);
    assert!(!error("strings", "right_pad", vec![s("x"), s("y"), i(i64::MAX)]).catchable);
}

#[test]
fn strings_substr() {
    let sub = |x: &str, lo: i64, hi: i64| run("strings", "substr", vec![s(x), i(lo), i(hi)]);
    assert_eq!(sub("hello", 1, 3).unwrap(), s("el"));
    assert_eq!(sub("hello", 0, 5).unwrap(), s("hello"));
    assert_eq!(sub("hello", 5, 5).unwrap(), s(""));
    for (lo, hi) in [(-1, 2), (0, 6), (3, 2), (6, 6), (0, -1)] {
        let e = sub("hello", lo, hi).unwrap_err();
        assert!(e.catchable, "substr({lo}, {hi}) must be catchable");
        assert_eq!(e.message, "low/high out of range");
    }
    // Byte offsets, as in Go; a cut character becomes U+FFFD.
    assert_eq!(sub("héllo", 0, 3).unwrap(), s("hé"));
    assert_eq!(sub("héllo", 0, 2).unwrap(), s("h\u{fffd}"));
}

// ---------------------------------------------------------------------------------------------
// golang/strings
// ---------------------------------------------------------------------------------------------

const GS: &str = "golang/strings";

#[test]
fn golang_strings_searching() {
    assert_eq!(int(GS, "index", vec![s("chicken"), s("ken")]), 4);
    assert_eq!(int(GS, "index", vec![s("chicken"), s("dmr")]), -1);
    assert_eq!(int(GS, "index", vec![s("chicken"), s("")]), 0);
    assert_eq!(int(GS, "index", vec![s("héllo"), s("l")]), 3, "byte offsets");
    assert_eq!(int(GS, "last_index", vec![s("go gopher"), s("go")]), 3);
    assert_eq!(int(GS, "last_index", vec![s("go"), s("")]), 2);
    assert_eq!(int(GS, "index_any", vec![s("golang"), s("ny")]), 4);
    assert_eq!(int(GS, "index_any", vec![s("golang"), s("")]), -1);
    assert_eq!(int(GS, "index_any", vec![s("aéb"), s("éb")]), 1);
    assert_eq!(int(GS, "last_index_any", vec![s("go gopher"), s("go")]), 4);
    assert_eq!(int(GS, "last_index_any", vec![s("go gopher"), s("")]), -1);
    assert!(boolean(GS, "contains_any", vec![s("failure"), s("ui")]));
    assert!(!boolean(GS, "contains_any", vec![s("foo"), s("")]));
    assert!(!boolean(GS, "contains_any", vec![s(""), s("")]));
    assert!(boolean(GS, "contains", vec![s(""), s("")]));
    assert_eq!(int(GS, "count", vec![s("cheese"), s("e")]), 3);
    assert_eq!(int(GS, "count", vec![s("five"), s("")]), 5);
    assert_eq!(int(GS, "count", vec![s("ééé"), s("")]), 4);
    assert_eq!(int(GS, "count", vec![s("aaaa"), s("aa")]), 2);
    assert_eq!(int(GS, "compare", vec![s("a"), s("b")]), -1);
    assert_eq!(int(GS, "compare", vec![s("b"), s("a")]), 1);
    assert_eq!(int(GS, "compare", vec![s("a"), s("a")]), 0);
    assert!(boolean(GS, "has_prefix", vec![s("Gopher"), s("")]));
}

#[test]
fn golang_strings_case() {
    assert!(boolean(GS, "equal_fold", vec![s("Go"), s("GO")]));
    assert!(boolean(GS, "equal_fold", vec![s("σ"), s("ς")]));
    assert!(boolean(GS, "equal_fold", vec![s("k"), s("\u{212a}")]), "Kelvin sign folds to k");
    assert!(boolean(GS, "equal_fold", vec![s("ß"), s("ẞ")]));
    assert!(!boolean(GS, "equal_fold", vec![s("i"), s("İ")]));
    assert!(!boolean(GS, "equal_fold", vec![s("ab"), s("a")]));
    assert_eq!(text(GS, "to_upper", vec![s("ǆemal ß ᾳ")]), "ǄEMAL ß ᾼ");
    assert_eq!(text(GS, "to_title", vec![s("ǆemal")]), "ǅEMAL");
    assert_eq!(text(GS, "to_lower", vec![s("İSTANBUL ΣΑΣ")]), "istanbul σασ");
    assert_eq!(text(GS, "title", vec![s("her royal highness")]), "Her Royal Highness");
    assert_eq!(text(GS, "title", vec![s("hello_world foo-bar x1y été")]), "Hello_world Foo-Bar X1y Été");
    assert_eq!(text(GS, "title", vec![s("ǆ ǆ")]), "ǅ ǅ");
}

#[test]
fn golang_strings_editing() {
    let rep = |x: &str, old: &str, new: &str, n: i64| text(GS, "replace", vec![s(x), s(old), s(new), i(n)]);
    assert_eq!(rep("oink oink oink", "k", "ky", 2), "oinky oinky oink");
    assert_eq!(rep("oink oink oink", "oink", "moo", -1), "moo moo moo");
    assert_eq!(rep("abc", "", "-", 2), "-a-bc");
    assert_eq!(rep("héllo", "", "-", -1), "-h-é-l-l-o-");
    assert_eq!(rep("abc", "b", "x", 0), "abc");
    assert_eq!(rep("aaa", "a", "b", 10), "bbb");
    assert_eq!(text(GS, "replace_all", vec![s("a.b.c"), s("."), s("")]), "abc");
    assert_eq!(text(GS, "repeat", vec![s("na"), i(3)]), "nanana");
    assert_eq!(text(GS, "repeat", vec![s("x"), i(0)]), "");
    assert!(error(GS, "repeat", vec![s("x"), i(-1)]).message.contains("negative Repeat count"));
    assert!(!error(GS, "repeat", vec![s("xx"), i(i64::MAX)]).catchable);
    assert_eq!(text(GS, "join", vec![strs(&["foo", "bar", "baz"]), s(", ")]), "foo, bar, baz");
    assert_eq!(text(GS, "join", vec![strs(&[]), s(", ")]), "");
    assert_eq!(text(GS, "trim", vec![s("¡¡¡Hello, Gophers!!!"), s("!¡")]), "Hello, Gophers");
    assert_eq!(text(GS, "trim", vec![s("  x  "), s("")]), "  x  ");
    assert_eq!(text(GS, "trim_left", vec![s("xxhixx"), s("x")]), "hixx");
    assert_eq!(text(GS, "trim_right", vec![s("xxhixx"), s("x")]), "xxhi");
    assert_eq!(text(GS, "trim_prefix", vec![s("prefix-body"), s("prefix-")]), "body");
    assert_eq!(text(GS, "trim_prefix", vec![s("body"), s("x")]), "body");
    assert_eq!(text(GS, "trim_suffix", vec![s("file.tar.gz"), s(".gz")]), "file.tar");
    assert_eq!(text(GS, "trim_space", vec![s("\u{2003} x \u{85}")]), "x");
    assert_eq!(text(GS, "clone", vec![s("same")]), "same");
    assert_eq!(text(GS, "to_valid_utf_8", vec![s("valid ✓"), s("?")]), "valid ✓");
}

// ---------------------------------------------------------------------------------------------
// golang/strconv
// ---------------------------------------------------------------------------------------------

const SC: &str = "golang/strconv";

#[test]
fn strconv_quoting() {
    assert_eq!(text(SC, "quote", vec![s("Hello, 世界\n\t\"\\")]), r#""Hello, 世界\n\t\"\\""#);
    assert_eq!(text(SC, "quote", vec![s("\x07\x00\x7f\u{ad}\u{2028}\u{feff}")]), r#""\a\x00\x7f\u00ad\u2028\ufeff""#);
    assert_eq!(text(SC, "quote", vec![s("\u{a0}")]), r#""\u00a0""#);
    assert_eq!(text(SC, "quote_to_graphic", vec![s("\u{a0}x\u{3000}\t")]), "\"\u{a0}x\u{3000}\\t\"");
    assert_eq!(text(SC, "quote_to_ascii", vec![s("Hello, 世界 😀")]), r#""Hello, \u4e16\u754c \U0001f600""#);
    assert_eq!(text(SC, "append_quote", vec![s("x="), s("a\"b")]), r#"x="a\"b""#);
    assert_eq!(text(SC, "append_quote_to_ascii", vec![s(">"), s("é")]), r#">"\u00e9""#);
    assert_eq!(text(SC, "append_quote_to_graphic", vec![s(">"), s("\u{1680}")]), ">\"\u{1680}\"");
    assert!(boolean(SC, "can_backquote", vec![s("Fran & Freddie's Diner ☺\t")]));
    assert!(!boolean(SC, "can_backquote", vec![s("`can't backquote this`")]));
    assert!(!boolean(SC, "can_backquote", vec![s("line\nbreak")]));
    assert!(!boolean(SC, "can_backquote", vec![s("\u{feff}")]));
}

#[test]
fn strconv_unquoting() {
    assert_eq!(text(SC, "unquote", vec![s(r#""Hello\t\u4e16\U0001F600\x41\101\"""#)]), "Hello\t世😀AA\"");
    assert_eq!(text(SC, "unquote", vec![s("`raw\\n\r`")]), "raw\\n");
    assert_eq!(text(SC, "unquote", vec![s("'a'")]), "a");
    assert_eq!(text(SC, "unquote", vec![s("'☺'")]), "☺");
    assert_eq!(text(SC, "unquote", vec![s(r"'\''")]), "'");
    assert_eq!(text(SC, "unquote", vec![s(r#""é""#)]), "é");
    assert_eq!(text(SC, "unquote", vec![s(r#""\xff""#)]), "\u{fffd}");
    for bad in [r#""abc"#, r#""a"b""#, "'ab'", r#""\q""#, "\"a\nb\"", r#"'\"'"#, "abc", "\"", r#""\400""#, r#""\ud800""#, ""] {
        let e = error(SC, "unquote", vec![s(bad)]);
        assert_eq!(e.message, "invalid syntax", "{bad}");
    }
    assert_eq!(text(SC, "quoted_prefix", vec![s(r#""not a \"bug\"" rest"#)]), r#""not a \"bug\"""#);
    assert_eq!(text(SC, "quoted_prefix", vec![s("`or`backquoted")]), "`or`");
    assert_eq!(text(SC, "quoted_prefix", vec![s("'\u{263a}' smile")]), "'\u{263a}'");
    assert!(!error(SC, "quoted_prefix", vec![s("no quotes")]).catchable);
}

#[test]
fn strconv_integers() {
    assert_eq!(int(SC, "atoi", vec![s("-42")]), -42);
    assert_eq!(int(SC, "atoi", vec![s("+7")]), 7);
    assert_eq!(int(SC, "atoi", vec![s("9223372036854775807")]), i64::MAX);
    assert_eq!(int(SC, "atoi", vec![s("-9223372036854775808")]), i64::MIN);
    assert_eq!(error(SC, "atoi", vec![s("12a")]).message, r#"strconv.Atoi: parsing "12a": invalid syntax"#);
    assert_eq!(error(SC, "atoi", vec![s("")]).message, r#"strconv.Atoi: parsing "": invalid syntax"#);
    assert_eq!(error(SC, "atoi", vec![s("9223372036854775808")]).message, r#"strconv.Atoi: parsing "9223372036854775808": value out of range"#);
    assert!(error(SC, "atoi", vec![s("1_000")]).message.ends_with("invalid syntax"));
    assert!(error(SC, "atoi", vec![s(" 1")]).message.ends_with("invalid syntax"));
    let parse = |x: &str, base: i64, bits: i64| run(SC, "parse_int", vec![s(x), i(base), i(bits)]);
    assert_eq!(parse("ff", 16, 64).unwrap(), i(255));
    assert_eq!(parse("-0x1F", 0, 64).unwrap(), i(-31));
    assert_eq!(parse("0b101", 0, 8).unwrap(), i(5));
    assert_eq!(parse("0o17", 0, 64).unwrap(), i(15));
    assert_eq!(parse("017", 0, 64).unwrap(), i(15));
    assert_eq!(parse("1_000", 0, 64).unwrap(), i(1000));
    assert_eq!(parse("zz", 36, 64).unwrap(), i(1295));
    assert_eq!(parse("0", 0, 0).unwrap(), i(0));
    assert_eq!(parse("127", 10, 8).unwrap(), i(127));
    assert_eq!(parse("-128", 10, 8).unwrap(), i(-128));
    assert_eq!(parse("128", 10, 8).unwrap_err().message, r#"strconv.ParseInt: parsing "128": value out of range"#);
    assert_eq!(parse("1_000", 10, 64).unwrap_err().message, r#"strconv.ParseInt: parsing "1_000": invalid syntax"#);
    assert_eq!(parse("_1", 0, 64).unwrap_err().message, r#"strconv.ParseInt: parsing "_1": invalid syntax"#);
    assert_eq!(parse("1", 1, 64).unwrap_err().message, r#"strconv.ParseInt: parsing "1": invalid base 1"#);
    assert_eq!(parse("1", 10, 65).unwrap_err().message, r#"strconv.ParseInt: parsing "1": invalid bit size 65"#);
    assert_eq!(parse("-", 10, 64).unwrap_err().message, r#"strconv.ParseInt: parsing "-": invalid syntax"#);
    assert_eq!(text(SC, "itoa", vec![i(-17)]), "-17");
    assert_eq!(text(SC, "format_int", vec![i(-255), i(16)]), "-ff");
    assert_eq!(text(SC, "format_int", vec![i(5), i(2)]), "101");
    assert_eq!(text(SC, "format_int", vec![i(i64::MIN), i(36)]), "-1y2p0ij32e8e8");
    assert!(!error(SC, "format_int", vec![i(5), i(1)]).catchable);
    assert!(error(SC, "format_int", vec![i(5), i(37)]).message.contains("illegal"));
    assert_eq!(text(SC, "append_int", vec![s("n="), i(42), i(10)]), "n=42");
    assert_eq!(text(SC, "append_bool", vec![s("b="), Value::Bool(false)]), "b=false");
    assert_eq!(text(SC, "format_bool", vec![Value::Bool(true)]), "true");
}

#[test]
fn strconv_bools_and_floats() {
    for t in ["1", "t", "T", "TRUE", "true", "True"] {
        assert!(boolean(SC, "parse_bool", vec![s(t)]), "{t}");
    }
    for f in ["0", "f", "F", "FALSE", "false", "False"] {
        assert!(!boolean(SC, "parse_bool", vec![s(f)]), "{f}");
    }
    assert_eq!(error(SC, "parse_bool", vec![s("yes")]).message, r#"strconv.ParseBool: parsing "yes": invalid syntax"#);
    let float = |x: &str, bits: i64| run(SC, "parse_float", vec![s(x), i(bits)]);
    let f = |x: &str| match float(x, 64) {
        Ok(Value::Float(v)) => v,
        other => panic!("{x}: {other:?}"),
    };
    assert_eq!(f("3.25"), 3.25);
    assert_eq!(f("-1e3"), -1000.0);
    assert_eq!(f(".5"), 0.5);
    assert_eq!(f("5."), 5.0);
    assert_eq!(f("1_000.5"), 1000.5);
    assert_eq!(f("0x1p-2"), 0.25);
    assert_eq!(f("0x1.8p1"), 3.0);
    assert_eq!(f("-0X_1FFFP-16"), -0.1249847412109375);
    assert_eq!(f("1e-400"), 0.0);
    assert_eq!(f("0x.8p1"), 1.0);
    assert_eq!(f("1.e5"), 100000.0);
    assert!(float("0x1p1024", 64).unwrap_err().message.ends_with("value out of range"));
    assert!(f("NaN").is_nan());
    assert_eq!(f("-Inf"), f64::NEG_INFINITY);
    assert_eq!(f("+infinity"), f64::INFINITY);
    assert_eq!(float("0.1", 32).unwrap(), Value::Float(f64::from(0.1f32)));
    for bad in ["", "abc", "1e", "+nan", "infin", "1__0", "0x1", "+-1", "1.2.3", " 1"] {
        assert!(float(bad, 64).unwrap_err().message.ends_with(": invalid syntax"), "{bad}");
    }
    assert_eq!(float("1e400", 64).unwrap_err().message, r#"strconv.ParseFloat: parsing "1e400": value out of range"#);
    assert!(float("1e39", 32).unwrap_err().message.ends_with("value out of range"));
}

// ---------------------------------------------------------------------------------------------
// golang/path and golang/path/filepath
// ---------------------------------------------------------------------------------------------

#[test]
fn path_clean_and_friends() {
    for module in ["golang/path", "golang/path/filepath"] {
        let clean = |x: &str| text(module, "clean", vec![s(x)]);
        for (input, want) in [
            ("", "."),
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc/", "abc"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("//abc", "/abc"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
        ] {
            assert_eq!(clean(input), want, "{module}.clean({input:?})");
        }
        let one = |f: &str, x: &str| text(module, f, vec![s(x)]);
        assert_eq!(one("base", "/a/b.txt"), "b.txt");
        assert_eq!(one("base", "/a/b/"), "b");
        assert_eq!(one("base", "///"), "/");
        assert_eq!(one("base", ""), ".");
        assert_eq!(one("base", "x"), "x");
        assert_eq!(one("dir", "/a/b/c"), "/a/b");
        assert_eq!(one("dir", "a/b/"), "a/b");
        assert_eq!(one("dir", "x"), ".");
        assert_eq!(one("dir", "/"), "/");
        assert_eq!(one("dir", ""), ".");
        assert_eq!(one("dir", "//x"), "/");
        assert_eq!(one("ext", "/a/b.tar.gz"), ".gz");
        assert_eq!(one("ext", "/a.b/c"), "");
        assert_eq!(one("ext", "file."), ".");
        assert!(boolean(module, "is_abs", vec![s("/x")]));
        assert!(!boolean(module, "is_abs", vec![s("x/y")]));
        let join = |xs: &[&str]| text(module, "join", vec![strs(xs)]);
        assert_eq!(join(&["a", "b", "c"]), "a/b/c");
        assert_eq!(join(&["a", "", "c"]), "a/c");
        assert_eq!(join(&["", ""]), "");
        assert_eq!(join(&[]), "");
        assert_eq!(join(&["", "/a/", "../b"]), "/b");
        assert_eq!(join(&["a/", "/b"]), "a/b");
    }
}

#[test]
fn path_match() {
    for module in ["golang/path", "golang/path/filepath"] {
        let m = |p: &str, n: &str| run(module, "match", vec![s(p), s(n)]);
        for (pattern, name, want) in [
            ("abc", "abc", true),
            ("*", "abc", true),
            ("*c", "abc", true),
            ("a*", "a", true),
            ("a*", "abc", true),
            ("a*", "ab/c", false),
            ("a*/b", "abc/b", true),
            ("a*/b", "a/c/b", false),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", true),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
            ("a*b?c*x", "abxbbxdbxebxczzx", true),
            ("a*b?c*x", "abxbbxdbxebxczzy", false),
            ("ab[c]", "abc", true),
            ("ab[b-d]", "abc", true),
            ("ab[e-g]", "abc", false),
            ("ab[^c]", "abc", false),
            ("ab[^b-d]", "abc", false),
            ("ab[^e-g]", "abc", true),
            ("a\\*b", "a*b", true),
            ("a\\*b", "ab", false),
            ("a?b", "a☺b", true),
            ("a[^a]b", "a☺b", true),
            ("a???b", "a☺b", false),
            ("a[^a][^a][^a]b", "a☺b", false),
            ("[a-ζ]*", "α", true),
            ("*[a-ζ]", "A", false),
            ("a?b", "a/b", false),
            ("a*b", "a/b", false),
            ("[\\]a]", "]", true),
            ("[\\-]", "-", true),
            ("[x\\-]", "x", true),
            ("[x\\-]", "-", true),
            ("[x\\-]", "z", false),
            ("[\\-x]", "a", false),
            ("*x", "xxx", true),
        ] {
            assert_eq!(m(pattern, name).unwrap(), Value::Bool(want), "{module}.match({pattern:?}, {name:?})");
        }
        for (pattern, name) in [
            ("[]a]", "]"),
            ("[-]", "-"),
            ("[x-]", "x"),
            ("[-x]", "x"),
            ("\\", "a"),
            ("[a-b-c]", "a"),
            ("[", "a"),
            ("[^", "a"),
            ("[^bc", "a"),
            ("a[", "a"),
            ("a[", "ab"),
            ("a[", "x"),
            ("a/b[", "x"),
            ("*x[", "xxx"),
        ] {
            let e = m(pattern, name).unwrap_err();
            assert_eq!(e.message, "syntax error in pattern", "{module}.match({pattern:?}, {name:?})");
        }
    }
}

#[test]
fn filepath_only_functions() {
    const FP: &str = "golang/path/filepath";
    let local = |x: &str| boolean(FP, "is_local", vec![s(x)]);
    for (p, want) in [("", false), (".", true), ("..", false), ("../a", false), ("a/../..", false), ("a/../b", true), ("/a", false), ("a/./b", true), ("a..b", true)] {
        assert_eq!(local(p), want, "is_local({p:?})");
    }
    assert_eq!(text(FP, "localize", vec![s("a/b")]), "a/b");
    assert_eq!(text(FP, "localize", vec![s(".")]), ".");
    for bad in ["/a", "a/", "a//b", "a/../b", "", "a\0b"] {
        assert_eq!(error(FP, "localize", vec![s(bad)]).message, "invalid path", "{bad:?}");
    }
    let rel = |b: &str, t: &str| run(FP, "rel", vec![s(b), s(t)]);
    for (base, targ, want) in [
        ("a/b", "a/b", "."),
        ("a/b/.", "a/b", "."),
        ("a/b", "a/b/.", "."),
        ("./a/b", "a/b", "."),
        ("a/b", "./a/b", "."),
        ("ab/cd", "ab/cde", "../cde"),
        ("ab/cd", "ab/c", "../c"),
        ("a/b", "a/b/c/d", "c/d"),
        ("a/b", "a/b/../c", "../c"),
        ("a/b/../c", "a/b", "../b"),
        ("a/b/c", "a/c/d", "../../c/d"),
        ("a/b", "c/d", "../../c/d"),
        ("a/b/c/d", "a/b", "../.."),
        ("a/b/c/d", "a/b/", "../.."),
        ("a/b/c/d/", "a/b", "../.."),
        ("../../a/b", "../../a/b/c/d", "c/d"),
        ("/a/b", "/a/b", "."),
        ("/a/b/.", "/a/b", "."),
        ("/ab/cd", "/ab/cde", "../cde"),
        ("/a/b", "/a/b/c/d", "c/d"),
        ("/../../a/b", "/a/b/c/d", "c/d"),
        (".", "a/b", "a/b"),
        (".", "..", ".."),
        ("/", "/a/b", "a/b"),
    ] {
        assert_eq!(rel(base, targ).unwrap(), s(want), "rel({base:?}, {targ:?})");
    }
    for (base, targ) in [("a", "/a"), ("/a", "a"), ("..", "."), ("../a", ".")] {
        let e = rel(base, targ).unwrap_err();
        assert_eq!(e.message, format!("Rel: can't make {targ} relative to {base}"));
    }
    assert_eq!(text(FP, "volume_name", vec![s("/a/b")]), "");
    assert_eq!(text(FP, "to_slash", vec![s("a/b")]), "a/b");
    assert_eq!(text(FP, "from_slash", vec![s("a/b")]), "a/b");
    assert!(boolean(FP, "has_prefix", vec![s("/a/b"), s("/a")]));
    // Host-dependent, but checkable against this process.
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(text(FP, "abs", vec![s("/x/../y")]), "/y");
    assert_eq!(text(FP, "abs", vec![s("sub/./f")]), format!("{}/sub/f", cwd.display()));
    let dir = tempfile::tempdir().unwrap();
    let real = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(real.join("file"), "x").unwrap();
    std::os::unix::fs::symlink(real.join("file"), real.join("link")).unwrap();
    assert_eq!(text(FP, "eval_symlinks", vec![s(&real.join("link").to_string_lossy())]), real.join("file").to_string_lossy());
    let e = error(FP, "eval_symlinks", vec![s(&real.join("missing").to_string_lossy())]);
    assert!(e.message.contains("no such file or directory"), "{}", e.message);
}

// ---------------------------------------------------------------------------------------------
// golang/html
// ---------------------------------------------------------------------------------------------

#[test]
fn html_escaping() {
    const H: &str = "golang/html";
    assert_eq!(text(H, "escape_string", vec![s(r#"<a href="x">Tom & Jerry's</a>"#)]), "&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    let un = |x: &str| text(H, "unescape_string", vec![s(x)]);
    assert_eq!(un("&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"), r#"<a href="x">Tom & Jerry's</a>"#);
    assert_eq!(un("no entities"), "no entities");
    assert_eq!(un("&quot;&apos;&nbsp;&copy;&eacute;&Omega;&hearts;"), "\"'\u{a0}©éΩ♥");
    assert_eq!(un("&#x41;&#X42;&#67;&#0;&#x110000;&#xD800;&#128;&#150;"), "ABC\u{fffd}\u{fffd}\u{fffd}€–");
    assert_eq!(un("&amp"), "&");
    assert_eq!(un("&ampx;"), "&x;");
    assert_eq!(un("&notit;"), "¬it;");
    assert_eq!(un("&Omega"), "&Omega", "not a legacy name: needs the semicolon");
    assert_eq!(un("&unknown; & &; &#; &#x; &#xZ"), "&unknown; & &; &#; \u{fffd} &#xZ");
    assert_eq!(un("a&"), "a&");
    assert_eq!(un("&&amp;"), "&&");
}

// ---------------------------------------------------------------------------------------------
// encoding
// ---------------------------------------------------------------------------------------------

#[test]
fn base64() {
    const E: &str = "encoding";
    for (plain, coded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"), ("hello", "aGVsbG8="), ("é?>", "w6k/Pg==")] {
        assert_eq!(text(E, "base64_encode", vec![s(plain)]), coded);
        assert_eq!(text(E, "base64_decode", vec![s(coded)]), plain);
    }
    assert_eq!(text(E, "base64_decode", vec![s("aGVs\r\nbG8=\n")]), "hello");
    assert_eq!(text(E, "base64_decode", vec![s("aGVsbG9=")]), "hello", "non-zero trailing bits are accepted");
    assert_eq!(text(E, "base64_decode", vec![s("/w==")]), "\u{fffd}");
    for (bad, at) in [("aGVsbG8", 4), ("aGVsbG8=x", 8), ("a===", 1), ("Zg=", 3), ("Zg=x", 2), ("Z", 0), ("aGVs bG8=", 4), ("aGVsbG8=aGVs", 8)] {
        let e = error(E, "base64_decode", vec![s(bad)]);
        assert!(!e.catchable);
        assert_eq!(e.message, format!("could not decode base64: illegal base64 data at input byte {at}"), "{bad:?}");
    }
}

fn decode(name: &str, data: &str, type_arg: Option<&str>, ret: Option<&str>) -> Result<Value, EvalError> {
    let mut args = vec![s(data)];
    args.extend(type_arg.map(s));
    run_typed("encoding", name, args, ret.map(ty))
}

#[test]
fn decode_json_by_type() {
    let json = r#"{"hello": 42}"#;
    assert_eq!(decode("decode_json", json, Some("struct{hello int;}"), None).unwrap(), structure(&[("hello", i(42))]));
    assert_eq!(decode("decode_json", json, Some("map{str: int}"), None).unwrap(), Value::Map(Arc::new(BTreeMap::from([(s("hello"), i(42))]))));
    assert_eq!(decode("decode_json", json, None, Some("map{str: float}")).unwrap(), Value::Map(Arc::new(BTreeMap::from([(s("hello"), Value::Float(42.0))]))));
    assert_eq!(decode("decode_json", json, Some("map{str: int}"), Some("map{str: int}")).unwrap(), Value::Map(Arc::new(BTreeMap::from([(s("hello"), i(42))]))));
    let nested = r#" [ {"a": [true, false], "b": "x\u00e9\n\ud83d\ude00"}, {"b": "", "a": []} ] trailing"#;
    assert_eq!(
        decode("decode_json", nested, None, Some("[]struct{a []bool; b str}")).unwrap(),
        Value::list(vec![
            structure(&[("a", Value::list(vec![Value::Bool(true), Value::Bool(false)])), ("b", s("xé\n😀"))]),
            structure(&[("a", Value::list(vec![])), ("b", s(""))]),
        ])
    );
    assert_eq!(decode("decode_json", "-0", None, Some("int")).unwrap(), i(0));
    assert_eq!(decode("decode_json", "01", None, Some("int")).unwrap(), i(0), "Go's decoder stops after the first value");
    assert_eq!(decode("decode_json", "123abc", None, Some("int")).unwrap(), i(123));
    assert_eq!(decode("decode_json", "1.5e3", None, Some("float")).unwrap(), Value::Float(1500.0));
    assert_eq!(decode("decode_json", r#"{"a": 1, "a": 2}"#, None, Some("map{str: int}")).unwrap(), Value::Map(Arc::new(BTreeMap::from([(s("a"), i(2))]))));
}

#[test]
fn decode_json_flexible_fills_zero_values() {
    let data = r#"{"4": {"hello": 13, "goodbye": "abc"}, "7": {"hello": 42}}"#;
    let got = decode("decode_json_flexible", data, Some("map{str: struct{hello int; goodbye str;}}"), None).unwrap();
    let want = Value::Map(Arc::new(BTreeMap::from([
        (s("4"), structure(&[("hello", i(13)), ("goodbye", s("abc"))])),
        (s("7"), structure(&[("hello", i(42)), ("goodbye", s(""))])),
    ])));
    assert_eq!(got, want);
    let zero = decode("decode_json_flexible", r#"{"extra": 1}"#, None, Some("struct{l []int; m map{str: bool}; f float; b bool; s struct{x int}}")).unwrap();
    assert_eq!(zero, structure(&[("l", Value::list(vec![])), ("m", Value::Map(Arc::new(BTreeMap::new()))), ("f", Value::Float(0.0)), ("b", Value::Bool(false)), ("s", structure(&[("x", i(0))]))]));
    let e = decode("decode_json", r#"{"hello": 42}"#, None, Some("struct{hello int; goodbye str}")).unwrap_err();
    assert_eq!(e.message, "incompatible number of fields");
}

#[test]
fn decode_json_errors_are_fatal() {
    let cases = [
        ("", Some("int"), "invalid JSON: EOF"),
        ("   ", Some("int"), "invalid JSON: EOF"),
        ("{", Some("map{str: int}"), "invalid JSON: unexpected EOF"),
        ("[1,]", Some("[]int"), "invalid JSON: invalid character ']' looking for beginning of value"),
        ("{'a': 1}", Some("map{str: int}"), "invalid JSON: invalid character '\\'' looking for beginning of object key string"),
        ("tru", Some("bool"), "invalid JSON: unexpected EOF"),
        ("trux", Some("bool"), "invalid JSON: invalid character 'x' in literal true (expecting 'e')"),
        ("\"a\tb\"", Some("str"), "invalid JSON: invalid character '\\t' in string literal"),
        ("1.", Some("float"), "invalid JSON: unexpected EOF"),
        ("1e", Some("float"), "invalid JSON: unexpected EOF"),
        ("-a", Some("int"), "invalid JSON: invalid character 'a' in numeric literal"),
        ("{\"a\" 1}", Some("map{str: int}"), "invalid JSON: invalid character '1' after object key"),
        ("[1 2]", Some("[]int"), "invalid JSON: invalid character '2' after array element"),
        ("\"\\x\"", Some("str"), "invalid JSON: invalid character 'x' in string escape code"),
        ("\"\\u12x4\"", Some("str"), "invalid JSON: invalid character 'x' in \\u hexadecimal character escape"),
        ("1.5", Some("int"), "num doesn't contain int"),
        ("1e400", Some("float"), "num doesn't contain float64"),
        ("\"1\"", Some("int"), "type doesn't match int"),
        ("null", Some("str"), "type doesn't match str"),
        ("[1]", Some("map{str: int}"), "type doesn't match map"),
        ("{\"1\": 1}", Some("map{int: int}"), "type doesn't match int"),
        ("{\"a\": 1, \"b\": 2}", Some("struct{a int; c int}"), "field c was not found in struct"),
        ("{\"a\": 1}", Some("struct{a int; b int}"), "incompatible number of fields"),
    ];
    for (data, t, message) in cases {
        let e = decode("decode_json", data, None, t).unwrap_err();
        assert!(!e.catchable);
        assert_eq!(e.message, message, "{data:?}");
    }
    // The type must be known, and the written one must agree with the inferred one.
    assert!(decode("decode_json", "1", None, None).is_err());
    assert!(decode("decode_json", "1", Some("?1"), Some("?2")).is_err());
    assert!(decode("decode_json", "1", Some("int"), Some("str")).unwrap_err().message.contains("incompatible types"));
    assert!(decode("decode_json_flexible", "1", None, Some("func() int")).is_err());
}

// ---------------------------------------------------------------------------------------------
// regexp
// ---------------------------------------------------------------------------------------------

#[test]
fn regexp_match_go_syntax() {
    let m = |p: &str, x: &str| boolean("regexp", "match", vec![s(p), s(x)]);
    assert!(m("^[a-z]+\\[[0-9]+\\]$", "adam[23]"));
    assert!(!m("^[a-z]+\\[[0-9]+\\]$", "Job[48]"));
    assert!(m("foo", "seafood"));
    assert!(m("", "anything"));
    assert!(m("(?i)HELLO", "hello"));
    assert!(m("a.c", "abc"));
    assert!(!m("a.c", "a\nc"));
    assert!(m("(?s)a.c", "a\nc"));
    assert!(m("^\\p{Greek}+$", "αβγ"));
    assert!(m("(?P<year>\\d{4})-(?<month>\\d{2})", "2024-05"));
    // Go's \d \w \s \b are ASCII-only.
    assert!(!m("^\\d$", "٣"));
    assert!(m("^\\D$", "٣"));
    assert!(!m("^\\w+$", "héllo"));
    assert!(m("^[\\w]+$", "hello_1"));
    assert!(!m("^[^\\d]$", "5"));
    assert!(m("^[\\s\\d]+$", " 1\t2"));
    assert!(!m("^\\s$", "\u{a0}"));
    assert!(m("\\bword\\b", "a word here"));
    assert!(m("\\bx", "éx"), "é is not an ASCII word character: a boundary for Go");
    // Go-only and Go-literal syntax.
    assert!(m("\\Qa.b*c\\E$", "xa.b*c"));
    assert!(!m("\\Qa.b\\E", "axb"));
    assert!(m("^[[]$", "["));
    assert!(m("^[]a]+$", "]a]"));
    assert!(m("^[a&&b]+$", "a&b"));
    assert!(m("^[~~]$", "~"));
    assert!(m("^[[:alpha:]]+$", "abc"));
    assert!(m("\\x41\\x{263a}", "A☺"));
    for bad in ["(", "a)", "[a", "*", "a{2,1}", "\\"] {
        let e = error("regexp", "match", vec![s(bad), s("x")]);
        assert!(!e.catchable);
        assert!(e.message.starts_with("pattern did not compile"), "{}", e.message);
    }
}

// ---------------------------------------------------------------------------------------------
// net
// ---------------------------------------------------------------------------------------------

#[test]
fn net_cidrs() {
    let one = |f: &str, x: &str| text("net", f, vec![s(x)]);
    assert_eq!(one("cidr_to_ip", "192.168.0.13/24"), "192.168.0.13");
    assert_eq!(one("cidr_to_ip", " 10.1.2.3/8 "), "10.1.2.3");
    assert_eq!(one("cidr_to_ip", "2001:db8::1/64"), "2001:db8::1");
    assert_eq!(one("cidr_to_ip", "::ffff:1.2.3.4/120"), "1.2.3.4");
    assert_eq!(one("cidr_to_prefix", "192.168.0.13/24"), "24");
    assert_eq!(one("cidr_to_prefix", "192.168.0.13/024"), "24");
    assert_eq!(one("cidr_to_mask", "192.168.0.13/24"), "255.255.255.0");
    assert_eq!(one("cidr_to_mask", "10.0.0.1/13"), "255.248.0.0");
    assert_eq!(one("cidr_to_mask", "10.0.0.1/0"), "0.0.0.0");
    assert_eq!(one("cidr_to_mask", "2001:db8::1/64"), "ffff:ffff:ffff:ffff::");
    assert_eq!(one("cidr_to_network", "192.168.0.13/24"), "192.168.0.0/24");
    assert_eq!(one("cidr_to_network", "10.255.1.1/9"), "10.128.0.0/9");
    assert_eq!(one("cidr_to_network", "2001:db8:1:2::5/48"), "2001:db8:1::/48");
    assert_eq!(one("cidr_to_first", "192.168.0.0/24"), "192.168.0.1");
    assert_eq!(one("cidr_to_first", "192.168.0.5/24"), "192.168.0.6");
    assert_eq!(one("cidr_to_first", "2001:db8::/64"), "2001:db8::1");
    assert_eq!(one("cidr_to_last", "192.168.0.13/24"), "192.168.0.255");
    assert_eq!(one("cidr_to_last", "10.0.0.0/8"), "10.255.255.255");
    assert_eq!(one("cidr_to_last", "10.0.0.1/32"), "10.0.0.1");
    assert_eq!(one("cidr_to_last", "0.0.0.0/0"), "255.255.255.255");
    assert_eq!(one("cidr_to_last", "2001:db8::/64"), "2001:db8::ffff:ffff:ffff:ffff");
    assert_eq!(one("cidr_to_last", "::/0"), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    for f in ["cidr_to_ip", "cidr_to_prefix", "cidr_to_mask", "cidr_to_network", "cidr_to_first", "cidr_to_last"] {
        for bad in ["192.168.0.13", "192.168.0.13/33", "300.1.1.1/8", "hello", "1.2.3.4/", "1.2.3.4/x", "fe80::1%eth0/64", "01.2.3.4/8", ""] {
            let e = error("net", f, vec![s(bad)]);
            assert!(e.catchable, "{f}({bad:?})");
        }
    }
    assert_eq!(error("net", "cidr_to_ip", vec![s("hello")]).message, "invalid CIDR address: hello");
    assert!(error("net", "cidr_to_first", vec![s("10.0.0.1/08")]).message.contains("bad bits after slash"));
    assert_eq!(error("net", "cidr_to_first", vec![s("10.0.0.1/32")]).message, "no usable next address");
    assert_eq!(error("net", "cidr_to_first", vec![s("255.255.255.255/0")]).message, "no usable next address");
    assert!(error("net", "cidr_to_first", vec![s(" 10.0.0.0/8")]).catchable, "no trimming in the netip-based ones");
}

#[test]
fn net_ip_in_cidr() {
    let check = |ip: &str, cidr: &str| run("net", "ip_in_cidr", vec![s(ip), s(cidr)]);
    assert_eq!(check("192.168.1.5", "192.168.1.0/24").unwrap(), Value::Bool(true));
    assert_eq!(check("192.168.2.5", "192.168.1.0/24").unwrap(), Value::Bool(false));
    assert_eq!(check("10.1.2.3", "0.0.0.0/0").unwrap(), Value::Bool(true));
    assert_eq!(check("::ffff:192.168.1.5", "192.168.1.0/24").unwrap(), Value::Bool(true));
    assert_eq!(check("2001:db8::5", "2001:db8::/32").unwrap(), Value::Bool(true));
    assert_eq!(check("2001:db9::5", "2001:db8::/32").unwrap(), Value::Bool(false));
    assert_eq!(check("192.168.1.5", "::/0").unwrap(), Value::Bool(false));
    assert_eq!(check("192.168.1.5", "::ffff:192.168.1.0/120").unwrap(), Value::Bool(true));
    let e = check("nope", "10.0.0.0/8").unwrap_err();
    assert!(e.catchable);
    assert_eq!(e.message, "invalid IP: nope");
    assert!(check("10.0.0.1", "10.0.0.0").unwrap_err().catchable);
}

#[test]
fn net_macs() {
    assert_eq!(text("net", "macfmt", vec![s("AA-BB-CC-DD-EE-0F")]), "aa:bb:cc:dd:ee:0f");
    assert_eq!(text("net", "macfmt", vec![s("aa:bb:cc:dd:ee:ff")]), "aa:bb:cc:dd:ee:ff");
    assert_eq!(text("net", "oldmacfmt", vec![s("AA:bb:cc:dd:ee:ff")]), "aa-bb-cc-dd-ee-ff");
    for bad in ["aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:fg", "aa:bb-cc:dd:ee:ff", "aabb.ccdd.eeff", "aa:bb:cc:dd:ee:ff:00", "aa bb cc dd ee ff", "é:bb:cc:dd:ee:f"] {
        assert!(error("net", "macfmt", vec![s(bad)]).catchable, "{bad}");
        assert!(error("net", "oldmacfmt", vec![s(bad)]).catchable, "{bad}");
        assert!(!boolean("net", "is_mac", vec![s(bad)]), "{bad}");
    }
    assert_eq!(error("net", "macfmt", vec![s("aa:bb")]).message, "invalid MAC address length: aa:bb");
    assert_eq!(error("net", "macfmt", vec![s("aa:bb:cc:dd:ee:fg")]).message, "address aa:bb:cc:dd:ee:fg: invalid MAC address");
    assert!(boolean("net", "is_mac", vec![s("00:1a:2b:3c:4d:5e")]));
    assert!(!boolean("net", "is_mac", vec![s("00:1A:2B:3C:4D:5E")]), "only the canonical lower-case form");
    assert!(!boolean("net", "is_mac", vec![s("00-1a-2b-3c-4d-5e")]));
}

#[test]
fn net_split_hostport() {
    let split = |x: &str| run("net", "split_hostport", vec![s(x)]);
    let hp = |h: &str, p: &str| structure(&[("host", s(h)), ("port", s(p))]);
    assert_eq!(split("example.com:80").unwrap(), hp("example.com", "80"));
    assert_eq!(split("[::1]:443").unwrap(), hp("::1", "443"));
    assert_eq!(split(":8080").unwrap(), hp("", "8080"));
    assert_eq!(split("host:").unwrap(), hp("host", ""));
    assert_eq!(split("[fe80::1%eth0]:22").unwrap(), hp("fe80::1%eth0", "22"));
    for (bad, why) in [
        ("example.com", "missing port in address"),
        ("::1:80", "too many colons in address"),
        ("[::1]", "missing port in address"),
        ("[::1]x:80", "missing port in address"),
        ("[::1]:80:90", "too many colons in address"),
        ("[::1:80", "missing ']' in address"),
        ("a[b:80", "unexpected '[' in address"),
        ("ab]:80", "unexpected ']' in address"),
    ] {
        let e = split(bad).unwrap_err();
        assert!(e.catchable);
        assert_eq!(e.message, format!("error parsing the input: address {bad}: {why}"));
    }
    assert_eq!(split("").unwrap_err().message, "error parsing the input: missing port in address");
}

#[test]
fn net_url_parser() {
    let parse = |x: &str| run("net", "url_parser", vec![s(x)]);
    let url = |scheme: &str, host: &str, path: &str, query: &str| structure(&[("scheme", s(scheme)), ("host", s(host)), ("path", s(path)), ("raw_query", s(query))]);
    assert_eq!(parse("https://www.example.com/search?q=mgmt").unwrap(), url("https", "www.example.com", "/search", "q=mgmt"));
    assert_eq!(parse("HTTP://user:pw@Example.com:8080/a%20b/c?x=1&y=%zz#frag").unwrap(), url("http", "Example.com:8080", "/a b/c", "x=1&y=%zz"));
    assert_eq!(parse("http://[fe80::1%25en0]:80/").unwrap(), url("http", "[fe80::1%en0]:80", "/", ""));
    assert_eq!(parse("file:///etc/hosts").unwrap(), url("file", "", "/etc/hosts", ""));
    assert_eq!(parse("mailto:someone@example.com").unwrap(), url("mailto", "", "", ""));
    assert_eq!(parse("http://example.com?").unwrap(), url("http", "example.com", "", ""));
    assert_eq!(parse("http://a.com/p?q=1?2").unwrap(), url("http", "a.com", "/p", "q=1?2"));
    assert_eq!(parse("s3+x://bucket").unwrap(), url("s3+x", "bucket", "", ""));
    let bad = |x: &str| {
        let e = parse(x).unwrap_err();
        assert!(e.catchable, "{x}");
        e.message
    };
    assert_eq!(bad("/just/a/path"), "empty schemes are invalid");
    assert_eq!(bad("www.example.com"), "empty schemes are invalid");
    assert_eq!(bad("://x"), r#"error parsing the URL: parse "://x": missing protocol scheme"#);
    assert_eq!(bad("1http://x"), r#"error parsing the URL: parse "1http://x": first path segment in URL cannot contain colon"#);
    assert_eq!(bad("http://a b.com/"), r#"error parsing the URL: parse "http://a b.com/": invalid character " " in host name"#);
    assert_eq!(bad("http://host:port/"), r#"error parsing the URL: parse "http://host:port/": invalid port ":port" after host"#);
    assert_eq!(bad("http://[::1/"), r#"error parsing the URL: parse "http://[::1/": missing ']' in host"#);
    assert_eq!(bad("http://x/%zz"), r#"error parsing the URL: parse "http://x/%zz": invalid URL escape "%zz""#);
    assert_eq!(bad("http://x/%4"), r#"error parsing the URL: parse "http://x/%4": invalid URL escape "%4""#);
    assert_eq!(bad("http://%41.com/"), r#"error parsing the URL: parse "http://%41.com/": invalid URL escape "%41""#);
    assert_eq!(bad("http://x/\n"), "error parsing the URL: parse \"http://x/\\n\": net/url: invalid control character in URL");
    assert_eq!(bad("http://x/#%zz"), r#"error parsing the URL: parse "http://x/#%zz": invalid URL escape "%zz""#);
    assert_eq!(bad("http://a b@x/"), r#"error parsing the URL: parse "http://a b@x/": net/url: invalid userinfo"#);
}

#[test]
fn no_panics_on_odd_inputs() {
    let odd = ["", "%", "\\", "[", "]", "\u{fffd}", "é", "\0", "%%%", "[[[", "a/../../..", "&#", "&#x", "0x", "-", "+", "'", "\"", "`", "::", "/", "//", "?#"];
    let fns = functions::all().iter().filter(|f| {
        f.kind == FunctionKind::Pure && ["fmt", "strings", "golang/strings", "golang/strconv", "golang/path", "golang/path/filepath", "golang/html", "encoding", "regexp", "net"].contains(&f.module)
    });
    for f in fns {
        let Some(imp) = implementation(f.module, f.name) else { continue };
        let sig = functions::call_signature(f, usize::from(f.min_args)).unwrap();
        let params: Vec<Type> = sig.as_func().unwrap().param_types().cloned().collect();
        for x in odd {
            let args: Vec<Value> = params
                .iter()
                .map(|t| match t {
                    Type::Int => i(x.len() as i64 - 1),
                    Type::Bool => Value::Bool(x.is_empty()),
                    Type::List(_) => strs(&[x, x]),
                    _ => s(x),
                })
                .collect();
            for ret in [None, Some(ty("str")), Some(ty("[]int"))] {
                let _ = imp(&mut Ctx { ret }, &args);
            }
            // Wrong argument kinds and counts are errors, not panics.
            let _ = imp(&mut Ctx { ret: None }, &[]);
            let _ = imp(&mut Ctx { ret: None }, &[Value::Bool(true), Value::Float(1.0), Value::Int(-1), Value::Int(-1)]);
        }
    }
}

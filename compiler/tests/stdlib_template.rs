//! `golang.template`: Go `text/template` semantics as mgmt uses them.

use mcl_compiler::eval::stdlib::{implementation, CallCtx, Host};
use mcl_compiler::eval::value::{EvalError, Value};
use mcl_compiler::types::Type;
use std::collections::BTreeMap;
use std::sync::Arc;

struct Ctx {
    host: Host,
}

impl CallCtx for Ctx {
    fn call(&mut self, _: &Value, _: Vec<Value>) -> Result<Value, EvalError> {
        Err(EvalError::fatal("no function values in these tests"))
    }
    fn ret_type(&self) -> Option<Type> {
        Some(Type::Str)
    }
    fn host(&self) -> &Host {
        &self.host
    }
}

fn ctx() -> Ctx {
    Ctx { host: Host::local(std::env::temp_dir()) }
}

/// Runs `golang.template(tmpl, vars)` (or the one-argument form).
fn run(tmpl: &str, vars: Option<Value>) -> Result<String, EvalError> {
    let f = implementation("golang", "template").expect("golang.template is implemented");
    let mut args = vec![Value::str(tmpl)];
    args.extend(vars);
    f(&mut ctx(), &args).map(|v| v.as_str().expect("a str result").to_string())
}

fn ok(tmpl: &str, vars: Value) -> String {
    run(tmpl, Some(vars)).unwrap_or_else(|e| panic!("{tmpl:?}: {e}"))
}

fn err(tmpl: &str, vars: Option<Value>) -> String {
    let e = run(tmpl, vars).expect_err(tmpl);
    assert!(!e.catchable, "template errors are fatal");
    e.message
}

fn s(x: &str) -> Value {
    Value::str(x)
}

fn ints(xs: &[i64]) -> Value {
    Value::list(xs.iter().map(|&i| Value::Int(i)).collect())
}

fn strs(xs: &[&str]) -> Value {
    Value::list(xs.iter().map(|&x| s(x)).collect())
}

fn map(entries: Vec<(Value, Value)>) -> Value {
    Value::Map(Arc::new(entries.into_iter().collect::<BTreeMap<_, _>>()))
}

fn st(fields: &[(&str, Value)]) -> Value {
    Value::structure(fields.iter().map(|(n, v)| ((*n).into(), v.clone())).collect())
}

// ---- the conformance corpus ------------------------------------------------------------------

#[test]
fn corpus_lists_print_go_style() {
    assert_eq!(ok("out: {{ . }}", strs(&["zero", "missing-42", "one"])), "out: [zero missing-42 one]");
    assert_eq!(ok("out: {{ . }}", ints(&[1, 2, 3, 4, 5, 6])), "out: [1 2 3 4 5 6]");
    assert_eq!(ok("out1: {{ . }}", ints(&[])), "out1: []");
    assert_eq!(ok("out1: {{ . }}", Value::Int(12)), "out1: 12");
    assert_eq!(run("hello", Some(Value::Int(42))).unwrap(), "hello");
}

#[test]
#[allow(clippy::approx_constant)] // the corpus case's literal
fn corpus_structs_and_maps() {
    let values = Value::list(vec![st(&[("name", s("one")), ("value", s("alpha"))]), st(&[("name", s("two")), ("value", s("beta"))])]);
    assert_eq!(ok("{{ range . }}{{ .Name }}={{ .Value }};{{ end }}", values), "one=alpha;two=beta;");

    let v1 = st(&[("a", s("amazing")), ("b", Value::Int(13))]);
    let v2 = st(&[("a", s("idea")), ("b", Value::Int(42))]);
    let values = map(vec![(v1, s("purple")), (v2, s("magic"))]);
    assert_eq!(ok("{{ range $key, $val := . }}{{ $key.A }};{{ $key.B }};{{ $val }}{{ end }}", values), "amazing;13;purpleidea;42;magic");

    let values = map(vec![
        (s("first"), st(&[("name", s("one")), ("value", s("alpha"))])),
        (s("second"), st(&[("name", s("two")), ("value", s("beta"))])),
    ]);
    assert_eq!(ok("{{ .first.Name }}={{ .first.Value }};{{ .second.Name }}={{ .second.Value }};", values), "one=alpha;two=beta;");

    let values = st(&[("a", s("purple")), ("b", Value::Int(42)), ("c", Value::Float(3.14)), ("l", strs(&["opt1", "opt2"]))]);
    let tmpl = "{{ .A }};{{ .B }};{{ .C }};{{ if .L }}{{ golang_strings_join .L \",\" }}{{ end }}";
    assert_eq!(ok(tmpl, values), "purple;42;3.14;opt1,opt2");
}

#[test]
fn corpus_missing_key_errors() {
    let want = "template: execution error: template: template:1:3: executing \"template\" at <.Missing>: map has no entry for key \"Missing\"";
    assert_eq!(err("{{ .Missing }}", Some(st(&[("present", s("hello"))]))), want);
    assert_eq!(err("{{ .Missing }}", Some(map(vec![(s("present"), s("hello"))]))), want);
}

#[test]
fn corpus_url_parser_chain() {
    let u = "(net_url_parser \"https://www.example.com/search?q=mgmt\")";
    let tmpl = format!("{{{{ {u}.Scheme }}}} {{{{ {u}.Host }}}} {{{{ {u}.Path }}}} {{{{ {u}.Raw_query }}}}");
    assert_eq!(run(&tmpl, None).unwrap(), "https www.example.com /search q=mgmt");
}

// ---- features ----------------------------------------------------------------------------------

#[test]
fn text_comments_and_trim_markers() {
    assert_eq!(run("plain text", None).unwrap(), "plain text");
    assert_eq!(ok("a {{/* a comment */}}b", Value::Int(1)), "a b");
    assert_eq!(ok("a  {{- /* c */ -}}  b", Value::Int(1)), "ab");
    assert_eq!(ok("x \n {{- . -}} \n y", Value::Int(7)), "x7y");
    assert_eq!(ok("{{-3}}", Value::Int(0)), "-3");
    assert_eq!(run("{{ . }}", None).unwrap(), "<no value>");
}

#[test]
fn fields_variables_and_dollar() {
    let v = st(&[("name", s("n")), ("inner", st(&[("x", Value::Int(1))]))]);
    assert_eq!(ok("{{ .Inner.X }}", v.clone()), "1");
    assert_eq!(ok("{{ $x := .Name }}{{ $x }}{{ $x = \"y\" }}{{ $x }}", v.clone()), "ny");
    assert_eq!(ok("{{ with .Inner }}{{ .X }}/{{ $.Name }}{{ end }}", v.clone()), "1/n");
    assert_eq!(ok("{{ $v := .Inner }}{{ $v.X }}", v.clone()), "1");
    // A struct prints as mgmt's map[string]interface{} form.
    assert_eq!(ok("{{ . }}", v), "map[Inner:map[X:1] Name:n]");
    assert_eq!(ok("{{ . }}", map(vec![(s("b"), Value::Float(0.5)), (s("a"), Value::Bool(true))])), "map[a:true b:0.5]");
}

#[test]
fn range_forms() {
    assert_eq!(ok("{{ range $i, $v := . }}{{ $i }}={{ $v }} {{ end }}", strs(&["a", "b"])), "0=a 1=b ");
    assert_eq!(ok("{{ range $v := . }}{{ $v }}{{ end }}", ints(&[3, 4])), "34");
    let m = map(vec![(s("z"), Value::Int(1)), (s("a"), Value::Int(2))]);
    assert_eq!(ok("{{ range $k, $v := . }}{{ $k }}:{{ $v }},{{ end }}", m), "a:2,z:1,");
    assert_eq!(ok("{{ range . }}x{{ else }}empty{{ end }}", ints(&[])), "empty");
    assert_eq!(ok("{{ range . }}{{ if eq . 3 }}{{ break }}{{ end }}{{ . }}{{ end }}", ints(&[1, 2, 3, 4])), "12");
    assert_eq!(ok("{{ range . }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ . }}{{ end }}", ints(&[1, 2, 3])), "13");
    assert_eq!(ok("{{ range 3 }}{{ . }}{{ end }}", Value::Int(0)), "012");
}

#[test]
fn if_else_with() {
    assert_eq!(ok("{{ if . }}yes{{ else }}no{{ end }}", Value::Int(0)), "no");
    assert_eq!(ok("{{ if eq . 1 }}one{{ else if eq . 2 }}two{{ else }}many{{ end }}", Value::Int(2)), "two");
    assert_eq!(ok("{{ with .A }}{{ . }}{{ else }}none{{ end }}", st(&[("a", s(""))])), "none");
    assert_eq!(ok("{{ if and .A (not .B) }}ok{{ end }}", st(&[("a", Value::Bool(true)), ("b", Value::Bool(false))])), "ok");
    assert_eq!(ok("{{ or .A \"default\" }}", st(&[("a", s(""))])), "default");
}

#[test]
fn go_builtins() {
    let v = st(&[("l", strs(&["a", "b", "c"])), ("m", map(vec![(s("k"), s("v"))])), ("n", Value::Int(5))]);
    assert_eq!(ok("{{ len .L }} {{ index .L 1 }} {{ index .M \"k\" }} {{ len \"héllo\" }}", v.clone()), "3 b v 6");
    assert_eq!(ok("{{ index .M \"nope\" }}", v.clone()), "<no value>");
    assert_eq!(ok("{{ slice .L 1 }} {{ slice \"abcdef\" 1 3 }}", v.clone()), "[b c] bc");
    assert_eq!(ok("{{ print 1 2 \"a\" \"b\" 3 }}|{{ println .N \"x\" }}", v.clone()), "1 2ab3|5 x\n");
    assert_eq!(ok("{{ printf \"%s-%d-%v-%q-%.2f-%5d|%-4s|%t\" \"s\" 42 .L \"q\" 3.14159 7 \"ab\" true }}", v.clone()), "s-42-[a b c]-\"q\"-3.14-    7|ab  |true");
    assert_eq!(ok("{{ printf \"%d %s\" \"x\" }}", v.clone()), "%!d(string=x) %!s(MISSING)");
    assert_eq!(ok("{{ .N | printf \"%03d\" }}", v.clone()), "005");
    assert_eq!(ok("{{ lt 1 2 }} {{ le 2 2 }} {{ gt 1 2 }} {{ ge \"b\" \"a\" }} {{ ne .N 5 }} {{ eq .N 1 2 5 }}", v.clone()), "true true false true false true");
    assert_eq!(ok("{{ html \"<a&b>\" }} {{ urlquery \"a b&c\" }} {{ js \"it's\" }}", v), "&lt;a&amp;b&gt; a+b%26c it\\'s");
}

#[test]
fn pipelines_and_mcl_functions() {
    let v = st(&[("s", s("  Hello  ")), ("t", Value::Int(0))]);
    assert_eq!(ok("{{ .S | golang_strings_trim_space | golang_strings_to_upper }}", v.clone()), "HELLO");
    assert_eq!(ok("{{ (golang_strings_trim_space .S) }}!", v.clone()), "Hello!");
    assert_eq!(ok("{{ datetime_print .T }}", v.clone()), ok("{{ datetime_print 0 }}", v.clone()));
    let e = err("{{ golang_strings_to_upper 1 }}", Some(v.clone()));
    assert!(e.contains("expected string; found 1"), "{e}");
    let e = err("{{ golang_strings_to_upper .T }}", Some(v));
    assert!(e.contains("wrong type for value; expected string; got int64"), "{e}");
}

#[test]
fn error_texts() {
    let v = st(&[("a", st(&[("b", Value::Int(1))]))]);
    assert_eq!(
        err("x\n  {{ .A.Nope }}", Some(v.clone())),
        "template: execution error: template: template:2:7: executing \"template\" at <.A.Nope>: map has no entry for key \"Nope\""
    );
    assert_eq!(err("{{ .X }}", None), "template: execution error: template: template:1:3: executing \"template\" at <.X>: nil data; no entry for key \"X\"");
    assert_eq!(err("{{ nope }}", Some(v.clone())), "template: parse error: template: template:1: function \"nope\" not defined");
    assert_eq!(err("{{ if . }}", Some(v.clone())), "template: parse error: template: template:1: unexpected EOF");
    assert_eq!(err("{{ end }}", Some(v.clone())), "template: parse error: template: template:1: unexpected {{end}}");
    assert_eq!(err("{{ $x }}", Some(v.clone())), "template: parse error: template: template:1: undefined variable \"$x\"");
    assert_eq!(err("{{ .A", Some(v.clone())), "template: parse error: template: template:1: unclosed action");
    assert_eq!(
        err("{{ index .A.B 1 }}", Some(v)),
        "template: execution error: template: template:1:3: executing \"template\" at <index .A.B 1>: error calling index: can't index item of type int64"
    );
}

/// Random and mutated templates never panic.
#[test]
fn no_panic_on_random_templates() {
    let pieces = [
        "{{", "}}", "{{-", "-}}", " ", ".", ".A", ".B.C", "$", "$x", ":=", "=", "|", "(", ")", "\"s\"", "`r`", "'c'", "1", "-2", "3.5",
        "0x1f", "if", "else", "end", "range", "with", "break", "continue", "nil", "true", "index", "len", "printf", "\"%d %v %5.2f %-3s %\"",
        "eq", "lt", "and", "or", "not", "slice", "print", "golang_strings_to_upper", "/*", "*/", ",", "\n", "é", "\\", "\"", "{", "}",
    ];
    let data = st(&[("a", ints(&[1, 2])), ("b", st(&[("c", s("x"))])), ("m", map(vec![(Value::Int(1), s("one"))]))]);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rand = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..20_000 {
        let n = 1 + (rand() % 12) as usize;
        let t: String = (0..n).map(|_| pieces[(rand() % pieces.len() as u64) as usize]).collect();
        let _ = run(&t, Some(data.clone()));
        let _ = run(&t, None);
    }
}

/// Differential testing against Go (not a regular test): with `TEMPLATE_DIFF=cases.jsonl`, runs
/// each `{"T": template, "D": json data}` line and prints `[ok, text]` JSON lines.
#[test]
#[ignore]
fn diff_against_go() {
    fn from_json(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => n.as_i64().map_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0)), Value::Int),
            serde_json::Value::String(x) => s(x),
            serde_json::Value::Array(a) => Value::list(a.iter().map(from_json).collect()),
            serde_json::Value::Object(o) => map(o.iter().map(|(k, v)| (s(k), from_json(v))).collect()),
            serde_json::Value::Null => Value::Int(0),
        }
    }
    let Ok(path) = std::env::var("TEMPLATE_DIFF") else { return };
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let t = case["T"].as_str().unwrap();
        let d = case.get("D").filter(|d| !d.is_null()).map(from_json);
        let r = match run(t, d) {
            Ok(x) => serde_json::json!([true, x]),
            Err(e) => serde_json::json!([false, e.message]),
        };
        println!("{r}");
    }
}

#[test]
fn floats_print_like_go() {
    let v = Value::list(vec![Value::Float(2.5), Value::Float(1e6), Value::Float(123456.0), Value::Float(0.00001), Value::Float(12345678.5)]);
    assert_eq!(ok("{{ . }}", v.clone()), "[2.5 1e+06 123456 1e-05 1.23456785e+07]");
    assert_eq!(ok("{{ printf \"%g|%.3g|%e|%08.3f|%v\" 1e6 1234.5678 1234.5678 -1.5 . }}", v), "1e+06|1.23e+03|1.234568e+03|-001.500|[2.5 1e+06 123456 1e-05 1.23456785e+07]");
}

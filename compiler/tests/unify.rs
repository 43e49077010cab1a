//! Unify-phase integration tests through the public driver API (`driver::check_text`), one small
//! mcl program per typing rule of the reference's §3: literal kinds and container homogeneity
//! (§3.1), every row of the "typing rules by construct" table (§3.4), the polymorphism rules
//! (§3.3: let-polymorphic `func` statements and per-include classes vs monomorphic bound lambdas
//! and parameters), and the polymorphic builtins with their static speculation (§3.5: operators,
//! `len`, `in`, lookups, `->field`, `fmt.printf`, `decode_json`), plus ambiguity, the occurs
//! check and map-key hashability.
//!
//! Every program runs through the full front end, so an accepted program must produce no error
//! diagnostics at all; a rejected one must produce an error of the unify phase with the expected
//! code on the expected 1-based line of `main.mcl`. Resource fields of mgmt's `test` kind
//! (`int8`/`int64` int, `anotherstr` str, `float64` float, `boolptr` bool, `slicestring` []str,
//! `mapintfloat` map{int: float}, `interface` any) pin types down. Many tests mirror a
//! conformance txtar from mgmt (`lang/interpret_test/TestAstFunc2/…`), named in the comment.

use mcl_compiler::diagnostics::{Diagnostic, Phase};
use mcl_compiler::driver::{Checked, StopAfter, check_text};
use mcl_compiler::semantics::unify::codes;
use mcl_compiler::types::Type;

// ---------------------------------------------------------------------------------------------
// Helpers

fn check(src: &str) -> Checked {
    check_text("main.mcl", src, StopAfter::Unify)
}

/// The 1-based line of a diagnostic's primary span.
fn line(c: &Checked, d: &Diagnostic) -> u32 {
    c.sources.get(d.file).line_col(d.span.start as usize).line
}

fn dump(c: &Checked) -> String {
    c.diagnostics
        .iter()
        .map(|d| format!("{:?} {} {} line {} {:?} help={:?} labels={}", d.severity, d.phase, d.code, line(c, d), d.message, d.help, d.labels.len()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts `src` is accepted (no error diagnostics in any phase) and returns the result.
fn ok(src: &str) -> Checked {
    let c = check(src);
    assert!(!c.has_errors(), "expected no errors for:\n{src}\ngot:\n{}", dump(&c));
    c
}

/// Asserts `src` is rejected with a unify error whose code is one of `codes` on `line_no`.
fn err_any(src: &str, codes: &[&str], line_no: u32) -> Diagnostic {
    let c = check(src);
    c.diagnostics
        .iter()
        .find(|d| d.is_error() && d.phase == Phase::Unify && codes.contains(&d.code) && line(&c, d) == line_no && d.file == c.entry)
        .cloned()
        .unwrap_or_else(|| panic!("expected a unify error {codes:?} on line {line_no} for:\n{src}\ngot:\n{}", dump(&c)))
}

/// Asserts `src` is rejected with a unify error `code` on `line_no`.
fn err(src: &str, code: &str, line_no: u32) -> Diagnostic {
    err_any(src, &[code], line_no)
}

/// The inferred type of the (first) bind named `name`.
fn bind_type(c: &Checked, name: &str) -> Type {
    let hir = c.hir.as_ref().expect("hir");
    let typed = c.typed.as_ref().expect("typed");
    let (i, _) = hir.defs.iter().enumerate().find(|(_, d)| d.name == name).unwrap_or_else(|| panic!("no def `{name}`"));
    typed.def_types.iter().find(|(d, _)| d.0 as usize == i).map(|(_, t)| t.clone()).unwrap_or_else(|| panic!("`{name}` was not typed"))
}

// ---------------------------------------------------------------------------------------------
// §3.1 Literals and containers

#[test]
fn literals_have_their_kinds() {
    ok("test \"t\" {\n\tboolptr => true,\n\tanotherstr => \"s\",\n\tint64 => -13,\n\tfloat64 => 3.14,\n\tslicestring => [\"a\", \"b\"],\n\tmapintfloat => {1 => 1.5},\n}\n");
    let c = ok("$b = true\n$s = \"x\"\n$i = 42\n$f = -0.5\ntest [$s] {\n\tboolptr => $b,\n\tint64 => $i,\n\tfloat64 => $f,\n}\n");
    assert_eq!(bind_type(&c, "b"), Type::Bool);
    assert_eq!(bind_type(&c, "s"), Type::Str);
    assert_eq!(bind_type(&c, "i"), Type::Int);
    assert_eq!(bind_type(&c, "f"), Type::Float);
}

#[test]
fn resource_field_takes_the_schema_type() {
    // res1
    let d = err("test \"t1\" {\n\tstringptr => 42,\n}\n", codes::MISMATCH, 2);
    assert!(d.message.contains("str") && d.message.contains("int"), "{}", d.message);
    err("test \"t\" {\n\tslicestring => [1, 2],\n}\n", codes::MISMATCH, 2);
    err("test \"t\" {\n\tmapintfloat => {1 => 1},\n}\n", codes::MISMATCH, 2);
    // empty-list: empty containers take the field's type
    ok("test \"name\" {\n\tslicestring => [],\n\tmapintfloat => {},\n}\n");
    // a variant (`interface{}`) field takes anything
    ok("test \"a\" {\n\tinterface => 1,\n}\ntest \"b\" {\n\tinterface => [\"x\"],\n}\n");
}

#[test]
fn list_elements_must_agree() {
    err("$l = [1, \"a\"]\ntest \"t\" {\n\tinterface => $l,\n}\n", codes::MISMATCH, 1);
    err("$l = [[1], [\"a\"]]\ntest \"t\" {\n\tinterface => $l,\n}\n", codes::MISMATCH, 1);
}

#[test]
fn map_keys_and_values_must_agree() {
    err("$m = {\"a\" => 1, \"b\" => \"x\"}\ntest \"t\" {\n\tinterface => $m,\n}\n", codes::MISMATCH, 1);
    // keys (through vars, so the init phase can't see it statically)
    err("$k1 = 1\n$k2 = \"b\"\n$m = {$k1 => 1, $k2 => 2}\ntest \"t\" {\n\tinterface => $m,\n}\n", codes::MISMATCH, 3);
}

#[test]
fn struct_literal_fields_in_order() {
    let c = ok("$s = struct{a => 1, b => \"x\"}\ntest \"t\" {\n\tinterface => $s,\n}\n");
    assert_eq!(bind_type(&c, "s"), Type::Struct(vec![("a".into(), Type::Int), ("b".into(), Type::Str)]));
    ok("$s struct{a int; b str} = struct{a => 1, b => \"x\"}\ntest \"t\" {\n\tinterface => $s,\n}\n");
}

#[test]
fn struct_field_order_is_part_of_the_type() {
    err("$s struct{a int; b int} = struct{b => 1, a => 2}\ntest \"t\" {\n\tinterface => $s,\n}\n", codes::MISMATCH, 1);
    err("$s struct{a int; b int} = struct{a => 1}\ntest \"t\" {\n\tinterface => $s,\n}\n", codes::MISMATCH, 1);
}

#[test]
fn func_types_compare_by_position_not_names() {
    ok("$f func(str) str = func($other str) str {\n\t$other\n}\ntest [$f(\"a\")] {}\n");
    ok("$f func($x str) str = func($y str) str {\n\t$y\n}\ntest [$f(\"a\")] {}\n");
    err("$f func(str) int = func($a int) int {\n\t$a\n}\ntest \"t\" {\n\tint64 => $f(\"a\"),\n}\n", codes::MISMATCH, 1);
    // arity is part of the type
    err("$f func(str) str = func($a str, $b str) str {\n\t$a\n}\ntest [$f(\"a\")] {}\n", codes::MISMATCH, 1);
    // the schema's func type
    ok("test \"t\" {\n\tfunc1 => func($i int) str {\n\t\t\"x\"\n\t},\n}\n");
}

#[test]
fn no_implicit_int_float_mixing() {
    err_any("$x = 1 + 1.0\ntest \"t\" {\n\tinterface => $x,\n}\n", &[codes::MISMATCH, codes::BAD_FORM], 1);
    err("$f int = 1.0\ntest \"t\" {\n\tinterface => $f,\n}\n", codes::MISMATCH, 1);
    // fortytwoerror: a bound lambda returning a polymorphic builtin's result is monomorphic
    err_any(
        "import \"math\"\n$myfortytwo = func() {\n\tmath.fortytwo()\n}\n$a = $myfortytwo() + 4\n$b = $myfortytwo() + 3.0\ntest [\"x\"] {\n\tint8 => $a,\n\tfloat32 => $b,\n}\n",
        &[codes::MISMATCH, codes::BAD_FORM],
        6,
    );
}

#[test]
fn interpolation_requires_str() {
    // unify-interpolate-call-fail (bool); the same for int
    err("$b = true\n\nprint \"state\" {\n\tmsg => \"some_bool: ${b}\\n\",\n}\n", codes::MISMATCH, 4);
    err("$n = 1\ntest \"${n}\" {}\n", codes::MISMATCH, 2);
    ok("$n = \"1\"\ntest \"${n}\" {}\n");
}

// ---------------------------------------------------------------------------------------------
// §3.4 Statements and expressions

#[test]
fn unused_bind_is_never_type_checked() {
    ok("$x = 1 + \"a\"\ntest \"t\" {}\n");
    ok("$f = func() {\n\t1 + \"a\"\n}\n");
    // An unused func statement is never type-checked either.
    ok("func f() {\n\t1 + \"a\"\n}\n");
    // …but a used one is.
    err_any("$x = 1 + \"a\"\ntest \"${x}\" {}\n", &[codes::MISMATCH, codes::BAD_FORM], 1);
}

#[test]
fn bind_annotation_must_match() {
    ok("$x int = 1\ntest \"t\" {\n\tint64 => $x,\n}\n");
    err("$x str = 1\ntest [$x] {}\n", codes::MISMATCH, 1);
    // the annotation pins an otherwise open type
    ok("$x []str = []\ntest $x {}\n");
}

#[test]
fn if_statement_condition_must_be_bool() {
    ok("if true {\n\ttest \"t\" {}\n}\n");
    err("if 1 {\n\ttest \"t\" {}\n}\n", codes::MISMATCH, 1);
    err("$c = \"yes\"\nif $c {\n\ttest \"t\" {}\n}\n", codes::MISMATCH, 2);
}

#[test]
fn if_expression_condition_and_branches() {
    ok("$x = if true {\n\t\"a\"\n} else {\n\t\"b\"\n}\ntest [$x] {}\n");
    err("$x = if 1 {\n\t\"a\"\n} else {\n\t\"b\"\n}\ntest [$x] {}\n", codes::MISMATCH, 1);
    err("$x = if true {\n\t\"a\"\n} else {\n\t2\n}\ntest \"t\" {\n\tinterface => $x,\n}\n", codes::MISMATCH, 4);
}

#[test]
fn except_sides_must_agree() {
    ok("$l = [\"a\"]\n$x = $l[0] <|> \"default\"\ntest [$x] {}\n");
    err("$l = [\"a\"]\n$x = $l[0] <|> 1\ntest \"t\" {\n\tinterface => $x,\n}\n", codes::MISMATCH, 2);
}

#[test]
fn for_iterates_over_a_list_with_an_int_index() {
    ok("for $i, $v in [\"a\", \"b\"] {\n\ttest [$v] {\n\t\tint64 => $i,\n\t}\n}\n");
    err("for $i, $v in [\"a\"] {\n\ttest [$v] {\n\t\tanotherstr => $i,\n\t}\n}\n", codes::MISMATCH, 3);
    err("for $i, $v in {\"a\" => 1} {\n\ttest [\"x\"] {}\n}\n", codes::MISMATCH, 1);
    err("for $i, $v in \"abc\" {\n\ttest [\"x\"] {}\n}\n", codes::MISMATCH, 1);
}

#[test]
fn forkv_iterates_over_a_map() {
    ok("forkv $k, $v in {1 => \"a\"} {\n\ttest [$v] {\n\t\tint64 => $k,\n\t}\n}\n");
    err("forkv $k, $v in [\"a\"] {\n\ttest [\"x\"] {}\n}\n", codes::MISMATCH, 1);
    err("forkv $k, $v in {1 => \"a\"} {\n\ttest [$k] {}\n}\n", codes::MISMATCH, 2);
}

#[test]
fn loop_body_is_typed_once() {
    // stmtfor: the body's bind has one type for all iterations.
    ok("import \"fmt\"\nfor $i, $v in [1, 2] {\n\t$s = fmt.printf(\"%d\", $v)\n\ttest [$s] {}\n}\n");
}

#[test]
fn lambda_annotations() {
    ok("$f = func($a int) str {\n\t\"x\"\n}\ntest [$f(1)] {}\n");
    // body vs declared return
    err("$f = func($a int) str {\n\t$a\n}\ntest [$f(1)] {}\n", codes::MISMATCH, 2);
    // argument vs declared param
    err("$f = func($a int) str {\n\t\"x\"\n}\ntest [$f(\"no\")] {}\n", codes::MISMATCH, 4);
    // func statements too
    err("func f($a int) str {\n\t$a\n}\ntest [f(1)] {}\n", codes::MISMATCH, 2);
}

#[test]
fn call_arity() {
    // lambda-arg-count
    err_any("$f = func($a, $b) { $a }\n$x = $f(1)\ntest \"${x}\" {}\n", &[codes::ARITY, codes::MISMATCH], 2);
    err("func f($a) {\n\t$a\n}\ntest [f(\"a\", \"b\")] {}\n", codes::ARITY, 4);
    // builtins: maplookup3, printfempty
    err("import \"map\"\n$name = map.lookup({}, \"key\", \"default\")\ntest \"${name}\" {}\n", codes::ARITY, 2);
    err_any("import \"fmt\"\ntest fmt.printf() {}\n", &[codes::ARITY, codes::PRINTF], 2);
}

#[test]
fn calling_a_non_function_is_an_error() {
    err("$f = 1\ntest [$f()] {}\n", codes::MISMATCH, 2);
}

// ---------------------------------------------------------------------------------------------
// §3.3 Polymorphism

#[test]
fn func_statements_are_let_polymorphic() {
    // polymorphic-stmt-func
    ok("import \"fmt\"\nfunc add($x) {\n\t$x + $x\n}\n$num = 2\n$out1 = add($num)\ntest [fmt.printf(\"%d + %d is %d\", $num, $num, $out1)] {}\n$val = \"hello\"\n$out2 = add($val)\ntest [fmt.printf(\"%s + %s is %s\", $val, $val, $out2)] {}\n");
    // identity-function-statement
    ok("func id($x) {\n\t$x\n}\ntest [id(\"a\")] {\n\tint64 => id(1),\n\tboolptr => id(true),\n}\n");
}

#[test]
fn bound_lambda_is_monomorphic() {
    // test-monomorphic-bind
    let src = "$id = func($x) { $x }\ntest \"test1\" {\n\tint8 => $id(42),\n}\ntest \"test2\" {\n\tanotherstr => $id(\"hello\"),\n}\n";
    let c = check(src);
    assert!(c.diagnostics.iter().any(|d| d.is_error() && d.phase == Phase::Unify && d.code == codes::MISMATCH), "{}", dump(&c));
    // polymorphic-lambda: the error is on one of the two uses (or the lambda itself)
    let lines: Vec<u32> = c.diagnostics.iter().filter(|d| d.is_error()).map(|d| line(&c, d)).collect();
    assert!(lines.iter().all(|l| [1, 3, 6].contains(l)), "{}", dump(&c));
}

#[test]
fn lambda_parameter_is_monomorphic() {
    // test-monomorphic-lambda-arg
    let c = check("import \"fmt\"\n$use_polymorphically = func($id) {\n\tfmt.printf(\"%d %s\", $id(42), $id(\"hello\"))\n}\ntest \"test1\" {\n\tanotherstr => $use_polymorphically(func($x) { $x }),\n}\n");
    assert!(c.diagnostics.iter().any(|d| d.is_error() && d.phase == Phase::Unify && d.code == codes::MISMATCH), "{}", dump(&c));
}

#[test]
fn func_parameter_is_monomorphic() {
    // test-monomorphic-func-arg
    let c = check("import \"fmt\"\nfunc use_polymorphically($id) {\n\tfmt.printf(\"%d %s\", $id(42), $id(\"hello\"))\n}\ntest \"test1\" {\n\tanotherstr => use_polymorphically(func($x) { $x }),\n}\n");
    assert!(c.diagnostics.iter().any(|d| d.is_error() && d.phase == Phase::Unify && d.code == codes::MISMATCH), "{}", dump(&c));
}

#[test]
fn class_parameter_is_monomorphic() {
    // test-monomorphic-class-arg
    let c = check("class use_polymorphically($id) {\n\ttest \"test1\" {\n\t\tint8 => $id(42),\n\t}\n\ttest \"test2\" {\n\t\tanotherstr => $id(\"hello\"),\n\t}\n}\ninclude use_polymorphically(func($x) { $x })\n");
    assert!(c.diagnostics.iter().any(|d| d.is_error() && d.phase == Phase::Unify && d.code == codes::MISMATCH), "{}", dump(&c));
}

#[test]
fn classes_are_polymorphic_per_include() {
    // test-polymorphic-class
    ok("import \"fmt\"\nclass double($to_str, $x) {\n\t$name = $to_str($x + $x)\n\ttest [$name] {}\n}\ninclude double(func($x) { fmt.printf(\"%d\", $x) }, 42)\ninclude double(func($x) { fmt.printf(\"%s\", $x) }, \"hello\")\n");
    ok("class c($a) {\n\ttest \"t\" {\n\t\tinterface => $a,\n\t}\n}\ninclude c(1)\ninclude c(\"x\")\n");
}

#[test]
fn include_args_must_match_annotated_params() {
    ok("class c($a int) {\n\ttest \"t\" {\n\t\tint64 => $a,\n\t}\n}\ninclude c(1)\n");
    err("class c($a int) {\n\ttest \"t\" {}\n}\ninclude c(\"x\")\n", codes::MISMATCH, 4);
    // an unannotated param takes the arg's type, which then meets the body's use
    err("class c($a) {\n\ttest \"t\" {\n\t\tint64 => $a,\n\t}\n}\ninclude c(\"x\")\n", codes::MISMATCH, 3);
}

#[test]
fn bound_lambda_is_one_shared_instance() {
    // test-one-instance-bind style: a lambda bound once, used twice with one type, is fine.
    ok("$id = func($x) { $x }\ntest [$id(\"a\"), $id(\"b\")] {}\n");
}

// ---------------------------------------------------------------------------------------------
// Resources, meta params, conditions

#[test]
fn unknown_resource_field_with_suggestion() {
    let d = err("file \"/tmp/x\" {\n\tstate => \"exists\",\n\tcontnet => \"x\",\n}\n", codes::UNKNOWN_FIELD, 3);
    assert!(d.help.as_deref().unwrap_or("").contains("content"), "{:?}", d.help);
    assert!(d.message.contains("contnet") && d.message.contains("file"), "{}", d.message);
}

#[test]
fn unknown_resource_kind() {
    let d = err("fiel \"/tmp/x\" {\n\tcontent => \"x\",\n}\n", codes::UNKNOWN_KIND, 1);
    assert!(d.help.as_deref().unwrap_or("").contains("file"), "{:?}", d.help);
    // res-unknown-kind: without fields (an interpret error in mgmt, still rejected here)
    let c = check("notaresource \"t\" {}\n");
    assert!(c.has_errors(), "{}", dump(&c));
}

#[test]
fn meta_param_types() {
    ok("test \"t\" {\n\tMeta:noop => true,\n\tMeta:retry => 3,\n\tMeta:limit => 1.5,\n\tMeta:sema => [\"a:1\"],\n}\n");
    err("test \"t\" {\n\tMeta:retry => \"x\",\n}\n", codes::MISMATCH, 2);
    err("test \"t\" {\n\tMeta:noop => 1,\n}\n", codes::MISMATCH, 2);
    err("test \"t\" {\n\tMeta:limit => 1,\n}\n", codes::MISMATCH, 2);
    err("test \"t\" {\n\tMeta:export => \"a\",\n}\n", codes::MISMATCH, 2);
}

const META_STRUCT: &str = "struct{noop => false, retry => 0, retryreset => false, delay => 0, timeout => 0, poll => 0, limit => 0.0, burst => 0, reset => false, sema => [\"a\"], rewatch => false, realize => false, dollar => false, hidden => false, export => [\"b\"], reverse => false, autoedge => true, autogroup => true}";

#[test]
fn meta_struct_needs_all_eighteen_fields_in_order() {
    ok(&format!("test \"t\" {{\n\tMeta => {META_STRUCT},\n}}\n"));
    // one field short
    let short = META_STRUCT.replace(", autogroup => true", "");
    err(&format!("test \"t\" {{\n\tMeta => {short},\n}}\n"), codes::MISMATCH, 2);
    // wrong field type
    let wrong = META_STRUCT.replace("retry => 0", "retry => \"0\"");
    err(&format!("test \"t\" {{\n\tMeta => {wrong},\n}}\n"), codes::MISMATCH, 2);
    // fields swapped
    let swapped = META_STRUCT.replace("noop => false, retry => 0", "retry => 0, noop => false");
    err(&format!("test \"t\" {{\n\tMeta => {swapped},\n}}\n"), codes::MISMATCH, 2);
}

#[test]
fn entry_condition_must_be_bool() {
    ok("$c = true\ntest \"t\" {\n\tanotherstr => $c ?: \"x\",\n}\n");
    err("$c = 1\ntest \"t\" {\n\tanotherstr => $c ?: \"x\",\n}\n", codes::MISMATCH, 3);
}

// ---------------------------------------------------------------------------------------------
// Resource and edge names: str when static, else []str

#[test]
fn name_list_variable_is_fine() {
    // unify-interpolate-res-pass, empty-res-list-0
    ok("$name = [\"a\", \"bb\", \"ccc\"]\n\ntest $name {}\n");
    ok("test [] {}\n");
    ok("$s = \"one\"\ntest $s {}\n");
}

#[test]
fn interpolating_a_list_into_a_name_fails() {
    // unify-interpolate-res-fail
    err("$name = [\"a\", \"bb\", \"ccc\"]\n\n#test $name {}\ntest \"${name}\" {}\n", codes::MISMATCH, 4);
}

#[test]
fn if_expression_of_literals_is_a_static_str_name() {
    // unify-exprif
    ok("$c = true\ntest if $c {\n\t\"a\"\n} else {\n\t\"b\"\n} {}\n");
    ok("$c = true\n$n = if $c { \"a\" } else { \"b\" }\ntest $n {}\n");
    // builtins with a fixed str result are static too
    ok("test concat(\"a\", \"b\") {}\n");
}

#[test]
fn printf_name_is_not_static_and_needs_a_list() {
    let d = err("import \"fmt\"\ntest fmt.printf(\"%d\", 1) {}\n", codes::MISMATCH, 2);
    assert!(d.help.as_deref().unwrap_or("").contains("list"), "{:?}", d.help);
    ok("import \"fmt\"\ntest [fmt.printf(\"%d\", 1)] {}\n");
}

#[test]
fn edge_names_follow_the_same_rule() {
    // empty-edge-list-0, unify-interpolate-edge1-fail
    ok("$names = [\"hey\", \"there\"]\ntest $names {}\n$morenames = [\"wow\"]\ntest $morenames {}\ntest [\"hello\"] {\n\tDepend => Test[$names],\n}\nTest[$names] -> Test[$morenames]\n");
    err("$name = [\"a\", \"bb\", \"ccc\"]\ntest $name {}\ntest \"test\" {}\n\nTest[\"${name}\"] -> Test[\"test\"]\n", codes::MISMATCH, 5);
    err("test \"a\" {\n\tBefore => Test[1],\n}\n", codes::MISMATCH, 2);
}

// ---------------------------------------------------------------------------------------------
// Edges

#[test]
fn one_half_edge_is_an_error() {
    // edge-one-half
    err("test \"a\" {}\nTest[\"a\"]\n", codes::BAD_EDGE, 2);
}

#[test]
fn send_recv_edges() {
    // send-recv-0
    ok("exec \"exec0\" {\n\tcmd => \"echo x\",\n\tshell => \"/bin/bash\",\n}\nfile \"/tmp/out\" {\n\tstate => $const.res.file.state.exists,\n}\nExec[\"exec0\"].output -> File[\"/tmp/out\"].content\n");
    // a kind mismatch between the send port (int) and the receiving field (string)
    let d = err("test \"a\" {}\ntest \"b\" {}\nTest[\"a\"].answer -> Test[\"b\"].anotherstr\n", codes::BAD_EDGE, 3);
    assert!(d.message.contains("mismatch"), "{}", d.message);
    // send-recv-1: no such send key
    err("exec \"exec0\" {\n\tcmd => \"x\",\n\tshell => \"/bin/bash\",\n}\nfile \"/tmp/o\" {\n\tstate => $const.res.file.state.exists,\n}\nExec[\"exec0\"].shell -> File[\"/tmp/o\"].content\n", codes::BAD_EDGE, 8);
    // sendrecv-nonrecvable, sendrecv-nonsendable
    err("test \"a\" {}\nexec \"e\" {\n\tcmd => \"echo hello\",\n}\nTest[\"a\"].hello -> Exec[\"e\"].cmd\n", codes::BAD_EDGE, 5);
    err("file \"/tmp/x\" {\n\tstate => \"exists\",\n}\ntest \"b\" {}\nFile[\"/tmp/x\"].content -> Test[\"b\"].anotherstr\n", codes::BAD_EDGE, 5);
}

// ---------------------------------------------------------------------------------------------
// §3.5 Operators and builtins

#[test]
fn plus_on_str_int_float_but_not_bool() {
    ok("$a = \"a\" + \"b\"\n$b = 1 + 2\n$c = 1.5 + 2.5\ntest [$a] {\n\tint64 => $b,\n\tfloat64 => $c,\n}\n");
    err("$a = true + false\ntest \"t\" {\n\tinterface => $a,\n}\n", codes::BAD_FORM, 1);
    // speculate-operators2
    err_any("$x = 5\ntest \"hello\" {\n\tanotherstr => \"hello world\" + $x + \"\\n\",\n}\n", &[codes::MISMATCH, codes::BAD_FORM], 3);
}

#[test]
fn minus_and_times_on_numbers_only() {
    ok("test \"t\" {\n\tint64 => 3 - 2 * 1,\n\tfloat64 => 3.0 - 2.0,\n}\n");
    err("$a = \"a\" - \"b\"\ntest [$a] {}\n", codes::BAD_FORM, 1);
}

#[test]
fn int_division_gives_float() {
    ok("test \"t\" {\n\tfloat64 => 1 / 2,\n}\n");
    err("test \"t\" {\n\tint64 => 1 / 2,\n}\n", codes::MISMATCH, 2);
    err("$x = 1 / 2.0\ntest \"t\" {\n\tinterface => $x,\n}\n", codes::MISMATCH, 1);
}

#[test]
fn comparisons() {
    ok("test \"t\" {\n\tboolptr => 1 < 2,\n\tvalidatebool => 1.5 >= 0.5,\n}\n");
    err("test \"t\" {\n\tboolptr => \"a\" < \"b\",\n}\n", codes::BAD_FORM, 2);
    ok("test \"t\" {\n\tboolptr => [1] == [2],\n\tvalidatebool => struct{a => 1} != struct{a => 2},\n}\n");
    err_any("test \"t\" {\n\tboolptr => 1 == \"a\",\n}\n", &[codes::MISMATCH], 2);
}

#[test]
fn functions_are_not_comparable() {
    err("$f = func() { 1 }\n$b = $f == $f\ntest \"t\" {\n\tboolptr => $b,\n}\n", codes::BAD_FORM, 2);
    // also inside containers
    err("$f = func() { 1 }\n$b = [$f] == [$f]\ntest \"t\" {\n\tboolptr => $b,\n}\n", codes::BAD_FORM, 2);
}

#[test]
fn logic_needs_bool() {
    ok("test \"t\" {\n\tboolptr => not (true and false or true),\n}\n");
    err_any("test \"t\" {\n\tboolptr => not 1,\n}\n", &[codes::MISMATCH, codes::BAD_FORM], 2);
    err_any("test \"t\" {\n\tboolptr => 1 and true,\n}\n", &[codes::MISMATCH, codes::BAD_FORM], 2);
}

#[test]
fn in_needs_a_list_of_the_needle_type() {
    ok("test \"t\" {\n\tboolptr => \"a\" in [\"a\", \"b\"],\n}\n");
    err("test \"t\" {\n\tboolptr => \"a\" in \"abc\",\n}\n", codes::MISMATCH, 2);
    err("test \"t\" {\n\tboolptr => 1 in [\"a\"],\n}\n", codes::MISMATCH, 2);
}

#[test]
fn len_on_str_list_map_only() {
    // tricky-unification1
    ok("$ints = [13, 42, 0, -37]\n$l int = len($ints)\ntest \"t\" {\n\tint64 => $l,\n\tint8 => len(\"abc\"),\n\tint16 => len({1 => 2}),\n}\n");
    err("test \"t\" {\n\tint64 => len(42),\n}\n", codes::BAD_FORM, 2);
    err("test \"t\" {\n\tint64 => len(true),\n}\n", codes::BAD_FORM, 2);
}

#[test]
fn index_lists_with_int_and_maps_with_keys() {
    ok("$l = [\"a\"]\n$m = {\"k\" => 1}\ntest [$l[0]] {\n\tint64 => $m[\"k\"],\n}\n");
    err("$l = [\"a\"]\ntest [$l[\"x\"]] {}\n", codes::MISMATCH, 2);
    err("$m = {\"k\" => 1}\ntest \"t\" {\n\tint64 => $m[1],\n}\n", codes::MISMATCH, 3);
    err("$s = 1\ntest \"t\" {\n\tint64 => $s[0],\n}\n", codes::MISMATCH, 3);
    // map-hashable0/2: lookups with a default
    ok("$m = {true => \"pass\", false => \"fail\"}\n$s = $m[true] <|> \"error\"\ntest \"${s}\" {}\n");
}

#[test]
fn struct_field_lookup() {
    // structlookup1
    ok("$st0 = struct{x1 => 1.0, x5 => 2.1}\n$s0a = if $st0->x1 == 1.0 {\n\t\"passed\"\n} else {\n\t\"failed\"\n}\ntest \"${s0a}\" {}\n");
    // lookup3
    let d = err("$st = struct{\n\ta => 42,\n\tb => true,\n\tc => \"wow\",\n}\n\n$name = $st->missing + \"fail\"\ntest \"${name}\" {}\n", codes::NO_SUCH_FIELD, 7);
    assert!(d.help.is_some());
    let d = err("$st = struct{alpha => 1}\ntest \"t\" {\n\tint64 => $st->alpah,\n}\n", codes::NO_SUCH_FIELD, 3);
    assert!(d.help.as_deref().unwrap_or("").contains("alpha"), "{:?}", d.help);
    // the field's type flows out
    err("$st = struct{a => 1}\ntest [$st->a] {}\n", codes::MISMATCH, 2);
    // `->` needs a struct
    err("$l = [1]\ntest \"t\" {\n\tint64 => $l->a,\n}\n", codes::MISMATCH, 3);
}

#[test]
fn optional_struct_field_lookup() {
    // lookup2: the default is used when the field is missing
    ok("$st1 = struct{\n\ta => 42,\n\tb => true,\n\tc => \"pass1\",\n}\ntest [$st1->c <|> \"default\"] {}\ntest [$st1->missing <|> \"pass2\"] {}\n");
    ok("$st = struct{a => 42}\ntest \"t\" {\n\tanotherstr => $st->missing <|> \"x\",\n\tint64 => $st->a <|> 0,\n}\n");
    // structlookup4: when present, the field and the default must agree
    err(
        "include foo(struct{\n\tstr0 => [\"A\", \"B\"],\n})\n\nclass foo($st1) {\n\t$str1 = $st1->str0\n\n\tinclude bar(struct{\n\t\tstr2 => $str1,\n\t})\n}\n\nclass bar($st2) {\n\t$str3 = $st2->str2 <|> \"C\"\n\n\ttest [\"str: ${str3}\"] {}\n}\n",
        codes::MISMATCH,
        14,
    );
}

#[test]
fn printf_verbs_and_arguments() {
    // printfsimple0, printftype: %v and %T take anything
    ok("import \"fmt\"\n$st = struct{name => \"mgmt\", count => 3}\ntest [fmt.printf(\"%s %d %f %t %q %v %T %%\", \"a\", 1, 1.5, true, \"q\", [1], $st)] {}\n");
    // printfunificationerr0
    err("import \"fmt\"\ntest fmt.printf(\"%d%d\", 42) {} # missing second int\n", codes::PRINTF, 2);
    err("import \"fmt\"\ntest [fmt.printf(\"%d\", 1, 2)] {}\n", codes::PRINTF, 2);
    // printftypeerr0
    err_any("import \"fmt\"\n\ntest [fmt.printf(\"type: %T value: %d\", 42, \"hello\")] {}\n", &[codes::MISMATCH, codes::PRINTF], 3);
    // unknown verb
    err("import \"fmt\"\ntest [fmt.printf(\"%x\", 1)] {}\n", codes::PRINTF, 2);
    // the format through a var bound to a literal is still static
    err("import \"fmt\"\n$f = \"%d\"\ntest [fmt.printf($f, \"s\")] {}\n", codes::MISMATCH, 3);
    // printf's result is str
    err("import \"fmt\"\ntest \"t\" {\n\tint64 => fmt.printf(\"%d\", 1),\n}\n", codes::MISMATCH, 3);
}

// ---------------------------------------------------------------------------------------------
// Ambiguity, occurs check, hashability, decode_json

#[test]
fn unconstrained_empty_list_is_ambiguous() {
    err("$x = []\ntest \"t\" {\n\tint64 => len($x),\n}\n", codes::AMBIGUOUS, 1);
    // pinned by a use, it is fine
    ok("$x = []\ntest \"t\" {\n\tint64 => len($x),\n\tslicestring => $x,\n}\n");
}

#[test]
fn occurs_check() {
    // ycombinator: `$x($x)` would need an infinite type
    err("$f = func($x) { $x($x) }\ntest \"t\" {\n\tinterface => $f,\n}\n", codes::RECURSIVE_TYPE, 1);
    err("$f = func($x) { [$x] == $x }\ntest \"t\" {\n\tboolptr => $f(1),\n}\n", codes::RECURSIVE_TYPE, 1);
}

#[test]
fn map_keys_must_be_hashable() {
    // map-hashable6: a struct key containing a list
    err(
        "$st0 = struct{foo => \"a\", bar => [\"a1\", \"a2\"]}\n$st1 = struct{foo => \"a\", bar => [\"a1\", \"a2\"]}\n$st2 = struct{foo => \"b\", bar => [\"b1\", \"b2\", \"b3\"]}\n\n$m = {$st1 => \"pass\", $st2 => \"fail\"}\n\n$s = $m[$st0] <|> \"error\"\n\ntest \"${s}\" {}\n",
        codes::BAD_FORM,
        5,
    );
    err("$k = [\"a\"]\n$m = {$k => 1}\ntest \"t\" {\n\tinterface => $m,\n}\n", codes::BAD_FORM, 2);
    // a hashable struct key is fine
    ok("$k = struct{a => 1, b => \"x\"}\n$m = {$k => 1}\ntest \"t\" {\n\tinterface => $m,\n}\n");
    // an annotated map type with a list key
    err("$m map{[]str: int} = {}\ntest \"t\" {\n\tinterface => $m,\n}\n", codes::BAD_FORM, 1);
}

#[test]
fn decode_json_takes_its_type_from_a_static_string() {
    ok("import \"encoding\"\n$m = encoding.decode_json(\"[\\\"a\\\"]\", \"[]str\")\ntest \"t\" {\n\tslicestring => $m,\n}\n");
    err("import \"encoding\"\n$m = encoding.decode_json(\"[1]\", \"[]int\")\ntest \"t\" {\n\tslicestring => $m,\n}\n", codes::MISMATCH, 4);
    // bug-json-map1 (with the trailing `;` mgmt tolerates in the type string)
    ok("import \"encoding\"\n$json_str = \"{}\"\n$json = encoding.decode_json_flexible($json_str, \"map{str: struct{hello int; goodbye str;}}\")\nforkv $ix_str, $st in $json {\n\ttest \"${ix_str}\" {\n\t\tint64 => $st->hello,\n\t}\n}\n");
}

// ---------------------------------------------------------------------------------------------
// More instantiation corner cases

#[test]
fn bind_used_only_by_unused_code_is_not_checked() {
    // Only used by an unused func statement, or by another unused bind.
    ok("$x = 1 + \"a\"\nfunc f() {\n\t$x\n}\n");
    ok("$x = 1 + \"a\"\n$y = [$x]\n");
    // An unused bind inside an included class.
    ok("class c {\n\t$x = 1 + \"a\"\n\ttest \"t\" {}\n}\ninclude c\n");
}

#[test]
fn bound_lambda_value_is_checked_when_used() {
    err_any("$f = func() {\n\t1 + \"a\"\n}\ntest \"t\" {\n\tinterface => $f,\n}\n", &[codes::MISMATCH, codes::BAD_FORM], 2);
}

#[test]
fn both_branches_of_an_if_statement_are_checked() {
    err("$n = 1\nif true {\n\ttest \"a\" {}\n} else {\n\ttest \"${n}\" {}\n}\n", codes::MISMATCH, 5);
    err("$x = if true {\n\t1\n} else {\n\t\"a\"\n}\ntest \"t\" {\n\tinterface => $x,\n}\n", codes::MISMATCH, 4);
}

#[test]
fn one_bind_one_type_even_for_an_empty_list() {
    ok("$e = []\ntest \"t\" {\n\tboolptr => \"a\" in $e,\n\tvalidatebool => \"b\" in $e,\n}\n");
    err_any("$e = []\ntest \"t\" {\n\tboolptr => \"a\" in $e,\n\tvalidatebool => 1 in $e,\n}\n", &[codes::MISMATCH], 4);
    // an int bind can't feed a float field
    err("$x = 1\ntest \"t\" {\n\tint64 => $x,\n\tfloat64 => $x,\n}\n", codes::MISMATCH, 4);
}

#[test]
fn func_statement_sharing_a_bound_lambda_is_not_polymorphic() {
    // each call copies `f`, but `$g` is one shared value
    err_any("$g = func($x) { $x }\nfunc f($y) {\n\t$g($y)\n}\ntest [f(\"a\")] {\n\tint64 => f(1),\n}\n", &[codes::MISMATCH], 6);
}

#[test]
fn lambda_calling_a_polymorphic_func_is_still_monomorphic() {
    err_any("func id($x) {\n\t$x\n}\n$f = func($y) { id($y) }\ntest [$f(\"a\")] {\n\tint64 => $f(1),\n}\n", &[codes::MISMATCH], 6);
}

#[test]
fn func_statement_with_a_function_param_per_call_site() {
    ok("func apply($f, $x) {\n\t$f($x)\n}\ntest [apply(func($s) { $s + \"!\" }, \"a\")] {\n\tint64 => apply(func($a) { $a + 1 }, 1),\n}\n");
}

#[test]
fn include_as_instances_are_typed_independently() {
    ok("class c($p) {\n\t$q = $p\n}\ninclude c(1) as a\ninclude c(\"x\") as b\ntest \"t\" {\n\tint64 => $a.q,\n\tanotherstr => $b.p,\n}\n");
    err("class c($p) {\n\t$q = $p\n}\ninclude c(1) as a\ntest \"t\" {\n\tanotherstr => $a.q,\n}\n", codes::MISMATCH, 6);
}

#[test]
fn interpolation_inside_a_lambda_pins_its_param() {
    err_any("$f = func($x) { \"v: ${x}\" }\ntest [$f(1)] {}\n", &[codes::MISMATCH], 2);
    ok("$f = func($x) { \"v: ${x}\" }\ntest [$f(\"a\")] {}\n");
}

#[test]
fn panic_takes_bool_or_str() {
    ok("panic(false)\npanic(\"\")\n");
    err_any("panic(1)\n", &[codes::BAD_FORM, codes::MISMATCH], 1);
}

#[test]
fn nested_function_types() {
    ok("$apply func(func(int) int, int) int = func($f, $x) {\n\t$f($x)\n}\ntest \"t\" {\n\tint64 => $apply(func($a) { $a * 2 }, 3),\n}\n");
    err_any("$apply func(func(int) int, int) int = func($f, $x) {\n\t$f($x)\n}\ntest \"t\" {\n\tint64 => $apply(func($a) { \"s\" }, 3),\n}\n", &[codes::MISMATCH], 5);
}

#[test]
fn printf_trailing_percent_is_an_unknown_verb() {
    err("import \"fmt\"\ntest [fmt.printf(\"100%\")] {}\n", codes::PRINTF, 2);
}

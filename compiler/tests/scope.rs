//! Scope-phase integration tests through the public driver API (`driver::check_text`), one small
//! mcl program per rule of the reference's §5 (scoping, ordering and modules) and the scoping
//! items of §10: the three namespaces, order independence, duplicate definitions, block
//! shadowing, reference cycles (no recursion of any kind), definition-site capture for lambdas
//! and classes, include arity and `include … as` exports, the `class a:b` nesting sugar, loop
//! variables, every import form (system, local file, local directory module, `as name`, `as *`)
//! and its failures, unknown names with "did you mean" help, builtin variables, and the
//! warning-only treatment of classes that are never included.
//!
//! Every program runs through the full front end up to and including unification, so an
//! "accepted" program must produce no error diagnostics at all. Rejections assert the phase, the
//! code and the 1-based line of the primary span. Several tests make the *types* of an outer and
//! an inner definition differ (an int outside, a str inside), so that a wrong name resolution
//! shows up as a type error. Programs that import local files are written to a temporary
//! directory and checked through the entry's real path. Many tests mirror a conformance txtar
//! from mgmt (`lang/interpret_test/TestAstFunc2/…`), named in the test's comment.

use mcl_compiler::diagnostics::{Diagnostic, Phase, Severity};
use mcl_compiler::driver::{Checked, StopAfter, check_text};
use mcl_compiler::semantics::scope::codes;
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Helpers

/// Checks `src` as an entry file named `main.mcl` (no imports of local files).
fn check(src: &str) -> Checked {
    check_text("main.mcl", src, StopAfter::Unify)
}

/// Writes `files` (relative path, text) into a fresh temporary directory and checks the first
/// one as the entry. The directory is returned so it outlives the check.
fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Checked) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, text).unwrap();
    }
    let entry = dir.path().join(files[0].0);
    let checked = check_text(entry, files[0].1, StopAfter::Unify);
    (dir, checked)
}

/// The 1-based line of a diagnostic's primary span (in its own file).
fn line(c: &Checked, d: &Diagnostic) -> u32 {
    c.sources.get(d.file).line_col(d.span.start as usize).line
}

/// The 1-based line of a label's span.
fn label_line(c: &Checked, d: &Diagnostic, i: usize) -> u32 {
    let l = &d.labels[i];
    c.sources.get(l.file).line_col(l.span.start as usize).line
}

/// The file name (last path component) of a diagnostic's file.
fn file_name(c: &Checked, d: &Diagnostic) -> String {
    let p = &c.sources.get(d.file).path;
    Path::new(p).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Every diagnostic, one per line, for assertion messages.
fn dump(c: &Checked) -> String {
    c.diagnostics
        .iter()
        .map(|d| {
            format!(
                "{:?} {} {} {}:{} {:?} help={:?} labels={:?}",
                d.severity,
                d.phase,
                d.code,
                file_name(c, d),
                line(c, d),
                d.message,
                d.help,
                d.labels.iter().map(|l| (c.sources.get(l.file).line_col(l.span.start as usize).line, l.message.clone())).collect::<Vec<_>>()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn errors(c: &Checked) -> Vec<&Diagnostic> {
    c.diagnostics.iter().filter(|d| d.is_error()).collect()
}

/// Asserts the checked program has no errors.
fn assert_clean(c: &Checked, what: &str) {
    assert!(!c.has_errors(), "expected {what} to be accepted, got:\n{}", dump(c));
}

/// Asserts `src` is accepted (no error diagnostics in any phase).
fn ok(src: &str) {
    let c = check(src);
    assert!(!c.has_errors(), "expected no errors for:\n{src}\ngot:\n{}", dump(&c));
}

/// Finds an error with `phase`/`code` on `line` of the file named `file`.
fn find_err(c: &Checked, file: &str, phase: Phase, code: &str, line_no: u32) -> Diagnostic {
    c.diagnostics
        .iter()
        .find(|d| d.is_error() && d.phase == phase && d.code == code && line(c, d) == line_no && file_name(c, d) == file)
        .cloned()
        .unwrap_or_else(|| panic!("expected a {phase} error {code} on {file}:{line_no}, got:\n{}", dump(c)))
}

/// Asserts `src` is rejected with a scope error `code` on `line_no` (of `main.mcl`), and returns
/// it (with the checked program, for line computations).
fn scope_err(src: &str, code: &str, line_no: u32) -> (Checked, Diagnostic) {
    let c = check(src);
    let d = find_err(&c, "main.mcl", Phase::Scope, code, line_no);
    (c, d)
}

const MISMATCH: &str = mcl_compiler::semantics::unify::codes::MISMATCH;

// ---------------------------------------------------------------------------------------------
// §5.1 Namespaces

#[test]
fn var_func_and_class_of_one_name_coexist() {
    ok(r#"$x = "a"
func x() {
	"b"
}
class x {
	test "c" {}
}
include x
test [$x, x()] {}
"#);
}

#[test]
fn a_lambda_is_called_with_dollar_and_a_func_without() {
    // `f()` does not find the lambda `$f`, and `$g()` does not find the func `g`.
    let (c, d) = scope_err("$f = func() { \"a\" }\ntest [f()] {}\n", codes::UNKNOWN_NAME, 2);
    assert!(d.message.contains("func"), "{}", dump(&c));
    let (c, d) = scope_err("func g() { \"a\" }\ntest [$g()] {}\n", codes::UNKNOWN_NAME, 2);
    assert!(d.message.contains("$g"), "{}", dump(&c));
}

#[test]
fn aliases_are_a_namespace_of_their_own() {
    // An include alias, an import alias and a var/func of the same name don't collide.
    ok("class c {\n\t$y = \"a\"\n}\n$i = 1\ninclude c as i\ntest \"${i.y}\" {\n\tint64 => $i,\n}\n");
    ok("import \"fmt\"\n$fmt = 1\nfunc fmt() {\n\t\"x\"\n}\ntest [fmt(), fmt.printf(\"%d\", $fmt)] {}\n");
    // …and an alias alone is not a variable.
    scope_err("class c {}\ninclude c as i\ntest \"t\" {\n\tinterface => $i,\n}\n", codes::UNKNOWN_NAME, 4);
}

#[test]
fn user_definitions_shadow_builtins() {
    ok("func len($x) {\n\t\"mine\"\n}\ntest [len(1)] {}\n");
    ok("$hostname = 1\ntest \"t\" {\n\tint64 => $hostname,\n}\n");
}

// ---------------------------------------------------------------------------------------------
// §5.3 Ordering: statements are declarative

#[test]
fn vars_may_be_used_before_their_definition() {
    // simple-scope-ordering2
    ok("test \"${b}\" {}\n$b = $a + \"!\"\n$a = \"x\"\n");
}

#[test]
fn funcs_may_be_used_before_their_definition() {
    ok("test [f()] {}\nfunc f() {\n\tg() + \"!\"\n}\nfunc g() {\n\t\"x\"\n}\n");
}

#[test]
fn classes_may_be_included_before_their_definition() {
    // simple-scope-ordering4: include-as and its exported var used before both are defined.
    ok("test \"${i0.f0}\" {}\ninclude c0(\"hello\") as i0\nclass c0($s) {\n\t$f0 = $s\n}\n");
}

#[test]
fn imports_may_come_after_their_use() {
    ok("test [fmt.printf(\"%d\", 1)] {}\nimport \"fmt\"\n");
}

// ---------------------------------------------------------------------------------------------
// §5.2 Duplicates in one block

#[test]
fn duplicate_var_in_one_block() {
    let (c, d) = scope_err("$x = 1\n$x = 2\ntest \"t\" {}\n", codes::DUPLICATE_DEFINITION, 2);
    assert_eq!(d.labels.len(), 1, "{}", dump(&c));
    assert_eq!(label_line(&c, &d, 0), 1);
    // Also inside a nested block.
    scope_err("if true {\n\t$y = 1\n\t$y = 2\n}\n", codes::DUPLICATE_DEFINITION, 3);
}

#[test]
fn duplicate_func_in_one_block() {
    // AllowUserDefinedPolyFunc = false: no overloading by arity either.
    let (c, d) = scope_err("func f() { 1 }\nfunc f($a) { $a }\n", codes::DUPLICATE_DEFINITION, 2);
    assert_eq!(label_line(&c, &d, 0), 1);
}

#[test]
fn duplicate_class_in_one_block() {
    let (c, d) = scope_err("class c {}\nclass c {}\n", codes::DUPLICATE_DEFINITION, 2);
    assert_eq!(label_line(&c, &d, 0), 1);
}

#[test]
fn duplicate_include_alias() {
    // class-include-as-duplicate2
    scope_err(
        "class c1($s) {\n\t$x = \"got: ${s}\"\n}\n\ninclude c1(\"hey\") as i1\ninclude c1(\"there\") as i1\ntest \"${i1.x}\" {}\n",
        codes::DUPLICATE_DEFINITION,
        6,
    );
}

#[test]
fn duplicate_alias_is_reported_even_with_unknown_names_in_the_class() {
    // class-include-as-duplicate0: the ordering error wins (is reported) although the class
    // body also references an unknown `$s`.
    scope_err("class c1() {\n\t$x = \"got: ${s}\"\n}\n\ninclude c1 as i1\ninclude c1 as i1\ntest \"${i1.x}\" {}\n", codes::DUPLICATE_DEFINITION, 6);
}

#[test]
fn including_one_class_twice_without_alias_is_fine() {
    // class-include-as-vars-simple
    ok("class c1($b) {\n\tif $b {\n\t\ttest \"t2\" {}\n\t} else {\n\t\ttest \"t3\" {}\n\t}\n}\ninclude c1(true)\ninclude c1(false)\n");
}

// ---------------------------------------------------------------------------------------------
// §5.2 Shadowing and non-leaking blocks

#[test]
fn bind_in_if_branch_shadows_and_does_not_leak() {
    // shadowing1, with types that tell the two `$x` apart.
    ok("$x = 1\nif true {\n\t$x = \"world\"\n\ttest \"${x}\" {}\n}\ntest \"t\" {\n\tint64 => $x,\n}\n");
    // else branches too
    ok("$x = 1\nif true {\n\ttest \"a\" {}\n} else {\n\t$x = \"s\"\n\ttest \"${x}\" {}\n}\ntest \"t\" {\n\tint64 => $x,\n}\n");
    // A name defined only in the branch is unknown outside.
    scope_err("if true {\n\t$y = \"w\"\n}\ntest \"${y}\" {}\n", codes::UNKNOWN_NAME, 4);
}

#[test]
fn bind_in_loop_body_shadows_and_does_not_leak() {
    ok("$x = 1\nfor $i, $v in [\"a\"] {\n\t$x = \"s\"\n\ttest \"${x}\" {}\n}\ntest \"t\" {\n\tint64 => $x,\n}\n");
    scope_err("for $i, $v in [\"a\"] {\n\t$y = \"w\"\n}\ntest \"${y}\" {}\n", codes::UNKNOWN_NAME, 4);
}

#[test]
fn bind_in_class_body_shadows_outer_and_param_and_does_not_leak() {
    // class-shadowing1 / shadowing3: a body bind shadows the class param and the outer var.
    ok("$msg = 1\nclass shadowme($msg) {\n\t$msg = \"c\"\n\tif true {\n\t\t$msg = \"d\"\n\t\ttest \"${msg}\" {}\n\t}\n}\ninclude shadowme(true)\ntest \"t\" {\n\tint64 => $msg,\n}\n");
    // class-shadowing2: the branch bind does not leak into the class body.
    ok("class shadowme($msg) {\n\t$msg = \"c\"\n\tif true {\n\t\t$msg = 5\n\t}\n\ttest \"${msg}\" {}\n}\ninclude shadowme(1.5)\n");
    // class-shadowing3: a plain include exports nothing.
    scope_err("class c {\n\t$z = \"a\"\n}\ninclude c\ntest \"${z}\" {}\n", codes::UNKNOWN_NAME, 5);
}

#[test]
fn class_param_shadows_outer_var() {
    // class-include-as-vars3
    ok("$wat = 1\nclass c1($wat) {\n\ttest \"${wat}\" {}\n}\ninclude c1(\"hello\")\n");
}

#[test]
fn func_params_shadow_outer_vars() {
    // func-shadowing1 (with an int outside so a wrong resolution is a type error)
    ok("$foo = 1\nfunc bar($foo) {\n\t\"hello \" + $foo\n}\ntest [bar(\"world\")] {}\n");
    ok("$foo = 1\n$bar = func($foo) {\n\t\"hello \" + $foo\n}\ntest [$bar(\"world\")] {}\n");
}

#[test]
fn nested_block_may_shadow_builtin_var() {
    ok("if true {\n\t$hostname = 42\n\ttest \"t\" {\n\t\tint64 => $hostname,\n\t}\n}\ntest \"${hostname}\" {}\n");
}

#[test]
fn loop_variables_are_shadowable_by_body_binds() {
    // stmtfor07: the body's `$index` (int 42) shadows the loop's `$index`.
    ok("import \"fmt\"\n$list = [\"a\", \"b\", \"c\"]\n$index = \"out of scope\"\nfor $index, $value in $list {\n\t$index = 42\n\t$s = fmt.printf(\"%s is %d\", $value, $index)\n\ttest [$s] {}\n}\n");
    // Without the shadowing bind, `$index` is the loop's int index, not the outer str.
    ok("import \"fmt\"\n$index = \"outer\"\nfor $index, $value in [\"a\"] {\n\ttest [fmt.printf(\"%s is %d\", $value, $index)] {}\n}\n");
}

// ---------------------------------------------------------------------------------------------
// §5.3 Cycles: no recursion of any kind

#[test]
fn self_referencing_bind_is_a_cycle() {
    // stack-overflow
    let (c, d) = scope_err("$x = $x + 1\ntest \"t\" {\n\tint64 => $x,\n}\n", codes::CYCLE, 1);
    assert!(d.help.is_some(), "{}", dump(&c));
    // Also when unused.
    scope_err("$y = [$y]\n", codes::CYCLE, 1);
}

#[test]
fn self_reference_does_not_rebind_from_the_parent() {
    // import-scope-classes3: inside the class `$x` is the class's own `$x`.
    scope_err(
        "$x = \"i am x\"\n\nclass c2() {\n\t$z = \"i am y and \" + $x\n\n\t$x = $x\n}\n\ninclude c2 as f1\n\ntest \"${f1.z}\" {}\n",
        codes::CYCLE,
        6,
    );
    // stmtfor08-style: in a loop body `$index = $index + 1` is a cycle, not the loop variable.
    scope_err("for $index, $v in [1] {\n\t$index = $index + 1\n\ttest [\"x\"] {}\n}\n", codes::CYCLE, 2);
}

#[test]
fn forkv_body_self_reference_is_a_cycle() {
    // stmtforkv08
    scope_err(
        "import \"fmt\"\nimport \"math\"\n$map = {0 => \"a\", 1 => \"b\"}\n$key = 42\nforkv $key, $val in $map {\n\t$key = if math.mod($key, 2) == 0 {\n\t\t$key\n\t} else {\n\t\t42\n\t}\n\t$s = fmt.printf(\"%s is %d\", $val, $key)\n\ttest [$s] {}\n}\n",
        codes::CYCLE,
        6,
    );
}

#[test]
fn mutually_referencing_binds_list_both_sites() {
    // import-scope-classes6: sites at 7 and 9.
    let src = "$x = \"i am x\"\n\nclass c2() {\n\t$z = \"i am y and \" + $x\n\n\t$y = 1\n\t$tmpx = $x\n\n\t$x = $tmpx + \"wow\"\n}\n\ninclude c2 as f1\n\ntest \"${f1.z}\" {}\n";
    let (c, d) = scope_err(src, codes::CYCLE, 7);
    let mut lines: Vec<u32> = vec![line(&c, &d)];
    lines.extend((0..d.labels.len()).map(|i| label_line(&c, &d, i)));
    lines.sort();
    assert_eq!(lines, vec![7, 9], "{}", dump(&c));
    // Top level, three binds.
    let (c, d) = scope_err("$a = $b\n$b = $c\n$c = $a\n", codes::CYCLE, 1);
    let mut lines: Vec<u32> = vec![line(&c, &d)];
    lines.extend((0..d.labels.len()).map(|i| label_line(&c, &d, i)));
    lines.sort();
    assert_eq!(lines, vec![1, 2, 3], "{}", dump(&c));
    assert_eq!(errors(&c).iter().filter(|d| d.code == codes::CYCLE).count(), 1, "one cycle, one error:\n{}", dump(&c));
}

#[test]
fn recursive_func_statement_is_a_cycle_even_unused() {
    // stmtfunc-recursive (here without any call)
    scope_err("func sum($i) {\n\tif $i == 0 {\n\t\t0\n\t} else {\n\t\t$i + sum($i - 1)\n\t}\n}\n", codes::CYCLE, 5);
    // Indirect.
    let (c, d) = scope_err("func f() {\n\tg()\n}\nfunc g() {\n\tf()\n}\n", codes::CYCLE, 2);
    assert_eq!(d.labels.len(), 1, "{}", dump(&c));
    assert_eq!(label_line(&c, &d, 0), 5);
}

#[test]
fn recursive_lambda_is_a_cycle_even_unused() {
    // lambdafunc-recursive
    scope_err("$sum = func($i) {\n\tif $i == 0 {\n\t\t0\n\t} else {\n\t\t$i + $sum($i - 1)\n\t}\n}\n", codes::CYCLE, 5);
}

#[test]
fn mutually_recursive_lambdas_list_both_sites() {
    // lambdafunc-recursive-double
    let src = "$sum1 = func($i) {\n\t$sum2($i)\n}\n$sum2 = func($i) {\n\t$sum1($i)\n}\n$out = $sum1(4)\ntest [\"x\"] {}\n";
    let (c, d) = scope_err(src, codes::CYCLE, 2);
    assert_eq!(d.labels.len(), 1, "{}", dump(&c));
    assert_eq!(label_line(&c, &d, 0), 5);
}

#[test]
fn recursive_classes_are_a_cycle_even_unused() {
    // class-recursion1: sites 2 and 5, never included.
    let (c, d) = scope_err("class c1 {\n\tinclude c2\n}\nclass c2 {\n\tinclude c1\n}\n", codes::CYCLE, 2);
    assert_eq!(d.labels.len(), 1, "{}", dump(&c));
    assert_eq!(label_line(&c, &d, 0), 5);
}

#[test]
fn recursive_class_guarded_by_condition_is_a_cycle() {
    // class-recursion2
    scope_err(
        "class c1($cond) {\n\ttest \"nope\" {}\n\tif $cond {\n\t\tinclude c1(false)\n\t} else {\n\t\ttest \"done\" {}\n\t}\n}\ninclude c1(true)\n",
        codes::CYCLE,
        4,
    );
}

// ---------------------------------------------------------------------------------------------
// §5.4 / §5.5 Capture

#[test]
fn lambdas_and_funcs_capture_their_definition_site() {
    // definition-site-scope: `$x` in `$f` is the top-level int, not the class body's str.
    ok("$x = 1\n$f = func() {\n\t$x\n}\nfunc g() {\n\t$x\n}\nclass c {\n\t$x = \"caller\"\n\ttest \"t\" {\n\t\tint64 => $f(),\n\t\tint8 => g(),\n\t}\n\ttest \"${x}\" {}\n}\ninclude c\n");
}

#[test]
fn nested_lambda_param_shadows_outer_var() {
    // speculative-call2
    ok("$x = 1\n$add = func($x) {\n\tfunc($y) {\n\t\t$x + $y\n\t}\n}\n$addfoo = $add(\"foo\")\n$name = $addfoo(\"bar\")\ntest \"${name}\" {}\n");
}

#[test]
fn classes_capture_their_definition_site_not_the_include_site() {
    // class-capture3..6: included from a block that has its own (str) `$x`.
    ok("$x = 1\nclass c {\n\ttest \"t\" {\n\t\tint64 => $x,\n\t}\n}\nif true {\n\t$x = \"s\"\n\tinclude c\n\ttest \"${x}\" {}\n}\n");
    // …while the include arguments are evaluated at the include site.
    ok("$x = 1\nclass c($a) {\n\ttest \"${a}\" {}\n}\nif true {\n\t$x = \"s\"\n\tinclude c($x)\n}\n");
}

#[test]
fn imported_class_sees_its_own_modules_vars() {
    // class-capture8 (the importer's `$x1` is an int, the module's a str)
    let (_d, c) = project(&[
        ("main.mcl", "$x1 = 1\n$x2 = \"also bad\"\ninclude defs.foo\n\nimport \"defs.mcl\"\n"),
        ("defs.mcl", "class foo {\n\ttest \"${x1}\" {}\n}\n$x1 = \"t1\"\n"),
    ]);
    assert_clean(&c, "class-capture8");
}

#[test]
fn top_level_bind_does_not_see_lambda_params() {
    // clear-env-on-var
    scope_err("$wat = $x\n$f = func($x) {\n\t$wat\n}\ntest [$f(\"a\")] {}\n", codes::UNKNOWN_NAME, 1);
}

// ---------------------------------------------------------------------------------------------
// §5.5 Include arity and exports

#[test]
fn include_arity_must_match() {
    // class-include-as-class2
    let (c, d) = scope_err("class c1($b) {\n\ttest \"t\" {}\n}\n\ninclude c1 as i1\n", codes::ARITY, 5);
    assert!(d.message.contains('1') && d.message.contains('0'), "{}", dump(&c));
    scope_err("class c1 {\n\ttest \"t\" {}\n}\ninclude c1(1, 2)\n", codes::ARITY, 4);
    scope_err("class c1($a, $b) {\n\ttest \"t\" {}\n}\ninclude c1(1)\n", codes::ARITY, 4);
}

#[test]
fn include_as_exports_vars() {
    ok("class c {\n\t$y = \"a\"\n}\ninclude c as i\ntest \"${i.y}\" {}\n");
}

#[test]
fn include_as_exports_funcs() {
    // class-include-as-func0
    ok("class c1 {\n\ttest \"t1\" {}\n\tfunc f1() {\n\t\t\"hello\"\n\t}\n}\ninclude c1 as i1\n\ntest [i1.f1()] {}\n");
}

#[test]
fn include_as_exports_lambdas() {
    // class-include-as-lambda-scope1
    ok("class c1 {\n\t$x = \"world\"\n\ttest \"t1\" {}\n\t$f1 = func($y) {\n\t\t\"hello\" + $x\n\t}\n}\ninclude c1 as i1\n\n$name = $i1.f1(\"whatever\")\n\ntest \"${name}\" {}\n");
}

#[test]
fn include_as_exports_nested_classes() {
    // class-include-as-class0
    ok("class c1 {\n\ttest \"t1\" {}\n\t$y = \"hello\"\n\tclass c0 {\n\t\ttest \"t2\" {}\n\t\t$x = \"goodbye\"\n\t}\n}\ninclude c1 as i1\ninclude i1.c0 as i0\n\ntest \"${i0.x}\" {}\ntest \"${i1.y}\" {}\n");
    // class-include-as-class1: two instances of the outer class, each with its own inner.
    ok("class c1($b) {\n\tclass c0 {\n\t\t$x = if $b {\n\t\t\t\"hello\"\n\t\t} else {\n\t\t\t\"goodbye\"\n\t\t}\n\t}\n}\ninclude c1(true) as i1\ninclude i1.c0 as i01\ninclude c1(false) as i2\ninclude i2.c0 as i02\ntest \"${i01.x}\" {}\ntest \"${i02.x}\" {}\n");
}

#[test]
fn include_as_exports_captured_outer_vars_and_params() {
    // import-scope-classes2: `$f1.x` is the top-level `$x`, merely captured by the class.
    ok("$x = \"i am x\"\n\nclass c2() {\n\t$z = \"i am y and \" + $x\n\t$newx = $x + \" and hello\"\n}\n\ninclude c2 as f1\n\ntest \"${f1.z}\" {}\ntest \"${f1.x}\" {}\ntest \"${f1.newx}\" {}\n");
    // Params are exported too.
    ok("class c($p) {\n\ttest \"t\" {}\n}\ninclude c(\"a\") as i\ntest \"${i.p}\" {}\n");
}

#[test]
fn include_as_chains_through_nested_includes() {
    ok("class inner {\n\t$x = \"deep\"\n}\nclass outer {\n\tinclude inner as g1\n}\ninclude outer as f1\ntest \"${f1.g1.x}\" {}\n");
}

#[test]
fn plain_include_exports_nothing() {
    // func-gen1
    scope_err(
        "# test generating a function\nclass funcgen1 {\n\tfunc fun1() {\n\t\t\"hi\"\n\t}\n}\ninclude funcgen1\n$x1 = fun1()\ntest \"${x1}\" {}\n",
        codes::UNKNOWN_NAME,
        8,
    );
    // class-capture7: a nested class is not reachable by its bare name.
    scope_err(
        "class foo {\n\ttest \"t1\" {}\n\tclass bar {\n\t\ttest \"t0\" {}\n\t}\n}\ninclude foo\ninclude bar\n",
        codes::UNKNOWN_NAME,
        8,
    );
}

#[test]
fn unknown_member_of_an_include_alias() {
    scope_err("class c {\n\t$y = \"a\"\n}\ninclude c as i\ntest \"${i.nope}\" {}\n", codes::UNKNOWN_NAME, 5);
}

// ---------------------------------------------------------------------------------------------
// §5.5 `class a:b` nesting sugar

#[test]
fn colon_class_is_nested_into_its_base() {
    ok("class base($s) {\n\t$middle = \"inside \" + $s\n}\nclass base:inner($t) {\n\t$last = $middle + $t\n}\ninclude base(\"x\") as b0\ninclude b0.inner(\"y\") as b1\ntest \"${b1.last}\" {}\n");
}

#[test]
fn colon_class_nesting_three_levels_deep() {
    // class-include-as-nested1
    ok(r#"$top = "top-level"
class base($s) {
	test ["middle " + $s] {}
	$middle = "inside base"
}

class base:inner1($s) {
	test ["inner1 " + $s] {}

	$last = "i am inner1 and i can see " + $middle
}

class base:inner2($s) {
	test ["inner2 " + $s] {}

	$last = "i am inner2 and i can see " + $middle
}

class base:inner1:deep($s, $b) {
	test ["deep is " + $s] {}

	$end = "i am deep and i can see " + $middle + " and last says " + $last
}

include base("world") as b0
include b0.inner1("hello") as b1
include b0.inner2("hello") as b2
include b1.deep("deep", true) as d

test "${top}" {}
test "${b0.middle}" {}
test "${b1.last}" {}
test "${b2.last}" {}
test "${d.end}" {}
"#);
}

#[test]
fn colon_class_is_not_visible_at_the_outer_level() {
    // The moved class `inner` exists only inside `base`.
    scope_err("class base {\n\ttest \"t\" {}\n}\nclass base:inner {\n\ttest \"u\" {}\n}\ninclude inner\n", codes::UNKNOWN_NAME, 7);
}

// ---------------------------------------------------------------------------------------------
// §5.8 Imports

#[test]
fn import_system_module() {
    ok("import \"fmt\"\ntest [fmt.printf(\"%d\", 1)] {}\n");
    // The default alias is the last path segment.
    ok("import \"golang/strings\"\ntest [strings.to_upper(\"a\")] {}\n");
    ok("import \"example/nested\"\n$x = nested.hello()\ntest \"${x}\" {}\n");
    // nested-import1
    ok("import \"example/nested\" as foo\n$x = foo.hello()\ntest \"${x}\" {}\n");
}

#[test]
fn system_module_function_needs_its_import() {
    let (c, d) = scope_err("test [fmt.printf(\"%d\", 1)] {}\n", codes::UNKNOWN_NAME, 1);
    assert!(d.help.as_deref().unwrap_or("").contains("import \"fmt\""), "{}", dump(&c));
}

#[test]
fn unknown_system_module() {
    let (c, d) = scope_err("import \"fmtt\"\n", codes::IMPORT, 1);
    assert!(d.message.contains("fmtt"), "{}", dump(&c));
    assert!(d.help.as_deref().unwrap_or("").contains("`fmt`"), "did-you-mean expected:\n{}", dump(&c));
}

#[test]
fn module_vars_after_import_os() {
    ok("import \"os\"\ntest \"${os.family_debian}\" {}\n");
    ok("import \"os\" as o\ntest \"${o.family_debian}\" {}\n");
}

#[test]
fn module_vars_need_their_import() {
    // §5.7: the initial scope has `$hostname` and the `const.` constants only; `os.*` variables
    // come with `import "os"` (§5.8).
    scope_err("test \"${os.family_debian}\" {}\n", codes::UNKNOWN_NAME, 1);
    // Under an alias the module's own name is not defined either.
    scope_err("import \"os\" as o\ntest \"${os.family_debian}\" {}\n", codes::UNKNOWN_NAME, 2);
}

#[test]
fn builtin_vars() {
    ok("test \"${hostname}\" {}\nfile \"/tmp/x\" {\n\tstate => $const.res.file.state.exists,\n}\n");
    scope_err("test \"t\" {\n\tanotherstr => $const.res.file.state.nope,\n}\n", codes::UNKNOWN_NAME, 2);
}

#[test]
fn import_local_file_default_alias() {
    let (_d, c) = project(&[("main.mcl", "import \"x.mcl\"\ntest \"${x.v}\" {}\ntest [x.f()] {}\ninclude x.c\n"), ("x.mcl", "$v = \"a\"\nfunc f() {\n\t\"b\"\n}\nclass c {\n\ttest \"c\" {}\n}\n")]);
    assert_clean(&c, "a local file import");
}

#[test]
fn import_local_file_in_subdirectory() {
    let (_d, c) = project(&[("main.mcl", "import \"dir1/foo.mcl\"\ntest \"${foo.v}\" {}\n"), ("dir1/foo.mcl", "$v = \"a\"\n")]);
    assert_clean(&c, "dir1/foo.mcl");
}

#[test]
fn import_local_file_as_name() {
    let (_d, c) = project(&[("main.mcl", "import \"x.mcl\" as y\ntest \"${y.v}\" {}\n"), ("x.mcl", "$v = \"a\"\n")]);
    assert_clean(&c, "import as y");
    // With an explicit alias the default one is not defined.
    let (_d, c) = project(&[("main.mcl", "import \"x.mcl\" as y\ntest \"${x.v}\" {}\n"), ("x.mcl", "$v = \"a\"\n")]);
    find_err(&c, "main.mcl", Phase::Scope, codes::UNKNOWN_NAME, 2);
}

#[test]
fn import_local_directory_module_main_mcl() {
    let (_d, c) = project(&[("main.mcl", "import \"dir2/\"\ntest \"${dir2.v}\" {}\n"), ("dir2/main.mcl", "$v = \"a\"\n")]);
    assert_clean(&c, "dir2/ with main.mcl");
}

#[test]
fn import_local_directory_module_metadata_main() {
    let (_d, c) = project(&[
        ("main.mcl", "import \"mod/\"\ntest \"${mod.v}\" {}\n"),
        ("mod/metadata.yaml", "main: \"entry.mcl\"\n"),
        ("mod/entry.mcl", "$v = \"a\"\n"),
    ]);
    assert_clean(&c, "mod/ with metadata.yaml main:");
    // An empty metadata.yaml means main.mcl.
    let (_d, c) = project(&[("main.mcl", "import \"mod/\"\ntest \"${mod.v}\" {}\n"), ("mod/metadata.yaml", ""), ("mod/main.mcl", "$v = \"a\"\n")]);
    assert_clean(&c, "mod/ with an empty metadata.yaml");
}

#[test]
fn directory_module_imports_relative_to_itself() {
    let (_d, c) = project(&[
        ("main.mcl", "import \"mod/\"\ntest \"${mod.v}\" {}\n"),
        ("mod/main.mcl", "import \"helper.mcl\"\n$v = $helper.w\n"),
        ("mod/helper.mcl", "$w = \"a\"\n"),
    ]);
    assert_clean(&c, "a module importing its sibling file");
}

#[test]
fn nested_imports_flatten_under_the_alias() {
    // import-scope-vars1 and import-scope-vars2-fail
    let files = |main: &'static str| [("main.mcl", main), ("x.mcl", "$x = \"this is x.mcl\"\n"), ("y.mcl", "import \"x.mcl\" as f\n$y = $f.x + \" and this is y.mcl\"\n")];
    let (_d, c) = project(&files("import \"y.mcl\" as g\ntest \"${g.y}\" {}\ntest \"${g.f.x}\" {}\n"));
    assert_clean(&c, "import-scope-vars1");
    let (_d, c) = project(&files("import \"y.mcl\" as g\n#test \"${g.y}\" {}\ntest \"${g.x}\" {}\n"));
    find_err(&c, "main.mcl", Phase::Scope, codes::UNKNOWN_NAME, 3);
}

#[test]
fn star_import_merges_without_prefix_and_later_star_wins() {
    // import-double-star-bad, with types that show which one won.
    let foo = ("foo.mcl", "$v = 1\nclass foo($s) {\n\ttest \"foo:${s}\" {}\n}\n");
    let bar = ("bar.mcl", "$v = \"s\"\nclass foo($s) {\n\ttest \"bar:${s}\" {}\n}\n");
    let (_d, c) = project(&[("main.mcl", "import \"foo.mcl\" as *\nimport \"bar.mcl\" as *\n\ninclude foo(\"hello\")\ntest \"${v}\" {}\n"), foo, bar]);
    assert_clean(&c, "a later star import overriding an earlier one");
    let (_d, c) = project(&[("main.mcl", "import \"bar.mcl\" as *\nimport \"foo.mcl\" as *\ntest \"${v}\" {}\n"), foo, bar]);
    find_err(&c, "main.mcl", Phase::Unify, MISMATCH, 3);
}

#[test]
fn import_cycle_is_an_error() {
    let (_d, c) = project(&[("main.mcl", "import \"a.mcl\"\ntest \"${a.x}\" {}\n"), ("a.mcl", "import \"b.mcl\"\n$x = \"a\"\n"), ("b.mcl", "import \"a.mcl\"\n$y = \"b\"\n")]);
    let found = errors(&c).into_iter().find(|d| d.phase == Phase::Scope && d.code == codes::IMPORT && d.message.contains("recursive"));
    assert!(found.is_some(), "expected a recursive-import error:\n{}", dump(&c));
    let d = found.unwrap();
    assert_eq!(file_name(&c, d), "b.mcl", "{}", dump(&c));
    assert_eq!(line(&c, d), 1);
}

#[test]
fn file_importing_itself_is_an_error() {
    let (_d, c) = project(&[("main.mcl", "import \"a.mcl\"\n"), ("a.mcl", "import \"a.mcl\" as me\n$x = \"a\"\n")]);
    let d = find_err(&c, "a.mcl", Phase::Scope, codes::IMPORT, 1);
    assert!(d.message.contains("recursive"), "{}", dump(&c));
}

#[test]
fn missing_import_file_names_the_path() {
    let (_d, c) = project(&[("main.mcl", "$x = 1\nimport \"nope.mcl\"\n")]);
    let d = find_err(&c, "main.mcl", Phase::Scope, codes::IMPORT, 2);
    assert!(d.message.contains("nope.mcl") || d.help.as_deref().unwrap_or("").contains("nope.mcl"), "{}", dump(&c));
    // A missing module directory too.
    let (_d, c) = project(&[("main.mcl", "import \"gone/\"\n")]);
    let d = find_err(&c, "main.mcl", Phase::Scope, codes::IMPORT, 1);
    assert!(format!("{} {:?}", d.message, d.help).contains("gone"), "{}", dump(&c));
}

#[test]
fn module_with_a_resource_at_top_level() {
    // unused1/unused2 (TestAstFunc1)
    let (_d, c) = project(&[("main.mcl", "import \"m.mcl\"\n"), ("m.mcl", "$x = \"a\"\ntest \"t\" {}\n")]);
    find_err(&c, "m.mcl", Phase::Scope, codes::MODULE_STATEMENT, 2);
    let (_d, c) = project(&[("main.mcl", "import \"m.mcl\"\n"), ("m.mcl", "class c {}\ninclude c\n")]);
    find_err(&c, "m.mcl", Phase::Scope, codes::MODULE_STATEMENT, 2);
}

#[test]
fn duplicate_import_of_the_same_path() {
    let (c, d) = scope_err("import \"fmt\"\nimport \"fmt\"\n", codes::IMPORT, 2);
    assert_eq!(d.labels.len(), 1, "{}", dump(&c));
    assert_eq!(label_line(&c, &d, 0), 1);
    // Even under a different alias.
    scope_err("import \"fmt\"\nimport \"fmt\" as f2\n", codes::IMPORT, 2);
}

#[test]
fn two_imports_with_one_alias() {
    scope_err("import \"fmt\" as x\nimport \"math\" as x\n", codes::DUPLICATE_DEFINITION, 2);
}

#[test]
fn import_alias_clashes_with_include_alias() {
    // class-include-as-import1
    scope_err(
        "import \"fmt\" as i1\nclass c1($s) {\n\t$x = fmt.printf(\"got: %s\", $s)\n}\n\ninclude c1(\"hey\") as i1\ntest \"${i1.x}\" {}\n",
        codes::DUPLICATE_DEFINITION,
        6,
    );
    // class-include-as-import2 (default alias)
    scope_err(
        "import \"fmt\"\nclass c1($s) {\n\t$x = fmt.printf(\"got: %s\", $s)\n}\n\ninclude c1(\"hey\") as fmt\ntest \"${fmt.x}\" {}\n",
        codes::DUPLICATE_DEFINITION,
        6,
    );
}

#[test]
fn parse_error_in_imported_file_is_reported_there_and_at_the_import() {
    // import-parse-error
    let (_d, c) = project(&[("main.mcl", "# comment\n# comment\nimport \"foo.mcl\" as *\ntest \"t\" {}\n"), ("foo.mcl", "$x = [1, 2 3]\n")]);
    let in_file = errors(&c).into_iter().find(|d| d.file != c.entry).cloned();
    let Some(in_file) = in_file else { panic!("expected an error in foo.mcl:\n{}", dump(&c)) };
    assert_eq!(file_name(&c, &in_file), "foo.mcl");
    assert_eq!(line(&c, &in_file), 1);
    assert!(matches!(in_file.phase, Phase::Parse | Phase::Lex), "{}", dump(&c));
    find_err(&c, "main.mcl", Phase::Scope, codes::IMPORT, 3);
}

#[test]
fn scope_error_in_imported_file_is_reported_there() {
    let (_d, c) = project(&[("main.mcl", "import \"m.mcl\"\ntest \"${m.v}\" {}\n"), ("m.mcl", "\n$v = $nope\n")]);
    find_err(&c, "m.mcl", Phase::Scope, codes::UNKNOWN_NAME, 2);
}

#[test]
fn scope_error_in_imported_file_is_also_noted_at_the_import() {
    let (_d, c) = project(&[("main.mcl", "\nimport \"m.mcl\"\ntest \"${m.v}\" {}\n"), ("m.mcl", "\n$v = $nope\n")]);
    let at_import = c.diagnostics.iter().any(|d| d.file == c.entry && line(&c, d) == 2);
    assert!(at_import, "expected an error or note at main.mcl:2:\n{}", dump(&c));
}

#[test]
fn import_in_a_class_body_is_allowed() {
    ok("class c {\n\timport \"fmt\"\n\ttest [fmt.printf(\"%d\", 1)] {}\n}\ninclude c\n");
}

// ---------------------------------------------------------------------------------------------
// Unknown names

#[test]
fn unknown_var_suggests_a_near_name() {
    let (c, d) = scope_err("$hello = \"a\"\ntest \"${helo}\" {}\n", codes::UNKNOWN_NAME, 2);
    assert!(d.help.as_deref().unwrap_or("").contains("$hello"), "{}", dump(&c));
    assert!(d.message.contains("$helo"), "{}", dump(&c));
}

#[test]
fn unknown_func_suggests_a_near_name() {
    let (c, d) = scope_err("func greet() {\n\t\"a\"\n}\ntest [gret()] {}\n", codes::UNKNOWN_NAME, 4);
    assert!(d.help.as_deref().unwrap_or("").contains("greet"), "{}", dump(&c));
    // Builtins are candidates too.
    let (c, d) = scope_err("test [concatt(\"a\", \"b\")] {}\n", codes::UNKNOWN_NAME, 1);
    assert!(d.help.as_deref().unwrap_or("").contains("concat"), "{}", dump(&c));
}

#[test]
fn unknown_class_suggests_a_near_name() {
    let (c, d) = scope_err("class myclass {\n\ttest \"t\" {}\n}\ninclude myclas\n", codes::UNKNOWN_NAME, 4);
    assert!(d.help.as_deref().unwrap_or("").contains("myclass"), "{}", dump(&c));
}

// ---------------------------------------------------------------------------------------------
// Classes that are never included

#[test]
fn errors_in_a_never_included_class_are_warnings() {
    let c = check("class c {\n\ttest \"${nope}\" {}\n}\ntest \"t\" {}\n");
    assert!(!c.has_errors(), "{}", dump(&c));
    let w = c.diagnostics.iter().find(|d| d.severity == Severity::Warning && d.code == codes::UNKNOWN_NAME);
    assert!(w.is_some_and(|d| line(&c, d) == 2), "expected a warning on line 2:\n{}", dump(&c));
    // Once included, it is an error.
    scope_err("class c {\n\ttest \"${nope}\" {}\n}\ninclude c\n", codes::UNKNOWN_NAME, 2);
    // Included only from another never-included class: still a warning.
    let c = check("class c {\n\ttest \"${nope}\" {}\n}\nclass d {\n\tinclude c\n}\n");
    assert!(!c.has_errors(), "{}", dump(&c));
}

// ---------------------------------------------------------------------------------------------
// More block and import rules

#[test]
fn loop_variables_do_not_leak_out_of_the_loop() {
    scope_err("for $i, $v in [\"a\"] {\n\ttest \"${v}\" {}\n}\ntest \"${v}\" {}\n", codes::UNKNOWN_NAME, 4);
    scope_err("forkv $k, $v in {\"a\" => 1} {\n\ttest \"${k}\" {}\n}\ntest \"${k}\" {}\n", codes::UNKNOWN_NAME, 4);
}

#[test]
fn nested_blocks_see_their_parents_definitions() {
    // A nested block sees an outer bind defined *after* the block (order independence across levels).
    ok("if true {\n\tfor $i, $v in $list {\n\t\ttest \"${v}\" {}\n\t}\n}\n$list = [\"a\"]\n");
}

#[test]
fn import_inside_a_loop_body_is_rejected() {
    // stmtfor43 (an init error in mgmt too)
    let c = check("for $i, $v in [\"a\"] {\n\timport \"fmt\"\n\ttest [fmt.printf(\"%s\", $v)] {}\n}\n");
    find_err(&c, "main.mcl", Phase::Init, mcl_compiler::semantics::init::codes::IMPORT_IN_LOOP, 2);
}

#[test]
fn star_import_of_a_system_module() {
    ok("import \"fmt\" as *\ntest [printf(\"%d\", 1)] {}\n");
}

#[test]
fn import_paths_must_be_relative_and_clean() {
    scope_err("import \"/abs/x.mcl\" as x\n", codes::IMPORT, 1);
    scope_err("import \"a//x.mcl\" as x\n", codes::IMPORT, 1);
}

#[test]
fn module_can_not_see_the_importers_names() {
    // An imported module is scoped on its own: the importer's `$y` is not visible in it.
    let (_d, c) = project(&[("main.mcl", "import \"m.mcl\"\n$y = \"a\"\ntest \"${m.v}\" {}\n"), ("m.mcl", "$v = $y\n")]);
    find_err(&c, "m.mcl", Phase::Scope, codes::UNKNOWN_NAME, 1);
}

#[test]
fn one_module_imported_twice_from_different_files() {
    // A diamond (main → a, b → shared) is not a cycle.
    let (_d, c) = project(&[
        ("main.mcl", "import \"a.mcl\"\nimport \"b.mcl\"\ntest \"${a.x}\" {}\ntest \"${b.x}\" {}\n"),
        ("a.mcl", "import \"shared.mcl\"\n$x = $shared.s + \"a\"\n"),
        ("b.mcl", "import \"shared.mcl\"\n$x = $shared.s + \"b\"\n"),
        ("shared.mcl", "$s = \"s\"\n"),
    ]);
    assert_clean(&c, "a diamond of imports");
}

#[test]
fn cycle_through_include_alias_and_class_body() {
    // The class body reads `$i.x`, i.e. its own instance: a cycle through the include alias.
    scope_err("class c {\n\t$x = \"a\"\n\t$y = $i.x\n}\ninclude c as i\n$z = $i.y\n", codes::CYCLE, 3);
}

#[test]
fn same_name_in_a_class_body_and_at_top_level_is_no_cycle() {
    // scope-ordering-dag1: the top-level `$x` reads `$c.y`, which reads the class's own `$x`.
    ok("class foo() {\n\t$x = \"hello\"\n\t$y = $x\n\ttest [$y + \"a\"] {}\n}\ninclude foo() as c\n$x = $c.y\ntest [$x + \"b\"] {}\n");
    // scope-ordering-dag5
    ok("class c1($x) {\n\t$y = $x\n}\ninclude c1(\"hello\") as c\n$x = $c.y\ntest \"${x}\" {}\n");
    // scope-ordering-dag6: an include alias `x` both inside the class and at top level.
    ok("class bar($z) {\n\t$zz = $z\n}\nclass foo() {\n\tinclude bar(\"hello\") as x\n\t$y = $x.zz\n\ttest [$y + \"a\"] {}\n}\ninclude foo() as c\ninclude bar($c.y) as x\ntest [$x.zz + \"b\"] {}\n");
}

#[test]
fn lambda_param_named_like_the_bind_is_no_cycle() {
    // scope-ordering-dag3, scope-ordering-dag4
    ok("$id = func($x) {\n\t$x\n}\n$x = $id(\"hello\")\ntest \"${x}\" {}\n");
    ok("func id($x) {\n\t$x\n}\n$x = id(\"hello\")\ntest \"${x}\" {}\n");
}

#[test]
fn class_body_bind_shadows_the_captured_outer_var() {
    // import-scope-classes4 (the outer `$x1` is an int, so using it would be a type error)
    ok("$x1 = 1\nclass c2() {\n\t$z = \"i am y and \" + $x1\n\n\t$x1 = \"hey\"\n}\ninclude c2 as f1\ntest \"${f1.z}\" {}\ntest \"${f1.x1}\" {}\n");
}

#[test]
fn builtin_purpleidea_var() {
    // toplevel
    ok("$pass = $purpleidea != \"\"\n$result = if $pass {\n\t\"pass\"\n} else {\n\t\"fail\"\n}\ntest [$result] {}\n");
}

#[test]
fn directory_module_default_alias_strips_mgmt_prefix() {
    let (_d, c) = project(&[("main.mcl", "import \"mgmt-my-mod/\"\ntest \"${my_mod.v}\" {}\n"), ("mgmt-my-mod/main.mcl", "$v = \"a\"\n")]);
    assert_clean(&c, "import \"mgmt-my-mod/\" (alias my_mod)");
}

#[test]
fn import_without_a_valid_default_alias() {
    let (_d, c) = project(&[("main.mcl", "import \"_x.mcl\"\n"), ("_x.mcl", "$v = \"a\"\n")]);
    find_err(&c, "main.mcl", Phase::Scope, codes::IMPORT, 1);
    // With an explicit alias it is fine.
    let (_d, c) = project(&[("main.mcl", "import \"_x.mcl\" as x\ntest \"${x.v}\" {}\n"), ("_x.mcl", "$v = \"a\"\n")]);
    assert_clean(&c, "an explicit alias");
}

#[test]
fn sibling_files_of_a_module_are_not_auto_included() {
    let (_d, c) = project(&[("main.mcl", "import \"mod/\"\ntest \"${mod.w}\" {}\n"), ("mod/main.mcl", "$v = \"a\"\n"), ("mod/other.mcl", "$w = \"b\"\n")]);
    find_err(&c, "main.mcl", Phase::Scope, codes::UNKNOWN_NAME, 2);
}

#[test]
fn same_include_alias_in_different_blocks_is_fine() {
    ok("class c($s) {\n\t$x = $s\n}\nif true {\n\tinclude c(\"a\") as i\n\ttest \"${i.x}\" {}\n} else {\n\tinclude c(\"b\") as i\n\ttest \"${i.x}\" {}\n}\n");
}

#[test]
fn import_in_a_nested_block_does_not_leak() {
    scope_err("if true {\n\timport \"fmt\"\n\ttest [fmt.printf(\"%d\", 1)] {}\n}\ntest [fmt.printf(\"%d\", 2)] {}\n", codes::UNKNOWN_NAME, 5);
}

#[test]
fn imported_funcs_and_classes_use_their_modules_imports() {
    let (_d, c) = project(&[
        ("main.mcl", "import \"m.mcl\"\ninclude m.c\ntest [m.f()] {}\n"),
        ("m.mcl", "import \"fmt\"\n$v = 3\nclass c {\n\ttest [fmt.printf(\"%d\", $v)] {}\n}\nfunc f() {\n\tfmt.printf(\"%d\", $v)\n}\n"),
    ]);
    assert_clean(&c, "a module using its own import");
}

#[test]
fn type_error_inside_an_imported_class_is_reported_in_its_file() {
    let (_d, c) = project(&[("main.mcl", "import \"m.mcl\"\ninclude m.c\n"), ("m.mcl", "class c {\n\ttest \"t\" {\n\t\tint64 => \"x\",\n\t}\n}\n")]);
    find_err(&c, "m.mcl", Phase::Unify, MISMATCH, 3);
}

#[test]
fn unused_module_definitions_are_not_type_checked() {
    let (_d, c) = project(&[("main.mcl", "import \"m.mcl\"\ntest \"${m.ok}\" {}\n"), ("m.mcl", "$bad = 1 + \"a\"\n$ok = \"fine\"\n")]);
    assert_clean(&c, "an unused bad bind in a module");
}

//! The query API the language server builds on: types at positions, definitions, references
//! and visible names, through `driver::check_text`.

use mcl_compiler::driver::{Checked, StopAfter, check_text};
use mcl_compiler::semantics::hir::{DefKind, RefTarget};
use mcl_compiler::semantics::query::{self, VisibleKind};

const PROGRAM: &str = r#"import "fmt"

$greeting = "hello"
$count = 42
$names = ["a", "b"]

func twice($s str) str {
	$s + $s
}

class greeter($who) {
	$msg = fmt.printf("%s, %s", $greeting, $who)
	print "greet-${who}" {
		msg => $msg,
	}
}

include greeter("world") as g

test "t" {
	anotherstr => twice($g.msg),
	int64 => $count,
	slicestring => $names,
}
"#;

fn checked() -> Checked {
    let c = check_text("query.mcl", PROGRAM, StopAfter::Unify);
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    c
}

/// Byte offset of the `n`-th occurrence of `needle` (plus `delta`).
fn at(needle: &str, n: usize, delta: usize) -> usize {
    PROGRAM.match_indices(needle).nth(n).map(|(i, _)| i + delta).unwrap_or_else(|| panic!("no {needle:?} #{n}"))
}

#[test]
fn type_of_expressions_at_positions() {
    let c = checked();
    let (hir, typed) = (c.hir.as_ref().unwrap(), c.typed.as_ref().unwrap());
    let ty = |offset| query::type_at(hir, typed, c.entry, offset).map(|(_, t)| t.to_string());
    assert_eq!(ty(at("$count,", 0, 1)).as_deref(), Some("int"));
    assert_eq!(ty(at("$names,", 0, 2)).as_deref(), Some("[]str"));
    assert_eq!(ty(at("twice($g", 0, 1)).as_deref(), Some("str"));
    assert_eq!(ty(at("$s + $s", 0, 3)).as_deref(), Some("str"));
    assert_eq!(ty(at("fmt.printf", 0, 5)).as_deref(), Some("str"));
    let (span, _) = query::type_at(hir, typed, c.entry, at("42", 0, 0)).unwrap();
    assert_eq!(&PROGRAM[span.range()], "42");
}

#[test]
fn definitions_and_references() {
    let c = checked();
    let hir = c.hir.as_ref().unwrap();
    // `$count` in the test body refers to the bind on line 4.
    let Some(RefTarget::Def(def)) = query::target_at(hir, c.entry, at("$count,", 0, 2)) else { panic!("no def") };
    let (_, span) = query::definition_site(hir, def);
    assert_eq!(&PROGRAM[span.range()], "count");
    assert_eq!(span.start as usize, at("$count =", 0, 1));
    assert!(matches!(hir.def(def).kind, DefKind::Bind { .. }));
    // On the definition itself, the target is the definition.
    assert_eq!(query::target_at(hir, c.entry, at("$count =", 0, 2)), Some(RefTarget::Def(def)));
    // `$greeting` is referenced once (inside the class), `twice` once.
    let Some(RefTarget::Def(greeting)) = query::target_at(hir, c.entry, at("$greeting =", 0, 2)) else { panic!() };
    let refs = query::references(hir, greeting);
    assert_eq!(refs.len(), 1);
    assert_eq!(&PROGRAM[refs[0].1.range()], "greeting");
    let Some(RefTarget::Def(twice)) = query::target_at(hir, c.entry, at("twice($g", 0, 2)) else { panic!() };
    assert_eq!(&PROGRAM[query::definition_site(hir, twice).1.range()], "twice");
    // `$g.msg`: the `g` part is the alias, the `msg` part the bind inside the class.
    let Some(RefTarget::Def(alias)) = query::target_at(hir, c.entry, at("$g.msg", 0, 1)) else { panic!() };
    assert!(matches!(hir.def(alias).kind, DefKind::IncludeAlias { .. }));
    let Some(RefTarget::Def(msg)) = query::target_at(hir, c.entry, at("$g.msg", 0, 4)) else { panic!() };
    assert_eq!(query::definition_site(hir, msg).1.start as usize, at("$msg =", 0, 1));
    // A builtin.
    assert!(matches!(query::target_at(hir, c.entry, at("printf", 0, 2)), Some(RefTarget::Builtin(f)) if f.name == "printf"));
}

#[test]
fn visible_names_with_types() {
    let c = checked();
    let (hir, typed) = (c.hir.as_ref().unwrap(), c.typed.as_ref().unwrap());
    // Inside the class body: its params and binds, the top level, and builtins.
    let inside = query::visible_at(hir, Some(typed), c.entry, at("print \"greet", 0, 0));
    let names: Vec<&str> = inside.iter().map(|v| v.name.as_str()).collect();
    for want in ["who", "msg", "greeting", "count", "twice", "greeter", "g", "fmt", "fmt.printf", "len", "hostname"] {
        assert!(names.contains(&want), "{want} not visible: {names:?}");
    }
    let count = inside.iter().find(|v| v.name == "count").unwrap();
    assert_eq!(count.kind, VisibleKind::Var(Some(mcl_compiler::types::Type::Int)));
    // Inside the func body, its parameter is visible with its declared type.
    let in_func = query::visible_at(hir, Some(typed), c.entry, at("$s + $s", 0, 0));
    assert!(in_func.iter().any(|v| v.name == "s" && v.kind == VisibleKind::Var(Some(mcl_compiler::types::Type::Str))));
    // At the top level, class-body binds are not visible.
    let top = query::visible_at(hir, Some(typed), c.entry, at("test \"t\"", 0, 0));
    assert!(!top.iter().any(|v| v.name == "who"));
}

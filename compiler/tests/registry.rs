//! The builtin tables and the type representation: counts, that every stored type parses, the
//! lookups the checker relies on, and type printing/parsing round trips.

use mcl_compiler::registry::{consts, functions, resources, suggest};
use mcl_compiler::source::FileId;
use mcl_compiler::syntax::ast::StmtKind;
use mcl_compiler::syntax::parser;
use mcl_compiler::types::{self, FuncType, Type};
use std::collections::HashSet;

const META: &str = "struct{noop bool; retry int; retryreset bool; delay int; timeout int; poll int; limit float; burst int; reset bool; sema []str; rewatch bool; realize bool; dollar bool; hidden bool; export []str; reverse bool; autoedge bool; autogroup bool}";

fn parse(s: &str) -> Type {
    types::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn counts() {
    let all = functions::all();
    assert_eq!(all.len(), 350);
    assert_eq!(all.iter().filter(|f| f.polymorphic).count(), 39);
    assert_eq!(all.iter().filter(|f| f.catchable).count(), 26);
    assert_eq!(all.iter().filter(|f| f.internal).count(), 4);
    assert_eq!(all.iter().filter(|f| f.operator).count(), 15);
    assert_eq!(all.iter().filter(|f| f.go_func.is_some()).count(), 166);
    assert_eq!(all.iter().filter(|f| f.module == "embedded/provisioner").count(), 25);
    let kinds = |k| all.iter().filter(|f| f.kind == k).count();
    use functions::FunctionKind::*;
    assert_eq!([kinds(Pure), kinds(Host), kinds(Stream), kinds(Test), kinds(World), kinds(Deploy)], [219, 93, 15, 13, 5, 5]);

    let ks = resources::kinds();
    assert_eq!(ks.len(), 61);
    assert_eq!(ks.iter().map(|k| k.fields.len() + k.skipped_fields.len()).sum::<usize>(), 393);
    assert_eq!(ks.iter().map(|k| k.fields.len()).sum::<usize>(), 391);
    assert_eq!(ks.iter().flat_map(|k| k.fields).filter(|f| f.variant).count(), 3);
    assert_eq!(ks.iter().flat_map(|k| k.fields).filter(|f| f.optional).count(), 44);
    assert_eq!(ks.iter().filter(|k| k.can_send()).count(), 7);
    assert_eq!(ks.iter().map(|k| k.send.len()).sum::<usize>(), 10);
    assert_eq!(ks.iter().filter(|k| k.recv).count(), 7);
    assert_eq!(ks.iter().filter(|k| k.autoedges).count(), 13);
    assert_eq!(ks.iter().filter(|k| k.autogroup).count(), 19);
    assert_eq!(ks.iter().filter(|k| k.group_parent).count(), 10);
    assert_eq!(ks.iter().filter(|k| k.build_tag.is_some()).count(), 12);
    assert_eq!(resources::meta_params().len(), 18);
    assert_eq!(resources::edge_properties().len(), 4);

    assert_eq!(consts::consts().len(), 18);
    assert_eq!(consts::all_module_vars().len(), 4);
    assert_eq!(consts::builtin_vars().len(), 2);
}

#[test]
fn every_stored_type_parses_and_round_trips() {
    let mut checked = 0;
    let mut check = |what: String, s: &str| {
        let t = types::parse(s).unwrap_or_else(|e| panic!("{what}: {e}"));
        // Printing is canonical; the tables differ from it only in spacing (`map{str:str}`).
        assert_eq!(types::parse(&t.to_string()), Ok(t.clone()), "{what}");
        assert_eq!(t.to_string().replace(' ', ""), s.replace(' ', ""), "{what}");
        checked += 1;
    };
    for f in functions::all() {
        let name = f.qualified_name();
        check(format!("{name} sig"), f.sig);
        for form in f.forms {
            check(format!("{name} form"), form);
        }
        if let Some(call) = f.call_sig {
            check(format!("{name} call_sig"), call);
        }
        assert!(matches!(*functions::signature(f), Type::Func(_)), "{name}");
        assert_eq!(functions::forms(f).len(), f.forms.len());
        assert!(f.forms.is_empty() || f.forms_note.is_none() || f.min_args != f.max_args.unwrap_or(0), "{name}");
    }
    for k in resources::kinds() {
        for fd in k.fields.iter().chain(k.send) {
            check(format!("{}.{}", k.name, fd.name), fd.ty);
            assert_eq!(resources::field_type(fd) == Type::Variant, fd.variant);
        }
    }
    for p in resources::meta_params() {
        check(format!("Meta:{}", p.name), p.ty);
    }
    assert!(checked > 1100, "{checked}");
}

#[test]
fn function_lookups() {
    let printf = functions::lookup("fmt", "printf").unwrap();
    assert_eq!(printf.min_args, 1);
    assert_eq!(printf.max_args, None);
    assert!(printf.variadic && printf.polymorphic && printf.is_callable());
    assert!(printf.forms_note.is_some());

    let len = functions::lookup("", "len").unwrap();
    assert_eq!(functions::signature(len).to_string(), "func(?1) int");
    assert_eq!(functions::forms(len), vec![parse("func(str) int"), parse("func([]?1) int"), parse("func(map{?1: ?2}) int")]);

    assert!(functions::lookup("", "_lookup").unwrap().internal);
    assert!(!functions::lookup("", "_lookup").unwrap().is_callable());
    assert!(functions::lookup("fmt", "nope").is_none());
    assert!(functions::lookup("nope", "printf").is_none());
    assert_eq!(functions::lookup_qualified("golang/strings.to_upper").unwrap().go_func, Some("strings.ToUpper"));
    assert_eq!(functions::lookup_qualified("concat").unwrap().module, "");
    assert_eq!(functions::signature(functions::lookup("golang/strconv", "parse_bool").unwrap()).to_string(), "func(str str) bool");

    // Operators are found only through `operator`.
    assert!(functions::lookup("", "+").is_none());
    assert!(functions::lookup("", "in").is_none());
    for op in ["+", "-", "*", "/", "==", "!=", "<", ">", "<=", ">=", "and", "or", "not"] {
        let f = functions::operator(op).unwrap_or_else(|| panic!("{op}"));
        assert!(f.operator);
        assert_eq!(f.registered_name(), "_operator");
        assert_eq!(f.min_args, if op == "not" { 1 } else { 2 });
    }
    assert_eq!(functions::signature(functions::operator("/").unwrap()).to_string(), "func(a ?1, b ?1) float");
    assert_eq!(functions::operator("in").unwrap().registered_name(), "contains");
    assert!(functions::operator("%").is_none());

    let fmt: Vec<_> = functions::module_members("fmt").map(|f| f.name).collect();
    assert!(fmt.contains(&"printf"));
    let top: HashSet<_> = functions::module_members("").filter(|f| f.is_callable()).map(|f| f.name).collect();
    for name in ["len", "concat", "contains", "history", "list_lookup", "map_lookup", "random1", "panic_debug", "panic"] {
        assert!(top.contains(name), "{name}");
    }
    assert!(!top.contains("_operator") && !top.contains("+"));
}

#[test]
fn modules() {
    for m in ["fmt", "golang/strings", "example/nested", "example", "golang", "os", "embedded/provisioner", "golang/math/rand"] {
        assert!(functions::is_module(m), "{m}");
    }
    for m in ["", "nope", "golang/", "fmt/x", "strings/"] {
        assert!(!functions::is_module(m), "{m}");
    }
    let all = functions::modules();
    assert!(all.contains(&"os") && all.contains(&"world/collect"));
    assert!(all.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn resource_lookups() {
    let file = resources::kind("file").unwrap();
    assert_eq!(resources::field_type(file.field("content").unwrap()), Type::Str);
    assert!(file.recv && file.autoedges && file.has_trait("Reversible"));
    assert!(file.field("nope").is_none());
    assert!(resources::kind("File").is_none());
    assert!(resources::kind("notaresource").is_none());
    assert!(resources::kind("_panic").unwrap().is_internal());
    assert!(resources::kinds().windows(2).all(|w| w[0].name < w[1].name));

    let value = resources::kind("value").unwrap();
    let any = value.field("any").unwrap();
    assert!(any.variant && any.optional);
    assert_eq!(resources::field_type(any), Type::Variant);
    assert_eq!(resources::kind("test").unwrap().skipped_fields, &["complex64", "complex128"]);
    assert!(resources::kind("test").unwrap().field("complex64").is_none());

    let meta = resources::meta_struct_type();
    assert_eq!(meta.to_string(), META);
    assert_eq!(meta, parse(META));
    let names: Vec<_> = resources::meta_params().iter().map(|p| p.name).collect();
    assert_eq!(names.first(), Some(&"noop"));
    assert_eq!(names.last(), Some(&"autogroup"));
    assert_eq!(resources::meta_param("RetryReset").unwrap().name, "retryreset");
    assert_eq!(resources::meta_param("limit").unwrap().default, "+Inf");
    assert_eq!(resources::meta_param_type(resources::meta_param("sema").unwrap()), Type::list(Type::Str));
    assert!(resources::meta_param("nope").is_none());

    let depend = resources::edge_property("Depend").unwrap();
    assert!(depend.reverse && !depend.notify);
    let notify = resources::edge_property("notify").unwrap();
    assert!(!notify.reverse && notify.notify);
    assert!(resources::edge_property("listen").unwrap().reverse);
    assert!(!resources::edge_property("BEFORE").unwrap().reverse);
    assert!(resources::edge_property("after").is_none());
}

#[test]
fn send_recv() {
    use resources::SendRecvError;
    assert_eq!(resources::can_send("exec", "output"), Some(Type::Str));
    assert_eq!(resources::can_send("test", "answer"), Some(Type::Int));
    assert_eq!(resources::can_send("file", "content"), None);
    assert_eq!(resources::can_send("exec", "nope"), None);
    assert_eq!(resources::can_recv("file", "content"), Some(Type::Str));
    assert_eq!(resources::can_recv("exec", "cmd"), None);
    assert_eq!(resources::can_recv("value", "any"), Some(Type::Variant));

    assert_eq!(resources::check_send_recv("exec", "output", "file", "content"), Ok(()));
    assert_eq!(resources::check_send_recv("value", "any", "print", "msg"), Ok(()));
    assert_eq!(resources::check_send_recv("file", "content", "file", "content"), Err(SendRecvError::CannotSend("file".into())));
    assert_eq!(resources::check_send_recv("exec", "output", "exec", "cmd"), Err(SendRecvError::CannotRecv("exec".into())));
    assert_eq!(resources::check_send_recv("exec", "nope", "file", "content"), Err(SendRecvError::NoSendKey("nope".into())));
    assert_eq!(resources::check_send_recv("exec", "output", "file", "nope"), Err(SendRecvError::NoRecvField("nope".into())));
    assert_eq!(resources::check_send_recv("test", "answer", "file", "content"), Ok(()), "content is a pointer");
    let err = resources::check_send_recv("test", "answer", "file", "path").unwrap_err();
    assert_eq!(err.to_string(), "field kind mismatch between int and string");
    assert_eq!(resources::check_send_recv("test", "answer", "test", "int"), Ok(()));
    assert_eq!(resources::check_send_recv("test", "answer", "test", "int64"), Err(SendRecvError::KindMismatch("int".into(), "int64".into())));
    assert_eq!(SendRecvError::CannotSend("file".into()).to_string(), "cannot send from resource of kind: file");
}

#[test]
fn constants() {
    let c = consts::lookup("const.res.file.state.exists").unwrap();
    assert_eq!(c.value, consts::ConstValue::Str("exists"));
    assert_eq!(c.ty(), Type::Str);
    assert_eq!(c.module, None);
    assert_eq!(consts::lookup("const.res.gzip.level.huffman_only").unwrap().value, consts::ConstValue::Int(-2));
    assert_eq!(consts::lookup("hostname").unwrap().ty(), Type::Str);
    assert_eq!(consts::lookup("purpleidea").unwrap().value, consts::ConstValue::Str("hello world!"));
    let os: Vec<_> = consts::module_vars("os").map(|c| c.local_name()).collect();
    assert_eq!(os, ["family_redhat", "family_debian", "family_archlinux"]);
    let t1 = consts::lookup("example.test1").unwrap();
    assert_eq!((t1.module, t1.value, t1.ty()), (Some("example"), consts::ConstValue::Int(13), Type::Int));
    assert_eq!(consts::top_level().count(), 20);
    assert!(consts::lookup("const.res.file.state.nope").is_none());
    for c in consts::consts() {
        assert!(c.name.starts_with("const.res."));
        let kind = c.name.split('.').nth(2).unwrap();
        assert!(resources::kind(kind).is_some(), "{kind}");
    }
}

#[test]
fn display_round_trip() {
    let samples = [
        "bool",
        "str",
        "int",
        "float",
        "variant",
        "?0",
        "?4294967295",
        "[]str",
        "[][][]?1",
        "map{str: int}",
        "map{struct{a int; b str}: []map{int: float}}",
        "struct{}",
        "struct{a int}",
        "struct{type str; func func() int; map map{str: str}}",
        "func() str",
        "func(int) str",
        "func(a str, int, c []bool) map{str: ?3}",
        "func(str str) bool",
        "func(f func(x ?1) ?2, xs []?1) []?2",
        "func(func(int) int) func(str) str",
        "[]func(struct struct{x int}) variant",
    ];
    for s in samples {
        let t = parse(s);
        assert_eq!(t.to_string(), s);
        assert_eq!(parse(&t.to_string()), t);
    }
    // Built by hand: unnamed and named parameters.
    let t = Type::Func(Box::new(FuncType {
        params: vec![(Some("a".into()), Type::Str), (None, Type::map(Type::Int, Type::Var(7)))],
        ret: Type::Struct(vec![("x".into(), Type::Bool)]),
    }));
    assert_eq!(t.to_string(), "func(a str, map{int: ?7}) struct{x bool}");
    assert_eq!(parse(&t.to_string()), t);
    assert_eq!(Type::func([Type::Int], Type::Int).to_string(), "func(int) int");
}

#[test]
fn from_source_syntax() {
    let parsed = parser::parse("$x map{str: []int} = {}\n$f func($a str, int) struct{a int; b []bool} = $g\n", FileId(0));
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let tys: Vec<Type> = parsed
        .prog
        .stmts
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Bind { ty: Some(ty), .. } => types::from_syntax(ty),
            other => panic!("not a typed bind: {other:?}"),
        })
        .collect();
    assert_eq!(tys[0], Type::map(Type::Str, Type::list(Type::Int)));
    assert_eq!(tys[0].to_string(), "map{str: []int}");
    assert_eq!(tys[1].to_string(), "func(a str, int) struct{a int; b []bool}");
}

#[test]
fn suggestions_over_the_tables() {
    let file = resources::kind("file").unwrap();
    assert_eq!(suggest::did_you_mean("contnet", file.fields.iter().map(|f| f.name)), Some("content"));
    assert_eq!(suggest::did_you_mean("prinft", functions::module_members("fmt").map(|f| f.name)), Some("printf"));
    assert_eq!(suggest::did_you_mean("fiel", resources::kinds().iter().map(|k| k.name)), Some("file"));
}

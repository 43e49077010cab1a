//! Evaluation rules through `driver::build_graph`: values, closures, instances, loops, `<|>`,
//! panics, and graph building (list names, edges, duplicates, send/recv, validation).

use mcl_compiler::diagnostics::Phase;
use mcl_compiler::driver::build_graph;
use mcl_compiler::eval::stdlib::Host;
use mcl_compiler::eval::value::Value;

/// Builds the graph of `src` (written to a temp dir as main.mcl); returns sorted lines, or the
/// first error as `phase:line: message`.
fn graph(src: &str) -> Result<Vec<String>, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let main = dir.path().join("main.mcl");
    std::fs::write(&main, src).expect("write");
    let mut host = Host::local(dir.path().to_path_buf());
    host.hostname = "h1".into();
    let built = build_graph(&main, Some(host));
    match built.graph {
        Some(g) => {
            let mut lines: Vec<String> = g.resources.keys().map(|(k, n)| format!("{k}[{n}]")).collect();
            lines.extend(g.edges.keys().map(|((k1, n1), (k2, n2))| format!("{k1}[{n1}] -> {k2}[{n2}]")));
            lines.sort();
            Ok(lines)
        }
        None => {
            let d = built.checked.diagnostics.iter().find(|d| d.is_error()).expect("an error");
            let line = src[..d.span.start as usize].matches('\n').count() + 1;
            Err(format!("{}:{line}: {}", d.phase, d.message))
        }
    }
}

fn names(src: &str) -> Vec<String> {
    graph(src).unwrap_or_else(|e| panic!("{e}")).into_iter().filter(|l| !l.contains("->")).collect()
}

#[test]
fn literals_operators_and_interpolation() {
    assert_eq!(names("$a = \"x\" + \"y\"\n$b = if 3 > 2 and not false { \"big\" } else { \"small\" }\ntest \"${a}-${b}\" {}\n"), vec!["test[xy-big]"]);
    assert_eq!(names("$s = \"a\\tb\\\\c\"\ntest $s {}\n"), vec!["test[a\tb\\c]"]);
    assert_eq!(names("$x = 6 / 4\ntest [\"t\"] {\n\tfloat64 => $x,\n}\n"), vec!["test[t]"]);
    assert_eq!(names("$l = [\"a\", \"b\"] + [\"c\"]\ntest \"x\" {}\n"), vec!["test[x]"], "an unused bind is never evaluated");
}

#[test]
fn list_names_expand_and_merge() {
    assert_eq!(names("test [\"a\", \"b\"] {}\ntest [\"b\", \"c\"] {}\n"), vec!["test[a]", "test[b]", "test[c]"]);
    assert_eq!(names("$l = [\"x\", \"y\"]\ntest $l {}\n"), vec!["test[x]", "test[y]"]);
    assert_eq!(names("test [] {}\n"), Vec::<String>::new());
}

#[test]
fn lambdas_funcs_and_closures() {
    let src = "$prefix = \"p-\"\n$f = func($x) { $prefix + $x }\nfunc g($a, $b) { $a + $b }\n$mk = func($s) { func($t) { $s + $t } }\n$h = $mk(\"m-\")\ntest [$f(\"a\"), g(\"b\", \"c\"), $h(\"z\"), func($q) { $q + \"!\" }(\"w\")] {}\n";
    assert_eq!(names(src), vec!["test[bc]", "test[m-z]", "test[p-a]", "test[w!]"]);
}

#[test]
fn classes_capture_definition_site_and_export_with_alias() {
    let src = "$x = \"top\"\nclass c($p) {\n\t$y = $x + \"-\" + $p\n\ttest [$y] {}\n}\ninclude c(\"one\")\ninclude c(\"two\") as i\ntest \"${i.y}!\" {}\n";
    assert_eq!(names(src), vec!["test[top-one]", "test[top-two!]", "test[top-two]"]);
    let nested = "class a {\n\t$v = \"av\"\n\tclass b {\n\t\ttest \"b-${v}\" {}\n\t}\n}\ninclude a as x\ninclude x.b\n";
    assert_eq!(names(nested), vec!["test[b-av]"]);
}

#[test]
fn if_takes_one_branch_and_loops_have_per_iteration_scope() {
    assert_eq!(names("if 1 > 2 {\n\ttest \"no\" {}\n} else {\n\ttest \"yes\" {}\n}\n"), vec!["test[yes]"]);
    let src = "for $i, $v in [\"a\", \"b\"] {\n\t$n = \"${v}${v}\"\n\ttest $n {}\n}\nforkv $k, $v in {\"k1\" => \"v1\", \"k2\" => \"v2\"} {\n\ttest \"${k}=${v}\" {}\n}\n";
    assert_eq!(names(src), vec!["test[aa]", "test[bb]", "test[k1=v1]", "test[k2=v2]"]);
}

#[test]
fn except_catches_errors_through_variables() {
    assert_eq!(names("$l = [\"a\"]\n$v = $l[5]\ntest [$v <|> \"fallback\"] {}\n"), vec!["test[fallback]"]);
    assert_eq!(names("$m = {\"k\" => \"v\"}\ntest [$m[\"k\"] <|> \"no\", $m[\"x\"] <|> \"dflt\"] {}\n"), vec!["test[dflt]", "test[v]"]);
    let err = graph("$l = [\"a\"]\ntest [$l[42]] {}\n").unwrap_err();
    assert!(err.starts_with("eval:2: list index not present, got: 42"), "{err}");
    let div = graph("$x = 1 / 0\ntest \"t\" {\n\tfloat64 => $x,\n}\n").unwrap_err();
    assert!(div.starts_with("eval:1: can't divide by zero"), "{div}");
}

#[test]
fn struct_fields_and_optional_defaults() {
    assert_eq!(names("$s = struct{a => \"x\", b => \"y\"}\ntest [$s->a, $s->c <|> \"z\"] {}\n"), vec!["test[x]", "test[z]"]);
}

#[test]
fn panics_stop_the_program() {
    assert!(graph("panic(false)\ntest \"ok\" {}\n").is_ok());
    let err = graph("panic(\"boom\")\n").unwrap_err();
    assert!(err.starts_with("eval:1: panic: boom"), "{err}");
}

#[test]
fn edges_chains_products_and_body_edges() {
    let lines = graph("test [\"a\", \"b\"] {}\ntest \"c\" {}\ntest \"d\" {\n\tDepend => Test[\"c\"],\n}\nTest[[\"a\", \"b\"]] -> Test[\"c\"] -> Test[\"d\"]\n").unwrap();
    for want in ["test[a] -> test[c]", "test[b] -> test[c]", "test[c] -> test[d]"] {
        assert!(lines.contains(&want.to_string()), "{want} missing in {lines:?}");
    }
    let err = graph("test \"a\" {}\nTest[\"a\"] -> Test[\"missing\"]\n").unwrap_err();
    assert!(err.starts_with("graph:2: edge cannot find resource kind: test named: `missing`"), "{err}");
}

#[test]
fn duplicates_merge_or_conflict() {
    assert_eq!(names("test \"t\" {\n\tanotherstr => \"a\",\n}\ntest \"t\" {\n\tanotherstr => \"a\",\n}\n"), vec!["test[t]"]);
    let err = graph("test \"t\" {\n\tanotherstr => \"a\",\n}\ntest \"t\" {\n\tanotherstr => \"b\",\n}\n").unwrap_err();
    assert!(err.starts_with("graph:4: inequivalent duplicate resource `test[t]`"), "{err}");
}

#[test]
fn validation_of_resources() {
    let neg = graph("test \"t\" {\n\tuint64 => -1,\n}\n").unwrap_err();
    assert!(neg.contains("can't store negative int `-1` into unsigned `uint64` field"), "{neg}");
    assert!(graph("test \"$x\" {}\n").unwrap_err().contains("starts with `$`"));
    assert!(graph("test \"$x\" {\n\tMeta:dollar => true,\n}\n").is_ok());
    assert!(graph("test \"\" {}\n").unwrap_err().contains("empty name"));
}

#[test]
fn file_resources_depend_on_their_parent_directory() {
    let lines = graph("file \"/tmp/d/\" {}\nfile \"/tmp/d/f\" {}\nfile \"/tmp/d/sub/g\" {}\n").unwrap();
    assert!(lines.contains(&"file[/tmp/d/] -> file[/tmp/d/f]".to_string()), "{lines:?}");
    assert!(lines.contains(&"file[/tmp/d/] -> file[/tmp/d/sub/g]".to_string()), "{lines:?}");
}

#[test]
fn hostname_and_constants() {
    assert_eq!(names("test [$hostname, $const.res.file.state.exists] {}\n"), vec!["test[exists]", "test[h1]"]);
}

#[test]
fn params_are_kept_with_values() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.mcl");
    std::fs::write(&main, "test \"t\" {\n\tint64 => 42,\n\tslicestring => [\"a\"],\n\tMeta:noop => true,\n}\n").unwrap();
    let g = build_graph(&main, Some(Host::local(dir.path().to_path_buf()))).graph.expect("graph");
    let r = g.resources.values().next().unwrap();
    assert_eq!(r.params.get("int64"), Some(&Value::Int(42)));
    assert_eq!(r.params.get("slicestring"), Some(&Value::list(vec![Value::str("a")])));
    assert_eq!(r.meta.get("noop"), Some(&Value::Bool(true)));
    let _ = Phase::Eval;
}

/// A stream update recomputes only what depends on it, and the new output reflects it.
#[test]
fn stream_updates_recompute_only_dependents() {
    use mcl_compiler::driver::{StopAfter, check_path};
    use mcl_compiler::eval::interp::Session;
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.mcl");
    let mut src = String::from("import \"datetime\"\n$now = datetime.now()\ntest \"clock-${now_str}\" {}\n$now_str = if $now > 0 { \"ticking\" } else { \"stopped\" }\n");
    for i in 0..200 {
        src.push_str(&format!("test \"static-{i}\" {{\n\tint64 => {i},\n}}\n"));
    }
    std::fs::write(&main, &src).unwrap();
    let checked = check_path(&main, StopAfter::Unify);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let host = Host::local(dir.path().to_path_buf());
    let (hir, typed) = (checked.hir.as_ref().unwrap(), checked.typed.as_ref().unwrap());
    let mut session = Session::new(hir, typed, &host, &checked.sources);
    let first = session.run_complete(std::time::Duration::from_secs(10)).expect("first run");
    assert_eq!(first.resources.len(), 201);
    assert!(first.resources.iter().any(|r| r.name == "clock-ticking"));
    assert!(session.recomputed() > 200);
    let stream = session.streams().iter().position(|s| s.function.name == "now").expect("datetime.now is a stream");
    let second = session.update(stream, Value::Int(0)).expect("update");
    assert!(second.resources.iter().any(|r| r.name == "clock-stopped"), "the new value flows to the resource");
    assert!(!second.resources.iter().any(|r| r.name == "clock-ticking"));
    assert_eq!(second.resources.len(), 201);
    assert!(session.recomputed() <= 3, "only the dependents are recomputed, not {}", session.recomputed());
    // Nothing changed: nothing is recomputed.
    let third = session.run().expect("re-run");
    assert_eq!(third, second);
    assert_eq!(session.recomputed(), 0);
}

/// A slow stream never holds up the evaluation: the first run returns at once saying what it
/// waits for; slow streams are sampled in parallel; the complete output comes when they deliver.
#[test]
fn slow_streams_do_not_block() {
    use mcl_compiler::driver::{StopAfter, check_path};
    use mcl_compiler::eval::interp::Session;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.mcl");
    let src = "import \"os\"\ntest \"fast\" {}\n$a = os.system(\"sleep 1; echo one\")\n$b = os.system(\"sleep 1; echo two\")\ntest [$a, $b] {}\n";
    std::fs::write(&main, src).unwrap();
    let checked = check_path(&main, StopAfter::Unify);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let host = Host::local(dir.path().to_path_buf());
    let (hir, typed) = (checked.hir.as_ref().unwrap(), checked.typed.as_ref().unwrap());
    let mut session = Session::new(hir, typed, &host, &checked.sources);
    let t = Instant::now();
    let first = session.run();
    assert!(t.elapsed() < Duration::from_millis(600), "the first run does not wait for the slow streams");
    let err = first.expect_err("the output is not complete yet");
    assert!(err.error.pending && err.error.message.contains("os.system"), "{err:?}");
    let out = session.run_complete(Duration::from_secs(10)).expect("complete output");
    let mut names: Vec<&str> = out.resources.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["fast", "one", "two"]);
    assert!(t.elapsed() < Duration::from_millis(1800), "the two 1-second streams were sampled in parallel ({:?})", t.elapsed());
}

//! Init-phase tests through the library API: every structural check of `semantics::init`, the
//! programs it must leave alone, and the conformance corpus in `../shared` (when present).

use mcl_compiler::diagnostics::{Diagnostic, Phase, Severity};
use mcl_compiler::semantics::init::{self, codes};
use mcl_compiler::source::FileId;
use mcl_compiler::syntax::ast::{SmolStr, StmtKind};
use mcl_compiler::syntax::parser;
use std::path::Path;

/// Parses `src` (which must be free of syntax errors) and runs the init checks.
fn diags(src: &str) -> Vec<Diagnostic> {
    let parsed = parser::parse(src, FileId(0));
    assert!(parsed.diagnostics.is_empty(), "syntax errors in {src:?}: {:#?}", parsed.diagnostics);
    init::check(&parsed.prog, FileId(0))
}

/// The 1-based line of byte `offset`.
fn line_of(src: &str, offset: u32) -> usize {
    src[..(offset as usize).min(src.len())].matches('\n').count() + 1
}

/// (line, code) of each init diagnostic of `src`.
fn errors(src: &str) -> Vec<(usize, &'static str)> {
    diags(src).iter().map(|d| (line_of(src, d.span.start), d.code)).collect()
}

/// Asserts that `src` passes the init checks.
fn clean(src: &str) {
    let found = diags(src);
    assert!(found.is_empty(), "unexpected init errors for {src:?}: {found:#?}");
}

/// The source text a span covers.
fn text(src: &str, d: &Diagnostic) -> String {
    src[d.span.start as usize..d.span.end as usize].to_string()
}

// ---------------------------------------------------------------------------------------------
// Resource bodies

#[test]
fn duplicate_resource_field() {
    let src = "file \"/tmp/x\" {\n\tcontent => \"a\",\n\tmode => \"0644\",\n\tcontent => \"b\",\n}\n";
    assert_eq!(errors(src), vec![(4, codes::DUPLICATE_FIELD)]);
    let d = &diags(src)[0];
    assert_eq!(d.phase, Phase::Init);
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(text(src, d), "content");
    assert!(d.message.contains("`content`"), "{}", d.message);
    assert_eq!(d.labels.len(), 1);
    assert_eq!(line_of(src, d.labels[0].span.start), 2);
    assert_eq!(d.labels[0].file, FileId(0));
    assert!(d.help.is_some());
}

#[test]
fn duplicate_field_with_condition_still_counts() {
    let src = "$c = true\nfile \"/tmp/x\" {\n\tcontent => \"a\",\n\tcontent => $c ?: \"b\",\n}\n";
    assert_eq!(errors(src), vec![(4, codes::DUPLICATE_FIELD)]);
    assert!(diags(src)[0].help.as_deref().unwrap_or("").contains("?:"));
    // Three times: two errors, both pointing back at the first.
    let src = "test \"t\" {\n\ta => 1,\n\ta => 2,\n\ta => 3,\n}\n";
    let found = diags(src);
    assert_eq!(found.iter().map(|d| d.code).collect::<Vec<_>>(), vec![codes::DUPLICATE_FIELD; 2]);
    assert!(found.iter().all(|d| line_of(src, d.labels[0].span.start) == 2));
    // Several entries on one line.
    assert_eq!(errors("test \"t\" { a => 1, a => 2, }\n"), vec![(1, codes::DUPLICATE_FIELD)]);
}

#[test]
fn same_field_in_different_resources_is_fine() {
    clean("file \"/tmp/a\" {\n\tcontent => \"a\",\n}\nfile \"/tmp/b\" {\n\tcontent => \"b\",\n}\n");
    clean("file \"/tmp/a\" {\n\tcontent => \"a\",\n\tmode => \"0644\",\n\towner => \"root\",\n}\n");
    // Edges may repeat.
    clean("test \"t\" {\n\tBefore => Test[\"a\"],\n\tBefore => Test[\"a\"],\n}\n");
}

#[test]
fn duplicate_meta_param() {
    let src = "test \"t\" {\n\tMeta:noop => true,\n\tMeta:retry => 3,\n\tMeta:noop => false,\n}\n";
    assert_eq!(errors(src), vec![(4, codes::DUPLICATE_META_PARAM)]);
    let d = &diags(src)[0];
    assert_eq!(text(src, d), "noop");
    assert_eq!(line_of(src, d.labels[0].span.start), 2);
    // A field and a meta param of the same name are different things.
    clean("test \"t\" {\n\tnoop => true,\n\tMeta:noop => true,\n}\n");
    // Two `Meta =>` structs are not an init error (mgmt finds them when building the graph).
    clean("test \"t\" {\n\tMeta => $m,\n\tMeta => $m,\n}\n");
}

#[test]
fn every_meta_param_is_known() {
    let names = [
        "noop", "retry", "retryreset", "delay", "timeout", "poll", "limit", "burst", "reset", "sema", "rewatch", "realize",
        "dollar", "hidden", "export", "reverse", "autoedge", "autogroup",
    ];
    let mut src = String::from("test \"t\" {\n");
    for n in names {
        src.push_str(&format!("\tMeta:{n} => $v,\n"));
    }
    src.push_str("}\n");
    clean(&src);
}

#[test]
fn unknown_meta_param() {
    let src = "test \"t\" {\n\tMeta:retyr => 3,\n}\n";
    assert_eq!(errors(src), vec![(2, codes::UNKNOWN_META_PARAM)]);
    let d = &diags(src)[0];
    assert_eq!(text(src, d), "retyr");
    assert_eq!(d.help.as_deref(), Some("did you mean `Meta:retry`?"));
    // Far from every name: the help lists them all.
    let src = "test \"t\" {\n\tMeta:xyzzy => 3,\n}\n";
    assert_eq!(errors(src), vec![(2, codes::UNKNOWN_META_PARAM)]);
    let help = diags(src)[0].help.clone().unwrap_or_default();
    assert!(help.contains("autogroup") && help.contains("retryreset"), "{help}");
    // An unknown name given twice is reported as unknown each time, not as a duplicate.
    let src = "test \"t\" {\n\tMeta:nope => 1,\n\tMeta:nope => 2,\n}\n";
    assert_eq!(errors(src), vec![(2, codes::UNKNOWN_META_PARAM), (3, codes::UNKNOWN_META_PARAM)]);
}

#[test]
fn invalid_edge_property() {
    let src = "test \"t\" {\n\tRequire => Test[\"a\"],\n}\n";
    assert_eq!(errors(src), vec![(2, codes::INVALID_EDGE_PROPERTY)]);
    let d = &diags(src)[0];
    assert_eq!(text(src, d), "Require");
    assert!(d.message.contains("`Require`"), "{}", d.message);
    let src = "test \"t\" {\n\tBefor => Test[\"a\"],\n}\n";
    assert_eq!(diags(src)[0].help.as_deref(), Some("did you mean `Before`?"));
    // With a condition too.
    assert_eq!(errors("test \"t\" {\n\tNotifies => true ?: Test[\"a\"],\n}\n"), vec![(2, codes::INVALID_EDGE_PROPERTY)]);
}

#[test]
fn meta_with_a_resource_is_an_edge_error() {
    let src = "test \"t\" {\n\tMeta => Test[\"a\"],\n}\n";
    assert_eq!(errors(src), vec![(2, codes::INVALID_EDGE_PROPERTY)]);
    let d = &diags(src)[0];
    assert_eq!(text(src, d), "Meta");
    assert!(d.message.contains("Meta"), "{}", d.message);
}

#[test]
fn valid_edge_properties() {
    clean(
        "test \"t\" {\n\tBefore => Test[\"a\"],\n\tDepend => Test[\"b\"],\n\tNotify => Test[\"c\"],\n\tListen => $c ?: Test[\"d\"],\n}\n",
    );
}

#[test]
fn reserved_kinds() {
    // Users can't write one: identifiers start with a letter.
    assert!(!parser::parse("_foo \"x\" {}\n", FileId(0)).diagnostics.is_empty());
    // A tree built otherwise is still checked.
    let mut parsed = parser::parse("test \"x\" {}\nTest[\"a\"] -> Test[\"b\"]\n", FileId(0));
    assert!(parsed.diagnostics.is_empty());
    for stmt in &mut parsed.prog.stmts {
        match &mut stmt.kind {
            StmtKind::Resource(res) => res.kind.text = SmolStr::new("_foo"),
            StmtKind::Edge(edge) => edge.halves[0].kind.text = SmolStr::new("_bar"),
            _ => {}
        }
    }
    let found = init::check(&parsed.prog, FileId(0));
    assert_eq!(found.iter().map(|d| d.code).collect::<Vec<_>>(), vec![codes::RESERVED_KIND; 2]);
    // `_panic` is mgmt's own.
    let mut parsed = parser::parse("test \"x\" {}\n", FileId(0));
    if let StmtKind::Resource(res) = &mut parsed.prog.stmts[0].kind {
        res.kind.text = SmolStr::new("_panic");
    }
    assert!(init::check(&parsed.prog, FileId(0)).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Struct and map literals

#[test]
fn duplicate_struct_field() {
    // conformance struct-duplicate3
    let src = "$st struct{x str} = struct{x => \"hello\", x => \"world\"}\n";
    assert_eq!(errors(src), vec![(1, codes::DUPLICATE_STRUCT_FIELD)]);
    let d = &diags(src)[0];
    assert_eq!(d.message, "duplicate struct field name of: `x`");
    assert_eq!(d.span.start as usize, src.rfind("x =>").unwrap_or(0));
    assert_eq!(d.labels[0].span.start as usize, src.find("x =>").unwrap_or(0));
    // Multi-line, nested in a list.
    let src = "$l = [\n\tstruct{\n\t\ta => 1,\n\t\tb => 2,\n\t\ta => 3,\n\t},\n]\n";
    assert_eq!(errors(src), vec![(5, codes::DUPLICATE_STRUCT_FIELD)]);
    clean("$s = struct{a => 1, b => 1}\n$t = struct{a => struct{a => 1}}\n$e = struct{}\n");
}

#[test]
fn duplicate_map_keys() {
    // conformance map-duplicate1
    let src = "$m = {\"k1\" => 42, \"k2\" => 13, \"k1\" => 4} # dupe!\n";
    assert_eq!(errors(src), vec![(1, codes::DUPLICATE_MAP_KEY)]);
    let d = &diags(src)[0];
    assert_eq!(d.message, "duplicate map key: \"k1\"");
    assert_eq!(text(src, d), "\"k1\"");
    assert_eq!(d.span.start as usize, src.rfind("\"k1\"").unwrap_or(0));
    assert_eq!(d.labels[0].span.start as usize, src.find("\"k1\"").unwrap_or(0));

    assert_eq!(errors("$m = {1 => \"a\", 2 => \"b\", 1 => \"c\"}\n"), vec![(1, codes::DUPLICATE_MAP_KEY)]);
    assert_eq!(errors("$m = {true => 1, false => 2, true => 3}\n"), vec![(1, codes::DUPLICATE_MAP_KEY)]);
    assert_eq!(errors("$m = {1.5 => 1, 1.50 => 2}\n"), vec![(1, codes::DUPLICATE_MAP_KEY)]);
    assert_eq!(errors("$m = {-1 => 1, -1 => 2}\n"), vec![(1, codes::DUPLICATE_MAP_KEY)]);
    assert_eq!(errors("$m = {(\"a\") => 1, \"a\" => 2}\n"), vec![(1, codes::DUPLICATE_MAP_KEY)]);
    // Identical interpolated strings are identical values.
    assert_eq!(errors("$m = {\"${x}\" => 1, \"${x}\" => 2}\n"), vec![(1, codes::DUPLICATE_MAP_KEY)]);
    assert_eq!(
        errors("$m = {struct{a => 1, b => \"x\"} => 1, struct{a => 1, b => \"x\"} => 2}\n"),
        vec![(1, codes::DUPLICATE_MAP_KEY)]
    );
    // Multi-line: the line of the repeated key.
    assert_eq!(errors("$m = {\n\t\"a\" => 1,\n\t\"b\" => 2,\n\t\"a\" => 3,\n}\n"), vec![(4, codes::DUPLICATE_MAP_KEY)]);
    // Nested inside other expressions.
    assert_eq!(errors("$l = [1, len({\"a\" => 1, \"a\" => 2})]\n"), vec![(1, codes::DUPLICATE_MAP_KEY)]);
    assert_eq!(errors("$m = {\"x\" => {\"a\" => 1, \"a\" => 2}}\n"), vec![(1, codes::DUPLICATE_MAP_KEY)]);
}

#[test]
fn maps_that_are_fine() {
    // Dynamic keys: the later entry wins at run time (conformance map-duplicate2/3).
    clean("$m = {$a => 1, $b => 2}\n");
    clean("$key = \"k1\"\n$m = {\"k1\" => 42, $key => 13}\n");
    clean("$key = \"k1\"\n$m = {$key => 42, \"k1\" => 13}\n");
    clean("$m = {$a => 1, $a => 2}\n");
    clean("$m = {f() => 1, f() => 2}\n");
    // One key, equal values, distinct keys, different interpolations.
    clean("$m = {\"a\" => 1}\n");
    clean("$m = {\"a\" => 1, \"b\" => 1}\n");
    clean("$m = {1 => 1, 2 => 2, -1 => 3}\n");
    clean("$m = {\"${a}\" => 1, \"${b}\" => 2}\n");
    clean("$m = {struct{a => 1} => 1, struct{a => 2} => 2}\n");
    clean("$m = {}\n$n = {\n}\n");
    // mgmt compares raw text before decoding escapes.
    clean("$m = {\"$x\" => 1, \"\\$x\" => 2}\n");
    // Unknown key types aren't checked here (unification does).
    clean("$m = {[] => 1}\n$n = {[$x] => 1}\n$o = {{} => 1}\n");
}

#[test]
fn inconsistent_map_key_types() {
    let src = "$m = {1 => \"a\", \"b\" => \"c\"}\n";
    assert_eq!(errors(src), vec![(1, codes::INCONSISTENT_MAP_KEYS)]);
    let d = &diags(src)[0];
    assert_eq!(text(src, d), "\"b\"");
    assert!(d.message.contains("str") && d.message.contains("int"), "{}", d.message);
    assert_eq!(d.labels[0].span.start as usize, src.find('1').unwrap_or(0));
    // Unknown keys are skipped; int and float differ (not a duplicate).
    assert_eq!(errors("$m = {$x => 1, 1 => 2, \"a\" => 3}\n"), vec![(1, codes::INCONSISTENT_MAP_KEYS)]);
    assert_eq!(errors("$m = {1 => 1, 1.0 => 2}\n"), vec![(1, codes::INCONSISTENT_MAP_KEYS)]);
    assert_eq!(
        errors("$m = {struct{a => 1} => 1, struct{b => 1} => 2}\n"),
        vec![(1, codes::INCONSISTENT_MAP_KEYS)]
    );
}

#[test]
fn unhashable_map_keys() {
    // conformance map-duplicate5
    let src = "$k1 = [\"a\", \"b\", \"c\"]\n\n$m = {$k1 => 42, [\"x\", \"y\", \"z\"] => 13} # incompatible type!\n";
    assert_eq!(errors(src), vec![(3, codes::UNHASHABLE_MAP_KEY)]);
    let d = &diags(src)[0];
    assert_eq!(d.message, "map key type []str is not hashable");
    assert_eq!(text(src, d), "[\"x\", \"y\", \"z\"]");
    assert!(d.help.is_some());

    let d = &diags("$m = {{\"a\" => 1} => 2}\n")[0];
    assert_eq!((d.code, d.message.as_str()), (codes::UNHASHABLE_MAP_KEY, "map key type map{str: int} is not hashable"));
    let d = &diags("$m = {struct{l => [1], n => 2} => 2}\n")[0];
    assert_eq!(d.message, "map key type struct{l []int; n int} is not hashable");
    assert_eq!(errors("$m = {[[1]] => 1, [[2]] => 2}\n"), vec![(1, codes::UNHASHABLE_MAP_KEY); 2]);
    // Hashable structs are fine keys.
    clean("$m = {struct{a => 1, b => \"x\"} => 1}\n");
}

// ---------------------------------------------------------------------------------------------
// Imports, names

#[test]
fn import_in_loop_bodies() {
    let src = "$l = [1]\nfor $i, $v in $l {\n\timport \"fmt\"\n\ttest \"t\" {}\n}\n";
    assert_eq!(errors(src), vec![(3, codes::IMPORT_IN_LOOP)]);
    let d = &diags(src)[0];
    assert_eq!(text(src, d), "import \"fmt\"");
    assert!(d.message.contains("`for`"), "{}", d.message);
    assert_eq!(&src[d.labels[0].span.start as usize..d.labels[0].span.end as usize], "for $i, $v in $l");

    let src = "forkv $k, $v in $m {\n\timport \"thing.mcl\"\n}\n";
    assert_eq!(errors(src), vec![(2, codes::IMPORT_IN_LOOP)]);
    assert!(diags(src)[0].message.contains("`forkv`"));
    // Inside an if (or else) in the body, and inside nested loops.
    assert_eq!(
        errors("for $i, $v in $l {\n\tif $v {\n\t\timport \"a\"\n\t} else {\n\t\timport \"b\"\n\t}\n}\n"),
        vec![(3, codes::IMPORT_IN_LOOP), (5, codes::IMPORT_IN_LOOP)]
    );
    let src = "for $i, $v in $l {\n\tforkv $k, $w in $m {\n\t\timport \"a\"\n\t}\n}\n";
    let d = &diags(src)[0];
    assert!(d.message.contains("`forkv`"), "innermost loop: {}", d.message);
    assert_eq!(line_of(src, d.labels[0].span.start), 2);
}

#[test]
fn imports_that_are_fine() {
    clean("import \"fmt\"\nimport \"dir/\" as d\nfor $i, $v in $l {\n\ttest \"t\" {}\n}\n");
    clean("if true {\n\timport \"fmt\"\n}\n");
    // A class body is its own program, instantiated where it is included.
    clean("for $i, $v in $l {\n\tclass c {\n\t\timport \"fmt\"\n\t}\n\tinclude c\n}\n");
}

#[test]
fn empty_import_path() {
    let src = "import \"\"\n";
    assert_eq!(errors(src), vec![(1, codes::EMPTY_NAME)]);
    assert_eq!(text(src, &diags(src)[0]), "import \"\"");
}

#[test]
fn invalid_variable_names() {
    let src = "$a__b = 1\n";
    assert_eq!(errors(src), vec![(1, codes::INVALID_VAR_NAME)]);
    let d = &diags(src)[0];
    assert_eq!(text(src, d), "a__b");
    assert!(d.message.contains("`$a__b`") && d.message.contains("__"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or("").contains("`$a_b`"));

    assert_eq!(errors("$x = $a__b\n"), vec![(1, codes::INVALID_VAR_NAME)]);
    assert_eq!(errors("$x = $i.a__b\n"), vec![(1, codes::INVALID_VAR_NAME)]);
    assert_eq!(errors("$x = $a__b(1)\n"), vec![(1, codes::INVALID_VAR_NAME)]);
    assert_eq!(errors("$x = [{\"k\" => $a__b}]\n"), vec![(1, codes::INVALID_VAR_NAME)]);
    assert_eq!(errors("func f($a__b) {\n\t1\n}\n"), vec![(1, codes::INVALID_VAR_NAME)]);
    assert_eq!(errors("$f = func($a__b) { 1 }\n"), vec![(1, codes::INVALID_VAR_NAME)]);
    assert_eq!(errors("class c($a__b) {\n}\n"), vec![(1, codes::INVALID_VAR_NAME)]);
    assert_eq!(errors("for $i__x, $v in $l {\n}\n"), vec![(1, codes::INVALID_VAR_NAME)]);
    assert_eq!(errors("forkv $k, $v__x in $m {\n}\n"), vec![(1, codes::INVALID_VAR_NAME)]);
    assert_eq!(errors("$x = func($y) { $y }($a__b)\n"), vec![(1, codes::INVALID_VAR_NAME)]);
}

#[test]
fn valid_variable_names() {
    clean("$a_b = 1\n$x = $a_b\n$map = 2\n$collect = 3\n$y = $i1.c0\n$z = $const.res.file.state.exists\n$w = $a1_2_3\n");
    // Interpolated references are the interpolation phase's business.
    clean("$s = \"${a__b}\"\n");
}

// ---------------------------------------------------------------------------------------------
// Walk coverage

#[test]
fn every_position_is_walked() {
    let dup = "struct{a => 1, a => 2}";
    let places = [
        format!("$x = {dup}\n"),
        format!("class c {{\n\t$x = {dup}\n}}\n"),
        format!("if {dup} {{\n}}\n"),
        format!("if true {{\n}} else {{\n\t$x = {dup}\n}}\n"),
        format!("for $i, $v in {dup} {{\n}}\n"),
        format!("for $i, $v in $l {{\n\t$x = {dup}\n}}\n"),
        format!("forkv $k, $v in $m {{\n\t$x = {dup}\n}}\n"),
        format!("func f() {{\n\t{dup}\n}}\n"),
        format!("$f = func() {{ {dup} }}\n"),
        format!("$x = func() {{ 1 }}({dup})\n"),
        format!("$x = func() {{ {dup} }}()\n"),
        format!("$x = f({dup})\n"),
        format!("$x = $f({dup})\n"),
        format!("include c({dup})\n"),
        format!("panic({dup})\n"),
        format!("test {dup} {{}}\n"),
        format!("test \"t\" {{\n\tfield => {dup},\n}}\n"),
        format!("test \"t\" {{\n\tfield => {dup} ?: 1,\n}}\n"),
        format!("test \"t\" {{\n\tMeta:noop => {dup},\n}}\n"),
        format!("test \"t\" {{\n\tMeta => {dup},\n}}\n"),
        format!("test \"t\" {{\n\tBefore => Test[{dup}],\n}}\n"),
        format!("Test[{dup}] -> Test[\"b\"]\n"),
        format!("Test[\"a\"].x -> Test[{dup}].y\n"),
        format!("$x = if {dup} {{ 1 }} else {{ 2 }}\n"),
        format!("$x = if true {{ 1 }} else {{ {dup} }}\n"),
        format!("$x = ({dup})\n"),
        format!("$x = not {dup}\n"),
        format!("$x = 1 + {dup}\n"),
        format!("$x = {dup} <|> 1\n"),
        format!("$x = $l[{dup}]\n"),
        format!("$x = {dup}->a\n"),
        format!("$x = $s->a <|> {dup}\n"),
        format!("$x = [[{dup}]]\n"),
        format!("$x = {{{dup} => 1}}\n"),
        format!("$x = {{1 => {dup}}}\n"),
        format!("$x = struct{{b => {dup}}}\n"),
    ];
    for src in &places {
        let found = errors(src);
        assert_eq!(found.len(), 1, "{src:?}: {found:?}");
        assert_eq!(found[0].1, codes::DUPLICATE_STRUCT_FIELD, "{src:?}");
    }
}

#[test]
fn several_problems_are_all_reported() {
    let src = "$a__b = 1\nfile \"x\" {\n\tmode => 1,\n\tmode => 2,\n\tMeta:nope => 1,\n\tRequire => File[\"y\"],\n}\n$m = {\"a\" => 1, \"a\" => 2}\n";
    assert_eq!(
        errors(src),
        vec![
            (1, codes::INVALID_VAR_NAME),
            (4, codes::DUPLICATE_FIELD),
            (5, codes::UNKNOWN_META_PARAM),
            (6, codes::INVALID_EDGE_PROPERTY),
            (8, codes::DUPLICATE_MAP_KEY),
        ]
    );
}

#[test]
fn error_trees_and_deep_nesting_do_not_panic() {
    for src in ["$x = \n", "file \"x\" {\n\ta => ,\n}\n", "for $i in {\n", "$m = {\"a\" => 1, \"a\" =>}\n", "}}}{{{\n"] {
        let parsed = parser::parse(src, FileId(0));
        let _ = init::check(&parsed.prog, FileId(0));
    }
    let deep = format!("$x = {}1{}\n", "[".repeat(3000), "]".repeat(3000));
    let parsed = parser::parse(&deep, FileId(0));
    let _ = init::check(&parsed.prog, FileId(0));
}

// ---------------------------------------------------------------------------------------------
// The conformance corpus

/// The sections of a txtar archive: (name, content).
fn txtar(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if let Some(name) = trimmed.strip_prefix("-- ").and_then(|s| s.strip_suffix(" --")) {
            out.push((name.to_string(), String::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push_str(line);
        }
    }
    out
}

/// The line range of the `/main.mcl @ L:C-L:C` byline in an expected error.
fn byline(output: &str) -> Option<(usize, usize)> {
    let rest = &output[output.find("/main.mcl @ ")? + "/main.mcl @ ".len()..];
    let rest = rest.lines().next()?;
    let (from, to) = rest.split_once('-')?;
    let line = |s: &str| s.split(':').next()?.trim().parse::<usize>().ok();
    Some((line(from)?, line(to)?))
}

#[test]
fn conformance_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/graph");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipping: no conformance corpus at {}", dir.display());
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "txtar")).collect();
    paths.sort();
    let (mut init_cases, mut clean_cases, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    for path in &paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let sections = txtar(&text);
        let section = |n: &str| sections.iter().find(|(s, _)| s == n).map(|(_, c)| c.as_str());
        let (Some(main), Some(output)) = (section("main.mcl"), section("OUTPUT")) else { continue };
        let parsed = parser::parse(main, FileId(0));
        let found = init::check(&parsed.prog, FileId(0));
        if output.contains("errInit") {
            init_cases += 1;
            let Some((from, to)) = byline(output) else {
                failures.push(format!("{name}: no byline in {output:?}"));
                continue;
            };
            let hit = found.iter().any(|d| {
                let (a, b) = (line_of(main, d.span.start), line_of(main, d.span.end));
                a <= to && from <= b
            });
            if !parsed.diagnostics.is_empty() {
                failures.push(format!("{name}: expected errInit but it doesn't parse: {:?}", parsed.diagnostics));
            } else if !hit {
                failures.push(format!("{name}: expected an init error on lines {from}-{to}, got {found:?}"));
            }
        } else if !parsed.diagnostics.is_empty() {
            skipped += 1;
        } else {
            clean_cases += 1;
            if !found.is_empty() {
                failures.push(format!("{name}: unexpected init errors: {found:?}"));
            }
        }
    }
    println!("conformance: {init_cases} errInit cases, {clean_cases} clean cases, {skipped} not parsing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(init_cases > 0, "no errInit cases found in {}", dir.display());
}

#[test]
fn example_programs_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut failures = Vec::new();
    for dir in [root.join("../examples"), root.join("../../shared/conformance/examples"), root.join("../../shared/conformance/format")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            println!("skipping: no examples at {}", dir.display());
            continue;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.extension().is_none_or(|e| e != "mcl") {
                continue;
            }
            let Ok(src) = std::fs::read_to_string(&path) else { continue };
            let parsed = parser::parse(&src, FileId(0));
            if !parsed.diagnostics.is_empty() {
                continue;
            }
            checked += 1;
            let found = init::check(&parsed.prog, FileId(0));
            if !found.is_empty() {
                failures.push(format!("{}: {found:?}", path.display()));
            }
        }
    }
    println!("examples: {checked} checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    const TOKENS: &[&str] = &[
        "\n", "{", "}", "(", ")", "[", "]", "?:", "<|>", "=>", "->", ",", ":", ".", "$", "=", "+", "if", "else", "for",
        "forkv", "in", "func", "class", "include", "import", "as", "panic", "struct", "true", "42", "-1", "3.5", "\"s\"",
        "\"\"", "\"${x}\"", "x", "a__b", "content", "File", "Meta", "Before", "Require", "noop", "é",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// Whatever the (possibly broken) tree, the checks don't panic and every span is in the text.
        #[test]
        fn token_soup(picks in proptest::collection::vec((0..TOKENS.len(), 0..3usize), 0..120)) {
            let mut src = String::new();
            for (t, sep) in picks {
                src.push_str(TOKENS[t]);
                src.push_str([" ", "", "\n"][sep]);
            }
            let parsed = parser::parse(&src, FileId(0));
            for d in init::check(&parsed.prog, FileId(0)) {
                for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
                    prop_assert!(span.start <= span.end && span.end as usize <= src.len(), "{d:?}");
                    prop_assert!(src.is_char_boundary(span.start as usize) && src.is_char_boundary(span.end as usize), "{d:?}");
                }
            }
        }
    }
}

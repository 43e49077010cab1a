//! Parser tests through the library API: every syntax form of §2, precedence, list shapes,
//! spans, and error recovery.

use mcl_compiler::diagnostics::codes;
use mcl_compiler::source::FileId;
use mcl_compiler::syntax::{dump, parser};

/// Parses `src`, asserts it has no diagnostics, and returns the dump.
fn ok(src: &str) -> String {
    let parsed = parser::parse(src, FileId(0));
    assert!(parsed.diagnostics.is_empty(), "unexpected diagnostics for {src:?}: {:#?}", parsed.diagnostics);
    dump::block(&parsed.prog)
}

/// Parses `src` and returns (1-based line, code) of each diagnostic.
fn errors(src: &str) -> Vec<(usize, &'static str)> {
    let parsed = parser::parse(src, FileId(0));
    parsed.diagnostics.iter().map(|d| (src[..d.span.start as usize].matches('\n').count() + 1, d.code)).collect()
}

fn expr(src: &str) -> String {
    let dumped = ok(&format!("$x = {src}\n"));
    dumped.strip_prefix("(bind x ").and_then(|s| s.strip_suffix(')')).unwrap_or(&dumped).to_string()
}

#[test]
fn binds_and_literals() {
    assert_eq!(ok("$x = 42\n"), "(bind x 42)");
    assert_eq!(ok("$x = -13\n"), "(bind x -13)");
    assert_eq!(ok("$x = 3.14\n"), "(bind x 3.14)");
    assert_eq!(ok("$x = true\n$y = false\n"), "(bind x true)\n(bind y false)");
    assert_eq!(ok("$x = \"hi\"\n"), "(bind x \"hi\")");
    assert_eq!(ok("$x str = \"a\"\n"), "(bind x str \"a\")");
    assert_eq!(ok("$map = 1\n$collect = 2\n"), "(bind map 1)\n(bind collect 2)");
    assert_eq!(ok("$ x = 1\n"), "(bind x 1)");
}

#[test]
fn types() {
    assert_eq!(ok("$x []str = []\n"), "(bind x []str (list))");
    assert_eq!(ok("$x map{str: []int} = {}\n"), "(bind x map{str: []int} (map))");
    assert_eq!(ok("$x struct{a int; b float} = struct{}\n"), "(bind x struct{a int; b float} (struct))");
    assert_eq!(ok("$x struct{} = struct{}\n"), "(bind x struct{} (struct))");
    assert_eq!(ok("$x func(int, $s str) bool = $f\n"), "(bind x func(int, $s str) bool $f)");
    assert_eq!(ok("$x func() variant = $f\n"), "(bind x func() variant $f)");
    assert_eq!(ok("$x func(\n\tint,\n) bool = $f\n"), "(bind x func(int) bool $f)");
}

#[test]
fn containers_and_list_forms() {
    assert_eq!(expr("[1, 2, 3]"), "(list 1 2 3)");
    assert_eq!(expr("[\n\t1,\n\t2,\n]"), "(list* 1 2)");
    assert_eq!(expr("[\n]"), "(list*)");
    assert_eq!(expr("[\n\t# comment\n\t1,\n\n\t2,\n]"), "(list* 1 2)");
    assert_eq!(expr("[[1, 2], [\n\t3,\n]]"), "(list (list 1 2) (list* 3))");
    assert_eq!(expr("{\"a\" => 1, \"b\" => 2}"), "(map \"a\"=>1 \"b\"=>2)");
    assert_eq!(expr("{\n\t\"a\" => 1,\n}"), "(map* \"a\"=>1)");
    assert_eq!(expr("struct{a => 1, b => \"x\"}"), "(struct a=>1 b=>\"x\")");
    assert_eq!(expr("struct{\n\ta => 1,\n}"), "(struct* a=>1)");
}

#[test]
fn single_and_multi_line_forms_reject_mixed_commas() {
    for bad in ["$x = [1, 2,]\n", "$x = [\n\t1,\n\t2\n]\n", "$x = f(a,, b)\n", "$x = f(, a)\n", "$x = {\"a\" => 1,}\n", "$x = [\n\t1, 2,\n]\n"] {
        assert!(!errors(bad).is_empty(), "accepted {bad:?}");
    }
}

#[test]
fn calls_and_variables() {
    assert_eq!(expr("$a.b.c"), "$a.b.c");
    assert_eq!(expr("fmt.printf(\"%d\", 1)"), "(call fmt.printf (args \"%d\" 1))");
    assert_eq!(expr("iter.map($l, $f)"), "(call iter.map (args $l $f))");
    assert_eq!(expr("$f(1)"), "(call $f (args 1))");
    assert_eq!(expr("$i.f()"), "(call $i.f (args))");
    assert_eq!(expr("len(\n\t$x,\n)"), "(call len (args* $x))");
    assert_eq!(expr("func($a, $b int) { $a }"), "(lambda (params a b:int) $a)");
    assert_eq!(expr("func($a) str {\n\t$a\n}"), "(lambda (params a) -> str $a)");
    assert_eq!(expr("func() { 42 }()"), "(call (lambda (params) 42) (args))");
    assert_eq!(expr("if $c { 1 } else { 2 }"), "(if $c 1 2)");
    assert_eq!(expr("if $c {\n\t1\n} else {\n\t2\n}"), "(if $c 1 2)");
    assert_eq!(expr("(1)"), "(paren 1)");
}

#[test]
fn precedence() {
    assert_eq!(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(expr("1 - 2 - 3"), "(- (- 1 2) 3)");
    assert_eq!(expr("6 / 2 * 3"), "(* (/ 6 2) 3)");
    assert_eq!(expr("true or false and false"), "(or true (and false false))");
    assert_eq!(expr("not $a == $b"), "(== (not $a) $b)");
    assert_eq!(expr("not $a + 1"), "(+ (not $a) 1)");
    assert_eq!(expr("\"a\" + \"b\" in $l"), "(in (+ \"a\" \"b\") $l)");
    assert_eq!(expr("$a < $b and $c"), "(and (< $a $b) $c)");
    assert_eq!(expr("$m[\"k\"] <|> \"b\" + \"c\""), "(<|> (index $m \"k\") (+ \"b\" \"c\"))");
    assert_eq!(expr("$a <|> $b <|> $c"), "(<|> (<|> $a $b) $c)");
    assert_eq!(expr("$a <|> $b or $c"), "(<|> $a (or $b $c))");
    assert_eq!(expr("if $c {1} else {2} + 3"), "(+ (if $c 1 2) 3)");
    assert_eq!(expr("$l[0][1]"), "(index (index $l 0) 1)");
    assert_eq!(expr("$s->a->b"), "(-> (-> $s a) b)");
    assert_eq!(expr("$l[0]->a"), "(-> (index $l 0) a)");
    assert_eq!(expr("$s->a[0]"), "(index (-> $s a) 0)");
    assert_eq!(expr("13 - -1"), "(- 13 -1)");
    assert_eq!(expr("-1 * $x"), "(* -1 $x)");
    for op in ["==", "!=", "<", ">", "<=", ">="] {
        assert_eq!(expr(&format!("1 {op} 2")), format!("({op} 1 2)"));
    }
}

#[test]
fn struct_field_default_binds_like_mgmt() {
    assert_eq!(expr("$st->f <|> 3"), "(->? $st f 3)");
    assert_eq!(expr("$st->f <|> 3 + 4"), "(->? $st f (+ 3 4))");
    assert_eq!(expr("$x + $st->f <|> 3"), "(+ $x (->? $st f 3))");
    assert_eq!(expr("$st->f <|> $a <|> $b"), "(<|> (->? $st f $a) $b)");
    assert_eq!(expr("($st->f) <|> 3"), "(<|> (paren (-> $st f)) 3)");
}

#[test]
fn comparisons_are_not_associative() {
    assert!(!errors("$x = 1 == 2 == 3\n").is_empty());
    assert!(!errors("$x = $a < $b in $l\n").is_empty());
}

#[test]
fn no_unary_minus_and_glued_negatives() {
    assert!(!errors("$x = - 1\n").is_empty());
    assert!(!errors("$y = $x-1\n").is_empty());
    assert!(!errors("$y = 3-2\n").is_empty());
    assert!(!errors("$y = 1e5\n").is_empty());
}

#[test]
fn resources() {
    assert_eq!(ok("file \"/tmp/x\" {}\n"), "(res file \"/tmp/x\")");
    assert_eq!(
        ok("file \"/tmp/x\" {\n\tcontent => \"hi\",\n\tmode => $c ?: \"0644\",\n\tMeta:noop => true,\n\tMeta => $m,\n\tBefore => File[\"/y\"],\n\tDepend => $c ?: Pkg[\"p\"],\n\n\tNotify => Svc[\"s\"],\n\tListen => Exec[\"e\"],\n}\n"),
        "(res file \"/tmp/x\" [content \"hi\"] [mode $c ?: \"0644\"] [meta:noop true] [meta $m] [before file[\"/y\"]] [depend $c ?: pkg[\"p\"]] [notify svc[\"s\"]] [listen exec[\"e\"]])"
    );
    assert_eq!(ok("test \"t\" { a => 1, b => 2, }\n"), "(res test \"t\" [a 1] [b 2])");
    assert_eq!(ok("http:server:flag \"f\" {}\n"), "(res http:server:flag \"f\")");
    assert_eq!(ok("test [\"a\", \"b\"] {}\n"), "(res test (list \"a\" \"b\"))");
    assert_eq!(ok("test fmt.printf(\"%d\", 1) {}\n"), "(res test (call fmt.printf (args \"%d\" 1)))");
    assert_eq!(ok("collect file \"/x\" {\n\tmode => \"0600\",\n}\n"), "(collect file \"/x\" [mode \"0600\"])");
}

#[test]
fn edges() {
    assert_eq!(ok("Test[\"a\"] -> Test[\"b\"]\n"), "(edge test[\"a\"] test[\"b\"])");
    assert_eq!(ok("Test[\"a\"] -> File[\"b\"] -> Exec[\"c\"]\n"), "(edge test[\"a\"] file[\"b\"] exec[\"c\"])");
    assert_eq!(ok("Test[\"a\"]\n"), "(edge test[\"a\"])");
    assert_eq!(ok("Http:Server:Flag[\"a\"] -> Test[$x]\n"), "(edge http:server:flag[\"a\"] test[$x])");
    assert_eq!(ok("Exec[\"a\"].output -> File[\"b\"].content\n"), "(edge exec[\"a\"].output file[\"b\"].content)");
}

#[test]
fn control_flow() {
    assert_eq!(ok("if $c {\n\ttest \"a\" {}\n}\n"), "(if $c {(res test \"a\")})");
    assert_eq!(ok("if $c {} else {\n\ttest \"b\" {}\n}\n"), "(if $c {} else {(res test \"b\")})");
    assert_eq!(ok("if $c { $x = 1\n}\n"), "(if $c {(bind x 1)})");
    assert_eq!(ok("for $i, $v in [1] {\n\ttest \"x\" {}\n}\n"), "(for i v (list 1) {(res test \"x\")})");
    assert_eq!(ok("forkv $k, $v in {1 => 2} {}\n"), "(forkv k v (map 1=>2) {})");
    assert_eq!(ok("panic(true)\n"), "(panic (args true))");
    assert_eq!(ok("panic($c, \"msg\")\n"), "(panic (args $c \"msg\"))");
}

#[test]
fn functions_classes_includes_imports() {
    assert_eq!(ok("func f($a, $b str) str {\n\t$a + $b\n}\n"), "(func f (lambda (params a b:str) -> str (+ $a $b)))");
    assert_eq!(ok("func f() int { 42 }\n"), "(func f (lambda (params) -> int 42))");
    assert_eq!(ok("class c {}\n"), "(class c {})");
    assert_eq!(ok("class c() {}\n"), "(class c (params) {})");
    assert_eq!(ok("class base:inner($a str) {\n\ttest $a {}\n}\n"), "(class base:inner (params a:str) {(res test $a)})");
    assert_eq!(ok("include c\n"), "(include c)");
    assert_eq!(ok("include c(1, \"x\") as i\n"), "(include c (args 1 \"x\") as i)");
    assert_eq!(ok("include i.inner as j\n"), "(include i.inner as j)");
    assert_eq!(ok("import \"fmt\"\n"), "(import \"fmt\")");
    assert_eq!(ok("import \"dir/foo.mcl\" as bar\n"), "(import \"dir/foo.mcl\" as bar)");
    assert_eq!(ok("import \"x.mcl\" as *\n"), "(import \"x.mcl\" as *)");
}

#[test]
fn newline_rules() {
    assert_eq!(ok("$x = 1"), "(bind x 1)");
    assert_eq!(ok("\n\n$x = 1\n\n\n$y = 2\n\n"), "(bind x 1)\n(bind y 2)");
    assert_eq!(ok("$x = 1\r\n$y = 2\r\n"), "(bind x 1)\n(bind y 2)");
    assert_eq!(ok("# only a comment\n"), "");
    assert_eq!(ok(""), "");
    assert!(!errors("if $c { test \"a\" {} }\n").is_empty());
    assert!(!errors("if $c {\n}\nelse {\n}\n").is_empty());
    assert!(!errors("$x = 1 +\n2\n").is_empty());
    assert!(!errors("$x int\n").is_empty());
}

#[test]
fn targeted_messages() {
    assert_eq!(errors("$x == 1\n"), vec![(1, codes::PARSE_EQUALS_IN_BIND)]);
    assert_eq!(errors("test \"t\" {\n\ta => 1\n}\n"), vec![(2, codes::PARSE_MISSING_COMMA)]);
    assert_eq!(errors("$in = 1\n"), vec![(1, codes::PARSE_KEYWORD_AS_NAME)]);
    assert_eq!(errors("$f = func($in) { 1 }\n"), vec![(1, codes::PARSE_KEYWORD_AS_NAME)]);
    assert_eq!(errors("if $a {\n} else if $b {\n}\n"), vec![(2, codes::PARSE_ELSE_IF)]);
    assert_eq!(errors("$a = 1 $b = 2\n"), vec![(1, codes::PARSE_MISSING_NEWLINE)]);
    assert_eq!(errors("$x struct{a int; a str} = $y\n"), vec![(1, codes::PARSE_BAD_TYPE)]);
    assert_eq!(errors("test \"t\" {\n\tBefore => $x,\n}\n"), vec![(2, codes::PARSE_BAD_ENTRY)]);
    assert_eq!(errors("test \"t\" {\n\tFoo:bar => 1,\n}\n"), vec![(2, codes::PARSE_BAD_ENTRY)]);
}

#[test]
fn recovery_keeps_the_good_parts() {
    let src = "$a = 1\n$b = )\ntest \"t\" {\n\tx => ),\n\ty => 2,\n}\n$c = [\n\t1,\n\t),\n\t3,\n]\n$d = 4\n";
    let parsed = parser::parse(src, FileId(0));
    let lines: Vec<usize> = parsed.diagnostics.iter().map(|d| src[..d.span.start as usize].matches('\n').count() + 1).collect();
    assert_eq!(lines, vec![2, 4, 9]);
    assert_eq!(
        dump::block(&parsed.prog),
        "(bind a 1)\n(error)\n(res test \"t\" [error] [y 2])\n(bind c (list* 1 3))\n(bind d 4)"
    );
}

#[test]
fn unclosed_brackets_at_end_of_file() {
    assert_eq!(errors("if $c {\n\ttest \"a\" {}\n"), vec![(1, codes::PARSE_UNEXPECTED_EOF)]);
    assert_eq!(errors("$m = {\"a\" => 1\n"), vec![(1, codes::PARSE_UNEXPECTED_EOF)]);
    assert_eq!(errors("$m = f(1, [2\n"), vec![(1, codes::PARSE_UNEXPECTED_EOF), (1, codes::PARSE_UNEXPECTED_EOF)]);
    let parsed = parser::parse("$a = 1\nif $c {\n\t$x = 2\n", FileId(0));
    assert_eq!(dump::block(&parsed.prog), "(bind a 1)\n(if $c {(bind x 2)})");
}

#[test]
fn lex_errors_are_not_reported_twice() {
    let parsed = parser::parse("$x = 1 @ 2\n$y = 3\n", FileId(0));
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].code, codes::LEX_UNKNOWN_CHAR);
}

#[test]
fn spans_are_faithful() {
    let src = "$x = fmt.printf(\"%d\", $y + 1)\n";
    let parsed = parser::parse(src, FileId(0));
    let stmt = &parsed.prog.stmts[0];
    assert_eq!(&src[stmt.span.range()], "$x = fmt.printf(\"%d\", $y + 1)");
    let mcl_compiler::syntax::ast::StmtKind::Bind { name, value, .. } = &stmt.kind else { panic!("not a bind") };
    assert_eq!(&src[name.span.range()], "x");
    assert_eq!(&src[value.span.range()], "fmt.printf(\"%d\", $y + 1)");
    let mcl_compiler::syntax::ast::ExprKind::Call { args, name } = &value.kind else { panic!("not a call") };
    assert_eq!(&src[name.span.range()], "fmt.printf");
    assert_eq!(&src[args.items[1].span.range()], "$y + 1");
    assert_eq!(parsed.expr_count, 5);
}

//! The canonical formatter: golden files from ../shared/conformance (format/*.mcl, *.badmcl →
//! *.mcl, and every formattable `.mcl` section of graph/*.txtar), unit cases per rule,
//! idempotence, and a no-panic check over mutated inputs.

use mcl_compiler::format::{FormatError, format};
use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance");
    if p.is_dir() { Some(p) } else { None }
}

fn sorted_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == ext)).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// The sections of a txtar archive: (name, body).
fn txtar_sections(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let l = line.trim_end_matches('\n');
        if let Some(name) = l.strip_prefix("-- ").and_then(|r| r.strip_suffix(" --")) {
            out.push((name.trim().to_string(), String::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push_str(line);
        }
    }
    out
}

/// Why `input` does not format to `want`, or `None` when it does.
fn mismatch(input: &str, want: &str) -> Option<String> {
    match format(input) {
        Ok(got) if got == want => None,
        Ok(got) => {
            let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
            let i = (0..g.len().max(w.len())).find(|&i| g.get(i) != w.get(i)).unwrap_or(0);
            Some(format!("line {}: got {:?}, want {:?}", i + 1, g.get(i).copied().unwrap_or("<end>"), w.get(i).copied().unwrap_or("<end>")))
        }
        Err(FormatError::Syntax(ds)) => Some(format!("syntax error: {}", ds.first().map(|d| d.message.clone()).unwrap_or_default())),
        Err(FormatError::Unstable(m)) => Some(format!("unstable: {m}")),
    }
}

/// Every golden (input, expected) pair: (label, input, want).
fn golden_cases(root: &Path) -> Vec<(String, String, String)> {
    let mut cases = Vec::new();
    let fmt_dir = root.join("format");
    for p in sorted_files(&fmt_dir, "mcl") {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        cases.push((format!("format/{}", p.file_name().unwrap_or_default().to_string_lossy()), text.clone(), text));
    }
    for p in sorted_files(&fmt_dir, "badmcl") {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let want = std::fs::read_to_string(p.with_extension("mcl")).unwrap_or_default();
        cases.push((format!("format/{}", p.file_name().unwrap_or_default().to_string_lossy()), text, want));
    }
    for p in sorted_files(&root.join("graph"), "txtar") {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let sections = txtar_sections(&text);
        let nofmt = sections.iter().any(|(n, body)| n == "CONFIG" && body.replace(' ', "").contains("\"nofmt\":true"));
        if nofmt {
            continue;
        }
        for (name, body) in sections {
            if name.ends_with(".mcl") {
                let label = format!("graph/{}:{}", p.file_name().unwrap_or_default().to_string_lossy(), name);
                cases.push((label, body.clone(), body));
            }
        }
    }
    cases
}

#[test]
fn golden_files() {
    let Some(root) = shared() else {
        println!("skipping: ../shared not found");
        return;
    };
    let cases = golden_cases(&root);
    let mut failures = Vec::new();
    for (label, input, want) in &cases {
        if let Some(why) = mismatch(input, want) {
            failures.push(format!("{label}: {why}"));
        }
    }
    println!("golden: {} of {} pass", cases.len() - failures.len(), cases.len());
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(failures.is_empty(), "{} golden file(s) fail:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn golden_inputs_are_idempotent() {
    let Some(root) = shared() else {
        println!("skipping: ../shared not found");
        return;
    };
    for (label, input, _) in golden_cases(&root) {
        if let Ok(once) = format(&input) {
            let twice = format(&once).unwrap_or_else(|e| panic!("{label}: second format failed: {e}"));
            assert_eq!(once, twice, "{label}: not idempotent");
        }
    }
}

fn fmt(s: &str) -> String {
    format(s).unwrap_or_else(|e| panic!("format failed: {e} on {s:?}"))
}

fn check(input: &str, want: &str) {
    assert_eq!(fmt(input), want, "input: {input:?}");
}

#[test]
fn spacing_and_binds() {
    check("$x=1+2*3\n", "$x = 1 + 2 * 3\n");
    check("$x   int=42", "$x int = 42\n");
    check("$b = not   $a and ($c or $d)\n", "$b = not $a and ($c or $d)\n");
    check("$h=$st->a\n", "$h = $st->a\n");
    check("$i=$st->b<|>\"d\"\n", "$i = $st->b <|> \"d\"\n");
    check("$j=\"x\"   in   [\"x\",\"y\"]\n", "$j = \"x\" in [\"x\", \"y\"]\n");
    check("$p = 13 - -1\n", "$p = 13 - -1\n");
    check("$f=$l[0]\n", "$f = $l[0]\n");
}

#[test]
fn numbers_and_strings() {
    check("$a = 1.50\n", "$a = 1.5\n");
    check("$a = 3.0\n", "$a = 3.0\n");
    check("$a = 007\n", "$a = 7\n");
    check("$s = \"a\\tb \\\"q\\\" ${x}\"\n", "$s = \"a\\tb \\\"q\\\" ${x}\"\n");
}

#[test]
fn blank_lines() {
    check("\n\n$a = 1\n\n\n\n$b = 2\n$c = 3\n\n\n", "$a = 1\n\n$b = 2\n$c = 3\n");
    check("if true {\n\n\n\ttest \"a\" {}\n\n\ttest \"b\" {}\n\n\n}\n", "if true {\n\n\ttest \"a\" {}\n\n\ttest \"b\" {}\n\n}\n");
}

#[test]
fn containers_keep_their_shape() {
    check("$l=[1,2]\n", "$l = [1, 2]\n");
    check("$l=[\n1,\n  2,\n]\n", "$l = [\n\t1,\n\t2,\n]\n");
    check("$m={\"a\"=>1}\n", "$m = {\"a\" => 1}\n");
    check("$s=struct{a=>1,b=>2}\n", "$s = struct{a => 1, b => 2}\n");
    check("$e = []\n$f = {}\n$g = struct{}\n", "$e = []\n$f = {}\n$g = struct{}\n");
    check("$e = [\n# c\n]\n", "$e = [\n\t# c\n]\n");
    check("$c = f(\n1, # one\n2,\n)\n", "$c = f(\n\t1, # one\n\t2,\n)\n");
}

#[test]
fn resources_and_edges() {
    check(
        "file \"/tmp/x\" { content=>\"a\", mode => $c ?: \"0644\", meta:noop=>true, }\n".replace("meta:noop", "Meta:noop").as_str(),
        "file \"/tmp/x\" {\n\tcontent => \"a\",\n\tmode => $c ?: \"0644\",\n\tMeta:noop => true,\n}\n",
    );
    check("file \"/tmp/x\" {\n}\n", "file \"/tmp/x\" {}\n");
    check("file \"/tmp/x\" {\nBefore=>File[\"/a\"],\n}\n", "file \"/tmp/x\" {\n\tBefore => File[\"/a\"],\n}\n");
    check("Dhcp:Host[\"h1\"]->Dhcp:Host[\"h2\"]\n", "Dhcp:Host[\"h1\"] -> Dhcp:Host[\"h2\"]\n");
    check("Test[\"t1\"].foo->Test[\"t2\"].bar\n", "Test[\"t1\"].foo -> Test[\"t2\"].bar\n");
    check("collect file \"x\" {\n}\n", "collect file \"x\" {}\n");
    check("file \"x\" {\n# todo\n}\n", "file \"x\" {\n\t# todo\n}\n");
}

#[test]
fn functions_and_types() {
    check("func f($a,$b str) str {\n$b\n}\n", "func f($a, $b str) str {\n\t$b\n}\n");
    check("func short() int {   42   }\n", "func short() int { 42 }\n");
    check("$f = func($x) {$x}(42)\n", "$f = func($x) { $x }(42)\n");
    check("$t []str = []\n", "$t []str = []\n");
    check("$t map{str:int} = {}\n", "$t map{str: int} = {}\n");
    check("$t struct{a int;b str} = struct{}\n", "$t struct{a int; b str} = struct{}\n");
    check("$t func($a int,str) bool = $f\n", "$t func($a int, str) bool = $f\n");
    check("func f() int { 42 # c\n}\n", "func f() int {\n\t42 # c\n}\n");
}

#[test]
fn if_forms() {
    check("$x = if $c {1} else {2}\n", "$x = if $c { 1 } else { 2 }\n");
    check("$x = if $c {\n1\n} else {2}\n", "$x = if $c {\n\t1\n} else {\n\t2\n}\n");
    check("if false {\n} else {\ntest \"d\" {}\n}\n", "if false {} else {\n\ttest \"d\" {}\n}\n");
    check("if true {\n# empty\n}\n", "if true {\n\t# empty\n}\n");
}

#[test]
fn statements() {
    check("import \"fmt\"\nimport \"math\"   as m\nimport \"x/\" as *\n", "import \"fmt\"\nimport \"math\" as m\nimport \"x/\" as *\n");
    check("include foo\ninclude foo(1,2) as bar\n", "include foo\ninclude foo(1, 2) as bar\n");
    check("class c {\ntest \"a\" {}\n}\nclass d($a) {\n}\n", "class c {\n\ttest \"a\" {}\n}\nclass d($a) {}\n");
    check("panic( \"oops\" )\n", "panic(\"oops\")\n");
    check("for $i,$v in $l {\n}\nforkv $k,$v in $m {\n}\n", "for $i, $v in $l {}\nforkv $k, $v in $m {}\n");
}

#[test]
fn comments() {
    check("# head\n\n\n$x=1   #   trailing\n# end", "# head\n\n$x = 1 #   trailing\n# end\n");
    check("if true { # a\n\t\t# b\n\ttest \"a\" {} # c\n    # d\n} # e\n", "if true { # a\n\t# b\n\ttest \"a\" {} # c\n\t# d\n} # e\n");
    check("# only a comment", "# only a comment\n");
    check("", "");
}

#[test]
fn syntax_errors_are_refused() {
    assert!(matches!(format("$x = \n"), Err(FormatError::Syntax(_))));
    assert!(matches!(format("file \"x\" { content => 1 }\n"), Err(FormatError::Syntax(_))));
    assert!(matches!(format("$l = [1, 2,]\n"), Err(FormatError::Syntax(_))));
}

/// A tiny deterministic generator, so the test needs no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn never_panics_on_mutated_inputs() {
    let mut seeds: Vec<String> = vec![
        "$x = [1, 2]\nfile \"a\" {\n\tc => 1, # t\n}\n".to_string(),
        "$x = if $c {\n\t1 # a\n} else { 2 }\nfunc f() { 1 }\n".to_string(),
    ];
    if let Some(root) = shared() {
        for p in sorted_files(&root.join("format"), "mcl").into_iter().chain(sorted_files(&root.join("format"), "badmcl")) {
            seeds.push(std::fs::read_to_string(p).unwrap_or_default());
        }
    }
    let pieces = ["\n", "#", " ", "{", "}", "[", "]", "(", ")", ",", "\"", "$", "->", "=>", "\t", "func", "if", "-1", "1.5", "é"];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut ok = 0;
    for seed in &seeds {
        for _ in 0..150 {
            let mut s: Vec<char> = seed.chars().collect();
            for _ in 0..(1 + rng.next() % 3) {
                if s.is_empty() {
                    break;
                }
                let at = (rng.next() % s.len() as u64) as usize;
                match rng.next() % 3 {
                    0 => {
                        s.remove(at);
                    }
                    1 => {
                        let piece = pieces[(rng.next() % pieces.len() as u64) as usize];
                        for (i, c) in piece.chars().enumerate() {
                            s.insert(at + i, c);
                        }
                    }
                    _ => {
                        let end = (at + 1 + (rng.next() % 8) as usize).min(s.len());
                        s.drain(at..end);
                    }
                }
            }
            let text: String = s.into_iter().collect();
            if let Ok(out) = format(&text) {
                ok += 1;
                assert_eq!(format(&out).ok().as_deref(), Some(out.as_str()), "not idempotent on {text:?}");
            }
        }
    }
    println!("{ok} mutated inputs formatted");
}

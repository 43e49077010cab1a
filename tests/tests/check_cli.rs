//! Behaviour of `mclc check`, observed through the built binary.

use std::collections::BTreeSet;
use std::path::Path;

use mcl_tests::{Output, parse_short_line, run};
use serde_json::Value;

/// Writes `text` to `dir/name` (creating parent directories) and returns the
/// path as a string.
fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn check(args: &[&str]) -> Output {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    run(all, None)
}

fn check_stdin(args: &[&str], stdin: &str) -> Output {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    run(all, Some(stdin))
}

#[track_caller]
fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.code,
        Some(code),
        "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout,
        out.stderr
    );
}

/// The `--format short` lines of stderr that have the diagnostic shape.
fn short_lines(out: &Output) -> Vec<(String, u32, u32, String)> {
    out.stderr.lines().filter_map(parse_short_line).collect()
}

fn start_line(d: &Value) -> u64 {
    d.pointer("/range/start/line")
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("no range.start.line in {d}"))
}

const CLEAN: &str =
    "import \"fmt\"\n\n$x = 1\ntest [fmt.printf(\"%d\", $x)] {\n\tanotherstr => \"hi\",\n}\n";

// ---------------------------------------------------------------- exit codes

#[test]
fn clean_file_exits_0_and_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ok.mcl", CLEAN);
    let out = check(&["--format", "short", &f]);
    assert_code(&out, 0);
    assert!(
        short_lines(&out).is_empty(),
        "unexpected diagnostics:\n{}",
        out.stderr
    );
}

#[test]
fn syntax_error_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "bad.mcl", "$x = \n");
    let out = check(&["--format", "short", &f]);
    assert_code(&out, 1);
    let lines = short_lines(&out);
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert_eq!(
        (lines[0].1, lines[0].3.as_str()),
        (1, "parse"),
        "{}",
        out.stderr
    );
}

#[test]
fn missing_file_exits_2_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("does-not-exist.mcl");
    let out = check(&[missing.to_str().unwrap()]);
    assert_code(&out, 2);
    assert!(
        out.all().contains("does-not-exist.mcl"),
        "message should name the file:\n{}",
        out.all()
    );
}

#[test]
fn missing_file_beats_findings_in_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.mcl", "$x = \n");
    let missing = dir.path().join("nope.mcl");
    let out = check(&["--format", "short", &bad, missing.to_str().unwrap()]);
    assert_code(&out, 2);
    // The readable file is still checked.
    assert!(
        short_lines(&out)
            .iter()
            .any(|l| l.0.ends_with("bad.mcl") && l.3 == "parse"),
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ok.mcl", CLEAN);
    let out = check(&["--no-such-flag", &f]);
    assert_code(&out, 2);
    assert!(out.stderr.contains("--no-such-flag"), "{}", out.stderr);
}

#[test]
fn bad_format_value_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ok.mcl", CLEAN);
    assert_code(&check(&["--format", "xml", &f]), 2);
    assert_code(&check(&["--stop-after", "nonsense", &f]), 2);
}

#[test]
fn no_paths_is_a_usage_error() {
    assert_code(&check(&[]), 2);
}

// ---------------------------------------------------------------- inputs

#[test]
fn dash_reads_stdin() {
    let out = check_stdin(&["--format", "short", "-"], CLEAN);
    assert_code(&out, 0);

    let out = check_stdin(&["--format", "short", "-"], "# hi\n$x = \n");
    assert_code(&out, 1);
    let lines = short_lines(&out);
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert_eq!(
        (lines[0].1, lines[0].3.as_str()),
        (2, "parse"),
        "{}",
        out.stderr
    );
}

#[test]
fn directory_is_walked_recursively_and_non_mcl_files_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "top.mcl", CLEAN);
    write(dir.path(), "a/b/c/deep.mcl", "# deep\n\n$y == 2\n");
    write(dir.path(), "a/notes.txt", "this {{{ is not mcl\n");
    write(dir.path(), "a/b/main.mcl.orig", "$z = \n");
    write(dir.path(), "a/b/README", "$q ==== 1\n");
    let out = check(&["--format", "short", dir.path().to_str().unwrap()]);
    assert_code(&out, 1);
    let lines = short_lines(&out);
    let files: BTreeSet<&str> = lines.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        files.len(),
        1,
        "only deep.mcl has errors, got:\n{}",
        out.stderr
    );
    let only = files.into_iter().next().unwrap();
    assert!(
        Path::new(only).ends_with("a/b/c/deep.mcl"),
        "got {only}\n{}",
        out.stderr
    );
    assert!(lines.iter().all(|l| l.1 == 3), "{}", out.stderr);
}

#[test]
fn directory_with_only_clean_mcl_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "one.mcl", CLEAN);
    write(dir.path(), "sub/two.mcl", "$a = [1, 2]\n");
    write(dir.path(), "sub/junk.txt", "}}}} not mcl\n");
    let out = check(&["--format", "short", dir.path().to_str().unwrap()]);
    assert_code(&out, 0);
}

#[test]
fn crlf_line_endings_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "crlf.mcl", CLEAN.replace('\n', "\r\n"));
    assert_code(&check(&["--format", "short", &f]), 0);

    // Positions in a CRLF file are still counted in lines, not bytes.
    let f = write(dir.path(), "crlf-bad.mcl", "$x = 1\r\n\r\n$y == 2\r\n");
    let out = check(&["--format", "json", &f]);
    assert_code(&out, 1);
    let diags = out.diagnostics();
    assert_eq!(diags.len(), 1, "{}", out.stdout);
    assert_eq!(diags[0]["range"]["start"]["line"], 3, "{}", out.stdout);
    assert_eq!(diags[0]["range"]["start"]["column"], 4, "{}", out.stdout);
}

#[test]
fn missing_final_newline_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "nonl.mcl", "$x = 1\ntest \"a\" {}");
    assert_code(&check(&["--format", "short", &f]), 0);
    let f = write(dir.path(), "nonl2.mcl", "$x = 1");
    assert_code(&check(&["--format", "short", &f]), 0);
    let f = write(dir.path(), "nonl3.mcl", "# only a comment");
    assert_code(&check(&["--format", "short", &f]), 0);
}

#[test]
fn empty_file_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "empty.mcl", "");
    assert_code(&check(&["--format", "short", &f]), 0);
    assert_code(&check_stdin(&["--format", "short", "-"], ""), 0);
}

#[test]
fn non_utf8_file_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "latin1.mcl", b"$x = \"caf\xe9\"\n");
    let out = check(&["--format", "short", &f]);
    assert_code(&out, 2);
    assert!(
        out.all().contains("latin1.mcl"),
        "message should name the file:\n{}",
        out.all()
    );
}

// ---------------------------------------------------------------- formats

#[test]
fn short_format_line_shape() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "shape.mcl", "$x = 1\n$y == 2\n");
    let out = check(&["--format", "short", &f]);
    assert_code(&out, 1);
    assert!(
        out.stdout.is_empty(),
        "short format writes to stderr only, stdout:\n{}",
        out.stdout
    );
    let diag_lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!diag_lines.is_empty());
    for l in &diag_lines {
        // ^.+:\d+:\d+: error\[parse\]:
        let parsed = parse_short_line(l)
            .unwrap_or_else(|| panic!("line does not have the short shape: {l:?}"));
        assert_eq!(parsed.3, "parse", "{l}");
        assert!(parsed.0.ends_with("shape.mcl"), "{l}");
        assert_eq!((parsed.1, parsed.2), (2, 4), "{l}");
    }
}

#[test]
fn json_format_has_the_contract_fields() {
    let dir = tempfile::tempdir().unwrap();
    // `==` is on line 2, columns 4..6 (end exclusive).
    let f = write(dir.path(), "j.mcl", "# a comment\n$x == 1\n");
    let out = check(&["--format", "json", &f]);
    assert_code(&out, 1);
    let doc = out.json();
    assert!(doc.is_object(), "{}", out.stdout);
    let diags = out.diagnostics();
    assert_eq!(diags.len(), 1, "{}", out.stdout);
    let d = &diags[0];
    for key in [
        "severity", "phase", "code", "message", "file", "range", "related", "help",
    ] {
        assert!(d.get(key).is_some(), "diagnostic lacks {key:?}: {d}");
    }
    assert_eq!(d["severity"], "error");
    assert_eq!(d["phase"], "parse");
    assert!(d["code"].is_string(), "{d}");
    assert!(!d["message"].as_str().unwrap_or("").is_empty(), "{d}");
    assert!(
        d["file"].as_str().is_some_and(|s| s.ends_with("j.mcl")),
        "{d}"
    );
    assert!(d["related"].is_array(), "{d}");
    assert!(d["help"].is_string() || d["help"].is_null(), "{d}");
    let r = &d["range"];
    assert_eq!(r["start"]["line"], 2, "{d}");
    assert_eq!(r["start"]["column"], 4, "{d}");
    assert_eq!(r["end"]["line"], 2, "{d}");
    let end_col = r["end"]["column"].as_u64().unwrap();
    assert!(
        (5..=6).contains(&end_col),
        "end column should close the `==` token: {d}"
    );
}

#[test]
fn json_format_clean_is_an_empty_list() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ok.mcl", CLEAN);
    let out = check(&["--format", "json", &f]);
    assert_code(&out, 0);
    assert_eq!(out.diagnostics().len(), 0, "{}", out.stdout);
}

#[test]
fn json_format_reports_io_errors_too() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone.mcl");
    let out = check(&["--format", "json", missing.to_str().unwrap()]);
    assert_code(&out, 2);
    let diags = out.diagnostics();
    assert!(
        diags
            .iter()
            .any(|d| d["file"].as_str().is_some_and(|f| f.ends_with("gone.mcl"))),
        "{}",
        out.stdout
    );
}

#[test]
fn rich_format_shows_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "richfile.mcl", "$a = 1\n\n$x == 1\n");
    let out = check(&["--format", "rich", &f]);
    assert_code(&out, 1);
    let text = out.all();
    assert!(text.contains("richfile.mcl"), "{text}");
    assert!(
        text.contains("richfile.mcl:3:") || text.contains(" 3 "),
        "no line number 3 in:\n{text}"
    );
    assert!(
        text.contains("$x == 1"),
        "rich output should quote the source line:\n{text}"
    );
}

// ---------------------------------------------------------------- recovery

#[test]
fn reports_every_independent_syntax_error() {
    // One independent syntax error on each of lines 3, 5, 8, 11, 14, 15.
    let src = "\
import \"fmt\"

$x == 1
file \"/tmp/a\" {
\tcontent => \"hello\"
\tmode => \"0644\",
}
$in = 3
if $x {
\ttest \"a\" {}
} else if $y {
\ttest \"b\" {}
}
$a = 1 $b = 2
$list = [1, 2,]
test \"ok\" {}
";
    let expected: BTreeSet<u64> = [3, 5, 8, 11, 14, 15].into();
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "many.mcl", src);

    let out = check(&["--format", "json", &f]);
    assert_code(&out, 1);
    let diags = out.diagnostics();
    let got: BTreeSet<u64> = diags.iter().map(start_line).collect();
    assert_eq!(got, expected, "json diagnostics:\n{}", out.stdout);

    // In short form each diagnostic is its own line.
    let out = check(&["--format", "short", &f]);
    assert_code(&out, 1);
    let lines = short_lines(&out);
    assert_eq!(
        lines.len(),
        diags.len(),
        "one short line per diagnostic:\n{}",
        out.stderr
    );
    let got: BTreeSet<u64> = lines.iter().map(|l| u64::from(l.1)).collect();
    assert_eq!(got, expected, "short output:\n{}", out.stderr);
    assert!(lines.iter().all(|l| l.3 == "parse"), "{}", out.stderr);
}

// ---------------------------------------------------------------- phases

#[test]
fn lexer_errors_have_phase_lex() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "lex.mcl", "$x = 1 @ 2\n");
    let out = check(&["--format", "json", &f]);
    assert_code(&out, 1);
    let diags = out.diagnostics();
    assert!(!diags.is_empty(), "{}", out.stdout);
    let d = &diags[0];
    assert_eq!(d["phase"], "lex", "{}", out.stdout);
    assert_eq!(d["range"]["start"]["line"], 1, "{d}");
    assert_eq!(d["range"]["start"]["column"], 8, "{d}");

    let out = check(&["--format", "short", &f]);
    assert!(
        short_lines(&out)
            .iter()
            .any(|l| l.3 == "lex" && (l.1, l.2) == (1, 8)),
        "{}",
        out.stderr
    );
}

#[test]
fn interpolation_errors_have_phase_interpolate() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "interp.mcl", "$v = 1\ntest \"${foo()}\" {}\n");
    let out = check(&["--format", "json", &f]);
    assert_code(&out, 1);
    let diags = out.diagnostics();
    assert!(
        diags
            .iter()
            .any(|d| d["phase"] == "interpolate" && start_line(d) == 2),
        "expected an interpolate diagnostic on line 2:\n{}",
        out.stdout
    );
    assert!(
        diags.iter().all(|d| d["phase"] == "interpolate"),
        "{}",
        out.stdout
    );

    let out = check(&["--format", "json", "--stop-after", "interpolate", &f]);
    assert_code(&out, 1);

    let out = check(&["--format", "json", "--stop-after", "parse", &f]);
    assert_code(&out, 0);
    assert!(out.diagnostics().is_empty(), "{}", out.stdout);
}

#[test]
fn stop_after_parse_still_reports_parse_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "p.mcl", "test \"${foo()}\" {}\n$x == 1\n");
    let out = check(&["--format", "json", "--stop-after", "parse", &f]);
    assert_code(&out, 1);
    let diags = out.diagnostics();
    assert!(
        diags
            .iter()
            .all(|d| d["phase"] == "parse" || d["phase"] == "lex"),
        "{}",
        out.stdout
    );
    assert!(diags.iter().any(|d| start_line(d) == 2), "{}", out.stdout);
}

//! `mclc fmt` through the binary: in-place rewrites, --check, --diff, stdin, and files with
//! syntax errors left untouched.

use mcl_tests::run;

const UGLY: &str = "$x=1\ntest \"t\" {\nint64=>$x,\n}\n";
const PRETTY: &str = "$x = 1\ntest \"t\" {\n\tint64 => $x,\n}\n";

#[test]
fn rewrites_in_place_and_check_reports() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.mcl");
    std::fs::write(&f, UGLY).unwrap();
    let check = run(["fmt", "--check", f.to_str().unwrap()], None);
    assert_eq!(check.code, Some(1));
    assert!(check.stdout.contains("a.mcl"), "{}", check.all());
    assert_eq!(std::fs::read_to_string(&f).unwrap(), UGLY, "--check writes nothing");
    let diff = run(["fmt", "--diff", f.to_str().unwrap()], None);
    assert!(diff.stdout.contains("-$x=1") && diff.stdout.contains("+$x = 1"), "{}", diff.stdout);
    assert_eq!(run(["fmt", f.to_str().unwrap()], None).code, Some(0));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), PRETTY);
    assert_eq!(run(["fmt", "--check", f.to_str().unwrap()], None).code, Some(0), "formatted files pass --check");
}

#[test]
fn stdin_to_stdout() {
    let out = run(["fmt", "-"], Some(UGLY));
    assert_eq!(out.code, Some(0));
    assert_eq!(out.stdout, PRETTY);
}

#[test]
fn syntax_errors_leave_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.mcl");
    let bad = "$x == 1\n";
    std::fs::write(&f, bad).unwrap();
    let out = run(["fmt", f.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("syntax errors") && out.stderr.contains("bad.mcl:1:4"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&f).unwrap(), bad);
}

#[test]
fn our_examples_are_formatted() {
    let examples = mcl_tests::workspace_root().join("examples");
    let out = run(["fmt", "--check", examples.to_str().unwrap()], None);
    assert_eq!(out.code, Some(0), "run `mclc fmt examples/`:\n{}", out.all());
}

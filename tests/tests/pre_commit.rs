//! The real `pre-commit` (from PyPI) with this repository as the hook source: a badly formatted
//! file and a file with a type error are both caught; a clean file passes. pre-commit installs
//! the hooks with `cargo install`, so this test takes a few minutes.

use mcl_tests::workspace_root;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").args(args).current_dir(dir).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn pre_commit_available() -> bool {
    Command::new("pre-commit").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn pre_commit_hooks_catch_format_and_type_errors() {
    if !pre_commit_available() {
        assert!(std::env::var_os("CI").is_none(), "pre-commit must be installed in CI (scripts/test.sh installs it)");
        eprintln!("skipping: `pre-commit` is not installed (pip install pre-commit)");
        return;
    }
    let root = workspace_root();
    let rev = git(&root, &["rev-parse", "HEAD"]);
    let tracked = git(&root, &["ls-files", ".pre-commit-hooks.yaml"]);
    assert_eq!(tracked, ".pre-commit-hooks.yaml", "the hooks file must be committed");

    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["config", "user.email", "test@example.invalid"]);
    git(&repo, &["config", "user.name", "test"]);
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: mclc-check\n      - id: mclc-fmt\n",
        root.display()
    );
    std::fs::write(repo.join(".pre-commit-config.yaml"), config).unwrap();
    std::fs::write(repo.join("clean.mcl"), "test \"t\" {\n\tint64 => 42,\n}\n").unwrap();
    let run_hooks = || {
        Command::new("pre-commit")
            .args(["run", "--all-files", "--color", "never"])
            .current_dir(&repo)
            .env("PRE_COMMIT_HOME", scratch.path().join("cache"))
            .env("CARGO_TARGET_DIR", scratch.path().join("target"))
            .output()
            .expect("pre-commit runs")
    };
    git(&repo, &["add", "-A"]);
    let clean = run_hooks();
    let clean_text = format!("{}{}", String::from_utf8_lossy(&clean.stdout), String::from_utf8_lossy(&clean.stderr));
    assert!(clean.status.success(), "a clean file passes both hooks:\n{clean_text}");

    std::fs::write(repo.join("ugly.mcl"), "test \"u\" {\nint64=>1,\n}\n").unwrap();
    std::fs::write(repo.join("typed.mcl"), "test \"v\" {\n\tint64 => \"not an int\",\n}\n").unwrap();
    git(&repo, &["add", "-A"]);
    let bad = run_hooks();
    let text = format!("{}{}", String::from_utf8_lossy(&bad.stdout), String::from_utf8_lossy(&bad.stderr));
    assert!(!bad.status.success(), "hooks must fail:\n{text}");
    assert!(text.contains("typed.mcl:2:"), "mclc check reports the type error with its line:\n{text}");
    assert!(text.contains("files were modified by this hook"), "mclc fmt rewrote the badly formatted file:\n{text}");
    assert_eq!(std::fs::read_to_string(repo.join("ugly.mcl")).unwrap(), "test \"u\" {\n\tint64 => 1,\n}\n");
    assert_eq!(std::fs::read_to_string(repo.join("clean.mcl")).unwrap(), "test \"t\" {\n\tint64 => 42,\n}\n", "the clean file is untouched");
}

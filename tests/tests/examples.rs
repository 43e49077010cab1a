//! Our own example programs (examples/) must all pass `mclc check`.

use mcl_tests::{run, workspace_root};

#[test]
fn every_example_passes_check() {
    let dir = workspace_root().join("examples");
    let count = std::fs::read_dir(&dir).map(|d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "mcl")).count()).unwrap_or(0);
    assert!(count >= 5, "expected at least five examples in {}", dir.display());
    let out = run(["check", "--format", "short", dir.to_str().expect("utf-8 path")], None);
    assert_eq!(out.code, Some(0), "examples have findings:\n{}", out.stderr);
}

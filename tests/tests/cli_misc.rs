//! The rest of the CLI surface: help texts, SARIF output, completions, the man page.

use mcl_tests::run;

const SUBCOMMANDS: &[&str] = &["check", "fmt", "graph", "lsp", "completions", "man"];

/// `mclc help X` and `mclc X --help` print the same text, for every subcommand, and each help
/// names its flags and shows an example.
#[test]
fn help_and_dash_dash_help_agree() {
    for sub in SUBCOMMANDS {
        let a = run(["help", sub], None);
        let b = run([*sub, "--help"], None);
        assert_eq!(a.code, Some(0), "mclc help {sub}: {}", a.all());
        assert_eq!(a.stdout, b.stdout, "mclc help {sub} differs from mclc {sub} --help");
        assert!(a.stdout.contains("Example"), "mclc help {sub} shows no example:\n{}", a.stdout);
    }
    let top = run(["--help"], None);
    for sub in SUBCOMMANDS {
        assert!(top.stdout.contains(sub), "top-level help does not list {sub}");
    }
}

/// SARIF 2.1.0: the required fields of the log, run, tool, result and location objects.
#[test]
fn sarif_output_has_the_required_fields() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad file.mcl");
    std::fs::write(&f, "$x == 1\ntest \"t\" {\n\tnosuchfield => 1,\n}\n").unwrap();
    let out = run(["check", "--format", "sarif", f.to_str().unwrap()], None);
    assert_eq!(out.code, Some(1), "{}", out.all());
    let log: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "mclc");
    let rules = driver["rules"].as_array().expect("rules");
    let results = runs[0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()), "result.message.text is required");
        let rule = r["ruleId"].as_str().expect("ruleId");
        assert!(rules.iter().any(|x| x["id"] == rule), "ruleId {rule} is among the rules");
        assert!(["error", "warning", "note", "none"].contains(&r["level"].as_str().unwrap_or("")));
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with("file:///") && uri.ends_with("bad%20file.mcl"), "{uri}");
        let region = &loc["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1 && region["startColumn"].as_u64().unwrap() >= 1);
    }
    // A clean file gives a valid log with no results.
    let ok = dir.path().join("ok.mcl");
    std::fs::write(&ok, "test \"t\" {}\n").unwrap();
    let clean = run(["check", "--format", "sarif", ok.to_str().unwrap()], None);
    assert_eq!(clean.code, Some(0));
    let log: serde_json::Value = serde_json::from_str(&clean.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(["completions", shell], None);
        assert_eq!(out.code, Some(0), "{shell}: {}", out.all());
        assert!(out.stdout.contains("check") && out.stdout.contains("graph"), "{shell} completion lists the subcommands");
    }
    let man = run(["man"], None);
    assert_eq!(man.code, Some(0));
    assert!(man.stdout.contains(".TH mclc 1"));
    assert!(run(["completions", "tcsh"], None).code == Some(2), "an unknown shell is a usage error");
}

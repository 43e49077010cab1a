//! The VS Code extension (`editors/vscode`) and the TextMate grammar (`grammar/`):
//! - the packaged `.vsix` declares the language, the grammar, the commands, the settings and the
//!   activation events, and ships the current grammar and manifest;
//! - the extension's compiled server-launch code (`out/src/server.js`) starts the real `mclc lsp`
//!   and completes an initialize round-trip; the bundled extension, activated against a stand-in
//!   for the `vscode` module, registers its commands and starts the real server; and the grammar
//!   marks nothing in `examples/` invalid (node tests in `editors/vscode/test/`);
//! - the grammar tests pass on `grammar/tests/*.mcl`, whose assertions name every scope the
//!   grammar defines.
//!
//! scripts/test.sh installs the npm packages and builds the `.vsix` (`npm ci`, `npm run build`,
//! `npm run package` in `editors/vscode`). Without node/npm, or without that build outside CI,
//! these tests skip with the reason.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn vscode_dir() -> PathBuf {
    mcl_tests::workspace_root().join("editors").join("vscode")
}

/// Whether `editors/vscode` has been built (`what` must exist below it); `false` after printing
/// why the calling test is skipped. In CI, a missing build with node present is a failure.
fn built(what: &str) -> bool {
    let node = Command::new("node").arg("--version").stdin(Stdio::null()).output().is_ok_and(|o| o.status.success());
    if !node {
        eprintln!("skipping: node is not installed (Node 20 and npm build the VS Code extension)");
        return false;
    }
    if vscode_dir().join(what).exists() {
        return true;
    }
    let hint = "run scripts/test.sh, or in editors/vscode: npm ci --no-audit --no-fund && npm run build && npm run package";
    assert!(std::env::var_os("CI").is_none(), "editors/vscode/{what} is missing in CI: {hint}");
    eprintln!("skipping: editors/vscode/{what} is missing ({hint})");
    false
}

/// The files of a zip archive as `(name, text)`, read with Python's zipfile (no Rust zip crate).
fn unzip(archive: &Path) -> Vec<(String, String)> {
    let script = "import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(json.dumps([[n, z.read(n).decode('utf-8', 'replace')] for n in z.namelist()]))";
    let out = Command::new("python3").args(["-c", script]).arg(archive).output().expect("python3 runs");
    assert!(out.status.success(), "reading {}: {}", archive.display(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Vec<(String, String)>>(&out.stdout).unwrap()
}

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    files.iter().find(|(n, _)| n == name).map(|(_, t)| t.as_str()).unwrap_or_else(|| {
        panic!("{name} is not in the .vsix: {:?}", files.iter().map(|(n, _)| n).collect::<Vec<_>>())
    })
}

#[test]
fn vsix_declares_language_grammar_commands_settings_and_activation() {
    if !built("mcl.vsix") {
        return;
    }
    let files = unzip(&vscode_dir().join("mcl.vsix"));
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"extension.vsixmanifest"), "{names:?}");
    assert!(
        names.iter().all(|n| !n.contains("node_modules") && !n.contains("/src/") && !n.contains("/test/") && !n.ends_with(".ts")),
        "only the bundle, the grammar and the manifest are shipped: {names:?}"
    );

    let manifest: Value = serde_json::from_str(file(&files, "extension/package.json")).unwrap();
    let source: Value = serde_json::from_str(&std::fs::read_to_string(vscode_dir().join("package.json")).unwrap()).unwrap();
    assert_eq!(manifest["contributes"], source["contributes"], "the .vsix is stale: rebuild it (npm run build && npm run package)");
    assert!(manifest["engines"]["vscode"].as_str().is_some_and(|v| v.starts_with('^')), "{}", manifest["engines"]);

    // The extension's code is the bundle named by `main`.
    let main = manifest["main"].as_str().unwrap().trim_start_matches("./");
    let bundle = file(&files, &format!("extension/{main}"));
    for needle in ["\"mcl.deploy\"", "\"mcl.showGraph\"", "workspace/executeCommand", "mcl.deployFile", "mcl.restartServer", "mcl.showResourceGraph"] {
        assert!(bundle.contains(needle), "the bundle mentions {needle}");
    }
    assert!(bundle.contains("\"lsp\""), "the bundle starts `mclc lsp`");

    // Language and its configuration.
    let c = &manifest["contributes"];
    let lang = c["languages"].as_array().unwrap().iter().find(|l| l["id"] == "mcl").expect("language mcl");
    assert_eq!(lang["extensions"], serde_json::json!([".mcl"]));
    let config_path = lang["configuration"].as_str().unwrap().trim_start_matches("./");
    let config: Value = serde_json::from_str(file(&files, &format!("extension/{config_path}"))).unwrap();
    assert_eq!(config["comments"]["lineComment"], "#");
    assert!(config["brackets"].as_array().is_some_and(|b| b.len() == 3), "{}", config["brackets"]);
    assert!(config["indentationRules"]["increaseIndentPattern"].is_string());

    // The grammar, identical to grammar/mcl.tmLanguage.json.
    let grammar = c["grammars"].as_array().unwrap().iter().find(|g| g["language"] == "mcl").expect("a grammar for mcl");
    assert_eq!(grammar["scopeName"], "source.mcl");
    let shipped: Value = serde_json::from_str(file(&files, &format!("extension/{}", grammar["path"].as_str().unwrap().trim_start_matches("./")))).unwrap();
    let repo: Value = serde_json::from_str(&std::fs::read_to_string(mcl_tests::workspace_root().join("grammar/mcl.tmLanguage.json")).unwrap()).unwrap();
    assert_eq!(shipped, repo, "the .vsix ships the current grammar");

    // Commands and when they show.
    let commands: Vec<(String, String)> = c["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["command"].as_str().unwrap().to_owned(), format!("{}: {}", c["category"].as_str().unwrap_or(""), c["title"].as_str().unwrap())))
        .collect();
    for (id, title) in [
        ("mcl.deployFile", "MCL: Deploy this file"),
        ("mcl.restartServer", "MCL: Restart language server"),
        ("mcl.showResourceGraph", "MCL: Show resource graph"),
    ] {
        assert!(commands.contains(&(id.to_owned(), title.to_owned())), "command {id} titled {title:?}: {commands:?}");
    }
    // vscode-languageclient registers the server's own command names; ours must differ.
    assert!(commands.iter().all(|(id, _)| id != "mcl.deploy" && id != "mcl.showGraph"), "{commands:?}");

    // Settings.
    let props = &c["configuration"]["properties"];
    assert_eq!(props["mcl.server.path"]["default"], "mclc");
    assert_eq!(props["mcl.etcd.endpoints"]["type"], "array");
    assert_eq!(props["mcl.etcd.endpoints"]["items"]["type"], "string");

    // Activation.
    let events: BTreeSet<&str> = manifest["activationEvents"].as_array().unwrap().iter().filter_map(|e| e.as_str()).collect();
    assert!(events.contains("onLanguage:mcl"), "{events:?}");
}

#[test]
fn node_tests_launch_and_activate_against_the_real_server() {
    if !built("out/test/launch.test.js") {
        return;
    }
    let mclc = mcl_tests::mclc();
    let out = Command::new("node")
        .args(["--test", "out/test/launch.test.js", "out/test/activate.test.js", "out/test/grammar.test.js"])
        .current_dir(vscode_dir())
        .env("MCLC", &mclc)
        .stdin(Stdio::null())
        .output()
        .expect("node runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "node --test failed:\n{text}");
    assert!(text.contains("# fail 0") && text.contains("# skipped 0"), "every node test ran and passed:\n{text}");
    assert!(!text.contains("not ok"), "no node test failed:\n{text}");
    for name in [
        "the computed launch starts mclc lsp",
        "activation without a server registers the commands",
        "activation with the real mclc starts the language server",
        "the examples tokenize without invalid scopes",
    ] {
        assert!(text.contains(name), "the test {name:?} ran:\n{text}");
    }
}

/// Every scope name the grammar assigns.
fn grammar_scopes(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("name", Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    _ => grammar_scopes(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| grammar_scopes(i, out)),
        _ => {}
    }
}

#[test]
fn grammar_tests_pass_and_cover_every_scope() {
    let root = mcl_tests::workspace_root();
    let grammar: Value = serde_json::from_str(&std::fs::read_to_string(root.join("grammar/mcl.tmLanguage.json")).unwrap()).unwrap();
    assert_eq!(grammar["scopeName"], "source.mcl");
    let mut scopes = BTreeSet::new();
    grammar_scopes(&grammar["repository"], &mut scopes);
    assert!(scopes.len() > 40, "{scopes:?}");

    // The assertion lines of the samples (`# ^^^ scope` and `# <-- scope`).
    let mut samples: Vec<PathBuf> = std::fs::read_dir(root.join("grammar/tests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "mcl"))
        .collect();
    samples.sort();
    let mut assertions = String::new();
    for s in &samples {
        let text = std::fs::read_to_string(s).unwrap();
        assert!(text.starts_with("# SYNTAX TEST \"source.mcl\""), "{} starts with the test header", s.display());
        for line in text.lines() {
            let rest = line.trim_start_matches('#').trim_start();
            if line.starts_with('#') && (rest.starts_with('^') || rest.starts_with("<-")) {
                assertions.push_str(line);
                assertions.push('\n');
            }
        }
    }
    let untested: Vec<&String> = scopes.iter().filter(|s| !assertions.split_whitespace().any(|w| w == s.as_str())).collect();
    assert!(untested.is_empty(), "scopes no sample asserts: {untested:?}");

    if !built("node_modules/.bin/vscode-tmgrammar-test") {
        return;
    }
    let out = Command::new("npm")
        .args(["run", "-s", "test:grammar"])
        .current_dir(vscode_dir())
        .stdin(Stdio::null())
        .output()
        .expect("npm runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "grammar tests failed:\n{text}");
    for s in &samples {
        let name = s.file_name().unwrap().to_string_lossy();
        assert!(text.lines().any(|l| l.contains(&*name) && l.contains("successfuly")), "{name} ran and passed:\n{text}");
    }
}

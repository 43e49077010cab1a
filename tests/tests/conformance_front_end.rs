//! `mclc check` against the shared conformance corpus in `../shared/conformance`: the front end
//! (lex, parse, interpolate) and the full static check. Skipped, with a message, when the corpus
//! is absent.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use mcl_tests::{
    Output, covers_line, expected_error, parse_txtar, run, shared_or_skip, write_case,
};

/// Files directly in `dir` whose names end with `.{ext}`, sorted.
fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

/// Every file below `dir` (recursively) whose name ends with `.{ext}`, sorted.
fn files_below(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in
            std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display()))
        {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn front_end(path: &Path) -> Output {
    let mut args: Vec<&OsStr> = ["check", "--format", "short", "--stop-after", "interpolate"]
        .map(OsStr::new)
        .to_vec();
    args.push(path.as_os_str());
    run(args, None)
}

/// Checks every file in `files` (one `mclc` process each, like a pre-commit
/// hook would) and returns a readable description of every one that was not
/// clean.
fn unclean(files: &[PathBuf], display: impl Fn(&Path) -> String) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| {
            let out = front_end(f);
            (out.code != Some(0)).then(|| {
                format!(
                    "{} (exit {:?}):\n{}",
                    display(f),
                    out.code,
                    indent(&out.all())
                )
            })
        })
        .collect()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[track_caller]
fn assert_none_failed(what: &str, total: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {total} {what} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn examples_pass_the_front_end() {
    let Some(shared) = shared_or_skip() else {
        return;
    };
    let dir = shared.join("conformance/examples");
    let files = files_below(&dir, "mcl");
    assert!(!files.is_empty(), "no .mcl files under {}", dir.display());
    let failures = unclean(&files, |f| {
        f.strip_prefix(&dir).unwrap_or(f).display().to_string()
    });
    assert_none_failed("examples", files.len(), &failures);

    // The same through a single directory walk.
    let out = front_end(&dir);
    assert_eq!(
        out.code,
        Some(0),
        "checking {} as a directory:\n{}",
        dir.display(),
        out.all()
    );
}

#[test]
fn format_corpus_passes_the_front_end() {
    let Some(shared) = shared_or_skip() else {
        return;
    };
    let dir = shared.join("conformance/format");
    let files = files_with_ext(&dir, "mcl");
    assert!(!files.is_empty(), "no .mcl files in {}", dir.display());
    let failures = unclean(&files, |f| {
        f.file_name().unwrap().to_string_lossy().into_owned()
    });
    assert_none_failed("format/*.mcl files", files.len(), &failures);
}

#[test]
fn badly_formatted_files_still_parse() {
    let Some(shared) = shared_or_skip() else {
        return;
    };
    let dir = shared.join("conformance/format");
    let bad = files_with_ext(&dir, "badmcl");
    if bad.is_empty() {
        eprintln!("note: no .badmcl files in {}", dir.display());
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut copies = Vec::new();
    for f in &bad {
        let stem = f.file_stem().unwrap().to_string_lossy();
        let dst = tmp.path().join(format!("{stem}.mcl"));
        std::fs::copy(f, &dst).unwrap();
        copies.push(dst);
    }
    let failures = unclean(&copies, |f| {
        format!("{}.badmcl", f.file_stem().unwrap().to_string_lossy())
    });
    assert_none_failed("format/*.badmcl files", copies.len(), &failures);
}

#[test]
fn graph_cases_front_end_verdicts() {
    verdicts("interpolate", &["errLexParse", "errInterpolate"], false);
}

/// The full static check (every phase through unify): the static error categories are rejected
/// on the expected line, every case whose expected output is a graph is accepted, and cases that
/// mgmt rejects only at run time may go either way.
#[test]
fn graph_cases_full_check_verdicts() {
    verdicts("unify", &["errLexParse", "errInterpolate", "errInit", "errSetScope", "errUnify"], true);
}

/// Runs `mclc check --stop-after STOP_AFTER` on every graph case: categories in `must_reject`
/// must be rejected with a diagnostic on the expected line; graph cases must be accepted; other
/// error categories must be accepted too unless `runtime_errors_free`.
fn verdicts(stop_after: &str, must_reject: &[&str], runtime_errors_free: bool) {
    let Some(shared) = shared_or_skip() else {
        return;
    };
    let dir = shared.join("conformance/graph");
    let cases = files_with_ext(&dir, "txtar");
    assert!(!cases.is_empty(), "no .txtar files in {}", dir.display());

    let mut failures = Vec::new();
    let (mut rejects, mut accepts) = (0usize, 0usize);
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(case).unwrap_or_else(|e| panic!("{name}: {e}"));
        let sections = parse_txtar(&text);
        let Some(output) = mcl_tests::section(&sections, "OUTPUT") else {
            continue;
        };
        if mcl_tests::section(&sections, "main.mcl").is_none() {
            continue; // entry named by metadata.yaml; not a front-end case
        }
        let tmp = tempfile::tempdir().unwrap();
        write_case(&sections, tmp.path()).unwrap_or_else(|e| panic!("{name}: writing case: {e}"));
        let main = tmp.path().join("main.mcl");
        let mut args: Vec<&OsStr> = ["check", "--format", "json", "--stop-after", stop_after]
            .map(OsStr::new)
            .to_vec();
        args.push(main.as_os_str());
        let out = run(args, None);
        let expected = expected_error(output);
        let front_end_error = expected
            .as_ref()
            .filter(|(cat, _)| must_reject.iter().any(|c| cat.starts_with(c)));

        match front_end_error {
            Some((cat, line)) => {
                rejects += 1;
                if out.code != Some(1) {
                    failures.push(format!(
                        "{name}: expected {cat} (exit 1), got exit {:?}:\n{}",
                        out.code,
                        indent(&out.all())
                    ));
                    continue;
                }
                let Ok(doc) = serde_json::from_str::<serde_json::Value>(&out.stdout) else {
                    failures.push(format!(
                        "{name}: stdout is not JSON:\n{}",
                        indent(&out.all())
                    ));
                    continue;
                };
                let diags = doc["diagnostics"].as_array().cloned().unwrap_or_default();
                if diags.is_empty() {
                    failures.push(format!(
                        "{name}: exit 1 but no diagnostics:\n{}",
                        indent(&out.all())
                    ));
                } else if let Some(line) = line {
                    if !diags
                        .iter()
                        .any(|d| covers_line(d, "main.mcl", u64::from(*line)))
                    {
                        failures.push(format!(
                            "{name}: expected {cat} on main.mcl line {line}; got:\n{}",
                            indent(&summarize(&diags))
                        ));
                    }
                }
            }
            None if runtime_errors_free && expected.is_some() => {} // a run-time error in mgmt
            None => {
                accepts += 1;
                if out.code != Some(0) {
                    let what = match &expected {
                        Some((cat, _)) => format!("expected {cat} (a later phase)"),
                        None => "expected a graph".to_owned(),
                    };
                    failures.push(format!(
                        "{name}: {what}, so `check --stop-after {stop_after}` must accept main.mcl; got exit {:?}:\n{}",
                        out.code,
                        indent(&out.all())
                    ));
                }
            }
        }
    }
    eprintln!(
        "graph corpus (--stop-after {stop_after}): {rejects} rejections, {accepts} acceptances checked"
    );
    assert!(
        rejects > 0,
        "no {must_reject:?} cases found in {}",
        dir.display()
    );
    assert_none_failed("graph cases", rejects + accepts, &failures);
}

fn summarize(diags: &[serde_json::Value]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "[{}] {}:{}:{}: {}",
                d["phase"].as_str().unwrap_or("?"),
                d["file"].as_str().unwrap_or("?"),
                d.pointer("/range/start/line")
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                d.pointer("/range/start/column")
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every real program under `conformance/examples` passes the full check (every phase through
/// unify), checked as one directory.
#[test]
fn examples_pass_the_full_check() {
    let Some(shared) = shared_or_skip() else {
        return;
    };
    let dir = shared.join("conformance/examples");
    let out = run([OsStr::new("check"), OsStr::new("--format"), OsStr::new("short"), dir.as_os_str()], None);
    assert_eq!(out.code, Some(0), "examples with findings:\n{}", out.all());
}

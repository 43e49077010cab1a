//! Language-server benchmark, through the protocol against the real `mclc lsp` (release build):
//! edit → fresh diagnostics on a 5,000-line file, hover and completion latency, and the server's
//! memory with every corpus program open. Prints p50/p95 of each.
//!
//! Run with `cargo bench -p mcl-tests --bench lsp`.

use mcl_tests::lsp::Client;
use serde_json::json;
use std::time::{Duration, Instant};

fn report(name: &str, times: Vec<Duration>) {
    mcl_tests::bench::report(name, 44, times);
}

/// The server's resident memory in MiB (Linux).
fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let text = mcl_tests::generate_program(5000);
    let lines = text.lines().count();
    let path = dir.path().join("big.mcl");
    std::fs::write(&path, &text).expect("write");
    let uri = format!("file://{}", path.display());
    let mut c = Client::start();
    c.initialize(json!({}));
    c.open(&uri, 1, &text);
    let first = Instant::now();
    let d = c.diagnostics(&uri, 1);
    println!("first analysis of {lines} lines: {:.1} ms ({} diagnostics)", first.elapsed().as_secs_f64() * 1e3, d.len());

    // Edit → diagnostics: alternately break and fix a value on a line in the middle.
    let target = lines as u32 / 2;
    let line_text = text.lines().nth(target as usize).unwrap_or("");
    let mut edits = Vec::new();
    let mut version = 1;
    for i in 0..200 {
        version += 1;
        let insert = if i % 2 == 0 { "x" } else { "" };
        let range = if i % 2 == 0 {
            json!({"start": {"line": target, "character": 0}, "end": {"line": target, "character": 0}})
        } else {
            json!({"start": {"line": target, "character": 0}, "end": {"line": target, "character": 1}})
        };
        let t = Instant::now();
        c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": range, "text": insert}]}));
        let _ = c.diagnostics(&uri, version);
        edits.push(t.elapsed());
    }
    let _ = line_text;
    report(&format!("edit -> fresh diagnostics ({lines} lines)"), edits);
    // The same file checked by the CLI in the same run (a whole process each time), for the ratio.
    let mut cli = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let _ = std::process::Command::new(mcl_tests::mclc()).arg("check").arg(&path).output();
        cli.push(t.elapsed());
    }
    report("  for comparison: `mclc check` of that file", cli);

    // Hover on every variable use of a region, and on resource fields.
    let positions: Vec<(usize, usize)> = text
        .lines()
        .enumerate()
        .skip(lines / 3)
        .take(400)
        .filter_map(|(l, s)| s.find('$').map(|c| (l, c + 2)))
        .collect();
    let mut hovers = Vec::new();
    for &(line, character) in positions.iter().cycle().take(500) {
        let t = Instant::now();
        let _ = c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}));
        hovers.push(t.elapsed());
    }
    report("hover", hovers);

    // Completion: after `$` (variables in scope) and inside a resource body (fields).
    let bodies: Vec<usize> = text.lines().enumerate().filter(|(_, s)| s.starts_with("\tmode =>")).map(|(l, _)| l).take(100).collect();
    let mut completions = Vec::new();
    for (i, &line) in bodies.iter().cycle().take(300).enumerate() {
        let position = if i % 2 == 0 { json!({"line": line, "character": 1}) } else { json!({"line": line - 1, "character": 51}) };
        let t = Instant::now();
        let _ = c.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": position}));
        completions.push(t.elapsed());
    }
    report("completion", completions);
    if let Some(mib) = rss_mib(c.pid()) {
        println!("memory with the {lines}-line file open: {mib:.1} MiB RSS");
    }
    let _ = c.request("shutdown", json!(null));
    drop(c);

    // Memory: every corpus program open at once.
    let Some(shared) = mcl_tests::shared_dir() else {
        println!("memory on the corpus: skipped (../shared absent)");
        return;
    };
    let mut c = Client::start();
    c.initialize(json!({}));
    let mut opened = Vec::new();
    for sub in ["conformance/examples"] {
        let Ok(entries) = std::fs::read_dir(shared.join(sub)) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "mcl")
                && let Ok(t) = std::fs::read_to_string(&p)
            {
                let u = format!("file://{}", p.display());
                c.open(&u, 1, &t);
                opened.push((u, t.lines().count()));
            }
        }
    }
    let t = Instant::now();
    for (u, _) in &opened {
        let _ = c.diagnostics(u, 1);
    }
    let total: usize = opened.iter().map(|(_, l)| l).sum();
    println!("corpus: {} files, {total} lines analysed in {:.0} ms", opened.len(), t.elapsed().as_secs_f64() * 1e3);
    if let Some(mib) = rss_mib(c.pid()) {
        println!("memory with every corpus file open: {mib:.1} MiB RSS");
    }
    let _ = c.request("shutdown", json!(null));
}

//! The edit storm: 5,000 random incremental edits (insertions, deletions, half-typed statements)
//! on real programs, with requests in between. The server must not crash, and after the last
//! edit its diagnostics must equal `mclc check`'s on the same text.

use mcl_tests::lsp::Client;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift64*), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: &[&str] = &[
    "$x = ", "file \"", "{", "}", "[", "]", "(", ")", "fmt.printf(", "\n", "if $a {", "else", "=> ", ",", "\"", "${", "$", "func f($a) {", "class c {", "include c",
    "import \"fmt\"\n", "test \"t\" {}\n", " + 1", "->", "<|>", "Meta:noop => true,", "Notify => ", "forkv $k, $v in ", "😀", "é", "\t", "# comment\n", "$const.res.file.state.exists", "42",
];

/// The LSP position (UTF-16) of a byte offset.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// A random char boundary of `text`.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One random edit applied to `text`; returns the LSP change.
fn random_edit(rng: &mut Rng, text: &mut String) -> Value {
    let start = boundary(rng, text);
    let (end, insert) = match rng.below(10) {
        // Delete a short range.
        0..=3 => {
            let mut end = (start + rng.below(12)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            (end, String::new())
        }
        // Insert a piece of a statement.
        4..=8 => (start, SNIPPETS[rng.below(SNIPPETS.len())].to_string()),
        // Replace with random printable bytes.
        _ => {
            let mut end = (start + rng.below(4)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let s: String = (0..rng.below(5)).map(|_| (b' ' + rng.below(95) as u8) as char).collect();
            (end, s)
        }
    };
    let change = json!({"range": {"start": position(text, start), "end": position(text, end)}, "text": insert});
    text.replace_range(start..end, &insert);
    change
}

/// The programs to edit: ours, plus the conformance examples when ../shared is there.
fn corpus(into: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut copy_dir = |from: &Path, to: &Path, limit: usize| {
        std::fs::create_dir_all(to).unwrap();
        let mut names: Vec<PathBuf> = std::fs::read_dir(from).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        names.sort();
        for p in &names {
            std::fs::copy(p, to.join(p.file_name().unwrap())).unwrap();
        }
        files.extend(names.iter().filter(|p| p.extension().is_some_and(|e| e == "mcl")).take(limit).map(|p| to.join(p.file_name().unwrap())));
    };
    copy_dir(&mcl_tests::workspace_root().join("examples"), &into.join("ours"), 4);
    match mcl_tests::shared_dir() {
        Some(shared) => copy_dir(&shared.join("conformance/examples"), &into.join("corpus"), 6),
        None => eprintln!("note: ../shared absent; the storm runs on this repository's examples only"),
    }
    files
}

/// (line, code, message) of LSP diagnostics, the help text left out.
fn from_lsp(diags: &[Value]) -> Vec<(i64, String, String)> {
    let mut out: Vec<_> = diags
        .iter()
        .map(|d| {
            let message = d["message"].as_str().unwrap_or("");
            let message = message.split("\nhelp: ").next().unwrap_or("").to_string();
            (d["range"]["start"]["line"].as_i64().unwrap_or(-1) + 1, d["code"].as_str().unwrap_or("").to_string(), message)
        })
        .collect();
    out.sort();
    out
}

/// (line, code, message) of `mclc check --format json` for the entry file.
fn from_check(path: &Path) -> Vec<(i64, String, String)> {
    let out = std::process::Command::new(mcl_tests::mclc()).args(["check", "--format", "json"]).arg(path).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("check's JSON: {e}: {}", String::from_utf8_lossy(&out.stdout)));
    let mut got: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str() == Some(&path.display().to_string()))
        .map(|d| (d["range"]["start"]["line"].as_i64().unwrap_or(-1), d["code"].as_str().unwrap_or("").to_string(), d["message"].as_str().unwrap_or("").to_string()))
        .collect();
    got.sort();
    got
}

#[test]
fn five_thousand_random_edits() {
    let dir = tempfile::tempdir().unwrap();
    let files = corpus(dir.path());
    assert!(!files.is_empty());
    let mut c = Client::start();
    c.initialize(json!({}));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let total = 5000;
    let per_file = total / files.len() + 1;
    let mut done = 0;
    let mut finals = Vec::new();
    for path in &files {
        let uri = format!("file://{}", path.display());
        let mut text = std::fs::read_to_string(path).unwrap();
        c.open(&uri, 1, &text);
        let mut version = 1;
        for i in 0..per_file.min(total - done) {
            let change = random_edit(&mut rng, &mut text);
            version += 1;
            c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}));
            done += 1;
            // Requests in the middle of the storm, at random places.
            if i % 25 == 0 {
                let at = boundary(&mut rng, &text);
                let pos = position(&text, at);
                for method in ["textDocument/hover", "textDocument/completion", "textDocument/signatureHelp"] {
                    let id = c.request_async(method, json!({"textDocument": {"uri": uri}, "position": pos}));
                    if std::env::var_os("STORM_DEBUG").is_some() {
                        eprintln!("{done} {method} {pos}");
                        std::fs::write("/tmp/storm_text.mcl", &text).unwrap();
                    }
                    let r = c.response(id);
                    assert!(r.get("error").is_none(), "{method} at {pos} after {done} edits: {r}");
                }
            }
        }
        finals.push((path.clone(), uri, version, text));
    }
    assert_eq!(done, total);
    for (path, uri, version, text) in finals {
        let published = c.diagnostics(&uri, version);
        std::fs::write(&path, &text).unwrap();
        let expected = from_check(&path);
        eprintln!("{}: {} diagnostics after the storm", path.display(), expected.len());
        assert_eq!(from_lsp(&published), expected, "{}: the server's final diagnostics differ from mclc check's", path.display());
    }
    // Still alive and answering.
    let _ = c.request("shutdown", json!(null));
}

//! `mclc lsp` at the protocol level: a small JSON-RPC client over the server's stdio.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A language-server client: sends requests and notifications, reads every message.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(mcl_tests::mclc()).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("mclc lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&body)
                    && tx.send(v).is_err()
                {
                    return;
                }
            }
        });
        Client { child, stdin, messages: rx, next_id: 1 }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == id)["result"].clone()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.messages.recv_timeout(Duration::from_secs(20)).expect("a message from the server within 20 s");
            if pred(&m) {
                return m;
            }
        }
    }

    /// The next diagnostics published for `uri` with this version.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version);
        m["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &std::path::Path) -> (Client, String) {
    let mut c = Client::start();
    let init = c.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": {}}));
    assert_eq!(init["capabilities"]["textDocumentSync"], 2, "incremental sync");
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    c.notify("initialized", json!({}));
    let uri = format!("file://{}", dir.join("main.mcl").display());
    (c, uri)
}

#[test]
fn diagnostics_are_published_and_never_stale() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    let text = "$x = 1\ntest \"t\" {\n\tanotherstr => $x,\n}\n";
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "mcl", "version": 1, "text": text}}));
    let d = c.diagnostics(&uri, 1);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["range"]["start"]["line"], 2, "the type error is on line 3");
    assert_eq!(d[0]["severity"], 1);
    // Fix it with an incremental edit: `1` → `"one"` on line 1.
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 6}}, "text": "\"one\""}]
    }));
    assert!(c.diagnostics(&uri, 2).is_empty(), "a fixed error disappears");
    // Two edits sent out of order are applied in version order.
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 4},
        "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "$y = 2\n"}]
    }));
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 3},
        "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "$z = $y\n"}]
    }));
    assert!(c.diagnostics(&uri, 4).is_empty(), "version 3 then 4: $z refers to $y, both defined");
    let _ = c.request("shutdown", json!(null));
    c.notify("exit", json!(null));
}

#[test]
fn hover_and_definition() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    let text = "$count = 42\n$names = [\"a\"]\ntest \"t\" {\n\tint64 => $count,\n\tslicestring => $names,\n}\n";
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "mcl", "version": 1, "text": text}}));
    assert!(c.diagnostics(&uri, 1).is_empty());
    let hover = c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 12}}));
    let value = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(value.contains("$count: int"), "{hover}");
    let names = c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 18}}));
    assert!(names["contents"]["value"].as_str().unwrap_or("").contains("[]str"), "{names}");
    let def = c.request("textDocument/definition", json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 12}}));
    assert_eq!(def["uri"], uri);
    assert_eq!(def["range"]["start"], json!({"line": 0, "character": 1}));
    // Half-typed documents don't crash it, and hover keeps working on what parses.
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 6, "character": 0}, "end": {"line": 6, "character": 0}}, "text": "if $count > {\n\ttest ["}]
    }));
    assert!(!c.diagnostics(&uri, 2).is_empty());
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn references_highlights_symbols_and_formatting() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    let text = "$base=\"/tmp\"\nclass c($p) {\n\ttest \"${base}${p}\" {}\n}\ninclude c(\"/a\")\nfile \"${base}/b\" {}\n";
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "mcl", "version": 1, "text": text}}));
    assert!(c.diagnostics(&uri, 1).is_empty());
    // `$base` is used twice; with the declaration, three locations.
    let refs = c.request("textDocument/references", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}, "context": {"includeDeclaration": true}}));
    let lines: Vec<i64> = refs.as_array().unwrap().iter().map(|l| l["range"]["start"]["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, vec![0, 2, 5], "{refs}");
    let hl = c.request("textDocument/documentHighlight", json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 9}}));
    assert_eq!(hl.as_array().map(Vec::len), Some(3), "{hl}");
    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["$base", "c", "file \"${base}/b\""], "{symbols}");
    assert_eq!(symbols[1]["children"][0]["name"], "test \"${base}${p}\"");
    let edits = c.request("textDocument/formatting", json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": false}}));
    assert!(edits[0]["newText"].as_str().unwrap().starts_with("$base = \"/tmp\"\n"), "{edits}");
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn completion_knows_scope_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    let text = "import \"fmt\"\n$greeting = \"hi\"\n$port = 80\nfile \"/tmp/x\" {\n\tmode => \"0644\",\n\t\n}\n";
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "mcl", "version": 1, "text": text}}));
    assert!(c.diagnostics(&uri, 1).is_empty());
    // Inside the file resource's body: its fields (not `mode`, already set), and Meta params.
    let fields = c.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 1}}));
    let labels: Vec<&str> = fields.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"content") && labels.contains(&"Meta:noop"), "{labels:?}");
    assert!(!labels.contains(&"mode"), "fields already set are skipped");
    // After `$` (while half-typed): the variables in scope, with their types.
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 5, "character": 1}, "end": {"line": 5, "character": 1}}, "text": "content => $"}]
    }));
    let _ = c.diagnostics(&uri, 2);
    let vars = c.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 13}}));
    let items = vars.as_array().unwrap();
    let greeting = items.iter().find(|i| i["label"] == "greeting").expect("$greeting is offered");
    assert_eq!(greeting["detail"], "str");
    assert!(items.iter().any(|i| i["label"] == "port" && i["detail"] == "int"));
    // After `fmt.`: the module's members.
    let members = c.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 0}}));
    assert!(members.as_array().unwrap().iter().any(|i| i["label"] == "fmt.printf"), "{members}");
    let _ = c.request("shutdown", json!(null));
}

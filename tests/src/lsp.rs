//! A small language-server client for tests and benchmarks: JSON-RPC over `mclc lsp`'s stdio,
//! every message read on a thread.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A language-server client: sends requests and notifications, reads every message.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// The newest diagnostics published per URI (version, diagnostics), kept even when the
    /// message was passed over while waiting for something else.
    published: std::collections::HashMap<String, (i64, Vec<Value>)>,
}

impl Client {
    /// Starts `mclc lsp` (stderr discarded).
    pub fn start() -> Client {
        let mut child = Command::new(crate::mclc()).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("mclc lsp starts");
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
        Client { child, stdin, messages: rx, next_id: 1, published: Default::default() }
    }

    /// Sends one message.
    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    /// Sends a request and waits for its result (other messages are skipped).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.response(id)["result"].clone()
    }

    /// Sends a request and returns its id without waiting.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Waits for the response to request `id` (the whole message: `result` or `error`).
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
    }

    /// Initializes the server (with `options` as initializationOptions) and returns its
    /// capabilities.
    pub fn initialize(&mut self, options: Value) -> Value {
        let init = self.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": {"window": {"workDoneProgress": true}}, "initializationOptions": options}));
        self.notify("initialized", json!({}));
        init["capabilities"].clone()
    }

    /// Opens a document.
    pub fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "mcl", "version": version, "text": text}}));
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Waits (at most 20 s) for the first message matching `pred`.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self.messages.recv_timeout(Duration::from_secs(20)).expect("a message from the server within 20 s");
            if m["method"] == "textDocument/publishDiagnostics" {
                let p = &m["params"];
                let uri = p["uri"].as_str().unwrap_or("").to_string();
                self.published.insert(uri, (p["version"].as_i64().unwrap_or(-1), p["diagnostics"].as_array().cloned().unwrap_or_default()));
            }
            if pred(&m) {
                return m;
            }
        }
    }

    /// The next diagnostics published for `uri` with this version.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        if let Some((v, d)) = self.published.get(uri)
            && *v == version
        {
            return d.clone();
        }
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


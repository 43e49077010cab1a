//! `mclc lsp` at the protocol level: a small JSON-RPC client over the server's stdio.

use mcl_tests::lsp::Client;
use serde_json::{Value, json};

fn start(dir: &std::path::Path) -> (Client, String) {
    let mut c = Client::start();
    let caps = c.initialize(json!({}));
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
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

fn open_clean(c: &mut Client, uri: &str, text: &str) {
    c.open(uri, 1, text);
    let d = c.diagnostics(uri, 1);
    assert!(d.is_empty(), "{d:?}");
}

fn uri_of(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn rename_changes_every_file_of_the_module() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lib.mcl"), "func greet($who) {\n\t\"hello ${who}\"\n}\n").unwrap();
    let (mut c, uri) = start(dir.path());
    let text = "import \"lib.mcl\"\n$a = lib.greet(\"a\")\n$b = lib.greet(\"b\")\ntest [$a, $b] {}\n";
    open_clean(&mut c, &uri, text);
    // prepareRename on the call's name gives the name's range.
    let prep = c.request("textDocument/prepareRename", json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 10}}));
    assert_eq!(prep["placeholder"], "greet", "{prep}");
    let edit = c.request("textDocument/rename", json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 10}, "newName": "welcome"}));
    let changes = edit["changes"].as_object().expect("a workspace edit");
    let lib_uri = uri_of(&dir.path().join("lib.mcl"));
    assert_eq!(changes[&uri].as_array().map(Vec::len), Some(2), "both calls: {edit}");
    assert_eq!(changes[&lib_uri].as_array().map(Vec::len), Some(1), "the definition in lib.mcl: {edit}");
    assert_eq!(changes[&lib_uri][0]["range"]["start"], json!({"line": 0, "character": 5}));
    // From the definition's side (lib.mcl open): the importer's calls change too.
    c.open(&lib_uri, 1, "func greet($who) {\n\t\"hello ${who}\"\n}\n");
    let _ = c.diagnostics(&lib_uri, 1);
    let edit = c.request("textDocument/rename", json!({"textDocument": {"uri": lib_uri}, "position": {"line": 0, "character": 6}, "newName": "welcome"}));
    assert_eq!(edit["changes"][&uri].as_array().map(Vec::len), Some(2), "{edit}");
    // A parameter renames within its function; `$` is accepted in the new name.
    let edit = c.request("textDocument/rename", json!({"textDocument": {"uri": lib_uri}, "position": {"line": 0, "character": 12}, "newName": "$person"}));
    let edits = edit["changes"][&lib_uri].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{edit}");
    assert!(edits.iter().all(|e| e["newText"] == "person"));
    // Invalid names are refused with a reason.
    let id = c.request_async("textDocument/rename", json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 1}, "newName": "Bad-Name"}));
    let err = c.response(id);
    assert!(err["error"]["message"].as_str().unwrap_or("").contains("not a valid mcl name"), "{err}");
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn signature_help_follows_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    open_clean(&mut c, &uri, "import \"fmt\"\nfunc add($a int, $b int) int {\n\t$a + $b\n}\n$x = 1\n");
    // Half-typed calls: the call is not closed yet.
    c.notify("textDocument/didChange", json!({
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}}, "text": "$s = fmt.printf(\"%d\", \n$t = add(1, "}]
    }));
    let _ = c.diagnostics(&uri, 2);
    let help = c.request("textDocument/signatureHelp", json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 22}}));
    let sig = &help["signatures"][0];
    assert!(sig["label"].as_str().unwrap().starts_with("fmt.printf(format str"), "{help}");
    assert_eq!(help["activeParameter"], 1, "{help}");
    let help = c.request("textDocument/signatureHelp", json!({"textDocument": {"uri": uri}, "position": {"line": 6, "character": 12}}));
    assert_eq!(help["signatures"][0]["label"], "add(a int, b int) int", "{help}");
    assert_eq!(help["activeParameter"], 1);
    let none = c.request("textDocument/signatureHelp", json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 3}}));
    assert!(none.is_null(), "no call around `$x = 1`: {none}");
    let _ = c.request("shutdown", json!(null));
}

/// Decodes LSP semantic tokens into (line, start, length, type name).
fn decode_tokens(data: &Value, legend: &[String]) -> Vec<(u64, u64, u64, String)> {
    let d: Vec<u64> = data.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let (mut line, mut start) = (0, 0);
    let mut out = Vec::new();
    for t in d.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            start = t[1];
        } else {
            start += t[1];
        }
        out.push((line, start, t[2], legend[t[3] as usize].clone()));
    }
    out
}

#[test]
fn semantic_tokens_classify_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start();
    let caps = c.initialize(json!({}));
    let legend: Vec<String> = caps["semanticTokensProvider"]["legend"]["tokenTypes"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let uri = uri_of(&dir.path().join("main.mcl"));
    let text = "# a comment\n$dir = \"/tmp\"\nfunc f($p) {\n\t$p + \"x\"\n}\nfile \"${dir}/a\" {\n\tmode => \"0644\",\n\tcontent => f(\"$dir\"),\n}\n";
    open_clean(&mut c, &uri, text);
    let tokens = c.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}}));
    let t = decode_tokens(&tokens["data"], &legend);
    let at = |line: u64, start: u64| t.iter().find(|x| x.0 == line && x.1 == start).map(|x| x.3.as_str()).unwrap_or("none");
    assert_eq!(at(0, 0), "comment", "{t:?}");
    assert_eq!(at(1, 0), "variable", "$dir");
    assert_eq!(at(1, 7), "string");
    assert_eq!(at(2, 0), "keyword", "func");
    assert_eq!(at(2, 5), "function", "f");
    assert_eq!(at(2, 7), "parameter", "$p");
    assert_eq!(at(3, 1), "parameter", "$p in the body");
    assert_eq!(at(5, 0), "type", "file (a resource kind)");
    assert_eq!(at(5, 8), "variable", "dir interpolated inside the string");
    assert_eq!(at(6, 1), "property", "mode");
    assert_eq!(at(7, 12), "function", "f called");
    let range = c.request("textDocument/semanticTokens/range", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 5, "character": 0}, "end": {"line": 6, "character": 0}}}));
    let r = decode_tokens(&range["data"], &legend);
    assert!(!r.is_empty() && r.len() < t.len(), "{r:?}");
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn inlay_hints_show_inferred_types() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    let text = "$n = 3\n$typed str = \"x\"\n$double = func($v) {\n\t$v * 2\n}\ntest \"t\" {\n\tint64 => $double($n),\n\tanotherstr => $typed,\n}\n";
    open_clean(&mut c, &uri, text);
    let hints = c.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}));
    let shown: Vec<(i64, String)> = hints.as_array().unwrap().iter().map(|h| (h["position"]["line"].as_i64().unwrap(), h["label"].as_str().unwrap().to_string())).collect();
    assert!(shown.contains(&(0, "int".into())), "{shown:?}");
    assert!(shown.contains(&(2, "func(int) int".into())) || shown.contains(&(2, "func(v int) int".into())), "{shown:?}");
    assert!(shown.contains(&(2, "int".into())), "the lambda parameter: {shown:?}");
    assert!(!shown.iter().any(|(l, _)| *l == 1), "a bind with a written type gets no hint: {shown:?}");
    let first = &hints[0];
    assert_eq!(first["textEdits"][0]["newText"], " int", "double-click writes the type: {first}");
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn folding_ranges_cover_blocks_and_comments() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    let text = "# one\n# two\n# three\nimport \"fmt\"\nimport \"os\"\nif true {\n\ttest \"a\" {\n\t\tanotherstr => \"x\",\n\t}\n}\n$l = [\n\t\"a\",\n\t\"b\",\n]\n";
    c.open(&uri, 1, text);
    let _ = c.diagnostics(&uri, 1);
    let ranges = c.request("textDocument/foldingRange", json!({"textDocument": {"uri": uri}}));
    let got: Vec<(i64, i64, String)> = ranges
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["startLine"].as_i64().unwrap(), r["endLine"].as_i64().unwrap(), r["kind"].as_str().unwrap_or("").to_string()))
        .collect();
    for want in [(0, 2, "comment"), (3, 4, "imports"), (5, 8, ""), (6, 7, ""), (10, 12, "")] {
        assert!(got.contains(&(want.0, want.1, want.2.to_string())), "{want:?} in {got:?}");
    }
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn code_actions_fix_names_imports_and_interpolation() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    // A misspelt field, a missing import, and a literal `$name` in a string.
    let text = "$name = \"world\"\ntest \"t\" {\n\tanotherstrr => fmt.printf(\"hi %s\", $name),\n}\ntest \"u\" {\n\tanotherstr => \"hello $name\",\n}\n";
    c.open(&uri, 1, text);
    let d = c.diagnostics(&uri, 1);
    assert!(!d.is_empty());
    let actions_at = |c: &mut Client, line: i64, ch: i64| {
        let r = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": line, "character": ch}, "end": {"line": line, "character": ch}}, "context": {"diagnostics": []}}));
        r.as_array().cloned().unwrap_or_default()
    };
    let a = actions_at(&mut c, 2, 16);
    let import = a.iter().find(|a| a["title"] == "add `import \"fmt\"`").unwrap_or_else(|| panic!("an add-import fix: {a:?}"));
    assert_eq!(import["kind"], "quickfix");
    let e = &import["edit"]["changes"][&uri][0];
    assert_eq!(e["newText"], "import \"fmt\"\n\n");
    assert_eq!(e["range"]["start"], json!({"line": 0, "character": 0}));
    // Apply it: now the field's did-you-mean remains.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": e["range"], "text": "import \"fmt\"\n\n"}]}));
    let d = c.diagnostics(&uri, 2);
    assert_eq!(d.len(), 1, "{d:?}");
    let a = actions_at(&mut c, 4, 3);
    let field = a.iter().find(|a| a["title"] == "replace with `anotherstr`").unwrap_or_else(|| panic!("a did-you-mean fix: {a:?}"));
    assert_eq!(field["edit"]["changes"][&uri][0]["range"]["start"], json!({"line": 4, "character": 1}));
    assert_eq!(field["isPreferred"], true);
    // "$name" in a string: offer "${name}".
    let a = actions_at(&mut c, 7, 24);
    let interp = a.iter().find(|a| a["title"].as_str().unwrap_or("").starts_with("Interpolate `$name`")).unwrap_or_else(|| panic!("{a:?}"));
    assert_eq!(interp["edit"]["changes"][&uri][0]["newText"], "${name}");
    // "Show resource graph" is disabled while the file has errors…
    let graph = a.iter().find(|a| a["title"] == "Show resource graph").expect("the graph action");
    assert!(graph["disabled"]["reason"].as_str().unwrap_or("").contains("error"), "{graph}");
    // …and works once it is fixed: the command returns the graph.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"range": {"start": {"line": 4, "character": 1}, "end": {"line": 4, "character": 12}}, "text": "anotherstr"}]}));
    assert!(c.diagnostics(&uri, 3).is_empty());
    let a = actions_at(&mut c, 0, 0);
    let graph = a.iter().find(|a| a["title"] == "Show resource graph").expect("the graph action");
    assert!(graph.get("disabled").is_none_or(Value::is_null), "{graph}");
    let id = c.request_async("workspace/executeCommand", json!({"command": graph["command"]["command"], "arguments": graph["command"]["arguments"], "workDoneToken": "g1"}));
    let begin = c.wait_for(|m| m["method"] == "$/progress" && m["params"]["token"] == "g1");
    assert_eq!(begin["params"]["value"]["kind"], "begin");
    let result = c.response(id)["result"].clone();
    assert_eq!(result["text"], "Vertex: test[t]\nVertex: test[u]\n", "{result}");
    assert_eq!(result["graph"]["vertices"][0]["params"]["anotherstr"], "hi world");
    let lenses = c.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    assert_eq!(lenses[0]["command"]["command"], "mcl.showGraph");
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn importers_are_rechecked_when_a_module_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lib.mcl"), "$greeting = \"hi\"\n").unwrap();
    let (mut c, uri) = start(dir.path());
    open_clean(&mut c, &uri, "import \"lib.mcl\"\ntest \"t\" {\n\tanotherstr => $lib.greeting,\n}\n");
    let lib = uri_of(&dir.path().join("lib.mcl"));
    open_clean(&mut c, &lib, "$greeting = \"hi\"\n");
    // Make the module's value an int: the importer's field now has a type error.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": lib, "version": 2}, "contentChanges": [{"text": "$greeting = 42\n"}]}));
    let d = c.wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && !m["params"]["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(d["params"]["diagnostics"][0]["range"]["start"]["line"], 2, "{d}");
    // Fix it again: the importer is clean.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": lib, "version": 3}, "contentChanges": [{"text": "$greeting = \"hey\"\n"}]}));
    c.wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["diagnostics"].as_array().unwrap().is_empty());
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn settings_and_unknown_commands() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start();
    let caps = c.initialize(json!({"mcl": {"etcd": {"endpoints": ["http://127.0.0.1:1"]}}}));
    let commands = caps["executeCommandProvider"]["commands"].as_array().unwrap();
    assert!(commands.iter().any(|v| v == "mcl.showGraph"), "{caps}");
    // The server asks for the `mcl` section of the settings.
    let ask = c.wait_for(|m| m["method"] == "workspace/configuration");
    assert_eq!(ask["params"]["items"][0]["section"], "mcl");
    c.send(json!({"jsonrpc": "2.0", "id": ask["id"], "result": [{"etcd": {"endpoints": ["http://127.0.0.1:2"]}}]}));
    let id = c.request_async("workspace/executeCommand", json!({"command": "mcl.nope", "arguments": []}));
    let err = c.response(id);
    assert!(err["error"]["message"].as_str().unwrap_or("").contains("unknown command `mcl.nope`"), "{err}");
    let id = c.request_async("workspace/executeCommand", json!({"command": "mcl.showGraph", "arguments": [uri_of(&dir.path().join("absent.mcl"))]}));
    let err = c.response(id);
    assert!(err["error"]["message"].as_str().unwrap_or("").contains("can't be read"), "{err}");
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn garbage_and_cancellation_do_not_hurt_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    let garbage = "}{ $ => [ \"\\q ${ func class ( -> <|> \u{1F600} \t\r\n\0 if else forkv $$ #\n";
    c.open(&uri, 1, garbage);
    assert!(!c.diagnostics(&uri, 1).is_empty());
    // Every request on every position of the garbage answers (null or a value), never an error.
    let lines = garbage.lines().count() as i64 + 1;
    for line in 0..lines {
        for ch in 0..40 {
            let pos = json!({"line": line, "character": ch});
            for method in ["textDocument/hover", "textDocument/completion", "textDocument/signatureHelp", "textDocument/definition", "textDocument/documentHighlight", "textDocument/prepareRename"] {
                let id = c.request_async(method, json!({"textDocument": {"uri": uri}, "position": pos}));
                let r = c.response(id);
                assert!(r.get("error").is_none(), "{method} at {pos}: {r}");
            }
        }
    }
    for method in ["textDocument/semanticTokens/full", "textDocument/foldingRange", "textDocument/documentSymbol", "textDocument/codeLens"] {
        let id = c.request_async(method, json!({"textDocument": {"uri": uri}}));
        assert!(c.response(id).get("error").is_none(), "{method}");
    }
    // A cancelled request still gets a response (the cancellation error or its result).
    let id = c.request_async("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}}));
    c.notify("$/cancelRequest", json!({"id": id}));
    let r = c.response(id);
    assert!(r.get("result").is_some() || r["error"]["code"] == -32800, "{r}");
    // Still alive.
    let caps = c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}));
    let _ = caps;
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn completion_of_imports_edges_and_resource_snippets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lib.mcl"), "$x = 1\n").unwrap();
    std::fs::create_dir(dir.path().join("web")).unwrap();
    let (mut c, uri) = start(dir.path());
    c.open(&uri, 1, "import \"go\nfile \"/tmp/a\" {\n\tNotify => \n}\nfile \"/tmp/a\" -> \n\n");
    let _ = c.diagnostics(&uri, 1);
    let items = |c: &mut Client, line: i64, ch: i64| -> Vec<Value> {
        c.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": ch}})).as_array().cloned().unwrap_or_default()
    };
    let imports = items(&mut c, 0, 10);
    let labels: Vec<&str> = imports.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"golang/strings") && labels.contains(&"lib.mcl") && labels.contains(&"web/"), "{labels:?}");
    let strings = imports.iter().find(|i| i["label"] == "golang/strings").unwrap();
    assert_eq!(strings["textEdit"]["range"]["start"], json!({"line": 0, "character": 8}), "replaces what is typed after the quote");
    for (line, ch) in [(2, 11), (4, 17)] {
        let edges = items(&mut c, line, ch);
        let svc = edges.iter().find(|i| i["label"] == "Svc").unwrap_or_else(|| panic!("edge kinds at {line}:{ch}: {edges:?}"));
        assert_eq!(svc["insertText"], "Svc[\"$1\"]");
    }
    let kinds = items(&mut c, 5, 0);
    let file = kinds.iter().find(|i| i["label"] == "file").expect("file snippet");
    let snippet = file["insertText"].as_str().unwrap();
    assert!(snippet.contains("state => ${2:\\$const.res.file.state.exists}") && snippet.contains("content =>"), "{snippet}");
    let _ = c.request("shutdown", json!(null));
}

#[test]
fn hover_on_kinds_fields_meta_and_constants() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, uri) = start(dir.path());
    let text = "import \"fmt\"\nfile \"/tmp/a\" {\n\tstate => $const.res.file.state.exists,\n\tMeta:retry => 3,\n\tcontent => fmt.printf(\"%d\", 1),\n}\n";
    open_clean(&mut c, &uri, text);
    let hover = |c: &mut Client, line: i64, ch: i64| -> String {
        let h = c.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": ch}}));
        h["contents"]["value"].as_str().unwrap_or("").to_string()
    };
    let kind = hover(&mut c, 1, 1);
    assert!(kind.contains("file resource") && kind.contains("`content`: `str`"), "{kind}");
    let field = hover(&mut c, 2, 3);
    assert!(field.contains("state: str") && field.contains("field of `file`"), "{field}");
    let constant = hover(&mut c, 2, 20);
    assert!(constant.contains("$const.res.file.state.exists: str") && constant.contains("value: `\"exists\"`"), "{constant}");
    let meta = hover(&mut c, 3, 8);
    assert!(meta.contains("Meta:retry: int") && meta.contains("default"), "{meta}");
    let func = hover(&mut c, 4, 16);
    assert!(func.contains("fmt.printf: func(format str") && func.contains("module `fmt`"), "{func}");
    let _ = c.request("shutdown", json!(null));
}

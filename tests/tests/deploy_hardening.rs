//! The hardening of `docs/security.md`, through the `mclc` binary: deploy limits enforced by
//! the agent before fetching and by the deployer before storing, a private state directory,
//! symbolic links out of the deployed tree refused, the etcd password kept from the deploys'
//! commands, an agent working under an etcd role limited to what it needs, and a warning for
//! plaintext etcd over the network. Tests that need etcd skip when it is not installed.

use mcl_tests::etcd::{Agent, Cluster, mclc_in, printer, put_deploy, sha256_hex, wait_state, write};
use mcl_tests::run::wait_for;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).map(|m| m.permissions().mode() & 0o7777).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_agent_refuses_limits_before_fetching_and_bogus_blob_records() {
    let _guard = serial();
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    let h1 = Agent::start(&ep, "h1", &[]);
    assert!(h1.registered(), "{}", h1.stderr());

    // A file over the per-file limit: rejected from the manifest alone (no blob is stored).
    let fake = sha256_hex(b"never stored");
    put_deploy(&cluster, 1, "main.mcl", &[("main.mcl", &fake, 300 * 1024 * 1024)]);
    let s = wait_state(&ep, "h1", 1, "failed");
    let d = s["diagnostics"][0].as_str().unwrap_or("");
    assert!(d.contains("deploy 1 is rejected") && d.contains("300.0 MiB") && d.contains("64.0 MiB"), "{s}");

    // Too many files.
    let many: Vec<(String, String)> = (0..10_001).map(|i| (format!("files/{i:05}"), fake.clone())).collect();
    let mut files: Vec<(&str, &str, u64)> = vec![("main.mcl", fake.as_str(), 1)];
    files.extend(many.iter().map(|(p, s)| (p.as_str(), s.as_str(), 1)));
    put_deploy(&cluster, 2, "main.mcl", &files);
    let s = wait_state(&ep, "h1", 2, "failed");
    assert!(s["diagnostics"][0].as_str().unwrap_or("").contains("10002 files, more than the 10000"), "{s}");

    // A blob record claiming a million chunks for a small file: refused before reading them.
    let good = printer("v3");
    let good_sha = sha256_hex(good.as_bytes());
    cluster.ctl(&["put", &format!("/mcl/chunks/{good_sha}/0000")], Some(good.as_bytes()));
    cluster.ctl(&["put", &format!("/mcl/blobs/{good_sha}")], Some(format!("{{\"size\":{},\"chunks\":1000000,\"created_at\":\"x\"}}", good.len()).as_bytes()));
    put_deploy(&cluster, 3, "main.mcl", &[("main.mcl", &good_sha, good.len() as u64)]);
    let s = wait_state(&ep, "h1", 3, "failed");
    let d = s["diagnostics"][0].as_str().unwrap_or("");
    assert!(d.contains("in 1000000 chunks") && d.contains("the manifest says"), "{s}");
    assert!(!h1.stdout().contains("v3 on h1"), "{}", h1.stdout());

    // The agent is fine: a real deploy goes through.
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", &printer("v4"));
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", &main], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(wait_for(Duration::from_secs(5), || h1.stdout().contains("v4 on h1")).is_some(), "{}", h1.stdout());

    // Materialised deploys are private: the state directory 0700, files 0644, nothing else.
    let state = h1.dir.path().join("state");
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&state.join("deploys/4/main.mcl")), 0o644);
    drop(h1);
}

#[test]
fn the_deployer_refuses_what_agents_would_reject_before_connecting() {
    let _guard = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", &printer("big"));
    // Nothing listens on port 1: a refusal here happens before any connection.
    let nowhere = "http://127.0.0.1:1";
    std::fs::create_dir_all(dir.path().join("files")).expect("mkdir");
    std::fs::File::create(dir.path().join("files/big")).expect("create").set_len(64 * 1024 * 1024 + 1).expect("grow");
    let out = mclc_in(dir.path(), &["deploy", "--etcd", nowhere, &main], &[]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("agents would reject this deploy") && out.stderr.contains("files/big"), "{}", out.stderr);
    assert!(!out.stderr.contains("cannot reach"), "{}", out.stderr);
}

#[test]
fn the_deployer_refuses_symbolic_links_out_of_the_deployed_tree() {
    let _guard = serial();
    let outside = tempfile::tempdir().expect("tmp");
    let secret = write(outside.path(), "id_rsa", "PRIVATE KEY\n");
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", &printer("links"));
    write(dir.path(), "files/motd", "hello\n");
    let nowhere = "http://127.0.0.1:1";

    // A link inside the tree is fine (the refusal is then only that etcd is not there).
    std::os::unix::fs::symlink("motd", dir.path().join("files/motd2")).expect("symlink");
    let out = mclc_in(dir.path(), &["deploy", "--etcd", nowhere, &main], &[]);
    assert!(out.stderr.contains("cannot reach etcd"), "{}", out.all());

    // A link to a file outside, and a link to a directory outside, are refused and named.
    std::os::unix::fs::symlink(&secret, dir.path().join("files/key")).expect("symlink");
    let out = mclc_in(dir.path(), &["deploy", "--etcd", nowhere, &main], &[]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("files/key") && out.stderr.contains("outside the deploy root"), "{}", out.stderr);
    std::fs::remove_file(dir.path().join("files/key")).expect("rm");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("files/etc")).expect("symlink");
    let out = mclc_in(dir.path(), &["deploy", "--etcd", nowhere, &main], &[]);
    assert!(out.stderr.contains("files/etc") && out.stderr.contains("outside the deploy root"), "{}", out.stderr);
    std::fs::remove_file(dir.path().join("files/etc")).expect("rm");

    // A module whose metadata.yaml names a `files:` directory outside the root.
    write(dir.path(), "metadata.yaml", &format!("main: main.mcl\nfiles: {}\n", outside.path().display()));
    let out = mclc_in(dir.path(), &["deploy", "--etcd", nowhere, &main], &[]);
    assert!(out.stderr.contains("outside the deploy root"), "{}", out.all());
}

#[test]
fn the_agent_refuses_a_state_directory_others_can_change() {
    let _guard = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let nowhere = "http://127.0.0.1:1";
    // Below a directory every user can write to (no sticky bit).
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).expect("mkdir");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let state = shared.join("state");
    let out = mclc_in(dir.path(), &["agent", "--etcd", nowhere, "--hostname", "h1", "--state-dir", &state.to_string_lossy()], &[]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("is not private") && out.stderr.contains("writable by other users"), "{}", out.stderr);
    assert!(!out.stderr.contains("cannot reach"), "refused before connecting: {}", out.stderr);

    // Owned by another user (a directory pre-created by someone else): only testable as root.
    let root = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").expect("/proc/self")) == 0;
    if root {
        let theirs = dir.path().join("theirs");
        std::fs::create_dir(&theirs).expect("mkdir");
        std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).expect("chown");
        let out = mclc_in(dir.path(), &["agent", "--etcd", nowhere, "--hostname", "h1", "--state-dir", &theirs.to_string_lossy()], &[]);
        assert_eq!(out.code, Some(2), "{}", out.all());
        assert!(out.stderr.contains("is owned by user 65534"), "{}", out.stderr);
    }

    // A private one of ours is used (and made 0700); the refusal is then only the missing etcd.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).expect("mkdir");
    std::fs::set_permissions(&mine, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = mclc_in(dir.path(), &["agent", "--etcd", nowhere, "--hostname", "h1", "--state-dir", &mine.to_string_lossy()], &[]);
    assert!(out.stderr.contains("cannot reach etcd"), "{}", out.all());
    assert_eq!(mode(&mine), 0o700);
}

#[test]
fn plaintext_etcd_over_the_network_is_warned_about() {
    let _guard = serial();
    let dir = tempfile::tempdir().expect("tmp");
    // 192.0.2.1 is TEST-NET-1: nothing answers, but the warning comes first.
    let out = mclc_in(dir.path(), &["status", "--etcd", "http://192.0.2.1:2379", "--etcd-user", "alice"], &[("MCL_ETCD_PASSWORD", "s3cret")]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains("warning: etcd at http://192.0.2.1:2379 is reached without TLS"), "{}", out.stderr);
    assert!(out.stderr.contains("password of --etcd-user crosses the network"), "{}", out.stderr);
    assert!(!out.all().contains("s3cret"), "{}", out.all());
    // Loopback is not warned about.
    let out = mclc_in(dir.path(), &["status", "--etcd", "http://127.0.0.1:1"], &[]);
    assert!(!out.stderr.contains("without TLS"), "{}", out.stderr);
}

/// The recommended production roles (docs/security.md): the agent `h1` may read the prefix
/// and write only its own registration, status and exports and the shared world; it runs
/// deploys but cannot make one, and its commands don't see its password.
#[test]
fn an_agent_under_a_least_privilege_role_without_its_password_in_commands() {
    let _guard = serial();
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    cluster.ctl(&["user", "add", "root:rootpw", "--interactive=false"], None);
    cluster.ctl(&["role", "add", "mcl-deployer"], None);
    cluster.ctl(&["role", "grant-permission", "mcl-deployer", "--prefix=true", "readwrite", "/mcl/"], None);
    cluster.ctl(&["user", "add", "alice:deploy-pw", "--interactive=false"], None);
    cluster.ctl(&["user", "grant-role", "alice", "mcl-deployer"], None);
    cluster.ctl(&["role", "add", "mcl-agent-h1"], None);
    cluster.ctl(&["role", "grant-permission", "mcl-agent-h1", "--prefix=true", "read", "/mcl/"], None);
    cluster.ctl(&["role", "grant-permission", "mcl-agent-h1", "readwrite", "/mcl/hosts/h1"], None);
    cluster.ctl(&["role", "grant-permission", "mcl-agent-h1", "readwrite", "/mcl/status/h1"], None);
    cluster.ctl(&["role", "grant-permission", "mcl-agent-h1", "--prefix=true", "readwrite", "/mcl/world/exported/h1/"], None);
    cluster.ctl(&["role", "grant-permission", "mcl-agent-h1", "--prefix=true", "readwrite", "/mcl/world/values/"], None);
    cluster.ctl(&["role", "grant-permission", "mcl-agent-h1", "--prefix=true", "readwrite", "/mcl/world/ns/"], None);
    cluster.ctl(&["user", "add", "h1:agent-pw", "--interactive=false"], None);
    cluster.ctl(&["user", "grant-role", "h1", "mcl-agent-h1"], None);
    cluster.ctl(&["auth", "enable"], None);

    let h1 = Agent::start_env(&ep, "h1", &["--etcd-user", "h1"], &[("MCL_ETCD_PASSWORD", "agent-pw")]);
    assert!(h1.registered(), "{}", h1.stderr());
    let env_file = h1.dir.path().join("env");
    let dir = tempfile::tempdir().expect("tmp");
    let program = format!(
        "import \"world\"\n\nkv \"role\" {{\n\tkey => \"role\",\n\tvalue => \"agent\",\n}}\n\nexec \"env\" {{\n\tcmd => \"/bin/sh\",\n\targs => [\"-c\", \"env > {}\"],\n}}\n\n$v = world.getval(\"role\")\n$val = $v->value\nprint \"v\" {{\n\tmsg => \"world ${{val}}\",\n}}\n",
        env_file.display()
    );
    let main = write(dir.path(), "main.mcl", &program);
    let deployer = [("MCL_ETCD_PASSWORD", "deploy-pw")];
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--etcd-user", "alice", "--wait", &main], &deployer);
    assert_eq!(out.code, Some(0), "{}\nagent:\n{}", out.all(), h1.stderr());
    assert!(out.stdout.contains("h1: converged"), "{}", out.stdout);
    assert!(wait_for(Duration::from_secs(5), || h1.stdout().contains("world agent")).is_some(), "{}\n{}", h1.stdout(), h1.stderr());

    // The command ran, without the agent's password in its environment.
    let env = std::fs::read_to_string(&env_file).expect("the exec wrote its environment");
    assert!(env.contains("PATH=") && !env.contains("agent-pw") && !env.contains("MCL_ETCD_PASSWORD"), "{env}");
    // The password is in no log and no status.
    let status = mclc_in(dir.path(), &["status", "--etcd", &ep, "--etcd-user", "alice", "--format", "json"], &deployer);
    assert!(status.stdout.contains("converged") && !status.stdout.contains("agent-pw"), "{}", status.all());
    assert!(!h1.stderr().contains("agent-pw") && !h1.stdout().contains("agent-pw"));
    // Loopback, so no plaintext warning.
    assert!(!h1.stderr().contains("without TLS"), "{}", h1.stderr());

    // The agent's credentials can't make a deploy, nor speak for another host.
    let mut ctl = cluster.etcdctl();
    ctl.args(["--user", "h1:agent-pw", "put", "/mcl/head", "{\"id\":99,\"content\":\"x\"}"]);
    let put = ctl.output().expect("etcdctl");
    assert!(!put.status.success() && String::from_utf8_lossy(&put.stderr).contains("permission denied"), "{put:?}");
    let mut ctl = cluster.etcdctl();
    ctl.args(["--user", "h1:agent-pw", "put", "/mcl/status/h2", "{}"]);
    assert!(!ctl.output().expect("etcdctl").status.success());
    let mut h1 = h1;
    assert_eq!(h1.terminate(), Some(0), "{}", h1.stderr());
}

/// True when `text` holds a character a terminal would act on or that reorders what a line
/// shows: ESC, BEL, CR, DEL, C1 controls (CSI U+009B, NEL U+0085) and bidi overrides.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars().filter(|&c| (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')).collect()
}

/// A compromised agent controls its registration and status records (its host name, its
/// diagnostics, its timestamps) and a deployer the manifest's author: `mclc status`,
/// `mclc deploy --wait` and `mclc deploy log` print escape sequences and bidi overrides in
/// them escaped (`\u{1b}`), never raw; `--format json` keeps them exact.
#[test]
fn escape_sequences_from_etcd_are_not_printed_raw() {
    let _guard = serial();
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    let host = "ev\x1b[2Kil";
    let diagnostic = "main.mcl:1:1: \x1b[31mred\x1b]0;pwned\x07 \rover \u{9b}2J \u{85}next \u{202e}exe.txt\u{2066}\x7f";
    let registration = serde_json::json!({"host": host, "machine": "m", "pid": 1, "started_at": "2025-01-01T00:00:00.000Z", "version": "0"});
    cluster.ctl(&["put", &format!("/mcl/hosts/{host}")], Some(registration.to_string().as_bytes()));
    let status = serde_json::json!({
        "host": host, "deploy": 1, "state": "failed", "running": null,
        "since": "2025\x1b[1A", "updated_at": "2025-01-01T00:00:00.000Z", "diagnostics": [diagnostic],
    });
    cluster.ctl(&["put", &format!("/mcl/status/{host}")], Some(status.to_string().as_bytes()));
    let dir = tempfile::tempdir().expect("tmp");

    let out = mclc_in(dir.path(), &["status", "--etcd", &ep], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(!out.all().contains('\x1b') && raw_controls(&out.all()).is_empty(), "raw {:?} in {:?}", raw_controls(&out.all()), out.all());
    let line = out.stdout.lines().find(|l| l.starts_with("ev\\u{1b}[2Kil")).unwrap_or_else(|| panic!("no line for the host: {:?}", out.stdout));
    assert!(line.contains("failed") && line.contains("2025\\u{1b}[1A"), "{line:?}");
    assert!(line.contains("\\u{1b}[31mred\\u{1b}]0;pwned\\u{7} \\u{d}over \\u{9b}2J \\u{85}next \\u{202e}exe.txt\\u{2066}\\u{7f}"), "{line:?}");

    // JSON is exact (the JSON encoder escapes what needs it).
    let out = mclc_in(dir.path(), &["status", "--etcd", &ep, "--format", "json"], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    let doc = out.json();
    assert_eq!(doc["hosts"][0]["host"], host, "{doc}");
    assert_eq!(doc["hosts"][0]["diagnostics"][0], diagnostic, "{doc}");

    // `mclc deploy --wait`: the fake host has already "failed" deploy 1, which this is.
    let main = write(dir.path(), "main.mcl", &printer("esc"));
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", "--timeout", "10", &main], &[]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(raw_controls(&out.all()).is_empty(), "raw {:?} in {:?}", raw_controls(&out.all()), out.all());
    assert!(out.stdout.contains("ev\\u{1b}[2Kil: failed: main.mcl:1:1: \\u{1b}[31mred"), "{:?}", out.stdout);
    assert!(out.stderr.contains("failed on ev\\u{1b}[2Kil"), "{:?}", out.stderr);

    // `mclc deploy log`: the manifest's author (not covered by the content hash).
    let key = "/mcl/deploys/0000000001";
    let mut manifest: serde_json::Value = serde_json::from_str(cluster.ctl(&["get", "--print-value-only", key], None).trim()).expect("the manifest");
    manifest["author"] = serde_json::json!("mal\x1b[8mlory\u{202e}");
    cluster.ctl(&["put", key], Some(manifest.to_string().as_bytes()));
    let out = mclc_in(dir.path(), &["deploy", "log", "--etcd", &ep], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(raw_controls(&out.all()).is_empty(), "raw {:?} in {:?}", raw_controls(&out.all()), out.all());
    assert!(out.stdout.contains("mal\\u{1b}[8mlory\\u{202e}"), "{:?}", out.stdout);
}

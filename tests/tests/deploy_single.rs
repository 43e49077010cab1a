//! `mclc deploy`, `agent`, `status`, `deploy log|prune` against a real one-member etcd started
//! on a free loopback port (skipped when etcd is not installed). Also the errors that need no
//! cluster: an unreachable endpoint, a program that does not type-check, the help.

use mcl_tests::etcd::{Agent, Cluster, mclc_in, printer, put_deploy, sha256_hex, wait_state, write};
use mcl_tests::run::wait_for;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// One cluster test at a time: the machine has two cores.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

#[test]
fn help_lists_the_deploy_commands() {
    let out = mclc_in(Path::new("."), &["--help"], &[]);
    for cmd in ["deploy", "agent", "status"] {
        assert!(out.stdout.contains(&format!("  {cmd}")), "mclc --help lacks {cmd}:\n{}", out.stdout);
    }
    let out = mclc_in(Path::new("."), &["deploy", "--help"], &[]);
    assert!(out.stdout.contains("log") && out.stdout.contains("prune") && out.stdout.contains("MCL_ETCD_ENDPOINTS"), "{}", out.stdout);
}

#[test]
fn unreachable_etcd_names_the_endpoint() {
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", &printer("v1"));
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
    let url = format!("http://127.0.0.1:{port}");
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &url, &main], &[]);
    assert_eq!(out.code, Some(2), "{}", out.all());
    assert!(out.stderr.contains(&format!("cannot reach etcd at {url}: connection refused — is etcd running")), "{}", out.stderr);
    let out = mclc_in(dir.path(), &["status"], &[("MCL_ETCD_ENDPOINTS", &url)]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains(&url), "{}", out.stderr);
    let out = mclc_in(dir.path(), &["status"], &[]);
    assert!(out.stderr.contains("--etcd") && out.stderr.contains("MCL_ETCD_ENDPOINTS"), "{}", out.stderr);
}

#[test]
fn a_program_with_type_errors_is_refused_before_connecting() {
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", "print \"x\" {\n\tmsg => 3,\n}\n");
    let out = mclc_in(dir.path(), &["deploy", "--etcd", "http://127.0.0.1:1", &main], &[]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.stderr.contains("main.mcl:2:9: error[unify]"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was deployed"), "{}", out.stderr);
}

#[test]
fn deploy_status_log_prune_and_duplicate_hosts() {
    let _guard = serial();
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", &printer("v1"));
    write(dir.path(), "files/motd", "hello\n");
    let h1 = Agent::start(&ep, "h1", &[]);
    assert!(wait_for(Duration::from_secs(10), || h1.stderr().contains("registered")).is_some(), "{}", h1.stderr());

    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", &main], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("deployed 1: main.mcl (2 files, 2 uploaded; no git)"), "{}", out.stdout);
    assert!(out.stdout.contains("h1: converged"), "{}", out.stdout);
    assert!(wait_for(Duration::from_secs(2), || h1.stdout().contains("print[version]: v1 on h1")).is_some(), "{}", h1.stdout());
    // The module's files/ came along.
    assert_eq!(std::fs::read_to_string(h1.dir.path().join("state/deploys/1/files/motd")).ok().as_deref(), Some("hello\n"));

    // The same content again: nothing new.
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, &main], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("already deployed: deploy 1"), "{}", out.stdout);
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--force", &main], &[]);
    assert!(out.stdout.contains("deployed 2:") && out.stdout.contains("0 uploaded"), "{}", out.all());

    // A second agent claiming h1 is refused, naming the holder.
    let out = mclc_in(dir.path(), &["agent", "--etcd", &ep, "--hostname", "h1", "--state-dir", &dir.path().join("dup").to_string_lossy()], &[]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.stderr.contains("another agent already runs as host `h1`") && out.stderr.contains(&format!("pid {}", h1.pid())), "{}", out.stderr);

    write(dir.path(), "main.mcl", &printer("v3"));
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", &main], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    let s = wait_state(&ep, "h1", 3, "converged");
    assert_eq!(s["live"], true);
    assert_eq!(s["running"], 3);
    let text = mclc_in(dir.path(), &["status", "--etcd", &ep], &[]);
    assert!(text.stdout.contains("newest deploy: 3") && text.stdout.contains("converged"), "{}", text.stdout);

    let log = mclc_in(dir.path(), &["deploy", "log", "--etcd", &ep], &[]);
    assert_eq!(log.code, Some(0), "{}", log.all());
    let lines: Vec<&str> = log.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", log.stdout);
    assert!(lines[0].trim_start().starts_with("3 ") && lines[2].trim_start().starts_with("1 "), "{}", log.stdout);
    let json = mclc_in(dir.path(), &["deploy", "log", "--etcd", &ep, "--format", "json"], &[]).json();
    assert_eq!(json[0]["entry"], "main.mcl");
    assert_eq!(json[0]["files"].as_array().map(Vec::len), Some(2));

    let out = mclc_in(dir.path(), &["deploy", "prune", "--etcd", &ep, "--keep", "1"], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("deleted 2 deploys (1 2) and 1 unused file") && out.stdout.contains("kept 3"), "{}", out.stdout);
    let log = mclc_in(dir.path(), &["deploy", "log", "--etcd", &ep], &[]);
    assert_eq!(log.stdout.lines().count(), 1, "{}", log.stdout);
    // The kept deploy is still whole: a new agent can run it.
    let h2 = Agent::start(&ep, "h2", &[]);
    assert!(wait_for(Duration::from_secs(10), || h2.stdout().contains("print[version]: v3 on h2")).is_some(), "{}\n{}", h2.stdout(), h2.stderr());
    drop(h2);
    drop(h1);
    drop(cluster);
}

#[test]
fn a_failing_host_shows_failed_and_wait_exits_1() {
    let _guard = serial();
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    let dir = tempfile::tempdir().expect("tmp");
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    // h2 writes below a regular file: that can't work.
    std::fs::write(out_dir.join("blocker"), "").expect("write");
    let program = format!(
        "import \"sys\"\n\n$h = sys.hostname()\n$p = if $h == \"h2\" {{\n\t\"{d}/blocker/x\"\n}} else {{\n\t\"{d}/ok-${{h}}\"\n}}\nfile $p {{\n\tstate => $const.res.file.state.exists,\n\tcontent => \"hi\\n\",\n}}\n",
        d = out_dir.display()
    );
    let main = write(dir.path(), "main.mcl", &program);
    let agents: Vec<Agent> = ["h1", "h2"].iter().map(|h| Agent::start(&ep, h, &[])).collect();
    for a in &agents {
        assert!(wait_for(Duration::from_secs(10), || a.stderr().contains("registered")).is_some(), "{}", a.stderr());
    }
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", "--timeout", "30", &main], &[]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.stdout.contains("h1: converged"), "{}", out.stdout);
    assert!(out.stdout.contains("h2: failed: main.mcl:"), "{}", out.stdout);
    assert!(out.stderr.contains("deploy 1 failed on h2"), "{}", out.stderr);
    assert!(out_dir.join("ok-h1").is_file());
    let s = wait_state(&ep, "h2", 1, "failed");
    let first = s["diagnostics"][0].as_str().unwrap_or("");
    assert!(first.starts_with("main.mcl:9:1: file[") && first.contains("blocker/x"), "{s}");
    let text = mclc_in(dir.path(), &["status", "--etcd", &ep], &[]);
    let h2_line = text.stdout.lines().find(|l| l.starts_with("h2")).unwrap_or("");
    assert!(h2_line.contains("failed") && h2_line.contains("main.mcl:9:1"), "{}", text.stdout);
    drop(agents);
    drop(cluster);
}

/// Agents h1 and h2 (with `extra` arguments), registered, then `main` deployed with --wait.
fn agents_and_deploy(ep: &str, dir: &Path, main: &str, extra: &[&str]) -> Vec<Agent> {
    let agents: Vec<Agent> = ["h1", "h2"].iter().map(|h| Agent::start(ep, h, extra)).collect();
    for a in &agents {
        assert!(a.registered(), "{}", a.stderr());
    }
    let out = mclc_in(dir, &["deploy", "--etcd", ep, "--wait", main], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    agents
}

/// A one-member cluster, agents h1 and h2 (with `extra` arguments), and `program` deployed.
fn two_agents_running(program: &str, extra: &[&str]) -> Option<(Cluster, String, Vec<Agent>)> {
    let cluster = Cluster::start(1)?;
    let ep = cluster.endpoints();
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", program);
    let agents = agents_and_deploy(&ep, dir.path(), &main, extra);
    Some((cluster, ep, agents))
}

/// A one-member cluster, agent h1, and deploy 1 (`v1`) converged on it.
fn first_deploy() -> Option<(Cluster, String, tempfile::TempDir, String, Agent)> {
    let cluster = Cluster::start(1)?;
    let ep = cluster.endpoints();
    let dir = tempfile::tempdir().expect("tmp");
    let main = write(dir.path(), "main.mcl", &printer("v1"));
    let h1 = Agent::start(&ep, "h1", &[]);
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", &main], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    Some((cluster, ep, dir, main, h1))
}

#[test]
fn hand_written_bad_manifests_are_rejected_and_the_previous_deploy_keeps_running() {
    let _guard = serial();
    let Some((cluster, ep, dir, main, h1)) = first_deploy() else { return };
    assert!(wait_for(Duration::from_secs(2), || h1.stdout().contains("v1 on h1")).is_some(), "{}", h1.stdout());

    // A path leaving the deploy.
    let good = printer("evil");
    let good_sha = sha256_hex(good.as_bytes());
    put_deploy(&cluster, 2, "main.mcl", &[("main.mcl", &good_sha, good.len() as u64), ("../x", &good_sha, good.len() as u64)]);
    let s = wait_state(&ep, "h1", 2, "failed");
    assert!(s["diagnostics"][0].as_str().unwrap_or("").contains("`../x` leaves the deploy"), "{s}");
    assert_eq!(s["running"], 1, "{s}");

    // An absolute path.
    put_deploy(&cluster, 3, "/etc/main.mcl", &[("/etc/main.mcl", &good_sha, good.len() as u64)]);
    let s = wait_state(&ep, "h1", 3, "failed");
    assert!(s["diagnostics"][0].as_str().unwrap_or("").contains("is absolute"), "{s}");

    // A blob whose content does not match its sha256.
    let claimed = sha256_hex(b"something else");
    cluster.ctl(&["put", &format!("/mcl/chunks/{claimed}/0000")], Some(good.as_bytes()));
    cluster.ctl(&["put", &format!("/mcl/blobs/{claimed}")], Some(format!("{{\"size\":{},\"chunks\":1,\"created_at\":\"x\"}}", good.len() as u64).as_bytes()));
    put_deploy(&cluster, 4, "main.mcl", &[("main.mcl", &claimed, good.len() as u64)]);
    let s = wait_state(&ep, "h1", 4, "failed");
    let d = s["diagnostics"][0].as_str().unwrap_or("");
    assert!(d.contains("sha256 is") && d.contains(&claimed), "{s}");
    assert_eq!(s["running"], 1, "{s}");

    // Nothing of the bad deploys ran or was unpacked.
    assert!(!h1.stdout().contains("evil"), "{}", h1.stdout());
    for id in 2..=4 {
        assert!(!h1.dir.path().join(format!("state/deploys/{id}")).exists());
    }
    // A good deploy still goes through.
    write(dir.path(), "main.mcl", &printer("v5"));
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", &main], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("deployed 5"), "{}", out.stdout);
    assert!(wait_for(Duration::from_secs(2), || h1.stdout().contains("v5 on h1")).is_some(), "{}", h1.stdout());
    drop(h1);
    drop(cluster);
}

#[test]
fn a_deploy_that_does_not_compile_on_the_agent_keeps_the_previous_one() {
    let _guard = serial();
    let Some((cluster, ep, dir, main, h1)) = first_deploy() else { return };
    // A syntactically broken entry, stored by hand (mclc deploy would refuse it).
    let bad = "print \"x\" {\n\tmsg => 3,\n}\n";
    let bad_sha = sha256_hex(bad.as_bytes());
    cluster.ctl(&["put", &format!("/mcl/chunks/{bad_sha}/0000")], Some(bad.as_bytes()));
    cluster.ctl(&["put", &format!("/mcl/blobs/{bad_sha}")], Some(format!("{{\"size\":{},\"chunks\":1,\"created_at\":\"x\"}}", bad.len() as u64).as_bytes()));
    put_deploy(&cluster, 2, "main.mcl", &[("main.mcl", &bad_sha, bad.len() as u64)]);
    let s = wait_state(&ep, "h1", 2, "failed");
    assert!(s["diagnostics"][0].as_str().unwrap_or("").starts_with("main.mcl:2:9: error[unify]"), "{s}");
    assert_eq!(s["running"], 1, "{s}");
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", &main], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("deployed 3"), "{}", out.stdout);
    drop(h1);
    drop(cluster);
}

#[test]
fn world_functions_use_etcd_under_agents() {
    let _guard = serial();
    // h1's kv resource sets a key; every host reads it with world.getval and sees h1 in
    // world.kvlookup.
    let program = "import \"convert\"\nimport \"sys\"\nimport \"world\"\n\n$h = sys.hostname()\nif $h == \"h1\" {\n\tkv \"color\" {\n\t\tkey => \"color\",\n\t\tvalue => \"blue\",\n\t}\n}\n$v = world.getval(\"color\")\n$val = $v->value\n$n = convert.int_to_str(len(world.kvlookup(\"color\")))\nprint \"seen\" {\n\tmsg => \"color=${val} hosts=${n} on ${h}\",\n}\n";
    let Some((cluster, _, agents)) = two_agents_running(program, &[]) else { return };
    for a in &agents {
        let want = format!("print[seen]: color=blue hosts=1 on {}", a.host);
        assert!(wait_for(Duration::from_secs(5), || a.stdout().contains(&want)).is_some(), "{}:\n{}\n{}", a.host, a.stdout(), a.stderr());
    }
    assert_eq!(cluster.ctl(&["get", "--print-value-only", "/mcl/world/values/color"], None).trim(), "\"blue\"");
    assert_eq!(cluster.ctl(&["get", "--print-value-only", "/mcl/world/ns/color/h1"], None).trim(), "\"blue\"");
    // A value written into etcd from elsewhere reaches the programs.
    cluster.ctl(&["put", "/mcl/world/values/color", "\"red\""], None);
    let want = "print[seen]: color=red hosts=1 on h2";
    assert!(wait_for(Duration::from_secs(5), || agents[1].stdout().contains(want)).is_some(), "{}", agents[1].stdout());
    drop(agents);
}

#[test]
fn agents_survive_an_etcd_restart() {
    let _guard = serial();
    let Some((mut cluster, ep, dir, main, h1)) = first_deploy() else { return };
    assert!(wait_for(Duration::from_secs(2), || h1.stdout().contains("v1 on h1")).is_some(), "{}", h1.stdout());
    cluster.kill(0);
    std::thread::sleep(Duration::from_secs(2));
    cluster.restart(0);
    write(dir.path(), "main.mcl", &printer("v2"));
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", "--timeout", "20", &main], &[]);
    assert_eq!(out.code, Some(0), "{}\n--- agent\n{}", out.all(), h1.stderr());
    assert!(wait_for(Duration::from_secs(5), || h1.stdout().contains("v2 on h1")).is_some(), "{}\n{}", h1.stdout(), h1.stderr());
    // Still registered (its lease kept alive, or renewed).
    let s = wait_state(&ep, "h1", 2, "converged");
    assert_eq!(s["live"], true, "{s}");
    drop(h1);
}

#[test]
fn schedule_follows_the_live_agents() {
    let _guard = serial();
    let program = "import \"golang/strings\"\nimport \"sys\"\nimport \"world\"\n\n$h = sys.hostname()\n$s = strings.join(world.schedule(\"web\"), \",\")\nprint \"sched\" {\n\tmsg => \"sched=${s} on ${h}\",\n}\n";
    let Some((_cluster, ep, agents)) = two_agents_running(program, &["--lease-ttl", "2"]) else { return };
    for a in &agents {
        let want = format!("print[sched]: sched=h1,h2 on {}", a.host);
        assert!(wait_for(Duration::from_secs(5), || a.stdout().contains(&want)).is_some(), "{}:\n{}\n{}", a.host, a.stdout(), a.stderr());
    }
    // A third host joins: everyone's schedule grows; it leaves (killed): its lease runs out.
    let h3 = Agent::start(&ep, "h3", &["--lease-ttl", "2"]);
    assert!(wait_for(Duration::from_secs(10), || agents[0].stdout().contains("print[sched]: sched=h1,h2,h3 on h1")).is_some(), "{}", agents[0].stdout());
    assert!(wait_for(Duration::from_secs(10), || h3.stdout().contains("print[sched]: sched=h1,h2,h3 on h3")).is_some(), "{}", h3.stdout());
    drop(h3);
    let before = agents[0].stdout().matches("sched=h1,h2 on h1").count();
    assert!(wait_for(Duration::from_secs(10), || agents[0].stdout().matches("sched=h1,h2 on h1").count() > before).is_some(), "{}", agents[0].stdout());
    drop(agents);
}

#[test]
fn exported_resources_are_collected_across_hosts() {
    let _guard = serial();
    // Each host exports one resource to everyone, and h1 one to h2 only.
    let program = "import \"convert\"\nimport \"sys\"\nimport \"world/collect\"\n\n$h = sys.hostname()\nnoop \"from-${h}\" {\n\tMeta:export => [\"*\"],\n}\nif $h == \"h1\" {\n\tnoop \"secret\" {\n\t\tMeta:export => [\"h2\"],\n\t}\n}\n$n = convert.int_to_str(len(collect.res(\"noop\")))\nprint \"collected\" {\n\tmsg => \"collected=${n} on ${h}\",\n}\n";
    let Some((cluster, _, agents)) = two_agents_running(program, &[]) else { return };
    for (a, n) in agents.iter().zip([2, 3]) {
        let want = format!("print[collected]: collected={n} on {}", a.host);
        assert!(wait_for(Duration::from_secs(5), || a.stdout().contains(&want)).is_some(), "{}:\n{}\n{}", a.host, a.stdout(), a.stderr());
    }
    let keys = cluster.ctl(&["get", "--prefix", "--keys-only", "/mcl/world/exported/"], None);
    assert!(keys.contains("/mcl/world/exported/h1/noop/secret") && keys.contains("/mcl/world/exported/h2/noop/from-h2"), "{keys}");
    // A stopped agent takes its exports along (and leaves the host list).
    let mut agents = agents;
    assert_eq!(agents[0].terminate(), Some(0), "{}", agents[0].stderr());
    let keys = cluster.ctl(&["get", "--prefix", "--keys-only", "/mcl/world/exported/"], None);
    assert!(!keys.contains("/h1/") && keys.contains("/mcl/world/exported/h2/noop/from-h2"), "{keys}");
    assert!(wait_for(Duration::from_secs(5), || agents[1].stdout().contains("print[collected]: collected=1 on h2")).is_some(), "{}", agents[1].stdout());
    assert!(cluster.ctl(&["get", "--prefix", "--keys-only", "/mcl/hosts/"], None).trim().ends_with("/mcl/hosts/h2"));
}

#[test]
fn a_noop_deploy_changes_nothing() {
    let _guard = serial();
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("created-by-deploy");
    let program = format!("file \"{}\" {{\n\tstate => $const.res.file.state.exists,\n\tcontent => \"x\\n\",\n}}\n", target.display());
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    let main = write(dir.path(), "main.mcl", &program);
    let h1 = Agent::start(&ep, "h1", &[]);
    assert!(h1.registered(), "{}", h1.stderr());
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--noop", "--wait", &main], &[]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.stdout.contains("as noop") && out.stdout.contains("h1: converged"), "{}", out.stdout);
    assert!(wait_for(Duration::from_secs(2), || h1.stdout().contains("would apply file[")).is_some(), "{}", h1.stdout());
    assert!(!target.exists());
    // The same program for real is a different deploy, and creates the file.
    let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, "--wait", &main], &[]);
    assert!(out.stdout.contains("deployed 2"), "{}", out.all());
    assert!(target.is_file());
    drop(h1);
}

//! Faults during deploys, on real etcd members and real agents (skipped when etcd is not
//! installed): an agent SIGKILLed in the middle of applying and restarted, the etcd leader
//! killed while a deploy uploads, and one agent cut off with its only member.

use mcl_tests::etcd::{Agent, Cluster, deployed_id, host_status, leader, mclc_in, sha256_hex, wait_state_for, write};
use mcl_tests::run::wait_for;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One cluster test at a time: the machine has two cores.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// `len` bytes of printable pseudo-random text (different for each `seed`).
fn text(seed: u64, len: usize) -> String {
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    let mut s = String::with_capacity(len);
    while s.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push(if s.len() % 64 == 63 { '\n' } else { char::from(b'a' + (x % 26) as u8) });
    }
    s
}

/// Temporary files of the file resource's pattern (`.<name>.mclc-<pid>-<n>.tmp`) in `dir`.
fn temp_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with('.') && n.contains(".mclc-") && n.ends_with(".tmp")).collect()
}

/// Polls `cond` without sleeping (for catching a short window) until it holds or `timeout`
/// passes.
fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if cond() {
            return true;
        }
        std::thread::yield_now();
    }
    false
}

/// A status record straight from etcd (cheaper than `mclc status` in a tight loop).
fn raw_status(cluster: &Cluster, host: &str) -> serde_json::Value {
    let mut cmd = cluster.etcdctl();
    cmd.args(["get", "--print-value-only", &format!("/mcl/status/{host}")]);
    let out = cmd.output().map(|o| o.stdout).unwrap_or_default();
    serde_json::from_slice(&out).unwrap_or(serde_json::Value::Null)
}

const BIG_FILES: usize = 80;
const BIG_SIZE: usize = 1 << 20;

/// What file `n` of the slow program holds.
fn big_content(n: usize, big: &str) -> String {
    format!("{n}\n{big}")
}

#[test]
fn an_agent_killed_mid_apply_resumes_the_newest_deploy_without_torn_or_stray_files() {
    let _guard = serial();
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    let work = tempfile::tempdir().expect("tmp");
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let mut h1 = Agent::start(&ep, "h1", &["--lease-ttl", "2"]);
    assert!(h1.registered(), "{}", h1.stderr());

    // Deploy 1: small, converges at once.
    let small = format!("file \"{}/f0\" {{\n\tstate => \"exists\",\n\tcontent => \"v1\\n\",\n}}\n", out.display());
    let main = write(work.path(), "main.mcl", &small);
    let done = mclc_in(work.path(), &["deploy", "--etcd", &ep, "--wait", &main], &[]);
    assert_eq!(done.code, Some(0), "{}", done.all());
    assert_eq!(std::fs::read_to_string(out.join("f0")).ok().as_deref(), Some("v1\n"));

    // Deploy 2: eighty 1 MiB files written in parallel next to an exec that sleeps, so the
    // first pass (status `applying`) lasts a few seconds.
    let big = text(7, BIG_SIZE);
    write(work.path(), "files/big", &big);
    let program = format!(
        "import \"deploy\"\nimport \"fmt\"\nimport \"iter\"\n\n$big = deploy.readfile(\"/files/big\")\nfor $i, $n in iter.range({BIG_FILES}) {{\n\t$s = fmt.printf(\"%d\", $n)\n\tfile \"{d}/f${{s}}\" {{\n\t\tstate => \"exists\",\n\t\tcontent => fmt.printf(\"%d\\n%s\", $n, $big),\n\t}}\n}}\nexec \"slow\" {{\n\tcmd => \"sleep 4\",\n\tshell => \"/bin/sh\",\n}}\n",
        d = out.display()
    );
    write(work.path(), "main.mcl", &program);
    let done = mclc_in(work.path(), &["deploy", "--etcd", &ep, &main], &[]);
    assert_eq!(done.code, Some(0), "{}", done.all());
    assert_eq!(deployed_id(&done), Some(2), "{}", done.stdout);

    // Kill it the moment it writes a file (a temporary file shows up), or once it has been
    // applying for a while.
    let started = wait_for(Duration::from_secs(30), || h1.stderr().contains("h1]: deploy 2: applying"));
    assert!(started.is_some(), "h1 never started applying deploy 2:\n{}", h1.stderr());
    let caught = wait_until(Duration::from_secs(2), || !temp_files(&out).is_empty());
    let old_pid = h1.pid();
    h1.kill();
    let s = raw_status(&cluster, "h1");
    assert_eq!((s["deploy"].as_u64(), s["state"].as_str()), (Some(2), Some("applying")), "{s}");
    let complete = (0..BIG_FILES).filter(|n| std::fs::read_to_string(out.join(format!("f{n}"))).is_ok_and(|c| c == big_content(*n, &big))).count();
    let left = temp_files(&out);
    let when = if caught { "while writing" } else { "while applying, writing nothing" };
    eprintln!("killed h1 (pid {old_pid}) {when}: {complete} of {BIG_FILES} files complete, {} temporary files left: {left:?}", left.len());
    // Whatever the kill interrupted, a writer that died also leaves this one.
    std::fs::write(out.join(format!(".f3.mclc-{old_pid}-999999.tmp")), "torn").expect("write");

    // Restarted with the same state directory: it waits out its old lease, re-registers, and
    // runs deploy 2 to convergence.
    let restarted = Instant::now();
    h1.restart();
    let registered = wait_for(Duration::from_secs(15), || h1.stderr().matches("registered at").count() >= 2);
    assert!(registered.is_some(), "the restarted agent did not register:\n{}", h1.stderr());
    eprintln!("restarted h1 registered after {:?}", restarted.elapsed());
    let s = wait_state_for(&ep, "h1", 2, "converged", Duration::from_secs(60));
    assert_eq!((s["running"].as_u64(), s["live"].as_bool()), (Some(2), Some(true)), "{s}");
    eprintln!("restarted h1 converged deploy 2 after {:?}", restarted.elapsed());
    for n in 0..BIG_FILES {
        let got = std::fs::read_to_string(out.join(format!("f{n}"))).unwrap_or_default();
        assert!(got == big_content(n, &big), "f{n} has {} bytes, not its {} intended ones", got.len(), big_content(n, &big).len());
    }
    assert_eq!(temp_files(&out), Vec::<String>::new(), "temporary files left after convergence");
    assert!(h1.stderr().contains("h1]: deploy 2: converged"), "{}", h1.stderr());

    // SIGKILLed again, a brand-new agent (empty state directory) claims the host name: the
    // old lease runs out and it registers, fetches and converges.
    h1.kill();
    let start = Instant::now();
    let fresh = Agent::start(&ep, "h1", &["--lease-ttl", "2"]);
    assert!(fresh.registered(), "a new agent for h1 could not register:\n{}", fresh.stderr());
    eprintln!("a new agent registered as h1 {:?} after the old one was killed", start.elapsed());
    let s = wait_state_for(&ep, "h1", 2, "converged", Duration::from_secs(60));
    assert_eq!(s["live"], true, "{s}");
    assert_eq!(host_status(&ep, "h1").map(|s| s["running"].clone()), Some(serde_json::json!(2)));
    assert_eq!(temp_files(&out), Vec::<String>::new());
    drop(fresh);
}

/// Checks that `P/head` (if any) names a stored manifest whose every blob is complete (its
/// record and all its chunks); the head's id.
fn assert_head_whole(endpoints: &str) -> Option<u64> {
    let ctl = |args: &[&str]| -> Vec<u8> {
        let out = Command::new("etcdctl").env("ETCDCTL_API", "3").args(["--endpoints", endpoints, "--command-timeout=10s"]).args(args).stdin(Stdio::null()).output().expect("etcdctl");
        assert!(out.status.success(), "etcdctl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let head = ctl(&["get", "--print-value-only", "/mcl/head"]);
    if head.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let head: serde_json::Value = serde_json::from_slice(&head).expect("P/head is JSON");
    let id = head["id"].as_u64().expect("P/head has an id");
    let manifest = ctl(&["get", "--print-value-only", &format!("/mcl/deploys/{id:010}")]);
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap_or_else(|e| panic!("P/head names deploy {id}, whose manifest is missing or bad ({e})"));
    for f in manifest["files"].as_array().expect("files") {
        let sha = f["sha256"].as_str().expect("sha256");
        let meta = ctl(&["get", "--print-value-only", &format!("/mcl/blobs/{sha}")]);
        let meta: serde_json::Value = serde_json::from_slice(&meta).unwrap_or_else(|_| panic!("deploy {id}: the blob of {} is not stored", f["path"]));
        let chunks = ctl(&["get", "--prefix", "--keys-only", "-w", "json", &format!("/mcl/chunks/{sha}/")]);
        let chunks: serde_json::Value = serde_json::from_slice(&chunks).expect("count json");
        assert_eq!(chunks["count"].as_u64().unwrap_or(0), meta["chunks"].as_u64().unwrap_or(u64::MAX), "deploy {id}: chunks of {} missing", f["path"]);
    }
    Some(id)
}

/// Checks that `agent`'s materialised deploy `id` has every file of `files` with its content.
fn assert_materialised(agent: &Agent, id: u64, files: &[(String, String)]) {
    for (name, content) in files {
        let path = agent.dir.path().join(format!("state/deploys/{id}/{name}"));
        let got = std::fs::read(&path).unwrap_or_default();
        assert!(sha256_hex(&got) == sha256_hex(content.as_bytes()), "{}: {name} of deploy {id} is not the deployed file ({} bytes)", agent.host, got.len());
    }
}

#[test]
fn killing_the_etcd_leader_during_a_deploy_leaves_no_half_deploy() {
    let _guard = serial();
    let Some(mut cluster) = Cluster::start(3) else { return };
    let ep = cluster.endpoints();
    let agents: Vec<Agent> = ["h1", "h2", "h3"].iter().map(|h| Agent::start(&ep, h, &[])).collect();
    for a in &agents {
        assert!(a.registered(), "{}", a.stderr());
    }
    let work = tempfile::tempdir().expect("tmp");
    let main = write(work.path(), "main.mcl", &mcl_tests::etcd::printer("big"));
    // Six 3 MiB files: eighteen 1 MiB chunks, several upload transactions.
    let files: Vec<(String, String)> = (0..6).map(|i| (format!("files/big{i}"), text(100 + i, 3 << 20))).collect();
    for (name, content) in &files {
        write(work.path(), name, content);
    }
    let lead = (0..50).find_map(|_| leader(&cluster).or_else(|| {
        std::thread::sleep(Duration::from_millis(100));
        None
    }));
    let lead = lead.expect("the cluster has a leader");
    let others: Vec<String> = cluster.members.iter().enumerate().filter(|(i, _)| *i != lead).map(|(_, m)| m.url.clone()).collect();
    let others = others.join(",");

    let started = Instant::now();
    let mut deploy = Command::new(mcl_tests::mclc())
        .args(["deploy", "--etcd", &ep, &main])
        .current_dir(work.path())
        .env_remove("MCL_ETCD_ENDPOINTS")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(work.path().join("deploy.out")).expect("file"))
        .stderr(std::fs::File::create(work.path().join("deploy.err")).expect("file"))
        .spawn()
        .expect("start mclc deploy");
    // Kill the leader as soon as the upload has begun.
    let chunks = || {
        let out = Command::new("etcdctl").env("ETCDCTL_API", "3").args(["--endpoints", &others, "get", "--prefix", "--keys-only", "-w", "json", "/mcl/chunks/"]).output();
        out.ok().and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok()).and_then(|v| v["count"].as_u64()).unwrap_or(0)
    };
    let uploading = wait_for(Duration::from_secs(30), || chunks() > 0 || deploy.try_wait().is_ok_and(|s| s.is_some()));
    assert!(uploading.is_some(), "the deploy never started uploading");
    let uploaded_before = chunks();
    cluster.kill(lead);
    eprintln!("killed the leader {} ({}) {:?} into the deploy, {uploaded_before} chunks stored", cluster.members[lead].name, cluster.members[lead].url, started.elapsed());
    // While the deploy goes on, every head anyone can see is whole.
    let mut heads = 0;
    let finished = wait_for(Duration::from_secs(90), || {
        if assert_head_whole(&others).is_some() {
            heads += 1;
        }
        deploy.try_wait().is_ok_and(|s| s.is_some())
    });
    assert!(finished.is_some(), "mclc deploy did not finish within 90 s of the leader's death");
    let code = deploy.wait().expect("wait").code();
    let stdout = std::fs::read_to_string(work.path().join("deploy.out")).unwrap_or_default();
    let stderr = std::fs::read_to_string(work.path().join("deploy.err")).unwrap_or_default();
    eprintln!("the deploy exited with {code:?} after {:?} (heads checked meanwhile: {heads}):\n{stdout}{stderr}", started.elapsed());
    let head = assert_head_whole(&others);
    if code == Some(0) {
        let id = stdout.lines().find_map(|l| l.strip_prefix("deployed ")).and_then(|r| r.split(':').next()).and_then(|n| n.parse::<u64>().ok());
        assert_eq!(id, Some(1), "{stdout}");
        assert_eq!(head, Some(1), "the deploy said it stored deploy 1, but P/head says {head:?}");
    } else {
        assert_eq!(code, Some(2), "{stdout}{stderr}");
        assert!(cluster.members.iter().any(|m| stderr.contains(&m.url)), "the error names no endpoint: {stderr}");
    }

    // Deploying again works (or finds the deploy already there), and every agent converges.
    let again = mclc_in(work.path(), &["deploy", "--etcd", &ep, &main], &[]);
    assert_eq!(again.code, Some(0), "retrying the deploy: {}", again.all());
    let id = assert_head_whole(&others).expect("a head after the retry");
    assert!(again.stdout.contains(&format!("deployed {id}:")) || again.stdout.contains(&format!("already deployed: deploy {id}")), "{}", again.stdout);
    for a in &agents {
        wait_state_for(&others, &a.host, id, "converged", Duration::from_secs(60));
        assert!(a.stdout().contains(&format!("print[version]: big on {}", a.host)), "{}", a.stdout());
        assert_materialised(a, id, &files);
    }
    eprintln!("agents converged {:?} after the first deploy started", started.elapsed());
    drop(agents);
}

/// A program writing `<out>/<host>` with `version on host`.
fn host_file_program(out: &Path, version: &str) -> String {
    format!("import \"sys\"\n\n$h = sys.hostname()\nfile \"{d}/${{h}}\" {{\n\tstate => \"exists\",\n\tcontent => \"{version} on ${{h}}\\n\",\n}}\n", d = out.display())
}

#[test]
fn an_agent_cut_off_with_its_member_keeps_its_deploy_and_catches_up() {
    let _guard = serial();
    let Some(mut cluster) = Cluster::start(3) else { return };
    let work = tempfile::tempdir().expect("tmp");
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    // Each agent talks only to its own member.
    let hosts = ["h1", "h2", "h3"];
    let agents: Vec<Agent> = hosts.iter().zip(&cluster.members).map(|(h, m)| Agent::start(&m.url, h, &["--lease-ttl", "2"])).collect();
    for a in &agents {
        assert!(a.registered(), "{}", a.stderr());
    }
    let file_of = |h: &str| std::fs::read_to_string(out.join(h)).unwrap_or_default();
    let main = write(work.path(), "main.mcl", &host_file_program(&out, "v1"));
    let done = mclc_in(work.path(), &["deploy", "--etcd", &cluster.endpoints(), &main], &[]);
    assert_eq!(done.code, Some(0), "{}", done.all());
    for h in hosts {
        assert!(wait_for(Duration::from_secs(15), || file_of(h) == format!("v1 on {h}\n")).is_some(), "{h}: {:?}", file_of(h));
    }

    // Member 2 goes away: h2 is alone, but keeps running deploy 1 (it even repairs drift).
    cluster.kill(1);
    let live = cluster.live_endpoints();
    std::fs::write(out.join("h2"), "drift\n").expect("write");
    assert!(wait_for(Duration::from_secs(10), || file_of("h2") == "v1 on h2\n").is_some(), "h2 did not repair its file without etcd: {:?}", file_of("h2"));

    // A new version through the remaining members reaches h1 and h3 only.
    write(work.path(), "main.mcl", &host_file_program(&out, "v2"));
    let done = mclc_in(work.path(), &["deploy", "--etcd", &live, &main], &[]);
    assert_eq!(done.code, Some(0), "deploying with member 2 down: {}", done.all());
    assert_eq!(deployed_id(&done), Some(2), "{}", done.stdout);
    for h in ["h1", "h3"] {
        assert!(wait_for(Duration::from_secs(15), || file_of(h) == format!("v2 on {h}\n")).is_some(), "{h}: {:?}", file_of(h));
        wait_state_for(&live, h, 2, "converged", Duration::from_secs(15));
    }
    // By now h2's lease has run out (TTL 2 s): it is not live, and still on deploy 1.
    assert!(wait_for(Duration::from_secs(10), || host_status(&live, "h2").is_some_and(|s| s["live"] == false)).is_some(), "{:?}", host_status(&live, "h2"));
    let mut agents = agents;
    assert!(agents[1].alive(), "h2 exited without its member:\n{}", agents[1].stderr());
    assert_eq!(file_of("h2"), "v1 on h2\n");
    assert_eq!(host_status(&live, "h2").map(|s| s["deploy"].clone()), Some(serde_json::json!(1)));

    // Member 2 comes back: h2 re-registers, sees deploy 2 and converges to it.
    let back = Instant::now();
    cluster.restart(1);
    assert!(wait_for(Duration::from_secs(30), || file_of("h2") == "v2 on h2\n").is_some(), "h2 never caught up: {:?}\n{}", file_of("h2"), agents[1].stderr());
    let s = wait_state_for(&cluster.endpoints(), "h2", 2, "converged", Duration::from_secs(30));
    assert_eq!(s["running"], 2, "{s}");
    assert!(wait_for(Duration::from_secs(15), || host_status(&cluster.endpoints(), "h2").is_some_and(|s| s["live"] == true)).is_some(), "h2 did not register again:\n{}", agents[1].stderr());
    eprintln!("h2 converged to deploy 2 {:?} after its member came back", back.elapsed());
    for h in ["h1", "h3"] {
        assert_eq!(file_of(h), format!("v2 on {h}\n"));
    }
    drop(agents);
}

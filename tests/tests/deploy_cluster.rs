//! Deploys to three agents on a real three-member etcd cluster (skipped when etcd is not
//! installed): the seed scenario (git clone, commit, dirty tree, no repository, a subdirectory
//! of a clone — every agent runs each version within 1 s), concurrent deployers, and a member
//! killed while deploying.

use mcl_tests::etcd::{Agent, Cluster, mclc_in, printer, wait_state, write};
use mcl_tests::run::wait_for;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

static SERIAL: Mutex<()> = Mutex::new(());

const HOSTS: [&str; 3] = ["h1", "h2", "h3"];

/// A three-member cluster and agents h1, h2, h3, registered.
fn setup() -> Option<(Cluster, Vec<Agent>)> {
    let cluster = Cluster::start(3)?;
    let agents: Vec<Agent> = HOSTS.iter().map(|h| Agent::start(&cluster.endpoints(), h, &[])).collect();
    for a in &agents {
        assert!(wait_for(Duration::from_secs(15), || a.stderr().contains("registered")).is_some(), "{}", a.stderr());
    }
    Some((cluster, agents))
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").args(["-c", "user.name=Tess Ter", "-c", "user.email=tess@example.org", "-c", "init.defaultBranch=main"]).args(args).current_dir(dir).output().expect("git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Deploys `path` from `cwd`; the id. Then checks that every agent prints `version` within 1 s.
fn deploy_and_see(cluster: &Cluster, agents: &[Agent], cwd: &Path, path: &str, version: &str) -> (u64, String) {
    let out = mclc_in(cwd, &["deploy", "--etcd", &cluster.endpoints(), path], &[]);
    assert_eq!(out.code, Some(0), "deploying {path}: {}", out.all());
    let done = Instant::now();
    let id: u64 = out.stdout.strip_prefix("deployed ").and_then(|r| r.split(':').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no id in {}", out.stdout));
    for a in agents {
        let want = format!("print[version]: {version} on {}", a.host);
        let seen = wait_for(Duration::from_secs(5), || a.stdout().contains(&want));
        let took = done.elapsed();
        assert!(seen.is_some(), "{} never ran {version}:\n{}\n{}", a.host, a.stdout(), a.stderr());
        assert!(took <= Duration::from_secs(1), "{} ran {version} only after {took:?}", a.host);
    }
    (id, out.all())
}

#[test]
fn seed_scenario_every_kind_of_source_reaches_every_agent_within_a_second() {
    let _guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let Some((cluster, agents)) = setup() else { return };
    let work = tempfile::tempdir().expect("tmp");
    let origin = work.path().join("origin");
    std::fs::create_dir_all(&origin).expect("mkdir");
    git(&origin, &["init", "-q"]);
    write(&origin, "main.mcl", &printer("v1"));
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "v1"]);
    git(work.path(), &["clone", "-q", "origin", "clone"]);
    let clone = work.path().join("clone");
    git(&clone, &["config", "user.name", "Tess Ter"]);
    git(&clone, &["config", "user.email", "tess@example.org"]);

    // 1. From inside a clone, with a relative path.
    let (id, out) = deploy_and_see(&cluster, &agents, &clone, "main.mcl", "v1");
    assert_eq!(id, 1);
    assert!(out.contains("git ") && out.contains(" on main") && !out.contains("dirty"), "{out}");

    // 2. Changed and committed.
    write(&clone, "main.mcl", &printer("v2"));
    git(&clone, &["commit", "-q", "-am", "v2"]);
    let (id, out) = deploy_and_see(&cluster, &agents, &clone, "main.mcl", "v2");
    assert_eq!(id, 2);
    assert!(!out.contains("dirty"), "{out}");

    // 3. Changed without committing: refused only with --require-clean; deployed, with a
    //    warning, otherwise.
    write(&clone, "main.mcl", &printer("v3"));
    let out = mclc_in(&clone, &["deploy", "--etcd", &cluster.endpoints(), "--require-clean", "main.mcl"], &[]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.stderr.contains("has uncommitted changes and --require-clean was given"), "{}", out.stderr);
    let (id, out) = deploy_and_see(&cluster, &agents, &clone, "main.mcl", "v3");
    assert_eq!(id, 3);
    assert!(out.contains("dirty") && out.contains("warning: the git work tree") && out.contains("uncommitted changes"), "{out}");

    // 4. A directory that is no git repository.
    let plain = work.path().join("plain");
    let main = write(&plain, "main.mcl", &printer("v4"));
    let (id, out) = deploy_and_see(&cluster, &agents, work.path(), &main, "v4");
    assert_eq!(id, 4);
    assert!(out.contains("no git"), "{out}");

    // 5. A subdirectory of a clone, deployed from elsewhere.
    let sub = write(&clone, "site/web/main.mcl", &printer("v5"));
    git(&clone, &["add", "."]);
    git(&clone, &["commit", "-q", "-m", "v5"]);
    let (id, out) = deploy_and_see(&cluster, &agents, work.path(), &sub, "v5");
    assert_eq!(id, 5);
    assert!(out.contains(" on main") && !out.contains("dirty"), "{out}");

    // The log has all five, with what git said about each.
    let log = mclc_in(work.path(), &["deploy", "log", "--etcd", &cluster.endpoints(), "--format", "json"], &[]).json();
    let log = log.as_array().cloned().unwrap_or_default();
    assert_eq!(log.iter().map(|m| m["id"].as_u64().unwrap_or(0)).collect::<Vec<_>>(), vec![5, 4, 3, 2, 1]);
    let by_id = |id: u64| log.iter().find(|m| m["id"] == id).cloned().unwrap_or_default();
    assert_eq!(by_id(1)["git"]["dirty"], false);
    assert_eq!(by_id(1)["author"], "Tess Ter <tess@example.org>");
    assert_ne!(by_id(1)["git"]["commit"], by_id(2)["git"]["commit"]);
    assert_eq!(by_id(3)["git"]["dirty"], true);
    assert_eq!(by_id(3)["git"]["commit"], by_id(2)["git"]["commit"]);
    assert!(by_id(4)["git"].is_null());
    assert_eq!(by_id(5)["entry"], "main.mcl");
    assert!(by_id(5)["git"]["root"].as_str().is_some_and(|r| r.ends_with("/clone")), "{}", by_id(5));
    for h in HOSTS {
        wait_state(&cluster.endpoints(), h, 5, "converged");
    }
    drop(agents);
}

#[test]
fn four_concurrent_deployers_times_ten_give_forty_ids() {
    let _guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let Some((cluster, agents)) = setup() else { return };
    let ep = cluster.endpoints();
    let work = tempfile::tempdir().expect("tmp");
    let mut threads = Vec::new();
    for t in 0..4 {
        let dir = work.path().join(format!("d{t}"));
        let ep = ep.clone();
        threads.push(std::thread::spawn(move || {
            let mut ids = Vec::new();
            for i in 0..10 {
                let version = format!("d{t}-{i}");
                let main = write(&dir, "main.mcl", &printer(&version));
                let out = mclc_in(&dir, &["deploy", "--etcd", &ep, &main], &[]);
                assert_eq!(out.code, Some(0), "{}", out.all());
                let id: u64 = out.stdout.strip_prefix("deployed ").and_then(|r| r.split(':').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no id in {}", out.stdout));
                ids.push((id, version));
            }
            ids
        }));
    }
    let mut all: Vec<(u64, String)> = threads.into_iter().flat_map(|t| t.join().expect("deployer")).collect();
    all.sort();
    assert_eq!(all.iter().map(|(id, _)| *id).collect::<Vec<_>>(), (1..=40).collect::<Vec<_>>(), "ids lost or duplicated");
    let log = mclc_in(work.path(), &["deploy", "log", "--etcd", &ep], &[]);
    assert_eq!(log.stdout.lines().count(), 40, "{}", log.stdout);
    let last = &all[39].1;
    for a in &agents {
        wait_state(&ep, &a.host, 40, "converged");
        let want = format!("print[version]: {last} on {}", a.host);
        assert!(wait_for(Duration::from_secs(5), || a.stdout().contains(&want)).is_some(), "{}: {}", a.host, a.stdout());
    }
    drop(agents);
}

#[test]
fn deploys_and_agents_survive_a_killed_member() {
    let _guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let Some((mut cluster, agents)) = setup() else { return };
    let ep = cluster.endpoints();
    let work = tempfile::tempdir().expect("tmp");
    for i in 1..=8u64 {
        if i == 4 {
            cluster.kill(0);
        }
        let version = format!("k{i}");
        let main = write(work.path(), "main.mcl", &printer(&version));
        let out = mclc_in(work.path(), &["deploy", "--etcd", &ep, &main], &[]);
        assert_eq!(out.code, Some(0), "deploy {i} with a member down: {}", out.all());
        assert!(out.stdout.starts_with(&format!("deployed {i}:")), "{}", out.stdout);
        for a in &agents {
            let want = format!("print[version]: {version} on {}", a.host);
            assert!(wait_for(Duration::from_secs(10), || a.stdout().contains(&want)).is_some(), "{} never ran {version}:\n{}", a.host, a.stderr());
        }
    }
    for h in HOSTS {
        wait_state(&cluster.live_endpoints(), h, 8, "converged");
    }
    drop(agents);
}

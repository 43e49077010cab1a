//! Deploy benchmark on loopback, against the release `mclc`: a three-member etcd cluster and
//! three agents (h1, h2, h3). For each of N deploys of a changed program it measures the
//! `mclc deploy` command (process start to exit: check, bundle, git, connect, upload, id
//! allocation) and the time from the command's start until all three agents run the new
//! version. Prints p50/p95 of each. Skips (with a message) without etcd.
//!
//! Run with `cargo bench -p mcl-tests --bench deploy` (`MCL_BENCH_DEPLOYS=N`, default 30).

use mcl_tests::etcd::{Agent, Cluster, mclc_in, printer, write};
use std::time::{Duration, Instant};

fn report(name: &str, times: Vec<Duration>) {
    mcl_tests::bench::report(name, 52, times);
}

fn main() {
    let n: usize = std::env::var("MCL_BENCH_DEPLOYS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let bin = mcl_tests::mclc();
    println!("mclc: {}", bin.display());
    let Some(cluster) = Cluster::start(3) else { return };
    let ep = cluster.endpoints();
    let agents: Vec<Agent> = ["h1", "h2", "h3"].iter().map(|h| Agent::start(&ep, h, &[])).collect();
    for a in &agents {
        assert!(a.registered(), "{}", a.stderr());
    }
    // A git clone, as users deploy from one.
    let dir = tempfile::tempdir().expect("tmp");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git").args(["-c", "user.name=Bench", "-c", "user.email=bench@example.org"]).args(args).current_dir(dir.path()).output().is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    let main = write(dir.path(), "main.mcl", &printer("v0"));
    write(dir.path(), "files/motd", "hello\n");
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "v0"]);
    let mut deploy_times = Vec::new();
    let mut converge_times = Vec::new();
    for i in 0..n {
        let version = format!("v{}", i + 1);
        write(dir.path(), "main.mcl", &printer(&version));
        let start = Instant::now();
        let out = mclc_in(dir.path(), &["deploy", "--etcd", &ep, &main], &[]);
        let deployed = start.elapsed();
        assert_eq!(out.code, Some(0), "{}", out.all());
        let mut pending: Vec<&Agent> = agents.iter().collect();
        while !pending.is_empty() {
            pending.retain(|a| !a.stdout().contains(&format!("print[version]: {version} on {}", a.host)));
            assert!(start.elapsed() < Duration::from_secs(30), "agents never ran {version}");
            std::thread::sleep(Duration::from_millis(2));
        }
        converge_times.push(start.elapsed());
        deploy_times.push(deployed);
    }
    println!("{n} deploys of a 2-file program from a git work tree; 3-member etcd and 3 agents on loopback");
    report("mclc deploy (whole command)", deploy_times);
    report("deploy start -> all 3 agents run the new version", converge_times);
    drop(agents);
}

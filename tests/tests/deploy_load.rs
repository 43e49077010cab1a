//! Load on real etcd and real agents (skipped when etcd is not installed): a hundred deploys
//! in a row to three agents without leaking memory, descriptors, threads or disk, and one
//! program of ten thousand resources on three agents. The figures are printed (run with
//! `--nocapture`) for the README.

use mcl_tests::etcd::{Agent, Cluster, deployed_id, mclc_in, wait_state_for, write};
use mcl_tests::run::wait_for;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One cluster test at a time: the machine has two cores.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

const HOSTS: [&str; 3] = ["h1", "h2", "h3"];

/// Agents h1, h2, h3 on `cluster`, registered.
fn agents(cluster: &Cluster) -> Vec<Agent> {
    let agents: Vec<Agent> = HOSTS.iter().map(|h| Agent::start(&cluster.endpoints(), h, &[])).collect();
    for a in &agents {
        assert!(a.registered(), "{}", a.stderr());
    }
    agents
}

/// What an agent uses: resident memory (KiB), open descriptors, threads.
#[derive(Clone, Copy, Debug)]
struct Usage {
    rss_kib: u64,
    fds: usize,
    threads: u64,
}

fn usage(a: &Agent) -> Usage {
    Usage { rss_kib: a.rss_kib().unwrap_or(0), fds: a.open_fds().unwrap_or(0), threads: a.threads().unwrap_or(0) }
}

/// How many deploy directories `a` keeps under `state/deploys/`.
fn kept_deploys(a: &Agent) -> usize {
    std::fs::read_dir(a.dir.path().join("state/deploys")).map(|d| d.flatten().filter(|e| e.path().is_dir()).count()).unwrap_or(0)
}

/// A program that writes `<out>/<host>` with `version N on host`, plus an exec that runs
/// with every version and a print.
fn versioned(out: &Path, n: usize) -> String {
    format!(
        "import \"sys\"\n\n$h = sys.hostname()\nfile \"{d}/${{h}}\" {{\n\tstate => \"exists\",\n\tcontent => \"version {n} on ${{h}}\\n\",\n\tNotify => Exec[\"reload\"],\n}}\nexec \"reload\" {{\n\tcmd => \"true\",\n\tshell => \"/bin/sh\",\n}}\nprint \"v\" {{\n\tmsg => \"version {n} on ${{h}}\",\n}}\n",
        d = out.display()
    )
}

#[test]
fn a_hundred_deploys_in_a_row_leak_nothing_on_three_agents() {
    let _guard = serial();
    let Some(cluster) = Cluster::start(3) else { return };
    let ep = cluster.endpoints();
    let agents = agents(&cluster);
    let work = tempfile::tempdir().expect("tmp");
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let main = work.path().join("main.mcl");
    let main = main.to_string_lossy();
    let file_of = |h: &str| std::fs::read_to_string(out.join(h)).unwrap_or_default();
    const DEPLOYS: usize = 100;
    const WARM: usize = 10;
    let mut warm: Vec<Usage> = Vec::new();
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    for n in 1..=DEPLOYS {
        write(work.path(), "main.mcl", &versioned(&out, n));
        let done = mclc_in(work.path(), &["deploy", "--etcd", &ep, &main], &[]);
        assert_eq!(done.code, Some(0), "deploy {n}: {}", done.all());
        assert_eq!(deployed_id(&done), Some(n as u64), "{}", done.stdout);
        let deployed = Instant::now();
        for a in &agents {
            let want = format!("version {n} on {}\n", a.host);
            assert!(wait_for(Duration::from_secs(20), || file_of(&a.host) == want).is_some(), "{} never wrote version {n}: {:?}\n{}", a.host, file_of(&a.host), a.stderr());
        }
        slowest = slowest.max(deployed.elapsed());
        if n == WARM {
            for a in &agents {
                wait_state_for(&ep, &a.host, n as u64, "converged", Duration::from_secs(20));
            }
            warm = agents.iter().map(usage).collect();
        }
    }
    let took = started.elapsed();
    for a in &agents {
        wait_state_for(&ep, &a.host, DEPLOYS as u64, "converged", Duration::from_secs(20));
        assert!(a.stdout().contains(&format!("print[v]: version {DEPLOYS} on {}", a.host)), "{}", a.stdout());
    }
    let end: Vec<Usage> = agents.iter().map(usage).collect();
    eprintln!("{DEPLOYS} deploys to 3 agents in {took:.1?} ({:.0} ms per deploy until every agent wrote it; slowest {slowest:.1?})", took.as_secs_f64() * 1000.0 / DEPLOYS as f64);
    for ((a, w), e) in agents.iter().zip(&warm).zip(&end) {
        eprintln!(
            "{}: RSS {} KiB after deploy {WARM}, {} KiB after deploy {DEPLOYS}; fds {} -> {}; threads {} -> {}; deploy dirs kept {}",
            a.host,
            w.rss_kib,
            e.rss_kib,
            w.fds,
            e.fds,
            w.threads,
            e.threads,
            kept_deploys(a)
        );
    }
    for ((a, w), e) in agents.iter().zip(&warm).zip(&end) {
        assert!(w.rss_kib > 0 && e.rss_kib > 0, "no /proc figures for {}", a.host);
        assert!(e.rss_kib <= w.rss_kib * 3 / 2 + 8 * 1024, "{}: RSS grew from {} KiB to {} KiB", a.host, w.rss_kib, e.rss_kib);
        assert!(e.fds <= w.fds + 8, "{}: open descriptors grew from {} to {}", a.host, w.fds, e.fds);
        assert!(e.threads <= w.threads + 4, "{}: threads grew from {} to {}", a.host, w.threads, e.threads);
        // Old deploys are deleted: the running one and the previous one stay.
        assert!(kept_deploys(a) <= 2, "{} keeps {} deploy directories", a.host, kept_deploys(a));
    }
    drop(agents);
}

#[test]
fn ten_thousand_resources_converge_on_three_agents() {
    let _guard = serial();
    let Some(cluster) = Cluster::start(1) else { return };
    let ep = cluster.endpoints();
    let agents = agents(&cluster);
    let work = tempfile::tempdir().expect("tmp");
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    const N: usize = 10_000;
    // One directory per host, 10 000 files in it (and the directory: 10 001 resources).
    let program = format!(
        "import \"fmt\"\nimport \"iter\"\nimport \"sys\"\n\n$h = sys.hostname()\nfile \"{d}/${{h}}/\" {{\n\tstate => \"exists\",\n}}\nfor $i, $n in iter.range({N}) {{\n\t$s = fmt.printf(\"%d\", $n)\n\tfile \"{d}/${{h}}/f${{s}}\" {{\n\t\tstate => \"exists\",\n\t\tcontent => fmt.printf(\"file %d on %s\\n\", $n, $h),\n\t}}\n}}\n",
        d = out.display()
    );
    let main = write(work.path(), "main.mcl", &program);
    let before: Vec<u64> = agents.iter().map(|a| a.rss_kib().unwrap_or(0)).collect();
    let started = Instant::now();
    let done = mclc_in(work.path(), &["deploy", "--etcd", &ep, &main], &[]);
    assert_eq!(done.code, Some(0), "{}", done.all());
    let deployed = started.elapsed();
    let mut converged = Vec::new();
    for a in &agents {
        let marker = format!("{}]: deploy 1: converged", a.host);
        let seen = wait_for(Duration::from_secs(240), || a.stderr().contains(&marker));
        assert!(seen.is_some(), "{} did not converge 10 000 resources in 240 s:\n{}", a.host, a.stderr());
        converged.push(started.elapsed());
    }
    for a in &agents {
        let s = wait_state_for(&ep, &a.host, 1, "converged", Duration::from_secs(20));
        assert_eq!(s["running"], 1, "{s}");
        let dir = out.join(&a.host);
        let count = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(count, N, "{} wrote {count} files", a.host);
        for n in 0..N {
            let want = format!("file {n} on {}\n", a.host);
            let got = std::fs::read_to_string(dir.join(format!("f{n}"))).unwrap_or_default();
            assert!(got == want, "{}/f{n}: {got:?}", a.host);
        }
    }
    let last = converged.iter().max().copied().unwrap_or_default();
    eprintln!("10 001 resources on 3 agents: deploy stored in {deployed:.1?}; converged after {:?} (last {last:.1?})", converged.iter().map(|d| format!("{d:.1?}")).collect::<Vec<_>>());
    for (a, b) in agents.iter().zip(&before) {
        eprintln!("{}: RSS {b} KiB before, {} KiB running 10 001 resources", a.host, a.rss_kib().unwrap_or(0));
    }
    drop(agents);
}

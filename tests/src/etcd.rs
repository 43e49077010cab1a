//! Real etcd servers for the deploy tests: one member or three, on free 127.0.0.1 ports with
//! temporary data directories, optionally with TLS. Members are stopped by pid (on drop too).
//! Needs Debian's `etcd-server` (`etcd` on PATH); [`Cluster::start`] returns `None` with a
//! message when it is missing, so tests can skip.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// TLS files for a cluster (PEM): the servers use `cert`/`key`, clients trust `ca`.
#[derive(Clone, Debug)]
pub struct Tls {
    /// The CA certificate.
    pub ca: PathBuf,
    /// The server certificate (valid for 127.0.0.1).
    pub cert: PathBuf,
    /// The server key.
    pub key: PathBuf,
    /// A client certificate signed by the CA.
    pub client_cert: PathBuf,
    /// Its key.
    pub client_key: PathBuf,
}

impl Tls {
    /// Generates a CA, a server certificate for 127.0.0.1 and a client certificate with
    /// `openssl` in `dir`.
    ///
    /// # Panics
    ///
    /// Panics when openssl is missing or fails.
    pub fn generate(dir: &Path) -> Tls {
        let run = |args: &[&str]| {
            let out = Command::new("openssl").args(args).current_dir(dir).output().expect("run openssl");
            assert!(out.status.success(), "openssl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        };
        run(&["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=mclc test CA"]);
        std::fs::write(dir.join("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n").expect("write ext");
        run(&["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
        run(&["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext"]);
        std::fs::write(dir.join("client.ext"), "extendedKeyUsage=clientAuth\n").expect("write ext");
        run(&["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=deployer"]);
        run(&["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem", "-days", "2", "-extfile", "client.ext"]);
        Tls { ca: dir.join("ca.pem"), cert: dir.join("server.pem"), key: dir.join("server.key"), client_cert: dir.join("client.pem"), client_key: dir.join("client.key") }
    }
}

/// One etcd member.
pub struct Member {
    /// Its name (`m1`, …).
    pub name: String,
    /// Its client URL.
    pub url: String,
    child: Option<Child>,
    log: PathBuf,
    args: Vec<std::ffi::OsString>,
}

impl Member {
    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).expect("log file");
        let child = Command::new("etcd").args(&self.args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(log).spawn().expect("start etcd");
        self.child = Some(child);
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// What the member logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// A running cluster (members killed on drop).
pub struct Cluster {
    /// The members.
    pub members: Vec<Member>,
    /// TLS files, when started with TLS.
    pub tls: Option<Tls>,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// True when an `etcd` binary is on PATH.
pub fn available() -> bool {
    Command::new("etcd").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

impl Cluster {
    /// Starts `n` members (1 or 3) and waits until the cluster is healthy; `None` (with a
    /// message on stderr) when etcd is not installed.
    ///
    /// # Panics
    ///
    /// Panics when the cluster does not become healthy within 30 s.
    pub fn start(n: usize) -> Option<Cluster> {
        Cluster::start_with(n, false)
    }

    /// Like [`start`](Cluster::start), with TLS on the client URLs (certificates generated here)
    /// and client certificates required. A cluster that does not come up (a port taken
    /// meanwhile, a slow machine) is started again on other ports, three times at most.
    ///
    /// # Panics
    ///
    /// Panics with the members' last log lines when no attempt came up.
    pub fn start_with(n: usize, tls: bool) -> Option<Cluster> {
        if !available() {
            eprintln!("skipping: etcd is not installed (apt-get install etcd-server)");
            return None;
        }
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Cluster::try_start(n, tls) {
                Ok(c) => return Some(c),
                Err(logs) => failures.push(logs),
            }
        }
        panic!("etcd did not come up in three attempts:\n{}", failures.join("\n=== next attempt\n"));
    }

    fn try_start(n: usize, tls: bool) -> Result<Cluster, String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let tls = tls.then(|| Tls::generate(dir.path()));
        let scheme = if tls.is_some() { "https" } else { "http" };
        let ports: Vec<(u16, u16)> = (0..n).map(|_| (free_port(), free_port())).collect();
        let initial: Vec<String> = ports.iter().enumerate().map(|(i, (_, p))| format!("m{}=http://127.0.0.1:{p}", i + 1)).collect();
        let initial = initial.join(",");
        let token = format!("mclc-test-{}", ports[0].0);
        let mut members = Vec::new();
        for (i, (client, peer)) in ports.iter().enumerate() {
            let name = format!("m{}", i + 1);
            let url = format!("{scheme}://127.0.0.1:{client}");
            let data = dir.path().join(format!("{name}.etcd"));
            let log = dir.path().join(format!("{name}.log"));
            let mut cmd = Command::new("etcd");
            cmd.args(["--name", &name, "--data-dir"]).arg(&data);
            cmd.args(["--listen-client-urls", &url, "--advertise-client-urls", &url]);
            cmd.args(["--listen-peer-urls", &format!("http://127.0.0.1:{peer}"), "--initial-advertise-peer-urls", &format!("http://127.0.0.1:{peer}")]);
            cmd.args(["--initial-cluster", &initial, "--initial-cluster-state", "new", "--initial-cluster-token", &token]);
            cmd.args(["--listen-metrics-urls", "", "--heartbeat-interval", "100", "--election-timeout", "1000", "--logger", "zap", "--log-outputs", "stderr"]);
            if let Some(t) = &tls {
                cmd.arg("--cert-file").arg(&t.cert).arg("--key-file").arg(&t.key).arg("--trusted-ca-file").arg(&t.ca).arg("--client-cert-auth");
            }
            let args = cmd.get_args().map(|a| a.to_os_string()).collect();
            let mut member = Member { name, url, child: None, log, args };
            member.spawn();
            members.push(member);
        }
        let mut cluster = Cluster { members, tls, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !cluster.healthy() {
            let exited = cluster.members.iter_mut().any(|m| m.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(Some(_)))));
            if exited || Instant::now() > deadline {
                let logs: Vec<String> = cluster
                    .members
                    .iter()
                    .map(|m| {
                        let log = m.log();
                        let tail: Vec<&str> = log.lines().rev().take(8).collect();
                        format!("--- {} (last lines)\n{}", m.name, tail.into_iter().rev().collect::<Vec<_>>().join("\n"))
                    })
                    .collect();
                return Err(logs.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(cluster)
    }

    /// `etcdctl` against the live members, with the TLS files when there are some.
    pub fn etcdctl(&self) -> Command {
        let mut cmd = Command::new("etcdctl");
        cmd.env("ETCDCTL_API", "3").arg("--endpoints").arg(self.live_endpoints()).arg("--command-timeout=5s");
        if let Some(t) = &self.tls {
            cmd.arg("--cacert").arg(&t.ca).arg("--cert").arg(&t.client_cert).arg("--key").arg(&t.client_key);
        }
        cmd
    }

    /// Runs `etcdctl args` (feeding `stdin`), asserting success; its stdout.
    ///
    /// # Panics
    ///
    /// Panics with etcdctl's stderr when it fails.
    pub fn ctl(&self, args: &[&str], stdin: Option<&[u8]>) -> String {
        use std::io::Write;
        let mut cmd = self.etcdctl();
        cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(Stdio::piped());
        let mut child = cmd.spawn().expect("etcdctl");
        if let Some(mut pipe) = child.stdin.take()
            && let Some(bytes) = stdin
        {
            let _ = pipe.write_all(bytes);
        }
        let out = child.wait_with_output().expect("etcdctl");
        assert!(out.status.success(), "etcdctl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn healthy(&self) -> bool {
        self.members.iter().filter(|m| m.child.is_some()).all(|m| {
            let mut cmd = self.etcdctl();
            cmd.arg("--endpoints").arg(&m.url).args(["endpoint", "health"]);
            cmd.output().is_ok_and(|o| o.status.success())
        })
    }

    /// Every member's client URL, comma-separated.
    pub fn endpoints(&self) -> String {
        self.members.iter().map(|m| m.url.as_str()).collect::<Vec<_>>().join(",")
    }

    /// The running members' client URLs, comma-separated.
    pub fn live_endpoints(&self) -> String {
        self.members.iter().filter(|m| m.child.is_some()).map(|m| m.url.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Kills member `i` (SIGKILL, by pid) and reaps it.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.members[i].child.take() {
            let _ = Command::new("kill").arg("-KILL").arg(c.id().to_string()).status();
            let _ = c.wait();
        }
    }

    /// Starts member `i` again (after [`kill`](Cluster::kill)) with its data directory and
    /// waits until the cluster is healthy.
    ///
    /// # Panics
    ///
    /// Panics when it is not healthy within 30 s.
    pub fn restart(&mut self, i: usize) {
        if self.members[i].child.is_none() {
            self.members[i].spawn();
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.healthy() {
            assert!(Instant::now() < deadline, "etcd member {} did not come back in 30 s:\n{}", self.members[i].name, self.members[i].log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops every member (SIGTERM by pid, then SIGKILL after 5 s).
    pub fn stop(&mut self) {
        for m in &mut self.members {
            if let Some(mut c) = m.child.take() {
                let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
                let deadline = Instant::now() + Duration::from_secs(5);
                while Instant::now() < deadline {
                    if let Ok(Some(_)) = c.try_wait() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                let _ = Command::new("kill").arg("-KILL").arg(c.id().to_string()).status();
                let _ = c.wait();
            }
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for i in 0..self.members.len() {
            self.kill(i);
        }
    }
}

/// Runs `mclc` with `args`, extra environment variables and a working directory; waits for it.
///
/// # Panics
///
/// Panics if the binary cannot be started.
pub fn mclc_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> crate::Output {
    let mut cmd = Command::new(crate::mclc());
    cmd.args(args).current_dir(dir).stdin(Stdio::null()).env_remove("MCL_ETCD_ENDPOINTS").env_remove("MCL_ETCD_PASSWORD");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run mclc");
    crate::Output { code: out.status.code(), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

/// A running `mclc agent` with its own state directory (killed on drop).
pub struct Agent {
    /// The host name it runs as.
    pub host: String,
    /// Its directory (output files, `state/`).
    pub dir: tempfile::TempDir,
    child: Child,
    /// Its arguments and environment, for [`restart`](Agent::restart).
    args: Vec<std::ffi::OsString>,
    env: Vec<(String, String)>,
}

impl Agent {
    /// Starts `mclc agent --etcd <endpoints> --hostname <host> --state-dir <dir>/state` plus
    /// `extra` arguments.
    pub fn start(endpoints: &str, host: &str, extra: &[&str]) -> Agent {
        Agent::start_env(endpoints, host, extra, &[])
    }

    /// Like [`start`](Agent::start), with extra environment variables.
    ///
    /// # Panics
    ///
    /// Panics if the agent can't be started.
    pub fn start_env(endpoints: &str, host: &str, extra: &[&str], env: &[(&str, &str)]) -> Agent {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cmd = Command::new(crate::mclc());
        cmd.args(["agent", "--etcd", endpoints, "--hostname", host, "--state-dir"]).arg(dir.path().join("state")).args(extra);
        cmd.env_remove("MCL_ETCD_ENDPOINTS").env_remove("MCL_ETCD_PASSWORD").envs(env.iter().copied());
        cmd.stdin(Stdio::null()).stdout(std::fs::File::create(dir.path().join("stdout")).expect("stdout file")).stderr(std::fs::File::create(dir.path().join("stderr")).expect("stderr file"));
        let args = cmd.get_args().map(|a| a.to_os_string()).collect();
        let child = cmd.spawn().expect("start mclc agent");
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Agent { host: host.to_string(), dir, child, args, env }
    }

    /// Kills the agent with SIGKILL (by pid) and reaps it: it gets no chance to clean up.
    pub fn kill(&mut self) {
        let _ = Command::new("kill").arg("-KILL").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }

    /// Starts the agent again (after [`kill`](Agent::kill) or [`terminate`](Agent::terminate))
    /// with the same arguments, host name and state directory; its output is appended to the
    /// same files.
    ///
    /// # Panics
    ///
    /// Panics if the agent can't be started.
    pub fn restart(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
        let append = |name: &str| std::fs::OpenOptions::new().create(true).append(true).open(self.dir.path().join(name)).expect("output file");
        let mut cmd = Command::new(crate::mclc());
        cmd.args(&self.args).env_remove("MCL_ETCD_ENDPOINTS").env_remove("MCL_ETCD_PASSWORD");
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd.stdin(Stdio::null()).stdout(append("stdout")).stderr(append("stderr"));
        self.child = cmd.spawn().expect("restart mclc agent");
    }

    /// True while the process runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Its resident set size in KiB (`VmRSS` of `/proc/<pid>/status`), while it runs.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// How many file descriptors it has open (entries of `/proc/<pid>/fd`), while it runs.
    pub fn open_fds(&self) -> Option<usize> {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).ok().map(|d| d.count())
    }

    /// How many threads it runs (`Threads` of `/proc/<pid>/status`), while it runs.
    pub fn threads(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|v| v.trim().parse().ok())
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything it printed on stdout (the programs' `print` lines, …).
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stdout")).unwrap_or_default()
    }

    /// Its log (stderr).
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr")).unwrap_or_default()
    }

    /// Stops the agent with SIGTERM (by pid) and waits up to 10 s; its exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Waits up to 15 s for the agent to register; false if it did not (or exited).
    pub fn registered(&self) -> bool {
        crate::run::wait_for(Duration::from_secs(15), || self.stderr().contains("registered")).is_some()
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `text` to `dir/name` (creating directories); the path as a string.
///
/// # Panics
///
/// Panics if the file cannot be written.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

/// A program that prints `<version> on <hostname>` (as `print[version]: …`).
pub fn printer(version: &str) -> String {
    format!("import \"sys\"\n\n$h = sys.hostname()\nprint \"version\" {{\n\tmsg => \"{version} on ${{h}}\",\n}}\n")
}

/// `mclc status --format json`'s entry for `host`.
pub fn host_status(endpoints: &str, host: &str) -> Option<serde_json::Value> {
    let out = mclc_in(Path::new("."), &["status", "--etcd", endpoints, "--format", "json"], &[]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).ok()?;
    doc["hosts"].as_array()?.iter().find(|h| h["host"] == host).cloned()
}

/// Waits (up to 15 s) until `host` reports `state` for `deploy`; its status.
///
/// # Panics
///
/// Panics with the last status seen when it never does.
pub fn wait_state(endpoints: &str, host: &str, deploy: u64, state: &str) -> serde_json::Value {
    let mut last = None;
    let ok = crate::run::wait_for(Duration::from_secs(15), || {
        last = host_status(endpoints, host);
        last.as_ref().is_some_and(|s| s["deploy"] == deploy && s["state"] == state)
    });
    assert!(ok.is_some(), "{host} never reached deploy {deploy} {state}; last status {last:?}");
    last.unwrap_or(serde_json::Value::Null)
}

/// The index of the member that is the cluster's leader now (asked with `etcdctl endpoint
/// status`), if one is.
pub fn leader(cluster: &Cluster) -> Option<usize> {
    let out = cluster.etcdctl().args(["endpoint", "status", "-w", "json"]).output().ok()?;
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let entry = doc.as_array()?.iter().find(|e| e["Status"]["leader"].as_u64().is_some_and(|l| l != 0 && Some(l) == e["Status"]["header"]["member_id"].as_u64()))?;
    let url = entry["Endpoint"].as_str()?;
    cluster.members.iter().position(|m| m.url == url)
}

/// The id `mclc deploy` printed (`deployed 7: …`).
pub fn deployed_id(out: &crate::Output) -> Option<u64> {
    out.stdout.lines().find_map(|l| l.strip_prefix("deployed ")).and_then(|r| r.split(':').next()).and_then(|n| n.parse().ok())
}

/// Like [`wait_state`], with a deadline of `timeout`.
///
/// # Panics
///
/// Panics with the last status seen when `host` never reports `state` for `deploy`.
pub fn wait_state_for(endpoints: &str, host: &str, deploy: u64, state: &str, timeout: Duration) -> serde_json::Value {
    let mut last = None;
    let ok = crate::run::wait_for(timeout, || {
        last = host_status(endpoints, host);
        let hit = last.as_ref().is_some_and(|s| s["deploy"] == deploy && s["state"] == state);
        if !hit {
            // `mclc status` is a whole process: don't spin on two cores.
            std::thread::sleep(Duration::from_millis(100));
        }
        hit
    });
    assert!(ok.is_some(), "{host} never reached deploy {deploy} {state} in {timeout:?}; last status {last:?}");
    last.unwrap_or(serde_json::Value::Null)
}

/// The sha256 of `bytes`, in lower-case hex (as manifests name blobs).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores deploy `id` by hand, as a deployer with write access to the prefix could: a manifest
/// listing `files` as `(path, sha256, size)` with the content hash agents check
/// (docs/deploy.md), and `/mcl/head` pointing at it. No blobs are stored.
pub fn put_deploy(cluster: &Cluster, id: u64, entry: &str, files: &[(&str, &str, u64)]) {
    let mut text = format!("mcl-deploy 1\nentry {entry}\nnoop false\n");
    for (path, sha, size) in files {
        text.push_str(&format!("{sha} {size} false {path}\n"));
    }
    let content = sha256_hex(text.as_bytes());
    let manifest = serde_json::json!({
        "format": 1, "id": id, "entry": entry, "content": content, "noop": false,
        "files": files.iter().map(|(p, s, n)| serde_json::json!({"path": p, "sha256": s, "size": n})).collect::<Vec<_>>(),
        "created_at": "2025-01-01T00:00:00.000Z", "author": "mallory", "source": "/x", "git": null,
    });
    cluster.ctl(&["put", &format!("/mcl/deploys/{id:010}")], Some(manifest.to_string().as_bytes()));
    cluster.ctl(&["put", "/mcl/head"], Some(serde_json::json!({"id": id, "content": content}).to_string().as_bytes()));
}

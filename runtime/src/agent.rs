//! `mclc agent`: runs the newest deploy of a cluster on this host and reports how it goes.
//!
//! The agent registers `P/hosts/<host>` under a lease (a second agent claiming the same name
//! gets [`DeployError::DuplicateHost`]), watches `P/head`, and for each new deploy:
//!
//! 1. reports `compiling`; reads and validates the manifest (no absolute paths, no `..`);
//! 2. fetches every blob and checks its sha256 and size, then writes the files into a private
//!    directory `<state>/deploys/<id>.partial` and renames it to `<state>/deploys/<id>` — a
//!    half-fetched deploy is never run;
//! 3. checks the program; if it does not compile the previous deploy keeps running and the
//!    status says `failed` with the diagnostics (paths inside the deploy, `file:line:col`);
//! 4. stops the running deploy and runs the new one through the same runtime as `mclc run`
//!    (`sys.hostname()` is the agent's `--hostname`), reporting `applying`, then `converged`
//!    or `failed` with the failing resources after every pass. If the new one fails its first
//!    evaluation, the previous one is started again.
//!
//! etcd going away does not stop the running deploy: requests are retried, the watch is
//! re-created and the head re-read (also after a compaction), the lease renewed or, once
//! expired, re-registered. The world functions (`world.getval`, `world.kvlookup`, `kv`
//! resources) read and write `P/world/`, mirrored into the runtime's world store, and
//! `world.schedule` gives every live host (`P/hosts/`).

use crate::deploy::error::DeployError;
use crate::deploy::manifest::{Manifest, now_rfc3339, sha256_hex};
use crate::deploy::schema::{Head, HostRecord, HostStatus, State, WorldKey};
use crate::deploy::store::{EtcdConfig, Store};
use crate::engine::Counts;
use crate::error::RunError;
use crate::report::{Event, Printer, Reporter};
use crate::runner::{RunControl, RunOptions};
use crate::streams::WorldSignal;
use etcd_client::{Compare, CompareOp, EventType, GetOptions, PutOptions, Txn, TxnOp, TxnOpResponse, WatchOptions};
use mcl_compiler::diagnostics::render;
use mcl_compiler::eval::stdlib::{Exported, Host, World};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// How the agent runs.
#[derive(Clone, Debug)]
pub struct AgentOptions {
    /// Where etcd is.
    pub etcd: EtcdConfig,
    /// The name to register and report under; what `sys.hostname()` returns.
    pub hostname: String,
    /// Where deploys are materialised: created with mode 0700; the agent refuses to start when
    /// another user could change it ([`crate::deploy::local::private_dir`]).
    pub state_dir: PathBuf,
    /// The lease's time to live in seconds: how soon a dead agent disappears from `P/hosts/`.
    pub lease_ttl: i64,
    /// How many check-and-applies may run at once.
    pub workers: usize,
}

impl AgentOptions {
    /// Defaults: this machine's hostname, `/var/lib/mclc/agent/<host>` as root (else
    /// `$XDG_STATE_HOME/mclc/agent/<host>`), a 5 s lease.
    pub fn new(etcd: EtcdConfig, hostname: Option<String>) -> AgentOptions {
        let hostname = hostname.unwrap_or_else(crate::deploy::git::machine_name);
        let base = if unsafe { libc::geteuid() } == 0 {
            PathBuf::from("/var/lib/mclc/agent")
        } else {
            let state = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from).or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state"))).unwrap_or_else(std::env::temp_dir);
            state.join("mclc/agent")
        };
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        AgentOptions { etcd, state_dir: base.join(&hostname), hostname, lease_ttl: 5, workers: (cores * 4).max(8) }
    }
}

/// What a run thread tells the agent.
enum RunMsg {
    Event(Event),
    Exported(Vec<Exported>),
    State(Counts),
    Ended(Result<(), RunError>),
}

/// Forwards a run's events to the agent (and prints them like `mclc run`).
struct AgentReporter {
    seq: u64,
    host: String,
    tx: UnboundedSender<(u64, RunMsg)>,
    printer: Printer,
}

impl Reporter for AgentReporter {
    fn event(&mut self, e: Event) {
        self.printer.event(e.clone());
        let _ = self.tx.send((self.seq, RunMsg::Event(e)));
    }
    fn pass(&mut self, counts: Counts, elapsed: Duration, first: bool) {
        self.printer.pass(counts, elapsed, first);
    }
    fn graph(&mut self, graph: &mcl_compiler::eval::graph::Graph) {
        let exported = graph
            .resources
            .values()
            .filter_map(|r| {
                let to: Vec<String> = r.meta.get("export")?.as_list()?.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
                (!to.is_empty()).then(|| Exported { kind: r.kind.to_string(), name: r.name.clone(), host: self.host.clone(), to })
            })
            .collect();
        let _ = self.tx.send((self.seq, RunMsg::Exported(exported)));
    }
    fn graph_state(&mut self, state: Counts) {
        let _ = self.tx.send((self.seq, RunMsg::State(state)));
    }
    fn problem(&mut self, message: &str) {
        self.printer.problem(message);
    }
}

/// A deploy running on its own thread.
struct Running {
    seq: u64,
    id: u64,
    dir: PathBuf,
    manifest: Manifest,
    stop: tokio::sync::watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Resource failures of the current graph, by resource.
    failures: BTreeMap<String, String>,
}

/// The agent's state between events.
struct Agent {
    opts: AgentOptions,
    store: Store,
    status: HostStatus,
    status_tx: UnboundedSender<HostStatus>,
    run_tx: UnboundedSender<(u64, RunMsg)>,
    running: Option<Running>,
    /// The last deploy that ran successfully before the current one (to fall back to).
    previous: Option<(u64, PathBuf, Manifest)>,
    seq: u64,
    seen: u64,
    world: Arc<Mutex<World>>,
    world_signal: WorldSignal,
    /// The running graph's exported resources, to the world task.
    export_tx: UnboundedSender<Vec<Exported>>,
}

fn log(host: &str, message: impl AsRef<str>) {
    eprintln!("mclc agent [{host}]: {}", message.as_ref());
}

/// Runs the agent until SIGINT or SIGTERM (or a fatal error such as a duplicate host name).
pub fn run_agent(opts: AgentOptions) -> Result<(), DeployError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| DeployError::Other(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(agent_main(opts))
}

async fn agent_main(opts: AgentOptions) -> Result<(), DeployError> {
    // Whoever can change the state directory can run code as the agent: it must be private.
    crate::deploy::local::private_dir(&opts.state_dir)?;
    std::fs::create_dir_all(opts.state_dir.join("deploys")).map_err(|e| DeployError::io("create", &opts.state_dir, &e))?;
    let store = Store::connect(&opts.etcd).await?;
    let lease = register(&store, &opts).await?;
    log(&opts.hostname, format!("registered at {} under {}", store.endpoints(), store.keys().host(&opts.hostname)));
    let (fatal_tx, mut fatal_rx) = unbounded_channel::<DeployError>();
    let lease_id = Arc::new(Mutex::new(lease));
    tokio::spawn(lease_loop(store.clone(), opts.clone(), lease_id.clone(), fatal_tx));
    let (status_tx, status_rx) = unbounded_channel::<HostStatus>();
    tokio::spawn(status_writer(store.clone(), status_rx));
    let world = Arc::new(Mutex::new(World::default()));
    let world_signal = WorldSignal::default();
    let (export_tx, export_rx) = unbounded_channel::<Vec<Exported>>();
    tokio::spawn(world_sync(store.clone(), opts.hostname.clone(), world.clone(), world_signal.clone(), export_rx));
    let (run_tx, mut run_rx) = unbounded_channel::<(u64, RunMsg)>();
    let now = now_rfc3339();
    let status = HostStatus { host: opts.hostname.clone(), deploy: 0, state: State::Converged, running: None, since: now.clone(), updated_at: now, diagnostics: Vec::new() };
    let mut agent = Agent { opts, store, status, status_tx, run_tx, running: None, previous: None, seq: 0, seen: 0, world, world_signal, export_tx };
    let (head_tx, mut head_rx) = unbounded_channel::<u64>();
    tokio::spawn(head_watcher(agent.store.clone(), agent.opts.hostname.clone(), head_tx));
    let mut stop = Box::pin(crate::runner::stop_signal());
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(e) = fatal_rx.recv() => {
                agent.stop_running().await;
                return Err(e);
            }
            Some(mut id) = head_rx.recv() => {
                while let Ok(newer) = head_rx.try_recv() {
                    id = id.max(newer);
                }
                if id > agent.seen {
                    agent.handle(id).await;
                }
            }
            Some((seq, msg)) = run_rx.recv() => agent.on_run(seq, msg).await,
        }
    }
    log(&agent.opts.hostname, "stopping: letting running check-and-applies finish");
    agent.stop_running().await;
    // What this host exported goes with it.
    let mine = agent.store.keys().world_exported_by(&agent.opts.hostname);
    let _ = agent.store.call("delete the exported resources", |mut c| {
        let mine = mine.clone();
        async move { c.delete(mine, Some(etcd_client::DeleteOptions::new().with_prefix())).await }
    }).await;
    let lease = lease_id.lock().map(|l| *l).unwrap_or(0);
    let _ = agent.store.call("revoke the lease", |mut c| async move { c.lease_revoke(lease).await }).await;
    Ok(())
}

/// Grants a lease and creates `P/hosts/<host>` under it, unless another agent holds the name.
/// A record left by a dead agent of this machine is waited out (its lease expires).
async fn register(store: &Store, opts: &AgentOptions) -> Result<i64, DeployError> {
    let key = store.keys().host(&opts.hostname);
    let machine = crate::deploy::git::machine_name();
    let record = HostRecord { host: opts.hostname.clone(), machine: machine.clone(), pid: std::process::id(), started_at: now_rfc3339(), version: env!("CARGO_PKG_VERSION").into() };
    let json = serde_json::to_vec(&record).map_err(|e| DeployError::Other(e.to_string()))?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(opts.lease_ttl as u64 + 3);
    loop {
        let ttl = opts.lease_ttl;
        let lease = store.call("grant a lease", |mut c| async move { c.lease_grant(ttl, None).await }).await?.id();
        let txn = Txn::new()
            .when([Compare::create_revision(key.clone(), CompareOp::Equal, 0)])
            .and_then([TxnOp::put(key.clone(), json.clone(), Some(PutOptions::new().with_lease(lease)))])
            .or_else([TxnOp::get(key.clone(), None)]);
        let resp = store.txn(txn, "register the host").await?;
        if resp.succeeded() {
            return Ok(lease);
        }
        let holder = resp.op_responses().into_iter().find_map(|r| match r {
            TxnOpResponse::Get(g) => g.kvs().first().and_then(|kv| Store::parse::<HostRecord>(kv).map(|r| (r, kv.lease())).ok()),
            _ => None,
        });
        // A retried transaction may find its own earlier, applied attempt.
        if let Some((h, l)) = &holder
            && *h == record
            && *l == lease
        {
            return Ok(lease);
        }
        let _ = store.call("revoke a lease", |mut c| async move { c.lease_revoke(lease).await }).await;
        let holder = holder.map(|(h, _)| h);
        let Some(holder) = holder else { continue };
        let stale = holder.machine == machine && !crate::resources::util::pid_alive(holder.pid);
        if !stale || tokio::time::Instant::now() > deadline {
            return Err(DeployError::DuplicateHost { host: opts.hostname.clone(), holder: format!("on {} pid {} since {}", holder.machine, holder.pid, holder.started_at) });
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Keeps the lease alive; re-registers when it expired (etcd was away longer than its TTL).
async fn lease_loop(store: Store, opts: AgentOptions, lease: Arc<Mutex<i64>>, fatal: UnboundedSender<DeployError>) {
    let every = Duration::from_millis((opts.lease_ttl.max(2) as u64 * 1000) / 3);
    loop {
        let id = lease.lock().map(|l| *l).unwrap_or(0);
        let kept = store.call("keep the lease alive", |mut c| async move { c.lease_keep_alive(id).await }).await;
        let expired = match kept {
            Ok((mut keeper, mut stream)) => loop {
                if keeper.keep_alive().await.is_err() {
                    break false;
                }
                match tokio::time::timeout(every * 2, stream.message()).await {
                    Ok(Ok(Some(r))) if r.ttl() > 0 => tokio::time::sleep(every).await,
                    Ok(Ok(Some(_))) => break true,
                    _ => break false,
                }
            },
            Err(_) => false,
        };
        if !expired {
            tokio::time::sleep(Duration::from_millis(300)).await;
            // The lease may have run out while etcd was unreachable.
            let ttl = store.call("check the lease", |mut c| async move { c.lease_time_to_live(id, None).await }).await;
            if !matches!(ttl, Ok(r) if r.ttl() <= 0) {
                continue;
            }
        }
        log(&opts.hostname, "the lease expired (etcd was unreachable too long): registering again");
        loop {
            match register(&store, &opts).await {
                Ok(new) => {
                    if let Ok(mut l) = lease.lock() {
                        *l = new;
                    }
                    break;
                }
                Err(e @ DeployError::DuplicateHost { .. }) => {
                    let _ = fatal.send(e);
                    return;
                }
                Err(e) => {
                    log(&opts.hostname, format!("{e}; retrying"));
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

/// Writes the newest status record, retrying until etcd takes it.
async fn status_writer(store: Store, mut rx: UnboundedReceiver<HostStatus>) {
    while let Some(mut status) = rx.recv().await {
        loop {
            while let Ok(newer) = rx.try_recv() {
                status = newer;
            }
            let Ok(json) = serde_json::to_vec(&status) else { break };
            let key = store.keys().status(&status.host);
            let put = store.call("write the status", |mut c| {
                let (key, json) = (key.clone(), json.clone());
                async move { c.put(key, json, None).await }
            });
            match put.await {
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!("{e}; retrying");
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
        }
    }
}

/// Sends every new head id: reads `P/head`, watches it, and on any watch failure (etcd
/// restarting, a member lost, a compaction) re-reads and watches again.
async fn head_watcher(store: Store, host: String, tx: UnboundedSender<u64>) {
    let key = store.keys().head();
    let mut failures = 0u32;
    loop {
        let read = store.call("read the newest deploy", |mut c| {
            let key = key.clone();
            async move { c.get(key, None).await }
        });
        let resp = match read.await {
            Ok(r) => r,
            Err(e) => {
                failures += 1;
                if failures == 1 || failures % 20 == 0 {
                    log(&host, format!("{e}; retrying"));
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            }
        };
        if failures > 0 {
            log(&host, "etcd is reachable again");
            failures = 0;
        }
        let rev = resp.header().map_or(0, |h| h.revision());
        if let Some(kv) = resp.kvs().first()
            && let Ok(h) = Store::parse::<Head>(kv)
            && tx.send(h.id).is_err()
        {
            return;
        }
        let opts = WatchOptions::new().with_start_revision(rev + 1).with_progress_notify();
        let k = key.clone();
        let watch = store.call("watch the newest deploy", |mut c| {
            let k = k.clone();
            let opts = opts.clone();
            async move { c.watch(k, Some(opts)).await }
        });
        let Ok(mut stream) = watch.await else {
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        };
        // Any end of the stream (an error, a cancel, a compaction) leads to a fresh read.
        while let Ok(Some(msg)) = stream.message().await {
            if msg.canceled() || msg.compact_revision() > 0 {
                break;
            }
            for ev in msg.events() {
                if ev.event_type() == EventType::Put
                    && let Some(kv) = ev.kv()
                    && let Ok(h) = Store::parse::<Head>(kv)
                    && tx.send(h.id).is_err()
                {
                    return;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Renders diagnostics one per line, with paths relative to the deploy directory.
fn short_lines(text: &str, dir: &Path) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.replace(&prefix, "")).collect()
}

impl Agent {
    fn set_status(&mut self, deploy: u64, state: State, diagnostics: Vec<String>) {
        let running = self.running.as_ref().map(|r| r.id);
        let now = now_rfc3339();
        let changed_state = self.status.deploy != deploy || self.status.state != state;
        if !changed_state && self.status.diagnostics == diagnostics && self.status.running == running {
            return;
        }
        if changed_state {
            self.status.since = now.clone();
            let mut line = format!("deploy {deploy}: {state}");
            if let Some(first) = diagnostics.first() {
                line.push_str(&format!(": {first}"));
            }
            log(&self.opts.hostname, line);
        }
        self.status.deploy = deploy;
        self.status.state = state;
        self.status.running = running;
        self.status.updated_at = now;
        self.status.diagnostics = diagnostics;
        let _ = self.status_tx.send(self.status.clone());
    }

    async fn handle(&mut self, id: u64) {
        self.seen = id;
        self.set_status(id, State::Compiling, Vec::new());
        let mut attempt = 0;
        let prepared = loop {
            match self.fetch(id).await {
                Ok(p) => break p,
                // The cluster is unwell (not the deploy): try again for a while.
                Err(e @ (DeployError::Etcd { .. } | DeployError::Unreachable { .. })) if attempt < 40 => {
                    if attempt == 0 {
                        log(&self.opts.hostname, format!("deploy {id}: {e}; retrying"));
                    }
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => {
                    self.set_status(id, State::Failed, vec![e.to_string()]);
                    return;
                }
            }
        };
        let (manifest, dir) = prepared;
        let entry = dir.join(&manifest.entry);
        let checked = tokio::task::spawn_blocking(move || crate::runner::compile(&entry).map(|_| ())).await;
        match checked {
            Ok(Ok(())) => {}
            Ok(Err(RunError::Program { diagnostics, sources })) => {
                let text = render::render(&diagnostics, &sources, render::Format::Short);
                let mut lines = short_lines(&text, &dir);
                lines.retain(|l| l.contains("error"));
                self.set_status(id, State::Failed, lines);
                return;
            }
            Ok(Err(e)) => {
                self.set_status(id, State::Failed, vec![e.to_string()]);
                return;
            }
            Err(e) => {
                self.set_status(id, State::Failed, vec![format!("the check crashed: {e}")]);
                return;
            }
        }
        if let Some(r) = &self.running {
            self.previous = Some((r.id, r.dir.clone(), r.manifest.clone()));
        }
        self.stop_running().await;
        self.start(id, dir, manifest);
        self.set_status(id, State::Applying, Vec::new());
        self.clean_old();
    }

    /// Reads, validates, fetches, verifies and materialises deploy `id`.
    async fn fetch(&self, id: u64) -> Result<(Manifest, PathBuf), DeployError> {
        let manifest = self.store.manifest(id).await?;
        let dir = self.opts.state_dir.join("deploys").join(id.to_string());
        if verify_dir(&dir, &manifest).is_ok() {
            return Ok((manifest, dir));
        }
        let mut wanted = Vec::new();
        let mut cached: HashMap<String, Vec<u8>> = HashMap::new();
        let cache = self.opts.state_dir.join("blobs");
        for f in &manifest.files {
            if cached.contains_key(&f.sha256) {
                continue;
            }
            match std::fs::read(cache.join(&f.sha256)) {
                Ok(bytes) if sha256_hex(&bytes) == f.sha256 && bytes.len() as u64 == f.size => {
                    cached.insert(f.sha256.clone(), bytes);
                }
                _ => {
                    if !wanted.iter().any(|(_, s, _): &(String, String, u64)| *s == f.sha256) {
                        wanted.push((f.path.clone(), f.sha256.clone(), f.size));
                    }
                }
            }
        }
        let fetched = self.store.read_blobs(id, &wanted).await?;
        let _ = std::fs::create_dir_all(&cache);
        for (sha, bytes) in &fetched {
            let tmp = cache.join(format!("{sha}.tmp"));
            let _ = std::fs::remove_file(&tmp);
            if crate::deploy::local::write_new(&tmp, bytes, 0o600).is_ok() {
                let _ = std::fs::rename(&tmp, cache.join(sha));
            }
        }
        cached.extend(fetched);
        let partial = self.opts.state_dir.join("deploys").join(format!("{id}.partial"));
        let _ = std::fs::remove_dir_all(&partial);
        let _ = std::fs::remove_file(complete_marker(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new().mode(0o700).create(&partial).map_err(|e| DeployError::io("create", &partial, &e))?;
        }
        for f in &manifest.files {
            let bytes = cached.get(&f.sha256).ok_or_else(|| DeployError::BadBlob { id, path: f.path.clone(), reason: "not fetched".into() })?;
            // Paths were validated: relative, no `..`, so the join stays inside.
            let path = partial.join(&f.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| DeployError::io("create", parent, &e))?;
            }
            // A new file (never through a link), 0644 or 0755 whatever the umask: a file
            // resource copying a `source` directory copies these modes.
            crate::deploy::local::write_new(&path, bytes, if f.executable { 0o755 } else { 0o644 })?;
        }
        std::fs::rename(&partial, &dir).map_err(|e| DeployError::io("rename", &partial, &e))?;
        // The marker sits beside the directory, so no deploy file can collide with it.
        let marker = complete_marker(&dir);
        std::fs::write(&marker, manifest.content.as_bytes()).map_err(|e| DeployError::io("write", &marker, &e))?;
        Ok((manifest, dir))
    }

    fn start(&mut self, id: u64, dir: PathBuf, manifest: Manifest) {
        self.seq += 1;
        let seq = self.seq;
        let entry = dir.join(&manifest.entry);
        let mut opts = RunOptions::new(&entry);
        opts.noop = manifest.noop;
        opts.hostname = Some(self.opts.hostname.clone());
        opts.workers = self.opts.workers;
        let mut host = Host::local(dir.clone());
        host.hostname = self.opts.hostname.clone();
        host.world = self.world.clone();
        host.vardir = self.opts.state_dir.join("var");
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let control = RunControl { host: Some(host), stop: Some(stop_rx), world_signal: Some(self.world_signal.clone()) };
        let tx = self.run_tx.clone();
        let noop = manifest.noop;
        let reporter_host = self.opts.hostname.clone();
        let thread = std::thread::Builder::new().name(format!("mclc-deploy-{id}")).spawn(move || {
            let mut reporter = AgentReporter { seq, host: reporter_host, tx: tx.clone(), printer: Printer::new(noop) };
            let result = crate::runner::run_with(opts, control, &mut reporter).map(|_| ());
            let _ = tx.send((seq, RunMsg::Ended(result)));
        });
        match thread {
            Ok(t) => self.running = Some(Running { seq, id, dir, manifest, stop: stop_tx, thread: Some(t), failures: BTreeMap::new() }),
            Err(e) => {
                self.running = None;
                self.set_status(id, State::Failed, vec![format!("cannot start a thread for the deploy: {e}")]);
            }
        }
    }

    async fn stop_running(&mut self) {
        if let Some(mut r) = self.running.take() {
            let _ = r.stop.send(true);
            if let Some(t) = r.thread.take() {
                let _ = tokio::task::spawn_blocking(move || t.join()).await;
            }
        }
    }

    async fn on_run(&mut self, seq: u64, msg: RunMsg) {
        let Some(r) = self.running.as_mut().filter(|r| r.seq == seq) else { return };
        let (id, dir) = (r.id, r.dir.clone());
        match msg {
            RunMsg::Event(Event::Failed { res, loc, error }) => {
                r.failures.insert(res.clone(), format!("{loc}: {res}: {error}"));
            }
            RunMsg::Event(Event::Blocked { res, loc, by }) => {
                r.failures.insert(res.clone(), format!("{loc}: {res}: not attempted because {by} failed"));
            }
            RunMsg::Event(Event::Applied { res, .. }) => {
                r.failures.remove(&res);
            }
            RunMsg::Event(Event::Said(_)) => {}
            RunMsg::Exported(list) => {
                let _ = self.export_tx.send(list);
            }
            RunMsg::State(counts) => {
                if counts.failed + counts.blocked == 0 {
                    r.failures.clear();
                    if id == self.seen {
                        self.set_status(id, State::Converged, Vec::new());
                    }
                } else if id == self.seen {
                    let lines = r.failures.values().flat_map(|l| short_lines(l, &dir)).collect();
                    self.set_status(id, State::Failed, lines);
                }
            }
            RunMsg::Ended(result) => {
                let failed = self.running.take();
                if let Some(mut f) = failed
                    && let Some(t) = f.thread.take()
                {
                    let _ = tokio::task::spawn_blocking(move || t.join()).await;
                }
                let lines = match result {
                    Ok(()) => vec!["the run ended unexpectedly".to_string()],
                    Err(RunError::Program { diagnostics, sources }) => short_lines(&render::render(&diagnostics, &sources, render::Format::Short), &dir),
                    Err(e) => vec![e.to_string()],
                };
                // Fall back to the previous deploy, if there was one.
                if let Some((pid, pdir, pmanifest)) = self.previous.take().filter(|(p, _, _)| *p != id) {
                    log(&self.opts.hostname, format!("deploy {id} failed to start; running deploy {pid} again"));
                    self.start(pid, pdir, pmanifest);
                }
                self.set_status(id, State::Failed, lines);
            }
        }
    }

    /// Deletes materialised deploys other than the running and previous ones, and cached
    /// blobs neither of them uses.
    fn clean_old(&self) {
        let kept: Vec<(u64, &Manifest)> = self.running.iter().map(|r| (r.id, &r.manifest)).chain(self.previous.iter().map(|p| (p.0, &p.2))).collect();
        if let Ok(entries) = std::fs::read_dir(self.opts.state_dir.join("deploys")) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let id = name.trim_end_matches(".partial").trim_end_matches(".complete").parse::<u64>().ok();
                if id.is_some_and(|id| !kept.iter().any(|(k, _)| *k == id) && id < self.seen) {
                    let path = e.path();
                    let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
                }
            }
        }
        if let Ok(entries) = std::fs::read_dir(self.opts.state_dir.join("blobs")) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !kept.iter().any(|(_, m)| m.files.iter().any(|f| f.sha256 == name)) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

/// The file that marks `<state>/deploys/<id>` as completely written: `<id>.complete`.
fn complete_marker(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".complete");
    dir.with_file_name(name)
}

/// Checks an already materialised deploy directory against its manifest.
fn verify_dir(dir: &Path, m: &Manifest) -> Result<(), ()> {
    if std::fs::read(complete_marker(dir)).map_err(|_| ())? != m.content.as_bytes() {
        return Err(());
    }
    for f in &m.files {
        let bytes = std::fs::read(dir.join(&f.path)).map_err(|_| ())?;
        if sha256_hex(&bytes) != f.sha256 {
            return Err(());
        }
    }
    Ok(())
}

/// Mirrors `P/world/` into the runtime's world store (waking world-reading streams), and
/// writes the store's `kv` changes back: `P/world/values/<key>` and
/// `P/world/ns/<key>/<host>` (so `world.kvlookup(key)` sees every host's value).
async fn world_sync(store: Store, host: String, world: Arc<Mutex<World>>, signal: WorldSignal, mut exports: UnboundedReceiver<Vec<Exported>>) {
    // What this host has exported (key → record), to write only differences.
    let mut published: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    // Local changes arrive on a std channel: forward them into the async world.
    let (local_tx, mut local_rx) = unbounded_channel::<()>();
    let rx = signal.subscribe();
    let _ = std::thread::Builder::new().name("mclc-world".into()).spawn(move || {
        while rx.recv().is_ok() {
            if local_tx.send(()).is_err() {
                return;
            }
        }
    });
    let k = store.keys().clone();
    // What etcd holds, as far as we know: values by key.
    let mut synced: HashMap<String, String> = HashMap::new();
    // One range covers P/hosts/ (for world.schedule), P/status/ (ignored) and P/world/.
    let (start, end) = (k.hosts(), format!("{}0", k.world().trim_end_matches('/')));
    loop {
        let read = store.call("read the world store", |mut c| {
            let (start, end) = (start.clone(), end.clone());
            async move { c.get(start, Some(GetOptions::new().with_range(end))).await }
        });
        let Ok(mut resp) = read.await else {
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        };
        let rev = resp.header().map_or(0, |h| h.revision());
        let kvs = resp.take_kvs();
        {
            let mut w = world.lock().unwrap_or_else(|p| p.into_inner());
            w.namespaces.clear();
            w.hosts.clear();
            w.exported.clear();
            synced.clear();
            for kv in &kvs {
                apply_world(&k, &mut w, &mut synced, &String::from_utf8_lossy(kv.key()), Some(kv.value()));
            }
        }
        signal.notify();
        let opts = WatchOptions::new().with_range(end.clone()).with_start_revision(rev + 1);
        let watch = store.call("watch the world store", |mut c| {
            let start = start.clone();
            let opts = opts.clone();
            async move { c.watch(start, Some(opts)).await }
        });
        let Ok(mut stream) = watch.await else {
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        };
        loop {
            tokio::select! {
                msg = stream.message() => match msg {
                    Ok(Some(msg)) if !msg.canceled() => {
                        let mut changed = false;
                        {
                            let mut w = world.lock().unwrap_or_else(|p| p.into_inner());
                            for ev in msg.events() {
                                let Some(kv) = ev.kv() else { continue };
                                let value = (ev.event_type() == EventType::Put).then(|| kv.value());
                                changed |= apply_world(&k, &mut w, &mut synced, &String::from_utf8_lossy(kv.key()), value);
                            }
                        }
                        if changed {
                            signal.notify();
                        }
                    }
                    _ => break,
                },
                Some(mut list) = exports.recv() => {
                    while let Ok(newer) = exports.try_recv() {
                        list = newer;
                    }
                    let wanted: BTreeMap<String, Vec<u8>> = list.iter().map(|e| (k.world_exported(&host, &e.kind, &e.name), serde_json::to_vec(e).unwrap_or_default())).collect();
                    let mut ops = Vec::new();
                    for key in published.keys().filter(|key| !wanted.contains_key(*key)) {
                        ops.push(TxnOp::delete(key.clone(), None));
                    }
                    for (key, json) in &wanted {
                        if published.get(key) != Some(json) {
                            ops.push(TxnOp::put(key.clone(), json.clone(), None));
                        }
                    }
                    let mut ok = true;
                    for group in ops.chunks(100) {
                        if let Err(e) = store.txn(Txn::new().and_then(group.to_vec()), "publish the exported resources").await {
                            tracing::warn!("{e}");
                            ok = false;
                        }
                    }
                    if ok {
                        published = wanted;
                    }
                }
                Some(()) = local_rx.recv() => {
                    while local_rx.try_recv().is_ok() {}
                    let ops = {
                        let w = world.lock().unwrap_or_else(|p| p.into_inner());
                        let mut ops = Vec::new();
                        for (key, value) in &w.values {
                            if key.starts_with("value:") || synced.get(key) == Some(value) {
                                continue;
                            }
                            let json = serde_json::to_vec(value).unwrap_or_default();
                            ops.push(TxnOp::put(k.world_value(key), json.clone(), None));
                            ops.push(TxnOp::put(k.world_ns(key, &host), json, None));
                            synced.insert(key.clone(), value.clone());
                        }
                        let gone: Vec<String> = synced.keys().filter(|key| !w.values.contains_key(*key)).cloned().collect();
                        for key in gone {
                            ops.push(TxnOp::delete(k.world_value(&key), None));
                            ops.push(TxnOp::delete(k.world_ns(&key, &host), None));
                            synced.remove(&key);
                        }
                        ops
                    };
                    for group in ops.chunks(100) {
                        if let Err(e) = store.txn(Txn::new().and_then(group.to_vec()), "write the world store").await {
                            tracing::warn!("{e}");
                        }
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Applies one stored world key (or a host's registration) to the local store; true when
/// something changed.
fn apply_world(k: &crate::deploy::schema::Keys, w: &mut World, synced: &mut HashMap<String, String>, key: &str, value: Option<&[u8]>) -> bool {
    if let Some(host) = key.strip_prefix(&k.hosts()) {
        let at = w.hosts.binary_search_by(|h| h.as_str().cmp(host));
        return match (at, value) {
            (Err(i), Some(_)) => {
                w.hosts.insert(i, host.to_string());
                true
            }
            (Ok(i), None) => {
                w.hosts.remove(i);
                true
            }
            _ => false,
        };
    }
    let text = value.map(|v| serde_json::from_slice::<String>(v).unwrap_or_else(|_| String::from_utf8_lossy(v).into_owned()));
    match k.parse_world(key) {
        Some(WorldKey::Value(name)) => match text {
            Some(t) => {
                synced.insert(name.clone(), t.clone());
                w.values.insert(name, t.clone()).as_ref() != Some(&t)
            }
            None => {
                synced.remove(&name);
                w.values.remove(&name).is_some()
            }
        },
        Some(WorldKey::Exported { host, kind, name }) => {
            let at = w.exported.iter().position(|e| e.host == host && e.kind == kind && e.name == name);
            let record = value.and_then(|v| serde_json::from_slice::<Exported>(v).ok()).map(|e| Exported { host, kind, name, to: e.to });
            match (at, record) {
                (Some(i), Some(r)) if w.exported[i] == r => false,
                (Some(i), Some(r)) => {
                    w.exported[i] = r;
                    true
                }
                (None, Some(r)) => {
                    w.exported.push(r);
                    true
                }
                (Some(i), None) => {
                    w.exported.remove(i);
                    true
                }
                (None, None) => false,
            }
        }
        Some(WorldKey::Namespace(ns, host)) => match text {
            Some(t) => w.namespaces.entry(ns).or_default().insert(host, t.clone()).as_ref() != Some(&t),
            None => w.namespaces.get_mut(&ns).and_then(|m| m.remove(&host)).is_some(),
        },
        None => false,
    }
}

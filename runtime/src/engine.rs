//! The engine: holds the running graph, converges it in dependency order with independent
//! branches in parallel, and swaps in new graphs.
//!
//! A **pass** ([`Engine::converge`]) takes the resources that need a check (new or changed by a
//! graph swap, reported by a watch, refreshed) and everything downstream of them, and runs them in
//! topological order on tokio: a resource starts as soon as all its predecessors have finished,
//! each check-and-apply runs on the blocking pool (bounded by a worker semaphore). A resource
//! whose predecessor failed (or was blocked) is *blocked*: not attempted, reported with the
//! failure it waits on; everything else goes on. Downstream resources that no one asked to check
//! are only visited: they run when a Notify edge delivered a refresh or a send/recv edge a new
//! value.
//!
//! A **swap** ([`Engine::swap`]) diffs the new graph against the running one: a resource with
//! the same kind, name, fields and meta params keeps its state and is not re-applied; new and
//! changed ones (and ones whose incoming edges changed) need a check; removed ones are dropped.
//!
//! Meta params: `noop` (check only), `retry`/`delay` (retries within a pass), `timeout` (kills
//! the check-and-apply's commands and fails it), `limit`/`burst` (a token bucket on checks),
//! `sema` (named counting semaphores shared by all resources), `poll` (handled by the runner:
//! re-check on a timer instead of watching; `-1` checks once and never watches), `hidden` (never
//! run), `autoedge` (automatic edges, see [`add_automatic_edges`]), `autogroup` (resources of a
//! grouping kind that are ready together are converged in one call, e.g. one `apt-get install`).
//! `rewatch`, `realize`, `reset` and `retryreset` are accepted and have no further effect here.

use crate::error::ResError;
use crate::report::{Event, Reporter};
use crate::resources::{self, Ctx, Kind, Names, Outcome, Params};
use mcl_compiler::eval::graph::{Edge, Graph, ResId, Resource};
use mcl_compiler::eval::stdlib::World;
use mcl_compiler::eval::value::Value;
use mcl_compiler::source::SourceMap;
use smol_str::SmolStr;
use std::collections::{BTreeMap, BTreeSet};
// foldhash, not SipHash: swapping in a new graph hashes every resource identity (long paths).
use foldhash::{HashMap, HashMapExt};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How a resource stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Not checked yet.
    New,
    /// Converged: its last check-and-apply succeeded.
    Ok,
    /// Its last check-and-apply failed.
    Failed(ResError),
    /// Not attempted because a predecessor failed or was blocked.
    Blocked(String),
}

/// One resource of the running graph with its state.
pub(crate) struct Node {
    pub id: ResId,
    pub res: Arc<Resource>,
    pub kind: Option<&'static dyn Kind>,
    /// `path:line:col` of the statement.
    pub loc: String,
    pub status: Status,
    /// Not yet checked successfully, as currently configured, in this process.
    pub first: bool,
    /// Fields received over send/recv edges.
    pub received: BTreeMap<SmolStr, Value>,
    /// The last values sent, by port.
    pub sends: BTreeMap<SmolStr, Value>,
    /// A Notify edge delivered a refresh that has not been acted on.
    pub refresh: bool,
    /// A received value changed since the last check.
    pub stale: bool,
    /// A command watch reported an event.
    pub event: bool,
    pub preds: Vec<(usize, Edge)>,
    pub succs: Vec<(usize, Edge)>,
    /// Token bucket for `Meta:limit`/`burst`: tokens and when they were counted.
    bucket: Option<(f64, Instant)>,
}

impl Node {
    /// `kind[name]`.
    pub fn display(&self) -> String {
        format!("{}[{}]", self.id.0, self.id.1)
    }

    fn meta_int(&self, name: &str) -> i64 {
        self.res.meta.get(name).and_then(Value::as_int).unwrap_or(0)
    }
}

/// Counts of one pass, or of the whole graph's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Resources changed (in noop mode: that would change).
    pub applied: usize,
    /// Resources checked and already in their desired state.
    pub unchanged: usize,
    /// Resources whose check-and-apply failed (unsupported kinds included).
    pub failed: usize,
    /// Resources not attempted because something they depend on failed.
    pub blocked: usize,
}

/// Engine settings.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Check only, change nothing (`--noop`).
    pub noop: bool,
    /// How many check-and-applies may run at once.
    pub workers: usize,
}

/// The running graph and what converges it.
pub struct Engine {
    pub(crate) nodes: Vec<Node>,
    pub(crate) index: HashMap<ResId, usize>,
    opts: EngineOptions,
    workers: Arc<Semaphore>,
    semas: HashMap<String, Arc<Semaphore>>,
    world: Arc<Mutex<World>>,
    /// Set when the run is stopping: no new check-and-apply starts.
    pub stop: Arc<AtomicBool>,
    /// Set when a `kv` resource changed the world store (streams that read it re-sample).
    pub world_changed: bool,
}

/// The location of a resource's statement as `path:line:col`.
pub fn location(sources: &SourceMap, r: &Resource) -> String {
    let f = sources.get(r.file);
    let lc = f.line_col(r.span.start as usize);
    format!("{}:{}:{}", f.path.display(), lc.line, lc.column)
}

/// Two resources are the same configuration: kind, name, fields and meta params.
fn same_config(a: &Resource, b: &Resource) -> bool {
    a.kind == b.kind && a.name == b.name && a.params == b.params && a.meta == b.meta
}

/// Adds the runtime's automatic edges: each resource runs after the resources that manage what
/// it names (a file after the file resource of its source, after its owner and group; an exec
/// after the file resources of its command, working directory and `creates`, after its user; a
/// user after its groups; a service after its unit file). The compiler's graph already has a
/// file after its parent directory. No edge is added when `Meta:autoedge` is false on either
/// end, or when it would close a cycle.
pub fn add_automatic_edges(g: &mut Graph) {
    let empty = BTreeMap::new();
    let autoedge = |r: &Resource| r.meta.get("autoedge").and_then(Value::as_bool) != Some(false);
    // What each resource names first: most graphs name nothing, and then nothing else is done.
    let mut named: Vec<(&ResId, Names)> = Vec::new();
    for (id, r) in &g.resources {
        if let Some(k) = resources::implementation(&r.kind)
            && autoedge(r)
        {
            named.extend(k.names(&Params::new(r, &empty)).into_iter().map(|n| (id, n)));
        }
    }
    if named.is_empty() {
        return;
    }
    let mut managers: HashMap<Names, ResId> = HashMap::new();
    for (id, r) in &g.resources {
        if let Some(k) = resources::implementation(&r.kind)
            && autoedge(r)
            && let Some(m) = k.manages(&Params::new(r, &empty))
        {
            let m = match m {
                Names::Path(p) if p.len() > 1 => Names::Path(p.trim_end_matches('/').to_string()),
                other => other,
            };
            managers.insert(m, id.clone());
        }
    }
    let mut wanted = Vec::new();
    for (id, name) in named {
        let found = match &name {
            Names::Path(p) => {
                // The resource of the path itself, else of the closest managed parent.
                let mut path = p.trim_end_matches('/').to_string();
                loop {
                    if let Some(m) = managers.get(&Names::Path(path.clone())) {
                        break Some(m);
                    }
                    match path.rfind('/') {
                        Some(0) | None => break managers.get(&Names::Path("/".into())),
                        Some(i) => path.truncate(i),
                    }
                }
            }
            other => managers.get(other),
        };
        if let Some(from) = found
            && from != id
        {
            wanted.push((from.clone(), id.clone()));
        }
    }
    for (from, to) in wanted {
        if g.edges.contains_key(&(from.clone(), to.clone())) || reaches(g, &to, &from) {
            continue;
        }
        g.edges.insert((from, to), Edge { automatic: true, ..Edge::default() });
    }
}

/// True when `to` is reachable from `from` along the graph's edges.
fn reaches(g: &Graph, from: &ResId, to: &ResId) -> bool {
    let mut succs: HashMap<&ResId, Vec<&ResId>> = HashMap::new();
    for (a, b) in g.edges.keys() {
        succs.entry(a).or_default().push(b);
    }
    let mut stack = vec![from];
    let mut seen = std::collections::HashSet::new();
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        if seen.insert(n) {
            stack.extend(succs.get(n).into_iter().flatten().copied());
        }
    }
    false
}

/// What a node needs in this pass.
enum Prepared {
    /// Nothing to do (already converged, nothing new).
    Skip,
    /// Not attempted: a predecessor failed or was blocked.
    Blocked(String),
    /// The kind is not implemented.
    Unsupported,
    /// Run a check-and-apply.
    Run(Job),
}

/// One check-and-apply to run on the blocking pool.
struct Job {
    idx: usize,
    kind: &'static dyn Kind,
    res: Arc<Resource>,
    received: BTreeMap<SmolStr, Value>,
    noop: bool,
    refresh: bool,
    first: bool,
    event: bool,
    timeout: Option<Duration>,
    retry: i64,
    delay: Duration,
    wait: Duration,
    semas: Vec<(Arc<Semaphore>, u32)>,
    workers: Arc<Semaphore>,
    world: Arc<Mutex<World>>,
}

/// What a job produced: the node, the result, the lines it said.
type Done = (usize, Result<Outcome, ResError>, Vec<String>);

/// What one check-and-apply needs on the blocking pool.
struct Check {
    kind: &'static dyn Kind,
    res: Arc<Resource>,
    received: BTreeMap<SmolStr, Value>,
    world: Arc<Mutex<World>>,
    noop: bool,
    refresh: bool,
    first: bool,
    event: bool,
    timeout: Option<Duration>,
}

impl Check {
    /// Runs the check-and-apply (blocking).
    fn check(self) -> (Result<Outcome, ResError>, Vec<String>) {
        let mut say = Vec::new();
        let mut ctx = Ctx { noop: self.noop, refresh: self.refresh, first: self.first, event: self.event, world: &self.world, say: &mut say, timeout: self.timeout };
        let r = self.kind.check_apply(&Params::new(&self.res, &self.received), &mut ctx);
        (r, say)
    }
}

/// Runs plain jobs (no meta params that need the async side) one after the other on one
/// blocking thread: for many small resources, one hand-off per batch instead of per resource.
async fn run_batch(jobs: Vec<Job>, workers: Arc<Semaphore>) -> Vec<Done> {
    let idx: Vec<usize> = jobs.iter().map(|j| j.idx).collect();
    let Ok(_permit) = workers.acquire_owned().await else {
        return idx.into_iter().map(|i| (i, Err(ResError::Other("the engine is shutting down".into())), Vec::new())).collect();
    };
    let checks: Vec<(usize, Check)> = jobs.iter().map(|j| (j.idx, j.snapshot())).collect();
    let task = tokio::task::spawn_blocking(move || checks.into_iter().map(|(i, c)| { let (r, say) = c.check(); (i, r, say) }).collect::<Vec<Done>>());
    match task.await {
        Ok(done) => done,
        Err(e) => idx.into_iter().map(|i| (i, Err(ResError::Other(format!("the check-and-apply panicked: {e}"))), Vec::new())).collect(),
    }
}

/// Runs jobs of one grouping kind with one [`Kind::check_apply_group`] call.
async fn run_group(jobs: Vec<Job>, workers: Arc<Semaphore>) -> Vec<Done> {
    let idx: Vec<usize> = jobs.iter().map(|j| j.idx).collect();
    let Ok(_permit) = workers.acquire_owned().await else {
        return idx.into_iter().map(|i| (i, Err(ResError::Other("the engine is shutting down".into())), Vec::new())).collect();
    };
    let checks: Vec<Check> = jobs.iter().map(Job::snapshot).collect();
    let ids = idx.clone();
    let task = tokio::task::spawn_blocking(move || {
        let Some(first) = checks.first() else { return Vec::new() };
        let (kind, world, noop) = (first.kind, first.world.clone(), first.noop);
        let mut say = Vec::new();
        let mut ctx = Ctx { noop, refresh: false, first: true, event: false, world: &world, say: &mut say, timeout: None };
        let params: Vec<Params<'_>> = checks.iter().map(|c| Params::new(&c.res, &c.received)).collect();
        let results = kind.check_apply_group(&params, &mut ctx);
        let mut results = results.into_iter();
        let mut done: Vec<Done> = ids.iter().map(|&i| (i, results.next().unwrap_or_else(|| Err(ResError::Other("not checked".into()))), Vec::new())).collect();
        if let Some(d) = done.first_mut() {
            d.2 = say;
        }
        done
    });
    match task.await {
        Ok(done) => done,
        Err(e) => idx.into_iter().map(|i| (i, Err(ResError::Other(format!("the check-and-apply panicked: {e}"))), Vec::new())).collect(),
    }
}

impl Job {
    /// The job can run in a batch: nothing to wait for, no semaphore, no timeout, no retries.
    fn plain(&self) -> bool {
        self.wait.is_zero() && self.semas.is_empty() && self.timeout.is_none() && self.retry == 0
    }

    fn snapshot(&self) -> Check {
        Check {
            kind: self.kind,
            res: self.res.clone(),
            received: self.received.clone(),
            world: self.world.clone(),
            noop: self.noop,
            refresh: self.refresh,
            first: self.first,
            event: self.event,
            timeout: self.timeout,
        }
    }

    async fn run(self) -> Vec<Done> {
        vec![self.run_one().await]
    }

    async fn run_one(self) -> Done {
        if !self.wait.is_zero() {
            tokio::time::sleep(self.wait).await;
        }
        let mut held = Vec::new();
        for (s, n) in &self.semas {
            match s.clone().acquire_many_owned(*n).await {
                Ok(p) => held.push(p),
                Err(_) => return (self.idx, Err(ResError::Other("a semaphore was closed".into())), Vec::new()),
            }
        }
        let mut attempt: i64 = 0;
        loop {
            let result = self.attempt().await;
            match result {
                (Err(e), say) if !matches!(e, ResError::Invalid { .. }) && (self.retry < 0 || attempt < self.retry) => {
                    attempt += 1;
                    tracing::debug!("{}[{}]: attempt {attempt} failed ({e}); retrying", self.res.kind, self.res.name);
                    drop(say);
                    tokio::time::sleep(self.delay).await;
                }
                (r, say) => return (self.idx, r, say),
            }
        }
    }

    async fn attempt(&self) -> (Result<Outcome, ResError>, Vec<String>) {
        let Ok(_permit) = self.workers.clone().acquire_owned().await else {
            return (Err(ResError::Other("the engine is shutting down".into())), Vec::new());
        };
        let job = self.snapshot();
        let timeout = self.timeout;
        let task = tokio::task::spawn_blocking(move || job.check());
        let joined = match timeout {
            Some(t) => match tokio::time::timeout(t, task).await {
                Ok(j) => j,
                Err(_) => return (Err(ResError::Timeout { millis: t.as_millis() as u64 }), Vec::new()),
            },
            None => task.await,
        };
        joined.unwrap_or_else(|e| (Err(ResError::Other(format!("the check-and-apply panicked: {e}"))), Vec::new()))
    }
}

impl Engine {
    /// An empty engine.
    pub fn new(opts: EngineOptions, world: Arc<Mutex<World>>) -> Engine {
        let workers = Arc::new(Semaphore::new(opts.workers.max(1)));
        Engine { nodes: Vec::new(), index: HashMap::new(), opts, workers, semas: HashMap::new(), world, stop: Arc::new(AtomicBool::new(false)), world_changed: false }
    }

    /// The number of resources in the running graph.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the running graph is empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Replaces the running graph with `g`; returns the resources that need a check (new,
    /// changed, or with changed incoming edges).
    pub fn swap(&mut self, mut g: Graph, sources: &SourceMap) -> BTreeSet<usize> {
        add_automatic_edges(&mut g);
        let old_index = std::mem::take(&mut self.index);
        let mut old: Vec<Option<Node>> = std::mem::take(&mut self.nodes).into_iter().map(Some).collect();
        let mut dirty = BTreeSet::new();
        let mut nodes = Vec::with_capacity(g.resources.len());
        let mut index = HashMap::with_capacity(g.resources.len());
        for (id, r) in g.resources {
            let i = nodes.len();
            index.insert(id.clone(), i);
            let node = match old_index.get(&id).and_then(|&o| old[o].take()) {
                Some(mut n) if same_config(&n.res, &r) => {
                    n.preds.clear();
                    n.succs.clear();
                    n
                }
                _ => {
                    dirty.insert(i);
                    Node {
                        kind: resources::implementation(&r.kind),
                        loc: location(sources, &r),
                        id,
                        res: Arc::new(r),
                        status: Status::New,
                        first: true,
                        received: BTreeMap::new(),
                        sends: BTreeMap::new(),
                        refresh: false,
                        stale: false,
                        event: false,
                        preds: Vec::new(),
                        succs: Vec::new(),
                        bucket: None,
                    }
                }
            };
            nodes.push(node);
        }
        for ((from, to), e) in g.edges {
            let (Some(&a), Some(&b)) = (index.get(&from), index.get(&to)) else { continue };
            nodes[a].succs.push((b, e.clone()));
            nodes[b].preds.push((a, e));
        }
        // A kept node whose receivers changed: drop values for fields no longer received.
        for (i, n) in nodes.iter_mut().enumerate() {
            let receiving: BTreeSet<&SmolStr> = n.preds.iter().flat_map(|(_, e)| e.send_recv.iter().map(|(_, f)| f)).collect();
            let before = n.received.len();
            n.received.retain(|f, _| receiving.contains(f));
            if n.received.len() != before {
                n.stale = true;
                dirty.insert(i);
            }
        }
        self.nodes = nodes;
        self.index = index;
        dirty
    }

    /// Converges the resources in `dirty` and everything downstream of them; reports each
    /// change and failure to `reporter` and returns the pass's counts.
    pub async fn converge(&mut self, dirty: BTreeSet<usize>, reporter: &mut dyn Reporter) -> Counts {
        let n = self.nodes.len();
        let mut active = vec![false; n];
        let mut stack: Vec<usize> = dirty.iter().copied().filter(|&i| i < n).collect();
        let mut total = 0;
        while let Some(i) = stack.pop() {
            if !active[i] {
                active[i] = true;
                total += 1;
                stack.extend(self.nodes[i].succs.iter().map(|(s, _)| *s));
            }
        }
        let mut waiting: Vec<usize> = (0..n).map(|i| if active[i] { self.nodes[i].preds.iter().filter(|(p, _)| active[*p]).count() } else { 0 }).collect();
        let mut queue: Vec<usize> = (0..n).filter(|&i| active[i] && waiting[i] == 0).collect();
        queue.reverse();
        let mut counts = Counts::default();
        let mut tasks: JoinSet<Vec<Done>> = JoinSet::new();
        let mut task_nodes: HashMap<tokio::task::Id, Vec<usize>> = HashMap::new();
        let mut finished = 0;
        let mut plain: Vec<Job> = Vec::new();
        reporter.progress(0, total);
        loop {
            while let Some(i) = queue.pop() {
                let prepared = self.prepare(i, dirty.contains(&i));
                match prepared {
                    Prepared::Run(job) if job.plain() => {
                        plain.push(job);
                        continue;
                    }
                    Prepared::Run(job) => {
                        let h = tasks.spawn(job.run());
                        task_nodes.insert(h.id(), vec![i]);
                        continue;
                    }
                    Prepared::Skip => {}
                    Prepared::Blocked(by) => {
                        let st = Status::Blocked(by.clone());
                        if self.nodes[i].status != st {
                            reporter.event(Event::Blocked { res: self.nodes[i].display(), loc: self.nodes[i].loc.clone(), by });
                        }
                        self.nodes[i].status = st;
                        counts.blocked += 1;
                    }
                    Prepared::Unsupported => {
                        let e = ResError::Unsupported { kind: self.nodes[i].id.0.to_string() };
                        reporter.event(Event::Failed { res: self.nodes[i].display(), loc: self.nodes[i].loc.clone(), error: e.clone() });
                        self.nodes[i].status = Status::Failed(e);
                        counts.failed += 1;
                    }
                }
                finished += 1;
                self.release(i, &active, &mut waiting, &mut queue);
            }
            // Ready plain jobs go out in batches: enough batches to keep every worker busy, each
            // small enough that dependents start soon.
            // Resources of a grouping kind (Meta:autogroup) go out together, one group per kind.
            let (grouped, rest): (Vec<Job>, Vec<Job>) = std::mem::take(&mut plain).into_iter().partition(|j| j.kind.groups() && j.res.meta.get("autogroup").and_then(Value::as_bool) != Some(false));
            plain = rest;
            let mut groups: BTreeMap<(SmolStr, bool), Vec<Job>> = BTreeMap::new();
            for j in grouped {
                groups.entry((j.res.kind.clone(), j.noop)).or_default().push(j);
            }
            for (_, jobs) in groups {
                let ids = jobs.iter().map(|j| j.idx).collect();
                let h = tasks.spawn(run_group(jobs, self.workers.clone()));
                task_nodes.insert(h.id(), ids);
            }
            if !plain.is_empty() {
                let size = plain.len().div_ceil(self.opts.workers.max(1) * 4).clamp(1, 64);
                while !plain.is_empty() {
                    let rest = plain.split_off(plain.len().saturating_sub(size));
                    let ids = rest.iter().map(|j| j.idx).collect();
                    let h = tasks.spawn(run_batch(rest, self.workers.clone()));
                    task_nodes.insert(h.id(), ids);
                }
            }
            let Some(joined) = tasks.join_next_with_id().await else { break };
            let done = match joined {
                Ok((_, done)) => done,
                Err(e) => match task_nodes.get(&e.id()) {
                    Some(ids) => ids.iter().map(|&i| (i, Err(ResError::Other(format!("the check-and-apply task failed: {e}"))), Vec::new())).collect(),
                    None => continue,
                },
            };
            for (i, result, say) in done {
                for line in say {
                    reporter.event(Event::Said(line));
                }
                self.finish(i, result, &mut counts, reporter);
                finished += 1;
                reporter.progress(finished, total);
                self.release(i, &active, &mut waiting, &mut queue);
            }
        }
        // Whatever never became ready is part of a dependency cycle.
        for i in 0..n {
            if active[i] && waiting[i] > 0 {
                let e = ResError::Other("it is part of a dependency cycle".into());
                if self.nodes[i].status != Status::Failed(e.clone()) {
                    reporter.event(Event::Failed { res: self.nodes[i].display(), loc: self.nodes[i].loc.clone(), error: e.clone() });
                }
                self.nodes[i].status = Status::Failed(e);
                counts.failed += 1;
            }
        }
        reporter.progress(total, total);
        counts
    }

    /// Marks `i` finished for its successors; queues those now ready.
    fn release(&self, i: usize, active: &[bool], waiting: &mut [usize], queue: &mut Vec<usize>) {
        for (s, _) in &self.nodes[i].succs {
            if active[*s] && waiting[*s] > 0 {
                waiting[*s] -= 1;
                if waiting[*s] == 0 {
                    queue.push(*s);
                }
            }
        }
    }

    fn prepare(&mut self, i: usize, dirty: bool) -> Prepared {
        let node = &self.nodes[i];
        if node.res.meta_bool("hidden") {
            return Prepared::Skip;
        }
        if let Some((p, _)) = node.preds.iter().find(|(p, _)| !matches!(self.nodes[*p].status, Status::Ok)) {
            // Name the failure at the root of the chain.
            return Prepared::Blocked(match &self.nodes[*p].status {
                Status::Blocked(root) => root.clone(),
                _ => self.nodes[*p].display(),
            });
        }
        let Some(kind) = node.kind else {
            return if node.status == Status::New || dirty { Prepared::Unsupported } else { Prepared::Skip };
        };
        let needed = dirty || node.refresh || node.stale || node.event || node.status != Status::Ok;
        if !needed || self.stop.load(Ordering::Relaxed) {
            return Prepared::Skip;
        }
        // Meta:limit/burst: a token bucket; a check without a token waits for one.
        let mut wait = Duration::ZERO;
        let limit = node.res.meta.get("limit").and_then(Value::as_float).unwrap_or(f64::INFINITY);
        if limit.is_finite() && limit > 0.0 {
            let burst = node.meta_int("burst").max(1) as f64;
            let now = Instant::now();
            let (tokens, last) = node.bucket.unwrap_or((burst, now));
            let tokens = (tokens + now.duration_since(last).as_secs_f64() * limit).min(burst);
            if tokens >= 1.0 {
                self.nodes[i].bucket = Some((tokens - 1.0, now));
            } else {
                wait = Duration::from_secs_f64((1.0 - tokens) / limit);
                self.nodes[i].bucket = Some((0.0, now + wait));
            }
        }
        let node = &self.nodes[i];
        let mut semas = Vec::new();
        let mut ids: Vec<&str> = node.res.meta.get("sema").and_then(Value::as_list).unwrap_or(&[]).iter().filter_map(Value::as_str).collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            let (name, count) = match id.rsplit_once(':') {
                Some((n, c)) => (n, c.parse::<u32>().unwrap_or(1).max(1)),
                None => (id, 1),
            };
            let s = self.semas.entry(name.to_string()).or_insert_with(|| Arc::new(Semaphore::new(count as usize))).clone();
            semas.push((s, 1));
        }
        let timeout = node.meta_int("timeout");
        Prepared::Run(Job {
            idx: i,
            kind,
            res: node.res.clone(),
            received: node.received.clone(),
            noop: self.opts.noop || node.res.meta_bool("noop"),
            refresh: node.refresh,
            first: node.first || node.stale,
            event: node.event,
            timeout: (timeout > 0).then(|| Duration::from_millis(timeout as u64)),
            retry: node.meta_int("retry"),
            delay: Duration::from_millis(node.meta_int("delay").max(0) as u64),
            wait,
            semas,
            workers: self.workers.clone(),
            world: self.world.clone(),
        })
    }

    fn finish(&mut self, i: usize, result: Result<Outcome, ResError>, counts: &mut Counts, reporter: &mut dyn Reporter) {
        let noop = self.opts.noop || self.nodes[i].res.meta_bool("noop");
        let node = &mut self.nodes[i];
        node.refresh = false;
        node.event = false;
        match result {
            Err(e) => {
                reporter.event(Event::Failed { res: node.display(), loc: node.loc.clone(), error: e.clone() });
                node.status = Status::Failed(e);
                counts.failed += 1;
            }
            Ok(out) => {
                node.status = Status::Ok;
                node.first = false;
                node.stale = false;
                if out.changed() {
                    counts.applied += 1;
                    if node.id.0 == "kv" && !noop {
                        self.world_changed = true;
                    }
                    reporter.event(Event::Applied { res: node.display(), loc: node.loc.clone(), changes: out.changes.clone(), noop });
                } else {
                    counts.unchanged += 1;
                }
                for (port, v) in out.sends {
                    node.sends.insert(port, v);
                }
                let changed = out.changes.len();
                let succs = node.succs.clone();
                let sends = node.sends.clone();
                for (s, e) in succs {
                    if e.notify && changed > 0 && !noop {
                        self.nodes[s].refresh = true;
                    }
                    for (port, field) in &e.send_recv {
                        if let Some(v) = sends.get(port)
                            && self.nodes[s].received.get(field) != Some(v)
                        {
                            self.nodes[s].received.insert(field.clone(), v.clone());
                            self.nodes[s].stale = true;
                        }
                    }
                }
            }
        }
    }

    /// Counts of the whole graph's current state (resources never checked count as neither).
    pub fn state(&self) -> Counts {
        let mut c = Counts::default();
        for n in &self.nodes {
            match n.status {
                Status::Ok => c.unchanged += 1,
                Status::Failed(_) => c.failed += 1,
                Status::Blocked(_) => c.blocked += 1,
                Status::New => {}
            }
        }
        c
    }

    /// Every resource's index.
    pub fn all(&self) -> BTreeSet<usize> {
        (0..self.nodes.len()).collect()
    }

    /// Marks resource `id` as having a watch event (a command watch's line when `command`).
    pub fn mark_event(&mut self, id: &ResId, command: bool) -> Option<usize> {
        let i = *self.index.get(id)?;
        if command {
            self.nodes[i].event = true;
        }
        Some(i)
    }

    /// What each resource watches (resources with `Meta:poll` set and hidden ones watch
    /// nothing).
    pub fn watches(&self) -> Vec<(resources::Watch, ResId)> {
        let mut w = Vec::new();
        let empty = BTreeMap::new();
        for n in &self.nodes {
            let Some(k) = n.kind else { continue };
            if n.meta_int("poll") != 0 || n.res.meta_bool("hidden") {
                continue;
            }
            let received = if n.received.is_empty() { &empty } else { &n.received };
            for watch in k.watches(&Params::new(&n.res, received)) {
                w.push((watch, n.id.clone()));
            }
        }
        w
    }

    /// Resources with `Meta:poll` above zero, with their intervals.
    pub fn pollers(&self) -> Vec<(ResId, Duration)> {
        self.nodes.iter().filter(|n| n.meta_int("poll") > 0 && n.kind.is_some()).map(|n| (n.id.clone(), Duration::from_secs(n.meta_int("poll") as u64))).collect()
    }

    /// The status of resource `id`.
    pub fn status(&self, id: &ResId) -> Option<&Status> {
        self.index.get(id).map(|&i| &self.nodes[i].status)
    }
}

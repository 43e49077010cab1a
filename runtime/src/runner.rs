//! One run of a program (`mclc run`): compile, evaluate, converge, then keep it converged —
//! re-evaluating on stream changes, re-checking on watch events — until stopped.
//!
//! Threads: the evaluator owns the checked program and its [`Session`] (which borrows it) on a
//! thread of its own, feeding it samples from the stream drivers and sending each new graph to
//! the engine; the engine runs on a current-thread tokio runtime whose blocking pool does the
//! check-and-applies; inotify and watch commands have their own reader threads.

use crate::engine::{Counts, Engine, EngineOptions};
use crate::error::RunError;
use crate::report::Reporter;
use crate::streams::{Drivers, Sample, WorldSignal};
use crate::watch::{WatchEvent, Watcher};
use mcl_compiler::diagnostics::Diagnostic;
use mcl_compiler::diagnostics::render::{self, Format};
use mcl_compiler::driver::{self, Checked, StopAfter};
use mcl_compiler::eval::graph::{self, Graph, ResId};
use mcl_compiler::eval::interp::{FIRST_VALUES_TIMEOUT, Session};
use mcl_compiler::eval::stdlib::Host;
use mcl_compiler::source::SourceMap;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// How to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The program: a file, or a module directory.
    pub path: PathBuf,
    /// Exit after the first convergence.
    pub once: bool,
    /// Check only: report what would change, change nothing.
    pub noop: bool,
    /// Exit once nothing has happened for this long after a convergence.
    pub converged_timeout: Option<Duration>,
    /// What `$hostname` and `sys.hostname()` return (default: this machine's name).
    pub hostname: Option<String>,
    /// How many check-and-applies may run at once.
    pub workers: usize,
}

impl RunOptions {
    /// Defaults for `path`: run until stopped, apply changes, a worker pool sized to the machine.
    pub fn new(path: impl Into<PathBuf>) -> RunOptions {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        RunOptions { path: path.into(), once: false, noop: false, converged_timeout: None, hostname: None, workers: (cores * 4).max(8) }
    }
}

/// What a run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// The counts of the first pass (every resource checked).
    pub first: Counts,
    /// The state of the graph when the run ended.
    pub last: Counts,
    /// How many passes ran.
    pub passes: usize,
}

impl RunSummary {
    /// True when resources were failed or blocked at the end.
    pub fn failed(&self) -> bool {
        self.last.failed > 0 || self.last.blocked > 0
    }
}

/// A message from the evaluator thread to the engine.
enum Update {
    /// A new graph after a stream change, with the time evaluation and graph building took.
    Graph(Graph, Duration),
    /// A stream change made the program fail; the old graph keeps running.
    Problem(String),
}

/// The first result of the evaluator thread.
type First = Result<Graph, (Vec<Diagnostic>, SourceMap)>;

/// Checks the program at `path`; its diagnostics as a [`RunError`] when it has errors.
pub fn compile(path: &Path) -> Result<Checked, RunError> {
    let checked = driver::check_path(path, StopAfter::Unify);
    if checked.has_errors() {
        return Err(RunError::Program { diagnostics: checked.diagnostics, sources: checked.sources });
    }
    Ok(checked)
}

/// The host a program at `path` runs on.
pub fn host_for(path: &Path, hostname: Option<String>) -> Host {
    let root = if path.is_dir() { path.to_path_buf() } else { path.parent().map(Path::to_path_buf).unwrap_or_default() };
    let mut host = Host::local(root);
    if let Some(h) = hostname {
        host.hostname = h;
    }
    host
}

/// What a program embedding the runtime (the agent) controls in a run; the defaults are those
/// of `mclc run`.
#[derive(Default)]
pub struct RunControl {
    /// The host to run as (hostname, deploy root, world store); default: from the options.
    pub host: Option<Host>,
    /// Stops the run when it turns true or its sender is dropped; default: SIGINT or SIGTERM.
    pub stop: Option<tokio::sync::watch::Receiver<bool>>,
    /// Wakes world-reading streams, and is notified when a `kv` resource changed the world
    /// store; default: a private one.
    pub world_signal: Option<WorldSignal>,
}

/// Runs the program as `opts` says, reporting to `reporter`.
pub fn run(opts: RunOptions, reporter: &mut dyn Reporter) -> Result<RunSummary, RunError> {
    run_with(opts, RunControl::default(), reporter)
}

/// Like [`run`], with the host, stop signal and world signal given by `control`.
pub fn run_with(opts: RunOptions, control: RunControl, reporter: &mut dyn Reporter) -> Result<RunSummary, RunError> {
    let checked = compile(&opts.path)?;
    let host = control.host.unwrap_or_else(|| host_for(&opts.path, opts.hostname.clone()));
    let sources = checked.sources.clone();
    let world = host.world.clone();
    let world_signal = control.world_signal.unwrap_or_default();
    let stop = control.stop;
    let (first_tx, first_rx) = std::sync::mpsc::channel::<First>();
    let (graph_tx, graph_rx) = unbounded_channel::<Update>();
    let once = opts.once;
    let signal = world_signal.clone();
    let (sample_tx, sample_rx) = std::sync::mpsc::channel::<Sample>();
    let stop_evaluator = sample_tx.clone();
    std::thread::Builder::new()
        .name("mclc-eval".into())
        .spawn(move || evaluator(checked, host, once, first_tx, graph_tx, signal, (sample_tx, sample_rx)))
        .map_err(|e| RunError::Setup(format!("cannot start the evaluator thread: {e}")))?;
    let first = match first_rx.recv() {
        Ok(Ok(g)) => g,
        Ok(Err((diagnostics, sources))) => return Err(RunError::Program { diagnostics, sources }),
        Err(_) => return Err(RunError::Setup("the evaluator thread stopped".into())),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(opts.workers.max(1))
        .build()
        .map_err(|e| RunError::Setup(format!("cannot start the async runtime: {e}")))?;
    let engine = Engine::new(EngineOptions { noop: opts.noop, workers: opts.workers }, world);
    let summary = rt.block_on(drive(engine, first, sources, graph_rx, world_signal, stop, &opts, reporter));
    let _ = stop_evaluator.send((STOP, Err(mcl_compiler::eval::value::EvalError::fatal("the run is over"))));
    summary
}

/// The evaluator thread: first graph, then a new graph per stream change.
/// The stream id of the sample that tells the evaluator the run is over (the drivers hold
/// senders, so a program without live streams would otherwise wait forever).
const STOP: mcl_compiler::eval::interp::StreamId = usize::MAX;

fn evaluator(checked: Checked, host: Host, once: bool, first_tx: std::sync::mpsc::Sender<First>, graphs: UnboundedSender<Update>, world: WorldSignal, samples: (std::sync::mpsc::Sender<Sample>, std::sync::mpsc::Receiver<Sample>)) {
    let (tx, rx) = samples;
    let (Some(hir), Some(typed)) = (&checked.hir, &checked.typed) else {
        let _ = first_tx.send(Err((checked.diagnostics.clone(), checked.sources.clone())));
        return;
    };
    let mut session = Session::new(hir, typed, &host, &checked.sources);
    let first = session.run_complete(FIRST_VALUES_TIMEOUT).map_err(|e| driver::run_error_diagnostic(&e)).and_then(|out| graph::build(out).map_err(driver::graph_error_diagnostic));
    let ok = first.is_ok();
    if first_tx.send(first.map_err(|d| (vec![d], checked.sources.clone()))).is_err() || !ok || once {
        return;
    }
    let mut drivers = Drivers::new(tx, host.clone(), world);
    drivers.start_new(session.streams());
    while let Ok((id, value)) = rx.recv() {
        if id == STOP {
            return;
        }
        let t = Instant::now();
        let mut result = session.update_with(id, value);
        while let Ok((id, value)) = rx.try_recv() {
            if id == STOP {
                return;
            }
            result = session.update_with(id, value);
        }
        if matches!(&result, Err(e) if e.error.pending) {
            result = session.run_complete(FIRST_VALUES_TIMEOUT);
        }
        let built = result.map_err(|e| driver::run_error_diagnostic(&e)).and_then(|out| graph::build(out).map_err(driver::graph_error_diagnostic));
        let update = match built {
            Ok(g) => Update::Graph(g, t.elapsed()),
            Err(d) => Update::Problem(format!("{} (the previous graph keeps running)", render::render(&[d], &checked.sources, Format::Short).trim_end())),
        };
        if graphs.send(update).is_err() {
            return;
        }
        drivers.start_new(session.streams());
    }
}

/// Waits for SIGINT or SIGTERM.
pub(crate) async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
        (Ok(mut int), Ok(mut term)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        _ => {
            tracing::warn!("cannot install signal handlers; stop with SIGKILL");
            std::future::pending::<()>().await
        }
    }
}

/// The engine loop.
#[allow(clippy::too_many_arguments)]
async fn drive(
    mut engine: Engine,
    first: Graph,
    sources: SourceMap,
    mut graphs: UnboundedReceiver<Update>,
    world_signal: WorldSignal,
    stop_rx: Option<tokio::sync::watch::Receiver<bool>>,
    opts: &RunOptions,
    reporter: &mut dyn Reporter,
) -> Result<RunSummary, RunError> {
    let mut summary = RunSummary::default();
    let mut graphs_closed = false;
    reporter.graph(&first);
    engine.swap(first, &sources);
    let mut dirty: BTreeSet<usize> = engine.all();
    let (ev_tx, mut events) = unbounded_channel::<WatchEvent>();
    let mut watcher = (!opts.once).then(|| Watcher::new(ev_tx.clone()));
    let mut pollers: HashMap<ResId, tokio::task::JoinHandle<()>> = HashMap::new();
    let stop = engine.stop.clone();
    let stopped = std::sync::Arc::new(tokio::sync::Notify::new());
    {
        let stopped = stopped.clone();
        tokio::spawn(async move {
            match stop_rx {
                Some(mut rx) => while !*rx.borrow_and_update() && rx.changed().await.is_ok() {},
                None => stop_signal().await,
            }
            tracing::info!("stopping: letting running check-and-applies finish");
            stop.store(true, Ordering::Relaxed);
            stopped.notify_one();
        });
    }
    loop {
        if !dirty.is_empty() {
            let t = Instant::now();
            let counts = engine.converge(std::mem::take(&mut dirty), reporter).await;
            reporter.pass(counts, t.elapsed(), summary.passes == 0);
            reporter.graph_state(engine.state());
            if summary.passes == 0 {
                summary.first = counts;
            }
            summary.passes += 1;
            if engine.world_changed {
                engine.world_changed = false;
                world_signal.notify();
            }
            if opts.once || engine.stop.load(Ordering::Relaxed) {
                break;
            }
            if let Some(w) = watcher.as_mut() {
                w.sync(engine.watches());
            }
            sync_pollers(&engine, &mut pollers, &ev_tx);
        }
        let idle = opts.converged_timeout.unwrap_or(Duration::from_secs(365 * 86400));
        tokio::select! {
            _ = stopped.notified() => break,
            update = graphs.recv(), if !graphs_closed => match update {
                Some(Update::Graph(g, took)) => {
                    tracing::debug!("new graph ({} resources) evaluated in {:.2} ms", g.resources.len(), took.as_secs_f64() * 1e3);
                    reporter.graph(&g);
                    dirty = engine.swap(g, &sources);
                    if let Some(w) = watcher.as_mut() {
                        w.sync(engine.watches());
                    }
                    sync_pollers(&engine, &mut pollers, &ev_tx);
                }
                Some(Update::Problem(message)) => reporter.problem(&message),
                None => graphs_closed = true,
            },
            Some(ev) = events.recv() => {
                // Let a burst of events settle, then check each resource once.
                tokio::time::sleep(Duration::from_millis(10)).await;
                let mut all = vec![ev];
                while let Ok(ev) = events.try_recv() {
                    all.push(ev);
                }
                for ev in all {
                    match ev {
                        WatchEvent::Overflow => dirty.extend(engine.all()),
                        WatchEvent::Changed { id, command } => dirty.extend(engine.mark_event(&id, command)),
                    }
                }
            }
            _ = tokio::time::sleep(idle), if opts.converged_timeout.is_some() => {
                tracing::info!("converged for {:.1} s: exiting", idle.as_secs_f64());
                break;
            }
        }
    }
    for (_, p) in pollers {
        p.abort();
    }
    summary.last = engine.state();
    Ok(summary)
}

/// Keeps one timer task per resource with `Meta:poll` above zero.
fn sync_pollers(engine: &Engine, pollers: &mut HashMap<ResId, tokio::task::JoinHandle<()>>, tx: &UnboundedSender<WatchEvent>) {
    let wanted: HashMap<ResId, Duration> = engine.pollers().into_iter().collect();
    pollers.retain(|id, h| {
        let keep = wanted.contains_key(id);
        if !keep {
            h.abort();
        }
        keep
    });
    for (id, every) in wanted {
        if pollers.contains_key(&id) {
            continue;
        }
        let tx = tx.clone();
        let key = id.clone();
        pollers.insert(
            key,
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.tick().await;
                loop {
                    tick.tick().await;
                    if tx.send(WatchEvent::Changed { id: id.clone(), command: false }).is_err() {
                        return;
                    }
                }
            }),
        );
    }
}

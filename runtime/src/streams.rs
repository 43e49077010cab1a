//! Stream drivers: the evaluator samples each stream once ([`Session`]'s first values); here each
//! stream source the program reads gets a driver thread that produces its later values, and
//! sends a sample whenever the value changes:
//!
//! * clocks (`datetime.now`, `datetime.str_now`, `datetime.weekday_fast`, `sys.uptime`) tick
//!   at each whole second;
//! * `os.readfile` and `os.file_exists` watch their file with inotify;
//! * `world.getval`, `world.kvlookup`, `world.schedule` and `world/collect.res` re-sample when
//!   the world store changes (a `kv` resource, or the agent's mirror of the cluster).
//!
//! Other streams keep their first value (logged once at debug level).
//!
//! [`Session`]: mcl_compiler::eval::interp::Session

use mcl_compiler::eval::interp::{StreamId, StreamSource};
use mcl_compiler::eval::stdlib::{self, CallCtx, Host};
use mcl_compiler::eval::value::{EvalError, Value};
use mcl_compiler::types::Type;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A stream's new value (or error).
pub type Sample = (StreamId, Result<Value, EvalError>);

/// Wakes the drivers of world-reading streams when the world store changes.
#[derive(Clone, Default)]
pub struct WorldSignal(Arc<Mutex<Vec<Sender<()>>>>);

impl WorldSignal {
    /// Tells every world-reading stream to re-sample.
    pub fn notify(&self) {
        if let Ok(mut waiters) = self.0.lock() {
            waiters.retain(|w| w.send(()).is_ok());
        }
    }

    /// A receiver woken by each [`notify`](WorldSignal::notify).
    pub fn subscribe(&self) -> Receiver<()> {
        let (tx, rx) = std::sync::mpsc::channel();
        if let Ok(mut waiters) = self.0.lock() {
            waiters.push(tx);
        }
        rx
    }
}

/// What a stream implementation may ask while being re-sampled.
struct SampleCtx {
    host: Host,
}

impl CallCtx for SampleCtx {
    fn call(&mut self, _: &Value, _: Vec<Value>) -> Result<Value, EvalError> {
        Err(EvalError::fatal("a stream function can't call function values"))
    }
    fn ret_type(&self) -> Option<Type> {
        None
    }
    fn host(&self) -> &Host {
        &self.host
    }
}

/// The drivers of one session's streams.
pub struct Drivers {
    started: usize,
    tx: Sender<Sample>,
    host: Host,
    world: WorldSignal,
}

impl Drivers {
    /// Drivers sending their samples on `tx`.
    pub fn new(tx: Sender<Sample>, host: Host, world: WorldSignal) -> Drivers {
        Drivers { started: 0, tx, host, world }
    }

    /// Starts a driver for every stream source not driven yet.
    pub fn start_new(&mut self, streams: &[StreamSource]) {
        for (id, s) in streams.iter().enumerate().skip(self.started) {
            self.start(id, s);
        }
        self.started = self.started.max(streams.len());
    }

    fn start(&self, id: StreamId, s: &StreamSource) {
        let f = s.function;
        let Some(implementation) = stdlib::implementation(f.module, f.name) else { return };
        let driver = Driver { id, implementation, args: s.args.clone(), last: s.value.clone(), tx: self.tx.clone(), ctx: SampleCtx { host: self.host.clone() } };
        let name = format!("{}.{}", f.module, f.name);
        let spawned = match (f.module, f.name) {
            ("datetime", "now" | "str_now" | "weekday_fast") | ("sys", "uptime") => std::thread::Builder::new().name(format!("mclc-{name}")).spawn(move || driver.clock()),
            ("os", "readfile" | "file_exists") => match s.args.first().and_then(Value::as_str) {
                Some(path) => {
                    let path = PathBuf::from(path);
                    std::thread::Builder::new().name(format!("mclc-{name}")).spawn(move || driver.file(path))
                }
                None => return,
            },
            ("world", "getval" | "kvlookup" | "schedule") | ("world/collect", "res") => {
                let rx = self.world.subscribe();
                std::thread::Builder::new().name(format!("mclc-{name}")).spawn(move || driver.world(rx))
            }
            _ => {
                tracing::debug!("stream {name}: only its first value is used by this runtime");
                return;
            }
        };
        if let Err(e) = spawned {
            tracing::warn!("cannot start the driver of stream {name}: {e}");
        }
    }
}

struct Driver {
    id: StreamId,
    implementation: stdlib::BuiltinFn,
    args: Vec<Value>,
    last: Option<Result<Value, EvalError>>,
    tx: Sender<Sample>,
    ctx: SampleCtx,
}

impl Driver {
    /// Samples; sends when the value changed. False when no one listens any more.
    fn sample(&mut self) -> bool {
        let v = (self.implementation)(&mut self.ctx, &self.args);
        if self.last.as_ref() == Some(&v) {
            return true;
        }
        self.last = Some(v.clone());
        self.tx.send((self.id, v)).is_ok()
    }

    fn clock(mut self) {
        loop {
            let into_second = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
            std::thread::sleep(Duration::from_nanos(1_000_000_000 - u64::from(into_second)) + Duration::from_millis(1));
            if !self.sample() {
                return;
            }
        }
    }

    fn file(mut self, path: PathBuf) {
        let Ok(mut inotify) = inotify::Inotify::init() else {
            tracing::warn!("inotify is unavailable: {} is read only once", path.display());
            return;
        };
        let mask = inotify::WatchMask::CLOSE_WRITE
            | inotify::WatchMask::MOVED_TO
            | inotify::WatchMask::MOVED_FROM
            | inotify::WatchMask::CREATE
            | inotify::WatchMask::DELETE
            | inotify::WatchMask::DELETE_SELF;
        let mut watched: Option<(PathBuf, inotify::WatchDescriptor)> = None;
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            // Watch the directory holding the file (or the closest existing ancestor).
            let (dir, _) = crate::watch::watch_point(&path);
            if watched.as_ref().is_none_or(|(d, _)| *d != dir) {
                if let Some((_, wd)) = watched.take() {
                    let _ = inotify.watches().remove(wd);
                }
                match inotify.watches().add(&dir, mask) {
                    Ok(wd) => watched = Some((dir, wd)),
                    Err(e) => {
                        tracing::warn!("cannot watch {}: {e}", dir.display());
                        return;
                    }
                }
                // The file may have changed while the watch moved.
                if !self.sample() {
                    return;
                }
            }
            match inotify.read_events_blocking(&mut buffer) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return,
            }
            if !self.sample() {
                return;
            }
        }
    }

    fn world(mut self, rx: Receiver<()>) {
        while rx.recv().is_ok() {
            while rx.try_recv().is_ok() {}
            if !self.sample() {
                return;
            }
        }
    }
}

//! Watches: inotify on the directories that hold managed paths, and long-running watch commands
//! (an exec's `watchcmd`). Each change becomes a [`WatchEvent`] for the resource that watches
//! it; nothing polls, so a converged program sleeps.
//!
//! A path is watched through its parent directory (so that replacing the file, as atomic writes
//! and editors do, is seen). When the parent does not exist yet, the closest existing ancestor is
//! watched for the child on the way, and [`Watcher::sync`] after the next pass moves the watch
//! down once it exists.

use crate::resources::Watch;
use inotify::{EventMask, Inotify, WatchMask, Watches};
use mcl_compiler::eval::graph::ResId;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::UnboundedSender;

/// Something changed for a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WatchEvent {
    /// A watched path of this resource changed (`command`: a watch command printed a line).
    Changed {
        /// The resource.
        id: ResId,
        /// The event came from a watch command.
        command: bool,
    },
    /// Events were lost (the kernel's queue overflowed): re-check everything.
    Overflow,
}

/// Paths watched per directory: the child path (inside a watched directory) → resources.
type Targets = HashMap<PathBuf, BTreeSet<ResId>>;

/// The watch machinery of one run.
pub struct Watcher {
    watches: Option<Watches>,
    /// Watched directories and their descriptor ids.
    dirs: BTreeMap<PathBuf, (inotify::WatchDescriptor, i32)>,
    shared: Arc<Mutex<Shared>>,
    commands: BTreeMap<(Watch, ResId), u32>,
    tx: UnboundedSender<WatchEvent>,
}

#[derive(Default)]
struct Shared {
    wd_dirs: HashMap<i32, PathBuf>,
    targets: Targets,
}

const MASK: WatchMask = WatchMask::CLOSE_WRITE
    .union(WatchMask::MOVED_TO)
    .union(WatchMask::MOVED_FROM)
    .union(WatchMask::CREATE)
    .union(WatchMask::DELETE)
    .union(WatchMask::ATTRIB)
    .union(WatchMask::DELETE_SELF)
    .union(WatchMask::MOVE_SELF);

impl Watcher {
    /// A watcher sending its events on `tx`. Without inotify (an error creating it), path
    /// watches are off and this is logged.
    pub fn new(tx: UnboundedSender<WatchEvent>) -> Watcher {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let watches = match Inotify::init() {
            Ok(inotify) => {
                let w = inotify.watches();
                let (shared, tx) = (shared.clone(), tx.clone());
                let spawned = std::thread::Builder::new().name("mclc-inotify".into()).spawn(move || read_loop(inotify, shared, tx));
                match spawned {
                    Ok(_) => Some(w),
                    Err(e) => {
                        tracing::warn!("cannot start the file watcher thread: {e}; managed files are not watched");
                        None
                    }
                }
            }
            Err(e) => {
                tracing::warn!("inotify is unavailable ({e}); managed files are not watched");
                None
            }
        };
        Watcher { watches, dirs: BTreeMap::new(), shared, commands: BTreeMap::new(), tx }
    }

    /// Makes the watches exactly `wanted`: adds new ones, drops ones no longer wanted.
    pub fn sync(&mut self, wanted: Vec<(Watch, ResId)>) {
        let mut targets: Targets = HashMap::new();
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        let mut commands: BTreeSet<(Watch, ResId)> = BTreeSet::new();
        for (w, id) in wanted {
            match &w {
                Watch::Path(p) => {
                    let (dir, child) = watch_point(p);
                    targets.entry(child).or_default().insert(id);
                    dirs.insert(dir);
                }
                Watch::Command { .. } => {
                    commands.insert((w, id));
                }
            }
        }
        if let Some(watches) = self.watches.as_mut() {
            let mut shared = match self.shared.lock() {
                Ok(s) => s,
                Err(poisoned) => poisoned.into_inner(),
            };
            let stale: Vec<PathBuf> = self.dirs.keys().filter(|d| !dirs.contains(*d)).cloned().collect();
            for d in stale {
                if let Some((wd, id)) = self.dirs.remove(&d) {
                    let _ = watches.remove(wd);
                    shared.wd_dirs.remove(&id);
                }
            }
            for d in dirs {
                if self.dirs.contains_key(&d) {
                    continue;
                }
                match watches.add(&d, MASK) {
                    Ok(wd) => {
                        let id = wd.get_watch_descriptor_id();
                        shared.wd_dirs.insert(id, d.clone());
                        self.dirs.insert(d, (wd, id));
                    }
                    Err(e) => tracing::warn!("cannot watch {}: {e}", d.display()),
                }
            }
            shared.targets = targets;
        }
        let stale: Vec<(Watch, ResId)> = self.commands.keys().filter(|k| !commands.contains(*k)).cloned().collect();
        for k in stale {
            if let Some(pid) = self.commands.remove(&k) {
                kill(pid);
            }
        }
        for k in commands {
            if self.commands.contains_key(&k) {
                continue;
            }
            if let Some(pid) = spawn_command(&k.0, k.1.clone(), self.tx.clone()) {
                self.commands.insert(k, pid);
            }
        }
    }

    /// How many directories are watched.
    pub fn watched_dirs(&self) -> usize {
        self.dirs.len()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        for pid in self.commands.values() {
            kill(*pid);
        }
    }
}

/// The directory to watch for `path`, and the child of it that leads to `path`.
pub(crate) fn watch_point(path: &Path) -> (PathBuf, PathBuf) {
    let mut child = path.to_path_buf();
    loop {
        let Some(dir) = child.parent().map(Path::to_path_buf) else { return (PathBuf::from("/"), child) };
        if dir.as_os_str().is_empty() {
            return (PathBuf::from("/"), child);
        }
        if dir.is_dir() {
            return (dir, child);
        }
        child = dir;
    }
}

fn read_loop(mut inotify: Inotify, shared: Arc<Mutex<Shared>>, tx: UnboundedSender<WatchEvent>) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let events = match inotify.read_events_blocking(&mut buffer) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                tracing::warn!("the file watcher stopped: {e}");
                return;
            }
        };
        let mut out: Vec<WatchEvent> = Vec::new();
        {
            let shared = match shared.lock() {
                Ok(s) => s,
                Err(poisoned) => poisoned.into_inner(),
            };
            for ev in events {
                if ev.mask.contains(EventMask::Q_OVERFLOW) {
                    out.push(WatchEvent::Overflow);
                    continue;
                }
                let Some(dir) = shared.wd_dirs.get(&ev.wd.get_watch_descriptor_id()) else { continue };
                match ev.name {
                    Some(name) => {
                        if let Some(ids) = shared.targets.get(&dir.join(name)) {
                            out.extend(ids.iter().map(|id| WatchEvent::Changed { id: id.clone(), command: false }));
                        }
                    }
                    None if ev.mask.intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF) => {
                        // The directory itself went away: everything under it is affected.
                        for (child, ids) in &shared.targets {
                            if child.starts_with(dir) {
                                out.extend(ids.iter().map(|id| WatchEvent::Changed { id: id.clone(), command: false }));
                            }
                        }
                    }
                    None => {}
                }
            }
        }
        for e in out {
            if tx.send(e).is_err() {
                return;
            }
        }
    }
}

/// Starts a watch command; each line it prints is an event for `id`. Returns its pid.
fn spawn_command(w: &Watch, id: ResId, tx: UnboundedSender<WatchEvent>) -> Option<u32> {
    let Watch::Command { cmd, shell, cwd } = w else { return None };
    let mut c = Command::new(if shell.is_empty() { "sh" } else { shell });
    c.arg("-c").arg(cmd).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    let mut child = match c.spawn() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("{}[{}]: cannot start watchcmd `{cmd}`: {e}", id.0, id.1);
            return None;
        }
    };
    let pid = child.id();
    let stdout = child.stdout.take();
    let shown = cmd.clone();
    let spawned = std::thread::Builder::new().name("mclc-watchcmd".into()).spawn(move || {
        if let Some(out) = stdout {
            for line in std::io::BufReader::new(out).lines() {
                if line.is_err() || tx.send(WatchEvent::Changed { id: id.clone(), command: true }).is_err() {
                    break;
                }
            }
        }
        let status = child.wait();
        tracing::debug!("{}[{}]: watchcmd `{shown}` ended ({status:?})", id.0, id.1);
    });
    if let Err(e) = spawned {
        tracing::warn!("cannot start a thread for watchcmd `{cmd}`: {e}");
    }
    Some(pid)
}

fn kill(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) on the pid of a watch command we started; its reader thread reaps it,
        // so at worst the pid is already gone and this fails harmlessly.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
}

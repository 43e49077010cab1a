//! `file`: a file, directory or symlink with its content, mode and ownership.
//!
//! The path is `path` (else the resource's name), with `dirname`/`basename` replacing its parts;
//! it must be absolute, and a trailing `/` makes it a directory. `state` is `exists` or `absent`
//! (unset: exists when any content is given, otherwise only mode and ownership of an existing
//! file are managed). The content is `content`, else a copy of the file `source`, else the
//! concatenation of the `fragments` files; with `symlink => true` the file is a symlink to
//! `source`. A directory's `source` is copied into it (files that differ are replaced). Content
//! is written atomically: to a temporary file in the same directory (with the final mode and
//! owner), then renamed over the path. Temporary files a killed writer left behind
//! (`.<name>.mclc-<pid>-<n>.tmp` of a dead process) are removed the first time a process checks
//! a file in that directory. `force` lets a directory replace a file and vice versa,
//! and lets `absent` remove a non-empty directory (as does `recurse`). `mode` is octal
//! (`"0644"`); `owner` and `group` are names or numbers.

use super::util::{euid, resolve_id};
use super::{Ctx, Kind, Names, Outcome, Params, Watch};
use crate::error::ResError;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The `file` kind.
pub struct File;

/// The path a file resource manages (a trailing `/` kept for directories).
pub fn file_path(p: &Params<'_>) -> Result<String, ResError> {
    let mut path = p.str("path")?.filter(|s| !s.is_empty()).unwrap_or(p.name()).to_string();
    let dirname = p.str_or_empty("dirname")?;
    let basename = p.str_or_empty("basename")?;
    if !dirname.is_empty() || !basename.is_empty() {
        let is_dir = path.ends_with('/');
        let trimmed = path.trim_end_matches('/');
        let (d, b) = match trimmed.rfind('/') {
            Some(i) => (trimmed[..=i].to_string(), trimmed[i + 1..].to_string()),
            None => (String::new(), trimmed.to_string()),
        };
        let d = if dirname.is_empty() { d } else if dirname.ends_with('/') { dirname.to_string() } else { format!("{dirname}/") };
        let b = if basename.is_empty() { b } else { basename.to_string() };
        path = format!("{d}{b}{}", if is_dir && !b.ends_with('/') { "/" } else { "" });
    }
    if !path.starts_with('/') {
        return Err(ResError::invalid("path", format!("`{path}` is not an absolute path")));
    }
    Ok(path)
}

/// Parses an octal mode (`"0644"`, `"755"`).
fn parse_mode(mode: &str) -> Result<u32, ResError> {
    let digits = mode.strip_prefix("0o").unwrap_or(mode);
    match u32::from_str_radix(digits, 8) {
        Ok(m) if m <= 0o7777 && !digits.is_empty() => Ok(m),
        _ => Err(ResError::invalid("mode", format!("`{mode}` is not an octal mode such as \"0644\""))),
    }
}

/// What the file should be.
enum Desired {
    /// A regular file, with this content when the program manages the content.
    File(Option<Vec<u8>>),
    /// A directory (copying `source` into it when set).
    Dir(Option<PathBuf>),
    /// A symlink to this target.
    Symlink(String),
    /// Nothing there.
    Absent,
    /// Whatever is there (only mode and ownership are managed).
    Unmanaged,
}

fn read_source(field: &'static str, src: &str) -> Result<Vec<u8>, ResError> {
    std::fs::read(src).map_err(|e| ResError::Invalid { field, reason: format!("cannot read {src}: {e}") })
}

fn desired(p: &Params<'_>, path: &str) -> Result<Desired, ResError> {
    let state = p.str_or_empty("state")?;
    let is_dir = path.ends_with('/');
    let content = p.str("content")?;
    let source = p.str_or_empty("source")?;
    let fragments = p.strs("fragments")?;
    match state {
        "absent" => return Ok(Desired::Absent),
        "exists" | "" => {}
        other => return Err(ResError::invalid("state", format!("`{other}` is neither `exists` nor `absent`"))),
    }
    if p.bool("symlink")? {
        if source.is_empty() {
            return Err(ResError::invalid("source", "a symlink needs `source`, the target it points to"));
        }
        return Ok(Desired::Symlink(source.to_string()));
    }
    if is_dir {
        if content.is_some() {
            return Err(ResError::invalid("content", "a directory (a path ending in `/`) cannot have content"));
        }
        return Ok(if state.is_empty() && source.is_empty() { Desired::Unmanaged } else { Desired::Dir((!source.is_empty()).then(|| PathBuf::from(source))) });
    }
    let bytes = if let Some(c) = content {
        Some(c.as_bytes().to_vec())
    } else if !source.is_empty() {
        Some(read_source("source", source)?)
    } else if !fragments.is_empty() {
        let mut all = Vec::new();
        for f in fragments {
            all.extend(read_source("fragments", f)?);
        }
        Some(all)
    } else {
        None
    };
    Ok(if state.is_empty() && bytes.is_none() { Desired::Unmanaged } else { Desired::File(bytes) })
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Temporary files this process is writing now (a sweep never removes those).
static IN_FLIGHT: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Directories this process has swept for stale temporary files.
static SWEPT: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// A temporary name next to `path`: `.<name>.mclc-<pid>-<n>.tmp`, registered as in flight
/// until [`TempGuard`] is dropped.
fn temp_path(path: &Path) -> TempGuard {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let base = path.file_name().map(|b| b.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{base}.mclc-{}-{n}.tmp", std::process::id()));
    IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner()).insert(tmp.clone());
    TempGuard(tmp)
}

/// A temporary path in use; no longer in flight when dropped.
struct TempGuard(PathBuf);

impl std::ops::Deref for TempGuard {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempGuard {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.0);
    }
}

/// The process id in a temporary file name of ours (`.<name>.mclc-<pid>-<n>.tmp`).
fn temp_owner(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (base, tail) = inner.rsplit_once(".mclc-")?;
    let (pid, n) = tail.split_once('-')?;
    (!base.is_empty() && n.parse::<u64>().is_ok()).then_some(())?;
    pid.parse().ok()
}

/// Once per process and directory: removes temporary files of our pattern that a killed
/// writer left behind (their process is gone, or it is this process — restarted with the same
/// pid, as in a container — and no write of ours uses them).
fn sweep_stale_temps(dir: &Path) {
    {
        // Checked before inserting: this runs for every file on every pass.
        let mut swept = SWEPT.lock().unwrap_or_else(|p| p.into_inner());
        if swept.contains(dir) {
            return;
        }
        swept.insert(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let me = std::process::id();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(temp_owner) else { continue };
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = e.path();
        let stale = if pid == me { !IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner()).contains(&path) } else { !super::util::pid_alive(pid) };
        if stale {
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::info!("removed {}, left by an interrupted write", path.display()),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => tracing::warn!("cannot remove the stale temporary file {}: {err}", path.display()),
            }
        }
    }
}

/// Writes `content` to `path` atomically with `mode` and ownership `ids`.
fn write_atomic(path: &Path, content: &[u8], mode: u32, ids: (Option<u32>, Option<u32>)) -> Result<(), ResError> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp).map_err(|e| ResError::io("create", &*tmp, &e))?;
        f.write_all(content).map_err(|e| ResError::io("write", &*tmp, &e))?;
        f.set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|e| ResError::io("set the mode of", &*tmp, &e))?;
        if ids.0.is_some() || ids.1.is_some() {
            std::os::unix::fs::fchown(&f, ids.0, ids.1).map_err(|e| ResError::io("change the owner of", &*tmp, &e))?;
        }
        drop(f);
        std::fs::rename(&tmp, path).map_err(|e| ResError::io("rename a temporary file onto", path, &e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn remove_any(path: &Path, meta: &std::fs::Metadata, recursive: bool) -> Result<(), ResError> {
    let r = if meta.is_dir() {
        if recursive { std::fs::remove_dir_all(path) } else { std::fs::remove_dir(path) }
    } else {
        std::fs::remove_file(path)
    };
    r.map_err(|e| ResError::io("remove", path, &e))
}

/// Copies the files of directory `src` into `dst` where they differ; returns what changed.
fn sync_dir(src: &Path, dst: &Path, noop: bool, changes: &mut Vec<String>) -> Result<(), ResError> {
    let entries = std::fs::read_dir(src).map_err(|e| ResError::io("read directory", src, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| ResError::io("read directory", src, &e))?;
        let from = entry.path();
        let to = dst.join(entry.file_name());
        let ft = entry.file_type().map_err(|e| ResError::io("inspect", &from, &e))?;
        if ft.is_dir() {
            if !to.is_dir() {
                changes.push(format!("create directory {}", to.display()));
                if !noop {
                    std::fs::create_dir(&to).map_err(|e| ResError::io("create directory", &to, &e))?;
                }
            }
            if to.is_dir() {
                sync_dir(&from, &to, noop, changes)?;
            }
        } else if ft.is_file() {
            let want = std::fs::read(&from).map_err(|e| ResError::io("read", &from, &e))?;
            if std::fs::read(&to).ok().as_deref() != Some(&want[..]) {
                changes.push(format!("copy {}", to.display()));
                if !noop {
                    let mode = entry.metadata().map(|m| m.mode() & 0o7777).unwrap_or(0o644);
                    write_atomic(&to, &want, mode, (None, None))?;
                }
            }
        }
    }
    Ok(())
}

impl Kind for File {
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError> {
        let shown = file_path(p)?;
        let path = if shown == "/" { PathBuf::from("/") } else { PathBuf::from(shown.trim_end_matches('/')) };
        let want = desired(p, &shown)?;
        let mode = p.str("mode")?.filter(|m| !m.is_empty()).map(parse_mode).transpose()?;
        let owner = p.str("owner")?.filter(|s| !s.is_empty()).map(|o| resolve_id(Path::new("/etc/passwd"), "owner", o)).transpose()?;
        let group = p.str("group")?.filter(|s| !s.is_empty()).map(|g| resolve_id(Path::new("/etc/group"), "group", g)).transpose()?;
        let force = p.bool("force")?;
        let noop = ctx.noop;
        if !noop && let Some(parent) = path.parent() {
            sweep_stale_temps(parent);
        }
        let mut out = Outcome::ok();
        let existing = match std::fs::symlink_metadata(&path) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(ResError::io("inspect", &path, &e)),
        };
        match &want {
            Desired::Absent => {
                if let Some(m) = &existing {
                    out.changes.push("remove".into());
                    if !noop {
                        remove_any(&path, m, force || p.bool("recurse")?)?;
                    }
                }
                return Ok(out);
            }
            Desired::Unmanaged if existing.is_none() => return Ok(out),
            Desired::Symlink(target) => {
                let ok = existing.as_ref().is_some_and(|m| m.file_type().is_symlink()) && std::fs::read_link(&path).ok().as_deref() == Some(Path::new(target));
                if !ok {
                    if existing.as_ref().is_some_and(|m| m.is_dir()) && !force {
                        return Err(ResError::Other(format!("{} is a directory; set `force => true` to replace it with a symlink", path.display())));
                    }
                    out.changes.push(format!("symlink to {target}"));
                    if !noop {
                        if let Some(m) = existing.as_ref().filter(|m| m.is_dir()) {
                            remove_any(&path, m, true)?;
                        }
                        let tmp = temp_path(&path);
                        std::os::unix::fs::symlink(target, &tmp).map_err(|e| ResError::io("create symlink", &*tmp, &e))?;
                        std::fs::rename(&tmp, &path).map_err(|e| {
                            let _ = std::fs::remove_file(&tmp);
                            ResError::io("rename a symlink onto", &path, &e)
                        })?;
                    }
                }
                return Ok(out);
            }
            Desired::Dir(source) => {
                match &existing {
                    Some(m) if m.is_dir() => {}
                    Some(m) => {
                        if !force {
                            return Err(ResError::Other(format!("{} exists and is not a directory; set `force => true` to replace it", path.display())));
                        }
                        out.changes.push("replace with a directory".into());
                        if !noop {
                            remove_any(&path, m, false)?;
                        }
                    }
                    None => out.changes.push("create directory".into()),
                }
                if !noop && !existing.as_ref().is_some_and(|m| m.is_dir()) {
                    std::fs::DirBuilder::new().mode(mode.unwrap_or(0o755)).create(&path).map_err(|e| ResError::io("create directory", &path, &e))?;
                }
                if let Some(src) = source
                    && (path.is_dir() || noop)
                {
                    sync_dir(src, &path, noop, &mut out.changes)?;
                }
            }
            Desired::File(content) => {
                if let Some(m) = existing.as_ref().filter(|m| m.is_dir()) {
                    if !force {
                        return Err(ResError::Other(format!("{} is a directory; set `force => true` to replace it with a file", path.display())));
                    }
                    out.changes.push("replace directory with a file".into());
                    if !noop {
                        remove_any(&path, m, true)?;
                    }
                }
                let present = existing.as_ref().filter(|m| !m.is_dir());
                let wanted: &[u8] = content.as_deref().unwrap_or(b"");
                let differs = match (present, content) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(m), Some(c)) => m.len() != c.len() as u64 || std::fs::read(&path).map_err(|e| ResError::io("read", &path, &e))? != *c,
                };
                if differs {
                    out.changes.push(match present {
                        None => format!("create ({} bytes)", wanted.len()),
                        Some(_) => format!("content ({} bytes)", wanted.len()),
                    });
                    if !noop {
                        // Keep what the program doesn't manage: the old mode and owner.
                        let keep_mode = present.map(|m| m.mode() & 0o7777);
                        let default_mode = 0o666 & !current_umask();
                        let m = mode.or(keep_mode).unwrap_or(default_mode);
                        let keep_owner = present.filter(|_| euid() == 0).map(|m| (m.uid(), m.gid()));
                        let ids = (owner.or(keep_owner.map(|k| k.0)), group.or(keep_owner.map(|k| k.1)));
                        let ids = if euid() == 0 || owner.is_some() || group.is_some() { ids } else { (None, None) };
                        write_atomic(&path, wanted, m, ids)?;
                        return Ok(out);
                    } else if present.is_none() {
                        return Ok(out);
                    }
                }
            }
            Desired::Unmanaged => {}
        }
        // Mode and ownership of what is there now.
        let now = match (existing, out.changes.is_empty()) {
            (Some(m), true) => m,
            _ => match std::fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(_) if noop => return Ok(out),
                Err(e) => return Err(ResError::io("inspect", &path, &e)),
            },
        };
        if let Some(m) = mode
            && now.mode() & 0o7777 != m
        {
            out.changes.push(format!("mode {m:04o}"));
            if !noop {
                set_mode_nofollow(&path, m)?;
            }
        }
        let uid = owner.filter(|u| *u != now.uid());
        let gid = group.filter(|g| *g != now.gid());
        if uid.is_some() || gid.is_some() {
            if let Some(u) = uid {
                out.changes.push(format!("owner {u}"));
            }
            if let Some(g) = gid {
                out.changes.push(format!("group {g}"));
            }
            if !noop {
                std::os::unix::fs::lchown(&path, uid, gid).map_err(|e| ResError::io("change the owner of", &path, &e))?;
            }
        }
        Ok(out)
    }

    fn watches(&self, p: &Params<'_>) -> Vec<Watch> {
        file_path(p).map(|s| vec![Watch::Path(PathBuf::from(s.trim_end_matches('/')))]).unwrap_or_default()
    }

    fn names(&self, p: &Params<'_>) -> Vec<Names> {
        let mut names = Vec::new();
        if let Ok(Some(o)) = p.str("owner")
            && !o.is_empty()
            && o.parse::<u32>().is_err()
        {
            names.push(Names::User(o.to_string()));
        }
        if let Ok(Some(g)) = p.str("group")
            && !g.is_empty()
            && g.parse::<u32>().is_err()
        {
            names.push(Names::Group(g.to_string()));
        }
        if let Ok(Some(s)) = p.str("source")
            && s.starts_with('/')
        {
            names.push(Names::Path(s.to_string()));
        }
        names
    }

    fn manages(&self, p: &Params<'_>) -> Option<Names> {
        file_path(p).ok().map(Names::Path)
    }
}

/// Sets the mode of `path` itself, never of what a symbolic link there points to (a user who
/// can write the directory could plant one to get, say, `/etc/shadow` made readable): opened
/// with `O_NOFOLLOW` and changed through the descriptor, so a link swapped in after the check
/// is refused too. A file this process can't open is changed by path, as before.
fn set_mode_nofollow(path: &Path, mode: u32) -> Result<(), ResError> {
    let opened = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY).open(path);
    let result = match opened {
        Ok(f) => f.set_permissions(std::fs::Permissions::from_mode(mode)),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(ResError::Other(format!("{} is a symbolic link: not changing the mode of what it points to", path.display())));
        }
        Err(_) => std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)),
    };
    result.map_err(|e| ResError::io("set the mode of", path, &e))
}

/// The process's umask (read without changing it, from /proc; 022 when unknown).
fn current_umask() -> u32 {
    static UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *UMASK.get_or_init(|| {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Umask:").and_then(|v| u32::from_str_radix(v.trim(), 8).ok())))
            .unwrap_or(0o022)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(parse_mode("0644").ok(), Some(0o644));
        assert_eq!(parse_mode("755").ok(), Some(0o755));
        assert!(parse_mode("rwx").is_err());
        assert!(parse_mode("99999").is_err());
    }

    #[test]
    fn modes_are_never_set_through_a_symlink() {
        let dir = tempfile::tempdir().expect("tmp");
        let target = dir.path().join("shadow");
        std::fs::write(&target, "secret").expect("write");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let err = set_mode_nofollow(&link, 0o644).expect_err("a link").to_string();
        assert!(err.contains("is a symbolic link"), "{err}");
        assert_eq!(std::fs::metadata(&target).expect("meta").mode() & 0o7777, 0o600);
        set_mode_nofollow(&target, 0o640).expect("a file");
        assert_eq!(std::fs::metadata(&target).expect("meta").mode() & 0o7777, 0o640);
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        set_mode_nofollow(&sub, 0o750).expect("a directory");
        assert_eq!(std::fs::metadata(&sub).expect("meta").mode() & 0o7777, 0o750);
    }

    #[test]
    fn stale_temporary_files_are_swept_once_per_directory() {
        assert_eq!(temp_owner(".motd.mclc-123-4.tmp"), Some(123));
        assert_eq!(temp_owner(".a.mclc-b.mclc-7-0.tmp"), Some(7));
        assert_eq!(temp_owner("motd.mclc-123-4.tmp"), None);
        assert_eq!(temp_owner(".motd.mclc-x-4.tmp"), None);
        assert_eq!(temp_owner("..mclc-1-2.tmp"), None);
        let dir = tempfile::tempdir().expect("tmp");
        // A dead writer's file (pid numbers are below 2^22 on Linux), one of a live process
        // (pid 1), one of ours that no write uses, one of ours in flight, and a bystander.
        let dead = dir.path().join(".f.mclc-4194304-1.tmp");
        let live = dir.path().join(".f.mclc-1-1.tmp");
        let ours = dir.path().join(format!(".f.mclc-{}-999999999.tmp", std::process::id()));
        let busy = temp_path(&dir.path().join("g"));
        let other = dir.path().join(".f.tmp");
        for p in [&dead, &live, &ours, &busy.0, &other] {
            std::fs::write(p, "x").expect("write");
        }
        sweep_stale_temps(dir.path());
        assert!(!dead.exists() && !ours.exists());
        assert!(live.exists() && busy.exists() && other.exists());
        // Swept once: a later stale file stays until the next process.
        std::fs::write(&dead, "x").expect("write");
        sweep_stale_temps(dir.path());
        assert!(dead.exists());
    }
}

//! Helpers shared by the kinds (and the agent): running commands (with a timeout), whether a
//! process is alive, and the account databases (`/etc/passwd`, `/etc/group`).

use crate::error::ResError;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// True when process `pid` exists (it may belong to another user).
pub(crate) fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else { return false };
    // SAFETY: signal 0 only checks for existence; `pid > 0` names one process, never a group.
    pid > 0 && (unsafe { libc::kill(pid, 0) } == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
}

/// What a finished command produced.
#[derive(Clone, Debug, Default)]
pub struct Ran {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Ran {
    /// Exited with status 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Standard output followed by standard error.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// How it ended, for messages.
    pub fn status(&self) -> String {
        match self.code {
            Some(c) => format!("exit status {c}"),
            None => "killed by a signal".into(),
        }
    }

    /// The error for an unsuccessful run of `shown`.
    pub fn failure(&self, shown: &str) -> ResError {
        ResError::Command { cmd: shown.to_string(), status: self.status(), output: tail(&self.output(), 5) }
    }
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Runs `cmd`, collecting its output; kills it after `timeout` (when given). Blocking.
pub fn run(mut cmd: Command, shown: &str, timeout: Option<Duration>) -> Result<Ran, ResError> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| ResError::Command { cmd: shown.to_string(), status: format!("could not start: {e}"), output: String::new() })?;
    let pid = child.id();
    let (mut out, mut err) = (child.stdout.take(), child.stderr.take());
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.read_to_end(&mut s);
        }
        s
    });
    // A watchdog kills the child when the timeout passes; finishing first cancels it.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let watchdog = timeout.map(|t| {
        std::thread::spawn(move || {
            if done_rx.recv_timeout(t).is_err() {
                if let Ok(pid) = i32::try_from(pid) {
                    // SAFETY: kill(2) with the pid of our own child, which has not been waited
                    // for yet (so the pid can't have been reused).
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                }
                return true;
            }
            false
        })
    });
    let mut stdout = Vec::new();
    if let Some(o) = out.as_mut() {
        let _ = o.read_to_end(&mut stdout);
    }
    let stderr = err_reader.join().unwrap_or_default();
    let status = child.wait().map_err(|e| ResError::Command { cmd: shown.to_string(), status: format!("could not wait: {e}"), output: String::new() })?;
    let _ = done_tx.send(());
    if let Some(w) = watchdog
        && w.join().unwrap_or(false)
    {
        return Err(ResError::Timeout { millis: timeout.map_or(0, |t| t.as_millis() as u64) });
    }
    Ok(Ran { code: status.code(), stdout: String::from_utf8_lossy(&stdout).into_owned(), stderr: String::from_utf8_lossy(&stderr).into_owned() })
}

/// Runs a program with arguments (no shell); an unsuccessful exit is an error.
pub fn run_ok(program: &str, args: &[&str]) -> Result<Ran, ResError> {
    let shown = std::iter::once(program).chain(args.iter().copied()).collect::<Vec<_>>().join(" ");
    let mut cmd = Command::new(program);
    cmd.args(args);
    let ran = run(cmd, &shown, None)?;
    if ran.success() { Ok(ran) } else { Err(ran.failure(&shown)) }
}

/// One line of `/etc/passwd` or `/etc/group`, split on `:`.
pub fn db_entry(db: &Path, name: &str) -> Result<Option<Vec<String>>, ResError> {
    let text = match std::fs::read_to_string(db) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ResError::io("read", db, &e)),
    };
    Ok(text.lines().map(|l| l.split(':').map(str::to_string).collect::<Vec<_>>()).find(|f| f.first().is_some_and(|n| n == name)))
}

/// The numeric id of a user (`owner`) or group: a number as is, else looked up by name in
/// `db` (`/etc/passwd` or `/etc/group`).
pub fn resolve_id(db: &Path, field: &'static str, name: &str) -> Result<u32, ResError> {
    if let Ok(n) = name.parse::<u32>() {
        return Ok(n);
    }
    match db_entry(db, name)? {
        Some(fields) => fields.get(2).and_then(|id| id.parse().ok()).ok_or_else(|| ResError::invalid(field, format!("{} has a malformed entry for `{name}`", db.display()))),
        None => Err(ResError::invalid(field, format!("no such {} `{name}`", if field == "owner" { "user" } else { "group" }))),
    }
}

/// The effective user id of this process.
pub fn euid() -> u32 {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// True when `program` is found on `$PATH`.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

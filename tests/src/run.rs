//! Helpers for the end-to-end tests of `mclc run`: a long-running `mclc` child whose output
//! goes to files (readable while it runs), killed when dropped, and polling for conditions.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `mclc` process (killed on drop).
pub struct Running {
    child: Child,
    out: PathBuf,
    err: PathBuf,
}

impl Running {
    /// Starts `mclc` with `args`; its stdout and stderr are written to files in `dir`.
    ///
    /// # Panics
    ///
    /// Panics if the binary cannot be started or the files created.
    pub fn start<S: AsRef<std::ffi::OsStr>>(args: &[S], dir: &Path) -> Running {
        let out = dir.join("mclc.stdout");
        let err = dir.join("mclc.stderr");
        let child = Command::new(crate::mclc())
            .args(args)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).expect("stdout file"))
            .stderr(std::fs::File::create(&err).expect("stderr file"))
            .spawn()
            .expect("start mclc");
        Running { child, out, err }
    }

    /// Everything written to stdout so far.
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (e.g. `"TERM"`) and waits up to `timeout` for the exit code.
    pub fn signal_and_wait(&mut self, signal: &str, timeout: Duration) -> Option<i32> {
        let _ = Command::new("kill").arg(format!("-{signal}")).arg(self.child.id().to_string()).status();
        self.wait_exit(timeout)
    }

    /// Waits up to `timeout` for the process to exit by itself; its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// Total CPU time (user + system) the process has used, in clock ticks (Linux).
    pub fn cpu_ticks(&self) -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        let after = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `cond` every 10 ms until it holds or `timeout` passes; how long it took.
pub fn wait_for(timeout: Duration, mut cond: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    loop {
        if cond() {
            return Some(start.elapsed());
        }
        if start.elapsed() > timeout {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Writes `text` as `main.mcl` in `dir` (replacing `@DIR@` with the directory); its path.
///
/// # Panics
///
/// Panics if the file cannot be written.
pub fn program(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("main.mcl");
    std::fs::write(&path, text.replace("@DIR@", &dir.display().to_string())).expect("write main.mcl");
    path
}

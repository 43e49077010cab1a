//! Typed errors of the runtime: why a resource could not be converged, and why a run could not
//! start.

use std::fmt;
use std::path::PathBuf;

/// Why one resource's check or apply failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResError {
    /// A field has a value this runtime can't use (a bad mode string, a relative path, …).
    Invalid {
        /// The field (`mode`, `state`, …).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A system call on a path failed.
    Io {
        /// What was being done (`write`, `create directory`, …).
        op: &'static str,
        /// The path.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// A command could not be started, or exited unsuccessfully.
    Command {
        /// The command as shown to users.
        cmd: String,
        /// How it ended (`exit status 1`, `could not start: …`).
        status: String,
        /// The last lines of its output, for the report.
        output: String,
    },
    /// The check-and-apply took longer than `Meta:timeout` (or an exec's `timeout`).
    Timeout {
        /// The limit that was exceeded, in milliseconds.
        millis: u64,
    },
    /// The kind type-checks but this runtime has no implementation for it.
    Unsupported {
        /// The kind (`virt`, `docker:container`, …).
        kind: String,
    },
    /// Anything else a resource reports (a `test` resource's `validateerror`, …).
    Other(String),
}

impl ResError {
    /// An I/O error on `path` while doing `op`.
    pub fn io(op: &'static str, path: impl Into<PathBuf>, e: &std::io::Error) -> ResError {
        ResError::Io { op, path: path.into(), message: e.to_string() }
    }

    /// An invalid value of `field`.
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> ResError {
        ResError::Invalid { field, reason: reason.into() }
    }
}

impl fmt::Display for ResError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResError::Invalid { field, reason } => write!(f, "invalid `{field}`: {reason}"),
            ResError::Io { op, path, message } => write!(f, "cannot {op} {}: {message}", path.display()),
            ResError::Command { cmd, status, output } => {
                write!(f, "`{cmd}` failed ({status})")?;
                let output = output.trim();
                if !output.is_empty() {
                    write!(f, ": {output}")?;
                }
                Ok(())
            }
            ResError::Timeout { millis } => write!(f, "timed out after {millis} ms"),
            ResError::Unsupported { kind } => write!(f, "kind `{kind}` is not supported by this runtime"),
            ResError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ResError {}

/// Why `mclc run` could not start or had to stop.
#[derive(Debug)]
pub enum RunError {
    /// The program was rejected (by a static check, its first evaluation or graph building): the
    /// diagnostics to render, with the files they point into.
    Program {
        /// Every diagnostic (at least one error).
        diagnostics: Vec<mcl_compiler::diagnostics::Diagnostic>,
        /// The files they refer to.
        sources: mcl_compiler::source::SourceMap,
    },
    /// The runtime itself could not be set up (the async runtime, a signal handler, …).
    Setup(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Program { diagnostics, .. } => write!(f, "the program was rejected ({} diagnostics)", diagnostics.len()),
            RunError::Setup(message) => write!(f, "cannot start the runtime: {message}"),
        }
    }
}

impl std::error::Error for RunError {}

//! Typed errors of deploying and of the agent. Every message names what failed (the endpoint,
//! the file, the deploy id) and what to check.

use mcl_compiler::diagnostics::Diagnostic;
use mcl_compiler::source::SourceMap;
use std::fmt;
use std::path::PathBuf;

/// Why a deploy, a status query or an agent operation failed.
#[derive(Debug)]
pub enum DeployError {
    /// No endpoint was given.
    NoEndpoints,
    /// No endpoint could be reached.
    Unreachable {
        /// The endpoints tried, comma-separated.
        endpoints: String,
        /// Why (connection refused, timed out, …).
        reason: String,
    },
    /// etcd refused the credentials (or the operation for this user).
    Auth {
        /// The endpoints.
        endpoints: String,
        /// etcd's message.
        message: String,
    },
    /// A TLS file could not be read or used.
    Tls {
        /// The file (`--etcd-ca`, …).
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// An etcd request failed.
    Etcd {
        /// The endpoints.
        endpoints: String,
        /// What was being done (`read the deploy log`, …).
        op: String,
        /// etcd's or the transport's message.
        message: String,
    },
    /// The program does not check: refused before anything was stored.
    Program {
        /// Every diagnostic (at least one error).
        diagnostics: Vec<Diagnostic>,
        /// The files they refer to.
        sources: SourceMap,
    },
    /// A file of the deploy could not be bundled.
    Bundle {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// `--require-clean` and the work tree has uncommitted changes.
    Dirty {
        /// The work tree's root.
        root: PathBuf,
    },
    /// A stored manifest is unusable (hand-written, corrupt, or from a newer mclc).
    BadManifest {
        /// Its id.
        id: u64,
        /// Why.
        reason: String,
    },
    /// A blob is missing, incomplete, or its content does not match its sha256.
    BadBlob {
        /// The deploy that needs it.
        id: u64,
        /// The file it is for.
        path: String,
        /// Why.
        reason: String,
    },
    /// A deploy does not exist.
    NoSuchDeploy {
        /// The id asked for (0: there is no deploy at all).
        id: u64,
    },
    /// Another agent already runs under this host name.
    DuplicateHost {
        /// The name.
        host: String,
        /// Who holds it (`machine pid 123 since …`).
        holder: String,
    },
    /// A local file operation failed.
    Io {
        /// What was being done.
        op: &'static str,
        /// The path.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// Something else (bad arguments, a stored record that does not parse, …).
    Other(String),
}

impl DeployError {
    /// A local I/O error.
    pub fn io(op: &'static str, path: impl Into<PathBuf>, e: &std::io::Error) -> DeployError {
        DeployError::Io { op, path: path.into(), message: e.to_string() }
    }
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeployError::NoEndpoints => write!(f, "no etcd endpoint given: pass --etcd http://HOST:2379 or set MCL_ETCD_ENDPOINTS"),
            DeployError::Unreachable { endpoints, reason } => write!(f, "cannot reach etcd at {endpoints}: {reason} — is etcd running, and are the URL and port right?"),
            DeployError::Auth { endpoints, message } => {
                write!(f, "etcd at {endpoints} refused the credentials: {message} — check --etcd-user and MCL_ETCD_PASSWORD (and that the user has a role on the prefix)")
            }
            DeployError::Tls { path, message } => write!(f, "TLS: cannot use {}: {message} — check --etcd-ca, --etcd-cert and --etcd-key", path.display()),
            DeployError::Etcd { endpoints, op, message } => write!(f, "etcd at {endpoints}: cannot {op}: {message}"),
            DeployError::Program { diagnostics, .. } => {
                let n = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "the program has {n} error{}; nothing was deployed", if n == 1 { "" } else { "s" })
            }
            DeployError::Bundle { path, message } => write!(f, "cannot bundle {}: {message}", path.display()),
            DeployError::Dirty { root } => write!(f, "the git work tree {} has uncommitted changes and --require-clean was given: commit or stash them", root.display()),
            DeployError::BadManifest { id, reason } => write!(f, "deploy {id} is rejected: {reason}"),
            DeployError::BadBlob { id, path, reason } => write!(f, "deploy {id} is rejected: file `{path}`: {reason}"),
            DeployError::NoSuchDeploy { id: 0 } => write!(f, "there is no deploy yet"),
            DeployError::NoSuchDeploy { id } => write!(f, "deploy {id} does not exist (see `mclc deploy log`)"),
            DeployError::DuplicateHost { host, holder } => {
                write!(f, "another agent already runs as host `{host}` ({holder}); stop it, or give this one another --hostname")
            }
            DeployError::Io { op, path, message } => write!(f, "cannot {op} {}: {message}", path.display()),
            DeployError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DeployError {}

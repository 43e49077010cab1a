//! `mclc deploy` (and `deploy log`, `deploy prune`): ships a program to the cluster (the work
//! is in `mcl_runtime::deploy`). Also the etcd connection flags shared with `agent` and
//! `status`.

use clap::{Args, Subcommand, ValueEnum};
use mcl_compiler::diagnostics::render::{self, Format};
use mcl_runtime::deploy::{self, DeployError, DeployOptions, EtcdConfig, HostResult, Outcome, Store, printable};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// `println!` that ignores a closed standard output (`mclc deploy log | head`).
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}
pub(crate) use out;

/// How to reach etcd (shared by `deploy`, `agent` and `status`).
#[derive(Args, Debug, Clone)]
pub struct EtcdArgs {
    /// etcd client URLs, comma-separated (http://HOST:2379; https:// with TLS)
    #[arg(long, env = "MCL_ETCD_ENDPOINTS", value_name = "URLS")]
    etcd: Option<String>,
    /// The key prefix everything is stored under
    #[arg(long, default_value = "/mcl", value_name = "PREFIX")]
    prefix: String,
    /// CA certificate (PEM) that signed the etcd servers' certificates
    #[arg(long, value_name = "FILE")]
    etcd_ca: Option<PathBuf>,
    /// Client certificate (PEM), for etcd's --client-cert-auth
    #[arg(long, value_name = "FILE", requires = "etcd_key")]
    etcd_cert: Option<PathBuf>,
    /// Client key (PEM)
    #[arg(long, value_name = "FILE", requires = "etcd_cert")]
    etcd_key: Option<PathBuf>,
    /// etcd user name; the password comes from MCL_ETCD_PASSWORD, else a prompt
    #[arg(long, value_name = "USER")]
    etcd_user: Option<String>,
}

/// The environment variables the etcd flags read, for the help texts.
pub const ENV_HELP: &str = "Environment:\n  MCL_ETCD_ENDPOINTS  etcd client URLs when --etcd is not given (comma-separated)\n  MCL_ETCD_PASSWORD   the password of --etcd-user (else it is prompted for on a terminal)";

/// Reads a password from the terminal without echo.
fn prompt_password(user: &str) -> Result<String, String> {
    let tty = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty").map_err(|_| format!("--etcd-user {user} needs a password: set MCL_ETCD_PASSWORD (there is no terminal to ask on)"))?;
    use std::io::BufRead;
    use std::os::fd::AsRawFd;
    let fd = tty.as_raw_fd();
    let mut term: libc::termios = unsafe { std::mem::zeroed() };
    let have_term = unsafe { libc::tcgetattr(fd, &mut term) } == 0;
    let saved = term;
    if have_term {
        term.c_lflag &= !libc::ECHO;
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &term) };
    }
    let mut out = &tty;
    let _ = write!(out, "etcd password for {user}: ");
    let _ = out.flush();
    let mut line = String::new();
    let read = std::io::BufReader::new(&tty).read_line(&mut line);
    if have_term {
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    }
    let _ = writeln!(out);
    read.map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

impl EtcdArgs {
    /// The connection settings; an error message for the user when they are incomplete.
    pub fn config(&self) -> Result<EtcdConfig, String> {
        let endpoints = deploy::store::split_endpoints(self.etcd.as_deref().unwrap_or(""));
        if endpoints.is_empty() {
            return Err(DeployError::NoEndpoints.to_string());
        }
        let user = match &self.etcd_user {
            Some(u) => {
                let password = match std::env::var("MCL_ETCD_PASSWORD") {
                    Ok(p) => p,
                    Err(_) => prompt_password(u)?,
                };
                Some((u.clone(), password))
            }
            None => None,
        };
        let cfg = EtcdConfig { endpoints, prefix: self.prefix.clone(), ca: self.etcd_ca.clone(), cert: self.etcd_cert.clone(), key: self.etcd_key.clone(), user };
        if let Some(w) = cfg.plaintext_warning() {
            eprintln!("warning: {w}");
        }
        Ok(cfg)
    }
}

/// Output formats of the listing commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people.
    Text,
    /// One JSON document on standard output.
    Json,
}

/// Arguments of `mclc deploy`.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Checks the program, then stores it in etcd as the next deploy; every `mclc agent` runs the newest deploy. \
The deploy holds the entry file, every file it imports locally, and each module's metadata.yaml and files/. \
Git is never required: inside a work tree (found upward from the entry file) the commit, branch and dirty state are recorded; a dirty tree only warns unless --require-clean. \
Deploying the same content as the newest deploy stores nothing (use --force).\n\n\
Exit status: 0 deployed (or already deployed); 1 the program has errors, --require-clean refused, or with --wait a host failed or the wait timed out; 2 usage, file or etcd errors.\n\n\
Examples:\n  mclc deploy --etcd http://127.0.0.1:2379 main.mcl   deploy a file\n  mclc deploy --wait main.mcl                          deploy, then follow every agent until it converged or failed\n  mclc deploy log                                      list the deploys\n  mclc deploy prune --keep 10                          delete older deploys and unused files\n\n\
Environment:\n  MCL_ETCD_ENDPOINTS  etcd client URLs when --etcd is not given (comma-separated)\n  MCL_ETCD_PASSWORD   the password of --etcd-user (else it is prompted for on a terminal)"
)]
pub struct DeployArgs {
    #[command(subcommand)]
    action: Option<DeployAction>,
    #[command(flatten)]
    etcd: EtcdArgs,
    /// Agents only report what would change (like `mclc run --noop`)
    #[arg(long)]
    noop: bool,
    /// Store a new deploy even when its content equals the newest deploy's
    #[arg(long)]
    force: bool,
    /// Refuse to deploy from a git work tree with uncommitted changes
    #[arg(long)]
    require_clean: bool,
    /// Follow every live agent until it converged or failed (exit 1 if any failed)
    #[arg(long)]
    wait: bool,
    /// With --wait: give up after this many seconds
    #[arg(long, value_name = "S", default_value_t = 120.0, requires = "wait")]
    timeout: f64,
    /// A program file, or a module directory (its metadata.yaml `main:`, else main.mcl)
    path: Option<PathBuf>,
}

/// `mclc deploy` subcommands.
#[derive(Subcommand, Debug)]
enum DeployAction {
    /// List the deploys, newest first: id, time, author, git commit, entry file.
    #[command(after_help = ENV_HELP)]
    Log {
        #[command(flatten)]
        etcd: EtcdArgs,
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Show only the newest N deploys
        #[arg(short = 'n', long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Delete all but the newest N deploys and the files no remaining deploy uses.
    #[command(after_help = "Deploys that a host is on or still running are kept too.\n\nEnvironment:\n  MCL_ETCD_ENDPOINTS  etcd client URLs when --etcd is not given (comma-separated)\n  MCL_ETCD_PASSWORD   the password of --etcd-user (else it is prompted for on a terminal)")]
    Prune {
        #[command(flatten)]
        etcd: EtcdArgs,
        /// How many of the newest deploys to keep (at least 1)
        #[arg(long, value_name = "N")]
        keep: usize,
    },
}

/// Prints a deploy error (diagnostics rendered like `mclc check`); its exit code.
pub fn report_error(cmd: &str, e: DeployError) -> ExitCode {
    match e {
        DeployError::Program { diagnostics, sources } => {
            let format = if std::io::stderr().is_terminal() { Format::Rich { color: crate::check::color_allowed() } } else { Format::Short };
            let n = diagnostics.iter().filter(|d| d.is_error()).count();
            let _ = writeln!(std::io::stderr(), "{}", render::render(&diagnostics, &sources, format).trim_end());
            eprintln!("{cmd}: the program has {n} error{}; nothing was deployed", if n == 1 { "" } else { "s" });
            ExitCode::from(1)
        }
        e @ DeployError::Dirty { .. } => {
            eprintln!("{cmd}: {e}");
            ExitCode::from(1)
        }
        e => {
            eprintln!("{cmd}: {e}");
            ExitCode::from(2)
        }
    }
}

/// Connects, or prints why not.
pub fn connect(cmd: &str, args: &EtcdArgs) -> Result<(tokio::runtime::Runtime, Store), ExitCode> {
    let cfg = args.config().map_err(|m| {
        eprintln!("{cmd}: {m}");
        ExitCode::from(2)
    })?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
        eprintln!("{cmd}: cannot start the async runtime: {e}");
        ExitCode::from(2)
    })?;
    let store = rt.block_on(Store::connect(&cfg)).map_err(|e| report_error(cmd, e))?;
    Ok((rt, store))
}

/// Runs `mclc deploy`.
pub fn run(args: DeployArgs) -> ExitCode {
    match args.action {
        Some(DeployAction::Log { etcd, format, limit }) => return log(&etcd, format, limit),
        Some(DeployAction::Prune { etcd, keep }) => return prune(&etcd, keep),
        None => {}
    }
    let Some(path) = args.path.clone() else {
        eprintln!("mclc deploy: which program? give a file or module directory (`mclc deploy main.mcl`), or a subcommand: log, prune");
        return ExitCode::from(2);
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        eprintln!("mclc deploy: --timeout needs a number of seconds > 0");
        return ExitCode::from(2);
    }
    let opts = DeployOptions { path, noop: args.noop, force: args.force, require_clean: args.require_clean };
    // Check and bundle before connecting: a broken program needs no cluster to be refused.
    let mut prepared = match deploy::prepare(&opts) {
        Ok(p) => p,
        Err(e) => return report_error("mclc deploy", e),
    };
    for w in &prepared.warnings {
        eprintln!("warning: {w}");
    }
    let (rt, store) = match connect("mclc deploy", &args.etcd) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let outcome = match rt.block_on(deploy::publish(&store, &mut prepared, args.force)) {
        Ok(o) => o,
        Err(e) => return report_error("mclc deploy", e),
    };
    let m = &prepared.manifest;
    let id = match outcome {
        Outcome::AlreadyDeployed { id } => {
            out!("already deployed: deploy {id} has the same content ({}); nothing stored (--force deploys it again)", m.entry);
            id
        }
        Outcome::Deployed { id, uploaded } => {
            let git = match &m.git {
                Some(g) => format!(
                    "git {}{}{}",
                    g.short_commit(),
                    g.branch.as_deref().map(|b| format!(" on {b}")).unwrap_or_default(),
                    if g.dirty { ", dirty" } else { "" }
                ),
                None => "no git".into(),
            };
            out!(
                "deployed {id}: {} ({} file{}, {uploaded} uploaded; {git}){} to {}",
                m.entry,
                m.files.len(),
                if m.files.len() == 1 { "" } else { "s" },
                if m.noop { " as noop" } else { "" },
                store.endpoints()
            );
            id
        }
    };
    let _ = std::io::stdout().flush();
    if !args.wait {
        return ExitCode::SUCCESS;
    }
    let hosts = match rt.block_on(store.hosts()) {
        Ok(h) => h,
        Err(e) => return report_error("mclc deploy", e),
    };
    if hosts.is_empty() {
        eprintln!("mclc deploy: no agent is registered under {}; nothing to wait for (start `mclc agent`)", store.keys().hosts());
        return ExitCode::SUCCESS;
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    let waited = rt.block_on(deploy::wait(&store, id, timeout, |host, r| {
        // Host names and diagnostics are the agents' words: no escape sequences reach the terminal.
        out!("{}: {}", printable(host), printable(&r.describe()));
        let _ = std::io::stdout().flush();
    }));
    match waited {
        Ok(report) => {
            let failed: Vec<&String> = report.hosts.iter().filter(|(_, r)| r.failed()).map(|(h, _)| h).collect();
            let pending: Vec<String> = report.hosts.iter().filter(|(_, r)| matches!(r, HostResult::Pending(_))).map(|(h, r)| format!("{} ({})", printable(h), printable(&r.describe()))).collect();
            if report.timed_out {
                eprintln!("mclc deploy: timed out after {} s waiting for {}", args.timeout, pending.join(", "));
                return ExitCode::from(1);
            }
            if !failed.is_empty() {
                eprintln!("mclc deploy: deploy {id} failed on {} (see `mclc status`)", failed.iter().map(|s| printable(s)).collect::<Vec<_>>().join(", "));
                return ExitCode::from(1);
            }
            out!("deploy {id}: every host finished ({} host{})", report.hosts.len(), if report.hosts.len() == 1 { "" } else { "s" });
            ExitCode::SUCCESS
        }
        Err(e) => report_error("mclc deploy", e),
    }
}

fn log(etcd: &EtcdArgs, format: ListFormat, limit: Option<usize>) -> ExitCode {
    let (rt, store) = match connect("mclc deploy log", etcd) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut manifests = match rt.block_on(store.manifests()) {
        Ok(m) => m,
        Err(e) => return report_error("mclc deploy log", e),
    };
    manifests.reverse();
    if let Some(n) = limit {
        manifests.truncate(n);
    }
    match format {
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = manifests
                .iter()
                .map(|(id, m)| match m {
                    Ok(m) => serde_json::to_value(m).unwrap_or(serde_json::Value::Null),
                    Err(e) => serde_json::json!({ "id": id, "error": e.to_string() }),
                })
                .collect();
            out!("{}", serde_json::to_string_pretty(&items).unwrap_or_default());
        }
        ListFormat::Text => {
            if manifests.is_empty() {
                out!("no deploys under {}", store.keys().deploys());
            }
            for (id, m) in &manifests {
                match m {
                    Ok(m) => out!("{}", printable(&m.summary())),
                    Err(e) => out!("{id:>4}  unreadable: {}", printable(&e.to_string())),
                }
            }
        }
    }
    ExitCode::SUCCESS
}

fn prune(etcd: &EtcdArgs, keep: usize) -> ExitCode {
    if keep == 0 {
        eprintln!("mclc deploy prune: --keep needs at least 1 (the newest deploy is what agents run)");
        return ExitCode::from(2);
    }
    let (rt, store) = match connect("mclc deploy prune", etcd) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match rt.block_on(deploy::prune::prune(&store, keep)) {
        Ok(r) => {
            let ids = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(" ");
            out!(
                "deleted {} deploy{}{} and {} unused file{} ({} bytes); kept {}",
                r.deploys.len(),
                if r.deploys.len() == 1 { "" } else { "s" },
                if r.deploys.is_empty() { String::new() } else { format!(" ({})", ids(&r.deploys)) },
                r.blobs,
                if r.blobs == 1 { "" } else { "s" },
                r.bytes,
                if r.kept.is_empty() { "nothing".into() } else { ids(&r.kept) }
            );
            ExitCode::SUCCESS
        }
        Err(e) => report_error("mclc deploy prune", e),
    }
}

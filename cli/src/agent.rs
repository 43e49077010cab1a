//! `mclc agent`: runs the cluster's newest deploy on this host (the work is in
//! `mcl_runtime::agent`).

use crate::deploy::EtcdArgs;
use clap::Args;
use mcl_runtime::agent::{AgentOptions, run_agent};
use mcl_runtime::deploy::DeployError;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mclc agent`.
#[derive(Args, Debug)]
#[command(after_help = "Registers the host under a lease (a second agent with the same --hostname is refused), then runs every new deploy: \
fetches it into a private directory, verifies every file's sha256, checks it, and converges it like `mclc run`. \
A deploy that fails to compile leaves the previous one running; `mclc status` shows why. \
Survives etcd restarts and member loss. Stops on SIGINT or SIGTERM.\n\n\
Exit status: 0 stopped by a signal; 1 another agent holds the host name; 2 usage or etcd errors at start.\n\n\
Examples:\n  mclc agent --etcd http://10.0.0.1:2379,http://10.0.0.2:2379,http://10.0.0.3:2379\n  mclc agent --hostname web1 --state-dir /tmp/agent-web1\n\n\
Environment:\n  MCL_ETCD_ENDPOINTS  etcd client URLs when --etcd is not given (comma-separated)\n  MCL_ETCD_PASSWORD   the password of --etcd-user (else it is prompted for on a terminal)\n  RUST_LOG            log filter (overrides -v)")]
pub struct AgentArgs {
    #[command(flatten)]
    etcd: EtcdArgs,
    /// The name to report under; what `$hostname` and `sys.hostname()` return [default: this machine's]
    #[arg(long)]
    hostname: Option<String>,
    /// Where deploys are unpacked [default: /var/lib/mclc/agent/HOST as root, else ~/.local/state/mclc/agent/HOST]
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// Seconds after the agent dies before its host disappears from `mclc status`
    #[arg(long, value_name = "S", default_value_t = 5)]
    lease_ttl: i64,
    /// More logs (-v info, -vv debug, -vvv trace; RUST_LOG overrides)
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
}

/// Runs `mclc agent`.
pub fn run(args: AgentArgs) -> ExitCode {
    mcl_runtime::logging::init(args.verbose);
    let cfg = match args.etcd.config() {
        Ok(c) => c,
        Err(m) => {
            eprintln!("mclc agent: {m}");
            return ExitCode::from(2);
        }
    };
    // The deploys' commands (exec, guards, watchcmd, pkg, svc…) inherit the agent's
    // environment: they must not inherit its etcd password, which is root on every host.
    // SAFETY: no other thread runs yet (the async runtime and the deploys' threads start in
    // run_agent below), so nothing reads the environment concurrently.
    unsafe { std::env::remove_var("MCL_ETCD_PASSWORD") };
    if let Some(h) = &args.hostname
        && (h.is_empty() || h.contains('/') || h.chars().any(char::is_whitespace))
    {
        eprintln!("mclc agent: --hostname `{h}` can't be used: it must be non-empty, without `/` or spaces");
        return ExitCode::from(2);
    }
    if args.lease_ttl < 2 {
        eprintln!("mclc agent: --lease-ttl needs at least 2 seconds");
        return ExitCode::from(2);
    }
    let mut opts = AgentOptions::new(cfg, args.hostname);
    if let Some(dir) = args.state_dir {
        opts.state_dir = dir;
    }
    opts.lease_ttl = args.lease_ttl;
    match run_agent(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e @ DeployError::DuplicateHost { .. }) => {
            eprintln!("mclc agent: {e}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("mclc agent: {e}");
            ExitCode::from(2)
        }
    }
}

//! `mclc run`: converges a program on this machine (the work is in `mcl-runtime`).

use clap::Args;
use mcl_compiler::diagnostics::render::{self, Format};
use mcl_runtime::{Printer, RunError, RunOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `mclc run`.
#[derive(Args, Debug)]
#[command(after_help = "Without --once, keeps the machine converged (watching managed files, re-evaluating streams such as datetime.now) until SIGINT or SIGTERM; running check-and-applies finish first.\n\n\
Exit status: 0 when everything converged, 1 when a resource failed (or was blocked by a failure) or the program is rejected, 2 on usage or I/O errors.\n\n\
Examples:\n  mclc run --once main.mcl                 converge once, print a summary, exit\n  mclc run --noop main.mcl                 show what would change, change nothing\n  mclc run --converged-timeout 5 main.mcl  exit after 5 s without changes\n  RUST_LOG=debug mclc run main.mcl         detailed logs")]
pub struct RunArgs {
    /// Exit after the first convergence, with a summary
    #[arg(long)]
    once: bool,
    /// Change nothing: report what would change
    #[arg(long)]
    noop: bool,
    /// Exit when nothing has changed for this many seconds
    #[arg(long, value_name = "S")]
    converged_timeout: Option<f64>,
    /// The name `$hostname` and `sys.hostname()` see [default: this machine's]
    #[arg(long)]
    hostname: Option<String>,
    /// More logs (-v info, -vv debug, -vvv trace; RUST_LOG overrides)
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
    /// A program file, or a module directory (its metadata.yaml `main:`, else main.mcl)
    path: PathBuf,
}

/// Runs `mclc run`.
pub fn run(args: RunArgs) -> ExitCode {
    mcl_runtime::logging::init(args.verbose);
    let mut opts = RunOptions::new(&args.path);
    opts.once = args.once;
    opts.noop = args.noop;
    opts.hostname = args.hostname;
    if let Some(s) = args.converged_timeout {
        if !(s.is_finite() && s >= 0.0) {
            eprintln!("mclc run: --converged-timeout needs a number of seconds ≥ 0");
            return ExitCode::from(2);
        }
        opts.converged_timeout = Some(Duration::from_secs_f64(s));
    }
    let mut printer = Printer::new(opts.noop);
    match mcl_runtime::run(opts, &mut printer) {
        Ok(summary) => ExitCode::from(if summary.failed() { 1 } else { 0 }),
        Err(RunError::Program { diagnostics, sources }) => {
            let io = diagnostics.iter().any(|d| d.is_error() && d.phase == mcl_compiler::diagnostics::Phase::Io);
            let format = if std::io::stderr().is_terminal() { Format::Rich { color: crate::check::color_allowed() } } else { Format::Short };
            let _ = writeln!(std::io::stderr(), "{}", render::render(&diagnostics, &sources, format).trim_end());
            ExitCode::from(if io { 2 } else { 1 })
        }
        Err(e) => {
            eprintln!("mclc run: {e}");
            ExitCode::from(2)
        }
    }
}

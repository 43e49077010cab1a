//! `mclc`: the command-line front of the mcl toolchain. Thin glue over `mcl-compiler`: it parses
//! arguments, finds files, and prints what the library returns.

#[cfg(feature = "full")]
mod agent;
mod check;
#[cfg(feature = "full")]
mod deploy;
mod fmt;
mod graph;
#[cfg(feature = "full")]
mod run;
#[cfg(feature = "full")]
mod status;

use clap::{CommandFactory, Parser, Subcommand};

use std::process::ExitCode;

/// The mcl toolchain: check, format and run mgmt's mcl configuration language.
#[derive(Parser)]
#[command(
    name = "mclc",
    version,
    about,
    long_about = None,
    after_help = "Environment:\n  NO_COLOR   disable colours in rich diagnostics\n\nExamples:\n  mclc check main.mcl           check one file (every phase)\n  mclc graph --format json dir/ print the resource graph of a module directory\n  mclc deploy --wait main.mcl   ship a program to every agent (MCL_ETCD_ENDPOINTS) and follow it\n  mclc help check               the full help of a subcommand (same as `mclc check --help`)"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check mcl files for errors, as a pre-commit hook or in CI.
    Check(check::CheckArgs),
    /// Rewrite mcl files in mgmt's canonical style.
    Fmt(fmt::FmtArgs),
    /// Evaluate a program and print its resource graph.
    Graph(graph::GraphArgs),
    /// Converge a program on this machine and keep it converged.
    #[cfg(feature = "full")]
    Run(run::RunArgs),
    /// Ship a program to the cluster over etcd (subcommands: log, prune).
    #[cfg(feature = "full")]
    Deploy(deploy::DeployArgs),
    /// Run the cluster's newest deploy on this host and report its status.
    #[cfg(feature = "full")]
    Agent(agent::AgentArgs),
    /// Show each host's deploy, state and errors.
    #[cfg(feature = "full")]
    Status(status::StatusArgs),
    /// Run the language server on stdin/stdout (for editors).
    #[cfg(feature = "full")]
    #[command(after_help = "Speaks the Language Server Protocol on standard input and output; editors start it.\n\nExample (Neovim 0.11):\n  vim.lsp.config('mcl', { cmd = { 'mclc', 'lsp' }, filetypes = { 'mcl' } })")]
    Lsp,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "Examples:\n  mclc completions bash > /etc/bash_completion.d/mclc\n  mclc completions zsh > \"${fpath[1]}/_mclc\"\n  mclc completions fish > ~/.config/fish/completions/mclc.fish")]
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on standard output.
    #[command(after_help = "Example:\n  mclc man > /usr/local/share/man/man1/mclc.1")]
    Man,
}

/// Parses the command line and runs the subcommand: the whole `mclc` program.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Graph(args) => graph::run(args),
        #[cfg(feature = "full")]
        Command::Run(args) => run::run(args),
        #[cfg(feature = "full")]
        Command::Deploy(args) => deploy::run(args),
        #[cfg(feature = "full")]
        Command::Agent(args) => agent::run(args),
        #[cfg(feature = "full")]
        Command::Status(args) => status::run(args),
        #[cfg(feature = "full")]
        Command::Lsp => mcl_lsp::run_stdio(),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "mclc", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            match man.render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("mclc man: cannot write the manual page: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

//! `mclc graph`: evaluates a program and prints its resource graph.

use clap::{Args, ValueEnum};
use mcl_compiler::diagnostics::render::{self, Format};
use mcl_compiler::driver;
use mcl_compiler::eval::stdlib::Host;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// How the graph is printed.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GraphFormat {
    /// Sorted `Vertex: kind[name]` and `Edge: kind[a] -> kind[b]` lines.
    Text,
    /// One JSON object: {"vertices": [...], "edges": [...]} (or {"diagnostics": [...]}).
    Json,
}

/// Arguments of `mclc graph`.
#[derive(Args, Debug)]
#[command(after_help = "Exit status: 0 with a graph, 1 when the program is rejected, 2 on usage or I/O errors.\n\n\
Examples:\n  mclc graph main.mcl\n  mclc graph --format json modules/web/")]
pub struct GraphArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: GraphFormat,
    /// The name `$hostname` and `sys.hostname()` see [default: this machine's]
    #[arg(long)]
    hostname: Option<String>,
    /// A program file, or a module directory (its metadata.yaml `main:`, else main.mcl)
    path: PathBuf,
}

/// Runs `mclc graph`.
pub fn run(args: GraphArgs) -> ExitCode {
    let root = if args.path.is_dir() { args.path.clone() } else { args.path.parent().map(PathBuf::from).unwrap_or_default() };
    let mut host = Host::local(root);
    if let Some(h) = args.hostname {
        host.hostname = h;
    }
    let built = driver::build_graph(&args.path, Some(host));
    let errors: Vec<_> = built.checked.diagnostics.iter().filter(|d| d.is_error()).collect();
    match (built.graph, args.format) {
        (Some(g), GraphFormat::Text) => {
            print!("{}", g.to_text());
            ExitCode::SUCCESS
        }
        (Some(g), GraphFormat::Json) => {
            println!("{}", g.to_json());
            ExitCode::SUCCESS
        }
        (None, format) => {
            let io = errors.iter().any(|d| d.phase == mcl_compiler::diagnostics::Phase::Io);
            if matches!(format, GraphFormat::Json) {
                let all: Vec<_> = built.checked.diagnostics.iter().map(|d| render::diagnostic_json(d, &built.checked.sources)).collect();
                println!("{}", serde_json::json!({ "diagnostics": all }));
            } else {
                let format = if std::io::stderr().is_terminal() { Format::Rich { color: crate::check::color_allowed() } } else { Format::Short };
                let _ = writeln!(std::io::stderr(), "{}", render::render(&built.checked.diagnostics, &built.checked.sources, format).trim_end());
            }
            ExitCode::from(if io { 2 } else { 1 })
        }
    }
}

//! `mclc graph`: evaluates a program and prints its resource graph.

use clap::{Args, ValueEnum};
use mcl_compiler::diagnostics::render::{self, Format};
use mcl_compiler::driver;
use mcl_compiler::eval::graph::Graph;
use mcl_compiler::eval::stdlib::Host;
use mcl_compiler::eval::value::Value;
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
            print!("{}", text(&g));
            ExitCode::SUCCESS
        }
        (Some(g), GraphFormat::Json) => {
            println!("{}", json(&g));
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

/// The text form: sorted vertex and edge lines.
fn text(g: &Graph) -> String {
    let mut lines: Vec<String> = g.resources.keys().map(|(k, n)| format!("Vertex: {k}[{n}]")).collect();
    lines.extend(g.edges.keys().map(|((k1, n1), (k2, n2))| format!("Edge: {k1}[{n1}] -> {k2}[{n2}]")));
    lines.sort();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The JSON form of the conformance contract, with params and meta params.
fn json(g: &Graph) -> serde_json::Value {
    let vertices: Vec<_> = g
        .resources
        .values()
        .map(|r| {
            serde_json::json!({
                "kind": r.kind.as_str(),
                "name": r.name,
                "params": r.params.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect::<serde_json::Map<_, _>>(),
                "meta": r.meta.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    let edges: Vec<_> = g
        .edges
        .iter()
        .map(|(((k1, n1), (k2, n2)), e)| {
            serde_json::json!({
                "from": {"kind": k1.as_str(), "name": n1},
                "to": {"kind": k2.as_str(), "name": n2},
                "notify": e.notify,
                "automatic": e.automatic,
                "send_recv": e.send_recv.iter().map(|(s, r)| serde_json::json!({"send": s.as_str(), "recv": r.as_str()})).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({ "vertices": vertices, "edges": edges })
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(l) => serde_json::Value::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.as_str().map_or_else(|| k.to_string(), str::to_string), to_json(v))).collect()),
        Value::Struct(fields) => serde_json::Value::Object(fields.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect()),
        Value::Func(f) => serde_json::Value::String(f.describe()),
    }
}

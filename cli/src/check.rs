//! `mclc check`: runs the compiler's phases on files and prints the diagnostics.

use clap::{Args, ValueEnum};
use mcl_compiler::diagnostics::render::{self, Format};
use mcl_compiler::diagnostics::{Diagnostic, Phase, codes};
use mcl_compiler::driver::{self, StopAfter};
use mcl_compiler::source::{SourceFile, SourceMap, Span};
use std::collections::HashSet;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    /// Source excerpts with labels (default on a terminal).
    Rich,
    /// One line per problem: `path:line:col: error[phase]: message` (default otherwise).
    Short,
    /// A JSON document on stdout: {"diagnostics": [...]}.
    Json,
    /// A SARIF 2.1.0 log on stdout, for code-scanning uploads.
    Sarif,
}

/// The phase to stop after.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StopPhase {
    /// Lexing and parsing.
    Parse,
    /// String interpolation.
    Interpolate,
    /// Structural checks (duplicate fields, unknown meta params, …).
    Init,
    /// Name resolution, imports and ordering.
    Scope,
    /// Type inference (the default: every phase).
    Unify,
}

/// Arguments of `mclc check`.
#[derive(Args, Debug)]
#[command(after_help = "Exit status: 0 when clean, 1 when there are findings, 2 on usage or I/O errors.\n\n\
Examples:\n  mclc check main.mcl\n  mclc check --format short examples/\n  cat main.mcl | mclc check -")]
pub struct CheckArgs {
    /// Output format [default: rich on a terminal, short otherwise]
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// Stop after this phase
    #[arg(long, value_enum)]
    stop_after: Option<StopPhase>,
    /// Files, directories (every *.mcl below them) or `-` for standard input
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// Runs `mclc check`.
pub fn run(args: CheckArgs) -> ExitCode {
    let format = match args.format {
        Some(OutputFormat::Rich) => Format::Rich { color: color_allowed() },
        Some(OutputFormat::Short) => Format::Short,
        Some(OutputFormat::Json) | Some(OutputFormat::Sarif) => Format::Json,
        None if std::io::stderr().is_terminal() => Format::Rich { color: color_allowed() },
        None => Format::Short,
    };
    let stop_after = match args.stop_after {
        Some(StopPhase::Parse) => StopAfter::Parse,
        Some(StopPhase::Init) => StopAfter::Init,
        Some(StopPhase::Interpolate) => StopAfter::Interpolate,
        Some(StopPhase::Scope) => StopAfter::Scope,
        Some(StopPhase::Unify) | None => StopAfter::Unify,
    };
    let mut io_errors = Vec::new();
    let files = collect_files(&args.paths, &mut io_errors);
    let mut findings = false;
    let mut seen = HashSet::new();
    let sarif = matches!(args.format, Some(OutputFormat::Sarif));
    let mut json = Vec::new();
    let mut text = String::new();
    let mut all_checked = Vec::new();
    let mut sarif_items: Vec<(usize, usize)> = Vec::new();
    for (path, source) in files {
        let checked = driver::check_text(path, source, stop_after);
        findings |= checked.has_errors();
        for (index, d) in checked.diagnostics.iter().enumerate() {
            // A module imported by several checked files reports its problems once.
            let key = (checked.sources.get(d.file).path.clone(), d.span, d.message.clone());
            if !seen.insert(key) {
                continue;
            }
            match format {
                Format::Json if sarif => sarif_items.push((all_checked.len(), index)),
                Format::Json => json.push(render::diagnostic_json(d, &checked.sources)),
                Format::Short => text.push_str(&format!("{}\n", render::render_short(d, &checked.sources))),
                Format::Rich { color } => text.push_str(&format!("{}\n", render::render_rich(d, &checked.sources, color))),
            }
        }
        all_checked.push(checked);
    }
    let mut io_sources = SourceMap::new();
    for (path, message) in &io_errors {
        let file = io_sources.add(SourceFile::new(path.clone(), String::new()));
        let d = Diagnostic::error(Phase::Io, codes::IO, file, Span::default(), message.clone());
        match format {
            Format::Json => json.push(render::diagnostic_json(&d, &io_sources)),
            Format::Short => text.push_str(&format!("{}\n", render::render_short(&d, &io_sources))),
            Format::Rich { color } => text.push_str(&format!("{}\n", render::render_rich(&d, &io_sources, color))),
        }
    }
    if sarif {
        let io_diags: Vec<Diagnostic> = io_errors
            .iter()
            .enumerate()
            .map(|(i, (_, m))| Diagnostic::error(Phase::Io, codes::IO, mcl_compiler::source::FileId(i as u32), Span::default(), m.clone()))
            .collect();
        let mut items: Vec<(&Diagnostic, &SourceMap)> = sarif_items.iter().map(|&(c, d)| (&all_checked[c].diagnostics[d], &all_checked[c].sources)).collect();
        items.extend(io_diags.iter().map(|d| (d, &io_sources)));
        println!("{}", render::to_sarif(&items));
    } else if matches!(format, Format::Json) {
        println!("{}", serde_json::json!({ "diagnostics": json }));
    } else if !text.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", text.trim_end());
    }
    if !io_errors.is_empty() {
        ExitCode::from(2)
    } else if findings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Colours only on a terminal, and never with `NO_COLOR` set (https://no-color.org).
pub fn color_allowed() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Reads every file named by `paths`: files as given, directories recursively (`*.mcl`, sorted),
/// `-` as standard input. Problems go to `errors` as (path, message).
fn collect_files(paths: &[PathBuf], errors: &mut Vec<(PathBuf, String)>) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            match std::io::stdin().read_to_string(&mut text) {
                Ok(_) => out.push((PathBuf::from("<stdin>"), text)),
                Err(e) => errors.push((PathBuf::from("<stdin>"), format!("cannot read standard input: {e}"))),
            }
        } else if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found, errors);
            found.sort();
            for f in found {
                read_into(&f, &mut out, errors);
            }
        } else {
            read_into(path, &mut out, errors);
        }
    }
    out
}

fn read_into(path: &Path, out: &mut Vec<(PathBuf, String)>, errors: &mut Vec<(PathBuf, String)>) {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => out.push((path.to_path_buf(), text)),
            Err(e) => errors.push((path.to_path_buf(), format!("{} is not valid UTF-8 (first bad byte at offset {})", path.display(), e.utf8_error().valid_up_to()))),
        },
        Err(e) => errors.push((path.to_path_buf(), format!("cannot read {}: {e}", path.display()))),
    }
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, String)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push((dir.to_path_buf(), format!("cannot read directory {}: {e}", dir.display())));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, found, errors),
            Ok(_) if path.extension().is_some_and(|e| e == "mcl") => found.push(path),
            _ => {}
        }
    }
}


//! `mclc fmt`: rewrites mcl files in mgmt's canonical style.

use clap::Args;
use mcl_compiler::diagnostics::render::{self, Format};
use mcl_compiler::format::{FormatError, format};
use mcl_compiler::source::{SourceFile, SourceMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `mclc fmt`.
#[derive(Args, Debug)]
#[command(after_help = "Files with syntax errors are left untouched and reported. The formatter re-parses its own \
output and refuses to write anything whose syntax tree or comments differ from the input's.\n\n\
Exit status: 0 when done (or, with --check, when everything is formatted), 1 when --check finds unformatted \
files or a file can't be formatted, 2 on usage or I/O errors.\n\n\
Examples:\n  mclc fmt main.mcl           rewrite in place\n  mclc fmt --check modules/    list unformatted files (CI, pre-commit)\n  mclc fmt --diff main.mcl    show what would change\n  cat main.mcl | mclc fmt -   format standard input to standard output")]
pub struct FmtArgs {
    /// Don't write; list the files that are not formatted and exit 1 if any
    #[arg(long)]
    check: bool,
    /// Don't write; print a unified diff of the changes
    #[arg(long)]
    diff: bool,
    /// Files, directories (every *.mcl below them) or `-` for standard input → standard output
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// Runs `mclc fmt`.
pub fn run(args: FmtArgs) -> ExitCode {
    let mut failed = false;
    let mut unformatted = false;
    let mut io_error = false;
    let mut files = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("mclc fmt: cannot read standard input: {e}");
                return ExitCode::from(2);
            }
            match format(&text) {
                Ok(out) => {
                    if args.check || args.diff {
                        unformatted |= out != text;
                        if args.diff {
                            print!("{}", unified_diff(&text, &out, Path::new("<stdin>")));
                        }
                    } else {
                        print!("{out}");
                    }
                }
                Err(e) => {
                    report("<stdin>", &text, e);
                    failed = true;
                }
            }
            continue;
        }
        if path.is_dir() {
            collect(path, &mut files);
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    for path in files {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("mclc fmt: cannot read {}: {e}", path.display());
                io_error = true;
                continue;
            }
        };
        let out = match format(&text) {
            Ok(out) => out,
            Err(e) => {
                report(&path.display().to_string(), &text, e);
                failed = true;
                continue;
            }
        };
        if out == text {
            continue;
        }
        if args.check || args.diff {
            unformatted = true;
            if args.diff {
                print!("{}", unified_diff(&text, &out, &path));
            } else {
                println!("{}", path.display());
            }
        } else if let Err(e) = write_atomically(&path, &out) {
            eprintln!("mclc fmt: cannot write {}: {e}", path.display());
            io_error = true;
        }
    }
    if io_error {
        ExitCode::from(2)
    } else if failed || (args.check && unformatted) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn report(path: &str, text: &str, error: FormatError) {
    match error {
        FormatError::Syntax(diags) => {
            let mut sources = SourceMap::new();
            let file = sources.add(SourceFile::new(path, text));
            let diags: Vec<_> = diags.into_iter().map(|mut d| {
                d.file = file;
                d
            }).collect();
            eprintln!("mclc fmt: {path} has syntax errors; left untouched");
            let _ = writeln!(std::io::stderr(), "{}", render::render(&diags, &sources, Format::Short).trim_end());
        }
        FormatError::Unstable(why) => eprintln!("mclc fmt: {path} was left untouched: {why} (please report this)"),
    }
}

/// Writes `text` to a temporary file beside `path`, then renames it over `path`, keeping the
/// original's permissions: a crash never leaves a half-written file.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.mclc-fmt.{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn unified_diff(old: &str, new: &str, path: &Path) -> String {
    let shown = path.display().to_string();
    similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(&shown, &shown).to_string()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("mclc fmt: cannot read directory {}", dir.display());
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "mcl") {
            out.push(p);
        }
    }
}

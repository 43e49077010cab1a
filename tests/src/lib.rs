//! Helpers for the end-to-end tests of `mclc`.
//!
//! The tests in `tests/tests/*.rs` never link against the compiler: they run
//! the built `mclc` binary (see [`mclc`]) exactly as a user or a CI job would,
//! and look at its exit status, stdout and stderr (see [`run`]).
//!
//! The conformance corpus lives outside the workspace, in `../shared` (see
//! [`shared_dir`]); its graph cases are txtar archives, handled by
//! [`parse_txtar`], [`write_case`] and [`expected_error`].

pub mod lsp;

/// Percentiles for the benchmarks.
pub mod bench;

/// Real etcd clusters for the deploy tests.
pub mod etcd;

/// Helpers for the `mclc run` tests.
pub mod run;

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The root of the Cargo workspace (the parent of this package's directory).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// Path of the `mclc` binary under test.
///
/// If the environment variable `MCLC_BIN` is set, its value is used as is
/// (nothing is built). Otherwise the binary is built once per test process
/// with `cargo build -p mclc --bin mclc` (plus `--release` when this test
/// binary itself was built without debug assertions), run from the
/// workspace root with the `cargo` named by `$CARGO` (default `cargo`), and
/// the path `<target dir>/<profile>/mclc` is returned, where the target dir
/// is `$CARGO_TARGET_DIR` (relative values are taken from the workspace
/// root) or `<workspace root>/target`.
///
/// # Panics
///
/// Panics with cargo's output if the build fails, or if the binary is not
/// where it is expected afterwards.
pub fn mclc() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("MCLC_BIN").filter(|v| !v.is_empty()) {
            return PathBuf::from(bin);
        }
        build_mclc()
    })
    .clone()
}

fn build_mclc() -> PathBuf {
    let root = workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let release = !cfg!(debug_assertions);
    let mut cmd = Command::new(&cargo);
    cmd.args(["build", "-p", "mclc", "--bin", "mclc"])
        .current_dir(&root)
        .stdin(Stdio::null());
    if release {
        cmd.arg("--release");
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?} to build mclc: {e}", cargo));
    if !out.status.success() {
        panic!(
            "building mclc failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let target = match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    let profile = if release { "release" } else { "debug" };
    let bin = target
        .join(profile)
        .join(format!("mclc{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "cargo built mclc but {} does not exist (set MCLC_BIN to point at the binary)",
        bin.display()
    );
    bin
}

/// What one run of `mclc` produced.
#[derive(Debug, Clone)]
pub struct Output {
    /// The exit code, or `None` if the process was killed by a signal.
    pub code: Option<i32>,
    /// Everything written to stdout (lossily decoded as UTF-8).
    pub stdout: String,
    /// Everything written to stderr (lossily decoded as UTF-8).
    pub stderr: String,
}

impl Output {
    /// stdout followed by stderr, for failure messages and loose searches.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// stdout parsed as one JSON document (for `--format json`).
    ///
    /// # Panics
    ///
    /// Panics with the raw output if stdout is not valid JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The `diagnostics` array of the JSON document on stdout.
    ///
    /// # Panics
    ///
    /// Panics if stdout is not JSON or has no `diagnostics` array.
    pub fn diagnostics(&self) -> Vec<serde_json::Value> {
        match self.json().get("diagnostics") {
            Some(serde_json::Value::Array(items)) => items.clone(),
            _ => panic!("no \"diagnostics\" array in:\n{}", self.stdout),
        }
    }
}

/// Runs `mclc` with `args`, feeding it `stdin` if given (otherwise stdin is
/// empty/closed), and waits for it to finish.
///
/// # Panics
///
/// Panics if the binary cannot be started.
pub fn run<I, S>(args: I, stdin: Option<&str>) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let bin = mclc();
    let mut cmd = Command::new(&bin);
    cmd.args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    // Feed stdin from another thread so a large input cannot deadlock against
    // a child that is blocked writing its output.
    let feeder = match (stdin, child.stdin.take()) {
        (Some(text), Some(mut pipe)) => {
            let text = text.to_owned();
            Some(std::thread::spawn(move || {
                // The child may exit without reading everything; that's fine.
                let _ = pipe.write_all(text.as_bytes());
            }))
        }
        _ => None,
    };
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for {} failed: {e}", bin.display()));
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The shared directory holding the spec and the conformance corpus:
/// `$MCL_SHARED` if set, else `<workspace root>/../shared`; `None` if that
/// directory does not exist.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("MCL_SHARED").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("..").join("shared"),
    };
    dir.is_dir().then_some(dir)
}

/// [`shared_dir`], or `None` after printing why the calling test is skipped.
///
/// Use as `let Some(shared) = shared_or_skip() else { return };`.
pub fn shared_or_skip() -> Option<PathBuf> {
    let dir = shared_dir();
    if dir.is_none() {
        eprintln!(
            "skipping: ../shared not found (conformance corpus absent; set MCL_SHARED to run)"
        );
    }
    dir
}

/// Splits a txtar archive into its `(name, body)` sections, in file order.
///
/// A section starts at a line `-- NAME --` and runs to the next such line;
/// text before the first marker (the archive comment) is dropped. Bodies keep
/// their line endings. A name that occurs twice yields two entries.
pub fn parse_txtar(text: &str) -> Vec<(String, String)> {
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        let bare = line.strip_suffix('\n').unwrap_or(line);
        if let Some(name) = txtar_marker(bare) {
            sections.extend(current.take());
            current = Some((name.to_owned(), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
        }
    }
    sections.extend(current);
    sections
}

fn txtar_marker(line: &str) -> Option<&str> {
    let inner = line.strip_prefix("-- ")?.strip_suffix(" --")?;
    let name = inner.trim();
    (!name.is_empty()).then_some(name)
}

/// The body of the first section called `name`, if any.
pub fn section<'a>(sections: &'a [(String, String)], name: &str) -> Option<&'a str> {
    sections
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, body)| body.as_str())
}

/// Writes every section except `OUTPUT` and `CONFIG` below `dir`, creating
/// parent directories; a section whose name ends in `/` becomes an (empty)
/// directory.
///
/// # Errors
///
/// Returns any I/O error, or `InvalidInput` for a name that would escape
/// `dir` (absolute, or containing `..`).
pub fn write_case(sections: &[(String, String)], dir: &Path) -> std::io::Result<()> {
    for (name, body) in sections {
        if name == "OUTPUT" || name == "CONFIG" {
            continue;
        }
        let rel = Path::new(name);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("txtar section name {name:?} is not a plain relative path"),
            ));
        }
        let dst = dir.join(rel);
        if name.ends_with('/') {
            std::fs::create_dir_all(&dst)?;
            continue;
        }
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&dst, body)?;
    }
    Ok(())
}

/// The error an `OUTPUT` section expects, if it expects one.
///
/// Returns `Some((category, line))` when the first `# err: ` line reads
/// `# err: CATEGORY: message`; `line` is the 1-based start line of the first
/// `/main.mcl @ L1:C1-L2:C2` byline among the `# err:` lines, if any.
/// Returns `None` for an expected graph.
pub fn expected_error(output: &str) -> Option<(String, Option<u32>)> {
    let errs: Vec<&str> = output
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("# err: "))
        .collect();
    let first = errs.first()?;
    let category = first.split(':').next().unwrap_or("").trim().to_owned();
    let line = errs.iter().find_map(|m| main_byline(m));
    Some((category, line))
}

/// Start line of the first `/main.mcl @ L1:C1-L2:C2` byline in `msg`.
fn main_byline(msg: &str) -> Option<u32> {
    const NEEDLE: &str = "/main.mcl @ ";
    let mut rest = msg;
    while let Some(at) = rest.find(NEEDLE) {
        let after = &rest[at + NEEDLE.len()..];
        // The path must start a word: `/main.mcl`, not `/x/main.mcl`.
        let starts_word = at == 0 || rest[..at].ends_with(|c: char| c.is_whitespace());
        if starts_word {
            if let Some(line) = parse_span(after) {
                return Some(line);
            }
        }
        rest = after;
    }
    None
}

/// Parses `L1:C1-L2:C2` at the start of `s`, returning `L1`.
fn parse_span(s: &str) -> Option<u32> {
    fn num(s: &str) -> Option<(u32, &str)> {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        Some((s[..end].parse().ok()?, &s[end..]))
    }
    let (l1, s) = num(s)?;
    let (_c1, s) = num(s.strip_prefix(':')?)?;
    let (_l2, s) = num(s.strip_prefix('-')?)?;
    let (_c2, _) = num(s.strip_prefix(':')?)?;
    Some(l1)
}

/// Whether `line` matches the `--format short` shape
/// `PATH:LINE:COL: error[PHASE]: MESSAGE`; returns `(path, line, col, phase)`.
pub fn parse_short_line(line: &str) -> Option<(String, u32, u32, String)> {
    let (head, _message) = line.split_once(": error[")?;
    let (phase, message) = _message.split_once("]: ")?;
    if phase.is_empty() || message.is_empty() {
        return None;
    }
    let (rest, col) = head.rsplit_once(':')?;
    let (path, ln) = rest.rsplit_once(':')?;
    if path.is_empty() {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(ln) || !digits(col) {
        return None;
    }
    Some((
        path.to_owned(),
        ln.parse().ok()?,
        col.parse().ok()?,
        phase.to_owned(),
    ))
}

/// Whether diagnostic `diag` (one JSON item of `diagnostics`) has a range —
/// its own or one of its `related` ranges — in a file ending with `file`
/// that covers 1-based `line`.
pub fn covers_line(diag: &serde_json::Value, file: &str, line: u64) -> bool {
    fn hit(
        f: Option<&serde_json::Value>,
        r: Option<&serde_json::Value>,
        file: &str,
        line: u64,
    ) -> bool {
        let (Some(f), Some(r)) = (f.and_then(|f| f.as_str()), r) else {
            return false;
        };
        let f = f.replace('\\', "/");
        if f != file && !f.ends_with(&format!("/{file}")) {
            return false;
        }
        let start = r.pointer("/start/line").and_then(|v| v.as_u64());
        let end = r.pointer("/end/line").and_then(|v| v.as_u64());
        matches!((start, end), (Some(s), Some(e)) if s <= line && line <= e)
    }
    if hit(diag.get("file"), diag.get("range"), file, line) {
        return true;
    }
    diag.get("related")
        .and_then(|r| r.as_array())
        .is_some_and(|rel| {
            rel.iter()
                .any(|r| hit(r.get("file"), r.get("range"), file, line))
        })
}

/// A program of about `lines` lines that uses every common statement and expression form (for
/// benchmarks: the compiler's and the language server's).
pub fn generate_program(lines: usize) -> String {
    let mut out = String::from("import \"fmt\"\nimport \"iter\"\n\n");
    let mut i = 0;
    while i * 31 < lines {
        out.push_str(&format!(
            "# block {i}\n$name{i} = \"host-${{hostname}}-{i}\"\n$n{i} int = {i} * 2 + 1\n$list{i} = [\"a\", \"b\", \"c\"]\n\
$map{i} = {{\n\t\"k1\" => 1,\n\t\"k2\" => 2,\n}}\n\
$st{i} = struct{{a => 1, b => \"x\"}}\n\
$f{i} = func($x str) str {{\n\t$x + \"!\"\n}}\n\
file \"/tmp/mcl/file{i}\" {{\n\tcontent => fmt.printf(\"%d %s\", $n{i}, $name{i}),\n\tmode => \"0644\",\n\tstate => $const.res.file.state.exists,\n\tMeta:noop => true,\n}}\n\
if $n{i} > 10 and not false {{\n\ttest \"t{i}\" {{}}\n}} else {{\n\tprint \"p{i}\" {{\n\t\tmsg => $f{i}($st{i}->b),\n\t}}\n}}\n\
for $j, $v in $list{i} {{\n\ttest \"loop{i}-${{v}}\" {{}}\n}}\n\
File[\"/tmp/mcl/file{i}\"] -> Test[\"t{i}\"]\n\n"
        ));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txtar_sections_in_order() {
        let text = "comment\n-- main.mcl --\n$x = 1\n-- mod/ --\n-- OUTPUT --\n# err: errLexParse: boom: /main.mcl @ 2:3-2:4\n";
        let s = parse_txtar(text);
        assert_eq!(
            s,
            vec![
                ("main.mcl".into(), "$x = 1\n".into()),
                ("mod/".into(), String::new()),
                (
                    "OUTPUT".into(),
                    "# err: errLexParse: boom: /main.mcl @ 2:3-2:4\n".into()
                ),
            ]
        );
        assert_eq!(
            expected_error(section(&s, "OUTPUT").unwrap()),
            Some(("errLexParse".into(), Some(2)))
        );
    }

    #[test]
    fn expected_error_variants() {
        assert_eq!(expected_error("Vertex: test[a]\n"), None);
        assert_eq!(expected_error("# empty!\n"), None);
        assert_eq!(
            expected_error("# err: errUnify: no position here\n"),
            Some(("errUnify".into(), None))
        );
        assert_eq!(
            expected_error(
                "# err: errSetScope: x: /other.mcl @ 1:1-1:2\n# err: errSetScope: y: /main.mcl @ 7:1-8:2\n"
            ),
            Some(("errSetScope".into(), Some(7)))
        );
    }

    #[test]
    fn short_line_shape() {
        assert_eq!(
            parse_short_line("a/b.mcl:3:4: error[parse]: nope (help: x)"),
            Some(("a/b.mcl".into(), 3, 4, "parse".into()))
        );
        assert_eq!(parse_short_line("error: unexpected argument"), None);
        assert_eq!(parse_short_line("b.mcl:x:4: error[parse]: nope"), None);
    }

    #[test]
    fn write_case_skips_output_and_config() {
        let dir = tempfile::tempdir().unwrap();
        let s = vec![
            ("main.mcl".to_owned(), "x\n".to_owned()),
            ("mod/sub.mcl".to_owned(), "y\n".to_owned()),
            ("files/".to_owned(), String::new()),
            ("CONFIG".to_owned(), "{}".to_owned()),
            ("OUTPUT".to_owned(), "# empty!\n".to_owned()),
        ];
        write_case(&s, dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("main.mcl")).unwrap(),
            "x\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("mod/sub.mcl")).unwrap(),
            "y\n"
        );
        assert!(dir.path().join("files").is_dir());
        assert!(!dir.path().join("OUTPUT").exists());
        assert!(!dir.path().join("CONFIG").exists());
        assert!(write_case(&[("../x".into(), String::new())], dir.path()).is_err());
    }
}

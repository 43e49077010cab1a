//! Turning [`Diagnostic`]s into text: rich source snippets (via `ariadne`), a one-line short form,
//! and a JSON document for tools.
//!
//! All three renderers accept any diagnostic without panicking: spans past the end of their file
//! are clamped, spans that split a UTF-8 character are widened to whole characters, a span whose
//! end lies before its start is treated as empty, and a [`FileId`] that is not in the
//! [`SourceMap`] is reported as the file `<unknown>` at line 1, column 1.

use super::{Diagnostic, Severity};
use crate::source::{FileId, LineCol, SourceFile, SourceMap, Span};
use ariadne::{Cache, Color, Config, IndexType, Label as SnippetLabel, Report, ReportKind, Source};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// The path shown for a [`FileId`] that is not in the [`SourceMap`].
const UNKNOWN_FILE: &str = "<unknown>";

/// How diagnostics are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Multi-line reports that quote and underline the source (for people, on stderr).
    Rich {
        /// Whether to use ANSI colours.
        color: bool,
    },
    /// One line per diagnostic: `path:line:col: error[phase]: message (help: …)`.
    Short,
    /// One JSON document `{"diagnostics": [...]}` (see [`to_json`] for the shape).
    Json,
}

/// Renders all `diags` in `format`.
///
/// Rich reports are separated by a blank line; short output has one line per diagnostic; JSON is a
/// single pretty-printed document. Any non-empty result ends with a newline (so does the JSON
/// document, even for an empty list); Rich and Short output for no diagnostics is empty.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: Format) -> String {
    match format {
        Format::Rich { color } => {
            let mut cache = SnippetCache::new(sources);
            let mut out = String::new();
            for (i, d) in diags.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&rich_with_cache(d, &mut cache, color));
            }
            out
        }
        Format::Short => diags.iter().map(|d| render_short(d, sources) + "\n").collect(),
        Format::Json => format!("{:#}\n", to_json(diags, sources)),
    }
}

/// Renders one diagnostic as a multi-line report that quotes the source, underlines the primary
/// span and every label (labels may point into other files), and ends with the help text.
///
/// The header reads `error[E0201]: [parse] message`. With `color == false` the result contains no
/// ANSI escape sequences. The result ends with a newline.
pub fn render_rich(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    rich_with_cache(d, &mut SnippetCache::new(sources), color)
}

/// Renders one diagnostic as one line, without a trailing newline:
/// `path:line:col: error[phase]: message`, followed by ` (help: …)` when there is help.
///
/// The position is the start of the primary span (1-based line, column in characters). Line breaks
/// inside the message or help are folded into spaces so the result stays on one line.
pub fn render_short(d: &Diagnostic, sources: &SourceMap) -> String {
    let (path, range) = locate(sources, d.file, d.span);
    let mut line = format!(
        "{}:{}:{}: {}[{}]: {}",
        path,
        range.start.line,
        range.start.column,
        severity_word(d.severity),
        d.phase.as_str(),
        terminal_text(&one_line(&d.message)),
    );
    if let Some(help) = &d.help {
        line.push_str(" (help: ");
        line.push_str(&terminal_text(&one_line(help)));
        line.push(')');
    }
    line
}

/// All diagnostics as the JSON value `{"diagnostics": [ ... ]}`, each element as built by
/// [`diagnostic_json`].
pub fn to_json(diags: &[Diagnostic], sources: &SourceMap) -> Value {
    let list: Vec<Value> = diags.iter().map(|d| diagnostic_json(d, sources)).collect();
    json!({ "diagnostics": list })
}

/// One diagnostic as JSON:
///
/// ```json
/// {"severity": "error", "phase": "parse", "code": "E0201", "message": "...",
///  "file": "path", "range": {"start": {"line": 1, "column": 5}, "end": {"line": 1, "column": 6}},
///  "related": [{"file": "path", "range": {...}, "message": "..."}],
///  "help": "..." or null}
/// ```
///
/// Lines and columns are 1-based and columns count characters; `end` is the position of the
/// span's (exclusive) end. `related` lists the labels in order.
pub fn diagnostic_json(d: &Diagnostic, sources: &SourceMap) -> Value {
    let (file, range) = locate(sources, d.file, d.span);
    let related: Vec<Value> = d
        .labels
        .iter()
        .map(|label| {
            let (file, range) = locate(sources, label.file, label.span);
            json!({ "file": file, "range": range_json(range), "message": label.message })
        })
        .collect();
    let fixes: Vec<Value> = d
        .fixes
        .iter()
        .map(|fix| {
            let (_, range) = locate(sources, d.file, fix.span);
            json!({ "message": fix.message, "range": range_json(range), "replacement": fix.replacement })
        })
        .collect();
    json!({
        "severity": severity_word(d.severity),
        "phase": d.phase.as_str(),
        "code": d.code,
        "message": d.message,
        "file": file,
        "range": range_json(range),
        "related": related,
        "help": d.help,
        "fixes": fixes,
    })
}

// ---------------------------------------------------------------------------------------------
// SARIF

/// A SARIF 2.1.0 log (for code-scanning uploads) with one run of `mclc`: one result per
/// diagnostic, the diagnostic codes as rules, secondary labels as related locations.
/// Each diagnostic comes with the source map its file ids refer to.
pub fn to_sarif<'a>(diags: &[(&'a Diagnostic, &'a SourceMap)]) -> Value {
    let mut rules: Vec<&'static str> = diags.iter().map(|(d, _)| d.code).collect();
    rules.sort_unstable();
    rules.dedup();
    let location = |sources: &SourceMap, file: FileId, span: Span, message: Option<&str>| {
        let (path, range) = locate(sources, file, span);
        let mut loc = json!({
            "physicalLocation": {
                "artifactLocation": { "uri": sarif_uri(&path) },
                "region": {
                    "startLine": range.start.line,
                    "startColumn": range.start.column,
                    "endLine": range.end.line,
                    "endColumn": range.end.column,
                }
            }
        });
        if let Some(m) = message {
            loc["message"] = json!({ "text": m });
        }
        loc
    };
    let results: Vec<Value> = diags
        .iter()
        .map(|&(d, sources)| {
            let text = match &d.help {
                Some(h) => format!("[{}] {} (help: {h})", d.phase, d.message),
                None => format!("[{}] {}", d.phase, d.message),
            };
            json!({
                "ruleId": d.code,
                "ruleIndex": rules.iter().position(|r| *r == d.code).unwrap_or(0),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Note => "note" },
                "message": { "text": text },
                "locations": [location(sources, d.file, d.span, None)],
                "relatedLocations": d.labels.iter().enumerate().map(|(i, l)| {
                    let mut loc = location(sources, l.file, l.span, Some(&l.message));
                    loc["id"] = json!(i);
                    loc
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "mclc",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/purpleidea/mgmt",
                "rules": rules.iter().map(|r| json!({ "id": r, "shortDescription": { "text": format!("mclc diagnostic {r}") } })).collect::<Vec<_>>(),
            } },
            "results": results,
        }]
    })
}

/// A URI for a path: `file://` for absolute paths, relative otherwise (forward slashes,
/// percent-encoded spaces).
fn sarif_uri(path: &str) -> String {
    let p = path.replace('\\', "/").replace('%', "%25").replace(' ', "%20");
    if p.starts_with('/') { format!("file://{p}") } else { p }
}

// ---------------------------------------------------------------------------------------------
// Positions

/// The file with this id, if the map has it (`SourceMap::get` would panic otherwise).
fn lookup(sources: &SourceMap, id: FileId) -> Option<&Arc<SourceFile>> {
    sources.iter().nth(id.0 as usize).map(|(_, f)| f)
}

/// `span` made valid for `text`: an inverted span becomes empty at its start, both ends are
/// clamped to the text, the start moves back and the end forward to character boundaries.
fn clamp_span(text: &str, span: Span) -> Range<usize> {
    let len = text.len();
    let mut start = (span.start as usize).min(len);
    let mut end = (span.end as usize).min(len).max(start);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// A (clamped, boundary-aligned) byte range of `text` as a range of character offsets.
fn char_range(text: &str, bytes: Range<usize>) -> Range<usize> {
    let start = text.get(..bytes.start).map_or(0, |s| s.chars().count());
    let len = text.get(bytes.clone()).map_or(0, |s| s.chars().count());
    start..start + len
}

/// The display path and the start/end positions of `span` in file `id`.
fn locate(sources: &SourceMap, id: FileId, span: Span) -> (String, Range<LineCol>) {
    match lookup(sources, id) {
        Some(file) => {
            let r = clamp_span(&file.text, span);
            (file.path.display().to_string(), file.line_col(r.start)..file.line_col(r.end))
        }
        None => {
            let first = LineCol { line: 1, column: 1 };
            (UNKNOWN_FILE.to_string(), first..first)
        }
    }
}

fn position_json(pos: LineCol) -> Value {
    json!({ "line": pos.line, "column": pos.column })
}

fn range_json(range: Range<LineCol>) -> Value {
    json!({ "start": position_json(range.start), "end": position_json(range.end) })
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

// ---------------------------------------------------------------------------------------------
// Text clean-up

/// `s` with its line breaks (and the blanks around them) folded into single spaces.
fn one_line(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return s.to_string();
    }
    s.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// `s` with control characters (other than newline and tab) escaped, so that a message quoting
/// odd source text cannot move the cursor or change colours of the terminal.
fn terminal_text(s: &str) -> String {
    if !s.chars().any(is_control) {
        return s.to_string();
    }
    s.chars().map(|c| if is_control(c) { c.escape_default().to_string() } else { c.to_string() }).collect()
}

fn is_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// The text handed to ariadne: every byte offset and character count is the same as in `text`
/// (so byte spans and columns still match), but characters ariadne would treat as line breaks
/// (anything but `\n`), other control characters and bidirectional overrides are replaced by
/// blanks of the same UTF-8 length. A final newline gets a blank after it so that the position
/// at the very end is shown on its own (last) line, as [`SourceFile::line_col`] numbers it.
fn snippet_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        let shown = match c {
            '\n' | '\t' => c,
            '\u{0}'..='\u{1f}' | '\u{7f}' => ' ',
            '\u{80}'..='\u{9f}' => '\u{a0}',
            '\u{2028}' | '\u{2029}' => '\u{2002}',
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
            c => c,
        };
        debug_assert_eq!(shown.len_utf8(), c.len_utf8());
        out.push(shown);
    }
    if out.ends_with('\n') {
        out.push(' ');
    }
    out
}

/// Removes ANSI CSI sequences (`ESC [ … final`), which ariadne emits for custom report kinds even
/// when colours are off.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('\x40'..='\x7e').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rich reports

/// An ariadne cache over a [`SourceMap`], keyed by the file index; files are converted on demand
/// by [`SnippetCache::load`] and kept for the following diagnostics.
struct SnippetCache<'s> {
    sources: &'s SourceMap,
    loaded: HashMap<usize, (String, Source<String>)>,
}

impl<'s> SnippetCache<'s> {
    fn new(sources: &'s SourceMap) -> SnippetCache<'s> {
        SnippetCache { sources, loaded: HashMap::new() }
    }

    /// Makes file `id` available to ariadne; returns it (None when the map lacks it).
    fn load(&mut self, id: FileId) -> Option<&'s Arc<SourceFile>> {
        let file = lookup(self.sources, id)?;
        self.loaded
            .entry(id.0 as usize)
            .or_insert_with(|| (file.path.display().to_string(), Source::from(snippet_text(&file.text))));
        Some(file)
    }
}

impl Cache<usize> for SnippetCache<'_> {
    type Storage = String;

    fn fetch(&mut self, id: &usize) -> Result<&Source<String>, impl fmt::Debug> {
        match self.loaded.get(id) {
            Some((_, source)) => Ok(source),
            None => Err(format!("file #{id} is not loaded")),
        }
    }

    fn display<'a>(&self, id: &'a usize) -> Option<impl fmt::Display + 'a> {
        Some(self.loaded.get(id).map_or_else(|| UNKNOWN_FILE.to_string(), |(path, _)| path.clone()))
    }
}

/// One underline to draw.
struct Mark {
    file: usize,
    range: Range<usize>,
    message: String,
    primary: bool,
}

fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
        Severity::Note => Color::Cyan,
    }
}

fn rich_with_cache(d: &Diagnostic, cache: &mut SnippetCache<'_>, color: bool) -> String {
    let message = terminal_text(&d.message);
    let mut marks = Vec::new();
    let mut notes = Vec::new();

    // ariadne is given character offsets (its default `IndexType::Char`): in 0.6.0 its
    // `IndexType::Byte` mode mixes character and byte offsets when it works out the `file:line:col`
    // of a section in a file other than the primary one, which gives wrong positions and panics
    // on non-ASCII text.
    let to_chars = |file: &SourceFile, span: Span| char_range(&file.text, clamp_span(&file.text, span));
    let primary = cache.load(d.file).map(|file| (d.file.0 as usize, to_chars(file, d.span)));
    match &primary {
        Some((file, range)) => {
            let first_line = message.lines().next().unwrap_or("").to_string();
            marks.push(Mark { file: *file, range: range.clone(), message: first_line, primary: true });
        }
        None => notes.push(format!("the location is in file #{}, which is not loaded", d.file.0)),
    }
    for label in &d.labels {
        match cache.load(label.file) {
            Some(file) => marks.push(Mark {
                file: label.file.0 as usize,
                range: to_chars(file, label.span),
                message: terminal_text(&label.message),
                primary: false,
            }),
            None => notes.push(format!(
                "{} (in file #{}, which is not loaded)",
                terminal_text(&label.message),
                label.file.0
            )),
        }
    }

    // ariadne draws one section per run of labels in the same file whose end lines do not go
    // backwards, so keep each file together (the primary file first) and sort by position.
    let mut file_order: Vec<usize> = Vec::new();
    for mark in &marks {
        if !file_order.contains(&mark.file) {
            file_order.push(mark.file);
        }
    }
    let rank = |file: usize| file_order.iter().position(|&f| f == file).unwrap_or(usize::MAX);
    marks.sort_by_key(|m| (rank(m.file), m.range.end, m.range.start, !m.primary));

    let head = match (severity_word(d.severity), d.code) {
        (word, "") => word.to_string(),
        (word, code) => format!("{word}[{}]", terminal_text(code)),
    };
    let config = Config::default().with_color(color).with_index_type(IndexType::Char);
    let (primary_file, primary_range) = primary.unwrap_or((usize::MAX, 0..0));
    let mut builder =
        Report::build(ReportKind::Custom(&head, severity_color(d.severity)), (primary_file, primary_range))
            .with_config(config)
            .with_message(format!("[{}] {}", d.phase.as_str(), message));
    for (order, mark) in marks.iter().enumerate() {
        let mut label = SnippetLabel::new((mark.file, mark.range.clone()))
            .with_order(i32::try_from(order).unwrap_or(i32::MAX))
            .with_priority(if mark.primary { 1 } else { 0 })
            .with_color(if mark.primary { severity_color(d.severity) } else { Color::Blue });
        if !mark.message.is_empty() {
            label = label.with_message(&mark.message);
        }
        builder.add_label(label);
    }
    if let Some(help) = &d.help {
        builder.set_help(terminal_text(help));
    }
    for note in notes {
        builder.add_note(note);
    }
    let report = builder.finish();

    let mut out: Vec<u8> = Vec::new();
    let written = catch_unwind(AssertUnwindSafe(|| report.write(&mut *cache, &mut out)));
    let text = match written {
        Ok(Ok(())) => String::from_utf8_lossy(&out).into_owned(),
        // ariadne should never fail or panic on the cleaned-up spans and text it gets here; if it
        // does anyway, a plain rendering is better than none.
        _ => {
            #[cfg(test)]
            tests::FALLBACKS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            plain_report(d, cache.sources)
        }
    };
    if color { text } else { strip_ansi(&text) }
}

/// A simple multi-line rendering without source snippets (fallback for [`render_rich`]).
fn plain_report(d: &Diagnostic, sources: &SourceMap) -> String {
    let (path, range) = locate(sources, d.file, d.span);
    let mut out = format!(
        "{}[{}]: [{}] {}\n  --> {}:{}:{}\n",
        severity_word(d.severity),
        d.code,
        d.phase.as_str(),
        terminal_text(&d.message),
        path,
        range.start.line,
        range.start.column
    );
    for label in &d.labels {
        let (path, range) = locate(sources, label.file, label.span);
        out.push_str(&format!(
            "  --> {}:{}:{}: {}\n",
            path,
            range.start.line,
            range.start.column,
            terminal_text(&label.message)
        ));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("  help: {}\n", terminal_text(help)));
    }
    out
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Phase, codes};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// How often ariadne failed and [`plain_report`] was used instead (must stay 0).
    pub(super) static FALLBACKS: AtomicUsize = AtomicUsize::new(0);

    fn map(files: &[(&str, &str)]) -> SourceMap {
        let mut m = SourceMap::new();
        for (path, text) in files {
            m.add(SourceFile::new(*path, *text));
        }
        m
    }

    fn pos(v: &Value) -> (u64, u64) {
        (v["line"].as_u64().unwrap(), v["column"].as_u64().unwrap())
    }

    fn range(v: &Value) -> ((u64, u64), (u64, u64)) {
        (pos(&v["start"]), pos(&v["end"]))
    }

    /// Text to match against after removing ariadne's box-drawing noise.
    fn has(haystack: &str, needle: &str) -> bool {
        haystack.contains(needle)
    }

    fn unexpected_brace() -> (SourceMap, Diagnostic) {
        let m = map(&[("main.mcl", "$x = 1\nif true {\n}\n}\n")]);
        let d =
            Diagnostic::error(Phase::Parse, codes::PARSE_UNEXPECTED, FileId(0), Span::new(19, 20), "unexpected `}`")
                .with_help("remove the extra `}`");
        (m, d)
    }

    fn two_files() -> (SourceMap, Diagnostic) {
        let m = map(&[("main.mcl", "import \"lib\"\n$x = lib.f()\n"), ("lib/lib.mcl", "# çàü\nfunc g() {\n\t1\n}\n")]);
        let d =
            Diagnostic::error(Phase::Scope, "E0401", FileId(0), Span::new(18, 23), "function `lib.f` is not defined")
                // Non-ASCII text before the label: its section header must still say 2:6.
                .with_label(FileId(1), Span::new(14, 15), "did you mean `g`?");
        (m, d)
    }

    #[test]
    fn short_single_file() {
        let (m, d) = unexpected_brace();
        assert_eq!(render_short(&d, &m), "main.mcl:4:1: error[parse]: unexpected `}` (help: remove the extra `}`)");
        let mut w = d.clone();
        w.severity = Severity::Warning;
        w.help = None;
        assert_eq!(render_short(&w, &m), "main.mcl:4:1: warning[parse]: unexpected `}`");
        let out = render(&[d.clone(), w], &m, Format::Short);
        assert_eq!(out.lines().count(), 2);
        assert!(out.ends_with('\n'));
        assert_eq!(render(&[], &m, Format::Short), "");
    }

    #[test]
    fn short_two_files_and_non_ascii() {
        let (m, d) = two_files();
        assert_eq!(render_short(&d, &m), "main.mcl:2:6: error[scope]: function `lib.f` is not defined");
        let m = map(&[("ü.mcl", "$s = \"çé\" + ✓\n")]);
        let at = "$s = \"çé\" + ".len();
        let d = Diagnostic::error(
            Phase::Lex,
            codes::LEX_UNKNOWN_CHAR,
            FileId(0),
            Span::new(at, at + 3),
            "unknown character `✓`\nreally",
        );
        assert_eq!(render_short(&d, &m), "ü.mcl:1:13: error[lex]: unknown character `✓` really");
    }

    #[test]
    fn short_escapes_control_characters() {
        let m = map(&[("a.mcl", "x")]);
        let d = Diagnostic::error(Phase::Lex, codes::LEX_UNKNOWN_CHAR, FileId(0), Span::new(0, 1), "bad \u{1b}[31m");
        assert_eq!(render_short(&d, &m), "a.mcl:1:1: error[lex]: bad \\u{1b}[31m");
    }

    #[test]
    fn json_single_file_positions() {
        let (m, d) = unexpected_brace();
        let v = to_json(std::slice::from_ref(&d), &m);
        let list = v["diagnostics"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        let j = &list[0];
        assert_eq!(j["severity"], "error");
        assert_eq!(j["phase"], "parse");
        assert_eq!(j["code"], "E0201");
        assert_eq!(j["message"], "unexpected `}`");
        assert_eq!(j["file"], "main.mcl");
        assert_eq!(range(&j["range"]), ((4, 1), (4, 2)));
        assert_eq!(j["related"], json!([]));
        assert_eq!(j["help"], "remove the extra `}`");
        // The rendered document parses back to the same value.
        let text = render(&[d], &m, Format::Json);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    }

    #[test]
    fn json_two_files_and_null_help() {
        let (m, d) = two_files();
        let j = diagnostic_json(&d, &m);
        assert_eq!(j["file"], "main.mcl");
        assert_eq!(range(&j["range"]), ((2, 6), (2, 11)));
        assert_eq!(j["help"], Value::Null);
        let rel = j["related"].as_array().unwrap();
        assert_eq!(rel.len(), 1);
        assert_eq!(rel[0]["file"], "lib/lib.mcl");
        assert_eq!(rel[0]["message"], "did you mean `g`?");
        assert_eq!(range(&rel[0]["range"]), ((2, 6), (2, 7)));
        assert_eq!(to_json(&[], &m), json!({ "diagnostics": [] }));
        assert_eq!(render(&[], &m, Format::Json).trim(), "{\n  \"diagnostics\": []\n}");
    }

    #[test]
    fn json_columns_count_characters() {
        let text = "# ç\n$é = \"日本\" + x\n";
        let m = map(&[("u.mcl", text)]);
        let start = text.find("日本").unwrap();
        let d = Diagnostic::error(Phase::Unify, "E0501", FileId(0), Span::new(start, start + "日本".len()), "string");
        let j = diagnostic_json(&d, &m);
        assert_eq!(range(&j["range"]), ((2, 7), (2, 9)));
        // A span that splits a character is widened to whole characters.
        let d = Diagnostic::error(Phase::Unify, "E0501", FileId(0), Span::new(start + 1, start + 4), "string");
        assert_eq!(range(&diagnostic_json(&d, &m)["range"]), ((2, 7), (2, 9)));
    }

    #[test]
    fn json_empty_span_at_eof_and_past_end() {
        let text = "$x = 1\n";
        let m = map(&[("a.mcl", text)]);
        let eof =
            Diagnostic::error(Phase::Parse, codes::PARSE_UNEXPECTED_EOF, FileId(0), Span::point(text.len()), "eof");
        assert_eq!(range(&diagnostic_json(&eof, &m)["range"]), ((2, 1), (2, 1)));
        let past = Diagnostic::error(Phase::Parse, codes::PARSE_UNEXPECTED, FileId(0), Span::new(5, 99), "past");
        assert_eq!(range(&diagnostic_json(&past, &m)["range"]), ((1, 6), (2, 1)));
        let inverted =
            Diagnostic::error(Phase::Parse, codes::PARSE_UNEXPECTED, FileId(0), Span { start: 3, end: 1 }, "inv");
        assert_eq!(range(&diagnostic_json(&inverted, &m)["range"]), ((1, 4), (1, 4)));
        let unknown = Diagnostic::error(Phase::Parse, codes::PARSE_UNEXPECTED, FileId(7), Span::new(3, 4), "where?")
            .with_label(FileId(9), Span::new(0, 1), "nowhere");
        let j = diagnostic_json(&unknown, &m);
        assert_eq!(j["file"], UNKNOWN_FILE);
        assert_eq!(range(&j["range"]), ((1, 1), (1, 1)));
        assert_eq!(j["related"][0]["file"], UNKNOWN_FILE);
        assert_eq!(render_short(&unknown, &m), "<unknown>:1:1: error[parse]: where?");
    }

    #[test]
    fn rich_single_file() {
        let (m, d) = unexpected_brace();
        let out = render_rich(&d, &m, false);
        assert!(out.starts_with("error[E0201]: [parse] unexpected `}`\n"), "{out}");
        assert!(has(&out, "main.mcl:4:1"), "{out}");
        assert!(has(&out, "4 │ }"), "{out}");
        assert!(has(&out, "Help: remove the extra `}`"), "{out}");
        assert!(!out.contains('\x1b'), "{out}");
        let colored = render_rich(&d, &m, true);
        assert!(colored.contains('\x1b'), "{colored}");
        assert_eq!(strip_ansi(&colored), out);
    }

    #[test]
    fn rich_two_files() {
        let (m, d) = two_files();
        let out = render_rich(&d, &m, false);
        assert!(out.starts_with("error[E0401]: [scope] function `lib.f` is not defined\n"), "{out}");
        let main_at = out.find("main.mcl:2:6").expect(&out);
        let lib_at = out.find("lib/lib.mcl:2:6").expect(&out);
        assert!(main_at < lib_at, "{out}");
        assert!(has(&out, "did you mean `g`?"), "{out}");
        assert!(has(&out, "$x = lib.f()"), "{out}");
        assert!(has(&out, "func g() {"), "{out}");
        // Several diagnostics are separated by a blank line.
        let both = render(&[d.clone(), d], &m, Format::Rich { color: false });
        assert_eq!(both, format!("{out}\n{out}"));
    }

    #[test]
    fn rich_labels_in_same_file_before_primary() {
        let text = "$x = 1\n$y = 2\n$x = 3\n";
        let m = map(&[("dup.mcl", text)]);
        let d = Diagnostic::error(Phase::Scope, "E0402", FileId(0), Span::new(14, 16), "`$x` is defined twice")
            .with_label(FileId(0), Span::new(0, 2), "first defined here");
        let out = render_rich(&d, &m, false);
        assert_eq!(out.matches("dup.mcl:").count(), 1, "{out}");
        assert!(has(&out, "dup.mcl:3:1"), "{out}");
        assert!(has(&out, "first defined here"), "{out}");
    }

    #[test]
    fn rich_non_ascii() {
        let text = "$s = \"çé\" + ✓ + 1\n";
        let m = map(&[("ü.mcl", text)]);
        let at = text.find('✓').unwrap();
        let d = Diagnostic::error(
            Phase::Lex,
            codes::LEX_UNKNOWN_CHAR,
            FileId(0),
            Span::new(at, at + 3),
            "unknown character `✓`",
        );
        let out = render_rich(&d, &m, false);
        assert!(has(&out, "ü.mcl:1:13"), "{out}");
        let line = out.lines().find(|l| l.contains("$s = ")).expect(&out);
        let marker = out.lines().skip_while(|l| !l.contains("$s = ")).nth(1).expect(&out);
        // The underline sits under the ✓ (same character column).
        let col_of = |s: &str, c: char| s.chars().position(|x| x == c);
        assert_eq!(col_of(line, '✓'), col_of(marker, '┬'), "{out}");
    }

    #[test]
    fn rich_empty_span_at_eof_and_past_end() {
        for text in ["$x = 1\n", "$x = 1", "", "\n", "é"] {
            let m = map(&[("a.mcl", text)]);
            let expected = SourceFile::new("a.mcl", text).line_col(text.len());
            for span in [Span::point(text.len()), Span::new(0, 1000), Span::point(1000), Span { start: 9, end: 2 }] {
                let d = Diagnostic::error(Phase::Parse, codes::PARSE_UNEXPECTED_EOF, FileId(0), span, "end of file")
                    .with_label(FileId(0), Span::new(text.len(), text.len() + 5), "here");
                let out = render_rich(&d, &m, false);
                assert!(out.starts_with("error[E0202]: [parse] end of file\n"), "{out}");
                if span == Span::point(text.len()) {
                    assert!(has(&out, &format!("a.mcl:{}:{}", expected.line, expected.column)), "{text:?} {out}");
                }
            }
        }
    }

    #[test]
    fn rich_unknown_files_and_odd_text() {
        let m = map(&[("a.mcl", "x\ry\u{2028}z\u{85}w\u{1b}[2J\r\n$v\u{202e} = 1\n")]);
        let d = Diagnostic::error(
            Phase::Lex,
            codes::LEX_CARRIAGE_RETURN,
            FileId(0),
            Span::new(1, 2),
            "lone carriage return",
        )
        .with_label(FileId(3), Span::new(0, 1), "elsewhere");
        let out = render_rich(&d, &m, false);
        assert!(has(&out, "a.mcl:1:2"), "{out}");
        assert!(has(&out, "elsewhere"), "{out}");
        assert!(!out.contains(['\r', '\x1b', '\u{2028}', '\u{85}', '\u{202e}']), "{out:?}");
        // $v is on line 2 for us (only `\n` breaks lines); ariadne must agree.
        let d = Diagnostic::error(Phase::Lex, codes::LEX_UNKNOWN_CHAR, FileId(0), Span::new(18, 21), "bidi");
        let out = render_rich(&d, &m, false);
        assert!(has(&out, "a.mcl:2:3"), "{out}");
        let nowhere = Diagnostic::error(Phase::Io, codes::IO, FileId(5), Span::new(0, 0), "cannot read");
        let out = render_rich(&nowhere, &m, false);
        assert!(out.starts_with("error[E0001]: [io] cannot read\n"), "{out}");
    }

    #[test]
    fn no_format_panics_on_any_span() {
        let texts = ["", "a", "\n", "ab\nçd\n\nx", "日本\n\t語\r\n", "x\u{2028}\u{85}y\n\n"];
        let mut files: Vec<(&str, &str)> = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            files.push((["a", "b", "c", "d", "e", "f"][i], t));
        }
        let m = map(&files);
        for (i, text) in texts.iter().enumerate() {
            let n = text.len() + 2;
            for start in 0..=n {
                for end in 0..=n {
                    let other = FileId(((i + 1) % texts.len()) as u32);
                    let d = Diagnostic::error(
                        Phase::Parse,
                        codes::PARSE_UNEXPECTED,
                        FileId(i as u32),
                        Span::new(start, end),
                        "m",
                    )
                    .with_label(FileId(i as u32), Span::new(end, start), "back")
                    .with_label(other, Span::new(start, end), "other")
                    .with_help("h");
                    for format in
                        [Format::Rich { color: false }, Format::Rich { color: true }, Format::Short, Format::Json]
                    {
                        let out = render(std::slice::from_ref(&d), &m, format);
                        assert!(!out.is_empty());
                    }
                }
            }
        }
        assert_eq!(FALLBACKS.load(Ordering::SeqCst), 0);
    }
}

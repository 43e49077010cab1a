//! The pipeline driver: runs the phases in order on one entry file and collects every diagnostic.
//!
//! Each phase runs only when the previous ones found no errors (later phases would mostly repeat
//! them), except that lexing and parsing report everything they can in one go.

use crate::diagnostics::{Diagnostic, Phase};
use crate::source::{FileId, SourceFile, SourceMap};
use crate::syntax::{interpolate, parser};
use std::path::PathBuf;

/// The last phase to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StopAfter {
    /// Lex and parse only.
    Parse,
    /// Also decode strings and `${…}` references.
    Interpolate,
}

impl StopAfter {
    /// Every phase a check can stop after, in order.
    pub const ALL: [StopAfter; 2] = [StopAfter::Parse, StopAfter::Interpolate];

    /// The phase's name, as used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            StopAfter::Parse => "parse",
            StopAfter::Interpolate => "interpolate",
        }
    }

    /// The last phase this stop includes.
    pub fn phase(self) -> Phase {
        match self {
            StopAfter::Parse => Phase::Parse,
            StopAfter::Interpolate => Phase::Interpolate,
        }
    }
}

/// The result of checking one program.
#[derive(Debug)]
pub struct Checked {
    /// Every file read.
    pub sources: SourceMap,
    /// The entry file's id.
    pub entry: FileId,
    /// The parsed (and, if it got that far, interpolated) entry file.
    pub parsed: parser::ParsedFile,
    /// Every problem found, in phase order, then source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks the program in `text` (shown to users as `path`) up to and including `stop_after`.
pub fn check_text(path: impl Into<PathBuf>, text: impl Into<String>, stop_after: StopAfter) -> Checked {
    let mut sources = SourceMap::new();
    let entry = sources.add(SourceFile::new(path, text));
    let source = sources.get(entry).clone();
    let mut parsed = parser::parse(&source.text, entry);
    let mut diagnostics = std::mem::take(&mut parsed.diagnostics);
    if stop_after >= StopAfter::Interpolate && !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(interpolate::interpolate(&mut parsed.prog, &source.text, entry));
    }
    Checked { sources, entry, parsed, diagnostics }
}

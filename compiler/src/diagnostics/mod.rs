//! The one diagnostic type of the whole project, and its renderers.
//!
//! Every phase (lexer, parser, interpolation, and later scope, unify, eval, graph) reports problems
//! as [`Diagnostic`] values that carry byte spans into a [`SourceFile`](crate::source::SourceFile).
//! They are turned into text in exactly one place: [`render`].

pub mod render;

use crate::source::{FileId, Span};
use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The program is rejected.
    Error,
    /// Worth a look; the program is still accepted.
    Warning,
    /// Extra information.
    Note,
}

/// The pipeline phase that found a problem (mgmt's error categories map onto these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Reading files (I/O).
    Io,
    /// Tokenising.
    Lex,
    /// Parsing tokens into a syntax tree.
    Parse,
    /// Structural validation of the tree (mgmt's Init).
    Init,
    /// Decoding strings and `${var}` references.
    Interpolate,
    /// Name resolution, ordering, imports.
    Scope,
    /// Type inference.
    Unify,
    /// Evaluation of the program's values.
    Eval,
    /// Building the resource graph.
    Graph,
}

impl Phase {
    /// The lower-case name used in messages and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Io => "io",
            Phase::Lex => "lex",
            Phase::Parse => "parse",
            Phase::Init => "init",
            Phase::Interpolate => "interpolate",
            Phase::Scope => "scope",
            Phase::Unify => "unify",
            Phase::Eval => "eval",
            Phase::Graph => "graph",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location with a message ("first defined here", "this has type int", …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file the span points into.
    pub file: FileId,
    /// The bytes the label points at.
    pub span: Span,
    /// What the label says about them.
    pub message: String,
}

/// One problem found in a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// Which phase found it.
    pub phase: Phase,
    /// A stable, short code such as `E0101`; see [`codes`].
    pub code: &'static str,
    /// The main message: what is wrong (and, briefly, what was expected).
    pub message: String,
    /// The file of the primary span.
    pub file: FileId,
    /// Where the problem is.
    pub span: Span,
    /// Other places that explain it.
    pub labels: Vec<Label>,
    /// How to fix it, when we know.
    pub help: Option<String>,
    /// Machine-applicable fixes (for editors' quick fixes and `--format json`); a boxed slice
    /// keeps the diagnostic small.
    pub fixes: Box<[Fix]>,
}

/// A machine-applicable fix: replace `span` (in the diagnostic's file) with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, shown to the user ("replace with `printf`").
    pub message: String,
    /// The bytes to replace (empty to insert).
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

impl Diagnostic {
    /// A new error at `span` in `file`.
    pub fn error(phase: Phase, code: &'static str, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            phase,
            code,
            message: message.into(),
            file,
            span,
            labels: Vec::new(),
            help: None,
            fixes: Box::default(),
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { file, span, message: message.into() });
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a machine-applicable fix.
    pub fn with_fix(mut self, message: impl Into<String>, span: Span, replacement: impl Into<String>) -> Diagnostic {
        self.add_fix(Fix { message: message.into(), span, replacement: replacement.into() });
        self
    }

    /// Adds a machine-applicable fix in place.
    pub fn add_fix(&mut self, fix: Fix) {
        let mut fixes = std::mem::take(&mut self.fixes).into_vec();
        fixes.push(fix);
        self.fixes = fixes.into_boxed_slice();
    }

    /// A did-you-mean: sets the help and a fix replacing `span` with `name` (shown as `shown`).
    pub fn with_suggestion(self, span: Span, name: &str, shown: &str) -> Diagnostic {
        self.with_help(format!("did you mean `{shown}`?")).with_fix(format!("replace with `{shown}`"), span, name)
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Stable diagnostic codes, one per kind of problem. The first digit is the phase.
pub mod codes {
    /// An I/O problem reading a source file.
    pub const IO: &str = "E0001";
    /// A character that starts no token.
    pub const LEX_UNKNOWN_CHAR: &str = "E0101";
    /// A string literal without its closing quote.
    pub const LEX_UNTERMINATED_STRING: &str = "E0102";
    /// An integer or float literal out of range.
    pub const LEX_NUMBER_RANGE: &str = "E0103";
    /// A lone carriage return.
    pub const LEX_CARRIAGE_RETURN: &str = "E0104";
    /// A token the grammar does not allow here.
    pub const PARSE_UNEXPECTED: &str = "E0201";
    /// The file ended in the middle of a construct.
    pub const PARSE_UNEXPECTED_EOF: &str = "E0202";
    /// A resource entry, or item of a multi-line list, without its trailing comma.
    pub const PARSE_MISSING_COMMA: &str = "E0203";
    /// `$x == 1` written as a statement.
    pub const PARSE_EQUALS_IN_BIND: &str = "E0204";
    /// A keyword where a name is needed.
    pub const PARSE_KEYWORD_AS_NAME: &str = "E0205";
    /// `else if`, which mcl does not have.
    pub const PARSE_ELSE_IF: &str = "E0206";
    /// Two statements on one line.
    pub const PARSE_MISSING_NEWLINE: &str = "E0207";
    /// A type annotation that contradicts itself or a literal.
    pub const PARSE_BAD_TYPE: &str = "E0208";
    /// An unknown resource entry head such as `Foo:bar =>`.
    pub const PARSE_BAD_ENTRY: &str = "E0209";
    /// Expressions, blocks or types nested deeper than the parser's limit.
    pub const PARSE_TOO_DEEP: &str = "E0210";
    /// A bad escape sequence in a string.
    pub const INTERPOLATE_ESCAPE: &str = "E0301";
    /// A malformed `${…}` reference.
    pub const INTERPOLATE_VAR: &str = "E0302";
}

//! Compiler diagnostics as LSP diagnostics: severity, code, phase (as the source), the help text,
//! and secondary labels as related information.

use crate::position::LineIndex;
use mcl_compiler::diagnostics::{Diagnostic as McDiagnostic, Severity};
use mcl_compiler::driver::Checked;
use tower_lsp_server::ls_types::*;

/// The diagnostics of an analysis that belong to its entry file (the document `uri`).
pub fn for_document(checked: &Checked, uri: &Uri) -> Vec<Diagnostic> {
    let text = &checked.sources.get(checked.entry).text;
    let index = LineIndex::new(text);
    checked.diagnostics.iter().filter(|d| d.file == checked.entry).map(|d| to_lsp(d, &index, uri, checked)).collect()
}

/// One compiler diagnostic of the entry file as an LSP diagnostic.
pub fn to_lsp(d: &McDiagnostic, index: &LineIndex, uri: &Uri, checked: &Checked) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| {
            let file = checked.sources.get(l.file);
            let target = if l.file == checked.entry { uri.clone() } else { Uri::from_file_path(&file.path)? };
            let range = if l.file == checked.entry { index.range(l.span.start as usize, l.span.end as usize) } else { crate::position::range(&file.text, l.span.start as usize, l.span.end as usize) };
            Some(DiagnosticRelatedInformation { location: Location { uri: target, range }, message: l.message.clone() })
        })
        .collect();
    let message = match &d.help {
        Some(h) => format!("{}\nhelp: {h}", d.message),
        None => d.message.clone(),
    };
    Diagnostic {
        range: index.range(d.span.start as usize, d.span.end as usize),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some(format!("mclc {}", d.phase)),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

//! Navigation: go to definition, find references, document highlight, and rename (across the
//! files that import the definition's file).

use crate::Snapshot;
use crate::position::{self, LineIndex};
use mcl_compiler::driver::{self, Checked, FileLoader, StopAfter};
use mcl_compiler::semantics::hir::{DefIdx, DefKind, Hir, RefTarget};
use mcl_compiler::semantics::query;
use mcl_compiler::source::{FileId, Span};
use mcl_compiler::syntax::lexer::{self, Token};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::*;

/// The analysis, its entry text and the definition named or referred to at `pos`.
fn def_at(s: &Snapshot, pos: Position) -> Option<(&Checked, &Hir, DefIdx)> {
    let checked = s.analysis.as_deref()?;
    let hir = checked.hir.as_ref()?;
    let offset = position::offset(&checked.sources.get(checked.entry).text, pos);
    match query::target_at(hir, checked.entry, offset)? {
        RefTarget::Def(d) => Some((checked, hir, d)),
        _ => None,
    }
}

/// The location of `span` in `file` of an analysis (the entry file is the document itself).
fn location(s: &Snapshot, checked: &Checked, file: FileId, span: Span) -> Option<Location> {
    let f = checked.sources.get(file);
    let uri = if file == checked.entry { s.uri.clone() } else { Uri::from_file_path(&f.path)? };
    Some(Location { uri, range: position::range(&f.text, span.start as usize, span.end as usize) })
}

/// Where the name at `pos` is defined (variables, functions, classes, parameters, imports).
pub fn definition(s: &Snapshot, pos: Position) -> Option<Location> {
    let (checked, hir, d) = def_at(s, pos)?;
    let def = hir.def(d);
    // An import alias leads to the imported file itself.
    if let DefKind::Import { target: mcl_compiler::semantics::hir::ImportTarget::Module(scope), .. } = &def.kind {
        let file = hir.scope(*scope).file;
        let uri = Uri::from_file_path(&checked.sources.get(file).path)?;
        return Some(Location { uri, range: Range::default() });
    }
    let (file, span) = query::definition_site(hir, d);
    location(s, checked, file, span)
}

/// Every reference to the definition at `pos` (and the definition, when asked).
pub fn references(s: &Snapshot, pos: Position, include_declaration: bool) -> Option<Vec<Location>> {
    let (checked, hir, d) = def_at(s, pos)?;
    let mut sites = query::references(hir, d);
    if include_declaration {
        sites.insert(0, query::definition_site(hir, d));
    }
    Some(sites.into_iter().filter_map(|(file, span)| location(s, checked, file, span)).collect())
}

/// The definition (write) and uses (read) of the name at `pos` in this document.
pub fn highlights(s: &Snapshot, pos: Position) -> Option<Vec<DocumentHighlight>> {
    let (checked, hir, d) = def_at(s, pos)?;
    let text = &checked.sources.get(checked.entry).text;
    let index = LineIndex::new(text);
    let mut sites = vec![(query::definition_site(hir, d), DocumentHighlightKind::WRITE)];
    sites.extend(query::references(hir, d).into_iter().map(|s| (s, DocumentHighlightKind::READ)));
    Some(
        sites
            .into_iter()
            .filter(|((file, _), _)| *file == checked.entry)
            .map(|((_, span), kind)| DocumentHighlight { range: index.range(span.start as usize, span.end as usize), kind: Some(kind) })
            .collect(),
    )
}

/// The name that a rename at `pos` would change, with its range (builtins can't be renamed).
pub fn prepare_rename(s: &Snapshot, pos: Position) -> Option<PrepareRenameResponse> {
    let checked = s.current()?;
    let hir = checked.hir.as_ref()?;
    let text = &checked.sources.get(checked.entry).text;
    let offset = position::offset(text, pos);
    let span = match query::reference_at(hir, checked.entry, offset) {
        Some(r) if matches!(r.target, RefTarget::Def(_)) => r.span,
        Some(_) => return None,
        None => hir.def(query::def_named_at(hir, checked.entry, offset)?).span,
    };
    let placeholder = text.get(span.range())?.to_string();
    Some(PrepareRenameResponse::RangeWithPlaceholder { range: position::range(text, span.start as usize, span.end as usize), placeholder })
}

/// Checks a new name: an mcl identifier that is not a keyword (a leading `$` is dropped).
pub fn valid_name(new_name: &str) -> Result<&str, String> {
    let name = new_name.strip_prefix('$').unwrap_or(new_name);
    let lexed = lexer::lex(name, FileId(0));
    match lexed.tokens.as_slice() {
        [(Token::Ident, span)] if span.len() == name.len() => Ok(name),
        [(t, _)] if t.is_keyword() => Err(format!("`{name}` is a keyword of mcl and can't be a name")),
        _ => Err(format!("`{name}` is not a valid mcl name: names are lower case letters, digits and `_`, start with a letter and don't end with `_`")),
    }
}

/// Renames the definition at `pos` everywhere: in this document, the files it imports, and the
/// open documents and workspace files that import the definition's file. `overlay` is every open
/// document's text; `roots` are the workspace folders. An invalid name is an `Err` message.
pub fn rename(s: &Snapshot, pos: Position, new_name: &str, overlay: &HashMap<PathBuf, String>, roots: &[PathBuf]) -> Result<Option<WorkspaceEdit>, String> {
    let name = valid_name(new_name)?;
    let Some((checked, hir, d)) = def_at(s, pos) else { return Ok(None) };
    let def = hir.def(d);
    let def_path = checked.sources.get(def.file).path.clone();
    let def_start = def.span.start;
    let mut edits: BTreeSet<(String, u32, u32)> = BTreeSet::new();
    let mut files: HashMap<String, (Uri, String)> = HashMap::new();
    let mut collect = |checked: &Checked, hir: &Hir, d: DefIdx, entry_uri: Option<&Uri>| {
        let mut sites = query::references(hir, d);
        sites.push(query::definition_site(hir, d));
        for (file, span) in sites {
            let f = checked.sources.get(file);
            let uri = match (file == checked.entry, entry_uri) {
                (true, Some(u)) => u.clone(),
                _ => match Uri::from_file_path(&f.path) {
                    Some(u) => u,
                    None => continue,
                },
            };
            files.entry(uri.as_str().to_string()).or_insert_with(|| (uri.clone(), f.text.clone()));
            edits.insert((uri.as_str().to_string(), span.start, span.end));
        }
    };
    collect(checked, hir, d, Some(&s.uri));
    // Local names (parameters, loop variables, names inside blocks) can't be seen from other files.
    let module_level = matches!(hir.scope(def.scope).kind, mcl_compiler::semantics::hir::ScopeKind::Module);
    if module_level {
        let entry_path = checked.sources.get(checked.entry).path.clone();
        for candidate in candidates(overlay, roots).into_iter().filter(|p| *p != entry_path) {
            let text = match overlay.get(&candidate) {
                Some(t) => t.clone(),
                None => match std::fs::read_to_string(&candidate) {
                    Ok(t) => t,
                    Err(_) => continue,
                },
            };
            let mut loader = FileLoader::new(StopAfter::Scope);
            loader.overlay = overlay.clone();
            let other = driver::check_with(candidate.clone(), text, loader, StopAfter::Scope);
            let Some(other_hir) = other.hir.as_ref() else { continue };
            let same = other_hir.defs.iter().position(|od| od.span.start == def_start && other.sources.get(od.file).path == def_path);
            if let Some(i) = same {
                collect(&other, other_hir, DefIdx(i as u32), None);
            }
        }
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (uri_text, start, end) in edits {
        let Some((uri, text)) = files.get(&uri_text) else { continue };
        changes.entry(uri.clone()).or_default().push(TextEdit { range: position::range(text, start as usize, end as usize), new_text: name.to_string() });
    }
    Ok(Some(WorkspaceEdit { changes: Some(changes), ..Default::default() }))
}

/// The files that might import a definition's file: the open documents and the `.mcl` files
/// under the workspace folders (at most 2,000; hidden and `target` directories skipped).
fn candidates(overlay: &HashMap<PathBuf, String>, roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: BTreeSet<PathBuf> = overlay.keys().filter(|p| p.extension().is_some_and(|e| e == "mcl")).cloned().collect();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "target" || name == "node_modules" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if is_mcl(&path) {
                out.insert(path);
            }
            if out.len() >= 2000 {
                return out.into_iter().collect();
            }
        }
    }
    out.into_iter().collect()
}

fn is_mcl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "mcl")
}

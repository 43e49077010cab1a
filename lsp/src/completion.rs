//! Completion: what fits at the cursor, from the text before it (what is being typed) and the
//! last analysis that resolved names (what exists).

use mcl_compiler::driver::Checked;
use mcl_compiler::registry::{functions, resources};
use mcl_compiler::semantics::query::{self, VisibleKind};
use mcl_compiler::syntax::ast::{EntryKind, Stmt, StmtKind};
use std::path::Path;
use tower_lsp_server::ls_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, InsertTextFormat, TextEdit};

const KEYWORDS: &[&str] = &["if", "else", "for", "forkv", "func", "class", "include", "import", "panic", "collect"];

/// Completion items for the cursor at byte `offset` of `text`; `dir` is the document's directory
/// (for completing local imports).
pub fn items(text: &str, offset: usize, analysis: Option<&Checked>, dir: Option<&Path>) -> Vec<CompletionItem> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    // `import "…`: builtin modules and the local files and module directories.
    if let Some(partial) = line.trim_start().strip_prefix("import").map(str::trim_start).and_then(|r| r.strip_prefix('"'))
        && !partial.contains('"')
    {
        return imports(text, offset - partial.len(), offset, dir);
    }
    // After `->` or an edge entry's `=>`: capitalised kinds (edge halves).
    let trimmed = line.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == ':');
    let edge_entry = ["Before", "Depend", "Notify", "Listen"].iter().any(|e| trimmed.trim_start().starts_with(e) && trimmed.trim_end().ends_with("=>"));
    if trimmed.trim_end().ends_with("->") || edge_entry {
        return edge_kinds();
    }
    let in_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == ':';
    let word_start = before.char_indices().rev().find(|&(_, c)| !in_word(c)).map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    let sigil = before[..word_start].chars().last();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let at_line_start = before[line_start..word_start].trim().is_empty();

    // Inside a resource body, at the start of an entry: the kind's fields not yet set, and Meta.
    if at_line_start && sigil != Some('$') {
        let prog = crate::syntax(text, analysis).prog;
        if let Some((kind, set)) = resource_at(&prog.stmts, offset) {
            return resource_fields(&kind, &set);
        }
    }
    let mut out = Vec::new();
    if sigil == Some('$') {
        // Variables visible here, with their types.
        if let Some(c) = analysis
            && let Some(hir) = &c.hir
        {
            for v in query::visible_at(hir, c.typed.as_ref(), c.entry, offset.min(c.sources.get(c.entry).text.len())) {
                let detail = match &v.kind {
                    VisibleKind::Var(Some(t)) => Some(t.to_string()),
                    VisibleKind::Var(None) => None,
                    VisibleKind::Const(k) => Some(k.ty().to_string()),
                    _ => continue,
                };
                out.push(CompletionItem { label: v.name.to_string(), kind: Some(CompletionItemKind::VARIABLE), detail, ..Default::default() });
            }
        }
        return out;
    }
    // Functions (members after `alias.`), classes and aliases visible here.
    if let Some(c) = analysis
        && let Some(hir) = &c.hir
    {
        for v in query::visible_at(hir, c.typed.as_ref(), c.entry, offset.min(c.sources.get(c.entry).text.len())) {
            let (kind, detail) = match &v.kind {
                VisibleKind::Builtin(f) => (CompletionItemKind::FUNCTION, Some(f.sig.to_string())),
                VisibleKind::Func => (CompletionItemKind::FUNCTION, None),
                VisibleKind::Class => (CompletionItemKind::CLASS, None),
                VisibleKind::Alias => (CompletionItemKind::MODULE, None),
                _ => continue,
            };
            if word.contains('.') && !v.name.starts_with(word.rsplit_once('.').map_or("", |(a, _)| a)) {
                continue;
            }
            out.push(CompletionItem { label: v.name.to_string(), kind: Some(kind), detail, ..Default::default() });
        }
    }
    if at_line_start && !word.contains('.') {
        for kind in resources::kinds().iter().filter(|k| !k.is_internal()) {
            out.push(CompletionItem {
                label: kind.name.to_string(),
                kind: Some(CompletionItemKind::STRUCT),
                detail: Some("resource".into()),
                insert_text: Some(resource_snippet(kind)),
                insert_text_format: Some(InsertTextFormat::SNIPPET),
                ..Default::default()
            });
        }
        for k in KEYWORDS {
            out.push(CompletionItem { label: k.to_string(), kind: Some(CompletionItemKind::KEYWORD), ..Default::default() });
        }
    }
    if word.contains('.') && analysis.is_none() {
        // No analysis yet: offer the builtin modules' members by their default alias.
        let (alias, _) = word.rsplit_once('.').unwrap_or(("", ""));
        for f in functions::all().iter().filter(|f| f.is_callable() && f.module.rsplit('/').next() == Some(alias)) {
            out.push(CompletionItem { label: format!("{alias}.{}", f.name), kind: Some(CompletionItemKind::FUNCTION), detail: Some(f.sig.to_string()), ..Default::default() });
        }
    }
    out
}

/// The fields a new resource of `kind` usually sets, as snippet lines with placeholders.
fn resource_snippet(kind: &resources::KindDef) -> String {
    let common: &[(&str, &str)] = match kind.name {
        "file" => &[("state", "\\$const.res.file.state.exists"), ("content", "\"\"")],
        "exec" => &[("cmd", "\"\""), ("shell", "\"/bin/sh\"")],
        "pkg" => &[("state", "\"installed\"")],
        "svc" => &[("state", "\"running\""), ("startup", "\"enabled\"")],
        "print" | "msg" => &[("msg", "\"\"")],
        "user" | "group" => &[("state", "\"exists\"")],
        _ => &[],
    };
    let mut body = String::new();
    for (i, (field, value)) in common.iter().filter(|(f, _)| kind.field(f).is_some()).enumerate() {
        body.push_str(&format!("\t{field} => ${{{}:{value}}},\n", i + 2));
    }
    format!("{} \"${{1:name}}\" {{\n{body}\t$0\n}}", kind.name)
}

/// `import` paths: builtin modules, and the `.mcl` files and module directories next to the
/// document. The items replace `start..end` (what is typed after the quote).
fn imports(text: &str, start: usize, end: usize, dir: Option<&Path>) -> Vec<CompletionItem> {
    let range = crate::position::range(text, start, end);
    let item = |label: String, kind: CompletionItemKind, detail: &str| CompletionItem {
        label: label.clone(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text: label })),
        ..Default::default()
    };
    let mut out: Vec<CompletionItem> = functions::modules().into_iter().map(|m| item(m.to_string(), CompletionItemKind::MODULE, "builtin module")).collect();
    if let Some(dir) = dir
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        let mut local: Vec<CompletionItem> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let path = e.path();
                if name.starts_with('.') {
                    None
                } else if path.is_dir() {
                    Some(item(format!("{name}/"), CompletionItemKind::FOLDER, "local module"))
                } else if name.ends_with(".mcl") {
                    Some(item(name, CompletionItemKind::FILE, "local file"))
                } else {
                    None
                }
            })
            .collect();
        local.sort_by(|a, b| a.label.cmp(&b.label));
        out.extend(local);
    }
    out
}

/// Edge halves: every kind capitalised (`File["…"]`, `Http:Server["…"]`).
fn edge_kinds() -> Vec<CompletionItem> {
    resources::kinds()
        .iter()
        .filter(|k| !k.is_internal())
        .map(|k| {
            let cap: Vec<String> = k
                .name
                .split(':')
                .map(|seg| {
                    let mut chars = seg.chars();
                    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
                })
                .collect();
            let label = cap.join(":");
            CompletionItem {
                label: label.clone(),
                kind: Some(CompletionItemKind::STRUCT),
                detail: Some(format!("edge to a `{}` resource", k.name)),
                insert_text: Some(format!("{label}[\"$1\"]")),
                insert_text_format: Some(InsertTextFormat::SNIPPET),
                ..Default::default()
            }
        })
        .collect()
}

/// The innermost resource whose body contains `offset`: its kind and the fields already set.
fn resource_at(stmts: &[Stmt], offset: usize) -> Option<(String, Vec<String>)> {
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Resource(r) if r.body_span.start as usize <= offset && offset < r.body_span.end as usize => {
                let set = r
                    .entries
                    .iter()
                    .filter_map(|e| match &e.kind {
                        EntryKind::Field { name, .. } => Some(name.text.to_string()),
                        EntryKind::MetaParam { name, .. } => Some(format!("Meta:{}", name.text)),
                        _ => None,
                    })
                    .collect();
                return Some((r.kind.text.to_string(), set));
            }
            StmtKind::If { then_block, else_block, .. } => {
                let found = resource_at(&then_block.stmts, offset).or_else(|| else_block.as_ref().and_then(|b| resource_at(&b.stmts, offset)));
                if found.is_some() {
                    return found;
                }
            }
            StmtKind::For { body, .. } | StmtKind::ForKv { body, .. } | StmtKind::Class { body, .. } => {
                if let Some(found) = resource_at(&body.stmts, offset) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

fn resource_fields(kind: &str, set: &[String]) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    if let Some(k) = resources::kind(kind) {
        for f in k.fields.iter().filter(|f| !set.iter().any(|s| s == f.name)) {
            out.push(CompletionItem {
                label: f.name.to_string(),
                kind: Some(CompletionItemKind::FIELD),
                detail: Some(f.ty.to_string()),
                insert_text: Some(format!("{} => $0,", f.name)),
                insert_text_format: Some(InsertTextFormat::SNIPPET),
                ..Default::default()
            });
        }
    }
    for p in resources::meta_params().iter().filter(|p| !set.iter().any(|s| s.eq_ignore_ascii_case(&format!("Meta:{}", p.name)))) {
        out.push(CompletionItem {
            label: format!("Meta:{}", p.name),
            kind: Some(CompletionItemKind::PROPERTY),
            detail: Some(p.ty.to_string()),
            insert_text: Some(format!("Meta:{} => $0,", p.name)),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            ..Default::default()
        });
    }
    for e in ["Before", "Depend", "Notify", "Listen"] {
        out.push(CompletionItem { label: e.to_string(), kind: Some(CompletionItemKind::PROPERTY), detail: Some("edge".into()), ..Default::default() });
    }
    out
}

//! Completion: what fits at the cursor, from the text before it (what is being typed) and the
//! last analysis that resolved names (what exists).

use mcl_compiler::driver::Checked;
use mcl_compiler::registry::{functions, resources};
use mcl_compiler::semantics::query::{self, VisibleKind};
use mcl_compiler::source::FileId;
use mcl_compiler::syntax::ast::{EntryKind, Stmt, StmtKind};
use mcl_compiler::syntax::parser;
use tower_lsp_server::ls_types::{CompletionItem, CompletionItemKind, InsertTextFormat};

const KEYWORDS: &[&str] = &["if", "else", "for", "forkv", "func", "class", "include", "import", "panic", "collect"];

/// Completion items for the cursor at byte `offset` of `text`.
pub fn items(text: &str, offset: usize, analysis: Option<&Checked>) -> Vec<CompletionItem> {
    let before = &text[..offset.min(text.len())];
    let in_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == ':';
    let word_start = before.char_indices().rev().find(|&(_, c)| !in_word(c)).map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    let sigil = before[..word_start].chars().last();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let at_line_start = before[line_start..word_start].trim().is_empty();

    // Inside a resource body, at the start of an entry: the kind's fields not yet set, and Meta.
    if at_line_start && sigil != Some('$') {
        // The analysed tree when it is of this very text, else a fresh parse.
        let analysed = analysis.filter(|c| c.sources.get(c.entry).text == text).map(|c| c.front_end.prog.clone());
        let prog = analysed.unwrap_or_else(|| std::sync::Arc::new(parser::parse(text, FileId(0)).prog));
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
                insert_text: Some(format!("{} \"${{1:name}}\" {{\n\t$0\n}}", kind.name)),
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

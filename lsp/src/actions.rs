//! Code actions and code lenses: the compiler's machine-applicable fixes as quick fixes
//! (did-you-mean names, fields, kinds and imports; a missing `import`), the `"$x"` → `"${x}"`
//! rewrite, "Show resource graph", and "Deploy this file" (plain and noop, with the git state
//! of the file's work tree in the title).

use crate::Snapshot;
use crate::commands;
use crate::position::{self, LineIndex};
use mcl_compiler::semantics::query::{self, VisibleKind};
use mcl_compiler::source::FileId;
use mcl_compiler::syntax::lexer::{self, Token};
use std::collections::HashMap;
use tower_lsp_server::ls_types::*;

fn edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
}

/// The code actions for `range`, filtered by the kinds the client asked for.
pub fn code_actions(s: &Snapshot, range: Range, only: Option<&[CodeActionKind]>) -> Vec<CodeActionOrCommand> {
    let start = position::offset(&s.text, range.start);
    let end = position::offset(&s.text, range.end).max(start);
    let mut out = Vec::new();
    out.extend(quick_fixes(s, start, end));
    out.extend(interpolation_rewrites(s, start, end));
    out.push(show_graph_action(s));
    out.extend(deploy_actions(s));
    out.retain(|a| {
        let kind = match a {
            CodeActionOrCommand::CodeAction(a) => a.kind.as_ref().map_or("", |k| k.as_str()),
            CodeActionOrCommand::Command(_) => "",
        };
        only.is_none_or(|only| only.iter().any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str()))))
    });
    out
}

/// The fixes the compiler attached to diagnostics that touch `start..end`.
fn quick_fixes(s: &Snapshot, start: usize, end: usize) -> Vec<CodeActionOrCommand> {
    let Some(checked) = s.current() else { return Vec::new() };
    let index = LineIndex::new(&s.text);
    let mut out = Vec::new();
    for d in checked.diagnostics.iter().filter(|d| d.file == checked.entry && !d.fixes.is_empty()) {
        let touches = (d.span.start as usize) <= end && start <= (d.span.end as usize);
        if !touches {
            continue;
        }
        let diagnostic = crate::diagnostics::to_lsp(d, &index, &s.uri, checked);
        for fix in &d.fixes {
            let text_edit = TextEdit { range: index.range(fix.span.start as usize, fix.span.end as usize), new_text: fix.replacement.clone() };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(edit(&s.uri, vec![text_edit])),
                is_preferred: Some(d.fixes.len() == 1),
                ..Default::default()
            }));
        }
    }
    out
}

/// `$name` written in a string is literal text in mcl; when `name` is a variable in scope, the
/// user most likely meant `${name}`. Offered for each such `$name` touching `start..end`.
fn interpolation_rewrites(s: &Snapshot, start: usize, end: usize) -> Vec<CodeActionOrCommand> {
    let lexed = lexer::lex(&s.text, FileId(0));
    let index = LineIndex::new(&s.text);
    let mut out = Vec::new();
    for &(token, span) in &lexed.tokens {
        if token != Token::String || (span.end as usize) < start || (span.start as usize) > end {
            continue;
        }
        for (at, name) in dollar_names(&s.text[span.range()]) {
            let name_start = span.start as usize + at;
            let name_end = name_start + 1 + name.len();
            let touches = name_start <= end && start <= name_end;
            if !touches || !is_visible_var(s, name, name_start) {
                continue;
            }
            let text_edit = TextEdit { range: index.range(name_start, name_end), new_text: format!("${{{name}}}") };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Interpolate `${name}`: write `${{{name}}}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                edit: Some(edit(&s.uri, vec![text_edit])),
                ..Default::default()
            }));
        }
    }
    out
}

/// The `$name`s of a string literal's source (quotes included) that are literal text: not
/// `${…}`, not after an escaping `$`. Returns each `$`'s byte offset and the name.
pub fn dollar_names(literal: &str) -> Vec<(usize, &str)> {
    let bytes = literal.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 2,
            b'$' if bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase) => {
                let rest = &literal[i + 1..];
                let len = rest.find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')).unwrap_or(rest.len());
                let name = rest[..len].trim_end_matches(['.', '_']);
                out.push((i, name));
                i += 1 + len;
            }
            _ => i += 1,
        }
    }
    out
}

fn is_visible_var(s: &Snapshot, name: &str, offset: usize) -> bool {
    let Some(c) = s.good.as_deref() else { return true };
    let Some(hir) = &c.hir else { return true };
    let at = offset.min(c.sources.get(c.entry).text.len());
    query::visible_at(hir, c.typed.as_ref(), c.entry, at).iter().any(|v| v.name == name && matches!(v.kind, VisibleKind::Var(_) | VisibleKind::Const(_)))
}

/// Why an action that needs a clean file is disabled (`None`: it is not): the file has errors
/// ("fix them to `purpose`") or is still being checked.
fn disabled_while_errors(s: &Snapshot, purpose: &str) -> Option<CodeActionDisabled> {
    let errors = s.current().map(|c| c.diagnostics.iter().filter(|d| d.is_error()).count());
    match errors {
        Some(0) => None,
        Some(n) => Some(CodeActionDisabled { reason: format!("the file has {n} error{}; fix them to {purpose}", if n == 1 { "" } else { "s" }) }),
        None => Some(CodeActionDisabled { reason: "the file is still being checked".into() }),
    }
}

/// The git facts of `dir`'s work tree, cached for two seconds: clients ask for code actions on
/// every cursor move, and a status walk of a large work tree is not free.
fn git_info(dir: &std::path::Path) -> Option<mcl_runtime::deploy::manifest::GitInfo> {
    use std::sync::{Mutex, OnceLock};
    use std::time::{Duration, Instant};
    type Cache = HashMap<std::path::PathBuf, (Instant, Option<mcl_runtime::deploy::manifest::GitInfo>)>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(c) = cache.lock()
        && let Some((at, info)) = c.get(dir)
        && at.elapsed() < Duration::from_secs(2)
    {
        return info.clone();
    }
    let info = mcl_runtime::deploy::git::info(dir);
    if let Ok(mut c) = cache.lock() {
        c.retain(|_, (at, _)| at.elapsed() < Duration::from_secs(2));
        c.insert(dir.to_path_buf(), (Instant::now(), info.clone()));
    }
    info
}

/// "Deploy this file" and its noop variant: source actions running `mcl.deploy`, disabled
/// while the file has errors. The title shows the git state the deploy will record.
fn deploy_actions(s: &Snapshot) -> Vec<CodeActionOrCommand> {
    let path = crate::path_of(&s.uri);
    let git = match path.parent().and_then(git_info) {
        Some(g) => {
            let commit: String = g.commit.as_deref().map_or_else(|| "no commit".into(), |c| c.chars().take(8).collect());
            let branch = g.branch.map(|b| format!("{b} ")).unwrap_or_default();
            format!("git {branch}{commit}, {}", if g.dirty { "uncommitted changes" } else { "clean" })
        }
        None => "not in a git repository".into(),
    };
    let disabled = disabled_while_errors(s, "deploy it");
    [(false, format!("Deploy this file ({git})")), (true, format!("Deploy this file, noop: only report what would change ({git})"))]
        .into_iter()
        .map(|(noop, title)| {
            let arguments = Some(vec![serde_json::json!({ "uri": s.uri.as_str(), "noop": noop })]);
            CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::SOURCE),
                command: Some(Command { title, command: commands::DEPLOY.into(), arguments }),
                disabled: disabled.clone(),
                ..Default::default()
            })
        })
        .collect()
}

/// "Show resource graph": a source action, disabled (with the reason) while the file has errors.
fn show_graph_action(s: &Snapshot) -> CodeActionOrCommand {
    let disabled = disabled_while_errors(s, "see its graph");
    CodeActionOrCommand::CodeAction(CodeAction {
        title: "Show resource graph".into(),
        kind: Some(CodeActionKind::SOURCE),
        command: Some(show_graph_command(s)),
        disabled,
        ..Default::default()
    })
}

fn show_graph_command(s: &Snapshot) -> Command {
    Command { title: "Show resource graph".into(), command: commands::SHOW_GRAPH.into(), arguments: Some(vec![serde_json::json!(s.uri.as_str())]) }
}

/// A "Show resource graph" lens on the first line.
pub fn code_lenses(s: &Snapshot) -> Vec<CodeLens> {
    vec![CodeLens { range: Range::default(), command: Some(show_graph_command(s)), data: None }]
}

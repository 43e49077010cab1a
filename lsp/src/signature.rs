//! Signature help: the signature of the call around the cursor and the argument being typed.
//!
//! The call is found in the tokens before the cursor (not the syntax tree), so help works while
//! the call is still unclosed; names are resolved with the last analysis that resolved names.

use crate::Snapshot;
use crate::position;
use mcl_compiler::registry::functions::{self, FunctionDef};
use mcl_compiler::semantics::hir::DefKind;
use mcl_compiler::semantics::query::{self, VisibleKind};
use mcl_compiler::source::FileId;
use mcl_compiler::syntax::lexer::{self, Token};
use mcl_compiler::types::{FuncType, Type};
use tower_lsp_server::ls_types::*;

/// The call the cursor is in: the callee as written (`fmt.printf`, `$f`), and how many commas
/// precede the cursor among its arguments.
pub fn call_at(text: &str, offset: usize) -> Option<(String, usize)> {
    let prefix = text.get(..offset)?;
    let tokens = lexer::lex(prefix, FileId(0)).tokens;
    let mut depth = 0usize;
    let mut commas = 0usize;
    let mut i = tokens.len();
    while i > 0 {
        i -= 1;
        match tokens[i].0 {
            Token::RParen | Token::RBracket | Token::RBrace => depth += 1,
            Token::LBracket if depth == 0 => commas = 0,
            Token::LBrace if depth == 0 => return None,
            Token::LParen if depth == 0 => {
                // The callee: `name(`, `a.b.c(` or `$name(`, written right before the paren.
                let mut j = i;
                let mut parts = Vec::new();
                while j > 0 && matches!(tokens[j - 1].0, Token::Ident | Token::Dot) && tokens[j - 1].1.end == tokens[j].1.start {
                    j -= 1;
                    parts.push(&prefix[tokens[j].1.range()]);
                }
                if parts.is_empty() {
                    return None;
                }
                parts.reverse();
                let dollar = j > 0 && tokens[j - 1].0 == Token::Dollar;
                let name = parts.concat();
                return Some((if dollar { format!("${name}") } else { name }, commas));
            }
            Token::LParen | Token::LBracket | Token::LBrace => depth -= 1,
            Token::Comma if depth == 0 => commas += 1,
            _ => {}
        }
    }
    None
}

/// Signature help at `pos`.
pub fn help(s: &Snapshot, pos: Position) -> Option<SignatureHelp> {
    let offset = position::offset(&s.text, pos);
    let (callee, commas) = call_at(&s.text, offset)?;
    let (label_name, func, doc) = resolve(s, &callee, offset)?;
    let mut label = format!("{label_name}(");
    let mut params = Vec::new();
    for (i, (name, ty)) in func.params.iter().enumerate() {
        if i > 0 {
            label.push_str(", ");
        }
        let start = label.encode_utf16().count() as u32;
        match name {
            Some(n) => label.push_str(&format!("{n} {ty}")),
            None => label.push_str(&ty.to_string()),
        }
        let end = label.encode_utf16().count() as u32;
        params.push(ParameterInformation { label: ParameterLabel::LabelOffsets([start, end]), documentation: None });
    }
    label.push_str(&format!(") {}", func.ret));
    let active = if params.is_empty() { 0 } else { commas.min(params.len() - 1) as u32 };
    let documentation = doc.map(|d| Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: d }));
    Some(SignatureHelp {
        signatures: vec![SignatureInformation { label, documentation, parameters: Some(params), active_parameter: Some(active) }],
        active_signature: Some(0),
        active_parameter: Some(active),
    })
}

/// The shown name, function type and documentation of a callee written at `offset`.
fn resolve(s: &Snapshot, callee: &str, offset: usize) -> Option<(String, FuncType, Option<String>)> {
    let builtin = |f: &FunctionDef| -> Option<(String, FuncType, Option<String>)> {
        let ty = mcl_compiler::types::parse(f.sig).ok()?;
        let func = ty.as_func()?.clone();
        let module = if f.module.is_empty() { "builtin".to_string() } else { format!("module `{}`", f.module) };
        let doc = match f.forms_note {
            Some(note) => format!("{module}\n\n{note}"),
            None => module,
        };
        Some((callee.to_string(), func, Some(doc)))
    };
    if let Some(c) = s.good.as_deref()
        && let Some(hir) = &c.hir
    {
        let at = offset.min(c.sources.get(c.entry).text.len());
        let wanted = callee.strip_prefix('$').unwrap_or(callee);
        for v in query::visible_at(hir, c.typed.as_ref(), c.entry, at) {
            if v.name != wanted {
                continue;
            }
            match (&v.kind, callee.starts_with('$')) {
                (VisibleKind::Builtin(f), false) => return builtin(f),
                (VisibleKind::Func, false) => {
                    let d = v.def?;
                    let DefKind::Func(l) = &hir.def(d).kind else { continue };
                    // The function's inferred type when known, else what is written.
                    let inferred = c.typed.as_ref().and_then(|t| t.def_types.get(&d)).and_then(|t| t.as_func().cloned());
                    let written = |p: mcl_compiler::semantics::hir::DefIdx| match &hir.def(p).kind {
                        DefKind::Param { ty: Some(t) } => t.clone(),
                        _ => Type::Variant,
                    };
                    let params = l
                        .params
                        .iter()
                        .enumerate()
                        .map(|(i, &p)| (Some(hir.def(p).name.clone()), inferred.as_ref().and_then(|f| f.params.get(i)).map_or_else(|| written(p), |(_, t)| t.clone())))
                        .collect();
                    let ret = inferred.map(|f| f.ret).or_else(|| l.ret.clone()).unwrap_or(Type::Variant);
                    return Some((callee.to_string(), FuncType { params, ret }, None));
                }
                (VisibleKind::Var(Some(Type::Func(f))), true) => return Some((callee.to_string(), (**f).clone(), None)),
                _ => {}
            }
        }
    }
    // No analysis yet: builtins by their default alias (`fmt.printf`, `strings.to_upper`).
    if let Some((alias, name)) = callee.rsplit_once('.') {
        return functions::all().iter().find(|f| f.is_callable() && f.name == name && f.module.rsplit('/').next() == Some(alias)).and_then(builtin);
    }
    functions::lookup("", callee).filter(|f| f.is_callable()).and_then(builtin)
}

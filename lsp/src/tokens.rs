//! Semantic tokens: the lexer's tokens, refined by the syntax tree (resource kinds, fields,
//! struct fields, calls) and, when the analysis is of the current text, by name resolution
//! (parameters vs variables, builtins, classes, module aliases, declarations).

use crate::position::LineIndex;
use mcl_compiler::driver::Checked;
use mcl_compiler::semantics::hir::{DefKind, RefTarget};
use mcl_compiler::source::{FileId, Span};
use mcl_compiler::syntax::ast::{EntryKind, ExprKind, StmtKind};
use mcl_compiler::syntax::lexer::{self, Token};
use mcl_compiler::syntax::visit::{self, Node};
use tower_lsp_server::ls_types::{Range, SemanticToken, SemanticTokenModifier, SemanticTokenType};

/// The token types, in legend order.
pub const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::TYPE,
    SemanticTokenType::CLASS,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::KEYWORD,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::COMMENT,
];

/// The token modifiers, in legend order (bit 0 first).
pub const MODIFIERS: &[SemanticTokenModifier] = &[SemanticTokenModifier::DECLARATION, SemanticTokenModifier::READONLY, SemanticTokenModifier::DEFAULT_LIBRARY];

const NAMESPACE: u32 = 0;
const TYPE: u32 = 1;
const CLASS: u32 = 2;
const FUNCTION: u32 = 3;
const PARAMETER: u32 = 4;
const VARIABLE: u32 = 5;
const PROPERTY: u32 = 6;
const KEYWORD: u32 = 7;
const STRING: u32 = 8;
const NUMBER: u32 = 9;
const OPERATOR: u32 = 10;
const COMMENT: u32 = 11;

const DECLARATION: u32 = 1;
const READONLY: u32 = 2;
const DEFAULT_LIBRARY: u32 = 4;

/// A classified span: token type and modifier bits.
type Classified = (Span, u32, u32);

/// The semantic tokens of `text` (within `range`, if given), encoded relative to each other.
/// `analysis` must be of exactly this text (it refines names); without it, the syntax decides.
pub fn tokens(text: &str, analysis: Option<&Checked>, range: Option<Range>) -> Vec<SemanticToken> {
    let lexed = lexer::lex(text, FileId(0));
    let mut names = names_from_syntax(text, analysis);
    if let Some(c) = analysis {
        names.extend(names_from_analysis(c));
    }
    // Later entries (resolution) win over earlier ones (syntax) for the same span.
    names.sort_by_key(|(s, _, _)| (s.start, std::cmp::Reverse(s.end)));
    let mut by_start: Vec<Classified> = Vec::with_capacity(names.len());
    for n in names {
        match by_start.last_mut() {
            Some(last) if last.0 == n.0 => *last = n,
            _ => by_start.push(n),
        }
    }
    let mut out: Vec<Classified> = Vec::new();
    let find = |start: u32| by_start.binary_search_by_key(&start, |(s, _, _)| s.start).ok().map(|i| by_start[i]);
    let mut covered_until = 0u32;
    let mut i = 0;
    while i < lexed.tokens.len() {
        let (token, span) = lexed.tokens[i];
        i += 1;
        if span.start < covered_until {
            continue;
        }
        // `$name`: the sigil joins the name's token.
        if token == Token::Dollar
            && let Some(&(next, next_span)) = lexed.tokens.get(i)
            && next == Token::Ident
            && next_span.start == span.end
        {
            let (name, ty, mods) = find(next_span.start).unwrap_or((next_span, VARIABLE, 0));
            out.push((Span::new(span.start as usize, name.end as usize), ty, mods));
            covered_until = name.end;
            continue;
        }
        if let Some(named) = find(span.start) {
            out.push(named);
            covered_until = named.0.end;
            continue;
        }
        let ty = match token {
            Token::String | Token::UnterminatedString => {
                // Interpolated names inside the string are variables; the rest is string.
                let mut at = span.start;
                for inner in by_start.iter().filter(|(s, _, _)| s.start > span.start && s.end < span.end) {
                    if inner.0.start < at {
                        continue;
                    }
                    out.push((Span::new(at as usize, inner.0.start as usize), STRING, 0));
                    out.push(*inner);
                    at = inner.0.end;
                }
                out.push((Span::new(at as usize, span.end as usize), STRING, 0));
                continue;
            }
            Token::Integer | Token::Float => NUMBER,
            Token::BoolType | Token::StrType | Token::IntType | Token::FloatType | Token::Map | Token::Struct | Token::Variant => TYPE,
            Token::CapIdent => PROPERTY,
            t if t.is_keyword() => KEYWORD,
            Token::Plus | Token::Minus | Token::Star | Token::Slash | Token::EqEq | Token::NotEq | Token::Lt | Token::Gt | Token::LtEq | Token::GtEq | Token::Equals | Token::Rocket | Token::Arrow | Token::Except | Token::Elvis => OPERATOR,
            _ => continue,
        };
        out.push((span, ty, 0));
    }
    for c in &lexed.comments {
        out.push((c.span, COMMENT, 0));
    }
    out.sort_by_key(|(s, _, _)| s.start);
    encode(text, &out, range)
}

/// Names the syntax tree classifies: resource kinds and edge kinds (types), fields, meta
/// parameters and struct fields (properties), called names (functions).
fn names_from_syntax(text: &str, analysis: Option<&Checked>) -> Vec<Classified> {
    let parsed = crate::syntax(text, analysis);
    let mut out = Vec::new();
    visit::walk(&parsed.prog, &mut |node| match node {
        Node::Stmt(stmt) => match &stmt.kind {
            StmtKind::Resource(r) => out.push((r.kind.span, TYPE, 0)),
            StmtKind::Func { name, .. } => out.push((name.span, FUNCTION, DECLARATION)),
            StmtKind::Class { name, .. } => out.push((name.span, CLASS, DECLARATION)),
            StmtKind::Include { name, .. } => out.push((name.span, CLASS, 0)),
            _ => {}
        },
        Node::Entry(entry) => match &entry.kind {
            EntryKind::Field { name, .. } | EntryKind::MetaParam { name, .. } => out.push((name.span, PROPERTY, 0)),
            _ => {}
        },
        Node::EdgeHalf(half) => out.push((half.kind.span, TYPE, 0)),
        Node::Expr(e) => match &e.kind {
            ExprKind::Call { name, .. } => out.push((name.span, FUNCTION, 0)),
            ExprKind::Struct(fields) => out.extend(fields.items.iter().map(|f| (f.name.span, PROPERTY, 0))),
            ExprKind::Field { field, .. } | ExprKind::FieldOr { field, .. } => out.push((field.span, PROPERTY, 0)),
            _ => {}
        },
        Node::Lambda(_) => {}
    });
    out
}

/// Names classified by resolution: what each reference and definition is.
fn names_from_analysis(c: &Checked) -> Vec<Classified> {
    let Some(hir) = &c.hir else { return Vec::new() };
    let def_class = |kind: &DefKind| match kind {
        DefKind::Bind { .. } | DefKind::LoopKey | DefKind::LoopValue => VARIABLE,
        DefKind::Param { .. } => PARAMETER,
        DefKind::Func(_) => FUNCTION,
        DefKind::Class { .. } => CLASS,
        DefKind::IncludeAlias { .. } | DefKind::Import { .. } => NAMESPACE,
    };
    let mut out = Vec::new();
    for d in hir.defs.iter().filter(|d| d.file == c.entry && !d.span.is_empty()) {
        // An import's name is its path string; leave that a string.
        if matches!(d.kind, DefKind::Import { .. }) {
            continue;
        }
        out.push((d.span, def_class(&d.kind), DECLARATION));
    }
    for r in hir.refs.iter().filter(|r| r.file == c.entry && !r.span.is_empty()) {
        let (ty, mods) = match &r.target {
            RefTarget::Def(d) => (def_class(&hir.def(*d).kind), 0),
            RefTarget::Builtin(_) => (FUNCTION, DEFAULT_LIBRARY),
            RefTarget::Const(_) => (VARIABLE, READONLY | DEFAULT_LIBRARY),
        };
        out.push((r.span, ty, mods));
    }
    out
}

/// Encodes classified spans (sorted, non-overlapping) as LSP's relative tokens, one per line
/// segment, keeping those that intersect `range`.
fn encode(text: &str, spans: &[Classified], range: Option<Range>) -> Vec<SemanticToken> {
    let index = LineIndex::new(text);
    let mut out = Vec::with_capacity(spans.len());
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for &(span, ty, mods) in spans {
        let mut start = span.start as usize;
        let end = (span.end as usize).min(text.len());
        while start < end {
            let line_end = text[start..end].find('\n').map_or(end, |i| start + i);
            let segment = text[start..line_end].trim_end_matches('\r');
            if !segment.is_empty() {
                let pos = index.position(start);
                let inside = range.is_none_or(|r| pos.line >= r.start.line && pos.line <= r.end.line);
                if inside {
                    let delta_line = pos.line - prev_line;
                    let delta_start = if delta_line == 0 { pos.character - prev_start } else { pos.character };
                    out.push(SemanticToken { delta_line, delta_start, length: segment.encode_utf16().count() as u32, token_type: ty, token_modifiers_bitset: mods });
                    prev_line = pos.line;
                    prev_start = pos.character;
                }
            }
            start = line_end + 1;
        }
    }
    out
}

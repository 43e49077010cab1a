//! The parser: tokens → syntax tree, with error recovery and targeted messages.
//!
//! The grammar itself is grammar/mcl.lalrpop (compiled by build.rs). This module drives it,
//! builds tree nodes for its actions ([`ParseCtx`]) and turns lalrpop's errors into
//! [`Diagnostic`]s that say what was expected and, for the common mistakes, how to fix them.

use crate::diagnostics::{Diagnostic, Phase, codes};
use crate::source::{FileId, Span};
use crate::syntax::ast::*;
use crate::syntax::lexer::{self, Comment, Token};
use lalrpop_util::{ErrorRecovery, ParseError};
use std::cell::{Cell, RefCell};
use std::fmt;

#[allow(clippy::all, unused_parens, missing_docs, dead_code)]
mod grammar {
    lalrpop_util::lalrpop_mod!(pub mcl, "/mcl.rs");
}

/// The parser's (unused) user error type: the lexer never fails, it emits error tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Never {}

impl fmt::Display for Never {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

type Recovery = ErrorRecovery<u32, Token, Never>;

/// A parsed file: the statements, comments and every lex and parse diagnostic.
#[derive(Debug)]
pub struct ParsedFile {
    /// The file's id.
    pub file: FileId,
    /// The top-level statements (the file's "prog").
    pub prog: Block,
    /// Comments in source order.
    pub comments: Vec<Comment>,
    /// Lex and parse errors, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many expression ids were handed out (ids are `0..expr_count`).
    pub expr_count: u32,
}

/// Lexes and parses one file. Never fails and never panics: problems become diagnostics and
/// error nodes, and the tree keeps every part that parsed.
pub fn parse(text: &str, file: FileId) -> ParsedFile {
    let lexed = lexer::lex(text, file);
    let mut tokens = lexed.tokens;
    let mut diagnostics = lexed.diagnostics;
    let end = text.len();
    // A final statement without a newline is accepted (mgmt would reject it).
    if tokens.last().is_none_or(|t| t.0 != Token::Newline) {
        tokens.push((Token::Newline, Span::point(end)));
    }
    // Close what the file leaves open, right after its last real token, so that a half-typed
    // file still yields a tree and one diagnostic per unclosed bracket.
    let unclosed = unclosed_brackets(&tokens);
    if !unclosed.is_empty() {
        let last_real = tokens.iter().rposition(|t| t.0 != Token::Newline).map_or(0, |i| i + 1);
        let at = tokens.get(last_real).map_or(end, |t| t.1.start as usize);
        let trailing = tokens.split_off(last_real);
        for &(open, span, is_block) in unclosed.iter().rev() {
            let close = match open {
                Token::LParen => Token::RParen,
                Token::LBracket => Token::RBracket,
                _ => Token::RBrace,
            };
            diagnostics.push(
                Diagnostic::error(Phase::Parse, codes::PARSE_UNEXPECTED_EOF, file, span, format!("this {} is never closed", open.describe()))
                    .with_help(format!("add the matching {}", close.describe())),
            );
            if is_block {
                tokens.push((Token::Newline, Span::point(at)));
            }
            tokens.push((close, Span::point(at)));
        }
        tokens.extend(trailing);
    }
    let ctx = ParseCtx {
        src: text,
        file,
        tokens: &tokens,
        next_id: Cell::new(0),
        diagnostics: RefCell::new(Vec::new()),
        expr_depths: RefCell::new(Vec::new()),
        blocks: RefCell::new(Vec::new()),
        types: RefCell::new(Vec::new()),
        too_deep: Cell::new(false),
    };
    let stream = tokens.iter().map(|&(t, s)| Ok::<_, Never>((s.start, t, s.end)));
    let result = grammar::mcl::ProgParser::new().parse(&ctx, stream);
    let stmts = match result {
        Ok(stmts) => stmts,
        Err(error) => {
            ctx.recovered(ErrorRecovery { error, dropped_tokens: Vec::new() });
            Vec::new()
        }
    };
    diagnostics.extend(ctx.diagnostics.into_inner());
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics.dedup_by(|a, b| a.span.start == b.span.start && a.message == b.message);
    ParsedFile {
        file,
        prog: Block { stmts, span: Span::new(0, end) },
        comments: lexed.comments,
        diagnostics,
        expr_count: ctx.next_id.get(),
    }
}

/// Openers left open at the end of the token stream, outermost first, each with whether it
/// opens a statement block or body (its closer then needs a newline before it) rather than a
/// map literal.
fn unclosed_brackets(tokens: &[(Token, Span)]) -> Vec<(Token, Span, bool)> {
    let mut stack: Vec<(Token, Span, bool)> = Vec::new();
    let mut prev = Token::Newline;
    for &(t, s) in tokens {
        match t {
            Token::LParen | Token::LBracket => stack.push((t, s, false)),
            Token::LBrace => stack.push((t, s, ends_expression(prev))),
            Token::RParen | Token::RBracket | Token::RBrace => {
                let open = match t {
                    Token::RParen => Token::LParen,
                    Token::RBracket => Token::LBracket,
                    _ => Token::LBrace,
                };
                // A stray closer is the parser's to report; pop only a match.
                if let Some(pos) = stack.iter().rposition(|&(o, _, _)| o == open) {
                    stack.truncate(pos);
                }
            }
            _ => {}
        }
        prev = t;
    }
    stack
}

/// True when an expression can end with this token (so a `{` after it opens a body, not a map).
fn ends_expression(t: Token) -> bool {
    matches!(
        t,
        Token::RParen | Token::RBracket | Token::RBrace | Token::Ident | Token::String | Token::Integer | Token::Float
            | Token::True | Token::False | Token::BoolType | Token::StrType | Token::IntType | Token::FloatType
            | Token::Variant | Token::Map | Token::Collect | Token::Else
    )
}

/// The head of a resource entry, before we know which kind of entry it is.
#[doc(hidden)]
pub enum EntryHead {
    /// `name =>`
    Field(Name),
    /// `Word =>` (an edge property or `Meta`)
    Cap(Name),
    /// `Word:name =>` (`Meta:param`)
    MetaParam(Name, Name),
}

/// The value side of a resource entry.
#[doc(hidden)]
pub struct EntryValue {
    pub cond: Option<Box<Expr>>,
    pub expr: Option<Box<Expr>>,
    pub edge: Option<EdgeHalf>,
}

/// State shared by the grammar's actions: the source, id counter and parse-time diagnostics.
#[doc(hidden)]
pub struct ParseCtx<'a> {
    src: &'a str,
    file: FileId,
    tokens: &'a [(Token, Span)],
    next_id: Cell<u32>,
    diagnostics: RefCell<Vec<Diagnostic>>,
    /// The nesting depth of each expression, by id (see [`MAX_NESTING`]).
    expr_depths: RefCell<Vec<u32>>,
    /// Blocks reduced so far and not yet inside a reduced block: (start, depth).
    blocks: RefCell<Vec<(u32, u32)>>,
    /// The same for types.
    types: RefCell<Vec<(u32, u32)>>,
    /// Whether the "nested too deeply" error was reported (once per file).
    too_deep: Cell<bool>,
}

/// How deep expressions, statement blocks and types may nest (each counted on its own).
/// Every later phase (scope, types, evaluation, formatting, even dropping the tree) walks the
/// tree recursively; the limit keeps that within a thread's stack (2 MiB for spawned threads,
/// debug builds included), where without it a long `1 + 1 + …` chain or thousands of nested
/// brackets would overflow it. Deeper parts become error nodes with one diagnostic per file.
pub const MAX_NESTING: u32 = 256;

/// The greatest `depth` of an expression's direct subexpressions (0 for a leaf).
fn deepest_child(kind: &ExprKind, depth: &impl Fn(&Expr) -> u32) -> u32 {
    let items = |d: &Delimited<Box<Expr>>| d.items.iter().map(|e| depth(e)).max().unwrap_or(0);
    match kind {
        ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) | ExprKind::Var(_) | ExprKind::Error => 0,
        ExprKind::List(args) | ExprKind::Call { args, .. } | ExprKind::CallVar { args, .. } => items(args),
        ExprKind::Map(entries) => entries.items.iter().map(|kv| depth(&kv.key).max(depth(&kv.value))).max().unwrap_or(0),
        ExprKind::Struct(fields) => fields.items.iter().map(|f| depth(&f.value)).max().unwrap_or(0),
        ExprKind::CallLambda { func, args } => depth(&func.body).max(items(args)),
        ExprKind::Lambda(func) => depth(&func.body),
        ExprKind::If { cond, then_value, else_value, .. } => depth(cond).max(depth(then_value)).max(depth(else_value)),
        ExprKind::Paren(x) | ExprKind::Not(x) | ExprKind::Field { base: x, .. } => depth(x),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Except { lhs, rhs } => depth(lhs).max(depth(rhs)),
        ExprKind::Index { base, index } => depth(base).max(depth(index)),
        ExprKind::FieldOr { base, default, .. } => depth(base).max(depth(default)),
    }
}

impl<'a> ParseCtx<'a> {
    fn error(&self, code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Phase::Parse, code, self.file, span, message)
    }

    fn text(&self, l: u32, r: u32) -> Option<&'a str> {
        self.src.get(l as usize..r as usize)
    }

    fn push(&self, d: Diagnostic) {
        self.diagnostics.borrow_mut().push(d);
    }

    pub(crate) fn expr(&self, kind: ExprKind, l: u32, r: u32) -> Box<Expr> {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let span = Span { start: l, end: r };
        let mut depths = self.expr_depths.borrow_mut();
        let depth = 1 + deepest_child(&kind, &|c: &Expr| depths.get(c.id.0 as usize).copied().unwrap_or(0));
        let (kind, depth) = if depth > MAX_NESTING {
            self.too_deep(span, "expression");
            (ExprKind::Error, 1)
        } else {
            (kind, depth)
        };
        if depths.len() <= id as usize {
            depths.resize(id as usize + 1, 0);
        }
        depths[id as usize] = depth;
        Box::new(Expr { id: ExprId(id), span, kind })
    }

    /// Reports the nesting limit (once per file).
    fn too_deep(&self, span: Span, what: &str) {
        if !self.too_deep.replace(true) {
            self.push(
                self.error(codes::PARSE_TOO_DEEP, span, format!("this {what} is nested too deeply (more than {MAX_NESTING} levels)"))
                    .with_help("split it up, for example into several variables"),
            );
        }
    }

    /// The depth of a block or type starting at `l`: nodes of that sort reduced before it at or
    /// after `l` are inside it (the parser reduces inner nodes first), one level down.
    fn nest(stack: &RefCell<Vec<(u32, u32)>>, l: u32) -> u32 {
        let mut stack = stack.borrow_mut();
        let mut inner = 0;
        while let Some(&(start, depth)) = stack.last()
            && start >= l
        {
            inner = inner.max(depth);
            stack.pop();
        }
        stack.push((l, inner + 1));
        inner + 1
    }

    pub(crate) fn block(&self, stmts: Vec<Stmt>, l: u32, r: u32) -> Block {
        let span = Span { start: l, end: r };
        if Self::nest(&self.blocks, l) > MAX_NESTING {
            self.too_deep(span, "block");
            self.blocks.borrow_mut().last_mut().expect("just pushed").1 = 1;
            return Block { stmts: vec![Stmt { kind: StmtKind::Error, span }], span };
        }
        Block { stmts, span }
    }

    pub(crate) fn nested_type(&self, t: Box<TypeExpr>) -> Box<TypeExpr> {
        if Self::nest(&self.types, t.span.start) > MAX_NESTING {
            self.too_deep(t.span, "type");
            self.types.borrow_mut().last_mut().expect("just pushed").1 = 1;
            return Box::new(TypeExpr { kind: TypeKind::Str, span: t.span });
        }
        t
    }

    pub(crate) fn name(&self, l: u32, r: u32) -> Name {
        Name { text: SmolStr::new(self.text(l, r).unwrap_or("")), span: Span { start: l, end: r } }
    }

    pub(crate) fn cap_name(&self, l: u32, r: u32) -> Name {
        Name { text: smol_str::StrExt::to_lowercase_smolstr(self.text(l, r).unwrap_or("")), span: Span { start: l, end: r } }
    }

    pub(crate) fn int(&self, l: u32, r: u32) -> Box<Expr> {
        let value = self.text(l, r).and_then(|s| s.parse().ok()).unwrap_or(0);
        self.expr(ExprKind::Int(value), l, r)
    }

    pub(crate) fn float(&self, l: u32, r: u32) -> Box<Expr> {
        let value = self.text(l, r).and_then(|s| s.parse().ok()).unwrap_or(0.0);
        self.expr(ExprKind::Float(value), l, r)
    }

    pub(crate) fn string(&self, l: u32, r: u32) -> Box<Expr> {
        let raw = self.text(l + 1, r.saturating_sub(1)).unwrap_or("").to_string();
        self.expr(ExprKind::Str(StrLit { raw, parts: None }), l, r)
    }

    pub(crate) fn binary(&self, op: BinOp, lhs: Box<Expr>, rhs: Box<Expr>, l: u32, r: u32) -> Box<Expr> {
        self.expr(ExprKind::Binary { op, lhs, rhs }, l, r)
    }

    /// `a <|> b`. Like mgmt, a `->field` at the right end of `a` takes `b` as its static default
    /// (`$x + $s->f <|> d` is `$x + ($s->f <|> d)`); otherwise it is a runtime fallback.
    pub(crate) fn except(&self, mut lhs: Box<Expr>, rhs: Box<Expr>, l: u32, r: u32) -> Box<Expr> {
        match attach_field_default(&mut lhs, rhs) {
            Ok(()) => lhs,
            Err(rhs) => self.expr(ExprKind::Except { lhs, rhs }, l, r),
        }
    }

    pub(crate) fn lambda(&self, params: Delimited<Param>, ret: Option<TypeExpr>, body: (Box<Expr>, bool), l: u32, r: u32) -> Lambda {
        Lambda { params, ret, body: body.0, body_multiline: body.1, span: Span { start: l, end: r } }
    }

    pub(crate) fn struct_type(&self, fields: Vec<(Name, TypeExpr)>, l: u32, r: u32) -> TypeExpr {
        for (i, (name, _)) in fields.iter().enumerate() {
            if let Some((first, _)) = fields[..i].iter().find(|(n, _)| n.text == name.text) {
                self.push(
                    self.error(codes::PARSE_BAD_TYPE, name.span, format!("duplicate field `{}` in struct type", name.text))
                        .with_label(self.file, first.span, "first declared here"),
                );
            }
        }
        TypeExpr { kind: TypeKind::Struct(fields), span: Span { start: l, end: r } }
    }

    pub(crate) fn func_type(&self, params: Vec<(Option<Name>, TypeExpr)>, ret: TypeExpr, l: u32, r: u32) -> TypeExpr {
        for (i, (name, _)) in params.iter().enumerate() {
            let Some(name) = name else { continue };
            if let Some(first) = params[..i].iter().filter_map(|(n, _)| n.as_ref()).find(|n| n.text == name.text) {
                self.push(
                    self.error(codes::PARSE_BAD_TYPE, name.span, format!("duplicate argument `${}` in function type", name.text))
                        .with_label(self.file, first.span, "first declared here"),
                );
            }
        }
        TypeExpr { kind: TypeKind::Func { params, ret: Box::new(ret) }, span: Span { start: l, end: r } }
    }

    #[allow(clippy::boxed_local)] // the grammar hands entry values over boxed, to keep its symbols small
    pub(crate) fn entry(&self, head: EntryHead, value: Box<EntryValue>, l: u32, r: u32) -> Box<ResEntry> {
        let span = Span { start: l, end: r };
        let EntryValue { cond, expr, edge } = *value;
        let kind = match (head, expr, edge) {
            (EntryHead::Field(name), Some(value), _) => EntryKind::Field { name, value },
            (EntryHead::Cap(property), _, Some(target)) => EntryKind::Edge { property, target },
            (EntryHead::Cap(word), Some(value), None) if word.text == "meta" => EntryKind::Meta { value },
            (EntryHead::Cap(word), Some(_), None) => {
                self.push(
                    self.error(codes::PARSE_BAD_ENTRY, word.span, format!("`{}` is not a resource field", self.src.get(word.span.range()).unwrap_or("")))
                        .with_help("resource fields are lower-case; an edge property (Before, Depend, Notify, Listen) takes a resource such as `File[\"/tmp/x\"]`; `Meta` takes the meta-parameter struct"),
                );
                EntryKind::Error
            }
            (EntryHead::MetaParam(word, name), Some(value), _) if word.text == "meta" => EntryKind::MetaParam { name, value },
            (EntryHead::MetaParam(word, _), _, _) => {
                self.push(
                    self.error(codes::PARSE_BAD_ENTRY, word.span, format!("unknown resource entry `{}:`", self.src.get(word.span.range()).unwrap_or("")))
                        .with_help("only `Meta:param => value` takes a colon"),
                );
                EntryKind::Error
            }
            _ => EntryKind::Error,
        };
        Box::new(ResEntry { cond, kind, span })
    }

    /// `else if …`: reported, and turned into `else { if … }`.
    pub(crate) fn else_if(&self, nested: StmtKind, l: u32, r: u32) -> Block {
        self.push(
            self.error(codes::PARSE_ELSE_IF, Span { start: l, end: l + 2 }, "mcl has no `else if`")
                .with_help("nest the condition instead: `} else { if … { … } }`"),
        );
        Block { stmts: vec![Stmt { kind: nested, span: Span { start: l, end: r } }], span: Span { start: l, end: r } }
    }

    pub(crate) fn stmt_error(&self, e: Recovery, l: u32, r: u32) -> Stmt {
        let span = recovery_span(&e, l, r);
        self.recovered(e);
        Stmt { kind: StmtKind::Error, span }
    }

    pub(crate) fn entry_error(&self, e: Recovery, l: u32, r: u32) -> ResEntry {
        let span = recovery_span(&e, l, r);
        self.recovered(e);
        ResEntry { cond: None, kind: EntryKind::Error, span }
    }

    /// Records a syntax error the parser recovered from.
    pub(crate) fn recovered(&self, e: Recovery) {
        if let Some(d) = self.syntax_error(e.error) {
            self.push(d);
        }
    }

    /// Turns one lalrpop error into a diagnostic, or `None` when the lexer already reported it.
    fn syntax_error(&self, error: ParseError<u32, Token, Never>) -> Option<Diagnostic> {
        match error {
            ParseError::InvalidToken { location } => {
                Some(self.error(codes::PARSE_UNEXPECTED, Span { start: location, end: location }, "invalid token"))
            }
            ParseError::UnrecognizedEof { location, expected } => Some(
                self.error(codes::PARSE_UNEXPECTED_EOF, Span { start: location, end: location }, format!("unexpected end of file; expected {}", describe_expected(&expected))),
            ),
            ParseError::UnrecognizedToken { token: (l, token, r), expected } => self.unexpected(token, Span { start: l, end: r }, &expected),
            ParseError::ExtraToken { token: (l, token, r) } => {
                Some(self.error(codes::PARSE_UNEXPECTED, Span { start: l, end: r }, format!("unexpected {}", self.token_text(token, Span { start: l, end: r }))))
            }
            ParseError::User { error } => match error {},
        }
    }

    fn token_text(&self, token: Token, span: Span) -> String {
        match token {
            Token::Newline if span.is_empty() => "end of file".to_string(),
            Token::Newline => "end of line".to_string(),
            Token::Integer | Token::Float | Token::Ident | Token::CapIdent => {
                format!("`{}`", self.src.get(span.range()).unwrap_or(""))
            }
            Token::String => "a string".to_string(),
            _ => token.describe().to_string(),
        }
    }

    fn previous_token(&self, span: Span) -> Option<Token> {
        let i = self.tokens.partition_point(|t| t.1.start < span.start);
        i.checked_sub(1).map(|i| self.tokens[i].0)
    }

    fn unexpected(&self, token: Token, span: Span, expected: &[String]) -> Option<Diagnostic> {
        if token == Token::Error {
            return None; // the lexer reported it
        }
        let expects = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
        let got = self.token_text(token, span);
        let prev = self.previous_token(span);
        let d = if prev == Some(Token::Dollar) && token.is_keyword() {
            self.error(codes::PARSE_KEYWORD_AS_NAME, span, format!("`{}` is a keyword and can't be a variable name", self.src.get(span.range()).unwrap_or("")))
                .with_help("choose another name; of the keywords only `map` and `collect` may be used as names")
        } else if token.is_keyword() && expects("IDENT") && !expects("$") && token != Token::Map && token != Token::Collect {
            self.error(codes::PARSE_KEYWORD_AS_NAME, span, format!("`{}` is a keyword and can't be used as a name here", self.src.get(span.range()).unwrap_or("")))
                .with_help("choose another name")
        } else if prev == Some(Token::Comma) && matches!(token, Token::RBracket | Token::RParen | Token::RBrace) && !expects("NL") {
            self.error(codes::PARSE_UNEXPECTED, span, format!("a single-line list has no `,` before {got}"))
                .with_help("remove the last `,`, or write the multi-line form: a newline after the opening bracket and every item on its own line, each followed by `,`")
        } else if token == Token::EqEq && expects("=") {
            self.error(codes::PARSE_EQUALS_IN_BIND, span, "`==` compares values; a bind uses a single `=`")
                .with_help("write `$name = value`")
        } else if expects(",") && matches!(token, Token::Newline | Token::RBrace | Token::RBracket | Token::RParen) && !expects("NL") {
            self.error(codes::PARSE_MISSING_COMMA, Span::point(span.start as usize), format!("expected a trailing `,` before {got}"))
                .with_help("every resource entry, and every item of a multi-line list, map, struct or argument list, ends with `,`")
        } else if expects("NL") && starts_statement(token) {
            self.error(codes::PARSE_MISSING_NEWLINE, span, format!("expected a newline before {got}"))
                .with_help("put each statement on its own line")
        } else if expects("NL") && token == Token::RBrace {
            self.error(codes::PARSE_MISSING_NEWLINE, span, "expected a newline before `}`")
                .with_help("a statement inside `{ … }` must end with a newline before the closing `}`")
        } else if token == Token::Newline && span.is_empty() {
            self.error(codes::PARSE_UNEXPECTED_EOF, span, format!("unexpected end of file; expected {}", describe_expected(expected)))
        } else {
            self.error(codes::PARSE_UNEXPECTED, span, format!("unexpected {got}; expected {}", describe_expected(expected)))
        };
        Some(d)
    }
}

fn recovery_span(e: &Recovery, l: u32, r: u32) -> Span {
    let start = match &e.error {
        ParseError::UnrecognizedToken { token: (s, _, _), .. } | ParseError::ExtraToken { token: (s, _, _) } => *s,
        ParseError::InvalidToken { location } | ParseError::UnrecognizedEof { location, .. } => *location,
        ParseError::User { error } => match *error {},
    };
    let end = e.dropped_tokens.last().map_or(r, |t| t.2.max(r));
    Span { start: start.min(l), end: end.max(start) }
}

/// Recursively replaces the rightmost `->field` of `e` (through binary operators, `not` and
/// `<|>`) with `->field <|> default`. Returns the default back when there is none.
fn attach_field_default(e: &mut Expr, default: Box<Expr>) -> Result<(), Box<Expr>> {
    let end = default.span.end;
    let result = match &mut e.kind {
        ExprKind::Field { .. } => {
            let ExprKind::Field { base, field } = std::mem::replace(&mut e.kind, ExprKind::Error) else {
                return Err(default);
            };
            e.kind = ExprKind::FieldOr { base, field, default };
            Ok(())
        }
        ExprKind::Binary { rhs, .. } | ExprKind::Except { rhs, .. } => attach_field_default(rhs, default),
        ExprKind::Not(inner) => attach_field_default(inner, default),
        _ => Err(default),
    };
    if result.is_ok() {
        e.span.end = end;
    }
    result
}

fn starts_statement(t: Token) -> bool {
    matches!(
        t,
        Token::Dollar | Token::Ident | Token::CapIdent | Token::If | Token::For | Token::Forkv | Token::Func | Token::Class
            | Token::Include | Token::Import | Token::Panic | Token::Collect
    )
}

/// Describes lalrpop's list of expected terminals in words, folding the many tokens that can
/// start an expression into "an expression".
fn describe_expected(expected: &[String]) -> String {
    let names: Vec<&str> = expected.iter().map(|e| e.trim_matches('"')).collect();
    let expr_starts = ["true", "false", "INTEGER", "FLOAT", "STRING", "[", "{", "struct", "$", "IDENT", "func", "if", "(", "not"];
    let mut out: Vec<String> = Vec::new();
    let has_expr = expr_starts.iter().filter(|t| names.contains(t)).count() >= 8;
    if has_expr {
        out.push("an expression".to_string());
    }
    for n in &names {
        if has_expr && (expr_starts.contains(n) || *n == "map" || *n == "collect") {
            continue;
        }
        let word = match *n {
            "NL" => "a newline".to_string(),
            "IDENT" => "a name".to_string(),
            "CAP" => "a capitalised name".to_string(),
            "INTEGER" => "an integer".to_string(),
            "FLOAT" => "a float".to_string(),
            "STRING" => "a string".to_string(),
            "ERROR" | "COMMENT" | "UNTERMINATED" => continue,
            other => format!("`{other}`"),
        };
        out.push(word);
    }
    match out.len() {
        0 => "something else".to_string(),
        1 => out.remove(0),
        n if n > 8 => format!("one of {}, …", out[..8].join(", ")),
        _ => {
            let last = out.pop().unwrap_or_default();
            format!("{} or {}", out.join(", "), last)
        }
    }
}

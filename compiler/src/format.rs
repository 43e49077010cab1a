//! The canonical formatter (`mgmt fmt`, §8 of the language reference).
//!
//! It prints the freshly parsed tree back out — parentheses, list shapes and string escapes as
//! written — with one TAB per nesting level, canonical spacing, trailing commas in multi-line
//! forms and every comment kept in order. Comments are not in the tree: they are taken from the
//! parser's side table with a cursor, and emitted either at the end of the line they trail
//! (` #text`) or on their own line before the next statement, entry or item (re-indented).
//!
//! Safety: [`format`] re-parses its own output and refuses to return it unless the tree and the
//! comment texts are unchanged and formatting the output again is a no-op.

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::ast::*;
use crate::syntax::dump;
use crate::syntax::lexer::Comment;
use crate::syntax::parser::{ParsedFile, parse};
use std::fmt;

/// Why a file could not be formatted. In both cases the caller must leave the file untouched.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The input does not parse; these are its syntax errors (the formatter never guesses).
    Syntax(Vec<Diagnostic>),
    /// The formatter's output would not be a faithful, stable rewrite of the input (a bug in the
    /// formatter): the message says what differed — syntax errors in the output, a changed tree,
    /// changed comments, or output that formats differently a second time.
    Unstable(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax(ds) => {
                write!(f, "the file has {} syntax error(s)", ds.len())?;
                if let Some(d) = ds.first() {
                    write!(f, "; first: {}", d.message)?;
                }
                Ok(())
            }
            FormatError::Unstable(msg) => write!(f, "the formatter is unstable on this input: {msg}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats one mcl source text canonically (§8).
///
/// Returns [`FormatError::Syntax`] with the error diagnostics when the text does not parse, and
/// [`FormatError::Unstable`] when the safety check fails: the output is re-parsed and must have
/// no syntax errors, the same tree (compared with [`dump::block`], so spans are ignored) and the
/// same sequence of comment texts, and formatting it again must give it back unchanged. Output
/// that would change the program is never returned. The result ends with a newline (unless the
/// program and its comments are empty, which gives the empty string).
pub fn format(text: &str) -> Result<String, FormatError> {
    let parsed = parse(text, FileId(0));
    let errors: Vec<Diagnostic> = parsed.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        return Err(FormatError::Syntax(errors));
    }
    let out = print(text, &parsed);

    let again = parse(&out, FileId(0));
    if let Some(d) = again.diagnostics.iter().find(|d| d.is_error()) {
        let line = line_of(&out, d.span.start as usize);
        return Err(FormatError::Unstable(format!("the output does not parse (line {line}: {})", d.message)));
    }
    let (before, after) = (dump::block(&parsed.prog), dump::block(&again.prog));
    if before != after {
        return Err(FormatError::Unstable(format!("the output parses to a different tree ({})", first_difference(&before, &after))));
    }
    let texts = |cs: &[Comment]| cs.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
    let (c1, c2) = (texts(&parsed.comments), texts(&again.comments));
    if c1 != c2 {
        let at = c1.iter().zip(&c2).position(|(a, b)| a != b).unwrap_or(c1.len().min(c2.len()));
        return Err(FormatError::Unstable(format!(
            "the comments changed ({} before, {} after; first difference at comment #{})",
            c1.len(),
            c2.len(),
            at + 1
        )));
    }
    let twice = print(&out, &again);
    if twice != out {
        return Err(FormatError::Unstable(format!("formatting the output again changes it ({})", first_difference(&out, &twice))));
    }
    Ok(out)
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|&&b| b == b'\n').count() + 1
}

/// Describes the first line at which two texts differ.
fn first_difference(a: &str, b: &str) -> String {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    for i in 0..la.len().max(lb.len()) {
        let (x, y) = (la.get(i).copied().unwrap_or("<end>"), lb.get(i).copied().unwrap_or("<end>"));
        if x != y {
            return format!("line {}: `{}` vs `{}`", i + 1, x.trim(), y.trim());
        }
    }
    "they differ only in line endings".to_string()
}

/// Prints a parsed file canonically, without any check.
fn print(src: &str, parsed: &ParsedFile) -> String {
    let mut p = Printer { src, comments: &parsed.comments, next: 0, out: String::with_capacity(src.len() + 64), indent: 0, last: 0 };
    for s in &parsed.prog.stmts {
        p.stmt_line(s);
    }
    p.own_comments(usize::MAX);
    if !p.out.is_empty() && !p.out.ends_with('\n') {
        p.out.push('\n');
    }
    p.out
}

/// Capitalises each colon-separated chunk: `dhcp:host` → `Dhcp:Host`.
fn capitalize(name: &str) -> String {
    name.split(':')
        .map(|chunk| {
            let mut cs = chunk.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// A float in shortest plain decimal, with `.0` for whole numbers (never an exponent).
fn float_text(f: f64) -> String {
    let mut s = format!("{f}");
    if f.is_finite() && !s.contains('.') {
        s.push_str(".0");
    }
    s
}

fn usz(x: u32) -> usize {
    x as usize
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [Comment],
    /// The next comment not yet printed.
    next: usize,
    out: String,
    indent: usize,
    /// Source offset of the end of the last thing printed (for blank-line and trailing checks).
    last: usize,
}

impl Printer<'_> {
    // ----- layout helpers -----

    /// Starts a new output line at the current indentation, with a blank line first if asked.
    fn line(&mut self, blank: bool) {
        if !self.out.is_empty() {
            self.out.push('\n');
            if blank {
                self.out.push('\n');
            }
        }
        for _ in 0..self.indent {
            self.out.push('\t');
        }
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn advance(&mut self, pos: usize) {
        self.last = self.last.max(pos);
    }

    /// True when the source between `a` and `b` holds an empty line.
    fn blank_between(&self, a: usize, b: usize) -> bool {
        if a >= b {
            return false;
        }
        let Some(text) = self.src.get(a..b) else { return false };
        let parts: Vec<&str> = text.split('\n').collect();
        parts.len() >= 3 && parts[1..parts.len() - 1].iter().any(|l| l.trim().is_empty())
    }

    /// Skips spaces, newlines and comments from `i`; returns the offset of the next token.
    fn skip_trivia(&self, mut i: usize) -> usize {
        let b = self.src.as_bytes();
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'#' => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        i
    }

    /// True when an unprinted comment starts in `a..b`.
    fn comments_in(&self, a: usize, b: usize) -> bool {
        self.comments[self.next..].iter().take_while(|c| usz(c.span.start) < b).any(|c| usz(c.span.start) >= a)
    }

    /// Prints every pending comment that starts before `before`, each on its own line at the
    /// current indentation, keeping (one) blank line where the source had some.
    fn own_comments(&mut self, before: usize) {
        while let Some(c) = self.comments.get(self.next) {
            if usz(c.span.start) >= before {
                break;
            }
            let blank = self.blank_between(self.last, usz(c.span.start));
            self.line(blank);
            self.out.push('#');
            self.out.push_str(&c.text);
            self.advance(usz(c.span.end));
            self.next += 1;
        }
    }

    /// Prints the comment that trails the source line at `p` (if any) as ` #text`.
    fn trailing(&mut self, p: usize) {
        self.advance(p);
        if let Some(c) = self.comments.get(self.next) {
            let start = usz(c.span.start);
            // Only spaces and a comma may stand between the code and its trailing comment.
            if start >= p && self.src.get(p..start).is_some_and(|t| t.chars().all(|c| matches!(c, ' ' | '\t' | ','))) {
                self.out.push_str(" #");
                self.out.push_str(&c.text);
                self.advance(usz(c.span.end));
                self.next += 1;
            }
        }
    }

    /// Starts the line of one element of a vertical sequence (comments before it included).
    fn element_line(&mut self, start: usize) {
        self.own_comments(start);
        let blank = self.blank_between(self.last, start);
        self.line(blank);
    }

    /// Finishes a vertical sequence: comments before the closer at `close`, then the closer's
    /// line at the outer indentation.
    fn close_sequence(&mut self, close: usize) {
        self.own_comments(close);
        let blank = self.blank_between(self.last, close);
        self.indent -= 1;
        self.line(blank);
    }

    // ----- statements -----

    fn stmt_line(&mut self, s: &Stmt) {
        self.element_line(usz(s.span.start));
        self.stmt(s);
        self.trailing(usz(s.span.end));
    }

    /// `{ … }` of a statement block: `{}` when empty and comment-free.
    fn block(&mut self, b: &Block) {
        let (open, close) = (usz(b.span.start), usz(b.span.end).saturating_sub(1));
        if b.stmts.is_empty() && !self.comments_in(open, close) {
            self.push("{}");
            self.advance(usz(b.span.end));
            return;
        }
        self.push("{");
        self.trailing(open + 1);
        self.indent += 1;
        for s in &b.stmts {
            self.stmt_line(s);
        }
        self.close_sequence(close);
        self.push("}");
        self.advance(usz(b.span.end));
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Bind { name, ty, value } => {
                self.push("$");
                self.push(&name.text);
                if let Some(t) = ty {
                    self.push(" ");
                    self.push(&crate::syntax::dump::ty_(t));
                }
                self.push(" = ");
                self.expr(value);
            }
            StmtKind::Resource(r) => self.resource(r),
            StmtKind::Edge(e) => {
                for (i, h) in e.halves.iter().enumerate() {
                    if i > 0 {
                        self.push(" -> ");
                    }
                    self.edge_half(h);
                }
            }
            StmtKind::If { cond, then_block, else_block } => {
                self.push("if ");
                self.expr(cond);
                self.push(" ");
                self.block(then_block);
                if let Some(b) = else_block {
                    self.push(" else ");
                    self.block(b);
                }
            }
            StmtKind::For { index, value, list, body } => {
                self.push(&format!("for ${}, ${} in ", index.text, value.text));
                self.expr(list);
                self.push(" ");
                self.block(body);
            }
            StmtKind::ForKv { key, value, map, body } => {
                self.push(&format!("forkv ${}, ${} in ", key.text, value.text));
                self.expr(map);
                self.push(" ");
                self.block(body);
            }
            StmtKind::Func { name, func } => {
                self.push("func ");
                self.push(&name.text);
                self.lambda(func);
            }
            StmtKind::Class { name, params, body } => {
                self.push("class ");
                self.push(&name.text);
                if let Some(ps) = params {
                    self.params(ps);
                }
                self.push(" ");
                self.block(body);
            }
            StmtKind::Include { name, args, alias } => {
                self.push("include ");
                self.push(&name.text);
                if let Some(a) = args {
                    self.args(a);
                }
                if let Some(a) = alias {
                    self.push(" as ");
                    self.push(&a.text);
                }
            }
            StmtKind::Import { path, alias } => {
                self.push("import \"");
                self.push(&path.text);
                self.push("\"");
                match alias {
                    None => {}
                    Some(ImportAlias::Name(n)) => {
                        self.push(" as ");
                        self.push(&n.text);
                    }
                    Some(ImportAlias::Star(_)) => self.push(" as *"),
                }
            }
            StmtKind::Panic { args } => {
                self.push("panic");
                self.args(args);
            }
            StmtKind::Error => {
                // Unreachable: files with syntax errors are refused. Keep the source text.
                let text = self.src.get(s.span.range()).unwrap_or("").to_string();
                self.push(&text);
            }
        }
    }

    fn resource(&mut self, r: &Resource) {
        if r.collect {
            self.push("collect ");
        }
        self.push(&r.kind.text);
        self.push(" ");
        self.expr(&r.name);
        self.push(" ");
        let (open, close) = (usz(r.body_span.start), usz(r.body_span.end).saturating_sub(1));
        if r.entries.is_empty() && !self.comments_in(open, close) {
            self.push("{}");
            self.advance(usz(r.body_span.end));
            return;
        }
        self.push("{");
        self.trailing(open + 1);
        self.indent += 1;
        for e in &r.entries {
            self.element_line(usz(e.span.start));
            self.entry(e);
            self.push(",");
            self.trailing(usz(e.span.end));
        }
        self.close_sequence(close);
        self.push("}");
        self.advance(usz(r.body_span.end));
    }

    fn entry(&mut self, e: &ResEntry) {
        let cond = |p: &mut Self| {
            if let Some(c) = &e.cond {
                p.expr(c);
                p.push(" ?: ");
            }
        };
        match &e.kind {
            EntryKind::Field { name, value } => {
                self.push(&name.text);
                self.push(" => ");
                cond(self);
                self.expr(value);
            }
            EntryKind::Edge { property, target } => {
                self.push(&capitalize(&property.text));
                self.push(" => ");
                cond(self);
                self.edge_half(target);
            }
            EntryKind::MetaParam { name, value } => {
                self.push("Meta:");
                self.push(&name.text);
                self.push(" => ");
                cond(self);
                self.expr(value);
            }
            EntryKind::Meta { value } => {
                self.push("Meta => ");
                cond(self);
                self.expr(value);
            }
            EntryKind::Error => {
                let text = self.src.get(e.span.range()).unwrap_or("").to_string();
                self.push(&text);
            }
        }
    }

    fn edge_half(&mut self, h: &EdgeHalf) {
        self.push(&capitalize(&h.kind.text));
        self.push("[");
        self.expr(&h.name);
        self.push("]");
        if let Some(p) = &h.port {
            self.push(".");
            self.push(&p.text);
        }
    }

    // ----- bracketed lists -----

    /// A bracketed list, single-line (`a, b`) or multi-line (one item per line, each with a
    /// trailing comma), as written.
    fn delimited<T>(&mut self, d: &Delimited<T>, open: &str, close: &str, span: impl Fn(&T) -> Span, item: impl Fn(&mut Self, &T)) {
        self.push(open);
        if !d.multiline {
            for (i, it) in d.items.iter().enumerate() {
                if i > 0 {
                    self.push(", ");
                }
                item(self, it);
            }
            self.push(close);
            self.advance(usz(d.span.end));
            return;
        }
        self.trailing(usz(d.span.start) + 1);
        self.indent += 1;
        for it in &d.items {
            let sp = span(it);
            self.element_line(usz(sp.start));
            item(self, it);
            self.push(",");
            self.trailing(usz(sp.end));
        }
        self.close_sequence(usz(d.span.end).saturating_sub(1));
        self.push(close);
        self.advance(usz(d.span.end));
    }

    fn args(&mut self, a: &Delimited<Box<Expr>>) {
        self.delimited(a, "(", ")", |e| e.span, |p, e| p.expr(e));
    }

    fn params(&mut self, ps: &Delimited<Param>) {
        self.delimited(ps, "(", ")", |p| p.span, |p, param| {
            p.push("$");
            p.push(&param.name.text);
            if let Some(t) = &param.ty {
                p.push(" ");
                p.push(&crate::syntax::dump::ty_(t));
            }
        });
    }

    // ----- expressions -----

    /// `(params) [R] { body }` of a lambda or func statement (after `func` / `func name`).
    fn lambda(&mut self, f: &Lambda) {
        self.params(&f.params);
        if let Some(t) = &f.ret {
            self.push(" ");
            self.push(&crate::syntax::dump::ty_(t));
        }
        let after_head = f.ret.as_ref().map_or(f.params.span.end, |t| t.span.end);
        let open = self.skip_trivia(usz(after_head));
        let close = usz(f.span.end).saturating_sub(1);
        if !f.body_multiline && !self.comments_in(open, close) {
            self.push(" { ");
            self.expr(&f.body);
            self.push(" }");
            self.advance(usz(f.span.end));
            return;
        }
        self.push(" {");
        self.trailing(open + 1);
        self.indent += 1;
        self.element_line(usz(f.body.span.start));
        self.expr(&f.body);
        self.trailing(usz(f.body.span.end));
        self.close_sequence(close);
        self.push("}");
        self.advance(usz(f.span.end));
    }

    /// One branch value of a multi-line if-expression, between its braces.
    fn branch(&mut self, open: usize, value: &Expr, close: usize) {
        self.push("{");
        self.trailing(open + 1);
        self.indent += 1;
        self.element_line(usz(value.span.start));
        self.expr(value);
        self.trailing(usz(value.span.end));
        self.close_sequence(close);
        self.push("}");
        self.advance(close + 1);
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Bool(b) => self.push(if *b { "true" } else { "false" }),
            ExprKind::Int(i) => {
                // The value, in decimal; the source text if the literal did not decode.
                let text = self.src.get(e.span.range()).unwrap_or("");
                let s = if text.parse::<i64>().ok() == Some(*i) { i.to_string() } else { text.to_string() };
                self.push(&s);
            }
            ExprKind::Float(f) => self.push(&float_text(*f)),
            ExprKind::Str(s) => {
                self.push("\"");
                self.push(&s.raw);
                self.push("\"");
            }
            ExprKind::List(d) => self.delimited(d, "[", "]", |e| e.span, |p, e| p.expr(e)),
            ExprKind::Map(d) => self.delimited(
                d,
                "{",
                "}",
                |kv| kv.key.span.to(kv.value.span),
                |p, kv| {
                    p.expr(&kv.key);
                    p.push(" => ");
                    p.expr(&kv.value);
                },
            ),
            ExprKind::Struct(d) => self.delimited(
                d,
                "struct{",
                "}",
                |f| f.name.span.to(f.value.span),
                |p, f| {
                    p.push(&f.name.text);
                    p.push(" => ");
                    p.expr(&f.value);
                },
            ),
            ExprKind::Var(n) => {
                self.push("$");
                self.push(&n.text);
            }
            ExprKind::Call { name, args } => {
                self.push(&name.text);
                self.args(args);
            }
            ExprKind::CallVar { name, args } => {
                self.push("$");
                self.push(&name.text);
                self.args(args);
            }
            ExprKind::CallLambda { func, args } => {
                self.push("func");
                self.lambda(func);
                self.args(args);
            }
            ExprKind::Lambda(f) => {
                self.push("func");
                self.lambda(f);
            }
            ExprKind::If { cond, then_value, else_value, multiline } => {
                self.push("if ");
                self.expr(cond);
                let open_then = self.skip_trivia(usz(cond.span.end));
                let close_then = self.skip_trivia(usz(then_value.span.end));
                let else_kw = self.skip_trivia(close_then + 1);
                let open_else = self.skip_trivia(else_kw + 4);
                let close_else = usz(e.span.end).saturating_sub(1);
                if !*multiline && !self.comments_in(open_then, close_else) {
                    self.push(" { ");
                    self.expr(then_value);
                    self.push(" } else { ");
                    self.expr(else_value);
                    self.push(" }");
                    self.advance(usz(e.span.end));
                    return;
                }
                self.push(" ");
                self.branch(open_then, then_value, close_then);
                self.push(" else ");
                self.branch(open_else, else_value, close_else);
            }
            ExprKind::Paren(x) => {
                self.push("(");
                self.expr(x);
                self.push(")");
            }
            ExprKind::Not(x) => {
                self.push("not ");
                self.expr(x);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.expr(lhs);
                self.push(" ");
                self.push(op.as_str());
                self.push(" ");
                self.expr(rhs);
            }
            ExprKind::Index { base, index } => {
                self.expr(base);
                self.push("[");
                self.expr(index);
                self.push("]");
            }
            ExprKind::Field { base, field } => {
                self.expr(base);
                self.push("->");
                self.push(&field.text);
            }
            ExprKind::FieldOr { base, field, default } => {
                self.expr(base);
                self.push("->");
                self.push(&field.text);
                self.push(" <|> ");
                self.expr(default);
            }
            ExprKind::Except { lhs, rhs } => {
                self.expr(lhs);
                self.push(" <|> ");
                self.expr(rhs);
            }
            ExprKind::Error => {
                let text = self.src.get(e.span.range()).unwrap_or("").to_string();
                self.push(&text);
            }
        }
    }
}

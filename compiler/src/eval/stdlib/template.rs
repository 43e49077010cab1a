//! `golang.template`: a small Go `text/template` engine (lexer → parser → executor).
//!
//! It follows what mgmt does with Go's engine: the vars argument is converted to Go values first
//! (a struct becomes a `map[string]interface{}` with Title-cased keys, a struct used as a map key a
//! real Go struct), the template runs with `missingkey=error`, and every monomorphic simple builtin
//! is a template function under its safe name (`golang/strings.join` → `golang_strings_join`,
//! `len` → `_len`). Errors use Go's texts, wrapped as mgmt wraps them
//! (`template: execution error: template: template:1:3: executing "template" at <.X>: …`).
//!
//! Go ≥ 1.23 forms are accepted: `break`/`continue`, `range` over an int, `{{else with}}`.
//! Not supported: `define`/`template`/`block` (a parse error), `call`, complex numbers, and
//! method calls (mgmt values have no methods). Integer literals are int64 (Go calls them `int`,
//! which shows only in `%T` and some error texts).

use super::{BuiltinFn, CallCtx};
use crate::eval::value::{go_float_g, go_quote, EvalError, Value};
use crate::registry::functions;
use crate::types::Type;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[("golang", "template", template)];

/// The template's name, as mgmt names it (it shows in every error).
const NAME: &str = "template";

fn template(ctx: &mut dyn CallCtx, args: &[Value]) -> Result<Value, EvalError> {
    let text = super::str_arg(args, 0)?;
    let tree = parse(text).map_err(|e| EvalError::fatal(format!("template: parse error: template: {NAME}:{}: {}", e.line, e.msg)))?;
    let dot = match args.get(1) {
        Some(v) => convert(v).map_err(EvalError::fatal)?,
        None => G::Nil,
    };
    let mut ex = Exec { ctx, text, vars: vec![("$".into(), dot.clone())], out: String::new(), depth: 0, at: (0, String::new()) };
    match ex.walk(&dot, &tree) {
        Ok(_) => Ok(Value::str(ex.out)),
        Err(Stop::Err(e)) => Err(EvalError::fatal(format!("template: execution error: {e}"))),
        Err(_) => Ok(Value::str(ex.out)),
    }
}

// ---------------------------------------------------------------------------------------------
// Go-side values
// ---------------------------------------------------------------------------------------------

/// A value as the Go template engine sees it after mgmt's conversion.
#[derive(Clone, Debug)]
enum G {
    /// An untyped nil (no data, a missing `index` entry): prints `<no value>`.
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    List(Rc<Vec<G>>),
    /// A map, sorted by key (a converted struct is a map with Title-cased string keys).
    Map(Rc<Vec<(G, G)>>),
    /// A real Go struct (only struct map keys become these): Title-cased field names.
    Struct(Rc<Vec<(String, G)>>),
}

/// `strings.Title` of an mcl field name.
fn title(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// mgmt's `convert`: an mcl value as template data.
fn convert(v: &Value) -> Result<G, String> {
    Ok(match v {
        Value::Bool(b) => G::Bool(*b),
        Value::Int(i) => G::Int(*i),
        Value::Float(f) => G::Float(*f),
        Value::Str(s) => G::Str(Rc::from(&**s)),
        Value::List(l) => G::List(Rc::new(l.iter().map(convert).collect::<Result<_, _>>()?)),
        Value::Map(m) => {
            let str_keys = m.keys().all(|k| matches!(k, Value::Str(_)));
            let mut out = Vec::with_capacity(m.len());
            for (k, v) in m.iter() {
                out.push((if str_keys { convert(k)? } else { convert_key(k)? }, convert(v)?));
            }
            G::Map(Rc::new(out))
        }
        Value::Struct(fields) => {
            let mut out = fields.iter().map(|(n, v)| Ok((G::Str(Rc::from(title(n))), convert(v)?))).collect::<Result<Vec<_>, String>>()?;
            out.sort_by(|a, b| cmp_key(&a.0, &b.0));
            G::Map(Rc::new(out))
        }
        Value::Func(_) => return Err("can't use `func` as vars input".into()),
    })
}

/// mgmt's `convertKey`: structs become real Go structs so that they can be map keys.
fn convert_key(v: &Value) -> Result<G, String> {
    match v {
        Value::Struct(fields) => Ok(G::Struct(Rc::new(fields.iter().map(|(n, v)| Ok((title(n), convert_key(v)?))).collect::<Result<_, String>>()?))),
        Value::List(_) | Value::Map(_) | Value::Func(_) => Err(format!("can't use `{}` as a template map key", kind_name(v))),
        v => convert(v),
    }
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "list",
        Value::Map(_) => "map",
        Value::Func(_) => "func",
        _ => "struct",
    }
}

/// The order Go's `fmtsort` gives map keys.
fn cmp_key(a: &G, b: &G) -> std::cmp::Ordering {
    match (a, b) {
        (G::Str(a), G::Str(b)) => a.cmp(b),
        (G::Int(a), G::Int(b)) => a.cmp(b),
        (G::Float(a), G::Float(b)) => a.total_cmp(b),
        (G::Bool(a), G::Bool(b)) => a.cmp(b),
        (G::Struct(a), G::Struct(b)) => a.iter().zip(b.iter()).map(|(x, y)| cmp_key(&x.1, &y.1)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal),
        _ => std::cmp::Ordering::Equal,
    }
}

/// Back to an mcl value of type `ty` (a template function's parameter); `None` if it does not fit.
fn to_value(g: &G, ty: &Type) -> Option<Value> {
    Some(match (g, ty) {
        (G::Bool(b), Type::Bool) => Value::Bool(*b),
        (G::Int(i), Type::Int) => Value::Int(*i),
        (G::Float(f), Type::Float) => Value::Float(*f),
        (G::Str(s), Type::Str) => Value::str(&**s),
        (G::List(l), Type::List(t)) => Value::list(l.iter().map(|x| to_value(x, t)).collect::<Option<_>>()?),
        (G::Map(m), Type::Map(k, v)) => Value::Map(Arc::new(m.iter().map(|(a, b)| Some((to_value(a, k)?, to_value(b, v)?))).collect::<Option<BTreeMap<_, _>>>()?)),
        (G::Map(m), Type::Struct(fields)) => Value::structure(
            fields
                .iter()
                .map(|(n, t)| {
                    let key = title(n);
                    let v = m.iter().find(|(k, _)| matches!(k, G::Str(s) if **s == *key))?;
                    Some((n.clone(), to_value(&v.1, t)?))
                })
                .collect::<Option<_>>()?,
        ),
        (G::Struct(f), Type::Struct(fields)) if f.len() == fields.len() => {
            Value::structure(f.iter().zip(fields).map(|((_, g), (n, t))| Some((n.clone(), to_value(g, t)?))).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}

/// Go's name for the value's type, for error messages.
fn type_name(g: &G) -> String {
    match g {
        G::Nil => "<nil>".into(),
        G::Bool(_) => "bool".into(),
        G::Int(_) => "int64".into(),
        G::Float(_) => "float64".into(),
        G::Str(_) => "string".into(),
        G::List(_) => "[]interface {}".into(),
        G::Map(m) => match m.first() {
            Some((k, _)) if !matches!(k, G::Str(_)) => format!("map[{}]interface {{}}", type_name(k)),
            _ => "map[string]interface {}".into(),
        },
        G::Struct(f) => format!("struct {{ {} }}", f.iter().map(|(n, v)| format!("{n} {}", type_name(v))).collect::<Vec<_>>().join("; ")),
    }
}

/// A mcl type's Go name, for error messages.
fn go_type(t: &Type) -> String {
    match t {
        Type::Bool => "bool".into(),
        Type::Int => "int64".into(),
        Type::Float => "float64".into(),
        Type::Str => "string".into(),
        Type::List(t) => format!("[]{}", go_type(t)),
        Type::Map(k, v) => format!("map[{}]{}", go_type(k), go_type(v)),
        _ => "interface {}".into(),
    }
}

/// Go's `%v` (and `fmt.Print`) of a value (a nil inside a container prints `<nil>`).
fn print_v(g: &G, out: &mut String) {
    match g {
        G::Nil => out.push_str("<nil>"),
        G::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        G::Int(i) => {
            let _ = write!(out, "{i}");
        }
        G::Float(f) => out.push_str(&go_g(*f, None, false)),
        G::Str(s) => out.push_str(s),
        G::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print_v(x, out);
            }
            out.push(']');
        }
        G::Map(m) => {
            out.push_str("map[");
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print_v(k, out);
                out.push(':');
                print_v(v, out);
            }
            out.push(']');
        }
        G::Struct(f) => {
            out.push('{');
            for (i, (_, v)) in f.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print_v(v, out);
            }
            out.push('}');
        }
    }
}

fn sprint_v(g: &G) -> String {
    let mut s = String::new();
    print_v(g, &mut s);
    s
}

/// Go's template truth: false, 0, nil and empty strings/lists/maps are false.
fn truth(g: &G) -> bool {
    match g {
        G::Nil => false,
        G::Bool(b) => *b,
        G::Int(i) => *i != 0,
        G::Float(f) => *f != 0.0,
        G::Str(s) => !s.is_empty(),
        G::List(l) => !l.is_empty(),
        G::Map(m) => !m.is_empty(),
        G::Struct(_) => true,
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Text(String),
    Left,
    Right,
    Space,
    Field(String),
    Dot,
    Var(String),
    Ident(String),
    Keyword(&'static str),
    Bool(bool),
    Number(String),
    Str(String),
    CharLit(String),
    LParen,
    RParen,
    Pipe,
    Declare,
    Assign,
    Char(char),
    /// A lexing error (Go's lexer emits it and stops; the parser reports it when it gets there).
    Error(String),
    Eof,
}

impl Tok {
    /// How Go's `item.String()` shows a token in "unexpected …" messages.
    fn show(&self) -> String {
        let q = |s: &str| if s.chars().count() > 10 { format!("{}...", go_quote(&s.chars().take(10).collect::<String>())) } else { go_quote(s) };
        match self {
            Tok::Eof => "EOF".into(),
            Tok::Error(e) => e.clone(),
            Tok::Keyword(k) => format!("<{k}>"),
            Tok::Text(s) | Tok::Field(s) | Tok::Var(s) | Tok::Ident(s) | Tok::Number(s) | Tok::Str(s) | Tok::CharLit(s) => q(s),
            Tok::Left => q("{{"),
            Tok::Right => q("}}"),
            Tok::Space => q(" "),
            Tok::Dot => "<.>".into(),
            Tok::Bool(b) => q(if *b { "true" } else { "false" }),
            Tok::LParen => q("("),
            Tok::RParen => q(")"),
            Tok::Pipe => q("|"),
            Tok::Declare => q(":="),
            Tok::Assign => q("="),
            Tok::Char(c) => q(&c.to_string()),
        }
    }
}

/// A token and its byte offset and line.
#[derive(Clone, Debug)]
struct Item {
    tok: Tok,
    pos: usize,
    line: usize,
}

/// A parse (or lex) error: the line and Go's message.
#[derive(Debug)]
struct ParseError {
    line: usize,
    msg: String,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

const KEYWORDS: &[&str] = &["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil"];

fn lex(src: &str) -> Vec<Item> {
    let mut items = Vec::new();
    match lex_into(src, &mut items) {
        Ok(()) => items.push(Item { tok: Tok::Eof, pos: src.len(), line: 1 + src.matches('\n').count() }),
        Err(e) => items.push(Item { tok: Tok::Error(e.msg), pos: src.len(), line: e.line }),
    }
    items
}

/// Lexes into `items`, stopping at the first error.
fn lex_into(src: &str, items: &mut Vec<Item>) -> Result<(), ParseError> {
    let line_at = |pos: usize| 1 + src[..pos].matches('\n').count();
    let err = |pos: usize, msg: String| ParseError { line: line_at(pos), msg };
    let mut pos = 0;
    let mut trim_next = false;
    while pos <= src.len() {
        // Text up to the next action.
        let start = pos;
        let next = src[pos..].find("{{").map(|i| pos + i);
        let end = next.unwrap_or(src.len());
        let mut text = &src[start..end];
        if trim_next {
            text = text.trim_start_matches(is_space);
            trim_next = false;
        }
        let Some(left) = next else {
            if !text.is_empty() {
                items.push(Item { tok: Tok::Text(text.into()), pos: start, line: line_at(start) });
            }
            break;
        };
        let rest = &src[left + 2..];
        let trim_left = rest.starts_with('-') && rest[1..].starts_with(is_space);
        if trim_left {
            text = text.trim_end_matches(is_space);
        }
        if !text.is_empty() {
            items.push(Item { tok: Tok::Text(text.into()), pos: start, line: line_at(start) });
        }
        pos = left + 2 + if trim_left { 2 } else { 0 };
        // A comment: `{{/* … */}}`, with optional trim markers.
        if src[pos..].starts_with("/*") {
            let Some(close) = src[pos + 2..].find("*/") else { return Err(err(left, "unclosed comment".into())) };
            pos = pos + 2 + close + 2;
            let after = &src[pos..];
            if after.starts_with(is_space) && after[1..].starts_with("-}}") {
                pos += 4;
                trim_next = true;
            } else if after.starts_with("}}") {
                pos += 2;
            } else {
                return Err(err(left, "comment ends before closing delimiter".into()));
            }
            continue;
        }
        items.push(Item { tok: Tok::Left, pos: left, line: line_at(left) });
        // Inside the action.
        let mut depth = 0i32;
        loop {
            let rest = &src[pos..];
            let trim_right = rest.starts_with(is_space) && rest[1..].starts_with("-}}");
            if trim_right || rest.starts_with("}}") {
                if depth > 0 {
                    return Err(err(pos, "unclosed left paren".into()));
                }
                items.push(Item { tok: Tok::Right, pos, line: line_at(pos) });
                pos += if trim_right { 4 } else { 2 };
                trim_next = trim_right;
                break;
            }
            let Some(c) = rest.chars().next() else { return Err(err(pos, "unclosed action".into())) };
            let at = pos;
            let mut push = |tok: Tok, to: usize| {
                items.push(Item { tok, pos: at, line: line_at(at) });
                to
            };
            let word_end = |from: usize| from + src[from..].find(|c: char| !is_alnum(c)).unwrap_or(src.len() - from);
            let at_terminator = |p: usize| {
                let r = &src[p..];
                r.is_empty() || r.starts_with(|c: char| is_space(c) || ".,|:()".contains(c)) || r.starts_with("}}")
            };
            pos = match c {
                c if is_space(c) => {
                    let mut end = pos + rest.find(|c: char| !is_space(c)).unwrap_or(rest.len());
                    // A space right before `-}}` belongs to the delimiter.
                    if src[end - 1..].starts_with(is_space) && src[end..].starts_with("-}}") {
                        end -= 1;
                    }
                    if end == pos {
                        continue;
                    }
                    push(Tok::Space, end)
                }
                '=' => push(Tok::Assign, pos + 1),
                ':' if rest.starts_with(":=") => push(Tok::Declare, pos + 2),
                ':' => return Err(err(pos, "expected :=".into())),
                '|' => push(Tok::Pipe, pos + 1),
                '(' => {
                    depth += 1;
                    push(Tok::LParen, pos + 1)
                }
                ')' => {
                    depth -= 1;
                    let next = push(Tok::RParen, pos + 1);
                    if depth < 0 {
                        return Err(err(pos, "unexpected right paren U+0029 ')'".into()));
                    }
                    next
                }
                '"' | '\'' => {
                    let mut end = pos + 1;
                    let mut chars = src[end..].chars();
                    loop {
                        match chars.next() {
                            Some('\\') => match chars.next() {
                                Some('\n') | None => return Err(err(pos, format!("unterminated {}", if c == '"' { "quoted string" } else { "character constant" }))),
                                Some(x) => end += 1 + x.len_utf8(),
                            },
                            Some(x) if x == c => break,
                            Some('\n') | None => return Err(err(pos, format!("unterminated {}", if c == '"' { "quoted string" } else { "character constant" }))),
                            Some(x) => end += x.len_utf8(),
                        }
                    }
                    let lit = src[pos..end + 1].to_string();
                    push(if c == '"' { Tok::Str(lit) } else { Tok::CharLit(lit) }, end + 1)
                }
                '`' => {
                    let Some(close) = src[pos + 1..].find('`') else { return Err(err(pos, "unterminated raw quoted string".into())) };
                    push(Tok::Str(src[pos..pos + close + 2].to_string()), pos + close + 2)
                }
                '$' | '.' if c == '$' || (rest.len() > 1 && !rest[1..].starts_with(|c: char| c.is_ascii_digit())) => {
                    let end = word_end(pos + 1);
                    if !at_terminator(end) {
                        let bad = src[end..].chars().next().unwrap_or(' ');
                        return Err(err(pos, format!("bad character {}", go_u(bad))));
                    }
                    let tok = match (c, end == pos + 1) {
                        ('.', true) => Tok::Dot,
                        ('.', false) => Tok::Field(src[pos..end].into()),
                        _ => Tok::Var(src[pos..end].into()),
                    };
                    push(tok, end)
                }
                '+' | '-' | '.' | '0'..='9' => {
                    let (ok, end) = scan_number(src, pos);
                    if !ok {
                        return Err(err(pos, format!("bad number syntax: {}", go_quote(&src[pos..end]))));
                    }
                    // A sign right after a number would make it complex (`1+2i`), which is not supported.
                    if src[end..].starts_with(['+', '-']) {
                        let (_, e2) = scan_number(src, end);
                        return Err(err(pos, format!("bad number syntax: {}", go_quote(&src[pos..e2]))));
                    }
                    push(Tok::Number(src[pos..end].into()), end)
                }
                c if is_alnum(c) => {
                    let end = word_end(pos);
                    if !at_terminator(end) {
                        let bad = src[end..].chars().next().unwrap_or(' ');
                        return Err(err(pos, format!("bad character {}", go_u(bad))));
                    }
                    let word = &src[pos..end];
                    let tok = match word {
                        "true" => Tok::Bool(true),
                        "false" => Tok::Bool(false),
                        w => KEYWORDS.iter().find(|k| **k == w).map_or_else(|| Tok::Ident(w.into()), |k| Tok::Keyword(k)),
                    };
                    push(tok, end)
                }
                c if c.is_ascii() && !c.is_ascii_control() => push(Tok::Char(c), pos + 1),
                c => return Err(err(pos, format!("unrecognized character in action: {}", go_u(c)))),
            };
        }
    }
    Ok(())
}

/// Go's `lexer.scanNumber` from `start`: whether the text is a number, and where it ends (after
/// the offending character when it is not).
fn scan_number(src: &str, start: usize) -> (bool, usize) {
    let b = src.as_bytes();
    let mut p = start;
    let accept = |p: &mut usize, set: &str| {
        if *p < b.len() && set.as_bytes().contains(&b[*p]) {
            *p += 1;
            true
        } else {
            false
        }
    };
    let run = |p: &mut usize, set: &str| while *p < b.len() && set.as_bytes().contains(&b[*p]) {
        *p += 1;
    };
    accept(&mut p, "+-");
    let mut digits = "0123456789_";
    if accept(&mut p, "0") {
        if accept(&mut p, "xX") {
            digits = "0123456789abcdefABCDEF_";
        } else if accept(&mut p, "oO") {
            digits = "01234567_";
        } else if accept(&mut p, "bB") {
            digits = "01_";
        }
    }
    run(&mut p, digits);
    if accept(&mut p, ".") {
        run(&mut p, digits);
    }
    if digits.len() == 11 && accept(&mut p, "eE") {
        accept(&mut p, "+-");
        run(&mut p, "0123456789_");
    }
    if digits.len() == 23 && accept(&mut p, "pP") {
        accept(&mut p, "+-");
        run(&mut p, "0123456789_");
    }
    accept(&mut p, "i");
    match src[p..].chars().next() {
        Some(c) if is_alnum(c) => (false, p + c.len_utf8()),
        _ => (true, p),
    }
}

/// Go's `%#U` of a character: `U+0021 '!'`.
fn go_u(c: char) -> String {
    format!("U+{:04X} '{c}'", c as u32)
}

/// Go's `strconv.Unquote` for "…", '…' and `…` literals.
fn unquote(lit: &str) -> Option<String> {
    if let Some(raw) = lit.strip_prefix('`') {
        return Some(raw.strip_suffix('`')?.replace('\r', ""));
    }
    let inner = &lit[1..lit.len().checked_sub(1).filter(|&n| n >= 1)?];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars, n: usize| -> Option<u32> {
            let s: String = chars.take(n).collect();
            if s.len() != n {
                return None;
            }
            u32::from_str_radix(&s, 16).ok()
        };
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' => out.push(char::from_u32(hex(&mut chars, 2)?)?),
            'u' => out.push(char::from_u32(hex(&mut chars, 4)?)?),
            'U' => out.push(char::from_u32(hex(&mut chars, 8)?)?),
            d @ '0'..='7' => {
                let s: String = std::iter::once(d).chain(chars.by_ref().take(2)).collect();
                out.push(char::from_u32(u32::from_str_radix(&s, 8).ok().filter(|&n| n < 256 && s.len() == 3)?)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/// A node of the template's body.
#[derive(Debug)]
enum Node {
    Text(String),
    Action(Pipe),
    /// `if`, `range` or `with`: pipeline, body, else body, the node's position and its text.
    If(Box<Branch>),
    Range(Box<Branch>),
    With(Box<Branch>),
    Break,
    Continue,
}

#[derive(Debug)]
struct Branch {
    pipe: Pipe,
    list: Vec<Node>,
    else_list: Vec<Node>,
}

/// A pipeline: optional variable declarations and commands joined by `|`.
#[derive(Debug)]
struct Pipe {
    pos: usize,
    decl: Vec<String>,
    assign: bool,
    cmds: Vec<Cmd>,
}

#[derive(Debug)]
struct Cmd {
    args: Vec<Arg>,
}

/// An operand, with its position.
#[derive(Debug)]
struct Arg {
    pos: usize,
    kind: ArgKind,
}

#[derive(Debug)]
enum ArgKind {
    Dot,
    Nil,
    Bool(bool),
    /// A number literal: its text and value.
    Number(String, Num),
    /// A string literal: as written, and its value.
    Str(String, String),
    /// `.A.B`
    Field(Vec<String>),
    /// `$x.A.B`: the name and the fields.
    Var(String, Vec<String>),
    /// A function name.
    Ident(String),
    /// `(pipeline)`
    Pipe(Pipe),
    /// `(pipeline).A.B` and the like.
    Chain(Box<Arg>, Vec<String>),
}

#[derive(Clone, Copy, Debug)]
enum Num {
    Int(i64),
    Float(f64),
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            ArgKind::Dot => f.write_str("."),
            ArgKind::Nil => f.write_str("nil"),
            ArgKind::Bool(b) => write!(f, "{b}"),
            ArgKind::Number(t, _) => f.write_str(t),
            ArgKind::Str(lit, _) => f.write_str(lit),
            ArgKind::Field(fs) => fs.iter().try_for_each(|x| write!(f, ".{x}")),
            ArgKind::Var(v, fs) => {
                f.write_str(v)?;
                fs.iter().try_for_each(|x| write!(f, ".{x}"))
            }
            ArgKind::Ident(i) => f.write_str(i),
            ArgKind::Pipe(p) => write!(f, "({p})"),
            ArgKind::Chain(a, fs) => {
                write!(f, "{a}")?;
                fs.iter().try_for_each(|x| write!(f, ".{x}"))
            }
        }
    }
}

impl std::fmt::Display for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.args.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
    }
}

impl std::fmt::Display for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.decl.is_empty() {
            write!(f, "{} {} ", self.decl.join(", "), if self.assign { "=" } else { ":=" })?;
        }
        let cmds: Vec<String> = self.cmds.iter().map(ToString::to_string).collect();
        f.write_str(&cmds.join(" | "))
    }
}

struct Parser<'a> {
    items: Vec<Item>,
    at: usize,
    /// Declared variables, innermost last.
    vars: Vec<String>,
    funcs: &'a HashMap<String, Func>,
    range_depth: usize,
    /// The line of the action being parsed.
    action_line: usize,
}

/// How a list ended.
enum ListEnd {
    End,
    /// `{{else}}`, or `{{else if`/`{{else with` when true.
    Else(bool),
    Eof,
}

fn parse(src: &str) -> Result<Vec<Node>, ParseError> {
    let mut p = Parser { items: lex(src), at: 0, vars: vec!["$".into()], funcs: funcs(), range_depth: 0, action_line: 0 };
    match p.list()? {
        (list, ListEnd::Eof) => Ok(list),
        (_, ListEnd::End) => Err(p.error("unexpected {{end}}")),
        (_, ListEnd::Else(_)) => Err(p.error("unexpected {{else}}")),
    }
}

impl Parser<'_> {
    fn next(&mut self) -> Item {
        let item = self.items[self.at.min(self.items.len() - 1)].clone();
        self.at = (self.at + 1).min(self.items.len());
        item
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let item = self.next();
            if item.tok != Tok::Space {
                return item;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let save = self.at;
        let item = self.next_non_space();
        self.at = save;
        item
    }

    fn line(&self) -> usize {
        self.items[self.at.saturating_sub(1).min(self.items.len() - 1)].line
    }

    fn error(&self, msg: impl Into<String>) -> ParseError {
        ParseError { line: self.line(), msg: msg.into() }
    }

    fn unexpected(&self, item: &Item, context: &str) -> ParseError {
        if let Tok::Error(e) = &item.tok {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != item.line {
                extra = format!(" in action started at {NAME}:{}", self.action_line);
                if e.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.error(format!("{e}{extra}"));
        }
        self.error(format!("unexpected {} in {context}", item.tok.show()))
    }

    fn expect_right(&mut self, context: &str) -> Result<(), ParseError> {
        let item = self.next_non_space();
        if item.tok == Tok::Right { Ok(()) } else { Err(self.unexpected(&item, context)) }
    }

    /// Nodes up to `{{end}}`, `{{else}}` or the end of the input.
    fn list(&mut self) -> Result<(Vec<Node>, ListEnd), ParseError> {
        let mut out = Vec::new();
        loop {
            let item = self.next();
            match item.tok {
                Tok::Eof => return Ok((out, ListEnd::Eof)),
                Tok::Text(s) => out.push(Node::Text(s)),
                Tok::Left => {
                    self.action_line = item.line;
                    let kw = self.next_non_space();
                    match kw.tok {
                        Tok::Keyword("end") => {
                            self.expect_right("end")?;
                            return Ok((out, ListEnd::End));
                        }
                        Tok::Keyword("else") => {
                            // `{{else if …}}`/`{{else with …}}` leave the keyword for the caller.
                            if !matches!(self.peek_non_space().tok, Tok::Keyword("if" | "with")) {
                                self.expect_right("else")?;
                                return Ok((out, ListEnd::Else(false)));
                            }
                            return Ok((out, ListEnd::Else(true)));
                        }
                        Tok::Keyword(k @ ("if" | "range" | "with")) => out.push(self.branch(k)?),
                        Tok::Keyword(k @ ("break" | "continue")) => {
                            if self.range_depth == 0 {
                                return Err(self.error(format!("{{{{{k}}}}} outside {{{{range}}}}")));
                            }
                            self.expect_right(k)?;
                            out.push(if k == "break" { Node::Break } else { Node::Continue });
                        }
                        Tok::Keyword(k @ ("define" | "template" | "block")) => return Err(self.error(format!("{{{{{k}}}}} is not supported"))),
                        _ => {
                            self.at -= 1;
                            out.push(Node::Action(self.pipeline("command", true)?));
                        }
                    }
                }
                _ => return Err(self.unexpected(&item, "input")),
            }
        }
    }

    /// `if`/`range`/`with` after the keyword, through its `{{end}}`.
    fn branch(&mut self, kind: &'static str) -> Result<Node, ParseError> {
        let mark = self.vars.len();
        let pipe = self.pipeline(kind, kind == "range")?;
        if kind == "range" {
            self.range_depth += 1;
        }
        let (list, end) = self.list()?;
        if kind == "range" {
            self.range_depth -= 1;
        }
        let else_list = match end {
            ListEnd::End => Vec::new(),
            ListEnd::Eof => return Err(self.error("unexpected EOF")),
            ListEnd::Else(chained) => {
                // `{{else if …}}` / `{{else with …}}` nest a branch that shares our `{{end}}`.
                let next = self.peek_non_space();
                match next.tok {
                    Tok::Keyword(k @ ("if" | "with")) if chained && k == kind => {
                        self.next_non_space();
                        vec![self.branch(k)?]
                    }
                    _ => {
                        match self.list()? {
                            (l, ListEnd::End) => l,
                            (_, ListEnd::Eof) => return Err(self.error("unexpected EOF")),
                            (_, ListEnd::Else(_)) => return Err(self.error("expected end; found {{else}}")),
                        }
                    }
                }
            }
        };
        self.vars.truncate(mark);
        let b = Box::new(Branch { pipe, list, else_list });
        Ok(match kind {
            "if" => Node::If(b),
            "range" => Node::Range(b),
            _ => Node::With(b),
        })
    }

    /// A pipeline up to `}}` (`top`) or `)`.
    fn pipeline(&mut self, context: &str, allow_decl: bool) -> Result<Pipe, ParseError> {
        let start = self.peek_non_space().pos;
        let mut pipe = Pipe { pos: start, decl: Vec::new(), assign: false, cmds: Vec::new() };
        // Declarations: `$x :=`, `$x =`, and in range `$i, $v :=`.
        loop {
            let save = self.at;
            let v = self.next_non_space();
            let Tok::Var(name) = v.tok else {
                self.at = save;
                break;
            };
            let sep = self.next_non_space();
            match sep.tok {
                Tok::Declare | Tok::Assign => {
                    pipe.assign = sep.tok == Tok::Assign;
                    pipe.decl.push(name.clone());
                    self.vars.push(name);
                }
                Tok::Char(',') => {
                    pipe.decl.push(name.clone());
                    self.vars.push(name);
                    if allow_decl && context == "range" && pipe.decl.len() < 2 {
                        if matches!(self.peek_non_space().tok, Tok::Var(_) | Tok::Right | Tok::RParen) {
                            continue;
                        }
                        return Err(self.error("range can only initialize variables"));
                    }
                    return Err(self.error(format!("too many declarations in {context}")));
                }
                _ => self.at = save,
            }
            break;
        }
        let end = if context == "parenthesized pipeline" { Tok::RParen } else { Tok::Right };
        loop {
            let item = self.next_non_space();
            if item.tok == end {
                if pipe.cmds.is_empty() {
                    return Err(self.error(format!("missing value for {context}")));
                }
                for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
                    if matches!(c.args[0].kind, ArgKind::Bool(_) | ArgKind::Dot | ArgKind::Nil | ArgKind::Number(..) | ArgKind::Str(..)) {
                        return Err(self.error(format!("non executable command in pipeline stage {}", i + 1)));
                    }
                }
                return Ok(pipe);
            }
            match item.tok {
                Tok::Bool(_) | Tok::CharLit(_) | Tok::Dot | Tok::Field(_) | Tok::Ident(_) | Tok::Number(_) | Tok::Keyword("nil") | Tok::Str(_) | Tok::Var(_) | Tok::LParen => {
                    self.at -= 1;
                    pipe.cmds.push(self.command()?);
                }
                _ => return Err(self.unexpected(&item, context)),
            }
        }
    }

    fn command(&mut self) -> Result<Cmd, ParseError> {
        let mut args = Vec::new();
        loop {
            self.peek_non_space();
            if let Some(a) = self.operand()? {
                args.push(a);
            }
            let item = self.next();
            match item.tok {
                Tok::Space => continue,
                Tok::Right | Tok::RParen => self.at -= 1,
                Tok::Pipe => {}
                _ => return Err(self.unexpected(&item, "operand")),
            }
            break;
        }
        if args.is_empty() {
            return Err(self.error("empty command"));
        }
        Ok(Cmd { args })
    }

    fn operand(&mut self) -> Result<Option<Arg>, ParseError> {
        let Some(term) = self.term()? else { return Ok(None) };
        let mut fields = Vec::new();
        let pos = self.items[self.at.min(self.items.len() - 1)].pos;
        while let Tok::Field(f) = &self.items[self.at.min(self.items.len() - 1)].tok {
            fields.push(f[1..].to_string());
            self.at += 1;
        }
        if fields.is_empty() {
            return Ok(Some(term));
        }
        Ok(Some(match term.kind {
            ArgKind::Field(mut fs) => Arg { pos, kind: ArgKind::Field({
                fs.extend(fields);
                fs
            }) },
            ArgKind::Var(v, mut fs) => Arg { pos, kind: ArgKind::Var(v, {
                fs.extend(fields);
                fs
            }) },
            ArgKind::Bool(_) | ArgKind::Str(..) | ArgKind::Number(..) | ArgKind::Nil | ArgKind::Dot => {
                return Err(self.error(format!("unexpected . after term {}", go_quote(&term.to_string()))));
            }
            _ => Arg { pos, kind: ArgKind::Chain(Box::new(term), fields) },
        }))
    }

    fn term(&mut self) -> Result<Option<Arg>, ParseError> {
        let item = self.next_non_space();
        let pos = item.pos;
        let kind = match item.tok {
            Tok::Ident(name) => {
                if !self.funcs.contains_key(&name) {
                    return Err(self.error(format!("function {} not defined", go_quote(&name))));
                }
                ArgKind::Ident(name)
            }
            Tok::Dot => ArgKind::Dot,
            Tok::Keyword("nil") => ArgKind::Nil,
            Tok::Var(name) => {
                if !self.vars.contains(&name) {
                    return Err(self.error(format!("undefined variable {}", go_quote(&name))));
                }
                ArgKind::Var(name, Vec::new())
            }
            Tok::Field(f) => ArgKind::Field(vec![f[1..].to_string()]),
            Tok::Bool(b) => ArgKind::Bool(b),
            Tok::Number(text) => ArgKind::Number(text.clone(), parse_number(&text).ok_or_else(|| self.error(format!("illegal number syntax: {}", go_quote(&text))))?),
            Tok::CharLit(text) => {
                let c = unquote(&text).filter(|s| s.chars().count() == 1).ok_or_else(|| self.error(format!("malformed character constant: {text}")))?;
                ArgKind::Number(text, Num::Int(i64::from(c.chars().next().map_or(0, |c| c as u32))))
            }
            Tok::LParen => ArgKind::Pipe(self.pipeline("parenthesized pipeline", false)?),
            Tok::Str(text) => ArgKind::Str(text.clone(), unquote(&text).ok_or_else(|| self.error("invalid syntax"))?),
            _ => {
                self.at -= 1;
                return Ok(None);
            }
        };
        Ok(Some(Arg { pos, kind }))
    }
}

/// A number literal's value: an int if it is one, else a float.
fn parse_number(text: &str) -> Option<Num> {
    let clean = text.replace('_', "");
    let (neg, body) = match clean.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let lower = body.to_ascii_lowercase();
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)].into_iter().find(|(p, _)| lower.starts_with(p));
    let int = match radix {
        Some((p, r)) => i64::from_str_radix(&lower[p.len()..], r).ok(),
        None if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit()) => i64::from_str_radix(&lower[1..], 8).ok(),
        None => lower.parse::<i64>().ok(),
    };
    if let Some(i) = int {
        return Some(Num::Int(if neg { i.checked_neg()? } else { i }));
    }
    if radix.is_some() || !lower.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let f: f64 = lower.parse().ok()?;
    Some(Num::Float(if neg { -f } else { f }))
}

// ---------------------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------------------

/// A template function: a Go builtin or an mcl builtin (with its parameter and result types).
#[derive(Clone)]
enum Func {
    Builtin(&'static str),
    Mcl(BuiltinFn, Vec<Type>),
}

const GO_BUILTINS: &[&str] = &["and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery"];

/// Every template function by name, built once.
fn funcs() -> &'static HashMap<String, Func> {
    static FUNCS: OnceLock<HashMap<String, Func>> = OnceLock::new();
    FUNCS.get_or_init(|| {
        let mut map: HashMap<String, Func> = GO_BUILTINS.iter().map(|n| (n.to_string(), Func::Builtin(n))).collect();
        for f in functions::all() {
            if f.polymorphic || f.variadic || f.internal || f.operator || f.streams {
                continue;
            }
            let Some(imp) = super::implementation(f.module, f.name) else { continue };
            let Type::Func(sig) = functions::signature(f).into_owned() else { continue };
            let qualified = f.qualified_name();
            let mut name = qualified.replace(['.', '/'], "_");
            if name == qualified {
                name = format!("_{name}");
            }
            if !name.chars().all(is_alnum) || map.contains_key(&name) {
                continue;
            }
            map.insert(name, Func::Mcl(imp, sig.params.iter().map(|(_, t)| t.clone()).collect()));
        }
        map
    })
}

// ---------------------------------------------------------------------------------------------
// Executor
// ---------------------------------------------------------------------------------------------

/// Why a walk stopped early.
enum Stop {
    Err(String),
    Break,
    Continue,
}

type R<T> = Result<T, Stop>;

struct Exec<'a> {
    ctx: &'a mut dyn CallCtx,
    text: &'a str,
    vars: Vec<(String, G)>,
    out: String,
    depth: usize,
    /// The node being evaluated, for error messages (Go's `state.at`): its position and text.
    at: (usize, String),
}

/// A command's piped-in value: absent for the first command.
type Final = Option<G>;

impl Exec<'_> {
    /// Notes the node being evaluated.
    fn at(&mut self, pos: usize, node: &dyn std::fmt::Display) {
        self.at = (pos, node.to_string());
    }

    /// An execution error at the current node (Go's `state.errorf`).
    fn fail<T>(&self, msg: impl Into<String>) -> R<T> {
        let (pos, at) = &self.at;
        let before = &self.text[..(*pos).min(self.text.len())];
        let line = 1 + before.matches('\n').count();
        let col = before.rfind('\n').map_or(before.len(), |nl| before.len() - nl - 1);
        Err(Stop::Err(format!("template: {NAME}:{line}:{col}: executing \"{NAME}\" at <{at}>: {}", msg.into())))
    }

    fn walk(&mut self, dot: &G, list: &[Node]) -> R<()> {
        for node in list {
            match node {
                Node::Text(s) => self.out.push_str(s),
                Node::Action(pipe) => {
                    let v = self.pipeline(dot, pipe)?;
                    if pipe.decl.is_empty() {
                        match v {
                            G::Nil => self.out.push_str("<no value>"),
                            v => print_v(&v, &mut self.out),
                        }
                    }
                }
                Node::If(b) | Node::With(b) => {
                    let mark = self.vars.len();
                    let v = self.pipeline(dot, &b.pipe)?;
                    let r = if truth(&v) {
                        let with = matches!(node, Node::With(_));
                        self.walk(if with { &v } else { dot }, &b.list)
                    } else {
                        self.walk(dot, &b.else_list)
                    };
                    self.vars.truncate(mark);
                    r?;
                }
                Node::Range(b) => {
                    let mark = self.vars.len();
                    let r = self.range(dot, b);
                    self.vars.truncate(mark);
                    r?;
                }
                Node::Break => return Err(Stop::Break),
                Node::Continue => return Err(Stop::Continue),
            }
        }
        Ok(())
    }

    fn range(&mut self, dot: &G, b: &Branch) -> R<()> {
        let v = self.pipeline(dot, &b.pipe)?;
        let entries: Vec<(G, G)> = match &v {
            G::List(l) => l.iter().enumerate().map(|(i, x)| (G::Int(i as i64), x.clone())).collect(),
            G::Map(m) => m.to_vec(),
            G::Int(n) => {
                if b.pipe.decl.len() > 1 {
                    return self.fail(format!("can't use {n} to iterate over more than one variable"));
                }
                (0..*n).map(|i| (G::Int(i), G::Int(i))).collect()
            }
            G::Nil => Vec::new(),
            other => return self.fail(format!("range can't iterate over {}", sprint_v(other))),
        };
        if entries.is_empty() {
            return self.walk(dot, &b.else_list);
        }
        let mark = self.vars.len();
        for (k, v) in entries {
            match b.pipe.decl.as_slice() {
                [] => {}
                [x] => self.set_var(x, v.clone())?,
                [k_name, v_name, ..] => {
                    self.set_var(k_name, k)?;
                    self.set_var(v_name, v.clone())?;
                }
            }
            let r = self.walk(&v, &b.list);
            self.vars.truncate(mark);
            match r {
                Err(Stop::Break) => break,
                Err(Stop::Continue) | Ok(()) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn set_var(&mut self, name: &str, value: G) -> R<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => self.fail(format!("undefined variable: {name}")),
        }
    }

    fn pipeline(&mut self, dot: &G, pipe: &Pipe) -> R<G> {
        self.at(pipe.pos, pipe);
        self.depth += 1;
        if self.depth > 200 {
            self.depth -= 1;
            return self.fail("exceeded maximum template depth (200)");
        }
        let mut value = None;
        for cmd in &pipe.cmds {
            value = Some(self.command(dot, cmd, value)?);
        }
        self.depth -= 1;
        let value = value.unwrap_or(G::Nil);
        for name in &pipe.decl {
            if pipe.assign {
                self.set_var(name, value.clone())?;
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn command(&mut self, dot: &G, cmd: &Cmd, fin: Final) -> R<G> {
        let first = &cmd.args[0];
        let rest = &cmd.args[1..];
        if !matches!(first.kind, ArgKind::Pipe(_)) {
            self.at(first.pos, first);
        }
        match &first.kind {
            ArgKind::Field(fs) => self.field_chain(dot.clone(), fs, rest, fin),
            ArgKind::Chain(base, fs) => {
                if matches!(base.kind, ArgKind::Nil) {
                    return self.fail(format!("indirection through explicit nil in {first}"));
                }
                let recv = self.arg(dot, base)?;
                self.field_chain(recv, fs, rest, fin)
            }
            ArgKind::Ident(name) => self.call(dot, Some(cmd), name, rest, fin),
            ArgKind::Var(name, fs) => {
                let v = self.var(name)?;
                if fs.is_empty() {
                    self.not_a_function(cmd, &fin)?;
                    return Ok(v);
                }
                self.field_chain(v, fs, rest, fin)
            }
            ArgKind::Pipe(p) => {
                self.not_a_function(cmd, &fin)?;
                self.pipeline(dot, p)
            }
            _ => {
                self.not_a_function(cmd, &fin)?;
                match &first.kind {
                    ArgKind::Nil => self.fail("nil is not a command"),
                    _ => self.arg(dot, first),
                }
            }
        }
    }

    fn not_a_function(&self, cmd: &Cmd, fin: &Final) -> R<()> {
        if cmd.args.len() > 1 || fin.is_some() {
            let first = &cmd.args[0];
            return self.fail(format!("can't give argument to non-function {first}"));
        }
        Ok(())
    }

    fn var(&self, name: &str) -> R<G> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => self.fail(format!("undefined variable: {name}")),
        }
    }

    /// An argument's value (Go's `evalArg` for an `interface{}` parameter).
    fn arg(&mut self, dot: &G, a: &Arg) -> R<G> {
        self.at(a.pos, a);
        match &a.kind {
            ArgKind::Dot => Ok(dot.clone()),
            ArgKind::Nil => Ok(G::Nil),
            ArgKind::Bool(b) => Ok(G::Bool(*b)),
            ArgKind::Number(_, Num::Int(i)) => Ok(G::Int(*i)),
            ArgKind::Number(_, Num::Float(f)) => Ok(G::Float(*f)),
            ArgKind::Str(_, s) => Ok(G::Str(Rc::from(s.as_str()))),
            ArgKind::Field(fs) => self.field_chain(dot.clone(), fs, &[], None),
            ArgKind::Var(name, fs) => {
                let v = self.var(name)?;
                if fs.is_empty() { Ok(v) } else { self.field_chain(v, fs, &[], None) }
            }
            ArgKind::Pipe(p) => self.pipeline(dot, p),
            ArgKind::Ident(name) => self.call(dot, None, name, &[], None),
            ArgKind::Chain(base, fs) => {
                if matches!(base.kind, ArgKind::Nil) {
                    return self.fail(format!("indirection through explicit nil in {a}"));
                }
                let recv = self.arg(dot, base)?;
                self.field_chain(recv, fs, &[], None)
            }
        }
    }

    /// `.A.B` on `recv`; the last field gets the command's arguments (an error for data fields).
    fn field_chain(&mut self, mut recv: G, fields: &[String], args: &[Arg], fin: Final) -> R<G> {
        for (i, name) in fields.iter().enumerate() {
            let has_args = i + 1 == fields.len() && (!args.is_empty() || fin.is_some());
            recv = self.field(recv, name, i > 0, has_args)?;
        }
        Ok(recv)
    }

    /// Field `name` of `recv`; `boxed` when `recv` came out of a map (Go sees an `interface {}`).
    fn field(&self, recv: G, name: &str, boxed: bool, has_args: bool) -> R<G> {
        let ty = if boxed { "interface {}".into() } else { type_name(&recv) };
        match &recv {
            G::Nil => self.fail(format!("nil data; no entry for key {}", go_quote(name))),
            G::Map(m) if m.is_empty() || matches!(m[0].0, G::Str(_)) => {
                if has_args {
                    return self.fail(format!("{name} is not a method but has arguments"));
                }
                match m.iter().find(|(k, _)| matches!(k, G::Str(s) if **s == *name)) {
                    Some((_, v)) => Ok(v.clone()),
                    None => self.fail(format!("map has no entry for key {}", go_quote(name))),
                }
            }
            G::Struct(fs) => match fs.iter().find(|(n, _)| n == name) {
                Some(_) if has_args => self.fail(format!("{name} has arguments but cannot be invoked as function")),
                Some((_, v)) => Ok(v.clone()),
                None => self.fail(format!("can't evaluate field {name} in type {ty}")),
            },
            _ => self.fail(format!("can't evaluate field {name} in type {ty}")),
        }
    }

    /// Calls the function `name` with the command's `args` (and the piped value last); a failed
    /// call is reported at the command `cmd`.
    fn call(&mut self, dot: &G, cmd: Option<&Cmd>, name: &str, args: &[Arg], fin: Final) -> R<G> {
        let failed = |this: &mut Self, msg: String| {
            if let Some(c) = cmd {
                this.at(c.args[0].pos, c);
            }
            this.fail(msg)
        };
        let Some(func) = funcs().get(name).cloned() else { return self.fail(format!("{} is not a defined function", go_quote(name))) };
        let argc = args.len() + usize::from(fin.is_some());
        // The argument count is checked before any argument is evaluated.
        let (min, max) = match &func {
            Func::Mcl(_, params) => (params.len(), Some(params.len())),
            Func::Builtin("not" | "len") => (1, Some(1)),
            Func::Builtin("lt" | "le" | "gt" | "ge" | "ne") => (2, Some(2)),
            Func::Builtin("and" | "or" | "index" | "slice" | "printf" | "eq") => (1, None),
            Func::Builtin(_) => (0, None),
        };
        if argc < min || max.is_some_and(|m| argc > m) {
            let want = if max.is_some() { min.to_string() } else { format!("at least {min}") };
            return self.fail(format!("wrong number of args for {name}: want {want} got {argc}"));
        }
        // `and`/`or` evaluate lazily.
        if let Func::Builtin(b @ ("and" | "or")) = func {
            let mut v = G::Nil;
            for a in args {
                v = self.arg(dot, a)?;
                if truth(&v) == (b == "or") {
                    return Ok(v);
                }
            }
            return Ok(fin.unwrap_or(v));
        }
        match func {
            Func::Builtin(b) => {
                let mut vals = Vec::with_capacity(argc);
                for a in args {
                    vals.push(self.arg(dot, a)?);
                }
                vals.extend(fin);
                builtin(b, &vals).or_else(|CallErr(m)| failed(self, format!("error calling {b}: {m}")))
            }
            Func::Mcl(imp, params) => {
                // Each argument is checked against its parameter type as it is evaluated.
                let mut values = Vec::with_capacity(argc);
                let evaluated = args.iter().map(Some).chain(std::iter::once(None).filter(|_| fin.is_some()));
                for (a, t) in evaluated.zip(&params) {
                    let g = match a {
                        Some(a) => self.typed_arg(dot, a, t)?,
                        None => fin.clone().unwrap_or(G::Nil),
                    };
                    match to_value(&g, t) {
                        Some(x) => values.push(x),
                        None => return self.fail(format!("wrong type for value; expected {}; got {}", go_type(t), type_name(&g))),
                    }
                }
                match imp(&mut *self.ctx, &values) {
                    Ok(v) => convert(&v).or_else(|e| failed(self, format!("error calling {name}: function `{name}` errored: {e}"))),
                    Err(e) => failed(self, format!("error calling {name}: function `{name}` errored: {}", e.message)),
                }
            }
        }
    }

    /// An argument for a parameter of mcl type `t`: literals must fit the type (Go's `evalArg`).
    fn typed_arg(&mut self, dot: &G, a: &Arg, t: &Type) -> R<G> {
        self.at(a.pos, a);
        let mismatch = |what: &str| format!("expected {what}; found {a}");
        match (&a.kind, t) {
            (ArgKind::Number(_, Num::Int(i)), Type::Float) => Ok(G::Float(*i as f64)),
            (ArgKind::Number(_, Num::Float(f)), Type::Int) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(G::Int(*f as i64)),
            (ArgKind::Number(_, Num::Int(_)), Type::Int) | (ArgKind::Number(_, Num::Float(_)), Type::Float) | (ArgKind::Bool(_), Type::Bool) | (ArgKind::Str(..), Type::Str) => self.arg(dot, a),
            (ArgKind::Number(..) | ArgKind::Bool(_) | ArgKind::Str(..), _) => {
                let what = match t {
                    Type::Int => "integer",
                    Type::Float => "float",
                    Type::Bool => "bool",
                    Type::Str => "string",
                    _ => return self.fail(format!("can't handle {a} for arg of type {}", go_type(t))),
                };
                self.fail(mismatch(what))
            }
            (ArgKind::Nil, _) => self.fail(format!("cannot assign nil to {}", go_type(t))),
            _ => self.arg(dot, a),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Go's builtin template functions
// ---------------------------------------------------------------------------------------------

/// A builtin's failure (reported as `error calling NAME: …`).
struct CallErr(String);

fn builtin(name: &str, a: &[G]) -> Result<G, CallErr> {
    // (The caller checked the argument counts; these guards only keep indexing safe.)
    let want = |n: usize, _: &str| if a.len() == n { Ok(()) } else { Err(CallErr(format!("want {n} arguments"))) };
    let msg = CallErr;
    Ok(match name {
        "not" => {
            want(1, "1")?;
            G::Bool(!truth(&a[0]))
        }
        "len" => {
            want(1, "1")?;
            G::Int(match &a[0] {
                G::Str(s) => s.len(),
                G::List(l) => l.len(),
                G::Map(m) => m.len(),
                G::Nil => return Err(msg("len of nil pointer".into())),
                g => return Err(msg(format!("len of type {}", type_name(g)))),
            } as i64)
        }
        "index" => {
            let Some((item, idx)) = a.split_first() else { return Err(msg("want at least 1 argument".into())) };
            let mut item = item.clone();
            for i in idx {
                item = match (&item, i) {
                    (G::Nil, _) => return Err(msg("index of untyped nil".into())),
                    (G::List(l), G::Int(n)) => l.get(usize::try_from(*n).map_err(|_| msg(format!("index out of range: {n}")))?).cloned().ok_or_else(|| msg(format!("index out of range: {n}")))?,
                    (G::Str(s), G::Int(n)) => G::Int(i64::from(*s.as_bytes().get(usize::try_from(*n).unwrap_or(usize::MAX)).ok_or_else(|| msg(format!("index out of range: {n}")))?)),
                    (G::List(_) | G::Str(_), G::Nil) => return Err(msg("cannot index slice/array with nil".into())),
                    (G::List(_) | G::Str(_), k) => return Err(msg(format!("cannot index slice/array with type {}", type_name(k)))),
                    (G::Map(m), k) => {
                        let key_ty = m.first().map_or_else(|| "string".into(), |(k, _)| type_name(k));
                        if !m.is_empty() && std::mem::discriminant(k) != std::mem::discriminant(&m[0].0) {
                            return Err(msg(format!("value has type {}; should be {key_ty}", type_name(k))));
                        }
                        m.iter().find(|(mk, _)| cmp_key(mk, k).is_eq() && std::mem::discriminant(mk) == std::mem::discriminant(k)).map_or(G::Nil, |(_, v)| v.clone())
                    }
                    (g, _) => return Err(msg(format!("can't index item of type {}", type_name(g)))),
                };
            }
            item
        }
        "slice" => {
            let Some((item, idx)) = a.split_first() else { return Err(msg("want at least 1 argument".into())) };
            let len = match item {
                G::Str(s) => s.len(),
                G::List(l) => l.len(),
                G::Nil => return Err(msg("slice of untyped nil".into())),
                g => return Err(msg(format!("can't slice item of type {}", type_name(g)))),
            };
            if idx.len() > 3 || (idx.len() == 3 && matches!(item, G::Str(_))) {
                return Err(msg(format!("too many slice indexes: {}", idx.len())));
            }
            let mut n = Vec::new();
            for i in idx {
                match i {
                    G::Int(x) if *x >= 0 && (*x as usize) <= len => n.push(*x as usize),
                    G::Int(x) => return Err(msg(format!("index out of range: {x}"))),
                    g => return Err(msg(format!("cannot index slice/array with type {}", type_name(g)))),
                }
            }
            let (lo, hi) = (n.first().copied().unwrap_or(0), n.get(1).copied().unwrap_or(len));
            if lo > hi {
                return Err(msg(format!("invalid slice index: {lo} > {hi}")));
            }
            match item {
                G::Str(s) => G::Str(Rc::from(s.get(lo..hi).ok_or_else(|| msg("invalid slice index".into()))?)),
                G::List(l) => G::List(Rc::new(l[lo..hi].to_vec())),
                _ => G::Nil,
            }
        }
        "print" => G::Str(Rc::from(sprint(a))),
        "println" => G::Str(Rc::from(a.iter().map(sprint_v).collect::<Vec<_>>().join(" ") + "\n")),
        "printf" => {
            let Some(G::Str(f)) = a.first() else {
                return Err(match a.first() {
                    None => msg("want at least 1 argument".into()),
                    Some(g) => msg(format!("wrong type for value; expected string; got {}", type_name(g))),
                });
            };
            G::Str(Rc::from(go_sprintf(f, &a[1..])))
        }
        "html" => G::Str(Rc::from(sprint(a).replace('&', "&amp;").replace('\'', "&#39;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;").replace('\0', "\u{FFFD}"))),
        "urlquery" => {
            let s = sprint(a);
            let mut out = String::new();
            for b in s.bytes() {
                match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
                    b' ' => out.push('+'),
                    b => {
                        let _ = write!(out, "%{b:02X}");
                    }
                }
            }
            G::Str(Rc::from(out))
        }
        "js" => {
            let mut out = String::new();
            for c in sprint(a).chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\'' => out.push_str("\\'"),
                    '"' => out.push_str("\\\""),
                    '<' => out.push_str("\\u003C"),
                    '>' => out.push_str("\\u003E"),
                    '&' => out.push_str("\\u0026"),
                    '=' => out.push_str("\\u003D"),
                    c if (c as u32) < 0x20 => {
                        let _ = write!(out, "\\u{:04X}", c as u32);
                    }
                    c => out.push(c),
                }
            }
            G::Str(Rc::from(out))
        }
        "eq" | "ne" => {
            if a.len() < 2 {
                return Err(msg("missing argument for comparison".into()));
            }
            if name == "ne" && a.len() != 2 {
                return Err(msg("want 2 arguments".into()));
            }
            let mut found = false;
            for b in &a[1..] {
                if compare(&a[0], b)?.is_eq() {
                    found = true;
                    break;
                }
            }
            G::Bool(found == (name == "eq"))
        }
        "lt" | "le" | "gt" | "ge" => {
            want(2, "2")?;
            for x in a {
                if !matches!(x, G::Int(_) | G::Float(_) | G::Str(_)) {
                    return Err(msg("invalid type for comparison".into()));
                }
            }
            let o = compare(&a[0], &a[1])?;
            G::Bool(match name {
                "lt" => o.is_lt(),
                "le" => o.is_le(),
                "gt" => o.is_gt(),
                _ => o.is_ge(),
            })
        }
        _ => return Err(msg(format!("{name} is not supported"))),
    })
}

/// Go's comparison for `eq`/`lt`/… (basic kinds of the same kind only).
fn compare(a: &G, b: &G) -> Result<std::cmp::Ordering, CallErr> {
    use std::cmp::Ordering::*;
    let neq = |x: bool| if x { Equal } else { Less };
    Ok(match (a, b) {
        (G::Int(x), G::Int(y)) => x.cmp(y),
        (G::Float(x), G::Float(y)) => x.partial_cmp(y).unwrap_or(Less),
        (G::Str(x), G::Str(y)) => x.cmp(y),
        (G::Bool(x), G::Bool(y)) => neq(x == y),
        (G::Nil, _) | (_, G::Nil) => neq(matches!((a, b), (G::Nil, G::Nil))),
        (G::Struct(_), G::Struct(_)) => neq(sprint_v(a) == sprint_v(b)),
        (G::List(_) | G::Map(_) | G::Struct(_), G::List(_) | G::Map(_) | G::Struct(_)) => {
            return Err(CallErr(format!("non-comparable type {}: {}", sprint_v(b), type_name(b))));
        }
        _ => return Err(CallErr("incompatible types for comparison".into())),
    })
}

/// Go's `fmt.Sprint`: spaces between operands when neither is a string.
fn sprint(a: &[G]) -> String {
    let mut out = String::new();
    for (i, g) in a.iter().enumerate() {
        if i > 0 && !matches!(g, G::Str(_)) && !matches!(a[i - 1], G::Str(_)) {
            out.push(' ');
        }
        print_v(g, &mut out);
    }
    out
}

/// Go's `fmt.Sprintf` for the common verbs, flags, width and precision.
fn go_sprintf(format: &str, args: &[G]) -> String {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let (mut minus, mut plus, mut zero, mut sharp, mut space) = (false, false, false, false, false);
        while let Some(&f) = chars.peek() {
            match f {
                '-' => minus = true,
                '+' => plus = true,
                '0' => zero = true,
                '#' => sharp = true,
                ' ' => space = true,
                _ => break,
            }
            chars.next();
        }
        let mut num = |chars: &mut std::iter::Peekable<std::str::Chars>| -> Option<usize> {
            if chars.peek() == Some(&'*') {
                chars.next();
                let w = match args.get(next) {
                    Some(G::Int(i)) => usize::try_from(*i).ok().map(|w| w.min(10_000)),
                    _ => None,
                };
                next += 1;
                return w;
            }
            let mut n: Option<usize> = None;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = Some((n.unwrap_or(0) * 10 + d as usize).min(10_000));
                chars.next();
            }
            n
        };
        let width = num(&mut chars);
        let prec = if chars.peek() == Some(&'.') {
            chars.next();
            Some(num(&mut chars).unwrap_or(0))
        } else {
            None
        };
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        next += 1;
        let spec = Spec { minus, plus, zero, sharp, space, width, prec, verb };
        out.push_str(&spec.format(arg));
    }
    if next < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[next..].iter().map(|g| format!("{}={}", type_name(g), sprint_v(g))).collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

/// One `%` directive of a format.
struct Spec {
    minus: bool,
    plus: bool,
    zero: bool,
    sharp: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
    verb: char,
}

impl Spec {
    /// Formats one argument: containers element by element, as Go's `fmt` does.
    fn format(&self, arg: &G) -> String {
        let join = |items: Vec<String>| items.join(" ");
        match arg {
            G::List(l) if self.verb != 'T' => return format!("[{}]", join(l.iter().map(|x| self.format(x)).collect())),
            G::Map(m) if self.verb != 'T' => return format!("map[{}]", join(m.iter().map(|(k, v)| format!("{}:{}", self.format(k), self.format(v))).collect())),
            G::Struct(f) if self.verb != 'T' => return format!("{{{}}}", join(f.iter().map(|(_, v)| self.format(v)).collect())),
            _ => {}
        }
        let (verb, prec, sharp) = (self.verb, self.prec, self.sharp);
        let sign = |neg: bool| if neg { "-" } else if self.plus { "+" } else if self.space { " " } else { "" };
        let body: Option<String> = match (verb, arg) {
            ('v', G::Str(s)) if sharp => Some(go_quote(s)),
            ('v' | 'g' | 'G', G::Float(f)) => Some(format!("{}{}", if f.is_sign_negative() { "" } else { sign(false) }, go_g(*f, if verb == 'v' { None } else { prec }, verb == 'G'))),
            ('v' | 'd', G::Int(i)) => Some(format!("{}{}", sign(*i < 0), i.unsigned_abs())),
            ('v', G::Nil) => Some("<nil>".into()),
            ('v', g) => Some(sprint_v(g)),
            ('T', g) => Some(type_name(g)),
            ('t', G::Bool(b)) => Some(b.to_string()),
            ('s', G::Str(s)) => Some(prec.map_or_else(|| s.to_string(), |p| s.chars().take(p).collect())),
            ('q', G::Str(s)) => Some(go_quote(s)),
            ('x' | 'X', G::Str(s)) => Some(s.bytes().map(|b| if verb == 'x' { format!("{b:02x}") } else { format!("{b:02X}") }).collect()),
            ('b', G::Int(i)) => Some(format!("{}{:b}", sign(*i < 0), i.unsigned_abs())),
            ('o', G::Int(i)) => Some(format!("{}{}{:o}", sign(*i < 0), if sharp { "0" } else { "" }, i.unsigned_abs())),
            ('x', G::Int(i)) => Some(format!("{}{}{:x}", sign(*i < 0), if sharp { "0x" } else { "" }, i.unsigned_abs())),
            ('X', G::Int(i)) => Some(format!("{}{}{:X}", sign(*i < 0), if sharp { "0X" } else { "" }, i.unsigned_abs())),
            ('c', G::Int(i)) => Some(u32::try_from(*i).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}').to_string()),
            ('U', G::Int(i)) => Some(format!("U+{i:04X}")),
            ('q', G::Int(i)) => Some(format!("'{}'", u32::try_from(*i).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}'))),
            ('f' | 'F', G::Float(f)) => Some(format!("{}{:.*}", sign(f.is_sign_negative()), prec.unwrap_or(6), f.abs())),
            ('e' | 'E', G::Float(f)) => Some(format!("{}{}", sign(f.is_sign_negative()), go_exp(f.abs(), prec.unwrap_or(6), verb == 'E'))),
            _ => None,
        };
        let Some(body) = body else {
            return match arg {
                G::Nil => format!("%!{verb}(<nil>)"),
                _ => format!("%!{verb}({}={})", type_name(arg), sprint_v(arg)),
            };
        };
        let w = self.width.unwrap_or(0);
        let len = body.chars().count();
        if len >= w {
            body
        } else if self.minus {
            body + &" ".repeat(w - len)
        } else if self.zero {
            // Zeros go after the sign.
            let split = if matches!(arg, G::Int(_) | G::Float(_)) { body.find(|c: char| c.is_ascii_digit()).unwrap_or(0) } else { 0 };
            let (s, digits) = body.split_at(split);
            format!("{s}{}{digits}", "0".repeat(w - len))
        } else {
            " ".repeat(w - len) + &body
        }
    }
}

/// Go's `%g` (and `%v`) of a float: shortest digits (or `prec` significant ones), with an
/// exponent when it is below -4 or at least the precision (6 when shortest).
fn go_g(f: f64, prec: Option<usize>, upper: bool) -> String {
    if !f.is_finite() || f == 0.0 {
        return go_float_g(f);
    }
    let sci = match prec {
        None => format!("{:e}", f.abs()),
        Some(p) => format!("{:.*e}", p.max(1) - 1, f.abs()),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let (nd, dp) = (digits.len() as i64, exp + 1);
    let eprec = match prec {
        None => 6,
        Some(p) => {
            let p = p.max(1) as i64;
            if p > nd && nd >= dp { nd } else { p }
        }
    };
    let neg = if f < 0.0 { "-" } else { "" };
    if exp < -4 || exp >= eprec {
        let rest = if nd > 1 { format!(".{}", &digits[1..]) } else { String::new() };
        format!("{neg}{}{rest}{}{}{:02}", &digits[..1], if upper { 'E' } else { 'e' }, if exp < 0 { '-' } else { '+' }, exp.abs())
    } else if dp <= 0 {
        format!("{neg}0.{}{digits}", "0".repeat((-dp) as usize))
    } else if dp >= nd {
        format!("{neg}{digits}{}", "0".repeat((dp - nd) as usize))
    } else {
        format!("{neg}{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    }
}

/// Go's `%e`: mantissa with `prec` digits and an exponent of at least two digits.
fn go_exp(f: f64, prec: usize, upper: bool) -> String {
    let s = format!("{f:.prec$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    format!("{m}{}{}{:02}", if upper { 'E' } else { 'e' }, if e < 0 { '-' } else { '+' }, e.abs())
}

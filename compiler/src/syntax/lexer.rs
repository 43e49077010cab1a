//! The lexer: source text → tokens with byte spans (§1 of the language reference).
//!
//! It never fails: a character that starts no token becomes [`Token::Error`] plus a diagnostic,
//! and lexing goes on. Comments are not tokens; they are collected in a side table for the
//! formatter and the language server. CRLF line endings are accepted (mgmt rejects them).

use crate::diagnostics::{Diagnostic, Phase, codes};
use crate::source::{FileId, Span};
use logos::Logos;
use std::fmt;

/// A comment: the text after `#` and the span of the whole comment (including `#`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The bytes of the comment, `#` included.
    pub span: Span,
    /// The text after `#`, without the line ending.
    pub text: String,
}

/// Extras threaded through logos: the comment side table.
#[derive(Default)]
pub struct LexExtras {
    comments: Vec<Comment>,
}

fn comment(lex: &mut logos::Lexer<'_, Token>) -> logos::Skip {
    let span = lex.span();
    let text = lex.slice()[1..].trim_end_matches('\r').to_string();
    let end = if lex.slice().ends_with('\r') { span.end - 1 } else { span.end };
    lex.extras.comments.push(Comment { span: Span::new(span.start, end), text });
    logos::Skip
}

/// Every token of mcl. Literal values are decoded later, by the parser (numbers) and the
/// interpolation phase (strings), so tokens carry no data and stay `Copy`.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[logos(extras = LexExtras)]
#[logos(skip r"[ \t]+")]
pub enum Token {
    /// `\n` (or `\r\n`): significant, ends statements.
    #[regex(r"\r?\n")]
    Newline,
    /// A comment: never emitted, recorded in the side table.
    #[regex(r"#[^\n]*", comment, allow_greedy = true)]
    Comment,
    /// `{`
    #[token("{")]
    LBrace,
    /// `}`
    #[token("}")]
    RBrace,
    /// `(`
    #[token("(")]
    LParen,
    /// `)`
    #[token(")")]
    RParen,
    /// `[`
    #[token("[")]
    LBracket,
    /// `]`
    #[token("]")]
    RBracket,
    /// `?:` (resource-entry condition)
    #[token("?:")]
    Elvis,
    /// `<|>` (fallback)
    #[token("<|>")]
    Except,
    /// `=>`
    #[token("=>")]
    Rocket,
    /// `->`
    #[token("->")]
    Arrow,
    /// `,`
    #[token(",")]
    Comma,
    /// `:`
    #[token(":")]
    Colon,
    /// `;`
    #[token(";")]
    Semicolon,
    /// `.`
    #[token(".")]
    Dot,
    /// `$`
    #[token("$")]
    Dollar,
    /// `=`
    #[token("=")]
    Equals,
    /// `+`
    #[token("+")]
    Plus,
    /// `-`
    #[token("-")]
    Minus,
    /// `*`
    #[token("*")]
    Star,
    /// `/`
    #[token("/")]
    Slash,
    /// `==`
    #[token("==")]
    EqEq,
    /// `!=`
    #[token("!=")]
    NotEq,
    /// `<`
    #[token("<")]
    Lt,
    /// `>`
    #[token(">")]
    Gt,
    /// `<=`
    #[token("<=")]
    LtEq,
    /// `>=`
    #[token(">=")]
    GtEq,
    /// `if`
    #[token("if")]
    If,
    /// `else`
    #[token("else")]
    Else,
    /// `for`
    #[token("for")]
    For,
    /// `forkv`
    #[token("forkv")]
    Forkv,
    /// `in`
    #[token("in")]
    In,
    /// `and`
    #[token("and")]
    And,
    /// `or`
    #[token("or")]
    Or,
    /// `not`
    #[token("not")]
    Not,
    /// `func`
    #[token("func")]
    Func,
    /// `class`
    #[token("class")]
    Class,
    /// `include`
    #[token("include")]
    Include,
    /// `import`
    #[token("import")]
    Import,
    /// `as`
    #[token("as")]
    As,
    /// `panic`
    #[token("panic")]
    Panic,
    /// `collect` (also usable as a name)
    #[token("collect")]
    Collect,
    /// `bool` (type)
    #[token("bool")]
    BoolType,
    /// `str` (type)
    #[token("str")]
    StrType,
    /// `int` (type)
    #[token("int")]
    IntType,
    /// `float` (type)
    #[token("float")]
    FloatType,
    /// `map` (type; also usable as a name)
    #[token("map")]
    Map,
    /// `struct`
    #[token("struct")]
    Struct,
    /// `variant` (type)
    #[token("variant")]
    Variant,
    /// `true`
    #[token("true")]
    True,
    /// `false`
    #[token("false")]
    False,
    /// An integer literal, with an optional leading `-`.
    #[regex(r"-?[0-9]+")]
    Integer,
    /// A float literal `-?[0-9]+\.[0-9]+`.
    #[regex(r"-?[0-9]+\.[0-9]+")]
    Float,
    /// A double-quoted string (raw; escapes are decoded by interpolation).
    #[regex(r#""([^"\\]|\\(.|\n))*""#)]
    String,
    /// A string whose closing quote is missing (an error).
    #[regex(r#""([^"\\]|\\(.|\n))*"#, priority = 0)]
    UnterminatedString,
    /// A lower-case identifier `[a-z]([a-z0-9_]*[a-z0-9])?`.
    #[regex(r"[a-z]([a-z0-9_]*[a-z0-9])?")]
    Ident,
    /// A capitalised identifier `[A-Z]([a-z0-9_]*[a-z0-9])?` (a kind or edge property; its
    /// value is the lower-cased text).
    #[regex(r"[A-Z]([a-z0-9_]*[a-z0-9])?")]
    CapIdent,
    /// Anything else: an error already reported by the lexer.
    Error,
}

impl Token {
    /// True for keywords (words that can't be names; `map` and `collect` are both).
    pub fn is_keyword(self) -> bool {
        use Token::*;
        matches!(
            self,
            If | Else | For | Forkv | In | And | Or | Not | Func | Class | Include | Import | As | Panic
                | Collect | BoolType | StrType | IntType | FloatType | Map | Struct | Variant | True
                | False
        )
    }

    /// How the token is named in messages ("`=>`", "a string", "a newline", …).
    pub fn describe(self) -> &'static str {
        use Token::*;
        match self {
            Newline => "a newline",
            Comment => "a comment",
            LBrace => "`{`",
            RBrace => "`}`",
            LParen => "`(`",
            RParen => "`)`",
            LBracket => "`[`",
            RBracket => "`]`",
            Elvis => "`?:`",
            Except => "`<|>`",
            Rocket => "`=>`",
            Arrow => "`->`",
            Comma => "`,`",
            Colon => "`:`",
            Semicolon => "`;`",
            Dot => "`.`",
            Dollar => "`$`",
            Equals => "`=`",
            Plus => "`+`",
            Minus => "`-`",
            Star => "`*`",
            Slash => "`/`",
            EqEq => "`==`",
            NotEq => "`!=`",
            Lt => "`<`",
            Gt => "`>`",
            LtEq => "`<=`",
            GtEq => "`>=`",
            If => "`if`",
            Else => "`else`",
            For => "`for`",
            Forkv => "`forkv`",
            In => "`in`",
            And => "`and`",
            Or => "`or`",
            Not => "`not`",
            Func => "`func`",
            Class => "`class`",
            Include => "`include`",
            Import => "`import`",
            As => "`as`",
            Panic => "`panic`",
            Collect => "`collect`",
            BoolType => "`bool`",
            StrType => "`str`",
            IntType => "`int`",
            FloatType => "`float`",
            Map => "`map`",
            Struct => "`struct`",
            Variant => "`variant`",
            True => "`true`",
            False => "`false`",
            Integer => "an integer",
            Float => "a float",
            String | UnterminatedString => "a string",
            Ident => "a name",
            CapIdent => "a capitalised name",
            Error => "an invalid character",
        }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The result of lexing one file.
#[derive(Debug, Default)]
pub struct Lexed {
    /// Tokens with their spans, in order (no comments, no whitespace).
    pub tokens: Vec<(Token, Span)>,
    /// Comments, in order.
    pub comments: Vec<Comment>,
    /// Problems found (unknown characters, unterminated strings, number overflow).
    pub diagnostics: Vec<Diagnostic>,
}

/// Splits `text` into tokens. Never fails; problems become [`Token::Error`] tokens plus
/// diagnostics in the result.
pub fn lex(text: &str, file: FileId) -> Lexed {
    let mut lexer = Token::lexer(text);
    let mut tokens = Vec::with_capacity(text.len() / 3);
    let mut diagnostics = Vec::new();
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let span = Span::new(range.start, range.end);
        match result {
            Ok(Token::UnterminatedString) => {
                diagnostics.push(
                    Diagnostic::error(Phase::Lex, codes::LEX_UNTERMINATED_STRING, file, Span::new(range.start, range.start + 1), "string literal is never closed")
                        .with_help("add the closing `\"`"),
                );
                tokens.push((Token::Error, span));
            }
            Ok(Token::Integer) => {
                if lexer.slice().parse::<i64>().is_err() {
                    diagnostics.push(
                        Diagnostic::error(Phase::Lex, codes::LEX_NUMBER_RANGE, file, span, format!("integer `{}` does not fit in 64 bits", lexer.slice()))
                            .with_help("integers range from -9223372036854775808 to 9223372036854775807"),
                    );
                    tokens.push((Token::Error, span));
                } else {
                    tokens.push((Token::Integer, span));
                }
            }
            Ok(Token::Float) => {
                if !lexer.slice().parse::<f64>().is_ok_and(f64::is_finite) {
                    diagnostics.push(Diagnostic::error(Phase::Lex, codes::LEX_NUMBER_RANGE, file, span, format!("float `{}` is out of range", lexer.slice())));
                    tokens.push((Token::Error, span));
                } else {
                    tokens.push((Token::Float, span));
                }
            }
            Ok(token) => tokens.push((token, span)),
            Err(()) => {
                let slice = lexer.slice();
                let diagnostic = unknown_char_diagnostic(slice, file, span);
                // Merge runs of bad characters into one token and one diagnostic.
                if let (Some((Token::Error, last)), Some(prev)) = (tokens.last_mut(), diagnostics.last_mut())
                    && last.end == span.start
                    && prev.code == diagnostic.code
                    && prev.span == *last
                    && diagnostic.code == codes::LEX_UNKNOWN_CHAR
                {
                    last.end = span.end;
                    prev.span.end = span.end;
                    prev.message = format!("unexpected characters `{}`", &text[last.range()]);
                    continue;
                }
                diagnostics.push(diagnostic);
                tokens.push((Token::Error, span));
            }
        }
    }
    Lexed { tokens, comments: lexer.extras.comments, diagnostics }
}

fn unknown_char_diagnostic(slice: &str, file: FileId, span: Span) -> Diagnostic {
    let c = slice.chars().next().unwrap_or('?');
    match c {
        '\r' => Diagnostic::error(Phase::Lex, codes::LEX_CARRIAGE_RETURN, file, span, "carriage return without a line feed")
            .with_help("use `\\n` or `\\r\\n` line endings"),
        '_' => Diagnostic::error(Phase::Lex, codes::LEX_UNKNOWN_CHAR, file, span, "unexpected character `_`")
            .with_help("names can't start or end with `_`"),
        '!' => Diagnostic::error(Phase::Lex, codes::LEX_UNKNOWN_CHAR, file, span, "unexpected character `!`")
            .with_help("mcl writes negation as `not x`; inequality is `!=`"),
        '&' | '|' => Diagnostic::error(Phase::Lex, codes::LEX_UNKNOWN_CHAR, file, span, format!("unexpected character `{c}`"))
            .with_help("mcl's boolean operators are `and` and `or`"),
        '\'' => Diagnostic::error(Phase::Lex, codes::LEX_UNKNOWN_CHAR, file, span, "unexpected character `'`")
            .with_help("strings use double quotes: \"text\""),
        _ if c.is_control() => Diagnostic::error(Phase::Lex, codes::LEX_UNKNOWN_CHAR, file, span, format!("unexpected control character U+{:04X}", c as u32)),
        _ => Diagnostic::error(Phase::Lex, codes::LEX_UNKNOWN_CHAR, file, span, format!("unexpected character `{c}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Token::*;

    fn kinds(text: &str) -> Vec<Token> {
        lex(text, FileId(0)).tokens.into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn longest_match_and_keywords() {
        assert_eq!(kinds("$x-1"), vec![Dollar, Ident, Integer]);
        assert_eq!(kinds("13 - -1"), vec![Integer, Minus, Integer]);
        assert_eq!(kinds("$a->b"), vec![Dollar, Ident, Arrow, Ident]);
        assert_eq!(kinds("$in"), vec![Dollar, In]);
        assert_eq!(kinds("format index integer iffy true_value"), vec![Ident; 5]);
        assert_eq!(kinds("fooBar"), vec![Ident, CapIdent]);
        assert_eq!(kinds("HTTP"), vec![CapIdent; 4]);
        assert_eq!(kinds("1e5"), vec![Integer, Ident]);
        assert_eq!(kinds("3.14 -0.5"), vec![Float, Float]);
        assert_eq!(kinds("map collect"), vec![Map, Collect]);
    }

    #[test]
    fn every_token() {
        let all = "\n { } ( ) [ ] ?: <|> => -> , : ; . $ = + - * / == != < > <= >= if else for forkv in and or not func class include import as panic collect bool str int float map struct variant true false 1 1.5 \"s\" x X";
        let got = kinds(all);
        assert_eq!(got.len(), 56);
        assert!(!got.contains(&Error));
    }

    #[test]
    fn trailing_underscore_is_an_error() {
        let lexed = lex("x_ y", FileId(0));
        assert_eq!(lexed.tokens.iter().map(|t| t.0).collect::<Vec<_>>(), vec![Ident, Error, Ident]);
        assert_eq!(lexed.diagnostics.len(), 1);
    }

    #[test]
    fn comments_go_to_the_side_table() {
        let lexed = lex("$x = 1 # one\n# two\r\n", FileId(0));
        assert_eq!(lexed.tokens.iter().map(|t| t.0).collect::<Vec<_>>(), vec![Dollar, Ident, Equals, Integer, Newline, Newline]);
        assert_eq!(lexed.comments.len(), 2);
        assert_eq!(lexed.comments[0].text, " one");
        assert_eq!(lexed.comments[1].text, " two");
        assert_eq!(lexed.comments[1].span, Span::new(13, 18));
    }

    #[test]
    fn strings() {
        assert_eq!(kinds(r#""a\"b" "c\\" "x""#), vec![String, String, String]);
        assert_eq!(kinds("\"multi\nline\""), vec![String]);
        let lexed = lex("\"open\n$x = 1\n", FileId(0));
        assert_eq!(lexed.tokens[0].0, Error);
        assert_eq!(lexed.diagnostics[0].code, codes::LEX_UNTERMINATED_STRING);
    }

    #[test]
    fn errors_do_not_stop_lexing() {
        let lexed = lex("$x = 1 @@ 2\n$y = %\r", FileId(0));
        assert_eq!(lexed.diagnostics.len(), 3);
        assert!(lexed.tokens.iter().any(|t| t.0 == Newline));
        assert_eq!(lexed.tokens.last().map(|t| t.0), Some(Error));
        let overflow = lex("18446744073709551615", FileId(0));
        assert_eq!(overflow.diagnostics[0].code, codes::LEX_NUMBER_RANGE);
    }

    #[test]
    fn crlf_is_a_newline() {
        assert_eq!(kinds("$x = 1\r\n"), vec![Dollar, Ident, Equals, Integer, Newline]);
    }
}

//! The `encoding` module: standard base64 (`base64_encode`, `base64_decode`) and JSON decoding
//! into a value of the call's type (`decode_json`, `decode_json_flexible`), as mgmt's
//! `lang/core/encoding` and `lang/types/json` do it. Every error is fatal (none is catchable).
//!
//! Decoded bytes that are not valid UTF-8 (base64 of binary data) become U+FFFD in the str.

use super::{BuiltinFn, CallCtx, str_arg};
use crate::eval::value::{EvalError, Value};
use crate::types::{self, Type};
use std::collections::BTreeMap;
use std::sync::Arc;

type Res = Result<Value, EvalError>;

/// The functions this module implements.
pub(super) const FUNCTIONS: &[(&str, &str, BuiltinFn)] = &[
    ("encoding", "base64_decode", base64_decode),
    ("encoding", "base64_encode", base64_encode),
    ("encoding", "decode_json", decode_json),
    ("encoding", "decode_json_flexible", decode_json_flexible),
];

// ---------------------------------------------------------------------------------------------
// base64
// ---------------------------------------------------------------------------------------------

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Go's `base64.StdEncoding.EncodeToString`.
pub(super) fn base64_encode_bytes(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The 6-bit value of a base64 character.
fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n` ignored anywhere,
/// non-zero trailing bits accepted. The error is the byte offset Go reports.
pub(super) fn base64_decode_bytes(src: &[u8]) -> Result<Vec<u8>, usize> {
    let is_newline = |c: u8| c == b'\n' || c == b'\r';
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut trailing_garbage = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = sextet(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if is_newline(c) {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(si - 1);
            }
            if j == 2 {
                while si < src.len() && is_newline(src[si]) {
                    si += 1;
                }
                if si == src.len() {
                    return Err(src.len());
                }
                if src[si] != b'=' {
                    return Err(si - 1);
                }
                si += 1;
            }
            while si < src.len() && is_newline(src[si]) {
                si += 1;
            }
            if si < src.len() {
                trailing_garbage = Some(si);
            }
            dlen = j;
            break;
        }
        let val = (u32::from(dbuf[0]) << 18) | (u32::from(dbuf[1]) << 12) | (u32::from(dbuf[2]) << 6) | u32::from(dbuf[3]);
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(at) = trailing_garbage {
            return Err(at);
        }
        if dlen < 4 {
            return Ok(out);
        }
    }
}

/// `encoding.base64_encode(data)`.
fn base64_encode(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    Ok(Value::str(base64_encode_bytes(str_arg(a, 0)?.as_bytes())))
}

/// `encoding.base64_decode(data)`: invalid input is a fatal error.
fn base64_decode(_: &mut dyn CallCtx, a: &[Value]) -> Res {
    match base64_decode_bytes(str_arg(a, 0)?.as_bytes()) {
        Ok(bytes) => Ok(Value::str(String::from_utf8_lossy(&bytes).into_owned())),
        Err(at) => Err(EvalError::fatal(format!("could not decode base64: illegal base64 data at input byte {at}"))),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/// A parsed JSON value; numbers keep their text (Go's `json.Number`), objects their members in
/// order (a repeated key: the last one wins, as in Go's maps).
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object (the last one, if repeated).
    fn member<'a>(members: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
        members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A JSON reader over the bytes of the input, with Go's error texts.
struct JsonParser<'a> {
    s: &'a [u8],
    pos: usize,
}

/// Go's `quoteChar`: a byte for an error message.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        c => {
            let q = super::strings::go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

impl JsonParser<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    /// The next byte, or Go's `unexpected EOF`.
    fn next(&mut self) -> Result<u8, String> {
        let c = *self.s.get(self.pos).ok_or("unexpected EOF")?;
        self.pos += 1;
        Ok(c)
    }

    fn invalid(c: u8, context: &str) -> String {
        format!("invalid character {} {context}", quote_char(c))
    }

    fn value(&mut self) -> Result<Json, String> {
        self.skip_ws();
        let c = self.next()?;
        match c {
            b'{' => {
                let mut members = Vec::new();
                self.skip_ws();
                if self.s.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                loop {
                    self.skip_ws();
                    let c = self.next()?;
                    if c != b'"' {
                        return Err(Self::invalid(c, "looking for beginning of object key string"));
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    let c = self.next()?;
                    if c != b':' {
                        return Err(Self::invalid(c, "after object key"));
                    }
                    let value = self.value()?;
                    members.push((key, value));
                    self.skip_ws();
                    match self.next()? {
                        b',' => {}
                        b'}' => return Ok(Json::Object(members)),
                        c => return Err(Self::invalid(c, "after object key:value pair")),
                    }
                }
            }
            b'[' => {
                let mut items = Vec::new();
                self.skip_ws();
                if self.s.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    self.skip_ws();
                    match self.next()? {
                        b',' => {}
                        b']' => return Ok(Json::Array(items)),
                        c => return Err(Self::invalid(c, "after array element")),
                    }
                }
            }
            b'"' => Ok(Json::String(self.string()?)),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            c => Err(Self::invalid(c, "looking for beginning of value")),
        }
    }

    /// The rest of `word` (its first byte is consumed).
    fn literal(&mut self, word: &str, value: Json) -> Result<Json, String> {
        for &expected in &word.as_bytes()[1..] {
            let c = self.next()?;
            if c != expected {
                return Err(Self::invalid(c, &format!("in literal {word} (expecting {})", quote_char(expected))));
            }
        }
        Ok(value)
    }

    /// A number per the JSON grammar (its first byte is consumed); it ends where the grammar
    /// does, as Go's streaming decoder stops there.
    fn number(&mut self) -> Result<Json, String> {
        let start = self.pos - 1;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.pos < p.s.len() && p.s[p.pos].is_ascii_digit() {
                p.pos += 1;
            }
            p.pos - from
        };
        let first = if self.s[start] == b'-' { self.next()? } else { self.s[start] };
        match first {
            b'0' => {}
            b'1'..=b'9' => {
                digits(self);
            }
            c => return Err(Self::invalid(c, "in numeric literal")),
        }
        if self.s.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.s.get(self.pos).map_or_else(|| "unexpected EOF".into(), |&c| Self::invalid(c, "after decimal point in numeric literal")));
            }
        }
        if matches!(self.s.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.s.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.s.get(self.pos).map_or_else(|| "unexpected EOF".into(), |&c| Self::invalid(c, "in exponent of numeric literal")));
            }
        }
        Ok(Json::Number(String::from_utf8_lossy(&self.s[start..self.pos]).into_owned()))
    }

    /// A string's contents (the opening quote is consumed), escapes decoded; lone surrogates
    /// become U+FFFD as in Go.
    fn string(&mut self) -> Result<String, String> {
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = self.next()?;
            match c {
                b'"' => return Ok(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let e = self.next()?;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut ch = self.hex4()?;
                            if (0xd800..0xdc00).contains(&ch) && self.s.get(self.pos..self.pos + 2) == Some(b"\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    ch = 0x10000 + ((ch - 0xd800) << 10) + (lo - 0xdc00);
                                } else {
                                    self.pos = save;
                                }
                            }
                            let ch = char::from_u32(ch).unwrap_or('\u{fffd}');
                            out.extend_from_slice(ch.encode_utf8(&mut [0u8; 4]).as_bytes());
                        }
                        c => return Err(Self::invalid(c, "in string escape code")),
                    }
                }
                c if c < 0x20 => return Err(Self::invalid(c, "in string literal")),
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0;
        for _ in 0..4 {
            let c = self.next()?;
            let d = char::from(c).to_digit(16).ok_or_else(|| Self::invalid(c, "in \\u hexadecimal character escape"))?;
            v = v * 16 + d;
        }
        Ok(v)
    }
}

/// Parses the first JSON value of `data` (anything after it is ignored, as Go's
/// `json.Decoder.Decode` does); errors read `invalid JSON: …`.
fn parse_json(data: &str) -> Result<Json, String> {
    let mut p = JsonParser { s: data.as_bytes(), pos: 0 };
    p.skip_ws();
    if p.pos == p.s.len() {
        return Err("invalid JSON: EOF".into());
    }
    p.value().map_err(|e| format!("invalid JSON: {e}"))
}

/// The zero value of a type (what `decode_json_flexible` fills missing struct fields with).
pub(super) fn zero_value(ty: &Type) -> Result<Value, String> {
    Ok(match ty {
        Type::Bool => Value::Bool(false),
        Type::Str => Value::str(""),
        Type::Int => Value::Int(0),
        Type::Float => Value::Float(0.0),
        Type::List(_) => Value::list(Vec::new()),
        Type::Map(..) => Value::Map(Arc::new(BTreeMap::new())),
        Type::Struct(fields) => Value::structure(fields.iter().map(|(n, t)| Ok((n.clone(), zero_value(t)?))).collect::<Result<_, String>>()?),
        Type::Func(_) => return Err("func type has no zero value".into()),
        Type::Variant => return Err("variant type has no zero value".into()),
        Type::Var(_) => return Err("type is not known".into()),
    })
}

/// mgmt's `convertJSON`: the JSON value as an mcl value of type `ty`. `flexible` lets struct
/// fields be missing (zero values) and extra.
fn convert(json: &Json, ty: &Type, flexible: bool) -> Result<Value, String> {
    match ty {
        Type::Bool => match json {
            Json::Bool(b) => Ok(Value::Bool(*b)),
            _ => Err("type doesn't match bool".into()),
        },
        Type::Str => match json {
            Json::String(s) => Ok(Value::str(s.as_str())),
            _ => Err("type doesn't match str".into()),
        },
        Type::Int => match json {
            Json::Number(n) => n.parse::<i64>().map(Value::Int).map_err(|_| "num doesn't contain int".into()),
            _ => Err("type doesn't match int".into()),
        },
        Type::Float => match json {
            Json::Number(n) => match n.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Value::Float(f)),
                _ => Err("num doesn't contain float64".into()),
            },
            _ => Err("type doesn't match float".into()),
        },
        Type::List(elem) => match json {
            Json::Array(items) => Ok(Value::list(items.iter().map(|x| convert(x, elem, flexible)).collect::<Result<_, _>>()?)),
            _ => Err("type doesn't match list".into()),
        },
        Type::Map(key, val) => match json {
            Json::Object(members) => {
                let mut map = BTreeMap::new();
                for (k, v) in members {
                    map.insert(convert(&Json::String(k.clone()), key, flexible)?, convert(v, val, flexible)?);
                }
                Ok(Value::Map(Arc::new(map)))
            }
            _ => Err("type doesn't match map".into()),
        },
        Type::Struct(fields) => match json {
            Json::Object(members) => {
                if !flexible {
                    let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
                    keys.sort_unstable();
                    keys.dedup();
                    if keys.len() != fields.len() {
                        return Err("incompatible number of fields".into());
                    }
                }
                let mut out = Vec::with_capacity(fields.len());
                for (name, t) in fields {
                    let value = match Json::member(members, name) {
                        Some(x) => convert(x, t, flexible)?,
                        None if flexible => zero_value(t)?,
                        None => return Err(format!("field {name} was not found in struct")),
                    };
                    out.push((name.clone(), value));
                }
                Ok(Value::structure(out))
            }
            _ => Err("type doesn't match struct".into()),
        },
        Type::Func(_) => Err("func type".into()),
        Type::Variant => Err("variant type".into()),
        Type::Var(_) => Err("type is nil".into()),
    }
}

/// Parses an mcl type written in mgmt's syntax, which allows a `;` before a struct's `}`
/// (`struct{hello int;}`).
pub(super) fn parse_type_text(text: &str) -> Option<Type> {
    let mut normalized = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ';' {
            let rest: String = chars.clone().collect();
            if rest.trim_start().starts_with('}') {
                continue;
            }
        }
        normalized.push(c);
    }
    types::parse(&normalized).ok()
}

/// The type to decode into: the call's inferred result type, or else the type written in the
/// second argument; both must agree when both are known.
fn target_type(ctx: &dyn CallCtx, a: &[Value]) -> Result<Type, EvalError> {
    let inferred = ctx.ret_type().filter(|t| !t.has_vars());
    let written = a.get(1).and_then(Value::as_str).and_then(parse_type_text).filter(|t| !t.has_vars());
    match (inferred, written) {
        (Some(t), Some(w)) if t != w => Err(EvalError::fatal(format!("incompatible types: {t} != {w}"))),
        (Some(t), _) | (None, Some(t)) => Ok(t),
        (None, None) => Err(EvalError::fatal("type is nil: the result type of the JSON decoding is not known")),
    }
}

fn decode(ctx: &mut dyn CallCtx, a: &[Value], flexible: bool) -> Res {
    let data = str_arg(a, 0)?;
    let ty = target_type(ctx, a)?;
    let json = parse_json(data).map_err(EvalError::fatal)?;
    convert(&json, &ty, flexible).map_err(EvalError::fatal)
}

/// `encoding.decode_json(data[, type])`: every struct field must be present, and no other.
fn decode_json(ctx: &mut dyn CallCtx, a: &[Value]) -> Res {
    decode(ctx, a, false)
}

/// `encoding.decode_json_flexible(data[, type])`: missing struct fields get zero values and
/// extra members are ignored.
fn decode_json_flexible(ctx: &mut dyn CallCtx, a: &[Value]) -> Res {
    decode(ctx, a, true)
}

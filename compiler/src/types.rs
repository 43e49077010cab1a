//! mcl's types: the representation the type checker, the registries and the evaluator share.
//!
//! [`Type`] covers every kind of §3.1 (`bool`, `str`, `int`, `float`, `variant`, lists, maps,
//! structs, functions) plus unification variables (`?N`). Its [`Display`](fmt::Display) prints
//! mgmt's *internal* type syntax — the one its error messages and builtin signatures use — and
//! [`parse`] reads that syntax back. [`from_syntax`] converts a source-level annotation.
//!
//! Equality is structural, as in mcl: struct field names and order matter, function argument
//! names do not (see [`FuncType`]).

use crate::syntax::ast::{TypeExpr, TypeKind};
use smol_str::SmolStr;
use std::fmt;
use std::hash::{Hash, Hasher};

/// An mcl type, possibly containing unification variables.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`
    Bool,
    /// `str`
    Str,
    /// `int` (int64)
    Int,
    /// `float` (float64)
    Float,
    /// `variant`: mgmt's internal "any value" type. Resource fields of Go type `interface{}` have
    /// it; a type checker treats it as "any type" (a fresh unification variable per use).
    Variant,
    /// `[]T`
    List(Box<Type>),
    /// `map{K: V}`
    Map(Box<Type>, Box<Type>),
    /// `struct{a T; b U}`: field names and their order are part of the type.
    Struct(Vec<(SmolStr, Type)>),
    /// `func(a T, U) R`
    Func(Box<FuncType>),
    /// A unification variable, printed `?N`.
    Var(u32),
}

/// A function type: parameters (optionally named) and a result.
///
/// Parameter names are kept for printing only: equality and hashing ignore them, as mcl compares
/// function types by argument count, argument types and result type.
#[derive(Clone, Debug)]
pub struct FuncType {
    /// The parameters in order; `None` for an unnamed parameter.
    pub params: Vec<(Option<SmolStr>, Type)>,
    /// The result type.
    pub ret: Type,
}

impl PartialEq for FuncType {
    fn eq(&self, other: &Self) -> bool {
        self.ret == other.ret && self.params.len() == other.params.len() && self.params.iter().zip(&other.params).all(|((_, a), (_, b))| a == b)
    }
}

impl Eq for FuncType {}

impl Hash for FuncType {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.params.len().hash(state);
        for (_, t) in &self.params {
            t.hash(state);
        }
        self.ret.hash(state);
    }
}

impl FuncType {
    /// The parameter types, in order, without their names.
    pub fn param_types(&self) -> impl ExactSizeIterator<Item = &Type> {
        self.params.iter().map(|(_, t)| t)
    }
}

impl Type {
    /// `[]elem`
    pub fn list(elem: Type) -> Type {
        Type::List(Box::new(elem))
    }

    /// `map{key: val}`
    pub fn map(key: Type, val: Type) -> Type {
        Type::Map(Box::new(key), Box::new(val))
    }

    /// A function type with unnamed parameters.
    pub fn func(params: impl IntoIterator<Item = Type>, ret: Type) -> Type {
        Type::Func(Box::new(FuncType { params: params.into_iter().map(|t| (None, t)).collect(), ret }))
    }

    /// The function type inside, if this is one.
    pub fn as_func(&self) -> Option<&FuncType> {
        match self {
            Type::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The kind's name as mgmt's messages print it: `bool`, `str`, `int`, `float`, `variant`,
    /// `list`, `map`, `struct`, `func`, and `?` for a unification variable.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Str => "str",
            Type::Int => "int",
            Type::Float => "float",
            Type::Variant => "variant",
            Type::List(_) => "list",
            Type::Map(..) => "map",
            Type::Struct(_) => "struct",
            Type::Func(_) => "func",
            Type::Var(_) => "?",
        }
    }

    /// Usable as a map key (§3.1): bool, str, int, float, and structs whose fields are all
    /// hashable; not lists, maps or functions. Unification variables and `variant` are not known
    /// yet and count as hashable; check again once they are solved.
    pub fn is_hashable(&self) -> bool {
        match self {
            Type::Bool | Type::Str | Type::Int | Type::Float | Type::Variant | Type::Var(_) => true,
            Type::Struct(fields) => fields.iter().all(|(_, t)| t.is_hashable()),
            Type::List(_) | Type::Map(..) | Type::Func(_) => false,
        }
    }

    /// Usable with `==` and `!=` (§3.1): everything except functions, also inside containers.
    /// Unification variables and `variant` count as comparable.
    pub fn is_comparable(&self) -> bool {
        match self {
            Type::Bool | Type::Str | Type::Int | Type::Float | Type::Variant | Type::Var(_) => true,
            Type::List(e) => e.is_comparable(),
            Type::Map(k, v) => k.is_comparable() && v.is_comparable(),
            Type::Struct(fields) => fields.iter().all(|(_, t)| t.is_comparable()),
            Type::Func(_) => false,
        }
    }

    /// True if a unification variable occurs anywhere inside.
    pub fn has_vars(&self) -> bool {
        match self {
            Type::Var(_) => true,
            Type::Bool | Type::Str | Type::Int | Type::Float | Type::Variant => false,
            Type::List(e) => e.has_vars(),
            Type::Map(k, v) => k.has_vars() || v.has_vars(),
            Type::Struct(fields) => fields.iter().any(|(_, t)| t.has_vars()),
            Type::Func(f) => f.ret.has_vars() || f.param_types().any(Type::has_vars),
        }
    }

    /// True if the unification variable `var` occurs inside (the occurs check).
    pub fn contains_var(&self, var: u32) -> bool {
        let mut found = false;
        self.walk(&mut |t| found |= *t == Type::Var(var));
        found
    }

    /// The unification variables inside, each once, in order of first occurrence (left to right,
    /// parameters before the result).
    pub fn vars(&self) -> Vec<u32> {
        let mut out = Vec::new();
        self.walk(&mut |t| {
            if let Type::Var(n) = t
                && !out.contains(n)
            {
                out.push(*n);
            }
        });
        out
    }

    /// Calls `f` on this type and every type inside it, outside in, left to right.
    pub fn walk(&self, f: &mut impl FnMut(&Type)) {
        f(self);
        match self {
            Type::Bool | Type::Str | Type::Int | Type::Float | Type::Variant | Type::Var(_) => {}
            Type::List(e) => e.walk(f),
            Type::Map(k, v) => {
                k.walk(f);
                v.walk(f);
            }
            Type::Struct(fields) => fields.iter().for_each(|(_, t)| t.walk(f)),
            Type::Func(func) => {
                func.params.iter().for_each(|(_, t)| t.walk(f));
                func.ret.walk(f);
            }
        }
    }

    /// Replaces every variable `?n` for which `f(n)` is `Some` by that type (the replacement is
    /// not substituted again) and keeps the others.
    pub fn substitute(&self, f: &impl Fn(u32) -> Option<Type>) -> Type {
        match self {
            Type::Var(n) => f(*n).unwrap_or(Type::Var(*n)),
            Type::Bool | Type::Str | Type::Int | Type::Float | Type::Variant => self.clone(),
            Type::List(e) => Type::list(e.substitute(f)),
            Type::Map(k, v) => Type::map(k.substitute(f), v.substitute(f)),
            Type::Struct(fields) => Type::Struct(fields.iter().map(|(n, t)| (n.clone(), t.substitute(f))).collect()),
            Type::Func(func) => Type::Func(Box::new(FuncType {
                params: func.params.iter().map(|(n, t)| (n.clone(), t.substitute(f))).collect(),
                ret: func.ret.substitute(f),
            })),
        }
    }

    /// A copy with every variable renamed to a new one from `fresh` (the same old variable gets
    /// the same new one): how a polymorphic builtin's signature is instantiated per call site.
    pub fn instantiate(&self, fresh: &mut impl FnMut() -> u32) -> Type {
        let map: Vec<(u32, u32)> = self.vars().into_iter().map(|v| (v, fresh())).collect();
        self.substitute(&|v| map.iter().find(|(old, _)| *old == v).map(|(_, new)| Type::Var(*new)))
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Str => f.write_str("str"),
            Type::Int => f.write_str("int"),
            Type::Float => f.write_str("float"),
            Type::Variant => f.write_str("variant"),
            Type::List(e) => write!(f, "[]{e}"),
            Type::Map(k, v) => write!(f, "map{{{k}: {v}}}"),
            Type::Struct(fields) => {
                f.write_str("struct{")?;
                for (i, (name, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{name} {t}")?;
                }
                f.write_str("}")
            }
            Type::Func(func) => func.fmt(f),
            Type::Var(n) => write!(f, "?{n}"),
        }
    }
}

impl fmt::Display for FuncType {
    /// `func(a str, int) bool`: names without `$`; unnamed parameters print as just their type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("func(")?;
        for (i, (name, t)) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match name {
                Some(name) => write!(f, "{name} {t}")?,
                None => write!(f, "{t}")?,
            }
        }
        write!(f, ") {}", self.ret)
    }
}

/// Converts a source-level type annotation (§2.6) to a [`Type`]. Parameter names of function
/// types are kept (without `$`).
pub fn from_syntax(t: &TypeExpr) -> Type {
    match &t.kind {
        TypeKind::Bool => Type::Bool,
        TypeKind::Str => Type::Str,
        TypeKind::Int => Type::Int,
        TypeKind::Float => Type::Float,
        TypeKind::Variant => Type::Variant,
        TypeKind::List(e) => Type::list(from_syntax(e)),
        TypeKind::Map(k, v) => Type::map(from_syntax(k), from_syntax(v)),
        TypeKind::Struct(fields) => Type::Struct(fields.iter().map(|(n, t)| (n.text.clone(), from_syntax(t))).collect()),
        TypeKind::Func { params, ret } => Type::Func(Box::new(FuncType {
            params: params.iter().map(|(n, t)| (n.as_ref().map(|n| n.text.clone()), from_syntax(t))).collect(),
            ret: from_syntax(ret),
        })),
    }
}

/// Parses mgmt's internal type syntax (§2.6): `bool`, `str`, `int`, `float`, `variant`, `[]T`,
/// `map{K: V}`, `struct{a T; b U}`, `func(a T, U) R` (argument names optional and without `$`;
/// a name may itself be a type word, as in `func(str str) bool`; purely numeric names such as
/// mgmt's `0` count as unnamed) and `?N` variables. `nil` is not supported. Duplicate struct
/// field names or argument names are errors.
pub fn parse(text: &str) -> Result<Type, String> {
    let mut p = TypeParser { text, pos: 0 };
    let t = p.ty()?;
    p.skip_ws();
    if p.pos != text.len() {
        return Err(p.error("end of type"));
    }
    Ok(t)
}

/// A recursive-descent parser over the bytes of the internal syntax.
struct TypeParser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> TypeParser<'a> {
    fn skip_ws(&mut self) {
        while self.text[self.pos..].starts_with([' ', '\t', '\n']) {
            self.pos += 1;
        }
    }

    fn error(&self, expected: &str) -> String {
        let rest = &self.text[self.pos..];
        if rest.is_empty() {
            format!("bad type `{}`: expected {expected} at the end", self.text)
        } else {
            format!("bad type `{}`: expected {expected} at byte {}, found `{}`", self.text, self.pos, rest)
        }
    }

    /// Consumes `s` (after whitespace) if it is next.
    fn eat(&mut self, s: &str) -> bool {
        self.skip_ws();
        if self.text[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, s: &str) -> Result<(), String> {
        if self.eat(s) { Ok(()) } else { Err(self.error(&format!("`{s}`"))) }
    }

    /// The word (letters, digits, `_`) at `at`, without consuming it.
    fn word_at(&self, at: usize) -> &'a str {
        let text: &'a str = self.text;
        let rest = &text[at..];
        let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        &rest[..len]
    }

    /// The next word after whitespace, consumed; empty if there is none.
    fn word(&mut self) -> &'a str {
        self.skip_ws();
        let start = self.pos;
        let len = self.word_at(start).len();
        self.pos += len;
        let text: &'a str = self.text;
        &text[start..start + len]
    }

    /// The first non-blank byte at or after `at`.
    fn peek_from(&self, at: usize) -> Option<u8> {
        self.text.as_bytes()[at..].iter().copied().find(|b| !b.is_ascii_whitespace())
    }

    fn ty(&mut self) -> Result<Type, String> {
        self.skip_ws();
        if self.eat("[]") {
            return Ok(Type::list(self.ty()?));
        }
        if self.eat("?") {
            let digits = self.word_at(self.pos);
            let n = digits.parse::<u32>().map_err(|_| self.error("a variable number after `?`"))?;
            self.pos += digits.len();
            return Ok(Type::Var(n));
        }
        let start = self.pos;
        let word = self.word();
        match word {
            "bool" => Ok(Type::Bool),
            "str" => Ok(Type::Str),
            "int" => Ok(Type::Int),
            "float" => Ok(Type::Float),
            "variant" => Ok(Type::Variant),
            "map" => {
                self.expect("{")?;
                let k = self.ty()?;
                self.expect(":")?;
                let v = self.ty()?;
                self.expect("}")?;
                Ok(Type::map(k, v))
            }
            "struct" => {
                self.expect("{")?;
                let mut fields: Vec<(SmolStr, Type)> = Vec::new();
                if !self.eat("}") {
                    loop {
                        let name = self.word();
                        if name.is_empty() {
                            return Err(self.error("a struct field name"));
                        }
                        let name = SmolStr::new(name);
                        if fields.iter().any(|(n, _)| *n == name) {
                            return Err(format!("bad type `{}`: duplicate struct field `{name}`", self.text));
                        }
                        let t = self.ty()?;
                        fields.push((name, t));
                        if self.eat("}") {
                            break;
                        }
                        self.expect(";")?;
                    }
                }
                Ok(Type::Struct(fields))
            }
            "func" => {
                self.expect("(")?;
                let mut params: Vec<(Option<SmolStr>, Type)> = Vec::new();
                if !self.eat(")") {
                    loop {
                        let name = self.param_name();
                        if let Some(name) = &name
                            && params.iter().any(|(n, _)| n.as_ref() == Some(name))
                        {
                            return Err(format!("bad type `{}`: duplicate function argument `{name}`", self.text));
                        }
                        let t = self.ty()?;
                        params.push((name.filter(|n| !n.bytes().all(|b| b.is_ascii_digit())), t));
                        if self.eat(")") {
                            break;
                        }
                        self.expect(",")?;
                    }
                }
                let ret = self.ty()?;
                Ok(Type::Func(Box::new(FuncType { params, ret })))
            }
            _ => {
                self.pos = start;
                Err(self.error("a type"))
            }
        }
    }

    /// Consumes a parameter name if one comes before the parameter's type. A word is a name
    /// unless it is a type on its own: followed by `,` or `)`, or `map`/`struct` followed by
    /// `{`, or `func` followed by `(`.
    fn param_name(&mut self) -> Option<SmolStr> {
        self.skip_ws();
        let word = self.word_at(self.pos);
        if word.is_empty() {
            return None;
        }
        let after = self.peek_from(self.pos + word.len());
        let is_type = match after {
            None | Some(b',') | Some(b')') => true,
            Some(b'{') => word == "map" || word == "struct",
            Some(b'(') => word == "func",
            _ => false,
        };
        if is_type {
            return None;
        }
        let name = SmolStr::new(word);
        self.pos += word.len();
        Some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Type {
        parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_and_prints() {
        for s in [
            "bool",
            "variant",
            "[]str",
            "[][]int",
            "map{str: int}",
            "map{str: map{int: int}}",
            "struct{}",
            "struct{a int; b str}",
            "func() int",
            "func(a str, int) bool",
            "func(str str) bool",
            "func(map map{?1: ?2}, key ?1) ?2",
            "func(inputs []?1, function func(x ?1, y ?1) ?1) ?1",
            "func(kind str, names ?1) []struct{name str; host str; data str}",
            "func(type str, struct struct{a int}) func(int) []func() str",
            "?12",
        ] {
            assert_eq!(p(s).to_string(), s);
        }
    }

    #[test]
    fn names_and_numbered_args() {
        let t = p("func(str str, 0 int, float) bool");
        let f = t.as_func().unwrap();
        assert_eq!(f.params[0].0.as_deref(), Some("str"));
        assert_eq!(f.params[1].0, None);
        assert_eq!(f.params[2], (None, Type::Float));
        // Names do not matter for equality.
        assert_eq!(t, p("func(str, int, x float) bool"));
        assert_ne!(t, p("func(str, int) bool"));
    }

    #[test]
    fn whitespace_is_tolerated() {
        assert_eq!(p(" map{ str :[] int } "), Type::map(Type::Str, Type::list(Type::Int)));
    }

    #[test]
    fn rejects_bad_types() {
        for s in ["", "nil", "[]", "map{str}", "struct{a}", "struct{a int; a str}", "func(a int, a int) int", "func(int)", "? 1", "int int", "list"] {
            assert!(parse(s).is_err(), "{s:?} should not parse");
        }
    }

    #[test]
    fn helpers() {
        let t = p("func(a ?2, b []?1, c ?2) map{?3: int}");
        assert_eq!(t.vars(), vec![2, 1, 3]);
        assert!(t.has_vars() && t.contains_var(3) && !t.contains_var(4));
        let s = t.substitute(&|n| (n == 2).then_some(Type::Str));
        assert_eq!(s.to_string(), "func(a str, b []?1, c str) map{?3: int}");
        let mut next = 10;
        let i = t.instantiate(&mut || {
            next += 1;
            next
        });
        assert_eq!(i.to_string(), "func(a ?11, b []?12, c ?11) map{?13: int}");
        assert!(p("struct{a int; b struct{c str}}").is_hashable());
        assert!(!p("struct{a []int}").is_hashable());
        assert!(!p("map{str: int}").is_hashable());
        assert!(p("map{str: []int}").is_comparable());
        assert!(!p("[]func() int").is_comparable());
        assert_eq!(p("[]int").kind_name(), "list");
        assert_eq!(p("func() int").kind_name(), "func");
        assert_eq!(p("?1").kind_name(), "?");
    }
}

//! A compact S-expression dump of the syntax tree, for tests and debugging: it shows the tree's
//! shape (precedence, list forms, desugaring-free structure) without spans.

use crate::syntax::ast::*;
use std::fmt::Write;

/// Dumps a block's statements, one per line.
pub fn block(b: &Block) -> String {
    b.stmts.iter().map(stmt).collect::<Vec<_>>().join("\n")
}

/// Dumps one statement.
pub fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Bind { name, ty, value } => match ty {
            Some(t) => format!("(bind {} {} {})", name.text, ty_(t), expr(value)),
            None => format!("(bind {} {})", name.text, expr(value)),
        },
        StmtKind::Resource(r) => {
            let mut out = format!("({} {} {}", if r.collect { "collect" } else { "res" }, r.kind.text, expr(&r.name));
            for e in &r.entries {
                out.push(' ');
                out.push_str(&entry(e));
            }
            out.push(')');
            out
        }
        StmtKind::Edge(e) => format!("(edge {})", e.halves.iter().map(half).collect::<Vec<_>>().join(" ")),
        StmtKind::If { cond, then_block, else_block } => {
            let mut out = format!("(if {} {{{}}}", expr(cond), inline(then_block));
            if let Some(b) = else_block {
                let _ = write!(out, " else {{{}}}", inline(b));
            }
            out.push(')');
            out
        }
        StmtKind::For { index, value, list, body } => format!("(for {} {} {} {{{}}})", index.text, value.text, expr(list), inline(body)),
        StmtKind::ForKv { key, value, map, body } => format!("(forkv {} {} {} {{{}}})", key.text, value.text, expr(map), inline(body)),
        StmtKind::Func { name, func } => format!("(func {} {})", name.text, lambda(func)),
        StmtKind::Class { name, params, body } => {
            let params = params.as_ref().map_or(String::new(), |p| format!(" {}", params_(p)));
            format!("(class {}{} {{{}}})", name.text, params, inline(body))
        }
        StmtKind::Include { name, args, alias } => {
            let mut out = format!("(include {}", name.text);
            if let Some(a) = args {
                let _ = write!(out, " {}", list("args", a, |e| expr(e)));
            }
            if let Some(a) = alias {
                let _ = write!(out, " as {}", a.text);
            }
            out.push(')');
            out
        }
        StmtKind::Import { path, alias } => match alias {
            None => format!("(import \"{}\")", path.text),
            Some(ImportAlias::Name(n)) => format!("(import \"{}\" as {})", path.text, n.text),
            Some(ImportAlias::Star(_)) => format!("(import \"{}\" as *)", path.text),
        },
        StmtKind::Panic { args } => format!("(panic {})", list("args", args, |e| expr(e))),
        StmtKind::Error => "(error)".to_string(),
    }
}

fn inline(b: &Block) -> String {
    b.stmts.iter().map(stmt).collect::<Vec<_>>().join(" ")
}

fn entry(e: &ResEntry) -> String {
    let cond = e.cond.as_ref().map_or(String::new(), |c| format!("{} ?: ", expr(c)));
    match &e.kind {
        EntryKind::Field { name, value } => format!("[{} {}{}]", name.text, cond, expr(value)),
        EntryKind::Edge { property, target } => format!("[{} {}{}]", property.text, cond, half(target)),
        EntryKind::MetaParam { name, value } => format!("[meta:{} {}{}]", name.text, cond, expr(value)),
        EntryKind::Meta { value } => format!("[meta {}{}]", cond, expr(value)),
        EntryKind::Error => "[error]".to_string(),
    }
}

fn half(h: &EdgeHalf) -> String {
    match &h.port {
        Some(p) => format!("{}[{}].{}", h.kind.text, expr(&h.name), p.text),
        None => format!("{}[{}]", h.kind.text, expr(&h.name)),
    }
}

fn list<T>(tag: &str, d: &Delimited<T>, f: impl Fn(&T) -> String) -> String {
    let items: Vec<String> = d.items.iter().map(f).collect();
    let tag = if d.multiline { format!("{tag}*") } else { tag.to_string() };
    if items.is_empty() { format!("({tag})") } else { format!("({tag} {})", items.join(" ")) }
}

fn params_(p: &Delimited<Param>) -> String {
    list("params", p, |p| match &p.ty {
        Some(t) => format!("{}:{}", p.name.text, ty_(t)),
        None => p.name.text.to_string(),
    })
}

fn lambda(f: &Lambda) -> String {
    let ret = f.ret.as_ref().map_or(String::new(), |t| format!(" -> {}", ty_(t)));
    format!("(lambda {}{} {})", params_(&f.params), ret, expr(&f.body))
}

/// Dumps one expression.
pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Float(f) => format!("{f:?}"),
        ExprKind::Str(s) => format!("\"{}\"", s.raw),
        ExprKind::List(d) => list("list", d, |e| expr(e)),
        ExprKind::Map(d) => list("map", d, |kv| format!("{}=>{}", expr(&kv.key), expr(&kv.value))),
        ExprKind::Struct(d) => list("struct", d, |f| format!("{}=>{}", f.name.text, expr(&f.value))),
        ExprKind::Var(n) => format!("${}", n.text),
        ExprKind::Call { name, args } => format!("(call {} {})", name.text, list("args", args, |e| expr(e))),
        ExprKind::CallVar { name, args } => format!("(call ${} {})", name.text, list("args", args, |e| expr(e))),
        ExprKind::CallLambda { func, args } => format!("(call {} {})", lambda(func), list("args", args, |e| expr(e))),
        ExprKind::Lambda(f) => lambda(f),
        ExprKind::If { cond, then_value, else_value, .. } => format!("(if {} {} {})", expr(cond), expr(then_value), expr(else_value)),
        ExprKind::Paren(x) => format!("(paren {})", expr(x)),
        ExprKind::Not(x) => format!("(not {})", expr(x)),
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", op.as_str(), expr(lhs), expr(rhs)),
        ExprKind::Index { base, index } => format!("(index {} {})", expr(base), expr(index)),
        ExprKind::Field { base, field } => format!("(-> {} {})", expr(base), field.text),
        ExprKind::FieldOr { base, field, default } => format!("(->? {} {} {})", expr(base), field.text, expr(default)),
        ExprKind::Except { lhs, rhs } => format!("(<|> {} {})", expr(lhs), expr(rhs)),
        ExprKind::Error => "(error)".to_string(),
    }
}

/// Dumps a type annotation in mcl's source syntax.
pub fn ty_(t: &TypeExpr) -> String {
    match &t.kind {
        TypeKind::Bool => "bool".into(),
        TypeKind::Str => "str".into(),
        TypeKind::Int => "int".into(),
        TypeKind::Float => "float".into(),
        TypeKind::Variant => "variant".into(),
        TypeKind::List(e) => format!("[]{}", ty_(e)),
        TypeKind::Map(k, v) => format!("map{{{}: {}}}", ty_(k), ty_(v)),
        TypeKind::Struct(fields) => {
            format!("struct{{{}}}", fields.iter().map(|(n, t)| format!("{} {}", n.text, ty_(t))).collect::<Vec<_>>().join("; "))
        }
        TypeKind::Func { params, ret } => {
            let ps: Vec<String> = params
                .iter()
                .map(|(n, t)| match n {
                    Some(n) => format!("${} {}", n.text, ty_(t)),
                    None => ty_(t),
                })
                .collect();
            format!("func({}) {}", ps.join(", "), ty_(ret))
        }
    }
}

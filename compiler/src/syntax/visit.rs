//! Walking the syntax tree in source order: every expression mutably ([`exprs_mut`]), or every
//! node ([`walk`]).

use crate::syntax::ast::*;

/// Calls `f` on every expression under `block`, parents before children.
pub fn exprs_mut(block: &mut Block, f: &mut impl FnMut(&mut Expr)) {
    for stmt in &mut block.stmts {
        stmt_exprs_mut(stmt, f);
    }
}

fn stmt_exprs_mut(stmt: &mut Stmt, f: &mut impl FnMut(&mut Expr)) {
    match &mut stmt.kind {
        StmtKind::Bind { value, .. } => expr_mut(value, f),
        StmtKind::Resource(res) => {
            expr_mut(&mut res.name, f);
            for entry in &mut res.entries {
                if let Some(cond) = &mut entry.cond {
                    expr_mut(cond, f);
                }
                match &mut entry.kind {
                    EntryKind::Field { value, .. } | EntryKind::MetaParam { value, .. } | EntryKind::Meta { value } => expr_mut(value, f),
                    EntryKind::Edge { target, .. } => expr_mut(&mut target.name, f),
                    EntryKind::Error => {}
                }
            }
        }
        StmtKind::Edge(edge) => {
            for half in &mut edge.halves {
                expr_mut(&mut half.name, f);
            }
        }
        StmtKind::If { cond, then_block, else_block } => {
            expr_mut(cond, f);
            exprs_mut(then_block, f);
            if let Some(b) = else_block {
                exprs_mut(b, f);
            }
        }
        StmtKind::For { list: e, body, .. } | StmtKind::ForKv { map: e, body, .. } => {
            expr_mut(e, f);
            exprs_mut(body, f);
        }
        StmtKind::Func { func, .. } => expr_mut(&mut func.body, f),
        StmtKind::Class { body, .. } => exprs_mut(body, f),
        StmtKind::Include { args, .. } => {
            for a in args.iter_mut().flat_map(|d| d.items.iter_mut()) {
                expr_mut(a, f);
            }
        }
        StmtKind::Panic { args } => {
            for a in &mut args.items {
                expr_mut(a, f);
            }
        }
        StmtKind::Import { .. } | StmtKind::Error => {}
    }
}

/// Calls `f` on `e` and then on every expression inside it.
pub fn expr_mut(e: &mut Expr, f: &mut impl FnMut(&mut Expr)) {
    f(e);
    match &mut e.kind {
        ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) | ExprKind::Var(_) | ExprKind::Error => {}
        ExprKind::List(items) => items.items.iter_mut().for_each(|x| expr_mut(x, f)),
        ExprKind::Map(items) => {
            for kv in &mut items.items {
                expr_mut(&mut kv.key, f);
                expr_mut(&mut kv.value, f);
            }
        }
        ExprKind::Struct(items) => items.items.iter_mut().for_each(|x| expr_mut(&mut x.value, f)),
        ExprKind::Call { args, .. } | ExprKind::CallVar { args, .. } => args.items.iter_mut().for_each(|x| expr_mut(x, f)),
        ExprKind::CallLambda { func, args } => {
            expr_mut(&mut func.body, f);
            args.items.iter_mut().for_each(|x| expr_mut(x, f));
        }
        ExprKind::Lambda(func) => expr_mut(&mut func.body, f),
        ExprKind::If { cond, then_value, else_value, .. } => {
            expr_mut(cond, f);
            expr_mut(then_value, f);
            expr_mut(else_value, f);
        }
        ExprKind::Paren(x) | ExprKind::Not(x) => expr_mut(x, f),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Except { lhs, rhs } => {
            expr_mut(lhs, f);
            expr_mut(rhs, f);
        }
        ExprKind::Index { base, index } => {
            expr_mut(base, f);
            expr_mut(index, f);
        }
        ExprKind::Field { base, .. } => expr_mut(base, f),
        ExprKind::FieldOr { base, default, .. } => {
            expr_mut(base, f);
            expr_mut(default, f);
        }
    }
}

/// A node of the syntax tree, as [`walk`] presents it.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    /// A statement (nested statements follow it).
    Stmt(&'a Stmt),
    /// An entry of a resource body.
    Entry(&'a ResEntry),
    /// One side of an edge (in an edge statement or an edge entry).
    EdgeHalf(&'a EdgeHalf),
    /// A lambda (of a `func` statement or an expression).
    Lambda(&'a Lambda),
    /// An expression.
    Expr(&'a Expr),
}

/// Calls `f` on every node under `block` in source order, parents before children.
pub fn walk<'a>(block: &'a Block, f: &mut impl FnMut(Node<'a>)) {
    for stmt in &block.stmts {
        walk_stmt(stmt, f);
    }
}

/// Calls `f` on `stmt` and then on every node inside it.
pub fn walk_stmt<'a>(stmt: &'a Stmt, f: &mut impl FnMut(Node<'a>)) {
    f(Node::Stmt(stmt));
    match &stmt.kind {
        StmtKind::Bind { value, .. } => walk_expr(value, f),
        StmtKind::Resource(res) => {
            walk_expr(&res.name, f);
            for entry in &res.entries {
                f(Node::Entry(entry));
                if let Some(cond) = &entry.cond {
                    walk_expr(cond, f);
                }
                match &entry.kind {
                    EntryKind::Field { value, .. } | EntryKind::MetaParam { value, .. } | EntryKind::Meta { value } => walk_expr(value, f),
                    EntryKind::Edge { target, .. } => {
                        f(Node::EdgeHalf(target));
                        walk_expr(&target.name, f);
                    }
                    EntryKind::Error => {}
                }
            }
        }
        StmtKind::Edge(edge) => {
            for half in &edge.halves {
                f(Node::EdgeHalf(half));
                walk_expr(&half.name, f);
            }
        }
        StmtKind::If { cond, then_block, else_block } => {
            walk_expr(cond, f);
            walk(then_block, f);
            if let Some(b) = else_block {
                walk(b, f);
            }
        }
        StmtKind::For { list: e, body, .. } | StmtKind::ForKv { map: e, body, .. } => {
            walk_expr(e, f);
            walk(body, f);
        }
        StmtKind::Func { func, .. } => {
            f(Node::Lambda(func));
            walk_expr(&func.body, f);
        }
        StmtKind::Class { body, .. } => walk(body, f),
        StmtKind::Include { args, .. } => {
            for a in args.iter().flat_map(|d| d.items.iter()) {
                walk_expr(a, f);
            }
        }
        StmtKind::Panic { args } => {
            for a in &args.items {
                walk_expr(a, f);
            }
        }
        StmtKind::Import { .. } | StmtKind::Error => {}
    }
}

/// Calls `f` on `e` and then on every node inside it.
pub fn walk_expr<'a>(e: &'a Expr, f: &mut impl FnMut(Node<'a>)) {
    f(Node::Expr(e));
    match &e.kind {
        ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) | ExprKind::Var(_) | ExprKind::Error => {}
        ExprKind::List(items) => items.items.iter().for_each(|x| walk_expr(x, f)),
        ExprKind::Map(items) => {
            for kv in &items.items {
                walk_expr(&kv.key, f);
                walk_expr(&kv.value, f);
            }
        }
        ExprKind::Struct(items) => items.items.iter().for_each(|x| walk_expr(&x.value, f)),
        ExprKind::Call { args, .. } | ExprKind::CallVar { args, .. } => args.items.iter().for_each(|x| walk_expr(x, f)),
        ExprKind::CallLambda { func, args } => {
            f(Node::Lambda(func));
            walk_expr(&func.body, f);
            args.items.iter().for_each(|x| walk_expr(x, f));
        }
        ExprKind::Lambda(func) => {
            f(Node::Lambda(func));
            walk_expr(&func.body, f);
        }
        ExprKind::If { cond, then_value, else_value, .. } => {
            walk_expr(cond, f);
            walk_expr(then_value, f);
            walk_expr(else_value, f);
        }
        ExprKind::Paren(x) | ExprKind::Not(x) => walk_expr(x, f),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Except { lhs, rhs } => {
            walk_expr(lhs, f);
            walk_expr(rhs, f);
        }
        ExprKind::Index { base, index } => {
            walk_expr(base, f);
            walk_expr(index, f);
        }
        ExprKind::Field { base, .. } => walk_expr(base, f),
        ExprKind::FieldOr { base, default, .. } => {
            walk_expr(base, f);
            walk_expr(default, f);
        }
    }
}

//! Walking the syntax tree: every expression of a block, in source order, mutably or not.

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

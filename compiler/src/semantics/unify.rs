//! The unify phase: type inference over the HIR.
//!
//! Types are solved with union-find unification (with an occurs check). mcl's polymorphism comes
//! from instantiation, so the checker walks the program per instance: a class body is typed per
//! `include` (each in its own environment whose parent is the class's definition site), a `func`
//! statement per call, builtins per call site. A bind is typed lazily, once per environment, when
//! first used — an unused bind is never typed, as in mgmt. Constraints that need a resolved type
//! first (struct field and index lookups, operator and builtin forms, `->f <|> d`) are deferred
//! and solved to a fixpoint; whatever stays unresolved is reported as ambiguous.

use crate::diagnostics::{Diagnostic, Label, Phase};
use crate::registry::{functions, resources, suggest};
use crate::semantics::hir::*;
use crate::source::{FileId, Span};
use crate::types::{FuncType, Type};
use smol_str::SmolStr;
// foldhash, not SipHash: the keys are our own indices and names, and hashing was ~10% of a check.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::fmt;

/// Diagnostic codes of the unify phase.
pub mod codes {
    /// Two types that must be equal are not.
    pub const MISMATCH: &str = "E0601";
    /// A type that can't be inferred.
    pub const AMBIGUOUS: &str = "E0602";
    /// A call with the wrong number of arguments.
    pub const ARITY: &str = "E0603";
    /// A builtin used with types it doesn't accept (`len(1)`, `true + false`).
    pub const BAD_FORM: &str = "E0604";
    /// An unknown resource kind.
    pub const UNKNOWN_KIND: &str = "E0605";
    /// An unknown resource field.
    pub const UNKNOWN_FIELD: &str = "E0606";
    /// A struct field that doesn't exist.
    pub const NO_SUCH_FIELD: &str = "E0607";
    /// An edge statement with one half, or a bad send/recv pair.
    pub const BAD_EDGE: &str = "E0608";
    /// A `fmt.printf` format that doesn't match its arguments.
    pub const PRINTF: &str = "E0609";
    /// A type that refers to itself (`?1 = []?1`).
    pub const RECURSIVE_TYPE: &str = "E0610";
}

/// The result of type checking.
#[derive(Debug, Default)]
pub struct Typed {
    /// The type of every expression that was type-checked (the first instance's, for code
    /// instantiated several times), fully resolved as far as inference got.
    pub expr_types: HashMap<ExprIdx, Type>,
    /// The type of every bind and parameter that was type-checked.
    pub def_types: HashMap<DefIdx, Type>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Type-checks the program.
pub fn check(hir: &Hir) -> Typed {
    let mut c = Checker::new(hir);
    let root = c.new_env(None, hir.entry);
    c.check_scope(root);
    c.solve_deferred(true);
    c.report_ambiguous();
    // Unused top-level binds are never type-checked (as in mgmt), but an editor still wants their
    // types: infer them quietly, after everything was decided and reported.
    let reported = c.diags.len();
    for (i, def) in hir.defs.iter().enumerate() {
        let d = DefIdx(i as u32);
        if matches!(def.kind, DefKind::Bind { .. }) && def.scope == hir.entry && !c.envs[root].binds.contains_key(&d) {
            c.bind_type(root, d);
        }
    }
    c.solve_deferred(false);
    c.diags.truncate(reported);
    c.finish()
}

type EnvId = usize;

/// One instance of a statement list: the types of its binds, parameters and loop variables.
struct Env {
    parent: Option<EnvId>,
    scope: ScopeIdx,
    binds: HashMap<DefIdx, Option<Type>>,
    params: HashMap<DefIdx, Type>,
    /// Instance environments of this env's `include … as` aliases.
    instances: HashMap<DefIdx, Option<EnvId>>,
    /// Include statements already checked (by index).
    included: HashSet<usize>,
}

/// Lambda and function parameters of the function instance being checked.
type Locals = Vec<(DefIdx, Type)>;

/// A constraint that waits until some type is known.
enum Deferred {
    /// `base->field` has type `result`.
    Field { base: Type, field: SmolStr, result: Type, file: FileId, span: Span },
    /// `base->field <|> default`: the field's type if the struct has it, else the default's.
    FieldOr { base: Type, field: SmolStr, default: Type, result: Type, file: FileId, span: Span },
    /// `base[index]` has type `result`.
    Lookup { base: Type, index: Type, result: Type, file: FileId, span: Span },
    /// The call's instantiated signature must match one of the builtin's forms.
    Form { func: &'static functions::FunctionDef, sig: Type, file: FileId, span: Span },
    /// `==`/`!=` operands must be comparable.
    Comparable { ty: Type, file: FileId, span: Span },
    /// A map's key type must be hashable.
    Hashable { ty: Type, file: FileId, span: Span },
}

struct Checker<'h> {
    hir: &'h Hir,
    /// Union-find: a variable's binding (another variable or a type) and where it came from.
    bindings: Vec<Option<Type>>,
    origins: Vec<Option<(FileId, Span)>>,
    envs: Vec<Env>,
    module_envs: HashMap<ScopeIdx, EnvId>,
    deferred: Vec<Deferred>,
    expr_types: Vec<(ExprIdx, Type)>,
    def_types: Vec<(DefIdx, Type)>,
    diags: Vec<Diagnostic>,
    /// Expressions already reported, to say one thing once.
    reported: HashSet<(FileId, u32)>,
    /// The include argument that gave each class parameter its value (first include).
    param_args: HashMap<DefIdx, ExprIdx>,
    /// While trying a unification that will be undone: the variables it bound.
    trail: Option<Vec<u32>>,
}

impl<'h> Checker<'h> {
    fn new(hir: &'h Hir) -> Checker<'h> {
        Checker {
            hir,
            // Sized from the program: about one type variable per expression.
            bindings: Vec::with_capacity(hir.exprs.len()),
            origins: Vec::with_capacity(hir.exprs.len()),
            envs: Vec::new(),
            module_envs: HashMap::new(),
            deferred: Vec::new(),
            expr_types: Vec::with_capacity(hir.exprs.len()),
            def_types: Vec::with_capacity(hir.defs.len()),
            diags: Vec::new(),
            reported: HashSet::new(),
            param_args: HashMap::new(),
            trail: None,
        }
    }

    fn error(&mut self, code: &'static str, file: FileId, span: Span, message: impl Into<String>) -> Option<&mut Diagnostic> {
        if !self.reported.insert((file, span.start)) {
            return None;
        }
        self.diags.push(Diagnostic::error(Phase::Unify, code, file, span, message));
        self.diags.last_mut()
    }

    // -----------------------------------------------------------------------------------------
    // Unification

    fn fresh(&mut self) -> Type {
        self.bindings.push(None);
        self.origins.push(None);
        Type::Var(self.bindings.len() as u32 - 1)
    }

    /// Follows variable bindings at the top of `t`.
    fn shallow(&self, t: &Type) -> Type {
        self.resolved(t).clone()
    }

    /// [`Self::shallow`] without the copy: the type that `t` stands for at its top.
    fn resolved<'t>(&'t self, mut t: &'t Type) -> &'t Type {
        while let Type::Var(v) = t {
            match self.bindings.get(*v as usize) {
                Some(Some(next)) => t = next,
                _ => break,
            }
        }
        t
    }

    /// Substitutes every bound variable in `t`.
    fn zonk(&self, t: &Type) -> Type {
        match self.resolved(t) {
            Type::List(e) => Type::list(self.zonk(e)),
            Type::Map(k, v) => Type::map(self.zonk(k), self.zonk(v)),
            Type::Struct(fields) => Type::Struct(fields.iter().map(|(n, t)| (n.clone(), self.zonk(t))).collect()),
            Type::Func(f) => Type::Func(Box::new(FuncType { params: f.params.iter().map(|(n, t)| (n.clone(), self.zonk(t))).collect(), ret: self.zonk(&f.ret) })),
            other => other.clone(),
        }
    }

    fn occurs(&self, v: u32, t: &Type) -> bool {
        match self.resolved(t) {
            Type::Var(w) => v == *w,
            Type::List(e) => self.occurs(v, e),
            Type::Map(k, val) => self.occurs(v, k) || self.occurs(v, val),
            Type::Struct(fields) => fields.iter().any(|(_, t)| self.occurs(v, t)),
            Type::Func(f) => f.params.iter().any(|(_, t)| self.occurs(v, t)) || self.occurs(v, &f.ret),
            _ => false,
        }
    }

    /// Unifies two types; on failure returns a short reason. `origin` is recorded on variables
    /// that get bound, to explain later conflicts.
    fn unify(&mut self, a: &Type, b: &Type, origin: (FileId, Span)) -> Result<(), String> {
        // Most unifications bind a variable or meet two equal scalars: decide those on the
        // resolved types in place, and copy only to descend into two compound types.
        let (ra, rb) = (self.resolved(a), self.resolved(b));
        match (ra, rb) {
            (Type::Var(x), Type::Var(y)) if x == y => return Ok(()),
            (Type::Var(x), _) => return self.bind(*x, rb.clone(), origin),
            (_, Type::Var(y)) => return self.bind(*y, ra.clone(), origin),
            (Type::Variant, _) | (_, Type::Variant) => return Ok(()),
            (Type::Bool, Type::Bool) | (Type::Str, Type::Str) | (Type::Int, Type::Int) | (Type::Float, Type::Float) => return Ok(()),
            _ => {}
        }
        let (a, b) = (ra.clone(), rb.clone());
        match (&a, &b) {
            (Type::List(x), Type::List(y)) => self.unify(x, y, origin),
            (Type::Map(k1, v1), Type::Map(k2, v2)) => {
                self.unify(k1, k2, origin)?;
                self.unify(v1, v2, origin)
            }
            (Type::Struct(f1), Type::Struct(f2)) => {
                if f1.len() != f2.len() {
                    return Err("the structs have different numbers of fields".into());
                }
                for ((n1, t1), (n2, t2)) in f1.iter().zip(f2) {
                    if n1 != n2 {
                        return Err(format!("struct fields differ: `{n1}` vs `{n2}` (field names and order are part of a struct type)"));
                    }
                    self.unify(t1, t2, origin)?;
                }
                Ok(())
            }
            (Type::Func(f1), Type::Func(f2)) => {
                if f1.params.len() != f2.params.len() {
                    return Err(format!("one function takes {} arguments, the other {}", f1.params.len(), f2.params.len()));
                }
                for ((_, t1), (_, t2)) in f1.params.iter().zip(&f2.params) {
                    self.unify(t1, t2, origin)?;
                }
                self.unify(&f1.ret, &f2.ret, origin)
            }
            _ => Err(String::new()),
        }
    }

    fn bind(&mut self, v: u32, t: Type, origin: (FileId, Span)) -> Result<(), String> {
        if self.occurs(v, &t) {
            return Err("the type would contain itself".into());
        }
        if !matches!(t, Type::Var(_)) {
            self.origins[v as usize] = Some(origin);
        }
        self.bindings[v as usize] = Some(t);
        if let Some(trail) = &mut self.trail {
            trail.push(v);
        }
        Ok(())
    }

    /// Requires `actual` (the type of the thing at `span`) to be `expected`; reports a mismatch.
    fn expect(&mut self, expected: &Type, actual: &Type, file: FileId, span: Span, context: fmt::Arguments<'_>) {
        let origin_expected = self.origin_of(expected);
        let origin_actual = self.origin_of(actual);
        if let Err(reason) = self.unify(expected, actual, (file, span)) {
            let (e, a) = (self.zonk(expected), self.zonk(actual));
            let occurs = reason.contains("contain itself");
            let message = if occurs {
                format!("{context}: the type would be infinite (`{a}` must contain itself)")
            } else {
                format!("{context}: expected `{e}`, found `{a}`")
            };
            let code = if occurs { codes::RECURSIVE_TYPE } else { codes::MISMATCH };
            let mut labels = Vec::new();
            if let Some((f, s)) = origin_expected
                && s != span
            {
                labels.push(Label { file: f, span: s, message: format!("`{e}` comes from here") });
            }
            if let Some((f, s)) = origin_actual
                && s != span
            {
                labels.push(Label { file: f, span: s, message: format!("`{a}` comes from here") });
            }
            if let Some(d) = self.error(code, file, span, message) {
                d.labels = labels;
                if !reason.is_empty() && !occurs {
                    d.help = Some(reason);
                } else if e == Type::Float && a == Type::Int || e == Type::Int && a == Type::Float {
                    d.help = Some("mcl never converts between int and float; write `1.0` for a float, or use `convert.to_float`/`convert.to_int`".into());
                } else if e == Type::Str && matches!(a, Type::Int | Type::Float | Type::Bool) {
                    d.help = Some("mcl never converts to str implicitly; use `fmt.printf(\"%d\", …)` or `convert.format_*`".into());
                }
            }
        }
    }

    fn origin_of(&self, t: &Type) -> Option<(FileId, Span)> {
        let mut t = t;
        while let Type::Var(v) = t {
            if let Some(o) = self.origins.get(*v as usize).copied().flatten() {
                return Some(o);
            }
            match self.bindings.get(*v as usize) {
                Some(Some(next)) => t = next,
                _ => return None,
            }
        }
        None
    }

    /// A copy of `t` with its (table) variables replaced by fresh ones.
    fn instantiate(&mut self, t: &Type) -> Type {
        // Signatures have a handful of variables: a linear scan beats hashing.
        let map: Vec<(u32, Type)> = t.vars().into_iter().map(|v| (v, self.fresh())).collect();
        if map.is_empty() {
            return t.clone();
        }
        t.substitute(&|v| map.iter().find(|(w, _)| *w == v).map(|(_, t)| t.clone()))
    }

    /// A type for a resource field: `variant` fields accept anything.
    fn field_type(&mut self, f: &resources::FieldDef) -> Type {
        match resources::field_type(f) {
            Type::Variant => self.fresh(),
            t => t,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Environments and statements

impl Checker<'_> {
    fn new_env(&mut self, parent: Option<EnvId>, scope: ScopeIdx) -> EnvId {
        self.envs.push(Env { parent, scope, binds: HashMap::new(), params: HashMap::new(), instances: HashMap::new(), included: HashSet::new() });
        self.envs.len() - 1
    }

    /// The environment (on `from`'s chain, or a module's) that holds the definitions of `scope`.
    fn env_for(&mut self, from: EnvId, scope: ScopeIdx) -> Option<EnvId> {
        let mut cur = Some(from);
        while let Some(e) = cur {
            if self.envs[e].scope == scope {
                return Some(e);
            }
            cur = self.envs[e].parent;
        }
        // A definition in an imported module: its one environment.
        let root = self.hir.module_root(scope);
        let module_env = match self.module_envs.get(&root) {
            Some(&e) => e,
            None => {
                let e = self.new_env(None, root);
                self.module_envs.insert(root, e);
                e
            }
        };
        if root == scope {
            return Some(module_env);
        }
        None
    }

    /// The environment holding `path.def`, walking through its include-as aliases.
    fn path_env(&mut self, from: EnvId, path: &Path) -> Option<EnvId> {
        let mut cur = from;
        for &alias in &path.via {
            let alias_env = self.env_for(cur, self.hir.def(alias).scope)?;
            cur = self.instance(alias_env, alias)?;
        }
        self.env_for(cur, self.hir.def(path.def).scope)
    }

    /// The class instance created by the include-as `alias` in `env` (checked on first use).
    fn instance(&mut self, env: EnvId, alias: DefIdx) -> Option<EnvId> {
        if let Some(known) = self.envs[env].instances.get(&alias) {
            return *known;
        }
        self.envs[env].instances.insert(alias, None);
        let DefKind::IncludeAlias { stmt } = self.hir.def(alias).kind else { return None };
        let scope = self.hir.def(alias).scope;
        let Some(Stmt::Include(include)) = self.hir.scope(scope).stmts.get(stmt) else { return None };
        let instance = self.check_include(env, stmt, include);
        self.envs[env].instances.insert(alias, instance);
        instance
    }

    fn check_scope(&mut self, env: EnvId) {
        let scope = self.envs[env].scope;
        let hir = self.hir;
        for (index, stmt) in hir.scope(scope).stmts.iter().enumerate() {
            self.check_stmt(env, index, stmt);
        }
    }

    fn check_stmt(&mut self, env: EnvId, index: usize, stmt: &Stmt) {
        match stmt {
            Stmt::Resource(res) => self.check_resource(env, res),
            Stmt::Edge { halves, span } => {
                let file = self.hir.scope(self.envs[env].scope).file;
                for half in halves {
                    self.check_name(env, half.name, false);
                }
                if halves.len() == 1 {
                    if let Some(d) = self.error(codes::BAD_EDGE, file, *span, "an edge needs two halves") {
                        d.help = Some("write `Kind1[\"a\"] -> Kind2[\"b\"]`; a resource on its own is written with a body: `kind \"name\" {}`".into());
                    }
                } else if let [a, b] = &halves[..]
                    && let (Some(send), Some(recv)) = (&a.port, &b.port)
                    && let Err(e) = resources::check_send_recv(&a.kind.text, &send.text, &b.kind.text, &recv.text)
                {
                    self.error(codes::BAD_EDGE, file, *span, format!("send/recv `{}[…].{}` → `{}[…].{}`: {e}", a.kind.text, send.text, b.kind.text, recv.text));
                }
            }
            Stmt::If { cond, then_scope, else_scope } => {
                let t = self.infer(env, &mut Vec::new(), *cond);
                self.expect_expr(&Type::Bool, &t, *cond, format_args!("the condition of an `if`"));
                let then_env = self.new_env(Some(env), *then_scope);
                self.check_scope(then_env);
                if let Some(s) = else_scope {
                    let else_env = self.new_env(Some(env), *s);
                    self.check_scope(else_env);
                }
            }
            Stmt::For { iter, kv, body, .. } => {
                let t = self.infer(env, &mut Vec::new(), *iter);
                let body_env = self.new_env(Some(env), *body);
                let value = self.fresh();
                let (expected, key) = if *kv {
                    let key = self.fresh();
                    (Type::map(key.clone(), value.clone()), key)
                } else {
                    (Type::list(value.clone()), Type::Int)
                };
                self.expect_expr(&expected, &t, *iter, format_args!("{}", if *kv { "`forkv` iterates over a map" } else { "`for` iterates over a list" }));
                let params = self.hir.scope(*body).params.clone();
                if let [k, v] = params[..] {
                    self.envs[body_env].params.insert(k, key.clone());
                    self.envs[body_env].params.insert(v, value.clone());
                    self.def_types.push((k, key));
                    self.def_types.push((v, value));
                }
                self.check_scope(body_env);
            }
            Stmt::Include(include) => {
                if include.alias.is_some() {
                    if let Some(alias) = include.alias {
                        self.instance(env, alias);
                    }
                } else if !self.envs[env].included.contains(&index) {
                    self.check_include(env, index, include);
                }
            }
            Stmt::Panic { args, span } => {
                let file = self.hir.scope(self.envs[env].scope).file;
                let name = if args.len() == 2 { "panic_debug" } else { "panic" };
                if let Some(f) = functions::lookup("", name) {
                    self.call_builtin(env, &mut Vec::new(), f, args, file, *span);
                }
            }
        }
    }

    /// Instantiates the class of an include: a new environment under the class's definition
    /// site, its parameters typed by the arguments, its body checked.
    fn check_include(&mut self, env: EnvId, index: usize, include: &Include) -> Option<EnvId> {
        self.envs[env].included.insert(index);
        let file = self.hir.scope(self.envs[env].scope).file;
        let arg_types: Vec<(ExprIdx, Type)> = include.args.iter().flatten().map(|&a| (a, self.infer(env, &mut Vec::new(), a))).collect();
        let class = include.class.as_ref()?;
        let def_env = self.path_env(env, class)?;
        let DefKind::Class { params, body } = &self.hir.def(class.def).kind else { return None };
        let instance = self.new_env(Some(def_env), *body);
        for (i, &p) in params.iter().flatten().enumerate() {
            let declared = match &self.hir.def(p).kind {
                DefKind::Param { ty: Some(t) } => Some(t.clone()),
                _ => None,
            };
            let ty = match (arg_types.get(i), declared) {
                (Some((arg, t)), Some(d)) => {
                    let name = self.hir.def(p).name.clone();
                    self.expect_expr(&d, t, *arg, format_args!("argument `${name}` of class `{}`", include.name.text));
                    d
                }
                (Some((_, t)), None) => t.clone(),
                (None, Some(d)) => d,
                (None, None) => self.fresh(),
            };
            if let Some((arg, _)) = arg_types.get(i) {
                self.param_args.entry(p).or_insert(*arg);
            }
            self.def_types.push((p, ty.clone()));
            self.envs[instance].params.insert(p, ty);
        }
        let _ = file;
        self.check_scope(instance);
        Some(instance)
    }

    /// Types a resource or edge name: `str` when statically a string, else `[]str` (mgmt's rule);
    /// for `collect`, also `[]struct{name str; host str}`.
    fn check_name(&mut self, env: EnvId, name: ExprIdx, collect: bool) {
        let t = self.infer(env, &mut Vec::new(), name);
        let collect_type = Type::list(Type::Struct(vec![("name".into(), Type::Str), ("host".into(), Type::Str)]));
        let expected = match self.static_type(name, 0) {
            Some(Type::Str) => Type::Str,
            Some(s) if collect && s == collect_type => collect_type,
            _ if collect => {
                let z = self.zonk(&t);
                if z == collect_type { collect_type } else { Type::list(Type::Str) }
            }
            _ => Type::list(Type::Str),
        };
        let context = if expected == Type::list(Type::Str) { "the name (a list of names unless statically a string)" } else { "the resource name" };
        let errors = self.diags.len();
        self.expect_expr(&expected, &t, name, format_args!("{context}"));
        if self.diags.len() > errors && self.zonk(&t) == Type::Str && expected != Type::Str
            && let Some(d) = self.diags.last_mut()
        {
            d.help = Some("a name is a single `str` only when that is known without running the program (a string literal, an interpolated string, a variable bound to one); otherwise it must be a `[]str`: wrap it in a list, e.g. `test [fmt.printf(…)] {}`".into());
        }
    }

    fn check_resource(&mut self, env: EnvId, res: &Resource) {
        let file = self.hir.scope(self.envs[env].scope).file;
        self.check_name(env, res.name, res.collect);
        let kind = resources::kind(&res.kind.text);
        if kind.is_none() {
            let names: Vec<&str> = resources::kinds().iter().filter(|k| !k.name.starts_with('_')).map(|k| k.name).collect();
            let hint = suggest::did_you_mean(&res.kind.text, names.iter().copied());
            if let Some(d) = self.error(codes::UNKNOWN_KIND, file, res.kind.span, format!("unknown resource kind `{}`", res.kind.text))
                && let Some(h) = hint
            {
                *d = d.clone().with_suggestion(res.kind.span, h, h);
            }
        }
        for entry in &res.entries {
            if let Some(cond) = entry.cond {
                let t = self.infer(env, &mut Vec::new(), cond);
                self.expect_expr(&Type::Bool, &t, cond, format_args!("the condition before `?:`"));
            }
            match &entry.kind {
                EntryKind::Field { name, value } => {
                    let t = self.infer(env, &mut Vec::new(), *value);
                    let Some(kind) = kind else { continue };
                    match kind.field(&name.text) {
                        Some(field) => {
                            let expected = self.field_type(field);
                            self.expect_expr(&expected, &t, *value, format_args!("field `{}` of `{}`", name.text, kind.name));
                        }
                        None => {
                            let hint = suggest::did_you_mean(&name.text, kind.fields.iter().map(|f| f.name));
                            if let Some(d) = self.error(codes::UNKNOWN_FIELD, file, name.span, format!("field `{}` does not exist in `{}` resource", name.text, kind.name)) {
                                *d = match hint {
                                    Some(h) => d.clone().with_suggestion(name.span, h, h),
                                    None => d.clone().with_help(format!("`{}` has: {}", kind.name, kind.fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", "))),
                                };
                            }
                        }
                    }
                }
                EntryKind::MetaParam { name, value } => {
                    let t = self.infer(env, &mut Vec::new(), *value);
                    if let Some(p) = resources::meta_param(&name.text) {
                        let expected = resources::meta_param_type(p);
                        self.expect_expr(&expected, &t, *value, format_args!("`Meta:{}`", p.name));
                    }
                }
                EntryKind::Meta { value } => {
                    let t = self.infer(env, &mut Vec::new(), *value);
                    self.expect_expr(&resources::meta_struct_type(), &t, *value, format_args!("`Meta` (the full meta-param struct)"));
                }
                EntryKind::Edge { target, .. } => self.check_name(env, target.name, false),
            }
        }
    }

    fn expect_expr(&mut self, expected: &Type, actual: &Type, e: ExprIdx, context: fmt::Arguments<'_>) {
        let (file, span) = (self.hir.expr(e).file, self.hir.expr(e).span);
        self.expect(expected, actual, file, span, context);
    }
}

// ---------------------------------------------------------------------------------------------
// Expressions

impl Checker<'_> {
    fn infer(&mut self, env: EnvId, locals: &mut Locals, e: ExprIdx) -> Type {
        let t = self.infer_inner(env, locals, e);
        self.expr_types.push((e, t.clone()));
        t
    }

    fn infer_inner(&mut self, env: EnvId, locals: &mut Locals, e: ExprIdx) -> Type {
        let hir = self.hir;
        let expr = hir.expr(e);
        let (file, span) = (expr.file, expr.span);
        match &expr.kind {
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::Int(_) => Type::Int,
            ExprKind::Float(_) => Type::Float,
            ExprKind::Str(_) => Type::Str,
            ExprKind::Interpolated(parts) => {
                for &p in parts {
                    let t = self.infer(env, locals, p);
                    self.expect_expr(&Type::Str, &t, p, format_args!("a variable interpolated into a string must be a `str`"));
                }
                Type::Str
            }
            ExprKind::List(items) => {
                let elem = self.fresh();
                for &i in items {
                    let t = self.infer(env, locals, i);
                    self.expect_expr(&elem, &t, i, format_args!("list elements must all have one type"));
                }
                Type::list(elem)
            }
            ExprKind::Map(items) => {
                let (k, v) = (self.fresh(), self.fresh());
                for &(key, value) in items {
                    let kt = self.infer(env, locals, key);
                    self.expect_expr(&k, &kt, key, format_args!("map keys must all have one type"));
                    let vt = self.infer(env, locals, value);
                    self.expect_expr(&v, &vt, value, format_args!("map values must all have one type"));
                }
                self.deferred.push(Deferred::Hashable { ty: k.clone(), file, span });
                Type::map(k, v)
            }
            ExprKind::Struct(fields) => Type::Struct(fields.iter().map(|(n, v)| (n.clone(), self.infer(env, locals, *v))).collect()),
            ExprKind::Var(VarRef::Builtin(c)) => c.ty(),
            ExprKind::Var(VarRef::Def(path)) => self.var_type(env, locals, path),
            ExprKind::Call { callee, args } => match callee {
                Callee::Builtin(f) => self.call_builtin(env, locals, f, args, file, span),
                Callee::Func(path) => self.call_func(env, locals, path, args, file, span),
                Callee::Value(f) => {
                    let ft = self.infer(env, locals, *f);
                    let arg_types: Vec<Type> = args.iter().map(|&a| self.infer(env, locals, a)).collect();
                    let ret = self.fresh();
                    let call = Type::func(arg_types, ret.clone());
                    let errors = self.diags.len();
                    self.expect(&ft, &call, file, span, format_args!("the called function"));
                    if self.diags.len() > errors
                        && let Some((def_file, def_span)) = self.function_site(*f)
                        && let Some(d) = self.diags.last_mut()
                    {
                        d.labels.push(Label { file: def_file, span: def_span, message: "the function is defined here (a function held in a variable has one type for all its uses)".into() });
                    }
                    ret
                }
            },
            ExprKind::Lambda(lambda) => self.lambda_type(env, locals, lambda),
            ExprKind::If { cond, then_value, else_value } => {
                let c = self.infer(env, locals, *cond);
                self.expect_expr(&Type::Bool, &c, *cond, format_args!("the condition of an `if`"));
                let a = self.infer(env, locals, *then_value);
                let b = self.infer(env, locals, *else_value);
                self.expect_expr(&a, &b, *else_value, format_args!("both branches of an `if` expression must have one type"));
                a
            }
            ExprKind::Except { lhs, rhs } => {
                let a = self.infer(env, locals, *lhs);
                let b = self.infer(env, locals, *rhs);
                self.expect_expr(&a, &b, *rhs, format_args!("both sides of `<|>` must have one type"));
                a
            }
            ExprKind::FieldOr { base, field, default } => {
                let base = self.infer(env, locals, *base);
                let default = self.infer(env, locals, *default);
                let result = self.fresh();
                self.deferred.push(Deferred::FieldOr { base, field: field.text.clone(), default, result: result.clone(), file, span });
                result
            }
            ExprKind::Error => self.fresh(),
        }
    }

    fn var_type(&mut self, env: EnvId, locals: &mut Locals, path: &Path) -> Type {
        let def = self.hir.def(path.def);
        match &def.kind {
            DefKind::Param { .. } | DefKind::LoopKey | DefKind::LoopValue if path.via.is_empty() => {
                if let Some((_, t)) = locals.iter().rev().find(|(d, _)| *d == path.def) {
                    return t.clone();
                }
                let scope = def.scope;
                match self.env_for(env, scope).and_then(|e| self.envs[e].params.get(&path.def).cloned()) {
                    Some(t) => t,
                    None => self.fresh(),
                }
            }
            DefKind::Param { .. } | DefKind::LoopKey | DefKind::LoopValue => match self.path_env(env, path) {
                Some(e) => self.envs[e].params.get(&path.def).cloned().unwrap_or_else(|| self.fresh()),
                None => self.fresh(),
            },
            DefKind::Bind { .. } => match self.path_env(env, path) {
                Some(e) => self.bind_type(e, path.def),
                None => self.fresh(),
            },
            _ => self.fresh(),
        }
    }

    /// Where the function value `f` comes from: a bound lambda, or a parameter.
    fn function_site(&self, f: ExprIdx) -> Option<(FileId, Span)> {
        let ExprKind::Var(VarRef::Def(path)) = &self.hir.expr(f).kind else {
            let x = self.hir.expr(f);
            return Some((x.file, x.span));
        };
        let def = self.hir.def(path.def);
        let value = match &def.kind {
            DefKind::Bind { value, .. } => Some(*value),
            DefKind::Param { .. } => self.param_args.get(&path.def).copied(),
            _ => None,
        };
        match value {
            Some(v) => Some((self.hir.expr(v).file, self.hir.expr(v).span)),
            None => Some((def.file, def.span)),
        }
    }

    /// The type of a bind in an environment, inferred on first use.
    fn bind_type(&mut self, env: EnvId, def: DefIdx) -> Type {
        match self.envs[env].binds.get(&def) {
            Some(Some(t)) => return t.clone(),
            Some(None) => return self.fresh(), // a cycle; the scope phase reported it
            None => {}
        }
        self.envs[env].binds.insert(def, None);
        let DefKind::Bind { ty, value } = &self.hir.def(def).kind else { return self.fresh() };
        let t = self.infer(env, &mut Vec::new(), *value);
        if let Some(declared) = ty {
            let name = self.hir.def(def).name.clone();
            self.expect_expr(declared, &t, *value, format_args!("`${name}` is declared as `{declared}`"));
        }
        self.envs[env].binds.insert(def, Some(t.clone()));
        self.def_types.push((def, t.clone()));
        t
    }

    fn lambda_type(&mut self, env: EnvId, locals: &mut Locals, lambda: &Lambda) -> Type {
        let mark = locals.len();
        let mut params = Vec::new();
        for &p in &lambda.params {
            let t = match &self.hir.def(p).kind {
                DefKind::Param { ty: Some(t) } => t.clone(),
                _ => self.fresh(),
            };
            self.def_types.push((p, t.clone()));
            locals.push((p, t.clone()));
            params.push((Some(self.hir.def(p).name.clone()), t));
        }
        let body = self.infer(env, locals, lambda.body);
        locals.truncate(mark);
        if let Some(ret) = &lambda.ret {
            self.expect_expr(ret, &body, lambda.body, format_args!("the function's declared return type"));
        }
        Type::Func(Box::new(FuncType { params, ret: lambda.ret.clone().unwrap_or(body) }))
    }

    /// A call of a `func` statement: its body is typed afresh for each call (let-polymorphism).
    fn call_func(&mut self, env: EnvId, locals: &mut Locals, path: &Path, args: &[ExprIdx], file: FileId, span: Span) -> Type {
        let arg_types: Vec<Type> = args.iter().map(|&a| self.infer(env, locals, a)).collect();
        let Some(def_env) = self.path_env(env, path) else { return self.fresh() };
        let def = self.hir.def(path.def);
        let DefKind::Func(lambda) = &def.kind else { return self.fresh() };
        if lambda.params.len() != args.len() {
            self.error(codes::ARITY, file, span, format!("func `{}` takes {} argument{} but {} were given", def.name, lambda.params.len(), if lambda.params.len() == 1 { "" } else { "s" }, args.len()));
            return self.fresh();
        }
        let ft = self.lambda_type(def_env, &mut Vec::new(), lambda);
        let ret = self.fresh();
        let call = Type::func(arg_types, ret.clone());
        self.expect(&ft, &call, file, span, format_args!("the call of `{}`", def.name));
        ret
    }

    fn call_builtin(&mut self, env: EnvId, locals: &mut Locals, f: &'static functions::FunctionDef, args: &[ExprIdx], file: FileId, span: Span) -> Type {
        let arg_types: Vec<Type> = args.iter().map(|&a| self.infer(env, locals, a)).collect();
        // Displays as the qualified name, formatted only into a message that is really needed.
        let name: &dyn fmt::Display = f;
        match (f.module, f.name) {
            ("", "_struct_lookup") => {
                let field = match args.get(1).map(|&a| &self.hir.expr(a).kind) {
                    Some(ExprKind::Str(s)) => SmolStr::new(s),
                    _ => return self.fresh(),
                };
                let result = self.fresh();
                self.deferred.push(Deferred::Field { base: arg_types[0].clone(), field, result: result.clone(), file, span });
                return result;
            }
            ("", "_lookup") if arg_types.len() == 2 => {
                let result = self.fresh();
                self.deferred.push(Deferred::Lookup { base: arg_types[0].clone(), index: arg_types[1].clone(), result: result.clone(), file, span });
                return result;
            }
            ("fmt", "printf") if !args.is_empty() => {
                if let Some(format) = self.static_str(args[0], 0) {
                    return self.check_printf(&format, args, &arg_types, file, span);
                }
            }
            _ => {}
        }
        let Some(sig) = functions::call_signature(f, args.len()) else {
            let want = match f.max_args {
                Some(max) if max == f.min_args => format!("{max}"),
                Some(max) => format!("{} to {max}", f.min_args),
                None => format!("at least {}", f.min_args),
            };
            self.error(codes::ARITY, file, span, format!("`{name}` takes {want} argument{} but {} were given", if want == "1" { "" } else { "s" }, args.len()));
            return self.fresh();
        };
        let sig = self.instantiate(&sig);
        let Type::Func(ft) = &sig else { return self.fresh() };
        for (i, (&a, t)) in args.iter().zip(&arg_types).enumerate() {
            if let Some((pname, expected)) = ft.params.get(i) {
                match pname {
                    Some(p) => self.expect_expr(expected, t, a, format_args!("argument `{p}` of `{name}`")),
                    None => self.expect_expr(expected, t, a, format_args!("argument {} of `{name}`", i + 1)),
                }
            }
        }
        if f.operator && (f.name == "==" || f.name == "!=") {
            if let Some(t) = arg_types.first() {
                self.deferred.push(Deferred::Comparable { ty: t.clone(), file, span });
            }
        } else if functions::forms(f).iter().any(|form| form.as_func().map(|x| x.params.len()) == Some(args.len())) {
            self.deferred.push(Deferred::Form { func: f, sig: sig.clone(), file, span });
        }
        if f.module == "encoding" && f.name.starts_with("decode_json") && args.len() == 2 {
            // The second argument names the result type: `decode_json($s, "map{str: int}")`.
            if let Some(text) = self.static_str(args[1], 0)
                && let Ok(t) = crate::types::parse(&text.replace(";}", "}"))
            {
                let ret = ft.ret.clone();
                self.expect(&t, &ret, file, span, format_args!("the decoded value"));
            }
        }
        ft.ret.clone()
    }

    fn check_printf(&mut self, format: &str, args: &[ExprIdx], arg_types: &[Type], file: FileId, span: Span) -> Type {
        let mut verbs = Vec::new();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                continue;
            }
            match chars.next() {
                Some('%') => {}
                Some('t') => verbs.push(Some(Type::Bool)),
                Some('s') | Some('q') => verbs.push(Some(Type::Str)),
                Some('d') => verbs.push(Some(Type::Int)),
                Some('f') => verbs.push(Some(Type::Float)),
                Some('v') | Some('T') => verbs.push(None),
                other => {
                    let shown = other.map_or("%".to_string(), |c| format!("%{c}"));
                    if let Some(d) = self.error(codes::PRINTF, file, span, format!("`fmt.printf` doesn't support the verb `{shown}`")) {
                        d.help = Some("the verbs are %t (bool), %s and %q (str), %d (int), %f (float), %v and %T (any), and %% for a literal %; no width or precision".into());
                    }
                    return Type::Str;
                }
            }
        }
        if verbs.len() != args.len() - 1 {
            if let Some(d) = self.error(codes::PRINTF, file, span, format!("the format has {} verb{} but {} value{} follow{}", verbs.len(), if verbs.len() == 1 { "" } else { "s" }, args.len() - 1, if args.len() == 2 { "" } else { "s" }, if args.len() == 2 { "s" } else { "" })) {
                d.help = Some("give one value per %-verb (write %% for a literal %)".into());
            }
            return Type::Str;
        }
        let t0 = arg_types[0].clone();
        self.expect_expr(&Type::Str, &t0, args[0], format_args!("the format of `fmt.printf`"));
        for (i, verb) in verbs.into_iter().enumerate() {
            if let Some(expected) = verb {
                self.expect_expr(&expected, &arg_types[i + 1], args[i + 1], format_args!("value {} of `fmt.printf` (for verb {})", i + 1, i + 1));
            }
        }
        Type::Str
    }

    /// A string value known without running the program (a literal, or a bind of one).
    fn static_str(&self, e: ExprIdx, depth: usize) -> Option<String> {
        if depth > 32 {
            return None;
        }
        match &self.hir.expr(e).kind {
            ExprKind::Str(s) => Some(s.clone()),
            ExprKind::Var(VarRef::Def(path)) => match &self.hir.def(path.def).kind {
                DefKind::Bind { value, .. } => self.static_str(*value, depth + 1),
                _ => None,
            },
            _ => None,
        }
    }

    /// mgmt's static type speculation: a type known without unification, or `None`.
    fn static_type(&self, e: ExprIdx, depth: usize) -> Option<Type> {
        if depth > 32 {
            return None;
        }
        match &self.hir.expr(e).kind {
            ExprKind::Bool(_) => Some(Type::Bool),
            ExprKind::Int(_) => Some(Type::Int),
            ExprKind::Float(_) => Some(Type::Float),
            ExprKind::Str(_) | ExprKind::Interpolated(_) => Some(Type::Str),
            ExprKind::List(items) => {
                let first = self.static_type(*items.first()?, depth + 1)?;
                items[1..].iter().all(|&i| self.static_type(i, depth + 1).as_ref() == Some(&first)).then(|| Type::list(first))
            }
            ExprKind::Map(items) => {
                let (k, v) = items.first()?;
                let (k, v) = (self.static_type(*k, depth + 1)?, self.static_type(*v, depth + 1)?);
                items[1..]
                    .iter()
                    .all(|(a, b)| self.static_type(*a, depth + 1).as_ref() == Some(&k) && self.static_type(*b, depth + 1).as_ref() == Some(&v))
                    .then(|| Type::map(k, v))
            }
            ExprKind::Struct(fields) => Some(Type::Struct(fields.iter().map(|(n, v)| Some((n.clone(), self.static_type(*v, depth + 1)?))).collect::<Option<_>>()?)),
            ExprKind::Var(VarRef::Builtin(c)) => Some(c.ty()),
            ExprKind::Var(VarRef::Def(path)) => match &self.hir.def(path.def).kind {
                DefKind::Bind { ty: Some(t), .. } if !t.has_vars() => Some(t.clone()),
                DefKind::Bind { value, .. } => self.static_type(*value, depth + 1),
                DefKind::Param { ty: Some(t) } if !t.has_vars() => Some(t.clone()),
                _ => None,
            },
            ExprKind::If { then_value, else_value, .. } => {
                let a = self.static_type(*then_value, depth + 1)?;
                (self.static_type(*else_value, depth + 1)? == a).then_some(a)
            }
            ExprKind::Call { callee: Callee::Builtin(f), .. } if !f.polymorphic && !f.variadic => match functions::signature(f).as_ref() {
                Type::Func(ft) if !ft.ret.has_vars() => Some(ft.ret.clone()),
                _ => None,
            },
            ExprKind::Call { callee: Callee::Func(path), .. } => match &self.hir.def(path.def).kind {
                DefKind::Func(l) => l.ret.clone().filter(|t| !t.has_vars()),
                _ => None,
            },
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deferred constraints and the result

impl Checker<'_> {
    /// Solves deferred constraints until nothing changes; with `last`, reports what is left.
    fn solve_deferred(&mut self, last: bool) {
        loop {
            let pending = std::mem::take(&mut self.deferred);
            let before = pending.len();
            let mut waiting = Vec::new();
            for d in pending {
                if let Some(d) = self.try_solve(d) {
                    waiting.push(d);
                }
            }
            // Solving may have queued new constraints (none today, but keep them).
            waiting.append(&mut self.deferred);
            let progress = waiting.len() < before;
            self.deferred = waiting;
            if !progress || self.deferred.is_empty() {
                break;
            }
        }
        if last {
            for d in std::mem::take(&mut self.deferred) {
                self.report_unsolved(d);
            }
        }
    }

    /// Applies a constraint whose inputs are known; gives it back when they aren't yet.
    fn try_solve(&mut self, d: Deferred) -> Option<Deferred> {
        match d {
            Deferred::Field { base, field, result, file, span } => match self.shallow(&base) {
                Type::Var(_) => Some(Deferred::Field { base, field, result, file, span }),
                Type::Struct(fields) => {
                    match fields.iter().find(|(n, _)| *n == field) {
                        Some((_, t)) => {
                            let t = t.clone();
                            self.expect(&t, &result, file, span, format_args!("field `{field}`"));
                        }
                        None => {
                            let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                            let hint = suggest::did_you_mean(&field, names.iter().copied());
                            if let Some(d) = self.error(codes::NO_SUCH_FIELD, file, span, format!("the struct has no field `{field}`")) {
                                d.help = Some(match hint {
                                    Some(h) => format!("did you mean `{h}`? (or write `->{field} <|> default` for an optional field)"),
                                    None => format!("its fields are: {}; write `->{field} <|> default` for an optional field", names.join(", ")),
                                });
                            }
                        }
                    }
                    None
                }
                other => {
                    let shown = self.zonk(&other);
                    self.error(codes::MISMATCH, file, span, format!("`->{field}` needs a struct, found `{shown}`"));
                    None
                }
            },
            Deferred::FieldOr { base, field, default, result, file, span } => match self.shallow(&base) {
                Type::Var(_) => Some(Deferred::FieldOr { base, field, default, result, file, span }),
                Type::Struct(fields) => {
                    match fields.iter().find(|(n, _)| *n == field) {
                        Some((_, t)) => {
                            let t = t.clone();
                            self.expect(&t, &default, file, span, format_args!("the default of `->{field} <|> …` must have the field's type"));
                            self.expect(&t, &result, file, span, format_args!("the optional field"));
                        }
                        None => self.expect(&default, &result, file, span, format_args!("the optional field's default")),
                    }
                    None
                }
                other => {
                    let shown = self.zonk(&other);
                    self.error(codes::MISMATCH, file, span, format!("`->{field} <|> …` needs a struct, found `{shown}`"));
                    None
                }
            },
            Deferred::Lookup { base, index, result, file, span } => match self.shallow(&base) {
                Type::Var(_) => Some(Deferred::Lookup { base, index, result, file, span }),
                Type::List(elem) => {
                    self.expect(&Type::Int, &index, file, span, format_args!("a list index"));
                    self.expect(&elem, &result, file, span, format_args!("the list element"));
                    None
                }
                Type::Map(k, v) => {
                    self.expect(&k, &index, file, span, format_args!("the map key"));
                    self.expect(&v, &result, file, span, format_args!("the map value"));
                    None
                }
                other => {
                    let shown = self.zonk(&other);
                    if let Some(d) = self.error(codes::MISMATCH, file, span, format!("`[…]` needs a list or a map, found `{shown}`")) {
                        d.help = Some("index lists with an int (`$l[0]`), maps with a key (`$m[\"k\"]`), structs with `->field`".into());
                    }
                    None
                }
            },
            Deferred::Form { func, sig, file, span } => {
                let z = self.zonk(&sig);
                if z.has_vars() {
                    // Try each form: if exactly one can still match, commit to it.
                    let matching: Vec<Type> = functions::forms(func).iter().filter(|f| f.as_func().map(|f| f.params.len()) == z.as_func().map(|f| f.params.len())).filter(|form| self.could_unify(&z, form)).cloned().collect();
                    if matching.len() == 1 {
                        let form = self.instantiate(&matching[0]);
                        let _ = self.unify(&sig, &form, (file, span));
                        return None;
                    }
                    if matching.is_empty() {
                        self.bad_form(func, &z, file, span);
                        return None;
                    }
                    return Some(Deferred::Form { func, sig, file, span });
                }
                let ok = functions::forms(func).iter().any(|form| self.could_unify(&z, form));
                if !ok {
                    self.bad_form(func, &z, file, span);
                }
                None
            }
            Deferred::Hashable { ty, file, span } => {
                let z = self.zonk(&ty);
                if z.has_vars() {
                    return Some(Deferred::Hashable { ty, file, span });
                }
                if !z.is_hashable() {
                    if let Some(d) = self.error(codes::BAD_FORM, file, span, format!("map key type `{z}` is not hashable")) {
                        d.help = Some("map keys must be bool, str, int, float, or structs of those (no lists, maps or functions)".into());
                    }
                }
                None
            }
            Deferred::Comparable { ty, file, span } => {
                let z = self.zonk(&ty);
                if z.has_vars() {
                    return Some(Deferred::Comparable { ty, file, span });
                }
                if !z.is_comparable() {
                    self.error(codes::BAD_FORM, file, span, format!("values of type `{z}` can't be compared (functions are not comparable)"));
                }
                None
            }
        }
    }

    /// True when `a` and `b` unify; binds nothing (the trial's bindings are undone).
    fn could_unify(&mut self, a: &Type, b: &Type) -> bool {
        let b = self.instantiate(b);
        self.trail = Some(Vec::new());
        let ok = self.unify(a, &b, (FileId(0), Span::default())).is_ok();
        for v in self.trail.take().unwrap_or_default() {
            self.bindings[v as usize] = None;
            self.origins[v as usize] = None;
        }
        ok
    }

    fn bad_form(&mut self, func: &'static functions::FunctionDef, got: &Type, file: FileId, span: Span) {
        let name = if func.operator { format!("operator `{}`", func.name) } else { format!("`{}`", func.qualified_name()) };
        let args = match got {
            Type::Func(f) => f.params.iter().map(|(_, t)| format!("`{t}`")).collect::<Vec<_>>().join(", "),
            other => other.to_string(),
        };
        let accepted: Vec<String> = func.forms.iter().map(|f| f.to_string()).collect();
        if let Some(d) = self.error(codes::BAD_FORM, file, span, format!("{name} can't take {args}")) {
            d.help = Some(format!("it accepts: {}", accepted.join("; ")));
        }
    }

    fn report_unsolved(&mut self, d: Deferred) {
        let (file, span, what) = match &d {
            Deferred::Field { file, span, field, .. } => (*file, *span, format!("the struct in `->{field}`")),
            Deferred::FieldOr { file, span, field, .. } => (*file, *span, format!("the struct in `->{field} <|> …`")),
            Deferred::Lookup { file, span, .. } => (*file, *span, "the container in `[…]`".to_string()),
            Deferred::Form { file, span, func, .. } => (*file, *span, format!("the arguments of `{}`", func.qualified_name())),
            Deferred::Comparable { file, span, .. } => (*file, *span, "the compared values".to_string()),
            Deferred::Hashable { file, span, .. } => (*file, *span, "the map's keys".to_string()),
        };
        if let Some(d) = self.error(codes::AMBIGUOUS, file, span, format!("can't infer the type of {what}")) {
            d.help = Some("add a type annotation where the value is defined, e.g. `$x []str = …` or `func($a int) …`".into());
        }
    }

    /// An expression whose type is still open is ambiguous: report each open variable once, at
    /// the first expression (in source order) that has it.
    fn report_ambiguous(&mut self) {
        if self.diags.iter().any(Diagnostic::is_error) {
            return;
        }
        let mut open: Vec<(ExprIdx, Type)> = self.expr_types.iter().map(|(e, t)| (*e, self.zonk(t))).filter(|(_, z)| z.has_vars()).collect();
        if open.is_empty() {
            return;
        }
        open.sort_by_key(|(e, _)| {
            let x = self.hir.expr(*e);
            (x.file, x.span.start, std::cmp::Reverse(x.span.end))
        });
        let mut seen_vars = HashSet::new();
        let mut ambiguous = Vec::new();
        for (e, z) in open {
            let fresh: Vec<u32> = z.vars().into_iter().filter(|v| seen_vars.insert(*v)).collect();
            if !fresh.is_empty() && !matches!(self.hir.expr(e).kind, ExprKind::Error) {
                ambiguous.push((e, z));
            }
        }
        for (e, z) in ambiguous.into_iter().take(3) {
            let x = self.hir.expr(e);
            let (file, span) = (x.file, x.span);
            if let Some(d) = self.error(codes::AMBIGUOUS, file, span, format!("can't infer the type of this expression (`{z}`)")) {
                d.help = Some("nothing here pins the type down; add a type annotation where the value is defined, e.g. `$x []str = []`".into());
            }
        }
    }

    fn finish(mut self) -> Typed {
        let recorded = std::mem::take(&mut self.expr_types);
        let mut expr_types = HashMap::with_capacity(recorded.len());
        for (e, t) in recorded {
            let z = self.zonk(&t);
            expr_types.entry(e).or_insert(z);
        }
        let def_types = std::mem::take(&mut self.def_types).into_iter().map(|(d, t)| (d, self.zonk(&t))).collect();
        self.diags.sort_by_key(|d| (d.file, d.span.start));
        Typed { expr_types, def_types, diagnostics: self.diags }
    }
}

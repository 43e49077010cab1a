//! The evaluator: runs a typed program and collects what its statements output — resources
//! (kind, names, fields, meta params) and edges — for [`graph`](crate::eval::graph) to build the
//! resource graph from.
//!
//! Environments mirror the type checker's: the entry module's top level, an instance per
//! `include` (whose parent is the class's definition site), one per if-branch and per loop
//! iteration. Binds are evaluated lazily, once per environment; lambdas are closures over their
//! environment and the parameters around them. Only the taken branch of an `if` runs.
//!
//! **Reactivity.** A [`Session`] keeps its environments between runs. Calls of stream builtins
//! (`datetime.now`, `os.readfile`, …) read the session's table of current stream values, and
//! every cached bind value and statement output remembers which stream values it depends on
//! (a reverse index maps each stream to its dependents). [`Session::update`] invalidates exactly
//! the dependents of the changed stream and re-runs: everything else comes from the caches, so
//! the work is proportional to what depends on the stream, not to the program.

use crate::eval::stdlib::{self, CallCtx, Host};
use crate::eval::value::{Callable, EvalError, Value};
use crate::registry::functions::FunctionDef;
use crate::semantics::hir::*;
use crate::semantics::unify::Typed;
use crate::source::{FileId, SourceMap, Span};
use crate::types::Type;
use smol_str::SmolStr;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A resource as a statement produced it, before merging and validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceOut {
    /// The kind.
    pub kind: SmolStr,
    /// The name.
    pub name: String,
    /// Fields set (conditions already applied), in entry order.
    pub fields: Vec<(SmolStr, Value)>,
    /// Meta params set, by lower-case name.
    pub meta: Vec<(SmolStr, Value)>,
    /// True for a `collect` statement.
    pub collect: bool,
    /// The statement.
    pub file: FileId,
    /// The statement's span.
    pub span: Span,
}

/// An edge as a statement produced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeOut {
    /// `(kind, name)` of the source.
    pub from: (SmolStr, String),
    /// `(kind, name)` of the target.
    pub to: (SmolStr, String),
    /// Notify/Listen edges deliver refreshes.
    pub notify: bool,
    /// For send/recv: (sending port, receiving field).
    pub send_recv: Option<(SmolStr, SmolStr)>,
    /// The statement or entry that made it.
    pub file: FileId,
    /// Its span.
    pub span: Span,
}

/// Everything the program's statements produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    /// Resources in production order.
    pub resources: Vec<ResourceOut>,
    /// Edges in production order.
    pub edges: Vec<EdgeOut>,
}

/// A run-time error with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    /// What went wrong.
    pub error: EvalError,
    /// Where (the expression or statement that failed).
    pub file: FileId,
    /// Its span.
    pub span: Span,
}

/// How long `mclc graph` waits for the first values of the program's streams.
pub const FIRST_VALUES_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Evaluates the program to its first complete output (every stream's first value).
pub fn run(hir: &Hir, typed: &Typed, host: &Host, sources: &SourceMap) -> Result<Output, RunError> {
    Session::new(hir, typed, host, sources).run_complete(FIRST_VALUES_TIMEOUT)
}

/// Identifies one stream source: a stream builtin called with particular arguments.
pub type StreamId = usize;

/// A stream source the program reads: the function and its arguments.
#[derive(Clone, Debug)]
pub struct StreamSource {
    /// The builtin (`datetime.now`, `os.readfile`, …).
    pub function: &'static FunctionDef,
    /// Its arguments.
    pub args: Vec<Value>,
    /// Its current value (or error); `None` until its first value arrives.
    pub value: Option<Result<Value, EvalError>>,
}

/// A stream's first value (or error), as its sampling thread delivers it.
type Sample = (StreamId, Result<Value, EvalError>);

/// How long evaluation waits for a new stream's first value before treating it as pending and
/// going on with everything that doesn't need it.
const SAMPLE_BUDGET: std::time::Duration = std::time::Duration::from_millis(20);

/// What a sampling thread can offer a stream implementation: the host, the result type and the
/// calling module; stream functions call no function values.
struct SamplerCtx {
    host: Host,
    ret_type: Option<Type>,
    module_base: String,
}

impl CallCtx for SamplerCtx {
    fn call(&mut self, _: &Value, _: Vec<Value>) -> Result<Value, EvalError> {
        Err(EvalError::fatal("a stream function can't call function values"))
    }
    fn ret_type(&self) -> Option<Type> {
        self.ret_type.clone()
    }
    fn host(&self) -> &Host {
        &self.host
    }
    fn module_base(&self) -> String {
        self.module_base.clone()
    }
}

/// A reactive evaluation of one program: run it, then feed it new stream values.
pub struct Session<'h> {
    ev: Evaluator<'h>,
}

impl<'h> Session<'h> {
    /// A session for a checked program on `host`.
    pub fn new(hir: &'h Hir, typed: &'h Typed, host: &'h Host, sources: &'h SourceMap) -> Session<'h> {
        Session {
            ev: Evaluator {
                hir,
                typed,
                host,
                sources,
                envs: Vec::new(),
                module_envs: HashMap::new(),
                ret_type: None,
                call_file: None,
                tail_type: None,
                depth: 0,
                streams: Vec::new(),
                stream_ids: HashMap::new(),
                frames: Vec::new(),
                dependents: HashMap::new(),
                root: None,
                recomputed: 0,
                samples: std::sync::mpsc::channel(),
            },
        }
    }

    /// Evaluates the program (first run: samples every stream it reads) and returns its output.
    pub fn run(&mut self) -> Result<Output, RunError> {
        let ev = &mut self.ev;
        let root = match ev.root {
            Some(r) => r,
            None => {
                let r = ev.new_env(None, ev.hir.entry);
                ev.root = Some(r);
                r
            }
        };
        ev.recomputed = 0;
        let file = ev.hir.scope(ev.hir.entry).file;
        let span = ev.hir.scope(ev.hir.entry).span;
        let piece = ev.run_scope(root).map_err(|e| ev.locate(e, file, span))?;
        let mut out = Output::default();
        piece.flatten_into(&mut out);
        Ok(out)
    }

    /// The stream sources the program has read so far.
    pub fn streams(&self) -> &[StreamSource] {
        &self.ev.streams
    }

    /// Evaluates until every stream the program needs has its first value (waiting at most
    /// `timeout` in all): the first complete output, which is what `mclc graph` prints. A
    /// `RunError` with `error.pending` set means some stream never produced a value in time.
    pub fn run_complete(&mut self, timeout: std::time::Duration) -> Result<Output, RunError> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            self.ev.collect_samples(None);
            match self.run() {
                Err(e) if e.error.pending => {
                    let left = deadline.saturating_duration_since(std::time::Instant::now());
                    if left.is_zero() || !self.ev.collect_samples(Some(left)) {
                        let mut e = e;
                        e.error.message = format!("{} (no value within {} s)", e.error.message, timeout.as_secs());
                        return Err(e);
                    }
                }
                other => return other,
            }
        }
    }

    /// Sets a stream's new value, invalidates what depends on it, and re-runs. Returns the new
    /// output (the unchanged parts come from the caches).
    pub fn update(&mut self, stream: StreamId, value: Value) -> Result<Output, RunError> {
        self.update_with(stream, Ok(value))
    }

    /// Like [`update`](Session::update), for a stream whose new sample may be an error (a file
    /// that `os.readfile` watches was removed: a catchable error that `<|>` can handle).
    pub fn update_with(&mut self, stream: StreamId, value: Result<Value, EvalError>) -> Result<Output, RunError> {
        if let Some(s) = self.ev.streams.get_mut(stream) {
            s.value = Some(value);
        }
        for dependent in self.ev.dependents.remove(&stream).unwrap_or_default() {
            self.ev.invalidate(dependent);
        }
        self.run()
    }

    /// How many statements and binds the last run had to compute (not taken from caches).
    pub fn recomputed(&self) -> usize {
        self.ev.recomputed
    }
}

type EnvId = usize;

/// A cached value or statement output with the streams it depends on.
#[derive(Clone, Debug)]
struct Cached<T> {
    value: T,
    deps: Vec<StreamId>,
}

/// What a cache entry is, for invalidation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum CacheRef {
    Bind(EnvId, DefIdx),
    Stmt(EnvId, usize),
    Instance(EnvId, DefIdx),
}

/// Identifies a child environment of a statement, so that re-runs reuse it (and its caches).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ChildKey {
    Branch(usize, bool),
    Iteration(usize, usize),
    Include(usize),
    Alias(DefIdx),
}

struct Env {
    parent: Option<EnvId>,
    scope: ScopeIdx,
    binds: HashMap<DefIdx, Option<Cached<Result<Value, EvalError>>>>,
    params: HashMap<DefIdx, Value>,
    instances: HashMap<DefIdx, Cached<EnvId>>,
    stmts: HashMap<usize, Cached<Arc<Piece>>>,
    children: HashMap<ChildKey, EnvId>,
}

/// The output of a statement: its own resources and edges, and its nested statements' pieces.
#[derive(Debug, Default)]
struct Piece {
    resources: Vec<ResourceOut>,
    edges: Vec<EdgeOut>,
    children: Vec<Arc<Piece>>,
}

impl Piece {
    fn flatten_into(&self, out: &mut Output) {
        out.resources.extend(self.resources.iter().cloned());
        out.edges.extend(self.edges.iter().cloned());
        for c in &self.children {
            c.flatten_into(out);
        }
    }
}

/// Lambda and function parameters in scope, innermost last.
type Locals = Vec<(DefIdx, Value)>;

/// A lambda value: the lambda, the environment and parameters it closes over.
#[derive(Debug)]
struct Closure {
    id: usize,
    lambda: LambdaRef,
    env: EnvId,
    locals: Locals,
}

/// Which lambda a closure runs.
#[derive(Clone, Copy, Debug)]
enum LambdaRef {
    /// An inline lambda expression.
    Expr(ExprIdx),
}

impl Callable for Closure {
    fn describe(&self) -> String {
        "func".to_string()
    }
    fn id(&self) -> usize {
        self.id
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

static NEXT_CLOSURE: AtomicUsize = AtomicUsize::new(1);

/// Deep recursion guard (mcl has no recursion, but huge nesting is possible).
const MAX_DEPTH: usize = 2000;

struct Evaluator<'h> {
    hir: &'h Hir,
    typed: &'h Typed,
    host: &'h Host,
    sources: &'h SourceMap,
    /// The file of the builtin call being made (for CallCtx::module_base).
    call_file: Option<FileId>,
    /// The body of the `func` statement being called, with the call's result type: a builtin
    /// call that is the whole body returns that type (it differs per call of a polymorphic
    /// func, while the type checker records the first instance's).
    tail_type: Option<(ExprIdx, Type)>,
    envs: Vec<Env>,
    module_envs: HashMap<ScopeIdx, EnvId>,
    /// The result type of the builtin call being made (for CallCtx::ret_type).
    ret_type: Option<Type>,
    depth: usize,
    /// Every stream source read, by id, with its current value.
    streams: Vec<StreamSource>,
    stream_ids: HashMap<(String, Vec<Value>), StreamId>,
    /// The streams read by each cache entry being computed, innermost last.
    frames: Vec<Vec<StreamId>>,
    /// For each stream, the cache entries that depend on it.
    dependents: HashMap<StreamId, Vec<CacheRef>>,
    root: Option<EnvId>,
    /// Statements and binds computed in this run (for tests and benchmarks).
    recomputed: usize,
    /// First values of streams, delivered by their sampling threads.
    samples: (std::sync::mpsc::Sender<Sample>, std::sync::mpsc::Receiver<Sample>),
}

impl Evaluator<'_> {
    /// Starts sampling a new stream source on its own thread and waits up to [`SAMPLE_BUDGET`]
    /// for its first value (other streams' values that arrive meanwhile are stored too).
    fn start_stream(&mut self, f: &'static FunctionDef, implementation: stdlib::BuiltinFn, args: Vec<Value>, e: ExprIdx) -> StreamId {
        let id = self.streams.len();
        self.streams.push(StreamSource { function: f, args: args.clone(), value: None });
        let mut ctx = SamplerCtx { host: self.host.clone(), ret_type: self.typed.expr_types.get(&e).cloned(), module_base: String::new() };
        self.call_file = Some(self.hir.expr(e).file);
        ctx.module_base = CallCtx::module_base(self);
        let tx = self.samples.0.clone();
        std::thread::spawn(move || {
            let result = implementation(&mut ctx, &args);
            let _ = tx.send((id, result));
        });
        let deadline = std::time::Instant::now() + SAMPLE_BUDGET;
        while self.streams[id].value.is_none() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.samples.1.recv_timeout(left) {
                Ok((sid, result)) => self.streams[sid].value = Some(result),
                Err(_) => break,
            }
        }
        id
    }

    /// Stores every stream value that has arrived; with a timeout, first waits for one.
    /// Returns whether any arrived.
    fn collect_samples(&mut self, wait: Option<std::time::Duration>) -> bool {
        let mut any = false;
        if let Some(timeout) = wait
            && let Ok((sid, result)) = self.samples.1.recv_timeout(timeout)
        {
            self.streams[sid].value = Some(result);
            any = true;
        }
        while let Ok((sid, result)) = self.samples.1.try_recv() {
            self.streams[sid].value = Some(result);
            any = true;
        }
        any
    }

    fn new_env(&mut self, parent: Option<EnvId>, scope: ScopeIdx) -> EnvId {
        self.envs.push(Env {
            parent,
            scope,
            binds: HashMap::new(),
            params: HashMap::new(),
            instances: HashMap::new(),
            stmts: HashMap::new(),
            children: HashMap::new(),
        });
        self.envs.len() - 1
    }

    /// The child environment of `parent` for `key`, reused across runs. When its parameters
    /// change (a loop item, include arguments), its caches are cleared.
    fn child_env(&mut self, owner: EnvId, key: ChildKey, parent: EnvId, scope: ScopeIdx, params: Vec<(DefIdx, Value)>) -> EnvId {
        let env = match self.envs[owner].children.get(&key) {
            Some(&e) if self.envs[e].parent == Some(parent) && self.envs[e].scope == scope => e,
            _ => {
                let e = self.new_env(Some(parent), scope);
                self.envs[owner].children.insert(key, e);
                e
            }
        };
        let changed = params.len() != self.envs[env].params.len() || params.iter().any(|(d, v)| self.envs[env].params.get(d) != Some(v));
        if changed {
            self.reset_env(env);
            self.envs[env].params = params.into_iter().collect();
        }
        env
    }

    /// Clears an environment's caches and forgets its children.
    fn reset_env(&mut self, env: EnvId) {
        let e = &mut self.envs[env];
        e.binds.clear();
        e.instances.clear();
        e.stmts.clear();
        e.children.clear();
    }

    fn invalidate(&mut self, r: CacheRef) {
        match r {
            CacheRef::Bind(env, def) => {
                self.envs[env].binds.remove(&def);
            }
            CacheRef::Stmt(env, index) => {
                self.envs[env].stmts.remove(&index);
            }
            CacheRef::Instance(env, alias) => {
                self.envs[env].instances.remove(&alias);
            }
        }
    }

    /// Starts recording the streams a cache entry reads.
    fn push_frame(&mut self) {
        self.frames.push(Vec::new());
    }

    /// Stops recording: returns the entry's streams, which also count for the enclosing entry.
    fn pop_frame(&mut self) -> Vec<StreamId> {
        let mut deps = self.frames.pop().unwrap_or_default();
        deps.sort_unstable();
        deps.dedup();
        self.add_deps(&deps);
        deps
    }

    fn add_deps(&mut self, deps: &[StreamId]) {
        if let Some(frame) = self.frames.last_mut() {
            frame.extend_from_slice(deps);
        }
    }

    fn register(&mut self, deps: &[StreamId], r: CacheRef) {
        for &d in deps {
            self.dependents.entry(d).or_default().push(r);
        }
    }

    /// Fills in the location of an error that has none.
    fn locate(&self, error: EvalError, file: FileId, span: Span) -> RunError {
        match error.at {
            Some((f, s)) => RunError { error, file: f, span: s },
            None => RunError { error, file, span },
        }
    }

    fn at(&self, mut error: EvalError, e: ExprIdx) -> EvalError {
        if error.at.is_none() {
            let x = self.hir.expr(e);
            error.at = Some((x.file, x.span));
        }
        error
    }

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
        (root == scope).then_some(module_env)
    }

    fn path_env(&mut self, from: EnvId, path: &Path) -> Result<EnvId, EvalError> {
        let mut cur = from;
        for &alias in &path.via {
            let alias_env = self.env_for(cur, self.hir.def(alias).scope).ok_or_else(|| internal("alias environment"))?;
            cur = self.instance(alias_env, alias)?;
        }
        self.env_for(cur, self.hir.def(path.def).scope).ok_or_else(|| internal("definition environment"))
    }

    /// The instance of the class included as `alias` in `env` (cached with the streams its
    /// arguments read).
    fn instance(&mut self, env: EnvId, alias: DefIdx) -> Result<EnvId, EvalError> {
        if let Some(c) = self.envs[env].instances.get(&alias) {
            let (instance, deps) = (c.value, c.deps.clone());
            self.add_deps(&deps);
            return Ok(instance);
        }
        let DefKind::IncludeAlias { stmt } = self.hir.def(alias).kind else { return Err(internal("alias kind")) };
        let scope = self.hir.def(alias).scope;
        let Some(Stmt::Include(include)) = self.hir.scope(scope).stmts.get(stmt) else { return Err(internal("include statement")) };
        self.push_frame();
        let instance = self.make_instance(env, include, ChildKey::Alias(alias));
        let deps = self.pop_frame();
        let instance = instance?;
        self.register(&deps, CacheRef::Instance(env, alias));
        self.envs[env].instances.insert(alias, Cached { value: instance, deps });
        Ok(instance)
    }

    /// The class instance for `include` in `env`: its parameters bound to the arguments.
    fn make_instance(&mut self, env: EnvId, include: &Include, key: ChildKey) -> Result<EnvId, EvalError> {
        let class = include.class.as_ref().ok_or_else(|| internal("unresolved class"))?;
        let def_env = self.path_env(env, class)?;
        let DefKind::Class { params, body } = &self.hir.def(class.def).kind else { return Err(internal("class kind")) };
        let mut values = Vec::new();
        for &a in include.args.iter().flatten() {
            values.push(self.eval(env, &mut Vec::new(), a)?);
        }
        let params: Vec<(DefIdx, Value)> = params.iter().flatten().copied().zip(values).collect();
        Ok(self.child_env(env, key, def_env, *body, params))
    }

    // -----------------------------------------------------------------------------------------
    // Statements

    /// Runs a statement list: each statement's output comes from its cache when nothing it
    /// depends on changed.
    fn run_scope(&mut self, env: EnvId) -> Result<Arc<Piece>, EvalError> {
        let scope = self.envs[env].scope;
        let hir = self.hir;
        let mut piece = Piece::default();
        let mut pending = None;
        for (index, stmt) in hir.scope(scope).stmts.iter().enumerate() {
            if let Some(c) = self.envs[env].stmts.get(&index) {
                let (value, deps) = (c.value.clone(), c.deps.clone());
                self.add_deps(&deps);
                piece.children.push(value);
                continue;
            }
            self.recomputed += 1;
            self.push_frame();
            let result = self.run_stmt(env, index, stmt);
            let deps = self.pop_frame();
            let out = match result {
                Ok(out) => Arc::new(out),
                // Go on with the other statements, so their streams start too.
                Err(e) if e.pending => {
                    pending.get_or_insert(e);
                    continue;
                }
                Err(e) => return Err(e),
            };
            self.register(&deps, CacheRef::Stmt(env, index));
            self.envs[env].stmts.insert(index, Cached { value: out.clone(), deps });
            piece.children.push(out);
        }
        match pending {
            Some(e) => Err(e),
            None => Ok(Arc::new(piece)),
        }
    }

    fn run_stmt(&mut self, env: EnvId, index: usize, stmt: &Stmt) -> Result<Piece, EvalError> {
        let mut piece = Piece::default();
        match stmt {
            Stmt::Resource(res) => self.run_resource(env, res, &mut piece)?,
            Stmt::Edge { halves, span } => {
                let file = self.hir.scope(self.envs[env].scope).file;
                let mut names = Vec::new();
                for h in halves {
                    names.push(self.names(env, h.name)?);
                }
                if let [a, b] = halves.as_slice()
                    && let (Some(send), Some(recv)) = (&a.port, &b.port)
                {
                    for x in &names[0] {
                        for y in &names[1] {
                            piece.edges.push(EdgeOut {
                                from: (a.kind.text.clone(), x.clone()),
                                to: (b.kind.text.clone(), y.clone()),
                                notify: false,
                                send_recv: Some((send.text.clone(), recv.text.clone())),
                                file,
                                span: *span,
                            });
                        }
                    }
                    return Ok(piece);
                }
                for (i, pair) in halves.windows(2).enumerate() {
                    for x in &names[i] {
                        for y in &names[i + 1] {
                            piece.edges.push(EdgeOut { from: (pair[0].kind.text.clone(), x.clone()), to: (pair[1].kind.text.clone(), y.clone()), notify: false, send_recv: None, file, span: *span });
                        }
                    }
                }
            }
            Stmt::If { cond, then_scope, else_scope } => {
                let c = self.eval(env, &mut Vec::new(), *cond)?;
                let taken = c.as_bool() == Some(true);
                let branch = if taken { Some(*then_scope) } else { *else_scope };
                if let Some(s) = branch {
                    let e = self.child_env(env, ChildKey::Branch(index, taken), env, s, Vec::new());
                    piece.children.push(self.run_scope(e)?);
                }
            }
            Stmt::For { iter, kv, body, .. } => {
                let items = self.eval(env, &mut Vec::new(), *iter)?;
                let params = self.hir.scope(*body).params.clone();
                let pairs: Vec<(Value, Value)> = match (&items, kv) {
                    (Value::List(l), false) => l.iter().enumerate().map(|(i, v)| (Value::Int(i as i64), v.clone())).collect(),
                    (Value::Map(m), true) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    _ => return Err(self.at(EvalError::fatal("a loop needs a list (for) or a map (forkv)"), *iter)),
                };
                for (i, (k, v)) in pairs.into_iter().enumerate() {
                    let bound = match params[..] {
                        [pk, pv] => vec![(pk, k), (pv, v)],
                        _ => Vec::new(),
                    };
                    let e = self.child_env(env, ChildKey::Iteration(index, i), env, *body, bound);
                    piece.children.push(self.run_scope(e)?);
                }
            }
            Stmt::Include(include) => {
                let instance = match include.alias {
                    Some(alias) => self.instance(env, alias)?,
                    None => self.make_instance(env, include, ChildKey::Include(index))?,
                };
                piece.children.push(self.run_scope(instance)?);
            }
            Stmt::Panic { args, span } => {
                let file = self.hir.scope(self.envs[env].scope).file;
                let mut values = Vec::new();
                for &a in args {
                    values.push(self.eval(env, &mut Vec::new(), a)?);
                }
                let triggered = match values.first() {
                    Some(Value::Bool(b)) => *b,
                    Some(Value::Str(s)) => !s.is_empty(),
                    _ => false,
                };
                if triggered {
                    let message = match (values.first(), values.get(1)) {
                        (Some(Value::Str(s)), _) => format!("panic: {s}"),
                        (_, Some(Value::Str(s))) => format!("panic: {s}"),
                        _ => "panic".to_string(),
                    };
                    return Err(EvalError { message, catchable: false, at: Some((file, *span)), pending: false });
                }
            }
        }
        Ok(piece)
    }

    /// A resource or edge name: one string, or a list of them.
    fn names(&mut self, env: EnvId, e: ExprIdx) -> Result<Vec<String>, EvalError> {
        match self.eval(env, &mut Vec::new(), e)? {
            Value::Str(s) => Ok(vec![s.to_string()]),
            Value::List(items) => Ok(items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()),
            other => Err(self.at(EvalError::fatal(format!("a name must be a str or a list of str, got {other}")), e)),
        }
    }

    fn run_resource(&mut self, env: EnvId, res: &Resource, piece: &mut Piece) -> Result<(), EvalError> {
        let file = self.hir.scope(self.envs[env].scope).file;
        let names = if res.collect {
            match self.eval(env, &mut Vec::new(), res.name)? {
                Value::Str(s) => vec![s.to_string()],
                Value::List(items) => items.iter().filter_map(|v| v.as_str().map(str::to_string).or_else(|| v.field("name").and_then(Value::as_str).map(str::to_string))).collect(),
                _ => Vec::new(),
            }
        } else {
            self.names(env, res.name)?
        };
        let mut fields = Vec::new();
        let mut meta = Vec::new();
        let mut edges = Vec::new();
        for entry in &res.entries {
            if let Some(cond) = entry.cond
                && self.eval(env, &mut Vec::new(), cond)?.as_bool() != Some(true)
            {
                continue;
            }
            match &entry.kind {
                EntryKind::Field { name, value } => fields.push((name.text.clone(), self.eval(env, &mut Vec::new(), *value)?)),
                EntryKind::MetaParam { name, value } => meta.push((SmolStr::new(name.text.to_lowercase()), self.eval(env, &mut Vec::new(), *value)?)),
                EntryKind::Meta { value } => {
                    if let Value::Struct(all) = self.eval(env, &mut Vec::new(), *value)? {
                        meta.extend(all.iter().cloned());
                    }
                }
                EntryKind::Edge { property, target } => {
                    let targets = self.names(env, target.name)?;
                    let prop = crate::registry::resources::edge_property(&property.text);
                    let (reverse, notify) = prop.map_or((false, false), |p| (p.reverse, p.notify));
                    for t in targets {
                        edges.push((target.kind.text.clone(), t, reverse, notify, entry.span));
                    }
                }
            }
        }
        for name in names {
            for (kind, target, reverse, notify, span) in &edges {
                let me = (res.kind.text.clone(), name.clone());
                let other = (kind.clone(), target.clone());
                let (from, to) = if *reverse { (other, me) } else { (me, other) };
                piece.edges.push(EdgeOut { from, to, notify: *notify, send_recv: None, file, span: *span });
            }
            piece.resources.push(ResourceOut { kind: res.kind.text.clone(), name, fields: fields.clone(), meta: meta.clone(), collect: res.collect, file, span: res.span });
        }
        Ok(())
    }
}

fn internal(what: &str) -> EvalError {
    EvalError::fatal(format!("internal error: missing {what} (please report this)"))
}

// ---------------------------------------------------------------------------------------------
// Expressions

impl Evaluator<'_> {
    /// Evaluates every expression; past a pending value it goes on (so that every stream the
    /// expressions need starts sampling at once) and then reports the first pending one.
    fn eval_all(&mut self, env: EnvId, locals: &mut Locals, items: &[ExprIdx]) -> Result<Vec<Value>, EvalError> {
        let mut values = Vec::with_capacity(items.len());
        let mut pending = None;
        for &i in items {
            match self.eval(env, locals, i) {
                Ok(v) => values.push(v),
                Err(e) if e.pending => {
                    pending.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        match pending {
            Some(e) => Err(e),
            None => Ok(values),
        }
    }

    fn eval(&mut self, env: EnvId, locals: &mut Locals, e: ExprIdx) -> Result<Value, EvalError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(self.at(EvalError::fatal("expression nesting is too deep to evaluate"), e));
        }
        let result = self.eval_inner(env, locals, e);
        self.depth -= 1;
        result.map_err(|err| self.at(err, e))
    }

    fn eval_inner(&mut self, env: EnvId, locals: &mut Locals, e: ExprIdx) -> Result<Value, EvalError> {
        let hir = self.hir;
        match &hir.expr(e).kind {
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Int(i) => Ok(Value::Int(*i)),
            ExprKind::Float(f) => Ok(Value::Float(*f)),
            ExprKind::Str(s) => Ok(Value::str(s.as_str())),
            ExprKind::Interpolated(parts) => {
                let mut out = String::new();
                for v in self.eval_all(env, locals, parts)? {
                    match v {
                        Value::Str(s) => out.push_str(&s),
                        other => out.push_str(&other.go_v()),
                    }
                }
                Ok(Value::str(out))
            }
            ExprKind::List(items) => Ok(Value::list(self.eval_all(env, locals, items)?)),
            ExprKind::Map(items) => {
                let mut out = BTreeMap::new();
                for &(k, v) in items {
                    let key = self.eval(env, locals, k)?;
                    let value = self.eval(env, locals, v)?;
                    out.insert(key, value); // a later duplicate key wins
                }
                Ok(Value::Map(Arc::new(out)))
            }
            ExprKind::Struct(fields) => {
                let mut out = Vec::with_capacity(fields.len());
                for (n, v) in fields {
                    out.push((n.clone(), self.eval(env, locals, *v)?));
                }
                Ok(Value::structure(out))
            }
            ExprKind::Var(VarRef::Builtin(c)) => Ok(match &c.value {
                crate::registry::consts::ConstValue::Str(s) => Value::str(*s),
                crate::registry::consts::ConstValue::Int(i) => Value::Int(*i),
                crate::registry::consts::ConstValue::Bool(b) => Value::Bool(*b),
                crate::registry::consts::ConstValue::Float(f) => Value::Float(*f),
                crate::registry::consts::ConstValue::Hostname => Value::str(self.host.hostname.as_str()),
            }),
            ExprKind::Var(VarRef::Def(path)) => self.var(env, locals, path),
            ExprKind::Lambda(_) => Ok(Value::Func(Arc::new(Closure {
                id: NEXT_CLOSURE.fetch_add(1, Ordering::Relaxed),
                lambda: LambdaRef::Expr(e),
                env,
                locals: locals.clone(),
            }))),
            ExprKind::Call { callee, args } => {
                let values = self.eval_all(env, locals, args)?;
                match callee {
                    Callee::Builtin(f) => self.call_builtin(f, values, e),
                    Callee::Func(path) => {
                        let def_env = self.path_env(env, path)?;
                        let DefKind::Func(lambda) = &self.hir.def(path.def).kind else { return Err(internal("func kind")) };
                        let mut inner: Locals = lambda.params.iter().copied().zip(values).collect();
                        let saved = self.tail_type.take();
                        self.tail_type = self.typed.expr_types.get(&e).map(|t| (lambda.body, t.clone()));
                        let result = self.eval(def_env, &mut inner, lambda.body);
                        self.tail_type = saved;
                        result
                    }
                    Callee::Value(f) => {
                        let func = self.eval(env, locals, *f)?;
                        self.call_value(&func, values)
                    }
                }
            }
            ExprKind::If { cond, then_value, else_value } => {
                let c = self.eval(env, locals, *cond)?;
                if c.as_bool() == Some(true) { self.eval(env, locals, *then_value) } else { self.eval(env, locals, *else_value) }
            }
            ExprKind::Except { lhs, rhs } => match self.eval(env, locals, *lhs) {
                Err(err) if err.catchable => self.eval(env, locals, *rhs),
                other => other,
            },
            ExprKind::FieldOr { base, field, default } => {
                let b = self.eval(env, locals, *base)?;
                match b.field(&field.text) {
                    Some(v) => Ok(v.clone()),
                    None => self.eval(env, locals, *default),
                }
            }
            ExprKind::Error => Err(internal("a valid expression")),
        }
    }

    fn var(&mut self, env: EnvId, locals: &mut Locals, path: &Path) -> Result<Value, EvalError> {
        let def = self.hir.def(path.def);
        if path.via.is_empty()
            && let Some((_, v)) = locals.iter().rev().find(|(d, _)| *d == path.def)
        {
            return Ok(v.clone());
        }
        match &def.kind {
            DefKind::Param { .. } | DefKind::LoopKey | DefKind::LoopValue => {
                let e = self.path_env(env, path)?;
                self.envs[e].params.get(&path.def).cloned().ok_or_else(|| internal("parameter value"))
            }
            DefKind::Bind { value, .. } => {
                let value = *value;
                let e = self.path_env(env, path)?;
                match self.envs[e].binds.get(&path.def) {
                    Some(Some(c)) => {
                        let (result, deps) = (c.value.clone(), c.deps.clone());
                        self.add_deps(&deps);
                        return result;
                    }
                    Some(None) => return Err(internal("acyclic binds")),
                    None => {}
                }
                self.recomputed += 1;
                self.envs[e].binds.insert(path.def, None);
                self.push_frame();
                let result = self.eval(e, &mut Vec::new(), value);
                let deps = self.pop_frame();
                if matches!(&result, Err(err) if err.pending) {
                    self.envs[e].binds.remove(&path.def);
                    return result;
                }
                self.register(&deps, CacheRef::Bind(e, path.def));
                self.envs[e].binds.insert(path.def, Some(Cached { value: result.clone(), deps }));
                result
            }
            _ => Err(internal("a variable")),
        }
    }

    fn call_value(&mut self, func: &Value, args: Vec<Value>) -> Result<Value, EvalError> {
        let Value::Func(f) = func else { return Err(EvalError::fatal(format!("{func} is not a function"))) };
        let Some(closure) = f.as_any().downcast_ref::<Closure>() else { return Err(internal("a closure")) };
        let LambdaRef::Expr(lambda_expr) = closure.lambda;
        let ExprKind::Lambda(lambda) = &self.hir.expr(lambda_expr).kind else { return Err(internal("a lambda")) };
        if lambda.params.len() != args.len() {
            return Err(EvalError::fatal(format!("the function takes {} arguments but got {}", lambda.params.len(), args.len())));
        }
        let mut locals = closure.locals.clone();
        locals.extend(lambda.params.iter().copied().zip(args));
        let env = closure.env;
        self.eval(env, &mut locals, lambda.body)
    }

    fn call_builtin(&mut self, f: &'static FunctionDef, args: Vec<Value>, e: ExprIdx) -> Result<Value, EvalError> {
        if f.operator {
            return operator(f.name, &args);
        }
        match (f.module, f.name) {
            ("", "_lookup") => return lookup(&args),
            ("", "_struct_lookup") => {
                let (Some(base), Some(Value::Str(field))) = (args.first(), args.get(1)) else { return Err(internal("struct lookup arguments")) };
                return base.field(field).cloned().ok_or_else(|| EvalError::fatal(format!("struct has no field `{field}`")));
            }
            ("", "contains") => {
                let (Some(needle), Some(Value::List(hay))) = (args.first(), args.get(1)) else { return Err(internal("contains arguments")) };
                return Ok(Value::Bool(hay.contains(needle)));
            }
            ("", "_collect") => return Ok(Value::list(Vec::new())),
            _ => {}
        }
        let Some(implementation) = stdlib::implementation(f.module, f.name) else {
            return Err(EvalError::fatal(format!("`{}` is not implemented by mclc yet", f.qualified_name())));
        };
        if f.streams && !f.module.is_empty() {
            // A stream source: its current value comes from the session's table. A new source is
            // sampled on its own thread, so a slow one never holds up the rest.
            let key = (f.qualified_name(), args.clone());
            let id = match self.stream_ids.get(&key) {
                Some(&id) => id,
                None => {
                    let id = self.start_stream(f, implementation, args, e);
                    self.stream_ids.insert(key, id);
                    id
                }
            };
            self.add_deps(&[id]);
            return match &self.streams[id].value {
                Some(result) => result.clone(),
                None => Err(EvalError::pending(format!("waiting for the first value of `{}`", f.qualified_name()))),
            };
        }
        self.call_implementation(implementation, &args, e)
    }

    fn call_implementation(&mut self, implementation: stdlib::BuiltinFn, args: &[Value], e: ExprIdx) -> Result<Value, EvalError> {
        let saved = (self.ret_type.take(), self.call_file);
        self.ret_type = match &self.tail_type {
            Some((body, t)) if *body == e => Some(t.clone()),
            _ => self.typed.expr_types.get(&e).cloned(),
        };
        self.call_file = Some(self.hir.expr(e).file);
        let result = implementation(self, args);
        (self.ret_type, self.call_file) = saved;
        result
    }
}

impl CallCtx for Evaluator<'_> {
    fn call(&mut self, func: &Value, args: Vec<Value>) -> Result<Value, EvalError> {
        self.call_value(func, args)
    }

    fn ret_type(&self) -> Option<Type> {
        self.ret_type.clone()
    }

    fn host(&self) -> &Host {
        self.host
    }

    fn module_base(&self) -> String {
        let Some(file) = self.call_file else { return "/".into() };
        let path = &self.sources.get(file).path;
        let dir = path.parent().unwrap_or(path);
        match dir.strip_prefix(&self.host.deploy_root) {
            Ok(rel) if !rel.as_os_str().is_empty() => format!("/{}/", rel.display()),
            _ => "/".into(),
        }
    }
}

/// `x[i]`: a list index or a map key; a missing one is a catchable error.
fn lookup(args: &[Value]) -> Result<Value, EvalError> {
    match (args.first(), args.get(1)) {
        (Some(Value::List(items)), Some(Value::Int(i))) => usize::try_from(*i).ok().and_then(|i| items.get(i)).cloned().ok_or_else(|| {
            EvalError::catchable(format!("list index not present, got: {i}, len is: {}, in: {}", items.len(), Value::List(items.clone())))
        }),
        (Some(Value::Map(m)), Some(key)) => m.get(key).cloned().ok_or_else(|| {
            let shown: Vec<String> = m.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            EvalError::catchable(format!("map key not present, want: {key} in {{{}}}", shown.join(", ")))
        }),
        _ => Err(internal("lookup arguments")),
    }
}

/// The operators, on values the type checker already matched.
fn operator(op: &str, args: &[Value]) -> Result<Value, EvalError> {
    use Value::*;
    let bad = || EvalError::fatal(format!("operator `{op}` can't take {}", args.iter().map(|a| a.ty().to_string()).collect::<Vec<_>>().join(" and ")));
    Ok(match (op, args) {
        ("not", [Bool(a)]) => Bool(!a),
        ("and", [Bool(a), Bool(b)]) => Bool(*a && *b),
        ("or", [Bool(a), Bool(b)]) => Bool(*a || *b),
        ("==", [a, b]) => Bool(a == b),
        ("!=", [a, b]) => Bool(a != b),
        ("+", [Int(a), Int(b)]) => Int(a.wrapping_add(*b)),
        ("-", [Int(a), Int(b)]) => Int(a.wrapping_sub(*b)),
        ("*", [Int(a), Int(b)]) => Int(a.wrapping_mul(*b)),
        ("+", [Float(a), Float(b)]) => Float(a + b),
        ("-", [Float(a), Float(b)]) => Float(a - b),
        ("*", [Float(a), Float(b)]) => Float(a * b),
        ("+", [Str(a), Str(b)]) => Value::str(format!("{a}{b}")),
        ("/", [Int(_), Int(0)]) => return Err(EvalError::catchable("can't divide by zero")),
        ("/", [Int(a), Int(b)]) => Float(*a as f64 / *b as f64),
        ("/", [Float(_), Float(b)]) if *b == 0.0 => return Err(EvalError::catchable("can't divide by zero")),
        ("/", [Float(a), Float(b)]) => Float(a / b),
        ("<", [Int(a), Int(b)]) => Bool(a < b),
        (">", [Int(a), Int(b)]) => Bool(a > b),
        ("<=", [Int(a), Int(b)]) => Bool(a <= b),
        (">=", [Int(a), Int(b)]) => Bool(a >= b),
        ("<", [Float(a), Float(b)]) => Bool(a < b),
        (">", [Float(a), Float(b)]) => Bool(a > b),
        ("<=", [Float(a), Float(b)]) => Bool(a <= b),
        (">=", [Float(a), Float(b)]) => Bool(a >= b),
        ("π", []) => Float(std::f64::consts::PI),
        _ => return Err(bad()),
    })
}

//! Implementations of the builtin functions (the signatures live in
//! [`registry::functions`](crate::registry::functions)).
//!
//! Each submodule contributes a table of `(module, name, implementation)`; [`implementation`]
//! finds one by the function's module and name. Implementations get their arguments as
//! [`Value`]s and a [`CallCtx`] to call function values and reach the host.

mod collections;
mod convert;
mod core;
mod datetime;
pub use datetime::utc_rfc3339;
mod deploy;
mod encoding;
mod fmt;
mod host;
mod iter;
mod math;
mod net;
mod regexp;
mod strings;
mod template;
mod test;
mod world;

use crate::eval::value::{EvalError, Value};
use crate::types::Type;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// A builtin's implementation.
pub type BuiltinFn = fn(&mut dyn CallCtx, &[Value]) -> Result<Value, EvalError>;

/// What an implementation can ask of the evaluator.
pub trait CallCtx {
    /// Calls a function value (a lambda) with arguments.
    fn call(&mut self, func: &Value, args: Vec<Value>) -> Result<Value, EvalError>;
    /// The call's result type as inferred by the type checker (for return-type-polymorphic
    /// builtins such as `math.fortytwo` and `encoding.decode_json`); `None` when unknown.
    fn ret_type(&self) -> Option<Type>;
    /// The host the program runs on.
    fn host(&self) -> &Host;
    /// The deploy directory of the module whose code makes this call: `/` for the entry module,
    /// `/mod1/` for code of `import "mod1/"`; always ends in `/`.
    fn module_base(&self) -> String {
        "/".into()
    }
}

/// What the program can see of the machine and the cluster.
#[derive(Clone, Debug)]
pub struct Host {
    /// `$hostname` and `sys.hostname()`.
    pub hostname: String,
    /// The root of the deployed code (the entry module's directory): `deploy.*` reads here.
    pub deploy_root: PathBuf,
    /// The world store for `world.*` functions and `kv` resources (in-process unless an agent
    /// backs it with etcd).
    pub world: Arc<Mutex<World>>,
    /// `local.*` state directory.
    pub vardir: PathBuf,
}

/// The shared key-value world of a cluster (in-process stand-in).
#[derive(Clone, Debug, Default)]
pub struct World {
    /// `world.getval`/`kv` values by key.
    pub values: HashMap<String, String>,
    /// `world.kvlookup` namespaces: namespace → (host → value).
    pub namespaces: HashMap<String, HashMap<String, String>>,
    /// The cluster's live hosts, sorted, for `world.schedule` (an agent fills it; empty: this
    /// host alone).
    pub hosts: Vec<String>,
    /// Resources the cluster's hosts export (`Meta:export`), for `world/collect.res` (an agent
    /// fills it).
    pub exported: Vec<Exported>,
}

/// A resource some host exports (`Meta:export => ["*"]` or a list of host names).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Exported {
    /// Its kind.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// The exporting host.
    pub host: String,
    /// The hosts it is exported to (`*`: all).
    pub to: Vec<String>,
}

impl Host {
    /// This machine: its hostname, `deploy_root` for deploy files, an empty world, a temp vardir.
    pub fn local(deploy_root: PathBuf) -> Host {
        let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_default();
        Host { hostname, deploy_root, world: Arc::new(Mutex::new(World::default())), vardir: std::env::temp_dir().join("mclc-vardir") }
    }
}

/// The implementation of `module.name`, if there is one.
pub fn implementation(module: &str, name: &str) -> Option<BuiltinFn> {
    static TABLE: OnceLock<HashMap<(&'static str, &'static str), BuiltinFn>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut t = HashMap::new();
            for table in TABLES {
                for &(m, n, f) in *table {
                    t.insert((m, n), f);
                }
            }
            t
        })
        .get(&(module, name))
        .copied()
}

/// Every submodule's table.
const TABLES: &[&[(&str, &str, BuiltinFn)]] = &[
    collections::FUNCTIONS,
    convert::FUNCTIONS,
    core::FUNCTIONS,
    datetime::FUNCTIONS,
    deploy::FUNCTIONS,
    encoding::FUNCTIONS,
    fmt::FUNCTIONS,
    host::FUNCTIONS,
    iter::FUNCTIONS,
    math::FUNCTIONS,
    net::FUNCTIONS,
    regexp::FUNCTIONS,
    strings::FUNCTIONS,
    template::FUNCTIONS,
    test::FUNCTIONS,
    world::FUNCTIONS,
];

/// Checks the argument count (the type checker already did; this guards direct calls).
pub fn args<const N: usize>(values: &[Value]) -> Result<&[Value; N], EvalError> {
    values.try_into().map_err(|_| EvalError::fatal(format!("expected {N} arguments, got {}", values.len())))
}

/// The string argument at `i`.
pub fn str_arg(values: &[Value], i: usize) -> Result<&str, EvalError> {
    values.get(i).and_then(Value::as_str).ok_or_else(|| EvalError::fatal(format!("argument {} must be a str", i + 1)))
}

/// The int argument at `i`.
pub fn int_arg(values: &[Value], i: usize) -> Result<i64, EvalError> {
    values.get(i).and_then(Value::as_int).ok_or_else(|| EvalError::fatal(format!("argument {} must be an int", i + 1)))
}

/// The float argument at `i`.
pub fn float_arg(values: &[Value], i: usize) -> Result<f64, EvalError> {
    values.get(i).and_then(Value::as_float).ok_or_else(|| EvalError::fatal(format!("argument {} must be a float", i + 1)))
}

/// The bool argument at `i`.
pub fn bool_arg(values: &[Value], i: usize) -> Result<bool, EvalError> {
    values.get(i).and_then(Value::as_bool).ok_or_else(|| EvalError::fatal(format!("argument {} must be a bool", i + 1)))
}

/// The list argument at `i`.
pub fn list_arg(values: &[Value], i: usize) -> Result<&[Value], EvalError> {
    values.get(i).and_then(Value::as_list).ok_or_else(|| EvalError::fatal(format!("argument {} must be a list", i + 1)))
}

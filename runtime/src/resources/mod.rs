//! The resource kinds this runtime implements, one file each, attached by name to the kinds of
//! the compiler's registry ([`mcl_compiler::registry::resources`]): the registry says which
//! fields a kind has and their types; this module says what checking and applying them means.
//!
//! A kind is a stateless [`Kind`]: the engine hands it the resource's effective fields
//! ([`Params`]: the program's fields with received send/recv values applied) and a [`Ctx`], and
//! gets back an [`Outcome`] (what changed or would change, values to send) or a [`ResError`].

mod exec;
mod file;
mod group;
mod kv;
mod msg;
mod noop;
mod pkg;
mod print;
mod svc;
mod test;
mod user;
mod value;

pub(crate) mod util;

use crate::error::ResError;
use mcl_compiler::eval::graph::Resource;
use mcl_compiler::eval::stdlib::World;
use mcl_compiler::eval::value::Value;
use mcl_compiler::registry::resources::{self as registry, KindDef};
use smol_str::SmolStr;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// What a kind's check-and-apply may use besides the resource's fields.
pub struct Ctx<'a> {
    /// Only check: report what would change, change nothing (`--noop` or `Meta:noop`).
    pub noop: bool,
    /// A Notify/Listen edge delivered a refresh (an exec re-runs, a service restarts).
    pub refresh: bool,
    /// This is the first check of this resource, as currently configured, in this process.
    pub first: bool,
    /// A watch reported that something changed (an exec's `watchcmd` printed a line).
    pub event: bool,
    /// The world store (`kv` resources write it; `world.getval` reads it).
    pub world: &'a Arc<Mutex<World>>,
    /// Lines for the user (what `print` and `msg` resources say).
    pub say: &'a mut Vec<String>,
    /// `Meta:timeout`: commands a kind runs are killed after this long.
    pub timeout: Option<std::time::Duration>,
}

/// The result of one check-and-apply.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// What was changed (or, in noop mode, what would be changed): one short phrase each.
    /// Empty when the resource was already in its desired state.
    pub changes: Vec<String>,
    /// Values sent on the kind's send ports (see the registry's `send` fields).
    pub sends: Vec<(SmolStr, Value)>,
}

impl Outcome {
    /// Nothing to do.
    pub fn ok() -> Outcome {
        Outcome::default()
    }

    /// True when something changed (or would change).
    pub fn changed(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// Something a resource watches so that the engine re-checks it when it changes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Watch {
    /// A path (a file or directory, existing or not): any change to the directory entry.
    Path(PathBuf),
    /// A long-running command: each line it prints is an event (an exec's `watchcmd`).
    Command {
        /// The command line.
        cmd: String,
        /// The shell to run it with (`sh` when empty).
        shell: String,
        /// Its working directory.
        cwd: Option<PathBuf>,
    },
}

/// What a resource names on the machine, for automatic edges: a resource that manages the thing
/// (a `file` resource for a path, a `user`, a `group`, a `pkg`) runs first.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Names {
    /// A path: the file resource of that path (or of the closest parent directory).
    Path(String),
    /// A user account.
    User(String),
    /// A group.
    Group(String),
}

/// The behaviour of one resource kind.
pub trait Kind: Sync {
    /// Checks the resource and, unless `ctx.noop`, applies what differs.
    fn check_apply(&self, p: &Params<'_>, ctx: &mut Ctx<'_>) -> Result<Outcome, ResError>;

    /// True when the kind converges several resources in one go (`Meta:autogroup`, see
    /// [`check_apply_group`](Kind::check_apply_group)).
    fn groups(&self) -> bool {
        false
    }

    /// Checks and applies several resources of this kind at once: one result per member, in
    /// order. By default each is done alone.
    fn check_apply_group(&self, members: &[Params<'_>], ctx: &mut Ctx<'_>) -> Vec<Result<Outcome, ResError>> {
        members.iter().map(|p| self.check_apply(p, ctx)).collect()
    }

    /// What the resource watches (nothing by default: it is checked when the graph or a
    /// predecessor changes, or on `Meta:poll`).
    fn watches(&self, _p: &Params<'_>) -> Vec<Watch> {
        Vec::new()
    }

    /// What the resource names on the machine (for automatic edges).
    fn names(&self, _p: &Params<'_>) -> Vec<Names> {
        Vec::new()
    }

    /// What the resource itself manages (for other resources' automatic edges).
    fn manages(&self, _p: &Params<'_>) -> Option<Names> {
        None
    }
}

/// The implementation of `kind`, when this runtime has one.
pub fn implementation(kind: &str) -> Option<&'static dyn Kind> {
    Some(match kind {
        "exec" => &exec::Exec,
        "file" => &file::File,
        "group" => &group::Group,
        "kv" => &kv::Kv,
        "msg" => &msg::Msg,
        "noop" => &noop::Noop,
        "pkg" => &pkg::Pkg,
        "print" => &print::Print,
        "svc" => &svc::Svc,
        "test" => &test::Test,
        "user" => &user::User,
        "value" => &value::ValueRes,
        _ => return None,
    })
}

/// The kinds [`implementation`] knows, sorted.
pub const IMPLEMENTED: &[&str] = &["exec", "file", "group", "kv", "msg", "noop", "pkg", "print", "svc", "test", "user", "value"];

/// A resource's effective fields, with typed accessors. Every accessor checks the field against
/// the registry's kind (a misspelt field name is a bug caught in debug builds), and a value of
/// an unexpected type (which the type checker rules out) is an [`ResError::Invalid`], never a
/// panic.
pub struct Params<'a> {
    /// The resource (kind, name, the program's fields, meta params, location).
    pub res: &'a Resource,
    /// Fields received over send/recv edges; they override the program's.
    pub received: &'a BTreeMap<SmolStr, Value>,
    def: Option<&'static KindDef>,
}

impl<'a> Params<'a> {
    /// The view of `res` with `received` values applied.
    pub fn new(res: &'a Resource, received: &'a BTreeMap<SmolStr, Value>) -> Params<'a> {
        Params { res, received, def: registry::kind(&res.kind) }
    }

    /// The resource's name.
    pub fn name(&self) -> &str {
        &self.res.name
    }

    /// The raw value of `field`, if set.
    pub fn get(&self, field: &'static str) -> Option<&'a Value> {
        debug_assert!(self.def.is_none_or(|d| d.field(field).is_some()), "kind `{}` has no field `{field}` in the registry", self.res.kind);
        self.received.get(field).or_else(|| self.res.params.get(field))
    }

    /// A `str` field, if set.
    pub fn str(&self, field: &'static str) -> Result<Option<&'a str>, ResError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(v) => Err(ResError::invalid(field, format!("expected a str, got {v}"))),
        }
    }

    /// A `str` field, or `""` when unset.
    pub fn str_or_empty(&self, field: &'static str) -> Result<&'a str, ResError> {
        Ok(self.str(field)?.unwrap_or(""))
    }

    /// A `bool` field (false when unset).
    pub fn bool(&self, field: &'static str) -> Result<bool, ResError> {
        match self.get(field) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(ResError::invalid(field, format!("expected a bool, got {v}"))),
        }
    }

    /// An `int` field, if set.
    pub fn int(&self, field: &'static str) -> Result<Option<i64>, ResError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Int(i)) => Ok(Some(*i)),
            Some(v) => Err(ResError::invalid(field, format!("expected an int, got {v}"))),
        }
    }

    /// A `[]str` field (empty when unset).
    pub fn strs(&self, field: &'static str) -> Result<Vec<&'a str>, ResError> {
        match self.get(field) {
            None => Ok(Vec::new()),
            Some(Value::List(items)) => items.iter().map(|v| v.as_str().ok_or_else(|| ResError::invalid(field, format!("expected a list of str, got {v}")))).collect(),
            Some(v) => Err(ResError::invalid(field, format!("expected a list of str, got {v}"))),
        }
    }

    /// A `map{str: str}` field (empty when unset).
    pub fn str_map(&self, field: &'static str) -> Result<Vec<(&'a str, &'a str)>, ResError> {
        match self.get(field) {
            None => Ok(Vec::new()),
            Some(Value::Map(m)) => m
                .iter()
                .map(|(k, v)| match (k.as_str(), v.as_str()) {
                    (Some(k), Some(v)) => Ok((k, v)),
                    _ => Err(ResError::invalid(field, "expected a map of str to str")),
                })
                .collect(),
            Some(v) => Err(ResError::invalid(field, format!("expected a map of str to str, got {v}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_implemented_kind_is_in_the_registry() {
        for kind in IMPLEMENTED {
            assert!(registry::kind(kind).is_some(), "{kind} is not a registry kind");
            assert!(implementation(kind).is_some(), "{kind} has no implementation");
        }
        assert!(implementation("virt").is_none());
    }
}

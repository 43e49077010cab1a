//! Every builtin function mgmt's mcl knows (350 entries): the `lang/core` functions, the operators,
//! the embedded `example` and `embedded/provisioner` functions and the `golang/*` wrappers.
//!
//! The table lives in `data/functions_table.rs`, one entry per line, generated from mgmt's JSON
//! fact tables by a throwaway script kept outside the repository (regenerate, or fix by hand).
//! Signatures are stored in mgmt's internal type syntax and parsed on first use ([`signature`],
//! [`forms`]).
//!
//! Operators (`+`, `==`, `not`, …, and the `in` desugaring) are entries too, flagged
//! [`FunctionDef::operator`]; find them with [`operator`]. [`lookup`] and [`module_members`] skip
//! them, since no call can name them.

use crate::types::{self, FuncType, Type};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One builtin function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionDef {
    /// The module it is registered in (`""` for top-level builtins, `"fmt"`, `"golang/strings"`,
    /// `"example/nested"`, …). A module is used after `import "<module>"`.
    pub module: &'static str,
    /// The name inside the module (`printf`); for an operator, the operator (`+`, `not`, `in`).
    pub name: &'static str,
    /// The signature mgmt's unifier sees, in the internal type syntax. For a variadic function the
    /// table's trailing `, ...` is dropped (see [`FunctionDef::variadic`]).
    pub sig: &'static str,
    /// The concrete or narrower instantiations the function accepts (internal type syntax). For
    /// simple polymorphic builtins (`len`, `panic`, …) mgmt enforces them after unification; for
    /// operators they are what the run time accepts. Empty when only [`Self::forms_note`] applies.
    pub forms: &'static [&'static str],
    /// A rule in words, for the forms that depend on static values at the call site
    /// (`fmt.printf`, `list.concat`, `_struct_lookup*`, `==`/`!=`, `encoding.decode_json*` with a
    /// type argument).
    pub forms_note: Option<&'static str>,
    /// What the function's value depends on.
    pub kind: FunctionKind,
    /// The signature has unification variables or several forms.
    pub polymorphic: bool,
    /// Can fail with a catchable error (handled by `<|>`).
    pub catchable: bool,
    /// `_`-prefixed: reachable only through syntax (`x[i]`, `x->f`, `collect`).
    pub internal: bool,
    /// An operator entry (`_operator` form, or the `in` desugaring to `contains`).
    pub operator: bool,
    /// Takes any number of arguments ≥ [`Self::min_args`] (`fmt.printf`, `list.concat`).
    pub variadic: bool,
    /// Produces a stream of values over time (not a single value).
    pub streams: bool,
    /// mgmt's own `Pure` flag, where it is a literal in mgmt's code.
    pub mgmt_pure: Option<bool>,
    /// The fewest arguments a call may have.
    pub min_args: u8,
    /// The most arguments a call may have; `None` means unbounded.
    pub max_args: Option<u8>,
    /// The name mgmt registers it under, when that is not `module.name` (`_operator` for the
    /// operators, `contains` for `in`).
    pub registered_as: Option<&'static str>,
    /// For an operator: the signature of its `_operator` call, with the leading `op str`.
    pub call_sig: Option<&'static str>,
    /// The syntax that reaches it, for builtins behind syntax (`x[i]`, `a in b`, `a + b`).
    pub syntax: Option<&'static str>,
    /// For a `golang/*` wrapper: the Go function it wraps (`strings.ToUpper`).
    pub go_func: Option<&'static str>,
}

/// What a function's value depends on (a classification of the tables, not mgmt's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionKind {
    /// Only on its arguments.
    Pure,
    /// On the local host: OS, files, environment, network, processes, engine-local state.
    Host,
    /// On time or randomness (clock, history, random values).
    Stream,
    /// On the etcd cluster (world store, scheduler, exported resources).
    World,
    /// On the deployed code's own file tree.
    Deploy,
    /// Exists only for mgmt's own tests.
    Test,
}

impl FunctionKind {
    /// The lower-case name the tables use (`pure`, `host`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FunctionKind::Pure => "pure",
            FunctionKind::Host => "host",
            FunctionKind::Stream => "stream",
            FunctionKind::World => "world",
            FunctionKind::Deploy => "deploy",
            FunctionKind::Test => "test",
        }
    }
}

/// The defaults every table entry starts from.
const F: FunctionDef = FunctionDef {
    module: "",
    name: "",
    sig: "",
    forms: &[],
    forms_note: None,
    kind: FunctionKind::Pure,
    polymorphic: false,
    catchable: false,
    internal: false,
    operator: false,
    variadic: false,
    streams: false,
    mgmt_pure: None,
    min_args: 0,
    max_args: None,
    registered_as: None,
    call_sig: None,
    syntax: None,
    go_func: None,
};

use FunctionKind::*;

include!("data/functions_table.rs");

/// Shows the [qualified name](FunctionDef::qualified_name) (`fmt.printf`, `len`, `+`).
impl std::fmt::Display for FunctionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.module.is_empty() { f.write_str(self.name) } else { write!(f, "{}.{}", self.module, self.name) }
    }
}

impl FunctionDef {
    /// `module.name`, or just `name` for a top-level builtin.
    pub fn qualified_name(&self) -> String {
        self.to_string()
    }

    /// The name mgmt registers it under (`fmt.printf`, `_operator`, `contains`).
    pub fn registered_name(&self) -> String {
        self.registered_as.map_or_else(|| self.qualified_name(), str::to_string)
    }

    /// A user can call it by name: neither internal nor an operator. (`panic` is callable only
    /// through the `panic(…)` statement, since `panic` is a keyword.)
    pub fn is_callable(&self) -> bool {
        !self.internal && !self.operator
    }

    /// A call with `argc` arguments is allowed by the arity bounds.
    pub fn accepts_arity(&self, argc: usize) -> bool {
        argc >= usize::from(self.min_args) && self.max_args.is_none_or(|max| argc <= usize::from(max))
    }

    /// The position of this entry in [`all`], if it is one of the table's entries.
    fn index(&self) -> Option<usize> {
        let base = FUNCTIONS.as_ptr() as usize;
        let at = self as *const FunctionDef as usize;
        let size = std::mem::size_of::<FunctionDef>();
        (at >= base && at < base + std::mem::size_of_val(FUNCTIONS) && (at - base) % size == 0).then(|| (at - base) / size)
    }
}

/// Every entry, in table order (350, operators and internal functions included).
pub fn all() -> &'static [FunctionDef] {
    FUNCTIONS
}

/// Indexes over [`FUNCTIONS`], built once.
struct Index {
    /// module → name → position, operators excluded.
    by_name: HashMap<&'static str, HashMap<&'static str, usize>>,
    /// module → positions in table order, operators excluded.
    by_module: HashMap<&'static str, Vec<usize>>,
    /// operator → position.
    operators: HashMap<&'static str, usize>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut ix = Index { by_name: HashMap::new(), by_module: HashMap::new(), operators: HashMap::new() };
        for (i, f) in FUNCTIONS.iter().enumerate() {
            if f.operator {
                ix.operators.insert(f.name, i);
            } else {
                ix.by_name.entry(f.module).or_default().insert(f.name, i);
                ix.by_module.entry(f.module).or_default().push(i);
            }
        }
        ix
    })
}

/// The function `name` of `module` (`""` for top-level builtins, internal ones included);
/// operators are not found here (see [`operator`]).
pub fn lookup(module: &str, name: &str) -> Option<&'static FunctionDef> {
    index().by_name.get(module)?.get(name).map(|&i| &FUNCTIONS[i])
}

/// Looks a function up by its qualified name: `printf` in `fmt.printf`, `len`, or
/// `golang/strings.to_upper` (the module is everything before the last `.`).
pub fn lookup_qualified(qualified: &str) -> Option<&'static FunctionDef> {
    match qualified.rsplit_once('.') {
        Some((module, name)) => lookup(module, name),
        None => lookup("", qualified),
    }
}

/// The functions of `module`, in table order, operators excluded (internal ones included: filter
/// with [`FunctionDef::is_callable`]).
pub fn module_members(module: &str) -> impl Iterator<Item = &'static FunctionDef> {
    index().by_module.get(module).into_iter().flatten().map(|&i| &FUNCTIONS[i])
}

/// True if `path` names a system module: some function or module variable is registered in it
/// (`fmt`, `golang/strings`, `example/nested`, `os`). The top-level `""` is not a module.
pub fn is_module(path: &str) -> bool {
    !path.is_empty() && (index().by_module.contains_key(path) || super::consts::module_vars(path).next().is_some())
}

/// Every system module name, sorted.
pub fn modules() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = index().by_module.keys().copied().filter(|m| !m.is_empty()).collect();
    out.extend(super::consts::all_module_vars().iter().filter_map(|c| c.module));
    out.sort_unstable();
    out.dedup();
    out
}

/// The entry for an operator as written: `+ - * / == != < > <= >= and or not`, and `in`
/// (which desugars to `contains`) and `π` (registered, unreachable from syntax).
pub fn operator(op: &str) -> Option<&'static FunctionDef> {
    index().operators.get(op).map(|&i| &FUNCTIONS[i])
}

/// Parsed signatures and forms, one slot per table entry.
fn parsed() -> &'static [(Type, Vec<Type>)] {
    static PARSED: OnceLock<Vec<(Type, Vec<Type>)>> = OnceLock::new();
    PARSED.get_or_init(|| FUNCTIONS.iter().map(parse_def).collect())
}

fn parse_def(f: &FunctionDef) -> (Type, Vec<Type>) {
    let parse = |s: &str| types::parse(s).unwrap_or_else(|e| panic!("builtin table entry {}: {e}", f.qualified_name()));
    (parse(f.sig), f.forms.iter().map(|s| parse(s)).collect())
}

/// The function's signature ([`FunctionDef::sig`]) as a type, parsed once and cached. Its
/// variables are the table's (`?1`, `?2`, …): instantiate with fresh ones per call site
/// ([`Type::instantiate`]).
pub fn signature(f: &FunctionDef) -> Cow<'static, Type> {
    match f.index() {
        Some(i) => Cow::Borrowed(&parsed()[i].0),
        None => Cow::Owned(parse_def(f).0),
    }
}

/// The function's [`forms`](FunctionDef::forms) as types (empty when only a note applies).
pub fn forms(f: &FunctionDef) -> Cow<'static, [Type]> {
    match f.index() {
        Some(i) => Cow::Borrowed(&parsed()[i].1),
        None => Cow::Owned(parse_def(f).1),
    }
}

/// The signature to unify a call with `argc` arguments against, or `None` if the arity is out of
/// bounds. For a function with an arity range (`iter.range`, `golang.template`, …) this is the
/// form with `argc` parameters (else the signature, if it has `argc`). For a variadic function
/// the parameters after the first [`min_args`](FunctionDef::min_args) repeat the signature's last
/// one (unnamed): with the same type when it shares variables (`list.concat`: every arg `[]?1`), with a
/// fresh variable each when it is a lone variable (`fmt.printf`: `?2`, `?3`, …; static format
/// checking is the caller's job). Variables are the table's; instantiate before unifying.
pub fn call_signature(f: &FunctionDef, argc: usize) -> Option<Type> {
    if !f.accepts_arity(argc) {
        return None;
    }
    let sig = signature(f);
    let Type::Func(func) = sig.as_ref() else { return None };
    if f.variadic {
        let fixed = usize::from(f.min_args).min(func.params.len());
        let mut params: Vec<_> = func.params[..fixed].to_vec();
        let pattern = func.params.last()?.1.clone();
        let lone_var = match pattern {
            Type::Var(v) => func.params[..func.params.len() - 1].iter().all(|(_, t)| !t.contains_var(v)) && !func.ret.contains_var(v),
            _ => false,
        };
        let mut next = sig.vars().into_iter().max().unwrap_or(0);
        for _ in fixed..argc {
            let ty = if lone_var {
                next += 1;
                Type::Var(next)
            } else {
                pattern.clone()
            };
            params.push((None, ty));
        }
        return Some(Type::Func(Box::new(FuncType { params, ret: func.ret.clone() })));
    }
    if func.params.len() == argc {
        return Some(sig.into_owned());
    }
    forms(f).iter().find(|t| t.as_func().is_some_and(|g| g.params.len() == argc)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variadic_call_signatures() {
        let printf = lookup("fmt", "printf").unwrap();
        assert_eq!(call_signature(printf, 0), None);
        assert_eq!(call_signature(printf, 1).unwrap().to_string(), "func(format str) str");
        assert_eq!(call_signature(printf, 3).unwrap().to_string(), "func(format str, ?3, ?4) str");
        let concat = lookup("list", "concat").unwrap();
        assert_eq!(call_signature(concat, 3).unwrap().to_string(), "func([]?1, []?1, []?1) []?1");
        assert_eq!(call_signature(concat, 1).unwrap().to_string(), "func([]?1) []?1");
    }

    #[test]
    fn arity_ranges() {
        let range = lookup("iter", "range").unwrap();
        assert_eq!(call_signature(range, 1).unwrap().to_string(), "func(int) []int");
        assert_eq!(call_signature(range, 3).unwrap().to_string(), "func(int, int, int) []int");
        assert_eq!(call_signature(range, 4), None);
        let decode = lookup("encoding", "decode_json").unwrap();
        assert_eq!(call_signature(decode, 1).unwrap().to_string(), "func(data str) ?1");
        assert_eq!(call_signature(decode, 2).unwrap().to_string(), "func(data str, type str) ?1");
        let len = lookup("", "len").unwrap();
        assert_eq!(call_signature(len, 1).unwrap().to_string(), "func(?1) int");
    }

    #[test]
    fn signature_of_a_copy_is_parsed_on_the_fly() {
        let copy = lookup("", "concat").unwrap().clone();
        assert_eq!(signature(&copy).to_string(), "func(a str, b str) str");
    }
}

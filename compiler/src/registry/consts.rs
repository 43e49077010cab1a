//! Every builtin variable: the 18 `$const.res.*` constants, the module variables (`$os.family_*`,
//! `$example.test1`, bound by importing their module) and the builtin `$hostname` and
//! `$purpleidea`.
//!
//! The tables live in `data/consts_table.rs`, one entry per line, generated from mgmt's JSON
//! fact tables by a throwaway script kept outside the repository (regenerate, or fix by hand).

use crate::types::Type;

/// One builtin variable.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstDef {
    /// The full name without `$`: `const.res.file.state.exists`, `os.family_redhat` (module
    /// variables include their module), `hostname`.
    pub name: &'static str,
    /// Its value.
    pub value: ConstValue,
    /// For a module variable, the module that must be imported (`os`); `None` for the
    /// `const.res.*` constants and the builtin variables, which are always in scope.
    pub module: Option<&'static str>,
}

/// A builtin variable's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConstValue {
    /// A `str`.
    Str(&'static str),
    /// An `int`.
    Int(i64),
    /// A `bool`.
    Bool(bool),
    /// A `float`.
    Float(f64),
    /// `$hostname`: a `str` known only at run time (the host's name; mgmt's interpret tests use
    /// `""`).
    Hostname,
}

impl ConstValue {
    /// The value's mcl type.
    pub fn ty(&self) -> Type {
        match self {
            ConstValue::Str(_) | ConstValue::Hostname => Type::Str,
            ConstValue::Int(_) => Type::Int,
            ConstValue::Bool(_) => Type::Bool,
            ConstValue::Float(_) => Type::Float,
        }
    }
}

impl ConstDef {
    /// The variable's mcl type.
    pub fn ty(&self) -> Type {
        self.value.ty()
    }

    /// The name inside its module (`family_redhat` for `os.family_redhat`); the full name for
    /// variables without a module.
    pub fn local_name(&self) -> &'static str {
        match self.module {
            Some(m) => &self.name[m.len() + 1..],
            None => self.name,
        }
    }
}

include!("data/consts_table.rs");

/// The `$const.res.<kind>.<param>.<value>` constants (18), always in scope.
pub fn consts() -> &'static [ConstDef] {
    CONSTS
}

/// The builtin variables always in scope: `$purpleidea`, `$hostname`.
pub fn builtin_vars() -> &'static [ConstDef] {
    BUILTIN_VARS
}

/// Every module variable (4), whatever its module.
pub fn all_module_vars() -> &'static [ConstDef] {
    MODULE_VARS
}

/// The variables an `import "<module>"` binds (`os` → `family_redhat`, …).
pub fn module_vars(module: &str) -> impl Iterator<Item = &'static ConstDef> {
    MODULE_VARS.iter().filter(move |c| c.module == Some(module))
}

/// Every variable in scope without an import: the constants and the builtin variables.
pub fn top_level() -> impl Iterator<Item = &'static ConstDef> {
    CONSTS.iter().chain(BUILTIN_VARS)
}

/// The variable with this full name, without `$` (`const.res.file.state.exists`, `hostname`,
/// `os.family_redhat`), from any of the three tables.
pub fn lookup(name: &str) -> Option<&'static ConstDef> {
    CONSTS.iter().chain(BUILTIN_VARS).chain(MODULE_VARS).find(|c| c.name == name)
}

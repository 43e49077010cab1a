//! The builtin tables: every function (with its signature), every resource kind (with its fields,
//! meta params, edge properties and send/recv ports) and every constant mgmt's mcl knows.
//!
//! One table each; the type checker, the evaluator, the runtime and the language server all read
//! these and never keep a second copy.

pub mod consts;
pub mod functions;
pub mod resources;
pub mod suggest;

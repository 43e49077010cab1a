//! The semantic phases: init (structural checks), scope (name resolution, ordering, imports,
//! classes) and unify (type inference). They know the syntax tree and the registries; the syntax
//! layer knows nothing of them.

pub mod hir;
pub mod init;
pub mod query;
pub mod scope;
pub mod unify;

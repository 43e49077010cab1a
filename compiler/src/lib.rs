//! `mcl-compiler`: the mcl language library — syntax, diagnostics, builtin tables, semantics (and
//! later evaluation). See ARCHITECTURE.md at the repository root for the map.

pub mod alloc;
pub mod diagnostics;
pub mod driver;
pub mod eval;
pub mod format;
pub mod registry;
pub mod semantics;
pub mod source;
pub mod syntax;
pub mod types;

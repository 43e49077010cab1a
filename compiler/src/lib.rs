//! `mcl-compiler`: the mcl language library — syntax, diagnostics, and (later) semantics and
//! evaluation. See ARCHITECTURE.md at the repository root for the map.

pub mod diagnostics;
pub mod driver;
pub mod source;
pub mod syntax;

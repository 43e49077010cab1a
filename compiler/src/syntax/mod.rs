//! The syntax layer: lexer, syntax tree, parser and interpolation. It knows nothing of types.

pub mod ast;
pub mod dump;
pub mod interpolate;
pub mod lexer;
pub mod parser;
pub mod visit;

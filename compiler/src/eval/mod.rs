//! Evaluation: from a typed program to its values and its resource graph.

pub mod graph;
pub mod interp;
pub mod stdlib;
pub mod value;

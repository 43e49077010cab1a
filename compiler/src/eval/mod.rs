//! Evaluation: from a typed program to its values and its resource graph.

pub mod stdlib;
pub mod value;

//! The mcl runtime (`mclc run`): converges a program's resource graph on this machine and keeps
//! it converged.
//!
//! * [`runner`] — one run: compile, evaluate, converge, then react to stream changes (new
//!   graphs) and watch events until stopped.
//! * [`engine`] — the running graph: passes in dependency order with parallel branches, meta
//!   params, Notify refreshes, send/recv, graph swaps with diffing, automatic edges.
//! * [`resources`] — the implemented kinds, one file each, attached by name to the compiler's
//!   kind registry.
//! * [`watch`] — inotify and watch commands; [`streams`] — drivers that produce the later values
//!   of the program's streams (clocks, watched files, the world store).
//! * [`report`] — events, progress and summaries; [`logging`] — the tracing subscriber.
//! * [`deploy`] — shipping programs to a cluster over etcd; [`agent`] — running them on each
//!   host.

pub mod agent;
pub mod deploy;
pub mod engine;
pub mod error;
pub mod logging;
pub mod report;
pub mod resources;
pub mod runner;
pub mod streams;
pub mod watch;

pub use engine::{Counts, Engine, EngineOptions};
pub use error::{ResError, RunError};
pub use report::{Event, Printer, Reporter};
pub use runner::{RunControl, RunOptions, RunSummary, run, run_with};

//! Deploying over etcd (`mclc deploy`, `mclc status`, `mclc deploy log|prune`); the agent that
//! runs deploys is [`crate::agent`].
//!
//! * [`schema`] — every key below the prefix and the JSON records in them (see
//!   `docs/deploy.md`).
//! * [`manifest`] — the deploy manifest and its validation (paths, hashes).
//! * [`bundle`] — check the program and collect its files; [`git`] — where it came from.
//! * [`store`] — the etcd connection and every read and write; id allocation in one
//!   transaction.
//! * [`ship`] — prepare and publish a deploy; [`wait`] — follow the hosts until they finish it;
//!   [`prune`] — delete old deploys and unreferenced files.
//! * [`local`] — the agent's private state directory, and files created without following
//!   symbolic links.
//! * [`printable`](mod@printable) — text from etcd made safe to print on a terminal (no escape sequences).

pub mod bundle;
pub mod error;
pub mod git;
pub mod local;
pub mod manifest;
pub mod printable;
pub mod prune;
pub mod schema;
pub mod ship;
pub mod store;
pub mod wait;

pub use error::DeployError;
pub use manifest::Manifest;
pub use printable::printable;
pub use schema::{HostRecord, HostStatus, Keys, State};
pub use ship::{DeployOptions, Outcome, Prepared, prepare, publish};
pub use store::{EtcdConfig, Store};
pub use wait::{HostResult, WaitReport, wait};

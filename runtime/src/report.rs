//! What the runtime tells its user: each change, failure and message as an [`Event`], progress
//! of a pass, and per-pass summaries. [`Printer`] is the terminal form `mclc run` uses.

use crate::engine::Counts;
use crate::error::ResError;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Something that happened to one resource, or a line a resource said.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A resource was changed (or, with `noop`, would be).
    Applied {
        /// `kind[name]`.
        res: String,
        /// `path:line:col` of its statement.
        loc: String,
        /// What changed.
        changes: Vec<String>,
        /// Nothing was changed: this is what would change.
        noop: bool,
    },
    /// A resource's check-and-apply failed.
    Failed {
        /// `kind[name]`.
        res: String,
        /// `path:line:col` of its statement.
        loc: String,
        /// Why.
        error: ResError,
    },
    /// A resource was not attempted because a predecessor failed.
    Blocked {
        /// `kind[name]`.
        res: String,
        /// `path:line:col` of its statement.
        loc: String,
        /// The failed resource it depends on (directly or through blocked ones), `kind[name]`.
        by: String,
    },
    /// A line a `print` or `msg` resource said.
    Said(String),
}

/// Receives the runtime's events.
pub trait Reporter: Send {
    /// One event.
    fn event(&mut self, e: Event);
    /// A pass has finished `done` of `total` resources.
    fn progress(&mut self, _done: usize, _total: usize) {}
    /// A pass ended.
    fn pass(&mut self, _counts: Counts, _elapsed: Duration, _first: bool) {}
    /// A graph is about to run: the first one, and each new one after a stream change.
    fn graph(&mut self, _graph: &mcl_compiler::eval::graph::Graph) {}
    /// After each pass: the state of the whole graph (failed and blocked resources now, not
    /// only those of the pass).
    fn graph_state(&mut self, _state: Counts) {}
    /// A problem outside any resource (an evaluation error after a stream change, …).
    fn problem(&mut self, message: &str) {
        tracing::error!("{message}");
    }
}

/// Prints events: changes and said lines on standard output, failures on standard error (as
/// `path:line:col: error: kind[name]: reason`), a progress line on standard error when it is a
/// terminal, and a summary after each pass that did something.
pub struct Printer {
    noop: bool,
    tty: bool,
    last_progress: Option<Instant>,
    progress_shown: bool,
}

impl Printer {
    /// A printer; `noop` words the summary as what would change.
    pub fn new(noop: bool) -> Printer {
        Printer { noop, tty: std::io::stderr().is_terminal(), last_progress: None, progress_shown: false }
    }

    fn clear_progress(&mut self) {
        if self.progress_shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.progress_shown = false;
        }
    }
}

/// The summary line of a pass.
pub fn summary_line(c: Counts, elapsed: Duration, noop: bool) -> String {
    let mut s = if noop {
        format!("noop: {} would change, {} unchanged, {} failed", c.applied, c.unchanged, c.failed)
    } else {
        format!("converged: {} applied, {} unchanged, {} failed", c.applied, c.unchanged, c.failed)
    };
    if c.blocked > 0 {
        s.push_str(&format!(", {} blocked", c.blocked));
    }
    s.push_str(&format!(" ({:.2} s)", elapsed.as_secs_f64()));
    s
}

impl Reporter for Printer {
    fn event(&mut self, e: Event) {
        self.clear_progress();
        match e {
            Event::Applied { res, changes, noop, .. } => {
                let verb = if noop { "would apply" } else { "applied" };
                println!("{verb} {res}: {}", changes.join(", "));
            }
            Event::Failed { res, loc, error } => {
                eprintln!("{loc}: error: {res}: {error}");
            }
            Event::Blocked { res, loc, by } => {
                eprintln!("{loc}: blocked: {res}: not attempted because {by} failed");
            }
            Event::Said(line) => println!("{line}"),
        }
        let _ = std::io::stdout().flush();
    }

    fn progress(&mut self, done: usize, total: usize) {
        if !self.tty || total < 20 {
            return;
        }
        let now = Instant::now();
        if done < total && self.last_progress.is_some_and(|t| now.duration_since(t) < Duration::from_millis(100)) {
            return;
        }
        self.last_progress = Some(now);
        if done >= total {
            self.clear_progress();
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2Kconverging {done}/{total}");
        let _ = err.flush();
        self.progress_shown = true;
    }

    fn pass(&mut self, counts: Counts, elapsed: Duration, first: bool) {
        self.clear_progress();
        if first || counts.applied > 0 || counts.failed > 0 || counts.blocked > 0 {
            println!("{}", summary_line(counts, elapsed, self.noop));
            let _ = std::io::stdout().flush();
        }
    }

    fn problem(&mut self, message: &str) {
        self.clear_progress();
        eprintln!("{message}");
    }
}

//! Helpers for the benchmarks: percentiles of measured durations.

use std::time::Duration;

/// The p50 and p95 of `times`, in milliseconds.
///
/// # Panics
///
/// Panics when `times` is empty.
pub fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e3;
    (at(0.5), at(0.95))
}

/// Prints `name`, the count, p50 and p95 of `times`, names padded to `width`.
pub fn report(name: &str, width: usize, times: Vec<Duration>) {
    let n = times.len();
    let (p50, p95) = percentiles(times);
    println!("{name:<width$} n={n:<5} p50 {p50:>7.2} ms  p95 {p95:>7.2} ms");
}

//! Compiler benchmark: lex + parse, interpolation, and the full check (every phase through
//! unify) of a generated 100k-line mcl program, and the full check of every example program.
//! Run with `cargo bench -p mcl-compiler --bench front_end`; prints lines/s (median of runs).

use mcl_compiler::driver::{StopAfter, check_text};
use mcl_compiler::source::FileId;
use mcl_compiler::syntax::{interpolate, lexer, parser};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The same allocator as the `mclc` binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mcl_compiler::alloc::MiMalloc = mcl_compiler::alloc::MiMalloc;

use mcl_tests::generate_program as generate;

/// Times `f` (median of `runs`); what it returns is dropped outside the timed region.
fn measure<T>(name: &str, lines: usize, runs: usize, mut f: impl FnMut() -> T) {
    // MCL_BENCH=substring runs only the matching measurements (handy under a profiler).
    if let Ok(only) = std::env::var("MCL_BENCH")
        && !name.contains(only.as_str())
    {
        return;
    }
    drop(f()); // warm up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let out = f();
            let elapsed = t.elapsed();
            drop(black_box(out));
            elapsed
        })
        .collect();
    times.sort();
    let median = times[runs / 2];
    println!(
        "{name:<28} {lines:>7} lines  median {:>8.2} ms  {:>6.2} M lines/s",
        median.as_secs_f64() * 1e3,
        lines as f64 / median.as_secs_f64() / 1e6
    );
}

fn main() {
    let src = generate(100_000);
    let lines = src.lines().count();
    measure("lex", lines, 11, || lexer::lex(black_box(&src), FileId(0)));
    measure("lex + parse", lines, 11, || {
        let parsed = parser::parse(black_box(&src), FileId(0));
        assert!(parsed.diagnostics.is_empty());
        parsed
    });
    measure("lex + parse + interpolate", lines, 11, || {
        let mut parsed = parser::parse(black_box(&src), FileId(0));
        let diags = interpolate::interpolate(&mut parsed.prog, &src, FileId(0));
        assert!(diags.is_empty());
        parsed
    });
    measure("check (all phases)", lines, 5, || {
        let checked = check_text("bench.mcl", src.clone(), StopAfter::Unify);
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics.first());
        checked
    });
    measure("format (mclc fmt, with its safety re-parse)", lines, 5, || {
        let out = mcl_compiler::format::format(black_box(&src));
        assert!(out.is_ok(), "the benchmark program formats");
        out
    });
    let examples = example_programs();
    let example_lines: usize = examples.iter().map(|(_, t)| t.lines().count()).sum();
    measure(&format!("check {} examples", examples.len()), example_lines, 11, || {
        examples.iter().map(|(p, t)| check_text(p.clone(), t.clone(), StopAfter::Unify).has_errors()).collect::<Vec<_>>()
    });
}

/// Every `.mcl` under ../shared/conformance/examples when present, else our own examples/.
fn example_programs() -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = root.join("../shared/conformance/examples");
    let dir = if shared.is_dir() { shared } else { root.join("examples") };
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "mcl")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                out.push((p, text));
            }
        }
    }
    out.sort();
    out
}

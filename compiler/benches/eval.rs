//! Evaluation benchmarks: the graph of a generated 10k-resource program (check + evaluate +
//! build), and one changed stream value in a 1k-resource program (incremental re-evaluation +
//! graph build). Run with `cargo bench -p mcl-compiler --bench eval`.

use mcl_compiler::driver::{StopAfter, build_graph, check_path};
use mcl_compiler::eval::interp::Session;
use mcl_compiler::eval::stdlib::Host;
use mcl_compiler::eval::value::Value;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The same allocator as the `mclc` binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mcl_compiler::alloc::MiMalloc = mcl_compiler::alloc::MiMalloc;

/// A program with `n` resources in a mix of forms (plain, loop-generated, class-included), `n/10`
/// of them depending on the clock stream.
fn program(n: usize) -> String {
    let mut s = String::from("import \"datetime\"\nimport \"fmt\"\n$now = datetime.now()\n$phase = if $now > 0 { \"on\" } else { \"off\" }\n");
    s.push_str("class svc($name, $port) {\n\ttest \"svc-${name}\" {\n\t\tint64 => $port,\n\t\tanotherstr => fmt.printf(\"%s:%d\", $name, $port),\n\t}\n}\n");
    let mut made = 0;
    let mut i = 0;
    while made < n {
        if i % 10 == 0 {
            s.push_str(&format!("test \"clock-{i}-${{phase}}\" {{}}\n"));
            made += 1;
        } else if i % 10 < 6 {
            s.push_str(&format!("file \"/tmp/bench/{i}\" {{\n\tcontent => \"file {i}\\n\",\n\tmode => \"0644\",\n\tMeta:noop => true,\n}}\n"));
            made += 1;
        } else if i % 10 < 8 {
            s.push_str(&format!("include svc(\"s{i}\", {i})\n"));
            made += 1;
        } else {
            s.push_str(&format!("for $j, $v in [\"a{i}\", \"b{i}\"] {{\n\ttest \"loop-${{v}}\" {{}}\n}}\n"));
            made += 2;
        }
        i += 1;
    }
    s
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.mcl");
    std::fs::write(&big, program(10_000)).expect("write");
    let host = Host::local(dir.path().to_path_buf());
    let times: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let built = build_graph(black_box(&big), Some(host.clone()));
            let elapsed = t.elapsed();
            let g = built.graph.expect("the benchmark program builds");
            assert!(g.resources.len() >= 10_000);
            elapsed
        })
        .collect();
    let lines = std::fs::read_to_string(&big).map(|t| t.lines().count()).unwrap_or(0);
    println!("graph of a 10k-resource program, {lines} lines (check + eval + build)   median {:>8.2} ms", median(times).as_secs_f64() * 1e3);
    let checked = check_path(&big, StopAfter::Unify);
    let (hir, typed) = (checked.hir.as_ref().expect("hir"), checked.typed.as_ref().expect("types"));
    let times: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let out = Session::new(hir, typed, &host, &checked.sources).run().expect("run");
            let g = mcl_compiler::eval::graph::build(out).expect("graph");
            let elapsed = t.elapsed();
            black_box(g);
            elapsed
        })
        .collect();
    println!("  of which evaluation + graph building                   median {:>8.2} ms", median(times).as_secs_f64() * 1e3);
    // The same 10k resources written compactly: loops and includes generate them.
    let compact = dir.path().join("compact.mcl");
    std::fs::write(&compact, "import \"fmt\"\nimport \"iter\"\nclass svc($i) {\n\ttest \"svc-${i}\" {\n\t\tanotherstr => $i,\n\t}\n}\n$ids = iter.range(5000)\nfor $n, $i in $ids {\n\t$s = fmt.printf(\"%d\", $i)\n\tfile \"/tmp/bench/${s}\" {\n\t\tcontent => \"x\",\n\t}\n\tinclude svc($s)\n}\n").expect("write");
    let times: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let built = build_graph(black_box(&compact), Some(host.clone()));
            let elapsed = t.elapsed();
            assert_eq!(built.graph.expect("compact program builds").resources.len(), 10_000);
            elapsed
        })
        .collect();
    println!("graph of a compact program generating 10k resources      median {:>8.2} ms", median(times).as_secs_f64() * 1e3);

    let small = dir.path().join("small.mcl");
    std::fs::write(&small, program(1_000)).expect("write");
    let checked = check_path(&small, StopAfter::Unify);
    let (hir, typed) = (checked.hir.as_ref().expect("hir"), checked.typed.as_ref().expect("types"));
    let mut session = Session::new(hir, typed, &host, &checked.sources);
    let t = Instant::now();
    let first = session.run_complete(std::time::Duration::from_secs(10)).expect("first run");
    let first_eval = t.elapsed();
    let first_count = session.recomputed();
    let stream = session.streams().iter().position(|s| s.function.name == "now").expect("clock stream");
    let mut times = Vec::new();
    let mut recomputed = 0;
    for k in 0..21 {
        let t = Instant::now();
        let out = session.update(stream, Value::Int(k % 2)).expect("update");
        let g = mcl_compiler::eval::graph::build(out).expect("graph");
        times.push(t.elapsed());
        recomputed = session.recomputed();
        black_box(g);
    }
    println!(
        "1k-resource program: first evaluation {:.2} ms ({} statements/binds computed, {} resources)",
        first_eval.as_secs_f64() * 1e3,
        first_count,
        first.resources.len()
    );
    println!(
        "one stream change → new graph                            median {:>8.2} ms ({recomputed} statements/binds recomputed)",
        median(times).as_secs_f64() * 1e3
    );
}

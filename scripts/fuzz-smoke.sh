#!/usr/bin/env bash
# A short fuzzing pass for CI: builds the four cargo-fuzz targets in fuzz/ on the stable
# toolchain (no sanitizer, optimized), seeds their corpora, and runs each briefly. Any crash,
# timeout or out-of-memory fails the script (libFuzzer writes the input to
# fuzz/artifacts/<target>/; reproduce it with `cargo fuzz run -s none -O <target> <file>`).
#
# Environment: FUZZ_RUNS (default 20000) and FUZZ_SECONDS (default 30) bound each target's run;
# whichever is reached first ends it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

runs="${FUZZ_RUNS:-20000}"
seconds="${FUZZ_SECONDS:-30}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

./seed.sh
start=$SECONDS
cargo fuzz build -s none -O
echo "fuzz-smoke: built in $((SECONDS - start)) s" >&2

for target in parse check format eval; do
    t0=$SECONDS
    cargo fuzz run -s none -O "$target" -- \
        -dict=mcl.dict -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -runs="$runs" -max_total_time="$seconds" -print_final_stats=1 2>"target/fuzz-smoke-$target.log" \
        || { tail -n 60 "target/fuzz-smoke-$target.log" >&2; echo "fuzz-smoke: $target FAILED (see fuzz/artifacts/$target/)" >&2; exit 1; }
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "target/fuzz-smoke-$target.log" | grep -o '[0-9]*$' || echo '?')"
    echo "fuzz-smoke: $target ok ($execs executions, $((SECONDS - t0)) s)" >&2
done
echo "fuzz-smoke: all targets ok in $((SECONDS - start)) s" >&2

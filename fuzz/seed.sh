#!/usr/bin/env bash
# Builds the seed corpora fuzz/corpus/<target>/ from the repository's examples, our own seeds
# (fuzz/seeds/), and, when the conformance suite is checked out next to the repository
# (../shared/conformance), its example programs, formatter inputs and the main.mcl of every
# graph test. The corpora are generated, never committed (see .gitignore). Safe to re-run:
# files are named by content hash, and whatever the fuzzer added is kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
shared="${MCL_CONFORMANCE:-$repo/../shared/conformance}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

add() { # add FILE: copy into the staging dir under its content hash
    local h
    h="$(sha1sum "$1" | cut -c1-40)"
    cp "$1" "$stage/$h"
}

for f in "$repo"/examples/*.mcl "$here"/seeds/*.mcl; do
    [ -f "$f" ] && add "$f"
done
if [ -d "$shared" ]; then
    for f in "$shared"/examples/*.mcl "$shared"/format/*; do
        [ -f "$f" ] && add "$f"
    done
    # The `-- main.mcl --` section of each graph txtar (up to the next `-- name --` line).
    for t in "$shared"/graph/*.txtar; do
        [ -f "$t" ] || continue
        awk '/^-- .* --$/ { inmain = ($0 == "-- main.mcl --"); next } inmain { print }' "$t" >"$stage/main.mcl"
        [ -s "$stage/main.mcl" ] && add "$stage/main.mcl"
        rm -f "$stage/main.mcl"
    done
else
    echo "seed.sh: no conformance suite at $shared (set MCL_CONFORMANCE); using the repository's seeds only" >&2
fi

for target in parse check format eval; do
    mkdir -p "$here/corpus/$target"
    cp "$stage"/* "$here/corpus/$target/"
done
echo "seed.sh: $(ls "$stage" | wc -l) seeds in fuzz/corpus/{parse,check,format,eval}" >&2

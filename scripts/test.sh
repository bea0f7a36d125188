#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (engine,
# spec testsuite, C API under valgrind, C examples).
# Installs what a fresh machine lacks (valgrind) with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null 2>&1; then
  echo "== installing valgrind (needed by the C API tests)"
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); else apt=(sudo apt-get); fi
  "${apt[@]}" update -qq && "${apt[@]}" install -y -qq valgrind >/dev/null || echo "warning: could not install valgrind"
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
echo "== cargo test"
WASMRT_VALGRIND=${WASMRT_VALGRIND:-1} cargo test --quiet

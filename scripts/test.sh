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
# Without the JIT (the `jit` feature off) the library must build cleanly too.
echo "== cargo clippy --no-default-features"
cargo clippy --all-targets --quiet --no-default-features -- -D warnings
# The JIT must keep building for aarch64 (tests run on x86-64 only).
echo "== cargo check --target aarch64-unknown-linux-gnu"
if rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1; then
  cargo check --quiet --target aarch64-unknown-linux-gnu
else
  echo "== aarch64 check: SKIPPED (rustup could not add the aarch64-unknown-linux-gnu target)"
fi
echo "== cargo test"
WASMRT_VALGRIND=${WASMRT_VALGRIND:-1} cargo test --quiet
# Optimised builds dispatch between interpreter handlers by tail calls
# (debug builds by a loop, tested above): run the spec testsuite on that
# build too, and check that every handler's dispatch compiled as a jump.
echo "== cargo test --release --test spec (tail-call dispatch)"
cargo test --release --quiet --test spec
# The interpreter's SIMD results must match native code's bit for bit in an
# optimised build too, where the compiler may reorder a commutative
# operation's operands (which decides the NaN of `f32x4.add`).
echo "== cargo test --release --test jit_simd"
cargo test --release --quiet --test jit_simd
echo "== cargo test --release --test tail_call (a billion return_calls in constant stack)"
cargo test --release --quiet --test tail_call
cargo build --release --quiet
python3 scripts/check-tail-dispatch.py "${CARGO_TARGET_DIR:-target}/release/libwasmrt.so"
# The C tests and examples again, against the release library and under
# valgrind with the suppressions we ship (scripts/wasmrt.supp).
echo "== C API tests against the release library, under valgrind"
WASMRT_VALGRIND=1 WASMRT_CAPI_LIB_DIR="${CARGO_TARGET_DIR:-target}/release" \
  cargo test --quiet --test capi
# A short run of every fuzz target, earlier findings replayed first
# (docs/FUZZING.md); about 4 minutes. WASMRT_FUZZ_SMOKE=0 leaves it out.
if [ "${WASMRT_FUZZ_SMOKE:-1}" = 1 ]; then
  ./scripts/fuzz-smoke.sh
else
  echo "== fuzz smoke: SKIPPED (WASMRT_FUZZ_SMOKE=0)"
fi

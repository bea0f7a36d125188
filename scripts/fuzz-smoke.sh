#!/usr/bin/env bash
# A short, bounded run of every fuzz target in fuzz/ (see docs/FUZZING.md).
# Needs a nightly toolchain (rustup) and cargo-fuzz; installs cargo-fuzz
# when missing. Without nightly, prints one SKIPPED line and exits 0 (the
# skip is reported, never counted as a pass).
# The smoke run builds the targets unoptimised (`--dev`, still with
# AddressSanitizer and coverage instrumentation): on a 2-core machine that
# build takes about 2.5 minutes, where an optimised one takes 10-20 (cranelift).
# Installing cargo-fuzz takes under a minute; then 10 s a target.
# Long runs use the optimised build: see docs/FUZZING.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${WASMRT_FUZZ_SMOKE_SECONDS:-10}
# `--dev` (default) or `--release`.
PROFILE=${WASMRT_FUZZ_SMOKE_PROFILE:---dev}

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "== fuzz smoke: SKIPPED (no nightly toolchain; install with 'rustup toolchain install nightly')"
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== fuzz smoke: installing cargo-fuzz"
  if ! cargo install cargo-fuzz --locked --quiet; then
    echo "== fuzz smoke: SKIPPED (cargo-fuzz could not be installed)"
    exit 0
  fi
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/fuzz"
echo "== fuzz smoke: building the targets (cargo +nightly fuzz build $PROFILE)"
cargo +nightly fuzz build --fuzz-dir fuzz "$PROFILE"
for target in validate run differential wasi; do
  # Every earlier finding first (fuzz/regressions/<target>/, see docs/FUZZING.md).
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
    echo "== fuzz smoke: $target, replaying fuzz/regressions/$target"
    cargo +nightly fuzz run --fuzz-dir fuzz "$PROFILE" "$target" fuzz/regressions/"$target"/* -- -timeout=60
  fi
  echo "== fuzz smoke: $target for ${SECONDS_PER_TARGET}s"
  mkdir -p "fuzz/corpus/$target"
  log="$CARGO_TARGET_DIR/smoke-$target.log"
  mkdir -p "$CARGO_TARGET_DIR"
  if cargo +nightly fuzz run --fuzz-dir fuzz "$PROFILE" "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" >"$log" 2>&1; then
    grep -E '^#[0-9]+ +DONE|^Done [0-9]+ runs' "$log" | tail -1
  else
    tail -40 "$log"
    echo "fuzz target $target failed (a finding is in fuzz/artifacts/$target)"
    exit 1
  fi
done

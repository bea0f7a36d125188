#!/usr/bin/env bash
# What the sandbox controls cost: every kernel of ../shared/bench run with
# no checks, with fuel, with epoch interruption and with both, in each
# strategy, plus the interrupt latency (scripts/sandbox-bench.c). Prints
# tab-separated rows: strategy, kernel, checks, median ms, checksum.
#
#   scripts/sandbox-bench.sh [--scale F] [--repeat R] [--only fib,sieve,...]
#
# Speed is measured here, never in tests: quote ratios from one run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${WASMRT_BENCH_DIR:-$root/../shared/bench}"
scale=0.25 repeat=3 only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "sandbox-bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ ! -f "$bench/corpus.tsv" ]]; then
  echo "sandbox-bench.sh: no benchmark corpus at $bench (set WASMRT_BENCH_DIR)" >&2
  exit 2
fi
(cd "$root" && cargo build --release --quiet --lib)
lib="$root/target/release"
exe="$root/target/release/sandbox-bench"
cc -O2 -std=c11 -Wall -Wextra -Werror -I"$root/include" -o "$exe" \
  "$root/scripts/sandbox-bench.c" -L"$lib" -lwasmrt -Wl,-rpath,"$lib" -lpthread
for strategy in interp jit auto; do
  export WASMRT_STRATEGY=$strategy
  while IFS=$'\t' read -r name n _; do
    [[ "$name" == \#* || "$name" == large || "$name" == callover ]] && continue
    [[ -n "$only" && ",$only," != *",$name,"* ]] && continue
    scaled=$(awk -v n="$n" -v s="$scale" 'BEGIN { v = int(n * s); print (v < 1 ? 1 : v) }')
    [[ "$name" == fib && "$scale" != 1 ]] && scaled=35 # exponential in n
    "$exe" "$bench/wasm/$name.wasm" "$scaled" --repeat "$repeat" |
      sed "s|^$bench/wasm/\([a-z0-9_]*\).wasm|$strategy\t\1|"
  done < "$bench/corpus.tsv"
  echo -e "$strategy\t$("$exe" --latency --repeat 50)"
done

#!/usr/bin/env bash
# Side-by-side benchmark of wasmrt's strategies and wasmtime, over plain
# wasm.h, with the harness in ../shared/bench (bench.c, run-bench.sh,
# report.py). Builds the release library, installs wasmtime's C library from
# PyPI into the peers cache (../shared/bench/setup-peers.sh builds wasmi's
# too; when it has, wasmi runs as well), runs every kernel for each peer in
# one session and prints the markdown tables that docs/PERFORMANCE.md quotes.
#
#   scripts/bench.sh [--scale F] [--repeat R] [--only fib,sieve,...] [--out FILE.tsv]
#
# Speed is measured here, never in tests: quote ratios from one run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${WASMRT_BENCH_DIR:-$root/../shared/bench}"
scale=0.25 repeat=3 only="" out="$(mktemp --suffix=.tsv)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ ! -f "$bench/bench.c" ]]; then
  echo "bench.sh: no benchmark harness at $bench (set WASMRT_BENCH_DIR)" >&2
  exit 2
fi
cache="${PEERS_CACHE:-$HOME/.cache/wasmrt-peers}"
mkdir -p "$cache"
[[ -x "$cache/venv/bin/python" ]] || python3 -m venv "$cache/venv"
"$cache/venv/bin/pip" install -q --disable-pip-version-check wasmtime==50.0.1
wasmtime_lib=$(ls "$cache"/venv/lib/python3*/site-packages/wasmtime/linux-x86_64/_libwasmtime.so)

(cd "$root" && cargo build --release --quiet)
lib="$root/target/release/libwasmrt.so"
# bench.c needs only the standard header: ours declares all of it.
export WASM_H_DIR="$root/include"
args=(--out "$out" --repeat "$repeat" --scale "$scale")
[[ -n "$only" ]] && args+=(--only "$only")
rm -f "$out"
"$bench/run-bench.sh" --lib "$wasmtime_lib" --name wasmtime "${args[@]}" >/dev/null
wasmi_lib="$cache/wasmi-capi/target/release/libwasmi.so"
if [[ -f "$wasmi_lib" ]]; then
  "$bench/run-bench.sh" --lib "$wasmi_lib" --name wasmi "${args[@]}" >/dev/null
else
  echo "bench.sh: no wasmi library in $cache (run $bench/setup-peers.sh to add it)" >&2
fi
for strategy in jit auto interp; do
  # One copy of the library per strategy, so each gets its own harness.
  copy="$cache/libwasmrt-$strategy.so"
  cp "$lib" "$copy"
  WASMRT_STRATEGY=$strategy "$bench/run-bench.sh" --lib "$copy" --name "wasmrt-$strategy" "${args[@]}" >/dev/null
done
python3 "$bench/report.py" "$out"
echo "(raw results: $out)"

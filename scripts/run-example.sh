#!/usr/bin/env bash
# Builds libwasmrt (release) and runs one C example against it:
#   ./scripts/run-example.sh [NAME]      (default: hello; NAME.c in c-examples/)
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-hello}"
src="c-examples/$name.c"
[ -f "$src" ] || { echo "no such example: $src" >&2; exit 2; }
cargo build --release --quiet --lib --example wat2wasm
target="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"   # absolute: it goes into the rpath
out="$target/c-examples"
mkdir -p "$out"
for wat in c-examples/*.wat; do
  "$target/release/examples/wat2wasm" "$wat" "$out/$(basename "${wat%.wat}").wasm"
done
cc -std=c11 -Wall -Wextra -O2 -Iinclude "$src" -o "$out/$name" \
  -L"$target/release" -lwasmrt -Wl,-rpath,"$target/release" -lpthread
cd "$out" && exec "./$name"

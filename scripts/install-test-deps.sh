#!/usr/bin/env bash
# Installs what the test suite needs beyond a fresh machine's Rust, gcc and
# Python: valgrind (C API tests), cmake and pkg-config (install tests), and
# the FFI consumers' toolchains: Go (cgo), Ruby with ruby-ffi, and Zig
# (the PyPI package ziglang; 0.15 is the last release with @cImport); and
# clang, lld, wasi-libc and compiler-rt's wasm32 builtins, which compile the WASI test programs
# (tests/wasi/*.c) to wasm32-wasi; Rust's wasm32-wasip1 target and the
# wasmtime Python package (in ~/.cache/wasmrt-peers/venv, shared with
# scripts/bench.sh) and, when npm exists, AssemblyScript with its WASI
# shim (in ~/.cache/wasmrt-peers/asc) for the side-by-side WASI test
# (tests/wasi_toolchains.rs); and the prebuilt preview 1 programs of the
# WebAssembly WASI test suite (in ~/.cache/wasmrt-peers/wasi-testsuite,
# for tests/wasi_testsuite.rs). The last two are skipped, with a message,
# when they cannot be downloaded.
set -euo pipefail
packages=()
command -v valgrind >/dev/null 2>&1 || packages+=(valgrind)
command -v cmake >/dev/null 2>&1 || packages+=(cmake)
command -v pkg-config >/dev/null 2>&1 || packages+=(pkg-config)
command -v go >/dev/null 2>&1 || packages+=(golang-go)
ruby -e 'require "ffi"' >/dev/null 2>&1 || packages+=(ruby-ffi)
command -v clang >/dev/null 2>&1 || packages+=(clang)
command -v wasm-ld >/dev/null 2>&1 || packages+=(lld)
[ -f /usr/lib/wasm32-wasi/libc.a ] || [ -f /usr/share/wasi-sysroot/lib/wasm32-wasi/libc.a ] || packages+=(wasi-libc)
# clang links every wasm32-wasi program against compiler-rt's builtins,
# which Debian ships apart from clang.
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' >/dev/null || packages+=(libclang-rt-dev-wasm32)
if [ ${#packages[@]} -gt 0 ]; then
  echo "== installing: ${packages[*]}"
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); else apt=(sudo apt-get); fi
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${packages[@]}" >/dev/null
fi
if [ "$(python3 -m ziglang version 2>/dev/null)" != "0.15.2" ]; then
  echo "== installing: ziglang 0.15.2 (PyPI)"
  python3 -m pip install -q --disable-pip-version-check "ziglang==0.15.2"
fi
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-wasip1; then
  echo "== installing: rust target wasm32-wasip1"
  rustup target add wasm32-wasip1
fi
peers="${PEERS_CACHE:-$HOME/.cache/wasmrt-peers}"
if ! "$peers/venv/bin/python" -c 'import wasmtime' >/dev/null 2>&1; then
  echo "== installing: wasmtime 50.0.1 (PyPI) in $peers/venv"
  mkdir -p "$peers"
  [[ -x "$peers/venv/bin/python" ]] || python3 -m venv "$peers/venv"
  "$peers/venv/bin/pip" install -q --disable-pip-version-check wasmtime==50.0.1
fi
if command -v npm >/dev/null 2>&1 && [ ! -x "$peers/asc/node_modules/.bin/asc" ]; then
  echo "== installing: assemblyscript 0.28 and its WASI shim (npm) in $peers/asc"
  mkdir -p "$peers/asc"
  [ -f "$peers/asc/package.json" ] || echo '{"private":true}' > "$peers/asc/package.json"
  (cd "$peers/asc" && npm install -q --no-audit --no-fund assemblyscript@0.28 @assemblyscript/wasi-shim)
fi
# The WASI test suite's prebuilt branch (prod/testsuite-base) at a pinned
# commit, only its preview 1 test directories.
wasi_ts_commit=9f80ca35444cfd9e63100725615140a346652e6c
wasi_ts="$peers/wasi-testsuite"
if [ "$(git -C "$wasi_ts" rev-parse HEAD 2>/dev/null)" != "$wasi_ts_commit" ]; then
  echo "== installing: wasi-testsuite $wasi_ts_commit (preview 1 tests) in $wasi_ts"
  rm -rf "$wasi_ts"
  if ! (git init -q "$wasi_ts" &&
        cd "$wasi_ts" &&
        git remote add origin https://github.com/WebAssembly/wasi-testsuite &&
        git sparse-checkout set --no-cone '/tests/*/testsuite/wasm32-wasip1/' &&
        git fetch -q --depth 1 --filter=blob:none origin "$wasi_ts_commit" &&
        git checkout -q FETCH_HEAD); then
    echo "== wasi-testsuite could not be fetched: tests/wasi_testsuite.rs will skip"
    rm -rf "$wasi_ts"
  fi
fi

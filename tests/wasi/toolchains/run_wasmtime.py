"""Runs a WASI program under wasmtime (the `wasmtime` Python package), as
tests/wasi_toolchains.rs compares it with `wasmrt run`.

usage: run_wasmtime.py WASM HOST_DIR GUEST_DIR STDIN OUT ERR [NAME=VALUE...] -- [ARGS...]
Prints the exit code."""

import sys

from wasmtime import Engine, ExitTrap, Linker, Module, Store, WasiConfig

wasm, host, guest, stdin, out, err = sys.argv[1:7]
rest = sys.argv[7:]
split = rest.index("--")
env = [tuple(kv.split("=", 1)) for kv in rest[:split]]
args = rest[split + 1:]

engine = Engine()
linker = Linker(engine)
linker.define_wasi()
module = Module.from_file(engine, wasm)
store = Store(engine)
wasi = WasiConfig()
wasi.argv = ["prog.wasm"] + args
wasi.env = env
wasi.preopen_dir(host, guest)
wasi.stdin_file = stdin
wasi.stdout_file = out
wasi.stderr_file = err
store.set_wasi(wasi)
instance = linker.instantiate(store, module)
try:
    instance.exports(store)["_start"](store)
    code = 0
except ExitTrap as e:
    code = e.code
print(code)

# usage: run-kernel-wasmtime.py FILE.wasm EXPORT N REPEAT: best time of REPEAT calls of EXPORT(N) under wasmtime
import sys, time, wasmtime
eng = wasmtime.Engine(); store = wasmtime.Store(eng)
mod = wasmtime.Module.from_file(eng, sys.argv[1])
linker = wasmtime.Linker(eng); linker.define_wasi()
store.set_wasi(wasmtime.WasiConfig())
inst = linker.instantiate(store, mod)
f = inst.exports(store)[sys.argv[2]]
N=int(sys.argv[3]); best=1e9
for r in range(int(sys.argv[4])):
    t0=time.perf_counter(); res=f(store, N); t1=time.perf_counter(); best=min(best,(t1-t0)*1e3)
print("%s %.1f ms res=%d" % (sys.argv[2], best, res))

//! Runs one benchmark kernel of `../shared/bench` through the Rust API,
//! for profiling the engine without the C layer:
//!
//!     cargo run --release --example bench -- ../shared/bench/wasm/fib.wasm 35 [--repeat R] [--fuel]
//!
//! `--fuel` turns fuel metering on (with fuel enough for any run).
//!
//! (In a clone without `../shared`, the small kernels are also in
//! `tests/seeds/`.)
//!
//! Prints `key=value` pairs like `bench.c`; side-by-side comparisons with
//! other runtimes use `bench.c` over the C API.

use std::time::Instant;
use wasmrt::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .expect("usage: bench FILE.wasm [N] [--repeat R] [--fuel]");
    let n: i32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let fuel = args.iter().any(|a| a == "--fuel");
    let bytes = std::fs::read(path).expect("read the .wasm file");
    let mut config = Config::new();
    config.consume_fuel(fuel);
    let engine = Engine::new(&config);
    let t = Instant::now();
    let module = Module::new(&engine, &bytes).expect("compile");
    let compile_ms = t.elapsed().as_secs_f64() * 1e3;
    if std::env::var_os("WASMRT_DUMP_IR").is_some() {
        eprintln!("{}", module.dump_ir());
    }
    let mut store = Store::new(&engine);
    if fuel {
        store.set_fuel(u64::MAX).expect("fuel");
    }
    let imports: Vec<Extern> = module
        .imports()
        .iter()
        .map(|_| {
            Extern::Func(Func::new(
                &mut store,
                FuncType::new([ValType::I32], [ValType::I32]),
                |_, a, r| {
                    r[0] = Val::I32(a[0].unwrap_i32().wrapping_add(1));
                    Ok(())
                },
            ))
        })
        .collect();
    let t = Instant::now();
    let instance = Instance::new(&mut store, &module, &imports).expect("instantiate");
    let instantiate_ms = t.elapsed().as_secs_f64() * 1e3;
    let run = instance.get_func(&store, "run").expect("export run");
    let nres = run.ty(&store).results().len();
    let mut out = vec![Val::I32(0); nres];
    let mut times = Vec::new();
    // Functions with native code after the first call (under `auto`: how
    // many it tiered up).
    let mut native_after_first = 0;
    for _ in 0..=repeat {
        let t = Instant::now();
        run.call(&mut store, &[Val::I32(n)], &mut out).expect("run");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        if times.len() == 1 {
            native_after_first = module.native_function_count();
        }
    }
    let first_ms = times.remove(0);
    times.sort_by(|a, b| a.total_cmp(b));
    // With `--repeat 0` the only run is the first one.
    let run_ms = times.get(times.len() / 2).copied().unwrap_or(first_ms);
    println!(
        "compile_ms={compile_ms:.3} instantiate_ms={instantiate_ms:.3} first_ms={first_ms:.3} run_ms={run_ms:.3} native_after_first={native_after_first} checksum={:?}",
        out[0]
    );
}

//! Differential: the same terminating wasm-smith module runs in the
//! interpreter, the JIT and `auto` (eager, synchronous tier-up); each
//! export's results (NaNs compared as "is NaN"), trap codes and
//! messages, exported globals and memory contents must agree.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use wasmrt::{Config, Strategy};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(wasm) = wasmrt_fuzz::terminating_module(&mut u) else {
        return;
    };
    let mut interp = Config::new();
    interp.strategy(Strategy::Interpreter);
    let mut jit = Config::new();
    jit.strategy(Strategy::Jit);
    let mut auto = Config::new();
    auto.strategy(Strategy::Auto)
        .tier_up_threshold(1)
        .tier_up_in_background(false);
    let a = wasmrt_fuzz::run(&interp, &wasm);
    let b = wasmrt_fuzz::run(&jit, &wasm);
    let c = wasmrt_fuzz::run(&auto, &wasm);
    assert_eq!(a, b, "interpreter and JIT differ");
    assert_eq!(a, c, "interpreter and auto differ");
});

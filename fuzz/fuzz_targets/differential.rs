//! Differential: the same terminating wasm-smith module runs in the
//! interpreter, the JIT, `auto` (eager, synchronous tier-up), `auto`
//! tiering up at a function's second call or loop iteration (compiled
//! with the callees it ran, see `tier_up::batch`), `auto` never tiering
//! up (its first tier: the light translator's code), `auto` tiering
//! up from the first call on the background thread and `auto` with the
//! baseline compiler making functions' first code; each
//! export's results (NaNs compared as "is NaN"), trap codes and
//! messages, exported globals and memory contents must agree. Some inputs
//! run with fuel metering: then the fuel left after each call must agree
//! too (every tier spends the same fuel, whatever it runs natively).
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
    let mut second = Config::new();
    second
        .strategy(Strategy::Auto)
        .tier_up_threshold(2)
        .tier_up_in_background(false);
    let mut background = Config::new();
    background.strategy(Strategy::Auto).tier_up_threshold(1);
    let mut first_tier = Config::new();
    first_tier
        .strategy(Strategy::Auto)
        .tier_up_threshold(u32::MAX);
    let mut baseline = Config::new();
    baseline.strategy(Strategy::Auto).baseline(true);
    // Drawn after the module: an input whose bytes ran out runs unmetered.
    let fuel = match u.arbitrary::<bool>() {
        Ok(true) => Some(u.int_in_range(0..=20_000u64).unwrap_or(0)),
        _ => None,
    };
    let a = wasmrt_fuzz::run_metered(&interp, &wasm, fuel);
    let b = wasmrt_fuzz::run_metered(&jit, &wasm, fuel);
    let c = wasmrt_fuzz::run_metered(&auto, &wasm, fuel);
    assert_eq!(a, b, "interpreter and JIT differ");
    assert_eq!(a, c, "interpreter and auto differ");
    let f = wasmrt_fuzz::run_metered(&second, &wasm, fuel);
    assert_eq!(
        a, f,
        "interpreter and auto tiering up at the second call differ"
    );
    let d = wasmrt_fuzz::run_metered(&first_tier, &wasm, fuel);
    assert_eq!(a, d, "interpreter and auto's first tier differ");
    let g = wasmrt_fuzz::run_metered(&baseline, &wasm, fuel);
    assert_eq!(a, g, "interpreter and the baseline compiler differ");
    // As deployed (compiled on the background thread, published while
    // the program runs), tiering up from the first call: which tier runs
    // which call, or which loop iteration, depends on timing; what the
    // program observes must not.
    let e = wasmrt_fuzz::run_metered(&background, &wasm, fuel);
    assert_eq!(
        a, e,
        "interpreter and auto tiering up in the background differ"
    );
});

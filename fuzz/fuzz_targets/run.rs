//! Instantiate and run: a terminating wasm-smith module, every import
//! stubbed, every exported function called with default arguments, in
//! the default (`auto`) strategy. Traps are fine; panics, crashes and
//! hangs are findings.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use wasmrt::{Config, Strategy};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(wasm) = wasmrt_fuzz::terminating_module(&mut u) else {
        return;
    };
    let mut config = Config::new();
    config
        .strategy(Strategy::Auto)
        .tier_up_threshold(2)
        .tier_up_in_background(false);
    let report = wasmrt_fuzz::run(&config, &wasm);
    assert!(report.is_some(), "a wasm-smith module did not compile");
});

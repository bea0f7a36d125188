//! Decode/validate: arbitrary bytes, wasm-smith modules, and wasm-smith
//! modules with a few bytes replaced go through wasmrt's
//! `Module::validate` and `Module::new`; neither may panic, and the
//! verdict must match wasmparser's validator with wasmrt's features.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use wasmrt::{Config, Engine, Error, Module, Strategy};

fn check(wasm: &[u8]) {
    let expected = wasmparser::Validator::new_with_features(wasmrt_fuzz::wasmrt_features())
        .validate_all(wasm)
        .map(|_| ());
    let engine = Engine::new(Config::new().strategy(Strategy::Interpreter));
    let validated = Module::validate(&engine, wasm);
    let compiled = Module::new(&engine, wasm).map(|_| ());
    // Valid modules are accepted, except those needing GC objects, which
    // both calls refuse alike; invalid ones are refused.
    let verdict = |r: &Result<(), Error>| match r {
        Ok(()) => "accepted",
        Err(Error::Unsupported { .. }) => "unsupported",
        Err(_) => "invalid",
    };
    let want = match &expected {
        Ok(()) if verdict(&validated) == "unsupported" => "unsupported",
        Ok(()) => "accepted",
        Err(_) => "invalid",
    };
    assert_eq!(
        want,
        verdict(&validated),
        "validate verdicts differ: wasmparser {expected:?}, wasmrt {validated:?}"
    );
    assert_eq!(
        want,
        verdict(&compiled),
        "Module::new verdict differs: wasmparser {expected:?}, wasmrt {compiled:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let (first, rest) = match data.split_first() {
        Some(x) => x,
        None => return,
    };
    if first & 1 == 0 {
        check(rest);
    } else {
        let mut u = Unstructured::new(rest);
        let Ok(config) = wasmrt_fuzz::smith_config(&mut u) else {
            return;
        };
        let Ok(module) = wasm_smith::Module::new(config, &mut u) else {
            return;
        };
        let mut wasm = module.to_bytes();
        if first & 2 != 0 {
            // A few bytes of a valid module replaced: mostly in its code,
            // the largest section, giving bodies that are nearly valid (a
            // wrong operand type, a bad index, a block left open), which
            // is where a validator of our own could wrongly accept.
            let edits = u.int_in_range(1..=4u8).unwrap_or(1);
            for _ in 0..edits {
                let (Ok(at), Ok(byte)) = (u.choose_index(wasm.len()), u.arbitrary::<u8>()) else {
                    break;
                };
                // The header stays: without it nothing gets past decoding.
                if at >= 8 {
                    wasm[at] = byte;
                }
            }
        }
        check(&wasm);
    }
});

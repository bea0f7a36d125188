//! WASI preview 1 from a hostile guest: a module calling WASI functions
//! with arguments the fuzzer picks (descriptors, paths through links that
//! point out of the sandbox, I/O vectors, flags, anything), run in a
//! sandbox directory. Traps are fine; panics, crashes, hangs, any change
//! beside the sandbox and the secret outside it reaching the guest are
//! findings.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasmrt_fuzz::wasi::{calls_module, run_in_sandbox, Sandbox};

static SANDBOX: OnceLock<Sandbox> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(wasm) = calls_module(&mut u) else {
        return;
    };
    run_in_sandbox(SANDBOX.get_or_init(Sandbox::new), &wasm);
});

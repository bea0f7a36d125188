//! Helpers shared by the integration tests (`mod common;` in each).
// Each test crate compiles this module on its own and uses part of it.
#![allow(dead_code)]

use wasmrt::*;

/// The strategies, with `auto` compiling every function at its first call
/// (so its native code is what runs).
pub fn strategies() -> Vec<(&'static str, Config)> {
    let mut out = Vec::new();
    for (name, s) in [
        ("interp", Strategy::Interpreter),
        ("jit", Strategy::Jit),
        ("auto", Strategy::Auto),
    ] {
        let mut c = Config::new();
        c.strategy(s);
        if s == Strategy::Auto {
            c.tier_up_threshold(1).tier_up_in_background(false);
        }
        out.push((name, c));
    }
    out
}

/// Calls export `name` of `inst` with `args`; its results, or its trap.
pub fn call(store: &mut Store, inst: Instance, name: &str, args: &[Val]) -> Result<Vec<Val>, Trap> {
    let f = inst.get_func(store, name).unwrap();
    let n = f.ty(store).results().len();
    let mut out = vec![Val::I32(0); n];
    f.call(store, args, &mut out)?;
    Ok(out)
}

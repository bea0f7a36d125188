//! Which functions a tier-up compiles together: a hot function and the
//! callees it has run, so that its calls to them are direct machine calls
//! (as in `jit`'s whole-module batch), and the native code it may call at
//! its address.

use crate::engine::module::ModuleInner;
use crate::interp;
use std::collections::HashMap;
use std::sync::atomic::Ordering;

/// Most functions a tier-up batch compiles besides the hot one, and most
/// bytes of their bodies: a hot function's callees are compiled with it
/// so that its calls to them are direct machine calls (a call through a
/// function's reference made compiled Rust code calling `malloc` and
/// `free` 1.4x slower), within bounds that keep a batch's compilation
/// short.
pub(super) const BATCH_MAX_CALLEES: usize = 16;
const BATCH_MAX_CALLEE_BYTES: usize = 32 << 10;

/// The defined functions (as module-function indices) that the bodies of
/// `defined` call directly with `call` or `return_call`, each once.
fn direct_callees(module: &ModuleInner, defined: usize) -> Vec<usize> {
    let (_, body) = module.function_body(defined);
    let imported = module.info.num_imported_funcs;
    let mut callees = Vec::new();
    let Ok(mut ops) = body.get_operators_reader() else {
        return callees;
    };
    while !ops.eof() {
        let Ok(op) = ops.read() else {
            break;
        };
        if let wasmparser::Operator::Call { function_index }
        | wasmparser::Operator::ReturnCall { function_index } = op
        {
            if let Some(callee) = function_index.checked_sub(imported) {
                let callee = callee as usize;
                if !callees.contains(&callee) {
                    callees.push(callee);
                }
            }
        }
    }
    callees
}

/// What a tier-up compiles: the functions of the batch (defined-function
/// indices, the hot one first) and the native code outside it that they
/// may call at its address.
pub(super) struct Plan {
    pub members: Vec<usize>,
    /// By function index, the wasm-call entries (see
    /// `translate::Options::published`).
    pub published: HashMap<u32, usize>,
}

/// Plans the compilation of hot defined function `defined` with at most
/// `max_callees` others. Breadth first over the functions it and they
/// call directly: one that has native code compiled for the same memories
/// (`guarded`) is called at its address; one that has run in the
/// interpreter (has its code: a callee the hot function really uses) and
/// did not fail to compile joins the batch, within `max_callees` and
/// `BATCH_MAX_CALLEE_BYTES` of bodies.
pub(super) fn plan(
    module: &ModuleInner,
    defined: usize,
    guarded: bool,
    max_callees: usize,
) -> Plan {
    let failed = {
        let tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
        tiered.failed.clone()
    };
    let mut members = vec![defined];
    let mut published = HashMap::new();
    let mut bytes = 0;
    let mut next = 0;
    while next < members.len() {
        for callee in direct_callees(module, members[next]) {
            if members.contains(&callee) {
                continue;
            }
            let native = module.funcs[callee].native().load(Ordering::Acquire);
            if native.is_null() {
                // Interpreted.
                let range = &module.info.func_bodies[callee];
                let size = range.end - range.start;
                if !failed.contains(&callee)
                    && members.len() <= max_callees
                    && bytes + size <= BATCH_MAX_CALLEE_BYTES
                {
                    bytes += size;
                    members.push(callee);
                }
            } else if native != interp::untranslated() {
                // SAFETY: published code lives as long as the module.
                let native = unsafe { &*native };
                if native.guarded == guarded && !native.wasm_call.is_null() {
                    let index = module.info.num_imported_funcs + callee as u32;
                    published.insert(index, native.wasm_call as usize);
                }
            }
        }
        next += 1;
    }
    Plan { members, published }
}

#[cfg(test)]
mod tests {
    use crate::engine::tier_up::{compile, published};
    use crate::engine::{wat2wasm, Config, Engine, Instance, Module, Store, Strategy, Val};

    /// An engine that tiers up in the foreground at the `threshold`th call.
    fn auto_at(threshold: u32) -> Engine {
        let mut config = Config::new();
        config
            .strategy(Strategy::Auto)
            .tier_up_threshold(threshold)
            .tier_up_in_background(false);
        Engine::new(&config)
    }

    fn call_i32(store: &mut Store, instance: &Instance, name: &str, arg: i32) -> i32 {
        let f = instance.get_func(store, name).unwrap();
        let mut out = [Val::I32(0)];
        f.call(store, &[Val::I32(arg)], &mut out).unwrap();
        match out[0] {
            Val::I32(v) => v,
            _ => unreachable!(),
        }
    }

    /// A hot function is compiled in one batch with the functions it calls
    /// directly, and those call, that have run (not one that has not), so
    /// its calls to them are direct; all of them are published.
    #[test]
    fn a_hot_function_is_compiled_with_the_callees_it_ran() {
        let engine = auto_at(3);
        let text = r#"(module
            (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
            (func $mid (param i32) (result i32) (i32.mul (call $leaf (local.get 0)) (i32.const 2)))
            (func $never (param i32) (result i32) (i32.const -1))
            (func (export "hot") (param i32) (result i32)
              (if (result i32) (i32.eqz (local.get 0))
                (then (call $mid (local.get 0)))
                (else (if (result i32) (i32.eq (local.get 0) (i32.const 99))
                  (then (call $never (local.get 0)))
                  (else (return_call $mid (local.get 0))))))))"#;
        let module = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let m = module.inner();
        // `hot` runs `mid` and `leaf` once, then becomes hot at its third
        // call (before `mid` does).
        assert_eq!(call_i32(&mut store, &instance, "hot", 0), 2);
        assert_eq!(m.tiered.lock().unwrap().compiled_count(), 0);
        let guarded = store.inner.instances[instance.index as usize]
            .vmctx
            .memories_guarded;
        let plan = super::plan(m, 3, guarded, super::BATCH_MAX_CALLEES);
        assert_eq!(plan.members, vec![3, 1, 0]);
        assert!(plan.published.is_empty());
        for arg in [5, 6, 7] {
            assert_eq!(call_i32(&mut store, &instance, "hot", arg), (arg + 1) * 2);
        }
        assert_eq!(m.tiered.lock().unwrap().compiled_count(), 3);
        for (defined, native) in [(0, true), (1, true), (2, false), (3, true)] {
            assert_eq!(published(m, defined).is_some(), native, "{defined}");
        }
        assert_eq!(call_i32(&mut store, &instance, "hot", 0), 2);
        assert_eq!(call_i32(&mut store, &instance, "hot", 99), -1);
    }

    /// A batch takes at most `BATCH_MAX_CALLEES` callees besides the hot
    /// function, and none that has native code already; a callee that has
    /// some is called at its address (`Plan::published`).
    #[test]
    fn a_batch_is_bounded_and_calls_native_callees_at_their_address() {
        let engine = auto_at(u32::MAX);
        let n = super::BATCH_MAX_CALLEES + 4;
        let mut text = String::from("(module");
        for i in 0..n {
            text += &format!(" (func (export \"f{i}\") (param i32) (result i32) (i32.add (local.get 0) (i32.const {i})))");
        }
        text += " (func (export \"hot\") (param i32) (result i32) (local.get 0)";
        for i in 0..n {
            text += &format!(" (call {i})");
        }
        text += ")";
        text += " (func (export \"tail\") (param i32) (result i32) (return_call 0 (local.get 0))))";
        let module = Module::new(&engine, &wat2wasm(&text).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let m = module.inner();
        let expected = (0..n as i32).sum::<i32>();
        assert_eq!(call_i32(&mut store, &instance, "hot", 0), expected);
        let guarded = store.inner.instances[instance.index as usize]
            .vmctx
            .memories_guarded;
        let members = super::plan(m, n, guarded, super::BATCH_MAX_CALLEES).members;
        assert_eq!(members.len(), super::BATCH_MAX_CALLEES + 1);
        assert_eq!(members[..3], [n, 0, 1]);

        // Function 0 alone gets native code; a batch for `hot` leaves it
        // out and calls it at its address.
        compile(m, 0, guarded, false);
        assert!(published(m, 0).is_some());
        let plan = super::plan(m, n, guarded, super::BATCH_MAX_CALLEES);
        assert!(!plan.members.contains(&0));
        assert_eq!(plan.published.len(), 1);
        // SAFETY: published code lives as long as the module.
        let entry = unsafe { (*published(m, 0).unwrap()).wasm_call } as usize;
        assert_eq!(plan.published[&0], entry);
        // Code compiled for other memories does not call it.
        assert!(super::plan(m, n, !guarded, 0).published.is_empty());
        // Nor does a plan without callees leave it out.
        assert_eq!(super::plan(m, n, guarded, 0).members, [n]);
        compile(m, n, guarded, true);
        assert!(published(m, n).is_some());
        assert_eq!(call_i32(&mut store, &instance, "hot", 1), expected + 1);
        // A tail call to published code jumps to its address.
        assert_eq!(call_i32(&mut store, &instance, "tail", 6), 6);
        assert_eq!(super::plan(m, n + 1, guarded, 0).published.len(), 1);
        compile(m, n + 1, guarded, true);
        assert!(published(m, n + 1).is_some());
        assert_eq!(call_i32(&mut store, &instance, "tail", 7), 7);
    }
}

//! `wasm_func_call` allocates nothing on its success path for numeric
//! arguments and results: measured with a counting global allocator
//! around repeated calls (host -> wasm, and wasm -> host through an
//! imported host function).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use wasmrt::capi::*;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator, only counting calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

unsafe extern "C" fn host_inc(
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: the engine passes one i32 argument and one result slot.
    unsafe {
        let x = (*(*args).data).of.i32;
        let r = &mut *(*results).data;
        r.kind = WASM_I32;
        r.of.i32 = x + 1;
    }
    std::ptr::null_mut()
}

/// In each strategy: interpreted, native, and tiered up (`auto`, compiling
/// each function on its first call, before the calls counted).
#[test]
fn func_call_does_not_allocate() {
    use wasmrt_strategy_t as S;
    check(S::WASMRT_STRATEGY_INTERPRETER, "interp");
    check(S::WASMRT_STRATEGY_JIT, "jit");
    check(S::WASMRT_STRATEGY_AUTO, "auto");
}

fn check(strategy: wasmrt_strategy_t, name: &str) {
    let wasm = wasmrt::wat2wasm(
        r#"(module (import "env" "inc" (func $inc (param i32) (result i32)))
            (func (export "add") (param i32 i64) (result i64)
              (i64.add (i64.extend_i32_s (call $inc (local.get 0))) (local.get 1))))"#,
    )
    .unwrap();
    // SAFETY: plain C API usage with valid arguments throughout.
    unsafe {
        let config = wasm_config_new();
        wasmrt_config_strategy_set(config, strategy);
        wasmrt_config_tier_up_threshold_set(config, 1);
        wasmrt_config_tier_up_in_background_set(config, false);
        let engine = wasm_engine_new_with_config(config);
        let store = wasm_store_new(engine);
        let mut bin = WasmVec::from_vec(wasm);
        let module = wasm_module_new(store, &bin);
        wasm_byte_vec_delete(&mut bin);
        assert!(!module.is_null());
        let mut params = WasmVec::from_vec(vec![wasm_valtype_new(WASM_I32)]);
        let mut results = WasmVec::from_vec(vec![wasm_valtype_new(WASM_I32)]);
        let ty = wasm_functype_new(&mut params, &mut results);
        let inc = wasm_func_new(store, ty, Some(host_inc));
        let items = [wasm_func_as_extern(inc)];
        let imports = WasmVec {
            size: 1,
            data: items.as_ptr() as *mut _,
        };
        let inst = wasm_instance_new(store, module, &imports, std::ptr::null_mut());
        assert!(!inst.is_null());
        let mut exports = WasmVec::empty();
        wasm_instance_exports(inst, &mut exports);
        let add = wasm_extern_as_func(*exports.data);
        let mut args = [wasm_val_t::blank(), wasm_val_t::blank()];
        args[0].of.i32 = 41;
        args[1].kind = WASM_I64;
        args[1].of.i64 = 100;
        let mut res = [wasm_val_t::blank()];
        let argv = WasmVec {
            size: 2,
            data: args.as_mut_ptr(),
        };
        let mut resv = WasmVec {
            size: 1,
            data: res.as_mut_ptr(),
        };
        // The first calls may set up the store's value stack and tier the
        // functions up; then none allocates.
        for _ in 0..3 {
            assert!(wasm_func_call(add, &argv, &mut resv).is_null());
        }
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..1000 {
            assert!(wasm_func_call(add, &argv, &mut resv).is_null());
        }
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        assert_eq!(res[0].of.i64, 142);
        assert_eq!(after - before, 0, "wasm_func_call allocated ({name})");
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(inst);
        wasm_func_delete(inc);
        wasm_functype_delete(ty);
        wasm_module_delete(module);
        wasm_store_delete(store);
        wasm_engine_delete(engine);
    }
}

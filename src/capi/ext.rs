//! wasmrt's extensions to the standard API, exported with the `wasmrt_`
//! prefix and declared in `include/wasmrt.h` (generated from this file by
//! cbindgen, so every item here that C should see is documented for C).

use super::engine::{wasm_config_t, wasm_engine_t};
use super::func::wasm_func_t;
use super::module::wasm_module_t;
use super::r#ref::wasm_ref_t;
use super::store::wasm_store_t;
use super::trap::wasm_trap_t;
use super::types::wasm_valkind_t;
use super::val::{from_val, to_val, wasm_val_t, wasm_val_union};
use super::vec::{wasm_byte_vec_t, WasmVec};
use crate::engine::{Module, Strategy, Trap, Val, ValType};
use std::ffi::{c_char, c_void};
use std::ptr;

/// Value kind of a 128-bit SIMD value in `wasmrt_val_t` (wasm.h has none).
pub const WASMRT_V128: wasm_valkind_t = 4;

/// Which tier runs WebAssembly code.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum wasmrt_strategy_t {
    /// The default: functions start in the interpreter; those that run
    /// often are compiled to native code on a background thread and run
    /// natively from then on (tier-up).
    WASMRT_STRATEGY_AUTO = 0,
    /// The interpreter: instant start-up, no native code.
    WASMRT_STRATEGY_INTERPRETER = 1,
    /// The Cranelift JIT: every function the JIT supports is compiled to
    /// native code when the module is compiled (all of WebAssembly 2.0);
    /// the others are interpreted.
    WASMRT_STRATEGY_JIT = 2,
}

/// Which tier runs a function (`wasmrt_func_tier`).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum wasmrt_tier_t {
    /// A host function.
    WASMRT_TIER_HOST = 0,
    /// Interpreted.
    WASMRT_TIER_INTERPRETER = 1,
    /// Native code compiled by the JIT.
    WASMRT_TIER_NATIVE = 2,
}

/// Which tier runs `func` now (host functions: `WASMRT_TIER_HOST`; a null
/// `func` too).
#[no_mangle]
pub unsafe extern "C" fn wasmrt_func_tier(func: *const wasm_func_t) -> wasmrt_tier_t {
    if func.is_null() {
        return wasmrt_tier_t::WASMRT_TIER_HOST;
    }
    // SAFETY: a live function handle whose store is alive (C API contract).
    let (f, store) = unsafe { ((*func).func(), &(*(*func).r.store).store) };
    match f.tier(store) {
        crate::engine::Tier::Host => wasmrt_tier_t::WASMRT_TIER_HOST,
        crate::engine::Tier::Interpreter => wasmrt_tier_t::WASMRT_TIER_INTERPRETER,
        crate::engine::Tier::Native => wasmrt_tier_t::WASMRT_TIER_NATIVE,
    }
}

/// How many of `module`'s defined functions have native code (0 for a null
/// `module`).
#[no_mangle]
pub unsafe extern "C" fn wasmrt_module_native_functions(module: *const wasm_module_t) -> usize {
    // SAFETY: a live module (C API contract), or null.
    match unsafe { module.as_ref() } {
        Some(m) => m.module().native_function_count(),
        None => 0,
    }
}

/// WebAssembly proposals that can be switched off (all are on by default).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum wasmrt_feature_t {
    WASMRT_FEATURE_SIMD = 0,
    WASMRT_FEATURE_BULK_MEMORY = 1,
    WASMRT_FEATURE_REFERENCE_TYPES = 2,
    WASMRT_FEATURE_MULTI_VALUE = 3,
    WASMRT_FEATURE_SIGN_EXTENSION = 4,
    WASMRT_FEATURE_SATURATING_FLOAT_TO_INT = 5,
    WASMRT_FEATURE_MUTABLE_GLOBAL = 6,
    /// Extended constant expressions (WebAssembly 3.0).
    WASMRT_FEATURE_EXTENDED_CONST = 7,
    /// Multiple memories (WebAssembly 3.0).
    WASMRT_FEATURE_MULTI_MEMORY = 8,
    /// 64-bit memories and tables (WebAssembly 3.0).
    WASMRT_FEATURE_MEMORY64 = 9,
    /// Tail calls (WebAssembly 3.0).
    WASMRT_FEATURE_TAIL_CALL = 10,
    /// Relaxed SIMD (WebAssembly 3.0).
    WASMRT_FEATURE_RELAXED_SIMD = 11,
    /// Typed function references: `(ref null? $t)` types, `call_ref`,
    /// `return_call_ref`, `ref.as_non_null`, `br_on_null`,
    /// `br_on_non_null` (WebAssembly 3.0).
    WASMRT_FEATURE_FUNCTION_REFERENCES = 12,
    /// Exception handling: tags, `throw`, `throw_ref`, `try_table`,
    /// `exnref` (WebAssembly 3.0).
    WASMRT_FEATURE_EXCEPTIONS = 13,
}

/// An error with a message and, for compilation errors, the byte offset in
/// the module where it was found.
pub struct wasmrt_error_t {
    message: String,
    offset: Option<usize>,
}

pub(super) fn error(message: String, offset: Option<usize>) -> *mut wasmrt_error_t {
    Box::into_raw(Box::new(wasmrt_error_t { message, offset }))
}

fn from_engine_error(e: crate::engine::Error) -> *mut wasmrt_error_t {
    let offset = match &e {
        crate::engine::Error::Compile { offset, .. }
        | crate::engine::Error::Unsupported { offset, .. } => Some(*offset),
        _ => None,
    };
    error(e.to_string(), offset)
}

/// A value that can also hold a v128: like `wasm_val_t`, plus
/// `of.v128` (16 bytes, lane 0 first) for kind `WASMRT_V128`.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct wasmrt_val_t {
    pub kind: wasm_valkind_t,
    pub of: wasmrt_val_union,
}

/// The payload of a `wasmrt_val_t`.
#[repr(C)]
#[derive(Copy, Clone)]
pub union wasmrt_val_union {
    pub i32: i32,
    pub i64: i64,
    pub f32: f32,
    pub f64: f64,
    pub v128: [u8; 16],
    pub r#ref: *mut wasm_ref_t,
}

/// Sets the execution strategy of engines made from `config`. The
/// environment variable `WASMRT_STRATEGY` applies only when this is not
/// called.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_strategy_set(
    config: *mut wasm_config_t,
    strategy: wasmrt_strategy_t,
) {
    // SAFETY: a live config or null (C API contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.strategy(match strategy {
            wasmrt_strategy_t::WASMRT_STRATEGY_AUTO => Strategy::Auto,
            wasmrt_strategy_t::WASMRT_STRATEGY_INTERPRETER => Strategy::Interpreter,
            wasmrt_strategy_t::WASMRT_STRATEGY_JIT => Strategy::Jit,
        });
    }
}

/// Whether 32-bit memories reserve 8 GiB of address space each so that
/// native code accesses them without bounds checks, a fault in the
/// reservation being the trap (default: on, on 64-bit Linux). wasmrt then
/// installs a SIGSEGV/SIGBUS handler that passes faults outside wasm code on
/// to the handler installed before it. Off: every access is checked.
/// Without this call the environment decides: `WASMRT_GUARD_PAGES=0` off,
/// `=1` on, unset off under valgrind (whose memcheck would report each
/// out-of-bounds trap's fault) and the default otherwise.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_guard_pages_set(config: *mut wasm_config_t, on: bool) {
    // SAFETY: a live config or null (C API contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.guard_pages(on);
    }
}

/// Sizes of the pooling allocator (see `wasmrt_config_pooling_allocator_set`;
/// wasmtime: `PoolingAllocationConfig`).
#[repr(C)]
pub struct wasmrt_pooling_config_t {
    /// Most linear memories alive at once in the engine (wasmtime:
    /// `total_memories`); instantiating one more fails with "pooling
    /// allocator exhausted". 0 means the default, 1000.
    pub total_memories: u32,
    /// Most bytes one memory may have, initially or by `memory.grow`
    /// (wasmtime: `max_memory_size`). 0 means the default, 4 GiB.
    pub max_memory_size: usize,
}

/// Instance memories come from a pool of `pool->total_memories` slots
/// reserved once and reused (wasmtime: `InstanceAllocationStrategy::Pooling`):
/// instantiation makes no mmap/munmap, a dropped memory's pages are
/// discarded with `madvise(MADV_DONTNEED)` and its slot reused. NULL turns
/// pooling off (the default: each memory is reserved on its own, freed
/// reservations being reused without a limit). Memories created by the
/// host (`wasm_memory_new`) are never pooled.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_pooling_allocator_set(
    config: *mut wasm_config_t,
    pool: *const wasmrt_pooling_config_t,
) {
    // SAFETY: a live config or null, a readable struct or null (C API
    // contract).
    let (Some(c), pool) = (unsafe { config.as_mut() }, unsafe { pool.as_ref() }) else {
        return;
    };
    let pool = pool.map(|p| {
        let d = crate::engine::PoolConfig::default();
        crate::engine::PoolConfig {
            total_memories: if p.total_memories == 0 {
                d.total_memories
            } else {
                p.total_memories
            },
            max_memory_size: if p.max_memory_size == 0 {
                d.max_memory_size
            } else {
                p.max_memory_size
            },
        }
    });
    c.config.pooling_allocator(pool);
}

/// With `WASMRT_STRATEGY_AUTO`: the number of calls plus loop iterations
/// after which a function is compiled to native code (at least 1; default
/// 1000), together with the functions it calls directly that have run
/// (docs/JIT.md, "Strategies").
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_tier_up_threshold_set(
    config: *mut wasm_config_t,
    count: u32,
) {
    // SAFETY: a live config or null (C API contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.tier_up_threshold(count);
    }
}

/// With `WASMRT_STRATEGY_AUTO`: whether hot functions are compiled on a
/// background thread while the program goes on (true, the default), or at
/// once on the thread that found them hot (false; with a threshold of 1,
/// every function runs as native code from its second call on).
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_tier_up_in_background_set(
    config: *mut wasm_config_t,
    background: bool,
) {
    // SAFETY: a live config or null (C API contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.tier_up_in_background(background);
    }
}

/// With `WASMRT_STRATEGY_AUTO`: whether a function's first code is machine
/// code from the baseline compiler, which compiles a body in one pass at
/// its first call (x86-64; functions it does not take start in the
/// interpreter). Off by default while it is being completed: such
/// functions are not yet compiled again with the optimizing JIT when they
/// turn out hot (docs/JIT.md, "The baseline compiler").
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_baseline_set(config: *mut wasm_config_t, on: bool) {
    // SAFETY: a live config or null (C API contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.baseline(on);
    }
}

/// The execution strategy an engine was configured with.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_engine_strategy(engine: *const wasm_engine_t) -> wasmrt_strategy_t {
    // SAFETY: a live engine or null (C API contract).
    match unsafe { engine.as_ref() }.map(|e| e.engine.config().get_strategy()) {
        Some(Strategy::Interpreter) => wasmrt_strategy_t::WASMRT_STRATEGY_INTERPRETER,
        Some(Strategy::Jit) => wasmrt_strategy_t::WASMRT_STRATEGY_JIT,
        _ => wasmrt_strategy_t::WASMRT_STRATEGY_AUTO,
    }
}

/// Enables or disables a proposal for engines made from `config`.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_feature_set(
    config: *mut wasm_config_t,
    feature: wasmrt_feature_t,
    enable: bool,
) {
    // SAFETY: a live config or null (C API contract).
    let Some(c) = (unsafe { config.as_mut() }) else {
        return;
    };
    let mut f = c.config.get_features();
    match feature {
        wasmrt_feature_t::WASMRT_FEATURE_SIMD => f.simd = enable,
        wasmrt_feature_t::WASMRT_FEATURE_BULK_MEMORY => f.bulk_memory = enable,
        wasmrt_feature_t::WASMRT_FEATURE_REFERENCE_TYPES => f.reference_types = enable,
        wasmrt_feature_t::WASMRT_FEATURE_MULTI_VALUE => f.multi_value = enable,
        wasmrt_feature_t::WASMRT_FEATURE_SIGN_EXTENSION => f.sign_extension = enable,
        wasmrt_feature_t::WASMRT_FEATURE_SATURATING_FLOAT_TO_INT => {
            f.saturating_float_to_int = enable
        }
        wasmrt_feature_t::WASMRT_FEATURE_MUTABLE_GLOBAL => f.mutable_global = enable,
        wasmrt_feature_t::WASMRT_FEATURE_EXTENDED_CONST => f.extended_const = enable,
        wasmrt_feature_t::WASMRT_FEATURE_MULTI_MEMORY => f.multi_memory = enable,
        wasmrt_feature_t::WASMRT_FEATURE_MEMORY64 => f.memory64 = enable,
        wasmrt_feature_t::WASMRT_FEATURE_TAIL_CALL => f.tail_call = enable,
        wasmrt_feature_t::WASMRT_FEATURE_RELAXED_SIMD => f.relaxed_simd = enable,
        wasmrt_feature_t::WASMRT_FEATURE_FUNCTION_REFERENCES => f.function_references = enable,
        wasmrt_feature_t::WASMRT_FEATURE_EXCEPTIONS => f.exceptions = enable,
    }
    c.config.features(f);
}

/// Bytes of value stack a call may use before it traps with "call stack
/// exhausted" (default 8 MiB).
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_max_wasm_stack_set(
    config: *mut wasm_config_t,
    bytes: usize,
) {
    // SAFETY: a live config or null (C API contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.max_wasm_stack(bytes);
    }
}

/// Ceiling on every linear memory, in 64 KiB pages: `memory.grow` beyond
/// it returns -1 and larger memories fail to instantiate.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_max_memory_pages_set(
    config: *mut wasm_config_t,
    pages: u64,
) {
    // SAFETY: a live config or null (C API contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.max_memory_pages(pages);
    }
}

/// Compiles a module like `wasm_module_new`; on failure returns an error
/// saying why (and where) and leaves `*out` NULL. Returns NULL on success.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
    out: *mut *mut wasm_module_t,
) -> *mut wasmrt_error_t {
    if out.is_null() {
        return error("wasmrt_module_new: null output".into(), None);
    }
    // SAFETY: a writable pointer slot (C API contract).
    unsafe { out.write(ptr::null_mut()) };
    if store.is_null() || binary.is_null() {
        return error("wasmrt_module_new: null store or binary".into(), None);
    }
    // SAFETY: live store and valid vector (C API contract).
    let (engine, bytes) = unsafe { super::module::engine_and_bytes(store, binary) };
    match Module::new(engine, bytes) {
        Ok(m) => {
            // SAFETY: as above.
            unsafe { out.write(wasm_module_t::from_module(store, m)) };
            ptr::null_mut()
        }
        Err(e) => from_engine_error(e),
    }
}

/// Validates a module; NULL when it is valid, else the error.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_module_validate(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasmrt_error_t {
    if store.is_null() || binary.is_null() {
        return error("wasmrt_module_validate: null store or binary".into(), None);
    }
    // SAFETY: live store and valid vector (C API contract).
    let (engine, bytes) = unsafe { super::module::engine_and_bytes(store, binary) };
    match Module::validate(engine, bytes) {
        Ok(()) => ptr::null_mut(),
        Err(e) => from_engine_error(e),
    }
}

/// Converts WebAssembly text (`.wat`, `len` bytes at `text`) to a binary
/// module in `*out`; NULL on success, else the parse error.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_wat2wasm(
    text: *const c_char,
    len: usize,
    out: *mut wasm_byte_vec_t,
) -> *mut wasmrt_error_t {
    if text.is_null() || out.is_null() {
        return error("wasmrt_wat2wasm: null argument".into(), None);
    }
    // SAFETY: `text` holds `len` bytes (C API contract).
    let bytes = unsafe { std::slice::from_raw_parts(text.cast::<u8>(), len) };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return error("wasmrt_wat2wasm: text is not UTF-8".into(), None);
    };
    match crate::engine::wat2wasm(text) {
        Ok(wasm) => {
            // SAFETY: `out` is writable (C API contract).
            unsafe { out.write(WasmVec::from_vec(wasm)) };
            ptr::null_mut()
        }
        Err(e) => from_engine_error(e),
    }
}

/// The error's message (not NUL-terminated) as a new byte vector.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_error_message(
    err: *const wasmrt_error_t,
    out: *mut wasm_byte_vec_t,
) {
    if err.is_null() || out.is_null() {
        return;
    }
    // SAFETY: a live error and a writable output (C API contract).
    unsafe { out.write(WasmVec::from_vec((*err).message.as_bytes().to_vec())) }
}

/// The byte offset in the module where a compilation error was found, or
/// `SIZE_MAX` when the error has none.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_error_offset(err: *const wasmrt_error_t) -> usize {
    // SAFETY: a live error or null (C API contract).
    unsafe { err.as_ref() }
        .and_then(|e| e.offset)
        .unwrap_or(usize::MAX)
}

#[no_mangle]
pub unsafe extern "C" fn wasmrt_error_delete(err: *mut wasmrt_error_t) {
    if !err.is_null() {
        // SAFETY: an owned error made by this library.
        drop(unsafe { Box::from_raw(err) });
    }
}

fn to_wasm_val(v: &wasmrt_val_t) -> wasm_val_t {
    // SAFETY: the member copied is the one `kind` says is set.
    wasm_val_t {
        kind: v.kind,
        of: unsafe {
            match v.kind {
                0 => wasm_val_union { i32: v.of.i32 },
                2 => wasm_val_union { f32: v.of.f32 },
                3 => wasm_val_union { f64: v.of.f64 },
                128 | 129 => wasm_val_union { ref_: v.of.r#ref },
                _ => wasm_val_union { i64: v.of.i64 },
            }
        },
    }
}

fn from_wasm_val(w: &wasm_val_t) -> wasmrt_val_t {
    // SAFETY: the member copied is the one `kind` says is set.
    wasmrt_val_t {
        kind: w.kind,
        of: unsafe {
            match w.kind {
                0 => wasmrt_val_union { i32: w.of.i32 },
                2 => wasmrt_val_union { f32: w.of.f32 },
                3 => wasmrt_val_union { f64: w.of.f64 },
                128 | 129 => wasmrt_val_union { r#ref: w.of.ref_ },
                _ => wasmrt_val_union { i64: w.of.i64 },
            }
        },
    }
}

/// Calls `func` like `wasm_func_call`, with values that can be v128s:
/// `nargs` arguments at `args`, `nresults` result slots at `results`.
/// Counts and kinds are checked; a mismatch returns a trap.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_func_call(
    func: *const wasm_func_t,
    args: *const wasmrt_val_t,
    nargs: usize,
    results: *mut wasmrt_val_t,
    nresults: usize,
) -> *mut wasm_trap_t {
    if func.is_null() || (args.is_null() && nargs > 0) || (results.is_null() && nresults > 0) {
        return wasm_trap_t::from_trap(
            ptr::null_mut(),
            Trap::new("wasmrt_func_call: null argument"),
        );
    }
    // SAFETY: a live function with a live store; `args`/`results` hold the
    // given counts (C API contract).
    unsafe {
        let store_ptr = (*func).r.store;
        let f = (*func).func();
        let ty = f.ty(&(*store_ptr).store);
        if nargs != ty.params().len() || nresults != ty.results().len() {
            return wasm_trap_t::from_trap(
                store_ptr,
                Trap::new(format!(
                    "function takes {} arguments and returns {} results; got {nargs} and {nresults}",
                    ty.params().len(),
                    ty.results().len()
                )),
            );
        }
        let mut vals = Vec::with_capacity(nargs);
        for (i, t) in ty.params().iter().enumerate() {
            let a = &*args.add(i);
            let v = if *t == ValType::V128 && a.kind == WASMRT_V128 {
                Ok(Val::V128(u128::from_le_bytes(a.of.v128)))
            } else {
                to_val(store_ptr, &to_wasm_val(a), *t)
            };
            match v {
                Ok(v) => vals.push(v),
                Err(e) => {
                    return wasm_trap_t::from_trap(
                        store_ptr,
                        Trap::new(format!("argument {i}: {e}")),
                    )
                }
            }
        }
        let mut out: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        if let Err(t) = f.call(&mut (*store_ptr).store, &vals, &mut out) {
            return wasm_trap_t::from_trap(store_ptr, t);
        }
        for (i, v) in out.iter().enumerate() {
            let slot = &mut *results.add(i);
            *slot = match v {
                Val::V128(x) => wasmrt_val_t {
                    kind: WASMRT_V128,
                    of: wasmrt_val_union {
                        v128: x.to_le_bytes(),
                    },
                },
                other => from_wasm_val(&from_val(store_ptr, other)),
            };
        }
        ptr::null_mut()
    }
}

/// Attaches a pointer of the embedder's choosing to the store.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_data_set(store: *mut wasm_store_t, data: *mut c_void) {
    // SAFETY: a live store or null (C API contract).
    if let Some(s) = unsafe { store.as_mut() } {
        s.user_data = data;
    }
}

/// The pointer given to `wasmrt_store_data_set` (NULL if none).
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_data(store: *const wasm_store_t) -> *mut c_void {
    // SAFETY: a live store or null (C API contract).
    unsafe { store.as_ref() }.map_or(ptr::null_mut(), |s| s.user_data)
}

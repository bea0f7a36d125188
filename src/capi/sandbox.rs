//! The sandbox controls for embedders running untrusted code: fuel,
//! interruption by epochs, per-store resource limits, and the code of a
//! trap (to tell "out of fuel" or "interrupted" from a guest's own trap).
//! Declared in `include/wasmrt.h`; docs/C-API.md lists the wasmtime names
//! each corresponds to.

use super::engine::{wasm_config_t, wasm_engine_t};
use super::ext::{error, wasmrt_error_t};
use super::store::wasm_store_t;
use super::trap::wasm_trap_t;
use crate::engine::{StoreLimits, TrapCode};

/// Whether WebAssembly code spends fuel (default: off; wasmtime:
/// `wasmtime_config_consume_fuel_set`). Each operator costs one unit (nop,
/// drop, block, loop, end and else none), the same in every tier; a store
/// starts with none, and running out traps with `WASMRT_TRAP_OUT_OF_FUEL`.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_consume_fuel_set(config: *mut wasm_config_t, on: bool) {
    // SAFETY: a live config or null (C API contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.consume_fuel(on);
    }
}

/// Whether code checks the engine's epoch at function entries and loop
/// heads (default: off; wasmtime: `wasmtime_config_epoch_interruption_set`).
/// A store whose deadline the epoch has reached traps with
/// `WASMRT_TRAP_INTERRUPT` (see `wasmrt_store_set_epoch_deadline`).
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_epoch_interruption_set(
    config: *mut wasm_config_t,
    on: bool,
) {
    // SAFETY: a live config or null (C API contract).
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.epoch_interruption(on);
    }
}

/// Advances the engine's epoch by one. Safe to call from any thread while
/// code runs in the engine's stores (wasmtime:
/// `wasmtime_engine_increment_epoch`): that is how another thread
/// interrupts a running guest.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_engine_increment_epoch(engine: *const wasm_engine_t) {
    // SAFETY: a live engine or null (C API contract); `Engine` is shared
    // between threads and the epoch is an atomic counter.
    if let Some(e) = unsafe { engine.as_ref() } {
        e.engine.increment_epoch();
    }
}

/// The store's code traps once the engine's epoch is `ticks` beyond its
/// current value (wasmtime: `wasmtime_context_set_epoch_deadline`). A
/// store has no deadline until this is called; 0 traps at the next check.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_set_epoch_deadline(store: *mut wasm_store_t, ticks: u64) {
    // SAFETY: a live store or null (C API contract).
    if let Some(s) = unsafe { store.as_mut() } {
        s.store.set_epoch_deadline(ticks);
    }
}

/// Sets the store's fuel to `fuel` (wasmtime: `wasmtime_context_set_fuel`).
/// An error when the engine does not consume fuel or `store` is null.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_set_fuel(
    store: *mut wasm_store_t,
    fuel: u64,
) -> *mut wasmrt_error_t {
    // SAFETY: a live store or null (C API contract).
    match unsafe { store.as_mut() } {
        None => error("wasmrt_store_set_fuel: null store".into(), None),
        Some(s) => result(s.store.set_fuel(fuel).map(|_| 0), std::ptr::null_mut()),
    }
}

/// Adds `fuel` to the store's (saturating) and writes the new amount to
/// `*total` unless it is NULL. An error when the engine does not consume
/// fuel or `store` is null.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_add_fuel(
    store: *mut wasm_store_t,
    fuel: u64,
    total: *mut u64,
) -> *mut wasmrt_error_t {
    // SAFETY: a live store or null (C API contract).
    match unsafe { store.as_mut() } {
        None => error("wasmrt_store_add_fuel: null store".into(), None),
        Some(s) => result(s.store.add_fuel(fuel), total),
    }
}

/// Writes the store's remaining fuel to `*fuel` (wasmtime:
/// `wasmtime_context_get_fuel`). An error when the engine does not consume
/// fuel or an argument is null.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_get_fuel(
    store: *const wasm_store_t,
    fuel: *mut u64,
) -> *mut wasmrt_error_t {
    if fuel.is_null() {
        return error("wasmrt_store_get_fuel: null output".into(), None);
    }
    // SAFETY: a live store or null (C API contract).
    match unsafe { store.as_ref() } {
        None => error("wasmrt_store_get_fuel: null store".into(), None),
        Some(s) => result(s.store.get_fuel(), fuel),
    }
}

/// The amount on success (written to `out` unless null), else the error.
fn result(r: Result<u64, crate::engine::Error>, out: *mut u64) -> *mut wasmrt_error_t {
    match r {
        Ok(v) => {
            if !out.is_null() {
                // SAFETY: a writable u64 (C API contract).
                unsafe { out.write(v) };
            }
            std::ptr::null_mut()
        }
        Err(e) => error(e.to_string(), None),
    }
}

/// Limits what the store may hold, in total over everything in it
/// (wasmtime: `wasmtime_store_limiter`, same arguments): bytes of linear
/// memory, table elements, instances, tables and memories. A negative
/// value means no limit (the default for each). `memory.grow` and
/// `table.grow` beyond a limit return -1, `wasm_memory_grow` and
/// `wasm_table_grow` false, and an instantiation beyond one fails with a
/// message naming it. Limits apply to what is created or grown from then
/// on.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_limiter(
    store: *mut wasm_store_t,
    memory_size: i64,
    table_elements: i64,
    instances: i64,
    tables: i64,
    memories: i64,
) {
    // SAFETY: a live store or null (C API contract).
    let Some(s) = (unsafe { store.as_mut() }) else {
        return;
    };
    let count = |n: i64| usize::try_from(n).unwrap_or(usize::MAX);
    s.store.set_limits(StoreLimits {
        memory_bytes: u64::try_from(memory_size).unwrap_or(u64::MAX),
        table_elements: u64::try_from(table_elements).unwrap_or(u64::MAX),
        instances: count(instances),
        tables: count(tables),
        memories: count(memories),
    });
}

/// Why WebAssembly code trapped (`wasmrt_trap_code`; wasmtime:
/// `wasmtime_trap_code_t`, whose names these follow).
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum wasmrt_trap_code_t {
    /// The call stack was exhausted.
    WASMRT_TRAP_STACK_OVERFLOW = 0,
    /// A memory access out of bounds.
    WASMRT_TRAP_MEMORY_OUT_OF_BOUNDS = 1,
    /// A table access out of bounds, or `call_indirect` beyond its table.
    WASMRT_TRAP_TABLE_OUT_OF_BOUNDS = 2,
    /// `call_indirect` of a null table entry.
    WASMRT_TRAP_INDIRECT_CALL_TO_NULL = 3,
    /// `call_indirect` of a function of another type.
    WASMRT_TRAP_BAD_SIGNATURE = 4,
    /// Signed division overflow, or a float truncated out of range.
    WASMRT_TRAP_INTEGER_OVERFLOW = 5,
    /// Integer division or remainder by zero.
    WASMRT_TRAP_INTEGER_DIVISION_BY_ZERO = 6,
    /// A NaN truncated to an integer.
    WASMRT_TRAP_BAD_CONVERSION_TO_INTEGER = 7,
    /// `unreachable` was executed.
    WASMRT_TRAP_UNREACHABLE_CODE_REACHED = 8,
    /// The epoch reached the store's deadline.
    WASMRT_TRAP_INTERRUPT = 9,
    /// The store ran out of fuel.
    WASMRT_TRAP_OUT_OF_FUEL = 10,
    /// A null reference was used (`call_ref`, ...).
    WASMRT_TRAP_NULL_REFERENCE = 11,
}

/// Writes why `trap` happened to `*code` and returns true; returns false
/// for a trap that did not come from WebAssembly code (made by
/// `wasm_trap_new` or returned by a host function) and for null arguments.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_trap_code(
    trap: *const wasm_trap_t,
    code: *mut wasmrt_trap_code_t,
) -> bool {
    use wasmrt_trap_code_t::*;
    if code.is_null() {
        return false;
    }
    // SAFETY: a live trap or null (C API contract).
    let Some(t) = (unsafe { trap.as_ref() }) else {
        return false;
    };
    let Some(c) = t.trap().code() else {
        return false;
    };
    let out = match c {
        TrapCode::StackExhausted => WASMRT_TRAP_STACK_OVERFLOW,
        TrapCode::MemoryOutOfBounds => WASMRT_TRAP_MEMORY_OUT_OF_BOUNDS,
        TrapCode::TableOutOfBounds | TrapCode::UndefinedElement => WASMRT_TRAP_TABLE_OUT_OF_BOUNDS,
        TrapCode::UninitializedElement => WASMRT_TRAP_INDIRECT_CALL_TO_NULL,
        TrapCode::IndirectCallTypeMismatch => WASMRT_TRAP_BAD_SIGNATURE,
        TrapCode::IntegerOverflow => WASMRT_TRAP_INTEGER_OVERFLOW,
        TrapCode::IntegerDivisionByZero => WASMRT_TRAP_INTEGER_DIVISION_BY_ZERO,
        TrapCode::InvalidConversionToInteger => WASMRT_TRAP_BAD_CONVERSION_TO_INTEGER,
        TrapCode::Unreachable => WASMRT_TRAP_UNREACHABLE_CODE_REACHED,
        TrapCode::Interrupted => WASMRT_TRAP_INTERRUPT,
        TrapCode::OutOfFuel => WASMRT_TRAP_OUT_OF_FUEL,
        TrapCode::NullReference
        | TrapCode::NullFunctionReference
        | TrapCode::NullExceptionReference => WASMRT_TRAP_NULL_REFERENCE,
    };
    // SAFETY: a writable code (C API contract).
    unsafe { code.write(out) };
    true
}

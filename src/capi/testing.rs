//! Rust-only hooks that let the spec runner drive calls through the C API
//! (`WASMRT_SPEC_VIA_CAPI=1`): the runner manages modules with the Rust
//! API on the store inside a `wasm_store_t`, and makes every call with
//! `wasmrt_func_call`, so the whole testsuite also checks the C boundary.
//! Not part of the C API (nothing here is exported from the library).

use super::func::wasm_func_t;
use super::r#ref::{wasm_ref_t, RefKind};
use super::store::wasm_store_t;
use super::val::ref_to_val;
use crate::engine::{ExternRef, Func, Store, Val, ValType};

/// The engine store inside a C store.
///
/// # Safety
/// `store` must be live, and the returned reference must not outlive it
/// or coexist with another one obtained here.
pub unsafe fn store_mut<'a>(store: *mut wasm_store_t) -> &'a mut Store {
    // SAFETY: guaranteed by the caller.
    unsafe { &mut (*store).store }
}

/// A new C handle for `func` of `store`.
pub fn func_handle(store: *mut wasm_store_t, func: Func) -> *mut wasm_func_t {
    wasm_func_t::boxed(store, RefKind::Func(func))
}

/// A new C reference handle standing for the externref `e`.
pub fn externref_handle(store: *mut wasm_store_t, e: ExternRef) -> *mut wasm_ref_t {
    wasm_ref_t::boxed(store, RefKind::Foreign(e))
}

/// The engine value of reference type `ty` a C reference handle stands for.
///
/// # Safety
/// `r` must be null or a live handle of `store`.
pub unsafe fn ref_value(
    store: *mut wasm_store_t,
    r: *const wasm_ref_t,
    ty: ValType,
) -> Option<Val> {
    // SAFETY: guaranteed by the caller.
    unsafe { ref_to_val(store, r, ty) }.ok()
}

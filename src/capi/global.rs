//! Globals created by the host or exported by instances.

use super::r#ref::{ref_kind, RefKind};
use super::store::wasm_store_t;
use super::types::*;
use super::val::*;
use crate::engine::{ExternType, Global};
use std::ptr;

ref_kind!(
    wasm_global_t,
    RefKind::Global(_),
    [
        wasm_global_delete,
        wasm_global_copy,
        wasm_global_same,
        wasm_global_get_host_info,
        wasm_global_set_host_info,
        wasm_global_set_host_info_with_finalizer
    ],
    [
        wasm_global_as_ref,
        wasm_ref_as_global,
        wasm_global_as_ref_const,
        wasm_ref_as_global_const
    ]
);

impl wasm_global_t {
    fn global(&self) -> Global {
        match self.r.kind {
            RefKind::Global(g) => g,
            _ => unreachable!("a global view always holds a global"),
        }
    }
}

/// Creates a global; NULL if the value does not match the type.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_new(
    store: *mut wasm_store_t,
    ty: *const wasm_globaltype_t,
    val: *const wasm_val_t,
) -> *mut wasm_global_t {
    if store.is_null() || ty.is_null() || val.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: live store, type and value (C API contract).
    unsafe {
        let ExternType::Global(gty) = (*ty).ext.ty() else {
            return ptr::null_mut();
        };
        let Ok(v) = to_val(store, &*val, gty.content) else {
            return ptr::null_mut();
        };
        match Global::new(&mut (*store).store, gty, v) {
            Ok(g) => wasm_global_t::boxed(store, RefKind::Global(g)),
            Err(_) => ptr::null_mut(),
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_type(g: *const wasm_global_t) -> *mut wasm_globaltype_t {
    if g.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live handle with a live store (C API contract).
    let ty = unsafe { (*g).global().ty(&(*(*g).r.store).store) };
    wasm_globaltype_t::boxed(ExternType::Global(ty))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_get(g: *const wasm_global_t, out: *mut wasm_val_t) {
    if g.is_null() || out.is_null() {
        return;
    }
    // SAFETY: as above; `out` is writable.
    unsafe {
        let store = (*g).r.store;
        let v = (*g).global().get(&(*store).store);
        out.write(from_val(store, &v));
    }
}

/// Sets a mutable global; an immutable global or a value of the wrong
/// type leaves it unchanged.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_set(g: *mut wasm_global_t, val: *const wasm_val_t) {
    if g.is_null() || val.is_null() {
        return;
    }
    // SAFETY: as above.
    unsafe {
        let store = (*g).r.store;
        let global = (*g).global();
        let ty = global.ty(&(*store).store);
        if let Ok(v) = to_val(store, &*val, ty.content) {
            let _ = global.set(&mut (*store).store, v);
        }
    }
}

//! Instances.

use super::module::wasm_module_t;
use super::r#extern::wasm_extern_t;
use super::r#ref::{ref_kind, RefKind};
use super::store::wasm_store_t;
use super::trap::wasm_trap_t;
use super::vec::*;
use crate::engine::{Error, Instance, Trap};
use std::ptr;

ref_kind!(
    wasm_instance_t,
    RefKind::Instance(_),
    [
        wasm_instance_delete,
        wasm_instance_copy,
        wasm_instance_same,
        wasm_instance_get_host_info,
        wasm_instance_set_host_info,
        wasm_instance_set_host_info_with_finalizer
    ],
    [
        wasm_instance_as_ref,
        wasm_ref_as_instance,
        wasm_instance_as_ref_const,
        wasm_ref_as_instance_const
    ]
);

/// Reports `msg` through the optional trap out-parameter.
unsafe fn report(store: *mut wasm_store_t, trap_out: *mut *mut wasm_trap_t, t: Trap) {
    if !trap_out.is_null() {
        // SAFETY: a writable pointer slot (C API contract).
        unsafe { trap_out.write(wasm_trap_t::from_trap(store, t)) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    imports: *const wasm_extern_vec_t,
    trap_out: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    if !trap_out.is_null() {
        // SAFETY: a writable pointer slot (C API contract).
        unsafe { trap_out.write(ptr::null_mut()) }
    }
    if store.is_null() || module.is_null() {
        // SAFETY: as above.
        unsafe {
            report(
                store,
                trap_out,
                Trap::new("wasm_instance_new: null store or module"),
            )
        };
        return ptr::null_mut();
    }
    // SAFETY: a valid vector of live externs (C API contract).
    let cimports = unsafe { imports.as_ref().map_or(&[][..], |v| v.as_slice()) };
    let mut externs = Vec::with_capacity(cimports.len());
    for (i, e) in cimports.iter().enumerate() {
        // SAFETY: elements are live handles or null.
        match unsafe { e.as_ref() }.and_then(|e| e.to_extern()) {
            Some(x) => externs.push(x),
            None => {
                // SAFETY: as above.
                unsafe { report(store, trap_out, Trap::new(format!("import #{i} is null"))) };
                return ptr::null_mut();
            }
        }
    }
    // SAFETY: live store and module (C API contract).
    let r = unsafe { Instance::new(&mut (*store).store, (*module).module(), &externs) };
    match r {
        Ok(i) => wasm_instance_t::boxed(store, RefKind::Instance(i)),
        Err(e) => {
            let t = match e {
                Error::Trap(t) => t,
                other => Trap::new(other.to_string()),
            };
            // SAFETY: as above.
            unsafe { report(store, trap_out, t) };
            ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_exports(
    i: *const wasm_instance_t,
    out: *mut wasm_extern_vec_t,
) {
    if out.is_null() {
        return;
    }
    // SAFETY: a live instance handle or null (C API contract).
    let items = match unsafe { i.as_ref() } {
        Some(i) => {
            let RefKind::Instance(inst) = i.r.kind else {
                unreachable!("an instance view always holds an instance")
            };
            let store = i.r.store;
            // SAFETY: the instance's store is alive (C API contract).
            unsafe { inst.exports(&(*store).store) }
                .iter()
                .map(|(_, e)| wasm_extern_t::from_extern(store, *e))
                .collect()
        }
        None => Vec::new(),
    };
    // SAFETY: `out` is writable (C API contract).
    unsafe { out.write(WasmVec::from_vec(items)) }
}

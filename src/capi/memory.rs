//! Linear memories created by the host or exported by instances.

use super::r#ref::{ref_kind, RefKind};
use super::store::wasm_store_t;
use super::types::*;
use crate::engine::{ExternType, Memory};
use std::ptr;

pub type wasm_memory_pages_t = u32;

ref_kind!(
    wasm_memory_t,
    RefKind::Memory(_),
    [
        wasm_memory_delete,
        wasm_memory_copy,
        wasm_memory_same,
        wasm_memory_get_host_info,
        wasm_memory_set_host_info,
        wasm_memory_set_host_info_with_finalizer
    ],
    [
        wasm_memory_as_ref,
        wasm_ref_as_memory,
        wasm_memory_as_ref_const,
        wasm_ref_as_memory_const
    ]
);

impl wasm_memory_t {
    fn memory(&self) -> Memory {
        match self.r.kind {
            RefKind::Memory(m) => m,
            _ => unreachable!("a memory view always holds a memory"),
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_new(
    store: *mut wasm_store_t,
    ty: *const wasm_memorytype_t,
) -> *mut wasm_memory_t {
    if store.is_null() || ty.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: live store and type (C API contract).
    unsafe {
        let ExternType::Memory(mty) = (*ty).ext.ty() else {
            return ptr::null_mut();
        };
        match Memory::new(&mut (*store).store, mty) {
            Ok(m) => wasm_memory_t::boxed(store, RefKind::Memory(m)),
            Err(_) => ptr::null_mut(),
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_type(m: *const wasm_memory_t) -> *mut wasm_memorytype_t {
    if m.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live handle with a live store (C API contract).
    let ty = unsafe { (*m).memory().ty(&(*(*m).r.store).store) };
    wasm_memorytype_t::boxed(ExternType::Memory(ty))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data(m: *mut wasm_memory_t) -> *mut u8 {
    if m.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: as above.
    unsafe { (*m).memory().data_ptr(&(*(*m).r.store).store) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data_size(m: *const wasm_memory_t) -> usize {
    if m.is_null() {
        return 0;
    }
    // SAFETY: as above.
    unsafe { (*m).memory().data_size(&(*(*m).r.store).store) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_size(m: *const wasm_memory_t) -> wasm_memory_pages_t {
    if m.is_null() {
        return 0;
    }
    // SAFETY: as above.
    let pages = unsafe { (*m).memory().size(&(*(*m).r.store).store) };
    pages.min(u64::from(u32::MAX)) as u32
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_grow(
    m: *mut wasm_memory_t,
    delta: wasm_memory_pages_t,
) -> bool {
    if m.is_null() {
        return false;
    }
    // SAFETY: as above.
    unsafe {
        (*m).memory()
            .grow(&mut (*(*m).r.store).store, delta.into())
            .is_ok()
    }
}

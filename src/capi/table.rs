//! Tables created by the host or exported by instances.

use super::r#ref::{ref_kind, wasm_ref_t, RefKind};
use super::store::wasm_store_t;
use super::types::*;
use super::val::*;
use crate::engine::{ExternType, Table};
use std::ptr;

pub type wasm_table_size_t = u32;

ref_kind!(
    wasm_table_t,
    RefKind::Table(_),
    [
        wasm_table_delete,
        wasm_table_copy,
        wasm_table_same,
        wasm_table_get_host_info,
        wasm_table_set_host_info,
        wasm_table_set_host_info_with_finalizer
    ],
    [
        wasm_table_as_ref,
        wasm_ref_as_table,
        wasm_table_as_ref_const,
        wasm_ref_as_table_const
    ]
);

impl wasm_table_t {
    fn table(&self) -> Table {
        match self.r.kind {
            RefKind::Table(t) => t,
            _ => unreachable!("a table view always holds a table"),
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_new(
    store: *mut wasm_store_t,
    ty: *const wasm_tabletype_t,
    init: *mut wasm_ref_t,
) -> *mut wasm_table_t {
    if store.is_null() || ty.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: live store and type; `init` null or live (C API contract).
    unsafe {
        let ExternType::Table(tty) = (*ty).ext.ty() else {
            return ptr::null_mut();
        };
        let Ok(v) = ref_to_val(store, init, tty.element) else {
            return ptr::null_mut();
        };
        match Table::new(&mut (*store).store, tty, v) {
            Ok(t) => wasm_table_t::boxed(store, RefKind::Table(t)),
            Err(_) => ptr::null_mut(),
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_type(t: *const wasm_table_t) -> *mut wasm_tabletype_t {
    if t.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live handle with a live store (C API contract).
    let ty = unsafe { (*t).table().ty(&(*(*t).r.store).store) };
    wasm_tabletype_t::boxed(ExternType::Table(ty))
}

/// The element at `index`: a new reference, or NULL for a null element or
/// an index out of bounds.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_get(
    t: *const wasm_table_t,
    index: wasm_table_size_t,
) -> *mut wasm_ref_t {
    if t.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: as above.
    unsafe {
        let store = (*t).r.store;
        match (*t).table().get(&(*store).store, index.into()) {
            Some(v) => val_to_ref(store, &v),
            None => ptr::null_mut(),
        }
    }
}

/// The table behind `t`, its store, and `r` as a value of its element type
/// (`None` if `r` cannot be one).
///
/// # Safety
/// `t` must be a live handle with a live store; `r` null or live.
unsafe fn table_and_value(
    t: *mut wasm_table_t,
    r: *mut wasm_ref_t,
) -> Option<(*mut wasm_store_t, Table, crate::engine::Val)> {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let store = (*t).r.store;
        let table = (*t).table();
        let elem = table.ty(&(*store).store).element;
        let v = ref_to_val(store, r, elem).ok()?;
        Some((store, table, v))
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_set(
    t: *mut wasm_table_t,
    index: wasm_table_size_t,
    r: *mut wasm_ref_t,
) -> bool {
    if t.is_null() {
        return false;
    }
    // SAFETY: as above; `r` null or live.
    match unsafe { table_and_value(t, r) } {
        // SAFETY: the store is live.
        Some((store, table, v)) => unsafe {
            table.set(&mut (*store).store, index.into(), v).is_ok()
        },
        None => false,
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_size(t: *const wasm_table_t) -> wasm_table_size_t {
    if t.is_null() {
        return 0;
    }
    // SAFETY: as above.
    let n = unsafe { (*t).table().size(&(*(*t).r.store).store) };
    n.min(u64::from(u32::MAX)) as u32
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_grow(
    t: *mut wasm_table_t,
    delta: wasm_table_size_t,
    init: *mut wasm_ref_t,
) -> bool {
    if t.is_null() {
        return false;
    }
    // SAFETY: as above; `init` null or live.
    match unsafe { table_and_value(t, init) } {
        // SAFETY: the store is live.
        Some((store, table, v)) => unsafe {
            table.grow(&mut (*store).store, delta.into(), v).is_ok()
        },
        None => false,
    }
}

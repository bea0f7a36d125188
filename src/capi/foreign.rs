//! Foreign objects: host values that wasm can hold as externrefs.

use super::r#ref::{ref_kind, ExternPayload, RefKind};
use super::store::wasm_store_t;
use crate::engine::ExternRef;
use std::ptr;

ref_kind!(
    wasm_foreign_t,
    RefKind::Foreign(_),
    [
        wasm_foreign_delete,
        wasm_foreign_copy,
        wasm_foreign_same,
        wasm_foreign_get_host_info,
        wasm_foreign_set_host_info,
        wasm_foreign_set_host_info_with_finalizer
    ],
    [
        wasm_foreign_as_ref,
        wasm_ref_as_foreign,
        wasm_foreign_as_ref_const,
        wasm_ref_as_foreign_const
    ]
);

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_new(store: *mut wasm_store_t) -> *mut wasm_foreign_t {
    if store.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live store (C API contract).
    let e = ExternRef::new(unsafe { &mut (*store).store }, ExternPayload::Foreign);
    wasm_foreign_t::boxed(store, RefKind::Foreign(e))
}

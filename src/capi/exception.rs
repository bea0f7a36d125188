//! wasmrt.h: exceptions (WebAssembly 3.0 exception handling) at the host
//! boundary: tags made by the host, the exception in a trap, and host
//! functions that throw.

use super::r#extern::wasm_extern_t;
use super::r#ref::{wasm_ref_t, RefKind};
use super::store::wasm_store_t;
use super::trap::wasm_trap_t;
use super::types::wasm_tagtype_t;
use super::val::{from_val, to_val};
use super::vec::{wasm_val_vec_t, WasmVec};
use crate::engine::{ExnRef, Extern, ExternType, Tag, Trap};
use std::ptr;

/// A new tag (distinct from every other) of type `ty` in `store`, as an
/// extern of kind `WASM_EXTERN_TAG` for imports. NULL on a NULL argument.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_tag_new(
    store: *mut wasm_store_t,
    ty: *const wasm_tagtype_t,
) -> *mut wasm_extern_t {
    if store.is_null() || ty.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live store and tag type (C API contract).
    unsafe {
        let ExternType::Tag(t) = (*ty).ext.ty() else {
            return ptr::null_mut();
        };
        let tag = Tag::new(&mut (*store).store, t);
        wasm_extern_t::from_extern(store, Extern::Tag(tag))
    }
}

/// The exception a trap carries (a guest's exception no handler caught,
/// or one made by `wasmrt_trap_throw`), as an owned reference; NULL for
/// other traps.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_trap_exception(trap: *const wasm_trap_t) -> *mut wasm_ref_t {
    // SAFETY: a live trap or NULL (C API contract).
    let Some(t) = (unsafe { trap.as_ref() }) else {
        return ptr::null_mut();
    };
    match t.trap().exception() {
        Some(e) => wasm_ref_t::boxed(t.r.store, RefKind::Exn(e)),
        None => ptr::null_mut(),
    }
}

/// The exception an exception reference names (from
/// `wasmrt_trap_exception`, or an exnref value), or None.
///
/// # Safety
/// `r` is NULL or a live reference.
unsafe fn exn_of(r: *const wasm_ref_t) -> Option<(ExnRef, *mut wasm_store_t)> {
    // SAFETY: guaranteed by the caller.
    let r = unsafe { r.as_ref() }?;
    match r.kind {
        RefKind::Exn(e) if !r.store.is_null() => Some((e, r.store)),
        _ => None,
    }
}

/// The tag of an exception, as an owned extern (`wasm_extern_same` tells
/// whether it is a given tag); NULL if `exn` is not an exception
/// reference.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_exnref_tag(exn: *const wasm_ref_t) -> *mut wasm_extern_t {
    // SAFETY: a live reference or NULL (C API contract); its store lives.
    unsafe {
        let Some((e, store)) = exn_of(exn) else {
            return ptr::null_mut();
        };
        let tag = e.tag(&(*store).store);
        wasm_extern_t::from_extern(store, Extern::Tag(tag))
    }
}

/// The values an exception carries, in `out` (owned; empty if `exn` is not
/// an exception reference).
#[no_mangle]
pub unsafe extern "C" fn wasmrt_exnref_payload(exn: *const wasm_ref_t, out: *mut wasm_val_vec_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: a live reference or NULL, a writable vector (C API contract).
    unsafe {
        let vals = match exn_of(exn) {
            Some((e, store)) => e
                .payload(&(*store).store)
                .iter()
                .map(|v| from_val(store, v))
                .collect(),
            None => Vec::new(),
        };
        out.write(WasmVec::from_vec(vals));
    }
}

/// A trap that, returned by a host function, throws a WebAssembly
/// exception with `tag` and `payload` in the calling wasm code, where
/// `try_table` handlers can catch it. NULL (nothing made) if the tag is
/// not a tag of `store` or the payload does not match its type.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_trap_throw(
    store: *mut wasm_store_t,
    tag: *const wasm_extern_t,
    payload: *const wasm_val_vec_t,
) -> *mut wasm_trap_t {
    if store.is_null() || tag.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live store, extern and value vector (C API contract).
    unsafe {
        let Some(Extern::Tag(t)) = (*tag).to_extern() else {
            return ptr::null_mut();
        };
        let s = &mut (*store).store;
        if t.store != s.id() {
            return ptr::null_mut();
        }
        let ty = t.ty(s);
        let given: &[super::val::wasm_val_t] = match payload.as_ref() {
            Some(v) => v.as_slice(),
            None => &[],
        };
        if given.len() != ty.params.params().len() {
            return ptr::null_mut();
        }
        let mut vals = Vec::with_capacity(given.len());
        for (v, &vt) in given.iter().zip(ty.params.params()) {
            match to_val(store, v, vt) {
                Ok(v) => vals.push(v),
                Err(_) => return ptr::null_mut(),
            }
        }
        match ExnRef::new(&mut (*store).store, t, &vals) {
            Ok(e) => wasm_trap_t::from_trap(store, Trap::throw(e)),
            Err(_) => ptr::null_mut(),
        }
    }
}

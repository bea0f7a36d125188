//! Traps: messages (NUL-terminated) and backtraces.

use super::frame::wasm_frame_t;
use super::r#ref::{new_cell, ref_kind, RefKind};
use super::store::wasm_store_t;
use super::vec::*;
use crate::engine::Trap;
use std::ptr;

ref_kind!(
    wasm_trap_t,
    RefKind::Trap(..),
    [
        wasm_trap_delete,
        wasm_trap_copy,
        wasm_trap_same,
        wasm_trap_get_host_info,
        wasm_trap_set_host_info,
        wasm_trap_set_host_info_with_finalizer
    ],
    [
        wasm_trap_as_ref,
        wasm_ref_as_trap,
        wasm_trap_as_ref_const,
        wasm_ref_as_trap_const
    ]
);

impl wasm_trap_t {
    pub(crate) fn from_trap(store: *mut wasm_store_t, t: Trap) -> *mut wasm_trap_t {
        wasm_trap_t::boxed(store, RefKind::Trap(t, new_cell()))
    }

    pub(crate) fn trap(&self) -> &Trap {
        match &self.r.kind {
            RefKind::Trap(t, _) => t,
            _ => unreachable!("a trap view always holds a trap"),
        }
    }
}

/// Makes a trap with `message` (its trailing NUL, if any, is dropped).
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_new(
    store: *mut wasm_store_t,
    message: *const wasm_byte_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: a valid byte vector (C API contract).
    let bytes = unsafe { bytes_of(message) };
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes).into_owned();
    wasm_trap_t::from_trap(store, Trap::new(text))
}

/// The message, NUL-terminated (the NUL is included in `size`).
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_message(t: *const wasm_trap_t, out: *mut wasm_byte_vec_t) {
    if t.is_null() || out.is_null() {
        return;
    }
    // SAFETY: a live trap (C API contract).
    let msg = unsafe { (*t).trap().message() };
    let mut bytes = Vec::with_capacity(msg.len() + 1);
    bytes.extend_from_slice(msg.as_bytes());
    bytes.push(0);
    // SAFETY: `out` is writable (C API contract).
    unsafe { out.write(WasmVec::from_vec(bytes)) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_origin(t: *const wasm_trap_t) -> *mut wasm_frame_t {
    if t.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live trap (C API contract).
    let t = unsafe { &*t };
    match t.trap().trace().first() {
        Some(f) => wasm_frame_t::boxed(t.r.store, f),
        None => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_trace(t: *const wasm_trap_t, out: *mut wasm_frame_vec_t) {
    if out.is_null() {
        return;
    }
    let frames = if t.is_null() {
        Vec::new()
    } else {
        // SAFETY: a live trap (C API contract).
        let t = unsafe { &*t };
        t.trap()
            .trace()
            .iter()
            .map(|f| wasm_frame_t::boxed(t.r.store, f))
            .collect()
    };
    // SAFETY: `out` is writable (C API contract).
    unsafe { out.write(WasmVec::from_vec(frames)) }
}

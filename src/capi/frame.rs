//! Frames of a trap's backtrace.

use super::instance::wasm_instance_t;
use super::r#ref::RefKind;
use super::store::wasm_store_t;
use crate::engine::FrameInfo;
use std::ptr;

/// One frame; it owns the instance handle `wasm_frame_instance` lends out.
pub struct wasm_frame_t {
    store: *mut wasm_store_t,
    info: FrameInfo,
    instance: *mut wasm_instance_t,
}

impl wasm_frame_t {
    pub(crate) fn boxed(store: *mut wasm_store_t, info: &FrameInfo) -> *mut wasm_frame_t {
        let instance = match (info.instance, store.is_null()) {
            (Some(i), false) => wasm_instance_t::boxed(store, RefKind::Instance(i)),
            _ => ptr::null_mut(),
        };
        Box::into_raw(Box::new(wasm_frame_t {
            store,
            info: info.clone(),
            instance,
        }))
    }
}

impl Clone for wasm_frame_t {
    fn clone(&self) -> wasm_frame_t {
        // SAFETY: `boxed` returns a fresh owned box.
        *unsafe { Box::from_raw(wasm_frame_t::boxed(self.store, &self.info)) }
    }
}

impl Drop for wasm_frame_t {
    fn drop(&mut self) {
        if !self.instance.is_null() {
            // SAFETY: the frame owns this handle.
            drop(unsafe { Box::from_raw(self.instance) });
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_delete(f: *mut wasm_frame_t) {
    if !f.is_null() {
        // SAFETY: an owned frame made by this library.
        drop(unsafe { Box::from_raw(f) });
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_copy(f: *const wasm_frame_t) -> *mut wasm_frame_t {
    if f.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live frame (C API contract).
    unsafe { wasm_frame_t::boxed((*f).store, &(*f).info) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_instance(f: *const wasm_frame_t) -> *mut wasm_instance_t {
    // SAFETY: a live frame (C API contract).
    unsafe { f.as_ref() }.map_or(ptr::null_mut(), |f| f.instance)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_index(f: *const wasm_frame_t) -> u32 {
    // SAFETY: a live frame (C API contract).
    unsafe { f.as_ref() }.map_or(0, |f| f.info.func_index)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_offset(f: *const wasm_frame_t) -> usize {
    // SAFETY: a live frame (C API contract).
    unsafe { f.as_ref() }.map_or(0, |f| f.info.func_offset)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_module_offset(f: *const wasm_frame_t) -> usize {
    // SAFETY: a live frame (C API contract).
    unsafe { f.as_ref() }.map_or(0, |f| f.info.module_offset)
}

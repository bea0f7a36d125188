//! Vectors: `wasm_X_vec_t` is `{ size, data }` for every element kind.
//! Data is a boxed slice; element ownership follows the standard (a vector
//! owns its elements: deleting it deletes them, copying it copies them).

use super::types::*;
use super::val::wasm_val_t;
use super::{wasm_extern_t, wasm_frame_t};
use std::ptr;

/// The layout of every `wasm_X_vec_t`.
#[repr(C)]
pub struct WasmVec<T> {
    pub size: usize,
    pub data: *mut T,
}

impl<T> WasmVec<T> {
    pub const fn empty() -> WasmVec<T> {
        WasmVec {
            size: 0,
            data: ptr::null_mut(),
        }
    }

    /// Takes ownership of `items`.
    pub fn from_vec(items: Vec<T>) -> WasmVec<T> {
        if items.is_empty() {
            return WasmVec::empty();
        }
        let slice = items.into_boxed_slice();
        let size = slice.len();
        WasmVec {
            size,
            data: Box::into_raw(slice) as *mut T,
        }
    }

    /// The elements as a slice (empty for a null `data`).
    ///
    /// # Safety
    /// `data` must point to `size` initialised elements, or be null.
    pub unsafe fn as_slice(&self) -> &[T] {
        if self.data.is_null() || self.size == 0 {
            &[]
        } else {
            // SAFETY: guaranteed by the caller.
            unsafe { std::slice::from_raw_parts(self.data, self.size) }
        }
    }

    /// # Safety
    /// As for `as_slice`, and no other reference to the elements exists.
    pub unsafe fn as_mut_slice(&mut self) -> &mut [T] {
        if self.data.is_null() || self.size == 0 {
            &mut []
        } else {
            // SAFETY: guaranteed by the caller.
            unsafe { std::slice::from_raw_parts_mut(self.data, self.size) }
        }
    }

    /// Takes the elements back, leaving the vector empty.
    ///
    /// # Safety
    /// The vector must have been made by this module (or be empty).
    pub unsafe fn take(&mut self) -> Vec<T> {
        if self.data.is_null() || self.size == 0 {
            *self = WasmVec::empty();
            return Vec::new();
        }
        // SAFETY: data/size came from `Box<[T]>::into_raw` in `from_vec`.
        let b = unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(self.data, self.size)) };
        *self = WasmVec::empty();
        b.into_vec()
    }
}

/// Element kinds: how to make an uninitialised element, copy and delete.
pub trait VecElem: Sized {
    fn blank() -> Self;
    /// # Safety
    /// `self` must be a valid element.
    unsafe fn deep_copy(&self) -> Self;
    /// Releases what the element owns.
    fn release(self) {}
}

impl VecElem for u8 {
    fn blank() -> u8 {
        0
    }
    unsafe fn deep_copy(&self) -> u8 {
        *self
    }
}

impl VecElem for wasm_val_t {
    fn blank() -> wasm_val_t {
        wasm_val_t::blank()
    }
    unsafe fn deep_copy(&self) -> wasm_val_t {
        // SAFETY: guaranteed by the caller.
        unsafe { self.deep_copy() }
    }
    fn release(self) {
        self.release()
    }
}

/// Owned pointers to boxed objects with a `Clone`-like copy.
pub trait BoxedElem {
    /// # Safety
    /// `p` must point to a live object of this kind.
    unsafe fn copy_boxed(p: *const Self) -> *mut Self;
    /// # Safety
    /// `p` must be an owned pointer made by `Box::into_raw`.
    unsafe fn delete_boxed(p: *mut Self);
}

impl<T: BoxedElem> VecElem for *mut T {
    fn blank() -> *mut T {
        ptr::null_mut()
    }
    unsafe fn deep_copy(&self) -> *mut T {
        if self.is_null() {
            ptr::null_mut()
        } else {
            // SAFETY: a non-null element is a live object (caller).
            unsafe { T::copy_boxed(*self) }
        }
    }
    // Vector elements are owned pointers by the C API's contract; the trait
    // method cannot be `unsafe` without making every element kind unsafe.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    fn release(self) {
        if !self.is_null() {
            // SAFETY: vector elements are owned boxes.
            unsafe { T::delete_boxed(self) }
        }
    }
}

/// `BoxedElem` for types that implement `Clone`.
macro_rules! boxed_clone_elem {
    ($($t:ty),*) => {$(
        impl BoxedElem for $t {
            unsafe fn copy_boxed(p: *const Self) -> *mut Self {
                // SAFETY: guaranteed by the caller.
                Box::into_raw(Box::new(unsafe { (*p).clone() }))
            }
            unsafe fn delete_boxed(p: *mut Self) {
                // SAFETY: guaranteed by the caller.
                drop(unsafe { Box::from_raw(p) })
            }
        }
    )*};
}

boxed_clone_elem!(
    wasm_valtype_t,
    wasm_functype_t,
    wasm_globaltype_t,
    wasm_tabletype_t,
    wasm_memorytype_t,
    wasm_tagtype_t,
    wasm_externtype_t,
    wasm_importtype_t,
    wasm_exporttype_t,
    wasm_frame_t,
    wasm_extern_t
);

/// Declares the five vector functions of one element kind.
macro_rules! declare_vec {
    ($vec:ident, $elem:ty, $new_empty:ident, $new_uninit:ident, $new:ident, $copy:ident, $delete:ident) => {
        pub type $vec = WasmVec<$elem>;

        #[no_mangle]
        pub unsafe extern "C" fn $new_empty(out: *mut $vec) {
            if !out.is_null() {
                // SAFETY: `out` is a writable vector slot (C API contract).
                unsafe { out.write(WasmVec::empty()) }
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $new_uninit(out: *mut $vec, size: usize) {
            if out.is_null() {
                return;
            }
            let items: Vec<$elem> = (0..size).map(|_| <$elem as VecElem>::blank()).collect();
            // SAFETY: as above.
            unsafe { out.write(WasmVec::from_vec(items)) }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $new(out: *mut $vec, size: usize, data: *const $elem) {
            if out.is_null() {
                return;
            }
            let items: Vec<$elem> = if size == 0 || data.is_null() {
                Vec::new()
            } else {
                // SAFETY: `data` holds `size` elements whose ownership moves
                // into the vector (a bitwise move, as the standard says).
                (0..size).map(|i| unsafe { data.add(i).read() }).collect()
            };
            // SAFETY: as above.
            unsafe { out.write(WasmVec::from_vec(items)) }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $copy(out: *mut $vec, src: *const $vec) {
            if out.is_null() {
                return;
            }
            let items: Vec<$elem> = if src.is_null() {
                Vec::new()
            } else {
                // SAFETY: `src` is a valid vector (C API contract).
                unsafe { (*src).as_slice().iter().map(|e| e.deep_copy()).collect() }
            };
            // SAFETY: as above.
            unsafe { out.write(WasmVec::from_vec(items)) }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $delete(v: *mut $vec) {
            if v.is_null() {
                return;
            }
            // SAFETY: `v` is a vector made by this library (C API contract).
            for e in unsafe { (*v).take() } {
                VecElem::release(e);
            }
        }
    };
}

declare_vec!(
    wasm_byte_vec_t,
    u8,
    wasm_byte_vec_new_empty,
    wasm_byte_vec_new_uninitialized,
    wasm_byte_vec_new,
    wasm_byte_vec_copy,
    wasm_byte_vec_delete
);
declare_vec!(
    wasm_val_vec_t,
    wasm_val_t,
    wasm_val_vec_new_empty,
    wasm_val_vec_new_uninitialized,
    wasm_val_vec_new,
    wasm_val_vec_copy,
    wasm_val_vec_delete
);
declare_vec!(
    wasm_valtype_vec_t,
    *mut wasm_valtype_t,
    wasm_valtype_vec_new_empty,
    wasm_valtype_vec_new_uninitialized,
    wasm_valtype_vec_new,
    wasm_valtype_vec_copy,
    wasm_valtype_vec_delete
);
declare_vec!(
    wasm_functype_vec_t,
    *mut wasm_functype_t,
    wasm_functype_vec_new_empty,
    wasm_functype_vec_new_uninitialized,
    wasm_functype_vec_new,
    wasm_functype_vec_copy,
    wasm_functype_vec_delete
);
declare_vec!(
    wasm_globaltype_vec_t,
    *mut wasm_globaltype_t,
    wasm_globaltype_vec_new_empty,
    wasm_globaltype_vec_new_uninitialized,
    wasm_globaltype_vec_new,
    wasm_globaltype_vec_copy,
    wasm_globaltype_vec_delete
);
declare_vec!(
    wasm_tabletype_vec_t,
    *mut wasm_tabletype_t,
    wasm_tabletype_vec_new_empty,
    wasm_tabletype_vec_new_uninitialized,
    wasm_tabletype_vec_new,
    wasm_tabletype_vec_copy,
    wasm_tabletype_vec_delete
);
declare_vec!(
    wasm_memorytype_vec_t,
    *mut wasm_memorytype_t,
    wasm_memorytype_vec_new_empty,
    wasm_memorytype_vec_new_uninitialized,
    wasm_memorytype_vec_new,
    wasm_memorytype_vec_copy,
    wasm_memorytype_vec_delete
);
declare_vec!(
    wasm_tagtype_vec_t,
    *mut wasm_tagtype_t,
    wasm_tagtype_vec_new_empty,
    wasm_tagtype_vec_new_uninitialized,
    wasm_tagtype_vec_new,
    wasm_tagtype_vec_copy,
    wasm_tagtype_vec_delete
);
declare_vec!(
    wasm_externtype_vec_t,
    *mut wasm_externtype_t,
    wasm_externtype_vec_new_empty,
    wasm_externtype_vec_new_uninitialized,
    wasm_externtype_vec_new,
    wasm_externtype_vec_copy,
    wasm_externtype_vec_delete
);
declare_vec!(
    wasm_importtype_vec_t,
    *mut wasm_importtype_t,
    wasm_importtype_vec_new_empty,
    wasm_importtype_vec_new_uninitialized,
    wasm_importtype_vec_new,
    wasm_importtype_vec_copy,
    wasm_importtype_vec_delete
);
declare_vec!(
    wasm_exporttype_vec_t,
    *mut wasm_exporttype_t,
    wasm_exporttype_vec_new_empty,
    wasm_exporttype_vec_new_uninitialized,
    wasm_exporttype_vec_new,
    wasm_exporttype_vec_copy,
    wasm_exporttype_vec_delete
);
declare_vec!(
    wasm_frame_vec_t,
    *mut wasm_frame_t,
    wasm_frame_vec_new_empty,
    wasm_frame_vec_new_uninitialized,
    wasm_frame_vec_new,
    wasm_frame_vec_copy,
    wasm_frame_vec_delete
);
declare_vec!(
    wasm_extern_vec_t,
    *mut wasm_extern_t,
    wasm_extern_vec_new_empty,
    wasm_extern_vec_new_uninitialized,
    wasm_extern_vec_new,
    wasm_extern_vec_copy,
    wasm_extern_vec_delete
);

/// A byte vector holding `bytes`.
pub fn byte_vec(bytes: &[u8]) -> wasm_byte_vec_t {
    WasmVec::from_vec(bytes.to_vec())
}

/// The bytes of a C byte vector.
///
/// # Safety
/// `v` must be null or a valid vector.
pub unsafe fn bytes_of<'a>(v: *const wasm_byte_vec_t) -> &'a [u8] {
    if v.is_null() {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { (*v).as_slice() }
    }
}

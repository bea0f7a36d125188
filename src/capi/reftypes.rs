//! wasmrt.h: what wasm.h cannot say about reference types (WebAssembly
//! 3.0): non-nullable references, typed function references and
//! `exnref`, which wasm.h's value kinds show as `WASM_FUNCREF` or
//! `WASM_EXTERNREF`.

use super::types::{boxed_valtype, wasm_valtype_t};
use crate::engine::{HeapType, RefType, ValType};
use std::ptr;

/// What a reference type refers to.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum wasmrt_heap_type_t {
    /// Any function (`funcref` is its nullable reference).
    WASMRT_HEAP_TYPE_FUNC = 0,
    /// Any host reference (`externref`).
    WASMRT_HEAP_TYPE_EXTERN = 1,
    /// Any exception (`exnref`).
    WASMRT_HEAP_TYPE_EXN = 2,
    /// Functions of one signature (`(ref null? $t)`).
    WASMRT_HEAP_TYPE_CONCRETE_FUNC = 3,
}

/// Whether `t` is a reference type; if it is, its heap type and whether
/// null is one of its values are stored in `*heap` and `*nullable`
/// (either may be NULL).
#[no_mangle]
pub unsafe extern "C" fn wasmrt_valtype_ref(
    t: *const wasm_valtype_t,
    heap: *mut wasmrt_heap_type_t,
    nullable: *mut bool,
) -> bool {
    use wasmrt_heap_type_t::*;
    // SAFETY: a live value type or NULL, writable outputs or NULL (C API
    // contract).
    unsafe {
        let Some(ValType::Ref(r)) = t.as_ref().map(|t| t.ty) else {
            return false;
        };
        if let Some(h) = heap.as_mut() {
            *h = match r.heap {
                HeapType::Func => WASMRT_HEAP_TYPE_FUNC,
                HeapType::Extern => WASMRT_HEAP_TYPE_EXTERN,
                HeapType::Exn => WASMRT_HEAP_TYPE_EXN,
                HeapType::Concrete(_) => WASMRT_HEAP_TYPE_CONCRETE_FUNC,
            };
        }
        if let Some(n) = nullable.as_mut() {
            *n = r.nullable;
        }
        true
    }
}

/// A new reference value type to an abstract heap type, one of
/// `WASMRT_HEAP_TYPE_FUNC`, `_EXTERN` and `_EXN` (as an integer): for
/// example `exnref` (`_EXN`, nullable) or `(ref func)` (`_FUNC`, not
/// nullable), for host function signatures wasm.h cannot spell. NULL for
/// any other `heap`.
#[no_mangle]
pub extern "C" fn wasmrt_valtype_new_ref(heap: u32, nullable: bool) -> *mut wasm_valtype_t {
    let heap = match heap {
        0 => HeapType::Func,
        1 => HeapType::Extern,
        2 => HeapType::Exn,
        _ => return ptr::null_mut(),
    };
    boxed_valtype(ValType::Ref(RefType { nullable, heap }))
}

//! wasmrt.h: what wasm.h cannot say about reference types (WebAssembly
//! 3.0): non-nullable references, typed function references, `exnref`
//! and the GC and bottom heap types, which wasm.h's value kinds show as
//! `WASM_FUNCREF` (the function types) or `WASM_EXTERNREF` (the others).

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
    /// The bottom types: only null (`nullfuncref`, `nullexternref`,
    /// `nullexnref`).
    WASMRT_HEAP_TYPE_NOFUNC = 4,
    WASMRT_HEAP_TYPE_NOEXTERN = 5,
    WASMRT_HEAP_TYPE_NOEXN = 6,
    /// The GC heap types (`anyref`, `eqref`, `i31ref`, `structref`,
    /// `arrayref`, `nullref`). wasmrt has no GC objects: their only value
    /// is null.
    WASMRT_HEAP_TYPE_ANY = 7,
    WASMRT_HEAP_TYPE_EQ = 8,
    WASMRT_HEAP_TYPE_I31 = 9,
    WASMRT_HEAP_TYPE_STRUCT = 10,
    WASMRT_HEAP_TYPE_ARRAY = 11,
    WASMRT_HEAP_TYPE_NONE = 12,
    /// A struct or array type of a module (`(ref null? $s)`).
    WASMRT_HEAP_TYPE_CONCRETE_STRUCT = 13,
    WASMRT_HEAP_TYPE_CONCRETE_ARRAY = 14,
}

/// The C name of each abstract heap type (the concrete ones have none).
const ABSTRACT: [(wasmrt_heap_type_t, HeapType); 12] = {
    use wasmrt_heap_type_t::*;
    [
        (WASMRT_HEAP_TYPE_FUNC, HeapType::Func),
        (WASMRT_HEAP_TYPE_EXTERN, HeapType::Extern),
        (WASMRT_HEAP_TYPE_EXN, HeapType::Exn),
        (WASMRT_HEAP_TYPE_NOFUNC, HeapType::NoFunc),
        (WASMRT_HEAP_TYPE_NOEXTERN, HeapType::NoExtern),
        (WASMRT_HEAP_TYPE_NOEXN, HeapType::NoExn),
        (WASMRT_HEAP_TYPE_ANY, HeapType::Any),
        (WASMRT_HEAP_TYPE_EQ, HeapType::Eq),
        (WASMRT_HEAP_TYPE_I31, HeapType::I31),
        (WASMRT_HEAP_TYPE_STRUCT, HeapType::Struct),
        (WASMRT_HEAP_TYPE_ARRAY, HeapType::Array),
        (WASMRT_HEAP_TYPE_NONE, HeapType::None),
    ]
};

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
                HeapType::Concrete(_) => WASMRT_HEAP_TYPE_CONCRETE_FUNC,
                HeapType::ConcreteStruct(_) => WASMRT_HEAP_TYPE_CONCRETE_STRUCT,
                HeapType::ConcreteArray(_) => WASMRT_HEAP_TYPE_CONCRETE_ARRAY,
                abstract_heap => {
                    let named = ABSTRACT.iter().find(|(_, h)| *h == abstract_heap);
                    named.expect("every abstract heap type has a C name").0
                }
            };
        }
        if let Some(n) = nullable.as_mut() {
            *n = r.nullable;
        }
        true
    }
}

/// A new reference value type to an abstract heap type (a
/// `wasmrt_heap_type_t` other than the `_CONCRETE_` ones, as an integer):
/// for example `exnref` (`_EXN`, nullable) or `(ref func)` (`_FUNC`, not
/// nullable), for host function signatures wasm.h cannot spell. NULL for
/// any other `heap`.
#[no_mangle]
pub extern "C" fn wasmrt_valtype_new_ref(heap: u32, nullable: bool) -> *mut wasm_valtype_t {
    match ABSTRACT.iter().find(|(c, _)| *c as u32 == heap) {
        Some(&(_, heap)) => boxed_valtype(ValType::Ref(RefType { nullable, heap })),
        None => ptr::null_mut(),
    }
}

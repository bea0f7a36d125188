//! Externals: the common view of functions, globals, tables and memories.

use super::func::wasm_func_t;
use super::global::wasm_global_t;
use super::memory::wasm_memory_t;
use super::r#ref::{ref_kind, RefKind};
use super::table::wasm_table_t;
use super::types::*;
use crate::engine::Extern;
use std::ptr;

ref_kind!(
    wasm_extern_t,
    RefKind::Func(_)
        | RefKind::Global(_)
        | RefKind::Table(_)
        | RefKind::Memory(_)
        | RefKind::Tag(_),
    [
        wasm_extern_delete,
        wasm_extern_copy,
        wasm_extern_same,
        wasm_extern_get_host_info,
        wasm_extern_set_host_info,
        wasm_extern_set_host_info_with_finalizer
    ],
    [
        wasm_extern_as_ref,
        wasm_ref_as_extern,
        wasm_extern_as_ref_const,
        wasm_ref_as_extern_const
    ]
);

impl Clone for wasm_extern_t {
    fn clone(&self) -> wasm_extern_t {
        wasm_extern_t {
            r: super::wasm_ref_t::new(self.r.store, self.r.kind.clone()),
        }
    }
}

impl wasm_extern_t {
    pub(crate) fn to_extern(&self) -> Option<Extern> {
        Some(match self.r.kind {
            RefKind::Func(f) => Extern::Func(f),
            RefKind::Global(g) => Extern::Global(g),
            RefKind::Table(t) => Extern::Table(t),
            RefKind::Memory(m) => Extern::Memory(m),
            RefKind::Tag(t) => Extern::Tag(t),
            _ => return None,
        })
    }

    pub(crate) fn from_extern(store: *mut super::wasm_store_t, e: Extern) -> *mut wasm_extern_t {
        let kind = match e {
            Extern::Func(f) => RefKind::Func(f),
            Extern::Global(g) => RefKind::Global(g),
            Extern::Table(t) => RefKind::Table(t),
            Extern::Memory(m) => RefKind::Memory(m),
            Extern::Tag(t) => RefKind::Tag(t),
        };
        wasm_extern_t::boxed(store, kind)
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_kind(e: *const wasm_extern_t) -> wasm_externkind_t {
    // SAFETY: null or a live handle (C API contract); null reads as a
    // function.
    match unsafe { e.as_ref() }.map(|e| &e.r.kind) {
        Some(RefKind::Global(_)) => WASM_EXTERN_GLOBAL,
        Some(RefKind::Table(_)) => WASM_EXTERN_TABLE,
        Some(RefKind::Memory(_)) => WASM_EXTERN_MEMORY,
        Some(RefKind::Tag(_)) => WASM_EXTERN_TAG,
        _ => WASM_EXTERN_FUNC,
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_type(e: *const wasm_extern_t) -> *mut wasm_externtype_t {
    if e.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live handle with a live store (C API contract).
    unsafe {
        match (*e).to_extern() {
            Some(x) => Box::into_raw(Box::new(wasm_externtype_t::new(
                &x.ty(&(*(*e).r.store).store),
            ))),
            None => ptr::null_mut(),
        }
    }
}

/// Declares the casts between one extern kind and `wasm_extern_t`.
macro_rules! extern_casts {
    ($t:ty, $pat:pat, $to:ident, $to_const:ident, $from:ident, $from_const:ident) => {
        #[no_mangle]
        pub extern "C" fn $to(x: *mut $t) -> *mut wasm_extern_t {
            x.cast()
        }

        #[no_mangle]
        pub extern "C" fn $to_const(x: *const $t) -> *const wasm_extern_t {
            x.cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from(e: *mut wasm_extern_t) -> *mut $t {
            // SAFETY: a non-null `e` is a live handle (C API contract).
            if !e.is_null() && matches!(unsafe { &(*e).r.kind }, $pat) {
                e.cast()
            } else {
                ptr::null_mut()
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_const(e: *const wasm_extern_t) -> *const $t {
            // SAFETY: as above.
            unsafe { $from(e as *mut _) }
        }
    };
}

extern_casts!(
    wasm_func_t,
    RefKind::Func(_),
    wasm_func_as_extern,
    wasm_func_as_extern_const,
    wasm_extern_as_func,
    wasm_extern_as_func_const
);
extern_casts!(
    wasm_global_t,
    RefKind::Global(_),
    wasm_global_as_extern,
    wasm_global_as_extern_const,
    wasm_extern_as_global,
    wasm_extern_as_global_const
);
extern_casts!(
    wasm_table_t,
    RefKind::Table(_),
    wasm_table_as_extern,
    wasm_table_as_extern_const,
    wasm_extern_as_table,
    wasm_extern_as_table_const
);
extern_casts!(
    wasm_memory_t,
    RefKind::Memory(_),
    wasm_memory_as_extern,
    wasm_memory_as_extern_const,
    wasm_extern_as_memory,
    wasm_extern_as_memory_const
);

//! References: the one layout behind every reference kind of wasm.h.
//!
//! `wasm_func_t`, `wasm_global_t`, ... `wasm_extern_t` and `wasm_ref_t` are
//! transparent views of the same struct, so the standard's `*_as_*`
//! conversions are casts checked against the kind. Host info is attached to
//! the underlying object (store-bound objects: in the store, keyed by the
//! object's identity; modules and traps: in a cell shared by all handles),
//! so every handle of an object sees the same info, and each finalizer runs
//! exactly once.

use super::store::wasm_store_t;
use crate::engine::{ExnRef, ExternRef, Func, Global, Instance, Memory, Module, Table, Tag, Trap};
use std::ffi::c_void;
use std::ptr;
use std::sync::{Arc, Mutex};

/// A host info pointer and its finalizer; the finalizer runs on drop.
pub struct HostInfo {
    pub data: *mut c_void,
    pub finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
}

impl Drop for HostInfo {
    fn drop(&mut self) {
        if let Some(f) = self.finalizer.take() {
            // SAFETY: the C caller registered `f` for `data`; it runs once.
            unsafe { f(self.data) }
        }
    }
}

// SAFETY: host info is an opaque pointer owned by the C caller; wasmrt
// never dereferences it, only hands it back or passes it to the finalizer.
unsafe impl Send for HostInfo {}

/// Host info of objects that are not owned by a store (modules, traps):
/// shared by all handles, finalized when the last handle goes.
pub type HostInfoCell = Arc<Mutex<Option<HostInfo>>>;

pub fn new_cell() -> HostInfoCell {
    Arc::new(Mutex::new(None))
}

/// Identity of a store-owned object, for host info and externref wrapping.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ObjKey {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Instance(Instance),
    Extern(ExternRef),
    Tag(Tag),
    Exn(ExnRef),
}

/// What a reference handle refers to.
#[derive(Clone)]
pub enum RefKind {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Instance(Instance),
    /// A host object made by `wasm_foreign_new` (an externref payload).
    Foreign(ExternRef),
    Trap(Trap, HostInfoCell),
    Module(super::module::ModuleHold, HostInfoCell),
    /// An exception tag (an extern of kind `WASM_EXTERN_TAG`).
    Tag(Tag),
    /// An exception reference (`exnref`) a guest passed out.
    Exn(ExnRef),
}

impl RefKind {
    fn key(&self) -> Option<ObjKey> {
        Some(match self {
            RefKind::Func(x) => ObjKey::Func(*x),
            RefKind::Global(x) => ObjKey::Global(*x),
            RefKind::Table(x) => ObjKey::Table(*x),
            RefKind::Memory(x) => ObjKey::Memory(*x),
            RefKind::Instance(x) => ObjKey::Instance(*x),
            RefKind::Foreign(x) => ObjKey::Extern(*x),
            RefKind::Tag(x) => ObjKey::Tag(*x),
            RefKind::Exn(x) => ObjKey::Exn(*x),
            RefKind::Trap(..) | RefKind::Module(..) => return None,
        })
    }

    fn same(&self, other: &RefKind) -> bool {
        match (self, other) {
            (RefKind::Trap(a, _), RefKind::Trap(b, _)) => Trap::ptr_eq(a, b),
            (RefKind::Module(a, _), RefKind::Module(b, _)) => Module::same(a, b),
            (a, b) => a.key().is_some() && a.key() == b.key(),
        }
    }
}

/// The payload of externrefs made by the C API: a foreign object, or
/// another reference handed to wasm as an externref.
pub enum ExternPayload {
    Foreign,
    Object(RefKind),
}

/// A reference handle. `store` is null only for modules and traps made
/// without a store.
pub struct wasm_ref_t {
    pub(crate) store: *mut wasm_store_t,
    pub(crate) kind: RefKind,
    /// For functions: how `wasm_func_call` calls it, once known (set
    /// once: a `OnceCell` hands out a reference, where a `Cell`'s copy
    /// went through the stack in wide stores read back a byte at a time,
    /// a store-forwarding stall on every call).
    pub(crate) plan: std::cell::OnceCell<super::func::CallPlan>,
}

impl wasm_ref_t {
    pub(crate) fn new(store: *mut wasm_store_t, kind: RefKind) -> wasm_ref_t {
        wasm_ref_t {
            store,
            kind,
            plan: std::cell::OnceCell::new(),
        }
    }

    pub(crate) fn boxed(store: *mut wasm_store_t, kind: RefKind) -> *mut wasm_ref_t {
        Box::into_raw(Box::new(wasm_ref_t::new(store, kind)))
    }

    fn host_info(&self) -> *mut c_void {
        match &self.kind {
            RefKind::Trap(_, cell) | RefKind::Module(_, cell) => {
                let g = cell.lock().unwrap_or_else(|e| e.into_inner());
                g.as_ref().map_or(ptr::null_mut(), |h| h.data)
            }
            kind => {
                let (Some(key), false) = (kind.key(), self.store.is_null()) else {
                    return ptr::null_mut();
                };
                // SAFETY: a store-bound handle's store is alive (C API
                // contract: handles are not used after their store).
                let store = unsafe { &*self.store };
                store
                    .host_info
                    .borrow()
                    .get(&key)
                    .map_or(ptr::null_mut(), |h| h.data)
            }
        }
    }

    fn set_host_info(&self, info: HostInfo) {
        match &self.kind {
            RefKind::Trap(_, cell) | RefKind::Module(_, cell) => {
                let old = cell.lock().unwrap_or_else(|e| e.into_inner()).replace(info);
                drop(old);
            }
            kind => {
                let (Some(key), false) = (kind.key(), self.store.is_null()) else {
                    return;
                };
                // SAFETY: as in `host_info`.
                let store = unsafe { &*self.store };
                let old = store.host_info.borrow_mut().insert(key, info);
                // The replaced info's finalizer runs now, outside the borrow.
                drop(old);
            }
        }
    }
}

/// Declares the functions every reference kind has.
macro_rules! ref_base {
    ($t:ty, $delete:ident, $copy:ident, $same:ident, $get:ident, $set:ident, $set_fin:ident) => {
        #[no_mangle]
        pub unsafe extern "C" fn $delete(r: *mut $t) {
            if !r.is_null() {
                // SAFETY: an owned handle made by this library.
                drop(unsafe { Box::from_raw(r) });
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $copy(r: *const $t) -> *mut $t {
            if r.is_null() {
                return std::ptr::null_mut();
            }
            // SAFETY: a live handle (C API contract); the copy is a new
            // handle to the same object.
            let r: &crate::capi::wasm_ref_t = unsafe { &*(r as *const crate::capi::wasm_ref_t) };
            crate::capi::wasm_ref_t::boxed(r.store, r.kind.clone()).cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn $same(a: *const $t, b: *const $t) -> bool {
            if a.is_null() || b.is_null() {
                return a.is_null() && b.is_null();
            }
            // SAFETY: live handles (C API contract).
            unsafe { crate::capi::r#ref::same_ref(a.cast(), b.cast()) }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $get(r: *const $t) -> *mut std::ffi::c_void {
            // SAFETY: a live handle (C API contract).
            unsafe { crate::capi::r#ref::get_info(r.cast()) }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $set(r: *mut $t, info: *mut std::ffi::c_void) {
            // SAFETY: a live handle (C API contract).
            unsafe { crate::capi::r#ref::set_info(r.cast(), info, None) }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $set_fin(
            r: *mut $t,
            info: *mut std::ffi::c_void,
            finalizer: Option<unsafe extern "C" fn(*mut std::ffi::c_void)>,
        ) {
            // SAFETY: a live handle (C API contract).
            unsafe { crate::capi::r#ref::set_info(r.cast(), info, finalizer) }
        }
    };
}
pub(crate) use ref_base;

/// Declares a reference kind: a transparent view of `wasm_ref_t`, its base
/// functions and its conversions to and from `wasm_ref_t`.
macro_rules! ref_kind {
    ($t:ident, $is:pat, [$delete:ident, $copy:ident, $same:ident, $get:ident, $set:ident, $set_fin:ident],
     [$as_ref:ident, $from_ref:ident, $as_ref_const:ident, $from_ref_const:ident]) => {
        #[repr(transparent)]
        pub struct $t {
            pub(crate) r: crate::capi::wasm_ref_t,
        }

        impl $t {
            pub(crate) fn boxed(
                store: *mut crate::capi::wasm_store_t,
                kind: crate::capi::RefKind,
            ) -> *mut $t {
                crate::capi::wasm_ref_t::boxed(store, kind).cast()
            }
        }

        crate::capi::r#ref::ref_base!($t, $delete, $copy, $same, $get, $set, $set_fin);

        #[no_mangle]
        pub extern "C" fn $as_ref(x: *mut $t) -> *mut crate::capi::wasm_ref_t {
            x.cast()
        }

        #[no_mangle]
        pub extern "C" fn $as_ref_const(x: *const $t) -> *const crate::capi::wasm_ref_t {
            x.cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_ref(r: *mut crate::capi::wasm_ref_t) -> *mut $t {
            #[allow(unused_imports)]
            use crate::capi::RefKind;
            // SAFETY: a non-null `r` is a live handle (C API contract).
            if !r.is_null() && matches!(unsafe { &(*r).kind }, $is) {
                r.cast()
            } else {
                std::ptr::null_mut()
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_ref_const(r: *const crate::capi::wasm_ref_t) -> *const $t {
            // SAFETY: as above.
            unsafe { $from_ref(r as *mut _) }
        }
    };
}
pub(crate) use ref_kind;

pub(crate) unsafe fn same_ref(a: *const wasm_ref_t, b: *const wasm_ref_t) -> bool {
    // SAFETY: live handles (caller).
    unsafe { (*a).kind.same(&(*b).kind) }
}

pub(crate) unsafe fn get_info(r: *const wasm_ref_t) -> *mut c_void {
    if r.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live handle (caller).
    unsafe { (*r).host_info() }
}

pub(crate) unsafe fn set_info(
    r: *mut wasm_ref_t,
    data: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    if r.is_null() {
        return;
    }
    // SAFETY: a live handle (caller).
    unsafe { (*r).set_host_info(HostInfo { data, finalizer }) }
}

ref_base!(
    wasm_ref_t,
    wasm_ref_delete,
    wasm_ref_copy,
    wasm_ref_same,
    wasm_ref_get_host_info,
    wasm_ref_set_host_info,
    wasm_ref_set_host_info_with_finalizer
);

//! Stores, and the C-side state attached to them: host info of store-owned
//! objects, finalizers of host function environments, and the externrefs
//! standing for references handed to wasm as externref values.

use super::engine::wasm_engine_t;
use super::module::ModuleHold;
use super::r#ref::{ExternPayload, HostInfo, ObjKey, RefKind};
use crate::engine::{ExternRef, Store};
use std::cell::RefCell;
use std::collections::HashMap;

pub struct wasm_store_t {
    pub(crate) store: Store,
    pub(crate) host_info: RefCell<HashMap<ObjKey, HostInfo>>,
    /// Environments of `wasm_func_new_with_env` with their finalizers.
    pub(crate) env_finalizers: RefCell<Vec<HostInfo>>,
    /// The externref standing for each object passed to wasm as externref,
    /// so the same object always becomes the same reference.
    pub(crate) wrapped: RefCell<HashMap<ObjKey, ExternRef>>,
    /// The embedder's pointer (`wasmrt_store_data_set`).
    pub(crate) user_data: *mut std::ffi::c_void,
    /// The live module handles holding a view of this store's count of
    /// their module (`ModuleHold::Lent`).
    /// (A list through the holds: no allocation per store.)
    pub(crate) lent_modules: std::cell::Cell<*mut ModuleHold>,
}

impl wasm_store_t {
    /// The externref for `kind` (a foreign object is its own externref).
    pub(crate) fn externref_for(&mut self, kind: &RefKind) -> ExternRef {
        if let RefKind::Foreign(e) = kind {
            return *e;
        }
        let key = match kind {
            RefKind::Func(x) => Some(ObjKey::Func(*x)),
            RefKind::Global(x) => Some(ObjKey::Global(*x)),
            RefKind::Table(x) => Some(ObjKey::Table(*x)),
            RefKind::Memory(x) => Some(ObjKey::Memory(*x)),
            RefKind::Instance(x) => Some(ObjKey::Instance(*x)),
            _ => None,
        };
        if let Some(e) = key.and_then(|k| self.wrapped.borrow().get(&k).copied()) {
            return e;
        }
        let e = ExternRef::new(&mut self.store, ExternPayload::Object(kind.clone()));
        if let Some(k) = key {
            self.wrapped.borrow_mut().insert(k, e);
        }
        e
    }

    /// The reference an externref from wasm stands for.
    pub(crate) fn kind_of_externref(&self, e: ExternRef) -> RefKind {
        match e.data(&self.store).downcast_ref::<ExternPayload>() {
            Some(ExternPayload::Object(kind)) => kind.clone(),
            _ => RefKind::Foreign(e),
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    if engine.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: a live engine (C API contract).
    let engine = unsafe { &(*engine).engine };
    Box::into_raw(Box::new(wasm_store_t {
        store: Store::new(engine),
        host_info: RefCell::new(HashMap::new()),
        env_finalizers: RefCell::new(Vec::new()),
        wrapped: RefCell::new(HashMap::new()),
        user_data: std::ptr::null_mut(),
        lent_modules: std::cell::Cell::new(std::ptr::null_mut()),
    }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_delete(s: *mut wasm_store_t) {
    if s.is_null() {
        return;
    }
    // SAFETY: an owned box made by `wasm_store_new`.
    let s = unsafe { Box::from_raw(s) };
    // Module handles outliving the store take counts of their own.
    // SAFETY: the store is live and about to go.
    unsafe { super::module::own_lent_holds(&s) };
    // Host info and environment finalizers run here, once each; then the
    // store's objects are freed.
    let infos = std::mem::take(&mut *s.host_info.borrow_mut());
    drop(infos);
    let envs = std::mem::take(&mut *s.env_finalizers.borrow_mut());
    drop(envs);
    drop(s);
}

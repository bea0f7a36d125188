//! Modules: compiling, validating, reflecting, sharing across threads,
//! serializing.

use super::r#ref::{new_cell, ref_kind, RefKind};
use super::store::wasm_store_t;
use super::types::*;
use super::vec::*;
use crate::engine::HeldModule;
use crate::engine::Module;
use std::cell::Cell;
use std::ptr;

ref_kind!(
    wasm_module_t,
    RefKind::Module(..),
    [
        wasm_module_delete,
        wasm_module_copy,
        wasm_module_same,
        wasm_module_get_host_info,
        wasm_module_set_host_info,
        wasm_module_set_host_info_with_finalizer
    ],
    [
        wasm_module_as_ref,
        wasm_ref_as_module,
        wasm_module_as_ref_const,
        wasm_ref_as_module_const
    ]
);

impl wasm_module_t {
    /// A new handle (with its own host-info cell) for a compiled module.
    pub(crate) fn from_module(store: *mut wasm_store_t, m: Module) -> *mut wasm_module_t {
        wasm_module_t::boxed(store, RefKind::Module(ModuleHold::Owned(m), new_cell()))
    }

    pub(crate) fn module(&self) -> &Module {
        match &self.r.kind {
            RefKind::Module(m, _) => m,
            _ => unreachable!("a module view always holds a module"),
        }
    }
}

/// A module handle's hold on its module.
pub enum ModuleHold {
    /// A count of its own.
    Owned(Module),
    /// A view of the count its live store holds, for handles made by
    /// `wasm_module_obtain`: a server that obtains, instantiates and drops
    /// a module per request on many threads then updates the module's
    /// shared count once per store, not once per handle and instance.
    /// Listed in the store (`next`), which makes it `Owned` if deleted
    /// first.
    Lent {
        module: HeldModule,
        store: *mut wasm_store_t,
        next: Cell<*mut ModuleHold>,
    },
}

impl ModuleHold {
    /// The next lent hold of the store's list (null at the end).
    fn next(&self) -> Option<&Cell<*mut ModuleHold>> {
        match self {
            ModuleHold::Lent { next, .. } => Some(next),
            ModuleHold::Owned(_) => None,
        }
    }
}

impl std::ops::Deref for ModuleHold {
    type Target = Module;
    fn deref(&self) -> &Module {
        match self {
            ModuleHold::Owned(m) => m,
            ModuleHold::Lent { module, .. } => module,
        }
    }
}

impl Clone for ModuleHold {
    /// A copy counts the module itself: unlike the original, it is not
    /// listed in the store.
    fn clone(&self) -> ModuleHold {
        ModuleHold::Owned(Module::clone(self))
    }
}

impl Drop for ModuleHold {
    fn drop(&mut self) {
        let ModuleHold::Lent {
            store, ref next, ..
        } = *self
        else {
            return;
        };
        let this: *const ModuleHold = self;
        // SAFETY: a lent hold's store is alive (a store deleted first
        // makes its lent holds owned), and so are the holds on its list.
        unsafe {
            let mut link = &(*store).lent_modules;
            while !link.get().is_null() {
                if std::ptr::eq(link.get(), this) {
                    link.set(next.get());
                    return;
                }
                let Some(n) = (*link.get()).next() else {
                    return;
                };
                link = n;
            }
        }
    }
}

/// Makes the store's lent holds owned, before the store goes.
///
/// # Safety
/// `store` is live and about to be deleted.
pub(crate) unsafe fn own_lent_holds(store: &wasm_store_t) {
    // Taken first: replacing a hold drops the lent one, whose unlisting
    // then finds the list empty.
    let mut hold = store.lent_modules.replace(ptr::null_mut());
    while !hold.is_null() {
        // SAFETY: listed holds are live (a deleted handle unlists its
        // hold).
        unsafe {
            let next = (*hold).next().map_or(ptr::null_mut(), Cell::get);
            *hold = ModuleHold::Owned(Module::clone(&*hold));
            hold = next;
        }
    }
}

/// A module handle that can move to another thread.
pub struct wasm_shared_module_t {
    module: Module,
}

/// The store's engine and the bytes of a C byte vector.
///
/// # Safety
/// `store` must be live and `v` a valid vector (both non-null).
pub(crate) unsafe fn engine_and_bytes<'a>(
    store: *mut wasm_store_t,
    v: *const wasm_byte_vec_t,
) -> (&'a crate::engine::Engine, &'a [u8]) {
    // SAFETY: guaranteed by the caller.
    unsafe { ((*store).store.engine(), bytes_of(v)) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    if store.is_null() || binary.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: live store and valid vector (C API contract).
    let (engine, bytes) = unsafe { engine_and_bytes(store, binary) };
    match Module::new(engine, bytes) {
        Ok(m) => wasm_module_t::from_module(store, m),
        Err(_) => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_validate(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> bool {
    if store.is_null() || binary.is_null() {
        return false;
    }
    // SAFETY: live store and valid vector (C API contract).
    let (engine, bytes) = unsafe { engine_and_bytes(store, binary) };
    Module::validate(engine, bytes).is_ok()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_imports(
    m: *const wasm_module_t,
    out: *mut wasm_importtype_vec_t,
) {
    if m.is_null() || out.is_null() {
        return;
    }
    // SAFETY: a live module (C API contract).
    let items = unsafe { (*m).module() }
        .imports()
        .iter()
        .map(|i| {
            Box::into_raw(Box::new(wasm_importtype_t {
                module: byte_vec(i.module.as_bytes()),
                name: byte_vec(i.name.as_bytes()),
                ty: Box::new(wasm_externtype_t::new(&i.ty)),
            }))
        })
        .collect();
    // SAFETY: `out` is writable (C API contract).
    unsafe { out.write(WasmVec::from_vec(items)) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_exports(
    m: *const wasm_module_t,
    out: *mut wasm_exporttype_vec_t,
) {
    if m.is_null() || out.is_null() {
        return;
    }
    // SAFETY: a live module (C API contract).
    let items = unsafe { (*m).module() }
        .exports()
        .iter()
        .map(|e| {
            Box::into_raw(Box::new(wasm_exporttype_t {
                name: byte_vec(e.name.as_bytes()),
                ty: Box::new(wasm_externtype_t::new(&e.ty)),
            }))
        })
        .collect();
    // SAFETY: `out` is writable (C API contract).
    unsafe { out.write(WasmVec::from_vec(items)) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_serialize(m: *const wasm_module_t, out: *mut wasm_byte_vec_t) {
    if m.is_null() || out.is_null() {
        return;
    }
    // SAFETY: a live module and a writable output (C API contract).
    unsafe { out.write(WasmVec::from_vec((*m).module().serialize())) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    if store.is_null() || bytes.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: live store and valid vector (C API contract).
    let (engine, bytes) = unsafe { engine_and_bytes(store, bytes) };
    match Module::deserialize(engine, bytes) {
        Ok(m) => wasm_module_t::from_module(store, m),
        Err(_) => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_share(m: *const wasm_module_t) -> *mut wasm_shared_module_t {
    if m.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live module (C API contract).
    let module = unsafe { (*m).module() }.clone();
    Box::into_raw(Box::new(wasm_shared_module_t { module }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_obtain(
    store: *mut wasm_store_t,
    shared: *const wasm_shared_module_t,
) -> *mut wasm_module_t {
    if store.is_null() || shared.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: live store and shared module (C API contract).
    let (engine, module) = unsafe { ((*store).store.engine(), &(*shared).module) };
    if !crate::engine::Engine::same(engine, module.engine()) {
        return ptr::null_mut();
    }
    // SAFETY: a live store (checked non-null above; C API contract).
    let held = unsafe { (*store).store.hold_module(module) };
    // SAFETY: as above.
    let head = unsafe { &(*store).lent_modules };
    let handle = wasm_module_t::boxed(
        store,
        RefKind::Module(
            ModuleHold::Lent {
                module: held,
                store,
                next: Cell::new(head.get()),
            },
            new_cell(),
        ),
    );
    // SAFETY: `handle` was just boxed; the hold inside it stays at this
    // address until the handle is deleted, which unlists it.
    if let RefKind::Module(hold, _) = unsafe { &mut (*handle).r.kind } {
        head.set(hold);
    }
    handle
}

#[no_mangle]
pub unsafe extern "C" fn wasm_shared_module_delete(m: *mut wasm_shared_module_t) {
    if !m.is_null() {
        // SAFETY: an owned box made by `wasm_module_share`.
        drop(unsafe { Box::from_raw(m) });
    }
}

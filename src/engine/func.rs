//! Functions: handles to wasm or host functions, and calling them.

use super::instance::{Extern, Instance};
use super::store::{HostFuncRecord, Store, StoreId};
use super::trap::Trap;
use super::types::FuncType;
use super::val::Val;
use crate::interp;
use crate::runtime::VMFuncRef;
use std::ffi::c_void;

/// What a host function gets: the store (to reach memories, call other
/// functions, ...) and the instance of the calling wasm code, if any.
pub struct Caller<'a> {
    pub store: &'a mut Store,
    pub instance: Option<Instance>,
}

impl Caller<'_> {
    /// An export of the calling instance (WASI uses this for "memory").
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        self.instance?.get_export(self.store, name)
    }
}

/// The body of a host function: reads `args`, writes every element of
/// `results` (pre-filled with zero values of the result types), or traps.
pub type HostCallback = dyn Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap>;

/// A host function: its type and its body.
pub struct HostFunc {
    pub(crate) ty: FuncType,
    pub(crate) callback: Box<HostCallback>,
}

/// A function in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Func {
    /// Creates a host function of type `ty`.
    pub fn new(
        store: &mut Store,
        ty: FuncType,
        callback: impl Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> Func {
        let inner = &mut *store.inner;
        let index = inner.funcs.len() as u32;
        let type_id = inner.engine.type_id(&ty);
        let mut record = Box::new(HostFuncRecord {
            vm: VMFuncRef::null(),
            func: HostFunc {
                ty,
                callback: Box::new(callback),
            },
        });
        record.vm.type_id = type_id;
        record.vm.store_index = index;
        record.vm.host = &record.func as *const HostFunc as *const c_void;
        inner.funcs.push(&record.vm as *const VMFuncRef);
        inner.host_funcs.push(record);
        Func {
            store: inner.id,
            index,
        }
    }

    /// The handle of the function whose reference is `ptr`.
    ///
    /// # Safety
    /// `ptr` must be a live, non-null function reference of `store`.
    pub(crate) unsafe fn from_vm(store: &Store, ptr: *const VMFuncRef) -> Func {
        Func {
            store: store.inner.id,
            // SAFETY: guaranteed by the caller.
            index: unsafe { (*ptr).store_index },
        }
    }

    pub(crate) fn vm(&self, store: &Store) -> *const VMFuncRef {
        store.check(self.store);
        store.inner.funcs[self.index as usize]
    }

    pub fn ty(&self, store: &Store) -> FuncType {
        self.ty_ref(store).clone()
    }

    /// The function's type, borrowed from its definition (no allocation).
    pub(crate) fn ty_ref<'s>(&self, store: &'s Store) -> &'s FuncType {
        let vm = self.vm(store);
        // SAFETY: function references in `store.funcs` and what they point
        // to (host records, compiled code of modules kept alive by their
        // instances) live as long as the store.
        unsafe {
            if !(*vm).host.is_null() {
                &(*((*vm).host as *const HostFunc)).ty
            } else {
                &(*((*vm).interp_code as *const interp::CompiledFunc)).ty
            }
        }
    }

    /// Calls the function. `args` must match the parameter types and
    /// `results` must have one slot per result; otherwise a trap describing
    /// the mismatch is returned and nothing runs.
    pub fn call(&self, store: &mut Store, args: &[Val], results: &mut [Val]) -> Result<(), Trap> {
        let ty = self.ty_ref(store);
        if args.len() != ty.params().len() {
            return Err(Trap::new(format!(
                "function expects {} arguments, got {}",
                ty.params().len(),
                args.len()
            )));
        }
        for (i, (a, t)) in args.iter().zip(ty.params()).enumerate() {
            if a.ty() != *t {
                return Err(Trap::new(format!(
                    "argument {i} has type {}, expected {t}",
                    a.ty()
                )));
            }
            let foreign = match a {
                Val::FuncRef(Some(f)) => f.store != store.inner.id,
                Val::ExternRef(Some(e)) => e.store != store.inner.id,
                _ => false,
            };
            if foreign {
                return Err(Trap::new(format!(
                    "argument {i} is a reference from another store"
                )));
            }
        }
        if results.len() != ty.results().len() {
            return Err(Trap::new(format!(
                "function returns {} results, but {} were expected",
                ty.results().len(),
                results.len()
            )));
        }
        let vm = self.vm(store);
        interp::invoke(store, vm, args, results)
    }
}

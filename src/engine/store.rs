//! Stores: the owners of all runtime objects.
//!
//! Every function, memory, table, global, extern object and instance lives
//! in exactly one store until the store is dropped; handles (`Func`,
//! `Memory`, ...) are indices plus the store's id, so they are `Copy` and a
//! handle used with the wrong store is detected instead of misbehaving.

use super::func::HostFunc;
use super::instance::InstanceData;
use super::types::*;
use super::Engine;
use crate::interp::ExecState;
use crate::runtime::{LinearMemory, TableData, VMFuncRef, VMGlobal};
use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};

/// Identifies a store, so handles can be checked against it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoreId(u64);

impl StoreId {
    fn fresh() -> StoreId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        StoreId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// A host function and the reference through which wasm calls it.
pub(crate) struct HostFuncRecord {
    pub vm: VMFuncRef,
    pub func: HostFunc,
}

pub(crate) struct MemoryRecord {
    pub mem: LinearMemory,
    pub ty: MemoryType,
}

pub(crate) struct TableRecord {
    pub data: TableData,
    pub ty: TableType,
}

pub(crate) struct GlobalRecord {
    pub cell: VMGlobal,
    pub ty: GlobalType,
}

/// The store's contents. Boxed inside [`Store`] so its address is stable:
/// instance contexts point back at it.
/// Records are boxed individually because instance contexts point into
/// them: growing a vector must not move them.
#[allow(clippy::vec_box)]
pub struct StoreInner {
    pub(crate) id: StoreId,
    pub(crate) engine: Engine,
    /// Function index -> its reference, owned by an instance or by
    /// `host_funcs`.
    pub(crate) funcs: Vec<*const VMFuncRef>,
    pub(crate) host_funcs: Vec<Box<HostFuncRecord>>,
    pub(crate) instances: Vec<Box<InstanceData>>,
    pub(crate) memories: Vec<Box<MemoryRecord>>,
    pub(crate) tables: Vec<Box<TableRecord>>,
    pub(crate) globals: Vec<Box<GlobalRecord>>,
    pub(crate) externrefs: Vec<Box<dyn Any>>,
    /// The interpreter's value stack and call state.
    pub(crate) exec: ExecState,
}

/// A collection of instances and host objects. Not thread-safe: use one
/// store per thread, sharing `Engine`s and `Module`s between them.
pub struct Store {
    pub(crate) inner: Box<StoreInner>,
}

impl Store {
    pub fn new(engine: &Engine) -> Store {
        let config = engine.config();
        Store {
            inner: Box::new(StoreInner {
                id: StoreId::fresh(),
                engine: engine.clone(),
                funcs: Vec::new(),
                host_funcs: Vec::new(),
                instances: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                externrefs: Vec::new(),
                exec: ExecState::new(config.max_wasm_stack, config.max_call_depth),
            }),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    pub fn id(&self) -> StoreId {
        self.inner.id
    }

    /// Panics with a clear message when a handle of another store is used.
    #[track_caller]
    pub(crate) fn check(&self, id: StoreId) {
        assert!(
            id == self.inner.id,
            "wasmrt: object used with a store it does not belong to"
        );
    }
}

//! The safe Rust API of wasmrt: engines, modules, stores, instances and the
//! objects they hold. The C API (`capi`) is a thin layer over this module.

mod compile;
mod config;
mod error;
mod externref;
mod fast_validate;
mod func;
mod global;
mod instance;
mod memory;
mod memory_init;
mod module;
mod serialize;
mod store;
mod table;
mod tag;
#[cfg(feature = "jit")]
mod tier_up;
mod trap;
mod type_registry;
mod val;

/// The types of the WebAssembly type system (shared with the tiers).
pub mod types {
    pub use crate::module::types::*;
}

pub use crate::runtime::limits::StoreLimits;
pub use crate::runtime::pool::PoolConfig;
pub use crate::runtime::TrapCode;
pub use config::{Config, Features, Strategy};
pub use error::Error;
pub use externref::ExternRef;
pub(crate) use func::call_raw;
pub use func::{Caller, Func, HostFunc, Tier};
pub use global::Global;
pub use instance::{Extern, Instance};
pub use memory::Memory;
pub(crate) use module::HeldModule;
pub use module::Module;
pub use store::{Store, StoreId};
pub use table::Table;
pub use tag::{ExnRef, Tag};
pub use trap::{FrameInfo, Trap};
pub use types::*;
pub use val::{AnyRef, Val};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use type_registry::TypeRegistry;

/// Aligned to 128 bytes so that its fields, read by every store, do not
/// share a cache line with the `Arc`'s counts, which every store on every
/// thread updates.
#[repr(align(128))]
struct EngineInner {
    config: Config,
    types: Mutex<TypeRegistry>,
    /// The registry's declared supertypes, here too so a store (made per
    /// request on many threads) and a subtype check do not take the
    /// registry's lock.
    hierarchy: Arc<crate::runtime::types::TypeHierarchy>,
    /// The epoch that code compiled with epoch interruption compares with
    /// each store's deadline.
    epoch: AtomicU64,
    /// The pooling allocator's memory slots, when configured.
    memory_pool: Option<Arc<crate::runtime::pool::MemoryPool>>,
}

/// Freed guarded memory reservations an engine without a pooling
/// allocator keeps for reuse (8 GiB of address space each; the pages the
/// last memory wrote, reset, stay resident for memories up to 4 MiB).
const FREED_MEMORIES_KEPT: usize = 16;

/// A compilation environment: configuration plus the shared type registry.
/// Cheap to clone; shareable across threads.
#[derive(Clone)]
pub struct Engine(Arc<EngineInner>);

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::from_env())
    }
}

impl Engine {
    pub fn new(config: &Config) -> Engine {
        let types = TypeRegistry::default();
        Engine(Arc::new(EngineInner {
            config: config.clone(),
            hierarchy: types.hierarchy().clone(),
            types: Mutex::new(types),
            epoch: AtomicU64::new(0),
            memory_pool: match &config.pooling {
                Some(pool) => Some(crate::runtime::pool::MemoryPool::new(pool.clone())),
                // Without a configured pool, freed guarded reservations are
                // still reused (no mmap/munmap per instance), unbounded.
                None if config.guard_pages => Some(crate::runtime::pool::MemoryPool::new_cache(
                    FREED_MEMORIES_KEPT,
                )),
                None => None,
            },
        }))
    }

    /// Advances the epoch by one (wasmtime's `increment_epoch`): code
    /// running in any store of this engine whose deadline it reaches
    /// traps with "interrupted" at its next function entry or loop head.
    /// Safe to call from any thread, or from a signal handler.
    pub fn increment_epoch(&self) {
        self.0.epoch.fetch_add(1, Ordering::Relaxed);
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.0.epoch.load(Ordering::Relaxed)
    }

    /// The epoch counter native and interpreted code read.
    pub(crate) fn epoch_counter(&self) -> *const AtomicU64 {
        &self.0.epoch
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// The pooling allocator's memory slots, if the config asked for one.
    pub(crate) fn memory_pool(&self) -> Option<&Arc<crate::runtime::pool::MemoryPool>> {
        self.0.memory_pool.as_ref()
    }

    pub(crate) fn types(&self) -> MutexGuard<'_, TypeRegistry> {
        self.0.types.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The declared supertypes of the engine's types (they live as long
    /// as the engine).
    pub(crate) fn type_hierarchy(&self) -> *const crate::runtime::types::TypeHierarchy {
        Arc::as_ptr(&self.0.hierarchy)
    }

    /// The declared supertypes of the engine's types.
    pub(crate) fn hierarchy(&self) -> &crate::runtime::types::TypeHierarchy {
        &self.0.hierarchy
    }

    /// Whether a value of type `sub` is also of type `sup`, with the
    /// supertypes the engine's types declare.
    pub(crate) fn is_subtype(&self, sub: ValType, sup: ValType) -> bool {
        match (sub, sup) {
            (ValType::Ref(a), ValType::Ref(b)) => match (a.heap, b.heap) {
                (HeapType::Concrete(x), HeapType::Concrete(y)) if x != y => {
                    (!a.nullable || b.nullable) && self.hierarchy().is_subtype(x, y)
                }
                _ => a.is_subtype_of(b),
            },
            _ => sub == sup,
        }
    }

    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

/// Parses WebAssembly text (`.wat`) into a binary module.
pub fn wat2wasm(text: &str) -> Result<Vec<u8>, Error> {
    wat::parse_str(text).map_err(|e| Error::Compile {
        message: e.to_string(),
        offset: 0,
    })
}

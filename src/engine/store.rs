//! Stores: the owners of all runtime objects.
//!
//! Every function, memory, table, global, extern object and instance lives
//! in exactly one store until the store is dropped; handles (`Func`,
//! `Memory`, ...) are indices plus the store's id, so they are `Copy` and a
//! handle used with the wrong store is detected instead of misbehaving.

use super::error::Error;
use super::func::HostFunc;
use super::instance::InstanceData;
use super::module::{HeldModule, Module};
use super::types::*;
use super::val::Val;
use super::Engine;
use crate::interp::ExecState;
use crate::runtime::limits::{Resources, StoreLimits};
use crate::runtime::{LinearMemory, TableData, VMFuncRef, VMGlobal, VMStoreContext};
use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};

/// Identifies a store, so handles can be checked against it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoreId(u64);

impl StoreId {
    /// A new id, never given before. Threads take ids from the shared
    /// counter in blocks, so creating stores on several threads does not
    /// bounce one cache line between their cores.
    fn fresh() -> StoreId {
        const BLOCK: u64 = 1024;
        static NEXT: AtomicU64 = AtomicU64::new(1);
        thread_local! {
            /// The rest of this thread's block: next id, end (exclusive).
            static BLOCK_LEFT: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
        }
        BLOCK_LEFT
            .try_with(|left| {
                let (mut next, mut end) = left.get();
                if next == end {
                    next = NEXT.fetch_add(BLOCK, Ordering::Relaxed);
                    end = next + BLOCK;
                }
                left.set((next + 1, end));
                StoreId(next)
            })
            // A thread being torn down: one id straight from the counter.
            .unwrap_or_else(|_| StoreId(NEXT.fetch_add(1, Ordering::Relaxed)))
    }
}

/// A host function and the reference through which wasm calls it.
pub(crate) struct HostFuncRecord {
    pub vm: VMFuncRef,
    pub func: HostFunc,
    /// The owning store's context (through which the host trampoline finds
    /// the store).
    pub ctx: *mut VMStoreContext,
}

/// A function of the store: its reference and its type (owned by the
/// module of a live instance, or by a host record).
#[derive(Copy, Clone)]
pub(crate) struct FuncEntry {
    pub vm: *const VMFuncRef,
    pub ty: *const FuncType,
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
    /// Where the value lives: in the defining instance's context
    /// (`VMContextBox::defined_global`), or in `host_cell` for a global
    /// the host made. Valid as long as the store.
    pub cell: *mut VMGlobal,
    host_cell: VMGlobal,
    pub ty: GlobalType,
}

impl GlobalRecord {
    /// A global defined by an instance, whose value is in `cell`.
    pub fn in_instance(cell: *mut VMGlobal, ty: GlobalType) -> Box<GlobalRecord> {
        Box::new(GlobalRecord {
            cell,
            host_cell: VMGlobal::default(),
            ty,
        })
    }

    /// A global made by the host, holding `bits`.
    pub fn host(bits: [u64; 2], ty: GlobalType) -> Box<GlobalRecord> {
        let mut record = Box::new(GlobalRecord {
            cell: std::ptr::null_mut(),
            host_cell: VMGlobal { bits },
            ty,
        });
        // The box does not move, so the cell stays where this points.
        record.cell = &mut record.host_cell;
        record
    }

    /// The value's raw bits.
    pub fn bits(&self) -> [u64; 2] {
        // SAFETY: `cell` is valid as long as the store, which owns `self`.
        unsafe { (*self.cell).bits }
    }

    /// Sets the value's raw bits.
    pub fn set_bits(&mut self, bits: [u64; 2]) {
        // SAFETY: as for `bits`; `&mut self` comes from `&mut Store`.
        unsafe { (*self.cell).bits = bits };
    }
}

/// The store's contents. Boxed inside [`Store`] so its address is stable:
/// instance contexts point back at it.
/// Records are boxed individually because instance contexts point into
/// them: growing a vector must not move them.
#[allow(clippy::vec_box)]
pub struct StoreInner {
    pub(crate) id: StoreId,
    /// Function index -> its reference and type, owned by an instance or
    /// by `host_funcs`.
    pub(crate) funcs: Vec<FuncEntry>,
    pub(crate) host_funcs: Vec<Box<HostFuncRecord>>,
    pub(crate) instances: Vec<Box<InstanceData>>,
    pub(crate) memories: Vec<Box<MemoryRecord>>,
    pub(crate) tables: Vec<Box<TableRecord>>,
    pub(crate) globals: Vec<Box<GlobalRecord>>,
    pub(crate) externrefs: Vec<Box<dyn Any>>,
    /// Tag index -> its type and the type's canonical id (see `Tag`).
    pub(crate) tags: Vec<(super::types::TagType, u32)>,
    /// The context both tiers read (owned; a separate allocation that
    /// compiled code and the interpreter reach only through raw pointers,
    /// so host code borrowing the store never overlaps it).
    pub(crate) ctx: *mut VMStoreContext,
    /// The interpreter's value stack and call state (owned, like `ctx`).
    exec: *mut ExecState,
    /// Reused argument/result buffers for host calls.
    pub(crate) host_bufs: Vec<(Vec<Val>, Vec<Val>)>,
    /// The modules the store's instances (and module handles lent by the
    /// C API) use, each once: they hold `HeldModule` views of these. The
    /// first is kept inline (most stores use one module: no allocation).
    /// Dropped after the records above (fields drop in order).
    first_module: Option<Module>,
    more_modules: Vec<Module>,
    /// The type groups of its host functions and tags, held in the
    /// engine's registry (given back when the store goes).
    pub(crate) held_types: super::type_registry::HeldTypes,
    /// Last, so it outlives everything above: pooled memories return to
    /// the engine's pool when dropped.
    pub(crate) engine: Engine,
}

impl StoreInner {
    /// The canonical id of a host function's or tag's type, registered in
    /// the engine if new and held by the store until it goes.
    pub(crate) fn hold_type(&mut self, ty: &super::FuncType) -> u32 {
        let id = self.engine.types().func_type_id(ty);
        self.held_types.push(id);
        id
    }

    /// The store's resource limits and usage.
    pub(crate) fn resources(&mut self) -> &mut Resources {
        // SAFETY: `ctx` is owned by this store; wasm code of the store,
        // the only other user, reaches it through the raw pointer and is
        // suspended (in a host call) or not running while `self` is
        // borrowed mutably.
        unsafe { &mut (*self.ctx).resources }
    }

    /// The store's context, read-only.
    pub(crate) fn context(&self) -> &VMStoreContext {
        // SAFETY: as for `resources`.
        unsafe { &*self.ctx }
    }

    /// The store's context.
    pub(crate) fn context_mut(&mut self) -> &mut VMStoreContext {
        // SAFETY: as for `resources`.
        unsafe { &mut *self.ctx }
    }
}

impl Drop for StoreInner {
    fn drop(&mut self) {
        // SAFETY: both were created by `Box::into_raw` in `Store::new` and
        // are freed only here.
        unsafe {
            drop(Box::from_raw(self.ctx));
            drop(Box::from_raw(self.exec));
        }
        self.held_types.release(&self.engine);
    }
}

/// A collection of instances and host objects. Not thread-safe: use one
/// store per thread, sharing `Engine`s and `Module`s between them.
pub struct Store {
    pub(crate) inner: Box<StoreInner>,
}

impl Store {
    pub fn new(engine: &Engine) -> Store {
        let config = engine.config();
        let exec = Box::into_raw(Box::new(ExecState::new(
            config.max_wasm_stack,
            config.max_call_depth,
        )));
        let mut ctx = Box::new(VMStoreContext::new());
        ctx.interp = exec.cast();
        ctx.epoch = engine.epoch_counter();
        ctx.types = engine.type_hierarchy();
        ctx.max_wasm_stack = config.max_wasm_stack;
        ctx.translate = Some(super::instance::translate_hook);
        #[cfg(feature = "jit")]
        match config.strategy {
            super::Strategy::Auto => {
                ctx.hot_threshold = config.tier_up_threshold;
                ctx.tier_up = Some(super::tier_up::hot);
                ctx.osr = Some(super::tier_up::osr);
                ctx.native_now = Some(super::tier_up::native_now);
            }
            // `jit` compiles the module's code for guarded memories; an
            // instance that could not get them interprets that code, which
            // then tiers each function up at its first call, with bounds
            // checks, in the foreground (see `ModuleInner::counts_hotness`).
            super::Strategy::Jit => {
                ctx.hot_threshold = 1;
                ctx.tier_up = Some(super::tier_up::hot);
                ctx.osr = Some(super::tier_up::osr);
                ctx.native_now = Some(super::tier_up::native_now);
            }
            super::Strategy::Interpreter => {}
        }
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
                tags: Vec::new(),
                ctx: Box::into_raw(ctx),
                exec,
                host_bufs: Vec::new(),
                first_module: None,
                more_modules: Vec::new(),
                held_types: Default::default(),
            }),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// A view of `module` valid as long as this store: the store takes a
    /// count of it the first time only.
    pub(crate) fn hold_module(&mut self, module: &Module) -> HeldModule {
        let inner = &mut *self.inner;
        let first = inner.first_module.get_or_insert_with(|| module.clone());
        let held = if Module::same(first, module) {
            first
        } else {
            let more = &mut inner.more_modules;
            match more.iter().position(|m| Module::same(m, module)) {
                Some(i) => &more[i],
                None => {
                    more.push(module.clone());
                    &more[more.len() - 1]
                }
            }
        };
        // SAFETY: the store keeps its count until it is dropped, after
        // every record holding a view (`StoreInner`'s field order).
        unsafe { HeldModule::new(held) }
    }

    pub fn id(&self) -> StoreId {
        self.inner.id
    }

    /// Sets the fuel left to spend (engines with
    /// [`Config::consume_fuel`](super::Config::consume_fuel)).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.fuel_enabled()?;
        self.inner.context_mut().fuel = fuel;
        Ok(())
    }

    /// The fuel left to spend.
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.fuel_enabled()?;
        Ok(self.inner.context().fuel)
    }

    /// Adds fuel (saturating), returning the new amount left.
    pub fn add_fuel(&mut self, fuel: u64) -> Result<u64, Error> {
        self.fuel_enabled()?;
        let ctx = self.inner.context_mut();
        ctx.fuel = ctx.fuel.saturating_add(fuel);
        Ok(ctx.fuel)
    }

    fn fuel_enabled(&self) -> Result<(), Error> {
        if self.engine().config().consume_fuel {
            Ok(())
        } else {
            Err(Error::Invalid(
                "fuel is not enabled in this engine's config (consume_fuel)".into(),
            ))
        }
    }

    /// Sets the deadline of epoch interruption to `ticks` beyond the
    /// engine's current epoch (wasmtime's `set_epoch_deadline`): code of
    /// this store traps with "interrupted" once
    /// [`Engine::increment_epoch`] has been called that many times.
    pub fn set_epoch_deadline(&mut self, ticks: u64) {
        let now = self.engine().epoch();
        self.inner.context_mut().epoch_deadline = now.saturating_add(ticks);
    }

    /// Sets the store's resource limits (they apply to what it creates
    /// from now on, and to every later growth).
    pub fn set_limits(&mut self, limits: StoreLimits) {
        self.inner.resources().limits = limits;
    }

    /// The store's resource limits.
    pub fn limits(&self) -> StoreLimits {
        self.inner.context().resources.limits
    }

    /// Why the store's limits last refused a `memory.grow` or
    /// `table.grow` of wasm code (which then saw -1), if they ever did:
    /// the limit's description, for explaining a guest's failure.
    pub fn last_refused_growth(&self) -> Option<String> {
        self.inner
            .context()
            .resources
            .refused
            .map(|r| r.to_string())
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

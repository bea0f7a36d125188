//! Instances: linking a module's imports, allocating its memories, tables
//! and globals, initialising segments and running its start function.

use super::error::Error;
use super::func::Func;
use super::global::Global;
use super::memory::Memory;
use super::module::{ExportItem, HeldModule, Module};
use super::store::{FuncEntry, GlobalRecord, MemoryRecord, Store, StoreId, TableRecord};
use super::table::Table;
use super::tag::Tag;
use super::trap::Trap;
use super::types::*;
use crate::interp;
use crate::module::{ConstExpr, ConstOp, DataMode, ElemItems, ElemMode};
use crate::runtime::{
    DataBytes, LinearMemory, TableData, TrapCode, VMContext, VMContextBox, VMFuncRef, VMGlobal,
    VMInstance, VMMemoryDefinition, VMTableDefinition,
};
use std::ffi::c_void;
use std::ptr;

/// Anything that can be imported or exported.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Extern {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Tag(Tag),
}

impl Extern {
    pub fn ty(&self, store: &Store) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Tag(t) => ExternType::Tag(t.ty(store)),
        }
    }

    fn store_id(&self) -> StoreId {
        match self {
            Extern::Func(f) => f.store,
            Extern::Global(g) => g.store,
            Extern::Table(t) => t.store,
            Extern::Memory(m) => m.store,
            Extern::Tag(t) => t.store,
        }
    }

    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
}

/// An instance's runtime record. Boxed in the store: its `vmctx` and
/// arrays never move.
pub struct InstanceData {
    /// This instance's own handle.
    pub(crate) handle: Instance,
    pub(crate) module: HeldModule,
    /// Stand-in memory 0 for modules without memory, so the interpreter
    /// can always cache memory 0's extent.
    _no_memory: Box<VMMemoryDefinition>,
    /// The context, followed by the cells of the globals it defines.
    pub(crate) vmctx: VMContextBox,
    /// What the runtime functions need beyond the context.
    rt: VMInstance,
    memories: Box<[*mut VMMemoryDefinition]>,
    tables: Box<[*mut VMTableDefinition]>,
    globals: Box<[*mut VMGlobal]>,
    funcs: Box<[*const VMFuncRef]>,
    /// References of the functions this instance defines.
    own_funcs: Box<[VMFuncRef]>,
    /// Store-level handles of every item, by index space.
    pub(crate) func_handles: Box<[Func]>,
    pub(crate) memory_handles: Box<[Memory]>,
    pub(crate) table_handles: Box<[Table]>,
    pub(crate) global_handles: Box<[Global]>,
    pub(crate) tag_handles: Box<[Tag]>,
    /// The store's index of each tag (`VMContext::tags` points here).
    _tag_ids: Box<[u32]>,
    pub(crate) exports: Vec<(String, Extern)>,
}

/// An instantiated module.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Instance {
    /// Instantiates `module` with `imports` given in the order of
    /// `module.imports()`.
    pub fn new(store: &mut Store, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
        instantiate(store, module, imports)
    }

    pub(crate) fn data<'s>(&self, store: &'s Store) -> &'s InstanceData {
        store.check(self.store);
        &store.inner.instances[self.index as usize]
    }

    /// Exports in module order.
    pub fn exports<'s>(&self, store: &'s Store) -> &'s [(String, Extern)] {
        &self.data(store).exports
    }

    pub fn get_export(&self, store: &Store, name: &str) -> Option<Extern> {
        self.exports(store)
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| *e)
    }

    pub fn get_func(&self, store: &Store, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    pub fn module(&self, store: &Store) -> Module {
        Module::clone(&self.data(store).module)
    }
}

fn link_error(i: usize, imp: &ImportType, why: String) -> Error {
    Error::Link(format!(
        "import #{i} \"{}\" \"{}\": {why}",
        imp.module, imp.name
    ))
}

/// Checks one import against what the module requires.
/// `want_id` is the canonical type id a function or tag import requires.
fn check_import(
    store: &Store,
    i: usize,
    imp: &ImportType,
    want_id: Option<u32>,
    ext: &Extern,
) -> Result<(), Error> {
    if ext.store_id() != store.id() {
        return Err(link_error(i, imp, "belongs to another store".into()));
    }
    let actual = ext.ty(store);
    let ok = match (&imp.ty, &actual) {
        (ExternType::Func(_), ExternType::Func(_)) => match (ext, want_id) {
            (Extern::Func(f), Some(want)) => store
                .engine()
                .hierarchy()
                .is_subtype(f.type_id(store), want),
            _ => false,
        },
        // An immutable global may have a subtype of the import's type
        // (a `(ref $t)` global for a `funcref` import); a mutable one is
        // read and written, so its type must be the same.
        (ExternType::Global(want), ExternType::Global(have)) => {
            want.mutability == have.mutability
                && match want.mutability {
                    Mutability::Const => store.engine().is_subtype(have.content, want.content),
                    Mutability::Var => have.content == want.content,
                }
        }
        (ExternType::Table(want), ExternType::Table(have)) => {
            want.element == have.element
                && want.table64 == have.table64
                && limits_match(&have.limits, &want.limits)
        }
        (ExternType::Memory(want), ExternType::Memory(have)) => {
            want.memory64 == have.memory64
                && want.shared == have.shared
                && limits_match(&have.limits, &want.limits)
        }
        // Exceptions flow both ways through a tag: its type must be the
        // same, not a subtype.
        (ExternType::Tag(_), ExternType::Tag(_)) => match (ext, want_id) {
            (Extern::Tag(t), Some(want)) => t.type_id(store) == want,
            _ => false,
        },
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(link_error(
            i,
            imp,
            format!(
                "incompatible import type: expected {}, got {}",
                imp.ty, actual
            ),
        ))
    }
}

fn instantiate(store: &mut Store, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
    let m = module.inner();
    if !super::Engine::same(&m.engine, store.engine()) {
        return Err(Error::Link(
            "module was compiled with another engine than the store's".into(),
        ));
    }
    if imports.len() != m.imports.len() {
        return Err(Error::Link(format!(
            "module needs {} imports, {} were provided",
            m.imports.len(),
            imports.len()
        )));
    }
    let (mut imported_funcs, mut imported_tags) = (0, 0);
    for (i, (imp, ext)) in m.imports.iter().zip(imports).enumerate() {
        // Function and tag imports are matched by canonical type id:
        // signatures that read the same may still be different types
        // (3.0 rec groups).
        let want_id = match imp.ty {
            ExternType::Func(_) => {
                imported_funcs += 1;
                Some(m.info.type_ids[m.info.func_types[imported_funcs - 1] as usize])
            }
            ExternType::Tag(_) => {
                imported_tags += 1;
                Some(m.info.type_ids[m.info.tags[imported_tags - 1] as usize])
            }
            _ => None,
        };
        check_import(store, i, imp, want_id, ext)?;
    }

    let store_id = store.id();
    let index = store.inner.instances.len() as u32;
    let mut func_handles = Vec::with_capacity(m.info.func_types.len());
    let mut memory_handles = Vec::with_capacity(m.info.memories.len());
    let mut table_handles = Vec::with_capacity(m.info.tables.len());
    let mut global_handles = Vec::with_capacity(m.info.globals.len());
    let mut tag_handles = Vec::with_capacity(m.info.tags.len());
    for ext in imports {
        match *ext {
            Extern::Func(f) => func_handles.push(f),
            Extern::Memory(x) => memory_handles.push(x),
            Extern::Table(x) => table_handles.push(x),
            Extern::Global(x) => global_handles.push(x),
            Extern::Tag(x) => tag_handles.push(x),
        }
    }

    // The store's limits, checked for everything the instance defines
    // before anything is created.
    let defined_memories = &m.info.memories[m.info.num_imported_memories as usize..];
    let defined_tables = &m.info.tables[m.info.num_imported_tables as usize..];
    let memory_bytes = defined_memories.iter().fold(0u64, |n, t| {
        n.saturating_add(t.limits.min.saturating_mul(crate::runtime::WASM_PAGE_SIZE))
    });
    let table_elements = defined_tables
        .iter()
        .fold(0u64, |n, t| n.saturating_add(t.limits.min));
    store
        .inner
        .resources()
        .check_new(
            1,
            defined_tables.len(),
            table_elements,
            defined_memories.len(),
            memory_bytes,
        )
        .map_err(|e| Error::Limit(e.to_string()))?;

    // Defined memories (memory 0 from the module's image when it has one).
    let ceiling = store.engine().config().max_memory_pages;
    let mut image_mapped = false;
    for (k, ty) in m.info.memories[m.info.num_imported_memories as usize..]
        .iter()
        .enumerate()
    {
        let max = crate::runtime::memory::max_pages(ty.limits.max, ty.memory64, ceiling);
        if ty.limits.min > max {
            return Err(Error::Limit(format!(
                "memory of {} pages exceeds the limit of {max} pages",
                ty.limits.min
            )));
        }
        let guarded = store.engine().config().guard_pages;
        let image = if k == 0 { m.memory_image() } else { None };
        // SAFETY: the memory goes into this store, which drops its
        // memories before its engine, the pool's owner (`StoreInner`).
        let (mem, mapped) = unsafe {
            super::memory_init::create_memory(
                store.engine().memory_pool(),
                ty.limits.min,
                max,
                ty.memory64,
                guarded,
                image,
            )
        }?;
        image_mapped |= mapped;
        let bytes = ty.limits.min.saturating_mul(crate::runtime::WASM_PAGE_SIZE);
        store.inner.resources().add_new(0, 0, 0, 1, bytes);
        let idx = store.inner.memories.len() as u32;
        store
            .inner
            .memories
            .push(Box::new(MemoryRecord { mem, ty: *ty }));
        memory_handles.push(Memory {
            store: store_id,
            index: idx,
        });
    }

    // Register the instance record early: constant expressions and table
    // initialisers may refer to its functions.
    let num_defined_funcs = m.funcs.len();
    let mut own_funcs: Box<[VMFuncRef]> =
        (0..num_defined_funcs).map(|_| VMFuncRef::null()).collect();
    let first_func_index = store.inner.funcs.len() as u32;
    // Native code compiled for guarded memories runs only with every
    // 32-bit memory guarded (64-bit memories are always bounds-checked),
    // and only where the engine uses guard pages at all: such code traps
    // through the fault handler, which an engine without them never
    // installs (this matters for instances without 32-bit memories).
    let memories_guarded = store.engine().config().guard_pages
        && memory_handles.iter().all(|h| {
            let record = &store.inner.memories[h.index as usize];
            record.mem.is_guarded() || record.ty.memory64
        });
    for (i, vm) in own_funcs.iter_mut().enumerate() {
        let func_index = m.info.num_imported_funcs as usize + i;
        vm.type_id = m.info.type_ids[m.info.func_types[func_index] as usize];
        vm.store_index = first_func_index + i as u32;
        set_tier(vm, m, i, memories_guarded);
    }
    for i in 0..num_defined_funcs {
        let func_index = m.info.num_imported_funcs + i as u32;
        store.inner.funcs.push(FuncEntry {
            // Mutable: tier-up switches a reference to native code in place.
            vm: own_funcs.as_mut_ptr().wrapping_add(i),
            ty: m.info.func_type(func_index),
        });
        func_handles.push(Func {
            store: store_id,
            index: first_func_index + i as u32,
        });
    }
    let funcs: Box<[*const VMFuncRef]> = func_handles
        .iter()
        .map(|f| store.inner.funcs[f.index as usize].vm)
        .collect();
    let mut no_memory = Box::new(VMMemoryDefinition {
        base: ptr::NonNull::dangling().as_ptr(),
        current_length: 0,
    });
    let mut memories: Vec<*mut VMMemoryDefinition> = memory_handles
        .iter()
        .map(|h| &mut store.inner.memories[h.index as usize].mem.def as *mut _)
        .collect();
    if memories.is_empty() {
        memories.push(&mut *no_memory);
    }
    let memories = memories.into_boxed_slice();
    // Defined tags: new, distinct tags of the store.
    for i in m.info.num_imported_tags..m.info.tags.len() as u32 {
        let type_id = m.info.type_ids[m.info.tags[i as usize] as usize];
        tag_handles.push(Tag::with_type_id(store, m.info.tag_type(i), type_id));
    }
    let tag_ids: Box<[u32]> = tag_handles.iter().map(|t| t.index).collect();
    let held_module = store.hold_module(module);
    let mut data = Box::new(InstanceData {
        handle: Instance {
            store: store_id,
            index,
        },
        module: held_module,
        _no_memory: no_memory,
        vmctx: VMContextBox::new(
            VMContext::new(
                m.info.type_ids.as_ptr(),
                store.inner.ctx,
                m.funcs.as_ptr() as *const c_void,
                tag_ids.as_ptr(),
                memories_guarded,
            ),
            m.info.globals.len() - m.info.num_imported_globals as usize,
        ),
        rt: VMInstance {
            memories: memory_handles
                .iter()
                .map(|h| &mut store.inner.memories[h.index as usize].mem as *mut LinearMemory)
                .collect(),
            datas: m
                .info
                .datas
                .iter()
                .map(|d| DataBytes::new(&m.bytes[d.range.clone()]))
                .collect(),
            ..VMInstance::new()
        },
        memories,
        tables: Box::new([]),
        globals: Box::new([]),
        funcs,
        own_funcs,
        func_handles: func_handles.into_boxed_slice(),
        memory_handles: memory_handles.into_boxed_slice(),
        table_handles: Box::new([]),
        global_handles: Box::new([]),
        tag_handles: tag_handles.into_boxed_slice(),
        _tag_ids: tag_ids,
        exports: Vec::new(),
    });
    let vmctx_ptr: *mut VMContext = &mut *data.vmctx;
    for vm in data.own_funcs.iter_mut() {
        vm.vmctx = vmctx_ptr;
    }
    data.rt.owner = &*data as *const InstanceData as *const c_void;
    data.vmctx.instance = &mut data.rt;
    data.vmctx.memories = data.memories.as_ptr();
    // SAFETY: `memories` is never empty (a stand-in when the module has no
    // memory) and its definitions live as long as the store.
    data.vmctx.memory0_base = unsafe { (*data.memories[0]).base };
    data.vmctx.funcs = data.funcs.as_ptr();
    store.inner.instances.push(data);
    store.inner.resources().add_new(1, 0, 0, 0, 0);
    let instance = Instance {
        store: store_id,
        index,
    };

    // Defined globals, in order (an initialiser may read earlier globals).
    for (i, ty) in m.info.globals[m.info.num_imported_globals as usize..]
        .iter()
        .enumerate()
    {
        let value = eval_const(store, index, &global_handles, &m.info.global_inits[i]);
        let idx = store.inner.globals.len() as u32;
        let cell = store.inner.instances[index as usize]
            .vmctx
            .defined_global(i);
        // SAFETY: the cell is in the instance's context, which the store
        // owns; nothing else refers to it yet.
        unsafe { (*cell).bits = value };
        store
            .inner
            .globals
            .push(GlobalRecord::in_instance(cell, *ty));
        global_handles.push(Global {
            store: store_id,
            index: idx,
        });
    }

    // Defined tables.
    for (i, ty) in m.info.tables[m.info.num_imported_tables as usize..]
        .iter()
        .enumerate()
    {
        let init = match &m.info.table_inits[i] {
            Some(e) => eval_const(store, index, &global_handles, e)[0],
            None => 0,
        };
        let data = TableData::new(ty.limits.min, ty.limits.max, init).map_err(Error::Limit)?;
        store.inner.resources().add_new(0, 1, ty.limits.min, 0, 0);
        let idx = store.inner.tables.len() as u32;
        store
            .inner
            .tables
            .push(Box::new(TableRecord { data, ty: *ty }));
        table_handles.push(Table {
            store: store_id,
            index: idx,
        });
    }

    // Element segments, evaluated once.
    let mut elems = Vec::with_capacity(m.info.elems.len());
    for seg in &m.info.elems {
        let items: Box<[u64]> = match &seg.items {
            ElemItems::Funcs(funcs) => funcs
                .iter()
                .map(|&f| func_ref_bits(store, index, f))
                .collect(),
            ElemItems::Exprs(exprs) => exprs
                .iter()
                .map(|e| eval_const(store, index, &global_handles, e)[0])
                .collect(),
        };
        elems.push(items);
    }

    {
        let inner = &mut *store.inner;
        let tables: Box<[*mut VMTableDefinition]> = table_handles
            .iter()
            .map(|h| &mut inner.tables[h.index as usize].data.def as *mut _)
            .collect();
        let globals: Box<[*mut VMGlobal]> = global_handles
            .iter()
            .map(|h| inner.globals[h.index as usize].cell)
            .collect();
        let table_objs: Box<[*mut TableData]> = table_handles
            .iter()
            .map(|h| &mut inner.tables[h.index as usize].data as *mut TableData)
            .collect();
        let data = &mut inner.instances[index as usize];
        data.rt.tables = table_objs;
        data.tables = tables;
        data.globals = globals;
        data.vmctx.tables = data.tables.as_ptr();
        data.vmctx.globals = data.globals.as_ptr();
        data.table_handles = table_handles.into_boxed_slice();
        data.global_handles = global_handles.into_boxed_slice();
        data.rt.elems = elems;
        let exports = m
            .exports
            .iter()
            .zip(&m.export_items)
            .map(|(e, item)| {
                let ext = match *item {
                    ExportItem::Func(i) => Extern::Func(data.func_handles[i as usize]),
                    ExportItem::Table(i) => Extern::Table(data.table_handles[i as usize]),
                    ExportItem::Memory(i) => Extern::Memory(data.memory_handles[i as usize]),
                    ExportItem::Global(i) => Extern::Global(data.global_handles[i as usize]),
                    ExportItem::Tag(i) => Extern::Tag(data.tag_handles[i as usize]),
                };
                (e.name.clone(), ext)
            })
            .collect();
        data.exports = exports;
    }

    // Active element segments, then active data segments, in order; the
    // first out-of-bounds one traps (earlier writes stay, as the spec says).
    for (i, seg) in m.info.elems.iter().enumerate() {
        match &seg.mode {
            ElemMode::Active { table, offset } => {
                let globals = store.inner.instances[index as usize].global_handles.clone();
                // An i32 offset is zero-extended, an i64 one (table64) is
                // used as is.
                let offset = eval_const(store, index, &globals, offset)[0];
                let table = store.inner.instances[index as usize].table_handles[*table as usize];
                let inner = &mut *store.inner;
                let items = std::mem::take(&mut inner.instances[index as usize].rt.elems[i]);
                let dst = inner.tables[table.index as usize].data.elements_mut();
                let start = usize::try_from(offset).unwrap_or(usize::MAX);
                let end = start.saturating_add(items.len());
                match dst.get_mut(start..end) {
                    Some(d) => d.copy_from_slice(&items),
                    None => {
                        return Err(Error::Trap(Trap::from_code(
                            TrapCode::TableOutOfBounds,
                            Vec::new(),
                        )))
                    }
                }
            }
            ElemMode::Declared => {
                store.inner.instances[index as usize].rt.elems[i] = Box::new([]);
            }
            ElemMode::Passive => {}
        }
    }
    for (i, seg) in m.info.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            if image_mapped && *memory == 0 {
                // Already in memory 0 from the module's image.
                store.inner.instances[index as usize].rt.datas[i] = DataBytes::EMPTY;
                continue;
            }
            let globals = store.inner.instances[index as usize].global_handles.clone();
            // Zero-extended i32, or i64 for 64-bit memories.
            let offset = eval_const(store, index, &globals, offset)[0];
            let offset = usize::try_from(offset).unwrap_or(usize::MAX);
            let mem = store.inner.instances[index as usize].memory_handles[*memory as usize];
            let inner = &mut *store.inner;
            let bytes = &m.bytes[seg.range.clone()];
            let dst = inner.memories[mem.index as usize].mem.data_mut();
            match dst.get_mut(offset..offset.wrapping_add(bytes.len())) {
                Some(d) if offset.checked_add(bytes.len()).is_some() => d.copy_from_slice(bytes),
                _ => {
                    return Err(Error::Trap(Trap::from_code(
                        TrapCode::MemoryOutOfBounds,
                        Vec::new(),
                    )))
                }
            }
            inner.instances[index as usize].rt.datas[i] = DataBytes::EMPTY;
        }
    }

    if let Some(start) = m.info.start {
        let f = store.inner.instances[index as usize].func_handles[start as usize];
        f.call(store, &[], &mut [])?;
    }
    Ok(instance)
}

/// The store context's `translate` hook (`interp::LazyFunc`): translates
/// function `func_index` of the instance whose context is `vmctx`; false
/// with a trap raised if it cannot be.
///
/// # Safety
/// `vmctx` is the live context of an instance of this engine, and
/// `func_index` one of its module's defined functions.
pub(crate) unsafe fn translate_hook(vmctx: *mut VMContext, func_index: u32) -> bool {
    // SAFETY: guaranteed by the caller; an instance's context names its
    // engine record as owner.
    unsafe {
        let inst = &*((*(*vmctx).instance).owner as *const InstanceData);
        let m = inst.module.inner();
        let defined = (func_index - m.info.num_imported_funcs) as usize;
        match m.translate(defined) {
            Ok(()) => true,
            Err(e) => {
                let trap = Trap::new(format!("cannot run function {func_index}: {e}"));
                (*(*vmctx).store).raise_host(Box::new(trap));
                false
            }
        }
    }
}

/// Points `vm`, the reference of defined function `i` of `m`, at the tier
/// that runs it: native code when the JIT compiled it (and, for code that
/// relies on guarded memories, this instance's are), the interpreter
/// otherwise.
fn set_tier(vm: &mut VMFuncRef, m: &super::module::ModuleInner, i: usize, memories_guarded: bool) {
    #[cfg(feature = "jit")]
    if let Some(native) = m
        .jit
        .as_ref()
        .filter(|j| crate::runtime::vmcontext::guarded_code_may_run(j.guarded(), memories_guarded))
        .and_then(|j| j.func(i))
    {
        vm.array_call = crate::jit::array_call;
        vm.wasm_call = native.wasm_call.cast();
        vm.array_trampoline = native.array_trampoline.cast();
        return;
    }
    #[cfg(not(feature = "jit"))]
    let _ = memories_guarded; // (only native code depends on it)
    vm.array_call = interp::array_call;
    vm.interp_code = m.funcs[i].as_ptr() as *const c_void;
}

/// The bits of a reference to function `func` of instance `instance`.
fn func_ref_bits(store: &Store, instance: u32, func: u32) -> u64 {
    let inner = &store.inner;
    let h = inner.instances[instance as usize].func_handles[func as usize];
    inner.funcs[h.index as usize].vm as u64
}

/// Evaluates a constant expression in the context of instance `instance`
/// (for `ref.func`) with `globals` the global handles defined so far.
fn eval_const(store: &Store, instance: u32, globals: &[Global], expr: &ConstExpr) -> [u64; 2] {
    let inner = &store.inner;
    // The value of an operation that reads no operand.
    let leaf = |op: &ConstOp| -> Option<[u64; 2]> {
        Some(match *op {
            ConstOp::I32(x) => [x as u32 as u64, 0],
            ConstOp::I64(x) => [x as u64, 0],
            ConstOp::F32(x) => [x as u64, 0],
            ConstOp::F64(x) => [x, 0],
            ConstOp::V128(x) => [x as u64, (x >> 64) as u64],
            ConstOp::RefNull => [0, 0],
            ConstOp::RefFunc(f) => [func_ref_bits(store, instance, f), 0],
            ConstOp::GlobalGet(g) => inner.globals[globals[g as usize].index as usize].bits(),
            _ => return None,
        })
    };
    // Nearly every expression is one operation: no stack for those.
    if let [op] = &*expr.0 {
        if let Some(v) = leaf(op) {
            return v;
        }
    }
    let mut stack: Vec<[u64; 2]> = Vec::with_capacity(4);
    for op in expr.0.iter() {
        if let Some(v) = leaf(op) {
            stack.push(v);
            continue;
        }
        // A binary operation (validation saw to the operands).
        let b = stack.pop().unwrap_or_default()[0];
        let a = stack.pop().unwrap_or_default()[0];
        let (a32, b32) = (a as u32, b as u32);
        let r = match *op {
            ConstOp::I32Add => u64::from(a32.wrapping_add(b32)),
            ConstOp::I32Sub => u64::from(a32.wrapping_sub(b32)),
            ConstOp::I32Mul => u64::from(a32.wrapping_mul(b32)),
            ConstOp::I64Add => a.wrapping_add(b),
            ConstOp::I64Sub => a.wrapping_sub(b),
            ConstOp::I64Mul => a.wrapping_mul(b),
            // The leaves, handled above.
            _ => 0,
        };
        stack.push([r, 0]);
    }
    stack.pop().unwrap_or_default()
}

//! Translation of one validated wasm function body into Cranelift IR.
//!
//! The operand stack is kept at translation time as a stack of SSA values;
//! locals are frontend variables; each wasm block, loop and if becomes
//! Cranelift blocks whose parameters carry the block's results (or, for a
//! loop header, its parameters). The base and length of each memory the
//! body uses live in variables too, reloaded after anything that may grow
//! or move a memory (calls, `memory.grow`).
//!
//! Code compiled for guarded memories (`FuncTranslator::guarded`) accesses
//! a 32-bit memory without a bounds check: an access beyond it faults in
//! the memory's reservation, and the fault handler (`jit::signals`) turns
//! the fault into the trap recorded for that instruction; the stack limit
//! is checked in the prologue, by Cranelift. Otherwise every access is
//! compared with the memory's length and the stack limit is checked at
//! the top of the body. Every other conditional trap is, in guarded code,
//! Cranelift's `trapnz` (an illegal instruction recorded with its trap,
//! which the handler turns into the trap too); otherwise, and for
//! `unreachable` everywhere, it is a call to
//! [`entry::raise`](super::entry::raise) (in a cold block for a
//! conditional trap), with the trap code and the wasm offset of the
//! trapping operator (see `traps`).
//!
//! This file holds the translator's state and its entry point
//! ([`translate_function`]); the operators are translated in child
//! modules: `operators` (the dispatch over every operator), `control`,
//! `calls`, `exceptions`, `memory`, `vmctx` (functions, tables and globals
//! of the instance), `numeric`, `traps` and `simd` (the v128 operators).

use super::abi::{self, PTR};
use super::budget;
use super::entry;
use crate::module::metering::{checks_epoch_after, FuelPlan, Metering};
use crate::module::types::{FuncType, ValType};
use crate::module::{CompileError, ModuleInfo};
use crate::runtime::TrapCode;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{
    self, types, AbiParam, Block, BlockArg, Function, GlobalValueData, InstBuilder, MemFlagsData,
    SigRef, Signature, StackSlotData, StackSlotKind, Type, UserFuncName, Value,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use std::collections::{HashMap, HashSet};
use wasmparser::{BlockType, FunctionBody, MemArg, Operator};

mod calls;
mod control;
mod exceptions;
mod memory;
mod numeric;
mod operators;
mod simd;
mod traps;
pub use traps::wasm_trap;
mod vmctx;

/// Why a function stays in the interpreter: something this tier does not
/// compile (yet), or a real error.
pub enum Untranslatable {
    /// A feature this tier does not compile; the interpreter runs the
    /// function instead.
    Unsupported(String),
    /// The body could not be read (cannot happen for validated code).
    Error(CompileError),
}

type Result<T> = std::result::Result<T, Untranslatable>;

fn unsupported<T>(what: impl Into<String>) -> Result<T> {
    Err(Untranslatable::Unsupported(what.into()))
}

fn read_error(e: wasmparser::BinaryReaderError) -> Untranslatable {
    Untranslatable::Error(CompileError::from_wasmparser(e))
}

/// A control frame of the wasm body being translated.
struct Control {
    kind: ControlKind,
    /// Where control continues after the construct; its parameters are the
    /// construct's results.
    next: Block,
    /// Whether anything branches or falls through to `next`.
    next_reached: bool,
    params: Vec<Type>,
    results: Vec<Type>,
    /// Operand stack height below the construct's parameters.
    height: usize,
    /// Whether the construct was entered in reachable code.
    live: bool,
}

enum ControlKind {
    Block,
    Loop {
        header: Block,
    },
    If {
        else_block: Block,
        has_else: bool,
        /// The `brif` entering the construct: without an `else`, its false
        /// arm is pointed straight at `next` (an empty else block would only
        /// jump there, and every such block is one more edge for the
        /// register allocator).
        branch: ir::Inst,
    },
    /// A `try_table`: its catch clauses, in order.
    TryTable {
        handlers: Vec<Handler>,
    },
    Function,
}

/// One catch clause of a `try_table`.
#[derive(Clone, Copy)]
struct Handler {
    /// The module tag it catches; `None` for `catch_all(_ref)`.
    tag: Option<u32>,
    /// Whether the exception reference is passed too (`catch_ref`,
    /// `catch_all_ref`).
    with_ref: bool,
    /// The control frame (index in `control`) it branches to.
    target: usize,
}

impl Control {
    /// The block a branch to this construct goes to, and the types it
    /// carries.
    fn branch_target(&self) -> (Block, &[Type]) {
        match self.kind {
            ControlKind::Loop { header } => (header, &self.params),
            _ => (self.next, &self.results),
        }
    }
}

/// The memories whose base or length a body reads (loads, stores, and
/// `memory.size`), in index order: only those are loaded, at entry and
/// after calls.
fn memories_used(body: &FunctionBody<'_>) -> Result<Vec<u32>> {
    let mut used = std::collections::BTreeSet::new();
    let mut ops = body.get_operators_reader().map_err(read_error)?;
    while !ops.eof() {
        let op = ops.read().map_err(read_error)?;
        match &op {
            Operator::MemorySize { mem } => {
                used.insert(*mem);
            }
            _ => {
                if let Some(MemArg {
                    target: wasmparser::MemArgTarget::Memory(m),
                    ..
                }) = op_memarg(&op)
                {
                    used.insert(m);
                }
            }
        }
    }
    Ok(used.into_iter().collect())
}

/// The memory immediate of a load or store (scalar or vector).
fn op_memarg(op: &Operator<'_>) -> Option<MemArg> {
    use Operator as O;
    match *op {
        O::I32Load { memarg }
        | O::I64Load { memarg }
        | O::F32Load { memarg }
        | O::F64Load { memarg }
        | O::I32Load8S { memarg }
        | O::I32Load8U { memarg }
        | O::I32Load16S { memarg }
        | O::I32Load16U { memarg }
        | O::I64Load8S { memarg }
        | O::I64Load8U { memarg }
        | O::I64Load16S { memarg }
        | O::I64Load16U { memarg }
        | O::I64Load32S { memarg }
        | O::I64Load32U { memarg }
        | O::I32Store { memarg }
        | O::I64Store { memarg }
        | O::F32Store { memarg }
        | O::F64Store { memarg }
        | O::I32Store8 { memarg }
        | O::I32Store16 { memarg }
        | O::I64Store8 { memarg }
        | O::I64Store16 { memarg }
        | O::I64Store32 { memarg }
        | O::V128Load { memarg }
        | O::V128Load8x8S { memarg }
        | O::V128Load8x8U { memarg }
        | O::V128Load16x4S { memarg }
        | O::V128Load16x4U { memarg }
        | O::V128Load32x2S { memarg }
        | O::V128Load32x2U { memarg }
        | O::V128Load8Splat { memarg }
        | O::V128Load16Splat { memarg }
        | O::V128Load32Splat { memarg }
        | O::V128Load64Splat { memarg }
        | O::V128Load32Zero { memarg }
        | O::V128Load64Zero { memarg }
        | O::V128Store { memarg } => Some(memarg),
        O::V128Load8Lane { memarg, .. }
        | O::V128Load16Lane { memarg, .. }
        | O::V128Load32Lane { memarg, .. }
        | O::V128Load64Lane { memarg, .. }
        | O::V128Store8Lane { memarg, .. }
        | O::V128Store16Lane { memarg, .. }
        | O::V128Store32Lane { memarg, .. }
        | O::V128Store64Lane { memarg, .. } => Some(memarg),
        _ => None,
    }
}

/// Stores `v` into a 64-bit raw value slot at `addr + offset`, in the raw
/// encoding (32-bit values zero-extended; a v128 fills two slots, low half
/// first).
pub fn store_raw(b: &mut FunctionBuilder<'_>, v: Value, addr: Value, offset: i32) {
    let v = match b.func.dfg.value_type(v) {
        types::I32 => b.ins().uextend(types::I64, v),
        types::F32 => {
            let bits = b.ins().bitcast(types::I32, MemFlagsData::new(), v);
            b.ins().uextend(types::I64, bits)
        }
        _ => v,
    };
    let flags = raw_flags(b.func.dfg.value_type(v));
    b.ins().store(flags, v, addr, offset);
}

/// Flags of an access to a raw value slot of type `ty`: slots are 8-byte
/// aligned, so a v128 is not known to be aligned.
pub fn raw_flags(ty: Type) -> MemFlagsData {
    if ty.is_vector() {
        MemFlagsData::new().with_notrap()
    } else {
        MemFlagsData::trusted()
    }
}

fn block_args(values: &[Value]) -> Vec<BlockArg> {
    values.iter().map(|v| BlockArg::Value(*v)).collect()
}

/// Flags of loads from the instance context and the arrays it points to:
/// fixed at instantiation, so they may be hoisted and shared.
fn readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

/// The store's stack limit as a global value of `func` (through the
/// callee's context parameter), for Cranelift's prologue check; `None` if
/// the function's table of memory flags is full.
fn stack_limit_global(func: &mut Function) -> Option<ir::GlobalValue> {
    let store_flags = func.dfg.mem_flags.insert(readonly()).ok()?;
    let limit_flags = func.dfg.mem_flags.insert(MemFlagsData::trusted()).ok()?;
    let vmctx = func.create_global_value(GlobalValueData::VMContext);
    let store = func.create_global_value(GlobalValueData::Load {
        base: vmctx,
        offset: abi::VMCTX_STORE.into(),
        global_type: PTR,
        flags: store_flags,
    });
    Some(func.create_global_value(GlobalValueData::Load {
        base: store,
        offset: abi::STORE_STACK_LIMIT.into(),
        global_type: PTR,
        flags: limit_flags,
    }))
}

/// Flags of loads and stores whose address was checked.
fn checked() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// The namespace of external names that refer to runtime functions
/// (`UserExternalName::new(LIBCALL_NAMESPACE, entry::libcall_id(..))`);
/// namespace 0 is the module's own functions.
pub const LIBCALL_NAMESPACE: u32 = 2;

/// The namespace of the external names that stand for the native code a
/// function of the module already has outside the batch
/// (`UserExternalName::new(PUBLISHED_NAMESPACE, function_index)`), an
/// absolute address patched in before the code is placed.
pub const PUBLISHED_NAMESPACE: u32 = 3;

/// Which functions a batch compiles together (calls between them are
/// direct machine calls; the callee's context is then the caller's).
#[derive(Copy, Clone)]
pub enum Batch<'a> {
    /// Every function of the module (the `jit` strategy).
    Module,
    /// These functions, by index (tier-up: a hot function and callees
    /// that have run). A function's calls to itself are direct in any
    /// batch.
    Only(&'a [u32]),
}

/// How a batch of functions is compiled.
#[derive(Copy, Clone)]
pub struct Options<'a> {
    pub batch: Batch<'a>,
    /// Functions that must be called through their reference anyway (not
    /// compiled in this batch).
    pub excluded: &'a HashSet<u32>,
    /// Functions outside the batch that already have native code compiled
    /// alike (same memories, same metering), by index: the address of
    /// their wasm-call entry. Calls to them are calls to that address
    /// instead of through their reference (the code never moves and lives
    /// as long as the module, like the batch's own).
    pub published: &'a HashMap<u32, usize>,
    /// Whether every 32-bit memory will sit in a guarded reservation (no
    /// explicit bounds checks; see `LinearMemory::new_guarded`).
    pub guarded: bool,
    /// The fuel and epoch checks to compile in (`module::metering`).
    pub metering: Metering,
}

/// A memory's definition and the variables holding its base and length.
#[derive(Copy, Clone)]
struct MemoryVars {
    def: Value,
    base: Variable,
    /// The length (not kept for `fixed` memories: only `memory.size`
    /// needs it there, and reads it from the definition).
    len: Variable,
    memory64: bool,
    /// A 32-bit memory in guarded code: it never moves, so its base is
    /// loaded once at entry and its accesses are not checked.
    fixed: bool,
}

pub struct FuncTranslator<'a, 'b> {
    b: FunctionBuilder<'b>,
    /// Whether every 32-bit memory sits in a guarded reservation: their
    /// accesses are then not checked, and one beyond a memory faults in
    /// its guard region.
    guarded: bool,
    /// Flags of linear-memory accesses: checked ones cannot trap; guarded
    /// ones are trap sites (the signal handler turns their fault into
    /// "out of bounds memory access").
    heap: MemFlagsData,
    /// Flags of global cells' value accesses.
    globals: MemFlagsData,
    info: &'a ModuleInfo,
    calls: Options<'a>,
    func_index: u32,
    /// Module offset of the body (operator offsets are made relative).
    body_start: u64,
    /// Offset of the operator being translated, from the body start.
    offset: u32,
    vmctx: Value,
    locals: Vec<(Variable, Type)>,
    stack: Vec<Value>,
    control: Vec<Control>,
    reachable: bool,
    /// The definition, base and length of each memory the body reads
    /// (see [`memories_used`]), by memory index (ordered, so the code is
    /// the same from one compilation to the next).
    memories: std::collections::BTreeMap<u32, MemoryVars>,
    wasm_sigs: HashMap<u32, SigRef>,
    array_sig: Option<SigRef>,
    /// The signature of each runtime function the body calls, by address.
    libcall_sigs: HashMap<usize, SigRef>,
    /// The one stack buffer every `array_call`, `throw` and caught
    /// payload of the body passes its values through (each fills it,
    /// calls, and reads it back before the next use), sized for the
    /// largest: one slot per call would give a body of many calls a frame
    /// of that many buffers.
    scratch: Option<ir::StackSlot>,
    /// Where to charge fuel, when the engine consumes fuel.
    fuel: Option<FuelPlan>,
    /// For an on-stack-replacement entry (see [`translate_function`]): the
    /// ordinal of the loop it enters, and the block its header becomes.
    osr: Option<(u32, Block)>,
    /// Whether the OSR loop was reached (in reachable code).
    osr_entered: bool,
    /// `loop` operators seen so far, reachable or not.
    loops_seen: u32,
}

/// The alias regions of `func`'s accesses to linear memories and to
/// global cells: memory that nothing else of the function reads or
/// writes, so Cranelift may keep a value loaded from one region across
/// stores to the other (a store without a region is a barrier to all).
/// One region for all memories and one for all globals: a module may
/// import one global (or memory) under two indices.
fn alias_regions(func: &mut Function) -> (ir::AliasRegion, ir::AliasRegion) {
    let regions = &mut func.dfg.alias_regions;
    let heap = regions.insert(ir::AliasRegionData {
        user_id: 0,
        description: "linear memory".into(),
    });
    let globals = regions.insert(ir::AliasRegionData {
        user_id: 1,
        description: "global cells".into(),
    });
    (heap, globals)
}

/// The type of function `func_index`'s on-stack-replacement entries (see
/// [`translate_function`]): an interpreter frame's address in, the
/// function's results out.
pub fn osr_type(info: &ModuleInfo, func_index: u32) -> FuncType {
    let results = info.func_type(func_index).results().to_vec();
    FuncType::new([ValType::I64], results)
}

/// Translates function `func_index` of `info` into `func`.
///
/// With `osr: Some(ordinal)`, translates instead an on-stack-replacement
/// entry: code that an interpreted invocation, standing at the head of
/// the function's loop number `ordinal` (counting every `loop` operator in
/// order), calls to finish the invocation natively. It has type
/// [`osr_type`]: it reads the locals from the interpreter's frame at the
/// given address (in the raw values encoding, one after another from slot
/// 0), jumps to the loop's header and runs the function to its end. Only
/// for loops entered with an empty operand stack and no parameters. The
/// interpreter has made the function's entry checks and charged its fuel
/// up to the loop head: the entry charges from the loop's segment on.
#[allow(clippy::too_many_arguments)]
pub fn translate_function(
    info: &ModuleInfo,
    func_index: u32,
    body: &FunctionBody<'_>,
    func: &mut Function,
    fctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
    calls: Options<'_>,
    osr: Option<u32>,
) -> Result<()> {
    let guarded = calls.guarded;
    let ty = info.func_type(func_index).clone();
    func.signature = match osr {
        Some(_) => abi::wasm_signature(&osr_type(info, func_index)),
        None => abi::wasm_signature(&ty),
    };
    func.name = UserFuncName::user(0, func_index);
    let (heap_region, globals_region) = alias_regions(func);
    let b = FunctionBuilder::new(func, fctx);
    let mut t = FuncTranslator {
        b,
        guarded,
        heap: if guarded {
            MemFlagsData::new().with_trap_code(Some(ir::TrapCode::HEAP_OUT_OF_BOUNDS))
        } else {
            checked()
        }
        .with_alias_region(Some(heap_region)),
        globals: MemFlagsData::trusted().with_alias_region(Some(globals_region)),
        info,
        calls,
        func_index,
        body_start: body.range().start,
        offset: 0,
        vmctx: Value::from_u32(0),
        locals: Vec::new(),
        stack: Vec::new(),
        control: Vec::new(),
        reachable: true,
        memories: Default::default(),
        wasm_sigs: HashMap::new(),
        array_sig: None,
        libcall_sigs: HashMap::new(),
        scratch: None,
        fuel: None,
        osr: None,
        osr_entered: false,
        loops_seen: 0,
    };
    let r = t.translate_body(&ty, body, osr);
    let FuncTranslator { b, loops_seen, .. } = t;
    r?;
    b.finalize(frontend);
    if loops_seen > 0 {
        super::loop_exits::put_loop_exits_second(func);
    }
    Ok(())
}

impl FuncTranslator<'_, '_> {
    fn translate_body(
        &mut self,
        ty: &FuncType,
        body: &FunctionBody<'_>,
        osr: Option<u32>,
    ) -> Result<()> {
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        self.b.seal_block(entry);
        let params: Vec<Value> = self.b.block_params(entry).to_vec();
        self.vmctx = params[0];
        let mut local_types = ty.params().to_vec();
        let mut locals = body.get_locals_reader().map_err(read_error)?;
        for _ in 0..locals.get_count() {
            let (count, vt) = locals.read().map_err(read_error)?;
            let Some(vt) = ValType::from_wasmparser(vt, &self.info.heap_types) else {
                return unsupported("GC references");
            };
            local_types.extend(std::iter::repeat_n(vt, count as usize));
        }
        // An OSR entry reads every local from the interpreter's frame; a
        // function entry gets its parameters and zeroes the other locals.
        let frame_offsets = osr.map(|_| abi::slot_offsets(&local_types).0);
        for (i, t) in local_types.iter().enumerate() {
            let cl = abi::value_type(*t);
            let v = self.b.declare_var(cl);
            let value = match &frame_offsets {
                Some(offsets) => self.b.ins().load(cl, raw_flags(cl), params[2], offsets[i]),
                None if i < ty.params().len() => params[2 + i],
                None => self.zero(cl),
            };
            self.b.def_var(v, value);
            self.locals.push((v, cl));
        }
        self.stack_check();
        if self.calls.metering.fuel {
            self.fuel = Some(FuelPlan::new(body).map_err(read_error)?);
        }
        // (An OSR entry's invocation was charged for its entry already.)
        if self.calls.metering.epoch && osr.is_none() {
            self.epoch_check();
        }
        if let Some(cost) = self
            .fuel
            .as_ref()
            .map(|p| p.entry)
            .filter(|_| osr.is_none())
        {
            self.charge_fuel(cost);
        }
        let used = memories_used(body)?;
        if !used.is_empty() {
            let memories = self
                .b
                .ins()
                .load(PTR, readonly(), self.vmctx, abi::VMCTX_MEMORIES);
            for m in used {
                let def = self.b.ins().load(PTR, readonly(), memories, (m * 8) as i32);
                let memory64 = self.info.memories[m as usize].memory64;
                let vars = MemoryVars {
                    def,
                    base: self.b.declare_var(PTR),
                    len: self.b.declare_var(types::I64),
                    memory64,
                    fixed: self.guarded && !memory64,
                };
                if vars.fixed {
                    let base = if m == 0 {
                        self.b
                            .ins()
                            .load(PTR, readonly(), self.vmctx, abi::VMCTX_MEMORY0_BASE)
                    } else {
                        self.b.ins().load(PTR, readonly(), def, abi::MEMORY_BASE)
                    };
                    self.b.def_var(vars.base, base);
                }
                self.memories.insert(m, vars);
            }
            self.reload_memory();
        }
        let results: Vec<Type> = ty.results().iter().map(|t| abi::value_type(*t)).collect();
        let ret = self.b.create_block();
        for t in &results {
            self.b.append_block_param(ret, *t);
        }
        self.control.push(Control {
            kind: ControlKind::Function,
            next: ret,
            next_reached: false,
            params: Vec::new(),
            results,
            height: 0,
            live: true,
        });
        if let Some(ordinal) = osr {
            // The entry goes straight to the loop's header; the code before
            // the loop is translated as usual into a block nothing reaches
            // (Cranelift drops it), so that the loop nests as in the body.
            let header = self.b.create_block();
            self.b.ins().jump(header, &[]);
            let unreached = self.b.create_block();
            self.b.switch_to_block(unreached);
            self.b.seal_block(unreached);
            self.osr = Some((ordinal, header));
        }
        let mut ops = body.get_operators_reader().map_err(read_error)?;
        while !ops.eof() {
            let (op, offset) = ops.read_with_offset().map_err(read_error)?;
            self.offset = (offset - self.body_start) as u32;
            self.b.set_srcloc(ir::SourceLoc::new(self.offset));
            let check_epoch = self.calls.metering.epoch && checks_epoch_after(&op);
            if let Operator::Loop { .. } = op {
                self.loops_seen += 1;
            }
            self.operator(op)?;
            if self.b.func.dfg.num_insts() > budget::MAX_IR {
                // (Checked as it grows: a body of many costly operators
                // would take gigabytes of IR before `budget::effort`.)
                return unsupported(budget::too_large(self.b.func.dfg.num_insts()));
            }
            if self.reachable {
                // The checks of the segment starting here.
                if check_epoch {
                    self.epoch_check();
                }
                if let Some(cost) = self.fuel.as_ref().and_then(|p| p.after(offset)) {
                    self.charge_fuel(cost);
                }
            }
        }
        if self.osr.is_some() && !self.osr_entered {
            return unsupported("no such loop in reachable code");
        }
        Ok(())
    }

    /// Charges `cost` fuel for the segment starting here, trapping with
    /// "all fuel consumed" (and spending nothing) when the store has less.
    fn charge_fuel(&mut self, cost: u32) {
        if cost == 0 {
            return;
        }
        let store = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_STORE);
        let left = self
            .b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), store, abi::STORE_FUEL);
        let short = self
            .b
            .ins()
            .icmp_imm_u(IntCC::UnsignedLessThan, left, i64::from(cost));
        self.trap_if(short, TrapCode::OutOfFuel);
        let rest = self.b.ins().iadd_imm_s(left, -i64::from(cost));
        self.b
            .ins()
            .store(MemFlagsData::trusted(), rest, store, abi::STORE_FUEL);
    }

    /// Traps with "interrupted" once the engine's epoch has reached the
    /// store's deadline.
    fn epoch_check(&mut self) {
        let store = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_STORE);
        let counter = self
            .b
            .ins()
            .load(PTR, MemFlagsData::trusted(), store, abi::STORE_EPOCH);
        // An atomic load: Cranelift's redundant-load elimination would
        // otherwise hoist a plain load out of a loop without stores, and
        // the loop would never see another thread's increment.
        let epoch = self
            .b
            .ins()
            .atomic_load(types::I64, MemFlagsData::trusted(), counter);
        let deadline = self.b.ins().load(
            types::I64,
            MemFlagsData::trusted(),
            store,
            abi::STORE_EPOCH_DEADLINE,
        );
        let reached = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
        self.trap_if(reached, TrapCode::Interrupted);
    }

    fn zero(&mut self, ty: Type) -> Value {
        match ty {
            types::F32 => self.b.ins().f32const(Ieee32::with_bits(0)),
            types::F64 => self.b.ins().f64const(Ieee64::with_bits(0)),
            types::I8X16 => self.vconst(ty, 0),
            _ => self.b.ins().iconst(ty, 0),
        }
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().expect("validated operand stack")
    }

    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    fn popn(&mut self, n: usize) -> Vec<Value> {
        let at = self.stack.len() - n;
        self.stack.split_off(at)
    }

    fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    /// A boolean (`i8` from a comparison) as a wasm i32.
    fn push_bool(&mut self, v: Value) {
        let v = self.b.ins().uextend(types::I32, v);
        self.push(v);
    }
}

/// The CLIF of defined function `defined` of the module `wat`, as the
/// `jit` strategy translates it for guarded memories (before Cranelift's
/// optimisations), for tests of the translation's shape.
#[cfg(test)]
fn translated(wat: &str, defined: usize) -> Function {
    use crate::engine::{wat2wasm, Engine, Module};
    let module =
        Module::new(&Engine::default(), &wat2wasm(wat).expect("valid text")).expect("valid module");
    let info = &module.0.info;
    let (func_index, body) = module.0.function_body(defined);
    let (excluded, published) = (HashSet::new(), HashMap::new());
    let options = Options {
        batch: Batch::Module,
        excluded: &excluded,
        published: &published,
        guarded: true,
        metering: Metering::default(),
    };
    let mut func = Function::new();
    let frontend = super::isa().expect("host supported").frontend_config();
    translate_function(
        info,
        func_index,
        &body,
        &mut func,
        &mut FunctionBuilderContext::new(),
        frontend,
        options,
        None,
    )
    .unwrap_or_else(|_| panic!("function {func_index} untranslatable"));
    func
}

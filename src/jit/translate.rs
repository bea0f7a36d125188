//! Translation of one validated wasm function body into Cranelift IR.
//!
//! The operand stack is kept at translation time as a stack of SSA values;
//! locals are frontend variables; each wasm block, loop and if becomes
//! Cranelift blocks whose parameters carry the block's results (or, for a
//! loop header, its parameters). Memory 0's base and length live in
//! variables too, so an access is a compare and a load, and they are
//! reloaded after anything that may grow or move the memory (calls,
//! `memory.grow`).
//!
//! Every trap is a call to [`entry::raise`](super::entry::raise) in a cold
//! block, with the trap code and the wasm offset of the trapping operator:
//! no trap depends on a hardware fault or a signal handler.
//!
//! The v128 (SIMD) operators are translated in the child module `simd`.

use super::abi::{self, PTR};
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

#[path = "simd.rs"]
mod simd;

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

/// How a batch of functions is compiled.
#[derive(Copy, Clone)]
pub struct Options<'a> {
    /// Whether calls to the module's own functions may be direct machine
    /// calls to code of the same batch (the callee's context is then the
    /// caller's): a batch of a whole module's functions. A function's
    /// calls to itself are direct in any batch.
    pub direct: bool,
    /// Functions that must be called through their reference anyway (not
    /// compiled in this batch).
    pub excluded: &'a HashSet<u32>,
    /// Whether memory 0 will sit in a guarded reservation (no explicit
    /// bounds checks; see `LinearMemory::new_guarded`).
    pub guarded: bool,
    /// The fuel and epoch checks to compile in (`module::metering`).
    pub metering: Metering,
}

/// A memory's definition and the variables holding its base and length.
#[derive(Copy, Clone)]
struct MemoryVars {
    def: Value,
    base: Variable,
    len: Variable,
    memory64: bool,
}

pub struct FuncTranslator<'a, 'b> {
    b: FunctionBuilder<'b>,
    /// Whether memory 0 sits in a guarded reservation: accesses are then
    /// not checked, and one beyond the memory faults in the guard region.
    guarded: bool,
    /// Flags of linear-memory accesses: checked ones cannot trap; guarded
    /// ones are trap sites (the signal handler turns their fault into
    /// "out of bounds memory access").
    heap: MemFlagsData,
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
    let b = FunctionBuilder::new(func, fctx);
    let mut t = FuncTranslator {
        b,
        guarded,
        heap: if guarded {
            MemFlagsData::new().with_trap_code(Some(ir::TrapCode::HEAP_OUT_OF_BOUNDS))
        } else {
            checked()
        },
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
                let vars = MemoryVars {
                    def,
                    base: self.b.declare_var(PTR),
                    len: self.b.declare_var(types::I64),
                    memory64: self.info.memories[m as usize].memory64,
                };
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

    // ---- traps ----------------------------------------------------------

    /// Emits a call that raises `code` at the current operator; the block
    /// it is in ends there.
    fn raise_here(&mut self, code: TrapCode) {
        let code = self.b.ins().iconst(types::I32, i64::from(code.number()));
        self.raise_number(code);
    }

    /// Emits a call that raises the trap numbered `code` (an i32 value, a
    /// [`TrapCode::number`]) at the current operator; the block it is in
    /// ends there.
    fn raise_number(&mut self, code: Value) {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.push(AbiParam::new(PTR));
        sig.params.extend([AbiParam::new(types::I32); 3]);
        sig.params.push(AbiParam::new(PTR));
        let sig = self.b.import_signature(sig);
        let f = self.libcall_address(entry::raise as *const () as usize, sig);
        let index = self.b.ins().iconst(types::I32, i64::from(self.func_index));
        let offset = self.b.ins().iconst(types::I32, i64::from(self.offset));
        let fp = self.b.ins().get_frame_pointer(PTR);
        self.b
            .ins()
            .call_indirect(sig, f, &[self.vmctx, code, index, offset, fp]);
        self.b.ins().trap(ir::TrapCode::unwrap_user(1));
    }

    /// Traps with `code` when `cond` is non-zero.
    fn trap_if(&mut self, cond: Value, code: TrapCode) {
        let trap = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(trap);
        self.b.ins().brif(cond, trap, &[], cont, &[]);
        self.b.switch_to_block(trap);
        self.b.seal_block(trap);
        self.raise_here(code);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Traps with "call stack exhausted" when the stack pointer is below the
    /// store's limit. Code for guarded memories, whose faults the signal
    /// handler already turns into traps, has Cranelift check in the
    /// prologue, before the frame is set up (a trap site the handler
    /// knows, see `code::FuncCode::stack_traps`): a load and a compare less
    /// on every call than a check in the body, which needs the callee-saved
    /// registers saved first. Other code checks in the body and raises the
    /// trap itself, so it needs no signal handler.
    fn stack_check(&mut self) {
        if self.guarded {
            if let Some(limit) = stack_limit_global(self.b.func) {
                self.b.func.stack_limit = Some(limit);
                return;
            }
        }
        let store = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_STORE);
        let limit = self
            .b
            .ins()
            .load(PTR, MemFlagsData::trusted(), store, abi::STORE_STACK_LIMIT);
        let sp = self.b.ins().get_stack_pointer(PTR);
        let low = self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        self.trap_if(low, TrapCode::StackExhausted);
    }

    // ---- memory ---------------------------------------------------------

    /// Reloads the base and length of the memories the body uses (at
    /// entry, and after anything that may grow or move them).
    fn reload_memory(&mut self) {
        let vars: Vec<MemoryVars> = self.memories.values().copied().collect();
        for m in vars {
            let b = self.b.ins().load(PTR, checked(), m.def, abi::MEMORY_BASE);
            let l = self
                .b
                .ins()
                .load(types::I64, checked(), m.def, abi::MEMORY_LENGTH);
            self.b.def_var(m.base, b);
            self.b.def_var(m.len, l);
        }
    }

    /// Pops an address and returns the host address of an access of
    /// `size` bytes at it plus `memarg.offset`, trapping when out of bounds.
    fn address(&mut self, memarg: &MemArg, size: u64) -> Result<Value> {
        let wasmparser::MemArgTarget::Memory(m) = memarg.target else {
            return unsupported("GC array access");
        };
        let vars = self.memories[&m];
        let index = self.pop();
        let index = self.widen_u64(index);
        if self.guarded && !vars.memory64 {
            // A 32-bit index plus a static offset below 4 GiB stays inside
            // the reservation: beyond the memory, the access faults.
            let base = self.b.use_var(vars.base);
            let addr = self.b.ins().iadd(base, index);
            return Ok(self.b.ins().iadd_imm_u(addr, memarg.offset as i64));
        }
        let len = self.b.use_var(vars.len);
        let oob = match memarg.offset.checked_add(size) {
            // 32-bit: index < 2^32 and end < 2^33, the sum cannot wrap.
            Some(end) if !vars.memory64 => {
                let last = self.b.ins().iadd_imm_u(index, end as i64);
                self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, len)
            }
            // 64-bit: the sum may wrap past 2^64, which is out of bounds too.
            Some(end) => {
                let end = self.b.ins().iconst(types::I64, end as i64);
                let (last, wrapped) = self.b.ins().uadd_overflow(index, end);
                let beyond = self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, len);
                self.b.ins().bor(beyond, wrapped)
            }
            // An offset this large is out of bounds at any address.
            None => self.b.ins().iconst(types::I8, 1),
        };
        self.trap_if(oob, TrapCode::MemoryOutOfBounds);
        let base = self.b.use_var(vars.base);
        let addr = self.b.ins().iadd(base, index);
        Ok(self.b.ins().iadd_imm_u(addr, memarg.offset as i64))
    }

    /// `v` as a 64-bit unsigned operand: a 32-bit address, index or length
    /// zero-extended, a 64-bit one (memory64, table64) as it is.
    fn widen_u64(&mut self, v: Value) -> Value {
        if self.b.func.dfg.value_type(v) == types::I64 {
            v
        } else {
            self.b.ins().uextend(types::I64, v)
        }
    }

    /// A size or old size (`memory.size`, `memory.grow`, `table.size`,
    /// `table.grow`) as the wasm result: 64-bit for 64-bit memories and
    /// tables, else the low 32 bits (-1 stays -1).
    fn size_result(&mut self, v: Value, is64: bool) -> Value {
        if is64 {
            v
        } else {
            self.b.ins().ireduce(types::I32, v)
        }
    }

    fn load(&mut self, memarg: &MemArg, ty: Type, size: u64, signed: Option<bool>) -> Result<()> {
        let addr = self.address(memarg, size)?;
        let v = match (size, signed) {
            (_, None) => self.b.ins().load(ty, self.heap, addr, 0),
            (1, Some(true)) => self.b.ins().sload8(ty, self.heap, addr, 0),
            (1, Some(false)) => self.b.ins().uload8(ty, self.heap, addr, 0),
            (2, Some(true)) => self.b.ins().sload16(ty, self.heap, addr, 0),
            (2, Some(false)) => self.b.ins().uload16(ty, self.heap, addr, 0),
            (4, Some(true)) => self.b.ins().sload32(self.heap, addr, 0),
            (4, Some(false)) => self.b.ins().uload32(self.heap, addr, 0),
            _ => unreachable!("load size"),
        };
        self.push(v);
        Ok(())
    }

    fn store(&mut self, memarg: &MemArg, size: u64, narrow: bool) -> Result<()> {
        let v = self.pop();
        let addr = self.address(memarg, size)?;
        match (size, narrow) {
            (_, false) => self.b.ins().store(self.heap, v, addr, 0),
            (1, true) => self.b.ins().istore8(self.heap, v, addr, 0),
            (2, true) => self.b.ins().istore16(self.heap, v, addr, 0),
            (4, true) => self.b.ins().istore32(self.heap, v, addr, 0),
            _ => unreachable!("store size"),
        };
        Ok(())
    }

    // ---- calls ----------------------------------------------------------

    fn wasm_sig(&mut self, type_index: u32) -> SigRef {
        if let Some(s) = self.wasm_sigs.get(&type_index) {
            return *s;
        }
        let sig = abi::wasm_signature(&self.info.types[type_index as usize]);
        let s = self.b.import_signature(sig);
        self.wasm_sigs.insert(type_index, s);
        s
    }

    /// Calls a runtime function at `addr` with the system calling
    /// convention.
    fn libcall(
        &mut self,
        addr: usize,
        params: &[Type],
        ret: Option<Type>,
        args: &[Value],
    ) -> Option<Value> {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.extend(params.iter().map(|t| AbiParam::new(*t)));
        sig.returns.extend(ret.map(AbiParam::new));
        let sig = self.b.import_signature(sig);
        let f = self.libcall_address(addr, sig);
        let call = self.b.ins().call_indirect(sig, f, args);
        self.b.inst_results(call).first().copied()
    }

    /// The address of runtime function `addr`, as a relocation (an
    /// absolute address patched when the code is placed or loaded), so the
    /// code can be serialized and loaded in another process.
    fn libcall_address(&mut self, addr: usize, sig: ir::SigRef) -> Value {
        let name = self
            .b
            .func
            .declare_imported_user_function(ir::UserExternalName::new(
                LIBCALL_NAMESPACE,
                entry::libcall_id(addr),
            ));
        let f = self.b.import_function(ir::ExtFuncData {
            name: ir::ExternalName::user(name),
            signature: sig,
            colocated: false,
            patchable: false,
        });
        self.b.ins().func_addr(PTR, f)
    }

    /// Calls a runtime function that returns 0 or a trap number, and
    /// raises the trap.
    fn fallible_libcall(&mut self, addr: usize, params: &[Type], args: &[Value]) {
        let status = self
            .libcall(addr, params, Some(types::I32), args)
            .expect("status result");
        let trap = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(trap);
        self.b.ins().brif(status, trap, &[], cont, &[]);
        self.b.switch_to_block(trap);
        self.b.seal_block(trap);
        // The status is the trap's number: raise it as such.
        self.raise_number(status);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Calls the function whose `VMFuncRef` is `funcref`, of module type
    /// `type_index`, with the arguments on the stack: directly when it has
    /// native code, through its `array_call` otherwise. Inside a
    /// `try_table`, always through its `array_call`, which stops unwinding
    /// there, so that the handlers can look at the failure.
    fn call_funcref(&mut self, funcref: Value, type_index: u32) -> Result<()> {
        if self.in_try_table() {
            return self.call_catching(funcref, type_index);
        }
        let ty = self.info.types[type_index as usize].clone();
        let args = self.popn(ty.params().len());
        let results: Vec<Type> = ty.results().iter().map(|t| abi::value_type(*t)).collect();
        let sig = self.wasm_sig(type_index);
        let join = self.b.create_block();
        for t in &results {
            self.b.append_block_param(join, *t);
        }
        let (wasm_call, slow) = self.split_on_native_entry(funcref);
        let call_args = self.native_call_args(funcref, &args);
        let call = self.b.ins().call_indirect(sig, wasm_call, &call_args);
        let rets = self.b.inst_results(call).to_vec();
        self.b.ins().jump(join, &block_args(&rets));

        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let rets = self.call_through_array(funcref, &ty, &args);
        self.b.ins().jump(join, &block_args(&rets));

        self.b.switch_to_block(join);
        self.b.seal_block(join);
        let rets = self.b.block_params(join).to_vec();
        self.stack.extend(rets);
        self.reload_memory();
        Ok(())
    }

    /// `return_call_indirect`/`return_call_ref` (and `return_call` of a
    /// function outside the batch): a native tail call when the callee
    /// has native code (constant stack, as the proposal asks); else an
    /// ordinary call through its `array_call` and a return of its results.
    fn tail_call_funcref(&mut self, funcref: Value, type_index: u32) -> Result<()> {
        let ty = self.info.types[type_index as usize].clone();
        let args = self.popn(ty.params().len());
        let sig = self.wasm_sig(type_index);
        let (wasm_call, slow) = self.split_on_native_entry(funcref);
        let call_args = self.native_call_args(funcref, &args);
        self.b
            .ins()
            .return_call_indirect(sig, wasm_call, &call_args);

        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let rets = self.call_through_array(funcref, &ty, &args);
        self.b.ins().return_(&rets);
        self.reachable = false;
        Ok(())
    }

    /// Loads `funcref`'s native entry and branches on it: returns the entry
    /// and the block for a callee without native code (not switched to);
    /// the builder goes on in the block for a native callee.
    fn split_on_native_entry(&mut self, funcref: Value) -> (Value, Block) {
        let native = self.b.create_block();
        let slow = self.b.create_block();
        let wasm_call = self.b.ins().load(
            PTR,
            MemFlagsData::trusted(),
            funcref,
            abi::FUNCREF_WASM_CALL,
        );
        self.b.ins().brif(wasm_call, native, &[], slow, &[]);
        self.b.switch_to_block(native);
        self.b.seal_block(native);
        (wasm_call, slow)
    }

    /// The arguments of a native call through `funcref`: the callee's
    /// context, ours, then the wasm arguments.
    fn native_call_args(&mut self, funcref: Value, args: &[Value]) -> Vec<Value> {
        let callee_vmctx =
            self.b
                .ins()
                .load(PTR, MemFlagsData::trusted(), funcref, abi::FUNCREF_VMCTX);
        let mut call_args = vec![callee_vmctx, self.vmctx];
        call_args.extend(args);
        call_args
    }

    /// Calls `funcref` (of type `ty`) through its `array_call`, the one
    /// calling convention every function has (host and interpreted ones
    /// included): arguments and results pass through a stack buffer; a
    /// trap continues unwinding from here. Returns the results.
    fn call_through_array(&mut self, funcref: Value, ty: &FuncType, args: &[Value]) -> Vec<Value> {
        let (ok, values) = self.array_call(funcref, ty, args);
        let trapped = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(trapped);
        self.b.ins().brif(ok, done, &[], trapped, &[]);
        self.b.switch_to_block(trapped);
        self.b.seal_block(trapped);
        self.unwind_pending();
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        self.array_results(ty, values)
    }

    /// A call inside a `try_table`: through the callee's `array_call`; on
    /// failure, the handlers of the enclosing `try_table`s get their turn.
    fn call_catching(&mut self, funcref: Value, type_index: u32) -> Result<()> {
        let ty = self.info.types[type_index as usize].clone();
        let args = self.popn(ty.params().len());
        let (ok, values) = self.array_call(funcref, &ty, &args);
        let failed = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(failed);
        self.b.ins().brif(ok, done, &[], failed, &[]);
        self.b.switch_to_block(failed);
        self.b.seal_block(failed);
        self.reload_memory();
        self.dispatch_pending();
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        let rets = self.array_results(&ty, values);
        self.stack.extend(rets);
        self.reload_memory();
        Ok(())
    }

    /// Calls `funcref`'s `array_call` with `args` stored in a new stack
    /// buffer; returns whether it succeeded and the buffer (which then
    /// holds the results).
    fn array_call(&mut self, funcref: Value, ty: &FuncType, args: &[Value]) -> (Value, Value) {
        let (param_offsets, param_slots) = abi::slot_offsets(ty.params());
        let (_, result_slots) = abi::slot_offsets(ty.results());
        let capacity = param_slots.max(result_slots).max(1);
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (capacity * 8) as u32,
            3,
        ));
        let values = self.b.ins().stack_addr(PTR, slot, 0);
        for (a, offset) in args.iter().zip(&param_offsets) {
            store_raw(&mut self.b, *a, values, *offset);
        }
        let array_sig = match self.array_sig {
            Some(s) => s,
            None => {
                let s = self
                    .b
                    .import_signature(abi::array_signature(CallConv::SystemV));
                self.array_sig = Some(s);
                s
            }
        };
        let array_call = self.b.ins().load(
            PTR,
            MemFlagsData::trusted(),
            funcref,
            abi::FUNCREF_ARRAY_CALL,
        );
        let cap = self.b.ins().iconst(PTR, capacity as i64);
        let call =
            self.b
                .ins()
                .call_indirect(array_sig, array_call, &[funcref, self.vmctx, values, cap]);
        (self.b.inst_results(call)[0], values)
    }

    /// The results of type `ty` an `array_call` left in `values`.
    fn array_results(&mut self, ty: &FuncType, values: Value) -> Vec<Value> {
        let (result_offsets, _) = abi::slot_offsets(ty.results());
        ty.results()
            .iter()
            .zip(&result_offsets)
            .map(|(t, offset)| {
                let t = abi::value_type(*t);
                self.b.ins().load(t, raw_flags(t), values, *offset)
            })
            .collect()
    }

    /// Records this frame in the pending failure and unwinds (ends the
    /// block).
    fn unwind_pending(&mut self) {
        let index = self.b.ins().iconst(types::I32, i64::from(self.func_index));
        let offset = self.b.ins().iconst(types::I32, i64::from(self.offset));
        let fp = self.b.ins().get_frame_pointer(PTR);
        self.libcall(
            entry::raise_pending as *const () as usize,
            &[PTR, types::I32, types::I32, PTR],
            None,
            &[self.vmctx, index, offset, fp],
        );
        self.b.ins().trap(ir::TrapCode::unwrap_user(1));
    }

    /// Whether the current operator is inside a `try_table` of this
    /// function.
    fn in_try_table(&self) -> bool {
        self.control
            .iter()
            .any(|c| matches!(c.kind, ControlKind::TryTable { .. }))
    }

    /// With a failure pending (a call inside a `try_table` returned false,
    /// or a `throw` there made its exception pending): the first handler,
    /// innermost `try_table` first, whose clause matches an exception
    /// takes it and branches to its label with the payload (and the
    /// reference); a trap, or an exception nothing here catches, unwinds
    /// on. Ends the block.
    fn dispatch_pending(&mut self) {
        let tag = self
            .libcall(
                entry::pending_exception_tag as *const () as usize,
                &[PTR],
                Some(types::I64),
                &[self.vmctx],
            )
            .expect("result");
        let handlers: Vec<Handler> = self
            .control
            .iter()
            .rev()
            .filter_map(|c| match &c.kind {
                ControlKind::TryTable { handlers } => Some(handlers.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        for h in handlers {
            let matches = match h.tag {
                Some(t) => {
                    let tags = self
                        .b
                        .ins()
                        .load(PTR, readonly(), self.vmctx, abi::VMCTX_TAGS);
                    let expected = self.b.ins().uload32(readonly(), tags, (t * 4) as i32);
                    self.b.ins().icmp(IntCC::Equal, tag, expected)
                }
                // Any exception; -1 (a trap) is not one.
                None => self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, tag, 0),
            };
            let caught = self.b.create_block();
            let next = self.b.create_block();
            self.b.ins().brif(matches, caught, &[], next, &[]);
            self.b.switch_to_block(caught);
            self.b.seal_block(caught);
            self.catch_into(h);
            self.b.switch_to_block(next);
            self.b.seal_block(next);
        }
        self.unwind_pending();
    }

    /// Takes the pending exception and branches to `h`'s label with its
    /// payload (for a tag) and reference (for the `_ref` forms).
    fn catch_into(&mut self, h: Handler) {
        let exn = self
            .libcall(
                entry::catch_exception as *const () as usize,
                &[PTR],
                Some(types::I64),
                &[self.vmctx],
            )
            .expect("result");
        let mut args = Vec::new();
        if let Some(t) = h.tag {
            let ty = self.info.tag_type(t).params;
            let (offsets, slots) = abi::slot_offsets(ty.params());
            let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                (slots.max(1) * 8) as u32,
                3,
            ));
            let values = self.b.ins().stack_addr(PTR, slot, 0);
            self.libcall(
                entry::exception_payload as *const () as usize,
                &[PTR, types::I64, PTR],
                None,
                &[self.vmctx, exn, values],
            );
            for (p, offset) in ty.params().iter().zip(&offsets) {
                let t = abi::value_type(*p);
                args.push(self.b.ins().load(t, raw_flags(t), values, *offset));
            }
        }
        if h.with_ref {
            args.push(exn);
        }
        let frame = &mut self.control[h.target];
        if !matches!(frame.kind, ControlKind::Loop { .. }) {
            frame.next_reached = true;
        }
        let (target, _) = frame.branch_target();
        self.b.ins().jump(target, &block_args(&args));
    }

    /// `call_indirect`'s callee: the table element at the popped index,
    /// trapping when it is out of bounds, null, or of a type that is not
    /// the expected one or a declared subtype of it.
    fn indirect_callee(&mut self, type_index: u32, table_index: u32) -> Value {
        let elem = self.table_element(table_index, TrapCode::UndefinedElement);
        let funcref = self.b.ins().load(PTR, MemFlagsData::trusted(), elem, 0);
        let null = self.b.ins().icmp_imm_s(IntCC::Equal, funcref, 0);
        self.trap_if(null, TrapCode::UninitializedElement);
        let actual = self
            .b
            .ins()
            .uload32(MemFlagsData::trusted(), funcref, abi::FUNCREF_TYPE_ID);
        let ids = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_TYPE_IDS);
        let expected = self
            .b
            .ins()
            .uload32(readonly(), ids, (type_index as i32) * 4);
        // Different ids may still be a declared subtype: asked of
        // the runtime on a cold path.
        let differ = self.b.ins().icmp(IntCC::NotEqual, actual, expected);
        let slow = self.b.create_block();
        let matched = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(differ, slow, &[], matched, &[]);
        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        // (uload32 zero-extends the ids to 64 bits.)
        let actual = self.b.ins().ireduce(types::I32, actual);
        let expected = self.b.ins().ireduce(types::I32, expected);
        let is_sub = self
            .libcall(
                entry::is_subtype as *const () as usize,
                &[PTR, types::I32, types::I32],
                Some(types::I32),
                &[self.vmctx, actual, expected],
            )
            .expect("result");
        let wrong = self.b.ins().icmp_imm_u(IntCC::Equal, is_sub, 0);
        self.trap_if(wrong, TrapCode::IndirectCallTypeMismatch);
        self.b.ins().jump(matched, &[]);
        self.b.switch_to_block(matched);
        self.b.seal_block(matched);
        funcref
    }

    /// `call_ref`'s callee, popped: validation checked its type, only
    /// null is left to check.
    fn non_null_callee(&mut self) -> Value {
        let funcref = self.pop();
        let null = self.b.ins().icmp_imm_s(IntCC::Equal, funcref, 0);
        self.trap_if(null, TrapCode::NullFunctionReference);
        funcref
    }

    /// Whether function `func` is compiled in this batch: every function
    /// of a whole-module batch, and a function always with itself (a
    /// recursive function compiled alone by tier-up calls itself directly)
    /// unless this is an on-stack-replacement entry.
    fn in_batch(&self, func: u32) -> bool {
        // (An OSR entry is not the function: it calls it by reference.)
        self.calls.direct || (func == self.func_index && self.osr.is_none())
    }

    /// Calls function `func` of this module, compiled in the same batch, by
    /// a machine call (the code is placed and the call patched later).
    fn call_direct(&mut self, func: u32, type_index: u32) {
        let (callee, args) = self.direct_call(func, type_index);
        let call = self.b.ins().call(callee, &args);
        let rets = self.b.inst_results(call).to_vec();
        self.stack.extend(rets);
        self.reload_memory();
    }

    /// `return_call` of a function of the same batch: a machine jump
    /// (patched like a call), so the stack stays constant.
    fn tail_call_direct(&mut self, func: u32, type_index: u32) {
        let (callee, args) = self.direct_call(func, type_index);
        self.b.ins().return_call(callee, &args);
        self.reachable = false;
    }

    /// The callee and the arguments (popped) of a direct call to `func`.
    fn direct_call(&mut self, func: u32, type_index: u32) -> (ir::FuncRef, Vec<Value>) {
        let sig = self.wasm_sig(type_index);
        let n = self.info.types[type_index as usize].params().len();
        let name = self
            .b
            .func
            .declare_imported_user_function(ir::UserExternalName::new(0, func));
        let callee = self.b.import_function(ir::ExtFuncData {
            name: ir::ExternalName::user(name),
            signature: sig,
            colocated: true,
            patchable: false,
        });
        let mut args = vec![self.vmctx, self.vmctx];
        args.extend(self.popn(n));
        (callee, args)
    }

    fn funcref_of(&mut self, func: u32) -> Value {
        let funcs = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_FUNCS);
        self.b.ins().load(PTR, readonly(), funcs, (func as i32) * 8)
    }

    fn table_def(&mut self, table: u32) -> Value {
        let tables = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_TABLES);
        self.b
            .ins()
            .load(PTR, readonly(), tables, (table as i32) * 8)
    }

    /// Pops a table index and returns the address of that element,
    /// trapping with `code` when it is out of bounds.
    fn table_element(&mut self, table: u32, code: TrapCode) -> Value {
        let index = self.pop();
        let index = self.widen_u64(index);
        let def = self.table_def(table);
        let len = self
            .b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), def, abi::TABLE_LENGTH);
        let oob = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.trap_if(oob, code);
        let base = self
            .b
            .ins()
            .load(PTR, MemFlagsData::trusted(), def, abi::TABLE_BASE);
        let offset = self.b.ins().ishl_imm_u(index, 3);
        self.b.ins().iadd(base, offset)
    }

    fn global_cell(&mut self, global: u32) -> Value {
        let globals = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_GLOBALS);
        self.b
            .ins()
            .load(PTR, readonly(), globals, (global as i32) * 8)
    }

    // ---- control --------------------------------------------------------

    fn block_types(&self, bt: BlockType) -> Result<(Vec<Type>, Vec<Type>)> {
        Ok(match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => {
                let Some(t) = ValType::from_wasmparser(t, &self.info.heap_types) else {
                    return unsupported("GC references");
                };
                (Vec::new(), vec![abi::value_type(t)])
            }
            BlockType::FuncType(i) => {
                let ty = &self.info.types[i as usize];
                (
                    ty.params().iter().map(|t| abi::value_type(*t)).collect(),
                    ty.results().iter().map(|t| abi::value_type(*t)).collect(),
                )
            }
        })
    }

    fn new_block_with(&mut self, types: &[Type]) -> Block {
        let block = self.b.create_block();
        for t in types {
            self.b.append_block_param(block, *t);
        }
        block
    }

    /// Branches to the construct `depth` levels out, passing the values
    /// its target expects from the top of the stack.
    fn branch_args(&mut self, depth: u32) -> (Block, Vec<Value>) {
        let i = self.control.len() - 1 - depth as usize;
        let (target, types) = self.control[i].branch_target();
        let n = types.len();
        if !matches!(self.control[i].kind, ControlKind::Loop { .. }) {
            self.control[i].next_reached = true;
        }
        let args = self.stack[self.stack.len() - n..].to_vec();
        (target, args)
    }

    /// Skips an operator in unreachable code, keeping track of nesting.
    fn unreachable_operator(&mut self, op: &Operator<'_>) -> Result<()> {
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. } => {
                // A construct that can never run: only its nesting matters.
                let next = self.b.create_block();
                self.control.push(Control {
                    kind: ControlKind::Block,
                    next,
                    next_reached: false,
                    params: Vec::new(),
                    results: Vec::new(),
                    height: self.stack.len(),
                    live: false,
                });
                Ok(())
            }
            Operator::Else => {
                let frame = self.control.last_mut().expect("control frame");
                if let (
                    ControlKind::If {
                        else_block,
                        has_else,
                    },
                    true,
                ) = (&mut frame.kind, frame.live)
                {
                    *has_else = true;
                    let else_block = *else_block;
                    let height = frame.height;
                    self.stack.truncate(height);
                    self.b.switch_to_block(else_block);
                    self.b.seal_block(else_block);
                    let params = self.b.block_params(else_block).to_vec();
                    self.stack.extend(params);
                    self.reachable = true;
                }
                Ok(())
            }
            Operator::End => self.end(),
            _ => Ok(()),
        }
    }

    fn end(&mut self) -> Result<()> {
        let frame = self.control.pop().expect("control frame");
        if self.reachable {
            let n = frame.results.len();
            let args = self.stack[self.stack.len() - n..].to_vec();
            self.b.ins().jump(frame.next, &block_args(&args));
        }
        let mut reached = frame.next_reached || self.reachable;
        if let ControlKind::If {
            else_block,
            has_else: false,
        } = frame.kind
        {
            if frame.live {
                // No else: the parameters flow through as the results.
                self.b.switch_to_block(else_block);
                self.b.seal_block(else_block);
                let params = self.b.block_params(else_block).to_vec();
                self.b.ins().jump(frame.next, &block_args(&params));
                reached = true;
            }
        }
        if let ControlKind::Loop { header } = frame.kind {
            self.b.seal_block(header);
        }
        self.stack.truncate(frame.height);
        self.b.switch_to_block(frame.next);
        self.b.seal_block(frame.next);
        if let ControlKind::Function = frame.kind {
            let rets = self.b.block_params(frame.next).to_vec();
            if reached {
                self.b.ins().return_(&rets);
            } else {
                self.b.ins().trap(ir::TrapCode::unwrap_user(1));
            }
            self.reachable = false;
            return Ok(());
        }
        if reached && frame.live {
            let params = self.b.block_params(frame.next).to_vec();
            self.stack.extend(params);
            self.reachable = true;
        } else {
            // Nothing reaches the continuation: it stays unreachable.
            self.b.ins().trap(ir::TrapCode::unwrap_user(1));
            self.reachable = false;
        }
        Ok(())
    }

    fn operator(&mut self, op: Operator<'_>) -> Result<()> {
        use Operator as O;
        if !self.reachable {
            return self.unreachable_operator(&op);
        }
        match op {
            O::Nop => {}
            O::Unreachable => {
                self.raise_here(TrapCode::Unreachable);
                self.reachable = false;
            }
            O::Block { blockty } => {
                let (params, results) = self.block_types(blockty)?;
                let next = self.new_block_with(&results);
                self.control.push(Control {
                    kind: ControlKind::Block,
                    next,
                    next_reached: false,
                    height: self.stack.len() - params.len(),
                    params,
                    results,
                    live: true,
                });
            }
            O::TryTable { try_table } => {
                let (params, results) = self.block_types(try_table.ty)?;
                let next = self.new_block_with(&results);
                // Catch labels count from outside the try_table.
                let outside = self.control.len() - 1;
                let handlers = try_table
                    .catches
                    .iter()
                    .map(|c| {
                        let (tag, with_ref, label) = match *c {
                            wasmparser::Catch::One { tag, label } => (Some(tag), false, label),
                            wasmparser::Catch::OneRef { tag, label } => (Some(tag), true, label),
                            wasmparser::Catch::All { label } => (None, false, label),
                            wasmparser::Catch::AllRef { label } => (None, true, label),
                        };
                        Handler {
                            tag,
                            with_ref,
                            target: outside - label as usize,
                        }
                    })
                    .collect();
                self.control.push(Control {
                    kind: ControlKind::TryTable { handlers },
                    next,
                    next_reached: false,
                    height: self.stack.len() - params.len(),
                    params,
                    results,
                    live: true,
                });
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_types(blockty)?;
                let header = match self.osr {
                    Some((ordinal, header)) if ordinal + 1 == self.loops_seen => {
                        if !params.is_empty() || !self.stack.is_empty() {
                            return unsupported("on-stack replacement at a loop with operands");
                        }
                        self.osr_entered = true;
                        header
                    }
                    _ => self.new_block_with(&params),
                };
                let next = self.new_block_with(&results);
                let args = self.popn(params.len());
                self.b.ins().jump(header, &block_args(&args));
                self.b.switch_to_block(header);
                let vals = self.b.block_params(header).to_vec();
                let height = self.stack.len();
                self.stack.extend(vals);
                self.control.push(Control {
                    kind: ControlKind::Loop { header },
                    next,
                    next_reached: false,
                    height,
                    params,
                    results,
                    live: true,
                });
            }
            O::If { blockty } => {
                let (params, results) = self.block_types(blockty)?;
                let cond = self.pop();
                let then_block = self.b.create_block();
                let else_block = self.new_block_with(&params);
                let next = self.new_block_with(&results);
                let args = self.stack[self.stack.len() - params.len()..].to_vec();
                self.b
                    .ins()
                    .brif(cond, then_block, &[], else_block, &block_args(&args));
                // The then block takes no parameters: the stack values
                // dominate it.
                self.b.switch_to_block(then_block);
                self.b.seal_block(then_block);
                self.control.push(Control {
                    kind: ControlKind::If {
                        else_block,
                        has_else: false,
                    },
                    next,
                    next_reached: false,
                    height: self.stack.len() - params.len(),
                    params,
                    results,
                    live: true,
                });
            }
            O::Else => {
                let frame = self.control.last_mut().expect("control frame");
                let n = frame.results.len();
                let next = frame.next;
                let height = frame.height;
                let ControlKind::If {
                    else_block,
                    has_else,
                } = &mut frame.kind
                else {
                    unreachable!("else without if (validated)")
                };
                *has_else = true;
                let else_block = *else_block;
                frame.next_reached = true;
                let args = self.stack[self.stack.len() - n..].to_vec();
                self.b.ins().jump(next, &block_args(&args));
                self.stack.truncate(height);
                self.b.switch_to_block(else_block);
                self.b.seal_block(else_block);
                let params = self.b.block_params(else_block).to_vec();
                self.stack.extend(params);
            }
            O::End => self.end()?,
            O::Br { relative_depth } => {
                let (target, args) = self.branch_args(relative_depth);
                self.b.ins().jump(target, &block_args(&args));
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                let (target, args) = self.branch_args(relative_depth);
                let cont = self.b.create_block();
                self.b
                    .ins()
                    .brif(cond, target, &block_args(&args), cont, &[]);
                self.b.switch_to_block(cont);
                self.b.seal_block(cont);
            }
            O::BrTable { targets } => {
                let index = self.pop();
                let default = targets.default();
                let depths: Vec<u32> = targets
                    .targets()
                    .collect::<std::result::Result<_, _>>()
                    .map_err(read_error)?;
                let (dblock, dargs) = self.branch_args(default);
                let dargs = block_args(&dargs);
                let default_call = self.b.func.dfg.block_call(dblock, &dargs);
                let mut calls = Vec::with_capacity(depths.len());
                for d in depths {
                    let (block, args) = self.branch_args(d);
                    let args = block_args(&args);
                    calls.push(self.b.func.dfg.block_call(block, &args));
                }
                let jt = self
                    .b
                    .create_jump_table(ir::JumpTableData::new(default_call, &calls));
                self.b.ins().br_table(index, jt);
                self.reachable = false;
            }
            O::Return => {
                let n = self.control[0].results.len();
                let rets = self.stack[self.stack.len() - n..].to_vec();
                self.b.ins().return_(&rets);
                self.reachable = false;
            }
            O::Call { function_index } => {
                let ty = self.info.func_types[function_index as usize];
                if self.in_batch(function_index)
                    && function_index >= self.info.num_imported_funcs
                    && !self.calls.excluded.contains(&function_index)
                    && !self.in_try_table()
                {
                    self.call_direct(function_index, ty);
                } else {
                    let funcref = self.funcref_of(function_index);
                    self.call_funcref(funcref, ty)?;
                }
            }
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                let funcref = self.indirect_callee(type_index, table_index);
                self.call_funcref(funcref, type_index)?;
            }
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let funcref = self.indirect_callee(type_index, table_index);
                self.tail_call_funcref(funcref, type_index)?;
            }
            O::CallRef { type_index } => {
                let funcref = self.non_null_callee();
                self.call_funcref(funcref, type_index)?;
            }
            O::ReturnCallRef { type_index } => {
                let funcref = self.non_null_callee();
                self.tail_call_funcref(funcref, type_index)?;
            }
            O::ReturnCall { function_index } => {
                let ty = self.info.func_types[function_index as usize];
                if self.in_batch(function_index)
                    && function_index >= self.info.num_imported_funcs
                    && !self.calls.excluded.contains(&function_index)
                {
                    self.tail_call_direct(function_index, ty);
                } else {
                    let funcref = self.funcref_of(function_index);
                    self.tail_call_funcref(funcref, ty)?;
                }
            }
            O::Throw { tag_index } => {
                let ty = self.info.tag_type(tag_index).params;
                let n = ty.params().len();
                let args = self.popn(n);
                let (offsets, slots) = abi::slot_offsets(ty.params());
                let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    (slots.max(1) * 8) as u32,
                    3,
                ));
                let values = self.b.ins().stack_addr(PTR, slot, 0);
                for (a, offset) in args.iter().zip(&offsets) {
                    store_raw(&mut self.b, *a, values, *offset);
                }
                let tag = self.b.ins().iconst(types::I32, i64::from(tag_index));
                let count = self.b.ins().iconst(types::I32, slots as i64);
                if self.in_try_table() {
                    // A handler here may catch it: no unwinding yet.
                    self.libcall(
                        entry::throw_pending as *const () as usize,
                        &[PTR, types::I32, PTR, types::I32],
                        None,
                        &[self.vmctx, tag, values, count],
                    );
                    self.dispatch_pending();
                    self.reachable = false;
                    return Ok(());
                }
                let index = self.b.ins().iconst(types::I32, i64::from(self.func_index));
                let offset = self.b.ins().iconst(types::I32, i64::from(self.offset));
                let fp = self.b.ins().get_frame_pointer(PTR);
                let i32 = types::I32;
                self.libcall(
                    entry::throw as *const () as usize,
                    &[PTR, i32, PTR, i32, i32, i32, PTR],
                    None,
                    &[self.vmctx, tag, values, count, index, offset, fp],
                );
                self.b.ins().trap(ir::TrapCode::unwrap_user(1));
                self.reachable = false;
            }
            O::ThrowRef => {
                let exn = self.pop();
                let null = self.b.ins().icmp_imm_s(IntCC::Equal, exn, 0);
                self.trap_if(null, TrapCode::NullExceptionReference);
                if self.in_try_table() {
                    self.libcall(
                        entry::rethrow_pending as *const () as usize,
                        &[PTR, types::I64],
                        None,
                        &[self.vmctx, exn],
                    );
                    self.dispatch_pending();
                    self.reachable = false;
                    return Ok(());
                }
                let index = self.b.ins().iconst(types::I32, i64::from(self.func_index));
                let offset = self.b.ins().iconst(types::I32, i64::from(self.offset));
                let fp = self.b.ins().get_frame_pointer(PTR);
                self.libcall(
                    entry::throw_ref as *const () as usize,
                    &[PTR, PTR, types::I32, types::I32, PTR],
                    None,
                    &[self.vmctx, exn, index, offset, fp],
                );
                self.b.ins().trap(ir::TrapCode::unwrap_user(1));
                self.reachable = false;
            }
            O::RefAsNonNull => {
                let r = *self.stack.last().expect("operand");
                let null = self.b.ins().icmp_imm_s(IntCC::Equal, r, 0);
                self.trap_if(null, TrapCode::NullReference);
            }
            O::BrOnNull { relative_depth } => {
                let r = self.pop();
                let (target, args) = self.branch_args(relative_depth);
                let null = self.b.ins().icmp_imm_s(IntCC::Equal, r, 0);
                let cont = self.b.create_block();
                self.b
                    .ins()
                    .brif(null, target, &block_args(&args), cont, &[]);
                self.b.switch_to_block(cont);
                self.b.seal_block(cont);
                self.push(r);
            }
            O::BrOnNonNull { relative_depth } => {
                // The reference is the label's last value.
                let (target, args) = self.branch_args(relative_depth);
                let r = *args.last().expect("validated label type");
                let cont = self.b.create_block();
                self.b.ins().brif(r, target, &block_args(&args), cont, &[]);
                self.b.switch_to_block(cont);
                self.b.seal_block(cont);
                self.pop();
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let cond = self.pop();
                let (a, b) = self.pop2();
                let v = self.b.ins().select(cond, a, b);
                self.push(v);
            }
            O::TypedSelectMulti { .. } => return unsupported("multi-value select"),
            O::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[local_index as usize].0);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("operand");
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            O::GlobalGet { global_index } => {
                let ty = self.info.globals[global_index as usize].content;
                let cell = self.global_cell(global_index);
                let v = self.b.ins().load(
                    abi::value_type(ty),
                    MemFlagsData::trusted(),
                    cell,
                    abi::GLOBAL_BITS,
                );
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let ty = self.info.globals[global_index as usize].content;
                let v = self.pop();
                let cell = self.global_cell(global_index);
                // Narrow values are stored zero-extended to the 64-bit
                // slot, as the raw encoding says.
                let v = match abi::value_type(ty) {
                    types::I32 => self.b.ins().uextend(types::I64, v),
                    types::F32 => {
                        let bits = self.b.ins().bitcast(types::I32, MemFlagsData::new(), v);
                        self.b.ins().uextend(types::I64, bits)
                    }
                    _ => v,
                };
                self.b
                    .ins()
                    .store(MemFlagsData::trusted(), v, cell, abi::GLOBAL_BITS);
            }
            O::TableGet { table } => {
                let elem = self.table_element(table, TrapCode::TableOutOfBounds);
                let v = self.b.ins().load(PTR, MemFlagsData::trusted(), elem, 0);
                self.push(v);
            }
            O::TableSet { table } => {
                let v = self.pop();
                let elem = self.table_element(table, TrapCode::TableOutOfBounds);
                self.b.ins().store(MemFlagsData::trusted(), v, elem, 0);
            }
            O::TableSize { table } => {
                let def = self.table_def(table);
                let len =
                    self.b
                        .ins()
                        .load(types::I64, MemFlagsData::trusted(), def, abi::TABLE_LENGTH);
                let v = self.size_result(len, self.info.tables[table as usize].table64);
                self.push(v);
            }
            O::TableGrow { table } => {
                let delta = self.pop();
                let init = self.pop();
                let delta = self.widen_u64(delta);
                let t = self.b.ins().iconst(types::I32, i64::from(table));
                let r = self
                    .libcall(
                        entry::table_grow as *const () as usize,
                        &[PTR, types::I32, types::I64, types::I64],
                        Some(types::I64),
                        &[self.vmctx, t, delta, init],
                    )
                    .expect("result");
                let v = self.size_result(r, self.info.tables[table as usize].table64);
                self.push(v);
            }
            O::TableFill { table } => {
                let n = self.pop();
                let v = self.pop();
                let d = self.pop();
                let n = self.widen_u64(n);
                let d = self.widen_u64(d);
                let t = self.b.ins().iconst(types::I32, i64::from(table));
                self.fallible_libcall(
                    entry::table_fill as *const () as usize,
                    &[PTR, types::I32, types::I64, types::I64, types::I64],
                    &[self.vmctx, t, d, v, n],
                );
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => self.bulk_libcall(
                entry::table_copy as *const () as usize,
                dst_table,
                src_table,
            ),
            O::TableInit { elem_index, table } => {
                self.bulk_libcall(entry::table_init as *const () as usize, table, elem_index)
            }
            O::ElemDrop { elem_index } => {
                let e = self.b.ins().iconst(types::I32, i64::from(elem_index));
                self.libcall(
                    entry::elem_drop as *const () as usize,
                    &[PTR, types::I32],
                    None,
                    &[self.vmctx, e],
                );
            }
            O::RefNull { .. } => {
                let v = self.b.ins().iconst(PTR, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let v = self.pop();
                let z = self.b.ins().icmp_imm_s(IntCC::Equal, v, 0);
                self.push_bool(z);
            }
            O::RefFunc { function_index } => {
                let v = self.funcref_of(function_index);
                self.push(v);
            }

            O::I32Load { memarg } => self.load(&memarg, types::I32, 4, None)?,
            O::I64Load { memarg } => self.load(&memarg, types::I64, 8, None)?,
            O::F32Load { memarg } => self.load(&memarg, types::F32, 4, None)?,
            O::F64Load { memarg } => self.load(&memarg, types::F64, 8, None)?,
            O::I32Load8S { memarg } => self.load(&memarg, types::I32, 1, Some(true))?,
            O::I32Load8U { memarg } => self.load(&memarg, types::I32, 1, Some(false))?,
            O::I32Load16S { memarg } => self.load(&memarg, types::I32, 2, Some(true))?,
            O::I32Load16U { memarg } => self.load(&memarg, types::I32, 2, Some(false))?,
            O::I64Load8S { memarg } => self.load(&memarg, types::I64, 1, Some(true))?,
            O::I64Load8U { memarg } => self.load(&memarg, types::I64, 1, Some(false))?,
            O::I64Load16S { memarg } => self.load(&memarg, types::I64, 2, Some(true))?,
            O::I64Load16U { memarg } => self.load(&memarg, types::I64, 2, Some(false))?,
            O::I64Load32S { memarg } => self.load(&memarg, types::I64, 4, Some(true))?,
            O::I64Load32U { memarg } => self.load(&memarg, types::I64, 4, Some(false))?,
            O::I32Store { memarg } | O::F32Store { memarg } => self.store(&memarg, 4, false)?,
            O::I64Store { memarg } | O::F64Store { memarg } => self.store(&memarg, 8, false)?,
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(&memarg, 1, true)?,
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(&memarg, 2, true)?,
            O::I64Store32 { memarg } => self.store(&memarg, 4, true)?,
            O::MemorySize { mem } => {
                let vars = self.memories[&mem];
                let len = self.b.use_var(vars.len);
                let pages = self.b.ins().ushr_imm_u(len, 16);
                let v = self.size_result(pages, vars.memory64);
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                let delta = self.widen_u64(delta);
                let m = self.b.ins().iconst(types::I32, i64::from(mem));
                let r = self
                    .libcall(
                        entry::memory_grow as *const () as usize,
                        &[PTR, types::I32, types::I64],
                        Some(types::I64),
                        &[self.vmctx, m, delta],
                    )
                    .expect("result");
                let v = self.size_result(r, self.info.memories[mem as usize].memory64);
                self.push(v);
                self.reload_memory();
            }
            O::MemoryFill { mem } => {
                let n = self.pop();
                let v = self.pop();
                let d = self.pop();
                let n = self.widen_u64(n);
                let d = self.widen_u64(d);
                let m = self.b.ins().iconst(types::I32, i64::from(mem));
                self.fallible_libcall(
                    entry::memory_fill as *const () as usize,
                    &[PTR, types::I32, types::I64, types::I32, types::I64],
                    &[self.vmctx, m, d, v, n],
                );
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                self.bulk_libcall(entry::memory_copy as *const () as usize, dst_mem, src_mem)
            }
            O::MemoryInit { data_index, mem } => {
                self.bulk_libcall(entry::memory_init as *const () as usize, mem, data_index)
            }
            O::DataDrop { data_index } => {
                let seg = self.b.ins().iconst(types::I32, i64::from(data_index));
                self.libcall(
                    entry::data_drop as *const () as usize,
                    &[PTR, types::I32],
                    None,
                    &[self.vmctx, seg],
                );
            }

            O::I32Const { value } => {
                let v = self.b.ins().iconst(types::I32, i64::from(value));
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.b.ins().iconst(types::I64, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.b.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.b.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }

            O::I32Eqz | O::I64Eqz => {
                let v = self.pop();
                let z = self.b.ins().icmp_imm_s(IntCC::Equal, v, 0);
                self.push_bool(z);
            }
            O::I32Eq | O::I64Eq => self.icmp(IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(IntCC::UnsignedGreaterThanOrEqual),
            O::F32Eq | O::F64Eq => self.fcmp(FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),

            O::I32Clz | O::I64Clz => self.unary(|b, x| b.ins().clz(x)),
            O::I32Ctz | O::I64Ctz => self.unary(|b, x| b.ins().ctz(x)),
            O::I32Popcnt | O::I64Popcnt => self.unary(|b, x| b.ins().popcnt(x)),
            O::I32Add | O::I64Add => self.binary(|b, x, y| b.ins().iadd(x, y)),
            O::I32Sub | O::I64Sub => self.binary(|b, x, y| b.ins().isub(x, y)),
            O::I32Mul | O::I64Mul => self.binary(|b, x, y| b.ins().imul(x, y)),
            O::I32DivS | O::I64DivS => self.div(true, false),
            O::I32DivU | O::I64DivU => self.div(false, false),
            O::I32RemS | O::I64RemS => self.div(true, true),
            O::I32RemU | O::I64RemU => self.div(false, true),
            O::I32And | O::I64And => self.binary(|b, x, y| b.ins().band(x, y)),
            O::I32Or | O::I64Or => self.binary(|b, x, y| b.ins().bor(x, y)),
            O::I32Xor | O::I64Xor => self.binary(|b, x, y| b.ins().bxor(x, y)),
            O::I32Shl | O::I64Shl => self.binary(|b, x, y| b.ins().ishl(x, y)),
            O::I32ShrS | O::I64ShrS => self.binary(|b, x, y| b.ins().sshr(x, y)),
            O::I32ShrU | O::I64ShrU => self.binary(|b, x, y| b.ins().ushr(x, y)),
            O::I32Rotl | O::I64Rotl => self.binary(|b, x, y| b.ins().rotl(x, y)),
            O::I32Rotr | O::I64Rotr => self.binary(|b, x, y| b.ins().rotr(x, y)),

            O::F32Abs | O::F64Abs => self.unary(|b, x| b.ins().fabs(x)),
            O::F32Neg | O::F64Neg => self.unary(|b, x| b.ins().fneg(x)),
            O::F32Ceil | O::F64Ceil => self.unary(|b, x| b.ins().ceil(x)),
            O::F32Floor | O::F64Floor => self.unary(|b, x| b.ins().floor(x)),
            O::F32Trunc | O::F64Trunc => self.unary(|b, x| b.ins().trunc(x)),
            O::F32Nearest | O::F64Nearest => self.unary(|b, x| b.ins().nearest(x)),
            O::F32Sqrt | O::F64Sqrt => self.unary(|b, x| b.ins().sqrt(x)),
            O::F32Add | O::F64Add => self.binary(|b, x, y| b.ins().fadd(x, y)),
            O::F32Sub | O::F64Sub => self.binary(|b, x, y| b.ins().fsub(x, y)),
            O::F32Mul | O::F64Mul => self.binary(|b, x, y| b.ins().fmul(x, y)),
            O::F32Div | O::F64Div => self.binary(|b, x, y| b.ins().fdiv(x, y)),
            O::F32Min | O::F64Min => self.binary(|b, x, y| b.ins().fmin(x, y)),
            O::F32Max | O::F64Max => self.binary(|b, x, y| b.ins().fmax(x, y)),
            O::F32Copysign | O::F64Copysign => self.binary(|b, x, y| b.ins().fcopysign(x, y)),

            O::I32WrapI64 => self.unary(|b, x| b.ins().ireduce(types::I32, x)),
            O::I64ExtendI32S => self.unary(|b, x| b.ins().sextend(types::I64, x)),
            O::I64ExtendI32U => self.unary(|b, x| b.ins().uextend(types::I64, x)),
            O::I32Extend8S => self.extend_narrow(types::I8, types::I32),
            O::I32Extend16S => self.extend_narrow(types::I16, types::I32),
            O::I64Extend8S => self.extend_narrow(types::I8, types::I64),
            O::I64Extend16S => self.extend_narrow(types::I16, types::I64),
            O::I64Extend32S => self.extend_narrow(types::I32, types::I64),
            O::F32DemoteF64 => self.unary(|b, x| b.ins().fdemote(types::F32, x)),
            O::F64PromoteF32 => self.unary(|b, x| b.ins().fpromote(types::F64, x)),
            O::F32ConvertI32S | O::F32ConvertI64S => {
                self.unary(|b, x| b.ins().fcvt_from_sint(types::F32, x))
            }
            O::F32ConvertI32U | O::F32ConvertI64U => {
                self.unary(|b, x| b.ins().fcvt_from_uint(types::F32, x))
            }
            O::F64ConvertI32S | O::F64ConvertI64S => {
                self.unary(|b, x| b.ins().fcvt_from_sint(types::F64, x))
            }
            O::F64ConvertI32U | O::F64ConvertI64U => {
                self.unary(|b, x| b.ins().fcvt_from_uint(types::F64, x))
            }
            O::I32ReinterpretF32 => self.bitcast(types::I32),
            O::I64ReinterpretF64 => self.bitcast(types::I64),
            O::F32ReinterpretI32 => self.bitcast(types::F32),
            O::F64ReinterpretI64 => self.bitcast(types::F64),
            O::I32TruncF32S => self.trunc(types::I32, true, false),
            O::I32TruncF32U => self.trunc(types::I32, false, false),
            O::I32TruncF64S => self.trunc(types::I32, true, true),
            O::I32TruncF64U => self.trunc(types::I32, false, true),
            O::I64TruncF32S => self.trunc(types::I64, true, false),
            O::I64TruncF32U => self.trunc(types::I64, false, false),
            O::I64TruncF64S => self.trunc(types::I64, true, true),
            O::I64TruncF64U => self.trunc(types::I64, false, true),
            O::I32TruncSatF32S | O::I32TruncSatF64S => {
                self.unary(|b, x| b.ins().fcvt_to_sint_sat(types::I32, x))
            }
            O::I32TruncSatF32U | O::I32TruncSatF64U => {
                self.unary(|b, x| b.ins().fcvt_to_uint_sat(types::I32, x))
            }
            O::I64TruncSatF32S | O::I64TruncSatF64S => {
                self.unary(|b, x| b.ins().fcvt_to_sint_sat(types::I64, x))
            }
            O::I64TruncSatF32U | O::I64TruncSatF64U => {
                self.unary(|b, x| b.ins().fcvt_to_uint_sat(types::I64, x))
            }
            other => {
                if !self.simd_operator(&other)? {
                    return unsupported(format!("operator {other:?}"));
                }
            }
        }
        Ok(())
    }

    /// Calls the runtime function at `addr` for a copy or an init between
    /// tables, memories or segments: `(vmctx, a, b, d, s, n)`, where `d, s, n`
    /// (pushed in that order) are popped as u64 operands.
    fn bulk_libcall(&mut self, addr: usize, a: u32, b: u32) {
        let n = self.pop();
        let s = self.pop();
        let d = self.pop();
        let n = self.widen_u64(n);
        let s = self.widen_u64(s);
        let d = self.widen_u64(d);
        let a = self.b.ins().iconst(types::I32, i64::from(a));
        let b = self.b.ins().iconst(types::I32, i64::from(b));
        self.fallible_libcall(
            addr,
            &[
                PTR,
                types::I32,
                types::I32,
                types::I64,
                types::I64,
                types::I64,
            ],
            &[self.vmctx, a, b, d, s, n],
        );
    }

    fn unary(&mut self, f: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value) {
        let x = self.pop();
        let v = f(&mut self.b, x);
        self.push(v);
    }

    fn binary(&mut self, f: impl FnOnce(&mut FunctionBuilder<'_>, Value, Value) -> Value) {
        let (x, y) = self.pop2();
        let v = f(&mut self.b, x, y);
        self.push(v);
    }

    fn icmp(&mut self, cc: IntCC) {
        let (x, y) = self.pop2();
        let v = self.b.ins().icmp(cc, x, y);
        self.push_bool(v);
    }

    fn fcmp(&mut self, cc: FloatCC) {
        let (x, y) = self.pop2();
        let v = self.b.ins().fcmp(cc, x, y);
        self.push_bool(v);
    }

    fn bitcast(&mut self, to: Type) {
        let x = self.pop();
        let v = self.b.ins().bitcast(to, MemFlagsData::new(), x);
        self.push(v);
    }

    fn extend_narrow(&mut self, narrow: Type, to: Type) {
        let x = self.pop();
        let n = self.b.ins().ireduce(narrow, x);
        let v = self.b.ins().sextend(to, n);
        self.push(v);
    }

    /// Integer division and remainder with the wasm traps: division by
    /// zero, and signed division overflow (`MIN / -1`; the remainder of
    /// that is 0).
    fn div(&mut self, signed: bool, rem: bool) {
        let (x, y) = self.pop2();
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
        self.trap_if(zero, TrapCode::IntegerDivisionByZero);
        let ty = self.b.func.dfg.value_type(x);
        let v = match (signed, rem) {
            (true, false) => {
                let min = if ty == types::I32 {
                    i64::from(i32::MIN)
                } else {
                    i64::MIN
                };
                let is_min = self.b.ins().icmp_imm_s(IntCC::Equal, x, min);
                let is_neg1 = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
                let overflow = self.b.ins().band(is_min, is_neg1);
                self.trap_if(overflow, TrapCode::IntegerOverflow);
                self.b.ins().sdiv(x, y)
            }
            (true, true) => {
                // `MIN % -1` is 0; dividing by 1 instead gives that
                // without the machine's overflow.
                let is_neg1 = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
                let one = self.b.ins().iconst(ty, 1);
                let y = self.b.ins().select(is_neg1, one, y);
                self.b.ins().srem(x, y)
            }
            (false, false) => self.b.ins().udiv(x, y),
            (false, true) => self.b.ins().urem(x, y),
        };
        self.push(v);
    }

    /// A trapping float-to-int truncation: NaN is an invalid conversion,
    /// a value outside the target range an overflow.
    fn trunc(&mut self, to: Type, signed: bool, from_f64: bool) {
        let x = self.pop();
        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
        self.trap_if(nan, TrapCode::InvalidConversionToInteger);
        // The exclusive bounds of values that truncate into range.
        let (low, high): (f64, f64) = match (to == types::I32, signed) {
            (true, true) => (-2147483649.0, 2147483648.0),
            (true, false) => (-1.0, 4294967296.0),
            (false, true) => (-9223372036854777856.0, 9223372036854775808.0),
            (false, false) => (-1.0, 18446744073709551616.0),
        };
        let (lo, hi) = if from_f64 {
            (self.b.ins().f64const(low), self.b.ins().f64const(high))
        } else {
            // For f32, the lower bound of signed truncation is the exact
            // minimum (inclusive), which the next f32 below would exceed.
            let low32 = match (to == types::I32, signed) {
                (true, true) => -2147483904.0f32,
                (false, true) => -9223373136366403584.0f32,
                _ => low as f32,
            };
            (
                self.b.ins().f32const(low32),
                self.b.ins().f32const(high as f32),
            )
        };
        let too_low = self.b.ins().fcmp(FloatCC::LessThanOrEqual, x, lo);
        let too_high = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, hi);
        let out = self.b.ins().bor(too_low, too_high);
        self.trap_if(out, TrapCode::IntegerOverflow);
        let v = if signed {
            self.b.ins().fcvt_to_sint_sat(to, x)
        } else {
            self.b.ins().fcvt_to_uint_sat(to, x)
        };
        self.push(v);
    }
}

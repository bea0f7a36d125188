//! Translation of validated wasm function bodies into the register IR.
//!
//! The translator simulates the wasm operand stack. Each entry remembers
//! its *canonical slot* (frame slot of that stack position) and where its
//! value actually is:
//!
//! * `Local(l)`: still in local `l` (after `local.get`, nothing was copied);
//! * `Const(bits)`: a constant not yet written anywhere;
//! * `Temp`: in its canonical slot.
//!
//! Instructions read operands straight from locals, constants become
//! immediates where an instruction form takes one, and results go to the
//! canonical slot, or straight into a local when the next operator is a
//! `local.set`/`local.tee` of it. Lazy entries are *materialised* (copied
//! to their canonical slot) where their source could change underneath
//! them (a `local.set` of that local, any block entry) and where control
//! flow merges (block results, branch values, call arguments), so at every
//! label all values sit in canonical slots.
//!
//! Only valid code reaches the translator (the module was validated
//! first), so operand-stack underflow and type errors cannot happen here.
//!
//! This file holds the translator's state and its entry points; each
//! kind of operator is translated in a file of its own: `step` (what the
//! decoder's visitor calls), `operators` (the dispatch over every
//! operator), `stack` (the simulated operand stack and emission),
//! `locals`, `control` (blocks, branches, calls), `branch_fusion`,
//! `arith`, `memory`, `vector` (SIMD helpers) and `accumulator` (the pass
//! over the finished code).

use super::feed::Feed;
use super::ir::{Instr, MemOp, Slot, Slot16, INDEX64};
use super::{Catch, Code, CompiledFunc, TryRange};
use crate::module::metering::{checks_epoch_after, FuelPlan, Metering};
use crate::module::types::{FuncType, GlobalType, HeapType, MemoryType, TableType, ValType};
use crate::module::CompileError;
use std::sync::OnceLock;
use wasmparser::{BlockType, FunctionBody, Operator};

/// Translates a binary operator with the instruction `$v` (registers)
/// and `$vi` (a constant operand as an immediate) for it. (Defined before
/// the child modules, which use it: `step` and `operators`.)
macro_rules! binary_imm {
    ($t:expr, $ty:expr, $v:ident, $vi:ident) => {
        $t.binary_imm(
            $ty,
            |dst, a, b| Instr::$v { dst, a, b },
            |dst, a, imm| Instr::$vi { dst, a, imm },
        )
    };
}

mod accumulator;
mod arith;
mod branch_fusion;
mod control;
mod locals;
mod memory;
mod operators;
mod stack;
mod step;
mod vector;

use accumulator::use_accumulator;
use memory::{check_memory, generic_memory, mem_access_of, memory_operand, table_operand};
use step::Step;

/// What the translator needs to know about the module.
pub struct TranslateEnv<'a> {
    pub types: &'a [FuncType],
    /// The heap type each type index names, for typed references.
    pub heap_types: &'a [HeapType],
    /// Type index of every tag.
    pub tags: &'a [u32],
    pub func_types: &'a [u32],
    pub globals: &'a [GlobalType],
    pub tables: &'a [TableType],
    pub memories: &'a [MemoryType],
    pub num_imported_funcs: u32,
    /// Whether to count calls and loop iterations (`Instr::Hot`) for
    /// tier-up.
    pub count_hotness: bool,
    /// The fuel and epoch checks to compile in (`module::metering`).
    pub metering: Metering,
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Place {
    Local(Slot),
    Const(u64),
    Temp,
    /// `slot + imm` (i32, wrapping), not computed yet: an `i32.add` a
    /// memory access can absorb as its address. The slot is a local or
    /// the entry's own canonical slot (which nothing else writes). Narrow
    /// mode only.
    Sum(Slot, i32),
    /// `a + b` (i32, wrapping), not computed yet; `a` is a local or the
    /// entry's own slot, `b` a local. Narrow mode only.
    Pair(Slot, Slot),
}

/// The address operand of a narrow memory access.
#[derive(Copy, Clone)]
enum Address {
    /// `slot + imm` (wrapping) plus the static offset.
    Disp(Slot, i32),
    /// `base + index` (wrapping) plus the static offset.
    Indexed(Slot, Slot),
}

#[derive(Copy, Clone, Debug)]
struct Entry {
    place: Place,
    ty: ValType,
    /// Canonical slot of this stack position.
    slot: Slot,
}

/// The float operators `float_arith` may fuse.
#[derive(Copy, Clone, Debug, PartialEq)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum ControlKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug)]
struct Control {
    kind: ControlKind,
    params: Vec<ValType>,
    results: Vec<ValType>,
    /// Operand stack height at entry, below the parameters.
    height: usize,
    /// Canonical slot of stack position `height`.
    base_slot: Slot,
    /// For loops: the instruction index of the loop head.
    head: usize,
    /// Branches to patch with the end's position.
    fixups: Vec<usize>,
    /// For `try_table`: its body's start and catch clauses (boxed: every
    /// block's frame is pushed and popped, and a smaller one is moved
    /// without a call to `memcpy`).
    try_scope: Option<Box<TryScope>>,
    /// For `if`: the conditional branch to patch with the else position.
    else_fixup: Option<usize>,
    /// Whether code at the start of this block was reachable.
    reachable_at_entry: bool,
}

impl Control {
    /// Types carried by a branch to this label.
    fn label_types(&self) -> &[ValType] {
        if self.kind == ControlKind::Loop {
            &self.params
        } else {
            &self.results
        }
    }
}

/// Reusable translation state (allocations are kept across functions).
#[derive(Default)]
pub struct Translator {
    code: Vec<Instr>,
    /// Each instruction's wasm offset, when `record_offsets` asks for them.
    offsets: Vec<u32>,
    /// Whether this translation is for its offsets (`Translator::offsets`).
    record_offsets: bool,
    /// Where the last translation's code starts in `code` (see `code`).
    code_start: usize,
    stack: Vec<Entry>,
    controls: Vec<Control>,
    local_slots: Vec<Slot>,
    local_types: Vec<ValType>,
    pool: Vec<u128>,
    /// Constants read as operands, placed in frame slots (see `const_slot`).
    consts: super::ConstPool,
    reachable: bool,
    max_slot: Slot,
    locals_end: Slot,
    /// Index of the last emitted instruction if its result may be
    /// retargeted (no label has been placed after it).
    fusible: Option<usize>,
    /// Wasm offset of the operator being translated, relative to the body.
    cur_offset: u32,
    /// Whether this translation may use the narrow (16-bit slot) forms;
    /// see `translate`.
    narrow: bool,
    /// Provisional slot numbers at and above this stand for constants.
    const_base: Slot,
    /// Position of the last label: code before it cannot be rewritten
    /// together with code after it.
    last_label: usize,
    /// The `try_table` ranges closed so far (innermost first).
    handlers: Vec<TryRange>,
    /// The positions `label` marked, in order: every branch target and
    /// exception landing is one (see `use_accumulator`).
    labels: Vec<u32>,
    /// `use_accumulator`'s scratch: which positions are branch targets.
    is_target: Vec<bool>,
    /// `loop` operators seen so far in the body, reachable or not (a
    /// loop's ordinal, as the JIT counts them for OSR entries).
    loops_seen: u32,
    /// Whether the function has a `HotLoop` (its frame then has room for
    /// an OSR call).
    osr_loops: bool,
    /// Emptied vectors of closed blocks, for the next ones (a block's
    /// types and fixups would otherwise be allocated for each block).
    spare_types: Vec<Vec<ValType>>,
    spare_fixups: Vec<Vec<usize>>,
}

/// An open `try_table`: where its body starts and its catch clauses.
#[derive(Debug)]
struct TryScope {
    start: usize,
    catches: Vec<Catch>,
}

/// Provisional slot numbers at and above this stand for constants (wide
/// translations).
const CONST_BASE: Slot = 0x8000_0000;

/// The same for narrow translations, which keep every other slot below it.
const NARROW_CONST_BASE: Slot = 0x8000;

/// A slot as a narrow operand (narrow translations keep all slots below
/// 2^16; a translation that would not is redone wide).
fn n16(s: Slot) -> Slot16 {
    s as Slot16
}

fn slots_of(ty: ValType) -> Slot {
    if ty == ValType::V128 {
        2
    } else {
        1
    }
}

/// The translator's errors are boxed: a `Result<(), Error>` then fits in
/// a register, where an unboxed one is returned through memory by every
/// helper, and read back wider than it was written (a store-forwarding
/// stall per operator).
type Error = Box<CompileError>;

fn err(msg: impl Into<String>, offset: usize) -> Error {
    Box::new(CompileError::new(msg, offset))
}

fn werr(e: wasmparser::BinaryReaderError) -> Error {
    Box::new(CompileError::from_wasmparser(e))
}

impl Translator {
    /// Translates the body of function `func_index`.
    ///
    /// The translation first uses the narrow instruction forms, whose
    /// 16-bit slot operands leave room for fused instructions with four or
    /// five operands; a function whose frame does not fit in 16 bits (tens
    /// of thousands of locals or operands) is translated again with the
    /// wide forms only.
    pub fn translate(
        &mut self,
        env: &TranslateEnv<'_>,
        func_index: u32,
        body: &FunctionBody<'_>,
    ) -> Result<CompiledFunc, CompileError> {
        if !testing::force_wide() {
            if let Some(f) = self
                .translate_as(env, func_index, body, true)
                .map_err(|e| *e)?
            {
                return Ok(f);
            }
        }
        let f = self
            .translate_as(env, func_index, body, false)
            .map_err(|e| *e)?;
        Ok(f.expect("wide forms fit every frame"))
    }

    /// The code of the function `translate` returned last, for its
    /// caller to place (the function's `code` is left empty).
    pub fn code(&self) -> &[Instr] {
        &self.code[self.code_start..]
    }

    /// The wasm offset of each instruction of `translated`, function
    /// `func_index`'s translation, relative to the body: the same
    /// translation again, recording them (translations are deterministic).
    pub fn offsets(
        &mut self,
        env: &TranslateEnv<'_>,
        func_index: u32,
        body: &FunctionBody<'_>,
        translated: &CompiledFunc,
    ) -> Result<Box<[u32]>, CompileError> {
        self.record_offsets = true;
        let again = self.translate_as(env, func_index, body, translated.narrow);
        self.record_offsets = false;
        self.offsets.clear();
        let again = again.map_err(|e| *e)?;
        Ok(again
            .and_then(|f| f.offsets.into_inner())
            .unwrap_or_default())
    }

    /// Translates with or without the narrow forms; `None` if narrow forms
    /// were asked for and the frame does not fit them.
    fn translate_as(
        &mut self,
        env: &TranslateEnv<'_>,
        func_index: u32,
        body: &FunctionBody<'_>,
        narrow: bool,
    ) -> Result<Option<CompiledFunc>, Error> {
        self.narrow = narrow;
        self.const_base = if narrow {
            NARROW_CONST_BASE
        } else {
            CONST_BASE
        };
        let ty = &env.types[env.func_types[func_index as usize] as usize];
        self.code.clear();
        self.offsets.clear();
        self.stack.clear();
        self.controls.clear();
        self.local_slots.clear();
        self.local_types.clear();
        self.pool.clear();
        self.consts.clear();
        self.handlers.clear();
        self.labels.clear();
        self.reachable = true;
        self.fusible = None;
        self.loops_seen = 0;
        self.osr_loops = false;
        self.last_label = 0;
        self.cur_offset = 0;

        let body_start = body.range().start as usize;
        let mut next: Slot = 0;
        for &p in ty.params() {
            self.local_slots.push(next);
            self.local_types.push(p);
            next += slots_of(p);
        }
        let param_slots = next;
        let mut locals = body.get_locals_reader().map_err(werr)?;
        for _ in 0..locals.get_count() {
            let (count, t) = locals.read().map_err(werr)?;
            let t = ValType::from_wasmparser(t, env.heap_types)
                .ok_or_else(|| err("unsupported local type", body_start))?;
            for _ in 0..count {
                self.local_slots.push(next);
                self.local_types.push(t);
                next = next
                    .checked_add(slots_of(t))
                    .filter(|n| *n < 1 << 24)
                    .ok_or_else(|| err("too many locals", body_start))?;
            }
        }
        if narrow && next >= NARROW_CONST_BASE {
            return Ok(None);
        }
        self.locals_end = next;
        self.max_slot = next;
        let mut results = self.spare_types.pop().unwrap_or_default();
        results.extend_from_slice(ty.results());
        self.controls.push(Control {
            kind: ControlKind::Function,
            params: Vec::new(),
            results,
            height: 0,
            base_slot: next,
            head: 0,
            fixups: self.spare_fixups.pop().unwrap_or_default(),
            else_fixup: None,
            reachable_at_entry: true,
            try_scope: None,
        });
        // Room for the `LoadConsts` a function with constants starts with,
        // dropped at the end if it has none (inserting it there instead
        // moved the whole function down by one).
        self.emit(Instr::LoadConsts);
        self.last_label = self.code.len();
        if env.count_hotness {
            self.emit(Instr::Hot);
        }
        let fuel = if env.metering.fuel {
            Some(FuelPlan::new(body).map_err(werr)?)
        } else {
            None
        };
        if env.metering.epoch {
            self.emit(Instr::Epoch);
        }
        if let Some(plan) = fuel.as_ref().filter(|p| p.entry > 0) {
            self.emit(Instr::Fuel { cost: plan.entry });
        }

        // The reader without `OperatorsReader`'s stack of frame kinds: the
        // `FrameStack` of `Feed<Step>` answers for it.
        let mut reader = body.get_binary_reader_for_operators().map_err(werr)?;
        while !reader.eof() {
            let offset = reader.original_position() as usize;
            let mut feed = Feed(Step {
                t: self,
                env,
                offset,
                body_start,
                fuel: fuel.as_ref(),
            });
            reader.visit_operator(&mut feed).map_err(werr)??;
        }
        if narrow && (self.max_slot >= NARROW_CONST_BASE || self.consts.values().len() >= 0x8000) {
            return Ok(None);
        }
        // Constant slots go right after the locals; operand-stack slots move
        // up to make room.
        let n = self.consts.values().len() as Slot;
        if n > 0 {
            let renumber = crate::interp::ir::place_constants(self.locals_end, self.const_base, n);
            for instr in &mut self.code {
                instr.map_slots(renumber);
            }
            for c in self.handlers.iter_mut().flat_map(|r| r.catches.iter_mut()) {
                renumber(&mut c.slot);
            }
        }
        // Without constants, the code starts after the `LoadConsts` slot:
        // relative branch offsets stay, the handlers' positions move back.
        let start = usize::from(n == 0);
        if start == 1 {
            for r in &mut self.handlers {
                r.start -= 1;
                r.end -= 1;
                for c in r.catches.iter_mut() {
                    c.landing -= 1;
                }
            }
        }
        // (A label is never at 0, where `LoadConsts` is.)
        let targets = self.labels.iter().map(|&at| at as usize - start);
        use_accumulator(&mut self.code[start..], targets, &mut self.is_target);
        self.code_start = start;
        // Copied out at their exact sizes: the vectors keep their capacity
        // for the next function (taking them would make every function
        // grow its own from nothing, a `realloc` per doubling).
        let result_slots: Slot = ty.results().iter().map(|t| slots_of(*t)).sum();
        // Room above the frame for an on-stack-replacement call's values
        // (the frame's address in, the results out; see `HotLoop`).
        let osr_room = if self.osr_loops {
            result_slots.max(1)
        } else {
            0
        };
        Ok(Some(CompiledFunc {
            code: Code::EMPTY,
            offsets: if self.record_offsets {
                OnceLock::from(Box::from(&self.offsets[start..]))
            } else {
                OnceLock::new()
            },
            pool: Box::from(self.pool.as_slice()),
            consts: Box::from(self.consts.values()),
            param_slots,
            result_slots,
            hotness: Default::default(),
            native: Default::default(),
            claimed: Default::default(),
            locals_end: self.locals_end,
            frame_slots: self.max_slot + n + 2 + osr_room,
            narrow,
            light: false,
            handlers: std::mem::take(&mut self.handlers).into_boxed_slice(),
            func_index,
        }))
    }

    /// Translates operator `op`, at `offset` in the module, and compiles
    /// in the metering checks of the code that follows it.
    fn step(
        &mut self,
        env: &TranslateEnv<'_>,
        op: &Operator<'_>,
        offset: usize,
        body_start: usize,
        fuel: Option<&FuelPlan>,
    ) -> Result<(), Error> {
        self.cur_offset = (offset - body_start) as u32;
        if let Operator::Loop { .. } = op {
            self.loops_seen += 1;
        }
        let check_epoch = env.metering.epoch && checks_epoch_after(op);
        self.operator(env, op, offset)?;
        if self.reachable {
            // The checks of the segment starting here (after a loop
            // head's `Hot`).
            if check_epoch {
                self.emit(Instr::Epoch);
            }
            if let Some(cost) = fuel.and_then(|p| p.after(offset as u64)) {
                if cost > 0 {
                    self.emit(Instr::Fuel { cost });
                }
            }
        }
        Ok(())
    }
}

/// A switch for the executor's tests: translate everything wide, to
/// compare the fused forms against the plain ones on identical modules.
pub(crate) mod testing {
    #[cfg(test)]
    thread_local! {
        static FORCE_WIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    #[cfg(test)]
    pub(crate) fn set_force_wide(on: bool) {
        FORCE_WIDE.with(|f| f.set(on));
    }

    #[inline]
    pub(super) fn force_wide() -> bool {
        #[cfg(test)]
        return FORCE_WIDE.with(|f| f.get());
        #[cfg(not(test))]
        false
    }
}

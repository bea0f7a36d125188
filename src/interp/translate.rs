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

use super::feed::Feed;
use super::ir::{Instr, MemOp, Slot, Slot16, INDEX64};
use super::{Catch, Code, CompiledFunc, TryRange};
use crate::module::metering::{checks_epoch_after, FuelPlan, Metering};
use crate::module::types::{FuncType, GlobalType, HeapType, MemoryType, TableType, ValType};
use crate::module::CompileError;
use std::sync::OnceLock;
use wasmparser::{BlockType, FunctionBody, Operator};

/// The translator as the [`Feed`] of one operator at `offset` sees it.
struct Step<'t, 'e, 'f> {
    t: &'t mut Translator,
    env: &'t TranslateEnv<'e>,
    offset: usize,
    body_start: usize,
    fuel: Option<&'f FuelPlan>,
}

impl Step<'_, '_, '_> {
    /// Whether the operator can be translated on its own, without the
    /// checks of [`Translator::step`]: in reachable code and without
    /// fuel (no epoch check follows any of the operators that come this
    /// way). Sets the offset the instructions are charged to.
    #[inline(always)]
    fn plain(&mut self) -> bool {
        if self.t.reachable && self.fuel.is_none() {
            self.t.cur_offset = (self.offset - self.body_start) as u32;
            return true;
        }
        false
    }
}

/// Translates a binary operator with the instruction `$v` (registers)
/// and `$vi` (a constant operand as an immediate) for it.
macro_rules! binary_imm {
    ($t:expr, $ty:expr, $v:ident, $vi:ident) => {
        $t.binary_imm(
            $ty,
            |dst, a, b| Instr::$v { dst, a, b },
            |dst, a, imm| Instr::$vi { dst, a, imm },
        )
    };
}

/// The [`Sink`](super::feed::Sink) methods of the operators [`Step`]
/// translates on its own in plain code (85 % of the operators of the
/// large benchmark module, compiled C): each runs the translator code
/// after the operator's name (with the translator as `$t`, the
/// environment as `$env`), or hands the operator to
/// [`Translator::step`] when the code is not plain.
macro_rules! plain_operators {
    ($( $visit:ident ($($arg:ident: $ty:ty),*) $op:ident, |$t:ident, $env:ident| $fast:expr; )*) => {
        $(
            #[inline(always)]
            fn $visit(&mut self, $($arg: $ty),*) -> Result<(), Error> {
                if self.plain() {
                    let ($t, $env) = (&mut *self.t, self.env);
                    $fast;
                    Ok(())
                } else {
                    self.operator(&Operator::$op { $($arg),* })
                }
            }
        )*
    };
}

impl<'a> super::feed::Sink<'a> for Step<'_, '_, '_> {
    type Error = Error;

    fn operator(&mut self, op: &Operator<'a>) -> Result<(), Error> {
        self.t
            .step(self.env, op, self.offset, self.body_start, self.fuel)
    }

    plain_operators! {
        visit_local_get(local_index: u32) LocalGet, |t, _e| t.local_get(local_index);
        visit_local_set(local_index: u32) LocalSet, |t, _e| t.local_set(local_index, false);
        visit_local_tee(local_index: u32) LocalTee, |t, _e| t.local_set(local_index, true);
        visit_i32_const(value: i32) I32Const, |t, _e| t.push(Place::Const(value as u32 as u64), ValType::I32);
        visit_i64_const(value: i64) I64Const, |t, _e| t.push(Place::Const(value as u64), ValType::I64);
        visit_f64_const(value: wasmparser::Ieee64) F64Const, |t, _e| t.push(Place::Const(value.bits()), ValType::F64);
        visit_i32_add() I32Add, |t, _e| t.i32_add(false);
        visit_i32_sub() I32Sub, |t, _e| t.i32_add(true);
        visit_i32_mul() I32Mul, |t, _e| binary_imm!(t, ValType::I32, I32Mul, I32MulImm);
        visit_i32_and() I32And, |t, _e| binary_imm!(t, ValType::I32, I32And, I32AndImm);
        visit_i32_xor() I32Xor, |t, _e| binary_imm!(t, ValType::I32, I32Xor, I32XorImm);
        visit_i32_shr_u() I32ShrU, |t, _e| binary_imm!(t, ValType::I32, I32ShrU, I32ShrUImm);
        visit_block(blockty: BlockType) Block, |t, env| t.block(env, blockty);
        visit_end() End, |t, _e| t.end();
        visit_br(relative_depth: u32) Br, |t, _e| t.br(relative_depth);
        visit_br_if(relative_depth: u32) BrIf, |t, _e| t.br_if(relative_depth);
    }
}

/// The reader asks its visitor which frame it is in, to refuse an `else`
/// outside an `if` (and the legacy exception operators outside their
/// `try`, which the validator refuses anyway: wasmrt does not enable
/// them) and operators after the body's last `end`. The body was
/// validated, so those checks cannot fail: every frame is said to be an
/// `if` while the function's is open. (`OperatorsReader` would keep a
/// stack of frame kinds to answer, at a push or pop per block.)
impl wasmparser::FrameStack for Feed<Step<'_, '_, '_>> {
    #[inline(always)]
    fn current_frame(&self) -> Option<wasmparser::FrameKind> {
        (!self.0.t.controls.is_empty()).then_some(wasmparser::FrameKind::If)
    }
}

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
    consts: Vec<u64>,
    /// Each constant's index in `consts` (foldhash: SipHash was 2 % of
    /// translation; the per-process seed still keeps crafted collisions out).
    const_ids: std::collections::HashMap<u64, u32, foldhash::fast::RandomState>,
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
        self.const_ids.clear();
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
        if narrow && (self.max_slot >= NARROW_CONST_BASE || self.consts.len() >= 0x8000) {
            return Ok(None);
        }
        // Constant slots go right after the locals; operand-stack slots move
        // up to make room.
        let n = self.consts.len() as Slot;
        if n > 0 {
            let (locals_end, const_base) = (self.locals_end, self.const_base);
            let renumber = |s: &mut Slot| {
                if *s >= const_base {
                    *s = locals_end + (*s - const_base);
                } else if *s >= locals_end {
                    *s += n;
                }
            };
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
            consts: Box::from(self.consts.as_slice()),
            param_slots,
            result_slots,
            hotness: Default::default(),
            native: Default::default(),
            claimed: Default::default(),
            locals_end: self.locals_end,
            frame_slots: self.max_slot + n + 2 + osr_room,
            narrow,
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

    // ---- emission helpers -------------------------------------------------

    fn emit(&mut self, i: Instr) -> usize {
        self.code.push(i);
        if self.record_offsets {
            self.offsets.push(self.cur_offset);
        }
        self.fusible = None;
        self.code.len() - 1
    }

    /// Points backtraces of instruction `at` at the current operator
    /// (where it became the one that traps).
    fn point_at_current(&mut self, at: usize) {
        if let Some(offset) = self.offsets.get_mut(at) {
            *offset = self.cur_offset;
        }
    }

    /// Emits an instruction whose result may later be retargeted.
    fn emit_result(&mut self, i: Instr) {
        let at = self.emit(i);
        self.fusible = Some(at);
    }

    /// Whether the instruction at `at` may still be rewritten or fused
    /// with what follows: no label lies after it.
    fn rewritable(&self, at: usize) -> bool {
        at >= self.last_label
    }

    /// The last emitted instruction, if it is still `rewritable`.
    fn last_rewritable(&self) -> Option<usize> {
        self.code
            .len()
            .checked_sub(1)
            .filter(|&at| self.rewritable(at))
    }

    /// Marks the current position as a branch target: results of earlier
    /// instructions can no longer be retargeted.
    fn label(&mut self) -> usize {
        self.fusible = None;
        self.last_label = self.code.len();
        self.labels.push(self.code.len() as u32);
        self.code.len()
    }

    fn next_slot(&self) -> Slot {
        match self.stack.last() {
            Some(e) => e.slot + slots_of(e.ty),
            None => self.locals_end,
        }
    }

    // Inlined: a `Place` passed to an outlined `push` goes through memory,
    // written in parts by the caller and read whole by the callee (a
    // store-forwarding stall at every push).
    #[inline(always)]
    fn push(&mut self, place: Place, ty: ValType) -> Slot {
        let slot = self.next_slot();
        let end = slot + slots_of(ty);
        if end > self.max_slot {
            self.max_slot = end;
        }
        self.stack.push(Entry { place, ty, slot });
        slot
    }

    /// Pushes a result that an instruction writes to the canonical slot.
    fn push_temp(&mut self, ty: ValType) -> Slot {
        self.push(Place::Temp, ty)
    }

    fn pop(&mut self) -> Entry {
        self.stack.pop().expect("validated code cannot underflow")
    }

    fn copy_instr(ty: ValType, dst: Slot, src: Slot) -> Instr {
        if ty == ValType::V128 {
            Instr::Copy128 { dst, src }
        } else {
            Instr::Copy { dst, src }
        }
    }

    fn const_instr(dst: Slot, value: u64) -> Instr {
        if value <= u32::MAX as u64 {
            Instr::Const32 {
                dst,
                value: value as u32,
            }
        } else {
            Instr::Const64 { dst, value }
        }
    }

    /// Writes the value of `e` into slot `dst` (if it isn't there already).
    fn write_to(&mut self, e: Entry, dst: Slot) {
        match e.place {
            Place::Local(l) => {
                if l != dst {
                    self.emit(Self::copy_instr(e.ty, dst, l));
                }
            }
            Place::Const(v) => {
                self.emit(Self::const_instr(dst, v));
            }
            Place::Temp => {
                if e.slot != dst {
                    self.emit(Self::copy_instr(e.ty, dst, e.slot));
                }
            }
            Place::Sum(a, imm) => {
                self.emit(Instr::I32AddImm { dst, a, imm });
            }
            Place::Pair(a, b) => {
                self.emit(Instr::I32Add { dst, a, b });
            }
        }
    }

    /// Whether the value of a lazy entry depends on a local.
    fn reads_local(&self, place: Place) -> bool {
        match place {
            Place::Local(_) => true,
            Place::Sum(base, _) => base < self.locals_end,
            Place::Pair(..) => true,
            Place::Const(_) | Place::Temp => false,
        }
    }

    /// Whether the value of a lazy entry depends on local slot `l`.
    fn reads(place: Place, l: Slot) -> bool {
        match place {
            Place::Local(x) | Place::Sum(x, _) => x == l,
            Place::Pair(a, b) => a == l || b == l,
            Place::Const(_) | Place::Temp => false,
        }
    }

    /// Whether reading entry `e` as an operand emits no instruction (so an
    /// instruction emitted just before can still be fused with its
    /// consumer).
    fn is_direct(e: Entry) -> bool {
        matches!(e.place, Place::Local(_) | Place::Const(_) | Place::Temp)
    }

    /// Makes stack entry `i` a `Temp` in its canonical slot.
    fn materialize(&mut self, i: usize) {
        let e = self.stack[i];
        if e.place != Place::Temp {
            self.write_to(e, e.slot);
            self.stack[i].place = Place::Temp;
        }
    }

    /// Materialises every entry that still reads a local (before a block,
    /// whose code might overwrite that local on some paths).
    fn materialize_locals(&mut self) {
        for i in 0..self.stack.len() {
            if self.reads_local(self.stack[i].place) {
                self.materialize(i);
            }
        }
    }

    fn materialize_top(&mut self, n: usize) {
        let len = self.stack.len();
        for i in len - n..len {
            self.materialize(i);
        }
    }

    /// The slot to read an operand from; constants are read from the
    /// function's constant slots, filled once per call, instead of being
    /// written on every execution.
    fn src(&mut self, e: Entry) -> Slot {
        match e.place {
            Place::Local(l) => l,
            Place::Temp => e.slot,
            Place::Const(v) => self.const_slot(v),
            Place::Sum(..) | Place::Pair(..) => {
                self.write_to(e, e.slot);
                e.slot
            }
        }
    }

    /// A provisional slot number (`const_base + index`) for constant `v`,
    /// renumbered to just after the locals when translation ends.
    fn const_slot(&mut self, v: u64) -> Slot {
        let next = self.consts.len() as u32;
        let id = *self.const_ids.entry(v).or_insert(next);
        if id == next {
            self.consts.push(v);
        }
        self.const_base + id
    }

    fn block_type(
        &mut self,
        env: &TranslateEnv<'_>,
        bt: BlockType,
    ) -> (Vec<ValType>, Vec<ValType>) {
        let (mut params, mut results) = (Vec::new(), Vec::new());
        match bt {
            BlockType::Empty => {}
            BlockType::Type(t) => {
                results = self.spare_types.pop().unwrap_or_default();
                results.push(
                    ValType::from_wasmparser(t, env.heap_types).expect("validated value type"),
                );
            }
            BlockType::FuncType(idx) => {
                let ft = &env.types[idx as usize];
                params = self.spare_types.pop().unwrap_or_default();
                params.extend_from_slice(ft.params());
                results = self.spare_types.pop().unwrap_or_default();
                results.extend_from_slice(ft.results());
            }
        }
        (params, results)
    }

    /// Keeps the vectors of a closed block for the next ones.
    fn recycle(&mut self, frame: Control) {
        for mut types in [frame.params, frame.results] {
            if types.capacity() > 0 {
                types.clear();
                self.spare_types.push(types);
            }
        }
        if frame.fixups.capacity() > 0 {
            let mut fixups = frame.fixups;
            fixups.clear();
            self.spare_fixups.push(fixups);
        }
    }

    /// Emits a conditional branch on the popped condition `c` (taken when
    /// it is non-zero, or zero if `negate`); returns its position for
    /// `patch`. A comparison computed just before is fused into the branch.
    fn emit_cond_branch(&mut self, c: Entry, negate: bool) -> usize {
        if c.place == Place::Temp {
            if let Some(at) = self.fusible.filter(|at| at + 1 == self.code.len()) {
                let last = self.code[at];
                if last.result_slot() == Some(c.slot) {
                    // `eqz` of a comparison: branch on the comparison,
                    // negated.
                    if let Instr::I32Eqz { src, dst } | Instr::I64Eqz { src, dst } = last {
                        let cmp = at.checked_sub(1).filter(|&p| self.rewritable(p));
                        if let Some(p) = cmp.filter(|_| src == dst) {
                            if self.code[p].result_slot() == Some(src) {
                                if let Some(fused) = super::ir::fuse_compare(self.code[p], !negate)
                                {
                                    self.code[p] = fused;
                                    self.code.truncate(at);
                                    self.offsets.truncate(at);
                                    self.fusible = None;
                                    return self.merge_into_branch(p);
                                }
                            }
                        }
                    }
                    if let Some(fused) = super::ir::fuse_compare(last, negate) {
                        self.code[at] = fused;
                        self.fusible = None;
                        return self.merge_into_branch(at);
                    }
                }
            }
        }
        let cond = self.src(c);
        if negate {
            self.emit(Instr::BrIfEqz { cond, offset: 0 })
        } else {
            self.emit(Instr::BrIfNez { cond, offset: 0 })
        }
    }

    /// Merges the compare-and-branch at `at` (the last instruction) with the
    /// instruction before it where a fused form exists; returns where the
    /// branch now is.
    fn merge_into_branch(&mut self, at: usize) -> usize {
        let at = self.merge_increment(at);
        self.merge_float_add(at)
    }

    /// `(x + y) cmp c` on f64: an add whose temporary result only the
    /// compare-and-branch at `at` reads, fused into it.
    fn merge_float_add(&mut self, at: usize) -> usize {
        if !self.narrow || at == 0 || !self.rewritable(at - 1) {
            return at;
        }
        let Instr::F64Add { dst: t, a: x, b: y } = self.code[at - 1] else {
            return at;
        };
        // Only a temporary: a local would still need the sum.
        if t < self.locals_end {
            return at;
        }
        macro_rules! table {
            ($( $cmp:ident $mirror:ident => $fused:ident $fused_mirror:ident; )*) => {
                match self.code[at] {
                    $(
                        Instr::$cmp { a, b, offset } if a == t && b != t => Instr::$fused {
                            a: n16(x), b: n16(y), c: n16(b), offset,
                        },
                        Instr::$cmp { a, b, offset } if b == t && a != t => Instr::$fused_mirror {
                            a: n16(x), b: n16(y), c: n16(a), offset,
                        },
                    )*
                    _ => return at,
                }
            };
        }
        // `c < (x + y)` is `(x + y) > c`, also for the NaN-true forms.
        let fused = table! {
            BrF64Eq BrF64Eq => BrF64AddEq BrF64AddEq;
            BrF64Ne BrF64Ne => BrF64AddNe BrF64AddNe;
            BrF64Lt BrF64Gt => BrF64AddLt BrF64AddGt;
            BrF64Gt BrF64Lt => BrF64AddGt BrF64AddLt;
            BrF64Le BrF64Ge => BrF64AddLe BrF64AddGe;
            BrF64Ge BrF64Le => BrF64AddGe BrF64AddLe;
            BrF64NotLt BrF64NotGt => BrF64AddNotLt BrF64AddNotGt;
            BrF64NotGt BrF64NotLt => BrF64AddNotGt BrF64AddNotLt;
            BrF64NotLe BrF64NotGe => BrF64AddNotLe BrF64AddNotGe;
            BrF64NotGe BrF64NotLe => BrF64AddNotGe BrF64AddNotLe;
        };
        self.code[at - 1] = fused;
        self.code.truncate(at);
        self.offsets.truncate(at);
        at - 1
    }

    /// Merges the compare-and-branch at `at` (the last instruction) with
    /// an in-place `i32.add` of the compared slot just before it, the
    /// usual end of a counted loop; returns where the branch now is.
    fn merge_increment(&mut self, at: usize) -> usize {
        if !self.narrow || at == 0 || !self.rewritable(at - 1) {
            return at;
        }
        let (x, step) = match self.code[at - 1] {
            Instr::I32AddImm { dst, a, imm } if dst == a => (dst, Operand::Imm(imm)),
            Instr::I32Add { dst, a, b } if dst == a && b != dst => (dst, Operand::Slot(b)),
            Instr::I32Add { dst, a, b } if dst == b && a != dst => (dst, Operand::Slot(a)),
            _ => return at,
        };
        let Some((cmp, bound, offset)) = counter_compare(self.code[at], x) else {
            return at;
        };
        self.code[at - 1] = add_branch(cmp, x, step, bound, offset);
        self.code.truncate(at);
        self.offsets.truncate(at);
        at - 1
    }

    // ---- control flow -----------------------------------------------------

    fn push_control(&mut self, kind: ControlKind, params: Vec<ValType>, results: Vec<ValType>) {
        let height = self.stack.len() - params.len();
        let base_slot = if height < self.stack.len() {
            self.stack[height].slot
        } else {
            self.next_slot()
        };
        self.controls.push(Control {
            kind,
            params,
            results,
            height,
            base_slot,
            head: self.code.len(),
            fixups: self.spare_fixups.pop().unwrap_or_default(),
            else_fixup: None,
            reachable_at_entry: self.reachable,
            try_scope: None,
        });
    }

    /// Moves the top `n` operands to consecutive slots starting at `base`
    /// (ascending order is safe: sources never sit below their targets).
    fn move_top_to(&mut self, n: usize, base: Slot) {
        let len = self.stack.len();
        let mut dst = base;
        for i in len - n..len {
            let e = self.stack[i];
            self.write_to(e, dst);
            dst += slots_of(e.ty);
        }
    }

    /// Whether the top `n` operands already sit in their slots from `base`.
    fn top_in_place(&self, n: usize, base: Slot) -> bool {
        let len = self.stack.len();
        let mut dst = base;
        for e in &self.stack[len - n..] {
            let ok = match e.place {
                Place::Temp => e.slot == dst,
                Place::Local(l) => l == dst,
                Place::Const(_) | Place::Sum(..) | Place::Pair(..) => false,
            };
            if !ok {
                return false;
            }
            dst += slots_of(e.ty);
        }
        true
    }

    /// Emits the return sequence for the function's results on top of the
    /// stack.
    fn emit_return(&mut self) {
        let results = self.controls[0].results.clone();
        let n = results.len();
        match n {
            0 => {
                self.emit(Instr::Return);
            }
            1 => {
                let e = *self.stack.last().expect("result");
                match (e.place, e.ty) {
                    (Place::Const(value), _) => {
                        self.emit(Instr::ReturnConst { value });
                    }
                    (_, ValType::V128) => {
                        let src = self.src(e);
                        self.emit(Instr::ReturnSlot128 { src });
                    }
                    _ => {
                        let src = self.src(e);
                        self.emit(Instr::ReturnSlot { src });
                    }
                }
            }
            _ => {
                let len = self.stack.len();
                let first = self.stack[len - n].slot;
                let total: Slot = results.iter().map(|t| slots_of(*t)).sum();
                // Materialise into canonical slots, then move down to 0.
                for i in len - n..len {
                    let e = self.stack[i];
                    self.write_to(e, e.slot);
                }
                self.emit(Instr::ReturnMany {
                    src: first,
                    len: total,
                });
            }
        }
    }

    /// Emits a conditional branch to label `depth` (its values on top of
    /// the stack). `emit(self, negate)` emits the conditional jump, taken
    /// when the condition holds (or, with `negate`, when it does not) and
    /// returns its position. When the values already sit in the label's
    /// slots that jump goes to the label; otherwise it skips over the
    /// value moves and an unconditional branch.
    fn cond_branch_to(&mut self, depth: u32, emit: impl FnOnce(&mut Self, bool) -> usize) {
        let target = self.controls.len() - 1 - depth as usize;
        let kind = self.controls[target].kind;
        let n = self.controls[target].label_types().len();
        let base = self.controls[target].base_slot;
        if kind != ControlKind::Function && self.top_in_place(n, base) {
            let at = emit(self, false);
            if kind == ControlKind::Loop {
                let head = self.controls[target].head;
                self.patch(at, head);
            } else {
                self.controls[target].fixups.push(at);
            }
        } else {
            let skip = emit(self, true);
            let saved = self.stack.clone();
            self.emit_branch(depth);
            self.stack = saved;
            let here = self.label();
            self.patch(skip, here);
        }
    }

    /// Emits a branch to label `depth` (its values on top of the stack)
    /// taken when the reference in slot `cond` is non-null
    /// (`when_non_null`) or null. References are 64-bit: never test them
    /// with the 32-bit branch forms.
    fn branch_on_ref(&mut self, depth: u32, cond: Slot, when_non_null: bool) {
        self.cond_branch_to(depth, |t, negate| {
            t.emit(if when_non_null != negate {
                Instr::BrIfNez64 { cond, offset: 0 }
            } else {
                Instr::BrIfEqz64 { cond, offset: 0 }
            })
        });
    }

    /// `try_table`: a block whose catch clauses get landing code ahead of
    /// its body (jumped over on entry). Each landing expects the clause's
    /// values in the slots they would have as operands pushed right where
    /// the block starts, and branches with them to the clause's label,
    /// like `br`. The exception unwinder (`exec::catch`) writes them there.
    fn try_table(&mut self, env: &TranslateEnv<'_>, t: &wasmparser::TryTable) {
        let (params, results) = self.block_type(env, t.ty);
        self.materialize_locals();
        let n = params.len();
        self.materialize_top(n);
        let height = self.stack.len() - n;
        let skip = self.emit(Instr::Br { offset: 0 });
        let mut catches = Vec::with_capacity(t.catches.len());
        for c in &t.catches {
            use wasmparser::Catch as C;
            let (tag, with_ref, label) = match *c {
                C::One { tag, label } => (Some(tag), false, label),
                C::OneRef { tag, label } => (Some(tag), true, label),
                C::All { label } => (None, false, label),
                C::AllRef { label } => (None, true, label),
            };
            let mut types = match tag {
                Some(tag) => env.types[env.tags[tag as usize] as usize].params().to_vec(),
                None => Vec::new(),
            };
            if with_ref {
                types.push(ValType::ExnRef);
            }
            let saved = self.stack.clone();
            self.stack.truncate(height);
            let slot = self.next_slot();
            for ty in types {
                self.push_temp(ty);
            }
            let landing = self.label();
            // The clause's label counts from outside the try_table.
            self.emit_branch(label);
            self.stack = saved;
            catches.push(Catch {
                tag,
                with_ref,
                landing: landing as u32,
                slot,
            });
        }
        let start = self.label();
        self.patch(skip, start);
        self.push_control(ControlKind::Block, params, results);
        self.controls.last_mut().expect("try_table").try_scope =
            Some(Box::new(TryScope { start, catches }));
    }

    /// Emits an unconditional branch to label `depth` (values on top).
    fn emit_branch(&mut self, depth: u32) {
        let target = self.controls.len() - 1 - depth as usize;
        if self.controls[target].kind == ControlKind::Function {
            self.emit_return();
            return;
        }
        let n = self.controls[target].label_types().len();
        let base = self.controls[target].base_slot;
        self.move_top_to(n, base);
        self.emit_jump_to(target);
    }

    /// Emits `Br` to control `target` (its head for loops, else patched at
    /// its end).
    fn emit_jump_to(&mut self, target: usize) {
        if self.controls[target].kind == ControlKind::Loop {
            let head = self.controls[target].head;
            let at = self.code.len();
            self.emit(Instr::Br {
                offset: head as i32 - at as i32,
            });
        } else {
            let at = self.emit(Instr::Br { offset: 0 });
            self.controls[target].fixups.push(at);
        }
    }

    fn patch(&mut self, at: usize, to: usize) {
        let rel = to as i32 - at as i32;
        match self.code[at].branch_offset_mut() {
            Some(offset) => *offset = rel,
            None => unreachable!("patching a non-branch {:?}", self.code[at]),
        }
    }

    /// Truncates the stack to `height` and pushes `types` as temps.
    fn reset_stack(&mut self, height: usize, types: &[ValType]) {
        self.stack.truncate(height);
        for &t in types {
            self.push_temp(t);
        }
    }

    fn end(&mut self) {
        let body_end = self.code.len();
        if let Some(scope) = self.controls.last_mut().and_then(|c| c.try_scope.take()) {
            self.handlers.push(TryRange {
                start: scope.start as u32,
                end: body_end as u32,
                catches: scope.catches.into_boxed_slice(),
            });
        }
        let frame = self.controls.last().expect("control frame");
        let n = frame.results.len();
        if frame.kind == ControlKind::Function {
            if self.reachable {
                self.emit_return();
            }
            let frame = self.controls.pop().expect("function frame");
            let end = self.label();
            for &at in &frame.fixups {
                self.patch(at, end);
            }
            self.recycle(frame);
            return;
        }
        if self.reachable {
            // Results go to the block's canonical slots.
            let base = frame.base_slot;
            self.move_top_to(n, base);
        }
        let frame = self.controls.pop().expect("control frame");
        let end = self.label();
        let mut reachable = self.reachable || !frame.fixups.is_empty();
        for &at in &frame.fixups {
            self.patch(at, end);
        }
        if let Some(at) = frame.else_fixup {
            // `if` without `else`: the false path falls through with the
            // parameters as results (they are already in place).
            self.patch(at, end);
            reachable |= frame.reachable_at_entry;
        }
        self.reset_stack(frame.height, &frame.results);
        self.reachable = reachable;
        self.recycle(frame);
    }

    // ---- operators --------------------------------------------------------

    fn unary(&mut self, ty: ValType, make: impl FnOnce(Slot, Slot) -> Instr) {
        let a = self.pop();
        let src = self.src(a);
        let dst = self.push_temp(ty);
        self.emit_result(make(dst, src));
    }

    fn binary(&mut self, ty: ValType, make: impl FnOnce(Slot, Slot, Slot) -> Instr) {
        let b = self.pop();
        let a = self.pop();
        let sa = self.src(a);
        let sb = self.src(b);
        let dst = self.push_temp(ty);
        self.emit_result(make(dst, sa, sb));
    }

    /// A binary integer operator with an immediate form for constant
    /// right-hand sides that fit in an `i32`.
    fn binary_imm(
        &mut self,
        ty: ValType,
        make: impl FnOnce(Slot, Slot, Slot) -> Instr,
        make_imm: impl FnOnce(Slot, Slot, i32) -> Instr,
    ) {
        let b = *self.stack.last().expect("operand");
        if let Place::Const(v) = b.place {
            let imm = if b.ty == ValType::I32 {
                Some(v as u32 as i32)
            } else {
                i32::try_from(v as i64).ok()
            };
            if let Some(imm) = imm {
                self.pop();
                let a = self.pop();
                let sa = self.src(a);
                let dst = self.push_temp(ty);
                self.emit_result(make_imm(dst, sa, imm));
                return;
            }
        }
        self.binary(ty, make)
    }

    /// A load without narrow forms (v128 loads, and every load in wide
    /// translations).
    fn load_plain(
        &mut self,
        ty: ValType,
        memarg: &wasmparser::MemArg,
        make: impl FnOnce(Slot, Slot, u32) -> Instr,
    ) {
        let a = self.pop();
        let addr = self.src(a);
        let dst = self.push_temp(ty);
        self.emit_result(make(dst, addr, memarg.offset as u32));
    }

    /// A store without narrow forms.
    fn store_plain(
        &mut self,
        memarg: &wasmparser::MemArg,
        make: impl FnOnce(Slot, Slot, u32) -> Instr,
    ) {
        let v = self.pop();
        let a = self.pop();
        let addr = self.src(a);
        let src = self.src(v);
        self.emit(make(addr, src, memarg.offset as u32));
    }

    /// The address operand of a narrow access, from its popped address
    /// entry: a pending `i32.add` becomes part of the access.
    fn address(&mut self, a: Entry) -> Address {
        match a.place {
            Place::Sum(base, imm) => Address::Disp(base, imm),
            Place::Pair(base, index) => Address::Indexed(base, index),
            Place::Local(l) => Address::Disp(l, 0),
            Place::Temp => Address::Disp(a.slot, 0),
            Place::Const(v) => Address::Disp(self.const_slot(v), 0),
        }
    }

    /// A scalar load: `wide` in wide translations, else the narrow form
    /// for its address (`disp` for `base + imm`, `indexed` for
    /// `base + index`).
    fn load(
        &mut self,
        ty: ValType,
        memarg: &wasmparser::MemArg,
        wide: impl FnOnce(Slot, Slot, u32) -> Instr,
        disp: impl FnOnce(Slot16, Slot16, i32, u32) -> Instr,
        indexed: impl FnOnce(Slot16, Slot16, Slot16, u32) -> Instr,
    ) {
        if !self.narrow {
            return self.load_plain(ty, memarg, wide);
        }
        let a = self.pop();
        let fused_add = self.fusible_add(a);
        let addr = match fused_add {
            Some((_, addr)) => addr,
            None => self.address(a),
        };
        let dst = n16(self.push_temp(ty));
        let offset = memarg.offset as u32;
        let instr = match addr {
            Address::Disp(base, imm) => disp(dst, n16(base), imm, offset),
            Address::Indexed(base, index) => indexed(dst, n16(base), n16(index), offset),
        };
        if fused_add.is_none() && self.fuse_pre_increment(a, instr) {
            return;
        }
        match fused_add {
            Some((at, _)) => {
                self.code[at] = instr;
                // Traps now come from the access: point backtraces at it.
                self.point_at_current(at);
                self.fusible = Some(at);
            }
            None => self.emit_result(instr),
        }
    }

    /// `*++p`: a load from local `p` just after `p += imm` (the add being
    /// the last instruction, with no label in between) becomes one
    /// pre-incrementing load, the add's immediate as its displacement.
    fn fuse_pre_increment(&mut self, a: Entry, load: Instr) -> bool {
        let Place::Local(l) = a.place else {
            return false;
        };
        let Some(at) = self.last_rewritable() else {
            return false;
        };
        let Instr::I32AddImm { dst, a: src, imm } = self.code[at] else {
            return false;
        };
        if dst != l || src != l {
            return false;
        }
        let Some((base, fused)) = load.pre_incrementing(imm) else {
            return false;
        };
        if base != l {
            return false;
        }
        self.code[at] = fused;
        // Traps come from the load part.
        self.point_at_current(at);
        self.fusible = Some(at);
        true
    }

    /// `x[i] = x[i] op a`: a float `Disp` operator computed just before the
    /// store of its result to the address its memory operand came from
    /// becomes one read-modify-write instruction.
    fn fuse_disp_store(&mut self, memarg: &wasmparser::MemArg) -> bool {
        let len = self.stack.len();
        let (addr, v) = (self.stack[len - 2], self.stack[len - 1]);
        let Some(at) = self.producer_of(v) else {
            return false;
        };
        // The store's address, as an operator's memory operand.
        let (base, imm) = match addr.place {
            Place::Sum(base, imm) => (base, imm),
            Place::Local(l) => (l, 0),
            Place::Temp => (addr.slot, 0),
            _ => return false,
        };
        let store = (n16(base), imm, memarg.offset as u32);
        macro_rules! table {
            ($( $op:ident => $fused:ident; )*) => {
                match self.code[at] {
                    $(
                        Instr::$op { a, base, imm, offset, .. } if (base, imm, offset) == store => {
                            Instr::$fused { a, base, imm, offset }
                        }
                    )*
                    _ => return false,
                }
            };
        }
        // The value's width must match: f32 ops are stored by i32.store
        // and f64 ops by i64.store (as `v`'s type says).
        let fused = match v.ty {
            ValType::F32 | ValType::F64 => table! {
                F32AddDisp => F32AddDispStore;
                F32SubDisp => F32SubDispStore;
                F32RsubDisp => F32RsubDispStore;
                F32MulDisp => F32MulDispStore;
                F64AddDisp => F64AddDispStore;
                F64SubDisp => F64SubDispStore;
                F64RsubDisp => F64RsubDispStore;
                F64MulDisp => F64MulDispStore;
            },
            _ => return false,
        };
        self.pop();
        self.pop();
        // A trap still comes from the load part: keep its offset.
        self.code[at] = fused;
        self.fusible = None;
        true
    }

    /// An `i32.add` emitted just before that computed the address entry
    /// `a` (one that could not stay pending, e.g. with a computed right
    /// operand): its position and operands as an address.
    fn fusible_add(&self, a: Entry) -> Option<(usize, Address)> {
        let at = self.producer_of(a)?;
        match self.code[at] {
            Instr::I32Add { a, b, .. } => Some((at, Address::Indexed(a, b))),
            Instr::I32AddImm { a, imm, .. } => Some((at, Address::Disp(a, imm))),
            _ => None,
        }
    }

    /// A scalar store, like `load`.
    fn store(
        &mut self,
        memarg: &wasmparser::MemArg,
        wide: impl FnOnce(Slot, Slot, u32) -> Instr,
        disp: impl FnOnce(Slot16, Slot16, i32, u32) -> Instr,
        indexed: impl FnOnce(Slot16, Slot16, Slot16, u32) -> Instr,
    ) {
        if !self.narrow {
            return self.store_plain(memarg, wide);
        }
        if self.fuse_disp_store(memarg) {
            return;
        }
        let v = self.pop();
        let a = self.pop();
        // An add computed last can be absorbed when the value needs no
        // instruction of its own.
        let fused_add = if Self::is_direct(v) {
            self.fusible_add(a)
        } else {
            None
        };
        // The value's slot lies above the address entry's, so computing
        // it cannot disturb the address operands.
        let src = n16(self.src(v));
        let addr = match fused_add {
            Some((_, addr)) => addr,
            None => self.address(a),
        };
        let offset = memarg.offset as u32;
        let instr = match addr {
            Address::Disp(base, imm) => disp(src, n16(base), imm, offset),
            Address::Indexed(base, index) => indexed(src, n16(base), n16(index), offset),
        };
        match fused_add {
            Some((at, _)) => {
                self.code[at] = instr;
                self.point_at_current(at);
                self.fusible = None;
            }
            None => {
                self.emit(instr);
            }
        }
    }

    /// `i32.add` / `i32.sub`. In narrow translations an addition of a
    /// constant or of a local stays pending (`Place::Sum` / `Pair`), for a
    /// memory access to absorb as its address; anything else is computed
    /// now.
    fn i32_add(&mut self, subtract: bool) {
        let len = self.stack.len();
        let (a, b) = (self.stack[len - 2], self.stack[len - 1]);
        if !subtract && self.fuse_mul_add_imm(ValType::I32) {
            return;
        }
        let pending = if !self.narrow {
            None
        } else {
            match (a.place, b.place) {
                (_, Place::Const(v)) => {
                    let k = if subtract {
                        (v as u32).wrapping_neg()
                    } else {
                        v as u32
                    } as i32;
                    match a.place {
                        Place::Const(x) => {
                            Some(Place::Const((x as u32).wrapping_add(k as u32) as u64))
                        }
                        Place::Local(l) => Some(Place::Sum(l, k)),
                        // The result's canonical slot is `a`'s own.
                        Place::Temp => Some(Place::Sum(a.slot, k)),
                        Place::Sum(base, j) => Some(Place::Sum(base, j.wrapping_add(k))),
                        Place::Pair(..) => None,
                    }
                }
                (Place::Const(v), Place::Local(l)) if !subtract => {
                    Some(Place::Sum(l, v as u32 as i32))
                }
                (Place::Local(x), Place::Local(y)) if !subtract => Some(Place::Pair(x, y)),
                (Place::Temp, Place::Local(y)) if !subtract => Some(Place::Pair(a.slot, y)),
                _ => None,
            }
        };
        if let Some(place) = pending {
            self.pop();
            self.pop();
            self.push(place, ValType::I32);
        } else if subtract {
            self.binary_imm(
                ValType::I32,
                |dst, a, b| Instr::I32Sub { dst, a, b },
                |dst, a, imm| Instr::I32SubImm { dst, a, imm },
            )
        } else {
            self.binary_imm(
                ValType::I32,
                |dst, a, b| Instr::I32Add { dst, a, b },
                |dst, a, imm| Instr::I32AddImm { dst, a, imm },
            )
        }
    }

    /// `(x * k1) + k2` with both constants as immediates: one instruction
    /// when the multiplication was emitted just before (narrow only).
    fn fuse_mul_add_imm(&mut self, ty: ValType) -> bool {
        let len = self.stack.len();
        let (a, b) = (self.stack[len - 2], self.stack[len - 1]);
        let Place::Const(v) = b.place else {
            return false;
        };
        let add = if ty == ValType::I32 {
            Some(v as u32 as i32)
        } else {
            i32::try_from(v as i64).ok()
        };
        let (Some(add), Some(at)) = (add.filter(|_| self.narrow), self.producer_of(a)) else {
            return false;
        };
        let fused = match self.code[at] {
            Instr::I32MulImm { a: x, imm, .. } if ty == ValType::I32 => Instr::I32MulAddImm {
                dst: 0,
                a: n16(x),
                mul: imm,
                add,
            },
            Instr::I64MulImm { a: x, imm, .. } if ty == ValType::I64 => Instr::I64MulAddImm {
                dst: 0,
                a: n16(x),
                mul: imm,
                add,
            },
            _ => return false,
        };
        self.pop();
        self.pop();
        let dst = self.push_temp(ty);
        self.code[at] = fused;
        self.code[at].set_result_slot(dst);
        self.fusible = Some(at);
        true
    }

    /// The last emitted instruction, if it computed the `Temp` entry `e`
    /// and may still be rewritten (no label since).
    fn producer_of(&self, e: Entry) -> Option<usize> {
        let at = self.fusible.filter(|at| at + 1 == self.code.len())?;
        (e.place == Place::Temp && self.code[at].result_slot() == Some(e.slot)).then_some(at)
    }

    /// Float add, subtract, multiply or divide. Narrow translations fuse
    /// the instruction that computed one operand just before: a load (the
    /// operand comes straight from memory) or, for add and subtract, a
    /// multiplication (multiply-add, rounded twice as the two operators).
    fn float_arith(
        &mut self,
        ty: ValType,
        op: Arith,
        make: impl FnOnce(Slot, Slot, Slot) -> Instr,
    ) {
        if self.narrow && self.fuse_float_arith(ty, op) {
            return;
        }
        self.binary(ty, make)
    }

    fn fuse_float_arith(&mut self, ty: ValType, op: Arith) -> bool {
        let len = self.stack.len();
        let (a, b) = (self.stack[len - 2], self.stack[len - 1]);
        // Which operand came from the last instruction: the other one must
        // be readable without emitting anything.
        let (at, right, other) = match (self.producer_of(b), self.producer_of(a)) {
            (Some(at), _) if Self::is_direct(a) => (at, true, a),
            (None, Some(at)) if Self::is_direct(b) => (at, false, b),
            _ => return false,
        };
        let is_f64 = ty == ValType::F64;
        enum Fuse {
            Load(Slot16, i32, u32),
            Pair(Arith, Slot16, Slot16),
        }
        let how = match self.code[at] {
            Instr::I64LoadDisp {
                base, imm, offset, ..
            } if is_f64 => Fuse::Load(base, imm, offset),
            Instr::I32LoadDisp {
                base, imm, offset, ..
            } if !is_f64 => Fuse::Load(base, imm, offset),
            Instr::F64Add { a: x, b: y, .. } if is_f64 => Fuse::Pair(Arith::Add, n16(x), n16(y)),
            Instr::F64Sub { a: x, b: y, .. } if is_f64 => Fuse::Pair(Arith::Sub, n16(x), n16(y)),
            Instr::F64Mul { a: x, b: y, .. } if is_f64 => Fuse::Pair(Arith::Mul, n16(x), n16(y)),
            Instr::F32Add { a: x, b: y, .. } if !is_f64 => Fuse::Pair(Arith::Add, n16(x), n16(y)),
            Instr::F32Sub { a: x, b: y, .. } if !is_f64 => Fuse::Pair(Arith::Sub, n16(x), n16(y)),
            Instr::F32Mul { a: x, b: y, .. } if !is_f64 => Fuse::Pair(Arith::Mul, n16(x), n16(y)),
            _ => return false,
        };
        if matches!(how, Fuse::Pair(..)) && op == Arith::Div {
            return false;
        }
        self.pop();
        self.pop();
        let o = n16(self.src(other));
        let dst = n16(self.push_temp(ty));
        macro_rules! pick {
            ($f32:ident, $f64:ident { $($field:ident: $value:expr),* }) => {
                if is_f64 {
                    Instr::$f64 { dst, $($field: $value),* }
                } else {
                    Instr::$f32 { dst, $($field: $value),* }
                }
            };
        }
        self.code[at] = match how {
            Fuse::Load(base, imm, offset) => match (op, right) {
                (Arith::Add, _) => pick!(
                    F32AddDisp,
                    F64AddDisp {
                        a: o,
                        base: base,
                        imm: imm,
                        offset: offset
                    }
                ),
                (Arith::Mul, _) => pick!(
                    F32MulDisp,
                    F64MulDisp {
                        a: o,
                        base: base,
                        imm: imm,
                        offset: offset
                    }
                ),
                (Arith::Sub, true) => pick!(
                    F32SubDisp,
                    F64SubDisp {
                        a: o,
                        base: base,
                        imm: imm,
                        offset: offset
                    }
                ),
                (Arith::Sub, false) => pick!(
                    F32RsubDisp,
                    F64RsubDisp {
                        a: o,
                        base: base,
                        imm: imm,
                        offset: offset
                    }
                ),
                (Arith::Div, true) => pick!(
                    F32DivDisp,
                    F64DivDisp {
                        a: o,
                        base: base,
                        imm: imm,
                        offset: offset
                    }
                ),
                (Arith::Div, false) => pick!(
                    F32RdivDisp,
                    F64RdivDisp {
                        a: o,
                        base: base,
                        imm: imm,
                        offset: offset
                    }
                ),
            },
            // `o op (x op1 y)` when `right`, else `(x op1 y) op o`.
            Fuse::Pair(op1, x, y) => {
                macro_rules! pair {
                    ($($op1:ident: $add:ident $sub:ident $rsub:ident $mul:ident,
                       $add64:ident $sub64:ident $rsub64:ident $mul64:ident;)*) => {
                        match op1 {
                            $(Arith::$op1 => match (op, right) {
                                (Arith::Add, _) => pick!($add, $add64 { a: x, b: y, c: o }),
                                (Arith::Mul, _) => pick!($mul, $mul64 { a: x, b: y, c: o }),
                                (Arith::Sub, false) => pick!($sub, $sub64 { a: x, b: y, c: o }),
                                (Arith::Sub, true) => pick!($rsub, $rsub64 { a: x, b: y, c: o }),
                                (Arith::Div, _) => unreachable!("division does not fuse"),
                            },)*
                            Arith::Div => unreachable!("division does not fuse"),
                        }
                    };
                }
                pair! {
                    Add: F32AddAdd F32AddSub F32AddRsub F32AddMul,
                         F64AddAdd F64AddSub F64AddRsub F64AddMul;
                    Sub: F32SubAdd F32SubSub F32SubRsub F32SubMul,
                         F64SubAdd F64SubSub F64SubRsub F64SubMul;
                    Mul: F32MulAdd F32MulSub F32MulRsub F32MulMul,
                         F64MulAdd F64MulSub F64MulRsub F64MulMul;
                }
            }
        };
        self.fusible = Some(at);
        true
    }

    /// `select` of scalars. Narrow translations write the result to a
    /// fresh slot (so `local.set` can retarget it) and fuse an integer
    /// comparison or `eqz` computed just before as the condition.
    fn select(&mut self) {
        let len = self.stack.len();
        let (a, b, c) = (
            self.stack[len - 3],
            self.stack[len - 2],
            self.stack[len - 1],
        );
        let producer = self
            .producer_of(c)
            .filter(|_| Self::is_direct(a) && Self::is_direct(b));
        self.stack.truncate(len - 3);
        let cond = match producer {
            Some(_) => n16(c.slot),
            None => n16(self.src(c)),
        };
        let sb = n16(self.src(b));
        let sa = n16(self.src(a));
        let dst = n16(self.push_temp(a.ty));
        if let Some(at) = producer {
            // `select(a, b, eqz(x & imm))` is a bit test with `a` and `b`
            // swapped: fuse all three.
            if let Instr::I32Eqz { src, dst: d } | Instr::I64Eqz { src, dst: d } = self.code[at] {
                let and = at
                    .checked_sub(1)
                    .filter(|&p| self.rewritable(p) && src == d);
                let test = and.and_then(|p| match self.code[p] {
                    Instr::I32AndImm { dst: t, a: x, imm } if t == src => Some((p, x, imm, false)),
                    Instr::I64AndImm { dst: t, a: x, imm } if t == src => Some((p, x, imm, true)),
                    _ => None,
                });
                if let Some((p, x, imm, wide)) = test {
                    let (a, b, x) = (sb, sa, n16(x));
                    self.code[p] = if wide {
                        Instr::SelectI64TestImm { dst, a, b, x, imm }
                    } else {
                        Instr::SelectI32TestImm { dst, a, b, x, imm }
                    };
                    self.code.truncate(at);
                    self.offsets.truncate(at);
                    self.fusible = Some(p);
                    return;
                }
            }
            if let Some(fused) = Self::fused_select(self.code[at], dst, sa, sb) {
                self.code[at] = fused;
                self.fusible = Some(at);
                return;
            }
        }
        self.emit_result(Instr::SelectNz32 {
            dst,
            a: sa,
            b: sb,
            c: cond,
        });
    }

    /// `select(a, b, cond)` into `dst` with the comparison `cond` (which
    /// computed the condition) fused in, if it fuses.
    fn fused_select(cond: Instr, dst: Slot16, a: Slot16, b: Slot16) -> Option<Instr> {
        macro_rules! table {
            ($( $cmp:ident, $cmpi:ident => $sel:ident, $seli:ident; )*) => {
                match cond {
                    $(
                        Instr::$cmp { a: x, b: y, .. } => Some(Instr::$sel {
                            dst, a, b, x: n16(x), y: n16(y),
                        }),
                        Instr::$cmpi { a: x, imm, .. } => Some(Instr::$seli {
                            dst, a, b, x: n16(x), imm,
                        }),
                    )*
                    Instr::I32AndImm { a: x, imm, .. } => Some(Instr::SelectI32TestImm {
                        dst, a, b, x: n16(x), imm,
                    }),
                    // `select(a, b, eqz(v))` is `select(b, a, v)`.
                    Instr::I32Eqz { src, .. } => Some(Instr::SelectNz32 {
                        dst, a: b, b: a, c: n16(src),
                    }),
                    Instr::I64Eqz { src, .. } => Some(Instr::SelectNz64 {
                        dst, a: b, b: a, c: n16(src),
                    }),
                    _ => None,
                }
            };
        }
        table! {
            I32Eq, I32EqImm => SelectI32Eq, SelectI32EqImm;
            I32Ne, I32NeImm => SelectI32Ne, SelectI32NeImm;
            I32LtS, I32LtSImm => SelectI32LtS, SelectI32LtSImm;
            I32LtU, I32LtUImm => SelectI32LtU, SelectI32LtUImm;
            I32GtS, I32GtSImm => SelectI32GtS, SelectI32GtSImm;
            I32GtU, I32GtUImm => SelectI32GtU, SelectI32GtUImm;
            I32LeS, I32LeSImm => SelectI32LeS, SelectI32LeSImm;
            I32LeU, I32LeUImm => SelectI32LeU, SelectI32LeUImm;
            I32GeS, I32GeSImm => SelectI32GeS, SelectI32GeSImm;
            I32GeU, I32GeUImm => SelectI32GeU, SelectI32GeUImm;
            I64Eq, I64EqImm => SelectI64Eq, SelectI64EqImm;
            I64Ne, I64NeImm => SelectI64Ne, SelectI64NeImm;
            I64LtS, I64LtSImm => SelectI64LtS, SelectI64LtSImm;
            I64LtU, I64LtUImm => SelectI64LtU, SelectI64LtUImm;
            I64GtS, I64GtSImm => SelectI64GtS, SelectI64GtSImm;
            I64GtU, I64GtUImm => SelectI64GtU, SelectI64GtUImm;
            I64LeS, I64LeSImm => SelectI64LeS, SelectI64LeSImm;
            I64LeU, I64LeUImm => SelectI64LeU, SelectI64LeUImm;
            I64GeS, I64GeSImm => SelectI64GeS, SelectI64GeSImm;
            I64GeU, I64GeUImm => SelectI64GeU, SelectI64GeUImm;
        }
    }

    /// In narrow translations, the copies of the first two of `n` call
    /// arguments that are still locals are left to the call instruction
    /// (its `Args` form): their entries are marked in place without an
    /// instruction, and the sources returned (a slot's own number where
    /// nothing is copied). Materialising the other arguments writes only
    /// their own stack slots, so it cannot disturb these sources.
    fn deferred_arg_copies(&mut self, n: usize) -> Option<[Slot16; 2]> {
        if !self.narrow || n == 0 {
            return None;
        }
        let first = self.stack.len() - n;
        let base = self.stack[first].slot;
        let mut srcs = [n16(base), n16(base + 1)];
        let mut any = false;
        for (k, src) in srcs.iter_mut().enumerate().take(n.min(2)) {
            let e = self.stack[first + k];
            if e.ty == ValType::V128 {
                break;
            }
            if let Place::Local(l) = e.place {
                *src = n16(l);
                self.stack[first + k].place = Place::Temp;
                any = true;
            }
        }
        any.then_some(srcs)
    }

    /// Materialises the top `n` operands, pops them and returns the slot of
    /// the first (for instructions taking consecutive `args`).
    fn pop_args(&mut self, n: usize) -> Slot {
        self.materialize_top(n);
        let len = self.stack.len();
        let slot = if n == 0 {
            self.next_slot()
        } else {
            self.stack[len - n].slot
        };
        self.stack.truncate(len - n);
        slot
    }

    /// Emits a call sequence: arguments are moved into place and the
    /// callee's results pushed.
    fn call(&mut self, ty: &FuncType, make: impl FnOnce(Slot, Option<[Slot16; 2]>) -> Instr) {
        let copies = self.deferred_arg_copies(ty.params().len());
        let args = self.pop_args(ty.params().len());
        // The callee's frame starts at `args`; reserve room for results.
        self.emit(make(args, copies));
        for &t in ty.results() {
            self.push_temp(t);
        }
        // Results in place are not retargetable (they come from a call).
        self.fusible = None;
    }

    fn local_get(&mut self, local: u32) {
        let l = self.local_slots[local as usize];
        let t = self.local_types[local as usize];
        self.push(Place::Local(l), t);
    }

    fn block(&mut self, env: &TranslateEnv<'_>, blockty: BlockType) {
        let (params, results) = self.block_type(env, blockty);
        self.materialize_locals();
        let n = params.len();
        self.materialize_top(n);
        self.push_control(ControlKind::Block, params, results);
    }

    fn br(&mut self, depth: u32) {
        self.emit_branch(depth);
        self.reachable = false;
    }

    fn br_if(&mut self, depth: u32) {
        let c = self.pop();
        self.cond_branch_to(depth, |t, negate| t.emit_cond_branch(c, negate));
    }

    fn local_set(&mut self, local: u32, tee: bool) {
        let l = self.local_slots[local as usize];
        let v = self.pop();
        // Entries still reading the local's old value must be saved first.
        let mut saved = false;
        for i in 0..self.stack.len() {
            if Self::reads(self.stack[i].place, l) {
                self.materialize(i);
                saved = true;
            }
        }
        let fused = !saved
            && v.place == Place::Temp
            && match self.fusible {
                Some(at) if at + 1 == self.code.len() => match self.code[at].result_slot() {
                    Some(dst) if dst == v.slot => {
                        self.code[at].set_result_slot(l);
                        true
                    }
                    _ => false,
                },
                _ => false,
            };
        let fused = fused || (!saved && self.fuse_add_copy(v, l));
        if !fused {
            self.write_to(v, l);
        }
        self.fusible = None;
        if tee {
            if fused || matches!(v.place, Place::Sum(..) | Place::Pair(..)) {
                self.stack.push(Entry {
                    place: Place::Local(l),
                    ..v
                });
            } else {
                self.stack.push(v);
            }
        }
    }

    /// `local.set l` of local `x` just computed by `x = a + imm` (the
    /// last instruction, no label since): one add writing both locals.
    fn fuse_add_copy(&mut self, v: Entry, l: Slot) -> bool {
        let Place::Local(x) = v.place else {
            return false;
        };
        let Some(at) = self.last_rewritable() else {
            return false;
        };
        if !self.narrow || x == l {
            return false;
        }
        let Instr::I32AddImm { dst, a, imm } = self.code[at] else {
            return false;
        };
        if dst != x {
            return false;
        }
        self.code[at] = Instr::I32AddImmCopy {
            dst: n16(l),
            copy: n16(x),
            a: n16(a),
            imm,
        };
        true
    }

    fn operator(
        &mut self,
        env: &TranslateEnv<'_>,
        op: &Operator<'_>,
        offset: usize,
    ) -> Result<(), Error> {
        use Operator as O;
        use ValType::*;
        if !self.reachable {
            return self.unreachable_operator(op);
        }
        if let Some((kind, ty, memarg, lane)) = mem_access_of(op) {
            if let Some(memory) = generic_memory(env, &memarg) {
                self.mem_access(kind, ty, memory, memarg.offset, lane);
                return Ok(());
            }
        }
        macro_rules! bin {
            ($t:expr, $v:ident) => {
                self.binary($t, |dst, a, b| Instr::$v { dst, a, b })
            };
        }
        macro_rules! bini {
            ($t:expr, $v:ident, $vi:ident) => {
                binary_imm!(self, $t, $v, $vi)
            };
        }
        macro_rules! un {
            ($t:expr, $v:ident) => {
                self.unary($t, |dst, src| Instr::$v { dst, src })
            };
        }
        macro_rules! load {
            ($t:expr, $memarg:expr, $v:ident, $disp:ident, $indexed:ident) => {{
                check_memory(&$memarg, offset)?;
                self.load(
                    $t,
                    &$memarg,
                    |dst, addr, offset| Instr::$v { dst, addr, offset },
                    |dst, base, imm, offset| Instr::$disp {
                        dst,
                        base,
                        imm,
                        offset,
                    },
                    |dst, base, index, offset| Instr::$indexed {
                        dst,
                        base,
                        index,
                        offset,
                    },
                )
            }};
        }
        macro_rules! load_plain {
            ($t:expr, $memarg:expr, $v:ident) => {{
                check_memory(&$memarg, offset)?;
                self.load_plain($t, &$memarg, |dst, addr, offset| Instr::$v {
                    dst,
                    addr,
                    offset,
                })
            }};
        }
        macro_rules! store {
            ($memarg:expr, $v:ident, $disp:ident, $indexed:ident) => {{
                check_memory(&$memarg, offset)?;
                self.store(
                    &$memarg,
                    |addr, src, offset| Instr::$v { addr, src, offset },
                    |src, base, imm, offset| Instr::$disp {
                        src,
                        base,
                        imm,
                        offset,
                    },
                    |src, base, index, offset| Instr::$indexed {
                        src,
                        base,
                        index,
                        offset,
                    },
                )
            }};
        }
        macro_rules! store_plain {
            ($memarg:expr, $v:ident) => {{
                check_memory(&$memarg, offset)?;
                self.store_plain(&$memarg, |addr, src, offset| Instr::$v {
                    addr,
                    src,
                    offset,
                })
            }};
        }
        macro_rules! simd_ops {
            (
                simd_binary: [$(($sb:ident, $sbf:ident)),* $(,)?],
                simd_shift: [$(($ss:ident, $ssf:ident)),* $(,)?],
                simd_unary: [$(($su:ident, $suf:ident)),* $(,)?],
                simd_test: [$(($st:ident, $stf:ident)),* $(,)?],
                simd_load: [$(($sl:ident, $sln:literal, $slf:ident)),* $(,)?],
            ) => {
                match *op {
                    $( O::$sb => { bin!(V128, $sb); return Ok(()); } )*
                    $( O::$ss => { bin!(V128, $ss); return Ok(()); } )*
                    $( O::$su => { un!(V128, $su); return Ok(()); } )*
                    $( O::$st => { un!(I32, $st); return Ok(()); } )*
                    $( O::$sl { memarg } => { load_plain!(V128, memarg, $sl); return Ok(()); } )*
                    _ => {}
                }
            };
        }
        crate::simd_table!(simd_ops);

        match *op {
            O::Nop => {}
            O::Unreachable => {
                self.emit(Instr::Unreachable);
                self.reachable = false;
            }
            O::Block { blockty } => self.block(env, blockty),
            O::TryTable { ref try_table } => self.try_table(env, try_table),
            O::Throw { tag_index } => {
                let ty = &env.types[env.tags[tag_index as usize] as usize];
                let slots = ty.params().iter().map(|t| slots_of(*t)).sum();
                let args = self.pop_args(ty.params().len());
                self.emit(Instr::Throw {
                    tag: tag_index,
                    args,
                    slots,
                });
                self.reachable = false;
            }
            O::ThrowRef => {
                let e = self.pop();
                let src = self.src(e);
                self.emit(Instr::ThrowRef { src });
                self.reachable = false;
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_type(env, blockty);
                self.materialize_locals();
                let n = params.len();
                self.materialize_top(n);
                // Where the operand stack is empty, the locals are all an
                // invocation has: native code can take over from here
                // (before the checks of the segment starting at the head,
                // which the native code makes at its loop header).
                let osr = n == 0 && self.stack.is_empty();
                self.push_control(ControlKind::Loop, params, results);
                let head = self.label();
                self.controls.last_mut().expect("loop").head = head;
                if env.count_hotness {
                    if osr {
                        let ordinal = self.loops_seen - 1;
                        self.emit(Instr::HotLoop { ordinal });
                        self.osr_loops = true;
                    } else {
                        self.emit(Instr::Hot);
                    }
                }
            }
            O::If { blockty } => {
                let (params, results) = self.block_type(env, blockty);
                let c = self.pop();
                // Locals and parameters are saved before the branch; a fused
                // comparison reads its operands before anything is saved, so
                // only fuse when nothing needs saving.
                let n = params.len();
                let needs_saving = self.stack.iter().any(|e| self.reads_local(e.place))
                    || self.stack[self.stack.len() - n..]
                        .iter()
                        .any(|e| e.place != Place::Temp);
                let fused = self.producer_of(c).and_then(|at| {
                    super::ir::fuse_compare(self.code[at], true).map(|instr| (at, instr))
                });
                let at = if let (true, Some((at, branch))) = (needs_saving, fused) {
                    // Move the comparison after the saving copies: they
                    // write only stack slots below its operands.
                    debug_assert_eq!(at + 1, self.code.len());
                    self.code.pop();
                    self.offsets.pop();
                    self.fusible = None;
                    self.materialize_locals();
                    self.materialize_top(n);
                    let at = self.emit(branch);
                    self.merge_into_branch(at)
                } else if needs_saving {
                    let cond = self.src(c);
                    self.materialize_locals();
                    self.materialize_top(n);
                    self.emit(Instr::BrIfEqz { cond, offset: 0 })
                } else {
                    self.emit_cond_branch(c, true)
                };
                self.push_control(ControlKind::If, params, results);
                self.controls.last_mut().expect("if").else_fixup = Some(at);
            }
            O::Else => {
                let frame = self.controls.last().expect("if frame");
                if self.reachable {
                    let (n, base) = (frame.results.len(), frame.base_slot);
                    self.move_top_to(n, base);
                    let at = self.emit(Instr::Br { offset: 0 });
                    self.controls.last_mut().expect("if").fixups.push(at);
                }
                let here = self.label();
                let frame = self.controls.last_mut().expect("if frame");
                frame.kind = ControlKind::Else;
                let else_at = frame.else_fixup.take().expect("if has a false branch");
                let (height, params, reachable) =
                    (frame.height, frame.params.clone(), frame.reachable_at_entry);
                self.patch(else_at, here);
                self.reset_stack(height, &params);
                self.reachable = reachable;
            }
            O::End => self.end(),
            O::Br { relative_depth } => self.br(relative_depth),
            O::BrIf { relative_depth } => self.br_if(relative_depth),
            O::BrTable { ref targets } => {
                let c = self.pop();
                let index = self.src(c);
                let depths: Vec<u32> = targets
                    .targets()
                    .chain(std::iter::once(Ok(targets.default())))
                    .collect::<Result<_, _>>()
                    .map_err(werr)?;
                self.emit(Instr::BrTable {
                    index,
                    len: depths.len() as u32 - 1,
                });
                let table_start = self.code.len();
                for _ in &depths {
                    self.emit(Instr::Br { offset: 0 });
                }
                for (k, &depth) in depths.iter().enumerate() {
                    let at = table_start + k;
                    let target = self.controls.len() - 1 - depth as usize;
                    let kind = self.controls[target].kind;
                    let n = self.controls[target].label_types().len();
                    let base = self.controls[target].base_slot;
                    if kind == ControlKind::Loop && self.top_in_place(n, base) {
                        let head = self.controls[target].head;
                        self.patch(at, head);
                    } else if kind != ControlKind::Function && self.top_in_place(n, base) {
                        self.controls[target].fixups.push(at);
                    } else {
                        // A stub that moves the values, then branches.
                        let here = self.label();
                        self.patch(at, here);
                        let saved = self.stack.clone();
                        self.emit_branch(depth);
                        self.stack = saved;
                    }
                }
                self.reachable = false;
            }
            O::Return => {
                self.emit_return();
                self.reachable = false;
            }
            O::Call { function_index } => {
                let ty = env.types[env.func_types[function_index as usize] as usize].clone();
                if function_index >= env.num_imported_funcs {
                    let func = function_index - env.num_imported_funcs;
                    self.call(&ty, |args, copies| match copies {
                        Some([src0, src1]) => Instr::CallInternalArgs {
                            args: n16(args),
                            src0,
                            src1,
                            func,
                        },
                        None => Instr::CallInternal { func, args },
                    });
                } else {
                    let func = function_index;
                    self.call(&ty, |args, copies| match copies {
                        Some([src0, src1]) => Instr::CallArgs {
                            args: n16(args),
                            src0,
                            src1,
                            func,
                        },
                        None => Instr::Call { func, args },
                    });
                }
            }
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                let ty = env.types[type_index as usize].clone();
                let c = self.pop();
                let index = self.src(c);
                let table64 = env.tables[table_index as usize].table64;
                let copies = if table64 {
                    None
                } else {
                    self.deferred_arg_copies(ty.params().len())
                };
                let args = self.pop_args(ty.params().len());
                self.emit(match copies {
                    None if table64 => Instr::CallIndirect64 {
                        type_index,
                        index,
                        args,
                    },
                    Some([src0, src1]) => Instr::CallIndirectArgs {
                        index: n16(index),
                        args: n16(args),
                        src0,
                        src1,
                        type_index,
                    },
                    None => Instr::CallIndirect {
                        type_index,
                        index,
                        args,
                    },
                });
                self.emit(Instr::Aux {
                    a: table_index,
                    b: 0,
                });
                for &t in ty.results() {
                    self.push_temp(t);
                }
            }
            O::ReturnCall { function_index } => {
                let ty = &env.types[env.func_types[function_index as usize] as usize];
                let args = self.pop_args(ty.params().len());
                self.emit(Instr::ReturnCall {
                    func: function_index,
                    args,
                });
                self.reachable = false;
            }
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let ty = &env.types[type_index as usize];
                let c = self.pop();
                let index = self.src(c);
                let args = self.pop_args(ty.params().len());
                self.emit(Instr::ReturnCallIndirect {
                    type_index,
                    index,
                    args,
                });
                self.emit(Instr::Aux {
                    a: table_index,
                    b: env.tables[table_index as usize].table64.into(),
                });
                self.reachable = false;
            }
            O::CallRef { type_index } => {
                let ty = env.types[type_index as usize].clone();
                // The reference sits above the arguments: placing them
                // cannot overwrite it.
                let c = self.pop();
                let callee = self.src(c);
                let args = self.pop_args(ty.params().len());
                self.emit(Instr::CallRef { callee, args });
                for &t in ty.results() {
                    self.push_temp(t);
                }
            }
            O::ReturnCallRef { type_index } => {
                let n = env.types[type_index as usize].params().len();
                let c = self.pop();
                let callee = self.src(c);
                let args = self.pop_args(n);
                self.emit(Instr::ReturnCallRef { callee, args });
                self.reachable = false;
            }
            O::RefAsNonNull => {
                let e = *self.stack.last().expect("validated operand");
                let src = self.src(e);
                self.emit(Instr::RefAsNonNull { src });
            }
            O::BrOnNull { relative_depth } => {
                // Branch (without the reference) when null; otherwise the
                // reference stays on the stack, where it was.
                let c = self.pop();
                let cond = self.src(c);
                self.branch_on_ref(relative_depth, cond, false);
                self.stack.push(c);
            }
            O::BrOnNonNull { relative_depth } => {
                // Branch with the reference (the label's last value) when
                // non-null; otherwise drop it.
                let c = *self.stack.last().expect("validated operand");
                let cond = self.src(c);
                self.branch_on_ref(relative_depth, cond, true);
                self.pop();
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. }
                if self.narrow && self.stack[self.stack.len() - 2].ty != V128 =>
            {
                self.select()
            }
            O::Select | O::TypedSelect { .. } => {
                let c = self.pop();
                let b = self.pop();
                let a = self.pop();
                let cond = self.src(c);
                let sb = self.src(b);
                self.write_to(a, a.slot);
                let dst = self.push_temp(a.ty);
                if a.ty == V128 {
                    self.emit(Instr::Select128 { dst, b: sb, cond });
                } else {
                    self.emit(Instr::Select { dst, b: sb, cond });
                }
            }
            O::LocalGet { local_index } => self.local_get(local_index),
            O::LocalSet { local_index } => self.local_set(local_index, false),
            O::LocalTee { local_index } => self.local_set(local_index, true),
            O::GlobalGet { global_index } => {
                let t = env.globals[global_index as usize].content;
                let dst = self.push_temp(t);
                if t == V128 {
                    self.emit_result(Instr::GlobalGet128 {
                        dst,
                        global: global_index,
                    });
                } else {
                    self.emit_result(Instr::GlobalGet {
                        dst,
                        global: global_index,
                    });
                }
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let src = self.src(v);
                if v.ty == V128 {
                    self.emit(Instr::GlobalSet128 {
                        src,
                        global: global_index,
                    });
                } else {
                    self.emit(Instr::GlobalSet {
                        src,
                        global: global_index,
                    });
                }
            }
            O::I32Load { memarg } => load!(I32, memarg, I32Load, I32LoadDisp, I32LoadIndexed),
            O::F32Load { memarg } => load!(F32, memarg, I32Load, I32LoadDisp, I32LoadIndexed),
            O::I64Load { memarg } => load!(I64, memarg, I64Load, I64LoadDisp, I64LoadIndexed),
            O::F64Load { memarg } => load!(F64, memarg, I64Load, I64LoadDisp, I64LoadIndexed),
            O::I32Load8S { memarg } => {
                load!(I32, memarg, I32Load8S, I32Load8SDisp, I32Load8SIndexed)
            }
            O::I32Load8U { memarg } => {
                load!(I32, memarg, I32Load8U, I32Load8UDisp, I32Load8UIndexed)
            }
            O::I32Load16S { memarg } => {
                load!(I32, memarg, I32Load16S, I32Load16SDisp, I32Load16SIndexed)
            }
            O::I32Load16U { memarg } => {
                load!(I32, memarg, I32Load16U, I32Load16UDisp, I32Load16UIndexed)
            }
            O::I64Load8S { memarg } => {
                load!(I64, memarg, I64Load8S, I64Load8SDisp, I64Load8SIndexed)
            }
            O::I64Load8U { memarg } => {
                load!(I64, memarg, I64Load8U, I64Load8UDisp, I64Load8UIndexed)
            }
            O::I64Load16S { memarg } => {
                load!(I64, memarg, I64Load16S, I64Load16SDisp, I64Load16SIndexed)
            }
            O::I64Load16U { memarg } => {
                load!(I64, memarg, I64Load16U, I64Load16UDisp, I64Load16UIndexed)
            }
            O::I64Load32S { memarg } => {
                load!(I64, memarg, I64Load32S, I64Load32SDisp, I64Load32SIndexed)
            }
            O::I64Load32U { memarg } => {
                load!(I64, memarg, I64Load32U, I64Load32UDisp, I64Load32UIndexed)
            }
            O::I32Store { memarg } | O::F32Store { memarg } => {
                store!(memarg, I32Store, I32StoreDisp, I32StoreIndexed)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => {
                store!(memarg, I64Store, I64StoreDisp, I64StoreIndexed)
            }
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                store!(memarg, I32Store8, I32Store8Disp, I32Store8Indexed)
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                store!(memarg, I32Store16, I32Store16Disp, I32Store16Indexed)
            }
            O::I64Store32 { memarg } => {
                store!(memarg, I64Store32, I64Store32Disp, I64Store32Indexed)
            }
            O::MemorySize { mem } => {
                let (memory, ty) = memory_operand(env, mem);
                let dst = self.push_temp(ty);
                self.emit_result(Instr::MemorySize { dst, memory });
            }
            O::MemoryGrow { mem } => {
                let (memory, ty) = memory_operand(env, mem);
                let args = self.pop_args(1);
                self.emit(Instr::MemoryGrow { args, memory });
                self.push_temp(ty);
            }
            O::MemoryFill { mem } => {
                let args = self.pop_args(3);
                let memory = memory_operand(env, mem).0;
                self.emit(Instr::MemoryFill { args, memory });
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let args = self.pop_args(3);
                self.emit(Instr::MemoryCopy {
                    args,
                    dst_memory: memory_operand(env, dst_mem).0,
                    src_memory: memory_operand(env, src_mem).0,
                });
            }
            O::MemoryInit { data_index, mem } => {
                let args = self.pop_args(3);
                self.emit(Instr::MemoryInit {
                    args,
                    segment: data_index,
                    memory: memory_operand(env, mem).0,
                });
            }
            O::DataDrop { data_index } => {
                self.emit(Instr::DataDrop {
                    segment: data_index,
                });
            }
            O::TableGet { table } => {
                let t = env.tables[table as usize].element;
                let i = self.pop();
                let index = self.src(i);
                let dst = self.push_temp(t);
                let table = table_operand(env, table).0;
                self.emit_result(Instr::TableGet { dst, index, table });
            }
            O::TableSet { table } => {
                let v = self.pop();
                let i = self.pop();
                let index = self.src(i);
                let src = self.src(v);
                let table = table_operand(env, table).0;
                self.emit(Instr::TableSet { index, src, table });
            }
            O::TableSize { table } => {
                let (table, ty) = table_operand(env, table);
                let dst = self.push_temp(ty);
                self.emit_result(Instr::TableSize { dst, table });
            }
            O::TableGrow { table } => {
                let (table, ty) = table_operand(env, table);
                let args = self.pop_args(2);
                self.emit(Instr::TableGrow { args, table });
                self.push_temp(ty);
            }
            O::TableFill { table } => {
                let args = self.pop_args(3);
                let table = table_operand(env, table).0;
                self.emit(Instr::TableFill { args, table });
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let args = self.pop_args(3);
                self.emit(Instr::TableCopy {
                    args,
                    dst_table: table_operand(env, dst_table).0,
                    src_table: table_operand(env, src_table).0,
                });
            }
            O::TableInit { elem_index, table } => {
                let args = self.pop_args(3);
                self.emit(Instr::TableInit {
                    args,
                    segment: elem_index,
                    table: table_operand(env, table).0,
                });
            }
            O::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop {
                    segment: elem_index,
                });
            }
            O::RefNull { hty } => {
                let t = match hty {
                    wasmparser::HeapType::Abstract {
                        ty: wasmparser::AbstractHeapType::Extern,
                        ..
                    } => ValType::ExternRef,
                    _ => ValType::FuncRef,
                };
                self.push(Place::Const(0), t);
            }
            O::RefIsNull => un!(I32, RefIsNull),
            O::RefFunc { function_index } => {
                let dst = self.push_temp(ValType::FuncRef);
                self.emit_result(Instr::RefFunc {
                    dst,
                    func: function_index,
                });
            }

            O::I32Const { value } => {
                self.push(Place::Const(value as u32 as u64), I32);
            }
            O::I64Const { value } => {
                self.push(Place::Const(value as u64), I64);
            }
            O::F32Const { value } => {
                self.push(Place::Const(value.bits() as u64), F32);
            }
            O::F64Const { value } => {
                self.push(Place::Const(value.bits()), F64);
            }

            O::I32Eqz => un!(I32, I32Eqz),
            O::I32Eq => bini!(I32, I32Eq, I32EqImm),
            O::I32Ne => bini!(I32, I32Ne, I32NeImm),
            O::I32LtS => bini!(I32, I32LtS, I32LtSImm),
            O::I32LtU => bini!(I32, I32LtU, I32LtUImm),
            O::I32GtS => bini!(I32, I32GtS, I32GtSImm),
            O::I32GtU => bini!(I32, I32GtU, I32GtUImm),
            O::I32LeS => bini!(I32, I32LeS, I32LeSImm),
            O::I32LeU => bini!(I32, I32LeU, I32LeUImm),
            O::I32GeS => bini!(I32, I32GeS, I32GeSImm),
            O::I32GeU => bini!(I32, I32GeU, I32GeUImm),
            O::I64Eqz => un!(I32, I64Eqz),
            O::I64Eq => bini!(I32, I64Eq, I64EqImm),
            O::I64Ne => bini!(I32, I64Ne, I64NeImm),
            O::I64LtS => bini!(I32, I64LtS, I64LtSImm),
            O::I64LtU => bini!(I32, I64LtU, I64LtUImm),
            O::I64GtS => bini!(I32, I64GtS, I64GtSImm),
            O::I64GtU => bini!(I32, I64GtU, I64GtUImm),
            O::I64LeS => bini!(I32, I64LeS, I64LeSImm),
            O::I64LeU => bini!(I32, I64LeU, I64LeUImm),
            O::I64GeS => bini!(I32, I64GeS, I64GeSImm),
            O::I64GeU => bini!(I32, I64GeU, I64GeUImm),
            O::F32Eq => bin!(I32, F32Eq),
            O::F32Ne => bin!(I32, F32Ne),
            O::F32Lt => bin!(I32, F32Lt),
            O::F32Gt => bin!(I32, F32Gt),
            O::F32Le => bin!(I32, F32Le),
            O::F32Ge => bin!(I32, F32Ge),
            O::F64Eq => bin!(I32, F64Eq),
            O::F64Ne => bin!(I32, F64Ne),
            O::F64Lt => bin!(I32, F64Lt),
            O::F64Gt => bin!(I32, F64Gt),
            O::F64Le => bin!(I32, F64Le),
            O::F64Ge => bin!(I32, F64Ge),

            O::I32Clz => un!(I32, I32Clz),
            O::I32Ctz => un!(I32, I32Ctz),
            O::I32Popcnt => un!(I32, I32Popcnt),
            O::I32Add => self.i32_add(false),
            O::I32Sub => self.i32_add(true),
            O::I32Mul => bini!(I32, I32Mul, I32MulImm),
            O::I32DivS => bini!(I32, I32DivS, I32DivSImm),
            O::I32DivU => bini!(I32, I32DivU, I32DivUImm),
            O::I32RemS => bini!(I32, I32RemS, I32RemSImm),
            O::I32RemU => bini!(I32, I32RemU, I32RemUImm),
            O::I32And => bini!(I32, I32And, I32AndImm),
            O::I32Or => bini!(I32, I32Or, I32OrImm),
            O::I32Xor => bini!(I32, I32Xor, I32XorImm),
            O::I32Shl => bini!(I32, I32Shl, I32ShlImm),
            O::I32ShrS => bini!(I32, I32ShrS, I32ShrSImm),
            O::I32ShrU => bini!(I32, I32ShrU, I32ShrUImm),
            O::I32Rotl => bini!(I32, I32Rotl, I32RotlImm),
            O::I32Rotr => bini!(I32, I32Rotr, I32RotrImm),
            O::I64Clz => un!(I64, I64Clz),
            O::I64Ctz => un!(I64, I64Ctz),
            O::I64Popcnt => un!(I64, I64Popcnt),
            O::I64Add => {
                if !self.fuse_mul_add_imm(I64) {
                    bini!(I64, I64Add, I64AddImm)
                }
            }
            O::I64Sub => bini!(I64, I64Sub, I64SubImm),
            O::I64Mul => bini!(I64, I64Mul, I64MulImm),
            O::I64DivS => bini!(I64, I64DivS, I64DivSImm),
            O::I64DivU => bini!(I64, I64DivU, I64DivUImm),
            O::I64RemS => bini!(I64, I64RemS, I64RemSImm),
            O::I64RemU => bini!(I64, I64RemU, I64RemUImm),
            O::I64And => bini!(I64, I64And, I64AndImm),
            O::I64Or => bini!(I64, I64Or, I64OrImm),
            O::I64Xor => bini!(I64, I64Xor, I64XorImm),
            O::I64Shl => bini!(I64, I64Shl, I64ShlImm),
            O::I64ShrS => bini!(I64, I64ShrS, I64ShrSImm),
            O::I64ShrU => bini!(I64, I64ShrU, I64ShrUImm),
            O::I64Rotl => bini!(I64, I64Rotl, I64RotlImm),
            O::I64Rotr => bini!(I64, I64Rotr, I64RotrImm),

            O::F32Abs => un!(F32, F32Abs),
            O::F32Neg => un!(F32, F32Neg),
            O::F32Ceil => un!(F32, F32Ceil),
            O::F32Floor => un!(F32, F32Floor),
            O::F32Trunc => un!(F32, F32Trunc),
            O::F32Nearest => un!(F32, F32Nearest),
            O::F32Sqrt => un!(F32, F32Sqrt),
            O::F32Add => self.float_arith(F32, Arith::Add, |dst, a, b| Instr::F32Add { dst, a, b }),
            O::F32Sub => self.float_arith(F32, Arith::Sub, |dst, a, b| Instr::F32Sub { dst, a, b }),
            O::F32Mul => self.float_arith(F32, Arith::Mul, |dst, a, b| Instr::F32Mul { dst, a, b }),
            O::F32Div => self.float_arith(F32, Arith::Div, |dst, a, b| Instr::F32Div { dst, a, b }),
            O::F32Min => bin!(F32, F32Min),
            O::F32Max => bin!(F32, F32Max),
            O::F32Copysign => bin!(F32, F32Copysign),
            O::F64Abs => un!(F64, F64Abs),
            O::F64Neg => un!(F64, F64Neg),
            O::F64Ceil => un!(F64, F64Ceil),
            O::F64Floor => un!(F64, F64Floor),
            O::F64Trunc => un!(F64, F64Trunc),
            O::F64Nearest => un!(F64, F64Nearest),
            O::F64Sqrt => un!(F64, F64Sqrt),
            O::F64Add => self.float_arith(F64, Arith::Add, |dst, a, b| Instr::F64Add { dst, a, b }),
            O::F64Sub => self.float_arith(F64, Arith::Sub, |dst, a, b| Instr::F64Sub { dst, a, b }),
            O::F64Mul => self.float_arith(F64, Arith::Mul, |dst, a, b| Instr::F64Mul { dst, a, b }),
            O::F64Div => self.float_arith(F64, Arith::Div, |dst, a, b| Instr::F64Div { dst, a, b }),
            O::F64Min => bin!(F64, F64Min),
            O::F64Max => bin!(F64, F64Max),
            O::F64Copysign => bin!(F64, F64Copysign),

            O::I32WrapI64 => un!(I32, I32WrapI64),
            O::I32TruncF32S => un!(I32, I32TruncF32S),
            O::I32TruncF32U => un!(I32, I32TruncF32U),
            O::I32TruncF64S => un!(I32, I32TruncF64S),
            O::I32TruncF64U => un!(I32, I32TruncF64U),
            O::I64ExtendI32S => un!(I64, I64ExtendI32S),
            O::I64ExtendI32U => un!(I64, I64ExtendI32U),
            O::I64TruncF32S => un!(I64, I64TruncF32S),
            O::I64TruncF32U => un!(I64, I64TruncF32U),
            O::I64TruncF64S => un!(I64, I64TruncF64S),
            O::I64TruncF64U => un!(I64, I64TruncF64U),
            O::F32ConvertI32S => un!(F32, F32ConvertI32S),
            O::F32ConvertI32U => un!(F32, F32ConvertI32U),
            O::F32ConvertI64S => un!(F32, F32ConvertI64S),
            O::F32ConvertI64U => un!(F32, F32ConvertI64U),
            O::F32DemoteF64 => un!(F32, F32DemoteF64),
            O::F64ConvertI32S => un!(F64, F64ConvertI32S),
            O::F64ConvertI32U => un!(F64, F64ConvertI32U),
            O::F64ConvertI64S => un!(F64, F64ConvertI64S),
            O::F64ConvertI64U => un!(F64, F64ConvertI64U),
            O::F64PromoteF32 => un!(F64, F64PromoteF32),
            // Reinterpretations keep the bits: only the static type changes.
            O::I32ReinterpretF32 => self.retype(I32),
            O::I64ReinterpretF64 => self.retype(I64),
            O::F32ReinterpretI32 => self.retype(F32),
            O::F64ReinterpretI64 => self.retype(F64),
            O::I32Extend8S => un!(I32, I32Extend8S),
            O::I32Extend16S => un!(I32, I32Extend16S),
            O::I64Extend8S => un!(I64, I64Extend8S),
            O::I64Extend16S => un!(I64, I64Extend16S),
            O::I64Extend32S => un!(I64, I64Extend32S),
            O::I32TruncSatF32S => un!(I32, I32TruncSatF32S),
            O::I32TruncSatF32U => un!(I32, I32TruncSatF32U),
            O::I32TruncSatF64S => un!(I32, I32TruncSatF64S),
            O::I32TruncSatF64U => un!(I32, I32TruncSatF64U),
            O::I64TruncSatF32S => un!(I64, I64TruncSatF32S),
            O::I64TruncSatF32U => un!(I64, I64TruncSatF32U),
            O::I64TruncSatF64S => un!(I64, I64TruncSatF64S),
            O::I64TruncSatF64U => un!(I64, I64TruncSatF64U),

            // ---- SIMD beyond the table ----
            O::V128Load { memarg } => load_plain!(V128, memarg, V128Load),
            O::V128Load8Splat { memarg } => load_plain!(V128, memarg, V128Load8Splat),
            O::V128Load16Splat { memarg } => load_plain!(V128, memarg, V128Load16Splat),
            O::V128Load32Splat { memarg } => load_plain!(V128, memarg, V128Load32Splat),
            O::V128Load64Splat { memarg } => load_plain!(V128, memarg, V128Load64Splat),
            O::V128Load32Zero { memarg } => load_plain!(V128, memarg, V128Load32Zero),
            O::V128Load64Zero { memarg } => load_plain!(V128, memarg, V128Load64Zero),
            O::V128Store { memarg } => store_plain!(memarg, V128Store),
            O::V128Const { value } => {
                let index = self.pool.len() as u32;
                self.pool.push(u128::from_le_bytes(*value.bytes()));
                let dst = self.push_temp(V128);
                self.emit_result(Instr::ConstV128 { dst, index });
            }
            O::I8x16Shuffle { lanes } => {
                let index = self.pool.len() as u32;
                self.pool.push(u128::from_le_bytes(lanes));
                let b = self.pop();
                let a = self.pop();
                let sa = self.src(a);
                let sb = self.src(b);
                let dst = self.push_temp(V128);
                self.emit(Instr::I8x16Shuffle { dst, a: sa, b: sb });
                self.emit(Instr::Aux { a: index, b: 0 });
            }
            O::I8x16Splat => un!(V128, I8x16Splat),
            O::I16x8Splat => un!(V128, I16x8Splat),
            O::I32x4Splat => un!(V128, I32x4Splat),
            O::I64x2Splat => un!(V128, I64x2Splat),
            O::F32x4Splat => un!(V128, F32x4Splat),
            O::F64x2Splat => un!(V128, F64x2Splat),
            O::I8x16ExtractLaneS { lane } => self.extract(I32, lane, |dst, src, lane| {
                Instr::I8x16ExtractLaneS { dst, src, lane }
            }),
            O::I8x16ExtractLaneU { lane } => self.extract(I32, lane, |dst, src, lane| {
                Instr::I8x16ExtractLaneU { dst, src, lane }
            }),
            O::I16x8ExtractLaneS { lane } => self.extract(I32, lane, |dst, src, lane| {
                Instr::I16x8ExtractLaneS { dst, src, lane }
            }),
            O::I16x8ExtractLaneU { lane } => self.extract(I32, lane, |dst, src, lane| {
                Instr::I16x8ExtractLaneU { dst, src, lane }
            }),
            O::I32x4ExtractLane { lane } | O::F32x4ExtractLane { lane } => {
                let t = if matches!(op, O::I32x4ExtractLane { .. }) {
                    I32
                } else {
                    F32
                };
                self.extract(t, lane, |dst, src, lane| Instr::I32x4ExtractLane {
                    dst,
                    src,
                    lane,
                })
            }
            O::I64x2ExtractLane { lane } | O::F64x2ExtractLane { lane } => {
                let t = if matches!(op, O::I64x2ExtractLane { .. }) {
                    I64
                } else {
                    F64
                };
                self.extract(t, lane, |dst, src, lane| Instr::I64x2ExtractLane {
                    dst,
                    src,
                    lane,
                })
            }
            O::I8x16ReplaceLane { lane } => self.replace(lane, |dst, x, lane| {
                Instr::I8x16ReplaceLane { dst, x, lane }
            }),
            O::I16x8ReplaceLane { lane } => self.replace(lane, |dst, x, lane| {
                Instr::I16x8ReplaceLane { dst, x, lane }
            }),
            O::I32x4ReplaceLane { lane } | O::F32x4ReplaceLane { lane } => {
                self.replace(lane, |dst, x, lane| Instr::I32x4ReplaceLane {
                    dst,
                    x,
                    lane,
                })
            }
            O::I64x2ReplaceLane { lane } | O::F64x2ReplaceLane { lane } => {
                self.replace(lane, |dst, x, lane| Instr::I64x2ReplaceLane {
                    dst,
                    x,
                    lane,
                })
            }
            O::V128Bitselect => self.ternary_v128(|dst, b, c| Instr::V128Bitselect { dst, b, c }),
            O::F32x4RelaxedMadd => {
                self.ternary_v128(|dst, b, c| Instr::F32x4RelaxedMadd { dst, b, c })
            }
            O::F32x4RelaxedNmadd => {
                self.ternary_v128(|dst, b, c| Instr::F32x4RelaxedNmadd { dst, b, c })
            }
            O::F64x2RelaxedMadd => {
                self.ternary_v128(|dst, b, c| Instr::F64x2RelaxedMadd { dst, b, c })
            }
            O::F64x2RelaxedNmadd => {
                self.ternary_v128(|dst, b, c| Instr::F64x2RelaxedNmadd { dst, b, c })
            }
            O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => {
                self.ternary_v128(|dst, b, c| Instr::RelaxedLaneselect { dst, b, c })
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                self.ternary_v128(|dst, b, c| Instr::I32x4RelaxedDotI8x16I7x16AddS { dst, b, c })
            }
            O::V128Load8Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                true,
                |args, offset, lane| Instr::V128Load8Lane { args, offset, lane },
                offset,
            )?,
            O::V128Load16Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                true,
                |args, offset, lane| Instr::V128Load16Lane { args, offset, lane },
                offset,
            )?,
            O::V128Load32Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                true,
                |args, offset, lane| Instr::V128Load32Lane { args, offset, lane },
                offset,
            )?,
            O::V128Load64Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                true,
                |args, offset, lane| Instr::V128Load64Lane { args, offset, lane },
                offset,
            )?,
            O::V128Store8Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                false,
                |args, offset, lane| Instr::V128Store8Lane { args, offset, lane },
                offset,
            )?,
            O::V128Store16Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                false,
                |args, offset, lane| Instr::V128Store16Lane { args, offset, lane },
                offset,
            )?,
            O::V128Store32Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                false,
                |args, offset, lane| Instr::V128Store32Lane { args, offset, lane },
                offset,
            )?,
            O::V128Store64Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                false,
                |args, offset, lane| Instr::V128Store64Lane { args, offset, lane },
                offset,
            )?,

            _ if crate::module::gc_objects::is_gc_instruction(op) => {
                return Err(Box::new(crate::module::gc_objects::refuse(op, offset)))
            }
            _ => {
                return Err(err(
                    format!("operator {op:?} is not supported by the interpreter yet"),
                    offset,
                ))
            }
        }
        Ok(())
    }

    /// Changes the static type of the top operand (bits are unchanged).
    fn retype(&mut self, ty: ValType) {
        self.stack.last_mut().expect("operand").ty = ty;
    }

    fn extract(&mut self, ty: ValType, lane: u8, make: impl FnOnce(Slot, Slot, u32) -> Instr) {
        let v = self.pop();
        let src = self.src(v);
        let dst = self.push_temp(ty);
        self.emit_result(make(dst, src, lane.into()));
    }

    fn replace(&mut self, lane: u8, make: impl FnOnce(Slot, Slot, u32) -> Instr) {
        let x = self.pop();
        let v = self.pop();
        let sx = self.src(x);
        self.write_to(v, v.slot);
        let dst = self.push_temp(ValType::V128);
        self.emit(make(dst, sx, lane.into()));
    }

    fn lane_mem(
        &mut self,
        memarg: wasmparser::MemArg,
        lane: u8,
        is_load: bool,
        make: impl FnOnce(Slot, u32, u32) -> Instr,
        offset: usize,
    ) -> Result<(), Error> {
        check_memory(&memarg, offset)?;
        let args = self.pop_args(2);
        self.emit(make(args, memarg.offset as u32, lane.into()));
        if is_load {
            self.push_temp(ValType::V128);
        }
        Ok(())
    }

    /// A three-operand v128 instruction `dst = f(a, b, c)` whose first
    /// operand is written to the result slot first (`V128Bitselect`).
    fn ternary_v128(&mut self, make: impl FnOnce(Slot, Slot, Slot) -> Instr) {
        let c = self.pop();
        let b = self.pop();
        let a = self.pop();
        let sc = self.src(c);
        let sb = self.src(b);
        self.write_to(a, a.slot);
        let dst = self.push_temp(ValType::V128);
        self.emit(make(dst, sb, sc));
    }

    /// A load or store as a generic `MemAccess` (see `generic_memory`),
    /// followed by its 64-bit static offset.
    fn mem_access(&mut self, kind: MemOp, ty: ValType, memory: u32, offset: u64, lane: u8) {
        let op = kind as u16 | (u16::from(lane) << 8);
        let (a, b) = match kind {
            MemOp::V128Load8Lane
            | MemOp::V128Load16Lane
            | MemOp::V128Load32Lane
            | MemOp::V128Load64Lane => {
                let args = self.pop_args(2);
                self.push_temp(ValType::V128);
                (args, args)
            }
            MemOp::V128Store8Lane
            | MemOp::V128Store16Lane
            | MemOp::V128Store32Lane
            | MemOp::V128Store64Lane => {
                let args = self.pop_args(2);
                (args, args)
            }
            _ if kind.address_in_a() => {
                let v = self.pop();
                let a = self.pop();
                let addr = self.src(a);
                let src = self.src(v);
                (addr, src)
            }
            _ => {
                let a = self.pop();
                let addr = self.src(a);
                let dst = self.push_temp(ty);
                (dst, addr)
            }
        };
        self.emit(Instr::MemAccess { op, memory, a, b });
        self.emit(Instr::Aux {
            a: offset as u32,
            b: (offset >> 32) as u32,
        });
    }

    /// In unreachable code only the block structure matters.
    fn unreachable_operator(&mut self, op: &Operator<'_>) -> Result<(), Error> {
        use Operator as O;
        match *op {
            O::Block { .. } | O::Loop { .. } | O::If { .. } | O::TryTable { .. } => {
                self.controls.push(Control {
                    kind: ControlKind::Block,
                    params: Vec::new(),
                    results: Vec::new(),
                    height: self.stack.len(),
                    base_slot: self.next_slot(),
                    head: 0,
                    fixups: Vec::new(),
                    else_fixup: None,
                    reachable_at_entry: false,
                    try_scope: None,
                });
            }
            O::Else => {
                let frame = self.controls.last().expect("frame");
                if frame.reachable_at_entry {
                    // The then-branch ended unreachable; the else-branch
                    // starts reachable.
                    let here = self.label();
                    let frame = self.controls.last_mut().expect("frame");
                    frame.kind = ControlKind::Else;
                    let at = frame.else_fixup.take().expect("if");
                    let (height, params) = (frame.height, frame.params.clone());
                    self.patch(at, here);
                    self.reset_stack(height, &params);
                    self.reachable = true;
                }
            }
            O::End => {
                let frame = self.controls.last().expect("frame");
                if frame.reachable_at_entry || frame.kind == ControlKind::Function {
                    self.end();
                } else if let Some(frame) = self.controls.pop() {
                    self.recycle(frame);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The memory operand of `memory.*` instructions (the index with its
/// `INDEX64` mark) and the type of their sizes.
fn memory_operand(env: &TranslateEnv<'_>, memory: u32) -> (u32, ValType) {
    match env.memories.get(memory as usize) {
        Some(m) if m.memory64 => (memory | INDEX64, ValType::I64),
        _ => (memory, ValType::I32),
    }
}

/// The table operand of `table.*` instructions (the index with its
/// `INDEX64` mark) and the type of their sizes.
fn table_operand(env: &TranslateEnv<'_>, table: u32) -> (u32, ValType) {
    match env.tables.get(table as usize) {
        Some(t) if t.table64 => (table | INDEX64, ValType::I64),
        _ => (table, ValType::I32),
    }
}

/// The memory operand of a load or store that needs the generic
/// `MemAccess` form: any memory but a 32-bit memory 0 (whose base and
/// length the executor keeps in registers). `None` for the fast forms.
fn generic_memory(env: &TranslateEnv<'_>, memarg: &wasmparser::MemArg) -> Option<u32> {
    let wasmparser::MemArgTarget::Memory(index) = memarg.target else {
        return None;
    };
    let (operand, _) = memory_operand(env, index);
    (operand != 0).then_some(operand)
}

/// A load or store operator as a `MemAccess`: the access, the type it
/// pushes (loads) or pops as its value (stores), its memory argument and
/// lane.
fn mem_access_of(op: &Operator<'_>) -> Option<(MemOp, ValType, wasmparser::MemArg, u8)> {
    use MemOp as M;
    use Operator as O;
    use ValType::*;
    let (kind, ty, memarg, lane) = match *op {
        O::I32Load { memarg } => (M::I32Load, I32, memarg, 0),
        O::I64Load { memarg } => (M::I64Load, I64, memarg, 0),
        O::F32Load { memarg } => (M::I32Load, F32, memarg, 0),
        O::F64Load { memarg } => (M::I64Load, F64, memarg, 0),
        O::I32Load8S { memarg } => (M::I32Load8S, I32, memarg, 0),
        O::I32Load8U { memarg } => (M::I32Load8U, I32, memarg, 0),
        O::I32Load16S { memarg } => (M::I32Load16S, I32, memarg, 0),
        O::I32Load16U { memarg } => (M::I32Load16U, I32, memarg, 0),
        O::I64Load8S { memarg } => (M::I64Load8S, I64, memarg, 0),
        O::I64Load8U { memarg } => (M::I64Load8U, I64, memarg, 0),
        O::I64Load16S { memarg } => (M::I64Load16S, I64, memarg, 0),
        O::I64Load16U { memarg } => (M::I64Load16U, I64, memarg, 0),
        O::I64Load32S { memarg } => (M::I64Load32S, I64, memarg, 0),
        O::I64Load32U { memarg } => (M::I64Load32U, I64, memarg, 0),
        O::V128Load { memarg } => (M::V128Load, V128, memarg, 0),
        O::V128Load8x8S { memarg } => (M::V128Load8x8S, V128, memarg, 0),
        O::V128Load8x8U { memarg } => (M::V128Load8x8U, V128, memarg, 0),
        O::V128Load16x4S { memarg } => (M::V128Load16x4S, V128, memarg, 0),
        O::V128Load16x4U { memarg } => (M::V128Load16x4U, V128, memarg, 0),
        O::V128Load32x2S { memarg } => (M::V128Load32x2S, V128, memarg, 0),
        O::V128Load32x2U { memarg } => (M::V128Load32x2U, V128, memarg, 0),
        O::V128Load8Splat { memarg } => (M::V128Load8Splat, V128, memarg, 0),
        O::V128Load16Splat { memarg } => (M::V128Load16Splat, V128, memarg, 0),
        O::V128Load32Splat { memarg } => (M::V128Load32Splat, V128, memarg, 0),
        O::V128Load64Splat { memarg } => (M::V128Load64Splat, V128, memarg, 0),
        O::V128Load32Zero { memarg } => (M::V128Load32Zero, V128, memarg, 0),
        O::V128Load64Zero { memarg } => (M::V128Load64Zero, V128, memarg, 0),
        O::I32Store8 { memarg } => (M::Store8, I32, memarg, 0),
        O::I64Store8 { memarg } => (M::Store8, I64, memarg, 0),
        O::I32Store16 { memarg } => (M::Store16, I32, memarg, 0),
        O::I64Store16 { memarg } => (M::Store16, I64, memarg, 0),
        O::I32Store { memarg } => (M::Store32, I32, memarg, 0),
        O::F32Store { memarg } => (M::Store32, F32, memarg, 0),
        O::I64Store32 { memarg } => (M::Store32, I64, memarg, 0),
        O::I64Store { memarg } => (M::Store64, I64, memarg, 0),
        O::F64Store { memarg } => (M::Store64, F64, memarg, 0),
        O::V128Store { memarg } => (M::V128Store, V128, memarg, 0),
        O::V128Load8Lane { memarg, lane } => (M::V128Load8Lane, V128, memarg, lane),
        O::V128Load16Lane { memarg, lane } => (M::V128Load16Lane, V128, memarg, lane),
        O::V128Load32Lane { memarg, lane } => (M::V128Load32Lane, V128, memarg, lane),
        O::V128Load64Lane { memarg, lane } => (M::V128Load64Lane, V128, memarg, lane),
        O::V128Store8Lane { memarg, lane } => (M::V128Store8Lane, V128, memarg, lane),
        O::V128Store16Lane { memarg, lane } => (M::V128Store16Lane, V128, memarg, lane),
        O::V128Store32Lane { memarg, lane } => (M::V128Store32Lane, V128, memarg, lane),
        O::V128Store64Lane { memarg, lane } => (M::V128Store64Lane, V128, memarg, lane),
        _ => return None,
    };
    Some((kind, ty, memarg, lane))
}

/// The fast forms only serve 32-bit memory 0 (`generic_memory` sends
/// everything else to `MemAccess`), whose static offsets fit in 32 bits.
fn check_memory(memarg: &wasmparser::MemArg, offset: usize) -> Result<(), Error> {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(0) if memarg.offset <= u32::MAX as u64 => Ok(()),
        _ => Err(err(
            "multiple memories and memory64 are not supported yet",
            offset,
        )),
    }
}

/// A slot or an immediate operand.
#[derive(Copy, Clone)]
enum Operand {
    Slot(Slot),
    Imm(i32),
}

/// The i32 comparisons, as fused into loop-closing branches.
#[derive(Copy, Clone)]
enum Cmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl Cmp {
    /// The comparison with its operands swapped (`a < b` is `b > a`).
    fn mirror(self) -> Cmp {
        match self {
            Cmp::Eq => Cmp::Eq,
            Cmp::Ne => Cmp::Ne,
            Cmp::LtS => Cmp::GtS,
            Cmp::LtU => Cmp::GtU,
            Cmp::GtS => Cmp::LtS,
            Cmp::GtU => Cmp::LtU,
            Cmp::LeS => Cmp::GeS,
            Cmp::LeU => Cmp::GeU,
            Cmp::GeS => Cmp::LeS,
            Cmp::GeU => Cmp::LeU,
        }
    }
}

/// An i32 compare-and-branch of slot `x` as `x cmp bound` (mirrored if
/// `x` is its right operand), with its branch offset.
fn counter_compare(branch: Instr, x: Slot) -> Option<(Cmp, Operand, i32)> {
    macro_rules! table {
        ($( $reg:ident $imm:ident => $cmp:ident; )*) => {
            match branch {
                $(
                    Instr::$reg { a, b, offset } if a == x && b != x => {
                        Some((Cmp::$cmp, Operand::Slot(b), offset))
                    }
                    Instr::$reg { a, b, offset } if b == x && a != x => {
                        Some((Cmp::$cmp.mirror(), Operand::Slot(a), offset))
                    }
                    Instr::$imm { a, imm, offset } if a == x => {
                        Some((Cmp::$cmp, Operand::Imm(imm), offset))
                    }
                )*
                _ => None,
            }
        };
    }
    table! {
        BrI32Eq BrI32EqImm => Eq;
        BrI32Ne BrI32NeImm => Ne;
        BrI32LtS BrI32LtSImm => LtS;
        BrI32LtU BrI32LtUImm => LtU;
        BrI32GtS BrI32GtSImm => GtS;
        BrI32GtU BrI32GtUImm => GtU;
        BrI32LeS BrI32LeSImm => LeS;
        BrI32LeU BrI32LeUImm => LeU;
        BrI32GeS BrI32GeSImm => GeS;
        BrI32GeU BrI32GeUImm => GeU;
    }
}

/// `x += step; branch if x cmp bound` as one instruction.
fn add_branch(cmp: Cmp, x: Slot, step: Operand, bound: Operand, offset: i32) -> Instr {
    let x = n16(x);
    macro_rules! table {
        ($( $cmp:ident => $add:ident $add_imm:ident $inc:ident $inc_imm:ident; )*) => {
            match (cmp, step, bound) {
                $(
                    (Cmp::$cmp, Operand::Slot(d), Operand::Slot(y)) => Instr::$add {
                        x, d: n16(d), y: n16(y), offset,
                    },
                    (Cmp::$cmp, Operand::Slot(d), Operand::Imm(imm)) => Instr::$add_imm {
                        x, d: n16(d), imm, offset,
                    },
                    (Cmp::$cmp, Operand::Imm(inc), Operand::Slot(y)) => Instr::$inc {
                        x, y: n16(y), inc, offset,
                    },
                    (Cmp::$cmp, Operand::Imm(inc), Operand::Imm(imm)) => Instr::$inc_imm {
                        x, inc, imm, offset,
                    },
                )*
            }
        };
    }
    table! {
        Eq => AddBrI32Eq AddBrI32EqImm IncBrI32Eq IncBrI32EqImm;
        Ne => AddBrI32Ne AddBrI32NeImm IncBrI32Ne IncBrI32NeImm;
        LtS => AddBrI32LtS AddBrI32LtSImm IncBrI32LtS IncBrI32LtSImm;
        LtU => AddBrI32LtU AddBrI32LtUImm IncBrI32LtU IncBrI32LtUImm;
        GtS => AddBrI32GtS AddBrI32GtSImm IncBrI32GtS IncBrI32GtSImm;
        GtU => AddBrI32GtU AddBrI32GtUImm IncBrI32GtU IncBrI32GtUImm;
        LeS => AddBrI32LeS AddBrI32LeSImm IncBrI32LeS IncBrI32LeSImm;
        LeU => AddBrI32LeU AddBrI32LeUImm IncBrI32LeU IncBrI32LeUImm;
        GeS => AddBrI32GeS AddBrI32GeSImm IncBrI32GeS IncBrI32GeSImm;
        GeU => AddBrI32GeU AddBrI32GeUImm IncBrI32GeU IncBrI32GeUImm;
    }
}

/// Lets each instruction that reads the result of the instruction just
/// before it take that value from the accumulator, where it has such a
/// form (see `exec::Handler`). Only between instructions that follow each
/// other on every path: an instruction at one of `targets` (every branch
/// target and exception landing; more is only slower) keeps reading its
/// slots.
fn use_accumulator(
    code: &mut [Instr],
    targets: impl Iterator<Item = usize>,
    is_target: &mut Vec<bool>,
) {
    is_target.clear();
    is_target.resize(code.len() + 1, false);
    for at in targets {
        is_target[at] = true;
    }
    // The translator's labels are all the targets there are: checked here
    // in debug builds (the release build takes them on trust, reading
    // every instruction's branch offset again cost about 2 % of a first call of
    // a large module).
    #[cfg(debug_assertions)]
    for (i, instr) in code.iter_mut().enumerate() {
        if let Some(offset) = instr.branch_offset_mut() {
            let target = (i as isize + *offset as isize) as usize;
            assert!(is_target[target], "branch {i} -> {target} to no label");
        }
    }
    for i in 1..code.len() {
        if is_target[i] {
            continue;
        }
        if let Some(r) = code[i - 1].sets_acc() {
            if let Some(reading) = code[i].reading_acc(r, code[i - 1].sets_facc() == Some(r)) {
                code[i] = reading;
            }
        }
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

//! The light translator: the interpreter's code for `auto`'s first tier.
//!
//! Under `auto` most functions of a large program run a few times and are
//! never compiled natively, so what their first calls cost is the cost of
//! translating them. This translator reads a body's bytes once and emits
//! the register IR of `ir` as it goes, with none of `translate`'s fused or
//! narrow forms, no pass over the finished code, and no decoder between
//! it and the bytes. It takes bodies that use only numbers (i32, i64, f32,
//! f64), locals, number globals, a 32-bit memory 0, blocks with at most one
//! result, branches and direct and indirect calls: the code compilers emit
//! for most functions. For anything else it gives up (`None`) and the full
//! translator does the function. Functions that turn out hot move on to
//! native code, so the code it emits need not be the fastest.
//!
//! The operand stack is simulated as in `translate` (see there): an entry
//! is still in a local, a constant not yet written anywhere, or a value in
//! its *canonical slot*, which here is simply `locals_end` plus its depth
//! (every value it handles takes one slot). Entries that still read a
//! local are written to their slots before the local changes and at every
//! block entry, so at every label all values are in canonical slots.
//! Branches to a block's end are chained through their own offset fields
//! until the end is known, so a block costs no allocation.

mod numeric;

use super::ir::{Instr, Slot};
use super::{Code, CodeArena, CompiledFunc, ConstPool, TranslateEnv};
use crate::module::body_reader::BodyReader;
use crate::module::types::ValType;
use std::sync::OnceLock;

/// A value type the light translator handles: one slot each.
#[derive(Copy, Clone, Debug, PartialEq)]
enum Num {
    I32,
    I64,
    F32,
    F64,
}

impl Num {
    fn of(ty: &ValType) -> Option<Num> {
        match ty {
            ValType::I32 => Some(Num::I32),
            ValType::I64 => Some(Num::I64),
            ValType::F32 => Some(Num::F32),
            ValType::F64 => Some(Num::F64),
            _ => None,
        }
    }

    fn of_byte(byte: u8) -> Option<Num> {
        match byte {
            0x7f => Some(Num::I32),
            0x7e => Some(Num::I64),
            0x7d => Some(Num::F32),
            0x7c => Some(Num::F64),
            _ => None,
        }
    }
}

/// Where an operand's value is.
#[derive(Copy, Clone, Debug, PartialEq)]
enum Place {
    /// Still in this local's slot (nothing was copied).
    Local(Slot),
    /// A constant, written nowhere yet.
    Const(u64),
    /// In the entry's canonical slot.
    Temp,
}

/// An operand stack entry, packed into 16 bytes of plain fields: copied
/// as `{ place: Place, ty: Num }` (24 bytes, the type after the enum's
/// payload) it was moved in overlapping pieces whose loads waited for
/// the stores before them to retire, a stall on every pop.
#[derive(Copy, Clone, Debug)]
#[repr(C)]
struct Entry {
    /// Which `Place` this is: `LOCAL`, `CONST` or `TEMP`.
    kind: u8,
    ty: Num,
    /// The local of `Place::Local`.
    local: Slot,
    /// The bits of `Place::Const`.
    bits: u64,
}

const _: () = assert!(std::mem::size_of::<Entry>() == 16);

const LOCAL: u8 = 0;
const CONST: u8 = 1;
const TEMP: u8 = 2;

impl Entry {
    #[inline(always)]
    fn new(place: Place, ty: Num) -> Entry {
        let (kind, local, bits) = match place {
            Place::Local(l) => (LOCAL, l, 0),
            Place::Const(v) => (CONST, 0, v),
            Place::Temp => (TEMP, 0, 0),
        };
        Entry {
            kind,
            ty,
            local,
            bits,
        }
    }

    #[inline(always)]
    fn place(&self) -> Place {
        match self.kind {
            LOCAL => Place::Local(self.local),
            CONST => Place::Const(self.bits),
            _ => Place::Temp,
        }
    }

    #[inline(always)]
    fn reads_local(&self) -> bool {
        self.kind == LOCAL
    }
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Kind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

/// An open block.
#[derive(Copy, Clone, Debug)]
struct Frame {
    kind: Kind,
    /// Operand stack height at entry.
    height: u32,
    /// The block's result, if it has one (blocks here have no
    /// parameters).
    result: Option<Num>,
    /// For loops: the position of the loop head.
    head: u32,
    /// The last branch still to be patched with the block's end, whose
    /// offset field holds the one before it (`NO_FIXUP` ends the chain).
    fixups: i32,
    /// For `if`: the conditional branch to its `else` (or end).
    else_at: Option<u32>,
    /// Whether the code at the block's start was reachable.
    reachable_at_entry: bool,
}

/// The end of a chain of branches to patch.
const NO_FIXUP: i32 = -1;

/// Provisional slot numbers at and above this stand for constants; they
/// move to just after the locals when the function is done.
const CONST_BASE: Slot = 0x8000_0000;

/// The most locals (parameters included) a function may have here.
const MAX_LOCALS: u32 = 1 << 20;

/// Reusable state (allocations are kept across functions).
#[derive(Default)]
pub struct LightTranslator {
    code: Vec<Instr>,
    /// Each instruction's wasm offset, when `record_offsets` asks for them.
    offsets: Vec<u32>,
    record_offsets: bool,
    stack: Vec<Entry>,
    frames: Vec<Frame>,
    /// Type of each local, parameters first.
    locals: Vec<Num>,
    /// Constants read as operands, each in a slot of its own.
    consts: ConstPool,
    /// `br_table`'s targets, read before it is translated.
    targets: Vec<u32>,
    /// Results of the function being translated.
    results: Vec<Num>,
    locals_end: Slot,
    max_slot: Slot,
    reachable: bool,
    /// The last instruction and its result slot, if that result may be
    /// retargeted (nothing was emitted or labelled since).
    fusible: Option<(usize, Slot)>,
    /// How many stack entries are `Place::Local`.
    local_readers: u32,
    /// `loop` operators seen so far, reachable or not (as the JIT counts
    /// them for on-stack replacement).
    loops_seen: u32,
    /// Whether the function has a `HotLoop`.
    osr_loops: bool,
    /// Wasm offset of the operator being translated, relative to the body.
    cur_offset: u32,
}

impl LightTranslator {
    /// Translates `body` (the bytes of a validated body, locals included)
    /// of function `func_index`, its code placed in `arena`, or `None` if
    /// it has something this translator leaves to the full one. (The
    /// function is built once with its placed code: setting `code` on a
    /// returned function stalled on the copy of the rest.)
    pub fn translate(
        &mut self,
        env: &TranslateEnv<'_>,
        func_index: u32,
        body: &[u8],
        arena: &CodeArena,
    ) -> Option<CompiledFunc> {
        self.translate_body(env, func_index, body, Some(arena))
    }

    /// The wasm offset of each instruction of function `func_index`'s
    /// light translation, relative to the body: the same translation
    /// again, recording them (translations are deterministic).
    pub fn offsets(&mut self, env: &TranslateEnv<'_>, func_index: u32, body: &[u8]) -> Box<[u32]> {
        self.record_offsets = true;
        let again = self.translate_body(env, func_index, body, None);
        self.record_offsets = false;
        self.offsets.clear();
        again
            .and_then(|f| f.offsets.into_inner())
            .unwrap_or_default()
    }

    fn translate_body(
        &mut self,
        env: &TranslateEnv<'_>,
        func_index: u32,
        body: &[u8],
        arena: Option<&CodeArena>,
    ) -> Option<CompiledFunc> {
        let ty = &env.types[*env.func_types.get(func_index as usize)? as usize];
        self.code.clear();
        self.offsets.clear();
        self.stack.clear();
        self.frames.clear();
        self.locals.clear();
        self.consts.clear();
        self.results.clear();
        self.reachable = true;
        self.fusible = None;
        self.local_readers = 0;
        self.loops_seen = 0;
        self.osr_loops = false;
        self.cur_offset = 0;
        for p in ty.params() {
            self.locals.push(Num::of(p)?);
        }
        for r in ty.results() {
            self.results.push(Num::of(r)?);
        }
        let mut r = BodyReader::new(body);
        for _ in 0..r.u32()? {
            let count = r.u32()?;
            let t = Num::of_byte(r.byte()?)?;
            if self.locals.len() as u64 + u64::from(count) > u64::from(MAX_LOCALS) {
                return None;
            }
            self.locals.extend(std::iter::repeat_n(t, count as usize));
        }
        self.locals_end = self.locals.len() as Slot;
        self.max_slot = self.locals_end;
        self.frames.push(Frame {
            kind: Kind::Function,
            height: 0,
            result: None,
            head: 0,
            fixups: NO_FIXUP,
            else_at: None,
            reachable_at_entry: true,
        });
        // Room for the `LoadConsts` a function with constants starts
        // with, dropped at the end if it has none.
        self.emit(Instr::LoadConsts);
        if env.count_hotness {
            self.emit(Instr::Hot);
        }
        while !self.frames.is_empty() {
            self.cur_offset = r.pos as u32;
            let op = r.byte()?;
            if self.reachable {
                self.operator(env, op, &mut r)?;
            } else {
                self.unreachable_operator(op, &mut r)?;
            }
        }
        if !r.at_end() {
            return None;
        }
        self.finish(func_index, ty.params().len() as Slot, arena)
    }

    /// Places the constants after the locals and makes the function.
    fn finish(
        &mut self,
        func_index: u32,
        param_slots: Slot,
        arena: Option<&CodeArena>,
    ) -> Option<CompiledFunc> {
        let n = self.consts.values().len() as Slot;
        if n > 0 {
            let renumber = crate::interp::ir::place_constants(self.locals_end, CONST_BASE, n);
            for instr in &mut self.code {
                instr.map_slots(renumber);
            }
        }
        // Without constants, the code starts after the `LoadConsts` slot
        // (branch offsets are relative: they stay).
        let start = usize::from(n == 0);
        let result_slots = self.results.len() as Slot;
        // Room above the frame for an on-stack-replacement call's values
        // (see `HotLoop`).
        let osr_room = if self.osr_loops {
            result_slots.max(1)
        } else {
            0
        };
        let frame_slots = self.max_slot.checked_add(n + 2 + osr_room)?;
        // Placed last: a function given up above takes no room in the arena.
        Some(CompiledFunc {
            code: arena.map_or(Code::EMPTY, |arena| arena.alloc(&self.code[start..])),
            offsets: if self.record_offsets {
                OnceLock::from(Box::from(&self.offsets[start..]))
            } else {
                OnceLock::new()
            },
            pool: Box::new([]),
            consts: Box::from(self.consts.values()),
            param_slots,
            result_slots,
            hotness: Default::default(),
            native: Default::default(),
            claimed: Default::default(),
            locals_end: self.locals_end,
            frame_slots,
            narrow: false,
            light: true,
            handlers: Box::new([]),
            func_index,
        })
    }

    /// Translates operator `op` in reachable code.
    #[inline(always)]
    fn operator(&mut self, env: &TranslateEnv<'_>, op: u8, r: &mut BodyReader<'_>) -> Option<()> {
        match op {
            0x20 => {
                let l = r.u32()?;
                let ty = *self.locals.get(l as usize)?;
                self.push(Place::Local(l), ty);
            }
            0x21 => self.local_set(r.u32()?, false)?,
            0x22 => self.local_set(r.u32()?, true)?,
            0x41 => {
                let v = r.signed(32)? as u32;
                self.push(Place::Const(u64::from(v)), Num::I32);
            }
            0x42 => {
                let v = r.signed(64)? as u64;
                self.push(Place::Const(v), Num::I64);
            }
            0x43 => {
                let v = r.fixed(4)?;
                self.push(Place::Const(v), Num::F32);
            }
            0x44 => {
                let v = r.fixed(8)?;
                self.push(Place::Const(v), Num::F64);
            }
            0x45..=0xc4 => self.numeric(op)?,
            0x28..=0x3e => self.memory_access(env, op, r)?,
            0x02 => {
                let result = block_type(r)?;
                self.materialize_locals();
                self.push_frame(Kind::Block, result);
            }
            0x03 => {
                self.loops_seen += 1;
                let result = block_type(r)?;
                self.materialize_locals();
                // With the operand stack empty, the locals are all an
                // invocation has: native code can take over here.
                let osr = self.stack.is_empty();
                self.push_frame(Kind::Loop, result);
                let head = self.label();
                self.frames.last_mut()?.head = head as u32;
                if env.count_hotness {
                    if osr {
                        self.emit(Instr::HotLoop {
                            ordinal: self.loops_seen - 1,
                        });
                        self.osr_loops = true;
                    } else {
                        self.emit(Instr::Hot);
                    }
                }
            }
            0x04 => {
                let result = block_type(r)?;
                let at = if self.local_readers == 0 {
                    self.cond_branch(true)?
                } else {
                    // The saving copies must come before the branch: no
                    // comparison fused into it.
                    let cond = self.pop_src()?;
                    self.materialize_locals();
                    self.emit(Instr::BrIfEqz { cond, offset: 0 })
                };
                self.push_frame(Kind::If, result);
                self.frames.last_mut()?.else_at = Some(at as u32);
            }
            0x05 => self.else_()?,
            0x0b => self.end()?,
            0x0c => {
                self.branch(r.u32()?)?;
                self.reachable = false;
            }
            0x0d => self.br_if(r.u32()?)?,
            0x0e => self.br_table(r)?,
            0x0f => {
                self.emit_return()?;
                self.reachable = false;
            }
            0x10 => self.call(env, r.u32()?)?,
            0x11 => self.call_indirect(env, r)?,
            0x00 => {
                self.emit(Instr::Unreachable);
                self.reachable = false;
            }
            0x01 => {}
            0x1a => {
                self.pop()?;
            }
            0x1b => self.select()?,
            0x1c => {
                // A typed `select` of one number type.
                if r.u32()? != 1 {
                    return None;
                }
                Num::of_byte(r.byte()?)?;
                self.select()?;
            }
            0x23 => {
                let global = r.u32()?;
                let ty = Num::of(&env.globals.get(global as usize)?.content)?;
                let dst = self.push(Place::Temp, ty);
                self.emit_result(dst, Instr::GlobalGet { dst, global });
            }
            0x24 => {
                let global = r.u32()?;
                Num::of(&env.globals.get(global as usize)?.content)?;
                let src = self.pop_src()?;
                self.emit(Instr::GlobalSet { src, global });
            }
            0x3f => {
                memory0(env, r)?;
                let dst = self.push(Place::Temp, Num::I32);
                self.emit_result(dst, Instr::MemorySize { dst, memory: 0 });
            }
            0x40 => {
                memory0(env, r)?;
                let args = self.pop_args(1)?;
                self.emit(Instr::MemoryGrow { args, memory: 0 });
                self.push(Place::Temp, Num::I32);
            }
            0xfc => match r.u32()? {
                sub @ 0..=7 => self.saturating(sub)?,
                10 => {
                    memory0(env, r)?;
                    memory0(env, r)?;
                    let args = self.pop_args(3)?;
                    self.emit(Instr::MemoryCopy {
                        args,
                        dst_memory: 0,
                        src_memory: 0,
                    });
                }
                11 => {
                    memory0(env, r)?;
                    let args = self.pop_args(3)?;
                    self.emit(Instr::MemoryFill { args, memory: 0 });
                }
                _ => return None,
            },
            _ => return None,
        }
        Some(())
    }

    /// In unreachable code only the block structure matters; the other
    /// operators' immediates are skipped.
    fn unreachable_operator(&mut self, op: u8, r: &mut BodyReader<'_>) -> Option<()> {
        match op {
            0x02..=0x04 => {
                if op == 0x03 {
                    self.loops_seen += 1;
                }
                block_type(r)?;
                self.frames.push(Frame {
                    kind: Kind::Block,
                    height: self.stack.len() as u32,
                    result: None,
                    head: 0,
                    fixups: NO_FIXUP,
                    else_at: None,
                    reachable_at_entry: false,
                });
            }
            0x05 => {
                if self.frames.last()?.reachable_at_entry {
                    // The then-branch ended unreachable; the else-branch
                    // starts reachable.
                    self.else_()?;
                }
            }
            0x0b => {
                let frame = self.frames.last()?;
                if frame.reachable_at_entry || frame.kind == Kind::Function {
                    self.end()?;
                } else {
                    self.frames.pop();
                }
            }
            0x0c | 0x0d | 0x10 | 0x20..=0x24 | 0x3f | 0x40 => {
                r.u32()?;
            }
            0x0e => {
                for _ in 0..=r.u32()? {
                    r.u32()?;
                }
            }
            0x11 | 0x28..=0x3e => {
                r.u32()?;
                r.u32()?;
            }
            0x1c => {
                for _ in 0..r.u32()? {
                    r.byte()?;
                }
            }
            0x41 => {
                r.signed(32)?;
            }
            0x42 => {
                r.signed(64)?;
            }
            0x43 => {
                r.fixed(4)?;
            }
            0x44 => {
                r.fixed(8)?;
            }
            0x00 | 0x01 | 0x0f | 0x1a | 0x1b | 0x45..=0xc4 => {}
            0xfc => match r.u32()? {
                0..=7 => {}
                10 => {
                    r.byte()?;
                    r.byte()?;
                }
                11 => {
                    r.byte()?;
                }
                _ => return None,
            },
            _ => return None,
        }
        Some(())
    }

    // ---- emission ----

    // Inlined: an instruction built in parts on the stack and copied into
    // `code` whole by an outlined call stalled on store forwarding (84 %
    // of this function's samples were that copy).
    #[inline(always)]
    fn emit(&mut self, i: Instr) -> usize {
        self.code.push(i);
        if self.record_offsets {
            self.offsets.push(self.cur_offset);
        }
        self.fusible = None;
        self.code.len() - 1
    }

    /// Emits instruction `i`, whose result goes to slot `dst` and may
    /// later be retargeted.
    #[inline(always)]
    fn emit_result(&mut self, dst: Slot, i: Instr) {
        let at = self.emit(i);
        self.fusible = Some((at, dst));
    }

    /// Marks the current position as a branch target.
    fn label(&mut self) -> usize {
        self.fusible = None;
        self.code.len()
    }

    /// Points the branch at `at` to position `to`.
    fn patch(&mut self, at: usize, to: usize) -> Option<()> {
        *self.code.get_mut(at)?.branch_offset_mut()? = to as i32 - at as i32;
        Some(())
    }

    /// Adds the branch at `at` to frame `target`'s chain of fixups.
    fn add_fixup(&mut self, target: usize, at: usize) -> Option<()> {
        let previous = self.frames[target].fixups;
        *self.code.get_mut(at)?.branch_offset_mut()? = previous;
        self.frames[target].fixups = at as i32;
        Some(())
    }

    /// Patches every branch of a chain of fixups with position `to`.
    fn patch_chain(&mut self, mut at: i32, to: usize) -> Option<()> {
        while at != NO_FIXUP {
            let offset = self.code.get_mut(at as usize)?.branch_offset_mut()?;
            let next = *offset;
            *offset = to as i32 - at;
            at = next;
        }
        Some(())
    }

    // ---- the operand stack ----

    /// The canonical slot of stack position `depth`.
    fn slot_at(&self, depth: usize) -> Slot {
        self.locals_end + depth as Slot
    }

    #[inline(always)]
    fn push(&mut self, place: Place, ty: Num) -> Slot {
        let slot = self.slot_at(self.stack.len());
        if slot >= self.max_slot {
            self.max_slot = slot + 1;
        }
        if let Place::Local(_) = place {
            self.local_readers += 1;
        }
        self.stack.push(Entry::new(place, ty));
        slot
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<Entry> {
        let e = self.stack.pop()?;
        if e.reads_local() {
            self.local_readers -= 1;
        }
        Some(e)
    }

    /// Pops an operand and returns the slot to read it from.
    #[inline(always)]
    fn pop_src(&mut self) -> Option<Slot> {
        let e = self.pop()?;
        let slot = self.slot_at(self.stack.len());
        Some(self.src(e, slot))
    }

    /// The slot to read entry `e` (canonical slot `slot`) from; constants
    /// are read from the function's constant slots, filled once per call.
    #[inline(always)]
    fn src(&mut self, e: Entry, slot: Slot) -> Slot {
        match e.place() {
            Place::Local(l) => l,
            Place::Temp => slot,
            Place::Const(v) => CONST_BASE + self.consts.id(v),
        }
    }

    /// Writes the value of `e` (canonical slot `slot`) into slot `dst`.
    fn write_to(&mut self, e: Entry, slot: Slot, dst: Slot) {
        match e.place() {
            Place::Local(l) if l != dst => {
                self.emit(Instr::Copy { dst, src: l });
            }
            Place::Const(value) => {
                self.emit(match u32::try_from(value) {
                    Ok(value) => Instr::Const32 { dst, value },
                    Err(_) => Instr::Const64 { dst, value },
                });
            }
            Place::Temp if slot != dst => {
                self.emit(Instr::Copy { dst, src: slot });
            }
            _ => {}
        }
    }

    /// Makes stack entry `i` a `Temp` in its canonical slot.
    fn materialize(&mut self, i: usize) {
        let e = self.stack[i];
        if e.kind != TEMP {
            let slot = self.slot_at(i);
            self.write_to(e, slot, slot);
            if e.reads_local() {
                self.local_readers -= 1;
            }
            self.stack[i].kind = TEMP;
        }
    }

    /// Materialises every entry that still reads a local (before a block,
    /// whose code might overwrite that local on some paths).
    fn materialize_locals(&mut self) {
        if self.local_readers == 0 {
            return;
        }
        for i in 0..self.stack.len() {
            if self.stack[i].reads_local() {
                self.materialize(i);
            }
        }
    }

    /// Truncates the stack to `height` entries.
    fn truncate(&mut self, height: usize) {
        while self.stack.len() > height {
            self.pop();
        }
    }

    /// Materialises the top `n` operands, pops them and returns the slot of
    /// the first (for instructions taking consecutive `args`).
    fn pop_args(&mut self, n: usize) -> Option<Slot> {
        let first = self.stack.len().checked_sub(n)?;
        for i in first..self.stack.len() {
            self.materialize(i);
        }
        self.stack.truncate(first);
        Some(self.slot_at(first))
    }

    // ---- operators ----

    fn local_set(&mut self, local: u32, tee: bool) -> Option<()> {
        self.locals.get(local as usize)?;
        let v = self.pop()?;
        let slot = self.slot_at(self.stack.len());
        // Entries still reading the local's old value are saved first.
        let mut saved = false;
        if self.local_readers > 0 {
            for i in 0..self.stack.len() {
                if self.stack[i].place() == Place::Local(local) {
                    self.materialize(i);
                    saved = true;
                }
            }
        }
        // A result just computed into the operand's slot is computed
        // straight into the local instead.
        // (The result slot is remembered: reading it back from the
        // instruction stalled on the store that had just written it.)
        let retarget = match (v.place(), self.fusible) {
            (Place::Temp, Some((at, dst))) if !saved && dst == slot => Some(at),
            _ => None,
        };
        if let Some(at) = retarget {
            self.code[at].set_result_slot(local);
        } else {
            self.write_to(v, slot, local);
        }
        self.fusible = None;
        if tee {
            self.push(Place::Local(local), v.ty);
        }
        Some(())
    }

    #[inline(always)]
    fn unary(&mut self, ty: Num, make: impl FnOnce(Slot, Slot) -> Instr) -> Option<()> {
        let src = self.pop_src()?;
        let dst = self.push(Place::Temp, ty);
        self.emit_result(dst, make(dst, src));
        Some(())
    }

    #[inline(always)]
    fn binary(&mut self, ty: Num, make: impl FnOnce(Slot, Slot, Slot) -> Instr) -> Option<()> {
        let b = self.pop_src()?;
        let a = self.pop_src()?;
        let dst = self.push(Place::Temp, ty);
        self.emit_result(dst, make(dst, a, b));
        Some(())
    }

    /// A binary integer operator with an immediate form for constant
    /// right-hand sides that fit in an `i32`.
    #[inline(always)]
    fn binary_imm(
        &mut self,
        ty: Num,
        make: impl FnOnce(Slot, Slot, Slot) -> Instr,
        make_imm: impl FnOnce(Slot, Slot, i32) -> Instr,
    ) -> Option<()> {
        let b = *self.stack.last()?;
        if let Place::Const(v) = b.place() {
            if let Some(imm) = crate::interp::ir::immediate(v, b.ty == Num::I32) {
                self.pop();
                let a = self.pop_src()?;
                let dst = self.push(Place::Temp, ty);
                self.emit_result(dst, make_imm(dst, a, imm));
                return Some(());
            }
        }
        self.binary(ty, make)
    }

    /// A reinterpretation: the bits stay, the type changes.
    fn retype(&mut self, ty: Num) -> Option<()> {
        self.stack.last_mut()?.ty = ty;
        Some(())
    }

    fn select(&mut self) -> Option<()> {
        let cond = self.pop_src()?;
        let b = self.pop_src()?;
        let a = self.pop()?;
        let slot = self.slot_at(self.stack.len());
        self.write_to(a, slot, slot);
        let dst = self.push(Place::Temp, a.ty);
        self.emit(Instr::Select { dst, b, cond });
        Some(())
    }

    /// A load or store on memory 0.
    fn memory_access(
        &mut self,
        env: &TranslateEnv<'_>,
        op: u8,
        r: &mut BodyReader<'_>,
    ) -> Option<()> {
        let align = r.u32()?;
        if align >= 0x40 || env.memories.first()?.memory64 {
            return None;
        }
        let offset = r.u32()?;
        macro_rules! load {
            ($t:ident, $v:ident) => {{
                let addr = self.pop_src()?;
                let dst = self.push(Place::Temp, Num::$t);
                self.emit_result(dst, Instr::$v { dst, addr, offset });
            }};
        }
        macro_rules! store {
            ($v:ident) => {{
                let src = self.pop_src()?;
                let addr = self.pop_src()?;
                self.emit(Instr::$v { addr, src, offset });
            }};
        }
        match op {
            0x28 => load!(I32, I32Load),
            0x29 => load!(I64, I64Load),
            0x2a => load!(F32, I32Load),
            0x2b => load!(F64, I64Load),
            0x2c => load!(I32, I32Load8S),
            0x2d => load!(I32, I32Load8U),
            0x2e => load!(I32, I32Load16S),
            0x2f => load!(I32, I32Load16U),
            0x30 => load!(I64, I64Load8S),
            0x31 => load!(I64, I64Load8U),
            0x32 => load!(I64, I64Load16S),
            0x33 => load!(I64, I64Load16U),
            0x34 => load!(I64, I64Load32S),
            0x35 => load!(I64, I64Load32U),
            0x36 | 0x38 => store!(I32Store),
            0x37 | 0x39 => store!(I64Store),
            0x3a | 0x3c => store!(I32Store8),
            0x3b | 0x3d => store!(I32Store16),
            0x3e => store!(I64Store32),
            _ => return None,
        }
        Some(())
    }

    fn push_frame(&mut self, kind: Kind, result: Option<Num>) {
        self.frames.push(Frame {
            kind,
            height: self.stack.len() as u32,
            result,
            head: 0,
            fixups: NO_FIXUP,
            else_at: None,
            reachable_at_entry: self.reachable,
        });
    }

    /// The number of values a branch to frame `target` carries.
    fn label_arity(&self, target: usize) -> usize {
        let frame = &self.frames[target];
        if frame.kind == Kind::Loop {
            0
        } else {
            usize::from(frame.result.is_some())
        }
    }

    /// Moves the top `n` (at most one) operands to slot `base`.
    fn move_top_to(&mut self, n: usize, base: Slot) -> Option<()> {
        if n == 1 {
            let depth = self.stack.len().checked_sub(1)?;
            let e = self.stack[depth];
            let slot = self.slot_at(depth);
            self.write_to(e, slot, base);
        }
        Some(())
    }

    /// Whether the top `n` (at most one) operands sit in slot `base`.
    fn top_in_place(&self, n: usize, base: Slot) -> bool {
        n == 0
            || self.stack.last().is_some_and(|e| {
                e.place() == Place::Temp && self.slot_at(self.stack.len() - 1) == base
            })
    }

    /// Emits an unconditional branch to label `depth` (values on top).
    fn branch(&mut self, depth: u32) -> Option<()> {
        let target = self.frames.len().checked_sub(1 + depth as usize)?;
        let frame = self.frames[target];
        if frame.kind == Kind::Function {
            return self.emit_return();
        }
        let n = self.label_arity(target);
        self.move_top_to(n, self.slot_at(frame.height as usize))?;
        if frame.kind == Kind::Loop {
            let at = self.code.len();
            self.emit(Instr::Br {
                offset: frame.head as i32 - at as i32,
            });
        } else {
            let at = self.emit(Instr::Br { offset: 0 });
            self.add_fixup(target, at)?;
        }
        Some(())
    }

    /// Pops an i32 condition and emits a branch (offset 0, returned)
    /// taken when it is not zero, or when it is with `negate`. A
    /// comparison that computed the condition just before becomes a
    /// compare-and-branch instead.
    fn cond_branch(&mut self, negate: bool) -> Option<usize> {
        let e = self.pop()?;
        self.branch_on(e, negate)
    }

    /// `cond_branch` on condition `e`, just popped.
    fn branch_on(&mut self, e: Entry, negate: bool) -> Option<usize> {
        let slot = self.slot_at(self.stack.len());
        if let (Place::Temp, Some((at, dst))) = (e.place(), self.fusible) {
            if dst == slot {
                if let Some(fused) = crate::interp::ir::fuse_compare(self.code[at], negate) {
                    self.code[at] = fused;
                    self.fusible = None;
                    return Some(at);
                }
            }
        }
        let cond = self.src(e, slot);
        Some(if negate {
            self.emit(Instr::BrIfEqz { cond, offset: 0 })
        } else {
            self.emit(Instr::BrIfNez { cond, offset: 0 })
        })
    }

    fn br_if(&mut self, depth: u32) -> Option<()> {
        let c = self.pop()?;
        let target = self.frames.len().checked_sub(1 + depth as usize)?;
        let frame = self.frames[target];
        let n = self.label_arity(target);
        if frame.kind != Kind::Function && self.top_in_place(n, self.slot_at(frame.height as usize))
        {
            let at = self.branch_on(c, false)?;
            if frame.kind == Kind::Loop {
                self.patch(at, frame.head as usize)?;
            } else {
                self.add_fixup(target, at)?;
            }
        } else {
            // Skip the value moves and the branch when the condition fails.
            let skip = self.branch_on(c, true)?;
            self.branch(depth)?;
            let here = self.label();
            self.patch(skip, here)?;
        }
        Some(())
    }

    fn br_table(&mut self, r: &mut BodyReader<'_>) -> Option<()> {
        let count = r.u32()?;
        let mut targets = std::mem::take(&mut self.targets);
        targets.clear();
        for _ in 0..=count {
            targets.push(r.u32()?);
        }
        let translated = self.br_table_to(&targets);
        self.targets = targets;
        translated
    }

    fn br_table_to(&mut self, targets: &[u32]) -> Option<()> {
        let index = self.pop_src()?;
        self.emit(Instr::BrTable {
            index,
            len: targets.len() as u32 - 1,
        });
        let table_start = self.code.len();
        for _ in targets {
            self.emit(Instr::Br { offset: 0 });
        }
        for (k, &depth) in targets.iter().enumerate() {
            let at = table_start + k;
            let target = self.frames.len().checked_sub(1 + depth as usize)?;
            let frame = self.frames[target];
            let n = self.label_arity(target);
            let in_place = self.top_in_place(n, self.slot_at(frame.height as usize));
            if frame.kind == Kind::Loop && in_place {
                self.patch(at, frame.head as usize)?;
            } else if frame.kind != Kind::Function && in_place {
                self.add_fixup(target, at)?;
            } else {
                // A stub that moves the values, then branches.
                let here = self.label();
                self.patch(at, here)?;
                self.branch(depth)?;
            }
        }
        self.reachable = false;
        Some(())
    }

    /// Emits the return of the function's results, on top of the stack.
    fn emit_return(&mut self) -> Option<()> {
        let n = self.results.len();
        match n {
            0 => {
                self.emit(Instr::Return);
            }
            1 => {
                let depth = self.stack.len().checked_sub(1)?;
                let e = self.stack[depth];
                if let Place::Const(value) = e.place() {
                    self.emit(Instr::ReturnConst { value });
                } else {
                    let slot = self.slot_at(depth);
                    let src = self.src(e, slot);
                    self.emit(Instr::ReturnSlot { src });
                }
            }
            _ => {
                let first = self.stack.len().checked_sub(n)?;
                for i in first..self.stack.len() {
                    let e = self.stack[i];
                    let slot = self.slot_at(i);
                    self.write_to(e, slot, slot);
                }
                self.emit(Instr::ReturnMany {
                    src: self.slot_at(first),
                    len: n as u32,
                });
            }
        }
        Some(())
    }

    fn else_(&mut self) -> Option<()> {
        let frame = *self.frames.last()?;
        if self.reachable {
            let n = usize::from(frame.result.is_some());
            self.move_top_to(n, self.slot_at(frame.height as usize))?;
            let at = self.emit(Instr::Br { offset: 0 });
            let target = self.frames.len() - 1;
            self.add_fixup(target, at)?;
        }
        let here = self.label();
        self.patch(frame.else_at? as usize, here)?;
        let frame = self.frames.last_mut()?;
        frame.kind = Kind::Else;
        frame.else_at = None;
        let (height, reachable) = (frame.height, frame.reachable_at_entry);
        self.truncate(height as usize);
        self.reachable = reachable;
        Some(())
    }

    fn end(&mut self) -> Option<()> {
        let frame = *self.frames.last()?;
        if frame.kind == Kind::Function {
            if self.reachable {
                self.emit_return()?;
            }
            self.frames.pop();
            let end = self.label();
            return self.patch_chain(frame.fixups, end);
        }
        if self.reachable {
            // The result goes to the block's canonical slot.
            let n = usize::from(frame.result.is_some());
            self.move_top_to(n, self.slot_at(frame.height as usize))?;
        }
        self.frames.pop();
        let end = self.label();
        let mut reachable = self.reachable || frame.fixups != NO_FIXUP;
        self.patch_chain(frame.fixups, end)?;
        if let Some(at) = frame.else_at {
            // `if` without `else` (and so without results): the false path
            // falls through.
            self.patch(at as usize, end)?;
            reachable |= frame.reachable_at_entry;
        }
        self.truncate(frame.height as usize);
        if let Some(ty) = frame.result {
            self.push(Place::Temp, ty);
        }
        self.reachable = reachable;
        Some(())
    }

    fn call(&mut self, env: &TranslateEnv<'_>, function_index: u32) -> Option<()> {
        let ty = &env.types[*env.func_types.get(function_index as usize)? as usize];
        let args = self.pop_args(ty.params().len())?;
        self.emit(match function_index.checked_sub(env.num_imported_funcs) {
            Some(func) => Instr::CallInternal { func, args },
            None => Instr::Call {
                func: function_index,
                args,
            },
        });
        self.push_results(ty.params(), ty.results())
    }

    fn call_indirect(&mut self, env: &TranslateEnv<'_>, r: &mut BodyReader<'_>) -> Option<()> {
        let type_index = r.u32()?;
        let table = r.u32()?;
        if env.tables.get(table as usize)?.table64 {
            return None;
        }
        let ty = env.types.get(type_index as usize)?;
        // The index sits above the arguments: placing them cannot
        // overwrite it.
        let index = self.pop_src()?;
        let args = self.pop_args(ty.params().len())?;
        self.emit(Instr::CallIndirect {
            type_index,
            index,
            args,
        });
        self.emit(Instr::Aux { a: table, b: 0 });
        self.push_results(ty.params(), ty.results())
    }

    /// Pushes a call's results (after checking that the callee's values are
    /// all numbers).
    fn push_results(&mut self, params: &[ValType], results: &[ValType]) -> Option<()> {
        for p in params {
            Num::of(p)?;
        }
        for t in results {
            self.push(Place::Temp, Num::of(t)?);
        }
        Some(())
    }
}

/// A block type: empty or one number type (`None` for anything else).
fn block_type(r: &mut BodyReader<'_>) -> Option<Option<Num>> {
    match r.byte()? {
        0x40 => Some(None),
        byte => Some(Some(Num::of_byte(byte)?)),
    }
}

/// The memory index byte of `memory.*` operators: memory 0, 32-bit.
fn memory0(env: &TranslateEnv<'_>, r: &mut BodyReader<'_>) -> Option<()> {
    (r.byte()? == 0 && !env.memories.first()?.memory64).then_some(())
}

#[cfg(test)]
mod tests;

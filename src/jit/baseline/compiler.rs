//! The baseline compiler's one pass over a body: wasm bytes in, x86-64
//! machine code out, no intermediate form.
//!
//! Every local and every operand stack depth has a slot of 8 bytes in the
//! frame (`[rsp + 8 * slot]`: the locals, then depth 0, 1, ...). An operand
//! is simulated until it must exist somewhere: a constant, a local not
//! copied yet, a value in a register, or a value in its depth's slot (and,
//! just before `br_if` and `if`, a comparison still in the flags). At a
//! block's entry every operand in a register or reading a local goes to
//! its slot, so at every label the registers are free and the block's
//! result is in the slot of the block's height; a branch writes its
//! value there. Calls go through the callee's reference in the array
//! convention, the arguments already in consecutive slots.
//!
//! Registers: `r15` the instance context, `r14` the base of guarded memory
//! 0, `rbx` the caller's values array (parameters in, results out), `r11`
//! scratch, `rax`..`r10` (but `rbx`) and `xmm0`..`xmm14` hold operands;
//! `xmm15` is scratch.

use super::asm::*;
use crate::jit::abi;
use crate::module::body_reader::BodyReader;
use crate::module::types::{
    FuncType, GlobalType, HeapType, MemoryType, RefType, TableType, ValType,
};
use crate::runtime::TrapCode;

/// What the compiler needs to know about the module.
pub struct Env<'a> {
    pub types: &'a [FuncType],
    pub func_types: &'a [u32],
    pub globals: &'a [GlobalType],
    pub num_imported_globals: u32,
    pub tables: &'a [TableType],
    pub memories: &'a [MemoryType],
    /// `entry::raise_pending`'s address.
    pub raise_pending: usize,
    /// `entry::is_subtype`'s address.
    pub is_subtype: usize,
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Ty {
    I32,
    I64,
    F32,
    F64,
}

impl Ty {
    fn of(t: &ValType) -> Option<Ty> {
        match t {
            ValType::I32 => Some(Ty::I32),
            ValType::I64 => Some(Ty::I64),
            ValType::F32 => Some(Ty::F32),
            ValType::F64 => Some(Ty::F64),
            _ => None,
        }
    }

    fn of_byte(b: u8) -> Option<Ty> {
        match b {
            0x7f => Some(Ty::I32),
            0x7e => Some(Ty::I64),
            0x7d => Some(Ty::F32),
            0x7c => Some(Ty::F64),
            _ => None,
        }
    }

    fn float(self) -> bool {
        matches!(self, Ty::F32 | Ty::F64)
    }

    /// Whether the value is 64 bits wide.
    fn wide(self) -> bool {
        matches!(self, Ty::I64 | Ty::F64)
    }
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum Kind {
    /// The constant `bits`.
    Const,
    /// Still in local `local`.
    Local,
    /// In register `reg`.
    Reg,
    /// In the slot of its depth.
    Slot,
    /// A comparison whose outcome is condition `reg` of the flags (only
    /// the top entry, consumed by the next operator).
    Flags,
}

#[derive(Copy, Clone, Debug)]
struct Entry {
    kind: Kind,
    ty: Ty,
    reg: Reg,
    local: u32,
    bits: u64,
}

impl Entry {
    fn new(kind: Kind, ty: Ty) -> Entry {
        Entry {
            kind,
            ty,
            reg: 0,
            local: 0,
            bits: 0,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq)]
enum BlockKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Copy, Clone, Debug)]
struct Frame {
    kind: BlockKind,
    height: u32,
    result: Option<Ty>,
    /// A loop's head.
    head: usize,
    /// Last branch displacement waiting for the block's end; each holds
    /// the position of the one before (`NONE` ends the chain).
    fixups: u32,
    /// An `if`'s branch to its `else` (or end).
    else_at: u32,
    reachable_at_entry: bool,
    /// Whether a branch targets the block's end.
    branched: bool,
}

const NONE: u32 = u32::MAX;

/// Registers that hold operands.
const GPRS: u16 = (1 << RAX)
    | (1 << RCX)
    | (1 << RDX)
    | (1 << RSI)
    | (1 << RDI)
    | (1 << R8)
    | (1 << R9)
    | (1 << R10);
const XMMS: u16 = 0x7fff;
const SCRATCH: Reg = R11;
const FSCRATCH: Reg = 15;
const VMCTX: Reg = R15;
const MEMBASE: Reg = R14;
const MEMDEF: Reg = R13;
const VALUES: Reg = RBX;

/// The most locals a function may have here.
const MAX_LOCALS: usize = 50_000;

/// A trap to raise out of line: the branch to it, the trap, the wasm
/// offset.
struct TrapStub {
    at: usize,
    code: TrapCode,
    offset: u32,
}

/// The finished code of one function.
pub struct Output<'a> {
    pub code: &'a [u8],
    /// Fault sites: code offset and the trap it stands for.
    pub traps: &'a [(u32, TrapCode)],
    /// Code offset -> wasm offset (body-relative), ascending.
    pub srclocs: &'a [(u32, u32)],
}

/// Reusable state (allocations kept across functions).
#[derive(Default)]
pub struct Compiler {
    asm: Asm,
    stack: Vec<Entry>,
    frames: Vec<Frame>,
    locals: Vec<Ty>,
    results: Vec<Ty>,
    targets: Vec<u32>,
    free_gprs: u16,
    free_xmms: u16,
    locals_end: u32,
    max_depth: u32,
    local_readers: u32,
    reachable: bool,
    /// Blocks opened in unreachable code, not yet closed.
    dead_blocks: u32,
    cur: u32,
    func_index: u32,
    traps: Vec<(u32, TrapCode)>,
    srclocs: Vec<(u32, u32)>,
    stubs: Vec<TrapStub>,
    /// Calls whose callee trapped: the `jz`s to the stub that goes on
    /// unwinding, and their wasm offsets.
    pending: Vec<(usize, u32)>,
    frame_size_at: usize,
    has_memory: bool,
    sse41: bool,
    lzcnt: bool,
    bmi1: bool,
    popcnt: bool,
}

impl Compiler {
    /// Compiles `body` (a validated body, locals included) of function
    /// `func_index`, or `None` if it uses what this compiler leaves to
    /// the other tiers.
    pub fn compile(&mut self, env: &Env<'_>, func_index: u32, body: &[u8]) -> Option<Output<'_>> {
        self.sse41 = std::arch::is_x86_feature_detected!("sse4.1");
        self.lzcnt = std::arch::is_x86_feature_detected!("lzcnt");
        self.bmi1 = std::arch::is_x86_feature_detected!("bmi1");
        self.popcnt = std::arch::is_x86_feature_detected!("popcnt");
        if env.memories.iter().any(|m| m.memory64) {
            return None;
        }
        let ty = &env.types[*env.func_types.get(func_index as usize)? as usize];
        self.asm.buf.clear();
        self.stack.clear();
        self.frames.clear();
        self.locals.clear();
        self.results.clear();
        self.traps.clear();
        self.srclocs.clear();
        self.stubs.clear();
        self.pending.clear();
        self.free_gprs = GPRS;
        self.free_xmms = XMMS;
        self.local_readers = 0;
        self.reachable = true;
        self.dead_blocks = 0;
        self.max_depth = 0;
        self.func_index = func_index;
        for p in ty.params() {
            self.locals.push(Ty::of(p)?);
        }
        for r in ty.results() {
            self.results.push(Ty::of(r)?);
        }
        let params = self.locals.len();
        let mut r = BodyReader::new(body);
        for _ in 0..r.u32()? {
            let count = r.u32()? as usize;
            let t = Ty::of_byte(r.byte()?)?;
            if self.locals.len() + count > MAX_LOCALS {
                return None;
            }
            self.locals.extend(std::iter::repeat_n(t, count));
        }
        self.locals_end = self.locals.len() as u32;
        self.prologue(params, !env.memories.is_empty());
        self.frames.push(Frame {
            kind: BlockKind::Function,
            height: 0,
            result: None,
            head: 0,
            fixups: NONE,
            else_at: NONE,
            reachable_at_entry: true,
            branched: false,
        });
        while !self.frames.is_empty() {
            self.cur = r.pos as u32;
            let op = r.byte()?;
            if self.reachable {
                self.operator(env, op, &mut r)?;
            } else {
                self.dead_operator(op, &mut r)?;
            }
        }
        if !r.at_end() {
            return None;
        }
        self.finish(env);
        Some(Output {
            code: &self.asm.buf,
            traps: &self.traps,
            srclocs: &self.srclocs,
        })
    }

    // ---- frame -----------------------------------------------------------

    fn prologue(&mut self, params: usize, has_memory: bool) {
        let a = &mut self.asm;
        a.push(RBP);
        a.mov_rr(true, RBP, RSP);
        a.push(RBX);
        a.push(R12);
        a.push(R13);
        a.push(R14);
        a.push(R15);
        // sub rsp, imm32 (patched when the frame's size is known)
        a.byte(0x48);
        a.byte(0x81);
        a.byte(0xec);
        self.frame_size_at = a.pos();
        a.u32(0);
        a.load(true, VMCTX, Mem::at(RDI, abi::FUNCREF_VMCTX));
        a.mov_rr(true, VALUES, RDX);
        a.load(true, RAX, Mem::at(VMCTX, abi::VMCTX_STORE));
        a.alu_rm(true, Alu::Cmp, RSP, Mem::at(RAX, abi::STORE_STACK_LIMIT));
        // cmp rsp, [limit] is `cmp r/m, r` reversed: `alu_rm` computes
        // rsp - limit, so below means past the limit.
        let at = a.jcc(CC_B);
        self.stubs.push(TrapStub {
            at,
            code: TrapCode::StackExhausted,
            offset: 0,
        });
        self.has_memory = has_memory;
        if has_memory {
            let a = &mut self.asm;
            a.load(true, MEMDEF, Mem::at(VMCTX, abi::VMCTX_MEMORIES));
            a.load(true, MEMDEF, Mem::at(MEMDEF, 0));
            a.load(true, MEMBASE, Mem::at(MEMDEF, abi::MEMORY_BASE));
        }
        for i in 0..params {
            self.asm.load(true, RAX, Mem::at(VALUES, 8 * i as i32));
            self.asm.store(true, slot_mem(i as u32), RAX);
        }
        let locals = self.locals.len() - params;
        if locals > 0 {
            let a = &mut self.asm;
            a.alu_rr(false, Alu::Xor, RAX, RAX);
            if locals <= 8 {
                for i in params..params + locals {
                    a.store(true, slot_mem(i as u32), RAX);
                }
            } else {
                a.lea(RDI, slot_mem(params as u32));
                a.mov_imm(RCX, locals as u64);
                // rep stosq
                a.byte(0xf3);
                a.byte(0x48);
                a.byte(0xab);
            }
        }
    }

    fn epilogue(&mut self) {
        let a = &mut self.asm;
        a.mov_imm(RAX, 1);
        a.lea(RSP, Mem::at(RBP, -40));
        a.pop(R15);
        a.pop(R14);
        a.pop(R13);
        a.pop(R12);
        a.pop(RBX);
        a.pop(RBP);
        a.ret();
    }

    fn finish(&mut self, env: &Env<'_>) {
        let slots = self.locals_end + self.max_depth;
        // Six registers pushed after the return address: the frame keeps
        // calls 16-byte aligned with 8 bytes more.
        let size = (slots as usize * 8).div_ceil(16) * 16 + 8;
        self.asm.patch_u32(self.frame_size_at, size as u32);
        for i in 0..self.stubs.len() {
            let TrapStub { at, code, offset } = self.stubs[i];
            let pos = self.asm.pos();
            self.asm.bind(at, pos);
            self.srclocs.push((pos as u32, offset));
            self.traps.push((pos as u32, code));
            self.asm.ud2();
        }
        if !self.pending.is_empty() {
            let mut common = Vec::with_capacity(self.pending.len());
            for i in 0..self.pending.len() {
                let (at, offset) = self.pending[i];
                let pos = self.asm.pos();
                self.asm.bind(at, pos);
                self.asm.mov_imm(RDX, u64::from(offset));
                common.push(self.asm.jmp());
            }
            let pos = self.asm.pos();
            for at in common {
                self.asm.bind(at, pos);
            }
            let a = &mut self.asm;
            a.mov_rr(true, RDI, VMCTX);
            a.byte(0xbe); // mov esi, imm32
            a.u32(self.func_index);
            a.mov_rr(true, RCX, RBP);
            a.mov_imm(RAX, env.raise_pending as u64);
            a.call_r(RAX);
            a.ud2();
        }
    }

    // ---- registers and operands -------------------------------------------

    #[inline(always)]
    fn alloc(&mut self, float: bool) -> Reg {
        loop {
            let free = if float {
                self.free_xmms
            } else {
                self.free_gprs
            };
            if free != 0 {
                let r = free.trailing_zeros() as Reg;
                if float {
                    self.free_xmms &= !(1 << r);
                } else {
                    self.free_gprs &= !(1 << r);
                }
                return r;
            }
            self.spill_one(float);
        }
    }

    #[inline(always)]
    fn free_reg(&mut self, float: bool, r: Reg) {
        if float {
            self.free_xmms |= 1 << r;
        } else {
            self.free_gprs |= 1 << r;
        }
    }

    /// Releases what a popped entry held.
    #[inline(always)]
    fn release(&mut self, e: &Entry) {
        match e.kind {
            Kind::Reg => self.free_reg(e.ty.float(), e.reg),
            Kind::Local => self.local_readers -= 1,
            _ => {}
        }
    }

    /// Moves the deepest operand held in a register of the class to its
    /// slot.
    fn spill_one(&mut self, float: bool) {
        let i = self
            .stack
            .iter()
            .position(|e| e.kind == Kind::Reg && e.ty.float() == float)
            .expect("a register is held by an operand");
        self.spill_entry(i);
    }

    /// Writes entry `i` to its slot, releasing what it held.
    fn spill_entry(&mut self, i: usize) {
        let e = self.stack[i];
        if e.kind == Kind::Slot || e.kind == Kind::Const {
            return;
        }
        if e.kind == Kind::Flags {
            let r = self.flags_to_reg(e.reg);
            self.asm
                .store(true, slot_mem(self.locals_end + i as u32), r);
            self.free_reg(false, r);
        } else {
            self.write(&e, slot_mem(self.locals_end + i as u32));
            self.release(&e);
        }
        self.stack[i].kind = Kind::Slot;
    }

    /// Writes `e`'s value, as its 8-byte slot encoding, to `m` without
    /// releasing it. Changes no flags.
    fn write(&mut self, e: &Entry, m: Mem) {
        let a = &mut self.asm;
        match e.kind {
            Kind::Const => {
                let v = e.bits;
                if i32::try_from(v as i64).is_ok()
                    || (!e.ty.wide() && v <= u64::from(i32::MAX as u32))
                {
                    a.store_imm(true, m, v as i32);
                } else if !e.ty.wide() {
                    // A 32-bit pattern with the top bit set: the slot's
                    // upper half must read as zero.
                    a.byte(0x41);
                    a.byte(0xb8 + (SCRATCH & 7));
                    a.u32(v as u32);
                    a.store(true, m, SCRATCH);
                } else {
                    a.byte(0x49);
                    a.byte(0xb8 + (SCRATCH & 7));
                    a.buf.extend_from_slice(&v.to_le_bytes());
                    a.store(true, m, SCRATCH);
                }
            }
            Kind::Local => {
                a.load(true, SCRATCH, slot_mem(e.local));
                a.store(true, m, SCRATCH);
            }
            Kind::Slot => unreachable!("entries in their slot are written by index"),
            Kind::Reg => match e.ty {
                Ty::I32 | Ty::I64 => a.store(true, m, e.reg),
                Ty::F64 => a.fstore(true, m, e.reg),
                Ty::F32 => {
                    a.xmm_to_gpr(false, SCRATCH, e.reg);
                    a.store(true, m, SCRATCH);
                }
            },
            Kind::Flags => unreachable!("flags are consumed at once"),
        }
    }

    /// Writes the value of the entry at depth `i` (in any state) to `m`.
    fn write_at(&mut self, i: usize, m: Mem) {
        let e = self.stack[i];
        if e.kind == Kind::Slot {
            self.asm
                .load(true, SCRATCH, slot_mem(self.locals_end + i as u32));
            self.asm.store(true, m, SCRATCH);
        } else {
            self.write(&e, m);
        }
    }

    fn flags_to_reg(&mut self, cc: Cond) -> Reg {
        let r = self.alloc(false);
        self.asm.setcc(cc, r);
        self.asm.ext_rr(false, 0xb6, r, r);
        r
    }

    #[inline(always)]
    fn push(&mut self, e: Entry) {
        self.stack.push(e);
        let depth = self.stack.len() as u32;
        if depth > self.max_depth {
            self.max_depth = depth;
        }
    }

    #[inline(always)]
    fn push_reg(&mut self, ty: Ty, reg: Reg) {
        let mut e = Entry::new(Kind::Reg, ty);
        e.reg = reg;
        self.push(e);
    }

    #[inline(always)]
    fn pop(&mut self) -> (Entry, u32) {
        let e = self.stack.pop().expect("validated: operand present");
        (e, self.stack.len() as u32)
    }

    /// A register of the entry's class holding its value, owned by the
    /// caller (the entry was popped from `depth`).
    fn materialize(&mut self, e: Entry, depth: u32) -> Reg {
        let float = e.ty.float();
        match e.kind {
            Kind::Reg => e.reg,
            Kind::Flags => self.flags_to_reg(e.reg),
            Kind::Const => {
                let r = self.alloc(float);
                if float {
                    if e.bits == 0 {
                        self.asm.fbits(0x57, r, r);
                    } else {
                        self.asm.mov_imm(SCRATCH, e.bits);
                        self.asm.gpr_to_xmm(e.ty.wide(), r, SCRATCH);
                    }
                } else {
                    self.asm.mov_imm(r, e.bits);
                }
                r
            }
            Kind::Local | Kind::Slot => {
                let m = if e.kind == Kind::Local {
                    self.local_readers -= 1;
                    slot_mem(e.local)
                } else {
                    slot_mem(self.locals_end + depth)
                };
                let r = self.alloc(float);
                if float {
                    self.asm.fload(e.ty.wide(), r, m);
                } else {
                    self.asm.load(e.ty.wide(), r, m);
                }
                r
            }
        }
    }

    /// Pops the top operand into an owned register.
    #[inline(always)]
    fn pop_reg(&mut self) -> (Reg, Ty) {
        let (e, d) = self.pop();
        (self.materialize(e, d), e.ty)
    }

    /// Moves every operand held in a register or reading a local to its
    /// slot (at block entries and calls: labels expect no live
    /// registers, and callees clobber them).
    fn flush(&mut self) {
        for i in 0..self.stack.len() {
            if matches!(self.stack[i].kind, Kind::Reg | Kind::Local | Kind::Flags) {
                self.spill_entry(i);
            }
        }
    }

    /// Makes sure register `r` is free (spilling the operand holding it).
    fn evict(&mut self, r: Reg) {
        if self.free_gprs & (1 << r) == 0 {
            if let Some(i) = self
                .stack
                .iter()
                .position(|e| e.kind == Kind::Reg && !e.ty.float() && e.reg == r)
            {
                self.spill_entry(i);
            }
        }
    }

    /// Drops operands above `height`.
    fn truncate(&mut self, height: u32) {
        while self.stack.len() as u32 > height {
            let (e, _) = self.pop();
            self.release(&e);
        }
    }

    fn trap_if(&mut self, cc: Cond, code: TrapCode) {
        let at = self.asm.jcc(cc);
        self.stubs.push(TrapStub {
            at,
            code,
            offset: self.cur,
        });
    }

    // ---- operators -------------------------------------------------------

    fn operator(&mut self, env: &Env<'_>, op: u8, r: &mut BodyReader<'_>) -> Option<()> {
        match op {
            0x00 => {
                let at = self.asm.jmp();
                self.stubs.push(TrapStub {
                    at,
                    code: TrapCode::Unreachable,
                    offset: self.cur,
                });
                self.dead();
            }
            0x01 => {}
            0x02 | 0x03 => {
                let result = block_type(r)?;
                self.flush();
                let kind = if op == 0x02 {
                    BlockKind::Block
                } else {
                    BlockKind::Loop
                };
                self.open(kind, result);
            }
            0x04 => {
                let result = block_type(r)?;
                let (cond, d) = self.pop();
                let cc = if cond.kind == Kind::Flags {
                    self.flush();
                    invert(cond.reg)
                } else {
                    let c = self.materialize(cond, d);
                    self.flush();
                    self.asm.test_rr(false, c, c);
                    self.free_reg(false, c);
                    CC_E
                };
                let at = self.asm.jcc(cc);
                self.open(BlockKind::If, result);
                self.frames.last_mut()?.else_at = at as u32;
            }
            0x05 => self.else_()?,
            0x0b => self.end(),
            0x0c => {
                let depth = r.u32()?;
                self.branch(depth)?;
                self.dead();
            }
            0x0d => {
                let depth = r.u32()?;
                self.br_if(depth)?;
            }
            0x0e => self.br_table(r)?,
            0x0f => {
                self.branch(self.frames.len() as u32 - 1)?;
                self.dead();
            }
            0x10 => {
                let f = r.u32()?;
                let ty = &env.types[*env.func_types.get(f as usize)? as usize];
                self.call(env, ty, Callee::Direct(f))?;
            }
            0x11 => {
                let type_index = r.u32()?;
                let table = r.u32()?;
                let t = env.tables.get(table as usize)?;
                let funcs = matches!(
                    t.element,
                    ValType::Ref(RefType {
                        heap: HeapType::Func | HeapType::Concrete(_),
                        ..
                    })
                );
                if t.table64 || !funcs {
                    return None;
                }
                let ty = env.types.get(type_index as usize)?;
                self.call(env, ty, Callee::Indirect(type_index, table))?;
            }
            0x1a => {
                let (e, _) = self.pop();
                self.release(&e);
            }
            0x1b => self.select()?,
            0x1c => {
                if r.u32()? != 1 {
                    return None;
                }
                Ty::of_byte(r.byte()?)?;
                self.select()?;
            }
            0x20 => {
                let i = r.u32()?;
                let ty = *self.locals.get(i as usize)?;
                let mut e = Entry::new(Kind::Local, ty);
                e.local = i;
                self.local_readers += 1;
                self.push(e);
            }
            0x21 | 0x22 => {
                let i = r.u32()?;
                self.local_set(i, op == 0x22)?;
            }
            0x23 | 0x24 => {
                let g = r.u32()?;
                self.global(env, g, op == 0x24)?;
            }
            0x28..=0x35 => {
                let offset = memarg(r)?;
                self.load(op, offset)?;
            }
            0x36..=0x3e => {
                let offset = memarg(r)?;
                self.store(op, offset)?;
            }
            0x41 => {
                let v = r.signed(32)? as i32;
                self.push_const(Ty::I32, u64::from(v as u32));
            }
            0x42 => {
                let v = r.signed(64)?;
                self.push_const(Ty::I64, v as u64);
            }
            0x43 => {
                let v = r.fixed(4)?;
                self.push_const(Ty::F32, v);
            }
            0x44 => {
                let v = r.fixed(8)?;
                self.push_const(Ty::F64, v);
            }
            0x45 | 0x50 => {
                let (a, ty) = self.pop_reg();
                self.asm.test_rr(ty.wide(), a, a);
                self.free_reg(false, a);
                self.push_cond(r, CC_E);
            }
            0x46..=0x4f => self.compare(r, false, op - 0x46)?,
            0x51..=0x5a => self.compare(r, true, op - 0x51)?,
            0x5b..=0x66 => self.float_compare(op)?,
            0x67..=0x69 => self.bit_count(false, op - 0x67)?,
            0x79..=0x7b => self.bit_count(true, op - 0x79)?,
            0x6a..=0x78 => self.int_binary(false, op - 0x6a)?,
            0x7c..=0x8a => self.int_binary(true, op - 0x7c)?,
            0x8b..=0x98 => self.float_op(false, op - 0x8b)?,
            0x99..=0xa6 => self.float_op(true, op - 0x99)?,
            0xa7..=0xc4 => self.convert(op)?,
            _ => return None,
        }
        Some(())
    }

    #[inline(always)]
    fn push_const(&mut self, ty: Ty, bits: u64) {
        let mut e = Entry::new(Kind::Const, ty);
        e.bits = bits;
        self.push(e);
    }

    /// Pushes the outcome of a comparison now in the flags: kept there
    /// when the next operator branches on it.
    fn push_cond(&mut self, r: &BodyReader<'_>, cc: Cond) {
        if matches!(r.peek(), Some(0x04 | 0x0d)) {
            let mut e = Entry::new(Kind::Flags, Ty::I32);
            e.reg = cc;
            self.push(e);
        } else {
            let reg = self.flags_to_reg(cc);
            self.push_reg(Ty::I32, reg);
        }
    }

    fn dead(&mut self) {
        let height = self.frames.last().map_or(0, |f| f.height);
        self.truncate(height);
        self.reachable = false;
    }

    fn open(&mut self, kind: BlockKind, result: Option<Ty>) {
        let head = self.asm.pos();
        self.frames.push(Frame {
            kind,
            height: self.stack.len() as u32,
            result,
            head,
            fixups: NONE,
            else_at: NONE,
            reachable_at_entry: true,
            branched: false,
        });
    }

    /// Writes the top operand (if the frame has a result) to the frame's
    /// result slot, or to the values array for the function's frame.
    fn write_result(&mut self, frame: usize) {
        let f = self.frames[frame];
        if f.kind == BlockKind::Function {
            let n = self.results.len();
            let base = self.stack.len() - n;
            for i in 0..n {
                self.write_at(base + i, Mem::at(VALUES, 8 * i as i32));
            }
        } else if f.result.is_some() {
            let top = self.stack.len() - 1;
            if top as u32 != f.height || self.stack[top].kind != Kind::Slot {
                self.write_at(top, slot_mem(self.locals_end + f.height));
            }
        }
    }

    /// A jump to the label of the frame `depth` levels out (its values
    /// written first).
    fn branch(&mut self, depth: u32) -> Option<()> {
        let i = self.frames.len().checked_sub(1 + depth as usize)?;
        if self.frames[i].kind == BlockKind::Loop {
            let head = self.frames[i].head;
            let at = self.asm.jmp();
            self.asm.bind(at, head);
        } else {
            self.write_result(i);
            let at = self.asm.jmp();
            self.chain(i, at);
        }
        Some(())
    }

    fn chain(&mut self, frame: usize, at: usize) {
        let f = &mut self.frames[frame];
        self.asm.patch_u32(at, f.fixups);
        f.fixups = at as u32;
        f.branched = true;
    }

    fn br_if(&mut self, depth: u32) -> Option<()> {
        let (cond, d) = self.pop();
        let cc = if cond.kind == Kind::Flags {
            cond.reg
        } else {
            let c = self.materialize(cond, d);
            self.asm.test_rr(false, c, c);
            self.free_reg(false, c);
            CC_NE
        };
        let i = self.frames.len().checked_sub(1 + depth as usize)?;
        let f = self.frames[i];
        if f.kind == BlockKind::Loop {
            let at = self.asm.jcc(cc);
            self.asm.bind(at, f.head);
        } else if f.kind != BlockKind::Function && f.result.is_none() {
            let at = self.asm.jcc(cc);
            self.chain(i, at);
        } else {
            let skip = self.asm.jcc(invert(cc));
            self.write_result(i);
            let at = self.asm.jmp();
            self.chain(i, at);
            let pos = self.asm.pos();
            self.asm.bind(skip, pos);
        }
        Some(())
    }

    fn br_table(&mut self, r: &mut BodyReader<'_>) -> Option<()> {
        let n = r.u32()?;
        self.targets.clear();
        for _ in 0..=n {
            self.targets.push(r.u32()?);
        }
        let (index, d) = self.pop();
        let x = self.materialize(index, d);
        // Every target takes no value here (the rest is left to the other
        // tiers).
        for &t in &self.targets {
            let i = self.frames.len().checked_sub(1 + t as usize)?;
            let f = self.frames[i];
            if f.kind == BlockKind::Function || (f.kind != BlockKind::Loop && f.result.is_some()) {
                return None;
            }
        }
        let default = *self.targets.last()?;
        self.asm.alu_ri(false, Alu::Cmp, x, n as i32);
        let to_default = self.asm.jcc(CC_AE);
        // A table of `jmp rel32`s, 5 bytes each.
        let table = self.asm.lea_rip(SCRATCH);
        self.asm.lea(x, Mem::indexed(x, x, 2, 0));
        self.asm.alu_rr(true, Alu::Add, SCRATCH, x);
        self.asm.jmp_r(SCRATCH);
        let start = self.asm.pos();
        self.asm.bind(table, start);
        self.free_reg(false, x);
        for k in 0..n as usize {
            let t = self.targets[k];
            self.branch(t)?;
        }
        let pos = self.asm.pos();
        self.asm.bind(to_default, pos);
        self.branch(default)?;
        self.dead();
        Some(())
    }

    fn else_(&mut self) -> Option<()> {
        let i = self.frames.len() - 1;
        if self.reachable {
            self.write_result(i);
            let at = self.asm.jmp();
            self.chain(i, at);
        }
        let f = self.frames[i];
        self.truncate(f.height);
        let pos = self.asm.pos();
        self.asm.bind(f.else_at as usize, pos);
        let f = &mut self.frames[i];
        f.kind = BlockKind::Else;
        f.else_at = NONE;
        self.reachable = f.reachable_at_entry;
        Some(())
    }

    fn end(&mut self) {
        let i = self.frames.len() - 1;
        let f = self.frames[i];
        if self.reachable && f.kind != BlockKind::Function {
            self.write_result(i);
        }
        if f.kind == BlockKind::Function {
            if self.reachable {
                self.write_result(i);
            }
            let pos = self.asm.pos();
            self.bind_chain(f.fixups, pos);
            self.frames.pop();
            self.epilogue();
            return;
        }
        let fell_through = self.reachable;
        self.truncate(f.height);
        let pos = self.asm.pos();
        self.bind_chain(f.fixups, pos);
        if f.else_at != NONE {
            self.asm.bind(f.else_at as usize, pos);
        }
        self.frames.pop();
        self.reachable = fell_through
            || f.branched && f.kind != BlockKind::Loop
            || (f.kind == BlockKind::If && f.reachable_at_entry);
        if self.reachable {
            if let Some(ty) = f.result {
                self.push(Entry::new(Kind::Slot, ty));
            }
        }
    }

    fn bind_chain(&mut self, mut at: u32, target: usize) {
        while at != NONE {
            let next = self.asm.read_u32(at as usize);
            self.asm.bind(at as usize, target);
            at = next;
        }
    }

    /// Skips an operator of unreachable code, keeping count of blocks.
    fn dead_operator(&mut self, op: u8, r: &mut BodyReader<'_>) -> Option<()> {
        match op {
            0x02..=0x04 => {
                block_type(r)?;
                self.dead_blocks += 1;
            }
            0x05 if self.dead_blocks == 0 => self.else_()?,
            0x0b => {
                if self.dead_blocks == 0 {
                    self.end();
                } else {
                    self.dead_blocks -= 1;
                }
            }
            _ => skip_immediates(op, r)?,
        }
        Some(())
    }

    fn local_set(&mut self, i: u32, tee: bool) -> Option<()> {
        let ty = *self.locals.get(i as usize)?;
        let (v, d) = self.pop();
        if v.kind == Kind::Local {
            self.local_readers -= 1;
        }
        // Readers of the local's old value take it now.
        if self.local_readers > 0 {
            for k in 0..self.stack.len() {
                let e = self.stack[k];
                if e.kind == Kind::Local && e.local == i {
                    self.spill_entry(k);
                }
            }
        }
        let m = slot_mem(i);
        match v.kind {
            Kind::Slot => {
                let m2 = slot_mem(self.locals_end + d);
                self.asm.load(true, SCRATCH, m2);
                self.asm.store(true, m, SCRATCH);
            }
            Kind::Flags => {
                let reg = self.flags_to_reg(v.reg);
                self.asm.store(true, m, reg);
                self.free_reg(false, reg);
            }
            _ => self.write(&v, m),
        }
        if tee {
            if v.kind == Kind::Reg {
                self.push(v);
            } else {
                let mut e = Entry::new(Kind::Local, ty);
                e.local = i;
                self.local_readers += 1;
                self.push(e);
            }
        } else if v.kind == Kind::Reg {
            self.free_reg(ty.float(), v.reg);
        }
        Some(())
    }

    fn global(&mut self, env: &Env<'_>, g: u32, set: bool) -> Option<()> {
        let ty = Ty::of(&env.globals.get(g as usize)?.content)?;
        // The register first: making it may use the scratch register in
        // which an imported global's address is computed.
        let (reg, _) = if set {
            self.pop_reg()
        } else {
            (self.alloc(ty.float()), ty)
        };
        let m = match g.checked_sub(env.num_imported_globals) {
            Some(defined) => Mem::at(VMCTX, abi::defined_global_offset(defined)),
            None => {
                self.asm
                    .load(true, SCRATCH, Mem::at(VMCTX, abi::VMCTX_GLOBALS));
                self.asm.load(true, SCRATCH, Mem::at(SCRATCH, 8 * g as i32));
                Mem::at(SCRATCH, abi::GLOBAL_BITS)
            }
        };
        match (set, ty.float()) {
            (true, true) => self.asm.fstore(ty.wide(), m, reg),
            (true, false) => self.asm.store(true, m, reg),
            (false, true) => self.asm.fload(ty.wide(), reg, m),
            (false, false) => self.asm.load(ty.wide(), reg, m),
        }
        if set {
            self.free_reg(ty.float(), reg);
        } else {
            self.push_reg(ty, reg);
        }
        Some(())
    }

    /// Checks an access of `size` bytes at `index` (popped from `d`)
    /// plus `offset` against memory 0's length and returns its operand;
    /// the register the index was in is free again.
    fn address(&mut self, index: Entry, d: u32, offset: u32, size: u32) -> Mem {
        let x = self.materialize(index, d);
        let end = u64::from(offset) + u64::from(size);
        match i32::try_from(end) {
            Ok(end) => self.asm.lea(SCRATCH, Mem::at(x, end)),
            Err(_) => {
                self.asm.mov_imm(SCRATCH, end);
                self.asm.alu_rr(true, Alu::Add, SCRATCH, x);
            }
        }
        self.free_reg(false, x);
        self.asm
            .alu_rm(true, Alu::Cmp, SCRATCH, Mem::at(MEMDEF, abi::MEMORY_LENGTH));
        self.trap_if(CC_A, TrapCode::MemoryOutOfBounds);
        Mem::indexed(MEMBASE, SCRATCH, 0, -(size as i32))
    }

    fn load(&mut self, op: u8, offset: u32) -> Option<()> {
        let (ty, size) = match op {
            0x28 => (Ty::I32, 4),
            0x29 => (Ty::I64, 8),
            0x2a => (Ty::F32, 4),
            0x2b => (Ty::F64, 8),
            0x2c | 0x2d => (Ty::I32, 1),
            0x2e | 0x2f => (Ty::I32, 2),
            0x30 | 0x31 => (Ty::I64, 1),
            0x32 | 0x33 => (Ty::I64, 2),
            _ => (Ty::I64, 4),
        };
        let (index, d) = self.pop();
        // A float register before the address, which is in the scratch
        // register spilling a float may use. (A general register is free
        // after it: the index's.)
        let early = ty.float().then(|| self.alloc(true));
        let m = self.address(index, d, offset, size);
        let dst = early.unwrap_or_else(|| self.alloc(false));
        let a = &mut self.asm;
        match op {
            0x28 => a.load(false, dst, m),
            0x29 => a.load(true, dst, m),
            0x2a => a.fload(false, dst, m),
            0x2b => a.fload(true, dst, m),
            0x2c => a.load_ext(false, 0xbe, dst, m),
            0x2d => a.load_ext(false, 0xb6, dst, m),
            0x2e => a.load_ext(false, 0xbf, dst, m),
            0x2f => a.load_ext(false, 0xb7, dst, m),
            0x30 => a.load_ext(true, 0xbe, dst, m),
            0x31 => a.load_ext(false, 0xb6, dst, m),
            0x32 => a.load_ext(true, 0xbf, dst, m),
            0x33 => a.load_ext(false, 0xb7, dst, m),
            0x34 => a.load_ext(true, 0x63, dst, m),
            _ => a.load(false, dst, m),
        }
        self.push_reg(ty, dst);
        Some(())
    }

    fn store(&mut self, op: u8, offset: u32) -> Option<()> {
        let size = match op {
            0x36 | 0x38 | 0x3e => 4,
            0x37 | 0x39 => 8,
            0x3a | 0x3c => 1,
            _ => 2,
        };
        let (value, vd) = self.pop();
        let v = self.materialize(value, vd);
        let (index, d) = self.pop();
        let m = self.address(index, d, offset, size);
        let a = &mut self.asm;
        match op {
            0x36 => a.store(false, m, v),
            0x37 => a.store(true, m, v),
            0x38 => a.fstore(false, m, v),
            0x39 => a.fstore(true, m, v),
            0x3a | 0x3c => a.store8(m, v),
            0x3b | 0x3d => a.store16(m, v),
            _ => a.store(false, m, v),
        }
        self.free_reg(value.ty.float(), v);
        Some(())
    }

    fn compare(&mut self, r: &BodyReader<'_>, wide: bool, which: u8) -> Option<()> {
        const CCS: [Cond; 10] = [
            CC_E, CC_NE, CC_L, CC_B, CC_G, CC_A, CC_LE, CC_BE, CC_GE, CC_AE,
        ];
        let cc = CCS[which as usize];
        let (b, bd) = self.pop();
        let (a, ad) = self.pop();
        let ra = self.materialize(a, ad);
        self.alu_with(wide, Alu::Cmp, ra, b, bd);
        self.free_reg(false, ra);
        self.push_cond(r, cc);
        Some(())
    }

    /// `op ra, b` with `b` as an immediate or memory operand where it can
    /// be; releases `b`.
    fn alu_with(&mut self, wide: bool, op: Alu, ra: Reg, b: Entry, bd: u32) {
        match b.kind {
            Kind::Const if fits_imm(b.bits, wide) => self.asm.alu_ri(wide, op, ra, b.bits as i32),
            Kind::Local => {
                self.local_readers -= 1;
                self.asm.alu_rm(wide, op, ra, slot_mem(b.local));
            }
            Kind::Slot => self
                .asm
                .alu_rm(wide, op, ra, slot_mem(self.locals_end + bd)),
            _ => {
                let rb = self.materialize(b, bd);
                self.asm.alu_rr(wide, op, ra, rb);
                self.free_reg(false, rb);
            }
        }
    }

    fn int_binary(&mut self, wide: bool, which: u8) -> Option<()> {
        let ty = if wide { Ty::I64 } else { Ty::I32 };
        match which {
            // add, sub, mul, and, or, xor
            0 | 1 | 2 | 7 | 8 | 9 => {
                let (mut b, mut bd) = self.pop();
                let (mut a, mut ad) = self.pop();
                let commutes = which != 1;
                if commutes && a.kind != Kind::Reg && b.kind == Kind::Reg {
                    std::mem::swap(&mut a, &mut b);
                    std::mem::swap(&mut ad, &mut bd);
                }
                let ra = self.materialize(a, ad);
                if which == 2 {
                    match b.kind {
                        Kind::Const if fits_imm(b.bits, wide) => {
                            self.asm.imul_ri(wide, ra, b.bits as i32)
                        }
                        Kind::Local => {
                            self.local_readers -= 1;
                            self.asm.imul_rm(wide, ra, slot_mem(b.local));
                        }
                        Kind::Slot => self.asm.imul_rm(wide, ra, slot_mem(self.locals_end + bd)),
                        _ => {
                            let rb = self.materialize(b, bd);
                            self.asm.imul_rr(wide, ra, rb);
                            self.free_reg(false, rb);
                        }
                    }
                } else {
                    let op = match which {
                        0 => Alu::Add,
                        1 => Alu::Sub,
                        7 => Alu::And,
                        8 => Alu::Or,
                        _ => Alu::Xor,
                    };
                    self.alu_with(wide, op, ra, b, bd);
                }
                self.push_reg(ty, ra);
            }
            // div_s, div_u, rem_s, rem_u
            3..=6 => self.divide(wide, which)?,
            // shl, shr_s, shr_u, rotl, rotr
            _ => {
                let op = match which {
                    10 => Shift::Shl,
                    11 => Shift::Sar,
                    12 => Shift::Shr,
                    13 => Shift::Rol,
                    _ => Shift::Ror,
                };
                if self.stack.last()?.kind == Kind::Const {
                    let (b, _) = self.pop();
                    let (ra, _) = self.pop_reg();
                    let mask = if wide { 63 } else { 31 };
                    self.asm.shift_imm(wide, op, ra, (b.bits & mask) as u8);
                    self.push_reg(ty, ra);
                } else {
                    self.evict(RCX);
                    self.free_gprs &= !(1 << RCX);
                    let (b, bd) = self.pop();
                    self.load_into(b, bd, RCX);
                    let (ra, _) = self.pop_reg();
                    self.asm.shift_cl(wide, op, ra);
                    self.free_reg(false, RCX);
                    self.push_reg(ty, ra);
                }
            }
        }
        Some(())
    }

    /// Puts entry `e` (popped from `d`) in the reserved register `dst`.
    fn load_into(&mut self, e: Entry, d: u32, dst: Reg) {
        match e.kind {
            Kind::Reg => {
                self.asm.mov_rr(true, dst, e.reg);
                self.free_reg(false, e.reg);
            }
            Kind::Const => self.asm.mov_imm(dst, e.bits),
            Kind::Local => {
                self.local_readers -= 1;
                self.asm.load(e.ty.wide(), dst, slot_mem(e.local));
            }
            Kind::Slot => self
                .asm
                .load(e.ty.wide(), dst, slot_mem(self.locals_end + d)),
            Kind::Flags => {
                self.asm.setcc(e.reg, dst);
                self.asm.ext_rr(false, 0xb6, dst, dst);
            }
        }
    }

    fn divide(&mut self, wide: bool, which: u8) -> Option<()> {
        let ty = if wide { Ty::I64 } else { Ty::I32 };
        let signed = which == 3 || which == 5;
        let rem = which >= 5;
        self.evict(RAX);
        self.evict(RDX);
        self.free_gprs &= !((1 << RAX) | (1 << RDX));
        let (b, bd) = self.pop();
        let rb = self.materialize(b, bd);
        let (a, ad) = self.pop();
        self.load_into(a, ad, RAX);
        self.asm.test_rr(wide, rb, rb);
        self.trap_if(CC_E, TrapCode::IntegerDivisionByZero);
        let mut done = None;
        if signed {
            // x / -1 overflows for the most negative x (and idiv faults
            // on it for the remainder too, which is 0).
            self.asm.alu_ri(wide, Alu::Cmp, rb, -1);
            let not_minus_one = self.asm.jcc(CC_NE);
            if rem {
                self.asm.alu_rr(false, Alu::Xor, RDX, RDX);
                done = Some(self.asm.jmp());
            } else {
                let min = if wide { 1u64 << 63 } else { 1 << 31 };
                self.asm.mov_imm(SCRATCH, min);
                self.asm.alu_rr(wide, Alu::Cmp, RAX, SCRATCH);
                self.trap_if(CC_E, TrapCode::IntegerOverflow);
            }
            let pos = self.asm.pos();
            self.asm.bind(not_minus_one, pos);
            self.asm.sign_extend_rax(wide);
        } else {
            self.asm.alu_rr(false, Alu::Xor, RDX, RDX);
        }
        self.asm.div(wide, signed, rb);
        if let Some(done) = done {
            let pos = self.asm.pos();
            self.asm.bind(done, pos);
        }
        self.free_reg(false, rb);
        // (A 32-bit divide writes eax and edx, zero-extending both.)
        let (keep, other) = if rem { (RDX, RAX) } else { (RAX, RDX) };
        self.free_reg(false, other);
        self.push_reg(ty, keep);
        Some(())
    }

    fn bit_count(&mut self, wide: bool, which: u8) -> Option<()> {
        let op = match which {
            0 if self.lzcnt => 0xbd,
            1 if self.bmi1 => 0xbc,
            2 if self.popcnt => 0xb8,
            _ => return None,
        };
        let (ra, ty) = self.pop_reg();
        self.asm.bit_count(wide, op, ra, ra);
        self.push_reg(ty, ra);
        Some(())
    }

    fn select(&mut self) -> Option<()> {
        let (c, cd) = self.pop();
        let rc = self.materialize(c, cd);
        let (b, ty) = self.pop_reg();
        let (a, _) = self.pop_reg();
        self.asm.test_rr(false, rc, rc);
        if ty.float() {
            let skip = self.asm.jcc(CC_NE);
            self.asm.fbits(0x28, a, b);
            let pos = self.asm.pos();
            self.asm.bind(skip, pos);
        } else {
            self.asm.cmov(ty.wide(), CC_E, a, b);
        }
        self.free_reg(ty.float(), b);
        self.free_reg(false, rc);
        self.push_reg(ty, a);
        Some(())
    }

    fn float_compare(&mut self, op: u8) -> Option<()> {
        let (double, which) = if op >= 0x61 {
            (true, op - 0x61)
        } else {
            (false, op - 0x5b)
        };
        let (b, _) = self.pop_reg();
        let (a, _) = self.pop_reg();
        let dst = self.alloc(false);
        match which {
            // eq, ne: ZF and not PF / not ZF or PF
            0 | 1 => {
                self.asm.fcmp(double, a, b);
                if which == 0 {
                    self.asm.setcc(CC_E, dst);
                    self.asm.setcc(CC_NP, SCRATCH);
                    self.asm.and8(dst, SCRATCH);
                } else {
                    self.asm.setcc(CC_NE, dst);
                    self.asm.setcc(CC_P, SCRATCH);
                    self.asm.or8(dst, SCRATCH);
                }
            }
            // lt, gt, le, ge: "above" after comparing the right way round
            // is false for unordered operands.
            2 => {
                self.asm.fcmp(double, b, a);
                self.asm.setcc(CC_A, dst);
            }
            3 => {
                self.asm.fcmp(double, a, b);
                self.asm.setcc(CC_A, dst);
            }
            4 => {
                self.asm.fcmp(double, b, a);
                self.asm.setcc(CC_AE, dst);
            }
            _ => {
                self.asm.fcmp(double, a, b);
                self.asm.setcc(CC_AE, dst);
            }
        }
        self.asm.ext_rr(false, 0xb6, dst, dst);
        self.free_reg(true, a);
        self.free_reg(true, b);
        self.push_reg(Ty::I32, dst);
        Some(())
    }

    fn float_op(&mut self, double: bool, which: u8) -> Option<()> {
        let ty = if double { Ty::F64 } else { Ty::F32 };
        match which {
            // abs, neg, copysign: on the bits
            0 | 1 => {
                let (a, _) = self.pop_reg();
                let sign = if double { 63 } else { 31 };
                self.asm.xmm_to_gpr(double, SCRATCH, a);
                // btr/btc r11, sign
                self.asm
                    .bit_test(double, if which == 0 { 6 } else { 7 }, SCRATCH, sign);
                self.asm.gpr_to_xmm(double, a, SCRATCH);
                self.push_reg(ty, a);
            }
            // ceil, floor, trunc, nearest
            2..=5 => {
                if !self.sse41 {
                    return None;
                }
                let mode = [2, 1, 3, 0][which as usize - 2] | 8;
                let (a, _) = self.pop_reg();
                self.asm.round(double, mode, a, a);
                self.push_reg(ty, a);
            }
            6 => {
                let (a, _) = self.pop_reg();
                self.asm.fop(double, 0x51, a, a);
                self.push_reg(ty, a);
            }
            // add, sub, mul, div
            7..=10 => {
                let (b, _) = self.pop_reg();
                let (a, _) = self.pop_reg();
                let op = [0x58, 0x5c, 0x59, 0x5e][which as usize - 7];
                self.asm.fop(double, op, a, b);
                self.free_reg(true, b);
                self.push_reg(ty, a);
            }
            // min, max
            11 | 12 => {
                let (b, _) = self.pop_reg();
                let (a, _) = self.pop_reg();
                self.asm.fcmp(double, a, b);
                let nan = self.asm.jcc(CC_P);
                let differ = self.asm.jcc(CC_NE);
                // Equal: the signs of zeros decide (or for min, and for max).
                self.asm.fbits(if which == 11 { 0x56 } else { 0x54 }, a, b);
                let done1 = self.asm.jmp();
                let pos = self.asm.pos();
                self.asm.bind(nan, pos);
                self.asm.fop(double, 0x58, a, b);
                let done2 = self.asm.jmp();
                let pos = self.asm.pos();
                self.asm.bind(differ, pos);
                self.asm
                    .fop(double, if which == 11 { 0x5d } else { 0x5f }, a, b);
                let pos = self.asm.pos();
                self.asm.bind(done1, pos);
                self.asm.bind(done2, pos);
                self.free_reg(true, b);
                self.push_reg(ty, a);
            }
            // copysign
            _ => {
                let (b, _) = self.pop_reg();
                let (a, _) = self.pop_reg();
                let t = self.alloc(false);
                let sign = if double { 63 } else { 31 };
                self.asm.xmm_to_gpr(double, SCRATCH, a);
                self.asm.bit_test(double, 6, SCRATCH, sign);
                self.asm.xmm_to_gpr(double, t, b);
                self.asm.shift_imm(double, Shift::Shr, t, sign);
                self.asm.shift_imm(double, Shift::Shl, t, sign);
                self.asm.alu_rr(double, Alu::Or, SCRATCH, t);
                self.asm.gpr_to_xmm(double, a, SCRATCH);
                self.free_reg(false, t);
                self.free_reg(true, b);
                self.push_reg(ty, a);
            }
        }
        Some(())
    }

    fn convert(&mut self, op: u8) -> Option<()> {
        match op {
            // i32.wrap_i64
            0xa7 => {
                let (a, _) = self.pop_reg();
                self.asm.mov_rr(false, a, a);
                self.push_reg(Ty::I32, a);
            }
            // trapping truncations
            0xa8..=0xab | 0xae..=0xb1 => self.truncate_float(op)?,
            // i64.extend_i32_s / _u
            0xac => {
                let (a, _) = self.pop_reg();
                self.asm.ext_rr(true, 0x63, a, a);
                self.push_reg(Ty::I64, a);
            }
            0xad => {
                let (a, _) = self.pop_reg();
                self.push_reg(Ty::I64, a);
            }
            // f32/f64.convert_i32_s/u, _i64_s (not _i64_u)
            0xb2 | 0xb3 | 0xb4 | 0xb7 | 0xb8 | 0xb9 => {
                let double = op >= 0xb7;
                let from64 = matches!(op, 0xb3 | 0xb4 | 0xb8 | 0xb9);
                let (a, _) = self.pop_reg();
                let dst = self.alloc(true);
                // Zero first: cvtsi2s* merges into the register.
                self.asm.fbits(0x57, dst, dst);
                self.asm.int_to_float(double, from64, dst, a);
                self.free_reg(false, a);
                self.push_reg(if double { Ty::F64 } else { Ty::F32 }, dst);
            }
            0xb6 | 0xbb => {
                let (a, _) = self.pop_reg();
                let to_double = op == 0xbb;
                self.asm.fop(!to_double, 0x5a, a, a);
                self.push_reg(if to_double { Ty::F64 } else { Ty::F32 }, a);
            }
            // reinterpretations
            0xbc | 0xbd => {
                let (a, _) = self.pop_reg();
                let dst = self.alloc(false);
                self.asm.xmm_to_gpr(op == 0xbd, dst, a);
                self.free_reg(true, a);
                self.push_reg(if op == 0xbd { Ty::I64 } else { Ty::I32 }, dst);
            }
            0xbe | 0xbf => {
                let (a, _) = self.pop_reg();
                let dst = self.alloc(true);
                self.asm.gpr_to_xmm(op == 0xbf, dst, a);
                self.free_reg(false, a);
                self.push_reg(if op == 0xbf { Ty::F64 } else { Ty::F32 }, dst);
            }
            // sign extensions
            0xc0..=0xc4 => {
                let (a, ty) = self.pop_reg();
                let (wide, ext) = match op {
                    0xc0 => (false, 0xbe),
                    0xc1 => (false, 0xbf),
                    0xc2 => (true, 0xbe),
                    0xc3 => (true, 0xbf),
                    _ => (true, 0x63),
                };
                self.asm.ext_rr(wide, ext, a, a);
                self.push_reg(ty, a);
            }
            _ => return None,
        }
        Some(())
    }

    /// `iNN.trunc_fMM_s/u`: traps on NaN and on values out of range.
    fn truncate_float(&mut self, op: u8) -> Option<()> {
        let (to64, signed, double) = match op {
            0xa8 => (false, true, false),
            0xa9 => (false, false, false),
            0xaa => (false, true, true),
            0xab => (false, false, true),
            0xae => (true, true, false),
            0xaf => (true, false, false),
            0xb0 => (true, true, true),
            _ => (true, false, true),
        };
        // Exclusive bounds of the values that truncate into range.
        let (low, high): (f64, f64) = match (to64, signed) {
            (false, true) => (-2147483649.0, 2147483648.0),
            (false, false) => (-1.0, 4294967296.0),
            (true, true) => (-9223372036854777856.0, 9223372036854775808.0),
            (true, false) => (-1.0, 18446744073709551616.0),
        };
        // For f32 the low bound of a signed truncation is the f32 below
        // -2^(N-1) (no f32 lies between them and -2^(N-1) is in range).
        let low = if !double && signed {
            if to64 {
                -9223373136366403584.0
            } else {
                -2147483904.0
            }
        } else {
            low
        };
        let bits = |v: f64| -> u64 {
            if double {
                v.to_bits()
            } else {
                u64::from((v as f32).to_bits())
            }
        };
        let (x, _) = self.pop_reg();
        self.asm.fcmp(double, x, x);
        self.trap_if(CC_P, TrapCode::InvalidConversionToInteger);
        self.asm.mov_imm(SCRATCH, bits(low));
        self.asm.gpr_to_xmm(double, FSCRATCH, SCRATCH);
        self.asm.fcmp(double, x, FSCRATCH);
        self.trap_if(CC_BE, TrapCode::IntegerOverflow);
        self.asm.mov_imm(SCRATCH, bits(high));
        self.asm.gpr_to_xmm(double, FSCRATCH, SCRATCH);
        self.asm.fcmp(double, x, FSCRATCH);
        self.trap_if(CC_AE, TrapCode::IntegerOverflow);
        let dst = self.alloc(false);
        if to64 && !signed {
            // At or above 2^63: convert x - 2^63 and set the top bit.
            self.asm.mov_imm(SCRATCH, bits(9223372036854775808.0));
            self.asm.gpr_to_xmm(double, FSCRATCH, SCRATCH);
            self.asm.fcmp(double, x, FSCRATCH);
            let big = self.asm.jcc(CC_AE);
            self.asm.float_to_int(double, true, dst, x);
            let done = self.asm.jmp();
            let pos = self.asm.pos();
            self.asm.bind(big, pos);
            self.asm.fop(double, 0x5c, x, FSCRATCH);
            self.asm.float_to_int(double, true, dst, x);
            self.asm.bit_test(true, 7, dst, 63);
            let pos = self.asm.pos();
            self.asm.bind(done, pos);
        } else {
            // Unsigned 32-bit results come from a 64-bit conversion.
            let wide = to64 || !signed;
            self.asm.float_to_int(double, wide, dst, x);
            if !to64 && !signed {
                self.asm.mov_rr(false, dst, dst);
            }
        }
        self.free_reg(true, x);
        self.push_reg(if to64 { Ty::I64 } else { Ty::I32 }, dst);
        Some(())
    }

    fn call(&mut self, env: &Env<'_>, ty: &FuncType, callee: Callee) -> Option<()> {
        let mut params = 0;
        for p in ty.params() {
            Ty::of(p)?;
            params += 1;
        }
        let mut results = Vec::with_capacity(ty.results().len());
        for t in ty.results() {
            results.push(Ty::of(t)?);
        }
        let index = if let Callee::Indirect(..) = callee {
            Some(self.pop())
        } else {
            None
        };
        self.flush();
        let base = self.stack.len() - params;
        for i in base..self.stack.len() {
            if self.stack[i].kind == Kind::Const {
                let e = self.stack[i];
                self.write(&e, slot_mem(self.locals_end + i as u32));
                self.stack[i].kind = Kind::Slot;
            }
        }
        let capacity = params.max(results.len()).max(1);
        let need = (base + capacity) as u32;
        if need > self.max_depth {
            self.max_depth = need;
        }
        match callee {
            Callee::Direct(f) => {
                self.asm.load(true, RDI, Mem::at(VMCTX, abi::VMCTX_FUNCS));
                self.asm.load(true, RDI, Mem::at(RDI, 8 * f as i32));
            }
            Callee::Indirect(type_index, table) => {
                let (e, d) = index?;
                let x = self.materialize(e, d);
                let a = &mut self.asm;
                a.load(true, SCRATCH, Mem::at(VMCTX, abi::VMCTX_TABLES));
                a.load(true, SCRATCH, Mem::at(SCRATCH, 8 * table as i32));
                a.alu_rm(true, Alu::Cmp, x, Mem::at(SCRATCH, abi::TABLE_LENGTH));
                self.trap_if(CC_AE, TrapCode::UndefinedElement);
                // The element's address stays in callee-saved r12 for the
                // subtype check's call.
                let a = &mut self.asm;
                a.load(true, SCRATCH, Mem::at(SCRATCH, abi::TABLE_BASE));
                a.lea(R12, Mem::indexed(SCRATCH, x, 3, 0));
                a.load(true, RDI, Mem::at(R12, 0));
                a.test_rr(true, RDI, RDI);
                self.trap_if(CC_E, TrapCode::UninitializedElement);
                let a = &mut self.asm;
                a.load(true, SCRATCH, Mem::at(VMCTX, abi::VMCTX_TYPE_IDS));
                a.load(false, RDX, Mem::at(SCRATCH, 4 * type_index as i32));
                a.alu_rm(false, Alu::Cmp, RDX, Mem::at(RDI, abi::FUNCREF_TYPE_ID));
                let same = a.jcc(CC_E);
                // Different ids may still be a declared subtype.
                a.load(false, RSI, Mem::at(RDI, abi::FUNCREF_TYPE_ID));
                a.mov_rr(true, RDI, VMCTX);
                a.mov_imm(RAX, env.is_subtype as u64);
                a.call_r(RAX);
                a.test_rr(false, RAX, RAX);
                self.trap_if(CC_E, TrapCode::IndirectCallTypeMismatch);
                self.asm.load(true, RDI, Mem::at(R12, 0));
                let pos = self.asm.pos();
                self.asm.bind(same, pos);
                self.free_reg(false, x);
            }
        }
        let a = &mut self.asm;
        a.mov_rr(true, RSI, VMCTX);
        a.lea(RDX, slot_mem(self.locals_end + base as u32));
        a.mov_imm(RCX, capacity as u64);
        let pos = a.pos() as u32;
        a.call_m(Mem::at(RDI, abi::FUNCREF_ARRAY_CALL));
        self.srclocs.push((pos, self.cur));
        // test al, al; jz -> go on unwinding
        self.asm.byte(0x84);
        self.asm.byte(0xc0);
        let at = self.asm.jcc(CC_E);
        self.pending.push((at, self.cur));
        if self.has_memory {
            // The callee may have grown (and so moved) the memory.
            self.asm
                .load(true, MEMBASE, Mem::at(MEMDEF, abi::MEMORY_BASE));
        }
        self.truncate(base as u32);
        for t in results {
            self.push(Entry::new(Kind::Slot, t));
        }
        Some(())
    }
}

enum Callee {
    Direct(u32),
    /// Type index, table index.
    Indirect(u32, u32),
}

/// The memory operand of slot `i`.
fn slot_mem(i: u32) -> Mem {
    Mem::at(RSP, 8 * i as i32)
}

/// Whether a constant can be an instruction's immediate (sign-extended
/// 32 bits; for 32-bit operations any 32-bit pattern).
fn fits_imm(bits: u64, wide: bool) -> bool {
    if wide {
        i32::try_from(bits as i64).is_ok()
    } else {
        true
    }
}

/// A block type: no result or one number (`None` for what is left to the
/// other tiers: parameters or several results).
fn block_type(r: &mut BodyReader<'_>) -> Option<Option<Ty>> {
    match r.byte()? {
        0x40 => Some(None),
        b => Some(Some(Ty::of_byte(b)?)),
    }
}

/// A memory access's immediates: its offset, when it accesses memory 0
/// (`None` for another memory, left to the other tiers).
fn memarg(r: &mut BodyReader<'_>) -> Option<u32> {
    let align = r.u32()?;
    // Bit 6 of the alignment says a memory index follows (multi-memory).
    if align & 0x40 != 0 && r.u32()? != 0 {
        return None;
    }
    r.u32()
}

/// Skips the immediates of an operator in unreachable code.
fn skip_immediates(op: u8, r: &mut BodyReader<'_>) -> Option<()> {
    match op {
        0x00 | 0x01 | 0x0f | 0x1a | 0x1b | 0x45..=0xc4 => {}
        0x05 => {}
        0x0c | 0x0d | 0x10 | 0x20..=0x24 => {
            r.u32()?;
        }
        0x0e => {
            let n = r.u32()?;
            for _ in 0..=n {
                r.u32()?;
            }
        }
        0x11 => {
            r.u32()?;
            r.u32()?;
        }
        0x28..=0x3e => {
            memarg(r)?;
        }
        0x1c => {
            let n = r.u32()?;
            r.skip(n as usize)?;
        }
        0x41 => r.skip_signed(32)?,
        0x42 => r.skip_signed(64)?,
        0x43 => r.skip(4)?,
        0x44 => r.skip(8)?,
        _ => return None,
    }
    Some(())
}

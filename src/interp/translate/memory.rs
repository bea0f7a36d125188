//! Loads and stores: the narrow forms with fused address arithmetic,
//! the plain ones, and generic accesses for other memories.

use super::*;

impl Translator {
    /// A load without narrow forms (v128 loads, and every load in wide
    /// translations).
    pub(super) fn load_plain(
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
    pub(super) fn store_plain(
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
    pub(super) fn address(&mut self, a: Entry) -> Address {
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
    pub(super) fn load(
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
    pub(super) fn store(
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

    /// A load or store as a generic `MemAccess` (see `generic_memory`),
    /// followed by its 64-bit static offset.
    pub(super) fn mem_access(
        &mut self,
        kind: MemOp,
        ty: ValType,
        memory: u32,
        offset: u64,
        lane: u8,
    ) {
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
}

/// The memory operand of `memory.*` instructions (the index with its
/// `INDEX64` mark) and the type of their sizes.
pub(super) fn memory_operand(env: &TranslateEnv<'_>, memory: u32) -> (u32, ValType) {
    match env.memories.get(memory as usize) {
        Some(m) if m.memory64 => (memory | INDEX64, ValType::I64),
        _ => (memory, ValType::I32),
    }
}

/// The table operand of `table.*` instructions (the index with its
/// `INDEX64` mark) and the type of their sizes.
pub(super) fn table_operand(env: &TranslateEnv<'_>, table: u32) -> (u32, ValType) {
    match env.tables.get(table as usize) {
        Some(t) if t.table64 => (table | INDEX64, ValType::I64),
        _ => (table, ValType::I32),
    }
}

/// The memory operand of a load or store that needs the generic
/// `MemAccess` form: any memory but a 32-bit memory 0 (whose base and
/// length the executor keeps in registers). `None` for the fast forms.
pub(super) fn generic_memory(env: &TranslateEnv<'_>, memarg: &wasmparser::MemArg) -> Option<u32> {
    let wasmparser::MemArgTarget::Memory(index) = memarg.target else {
        return None;
    };
    let (operand, _) = memory_operand(env, index);
    (operand != 0).then_some(operand)
}

/// A load or store operator as a `MemAccess`: the access, the type it
/// pushes (loads) or pops as its value (stores), its memory argument and
/// lane.
pub(super) fn mem_access_of(op: &Operator<'_>) -> Option<(MemOp, ValType, wasmparser::MemArg, u8)> {
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
pub(super) fn check_memory(memarg: &wasmparser::MemArg, offset: usize) -> Result<(), Error> {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(0) if memarg.offset <= u32::MAX as u64 => Ok(()),
        _ => Err(err(
            "multiple memories and memory64 are not supported yet",
            offset,
        )),
    }
}

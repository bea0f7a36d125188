//! The simulated operand stack and the emission of instructions: where
//! each operand is, and the copies that put it where it must be.

use super::*;

impl Translator {
    pub(super) fn emit(&mut self, i: Instr) -> usize {
        self.code.push(i);
        if self.record_offsets {
            self.offsets.push(self.cur_offset);
        }
        self.fusible = None;
        self.code.len() - 1
    }

    /// Points backtraces of instruction `at` at the current operator
    /// (where it became the one that traps).
    pub(super) fn point_at_current(&mut self, at: usize) {
        if let Some(offset) = self.offsets.get_mut(at) {
            *offset = self.cur_offset;
        }
    }

    /// Emits an instruction whose result may later be retargeted.
    pub(super) fn emit_result(&mut self, i: Instr) {
        let at = self.emit(i);
        self.fusible = Some(at);
    }

    /// Whether the instruction at `at` may still be rewritten or fused
    /// with what follows: no label lies after it.
    pub(super) fn rewritable(&self, at: usize) -> bool {
        at >= self.last_label
    }

    /// The last emitted instruction, if it is still `rewritable`.
    pub(super) fn last_rewritable(&self) -> Option<usize> {
        self.code
            .len()
            .checked_sub(1)
            .filter(|&at| self.rewritable(at))
    }

    /// Marks the current position as a branch target: results of earlier
    /// instructions can no longer be retargeted.
    pub(super) fn label(&mut self) -> usize {
        self.fusible = None;
        self.last_label = self.code.len();
        self.labels.push(self.code.len() as u32);
        self.code.len()
    }

    pub(super) fn next_slot(&self) -> Slot {
        match self.stack.last() {
            Some(e) => e.slot + slots_of(e.ty),
            None => self.locals_end,
        }
    }

    // Inlined: a `Place` passed to an outlined `push` goes through memory,
    // written in parts by the caller and read whole by the callee (a
    // store-forwarding stall at every push).
    #[inline(always)]
    pub(super) fn push(&mut self, place: Place, ty: ValType) -> Slot {
        let slot = self.next_slot();
        let end = slot + slots_of(ty);
        if end > self.max_slot {
            self.max_slot = end;
        }
        self.stack.push(Entry { place, ty, slot });
        slot
    }

    /// Pushes a result that an instruction writes to the canonical slot.
    pub(super) fn push_temp(&mut self, ty: ValType) -> Slot {
        self.push(Place::Temp, ty)
    }

    pub(super) fn pop(&mut self) -> Entry {
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
    pub(super) fn write_to(&mut self, e: Entry, dst: Slot) {
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
    pub(super) fn reads_local(&self, place: Place) -> bool {
        match place {
            Place::Local(_) => true,
            Place::Sum(base, _) => base < self.locals_end,
            Place::Pair(..) => true,
            Place::Const(_) | Place::Temp => false,
        }
    }

    /// Whether the value of a lazy entry depends on local slot `l`.
    pub(super) fn reads(place: Place, l: Slot) -> bool {
        match place {
            Place::Local(x) | Place::Sum(x, _) => x == l,
            Place::Pair(a, b) => a == l || b == l,
            Place::Const(_) | Place::Temp => false,
        }
    }

    /// Whether reading entry `e` as an operand emits no instruction (so an
    /// instruction emitted just before can still be fused with its
    /// consumer).
    pub(super) fn is_direct(e: Entry) -> bool {
        matches!(e.place, Place::Local(_) | Place::Const(_) | Place::Temp)
    }

    /// Makes stack entry `i` a `Temp` in its canonical slot.
    pub(super) fn materialize(&mut self, i: usize) {
        let e = self.stack[i];
        if e.place != Place::Temp {
            self.write_to(e, e.slot);
            self.stack[i].place = Place::Temp;
        }
    }

    /// Materialises every entry that still reads a local (before a block,
    /// whose code might overwrite that local on some paths).
    pub(super) fn materialize_locals(&mut self) {
        for i in 0..self.stack.len() {
            if self.reads_local(self.stack[i].place) {
                self.materialize(i);
            }
        }
    }

    pub(super) fn materialize_top(&mut self, n: usize) {
        let len = self.stack.len();
        for i in len - n..len {
            self.materialize(i);
        }
    }

    /// The slot to read an operand from; constants are read from the
    /// function's constant slots, filled once per call, instead of being
    /// written on every execution.
    pub(super) fn src(&mut self, e: Entry) -> Slot {
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
    pub(super) fn const_slot(&mut self, v: u64) -> Slot {
        self.const_base + self.consts.id(v)
    }

    pub(super) fn block_type(
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
    pub(super) fn recycle(&mut self, frame: Control) {
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
}

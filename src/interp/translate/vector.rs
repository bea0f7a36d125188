//! Helpers of the SIMD operators: lanes, lane memory accesses, ternary
//! operators.

use super::*;

impl Translator {
    /// Changes the static type of the top operand (bits are unchanged).
    pub(super) fn retype(&mut self, ty: ValType) {
        self.stack.last_mut().expect("operand").ty = ty;
    }

    pub(super) fn extract(
        &mut self,
        ty: ValType,
        lane: u8,
        make: impl FnOnce(Slot, Slot, u32) -> Instr,
    ) {
        let v = self.pop();
        let src = self.src(v);
        let dst = self.push_temp(ty);
        self.emit_result(make(dst, src, lane.into()));
    }

    pub(super) fn replace(&mut self, lane: u8, make: impl FnOnce(Slot, Slot, u32) -> Instr) {
        let x = self.pop();
        let v = self.pop();
        let sx = self.src(x);
        self.write_to(v, v.slot);
        let dst = self.push_temp(ValType::V128);
        self.emit(make(dst, sx, lane.into()));
    }

    pub(super) fn lane_mem(
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
    pub(super) fn ternary_v128(&mut self, make: impl FnOnce(Slot, Slot, Slot) -> Instr) {
        let c = self.pop();
        let b = self.pop();
        let a = self.pop();
        let sc = self.src(c);
        let sb = self.src(b);
        self.write_to(a, a.slot);
        let dst = self.push_temp(ValType::V128);
        self.emit(make(dst, sb, sc));
    }
}

//! Translation of the fixed-width SIMD operators (WebAssembly 2.0 v128).
//!
//! A v128 is kept on the operand stack, in locals, block parameters and
//! signatures as an `i8x16`; each operator bitcasts its operands to the
//! lane type it works on (a no-op in a register) and its result back.
//! Operators map to single Cranelift vector instructions where their
//! semantics match wasm exactly; float min/max get an explicit sequence so
//! that NaN results are bit-identical to the interpreter's (`interp/simd.rs`:
//! the first NaN operand, quieted), where Cranelift's vector `fmin`/`fmax`
//! would produce a canonical NaN.
//!
//! This is a child module of `translate` so that it shares the
//! translator's private helpers (operand stack, `address`, traps).

use super::{FuncTranslator, Result};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, ConstantData, Endianness, InstBuilder, MemFlagsData, Type, Value,
};
use wasmparser::{MemArg, Operator};

/// Flags of a bitcast between vector types (possibly changing the lane
/// count): lanes are in little-endian order, as in wasm memory.
fn le() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

/// The vector type of the v128 representation.
const V128: Type = types::I8X16;

impl FuncTranslator<'_, '_> {
    /// `v` reinterpreted as `ty` (no code when it already is).
    fn as_vec(&mut self, v: Value, ty: Type) -> Value {
        if self.b.func.dfg.value_type(v) == ty {
            v
        } else {
            self.b.ins().bitcast(ty, le(), v)
        }
    }

    fn pop_vec(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.as_vec(v, ty)
    }

    fn pop2_vec(&mut self, ty: Type) -> (Value, Value) {
        let y = self.pop_vec(ty);
        let x = self.pop_vec(ty);
        (x, y)
    }

    /// Pushes a vector value of any vector type as a v128.
    fn push_vec(&mut self, v: Value) {
        let v = self.as_vec(v, V128);
        self.push(v);
    }

    pub(super) fn vconst(&mut self, ty: Type, bits: u128) -> Value {
        let c = self
            .b
            .func
            .dfg
            .constants
            .insert(ConstantData::from(bits.to_le_bytes().to_vec()));
        self.b.ins().vconst(ty, c)
    }

    fn vunary(&mut self, ty: Type, f: impl FnOnce(&mut Self, Value) -> Value) {
        let x = self.pop_vec(ty);
        let v = f(self, x);
        self.push_vec(v);
    }

    fn vbinary(&mut self, ty: Type, f: impl FnOnce(&mut Self, Value, Value) -> Value) {
        let (x, y) = self.pop2_vec(ty);
        let v = f(self, x, y);
        self.push_vec(v);
    }

    fn vicmp(&mut self, ty: Type, cc: IntCC) {
        self.vbinary(ty, |t, x, y| t.b.ins().icmp(cc, x, y));
    }

    fn vfcmp(&mut self, ty: Type, cc: FloatCC) {
        self.vbinary(ty, |t, x, y| t.b.ins().fcmp(cc, x, y));
    }

    /// A shift of lanes of `ty` by an i32 count (Cranelift masks the count
    /// to the lane width, as wasm does).
    fn vshift(&mut self, ty: Type, f: impl FnOnce(&mut Self, Value, Value) -> Value) {
        let count = self.pop();
        let x = self.pop_vec(ty);
        let v = f(self, x, count);
        self.push_vec(v);
    }

    /// An i32 result of a test on a vector.
    fn vtest(&mut self, ty: Type, f: impl FnOnce(&mut Self, Value) -> Value) {
        let x = self.pop_vec(ty);
        let v = f(self, x);
        self.push_bool(v);
    }

    /// wasm float `min` (`is_min`) or `max` on lanes of `ty`, as the
    /// interpreter computes it: NaN if either lane is NaN (the first NaN
    /// operand, quieted); equal lanes (±0) combine their sign bits; else
    /// the smaller or larger lane.
    fn vfminmax(&mut self, ty: Type, is_min: bool) {
        let (x, y) = self.pop2_vec(ty);
        let ity = if ty == types::F32X4 {
            types::I32X4
        } else {
            types::I64X2
        };
        let quiet: u128 = if ty == types::F32X4 {
            0x0040_0000_0040_0000_0040_0000_0040_0000
        } else {
            0x0008_0000_0000_0000_0008_0000_0000_0000
        };
        let b = &mut self.b;
        // Ordered, unequal lanes: the smaller (larger) one.
        let pick = if is_min {
            b.ins().fcmp(FloatCC::LessThan, x, y)
        } else {
            b.ins().fcmp(FloatCC::GreaterThan, x, y)
        };
        let xi = b.ins().bitcast(ity, MemFlagsData::new(), x);
        let yi = b.ins().bitcast(ity, MemFlagsData::new(), y);
        let r = b.ins().bitselect(pick, xi, yi);
        // Equal lanes: y was picked; combine with x's sign (or for min,
        // and for max).
        let eq = b.ins().fcmp(FloatCC::Equal, x, y);
        let r = if is_min {
            let xs = b.ins().band(eq, xi);
            b.ins().bor(r, xs)
        } else {
            let not_eq = b.ins().bnot(eq);
            let xs = b.ins().bor(not_eq, xi);
            b.ins().band(r, xs)
        };
        // NaN lanes: x if it is NaN, else y, with the quiet bit set.
        let x_nan = b.ins().fcmp(FloatCC::Unordered, x, x);
        let nan = b.ins().bitselect(x_nan, xi, yi);
        let any_nan = b.ins().fcmp(FloatCC::Unordered, x, y);
        let q = self.vconst(ity, quiet);
        let b = &mut self.b;
        let nan = b.ins().bor(nan, q);
        let r = b.ins().bitselect(any_nan, nan, r);
        self.push_vec(r);
    }

    /// `pmin` (`is_min`: `y < x ? y : x`) or `pmax` (`x < y ? y : x`).
    fn vfpminmax(&mut self, ty: Type, is_min: bool) {
        let (x, y) = self.pop2_vec(ty);
        let (a, b) = if is_min { (y, x) } else { (x, y) };
        let lt = self.b.ins().fcmp(FloatCC::LessThan, a, b);
        let mask = self.b.ins().bitcast(ty, MemFlagsData::new(), lt);
        let v = self.b.ins().bitselect(mask, y, x);
        self.push_vec(v);
    }

    /// Loads a `lane` (scalar type) and splats it into a vector of `ty`.
    fn load_splat(&mut self, memarg: &MemArg, ty: Type) -> Result<()> {
        let lane = ty.lane_type();
        let addr = self.address(memarg, u64::from(lane.bytes()))?;
        let x = self.b.ins().load(lane, self.heap, addr, 0);
        let v = self.b.ins().splat(ty, x);
        self.push_vec(v);
        Ok(())
    }

    /// Loads 32 or 64 bits into lane 0 of a vector of `ty`, zeroing the
    /// others.
    fn load_zero(&mut self, memarg: &MemArg, ty: Type) -> Result<()> {
        let lane = ty.lane_type();
        let addr = self.address(memarg, u64::from(lane.bytes()))?;
        let x = self.b.ins().load(lane, self.heap, addr, 0);
        let v = self.b.ins().scalar_to_vector(ty, x);
        self.push_vec(v);
        Ok(())
    }

    fn load_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) -> Result<()> {
        let v = self.pop_vec(ty);
        let addr = self.address(memarg, u64::from(ty.lane_type().bytes()))?;
        let x = self.b.ins().load(ty.lane_type(), self.heap, addr, 0);
        let v = self.b.ins().insertlane(v, x, lane);
        self.push_vec(v);
        Ok(())
    }

    fn store_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) -> Result<()> {
        let v = self.pop_vec(ty);
        let addr = self.address(memarg, u64::from(ty.lane_type().bytes()))?;
        let x = self.b.ins().extractlane(v, lane);
        self.b.ins().store(self.heap, x, addr, 0);
        Ok(())
    }

    /// Loads 8 bytes and extends them into lanes of twice the width.
    fn load_extend(
        &mut self,
        memarg: &MemArg,
        f: impl FnOnce(&mut Self, Value) -> Value,
    ) -> Result<()> {
        let addr = self.address(memarg, 8)?;
        let v = f(self, addr);
        self.push_vec(v);
        Ok(())
    }

    /// Splats a scalar from the stack into a vector of `ty` (i32 operands
    /// of narrower lanes are truncated).
    fn splat(&mut self, ty: Type) {
        let x = self.pop();
        let lane = ty.lane_type();
        let x = if self.b.func.dfg.value_type(x) == lane {
            x
        } else {
            self.b.ins().ireduce(lane, x)
        };
        let v = self.b.ins().splat(ty, x);
        self.push_vec(v);
    }

    /// Extracts lane `lane` of `ty`; `signed` says how a narrow lane is
    /// extended to i32.
    fn extract_lane(&mut self, ty: Type, lane: u8, signed: Option<bool>) {
        let v = self.pop_vec(ty);
        let x = self.b.ins().extractlane(v, lane);
        let x = match signed {
            None => x,
            Some(true) => self.b.ins().sextend(types::I32, x),
            Some(false) => self.b.ins().uextend(types::I32, x),
        };
        self.push(x);
    }

    fn replace_lane(&mut self, ty: Type, lane: u8) {
        let x = self.pop();
        let v = self.pop_vec(ty);
        let l = ty.lane_type();
        let x = if self.b.func.dfg.value_type(x) == l {
            x
        } else {
            self.b.ins().ireduce(l, x)
        };
        let v = self.b.ins().insertlane(v, x, lane);
        self.push_vec(v);
    }

    /// Translates `op` if it is a SIMD operator; returns whether it was.
    pub(super) fn simd_operator(&mut self, op: &Operator<'_>) -> Result<bool> {
        use types::{F32X4, F64X2, I16X8, I32X4, I64X2, I8X16};
        use Operator as O;
        if let Some(same) = relaxed_as(op) {
            return self.simd_operator(&same);
        }
        match *op {
            // ---- memory ----
            O::V128Load { ref memarg } => {
                let addr = self.address(memarg, 16)?;
                let v = self.b.ins().load(V128, self.heap, addr, 0);
                self.push(v);
            }
            O::V128Store { ref memarg } => {
                let v = self.pop();
                let addr = self.address(memarg, 16)?;
                self.b.ins().store(self.heap, v, addr, 0);
            }
            O::V128Load8x8S { ref memarg } => {
                self.load_extend(memarg, |t, a| t.b.ins().sload8x8(t.heap, a, 0))?
            }
            O::V128Load8x8U { ref memarg } => {
                self.load_extend(memarg, |t, a| t.b.ins().uload8x8(t.heap, a, 0))?
            }
            O::V128Load16x4S { ref memarg } => {
                self.load_extend(memarg, |t, a| t.b.ins().sload16x4(t.heap, a, 0))?
            }
            O::V128Load16x4U { ref memarg } => {
                self.load_extend(memarg, |t, a| t.b.ins().uload16x4(t.heap, a, 0))?
            }
            O::V128Load32x2S { ref memarg } => {
                self.load_extend(memarg, |t, a| t.b.ins().sload32x2(t.heap, a, 0))?
            }
            O::V128Load32x2U { ref memarg } => {
                self.load_extend(memarg, |t, a| t.b.ins().uload32x2(t.heap, a, 0))?
            }
            O::V128Load8Splat { ref memarg } => self.load_splat(memarg, I8X16)?,
            O::V128Load16Splat { ref memarg } => self.load_splat(memarg, I16X8)?,
            O::V128Load32Splat { ref memarg } => self.load_splat(memarg, I32X4)?,
            O::V128Load64Splat { ref memarg } => self.load_splat(memarg, I64X2)?,
            O::V128Load32Zero { ref memarg } => self.load_zero(memarg, I32X4)?,
            O::V128Load64Zero { ref memarg } => self.load_zero(memarg, I64X2)?,
            O::V128Load8Lane { ref memarg, lane } => self.load_lane(memarg, I8X16, lane)?,
            O::V128Load16Lane { ref memarg, lane } => self.load_lane(memarg, I16X8, lane)?,
            O::V128Load32Lane { ref memarg, lane } => self.load_lane(memarg, I32X4, lane)?,
            O::V128Load64Lane { ref memarg, lane } => self.load_lane(memarg, I64X2, lane)?,
            O::V128Store8Lane { ref memarg, lane } => self.store_lane(memarg, I8X16, lane)?,
            O::V128Store16Lane { ref memarg, lane } => self.store_lane(memarg, I16X8, lane)?,
            O::V128Store32Lane { ref memarg, lane } => self.store_lane(memarg, I32X4, lane)?,
            O::V128Store64Lane { ref memarg, lane } => self.store_lane(memarg, I64X2, lane)?,

            // ---- constants, shuffles, lanes ----
            O::V128Const { value } => {
                let v = self.vconst(V128, value.i128() as u128);
                self.push(v);
            }
            O::I8x16Shuffle { lanes } => {
                let (a, b) = self.pop2_vec(V128);
                let mask = self
                    .b
                    .func
                    .dfg
                    .immediates
                    .push(ConstantData::from(lanes.to_vec()));
                let v = self.b.ins().shuffle(a, b, mask);
                self.push(v);
            }
            O::I8x16Swizzle => self.vbinary(I8X16, |t, x, y| t.b.ins().swizzle(x, y)),
            O::I8x16Splat => self.splat(I8X16),
            O::I16x8Splat => self.splat(I16X8),
            O::I32x4Splat => self.splat(I32X4),
            O::I64x2Splat => self.splat(I64X2),
            O::F32x4Splat => self.splat(F32X4),
            O::F64x2Splat => self.splat(F64X2),
            O::I8x16ExtractLaneS { lane } => self.extract_lane(I8X16, lane, Some(true)),
            O::I8x16ExtractLaneU { lane } => self.extract_lane(I8X16, lane, Some(false)),
            O::I16x8ExtractLaneS { lane } => self.extract_lane(I16X8, lane, Some(true)),
            O::I16x8ExtractLaneU { lane } => self.extract_lane(I16X8, lane, Some(false)),
            O::I32x4ExtractLane { lane } => self.extract_lane(I32X4, lane, None),
            O::I64x2ExtractLane { lane } => self.extract_lane(I64X2, lane, None),
            O::F32x4ExtractLane { lane } => self.extract_lane(F32X4, lane, None),
            O::F64x2ExtractLane { lane } => self.extract_lane(F64X2, lane, None),
            O::I8x16ReplaceLane { lane } => self.replace_lane(I8X16, lane),
            O::I16x8ReplaceLane { lane } => self.replace_lane(I16X8, lane),
            O::I32x4ReplaceLane { lane } => self.replace_lane(I32X4, lane),
            O::I64x2ReplaceLane { lane } => self.replace_lane(I64X2, lane),
            O::F32x4ReplaceLane { lane } => self.replace_lane(F32X4, lane),
            O::F64x2ReplaceLane { lane } => self.replace_lane(F64X2, lane),

            // ---- bitwise and tests ----
            O::V128Not => self.vunary(V128, |t, x| t.b.ins().bnot(x)),
            O::V128And => self.vbinary(V128, |t, x, y| t.b.ins().band(x, y)),
            O::V128AndNot => self.vbinary(V128, |t, x, y| {
                let ny = t.b.ins().bnot(y);
                t.b.ins().band(x, ny)
            }),
            O::V128Or => self.vbinary(V128, |t, x, y| t.b.ins().bor(x, y)),
            O::V128Xor => self.vbinary(V128, |t, x, y| t.b.ins().bxor(x, y)),
            O::V128Bitselect => {
                let c = self.pop_vec(V128);
                let (x, y) = self.pop2_vec(V128);
                let v = self.b.ins().bitselect(c, x, y);
                self.push(v);
            }
            O::V128AnyTrue => self.vtest(V128, |t, x| t.b.ins().vany_true(x)),
            O::I8x16AllTrue => self.vtest(I8X16, |t, x| t.b.ins().vall_true(x)),
            O::I16x8AllTrue => self.vtest(I16X8, |t, x| t.b.ins().vall_true(x)),
            O::I32x4AllTrue => self.vtest(I32X4, |t, x| t.b.ins().vall_true(x)),
            O::I64x2AllTrue => self.vtest(I64X2, |t, x| t.b.ins().vall_true(x)),
            O::I8x16Bitmask | O::I16x8Bitmask | O::I32x4Bitmask | O::I64x2Bitmask => {
                let ty = match *op {
                    O::I8x16Bitmask => I8X16,
                    O::I16x8Bitmask => I16X8,
                    O::I32x4Bitmask => I32X4,
                    _ => I64X2,
                };
                let x = self.pop_vec(ty);
                let v = self.b.ins().vhigh_bits(types::I32, x);
                self.push(v);
            }

            // ---- integer comparisons ----
            O::I8x16Eq => self.vicmp(I8X16, IntCC::Equal),
            O::I8x16Ne => self.vicmp(I8X16, IntCC::NotEqual),
            O::I8x16LtS => self.vicmp(I8X16, IntCC::SignedLessThan),
            O::I8x16LtU => self.vicmp(I8X16, IntCC::UnsignedLessThan),
            O::I8x16GtS => self.vicmp(I8X16, IntCC::SignedGreaterThan),
            O::I8x16GtU => self.vicmp(I8X16, IntCC::UnsignedGreaterThan),
            O::I8x16LeS => self.vicmp(I8X16, IntCC::SignedLessThanOrEqual),
            O::I8x16LeU => self.vicmp(I8X16, IntCC::UnsignedLessThanOrEqual),
            O::I8x16GeS => self.vicmp(I8X16, IntCC::SignedGreaterThanOrEqual),
            O::I8x16GeU => self.vicmp(I8X16, IntCC::UnsignedGreaterThanOrEqual),
            O::I16x8Eq => self.vicmp(I16X8, IntCC::Equal),
            O::I16x8Ne => self.vicmp(I16X8, IntCC::NotEqual),
            O::I16x8LtS => self.vicmp(I16X8, IntCC::SignedLessThan),
            O::I16x8LtU => self.vicmp(I16X8, IntCC::UnsignedLessThan),
            O::I16x8GtS => self.vicmp(I16X8, IntCC::SignedGreaterThan),
            O::I16x8GtU => self.vicmp(I16X8, IntCC::UnsignedGreaterThan),
            O::I16x8LeS => self.vicmp(I16X8, IntCC::SignedLessThanOrEqual),
            O::I16x8LeU => self.vicmp(I16X8, IntCC::UnsignedLessThanOrEqual),
            O::I16x8GeS => self.vicmp(I16X8, IntCC::SignedGreaterThanOrEqual),
            O::I16x8GeU => self.vicmp(I16X8, IntCC::UnsignedGreaterThanOrEqual),
            O::I32x4Eq => self.vicmp(I32X4, IntCC::Equal),
            O::I32x4Ne => self.vicmp(I32X4, IntCC::NotEqual),
            O::I32x4LtS => self.vicmp(I32X4, IntCC::SignedLessThan),
            O::I32x4LtU => self.vicmp(I32X4, IntCC::UnsignedLessThan),
            O::I32x4GtS => self.vicmp(I32X4, IntCC::SignedGreaterThan),
            O::I32x4GtU => self.vicmp(I32X4, IntCC::UnsignedGreaterThan),
            O::I32x4LeS => self.vicmp(I32X4, IntCC::SignedLessThanOrEqual),
            O::I32x4LeU => self.vicmp(I32X4, IntCC::UnsignedLessThanOrEqual),
            O::I32x4GeS => self.vicmp(I32X4, IntCC::SignedGreaterThanOrEqual),
            O::I32x4GeU => self.vicmp(I32X4, IntCC::UnsignedGreaterThanOrEqual),
            O::I64x2Eq => self.vicmp(I64X2, IntCC::Equal),
            O::I64x2Ne => self.vicmp(I64X2, IntCC::NotEqual),
            O::I64x2LtS => self.vicmp(I64X2, IntCC::SignedLessThan),
            O::I64x2GtS => self.vicmp(I64X2, IntCC::SignedGreaterThan),
            O::I64x2LeS => self.vicmp(I64X2, IntCC::SignedLessThanOrEqual),
            O::I64x2GeS => self.vicmp(I64X2, IntCC::SignedGreaterThanOrEqual),

            // ---- float comparisons (`ne` is unordered-or-unequal) ----
            O::F32x4Eq => self.vfcmp(F32X4, FloatCC::Equal),
            O::F32x4Ne => self.vfcmp(F32X4, FloatCC::NotEqual),
            O::F32x4Lt => self.vfcmp(F32X4, FloatCC::LessThan),
            O::F32x4Gt => self.vfcmp(F32X4, FloatCC::GreaterThan),
            O::F32x4Le => self.vfcmp(F32X4, FloatCC::LessThanOrEqual),
            O::F32x4Ge => self.vfcmp(F32X4, FloatCC::GreaterThanOrEqual),
            O::F64x2Eq => self.vfcmp(F64X2, FloatCC::Equal),
            O::F64x2Ne => self.vfcmp(F64X2, FloatCC::NotEqual),
            O::F64x2Lt => self.vfcmp(F64X2, FloatCC::LessThan),
            O::F64x2Gt => self.vfcmp(F64X2, FloatCC::GreaterThan),
            O::F64x2Le => self.vfcmp(F64X2, FloatCC::LessThanOrEqual),
            O::F64x2Ge => self.vfcmp(F64X2, FloatCC::GreaterThanOrEqual),

            // ---- integer arithmetic ----
            O::I8x16Add => self.vbinary(I8X16, |t, x, y| t.b.ins().iadd(x, y)),
            O::I16x8Add => self.vbinary(I16X8, |t, x, y| t.b.ins().iadd(x, y)),
            O::I32x4Add => self.vbinary(I32X4, |t, x, y| t.b.ins().iadd(x, y)),
            O::I64x2Add => self.vbinary(I64X2, |t, x, y| t.b.ins().iadd(x, y)),
            O::I8x16Sub => self.vbinary(I8X16, |t, x, y| t.b.ins().isub(x, y)),
            O::I16x8Sub => self.vbinary(I16X8, |t, x, y| t.b.ins().isub(x, y)),
            O::I32x4Sub => self.vbinary(I32X4, |t, x, y| t.b.ins().isub(x, y)),
            O::I64x2Sub => self.vbinary(I64X2, |t, x, y| t.b.ins().isub(x, y)),
            O::I16x8Mul => self.vbinary(I16X8, |t, x, y| t.b.ins().imul(x, y)),
            O::I32x4Mul => self.vbinary(I32X4, |t, x, y| t.b.ins().imul(x, y)),
            O::I64x2Mul => self.vbinary(I64X2, |t, x, y| t.b.ins().imul(x, y)),
            O::I8x16Neg => self.vunary(I8X16, |t, x| t.b.ins().ineg(x)),
            O::I16x8Neg => self.vunary(I16X8, |t, x| t.b.ins().ineg(x)),
            O::I32x4Neg => self.vunary(I32X4, |t, x| t.b.ins().ineg(x)),
            O::I64x2Neg => self.vunary(I64X2, |t, x| t.b.ins().ineg(x)),
            O::I8x16Abs => self.vunary(I8X16, |t, x| t.b.ins().iabs(x)),
            O::I16x8Abs => self.vunary(I16X8, |t, x| t.b.ins().iabs(x)),
            O::I32x4Abs => self.vunary(I32X4, |t, x| t.b.ins().iabs(x)),
            O::I64x2Abs => self.vunary(I64X2, |t, x| t.b.ins().iabs(x)),
            O::I8x16Popcnt => self.vunary(I8X16, |t, x| t.b.ins().popcnt(x)),
            O::I8x16AddSatS => self.vbinary(I8X16, |t, x, y| t.b.ins().sadd_sat(x, y)),
            O::I8x16AddSatU => self.vbinary(I8X16, |t, x, y| t.b.ins().uadd_sat(x, y)),
            O::I8x16SubSatS => self.vbinary(I8X16, |t, x, y| t.b.ins().ssub_sat(x, y)),
            O::I8x16SubSatU => self.vbinary(I8X16, |t, x, y| t.b.ins().usub_sat(x, y)),
            O::I16x8AddSatS => self.vbinary(I16X8, |t, x, y| t.b.ins().sadd_sat(x, y)),
            O::I16x8AddSatU => self.vbinary(I16X8, |t, x, y| t.b.ins().uadd_sat(x, y)),
            O::I16x8SubSatS => self.vbinary(I16X8, |t, x, y| t.b.ins().ssub_sat(x, y)),
            O::I16x8SubSatU => self.vbinary(I16X8, |t, x, y| t.b.ins().usub_sat(x, y)),
            O::I8x16MinS => self.vbinary(I8X16, |t, x, y| t.b.ins().smin(x, y)),
            O::I8x16MinU => self.vbinary(I8X16, |t, x, y| t.b.ins().umin(x, y)),
            O::I8x16MaxS => self.vbinary(I8X16, |t, x, y| t.b.ins().smax(x, y)),
            O::I8x16MaxU => self.vbinary(I8X16, |t, x, y| t.b.ins().umax(x, y)),
            O::I16x8MinS => self.vbinary(I16X8, |t, x, y| t.b.ins().smin(x, y)),
            O::I16x8MinU => self.vbinary(I16X8, |t, x, y| t.b.ins().umin(x, y)),
            O::I16x8MaxS => self.vbinary(I16X8, |t, x, y| t.b.ins().smax(x, y)),
            O::I16x8MaxU => self.vbinary(I16X8, |t, x, y| t.b.ins().umax(x, y)),
            O::I32x4MinS => self.vbinary(I32X4, |t, x, y| t.b.ins().smin(x, y)),
            O::I32x4MinU => self.vbinary(I32X4, |t, x, y| t.b.ins().umin(x, y)),
            O::I32x4MaxS => self.vbinary(I32X4, |t, x, y| t.b.ins().smax(x, y)),
            O::I32x4MaxU => self.vbinary(I32X4, |t, x, y| t.b.ins().umax(x, y)),
            O::I8x16AvgrU => self.vbinary(I8X16, |t, x, y| t.b.ins().avg_round(x, y)),
            O::I16x8AvgrU => self.vbinary(I16X8, |t, x, y| t.b.ins().avg_round(x, y)),
            O::I16x8Q15MulrSatS => self.vbinary(I16X8, |t, x, y| t.b.ins().sqmul_round_sat(x, y)),

            // ---- shifts ----
            O::I8x16Shl => self.vshift(I8X16, |t, x, s| t.b.ins().ishl(x, s)),
            O::I8x16ShrS => self.vshift(I8X16, |t, x, s| t.b.ins().sshr(x, s)),
            O::I8x16ShrU => self.vshift(I8X16, |t, x, s| t.b.ins().ushr(x, s)),
            O::I16x8Shl => self.vshift(I16X8, |t, x, s| t.b.ins().ishl(x, s)),
            O::I16x8ShrS => self.vshift(I16X8, |t, x, s| t.b.ins().sshr(x, s)),
            O::I16x8ShrU => self.vshift(I16X8, |t, x, s| t.b.ins().ushr(x, s)),
            O::I32x4Shl => self.vshift(I32X4, |t, x, s| t.b.ins().ishl(x, s)),
            O::I32x4ShrS => self.vshift(I32X4, |t, x, s| t.b.ins().sshr(x, s)),
            O::I32x4ShrU => self.vshift(I32X4, |t, x, s| t.b.ins().ushr(x, s)),
            O::I64x2Shl => self.vshift(I64X2, |t, x, s| t.b.ins().ishl(x, s)),
            O::I64x2ShrS => self.vshift(I64X2, |t, x, s| t.b.ins().sshr(x, s)),
            O::I64x2ShrU => self.vshift(I64X2, |t, x, s| t.b.ins().ushr(x, s)),

            // ---- narrowing, widening ----
            O::I8x16NarrowI16x8S => self.vbinary(I16X8, |t, x, y| t.b.ins().snarrow(x, y)),
            O::I8x16NarrowI16x8U => self.vbinary(I16X8, |t, x, y| t.b.ins().unarrow(x, y)),
            O::I16x8NarrowI32x4S => self.vbinary(I32X4, |t, x, y| t.b.ins().snarrow(x, y)),
            O::I16x8NarrowI32x4U => self.vbinary(I32X4, |t, x, y| t.b.ins().unarrow(x, y)),
            O::I16x8ExtendLowI8x16S => self.vunary(I8X16, |t, x| t.b.ins().swiden_low(x)),
            O::I16x8ExtendHighI8x16S => self.vunary(I8X16, |t, x| t.b.ins().swiden_high(x)),
            O::I16x8ExtendLowI8x16U => self.vunary(I8X16, |t, x| t.b.ins().uwiden_low(x)),
            O::I16x8ExtendHighI8x16U => self.vunary(I8X16, |t, x| t.b.ins().uwiden_high(x)),
            O::I32x4ExtendLowI16x8S => self.vunary(I16X8, |t, x| t.b.ins().swiden_low(x)),
            O::I32x4ExtendHighI16x8S => self.vunary(I16X8, |t, x| t.b.ins().swiden_high(x)),
            O::I32x4ExtendLowI16x8U => self.vunary(I16X8, |t, x| t.b.ins().uwiden_low(x)),
            O::I32x4ExtendHighI16x8U => self.vunary(I16X8, |t, x| t.b.ins().uwiden_high(x)),
            O::I64x2ExtendLowI32x4S => self.vunary(I32X4, |t, x| t.b.ins().swiden_low(x)),
            O::I64x2ExtendHighI32x4S => self.vunary(I32X4, |t, x| t.b.ins().swiden_high(x)),
            O::I64x2ExtendLowI32x4U => self.vunary(I32X4, |t, x| t.b.ins().uwiden_low(x)),
            O::I64x2ExtendHighI32x4U => self.vunary(I32X4, |t, x| t.b.ins().uwiden_high(x)),
            O::I16x8ExtMulLowI8x16S | O::I32x4ExtMulLowI16x8S | O::I64x2ExtMulLowI32x4S => {
                self.extmul(op, |t, x| t.b.ins().swiden_low(x))
            }
            O::I16x8ExtMulHighI8x16S | O::I32x4ExtMulHighI16x8S | O::I64x2ExtMulHighI32x4S => {
                self.extmul(op, |t, x| t.b.ins().swiden_high(x))
            }
            O::I16x8ExtMulLowI8x16U | O::I32x4ExtMulLowI16x8U | O::I64x2ExtMulLowI32x4U => {
                self.extmul(op, |t, x| t.b.ins().uwiden_low(x))
            }
            O::I16x8ExtMulHighI8x16U | O::I32x4ExtMulHighI16x8U | O::I64x2ExtMulHighI32x4U => {
                self.extmul(op, |t, x| t.b.ins().uwiden_high(x))
            }
            O::I16x8ExtAddPairwiseI8x16S => self.vunary(I8X16, |t, x| {
                let lo = t.b.ins().swiden_low(x);
                let hi = t.b.ins().swiden_high(x);
                t.b.ins().iadd_pairwise(lo, hi)
            }),
            O::I16x8ExtAddPairwiseI8x16U => self.vunary(I8X16, |t, x| {
                let lo = t.b.ins().uwiden_low(x);
                let hi = t.b.ins().uwiden_high(x);
                t.b.ins().iadd_pairwise(lo, hi)
            }),
            O::I32x4ExtAddPairwiseI16x8S => self.vunary(I16X8, |t, x| {
                let lo = t.b.ins().swiden_low(x);
                let hi = t.b.ins().swiden_high(x);
                t.b.ins().iadd_pairwise(lo, hi)
            }),
            O::I32x4ExtAddPairwiseI16x8U => self.vunary(I16X8, |t, x| {
                let lo = t.b.ins().uwiden_low(x);
                let hi = t.b.ins().uwiden_high(x);
                t.b.ins().iadd_pairwise(lo, hi)
            }),
            O::I32x4DotI16x8S => self.vbinary(I16X8, |t, x, y| {
                let (xl, yl) = (t.b.ins().swiden_low(x), t.b.ins().swiden_low(y));
                let (xh, yh) = (t.b.ins().swiden_high(x), t.b.ins().swiden_high(y));
                let lo = t.b.ins().imul(xl, yl);
                let hi = t.b.ins().imul(xh, yh);
                t.b.ins().iadd_pairwise(lo, hi)
            }),

            // ---- float arithmetic ----
            O::F32x4Add => self.vbinary(F32X4, |t, x, y| t.b.ins().fadd(x, y)),
            O::F32x4Sub => self.vbinary(F32X4, |t, x, y| t.b.ins().fsub(x, y)),
            O::F32x4Mul => self.vbinary(F32X4, |t, x, y| t.b.ins().fmul(x, y)),
            O::F32x4Div => self.vbinary(F32X4, |t, x, y| t.b.ins().fdiv(x, y)),
            O::F64x2Add => self.vbinary(F64X2, |t, x, y| t.b.ins().fadd(x, y)),
            O::F64x2Sub => self.vbinary(F64X2, |t, x, y| t.b.ins().fsub(x, y)),
            O::F64x2Mul => self.vbinary(F64X2, |t, x, y| t.b.ins().fmul(x, y)),
            O::F64x2Div => self.vbinary(F64X2, |t, x, y| t.b.ins().fdiv(x, y)),
            O::F32x4Min => self.vfminmax(F32X4, true),
            O::F32x4Max => self.vfminmax(F32X4, false),
            O::F64x2Min => self.vfminmax(F64X2, true),
            O::F64x2Max => self.vfminmax(F64X2, false),
            O::F32x4PMin => self.vfpminmax(F32X4, true),
            O::F32x4PMax => self.vfpminmax(F32X4, false),
            O::F64x2PMin => self.vfpminmax(F64X2, true),
            O::F64x2PMax => self.vfpminmax(F64X2, false),
            O::F32x4Abs => self.vunary(F32X4, |t, x| t.b.ins().fabs(x)),
            O::F32x4Neg => self.vunary(F32X4, |t, x| t.b.ins().fneg(x)),
            O::F32x4Sqrt => self.vunary(F32X4, |t, x| t.b.ins().sqrt(x)),
            O::F32x4Ceil => self.vunary(F32X4, |t, x| t.b.ins().ceil(x)),
            O::F32x4Floor => self.vunary(F32X4, |t, x| t.b.ins().floor(x)),
            O::F32x4Trunc => self.vunary(F32X4, |t, x| t.b.ins().trunc(x)),
            O::F32x4Nearest => self.vunary(F32X4, |t, x| t.b.ins().nearest(x)),
            O::F64x2Abs => self.vunary(F64X2, |t, x| t.b.ins().fabs(x)),
            O::F64x2Neg => self.vunary(F64X2, |t, x| t.b.ins().fneg(x)),
            O::F64x2Sqrt => self.vunary(F64X2, |t, x| t.b.ins().sqrt(x)),
            O::F64x2Ceil => self.vunary(F64X2, |t, x| t.b.ins().ceil(x)),
            O::F64x2Floor => self.vunary(F64X2, |t, x| t.b.ins().floor(x)),
            O::F64x2Trunc => self.vunary(F64X2, |t, x| t.b.ins().trunc(x)),
            O::F64x2Nearest => self.vunary(F64X2, |t, x| t.b.ins().nearest(x)),

            // ---- conversions ----
            O::I32x4TruncSatF32x4S => {
                self.vunary(F32X4, |t, x| t.b.ins().fcvt_to_sint_sat(I32X4, x))
            }
            O::I32x4TruncSatF32x4U => {
                self.vunary(F32X4, |t, x| t.b.ins().fcvt_to_uint_sat(I32X4, x))
            }
            O::I32x4TruncSatF64x2SZero => self.vunary(F64X2, |t, x| {
                let wide = t.b.ins().fcvt_to_sint_sat(I64X2, x);
                let zero = t.vconst(I64X2, 0);
                t.b.ins().snarrow(wide, zero)
            }),
            O::I32x4TruncSatF64x2UZero => self.vunary(F64X2, |t, x| {
                let wide = t.b.ins().fcvt_to_uint_sat(I64X2, x);
                let zero = t.vconst(I64X2, 0);
                t.b.ins().uunarrow(wide, zero)
            }),
            O::F32x4ConvertI32x4S => self.vunary(I32X4, |t, x| t.b.ins().fcvt_from_sint(F32X4, x)),
            O::F32x4ConvertI32x4U => self.vunary(I32X4, |t, x| t.b.ins().fcvt_from_uint(F32X4, x)),
            O::F64x2ConvertLowI32x4S => self.vunary(I32X4, |t, x| {
                let wide = t.b.ins().swiden_low(x);
                t.b.ins().fcvt_from_sint(F64X2, wide)
            }),
            O::F64x2ConvertLowI32x4U => self.vunary(I32X4, |t, x| {
                let wide = t.b.ins().uwiden_low(x);
                t.b.ins().fcvt_from_uint(F64X2, wide)
            }),
            O::F32x4DemoteF64x2Zero => self.vunary(F64X2, |t, x| t.b.ins().fvdemote(x)),
            O::F64x2PromoteLowF32x4 => self.vunary(F32X4, |t, x| t.b.ins().fvpromote_low(x)),

            // ---- relaxed SIMD with results of their own ----
            // (The rest are translated as the instruction whose results
            // they give: `relaxed_as`.) Unfused, as the interpreter.
            O::F32x4RelaxedMadd
            | O::F32x4RelaxedNmadd
            | O::F64x2RelaxedMadd
            | O::F64x2RelaxedNmadd => {
                let ty = match *op {
                    O::F32x4RelaxedMadd | O::F32x4RelaxedNmadd => F32X4,
                    _ => F64X2,
                };
                let c = self.pop_vec(ty);
                let (a, b) = self.pop2_vec(ty);
                let mut product = self.b.ins().fmul(a, b);
                if matches!(*op, O::F32x4RelaxedNmadd | O::F64x2RelaxedNmadd) {
                    product = self.b.ins().fneg(product);
                }
                let v = self.b.ins().fadd(product, c);
                self.push_vec(v);
            }
            O::I16x8RelaxedDotI8x16I7x16S => {
                let (a, b) = self.pop2_vec(I8X16);
                let v = self.relaxed_dot_i16(a, b);
                self.push_vec(v);
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                let acc = self.pop_vec(I32X4);
                let (a, b) = self.pop2_vec(I8X16);
                let dot = self.relaxed_dot_i16(a, b);
                let lo = self.b.ins().swiden_low(dot);
                let hi = self.b.ins().swiden_high(dot);
                let pairs = self.b.ins().iadd_pairwise(lo, hi);
                let v = self.b.ins().iadd(pairs, acc);
                self.push_vec(v);
            }

            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `i16x8.relaxed_dot_i8x16_i7x16_s` as the interpreter computes it:
    /// both operands' bytes signed, adjacent products summed and
    /// saturated to i16 (the sums are formed in 32 bits, then narrowed).
    fn relaxed_dot_i16(&mut self, a: Value, b: Value) -> Value {
        let (al, bl) = (self.b.ins().swiden_low(a), self.b.ins().swiden_low(b));
        let (ah, bh) = (self.b.ins().swiden_high(a), self.b.ins().swiden_high(b));
        // i8 x i8 fits in i16 exactly.
        let low = self.b.ins().imul(al, bl);
        let high = self.b.ins().imul(ah, bh);
        let [first, second] = [low, high].map(|p| {
            let (l, h) = (self.b.ins().swiden_low(p), self.b.ins().swiden_high(p));
            self.b.ins().iadd_pairwise(l, h)
        });
        self.b.ins().snarrow(first, second)
    }

    /// Extended multiplication: both operands widened by `widen` (the
    /// lane type comes from the operator), then multiplied.
    fn extmul(&mut self, op: &Operator<'_>, widen: impl Fn(&mut Self, Value) -> Value) {
        use Operator as O;
        let ty = match *op {
            O::I16x8ExtMulLowI8x16S
            | O::I16x8ExtMulHighI8x16S
            | O::I16x8ExtMulLowI8x16U
            | O::I16x8ExtMulHighI8x16U => types::I8X16,
            O::I32x4ExtMulLowI16x8S
            | O::I32x4ExtMulHighI16x8S
            | O::I32x4ExtMulLowI16x8U
            | O::I32x4ExtMulHighI16x8U => types::I16X8,
            _ => types::I32X4,
        };
        let (x, y) = self.pop2_vec(ty);
        let wx = widen(self, x);
        let wy = widen(self, y);
        let v = self.b.ins().imul(wx, wy);
        self.push_vec(v);
    }
}

/// The relaxed SIMD instructions whose results wasmrt defines as those of
/// another instruction (docs/INTERPRETER.md, "Relaxed SIMD"): translated
/// as that one, so both tiers agree by construction.
fn relaxed_as(op: &Operator<'_>) -> Option<Operator<'static>> {
    use Operator as O;
    Some(match *op {
        O::I8x16RelaxedSwizzle => O::I8x16Swizzle,
        O::I32x4RelaxedTruncF32x4S => O::I32x4TruncSatF32x4S,
        O::I32x4RelaxedTruncF32x4U => O::I32x4TruncSatF32x4U,
        O::I32x4RelaxedTruncF64x2SZero => O::I32x4TruncSatF64x2SZero,
        O::I32x4RelaxedTruncF64x2UZero => O::I32x4TruncSatF64x2UZero,
        O::I8x16RelaxedLaneselect
        | O::I16x8RelaxedLaneselect
        | O::I32x4RelaxedLaneselect
        | O::I64x2RelaxedLaneselect => O::V128Bitselect,
        O::F32x4RelaxedMin => O::F32x4Min,
        O::F32x4RelaxedMax => O::F32x4Max,
        O::F64x2RelaxedMin => O::F64x2Min,
        O::F64x2RelaxedMax => O::F64x2Max,
        O::I16x8RelaxedQ15mulrS => O::I16x8Q15MulrSatS,
        _ => return None,
    })
}

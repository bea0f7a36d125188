//! Helpers of the scalar numeric operators: unary and binary operators,
//! comparisons, conversions, division and truncation with their traps.

use super::*;

impl FuncTranslator<'_, '_> {
    pub(super) fn unary(&mut self, f: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value) {
        let x = self.pop();
        let v = f(&mut self.b, x);
        self.push(v);
    }

    pub(super) fn binary(
        &mut self,
        f: impl FnOnce(&mut FunctionBuilder<'_>, Value, Value) -> Value,
    ) {
        let (x, y) = self.pop2();
        let v = f(&mut self.b, x, y);
        self.push(v);
    }

    pub(super) fn icmp(&mut self, cc: IntCC) {
        let (x, y) = self.pop2();
        let v = self.b.ins().icmp(cc, x, y);
        self.push_bool(v);
    }

    pub(super) fn fcmp(&mut self, cc: FloatCC) {
        let (x, y) = self.pop2();
        let v = self.b.ins().fcmp(cc, x, y);
        self.push_bool(v);
    }

    pub(super) fn bitcast(&mut self, to: Type) {
        let x = self.pop();
        let v = self.b.ins().bitcast(to, MemFlagsData::new(), x);
        self.push(v);
    }

    pub(super) fn extend_narrow(&mut self, narrow: Type, to: Type) {
        let x = self.pop();
        let n = self.b.ins().ireduce(narrow, x);
        let v = self.b.ins().sextend(to, n);
        self.push(v);
    }

    /// Integer division and remainder with the wasm traps: division by
    /// zero, and signed division overflow (`MIN / -1`; the remainder of
    /// that is 0).
    pub(super) fn div(&mut self, signed: bool, rem: bool) {
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
    pub(super) fn trunc(&mut self, to: Type, signed: bool, from_f64: bool) {
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

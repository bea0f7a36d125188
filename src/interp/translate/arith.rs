//! Numeric operators and `select`, with the fused forms of their common
//! sequences.

use super::*;

impl Translator {
    pub(super) fn unary(&mut self, ty: ValType, make: impl FnOnce(Slot, Slot) -> Instr) {
        let a = self.pop();
        let src = self.src(a);
        let dst = self.push_temp(ty);
        self.emit_result(make(dst, src));
    }

    pub(super) fn binary(&mut self, ty: ValType, make: impl FnOnce(Slot, Slot, Slot) -> Instr) {
        let b = self.pop();
        let a = self.pop();
        let sa = self.src(a);
        let sb = self.src(b);
        let dst = self.push_temp(ty);
        self.emit_result(make(dst, sa, sb));
    }

    /// A binary integer operator with an immediate form for constant
    /// right-hand sides that fit in an `i32`.
    pub(super) fn binary_imm(
        &mut self,
        ty: ValType,
        make: impl FnOnce(Slot, Slot, Slot) -> Instr,
        make_imm: impl FnOnce(Slot, Slot, i32) -> Instr,
    ) {
        let b = *self.stack.last().expect("operand");
        if let Place::Const(v) = b.place {
            if let Some(imm) = crate::interp::ir::immediate(v, b.ty == ValType::I32) {
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

    /// `i32.add` / `i32.sub`. In narrow translations an addition of a
    /// constant or of a local stays pending (`Place::Sum` / `Pair`), for a
    /// memory access to absorb as its address; anything else is computed
    /// now.
    pub(super) fn i32_add(&mut self, subtract: bool) {
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
    pub(super) fn fuse_mul_add_imm(&mut self, ty: ValType) -> bool {
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
    pub(super) fn producer_of(&self, e: Entry) -> Option<usize> {
        let at = self.fusible.filter(|at| at + 1 == self.code.len())?;
        (e.place == Place::Temp && self.code[at].result_slot() == Some(e.slot)).then_some(at)
    }

    /// Float add, subtract, multiply or divide. Narrow translations fuse
    /// the instruction that computed one operand just before: a load (the
    /// operand comes straight from memory) or, for add and subtract, a
    /// multiplication (multiply-add, rounded twice as the two operators).
    pub(super) fn float_arith(
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
    pub(super) fn select(&mut self) {
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
}

//! Branches fused with the instruction before them: a comparison, an
//! `f64.add`, a counter's increment.

use super::*;

impl Translator {
    /// Emits a conditional branch on the popped condition `c` (taken when
    /// it is non-zero, or zero if `negate`); returns its position for
    /// `patch`. A comparison computed just before is fused into the branch.
    pub(super) fn emit_cond_branch(&mut self, c: Entry, negate: bool) -> usize {
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
                                if let Some(fused) =
                                    crate::interp::ir::fuse_compare(self.code[p], !negate)
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
                    if let Some(fused) = crate::interp::ir::fuse_compare(last, negate) {
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
    pub(super) fn merge_into_branch(&mut self, at: usize) -> usize {
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
}

/// A slot or an immediate operand.
#[derive(Copy, Clone)]
pub(super) enum Operand {
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

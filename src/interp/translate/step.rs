//! The translator as the decoder's visitor sees it: the operators it
//! translates on their own in plain code, and the frame question the
//! reader asks.

use super::*;
use crate::interp::feed::Feed;

/// The translator as the [`Feed`] of one operator at `offset` sees it.
pub(super) struct Step<'t, 'e, 'f> {
    pub(super) t: &'t mut Translator,
    pub(super) env: &'t TranslateEnv<'e>,
    pub(super) offset: usize,
    pub(super) body_start: usize,
    pub(super) fuel: Option<&'f FuelPlan>,
}

impl Step<'_, '_, '_> {
    /// Whether the operator can be translated on its own, without the
    /// checks of [`Translator::step`]: in reachable code and without
    /// fuel (no epoch check follows any of the operators that come this
    /// way). Sets the offset the instructions are charged to.
    #[inline(always)]
    pub(super) fn plain(&mut self) -> bool {
        if self.t.reachable && self.fuel.is_none() {
            self.t.cur_offset = (self.offset - self.body_start) as u32;
            return true;
        }
        false
    }
}

/// The [`Sink`](crate::interp::feed::Sink) methods of the operators [`Step`]
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

impl<'a> crate::interp::feed::Sink<'a> for Step<'_, '_, '_> {
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

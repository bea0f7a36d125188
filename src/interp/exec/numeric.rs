//! Numeric handlers: integer and float arithmetic, comparisons and
//! conversions.

use super::super::float::{self, TruncError};
use super::*;

/// Binary operators: `Name / ImmName [NameA, NameB, ImmNameA] (x: T, y: U)
/// => result`. The register form reads both operands from slots; the
/// immediate form (if named) takes `y` from the instruction's `i32`
/// immediate, sign-extended; the accumulator forms (if named) read `x`
/// (`A`) or `y` (`B`) from the accumulator. Every form leaves its result
/// in the accumulator.
macro_rules! binary {
    ($( $name:ident $(/ $imm:ident)? $([$na:ident, $nb:ident $(, $ia:ident)?])?
        ($x:ident: $tx:ty, $y:ident: $ty:ty) => $e:expr; )*) => {$(
        handler! { $name { dst, a, b } |ip, fp, mem, len, cx, acc, facc| {
            let $x = <$tx>::from_slot(rd(fp, a));
            let $y = <$ty>::from_slot(rd(fp, b));
            let r = $e;
            let v = r.to_slot();
            wr(fp, dst, v);
            next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
        }}
        $(
            handler! { $imm { dst, a, imm } |ip, fp, mem, len, cx, acc, facc| {
                let $x = <$tx>::from_slot(rd(fp, a));
                let $y = <$ty>::from_imm(imm);
                let r = $e;
                let v = r.to_slot();
                wr(fp, dst, v);
                next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
            }}
        )?
        $(
            handler! { $na { dst, a, b } |ip, fp, mem, len, cx, acc, facc| {
                let $x = <$tx>::from_acc(acc, facc);
                let $y = <$ty>::from_slot(rd(fp, b));
                let r = $e;
                let v = r.to_slot();
                wr(fp, dst, v);
                next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
            }}
            handler! { $nb { dst, a, b } |ip, fp, mem, len, cx, acc, facc| {
                let $x = <$tx>::from_slot(rd(fp, a));
                let $y = <$ty>::from_acc(acc, facc);
                let r = $e;
                let v = r.to_slot();
                wr(fp, dst, v);
                next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
            }}
            $(
                handler! { $ia { dst, a, imm } |ip, fp, mem, len, cx, acc, facc| {
                    let $x = <$tx>::from_acc(acc, facc);
                    let $y = <$ty>::from_imm(imm);
                    let r = $e;
                    let v = r.to_slot();
                    wr(fp, dst, v);
                    next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
                }}
            )?
        )?
    )*};
}

/// Binary operators that may trap: `result` is a `Result<_, TrapCode>`.
macro_rules! binary_trapping {
    ($( $name:ident / $imm:ident ($x:ident: $t:ty, $y:ident) => $e:expr; )*) => {$(
        handler! { $name { dst, a, b } |ip, fp, mem, len, cx, acc, facc| {
            let $x = <$t>::from_slot(rd(fp, a));
            let $y = <$t>::from_slot(rd(fp, b));
            let v = match $e {
                Ok(v) => v.to_slot(),
                Err(code) => trap!(cx, ip, code),
            };
            wr(fp, dst, v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
        handler! { $imm { dst, a, imm } |ip, fp, mem, len, cx, acc, facc| {
            let $x = <$t>::from_slot(rd(fp, a));
            let $y = <$t>::from_imm(imm);
            let v = match $e {
                Ok(v) => v.to_slot(),
                Err(code) => trap!(cx, ip, code),
            };
            wr(fp, dst, v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
    )*};
}

/// Unary operators: `Name [NameA] (x: T) => result`; `NameA` reads `x`
/// from the accumulator.
macro_rules! unary {
    ($( $name:ident $([$na:ident])? ($x:ident: $t:ty) => $e:expr; )*) => {$(
        handler! { $name { dst, src } |ip, fp, mem, len, cx, acc, facc| {
            let $x = <$t>::from_slot(rd(fp, src));
            let r = $e;
            let v = r.to_slot();
            wr(fp, dst, v);
            next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
        }}
        $(
            handler! { $na { dst, src } |ip, fp, mem, len, cx, acc, facc| {
                let $x = <$t>::from_acc(acc, facc);
                let r = $e;
                let v = r.to_slot();
                wr(fp, dst, v);
                next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
            }}
        )?
    )*};
}

/// Unary operators that may trap (float-to-int truncation).
macro_rules! unary_trapping {
    ($( $name:ident($x:ident: $t:ty) => $e:expr; )*) => {$(
        handler! { $name { dst, src } |ip, fp, mem, len, cx, acc, facc| {
            let $x = <$t>::from_slot(rd(fp, src));
            let v = match $e {
                Ok(v) => v.to_slot(),
                Err(e) => trap!(cx, ip, trunc_trap(e)),
            };
            wr(fp, dst, v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
    )*};
}

fn trunc_trap(e: TruncError) -> TrapCode {
    match e {
        TruncError::NaN => TrapCode::InvalidConversionToInteger,
        TruncError::Overflow => TrapCode::IntegerOverflow,
    }
}

binary! {
    I32Add / I32AddImm [I32AddA, I32AddB, I32AddImmA] (x: u32, y: u32) => x.wrapping_add(y);
    I32Sub / I32SubImm [I32SubA, I32SubB, I32SubImmA] (x: u32, y: u32) => x.wrapping_sub(y);
    I32Mul / I32MulImm [I32MulA, I32MulB, I32MulImmA] (x: u32, y: u32) => x.wrapping_mul(y);
    I32And / I32AndImm [I32AndA, I32AndB, I32AndImmA] (x: u32, y: u32) => x & y;
    I32Or / I32OrImm [I32OrA, I32OrB, I32OrImmA] (x: u32, y: u32) => x | y;
    I32Xor / I32XorImm [I32XorA, I32XorB, I32XorImmA] (x: u32, y: u32) => x ^ y;
    I32Shl / I32ShlImm [I32ShlA, I32ShlB, I32ShlImmA] (x: u32, y: u32) => x.wrapping_shl(y);
    I32ShrS / I32ShrSImm [I32ShrSA, I32ShrSB, I32ShrSImmA] (x: i32, y: u32) => x.wrapping_shr(y);
    I32ShrU / I32ShrUImm [I32ShrUA, I32ShrUB, I32ShrUImmA] (x: u32, y: u32) => x.wrapping_shr(y);
    I32Rotl / I32RotlImm [I32RotlA, I32RotlB, I32RotlImmA] (x: u32, y: u32) => x.rotate_left(y % 32);
    I32Rotr / I32RotrImm [I32RotrA, I32RotrB, I32RotrImmA] (x: u32, y: u32) => x.rotate_right(y % 32);
    I32Eq / I32EqImm [I32EqA, I32EqB, I32EqImmA] (x: u32, y: u32) => x == y;
    I32Ne / I32NeImm [I32NeA, I32NeB, I32NeImmA] (x: u32, y: u32) => x != y;
    I32LtS / I32LtSImm [I32LtSA, I32LtSB, I32LtSImmA] (x: i32, y: i32) => x < y;
    I32LtU / I32LtUImm [I32LtUA, I32LtUB, I32LtUImmA] (x: u32, y: u32) => x < y;
    I32GtS / I32GtSImm [I32GtSA, I32GtSB, I32GtSImmA] (x: i32, y: i32) => x > y;
    I32GtU / I32GtUImm [I32GtUA, I32GtUB, I32GtUImmA] (x: u32, y: u32) => x > y;
    I32LeS / I32LeSImm [I32LeSA, I32LeSB, I32LeSImmA] (x: i32, y: i32) => x <= y;
    I32LeU / I32LeUImm [I32LeUA, I32LeUB, I32LeUImmA] (x: u32, y: u32) => x <= y;
    I32GeS / I32GeSImm [I32GeSA, I32GeSB, I32GeSImmA] (x: i32, y: i32) => x >= y;
    I32GeU / I32GeUImm [I32GeUA, I32GeUB, I32GeUImmA] (x: u32, y: u32) => x >= y;
    I64Add / I64AddImm [I64AddA, I64AddB, I64AddImmA] (x: u64, y: u64) => x.wrapping_add(y);
    I64Sub / I64SubImm [I64SubA, I64SubB, I64SubImmA] (x: u64, y: u64) => x.wrapping_sub(y);
    I64Mul / I64MulImm [I64MulA, I64MulB, I64MulImmA] (x: u64, y: u64) => x.wrapping_mul(y);
    I64And / I64AndImm [I64AndA, I64AndB, I64AndImmA] (x: u64, y: u64) => x & y;
    I64Or / I64OrImm [I64OrA, I64OrB, I64OrImmA] (x: u64, y: u64) => x | y;
    I64Xor / I64XorImm [I64XorA, I64XorB, I64XorImmA] (x: u64, y: u64) => x ^ y;
    I64Shl / I64ShlImm [I64ShlA, I64ShlB, I64ShlImmA] (x: u64, y: u64) => x.wrapping_shl(y as u32);
    I64ShrS / I64ShrSImm [I64ShrSA, I64ShrSB, I64ShrSImmA] (x: i64, y: u64) => x.wrapping_shr(y as u32);
    I64ShrU / I64ShrUImm [I64ShrUA, I64ShrUB, I64ShrUImmA] (x: u64, y: u64) => x.wrapping_shr(y as u32);
    I64Rotl / I64RotlImm [I64RotlA, I64RotlB, I64RotlImmA] (x: u64, y: u64) => x.rotate_left((y % 64) as u32);
    I64Rotr / I64RotrImm [I64RotrA, I64RotrB, I64RotrImmA] (x: u64, y: u64) => x.rotate_right((y % 64) as u32);
    I64Eq / I64EqImm [I64EqA, I64EqB, I64EqImmA] (x: u64, y: u64) => x == y;
    I64Ne / I64NeImm [I64NeA, I64NeB, I64NeImmA] (x: u64, y: u64) => x != y;
    I64LtS / I64LtSImm [I64LtSA, I64LtSB, I64LtSImmA] (x: i64, y: i64) => x < y;
    I64LtU / I64LtUImm [I64LtUA, I64LtUB, I64LtUImmA] (x: u64, y: u64) => x < y;
    I64GtS / I64GtSImm [I64GtSA, I64GtSB, I64GtSImmA] (x: i64, y: i64) => x > y;
    I64GtU / I64GtUImm [I64GtUA, I64GtUB, I64GtUImmA] (x: u64, y: u64) => x > y;
    I64LeS / I64LeSImm [I64LeSA, I64LeSB, I64LeSImmA] (x: i64, y: i64) => x <= y;
    I64LeU / I64LeUImm [I64LeUA, I64LeUB, I64LeUImmA] (x: u64, y: u64) => x <= y;
    I64GeS / I64GeSImm [I64GeSA, I64GeSB, I64GeSImmA] (x: i64, y: i64) => x >= y;
    I64GeU / I64GeUImm [I64GeUA, I64GeUB, I64GeUImmA] (x: u64, y: u64) => x >= y;
    F32Add (x: f32, y: f32) => x + y;
    F32Sub (x: f32, y: f32) => x - y;
    F32Mul (x: f32, y: f32) => x * y;
    F32Div (x: f32, y: f32) => x / y;
    F32Min (x: f32, y: f32) => float::f32_min(x, y);
    F32Max (x: f32, y: f32) => float::f32_max(x, y);
    F32Copysign (x: u32, y: u32) => (x & 0x7fff_ffff) | (y & 0x8000_0000);
    F32Eq (x: f32, y: f32) => x == y;
    F32Ne (x: f32, y: f32) => x != y;
    F32Lt (x: f32, y: f32) => x < y;
    F32Gt (x: f32, y: f32) => x > y;
    F32Le (x: f32, y: f32) => x <= y;
    F32Ge (x: f32, y: f32) => x >= y;
    F64Add [F64AddA, F64AddB] (x: f64, y: f64) => x + y;
    F64Sub [F64SubA, F64SubB] (x: f64, y: f64) => x - y;
    F64Mul [F64MulA, F64MulB] (x: f64, y: f64) => x * y;
    F64Div [F64DivA, F64DivB] (x: f64, y: f64) => x / y;
    F64Min [F64MinA, F64MinB] (x: f64, y: f64) => float::f64_min(x, y);
    F64Max [F64MaxA, F64MaxB] (x: f64, y: f64) => float::f64_max(x, y);
    F64Copysign (x: f64, y: f64) => x.copysign(y);
    F64Eq (x: f64, y: f64) => x == y;
    F64Ne (x: f64, y: f64) => x != y;
    F64Lt (x: f64, y: f64) => x < y;
    F64Gt (x: f64, y: f64) => x > y;
    F64Le (x: f64, y: f64) => x <= y;
    F64Ge (x: f64, y: f64) => x >= y;
}

#[inline(always)]
fn i32_div_s(x: i32, y: i32) -> Result<i32, TrapCode> {
    match y {
        0 => Err(TrapCode::IntegerDivisionByZero),
        -1 if x == i32::MIN => Err(TrapCode::IntegerOverflow),
        _ => Ok(x / y),
    }
}

#[inline(always)]
fn i64_div_s(x: i64, y: i64) -> Result<i64, TrapCode> {
    match y {
        0 => Err(TrapCode::IntegerDivisionByZero),
        -1 if x == i64::MIN => Err(TrapCode::IntegerOverflow),
        _ => Ok(x / y),
    }
}

binary_trapping! {
    I32DivS / I32DivSImm (x: i32, y) => i32_div_s(x, y);
    I32DivU / I32DivUImm (x: u32, y) => x.checked_div(y).ok_or(TrapCode::IntegerDivisionByZero);
    I32RemS / I32RemSImm (x: i32, y) => match y {
        0 => Err(TrapCode::IntegerDivisionByZero),
        _ => Ok(x.wrapping_rem(y)),
    };
    I32RemU / I32RemUImm (x: u32, y) => x.checked_rem(y).ok_or(TrapCode::IntegerDivisionByZero);
    I64DivS / I64DivSImm (x: i64, y) => i64_div_s(x, y);
    I64DivU / I64DivUImm (x: u64, y) => x.checked_div(y).ok_or(TrapCode::IntegerDivisionByZero);
    I64RemS / I64RemSImm (x: i64, y) => match y {
        0 => Err(TrapCode::IntegerDivisionByZero),
        _ => Ok(x.wrapping_rem(y)),
    };
    I64RemU / I64RemUImm (x: u64, y) => x.checked_rem(y).ok_or(TrapCode::IntegerDivisionByZero);
}

unary! {
    I32Eqz [I32EqzA] (x: u32) => x == 0;
    I32Clz [I32ClzA] (x: u32) => x.leading_zeros();
    I32Ctz [I32CtzA] (x: u32) => x.trailing_zeros();
    I32Popcnt [I32PopcntA] (x: u32) => x.count_ones();
    I32Extend8S [I32Extend8SA] (x: u32) => x as i8 as i32;
    I32Extend16S [I32Extend16SA] (x: u32) => x as i16 as i32;
    I32WrapI64 [I32WrapI64A] (x: u64) => x as u32;
    I64Eqz [I64EqzA] (x: u64) => x == 0;
    I64Clz [I64ClzA] (x: u64) => x.leading_zeros() as u64;
    I64Ctz [I64CtzA] (x: u64) => x.trailing_zeros() as u64;
    I64Popcnt [I64PopcntA] (x: u64) => x.count_ones() as u64;
    I64Extend8S [I64Extend8SA] (x: u64) => x as i8 as i64;
    I64Extend16S [I64Extend16SA] (x: u64) => x as i16 as i64;
    I64Extend32S [I64Extend32SA] (x: u64) => x as i32 as i64;
    I64ExtendI32S [I64ExtendI32SA] (x: i32) => x as i64;
    I64ExtendI32U [I64ExtendI32UA] (x: u32) => x as u64;
    F32Abs(x: u32) => x & 0x7fff_ffff;
    F32Neg(x: u32) => x ^ 0x8000_0000;
    F32Ceil(x: f32) => float::f32_ceil(x);
    F32Floor(x: f32) => float::f32_floor(x);
    F32Trunc(x: f32) => float::f32_trunc(x);
    F32Nearest(x: f32) => float::f32_nearest(x);
    F32Sqrt(x: f32) => x.sqrt();
    F64Abs [F64AbsA] (x: f64) => x.abs();
    F64Neg [F64NegA] (x: f64) => -x;
    F64Ceil(x: f64) => float::f64_ceil(x);
    F64Floor(x: f64) => float::f64_floor(x);
    F64Trunc(x: f64) => float::f64_trunc(x);
    F64Nearest(x: f64) => float::f64_nearest(x);
    F64Sqrt [F64SqrtA] (x: f64) => x.sqrt();
    I32TruncSatF32S(x: f32) => float::i32_trunc_sat_f32_s(x);
    I32TruncSatF32U(x: f32) => float::i32_trunc_sat_f32_u(x);
    I32TruncSatF64S(x: f64) => float::i32_trunc_sat_f64_s(x);
    I32TruncSatF64U(x: f64) => float::i32_trunc_sat_f64_u(x);
    I64TruncSatF32S(x: f32) => float::i64_trunc_sat_f32_s(x);
    I64TruncSatF32U(x: f32) => float::i64_trunc_sat_f32_u(x);
    I64TruncSatF64S(x: f64) => float::i64_trunc_sat_f64_s(x);
    I64TruncSatF64U(x: f64) => float::i64_trunc_sat_f64_u(x);
    F32ConvertI32S(x: i32) => x as f32;
    F32ConvertI32U(x: u32) => x as f32;
    F32ConvertI64S(x: i64) => x as f32;
    F32ConvertI64U(x: u64) => x as f32;
    F32DemoteF64(x: f64) => float::f32_demote_f64(x);
    F64ConvertI32S(x: i32) => x as f64;
    F64ConvertI32U(x: u32) => x as f64;
    F64ConvertI64S(x: i64) => x as f64;
    F64ConvertI64U(x: u64) => x as f64;
    F64PromoteF32(x: f32) => float::f64_promote_f32(x);
    RefIsNull(x: u64) => x == 0;
}

unary_trapping! {
    I32TruncF32S(x: f32) => float::i32_trunc_f32_s(x);
    I32TruncF32U(x: f32) => float::i32_trunc_f32_u(x);
    I32TruncF64S(x: f64) => float::i32_trunc_f64_s(x);
    I32TruncF64U(x: f64) => float::i32_trunc_f64_u(x);
    I64TruncF32S(x: f32) => float::i64_trunc_f32_s(x);
    I64TruncF32U(x: f32) => float::i64_trunc_f32_u(x);
    I64TruncF64S(x: f64) => float::i64_trunc_f64_s(x);
    I64TruncF64U(x: f64) => float::i64_trunc_f64_u(x);
}

/// Two float operators in one, `op2(op1(x, y), z)` (`R`: `z` on the left):
/// each result is rounded exactly as by the two separate instructions (no
/// fused multiply-add).
macro_rules! ternary {
    ($( $name:ident $([$na:ident, $nc:ident])? ($x:ident, $y:ident, $z:ident: $t:ty) => $e:expr; )*) => {$(
        handler! { $name { dst, a, b, c } |ip, fp, mem, len, cx, acc, facc| {
            let $x = <$t>::from_slot(rd(fp, a.into()));
            let $y = <$t>::from_slot(rd(fp, b.into()));
            let $z = <$t>::from_slot(rd(fp, c.into()));
            let r = $e;
            let v = r.to_slot();
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
        }}
        $(
            handler! { $na { dst, a, b, c } |ip, fp, mem, len, cx, acc, facc| {
                let $x = <$t>::from_acc(acc, facc);
                let $y = <$t>::from_slot(rd(fp, b.into()));
                let $z = <$t>::from_slot(rd(fp, c.into()));
                let r = $e;
                let v = r.to_slot();
                wr(fp, dst.into(), v);
                next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
            }}
            handler! { $nc { dst, a, b, c } |ip, fp, mem, len, cx, acc, facc| {
                let $x = <$t>::from_slot(rd(fp, a.into()));
                let $y = <$t>::from_slot(rd(fp, b.into()));
                let $z = <$t>::from_acc(acc, facc);
                let r = $e;
                let v = r.to_slot();
                wr(fp, dst.into(), v);
                next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
            }}
        )?
    )*};
}

ternary! {
    F32AddAdd(x, y, z: f32) => (x + y) + z;
    F32AddSub(x, y, z: f32) => (x + y) - z;
    F32AddRsub(x, y, z: f32) => z - (x + y);
    F32AddMul(x, y, z: f32) => (x + y) * z;
    F32SubAdd(x, y, z: f32) => (x - y) + z;
    F32SubSub(x, y, z: f32) => (x - y) - z;
    F32SubRsub(x, y, z: f32) => z - (x - y);
    F32SubMul(x, y, z: f32) => (x - y) * z;
    F32MulMul(x, y, z: f32) => (x * y) * z;
    F64AddAdd [F64AddAddA, F64AddAddC] (x, y, z: f64) => (x + y) + z;
    F64AddSub [F64AddSubA, F64AddSubC] (x, y, z: f64) => (x + y) - z;
    F64AddRsub [F64AddRsubA, F64AddRsubC] (x, y, z: f64) => z - (x + y);
    F64AddMul [F64AddMulA, F64AddMulC] (x, y, z: f64) => (x + y) * z;
    F64SubAdd [F64SubAddA, F64SubAddC] (x, y, z: f64) => (x - y) + z;
    F64SubSub [F64SubSubA, F64SubSubC] (x, y, z: f64) => (x - y) - z;
    F64SubRsub [F64SubRsubA, F64SubRsubC] (x, y, z: f64) => z - (x - y);
    F64SubMul [F64SubMulA, F64SubMulC] (x, y, z: f64) => (x - y) * z;
    F64MulMul [F64MulMulA, F64MulMulC] (x, y, z: f64) => (x * y) * z;
    F32MulAdd(x, y, z: f32) => x * y + z;
    F32MulSub(x, y, z: f32) => x * y - z;
    F32MulRsub(x, y, z: f32) => z - x * y;
    F64MulAdd [F64MulAddA, F64MulAddC] (x, y, z: f64) => x * y + z;
    F64MulSub [F64MulSubA, F64MulSubC] (x, y, z: f64) => x * y - z;
    F64MulRsub [F64MulRsubA, F64MulRsubC] (x, y, z: f64) => z - x * y;
}

/// `x * mul + add` (wrapping), fused from a multiplication and an addition
/// by constants (hashes, random number generators, index arithmetic).
macro_rules! mul_add_imm {
    ($( $name:ident: $t:ty; )*) => {$(
        handler! { $name { dst, a, mul, add } |ip, fp, mem, len, cx, acc, facc| {
            let x = <$t>::from_slot(rd(fp, a.into()));
            let v = x.wrapping_mul(<$t>::from_imm(mul)).wrapping_add(<$t>::from_imm(add)).to_slot();
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
    )*};
}

mul_add_imm! {
    I32MulAddImm: u32;
    I64MulAddImm: u64;
}

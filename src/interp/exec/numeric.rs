//! Numeric handlers: integer and float arithmetic, comparisons and
//! conversions.

use super::super::float::{self, TruncError};
use super::*;

/// Binary operators: `Name / ImmName (x: T, y: U) => result`. The register
/// form reads both operands from slots; the immediate form (if named)
/// takes `y` from the instruction's `i32` immediate, sign-extended.
macro_rules! binary {
    ($( $name:ident $(/ $imm:ident)? ($x:ident: $tx:ty, $y:ident: $ty:ty) => $e:expr; )*) => {$(
        handler!($name { dst, a, b } |ip, fp, mem, len, cx| {
            let $x = <$tx>::from_slot(rd(fp, a));
            let $y = <$ty>::from_slot(rd(fp, b));
            wr(fp, dst, ($e).to_slot());
            next!(ip, fp, mem, len, cx)
        });
        $(
            handler!($imm { dst, a, imm } |ip, fp, mem, len, cx| {
                let $x = <$tx>::from_slot(rd(fp, a));
                let $y = <$ty>::from_imm(imm);
                wr(fp, dst, ($e).to_slot());
                next!(ip, fp, mem, len, cx)
            });
        )?
    )*};
}

/// Binary operators that may trap: `result` is a `Result<_, TrapCode>`.
macro_rules! binary_trapping {
    ($( $name:ident / $imm:ident ($x:ident: $t:ty, $y:ident) => $e:expr; )*) => {$(
        handler!($name { dst, a, b } |ip, fp, mem, len, cx| {
            let $x = <$t>::from_slot(rd(fp, a));
            let $y = <$t>::from_slot(rd(fp, b));
            match $e {
                Ok(v) => wr(fp, dst, v.to_slot()),
                Err(code) => trap!(cx, ip, code),
            }
            next!(ip, fp, mem, len, cx)
        });
        handler!($imm { dst, a, imm } |ip, fp, mem, len, cx| {
            let $x = <$t>::from_slot(rd(fp, a));
            let $y = <$t>::from_imm(imm);
            match $e {
                Ok(v) => wr(fp, dst, v.to_slot()),
                Err(code) => trap!(cx, ip, code),
            }
            next!(ip, fp, mem, len, cx)
        });
    )*};
}

/// Unary operators: `Name(x: T) => result`.
macro_rules! unary {
    ($( $name:ident($x:ident: $t:ty) => $e:expr; )*) => {$(
        handler!($name { dst, src } |ip, fp, mem, len, cx| {
            let $x = <$t>::from_slot(rd(fp, src));
            wr(fp, dst, ($e).to_slot());
            next!(ip, fp, mem, len, cx)
        });
    )*};
}

/// Unary operators that may trap (float-to-int truncation).
macro_rules! unary_trapping {
    ($( $name:ident($x:ident: $t:ty) => $e:expr; )*) => {$(
        handler!($name { dst, src } |ip, fp, mem, len, cx| {
            let $x = <$t>::from_slot(rd(fp, src));
            match $e {
                Ok(v) => wr(fp, dst, v.to_slot()),
                Err(e) => trap!(cx, ip, trunc_trap(e)),
            }
            next!(ip, fp, mem, len, cx)
        });
    )*};
}

fn trunc_trap(e: TruncError) -> TrapCode {
    match e {
        TruncError::NaN => TrapCode::InvalidConversionToInteger,
        TruncError::Overflow => TrapCode::IntegerOverflow,
    }
}

binary! {
    I32Add / I32AddImm (x: u32, y: u32) => x.wrapping_add(y);
    I32Sub / I32SubImm (x: u32, y: u32) => x.wrapping_sub(y);
    I32Mul / I32MulImm (x: u32, y: u32) => x.wrapping_mul(y);
    I32And / I32AndImm (x: u32, y: u32) => x & y;
    I32Or / I32OrImm (x: u32, y: u32) => x | y;
    I32Xor / I32XorImm (x: u32, y: u32) => x ^ y;
    I32Shl / I32ShlImm (x: u32, y: u32) => x.wrapping_shl(y);
    I32ShrS / I32ShrSImm (x: i32, y: u32) => x.wrapping_shr(y);
    I32ShrU / I32ShrUImm (x: u32, y: u32) => x.wrapping_shr(y);
    I32Rotl / I32RotlImm (x: u32, y: u32) => x.rotate_left(y % 32);
    I32Rotr / I32RotrImm (x: u32, y: u32) => x.rotate_right(y % 32);
    I32Eq / I32EqImm (x: u32, y: u32) => x == y;
    I32Ne / I32NeImm (x: u32, y: u32) => x != y;
    I32LtS / I32LtSImm (x: i32, y: i32) => x < y;
    I32LtU / I32LtUImm (x: u32, y: u32) => x < y;
    I32GtS / I32GtSImm (x: i32, y: i32) => x > y;
    I32GtU / I32GtUImm (x: u32, y: u32) => x > y;
    I32LeS / I32LeSImm (x: i32, y: i32) => x <= y;
    I32LeU / I32LeUImm (x: u32, y: u32) => x <= y;
    I32GeS / I32GeSImm (x: i32, y: i32) => x >= y;
    I32GeU / I32GeUImm (x: u32, y: u32) => x >= y;
    I64Add / I64AddImm (x: u64, y: u64) => x.wrapping_add(y);
    I64Sub / I64SubImm (x: u64, y: u64) => x.wrapping_sub(y);
    I64Mul / I64MulImm (x: u64, y: u64) => x.wrapping_mul(y);
    I64And / I64AndImm (x: u64, y: u64) => x & y;
    I64Or / I64OrImm (x: u64, y: u64) => x | y;
    I64Xor / I64XorImm (x: u64, y: u64) => x ^ y;
    I64Shl / I64ShlImm (x: u64, y: u64) => x.wrapping_shl(y as u32);
    I64ShrS / I64ShrSImm (x: i64, y: u64) => x.wrapping_shr(y as u32);
    I64ShrU / I64ShrUImm (x: u64, y: u64) => x.wrapping_shr(y as u32);
    I64Rotl / I64RotlImm (x: u64, y: u64) => x.rotate_left((y % 64) as u32);
    I64Rotr / I64RotrImm (x: u64, y: u64) => x.rotate_right((y % 64) as u32);
    I64Eq / I64EqImm (x: u64, y: u64) => x == y;
    I64Ne / I64NeImm (x: u64, y: u64) => x != y;
    I64LtS / I64LtSImm (x: i64, y: i64) => x < y;
    I64LtU / I64LtUImm (x: u64, y: u64) => x < y;
    I64GtS / I64GtSImm (x: i64, y: i64) => x > y;
    I64GtU / I64GtUImm (x: u64, y: u64) => x > y;
    I64LeS / I64LeSImm (x: i64, y: i64) => x <= y;
    I64LeU / I64LeUImm (x: u64, y: u64) => x <= y;
    I64GeS / I64GeSImm (x: i64, y: i64) => x >= y;
    I64GeU / I64GeUImm (x: u64, y: u64) => x >= y;
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
    F64Add (x: f64, y: f64) => x + y;
    F64Sub (x: f64, y: f64) => x - y;
    F64Mul (x: f64, y: f64) => x * y;
    F64Div (x: f64, y: f64) => x / y;
    F64Min (x: f64, y: f64) => float::f64_min(x, y);
    F64Max (x: f64, y: f64) => float::f64_max(x, y);
    F64Copysign (x: u64, y: u64) => (x & 0x7fff_ffff_ffff_ffff) | (y & 0x8000_0000_0000_0000);
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
    I32Eqz(x: u32) => x == 0;
    I32Clz(x: u32) => x.leading_zeros();
    I32Ctz(x: u32) => x.trailing_zeros();
    I32Popcnt(x: u32) => x.count_ones();
    I32Extend8S(x: u32) => x as i8 as i32;
    I32Extend16S(x: u32) => x as i16 as i32;
    I32WrapI64(x: u64) => x as u32;
    I64Eqz(x: u64) => x == 0;
    I64Clz(x: u64) => x.leading_zeros() as u64;
    I64Ctz(x: u64) => x.trailing_zeros() as u64;
    I64Popcnt(x: u64) => x.count_ones() as u64;
    I64Extend8S(x: u64) => x as i8 as i64;
    I64Extend16S(x: u64) => x as i16 as i64;
    I64Extend32S(x: u64) => x as i32 as i64;
    I64ExtendI32S(x: i32) => x as i64;
    I64ExtendI32U(x: u32) => x as u64;
    F32Abs(x: u32) => x & 0x7fff_ffff;
    F32Neg(x: u32) => x ^ 0x8000_0000;
    F32Ceil(x: f32) => float::f32_ceil(x);
    F32Floor(x: f32) => float::f32_floor(x);
    F32Trunc(x: f32) => float::f32_trunc(x);
    F32Nearest(x: f32) => float::f32_nearest(x);
    F32Sqrt(x: f32) => x.sqrt();
    F64Abs(x: u64) => x & 0x7fff_ffff_ffff_ffff;
    F64Neg(x: u64) => x ^ 0x8000_0000_0000_0000;
    F64Ceil(x: f64) => float::f64_ceil(x);
    F64Floor(x: f64) => float::f64_floor(x);
    F64Trunc(x: f64) => float::f64_trunc(x);
    F64Nearest(x: f64) => float::f64_nearest(x);
    F64Sqrt(x: f64) => x.sqrt();
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

/// Multiply-add and friends: the product is rounded before the add, exactly
/// as the two separate instructions (no fused multiply-add).
macro_rules! ternary {
    ($( $name:ident($x:ident, $y:ident, $z:ident: $t:ty) => $e:expr; )*) => {$(
        handler! { $name { dst, a, b, c } |ip, fp, mem, len, cx| {
            let $x = <$t>::from_slot(rd(fp, a.into()));
            let $y = <$t>::from_slot(rd(fp, b.into()));
            let $z = <$t>::from_slot(rd(fp, c.into()));
            wr(fp, dst.into(), ($e).to_slot());
            next!(ip, fp, mem, len, cx)
        }}
    )*};
}

ternary! {
    F32MulAdd(x, y, z: f32) => x * y + z;
    F32MulSub(x, y, z: f32) => x * y - z;
    F32MulRsub(x, y, z: f32) => z - x * y;
    F64MulAdd(x, y, z: f64) => x * y + z;
    F64MulSub(x, y, z: f64) => x * y - z;
    F64MulRsub(x, y, z: f64) => z - x * y;
}

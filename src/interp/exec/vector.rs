//! SIMD handlers: the v128 operator table (semantics in `simd.rs`),
//! splats, lanes, bitselect and shuffle. SIMD loads and stores are in
//! `memory.rs`.

use super::*;
use crate::interp::simd;

macro_rules! simd_handlers {
    (
        simd_binary: [$(($sb:ident, $sbf:ident)),* $(,)?],
        simd_shift: [$(($ss:ident, $ssf:ident)),* $(,)?],
        simd_unary: [$(($su:ident, $suf:ident)),* $(,)?],
        simd_test: [$(($st:ident, $stf:ident)),* $(,)?],
        simd_load: [$(($sl:ident, $sln:literal, $slf:ident)),* $(,)?],
    ) => {
        $( handler!($sb { dst, a, b } |ip, fp, mem, len, cx, acc, facc| {
            wr128(fp, dst, simd::$sbf(rd128(fp, a), rd128(fp, b)));
            next!(ip, fp, mem, len, cx, acc, facc)
        }); )*
        $( handler!($ss { dst, a, b } |ip, fp, mem, len, cx, acc, facc| {
            wr128(fp, dst, simd::$ssf(rd128(fp, a), rd(fp, b) as u32));
            next!(ip, fp, mem, len, cx, acc, facc)
        }); )*
        $( handler!($su { dst, src } |ip, fp, mem, len, cx, acc, facc| {
            wr128(fp, dst, simd::$suf(rd128(fp, src)));
            next!(ip, fp, mem, len, cx, acc, facc)
        }); )*
        $( handler!($st { dst, src } |ip, fp, mem, len, cx, acc, facc| {
            wr(fp, dst, simd::$stf(rd128(fp, src)) as u32 as u64);
            next!(ip, fp, mem, len, cx, acc, facc)
        }); )*
    };
}
crate::simd_table!(simd_handlers);

/// Splats: `Name => |scalar slot| v128`.
macro_rules! splats {
    ($( $name:ident => |$x:ident| $e:expr; )*) => {$(
        handler!($name { dst, src } |ip, fp, mem, len, cx, acc, facc| {
            let $x = rd(fp, src);
            wr128(fp, dst, $e);
            next!(ip, fp, mem, len, cx, acc, facc)
        });
    )*};
}

splats! {
    I8x16Splat => |x| simd::i8x16_splat(x as i32);
    I16x8Splat => |x| simd::i16x8_splat(x as i32);
    I32x4Splat => |x| simd::i32x4_splat(x as i32);
    F32x4Splat => |x| simd::i32x4_splat(x as i32);
    I64x2Splat => |x| simd::i64x2_splat(x as i64);
    F64x2Splat => |x| simd::i64x2_splat(x as i64);
}

/// Lane extraction: `Name => |vector, lane| slot value`.
macro_rules! extract_lanes {
    ($( $name:ident => |$v:ident, $l:ident| $e:expr; )*) => {$(
        handler!($name { dst, src, lane } |ip, fp, mem, len, cx, acc, facc| {
            let $v = rd128(fp, src);
            let $l = lane;
            wr(fp, dst, $e);
            next!(ip, fp, mem, len, cx, acc, facc)
        });
    )*};
}

extract_lanes! {
    I8x16ExtractLaneS => |v, l| (v >> (l * 8)) as u8 as i8 as i32 as u32 as u64;
    I8x16ExtractLaneU => |v, l| (v >> (l * 8)) as u8 as u64;
    I16x8ExtractLaneS => |v, l| (v >> (l * 16)) as u16 as i16 as i32 as u32 as u64;
    I16x8ExtractLaneU => |v, l| (v >> (l * 16)) as u16 as u64;
    I32x4ExtractLane => |v, l| (v >> (l * 32)) as u32 as u64;
    I64x2ExtractLane => |v, l| (v >> (l * 64)) as u64;
}

/// Lane replacement of the vector already in `dst`: `Name: lane bits`.
macro_rules! replace_lanes {
    ($( $name:ident: $bits:literal; )*) => {$(
        handler!($name { dst, x, lane } |ip, fp, mem, len, cx, acc, facc| {
            let shift = lane * $bits;
            let mask = (u128::MAX >> (128 - $bits)) << shift;
            let lane_value = (u128::from(rd(fp, x)) << shift) & mask;
            wr128(fp, dst, (rd128(fp, dst) & !mask) | lane_value);
            next!(ip, fp, mem, len, cx, acc, facc)
        });
    )*};
}

replace_lanes! {
    I8x16ReplaceLane: 8;
    I16x8ReplaceLane: 16;
    I32x4ReplaceLane: 32;
    I64x2ReplaceLane: 64;
}

handler! { V128Bitselect { dst, b, c } |ip, fp, mem, len, cx, acc, facc| {
    let (v1, v2, m) = (rd128(fp, dst), rd128(fp, b), rd128(fp, c));
    wr128(fp, dst, (v1 & m) | (v2 & !m));
    next!(ip, fp, mem, len, cx, acc, facc)
}}

/// The ternary relaxed SIMD instructions: `Name: semantic in simd.rs`.
macro_rules! relaxed_ternary {
    ($( $name:ident: $f:ident; )*) => {$(
        handler! { $name { dst, b, c } |ip, fp, mem, len, cx, acc, facc| {
            let r = crate::interp::simd::$f(rd128(fp, dst), rd128(fp, b), rd128(fp, c));
            wr128(fp, dst, r);
            next!(ip, fp, mem, len, cx, acc, facc)
        }}
    )*};
}

relaxed_ternary! {
    F32x4RelaxedMadd: f32x4_relaxed_madd;
    F32x4RelaxedNmadd: f32x4_relaxed_nmadd;
    F64x2RelaxedMadd: f64x2_relaxed_madd;
    F64x2RelaxedNmadd: f64x2_relaxed_nmadd;
    RelaxedLaneselect: relaxed_laneselect;
    I32x4RelaxedDotI8x16I7x16AddS: i32x4_relaxed_dot_i8x16_i7x16_add_s;
}

handler! { I8x16Shuffle { dst, a, b } |ip, fp, mem, len, cx, acc, facc| {
    let Instr::Aux { a: idx, .. } = *ip.add(1) else {
        bad_dispatch()
    };
    let lanes = (*(*cx).func).pool[idx as usize].to_le_bytes();
    wr128(
        fp,
        dst,
        simd::i8x16_shuffle(rd128(fp, a), rd128(fp, b), &lanes),
    );
    dispatch!(ip.add(2), fp, mem, len, cx, acc, facc)
}}

//! Fixed-width SIMD (v128) semantics of WebAssembly 2.0, and the relaxed
//! SIMD instructions of 3.0 (one deterministic choice each), as pure functions
//! on `u128` values (lane 0 in the lowest bits, as in memory).
//!
//! Each function is named after its instruction (`i16x8.add_sat_s` ->
//! `i16x8_add_sat_s`). Lanes are unpacked into arrays and the loops are
//! simple enough for the compiler to vectorise. Float lanes follow the
//! scalar rules of `float.rs` (wasm min/max, NaN-quieting rounding).

use super::float;

pub type V128 = u128;

// ---- lane packing -------------------------------------------------------

macro_rules! lane_conv {
    ($to:ident, $from:ident, $t:ty, $n:expr, $bytes:expr) => {
        #[inline(always)]
        fn $to(v: V128) -> [$t; $n] {
            let b = v.to_le_bytes();
            std::array::from_fn(|i| {
                let mut x = [0u8; $bytes];
                x.copy_from_slice(&b[i * $bytes..(i + 1) * $bytes]);
                <$t>::from_le_bytes(x)
            })
        }

        #[inline(always)]
        fn $from(a: [$t; $n]) -> V128 {
            let mut b = [0u8; 16];
            for (i, x) in a.iter().enumerate() {
                b[i * $bytes..(i + 1) * $bytes].copy_from_slice(&x.to_le_bytes());
            }
            V128::from_le_bytes(b)
        }
    };
}

lane_conv!(i8s, from_i8s, i8, 16, 1);
lane_conv!(u8s, from_u8s, u8, 16, 1);
lane_conv!(i16s, from_i16s, i16, 8, 2);
lane_conv!(u16s, from_u16s, u16, 8, 2);
lane_conv!(i32s, from_i32s, i32, 4, 4);
lane_conv!(u32s, from_u32s, u32, 4, 4);
lane_conv!(i64s, from_i64s, i64, 2, 8);
lane_conv!(u64s, from_u64s, u64, 2, 8);
lane_conv!(f32s, from_f32s, f32, 4, 4);
lane_conv!(f64s, from_f64s, f64, 2, 8);

/// Defines lane-wise binary functions: `name(a, b) = lanes(f(a[i], b[i]))`.
macro_rules! binary {
    ($($name:ident: $to:ident, $from:ident, |$x:ident, $y:ident| $e:expr;)*) => {$(
        #[inline]
        pub fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($to(a), $to(b));
            $from(std::array::from_fn(|i| {
                let ($x, $y) = (a[i], b[i]);
                $e
            }))
        }
    )*};
}

/// Lane-wise comparisons producing all-ones / all-zeros lanes.
macro_rules! compare {
    ($($name:ident: $to:ident, $from:ident, $mask:ty, |$x:ident, $y:ident| $e:expr;)*) => {$(
        #[inline]
        pub fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($to(a), $to(b));
            $from(std::array::from_fn(|i| {
                let ($x, $y) = (a[i], b[i]);
                if $e { <$mask>::MAX } else { 0 }
            }))
        }
    )*};
}

/// Lane-wise unary functions.
macro_rules! unary {
    ($($name:ident: $to:ident, $from:ident, |$x:ident| $e:expr;)*) => {$(
        #[inline]
        pub fn $name(a: V128) -> V128 {
            let a = $to(a);
            $from(std::array::from_fn(|i| {
                let $x = a[i];
                $e
            }))
        }
    )*};
}

/// Shifts: the count is taken modulo the lane width.
macro_rules! shift {
    ($($name:ident: $to:ident, $from:ident, $bits:expr, |$x:ident, $s:ident| $e:expr;)*) => {$(
        #[inline]
        pub fn $name(a: V128, count: u32) -> V128 {
            let $s = count % $bits;
            let a = $to(a);
            $from(std::array::from_fn(|i| {
                let $x = a[i];
                $e
            }))
        }
    )*};
}

// ---- bitwise ------------------------------------------------------------

#[inline]
pub fn v128_not(a: V128) -> V128 {
    !a
}

#[inline]
pub fn v128_and(a: V128, b: V128) -> V128 {
    a & b
}

#[inline]
pub fn v128_andnot(a: V128, b: V128) -> V128 {
    a & !b
}

#[inline]
pub fn v128_or(a: V128, b: V128) -> V128 {
    a | b
}

#[inline]
pub fn v128_xor(a: V128, b: V128) -> V128 {
    a ^ b
}

#[inline]
pub fn v128_any_true(a: V128) -> i32 {
    (a != 0) as i32
}

// ---- splat, shuffle, swizzle, loads --------------------------------------

#[inline]
pub fn i8x16_splat(x: i32) -> V128 {
    from_u8s([x as u8; 16])
}

#[inline]
pub fn i16x8_splat(x: i32) -> V128 {
    from_u16s([x as u16; 8])
}

#[inline]
pub fn i32x4_splat(x: i32) -> V128 {
    from_u32s([x as u32; 4])
}

#[inline]
pub fn i64x2_splat(x: i64) -> V128 {
    from_u64s([x as u64; 2])
}

/// Lane `i` of the result is lane `lanes[i]` of `a ++ b` (indices < 32,
/// guaranteed by validation).
#[inline]
pub fn i8x16_shuffle(a: V128, b: V128, lanes: &[u8; 16]) -> V128 {
    let (a, b) = (u8s(a), u8s(b));
    from_u8s(std::array::from_fn(|i| {
        let l = lanes[i] as usize & 31;
        if l < 16 {
            a[l]
        } else {
            b[l - 16]
        }
    }))
}

/// Lane `i` is `a[b[i]]`, or 0 when the index is out of range.
/// (Always inlined: `i8x16.relaxed_swizzle` shares it, and a second
/// caller would otherwise leave `I8x16Swizzle` calling it out of line.)
#[inline(always)]
pub fn i8x16_swizzle(a: V128, b: V128) -> V128 {
    let (a, b) = (u8s(a), u8s(b));
    from_u8s(std::array::from_fn(|i| {
        a.get(b[i] as usize).copied().unwrap_or(0)
    }))
}

macro_rules! load_extend {
    ($($name:ident: $src:ty, $n:expr, $dst:ty, $from:ident;)*) => {$(
        /// Loads 8 bytes as narrower lanes and extends each.
        #[inline]
        pub fn $name(bytes: [u8; 8]) -> V128 {
            const W: usize = 8 / $n;
            $from(std::array::from_fn(|i| {
                let mut x = [0u8; W];
                x.copy_from_slice(&bytes[i * W..(i + 1) * W]);
                <$src>::from_le_bytes(x) as $dst
            }))
        }
    )*};
}

load_extend! {
    v128_load8x8_s: i8, 8, i16, from_i16s;
    v128_load8x8_u: u8, 8, u16, from_u16s;
    v128_load16x4_s: i16, 4, i32, from_i32s;
    v128_load16x4_u: u16, 4, u32, from_u32s;
    v128_load32x2_s: i32, 2, i64, from_i64s;
    v128_load32x2_u: u32, 2, u64, from_u64s;
}

// ---- comparisons --------------------------------------------------------

compare! {
    i8x16_eq: i8s, from_u8s, u8, |x, y| x == y;
    i8x16_ne: i8s, from_u8s, u8, |x, y| x != y;
    i8x16_lt_s: i8s, from_u8s, u8, |x, y| x < y;
    i8x16_lt_u: u8s, from_u8s, u8, |x, y| x < y;
    i8x16_gt_s: i8s, from_u8s, u8, |x, y| x > y;
    i8x16_gt_u: u8s, from_u8s, u8, |x, y| x > y;
    i8x16_le_s: i8s, from_u8s, u8, |x, y| x <= y;
    i8x16_le_u: u8s, from_u8s, u8, |x, y| x <= y;
    i8x16_ge_s: i8s, from_u8s, u8, |x, y| x >= y;
    i8x16_ge_u: u8s, from_u8s, u8, |x, y| x >= y;
    i16x8_eq: i16s, from_u16s, u16, |x, y| x == y;
    i16x8_ne: i16s, from_u16s, u16, |x, y| x != y;
    i16x8_lt_s: i16s, from_u16s, u16, |x, y| x < y;
    i16x8_lt_u: u16s, from_u16s, u16, |x, y| x < y;
    i16x8_gt_s: i16s, from_u16s, u16, |x, y| x > y;
    i16x8_gt_u: u16s, from_u16s, u16, |x, y| x > y;
    i16x8_le_s: i16s, from_u16s, u16, |x, y| x <= y;
    i16x8_le_u: u16s, from_u16s, u16, |x, y| x <= y;
    i16x8_ge_s: i16s, from_u16s, u16, |x, y| x >= y;
    i16x8_ge_u: u16s, from_u16s, u16, |x, y| x >= y;
    i32x4_eq: i32s, from_u32s, u32, |x, y| x == y;
    i32x4_ne: i32s, from_u32s, u32, |x, y| x != y;
    i32x4_lt_s: i32s, from_u32s, u32, |x, y| x < y;
    i32x4_lt_u: u32s, from_u32s, u32, |x, y| x < y;
    i32x4_gt_s: i32s, from_u32s, u32, |x, y| x > y;
    i32x4_gt_u: u32s, from_u32s, u32, |x, y| x > y;
    i32x4_le_s: i32s, from_u32s, u32, |x, y| x <= y;
    i32x4_le_u: u32s, from_u32s, u32, |x, y| x <= y;
    i32x4_ge_s: i32s, from_u32s, u32, |x, y| x >= y;
    i32x4_ge_u: u32s, from_u32s, u32, |x, y| x >= y;
    i64x2_eq: i64s, from_u64s, u64, |x, y| x == y;
    i64x2_ne: i64s, from_u64s, u64, |x, y| x != y;
    i64x2_lt_s: i64s, from_u64s, u64, |x, y| x < y;
    i64x2_gt_s: i64s, from_u64s, u64, |x, y| x > y;
    i64x2_le_s: i64s, from_u64s, u64, |x, y| x <= y;
    i64x2_ge_s: i64s, from_u64s, u64, |x, y| x >= y;
    f32x4_eq: f32s, from_u32s, u32, |x, y| x == y;
    f32x4_ne: f32s, from_u32s, u32, |x, y| x != y;
    f32x4_lt: f32s, from_u32s, u32, |x, y| x < y;
    f32x4_gt: f32s, from_u32s, u32, |x, y| x > y;
    f32x4_le: f32s, from_u32s, u32, |x, y| x <= y;
    f32x4_ge: f32s, from_u32s, u32, |x, y| x >= y;
    f64x2_eq: f64s, from_u64s, u64, |x, y| x == y;
    f64x2_ne: f64s, from_u64s, u64, |x, y| x != y;
    f64x2_lt: f64s, from_u64s, u64, |x, y| x < y;
    f64x2_gt: f64s, from_u64s, u64, |x, y| x > y;
    f64x2_le: f64s, from_u64s, u64, |x, y| x <= y;
    f64x2_ge: f64s, from_u64s, u64, |x, y| x >= y;
}

// ---- integer arithmetic -------------------------------------------------

/// Rounding average of unsigned lanes: `(x + y + 1) / 2` without overflow.
macro_rules! avgr {
    ($x:expr, $y:expr, $wide:ty, $t:ty) => {
        ((($x as $wide) + ($y as $wide) + 1) >> 1) as $t
    };
}

binary! {
    i8x16_add: u8s, from_u8s, |x, y| x.wrapping_add(y);
    i8x16_add_sat_s: i8s, from_i8s, |x, y| x.saturating_add(y);
    i8x16_add_sat_u: u8s, from_u8s, |x, y| x.saturating_add(y);
    i8x16_sub: u8s, from_u8s, |x, y| x.wrapping_sub(y);
    i8x16_sub_sat_s: i8s, from_i8s, |x, y| x.saturating_sub(y);
    i8x16_sub_sat_u: u8s, from_u8s, |x, y| x.saturating_sub(y);
    i8x16_min_s: i8s, from_i8s, |x, y| x.min(y);
    i8x16_min_u: u8s, from_u8s, |x, y| x.min(y);
    i8x16_max_s: i8s, from_i8s, |x, y| x.max(y);
    i8x16_max_u: u8s, from_u8s, |x, y| x.max(y);
    i8x16_avgr_u: u8s, from_u8s, |x, y| avgr!(x, y, u16, u8);
    i16x8_add: u16s, from_u16s, |x, y| x.wrapping_add(y);
    i16x8_add_sat_s: i16s, from_i16s, |x, y| x.saturating_add(y);
    i16x8_add_sat_u: u16s, from_u16s, |x, y| x.saturating_add(y);
    i16x8_sub: u16s, from_u16s, |x, y| x.wrapping_sub(y);
    i16x8_sub_sat_s: i16s, from_i16s, |x, y| x.saturating_sub(y);
    i16x8_sub_sat_u: u16s, from_u16s, |x, y| x.saturating_sub(y);
    i16x8_mul: u16s, from_u16s, |x, y| x.wrapping_mul(y);
    i16x8_min_s: i16s, from_i16s, |x, y| x.min(y);
    i16x8_min_u: u16s, from_u16s, |x, y| x.min(y);
    i16x8_max_s: i16s, from_i16s, |x, y| x.max(y);
    i16x8_max_u: u16s, from_u16s, |x, y| x.max(y);
    i16x8_avgr_u: u16s, from_u16s, |x, y| avgr!(x, y, u32, u16);
    i16x8_q15mulr_sat_s: i16s, from_i16s, |x, y| {
        let r = (i32::from(x) * i32::from(y) + 0x4000) >> 15;
        r.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
    };
    i32x4_add: u32s, from_u32s, |x, y| x.wrapping_add(y);
    i32x4_sub: u32s, from_u32s, |x, y| x.wrapping_sub(y);
    i32x4_mul: u32s, from_u32s, |x, y| x.wrapping_mul(y);
    i32x4_min_s: i32s, from_i32s, |x, y| x.min(y);
    i32x4_min_u: u32s, from_u32s, |x, y| x.min(y);
    i32x4_max_s: i32s, from_i32s, |x, y| x.max(y);
    i32x4_max_u: u32s, from_u32s, |x, y| x.max(y);
    i64x2_add: u64s, from_u64s, |x, y| x.wrapping_add(y);
    i64x2_sub: u64s, from_u64s, |x, y| x.wrapping_sub(y);
    i64x2_mul: u64s, from_u64s, |x, y| x.wrapping_mul(y);
}

unary! {
    i8x16_abs: i8s, from_i8s, |x| x.wrapping_abs();
    i8x16_neg: i8s, from_i8s, |x| x.wrapping_neg();
    i8x16_popcnt: u8s, from_u8s, |x| x.count_ones() as u8;
    i16x8_abs: i16s, from_i16s, |x| x.wrapping_abs();
    i16x8_neg: i16s, from_i16s, |x| x.wrapping_neg();
    i32x4_abs: i32s, from_i32s, |x| x.wrapping_abs();
    i32x4_neg: i32s, from_i32s, |x| x.wrapping_neg();
    i64x2_abs: i64s, from_i64s, |x| x.wrapping_abs();
    i64x2_neg: i64s, from_i64s, |x| x.wrapping_neg();
}

shift! {
    i8x16_shl: u8s, from_u8s, 8, |x, s| x << s;
    i8x16_shr_s: i8s, from_i8s, 8, |x, s| x >> s;
    i8x16_shr_u: u8s, from_u8s, 8, |x, s| x >> s;
    i16x8_shl: u16s, from_u16s, 16, |x, s| x << s;
    i16x8_shr_s: i16s, from_i16s, 16, |x, s| x >> s;
    i16x8_shr_u: u16s, from_u16s, 16, |x, s| x >> s;
    i32x4_shl: u32s, from_u32s, 32, |x, s| x << s;
    i32x4_shr_s: i32s, from_i32s, 32, |x, s| x >> s;
    i32x4_shr_u: u32s, from_u32s, 32, |x, s| x >> s;
    i64x2_shl: u64s, from_u64s, 64, |x, s| x << s;
    i64x2_shr_s: i64s, from_i64s, 64, |x, s| x >> s;
    i64x2_shr_u: u64s, from_u64s, 64, |x, s| x >> s;
}

/// `i32x4.dot_i16x8_s`: sums of products of adjacent signed 16-bit lanes.
#[inline]
pub fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
    let (a, b) = (i16s(a), i16s(b));
    from_i32s(std::array::from_fn(|i| {
        let lo = i32::from(a[2 * i]) * i32::from(b[2 * i]);
        let hi = i32::from(a[2 * i + 1]) * i32::from(b[2 * i + 1]);
        lo.wrapping_add(hi)
    }))
}

/// Narrowing with saturation: lanes of `a` then `b`, each clamped to the
/// narrower type.
macro_rules! narrow {
    ($($name:ident: $to:ident, $from:ident, $n:expr, $t:ty;)*) => {$(
        #[inline]
        pub fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($to(a), $to(b));
            $from(std::array::from_fn(|i| {
                let x = if i < $n { a[i] } else { b[i - $n] };
                x.clamp(<$t>::MIN.into(), <$t>::MAX.into()) as $t
            }))
        }
    )*};
}

narrow! {
    i8x16_narrow_i16x8_s: i16s, from_i8s, 8, i8;
    i8x16_narrow_i16x8_u: i16s, from_u8s, 8, u8;
    i16x8_narrow_i32x4_s: i32s, from_i16s, 4, i16;
    i16x8_narrow_i32x4_u: i32s, from_u16s, 4, u16;
}

/// Widening: the low or high half of the lanes, each extended.
macro_rules! extend {
    ($($name:ident: $to:ident, $from:ident, $wide:ty, $half:expr;)*) => {$(
        #[inline]
        pub fn $name(a: V128) -> V128 {
            let a = $to(a);
            let n = a.len() / 2;
            $from(std::array::from_fn(|i| <$wide>::from(a[i + $half * n])))
        }
    )*};
}

extend! {
    i16x8_extend_low_i8x16_s: i8s, from_i16s, i16, 0;
    i16x8_extend_high_i8x16_s: i8s, from_i16s, i16, 1;
    i16x8_extend_low_i8x16_u: u8s, from_u16s, u16, 0;
    i16x8_extend_high_i8x16_u: u8s, from_u16s, u16, 1;
    i32x4_extend_low_i16x8_s: i16s, from_i32s, i32, 0;
    i32x4_extend_high_i16x8_s: i16s, from_i32s, i32, 1;
    i32x4_extend_low_i16x8_u: u16s, from_u32s, u32, 0;
    i32x4_extend_high_i16x8_u: u16s, from_u32s, u32, 1;
    i64x2_extend_low_i32x4_s: i32s, from_i64s, i64, 0;
    i64x2_extend_high_i32x4_s: i32s, from_i64s, i64, 1;
    i64x2_extend_low_i32x4_u: u32s, from_u64s, u64, 0;
    i64x2_extend_high_i32x4_u: u32s, from_u64s, u64, 1;
}

/// Extended multiplication of the low or high half of the lanes.
macro_rules! extmul {
    ($($name:ident: $to:ident, $from:ident, $wide:ty, $half:expr;)*) => {$(
        #[inline]
        pub fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($to(a), $to(b));
            let n = a.len() / 2;
            $from(std::array::from_fn(|i| {
                let j = i + $half * n;
                <$wide>::from(a[j]).wrapping_mul(<$wide>::from(b[j]))
            }))
        }
    )*};
}

extmul! {
    i16x8_extmul_low_i8x16_s: i8s, from_i16s, i16, 0;
    i16x8_extmul_high_i8x16_s: i8s, from_i16s, i16, 1;
    i16x8_extmul_low_i8x16_u: u8s, from_u16s, u16, 0;
    i16x8_extmul_high_i8x16_u: u8s, from_u16s, u16, 1;
    i32x4_extmul_low_i16x8_s: i16s, from_i32s, i32, 0;
    i32x4_extmul_high_i16x8_s: i16s, from_i32s, i32, 1;
    i32x4_extmul_low_i16x8_u: u16s, from_u32s, u32, 0;
    i32x4_extmul_high_i16x8_u: u16s, from_u32s, u32, 1;
    i64x2_extmul_low_i32x4_s: i32s, from_i64s, i64, 0;
    i64x2_extmul_high_i32x4_s: i32s, from_i64s, i64, 1;
    i64x2_extmul_low_i32x4_u: u32s, from_u64s, u64, 0;
    i64x2_extmul_high_i32x4_u: u32s, from_u64s, u64, 1;
}

/// Pairwise addition of adjacent lanes into wider lanes.
macro_rules! extadd_pairwise {
    ($($name:ident: $to:ident, $from:ident, $wide:ty;)*) => {$(
        #[inline]
        pub fn $name(a: V128) -> V128 {
            let a = $to(a);
            $from(std::array::from_fn(|i| {
                <$wide>::from(a[2 * i]) + <$wide>::from(a[2 * i + 1])
            }))
        }
    )*};
}

extadd_pairwise! {
    i16x8_extadd_pairwise_i8x16_s: i8s, from_i16s, i16;
    i16x8_extadd_pairwise_i8x16_u: u8s, from_u16s, u16;
    i32x4_extadd_pairwise_i16x8_s: i16s, from_i32s, i32;
    i32x4_extadd_pairwise_i16x8_u: u16s, from_u32s, u32;
}

/// All lanes non-zero.
macro_rules! all_true {
    ($($name:ident: $to:ident;)*) => {$(
        #[inline]
        pub fn $name(a: V128) -> i32 {
            $to(a).iter().all(|x| *x != 0) as i32
        }
    )*};
}

all_true! {
    i8x16_all_true: u8s;
    i16x8_all_true: u16s;
    i32x4_all_true: u32s;
    i64x2_all_true: u64s;
}

/// The sign bit of each lane, lane 0 in bit 0.
macro_rules! bitmask {
    ($($name:ident: $to:ident;)*) => {$(
        #[inline]
        pub fn $name(a: V128) -> i32 {
            $to(a)
                .iter()
                .enumerate()
                .fold(0, |m, (i, x)| m | (((*x < 0) as i32) << i))
        }
    )*};
}

bitmask! {
    i8x16_bitmask: i8s;
    i16x8_bitmask: i16s;
    i32x4_bitmask: i32s;
    i64x2_bitmask: i64s;
}

// ---- floating point -----------------------------------------------------

/// Defines `$name(x, y, r)`: `r`, the result of a commutative operation on
/// `x` and `y`, with the NaN the native code gives (x86 `addps x, y`):
/// `x`'s if it is one, else `y`'s, quieted (`$quiet`: the type's quiet
/// bit), else the operation's own. Written out because the compiler may
/// swap the operands of `x + y` or `x * y` (commutative but for NaN
/// payloads), which would make the interpreter's NaNs depend on how it was
/// optimised.
macro_rules! nan_first {
    ($($name:ident: $t:ty, $quiet:expr;)*) => {$(
        #[inline(always)]
        fn $name(x: $t, y: $t, r: $t) -> $t {
            if !r.is_nan() {
                r
            } else if x.is_nan() {
                <$t>::from_bits(x.to_bits() | $quiet)
            } else if y.is_nan() {
                <$t>::from_bits(y.to_bits() | $quiet)
            } else {
                r
            }
        }
    )*};
}

nan_first! {
    f32_nan_first: f32, 0x0040_0000;
    f64_nan_first: f64, 0x0008_0000_0000_0000;
}

binary! {
    f32x4_add: f32s, from_f32s, |x, y| f32_nan_first(x, y, x + y);
    f32x4_sub: f32s, from_f32s, |x, y| x - y;
    f32x4_mul: f32s, from_f32s, |x, y| f32_nan_first(x, y, x * y);
    f32x4_div: f32s, from_f32s, |x, y| x / y;
    f32x4_min: f32s, from_f32s, |x, y| float::f32_min(x, y);
    f32x4_max: f32s, from_f32s, |x, y| float::f32_max(x, y);
    f32x4_pmin: f32s, from_f32s, |x, y| if y < x { y } else { x };
    f32x4_pmax: f32s, from_f32s, |x, y| if x < y { y } else { x };
    f64x2_add: f64s, from_f64s, |x, y| f64_nan_first(x, y, x + y);
    f64x2_sub: f64s, from_f64s, |x, y| x - y;
    f64x2_mul: f64s, from_f64s, |x, y| f64_nan_first(x, y, x * y);
    f64x2_div: f64s, from_f64s, |x, y| x / y;
    f64x2_min: f64s, from_f64s, |x, y| float::f64_min(x, y);
    f64x2_max: f64s, from_f64s, |x, y| float::f64_max(x, y);
    f64x2_pmin: f64s, from_f64s, |x, y| if y < x { y } else { x };
    f64x2_pmax: f64s, from_f64s, |x, y| if x < y { y } else { x };
}

unary! {
    // abs/neg act on the sign bit only (NaN payloads are kept).
    f32x4_abs: u32s, from_u32s, |x| x & 0x7fff_ffff;
    f32x4_neg: u32s, from_u32s, |x| x ^ 0x8000_0000;
    f32x4_sqrt: f32s, from_f32s, |x| x.sqrt();
    f32x4_ceil: f32s, from_f32s, |x| float::f32_ceil(x);
    f32x4_floor: f32s, from_f32s, |x| float::f32_floor(x);
    f32x4_trunc: f32s, from_f32s, |x| float::f32_trunc(x);
    f32x4_nearest: f32s, from_f32s, |x| float::f32_nearest(x);
    f64x2_abs: u64s, from_u64s, |x| x & 0x7fff_ffff_ffff_ffff;
    f64x2_neg: u64s, from_u64s, |x| x ^ 0x8000_0000_0000_0000;
    f64x2_sqrt: f64s, from_f64s, |x| x.sqrt();
    f64x2_ceil: f64s, from_f64s, |x| float::f64_ceil(x);
    f64x2_floor: f64s, from_f64s, |x| float::f64_floor(x);
    f64x2_trunc: f64s, from_f64s, |x| float::f64_trunc(x);
    f64x2_nearest: f64s, from_f64s, |x| float::f64_nearest(x);
    // Rust's float-to-int `as` saturates and maps NaN to 0, as trunc_sat.
    i32x4_trunc_sat_f32x4_s: f32s, from_i32s, |x| x as i32;
    i32x4_trunc_sat_f32x4_u: f32s, from_u32s, |x| x as u32;
    f32x4_convert_i32x4_s: i32s, from_f32s, |x| x as f32;
    f32x4_convert_i32x4_u: u32s, from_f32s, |x| x as f32;
}

#[inline]
pub fn i32x4_trunc_sat_f64x2_s_zero(a: V128) -> V128 {
    let a = f64s(a);
    from_i32s([a[0] as i32, a[1] as i32, 0, 0])
}

#[inline]
pub fn i32x4_trunc_sat_f64x2_u_zero(a: V128) -> V128 {
    let a = f64s(a);
    from_u32s([a[0] as u32, a[1] as u32, 0, 0])
}

#[inline]
pub fn f64x2_convert_low_i32x4_s(a: V128) -> V128 {
    let a = i32s(a);
    from_f64s([a[0] as f64, a[1] as f64])
}

#[inline]
pub fn f64x2_convert_low_i32x4_u(a: V128) -> V128 {
    let a = u32s(a);
    from_f64s([a[0] as f64, a[1] as f64])
}

#[inline]
pub fn f32x4_demote_f64x2_zero(a: V128) -> V128 {
    let a = f64s(a);
    from_f32s([a[0] as f32, a[1] as f32, 0.0, 0.0])
}

#[inline]
pub fn f64x2_promote_low_f32x4(a: V128) -> V128 {
    let a = f32s(a);
    from_f64s([a[0] as f64, a[1] as f64])
}

// ---- relaxed SIMD (WebAssembly 3.0) ------------------------------------
//
// Each relaxed instruction has one deterministic result here, chosen among
// those the specification allows (docs/INTERPRETER.md lists the choices;
// every tier must produce exactly these).

/// `i8x16.relaxed_swizzle`: as `i8x16.swizzle` (indices >= 16 give 0).
#[inline]
pub fn i8x16_relaxed_swizzle(a: V128, b: V128) -> V128 {
    i8x16_swizzle(a, b)
}

/// `i32x4.relaxed_trunc_f32x4_s` and friends: as the saturating
/// conversions (NaN gives 0, out-of-range values saturate).
#[inline]
pub fn i32x4_relaxed_trunc_f32x4_s(a: V128) -> V128 {
    i32x4_trunc_sat_f32x4_s(a)
}

#[inline]
pub fn i32x4_relaxed_trunc_f32x4_u(a: V128) -> V128 {
    i32x4_trunc_sat_f32x4_u(a)
}

#[inline]
pub fn i32x4_relaxed_trunc_f64x2_s_zero(a: V128) -> V128 {
    i32x4_trunc_sat_f64x2_s_zero(a)
}

#[inline]
pub fn i32x4_relaxed_trunc_f64x2_u_zero(a: V128) -> V128 {
    i32x4_trunc_sat_f64x2_u_zero(a)
}

/// `relaxed_madd(a, b, c) = a * b + c`, unfused: the product is rounded
/// before the addition (as `mul` then `add`).
#[inline]
pub fn f32x4_relaxed_madd(a: V128, b: V128, c: V128) -> V128 {
    f32x4_add(f32x4_mul(a, b), c)
}

/// `relaxed_nmadd(a, b, c) = -(a * b) + c`, unfused.
#[inline]
pub fn f32x4_relaxed_nmadd(a: V128, b: V128, c: V128) -> V128 {
    f32x4_add(f32x4_neg(f32x4_mul(a, b)), c)
}

#[inline]
pub fn f64x2_relaxed_madd(a: V128, b: V128, c: V128) -> V128 {
    f64x2_add(f64x2_mul(a, b), c)
}

#[inline]
pub fn f64x2_relaxed_nmadd(a: V128, b: V128, c: V128) -> V128 {
    f64x2_add(f64x2_neg(f64x2_mul(a, b)), c)
}

/// `relaxed_laneselect(a, b, m)` for every lane width: `v128.bitselect`
/// (each bit from `a` where `m` has a one, else from `b`).
#[inline]
pub fn relaxed_laneselect(a: V128, b: V128, m: V128) -> V128 {
    (a & m) | (b & !m)
}

/// `relaxed_min`/`relaxed_max`: as `min`/`max` (NaN-propagating,
/// -0 < +0).
#[inline]
pub fn f32x4_relaxed_min(a: V128, b: V128) -> V128 {
    f32x4_min(a, b)
}

#[inline]
pub fn f32x4_relaxed_max(a: V128, b: V128) -> V128 {
    f32x4_max(a, b)
}

#[inline]
pub fn f64x2_relaxed_min(a: V128, b: V128) -> V128 {
    f64x2_min(a, b)
}

#[inline]
pub fn f64x2_relaxed_max(a: V128, b: V128) -> V128 {
    f64x2_max(a, b)
}

/// `i16x8.relaxed_q15mulr_s`: as `i16x8.q15mulr_sat_s` (saturating).
#[inline]
pub fn i16x8_relaxed_q15mulr_s(a: V128, b: V128) -> V128 {
    i16x8_q15mulr_sat_s(a, b)
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`: both operands' bytes signed, each
/// pair of products added with i16 saturation.
#[inline]
pub fn i16x8_relaxed_dot_i8x16_i7x16_s(a: V128, b: V128) -> V128 {
    let (a, b) = (i8s(a), i8s(b));
    from_i16s(std::array::from_fn(|i| {
        let lo = i32::from(a[2 * i]) * i32::from(b[2 * i]);
        let hi = i32::from(a[2 * i + 1]) * i32::from(b[2 * i + 1]);
        (lo + hi).clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
    }))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the i16 pair sums of
/// `i16x8.relaxed_dot_i8x16_i7x16_s`, added in pairs and to `c` with
/// 32-bit wrapping.
#[inline]
pub fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: V128, b: V128, c: V128) -> V128 {
    let d = i16s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b));
    let c = i32s(c);
    from_i32s(std::array::from_fn(|i| {
        (i32::from(d[2 * i]) + i32::from(d[2 * i + 1])).wrapping_add(c[i])
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v8(l: [u8; 16]) -> V128 {
        from_u8s(l)
    }

    #[test]
    fn swizzle_out_of_range_is_zero() {
        let a = v8(std::array::from_fn(|i| i as u8 + 100));
        let idx = v8([0, 15, 16, 255, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
        let r = u8s(i8x16_swizzle(a, idx));
        assert_eq!(&r[..5], &[100, 115, 0, 0, 103]);
    }

    #[test]
    fn shuffle_picks_from_both() {
        let a = v8([1; 16]);
        let b = v8([2; 16]);
        let mut lanes = [0u8; 16];
        lanes[1] = 16;
        lanes[2] = 31;
        let r = u8s(i8x16_shuffle(a, b, &lanes));
        assert_eq!(&r[..3], &[1, 2, 2]);
    }

    #[test]
    fn saturation_and_narrowing() {
        assert_eq!(
            i8s(i8x16_add_sat_s(i8x16_splat(100), i8x16_splat(100)))[0],
            127
        );
        assert_eq!(u8s(i8x16_sub_sat_u(i8x16_splat(1), i8x16_splat(2)))[0], 0);
        let r = i8x16_narrow_i16x8_u(i16x8_splat(-5), i16x8_splat(300));
        assert_eq!((u8s(r)[0], u8s(r)[15]), (0, 255));
        // The relaxed choices documented in docs/INTERPRETER.md.
        let t = i32x4_relaxed_trunc_f32x4_s(from_f32s([f32::NAN, 3e9, -3e9, -1.5]));
        assert_eq!(i32s(t), [0, i32::MAX, i32::MIN, -1]);
        let t = i32x4_relaxed_trunc_f32x4_u(from_f32s([f32::NAN, 5e9, -3.0, 2.5]));
        assert_eq!(u32s(t), [0, u32::MAX, 0, 2]);
        let t = i32x4_relaxed_trunc_f64x2_u_zero(from_f64s([-1.0, 1e10]));
        assert_eq!(u32s(t), [0, u32::MAX, 0, 0]);
        let s = i8x16_relaxed_swizzle(from_u8s(std::array::from_fn(|i| i as u8 + 1)), 0x80_10_0f);
        assert_eq!(u8s(s)[..4], [16, 0, 0, 1]);
        // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: rounded first (unfused) the
        // 2^-24 is lost; an FMA would keep it.
        let x = 1.0 + f32::powi(2.0, -12);
        let c = -(1.0 + f32::powi(2.0, -11));
        let m = f32x4_relaxed_madd(from_f32s([x; 4]), from_f32s([x; 4]), from_f32s([c; 4]));
        assert_eq!(f32s(m)[0], 0.0);
        let d = i16x8_relaxed_dot_i8x16_i7x16_s(i8x16_splat(-128), i8x16_splat(-128));
        assert_eq!(i16s(d)[0], i16::MAX);
        let d = i32x4_relaxed_dot_i8x16_i7x16_add_s(i8x16_splat(-128), i8x16_splat(-127), 1);
        assert_eq!(i32s(d), [65025, 65024, 65024, 65024]);
        let q = i16x8_q15mulr_sat_s(i16x8_splat(-0x8000), i16x8_splat(-0x8000));
        assert_eq!(i16s(q)[0], 0x7fff);
    }

    #[test]
    fn shifts_wrap_the_count() {
        assert_eq!(u8s(i8x16_shl(i8x16_splat(1), 9))[0], 2);
        assert_eq!(i32s(i32x4_shr_s(i32x4_splat(-8), 33))[0], -4);
        assert_eq!(u64s(i64x2_shr_u(i64x2_splat(-1), 64))[1], u64::MAX);
    }

    #[test]
    fn reductions() {
        let mut l = [0u8; 16];
        l[0] = 0x80;
        l[15] = 0xff;
        assert_eq!(i8x16_bitmask(v8(l)), 1 | (1 << 15));
        assert_eq!(i8x16_all_true(v8(l)), 0);
        assert_eq!(i8x16_all_true(v8([1; 16])), 1);
        assert_eq!(v128_any_true(v8(l)), 1);
        assert_eq!(u8s(i8x16_popcnt(v8([0xff; 16])))[3], 8);
    }

    #[test]
    fn dot_extmul_pairwise() {
        let d = i32x4_dot_i16x8_s(i16x8_splat(-0x8000), i16x8_splat(-0x8000));
        assert_eq!(u32s(d)[0], 0x8000_0000); // wraps
        let m = i64x2_extmul_high_i32x4_u(i32x4_splat(-1), i32x4_splat(2));
        assert_eq!(u64s(m)[1], 0x1_ffff_fffe);
        let p = i16x8_extadd_pairwise_i8x16_s(i8x16_splat(-128));
        assert_eq!(i16s(p)[7], -256);
    }

    #[test]
    fn float_lanes() {
        let nan = f32x4_min(from_f32s([f32::NAN, 1.0, -0.0, 0.0]), from_f32s([1.0; 4]));
        assert!(f32s(nan)[0].is_nan());
        let z = f32x4_min(from_f32s([-0.0; 4]), from_f32s([0.0; 4]));
        assert_eq!(f32s(z)[0].to_bits(), (-0.0f32).to_bits());
        let p = f32x4_pmin(from_f32s([f32::NAN; 4]), from_f32s([1.0; 4]));
        assert!(
            f32s(p)[0].is_nan(),
            "pmin returns the first operand unless b < a"
        );
        let t = i32x4_trunc_sat_f64x2_s_zero(from_f64s([f64::NAN, -1e20]));
        assert_eq!(i32s(t), [0, i32::MIN, 0, 0]);
    }
}

//! WebAssembly scalar float semantics where Rust's operators differ from
//! the specification: min/max (NaN propagation, -0 < +0), rounding of NaN
//! inputs (the result must be a quiet NaN), and float-to-int truncation
//! (trapping and saturating).
//!
//! Arithmetic (+ - * / sqrt), comparisons, int-to-float conversions
//! (round-to-nearest-even) and promotion/demotion behave as the spec says
//! with Rust's own operators and `as` casts, so they are used directly.

/// Why a trapping float-to-int truncation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TruncError {
    /// The input was NaN ("invalid conversion to integer").
    NaN,
    /// The input was out of the target range ("integer overflow").
    Overflow,
}

macro_rules! float_ops {
    ($f:ty, $quiet_bit:expr, $min:ident, $max:ident, $ceil:ident, $floor:ident,
     $trunc:ident, $nearest:ident) => {
        /// wasm `min`: NaN if either operand is NaN; `-0.0 < +0.0`.
        #[inline]
        pub fn $min(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                // Propagate a NaN payload, quieted (an arithmetic NaN).
                let n = if a.is_nan() { a } else { b };
                <$f>::from_bits(n.to_bits() | $quiet_bit)
            } else if a == b {
                // Equal: only ±0 can differ; -0 has the sign bit set.
                <$f>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }

        /// wasm `max`: NaN if either operand is NaN; `+0.0 > -0.0`.
        #[inline]
        pub fn $max(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                let n = if a.is_nan() { a } else { b };
                <$f>::from_bits(n.to_bits() | $quiet_bit)
            } else if a == b {
                <$f>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }

        /// Rounding toward +inf; a NaN input gives a quiet NaN.
        #[inline]
        pub fn $ceil(a: $f) -> $f {
            if a.is_nan() {
                <$f>::from_bits(a.to_bits() | $quiet_bit)
            } else {
                a.ceil()
            }
        }

        /// Rounding toward -inf; a NaN input gives a quiet NaN.
        #[inline]
        pub fn $floor(a: $f) -> $f {
            if a.is_nan() {
                <$f>::from_bits(a.to_bits() | $quiet_bit)
            } else {
                a.floor()
            }
        }

        /// Rounding toward zero; a NaN input gives a quiet NaN.
        #[inline]
        pub fn $trunc(a: $f) -> $f {
            if a.is_nan() {
                <$f>::from_bits(a.to_bits() | $quiet_bit)
            } else {
                a.trunc()
            }
        }

        /// Rounding to nearest, ties to even; a NaN input gives a quiet NaN.
        #[inline]
        pub fn $nearest(a: $f) -> $f {
            if a.is_nan() {
                <$f>::from_bits(a.to_bits() | $quiet_bit)
            } else {
                a.round_ties_even()
            }
        }
    };
}

float_ops!(
    f32,
    0x0040_0000,
    f32_min,
    f32_max,
    f32_ceil,
    f32_floor,
    f32_trunc,
    f32_nearest
);
float_ops!(
    f64,
    0x0008_0000_0000_0000,
    f64_min,
    f64_max,
    f64_ceil,
    f64_floor,
    f64_trunc,
    f64_nearest
);

/// `f32.demote_f64`: round to nearest; NaN stays a (quiet) NaN.
#[inline]
pub fn f32_demote_f64(a: f64) -> f32 {
    a as f32
}

/// `f64.promote_f32`: exact; NaN stays a (quiet) NaN.
#[inline]
pub fn f64_promote_f32(a: f32) -> f64 {
    a as f64
}

/// Trapping and saturating truncations. The valid range is
/// `lo <= trunc(x) < hi` where both bounds are exactly representable powers
/// of two (or their negation) in the source type, so the comparisons are
/// exact (unsigned targets start at 0, so -0.99 truncates to 0).
macro_rules! truncations {
    ($($trap:ident, $sat:ident, $f:ty, $i:ty, $lo:expr, $hi:expr;)*) => {$(
        #[doc = concat!("Trapping `", stringify!($trap), "`.")]
        #[inline]
        pub fn $trap(x: $f) -> Result<$i, TruncError> {
            if x.is_nan() {
                return Err(TruncError::NaN);
            }
            let t = x.trunc();
            if ($lo..$hi).contains(&t) {
                Ok(t as $i)
            } else {
                Err(TruncError::Overflow)
            }
        }

        #[doc = concat!("Saturating `", stringify!($sat), "` (Rust's `as` saturates and maps NaN to 0).")]
        #[inline]
        pub fn $sat(x: $f) -> $i {
            x as $i
        }
    )*};
}

truncations! {
    i32_trunc_f32_s, i32_trunc_sat_f32_s, f32, i32, -2147483648.0f32, 2147483648.0f32;
    i32_trunc_f32_u, i32_trunc_sat_f32_u, f32, u32, 0.0f32, 4294967296.0f32;
    i32_trunc_f64_s, i32_trunc_sat_f64_s, f64, i32, -2147483648.0f64, 2147483648.0f64;
    i32_trunc_f64_u, i32_trunc_sat_f64_u, f64, u32, 0.0f64, 4294967296.0f64;
    i64_trunc_f32_s, i64_trunc_sat_f32_s, f32, i64, -9223372036854775808.0f32, 9223372036854775808.0f32;
    i64_trunc_f32_u, i64_trunc_sat_f32_u, f32, u64, 0.0f32, 18446744073709551616.0f32;
    i64_trunc_f64_s, i64_trunc_sat_f64_s, f64, i64, -9223372036854775808.0f64, 9223372036854775808.0f64;
    i64_trunc_f64_u, i64_trunc_sat_f64_u, f64, u64, 0.0f64, 18446744073709551616.0f64;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_zero_signs_and_nan() {
        assert_eq!(f32_min(0.0, -0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_max(-0.0, 0.0).to_bits(), 0.0f32.to_bits());
        assert_eq!(f64_min(-0.0, 0.0).to_bits(), (-0.0f64).to_bits());
        assert!(f32_min(f32::NAN, 1.0).is_nan());
        assert!(f64_max(1.0, f64::NAN).is_nan());
        // A signalling NaN comes out quiet.
        let snan = f32::from_bits(0x7fa0_0000);
        assert_eq!(f32_max(snan, 1.0).to_bits() & 0x7fc0_0000, 0x7fc0_0000);
        assert_eq!(f32_min(3.0, 2.0), 2.0);
        assert_eq!(f64_max(3.0, 2.0), 3.0);
    }

    #[test]
    fn rounding_quiets_nan_and_keeps_sign_of_zero() {
        let snan = f32::from_bits(0xffa0_0000);
        assert_eq!(f32_floor(snan).to_bits(), 0xffe0_0000);
        assert_eq!(f32_nearest(-0.5).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_nearest(0.5), 0.0);
        assert_eq!(f32_nearest(1.5), 2.0);
        assert_eq!(f32_nearest(2.5), 2.0);
        assert_eq!(f64_nearest(-2.5), -2.0);
        assert_eq!(f64_ceil(-0.5).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn trapping_truncation_boundaries() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(2147483648.0), Err(TruncError::Overflow));
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(-2147483649.0), Err(TruncError::Overflow));
        assert_eq!(i32_trunc_f64_s(2147483647.9), Ok(i32::MAX));
        assert_eq!(i32_trunc_f32_u(-0.99), Ok(0));
        assert_eq!(i32_trunc_f32_u(-1.0), Err(TruncError::Overflow));
        assert_eq!(i32_trunc_f64_u(4294967295.9), Ok(u32::MAX));
        assert_eq!(
            i64_trunc_f64_u(18446744073709551616.0),
            Err(TruncError::Overflow)
        );
        assert_eq!(i64_trunc_f32_s(f32::NAN), Err(TruncError::NaN));
        assert_eq!(i64_trunc_f64_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(
            i64_trunc_f64_s(9223372036854775808.0),
            Err(TruncError::Overflow)
        );
    }

    #[test]
    fn saturating_truncation() {
        assert_eq!(i32_trunc_sat_f32_s(f32::NAN), 0);
        assert_eq!(i32_trunc_sat_f32_s(f32::INFINITY), i32::MAX);
        assert_eq!(i32_trunc_sat_f64_u(-5.0), 0);
        assert_eq!(i64_trunc_sat_f64_u(1e30), u64::MAX);
    }
}

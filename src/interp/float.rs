//! TEMPORARY placeholder, replaced by the full float semantics module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TruncError {
    NaN,
    Overflow,
}
pub fn f32_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a == b {
        f32::from_bits(a.to_bits() | b.to_bits())
    } else {
        a.min(b)
    }
}
pub fn f32_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else if a == b {
        f32::from_bits(a.to_bits() & b.to_bits())
    } else {
        a.max(b)
    }
}
pub fn f64_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        f64::from_bits(a.to_bits() | b.to_bits())
    } else {
        a.min(b)
    }
}
pub fn f64_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        f64::from_bits(a.to_bits() & b.to_bits())
    } else {
        a.max(b)
    }
}
pub fn f32_ceil(a: f32) -> f32 {
    a.ceil()
}
pub fn f32_floor(a: f32) -> f32 {
    a.floor()
}
pub fn f32_trunc(a: f32) -> f32 {
    a.trunc()
}
pub fn f32_nearest(a: f32) -> f32 {
    a.round_ties_even()
}
pub fn f64_ceil(a: f64) -> f64 {
    a.ceil()
}
pub fn f64_floor(a: f64) -> f64 {
    a.floor()
}
pub fn f64_trunc(a: f64) -> f64 {
    a.trunc()
}
pub fn f64_nearest(a: f64) -> f64 {
    a.round_ties_even()
}
pub fn f32_demote_f64(a: f64) -> f32 {
    a as f32
}
pub fn f64_promote_f32(a: f32) -> f64 {
    a as f64
}
macro_rules! tr {
    ($name:ident, $sat:ident, $f:ty, $i:ty, $lo:expr, $hi:expr) => {
        pub fn $name(x: $f) -> Result<$i, TruncError> {
            if x.is_nan() {
                return Err(TruncError::NaN);
            }
            let t = x.trunc();
            if !(t > $lo && t < $hi) {
                return Err(TruncError::Overflow);
            }
            Ok(t as $i)
        }
        pub fn $sat(x: $f) -> $i {
            x as $i
        }
    };
}
tr!(
    i32_trunc_f32_s,
    i32_trunc_sat_f32_s,
    f32,
    i32,
    -2147483649.0f32,
    2147483648.0f32
);
tr!(
    i32_trunc_f32_u,
    i32_trunc_sat_f32_u,
    f32,
    u32,
    -1.0f32,
    4294967296.0f32
);
tr!(
    i32_trunc_f64_s,
    i32_trunc_sat_f64_s,
    f64,
    i32,
    -2147483649.0f64,
    2147483648.0f64
);
tr!(
    i32_trunc_f64_u,
    i32_trunc_sat_f64_u,
    f64,
    u32,
    -1.0f64,
    4294967296.0f64
);
tr!(
    i64_trunc_f32_s,
    i64_trunc_sat_f32_s,
    f32,
    i64,
    -9223373136366403584.0f32,
    9223372036854775808.0f32
);
tr!(
    i64_trunc_f32_u,
    i64_trunc_sat_f32_u,
    f32,
    u64,
    -1.0f32,
    18446744073709551616.0f32
);
tr!(
    i64_trunc_f64_s,
    i64_trunc_sat_f64_s,
    f64,
    i64,
    -9223372036854777856.0f64,
    9223372036854775808.0f64
);
tr!(
    i64_trunc_f64_u,
    i64_trunc_sat_f64_u,
    f64,
    u64,
    -1.0f64,
    18446744073709551616.0f64
);

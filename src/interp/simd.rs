//! TEMPORARY placeholder, replaced by the full SIMD semantics module.
pub type V128 = u128;
pub fn i8x16_swizzle(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_eq(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_ne(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_lt_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_lt_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_gt_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_gt_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_le_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_le_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_ge_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_ge_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_eq(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_ne(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_lt_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_lt_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_gt_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_gt_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_le_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_le_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_ge_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_ge_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_eq(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_ne(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_lt_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_lt_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_gt_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_gt_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_le_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_le_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_ge_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_ge_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_eq(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_ne(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_lt_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_gt_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_le_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_ge_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_eq(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_ne(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_lt(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_gt(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_le(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_ge(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_eq(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_ne(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_lt(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_gt(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_le(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_ge(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn v128_and(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn v128_andnot(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn v128_or(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn v128_xor(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_narrow_i16x8_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_narrow_i16x8_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_add(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_add_sat_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_add_sat_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_sub(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_sub_sat_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_sub_sat_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_min_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_min_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_max_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_max_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_avgr_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_q15mulr_sat_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_narrow_i32x4_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_narrow_i32x4_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_add(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_add_sat_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_add_sat_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_sub(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_sub_sat_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_sub_sat_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_mul(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_min_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_min_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_max_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_max_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_avgr_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extmul_low_i8x16_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extmul_high_i8x16_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extmul_low_i8x16_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extmul_high_i8x16_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_add(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_sub(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_mul(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_min_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_min_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_max_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_max_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_dot_i16x8_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extmul_low_i16x8_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extmul_high_i16x8_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extmul_low_i16x8_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extmul_high_i16x8_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_add(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_sub(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_mul(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_extmul_low_i32x4_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_extmul_high_i32x4_s(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_extmul_low_i32x4_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_extmul_high_i32x4_u(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_add(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_sub(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_mul(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_div(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_min(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_max(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_pmin(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_pmax(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_add(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_sub(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_mul(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_div(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_min(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_max(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_pmin(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_pmax(_a: V128, _b: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_shl(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i8x16_shr_s(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i8x16_shr_u(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i16x8_shl(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i16x8_shr_s(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i16x8_shr_u(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i32x4_shl(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i32x4_shr_s(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i32x4_shr_u(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i64x2_shl(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i64x2_shr_s(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn i64x2_shr_u(_a: V128, _b: u32) -> V128 {
    unimplemented!()
}
pub fn v128_not(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_demote_f64x2_zero(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_promote_low_f32x4(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_abs(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_neg(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i8x16_popcnt(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_ceil(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_floor(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_trunc(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_nearest(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_ceil(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_floor(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_trunc(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_nearest(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extadd_pairwise_i8x16_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extadd_pairwise_i8x16_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extadd_pairwise_i16x8_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extadd_pairwise_i16x8_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_abs(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_neg(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extend_low_i8x16_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extend_high_i8x16_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extend_low_i8x16_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i16x8_extend_high_i8x16_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_abs(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_neg(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extend_low_i16x8_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extend_high_i16x8_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extend_low_i16x8_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_extend_high_i16x8_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_abs(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_neg(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_extend_low_i32x4_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_extend_high_i32x4_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_extend_low_i32x4_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i64x2_extend_high_i32x4_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_abs(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_neg(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_sqrt(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_abs(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_neg(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_sqrt(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_trunc_sat_f32x4_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_trunc_sat_f32x4_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_convert_i32x4_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f32x4_convert_i32x4_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_trunc_sat_f64x2_s_zero(_a: V128) -> V128 {
    unimplemented!()
}
pub fn i32x4_trunc_sat_f64x2_u_zero(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_convert_low_i32x4_s(_a: V128) -> V128 {
    unimplemented!()
}
pub fn f64x2_convert_low_i32x4_u(_a: V128) -> V128 {
    unimplemented!()
}
pub fn v128_any_true(_a: V128) -> i32 {
    unimplemented!()
}
pub fn i8x16_all_true(_a: V128) -> i32 {
    unimplemented!()
}
pub fn i8x16_bitmask(_a: V128) -> i32 {
    unimplemented!()
}
pub fn i16x8_all_true(_a: V128) -> i32 {
    unimplemented!()
}
pub fn i16x8_bitmask(_a: V128) -> i32 {
    unimplemented!()
}
pub fn i32x4_all_true(_a: V128) -> i32 {
    unimplemented!()
}
pub fn i32x4_bitmask(_a: V128) -> i32 {
    unimplemented!()
}
pub fn i64x2_all_true(_a: V128) -> i32 {
    unimplemented!()
}
pub fn i64x2_bitmask(_a: V128) -> i32 {
    unimplemented!()
}
pub fn v128_load8x8_s(_a: [u8; 8]) -> V128 {
    unimplemented!()
}
pub fn v128_load8x8_u(_a: [u8; 8]) -> V128 {
    unimplemented!()
}
pub fn v128_load16x4_s(_a: [u8; 8]) -> V128 {
    unimplemented!()
}
pub fn v128_load16x4_u(_a: [u8; 8]) -> V128 {
    unimplemented!()
}
pub fn v128_load32x2_s(_a: [u8; 8]) -> V128 {
    unimplemented!()
}
pub fn v128_load32x2_u(_a: [u8; 8]) -> V128 {
    unimplemented!()
}
pub fn i8x16_splat(_x: i32) -> V128 {
    unimplemented!()
}
pub fn i16x8_splat(_x: i32) -> V128 {
    unimplemented!()
}
pub fn i32x4_splat(_x: i32) -> V128 {
    unimplemented!()
}
pub fn i64x2_splat(_x: i64) -> V128 {
    unimplemented!()
}
pub fn i8x16_shuffle(_a: V128, _b: V128, _l: &[u8; 16]) -> V128 {
    unimplemented!()
}

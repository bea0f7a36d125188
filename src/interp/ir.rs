//! The interpreter's internal form: a register machine over 64-bit slots.
//!
//! A function's frame is a window of the value stack: its parameters and
//! locals first, then one slot per operand-stack position (two for a
//! v128). Every instruction names its operand and result slots, so the
//! wasm `local.get`/`local.set`/`*.const` traffic mostly disappears at
//! translation time (see `translate/`). Branch targets are resolved to
//! relative instruction offsets. An instruction is 16 bytes.
//!
//! The tables below list each instruction family once; the enum, the
//! translator's operator mapping and the executor's semantics are all
//! generated from them, so they cannot drift apart.

/// A slot index relative to the frame base.
pub type Slot = u32;

/// A slot index in the narrow instruction forms (fused instructions with
/// four or five operands), used only in functions whose frame fits in 16
/// bits.
pub type Slot16 = u16;

/// An instruction's result slot, to read or retarget.
enum ResultSlotMut<'a> {
    Wide(&'a mut Slot),
    Narrow(&'a mut Slot16),
}

/// Applies a renumbering of slots to a narrow operand.
fn narrow(f: &mut impl FnMut(&mut Slot), s: &mut Slot16) {
    let mut wide = Slot::from(*s);
    f(&mut wide);
    *s = wide as Slot16;
}

/// The SIMD operator table: `(Variant, semantic function in simd.rs)` by
/// shape. Calls `$m!` with all of it; the enum, translator and executor
/// each expand it their own way.
///
/// * `simd_binary`: `dst = f(a: v128, b: v128)`
/// * `simd_shift`: `dst = f(a: v128, b: i32)`
/// * `simd_unary`: `dst = f(src: v128)`
/// * `simd_test`: `dst: i32 = f(src: v128)`
/// * `simd_load`: `dst = f(bytes)` from a memory load of the given width
#[macro_export]
#[doc(hidden)]
macro_rules! simd_table {
    ($m:ident) => {
        $m! {
            simd_binary: [
            (I8x16Swizzle, i8x16_swizzle),
            (I8x16Eq, i8x16_eq), (I8x16Ne, i8x16_ne), (I8x16LtS, i8x16_lt_s), (I8x16LtU, i8x16_lt_u),
            (I8x16GtS, i8x16_gt_s), (I8x16GtU, i8x16_gt_u), (I8x16LeS, i8x16_le_s), (I8x16LeU, i8x16_le_u),
            (I8x16GeS, i8x16_ge_s), (I8x16GeU, i8x16_ge_u),
            (I16x8Eq, i16x8_eq), (I16x8Ne, i16x8_ne), (I16x8LtS, i16x8_lt_s), (I16x8LtU, i16x8_lt_u),
            (I16x8GtS, i16x8_gt_s), (I16x8GtU, i16x8_gt_u), (I16x8LeS, i16x8_le_s), (I16x8LeU, i16x8_le_u),
            (I16x8GeS, i16x8_ge_s), (I16x8GeU, i16x8_ge_u),
            (I32x4Eq, i32x4_eq), (I32x4Ne, i32x4_ne), (I32x4LtS, i32x4_lt_s), (I32x4LtU, i32x4_lt_u),
            (I32x4GtS, i32x4_gt_s), (I32x4GtU, i32x4_gt_u), (I32x4LeS, i32x4_le_s), (I32x4LeU, i32x4_le_u),
            (I32x4GeS, i32x4_ge_s), (I32x4GeU, i32x4_ge_u),
            (I64x2Eq, i64x2_eq), (I64x2Ne, i64x2_ne), (I64x2LtS, i64x2_lt_s), (I64x2GtS, i64x2_gt_s),
            (I64x2LeS, i64x2_le_s), (I64x2GeS, i64x2_ge_s),
            (F32x4Eq, f32x4_eq), (F32x4Ne, f32x4_ne), (F32x4Lt, f32x4_lt), (F32x4Gt, f32x4_gt),
            (F32x4Le, f32x4_le), (F32x4Ge, f32x4_ge),
            (F64x2Eq, f64x2_eq), (F64x2Ne, f64x2_ne), (F64x2Lt, f64x2_lt), (F64x2Gt, f64x2_gt),
            (F64x2Le, f64x2_le), (F64x2Ge, f64x2_ge),
            (V128And, v128_and), (V128AndNot, v128_andnot), (V128Or, v128_or), (V128Xor, v128_xor),
            (I8x16NarrowI16x8S, i8x16_narrow_i16x8_s), (I8x16NarrowI16x8U, i8x16_narrow_i16x8_u),
            (I8x16Add, i8x16_add), (I8x16AddSatS, i8x16_add_sat_s), (I8x16AddSatU, i8x16_add_sat_u),
            (I8x16Sub, i8x16_sub), (I8x16SubSatS, i8x16_sub_sat_s), (I8x16SubSatU, i8x16_sub_sat_u),
            (I8x16MinS, i8x16_min_s), (I8x16MinU, i8x16_min_u), (I8x16MaxS, i8x16_max_s),
            (I8x16MaxU, i8x16_max_u), (I8x16AvgrU, i8x16_avgr_u),
            (I16x8Q15MulrSatS, i16x8_q15mulr_sat_s),
            (I16x8NarrowI32x4S, i16x8_narrow_i32x4_s), (I16x8NarrowI32x4U, i16x8_narrow_i32x4_u),
            (I16x8Add, i16x8_add), (I16x8AddSatS, i16x8_add_sat_s), (I16x8AddSatU, i16x8_add_sat_u),
            (I16x8Sub, i16x8_sub), (I16x8SubSatS, i16x8_sub_sat_s), (I16x8SubSatU, i16x8_sub_sat_u),
            (I16x8Mul, i16x8_mul), (I16x8MinS, i16x8_min_s), (I16x8MinU, i16x8_min_u),
            (I16x8MaxS, i16x8_max_s), (I16x8MaxU, i16x8_max_u), (I16x8AvgrU, i16x8_avgr_u),
            (I16x8ExtMulLowI8x16S, i16x8_extmul_low_i8x16_s), (I16x8ExtMulHighI8x16S, i16x8_extmul_high_i8x16_s),
            (I16x8ExtMulLowI8x16U, i16x8_extmul_low_i8x16_u), (I16x8ExtMulHighI8x16U, i16x8_extmul_high_i8x16_u),
            (I32x4Add, i32x4_add), (I32x4Sub, i32x4_sub), (I32x4Mul, i32x4_mul),
            (I32x4MinS, i32x4_min_s), (I32x4MinU, i32x4_min_u), (I32x4MaxS, i32x4_max_s),
            (I32x4MaxU, i32x4_max_u), (I32x4DotI16x8S, i32x4_dot_i16x8_s),
            (I32x4ExtMulLowI16x8S, i32x4_extmul_low_i16x8_s), (I32x4ExtMulHighI16x8S, i32x4_extmul_high_i16x8_s),
            (I32x4ExtMulLowI16x8U, i32x4_extmul_low_i16x8_u), (I32x4ExtMulHighI16x8U, i32x4_extmul_high_i16x8_u),
            (I64x2Add, i64x2_add), (I64x2Sub, i64x2_sub), (I64x2Mul, i64x2_mul),
            (I64x2ExtMulLowI32x4S, i64x2_extmul_low_i32x4_s), (I64x2ExtMulHighI32x4S, i64x2_extmul_high_i32x4_s),
            (I64x2ExtMulLowI32x4U, i64x2_extmul_low_i32x4_u), (I64x2ExtMulHighI32x4U, i64x2_extmul_high_i32x4_u),
            (F32x4Add, f32x4_add), (F32x4Sub, f32x4_sub), (F32x4Mul, f32x4_mul), (F32x4Div, f32x4_div),
            (F32x4Min, f32x4_min), (F32x4Max, f32x4_max), (F32x4PMin, f32x4_pmin), (F32x4PMax, f32x4_pmax),
            (F64x2Add, f64x2_add), (F64x2Sub, f64x2_sub), (F64x2Mul, f64x2_mul), (F64x2Div, f64x2_div),
            (F64x2Min, f64x2_min), (F64x2Max, f64x2_max), (F64x2PMin, f64x2_pmin), (F64x2PMax, f64x2_pmax),
            (I8x16RelaxedSwizzle, i8x16_relaxed_swizzle),
            (F32x4RelaxedMin, f32x4_relaxed_min), (F32x4RelaxedMax, f32x4_relaxed_max),
            (F64x2RelaxedMin, f64x2_relaxed_min), (F64x2RelaxedMax, f64x2_relaxed_max),
            (I16x8RelaxedQ15mulrS, i16x8_relaxed_q15mulr_s),
            (I16x8RelaxedDotI8x16I7x16S, i16x8_relaxed_dot_i8x16_i7x16_s),
            ],
            simd_shift: [
            (I8x16Shl, i8x16_shl), (I8x16ShrS, i8x16_shr_s), (I8x16ShrU, i8x16_shr_u),
            (I16x8Shl, i16x8_shl), (I16x8ShrS, i16x8_shr_s), (I16x8ShrU, i16x8_shr_u),
            (I32x4Shl, i32x4_shl), (I32x4ShrS, i32x4_shr_s), (I32x4ShrU, i32x4_shr_u),
            (I64x2Shl, i64x2_shl), (I64x2ShrS, i64x2_shr_s), (I64x2ShrU, i64x2_shr_u),
            ],
            simd_unary: [
            (V128Not, v128_not),
            (F32x4DemoteF64x2Zero, f32x4_demote_f64x2_zero), (F64x2PromoteLowF32x4, f64x2_promote_low_f32x4),
            (I8x16Abs, i8x16_abs), (I8x16Neg, i8x16_neg), (I8x16Popcnt, i8x16_popcnt),
            (F32x4Ceil, f32x4_ceil), (F32x4Floor, f32x4_floor), (F32x4Trunc, f32x4_trunc),
            (F32x4Nearest, f32x4_nearest), (F64x2Ceil, f64x2_ceil), (F64x2Floor, f64x2_floor),
            (F64x2Trunc, f64x2_trunc), (F64x2Nearest, f64x2_nearest),
            (I16x8ExtAddPairwiseI8x16S, i16x8_extadd_pairwise_i8x16_s),
            (I16x8ExtAddPairwiseI8x16U, i16x8_extadd_pairwise_i8x16_u),
            (I32x4ExtAddPairwiseI16x8S, i32x4_extadd_pairwise_i16x8_s),
            (I32x4ExtAddPairwiseI16x8U, i32x4_extadd_pairwise_i16x8_u),
            (I16x8Abs, i16x8_abs), (I16x8Neg, i16x8_neg),
            (I16x8ExtendLowI8x16S, i16x8_extend_low_i8x16_s), (I16x8ExtendHighI8x16S, i16x8_extend_high_i8x16_s),
            (I16x8ExtendLowI8x16U, i16x8_extend_low_i8x16_u), (I16x8ExtendHighI8x16U, i16x8_extend_high_i8x16_u),
            (I32x4Abs, i32x4_abs), (I32x4Neg, i32x4_neg),
            (I32x4ExtendLowI16x8S, i32x4_extend_low_i16x8_s), (I32x4ExtendHighI16x8S, i32x4_extend_high_i16x8_s),
            (I32x4ExtendLowI16x8U, i32x4_extend_low_i16x8_u), (I32x4ExtendHighI16x8U, i32x4_extend_high_i16x8_u),
            (I64x2Abs, i64x2_abs), (I64x2Neg, i64x2_neg),
            (I64x2ExtendLowI32x4S, i64x2_extend_low_i32x4_s), (I64x2ExtendHighI32x4S, i64x2_extend_high_i32x4_s),
            (I64x2ExtendLowI32x4U, i64x2_extend_low_i32x4_u), (I64x2ExtendHighI32x4U, i64x2_extend_high_i32x4_u),
            (F32x4Abs, f32x4_abs), (F32x4Neg, f32x4_neg), (F32x4Sqrt, f32x4_sqrt),
            (F64x2Abs, f64x2_abs), (F64x2Neg, f64x2_neg), (F64x2Sqrt, f64x2_sqrt),
            (I32x4TruncSatF32x4S, i32x4_trunc_sat_f32x4_s), (I32x4TruncSatF32x4U, i32x4_trunc_sat_f32x4_u),
            (F32x4ConvertI32x4S, f32x4_convert_i32x4_s), (F32x4ConvertI32x4U, f32x4_convert_i32x4_u),
            (I32x4TruncSatF64x2SZero, i32x4_trunc_sat_f64x2_s_zero),
            (I32x4TruncSatF64x2UZero, i32x4_trunc_sat_f64x2_u_zero),
            (F64x2ConvertLowI32x4S, f64x2_convert_low_i32x4_s), (F64x2ConvertLowI32x4U, f64x2_convert_low_i32x4_u),
            (I32x4RelaxedTruncF32x4S, i32x4_relaxed_trunc_f32x4_s),
            (I32x4RelaxedTruncF32x4U, i32x4_relaxed_trunc_f32x4_u),
            (I32x4RelaxedTruncF64x2SZero, i32x4_relaxed_trunc_f64x2_s_zero),
            (I32x4RelaxedTruncF64x2UZero, i32x4_relaxed_trunc_f64x2_u_zero),
            ],
            simd_test: [
            (V128AnyTrue, v128_any_true),
            (I8x16AllTrue, i8x16_all_true), (I8x16Bitmask, i8x16_bitmask),
            (I16x8AllTrue, i16x8_all_true), (I16x8Bitmask, i16x8_bitmask),
            (I32x4AllTrue, i32x4_all_true), (I32x4Bitmask, i32x4_bitmask),
            (I64x2AllTrue, i64x2_all_true), (I64x2Bitmask, i64x2_bitmask),
            ],
            simd_load: [
            (V128Load8x8S, 8, v128_load8x8_s), (V128Load8x8U, 8, v128_load8x8_u),
            (V128Load16x4S, 8, v128_load16x4_s), (V128Load16x4U, 8, v128_load16x4_u),
            (V128Load32x2S, 8, v128_load32x2_s), (V128Load32x2U, 8, v128_load32x2_u),
            ],
        }
    };
}

macro_rules! declare_instr_enum {
    (
        binary: [$($bin:ident),* $(,)?],
        vector_binary: [$($vbin:ident),* $(,)?],
        binary_imm: [$($bini:ident),* $(,)?],
        unary: [$($un:ident),* $(,)?],
        vector_unary: [$($vun:ident),* $(,)?],
        load: [$($ld:ident),* $(,)?],
        vector_load: [$($vld:ident),* $(,)?],
        store: [$($st:ident),* $(,)?],
        branch_cmp: [$($bc:ident),* $(,)?],
        branch_cmp_imm: [$($bci:ident),* $(,)?],
        load_disp: [$($ldd:ident),* $(,)?],
        load_indexed: [$($ldx:ident),* $(,)?],
        store_disp: [$($std:ident),* $(,)?],
        store_indexed: [$($stx:ident),* $(,)?],
        binary_disp: [$($bd:ident),* $(,)?],
        ternary: [$($ter:ident),* $(,)?],
        select_cmp: [$($sc:ident),* $(,)?],
        select_cmp_imm: [$($sci:ident),* $(,)?],
        mul_add_imm: [$($mai:ident),* $(,)?],
        add_branch: [$($abr:ident),* $(,)?],
        add_branch_imm: [$($abri:ident),* $(,)?],
        inc_branch: [$($ibr:ident),* $(,)?],
        inc_branch_imm: [$($ibri:ident),* $(,)?],
        disp_store: [$($dst_:ident),* $(,)?],
        add_branch_f64: [$($abf:ident),* $(,)?],
        binary_acc: [$(($bx:ident, $bxa:ident, $bxb:ident)),* $(,)?],
        binary_imm_acc: [$(($bix:ident, $bixa:ident)),* $(,)?],
        unary_acc: [$(($ux:ident, $uxa:ident)),* $(,)?],
        branch_cmp_acc: [$(($bcx:ident, $bcxa:ident, $bcxb:ident)),* $(,)?],
        branch_cmp_imm_acc: [$(($bcix:ident, $bcixa:ident)),* $(,)?],
        branch_acc: [$(($brx:ident, $brxa:ident)),* $(,)?],
        load_disp_acc: [$(($ldx_:ident, $ldxa:ident)),* $(,)?],
        load_disp_inc: [$(($ldi_:ident, $ldi:ident)),* $(,)?],
        store_disp_acc: [$(($stx_:ident, $stxa:ident)),* $(,)?],
        select_acc: [$(($selx:ident, $selxa:ident)),* $(,)?],
        float_results: [$($fres:ident),* $(,)?],
        float_binary_acc: [$(($fbx:ident, $fbxa:ident, $fbxb:ident)),* $(,)?],
        float_branch_acc: [$(($fcx:ident, $fcxa:ident, $fcxb:ident)),* $(,)?],
        float_unary_acc: [$(($fux:ident, $fuxa:ident)),* $(,)?],
        float_ternary_acc: [$(($ftx:ident, $ftxa:ident, $ftxc:ident)),* $(,)?],
        float_disp_acc: [$(($fdx:ident, $fdxa:ident)),* $(,)?],
        float_disp_store_acc: [$(($fsx:ident, $fsxa:ident)),* $(,)?],
        float_add_branch_acc: [$(($fax:ident, $faxb:ident)),* $(,)?],
        other: [$( $(#[$om:meta])* $on:ident $({ $($of:ident : $ot:ty),* $(,)? })? ),* $(,)?],
    ) => {
        /// One interpreter instruction. Slots are frame-relative.
        ///
        /// `repr(u16)` fixes the layout: every variant starts with its
        /// 16-bit tag, which the executor reads to find the handler.
        #[derive(Copy, Clone, Debug, PartialEq)]
        #[repr(u16)]
        pub enum Instr {
            $( $bin { dst: Slot, a: Slot, b: Slot }, )*
            $( $vbin { dst: Slot, a: Slot, b: Slot }, )*
            $( $bini { dst: Slot, a: Slot, imm: i32 }, )*
            $( $un { dst: Slot, src: Slot }, )*
            $( $vun { dst: Slot, src: Slot }, )*
            $( $ld { dst: Slot, addr: Slot, offset: u32 }, )*
            $( $vld { dst: Slot, addr: Slot, offset: u32 }, )*
            $( $st { addr: Slot, src: Slot, offset: u32 }, )*
            $( $bc { a: Slot, b: Slot, offset: i32 }, )*
            $( $bci { a: Slot, imm: i32, offset: i32 }, )*
            $( $ldd { dst: Slot16, base: Slot16, imm: i32, offset: u32 }, )*
            $( $ldx { dst: Slot16, base: Slot16, index: Slot16, offset: u32 }, )*
            $( $std { src: Slot16, base: Slot16, imm: i32, offset: u32 }, )*
            $( $stx { src: Slot16, base: Slot16, index: Slot16, offset: u32 }, )*
            $( $bd { dst: Slot16, a: Slot16, base: Slot16, imm: i32, offset: u32 }, )*
            $( $ter { dst: Slot16, a: Slot16, b: Slot16, c: Slot16 }, )*
            $( $sc { dst: Slot16, a: Slot16, b: Slot16, x: Slot16, y: Slot16 }, )*
            $( $sci { dst: Slot16, a: Slot16, b: Slot16, x: Slot16, imm: i32 }, )*
            $( $mai { dst: Slot16, a: Slot16, mul: i32, add: i32 }, )*
            $( $abr { x: Slot16, d: Slot16, y: Slot16, offset: i32 }, )*
            $( $abri { x: Slot16, d: Slot16, imm: i32, offset: i32 }, )*
            $( $ibr { x: Slot16, y: Slot16, inc: i32, offset: i32 }, )*
            $( $ibri { x: Slot16, inc: i32, imm: i32, offset: i32 }, )*
            $( $dst_ { a: Slot16, base: Slot16, imm: i32, offset: u32 }, )*
            $( $abf { a: Slot16, b: Slot16, c: Slot16, offset: i32 }, )*
            $( $bxa { dst: Slot, a: Slot, b: Slot }, $bxb { dst: Slot, a: Slot, b: Slot }, )*
            $( $bixa { dst: Slot, a: Slot, imm: i32 }, )*
            $( $uxa { dst: Slot, src: Slot }, )*
            $( $bcxa { a: Slot, b: Slot, offset: i32 }, $bcxb { a: Slot, b: Slot, offset: i32 }, )*
            $( $bcixa { a: Slot, imm: i32, offset: i32 }, )*
            $( $brxa { cond: Slot, offset: i32 }, )*
            $( $ldxa { dst: Slot16, base: Slot16, imm: i32, offset: u32 }, )*
            $( $ldi { dst: Slot16, base: Slot16, imm: i32, offset: u32 }, )*
            $( $stxa { src: Slot16, base: Slot16, imm: i32, offset: u32 }, )*
            $( $selxa { dst: Slot16, a: Slot16, b: Slot16, c: Slot16 }, )*
            $( $fbxa { dst: Slot, a: Slot, b: Slot }, $fbxb { dst: Slot, a: Slot, b: Slot }, )*
            $( $fcxa { a: Slot, b: Slot, offset: i32 }, $fcxb { a: Slot, b: Slot, offset: i32 }, )*
            $( $fuxa { dst: Slot, src: Slot }, )*
            $( $ftxa { dst: Slot16, a: Slot16, b: Slot16, c: Slot16 }, $ftxc { dst: Slot16, a: Slot16, b: Slot16, c: Slot16 }, )*
            $( $fdxa { dst: Slot16, a: Slot16, base: Slot16, imm: i32, offset: u32 }, )*
            $( $fsxa { a: Slot16, base: Slot16, imm: i32, offset: u32 }, )*
            $( $faxb { a: Slot16, b: Slot16, c: Slot16, offset: i32 }, )*

            $( $(#[$om])* $on $({ $($of: $ot),* })?, )*
        }

        /// The handler of each instruction, indexed by its tag: the same
        /// lists in the same order as the enum above.
        pub(super) static HANDLERS: &[super::exec::Handler] = {
            use super::exec::handlers as h;
            &[
                $( h::$bin, )* $( h::$vbin, )* $( h::$bini, )* $( h::$un, )* $( h::$vun, )*
                $( h::$ld, )* $( h::$vld, )* $( h::$st, )*
                $( h::$bc, )* $( h::$bci, )*
                $( h::$ldd, )* $( h::$ldx, )* $( h::$std, )* $( h::$stx, )*
                $( h::$bd, )* $( h::$ter, )* $( h::$sc, )* $( h::$sci, )*
                $( h::$mai, )* $( h::$abr, )* $( h::$abri, )* $( h::$ibr, )* $( h::$ibri, )*
                $( h::$dst_, )* $( h::$abf, )*
                $( h::$bxa, h::$bxb, )* $( h::$bixa, )* $( h::$uxa, )*
                $( h::$bcxa, h::$bcxb, )* $( h::$bcixa, )* $( h::$brxa, )*
                $( h::$ldxa, )* $( h::$ldi, )* $( h::$stxa, )* $( h::$selxa, )*
                $( h::$fbxa, h::$fbxb, )* $( h::$fcxa, h::$fcxb, )* $( h::$fuxa, )*
                $( h::$ftxa, h::$ftxc, )* $( h::$fdxa, )* $( h::$fsxa, )* $( h::$faxb, )*
                $( h::$on, )*
            ]
        };

        impl Instr {
            /// The jump offset of a branch instruction.
            pub fn branch_offset_mut(&mut self) -> Option<&mut i32> {
                match self {
                    $( Instr::$bc { offset, .. } )|*
                    | $( Instr::$bci { offset, .. } )|*
                    | $( Instr::$bcxa { offset, .. } | Instr::$bcxb { offset, .. } )|*
                    | $( Instr::$bcixa { offset, .. } )|*
                    | $( Instr::$brxa { offset, .. } )|*
                    | $( Instr::$abr { offset, .. } )|*
                    | $( Instr::$abri { offset, .. } )|*
                    | $( Instr::$ibr { offset, .. } )|*
                    | $( Instr::$ibri { offset, .. } )|*
                    | $( Instr::$abf { offset, .. } )|*
                    | $( Instr::$fcxa { offset, .. } | Instr::$fcxb { offset, .. } )|*
                    | $( Instr::$faxb { offset, .. } )|*
                    | Instr::Br { offset }
                    | Instr::BrIfNez { offset, .. }
                    | Instr::BrIfEqz { offset, .. }
                    | Instr::BrIfNez64 { offset, .. }
                    | Instr::BrIfEqz64 { offset, .. } => Some(offset),
                    _ => None,
                }
            }

            /// Applies `f` to every slot operand (for renumbering frames).
            /// Narrow operands are renumbered through `f` as well; the
            /// translator only uses narrow forms when every slot of the
            /// function fits in 16 bits.
            pub fn map_slots(&mut self, mut f: impl FnMut(&mut Slot)) {
                match self {
                    $( Instr::$bin { dst, a, b } => { f(dst); f(a); f(b) } )*
                    $( Instr::$vbin { dst, a, b } => { f(dst); f(a); f(b) } )*
                    $( Instr::$bxa { dst, a, b } | Instr::$bxb { dst, a, b } => { f(dst); f(a); f(b) } )*
                    $( Instr::$bini { dst, a, .. } => { f(dst); f(a) } )*
                    $( Instr::$bixa { dst, a, .. } => { f(dst); f(a) } )*
                    $( Instr::$un { dst, src } => { f(dst); f(src) } )*
                    $( Instr::$vun { dst, src } => { f(dst); f(src) } )*
                    $( Instr::$uxa { dst, src } => { f(dst); f(src) } )*
                    $( Instr::$ld { dst, addr, .. } => { f(dst); f(addr) } )*
                    $( Instr::$vld { dst, addr, .. } => { f(dst); f(addr) } )*
                    $( Instr::$bcxa { a, b, .. } | Instr::$bcxb { a, b, .. } => { f(a); f(b) } )*
                    $( Instr::$bcixa { a, .. } => f(a), )*
                    $( Instr::$brxa { cond, .. } => f(cond), )*
                    $( Instr::$ldxa { dst, base, .. } => { narrow(&mut f, dst); narrow(&mut f, base) } )*
                    $( Instr::$ldi { dst, base, .. } => { narrow(&mut f, dst); narrow(&mut f, base) } )*
                    $( Instr::$stxa { src, base, .. } => { narrow(&mut f, src); narrow(&mut f, base) } )*
                    $( Instr::$mai { dst, a, .. } => { narrow(&mut f, dst); narrow(&mut f, a) } )*
                    $( Instr::$dst_ { a, base, .. } => { narrow(&mut f, a); narrow(&mut f, base) } )*
                    $( Instr::$abf { a, b, c, .. } => { narrow(&mut f, a); narrow(&mut f, b); narrow(&mut f, c) } )*
                    $( Instr::$abr { x, d, y, .. } => { narrow(&mut f, x); narrow(&mut f, d); narrow(&mut f, y) } )*
                    $( Instr::$abri { x, d, .. } => { narrow(&mut f, x); narrow(&mut f, d) } )*
                    $( Instr::$ibr { x, y, .. } => { narrow(&mut f, x); narrow(&mut f, y) } )*
                    $( Instr::$ibri { x, .. } => narrow(&mut f, x), )*
                    $( Instr::$fbxa { dst, a, b } | Instr::$fbxb { dst, a, b } => { f(dst); f(a); f(b) } )*
                    $( Instr::$fcxa { a, b, .. } | Instr::$fcxb { a, b, .. } => { f(a); f(b) } )*
                    $( Instr::$fuxa { dst, src } => { f(dst); f(src) } )*
                    $( Instr::$ftxa { dst, a, b, c } | Instr::$ftxc { dst, a, b, c } => { narrow(&mut f, dst); narrow(&mut f, a); narrow(&mut f, b); narrow(&mut f, c) } )*
                    $( Instr::$fdxa { dst, a, base, .. } => { narrow(&mut f, dst); narrow(&mut f, a); narrow(&mut f, base) } )*
                    $( Instr::$fsxa { a, base, .. } => { narrow(&mut f, a); narrow(&mut f, base) } )*
                    $( Instr::$faxb { a, b, c, .. } => { narrow(&mut f, a); narrow(&mut f, b); narrow(&mut f, c) } )*
                    $( Instr::$selxa { dst, a, b, c } => { narrow(&mut f, dst); narrow(&mut f, a); narrow(&mut f, b); narrow(&mut f, c) } )*
                    $( Instr::$st { addr, src, .. } => { f(addr); f(src) } )*
                    $( Instr::$bc { a, b, .. } => { f(a); f(b) } )*
                    $( Instr::$bci { a, .. } => f(a), )*
                    $( Instr::$ldd { dst, base, .. } => { narrow(&mut f, dst); narrow(&mut f, base) } )*
                    $( Instr::$ldx { dst, base, index, .. } => { narrow(&mut f, dst); narrow(&mut f, base); narrow(&mut f, index) } )*
                    $( Instr::$std { src, base, .. } => { narrow(&mut f, src); narrow(&mut f, base) } )*
                    $( Instr::$stx { src, base, index, .. } => { narrow(&mut f, src); narrow(&mut f, base); narrow(&mut f, index) } )*
                    $( Instr::$bd { dst, a, base, .. } => { narrow(&mut f, dst); narrow(&mut f, a); narrow(&mut f, base) } )*
                    $( Instr::$ter { dst, a, b, c } => { narrow(&mut f, dst); narrow(&mut f, a); narrow(&mut f, b); narrow(&mut f, c) } )*
                    $( Instr::$sc { dst, a, b, x, y } => { narrow(&mut f, dst); narrow(&mut f, a); narrow(&mut f, b); narrow(&mut f, x); narrow(&mut f, y) } )*
                    $( Instr::$sci { dst, a, b, x, .. } => { narrow(&mut f, dst); narrow(&mut f, a); narrow(&mut f, b); narrow(&mut f, x) } )*
                    Instr::BrIfNez { cond, .. }
                    | Instr::BrIfEqz { cond, .. }
                    | Instr::BrIfNez64 { cond, .. }
                    | Instr::BrIfEqz64 { cond, .. } => f(cond),
                    Instr::BrTable { index, .. } => f(index),
                    Instr::ReturnSlot { src }
                    | Instr::ReturnSlot128 { src }
                    | Instr::ReturnMany { src, .. }
                    | Instr::GlobalSet { src, .. }
                    | Instr::GlobalSet128 { src, .. } => f(src),
                    Instr::Call { args, .. } | Instr::CallInternal { args, .. } => f(args),
                    Instr::CallArgs { args, src0, src1, .. }
                    | Instr::CallInternalArgs { args, src0, src1, .. } => {
                        narrow(&mut f, args);
                        narrow(&mut f, src0);
                        narrow(&mut f, src1)
                    }
                    Instr::CallIndirectArgs { index, args, src0, src1, .. } => {
                        narrow(&mut f, index);
                        narrow(&mut f, args);
                        narrow(&mut f, src0);
                        narrow(&mut f, src1)
                    }
                    Instr::CallIndirect { index, args, .. }
                    | Instr::CallIndirect64 { index, args, .. }
                    | Instr::ReturnCallIndirect { index, args, .. } => {
                        f(index);
                        f(args)
                    }
                    Instr::ReturnCall { args, .. } => f(args),
                    Instr::CallRef { callee, args } | Instr::ReturnCallRef { callee, args } => {
                        f(callee);
                        f(args)
                    }
                    Instr::RefAsNonNull { src } | Instr::ThrowRef { src } => f(src),
                    Instr::Throw { args, .. } => f(args),
                    Instr::MemAccess { a, b, .. } => {
                        f(a);
                        f(b)
                    }
                    Instr::Copy { dst, src } | Instr::Copy128 { dst, src } => {
                        f(dst);
                        f(src)
                    }
                    Instr::I32AddImmCopy { dst, copy, a, .. } => {
                        narrow(&mut f, dst);
                        narrow(&mut f, copy);
                        narrow(&mut f, a)
                    }
                    Instr::Const32 { dst, .. }
                    | Instr::Const64 { dst, .. }
                    | Instr::ConstV128 { dst, .. }
                    | Instr::GlobalGet { dst, .. }
                    | Instr::GlobalGet128 { dst, .. }
                    | Instr::MemorySize { dst, .. }
                    | Instr::TableSize { dst, .. }
                    | Instr::RefFunc { dst, .. } => f(dst),
                    Instr::Select { dst, b, cond } | Instr::Select128 { dst, b, cond } => {
                        f(dst);
                        f(b);
                        f(cond)
                    }
                    Instr::MemoryGrow { args, .. }
                    | Instr::MemoryFill { args, .. }
                    | Instr::MemoryCopy { args, .. }
                    | Instr::MemoryInit { args, .. }
                    | Instr::TableGrow { args, .. }
                    | Instr::TableFill { args, .. }
                    | Instr::TableCopy { args, .. }
                    | Instr::TableInit { args, .. }
                    | Instr::V128Load8Lane { args, .. }
                    | Instr::V128Load16Lane { args, .. }
                    | Instr::V128Load32Lane { args, .. }
                    | Instr::V128Load64Lane { args, .. }
                    | Instr::V128Store8Lane { args, .. }
                    | Instr::V128Store16Lane { args, .. }
                    | Instr::V128Store32Lane { args, .. }
                    | Instr::V128Store64Lane { args, .. } => f(args),
                    Instr::TableGet { dst, index, .. } => {
                        f(dst);
                        f(index)
                    }
                    Instr::TableSet { index, src, .. } => {
                        f(index);
                        f(src)
                    }
                    Instr::I8x16ExtractLaneS { dst, src, .. }
                    | Instr::I8x16ExtractLaneU { dst, src, .. }
                    | Instr::I16x8ExtractLaneS { dst, src, .. }
                    | Instr::I16x8ExtractLaneU { dst, src, .. }
                    | Instr::I32x4ExtractLane { dst, src, .. }
                    | Instr::I64x2ExtractLane { dst, src, .. } => {
                        f(dst);
                        f(src)
                    }
                    Instr::I8x16ReplaceLane { dst, x, .. }
                    | Instr::I16x8ReplaceLane { dst, x, .. }
                    | Instr::I32x4ReplaceLane { dst, x, .. }
                    | Instr::I64x2ReplaceLane { dst, x, .. } => {
                        f(dst);
                        f(x)
                    }
                    Instr::V128Bitselect { dst, b, c }
                    | Instr::F32x4RelaxedMadd { dst, b, c }
                    | Instr::F32x4RelaxedNmadd { dst, b, c }
                    | Instr::F64x2RelaxedMadd { dst, b, c }
                    | Instr::F64x2RelaxedNmadd { dst, b, c }
                    | Instr::RelaxedLaneselect { dst, b, c }
                    | Instr::I32x4RelaxedDotI8x16I7x16AddS { dst, b, c } => {
                        f(dst);
                        f(b);
                        f(c)
                    }
                    Instr::I8x16Shuffle { dst, a, b } => {
                        f(dst);
                        f(a);
                        f(b)
                    }
                    Instr::Unreachable
                    | Instr::Hot
                    | Instr::HotLoop { .. }
                    | Instr::Fuel { .. }
                    | Instr::Epoch
                    | Instr::Br { .. }
                    | Instr::Return
                    | Instr::LoadConsts
                    | Instr::ReturnConst { .. }
                    | Instr::Aux { .. }
                    | Instr::DataDrop { .. }
                    | Instr::ElemDrop { .. } => {}
                }
            }

            /// The result slot of an instruction whose only effect is to
            /// write one value there, so the translator may retarget it
            /// (fusing a following `local.set`) or fuse it into its
            /// consumer: the one list behind `result_slot` and
            /// `set_result_slot`.
            fn result_slot_mut(&mut self) -> Option<ResultSlotMut<'_>> {
                match self {
                    $( Instr::$bin { dst, .. } )|*
                    | $( Instr::$vbin { dst, .. } )|*
                    | $( Instr::$bxa { dst, .. } | Instr::$bxb { dst, .. } )|*
                    | $( Instr::$bini { dst, .. } )|*
                    | $( Instr::$bixa { dst, .. } )|*
                    | $( Instr::$un { dst, .. } )|*
                    | $( Instr::$vun { dst, .. } )|*
                    | $( Instr::$uxa { dst, .. } )|*
                    | $( Instr::$fbxa { dst, .. } | Instr::$fbxb { dst, .. } )|*
                    | $( Instr::$fuxa { dst, .. } )|*
                    | $( Instr::$ld { dst, .. } )|*
                    | $( Instr::$vld { dst, .. } )|*
                    | Instr::Copy { dst, .. }
                    | Instr::Copy128 { dst, .. }
                    | Instr::Const32 { dst, .. }
                    | Instr::Const64 { dst, .. }
                    | Instr::ConstV128 { dst, .. }
                    | Instr::GlobalGet { dst, .. }
                    | Instr::GlobalGet128 { dst, .. }
                    | Instr::MemorySize { dst, .. }
                    | Instr::TableGet { dst, .. }
                    | Instr::TableSize { dst, .. }
                    | Instr::RefFunc { dst, .. }
                    | Instr::I8x16ExtractLaneS { dst, .. }
                    | Instr::I8x16ExtractLaneU { dst, .. }
                    | Instr::I16x8ExtractLaneS { dst, .. }
                    | Instr::I16x8ExtractLaneU { dst, .. }
                    | Instr::I32x4ExtractLane { dst, .. }
                    | Instr::I64x2ExtractLane { dst, .. }
                    | Instr::I8x16Shuffle { dst, .. } => Some(ResultSlotMut::Wide(dst)),
                    $( Instr::$ldd { dst, .. } )|*
                    | $( Instr::$ldx { dst, .. } )|*
                    | $( Instr::$bd { dst, .. } )|*
                    | $( Instr::$ter { dst, .. } )|*
                    | $( Instr::$sc { dst, .. } )|*
                    | $( Instr::$sci { dst, .. } )|*
                    | $( Instr::$ldxa { dst, .. } )|*
                    | $( Instr::$ldi { dst, .. } )|*
                    | $( Instr::$selxa { dst, .. } )|*
                    | $( Instr::$mai { dst, .. } )|*
                    | $( Instr::$ftxa { dst, .. } | Instr::$ftxc { dst, .. } )|*
                    | $( Instr::$fdxa { dst, .. } )|* => Some(ResultSlotMut::Narrow(dst)),
                    _ => None,
                }
            }

            /// The result slot, if the instruction has one (see
            /// `result_slot_mut`).
            pub fn result_slot(&self) -> Option<Slot> {
                let mut copy = *self;
                copy.result_slot_mut().map(|r| match r {
                    ResultSlotMut::Wide(s) => *s,
                    ResultSlotMut::Narrow(s) => Slot::from(*s),
                })
            }

            /// The pre-incrementing form of a `Disp` load without a
            /// displacement of its own, and its base: `base += step`
            /// (written back), then the load from `base + offset`.
            pub fn pre_incrementing(&self, step: i32) -> Option<(Slot, Instr)> {
                match *self {
                    $(
                        Instr::$ldi_ { dst, base, imm: 0, offset } => {
                            Some((Slot::from(base), Instr::$ldi { dst, base, imm: step, offset }))
                        }
                    )*
                    _ => None,
                }
            }

            /// The slot written by an instruction whose handler also leaves
            /// the value in the accumulator (every scalar result except
            /// those of calls, globals of other kinds, tables and vector
            /// lanes), so the next instruction may read it from there.
            pub fn sets_acc(&self) -> Option<Slot> {
                match *self {
                    $( Instr::$bin { dst, .. } )|*
                    | $( Instr::$bxa { dst, .. } | Instr::$bxb { dst, .. } )|*
                    | $( Instr::$bini { dst, .. } )|*
                    | $( Instr::$bixa { dst, .. } )|*
                    | $( Instr::$un { dst, .. } )|*
                    | $( Instr::$uxa { dst, .. } )|*
                    | $( Instr::$fbxa { dst, .. } | Instr::$fbxb { dst, .. } )|*
                    | $( Instr::$fuxa { dst, .. } )|*
                    | $( Instr::$ld { dst, .. } )|*
                    | Instr::Copy { dst, .. }
                    | Instr::Const32 { dst, .. }
                    | Instr::Const64 { dst, .. }
                    | Instr::GlobalGet { dst, .. } => Some(dst),
                    $( Instr::$ldd { dst, .. } )|*
                    | $( Instr::$ldx { dst, .. } )|*
                    | $( Instr::$ldxa { dst, .. } )|*
                    | $( Instr::$ldi { dst, .. } )|*
                    | $( Instr::$bd { dst, .. } )|*
                    | $( Instr::$ter { dst, .. } )|*
                    | $( Instr::$selxa { dst, .. } )|*
                    | $( Instr::$mai { dst, .. } )|*
                    | $( Instr::$ftxa { dst, .. } | Instr::$ftxc { dst, .. } )|*
                    | $( Instr::$fdxa { dst, .. } )|*
                    | $( Instr::$sc { dst, .. } )|*
                    | $( Instr::$sci { dst, .. } )|*
                    | Instr::I32AddImmCopy { dst, .. } => Some(Slot::from(dst)),
                    _ => None,
                }
            }

            /// The slot written by an instruction whose handler also leaves
            /// the (f64) value in the float accumulator.
            pub fn sets_facc(&self) -> Option<Slot> {
                match *self {
                    $( Instr::$fres { .. } )|*
                    | $( Instr::$fbxa { .. } | Instr::$fbxb { .. } )|*
                    | $( Instr::$fuxa { .. } )|*
                    | $( Instr::$ftxa { .. } | Instr::$ftxc { .. } )|*
                    | $( Instr::$fdxa { .. } )|* => self.result_slot(),
                    _ => None,
                }
            }

            /// This instruction reading slot `r` from an accumulator
            /// instead, if it has such a form for an operand that is `r`:
            /// integer forms read `acc`, which every producer sets; float
            /// forms read `facc`, only valid after a producer that
            /// `sets_facc` (`float`).
            pub fn reading_acc(&self, r: Slot, float: bool) -> Option<Instr> {
                let r16 = Slot16::try_from(r).ok();
                if float {
                    match *self {
                        $(
                            Instr::$fbx { dst, a, b } if a == r => return Some(Instr::$fbxa { dst, a, b }),
                            Instr::$fbx { dst, a, b } if b == r => return Some(Instr::$fbxb { dst, a, b }),
                        )*
                        $(
                            Instr::$fcx { a, b, offset } if a == r => return Some(Instr::$fcxa { a, b, offset }),
                            Instr::$fcx { a, b, offset } if b == r => return Some(Instr::$fcxb { a, b, offset }),
                        )*
                        $( Instr::$fux { dst, src } if src == r => return Some(Instr::$fuxa { dst, src }), )*
                        $(
                            Instr::$ftx { dst, a, b, c } if Some(a) == r16 => {
                                return Some(Instr::$ftxa { dst, a, b, c })
                            }
                            Instr::$ftx { dst, a, b, c } if Some(c) == r16 => {
                                return Some(Instr::$ftxc { dst, a, b, c })
                            }
                        )*
                        $(
                            Instr::$fdx { dst, a, base, imm, offset } if Some(a) == r16 => {
                                return Some(Instr::$fdxa { dst, a, base, imm, offset })
                            }
                        )*
                        $(
                            Instr::$fsx { a, base, imm, offset } if Some(a) == r16 => {
                                return Some(Instr::$fsxa { a, base, imm, offset })
                            }
                        )*
                        $(
                            Instr::$fax { a, b, c, offset } if Some(b) == r16 => {
                                return Some(Instr::$faxb { a, b, c, offset })
                            }
                        )*
                        _ => {}
                    }
                }
                match *self {
                    $(
                        Instr::$bx { dst, a, b } if a == r => Some(Instr::$bxa { dst, a, b }),
                        Instr::$bx { dst, a, b } if b == r => Some(Instr::$bxb { dst, a, b }),
                    )*
                    $( Instr::$bix { dst, a, imm } if a == r => Some(Instr::$bixa { dst, a, imm }), )*
                    $( Instr::$ux { dst, src } if src == r => Some(Instr::$uxa { dst, src }), )*
                    $(
                        Instr::$bcx { a, b, offset } if a == r => Some(Instr::$bcxa { a, b, offset }),
                        Instr::$bcx { a, b, offset } if b == r => Some(Instr::$bcxb { a, b, offset }),
                    )*
                    $(
                        Instr::$bcix { a, imm, offset } if a == r => {
                            Some(Instr::$bcixa { a, imm, offset })
                        }
                    )*
                    $( Instr::$brx { cond, offset } if cond == r => Some(Instr::$brxa { cond, offset }), )*
                    $(
                        Instr::$ldx_ { dst, base, imm, offset } if Some(base) == r16 => {
                            Some(Instr::$ldxa { dst, base, imm, offset })
                        }
                    )*
                    $(
                        Instr::$stx_ { src, base, imm, offset } if Some(src) == r16 => {
                            Some(Instr::$stxa { src, base, imm, offset })
                        }
                    )*
                    $(
                        Instr::$selx { dst, a, b, c } if Some(c) == r16 => {
                            Some(Instr::$selxa { dst, a, b, c })
                        }
                    )*
                    _ => None,
                }
            }

            /// Makes an instruction with a `result_slot` write to `to`.
            pub fn set_result_slot(&mut self, to: Slot) {
                match self.result_slot_mut() {
                    Some(ResultSlotMut::Wide(s)) => *s = to,
                    Some(ResultSlotMut::Narrow(s)) => *s = to as Slot16,
                    None => unreachable!("instruction without a result slot: {self:?}"),
                }
            }
        }
    };
}

macro_rules! declare_from_simd_table {
    (
        simd_binary: [$(($sb:ident, $sbf:ident)),* $(,)?],
        simd_shift: [$(($ss:ident, $ssf:ident)),* $(,)?],
        simd_unary: [$(($su:ident, $suf:ident)),* $(,)?],
        simd_test: [$(($st:ident, $stf:ident)),* $(,)?],
        simd_load: [$(($sl:ident, $sln:literal, $slf:ident)),* $(,)?],
    ) => {
        declare_instr_enum! {
            binary: [
                I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU,
                I32And, I32Or, I32Xor, I32Shl, I32ShrS, I32ShrU, I32Rotl, I32Rotr,
                I32Eq, I32Ne, I32LtS, I32LtU, I32GtS, I32GtU, I32LeS, I32LeU,
                I32GeS, I32GeU,
                I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS, I64RemU,
                I64And, I64Or, I64Xor, I64Shl, I64ShrS, I64ShrU, I64Rotl, I64Rotr,
                I64Eq, I64Ne, I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU,
                I64GeS, I64GeU,
                F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign,
                F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge,
                F64Add, F64Sub, F64Mul, F64Div, F64Min, F64Max, F64Copysign,
                F64Eq, F64Ne, F64Lt, F64Gt, F64Le, F64Ge,
            ],
            vector_binary: [$($sb,)* $($ss,)*],
            binary_imm: [
                I32AddImm, I32SubImm, I32MulImm, I32DivSImm, I32DivUImm,
                I32RemSImm, I32RemUImm, I32AndImm, I32OrImm, I32XorImm,
                I32ShlImm, I32ShrSImm, I32ShrUImm, I32RotlImm, I32RotrImm,
                I32EqImm, I32NeImm, I32LtSImm, I32LtUImm, I32GtSImm, I32GtUImm,
                I32LeSImm, I32LeUImm, I32GeSImm, I32GeUImm,
                I64AddImm, I64SubImm, I64MulImm, I64DivSImm, I64DivUImm,
                I64RemSImm, I64RemUImm, I64AndImm, I64OrImm, I64XorImm,
                I64ShlImm, I64ShrSImm, I64ShrUImm, I64RotlImm, I64RotrImm,
                I64EqImm, I64NeImm, I64LtSImm, I64LtUImm, I64GtSImm, I64GtUImm,
                I64LeSImm, I64LeUImm, I64GeSImm, I64GeUImm,
            ],
            unary: [
                I32Eqz, I32Clz, I32Ctz, I32Popcnt, I32Extend8S, I32Extend16S,
                I32WrapI64,
                I64Eqz, I64Clz, I64Ctz, I64Popcnt, I64Extend8S, I64Extend16S,
                I64Extend32S, I64ExtendI32S, I64ExtendI32U,
                F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt,
                F64Abs, F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt,
                I32TruncF32S, I32TruncF32U, I32TruncF64S, I32TruncF64U,
                I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U,
                I32TruncSatF32S, I32TruncSatF32U, I32TruncSatF64S, I32TruncSatF64U,
                I64TruncSatF32S, I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
                F32ConvertI32S, F32ConvertI32U, F32ConvertI64S, F32ConvertI64U,
                F32DemoteF64,
                F64ConvertI32S, F64ConvertI32U, F64ConvertI64S, F64ConvertI64U,
                F64PromoteF32,
                RefIsNull,
            ],
            vector_unary: [
                I8x16Splat, I16x8Splat, I32x4Splat, I64x2Splat, F32x4Splat, F64x2Splat,
                $($su,)* $($st,)*
            ],
            load: [
                I32Load, I64Load, I32Load8S, I32Load8U, I32Load16S, I32Load16U,
                I64Load8S, I64Load8U, I64Load16S, I64Load16U, I64Load32S,
                I64Load32U,
            ],
            vector_load: [
                V128Load, V128Load8Splat, V128Load16Splat,
                V128Load32Splat, V128Load64Splat, V128Load32Zero, V128Load64Zero,
                $($sl,)*
            ],
            store: [
                I32Store, I64Store, I32Store8, I32Store16, I64Store32, V128Store,
            ],
            branch_cmp: [
                BrI32Eq, BrI32Ne, BrI32LtS, BrI32LtU, BrI32GtS, BrI32GtU, BrI32LeS,
                BrI32LeU, BrI32GeS, BrI32GeU,
                BrI64Eq, BrI64Ne, BrI64LtS, BrI64LtU, BrI64GtS, BrI64GtU, BrI64LeS,
                BrI64LeU, BrI64GeS, BrI64GeU,
                BrF32Eq, BrF32Ne, BrF32Lt, BrF32Gt, BrF32Le, BrF32Ge,
                BrF32NotLt, BrF32NotGt, BrF32NotLe, BrF32NotGe,
                BrF64Eq, BrF64Ne, BrF64Lt, BrF64Gt, BrF64Le, BrF64Ge,
                BrF64NotLt, BrF64NotGt, BrF64NotLe, BrF64NotGe,
            ],
            branch_cmp_imm: [
                BrI32EqImm, BrI32NeImm, BrI32LtSImm, BrI32LtUImm, BrI32GtSImm,
                BrI32GtUImm, BrI32LeSImm, BrI32LeUImm, BrI32GeSImm, BrI32GeUImm,
                BrI64EqImm, BrI64NeImm, BrI64LtSImm, BrI64LtUImm, BrI64GtSImm,
                BrI64GtUImm, BrI64LeSImm, BrI64LeUImm, BrI64GeSImm, BrI64GeUImm,
                BrI32TestImm, BrI32NotTestImm, BrI64TestImm, BrI64NotTestImm,
            ],
            load_disp: [
                I32LoadDisp, I64LoadDisp, I32Load8SDisp, I32Load8UDisp, I32Load16SDisp,
                I32Load16UDisp, I64Load8SDisp, I64Load8UDisp, I64Load16SDisp, I64Load16UDisp,
                I64Load32SDisp, I64Load32UDisp,
            ],
            load_indexed: [
                I32LoadIndexed, I64LoadIndexed, I32Load8SIndexed, I32Load8UIndexed,
                I32Load16SIndexed, I32Load16UIndexed, I64Load8SIndexed, I64Load8UIndexed,
                I64Load16SIndexed, I64Load16UIndexed, I64Load32SIndexed, I64Load32UIndexed,
            ],
            store_disp: [
                I32StoreDisp, I64StoreDisp, I32Store8Disp, I32Store16Disp, I64Store32Disp,
            ],
            store_indexed: [
                I32StoreIndexed, I64StoreIndexed, I32Store8Indexed, I32Store16Indexed,
                I64Store32Indexed,
            ],
            binary_disp: [
                F32AddDisp, F32SubDisp, F32RsubDisp, F32MulDisp, F32DivDisp, F32RdivDisp,
                F64AddDisp, F64SubDisp, F64RsubDisp, F64MulDisp, F64DivDisp, F64RdivDisp,
            ],
            ternary: [
                F32MulAdd, F32MulSub, F32MulRsub, F64MulAdd, F64MulSub, F64MulRsub,
                F32AddAdd, F32AddSub, F32AddRsub, F32AddMul, F32SubAdd, F32SubSub, F32SubRsub,
                F32SubMul, F32MulMul, F64AddAdd, F64AddSub, F64AddRsub, F64AddMul, F64SubAdd,
                F64SubSub, F64SubRsub, F64SubMul, F64MulMul,
                SelectNz32, SelectNz64,
            ],
            select_cmp: [
                SelectI32Eq, SelectI32Ne, SelectI32LtS, SelectI32LtU, SelectI32GtS, SelectI32GtU,
                SelectI32LeS, SelectI32LeU, SelectI32GeS, SelectI32GeU, SelectI64Eq, SelectI64Ne,
                SelectI64LtS, SelectI64LtU, SelectI64GtS, SelectI64GtU, SelectI64LeS, SelectI64LeU,
                SelectI64GeS, SelectI64GeU,
            ],
            select_cmp_imm: [
                SelectI32EqImm, SelectI32NeImm, SelectI32LtSImm, SelectI32LtUImm, SelectI32GtSImm,
                SelectI32GtUImm, SelectI32LeSImm, SelectI32LeUImm, SelectI32GeSImm,
                SelectI32GeUImm, SelectI64EqImm, SelectI64NeImm, SelectI64LtSImm, SelectI64LtUImm,
                SelectI64GtSImm, SelectI64GtUImm, SelectI64LeSImm, SelectI64LeUImm,
                SelectI64GeSImm, SelectI64GeUImm, SelectI32TestImm, SelectI64TestImm,
            ],
            mul_add_imm: [I32MulAddImm, I64MulAddImm],
            add_branch: [
                AddBrI32Eq, AddBrI32Ne, AddBrI32LtS, AddBrI32LtU, AddBrI32GtS, AddBrI32GtU,
                AddBrI32LeS, AddBrI32LeU, AddBrI32GeS, AddBrI32GeU,
            ],
            add_branch_imm: [
                AddBrI32EqImm, AddBrI32NeImm, AddBrI32LtSImm, AddBrI32LtUImm, AddBrI32GtSImm,
                AddBrI32GtUImm, AddBrI32LeSImm, AddBrI32LeUImm, AddBrI32GeSImm, AddBrI32GeUImm,
            ],
            inc_branch: [
                IncBrI32Eq, IncBrI32Ne, IncBrI32LtS, IncBrI32LtU, IncBrI32GtS, IncBrI32GtU,
                IncBrI32LeS, IncBrI32LeU, IncBrI32GeS, IncBrI32GeU,
            ],
            inc_branch_imm: [
                IncBrI32EqImm, IncBrI32NeImm, IncBrI32LtSImm, IncBrI32LtUImm, IncBrI32GtSImm,
                IncBrI32GtUImm, IncBrI32LeSImm, IncBrI32LeUImm, IncBrI32GeSImm, IncBrI32GeUImm,
            ],
            disp_store: [
                F32AddDispStore, F32SubDispStore, F32RsubDispStore, F32MulDispStore,
                F64AddDispStore, F64SubDispStore, F64RsubDispStore, F64MulDispStore,
            ],
            add_branch_f64: [
                BrF64AddEq, BrF64AddNe, BrF64AddLt, BrF64AddGt, BrF64AddLe, BrF64AddGe,
                BrF64AddNotLt, BrF64AddNotGt, BrF64AddNotLe, BrF64AddNotGe,
            ],
            binary_acc: [
                (I32Add, I32AddA, I32AddB), (I32Sub, I32SubA, I32SubB),
                (I32Mul, I32MulA, I32MulB), (I32And, I32AndA, I32AndB),
                (I32Or, I32OrA, I32OrB), (I32Xor, I32XorA, I32XorB),
                (I32Shl, I32ShlA, I32ShlB), (I32ShrS, I32ShrSA, I32ShrSB),
                (I32ShrU, I32ShrUA, I32ShrUB), (I32Rotl, I32RotlA, I32RotlB),
                (I32Rotr, I32RotrA, I32RotrB), (I32Eq, I32EqA, I32EqB),
                (I32Ne, I32NeA, I32NeB), (I32LtS, I32LtSA, I32LtSB),
                (I32LtU, I32LtUA, I32LtUB), (I32GtS, I32GtSA, I32GtSB),
                (I32GtU, I32GtUA, I32GtUB), (I32LeS, I32LeSA, I32LeSB),
                (I32LeU, I32LeUA, I32LeUB), (I32GeS, I32GeSA, I32GeSB),
                (I32GeU, I32GeUA, I32GeUB), (I64Add, I64AddA, I64AddB),
                (I64Sub, I64SubA, I64SubB), (I64Mul, I64MulA, I64MulB),
                (I64And, I64AndA, I64AndB), (I64Or, I64OrA, I64OrB),
                (I64Xor, I64XorA, I64XorB), (I64Shl, I64ShlA, I64ShlB),
                (I64ShrS, I64ShrSA, I64ShrSB), (I64ShrU, I64ShrUA, I64ShrUB),
                (I64Rotl, I64RotlA, I64RotlB), (I64Rotr, I64RotrA, I64RotrB),
                (I64Eq, I64EqA, I64EqB), (I64Ne, I64NeA, I64NeB),
                (I64LtS, I64LtSA, I64LtSB), (I64LtU, I64LtUA, I64LtUB),
                (I64GtS, I64GtSA, I64GtSB), (I64GtU, I64GtUA, I64GtUB),
                (I64LeS, I64LeSA, I64LeSB), (I64LeU, I64LeUA, I64LeUB),
                (I64GeS, I64GeSA, I64GeSB), (I64GeU, I64GeUA, I64GeUB),
            ],
            binary_imm_acc: [
                (I32AddImm, I32AddImmA), (I32SubImm, I32SubImmA), (I32MulImm, I32MulImmA),
                (I32AndImm, I32AndImmA), (I32OrImm, I32OrImmA), (I32XorImm, I32XorImmA),
                (I32ShlImm, I32ShlImmA), (I32ShrSImm, I32ShrSImmA), (I32ShrUImm, I32ShrUImmA),
                (I32RotlImm, I32RotlImmA), (I32RotrImm, I32RotrImmA), (I32EqImm, I32EqImmA),
                (I32NeImm, I32NeImmA), (I32LtSImm, I32LtSImmA), (I32LtUImm, I32LtUImmA),
                (I32GtSImm, I32GtSImmA), (I32GtUImm, I32GtUImmA), (I32LeSImm, I32LeSImmA),
                (I32LeUImm, I32LeUImmA), (I32GeSImm, I32GeSImmA), (I32GeUImm, I32GeUImmA),
                (I64AddImm, I64AddImmA), (I64SubImm, I64SubImmA), (I64MulImm, I64MulImmA),
                (I64AndImm, I64AndImmA), (I64OrImm, I64OrImmA), (I64XorImm, I64XorImmA),
                (I64ShlImm, I64ShlImmA), (I64ShrSImm, I64ShrSImmA), (I64ShrUImm, I64ShrUImmA),
                (I64RotlImm, I64RotlImmA), (I64RotrImm, I64RotrImmA), (I64EqImm, I64EqImmA),
                (I64NeImm, I64NeImmA), (I64LtSImm, I64LtSImmA), (I64LtUImm, I64LtUImmA),
                (I64GtSImm, I64GtSImmA), (I64GtUImm, I64GtUImmA), (I64LeSImm, I64LeSImmA),
                (I64LeUImm, I64LeUImmA), (I64GeSImm, I64GeSImmA), (I64GeUImm, I64GeUImmA),
            ],
            unary_acc: [
                (I32Eqz, I32EqzA), (I32Clz, I32ClzA), (I32Ctz, I32CtzA), (I32Popcnt, I32PopcntA),
                (I32Extend8S, I32Extend8SA), (I32Extend16S, I32Extend16SA), (I32WrapI64, I32WrapI64A), (I64Eqz, I64EqzA),
                (I64Clz, I64ClzA), (I64Ctz, I64CtzA), (I64Popcnt, I64PopcntA), (I64Extend8S, I64Extend8SA),
                (I64Extend16S, I64Extend16SA), (I64Extend32S, I64Extend32SA), (I64ExtendI32S, I64ExtendI32SA), (I64ExtendI32U, I64ExtendI32UA),
            ],
            branch_cmp_acc: [
                (BrI32Eq, BrI32EqA, BrI32EqB), (BrI32Ne, BrI32NeA, BrI32NeB),
                (BrI32LtS, BrI32LtSA, BrI32LtSB), (BrI32LtU, BrI32LtUA, BrI32LtUB),
                (BrI32GtS, BrI32GtSA, BrI32GtSB), (BrI32GtU, BrI32GtUA, BrI32GtUB),
                (BrI32LeS, BrI32LeSA, BrI32LeSB), (BrI32LeU, BrI32LeUA, BrI32LeUB),
                (BrI32GeS, BrI32GeSA, BrI32GeSB), (BrI32GeU, BrI32GeUA, BrI32GeUB),
                (BrI64Eq, BrI64EqA, BrI64EqB), (BrI64Ne, BrI64NeA, BrI64NeB),
                (BrI64LtS, BrI64LtSA, BrI64LtSB), (BrI64LtU, BrI64LtUA, BrI64LtUB),
                (BrI64GtS, BrI64GtSA, BrI64GtSB), (BrI64GtU, BrI64GtUA, BrI64GtUB),
                (BrI64LeS, BrI64LeSA, BrI64LeSB), (BrI64LeU, BrI64LeUA, BrI64LeUB),
                (BrI64GeS, BrI64GeSA, BrI64GeSB), (BrI64GeU, BrI64GeUA, BrI64GeUB),
            ],
            branch_cmp_imm_acc: [
                (BrI32EqImm, BrI32EqImmA), (BrI32NeImm, BrI32NeImmA), (BrI32LtSImm, BrI32LtSImmA),
                (BrI32LtUImm, BrI32LtUImmA), (BrI32GtSImm, BrI32GtSImmA), (BrI32GtUImm, BrI32GtUImmA),
                (BrI32LeSImm, BrI32LeSImmA), (BrI32LeUImm, BrI32LeUImmA), (BrI32GeSImm, BrI32GeSImmA),
                (BrI32GeUImm, BrI32GeUImmA), (BrI64EqImm, BrI64EqImmA), (BrI64NeImm, BrI64NeImmA),
                (BrI64LtSImm, BrI64LtSImmA), (BrI64LtUImm, BrI64LtUImmA), (BrI64GtSImm, BrI64GtSImmA),
                (BrI64GtUImm, BrI64GtUImmA), (BrI64LeSImm, BrI64LeSImmA), (BrI64LeUImm, BrI64LeUImmA),
                (BrI64GeSImm, BrI64GeSImmA), (BrI64GeUImm, BrI64GeUImmA),
            ],
            branch_acc: [
                (BrIfNez, BrIfNezA), (BrIfEqz, BrIfEqzA), (BrIfNez64, BrIfNez64A), (BrIfEqz64, BrIfEqz64A),
            ],
            load_disp_acc: [
                (I32LoadDisp, I32LoadDispA), (I64LoadDisp, I64LoadDispA), (I32Load8SDisp, I32Load8SDispA),
                (I32Load8UDisp, I32Load8UDispA), (I32Load16SDisp, I32Load16SDispA), (I32Load16UDisp, I32Load16UDispA),
                (I64Load8SDisp, I64Load8SDispA), (I64Load8UDisp, I64Load8UDispA), (I64Load16SDisp, I64Load16SDispA),
                (I64Load16UDisp, I64Load16UDispA), (I64Load32SDisp, I64Load32SDispA), (I64Load32UDisp, I64Load32UDispA),
            ],
            load_disp_inc: [
                (I32LoadDisp, I32LoadDispInc), (I64LoadDisp, I64LoadDispInc), (I32Load8SDisp, I32Load8SDispInc),
                (I32Load8UDisp, I32Load8UDispInc), (I32Load16SDisp, I32Load16SDispInc), (I32Load16UDisp, I32Load16UDispInc),
                (I64Load8SDisp, I64Load8SDispInc), (I64Load8UDisp, I64Load8UDispInc), (I64Load16SDisp, I64Load16SDispInc),
                (I64Load16UDisp, I64Load16UDispInc), (I64Load32SDisp, I64Load32SDispInc), (I64Load32UDisp, I64Load32UDispInc),
            ],
            store_disp_acc: [
                (I32StoreDisp, I32StoreDispA), (I64StoreDisp, I64StoreDispA), (I32Store8Disp, I32Store8DispA),
                (I32Store16Disp, I32Store16DispA),
                (I64Store32Disp, I64Store32DispA),
            ],
            select_acc: [
                (SelectNz32, SelectNz32A), (SelectNz64, SelectNz64A),
            ],
            float_results: [
                F64Add, F64Sub, F64Mul, F64Div, F64Min, F64Max, F64Copysign, F64Abs, F64Neg,
                F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt, F64ConvertI32S, F64ConvertI32U,
                F64ConvertI64S, F64ConvertI64U, F64PromoteF32, F64MulAdd, F64MulSub, F64MulRsub,
                F64AddAdd, F64AddSub, F64AddRsub, F64AddMul, F64SubAdd, F64SubSub, F64SubRsub,
                F64SubMul, F64MulMul, F64AddDisp, F64SubDisp, F64RsubDisp, F64MulDisp, F64DivDisp,
                F64RdivDisp,
            ],
            float_binary_acc: [
                (F64Add, F64AddA, F64AddB), (F64Sub, F64SubA, F64SubB),
                (F64Mul, F64MulA, F64MulB), (F64Div, F64DivA, F64DivB),
                (F64Min, F64MinA, F64MinB), (F64Max, F64MaxA, F64MaxB),
            ],
            float_branch_acc: [
                (BrF64Eq, BrF64EqA, BrF64EqB), (BrF64Ne, BrF64NeA, BrF64NeB),
                (BrF64Lt, BrF64LtA, BrF64LtB), (BrF64Gt, BrF64GtA, BrF64GtB),
                (BrF64Le, BrF64LeA, BrF64LeB), (BrF64Ge, BrF64GeA, BrF64GeB),
                (BrF64NotLt, BrF64NotLtA, BrF64NotLtB), (BrF64NotGt, BrF64NotGtA, BrF64NotGtB),
                (BrF64NotLe, BrF64NotLeA, BrF64NotLeB), (BrF64NotGe, BrF64NotGeA, BrF64NotGeB),
            ],
            float_unary_acc: [(F64Sqrt, F64SqrtA), (F64Neg, F64NegA), (F64Abs, F64AbsA)],
            float_ternary_acc: [
                (F64MulAdd, F64MulAddA, F64MulAddC), (F64MulSub, F64MulSubA, F64MulSubC),
                (F64MulRsub, F64MulRsubA, F64MulRsubC), (F64AddAdd, F64AddAddA, F64AddAddC),
                (F64AddSub, F64AddSubA, F64AddSubC), (F64AddRsub, F64AddRsubA, F64AddRsubC),
                (F64AddMul, F64AddMulA, F64AddMulC), (F64SubAdd, F64SubAddA, F64SubAddC),
                (F64SubSub, F64SubSubA, F64SubSubC), (F64SubRsub, F64SubRsubA, F64SubRsubC),
                (F64SubMul, F64SubMulA, F64SubMulC), (F64MulMul, F64MulMulA, F64MulMulC),
            ],
            float_disp_acc: [
                (F64AddDisp, F64AddDispA), (F64SubDisp, F64SubDispA), (F64RsubDisp, F64RsubDispA),
                (F64MulDisp, F64MulDispA), (F64DivDisp, F64DivDispA), (F64RdivDisp, F64RdivDispA),
            ],
            float_disp_store_acc: [
                (F64AddDispStore, F64AddDispStoreA), (F64SubDispStore, F64SubDispStoreA),
                (F64RsubDispStore, F64RsubDispStoreA), (F64MulDispStore, F64MulDispStoreA),
            ],
            float_add_branch_acc: [
                (BrF64AddEq, BrF64AddEqB), (BrF64AddNe, BrF64AddNeB), (BrF64AddLt, BrF64AddLtB),
                (BrF64AddGt, BrF64AddGtB), (BrF64AddLe, BrF64AddLeB), (BrF64AddGe, BrF64AddGeB),
                (BrF64AddNotLt, BrF64AddNotLtB), (BrF64AddNotGt, BrF64AddNotGtB), (BrF64AddNotLe, BrF64AddNotLeB),
                (BrF64AddNotGe, BrF64AddNotGeB),
            ],
            other: [
            /// Traps with "unreachable".
            Unreachable,
            /// Counts a call or a loop iteration of the running function,
            /// and reports the function to the engine when it is hot
            /// (emitted only where the engine tiers up).
            Hot,
            /// `Hot` at the head of the function's loop number `ordinal`
            /// (counting every `loop` in the body), entered with an empty
            /// operand stack: once the function is hot, the invocation may
            /// move to native code here (on-stack replacement).
            HotLoop { ordinal: u32 },
            /// Charges the fuel of the segment starting here (`cost`), or
            /// traps with "all fuel consumed" when the store has less
            /// left (see `module::metering`; emitted only when the engine
            /// consumes fuel).
            Fuel { cost: u32 },
            /// Traps with "interrupted" once the engine's epoch reached
            /// the store's deadline (function entries and loop heads;
            /// emitted only when the engine has epoch interruption on).
            Epoch,
            /// Jumps by `offset` instructions (relative to this one).
            Br { offset: i32 },
            /// Jumps if the i32 in `cond` is non-zero.
            BrIfNez { cond: Slot, offset: i32 },
            /// Jumps if the i32 in `cond` is zero.
            BrIfEqz { cond: Slot, offset: i32 },
            /// Jumps if the i64 in `cond` is non-zero / zero (fused
            /// `i64.eqz` + branch).
            BrIfNez64 { cond: Slot, offset: i32 },
            BrIfEqz64 { cond: Slot, offset: i32 },
            /// Followed by `len + 1` `Br`s; executes the one selected by the
            /// i32 in `index` (clamped to the last, the default).
            BrTable { index: Slot, len: u32 },
            /// Returns; results are already in slots 0...
            Return,
            /// Copies one 64-bit slot to slot 0 and returns.
            ReturnSlot { src: Slot },
            /// Copies a v128 to slots 0-1 and returns.
            ReturnSlot128 { src: Slot },
            /// Returns the constant `value` (in slot 0).
            ReturnConst { value: u64 },
            /// Moves `len` slots from `src` down to 0 and returns.
            ReturnMany { src: Slot, len: u32 },
            /// Writes the function's constants into their slots (the first
            /// instruction of functions that have any).
            LoadConsts,
            /// Calls function `func` of this instance; arguments start at
            /// slot `args`, where the results are left.
            Call { func: u32, args: Slot },
            /// Calls function `func` of this instance, known to be defined
            /// in this module (index into the module's compiled functions).
            CallInternal { func: u32, args: Slot },
            /// Calls through table `table`, expecting module type
            /// `type_index`, the i32 element index in `index`.
            CallIndirect { type_index: u32, index: Slot, args: Slot },
            /// `CallIndirect` through a 64-bit table (an i64 element
            /// index), a separate form so 32-bit tables pay nothing for it.
            CallIndirect64 { type_index: u32, index: Slot, args: Slot },
            /// Tail calls (`return_call`): calls function `func` of this
            /// instance in place of the running one. The arguments at slot
            /// `args` move down to the frame base and the callee reuses the
            /// frame (no caller record is pushed), so a chain of tail calls
            /// runs in constant stack.
            ReturnCall { func: u32, args: Slot },
            /// `return_call_indirect`, followed by an `Aux` like
            /// `CallIndirect`.
            ReturnCallIndirect { type_index: u32, index: Slot, args: Slot },
            /// `call_ref`: calls the function reference in `callee`
            /// (trapping on null); validation has checked its type.
            CallRef { callee: Slot, args: Slot },
            /// `return_call_ref`, a tail call like `ReturnCall`.
            ReturnCallRef { callee: Slot, args: Slot },
            /// `ref.as_non_null`: traps with "null reference" if `src` is
            /// null, and writes nothing (the value stays where it is).
            RefAsNonNull { src: Slot },
            /// `throw`: a new exception with tag `tag` and the `slots`
            /// payload slots from `args`, propagated to the nearest
            /// handler (`CompiledFunc::handlers`).
            Throw { tag: u32, args: Slot, slots: u32 },
            /// `throw_ref`: rethrows the exception in `src`.
            ThrowRef { src: Slot },
            /// The calls with their first two arguments copied into slots
            /// `args` and `args + 1` from `src0` and `src1` first (a
            /// source equal to its destination copies nothing).
            CallArgs { args: Slot16, src0: Slot16, src1: Slot16, func: u32 },
            CallInternalArgs { args: Slot16, src0: Slot16, src1: Slot16, func: u32 },
            CallIndirectArgs { index: Slot16, args: Slot16, src0: Slot16, src1: Slot16, type_index: u32 },
            /// Second word of `CallIndirect` and other instructions that
            /// need a fourth operand.
            Aux { a: u32, b: u32 },

            Copy { dst: Slot, src: Slot },
            /// `dst = copy = a + imm` (i32): an add stored to two locals
            /// (`local.tee copy` then `local.set dst`).
            I32AddImmCopy { dst: Slot16, copy: Slot16, a: Slot16, imm: i32 },
            Copy128 { dst: Slot, src: Slot },
            Const32 { dst: Slot, value: u32 },
            Const64 { dst: Slot, value: u64 },
            /// `dst = pool[index]`.
            ConstV128 { dst: Slot, index: u32 },
            /// `if cond == 0 { dst = b }` (dst already holds the first operand).
            Select { dst: Slot, b: Slot, cond: Slot },
            Select128 { dst: Slot, b: Slot, cond: Slot },

            GlobalGet { dst: Slot, global: u32 },
            GlobalGet128 { dst: Slot, global: u32 },
            GlobalSet { src: Slot, global: u32 },
            GlobalSet128 { src: Slot, global: u32 },

            /// A load or store in any memory but a 32-bit memory 0 (another
            /// memory index, or a 64-bit memory): `op` is the access, a
            /// [`MemOp`] in the low byte and the lane in the high byte;
            /// `memory` the memory index, with [`INDEX64`] set for 64-bit
            /// addresses. Loads: `a` = result, `b` = address; stores: `a` =
            /// address, `b` = value; lane accesses: `a` = address and
            /// vector (as in `V128Load8Lane`). Followed by an `Aux` holding
            /// the 64-bit static offset (`a` low half, `b` high half).
            MemAccess { op: u16, memory: u32, a: Slot, b: Slot },

            /// `memory` here and in the other memory instructions: the
            /// memory index, with [`INDEX64`] set for a 64-bit memory
            /// (whose addresses, lengths and sizes are i64).
            MemorySize { dst: Slot, memory: u32 },
            /// `args`: delta (i32); the result replaces it.
            MemoryGrow { args: Slot, memory: u32 },
            /// `args`: dst, value, len.
            MemoryFill { args: Slot, memory: u32 },
            /// `args`: dst, src, len.
            MemoryCopy { args: Slot, dst_memory: u32, src_memory: u32 },
            /// `args`: dst, src offset, len.
            MemoryInit { args: Slot, segment: u32, memory: u32 },
            DataDrop { segment: u32 },

            /// `table` here and in the other table instructions: the table
            /// index, with [`INDEX64`] set for a 64-bit table
            /// (`call_indirect` has its own form, `CallIndirect64`, and
            /// `return_call_indirect` marks it in `b` of its `Aux` word).
            TableGet { dst: Slot, index: Slot, table: u32 },
            TableSet { index: Slot, src: Slot, table: u32 },
            TableSize { dst: Slot, table: u32 },
            /// `args`: init value, delta; the result replaces the first.
            TableGrow { args: Slot, table: u32 },
            /// `args`: index, value, len.
            TableFill { args: Slot, table: u32 },
            /// `args`: dst, src, len.
            TableCopy { args: Slot, dst_table: u32, src_table: u32 },
            /// `args`: dst, src offset, len.
            TableInit { args: Slot, segment: u32, table: u32 },
            ElemDrop { segment: u32 },
            RefFunc { dst: Slot, func: u32 },

            /// `dst = extract(src, lane)`, sign- or zero-extending as named.
            I8x16ExtractLaneS { dst: Slot, src: Slot, lane: u32 },
            I8x16ExtractLaneU { dst: Slot, src: Slot, lane: u32 },
            I16x8ExtractLaneS { dst: Slot, src: Slot, lane: u32 },
            I16x8ExtractLaneU { dst: Slot, src: Slot, lane: u32 },
            I32x4ExtractLane { dst: Slot, src: Slot, lane: u32 },
            I64x2ExtractLane { dst: Slot, src: Slot, lane: u32 },
            /// Replaces lane `lane` of the v128 already in `dst` with the
            /// scalar in `x`.
            I8x16ReplaceLane { dst: Slot, x: Slot, lane: u32 },
            I16x8ReplaceLane { dst: Slot, x: Slot, lane: u32 },
            I32x4ReplaceLane { dst: Slot, x: Slot, lane: u32 },
            I64x2ReplaceLane { dst: Slot, x: Slot, lane: u32 },
            /// `dst = bitselect(dst, b, c)`.
            V128Bitselect { dst: Slot, b: Slot, c: Slot },
            /// The ternary relaxed SIMD instructions, in the shape of
            /// `V128Bitselect`: `dst = f(dst, b, c)` (see `simd.rs`).
            F32x4RelaxedMadd { dst: Slot, b: Slot, c: Slot },
            F32x4RelaxedNmadd { dst: Slot, b: Slot, c: Slot },
            F64x2RelaxedMadd { dst: Slot, b: Slot, c: Slot },
            F64x2RelaxedNmadd { dst: Slot, b: Slot, c: Slot },
            RelaxedLaneselect { dst: Slot, b: Slot, c: Slot },
            I32x4RelaxedDotI8x16I7x16AddS { dst: Slot, b: Slot, c: Slot },
            /// `dst = shuffle(a, b, pool[next Aux.a])`.
            I8x16Shuffle { dst: Slot, a: Slot, b: Slot },
            /// `args`: address, vector; loads one lane into the vector and
            /// leaves the result at `args`.
            V128Load8Lane { args: Slot, offset: u32, lane: u32 },
            V128Load16Lane { args: Slot, offset: u32, lane: u32 },
            V128Load32Lane { args: Slot, offset: u32, lane: u32 },
            V128Load64Lane { args: Slot, offset: u32, lane: u32 },
            /// `args`: address, vector.
            V128Store8Lane { args: Slot, offset: u32, lane: u32 },
            V128Store16Lane { args: Slot, offset: u32, lane: u32 },
            V128Store32Lane { args: Slot, offset: u32, lane: u32 },
            V128Store64Lane { args: Slot, offset: u32, lane: u32 },
            ],
        }
    };
}
simd_table!(declare_from_simd_table);

/// The bit of a memory or table index operand that marks a 64-bit memory
/// or table (indices are far below it).
pub const INDEX64: u32 = 1 << 31;

/// The index without its [`INDEX64`] mark.
#[inline(always)]
pub const fn index_of(operand: u32) -> u32 {
    operand & !INDEX64
}

/// Defines [`MemOp`] and its `ALL` from one list of the accesses.
macro_rules! mem_ops {
    ($($op:ident),* $(,)?) => {
        /// The accesses of [`Instr::MemAccess`]. f32/f64 loads and stores
        /// use the i32/i64 forms (slots hold float bit patterns); a store
        /// writes the low bytes of its value.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum MemOp {
            $($op),*
        }

        impl MemOp {
            /// Every access, in tag order (to decode the byte in `MemAccess`).
            pub const ALL: &[MemOp] = &[$(MemOp::$op),*];
        }
    };
}

mem_ops! {
    I32Load,
    I64Load,
    I32Load8S,
    I32Load8U,
    I32Load16S,
    I32Load16U,
    I64Load8S,
    I64Load8U,
    I64Load16S,
    I64Load16U,
    I64Load32S,
    I64Load32U,
    V128Load,
    V128Load8x8S,
    V128Load8x8U,
    V128Load16x4S,
    V128Load16x4U,
    V128Load32x2S,
    V128Load32x2U,
    V128Load8Splat,
    V128Load16Splat,
    V128Load32Splat,
    V128Load64Splat,
    V128Load32Zero,
    V128Load64Zero,
    Store8,
    Store16,
    Store32,
    Store64,
    V128Store,
    V128Load8Lane,
    V128Load16Lane,
    V128Load32Lane,
    V128Load64Lane,
    V128Store8Lane,
    V128Store16Lane,
    V128Store32Lane,
    V128Store64Lane,
}

impl MemOp {
    /// Bytes of memory accessed.
    pub fn width(self) -> u64 {
        use MemOp::*;
        match self {
            I32Load8S | I32Load8U | I64Load8S | I64Load8U | V128Load8Splat | Store8
            | V128Load8Lane | V128Store8Lane => 1,
            I32Load16S | I32Load16U | I64Load16S | I64Load16U | V128Load16Splat | Store16
            | V128Load16Lane | V128Store16Lane => 2,
            I32Load | I64Load32S | I64Load32U | V128Load32Splat | V128Load32Zero | Store32
            | V128Load32Lane | V128Store32Lane => 4,
            I64Load | V128Load8x8S | V128Load8x8U | V128Load16x4S | V128Load16x4U
            | V128Load32x2S | V128Load32x2U | V128Load64Splat | V128Load64Zero | Store64
            | V128Load64Lane | V128Store64Lane => 8,
            V128Load | V128Store => 16,
        }
    }

    /// Whether the address is in `a` (stores and lane accesses) rather
    /// than in `b` (loads).
    pub fn address_in_a(self) -> bool {
        self as u8 >= MemOp::Store8 as u8
    }
}

const _: () = assert!(std::mem::size_of::<Instr>() == 16);

/// The renumbering that places a translated function's `count` constants
/// right after its locals: provisional slot `const_base + i` becomes
/// `locals_end + i`, and the operand slots from `locals_end` up move above
/// the constants.
pub fn place_constants(
    locals_end: Slot,
    const_base: Slot,
    count: Slot,
) -> impl Fn(&mut Slot) + Copy {
    move |s: &mut Slot| {
        if *s >= const_base {
            *s = locals_end + (*s - const_base);
        } else if *s >= locals_end {
            *s += count;
        }
    }
}

/// The immediate operand (`imm` of the `*Imm` forms) for constant `bits`
/// of an i32 (`is_i32`) or i64: an i64 only if it fits in an i32.
pub fn immediate(bits: u64, is_i32: bool) -> Option<i32> {
    if is_i32 {
        Some(bits as u32 as i32)
    } else {
        i32::try_from(bits as i64).ok()
    }
}

/// The fused compare-and-branch form of comparison `cmp` (as emitted by the
/// translator, result slot ignored): branch when the comparison holds, or
/// when it fails if `negate`. `None` for instructions that don't fuse.
pub fn fuse_compare(cmp: Instr, negate: bool) -> Option<Instr> {
    macro_rules! pick {
        ($a:expr, $b:expr, $pos:ident, $neg:ident) => {
            if negate {
                Instr::$neg {
                    a: $a,
                    b: $b,
                    offset: 0,
                }
            } else {
                Instr::$pos {
                    a: $a,
                    b: $b,
                    offset: 0,
                }
            }
        };
    }
    macro_rules! pick_imm {
        ($a:expr, $imm:expr, $pos:ident, $neg:ident) => {
            if negate {
                Instr::$neg {
                    a: $a,
                    imm: $imm,
                    offset: 0,
                }
            } else {
                Instr::$pos {
                    a: $a,
                    imm: $imm,
                    offset: 0,
                }
            }
        };
    }
    Some(match cmp {
        Instr::I32Eq { a, b, .. } => pick!(a, b, BrI32Eq, BrI32Ne),
        Instr::I32Ne { a, b, .. } => pick!(a, b, BrI32Ne, BrI32Eq),
        Instr::I32LtS { a, b, .. } => pick!(a, b, BrI32LtS, BrI32GeS),
        Instr::I32LtU { a, b, .. } => pick!(a, b, BrI32LtU, BrI32GeU),
        Instr::I32GtS { a, b, .. } => pick!(a, b, BrI32GtS, BrI32LeS),
        Instr::I32GtU { a, b, .. } => pick!(a, b, BrI32GtU, BrI32LeU),
        Instr::I32LeS { a, b, .. } => pick!(a, b, BrI32LeS, BrI32GtS),
        Instr::I32LeU { a, b, .. } => pick!(a, b, BrI32LeU, BrI32GtU),
        Instr::I32GeS { a, b, .. } => pick!(a, b, BrI32GeS, BrI32LtS),
        Instr::I32GeU { a, b, .. } => pick!(a, b, BrI32GeU, BrI32LtU),
        Instr::I64Eq { a, b, .. } => pick!(a, b, BrI64Eq, BrI64Ne),
        Instr::I64Ne { a, b, .. } => pick!(a, b, BrI64Ne, BrI64Eq),
        Instr::I64LtS { a, b, .. } => pick!(a, b, BrI64LtS, BrI64GeS),
        Instr::I64LtU { a, b, .. } => pick!(a, b, BrI64LtU, BrI64GeU),
        Instr::I64GtS { a, b, .. } => pick!(a, b, BrI64GtS, BrI64LeS),
        Instr::I64GtU { a, b, .. } => pick!(a, b, BrI64GtU, BrI64LeU),
        Instr::I64LeS { a, b, .. } => pick!(a, b, BrI64LeS, BrI64GtS),
        Instr::I64LeU { a, b, .. } => pick!(a, b, BrI64LeU, BrI64GtU),
        Instr::I64GeS { a, b, .. } => pick!(a, b, BrI64GeS, BrI64LtS),
        Instr::I64GeU { a, b, .. } => pick!(a, b, BrI64GeU, BrI64LtU),
        // Float negations must stay false for NaN operands, so `!(a < b)`
        // is `NotLt`, not `Ge`.
        Instr::F32Eq { a, b, .. } => pick!(a, b, BrF32Eq, BrF32Ne),
        Instr::F32Ne { a, b, .. } => pick!(a, b, BrF32Ne, BrF32Eq),
        Instr::F32Lt { a, b, .. } => pick!(a, b, BrF32Lt, BrF32NotLt),
        Instr::F32Gt { a, b, .. } => pick!(a, b, BrF32Gt, BrF32NotGt),
        Instr::F32Le { a, b, .. } => pick!(a, b, BrF32Le, BrF32NotLe),
        Instr::F32Ge { a, b, .. } => pick!(a, b, BrF32Ge, BrF32NotGe),
        Instr::F64Eq { a, b, .. } => pick!(a, b, BrF64Eq, BrF64Ne),
        Instr::F64Ne { a, b, .. } => pick!(a, b, BrF64Ne, BrF64Eq),
        Instr::F64Lt { a, b, .. } => pick!(a, b, BrF64Lt, BrF64NotLt),
        Instr::F64Gt { a, b, .. } => pick!(a, b, BrF64Gt, BrF64NotGt),
        Instr::F64Le { a, b, .. } => pick!(a, b, BrF64Le, BrF64NotLe),
        Instr::F64Ge { a, b, .. } => pick!(a, b, BrF64Ge, BrF64NotGe),
        Instr::I32EqImm { a, imm, .. } => pick_imm!(a, imm, BrI32EqImm, BrI32NeImm),
        Instr::I32NeImm { a, imm, .. } => pick_imm!(a, imm, BrI32NeImm, BrI32EqImm),
        Instr::I32LtSImm { a, imm, .. } => pick_imm!(a, imm, BrI32LtSImm, BrI32GeSImm),
        Instr::I32LtUImm { a, imm, .. } => pick_imm!(a, imm, BrI32LtUImm, BrI32GeUImm),
        Instr::I32GtSImm { a, imm, .. } => pick_imm!(a, imm, BrI32GtSImm, BrI32LeSImm),
        Instr::I32GtUImm { a, imm, .. } => pick_imm!(a, imm, BrI32GtUImm, BrI32LeUImm),
        Instr::I32LeSImm { a, imm, .. } => pick_imm!(a, imm, BrI32LeSImm, BrI32GtSImm),
        Instr::I32LeUImm { a, imm, .. } => pick_imm!(a, imm, BrI32LeUImm, BrI32GtUImm),
        Instr::I32GeSImm { a, imm, .. } => pick_imm!(a, imm, BrI32GeSImm, BrI32LtSImm),
        Instr::I32GeUImm { a, imm, .. } => pick_imm!(a, imm, BrI32GeUImm, BrI32LtUImm),
        Instr::I64EqImm { a, imm, .. } => pick_imm!(a, imm, BrI64EqImm, BrI64NeImm),
        Instr::I64NeImm { a, imm, .. } => pick_imm!(a, imm, BrI64NeImm, BrI64EqImm),
        Instr::I64LtSImm { a, imm, .. } => pick_imm!(a, imm, BrI64LtSImm, BrI64GeSImm),
        Instr::I64LtUImm { a, imm, .. } => pick_imm!(a, imm, BrI64LtUImm, BrI64GeUImm),
        Instr::I64GtSImm { a, imm, .. } => pick_imm!(a, imm, BrI64GtSImm, BrI64LeSImm),
        Instr::I64GtUImm { a, imm, .. } => pick_imm!(a, imm, BrI64GtUImm, BrI64LeUImm),
        Instr::I64LeSImm { a, imm, .. } => pick_imm!(a, imm, BrI64LeSImm, BrI64GtSImm),
        Instr::I64LeUImm { a, imm, .. } => pick_imm!(a, imm, BrI64LeUImm, BrI64GtUImm),
        Instr::I64GeSImm { a, imm, .. } => pick_imm!(a, imm, BrI64GeSImm, BrI64LtSImm),
        Instr::I64GeUImm { a, imm, .. } => pick_imm!(a, imm, BrI64GeUImm, BrI64LtUImm),
        Instr::I32AndImm { a, imm, .. } => pick_imm!(a, imm, BrI32TestImm, BrI32NotTestImm),
        Instr::I64AndImm { a, imm, .. } => pick_imm!(a, imm, BrI64TestImm, BrI64NotTestImm),
        Instr::I32Eqz { src, .. } => {
            if negate {
                Instr::BrIfNez {
                    cond: src,
                    offset: 0,
                }
            } else {
                Instr::BrIfEqz {
                    cond: src,
                    offset: 0,
                }
            }
        }
        Instr::I64Eqz { src, .. } => {
            if negate {
                Instr::BrIfNez64 {
                    cond: src,
                    offset: 0,
                }
            } else {
                Instr::BrIfEqz64 {
                    cond: src,
                    offset: 0,
                }
            }
        }
        _ => return None,
    })
}

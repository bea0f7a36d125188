//! SIMD in the JIT: every function of a SIMD module is compiled natively,
//! and each gives bit-identical results to the interpreter (v128 arguments
//! and results through the array calling convention, v128 globals, lane
//! memory accesses, NaN-producing float lanes).

#![cfg(feature = "jit")]

use wasmrt::*;

const MODULE: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\f0\f1\f2\f3\f4\f5\f6\f7\f8\f9\fa\fb\fc\fd\fe\ff")
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  (func $add (export "add") (param v128 v128) (result v128)
    (i32x4.add (local.get 0) (local.get 1)))
  (func (export "mix") (param i32 v128 f64 v128) (result f64 v128 i32 v128)
    (local $t v128)
    (local.set $t (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
                    (local.get 1) (local.get 3)))
    (f64.add (local.get 2) (f64x2.extract_lane 1 (local.get 1)))
    (call $add (local.get $t) (i32x4.splat (local.get 0)))
    (i8x16.bitmask (local.get 3))
    (select (local.get 1) (local.get 3) (local.get 0)))
  (func (export "bump") (param v128) (result v128)
    (global.set $g (i64x2.add (global.get $g) (local.get 0)))
    (global.get $g))
  (func (export "floats") (param v128 v128) (result v128 v128 v128 v128 v128 v128)
    (f32x4.min (local.get 0) (local.get 1))
    (f32x4.max (local.get 0) (local.get 1))
    (f64x2.min (local.get 0) (local.get 1))
    (f64x2.max (local.get 1) (local.get 0))
    (f32x4.pmin (local.get 0) (local.get 1))
    (f32x4.nearest (local.get 0)))
  (func (export "ints") (param v128 v128 i32) (result v128 v128 v128 v128 v128 v128)
    (i8x16.swizzle (local.get 0) (local.get 1))
    (i16x8.narrow_i32x4_u (local.get 0) (local.get 1))
    (i16x8.q15mulr_sat_s (local.get 0) (local.get 1))
    (i8x16.shr_s (local.get 0) (local.get 2))
    (i32x4.dot_i16x8_s (local.get 0) (local.get 1))
    (i64x2.extmul_high_i32x4_u (local.get 0) (local.get 1)))
  (func (export "convs") (param v128) (result v128 v128 v128 v128)
    (i32x4.trunc_sat_f64x2_u_zero (local.get 0))
    (f64x2.convert_low_i32x4_u (local.get 0))
    (f32x4.demote_f64x2_zero (local.get 0))
    (i32x4.trunc_sat_f32x4_s (local.get 0)))
  (func (export "loop") (param $n i32) (param v128) (result v128 v128)
    (local.get 1)
    (v128.const i64x2 0 0)
    (loop $l (param v128 v128) (result v128 v128)
      (if (param v128 v128) (result v128 v128) (i32.and (local.get $n) (i32.const 1))
        (then (i16x8.add) (i8x16.splat (local.get $n)))
        (else (i32x4.sub) (block (result v128) (local.get 1))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "mem") (param i32) (result v128 v128 i32)
    (v128.store8_lane 3 (local.get 0) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
    (v128.load16_lane 5 (local.get 0) (v128.load8x8_s offset=8 (local.get 0)))
    (v128.load32_zero (local.get 0))
    (i8x16.all_true (v128.load (local.get 0)))))"#;

fn run(strategy: Strategy, calls: &[(&str, Vec<Val>)]) -> Vec<Result<Vec<Val>, String>> {
    let mut config = Config::new();
    config.strategy(strategy);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &wat2wasm(MODULE).unwrap()).unwrap();
    if strategy == Strategy::Jit {
        assert_eq!(module.native_function_count(), 8, "a function was left out");
    }
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    calls
        .iter()
        .map(|(name, args)| {
            let f = inst.get_func(&store, name).unwrap();
            let n = f.ty(&store).results().len();
            let mut out = vec![Val::I32(0); n];
            f.call(&mut store, args, &mut out)
                .map(|()| out)
                .map_err(|t| t.message().to_string())
        })
        .collect()
}

fn v(lanes: [u32; 4]) -> Val {
    let mut x = 0u128;
    for (i, l) in lanes.iter().enumerate() {
        x |= u128::from(*l) << (32 * i);
    }
    Val::V128(x)
}

fn v64(lanes: [u64; 2]) -> Val {
    Val::V128(u128::from(lanes[0]) | (u128::from(lanes[1]) << 64))
}

#[test]
fn simd_matches_interpreter() {
    let snan = 0x7f80_0001;
    let nan_payload = 0xffa0_1234;
    let calls = vec![
        ("add", vec![v([1, 2, 3, u32::MAX]), v([10, 20, 30, 2])]),
        (
            "mix",
            vec![
                Val::I32(7),
                v64([0x1234, 2.5f64.to_bits()]),
                Val::F64(1.25f64.to_bits()),
                v([0x8000_0000, 0x80, 0xffff_ffff, 1]),
            ],
        ),
        ("mix", vec![Val::I32(0), v([1; 4]), Val::F64(0), v([2; 4])]),
        ("bump", vec![v64([5, u64::MAX])]),
        ("bump", vec![v64([1, 1])]),
        (
            "floats",
            vec![
                v([snan, 0x8000_0000, 0x3f80_0000, nan_payload]),
                v([0x3f80_0000, 0, nan_payload, 0x7fc0_0000]),
            ],
        ),
        (
            "floats",
            vec![
                v64([0x7ff0_0000_0000_0001, 0x8000_0000_0000_0000]),
                v64([0xfff8_0000_dead_beef, 0]),
            ],
        ),
        (
            "ints",
            vec![
                v([0x8000_7fff, 0x0102_0304, 0xffff_0000, 0x1234_5678]),
                v([0x8000_8000, 0x0f1f_2f3f, 0x0000_ffff, 0x7fff_0001]),
                Val::I32(9),
            ],
        ),
        (
            "convs",
            vec![v64([(-1.5f64).to_bits(), 4294967296.5f64.to_bits()])],
        ),
        ("convs", vec![v64([f64::NAN.to_bits(), 3.75f64.to_bits()])]),
        ("convs", vec![v([u32::MAX, 0x8000_0000, 0x7fc0_0001, 1])]),
        ("loop", vec![Val::I32(5), v([1, 2, 0xffff_ffff, 4])]),
        ("loop", vec![Val::I32(1), v([7, 8, 9, 10])]),
        ("mem", vec![Val::I32(0)]),
        ("mem", vec![Val::I32(65530)]),
        ("mem", vec![Val::I32(16)]),
    ];
    let interp = run(Strategy::Interpreter, &calls);
    let jit = run(Strategy::Jit, &calls);
    for ((call, i), j) in calls.iter().zip(&interp).zip(&jit) {
        assert_eq!(i, j, "{}({:x?})", call.0, call.1);
    }
    // A spot check of the expected values, not only agreement.
    assert_eq!(interp[0], Ok(vec![v([11, 22, 33, 1])]));
    assert_eq!(jit[4], Ok(vec![v64([0x2_0000_0007, 0x4_0000_0003])]));
    assert!(jit[14].is_err(), "out-of-bounds lane store traps");
}

const BINARY: &[&str] = &[
    "i8x16.swizzle",
    "i8x16.eq",
    "i8x16.ne",
    "i8x16.lt_s",
    "i8x16.lt_u",
    "i8x16.gt_s",
    "i8x16.gt_u",
    "i8x16.le_s",
    "i8x16.le_u",
    "i8x16.ge_s",
    "i8x16.ge_u",
    "i16x8.eq",
    "i16x8.ne",
    "i16x8.lt_s",
    "i16x8.lt_u",
    "i16x8.gt_s",
    "i16x8.gt_u",
    "i16x8.le_s",
    "i16x8.le_u",
    "i16x8.ge_s",
    "i16x8.ge_u",
    "i32x4.eq",
    "i32x4.ne",
    "i32x4.lt_s",
    "i32x4.lt_u",
    "i32x4.gt_s",
    "i32x4.gt_u",
    "i32x4.le_s",
    "i32x4.le_u",
    "i32x4.ge_s",
    "i32x4.ge_u",
    "i64x2.eq",
    "i64x2.ne",
    "i64x2.lt_s",
    "i64x2.gt_s",
    "i64x2.le_s",
    "i64x2.ge_s",
    "f32x4.eq",
    "f32x4.ne",
    "f32x4.lt",
    "f32x4.gt",
    "f32x4.le",
    "f32x4.ge",
    "f64x2.eq",
    "f64x2.ne",
    "f64x2.lt",
    "f64x2.gt",
    "f64x2.le",
    "f64x2.ge",
    "v128.and",
    "v128.andnot",
    "v128.or",
    "v128.xor",
    "i8x16.narrow_i16x8_s",
    "i8x16.narrow_i16x8_u",
    "i8x16.add",
    "i8x16.add_sat_s",
    "i8x16.add_sat_u",
    "i8x16.sub",
    "i8x16.sub_sat_s",
    "i8x16.sub_sat_u",
    "i8x16.min_s",
    "i8x16.min_u",
    "i8x16.max_s",
    "i8x16.max_u",
    "i8x16.avgr_u",
    "i16x8.q15mulr_sat_s",
    "i16x8.narrow_i32x4_s",
    "i16x8.narrow_i32x4_u",
    "i16x8.add",
    "i16x8.add_sat_s",
    "i16x8.add_sat_u",
    "i16x8.sub",
    "i16x8.sub_sat_s",
    "i16x8.sub_sat_u",
    "i16x8.mul",
    "i16x8.min_s",
    "i16x8.min_u",
    "i16x8.max_s",
    "i16x8.max_u",
    "i16x8.avgr_u",
    "i16x8.extmul_low_i8x16_s",
    "i16x8.extmul_high_i8x16_s",
    "i16x8.extmul_low_i8x16_u",
    "i16x8.extmul_high_i8x16_u",
    "i32x4.add",
    "i32x4.sub",
    "i32x4.mul",
    "i32x4.min_s",
    "i32x4.min_u",
    "i32x4.max_s",
    "i32x4.max_u",
    "i32x4.dot_i16x8_s",
    "i32x4.extmul_low_i16x8_s",
    "i32x4.extmul_high_i16x8_s",
    "i32x4.extmul_low_i16x8_u",
    "i32x4.extmul_high_i16x8_u",
    "i64x2.add",
    "i64x2.sub",
    "i64x2.mul",
    "i64x2.extmul_low_i32x4_s",
    "i64x2.extmul_high_i32x4_s",
    "i64x2.extmul_low_i32x4_u",
    "i64x2.extmul_high_i32x4_u",
    "f32x4.add",
    "f32x4.sub",
    "f32x4.mul",
    "f32x4.div",
    "f32x4.min",
    "f32x4.max",
    "f32x4.pmin",
    "f32x4.pmax",
    "f64x2.add",
    "f64x2.sub",
    "f64x2.mul",
    "f64x2.div",
    "f64x2.min",
    "f64x2.max",
    "f64x2.pmin",
    "f64x2.pmax",
    // relaxed SIMD: the same choice in every tier
    "i8x16.relaxed_swizzle",
    "f32x4.relaxed_min",
    "f32x4.relaxed_max",
    "f64x2.relaxed_min",
    "f64x2.relaxed_max",
    "i16x8.relaxed_q15mulr_s",
    "i16x8.relaxed_dot_i8x16_i7x16_s",
];

const UNARY: &[&str] = &[
    "v128.not",
    "f32x4.demote_f64x2_zero",
    "f64x2.promote_low_f32x4",
    "i8x16.abs",
    "i8x16.neg",
    "i8x16.popcnt",
    "f32x4.ceil",
    "f32x4.floor",
    "f32x4.trunc",
    "f32x4.nearest",
    "f64x2.ceil",
    "f64x2.floor",
    "f64x2.trunc",
    "f64x2.nearest",
    "i16x8.extadd_pairwise_i8x16_s",
    "i16x8.extadd_pairwise_i8x16_u",
    "i32x4.extadd_pairwise_i16x8_s",
    "i32x4.extadd_pairwise_i16x8_u",
    "i16x8.abs",
    "i16x8.neg",
    "i16x8.extend_low_i8x16_s",
    "i16x8.extend_high_i8x16_s",
    "i16x8.extend_low_i8x16_u",
    "i16x8.extend_high_i8x16_u",
    "i32x4.abs",
    "i32x4.neg",
    "i32x4.extend_low_i16x8_s",
    "i32x4.extend_high_i16x8_s",
    "i32x4.extend_low_i16x8_u",
    "i32x4.extend_high_i16x8_u",
    "i64x2.abs",
    "i64x2.neg",
    "i64x2.extend_low_i32x4_s",
    "i64x2.extend_high_i32x4_s",
    "i64x2.extend_low_i32x4_u",
    "i64x2.extend_high_i32x4_u",
    "f32x4.abs",
    "f32x4.neg",
    "f32x4.sqrt",
    "f64x2.abs",
    "f64x2.neg",
    "f64x2.sqrt",
    "i32x4.trunc_sat_f32x4_s",
    "i32x4.trunc_sat_f32x4_u",
    "f32x4.convert_i32x4_s",
    "f32x4.convert_i32x4_u",
    "i32x4.trunc_sat_f64x2_s_zero",
    "i32x4.trunc_sat_f64x2_u_zero",
    "f64x2.convert_low_i32x4_s",
    "f64x2.convert_low_i32x4_u",
    "i32x4.relaxed_trunc_f32x4_s",
    "i32x4.relaxed_trunc_f32x4_u",
    "i32x4.relaxed_trunc_f64x2_s_zero",
    "i32x4.relaxed_trunc_f64x2_u_zero",
];

const SHIFT: &[&str] = &[
    "i8x16.shl",
    "i8x16.shr_s",
    "i8x16.shr_u",
    "i16x8.shl",
    "i16x8.shr_s",
    "i16x8.shr_u",
    "i32x4.shl",
    "i32x4.shr_s",
    "i32x4.shr_u",
    "i64x2.shl",
    "i64x2.shr_s",
    "i64x2.shr_u",
];

/// Relaxed SIMD's three-operand instructions.
const TERNARY: &[&str] = &[
    "f32x4.relaxed_madd",
    "f32x4.relaxed_nmadd",
    "f64x2.relaxed_madd",
    "f64x2.relaxed_nmadd",
    "i8x16.relaxed_laneselect",
    "i16x8.relaxed_laneselect",
    "i32x4.relaxed_laneselect",
    "i64x2.relaxed_laneselect",
    "i32x4.relaxed_dot_i8x16_i7x16_add_s",
];

const TEST: &[&str] = &[
    "v128.any_true",
    "i8x16.all_true",
    "i16x8.all_true",
    "i32x4.all_true",
    "i64x2.all_true",
    "i8x16.bitmask",
    "i16x8.bitmask",
    "i32x4.bitmask",
    "i64x2.bitmask",
];

/// Operand vectors: float lanes around the edge cases (NaN payloads,
/// signalling NaNs, ±0, infinities, conversion bounds) and pseudo-random
/// bits.
fn operands() -> Vec<u128> {
    let f32s: [u32; 16] = [
        0x7f80_0001,
        0xffc0_0000,
        0x7fc1_2345,
        0x8000_0000,
        0,
        0x3f80_0000,
        0xbf00_0000,
        0x4b00_0001,
        0x7f80_0000,
        0xff80_0000,
        0x4f00_0000,
        0xcf00_0001,
        0x4f80_0000,
        0x3fc0_0000,
        0x4020_0000,
        0xff80_0001,
    ];
    let f64s: [u64; 12] = [
        0x7ff0_0000_0000_0001,
        0xfff8_0000_0000_0000,
        0x7ff8_dead_0000_beef,
        0x8000_0000_0000_0000,
        0,
        1.0f64.to_bits(),
        (-0.5f64).to_bits(),
        2147483648.0f64.to_bits(),
        4294967296.5f64.to_bits(),
        (-2147483649.0f64).to_bits(),
        2.5f64.to_bits(),
        f64::INFINITY.to_bits(),
    ];
    let mut out = Vec::new();
    for i in 0..f32s.len() {
        let l = |k: usize| u128::from(f32s[(i + k * 5) % f32s.len()]);
        out.push(l(0) | (l(1) << 32) | (l(2) << 64) | (l(3) << 96));
    }
    for i in 0..f64s.len() {
        out.push(u128::from(f64s[i]) | (u128::from(f64s[(i + 7) % f64s.len()]) << 64));
    }
    let mut x: u128 = 0x1234_5678_9abc_def0_0fed_cba9_8765_4321;
    for _ in 0..8 {
        x = x
            .wrapping_mul(0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645)
            .wrapping_add(0x5851_f42d_4c95_7f2d_1405_7b7e_f767_814f);
        out.push(x);
    }
    out.extend([0, u128::MAX, 0x8000_7fff_8000_7fff_8000_7fff_8000_7fff]);
    out
}

#[test]
fn every_simd_operator_matches_interpreter() {
    let mut wat = String::from("(module\n");
    for (i, op) in BINARY.iter().enumerate() {
        wat += &format!(
            "(func (export \"b{i}\") (param v128 v128) (result v128) ({op} (local.get 0) (local.get 1)))\n"
        );
    }
    for (i, op) in UNARY.iter().enumerate() {
        wat +=
            &format!("(func (export \"u{i}\") (param v128) (result v128) ({op} (local.get 0)))\n");
    }
    for (i, op) in SHIFT.iter().enumerate() {
        wat += &format!(
            "(func (export \"s{i}\") (param v128 i32) (result v128) ({op} (local.get 0) (local.get 1)))\n"
        );
    }
    for (i, op) in TEST.iter().enumerate() {
        wat +=
            &format!("(func (export \"t{i}\") (param v128) (result i32) ({op} (local.get 0)))\n");
    }
    for (i, op) in TERNARY.iter().enumerate() {
        wat += &format!(
            "(func (export \"r{i}\") (param v128 v128 v128) (result v128) ({op} (local.get 0) (local.get 1) (local.get 2)))\n"
        );
    }
    wat += ")";
    let wasm = wat2wasm(&wat).unwrap();
    let inputs = operands();
    let run = |strategy: Strategy| {
        let mut config = Config::new();
        config.strategy(strategy);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &wasm).unwrap();
        if strategy == Strategy::Jit {
            let n = BINARY.len() + UNARY.len() + SHIFT.len() + TEST.len() + TERNARY.len();
            assert_eq!(module.native_function_count(), n);
        }
        let mut store = Store::new(&engine);
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let mut results = Vec::new();
        let mut call = |name: String, args: &[Val], what: String| {
            let f = inst.get_func(&store, &name).unwrap();
            let mut out = [Val::I32(0)];
            f.call(&mut store, args, &mut out).unwrap();
            results.push((what, out[0]));
        };
        for (i, op) in BINARY.iter().enumerate() {
            for a in &inputs {
                for b in &inputs {
                    let what = format!("{op} {a:#034x} {b:#034x}");
                    call(format!("b{i}"), &[Val::V128(*a), Val::V128(*b)], what);
                }
            }
        }
        for (i, op) in UNARY.iter().enumerate() {
            for a in &inputs {
                call(format!("u{i}"), &[Val::V128(*a)], format!("{op} {a:#034x}"));
            }
        }
        for (i, op) in SHIFT.iter().enumerate() {
            for a in &inputs {
                for s in [0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 65, -1] {
                    let what = format!("{op} {a:#034x} {s}");
                    call(format!("s{i}"), &[Val::V128(*a), Val::I32(s)], what);
                }
            }
        }
        for (i, op) in TEST.iter().enumerate() {
            for a in &inputs {
                call(format!("t{i}"), &[Val::V128(*a)], format!("{op} {a:#034x}"));
            }
        }
        // Every third operand against a sample of pairs.
        for (i, op) in TERNARY.iter().enumerate() {
            for (k, a) in inputs.iter().enumerate() {
                for b in inputs.iter().skip(k % 3).step_by(3) {
                    for c in &inputs {
                        let what = format!("{op} {a:#034x} {b:#034x} {c:#034x}");
                        let args = [Val::V128(*a), Val::V128(*b), Val::V128(*c)];
                        call(format!("r{i}"), &args, what);
                    }
                }
            }
        }
        results
    };
    let interp = run(Strategy::Interpreter);
    let jit = run(Strategy::Jit);
    assert_eq!(interp.len(), jit.len());
    let mismatches: Vec<String> = interp
        .iter()
        .zip(&jit)
        .filter(|(i, j)| i.1 != j.1)
        .map(|(i, j)| format!("{}: interpreter {:x?}, jit {:x?}", i.0, i.1, j.1))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
}

/// Native code calling a host function with v128 arguments and results:
/// the slow path of a call, through the array convention (two slots per
/// v128, slot offsets from the types).
#[test]
fn v128_through_a_host_call() {
    let wasm = wat2wasm(
        r#"(module
          (import "host" "f" (func $f (param i32 v128 f32 v128) (result v128 i64 v128 i32)))
          (table funcref (elem $f))
          (type $t (func (param i32 v128 f32 v128) (result v128 i64 v128 i32)))
          (func (export "run") (param v128) (result v128 i64 v128 i32)
            (call $f (i32.const 3) (local.get 0) (f32.const 1.5) (i32x4.splat (i32.const 9))))
          (func (export "run_indirect") (param v128) (result v128 i64 v128 i32)
            (call_indirect (type $t)
              (i32.const 4) (local.get 0) (f32.const 2.5) (i64x2.splat (i64.const -1))
              (i32.const 0))))"#,
    )
    .unwrap();
    for strategy in [Strategy::Interpreter, Strategy::Jit] {
        let mut config = Config::new();
        config.strategy(strategy);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &wasm).unwrap();
        if strategy == Strategy::Jit {
            assert_eq!(module.native_function_count(), 2);
        }
        let mut store = Store::new(&engine);
        let ty = FuncType::new(
            [ValType::I32, ValType::V128, ValType::F32, ValType::V128],
            [ValType::V128, ValType::I64, ValType::V128, ValType::I32],
        );
        let f = Func::new(&mut store, ty, |_, args, res| {
            let (Val::I32(n), Val::V128(a), Val::F32(x), Val::V128(b)) =
                (args[0], args[1], args[2], args[3])
            else {
                panic!("argument types {args:?}");
            };
            res[0] = Val::V128(b.rotate_left(8 * n as u32));
            res[1] = Val::I64(f32::from_bits(x) as i64 + 100);
            res[2] = Val::V128(a ^ b);
            res[3] = Val::I32(n * 2);
            Ok(())
        });
        let inst = Instance::new(&mut store, &module, &[Extern::Func(f)]).unwrap();
        let a = 0x0011_2233_4455_6677_8899_aabb_ccdd_eeffu128;
        for (name, n, x, b) in [
            (
                "run",
                3,
                1.5f32,
                0x0000_0009_0000_0009_0000_0009_0000_0009u128,
            ),
            ("run_indirect", 4, 2.5, u128::MAX),
        ] {
            let func = inst.get_func(&store, name).unwrap();
            let mut out = [Val::I32(0); 4];
            func.call(&mut store, &[Val::V128(a)], &mut out).unwrap();
            assert_eq!(
                out,
                [
                    Val::V128(b.rotate_left(8 * n as u32)),
                    Val::I64(x as i64 + 100),
                    Val::V128(a ^ b),
                    Val::I32(n * 2),
                ],
                "{name} with {strategy:?}"
            );
        }
    }
}

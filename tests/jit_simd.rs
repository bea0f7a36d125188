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
        assert_eq!(module.native_function_count(), 7, "a function was left out");
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
    assert!(jit[12].is_err(), "out-of-bounds lane store traps");
}

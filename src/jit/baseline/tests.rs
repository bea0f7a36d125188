//! The baseline compiler through the engine: its code runs (and is what
//! runs), traps with the interpreter's codes and frames, calls and is
//! called by the other tiers, and leaves what it does not take to them.

use crate::engine::{wat2wasm, Config, Engine, Instance, Module, Store, Strategy, Tier, Val};
use crate::runtime::TrapCode;

fn engine() -> Engine {
    let mut config = Config::new();
    config.strategy(Strategy::Auto).baseline(true);
    Engine::new(&config)
}

fn instance(text: &str) -> (Store, Instance) {
    let engine = engine();
    let module = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

fn call(
    store: &mut Store,
    instance: &Instance,
    name: &str,
    args: &[Val],
    results: usize,
) -> Vec<Val> {
    let f = instance.get_func(store, name).unwrap();
    let mut out = vec![Val::I32(0); results];
    f.call(store, args, &mut out).unwrap();
    out
}

fn i32_of(v: &Val) -> i32 {
    match v {
        Val::I32(x) => *x,
        other => panic!("not an i32: {other:?}"),
    }
}

const PROGRAM: &str = r#"(module
  (memory 1)
  (global $g (mut i64) (i64.const 5))
  (table 2 funcref)
  (elem (i32.const 0) $fac $sum)
  (type $unary (func (param i32) (result i32)))
  (func $fac (export "fac") (param $n i32) (result i32)
    (if (result i32) (i32.le_s (local.get $n) (i32.const 1))
      (then (i32.const 1))
      (else (i32.mul (local.get $n) (call $fac (i32.sub (local.get $n) (i32.const 1)))))))
  (func $sum (export "sum") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
        (local.set $acc (i32.add (local.get $acc)
                                 (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  (func (export "indirect") (param $which i32) (param $x i32) (result i32)
    (call_indirect (type $unary) (local.get $x) (local.get $which)))
  (func (export "mixed") (param $x f64) (param $y i64) (result f64 i64)
    (global.set $g (i64.add (global.get $g) (local.get $y)))
    (f64.add (local.get $x) (f64.convert_i64_s (global.get $g)))
    (i64.rem_s (global.get $g) (i64.const -1)))
  (func (export "switch") (param $x i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get $x)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $deep (export "deep") (param i32) (result i32)
    (call $deep (local.get 0)))
  (func (export "load") (param i32) (result i32)
    (i32.load offset=4 (local.get 0)))
  (func (export "simd") (result i32)
    (i32x4.extract_lane 0 (v128.const i32x4 7 0 0 0))))"#;

#[test]
fn functions_run_as_machine_code() {
    let (mut store, inst) = instance(PROGRAM);
    let out = call(&mut store, &inst, "fac", &[Val::I32(10)], 1);
    assert_eq!(i32_of(&out[0]), 3_628_800);
    assert_eq!(
        inst.get_func(&store, "fac").unwrap().tier(&store),
        Tier::Native
    );
    let out = call(&mut store, &inst, "sum", &[Val::I32(100)], 1);
    assert_eq!(i32_of(&out[0]), 4950);
    let out = call(
        &mut store,
        &inst,
        "indirect",
        &[Val::I32(0), Val::I32(5)],
        1,
    );
    assert_eq!(i32_of(&out[0]), 120);
    let out = call(
        &mut store,
        &inst,
        "indirect",
        &[Val::I32(1), Val::I32(5)],
        1,
    );
    assert_eq!(i32_of(&out[0]), 10);
    let f = inst.get_func(&store, "mixed").unwrap();
    let mut out = [Val::I32(0), Val::I32(0)];
    f.call(
        &mut store,
        &[Val::F64(1.5f64.to_bits()), Val::I64(10)],
        &mut out,
    )
    .unwrap();
    assert!(matches!(out[0], Val::F64(b) if f64::from_bits(b) == 16.5));
    assert!(matches!(out[1], Val::I64(0)));
    for (x, want) in [(0, 10), (1, 20), (2, 30), (7, 30)] {
        let out = call(&mut store, &inst, "switch", &[Val::I32(x)], 1);
        assert_eq!(i32_of(&out[0]), want);
    }
    // Not taken (SIMD): interpreted.
    let out = call(&mut store, &inst, "simd", &[], 1);
    assert_eq!(i32_of(&out[0]), 7);
    assert_eq!(
        inst.get_func(&store, "simd").unwrap().tier(&store),
        Tier::Interpreter
    );
}

#[test]
fn traps_have_their_codes_and_frames() {
    let (mut store, inst) = instance(PROGRAM);
    let div = inst.get_func(&store, "div").unwrap();
    let trap = div
        .call(&mut store, &[Val::I32(1), Val::I32(0)], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::IntegerDivisionByZero));
    let frames: Vec<(u32, usize)> = trap
        .trace()
        .iter()
        .map(|f| (f.func_index, f.func_offset))
        .collect();
    // The div operator: after the local declarations byte and two
    // `local.get`s (2 bytes each).
    assert_eq!(frames, [(5, 5)]);
    let trap = div
        .call(
            &mut store,
            &[Val::I32(i32::MIN), Val::I32(-1)],
            &mut [Val::I32(0)],
        )
        .unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::IntegerOverflow));

    let trap = inst
        .get_func(&store, "load")
        .unwrap()
        .call(&mut store, &[Val::I32(65533)], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
    let trap = inst
        .get_func(&store, "indirect")
        .unwrap()
        .call(&mut store, &[Val::I32(2), Val::I32(0)], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::UndefinedElement));

    // Unbounded recursion ends in a trap, not a crash, with frames of
    // the native code, and the store goes on working.
    let trap = inst
        .get_func(&store, "deep")
        .unwrap()
        .call(&mut store, &[Val::I32(0)], &mut [Val::I32(0)])
        .unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::StackExhausted));
    assert!(trap.trace().len() > 1);
    assert!(trap.trace().iter().all(|f| f.func_index == 6));
    let out = call(&mut store, &inst, "fac", &[Val::I32(5)], 1);
    assert_eq!(i32_of(&out[0]), 120);
}

#[test]
fn calls_cross_tiers_both_ways() {
    // $twice is interpreted (it has a v128 local), $inc is machine code;
    // each calls the other's kind, and the host calls both.
    let text = r#"(module
      (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func $twice (export "twice") (param i32) (result i32) (local v128)
        (call $inc (call $inc (local.get 0))))
      (func (export "outer") (param i32) (result i32)
        (i32.mul (call $twice (local.get 0)) (i32.const 10))))"#;
    let (mut store, inst) = instance(text);
    let out = call(&mut store, &inst, "outer", &[Val::I32(4)], 1);
    assert_eq!(i32_of(&out[0]), 60);
    assert_eq!(
        inst.get_func(&store, "twice").unwrap().tier(&store),
        Tier::Interpreter
    );
    assert_eq!(
        inst.get_func(&store, "outer").unwrap().tier(&store),
        Tier::Native
    );
}

//! End-to-end checks of the Rust API on small modules.

mod common;

use common::call;
use wasmrt::*;

fn instance(src: &str) -> (Store, Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat2wasm(src).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    (store, inst)
}

#[test]
fn recursive_fib() {
    let (mut s, i) = instance(
        r#"(module (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#,
    );
    assert_eq!(
        call(&mut s, i, "fib", &[Val::I32(20)]).unwrap(),
        vec![Val::I32(6765)]
    );
}

#[test]
fn loop_with_locals() {
    let (mut s, i) = instance(
        r#"(module (func (export "sum") (param $n i32) (result i64) (local $acc i64)
            (block $done (loop $l
              (br_if $done (i32.eqz (local.get $n)))
              (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $l)))
            (local.get $acc)))"#,
    );
    assert_eq!(
        call(&mut s, i, "sum", &[Val::I32(100)]).unwrap(),
        vec![Val::I64(5050)]
    );
}

#[test]
fn traps_carry_code_and_trace() {
    let (mut s, i) = instance(
        r#"(module (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
                   (func (export "outer") (param i32) (result i32) (call $inner (local.get 0))))"#,
    );
    let t = call(&mut s, i, "outer", &[Val::I32(0)]).unwrap_err();
    assert_eq!(t.message(), "integer divide by zero");
    assert_eq!(t.trace().len(), 2);
    assert_eq!(t.trace()[0].func_index, 0);
    assert_eq!(t.trace()[1].func_index, 1);
}

#[test]
fn trap_frames_point_at_their_operators() {
    // Bodies (offsets from the locals count): $inner `00 41 01 20 00 6d
    // 0b`, the division at 5; outer `00 20 00 10 00 0b`, the call at 3.
    let (mut s, i) = instance(
        r#"(module (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
                   (func (export "outer") (param i32) (result i32) (call $inner (local.get 0))))"#,
    );
    // The second trap reads the offsets the first one looked up.
    for _ in 0..2 {
        let t = call(&mut s, i, "outer", &[Val::I32(0)]).unwrap_err();
        let at: Vec<(u32, usize)> = t
            .trace()
            .iter()
            .map(|f| (f.func_index, f.func_offset))
            .collect();
        assert_eq!(at, [(0, 5), (1, 3)]);
        assert!(t.trace()[0].module_offset > t.trace()[0].func_offset);
        assert_eq!(
            t.trace()[1].module_offset - t.trace()[0].module_offset,
            8 + 3 - 5,
            "the second body starts 8 bytes after the first"
        );
    }
}

#[test]
fn infinite_recursion_is_a_trap() {
    let (mut s, i) = instance(r#"(module (func $f (export "f") (call $f)))"#);
    let t = call(&mut s, i, "f", &[]).unwrap_err();
    assert_eq!(t.message(), "call stack exhausted");
}

#[test]
fn host_function_and_memory() {
    let engine = Engine::default();
    let wasm = wat2wasm(
        r#"(module (import "env" "double" (func $d (param i32) (result i32)))
            (memory (export "mem") 1)
            (func (export "run") (param i32) (result i32)
              (i32.store (i32.const 8) (call $d (local.get 0)))
              (i32.load (i32.const 8))))"#,
    )
    .unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine);
    let d = Func::new(
        &mut store,
        FuncType::new([ValType::I32], [ValType::I32]),
        |_c, args, res| {
            res[0] = Val::I32(args[0].unwrap_i32() * 2);
            Ok(())
        },
    );
    let inst = Instance::new(&mut store, &module, &[Extern::Func(d)]).unwrap();
    assert_eq!(
        call(&mut store, inst, "run", &[Val::I32(21)]).unwrap(),
        vec![Val::I32(42)]
    );
    let mem = inst
        .get_export(&store, "mem")
        .unwrap()
        .into_memory()
        .unwrap();
    assert_eq!(mem.data(&store)[8], 42);
}

/// Runs `name` with i32 args in a fresh instance of `src`.
fn run_i32(src: &str, name: &str, args: &[i32]) -> Vec<Val> {
    let (mut s, i) = instance(src);
    let args: Vec<Val> = args.iter().map(|a| Val::I32(*a)).collect();
    call(&mut s, i, name, &args).unwrap()
}

#[test]
fn local_read_before_a_block_that_overwrites_it() {
    // The value of $x pushed before the block must not change when the
    // block (conditionally) sets $x.
    let src = r#"(module (func (export "f") (param $x i32) (param $c i32) (result i32)
        (local.get $x)
        (block (br_if 0 (local.get $c)) (local.set $x (i32.const 100)))
        (local.get $x) (i32.add)))"#;
    assert_eq!(run_i32(src, "f", &[1, 1]), vec![Val::I32(2)]);
    assert_eq!(run_i32(src, "f", &[1, 0]), vec![Val::I32(101)]);
}

#[test]
fn local_set_while_old_value_is_on_the_stack() {
    let src = r#"(module (func (export "f") (param $x i32) (result i32)
        (local.get $x)
        (local.set $x (i32.add (local.get $x) (i32.const 5)))
        (local.get $x) (i32.sub)))"#;
    assert_eq!(run_i32(src, "f", &[10]), vec![Val::I32(-5)]);
}

#[test]
fn local_tee_swap() {
    let src = r#"(module (func (export "f") (param $a i32) (param $b i32) (result i32) (local $t i32)
        (local.set $t (local.get $a))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (i32.sub (local.get $a) (local.get $b))))"#;
    assert_eq!(run_i32(src, "f", &[3, 10]), vec![Val::I32(7)]);
}

#[test]
fn br_table_carries_values() {
    let src = r#"(module (func (export "f") (param i32) (result i32)
        (block $b0 (result i32)
          (block $b1 (result i32)
            (block $b2 (result i32)
              (i32.const 7) (local.get 0) (br_table $b0 $b1 $b2))
            (i32.add (i32.const 100)))
          (i32.add (i32.const 1000)))))"#;
    assert_eq!(run_i32(src, "f", &[0]), vec![Val::I32(7)]);
    assert_eq!(run_i32(src, "f", &[1]), vec![Val::I32(1007)]);
    assert_eq!(run_i32(src, "f", &[2]), vec![Val::I32(1107)]);
    assert_eq!(run_i32(src, "f", &[9]), vec![Val::I32(1107)]);
}

#[test]
fn multi_value_blocks_and_returns() {
    let src = r#"(module
        (func $pair (param i32) (result i32 i32) (local.get 0) (i32.mul (local.get 0) (i32.const 2)))
        (func (export "f") (param i32) (result i32 i32 i32)
          (i32.const 1) (local.get 0)
          (block (param i32) (result i32 i32) (call $pair))
          (if (param i32 i32) (result i32 i32) (local.get 0)
            (then (i32.add) (i32.const 9))
            (else))))"#;
    assert_eq!(
        run_i32(src, "f", &[5]),
        vec![Val::I32(1), Val::I32(5 + 10), Val::I32(9)]
    );
    assert_eq!(
        run_i32(src, "f", &[0]),
        vec![Val::I32(1), Val::I32(0), Val::I32(0)]
    );
}

#[test]
fn loop_with_params_and_br_if_values() {
    // Sum 1..n using loop parameters instead of locals.
    let src = r#"(module (func (export "f") (param $n i32) (result i32)
        (i32.const 0) (local.get $n)
        (loop $l (param i32 i32) (result i32 i32)
          (local.set $n)
          (i32.add (local.get $n))
          (i32.sub (local.get $n) (i32.const 1))
          (br_if $l (i32.ne (local.get $n) (i32.const 1))))
        (drop)))"#;
    assert_eq!(run_i32(src, "f", &[10]), vec![Val::I32(55)]);
}

#[test]
fn select_and_comparisons_fused_into_if() {
    let src = r#"(module (func (export "max") (param i32 i32) (result i32)
        (if (result i32) (i32.gt_s (local.get 0) (local.get 1))
          (then (local.get 0)) (else (local.get 1))))
        (func (export "min") (param i32 i32) (result i32)
        (select (local.get 0) (local.get 1) (i32.lt_s (local.get 0) (local.get 1)))))"#;
    assert_eq!(run_i32(src, "max", &[3, -4]), vec![Val::I32(3)]);
    assert_eq!(run_i32(src, "max", &[-3, 4]), vec![Val::I32(4)]);
    assert_eq!(run_i32(src, "min", &[3, -4]), vec![Val::I32(-4)]);
}

#[test]
fn call_indirect_checks() {
    let src = r#"(module
        (type $ii (func (param i32) (result i32)))
        (table 3 funcref)
        (elem (i32.const 0) $inc $other)
        (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
        (func $other (result i32) (i32.const 0))
        (func (export "f") (param i32 i32) (result i32)
          (call_indirect (type $ii) (local.get 1) (local.get 0))))"#;
    let (mut s, i) = instance(src);
    let f = |s: &mut Store, idx| call(s, i, "f", &[Val::I32(idx), Val::I32(41)]);
    assert_eq!(f(&mut s, 0).unwrap(), vec![Val::I32(42)]);
    assert_eq!(
        f(&mut s, 1).unwrap_err().message(),
        "indirect call type mismatch"
    );
    assert_eq!(f(&mut s, 2).unwrap_err().message(), "uninitialized element");
    assert_eq!(f(&mut s, 3).unwrap_err().message(), "undefined element");
}

#[test]
fn fused_float_compares_respect_nan() {
    // `if` branches on the negated comparison: with a NaN operand both
    // `lt` and its negation must behave as the unfused code would.
    let src = r#"(module (func (export "f") (param f64 f64) (result i32)
        (if (result i32) (f64.lt (local.get 0) (local.get 1))
          (then (i32.const 1)) (else (i32.const 0))))
        (func (export "g") (param f64 f64) (result i32)
        (block (br_if 0 (f64.ge (local.get 0) (local.get 1))) (return (i32.const 0)))
        (i32.const 1)))"#;
    let (mut s, i) = instance(src);
    let nan = Val::f64(f64::NAN);
    let one = Val::f64(1.0);
    let two = Val::f64(2.0);
    for (name, args, want) in [
        ("f", [one, two], 1),
        ("f", [two, one], 0),
        ("f", [nan, one], 0),
        ("f", [one, nan], 0),
        ("g", [two, one], 1),
        ("g", [one, two], 0),
        ("g", [nan, one], 0),
    ] {
        assert_eq!(
            call(&mut s, i, name, &args).unwrap(),
            vec![Val::I32(want)],
            "{name}{args:?}"
        );
    }
}

#[test]
fn fused_address_adds_keep_wrapping_semantics() {
    // i32.add wraps before the access: p = -4 plus 8 addresses byte 4.
    let src = r#"(module (memory 1)
        (data (i32.const 4) "\2a\00\00\00")
        (func (export "load_imm") (param $p i32) (result i32) (i32.load (i32.add (local.get $p) (i32.const 8))))
        (func (export "load_reg") (param $p i32) (param $q i32) (result i64)
          (i64.load (i32.add (local.get $p) (local.get $q))))
        (func (export "store_imm") (param $p i32) (param $v i32)
          (i32.store (i32.add (local.get $p) (i32.const 8)) (local.get $v)))
        (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))"#;
    let (mut s, i) = instance(src);
    assert_eq!(
        call(&mut s, i, "load_imm", &[Val::I32(-4)]).unwrap(),
        vec![Val::I32(42)]
    );
    let t = call(&mut s, i, "load_imm", &[Val::I32(65530)]).unwrap_err();
    assert_eq!(t.message(), "out of bounds memory access");
    assert_eq!(
        call(&mut s, i, "load_reg", &[Val::I32(-12), Val::I32(16)]).unwrap(),
        vec![Val::I64(42)]
    );
    call(&mut s, i, "store_imm", &[Val::I32(-8), Val::I32(7)]).unwrap();
    assert_eq!(
        call(&mut s, i, "peek", &[Val::I32(0)]).unwrap(),
        vec![Val::I32(7)]
    );
    let t = call(&mut s, i, "store_imm", &[Val::I32(65528), Val::I32(1)]).unwrap_err();
    assert_eq!(t.message(), "out of bounds memory access");
}

/// A host function that calls back into wasm (which calls the host again)
/// gets a usable store each time, and the outer call goes on afterwards.
#[test]
fn host_functions_reenter_wasm() {
    let engine = Engine::default();
    let wasm = wat2wasm(
        r#"(module
             (import "host" "down" (func $down (param i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "count") (param i32) (result i32)
               (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
               (if (result i32) (i32.eqz (local.get 0))
                 (then (i32.load (i32.const 0)))
                 (else (call $down (i32.sub (local.get 0) (i32.const 1)))))))"#,
    )
    .unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine);
    let ty = FuncType::new([ValType::I32], [ValType::I32]);
    let down = Func::new(&mut store, ty, |caller, args, results| {
        let count = caller.get_export("count").unwrap().into_func().unwrap();
        count.call(caller.store, args, results)
    });
    let inst = Instance::new(&mut store, &module, &[Extern::Func(down)]).unwrap();
    assert_eq!(
        call(&mut store, inst, "count", &[Val::I32(50)]).unwrap(),
        vec![Val::I32(51)]
    );
    let mem = inst
        .get_export(&store, "memory")
        .unwrap()
        .into_memory()
        .unwrap();
    assert_eq!(mem.data(&store)[0], 51);
}

/// A panic in a host function unwinds through wasm frames to the caller of
/// `Func::call`, and the store stays usable.
#[test]
fn host_panics_reach_the_caller() {
    let engine = Engine::default();
    let wasm = wat2wasm(
        r#"(module (import "host" "boom" (func $boom))
                   (func (export "f") (call $boom))
                   (func (export "ok") (result i32) (i32.const 7)))"#,
    )
    .unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine);
    let boom = Func::new(&mut store, FuncType::new([], []), |_, _, _| {
        panic!("host went boom")
    });
    let inst = Instance::new(&mut store, &module, &[Extern::Func(boom)]).unwrap();
    let f = inst.get_func(&store, "f").unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = f.call(&mut store, &[], &mut []);
    }));
    let payload = caught.expect_err("the panic must reach the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"host went boom"));
    assert_eq!(
        call(&mut store, inst, "ok", &[]).unwrap(),
        vec![Val::I32(7)]
    );
}

/// A results slice of the wrong length does not stop the call: the
/// function runs (its trap wins), then the mismatch is reported.
#[test]
fn wrong_result_count_still_runs_the_function() {
    let (mut s, i) = instance(
        r#"(module (memory (export "m") 1)
             (func (export "bump") (result i32)
               (i32.store (i32.const 0) (i32.const 9)) (i32.const 1))
             (func (export "trap") (result i32) unreachable))"#,
    );
    let bump = i.get_func(&s, "bump").unwrap();
    let err = bump.call(&mut s, &[], &mut []).unwrap_err();
    assert!(err.message().contains("results"), "{}", err.message());
    let mem = i.get_export(&s, "m").unwrap().into_memory().unwrap();
    assert_eq!(mem.data(&s)[0], 9);
    let trap = i.get_func(&s, "trap").unwrap();
    let err = trap.call(&mut s, &[], &mut []).unwrap_err();
    assert_eq!(err.code(), Some(TrapCode::Unreachable));
}

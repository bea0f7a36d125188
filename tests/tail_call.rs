//! Tail calls (`return_call`, `return_call_indirect`, `return_call_ref`)
//! run in constant stack, in every strategy: the interpreter replaces its
//! frame, native code jumps (Cranelift's `return_call`).
//!
//! The engine here allows a call depth of only 64 and a value stack of a
//! few KiB, so any tail call that pushed a frame would trap with "call
//! stack exhausted" long before the loops below end.
//!
//! Iteration counts: a release build (`cargo test --release`, which
//! `scripts/test.sh` runs) loops 1,000,000,000 times through `return_call`;
//! a debug build, about fifty times slower, loops 2,000,000 times (the
//! same code path, a smaller count). The other loops are smaller in both.

mod common;

use common::{call, strategies};
use wasmrt::*;

/// The `return_call` loop's count: a billion in release builds.
const ITERATIONS: i64 = if cfg!(debug_assertions) {
    2_000_000
} else {
    1_000_000_000
};

/// Each strategy's engine, with the small limits.
fn engines() -> Vec<(&'static str, Engine)> {
    strategies()
        .into_iter()
        .map(|(name, mut config)| {
            config.max_call_depth(64).max_wasm_stack(4096);
            (name, Engine::new(&config))
        })
        .collect()
}

const LOOPS: &str = r#"(module
  (import "host" "add" (func $host_add (param i64 i64) (result i64)))
  (type $step (func (param i64 i64) (result i64)))
  (table funcref (elem $even $odd))
  ;; count down n, counting the steps in acc
  (func $loop (export "loop") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $loop (i64.sub (local.get $n) (i64.const 1))
                               (i64.add (local.get $acc) (i64.const 1))))))
  ;; mutual recursion through the table: even/odd alternate
  (func $even (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call_indirect (type $step)
              (i64.sub (local.get $n) (i64.const 1)) (local.get $acc) (i32.const 1)))))
  (func $odd (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call_indirect (type $step)
              (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 1))
              (i32.const 0)))))
  (func (export "even_odd") (param i64) (result i64)
    (return_call $even (local.get 0) (i64.const 0)))
  ;; a tail call whose callee has more parameters and locals than the caller
  (func (export "widen") (param i64) (result i64)
    (return_call $wide (local.get 0) (i64.const 1) (i64.const 2) (i64.const 3)))
  (func $wide (param i64 i64 i64 i64) (result i64) (local i64 i64 i64)
    (i64.add (i64.add (local.get 0) (local.get 1))
             (i64.add (local.get 2) (i64.add (local.get 3) (local.get 4)))))
  ;; the same loop through a typed function reference
  (elem declare func $ref_loop)
  (func $ref_loop (export "ref_loop") (type $step)
    (if (result i64) (i64.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call_ref $step (i64.sub (local.get 0) (i64.const 1))
                                   (i64.add (local.get 1) (i64.const 1))
                                   (ref.func $ref_loop)))))
  ;; a tail call to a host function
  (func (export "to_host") (param i64) (result i64)
    (return_call $host_add (local.get 0) (i64.const 100))))"#;

fn loops(engine: &Engine) -> (Store, Instance) {
    let module = Module::new(engine, &wat2wasm(LOOPS).unwrap()).unwrap();
    let mut store = Store::new(engine);
    let ty = FuncType::new([ValType::I64, ValType::I64], [ValType::I64]);
    let add = Func::new(&mut store, ty, |_, args, results| {
        let (Val::I64(a), Val::I64(b)) = (args[0], args[1]) else {
            unreachable!()
        };
        results[0] = Val::I64(a + b);
        Ok(())
    });
    let inst = Instance::new(&mut store, &module, &[Extern::Func(add)]).unwrap();
    (store, inst)
}

/// `ITERATIONS` `return_call`s of a function to itself.
#[test]
fn return_call_loop_runs_in_constant_stack() {
    for (name, engine) in engines() {
        let (mut s, i) = loops(&engine);
        // A first short call tiers the function up under `auto` (the
        // next call switches to its native code).
        call(&mut s, i, "loop", &[Val::I64(3), Val::I64(0)]).unwrap();
        let r = call(&mut s, i, "loop", &[Val::I64(ITERATIONS), Val::I64(0)]).unwrap();
        assert_eq!(r, vec![Val::I64(ITERATIONS)], "{name}");
        if name != "interp" {
            let f = i.get_func(&s, "loop").unwrap();
            assert_eq!(
                f.tier(&s),
                Tier::Native,
                "{name}: the loop ran as native code"
            );
        }
    }
}

/// `ITERATIONS` `return_call_ref`s of a function to itself.
#[test]
fn return_call_ref_loop_runs_in_constant_stack() {
    for (name, engine) in engines() {
        let (mut s, i) = loops(&engine);
        // A first short call tiers the function up under `auto` (the
        // next call switches to its native code).
        call(&mut s, i, "ref_loop", &[Val::I64(3), Val::I64(0)]).unwrap();
        let r = call(&mut s, i, "ref_loop", &[Val::I64(ITERATIONS), Val::I64(0)]).unwrap();
        assert_eq!(r, vec![Val::I64(ITERATIONS)], "{name}");
        if name != "interp" {
            let f = i.get_func(&s, "ref_loop").unwrap();
            assert_eq!(f.tier(&s), Tier::Native, "{name}");
        }
    }
}

#[test]
fn return_call_indirect_mutual_recursion_runs_in_constant_stack() {
    for (name, engine) in engines() {
        let (mut s, i) = loops(&engine);
        let n = 1_000_001;
        let r = call(&mut s, i, "even_odd", &[Val::I64(n)]).unwrap();
        // Every odd-numbered step counts one: (n + 1) / 2 when starting even.
        assert_eq!(r, vec![Val::I64(n / 2)], "{name}");
    }
}

#[test]
fn tail_calls_to_larger_frames_and_to_the_host() {
    for (name, engine) in engines() {
        let (mut s, i) = loops(&engine);
        let widen = call(&mut s, i, "widen", &[Val::I64(10)]).unwrap();
        assert_eq!(widen, vec![Val::I64(16)], "{name}");
        let to_host = call(&mut s, i, "to_host", &[Val::I64(5)]).unwrap();
        assert_eq!(to_host, vec![Val::I64(105)], "{name}");
    }
}

/// A tail call that traps reports the trap, and the store stays usable.
#[test]
fn traps_through_tail_calls() {
    let wat = r#"(module
      (type $t (func (param i32) (result i32)))
      (table funcref (elem $f))
      (func $f (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
      (func (export "div") (param i32) (result i32)
        (return_call_indirect (type $t) (local.get 0) (i32.const 0)))
      (func (export "missing") (param i32) (result i32)
        (return_call_indirect (type $t) (local.get 0) (i32.const 5))))"#;
    for (name, engine) in engines() {
        let module = Module::new(&engine, &wat2wasm(wat).unwrap()).unwrap();
        let mut s = Store::new(&engine);
        let i = Instance::new(&mut s, &module, &[]).unwrap();
        let t = call(&mut s, i, "div", &[Val::I32(0)]).unwrap_err();
        assert_eq!(t.code(), Some(TrapCode::IntegerDivisionByZero), "{name}");
        let t = call(&mut s, i, "missing", &[Val::I32(1)]).unwrap_err();
        assert_eq!(t.code(), Some(TrapCode::UndefinedElement), "{name}");
        assert_eq!(
            call(&mut s, i, "div", &[Val::I32(1)]).unwrap(),
            [Val::I32(1)],
            "{name}"
        );
    }
}

/// The same loop with a plain call does exhaust this engine's stack: the
/// limits above are small enough to tell the two apart.
#[test]
fn the_same_loop_without_tail_calls_exhausts_the_stack() {
    for (name, engine) in engines() {
        the_same_loop_without_tail_calls_exhausts(name, &engine);
    }
}

fn the_same_loop_without_tail_calls_exhausts(name: &str, engine: &Engine) {
    let wasm = wat2wasm(
        r#"(module (func $loop (export "loop") (param i64) (result i64)
             (if (result i64) (i64.eqz (local.get 0))
               (then (i64.const 0))
               (else (call $loop (i64.sub (local.get 0) (i64.const 1)))))))"#,
    )
    .unwrap();
    let module = Module::new(engine, &wasm).unwrap();
    let mut store = Store::new(engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let t = call(&mut store, inst, "loop", &[Val::I64(1000)]).unwrap_err();
    assert_eq!(t.code(), Some(TrapCode::StackExhausted), "{name}");
}

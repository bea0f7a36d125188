//! Typed function references (WebAssembly 3.0) through the Rust API, in
//! every strategy: `call_ref`, `return_call_ref`, `ref.as_non_null`,
//! `br_on_null`, `br_on_non_null`, non-nullable locals and tables, and the
//! type checks at the host boundary.

mod common;

use common::{call, strategies};
use wasmrt::*;

fn i32s(v: &[i32]) -> Vec<Val> {
    v.iter().map(|&x| Val::I32(x)).collect()
}

const REFS: &str = r#"(module
  (type $binop (func (param i32 i32) (result i32)))
  (type $count (func (param i64 i64) (result i64)))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  ;; a non-null table: its initialiser fills every element
  (table $ops 2 (ref $binop) (ref.func $add))
  (elem (table $ops) (i32.const 1) (ref $binop) (ref.func $sub))
  (global $op (mut (ref null $binop)) (ref.null $binop))
  (elem declare func $count_down)

  (func (export "apply") (param $i i32) (param $a i32) (param $b i32) (result i32)
    (call_ref $binop (local.get $a) (local.get $b) (table.get $ops (local.get $i))))
  (func (export "apply_indirect") (param $i i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect $ops (type $binop) (local.get $a) (local.get $b) (local.get $i)))
  (func (export "call_null") (result i32)
    (call_ref $binop (i32.const 1) (i32.const 2) (global.get $op)))
  (func (export "set_op") (param $i i32)
    (global.set $op (table.get $ops (local.get $i))))
  (func (export "as_non_null") (result i32)
    (call_ref $binop (i32.const 7) (i32.const 5) (ref.as_non_null (global.get $op))))

  ;; br_on_null to a block: -1 for null, else the call's result
  (func (export "or_minus_one") (result i32)
    (block $null
      (return (call_ref $binop (i32.const 10) (i32.const 3)
                (br_on_null $null (global.get $op)))))
    (i32.const -1))
  ;; br_on_non_null carrying values to a block and to the function level
  (func (export "non_null_block") (result i32)
    (i32.add (i32.const 100)
      (call_ref $binop (i32.const 4)
        (block $some (result i32 (ref $binop))
          (br_on_non_null $some (i32.const 20) (global.get $op))
          (return (i32.const -2))))))
  (func (export "non_null_function") (result (ref null $binop))
    (br_on_non_null 0 (global.get $op))
    (ref.func $add))
  ;; br_on_null to a loop: counts the iterations until the op is set
  (func (export "loop_until_set") (param $n i32) (result i32) (local $k i32)
    (loop $again
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (if (i32.ge_u (local.get $k) (local.get $n))
        (then (global.set $op (table.get $ops (i32.const 0)))))
      (drop (br_on_null $again (global.get $op))))
    (local.get $k))

  ;; a non-nullable local, set at the function level and read in nested
  ;; blocks (a set inside a block counts only to that block's end)
  (func (export "local_across_blocks") (param $i i32) (result i32)
    (local $f (ref $binop))
    (local.set $f (table.get $ops (local.get $i)))
    (block (result i32)
      (block (result i32)
        (call_ref $binop (i32.const 9) (i32.const 4) (local.get $f)))))

  ;; return_call_ref counting down in constant stack
  (func $count_down (export "count_down") (type $count)
    (if (result i64) (i64.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call_ref $count
              (i64.sub (local.get 0) (i64.const 1))
              (i64.add (local.get 1) (i64.const 2))
              (ref.func $count_down))))))"#;

#[test]
fn typed_references_run_alike_in_every_tier() {
    let wasm = wat2wasm(REFS).unwrap();
    for (name, config) in strategies() {
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &wasm).unwrap();
        let mut s = Store::new(&engine);
        let i = Instance::new(&mut s, &module, &[]).unwrap();
        let c = |s: &mut Store, f: &str, args: &[i32]| call(s, i, f, &i32s(args));

        assert_eq!(
            c(&mut s, "apply", &[0, 6, 2]).unwrap(),
            i32s(&[8]),
            "{name}"
        );
        assert_eq!(
            c(&mut s, "apply", &[1, 6, 2]).unwrap(),
            i32s(&[4]),
            "{name}"
        );
        assert_eq!(c(&mut s, "apply_indirect", &[1, 6, 2]).unwrap(), i32s(&[4]));
        let t = c(&mut s, "apply", &[2, 6, 2]).unwrap_err();
        assert_eq!(t.code(), Some(TrapCode::TableOutOfBounds), "{name}");

        let t = c(&mut s, "call_null", &[]).unwrap_err();
        assert_eq!(t.code(), Some(TrapCode::NullFunctionReference), "{name}");
        assert!(
            t.to_string().contains("null function reference"),
            "{name}: {t}"
        );
        let t = c(&mut s, "as_non_null", &[]).unwrap_err();
        assert_eq!(t.code(), Some(TrapCode::NullReference), "{name}");
        assert_eq!(
            c(&mut s, "or_minus_one", &[]).unwrap(),
            i32s(&[-1]),
            "{name}"
        );
        assert_eq!(
            c(&mut s, "non_null_block", &[]).unwrap(),
            i32s(&[-2]),
            "{name}"
        );
        let r = c(&mut s, "non_null_function", &[]).unwrap();
        assert!(matches!(r[..], [Val::FuncRef(Some(_))]), "{name}");

        // The loop sets the op on its third iteration.
        assert_eq!(
            c(&mut s, "loop_until_set", &[3]).unwrap(),
            i32s(&[3]),
            "{name}"
        );
        assert_eq!(
            c(&mut s, "as_non_null", &[]).unwrap(),
            i32s(&[12]),
            "{name}"
        );
        assert_eq!(
            c(&mut s, "or_minus_one", &[]).unwrap(),
            i32s(&[13]),
            "{name}"
        );
        assert_eq!(
            c(&mut s, "non_null_block", &[]).unwrap(),
            i32s(&[124]),
            "{name}"
        );
        let r = c(&mut s, "non_null_function", &[]).unwrap();
        let Val::FuncRef(Some(op)) = r[0] else {
            panic!("{name}: {r:?}")
        };
        let mut out = [Val::I32(0)];
        op.call(&mut s, &i32s(&[2, 3]), &mut out).unwrap();
        assert_eq!(out, [Val::I32(5)], "{name}");

        c(&mut s, "set_op", &[1]).unwrap();
        assert_eq!(c(&mut s, "call_null", &[]).unwrap(), i32s(&[-1]), "{name}");
        assert_eq!(c(&mut s, "local_across_blocks", &[1]).unwrap(), i32s(&[5]));

        let n = 1_000_000;
        let r = call(&mut s, i, "count_down", &[Val::I64(n), Val::I64(0)]).unwrap();
        assert_eq!(r, vec![Val::I64(2 * n)], "{name}");
    }
}

/// Under `jit`, functions using the new instructions are compiled, not
/// left to the interpreter.
#[test]
fn the_jit_compiles_the_new_instructions() {
    let mut config = Config::new();
    config.strategy(Strategy::Jit);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &wat2wasm(REFS).unwrap()).unwrap();
    let mut s = Store::new(&engine);
    let i = Instance::new(&mut s, &module, &[]).unwrap();
    for name in [
        "apply",
        "as_non_null",
        "or_minus_one",
        "non_null_block",
        "non_null_function",
        "loop_until_set",
        "local_across_blocks",
    ] {
        let f = i.get_func(&s, name).unwrap();
        assert_eq!(f.tier(&s), Tier::Native, "{name}");
    }
}

/// Values from the host are checked against typed signatures: no null
/// where a non-nullable reference is expected, no function of another
/// signature, in calls, globals and tables.
#[test]
fn the_host_boundary_checks_typed_references() {
    let src = r#"(module
      (type $unary (func (param i32) (result i32)))
      (func $inc (export "inc") (type $unary) (i32.add (local.get 0) (i32.const 1)))
      (func $other (export "other") (param i64))
      (func (export "take") (param $f (ref $unary)) (result i32)
        (call_ref $unary (i32.const 41) (local.get $f)))
      (func (export "take_null") (param $f (ref null $unary)) (result i32)
        (if (result i32) (ref.is_null (local.get $f))
          (then (i32.const -1))
          (else (call_ref $unary (i32.const 1) (local.get $f)))))
      (global (export "g") (mut (ref null $unary)) (ref.null $unary))
      (table (export "t") 1 (ref null $unary)))"#;
    for (name, config) in strategies() {
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &wat2wasm(src).unwrap()).unwrap();
        let mut s = Store::new(&engine);
        let i = Instance::new(&mut s, &module, &[]).unwrap();
        let inc = i.get_func(&s, "inc").unwrap();
        let other = i.get_func(&s, "other").unwrap();

        let ok = call(&mut s, i, "take", &[Val::FuncRef(Some(inc))]).unwrap();
        assert_eq!(ok, i32s(&[42]), "{name}");
        let t = call(&mut s, i, "take", &[Val::FuncRef(None)]).unwrap_err();
        assert!(t.to_string().contains("argument 0"), "{name}: {t}");
        let t = call(&mut s, i, "take", &[Val::FuncRef(Some(other))]).unwrap_err();
        assert!(t.to_string().contains("argument 0"), "{name}: {t}");
        let r = call(&mut s, i, "take_null", &[Val::FuncRef(None)]).unwrap();
        assert_eq!(r, i32s(&[-1]), "{name}");

        let Some(Extern::Global(g)) = i.get_export(&s, "g") else {
            panic!("global g")
        };
        assert!(g.set(&mut s, Val::FuncRef(Some(other))).is_err(), "{name}");
        g.set(&mut s, Val::FuncRef(Some(inc))).unwrap();
        g.set(&mut s, Val::FuncRef(None)).unwrap();
        let Some(Extern::Table(t)) = i.get_export(&s, "t") else {
            panic!("table t")
        };
        assert!(
            t.set(&mut s, 0, Val::FuncRef(Some(other))).is_err(),
            "{name}"
        );
        t.set(&mut s, 0, Val::FuncRef(Some(inc))).unwrap();
    }
}

/// Linking: an immutable global of type `(ref $t)` satisfies an import of
/// `funcref` (a subtype); a mutable one must match exactly. Function types
/// of two modules are the same type when they are structurally equal.
#[test]
fn imports_follow_reference_subtyping() {
    let engine = Engine::default();
    let exporter = r#"(module
      (type $t (func (result i32)))
      (func $f (result i32) (i32.const 7))
      (global (export "const") (ref $t) (ref.func $f))
      (global (export "var") (mut (ref null $t)) (ref.func $f)))"#;
    let m = Module::new(&engine, &wat2wasm(exporter).unwrap()).unwrap();
    let mut s = Store::new(&engine);
    let e = Instance::new(&mut s, &m, &[]).unwrap();
    let (Some(cg), Some(vg)) = (e.get_export(&s, "const"), e.get_export(&s, "var")) else {
        panic!("exports")
    };

    let importer = |ty: &str| {
        format!(r#"(module (type $u (func (result i32))) (import "m" "g" (global {ty})))"#)
    };
    let link = |s: &mut Store, ty: &str, g: Extern| {
        let m = Module::new(&engine, &wat2wasm(&importer(ty)).unwrap()).unwrap();
        Instance::new(s, &m, &[g]).map(|_| ())
    };
    link(&mut s, "funcref", cg).unwrap();
    link(&mut s, "(ref null $u)", cg).unwrap();
    link(&mut s, "(ref $u)", cg).unwrap();
    assert!(link(&mut s, "externref", cg).is_err());
    link(&mut s, "(mut (ref null $u))", vg).unwrap();
    assert!(link(&mut s, "(mut funcref)", vg).is_err());
    assert!(link(&mut s, "(mut (ref $u))", vg).is_err());
}

/// With the proposal switched off, modules using it are refused.
#[test]
fn the_proposal_can_be_switched_off() {
    let mut config = Config::new();
    config.features(Features {
        function_references: false,
        ..Features::default()
    });
    let engine = Engine::new(&config);
    let wasm = wat2wasm(REFS).unwrap();
    assert!(Module::new(&engine, &wasm).is_err());
    assert!(Module::new(&Engine::default(), &wasm).is_ok());
}

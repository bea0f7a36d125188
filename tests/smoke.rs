//! End-to-end checks of the Rust API on small modules.

use wasmrt::*;

fn instance(src: &str) -> (Store, Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat2wasm(src).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    (store, inst)
}

fn call(store: &mut Store, inst: Instance, name: &str, args: &[Val]) -> Result<Vec<Val>, Trap> {
    let f = inst.get_func(store, name).unwrap();
    let n = f.ty(store).results().len();
    let mut out = vec![Val::I32(0); n];
    f.call(store, args, &mut out)?;
    Ok(out)
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

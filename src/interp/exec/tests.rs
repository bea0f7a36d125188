//! Traps and limits of the executor.

use crate::engine::*;
use crate::runtime::TrapCode;

/// Runs export "f" of `body` (a module's fields) and returns its trap.
fn trap_of(fields: &str) -> Trap {
    let engine = Engine::default();
    let wasm = wat2wasm(&format!("(module {fields})")).unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&store, "f").unwrap();
    let n = f.ty(&store).results().len();
    let mut results = vec![Val::I32(0); n];
    f.call(&mut store, &[], &mut results).unwrap_err()
}

#[test]
fn every_trap_code_the_interpreter_raises() {
    let cases: &[(&str, TrapCode)] = &[
        ("(func (export \"f\") unreachable)", TrapCode::Unreachable),
        (
            "(memory 1) (func (export \"f\") (result i32) (i32.load (i32.const 65533)))",
            TrapCode::MemoryOutOfBounds,
        ),
        (
            "(memory 1) (func (export \"f\") (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000)))",
            TrapCode::MemoryOutOfBounds,
        ),
        (
            "(table 1 funcref) (func (export \"f\") (result funcref) (table.get (i32.const 1)))",
            TrapCode::TableOutOfBounds,
        ),
        (
            "(type $t (func)) (table 1 funcref) (func (export \"f\") (call_indirect (type $t) (i32.const 5)))",
            TrapCode::UndefinedElement,
        ),
        (
            "(type $t (func)) (table 1 funcref) (func (export \"f\") (call_indirect (type $t) (i32.const 0)))",
            TrapCode::UninitializedElement,
        ),
        (
            "(type $t (func)) (table 1 funcref) (elem (i32.const 0) $g) (func $g (param i32)) (func (export \"f\") (call_indirect (type $t) (i32.const 0)))",
            TrapCode::IndirectCallTypeMismatch,
        ),
        (
            "(func (export \"f\") (result i32) (i32.rem_u (i32.const 1) (i32.const 0)))",
            TrapCode::IntegerDivisionByZero,
        ),
        (
            "(func (export \"f\") (result i64) (i64.div_s (i64.const 0x8000000000000000) (i64.const -1)))",
            TrapCode::IntegerOverflow,
        ),
        (
            "(func (export \"f\") (result i32) (i32.trunc_f64_u (f64.const -1)))",
            TrapCode::IntegerOverflow,
        ),
        (
            "(func (export \"f\") (result i32) (i32.trunc_f32_s (f32.const nan)))",
            TrapCode::InvalidConversionToInteger,
        ),
        (
            "(func $f (export \"f\") (result i32) (i32.add (call $f) (i32.const 1)))",
            TrapCode::StackExhausted,
        ),
    ];
    for (fields, code) in cases {
        let t = trap_of(fields);
        assert_eq!(t.code(), Some(*code), "{fields}");
        assert_eq!(t.message(), code.message());
        assert!(!t.trace().is_empty(), "{fields}: no backtrace");
    }
}

#[test]
fn stack_limit_follows_the_config() {
    let wasm = wat2wasm(
        "(module (func $f (export \"f\") (param i32) (result i32)
           (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
             (else (i32.add (i32.const 1) (call $f (i32.sub (local.get 0) (i32.const 1))))))))",
    )
    .unwrap();
    let run = |config: &Config, depth: i32| {
        let engine = Engine::new(config);
        let module = Module::new(&engine, &wasm).unwrap();
        let mut store = Store::new(&engine);
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let f = inst.get_func(&store, "f").unwrap();
        let mut r = [Val::I32(0)];
        f.call(&mut store, &[Val::I32(depth)], &mut r).map(|_| r[0])
    };
    let mut small = Config::new();
    small.max_call_depth(100);
    assert_eq!(run(&small, 50).unwrap(), Val::I32(50));
    let t = run(&small, 500).unwrap_err();
    assert_eq!(t.code(), Some(TrapCode::StackExhausted));
    assert_eq!(run(&Config::new(), 10_000).unwrap(), Val::I32(10_000));
}

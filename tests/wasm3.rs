//! WebAssembly 3.0 proposals through the Rust API, in every strategy:
//! multiple memories, memory64 bounds near 2^64, table64, and switching
//! proposals off.

mod common;

use common::{call, strategies};
use wasmrt::*;

/// An instance of `src` per strategy; under `jit`, every function of it
/// is native code.
fn instances(src: &str) -> Vec<(&'static str, Store, Instance)> {
    let wasm = wat2wasm(src).unwrap();
    strategies()
        .into_iter()
        .map(|(name, config)| {
            let engine = Engine::new(&config);
            let module = Module::new(&engine, &wasm).unwrap();
            let mut store = Store::new(&engine);
            let inst = Instance::new(&mut store, &module, &[]).unwrap();
            if name == "jit" {
                for (export, ext) in inst.exports(&store) {
                    if let Extern::Func(f) = ext {
                        assert_eq!(f.tier(&store), Tier::Native, "{export}");
                    }
                }
            }
            (name, store, inst)
        })
        .collect()
}

#[test]
fn multiple_memories_are_separate() {
    for (name, mut s, i) in instances(
        r#"(module
          (memory $a (export "a") 1)
          (memory $b (export "b") 1 3)
          (data (memory $b) (i32.const 8) "\2a")
          (func (export "copy") (param i32) (result i32)
            (i32.store $a (local.get 0) (i32.load8_u $b (i32.const 8)))
            (i32.add (i32.load $a (local.get 0)) (i32.load $b (local.get 0))))
          (func (export "grow_b") (result i32) (memory.grow $b (i32.const 2)))
          (func (export "size_b") (result i32) (memory.size $b))
          (func (export "last_b") (result i32) (i32.load8_u $b (i32.const 196607))))"#,
    ) {
        multiple_memories(name, &mut s, i);
    }
}

fn multiple_memories(name: &str, s: &mut Store, i: Instance) {
    eprintln!("multiple memories: {name}");
    assert_eq!(
        call(s, i, "copy", &[Val::I32(100)]).unwrap(),
        vec![Val::I32(42)]
    );
    assert_eq!(
        call(s, i, "last_b", &[]).unwrap_err().code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(call(s, i, "grow_b", &[]).unwrap(), vec![Val::I32(1)]);
    assert_eq!(call(s, i, "size_b", &[]).unwrap(), vec![Val::I32(3)]);
    assert_eq!(call(s, i, "last_b", &[]).unwrap(), vec![Val::I32(0)]);
    assert_eq!(call(s, i, "grow_b", &[]).unwrap(), vec![Val::I32(-1)]);
    let a = i.get_export(s, "a").unwrap().into_memory().unwrap();
    assert_eq!(a.data(s)[100], 42, "{name}");
    assert_eq!(a.size(s), 1, "{name}");
}

#[test]
fn memory64_bounds_do_not_wrap_near_2_pow_64() {
    for (name, mut s, i) in instances(
        r#"(module
          (memory i64 1)
          (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
          (func (export "load_off") (param i64) (result i32)
            (i32.load offset=0xffff_ffff_ffff_fff0 (local.get 0)))
          (func (export "store") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
          (func (export "size") (result i64) (memory.size))
          (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))"#,
    ) {
        memory64_bounds(name, &mut s, i);
    }
}

fn memory64_bounds(name: &str, s: &mut Store, i: Instance) {
    eprintln!("memory64: {name}");
    let oob =
        |r: Result<Vec<Val>, Trap>| r.unwrap_err().code() == Some(TrapCode::MemoryOutOfBounds);
    call(s, i, "store", &[Val::I64(65532), Val::I32(7)]).unwrap();
    assert_eq!(
        call(s, i, "load", &[Val::I64(65532)]).unwrap(),
        vec![Val::I32(7)]
    );
    assert!(oob(call(s, i, "load", &[Val::I64(65533)])));
    for addr in [-1i64, -4, -16, i64::MIN, 1 << 32] {
        assert!(oob(call(s, i, "load", &[Val::I64(addr)])), "{addr}");
    }
    // address + offset overflows 64 bits.
    for addr in [0x10i64, 0x20, -1] {
        assert!(oob(call(s, i, "load_off", &[Val::I64(addr)])), "{addr}");
    }
    assert_eq!(call(s, i, "size", &[]).unwrap(), vec![Val::I64(1)]);
    assert_eq!(
        call(s, i, "grow", &[Val::I64(1)]).unwrap(),
        vec![Val::I64(1)]
    );
    assert_eq!(
        call(s, i, "grow", &[Val::I64(1 << 48)]).unwrap(),
        vec![Val::I64(-1)]
    );
    assert_eq!(
        call(s, i, "grow", &[Val::I64(-1)]).unwrap(),
        vec![Val::I64(-1)]
    );
    assert_eq!(call(s, i, "size", &[]).unwrap(), vec![Val::I64(2)]);
}

#[test]
fn table64_call_indirect_takes_an_i64_index() {
    for (name, mut s, i) in instances(
        r#"(module
          (type $t (func (result i32)))
          (table i64 2 funcref)
          (elem (i64.const 1) func $seven)
          (func $seven (result i32) (i32.const 7))
          (func (export "call") (param i64) (result i32)
            (call_indirect (type $t) (local.get 0)))
          (func (export "size") (result i64) (table.size)))"#,
    ) {
        table64(name, &mut s, i);
    }
}

fn table64(name: &str, s: &mut Store, i: Instance) {
    eprintln!("table64: {name}");
    assert_eq!(
        call(s, i, "call", &[Val::I64(1)]).unwrap(),
        vec![Val::I32(7)]
    );
    let t = call(s, i, "call", &[Val::I64(1 << 32 | 1)]).unwrap_err();
    assert_eq!(t.code(), Some(TrapCode::UndefinedElement));
    assert_eq!(call(s, i, "size", &[]).unwrap(), vec![Val::I64(2)]);
}

/// Switches one proposal off.
type SwitchOff = fn(&mut Features);

#[test]
fn proposals_can_be_switched_off() {
    let cases: [(&str, SwitchOff); 5] = [
        ("(module (memory 1) (memory 1))", |f| f.multi_memory = false),
        ("(module (memory i64 1))", |f| f.memory64 = false),
        (
            "(module (func $f) (func (return_call $f)))",
            |f| f.tail_call = false,
        ),
        (
            "(module (func (param v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 0))))",
            |f| f.relaxed_simd = false,
        ),
        (
            "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
            |f| f.extended_const = false,
        ),
    ];
    for (src, off) in cases {
        let wasm = wat2wasm(src).unwrap();
        assert!(Module::new(&Engine::default(), &wasm).is_ok(), "{src}");
        let mut config = Config::new();
        let mut f = config.get_features();
        off(&mut f);
        config.features(f);
        assert!(Module::new(&Engine::new(&config), &wasm).is_err(), "{src}");
    }
}

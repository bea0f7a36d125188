//! The WebAssembly 3.0 type system through the Rust API, in every
//! strategy: recursion groups (types equal only with their whole group),
//! declared subtypes at `call_indirect` and at link time, final types, and
//! the refusal of modules that would need GC objects.

mod common;

use common::{call, strategies};
use wasmrt::*;

/// A table of functions whose types are a declared hierarchy
/// (`$leaf <: $mid <: $root`) plus a look-alike in another rec group.
const HIERARCHY: &str = r#"(module
  (type $root (sub (func (result i32))))
  (type $mid (sub $root (func (result i32))))
  (type $leaf (sub final $mid (func (result i32))))
  (rec (type $other (func (result i32))) (type (struct)))
  (func $r (type $root) (i32.const 1))
  (func $m (type $mid) (i32.const 2))
  (func $l (type $leaf) (i32.const 3))
  (func $o (type $other) (i32.const 4))
  (table funcref (elem $r $m $l $o))
  (func (export "as_root") (param i32) (result i32)
    (call_indirect (type $root) (local.get 0)))
  (func (export "as_mid") (param i32) (result i32)
    (call_indirect (type $mid) (local.get 0)))
  (func (export "as_leaf") (param i32) (result i32)
    (call_indirect (type $leaf) (local.get 0)))
  (export "leaf" (func $l))
  (export "other" (func $o))
)"#;

fn expect(r: Result<Vec<Val>, Trap>) -> Result<i32, String> {
    match r {
        Ok(v) => Ok(v[0].unwrap_i32()),
        Err(t) => Err(t.message().to_string()),
    }
}

#[test]
fn call_indirect_accepts_declared_subtypes_only() {
    let mismatch = || Err("indirect call type mismatch".to_string());
    for (name, config) in strategies() {
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &wat2wasm(HIERARCHY).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let mut at = |export: &str, i: i32| expect(call(&mut store, inst, export, &[Val::I32(i)]));
        assert_eq!(at("as_root", 0), Ok(1), "{name}");
        assert_eq!(at("as_root", 1), Ok(2), "{name}");
        assert_eq!(at("as_root", 2), Ok(3), "{name}: two levels down");
        assert_eq!(at("as_mid", 2), Ok(3), "{name}");
        assert_eq!(
            at("as_mid", 0),
            mismatch(),
            "{name}: a supertype is not a subtype"
        );
        assert_eq!(at("as_leaf", 1), mismatch(), "{name}");
        assert_eq!(
            at("as_root", 3),
            mismatch(),
            "{name}: same signature, other group"
        );
        if name != "interp" {
            let f = inst.get_func(&store, "leaf").unwrap();
            assert_eq!(f.tier(&store), Tier::Native, "{name}");
        }
    }
}

#[test]
fn imports_match_by_type_identity_and_subtyping() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let module = Module::new(&engine, &wat2wasm(HIERARCHY).unwrap()).unwrap();
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let leaf = inst.get_func(&store, "leaf").unwrap();
    let other = inst.get_func(&store, "other").unwrap();
    let importer = |ty: &str| {
        let wat = format!(
            r#"(module
                 (type $root (sub (func (result i32))))
                 (type $mid (sub $root (func (result i32))))
                 (type $leaf (sub final $mid (func (result i32))))
                 (rec (type $other (func (result i32))) (type (struct)))
                 (import "m" "f" (func (type {ty}))))"#
        );
        Module::new(&engine, &wat2wasm(&wat).unwrap()).unwrap()
    };
    let link = |store: &mut Store, ty: &str, f: Func| {
        Instance::new(store, &importer(ty), &[Extern::Func(f)]).map(|_| ())
    };
    assert!(
        link(&mut store, "$root", leaf).is_ok(),
        "a subtype satisfies the import"
    );
    assert!(link(&mut store, "$leaf", leaf).is_ok());
    assert!(
        link(&mut store, "$other", other).is_ok(),
        "same rec group in another module"
    );
    let err = link(&mut store, "$root", other).unwrap_err();
    assert!(
        err.to_string().contains("incompatible import type"),
        "{err}"
    );
    assert!(link(&mut store, "$other", leaf).is_err());
    // A host function has a final type alone in its group: it matches a
    // plain `(type (func ...))`, not a look-alike inside a larger group.
    let ty = FuncType::new([], [ValType::I32]);
    let host = Func::new(&mut store, ty, |_, _, out| {
        out[0] = Val::I32(5);
        Ok(())
    });
    assert!(link(&mut store, "$other", host).is_err());
    let plain = Module::new(
        &engine,
        &wat2wasm(r#"(module (import "m" "f" (func (result i32))))"#).unwrap(),
    )
    .unwrap();
    assert!(Instance::new(&mut store, &plain, &[Extern::Func(host)]).is_ok());
}

#[test]
fn gc_instructions_are_refused_as_unsupported() {
    let engine = Engine::default();
    for wat in [
        "(module (type $s (struct (field i32))) (func (result i32) (struct.get $s 0 (struct.new $s (i32.const 1)))))",
        "(module (func (param i32) (result i31ref) (ref.i31 (local.get 0))))",
        "(module (func (param externref) (result anyref) (any.convert_extern (local.get 0))))",
        "(module (type $a (array i8)) (global (ref $a) (array.new_fixed $a 0)))",
        "(module (func (param anyref) (result i32) (ref.eq (ref.null eq) (ref.null eq))))",
        "(module (global i31ref (ref.i31 (i32.const 1))))",
    ] {
        let bytes = wat2wasm(wat).unwrap();
        for err in [
            Module::new(&engine, &bytes).unwrap_err(),
            Module::validate(&engine, &bytes).unwrap_err(),
        ] {
            assert!(matches!(err, Error::Unsupported { .. }), "{wat}: {err}");
            assert!(err.to_string().contains("GC objects are not supported"), "{err}");
        }
    }
    // An invalid module is invalid, GC instruction or not.
    let invalid = "(module (type $s (struct)) (func (struct.new $s)) (func (result i32)))";
    let bytes = wat2wasm(invalid).unwrap();
    for err in [
        Module::new(&engine, &bytes).unwrap_err(),
        Module::validate(&engine, &bytes).unwrap_err(),
    ] {
        assert!(matches!(err, Error::Compile { .. }), "{err}");
    }
}

#[test]
fn gc_types_alone_are_accepted() {
    let engine = Engine::default();
    for wat in [
        "(module (rec (type (func)) (type (struct (field i32)))))",
        "(module (type $a (array i8)) (func (param (ref null $a))))",
        "(module (global anyref (ref.null none)) (func (local eqref i31ref)))",
        "(module (type $t (sub (func))) (type (sub $t (func))) (func (type 1)))",
    ] {
        let bytes = wat2wasm(wat).unwrap();
        Module::validate(&engine, &bytes).unwrap_or_else(|e| panic!("{wat}: {e}"));
        Module::new(&engine, &bytes).unwrap_or_else(|e| panic!("{wat}: {e}"));
    }
}

/// GC types without GC instructions: every such reference is null, in
/// every tier and at the host boundary.
const NULL_ONLY: &str = r#"(module
  (type $s (struct (field i32)))
  (global $g (export "g") (mut anyref) (ref.null none))
  (table $t (export "t") 2 (ref null $s))
  (func (export "id") (param eqref) (result eqref) (local.get 0))
  (func (export "is_null") (param anyref) (result i32) (ref.is_null (local.get 0)))
  (func (export "from_table") (result (ref null $s)) (table.get $t (i32.const 1)))
  (func (export "nullfunc") (result nullfuncref) (ref.null nofunc))
  (func (export "cast_fails") (param (ref null $s)) (result i32)
    (block $null (br_on_null $null (local.get 0)) (return (i32.const 1)))
    (i32.const 0))
)"#;

#[test]
fn gc_types_hold_only_null() {
    for (name, config) in strategies() {
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &wat2wasm(NULL_ONLY).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let null = Val::AnyRef(None);
        assert_eq!(
            call(&mut store, inst, "id", &[null]).unwrap(),
            [null],
            "{name}"
        );
        assert_eq!(
            call(&mut store, inst, "is_null", &[null]).unwrap(),
            [Val::I32(1)],
            "{name}"
        );
        assert_eq!(
            call(&mut store, inst, "from_table", &[]).unwrap(),
            [null],
            "{name}"
        );
        assert_eq!(
            call(&mut store, inst, "cast_fails", &[null]).unwrap(),
            [Val::I32(0)],
            "{name}"
        );
        assert_eq!(
            call(&mut store, inst, "nullfunc", &[]).unwrap(),
            [Val::FuncRef(None)],
            "{name}: the bottom of the function types"
        );
        // Values of other hierarchies are refused where a GC type is due.
        let f = inst.get_func(&store, "is_null").unwrap();
        let err = f.call(&mut store, &[Val::FuncRef(None)], &mut [Val::I32(0)]);
        assert!(err.is_err(), "{name}");
        let g = inst
            .get_export(&store, "g")
            .and_then(Extern::into_global)
            .unwrap();
        assert_eq!(g.get(&store), null, "{name}");
        assert!(g.set(&mut store, Val::ExternRef(None)).is_err(), "{name}");
        assert!(g.set(&mut store, null).is_ok(), "{name}");
    }
}

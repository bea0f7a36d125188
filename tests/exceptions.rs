//! Exception handling (WebAssembly 3.0) through the Rust API, in every
//! strategy: throwing and catching across interpreted, native and host
//! frames, tags shared by import, exceptions escaping to the host and
//! thrown by it, and traps that no handler may catch.

mod common;

use common::{call, strategies};
use wasmrt::*;

const GUEST: &str = r#"(module
  (import "host" "tag" (tag $host_tag (param i32)))
  (import "host" "throw" (func $host_throw (param i32)))
  (tag $e (export "e") (param i32 i64))
  (tag $empty)

  ;; throws $e from a plain function (no handler inside: compiled by the
  ;; JIT), with a value computed from its argument
  (func $thrower (param $x i32)
    (throw $e (local.get $x) (i64.extend_i32_u (i32.mul (local.get $x) (i32.const 2)))))
  ;; a native-compilable frame between catcher and thrower
  (func $middle (param $x i32) (result i32)
    (call $thrower (local.get $x))
    (i32.const -1))

  (func (export "catch_payload") (param $x i32) (result i64) (local $b i64)
    (block $h (result i32 i64)
      (try_table (catch $e $h)
        (drop (call $middle (local.get $x))))
      (return (i64.const -1)))
    (local.set $b)
    (i64.add (i64.extend_i32_u) (local.get $b)))

  ;; catch_all, and the handler of an outer function after an inner one
  ;; that does not match
  (func $inner (param $x i32) (result i32)
    (block $h
      (try_table (catch $empty $h)
        (drop (call $middle (local.get $x))))
      (return (i32.const 100)))
    (i32.const 200))
  (func (export "outer") (param $x i32) (result i32)
    (block $h
      (try_table (catch_all $h)
        (return (call $inner (local.get $x)))))
    (i32.const 300))

  ;; catch_ref then throw_ref: the same exception goes on to the host
  (func (export "rethrow") (param $x i32)
    (block $h (result i32 i64 exnref)
      (try_table (catch_ref $e $h)
        (call $thrower (local.get $x)))
      (return))
    (throw_ref))

  ;; an exception the host throws, caught by the guest
  (func (export "catch_host") (param $x i32) (result i32)
    (block $h (result i32)
      (try_table (catch $host_tag $h)
        (call $host_throw (local.get $x)))
      (return (i32.const -1))))

  ;; traps pass every handler
  (func (export "trap") (result i32)
    (block $h
      (try_table (catch_all $h)
        (unreachable)))
    (i32.const 1))

  ;; a loop that throws and catches many times (handlers re-entered)
  (func (export "count") (param $n i32) (result i32) (local $k i32)
    (loop $l
      (block $h
        (try_table (catch $empty $h) (throw $empty)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (local.get $n))))
    (local.get $k))

  (func (export "uncaught") (param $x i32) (call $thrower (local.get $x))))"#;

fn guest(config: &Config) -> (Store, Instance, Tag, Tag) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, &wat2wasm(GUEST).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let host_tag = Tag::new(
        &mut store,
        TagType {
            params: FuncType::new([ValType::I32], []),
        },
    );
    let throw_ty = FuncType::new([ValType::I32], []);
    let throw = Func::new(&mut store, throw_ty, move |caller, args, _| {
        let exn = ExnRef::new(caller.store, host_tag, &[args[0]]).expect("payload");
        Err(Trap::throw(exn))
    });
    let inst = Instance::new(
        &mut store,
        &module,
        &[Extern::Tag(host_tag), Extern::Func(throw)],
    )
    .unwrap();
    let Some(Extern::Tag(e)) = inst.get_export(&store, "e") else {
        panic!("tag export")
    };
    (store, inst, host_tag, e)
}

#[test]
fn exceptions_are_thrown_and_caught_alike_in_every_tier() {
    for (name, config) in strategies() {
        let (mut s, i, _, e) = guest(&config);
        let r = call(&mut s, i, "catch_payload", &[Val::I32(7)]).unwrap();
        assert_eq!(r, vec![Val::I64(7 + 14)], "{name}");
        assert_eq!(
            call(&mut s, i, "outer", &[Val::I32(1)]).unwrap(),
            vec![Val::I32(300)],
            "{name}"
        );
        assert_eq!(
            call(&mut s, i, "catch_host", &[Val::I32(42)]).unwrap(),
            vec![Val::I32(42)],
            "{name}"
        );
        assert_eq!(
            call(&mut s, i, "count", &[Val::I32(10_000)]).unwrap(),
            vec![Val::I32(10_000)],
            "{name}"
        );

        // A trap is not an exception: try_table lets it through.
        let t = call(&mut s, i, "trap", &[]).unwrap_err();
        assert_eq!(t.code(), Some(TrapCode::Unreachable), "{name}");
        assert!(t.exception().is_none(), "{name}");

        // An exception escaping to the host: its tag and payload.
        for f in ["uncaught", "rethrow"] {
            let t = call(&mut s, i, f, &[Val::I32(5)]).unwrap_err();
            let exn = t.exception().expect("an exception");
            assert_eq!(exn.tag(&s), e, "{name} {f}");
            assert_eq!(
                exn.payload(&s),
                vec![Val::I32(5), Val::I64(10)],
                "{name} {f}"
            );
            assert_eq!(t.message(), "uncaught exception", "{name} {f}");
        }
        // The store stays usable.
        let r = call(&mut s, i, "catch_payload", &[Val::I32(1)]).unwrap();
        assert_eq!(r, vec![Val::I64(3)], "{name}");
    }
}

/// In every strategy; under `jit`, functions that throw (`throw`,
/// `throw_ref`) and functions with `try_table` are native: a handler catches what a callee (native,
/// interpreted or host) throws, what its own body throws, and lets traps
/// through.
#[test]
fn native_code_throws_and_catches() {
    for (name, config) in strategies() {
        throws_and_catches(name, &config);
    }
}

fn throws_and_catches(strategy: &str, config: &Config) {
    let src = r#"(module
      (tag $e (export "e") (param i32 f64 v128))
      (tag $f (param i32))
      (func $throw (export "throw") (param i32)
        (throw $e (local.get 0) (f64.const 2.5) (v128.const i64x2 7 8)))
      (func (export "rethrow") (param exnref) (throw_ref (local.get 0)))
      (func (export "catch") (param i32) (result i32 f64 i64)
        (local $v v128)
        (block $h (result i32 f64 v128)
          (try_table (catch $e $h) (call $throw (local.get 0)))
          (unreachable))
        (local.set $v)
        (i64x2.extract_lane 1 (local.get $v)))
      ;; thrown by the body itself, caught by the inner or the outer table
      (func (export "own") (param i32) (result i32)
        (block $outer (result i32)
          (try_table (catch $f $outer)
            (block $inner
              (try_table (catch_all $inner)
                (if (local.get 0) (then (throw $f (i32.const 40)))))
              (return (i32.const -1)))
            ;; caught by the inner table: thrown again, for the outer one
            (throw $f (i32.const 41)))
          (unreachable))
        (i32.const 1)
        (i32.add))
      ;; catch_ref then throw_ref inside another try_table; the loop retries
      (func (export "retry") (param $n i32) (result i32)
        (local $tries i32) (local $x exnref)
        (loop $again
          (local.set $tries (i32.add (local.get $tries) (i32.const 1)))
          (local.set $x
            (block $caught (result exnref)
              (try_table (catch_all_ref $caught)
                (if (i32.lt_u (local.get $tries) (local.get $n))
                  (then (throw $f (local.get $tries)))))
              (return (local.get $tries))))
          ;; rethrown inside another table, caught again, then retried
          (drop
            (block $again_h (result exnref)
              (try_table (catch_all_ref $again_h) (throw_ref (local.get $x)))
              (unreachable)))
          (br $again))
        (unreachable))
      ;; traps are never caught
      (func (export "trap") (result i32)
        (block $h (try_table (catch_all $h) (call $boom)))
        (i32.const 0))
      (func $boom (unreachable)))"#;
    let engine = Engine::new(config);
    let module = Module::new(&engine, &wat2wasm(src).unwrap()).unwrap();
    let mut s = Store::new(&engine);
    let i = Instance::new(&mut s, &module, &[]).unwrap();
    if strategy == "jit" {
        for (name, ext) in i.exports(&s) {
            if let Extern::Func(f) = ext {
                assert_eq!(f.tier(&s), Tier::Native, "{name}");
            }
        }
    }
    let r = call(&mut s, i, "catch", &[Val::I32(4)]).unwrap();
    assert_eq!(
        r,
        vec![Val::I32(4), Val::f64(2.5), Val::I64(8)],
        "{strategy}"
    );
    let own = |s: &mut Store, x| call(s, i, "own", &[Val::I32(x)]).unwrap();
    assert_eq!(own(&mut s, 1), [Val::I32(42)], "{strategy}");
    assert_eq!(own(&mut s, 0), [Val::I32(-1)], "{strategy}");
    let retry = call(&mut s, i, "retry", &[Val::I32(5)]).unwrap();
    assert_eq!(retry, [Val::I32(5)], "{strategy}");
    let t = call(&mut s, i, "trap", &[]).unwrap_err();
    assert_eq!(t.code(), Some(TrapCode::Unreachable), "{strategy}");
    assert!(t.exception().is_none(), "{strategy}");

    let t = call(&mut s, i, "throw", &[Val::I32(3)]).unwrap_err();
    let exn = t.exception().expect("an exception");
    let payload = exn.payload(&s);
    assert_eq!(payload[..2], [Val::I32(3), Val::f64(2.5)]);
    assert_eq!(payload[2], Val::V128(7 | (8 << 64)));
    let t2 = call(&mut s, i, "rethrow", &[Val::ExnRef(Some(exn))]).unwrap_err();
    assert_eq!(t2.exception(), Some(exn));
    let t3 = call(&mut s, i, "rethrow", &[Val::ExnRef(None)]).unwrap_err();
    assert_eq!(t3.code(), Some(TrapCode::NullExceptionReference));
}

/// Tags are identities: an imported tag is the exporter's; a tag of the
/// same type defined elsewhere is another tag.
#[test]
fn tags_match_by_identity() {
    let engine = Engine::default();
    let exporter = r#"(module
      (tag $t (export "t") (param i32))
      (func (export "throw") (param i32) (throw $t (local.get 0))))"#;
    let importer = r#"(module
      (import "m" "t" (tag $t (param i32)))
      (import "m" "throw" (func $throw (param i32)))
      (tag $mine (param i32))
      (func (export "catch_imported") (result i32)
        (block $h (result i32)
          (try_table (catch $t $h) (call $throw (i32.const 9)))
          (i32.const -1)))
      (func (export "catch_own") (result i32)
        (block $h (result i32)
          (try_table (catch $mine $h) (call $throw (i32.const 9)))
          (i32.const -1))))"#;
    let mut s = Store::new(&engine);
    let m1 = Module::new(&engine, &wat2wasm(exporter).unwrap()).unwrap();
    let a = Instance::new(&mut s, &m1, &[]).unwrap();
    let t = a.get_export(&s, "t").unwrap();
    let throw = a.get_export(&s, "throw").unwrap();
    let m2 = Module::new(&engine, &wat2wasm(importer).unwrap()).unwrap();
    let b = Instance::new(&mut s, &m2, &[t, throw]).unwrap();
    assert_eq!(
        call(&mut s, b, "catch_imported", &[]).unwrap(),
        vec![Val::I32(9)]
    );
    let e = call(&mut s, b, "catch_own", &[]).unwrap_err();
    assert!(e.exception().is_some());

    // A tag of another type does not link.
    let wrong = Tag::new(
        &mut s,
        TagType {
            params: FuncType::new([ValType::I64], []),
        },
    );
    let err = Instance::new(&mut s, &m2, &[Extern::Tag(wrong), throw]).unwrap_err();
    assert!(
        err.to_string().contains("incompatible import type"),
        "{err}"
    );
}

/// A host exception must carry values of its tag's types.
#[test]
fn host_exceptions_are_checked() {
    let mut s = Store::new(&Engine::default());
    let tag = Tag::new(
        &mut s,
        TagType {
            params: FuncType::new([ValType::I32], []),
        },
    );
    assert!(ExnRef::new(&mut s, tag, &[]).is_err());
    assert!(ExnRef::new(&mut s, tag, &[Val::I64(1)]).is_err());
    let e = ExnRef::new(&mut s, tag, &[Val::I32(3)]).unwrap();
    assert_eq!(e.payload(&s), vec![Val::I32(3)]);
    assert_eq!(e.tag(&s), tag);
}

#[test]
fn the_proposal_can_be_switched_off() {
    let mut config = Config::new();
    config.features(Features {
        exceptions: false,
        ..Features::default()
    });
    let wasm = wat2wasm(GUEST).unwrap();
    assert!(Module::new(&Engine::new(&config), &wasm).is_err());
    assert!(Module::new(&Engine::default(), &wasm).is_ok());
}

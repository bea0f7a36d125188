//! `jit` where memories cannot get their guard regions: the process's
//! address space is limited (`RLIMIT_AS`, what `ulimit -v` sets) so that no
//! 8 GiB reservation fits. The module's native code, compiled for guarded
//! memories, cannot run in such an instance; each function then runs
//! natively from its second call on, compiled with bounds checks at its
//! first, instead of staying in the interpreter.
//!
//! One test in its own binary: the limit holds for the whole process.

use wasmrt::*;

const MODULE: &str = r#"(module
  (memory 1)
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (i32.store (i32.const 8) (local.get $i))
      (local.set $s (i32.add (local.get $s) (i32.load (i32.const 8))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  (func (export "load") (param i32) (result i32)
    (i32.load (local.get 0))))"#;

/// Limits this process's address space to what it uses now plus 4 GiB.
fn limit_address_space() {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let vm_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmSize");
    let limit = vm_kib * 1024 + (4 << 30);
    let rl = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: a plain system call on a valid struct.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_AS, &rl) }, 0);
}

#[test]
fn functions_run_natively_with_bounds_checks_when_memories_are_not_guarded() {
    limit_address_space();
    let engine = Engine::new(Config::new().strategy(Strategy::Jit));
    let module = Module::new(&engine, &wat2wasm(MODULE).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let sum = instance.get_func(&store, "sum").unwrap();
    let load = instance.get_func(&store, "load").unwrap();
    // The module's code needs guarded memories: not this instance's.
    assert_eq!(sum.tier(&store), Tier::Interpreter);

    let mut out = [Val::I32(0)];
    for _ in 0..2 {
        sum.call(&mut store, &[Val::I32(100)], &mut out).unwrap();
        assert!(matches!(out[0], Val::I32(4950)));
    }
    assert_eq!(sum.tier(&store), Tier::Native);

    // Bounds are checked by the code itself: the last word of the memory
    // loads, one byte further traps, in either tier.
    for round in 0..3 {
        load.call(&mut store, &[Val::I32(65532)], &mut out).unwrap();
        let trap = load
            .call(&mut store, &[Val::I32(65533)], &mut out)
            .unwrap_err();
        assert_eq!(
            trap.code(),
            Some(TrapCode::MemoryOutOfBounds),
            "round {round}"
        );
    }
    assert_eq!(load.tier(&store), Tier::Native);
}

//! The execution tiers side by side: which tier runs a function under each
//! strategy, tier-up in `auto`, calls across tiers, and traps in native
//! code (on other threads too, with the store usable afterwards).

use std::time::{Duration, Instant};
use wasmrt::*;

const KERNEL: &str = r#"(module
  (import "host" "inc" (func $inc (param i32) (result i32)))
  (memory (export "memory") 1)
  (func $sum (export "sum") (param $n i32) (result i64) (local $acc i64)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $acc))
  (func (export "via_host") (param i32) (result i32)
    (call $inc (local.get 0)))
  (func $boom (export "boom") (param i32) (result i32)
    (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "nested") (param i32) (result i32)
    (i32.add (call $boom (local.get 0)) (i32.const 1)))
  (func $fact (export "fact") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fact (i64.sub (local.get 0) (i64.const 1)))))))
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))"#;

struct Setup {
    store: Store,
    instance: Instance,
    module: Module,
}

fn setup(config: &Config) -> Setup {
    let engine = Engine::new(config);
    let module = Module::new(&engine, &wat2wasm(KERNEL).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let inc = Func::new(
        &mut store,
        FuncType::new([ValType::I32], [ValType::I32]),
        |_, args, results| {
            results[0] = Val::I32(args[0].unwrap_i32() + 1);
            Ok(())
        },
    );
    let instance = Instance::new(&mut store, &module, &[Extern::Func(inc)]).unwrap();
    Setup {
        store,
        instance,
        module,
    }
}

fn call(s: &mut Setup, name: &str, args: &[Val]) -> Result<Val, Trap> {
    let f = s.instance.get_func(&s.store, name).unwrap();
    let mut out = [Val::I32(0)];
    f.call(&mut s.store, args, &mut out)?;
    Ok(out[0])
}

fn tier(s: &Setup, name: &str) -> Tier {
    s.instance.get_func(&s.store, name).unwrap().tier(&s.store)
}

fn strategy(strategy: Strategy) -> Config {
    let mut c = Config::new();
    c.strategy(strategy);
    c
}

/// Every exported function behaves the same whatever runs it.
fn exercise(s: &mut Setup) {
    assert_eq!(call(s, "sum", &[Val::I32(100)]).unwrap(), Val::I64(5050));
    assert_eq!(call(s, "via_host", &[Val::I32(41)]).unwrap(), Val::I32(42));
    assert_eq!(
        call(s, "fact", &[Val::I64(20)]).unwrap(),
        Val::I64(2432902008176640000)
    );
    let trap = call(s, "nested", &[Val::I32(0)]).unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::IntegerDivisionByZero));
    // The trap's backtrace names both wasm frames, innermost first.
    let frames: Vec<u32> = trap.trace().iter().map(|f| f.func_index).collect();
    assert_eq!(frames, [3, 4], "{:?}", trap.trace());
    assert!(trap.trace()[0].module_offset > 0);
    // Unbounded recursion ends in a trap, not a crash.
    let trap = call(s, "deep", &[Val::I32(0)]).unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::StackExhausted));
    // The store is usable after traps.
    assert_eq!(call(s, "nested", &[Val::I32(1)]).unwrap(), Val::I32(2));
}

#[test]
fn interpreter_strategy_interprets() {
    let mut s = setup(&strategy(Strategy::Interpreter));
    exercise(&mut s);
    assert_eq!(tier(&s, "sum"), Tier::Interpreter);
    assert_eq!(s.module.native_function_count(), 0);
}

#[test]
fn jit_strategy_runs_native_code() {
    let mut s = setup(&strategy(Strategy::Jit));
    assert_eq!(s.module.native_function_count(), 6);
    assert_eq!(tier(&s, "sum"), Tier::Native);
    exercise(&mut s);
}

#[test]
fn auto_strategy_tiers_up_at_once_when_asked() {
    let mut config = strategy(Strategy::Auto);
    config.tier_up_threshold(1).tier_up_in_background(false);
    let mut s = setup(&config);
    assert_eq!(tier(&s, "sum"), Tier::Interpreter);
    // The first call finds the function hot and compiles it; later calls
    // run the native code.
    assert_eq!(call(&mut s, "sum", &[Val::I32(10)]).unwrap(), Val::I64(55));
    assert_eq!(call(&mut s, "sum", &[Val::I32(10)]).unwrap(), Val::I64(55));
    assert_eq!(tier(&s, "sum"), Tier::Native);
    exercise(&mut s);
    assert_eq!(s.module.native_function_count(), 6);
}

#[test]
fn auto_first_tier_behaves_like_the_interpreter() {
    // With a threshold never reached, everything runs in `auto`'s first
    // tier (the light translator's code): the same results, traps and
    // backtraces as the interpreter strategy's.
    let mut config = strategy(Strategy::Auto);
    config.tier_up_threshold(u32::MAX);
    let mut light = setup(&config);
    exercise(&mut light);
    assert_eq!(light.module.native_function_count(), 0);
    let mut full = setup(&strategy(Strategy::Interpreter));
    let offsets = |s: &mut Setup| -> Vec<(u32, usize)> {
        let trap = call(s, "nested", &[Val::I32(0)]).unwrap_err();
        trap.trace()
            .iter()
            .map(|f| (f.func_index, f.module_offset))
            .collect()
    };
    assert_eq!(offsets(&mut light), offsets(&mut full));
}

#[test]
fn auto_strategy_compiles_hot_functions_in_the_background() {
    let mut config = strategy(Strategy::Auto);
    config.tier_up_threshold(500);
    let mut s = setup(&config);
    // A cold function stays interpreted.
    assert_eq!(
        call(&mut s, "via_host", &[Val::I32(1)]).unwrap(),
        Val::I32(2)
    );
    // A loop of 10,000 iterations makes `sum` hot; it switches to native
    // code for later calls once the background thread is done, while the
    // program goes on.
    let start = Instant::now();
    loop {
        assert_eq!(
            call(&mut s, "sum", &[Val::I32(10_000)]).unwrap(),
            Val::I64(50_005_000)
        );
        if tier(&s, "sum") == Tier::Native {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "sum never tiered up"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(tier(&s, "via_host"), Tier::Interpreter);
    assert_eq!(s.module.native_function_count(), 1);
}

#[test]
fn native_traps_on_other_threads() {
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let mut s = setup(&strategy(Strategy::Jit));
                for _ in 0..50 {
                    let trap = call(&mut s, "nested", &[Val::I32(0)]).unwrap_err();
                    assert_eq!(trap.code(), Some(TrapCode::IntegerDivisionByZero));
                    assert_eq!(call(&mut s, "nested", &[Val::I32(1)]).unwrap(), Val::I32(2));
                }
                // Deep recursion on a thread with a smaller stack traps too.
                let trap = call(&mut s, "deep", &[Val::I32(i)]).unwrap_err();
                assert_eq!(trap.code(), Some(TrapCode::StackExhausted));
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

/// Host functions called from native code may call back into native code,
/// which may trap: the trap reaches the host function as an error, and
/// the outer native frames go on.
#[test]
fn native_code_reentered_from_the_host() {
    let engine = Engine::new(&strategy(Strategy::Jit));
    let wasm = wat2wasm(
        r#"(module
             (import "host" "back" (func $back (param i32) (result i32)))
             (func $div (export "div") (param i32) (result i32)
               (i32.div_s (i32.const 100) (local.get 0)))
             (func (export "outer") (param i32) (result i32)
               (i32.add (call $back (local.get 0)) (i32.const 1000))))"#,
    )
    .unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine);
    let back = Func::new(
        &mut store,
        FuncType::new([ValType::I32], [ValType::I32]),
        |caller, args, results| {
            let div = caller.get_export("div").unwrap().into_func().unwrap();
            let mut r = [Val::I32(0)];
            match div.call(caller.store, args, &mut r) {
                Ok(()) => results[0] = r[0],
                Err(t) => {
                    assert_eq!(t.code(), Some(TrapCode::IntegerDivisionByZero));
                    results[0] = Val::I32(-1);
                }
            }
            Ok(())
        },
    );
    let inst = Instance::new(&mut store, &module, &[Extern::Func(back)]).unwrap();
    let outer = inst.get_func(&store, "outer").unwrap();
    let mut r = [Val::I32(0)];
    outer.call(&mut store, &[Val::I32(4)], &mut r).unwrap();
    assert_eq!(r[0], Val::I32(1025));
    outer.call(&mut store, &[Val::I32(0)], &mut r).unwrap();
    assert_eq!(r[0], Val::I32(999));
}

/// A trap's backtrace names each frame's own instance and module offset
/// when the call chain crosses modules, in every tier: native code finds
/// its callers by their return addresses, and a caller of another module
/// must not be reported as a function of the trapping instance. With guard
/// pages, the trap (a division by zero) is an illegal instruction that the
/// fault handler turns into the trap, the thread's innermost entry then
/// being the caller's; without, a call that raises it.
#[test]
fn traces_across_modules_name_each_frames_instance() {
    traces_across_modules(true);
    traces_across_modules(false);
}

fn traces_across_modules(guard_pages: bool) {
    let callee = wat2wasm(
        r#"(module (memory 1) (func (export "boom") (param i32) (result i32)
             (i32.div_u (i32.const 1) (i32.sub (local.get 0) (i32.const 7)))))"#,
    )
    .unwrap();
    let caller = wat2wasm(
        r#"(module (import "b" "boom" (func $boom (param i32) (result i32))) (memory 1)
             (func $pad (result i32) (i32.const 0))
             (func (export "run") (result i32)
               (nop) (nop) (call $boom (i32.const 7))))"#,
    )
    .unwrap();
    // (instance is the callee's, func index, module offset) per frame.
    let mut expected: Option<Vec<(bool, u32, usize)>> = None;
    for s in [Strategy::Interpreter, Strategy::Jit, Strategy::Auto] {
        let mut config = strategy(s);
        config
            .tier_up_threshold(1)
            .tier_up_in_background(false)
            .guard_pages(guard_pages);
        let engine = Engine::new(&config);
        let mut store = Store::new(&engine);
        let b_module = Module::new(&engine, &callee).unwrap();
        let b = Instance::new(&mut store, &b_module, &[]).unwrap();
        let boom = b.get_export(&store, "boom").unwrap();
        let a_module = Module::new(&engine, &caller).unwrap();
        let a = Instance::new(&mut store, &a_module, &[boom]).unwrap();
        let run = a.get_func(&store, "run").unwrap();
        // Under `auto` the first call interprets; the later ones run the
        // code tiered up meanwhile.
        for round in 0..3 {
            let trap = run.call(&mut store, &[], &mut [Val::I32(0)]).unwrap_err();
            assert_eq!(trap.code(), Some(TrapCode::IntegerDivisionByZero));
            let frames: Vec<(bool, u32, usize)> = trap
                .trace()
                .iter()
                .map(|f| {
                    let inst = f.instance.expect("a frame's instance");
                    assert!(inst == a || inst == b, "{s:?}: {f:?}");
                    (inst == b, f.func_index, f.module_offset)
                })
                .collect();
            assert_eq!(frames.len(), 2, "{s:?} round {round}: {frames:?}");
            assert_eq!((frames[0].0, frames[0].1), (true, 0), "{s:?}");
            assert_eq!((frames[1].0, frames[1].1), (false, 2), "{s:?}");
            match &expected {
                None => expected = Some(frames),
                Some(e) => assert_eq!(&frames, e, "{s:?} round {round}"),
            }
        }
        if s != Strategy::Interpreter {
            assert_eq!(run.tier(&store), Tier::Native, "{s:?}");
        }
    }
}

/// A module whose `calls` makes 6,000 calls in one block (more than
/// Cranelift's optimising pipeline handles in linear time) and whose
/// `huge` is a body of 140,000 `call_indirect`s (over a megabyte: more IR
/// than any pipeline should be asked to build).
fn oversized_module() -> Vec<u8> {
    let mut wat = String::from(
        r#"(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref) (elem (i32.const 0) $inc)
  (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func (export "calls") (param i32) (result i32)
    (local.get 0)"#,
    );
    wat.push_str(&"\n    (call $inc)".repeat(6000));
    wat.push_str(")\n  (func (export \"huge\") (param i32) (result i32)\n    (local.get 0)");
    wat.push_str(&" (call_indirect (type $t) (i32.const 0))".repeat(140_000));
    wat.push_str("))");
    wat2wasm(&wat).unwrap()
}

#[test]
fn oversized_functions_compile_cheaply_or_stay_interpreted() {
    let wasm = oversized_module();
    for s in [Strategy::Jit, Strategy::Auto] {
        let mut config = strategy(s);
        config.tier_up_threshold(1).tier_up_in_background(false);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &wasm).unwrap();
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        for (name, expected) in [("calls", 6007), ("huge", 140_007)] {
            let f = instance.get_func(&store, name).unwrap();
            for _ in 0..2 {
                let mut out = [Val::I32(0)];
                f.call(&mut store, &[Val::I32(7)], &mut out).unwrap();
                assert_eq!(out[0], Val::I32(expected), "{s:?} {name}");
            }
        }
        let tier = |name| instance.get_func(&store, name).unwrap().tier(&store);
        // The quick pipeline still makes native code...
        assert_eq!(tier("calls"), Tier::Native, "{s:?}");
        // ...but a body this large is left to the interpreter, as
        // functions the code generator cannot take are.
        assert_eq!(tier("huge"), Tier::Interpreter, "{s:?}");
    }
}

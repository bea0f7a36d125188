//! The sandbox controls through the Rust API, in every strategy: fuel
//! (the same program stops at the same point in each tier), epoch
//! interruption from another thread, and per-store resource limits.

use std::time::{Duration, Instant};
mod common;

use common::strategies;
use wasmrt::*;

/// A loop that counts in a global and in memory, with calls, branches and
/// an `if`/`else` in it: every kind of fuel segment.
const COUNTER: &str = r#"(module
  (memory (export "memory") 1)
  (global $g (export "count") (mut i32) (i32.const 0))
  (func $bump (param i32) (result i32)
    (if (result i32) (i32.and (local.get 0) (i32.const 1))
      (then (i32.add (local.get 0) (i32.const 3)))
      (else (i32.sub (local.get 0) (i32.const 1)))))
  (func (export "run") (param $n i32) (result i32) (local $x i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (local.set $x (call $bump (local.get $x)))
        (i32.store (i32.const 0) (local.get $x))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $x))
  (func (export "spin") (loop $l (br $l)))
  (func (export "spin_calls") (loop $l (call $nothing) (br $l)))
  (func $nothing))"#;

struct Counter {
    store: Store,
    instance: Instance,
}

fn counter(config: &Config) -> Counter {
    let engine = Engine::new(config);
    let module = Module::new(&engine, &wat2wasm(COUNTER).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    Counter { store, instance }
}

impl Counter {
    fn call(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let f = self.instance.get_func(&self.store, name).unwrap();
        let n = f.ty(&self.store).results().len();
        let mut out = vec![Val::I32(0); n];
        f.call(&mut self.store, args, &mut out)?;
        Ok(out)
    }

    fn count(&self) -> i32 {
        match self.instance.get_export(&self.store, "count") {
            Some(Extern::Global(g)) => g.get(&self.store).unwrap_i32(),
            _ => panic!("no count global"),
        }
    }

    fn stored(&self) -> u32 {
        match self.instance.get_export(&self.store, "memory") {
            Some(Extern::Memory(m)) => {
                u32::from_le_bytes(m.data(&self.store)[..4].try_into().unwrap())
            }
            _ => panic!("no memory"),
        }
    }
}

#[test]
fn fuel_is_off_unless_configured() {
    let c = counter(&Config::new());
    assert!(c.store.get_fuel().is_err());
    let mut c = c;
    assert!(c.store.set_fuel(10).is_err());
    assert_eq!(c.call("run", &[Val::I32(10)]).unwrap(), vec![Val::I32(10)]);
}

#[test]
fn a_store_starts_with_no_fuel() {
    for (name, mut config) in strategies() {
        config.consume_fuel(true);
        let mut c = counter(&config);
        assert_eq!(c.store.get_fuel().unwrap(), 0, "{name}");
        let trap = c.call("run", &[Val::I32(1)]).unwrap_err();
        assert_eq!(trap.code(), Some(TrapCode::OutOfFuel), "{name}");
        assert!(
            trap.message().contains("fuel"),
            "{name}: {}",
            trap.message()
        );
        assert_eq!(c.count(), 0, "{name}: nothing may run without fuel");
    }
}

#[test]
fn every_tier_stops_at_the_same_point() {
    // For each amount of fuel: how far the loop got (global and memory)
    // and the fuel left, which must be identical in every tier.
    let mut reference: Option<Vec<(i32, u32, u64, bool)>> = None;
    for (name, mut config) in strategies() {
        config.consume_fuel(true);
        let mut seen = Vec::new();
        for fuel in (0..400).step_by(7).chain([1000, 5000]) {
            let mut c = counter(&config);
            c.store.set_fuel(fuel).unwrap();
            let r = c.call("run", &[Val::I32(50)]);
            if let Err(t) = &r {
                assert_eq!(t.code(), Some(TrapCode::OutOfFuel), "{name} fuel {fuel}");
            }
            seen.push((
                c.count(),
                c.stored(),
                c.store.get_fuel().unwrap(),
                r.is_ok(),
            ));
        }
        // More fuel never gets less far, and a big enough amount finishes.
        assert!(
            seen.windows(2).all(|w| w[0].0 <= w[1].0),
            "{name}: {seen:?}"
        );
        assert!(seen.last().unwrap().3, "{name}: 5000 fuel must finish");
        assert!(!seen[0].3 && seen[0].0 == 0, "{name}");
        match &reference {
            None => reference = Some(seen),
            Some(r) => assert_eq!(&seen, r, "{name} differs from interp"),
        }
    }
}

#[test]
fn fuel_can_be_added_and_the_program_rerun() {
    for (name, mut config) in strategies() {
        config.consume_fuel(true);
        let mut c = counter(&config);
        c.store.set_fuel(100).unwrap();
        assert!(c.call("run", &[Val::I32(1000)]).is_err(), "{name}");
        let left = c.store.get_fuel().unwrap();
        assert!(left < 100, "{name}: {left}");
        assert_eq!(c.store.add_fuel(1_000_000).unwrap(), left + 1_000_000);
        assert_eq!(c.call("run", &[Val::I32(10)]).unwrap().len(), 1, "{name}");
        let spent = left + 1_000_000 - c.store.get_fuel().unwrap();
        assert!(spent > 10 && spent < 1000, "{name}: spent {spent}");
        assert_eq!(c.store.add_fuel(u64::MAX).unwrap(), u64::MAX, "{name}");
    }
}

#[test]
fn endless_loops_run_out_of_fuel() {
    for (name, mut config) in strategies() {
        config.consume_fuel(true);
        let mut c = counter(&config);
        for f in ["spin", "spin_calls"] {
            c.store.set_fuel(1_000_000).unwrap();
            let t = c.call(f, &[]).unwrap_err();
            assert_eq!(t.code(), Some(TrapCode::OutOfFuel), "{name} {f}");
            assert!(c.store.get_fuel().unwrap() < 10, "{name} {f}");
        }
    }
}

/// Runs `f` of a fresh instance on this thread while another thread
/// increments the epoch after `delay`; returns the trap and how long after
/// the increment it came.
fn interrupt_after(config: &Config, f: &str, delay: Duration) -> (Trap, Duration) {
    let mut c = counter(config);
    c.store.set_epoch_deadline(1);
    let engine = c.store.engine().clone();
    let fired = std::sync::Arc::new(std::sync::Mutex::new(None));
    let fired2 = fired.clone();
    let ticker = std::thread::spawn(move || {
        std::thread::sleep(delay);
        *fired2.lock().unwrap() = Some(Instant::now());
        engine.increment_epoch();
    });
    let trap = c.call(f, &[]).unwrap_err();
    let done = Instant::now();
    ticker.join().unwrap();
    let at = fired.lock().unwrap().expect("the epoch was incremented");
    (trap, done.saturating_duration_since(at))
}

#[test]
fn another_thread_interrupts_a_hot_loop() {
    for (name, mut config) in strategies() {
        config.epoch_interruption(true);
        for f in ["spin", "spin_calls"] {
            let (trap, latency) = interrupt_after(&config, f, Duration::from_millis(50));
            assert_eq!(trap.code(), Some(TrapCode::Interrupted), "{name} {f}");
            assert!(trap.message().contains("interrupt"), "{}", trap.message());
            // The issue's bound is 10 ms; allow for a loaded test machine.
            assert!(
                latency < Duration::from_millis(200),
                "{name} {f}: interrupted {latency:?} after the request"
            );
        }
    }
}

#[test]
fn stores_without_a_deadline_are_not_interrupted() {
    for (name, mut config) in strategies() {
        config.epoch_interruption(true);
        let mut c = counter(&config);
        c.store.engine().increment_epoch();
        assert!(c.call("run", &[Val::I32(100)]).is_ok(), "{name}");
        // A deadline already reached traps at the next entry.
        c.store.set_epoch_deadline(0);
        let t = c.call("run", &[Val::I32(100)]).unwrap_err();
        assert_eq!(t.code(), Some(TrapCode::Interrupted), "{name}");
        assert_eq!(c.count(), 100, "{name}: the trap comes before any work");
        c.store.set_epoch_deadline(5);
        assert!(c.call("run", &[Val::I32(1)]).is_ok(), "{name}");
    }
}

const GROWER: &str = r#"(module
  (memory (export "memory") 1)
  (table (export "table") 1 funcref)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_table") (param i32) (result i32)
    (table.grow (ref.null func) (local.get 0))))"#;

fn call_i32(store: &mut Store, instance: &Instance, name: &str, arg: i32) -> i32 {
    let f = instance.get_func(store, name).unwrap();
    let mut out = [Val::I32(0)];
    f.call(store, &[Val::I32(arg)], &mut out).unwrap();
    out[0].unwrap_i32()
}

#[test]
fn memory_and_table_growth_stop_at_the_store_limit() {
    for (name, config) in strategies() {
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &wat2wasm(GROWER).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        store.set_limits(StoreLimits {
            memory_bytes: 4 * 65536,
            table_elements: 10,
            ..StoreLimits::default()
        });
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        assert_eq!(call_i32(&mut store, &inst, "grow", 2), 1, "{name}");
        assert_eq!(call_i32(&mut store, &inst, "grow", 2), -1, "{name}");
        assert_eq!(call_i32(&mut store, &inst, "grow", 1), 3, "{name}");
        assert_eq!(call_i32(&mut store, &inst, "grow", 1), -1, "{name}");
        assert_eq!(call_i32(&mut store, &inst, "grow", 0), 4, "{name}");
        assert_eq!(call_i32(&mut store, &inst, "grow_table", 9), 1, "{name}");
        assert_eq!(call_i32(&mut store, &inst, "grow_table", 1), -1, "{name}");
        // The host's own growth is held to the same limits.
        let Some(Extern::Memory(m)) = inst.get_export(&store, "memory") else {
            panic!()
        };
        let e = m.grow(&mut store, 1).unwrap_err();
        assert!(e.to_string().contains("linear memory bytes"), "{e}");
        let Some(Extern::Table(t)) = inst.get_export(&store, "table") else {
            panic!()
        };
        let e = t.grow(&mut store, 1, Val::FuncRef(None)).unwrap_err();
        assert!(e.to_string().contains("table elements"), "{e}");
        // The budgets are shared by all of the store's memories and tables:
        // a second instance would need more of both.
        let e = Instance::new(&mut store, &module, &[]).unwrap_err();
        assert!(e.to_string().contains("limit exceeded"), "{name}: {e}");
    }
}

#[test]
fn instantiation_beyond_a_limit_names_it() {
    let engine = Engine::default();
    let module = Module::new(&engine, &wat2wasm(GROWER).unwrap()).unwrap();
    let cases: [(StoreLimits, &str); 3] = [
        (
            StoreLimits {
                instances: 2,
                ..StoreLimits::default()
            },
            "instances (limit 2)",
        ),
        (
            StoreLimits {
                memories: 2,
                ..StoreLimits::default()
            },
            "memories (limit 2)",
        ),
        (
            StoreLimits {
                tables: 2,
                ..StoreLimits::default()
            },
            "tables (limit 2)",
        ),
    ];
    for (limits, expected) in cases {
        let mut store = Store::new(&engine);
        store.set_limits(limits);
        Instance::new(&mut store, &module, &[]).unwrap();
        Instance::new(&mut store, &module, &[]).unwrap();
        let e = Instance::new(&mut store, &module, &[]).unwrap_err();
        assert!(e.to_string().contains(expected), "{e}");
    }
    // Host-created objects count too.
    let mut store = Store::new(&engine);
    store.set_limits(StoreLimits {
        memories: 1,
        ..StoreLimits::default()
    });
    let ty = MemoryType::new(1, None);
    Memory::new(&mut store, ty).unwrap();
    let e = Memory::new(&mut store, ty).unwrap_err();
    assert!(e.to_string().contains("memories (limit 1)"), "{e}");
}

//! Tier-up for the `auto` strategy: functions start in the interpreter,
//! which counts their calls and loop iterations; a function whose count
//! reaches the threshold is compiled by the JIT — on a background thread,
//! while the program goes on — and published in its interpreter code
//! (`CompiledFunc::native`). From then on every call finds it there: the
//! interpreter calls the native code instead of interpreting, and each
//! instance's reference to the function switches to it the first time it
//! is used (`VMFuncRef::adopt`), so native callers call it directly.

use super::instance::InstanceData;
use super::module::ModuleInner;
use crate::interp;
use crate::jit::{self, JitModule};
use crate::runtime::{NativeCode, VMContext, VMFuncRef};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

mod batch;
use batch::{plan, Plan, BATCH_MAX_CALLEES};

/// A module's functions compiled by tier-up.
#[derive(Default)]
pub(crate) struct Tiered {
    /// Defined-function indices already requested (compiled, queued, or
    /// found unsupported).
    requested: HashSet<usize>,
    /// The code, kept as long as the module.
    code: Vec<JitModule>,
    /// The entries published from it, one per compiled function (boxed:
    /// functions point at them).
    #[allow(clippy::vec_box)]
    published: Vec<Box<NativeCode>>,
    /// On-stack-replacement entries asked for, by defined-function index
    /// and loop ordinal: the entry's address in `osr_code`, or 0 while it
    /// is being compiled or when it cannot be.
    osr: HashMap<(usize, u32), usize>,
    /// The loop of each function whose OSR entry was asked for last (see
    /// [`Tiered::start_osr`]).
    latest_osr_ask: HashMap<usize, u32>,
    /// OSR entries whose compilation was skipped once as stale: the next
    /// request for them is compiled whatever else was asked, so that two
    /// invocations in different loops cannot starve each other.
    skipped_osr: HashSet<(usize, u32)>,
    /// The code of the OSR entries (kept apart: they are not the
    /// functions, and `compiled_count` counts functions).
    osr_code: Vec<(JitModule, Box<NativeCode>)>,
    /// Defined-function indices the JIT could not compile.
    failed: HashSet<usize>,
}

impl Tiered {
    pub fn compiled_count(&self) -> usize {
        self.published.len()
    }

    /// How many on-stack-replacement entries have been compiled.
    #[cfg(test)]
    pub fn osr_count(&self) -> usize {
        self.osr_code.len()
    }

    /// Records an ask for the OSR entry `key` (defined function, loop
    /// ordinal): the entry's address, 0 while it is being compiled or when
    /// it cannot be, or `None` when this ask must have it compiled.
    fn ask_osr(&mut self, key: (usize, u32)) -> Option<usize> {
        self.latest_osr_ask.insert(key.0, key.1);
        if let Some(&entry) = self.osr.get(&key) {
            return Some(entry);
        }
        self.osr.insert(key, 0);
        None
    }

    /// Whether the queued compilation of OSR entry `key` should run now.
    /// Not when, since it was queued, the function's invocation asked for
    /// an entry at another loop (the interpreter asks again every 1,024
    /// iterations while it runs a loop): the loop that asked has probably
    /// been left, as when a function runs several loops in turn, and the
    /// entry would be compiled for nothing. The entry is then forgotten,
    /// so that a later ask queues it again; a second time it is compiled.
    fn start_osr(&mut self, key: (usize, u32)) -> bool {
        let stale = self.latest_osr_ask.get(&key.0) != Some(&key.1);
        if stale && self.skipped_osr.insert(key) {
            self.osr.remove(&key);
            return false;
        }
        true
    }
}

/// The interpreter's tier-up hook (`VMStoreContext::tier_up`): function
/// `func_index` of the instance of `vmctx` is hot.
///
/// # Safety
/// `vmctx` is the live context of an instance of this engine.
pub(crate) unsafe fn hot(vmctx: *mut VMContext, func_index: u32) {
    // SAFETY: guaranteed by the caller; the instance record owns its
    // module.
    let (module, guarded) = unsafe {
        let inst = &*((*(*vmctx).instance).owner as *const InstanceData);
        (inst.module.inner().clone(), (*vmctx).memories_guarded)
    };
    request(module, func_index, guarded);
}

/// The native-code hook (`VMStoreContext::native_now`): compiles the
/// function of `funcref`, interpreted so far, in this thread unless that
/// is done already, and switches the reference to it. False for a host
/// function, one the JIT cannot compile, and code the reference's
/// instance cannot run.
///
/// # Safety
/// `funcref` is a live reference of this engine's store, used by this
/// thread only (the store's).
pub(crate) unsafe fn native_now(funcref: *mut VMFuncRef) -> bool {
    // SAFETY: guaranteed by the caller; an interpreted function's
    // reference holds its instance's context and its interpreter code,
    // whose instance record owns the module.
    let (module, defined, vmctx) = unsafe {
        let vm = &*funcref;
        if !vm.wasm_call.is_null() {
            return true;
        }
        if vm.interp_code.is_null() {
            return false;
        }
        let inst = &*((*(*vm.vmctx).instance).owner as *const InstanceData);
        let module = inst.module.inner();
        let func_index = (*(vm.interp_code as *const interp::CompiledFunc)).func_index;
        let Some(defined) = func_index.checked_sub(module.info.num_imported_funcs) else {
            return false;
        };
        (module, defined as usize, vm.vmctx)
    };
    // SAFETY: as above.
    let guarded = unsafe { (*vmctx).memories_guarded };
    let native = match published(module, defined) {
        Some(p) => p,
        None => {
            {
                let mut tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
                if tiered.failed.contains(&defined) {
                    return false;
                }
                // (Queued for the background thread maybe: it finds the
                // code published and does nothing.)
                tiered.requested.insert(defined);
            }
            // Native code is published only over interpreter code: an
            // instance that cannot run it (see `NativeCode::runs_in`)
            // interprets the function.
            if module.translate(defined).is_err() {
                return false;
            }
            // Called from native code: a panic (a code generator bug)
            // must not unwind into it.
            let compiled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                compile(module, defined, guarded, false)
            }));
            if compiled.is_err() {
                let mut tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
                tiered.failed.insert(defined);
                return false;
            }
            match published(module, defined) {
                Some(p) => p,
                None => return false,
            }
        }
    };
    // SAFETY: published code lives as long as the module; the reference
    // is this thread's to change (see above).
    unsafe {
        if !(*native).runs_in(&*vmctx) {
            return false;
        }
        (*funcref).adopt(&*native);
    }
    true
}

/// Compiles function `func_index` of `module` unless it was requested
/// before: at once, or on the background thread. With `guarded`, for
/// instances whose memories are all guarded (those of the instance that
/// found it hot: the engine makes every instance's memories alike).
fn request(module: Arc<ModuleInner>, func_index: u32, guarded: bool) {
    let Some(defined) = func_index.checked_sub(module.info.num_imported_funcs) else {
        return;
    };
    let defined = defined as usize;
    {
        let mut tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
        if !tiered.requested.insert(defined) {
            return;
        }
    }
    let job = while_alive(&module, move |m| compile(m, defined, guarded, true));
    schedule(&module, job);
}

/// A job that runs `work` on `module` if the module is still alive when
/// the job's turn comes: the job holds it weakly, so that a module dropped
/// meanwhile (its instances gone, as when a server compiles a module per
/// request) is not compiled for nothing.
fn while_alive(module: &Arc<ModuleInner>, work: impl FnOnce(&ModuleInner) + Send + 'static) -> Job {
    let weak = Arc::downgrade(module);
    Box::new(move || {
        if let Some(module) = weak.upgrade() {
            work(&module);
        }
    })
}

/// Runs a compilation job on the background thread, or at once when the
/// engine tiers up in the foreground (as `jit` always does: its functions
/// are native from their first call).
fn schedule(module: &ModuleInner, job: Job) {
    let config = module.engine.config();
    if !config.tier_up_in_background || config.strategy == super::Strategy::Jit {
        return job();
    }
    if let Err(mpsc::SendError(job)) = worker().lock().unwrap_or_else(|e| e.into_inner()).send(job)
    {
        // The worker is gone (it never exits, but do not lose the work).
        job();
    }
}

/// The interpreter's on-stack-replacement hook (`VMStoreContext::osr`):
/// an invocation of function `func_index` of the instance of `vmctx`
/// stands at the head of loop `ordinal`, the function being hot. Returns
/// the native entry there, or null; the first ask has it compiled (on the
/// background thread unless tier-up runs in the foreground).
///
/// # Safety
/// `vmctx` is the live context of an instance of this engine.
pub(crate) unsafe fn osr(
    vmctx: *mut VMContext,
    func_index: u32,
    ordinal: u32,
) -> *const NativeCode {
    // SAFETY: guaranteed by the caller; the instance record owns its
    // module.
    let (module, guarded) = unsafe {
        let inst = &*((*(*vmctx).instance).owner as *const InstanceData);
        (inst.module.inner(), (*vmctx).memories_guarded)
    };
    let Some(defined) = func_index.checked_sub(module.info.num_imported_funcs) else {
        return std::ptr::null();
    };
    let key = (defined as usize, ordinal);
    {
        let mut tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = tiered.ask_osr(key) {
            return entry as *const NativeCode;
        }
    }
    let job = while_alive(module, move |m| compile_osr(m, key, guarded));
    schedule(module, job);
    // Compiled already when tier-up runs in the foreground.
    let tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
    tiered.osr.get(&key).copied().unwrap_or(0) as *const NativeCode
}

/// Compiles the OSR entry of defined function `key.0` at loop `key.1` and
/// publishes it in `Tiered::osr` (nothing when the JIT cannot make one).
fn compile_osr(module: &ModuleInner, key: (usize, u32), guarded: bool) {
    {
        let mut tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
        if !tiered.start_osr(key) {
            return;
        }
    }
    let (defined, ordinal) = key;
    let (func_index, body) = module.function_body(defined);
    let metering = module.engine.config().metering();
    let published = plan(module, defined, guarded, 0).published;
    let Ok(Some(code)) = jit::compile_osr(
        &module.info,
        func_index,
        &body,
        ordinal,
        guarded,
        metering,
        &published,
    ) else {
        return;
    };
    code.set_module_key(module.code_key());
    let Some(native) = code.func(0) else {
        return;
    };
    let native = Box::new(native.code(guarded));
    let entry: *const NativeCode = &*native;
    let mut tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
    tiered.osr_code.push((code, native));
    tiered.osr.insert(key, entry as usize);
}

type Job = Box<dyn FnOnce() + Send>;

/// The background compilation thread, started on first use.
fn worker() -> &'static Mutex<mpsc::Sender<Job>> {
    static WORKER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    WORKER.get_or_init(|| {
        let (send, receive) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("wasmrt-tier-up".into())
            .spawn(move || {
                for job in receive {
                    job();
                }
            })
            .expect("cannot start the tier-up thread");
        Mutex::new(send)
    })
}

/// Compiles defined function `defined` and publishes its native code
/// (`guarded`: without bounds checks on 32-bit memories; instances whose
/// memories are not guarded go on interpreting it, see
/// `NativeCode::runs_in`). A function the JIT does not support stays
/// interpreted. `with_callees`: in one batch with the functions it calls
/// (see [`plan`]), which are published too.
fn compile(module: &ModuleInner, defined: usize, guarded: bool, with_callees: bool) {
    if published(module, defined).is_some() {
        // Compiled meanwhile (by `native_now`, or in another's batch).
        return;
    }
    let max_callees = if with_callees { BATCH_MAX_CALLEES } else { 0 };
    let batch = plan(module, defined, guarded, max_callees);
    if !compile_batch(module, &batch, guarded) && batch.members.len() > 1 {
        // (A batch that failed as a whole: the hot function alone.)
        compile_batch(module, &plan(module, defined, guarded, 0), guarded);
    }
}

/// Compiles the functions of `batch` and publishes the native code of
/// each; those the JIT does not support are remembered. False if the
/// batch failed as a whole.
fn compile_batch(module: &ModuleInner, batch: &Plan, guarded: bool) -> bool {
    let members = &batch.members;
    let bodies: Vec<_> = members.iter().map(|&d| module.function_body(d)).collect();
    let Ok(code) = jit::compile_functions(
        &module.info,
        &bodies,
        1,
        guarded,
        module.engine.config().metering(),
        &batch.published,
    ) else {
        let mut tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
        if let [only] = members[..] {
            tiered.failed.insert(only);
        }
        return false;
    };
    code.set_module_key(module.code_key());
    let mut tiered = module.tiered.lock().unwrap_or_else(|e| e.into_inner());
    for (i, &defined) in members.iter().enumerate() {
        let Some(native) = code.func(i) else {
            tiered.failed.insert(defined);
            continue;
        };
        let native = Box::new(native.code(guarded));
        let entry = &*native as *const NativeCode as *mut NativeCode;
        // Published over interpreter code only (not over the code another
        // batch or `native_now` published meanwhile, which callers may
        // have adopted already).
        if module.funcs[defined]
            .native()
            .compare_exchange(
                std::ptr::null_mut(),
                entry,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
        {
            tiered.requested.insert(defined);
            tiered.published.push(native);
        }
    }
    tiered.code.push(code);
    true
}

/// Defined function `defined`'s native code, if it has some.
fn published(module: &ModuleInner, defined: usize) -> Option<*mut NativeCode> {
    let p = module.funcs[defined].native().load(Ordering::Acquire);
    (!p.is_null() && p != interp::untranslated()).then_some(p)
}

#[cfg(test)]
mod tests {
    use crate::engine::{wat2wasm, Config, Engine, Instance, Module, Store, Strategy, Tier, Val};
    use crate::runtime::TrapCode;

    fn eager_auto() -> Engine {
        let mut config = Config::new();
        config
            .strategy(Strategy::Auto)
            .tier_up_threshold(1)
            .tier_up_in_background(false);
        Engine::new(&config)
    }

    /// An invocation that is already running moves to native code at a
    /// loop head (on-stack replacement): locals of every type reach the
    /// native code, it finishes the function with its results, traps in it
    /// are the function's, and a recursive call from it still works.
    #[test]
    fn running_invocation_moves_to_native_code_at_a_loop() {
        let engine = eager_auto();
        let text = r#"(module (memory 1)
            (func $f (export "f") (param $n i32) (param $x i64) (param $y f32)
                  (result i64 f32 f64 i32)
              (local $z f64) (local $v v128) (local $r funcref) (local $i i32)
              (local.set $z (f64.const 0.5))
              (local.set $v (v128.const i32x4 1 2 3 4))
              (local.set $r (ref.func $f))
              (block $done
                (loop $again
                  (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                  (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $i))))
                  (local.set $y (f32.add (local.get $y) (f32.const 1)))
                  (local.set $z (f64.mul (local.get $z) (f64.const 2)))
                  (local.set $v (i32x4.add (local.get $v) (local.get $v)))
                  (i32.store (i32.const 0) (local.get $i))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br $again)))
              (local.get $x) (local.get $y) (local.get $z)
              (i32.add (i32x4.extract_lane 3 (local.get $v))
                       (i32.add (i32.load (i32.const 0))
                                (i32.eqz (ref.is_null (local.get $r))))))
            (func (export "oob") (param $n i32) (local $i i32)
              (loop $again
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
              (drop (i32.load (i32.const 65536))))
            (func $down (export "down") (param $n i32) (result i32) (local $i i32)
              (loop $again
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (i32.const 3))))
              (if (result i32) (local.get $n)
                (then (i32.add (local.get $i)
                               (call $down (i32.sub (local.get $n) (i32.const 1)))))
                (else (i32.const 0))))
            (func (export "call_oob") (call 1 (i32.const 2))))"#;
        let module = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let f = instance.get_func(&store, "f").unwrap();
        let mut out = [Val::I32(0), Val::I32(0), Val::I32(0), Val::I32(0)];
        let args = [Val::I32(10), Val::I64(100), Val::F32(0.25f32.to_bits())];
        f.call(&mut store, &args, &mut out).unwrap();
        assert!(matches!(out[0], Val::I64(145)));
        assert!(matches!(out[1], Val::F32(b) if f32::from_bits(b) == 10.25));
        assert!(matches!(out[2], Val::F64(b) if f64::from_bits(b) == 512.0));
        // lane 3: 4 << 10, plus the last index stored, plus a non-null ref.
        assert!(matches!(out[3], Val::I32(4106)));

        let oob = instance.get_func(&store, "oob").unwrap();
        let trap = oob.call(&mut store, &[Val::I32(5)], &mut []).unwrap_err();
        assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
        // One frame: the entry's, at the load (not the interpreter's too).
        let trace: Vec<u32> = trap.trace().iter().map(|f| f.func_index).collect();
        assert_eq!(trace, [1]);
        let caller = instance.get_func(&store, "call_oob").unwrap();
        let trap = caller.call(&mut store, &[], &mut []).unwrap_err();
        let trace: Vec<u32> = trap.trace().iter().map(|f| f.func_index).collect();
        assert_eq!(trace, [1, 3]);

        let down = instance.get_func(&store, "down").unwrap();
        let mut out = [Val::I32(0)];
        down.call(&mut store, &[Val::I32(4)], &mut out).unwrap();
        assert!(matches!(out[0], Val::I32(12)));

        // Each of the three loops got an entry.
        let tiered = module.inner().tiered.lock().unwrap();
        assert_eq!(tiered.osr_count(), 3);
    }

    /// An exception thrown in an OSR entry is caught by the function's own
    /// handler there when it has one, and otherwise by its caller's (the
    /// interpreter does not look in the function's handlers twice).
    #[test]
    fn exceptions_leave_an_osr_entry_once() {
        let engine = eager_auto();
        let text = r#"(module (tag $e (param i32))
            (func $loop_throw (export "loop_throw") (param $n i32) (result i32) (local $i i32)
              (block $caught (result i32)
                (try_table (catch $e $caught)
                  (loop $again
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
                  (throw $e (i32.add (local.get $i) (i32.const 100))))
                (i32.const -1))
              (i32.const 1000) (i32.add))
            (func $escape (param $n i32) (local $i i32)
              (loop $again
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
              (throw $e (local.get $i)))
            (func (export "outer") (result i32)
              (block $caught (result i32)
                (try_table (catch $e $caught) (call $escape (i32.const 4)))
                (i32.const -1))))"#;
        let module = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let mut out = [Val::I32(0)];
        let f = instance.get_func(&store, "loop_throw").unwrap();
        f.call(&mut store, &[Val::I32(5)], &mut out).unwrap();
        assert!(matches!(out[0], Val::I32(1105)));
        let f = instance.get_func(&store, "outer").unwrap();
        f.call(&mut store, &[], &mut out).unwrap();
        assert!(matches!(out[0], Val::I32(4)));
        assert_eq!(module.inner().tiered.lock().unwrap().osr_count(), 2);
    }

    /// Under fuel metering an invocation moves to native code at a loop head
    /// having spent exactly what the interpreter would have: the entry
    /// charges from the loop's segment on, not the function's entry again;
    /// and it runs out of fuel at the same point.
    #[test]
    fn an_osr_entry_spends_the_same_fuel() {
        let text = r#"(module (global $g (export "g") (mut i32) (i32.const 0))
            (func (export "f") (param $n i32) (result i32) (local $i i32)
              (local.set $i (i32.mul (local.get $n) (i32.const 0)))
              (global.set $g (i32.const 0))
              (loop $again
                (global.set $g (i32.add (global.get $g) (i32.const 1)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
              (local.get $i)))"#;
        let bytes = wat2wasm(text).unwrap();
        // (fuel left, result or trap, iterations done) for `fuel`.
        let run = |strategy: Strategy, fuel: u64| {
            let mut config = Config::new();
            config
                .strategy(strategy)
                .tier_up_threshold(1)
                .tier_up_in_background(false)
                .consume_fuel(true);
            let engine = Engine::new(&config);
            let module = Module::new(&engine, &bytes).unwrap();
            let mut store = Store::new(&engine);
            store.set_fuel(fuel).unwrap();
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let f = instance.get_func(&store, "f").unwrap();
            let mut out = [Val::I32(0)];
            let r = f
                .call(&mut store, &[Val::I32(20)], &mut out)
                .map(|_| out[0].unwrap_i32())
                .map_err(|t| t.code());
            let g = match instance.get_export(&store, "g") {
                Some(crate::engine::Extern::Global(g)) => g.get(&store).unwrap_i32(),
                _ => panic!("no global"),
            };
            let entries = module.inner().tiered.lock().unwrap().osr_count();
            ((store.get_fuel().unwrap(), r, g), entries)
        };
        for fuel in [3, 10, 50, 100, 1000] {
            let (interp, _) = run(Strategy::Interpreter, fuel);
            let (auto, entries) = run(Strategy::Auto, fuel);
            assert_eq!(auto, interp, "fuel {fuel}");
            if interp.2 > 0 {
                assert_eq!(entries, 1, "fuel {fuel}: the loop ran natively");
            }
        }
        assert!(matches!(run(Strategy::Interpreter, 1000).0 .1, Ok(20)));
        assert!(matches!(
            run(Strategy::Interpreter, 50).0 .1,
            Err(Some(TrapCode::OutOfFuel))
        ));
    }

    /// An OSR entry makes tail calls as the function does: its frame gives
    /// way to the callee's (a million tail calls follow the entry's), and
    /// the function's handlers are left behind: an exception the callee
    /// throws passes the `try_table` the tail call was made in.
    #[test]
    fn an_osr_entry_makes_tail_calls() {
        let engine = eager_auto();
        let text = r#"(module (tag $e (param i32))
            (func $count (export "count") (param $n i32) (param $acc i64) (result i64)
              (local $i i32)
              (loop $again
                (local.set $acc (i64.add (local.get $acc) (i64.const 1)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (i32.const 2))))
              (if (result i64) (i32.eqz (local.get $n))
                (then (local.get $acc))
                (else (return_call $count (i32.sub (local.get $n) (i32.const 1))
                                          (local.get $acc)))))
            (func $throw (param i32) (result i32) (throw $e (local.get 0)))
            (func $leaves (param $n i32) (result i32) (local $i i32)
              (block $caught (result i32)
                (try_table (result i32) (catch $e $caught)
                  (loop $again
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
                  (return_call $throw (local.get $i))))
              (i32.const 1000) (i32.add))
            (func (export "outer") (result i32)
              (block $caught (result i32)
                (try_table (result i32) (catch $e $caught) (call $leaves (i32.const 5)))
                (i32.const -1) (i32.add))))"#;
        let module = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let count = instance.get_func(&store, "count").unwrap();
        let mut out = [Val::I64(0)];
        count
            .call(&mut store, &[Val::I32(1_000_000), Val::I64(0)], &mut out)
            .unwrap();
        assert!(matches!(out[0], Val::I64(2_000_002)));
        let outer = instance.get_func(&store, "outer").unwrap();
        let mut out = [Val::I32(0)];
        outer.call(&mut store, &[], &mut out).unwrap();
        // Caught by `outer`, not by `$leaves` (which would have added 1000).
        assert!(matches!(out[0], Val::I32(5)));
        assert!(module.inner().tiered.lock().unwrap().osr_count() >= 2);
    }

    /// A queued job runs only if its module is still alive then.
    #[test]
    fn a_job_for_a_dropped_module_does_nothing() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let engine = eager_auto();
        let module = Module::new(&engine, &wat2wasm("(module (func))").unwrap()).unwrap();
        let ran = std::sync::Arc::new(AtomicUsize::new(0));
        let job = |ran: &std::sync::Arc<AtomicUsize>| {
            let ran = ran.clone();
            super::while_alive(module.inner(), move |_| {
                ran.fetch_add(1, Ordering::SeqCst);
            })
        };
        job(&ran)();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
        let late = job(&ran);
        drop(module);
        late();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }

    /// An OSR entry still queued when the invocation has asked for one at
    /// another loop is skipped once, then compiled when asked for again;
    /// the entry of the loop asked for last is compiled.
    #[test]
    fn a_stale_osr_request_is_skipped_once() {
        let mut tiered = super::Tiered::default();
        // The function runs loop 1, then loop 2: both ask, both queued.
        assert_eq!(tiered.ask_osr((7, 1)), None);
        assert_eq!(tiered.ask_osr((7, 1)), Some(0));
        assert_eq!(tiered.ask_osr((7, 2)), None);
        // Another function's asks do not make them stale.
        assert_eq!(tiered.ask_osr((8, 1)), None);
        assert!(!tiered.start_osr((7, 1)));
        assert!(tiered.start_osr((7, 2)));
        assert!(tiered.start_osr((8, 1)));
        // Loop 1 again: queued anew and, though loop 2 asks meanwhile,
        // compiled this time.
        assert_eq!(tiered.ask_osr((7, 1)), None);
        assert_eq!(tiered.ask_osr((7, 2)), Some(0));
        assert!(tiered.start_osr((7, 1)));
    }

    /// A loop entered with operands on the stack has no OSR entry: the
    /// invocation finishes in the interpreter, with the same result.
    #[test]
    fn loop_with_operands_stays_interpreted() {
        let engine = eager_auto();
        let text = r#"(module
            (func (export "f") (param $n i32) (result i32)
              (i32.add (i32.const 1000)
                (loop $again (result i32)
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $again (local.get $n))
                  (local.get $n)))))"#;
        let module = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let f = instance.get_func(&store, "f").unwrap();
        let mut out = [Val::I32(0)];
        f.call(&mut store, &[Val::I32(7)], &mut out).unwrap();
        assert!(matches!(out[0], Val::I32(1000)));
        assert_eq!(module.inner().tiered.lock().unwrap().osr_count(), 0);
    }

    /// Code tiered up for guarded memories (no bounds checks) runs only in
    /// instances whose memories are all guarded: another instance of the
    /// module goes on interpreting the function, and its out-of-bounds
    /// accesses still trap.
    #[test]
    fn guarded_code_stays_out_of_unguarded_instances() {
        let mut config = Config::new();
        config
            .strategy(Strategy::Auto)
            .tier_up_threshold(1)
            .tier_up_in_background(false)
            .guard_pages(true);
        let engine = Engine::new(&config);
        let text = r#"(module (memory 1)
            (func (export "load") (param i32) (result i32) local.get 0 i32.load))"#;
        let module = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let guarded = Instance::new(&mut store, &module, &[]).unwrap();
        let plain = Instance::new(&mut store, &module, &[]).unwrap();
        let data = &store.inner.instances;
        assert!(data[guarded.index as usize].vmctx.memories_guarded);
        // As if `plain`'s memory had not got a guarded reservation (the
        // address space ran out).
        store.inner.instances[plain.index as usize]
            .vmctx
            .memories_guarded = false;

        let load = |store: &mut Store, i: &Instance, at: i32| {
            let f = i.get_func(store, "load").unwrap();
            let mut out = [Val::I32(0)];
            f.call(store, &[Val::I32(at)], &mut out).map(|_| out[0])
        };
        let tier = |store: &Store, i: &Instance| i.get_func(store, "load").unwrap().tier(store);
        // The first call finds the function hot and compiles it.
        assert!(matches!(load(&mut store, &guarded, 0), Ok(Val::I32(0))));
        assert!(matches!(load(&mut store, &guarded, 0), Ok(Val::I32(0))));
        assert_eq!(tier(&store, &guarded), Tier::Native);

        for _ in 0..3 {
            assert!(matches!(load(&mut store, &plain, 0), Ok(Val::I32(0))));
            let trap = load(&mut store, &plain, 65536).unwrap_err();
            assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
        }
        assert_eq!(tier(&store, &plain), Tier::Interpreter);
        // The guarded instance traps through its guard region.
        let trap = load(&mut store, &guarded, 65536).unwrap_err();
        assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
    }

    /// A loop of tail calls between a native function and an interpreted
    /// one runs in constant stack: the native side compiles its callee
    /// before the tail call (`native_now`) instead of calling it through
    /// its `array_call`, which nested at every turn until the callee was
    /// compiled by tier-up (a million turns then exhausted the stack;
    /// with tier-up on the background thread, the spec suite's
    /// `return_call_indirect.wast` did so now and then under load).
    #[test]
    fn tail_calls_between_tiers_run_in_constant_stack() {
        let mut config = Config::new();
        config
            .strategy(Strategy::Auto)
            .tier_up_threshold(u32::MAX)
            .tier_up_in_background(false);
        let engine = Engine::new(&config);
        let text = r#"(module
            (func $even (export "even") (param i32) (result i32)
              (if (result i32) (local.get 0)
                (then (return_call $odd (i32.sub (local.get 0) (i32.const 1))))
                (else (i32.const 44))))
            (func $odd (export "odd") (param i32) (result i32)
              (if (result i32) (local.get 0)
                (then (return_call $even (i32.sub (local.get 0) (i32.const 1))))
                (else (i32.const 99)))))"#;
        let module = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let even = instance.get_func(&store, "even").unwrap();
        let odd = instance.get_func(&store, "odd").unwrap();
        // `even` native, `odd` interpreted: nothing tiers up by itself.
        // SAFETY: the store's own reference, used by this thread only.
        assert!(unsafe { super::native_now(even.vm(&store) as *mut _) });
        assert_eq!(even.tier(&store), Tier::Native);
        assert_eq!(odd.tier(&store), Tier::Interpreter);
        let mut out = [Val::I32(0)];
        if let Err(t) = even.call(&mut store, &[Val::I32(1_000_001)], &mut out) {
            panic!("trapped: {}", t.message());
        }
        assert!(matches!(out[0], Val::I32(99)));
        assert_eq!(odd.tier(&store), Tier::Native);

        // `odd` was compiled before its first call, so before the
        // interpreter had its code: an instance that cannot run the native
        // code (as if its memories had not got guard regions) interprets
        // it all the same.
        let plain = Instance::new(&mut store, &module, &[]).unwrap();
        store.inner.instances[plain.index as usize]
            .vmctx
            .memories_guarded = false;
        let odd = plain.get_func(&store, "odd").unwrap();
        odd.call(&mut store, &[Val::I32(7)], &mut out).unwrap();
        assert!(matches!(out[0], Val::I32(44)));
        assert_eq!(odd.tier(&store), Tier::Interpreter);
    }
}

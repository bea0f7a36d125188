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
use crate::jit::{self, JitModule};
use crate::runtime::{NativeCode, VMContext};
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};

/// A module's functions compiled by tier-up.
#[derive(Default)]
pub(crate) struct Tiered {
    /// Defined-function indices already requested (compiled, queued, or
    /// found unsupported).
    requested: HashSet<usize>,
    /// The code, and the entries published from it; kept as long as the
    /// module.
    code: Vec<(JitModule, Box<NativeCode>)>,
}

impl Tiered {
    pub fn compiled_count(&self) -> usize {
        self.code.len()
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
    if module.engine.config().tier_up_in_background {
        let job: Job = Box::new(move || compile(&module, defined, guarded));
        if let Err(mpsc::SendError(job)) =
            worker().lock().unwrap_or_else(|e| e.into_inner()).send(job)
        {
            // The worker is gone (it never exits, but do not lose the work).
            job();
        }
    } else {
        compile(&module, defined, guarded);
    }
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
/// interpreted.
fn compile(module: &ModuleInner, defined: usize, guarded: bool) {
    let info = &module.info;
    let range = info.func_bodies[defined].clone();
    let reader = wasmparser::BinaryReader::new(&module.bytes[range.clone()], range.start as u64);
    let body = wasmparser::FunctionBody::new(reader);
    let func_index = info.num_imported_funcs + defined as u32;
    let Ok(code) = jit::compile_functions(
        info,
        &[(func_index, body)],
        1,
        guarded,
        module.engine.config().metering(),
    ) else {
        return;
    };
    let Some(native) = code.func(0) else {
        return;
    };
    let native = Box::new(native.code(guarded));
    let published: *const NativeCode = &*native;
    module
        .tiered
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .code
        .push((code, native));
    module.funcs[defined]
        .native()
        .store(published as *mut NativeCode, Ordering::Release);
}

#[cfg(test)]
mod tests {
    use crate::engine::{wat2wasm, Config, Engine, Instance, Module, Store, Strategy, Tier, Val};
    use crate::runtime::TrapCode;

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
}

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
    let module = unsafe {
        let inst = &*((*(*vmctx).instance).owner as *const InstanceData);
        inst.module.inner().clone()
    };
    request(module, func_index);
}

/// Compiles function `func_index` of `module` unless it was requested
/// before: at once, or on the background thread.
fn request(module: Arc<ModuleInner>, func_index: u32) {
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
        let job: Job = Box::new(move || compile(&module, defined));
        if let Err(mpsc::SendError(job)) =
            worker().lock().unwrap_or_else(|e| e.into_inner()).send(job)
        {
            // The worker is gone (it never exits, but do not lose the work).
            job();
        }
    } else {
        compile(&module, defined);
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

/// Compiles defined function `defined` and publishes its native code. A
/// function the JIT does not support stays interpreted.
fn compile(module: &ModuleInner, defined: usize) {
    let info = &module.info;
    let range = info.func_bodies[defined].clone();
    let reader = wasmparser::BinaryReader::new(&module.bytes[range.clone()], range.start as u64);
    let body = wasmparser::FunctionBody::new(reader);
    let func_index = info.num_imported_funcs + defined as u32;
    // Explicit bounds checks: the code is shared by every instance of the
    // module, guarded memory or not.
    let Ok(code) = jit::compile_functions(
        info,
        &[(func_index, body)],
        1,
        false,
        module.engine.config().metering(),
    ) else {
        return;
    };
    let Some(native) = code.func(0) else {
        return;
    };
    let native = Box::new(native.code());
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

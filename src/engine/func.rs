//! Functions: handles to wasm or host functions, and calling them.
//!
//! Every function, whatever runs it, is called through the one entry in
//! its [`VMFuncRef`] (`array_call`): the engine writes the arguments into a
//! buffer of raw values, calls the entry, and reads the results back.
//! Host functions get an entry of their own here ([`host_array_call`])
//! that turns raw values into [`Val`]s and calls the host's closure.

use super::instance::{Extern, Instance, InstanceData};
use super::store::{FuncEntry, HostFuncRecord, Store, StoreId};
use super::trap::{FrameInfo, Trap};
use super::types::{FuncType, ValType};
use super::val::{from_raw, to_raw, Val};
use crate::runtime::{FramePos, PendingTrap, TrapCode, TrapReason, VMContext, VMFuncRef};
use std::ffi::c_void;
use std::panic::{self, AssertUnwindSafe};

/// Bytes of host stack a chain of nested host->wasm->host calls may use
/// before further nesting traps with "call stack exhausted".
const MAX_NATIVE_NESTING_BYTES: usize = 1 << 20;

/// Raw value slots kept on the host stack for a call; more spill to the
/// heap.
const INLINE_SLOTS: usize = 32;

/// What a host function gets: the store (to reach memories, call other
/// functions, ...) and the instance of the calling wasm code, if any.
pub struct Caller<'a> {
    pub store: &'a mut Store,
    pub instance: Option<Instance>,
}

impl Caller<'_> {
    /// An export of the calling instance (WASI uses this for "memory").
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        self.instance?.get_export(self.store, name)
    }
}

/// The body of a host function: reads `args`, writes every element of
/// `results` (pre-filled with zero values of the result types), or traps.
pub type HostCallback = dyn Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap>;

/// The body of a host function over raw value slots: the parameters are
/// in `slots` one per value from slot 0 (numeric types only, see
/// [`Func::new_raw`]), and the results go there the same way.
pub(crate) type RawHostCallback = dyn Fn(&mut Caller<'_>, &mut [u64]) -> Result<(), Trap>;

/// How a host function's body takes its values.
pub(crate) enum HostBody {
    Vals(Box<HostCallback>),
    Raw(Box<RawHostCallback>),
}

/// A host function: its type and its body.
pub struct HostFunc {
    pub(crate) ty: FuncType,
    pub(crate) body: HostBody,
}

/// A panic of a host function, carried through wasm frames as a trap and
/// resumed when it reaches the host-to-wasm entry.
struct HostPanic(Box<dyn std::any::Any + Send>);

/// Which tier runs a function.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Tier {
    /// A host function.
    Host,
    /// Interpreted.
    Interpreter,
    /// Compiled to native code by the JIT.
    Native,
}

/// A function in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Func {
    /// Creates a host function of type `ty`.
    pub fn new(
        store: &mut Store,
        ty: FuncType,
        callback: impl Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> Func {
        Func::with_body(store, ty, HostBody::Vals(Box::new(callback)))
    }

    /// Creates a host function of type `ty` whose body reads and writes
    /// raw slots (no [`Val`] in between: the fast path of C host
    /// functions). `ty` must be numeric (see [`FuncType::is_numeric`]).
    pub(crate) fn new_raw(
        store: &mut Store,
        ty: FuncType,
        callback: impl Fn(&mut Caller<'_>, &mut [u64]) -> Result<(), Trap> + 'static,
    ) -> Func {
        debug_assert!(ty.is_numeric());
        Func::with_body(store, ty, HostBody::Raw(Box::new(callback)))
    }

    fn with_body(store: &mut Store, ty: FuncType, body: HostBody) -> Func {
        let inner = &mut *store.inner;
        let index = inner.funcs.len() as u32;
        let type_id = inner.hold_type(&ty);
        let mut record = Box::new(HostFuncRecord {
            vm: VMFuncRef::null(),
            func: HostFunc { ty, body },
            ctx: inner.ctx,
        });
        record.vm.array_call = host_array_call;
        record.vm.type_id = type_id;
        record.vm.store_index = index;
        record.vm.host = &*record as *const HostFuncRecord as *const c_void;
        inner.funcs.push(FuncEntry {
            vm: &record.vm,
            ty: &record.func.ty,
        });
        inner.host_funcs.push(record);
        Func {
            store: inner.id,
            index,
        }
    }

    /// The handle of the function whose reference is `ptr`.
    ///
    /// # Safety
    /// `ptr` must be a live, non-null function reference of `store`.
    pub(crate) unsafe fn from_vm(store: &Store, ptr: *const VMFuncRef) -> Func {
        Func {
            store: store.inner.id,
            // SAFETY: guaranteed by the caller.
            index: unsafe { (*ptr).store_index },
        }
    }

    pub(crate) fn vm(&self, store: &Store) -> *const VMFuncRef {
        store.check(self.store);
        store.inner.funcs[self.index as usize].vm
    }

    /// The canonical id of the function's type (see `type_registry`).
    pub(crate) fn type_id(&self, store: &Store) -> u32 {
        // SAFETY: references of the store live as long as the store.
        unsafe { (*self.vm(store)).type_id }
    }

    /// The tier that runs this function now.
    pub fn tier(&self, store: &Store) -> Tier {
        let vm = self.vm(store);
        // SAFETY: references of the store live as long as the store.
        unsafe {
            if !(*vm).host.is_null() {
                Tier::Host
            } else if !(*vm).interp_code.is_null() {
                Tier::Interpreter
            } else {
                Tier::Native
            }
        }
    }

    pub fn ty(&self, store: &Store) -> FuncType {
        self.ty_ref(store).clone()
    }

    /// The function's type, borrowed from its definition (no allocation).
    pub(crate) fn ty_ref<'s>(&self, store: &'s Store) -> &'s FuncType {
        store.check(self.store);
        // SAFETY: the type lives in a host record of the store or in the
        // module of one of its instances, both as long as the store.
        unsafe { &*store.inner.funcs[self.index as usize].ty }
    }

    /// Calls the function. `args` must match the parameter types;
    /// otherwise a trap describing the mismatch is returned and nothing
    /// runs. When `results` does not have one slot per result, the function
    /// still runs (its own trap, if it traps, is what is returned), and a
    /// trap saying the results do not fit is returned after it.
    pub fn call(&self, store: &mut Store, args: &[Val], results: &mut [Val]) -> Result<(), Trap> {
        let ty = self.ty_ref(store);
        if args.len() != ty.params().len() {
            return Err(Trap::new(format!(
                "function expects {} arguments, got {}",
                ty.params().len(),
                args.len()
            )));
        }
        for (i, (a, t)) in args.iter().zip(ty.params()).enumerate() {
            if super::val::is_foreign(store, a) {
                return Err(Trap::new(format!(
                    "argument {i} is a reference from another store"
                )));
            }
            if !super::val::has_type(store, a, *t) {
                return Err(Trap::new(format!(
                    "argument {i} has type {}, expected {t}",
                    super::val::describe(a)
                )));
            }
        }
        let ty: *const FuncType = ty;
        // SAFETY: the type outlives the call (see `ty_ref`); the store is
        // not dropped while borrowed here.
        let ty = unsafe { &*ty };
        let param_slots: usize = ty.params().iter().map(|t| t.slots() as usize).sum();
        let result_slots: usize = ty.results().iter().map(|t| t.slots() as usize).sum();
        let capacity = param_slots.max(result_slots);
        let mut inline = [0u64; INLINE_SLOTS];
        let mut heap = Vec::new();
        let values: &mut [u64] = if capacity <= INLINE_SLOTS {
            &mut inline[..]
        } else {
            heap.resize(capacity, 0);
            &mut heap
        };
        let mut slot = 0;
        for a in args {
            let raw = to_raw(store, a);
            values[slot] = raw[0];
            if a.ty() == ValType::V128 {
                values[slot + 1] = raw[1];
            }
            slot += a.ty().slots() as usize;
        }
        let vm = self.vm(store);
        // SAFETY: `vm` is a live reference of this store and `values` holds
        // its arguments with room for its results.
        unsafe { call_raw(store, vm, values.as_mut_ptr(), values.len())? };
        if results.len() != ty.results().len() {
            return Err(Trap::new(format!(
                "function returns {} results, but {} were expected",
                ty.results().len(),
                results.len()
            )));
        }
        let mut slot = 0;
        for (r, t) in results.iter_mut().zip(ty.results()) {
            *r = from_raw(
                store,
                *t,
                [values[slot], values.get(slot + 1).copied().unwrap_or(0)],
            );
            slot += t.slots() as usize;
        }
        Ok(())
    }
}

/// Calls `vm` through its `array_call` from the host: bounds the nesting
/// of host<->wasm calls, lets host functions reach the store, and turns a
/// pending trap into a [`Trap`].
///
/// The store is used only through a raw pointer for the duration of the
/// call: a host function called inside gets a fresh `&mut Store` made from
/// it, so no two live mutable references to the store are ever in use.
///
/// # Safety
/// `vm` is a live function reference of `store`; `values` holds its
/// arguments and has room for `capacity >=` its parameter and result slots.
pub(crate) unsafe fn call_raw(
    store: &mut Store,
    vm: *const VMFuncRef,
    values: *mut u64,
    capacity: usize,
) -> Result<(), Trap> {
    let store_ptr: *mut Store = store;
    // SAFETY: `ctx` is owned by the store; see the function's contract for
    // the rest. Nothing below uses `store` until the call has returned.
    unsafe {
        let ctx = (*store_ptr).inner.ctx;
        let marker = 0u8;
        let here = &marker as *const u8 as usize;
        let thread = crate::runtime::thread::current();
        let outermost = (*ctx).native_start == 0;
        if outermost {
            (*ctx).native_start = here;
            (*ctx).stack_limit = crate::runtime::stack::stack_limit(
                (*thread).stack_low(),
                here,
                (*ctx).max_wasm_stack,
            );
        } else if (*ctx).native_start.abs_diff(here) > MAX_NATIVE_NESTING_BYTES {
            return Err(Trap::from_code(TrapCode::StackExhausted, Vec::new()));
        }
        let (saved_store, saved_thread) = ((*ctx).store, (*ctx).thread);
        (*ctx).store = store_ptr.cast();
        (*ctx).thread = thread;
        let ok = call_array(thread, vm, values, capacity);
        (*ctx).store = saved_store;
        (*ctx).thread = saved_thread;
        if outermost {
            (*ctx).native_start = 0;
        }
        if ok {
            return Ok(());
        }
        let pending = (*ctx).trap.take();
        Err(trap_from_pending(&*store_ptr, pending))
    }
}

/// Calls `vm` through its array calling convention; a native function
/// without the indirect call and the second lookup of the thread's state
/// that its `array_call` makes (were the address comparison ever to miss,
/// the indirect call does the same).
///
/// # Safety
/// As for `call_raw`, inside it; `thread` is the calling thread's state.
#[inline(always)]
unsafe fn call_array(
    thread: *const crate::runtime::thread::ThreadState,
    vm: *const VMFuncRef,
    values: *mut u64,
    capacity: usize,
) -> bool {
    // SAFETY: guaranteed by the caller.
    unsafe {
        #[cfg(feature = "jit")]
        if (*vm).array_call as *const () == crate::jit::array_call as *const () {
            return crate::jit::call_native(thread, vm, std::ptr::null_mut(), values, capacity);
        }
        #[cfg(not(feature = "jit"))]
        let _ = thread;
        ((*vm).array_call)(vm, std::ptr::null_mut(), values, capacity)
    }
}

/// Turns the runtime's record of a trap into a [`Trap`] with its backtrace;
/// a host function's panic resumes here.
fn trap_from_pending(store: &Store, pending: Option<PendingTrap>) -> Trap {
    let Some(pending) = pending else {
        return Trap::new("wasm call failed without a trap record");
    };
    let trace: Vec<FrameInfo> = pending
        .frames
        .iter()
        .map(|f| {
            // SAFETY: frames name live contexts of this store's instances,
            // whose `owner` is their engine record.
            let mut inst = unsafe { &*((*(*f.vmctx).instance).owner as *const InstanceData) };
            // A native caller of another module than `vmctx`'s: an instance
            // of its module (the first, when the store has several).
            if f.module != 0 && f.module != inst.module.inner().code_key() {
                if let Some(other) = store
                    .inner
                    .instances
                    .iter()
                    .find(|i| i.module.inner().code_key() == f.module)
                {
                    inst = other;
                }
            }
            let func_offset = match f.pos {
                FramePos::Offset(offset) => offset,
                FramePos::InterpInstr(instr) => {
                    inst.module.inner().interp_offset(f.func_index, instr)
                }
            } as usize;
            FrameInfo {
                instance: Some(inst.handle),
                func_index: f.func_index,
                func_offset,
                module_offset: inst
                    .module
                    .inner()
                    .info
                    .module_offset(f.func_index, func_offset),
            }
        })
        .collect();
    match pending.reason {
        TrapReason::Code(code) => Trap::from_code(code, trace),
        TrapReason::Exception(index) => Trap::throw(super::ExnRef {
            store: store.inner.id,
            index,
        })
        .with_trace(trace),
        TrapReason::Host(payload) => match payload.downcast::<Trap>() {
            Ok(t) => t.with_trace(trace),
            Err(other) => match other.downcast::<HostPanic>() {
                Ok(p) => panic::resume_unwind(p.0),
                Err(_) => Trap::new("unknown trap payload"),
            },
        },
    }
}

/// The entry of every host function in the array calling convention:
/// decodes the arguments, runs the closure with a fresh `&mut Store`, and
/// encodes its results (or records its trap).
///
/// # Safety
/// As for [`VMArrayCallFn`](crate::runtime::VMArrayCallFn): `callee` is the
/// reference of a live host record whose store is in a call (its context
/// holds the store pointer).
unsafe extern "C" fn host_array_call(
    callee: *const VMFuncRef,
    caller: *mut VMContext,
    values: *mut u64,
    capacity: usize,
) -> bool {
    // SAFETY: guaranteed by the caller: the record and its store are live,
    // and the store is reachable only through the pointer in its context
    // while the call lasts.
    unsafe {
        let record = &*((*callee).host as *const HostFuncRecord);
        let ctx = record.ctx;
        let store = &mut *((*ctx).store as *mut Store);
        let instance = if caller.is_null() {
            None
        } else {
            Some((*((*(*caller).instance).owner as *const InstanceData)).handle)
        };
        let values = std::slice::from_raw_parts_mut(values, capacity);
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            call_host_func(store, &record.func, instance, values)
        }));
        match outcome {
            Ok(Ok(())) => true,
            Ok(Err(trap)) => {
                let store_id = (*((*ctx).store as *const Store)).inner.id;
                match trap.exception() {
                    // Thrown by the host: catchable in the caller.
                    Some(exn) if exn.store == store_id => (*ctx).throw(exn.index),
                    Some(_) => (*ctx).raise_host(Box::new(Trap::new(
                        "host function threw an exception of another store",
                    ))),
                    None => (*ctx).raise_host(Box::new(trap)),
                }
                false
            }
            Err(panic) => {
                (*ctx).raise_host(Box::new(HostPanic(panic)));
                false
            }
        }
    }
}

/// Runs a host function over raw values: decodes the arguments, calls,
/// checks what it returns against its type and encodes it.
fn call_host_func(
    store: &mut Store,
    host: &HostFunc,
    instance: Option<Instance>,
    values: &mut [u64],
) -> Result<(), Trap> {
    let callback = match &host.body {
        HostBody::Raw(raw) => return raw(&mut Caller { store, instance }, values),
        HostBody::Vals(callback) => callback,
    };
    let (mut args, mut results) = store.inner.host_bufs.pop().unwrap_or_default();
    args.clear();
    results.clear();
    let mut slot = 0;
    for t in host.ty.params() {
        let raw = [values[slot], values.get(slot + 1).copied().unwrap_or(0)];
        args.push(from_raw(store, *t, raw));
        slot += t.slots() as usize;
    }
    results.extend(host.ty.results().iter().map(|t| Val::default_for(*t)));
    let mut caller = Caller { store, instance };
    let r = callback(&mut caller, &args, &mut results);
    let store = caller.store;
    let r = r.and_then(|()| {
        let mut slot = 0;
        for (v, t) in results.iter().zip(host.ty.results()) {
            if super::val::is_foreign(store, v) {
                return Err(Trap::new(
                    "host function returned a reference from another store",
                ));
            }
            if !super::val::has_type(store, v, *t) {
                return Err(Trap::new(format!(
                    "host function returned a {} where its type says {t}",
                    super::val::describe(v)
                )));
            }
            let raw = to_raw(store, v);
            values[slot] = raw[0];
            if *t == ValType::V128 {
                values[slot + 1] = raw[1];
            }
            slot += t.slots() as usize;
        }
        Ok(())
    });
    store.inner.host_bufs.push((args, results));
    r
}

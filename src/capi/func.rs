//! Functions: host functions with and without an environment, reflection,
//! and calls.

use super::r#ref::{ref_kind, HostInfo, RefKind};
use super::store::wasm_store_t;
use super::trap::wasm_trap_t;
use super::types::*;
use super::val::*;
use super::vec::*;
use crate::engine::{Func, FuncType, Trap, Val};
use std::ffi::c_void;
use std::ptr;

ref_kind!(
    wasm_func_t,
    RefKind::Func(_),
    [
        wasm_func_delete,
        wasm_func_copy,
        wasm_func_same,
        wasm_func_get_host_info,
        wasm_func_set_host_info,
        wasm_func_set_host_info_with_finalizer
    ],
    [
        wasm_func_as_ref,
        wasm_ref_as_func,
        wasm_func_as_ref_const,
        wasm_ref_as_func_const
    ]
);

impl wasm_func_t {
    pub(crate) fn func(&self) -> Func {
        match self.r.kind {
            RefKind::Func(f) => f,
            _ => unreachable!("a func view always holds a function"),
        }
    }
}

pub type wasm_func_callback_t = unsafe extern "C" fn(
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;
pub type wasm_func_callback_with_env_t = unsafe extern "C" fn(
    env: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// Values on the stack for up to this many parameters or results; more
/// spill to the heap.
const INLINE_VALS: usize = 16;

/// A small vector of C values that lives on the stack when it can.
struct CVals {
    inline: [wasm_val_t; INLINE_VALS],
    heap: Vec<wasm_val_t>,
    len: usize,
}

impl CVals {
    fn new(len: usize) -> CVals {
        CVals {
            inline: [wasm_val_t::blank(); INLINE_VALS],
            heap: if len > INLINE_VALS {
                vec![wasm_val_t::blank(); len]
            } else {
                Vec::new()
            },
            len,
        }
    }

    fn slice_mut(&mut self) -> &mut [wasm_val_t] {
        if self.len > INLINE_VALS {
            &mut self.heap
        } else {
            &mut self.inline[..self.len]
        }
    }

    /// A C vector view (not owning) of the values.
    fn as_vec(&mut self) -> wasm_val_vec_t {
        let s = self.slice_mut();
        WasmVec {
            size: s.len(),
            data: s.as_mut_ptr(),
        }
    }
}

/// Runs a C host function: converts the arguments, calls, converts the
/// results back (checking their kinds), and frees what it allocated.
fn call_host(
    store: *mut wasm_store_t,
    ty: &FuncType,
    args: &[Val],
    results: &mut [Val],
    call: impl FnOnce(*const wasm_val_vec_t, *mut wasm_val_vec_t) -> *mut wasm_trap_t,
) -> Result<(), Trap> {
    let mut cargs = CVals::new(args.len());
    for (c, a) in cargs.slice_mut().iter_mut().zip(args) {
        *c = from_val(store, a);
    }
    let mut cres = CVals::new(results.len());
    for (c, t) in cres.slice_mut().iter_mut().zip(ty.results()) {
        c.kind = valkind_of(*t);
    }
    let args_vec = cargs.as_vec();
    let mut res_vec = cres.as_vec();
    let trap = call(&args_vec, &mut res_vec);
    for a in cargs.slice_mut() {
        a.release();
    }
    let mut outcome = Ok(());
    if !trap.is_null() {
        // SAFETY: the callback returned an owned trap.
        outcome = Err(unsafe { take_trap(trap) });
    } else {
        for (i, (c, t)) in cres.slice_mut().iter().zip(ty.results()).enumerate() {
            // SAFETY: the callback filled in valid values.
            match unsafe { to_val(store, c, *t) } {
                Ok(v) => results[i] = v,
                Err(e) => {
                    outcome = Err(Trap::new(format!("host function result {i}: {e}")));
                    break;
                }
            }
        }
    }
    for c in cres.slice_mut() {
        c.release();
    }
    outcome
}

/// Parameters and results a numeric function may have for the fast paths
/// (values on the stack, nothing to convert through `Val`).
const FAST_VALS: usize = 8;

/// Whether calls of a function of type `ty` take the fast paths.
fn fast_path(ty: &FuncType) -> bool {
    ty.is_numeric() && ty.params().len() <= FAST_VALS && ty.results().len() <= FAST_VALS
}

/// The C value kinds of a numeric function type's parameters and
/// results (`fast_path`), worked out once for all its calls.
#[derive(Copy, Clone)]
pub(crate) struct NumericSig {
    params: u8,
    results: u8,
    /// The parameters' kinds, then the results'.
    kinds: [wasm_valkind_t; 2 * FAST_VALS],
}

impl NumericSig {
    /// `None` unless calls of `ty` take the fast paths.
    fn of(ty: &FuncType) -> Option<NumericSig> {
        if !fast_path(ty) {
            return None;
        }
        let mut kinds = [0; 2 * FAST_VALS];
        for (k, t) in kinds.iter_mut().zip(ty.params().iter().chain(ty.results())) {
            *k = valkind_of(*t);
        }
        Some(NumericSig {
            params: ty.params().len() as u8,
            results: ty.results().len() as u8,
            kinds,
        })
    }

    fn param_kinds(&self) -> &[wasm_valkind_t] {
        &self.kinds[..self.params as usize]
    }

    fn result_kinds(&self) -> &[wasm_valkind_t] {
        &self.kinds[self.params as usize..][..self.results as usize]
    }
}

/// `call_host` for a numeric type (`fast_path`, kinds `sig`): the C values
/// are made straight from the raw slots and written back to them.
fn call_host_numeric(
    store: *mut wasm_store_t,
    sig: &NumericSig,
    slots: &mut [u64],
    call: impl FnOnce(*const wasm_val_vec_t, *mut wasm_val_vec_t) -> *mut wasm_trap_t,
) -> Result<(), Trap> {
    let (param_kinds, result_kinds) = (sig.param_kinds(), sig.result_kinds());
    let mut cargs = [wasm_val_t::blank(); FAST_VALS];
    for ((c, k), raw) in cargs.iter_mut().zip(param_kinds).zip(slots.iter()) {
        *c = numeric_from_raw(*raw, *k);
    }
    let mut cres = [wasm_val_t::blank(); FAST_VALS];
    for (c, k) in cres.iter_mut().zip(result_kinds) {
        c.kind = *k;
    }
    let args_vec = WasmVec {
        size: param_kinds.len(),
        data: cargs.as_mut_ptr(),
    };
    let mut res_vec = WasmVec {
        size: result_kinds.len(),
        data: cres.as_mut_ptr(),
    };
    let trap = call(&args_vec, &mut res_vec);
    let cres = &mut cres[..result_kinds.len()];
    let outcome = if !trap.is_null() {
        // SAFETY: the callback returned an owned trap.
        Err(unsafe { take_trap(trap) })
    } else {
        let mut converted = Ok(());
        for (i, (c, k)) in cres.iter().zip(result_kinds).enumerate() {
            match numeric_to_raw(c, *k) {
                Some(raw) => slots[i] = raw,
                None => {
                    let t = valtype_of_kind(*k).expect("a numeric kind");
                    // SAFETY: the callback filled in valid values; this
                    // only words the mismatch (a numeric type takes no
                    // reference, so nothing is converted).
                    let e = unsafe { to_val(store, c, t) }.err().unwrap_or_default();
                    converted = Err(Trap::new(format!("host function result {i}: {e}")));
                    break;
                }
            }
        }
        converted
    };
    // A callback may have stored references where numbers belonged (when
    // every result converted, each has its numeric kind: nothing to free).
    if outcome.is_err() {
        for c in cres {
            c.release();
        }
    }
    outcome
}

/// An environment pointer that may be moved into the engine's closure.
#[derive(Copy, Clone)]
struct Env(*mut c_void);

unsafe fn new_host_func(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    body: impl Fn(*const wasm_val_vec_t, *mut wasm_val_vec_t) -> *mut wasm_trap_t + 'static,
) -> *mut wasm_func_t {
    if store.is_null() || ty.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live function type (C API contract).
    let fty = unsafe { (*ty).func_type() }.clone();
    let store_ptr = store;
    // SAFETY: a live store (C API contract).
    let engine_store = unsafe { &mut (*store).store };
    let f = if let Some(sig) = NumericSig::of(&fty) {
        Func::new_raw(engine_store, fty, move |_caller, slots| {
            call_host_numeric(store_ptr, &sig, slots, &body)
        })
    } else {
        let cty = fty.clone();
        Func::new(engine_store, fty, move |_caller, args, results| {
            call_host(store_ptr, &cty, args, results, &body)
        })
    };
    wasm_func_t::boxed(store, RefKind::Func(f))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_new(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Option<wasm_func_callback_t>,
) -> *mut wasm_func_t {
    let Some(cb) = callback else {
        return ptr::null_mut();
    };
    // SAFETY: the callback follows the C API contract.
    unsafe { new_host_func(store, ty, move |a, r| cb(a, r)) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_new_with_env(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Option<wasm_func_callback_with_env_t>,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> *mut wasm_func_t {
    let Some(cb) = callback else {
        return ptr::null_mut();
    };
    let env = Env(env);
    // SAFETY: the callback follows the C API contract.
    let f = unsafe {
        new_host_func(store, ty, move |a, r| {
            let env = env;
            cb(env.0, a, r)
        })
    };
    if !f.is_null() && finalizer.is_some() {
        // SAFETY: `store` is live (checked non-null by `new_host_func`).
        unsafe {
            (*store).env_finalizers.borrow_mut().push(HostInfo {
                data: env.0,
                finalizer,
            })
        };
    }
    f
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_type(f: *const wasm_func_t) -> *mut wasm_functype_t {
    if f.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a live function handle whose store is alive.
    let (func, store) = unsafe { ((*f).func(), &(*(*f).r.store).store) };
    wasm_functype_t::boxed(crate::engine::ExternType::Func(func.ty(store)))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_param_arity(f: *const wasm_func_t) -> usize {
    if f.is_null() {
        return 0;
    }
    // SAFETY: as in `wasm_func_type`.
    let (func, store) = unsafe { ((*f).func(), &(*(*f).r.store).store) };
    func.ty_ref(store).params().len()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_result_arity(f: *const wasm_func_t) -> usize {
    if f.is_null() {
        return 0;
    }
    // SAFETY: as in `wasm_func_type`.
    let (func, store) = unsafe { ((*f).func(), &(*(*f).r.store).store) };
    func.ty_ref(store).results().len()
}

fn error_trap(store: *mut wasm_store_t, msg: String) -> *mut wasm_trap_t {
    wasm_trap_t::from_trap(store, Trap::new(msg))
}

/// The trap for a call that returned normally into a results vector of
/// the wrong size.
fn results_do_not_fit(store: *mut wasm_store_t, results: usize, room: usize) -> *mut wasm_trap_t {
    error_trap(
        store,
        format!("function returned {results} results, but the results vector has room for {room}"),
    )
}

/// The trap a host callback returned (owned by the caller now).
///
/// # Safety
/// `trap` is a non-null trap the callback handed over.
unsafe fn take_trap(trap: *mut wasm_trap_t) -> Trap {
    // SAFETY: guaranteed by the caller.
    let t = unsafe { Box::from_raw(trap) };
    t.trap().clone()
}

/// Calls `f`. Argument counts and kinds are checked first: a mismatch
/// returns a trap and runs nothing. A results vector of the wrong size does
/// not stop the call, as in the reference implementation: the function
/// runs, a trap it raises is returned as it is, and only if it returns
/// normally is a trap saying the results do not fit returned (the vector
/// is left untouched). No heap allocation happens on the success path for
/// up to 16 arguments and results without references.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_call(
    f: *const wasm_func_t,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    if f.is_null() {
        return error_trap(ptr::null_mut(), "wasm_func_call: null function".into());
    }
    // SAFETY: a live handle; its store is alive (C API contract). When a
    // host callback re-enters here, the engine is using the store only
    // through the raw pointer it took at its entry (see
    // `engine::func::call_raw`), so this fresh reference is the only one in
    // use while the nested call lasts.
    let (store_ptr, func) = unsafe { ((*f).r.store, (*f).func()) };
    // SAFETY: valid (or null, read as empty) vectors (C API contract).
    let cargs = unsafe { args.as_ref().map_or(&[][..], |v| v.as_slice()) };
    let cres: &mut [wasm_val_t] = match unsafe { results.as_mut() } {
        Some(v) => unsafe { v.as_mut_slice() },
        None => &mut [],
    };
    // SAFETY: as above.
    match unsafe { call_numeric(store_ptr, &*f, cargs, cres) } {
        Some(trap) => trap,
        // SAFETY: as above.
        None => unsafe { call_vals(store_ptr, func, cargs, cres) },
    }
}

/// How `wasm_func_call` calls a function, worked out at the first call
/// through a handle and kept in it (`wasm_ref_t::plan`), so later calls
/// go from the handle straight to the function's reference.
#[derive(Copy, Clone)]
pub(crate) enum CallPlan {
    /// Through engine values (`call_vals`).
    Vals,
    Numeric(NumericCall),
}

/// A numeric function (`fast_path`): its reference, and the C value kinds
/// of its parameters then results.
#[derive(Copy, Clone)]
pub(crate) struct NumericCall {
    vm: *const crate::runtime::VMFuncRef,
    sig: NumericSig,
}

impl CallPlan {
    fn of(store: &crate::engine::Store, func: Func) -> CallPlan {
        match NumericSig::of(func.ty_ref(store)) {
            Some(sig) => CallPlan::Numeric(NumericCall {
                vm: func.vm(store),
                sig,
            }),
            None => CallPlan::Vals,
        }
    }
}

/// The fast path of `wasm_func_call` for numeric functions whose arguments
/// have the right kinds: C values to raw slots and back, no `Val`. `None`
/// when the call is not for this path (nothing has run then).
///
/// # Safety
/// `store_ptr` is the live store of `func`, used only through this pointer
/// while the call lasts (see `wasm_func_call`).
#[inline(always)]
unsafe fn call_numeric(
    store_ptr: *mut wasm_store_t,
    f: &wasm_func_t,
    cargs: &[wasm_val_t],
    cres: &mut [wasm_val_t],
) -> Option<*mut wasm_trap_t> {
    let plan = match f.r.plan.get() {
        Some(plan) => plan,
        None => {
            // SAFETY: see the contract.
            let plan = CallPlan::of(unsafe { &(*store_ptr).store }, f.func());
            // (A host function that called through this handle before
            // this call got here has set the same plan already.)
            let _ = f.r.plan.set(plan);
            f.r.plan.get().unwrap_or(&CallPlan::Vals)
        }
    };
    let CallPlan::Numeric(plan) = plan else {
        return None;
    };
    let (param_kinds, result_kinds) = (plan.sig.param_kinds(), plan.sig.result_kinds());
    if cargs.len() != param_kinds.len() {
        return None;
    }
    let mut slots = [0u64; FAST_VALS];
    for ((slot, c), k) in slots.iter_mut().zip(cargs).zip(param_kinds) {
        *slot = numeric_to_raw(c, *k)?;
    }
    // SAFETY: see the contract.
    let store = unsafe { &mut (*store_ptr).store };
    // SAFETY: `plan.vm` is a live reference of this store (the handle's
    // function); `slots` holds its arguments and has room for its results
    // (both at most FAST_VALS).
    let outcome = unsafe { crate::engine::call_raw(store, plan.vm, slots.as_mut_ptr(), FAST_VALS) };
    let results = result_kinds.len();
    Some(match outcome {
        Err(t) => wasm_trap_t::from_trap(store_ptr, t),
        Ok(()) if cres.len() != results => results_do_not_fit(store_ptr, results, cres.len()),
        Ok(()) => {
            for ((c, k), raw) in cres.iter_mut().zip(result_kinds).zip(slots) {
                *c = numeric_from_raw(raw, *k);
            }
            ptr::null_mut()
        }
    })
}

/// `wasm_func_call` through engine values: any type, any argument (a
/// mismatch is reported here).
///
/// # Safety
/// As for `call_numeric`.
#[inline(never)]
unsafe fn call_vals(
    store_ptr: *mut wasm_store_t,
    func: Func,
    cargs: &[wasm_val_t],
    cres: &mut [wasm_val_t],
) -> *mut wasm_trap_t {
    // SAFETY: see the contract.
    let store = unsafe { &mut (*store_ptr).store };
    let (nparams, nresults) = {
        let ty = func.ty_ref(store);
        (ty.params().len(), ty.results().len())
    };
    if cargs.len() != nparams {
        return error_trap(
            store_ptr,
            format!("function expects {nparams} arguments, got {}", cargs.len()),
        );
    }
    let mut argv = [Val::I32(0); INLINE_VALS];
    let mut arg_heap = Vec::new();
    let argv: &mut [Val] = if nparams <= INLINE_VALS {
        &mut argv[..nparams]
    } else {
        arg_heap.resize(nparams, Val::I32(0));
        &mut arg_heap
    };
    for (i, c) in cargs.iter().enumerate() {
        let ty = func.ty_ref(store).params()[i];
        // SAFETY: valid C values (C API contract).
        match unsafe { to_val(store_ptr, c, ty) } {
            Ok(v) => argv[i] = v,
            Err(e) => return error_trap(store_ptr, format!("argument {i}: {e}")),
        }
    }
    let mut resv = [Val::I32(0); INLINE_VALS];
    let mut res_heap = Vec::new();
    let resv: &mut [Val] = if nresults <= INLINE_VALS {
        &mut resv[..nresults]
    } else {
        res_heap.resize(nresults, Val::I32(0));
        &mut res_heap
    };
    // SAFETY: see above.
    let store = unsafe { &mut (*store_ptr).store };
    match func.call(store, argv, resv) {
        Ok(()) if cres.len() != nresults => results_do_not_fit(store_ptr, nresults, cres.len()),
        Ok(()) => {
            for (c, v) in cres.iter_mut().zip(resv.iter()) {
                *c = from_val(store_ptr, v);
            }
            ptr::null_mut()
        }
        Err(t) => wasm_trap_t::from_trap(store_ptr, t),
    }
}

//! The ways into and out of native code: the array-call entry every
//! natively compiled function's reference carries, the runtime functions
//! native code calls (as `extern "C"` wrappers of `runtime::libcalls`),
//! and trap raising, which records the trap and its frames and unwinds to
//! the innermost landing point (`catch.c`).

use super::code;
use crate::runtime::thread::ThreadState;
use crate::runtime::{libcalls, FramePos, RawFrame, TrapCode, VMContext, VMFuncRef};
use std::ffi::c_void;

/// An array trampoline, as `catch.c` sees it (the structures behind the
/// pointers are opaque there).
type EntryFn = unsafe extern "C" fn(*const c_void, *mut c_void, *mut u64, usize) -> u8;

extern "C" {
    fn wasmrt_jit_catch(
        entry: EntryFn,
        callee: *const c_void,
        caller: *mut c_void,
        values: *mut u64,
        capacity: usize,
        landing_slot: *mut *mut c_void,
    ) -> i32;
    fn wasmrt_jit_unwind(landing_slot: *mut *mut c_void) -> !;
}

/// Jumps to this thread's innermost landing point.
///
/// # Safety
/// Inside an entry of this thread (`array_call` is up the stack), with
/// nothing that has a destructor live in the frames skipped.
unsafe fn unwind() -> ! {
    // SAFETY: guaranteed by the caller.
    unsafe { wasmrt_jit_unwind(super::signals::landing_slot()) }
}

/// The `array_call` of natively compiled functions: runs the function's
/// array trampoline under a landing point, so a trap inside returns false
/// here (the trap pending in the store context).
///
/// # Safety
/// As for [`VMArrayCallFn`](crate::runtime::VMArrayCallFn); `callee` has
/// native code (`array_trampoline` and `wasm_call` set); called within a
/// host-to-wasm entry on this thread (`engine::call_raw`, which sets the
/// store context's `thread`).
pub unsafe extern "C" fn array_call(
    callee: *const VMFuncRef,
    caller: *mut VMContext,
    values: *mut u64,
    capacity: usize,
) -> bool {
    // SAFETY: guaranteed by the caller. The host-to-wasm entry running
    // this call (`engine::call_raw`) left the calling thread's state in the
    // store context.
    unsafe {
        let thread = (*(*(*callee).vmctx).store).thread;
        call_native(thread, callee, caller, values, capacity)
    }
}

/// [`array_call`] for a caller that has the calling thread's state at
/// hand (the host-to-wasm entry, which inlines it).
///
/// # Safety
/// As for [`array_call`]; `thread` is the calling thread's state.
#[inline(always)]
pub unsafe fn call_native(
    thread: *const ThreadState,
    callee: *const VMFuncRef,
    caller: *mut VMContext,
    values: *mut u64,
    capacity: usize,
) -> bool {
    // SAFETY: guaranteed by the caller; the trampoline is compiled code of
    // the array signature for the callee's type.
    unsafe {
        let trampoline: EntryFn = std::mem::transmute((*callee).array_trampoline);
        let entered = super::signals::enter(thread, (*callee).vmctx);
        let returned = wasmrt_jit_catch(
            trampoline,
            callee.cast(),
            caller.cast(),
            values,
            capacity,
            entered.landing_slot(),
        ) != 0;
        super::signals::leave(entered);
        returned
    }
}

/// Records frames of native code for a trap, starting with the frame that
/// raised it (`func_index`, `offset`, whose frame pointer is `fp`; of
/// `vmctx`'s module if `module` is 0, else of the module with that code
/// key) and walking the frame-pointer chain through its native callers
/// (each recorded with `vmctx` and the module its code belongs to: a
/// caller may be another module's function, whose instance the engine
/// finds).
///
/// # Safety
/// `vmctx` is the live context of the raising function; `fp` its frame
/// pointer.
unsafe fn record_frames(
    vmctx: *mut VMContext,
    module: usize,
    func_index: u32,
    offset: u32,
    fp: *const usize,
) {
    let mut frames = vec![RawFrame {
        vmctx,
        func_index,
        pos: FramePos::Offset(offset),
        module,
    }];
    // SAFETY: native functions keep frame pointers; each frame holds the
    // caller's frame pointer at `fp` and the return address above it. The
    // walk stops at the first return address outside wasm code (a
    // trampoline or the runtime).
    unsafe {
        let mut fp = fp;
        while !fp.is_null() {
            let ret = *fp.add(1);
            let Some((module, index, offset)) = code::lookup_return_address(ret) else {
                break;
            };
            frames.push(RawFrame {
                vmctx,
                func_index: index,
                pos: FramePos::Offset(offset),
                module,
            });
            fp = *fp as *const usize;
        }
        (*(*vmctx).store).push_frames(frames);
    }
}

/// Raises trap `code` (a [`TrapCode::number`]) at `offset` of function
/// `func_index` and unwinds.
///
/// # Safety
/// Called by native code only, with its own context and frame pointer.
pub unsafe extern "C" fn raise(
    vmctx: *mut VMContext,
    code: u32,
    func_index: u32,
    offset: u32,
    fp: *const usize,
) -> ! {
    // SAFETY: guaranteed by the caller. Nothing with a destructor is live
    // when `wasmrt_jit_unwind` is called.
    unsafe {
        let code = TrapCode::from_number(code).unwrap_or(TrapCode::Unreachable);
        (*(*vmctx).store).raise(code);
        record_frames(vmctx, 0, func_index, offset, fp);
        unwind()
    }
}

/// Throws a new exception with tag `tag` (an index of the instance) and
/// the `slots` raw payload slots at `values`, at `offset` of function
/// `func_index`, and unwinds: the exception is then pending like a trap,
/// for an interpreted `try_table` up the stack (or the host) to take.
///
/// # Safety
/// As for [`raise`]; `values` holds `slots` slots (and is never null).
pub unsafe extern "C" fn throw(
    vmctx: *mut VMContext,
    tag: u32,
    values: *const u64,
    slots: u32,
    func_index: u32,
    offset: u32,
    fp: *const usize,
) -> ! {
    // SAFETY: guaranteed by the caller; the payload is copied before
    // unwinding, and nothing with a destructor is live at the unwind.
    unsafe {
        let store = (*vmctx).store;
        let payload: Box<[u64]> = std::slice::from_raw_parts(values, slots as usize).into();
        let exn = (*store).new_exception((*vmctx).tag(tag), payload);
        (*store).throw(exn);
        record_frames(vmctx, 0, func_index, offset, fp);
        unwind()
    }
}

/// Rethrows the exception of the non-null reference `exn` (`throw_ref`)
/// and unwinds.
///
/// # Safety
/// As for [`raise`]; `exn` is a non-null exception reference of the store.
pub unsafe extern "C" fn throw_ref(
    vmctx: *mut VMContext,
    exn: u64,
    func_index: u32,
    offset: u32,
    fp: *const usize,
) -> ! {
    // SAFETY: as for `throw`.
    unsafe {
        (*(*vmctx).store).throw((exn - 1) as u32);
        record_frames(vmctx, 0, func_index, offset, fp);
        unwind()
    }
}

/// Raises the trap of a fault at a recorded trap site (from the fault
/// handler) and unwinds. `vmctx` is the context of the innermost entry
/// into native code on this thread, which may be another instance's than
/// the faulting function's (native code calls other instances' directly):
/// the first frame is recorded with the module its code belongs to.
///
/// # Safety
/// As for [`raise`]; `fp` is the faulting function's frame pointer.
pub unsafe fn raise_fault(vmctx: *mut VMContext, fault: &code::Fault, fp: *const usize) -> ! {
    // SAFETY: as for `raise`; every instance `vmctx` may call into belongs
    // to its store.
    unsafe {
        (*(*vmctx).store).raise(fault.code);
        record_frames(vmctx, fault.module_key, fault.func_index, fault.offset, fp);
        unwind()
    }
}

/// Unwinds a trap raised by a callee reached through its `array_call`
/// (already pending), adding the frames of native code.
///
/// # Safety
/// As for [`raise`].
pub unsafe extern "C" fn raise_pending(
    vmctx: *mut VMContext,
    func_index: u32,
    offset: u32,
    fp: *const usize,
) -> ! {
    // SAFETY: as for `raise`.
    unsafe {
        record_frames(vmctx, 0, func_index, offset, fp);
        unwind()
    }
}

// ---- exceptions caught in native code (`try_table`) ---------------------
//
// A call inside a `try_table` goes through the callee's `array_call`,
// which stops any unwinding at it and returns false; a `throw` there makes
// its exception pending without unwinding. Either way the function then
// looks at the pending failure with these and branches to its handler, or
// unwinds on (`raise_pending`).

/// The store tag index of the pending exception, or -1 when the pending
/// failure is a trap (traps are never caught).
///
/// # Safety
/// `vmctx` is a live context.
pub unsafe extern "C" fn pending_exception_tag(vmctx: *mut VMContext) -> i64 {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let store = &*(*vmctx).store;
        match store.pending_exception() {
            Some(exn) => i64::from(store.exceptions[exn as usize].tag),
            None => -1,
        }
    }
}

/// Takes the pending exception for a handler: the pending failure (with
/// the frames it unwound through) is cleared; returns the exception
/// reference (raw: its index plus one).
///
/// # Safety
/// `vmctx` is a live context whose store has a pending exception.
pub unsafe extern "C" fn catch_exception(vmctx: *mut VMContext) -> u64 {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let store = &mut *(*vmctx).store;
        let exn = store.pending_exception().expect("a pending exception");
        store.trap = None;
        u64::from(exn) + 1
    }
}

/// Copies the payload of exception `exn` (a raw non-null reference) to
/// `values`, which has room for it.
///
/// # Safety
/// `vmctx` is a live context; `exn` one of its store's exceptions.
pub unsafe extern "C" fn exception_payload(vmctx: *mut VMContext, exn: u64, values: *mut u64) {
    // SAFETY: guaranteed by the caller; the handler's tag has the
    // exception's tag's type, so the payload fits the buffer.
    unsafe {
        let store = &*(*vmctx).store;
        let payload = &store.exceptions[(exn - 1) as usize].values;
        std::ptr::copy_nonoverlapping(payload.as_ptr(), values, payload.len());
    }
}

/// `throw` inside a `try_table`: makes a new exception of module tag `tag`
/// with the `slots` raw payload values at `values` the pending failure,
/// and returns.
///
/// # Safety
/// As for [`throw`].
pub unsafe extern "C" fn throw_pending(
    vmctx: *mut VMContext,
    tag: u32,
    values: *const u64,
    slots: u32,
) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let store = (*vmctx).store;
        let payload: Box<[u64]> = std::slice::from_raw_parts(values, slots as usize).into();
        let exn = (*store).new_exception((*vmctx).tag(tag), payload);
        (*store).throw(exn);
    }
}

/// `throw_ref` of non-null `exn` inside a `try_table`: makes it the
/// pending failure and returns.
///
/// # Safety
/// As for [`throw_ref`].
pub unsafe extern "C" fn rethrow_pending(vmctx: *mut VMContext, exn: u64) {
    // SAFETY: guaranteed by the caller.
    unsafe { (*(*vmctx).store).throw((exn - 1) as u32) }
}

/// 0 for success, or the number of the trap.
fn status(r: Result<(), TrapCode>) -> u32 {
    match r {
        Ok(()) => 0,
        Err(code) => code.number(),
    }
}

// The runtime functions, as native code calls them. Each is
// `unsafe extern "C"` with the contract of the function it wraps in
// `runtime::libcalls`: a live context and valid indices, which
// validation and the translator guarantee.

pub unsafe extern "C" fn memory_grow(vmctx: *mut VMContext, memory: u32, delta: u64) -> u64 {
    // SAFETY: see above.
    unsafe { libcalls::memory_grow(vmctx, memory, delta).unwrap_or(u64::MAX) }
}

pub unsafe extern "C" fn memory_fill(
    vmctx: *mut VMContext,
    memory: u32,
    dst: u64,
    value: u32,
    len: u64,
) -> u32 {
    // SAFETY: see above.
    status(unsafe { libcalls::memory_fill(vmctx, memory, dst, value as u8, len) })
}

pub unsafe extern "C" fn memory_copy(
    vmctx: *mut VMContext,
    dst_memory: u32,
    src_memory: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    // SAFETY: see above.
    status(unsafe { libcalls::memory_copy(vmctx, dst_memory, src_memory, dst, src, len) })
}

pub unsafe extern "C" fn memory_init(
    vmctx: *mut VMContext,
    memory: u32,
    segment: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    // SAFETY: see above.
    status(unsafe { libcalls::memory_init(vmctx, memory, segment, dst, src, len) })
}

pub unsafe extern "C" fn data_drop(vmctx: *mut VMContext, segment: u32) {
    // SAFETY: see above.
    unsafe { libcalls::data_drop(vmctx, segment) }
}

pub unsafe extern "C" fn is_subtype(vmctx: *mut VMContext, actual: u32, expected: u32) -> u32 {
    // SAFETY: see above.
    u32::from(unsafe { libcalls::is_subtype(vmctx, actual, expected) })
}

pub unsafe extern "C" fn table_grow(
    vmctx: *mut VMContext,
    table: u32,
    delta: u64,
    init: u64,
) -> u64 {
    // SAFETY: see above.
    unsafe { libcalls::table_grow(vmctx, table, delta, init).unwrap_or(u64::MAX) }
}

pub unsafe extern "C" fn table_fill(
    vmctx: *mut VMContext,
    table: u32,
    dst: u64,
    value: u64,
    len: u64,
) -> u32 {
    // SAFETY: see above.
    status(unsafe { libcalls::table_fill(vmctx, table, dst, value, len) })
}

pub unsafe extern "C" fn table_copy(
    vmctx: *mut VMContext,
    dst_table: u32,
    src_table: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    // SAFETY: see above.
    status(unsafe { libcalls::table_copy(vmctx, dst_table, src_table, dst, src, len) })
}

pub unsafe extern "C" fn table_init(
    vmctx: *mut VMContext,
    table: u32,
    segment: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    // SAFETY: see above.
    status(unsafe { libcalls::table_init(vmctx, table, segment, dst, src, len) })
}

pub unsafe extern "C" fn elem_drop(vmctx: *mut VMContext, segment: u32) {
    // SAFETY: see above.
    unsafe { libcalls::elem_drop(vmctx, segment) }
}

/// Before a tail call to `funcref`, which has no native code: has the
/// engine compile it now and switch `funcref` to it (1), or says it
/// cannot be (0, the call then goes through `array_call`). See
/// `VMStoreContext::native_now`.
///
/// # Safety
/// `vmctx` is the caller's live context and `funcref` a live reference of
/// its store.
pub unsafe extern "C" fn native_now(vmctx: *mut VMContext, funcref: *mut VMFuncRef) -> u32 {
    // SAFETY: guaranteed by the caller; the store context outlives the
    // call.
    unsafe {
        match (*(*vmctx).store).native_now {
            Some(hook) => u32::from(hook(funcref)),
            None => 0,
        }
    }
}

/// Every runtime function native code calls. Native code refers to them
/// by position in this list (a relocation patched with the address when
/// code is placed, and again when a serialized module is loaded into
/// another process), so code holds no address of this process.
pub fn libcalls() -> [usize; 21] {
    [
        raise as *const () as usize,
        raise_pending as *const () as usize,
        memory_grow as *const () as usize,
        memory_fill as *const () as usize,
        memory_copy as *const () as usize,
        memory_init as *const () as usize,
        data_drop as *const () as usize,
        table_grow as *const () as usize,
        table_fill as *const () as usize,
        table_copy as *const () as usize,
        table_init as *const () as usize,
        elem_drop as *const () as usize,
        throw as *const () as usize,
        throw_ref as *const () as usize,
        is_subtype as *const () as usize,
        pending_exception_tag as *const () as usize,
        catch_exception as *const () as usize,
        exception_payload as *const () as usize,
        throw_pending as *const () as usize,
        rethrow_pending as *const () as usize,
        native_now as *const () as usize,
    ]
}

/// The position of runtime function `addr` in [`libcalls`].
pub fn libcall_id(addr: usize) -> u32 {
    libcalls()
        .iter()
        .position(|&a| a == addr)
        .expect("a runtime function listed in libcalls()") as u32
}

//! The interpreter's executor: one small handler per instruction, threaded
//! by tail calls.
//!
//! Every instruction kind has its own handler function (named after the
//! `Instr` variant). A handler does its work and then jumps straight to
//! the handler of the next instruction, found through the instruction's
//! 16-bit tag in [`HANDLERS`](super::ir). The interpreter's hot state —
//! instruction pointer, frame pointer, memory 0's base and length — travels
//! in the handlers' arguments, so it stays in host registers from one
//! instruction to the next; the rest (current function and instance, the
//! value stack's end, trap details) lives in [`Cx`].
//!
//! Optimised builds compile each dispatch as a jump (a sibling call: every
//! handler has the same signature and returns the callee's result). Builds
//! without optimisation do not, so there `dispatch!` returns the next state
//! to a loop in [`drive`] instead; `build.rs` picks the form
//! (`wasmrt_tail_dispatch`).
//!
//! Wasm-to-wasm calls push a `Frame` record instead of recursing on the
//! host stack, so deep wasm recursion ends in a clean "call stack
//! exhausted" trap at the configured depth. Frames are windows of one value
//! stack, allocated once per store; a callee's frame starts at its caller's
//! argument slots, so arguments and results are never copied. Slot
//! accesses are unchecked: validation and the translator guarantee every
//! slot is inside the frame, and each call checks that the whole callee
//! frame fits in the stack.

use super::ir::{Instr, Slot, Slot16, HANDLERS};
use super::CompiledFunc;
use crate::runtime::{
    libcalls, FramePos, RawFrame, TrapCode, VMContext, VMFuncRef, VMStoreContext,
};
use stack::StackMemory;
use std::mem::MaybeUninit;

/// A suspended caller.
#[derive(Copy, Clone)]
struct Frame {
    /// Where the caller resumes.
    ip: *const Instr,
    fp: *mut u64,
    func: *const CompiledFunc,
    vmctx: *mut VMContext,
}

/// Per-store interpreter state.
pub struct ExecState {
    /// The value stack and the caller records, mapped on first use.
    memory: Option<StackMemory>,
    /// The value stack: `stack_slots` slots (null until mapped).
    stack: *mut u64,
    stack_slots: usize,
    /// Suspended callers of all active invocations, a fixed array of
    /// `max_depth` records filled from the start: a call is one bounds
    /// check and four stores.
    frames: *mut MaybeUninit<Frame>,
    /// Records in use in `frames`.
    frame_top: usize,
    max_depth: usize,
    /// First free slot: where a nested invocation starts its frame.
    top: usize,
}

impl ExecState {
    pub fn new(max_stack_bytes: usize, max_depth: usize) -> ExecState {
        ExecState {
            memory: None,
            stack: std::ptr::null_mut(),
            stack_slots: (max_stack_bytes / 8).max(512),
            frames: std::ptr::null_mut(),
            frame_top: 0,
            max_depth,
            top: 0,
        }
    }

    /// Maps the stack and the caller records; false if the system refuses.
    #[cold]
    fn map(&mut self) -> bool {
        let frames_bytes = (self.max_depth * std::mem::size_of::<Frame>()).next_multiple_of(64);
        let Some(memory) = StackMemory::take(frames_bytes + self.stack_slots * 8) else {
            return false;
        };
        self.frames = memory.as_ptr().cast();
        // SAFETY: the stack lies after the records, inside the mapping.
        self.stack = unsafe { memory.as_ptr().add(frames_bytes).cast() };
        self.memory = Some(memory);
        true
    }
}

impl Drop for ExecState {
    fn drop(&mut self) {
        if let Some(m) = self.memory.take() {
            m.release();
        }
    }
}

/// The state of one invocation that handlers reach through a pointer.
pub(crate) struct Cx {
    /// The running function's instance.
    vmctx: *mut VMContext,
    /// The running function.
    func: *const CompiledFunc,
    exec: *mut ExecState,
    stack_start: *mut u64,
    stack_end: *mut u64,
    /// The first caller record of this invocation: a return with no record
    /// above it ends the invocation.
    frames_base: *mut Frame,
    /// The next free caller record.
    frames_top: *mut Frame,
    /// The end of the records: a call here is "call stack exhausted".
    frames_end: *mut Frame,
    /// The store's tier-up threshold (see `Instr::Hot`).
    hot_threshold: u32,
    /// Where a trap happened, and why.
    trap_ip: *const Instr,
    /// The frame of `trap_ip` when the failure is pending in the store
    /// (`callee_trapped`): an exception is looked for a handler from there.
    trap_fp: *mut u64,
    trap_code: TrapCode,
    /// Whether the trap was raised by a function called through its
    /// `array_call` (then it is already pending in the store context, and
    /// `trap_code` means nothing).
    callee_trapped: bool,
    /// Whether the frame of `trap_ip` was already unwound by native code
    /// that had taken over its invocation (on-stack replacement, see
    /// `HotLoop`): its handlers were tried there and its frame recorded,
    /// so unwinding goes on from its caller.
    trap_frame_gone: bool,
}

/// A handler: executes the instruction at `ip` and everything after it
/// until the invocation returns or traps.
///
/// `acc`, the accumulator, is the value the previous instruction wrote to
/// its result slot (when it has one, see `Instr::sets_acc`): the
/// translator turns an instruction that reads that slot right after into
/// a form that reads `acc` instead (`Instr::reading_acc`), so chains of
/// dependent instructions pass values in a register instead of through
/// memory. `facc` is the same for f64 results (in a float register):
/// every f64-result instruction leaves its value there (`sets_facc`), and
/// f64 instructions have forms that read it.
pub(crate) type Handler = unsafe fn(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    mem_len: usize,
    cx: *mut Cx,
    acc: u64,
    facc: f64,
) -> Exit;

/// How a run of handlers ended.
#[cfg(wasmrt_tail_dispatch)]
pub(crate) enum Exit {
    Returned,
    Trapped,
}

/// How a handler ended: without tail calls, a handler returns the state
/// for the next one.
#[cfg(not(wasmrt_tail_dispatch))]
pub(crate) enum Exit {
    Returned,
    Trapped,
    Next(Regs),
}

/// The handler arguments, returned to `drive`'s loop between instructions.
#[cfg(not(wasmrt_tail_dispatch))]
#[derive(Copy, Clone)]
pub(crate) struct Regs {
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    mem_len: usize,
    acc: u64,
    facc: f64,
}

/// The handler of the instruction at `ip`.
///
/// # Safety
/// `ip` must point at an instruction.
#[inline(always)]
unsafe fn handler_of(ip: *const Instr) -> Handler {
    // SAFETY: `Instr` is `repr(u16)`, so every instruction starts with its
    // tag, and `HANDLERS` has one entry per tag.
    unsafe { *HANDLERS.get_unchecked(*(ip as *const u16) as usize) }
}

/// Continues with the instruction at `$ip`.
#[cfg(wasmrt_tail_dispatch)]
macro_rules! dispatch {
    ($ip:expr, $fp:expr, $mem:expr, $len:expr, $cx:expr, $acc:expr, $facc:expr) => {{
        let ip: *const Instr = $ip;
        return (handler_of(ip))(ip, $fp, $mem, $len, $cx, $acc, $facc);
    }};
}

/// Continues with the instruction at `$ip`.
#[cfg(not(wasmrt_tail_dispatch))]
macro_rules! dispatch {
    ($ip:expr, $fp:expr, $mem:expr, $len:expr, $cx:expr, $acc:expr, $facc:expr) => {{
        let _: *mut Cx = $cx;
        return Exit::Next(Regs {
            ip: $ip,
            fp: $fp,
            mem: $mem,
            mem_len: $len,
            acc: $acc,
            facc: $facc,
        });
    }};
}

/// Continues with the next instruction (`$acc`, `$facc`: the accumulators
/// it gets).
macro_rules! next {
    ($ip:expr, $fp:expr, $mem:expr, $len:expr, $cx:expr, $acc:expr, $facc:expr) => {
        dispatch!($ip.add(1), $fp, $mem, $len, $cx, $acc, $facc)
    };
}

/// Ends the invocation with a trap at `$ip`.
macro_rules! trap {
    ($cx:expr, $ip:expr, $code:expr) => {
        return raise($cx, $ip, $code)
    };
}

/// Ends the invocation with `r`'s trap, or goes on with the next
/// instruction.
macro_rules! check {
    ($r:expr, $ip:ident, $fp:ident, $mem:ident, $len:ident, $cx:ident, $acc:ident, $facc:ident) => {
        match $r {
            Ok(()) => next!($ip, $fp, $mem, $len, $cx, $acc, $facc),
            Err(code) => trap!($cx, $ip, code),
        }
    };
}

/// Defines the handler of instruction `$name`: `$fields` destructure the
/// instruction, the closure-like parameters name the handler's arguments.
macro_rules! handler {
    ($name:ident $({ $($fields:tt)* })? |$ip:ident, $fp:ident, $mem:ident, $len:ident, $cx:ident, $acc:ident, $facc:ident| $body:block) => {
        #[allow(non_snake_case, unused_variables, clippy::neg_cmp_op_on_partial_ord)]
        pub(crate) unsafe fn $name(
            $ip: *const Instr,
            $fp: *mut u64,
            $mem: *mut u8,
            $len: usize,
            $cx: *mut Cx,
            $acc: u64,
            $facc: f64,
        ) -> Exit {
            // SAFETY: handlers are entered only through `dispatch!` from a
            // consistent state: `ip` points at an instruction with this
            // handler's tag in the running function, `fp` at that
            // function's frame (which fits in the value stack), `mem` and
            // `len` describe memory 0 of `cx.vmctx`, and `cx` is the live
            // invocation state. The translator only emits slots, branch
            // targets and indices that validation proved in range.
            unsafe {
                let Instr::$name $({ $($fields)* })? = *$ip else {
                    bad_dispatch()
                };
                $body
            }
        }
    };
}

mod control;
mod memory;
mod numeric;
mod stack;
mod tables;
mod variables;
mod vector;

/// Every handler, by the name of its instruction (for the table in `ir`).
pub(crate) mod handlers {
    pub(crate) use super::control::*;
    pub(crate) use super::memory::*;
    pub(crate) use super::numeric::*;
    pub(crate) use super::tables::*;
    pub(crate) use super::variables::*;
    pub(crate) use super::vector::*;
}

/// Reached only if the handler table were out of step with `Instr`.
#[inline(always)]
unsafe fn bad_dispatch() -> ! {
    if cfg!(debug_assertions) {
        unreachable!("instruction dispatched to another instruction's handler");
    }
    // SAFETY: `HANDLERS` is generated from the same lists, in the same
    // order, as the variants of `Instr`.
    unsafe { std::hint::unreachable_unchecked() }
}

/// Records a trap at `ip` and ends the invocation.
///
/// # Safety
/// `cx` must be the live invocation state.
#[cold]
#[inline(never)]
unsafe fn raise(cx: *mut Cx, ip: *const Instr, code: TrapCode) -> Exit {
    // SAFETY: guaranteed by the caller.
    unsafe {
        (*cx).trap_ip = ip;
        (*cx).trap_code = code;
    }
    Exit::Trapped
}

/// Reads a `select` operand. A volatile read: written plainly, the
/// compiler turns `if c { rd(a) } else { rd(b) }` into one load from a
/// slot address chosen by the condition, which makes the load wait for
/// the comparison (a second dependent load on the critical path); two
/// loads the compiler must keep, then a conditional move, are faster.
#[inline(always)]
unsafe fn rd_operand(fp: *mut u64, s: Slot) -> u64 {
    // SAFETY: as for `rd`.
    unsafe { fp.add(s as usize).read_volatile() }
}

#[inline(always)]
unsafe fn rd(fp: *mut u64, s: Slot) -> u64 {
    // SAFETY: the translator only emits slots inside the frame, and the
    // frame was checked to fit in the stack on entry.
    unsafe { *fp.add(s as usize) }
}

#[inline(always)]
unsafe fn wr(fp: *mut u64, s: Slot, v: u64) {
    // SAFETY: as for `rd`.
    unsafe { *fp.add(s as usize) = v }
}

#[inline(always)]
unsafe fn rd128(fp: *mut u64, s: Slot) -> u128 {
    // SAFETY: as for `rd`; v128 values occupy two consecutive slots.
    unsafe { u128::from(*fp.add(s as usize)) | (u128::from(*fp.add(s as usize + 1)) << 64) }
}

#[inline(always)]
unsafe fn wr128(fp: *mut u64, s: Slot, v: u128) {
    // SAFETY: as for `rd128`.
    unsafe {
        *fp.add(s as usize) = v as u64;
        *fp.add(s as usize + 1) = (v >> 64) as u64;
    }
}

/// How each value type sits in a 64-bit slot: i32 and f32 in the low half
/// (the high half zero), floats as their bit patterns.
trait SlotValue: Sized {
    fn from_slot(bits: u64) -> Self;
    fn to_slot(self) -> u64;
    /// An instruction's `i32` immediate as this type (sign-extended).
    fn from_imm(imm: i32) -> Self;
    /// This type's operand from the accumulators: `facc` for f64, the
    /// bits in `acc` otherwise.
    #[inline(always)]
    fn from_acc(acc: u64, _facc: f64) -> Self {
        Self::from_slot(acc)
    }
    /// The float accumulator after an instruction whose result is this
    /// value: the value itself for f64, unchanged (`old`) otherwise.
    #[inline(always)]
    fn facc_or(&self, old: f64) -> f64 {
        old
    }
}

macro_rules! slot_ints {
    ($($t:ty, $unsigned:ty);*) => {$(
        impl SlotValue for $t {
            #[inline(always)]
            fn from_slot(bits: u64) -> Self {
                bits as $t
            }
            #[inline(always)]
            fn to_slot(self) -> u64 {
                self as $unsigned as u64
            }
            #[inline(always)]
            fn from_imm(imm: i32) -> Self {
                imm as $t
            }
        }
    )*};
}
slot_ints!(u32, u32; i32, u32; u64, u64; i64, u64);

impl SlotValue for f32 {
    #[inline(always)]
    fn from_slot(bits: u64) -> Self {
        f32::from_bits(bits as u32)
    }
    #[inline(always)]
    fn to_slot(self) -> u64 {
        self.to_bits() as u64
    }
    fn from_imm(imm: i32) -> Self {
        imm as f32
    }
}

impl SlotValue for f64 {
    #[inline(always)]
    fn from_slot(bits: u64) -> Self {
        f64::from_bits(bits)
    }
    #[inline(always)]
    fn to_slot(self) -> u64 {
        self.to_bits()
    }
    fn from_imm(imm: i32) -> Self {
        imm as f64
    }
    #[inline(always)]
    fn facc_or(&self, _old: f64) -> f64 {
        *self
    }
    #[inline(always)]
    fn from_acc(_acc: u64, facc: f64) -> Self {
        facc
    }
}

impl SlotValue for bool {
    #[inline(always)]
    fn from_slot(bits: u64) -> Self {
        bits != 0
    }
    #[inline(always)]
    fn to_slot(self) -> u64 {
        self as u64
    }
    fn from_imm(imm: i32) -> Self {
        imm != 0
    }
}

/// Memory 0 of an instance: base and current length in bytes.
///
/// # Safety
/// `vmctx` must be a live context (instances without memories have a
/// zero-length stand-in).
#[inline(always)]
unsafe fn memory0(vmctx: *mut VMContext) -> (*mut u8, usize) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let m = (*vmctx).memory(0);
        ((*m).base, (*m).current_length)
    }
}

/// Zeroes a new frame's locals (constants are written by the function's
/// first instruction, `LoadConsts`).
///
/// Frames are small, so this is a plain store loop. The stores are
/// volatile only so that LLVM keeps it a loop instead of calling `memset`:
/// a library call would force every call handler to save registers on
/// the host stack.
///
/// # Safety
/// The frame at `fp` must have room for `func.frame_slots` slots.
#[inline(always)]
unsafe fn init_frame(fp: *mut u64, func: *const CompiledFunc) {
    // SAFETY: guaranteed by the caller; locals lie below `frame_slots`.
    unsafe {
        let f = &*func;
        let mut p = fp.add(f.param_slots as usize);
        let end = fp.add(f.locals_end as usize);
        while p < end {
            p.write_volatile(0);
            p = p.add(1);
        }
    }
}

/// The interpreter's entry in the array calling convention
/// ([`VMArrayCallFn`](crate::runtime::VMArrayCallFn)): runs `callee`, whose
/// reference carries interpreter code, with the arguments in `values`,
/// leaving its results there.
///
/// # Safety
/// `callee` is a live, mutable reference with interpreter code whose context is
/// live and belongs to a store whose context has its interpreter state
/// set; `values` holds the arguments and has room for `capacity` slots,
/// at least the larger of the parameter and result slot counts.
pub unsafe extern "C" fn array_call(
    callee: *const VMFuncRef,
    _caller: *mut VMContext,
    values: *mut u64,
    capacity: usize,
) -> bool {
    // SAFETY: guaranteed by the caller; the value stack is allocated before
    // its first use and never reallocated, and the callee's frame is
    // checked to fit in it before anything is written.
    unsafe {
        let f = (*callee).interp_code as *const CompiledFunc;
        let vmctx = (*callee).vmctx;
        let store = (*vmctx).store;
        let mut native = (*f).native.load(std::sync::atomic::Ordering::Acquire);
        if native == super::untranslated() {
            if !translate_now(store, f, vmctx) {
                return false;
            }
            // (Machine code of the baseline compiler, or null.)
            native = (*f).native.load(std::sync::atomic::Ordering::Acquire);
        }
        if !native.is_null() && (*native).runs_in(&*vmctx) {
            // Native code since this reference was made: switch it over
            // (unless the code needs guarded memories this instance lacks).
            let vm = callee as *mut VMFuncRef;
            (*vm).adopt(&*native);
            return ((*vm).array_call)(vm, _caller, values, capacity);
        }
        let exec = (*store).interp as *mut ExecState;
        debug_assert!(!exec.is_null(), "store without interpreter state");
        let exec = &mut *exec;
        if exec.stack.is_null() && !exec.map() {
            (*store).raise(TrapCode::StackExhausted);
            return false;
        }
        let base = exec.top;
        if base + (*f).frame_slots as usize > exec.stack_slots {
            (*store).raise(TrapCode::StackExhausted);
            return false;
        }
        let params = (*f).param_slots as usize;
        debug_assert!(params <= capacity);
        let stack = exec.stack;
        std::ptr::copy_nonoverlapping(values, stack.add(base), params);
        let (saved_top, saved_frame_top) = (exec.top, exec.frame_top);
        let ok = run(store, exec, f, vmctx, base);
        exec.top = saved_top;
        exec.frame_top = saved_frame_top;
        if ok {
            let results = (*f).result_slots as usize;
            debug_assert!(results <= capacity);
            std::ptr::copy_nonoverlapping(stack.add(base), values, results);
        }
        ok
    }
}

/// Has `func`, a function of the instance `vmctx` in the store `store`,
/// translated (by the engine's hook); false with a trap raised if it
/// cannot be.
///
/// # Safety
/// Live store context, function and instance context.
#[cold]
#[inline(never)]
pub(super) unsafe fn translate_now(
    store: *mut VMStoreContext,
    func: *const CompiledFunc,
    vmctx: *mut VMContext,
) -> bool {
    // SAFETY: guaranteed by the caller.
    unsafe {
        match (*store).translate {
            Some(translate) => translate(vmctx, (*func).func_index),
            None => {
                (*store).raise(TrapCode::Unreachable);
                false
            }
        }
    }
}

/// Executes `func` in a frame at slot `base` until it returns (true) or
/// traps (false, the trap pending in `store` with this invocation's
/// frames).
///
/// # Safety
/// Arguments must be in place at `base`, the frame must fit in the value
/// stack, and `vmctx` must be the live context of `func`'s instance.
unsafe fn run(
    store: *mut VMStoreContext,
    exec: *mut ExecState,
    func: *const CompiledFunc,
    vmctx: *mut VMContext,
    base: usize,
) -> bool {
    // SAFETY: see the function's contract; all pointers below stay valid
    // while the store lives, and the value stack never reallocates.
    unsafe {
        let stack_start = (*exec).stack;
        let frames_len = (*exec).max_depth;
        let frames = (*exec).frames as *mut Frame;
        let mut cx = Cx {
            vmctx,
            func,
            exec,
            stack_start,
            stack_end: stack_start.add((*exec).stack_slots),
            frames_base: frames.add((*exec).frame_top),
            frames_top: frames.add((*exec).frame_top),
            frames_end: frames.add(frames_len),
            hot_threshold: (*store).hot_threshold,
            trap_ip: std::ptr::null(),
            trap_fp: std::ptr::null_mut(),
            trap_code: TrapCode::Unreachable,
            callee_trapped: false,
            trap_frame_gone: false,
        };
        let mut fp = stack_start.add(base);
        init_frame(fp, func);
        let mut ip = (*func).code.as_ptr();
        loop {
            let (mem, mem_len) = memory0(cx.vmctx);
            match drive(ip, fp, mem, mem_len, &mut cx) {
                Exit::Returned => return true,
                _ => {
                    if !cx.callee_trapped {
                        (*store).raise(cx.trap_code);
                    } else if let Some((landing, frame)) = catch(store, &mut cx) {
                        // Caught: go on at the handler's landing code.
                        (ip, fp) = (landing, frame);
                        continue;
                    }
                    (*store).push_frames(backtrace(&cx));
                    return false;
                }
            }
        }
    }
}

/// Looks for a `try_table` handler of the exception pending in `store`
/// (if what is pending is one): in the frame that failed, then in its
/// callers within this invocation, innermost first. On a match, the
/// frames above the handler's are dropped, the payload (and reference)
/// are written where its landing code expects them, the exception stops
/// being pending, and the landing instruction and its frame are returned.
/// Traps are never caught.
///
/// # Safety
/// `cx` holds the state of the failed invocation (`callee_trapped`, so
/// `trap_ip`/`trap_fp` name the failing instruction and its frame).
unsafe fn catch(store: *mut VMStoreContext, cx: &mut Cx) -> Option<(*const Instr, *mut u64)> {
    // SAFETY: guaranteed by the caller; the records from `frames_base` to
    // `frames_top` were written by this invocation's calls, and every
    // handler's slots lie inside its function's frame.
    unsafe {
        let exn = (*store).pending_exception()?;
        let exceptions = &(*store).exceptions;
        let tag = exceptions[exn as usize].tag;
        let (mut func, mut ip, mut fp, mut vmctx) = (cx.func, cx.trap_ip, cx.trap_fp, cx.vmctx);
        let mut top = cx.frames_top;
        let mut frame_gone = cx.trap_frame_gone;
        loop {
            let f = &*func;
            let at = ip.offset_from(f.code.as_ptr()) as u32;
            // A tail call has left its frame: its handlers no longer apply.
            let tail_call = matches!(
                *ip,
                Instr::ReturnCall { .. }
                    | Instr::ReturnCallIndirect { .. }
                    | Instr::ReturnCallRef { .. }
            );
            // (An unwound frame's handlers were tried by native code.)
            let skip = tail_call || std::mem::take(&mut frame_gone);
            let ranges = f
                .handlers
                .iter()
                .filter(|r| !skip && r.start <= at && at < r.end);
            for c in ranges.flat_map(|r| r.catches.iter()) {
                if c.tag.is_some_and(|t| (*vmctx).tag(t) != tag) {
                    continue;
                }
                let mut slot = c.slot;
                if c.tag.is_some() {
                    for &v in exceptions[exn as usize].values.iter() {
                        wr(fp, slot, v);
                        slot += 1;
                    }
                }
                if c.with_ref {
                    wr(fp, slot, u64::from(exn) + 1);
                }
                (*store).trap = None;
                cx.func = func;
                cx.vmctx = vmctx;
                cx.frames_top = top;
                cx.callee_trapped = false;
                cx.trap_frame_gone = false;
                return Some((f.code.as_ptr().add(c.landing as usize), fp));
            }
            if top == cx.frames_base {
                return None;
            }
            top = top.sub(1);
            let caller = *top;
            // The return address is one past the call (or two); step back
            // into the call.
            (func, ip, fp, vmctx) = (caller.func, caller.ip.sub(1), caller.fp, caller.vmctx);
        }
    }
}

/// Runs handlers from `ip` until the invocation returns or traps.
///
/// # Safety
/// As for handlers: a consistent state at an instruction boundary.
#[cfg(wasmrt_tail_dispatch)]
#[inline(always)]
unsafe fn drive(ip: *const Instr, fp: *mut u64, mem: *mut u8, len: usize, cx: *mut Cx) -> Exit {
    // SAFETY: guaranteed by the caller.
    unsafe { (handler_of(ip))(ip, fp, mem, len, cx, 0, 0.0) }
}

/// Runs handlers from `ip` until the invocation returns or traps.
///
/// # Safety
/// As for handlers: a consistent state at an instruction boundary.
#[cfg(not(wasmrt_tail_dispatch))]
unsafe fn drive(ip: *const Instr, fp: *mut u64, mem: *mut u8, len: usize, cx: *mut Cx) -> Exit {
    let mut r = Regs {
        ip,
        fp,
        mem,
        mem_len: len,
        acc: 0,
        facc: 0.0,
    };
    loop {
        // SAFETY: each handler returns the consistent state of the next
        // instruction.
        match unsafe { (handler_of(r.ip))(r.ip, r.fp, r.mem, r.mem_len, cx, r.acc, r.facc) } {
            Exit::Next(next) => {
                // Check the accumulator contract in debug builds: an
                // instruction that `sets_acc` leaves its result there.
                #[cfg(debug_assertions)]
                // SAFETY: `r.ip` is the instruction just executed; its
                // result slot is in the (unchanged) frame.
                unsafe {
                    if let Some(slot) = (*r.ip).sets_acc() {
                        let written = *next.fp.add(slot as usize);
                        assert_eq!(next.acc, written, "accumulator after {:?}", *r.ip);
                    }
                    if let Some(slot) = (*r.ip).sets_facc() {
                        let written = *next.fp.add(slot as usize);
                        let held = next.facc.to_bits();
                        assert_eq!(held, written, "float accumulator after {:?}", *r.ip);
                    }
                }
                r = next
            }
            done => return done,
        }
    }
}

/// The frames of a trap: the trapping frame, then the suspended callers
/// of this invocation.
///
/// # Safety
/// `cx` must hold the state of the trapping invocation.
unsafe fn backtrace(cx: &Cx) -> Vec<RawFrame> {
    let mut out = Vec::new();
    // SAFETY: guaranteed by the caller; the records from `frames_base`
    // to `frames_top` were written by this invocation's calls.
    unsafe {
        if !cx.trap_frame_gone {
            out.push(raw_frame(cx.func, cx.trap_ip, cx.vmctx));
        }
        let mut f = cx.frames_top;
        while f > cx.frames_base {
            f = f.sub(1);
            // The return address is one past the call (or two for
            // call_indirect); step back onto the call instruction.
            out.push(raw_frame((*f).func, (*f).ip.sub(1), (*f).vmctx));
        }
    }
    out
}

/// # Safety
/// `ip` points into `func.code`.
unsafe fn raw_frame(
    func: *const CompiledFunc,
    ip: *const Instr,
    vmctx: *mut VMContext,
) -> RawFrame {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let f = &*func;
        let idx = ip.offset_from(f.code.as_ptr()).max(0) as usize;
        RawFrame {
            vmctx,
            func_index: f.func_index,
            pos: FramePos::InterpInstr(idx as u32),
            module: 0,
        }
    }
}

#[cfg(test)]
mod tests;

//! The fault handler for guarded memory accesses and stack-limit checks.
//!
//! Native code compiled for guarded memories does not check bounds: an
//! access beyond the memory lands in the inaccessible rest of the memory's
//! reservation and faults (SIGSEGV, or SIGBUS on some systems). Such code
//! also checks the stack limit with Cranelift's own prologue check, whose
//! trap is an illegal instruction (SIGILL). One process-wide handler,
//! installed the first time such code is made, recognises a fault at one
//! of those places (the code registry records them), records an "out of
//! bounds memory access" or "call stack exhausted" trap with its frames,
//! and unwinds to the innermost landing point, as an explicit trap does.
//! Any other fault is passed on to the handler that was installed before
//! ours (the host's: Go, JVMs and sanitizers install their own), or to the
//! default action. The handler runs on an alternate signal stack, which
//! every thread entering native code gets if it has none.

use super::code;
use super::entry;
use crate::runtime::thread::{self, ThreadState};
use crate::runtime::VMContext;
use std::cell::Cell;
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::sync::Once;

/// The handlers that were installed before ours, one per `SIGNALS`.
static mut PREVIOUS: [MaybeUninit<libc::sigaction>; SIGNALS.len()] =
    [MaybeUninit::uninit(); SIGNALS.len()];
static INSTALL: Once = Once::new();

thread_local! {
    /// The alternate signal stack this thread got from us, if any (kept
    /// apart from `runtime::thread`'s state, which has no destructor).
    static ALT_STACK: AltStack = const {
        AltStack {
            base: Cell::new(std::ptr::null_mut()),
        }
    };
}

const SIGNALS: [libc::c_int; 3] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL];

/// Installs the handler (once per process).
pub fn install() {
    INSTALL.call_once(|| {
        for (i, &sig) in SIGNALS.iter().enumerate() {
            // SAFETY: `action` is fully initialised before use; the previous
            // action is written to its slot before any signal can reach our
            // handler (sigaction returns only after installing it, and the
            // slot is written by the same call).
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                libc::sigemptyset(&mut action.sa_mask);
                let previous = std::ptr::addr_of_mut!(PREVIOUS[i]).cast::<libc::sigaction>();
                libc::sigaction(sig, &action, previous);
            }
        }
    });
}

/// An entry into native code in progress on this thread: what [`leave`]
/// restores.
pub struct Entered {
    thread: *const ThreadState,
    previous: *mut VMContext,
}

impl Entered {
    /// Where `catch.c` keeps this thread's innermost landing point.
    pub fn landing_slot(&self) -> *mut *mut c_void {
        // SAFETY: the thread's state lives as long as the thread, which is
        // running this entry.
        unsafe { (*self.thread).landing.as_ptr() }
    }
}

/// Marks `vmctx` as the context of the native code the calling thread,
/// whose state is `thread`, is about to run (giving the thread an
/// alternate signal stack at its first entry).
///
/// # Safety
/// `thread` is the calling thread's state.
#[inline(always)]
pub unsafe fn enter(thread: *const ThreadState, vmctx: *mut VMContext) -> Entered {
    // SAFETY: guaranteed by the caller; the state lives as long as the
    // thread.
    let t = unsafe { &*thread };
    if !t.alt_stack_checked.replace(true) {
        ensure_alt_stack();
    }
    Entered {
        thread,
        previous: t.native_vmctx.replace(vmctx),
    }
}

/// Restores the context saved by [`enter`], on the same thread.
#[inline(always)]
pub fn leave(entered: Entered) {
    // SAFETY: as in `Entered::landing_slot`.
    unsafe { (*entered.thread).native_vmctx.set(entered.previous) }
}

/// Where `catch.c` keeps this thread's innermost landing point.
pub fn landing_slot() -> *mut *mut c_void {
    // SAFETY: the calling thread's state, alive while it runs.
    unsafe { (*thread::current()).landing.as_ptr() }
}

/// This thread's alternate signal stack: the one mapped for it by us
/// (null if the host's is kept), unmapped when the thread ends.
struct AltStack {
    base: Cell<*mut libc::c_void>,
}

const ALT_STACK_SIZE: usize = 64 * 1024;

impl Drop for AltStack {
    fn drop(&mut self) {
        let base = self.base.get();
        if base.is_null() {
            return;
        }
        // SAFETY: disables the alternate stack we installed on this
        // (ending) thread, then unmaps it.
        unsafe {
            let mut off: libc::stack_t = std::mem::zeroed();
            off.ss_flags = libc::SS_DISABLE;
            libc::sigaltstack(&off, std::ptr::null_mut());
            libc::munmap(base, ALT_STACK_SIZE);
        }
    }
}

/// Gives this thread an alternate signal stack unless it has one (once
/// per thread: kept out of the entries it is checked in).
#[cold]
#[inline(never)]
fn ensure_alt_stack() {
    let _ = ALT_STACK.try_with(|alt| {
        // SAFETY: queries and, if none is set, installs an alternate stack
        // of our own mapping; failures leave the thread as it was.
        unsafe {
            let mut current: libc::stack_t = std::mem::zeroed();
            if libc::sigaltstack(std::ptr::null(), &mut current) != 0
                || current.ss_flags & libc::SS_DISABLE == 0
            {
                // The host gave this thread one already (or we cannot
                // tell): keep it.
                return;
            }
            let base = libc::mmap(
                std::ptr::null_mut(),
                ALT_STACK_SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if base == libc::MAP_FAILED {
                return;
            }
            let stack = libc::stack_t {
                ss_sp: base,
                ss_flags: 0,
                ss_size: ALT_STACK_SIZE,
            };
            if libc::sigaltstack(&stack, std::ptr::null_mut()) == 0 {
                alt.base.set(base);
            } else {
                libc::munmap(base, ALT_STACK_SIZE);
            }
        }
    });
}

/// The program counter and frame pointer at a fault.
///
/// # Safety
/// `context` is the `ucontext_t` the kernel passed to the handler.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
unsafe fn registers(context: *mut libc::c_void) -> (usize, usize) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let uc = &*(context as *const libc::ucontext_t);
        let gregs = &uc.uc_mcontext.gregs;
        (
            gregs[libc::REG_RIP as usize] as usize,
            gregs[libc::REG_RBP as usize] as usize,
        )
    }
}

/// The program counter and frame pointer at a fault.
///
/// # Safety
/// `context` is the `ucontext_t` the kernel passed to the handler.
#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
unsafe fn registers(context: *mut libc::c_void) -> (usize, usize) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let uc = &*(context as *const libc::ucontext_t);
        (uc.uc_mcontext.pc as usize, uc.uc_mcontext.regs[29] as usize)
    }
}

extern "C" fn handler(sig: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid context; a fault at a recorded
    // trap site of native code happened in a function entered
    // through `entry::call_native` on this thread (the thread state's
    // `native_vmctx` is its context), which holds no locks and nothing to
    // release, so unwinding to its landing point from here is what an
    // explicit trap does.
    unsafe {
        let (pc, fp) = registers(context);
        let vmctx = thread::try_current().map_or(std::ptr::null_mut(), |t| (*t).native_vmctx.get());
        if !vmctx.is_null() {
            if let Some(fault) = code::lookup_fault(pc) {
                entry::raise_fault(vmctx, &fault, fp as *const usize);
            }
        }
        forward(sig, info, context);
    }
}

/// Passes a fault that is not ours to the previous handler, or restores
/// the default action so that returning re-raises it.
///
/// # Safety
/// Called from the handler with its arguments.
unsafe fn forward(sig: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let Some(i) = SIGNALS.iter().position(|&s| s == sig) else {
        return;
    };
    // SAFETY: PREVIOUS[i] was written by `install` before our handler could
    // run for this signal.
    unsafe {
        let previous = &*std::ptr::addr_of!(PREVIOUS[i]).cast::<libc::sigaction>();
        let action = previous.sa_sigaction;
        if action == libc::SIG_DFL || action == libc::SIG_IGN {
            // Returning re-executes the faulting instruction, which then
            // takes the default action.
            libc::sigaction(sig, previous, std::ptr::null_mut());
        } else if previous.sa_flags & libc::SA_SIGINFO != 0 {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(action);
            f(sig, info, context);
        } else {
            let f: extern "C" fn(libc::c_int) = std::mem::transmute(action);
            f(sig);
        }
    }
}

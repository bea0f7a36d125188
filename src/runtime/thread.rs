//! What the runtime keeps per thread. A thread-local access from a shared
//! library is a call (`__tls_get_addr`), so the host-to-wasm entry looks
//! this state up once and leaves it in the store context
//! ([`VMStoreContext::thread`](super::VMStoreContext::thread)) for the
//! entries into native code that the call makes.

#[cfg(feature = "jit")]
use super::VMContext;
use std::cell::Cell;
#[cfg(feature = "jit")]
use std::ffi::c_void;

/// One thread's state: its stack bounds and its entries into native code
/// (the JIT's; fields for it are compiled only with it).
pub struct ThreadState {
    /// The lowest address of this thread's stack (0: not known yet).
    stack_low: Cell<usize>,
    /// The context of the innermost entry into native code on this thread
    /// (null outside native code): where a fault's trap is recorded.
    #[cfg(feature = "jit")]
    pub native_vmctx: Cell<*mut VMContext>,
    /// The innermost landing point (`jit/catch.c`'s `wasmrt_landing`),
    /// null outside native code.
    #[cfg(feature = "jit")]
    pub landing: Cell<*mut c_void>,
    /// Whether this thread's alternate signal stack was seen to.
    #[cfg(feature = "jit")]
    pub alt_stack_checked: Cell<bool>,
}

thread_local! {
    // No destructor: a thread's first access does not register one.
    static THREAD: ThreadState = const {
        ThreadState {
            stack_low: Cell::new(0),
            #[cfg(feature = "jit")]
            native_vmctx: Cell::new(std::ptr::null_mut()),
            #[cfg(feature = "jit")]
            landing: Cell::new(std::ptr::null_mut()),
            #[cfg(feature = "jit")]
            alt_stack_checked: Cell::new(false),
        }
    };
}

/// The calling thread's state, which lives as long as the thread.
pub fn current() -> *const ThreadState {
    THREAD.with(|t| t as *const ThreadState)
}

#[cfg(feature = "jit")]
/// As [`current`], or `None` while the thread's locals are being torn
/// down (for the fault handler, which may run at any time).
pub fn try_current() -> Option<*const ThreadState> {
    THREAD.try_with(|t| t as *const ThreadState).ok()
}

impl ThreadState {
    /// The lowest address of this thread's stack (0 if it cannot be told).
    pub fn stack_low(&self) -> usize {
        if self.stack_low.get() == 0 {
            self.stack_low.set(super::stack::query_stack_low());
        }
        self.stack_low.get()
    }
}

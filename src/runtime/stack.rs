//! Host stack bounds: native code compares its stack pointer with a limit
//! in the store context, so deep recursion ends in a trap before the host
//! stack overflows.

/// Stack kept free below the limit for the runtime functions and trap
/// handling that run on top of the deepest wasm frame.
const RESERVE: usize = 256 * 1024;

/// The lowest address of the calling thread's stack (0 if it cannot be
/// told), asked of the system (`thread::ThreadState::stack_low` keeps it).
#[cfg(target_os = "linux")]
pub(super) fn query_stack_low() -> usize {
    // SAFETY: `attr` is initialised by pthread_getattr_np before use and
    // destroyed after; the out-pointers are valid locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return 0;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            return 0;
        }
        addr as usize
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn query_stack_low() -> usize {
    0
}

/// The stack limit for wasm code entered at stack address `here` of the
/// stack whose lowest address is `stack_low`: at most `max_bytes` below
/// `here`, and never closer than a reserve to the end of the stack.
pub fn stack_limit(stack_low: usize, here: usize, max_bytes: usize) -> usize {
    let floor = stack_low.saturating_add(RESERVE);
    here.saturating_sub(max_bytes).max(floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calling thread's stack low, as the entry finds it.
    fn thread_stack_low() -> usize {
        // SAFETY: the calling thread's state, alive while it runs.
        unsafe { (*crate::runtime::thread::current()).stack_low() }
    }

    #[test]
    fn limit_is_below_here_and_above_the_stack_end() {
        let marker = 0u8;
        let here = &marker as *const u8 as usize;
        let limit = stack_limit(thread_stack_low(), here, 1 << 20);
        assert!(limit < here);
        assert!(limit >= here - (1 << 20));
        assert!(thread_stack_low() < limit);
        // A small thread: the reserve wins over a large budget.
        std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(|| {
                let marker = 0u8;
                let here = &marker as *const u8 as usize;
                let limit = stack_limit(thread_stack_low(), here, 64 << 20);
                assert!(limit >= thread_stack_low() + RESERVE);
                assert!(limit < here);
            })
            .unwrap()
            .join()
            .unwrap();
    }
}

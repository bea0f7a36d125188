//! The interpreter's per-store memory: the value stack and the array of
//! caller records, in one anonymous mapping made on a store's first call.
//!
//! A mapping costs only the pages a program touches (the kernel supplies
//! zeroed pages on first use), where a zero-filled heap allocation of the
//! same size would write every byte up front; the interpreter never reads
//! a slot it has not written, so a mapping reused from an earlier store
//! needs no clearing either. Each thread keeps the mapping of its last
//! dropped store for the next store it creates, so a server that makes a
//! store per request maps nothing on the hot path.

use std::cell::RefCell;
use std::ptr;

/// An anonymous read-write mapping.
pub(crate) struct StackMemory {
    base: *mut u8,
    len: usize,
}

thread_local! {
    /// The mapping of the last store dropped on this thread.
    static SPARE: RefCell<Option<StackMemory>> = const { RefCell::new(None) };
}

impl StackMemory {
    /// A mapping of at least `len` bytes: this thread's spare one when it
    /// is the right size, a new one otherwise. `None` if the system refuses.
    pub fn take(len: usize) -> Option<StackMemory> {
        let spare = SPARE.try_with(|s| s.borrow_mut().take()).ok().flatten();
        match spare {
            Some(m) if m.len == len => Some(m),
            _ => StackMemory::map(len),
        }
    }

    fn map(len: usize) -> Option<StackMemory> {
        // SAFETY: a fresh private anonymous mapping; checked for failure.
        let base = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        (base != libc::MAP_FAILED).then_some(StackMemory {
            base: base.cast(),
            len,
        })
    }

    pub fn as_ptr(&self) -> *mut u8 {
        self.base
    }

    /// Gives the mapping to this thread for its next store.
    pub fn release(self) {
        let rest = SPARE
            .try_with(|s| s.borrow_mut().replace(self))
            .unwrap_or_else(|_| None);
        drop(rest);
    }
}

impl Drop for StackMemory {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly the mapping made in `map`; nothing
        // points into it once its owner is gone.
        unsafe {
            libc::munmap(self.base.cast(), self.len);
        }
    }
}

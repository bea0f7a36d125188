//! Executable memory filled a function at a time, for the baseline
//! compiler's code (`baseline`), which is made one function at a time as
//! functions are first called: a mapping per function cost a few
//! system calls and a page each (150 ms and 80 MB for 20,000 functions).
//!
//! Each chunk is one shared memory file mapped twice, writable and
//! executable, so no page is ever both (the code is written through the
//! first view and run from the second; x86-64 keeps instruction fetches
//! coherent with the stores). Only the x86-64 baseline compiler uses it.
#![cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]

use std::ptr;

/// The smallest chunk.
const CHUNK: usize = 1 << 20;

/// Where functions start (a multiple of this).
const ALIGN: usize = 16;

struct Chunk {
    write: *mut u8,
    exec: *mut u8,
    len: usize,
    used: usize,
}

/// A module's chunks; dropping it unmaps them (its code must no longer
/// run nor be registered).
#[derive(Default)]
pub struct ExecArena {
    chunks: Vec<Chunk>,
}

// SAFETY: the chunks are owned by the arena alone; placed code is never
// written again.
unsafe impl Send for ExecArena {}
// SAFETY: as above: shared access only reads.
unsafe impl Sync for ExecArena {}

impl ExecArena {
    /// Copies `code` into executable memory; returns its address, or
    /// `None` when the system refuses the memory.
    pub fn place(&mut self, code: &[u8]) -> Option<*const u8> {
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.used.next_multiple_of(ALIGN) + code.len() <= c.len);
        if !fits {
            self.chunks.push(Chunk::new(code.len().max(CHUNK))?);
        }
        let chunk = self.chunks.last_mut()?;
        let at = chunk.used.next_multiple_of(ALIGN);
        // SAFETY: `at + code.len() <= len` (checked above or the chunk was
        // made large enough) and the write view is writable; nothing runs
        // the bytes before they are returned.
        unsafe {
            ptr::copy_nonoverlapping(code.as_ptr(), chunk.write.add(at), code.len());
        }
        chunk.used = at + code.len();
        // SAFETY: in bounds, as above.
        Some(unsafe { chunk.exec.add(at) })
    }
}

impl Chunk {
    fn new(len: usize) -> Option<Chunk> {
        let len = len.next_multiple_of(4096);
        // SAFETY: plain system calls; every result is checked and what
        // was made is released on failure.
        unsafe {
            let fd = libc::memfd_create(c"wasmrt-code".as_ptr(), libc::MFD_CLOEXEC);
            if fd < 0 {
                return None;
            }
            // Populated up front: faulting the pages in one at a time,
            // through both views, cost more than compiling into them.
            let map = |prot| {
                let flags = libc::MAP_SHARED | libc::MAP_POPULATE;
                let p = libc::mmap(ptr::null_mut(), len, prot, flags, fd, 0);
                (p != libc::MAP_FAILED).then_some(p as *mut u8)
            };
            let views = if libc::ftruncate(fd, len as libc::off_t) == 0 {
                let write = map(libc::PROT_READ | libc::PROT_WRITE);
                let exec = map(libc::PROT_READ | libc::PROT_EXEC);
                match (write, exec) {
                    (Some(w), Some(x)) => Some((w, x)),
                    (w, x) => {
                        for p in [w, x].into_iter().flatten() {
                            libc::munmap(p.cast(), len);
                        }
                        None
                    }
                }
            } else {
                None
            };
            libc::close(fd);
            let (write, exec) = views?;
            Some(Chunk {
                write,
                exec,
                len,
                used: 0,
            })
        }
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        // SAFETY: unmapping the two views made in `new`; the arena's owner
        // guarantees no code in them runs any more.
        unsafe {
            libc::munmap(self.write.cast(), self.len);
            libc::munmap(self.exec.cast(), self.len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExecArena;

    #[test]
    fn placed_code_runs() {
        let mut arena = ExecArena::default();
        // mov eax, 42; ret
        let f = arena.place(&[0xb8, 42, 0, 0, 0, 0xc3]).unwrap();
        let big = vec![0xc3; 3 << 20];
        let g = arena.place(&big).unwrap();
        assert_ne!(f, g);
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY: the bytes placed at `f` are a function returning 42.
            let f: extern "C" fn() -> u32 = unsafe { std::mem::transmute(f) };
            assert_eq!(f(), 42);
        }
    }
}

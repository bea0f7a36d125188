//! Where a module's interpreter code lives: functions translated at their
//! first calls are copied into large chunks owned by the module, instead
//! of one heap allocation each.
//!
//! A large module's first run translates thousands of functions; with an
//! allocation per function, touching the fresh memory page by page (a
//! fault per 4 KiB) cost a few milliseconds of a 60 ms run. Chunks grow
//! from 16 KiB to 4 MiB, in huge pages where they span whole ones
//! (`runtime::huge_pages`). Code is never freed on its own: a function is
//! translated once, and its code lives as long as the module.

use super::ir::Instr;
use crate::runtime::huge_pages::HugePageBuf;
use std::ptr::NonNull;
use std::sync::Mutex;

/// The chunks of one module's code.
#[derive(Default)]
pub struct CodeArena {
    /// Filled in order; code copied into a chunk never moves.
    chunks: Mutex<Vec<Chunk>>,
}

/// Room for instructions, the first `used` written.
struct Chunk {
    buf: HugePageBuf<Instr>,
    used: usize,
}

/// The first chunk's capacity, in instructions (16 KiB).
const FIRST_CHUNK: usize = 1024;
/// The largest capacity chunks grow to (4 MiB), unless one function needs
/// more.
const LARGEST_CHUNK: usize = 1 << 18;

impl CodeArena {
    /// Copies `code` into the arena: its place there is valid as long as
    /// the arena.
    pub fn alloc(&self, code: &[Instr]) -> Code {
        if code.is_empty() {
            return Code::EMPTY;
        }
        let mut chunks = self.chunks.lock().unwrap_or_else(|e| e.into_inner());
        let fits = chunks
            .last()
            .is_some_and(|c| c.buf.len() - c.used >= code.len());
        if !fits {
            let grown = chunks.last().map_or(FIRST_CHUNK, |c| c.buf.len() * 2);
            let capacity = grown.min(LARGEST_CHUNK).max(code.len());
            chunks.push(Chunk {
                // SAFETY: only the written part of a chunk is read (through
                // the `Code` of each copy).
                buf: unsafe { HugePageBuf::uninit(capacity) },
                used: 0,
            });
        }
        let chunk = chunks.last_mut().expect("a chunk with room was just made");
        // SAFETY: `used + len <= capacity` (checked above): the copy goes
        // to the chunk's unwritten part, which nothing else points into.
        let ptr = unsafe {
            let at = chunk.buf.as_mut_ptr().add(chunk.used);
            std::ptr::copy_nonoverlapping(code.as_ptr(), at, code.len());
            NonNull::new_unchecked(at)
        };
        chunk.used += code.len();
        Code {
            ptr,
            len: code.len(),
        }
    }
}

/// A function's instructions in its module's [`CodeArena`] (or none):
/// valid while the arena is, which the module that holds both sees to.
pub struct Code {
    ptr: NonNull<Instr>,
    len: usize,
}

// SAFETY: a `Code` is a shared view of instructions nothing writes to
// after `CodeArena::alloc` copied them.
unsafe impl Send for Code {}
// SAFETY: as for `Send`.
unsafe impl Sync for Code {}

impl Code {
    /// No instructions (an untranslated function's).
    pub const EMPTY: Code = Code {
        ptr: NonNull::dangling(),
        len: 0,
    };
}

impl std::ops::Deref for Code {
    type Target = [Instr];
    fn deref(&self) -> &[Instr] {
        // SAFETY: `ptr` and `len` are a slice of a live chunk of the arena
        // (see the type's docs), or the dangling empty slice.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Code({} instructions)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_keeps_its_place_while_chunks_are_added() {
        let arena = CodeArena::default();
        let one = [Instr::LoadConsts; 3];
        let first = arena.alloc(&one);
        let mut all = Vec::new();
        // Enough functions to fill several chunks, one larger than any.
        for n in [1, 100, 4000, 5000, LARGEST_CHUNK + 7, 2, 90_000] {
            all.push((n, arena.alloc(&vec![Instr::LoadConsts; n])));
        }
        assert_eq!(first.len(), 3);
        for (n, code) in &all {
            assert_eq!(code.len(), *n);
            assert!(code.iter().all(|i| *i == Instr::LoadConsts));
        }
        assert!(arena.chunks.lock().unwrap().len() >= 4);
        assert_eq!(arena.alloc(&[]).len(), 0);
    }
}

//! Where a module's interpreter code lives: functions translated at their
//! first calls are copied into large chunks owned by the module, instead
//! of one heap allocation each.
//!
//! A large module's first run translates thousands of functions; with an
//! allocation per function, touching the fresh memory page by page (a
//! fault per 4 KiB) cost a few milliseconds of a 60 ms run. Chunks grow
//! from 16 KiB to 4 MiB, and those of 2 MiB and more ask for transparent
//! huge pages (one fault per 2 MiB where the system allows them). Code is
//! never freed on its own: a function is translated once, and its code
//! lives as long as the module.

use super::ir::Instr;
use std::alloc::Layout;
use std::ptr::NonNull;
use std::sync::Mutex;

/// The chunks of one module's code.
#[derive(Default)]
pub struct CodeArena {
    /// Filled in order; code copied into a chunk never moves.
    chunks: Mutex<Vec<Chunk>>,
}

/// One allocation of `capacity` instructions, the first `used` written.
struct Chunk {
    base: NonNull<Instr>,
    capacity: usize,
    used: usize,
}

// SAFETY: the chunks are owned by the arena alone; their written part is
// only read (through `Code`), the rest only written under the lock.
unsafe impl Send for CodeArena {}
// SAFETY: as for `Send`.
unsafe impl Sync for CodeArena {}

/// The first chunk's capacity, in instructions (16 KiB).
const FIRST_CHUNK: usize = 1024;
/// The largest capacity chunks grow to (4 MiB), unless one function needs
/// more.
const LARGEST_CHUNK: usize = 1 << 18;
/// Chunks this large (2 MiB) ask for transparent huge pages.
const HUGE_PAGE: usize = 2 << 20;

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
            .is_some_and(|c| c.capacity - c.used >= code.len());
        if !fits {
            let grown = chunks.last().map_or(FIRST_CHUNK, |c| c.capacity * 2);
            chunks.push(Chunk::new(grown.min(LARGEST_CHUNK).max(code.len())));
        }
        let chunk = chunks.last_mut().expect("a chunk with room was just made");
        // SAFETY: `used + len <= capacity` (checked above): the copy goes
        // to the chunk's unwritten part, which nothing else points into.
        let ptr = unsafe {
            let at = chunk.base.as_ptr().add(chunk.used);
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

impl Chunk {
    fn new(capacity: usize) -> Chunk {
        let layout = Chunk::layout(capacity);
        // SAFETY: the layout's size is not zero (`capacity` > 0).
        let base = unsafe { std::alloc::alloc(layout) };
        let Some(base) = NonNull::new(base.cast::<Instr>()) else {
            std::alloc::handle_alloc_error(layout)
        };
        advise_huge_pages(base, layout.size());
        Chunk {
            base,
            capacity,
            used: 0,
        }
    }

    /// A chunk of `capacity` instructions: aligned to a huge page when it
    /// spans whole ones, so that all of it can be backed by them.
    fn layout(capacity: usize) -> Layout {
        let size = capacity * std::mem::size_of::<Instr>();
        let align = if size >= HUGE_PAGE {
            HUGE_PAGE
        } else {
            std::mem::align_of::<Instr>()
        };
        Layout::from_size_align(size, align).expect("chunk sizes are far below isize::MAX")
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        // SAFETY: the allocation `Chunk::new` made with this layout, given
        // back once; instructions need no drop.
        unsafe { std::alloc::dealloc(self.base.as_ptr().cast(), Chunk::layout(self.capacity)) };
    }
}

/// Asks the kernel to back the whole 2 MiB pages of the `bytes` at `base`
/// with huge pages.
fn advise_huge_pages(base: NonNull<Instr>, bytes: usize) {
    if bytes < HUGE_PAGE {
        return;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = base;
    #[cfg(target_os = "linux")]
    {
        let start = (base.as_ptr() as usize).next_multiple_of(HUGE_PAGE);
        let end = (base.as_ptr() as usize + bytes) / HUGE_PAGE * HUGE_PAGE;
        if end > start {
            // SAFETY: advice on a range inside the chunk's own allocation;
            // it changes how the pages are backed, never their contents.
            // Refused advice (no THP support) is of no consequence.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
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

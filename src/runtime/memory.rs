//! Linear memory: a virtual-address reservation that never moves.
//!
//! The whole maximum size is reserved up front (inaccessible), and pages
//! are made accessible as the memory grows. A stable base address means
//! growing never copies and a `wasm_memory_data` pointer stays valid; it
//! also lets the JIT later rely on guard regions instead of bounds checks.
//!
//! Where the address space is limited (`ulimit -v`, valgrind, many
//! memories at once) the full reservation can fail; the memory then
//! reserves only what it needs and moves to a larger reservation when it
//! grows past it. Both tiers reload the base after anything that can grow
//! a memory, so a move is safe for them.

use super::vmcontext::VMMemoryDefinition;
use super::WASM_PAGE_SIZE;
use std::ptr;

/// Largest number of pages a 32-bit memory can have (4 GiB).
pub const MAX_PAGES_32: u64 = 65536;

/// Largest number of pages a 64-bit memory can have (2^64 bytes).
pub const MAX_PAGES_64: u64 = 1 << 48;

/// Most address space a memory reserves at creation (the 4 GiB of a full
/// 32-bit memory). A 64-bit memory whose maximum is larger reserves this
/// much and moves to a larger reservation if it ever outgrows it.
const MAX_RESERVATION: u64 = MAX_PAGES_32 * WASM_PAGE_SIZE;

/// A memory of type (`min`, `max`, `memory64`): a guarded one when asked
/// for and possible (32-bit memories; see [`LinearMemory::new_guarded`]),
/// an ordinary one otherwise.
pub fn create(min: u64, max: u64, memory64: bool, guarded: bool) -> Result<LinearMemory, String> {
    if guarded && !memory64 {
        if let Some(m) = LinearMemory::new_guarded(min, max) {
            return Ok(m);
        }
    }
    LinearMemory::new(min, max)
}

/// The growth limit in pages of a memory with maximum `max` (from its
/// type) and index type `memory64`, under the engine's `ceiling`.
pub fn max_pages(max: Option<u64>, memory64: bool, ceiling: u64) -> u64 {
    let index_limit = if memory64 { MAX_PAGES_64 } else { MAX_PAGES_32 };
    max.unwrap_or(index_limit).min(index_limit).min(ceiling)
}

/// Address space a guarded 32-bit memory reserves: the 4 GiB a 32-bit
/// index reaches, plus 4 GiB for the largest static offset, so no access of
/// native code compiled for guarded memories can leave it.
pub const GUARDED_RESERVATION: usize = 8 << 30;

pub struct LinearMemory {
    pub def: VMMemoryDefinition,
    /// Whether the memory sits at the start of a `GUARDED_RESERVATION` and
    /// never moves (see [`LinearMemory::new_guarded`]).
    guarded: bool,
    /// Bytes reserved at `def.base` (0 when nothing was mapped).
    reserved: usize,
    /// Current size in pages.
    pages: u64,
    /// Growth limit in pages: the type's maximum, the index type's range and
    /// the engine's configured ceiling, whichever is lowest.
    max_pages: u64,
    /// The pool slot this memory lives in (returned to the pool on drop
    /// instead of being unmapped).
    pooled: Option<super::pool::SlotLease>,
}

// SAFETY: the mapping is owned exclusively by this value; access is
// synchronised by the store that owns it.
unsafe impl Send for LinearMemory {}

impl LinearMemory {
    /// Creates a memory of `min` pages that may grow to `max` pages.
    pub fn new(min: u64, max: u64) -> Result<LinearMemory, String> {
        if min > max {
            return Err(format!(
                "memory minimum of {min} pages exceeds the limit of {max} pages"
            ));
        }
        let min_bytes = min
            .checked_mul(WASM_PAGE_SIZE)
            .and_then(|b| usize::try_from(b).ok())
            .ok_or_else(|| format!("a memory of {min} pages does not fit the address space"))?;
        // Reserve the whole maximum where it is reasonable (never less
        // than the minimum); larger maximums are reached by relocation.
        let reserve_bytes = max
            .saturating_mul(WASM_PAGE_SIZE)
            .min(MAX_RESERVATION)
            .max(min_bytes as u64) as usize;
        let mut mem = LinearMemory {
            def: VMMemoryDefinition {
                base: ptr::NonNull::<u8>::dangling().as_ptr(),
                current_length: 0,
            },
            guarded: false,
            reserved: 0,
            pages: 0,
            max_pages: max,
            pooled: None,
        };
        if reserve_bytes > 0 {
            let (base, reserved) = match reserve(reserve_bytes) {
                Some(base) => (base, reserve_bytes),
                None if min_bytes < reserve_bytes => match reserve(min_bytes.max(1)) {
                    Some(base) => (base, min_bytes.max(1)),
                    None => {
                        return Err(format!("could not reserve {min_bytes} bytes for a memory"))
                    }
                },
                None => {
                    return Err(format!(
                        "could not reserve {reserve_bytes} bytes of address space for a memory"
                    ))
                }
            };
            mem.def.base = base;
            mem.reserved = reserved;
        }
        if mem.grow(min).is_none() {
            return Err(format!("could not allocate {min} pages of memory"));
        }
        Ok(mem)
    }

    /// A 32-bit memory of `min` pages, growable to `max`, at the start of a
    /// reservation of `GUARDED_RESERVATION` bytes that it never leaves:
    /// native code may then access it without bounds checks, an access
    /// beyond it faulting inside the reservation. `None` where the system
    /// refuses that much address space (the caller then makes an ordinary
    /// memory, and such code is not used with it).
    pub fn new_guarded(min: u64, max: u64) -> Option<LinearMemory> {
        if min > max || max > MAX_PAGES_32 {
            return None;
        }
        let base = reserve(GUARDED_RESERVATION)?;
        let mut mem = LinearMemory {
            def: VMMemoryDefinition {
                base,
                current_length: 0,
            },
            guarded: true,
            reserved: GUARDED_RESERVATION,
            pages: 0,
            max_pages: max,
            pooled: None,
        };
        mem.grow(min)?;
        Some(mem)
    }

    /// A memory in a pool slot at `base` of `reserved` bytes whose first
    /// `min` pages are already accessible (see `pool.rs`).
    pub(crate) fn from_pool_slot(
        base: *mut u8,
        reserved: usize,
        guarded: bool,
        min: u64,
        max_pages: u64,
        lease: super::pool::SlotLease,
    ) -> LinearMemory {
        LinearMemory {
            def: VMMemoryDefinition {
                base,
                current_length: (min * WASM_PAGE_SIZE) as usize,
            },
            guarded,
            reserved,
            pages: min,
            max_pages,
            pooled: Some(lease),
        }
    }

    /// Maps `image` copy-on-write over the start of this memory (which must
    /// be at least as large), instead of copying the data segments it holds.
    /// False (memory unchanged) where that is not possible.
    pub fn map_image(&mut self, image: &super::memory_image::MemoryImage) -> bool {
        if image.len() > self.def.current_length || self.pooled.is_some() {
            return false;
        }
        // SAFETY: [base, base + image.len()) is accessible memory of this
        // reservation (image.len() <= current_length), owned exclusively
        // through `&mut self`; the mapping replaces it in place.
        unsafe { image.map_at(self.def.base) }
    }

    /// Whether native code may access this memory without bounds checks.
    pub fn is_guarded(&self) -> bool {
        self.guarded
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Grows by `delta` pages, returning the old size in pages, or `None`
    /// (leaving the memory unchanged) if the limit would be exceeded or the
    /// system refuses the memory.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages;
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        if delta == 0 {
            return Some(old);
        }
        let old_bytes = self.def.current_length;
        let new_bytes = usize::try_from(new.checked_mul(WASM_PAGE_SIZE)?).ok()?;
        if new_bytes > self.reserved {
            self.relocate(new_bytes)?;
        }
        // SAFETY: [old_bytes, new_bytes) lies inside our own reservation
        // (new <= max_pages, and the reservation covers max_pages).
        let rc = unsafe {
            libc::mprotect(
                self.def.base.add(old_bytes).cast(),
                new_bytes - old_bytes,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if rc != 0 {
            return None;
        }
        self.pages = new;
        self.def.current_length = new_bytes;
        Some(old)
    }

    /// Moves to a reservation of at least `needed` bytes (used only when
    /// the full reservation could not be made at creation).
    fn relocate(&mut self, needed: usize) -> Option<()> {
        let max_bytes =
            usize::try_from(self.max_pages.saturating_mul(WASM_PAGE_SIZE)).unwrap_or(usize::MAX);
        let size = needed.max(self.reserved.saturating_mul(2)).min(max_bytes);
        let base = reserve(size).or_else(|| reserve(needed))?;
        let size = if size >= needed { size } else { needed };
        let len = self.def.current_length;
        // SAFETY: the new mapping is ours and at least `needed >= len`
        // bytes; [base, base + len) is made accessible before copying the
        // old accessible bytes into it, and the old mapping is released.
        unsafe {
            if len > 0 {
                if libc::mprotect(base.cast(), len, libc::PROT_READ | libc::PROT_WRITE) != 0 {
                    libc::munmap(base.cast(), size);
                    return None;
                }
                ptr::copy_nonoverlapping(self.def.base, base, len);
            }
            if self.reserved > 0 {
                libc::munmap(self.def.base.cast(), self.reserved);
            }
        }
        self.def.base = base;
        self.reserved = size;
        Some(())
    }

    /// The accessible bytes.
    pub fn data(&self) -> &[u8] {
        // SAFETY: [base, base + current_length) is mapped read/write and
        // owned by this memory; a dangling base is only used with length 0.
        unsafe { std::slice::from_raw_parts(self.def.base, self.def.current_length) }
    }

    /// The accessible bytes, mutably.
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as for `data`, and `&mut self` guarantees exclusivity.
        unsafe { std::slice::from_raw_parts_mut(self.def.base, self.def.current_length) }
    }
}

/// Reserves `bytes` of inaccessible address space (for memories of
/// their own and for the pool's slots).
pub(super) fn reserve(bytes: usize) -> Option<*mut u8> {
    // SAFETY: an anonymous private mapping with no address hint has no
    // effect on existing memory; the result is checked.
    let base = unsafe {
        libc::mmap(
            ptr::null_mut(),
            bytes,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    (base != libc::MAP_FAILED).then_some(base.cast())
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        if let Some(lease) = self.pooled.take() {
            lease.release(self.def.base, self.reserved, self.def.current_length);
            return;
        }
        if self.reserved > 0 {
            // SAFETY: unmapping exactly the reservation made in `new`.
            unsafe {
                libc::munmap(self.def.base.cast(), self.reserved);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_within_limit_and_keeps_contents() {
        let mut m = LinearMemory::new(1, 3).unwrap();
        assert_eq!(m.data().len(), 65536);
        m.data_mut()[65535] = 7;
        let base = m.def.base;
        assert_eq!(m.grow(2), Some(1));
        assert_eq!(m.def.base, base, "growth must not move memory");
        assert_eq!(m.data()[65535], 7);
        assert_eq!(m.data()[3 * 65536 - 1], 0);
        assert_eq!(m.grow(1), None);
        assert_eq!(m.pages(), 3);
    }

    #[test]
    fn relocation_keeps_contents() {
        let mut m = LinearMemory::new(1, 16).unwrap();
        m.data_mut()[10] = 3;
        // Simulate a memory that could only reserve its initial size.
        m.relocate(2 * 65536).unwrap();
        assert_eq!(m.data()[10], 3);
        assert_eq!(m.grow(10), Some(1));
        assert_eq!(m.data()[10], 3);
        assert_eq!(m.data().len(), 11 * 65536);
    }

    #[test]
    fn guarded_memories_grow_in_place() {
        let Some(mut m) = LinearMemory::new_guarded(1, MAX_PAGES_32) else {
            return; // no 8 GiB of address space here (e.g. `ulimit -v`)
        };
        assert!(m.is_guarded());
        let base = m.def.base;
        m.data_mut()[0] = 7;
        assert_eq!(m.grow(10), Some(1));
        assert_eq!(m.def.base, base);
        assert_eq!(m.data()[0], 7);
        assert!(LinearMemory::new_guarded(1, MAX_PAGES_32 + 1).is_none());
    }

    #[test]
    fn zero_sized() {
        let mut m = LinearMemory::new(0, 0).unwrap();
        assert!(m.data().is_empty());
        assert_eq!(m.grow(0), Some(0));
        assert_eq!(m.grow(1), None);
    }

    #[test]
    fn huge_maximum_reserves_part_and_relocates() {
        // A 64-bit memory whose maximum exceeds any reservation.
        let mut m = LinearMemory::new(1, MAX_PAGES_64).unwrap();
        assert!(m.reserved as u64 <= MAX_RESERVATION);
        m.data_mut()[5] = 9;
        assert_eq!(m.grow(3), Some(1));
        assert_eq!(m.data()[5], 9);
        assert_eq!(m.grow(MAX_PAGES_64), None);
        assert_eq!(m.grow(u64::MAX), None);
        assert_eq!(max_pages(None, true, u64::MAX), MAX_PAGES_64);
        assert_eq!(max_pages(None, false, u64::MAX), MAX_PAGES_32);
        assert_eq!(max_pages(Some(10), true, 5), 5);
    }

    #[test]
    fn minimum_above_maximum_is_an_error() {
        assert!(LinearMemory::new(2, 1).is_err());
    }
}

//! The pooling allocator for linear memories (opt-in, per engine).
//!
//! Without it every instance reserves its memory with `mmap` and releases
//! it with `munmap`; both take the process's address-space lock for
//! writing, which is what stops instance-per-request servers from scaling
//! with threads. A pool keeps up to `total_memories` reservations (slots)
//! for the engine's lifetime. A slot is reserved on first use; when its
//! memory is dropped the touched bytes are discarded with
//! `madvise(MADV_DONTNEED)` (anonymous pages read back as zero, pages of a
//! mapped [`MemoryImage`] as the image) and the slot goes back to the free
//! list with what it still has mapped. Taking it again for the same module
//! then needs no system call at all unless the previous memory grew (one
//! `mprotect` shrinks the accessible part back).
//!
//! The free list is one short critical section (a push or a pop); slots
//! are preferably handed back to a memory of the module whose image they
//! hold.

use super::memory::{reserve, LinearMemory, GUARDED_RESERVATION, MAX_PAGES_32};
use super::memory_image::MemoryImage;
use super::WASM_PAGE_SIZE;
use std::sync::{Arc, Mutex};

/// Sizes of a memory pool (names as in wasmtime's `PoolingAllocationConfig`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    /// Most memories alive at once; one more fails to instantiate.
    pub total_memories: u32,
    /// Most bytes one pooled memory may have (initially or by growing).
    pub max_memory_size: usize,
}

impl Default for PoolConfig {
    fn default() -> PoolConfig {
        PoolConfig {
            total_memories: 1000,
            max_memory_size: (MAX_PAGES_32 * WASM_PAGE_SIZE) as usize,
        }
    }
}

/// A reservation that holds (or held) one memory.
struct Slot {
    base: *mut u8,
    reserved: usize,
    /// Reserved as `GUARDED_RESERVATION` bytes (native code may skip
    /// bounds checks on a 32-bit memory in it).
    guarded: bool,
    /// Bytes at the start that are readable and writable; the rest is
    /// inaccessible.
    accessible: usize,
    /// The image mapped over the start, if any.
    image: Option<Arc<MemoryImage>>,
}

// SAFETY: a slot is a reservation owned by the pool (when free) or by one
// memory (when in use); it is never accessed through two owners.
unsafe impl Send for Slot {}

impl Slot {
    /// Makes `[0, bytes)` accessible and the rest of the former accessible
    /// part inaccessible.
    fn set_accessible(&mut self, bytes: usize) -> bool {
        if bytes == self.accessible {
            return true;
        }
        let (start, len, prot) = if bytes > self.accessible {
            (
                self.accessible,
                bytes - self.accessible,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        } else {
            (bytes, self.accessible - bytes, libc::PROT_NONE)
        };
        // SAFETY: [start, start + len) lies inside this slot's reservation
        // (both bounds are at most `reserved`), which the caller owns.
        let rc = unsafe { libc::mprotect(self.base.add(start).cast(), len, prot) };
        if rc == 0 {
            self.accessible = bytes;
        }
        rc == 0
    }

    /// Replaces the mapped image (if any) by anonymous, inaccessible
    /// memory.
    fn drop_image(&mut self) -> bool {
        let Some(image) = self.image.take() else {
            return true;
        };
        let len = image.len().max(self.accessible);
        // SAFETY: [base, base + len) is inside this slot's reservation
        // (an image never exceeds the accessible size it was mapped with,
        // and `accessible <= reserved`); MAP_FIXED replaces exactly it.
        let p = unsafe {
            libc::mmap(
                self.base.cast(),
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        self.accessible = 0;
        p == self.base.cast()
    }
}

/// Reservations for linear memories, reused across instances.
///
/// Aligned to 128 bytes: its fields stay off the cache line of the
/// `Arc`'s counts, which every memory on every thread updates.
#[repr(align(128))]
pub struct MemoryPool {
    config: PoolConfig,
    /// `None`: a configured pool (at most `total_memories` in use, one
    /// more is an error). `Some(n)`: the default engine's cache of freed
    /// reservations (no limit on memories in use; at most `n` kept free,
    /// the rest unmapped).
    keep_free: Option<usize>,
    free: Mutex<FreeList>,
    /// This pool, for the per-thread near slot's record (made once per
    /// thread, not per memory).
    this: std::sync::Weak<MemoryPool>,
}

struct FreeList {
    slots: Vec<Slot>,
    /// Slots handed out and not yet returned.
    in_use: u32,
}

thread_local! {
    /// The slot this thread freed last in an engine's cache of freed
    /// reservations. The same thread reuses it first: its pages are in this
    /// core's cache (resetting and using them moves no cache lines between
    /// cores) and neither taking nor returning it locks the shared list.
    static NEAR: std::cell::RefCell<Option<NearSlot>> = const { std::cell::RefCell::new(None) };
}

/// A slot kept by one thread for a cache (counted in use by the cache).
struct NearSlot {
    pool: std::sync::Weak<MemoryPool>,
    /// Always `Some` but while being taken.
    slot: Option<Slot>,
}

impl Drop for NearSlot {
    fn drop(&mut self) {
        let Some(slot) = self.slot.take() else {
            return;
        };
        match self.pool.upgrade() {
            Some(pool) => pool.put_on_list(slot, true),
            // SAFETY: the cache is gone; the reservation is owned by this
            // slot alone.
            None => unsafe {
                libc::munmap(slot.base.cast(), slot.reserved);
            },
        }
    }
}

impl std::fmt::Debug for MemoryPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryPool")
            .field("config", &self.config)
            .finish()
    }
}

/// A pooled memory's claim on its slot, returned to the pool on drop.
pub struct SlotLease {
    /// The pool, not counted: a count per memory is an atomic update of a
    /// line every thread shares. `allocate`'s caller keeps the pool alive
    /// for as long as the memory.
    pool: std::ptr::NonNull<MemoryPool>,
    guarded: bool,
    image: Option<Arc<MemoryImage>>,
}

// SAFETY: `pool` is only read through `&MemoryPool`, which is `Sync`; the
// lease is the memory's own and moves with it.
unsafe impl Send for SlotLease {}

impl MemoryPool {
    /// The cache of freed guarded reservations an engine without a
    /// configured pool uses: memories of any number, up to 4 GiB each,
    /// reserved afresh only when no freed one is left, `keep` at most kept.
    pub fn new_cache(keep: usize) -> Arc<MemoryPool> {
        MemoryPool::with(
            PoolConfig {
                total_memories: u32::MAX,
                max_memory_size: (MAX_PAGES_32 * WASM_PAGE_SIZE) as usize,
            },
            Some(keep),
        )
    }

    pub fn new(config: PoolConfig) -> Arc<MemoryPool> {
        MemoryPool::with(config, None)
    }

    fn with(config: PoolConfig, keep_free: Option<usize>) -> Arc<MemoryPool> {
        Arc::new_cyclic(|this| MemoryPool {
            config,
            keep_free,
            free: Mutex::new(FreeList {
                slots: Vec::new(),
                in_use: 0,
            }),
            this: this.clone(),
        })
    }

    /// Largest memory reset in place rather than with `madvise`.
    fn reset_in_place_max(&self) -> usize {
        if self.keep_free.is_some() {
            CACHE_RESET_IN_PLACE_MAX
        } else {
            RESET_IN_PLACE_MAX
        }
    }

    /// Whether this is an engine's cache of freed reservations rather than
    /// a configured pool (its failures are not the embedder's limit).
    pub fn is_cache(&self) -> bool {
        self.keep_free.is_some()
    }

    /// A memory of `min` pages (growable to `max`, capped by the pool's
    /// `max_memory_size`) in a slot of the pool, with `image` mapped over
    /// its start when given. Returns whether the image was mapped (the
    /// caller copies the segments otherwise).
    ///
    /// # Safety
    /// The pool must outlive the memory (a store drops its memories before
    /// its engine, which holds the pool).
    pub unsafe fn allocate(
        &self,
        min: u64,
        max: u64,
        memory64: bool,
        guarded: bool,
        image: Option<&Arc<MemoryImage>>,
    ) -> Result<(LinearMemory, bool), String> {
        let cap_pages = self.config.max_memory_size as u64 / WASM_PAGE_SIZE;
        if min > cap_pages {
            return Err(format!(
                "memory of {min} pages exceeds the pooling allocator's max_memory_size of {} bytes",
                self.config.max_memory_size
            ));
        }
        let min_bytes = (min * WASM_PAGE_SIZE) as usize;
        let want_guarded = guarded && !memory64;
        let mut slot = self.take(image.map(|i| i.id()), want_guarded)?;
        let result = self.prepare(&mut slot, min_bytes, image);
        let mapped = match result {
            Ok(mapped) => mapped,
            Err(e) => {
                self.give_back(slot, false);
                return Err(e);
            }
        };
        let slot_pages = if slot.guarded {
            MAX_PAGES_32
        } else {
            slot.reserved as u64 / WASM_PAGE_SIZE
        };
        let max_pages = max.min(cap_pages).min(slot_pages);
        let lease = SlotLease {
            pool: std::ptr::NonNull::from(self),
            guarded: slot.guarded,
            // Moved, not cloned (the module's image is shared by every
            // thread); the slot gets it back on release.
            image: slot.image.take(),
        };
        let mem = LinearMemory::from_pool_slot(
            slot.base,
            slot.reserved,
            slot.guarded && !memory64,
            min,
            max_pages,
            lease,
        );
        Ok((mem, mapped))
    }

    /// A free slot (preferably one holding image `image_id`), or a new one
    /// while fewer than `total_memories` exist.
    fn take(&self, image_id: Option<u64>, guarded: bool) -> Result<Slot, String> {
        if let Some(slot) = self.take_near(image_id, guarded) {
            return Ok(slot);
        }
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.in_use >= self.config.total_memories {
            return Err(format!(
                "pooling allocator exhausted: all {} memory slots are in use \
                 (raise total_memories, or drop instances sooner)",
                self.config.total_memories
            ));
        }
        let pick = free
            .slots
            .iter()
            .rposition(|s| s.image.as_ref().map(|i| i.id()) == image_id && (s.guarded || !guarded))
            .or_else(|| free.slots.len().checked_sub(1));
        if let Some(i) = pick {
            free.in_use += 1;
            return Ok(free.slots.swap_remove(i));
        }
        free.in_use += 1;
        drop(free);
        match self.reserve(guarded) {
            Some(slot) => Ok(slot),
            None => {
                self.free.lock().unwrap_or_else(|e| e.into_inner()).in_use -= 1;
                Err(format!(
                    "pooling allocator: could not reserve address space for a memory slot \
                     of {} bytes",
                    self.config.max_memory_size
                ))
            }
        }
    }

    fn reserve(&self, guarded: bool) -> Option<Slot> {
        let plain = self
            .config
            .max_memory_size
            .div_ceil(WASM_PAGE_SIZE as usize)
            .max(1)
            * WASM_PAGE_SIZE as usize;
        let (base, reserved, guarded) = match guarded.then(|| reserve(GUARDED_RESERVATION)) {
            Some(Some(base)) => (base, GUARDED_RESERVATION, true),
            _ => (reserve(plain)?, plain, false),
        };
        Some(Slot {
            base,
            reserved,
            guarded,
            accessible: 0,
            image: None,
        })
    }

    /// Brings `slot` to `min_bytes` accessible bytes, zero but for `image`.
    /// Its contents beyond the image are already zero (reset on release).
    fn prepare(
        &self,
        slot: &mut Slot,
        min_bytes: usize,
        image: Option<&Arc<MemoryImage>>,
    ) -> Result<bool, String> {
        let fail = || format!("pooling allocator: could not map a memory of {min_bytes} bytes");
        let same = match (&slot.image, image) {
            (Some(a), Some(b)) => a.id() == b.id(),
            (None, None) => true,
            _ => false,
        };
        if !same {
            if !slot.drop_image() {
                return Err(fail());
            }
            if let Some(image) = image {
                if image.len() > min_bytes {
                    return Err(fail());
                }
                // SAFETY: [base, base + image.len()) lies inside the slot's
                // reservation (image.len() <= min_bytes <= reserved) and no
                // memory uses this slot.
                if !unsafe { image.map_at(slot.base) } {
                    return Err(fail());
                }
                slot.image = Some(image.clone());
                slot.accessible = slot.accessible.max(image.len());
            }
        }
        if !slot.set_accessible(min_bytes) {
            return Err(fail());
        }
        Ok(image.is_some())
    }

    /// Puts `slot` back on the free list (`reset`: it was discarded
    /// already; otherwise it is reset now), or unmaps it when it cannot be
    /// reset or the cache keeps enough free slots.
    fn give_back(&self, mut slot: Slot, reset: bool) {
        let usable = reset || discard(&mut slot, self.reset_in_place_max());
        let slot = match usable && self.is_cache() {
            true => match self.keep_near(slot) {
                Some(displaced) => displaced,
                None => return,
            },
            false => slot,
        };
        self.put_on_list(slot, usable);
    }

    /// Puts a slot handed out by `take` on the shared free list (or unmaps
    /// it, when unusable or the cache keeps enough).
    fn put_on_list(&self, slot: Slot, usable: bool) {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        free.in_use -= 1;
        if usable && self.keep_free.is_none_or(|keep| free.slots.len() < keep) {
            free.slots.push(slot);
            return;
        }
        drop(free);
        // SAFETY: the whole reservation is the pool's own and unused.
        unsafe { libc::munmap(slot.base.cast(), slot.reserved) };
    }

    /// The slot this thread freed last in this cache, if it suits.
    fn take_near(&self, image_id: Option<u64>, guarded: bool) -> Option<Slot> {
        if !self.is_cache() {
            return None;
        }
        // (Not during the thread's exit, when its locals are gone.)
        NEAR.try_with(|near| {
            let mut near = near.try_borrow_mut().ok()?;
            let n = near.as_ref()?;
            let slot = n.slot.as_ref()?;
            let suits = std::ptr::eq(n.pool.as_ptr(), self)
                && slot.image.as_ref().map(|i| i.id()) == image_id
                && (slot.guarded || !guarded);
            if !suits {
                return None;
            }
            // The record stays, with its weak reference to this cache, for
            // `keep_near` to refill: a weak reference made or dropped per
            // memory is an atomic update of a line every thread shares.
            near.as_mut()?.slot.take()
        })
        .ok()
        .flatten()
    }

    /// Keeps reset `slot` as this thread's near slot; returns the slot it
    /// displaces from this cache (which goes to the shared list). A near
    /// slot of another cache is returned to that cache.
    fn keep_near(&self, slot: Slot) -> Option<Slot> {
        /// What keeping the slot took the place of.
        enum Replaced {
            /// A slot of this cache (or none, the record being empty).
            Displaced(Option<Slot>),
            /// The record of another cache (or none).
            Other(Option<NearSlot>),
        }
        let mut slot = Some(slot);
        let replaced = NEAR.try_with(|cell| {
            // Borrowed: a `NearSlot` being dropped frees a memory.
            let mut kept = cell.try_borrow_mut().ok()?;
            Some(match kept.as_mut() {
                Some(n) if std::ptr::eq(n.pool.as_ptr(), self) => {
                    Replaced::Displaced(std::mem::replace(&mut n.slot, slot.take()))
                }
                _ => Replaced::Other(kept.replace(NearSlot {
                    pool: self.this.clone(),
                    slot: slot.take(),
                })),
            })
        });
        match replaced {
            Ok(Some(Replaced::Displaced(displaced))) => displaced,
            Ok(Some(Replaced::Other(previous))) => {
                // Dropped outside the borrow: goes back to its own cache.
                drop(previous);
                None
            }
            // The cell is borrowed, or the thread is exiting (its locals
            // are gone): the slot goes to the list.
            _ => slot,
        }
    }

    /// Slots reserved so far and free now (for tests).
    #[cfg(test)]
    pub fn free_slots(&self) -> usize {
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .slots
            .len()
    }
}

/// Memories up to this size are reset page by page (see `reset_written`),
/// larger ones with `madvise`, so a free slot never keeps much resident:
/// in a configured pool (the embedder sized it)...
const RESET_IN_PLACE_MAX: usize = 16 << 20;
/// ...and in an engine's cache of freed reservations, which nobody sized
/// (at most `keep` free slots of this much each stay resident).
const CACHE_RESET_IN_PLACE_MAX: usize = 4 << 20;

/// Memories without an image up to this size are simply zeroed whole: a
/// `memset` of 64 KiB costs less than reading the page map (a system call
/// and a page-table walk, about 1 µs on the test machine), and once all
/// their pages have been written they stay resident, so later fills fault
/// nothing.
const ZERO_FILL_MAX: usize = 64 << 10;

/// Discards the accessible bytes of `slot` (zero, or the image's),
/// keeping its pages resident if it has at most `in_place_max` bytes.
fn discard(slot: &mut Slot, in_place_max: usize) -> bool {
    if slot.accessible == 0 {
        return true;
    }
    if slot.image.is_none() && slot.accessible <= ZERO_FILL_MAX {
        // SAFETY: [base, base + accessible) is mapped read-write and owned
        // by the slot; no memory uses it any more.
        unsafe { std::ptr::write_bytes(slot.base, 0, slot.accessible) };
        return true;
    }
    if slot.accessible <= in_place_max && reset_written(slot) {
        return true;
    }
    // SAFETY: [base, base + accessible) is mapped and owned by the slot;
    // no memory uses it any more.
    unsafe { libc::madvise(slot.base.cast(), slot.accessible, libc::MADV_DONTNEED) == 0 }
}

/// Resets in place the pages of `slot` that the memory wrote
/// (`written_pages`: a zero page written, or an image page copied on
/// write): each is compared with what it must hold and rewritten if
/// different. Pages stay mapped, so the next memory in the slot takes no
/// page faults and no TLB shootdown is needed, unlike
/// `madvise(MADV_DONTNEED)`. False (slot unchanged) where the page map
/// cannot be read.
fn reset_written(slot: &mut Slot) -> bool {
    let page = super::memory_image::host_page_size();
    let image = slot.image.as_ref().map_or(&[][..], |i| i.bytes());
    // An image covers whole pages (`MemoryImage::len`).
    let Some(written) = super::written_pages::find(slot.base, slot.accessible, image.len(), page)
    else {
        return false;
    };
    for i in written.into_iter().flatten() {
        let start = i * page;
        // SAFETY: page `i` lies in the slot's accessible part, owned by
        // the pool now that its memory is gone.
        let bytes = unsafe { std::slice::from_raw_parts_mut(slot.base.add(start), page) };
        match image.get(start..start + page) {
            Some(want) if bytes != want => bytes.copy_from_slice(want),
            Some(_) => {}
            // Compared first: writing a page that only maps the shared
            // zero page would allocate it.
            None if bytes.iter().any(|&b| b != 0) => bytes.fill(0),
            None => {}
        }
    }
    true
}

impl SlotLease {
    /// Returns the slot at `base` with `accessible` bytes mapped, from a
    /// dropped memory.
    pub(crate) fn release(self, base: *mut u8, reserved: usize, accessible: usize) {
        let mut slot = Slot {
            base,
            reserved,
            guarded: self.guarded,
            accessible,
            image: self.image,
        };
        // SAFETY: the pool outlives its memories (`MemoryPool::allocate`).
        let pool = unsafe { self.pool.as_ref() };
        let ok = discard(&mut slot, pool.reset_in_place_max());
        pool.give_back(slot, ok);
    }
}

impl Drop for MemoryPool {
    fn drop(&mut self) {
        let free = self.free.get_mut().unwrap_or_else(|e| e.into_inner());
        for slot in free.slots.drain(..) {
            // SAFETY: free slots are owned by the pool alone; every memory
            // using one is gone (`allocate`'s contract).
            unsafe { libc::munmap(slot.base.cast(), slot.reserved) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(n: u32) -> Arc<MemoryPool> {
        MemoryPool::new(PoolConfig {
            total_memories: n,
            max_memory_size: 16 << 20,
        })
    }

    /// `MemoryPool::allocate`; each test drops its memories before the
    /// pool they come from.
    fn alloc(
        pool: &MemoryPool,
        min: u64,
        max: u64,
        memory64: bool,
        guarded: bool,
        image: Option<&Arc<MemoryImage>>,
    ) -> Result<(LinearMemory, bool), String> {
        // SAFETY: see above (pools are made first in each test, so dropped
        // last, or outlive the thread that uses them).
        unsafe { pool.allocate(min, max, memory64, guarded, image) }
    }

    fn image() -> Arc<MemoryImage> {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8 + 1).collect();
        MemoryImage::new(2 * 65536, &[(1000, &data[..])]).expect("memfd image")
    }

    #[test]
    fn exhaustion_is_an_error_and_release_frees_a_slot() {
        let p = pool(2);
        let a = alloc(&p, 1, 10, false, false, None).unwrap();
        let _b = alloc(&p, 1, 10, false, false, None).unwrap();
        let err = alloc(&p, 1, 10, false, false, None).err().unwrap();
        assert!(err.contains("exhausted"), "{err}");
        drop(a);
        assert_eq!(p.free_slots(), 1);
        assert!(alloc(&p, 1, 10, false, false, None).is_ok());
        let too_big = alloc(&p, 1000, 1000, false, false, None).err().unwrap();
        assert!(too_big.contains("max_memory_size"), "{too_big}");
    }

    #[test]
    fn reuse_resets_to_zero_and_growth_stays_in_the_slot() {
        let p = pool(1);
        let (mut m, mapped) = alloc(&p, 1, 1000, false, true, None).unwrap();
        assert!(!mapped);
        let base = m.def.base;
        m.data_mut()[10] = 5;
        assert_eq!(m.grow(3), Some(1));
        assert_eq!(m.def.base, base, "growth inside the slot must not move");
        m.data_mut()[4 * 65536 - 1] = 6;
        // The pool caps growth at max_memory_size (16 MiB = 256 pages).
        assert_eq!(m.grow(253), None);
        assert_eq!(m.grow(252), Some(4));
        drop(m);
        let (m, _) = alloc(&p, 1, 1000, false, true, None).unwrap();
        assert_eq!(m.def.base, base, "the slot is reused");
        assert_eq!(m.data().len(), 65536, "accessible part shrank back");
        assert!(m.data().iter().all(|&b| b == 0), "reused memory is zero");
    }

    #[test]
    fn a_cache_gives_a_thread_back_the_slot_it_freed() {
        let cache = MemoryPool::new_cache(4);
        let (mut m, _) = alloc(&cache, 1, 1, false, true, None).unwrap();
        let base = m.def.base;
        m.data_mut()[5] = 1;
        drop(m);
        assert_eq!(cache.free_slots(), 0, "kept by this thread, not listed");
        let (m, _) = alloc(&cache, 1, 1, false, true, None).unwrap();
        assert_eq!(m.def.base, base, "the same slot again");
        assert!(m.data().iter().all(|&b| b == 0), "and reset");
        // Two at once: the second freed displaces the first to the list.
        let (m2, _) = alloc(&cache, 1, 1, false, true, None).unwrap();
        drop(m2);
        assert_eq!(cache.free_slots(), 0, "the record was empty: refilled");
        drop(m);
        assert_eq!(cache.free_slots(), 1, "displaced to the list");
        let (a, _) = alloc(&cache, 1, 1, false, true, None).unwrap();
        let (b, _) = alloc(&cache, 1, 1, false, true, None).unwrap();
        assert_eq!(cache.free_slots(), 0);
        drop((a, b));
        assert_eq!(cache.free_slots(), 1);
        let (m, _) = alloc(&cache, 1, 1, false, true, None).unwrap();
        let (m2, _) = alloc(&cache, 1, 1, false, true, None).unwrap();
        drop(m2);
        drop(m);
        // Another thread's near slot goes to the list when the thread ends.
        let shared = cache.clone();
        std::thread::spawn(move || drop(alloc(&shared, 1, 1, false, true, None).unwrap()))
            .join()
            .unwrap();
        assert_eq!(cache.free_slots(), 1);
        // A slot of another cache displaces this thread's near slot, which
        // goes back to its own cache's list.
        let other = MemoryPool::new_cache(4);
        drop(alloc(&other, 1, 1, false, true, None).unwrap());
        assert_eq!(cache.free_slots(), 2);
        assert_eq!(other.free_slots(), 0);
    }

    /// A one-page memory is reset by zeroing it whole (no page map read):
    /// every byte written, first and last included, is zero again.
    #[test]
    fn small_memories_are_zeroed_whole() {
        let p = pool(1);
        for round in 0..3u8 {
            let (mut m, _) = alloc(&p, 1, 1, false, true, None).unwrap();
            assert!(m.data().iter().all(|&b| b == 0), "round {round}");
            let data = m.data_mut();
            let last = data.len() - 1;
            data[0] = round + 1;
            data[4096] = 7;
            data[last] = 9;
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn reuse_resets_to_the_image_and_switching_images_works() {
        let p = pool(1);
        let img = image();
        let mut expected = vec![0u8; 2 * 65536];
        for (i, b) in expected[1000..21_000].iter_mut().enumerate() {
            *b = (i % 251) as u8 + 1;
        }
        let (mut m, mapped) = alloc(&p, 2, 10, false, true, Some(&img)).unwrap();
        assert!(mapped);
        assert!(m.data() == &expected[..]);
        m.data_mut()[1000] = 0;
        m.data_mut()[100_000] = 9;
        drop(m);
        let (m, mapped) = alloc(&p, 2, 10, false, true, Some(&img)).unwrap();
        assert!(mapped);
        assert!(
            m.data() == &expected[..],
            "writes of the previous memory leak"
        );
        drop(m);
        // Another module (no image) in the same slot: all zero.
        let (m, mapped) = alloc(&p, 2, 10, false, true, None).unwrap();
        assert!(!mapped);
        assert!(m.data().iter().all(|&b| b == 0));
        drop(m);
        let (m, _) = alloc(&p, 2, 10, false, true, Some(&img)).unwrap();
        assert!(m.data() == &expected[..]);
    }
}

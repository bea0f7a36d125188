//! Copy-on-write images of a module's initial linear memory.
//!
//! Copying a large data segment into every new instance costs a page fault
//! and a copy per page, whether or not the instance reads it. A module's
//! initial memory 0 is the same for every instance, so it is written once
//! into an in-memory file (a memfd, holes where the memory is zero) and
//! each instance maps that file privately over the start of its memory:
//! pages are shared until an instance writes one, which the kernel then
//! copies for that instance alone. Resetting a mapped range with
//! `madvise(MADV_DONTNEED)` brings back the file's contents, which is what
//! the pooling allocator relies on to reuse a slot for the same module.
//!
//! Only where it pays and is exact: memory 0 defined by the module, every
//! active segment for it at a constant offset inside the initial size, and
//! enough bytes that a mapping beats a copy. Everything else (imported
//! memories, offsets from globals, small data, non-Linux) copies segments
//! as before.

use std::sync::Arc;

/// Below this many data bytes a copy is cheaper than a mapping.
pub const MIN_IMAGE_BYTES: usize = 16 << 10;

/// The contents of a memory's first `len` bytes, held in a file.
pub struct MemoryImage {
    /// The memfd (owned; closed on drop).
    fd: i32,
    /// Bytes covered, a multiple of the host page size, at most the
    /// memory's initial size.
    len: usize,
    /// Unique per image, so a pooled slot knows which image it holds.
    id: u64,
    /// A read-only shared view of the file (null until mapped), from which
    /// a pooled slot restores pages an instance wrote.
    view: *const u8,
}

// SAFETY: the fd and the read-only view are never written after creation.
unsafe impl Send for MemoryImage {}
// SAFETY: as above; shared reads only.
unsafe impl Sync for MemoryImage {}

impl std::fmt::Debug for MemoryImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryImage")
            .field("len", &self.len)
            .field("id", &self.id)
            .finish()
    }
}

/// The host's page size.
pub fn host_page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
    }
}

impl MemoryImage {
    /// An image of a memory of `min_bytes` initial bytes after writing
    /// `segments` (offset, bytes) in order, or `None` where an image is not
    /// worth it or not possible (a segment out of bounds, too little data,
    /// no memfd). The caller must still apply every segment itself when
    /// this returns `None`.
    pub fn new(min_bytes: usize, segments: &[(usize, &[u8])]) -> Option<Arc<MemoryImage>> {
        let total: usize = segments.iter().map(|(_, b)| b.len()).sum();
        if total < MIN_IMAGE_BYTES {
            return None;
        }
        let mut end = 0usize;
        for (off, bytes) in segments {
            let e = off.checked_add(bytes.len())?;
            if e > min_bytes {
                return None; // instantiation traps: the copy path reports it
            }
            end = end.max(e);
        }
        let page = host_page_size();
        let len = end.div_ceil(page) * page;
        if len > min_bytes {
            return None;
        }
        Self::create(len, segments)
    }

    #[cfg(target_os = "linux")]
    fn create(len: usize, segments: &[(usize, &[u8])]) -> Option<Arc<MemoryImage>> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        // SAFETY: a NUL-terminated name and valid flags; the result is
        // checked.
        let fd = unsafe { libc::memfd_create(c"wasmrt-memory-image".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return None;
        }
        let image = MemoryImage {
            fd,
            len,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            view: std::ptr::null(),
        };
        let mut image = image;
        // SAFETY: `fd` is our open memfd.
        if unsafe { libc::ftruncate(fd, len as libc::off_t) } != 0 {
            return None; // `image` closes the fd
        }
        // Later segments overwrite earlier ones, as instantiation does.
        for (off, bytes) in segments {
            let mut done = 0;
            while done < bytes.len() {
                // SAFETY: the source is a live slice; the file is ours.
                let n = unsafe {
                    libc::pwrite(
                        fd,
                        bytes[done..].as_ptr().cast(),
                        bytes.len() - done,
                        (off + done) as libc::off_t,
                    )
                };
                if n <= 0 {
                    return None;
                }
                done += n as usize;
            }
        }
        // SAFETY: a shared read-only mapping of our own file, checked.
        let view = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                fd,
                0,
            )
        };
        if view == libc::MAP_FAILED {
            return None;
        }
        image.view = view.cast();
        Some(Arc::new(image))
    }

    #[cfg(not(target_os = "linux"))]
    fn create(_len: usize, _segments: &[(usize, &[u8])]) -> Option<Arc<MemoryImage>> {
        None
    }

    /// Bytes covered (a multiple of the host page size).
    pub fn len(&self) -> usize {
        self.len
    }

    /// The image's bytes.
    pub fn bytes(&self) -> &[u8] {
        if self.view.is_null() {
            return &[];
        }
        // SAFETY: `view` maps `len` readable bytes for the image's life.
        unsafe { std::slice::from_raw_parts(self.view, self.len) }
    }

    /// This image's unique id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Maps the image privately (copy-on-write), readable and writable,
    /// over `[base, base + len)`, replacing whatever was mapped there.
    ///
    /// # Safety
    /// `[base, base + len)` must lie inside a reservation owned by the
    /// caller, with nothing else referring to the bytes it replaces.
    pub unsafe fn map_at(&self, base: *mut u8) -> bool {
        if self.len == 0 {
            return true;
        }
        // SAFETY: the caller guarantees the range is its own; MAP_FIXED
        // replaces exactly that range.
        let p = unsafe {
            libc::mmap(
                base.cast(),
                self.len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_FIXED,
                self.fd,
                0,
            )
        };
        p == base.cast()
    }
}

impl Drop for MemoryImage {
    fn drop(&mut self) {
        // SAFETY: closing the fd and unmapping the view this image owns;
        // mappings made into memories stay valid after the close.
        unsafe {
            if !self.view.is_null() {
                libc::munmap(self.view as *mut libc::c_void, self.len);
            }
            libc::close(self.fd);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::LinearMemory;

    fn segs() -> (Vec<u8>, Vec<u8>) {
        ((0..40_000u32).map(|i| i as u8).collect(), vec![0xAB; 100])
    }

    #[test]
    fn small_or_out_of_bounds_data_has_no_image() {
        assert!(MemoryImage::new(65536, &[(0, &[1u8; 100][..])]).is_none());
        let big = vec![1u8; MIN_IMAGE_BYTES];
        assert!(MemoryImage::new(65536, &[(65536 - 10, &big[..])]).is_none());
        assert!(MemoryImage::new(65536, &[(usize::MAX - 1, &big[..])]).is_none());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn mapped_memory_equals_segments_and_writes_stay_private() {
        let (a, b) = segs();
        // The second segment overlaps the first: it must win.
        let image = MemoryImage::new(2 * 65536, &[(4096, &a[..]), (4100, &b[..])]).unwrap();
        assert_eq!(image.len() % host_page_size(), 0);
        let mut expected = vec![0u8; 2 * 65536];
        expected[4096..4096 + a.len()].copy_from_slice(&a);
        expected[4100..4200].copy_from_slice(&b);

        let mut m1 = LinearMemory::new(2, 4).unwrap();
        let mut m2 = LinearMemory::new(2, 4).unwrap();
        assert!(m1.map_image(&image));
        assert!(m2.map_image(&image));
        assert!(m1.data() == &expected[..]);
        m1.data_mut()[5000] = 1;
        m1.data_mut()[100_000] = 2;
        assert!(
            m2.data() == &expected[..],
            "a write in one memory is seen in another"
        );
        // Growth keeps the image part.
        assert_eq!(m1.grow(1), Some(2));
        assert_eq!(m1.data()[4100], 0xAB);
        assert_eq!(m1.data()[5000], 1);
        assert_eq!(m1.data()[3 * 65536 - 1], 0);
    }
}

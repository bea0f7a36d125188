//! Buffers of plain data that a large module fills once and keeps (its
//! copy of the binary, its interpreter code): allocated aligned to a huge
//! page when they span whole ones, and advised for transparent huge
//! pages, so that filling megabytes costs a fault per 2 MiB instead of one
//! per 4 KiB (where the system allows them; otherwise it is an ordinary
//! allocation).

use std::alloc::Layout;
use std::ptr::NonNull;

/// The huge page size asked for (x86-64 and aarch64 Linux with 4 KiB
/// pages).
const HUGE_PAGE: usize = 2 << 20;

/// `len` values of `T`, written once through `as_mut_ptr` before being
/// read.
pub struct HugePageBuf<T: Copy> {
    ptr: NonNull<T>,
    len: usize,
}

// SAFETY: the buffer owns its values, which are plain data (`Copy`).
unsafe impl<T: Copy + Send> Send for HugePageBuf<T> {}
// SAFETY: shared access only reads.
unsafe impl<T: Copy + Sync> Sync for HugePageBuf<T> {}

impl<T: Copy> HugePageBuf<T> {
    /// Room for `len` values, not yet written.
    ///
    /// # Safety
    /// Every value must be written (through `as_mut_ptr`) before the
    /// buffer is read.
    pub unsafe fn uninit(len: usize) -> HugePageBuf<T> {
        let layout = Self::layout(len);
        if layout.size() == 0 {
            return HugePageBuf {
                ptr: NonNull::dangling(),
                len,
            };
        }
        // SAFETY: the layout's size is not zero.
        let ptr = unsafe { std::alloc::alloc(layout) };
        let Some(ptr) = NonNull::new(ptr.cast::<T>()) else {
            std::alloc::handle_alloc_error(layout)
        };
        advise(ptr.as_ptr().cast(), layout.size());
        HugePageBuf { ptr, len }
    }

    /// A copy of `values`.
    pub fn copy_of(values: &[T]) -> HugePageBuf<T> {
        // SAFETY: every value is written by the copy, before any read.
        unsafe {
            let buf = HugePageBuf::uninit(values.len());
            std::ptr::copy_nonoverlapping(values.as_ptr(), buf.as_mut_ptr(), values.len());
            buf
        }
    }

    /// The first value's place, for writing them.
    pub fn as_mut_ptr(&self) -> *mut T {
        self.ptr.as_ptr()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    fn layout(len: usize) -> Layout {
        let size = len
            .checked_mul(std::mem::size_of::<T>())
            .expect("buffer size overflows");
        let align = if size >= HUGE_PAGE {
            HUGE_PAGE
        } else {
            std::mem::align_of::<T>()
        };
        Layout::from_size_align(size, align).expect("buffer larger than isize::MAX")
    }
}

impl<T: Copy> std::ops::Deref for HugePageBuf<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: `len` values at `ptr`, all written before any read (the
        // constructors' contract).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy> Drop for HugePageBuf<T> {
    fn drop(&mut self) {
        let layout = Self::layout(self.len);
        if layout.size() > 0 {
            // SAFETY: the allocation `uninit` made with this layout, given
            // back once; the values need no drop (`Copy`).
            unsafe { std::alloc::dealloc(self.ptr.as_ptr().cast(), layout) };
        }
    }
}

impl<T: Copy + std::fmt::Debug> std::fmt::Debug for HugePageBuf<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HugePageBuf({} values)", self.len)
    }
}

/// Asks the kernel to back the whole huge pages of the `bytes` at `base`
/// with huge pages.
fn advise(base: *mut u8, bytes: usize) {
    if bytes < HUGE_PAGE {
        return;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = base;
    #[cfg(target_os = "linux")]
    {
        let start = (base as usize).next_multiple_of(HUGE_PAGE);
        let end = (base as usize + bytes) / HUGE_PAGE * HUGE_PAGE;
        if end > start {
            // SAFETY: advice on a range inside the buffer's own
            // allocation; it changes how the pages are backed, never their
            // contents. Refused advice (no THP support) is of no
            // consequence.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_of_any_size_read_back() {
        for len in [0, 1, 4095, HUGE_PAGE + 17, 3 * HUGE_PAGE] {
            let values: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let buf = HugePageBuf::copy_of(&values);
            assert_eq!(&buf[..], &values[..]);
            if len >= HUGE_PAGE {
                assert_eq!(buf.as_mut_ptr() as usize % HUGE_PAGE, 0);
            }
        }
        let words = HugePageBuf::copy_of(&[1u64, 2, 3]);
        assert_eq!(&words[..], &[1, 2, 3]);
    }
}

//! Buffers that a large module fills once and keeps (its copy of the
//! binary, its functions, its interpreter code): allocated aligned to a huge
//! page when they span whole ones, and advised for transparent huge
//! pages, so that filling megabytes costs a fault per 2 MiB instead of one
//! per 4 KiB (where the system allows them; otherwise it is an ordinary
//! allocation).

use std::alloc::Layout;
use std::ptr::NonNull;

/// The huge page size asked for (x86-64 and aarch64 Linux with 4 KiB
/// pages).
const HUGE_PAGE: usize = 2 << 20;

/// Room for `capacity` values of `T`, the first `len` of them written:
/// either all at once through `as_mut_ptr` (`uninit`, `copy_of`: plain
/// data) or one by one (`with_capacity`, `push`). Never grows: the values
/// stay where they were written.
pub struct HugePageBuf<T> {
    ptr: NonNull<T>,
    len: usize,
    capacity: usize,
}

// SAFETY: the buffer owns its values, like a `Vec<T>`.
unsafe impl<T: Send> Send for HugePageBuf<T> {}
// SAFETY: shared access only gives out shared references to the values.
unsafe impl<T: Sync> Sync for HugePageBuf<T> {}

impl<T> HugePageBuf<T> {
    /// Room for `capacity` values, none written (`push` fills it).
    pub fn with_capacity(capacity: usize) -> HugePageBuf<T> {
        let layout = Self::layout(capacity);
        if layout.size() == 0 {
            return HugePageBuf {
                ptr: NonNull::dangling(),
                len: 0,
                capacity,
            };
        }
        // SAFETY: the layout's size is not zero.
        let ptr = unsafe { std::alloc::alloc(layout) };
        let Some(ptr) = NonNull::new(ptr.cast::<T>()) else {
            std::alloc::handle_alloc_error(layout)
        };
        advise(ptr.as_ptr().cast(), layout.size());
        HugePageBuf {
            ptr,
            len: 0,
            capacity,
        }
    }

    /// Writes `value` after the last one.
    ///
    /// # Panics
    /// If the buffer is full.
    pub fn push(&mut self, value: T) {
        assert!(self.len < self.capacity, "HugePageBuf is full");
        // SAFETY: `len < capacity`: the place is inside the allocation
        // and holds no value yet.
        unsafe { self.ptr.as_ptr().add(self.len).write(value) };
        self.len += 1;
    }

    /// The first value's place, for writing them.
    pub fn as_mut_ptr(&self) -> *mut T {
        self.ptr.as_ptr()
    }

    fn layout(capacity: usize) -> Layout {
        let size = capacity
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

impl<T: Copy> HugePageBuf<T> {
    /// Room for `len` values, not yet written.
    ///
    /// # Safety
    /// Every value must be written (through `as_mut_ptr`) before the
    /// buffer is read.
    pub unsafe fn uninit(len: usize) -> HugePageBuf<T> {
        let mut buf = HugePageBuf::with_capacity(len);
        // The caller writes them (plain data: nothing to drop meanwhile).
        buf.len = len;
        buf
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
}

impl<T> std::ops::Deref for HugePageBuf<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: `len` values at `ptr`, all written before any read (the
        // constructors' and `push`'s contract).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> Drop for HugePageBuf<T> {
    fn drop(&mut self) {
        // SAFETY: the first `len` values are written and owned here;
        // each is dropped once.
        unsafe {
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(
                self.ptr.as_ptr(),
                self.len,
            ))
        };
        let layout = Self::layout(self.capacity);
        if layout.size() > 0 {
            // SAFETY: the allocation `with_capacity` made with this
            // layout, given back once.
            unsafe { std::alloc::dealloc(self.ptr.as_ptr().cast(), layout) };
        }
    }
}

impl<T> std::fmt::Debug for HugePageBuf<T> {
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

    #[test]
    fn pushed_values_read_back_and_are_dropped_once() {
        let counter = std::rc::Rc::new(());
        let mut buf = HugePageBuf::with_capacity(HUGE_PAGE / 8 + 3);
        for _ in 0..10 {
            buf.push(counter.clone());
        }
        assert_eq!(buf.len(), 10);
        assert_eq!(std::rc::Rc::strong_count(&counter), 11);
        assert_eq!(buf.as_mut_ptr() as usize % HUGE_PAGE, 0);
        drop(buf);
        assert_eq!(std::rc::Rc::strong_count(&counter), 1);
    }

    #[test]
    #[should_panic(expected = "full")]
    fn pushing_past_the_capacity_panics() {
        let mut buf = HugePageBuf::with_capacity(1);
        buf.push(String::new());
        buf.push(String::new());
    }
}

//! Which pages of a freed memory's slot the memory wrote, so that the pool
//! can reset just those (`pool::reset_written`).
//!
//! A written page is an anonymous page that is present or swapped out,
//! other than the shared zero page: a zero page written, or a page of the
//! mapped image copied on write. Pages never touched, only read, or still
//! the image file's are not. The kernel says which pages these are through
//! `/proc/self/pagemap`, in one of two ways:
//!
//! - the `PAGEMAP_SCAN` ioctl (Linux 6.7 and later), which returns runs of
//!   matching pages and, outside the image, does not have to look up
//!   whether each page belongs to a file: about 12 ns a page on the test
//!   machine where the image needs about 24;
//! - reading one 64-bit entry per page, which costs about 24 ns a page
//!   everywhere (a lookup of the page for the entry's flags), and the
//!   fallback where the ioctl is unknown.

use std::ops::Range;
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;

/// `/proc/self/pagemap`, opened once (`None` where unavailable).
fn pagemap() -> Option<&'static std::fs::File> {
    static PAGEMAP: std::sync::OnceLock<Option<std::fs::File>> = std::sync::OnceLock::new();
    PAGEMAP
        .get_or_init(|| std::fs::File::open("/proc/self/pagemap").ok())
        .as_ref()
}

/// The written pages of the `len` bytes at `base`, whose first
/// `file_backed` bytes may map an image file, as ranges of page indices
/// (from `base`) in increasing order. The fallback also lists anonymous
/// pages that were only read (its entries do not tell the zero page
/// apart): callers compare each page's contents before writing it. `None`
/// where the page map cannot be read. `base`, `len` and `file_backed` are
/// multiples of `page`.
pub fn find(
    base: *const u8,
    len: usize,
    file_backed: usize,
    page: usize,
) -> Option<Vec<Range<usize>>> {
    scan(base, len, file_backed, page).or_else(|| read_entries(base, len, page))
}

/// The kernel's `struct pm_scan_arg` (include/uapi/linux/fs.h).
#[repr(C)]
#[derive(Default)]
struct ScanArg {
    size: u64,
    flags: u64,
    start: u64,
    end: u64,
    walk_end: u64,
    vec: u64,
    vec_len: u64,
    max_pages: u64,
    category_inverted: u64,
    category_mask: u64,
    category_anyof_mask: u64,
    return_mask: u64,
}

/// The kernel's `struct page_region`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct Region {
    start: u64,
    end: u64,
    categories: u64,
}

/// `_IOWR('f', 16, struct pm_scan_arg)`: read and write (3) in bits 30-31,
/// the argument's size in bits 16-29, the type and the number below.
const PAGEMAP_SCAN: u64 =
    3 << 30 | (std::mem::size_of::<ScanArg>() as u64) << 16 | (b'f' as u64) << 8 | 16;
const PAGE_IS_FILE: u64 = 1 << 2;
const PAGE_IS_PRESENT: u64 = 1 << 3;
const PAGE_IS_SWAPPED: u64 = 1 << 4;
const PAGE_IS_PFNZERO: u64 = 1 << 5;

/// [`find`] with `PAGEMAP_SCAN`: the file-backed part asks about file
/// pages, the rest does not (the question is what costs a lookup per
/// page). `None` where the ioctl fails (an older kernel).
fn scan(base: *const u8, len: usize, file_backed: usize, page: usize) -> Option<Vec<Range<usize>>> {
    use std::sync::atomic::{AtomicBool, Ordering};
    /// Set once the kernel has said it does not know the ioctl, so that
    /// older kernels pay for the failed call once, not at every reset.
    static UNKNOWN: AtomicBool = AtomicBool::new(false);
    if UNKNOWN.load(Ordering::Relaxed) {
        return None;
    }
    let map = pagemap()?;
    let mut found = Vec::new();
    let start = base as u64;
    let split = start + file_backed.min(len) as u64;
    for (from, to, file) in [(start, split, true), (split, start + len as u64, false)] {
        // Written: present or swapped, and neither the zero page nor (in
        // the file-backed part) a file's page.
        let excluded = PAGE_IS_PFNZERO | if file { PAGE_IS_FILE } else { 0 };
        let mut at = from;
        while at < to {
            let mut regions = [Region::default(); 32];
            let mut arg = ScanArg {
                size: std::mem::size_of::<ScanArg>() as u64,
                start: at,
                end: to,
                vec: regions.as_mut_ptr() as u64,
                vec_len: regions.len() as u64,
                category_inverted: excluded,
                category_mask: excluded,
                category_anyof_mask: PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
                return_mask: PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
                ..ScanArg::default()
            };
            // SAFETY: `arg` is a valid `pm_scan_arg` whose `vec` points to
            // `vec_len` writable regions that outlive the call; the kernel
            // only reads the page tables of [start, end).
            let n = unsafe { libc::ioctl(map.as_raw_fd(), PAGEMAP_SCAN as _, &mut arg) };
            if n < 0 {
                let errno = std::io::Error::last_os_error().raw_os_error();
                if matches!(errno, Some(libc::ENOTTY | libc::EINVAL)) {
                    UNKNOWN.store(true, Ordering::Relaxed);
                }
                return None;
            }
            if n as usize > regions.len() || arg.walk_end <= at || arg.walk_end > to {
                return None;
            }
            for r in &regions[..n as usize] {
                if r.start < at || r.end > arg.walk_end || r.start >= r.end {
                    return None; // not what the kernel documents
                }
                let first = ((r.start - start) / page as u64) as usize;
                let last = ((r.end - start) / page as u64) as usize;
                add(&mut found, first..last);
            }
            at = arg.walk_end;
        }
    }
    Some(found)
}

/// [`find`] by reading one pagemap entry per page.
fn read_entries(base: *const u8, len: usize, page: usize) -> Option<Vec<Range<usize>>> {
    const PRESENT: u64 = 1 << 63;
    const SWAPPED: u64 = 1 << 62;
    const FILE_OR_SHARED: u64 = 1 << 61;
    let map = pagemap()?;
    let mut entries = vec![0u8; len / page * 8];
    map.read_exact_at(&mut entries, (base as usize / page * 8) as u64)
        .ok()?;
    let mut found = Vec::new();
    for (i, e) in entries.chunks_exact(8).enumerate() {
        let e = u64::from_ne_bytes(e.try_into().unwrap_or_default());
        if e & (PRESENT | SWAPPED) == 0 || e & FILE_OR_SHARED != 0 {
            continue; // never touched, or still the image's file page
        }
        add(&mut found, i..i + 1);
    }
    Some(found)
}

/// Appends the pages `pages` to `found`, extending its last range when
/// they follow it.
fn add(found: &mut Vec<Range<usize>>, pages: Range<usize>) {
    match found.last_mut() {
        Some(last) if last.end == pages.start => last.end = pages.end,
        _ => found.push(pages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ways find the pages written in anonymous memory and in a
    /// private file mapping over its start, and neither finds a page only
    /// read (the shared zero page or the file's own page).
    #[test]
    fn both_ways_find_the_written_pages() {
        let page = crate::runtime::memory_image::host_page_size();
        let len = 64 * page;
        let file_backed = 16 * page;
        // SAFETY: a fresh private anonymous mapping, then a private
        // mapping of a memfd of `file_backed` bytes over its start; both
        // are unmapped at the end and used only here.
        let base = unsafe {
            let base = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(base, libc::MAP_FAILED);
            let fd = libc::memfd_create(c"written-pages-test".as_ptr(), 0);
            assert!(fd >= 0);
            assert_eq!(libc::ftruncate(fd, file_backed as libc::off_t), 0);
            let over = libc::mmap(
                base,
                file_backed,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_FIXED,
                fd,
                0,
            );
            assert_eq!(over, base);
            libc::close(fd);
            base.cast::<u8>()
        };
        // SAFETY: every offset lies in the mapping made above.
        unsafe {
            for p in [1, 2, 3, 9] {
                std::ptr::read_volatile(base.add(p * page)); // file pages, read
            }
            for p in [20, 40, 41] {
                std::ptr::read_volatile(base.add(p * page)); // zero pages, read
            }
            for p in [2, 5, 15, 16, 17, 30, 63] {
                std::ptr::write_volatile(base.add(p * page + 7), 1);
            }
        }
        let want = vec![2..3, 5..6, 15..18, 30..31, 63..64];
        // The entries also list the zero pages read.
        assert_eq!(
            read_entries(base, len, page),
            Some(vec![2..3, 5..6, 15..18, 20..21, 30..31, 40..42, 63..64])
        );
        // The ioctl is Linux 6.7's: skipped (and said so) on older kernels.
        match scan(base, len, file_backed, page) {
            Some(found) => assert_eq!(found, want),
            None => eprintln!("PAGEMAP_SCAN unavailable: only the page map read was checked"),
        }
        let found = find(base, len, file_backed, page).unwrap();
        assert!(want
            .into_iter()
            .flatten()
            .all(|p| found.iter().any(|r| r.contains(&p))));
        // SAFETY: the mapping made above, no longer used.
        unsafe { libc::munmap(base.cast(), len) };
    }
}

//! Bounds-checked access to the guest's linear memory.
//!
//! Every pointer a guest passes is an untrusted 32-bit offset: each access
//! checks `ptr + len` against the memory's current size and answers
//! `Errno::FAULT` when it does not fit, so a bad pointer is a WASI error
//! for the guest, never a host crash. Values are little-endian and need no
//! alignment (WASI allows unaligned structures).

use super::errno::{Errno, WasiResult};
use super::sys;
use std::os::fd::BorrowedFd;

/// The most bytes one read or write call moves (see [`GuestMem::iovecs`]).
pub const MAX_TRANSFER: usize = 64 << 20;
/// The most non-empty vectors one read or write call uses (Linux's
/// `UIO_MAXIOV`).
pub const MAX_IOVECS: usize = 1024;

/// The bytes `iovecs` (from [`GuestMem::iovecs`]) hold together.
pub fn total_len(iovecs: &[(u32, u32)]) -> usize {
    iovecs.iter().map(|&(_, len)| len as usize).sum()
}

/// A view of the calling instance's memory for the duration of one call.
/// A module without an exported memory gets an empty view, where every
/// access faults.
pub struct GuestMem<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMem<'a> {
    pub fn new(bytes: &'a mut [u8]) -> GuestMem<'a> {
        GuestMem { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> WasiResult<std::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::FAULT)?;
        if end > self.bytes.len() {
            return Err(Errno::FAULT);
        }
        Ok(start..end)
    }

    pub fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let r = self.range(ptr, len)?;
        Ok(&self.bytes[r])
    }

    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.bytes[r])
    }

    /// A UTF-8 string (paths); invalid UTF-8 is `ILSEQ`.
    pub fn str(&self, ptr: u32, len: u32) -> WasiResult<&str> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::ILSEQ)
    }

    pub fn write(&mut self, ptr: u32, data: &[u8]) -> WasiResult {
        let len = u32::try_from(data.len()).map_err(|_| Errno::FAULT)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    fn read_array<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.slice(ptr, N as u32)?);
        Ok(out)
    }

    pub fn read_u8(&self, ptr: u32) -> WasiResult<u8> {
        Ok(self.read_array::<1>(ptr)?[0])
    }

    pub fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        Ok(u16::from_le_bytes(self.read_array(ptr)?))
    }

    pub fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        Ok(u32::from_le_bytes(self.read_array(ptr)?))
    }

    pub fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        Ok(u64::from_le_bytes(self.read_array(ptr)?))
    }

    pub fn write_u8(&mut self, ptr: u32, v: u8) -> WasiResult {
        self.write(ptr, &[v])
    }

    pub fn write_u16(&mut self, ptr: u32, v: u16) -> WasiResult {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u32(&mut self, ptr: u32, v: u32) -> WasiResult {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, v: u64) -> WasiResult {
        self.write(ptr, &v.to_le_bytes())
    }

    /// The `(buf, buf_len)` pairs of an `iovec`/`ciovec` array that one
    /// read or write moves, after checking that every vector lies inside
    /// memory. A guest's vectors may name its whole memory many times
    /// over, so the transfer is bounded as a short read or write (which
    /// POSIX allows; the caller is told the count): empty vectors are
    /// left out, and so is everything past [`MAX_IOVECS`] vectors or
    /// [`MAX_TRANSFER`] bytes.
    pub fn iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<(u32, u32)>> {
        let bytes = count.checked_mul(8).ok_or(Errno::FAULT)?;
        self.range(ptr, bytes)?;
        let mut out = Vec::new();
        let mut total = 0usize;
        for i in 0..count {
            let buf = self.read_u32(ptr + i * 8)?;
            let len = self.read_u32(ptr + i * 8 + 4)?;
            self.range(buf, len)?;
            let room = MAX_TRANSFER - total;
            if len == 0 || room == 0 || out.len() == MAX_IOVECS {
                continue;
            }
            let take = (len as usize).min(room);
            out.push((buf, take as u32));
            total += take;
        }
        Ok(out)
    }

    /// `iovecs` (from [`iovecs`](Self::iovecs)) as the host's `iovec`s
    /// over this memory, each checked again to lie inside it.
    fn host_vectors(&self, iovecs: &[(u32, u32)]) -> WasiResult<Vec<libc::iovec>> {
        let base = self.bytes.as_ptr().cast_mut();
        iovecs
            .iter()
            .map(|&(buf, len)| {
                let r = self.range(buf, len)?;
                Ok(libc::iovec {
                    iov_base: base.wrapping_add(r.start).cast(),
                    iov_len: r.len(),
                })
            })
            .collect()
    }

    /// Reads host descriptor `fd` straight into `iovecs` (from
    /// [`iovecs`](Self::iovecs)), at `offset` or, with `None`, at its
    /// position: one `readv`/`preadv`, no host buffer between.
    pub fn read_from(
        &mut self,
        fd: BorrowedFd<'_>,
        iovecs: &[(u32, u32)],
        offset: Option<u64>,
    ) -> WasiResult<usize> {
        let vectors = self.host_vectors(iovecs)?;
        // SAFETY: each vector lies inside `self.bytes` (checked above),
        // which `&mut self` keeps from any other use until the call ends.
        unsafe { sys::transfer_vectored(fd, &vectors, offset, sys::Direction::Read) }
    }

    /// Writes `iovecs` (from [`iovecs`](Self::iovecs)) straight from
    /// memory to host descriptor `fd`, at `offset` or, with `None`, at its
    /// position: one `writev`/`pwritev`.
    pub fn write_to(
        &self,
        fd: BorrowedFd<'_>,
        iovecs: &[(u32, u32)],
        offset: Option<u64>,
    ) -> WasiResult<usize> {
        let vectors = self.host_vectors(iovecs)?;
        // SAFETY: each vector lies inside `self.bytes` (checked above),
        // which `&self` keeps from being written until the call ends.
        unsafe { sys::transfer_vectored(fd, &vectors, offset, sys::Direction::Write) }
    }

    /// The bytes of all `iovecs`, concatenated (what one write sends).
    pub fn gather(&self, iovecs: &[(u32, u32)]) -> WasiResult<Vec<u8>> {
        let mut out = Vec::new();
        for &(buf, len) in iovecs {
            out.extend_from_slice(self.slice(buf, len)?);
        }
        Ok(out)
    }

    /// Spreads `data` over `iovecs` in order (what one read fills).
    pub fn scatter(&mut self, iovecs: &[(u32, u32)], mut data: &[u8]) -> WasiResult {
        for &(buf, len) in iovecs {
            if data.is_empty() {
                break;
            }
            let n = (len as usize).min(data.len());
            self.slice_mut(buf, n as u32)?.copy_from_slice(&data[..n]);
            data = &data[n..];
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_is_fault() {
        let mut bytes = vec![0u8; 16];
        let mut m = GuestMem::new(&mut bytes);
        assert_eq!(m.write_u32(12, 7), Ok(()));
        assert_eq!(m.read_u32(12), Ok(7));
        assert_eq!(m.write_u32(13, 7), Err(Errno::FAULT));
        assert_eq!(m.read_u64(u32::MAX), Err(Errno::FAULT));
        assert_eq!(m.slice(16, 0).map(|s| s.len()), Ok(0));
        assert_eq!(m.slice(17, 0).map(|s| s.len()), Err(Errno::FAULT));
        assert_eq!(m.iovecs(0, u32::MAX), Err(Errno::FAULT));
        // An iovec whose buffer lies outside memory.
        m.write_u32(0, 8).unwrap();
        m.write_u32(4, 100).unwrap();
        assert_eq!(m.iovecs(0, 1), Err(Errno::FAULT));
    }

    /// Vectors naming the whole memory many times over move at most
    /// `MAX_TRANSFER` bytes through at most `MAX_IOVECS` vectors, and a
    /// bad vector past those limits is still a fault.
    #[test]
    fn transfers_are_bounded() {
        let mut bytes = vec![0u8; 1 << 20];
        let mut m = GuestMem::new(&mut bytes);
        let vectors = |m: &mut GuestMem<'_>, count: u32, len: &dyn Fn(u32) -> u32| {
            for i in 0..count {
                m.write_u32(i * 8, 0).unwrap();
                m.write_u32(i * 8 + 4, len(i)).unwrap();
            }
        };
        // 100 vectors of the whole 1 MiB memory: 64 of them fill a transfer.
        vectors(&mut m, 100, &|_| 1 << 20);
        let iovs = m.iovecs(0, 100).unwrap();
        assert_eq!((iovs.len(), total_len(&iovs)), (64, MAX_TRANSFER));
        // Empty vectors are left out.
        vectors(&mut m, 2000, &|i| i % 2);
        let iovs = m.iovecs(0, 2000).unwrap();
        assert_eq!((iovs.len(), total_len(&iovs)), (1000, 1000));
        // No more than 1,024 vectors.
        vectors(&mut m, 2000, &|_| 1);
        assert_eq!(m.iovecs(0, 2000).unwrap().len(), MAX_IOVECS);
        // A bad vector past the limits is still a fault.
        m.write_u32(2000 * 8, 1 << 20).unwrap();
        m.write_u32(2000 * 8 + 4, 1).unwrap();
        assert_eq!(m.iovecs(0, 2001), Err(Errno::FAULT));
    }

    /// Vectored reads and writes go straight between a host file and the
    /// vectors, in order, at an offset or at the file's position.
    #[test]
    fn reads_and_writes_vectors_in_place() {
        use std::io::{Seek, SeekFrom};
        use std::os::fd::AsFd;
        let path = std::env::temp_dir().join(format!("wasmrt-mem-{}", std::process::id()));
        std::fs::write(&path, b"hello, vectors").unwrap();
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let mut bytes = vec![0u8; 256];
        let mut m = GuestMem::new(&mut bytes);
        // Two vectors, the second before the first in memory.
        let iovs = [(100, 5), (10, 9)];
        assert_eq!(m.read_from(f.as_fd(), &iovs, Some(0)), Ok(14));
        assert_eq!(m.slice(100, 5), Ok(&b"hello"[..]));
        assert_eq!(m.slice(10, 9), Ok(&b", vectors"[..]));
        // At the position, which the read moves.
        f.seek(SeekFrom::Start(7)).unwrap();
        assert_eq!(m.read_from(f.as_fd(), &[(200, 3)], None), Ok(3));
        assert_eq!(m.slice(200, 3), Ok(&b"vec"[..]));
        assert_eq!(m.read_from(f.as_fd(), &[(200, 3)], None), Ok(3));
        assert_eq!(m.slice(200, 3), Ok(&b"tor"[..]));
        // Written back swapped at 0 (the position stays 13), then one
        // byte at the position.
        assert_eq!(m.write_to(f.as_fd(), &[(10, 9), (100, 5)], Some(0)), Ok(14));
        assert_eq!(m.write_to(f.as_fd(), &[(200, 1)], None), Ok(1));
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b", vectorshellt");
        // Vectors outside memory are refused, not followed.
        let f = std::fs::File::open(&path).unwrap();
        assert_eq!(
            m.read_from(f.as_fd(), &[(250, 10)], Some(0)),
            Err(Errno::FAULT)
        );
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn empty_memory_faults() {
        let mut none: [u8; 0] = [];
        let m = GuestMem::new(&mut none);
        assert_eq!(m.read_u8(0), Err(Errno::FAULT));
    }
}

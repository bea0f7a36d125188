//! The `fd_*` functions: operations on open descriptors.

use super::args::{u32_arg, u64_arg};
use super::ctx::{FdKind, WasiCtx};
use super::errno::{Errno, WasiResult};
use super::mem::{self, GuestMem};
use super::sys::{self, SetTime};
use super::types::{encode_filestat, fdflags, filetype, filetype_of_dt, fstflags, rights};
use crate::engine::Val;
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::AsFd;

pub fn fd_advise(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_ADVISE)?;
    let advice = match u32_arg(a, 3) {
        0 => libc::POSIX_FADV_NORMAL,
        1 => libc::POSIX_FADV_SEQUENTIAL,
        2 => libc::POSIX_FADV_RANDOM,
        3 => libc::POSIX_FADV_WILLNEED,
        4 => libc::POSIX_FADV_DONTNEED,
        5 => libc::POSIX_FADV_NOREUSE,
        _ => return Err(Errno::INVAL),
    };
    match e.host() {
        Some(f) if e.filetype == filetype::REGULAR_FILE => sys::fadvise(
            f.as_fd(),
            u64_arg(a, 1) as i64,
            u64_arg(a, 2) as i64,
            advice,
        ),
        // Advice is only a hint; nothing to do for streams.
        _ => Ok(()),
    }
}

pub fn fd_allocate(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_ALLOCATE)?;
    let (off, len) = (u64_arg(a, 1), u64_arg(a, 2));
    let end = off.checked_add(len).ok_or(Errno::FBIG)?;
    if end > i64::MAX as u64 {
        return Err(Errno::FBIG);
    }
    match e.host() {
        Some(f) if e.filetype == filetype::REGULAR_FILE => {
            match sys::fallocate(f.as_fd(), off as i64, len as i64) {
                // Filesystems without fallocate: extend the file instead.
                Err(Errno::NOTSUP) => {
                    if f.metadata()?.len() < end {
                        f.set_len(end)?;
                    }
                    Ok(())
                }
                r => r,
            }
        }
        Some(_) => Err(Errno::BADF),
        None => Err(Errno::BADF),
    }
}

pub fn fd_close(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    cx.fds.remove(&u32_arg(a, 0)).ok_or(Errno::BADF)?;
    Ok(())
}

pub fn fd_datasync(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_DATASYNC)?;
    match e.host() {
        Some(f) => f.sync_data().map_err(Errno::from),
        None => Ok(()),
    }
}

pub fn fd_sync(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_SYNC)?;
    match e.host() {
        Some(f) => f.sync_all().map_err(Errno::from),
        None => Ok(()),
    }
}

fn host_fdflags(fl: i32) -> u16 {
    let mut out = 0;
    if fl & libc::O_APPEND != 0 {
        out |= fdflags::APPEND;
    }
    if fl & libc::O_NONBLOCK != 0 {
        out |= fdflags::NONBLOCK;
    }
    if fl & libc::O_SYNC == libc::O_SYNC {
        out |= fdflags::SYNC | fdflags::RSYNC;
    } else if fl & libc::O_DSYNC != 0 {
        out |= fdflags::DSYNC;
    }
    out
}

pub fn fd_fdstat_get(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), 0)?;
    let flags = match e.host() {
        Some(f) => host_fdflags(sys::get_fl(f.as_fd())?),
        None => e.flags,
    };
    let mut b = [0u8; 24];
    b[0] = e.filetype;
    b[2..4].copy_from_slice(&flags.to_le_bytes());
    b[8..16].copy_from_slice(&e.rights_base.to_le_bytes());
    b[16..24].copy_from_slice(&e.rights_inheriting.to_le_bytes());
    mem.write(u32_arg(a, 1), &b)
}

/// Only `append` and `nonblock` can change on an open descriptor (as on
/// Linux); asking for the sync flags is `NOTSUP`.
pub fn fd_fdstat_set_flags(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get_mut(u32_arg(a, 0), rights::FD_FDSTAT_SET_FLAGS)?;
    let want = u32_arg(a, 1);
    if want > u16::MAX as u32 {
        return Err(Errno::INVAL);
    }
    let want = want as u16;
    if want & !(fdflags::APPEND | fdflags::NONBLOCK) != 0 {
        return Err(Errno::NOTSUP);
    }
    match &e.kind {
        FdKind::Host(f) => {
            let mut fl = sys::get_fl(f.as_fd())?;
            fl &= !(libc::O_APPEND | libc::O_NONBLOCK);
            if want & fdflags::APPEND != 0 {
                fl |= libc::O_APPEND;
            }
            if want & fdflags::NONBLOCK != 0 {
                fl |= libc::O_NONBLOCK;
            }
            sys::set_fl(f.as_fd(), fl)
        }
        _ => {
            e.flags = want;
            Ok(())
        }
    }
}

/// Rights can only be dropped, never gained.
pub fn fd_fdstat_set_rights(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get_mut(u32_arg(a, 0), 0)?;
    let (base, inh) = (u64_arg(a, 1), u64_arg(a, 2));
    if base & !e.rights_base != 0 || inh & !e.rights_inheriting != 0 {
        return Err(Errno::NOTCAPABLE);
    }
    e.rights_base = base;
    e.rights_inheriting = inh;
    Ok(())
}

pub fn fd_filestat_get(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_FILESTAT_GET)?;
    let b = match e.host() {
        Some(f) => encode_filestat(&f.metadata()?),
        None => {
            let mut b = [0u8; 64];
            b[16] = e.filetype;
            b[24] = 1;
            b
        }
    };
    mem.write(u32_arg(a, 1), &b)
}

pub fn fd_filestat_set_size(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_FILESTAT_SET_SIZE)?;
    let size = u64_arg(a, 1);
    if size > i64::MAX as u64 {
        return Err(Errno::FBIG);
    }
    match e.host() {
        Some(f) => f.set_len(size).map_err(Errno::from),
        None => Err(Errno::INVAL),
    }
}

/// Decodes the `fstflags` pair of timestamps; `now` and a value for the
/// same timestamp together are `INVAL`.
pub(crate) fn set_times(atim: u64, mtim: u64, flags: u32) -> WasiResult<(SetTime, SetTime)> {
    let flags = u16::try_from(flags).map_err(|_| Errno::INVAL)?;
    let one = |value: u64, set: u16, now: u16| match (flags & set != 0, flags & now != 0) {
        (true, true) => Err(Errno::INVAL),
        (true, false) => Ok(SetTime::At(value)),
        (false, true) => Ok(SetTime::Now),
        (false, false) => Ok(SetTime::Omit),
    };
    Ok((
        one(atim, fstflags::ATIM, fstflags::ATIM_NOW)?,
        one(mtim, fstflags::MTIM, fstflags::MTIM_NOW)?,
    ))
}

pub fn fd_filestat_set_times(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_FILESTAT_SET_TIMES)?;
    let (at, mt) = set_times(u64_arg(a, 1), u64_arg(a, 2), u32_arg(a, 3))?;
    match e.host() {
        Some(f) => sys::set_times(f.as_fd(), None, at, mt),
        None => Err(Errno::INVAL),
    }
}

pub fn fd_pread(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_READ | rights::FD_SEEK)?;
    let iovs = mem.iovecs(u32_arg(a, 1), u32_arg(a, 2))?;
    let f = e.host().ok_or(Errno::SPIPE)?;
    let n = mem.read_from(f.as_fd(), &iovs, Some(u64_arg(a, 3)))?;
    mem.write_u32(u32_arg(a, 4), n as u32)
}

pub fn fd_pwrite(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_WRITE | rights::FD_SEEK)?;
    let iovs = mem.iovecs(u32_arg(a, 1), u32_arg(a, 2))?;
    let f = e.host().ok_or(Errno::SPIPE)?;
    let n = mem.write_to(f.as_fd(), &iovs, Some(u64_arg(a, 3)))?;
    mem.write_u32(u32_arg(a, 4), n as u32)
}

pub fn fd_prestat_get(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), 0)?;
    let name = e.preopen.as_ref().ok_or(Errno::BADF)?;
    let ptr = u32_arg(a, 1);
    let mut b = [0u8; 8];
    b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
    mem.write(ptr, &b)
}

pub fn fd_prestat_dir_name(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), 0)?;
    let name = e.preopen.as_ref().ok_or(Errno::BADF)?;
    if (u32_arg(a, 2) as usize) < name.len() {
        return Err(Errno::NAMETOOLONG);
    }
    mem.write(u32_arg(a, 1), name.as_bytes())
}

pub fn fd_read(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get_mut(u32_arg(a, 0), rights::FD_READ)?;
    let iovs = mem.iovecs(u32_arg(a, 1), u32_arg(a, 2))?;
    let n = match &mut e.kind {
        FdKind::Host(f) => mem.read_from(f.as_fd(), &iovs, None)?,
        FdKind::Bytes(c) => {
            let mut buf = vec![0u8; mem::total_len(&iovs)];
            let n = c.read(&mut buf)?;
            mem.scatter(&iovs, &buf[..n])?;
            n
        }
        FdKind::Null => 0,
        FdKind::Buffer(_) => return Err(Errno::BADF),
    };
    mem.write_u32(u32_arg(a, 3), n as u32)
}

pub fn fd_write(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get_mut(u32_arg(a, 0), rights::FD_WRITE)?;
    let iovs = mem.iovecs(u32_arg(a, 1), u32_arg(a, 2))?;
    let n = match &mut e.kind {
        FdKind::Host(f) => mem.write_to(f.as_fd(), &iovs, None)?,
        FdKind::Buffer(b) => {
            let data = mem.gather(&iovs)?;
            b.lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(&data);
            data.len()
        }
        FdKind::Null => mem::total_len(&iovs),
        FdKind::Bytes(_) => return Err(Errno::BADF),
    };
    mem.write_u32(u32_arg(a, 3), n as u32)
}

/// Fills the buffer with `dirent`s (24-byte header, then the name) from
/// entry number `cookie` on; the last entry may be cut off, which tells
/// the guest the buffer was too small (preview 1 semantics).
pub fn fd_readdir(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get_mut(u32_arg(a, 0), rights::FD_READDIR)?;
    let (buf, buf_len, cookie) = (u32_arg(a, 1), u32_arg(a, 2), u64_arg(a, 3));
    mem.slice(buf, buf_len)?;
    // Cookie 0 starts a walk (rewinddir) and sees the directory as it is
    // now; later cookies continue the listing read then (entries made or
    // removed since may or may not appear, as POSIX allows readdir).
    // Reading the directory again at every call made a walk quadratic.
    if cookie == 0 || e.listing.is_none() {
        let fresh = sys::read_dir(e.dir()?)?;
        e.listing = Some(fresh);
    }
    let entries = e.listing.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    for (i, ent) in entries
        .iter()
        .enumerate()
        .skip(cookie.min(usize::MAX as u64) as usize)
    {
        if out.len() >= buf_len as usize {
            break;
        }
        out.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        out.extend_from_slice(&ent.ino.to_le_bytes());
        out.extend_from_slice(&(ent.name.len() as u32).to_le_bytes());
        out.push(filetype_of_dt(ent.d_type));
        out.extend_from_slice(&[0, 0, 0]);
        out.extend_from_slice(&ent.name);
    }
    out.truncate(buf_len as usize);
    mem.write(buf, &out)?;
    mem.write_u32(u32_arg(a, 4), out.len() as u32)
}

/// Moves descriptor `from` to number `to`, closing what `to` was.
pub fn fd_renumber(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let (from, to) = (u32_arg(a, 0), u32_arg(a, 1));
    if !cx.fds.contains_key(&from) || !cx.fds.contains_key(&to) {
        return Err(Errno::BADF);
    }
    if from != to {
        let e = cx.fds.remove(&from).ok_or(Errno::BADF)?;
        cx.fds.insert(to, e);
    }
    Ok(())
}

pub fn fd_seek(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let (off, whence) = (u64_arg(a, 1) as i64, u32_arg(a, 2));
    // Asking for the position only needs the right to tell.
    let needed = if off == 0 && whence == 1 {
        rights::FD_TELL
    } else {
        rights::FD_SEEK
    };
    let e = cx.get(u32_arg(a, 0), needed)?;
    let pos = match whence {
        0 => SeekFrom::Start(u64::try_from(off).map_err(|_| Errno::INVAL)?),
        1 => SeekFrom::Current(off),
        2 => SeekFrom::End(off),
        _ => return Err(Errno::INVAL),
    };
    let mut f = e.host().ok_or(Errno::SPIPE)?;
    let new = f.seek(pos)?;
    mem.write_u64(u32_arg(a, 3), new)
}

pub fn fd_tell(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let e = cx.get(u32_arg(a, 0), rights::FD_TELL)?;
    let mut f = e.host().ok_or(Errno::SPIPE)?;
    let pos = f.stream_position()?;
    mem.write_u64(u32_arg(a, 1), pos)
}

//! Thin, safe wrappers over the host system calls WASI needs and `std`
//! does not offer (the `*at` family relative to a directory handle,
//! `ppoll`, clocks, `getrandom`). Each returns a WASI errno on failure;
//! every `unsafe` block is a single libc call with its preconditions
//! stated beside it.

use super::errno::{Errno, WasiResult};
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

fn cstr(name: &str) -> WasiResult<CString> {
    // A NUL inside a path cannot be passed to the host.
    CString::new(name).map_err(|_| Errno::INVAL)
}

fn check(ret: libc::c_int) -> WasiResult<libc::c_int> {
    if ret < 0 {
        Err(Errno::last())
    } else {
        Ok(ret)
    }
}

/// `openat(dir, name, flags | O_CLOEXEC, mode)`.
pub fn openat(dir: BorrowedFd<'_>, name: &str, flags: i32, mode: u32) -> WasiResult<OwnedFd> {
    let c = cstr(name)?;
    // SAFETY: `c` is a NUL-terminated string alive across the call and
    // `dir` a live descriptor; openat has no other preconditions.
    let fd = check(unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c.as_ptr(),
            flags | libc::O_CLOEXEC,
            mode as libc::c_uint,
        )
    })?;
    // SAFETY: openat returned a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `struct open_how` of openat2(2).
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

const RESOLVE_NO_MAGICLINKS: u64 = 0x02;
const RESOLVE_BENEATH: u64 = 0x08;

/// `openat2(dir, path, flags, mode, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`:
/// the kernel resolves the whole of `path` and refuses (`EXDEV`) any step
/// that would leave `dir`, by `..`, an absolute path or a symlink. `None`
/// when the kernel lacks openat2 (before Linux 5.6, or filtered by a
/// seccomp policy), so the caller falls back to resolving by hand.
pub fn openat2_beneath(
    dir: BorrowedFd<'_>,
    path: &str,
    flags: i32,
    mode: u32,
) -> Option<WasiResult<OwnedFd>> {
    let c = match cstr(path) {
        Ok(c) => c,
        Err(e) => return Some(Err(e)),
    };
    let how = OpenHow {
        flags: (flags | libc::O_CLOEXEC) as u32 as u64,
        // O_TMPFILE includes the O_DIRECTORY bit: test it as a whole.
        mode: if flags & libc::O_CREAT != 0 || flags & libc::O_TMPFILE == libc::O_TMPFILE {
            mode as u64
        } else {
            0
        },
        resolve: RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    // SAFETY: `c` is NUL-terminated and `how` a properly laid out
    // `open_how` whose size is passed; both outlive the call.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            dir.as_raw_fd(),
            c.as_ptr(),
            &how as *const OpenHow,
            std::mem::size_of::<OpenHow>(),
        )
    };
    if ret < 0 {
        let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        return match e {
            libc::ENOSYS => None,
            // Escaping the directory: a capability the guest lacks.
            libc::EXDEV => Some(Err(Errno::NOTCAPABLE)),
            // EAGAIN comes from a concurrent rename race; resolve by hand.
            libc::EAGAIN => None,
            _ => Some(Err(Errno::from_host(e))),
        };
    }
    // SAFETY: a fresh descriptor returned by the kernel, owned by no one.
    Some(Ok(unsafe { OwnedFd::from_raw_fd(ret as i32) }))
}

pub fn mkdirat(dir: BorrowedFd<'_>, name: &str) -> WasiResult {
    let c = cstr(name)?;
    // SAFETY: NUL-terminated name, live descriptor.
    check(unsafe { libc::mkdirat(dir.as_raw_fd(), c.as_ptr(), 0o777) })?;
    Ok(())
}

pub fn unlinkat(dir: BorrowedFd<'_>, name: &str, remove_dir: bool) -> WasiResult {
    let c = cstr(name)?;
    let flags = if remove_dir { libc::AT_REMOVEDIR } else { 0 };
    // SAFETY: NUL-terminated name, live descriptor.
    check(unsafe { libc::unlinkat(dir.as_raw_fd(), c.as_ptr(), flags) })?;
    Ok(())
}

pub fn renameat(od: BorrowedFd<'_>, old: &str, nd: BorrowedFd<'_>, new: &str) -> WasiResult {
    let (o, n) = (cstr(old)?, cstr(new)?);
    // SAFETY: NUL-terminated names, live descriptors.
    check(unsafe { libc::renameat(od.as_raw_fd(), o.as_ptr(), nd.as_raw_fd(), n.as_ptr()) })?;
    Ok(())
}

/// `linkat` without `AT_SYMLINK_FOLLOW`: a symlink is linked as itself,
/// never as what it points to (the caller resolves symlinks beneath the
/// sandbox when the guest asks to follow them).
pub fn linkat(od: BorrowedFd<'_>, old: &str, nd: BorrowedFd<'_>, new: &str) -> WasiResult {
    let (o, n) = (cstr(old)?, cstr(new)?);
    // SAFETY: NUL-terminated names, live descriptors.
    check(unsafe { libc::linkat(od.as_raw_fd(), o.as_ptr(), nd.as_raw_fd(), n.as_ptr(), 0) })?;
    Ok(())
}

pub fn symlinkat(target: &str, dir: BorrowedFd<'_>, name: &str) -> WasiResult {
    let (t, n) = (cstr(target)?, cstr(name)?);
    // SAFETY: NUL-terminated strings, live descriptor.
    check(unsafe { libc::symlinkat(t.as_ptr(), dir.as_raw_fd(), n.as_ptr()) })?;
    Ok(())
}

/// The target of symlink `name` in `dir` (`EINVAL` if it is no symlink).
pub fn readlinkat(dir: BorrowedFd<'_>, name: &str) -> WasiResult<Vec<u8>> {
    let c = cstr(name)?;
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: `buf` is writable for `buf.len()` bytes; NUL-terminated
        // name; live descriptor.
        let n = unsafe {
            libc::readlinkat(
                dir.as_raw_fd(),
                c.as_ptr(),
                buf.as_mut_ptr() as *mut libc::c_char,
                buf.len(),
            )
        };
        if n < 0 {
            return Err(Errno::last());
        }
        let n = n as usize;
        if n < buf.len() {
            buf.truncate(n);
            return Ok(buf);
        }
        if buf.len() >= 1 << 16 {
            return Err(Errno::NAMETOOLONG);
        }
        buf.resize(buf.len() * 2, 0);
    }
}

/// A timestamp for `utimensat`: leave, set to now, or set to `ns`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SetTime {
    Omit,
    Now,
    At(u64),
}

fn timespec(t: SetTime) -> libc::timespec {
    match t {
        SetTime::Omit => libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_OMIT,
        },
        SetTime::Now => libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_NOW,
        },
        SetTime::At(ns) => libc::timespec {
            tv_sec: (ns / 1_000_000_000) as libc::time_t,
            tv_nsec: (ns % 1_000_000_000) as libc::c_long,
        },
    }
}

/// Sets the times of `name` in `dir` (of the symlink itself, never of
/// what it points to), or of `dir` itself when `name` is `None`.
pub fn set_times(
    dir: BorrowedFd<'_>,
    name: Option<&str>,
    atim: SetTime,
    mtim: SetTime,
) -> WasiResult {
    let times = [timespec(atim), timespec(mtim)];
    match name {
        Some(name) => {
            let c = cstr(name)?;
            // SAFETY: `times` holds two timespecs; NUL-terminated name;
            // live descriptor.
            check(unsafe {
                libc::utimensat(
                    dir.as_raw_fd(),
                    c.as_ptr(),
                    times.as_ptr(),
                    libc::AT_SYMLINK_NOFOLLOW,
                )
            })?;
        }
        None => {
            // SAFETY: `times` holds two timespecs; live descriptor.
            check(unsafe { libc::futimens(dir.as_raw_fd(), times.as_ptr()) })?;
        }
    }
    Ok(())
}

/// One directory entry as the host reports it.
pub struct HostDirEntry {
    pub ino: u64,
    /// `DT_*` type from the host.
    pub d_type: u8,
    pub name: Vec<u8>,
}

/// All entries of directory `dir`, in the host's order, `.` and `..`
/// included. Reads through a duplicate descriptor rewound to the start,
/// so `dir` itself is untouched and each call sees the current contents.
pub fn read_dir(dir: BorrowedFd<'_>) -> WasiResult<Vec<HostDirEntry>> {
    let dup = dir.try_clone_to_owned().map_err(Errno::from)?;
    // Reopen "." so the stream has a read offset of its own: a dup shares
    // the offset with `dir`, which would make concurrent readers interfere.
    let own = openat(dup.as_fd(), ".", libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
    let raw = std::os::fd::IntoRawFd::into_raw_fd(own);
    // SAFETY: `raw` is an open directory descriptor we own; on success the
    // DIR stream takes ownership of it (closedir closes it).
    let d = unsafe { libc::fdopendir(raw) };
    if d.is_null() {
        let e = Errno::last();
        // SAFETY: fdopendir failed, so `raw` is still ours to close.
        unsafe { libc::close(raw) };
        return Err(e);
    }
    let mut out = Vec::new();
    loop {
        // SAFETY: `d` is a live DIR stream used by this thread only.
        let ent = unsafe { libc::readdir64(d) };
        if ent.is_null() {
            break;
        }
        // SAFETY: readdir returned a valid entry that stays valid until
        // the next readdir/closedir on `d`; d_name is NUL-terminated.
        let (ino, d_type, name) = unsafe {
            let e = &*ent;
            (
                e.d_ino,
                e.d_type,
                CStr::from_ptr(e.d_name.as_ptr()).to_bytes().to_vec(),
            )
        };
        out.push(HostDirEntry { ino, d_type, name });
    }
    // SAFETY: `d` is a live DIR stream, closed exactly once.
    unsafe { libc::closedir(d) };
    Ok(out)
}

use std::os::fd::AsFd;

/// `ppoll` over `fds` with an optional timeout; returns how many are ready.
pub fn ppoll(fds: &mut [libc::pollfd], timeout: Option<std::time::Duration>) -> WasiResult<usize> {
    let ts = timeout.map(|d| libc::timespec {
        tv_sec: d.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    });
    let tp = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `fds` is a valid array of `fds.len()` pollfds; `tp` is null
    // or points at a timespec alive across the call; no signal mask.
    let n = unsafe {
        libc::ppoll(
            fds.as_mut_ptr(),
            fds.len() as libc::nfds_t,
            tp,
            std::ptr::null(),
        )
    };
    if n < 0 {
        let e = Errno::last();
        if e == Errno::INTR {
            return Ok(0);
        }
        return Err(e);
    }
    Ok(n as usize)
}

pub fn fallocate(fd: BorrowedFd<'_>, offset: i64, len: i64) -> WasiResult {
    // SAFETY: a live descriptor; plain integer arguments.
    let e = unsafe { libc::posix_fallocate(fd.as_raw_fd(), offset, len) };
    if e != 0 {
        return Err(Errno::from_host(e));
    }
    Ok(())
}

pub fn fadvise(fd: BorrowedFd<'_>, offset: i64, len: i64, advice: i32) -> WasiResult {
    // SAFETY: a live descriptor; plain integer arguments.
    let e = unsafe { libc::posix_fadvise(fd.as_raw_fd(), offset, len, advice) };
    if e != 0 {
        return Err(Errno::from_host(e));
    }
    Ok(())
}

/// The descriptor's status flags (`F_GETFL`).
pub fn get_fl(fd: BorrowedFd<'_>) -> WasiResult<i32> {
    // SAFETY: F_GETFL on a live descriptor takes no further argument.
    check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })
}

pub fn set_fl(fd: BorrowedFd<'_>, flags: i32) -> WasiResult {
    // SAFETY: F_SETFL on a live descriptor with an int argument.
    check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags) })?;
    Ok(())
}

fn clock(id: u32) -> WasiResult<libc::clockid_t> {
    Ok(match id {
        0 => libc::CLOCK_REALTIME,
        1 => libc::CLOCK_MONOTONIC,
        2 => libc::CLOCK_PROCESS_CPUTIME_ID,
        3 => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return Err(Errno::INVAL),
    })
}

fn ns(t: libc::timespec) -> u64 {
    (t.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(t.tv_nsec as u64)
}

/// The time of WASI clock `id` in nanoseconds.
pub fn clock_time(id: u32) -> WasiResult<u64> {
    let c = clock(id)?;
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a writable timespec.
    check(unsafe { libc::clock_gettime(c, &mut t) })?;
    Ok(ns(t))
}

/// The resolution of WASI clock `id` in nanoseconds.
pub fn clock_res(id: u32) -> WasiResult<u64> {
    let c = clock(id)?;
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a writable timespec.
    check(unsafe { libc::clock_getres(c, &mut t) })?;
    Ok(ns(t).max(1))
}

/// Fills `buf` from the host's CSPRNG.
pub fn random(buf: &mut [u8]) -> WasiResult {
    let mut done = 0;
    while done < buf.len() {
        let rest = &mut buf[done..];
        // SAFETY: `rest` is writable for `rest.len()` bytes.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr() as *mut libc::c_void, rest.len(), 0) };
        if n < 0 {
            let e = Errno::last();
            if e == Errno::INTR {
                continue;
            }
            return Err(e);
        }
        done += n as usize;
    }
    Ok(())
}

pub fn sched_yield() {
    // SAFETY: no arguments, no preconditions.
    unsafe { libc::sched_yield() };
}

/// Which way [`transfer_vectored`] moves bytes.
#[derive(Clone, Copy)]
pub enum Direction {
    /// From the descriptor into the vectors.
    Read,
    /// From the vectors to the descriptor.
    Write,
}

/// One `readv`/`writev` (`offset` `None`: at the descriptor's position)
/// or `preadv`/`pwritev` over `vectors`, retried when a signal interrupts
/// it.
///
/// # Safety
/// Each vector is memory valid for its length in `direction` (writable
/// for a read), which nothing else reads or writes during the call.
pub unsafe fn transfer_vectored(
    fd: BorrowedFd<'_>,
    vectors: &[libc::iovec],
    offset: Option<u64>,
    direction: Direction,
) -> WasiResult<usize> {
    let count = libc::c_int::try_from(vectors.len()).map_err(|_| Errno::INVAL)?;
    let offset = offset
        .map(|o| libc::off_t::try_from(o).map_err(|_| Errno::INVAL))
        .transpose()?;
    let (fd, v) = (fd.as_raw_fd(), vectors.as_ptr());
    loop {
        // SAFETY: the vectors are valid for the transfer (caller's
        // contract) and `count` of them are alive across the call.
        let n = unsafe {
            match (direction, offset) {
                (Direction::Read, Some(at)) => libc::preadv(fd, v, count, at),
                (Direction::Read, None) => libc::readv(fd, v, count),
                (Direction::Write, Some(at)) => libc::pwritev(fd, v, count, at),
                (Direction::Write, None) => libc::writev(fd, v, count),
            }
        };
        match usize::try_from(n) {
            Ok(n) => return Ok(n),
            Err(_) if Errno::last() == Errno::INTR => continue,
            Err(_) => return Err(Errno::last()),
        }
    }
}

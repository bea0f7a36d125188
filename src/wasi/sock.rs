//! The `sock_*` functions of preview 1. Preview 1 has no way to create or
//! connect a socket: these work only on sockets the guest was given (for
//! example a stdin that is a socket, as under inetd). Any other
//! descriptor is `NOTSOCK`; an unknown one `BADF`.

use super::args::u32_arg;
use super::ctx::{FdEntry, FdKind, WasiCtx};
use super::errno::{Errno, WasiResult};
use super::mem::GuestMem;
use super::types::{filetype, rights};
use crate::engine::Val;
use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, FromRawFd};

fn socket(cx: &WasiCtx, fd: u32, needed: u64) -> WasiResult<&File> {
    let e = cx.get(fd, 0)?;
    match &e.kind {
        FdKind::Host(f)
            if e.filetype == filetype::SOCKET_STREAM || e.filetype == filetype::SOCKET_DGRAM =>
        {
            if e.rights_base & needed != needed {
                return Err(Errno::NOTCAPABLE);
            }
            Ok(f)
        }
        _ => Err(Errno::NOTSOCK),
    }
}

pub fn sock_accept(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let flags = u32_arg(a, 1);
    if flags & !(super::types::fdflags::NONBLOCK as u32) != 0 {
        return Err(Errno::INVAL);
    }
    let f = socket(cx, u32_arg(a, 0), rights::SOCK_ACCEPT)?;
    let mut host_flags = libc::SOCK_CLOEXEC;
    if flags != 0 {
        host_flags |= libc::SOCK_NONBLOCK;
    }
    // SAFETY: a live socket descriptor; null address pointers ask for no
    // peer address.
    let new = unsafe {
        libc::accept4(
            f.as_raw_fd(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            host_flags,
        )
    };
    if new < 0 {
        return Err(Errno::last());
    }
    // SAFETY: a fresh descriptor returned by accept4, owned by no one.
    let file = unsafe { File::from_raw_fd(new) };
    let fd = cx.insert(FdEntry {
        kind: FdKind::Host(file),
        filetype: filetype::SOCKET_STREAM,
        rights_base: rights::FD_READ
            | rights::FD_WRITE
            | rights::POLL_FD_READWRITE
            | rights::SOCK_SHUTDOWN
            | rights::FD_FILESTAT_GET
            | rights::FD_FDSTAT_SET_FLAGS,
        rights_inheriting: 0,
        preopen: None,
        flags: 0,
        listing: None,
    })?;
    mem.write_u32(u32_arg(a, 2), fd)
}

/// Receive flags (peek, waitall) are not supported: `NOTSUP`.
pub fn sock_recv(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let f = socket(cx, u32_arg(a, 0), rights::FD_READ)?;
    let iovs = mem.iovecs(u32_arg(a, 1), u32_arg(a, 2))?;
    if u32_arg(a, 3) != 0 {
        return Err(Errno::NOTSUP);
    }
    let n = mem.read_from(f.as_fd(), &iovs, None)?;
    mem.write_u32(u32_arg(a, 4), n as u32)?;
    mem.write_u16(u32_arg(a, 5), 0)
}

pub fn sock_send(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let f = socket(cx, u32_arg(a, 0), rights::FD_WRITE)?;
    let iovs = mem.iovecs(u32_arg(a, 1), u32_arg(a, 2))?;
    let n = mem.write_to(f.as_fd(), &iovs, None)?;
    mem.write_u32(u32_arg(a, 4), n as u32)
}

pub fn sock_shutdown(cx: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let f = socket(cx, u32_arg(a, 0), rights::SOCK_SHUTDOWN)?;
    let how = match u32_arg(a, 1) {
        1 => libc::SHUT_RD,
        2 => libc::SHUT_WR,
        3 => libc::SHUT_RDWR,
        _ => return Err(Errno::INVAL),
    };
    // SAFETY: a live socket descriptor and a valid `how`.
    if unsafe { libc::shutdown(f.as_raw_fd(), how) } < 0 {
        return Err(Errno::last());
    }
    Ok(())
}

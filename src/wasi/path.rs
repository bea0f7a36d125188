//! The `path_*` functions: operations on names beneath a directory
//! descriptor, all resolved through the sandbox (`sandbox.rs`).

use super::args::{u32_arg, u64_arg};
use super::ctx::{FdEntry, FdKind, WasiCtx};
use super::errno::{Errno, WasiResult};
use super::fd::set_times;
use super::mem::GuestMem;
use super::sandbox::{self, resolve, resolve_name};
use super::sys;
use super::types::{
    encode_filestat, fdflags, filetype, filetype_of, oflags, rights, LOOKUP_SYMLINK_FOLLOW,
};
use crate::engine::Val;
use std::fs::File;
use std::os::fd::AsFd;

thread_local! {
    /// Whether `path_open` tries `openat2(RESOLVE_BENEATH)` first. Tests
    /// turn it off (per thread, so tests running in parallel do not
    /// interfere) to exercise the manual resolution on kernels with openat2.
    pub(crate) static USE_OPENAT2: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

pub fn path_create_directory(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let dir = cx
        .get(u32_arg(a, 0), rights::PATH_CREATE_DIRECTORY)?
        .dir()?;
    let path = mem.str(u32_arg(a, 1), u32_arg(a, 2))?;
    let r = resolve_name(dir, path)?;
    sys::mkdirat(r.dir.as_fd(), &r.name_as_given())
}

pub fn path_filestat_get(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let dir = cx.get(u32_arg(a, 0), rights::PATH_FILESTAT_GET)?.dir()?;
    let follow = u32_arg(a, 1) & LOOKUP_SYMLINK_FOLLOW != 0;
    let path = mem.str(u32_arg(a, 2), u32_arg(a, 3))?;
    let md = sandbox::stat_beneath(dir, path, follow)?;
    mem.write(u32_arg(a, 4), &encode_filestat(&md))
}

pub fn path_filestat_set_times(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let dir = cx
        .get(u32_arg(a, 0), rights::PATH_FILESTAT_SET_TIMES)?
        .dir()?;
    let follow = u32_arg(a, 1) & LOOKUP_SYMLINK_FOLLOW != 0;
    let path = mem.str(u32_arg(a, 2), u32_arg(a, 3))?;
    let (at, mt) = set_times(u64_arg(a, 4), u64_arg(a, 5), u32_arg(a, 6))?;
    let r = resolve(dir, path, follow)?;
    r.require_dir_if_slashed()?;
    sys::set_times(r.dir.as_fd(), Some(&r.name), at, mt)
}

/// Links a name beneath `old_fd` to a new name beneath `new_fd`. Both are
/// resolved in the sandbox, so a link can only be made to a file the
/// guest can already reach.
pub fn path_link(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let old_dir = cx.get(u32_arg(a, 0), rights::PATH_LINK_SOURCE)?.dir()?;
    let follow = u32_arg(a, 1) & LOOKUP_SYMLINK_FOLLOW != 0;
    let old_path = mem.str(u32_arg(a, 2), u32_arg(a, 3))?;
    let new_dir = cx.get(u32_arg(a, 4), rights::PATH_LINK_TARGET)?.dir()?;
    let new_path = mem.str(u32_arg(a, 5), u32_arg(a, 6))?;
    let old = resolve(old_dir, old_path, follow)?;
    let new = resolve_name(new_dir, new_path)?;
    if old.trailing_slash {
        // `old/` names a directory, which cannot be hard-linked (the host
        // says `EPERM`), or is no directory (`ENOTDIR`).
        old.require_dir_if_slashed()?;
        return Err(Errno::PERM);
    }
    sys::linkat(
        old.dir.as_fd(),
        &old.name,
        new.dir.as_fd(),
        &new.name_as_given(),
    )
}

/// Opens (or creates) a file or directory beneath a directory descriptor.
/// The new descriptor's rights are those asked for, limited to what the
/// directory lets its children inherit.
pub fn path_open(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let fd = u32_arg(a, 0);
    let follow = u32_arg(a, 1) & LOOKUP_SYMLINK_FOLLOW != 0;
    let path = mem.str(u32_arg(a, 2), u32_arg(a, 3))?.to_string();
    let of = u32_arg(a, 4);
    let (base, inheriting) = (u64_arg(a, 5), u64_arg(a, 6));
    let ff = u32_arg(a, 7);
    let out = u32_arg(a, 8);
    if of > u16::MAX as u32 || ff > u16::MAX as u32 {
        return Err(Errno::INVAL);
    }
    let (of, ff) = (of as u16, ff as u16);
    let mut needed = rights::PATH_OPEN;
    if of & oflags::CREAT != 0 {
        needed |= rights::PATH_CREATE_FILE;
    }
    if of & oflags::TRUNC != 0 {
        needed |= rights::PATH_FILESTAT_SET_SIZE;
    }
    let parent = cx.get(fd, needed)?;
    let dir = parent.dir()?;
    let (base, inheriting) = (
        base & parent.rights_inheriting,
        inheriting & parent.rights_inheriting,
    );
    let mut flags = 0;
    if of & oflags::CREAT != 0 {
        flags |= libc::O_CREAT;
    }
    if of & oflags::EXCL != 0 {
        flags |= libc::O_EXCL;
    }
    if of & oflags::TRUNC != 0 {
        flags |= libc::O_TRUNC;
    }
    let read = base & (rights::FD_READ | rights::FD_READDIR) != 0;
    let write = base
        & (rights::FD_DATASYNC
            | rights::FD_WRITE
            | rights::FD_ALLOCATE
            | rights::FD_FILESTAT_SET_SIZE)
        != 0;
    if of & oflags::DIRECTORY != 0 {
        flags |= libc::O_DIRECTORY;
    }
    // A directory opened for writing is refused by the host (`EISDIR`),
    // with `O_DIRECTORY` or without.
    if write && read {
        flags |= libc::O_RDWR;
    } else if write {
        flags |= libc::O_WRONLY;
    } else {
        flags |= libc::O_RDONLY;
    }
    if ff & fdflags::APPEND != 0 {
        flags |= libc::O_APPEND;
    }
    if ff & fdflags::NONBLOCK != 0 {
        flags |= libc::O_NONBLOCK;
    }
    if ff & fdflags::DSYNC != 0 {
        flags |= libc::O_DSYNC;
    }
    if ff & (fdflags::SYNC | fdflags::RSYNC) != 0 {
        flags |= libc::O_SYNC;
    }
    let use_openat2 = USE_OPENAT2.with(|c| c.get());
    let host = sandbox::open_beneath(dir, &path, flags, 0o666, follow, use_openat2)?;
    let file = File::from(host);
    let ft = filetype_of(file.metadata()?.file_type());
    // Only the rights that mean something for what was opened (a
    // directory cannot be read or seeked as a file, nor a file have
    // children): a guest's `fd_fdstat_get` sees what it may really do.
    let base = if ft == filetype::DIRECTORY {
        base & rights::DIR
    } else {
        base & rights::FILE
    };
    let entry = FdEntry {
        kind: FdKind::Host(file),
        filetype: ft,
        rights_base: base,
        rights_inheriting: inheriting,
        preopen: None,
        flags: 0,
        listing: None,
    };
    let new = cx.insert(entry)?;
    if let Err(e) = mem.write_u32(out, new) {
        cx.fds.remove(&new);
        return Err(e);
    }
    Ok(())
}

pub fn path_readlink(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let dir = cx.get(u32_arg(a, 0), rights::PATH_READLINK)?.dir()?;
    let path = mem.str(u32_arg(a, 1), u32_arg(a, 2))?;
    let (buf, buf_len) = (u32_arg(a, 3), u32_arg(a, 4));
    let r = resolve(dir, path, false)?;
    r.require_dir_if_slashed()?;
    let target = sys::readlinkat(r.dir.as_fd(), &r.name)?;
    let n = target.len().min(buf_len as usize);
    mem.write(buf, &target[..n])?;
    mem.write_u32(u32_arg(a, 5), n as u32)
}

pub fn path_remove_directory(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let dir = cx
        .get(u32_arg(a, 0), rights::PATH_REMOVE_DIRECTORY)?
        .dir()?;
    let path = mem.str(u32_arg(a, 1), u32_arg(a, 2))?;
    let r = resolve_name(dir, path)?;
    sys::unlinkat(r.dir.as_fd(), &r.name_as_given(), true)
}

pub fn path_rename(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let old_dir = cx.get(u32_arg(a, 0), rights::PATH_RENAME_SOURCE)?.dir()?;
    let old_path = mem.str(u32_arg(a, 1), u32_arg(a, 2))?;
    let new_dir = cx.get(u32_arg(a, 3), rights::PATH_RENAME_TARGET)?.dir()?;
    let new_path = mem.str(u32_arg(a, 4), u32_arg(a, 5))?;
    let old = resolve_name(old_dir, old_path)?;
    let new = resolve_name(new_dir, new_path)?;
    sys::renameat(
        old.dir.as_fd(),
        &old.name_as_given(),
        new.dir.as_fd(),
        &new.name_as_given(),
    )
}

/// Creates a symlink. An absolute target is refused: it could never be
/// followed inside the sandbox, and would hand a host-side reader of the
/// directory a pointer outside it.
pub fn path_symlink(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let target = mem.str(u32_arg(a, 0), u32_arg(a, 1))?;
    let dir = cx.get(u32_arg(a, 2), rights::PATH_SYMLINK)?.dir()?;
    let path = mem.str(u32_arg(a, 3), u32_arg(a, 4))?;
    if target.starts_with('/') {
        return Err(Errno::NOTCAPABLE);
    }
    let r = resolve_name(dir, path)?;
    if r.trailing_slash {
        // `new/` naming something that is no directory: Linux says
        // `EEXIST`, other Unixes (and wasmtime) `ENOTDIR`, which tells
        // the guest more; both are allowed by the WASI test suite.
        let flags = libc::O_PATH | libc::O_NOFOLLOW;
        if let Ok(fd) = sys::openat(r.dir.as_fd(), &r.name, flags, 0) {
            if !File::from(fd).metadata()?.is_dir() {
                return Err(Errno::NOTDIR);
            }
        }
    }
    sys::symlinkat(target, r.dir.as_fd(), &r.name_as_given())
}

pub fn path_unlink_file(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let dir = cx.get(u32_arg(a, 0), rights::PATH_UNLINK_FILE)?.dir()?;
    let path = mem.str(u32_arg(a, 1), u32_arg(a, 2))?;
    let r = resolve_name(dir, path)?;
    sys::unlinkat(r.dir.as_fd(), &r.name_as_given(), false)
}

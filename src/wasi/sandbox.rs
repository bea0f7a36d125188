//! Path resolution beneath a preopened directory: the WASI sandbox.
//!
//! A guest names files by a directory descriptor plus a relative path. The
//! host must never reach anything outside the directory tree that
//! descriptor stands for, whatever the path holds: `..` components, an
//! absolute path, or symlinks (absolute or relative, in any component)
//! that point outside.
//!
//! Two mechanisms, with the same answers:
//! * `openat2(RESOLVE_BENEATH)` (Linux 5.6+) lets the kernel resolve the
//!   whole path and refuse any escape, for opening a file;
//! * everywhere else (other operations, older kernels) the path is
//!   resolved here, one component at a time: each directory is opened
//!   relative to the previous handle with `O_NOFOLLOW`, `..` pops back to
//!   the previous handle (and is refused at the top), and a symlink is
//!   read and its target spliced into the remaining path (refused if
//!   absolute), so no host path lookup ever starts above the preopen.
//!   The final component is then used relative to its parent's handle,
//!   again without following symlinks (a symlink swapped in after our
//!   check fails the operation instead of escaping).

use super::errno::{Errno, WasiResult};
use super::sys;
use std::collections::VecDeque;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// How many symlinks one resolution may expand (Linux's limit too).
const MAX_SYMLINKS: u32 = 40;

/// A path resolved to its parent directory and last component.
pub struct Resolved {
    /// Handle of the directory holding the last component.
    pub dir: OwnedFd,
    /// The last component: a plain name, or `.` for the directory itself.
    pub name: String,
    /// The path ended with `/`: the last component must be a directory.
    pub trailing_slash: bool,
}

fn components(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(String::from)
}

impl Resolved {
    /// The last component as the host is to see it: with its trailing
    /// slash, so the host call answers as it would for the guest's path
    /// (`ENOTDIR` for `file/`, `EISDIR` for unlinking `dir/`, `ENOENT` for
    /// creating a symlink `new/`). Only for calls that never follow the
    /// last component (`mkdirat`, `unlinkat`, `renameat`, `symlinkat` and
    /// `linkat`'s new name): for the others a trailing slash would make
    /// the host follow a symlink there, outside our resolution.
    pub fn name_as_given(&self) -> std::borrow::Cow<'_, str> {
        if self.trailing_slash && self.name != "." {
            format!("{}/", self.name).into()
        } else {
            self.name.as_str().into()
        }
    }

    /// For calls that follow the last component: a path ending with `/`
    /// must name a directory (`ENOTDIR` otherwise, as the host would say;
    /// the host is not handed the slash, as it would follow a symlink
    /// swapped in there).
    pub fn require_dir_if_slashed(&self) -> WasiResult {
        if !self.trailing_slash {
            return Ok(());
        }
        let flags = libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW;
        match sys::openat(self.dir.as_fd(), &self.name, flags, 0) {
            Ok(_) => Ok(()),
            Err(Errno::LOOP) => Err(Errno::NOTDIR),
            Err(e) => Err(e),
        }
    }
}

/// Resolves `path` beneath `base`. Symlinks in intermediate components are
/// always followed (beneath `base`); a symlink as the last component is
/// followed only when `follow_last` is set, or when the path ends with `/`
/// (as the host follows it for `open` or `stat`).
pub fn resolve(base: BorrowedFd<'_>, path: &str, follow_last: bool) -> WasiResult<Resolved> {
    resolve_with(base, path, follow_last, false)
}

/// Resolves `path` beneath `base` for an operation on the name itself
/// (create, remove, rename, link to): a symlink as the last component is
/// never followed, trailing slash or not, as the host does for these.
pub fn resolve_name(base: BorrowedFd<'_>, path: &str) -> WasiResult<Resolved> {
    resolve_with(base, path, false, true)
}

fn resolve_with(
    base: BorrowedFd<'_>,
    path: &str,
    follow_last: bool,
    name_only: bool,
) -> WasiResult<Resolved> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    if path.starts_with('/') {
        return Err(Errno::NOTCAPABLE);
    }
    let mut trailing_slash = path.ends_with('/');
    let mut queue: VecDeque<String> = components(path).collect();
    // Handles of the directories entered so far; `base` is below them.
    let mut stack: Vec<OwnedFd> = Vec::new();
    let mut links = 0u32;
    let finish = |stack: &mut Vec<OwnedFd>, name: String, trailing_slash: bool| {
        let dir = match stack.pop() {
            Some(fd) => fd,
            None => base.try_clone_to_owned().map_err(Errno::from)?,
        };
        Ok(Resolved {
            dir,
            name,
            trailing_slash,
        })
    };
    loop {
        let Some(comp) = queue.pop_front() else {
            return finish(&mut stack, ".".into(), trailing_slash);
        };
        if comp == ".." {
            // Popping past `base` would leave the sandbox.
            if stack.pop().is_none() {
                return Err(Errno::NOTCAPABLE);
            }
            continue;
        }
        let cur = stack.last().map_or(base, |fd| fd.as_fd());
        let last = queue.is_empty();
        if last && !follow_last && (name_only || !trailing_slash) {
            return finish(&mut stack, comp, trailing_slash);
        }
        if last {
            match sys::readlinkat(cur, &comp) {
                Ok(target) => {
                    expand(&mut queue, &target, &mut links, &mut trailing_slash, true)?;
                    continue;
                }
                // Not a symlink (or not there): the name itself.
                Err(_) => return finish(&mut stack, comp, trailing_slash),
            }
        }
        let flags = libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW;
        match sys::openat(cur, &comp, flags, 0) {
            Ok(fd) => stack.push(fd),
            Err(e) if e == Errno::LOOP || e == Errno::NOTDIR => match sys::readlinkat(cur, &comp) {
                Ok(target) => expand(&mut queue, &target, &mut links, &mut trailing_slash, false)?,
                Err(_) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
}

/// Puts the components of symlink `target` in front of the rest of the
/// path. An absolute target is refused: it would restart outside.
fn expand(
    queue: &mut VecDeque<String>,
    target: &[u8],
    links: &mut u32,
    trailing_slash: &mut bool,
    was_last: bool,
) -> WasiResult {
    *links += 1;
    if *links > MAX_SYMLINKS {
        return Err(Errno::LOOP);
    }
    let target = std::str::from_utf8(target).map_err(|_| Errno::ILSEQ)?;
    if target.is_empty() {
        return Err(Errno::NOENT);
    }
    if target.starts_with('/') {
        return Err(Errno::NOTCAPABLE);
    }
    if was_last && target.ends_with('/') {
        *trailing_slash = true;
    }
    for c in components(target).collect::<Vec<_>>().into_iter().rev() {
        queue.push_front(c);
    }
    Ok(())
}

/// Opens `path` beneath `base` with host open `flags`. `follow_last`
/// follows a symlink in the last component (beneath `base`). Uses
/// `openat2(RESOLVE_BENEATH)` when the kernel has it and `use_openat2` is
/// set, and the component-by-component resolution otherwise.
pub fn open_beneath(
    base: BorrowedFd<'_>,
    path: &str,
    flags: i32,
    mode: u32,
    follow_last: bool,
    use_openat2: bool,
) -> WasiResult<OwnedFd> {
    let flags = if follow_last {
        flags
    } else {
        flags | libc::O_NOFOLLOW
    };
    if use_openat2 {
        if path.is_empty() {
            return Err(Errno::NOENT);
        }
        if let Some(r) = sys::openat2_beneath(base, path, flags, mode) {
            return r;
        }
    }
    let r = resolve(base, path, follow_last)?;
    let dir_flag = if r.trailing_slash {
        libc::O_DIRECTORY
    } else {
        0
    };
    sys::openat(
        r.dir.as_fd(),
        &r.name,
        flags | libc::O_NOFOLLOW | dir_flag,
        mode,
    )
}

/// The metadata of `path` beneath `base` (of a final symlink itself
/// unless `follow_last`).
pub fn stat_beneath(
    base: BorrowedFd<'_>,
    path: &str,
    follow_last: bool,
) -> WasiResult<std::fs::Metadata> {
    let r = resolve(base, path, follow_last)?;
    let dir_flag = if r.trailing_slash {
        libc::O_DIRECTORY
    } else {
        0
    };
    let fd = sys::openat(
        r.dir.as_fd(),
        &r.name,
        libc::O_PATH | libc::O_NOFOLLOW | dir_flag,
        0,
    )?;
    std::fs::File::from(fd).metadata().map_err(Errno::from)
}

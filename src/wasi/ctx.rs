//! The WASI context: what a guest sees of the world (arguments,
//! environment, standard streams, preopened directories) and its table of
//! open file descriptors.
//!
//! A guest gets nothing by default: no arguments, no environment
//! variables, stdin empty, stdout and stderr discarded, no directories.
//! Everything it may reach is granted explicitly through [`WasiCtxBuilder`].

use super::errno::{Errno, WasiResult};
use super::sys::HostDirEntry;
use super::types::{filetype, rights};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Cursor;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where the guest's stdin comes from.
pub enum Input {
    /// Nothing: reads return end of file.
    Null,
    /// The host process's own stdin.
    Inherit,
    /// An open host file.
    File(File),
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
}

/// Where the guest's stdout or stderr goes.
pub enum Output {
    /// Discarded.
    Null,
    /// The host process's own stdout (for the guest's stdout) or stderr.
    Inherit,
    /// An open host file.
    File(File),
    /// Appended to this shared buffer (tests and embedders capturing output).
    Buffer(Arc<Mutex<Vec<u8>>>),
}

/// What a descriptor refers to.
pub(crate) enum FdKind {
    /// A host descriptor: a file, a directory, or an inherited stream.
    Host(File),
    /// Bytes handed in as stdin.
    Bytes(Cursor<Vec<u8>>),
    /// A buffer collecting output.
    Buffer(Arc<Mutex<Vec<u8>>>),
    /// Reads give end of file, writes are discarded.
    Null,
}

/// One open descriptor of the guest.
pub(crate) struct FdEntry {
    pub kind: FdKind,
    pub filetype: u8,
    pub rights_base: u64,
    pub rights_inheriting: u64,
    /// The guest's name for a preopened directory.
    pub preopen: Option<String>,
    /// `fdflags` of descriptors that are not host descriptors.
    pub flags: u16,
    /// A directory's entries as `fd_readdir` last read them: a walk
    /// (cookie 0, then the cookies it handed out) reads the directory
    /// once, and its cookies stay valid while the guest removes entries.
    pub listing: Option<Vec<HostDirEntry>>,
}

impl FdEntry {
    /// The host descriptor, if this is one.
    pub fn host(&self) -> Option<&File> {
        match &self.kind {
            FdKind::Host(f) => Some(f),
            _ => None,
        }
    }

    /// The host directory handle of a directory descriptor.
    pub fn dir(&self) -> WasiResult<BorrowedFd<'_>> {
        match &self.kind {
            FdKind::Host(f) if self.filetype == filetype::DIRECTORY => Ok(f.as_fd()),
            _ => Err(Errno::NOTDIR),
        }
    }
}

/// A guest's view of the world, and its open descriptors.
pub struct WasiCtx {
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<String>,
    pub(crate) fds: BTreeMap<u32, FdEntry>,
    /// The most descriptors the guest may hold at once.
    pub(crate) max_open_files: usize,
}

/// [`WasiCtxBuilder::max_open_files`]'s default.
pub const DEFAULT_MAX_OPEN_FILES: usize = 1024;

impl WasiCtx {
    /// Starts a context with nothing granted.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::default()
    }

    /// The entry of `fd`, which must carry all of `required` rights.
    pub(crate) fn get(&self, fd: u32, required: u64) -> WasiResult<&FdEntry> {
        let e = self.fds.get(&fd).ok_or(Errno::BADF)?;
        if e.rights_base & required != required {
            return Err(Errno::NOTCAPABLE);
        }
        Ok(e)
    }

    pub(crate) fn get_mut(&mut self, fd: u32, required: u64) -> WasiResult<&mut FdEntry> {
        let e = self.fds.get_mut(&fd).ok_or(Errno::BADF)?;
        if e.rights_base & required != required {
            return Err(Errno::NOTCAPABLE);
        }
        Ok(e)
    }

    /// Adds `entry` at the lowest free descriptor number; `MFILE` when the
    /// guest already holds as many as it may.
    pub(crate) fn insert(&mut self, entry: FdEntry) -> WasiResult<u32> {
        if self.fds.len() >= self.max_open_files {
            return Err(Errno::MFILE);
        }
        let mut fd = 0u32;
        for &k in self.fds.keys() {
            if k != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::MFILE)?;
        }
        self.fds.insert(fd, entry);
        Ok(fd)
    }
}

/// Builds a [`WasiCtx`]; each call grants the guest one more thing.
#[derive(Default)]
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<Input>,
    stdout: Option<Output>,
    stderr: Option<Output>,
    preopens: Vec<(PathBuf, String)>,
    max_open_files: Option<usize>,
}

impl WasiCtxBuilder {
    /// Appends one argument (the first is the program name, `argv[0]`).
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Replaces the arguments.
    pub fn args<S: Into<String>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut Self {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    /// The host process's arguments.
    pub fn inherit_args(&mut self) -> &mut Self {
        self.args = std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        self
    }

    /// Adds (or replaces) one environment variable.
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }

    /// Removes every environment variable set so far.
    pub fn clear_env(&mut self) -> &mut Self {
        self.env.clear();
        self
    }

    /// Replaces the environment with the host process's.
    pub fn inherit_env(&mut self) -> &mut Self {
        self.env = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        self
    }

    pub fn stdin(&mut self, input: Input) -> &mut Self {
        self.stdin = Some(input);
        self
    }

    pub fn stdout(&mut self, output: Output) -> &mut Self {
        self.stdout = Some(output);
        self
    }

    pub fn stderr(&mut self, output: Output) -> &mut Self {
        self.stderr = Some(output);
        self
    }

    /// Shorthand for inheriting all three standard streams.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.stdin(Input::Inherit)
            .stdout(Output::Inherit)
            .stderr(Output::Inherit)
    }

    /// Lets the guest reach host directory `host` (and what lies beneath
    /// it, nothing else) under the name `guest`. The directory is opened
    /// by [`build`](Self::build).
    pub fn preopen_dir(&mut self, host: impl AsRef<Path>, guest: impl Into<String>) -> &mut Self {
        self.preopens
            .push((host.as_ref().to_path_buf(), guest.into()));
        self
    }

    /// The most descriptors the guest may hold at once, the standard
    /// streams and preopened directories included (default
    /// [`DEFAULT_MAX_OPEN_FILES`]). Each is a descriptor of the host
    /// process too, so without a bound one guest opening files in a loop
    /// would leave its host none; past it, opening fails with `MFILE`, as
    /// a process at its own limit sees.
    pub fn max_open_files(&mut self, max: usize) -> &mut Self {
        self.max_open_files = Some(max);
        self
    }

    /// Opens the standard streams and preopened directories. Fails with
    /// a message naming the directory that cannot be opened.
    pub fn build(&mut self) -> Result<WasiCtx, String> {
        let mut fds = BTreeMap::new();
        let stdin = self.stdin.take().unwrap_or(Input::Null);
        let stdout = self.stdout.take().unwrap_or(Output::Null);
        let stderr = self.stderr.take().unwrap_or(Output::Null);
        let read_rights = rights::FD_READ | rights::POLL_FD_READWRITE | rights::FD_FILESTAT_GET;
        let write_rights = rights::FD_WRITE
            | rights::POLL_FD_READWRITE
            | rights::FD_FILESTAT_GET
            | rights::FD_DATASYNC
            | rights::FD_SYNC;
        let stdin_kind = match stdin {
            Input::Null => FdKind::Null,
            Input::Inherit => inherit(0)?,
            Input::File(f) => FdKind::Host(f),
            Input::Bytes(b) => FdKind::Bytes(Cursor::new(b)),
        };
        fds.insert(0, stdio_entry(stdin_kind, read_rights));
        for (fd, out) in [(1u32, stdout), (2, stderr)] {
            let kind = match out {
                Output::Null => FdKind::Null,
                Output::Inherit => inherit(fd as i32)?,
                Output::File(f) => FdKind::Host(f),
                Output::Buffer(b) => FdKind::Buffer(b),
            };
            fds.insert(fd, stdio_entry(kind, write_rights));
        }
        for (next, (host, guest)) in (3u32..).zip(&self.preopens) {
            let dir = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_DIRECTORY)
                .open(host)
                .map_err(|e| format!("cannot open directory {}: {e}", host.display()))?;
            fds.insert(
                next,
                FdEntry {
                    kind: FdKind::Host(dir),
                    filetype: filetype::DIRECTORY,
                    rights_base: rights::DIR,
                    rights_inheriting: rights::DIR | rights::FILE,
                    preopen: Some(guest.clone()),
                    flags: 0,
                    listing: None,
                },
            );
        }
        Ok(WasiCtx {
            args: self.args.clone(),
            env: self.env.iter().map(|(k, v)| format!("{k}={v}")).collect(),
            fds,
            max_open_files: self.max_open_files.unwrap_or(DEFAULT_MAX_OPEN_FILES),
        })
    }
}

use std::os::unix::fs::OpenOptionsExt;

/// The host's stream `fd` for the guest; a stream the host process does
/// not have open (started with it closed) reads as empty and swallows
/// writes, as if it were /dev/null.
fn inherit(fd: i32) -> Result<FdKind, String> {
    // SAFETY: F_GETFD takes no argument; on a closed descriptor it fails
    // with EBADF.
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
        return Ok(FdKind::Null);
    }
    dup_std(fd).map(FdKind::Host)
}

/// A descriptor of our own for host stream `fd` (0, 1 or 2), so the guest
/// closing its stdout does not close the host's.
fn dup_std(fd: i32) -> Result<File, String> {
    // SAFETY: F_DUPFD_CLOEXEC takes an int argument and fails with EBADF
    // (no undefined behaviour) when `fd` is not open.
    let dup = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    if dup < 0 {
        return Err(format!(
            "cannot duplicate host descriptor {fd}: {}",
            std::io::Error::last_os_error()
        ));
    }
    // SAFETY: `dup` is a fresh descriptor that nothing else owns.
    Ok(unsafe { <File as std::os::fd::FromRawFd>::from_raw_fd(dup) })
}

fn stdio_entry(kind: FdKind, rights_base: u64) -> FdEntry {
    let filetype = match &kind {
        FdKind::Host(f) => f
            .metadata()
            .map(|m| super::types::filetype_of(m.file_type()))
            .unwrap_or(filetype::UNKNOWN),
        _ => filetype::CHARACTER_DEVICE,
    };
    // Seeking is allowed so that a stream answers `spipe` (what programs
    // probing with lseek expect) and a redirected file can seek.
    let mut rights_base = rights_base | rights::FD_SEEK | rights::FD_TELL;
    // A socket handed over as a standard stream (inetd style) is what the
    // preview 1 sock_* functions are for.
    if filetype == filetype::SOCKET_STREAM || filetype == filetype::SOCKET_DGRAM {
        rights_base |= rights::SOCK_SHUTDOWN | rights::SOCK_ACCEPT;
    }
    FdEntry {
        kind,
        filetype,
        rights_base,
        rights_inheriting: 0,
        preopen: None,
        flags: 0,
        listing: None,
    }
}

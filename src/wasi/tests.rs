//! Unit tests of WASI: the function bodies called directly on a context
//! and a scratch memory, the sandbox against every escape route (with and
//! without openat2), and whole guests run through the engine.

use super::ctx::WasiCtx;
use super::errno::Errno;
use super::mem::GuestMem;
use super::{fd, path, proc, sandbox};
use super::{Input, Output};
use crate::engine::{Engine, Instance, Module, Store, Val};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A fresh scratch directory: `root/` (the preopen) beside `outside/`.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wasmrt-wasi-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("root/sub")).unwrap();
    std::fs::create_dir_all(d.join("outside")).unwrap();
    std::fs::write(d.join("outside/secret"), "secret").unwrap();
    std::fs::write(d.join("root/inside"), "inside").unwrap();
    d
}

fn ctx_with_root(d: &std::path::Path) -> WasiCtx {
    WasiCtx::builder()
        .preopen_dir(d.join("root"), "/sandbox")
        .build()
        .unwrap()
}

/// Calls a function body with a 64 KiB scratch memory; `path` is placed
/// at offset 1024, a second path at 2048; out-parameters go to 512.
fn call(cx: &mut WasiCtx, mem: &mut [u8], body: super::Body, args: &[Val]) -> Result<(), Errno> {
    body(cx, &mut GuestMem::new(mem), args)
}

fn mem_with(paths: &[&str]) -> Vec<u8> {
    let mut m = vec![0u8; 65536];
    for (i, p) in paths.iter().enumerate() {
        let at = 1024 * (i + 1);
        m[at..at + p.len()].copy_from_slice(p.as_bytes());
    }
    m
}

fn i(v: u32) -> Val {
    Val::I32(v as i32)
}

fn l(v: u64) -> Val {
    Val::I64(v as i64)
}

/// `path_open(3, follow, path, oflags=0, rights=read, ...)`.
fn open(cx: &mut WasiCtx, p: &str, follow: bool) -> Result<u32, Errno> {
    let mut m = mem_with(&[p]);
    let read = super::types::rights::FD_READ | super::types::rights::FD_READDIR;
    call(
        cx,
        &mut m,
        path::path_open,
        &[
            i(3),
            i(follow as u32),
            i(1024),
            i(p.len() as u32),
            i(0),
            l(read),
            l(read),
            i(0),
            i(512),
        ],
    )?;
    Ok(u32::from_le_bytes(m[512..516].try_into().unwrap()))
}

/// Every escape, through path_open, with openat2 and without.
#[test]
fn sandbox_refuses_every_escape() {
    let d = scratch("escape");
    let root = d.join("root");
    std::os::unix::fs::symlink(d.join("outside/secret"), root.join("abs_link")).unwrap();
    std::os::unix::fs::symlink("../outside/secret", root.join("rel_link")).unwrap();
    std::os::unix::fs::symlink("../outside", root.join("dir_link")).unwrap();
    std::os::unix::fs::symlink("sub/../../outside", root.join("sneaky")).unwrap();
    std::os::unix::fs::symlink("../../outside/secret", root.join("sub/deep_link")).unwrap();
    std::os::unix::fs::symlink("loop2", root.join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", root.join("loop2")).unwrap();
    std::os::unix::fs::symlink("inside", root.join("good_link")).unwrap();
    std::os::unix::fs::symlink("../inside", root.join("sub/good_up")).unwrap();
    for openat2 in [true, false] {
        path::USE_OPENAT2.with(|c| c.set(openat2));
        let mut cx = ctx_with_root(&d);
        let abs = d.join("outside/secret");
        let escapes = [
            "../outside/secret",
            "sub/../../outside/secret",
            "sub/../..",
            "..",
            "/etc/passwd",
            abs.to_str().unwrap(),
            "abs_link",
            "rel_link",
            "dir_link/secret",
            "sneaky/secret",
            "sub/deep_link",
        ];
        for p in escapes {
            let r = open(&mut cx, p, true);
            assert!(
                matches!(
                    r,
                    Err(Errno::NOTCAPABLE) | Err(Errno::NOENT) | Err(Errno::LOOP)
                ),
                "escape {p:?} (openat2: {openat2}) gave {r:?}"
            );
            assert_ne!(
                r,
                Err(Errno::NOENT),
                "{p:?} should be refused, not looked up"
            );
        }
        // Without following, a final symlink is not opened at all.
        assert_eq!(open(&mut cx, "abs_link", false), Err(Errno::LOOP));
        assert_eq!(open(&mut cx, "loop1", true), Err(Errno::LOOP));
        // What lies inside stays reachable, also through symlinks and `..`.
        for p in [
            "inside",
            "sub/../inside",
            "./inside",
            "good_link",
            "sub/good_up",
            "sub",
            ".",
        ] {
            assert!(open(&mut cx, p, true).is_ok(), "{p:?} (openat2: {openat2})");
        }
    }
    path::USE_OPENAT2.with(|c| c.set(true));
    let _ = std::fs::remove_dir_all(&d);
}

/// The other path functions refuse escapes too: stat, mkdir, unlink,
/// rename, hard links, symlink creation, readlink.
#[test]
fn path_functions_stay_inside() {
    let d = scratch("pathfns");
    let root = d.join("root");
    std::os::unix::fs::symlink("../outside", root.join("dir_link")).unwrap();
    let mut cx = ctx_with_root(&d);
    let notcap = Err(Errno::NOTCAPABLE);
    // path_filestat_get
    let mut m = mem_with(&["../outside/secret"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_filestat_get,
        &[i(3), i(1), i(1024), i(17), i(512)],
    );
    assert_eq!(r, notcap);
    // path_create_directory through a symlink to outside
    let mut m = mem_with(&["dir_link/newdir"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_create_directory,
        &[i(3), i(1024), i(15)],
    );
    assert_eq!(r, notcap);
    assert!(!d.join("outside/newdir").exists());
    // path_unlink_file outside
    let mut m = mem_with(&["dir_link/secret"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_unlink_file,
        &[i(3), i(1024), i(15)],
    );
    assert_eq!(r, notcap);
    assert!(d.join("outside/secret").exists());
    // path_link: a hard link to a file outside
    let mut m = mem_with(&["../outside/secret", "stolen"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_link,
        &[i(3), i(0), i(1024), i(17), i(3), i(2048), i(6)],
    );
    assert_eq!(r, notcap);
    let mut m = mem_with(&["dir_link/secret", "stolen"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_link,
        &[i(3), i(1), i(1024), i(15), i(3), i(2048), i(6)],
    );
    assert_eq!(r, notcap);
    assert!(!root.join("stolen").exists());
    // path_rename out of the sandbox
    let mut m = mem_with(&["inside", "../outside/moved"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_rename,
        &[i(3), i(1024), i(6), i(3), i(2048), i(16)],
    );
    assert_eq!(r, notcap);
    assert!(root.join("inside").exists());
    // path_symlink with an absolute target
    let mut m = mem_with(&["/etc/passwd", "pw"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_symlink,
        &[i(1024), i(11), i(3), i(2048), i(2)],
    );
    assert_eq!(r, notcap);
    // A relative symlink pointing out may be created, but never followed.
    let mut m = mem_with(&["../outside/secret", "out"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_symlink,
        &[i(1024), i(17), i(3), i(2048), i(3)],
    );
    assert_eq!(r, Ok(()));
    assert_eq!(open(&mut cx, "out", true), Err(Errno::NOTCAPABLE));
    // readlink of it tells the target without following it.
    let mut m = mem_with(&["out"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_readlink,
        &[i(3), i(1024), i(3), i(4096), i(100), i(512)],
    );
    assert_eq!(r, Ok(()));
    assert_eq!(&m[4096..4096 + 17], b"../outside/secret");
    // Working operations inside: mkdir, rename, link, unlink, rmdir.
    let mut m = mem_with(&["newdir"]);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            path::path_create_directory,
            &[i(3), i(1024), i(6)]
        ),
        Ok(())
    );
    assert!(root.join("newdir").is_dir());
    let mut m = mem_with(&["inside", "newdir/moved"]);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            path::path_rename,
            &[i(3), i(1024), i(6), i(3), i(2048), i(12)]
        ),
        Ok(())
    );
    let mut m = mem_with(&["newdir/moved", "hard"]);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            path::path_link,
            &[i(3), i(0), i(1024), i(12), i(3), i(2048), i(4)]
        ),
        Ok(())
    );
    assert_eq!(
        std::fs::read_to_string(root.join("hard")).unwrap(),
        "inside"
    );
    let mut m = mem_with(&["newdir"]);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            path::path_remove_directory,
            &[i(3), i(1024), i(6)]
        ),
        Err(Errno::NOTEMPTY)
    );
    let mut m = mem_with(&["newdir/moved"]);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            path::path_unlink_file,
            &[i(3), i(1024), i(12)]
        ),
        Ok(())
    );
    let mut m = mem_with(&["newdir"]);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            path::path_remove_directory,
            &[i(3), i(1024), i(6)]
        ),
        Ok(())
    );
    assert!(!root.join("newdir").exists());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn resolve_splits_parent_and_name() {
    let d = scratch("resolve");
    let dir = std::fs::File::open(d.join("root")).unwrap();
    let r = sandbox::resolve(dir.as_fd(), "sub/x", false).unwrap();
    assert_eq!(r.name, "x");
    let r = sandbox::resolve(dir.as_fd(), "sub/..", false).unwrap();
    assert_eq!(r.name, ".");
    let r = sandbox::resolve(dir.as_fd(), "sub/", false).unwrap();
    assert!(r.trailing_slash);
    assert_eq!(
        sandbox::resolve(dir.as_fd(), "", false).err(),
        Some(Errno::NOENT)
    );
    assert_eq!(
        sandbox::resolve(dir.as_fd(), "inside/x", false).err(),
        Some(Errno::NOTDIR)
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn files_read_write_seek_stat_readdir() {
    let d = scratch("files");
    let mut cx = ctx_with_root(&d);
    let all = super::types::rights::FILE;
    let mut m = mem_with(&["f.txt"]);
    // path_open(creat|trunc, read+write)
    let r = call(
        &mut cx,
        &mut m,
        path::path_open,
        &[
            i(3),
            i(0),
            i(1024),
            i(5),
            i(1 | 8),
            l(all),
            l(0),
            i(0),
            i(512),
        ],
    );
    assert_eq!(r, Ok(()));
    let fd = u32::from_le_bytes(m[512..516].try_into().unwrap());
    assert_eq!(fd, 4);
    // fd_write "hello world" from two iovecs
    m[3000..3011].copy_from_slice(b"hello world");
    m[100..104].copy_from_slice(&3000u32.to_le_bytes());
    m[104..108].copy_from_slice(&6u32.to_le_bytes());
    m[108..112].copy_from_slice(&3006u32.to_le_bytes());
    m[112..116].copy_from_slice(&5u32.to_le_bytes());
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_write,
            &[i(fd), i(100), i(2), i(520)]
        ),
        Ok(())
    );
    assert_eq!(u32::from_le_bytes(m[520..524].try_into().unwrap()), 11);
    // fd_tell, fd_seek(set 6), fd_read
    assert_eq!(call(&mut cx, &mut m, fd::fd_tell, &[i(fd), i(528)]), Ok(()));
    assert_eq!(u64::from_le_bytes(m[528..536].try_into().unwrap()), 11);
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_seek, &[i(fd), l(6), i(0), i(528)]),
        Ok(())
    );
    m[100..104].copy_from_slice(&4000u32.to_le_bytes());
    m[104..108].copy_from_slice(&100u32.to_le_bytes());
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_read, &[i(fd), i(100), i(1), i(520)]),
        Ok(())
    );
    assert_eq!(u32::from_le_bytes(m[520..524].try_into().unwrap()), 5);
    assert_eq!(&m[4000..4005], b"world");
    // fd_pread at 0
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_pread,
            &[i(fd), i(100), i(1), l(0), i(520)]
        ),
        Ok(())
    );
    assert_eq!(&m[4000..4011], b"hello world");
    // fd_filestat_get: size 11, regular file
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_filestat_get, &[i(fd), i(600)]),
        Ok(())
    );
    assert_eq!(m[616], super::types::filetype::REGULAR_FILE);
    assert_eq!(u64::from_le_bytes(m[632..640].try_into().unwrap()), 11);
    // fd_filestat_set_size
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_filestat_set_size, &[i(fd), l(5)]),
        Ok(())
    );
    assert_eq!(
        std::fs::read_to_string(d.join("root/f.txt")).unwrap(),
        "hello"
    );
    // A read on a descriptor without the read right.
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_fdstat_set_rights,
            &[i(fd), l(super::types::rights::FD_WRITE), l(0)]
        ),
        Ok(())
    );
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_read, &[i(fd), i(100), i(1), i(520)]),
        Err(Errno::NOTCAPABLE)
    );
    // Rights cannot come back.
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_fdstat_set_rights,
            &[i(fd), l(all), l(0)]
        ),
        Err(Errno::NOTCAPABLE)
    );
    assert_eq!(call(&mut cx, &mut m, fd::fd_close, &[i(fd)]), Ok(()));
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_close, &[i(fd)]),
        Err(Errno::BADF)
    );
    // fd_readdir of the preopen lists f.txt, inside, sub.
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_readdir,
            &[i(3), i(8192), i(4096), l(0), i(520)]
        ),
        Ok(())
    );
    let used = u32::from_le_bytes(m[520..524].try_into().unwrap()) as usize;
    let mut names = Vec::new();
    let mut at = 8192;
    while at + 24 <= 8192 + used {
        let len = u32::from_le_bytes(m[at + 16..at + 20].try_into().unwrap()) as usize;
        names.push(String::from_utf8(m[at + 24..at + 24 + len].to_vec()).unwrap());
        at += 24 + len;
    }
    names.sort();
    assert_eq!(names, [".", "..", "f.txt", "inside", "sub"]);
    // A tiny buffer is filled completely (the guest then retries bigger).
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_readdir,
            &[i(3), i(8192), i(10), l(0), i(520)]
        ),
        Ok(())
    );
    assert_eq!(u32::from_le_bytes(m[520..524].try_into().unwrap()), 10);
    // prestat
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_prestat_get, &[i(3), i(700)]),
        Ok(())
    );
    assert_eq!(u32::from_le_bytes(m[704..708].try_into().unwrap()), 8);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_prestat_dir_name,
            &[i(3), i(710), i(8)]
        ),
        Ok(())
    );
    assert_eq!(&m[710..718], b"/sandbox");
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_prestat_get, &[i(1), i(700)]),
        Err(Errno::BADF)
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn bad_pointers_are_faults() {
    let mut cx = WasiCtx::builder().arg("prog").build().unwrap();
    let mut m = vec![0u8; 100];
    assert_eq!(
        call(&mut cx, &mut m, proc::args_sizes_get, &[i(98), i(0)]),
        Err(Errno::FAULT)
    );
    assert_eq!(
        call(&mut cx, &mut m, proc::args_get, &[i(0), i(u32::MAX)]),
        Err(Errno::FAULT)
    );
    assert_eq!(
        call(&mut cx, &mut m, proc::random_get, &[i(90), i(11)]),
        Err(Errno::FAULT)
    );
    // An iovec whose buffer is out of range.
    m[0..4].copy_from_slice(&50u32.to_le_bytes());
    m[4..8].copy_from_slice(&51u32.to_le_bytes());
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_write, &[i(1), i(0), i(1), i(20)]),
        Err(Errno::FAULT)
    );
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_write,
            &[i(1), i(0), i(0x2000_0000), i(20)]
        ),
        Err(Errno::FAULT)
    );
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_write, &[i(77), i(0), i(1), i(20)]),
        Err(Errno::BADF)
    );
}

#[test]
fn clocks_and_random() {
    let mut cx = WasiCtx::builder().build().unwrap();
    let mut m = vec![0u8; 256];
    for id in 0..4 {
        assert_eq!(
            call(&mut cx, &mut m, proc::clock_time_get, &[i(id), l(1), i(0)]),
            Ok(())
        );
        assert!(u64::from_le_bytes(m[0..8].try_into().unwrap()) > 0 || id >= 2);
        assert_eq!(
            call(&mut cx, &mut m, proc::clock_res_get, &[i(id), i(8)]),
            Ok(())
        );
        assert!(u64::from_le_bytes(m[8..16].try_into().unwrap()) > 0);
    }
    assert_eq!(
        call(&mut cx, &mut m, proc::clock_time_get, &[i(9), l(1), i(0)]),
        Err(Errno::INVAL)
    );
    assert_eq!(
        call(&mut cx, &mut m, proc::random_get, &[i(100), i(64)]),
        Ok(())
    );
    assert!(m[100..164].iter().any(|&b| b != 0));
}

fn run_guest(wat: &str, ctx: WasiCtx) -> (Store, Instance, Result<(), crate::engine::Trap>) {
    let engine = Engine::default();
    let module = Module::new(&engine, &crate::engine::wat2wasm(wat).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let imports = super::imports(&mut store, &module, ctx).unwrap();
    let inst = Instance::new(&mut store, &module, &imports).unwrap();
    let start = inst.get_func(&store, "_start").unwrap();
    let r = start.call(&mut store, &[], &mut []);
    (store, inst, r)
}

const HELLO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    ;; iovec at 0: "hello\n"
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    ;; echo up to 32 bytes of stdin to stderr
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 32))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 4) (i32.load (i32.const 8)))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
    ;; exit with the number of environment variables + 40
    (drop (call $env_sizes (i32.const 200) (i32.const 204)))
    (call $exit (i32.add (i32.const 40) (i32.load (i32.const 200))))
    unreachable))"#;

#[test]
fn guest_writes_reads_and_exits() {
    let out = Arc::new(Mutex::new(Vec::new()));
    let err = Arc::new(Mutex::new(Vec::new()));
    let ctx = WasiCtx::builder()
        .stdin(Input::Bytes(b"from stdin".to_vec()))
        .stdout(Output::Buffer(out.clone()))
        .stderr(Output::Buffer(err.clone()))
        .env("A", "1")
        .env("B", "2")
        .build()
        .unwrap();
    let (_, _, r) = run_guest(HELLO, ctx);
    let trap = r.unwrap_err();
    assert_eq!(trap.exit_status(), Some(42), "{trap}");
    assert_eq!(out.lock().unwrap().as_slice(), b"hello\n");
    assert_eq!(err.lock().unwrap().as_slice(), b"from stdin");
}

#[test]
fn unknown_imports_are_named() {
    let engine = Engine::default();
    let wat = r#"(module (import "env" "f" (func)))"#;
    let module = Module::new(&engine, &crate::engine::wat2wasm(wat).unwrap()).unwrap();
    let mut store = Store::new(&engine);
    let e = super::imports(&mut store, &module, WasiCtx::builder().build().unwrap()).unwrap_err();
    assert!(e.to_string().contains("env::f"), "{e}");
    let wat = r#"(module (import "wasi_snapshot_preview1" "nope" (func)))"#;
    let module = Module::new(&engine, &crate::engine::wat2wasm(wat).unwrap()).unwrap();
    let e = super::imports(&mut store, &module, WasiCtx::builder().build().unwrap()).unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
    let wat =
        r#"(module (import "wasi_snapshot_preview1" "fd_close" (func (param i64) (result i32))))"#;
    let module = Module::new(&engine, &crate::engine::wat2wasm(wat).unwrap()).unwrap();
    let e = super::imports(&mut store, &module, WasiCtx::builder().build().unwrap()).unwrap_err();
    assert!(e.to_string().contains("fd_close"), "{e}");
    assert_eq!(super::function_names().count(), 46);
}

/// openat2 itself (when the kernel has it) refuses `..`, absolute paths
/// and escaping symlinks with EXDEV, which we report as NOTCAPABLE.
#[test]
fn openat2_refuses_escapes_when_available() {
    let d = scratch("openat2");
    std::os::unix::fs::symlink("../outside", d.join("root/up")).unwrap();
    let dir = std::fs::File::open(d.join("root")).unwrap();
    let ok = super::sys::openat2_beneath(dir.as_fd(), "inside", libc::O_RDONLY, 0);
    if ok.is_none() {
        println!("openat2 not available here; the manual resolution is tested elsewhere");
        return;
    }
    assert!(ok.unwrap().is_ok());
    for p in ["../outside/secret", "/etc/passwd", "up/secret"] {
        let r = super::sys::openat2_beneath(dir.as_fd(), p, libc::O_RDONLY, 0);
        assert_eq!(r.map(|r| r.err()), Some(Some(Errno::NOTCAPABLE)), "{p}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// Opening directories (`oflags::DIRECTORY`, as opendir does) both ways,
/// and a file with it (`notdir`).
#[test]
fn open_directory_flag() {
    let d = scratch("odir");
    for openat2 in [true, false] {
        path::USE_OPENAT2.with(|c| c.set(openat2));
        let mut cx = ctx_with_root(&d);
        let rights = super::types::rights::FD_READDIR | super::types::rights::FD_READ;
        for (p, want) in [
            ("sub", Ok(())),
            (".", Ok(())),
            ("sub/", Ok(())),
            ("inside", Err(Errno::NOTDIR)),
        ] {
            let mut m = mem_with(&[p]);
            let r = call(
                &mut cx,
                &mut m,
                path::path_open,
                &[
                    i(3),
                    i(1),
                    i(1024),
                    i(p.len() as u32),
                    i(2),
                    l(rights),
                    l(rights),
                    i(4),
                    i(512),
                ],
            );
            assert_eq!(r, want, "{p} (openat2: {openat2})");
        }
    }
    path::USE_OPENAT2.with(|c| c.set(true));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn times_sizes_flags_and_sync() {
    use super::types::rights;
    let d = scratch("times");
    let mut cx = ctx_with_root(&d);
    let all = rights::FILE;
    let mut m = mem_with(&["inside"]);
    let open_args = [i(3), i(0), i(1024), i(6), i(0), l(all), l(0), i(0), i(512)];
    assert_eq!(call(&mut cx, &mut m, path::path_open, &open_args), Ok(()));
    let fd = u32::from_le_bytes(m[512..516].try_into().unwrap());
    // path_filestat_set_times: mtime to a fixed instant, atime now.
    let t = 1_500_000_000_123_456_789u64;
    let fst = u32::from(super::types::fstflags::MTIM | super::types::fstflags::ATIM_NOW);
    let args = [i(3), i(0), i(1024), i(6), l(0), l(t), i(fst)];
    assert_eq!(
        call(&mut cx, &mut m, path::path_filestat_set_times, &args),
        Ok(())
    );
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            path::path_filestat_get,
            &[i(3), i(0), i(1024), i(6), i(600)]
        ),
        Ok(())
    );
    assert_eq!(u64::from_le_bytes(m[648..656].try_into().unwrap()), t);
    // Both a value and "now" for one timestamp is invalid.
    let bad = u32::from(super::types::fstflags::MTIM | super::types::fstflags::MTIM_NOW);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_filestat_set_times,
            &[i(fd), l(0), l(t), i(bad)]
        ),
        Err(Errno::INVAL)
    );
    let fst = u32::from(super::types::fstflags::MTIM);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_filestat_set_times,
            &[i(fd), l(0), l(t + 1), i(fst)]
        ),
        Ok(())
    );
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_filestat_get, &[i(fd), i(600)]),
        Ok(())
    );
    assert_eq!(u64::from_le_bytes(m[648..656].try_into().unwrap()), t + 1);
    // fd_allocate grows the file; advise and syncs succeed.
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_allocate, &[i(fd), l(0), l(100)]),
        Ok(())
    );
    assert_eq!(std::fs::metadata(d.join("root/inside")).unwrap().len(), 100);
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_advise, &[i(fd), l(0), l(10), i(1)]),
        Ok(())
    );
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_advise, &[i(fd), l(0), l(10), i(9)]),
        Err(Errno::INVAL)
    );
    assert_eq!(call(&mut cx, &mut m, fd::fd_datasync, &[i(fd)]), Ok(()));
    assert_eq!(call(&mut cx, &mut m, fd::fd_sync, &[i(fd)]), Ok(()));
    // Append mode: set, then visible in fdstat; sync flags are refused.
    let append = u32::from(super::types::fdflags::APPEND);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            fd::fd_fdstat_set_flags,
            &[i(fd), i(append)]
        ),
        Ok(())
    );
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_fdstat_get, &[i(fd), i(700)]),
        Ok(())
    );
    assert_eq!(m[700], super::types::filetype::REGULAR_FILE);
    assert_eq!(
        u16::from_le_bytes([m[702], m[703]]),
        super::types::fdflags::APPEND
    );
    let sync = u32::from(super::types::fdflags::SYNC);
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_fdstat_set_flags, &[i(fd), i(sync)]),
        Err(Errno::NOTSUP)
    );
    // Renumber onto stdin: the file is now fd 0, its old number is gone.
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_renumber, &[i(fd), i(0)]),
        Ok(())
    );
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_fdstat_get, &[i(0), i(700)]),
        Ok(())
    );
    assert_eq!(m[700], super::types::filetype::REGULAR_FILE);
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_close, &[i(fd)]),
        Err(Errno::BADF)
    );
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_renumber, &[i(0), i(99)]),
        Err(Errno::BADF)
    );
    // Seeking a stream.
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_seek, &[i(1), l(0), i(1), i(520)]),
        Err(Errno::SPIPE)
    );
    assert_eq!(
        call(&mut cx, &mut m, fd::fd_seek, &[i(0), l(0), i(7), i(520)]),
        Err(Errno::INVAL)
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// poll_oneoff: a relative clock, an absolute one in the past, a bad fd,
/// and an in-memory stdin that is always ready.
#[test]
fn poll_clocks_and_fds() {
    let mut cx = WasiCtx::builder()
        .stdin(Input::Bytes(b"abc".to_vec()))
        .build()
        .unwrap();
    let mut m = vec![0u8; 4096];
    let sub =
        |m: &mut Vec<u8>, at: usize, userdata: u64, tag: u8, a: u32, timeout: u64, flags: u16| {
            m[at..at + 48].fill(0);
            m[at..at + 8].copy_from_slice(&userdata.to_le_bytes());
            m[at + 8] = tag;
            m[at + 16..at + 20].copy_from_slice(&a.to_le_bytes());
            m[at + 24..at + 32].copy_from_slice(&timeout.to_le_bytes());
            m[at + 40..at + 42].copy_from_slice(&flags.to_le_bytes());
        };
    let event = |m: &Vec<u8>, k: usize| {
        let at = 1024 + 32 * k;
        (
            u64::from_le_bytes(m[at..at + 8].try_into().unwrap()),
            u16::from_le_bytes([m[at + 8], m[at + 9]]),
            m[at + 10],
            u64::from_le_bytes(m[at + 16..at + 24].try_into().unwrap()),
        )
    };
    // One relative 20 ms monotonic timeout: it waits, then reports it.
    sub(&mut m, 0, 7, 0, 1, 20_000_000, 0);
    let start = std::time::Instant::now();
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            super::poll::poll_oneoff,
            &[i(0), i(1024), i(1), i(2000)]
        ),
        Ok(())
    );
    assert!(start.elapsed() >= std::time::Duration::from_millis(20));
    assert_eq!(u32::from_le_bytes(m[2000..2004].try_into().unwrap()), 1);
    assert_eq!(event(&m, 0), (7, 0, 0, 0));
    // A long timeout beside a ready stdin and a bad fd: no waiting.
    sub(&mut m, 0, 1, 0, 1, 60_000_000_000, 0);
    sub(&mut m, 48, 2, 1, 0, 0, 0);
    sub(&mut m, 96, 3, 1, 42, 0, 0);
    let start = std::time::Instant::now();
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            super::poll::poll_oneoff,
            &[i(0), i(1024), i(3), i(2000)]
        ),
        Ok(())
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(u32::from_le_bytes(m[2000..2004].try_into().unwrap()), 2);
    let mut evs = vec![event(&m, 0), event(&m, 1)];
    evs.sort();
    assert_eq!(evs, [(2, 0, 1, 3), (3, Errno::BADF.0, 1, 0)]);
    // An absolute realtime deadline in the past fires at once.
    sub(&mut m, 0, 9, 0, 0, 1, 1);
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            super::poll::poll_oneoff,
            &[i(0), i(1024), i(1), i(2000)]
        ),
        Ok(())
    );
    assert_eq!(event(&m, 0), (9, 0, 0, 0));
    // No subscriptions, or a subscription array out of memory.
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            super::poll::poll_oneoff,
            &[i(0), i(1024), i(0), i(2000)]
        ),
        Err(Errno::INVAL)
    );
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            super::poll::poll_oneoff,
            &[i(4060), i(1024), i(1), i(2000)]
        ),
        Err(Errno::FAULT)
    );
}

/// sock_*: a socket handed over as stdin works; anything else is notsock
/// (or badf for no descriptor at all).
#[test]
fn sockets_only_on_sockets() {
    use std::io::{Read, Write};
    let (mine, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    let file = std::fs::File::from(std::os::fd::OwnedFd::from(theirs));
    let mut cx = WasiCtx::builder().stdin(Input::File(file)).build().unwrap();
    let mut m = vec![0u8; 4096];
    (&mine).write_all(b"ping").unwrap();
    m[0..4].copy_from_slice(&100u32.to_le_bytes());
    m[4..8].copy_from_slice(&16u32.to_le_bytes());
    let r = call(
        &mut cx,
        &mut m,
        super::sock::sock_recv,
        &[i(0), i(0), i(1), i(0), i(20), i(24)],
    );
    assert_eq!(r, Ok(()));
    assert_eq!(u32::from_le_bytes(m[20..24].try_into().unwrap()), 4);
    assert_eq!(&m[100..104], b"ping");
    // Peek is not supported.
    let r = call(
        &mut cx,
        &mut m,
        super::sock::sock_recv,
        &[i(0), i(0), i(1), i(1), i(20), i(24)],
    );
    assert_eq!(r, Err(Errno::NOTSUP));
    // stdin has no write right: sending through it is not allowed.
    let r = call(
        &mut cx,
        &mut m,
        super::sock::sock_send,
        &[i(0), i(0), i(1), i(0), i(20)],
    );
    assert_eq!(r, Err(Errno::NOTCAPABLE));
    assert_eq!(
        call(&mut cx, &mut m, super::sock::sock_shutdown, &[i(0), i(3)]),
        Ok(())
    );
    let mut rest = Vec::new();
    (&mine).read_to_end(&mut rest).unwrap();
    // Not sockets, and no descriptor.
    assert_eq!(
        call(&mut cx, &mut m, super::sock::sock_shutdown, &[i(1), i(3)]),
        Err(Errno::NOTSOCK)
    );
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            super::sock::sock_accept,
            &[i(1), i(0), i(20)]
        ),
        Err(Errno::NOTSOCK)
    );
    assert_eq!(
        call(
            &mut cx,
            &mut m,
            super::sock::sock_send,
            &[i(9), i(0), i(1), i(0), i(20)]
        ),
        Err(Errno::BADF)
    );
    for sig in [0, 6, 9, 30] {
        assert_eq!(
            call(&mut cx, &mut m, proc::proc_raise, &[i(sig)]),
            Err(Errno::NOTSUP),
            "signal {sig}"
        );
    }
    for sig in [31, 255, u32::MAX] {
        assert_eq!(
            call(&mut cx, &mut m, proc::proc_raise, &[i(sig)]),
            Err(Errno::INVAL),
            "signal {sig}"
        );
    }
    assert_eq!(call(&mut cx, &mut m, proc::sched_yield, &[]), Ok(()));
}

/// Every function body, called thousands of times with arbitrary
/// arguments over a memory of path-like bytes: never a panic, and nothing
/// outside the preopened directory changes. (poll_oneoff could be asked
/// to sleep for centuries and fd_allocate to reserve a terabyte, so their
/// random runs are left out; their argument checks are tested above.)
#[test]
fn arbitrary_arguments_never_panic_or_escape() {
    let d = scratch("fuzz");
    std::os::unix::fs::symlink("../outside", d.join("root/up")).unwrap();
    let outside_before = list_tree(&d.join("outside"));
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b"ab./u.ab/a\0";
    for (name, params, body) in super::FUNCTIONS {
        if matches!(*name, "poll_oneoff" | "fd_allocate") {
            continue;
        }
        let mut cx = WasiCtx::builder()
            .stdin(Input::Bytes(b"input".to_vec()))
            .preopen_dir(d.join("root"), "/")
            .build()
            .unwrap();
        let mut ok = 0;
        for _ in 0..500 {
            let mut m: Vec<u8> = (0..4096)
                .map(|_| alphabet[(next() % 11) as usize])
                .collect();
            let args: Vec<Val> = params
                .iter()
                .map(|t| {
                    let r = next();
                    let small = [
                        0u64,
                        1,
                        2,
                        3,
                        3,
                        3,
                        3,
                        4,
                        5,
                        8,
                        16,
                        4095,
                        4096,
                        u32::MAX as u64,
                    ];
                    let v = if r % 3 == 0 {
                        r >> 32
                    } else {
                        small[(r >> 8) as usize % small.len()]
                    };
                    match t {
                        crate::engine::ValType::I64 => {
                            Val::I64(if r % 5 == 0 { -1 } else { v as i64 })
                        }
                        _ => Val::I32(v as u32 as i32),
                    }
                })
                .collect();
            ok += body(&mut cx, &mut GuestMem::new(&mut m), &args).is_ok() as u32;
        }
        println!("{name}: {ok} of 500 calls succeeded");
    }
    assert_eq!(list_tree(&d.join("outside")), outside_before);
    let _ = std::fs::remove_dir_all(&d);
}

/// Names and sizes of everything under `dir`, sorted.
fn list_tree(dir: &std::path::Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let md = std::fs::symlink_metadata(e.path()).unwrap();
        out.push((e.file_name().to_string_lossy().into_owned(), md.len()));
        if md.is_dir() {
            out.extend(list_tree(&e.path()));
        }
    }
    out.sort();
    out
}

/// Calls `body(3, path...)` for a body whose arguments are the preopen and
/// one path (`path_create_directory`, `path_remove_directory`,
/// `path_unlink_file`).
fn on_path(cx: &mut WasiCtx, body: super::Body, p: &str) -> Result<(), Errno> {
    let mut m = mem_with(&[p]);
    call(cx, &mut m, body, &[i(3), i(1024), i(p.len() as u32)])
}

/// A name ending with `/` gets the host's answers for it, not those for
/// the name without the slash (the WASI test suite's
/// `*_trailing_slashes` and `path_link` cases), and never follows a final
/// symlink when creating or removing the name itself.
#[test]
fn trailing_slashes_name_directories() {
    let d = scratch("slashes");
    let root = d.join("root");
    let mut cx = ctx_with_root(&d);
    // unlink_file: a directory is a directory with the slash or without;
    // a file with a slash is no directory.
    on_path(&mut cx, path::path_create_directory, "dir/").unwrap();
    assert!(root.join("dir").is_dir());
    assert_eq!(
        on_path(&mut cx, path::path_unlink_file, "dir"),
        Err(Errno::ISDIR)
    );
    assert_eq!(
        on_path(&mut cx, path::path_unlink_file, "dir/"),
        Err(Errno::ISDIR)
    );
    assert_eq!(
        on_path(&mut cx, path::path_unlink_file, "inside/"),
        Err(Errno::NOTDIR)
    );
    assert!(root.join("inside").exists());
    // symlink: a new name with a slash must be a directory, which a
    // symlink cannot be.
    let symlink = |cx: &mut WasiCtx, new: &str| {
        let mut m = mem_with(&["source", new]);
        call(
            cx,
            &mut m,
            path::path_symlink,
            &[i(1024), i(6), i(3), i(2048), i(new.len() as u32)],
        )
    };
    assert_eq!(symlink(&mut cx, "target/"), Err(Errno::NOENT));
    assert_eq!(symlink(&mut cx, "dir/"), Err(Errno::EXIST));
    assert_eq!(symlink(&mut cx, "inside/"), Err(Errno::NOTDIR));
    assert_eq!(symlink(&mut cx, "inside"), Err(Errno::EXIST));
    assert!(std::fs::symlink_metadata(root.join("target")).is_err());
    // link: the same for a new name; an old name with a slash is a
    // directory (never linked) or nothing to link.
    let link = |cx: &mut WasiCtx, old: &str, new: &str| {
        let mut m = mem_with(&[old, new]);
        let (ol, nl) = (old.len() as u32, new.len() as u32);
        call(
            cx,
            &mut m,
            path::path_link,
            &[i(3), i(0), i(1024), i(ol), i(3), i(2048), i(nl)],
        )
    };
    assert_eq!(link(&mut cx, "inside", "link/"), Err(Errno::NOENT));
    assert_eq!(link(&mut cx, "inside/", "link"), Err(Errno::NOTDIR));
    assert_eq!(link(&mut cx, "dir/", "link"), Err(Errno::PERM));
    assert!(!root.join("link").exists());
    link(&mut cx, "inside", "link").unwrap();
    assert_eq!(std::fs::read(root.join("link")).unwrap(), b"inside");
    // Calls that follow the name: with a slash, it must be a directory.
    let mut m = mem_with(&["inside/"]);
    let r = call(
        &mut cx,
        &mut m,
        path::path_readlink,
        &[i(3), i(1024), i(7), i(4096), i(64), i(512)],
    );
    assert_eq!(r, Err(Errno::NOTDIR));
    let args = [i(3), i(0), i(1024), i(7), l(0), l(0), i(0)];
    assert_eq!(
        call(&mut cx, &mut m, path::path_filestat_set_times, &args),
        Err(Errno::NOTDIR)
    );
    let mut m = mem_with(&["dir/"]);
    let args = [i(3), i(0), i(1024), i(4), l(0), l(0), i(0)];
    call(&mut cx, &mut m, path::path_filestat_set_times, &args).unwrap();
    // A symlink to a directory, named with a slash, is not the directory
    // when removing it: the directory stays.
    std::os::unix::fs::symlink("dir", root.join("dir_link")).unwrap();
    assert_eq!(
        on_path(&mut cx, path::path_remove_directory, "dir_link/"),
        Err(Errno::NOTDIR)
    );
    assert!(root.join("dir").is_dir());
    on_path(&mut cx, path::path_remove_directory, "dir/").unwrap();
    assert!(!root.join("dir").exists());
    let _ = std::fs::remove_dir_all(&d);
}

/// What `fd_fdstat_get` reports after `path_open`: only the rights that
/// mean something for a directory (no seeking, reading or writing it as
/// a file), and a directory asked for with write rights is refused.
#[test]
fn opened_directories_have_directory_rights() {
    use super::types::rights;
    let d = scratch("dirrights");
    let mut cx = ctx_with_root(&d);
    let open_with = |cx: &mut WasiCtx, p: &str, oflags: u32, base: u64| {
        let mut m = mem_with(&[p]);
        let args = [
            i(3),
            i(0),
            i(1024),
            i(p.len() as u32),
            i(oflags),
            l(base),
            l(0),
            i(0),
            i(512),
        ];
        call(cx, &mut m, path::path_open, &args)?;
        Ok::<u32, Errno>(u32::from_le_bytes(m[512..516].try_into().unwrap()))
    };
    let base_rights = |cx: &mut WasiCtx, fd: u32| {
        let mut m = mem_with(&[]);
        call(cx, &mut m, fd::fd_fdstat_get, &[i(fd), i(512)]).unwrap();
        u64::from_le_bytes(m[520..528].try_into().unwrap())
    };
    let dir_oflag = super::types::oflags::DIRECTORY as u32;
    let fd = open_with(
        &mut cx,
        "sub",
        dir_oflag,
        rights::FD_SEEK | rights::FD_READDIR,
    )
    .unwrap();
    assert_eq!(base_rights(&mut cx, fd), rights::FD_READDIR);
    let fd = open_with(&mut cx, "inside", 0, rights::FD_SEEK | rights::FD_READDIR).unwrap();
    assert_eq!(base_rights(&mut cx, fd), rights::FD_SEEK);
    let rw = rights::FD_READ | rights::FD_WRITE;
    assert_eq!(open_with(&mut cx, ".", dir_oflag, rw), Err(Errno::ISDIR));
    assert_eq!(open_with(&mut cx, "sub", 0, rw), Err(Errno::ISDIR));
    assert_eq!(
        open_with(&mut cx, "inside", dir_oflag, rw),
        Err(Errno::NOTDIR)
    );
    open_with(&mut cx, ".", dir_oflag, rights::FD_READ).unwrap();
    let _ = std::fs::remove_dir_all(&d);
}

/// A guest holds at most `max_open_files` descriptors (the standard
/// streams and the preopen among them); closing one makes room again.
#[test]
fn open_files_are_bounded() {
    let d = scratch("max-open");
    let mut cx = WasiCtx::builder()
        .preopen_dir(d.join("root"), "/sandbox")
        .max_open_files(6)
        .build()
        .unwrap();
    let first = open(&mut cx, "inside", false).unwrap();
    open(&mut cx, "sub", false).unwrap();
    assert_eq!(open(&mut cx, "inside", false), Err(Errno::MFILE));
    let mut m = mem_with(&[]);
    assert_eq!(call(&mut cx, &mut m, fd::fd_close, &[i(first)]), Ok(()));
    assert_eq!(open(&mut cx, "inside", false), Ok(first));
    let default = WasiCtx::builder().build().unwrap();
    assert_eq!(default.max_open_files, super::DEFAULT_MAX_OPEN_FILES);
    let _ = std::fs::remove_dir_all(&d);
}

/// One `fd_readdir` walk: the entries whole in a buffer of `len` bytes at
/// `cookie`, as `(d_next, name)`.
fn readdir_page(cx: &mut WasiCtx, m: &mut [u8], cookie: u64, len: u32) -> Vec<(u64, String)> {
    assert_eq!(
        call(
            cx,
            m,
            fd::fd_readdir,
            &[i(3), i(8192), i(len), l(cookie), i(520)]
        ),
        Ok(())
    );
    let used = u32::from_le_bytes(m[520..524].try_into().unwrap()) as usize;
    let mut out = Vec::new();
    let mut at = 8192;
    while at + 24 <= 8192 + used {
        let next = u64::from_le_bytes(m[at..at + 8].try_into().unwrap());
        let n = u32::from_le_bytes(m[at + 16..at + 20].try_into().unwrap()) as usize;
        if at + 24 + n > 8192 + used {
            break; // cut off: the next page starts with it
        }
        out.push((
            next,
            String::from_utf8(m[at + 24..at + 24 + n].to_vec()).unwrap(),
        ));
        at += 24 + n;
    }
    out
}

/// A walk with a small buffer, removing each file as it is seen (what
/// `rm -r` does), sees every file once: the cookies index the listing the
/// walk's first call read, which the removals do not shift. A new walk
/// (cookie 0) sees the directory as it is then.
#[test]
fn readdir_walk_survives_removals() {
    let d = scratch("readdir-walk");
    for n in 0..200 {
        std::fs::write(d.join(format!("root/sub/file-{n:03}")), b"").unwrap();
    }
    let mut cx = WasiCtx::builder()
        .preopen_dir(d.join("root/sub"), "/sub")
        .build()
        .unwrap();
    let mut m = mem_with(&[]);
    let mut seen = Vec::new();
    let mut cookie = 0;
    loop {
        let page = readdir_page(&mut cx, &mut m, cookie, 300);
        if page.is_empty() {
            break;
        }
        for (next, name) in page {
            if name.starts_with("file-") {
                std::fs::remove_file(d.join("root/sub").join(&name)).unwrap();
            }
            seen.push(name);
            cookie = next;
        }
    }
    seen.sort();
    assert_eq!(seen.len(), 202, "{seen:?}");
    assert_eq!(seen[..2], [".", ".."]);
    let mut again: Vec<String> = readdir_page(&mut cx, &mut m, 0, 4096)
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    again.sort();
    assert_eq!(again, [".", ".."]);
    let _ = std::fs::remove_dir_all(&d);
}

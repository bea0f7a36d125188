//! Runs the `wasmrt` binary: WASI programs (tests/wasi/wasi_test.c,
//! compiled to wasm32-wasi with clang and wasi-libc, see
//! scripts/install-test-deps.sh), `--invoke`, `validate`, `inspect`, and
//! command-line errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

fn wasmrt() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wasmrt"))
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// tests/wasi/wasi_test.c as wasm32-wasi, built once per run.
fn wasi_test_wasm() -> PathBuf {
    static WASM: OnceLock<PathBuf> = OnceLock::new();
    WASM.get_or_init(|| {
        let out = tmp("build").join("wasi_test.wasm");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi/wasi_test.c");
        let status = Command::new("clang")
            .args([
                "--target=wasm32-wasi",
                "-O1",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-o",
            ])
            .arg(&out)
            .arg(&src)
            .status();
        match status {
            Ok(s) if s.success() => out,
            other => panic!(
                "cannot compile {} for wasm32-wasi ({other:?}); \
                 install clang, lld and wasi-libc (scripts/install-test-deps.sh)",
                src.display()
            ),
        }
    })
    .clone()
}

/// Runs `cmd` with `stdin` piped in.
fn output(cmd: &mut Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wasmrt");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `wasmrt run --strategy STRATEGY FLAGS... FILE`: its exit code and stderr.
fn run_with(strategy: &str, flags: &[&str], file: &Path) -> (Option<i32>, String) {
    let o = output(
        wasmrt()
            .args(["run", "--strategy", strategy])
            .args(flags)
            .arg(file),
        b"",
    );
    (o.status.code(), text(&o.stderr))
}

fn run_scenario(args: &[&str], stdin: &[u8]) -> Output {
    let wasm = wasi_test_wasm();
    let mut cmd = wasmrt();
    cmd.arg("run");
    let (opts, rest): (Vec<&str>, Vec<&str>) = {
        let split = args.iter().position(|a| *a == "--").unwrap_or(0);
        if split == 0 {
            (vec![], args.to_vec())
        } else {
            (args[..split].to_vec(), args[split + 1..].to_vec())
        }
    };
    cmd.args(opts).arg(&wasm).args(rest);
    output(&mut cmd, stdin)
}

#[test]
fn args_reach_the_guest() {
    let o = run_scenario(&["args", "one", "two words", "--flag"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("argc=5\nargv[0]="), "{out}");
    assert!(
        out.contains("argv[1]=args\nargv[2]=one\nargv[3]=two words\nargv[4]=--flag\n"),
        "{out}"
    );
}

#[test]
fn guest_sees_only_env_given() {
    let wasm = wasi_test_wasm();
    let o = output(
        wasmrt()
            .env("WASMRT_HOST_ONLY", "secret")
            .args(["run", "--env", "A=1", "--env", "B=x=y"])
            .arg(&wasm)
            .arg("env"),
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "A=1\nB=x=y\n");
    // `--env NAME` passes on the host's value (as in wasmtime); a NAME
    // not set is refused.
    let o = output(
        wasmrt()
            .env("WASMRT_PASSED", "from host")
            .env("WASMRT_HOST_ONLY", "secret")
            .args(["run", "--env", "WASMRT_PASSED"])
            .arg(&wasm)
            .arg("env"),
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "WASMRT_PASSED=from host\n");
    let o = output(
        wasmrt()
            .env_remove("WASMRT_NOT_SET")
            .args(["run", "--env", "WASMRT_NOT_SET"])
            .arg(&wasm)
            .arg("env"),
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not set"), "{}", text(&o.stderr));
}

#[test]
fn exit_code_is_the_guests() {
    for code in [0, 3, 7, 255] {
        let o = run_scenario(&["exit", &code.to_string()], b"");
        assert_eq!(o.status.code(), Some(code));
    }
    // Returning from main also sets the status (2: usage error).
    let o = run_scenario(&[], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("usage"));
}

#[test]
fn files_and_directories() {
    let d = tmp("files");
    let dir = format!("{}::/data", d.display());
    let o = run_scenario(&["--dir", &dir, "--", "files"], b"");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert_eq!(
        text(&o.stdout),
        "size=29\nread=one\npread=line\nreadlink=b.txt\nentries=3\nfiles ok\n"
    );
    // The guest cleaned up after itself, in the host directory.
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
}

#[test]
fn clocks_random_poll() {
    for s in ["clock", "random"] {
        let o = run_scenario(&[s], b"");
        assert_eq!(text(&o.stdout), format!("{s} ok\n"), "{}", text(&o.stderr));
    }
    let o = run_scenario(&["poll"], b"ready");
    assert_eq!(text(&o.stdout), "poll ok\n", "{}", text(&o.stderr));
}

#[test]
fn stdin_stdout_stderr() {
    let o = run_scenario(&["stdio"], b"hello, wasi\n");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stdout), "HELLO, WASI\n");
    assert_eq!(text(&o.stderr), "to stderr\n");
}

#[test]
fn sandbox_escapes_are_refused() {
    let d = tmp("escape");
    let root = d.join("root");
    std::fs::create_dir_all(root.join("nested")).unwrap();
    std::fs::write(d.join("secret"), "secret").unwrap();
    std::fs::write(root.join("inside"), "inside").unwrap();
    std::os::unix::fs::symlink(d.join("secret"), root.join("abs")).unwrap();
    std::os::unix::fs::symlink("../secret", root.join("rel")).unwrap();
    std::os::unix::fs::symlink("..", root.join("up")).unwrap();
    std::os::unix::fs::symlink("../../secret", root.join("nested/deep")).unwrap();
    std::os::unix::fs::symlink("../inside", root.join("nested/ok")).unwrap();
    let dir = format!("{}::/data", root.display());
    let o = run_scenario(&["--dir", &dir, "--", "escape"], b"");
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert!(!out.contains("ESCAPED"), "{out}");
    assert_eq!(out.matches("refused").count(), 12, "{out}");
    assert!(out.contains("inside: inside"), "{out}");
    assert!(!root.join("stolen").exists() && !root.join("pw").exists());
    assert!(!d.join("made").exists() && !d.join("moved").exists());
    assert!(root.join("inside").exists());
}

#[test]
fn trap_prints_message_and_backtrace() {
    let o = run_scenario(&["trap"], b"");
    assert_eq!(o.status.code(), Some(134));
    let err = text(&o.stderr);
    assert!(err.contains("wasm trap: unreachable"), "{err}");
    assert!(err.contains("wasm backtrace:\n    0: func "), "{err}");
    // Names from the name section: the trap is in `main` (the scenario
    // dispatch), called from wasi-libc's start code.
    assert!(
        err.contains("<main>") || err.contains("<__original_main>"),
        "{err}"
    );
    assert!(err.contains("<_start>"), "{err}");
}

const ADD: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "pair") (param i64 f64) (result i64 f64) (local.get 0) (local.get 1))
  (func (export "boom") unreachable)
  (global (export "g") i32 (i32.const 1)))"#;

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn invoke_parses_args_and_prints_results() {
    let d = tmp("invoke");
    let wat = write(&d, "add.wat", ADD.as_bytes());
    let o = output(
        wasmrt()
            .args(["run", "--invoke", "add"])
            .arg(&wat)
            .args(["2", "-5"]),
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "-3\n");
    let o = output(
        wasmrt()
            .args(["run", "--invoke", "add"])
            .arg(&wat)
            .args(["4294967295", "1"]),
        b"",
    );
    assert_eq!(text(&o.stdout), "0\n");
    let o = output(
        wasmrt()
            .args(["run", "--strategy", "interp", "--invoke", "pair"])
            .arg(&wat)
            .args(["-9000000000", "2.5"]),
        b"",
    );
    assert_eq!(text(&o.stdout), "-9000000000\n2.5\n");
    // Wrong count or a bad value: a command-line error.
    let o = output(
        wasmrt().args(["run", "--invoke", "add"]).arg(&wat).arg("1"),
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stderr).lines().count(), 1);
    let o = output(
        wasmrt()
            .args(["run", "--invoke", "add"])
            .arg(&wat)
            .args(["1", "x"]),
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    // Missing export, not a function, a trap.
    let o = output(wasmrt().args(["run", "--invoke", "nope"]).arg(&wat), b"");
    assert_eq!(o.status.code(), Some(1));
    let o = output(wasmrt().args(["run", "--invoke", "g"]).arg(&wat), b"");
    assert_eq!(o.status.code(), Some(1));
    let o = output(wasmrt().args(["run", "--invoke", "boom"]).arg(&wat), b"");
    assert_eq!(o.status.code(), Some(134));
    assert!(text(&o.stderr).contains("unreachable"));
    // No _start and no --invoke.
    let o = output(wasmrt().arg("run").arg(&wat), b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("_start"));
}

#[test]
fn unknown_import_is_named() {
    let d = tmp("unknown");
    let wat = write(
        &d,
        "m.wat",
        br#"(module (import "env" "host_fn" (func)) (func (export "_start")))"#,
    );
    let o = output(wasmrt().arg("run").arg(&wat), b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("env::host_fn"),
        "{}",
        text(&o.stderr)
    );
}

/// `--trap-unknown-imports` gives a function import outside WASI a body
/// that traps naming it when called (wasmtime's flag of that name): the
/// module runs until it calls one. Other unknown imports are still refused.
#[test]
fn unknown_function_imports_can_trap_when_called() {
    let d = tmp("trap-unknown");
    let wat = write(
        &d,
        "m.wat",
        br#"(module
              (import "env" "log" (func $log (param i32) (result i64)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (func (export "quiet") (result i32) (i32.const 7))
              (func (export "loud") (result i64) (call $log (i32.const 1)))
              (func (export "_start") (call $exit (i32.const 3))))"#,
    );
    for strategy in ["interp", "jit", "auto"] {
        let run = |args: &[&str]| {
            output(
                wasmrt()
                    .args(["run", "--strategy", strategy, "--trap-unknown-imports"])
                    .args(args)
                    .arg(&wat),
                b"",
            )
        };
        let o = run(&[]);
        assert_eq!(o.status.code(), Some(3), "{strategy}: {}", text(&o.stderr));
        let o = run(&["--invoke", "quiet"]);
        assert_eq!(o.status.code(), Some(0), "{strategy}: {}", text(&o.stderr));
        assert_eq!(text(&o.stdout), "7\n");
        let o = run(&["--invoke", "loud"]);
        assert_eq!(o.status.code(), Some(134), "{strategy}");
        assert!(
            text(&o.stderr).contains("unknown import env::log called"),
            "{strategy}: {}",
            text(&o.stderr)
        );
    }
    // Without the flag the module is refused; with it, an unknown memory
    // import still is.
    let o = output(wasmrt().args(["run", "--invoke", "quiet"]).arg(&wat), b"");
    assert_eq!(o.status.code(), Some(1));
    let mem = write(
        &d,
        "mem.wat",
        br#"(module (import "env" "mem" (memory 1)) (func (export "_start")))"#,
    );
    let o = output(
        wasmrt().args(["run", "--trap-unknown-imports"]).arg(&mem),
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("env::mem"), "{}", text(&o.stderr));
}

#[test]
fn validate_reports_offset_and_reason() {
    let d = tmp("validate");
    let good = write(&d, "good.wat", ADD.as_bytes());
    let o = output(wasmrt().arg("validate").arg(&good), b"");
    assert_eq!(o.status.code(), Some(0));
    // A type mismatch in the only function body.
    let bad = wasmrt_wat(r#"(module (func (result i32) (i64.const 1)))"#);
    let badp = write(&d, "bad.wasm", &bad);
    let o = output(wasmrt().arg("validate").arg(&badp), b"");
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("byte offset") && err.contains("type mismatch"),
        "{err}"
    );
    let trunc = write(&d, "trunc.wasm", b"\0asm\x01\0\0\0\x01\x05");
    let o = output(wasmrt().arg("validate").arg(&trunc), b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("offset 10"), "{}", text(&o.stderr));
    let o = output(wasmrt().arg("validate").arg(d.join("missing.wasm")), b"");
    assert_eq!(o.status.code(), Some(1));
}

/// Text to binary without validating (so invalid modules can be written).
/// `run` may be left out, as wasmtime and wasmer allow: before the file,
/// or before `run`'s options; a module without a known extension is
/// recognised by existing.
#[test]
fn run_is_implied() {
    let d = tmp("implied_run");
    let wat = write(&d, "add.wat", ADD.as_bytes());
    let o = output(
        wasmrt()
            .args(["--invoke", "add"])
            .arg(&wat)
            .args(["2", "3"]),
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "5\n");
    let o = output(
        wasmrt()
            .args(["--strategy", "jit", "--invoke", "add"])
            .arg(&wat)
            .args(["7", "8"]),
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "15\n");
    let plain = write(&d, "module", ADD.as_bytes());
    let o = output(
        wasmrt()
            .args(["--invoke", "add"])
            .arg(&plain)
            .args(["1", "1"]),
        b"",
    );
    assert_eq!(text(&o.stdout), "2\n", "{}", text(&o.stderr));
    // A missing module is reported as `run` reports it.
    let o = output(wasmrt().arg(d.join("missing.wasm")), b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("cannot read"),
        "{}",
        text(&o.stderr)
    );
}

/// Everything after the module is the guest's, options included (as in
/// wasmtime): `wasmrt run prog.wasm --help` passes `--help` on.
#[test]
fn arguments_after_the_module_are_the_guests() {
    let d = tmp("guest_options");
    // Exits with its argument count.
    let module = write(
        &d,
        "argc.wat",
        br#"(module
             (import "wasi_snapshot_preview1" "args_sizes_get"
               (func $sizes (param i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (memory (export "memory") 1)
             (func (export "_start")
               (drop (call $sizes (i32.const 0) (i32.const 4)))
               (call $exit (i32.load (i32.const 0)))))"#,
    );
    for (before, after, count) in [
        (&[][..], &["--help", "--dir", ".", "-V"][..], 5),
        (&["run"], &["--version"], 2),
        (&["run", "--env", "A=1"], &["--invoke", "x", "y"], 4),
        (&["--dir", "."], &[], 1),
    ] {
        let o = output(wasmrt().args(before).arg(&module).args(after), b"");
        assert_eq!(
            o.status.code(),
            Some(count),
            "{before:?} FILE {after:?}: {}",
            text(&o.stderr)
        );
        assert_eq!(text(&o.stdout), "", "{before:?} FILE {after:?}");
    }
}

fn wasmrt_wat(text: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    let mut wat: wast::Wat = wast::parser::parse(&buf).unwrap();
    wat.encode().unwrap()
}

#[test]
fn inspect_lists_everything() {
    let wasm = wasi_test_wasm();
    let o = output(wasmrt().arg("inspect").arg(&wasm), b"");
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(
        out.contains("wasi_snapshot_preview1::fd_write: function"),
        "{out}"
    );
    assert!(out.contains("_start: function"), "{out}");
    assert!(out.contains("memory: memory"), "{out}");
    assert!(out.contains("\n  code "), "{out}");
    assert!(out.contains("functions: "), "{out}");
    let d = tmp("inspect");
    let wat = write(&d, "add.wat", ADD.as_bytes());
    let o = output(wasmrt().args(["inspect", "--json"]).arg(&wat), b"");
    assert_eq!(
        text(&o.stdout).trim(),
        r#"{"imports":[],"exports":[{"name":"add","kind":"function","type":"func [i32 i32] -> [i32]"},{"name":"pair","kind":"function","type":"func [i64 f64] -> [i64 f64]"},{"name":"boom","kind":"function","type":"func [] -> []"},{"name":"g","kind":"global","type":"global i32"}],"sections":[{"name":"type","size":17},{"name":"function","size":4},{"name":"global","size":6},{"name":"export","size":25},{"name":"code","size":20}],"functions":{"imported":0,"defined":3,"total":3}}"#
    );
}

#[test]
fn bad_arguments_and_help() {
    for args in [
        &["run", "--bogus", "x.wasm"][..],
        &["frobnicate"],
        &["run"],
        &["run", "--strategy", "fast", "x"],
        &["inspect"],
        &["wast"],
    ] {
        let o = output(wasmrt().args(args), b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error:"), "{err}");
    }
    let o = output(wasmrt().args(["run", "--env", "NOEQUALS", "x.wasm"]), b"");
    assert_eq!(o.status.code(), Some(2));
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["validate", "--help"],
        &["inspect", "--help"],
        &["compile", "--help"],
        &["wast", "--help"],
    ] {
        let o = output(wasmrt().args(args), b"");
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(text(&o.stdout).contains("Usage: wasmrt"), "{args:?}");
    }
}

/// proc_exit from a start function (during instantiation) is an exit too.
#[test]
fn exit_during_instantiation() {
    let d = tmp("start-exit");
    let wat = write(
        &d,
        "m.wat",
        br#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (func $s (call $exit (i32.const 5)))
          (start $s)
          (func (export "_start")))"#,
    );
    let o = output(wasmrt().arg("run").arg(&wat), b"");
    assert_eq!(o.status.code(), Some(5), "{}", text(&o.stderr));
}

/// A host stream that is closed reads as empty for the guest.
#[test]
fn closed_host_stdin_is_empty() {
    let wasm = wasi_test_wasm();
    let o = wasmrt()
        .arg("run")
        .arg(&wasm)
        .arg("stdio")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "");
    // Really closed: run through a shell that closes fd 0.
    let cmd = format!(
        "{} run {} stdio <&-",
        env!("CARGO_BIN_EXE_wasmrt"),
        wasm.display()
    );
    let o = Command::new("sh").arg("-c").arg(&cmd).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stderr), "to stderr\n");
}

/// `--dir HOST` (same name inside), and a directory that does not exist.
#[test]
fn dir_forms() {
    let d = tmp("dirforms");
    std::fs::write(d.join("f.txt"), "content").unwrap();
    // The guest reads the file through the guest name "/data"; with
    // `--dir HOST` the guest name is the host path itself.
    let wat = write(
        &d,
        "m.wat",
        br#"(module
          (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_prestat_get" (func $get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "_start")
            (drop (call $get (i32.const 3) (i32.const 0)))
            (drop (call $name (i32.const 3) (i32.const 100) (i32.load (i32.const 4))))
            (i32.store (i32.const 8) (i32.const 100))
            (i32.store (i32.const 12) (i32.load (i32.const 4)))
            (drop (call $w (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))"#,
    );
    let host = d.to_str().unwrap();
    let o = output(wasmrt().args(["run", "--dir", host]).arg(&wat), b"");
    assert_eq!(text(&o.stdout), host);
    let o = output(
        wasmrt()
            .args(["run", "--dir", &format!("{host}::/data")])
            .arg(&wat),
        b"",
    );
    assert_eq!(text(&o.stdout), "/data");
    let o = output(
        wasmrt()
            .args(["run", "--dir", "/no/such/dir::/x"])
            .arg(&wat),
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("/no/such/dir"),
        "{}",
        text(&o.stderr)
    );
    let o = output(wasmrt().args(["run", "--dir", "::/x"]).arg(&wat), b"");
    assert_eq!(o.status.code(), Some(2));
}

/// `compile` writes a .cwasm that run, validate and inspect accept; a
/// damaged one is refused.
#[test]
fn compile_then_run() {
    let d = tmp("compile");
    let wat = write(&d, "add.wat", ADD.as_bytes());
    let o = output(wasmrt().arg("compile").arg(&wat), b"");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let cwasm = d.join("add.cwasm");
    let o = output(
        wasmrt()
            .args(["run", "--invoke", "add"])
            .arg(&cwasm)
            .args(["20", "22"]),
        b"",
    );
    assert_eq!(text(&o.stdout), "42\n", "{}", text(&o.stderr));
    let o = output(wasmrt().arg("validate").arg(&cwasm), b"");
    assert_eq!(o.status.code(), Some(0));
    let o = output(wasmrt().arg("inspect").arg(&cwasm), b"");
    assert!(text(&o.stdout).contains("add: function"));
    // -o, and a WASI program.
    let out = d.join("prog.cwasm");
    let o = output(
        wasmrt()
            .arg("compile")
            .arg(wasi_test_wasm())
            .arg("-o")
            .arg(&out),
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    let o = output(wasmrt().arg("run").arg(&out).args(["exit", "4"]), b"");
    assert_eq!(o.status.code(), Some(4));
    // One byte changed in the payload: refused, not run.
    let mut bytes = std::fs::read(&cwasm).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0xff;
    let bad = write(&d, "bad.cwasm", &bytes);
    let o = output(
        wasmrt()
            .args(["run", "--invoke", "add"])
            .arg(&bad)
            .args(["1", "2"]),
        b"",
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let o = output(wasmrt().arg("validate").arg(&bad), b"");
    assert_eq!(o.status.code(), Some(1));
}

/// A script whose assertions all hold: counts per file, exit 0, in each
/// strategy.
#[test]
fn wast_passing_file() {
    let dir = tmp("wast_pass");
    let script = write(
        &dir,
        "pass.wast",
        br#"(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s))
(assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_invalid (module (func (result i32) i64.const 0)) "type mismatch")
(assert_malformed (module quote "(func") "unexpected")
"#,
    );
    for strategy in ["interp", "jit", "auto"] {
        let o = output(
            wasmrt().args(["wast", "--strategy", strategy]).arg(&script),
            b"",
        );
        let out = text(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{strategy}: {out}{}",
            text(&o.stderr)
        );
        let row = out.lines().find(|l| l.contains("pass.wast")).unwrap();
        let counts: Vec<&str> = row.split_whitespace().skip(1).take(3).collect();
        // module, assert_return, assert_trap, assert_invalid pass; the
        // text-format assert_malformed is skipped, never passed.
        assert_eq!(counts, ["4", "0", "1"], "{strategy}: {out}");
        assert!(row.contains("text-format (1)"), "{out}");
        assert!(
            out.contains(&format!(
                "4 passed, 0 failed, 1 skipped ({strategy} strategy)"
            )),
            "{out}"
        );
    }
}

/// Module definitions of the 3.0 script format: `(module instance)` with no
/// module name instantiates the latest definition, and each instance of a
/// definition has its own state. A plain `(module $m ...)` defines `$m` as
/// well as instantiating it, as in the specification's interpreter.
#[test]
fn wast_module_definitions() {
    let dir = tmp("wast_definitions");
    let script = write(
        &dir,
        "defs.wast",
        br#"(module definition
  (global $n (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))
(module instance)
(assert_return (invoke "bump") (i32.const 1))
(module instance $A)
(module instance $B)
(assert_return (invoke $A "bump") (i32.const 1))
(assert_return (invoke $A "bump") (i32.const 2))
(assert_return (invoke $B "bump") (i32.const 1))
(module definition $M (func (export "seven") (result i32) (i32.const 7)))
(module instance $C $M)
(assert_return (invoke $C "seven") (i32.const 7))
(module instance $D)
(assert_return (invoke $D "seven") (i32.const 7))
(module $P
  (global $n (mut i32) (i32.const 10))
  (func (export "bump") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))
(assert_return (invoke "bump") (i32.const 11))
(module instance $E $P)
(assert_return (invoke $E "bump") (i32.const 11))
(assert_return (invoke $P "bump") (i32.const 12))
(module (func (export "eight") (result i32) (i32.const 8)))
(module instance $F)
(assert_return (invoke $F "eight") (i32.const 8))
"#,
    );
    let o = output(wasmrt().arg("wast").arg(&script), b"");
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert!(out.contains("21 passed, 0 failed, 0 skipped"), "{out}");
}

/// A failing assertion makes the exit code 1 and is reported with its
/// line; the counts of each file are separate.
#[test]
fn wast_failing_file() {
    let dir = tmp("wast_fail");
    let good = write(
        &dir,
        "good.wast",
        b"(module (func (export \"f\") (result i32) i32.const 1))\n\
          (assert_return (invoke \"f\") (i32.const 1))\n",
    );
    let bad = write(
        &dir,
        "bad.wast",
        b"(module (func (export \"f\") (result i32) i32.const 1))\n\
          (assert_return (invoke \"f\") (i32.const 2))\n\
          (assert_trap (invoke \"f\") \"unreachable\")\n",
    );
    let o = output(wasmrt().arg("wast").arg(&good).arg(&bad), b"");
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let row = |name: &str| -> Vec<String> {
        let line = out.lines().find(|l| l.contains(name)).unwrap();
        line.split_whitespace()
            .skip(1)
            .take(3)
            .map(String::from)
            .collect()
    };
    assert_eq!(row("good.wast"), ["2", "0", "0"], "{out}");
    assert_eq!(row("bad.wast"), ["1", "2", "0"], "{out}");
    assert!(out.contains("line 2: expected"), "{out}");
    assert!(out.contains("line 3: expected trap"), "{out}");
    assert!(out.contains("3 passed, 2 failed, 0 skipped"), "{out}");
}

/// A script that does not parse, or cannot be read, is a failure of that
/// file with the parser's message; the other files still run.
#[test]
fn wast_unparsable_and_missing_files() {
    let dir = tmp("wast_parse");
    let broken = write(&dir, "broken.wast", b"(module (func\n");
    let good = write(&dir, "good.wast", b"(module)\n");
    let missing = dir.join("missing.wast");
    let o = output(
        wasmrt().arg("wast").arg(&broken).arg(&missing).arg(&good),
        b"",
    );
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("cannot parse the script"), "{out}");
    assert!(out.contains("cannot read"), "{out}");
    assert!(out.contains("1 passed, 2 failed, 0 skipped"), "{out}");
}

/// `proc_raise` answers as wasmtime's preview 1 does: `notsup` (58) for a
/// valid signal, `inval` (28) for a number outside the enumeration, and
/// the guest keeps running, in each strategy.
#[test]
fn proc_raise_is_notsup() {
    let d = tmp("raise");
    let wat = write(
        &d,
        "raise.wat",
        br#"(module
  (import "wasi_snapshot_preview1" "proc_raise" (func $raise (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "raise") (param i32) (result i32 i32)
    (call $raise (local.get 0))
    i32.const 7))
"#,
    );
    for strategy in ["interp", "jit", "auto"] {
        for (sig, want) in [("6", "58\n7\n"), ("0", "58\n7\n"), ("31", "28\n7\n")] {
            let o = output(
                wasmrt()
                    .args(["run", "--strategy", strategy, "--invoke", "raise"])
                    .arg(&wat)
                    .arg(sig),
                b"",
            );
            assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
            assert_eq!(text(&o.stdout), want, "{strategy} signal {sig}");
        }
    }
}

/// A .cwasm compiled with the jit strategy holds native code: run with
/// the same strategy gives the same results as the binary (a trap
/// included); run with another strategy or a damaged file is refused with
/// a message, exit 1; validate and inspect read it whatever its strategy.
#[test]
fn compile_native_code() {
    let d = tmp("compile_native");
    let wat = write(
        &d,
        "m.wat",
        br#"(module (memory 1)
  (func $fac (export "fac") (param i64) (result i64)
    local.get 0 i64.eqz
    if (result i64) i64.const 1
    else local.get 0 local.get 0 i64.const 1 i64.sub call $fac i64.mul end)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load))
"#,
    );
    let cwasm = d.join("m.cwasm");
    let o = output(
        wasmrt()
            .args(["compile", "--strategy", "jit"])
            .arg(&wat)
            .arg("-o")
            .arg(&cwasm),
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for file in [&wat, &cwasm] {
        let o = output(
            wasmrt()
                .args(["run", "--strategy", "jit", "--invoke", "fac"])
                .arg(file)
                .arg("20"),
            b"",
        );
        assert_eq!(
            text(&o.stdout),
            "2432902008176640000\n",
            "{}",
            text(&o.stderr)
        );
        let o = output(
            wasmrt()
                .args(["run", "--strategy", "jit", "--invoke", "load"])
                .arg(file)
                .arg("70000"),
            b"",
        );
        assert_eq!(o.status.code(), Some(134), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains("out of bounds memory access"));
    }
    let o = output(
        wasmrt()
            .args(["run", "--strategy", "interp", "--invoke", "fac"])
            .arg(&cwasm)
            .arg("3"),
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("strategy=Jit (here Interpreter)"), "{err}");
    let mut bytes = std::fs::read(&cwasm).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    let bad = write(&d, "bad.cwasm", &bytes);
    let o = output(
        wasmrt()
            .args(["run", "--strategy", "jit", "--invoke", "fac"])
            .arg(&bad)
            .arg("3"),
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("checksum mismatch"),
        "{}",
        text(&o.stderr)
    );
    let o = output(wasmrt().arg("validate").arg(&cwasm), b"");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = output(wasmrt().arg("inspect").arg(&cwasm), b"");
    assert!(
        text(&o.stdout).contains("fac: function"),
        "{}",
        text(&o.stderr)
    );
}

/// `compile --fuel N` / `--timeout D` make a .cwasm for runs with those
/// flags (fuel metering and epoch checks in its code): run with them it
/// stops the guest as a .wasm would; run without them, or one compiled
/// without them run with them, is refused with exit 1.
#[test]
fn compile_for_sandbox_flags() {
    let d = tmp("compile_sandbox");
    let spin = write(
        &d,
        "spin.wat",
        b"(module (func (export \"_start\") (loop $l (br $l))))",
    );
    for strategy in ["interp", "jit", "auto"] {
        let compile = |flags: &[&str], out: &str| {
            let cwasm = d.join(format!("{strategy}-{out}"));
            let o = output(
                wasmrt()
                    .args(["compile", "--strategy", strategy])
                    .args(flags)
                    .arg(&spin)
                    .arg("-o")
                    .arg(&cwasm),
                b"",
            );
            assert_eq!(o.status.code(), Some(0), "{strategy}: {}", text(&o.stderr));
            cwasm
        };
        let run = |flags: &[&str], file: &Path| run_with(strategy, flags, file);
        let fueled = compile(&["--fuel", "1"], "fuel.cwasm");
        let (code, err) = run(&["--fuel", "100000"], &fueled);
        assert_eq!(code, Some(134), "{strategy}: {err}");
        assert!(err.contains("(--fuel 100000)"), "{strategy}: {err}");
        let timed = compile(&["--timeout", "1s"], "timeout.cwasm");
        let (code, err) = run(&["--timeout", "100ms"], &timed);
        assert_eq!(code, Some(134), "{strategy}: {err}");
        assert!(err.contains("(--timeout 100ms)"), "{strategy}: {err}");
        let plain = compile(&[], "plain.cwasm");
        for (flags, file) in [
            (&[][..], &fueled),
            (&["--fuel", "100"][..], &plain),
            (&["--fuel", "100"][..], &timed),
            (&["--timeout", "1s"][..], &plain),
        ] {
            let (code, err) = run(flags, file);
            assert_eq!(code, Some(1), "{strategy} {flags:?} {file:?}: {err}");
            assert!(
                err.contains("compiled with other engine settings"),
                "{strategy}: {err}"
            );
        }
    }
    let o = output(
        wasmrt().args(["compile", "--timeout", "soon"]).arg(&spin),
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
}

/// `--fuel`, `--timeout`, `--max-stack` and `--max-memory` stop a guest
/// in every strategy with a trap (exit 134) or an error (exit 1) and a
/// line naming the flag; within its limits the same guest runs.
#[test]
fn sandbox_flags_name_the_limit() {
    let d = tmp("sandbox-flags");
    let spin = write(
        &d,
        "spin.wat",
        b"(module (func (export \"_start\") (loop $l (br $l))))",
    );
    let count = write(
        &d,
        "count.wat",
        br#"(module (func (export "_start") (local $n i32)
              (loop $l (br_if $l (i32.lt_u (local.tee $n (i32.add (local.get $n) (i32.const 1)))
                                           (i32.const 1000))))))"#,
    );
    let recurse = write(
        &d,
        "recurse.wat",
        b"(module (func $f (export \"_start\") (call $f)))",
    );
    let grow = write(
        &d,
        "grow.wat",
        br#"(module (memory 1) (func (export "_start")
              (if (i32.lt_s (memory.grow (i32.const 16)) (i32.const 0)) (then unreachable))))"#,
    );
    let big = write(
        &d,
        "big.wat",
        b"(module (memory 32) (func (export \"_start\")))",
    );
    for strategy in ["interp", "jit", "auto"] {
        let run = |flags: &[&str], file: &Path| run_with(strategy, flags, file);
        let (code, err) = run(&["--fuel", "100000"], &spin);
        assert_eq!(code, Some(134), "{strategy}: {err}");
        assert!(err.contains("all fuel consumed"), "{strategy}: {err}");
        assert!(err.contains("(--fuel 100000)"), "{strategy}: {err}");
        // 1000 iterations of 7 operators fit in 10000 fuel.
        let (code, err) = run(&["--fuel", "10000"], &count);
        assert_eq!(code, Some(0), "{strategy}: {err}");

        let started = std::time::Instant::now();
        let (code, err) = run(&["--timeout", "100ms"], &spin);
        assert_eq!(code, Some(134), "{strategy}: {err}");
        assert!(err.contains("interrupted"), "{strategy}: {err}");
        assert!(err.contains("(--timeout 100ms)"), "{strategy}: {err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        let (code, err) = run(&["--timeout", "60s"], &count);
        assert_eq!(code, Some(0), "{strategy}: {err}");

        let (code, err) = run(&["--max-stack", "64K"], &recurse);
        assert_eq!(code, Some(134), "{strategy}: {err}");
        assert!(err.contains("call stack exhausted"), "{strategy}: {err}");
        assert!(err.contains("(--max-stack 65536)"), "{strategy}: {err}");

        // memory.grow sees -1; the guest then traps, and the refusal is named.
        let (code, err) = run(&["--max-memory", "1M"], &grow);
        assert_eq!(code, Some(134), "{strategy}: {err}");
        assert!(
            err.contains("linear memory bytes (limit 1048576)"),
            "{strategy}: {err}"
        );
        assert!(err.contains("(--max-memory 1048576)"), "{strategy}: {err}");
        let (code, err) = run(&["--max-memory", "2M"], &grow);
        assert_eq!(code, Some(0), "{strategy}: {err}");
        // A module whose own memory is over the limit does not instantiate.
        let (code, err) = run(&["--max-memory", "1M"], &big);
        assert_eq!(code, Some(1), "{strategy}: {err}");
        assert!(err.contains("(--max-memory 1048576)"), "{strategy}: {err}");
    }
    for bad in [
        &["--fuel", "lots"][..],
        &["--max-memory", "12X"],
        &["--max-stack", "-1"],
        &["--timeout", "soon"],
    ] {
        let o = output(wasmrt().arg("run").args(bad).arg(&spin), b"");
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert_eq!(text(&o.stderr).lines().count(), 1, "{bad:?}");
    }
}

/// `--max-open-files` bounds the descriptors a guest holds: with 6, the
/// standard streams and one `--dir` take 4, so the guest opens 2 and is
/// refused with `mfile` (33).
#[test]
fn max_open_files_bounds_descriptors() {
    let d = tmp("max-open-files");
    let guest = Path::new(env!("CARGO_MANIFEST_DIR")).join("capi-tests/wasi_guest.wat");
    let run = |extra: &[&str]| {
        let o = output(
            wasmrt()
                .arg("run")
                .arg("--dir")
                .arg(&d)
                .args(extra)
                .args(["--invoke", "open_many"])
                .arg(&guest),
            b"",
        );
        o.status.code()
    };
    // The exit status is 100 * opened + errno.
    assert_eq!(run(&["--max-open-files", "6"]), Some(233));
    assert_eq!(run(&["--max-open-files", "7"]), Some(333 % 256));
    let o = output(
        wasmrt()
            .args(["run", "--max-open-files", "many"])
            .arg(&guest),
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
}

/// With `WASMRT_PERF_MAP=1`, the functions the JIT maps are listed in
/// `/tmp/perf-PID.map` for `perf` (`START SIZE wasm[INDEX]`); without it
/// nothing is written.
#[test]
fn perf_map_lists_native_functions() {
    let d = tmp("perf_map");
    let wat = write(&d, "add.wat", ADD.as_bytes());
    for listed in [true, false] {
        let mut cmd = wasmrt();
        cmd.args(["run", "--strategy", "jit", "--invoke", "add"])
            .arg(&wat)
            .args(["1", "2"])
            .stdout(Stdio::piped());
        if listed {
            cmd.env("WASMRT_PERF_MAP", "1");
        } else {
            cmd.env_remove("WASMRT_PERF_MAP");
        }
        let child = cmd.spawn().unwrap();
        let map = PathBuf::from(format!("/tmp/perf-{}.map", child.id()));
        let out = child.wait_with_output().unwrap();
        assert_eq!(text(&out.stdout), "3\n");
        let lines = std::fs::read_to_string(&map).unwrap_or_default();
        let _ = std::fs::remove_file(&map);
        if !listed {
            assert_eq!(lines, "");
            continue;
        }
        let line = lines
            .lines()
            .find(|l| l.ends_with(" wasm[0]"))
            .unwrap_or_else(|| panic!("no wasm[0] in {lines:?}"));
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 3, "{line}");
        assert!(u64::from_str_radix(fields[0], 16).unwrap() > 0, "{line}");
        assert!(u64::from_str_radix(fields[1], 16).unwrap() > 0, "{line}");
    }
}

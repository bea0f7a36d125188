//! WASI programs from other toolchains, run side by side under
//! `wasmrt run` (each strategy) and wasmtime: the same stdout, stderr,
//! files and exit code. Rust's wasm32-wasip1 std
//! (tests/wasi/toolchains/rust_prog.rs) and AssemblyScript with its WASI
//! shim (tests/wasi/toolchains/as_prog.ts; `asc` from npm packages in
//! `WASMRT_ASC_DIR`, else `~/.cache/wasmrt-peers/asc`, which
//! scripts/install-test-deps.sh fills). wasmtime runs through its Python
//! package (`WASMRT_PEERS_PYTHON`, else
//! `~/.cache/wasmrt-peers/venv/bin/python`). Without a toolchain or
//! wasmtime, a test prints one SKIPPED line and passes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn work(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("wasi_toolchains")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A Python with the `wasmtime` package, if there is one; otherwise prints
/// the test's SKIPPED line.
fn wasmtime_python() -> Option<PathBuf> {
    let found = find_wasmtime_python();
    if found.is_none() {
        println!(
            "wasi_toolchains: SKIPPED: no Python with the wasmtime package \
             (set WASMRT_PEERS_PYTHON)"
        );
    }
    found
}

fn find_wasmtime_python() -> Option<PathBuf> {
    let python = std::env::var_os("WASMRT_PEERS_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| Path::new(&h).join(".cache/wasmrt-peers/venv/bin/python"))
        })?;
    let ok = Command::new(&python)
        .args(["-c", "import wasmtime"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

/// Every file under `dir` with its contents, sorted, paths relative.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if p.is_dir() {
                out.push((format!("{rel}/"), Vec::new()));
                stack.push(p);
            } else {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// What a run leaves: stdout, stderr, exit code, the directory's files.
#[derive(Debug, PartialEq)]
struct Outcome {
    stdout: String,
    stderr: String,
    code: i32,
    files: Vec<(String, Vec<u8>)>,
}

const STDIN: &[u8] = b"first line\nsecond\n";
const ENV: [&str; 2] = ["GREETING=hello", "EMPTY="];
const ARGS: [&str; 3] = ["7", "two words", "--flag"];

fn under_wasmrt(wasm: &Path, strategy: &str, dir: &Path) -> Outcome {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmrt"));
    cmd.args(["run", "--strategy", strategy, "--dir"])
        .arg(format!("{}::/out", dir.display()));
    for e in ENV {
        cmd.args(["--env", e]);
    }
    cmd.arg(wasm).args(ARGS);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(STDIN).unwrap();
    let o = child.wait_with_output().unwrap();
    Outcome {
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().unwrap_or(-1),
        files: tree(dir),
    }
}

fn under_wasmtime(python: &Path, wasm: &Path, dir: &Path, io: &Path) -> Outcome {
    let stdin = io.join("stdin");
    std::fs::write(&stdin, STDIN).unwrap();
    let (out, err) = (io.join("stdout"), io.join("stderr"));
    let o = Command::new(python)
        .arg(root().join("tests/wasi/toolchains/run_wasmtime.py"))
        .arg(wasm)
        .arg(dir)
        .arg("/out")
        .args([&stdin, &out, &err])
        .args(ENV)
        .arg("--")
        .args(ARGS)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "wasmtime runner failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    Outcome {
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
        code: String::from_utf8_lossy(&o.stdout).trim().parse().unwrap(),
        files: tree(dir),
    }
}

#[test]
fn rust_wasip1_program_matches_wasmtime() {
    let Some(python) = wasmtime_python() else {
        return;
    };
    let build = work("rust");
    let wasm = build.join("rust_prog.wasm");
    let compiled = Command::new("rustc")
        .args(["--target", "wasm32-wasip1", "-O", "--edition", "2021", "-o"])
        .arg(&wasm)
        .arg(root().join("tests/wasi/toolchains/rust_prog.rs"))
        .output();
    match compiled {
        Ok(o) if o.status.success() => {}
        _ => {
            println!(
                "wasi_toolchains: SKIPPED: rustc cannot build for wasm32-wasip1 \
                 (rustup target add wasm32-wasip1)"
            );
            return;
        }
    }
    let want = compare(&python, &wasm, &build);
    assert!(want.stdout.contains("escape: false"), "{want:?}");
    assert!(want.files.iter().any(|(f, _)| f == "moved.txt"), "{want:?}");
}

/// The same scenario in C, built by clang with wasi-libc (installed by
/// scripts/install-test-deps.sh, which tests/cli.rs needs too).
#[test]
fn c_wasi_libc_program_matches_wasmtime() {
    let Some(python) = wasmtime_python() else {
        return;
    };
    let build = work("c");
    let wasm = build.join("c_prog.wasm");
    let o = Command::new("clang")
        .args([
            "--target=wasm32-wasi",
            "-O1",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-o",
        ])
        .arg(&wasm)
        .arg(root().join("tests/wasi/toolchains/c_prog.c"))
        .output()
        .expect("clang (scripts/install-test-deps.sh installs it)");
    assert!(
        o.status.success(),
        "clang failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let want = compare(&python, &wasm, &build);
    assert!(want.stdout.contains("escape: false"), "{want:?}");
    assert!(want.stdout.contains("read back: hello from c"), "{want:?}");
    assert!(want.files.iter().any(|(f, _)| f == "moved.txt"), "{want:?}");
}

/// Runs `wasm` under wasmtime, then under wasmrt in each strategy, each
/// with a fresh directory; all must be equal. Returns wasmtime's outcome.
fn compare(python: &Path, wasm: &Path, build: &Path) -> Outcome {
    let dir = build.join("wasmtime-dir");
    std::fs::create_dir_all(&dir).unwrap();
    let want = under_wasmtime(python, wasm, &dir, build);
    assert_eq!(want.code, 7, "{want:?}");
    for strategy in ["interp", "jit", "auto"] {
        let dir = build.join(format!("wasmrt-{strategy}"));
        std::fs::create_dir_all(&dir).unwrap();
        let got = under_wasmrt(wasm, strategy, &dir);
        assert_eq!(got, want, "{strategy}");
    }
    want
}

#[test]
fn assemblyscript_program_matches_wasmtime() {
    let Some(python) = wasmtime_python() else {
        return;
    };
    let asc_dir = std::env::var_os("WASMRT_ASC_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/wasmrt-peers/asc"))
        });
    let Some(asc_dir) = asc_dir.filter(|d| d.join("node_modules/.bin/asc").exists()) else {
        println!(
            "wasi_toolchains: SKIPPED: no AssemblyScript compiler (npm install \
             assemblyscript @assemblyscript/wasi-shim in WASMRT_ASC_DIR)"
        );
        return;
    };
    let build = work("assemblyscript");
    let wasm = build.join("as_prog.wasm");
    let o = Command::new(asc_dir.join("node_modules/.bin/asc"))
        .arg(root().join("tests/wasi/toolchains/as_prog.ts"))
        .arg("--config")
        .arg("node_modules/@assemblyscript/wasi-shim/asconfig.json")
        .args(["-O", "-o"])
        .arg(&wasm)
        // The shim's configuration (named relative to the npm directory,
        // as asc resolves its library then) lives there.
        .current_dir(&asc_dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "asc failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let want = compare(&python, &wasm, &build);
    assert!(want.stdout.contains("arg two words"), "{want:?}");
    assert!(want.stdout.contains("env GREETING=hello"), "{want:?}");
    assert!(want.stdout.contains("stdin bytes 18"), "{want:?}");
}

//! The WebAssembly WASI test suite (github.com/WebAssembly/wasi-testsuite,
//! its prebuilt `prod/testsuite-base` branch): every `wasm32-wasip1` test
//! program (Rust, C and AssemblyScript) under `wasmrt run` with each
//! strategy, checked against its JSON specification (arguments,
//! environment, a directory preopened as `/`, exit code, stdout, stderr),
//! executed as the suite's `doc/specification.md` describes.
//!
//! The suite is looked for in `WASMRT_WASI_TESTSUITE`, else in
//! `~/.cache/wasmrt-peers/wasi-testsuite`, which
//! scripts/install-test-deps.sh fills (a pinned commit). Without it the
//! test prints one SKIPPED line and passes.
//!
//! Tests that preopen a directory run with `ERRNO_MODE_UNIX` set, so they
//! accept only the errors a Unix host gives (not also those of macOS or
//! Windows).

use std::path::{Path, PathBuf};
use std::process::Command;

fn suite_root() -> Option<PathBuf> {
    let root = std::env::var_os("WASMRT_WASI_TESTSUITE")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| Path::new(&h).join(".cache/wasmrt-peers/wasi-testsuite"))
        })?;
    root.join("tests").is_dir().then_some(root)
}

/// The directories of preview 1 test programs: `tests/*/testsuite/wasm32-wasip1`.
fn preview1_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("tests"))
        .unwrap()
        .map(|e| e.unwrap().path().join("testsuite/wasm32-wasip1"))
        .filter(|d| d.join("manifest.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// One test program's specification (the suite's "legacy" format, the
/// one its preview 1 tests use); absent fields take the suite's defaults,
/// and stdout and stderr are only checked when given.
struct Spec {
    args: Vec<String>,
    env: Vec<(String, String)>,
    root: Option<String>,
    exit_code: i32,
    stdout: Option<String>,
    stderr: Option<String>,
}

fn spec_for(wasm: &Path) -> Spec {
    let json = wasm.with_extension("json");
    let v: serde_json::Value = match std::fs::read_to_string(&json) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| panic!("{json:?}: {e}")),
        Err(_) => serde_json::json!({}),
    };
    let text = |k: &str| v.get(k).and_then(|s| s.as_str()).map(String::from);
    Spec {
        args: v["args"]
            .as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
            .unwrap_or_default(),
        env: v["env"]
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, s)| (k.clone(), s.as_str().unwrap().to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        root: text("root"),
        exit_code: v["exit_code"].as_i64().unwrap_or(0) as i32,
        stdout: text("stdout"),
        stderr: text("stderr"),
    }
}

/// Copies directory `from` (files and directories only) to `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// Runs one test program; `None` when it passes, else what went wrong.
fn run_one(wasm: &Path, strategy: &str, work: &Path) -> Option<String> {
    let spec = spec_for(wasm);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmrt"));
    cmd.args(["run", "--strategy", strategy]);
    for (k, v) in &spec.env {
        cmd.arg("--env").arg(format!("{k}={v}"));
    }
    if let Some(root) = &spec.root {
        // A fresh copy of the directory each time, as the suite's
        // `*.cleanup` files are left behind by a failing test.
        let dir = work.join(root);
        let _ = std::fs::remove_dir_all(&dir);
        copy_tree(&wasm.parent().unwrap().join(root), &dir);
        cmd.arg("--dir").arg(format!("{}::/", dir.display()));
        cmd.args(["--env", "ERRNO_MODE_UNIX=1"]);
    }
    let out = cmd.arg(wasm).args(&spec.args).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let mut wrong = Vec::new();
    if out.status.code() != Some(spec.exit_code) {
        wrong.push(format!(
            "exit {:?}, expected {}",
            out.status.code(),
            spec.exit_code
        ));
    }
    if spec.stdout.as_deref().is_some_and(|s| s != stdout) {
        wrong.push(format!(
            "stdout {stdout:?}, expected {:?}",
            spec.stdout.unwrap()
        ));
    }
    if spec.stderr.as_deref().is_some_and(|s| s != stderr) {
        wrong.push(format!(
            "stderr differs, expected {:?}",
            spec.stderr.unwrap()
        ));
    }
    if wrong.is_empty() {
        return None;
    }
    let tail: Vec<&str> = stderr.lines().take(6).collect();
    Some(format!(
        "{}\n    stderr: {}",
        wrong.join("; "),
        tail.join("\n            ")
    ))
}

#[test]
fn wasi_testsuite_preview1() {
    let Some(root) = suite_root() else {
        println!(
            "wasi_testsuite: SKIPPED: no wasi-testsuite checkout \
             (set WASMRT_WASI_TESTSUITE, or run scripts/install-test-deps.sh)"
        );
        return;
    };
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi_testsuite");
    let mut failures = Vec::new();
    let mut ran = 0;
    for dir in preview1_dirs(&root) {
        let mut programs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
            .collect();
        programs.sort();
        for wasm in &programs {
            for strategy in ["interp", "jit", "auto"] {
                ran += 1;
                if let Some(why) = run_one(wasm, strategy, &work) {
                    failures.push(format!("{} ({strategy}): {why}", wasm.display()));
                }
            }
        }
    }
    println!("wasi_testsuite: {ran} runs, {} failed", failures.len());
    assert!(ran > 0, "no wasm32-wasip1 test programs under {root:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! Where the spec testsuite's `.wast` files and the list of files to run
//! come from, so that `cargo test` works in any clone of the repository.
//!
//! The testsuite directory, first found wins:
//! 1. `WASMRT_TESTSUITE=DIR`: used as given; if `DIR` does not exist the
//!    run fails (an explicit request is never silently skipped);
//! 2. `../shared/testsuite` beside the repository (the project's shared
//!    checkout);
//! 3. a copy fetched by an earlier run: `target/tmp/wasm-testsuite-<commit>`;
//! 4. the official testsuite (github.com/WebAssembly/testsuite) at
//!    [`PINNED_COMMIT`], downloaded with `curl` into that directory, unless
//!    `WASMRT_TESTSUITE_FETCH=0`. `WASMRT_TESTSUITE_URL` replaces the
//!    download address (a mirror of the same tarball, `file://` works).
//!
//! If none is available the runner skips every file and says so in one
//! line; nothing is counted as passed. `WASMRT_REQUIRE_TESTSUITE=1` turns
//! that skip into a failure.
//!
//! The list of files (`core-2.0.txt`) is read from the testsuite directory
//! when it has one (the shared checkout does), otherwise from the copy
//! committed beside this file.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The testsuite commit whose files the shared checkout holds: every file
/// of `core-2.0.txt` (and every `.wast` of the root) is byte-identical at
/// this commit, the auto-update of 2026-06-17.
pub const PINNED_COMMIT: &str = "193e551ff22663995b1ac95dc62344133669e14b";

/// A testsuite directory and where it came from, for the report.
pub struct Suite {
    pub dir: PathBuf,
    pub origin: String,
}

/// Why no testsuite is available.
pub enum Unavailable {
    /// Nothing found and nothing fetched: skip, with this reason.
    Skip(String),
    /// The caller asked for something that does not exist: fail.
    Error(String),
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Finds (or fetches) the testsuite.
pub fn locate() -> Result<Suite, Unavailable> {
    if let Some(d) = std::env::var_os("WASMRT_TESTSUITE") {
        let dir = PathBuf::from(d);
        if !dir.is_dir() {
            return Err(Unavailable::Error(format!(
                "WASMRT_TESTSUITE={} is not a directory",
                dir.display()
            )));
        }
        return Ok(Suite {
            dir,
            origin: "WASMRT_TESTSUITE".into(),
        });
    }
    let shared = manifest_dir().join("../shared/testsuite");
    if shared.is_dir() {
        return Ok(Suite {
            dir: shared,
            origin: "../shared/testsuite".into(),
        });
    }
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("wasm-testsuite-{}", &PINNED_COMMIT[..12]));
    let origin = format!(
        "WebAssembly/testsuite at {}, fetched into {}",
        &PINNED_COMMIT[..12],
        cache.display()
    );
    if cache.is_dir() {
        return Ok(Suite { dir: cache, origin });
    }
    if std::env::var("WASMRT_TESTSUITE_FETCH").is_ok_and(|v| v == "0") {
        return Err(Unavailable::Skip(
            "no ../shared/testsuite, WASMRT_TESTSUITE unset, and fetching is off \
             (WASMRT_TESTSUITE_FETCH=0)"
                .into(),
        ));
    }
    match fetch(&cache) {
        Ok(()) => Ok(Suite { dir: cache, origin }),
        Err(e) => Err(Unavailable::Skip(format!(
            "no ../shared/testsuite, WASMRT_TESTSUITE unset, and fetching the \
             official testsuite failed: {e}"
        ))),
    }
}

/// Downloads the testsuite at [`PINNED_COMMIT`] into `dest`. Unpacks into
/// a scratch directory renamed at the end, so an interrupted download is
/// never mistaken for a complete copy.
fn fetch(dest: &Path) -> Result<(), String> {
    let url = std::env::var("WASMRT_TESTSUITE_URL").unwrap_or_else(|_| {
        format!("https://codeload.github.com/WebAssembly/testsuite/tar.gz/{PINNED_COMMIT}")
    });
    let parent = dest.parent().expect("cache directory has a parent");
    let name = dest.file_name().unwrap().to_string_lossy().into_owned();
    let tarball = parent.join(format!("{name}.tar.gz"));
    let partial = parent.join(format!("{name}.partial"));
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&partial).map_err(|e| format!("{}: {e}", partial.display()))?;
    println!("spec: fetching the WebAssembly testsuite from {url}");
    let curl = Command::new("curl")
        .args([
            "-fsSL",
            "--connect-timeout",
            "20",
            "--max-time",
            "600",
            "-o",
        ])
        .arg(&tarball)
        .arg(&url)
        .output()
        .map_err(|e| format!("cannot run curl: {e}"))?;
    if !curl.status.success() {
        let _ = std::fs::remove_file(&tarball);
        let _ = std::fs::remove_dir_all(&partial);
        return Err(format!(
            "curl {url}: {}",
            String::from_utf8_lossy(&curl.stderr).trim()
        ));
    }
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&partial)
        .arg("--strip-components=1")
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    let _ = std::fs::remove_file(&tarball);
    if !tar.status.success() {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(format!(
            "unpacking {url}: {}",
            String::from_utf8_lossy(&tar.stderr).trim()
        ));
    }
    std::fs::rename(&partial, dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(())
}

/// The list of files to run: the testsuite directory's own `name` if it
/// has one, else the copy committed beside this file.
pub fn list_path(dir: &Path, name: &str) -> PathBuf {
    let own = dir.join(name);
    if own.is_file() {
        own
    } else {
        committed_list(name)
    }
}

/// The copy of list `name` committed in `tests/spec/`.
pub fn committed_list(name: &str) -> PathBuf {
    manifest_dir().join("tests/spec").join(name)
}

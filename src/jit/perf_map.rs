//! Symbols for Linux `perf`: with `WASMRT_PERF_MAP=1` in the environment,
//! every function's native code is listed in `/tmp/perf-PID.map` as it is
//! mapped (`START SIZE wasm[INDEX]`, hexadecimal addresses), the file
//! `perf report` reads to name code that no ELF file describes.

use super::code::FuncCode;
use std::fs::File;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// The open map file, when the environment asks for one (`None` after a
/// failed open: profiling support is never worth failing a compile for).
fn file() -> Option<&'static Mutex<File>> {
    static FILE: OnceLock<Option<Mutex<File>>> = OnceLock::new();
    FILE.get_or_init(|| {
        if std::env::var_os("WASMRT_PERF_MAP").is_none_or(|v| v != "1") {
            return None;
        }
        let path = format!("/tmp/perf-{}.map", std::process::id());
        File::options()
            .create(true)
            .append(true)
            .open(path)
            .ok()
            .map(Mutex::new)
    })
    .as_ref()
}

/// Lists `funcs`, whose offsets are from `base`, when asked to.
pub(crate) fn record(base: usize, funcs: &[FuncCode]) {
    let Some(file) = file() else {
        return;
    };
    let mut lines = String::new();
    for f in funcs {
        use std::fmt::Write as _;
        let _ = writeln!(
            lines,
            "{:x} {:x} wasm[{}]",
            base + f.start,
            f.len,
            f.func_index
        );
    }
    let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
    // One write per region, so concurrent compiles do not interleave lines.
    let _ = file.write_all(lines.as_bytes());
}

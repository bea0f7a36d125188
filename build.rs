//! Build script: generates the extension header `wasmrt.h` from
//! `src/capi/ext.rs` and `src/capi/sandbox.rs` with cbindgen.
//!
//! The header is committed as `include/wasmrt.h`. The build writes the
//! freshly generated text to OUT_DIR and exposes its path to the tests
//! (`WASMRT_GENERATED_HEADER`), where a test fails if the committed file is
//! stale; `WASMRT_UPDATE_HEADER=1 cargo build` rewrites the committed file.

use std::path::PathBuf;

fn main() {
    select_dispatch();
    build_jit_helpers();
    set_soname();
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("wasmrt.h");
    println!("cargo:rerun-if-changed=src/capi/ext.rs");
    println!("cargo:rerun-if-changed=src/capi/sandbox.rs");
    println!("cargo:rerun-if-changed=src/capi/exception.rs");
    println!("cargo:rerun-if-changed=src/capi/reftypes.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=WASMRT_UPDATE_HEADER");
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/capi/ext.rs"))
        .with_src(root.join("src/capi/sandbox.rs"))
        .with_src(root.join("src/capi/exception.rs"))
        .with_src(root.join("src/capi/reftypes.rs"))
        .generate()
        .expect("generate wasmrt.h from src/capi/ext.rs");
    bindings.write_to_file(&out);
    println!("cargo:rustc-env=WASMRT_GENERATED_HEADER={}", out.display());
    if std::env::var_os("WASMRT_UPDATE_HEADER").is_some() {
        bindings.write_to_file(root.join("include/wasmrt.h"));
    }
}

/// `WASMRT_SONAME=libwasmrt.so.0` (set by the CMake build) gives the
/// shared library that SONAME. Only the cdylib gets the flag, so the
/// `wasmrt` binary is built in the same cargo run without rebuilding the
/// library twice; plain `cargo build` leaves it unset, so a library linked
/// in place from target/ needs no versioned file name.
fn set_soname() {
    println!("cargo:rerun-if-env-changed=WASMRT_SONAME");
    if let Some(name) = std::env::var("WASMRT_SONAME")
        .ok()
        .filter(|n| !n.is_empty())
    {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{name}");
    }
}

fn select_dispatch() {
    println!("cargo::rustc-check-cfg=cfg(wasmrt_tail_dispatch)");
    println!("cargo:rerun-if-env-changed=WASMRT_DISPATCH");
    let optimised = matches!(
        std::env::var("OPT_LEVEL").as_deref(),
        Ok("2" | "3" | "s" | "z")
    );
    let arch_ok = matches!(
        std::env::var("CARGO_CFG_TARGET_ARCH").as_deref(),
        Ok("x86_64" | "aarch64")
    );
    let forced_loop = std::env::var("WASMRT_DISPATCH").as_deref() == Ok("loop");
    if optimised && arch_ok && !forced_loop {
        println!("cargo:rustc-cfg=wasmrt_tail_dispatch");
    }
}

/// The JIT tier's landing points for traps (`src/jit/catch.c`): setjmp
/// and longjmp cannot be written in Rust. Where no C compiler for the
/// target exists (`cargo check` for another architecture), the file is
/// skipped with a warning: checking does not link.
fn build_jit_helpers() {
    println!("cargo:rerun-if-changed=src/jit/catch.c");
    if std::env::var_os("CARGO_FEATURE_JIT").is_none() {
        return;
    }
    let result = cc::Build::new()
        .file("src/jit/catch.c")
        .flag_if_supported("-fvisibility=hidden")
        .cargo_warnings(false)
        .try_compile("wasmrt_jit_catch");
    if let Err(e) = result {
        let host = std::env::var("HOST").unwrap_or_default();
        let target = std::env::var("TARGET").unwrap_or_default();
        if host == target {
            panic!("cannot compile src/jit/catch.c: {e}");
        }
        println!(
            "cargo:warning=src/jit/catch.c not compiled for {target} ({e}); linking will fail"
        );
    }
}

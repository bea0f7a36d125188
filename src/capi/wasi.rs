//! WASI for C: `include/wasi.h`. A `wasi_config_t` collects what the
//! guest may see (names follow wasmtime's `wasi_config_*`, so their users
//! port without edits); `wasi_module_imports` turns it into the imports of
//! a module for plain `wasm_instance_new`; `wasi_trap_exit_status` tells a
//! guest's `proc_exit` from a failure.
//!
//! Like the rest of the C API, nothing here panics across the boundary:
//! null and non-UTF-8 arguments give `false`, and the import builder runs
//! inside `catch_unwind` as a last line of defence.

use super::module::wasm_module_t;
use super::r#extern::wasm_extern_t;
use super::store::wasm_store_t;
use super::trap::wasm_trap_t;
use super::vec::*;
use crate::engine::{Error, Trap};
use crate::wasi::{self, Input, Output, WasiCtx, WasiCtxBuilder};
use std::ffi::{c_char, c_int, CStr};
use std::fs::File;
use std::ptr;

/// What the guest may see; consumed by `wasi_module_imports`.
pub struct wasi_config_t {
    builder: WasiCtxBuilder,
}

/// A C string as UTF-8, or `None` for null or invalid text.
///
/// # Safety
/// `s` is null or a NUL-terminated string.
unsafe fn text<'a>(s: *const c_char) -> Option<&'a str> {
    if s.is_null() {
        return None;
    }
    // SAFETY: non-null and NUL-terminated (caller's contract).
    unsafe { CStr::from_ptr(s) }.to_str().ok()
}

/// `n` C strings from `list`, all valid UTF-8, or `None`.
///
/// # Safety
/// `list` points at `n` NUL-terminated strings (or `n` is 0).
unsafe fn texts(n: usize, list: *const *const c_char) -> Option<Vec<String>> {
    if n == 0 {
        return Some(Vec::new());
    }
    if list.is_null() {
        return None;
    }
    // SAFETY: `list` holds `n` pointers (caller's contract).
    let ptrs = unsafe { std::slice::from_raw_parts(list, n) };
    ptrs.iter()
        // SAFETY: each is a NUL-terminated string (caller's contract).
        .map(|p| unsafe { text(*p) }.map(String::from))
        .collect()
}

/// The config behind `c`, if not null.
///
/// # Safety
/// `c` is null or a live config.
unsafe fn config<'a>(c: *mut wasi_config_t) -> Option<&'a mut WasiCtxBuilder> {
    // SAFETY: null or live (caller's contract).
    unsafe { c.as_mut() }.map(|c| &mut c.builder)
}

#[no_mangle]
pub extern "C" fn wasi_config_new() -> *mut wasi_config_t {
    Box::into_raw(Box::new(wasi_config_t {
        builder: WasiCtx::builder(),
    }))
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_delete(c: *mut wasi_config_t) {
    if !c.is_null() {
        // SAFETY: an owned config made by `wasi_config_new`.
        drop(unsafe { Box::from_raw(c) });
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_argv(
    c: *mut wasi_config_t,
    argc: usize,
    argv: *const *const c_char,
) -> bool {
    // SAFETY: C API contract for both.
    match unsafe { (config(c), texts(argc, argv)) } {
        (Some(b), Some(args)) => {
            b.args(args);
            true
        }
        _ => false,
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_argv(c: *mut wasi_config_t) {
    // SAFETY: C API contract.
    if let Some(b) = unsafe { config(c) } {
        b.inherit_args();
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_max_open_files(c: *mut wasi_config_t, max: usize) {
    // SAFETY: C API contract.
    if let Some(b) = unsafe { config(c) } {
        b.max_open_files(max);
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_env(
    c: *mut wasi_config_t,
    envc: usize,
    names: *const *const c_char,
    values: *const *const c_char,
) -> bool {
    // SAFETY: C API contract for all three.
    let (b, names, values) = unsafe { (config(c), texts(envc, names), texts(envc, values)) };
    let (Some(b), Some(names), Some(values)) = (b, names, values) else {
        return false;
    };
    if names.iter().any(|n| n.is_empty() || n.contains('=')) {
        return false;
    }
    b.clear_env();
    for (n, v) in names.into_iter().zip(values) {
        b.env(n, v);
    }
    true
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_env(c: *mut wasi_config_t) {
    // SAFETY: C API contract.
    if let Some(b) = unsafe { config(c) } {
        b.inherit_env();
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdin_file(
    c: *mut wasi_config_t,
    path: *const c_char,
) -> bool {
    // SAFETY: C API contract for both.
    let (Some(b), Some(path)) = (unsafe { config(c) }, unsafe { text(path) }) else {
        return false;
    };
    match File::open(path) {
        Ok(f) => {
            b.stdin(Input::File(f));
            true
        }
        Err(_) => false,
    }
}

/// Takes the bytes of `binary` (the vector is left empty).
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdin_bytes(
    c: *mut wasi_config_t,
    binary: *mut wasm_byte_vec_t,
) {
    // SAFETY: C API contract.
    let Some(b) = (unsafe { config(c) }) else {
        return;
    };
    // SAFETY: null or a vector made by this library (C API contract).
    let bytes = match unsafe { binary.as_mut() } {
        Some(v) => unsafe { v.take() },
        None => Vec::new(),
    };
    b.stdin(Input::Bytes(bytes));
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_stdin(c: *mut wasi_config_t) {
    // SAFETY: C API contract.
    if let Some(b) = unsafe { config(c) } {
        b.stdin(Input::Inherit);
    }
}

/// Creates (or truncates) the file at C string `path` and hands it to
/// `set` as an output of config `c`. False if either is invalid or the
/// file cannot be created.
///
/// # Safety
/// `c` is null or a live config; `path` is null or NUL-terminated.
unsafe fn set_output_file(
    c: *mut wasi_config_t,
    path: *const c_char,
    set: impl FnOnce(&mut WasiCtxBuilder, Output),
) -> bool {
    // SAFETY: the caller's contract, for both.
    let (config, path) = unsafe { (config(c), text(path)) };
    match (config, path.and_then(|p| File::create(p).ok())) {
        (Some(b), Some(file)) => {
            set(b, Output::File(file));
            true
        }
        _ => false,
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdout_file(
    c: *mut wasi_config_t,
    path: *const c_char,
) -> bool {
    // SAFETY: C API contract for both.
    unsafe {
        set_output_file(c, path, |b, out| {
            b.stdout(out);
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_stdout(c: *mut wasi_config_t) {
    // SAFETY: C API contract.
    if let Some(b) = unsafe { config(c) } {
        b.stdout(Output::Inherit);
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stderr_file(
    c: *mut wasi_config_t,
    path: *const c_char,
) -> bool {
    // SAFETY: C API contract for both.
    unsafe {
        set_output_file(c, path, |b, out| {
            b.stderr(out);
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_stderr(c: *mut wasi_config_t) {
    // SAFETY: C API contract.
    if let Some(b) = unsafe { config(c) } {
        b.stderr(Output::Inherit);
    }
}

/// Grants the guest host directory `host_path` under the name
/// `guest_path`. False if it is not a directory we can open.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_preopen_dir(
    c: *mut wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
) -> bool {
    // SAFETY: C API contract for all three.
    let (Some(b), Some(host), Some(guest)) =
        (unsafe { config(c) }, unsafe { text(host_path) }, unsafe {
            text(guest_path)
        })
    else {
        return false;
    };
    let usable =
        std::fs::metadata(host).is_ok_and(|m| m.is_dir()) && std::fs::read_dir(host).is_ok();
    if !usable || guest.is_empty() {
        return false;
    }
    b.preopen_dir(host, guest);
    true
}

/// Reports `message` through the optional trap out-parameter.
///
/// # Safety
/// `trap_out` is null or writable.
unsafe fn report(store: *mut wasm_store_t, trap_out: *mut *mut wasm_trap_t, message: String) {
    if !trap_out.is_null() {
        // SAFETY: writable (caller's contract).
        unsafe { trap_out.write(wasm_trap_t::from_trap(store, Trap::new(message))) }
    }
}

/// Fills `out` with the imports of `module`, in its import order, made
/// from `config` (which is consumed, also on failure). On failure `out`
/// is left empty, false is returned, and `*trap_out` (if not null) gets a
/// trap whose message names the import that is neither WASI nor known.
#[no_mangle]
pub unsafe extern "C" fn wasi_module_imports(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    config: *mut wasi_config_t,
    out: *mut wasm_extern_vec_t,
    trap_out: *mut *mut wasm_trap_t,
) -> bool {
    // SAFETY: the caller's contract is this function's.
    unsafe {
        module_imports(
            "wasi_module_imports",
            store,
            module,
            config,
            None,
            out,
            trap_out,
        )
    }
}

/// Like `wasi_module_imports`, for a module that also imports other
/// things: `given` has one entry per import of the module; a non-null
/// entry is used (copied into `out`) for its import, a null one is filled
/// with the WASI function of that name.
#[no_mangle]
pub unsafe extern "C" fn wasi_module_imports_with(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    config: *mut wasi_config_t,
    given: *const wasm_extern_vec_t,
    out: *mut wasm_extern_vec_t,
    trap_out: *mut *mut wasm_trap_t,
) -> bool {
    // SAFETY: the caller's contract is this function's.
    unsafe {
        module_imports(
            "wasi_module_imports_with",
            store,
            module,
            config,
            Some(given),
            out,
            trap_out,
        )
    }
}

/// `wasi_module_imports` (`given` is `None`) and `wasi_module_imports_with`;
/// `name` is the caller's, for messages.
///
/// # Safety
/// As for `wasi_module_imports_with`: null or live handles, `config` owned.
unsafe fn module_imports(
    name: &str,
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    config: *mut wasi_config_t,
    given: Option<*const wasm_extern_vec_t>,
    out: *mut wasm_extern_vec_t,
    trap_out: *mut *mut wasm_trap_t,
) -> bool {
    if !trap_out.is_null() {
        // SAFETY: writable (C API contract).
        unsafe { trap_out.write(ptr::null_mut()) }
    }
    let builder = if config.is_null() {
        WasiCtx::builder()
    } else {
        // SAFETY: an owned config made by `wasi_config_new`; consumed here.
        unsafe { Box::from_raw(config) }.builder
    };
    if !out.is_null() {
        // SAFETY: writable (C API contract).
        unsafe { out.write(WasmVec::empty()) }
    }
    if store.is_null() || module.is_null() || out.is_null() || given.is_some_and(|g| g.is_null()) {
        let what = if given.is_some() {
            "store, module, given or out"
        } else {
            "store, module or out"
        };
        // SAFETY: as above.
        unsafe { report(store, trap_out, format!("{name}: null {what}")) };
        return false;
    }
    // SAFETY: a valid vector of live externs or nulls (C API contract).
    let given_slice = given.map_or(&[][..], |g| unsafe { (*g).as_slice() });
    // SAFETY: a live module (C API contract).
    let import_count = unsafe { (*module).module() }.imports().len();
    if given.is_some() && given_slice.len() != import_count {
        let msg = format!(
            "{name}: {} given entries for a module with {import_count} imports",
            given_slice.len()
        );
        // SAFETY: as above.
        unsafe { report(store, trap_out, msg) };
        return false;
    }
    // SAFETY: elements are live handles or null (C API contract).
    let given_externs: Vec<_> = given_slice
        .iter()
        .map(|e| unsafe { e.as_ref() }.and_then(|e| e.to_extern()))
        .collect();
    let mut builder = builder;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let ctx = builder.build().map_err(Error::Invalid)?;
        // SAFETY: live store and module (C API contract).
        let (store_ref, module_ref) = unsafe { (&mut (*store).store, (*module).module()) };
        wasi::imports_given(store_ref, module_ref, ctx, &given_externs)
    }));
    match result {
        Ok(Ok(externs)) => {
            let items: Vec<*mut wasm_extern_t> = externs
                .into_iter()
                .map(|e| wasm_extern_t::from_extern(store, e))
                .collect();
            // SAFETY: writable (checked above).
            unsafe { out.write(WasmVec::from_vec(items)) };
            true
        }
        Ok(Err(e)) => {
            // SAFETY: as above.
            unsafe { report(store, trap_out, e.to_string()) };
            false
        }
        Err(_) => {
            // SAFETY: as above.
            unsafe { report(store, trap_out, format!("{name}: internal error")) };
            false
        }
    }
}

/// If `trap` is a guest's `proc_exit`, stores its status and returns
/// true; false for any other trap (or null).
#[no_mangle]
pub unsafe extern "C" fn wasi_trap_exit_status(
    trap: *const wasm_trap_t,
    status: *mut c_int,
) -> bool {
    // SAFETY: null or a live trap (C API contract).
    let Some(t) = (unsafe { trap.as_ref() }) else {
        return false;
    };
    match t.trap().exit_status() {
        Some(s) => {
            if !status.is_null() {
                // SAFETY: writable (C API contract).
                unsafe { status.write(s) };
            }
            true
        }
        None => false,
    }
}

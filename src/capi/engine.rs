//! Configuration and engines.

use crate::engine::{Config, Engine};

/// Engine settings. `wasm_engine_new` uses the defaults, with the
/// `WASMRT_STRATEGY` environment variable applied.
pub struct wasm_config_t {
    pub(crate) config: Config,
}

pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

#[no_mangle]
pub extern "C" fn wasm_config_new() -> *mut wasm_config_t {
    Box::into_raw(Box::new(wasm_config_t {
        config: Config::from_env(),
    }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_config_delete(c: *mut wasm_config_t) {
    if !c.is_null() {
        // SAFETY: an owned box made by `wasm_config_new`.
        drop(unsafe { Box::from_raw(c) });
    }
}

#[no_mangle]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    Box::into_raw(Box::new(wasm_engine_t {
        engine: Engine::default(),
    }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_engine_new_with_config(c: *mut wasm_config_t) -> *mut wasm_engine_t {
    if c.is_null() {
        return wasm_engine_new();
    }
    // SAFETY: the config is owned and consumed (C API contract).
    let c = unsafe { Box::from_raw(c) };
    Box::into_raw(Box::new(wasm_engine_t {
        engine: Engine::new(&c.config),
    }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_engine_delete(e: *mut wasm_engine_t) {
    if !e.is_null() {
        // SAFETY: an owned box made by `wasm_engine_new*`. Stores and
        // modules keep the engine's shared state alive themselves.
        drop(unsafe { Box::from_raw(e) });
    }
}

//! wasmrt: a WebAssembly runtime delivered as a C library implementing the
//! standard wasm-c-api (`include/wasm.h`), with a Rust API in [`engine`].
//!
//! Layers (see `docs/ARCHITECTURE.md`): `capi` converts and delegates to
//! `engine`; `engine` decodes, validates, links and owns objects; `interp`
//! executes; `runtime` is the data layout both execution tiers share.

pub mod capi;
pub mod engine;
pub mod interp;
pub mod runtime;
pub mod wasi;

pub use engine::*;

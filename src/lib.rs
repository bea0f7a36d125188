//! wasmrt: a WebAssembly runtime delivered as a C library implementing the
//! standard wasm-c-api (`include/wasm.h`), with a Rust API in [`engine`].
//!
//! Layers (see `docs/ARCHITECTURE.md`): `capi` converts and delegates to
//! `engine`; `engine` decodes, validates, links and owns objects; `interp`
//! executes; `module` describes a validated module to the tiers; `runtime`
//! is the data layout and the runtime functions both execution tiers share.

#![deny(unsafe_op_in_unsafe_fn)]

pub mod capi;
pub mod engine;
mod interp;
#[cfg(feature = "jit")]
mod jit;
mod module;
mod runtime;
pub mod wasi;

pub use engine::*;

//! The C API: `wasm.h` (standard), `wasmrt.h` (extensions). One file per
//! section of the header; each converts arguments and delegates to
//! `engine`. No panic may unwind across the C boundary.

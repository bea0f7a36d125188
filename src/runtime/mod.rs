//! What both execution tiers run against: the per-instance context
//! ([`VMContext`]), linear memories, tables, globals, function references,
//! and trap codes. Nothing here knows how code is executed.

pub mod memory;
pub mod table;
pub mod trap;
pub mod vmcontext;

pub use memory::LinearMemory;
pub use table::TableData;
pub use trap::TrapCode;
pub use vmcontext::*;

/// WebAssembly page size (64 KiB).
pub const WASM_PAGE_SIZE: u64 = 65536;

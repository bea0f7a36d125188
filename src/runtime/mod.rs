//! What both execution tiers run against: the per-instance context
//! ([`VMContext`]), the per-store context ([`VMStoreContext`]), linear
//! memories, tables, globals, function references, the runtime functions
//! both tiers call, and trap codes. Nothing here knows how code is
//! executed or what the engine's objects look like.

pub mod huge_pages;
pub mod instance;
pub mod libcalls;
pub mod limits;
pub mod memory;
pub mod memory_image;
pub mod pool;
pub mod stack;
pub mod store;
pub mod table;
pub mod thread;
pub mod trap;
pub mod types;
pub mod vmcontext;
pub mod written_pages;

pub use instance::{DataBytes, VMInstance};
pub use memory::LinearMemory;
pub use store::{FramePos, PendingTrap, RawFrame, TrapReason, VMStoreContext};
pub use table::TableData;
pub use trap::TrapCode;
pub use vmcontext::*;

/// WebAssembly page size (64 KiB).
pub const WASM_PAGE_SIZE: u64 = 65536;

//! The tier-neutral description of a validated module: its types, function
//! signatures, constant expressions and segment metadata.
//!
//! The engine builds a [`ModuleInfo`] while it decodes and validates a
//! binary; both execution tiers translate function bodies against it and
//! never see the engine itself (see `docs/ARCHITECTURE.md`).

pub mod body_reader;
pub mod gc_objects;
mod info;
pub mod metering;
pub mod types;

pub use info::*;

//! Tier 1: the interpreter.
//!
//! `translate` turns validated wasm bodies into the register IR of `ir`
//! once, at module compile time; `exec` runs it. See `docs/INTERPRETER.md`
//! for the design.

mod exec;
pub mod float;
#[cfg(test)]
mod fusion_tests;
pub mod ir;
pub mod simd;
mod translate;

pub use exec::{array_call, ExecState};
pub use translate::{TranslateEnv, Translator};

use crate::module::types::FuncType;
use crate::runtime::NativeCode;
use ir::Instr;
use std::sync::atomic::{AtomicPtr, AtomicU32};

/// A function body in interpreter form.
#[derive(Debug)]
pub struct CompiledFunc {
    pub ty: FuncType,
    pub code: Box<[Instr]>,
    /// For each instruction, the offset of the wasm operator it came from,
    /// relative to the start of the function body (for backtraces).
    pub offsets: Box<[u32]>,
    /// v128 constants and shuffle masks.
    pub pool: Box<[u128]>,
    /// Scalar constants, copied to slots `locals_end..` on entry.
    pub consts: Box<[u64]>,
    /// Slots taken by parameters (they arrive in slots 0..param_slots).
    pub param_slots: u32,
    /// Slots taken by the results (they leave in slots 0..result_slots).
    pub result_slots: u32,
    /// End of the locals (slots param_slots..locals_end start zeroed; the
    /// constants follow).
    pub locals_end: u32,
    /// Slots the frame needs at most.
    pub frame_slots: u32,
    /// Index in the module's function index space.
    pub func_index: u32,
    /// Calls and loop iterations counted by `Instr::Hot` (tier-up).
    pub hotness: AtomicU32,
    /// Native code for this function once it has been compiled (tier-up):
    /// callers then call it instead of interpreting, and references to the
    /// function adopt it.
    pub native: AtomicPtr<NativeCode>,
}

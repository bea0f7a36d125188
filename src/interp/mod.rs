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
use ir::{Instr, Slot};
use std::sync::atomic::{AtomicPtr, AtomicU32};

/// The instructions `start..end` of a function, the body of a
/// `try_table`, and its catch clauses in order.
#[derive(Debug)]
pub struct TryRange {
    pub start: u32,
    pub end: u32,
    pub catches: Box<[Catch]>,
}

/// One catch clause: which exceptions it takes, and where it lands.
#[derive(Debug)]
pub struct Catch {
    /// The tag (an index of the instance), `None` for `catch_all`.
    pub tag: Option<u32>,
    /// Whether the exception reference is passed too (`catch_ref`,
    /// `catch_all_ref`), after the payload.
    pub with_ref: bool,
    /// The first instruction of its landing code, which branches to the
    /// clause's label with the values at `slot`.
    pub landing: u32,
    /// Where the payload (then the reference) is written.
    pub slot: Slot,
}

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
    /// The `try_table` handlers, innermost first where ranges nest.
    pub handlers: Box<[TryRange]>,
    /// Native code for this function once it has been compiled (tier-up):
    /// callers then call it instead of interpreting, and references to the
    /// function adopt it.
    pub native: AtomicPtr<NativeCode>,
}

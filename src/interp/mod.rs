//! Tier 1: the interpreter.
//!
//! `translate` turns validated wasm bodies into the register IR of `ir`,
//! each at its first call (see [`LazyFunc`]); `exec` runs it. See
//! `docs/INTERPRETER.md` for the design.

mod code_arena;
mod const_pool;
mod exec;
mod feed;
pub mod float;
#[cfg(test)]
mod fusion_tests;
pub mod ir;
mod light;
pub mod simd;
mod translate;

pub use code_arena::{Code, CodeArena};
use const_pool::ConstPool;
pub use exec::{array_call, ExecState};
pub use light::LightTranslator;
pub use translate::{TranslateEnv, Translator};

use crate::module::types::FuncType;
use crate::runtime::NativeCode;
use ir::Slot;
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, Ordering};
use std::sync::OnceLock;

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
    /// The instructions, in the module's code arena.
    pub code: Code,
    /// For each instruction, the offset of the wasm operator it came from,
    /// relative to the start of the function body (for backtraces): made
    /// when a trap first asks (`Translator::offsets`), as most functions
    /// never trap and the table is a quarter of the code's size.
    pub offsets: OnceLock<Box<[u32]>>,
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
    /// Whether the code uses the narrow instruction forms (see
    /// `Translator::translate`), for translating it again the same way.
    pub narrow: bool,
    /// Whether the light translator made the code (`light`), for
    /// translating it again the same way.
    pub light: bool,
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
    /// Set by the one thread that translates the function (see
    /// [`LazyFunc::claim`]).
    pub claimed: AtomicBool,
}

/// What `CompiledFunc::native` holds until the function is translated: not
/// an address, only a mark (nothing is ever allocated at address 1).
pub fn untranslated() -> *mut NativeCode {
    std::ptr::without_provenance_mut(1)
}

/// A function of a module whose interpreter code is made at its first
/// call: until then its `native` is [`untranslated()`] and its code empty;
/// the translation writes the code, then publishes it by clearing `native`
/// (release), so a caller that reads `native` (acquire) as null sees the
/// whole translation. Callers check `native` already (for tier-up): an
/// untranslated function costs them nothing more.
///
/// `repr(transparent)`: a context's `interp_funcs` indexes the module's
/// functions as `CompiledFunc`s.
#[repr(transparent)]
pub struct LazyFunc {
    func: UnsafeCell<CompiledFunc>,
}

// SAFETY: the only writes through the cell are `publish`'s, made once by
// the thread holding the claim, to fields no thread reads before the
// release store of `native` that follows them (see the type's docs);
// everything else in a `CompiledFunc` is immutable, atomic or a
// `OnceLock`.
unsafe impl Sync for LazyFunc {}

impl LazyFunc {
    /// A function of type `ty` with index `func_index`, not translated.
    pub fn new(ty: &FuncType, func_index: u32) -> LazyFunc {
        let slots =
            |tys: &[crate::module::types::ValType]| -> u32 { tys.iter().map(|t| t.slots()).sum() };
        let (param_slots, result_slots) = (slots(ty.params()), slots(ty.results()));
        LazyFunc {
            func: UnsafeCell::new(CompiledFunc {
                code: Code::EMPTY,
                offsets: OnceLock::new(),
                pool: Box::new([]),
                consts: Box::new([]),
                param_slots,
                result_slots,
                locals_end: param_slots,
                frame_slots: param_slots.max(result_slots),
                narrow: false,
                light: false,
                func_index,
                hotness: AtomicU32::new(0),
                handlers: Box::new([]),
                native: AtomicPtr::new(untranslated()),
                claimed: AtomicBool::new(false),
            }),
        }
    }

    /// The function, for the interpreter (which reads it through raw
    /// pointers, and its code only once translated).
    pub fn as_ptr(&self) -> *const CompiledFunc {
        self.func.get()
    }

    /// The function's native code once tier-up has made it (see
    /// `CompiledFunc::native`).
    #[cfg(feature = "jit")]
    pub fn native(&self) -> &AtomicPtr<NativeCode> {
        // SAFETY: a reference to the atomic alone, which is never written
        // through the cell.
        unsafe { &(*self.func.get()).native }
    }

    /// The function's index in the module's function index space.
    #[cfg(test)]
    pub fn func_index(&self) -> u32 {
        // SAFETY: written before the function was shared, never after.
        unsafe { (*self.func.get()).func_index }
    }

    /// Whether the function has interpreter code.
    pub fn is_translated(&self) -> bool {
        // SAFETY: `native` is atomic; the reference is to it alone.
        unsafe { (*self.func.get()).native.load(Ordering::Acquire) != untranslated() }
    }

    /// The function, translated.
    pub fn get(&self) -> Option<&CompiledFunc> {
        // SAFETY: once translated nothing writes to the function but its
        // atomics and its `offsets` cell (thread-safe).
        self.is_translated().then(|| unsafe { &*self.func.get() })
    }

    /// Claims the translation of the function for this thread: false if
    /// another thread holds the claim (or held it and published).
    pub fn claim(&self) -> bool {
        // SAFETY: a reference to the atomic alone.
        !unsafe { &(*self.func.get()).claimed }.swap(true, Ordering::Acquire)
    }

    /// Gives up a claim without publishing (the translation failed).
    pub fn release_claim(&self) {
        // SAFETY: a reference to the atomic alone.
        unsafe { &(*self.func.get()).claimed }.store(false, Ordering::Release);
    }

    /// Publishes `f`'s translation as this function's code.
    ///
    /// # Safety
    /// Called by the thread that holds the claim, while the function is
    /// untranslated.
    pub unsafe fn publish(&self, f: CompiledFunc) {
        let p = self.func.get();
        // SAFETY: guaranteed by the caller; no thread reads these fields
        // before the store below (they see `untranslated()` and wait for
        // the claim's holder instead).
        unsafe {
            (*p).code = f.code;
            (*p).pool = f.pool;
            (*p).consts = f.consts;
            (*p).locals_end = f.locals_end;
            (*p).frame_slots = f.frame_slots;
            (*p).narrow = f.narrow;
            (*p).light = f.light;
            (*p).handlers = f.handlers;
            // Null for interpreter code; machine code of the baseline
            // compiler otherwise (`jit::baseline`).
            (*p).native.store(f.native.into_inner(), Ordering::Release);
        }
    }
}

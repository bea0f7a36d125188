//! The per-store context both tiers read: limits and the state of the
//! current call (the pending trap), at fixed offsets.

use super::limits::Resources;
use super::thread::ThreadState;
use super::trap::TrapCode;
use super::types::TypeHierarchy;
use super::vmcontext::{NativeCode, VMContext, VMFuncRef};
use std::any::Any;
use std::ffi::c_void;
use std::sync::atomic::AtomicU64;

/// The epoch of stores whose engine has none (it never advances).
static NO_EPOCH: AtomicU64 = AtomicU64::new(0);

/// The type hierarchy of a context not yet tied to an engine (empty).
static NO_TYPES: TypeHierarchy = TypeHierarchy::new();

/// Why a call trapped, as the runtime knows it.
pub enum TrapReason {
    /// Raised by wasm code or a runtime function.
    Code(TrapCode),
    /// Raised by a host function; the payload is the host's own trap value
    /// (the engine's `Trap`), carried through the tiers untouched.
    Host(Box<dyn Any>),
    /// A WebAssembly exception on its way to a handler: the index of its
    /// object in [`VMStoreContext::exceptions`]. Unlike the other
    /// reasons, `try_table` handlers may catch it.
    Exception(u32),
}

/// A thrown exception: its tag (the store's tag index, the tag's
/// identity) and its payload in raw slots (a v128 takes two).
#[derive(Debug)]
pub struct ExnObject {
    pub tag: u32,
    pub values: Box<[u64]>,
}

impl std::fmt::Debug for TrapReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrapReason::Code(c) => write!(f, "Code({c:?})"),
            TrapReason::Host(_) => f.write_str("Host(..)"),
            TrapReason::Exception(e) => write!(f, "Exception({e})"),
        }
    }
}

/// Where in its function a trap's frame stood.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FramePos {
    /// Byte offset of the instruction from the start of the function body
    /// (native code knows it).
    #[cfg_attr(not(feature = "jit"), allow(dead_code))]
    Offset(u32),
    /// Index of an interpreter instruction in the function's translation:
    /// its wasm offset is looked up when the trap is reported (the
    /// interpreter keeps no table of them until a trap asks; see
    /// `CompiledFunc::offsets`).
    InterpInstr(u32),
}

/// One wasm frame a trap unwound through, as a tier reports it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RawFrame {
    /// The context of the frame's instance.
    pub vmctx: *mut VMContext,
    /// Function index in the module's function index space.
    pub func_index: u32,
    /// Where in the function the frame is.
    pub pos: FramePos,
    /// The module whose function the frame runs, when the tier that found
    /// it could not tell its instance (a native caller found by its return
    /// address, which may belong to another module than `vmctx`'s
    /// instance): the key its code was given (`JitModule::set_module_key`).
    /// 0: the function is of `vmctx`'s module.
    pub module: usize,
}

/// A trap on its way out to the host: set by whoever raises it, frames
/// appended (innermost first) by every tier it unwinds through, taken by
/// the engine at the host-to-wasm entry.
#[derive(Debug)]
pub struct PendingTrap {
    pub reason: TrapReason,
    pub frames: Vec<RawFrame>,
}

/// Per-store state shared by the engine and both tiers. `#[repr(C)]`: the
/// leading fields sit at fixed offsets for native code.
#[repr(C)]
pub struct VMStoreContext {
    /// Host stack addresses below this are out of bounds for wasm (native
    /// code compares its stack pointer with it); 0 when no call is active.
    pub stack_limit: usize,
    /// The host stack address at the outermost host-to-wasm entry (0 when
    /// idle): nested host<->wasm calls are bounded from it.
    pub native_start: usize,
    /// Fuel left to spend (when the engine consumes fuel; see
    /// `module::metering`).
    pub fuel: u64,
    /// The engine's epoch counter (when the engine has epoch
    /// interruption; it outlives the store, which holds the engine).
    pub epoch: *const AtomicU64,
    /// Wasm code traps with "interrupted" once `*epoch` reaches this.
    pub epoch_deadline: u64,
    /// The interpreter's per-store state (`*mut interp::ExecState`), owned
    /// by the engine's store.
    pub interp: *mut c_void,
    /// The engine's store (`*mut engine::Store`) for the duration of the
    /// outermost call, so host functions get a fresh reference to it.
    pub store: *mut c_void,
    /// Tier-up: the interpreter counts calls and loop iterations of each
    /// function and reports the function once its count reaches this (0:
    /// never).
    pub hot_threshold: u32,
    /// Where the interpreter reports a hot function: the instance's context
    /// and the function's index.
    pub tier_up: Option<unsafe fn(*mut VMContext, u32)>,
    /// On-stack replacement: native code that finishes a running
    /// invocation of a function from the head of one of its loops (the
    /// instance's context, the function's index and the loop's ordinal),
    /// or null while there is none (the first ask has it compiled).
    pub osr: Option<unsafe fn(*mut VMContext, u32, u32) -> *const NativeCode>,
    /// Compiles the function of a reference that has no native code yet
    /// at once, and switches the reference to it; false when it cannot be
    /// (a host function, one the JIT does not support, or code the
    /// reference's instance cannot run). Native code asks this before a
    /// tail call to such a function, so that calls between native and
    /// interpreted code cannot nest where the program asks for constant
    /// stack.
    pub native_now: Option<unsafe fn(*mut VMFuncRef) -> bool>,
    /// Translates a function of the instance at its first call (see
    /// `interp::LazyFunc`): the instance's context and the function's
    /// index; false with a trap raised if it cannot be.
    pub translate: Option<unsafe fn(*mut VMContext, u32) -> bool>,
    /// The trap being propagated, if any.
    pub trap: Option<PendingTrap>,
    /// The store's resource limits and usage.
    pub resources: Resources,
    /// Every exception thrown in the store; an `exnref` is an index in
    /// it plus one. They live as long as the store (without GC there is
    /// no telling when the last reference to one is gone).
    pub exceptions: Vec<ExnObject>,
    /// The engine's declared supertypes (it outlives the store, which
    /// holds the engine), for subtype checks on the slow path.
    pub types: *const TypeHierarchy,
    /// The engine's `max_wasm_stack`, here so the host-to-wasm entry does
    /// not reach through the engine for it.
    pub max_wasm_stack: usize,
    /// The state of the thread running the store's calls, set by each
    /// host-to-wasm entry (null before the first) so that entries into
    /// native code within the call do not look it up again.
    pub thread: *const ThreadState,
}

impl VMStoreContext {
    pub fn new() -> VMStoreContext {
        VMStoreContext {
            stack_limit: 0,
            native_start: 0,
            fuel: 0,
            epoch: &NO_EPOCH,
            epoch_deadline: u64::MAX,
            interp: std::ptr::null_mut(),
            store: std::ptr::null_mut(),
            hot_threshold: 0,
            tier_up: None,
            osr: None,
            native_now: None,
            translate: None,
            trap: None,
            resources: Resources::default(),
            exceptions: Vec::new(),
            types: &NO_TYPES,
            max_wasm_stack: 0,
            thread: std::ptr::null(),
        }
    }

    /// Starts the propagation of exception object `exn` (an index in
    /// `exceptions`).
    pub fn throw(&mut self, exn: u32) {
        self.trap = Some(PendingTrap {
            reason: TrapReason::Exception(exn),
            frames: Vec::new(),
        });
    }

    /// A new exception object; returns its index.
    pub fn new_exception(&mut self, tag: u32, values: Box<[u64]>) -> u32 {
        self.exceptions.push(ExnObject { tag, values });
        (self.exceptions.len() - 1) as u32
    }

    /// The exception being propagated, if the pending trap is one.
    pub fn pending_exception(&self) -> Option<u32> {
        match self.trap {
            Some(PendingTrap {
                reason: TrapReason::Exception(e),
                ..
            }) => Some(e),
            _ => None,
        }
    }

    /// Starts a trap raised by wasm code or a runtime function.
    pub fn raise(&mut self, code: TrapCode) {
        self.trap = Some(PendingTrap {
            reason: TrapReason::Code(code),
            frames: Vec::new(),
        });
    }

    /// Starts a trap raised by a host function.
    pub fn raise_host(&mut self, payload: Box<dyn Any>) {
        self.trap = Some(PendingTrap {
            reason: TrapReason::Host(payload),
            frames: Vec::new(),
        });
    }

    /// Adds the frames of a tier the pending trap unwinds through.
    pub fn push_frames(&mut self, frames: impl IntoIterator<Item = RawFrame>) {
        if let Some(t) = &mut self.trap {
            t.frames.extend(frames);
        }
    }
}

impl Default for VMStoreContext {
    fn default() -> VMStoreContext {
        VMStoreContext::new()
    }
}

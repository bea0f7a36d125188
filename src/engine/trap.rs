//! Trap values: a message, the trap code when the engine raised it, and the
//! wasm backtrace at the point of the trap.

use super::instance::Instance;
use super::tag::ExnRef;
use crate::runtime::TrapCode;
use std::fmt;
use std::sync::Arc;

/// One wasm frame of a backtrace, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// The instance whose function this frame runs.
    pub instance: Option<Instance>,
    /// Function index in the module's function index space.
    pub func_index: u32,
    /// Byte offset of the trapping instruction from the start of the
    /// function body.
    pub func_offset: usize,
    /// Byte offset of the trapping instruction in the module binary.
    pub module_offset: usize,
}

#[derive(Debug)]
struct TrapInner {
    code: Option<TrapCode>,
    message: String,
    trace: Vec<FrameInfo>,
    /// Set when the trap is a guest's request to exit (WASI `proc_exit`).
    exit_status: Option<i32>,
    /// Set when the trap is a WebAssembly exception no handler caught, or
    /// one a host function throws (see [`Trap::throw`]).
    exception: Option<ExnRef>,
}

/// A trap: cheap to clone, immutable.
#[derive(Clone, Debug)]
pub struct Trap(Arc<TrapInner>);

impl Trap {
    /// A trap raised by the host with `message`.
    pub fn new(message: impl Into<String>) -> Trap {
        Trap(Arc::new(TrapInner {
            code: None,
            message: message.into(),
            trace: Vec::new(),
            exit_status: None,
            exception: None,
        }))
    }

    /// A trap that ends the guest with exit status `status` (WASI
    /// `proc_exit`): host functions return it to unwind the guest, and
    /// embedders tell it from a failure with [`Trap::exit_status`].
    pub fn exit(status: i32) -> Trap {
        Trap(Arc::new(TrapInner {
            code: None,
            message: format!("guest exited with status {status}"),
            trace: Vec::new(),
            exit_status: Some(status),
            exception: None,
        }))
    }

    /// A WebAssembly exception escaping a call: returned by a host
    /// function, it is thrown in the calling wasm code, where `try_table`
    /// handlers can catch it; from a call the host made, it says that no
    /// handler caught the exception.
    pub fn throw(exn: ExnRef) -> Trap {
        Trap(Arc::new(TrapInner {
            code: None,
            message: "uncaught exception".into(),
            trace: Vec::new(),
            exit_status: None,
            exception: Some(exn),
        }))
    }

    /// The exception of a trap made by [`Trap::throw`], or of an exception
    /// no handler caught.
    pub fn exception(&self) -> Option<ExnRef> {
        self.0.exception
    }

    /// The status of a trap made by [`Trap::exit`]; `None` for any other.
    pub fn exit_status(&self) -> Option<i32> {
        self.0.exit_status
    }

    pub(crate) fn from_code(code: TrapCode, trace: Vec<FrameInfo>) -> Trap {
        Trap(Arc::new(TrapInner {
            code: Some(code),
            message: code.message().to_string(),
            trace,
            exit_status: None,
            exception: None,
        }))
    }

    /// A copy of this trap with `trace` appended (used when a host trap
    /// propagates through wasm frames).
    pub(crate) fn with_trace(&self, trace: Vec<FrameInfo>) -> Trap {
        if !self.0.trace.is_empty() || trace.is_empty() {
            return self.clone();
        }
        Trap(Arc::new(TrapInner {
            code: self.0.code,
            message: self.0.message.clone(),
            trace,
            exit_status: self.0.exit_status,
            exception: self.0.exception,
        }))
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The code of an engine-raised trap; `None` for host traps.
    pub fn code(&self) -> Option<TrapCode> {
        self.0.code
    }

    /// Wasm frames at the trap, innermost first.
    pub fn trace(&self) -> &[FrameInfo] {
        &self.0.trace
    }

    /// Whether two handles refer to the same trap.
    pub fn ptr_eq(a: &Trap, b: &Trap) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Trap {}

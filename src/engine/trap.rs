//! Trap values: a message, the trap code when the engine raised it, and the
//! wasm backtrace at the point of the trap.

use super::instance::Instance;
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
        }))
    }

    pub(crate) fn from_code(code: TrapCode, trace: Vec<FrameInfo>) -> Trap {
        Trap(Arc::new(TrapInner {
            code: Some(code),
            message: code.message().to_string(),
            trace,
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

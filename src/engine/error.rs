//! The engine's error type for everything but traps during calls.

use super::trap::Trap;
use std::fmt;

/// Why a module could not be compiled, linked or instantiated, or why a
/// host-side operation on a store object was refused.
#[derive(Clone, Debug)]
pub enum Error {
    /// The binary is malformed or invalid. `offset` is the byte offset in
    /// the module where the problem was found.
    Compile { message: String, offset: usize },
    /// The module is valid WebAssembly but uses something wasmrt does not
    /// implement: GC objects (struct and array values, `i31`, the `any`
    /// and `eq` hierarchy). `offset` is where the first such use is.
    Unsupported { message: String, offset: usize },
    /// An import is missing or does not match the type the module expects.
    Link(String),
    /// Instantiation trapped (start function, or a segment out of bounds).
    Trap(Trap),
    /// A resource limit was hit (memory or table too large, ...).
    Limit(String),
    /// A host-side API call was given an unusable argument.
    Invalid(String),
}

impl Error {
    pub(crate) fn from_wasmparser(e: wasmparser::BinaryReaderError) -> Error {
        Error::Compile {
            message: e.message().to_string(),
            offset: e.offset() as usize,
        }
    }

    /// The message without the category prefix.
    pub fn message(&self) -> String {
        match self {
            Error::Compile { message, .. } | Error::Unsupported { message, .. } => message.clone(),
            Error::Link(m) | Error::Limit(m) | Error::Invalid(m) => m.clone(),
            Error::Trap(t) => t.message().to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Compile { message, offset } => {
                write!(f, "invalid module at offset {offset:#x}: {message}")
            }
            Error::Unsupported { message, offset } => {
                write!(f, "unsupported module at offset {offset:#x}: {message}")
            }
            Error::Link(m) => write!(f, "link error: {m}"),
            Error::Trap(t) => write!(f, "{t}"),
            Error::Limit(m) => write!(f, "resource limit: {m}"),
            Error::Invalid(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<crate::module::CompileError> for Error {
    fn from(e: crate::module::CompileError) -> Error {
        let (message, offset) = (e.message, e.offset);
        if e.unsupported {
            Error::Unsupported { message, offset }
        } else {
            Error::Compile { message, offset }
        }
    }
}

impl From<Trap> for Error {
    fn from(t: Trap) -> Error {
        Error::Trap(t)
    }
}

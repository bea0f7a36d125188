//! Traps: the ways WebAssembly execution can stop abnormally. Both tiers
//! raise the same [`TrapCode`]s; the engine turns them into `Trap` values
//! carrying a message and a wasm backtrace.

use std::fmt;

/// Why execution trapped. The `Display` text is the wording of the
/// WebAssembly specification (and its test suite), so users can match on it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum TrapCode {
    /// The `unreachable` instruction was executed.
    Unreachable,
    /// A load or store (or bulk memory operation) went out of bounds.
    MemoryOutOfBounds,
    /// A table access (or bulk table operation) went out of bounds.
    TableOutOfBounds,
    /// `call_indirect` index beyond the table.
    UndefinedElement,
    /// `call_indirect` on a null table entry.
    UninitializedElement,
    /// `call_indirect` whose callee has another signature.
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// Signed division overflow, or a float->int truncation out of range.
    IntegerOverflow,
    /// Float->int truncation of a NaN.
    InvalidConversionToInteger,
    /// The call stack or value stack limit was reached.
    StackExhausted,
    /// A null reference was dereferenced (e.g. `call_ref`).
    NullReference,
    /// The store ran out of fuel.
    OutOfFuel,
    /// Execution was interrupted from another thread.
    Interrupted,
}

impl TrapCode {
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::StackExhausted => "call stack exhausted",
            TrapCode::NullReference => "null reference",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::Interrupted => "interrupted",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

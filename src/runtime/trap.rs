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
    /// A null reference was dereferenced (`ref.as_non_null`).
    NullReference,
    /// The store ran out of fuel.
    OutOfFuel,
    /// Execution was interrupted from another thread.
    Interrupted,
    /// `call_ref` or `return_call_ref` on a null reference.
    NullFunctionReference,
    /// `throw_ref` on a null reference.
    NullExceptionReference,
}

impl TrapCode {
    /// Every code, in the order of their numbers (see [`TrapCode::number`]).
    pub const ALL: [TrapCode; 15] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::UndefinedElement,
        TrapCode::UninitializedElement,
        TrapCode::IndirectCallTypeMismatch,
        TrapCode::IntegerDivisionByZero,
        TrapCode::IntegerOverflow,
        TrapCode::InvalidConversionToInteger,
        TrapCode::StackExhausted,
        TrapCode::NullReference,
        TrapCode::OutOfFuel,
        TrapCode::Interrupted,
        TrapCode::NullFunctionReference,
        TrapCode::NullExceptionReference,
    ];

    /// A number for the code, from 1 (0 means "no trap" where runtime
    /// functions return a code to native code).
    pub fn number(self) -> u32 {
        TrapCode::ALL
            .iter()
            .position(|&c| c == self)
            .map_or(0, |i| i as u32 + 1)
    }

    /// The code numbered `n` by [`TrapCode::number`].
    pub fn from_number(n: u32) -> Option<TrapCode> {
        TrapCode::ALL.get((n as usize).checked_sub(1)?).copied()
    }

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
            TrapCode::NullFunctionReference => "null function reference",
            TrapCode::NullExceptionReference => "null exception reference",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for code in TrapCode::ALL {
            assert_eq!(TrapCode::from_number(code.number()), Some(code));
        }
        assert_eq!(TrapCode::from_number(0), None);
        assert_eq!(TrapCode::from_number(99), None);
    }
}

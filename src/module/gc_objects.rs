//! The instructions that would create or inspect WebAssembly GC objects
//! (structs, arrays, `i31`, casts, `ref.eq`, conversions between `any`
//! and `extern`), which wasmrt does not implement.
//!
//! wasmrt validates with wasmparser's GC feature on, because the 3.0 type
//! system (recursion groups, declared subtypes, final types) lives there,
//! and accepts every GC *type*: struct and array definitions, `anyref`,
//! `(ref null $struct)`, `nullref` and the rest. Without these
//! instructions no GC object can come to exist (the host cannot make one
//! either), so such references are always null and the tiers need nothing
//! more than they do for a null `funcref`. Modules that use one of these
//! instructions are refused with `Error::Unsupported`: the translators
//! and the constant-expression reader check each operator with
//! [`is_gc_instruction`], and so does the validation of a module that
//! fails without the GC proposal (`engine::compile`).

use super::CompileError;
use wasmparser::Operator;

/// Whether `op` is one of the GC proposal's instructions.
pub fn is_gc_instruction(op: &Operator<'_>) -> bool {
    macro_rules! gc_operators {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            match op {
                $( Operator::$op { .. } => gc_operators!(is_gc @$proposal), )*
                _ => false,
            }
        };
        (is_gc @gc) => { true };
        (is_gc @$other:ident) => { false };
    }
    wasmparser::for_each_operator!(gc_operators)
}

/// The error for GC instruction `op` at `offset`.
pub fn refuse(op: &Operator<'_>, offset: usize) -> CompileError {
    CompileError::unsupported(
        format!("{op:?}: WebAssembly GC objects are not supported"),
        offset,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_gc_proposal_operators_count() {
        assert!(is_gc_instruction(&Operator::RefI31));
        assert!(is_gc_instruction(&Operator::RefEq));
        assert!(!is_gc_instruction(&Operator::RefIsNull));
        assert!(!is_gc_instruction(&Operator::RefAsNonNull));
        assert!(!is_gc_instruction(&Operator::Nop));
    }
}

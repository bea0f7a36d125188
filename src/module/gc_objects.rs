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
//! [`is_gc_instruction`]; [`first_use`] finds one for `Module::validate`.

use super::CompileError;
use wasmparser::{
    BinaryReaderError, ConstExpr, ElementItems, ElementKind, Operator, OperatorsReader, Parser,
    Payload,
};

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

/// The first GC instruction of a module (in a function body or a constant
/// expression), as the error that refuses it. Meant for modules that
/// validate; a malformed one reads as `None` from where it breaks.
pub fn first_use(bytes: &[u8]) -> Option<CompileError> {
    scan(bytes).ok().flatten()
}

type Found = Result<Option<CompileError>, BinaryReaderError>;

fn scan(bytes: &[u8]) -> Found {
    for payload in Parser::new(0).parse_all(bytes) {
        let hit = match payload? {
            Payload::GlobalSection(r) => {
                let mut hit = None;
                for g in r {
                    hit = hit.or(operators(g?.init_expr.get_operators_reader())?);
                }
                hit
            }
            Payload::TableSection(r) => {
                let mut hit = None;
                for t in r {
                    if let wasmparser::TableInit::Expr(e) = t?.init {
                        hit = hit.or(const_expr(&e)?);
                    }
                }
                hit
            }
            Payload::ElementSection(r) => {
                let mut hit = None;
                for e in r {
                    let e = e?;
                    if let ElementKind::Active { offset_expr, .. } = &e.kind {
                        hit = hit.or(const_expr(offset_expr)?);
                    }
                    if let ElementItems::Expressions(_, exprs) = e.items {
                        for expr in exprs {
                            hit = hit.or(const_expr(&expr?)?);
                        }
                    }
                }
                hit
            }
            Payload::DataSection(r) => {
                let mut hit = None;
                for d in r {
                    if let wasmparser::DataKind::Active { offset_expr, .. } = d?.kind {
                        hit = hit.or(const_expr(&offset_expr)?);
                    }
                }
                hit
            }
            Payload::CodeSectionEntry(body) => operators(body.get_operators_reader()?)?,
            _ => None,
        };
        if hit.is_some() {
            return Ok(hit);
        }
    }
    Ok(None)
}

fn const_expr(e: &ConstExpr<'_>) -> Found {
    operators(e.get_operators_reader())
}

fn operators(mut ops: OperatorsReader<'_>) -> Found {
    while !ops.eof() {
        let offset = ops.original_position();
        let op = ops.read()?;
        if is_gc_instruction(&op) {
            return Ok(Some(refuse(&op, offset as usize)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(wat: &str) -> Option<String> {
        first_use(&wat::parse_str(wat).unwrap()).map(|e| e.message)
    }

    #[test]
    fn gc_types_alone_are_accepted() {
        for wat in [
            "(module (rec (type (func)) (type (struct (field i32)))))",
            "(module (type $a (array i8)) (func (param (ref null $a))))",
            "(module (global anyref (ref.null none)) (func (local eqref i31ref)))",
            "(module (type $t (sub (func))) (type (sub $t (func))) (func (type 1)))",
        ] {
            assert_eq!(scan(wat), None, "{wat}");
        }
    }

    #[test]
    fn gc_instructions_are_found_in_code_and_constants() {
        let s = "(type $s (struct))";
        for body in [
            "(func (struct.new $s) drop)",
            "(func (param anyref) (result i32) (ref.eq (ref.null eq) (ref.null eq)))",
            "(func (param externref) (result anyref) (any.convert_extern (local.get 0)))",
            "(global i32 (i31.get_s (ref.i31 (i32.const 1))))",
            "(global (ref null $s) (struct.new_default $s))",
        ] {
            let found = scan(&format!("(module {s} {body})"));
            assert!(
                found
                    .as_deref()
                    .is_some_and(|m| m.contains("GC objects are not supported")),
                "{body}: {found:?}"
            );
        }
    }

    #[test]
    fn only_gc_proposal_operators_count() {
        assert!(is_gc_instruction(&Operator::RefI31));
        assert!(is_gc_instruction(&Operator::RefEq));
        assert!(!is_gc_instruction(&Operator::RefIsNull));
        assert!(!is_gc_instruction(&Operator::RefAsNonNull));
        assert!(!is_gc_instruction(&Operator::Nop));
    }
}

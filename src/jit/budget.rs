//! How much code generation a function gets, by its size.
//!
//! Cranelift's optimiser and backtracking register allocator take time
//! and memory that grow faster than a function's size on some shapes a
//! module can choose: ten thousand calls in one block took a second to
//! allocate, forty thousand took seventeen; forty thousand
//! `call_indirect`s took 25 s and 2 GB. Real code stays far below where
//! that starts (the largest function of esbuild's 14 MB Go module is
//! 135,000 instructions of IR, 8,400 blocks and 2,300 calls; sqlite's is
//! 21,500), so functions past these bounds are compiled by the quick
//! pipeline (no optimisation, the single-pass allocator: linear, with
//! code about twice as slow), and those too large even for it are left
//! to the interpreter, as untranslatable functions are. A `.wasm` file
//! thus cannot make compilation hang or exhaust memory.

use cranelift_codegen::ir::Function;

/// Bodies longer than this (in bytes) are not translated at all: ten
/// times the largest seen in real modules, and each byte can become tens
/// of instructions of IR.
const MAX_BODY_BYTES: u64 = 1 << 20;

/// Whether a body of `bytes` bytes may be translated, or why not.
pub fn body_fits(bytes: u64) -> Result<(), String> {
    if bytes > MAX_BODY_BYTES {
        return Err(format!(
            "too large to compile ({bytes} bytes of body, at most {MAX_BODY_BYTES})"
        ));
    }
    Ok(())
}

/// Past this much IR (instructions plus jump table entries) a function is
/// left to the interpreter.
pub const MAX_IR: usize = 1_000_000;

/// Why a function of `ir` instructions of IR is not compiled.
pub fn too_large(ir: usize) -> String {
    format!("too large to compile ({ir} instructions of IR, at most {MAX_IR})")
}

/// Past any of these, a function gets the quick pipeline.
const FULL_MAX_IR: usize = 256 * 1024;
const FULL_MAX_BLOCKS: usize = 32 * 1024;
const FULL_MAX_CALLS: usize = 4096;

/// The code generation a function gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// Optimised, with the backtracking register allocator.
    Full,
    /// Unoptimised, with the single-pass register allocator.
    Quick,
}

/// The effort translated function `func` gets, or why it is too large
/// to compile.
pub fn effort(func: &Function) -> Result<Effort, String> {
    let dfg = &func.dfg;
    let table_entries: usize = dfg
        .jump_tables
        .values()
        .map(|t| t.all_branches().len())
        .sum();
    let ir = dfg.num_insts() + table_entries;
    if ir > MAX_IR {
        return Err(too_large(ir));
    }
    let layout = &func.layout;
    let calls = layout
        .blocks()
        .flat_map(|b| layout.block_insts(b))
        .filter(|i| dfg.insts[*i].opcode().is_call())
        .count();
    Ok(
        if ir > FULL_MAX_IR || dfg.num_blocks() > FULL_MAX_BLOCKS || calls > FULL_MAX_CALLS {
            Effort::Quick
        } else {
            Effort::Full
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::ir::{types, AbiParam, InstBuilder, Signature, UserFuncName};
    use cranelift_codegen::isa::CallConv;
    use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

    /// A function of `calls` calls in one block.
    fn calls(calls: usize) -> Function {
        let mut func = Function::with_name_signature(
            UserFuncName::user(0, 0),
            Signature::new(CallConv::SystemV),
        );
        let mut fctx = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut func, &mut fctx);
        let block = b.create_block();
        b.switch_to_block(block);
        b.seal_block(block);
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.push(AbiParam::new(types::I64));
        let sig = b.import_signature(sig);
        let callee = b.ins().iconst(types::I64, 0x1000);
        for _ in 0..calls {
            b.ins().call_indirect(sig, callee, &[callee]);
        }
        b.ins().return_(&[]);
        b.finalize(crate::jit::isa().unwrap().frontend_config());
        func
    }

    #[test]
    fn many_calls_get_the_quick_pipeline() {
        assert_eq!(effort(&calls(FULL_MAX_CALLS)), Ok(Effort::Full));
        assert_eq!(effort(&calls(FULL_MAX_CALLS + 1)), Ok(Effort::Quick));
    }

    #[test]
    fn too_much_ir_is_refused() {
        assert_eq!(effort(&calls(MAX_IR - 3)), Ok(Effort::Quick));
        let err = effort(&calls(MAX_IR)).unwrap_err();
        assert!(err.contains("too large to compile"), "{err}");
    }
}

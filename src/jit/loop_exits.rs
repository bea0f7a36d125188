//! Puts each loop exit second in its conditional branch, so that
//! Cranelift's mid-end hoists loop-invariant values out of the loop.
//!
//! Cranelift places pure values by walking the dominator tree in preorder,
//! children in reverse postorder, keeping a stack of the loops it is in;
//! a value whose operands are all defined outside the innermost loop goes
//! to that loop's preheader. The stack is only ever popped: once the walk
//! visits a block outside a loop (an exit dominated by the header, say),
//! the blocks of that loop it visits afterwards are treated as outside it,
//! and values first used there are computed inside the loop at every
//! iteration. A branch's first successor is explored first and so comes
//! *later* in reverse postorder: `brif c, body, exit` has the walk visit
//! `exit` before `body`. The mandelbrot kernel recomputed a pixel's
//! coordinate (a conversion, a multiplication and an addition) at every
//! iteration of its inner loop that way.
//!
//! This pass turns such a `brif c, in_loop, exit` into
//! `brif !c, exit, in_loop`, negating comparisons in place (no
//! instruction is added for `icmp`/`fcmp` conditions).

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::dominator_tree::DominatorTree;
use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::condcodes::{CondCode, IntCC};
use cranelift_codegen::ir::{
    Function, Inst, InstBuilder, InstructionData, Opcode, Value, ValueDef,
};
use cranelift_codegen::loop_analysis::LoopAnalysis;

/// Reorders the conditional branches of `func` (which has loops) whose
/// first successor stays in the innermost loop and whose second leaves
/// it.
pub fn put_loop_exits_second(func: &mut Function) {
    let cfg = ControlFlowGraph::with_function(func);
    let domtree = DominatorTree::with_function(func, &cfg);
    let mut loops = LoopAnalysis::new();
    loops.compute(func, &cfg, &domtree);
    let mut to_swap = Vec::new();
    for block in func.layout.blocks() {
        let Some(lp) = loops.innermost_loop(block) else {
            continue;
        };
        let Some(term) = func.layout.last_inst(block) else {
            continue;
        };
        let InstructionData::Brif { blocks, .. } = &func.dfg.insts[term] else {
            continue;
        };
        let first = blocks[0].block(&func.dfg.value_lists);
        let second = blocks[1].block(&func.dfg.value_lists);
        // Only an exit that the walk reaches as a child of this block
        // (it has no other way in) can come before the body.
        let body_first = first != loops.loop_header(lp) && loops.is_in_loop(first, lp);
        let exit_second =
            !loops.is_in_loop(second, lp) && first != second && domtree.idom(second) == Some(block);
        if body_first && exit_second {
            to_swap.push(term);
        }
    }
    for term in to_swap {
        let InstructionData::Brif { arg, .. } = func.dfg.insts[term] else {
            unreachable!("collected as a brif")
        };
        let negated = negate(func, term, arg);
        if let InstructionData::Brif { arg, blocks, .. } = &mut func.dfg.insts[term] {
            *arg = negated;
            blocks.swap(0, 1);
        }
    }
}

/// A value, computed before `at`, that is nonzero exactly when `cond` is
/// zero: the complementary comparison when `cond` is a comparison (or its
/// zero extension), `cond == 0` otherwise.
fn negate(func: &mut Function, at: Inst, cond: Value) -> Value {
    let mut compared = cond;
    if let ValueDef::Result(inst, 0) = func.dfg.value_def(compared) {
        if let InstructionData::Unary {
            opcode: Opcode::Uextend,
            arg,
        } = func.dfg.insts[inst]
        {
            compared = arg;
        }
    }
    let def = match func.dfg.value_def(compared) {
        ValueDef::Result(inst, 0) => Some(func.dfg.insts[inst]),
        _ => None,
    };
    let mut pos = FuncCursor::new(func).at_inst(at);
    match def {
        Some(InstructionData::IntCompare { cond, args, .. }) => {
            pos.ins().icmp(cond.complement(), args[0], args[1])
        }
        Some(InstructionData::FloatCompare { cond, args, .. }) => {
            pos.ins().fcmp(cond.complement(), args[0], args[1])
        }
        _ => pos.ins().icmp_imm_u(IntCC::Equal, cond, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::ir::condcodes::FloatCC;
    use cranelift_codegen::ir::{types, AbiParam, Signature, UserFuncName};
    use cranelift_codegen::isa::CallConv;
    use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

    /// `loop { if cond { body; continue } else exit }`: the header's
    /// branch has the body first. `cond` is `y <= 4.0` (zero-extended)
    /// with `float_cond`, the second parameter otherwise.
    fn loop_with_body_first(float_cond: bool) -> Function {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.push(AbiParam::new(types::F64));
        sig.params.push(AbiParam::new(types::I32));
        sig.returns.push(AbiParam::new(types::I32));
        let mut func = Function::with_name_signature(UserFuncName::user(0, 0), sig);
        let mut fctx = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut func, &mut fctx);
        let entry = b.create_block();
        let header = b.create_block();
        let body = b.create_block();
        let exit = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.append_block_param(header, types::F64);
        b.switch_to_block(entry);
        let x = b.block_params(entry)[0];
        let n = b.block_params(entry)[1];
        b.ins().jump(header, &[x.into()]);
        b.switch_to_block(header);
        let y = b.block_params(header)[0];
        let four = b.ins().f64const(4.0);
        let cond = if float_cond {
            let c = b.ins().fcmp(FloatCC::LessThanOrEqual, y, four);
            b.ins().uextend(types::I32, c)
        } else {
            n
        };
        b.ins().brif(cond, body, &[], exit, &[]);
        b.switch_to_block(body);
        let next = b.ins().fadd(y, y);
        b.ins().jump(header, &[next.into()]);
        b.switch_to_block(exit);
        b.ins().return_(&[n]);
        b.seal_all_blocks();
        b.finalize(cranelift_codegen::isa::TargetFrontendConfig {
            default_call_conv: CallConv::SystemV,
            pointer_width: target_lexicon::PointerWidth::U64,
            page_size_align_log2: 12,
        });
        func
    }

    fn header_branch(func: &Function) -> (InstructionData, String) {
        let header = func.layout.blocks().nth(1).unwrap();
        let term = func.layout.last_inst(header).unwrap();
        let InstructionData::Brif { arg, .. } = func.dfg.insts[term] else {
            panic!("not a brif")
        };
        let ValueDef::Result(cond, _) = func.dfg.value_def(arg) else {
            panic!("condition is a parameter")
        };
        (
            func.dfg.insts[term],
            func.dfg.display_inst(cond).to_string(),
        )
    }

    #[test]
    fn float_comparison_is_complemented_and_targets_swapped() {
        let mut func = loop_with_body_first(true);
        let blocks: Vec<_> = func.layout.blocks().collect();
        put_loop_exits_second(&mut func);
        let (branch, cond) = header_branch(&func);
        let InstructionData::Brif {
            blocks: targets, ..
        } = branch
        else {
            unreachable!()
        };
        assert_eq!(
            targets[0].block(&func.dfg.value_lists),
            blocks[3],
            "exit first"
        );
        assert_eq!(
            targets[1].block(&func.dfg.value_lists),
            blocks[2],
            "body second"
        );
        assert!(cond.contains("fcmp.f64 ugt"), "{cond}");
        cranelift_codegen::verify_function(
            &func,
            &cranelift_codegen::settings::Flags::new(cranelift_codegen::settings::builder()),
        )
        .unwrap();
    }

    #[test]
    fn other_conditions_are_compared_with_zero() {
        let mut func = loop_with_body_first(false);
        put_loop_exits_second(&mut func);
        let (_, cond) = header_branch(&func);
        assert!(cond.contains("icmp.i32 eq v1,"), "{cond}");
    }

    #[test]
    fn a_branch_already_in_order_is_left_alone() {
        let mut func = loop_with_body_first(true);
        put_loop_exits_second(&mut func);
        let once = func.display().to_string();
        put_loop_exits_second(&mut func);
        assert_eq!(func.display().to_string(), once);
    }
}

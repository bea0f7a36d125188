//! Blocks, loops, ifs, branches and the block structure of unreachable
//! code.

use super::*;

impl FuncTranslator<'_, '_> {
    pub(super) fn block_types(&self, bt: BlockType) -> Result<(Vec<Type>, Vec<Type>)> {
        Ok(match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => {
                let Some(t) = ValType::from_wasmparser(t, &self.info.heap_types) else {
                    return unsupported("GC references");
                };
                (Vec::new(), vec![abi::value_type(t)])
            }
            BlockType::FuncType(i) => {
                let ty = &self.info.types[i as usize];
                (
                    ty.params().iter().map(|t| abi::value_type(*t)).collect(),
                    ty.results().iter().map(|t| abi::value_type(*t)).collect(),
                )
            }
        })
    }

    pub(super) fn new_block_with(&mut self, types: &[Type]) -> Block {
        let block = self.b.create_block();
        for t in types {
            self.b.append_block_param(block, *t);
        }
        block
    }

    /// Branches to the construct `depth` levels out, passing the values
    /// its target expects from the top of the stack.
    pub(super) fn branch_args(&mut self, depth: u32) -> (Block, Vec<Value>) {
        let i = self.control.len() - 1 - depth as usize;
        let (target, types) = self.control[i].branch_target();
        let n = types.len();
        if !matches!(self.control[i].kind, ControlKind::Loop { .. }) {
            self.control[i].next_reached = true;
        }
        let args = self.stack[self.stack.len() - n..].to_vec();
        (target, args)
    }

    /// Skips an operator in unreachable code, keeping track of nesting.
    pub(super) fn unreachable_operator(&mut self, op: &Operator<'_>) -> Result<()> {
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. } => {
                // A construct that can never run: only its nesting matters.
                let next = self.b.create_block();
                self.control.push(Control {
                    kind: ControlKind::Block,
                    next,
                    next_reached: false,
                    params: Vec::new(),
                    results: Vec::new(),
                    height: self.stack.len(),
                    live: false,
                });
                Ok(())
            }
            Operator::Else => {
                let frame = self.control.last_mut().expect("control frame");
                if let (
                    ControlKind::If {
                        else_block,
                        has_else,
                        ..
                    },
                    true,
                ) = (&mut frame.kind, frame.live)
                {
                    *has_else = true;
                    let else_block = *else_block;
                    let height = frame.height;
                    self.stack.truncate(height);
                    self.b.switch_to_block(else_block);
                    self.b.seal_block(else_block);
                    let params = self.b.block_params(else_block).to_vec();
                    self.stack.extend(params);
                    self.reachable = true;
                }
                Ok(())
            }
            Operator::End => self.end(),
            _ => Ok(()),
        }
    }

    pub(super) fn end(&mut self) -> Result<()> {
        let frame = self.control.pop().expect("control frame");
        if self.reachable {
            let n = frame.results.len();
            let args = self.stack[self.stack.len() - n..].to_vec();
            self.b.ins().jump(frame.next, &block_args(&args));
        }
        let mut reached = frame.next_reached || self.reachable;
        if let ControlKind::If {
            else_block,
            has_else: false,
            branch,
        } = frame.kind
        {
            if frame.live {
                // No else: the parameters flow through as the results (the
                // types are equal, as validated), so the false arm of the
                // entering branch goes to the continuation with them; the
                // else block is left empty, out of the layout.
                self.b
                    .change_jump_destination(branch, else_block, frame.next);
                reached = true;
            }
        }
        if let ControlKind::Loop { header } = frame.kind {
            self.b.seal_block(header);
        }
        self.stack.truncate(frame.height);
        self.b.switch_to_block(frame.next);
        self.b.seal_block(frame.next);
        if let ControlKind::Function = frame.kind {
            let rets = self.b.block_params(frame.next).to_vec();
            if reached {
                self.b.ins().return_(&rets);
            } else {
                self.b.ins().trap(ir::TrapCode::unwrap_user(1));
            }
            self.reachable = false;
            return Ok(());
        }
        if reached && frame.live {
            let params = self.b.block_params(frame.next).to_vec();
            self.stack.extend(params);
            self.reachable = true;
        } else {
            // Nothing reaches the continuation: it stays unreachable.
            self.b.ins().trap(ir::TrapCode::unwrap_user(1));
            self.reachable = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The false arm of an `if` without `else` goes straight to the
    /// continuation, with the parameters as the results: no block is
    /// left that only jumps on.
    #[test]
    fn an_if_without_else_branches_to_its_continuation() {
        let func = translated(
            r#"(module (global $g (mut i32) (i32.const 0))
                 (func (param i32) (result i32)
                   (local.get 0)
                   (if (param i32) (result i32) (local.get 0)
                     (then (global.set $g (i32.const 1)) (i32.const 2) (i32.add)))
                   (if (local.get 0) (then (global.set $g (i32.const 3))))
                   (global.get $g)
                   (i32.add)))"#,
            0,
        );
        for block in func.layout.blocks() {
            let mut insts = func.layout.block_insts(block);
            let first = insts.next().expect("a filled block");
            let only_jumps =
                insts.next().is_none() && func.dfg.insts[first].opcode() == ir::Opcode::Jump;
            assert!(!only_jumps, "{block} only jumps:\n{}", func.display());
        }
    }
}

//! Traps: raising one at the current operator, conditional traps, and
//! the stack check of code that checks in its body.

use super::*;

impl FuncTranslator<'_, '_> {
    /// Emits a call that raises `code` at the current operator; the block
    /// it is in ends there.
    pub(super) fn raise_here(&mut self, code: TrapCode) {
        let code = self.b.ins().iconst(types::I32, i64::from(code.number()));
        self.raise_number(code);
    }

    /// Emits a call that raises the trap numbered `code` (an i32 value, a
    /// [`TrapCode::number`]) at the current operator; the block it is in
    /// ends there.
    pub(super) fn raise_number(&mut self, code: Value) {
        let index = self.b.ins().iconst(types::I32, i64::from(self.func_index));
        let offset = self.b.ins().iconst(types::I32, i64::from(self.offset));
        let fp = self.b.ins().get_frame_pointer(PTR);
        let i32 = types::I32;
        self.libcall(
            entry::raise as *const () as usize,
            &[PTR, i32, i32, i32, PTR],
            None,
            &[self.vmctx, code, index, offset, fp],
        );
        self.b.ins().trap(ir::TrapCode::unwrap_user(1));
    }

    /// Traps with `code` when `cond` is non-zero.
    pub(super) fn trap_if(&mut self, cond: Value, code: TrapCode) {
        let trap = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(trap);
        self.b.ins().brif(cond, trap, &[], cont, &[]);
        self.b.switch_to_block(trap);
        self.b.seal_block(trap);
        self.raise_here(code);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Traps with "call stack exhausted" when the stack pointer is below the
    /// store's limit. Code for guarded memories, whose faults the signal
    /// handler already turns into traps, has Cranelift check in the
    /// prologue, before the frame is set up (a trap site the handler
    /// knows, see `code::FuncCode::stack_traps`): a load and a compare less
    /// on every call than a check in the body, which needs the callee-saved
    /// registers saved first. Other code checks in the body and raises the
    /// trap itself, so it needs no signal handler.
    pub(super) fn stack_check(&mut self) {
        if self.guarded {
            if let Some(limit) = stack_limit_global(self.b.func) {
                self.b.func.stack_limit = Some(limit);
                return;
            }
        }
        let store = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_STORE);
        let limit = self
            .b
            .ins()
            .load(PTR, MemFlagsData::trusted(), store, abi::STORE_STACK_LIMIT);
        let sp = self.b.ins().get_stack_pointer(PTR);
        let low = self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        self.trap_if(low, TrapCode::StackExhausted);
    }
}

//! Traps: raising one at the current operator, conditional traps, and
//! the stack check of code that checks in its body.
//!
//! Conditional traps of guarded code (whose faults the signal handler
//! turns into traps) are Cranelift's own `trapnz`: an illegal instruction
//! out of line, recorded with the trap it stands for ([`wasm_trap`]) as a
//! trap site of the function, found by the handler from the faulting
//! address. Other code calls [`entry::raise`] in a cold block, and so does
//! `unreachable` everywhere: a fault costs a signal (7-10 us on a KVM
//! guest, whose hypervisor intercepts illegal instructions, against 0.15 us
//! for the call; docs/PERFORMANCE.md), and `unreachable` is how programs
//! abort (Rust's panics, C's `abort`), which some do as a matter of course.

use super::*;

/// The first Cranelift user trap code standing for a wasm trap: user code
/// `USER_TRAP_BASE + n` is the trap numbered `n` ([`TrapCode::number`]).
/// (User code 1 marks the unreachable end of a call to `raise`.)
const USER_TRAP_BASE: u8 = 100;

/// The Cranelift trap code an instruction trapping with `code` carries.
fn cranelift_trap(code: TrapCode) -> ir::TrapCode {
    let number = u8::try_from(code.number()).expect("trap numbers are small");
    ir::TrapCode::unwrap_user(USER_TRAP_BASE + number)
}

/// The wasm trap that a Cranelift trap site recorded in guarded code stands
/// for, or `None` for one that is not a wasm trap (a trap after a call to
/// `raise`, which does not return, or one that Cranelift's lowering
/// records but never reaches, such as the division instructions' own).
pub fn wasm_trap(code: ir::TrapCode) -> Option<TrapCode> {
    match code {
        ir::TrapCode::HEAP_OUT_OF_BOUNDS => Some(TrapCode::MemoryOutOfBounds),
        ir::TrapCode::STACK_OVERFLOW => Some(TrapCode::StackExhausted),
        _ => {
            let user = code.as_raw().get().checked_sub(USER_TRAP_BASE)?;
            TrapCode::from_number(u32::from(user))
        }
    }
}

impl FuncTranslator<'_, '_> {
    /// Emits a call that raises `code` at the current operator; the block
    /// it is in ends there. (No trap site even in guarded code: the block
    /// ends anyway, and a call is cheaper than a fault when it runs.)
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
        if self.guarded {
            self.b.ins().trapnz(cond, cranelift_trap(code));
            return;
        }
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
    /// knows, see `code::FuncCode::traps`): a load and a compare less
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trap_round_trips_through_its_cranelift_code() {
        for code in TrapCode::ALL {
            assert_eq!(wasm_trap(cranelift_trap(code)), Some(code));
        }
        assert_eq!(
            wasm_trap(ir::TrapCode::HEAP_OUT_OF_BOUNDS),
            Some(TrapCode::MemoryOutOfBounds)
        );
        assert_eq!(
            wasm_trap(ir::TrapCode::STACK_OVERFLOW),
            Some(TrapCode::StackExhausted)
        );
        // The end of a call to `raise`, and Cranelift's own division traps,
        // are not sites the handler may take.
        assert_eq!(wasm_trap(ir::TrapCode::unwrap_user(1)), None);
        assert_eq!(wasm_trap(ir::TrapCode::INTEGER_DIVISION_BY_ZERO), None);
        assert_eq!(wasm_trap(ir::TrapCode::INTEGER_OVERFLOW), None);
    }
}

//! What the VMContext holds for the body: function references, tables,
//! table elements and global cells.

use super::*;

impl FuncTranslator<'_, '_> {
    /// The context as an argument of a call in the system calling
    /// convention (runtime functions, `array_call`): a copy loaded from the
    /// context itself (`VMContext::this`), beside the call (not `can_move`).
    /// Given the parameter, the register allocator must have it in an
    /// argument register at the call; that fixed use holds for the
    /// parameter's whole live range, which it then splits around every such
    /// call, spilling the context in between and reloading it before each
    /// use: thousands of reloads in ruby.wasm's interpreter loop, whose
    /// `unreachable`s call `raise`, and the context no longer in a
    /// callee-saved register. (Calls between wasm functions pass the
    /// context twice, which the allocator turns into moves instead.)
    pub(super) fn vmctx_argument(&mut self) -> Value {
        self.b.ins().load(
            PTR,
            MemFlagsData::trusted().with_readonly(),
            self.vmctx,
            abi::VMCTX_THIS,
        )
    }

    pub(super) fn funcref_of(&mut self, func: u32) -> Value {
        let funcs = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_FUNCS);
        self.b.ins().load(PTR, readonly(), funcs, (func as i32) * 8)
    }

    pub(super) fn table_def(&mut self, table: u32) -> Value {
        let tables = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_TABLES);
        self.b
            .ins()
            .load(PTR, readonly(), tables, (table as i32) * 8)
    }

    /// Pops a table index and returns the address of that element,
    /// trapping with `code` when it is out of bounds.
    pub(super) fn table_element(&mut self, table: u32, code: TrapCode) -> Value {
        let index = self.pop();
        let index = self.widen_u64(index);
        let def = self.table_def(table);
        let len = self
            .b
            .ins()
            .load(types::I64, MemFlagsData::trusted(), def, abi::TABLE_LENGTH);
        let oob = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.trap_if(oob, code);
        let base = self
            .b
            .ins()
            .load(PTR, MemFlagsData::trusted(), def, abi::TABLE_BASE);
        let offset = self.b.ins().ishl_imm_u(index, 3);
        self.b.ins().iadd(base, offset)
    }

    /// The address and offset of global `global`'s value: a defined
    /// global's cell is at a constant offset from the context (one load
    /// away, and nothing held across the function); an imported one's is
    /// found through the context's table of cells.
    pub(super) fn global_value_addr(&mut self, global: u32) -> (Value, i32) {
        match global.checked_sub(self.info.num_imported_globals) {
            Some(defined) => (
                self.vmctx,
                abi::defined_global_offset(defined) + abi::GLOBAL_BITS,
            ),
            None => (self.global_cell(global), abi::GLOBAL_BITS),
        }
    }

    fn global_cell(&mut self, global: u32) -> Value {
        let globals = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_GLOBALS);
        self.b
            .ins()
            .load(PTR, readonly(), globals, (global as i32) * 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls in the system convention (runtime functions: here `raise`
    /// for `unreachable` and `memory.grow`) get the context as a value
    /// loaded for them, never the context parameter itself.
    #[test]
    fn system_calls_get_a_copy_of_the_context() {
        let func = translated(
            r#"(module (memory 1)
                 (func (param i32) (result i32)
                   (loop $l
                     (if (local.get 0) (then unreachable))
                     (drop (memory.grow (i32.const 1)))
                     (br_if $l (local.get 0)))
                   (memory.size)))"#,
            0,
        );
        let entry = func.layout.entry_block().expect("entry");
        let vmctx = func.dfg.block_params(entry)[0];
        let mut system_calls = 0;
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                let Some(sig) = func.dfg.call_signature(inst) else {
                    continue;
                };
                if func.dfg.signatures[sig].call_conv != CallConv::SystemV {
                    continue;
                }
                system_calls += 1;
                let args = func.dfg.inst_args(inst);
                assert!(!args.contains(&vmctx), "{}", func.dfg.display_inst(inst));
                assert!(args.iter().any(|&a| {
                    let def = func.dfg.value_def(a).inst();
                    def.is_some_and(|d| {
                        func.dfg.insts[d].opcode() == ir::Opcode::Load
                            && func.dfg.inst_args(d) == [vmctx]
                    })
                }));
            }
        }
        assert_eq!(system_calls, 2, "{}", func.display());
    }
}

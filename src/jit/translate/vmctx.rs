//! What the VMContext holds for the body: function references, tables,
//! table elements and global cells.

use super::*;

impl FuncTranslator<'_, '_> {
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

//! Linear memory: the base and length of each memory used, addresses
//! with their bounds checks, loads and stores, and the runtime calls of
//! the bulk operators.

use super::*;

impl FuncTranslator<'_, '_> {
    /// Reloads the base and length of the memories the body uses (at
    /// entry, and after anything that may grow or move them), but for
    /// `fixed` ones, whose base is set once at entry.
    pub(super) fn reload_memory(&mut self) {
        let vars: Vec<MemoryVars> = self.memories.values().copied().collect();
        for m in vars.into_iter().filter(|m| !m.fixed) {
            let b = self.b.ins().load(PTR, checked(), m.def, abi::MEMORY_BASE);
            let l = self
                .b
                .ins()
                .load(types::I64, checked(), m.def, abi::MEMORY_LENGTH);
            self.b.def_var(m.base, b);
            self.b.def_var(m.len, l);
        }
    }

    /// Pops an address and returns the host address of an access of
    /// `size` bytes at it plus `memarg.offset`, trapping when out of bounds.
    pub(super) fn address(&mut self, memarg: &MemArg, size: u64) -> Result<Value> {
        let wasmparser::MemArgTarget::Memory(m) = memarg.target else {
            return unsupported("GC array access");
        };
        let vars = self.memories[&m];
        let index = self.pop();
        let index = self.widen_u64(index);
        if vars.fixed {
            // A 32-bit index plus a static offset below 4 GiB stays inside
            // the reservation: beyond the memory, the access faults.
            let base = self.b.use_var(vars.base);
            let addr = self.b.ins().iadd(base, index);
            return Ok(self.b.ins().iadd_imm_u(addr, memarg.offset as i64));
        }
        let len = self.b.use_var(vars.len);
        let oob = match memarg.offset.checked_add(size) {
            // 32-bit: index < 2^32 and end < 2^33, the sum cannot wrap.
            Some(end) if !vars.memory64 => {
                let last = self.b.ins().iadd_imm_u(index, end as i64);
                self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, len)
            }
            // 64-bit: the sum may wrap past 2^64, which is out of bounds too.
            Some(end) => {
                let end = self.b.ins().iconst(types::I64, end as i64);
                let (last, wrapped) = self.b.ins().uadd_overflow(index, end);
                let beyond = self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, len);
                self.b.ins().bor(beyond, wrapped)
            }
            // An offset this large is out of bounds at any address.
            None => self.b.ins().iconst(types::I8, 1),
        };
        self.trap_if(oob, TrapCode::MemoryOutOfBounds);
        let base = self.b.use_var(vars.base);
        let addr = self.b.ins().iadd(base, index);
        Ok(self.b.ins().iadd_imm_u(addr, memarg.offset as i64))
    }

    /// `v` as a 64-bit unsigned operand: a 32-bit address, index or length
    /// zero-extended, a 64-bit one (memory64, table64) as it is.
    pub(super) fn widen_u64(&mut self, v: Value) -> Value {
        if self.b.func.dfg.value_type(v) == types::I64 {
            v
        } else {
            self.b.ins().uextend(types::I64, v)
        }
    }

    /// A size or old size (`memory.size`, `memory.grow`, `table.size`,
    /// `table.grow`) as the wasm result: 64-bit for 64-bit memories and
    /// tables, else the low 32 bits (-1 stays -1).
    pub(super) fn size_result(&mut self, v: Value, is64: bool) -> Value {
        if is64 {
            v
        } else {
            self.b.ins().ireduce(types::I32, v)
        }
    }

    pub(super) fn load(
        &mut self,
        memarg: &MemArg,
        ty: Type,
        size: u64,
        signed: Option<bool>,
    ) -> Result<()> {
        let addr = self.address(memarg, size)?;
        let v = match (size, signed) {
            (_, None) => self.b.ins().load(ty, self.heap, addr, 0),
            (1, Some(true)) => self.b.ins().sload8(ty, self.heap, addr, 0),
            (1, Some(false)) => self.b.ins().uload8(ty, self.heap, addr, 0),
            (2, Some(true)) => self.b.ins().sload16(ty, self.heap, addr, 0),
            (2, Some(false)) => self.b.ins().uload16(ty, self.heap, addr, 0),
            (4, Some(true)) => self.b.ins().sload32(self.heap, addr, 0),
            (4, Some(false)) => self.b.ins().uload32(self.heap, addr, 0),
            _ => unreachable!("load size"),
        };
        self.push(v);
        Ok(())
    }

    pub(super) fn store(&mut self, memarg: &MemArg, size: u64, narrow: bool) -> Result<()> {
        let v = self.pop();
        let addr = self.address(memarg, size)?;
        match (size, narrow) {
            (_, false) => self.b.ins().store(self.heap, v, addr, 0),
            (1, true) => self.b.ins().istore8(self.heap, v, addr, 0),
            (2, true) => self.b.ins().istore16(self.heap, v, addr, 0),
            (4, true) => self.b.ins().istore32(self.heap, v, addr, 0),
            _ => unreachable!("store size"),
        };
        Ok(())
    }

    /// Calls the runtime function at `addr` for `table.fill` or
    /// `memory.fill` of table or memory `index`: `(vmctx, index, d, v, n)`,
    /// where `d, v, n` (pushed in that order) are popped, `d` and `n` as
    /// u64 operands and the value `v` as a `value_ty`.
    pub(super) fn fill_libcall(&mut self, addr: usize, index: u32, value_ty: Type) {
        let n = self.pop();
        let v = self.pop();
        let d = self.pop();
        let n = self.widen_u64(n);
        let d = self.widen_u64(d);
        let index = self.b.ins().iconst(types::I32, i64::from(index));
        self.fallible_libcall(
            addr,
            &[PTR, types::I32, types::I64, value_ty, types::I64],
            &[self.vmctx, index, d, v, n],
        );
    }

    /// Calls the runtime function at `addr` for a copy or an init between
    /// tables, memories or segments: `(vmctx, a, b, d, s, n)`, where `d, s, n`
    /// (pushed in that order) are popped as u64 operands.
    pub(super) fn bulk_libcall(&mut self, addr: usize, a: u32, b: u32) {
        let n = self.pop();
        let s = self.pop();
        let d = self.pop();
        let n = self.widen_u64(n);
        let s = self.widen_u64(s);
        let d = self.widen_u64(d);
        let a = self.b.ins().iconst(types::I32, i64::from(a));
        let b = self.b.ins().iconst(types::I32, i64::from(b));
        self.fallible_libcall(
            addr,
            &[
                PTR,
                types::I32,
                types::I32,
                types::I64,
                types::I64,
                types::I64,
            ],
            &[self.vmctx, a, b, d, s, n],
        );
    }
}

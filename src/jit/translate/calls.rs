//! Calls: direct, through a function reference, through a table, tail
//! calls, and calls of runtime functions.

use super::*;

impl FuncTranslator<'_, '_> {
    fn wasm_sig(&mut self, type_index: u32) -> SigRef {
        if let Some(s) = self.wasm_sigs.get(&type_index) {
            return *s;
        }
        let sig = abi::wasm_signature(&self.info.types[type_index as usize]);
        let s = self.b.import_signature(sig);
        self.wasm_sigs.insert(type_index, s);
        s
    }

    /// Calls a runtime function at `addr` with the system calling
    /// convention.
    pub(super) fn libcall(
        &mut self,
        addr: usize,
        params: &[Type],
        ret: Option<Type>,
        args: &[Value],
    ) -> Option<Value> {
        let sig = match self.libcall_sigs.get(&addr) {
            Some(sig) => *sig,
            None => {
                let mut sig = Signature::new(CallConv::SystemV);
                sig.params.extend(params.iter().map(|t| AbiParam::new(*t)));
                sig.returns.extend(ret.map(AbiParam::new));
                let sig = self.b.import_signature(sig);
                self.libcall_sigs.insert(addr, sig);
                sig
            }
        };
        let f = self.libcall_address(addr, sig);
        let args: Vec<Value> = args
            .iter()
            .map(|&a| {
                if a == self.vmctx {
                    self.vmctx_argument()
                } else {
                    a
                }
            })
            .collect();
        let call = self.b.ins().call_indirect(sig, f, &args);
        self.b.inst_results(call).first().copied()
    }

    /// The address of runtime function `addr`, as a relocation (an
    /// absolute address patched when the code is placed or loaded), so the
    /// code can be serialized and loaded in another process. Each use
    /// imports the function anew: one import for all uses is one value to
    /// Cranelift's GVN, and made the indirect kernel 3-5 % slower.
    pub(super) fn libcall_address(&mut self, addr: usize, sig: ir::SigRef) -> Value {
        let name = self
            .b
            .func
            .declare_imported_user_function(ir::UserExternalName::new(
                LIBCALL_NAMESPACE,
                entry::libcall_id(addr),
            ));
        let f = self.b.import_function(ir::ExtFuncData {
            name: ir::ExternalName::user(name),
            signature: sig,
            colocated: false,
            patchable: false,
        });
        self.b.ins().func_addr(PTR, f)
    }

    /// The address of the body's scratch buffer (see
    /// `FuncTranslator::scratch`), grown to hold at least `slots` values.
    pub(super) fn scratch_buffer(&mut self, slots: usize) -> Value {
        let size = (slots.max(1) * 8) as u32;
        let slot = match self.scratch {
            Some(slot) => {
                let data = &mut self.b.func.sized_stack_slots[slot];
                data.size = data.size.max(size);
                slot
            }
            None => {
                let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    size,
                    3,
                ));
                self.scratch = Some(slot);
                slot
            }
        };
        self.b.ins().stack_addr(PTR, slot, 0)
    }

    /// Calls a runtime function that returns 0 or a trap number, and
    /// raises the trap.
    pub(super) fn fallible_libcall(&mut self, addr: usize, params: &[Type], args: &[Value]) {
        let status = self
            .libcall(addr, params, Some(types::I32), args)
            .expect("status result");
        let trap = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(trap);
        self.b.ins().brif(status, trap, &[], cont, &[]);
        self.b.switch_to_block(trap);
        self.b.seal_block(trap);
        // The status is the trap's number: raise it as such.
        self.raise_number(status);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Calls the function whose `VMFuncRef` is `funcref`, of module type
    /// `type_index`, with the arguments on the stack: directly when it has
    /// native code, through its `array_call` otherwise. Inside a
    /// `try_table`, always through its `array_call`, which stops unwinding
    /// there, so that the handlers can look at the failure.
    pub(super) fn call_funcref(&mut self, funcref: Value, type_index: u32) -> Result<()> {
        if self.in_try_table() {
            return self.call_catching(funcref, type_index);
        }
        let ty = self.info.types[type_index as usize].clone();
        let args = self.popn(ty.params().len());
        let results: Vec<Type> = ty.results().iter().map(|t| abi::value_type(*t)).collect();
        let sig = self.wasm_sig(type_index);
        let join = self.b.create_block();
        for t in &results {
            self.b.append_block_param(join, *t);
        }
        let (wasm_call, slow) = self.split_on_native_entry(funcref);
        let call_args = self.native_call_args(funcref, &args);
        let call = self.b.ins().call_indirect(sig, wasm_call, &call_args);
        let rets = self.b.inst_results(call).to_vec();
        self.b.ins().jump(join, &block_args(&rets));

        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let rets = self.call_through_array(funcref, &ty, &args);
        self.b.ins().jump(join, &block_args(&rets));

        self.b.switch_to_block(join);
        self.b.seal_block(join);
        let rets = self.b.block_params(join).to_vec();
        self.stack.extend(rets);
        self.reload_memory();
        Ok(())
    }

    /// `return_call_indirect`/`return_call_ref` (and `return_call` of a
    /// function outside the batch): a native tail call when the callee
    /// has native code (constant stack, as the proposal asks). A callee
    /// still interpreted is compiled first (`entry::native_now`): a call
    /// to it through its `array_call` would nest, and a loop of tail calls
    /// between native and interpreted functions would then use stack at
    /// every turn. Only where that cannot be (a host function, one the JIT
    /// does not compile) is it an ordinary call through its `array_call`
    /// and a return of its results.
    pub(super) fn tail_call_funcref(&mut self, funcref: Value, type_index: u32) -> Result<()> {
        let ty = self.info.types[type_index as usize].clone();
        let args = self.popn(ty.params().len());
        let sig = self.wasm_sig(type_index);
        // One tail call serves both the callee that has native code and the
        // one `native_now` just compiled: it takes the entry as a parameter.
        let tail = self.b.create_block();
        let entry_param = self.b.append_block_param(tail, PTR);
        let slow = self.b.create_block();
        let wasm_call = self.native_entry(funcref);
        self.b
            .ins()
            .brif(wasm_call, tail, &[BlockArg::Value(wasm_call)], slow, &[]);
        self.b.switch_to_block(tail);
        let call_args = self.native_call_args(funcref, &args);
        self.b
            .ins()
            .return_call_indirect(sig, entry_param, &call_args);

        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let compiled = self
            .libcall(
                entry::native_now as *const () as usize,
                &[PTR, PTR],
                Some(types::I32),
                &[self.vmctx, funcref],
            )
            .expect("result");
        let now_native = self.b.create_block();
        let through_array = self.b.create_block();
        self.b
            .ins()
            .brif(compiled, now_native, &[], through_array, &[]);
        self.b.switch_to_block(now_native);
        self.b.seal_block(now_native);
        let wasm_call = self.native_entry(funcref);
        self.b.ins().jump(tail, &[BlockArg::Value(wasm_call)]);
        self.b.seal_block(tail);

        self.b.switch_to_block(through_array);
        self.b.seal_block(through_array);
        let rets = self.call_through_array(funcref, &ty, &args);
        self.b.ins().return_(&rets);
        self.reachable = false;
        Ok(())
    }

    /// Loads `funcref`'s native entry and branches on it: returns the entry
    /// and the block for a callee without native code (not switched to);
    /// the builder goes on in the block for a native callee.
    fn split_on_native_entry(&mut self, funcref: Value) -> (Value, Block) {
        let native = self.b.create_block();
        let slow = self.b.create_block();
        let wasm_call = self.native_entry(funcref);
        self.b.ins().brif(wasm_call, native, &[], slow, &[]);
        self.b.switch_to_block(native);
        self.b.seal_block(native);
        (wasm_call, slow)
    }

    /// `funcref`'s native entry (`wasm_call`), null while it has none. Not
    /// a read-only load: tier-up sets it.
    fn native_entry(&mut self, funcref: Value) -> Value {
        self.b.ins().load(
            PTR,
            MemFlagsData::trusted(),
            funcref,
            abi::FUNCREF_WASM_CALL,
        )
    }

    /// The arguments of a native call through `funcref`: the callee's
    /// context, ours, then the wasm arguments.
    fn native_call_args(&mut self, funcref: Value, args: &[Value]) -> Vec<Value> {
        let callee_vmctx =
            self.b
                .ins()
                .load(PTR, MemFlagsData::trusted(), funcref, abi::FUNCREF_VMCTX);
        let mut call_args = vec![callee_vmctx, self.vmctx];
        call_args.extend(args);
        call_args
    }

    /// Calls `funcref` (of type `ty`) through its `array_call`, the one
    /// calling convention every function has (host and interpreted ones
    /// included): arguments and results pass through a stack buffer; a
    /// trap continues unwinding from here. Returns the results.
    fn call_through_array(&mut self, funcref: Value, ty: &FuncType, args: &[Value]) -> Vec<Value> {
        let (ok, values) = self.array_call(funcref, ty, args);
        let trapped = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(trapped);
        self.b.ins().brif(ok, done, &[], trapped, &[]);
        self.b.switch_to_block(trapped);
        self.b.seal_block(trapped);
        self.unwind_pending();
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        self.array_results(ty, values)
    }

    /// A call inside a `try_table`: through the callee's `array_call`; on
    /// failure, the handlers of the enclosing `try_table`s get their turn.
    fn call_catching(&mut self, funcref: Value, type_index: u32) -> Result<()> {
        let ty = self.info.types[type_index as usize].clone();
        let args = self.popn(ty.params().len());
        let (ok, values) = self.array_call(funcref, &ty, &args);
        let failed = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(failed);
        self.b.ins().brif(ok, done, &[], failed, &[]);
        self.b.switch_to_block(failed);
        self.b.seal_block(failed);
        self.reload_memory();
        self.dispatch_pending();
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        let rets = self.array_results(&ty, values);
        self.stack.extend(rets);
        self.reload_memory();
        Ok(())
    }

    /// Calls `funcref`'s `array_call` with `args` stored in a new stack
    /// buffer; returns whether it succeeded and the buffer (which then
    /// holds the results).
    fn array_call(&mut self, funcref: Value, ty: &FuncType, args: &[Value]) -> (Value, Value) {
        let (param_offsets, param_slots) = abi::slot_offsets(ty.params());
        let (_, result_slots) = abi::slot_offsets(ty.results());
        let capacity = param_slots.max(result_slots).max(1);
        let values = self.scratch_buffer(capacity);
        for (a, offset) in args.iter().zip(&param_offsets) {
            store_raw(&mut self.b, *a, values, *offset);
        }
        let array_sig = match self.array_sig {
            Some(s) => s,
            None => {
                let s = self
                    .b
                    .import_signature(abi::array_signature(CallConv::SystemV));
                self.array_sig = Some(s);
                s
            }
        };
        let array_call = self.b.ins().load(
            PTR,
            MemFlagsData::trusted(),
            funcref,
            abi::FUNCREF_ARRAY_CALL,
        );
        let cap = self.b.ins().iconst(PTR, capacity as i64);
        let caller = self.vmctx_argument();
        let call =
            self.b
                .ins()
                .call_indirect(array_sig, array_call, &[funcref, caller, values, cap]);
        (self.b.inst_results(call)[0], values)
    }

    /// The results of type `ty` an `array_call` left in `values`.
    fn array_results(&mut self, ty: &FuncType, values: Value) -> Vec<Value> {
        let (result_offsets, _) = abi::slot_offsets(ty.results());
        ty.results()
            .iter()
            .zip(&result_offsets)
            .map(|(t, offset)| {
                let t = abi::value_type(*t);
                self.b.ins().load(t, raw_flags(t), values, *offset)
            })
            .collect()
    }

    /// `call_indirect`'s callee: the table element at the popped index,
    /// trapping when it is out of bounds, null, or of a type that is not
    /// the expected one or a declared subtype of it.
    pub(super) fn indirect_callee(&mut self, type_index: u32, table_index: u32) -> Value {
        let elem = self.table_element(table_index, TrapCode::UndefinedElement);
        let funcref = self.b.ins().load(PTR, MemFlagsData::trusted(), elem, 0);
        let null = self.b.ins().icmp_imm_s(IntCC::Equal, funcref, 0);
        self.trap_if(null, TrapCode::UninitializedElement);
        let actual = self
            .b
            .ins()
            .uload32(MemFlagsData::trusted(), funcref, abi::FUNCREF_TYPE_ID);
        let ids = self
            .b
            .ins()
            .load(PTR, readonly(), self.vmctx, abi::VMCTX_TYPE_IDS);
        let expected = self
            .b
            .ins()
            .uload32(readonly(), ids, (type_index as i32) * 4);
        // Different ids may still be a declared subtype: asked of
        // the runtime on a cold path.
        let differ = self.b.ins().icmp(IntCC::NotEqual, actual, expected);
        let slow = self.b.create_block();
        let matched = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(differ, slow, &[], matched, &[]);
        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        // (uload32 zero-extends the ids to 64 bits.)
        let actual = self.b.ins().ireduce(types::I32, actual);
        let expected = self.b.ins().ireduce(types::I32, expected);
        let is_sub = self
            .libcall(
                entry::is_subtype as *const () as usize,
                &[PTR, types::I32, types::I32],
                Some(types::I32),
                &[self.vmctx, actual, expected],
            )
            .expect("result");
        let wrong = self.b.ins().icmp_imm_u(IntCC::Equal, is_sub, 0);
        self.trap_if(wrong, TrapCode::IndirectCallTypeMismatch);
        self.b.ins().jump(matched, &[]);
        self.b.switch_to_block(matched);
        self.b.seal_block(matched);
        funcref
    }

    /// `call_ref`'s callee, popped: validation checked its type, only
    /// null is left to check.
    pub(super) fn non_null_callee(&mut self) -> Value {
        let funcref = self.pop();
        let null = self.b.ins().icmp_imm_s(IntCC::Equal, funcref, 0);
        self.trap_if(null, TrapCode::NullFunctionReference);
        funcref
    }

    /// Whether function `func` is compiled in this batch (see [`Batch`]),
    /// and a function always with itself (a recursive function compiled
    /// by tier-up calls itself directly) unless this is an on-stack-
    /// replacement entry.
    pub(super) fn in_batch(&self, func: u32) -> bool {
        // (An OSR entry is not the function: it calls it by reference.)
        let member = match self.calls.batch {
            Batch::Module => true,
            Batch::Only(funcs) => funcs.contains(&func),
        };
        member || (func == self.func_index && self.osr.is_none())
    }

    /// Whether a call to function `func` is a direct machine call: a
    /// defined function compiled in this batch (that the JIT supports).
    pub(super) fn calls_directly(&self, func: u32) -> bool {
        self.in_batch(func)
            && func >= self.info.num_imported_funcs
            && !self.calls.excluded.contains(&func)
    }

    /// Calls function `func` of this module, compiled in the same batch, by
    /// a machine call (the code is placed and the call patched later).
    pub(super) fn call_direct(&mut self, func: u32, type_index: u32) {
        self.call_known(Callee::Batch, func, type_index);
    }

    /// `return_call` of a function of the same batch: a machine jump
    /// (patched like a call), so the stack stays constant.
    pub(super) fn tail_call_direct(&mut self, func: u32, type_index: u32) {
        self.tail_call_known(Callee::Batch, func, type_index);
    }

    /// Calls function `func` of this module, which has native code outside
    /// the batch (`Options::published`), at that code's address.
    pub(super) fn call_published(&mut self, func: u32, type_index: u32) {
        self.call_known(Callee::Published, func, type_index);
    }

    /// `return_call` of a function with native code outside the batch.
    pub(super) fn tail_call_published(&mut self, func: u32, type_index: u32) {
        self.tail_call_known(Callee::Published, func, type_index);
    }

    fn call_known(&mut self, callee: Callee, func: u32, type_index: u32) {
        let (callee, args) = self.known_callee(callee, func, type_index);
        let call = self.b.ins().call(callee, &args);
        let rets = self.b.inst_results(call).to_vec();
        self.stack.extend(rets);
        self.reload_memory();
    }

    fn tail_call_known(&mut self, callee: Callee, func: u32, type_index: u32) {
        let (callee, args) = self.known_callee(callee, func, type_index);
        self.b.ins().return_call(callee, &args);
        self.reachable = false;
    }

    /// The callee and the arguments (popped) of a call to function `func`,
    /// whose context is ours (a function of the same instance). A batch
    /// member is colocated: a pc-relative call patched at placement. A
    /// published function is not: Cranelift loads its absolute address (a
    /// relocation patched before placement) into a register and calls
    /// that, each call anew, so no address is held across the function.
    fn known_callee(
        &mut self,
        callee: Callee,
        func: u32,
        type_index: u32,
    ) -> (ir::FuncRef, Vec<Value>) {
        let sig = self.wasm_sig(type_index);
        let n = self.info.types[type_index as usize].params().len();
        let (namespace, colocated) = match callee {
            Callee::Batch => (0, true),
            Callee::Published => (PUBLISHED_NAMESPACE, false),
        };
        let name = self
            .b
            .func
            .declare_imported_user_function(ir::UserExternalName::new(namespace, func));
        let callee = self.b.import_function(ir::ExtFuncData {
            name: ir::ExternalName::user(name),
            signature: sig,
            colocated,
            patchable: false,
        });
        let mut args = vec![self.vmctx, self.vmctx];
        args.extend(self.popn(n));
        (callee, args)
    }
}

/// Where the code of a function called by index is (see
/// [`FuncTranslator::known_callee`]).
#[derive(Clone, Copy)]
enum Callee {
    /// Compiled in the same batch.
    Batch,
    /// Published native code outside the batch.
    Published,
}

//! Every operator, dispatched to what translates it.

use super::*;

impl FuncTranslator<'_, '_> {
    pub(super) fn operator(&mut self, op: Operator<'_>) -> Result<()> {
        use Operator as O;
        if !self.reachable {
            return self.unreachable_operator(&op);
        }
        match op {
            O::Nop => {}
            O::Unreachable => {
                self.raise_here(TrapCode::Unreachable);
                self.reachable = false;
            }
            O::Block { blockty } => {
                let (params, results) = self.block_types(blockty)?;
                let next = self.new_block_with(&results);
                self.control.push(Control {
                    kind: ControlKind::Block,
                    next,
                    next_reached: false,
                    height: self.stack.len() - params.len(),
                    params,
                    results,
                    live: true,
                });
            }
            O::TryTable { try_table } => {
                let (params, results) = self.block_types(try_table.ty)?;
                let next = self.new_block_with(&results);
                // Catch labels count from outside the try_table.
                let outside = self.control.len() - 1;
                let handlers = try_table
                    .catches
                    .iter()
                    .map(|c| {
                        let (tag, with_ref, label) = match *c {
                            wasmparser::Catch::One { tag, label } => (Some(tag), false, label),
                            wasmparser::Catch::OneRef { tag, label } => (Some(tag), true, label),
                            wasmparser::Catch::All { label } => (None, false, label),
                            wasmparser::Catch::AllRef { label } => (None, true, label),
                        };
                        Handler {
                            tag,
                            with_ref,
                            target: outside - label as usize,
                        }
                    })
                    .collect();
                self.control.push(Control {
                    kind: ControlKind::TryTable { handlers },
                    next,
                    next_reached: false,
                    height: self.stack.len() - params.len(),
                    params,
                    results,
                    live: true,
                });
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_types(blockty)?;
                let header = match self.osr {
                    Some((ordinal, header)) if ordinal + 1 == self.loops_seen => {
                        if !params.is_empty() || !self.stack.is_empty() {
                            return unsupported("on-stack replacement at a loop with operands");
                        }
                        self.osr_entered = true;
                        header
                    }
                    _ => self.new_block_with(&params),
                };
                let next = self.new_block_with(&results);
                let args = self.popn(params.len());
                self.b.ins().jump(header, &block_args(&args));
                self.b.switch_to_block(header);
                let vals = self.b.block_params(header).to_vec();
                let height = self.stack.len();
                self.stack.extend(vals);
                self.control.push(Control {
                    kind: ControlKind::Loop { header },
                    next,
                    next_reached: false,
                    height,
                    params,
                    results,
                    live: true,
                });
            }
            O::If { blockty } => {
                let (params, results) = self.block_types(blockty)?;
                let cond = self.pop();
                let then_block = self.b.create_block();
                let else_block = self.new_block_with(&params);
                let next = self.new_block_with(&results);
                let args = self.stack[self.stack.len() - params.len()..].to_vec();
                let branch =
                    self.b
                        .ins()
                        .brif(cond, then_block, &[], else_block, &block_args(&args));
                // The then block takes no parameters: the stack values
                // dominate it.
                self.b.switch_to_block(then_block);
                self.b.seal_block(then_block);
                self.control.push(Control {
                    kind: ControlKind::If {
                        else_block,
                        has_else: false,
                        branch,
                    },
                    next,
                    next_reached: false,
                    height: self.stack.len() - params.len(),
                    params,
                    results,
                    live: true,
                });
            }
            O::Else => {
                let frame = self.control.last_mut().expect("control frame");
                let n = frame.results.len();
                let next = frame.next;
                let height = frame.height;
                let ControlKind::If {
                    else_block,
                    has_else,
                    ..
                } = &mut frame.kind
                else {
                    unreachable!("else without if (validated)")
                };
                *has_else = true;
                let else_block = *else_block;
                frame.next_reached = true;
                let args = self.stack[self.stack.len() - n..].to_vec();
                self.b.ins().jump(next, &block_args(&args));
                self.stack.truncate(height);
                self.b.switch_to_block(else_block);
                self.b.seal_block(else_block);
                let params = self.b.block_params(else_block).to_vec();
                self.stack.extend(params);
            }
            O::End => self.end()?,
            O::Br { relative_depth } => {
                let (target, args) = self.branch_args(relative_depth);
                self.b.ins().jump(target, &block_args(&args));
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                let (target, args) = self.branch_args(relative_depth);
                let cont = self.b.create_block();
                self.b
                    .ins()
                    .brif(cond, target, &block_args(&args), cont, &[]);
                self.b.switch_to_block(cont);
                self.b.seal_block(cont);
            }
            O::BrTable { targets } => {
                let index = self.pop();
                let default = targets.default();
                let depths: Vec<u32> = targets
                    .targets()
                    .collect::<std::result::Result<_, _>>()
                    .map_err(read_error)?;
                let (dblock, dargs) = self.branch_args(default);
                let dargs = block_args(&dargs);
                let default_call = self.b.func.dfg.block_call(dblock, &dargs);
                let mut calls = Vec::with_capacity(depths.len());
                for d in depths {
                    let (block, args) = self.branch_args(d);
                    let args = block_args(&args);
                    calls.push(self.b.func.dfg.block_call(block, &args));
                }
                let jt = self
                    .b
                    .create_jump_table(ir::JumpTableData::new(default_call, &calls));
                self.b.ins().br_table(index, jt);
                self.reachable = false;
            }
            O::Return => {
                let n = self.control[0].results.len();
                let rets = self.stack[self.stack.len() - n..].to_vec();
                self.b.ins().return_(&rets);
                self.reachable = false;
            }
            O::Call { function_index } => {
                let ty = self.info.func_types[function_index as usize];
                if self.in_try_table() {
                    let funcref = self.funcref_of(function_index);
                    self.call_funcref(funcref, ty)?;
                } else if self.calls_directly(function_index) {
                    self.call_direct(function_index, ty);
                } else if self.calls.published.contains_key(&function_index) {
                    self.call_published(function_index, ty);
                } else {
                    let funcref = self.funcref_of(function_index);
                    self.call_funcref(funcref, ty)?;
                }
            }
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                let funcref = self.indirect_callee(type_index, table_index);
                self.call_funcref(funcref, type_index)?;
            }
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let funcref = self.indirect_callee(type_index, table_index);
                self.tail_call_funcref(funcref, type_index)?;
            }
            O::CallRef { type_index } => {
                let funcref = self.non_null_callee();
                self.call_funcref(funcref, type_index)?;
            }
            O::ReturnCallRef { type_index } => {
                let funcref = self.non_null_callee();
                self.tail_call_funcref(funcref, type_index)?;
            }
            O::ReturnCall { function_index } => {
                let ty = self.info.func_types[function_index as usize];
                if self.calls_directly(function_index) {
                    self.tail_call_direct(function_index, ty);
                } else if self.calls.published.contains_key(&function_index) {
                    self.tail_call_published(function_index, ty);
                } else {
                    let funcref = self.funcref_of(function_index);
                    self.tail_call_funcref(funcref, ty)?;
                }
            }
            O::Throw { tag_index } => {
                let ty = self.info.tag_type(tag_index).params;
                let n = ty.params().len();
                let args = self.popn(n);
                let (offsets, slots) = abi::slot_offsets(ty.params());
                let values = self.scratch_buffer(slots);
                for (a, offset) in args.iter().zip(&offsets) {
                    store_raw(&mut self.b, *a, values, *offset);
                }
                let tag = self.b.ins().iconst(types::I32, i64::from(tag_index));
                let count = self.b.ins().iconst(types::I32, slots as i64);
                if self.in_try_table() {
                    // A handler here may catch it: no unwinding yet.
                    self.libcall(
                        entry::throw_pending as *const () as usize,
                        &[PTR, types::I32, PTR, types::I32],
                        None,
                        &[self.vmctx, tag, values, count],
                    );
                    self.dispatch_pending();
                    self.reachable = false;
                    return Ok(());
                }
                let index = self.b.ins().iconst(types::I32, i64::from(self.func_index));
                let offset = self.b.ins().iconst(types::I32, i64::from(self.offset));
                let fp = self.b.ins().get_frame_pointer(PTR);
                let i32 = types::I32;
                self.libcall(
                    entry::throw as *const () as usize,
                    &[PTR, i32, PTR, i32, i32, i32, PTR],
                    None,
                    &[self.vmctx, tag, values, count, index, offset, fp],
                );
                self.b.ins().trap(ir::TrapCode::unwrap_user(1));
                self.reachable = false;
            }
            O::ThrowRef => {
                let exn = self.pop();
                let null = self.b.ins().icmp_imm_s(IntCC::Equal, exn, 0);
                self.trap_if(null, TrapCode::NullExceptionReference);
                if self.in_try_table() {
                    self.libcall(
                        entry::rethrow_pending as *const () as usize,
                        &[PTR, types::I64],
                        None,
                        &[self.vmctx, exn],
                    );
                    self.dispatch_pending();
                    self.reachable = false;
                    return Ok(());
                }
                let index = self.b.ins().iconst(types::I32, i64::from(self.func_index));
                let offset = self.b.ins().iconst(types::I32, i64::from(self.offset));
                let fp = self.b.ins().get_frame_pointer(PTR);
                self.libcall(
                    entry::throw_ref as *const () as usize,
                    &[PTR, PTR, types::I32, types::I32, PTR],
                    None,
                    &[self.vmctx, exn, index, offset, fp],
                );
                self.b.ins().trap(ir::TrapCode::unwrap_user(1));
                self.reachable = false;
            }
            O::RefAsNonNull => {
                let r = *self.stack.last().expect("operand");
                let null = self.b.ins().icmp_imm_s(IntCC::Equal, r, 0);
                self.trap_if(null, TrapCode::NullReference);
            }
            O::BrOnNull { relative_depth } => {
                let r = self.pop();
                let (target, args) = self.branch_args(relative_depth);
                let null = self.b.ins().icmp_imm_s(IntCC::Equal, r, 0);
                let cont = self.b.create_block();
                self.b
                    .ins()
                    .brif(null, target, &block_args(&args), cont, &[]);
                self.b.switch_to_block(cont);
                self.b.seal_block(cont);
                self.push(r);
            }
            O::BrOnNonNull { relative_depth } => {
                // The reference is the label's last value.
                let (target, args) = self.branch_args(relative_depth);
                let r = *args.last().expect("validated label type");
                let cont = self.b.create_block();
                self.b.ins().brif(r, target, &block_args(&args), cont, &[]);
                self.b.switch_to_block(cont);
                self.b.seal_block(cont);
                self.pop();
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let cond = self.pop();
                let (a, b) = self.pop2();
                let v = self.b.ins().select(cond, a, b);
                self.push(v);
            }
            O::TypedSelectMulti { .. } => return unsupported("multi-value select"),
            O::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[local_index as usize].0);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("operand");
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            O::GlobalGet { global_index } => {
                let ty = self.info.globals[global_index as usize].content;
                let (addr, offset) = self.global_value_addr(global_index);
                let v = self
                    .b
                    .ins()
                    .load(abi::value_type(ty), self.globals, addr, offset);
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let ty = self.info.globals[global_index as usize].content;
                let v = self.pop();
                let (addr, offset) = self.global_value_addr(global_index);
                // Narrow values are stored zero-extended to the 64-bit
                // slot, as the raw encoding says.
                let v = match abi::value_type(ty) {
                    types::I32 => self.b.ins().uextend(types::I64, v),
                    types::F32 => {
                        let bits = self.b.ins().bitcast(types::I32, MemFlagsData::new(), v);
                        self.b.ins().uextend(types::I64, bits)
                    }
                    _ => v,
                };
                self.b.ins().store(self.globals, v, addr, offset);
            }
            O::TableGet { table } => {
                let elem = self.table_element(table, TrapCode::TableOutOfBounds);
                let v = self.b.ins().load(PTR, MemFlagsData::trusted(), elem, 0);
                self.push(v);
            }
            O::TableSet { table } => {
                let v = self.pop();
                let elem = self.table_element(table, TrapCode::TableOutOfBounds);
                self.b.ins().store(MemFlagsData::trusted(), v, elem, 0);
            }
            O::TableSize { table } => {
                let def = self.table_def(table);
                let len =
                    self.b
                        .ins()
                        .load(types::I64, MemFlagsData::trusted(), def, abi::TABLE_LENGTH);
                let v = self.size_result(len, self.info.tables[table as usize].table64);
                self.push(v);
            }
            O::TableGrow { table } => {
                let delta = self.pop();
                let init = self.pop();
                let delta = self.widen_u64(delta);
                let t = self.b.ins().iconst(types::I32, i64::from(table));
                let r = self
                    .libcall(
                        entry::table_grow as *const () as usize,
                        &[PTR, types::I32, types::I64, types::I64],
                        Some(types::I64),
                        &[self.vmctx, t, delta, init],
                    )
                    .expect("result");
                let v = self.size_result(r, self.info.tables[table as usize].table64);
                self.push(v);
            }
            O::TableFill { table } => {
                self.fill_libcall(entry::table_fill as *const () as usize, table, types::I64)
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => self.bulk_libcall(
                entry::table_copy as *const () as usize,
                dst_table,
                src_table,
            ),
            O::TableInit { elem_index, table } => {
                self.bulk_libcall(entry::table_init as *const () as usize, table, elem_index)
            }
            O::ElemDrop { elem_index } => {
                let e = self.b.ins().iconst(types::I32, i64::from(elem_index));
                self.libcall(
                    entry::elem_drop as *const () as usize,
                    &[PTR, types::I32],
                    None,
                    &[self.vmctx, e],
                );
            }
            O::RefNull { .. } => {
                let v = self.b.ins().iconst(PTR, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let v = self.pop();
                let z = self.b.ins().icmp_imm_s(IntCC::Equal, v, 0);
                self.push_bool(z);
            }
            O::RefFunc { function_index } => {
                let v = self.funcref_of(function_index);
                self.push(v);
            }

            O::I32Load { memarg } => self.load(&memarg, types::I32, 4, None)?,
            O::I64Load { memarg } => self.load(&memarg, types::I64, 8, None)?,
            O::F32Load { memarg } => self.load(&memarg, types::F32, 4, None)?,
            O::F64Load { memarg } => self.load(&memarg, types::F64, 8, None)?,
            O::I32Load8S { memarg } => self.load(&memarg, types::I32, 1, Some(true))?,
            O::I32Load8U { memarg } => self.load(&memarg, types::I32, 1, Some(false))?,
            O::I32Load16S { memarg } => self.load(&memarg, types::I32, 2, Some(true))?,
            O::I32Load16U { memarg } => self.load(&memarg, types::I32, 2, Some(false))?,
            O::I64Load8S { memarg } => self.load(&memarg, types::I64, 1, Some(true))?,
            O::I64Load8U { memarg } => self.load(&memarg, types::I64, 1, Some(false))?,
            O::I64Load16S { memarg } => self.load(&memarg, types::I64, 2, Some(true))?,
            O::I64Load16U { memarg } => self.load(&memarg, types::I64, 2, Some(false))?,
            O::I64Load32S { memarg } => self.load(&memarg, types::I64, 4, Some(true))?,
            O::I64Load32U { memarg } => self.load(&memarg, types::I64, 4, Some(false))?,
            O::I32Store { memarg } | O::F32Store { memarg } => self.store(&memarg, 4, false)?,
            O::I64Store { memarg } | O::F64Store { memarg } => self.store(&memarg, 8, false)?,
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(&memarg, 1, true)?,
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(&memarg, 2, true)?,
            O::I64Store32 { memarg } => self.store(&memarg, 4, true)?,
            O::MemorySize { mem } => {
                let vars = self.memories[&mem];
                let len = if vars.fixed {
                    self.b
                        .ins()
                        .load(types::I64, checked(), vars.def, abi::MEMORY_LENGTH)
                } else {
                    self.b.use_var(vars.len)
                };
                let pages = self.b.ins().ushr_imm_u(len, 16);
                let v = self.size_result(pages, vars.memory64);
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                let delta = self.widen_u64(delta);
                let m = self.b.ins().iconst(types::I32, i64::from(mem));
                let r = self
                    .libcall(
                        entry::memory_grow as *const () as usize,
                        &[PTR, types::I32, types::I64],
                        Some(types::I64),
                        &[self.vmctx, m, delta],
                    )
                    .expect("result");
                let v = self.size_result(r, self.info.memories[mem as usize].memory64);
                self.push(v);
                self.reload_memory();
            }
            O::MemoryFill { mem } => {
                self.fill_libcall(entry::memory_fill as *const () as usize, mem, types::I32)
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                self.bulk_libcall(entry::memory_copy as *const () as usize, dst_mem, src_mem)
            }
            O::MemoryInit { data_index, mem } => {
                self.bulk_libcall(entry::memory_init as *const () as usize, mem, data_index)
            }
            O::DataDrop { data_index } => {
                let seg = self.b.ins().iconst(types::I32, i64::from(data_index));
                self.libcall(
                    entry::data_drop as *const () as usize,
                    &[PTR, types::I32],
                    None,
                    &[self.vmctx, seg],
                );
            }

            O::I32Const { value } => {
                let v = self.b.ins().iconst(types::I32, i64::from(value));
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.b.ins().iconst(types::I64, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.b.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.b.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }

            O::I32Eqz | O::I64Eqz => {
                let v = self.pop();
                let z = self.b.ins().icmp_imm_s(IntCC::Equal, v, 0);
                self.push_bool(z);
            }
            O::I32Eq | O::I64Eq => self.icmp(IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(IntCC::UnsignedGreaterThanOrEqual),
            O::F32Eq | O::F64Eq => self.fcmp(FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),

            O::I32Clz | O::I64Clz => self.unary(|b, x| b.ins().clz(x)),
            O::I32Ctz | O::I64Ctz => self.unary(|b, x| b.ins().ctz(x)),
            O::I32Popcnt | O::I64Popcnt => self.unary(|b, x| b.ins().popcnt(x)),
            O::I32Add | O::I64Add => self.binary(|b, x, y| b.ins().iadd(x, y)),
            O::I32Sub | O::I64Sub => self.binary(|b, x, y| b.ins().isub(x, y)),
            O::I32Mul | O::I64Mul => self.binary(|b, x, y| b.ins().imul(x, y)),
            O::I32DivS | O::I64DivS => self.div(true, false),
            O::I32DivU | O::I64DivU => self.div(false, false),
            O::I32RemS | O::I64RemS => self.div(true, true),
            O::I32RemU | O::I64RemU => self.div(false, true),
            O::I32And | O::I64And => self.binary(|b, x, y| b.ins().band(x, y)),
            O::I32Or | O::I64Or => self.binary(|b, x, y| b.ins().bor(x, y)),
            O::I32Xor | O::I64Xor => self.binary(|b, x, y| b.ins().bxor(x, y)),
            O::I32Shl | O::I64Shl => self.binary(|b, x, y| b.ins().ishl(x, y)),
            O::I32ShrS | O::I64ShrS => self.binary(|b, x, y| b.ins().sshr(x, y)),
            O::I32ShrU | O::I64ShrU => self.binary(|b, x, y| b.ins().ushr(x, y)),
            O::I32Rotl | O::I64Rotl => self.binary(|b, x, y| b.ins().rotl(x, y)),
            O::I32Rotr | O::I64Rotr => self.binary(|b, x, y| b.ins().rotr(x, y)),

            O::F32Abs | O::F64Abs => self.unary(|b, x| b.ins().fabs(x)),
            O::F32Neg | O::F64Neg => self.unary(|b, x| b.ins().fneg(x)),
            O::F32Ceil | O::F64Ceil => self.unary(|b, x| b.ins().ceil(x)),
            O::F32Floor | O::F64Floor => self.unary(|b, x| b.ins().floor(x)),
            O::F32Trunc | O::F64Trunc => self.unary(|b, x| b.ins().trunc(x)),
            O::F32Nearest | O::F64Nearest => self.unary(|b, x| b.ins().nearest(x)),
            O::F32Sqrt | O::F64Sqrt => self.unary(|b, x| b.ins().sqrt(x)),
            O::F32Add | O::F64Add => self.binary(|b, x, y| b.ins().fadd(x, y)),
            O::F32Sub | O::F64Sub => self.binary(|b, x, y| b.ins().fsub(x, y)),
            O::F32Mul | O::F64Mul => self.binary(|b, x, y| b.ins().fmul(x, y)),
            O::F32Div | O::F64Div => self.binary(|b, x, y| b.ins().fdiv(x, y)),
            O::F32Min | O::F64Min => self.binary(|b, x, y| b.ins().fmin(x, y)),
            O::F32Max | O::F64Max => self.binary(|b, x, y| b.ins().fmax(x, y)),
            O::F32Copysign | O::F64Copysign => self.binary(|b, x, y| b.ins().fcopysign(x, y)),

            O::I32WrapI64 => self.unary(|b, x| b.ins().ireduce(types::I32, x)),
            O::I64ExtendI32S => self.unary(|b, x| b.ins().sextend(types::I64, x)),
            O::I64ExtendI32U => self.unary(|b, x| b.ins().uextend(types::I64, x)),
            O::I32Extend8S => self.extend_narrow(types::I8, types::I32),
            O::I32Extend16S => self.extend_narrow(types::I16, types::I32),
            O::I64Extend8S => self.extend_narrow(types::I8, types::I64),
            O::I64Extend16S => self.extend_narrow(types::I16, types::I64),
            O::I64Extend32S => self.extend_narrow(types::I32, types::I64),
            O::F32DemoteF64 => self.unary(|b, x| b.ins().fdemote(types::F32, x)),
            O::F64PromoteF32 => self.unary(|b, x| b.ins().fpromote(types::F64, x)),
            O::F32ConvertI32S | O::F32ConvertI64S => {
                self.unary(|b, x| b.ins().fcvt_from_sint(types::F32, x))
            }
            O::F32ConvertI32U | O::F32ConvertI64U => {
                self.unary(|b, x| b.ins().fcvt_from_uint(types::F32, x))
            }
            O::F64ConvertI32S | O::F64ConvertI64S => {
                self.unary(|b, x| b.ins().fcvt_from_sint(types::F64, x))
            }
            O::F64ConvertI32U | O::F64ConvertI64U => {
                self.unary(|b, x| b.ins().fcvt_from_uint(types::F64, x))
            }
            O::I32ReinterpretF32 => self.bitcast(types::I32),
            O::I64ReinterpretF64 => self.bitcast(types::I64),
            O::F32ReinterpretI32 => self.bitcast(types::F32),
            O::F64ReinterpretI64 => self.bitcast(types::F64),
            O::I32TruncF32S => self.trunc(types::I32, true, false),
            O::I32TruncF32U => self.trunc(types::I32, false, false),
            O::I32TruncF64S => self.trunc(types::I32, true, true),
            O::I32TruncF64U => self.trunc(types::I32, false, true),
            O::I64TruncF32S => self.trunc(types::I64, true, false),
            O::I64TruncF32U => self.trunc(types::I64, false, false),
            O::I64TruncF64S => self.trunc(types::I64, true, true),
            O::I64TruncF64U => self.trunc(types::I64, false, true),
            O::I32TruncSatF32S | O::I32TruncSatF64S => {
                self.unary(|b, x| b.ins().fcvt_to_sint_sat(types::I32, x))
            }
            O::I32TruncSatF32U | O::I32TruncSatF64U => {
                self.unary(|b, x| b.ins().fcvt_to_uint_sat(types::I32, x))
            }
            O::I64TruncSatF32S | O::I64TruncSatF64S => {
                self.unary(|b, x| b.ins().fcvt_to_sint_sat(types::I64, x))
            }
            O::I64TruncSatF32U | O::I64TruncSatF64U => {
                self.unary(|b, x| b.ins().fcvt_to_uint_sat(types::I64, x))
            }
            other => {
                if !self.simd_operator(&other)? {
                    return unsupported(format!("operator {other:?}"));
                }
            }
        }
        Ok(())
    }
}

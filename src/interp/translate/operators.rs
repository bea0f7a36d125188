//! Every operator, dispatched to what translates it.

use super::*;

impl Translator {
    pub(super) fn operator(
        &mut self,
        env: &TranslateEnv<'_>,
        op: &Operator<'_>,
        offset: usize,
    ) -> Result<(), Error> {
        use Operator as O;
        use ValType::*;
        if !self.reachable {
            return self.unreachable_operator(op);
        }
        if let Some((kind, ty, memarg, lane)) = mem_access_of(op) {
            if let Some(memory) = generic_memory(env, &memarg) {
                self.mem_access(kind, ty, memory, memarg.offset, lane);
                return Ok(());
            }
        }
        macro_rules! bin {
            ($t:expr, $v:ident) => {
                self.binary($t, |dst, a, b| Instr::$v { dst, a, b })
            };
        }
        macro_rules! bini {
            ($t:expr, $v:ident, $vi:ident) => {
                binary_imm!(self, $t, $v, $vi)
            };
        }
        macro_rules! un {
            ($t:expr, $v:ident) => {
                self.unary($t, |dst, src| Instr::$v { dst, src })
            };
        }
        macro_rules! load {
            ($t:expr, $memarg:expr, $v:ident, $disp:ident, $indexed:ident) => {{
                check_memory(&$memarg, offset)?;
                self.load(
                    $t,
                    &$memarg,
                    |dst, addr, offset| Instr::$v { dst, addr, offset },
                    |dst, base, imm, offset| Instr::$disp {
                        dst,
                        base,
                        imm,
                        offset,
                    },
                    |dst, base, index, offset| Instr::$indexed {
                        dst,
                        base,
                        index,
                        offset,
                    },
                )
            }};
        }
        macro_rules! load_plain {
            ($t:expr, $memarg:expr, $v:ident) => {{
                check_memory(&$memarg, offset)?;
                self.load_plain($t, &$memarg, |dst, addr, offset| Instr::$v {
                    dst,
                    addr,
                    offset,
                })
            }};
        }
        macro_rules! store {
            ($memarg:expr, $v:ident, $disp:ident, $indexed:ident) => {{
                check_memory(&$memarg, offset)?;
                self.store(
                    &$memarg,
                    |addr, src, offset| Instr::$v { addr, src, offset },
                    |src, base, imm, offset| Instr::$disp {
                        src,
                        base,
                        imm,
                        offset,
                    },
                    |src, base, index, offset| Instr::$indexed {
                        src,
                        base,
                        index,
                        offset,
                    },
                )
            }};
        }
        macro_rules! store_plain {
            ($memarg:expr, $v:ident) => {{
                check_memory(&$memarg, offset)?;
                self.store_plain(&$memarg, |addr, src, offset| Instr::$v {
                    addr,
                    src,
                    offset,
                })
            }};
        }
        macro_rules! simd_ops {
            (
                simd_binary: [$(($sb:ident, $sbf:ident)),* $(,)?],
                simd_shift: [$(($ss:ident, $ssf:ident)),* $(,)?],
                simd_unary: [$(($su:ident, $suf:ident)),* $(,)?],
                simd_test: [$(($st:ident, $stf:ident)),* $(,)?],
                simd_load: [$(($sl:ident, $sln:literal, $slf:ident)),* $(,)?],
            ) => {
                match *op {
                    $( O::$sb => { bin!(V128, $sb); return Ok(()); } )*
                    $( O::$ss => { bin!(V128, $ss); return Ok(()); } )*
                    $( O::$su => { un!(V128, $su); return Ok(()); } )*
                    $( O::$st => { un!(I32, $st); return Ok(()); } )*
                    $( O::$sl { memarg } => { load_plain!(V128, memarg, $sl); return Ok(()); } )*
                    _ => {}
                }
            };
        }
        crate::simd_table!(simd_ops);

        match *op {
            O::Nop => {}
            O::Unreachable => {
                self.emit(Instr::Unreachable);
                self.reachable = false;
            }
            O::Block { blockty } => self.block(env, blockty),
            O::TryTable { ref try_table } => self.try_table(env, try_table),
            O::Throw { tag_index } => {
                let ty = &env.types[env.tags[tag_index as usize] as usize];
                let slots = ty.params().iter().map(|t| slots_of(*t)).sum();
                let args = self.pop_args(ty.params().len());
                self.emit(Instr::Throw {
                    tag: tag_index,
                    args,
                    slots,
                });
                self.reachable = false;
            }
            O::ThrowRef => {
                let e = self.pop();
                let src = self.src(e);
                self.emit(Instr::ThrowRef { src });
                self.reachable = false;
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_type(env, blockty);
                self.materialize_locals();
                let n = params.len();
                self.materialize_top(n);
                // Where the operand stack is empty, the locals are all an
                // invocation has: native code can take over from here
                // (before the checks of the segment starting at the head,
                // which the native code makes at its loop header).
                let osr = n == 0 && self.stack.is_empty();
                self.push_control(ControlKind::Loop, params, results);
                let head = self.label();
                self.controls.last_mut().expect("loop").head = head;
                if env.count_hotness {
                    if osr {
                        let ordinal = self.loops_seen - 1;
                        self.emit(Instr::HotLoop { ordinal });
                        self.osr_loops = true;
                    } else {
                        self.emit(Instr::Hot);
                    }
                }
            }
            O::If { blockty } => {
                let (params, results) = self.block_type(env, blockty);
                let c = self.pop();
                // Locals and parameters are saved before the branch; a fused
                // comparison reads its operands before anything is saved, so
                // only fuse when nothing needs saving.
                let n = params.len();
                let needs_saving = self.stack.iter().any(|e| self.reads_local(e.place))
                    || self.stack[self.stack.len() - n..]
                        .iter()
                        .any(|e| e.place != Place::Temp);
                let fused = self.producer_of(c).and_then(|at| {
                    crate::interp::ir::fuse_compare(self.code[at], true).map(|instr| (at, instr))
                });
                let at = if let (true, Some((at, branch))) = (needs_saving, fused) {
                    // Move the comparison after the saving copies: they
                    // write only stack slots below its operands.
                    debug_assert_eq!(at + 1, self.code.len());
                    self.code.pop();
                    self.offsets.pop();
                    self.fusible = None;
                    self.materialize_locals();
                    self.materialize_top(n);
                    let at = self.emit(branch);
                    self.merge_into_branch(at)
                } else if needs_saving {
                    let cond = self.src(c);
                    self.materialize_locals();
                    self.materialize_top(n);
                    self.emit(Instr::BrIfEqz { cond, offset: 0 })
                } else {
                    self.emit_cond_branch(c, true)
                };
                self.push_control(ControlKind::If, params, results);
                self.controls.last_mut().expect("if").else_fixup = Some(at);
            }
            O::Else => {
                let frame = self.controls.last().expect("if frame");
                if self.reachable {
                    let (n, base) = (frame.results.len(), frame.base_slot);
                    self.move_top_to(n, base);
                    let at = self.emit(Instr::Br { offset: 0 });
                    self.controls.last_mut().expect("if").fixups.push(at);
                }
                let here = self.label();
                let frame = self.controls.last_mut().expect("if frame");
                frame.kind = ControlKind::Else;
                let else_at = frame.else_fixup.take().expect("if has a false branch");
                let (height, params, reachable) =
                    (frame.height, frame.params.clone(), frame.reachable_at_entry);
                self.patch(else_at, here);
                self.reset_stack(height, &params);
                self.reachable = reachable;
            }
            O::End => self.end(),
            O::Br { relative_depth } => self.br(relative_depth),
            O::BrIf { relative_depth } => self.br_if(relative_depth),
            O::BrTable { ref targets } => {
                let c = self.pop();
                let index = self.src(c);
                let depths: Vec<u32> = targets
                    .targets()
                    .chain(std::iter::once(Ok(targets.default())))
                    .collect::<Result<_, _>>()
                    .map_err(werr)?;
                self.emit(Instr::BrTable {
                    index,
                    len: depths.len() as u32 - 1,
                });
                let table_start = self.code.len();
                for _ in &depths {
                    self.emit(Instr::Br { offset: 0 });
                }
                for (k, &depth) in depths.iter().enumerate() {
                    let at = table_start + k;
                    let target = self.controls.len() - 1 - depth as usize;
                    let kind = self.controls[target].kind;
                    let n = self.controls[target].label_types().len();
                    let base = self.controls[target].base_slot;
                    if kind == ControlKind::Loop && self.top_in_place(n, base) {
                        let head = self.controls[target].head;
                        self.patch(at, head);
                    } else if kind != ControlKind::Function && self.top_in_place(n, base) {
                        self.controls[target].fixups.push(at);
                    } else {
                        // A stub that moves the values, then branches.
                        let here = self.label();
                        self.patch(at, here);
                        let saved = self.stack.clone();
                        self.emit_branch(depth);
                        self.stack = saved;
                    }
                }
                self.reachable = false;
            }
            O::Return => {
                self.emit_return();
                self.reachable = false;
            }
            O::Call { function_index } => {
                let ty = env.types[env.func_types[function_index as usize] as usize].clone();
                if function_index >= env.num_imported_funcs {
                    let func = function_index - env.num_imported_funcs;
                    self.call(&ty, |args, copies| match copies {
                        Some([src0, src1]) => Instr::CallInternalArgs {
                            args: n16(args),
                            src0,
                            src1,
                            func,
                        },
                        None => Instr::CallInternal { func, args },
                    });
                } else {
                    let func = function_index;
                    self.call(&ty, |args, copies| match copies {
                        Some([src0, src1]) => Instr::CallArgs {
                            args: n16(args),
                            src0,
                            src1,
                            func,
                        },
                        None => Instr::Call { func, args },
                    });
                }
            }
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                let ty = env.types[type_index as usize].clone();
                let c = self.pop();
                let index = self.src(c);
                let table64 = env.tables[table_index as usize].table64;
                let copies = if table64 {
                    None
                } else {
                    self.deferred_arg_copies(ty.params().len())
                };
                let args = self.pop_args(ty.params().len());
                self.emit(match copies {
                    None if table64 => Instr::CallIndirect64 {
                        type_index,
                        index,
                        args,
                    },
                    Some([src0, src1]) => Instr::CallIndirectArgs {
                        index: n16(index),
                        args: n16(args),
                        src0,
                        src1,
                        type_index,
                    },
                    None => Instr::CallIndirect {
                        type_index,
                        index,
                        args,
                    },
                });
                self.emit(Instr::Aux {
                    a: table_index,
                    b: 0,
                });
                for &t in ty.results() {
                    self.push_temp(t);
                }
            }
            O::ReturnCall { function_index } => {
                let ty = &env.types[env.func_types[function_index as usize] as usize];
                let args = self.pop_args(ty.params().len());
                self.emit(Instr::ReturnCall {
                    func: function_index,
                    args,
                });
                self.reachable = false;
            }
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let ty = &env.types[type_index as usize];
                let c = self.pop();
                let index = self.src(c);
                let args = self.pop_args(ty.params().len());
                self.emit(Instr::ReturnCallIndirect {
                    type_index,
                    index,
                    args,
                });
                self.emit(Instr::Aux {
                    a: table_index,
                    b: env.tables[table_index as usize].table64.into(),
                });
                self.reachable = false;
            }
            O::CallRef { type_index } => {
                let ty = env.types[type_index as usize].clone();
                // The reference sits above the arguments: placing them
                // cannot overwrite it.
                let c = self.pop();
                let callee = self.src(c);
                let args = self.pop_args(ty.params().len());
                self.emit(Instr::CallRef { callee, args });
                for &t in ty.results() {
                    self.push_temp(t);
                }
            }
            O::ReturnCallRef { type_index } => {
                let n = env.types[type_index as usize].params().len();
                let c = self.pop();
                let callee = self.src(c);
                let args = self.pop_args(n);
                self.emit(Instr::ReturnCallRef { callee, args });
                self.reachable = false;
            }
            O::RefAsNonNull => {
                let e = *self.stack.last().expect("validated operand");
                let src = self.src(e);
                self.emit(Instr::RefAsNonNull { src });
            }
            O::BrOnNull { relative_depth } => {
                // Branch (without the reference) when null; otherwise the
                // reference stays on the stack, where it was.
                let c = self.pop();
                let cond = self.src(c);
                self.branch_on_ref(relative_depth, cond, false);
                self.stack.push(c);
            }
            O::BrOnNonNull { relative_depth } => {
                // Branch with the reference (the label's last value) when
                // non-null; otherwise drop it.
                let c = *self.stack.last().expect("validated operand");
                let cond = self.src(c);
                self.branch_on_ref(relative_depth, cond, true);
                self.pop();
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. }
                if self.narrow && self.stack[self.stack.len() - 2].ty != V128 =>
            {
                self.select()
            }
            O::Select | O::TypedSelect { .. } => {
                let c = self.pop();
                let b = self.pop();
                let a = self.pop();
                let cond = self.src(c);
                let sb = self.src(b);
                self.write_to(a, a.slot);
                let dst = self.push_temp(a.ty);
                if a.ty == V128 {
                    self.emit(Instr::Select128 { dst, b: sb, cond });
                } else {
                    self.emit(Instr::Select { dst, b: sb, cond });
                }
            }
            O::LocalGet { local_index } => self.local_get(local_index),
            O::LocalSet { local_index } => self.local_set(local_index, false),
            O::LocalTee { local_index } => self.local_set(local_index, true),
            O::GlobalGet { global_index } => {
                let t = env.globals[global_index as usize].content;
                let dst = self.push_temp(t);
                if t == V128 {
                    self.emit_result(Instr::GlobalGet128 {
                        dst,
                        global: global_index,
                    });
                } else {
                    self.emit_result(Instr::GlobalGet {
                        dst,
                        global: global_index,
                    });
                }
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let src = self.src(v);
                if v.ty == V128 {
                    self.emit(Instr::GlobalSet128 {
                        src,
                        global: global_index,
                    });
                } else {
                    self.emit(Instr::GlobalSet {
                        src,
                        global: global_index,
                    });
                }
            }
            O::I32Load { memarg } => load!(I32, memarg, I32Load, I32LoadDisp, I32LoadIndexed),
            O::F32Load { memarg } => load!(F32, memarg, I32Load, I32LoadDisp, I32LoadIndexed),
            O::I64Load { memarg } => load!(I64, memarg, I64Load, I64LoadDisp, I64LoadIndexed),
            O::F64Load { memarg } => load!(F64, memarg, I64Load, I64LoadDisp, I64LoadIndexed),
            O::I32Load8S { memarg } => {
                load!(I32, memarg, I32Load8S, I32Load8SDisp, I32Load8SIndexed)
            }
            O::I32Load8U { memarg } => {
                load!(I32, memarg, I32Load8U, I32Load8UDisp, I32Load8UIndexed)
            }
            O::I32Load16S { memarg } => {
                load!(I32, memarg, I32Load16S, I32Load16SDisp, I32Load16SIndexed)
            }
            O::I32Load16U { memarg } => {
                load!(I32, memarg, I32Load16U, I32Load16UDisp, I32Load16UIndexed)
            }
            O::I64Load8S { memarg } => {
                load!(I64, memarg, I64Load8S, I64Load8SDisp, I64Load8SIndexed)
            }
            O::I64Load8U { memarg } => {
                load!(I64, memarg, I64Load8U, I64Load8UDisp, I64Load8UIndexed)
            }
            O::I64Load16S { memarg } => {
                load!(I64, memarg, I64Load16S, I64Load16SDisp, I64Load16SIndexed)
            }
            O::I64Load16U { memarg } => {
                load!(I64, memarg, I64Load16U, I64Load16UDisp, I64Load16UIndexed)
            }
            O::I64Load32S { memarg } => {
                load!(I64, memarg, I64Load32S, I64Load32SDisp, I64Load32SIndexed)
            }
            O::I64Load32U { memarg } => {
                load!(I64, memarg, I64Load32U, I64Load32UDisp, I64Load32UIndexed)
            }
            O::I32Store { memarg } | O::F32Store { memarg } => {
                store!(memarg, I32Store, I32StoreDisp, I32StoreIndexed)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => {
                store!(memarg, I64Store, I64StoreDisp, I64StoreIndexed)
            }
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                store!(memarg, I32Store8, I32Store8Disp, I32Store8Indexed)
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                store!(memarg, I32Store16, I32Store16Disp, I32Store16Indexed)
            }
            O::I64Store32 { memarg } => {
                store!(memarg, I64Store32, I64Store32Disp, I64Store32Indexed)
            }
            O::MemorySize { mem } => {
                let (memory, ty) = memory_operand(env, mem);
                let dst = self.push_temp(ty);
                self.emit_result(Instr::MemorySize { dst, memory });
            }
            O::MemoryGrow { mem } => {
                let (memory, ty) = memory_operand(env, mem);
                let args = self.pop_args(1);
                self.emit(Instr::MemoryGrow { args, memory });
                self.push_temp(ty);
            }
            O::MemoryFill { mem } => {
                let args = self.pop_args(3);
                let memory = memory_operand(env, mem).0;
                self.emit(Instr::MemoryFill { args, memory });
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let args = self.pop_args(3);
                self.emit(Instr::MemoryCopy {
                    args,
                    dst_memory: memory_operand(env, dst_mem).0,
                    src_memory: memory_operand(env, src_mem).0,
                });
            }
            O::MemoryInit { data_index, mem } => {
                let args = self.pop_args(3);
                self.emit(Instr::MemoryInit {
                    args,
                    segment: data_index,
                    memory: memory_operand(env, mem).0,
                });
            }
            O::DataDrop { data_index } => {
                self.emit(Instr::DataDrop {
                    segment: data_index,
                });
            }
            O::TableGet { table } => {
                let t = env.tables[table as usize].element;
                let i = self.pop();
                let index = self.src(i);
                let dst = self.push_temp(t);
                let table = table_operand(env, table).0;
                self.emit_result(Instr::TableGet { dst, index, table });
            }
            O::TableSet { table } => {
                let v = self.pop();
                let i = self.pop();
                let index = self.src(i);
                let src = self.src(v);
                let table = table_operand(env, table).0;
                self.emit(Instr::TableSet { index, src, table });
            }
            O::TableSize { table } => {
                let (table, ty) = table_operand(env, table);
                let dst = self.push_temp(ty);
                self.emit_result(Instr::TableSize { dst, table });
            }
            O::TableGrow { table } => {
                let (table, ty) = table_operand(env, table);
                let args = self.pop_args(2);
                self.emit(Instr::TableGrow { args, table });
                self.push_temp(ty);
            }
            O::TableFill { table } => {
                let args = self.pop_args(3);
                let table = table_operand(env, table).0;
                self.emit(Instr::TableFill { args, table });
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let args = self.pop_args(3);
                self.emit(Instr::TableCopy {
                    args,
                    dst_table: table_operand(env, dst_table).0,
                    src_table: table_operand(env, src_table).0,
                });
            }
            O::TableInit { elem_index, table } => {
                let args = self.pop_args(3);
                self.emit(Instr::TableInit {
                    args,
                    segment: elem_index,
                    table: table_operand(env, table).0,
                });
            }
            O::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop {
                    segment: elem_index,
                });
            }
            O::RefNull { hty } => {
                let t = match hty {
                    wasmparser::HeapType::Abstract {
                        ty: wasmparser::AbstractHeapType::Extern,
                        ..
                    } => ValType::ExternRef,
                    _ => ValType::FuncRef,
                };
                self.push(Place::Const(0), t);
            }
            O::RefIsNull => un!(I32, RefIsNull),
            O::RefFunc { function_index } => {
                let dst = self.push_temp(ValType::FuncRef);
                self.emit_result(Instr::RefFunc {
                    dst,
                    func: function_index,
                });
            }

            O::I32Const { value } => {
                self.push(Place::Const(value as u32 as u64), I32);
            }
            O::I64Const { value } => {
                self.push(Place::Const(value as u64), I64);
            }
            O::F32Const { value } => {
                self.push(Place::Const(value.bits() as u64), F32);
            }
            O::F64Const { value } => {
                self.push(Place::Const(value.bits()), F64);
            }

            O::I32Eqz => un!(I32, I32Eqz),
            O::I32Eq => bini!(I32, I32Eq, I32EqImm),
            O::I32Ne => bini!(I32, I32Ne, I32NeImm),
            O::I32LtS => bini!(I32, I32LtS, I32LtSImm),
            O::I32LtU => bini!(I32, I32LtU, I32LtUImm),
            O::I32GtS => bini!(I32, I32GtS, I32GtSImm),
            O::I32GtU => bini!(I32, I32GtU, I32GtUImm),
            O::I32LeS => bini!(I32, I32LeS, I32LeSImm),
            O::I32LeU => bini!(I32, I32LeU, I32LeUImm),
            O::I32GeS => bini!(I32, I32GeS, I32GeSImm),
            O::I32GeU => bini!(I32, I32GeU, I32GeUImm),
            O::I64Eqz => un!(I32, I64Eqz),
            O::I64Eq => bini!(I32, I64Eq, I64EqImm),
            O::I64Ne => bini!(I32, I64Ne, I64NeImm),
            O::I64LtS => bini!(I32, I64LtS, I64LtSImm),
            O::I64LtU => bini!(I32, I64LtU, I64LtUImm),
            O::I64GtS => bini!(I32, I64GtS, I64GtSImm),
            O::I64GtU => bini!(I32, I64GtU, I64GtUImm),
            O::I64LeS => bini!(I32, I64LeS, I64LeSImm),
            O::I64LeU => bini!(I32, I64LeU, I64LeUImm),
            O::I64GeS => bini!(I32, I64GeS, I64GeSImm),
            O::I64GeU => bini!(I32, I64GeU, I64GeUImm),
            O::F32Eq => bin!(I32, F32Eq),
            O::F32Ne => bin!(I32, F32Ne),
            O::F32Lt => bin!(I32, F32Lt),
            O::F32Gt => bin!(I32, F32Gt),
            O::F32Le => bin!(I32, F32Le),
            O::F32Ge => bin!(I32, F32Ge),
            O::F64Eq => bin!(I32, F64Eq),
            O::F64Ne => bin!(I32, F64Ne),
            O::F64Lt => bin!(I32, F64Lt),
            O::F64Gt => bin!(I32, F64Gt),
            O::F64Le => bin!(I32, F64Le),
            O::F64Ge => bin!(I32, F64Ge),

            O::I32Clz => un!(I32, I32Clz),
            O::I32Ctz => un!(I32, I32Ctz),
            O::I32Popcnt => un!(I32, I32Popcnt),
            O::I32Add => self.i32_add(false),
            O::I32Sub => self.i32_add(true),
            O::I32Mul => bini!(I32, I32Mul, I32MulImm),
            O::I32DivS => bini!(I32, I32DivS, I32DivSImm),
            O::I32DivU => bini!(I32, I32DivU, I32DivUImm),
            O::I32RemS => bini!(I32, I32RemS, I32RemSImm),
            O::I32RemU => bini!(I32, I32RemU, I32RemUImm),
            O::I32And => bini!(I32, I32And, I32AndImm),
            O::I32Or => bini!(I32, I32Or, I32OrImm),
            O::I32Xor => bini!(I32, I32Xor, I32XorImm),
            O::I32Shl => bini!(I32, I32Shl, I32ShlImm),
            O::I32ShrS => bini!(I32, I32ShrS, I32ShrSImm),
            O::I32ShrU => bini!(I32, I32ShrU, I32ShrUImm),
            O::I32Rotl => bini!(I32, I32Rotl, I32RotlImm),
            O::I32Rotr => bini!(I32, I32Rotr, I32RotrImm),
            O::I64Clz => un!(I64, I64Clz),
            O::I64Ctz => un!(I64, I64Ctz),
            O::I64Popcnt => un!(I64, I64Popcnt),
            O::I64Add => {
                if !self.fuse_mul_add_imm(I64) {
                    bini!(I64, I64Add, I64AddImm)
                }
            }
            O::I64Sub => bini!(I64, I64Sub, I64SubImm),
            O::I64Mul => bini!(I64, I64Mul, I64MulImm),
            O::I64DivS => bini!(I64, I64DivS, I64DivSImm),
            O::I64DivU => bini!(I64, I64DivU, I64DivUImm),
            O::I64RemS => bini!(I64, I64RemS, I64RemSImm),
            O::I64RemU => bini!(I64, I64RemU, I64RemUImm),
            O::I64And => bini!(I64, I64And, I64AndImm),
            O::I64Or => bini!(I64, I64Or, I64OrImm),
            O::I64Xor => bini!(I64, I64Xor, I64XorImm),
            O::I64Shl => bini!(I64, I64Shl, I64ShlImm),
            O::I64ShrS => bini!(I64, I64ShrS, I64ShrSImm),
            O::I64ShrU => bini!(I64, I64ShrU, I64ShrUImm),
            O::I64Rotl => bini!(I64, I64Rotl, I64RotlImm),
            O::I64Rotr => bini!(I64, I64Rotr, I64RotrImm),

            O::F32Abs => un!(F32, F32Abs),
            O::F32Neg => un!(F32, F32Neg),
            O::F32Ceil => un!(F32, F32Ceil),
            O::F32Floor => un!(F32, F32Floor),
            O::F32Trunc => un!(F32, F32Trunc),
            O::F32Nearest => un!(F32, F32Nearest),
            O::F32Sqrt => un!(F32, F32Sqrt),
            O::F32Add => self.float_arith(F32, Arith::Add, |dst, a, b| Instr::F32Add { dst, a, b }),
            O::F32Sub => self.float_arith(F32, Arith::Sub, |dst, a, b| Instr::F32Sub { dst, a, b }),
            O::F32Mul => self.float_arith(F32, Arith::Mul, |dst, a, b| Instr::F32Mul { dst, a, b }),
            O::F32Div => self.float_arith(F32, Arith::Div, |dst, a, b| Instr::F32Div { dst, a, b }),
            O::F32Min => bin!(F32, F32Min),
            O::F32Max => bin!(F32, F32Max),
            O::F32Copysign => bin!(F32, F32Copysign),
            O::F64Abs => un!(F64, F64Abs),
            O::F64Neg => un!(F64, F64Neg),
            O::F64Ceil => un!(F64, F64Ceil),
            O::F64Floor => un!(F64, F64Floor),
            O::F64Trunc => un!(F64, F64Trunc),
            O::F64Nearest => un!(F64, F64Nearest),
            O::F64Sqrt => un!(F64, F64Sqrt),
            O::F64Add => self.float_arith(F64, Arith::Add, |dst, a, b| Instr::F64Add { dst, a, b }),
            O::F64Sub => self.float_arith(F64, Arith::Sub, |dst, a, b| Instr::F64Sub { dst, a, b }),
            O::F64Mul => self.float_arith(F64, Arith::Mul, |dst, a, b| Instr::F64Mul { dst, a, b }),
            O::F64Div => self.float_arith(F64, Arith::Div, |dst, a, b| Instr::F64Div { dst, a, b }),
            O::F64Min => bin!(F64, F64Min),
            O::F64Max => bin!(F64, F64Max),
            O::F64Copysign => bin!(F64, F64Copysign),

            O::I32WrapI64 => un!(I32, I32WrapI64),
            O::I32TruncF32S => un!(I32, I32TruncF32S),
            O::I32TruncF32U => un!(I32, I32TruncF32U),
            O::I32TruncF64S => un!(I32, I32TruncF64S),
            O::I32TruncF64U => un!(I32, I32TruncF64U),
            O::I64ExtendI32S => un!(I64, I64ExtendI32S),
            O::I64ExtendI32U => un!(I64, I64ExtendI32U),
            O::I64TruncF32S => un!(I64, I64TruncF32S),
            O::I64TruncF32U => un!(I64, I64TruncF32U),
            O::I64TruncF64S => un!(I64, I64TruncF64S),
            O::I64TruncF64U => un!(I64, I64TruncF64U),
            O::F32ConvertI32S => un!(F32, F32ConvertI32S),
            O::F32ConvertI32U => un!(F32, F32ConvertI32U),
            O::F32ConvertI64S => un!(F32, F32ConvertI64S),
            O::F32ConvertI64U => un!(F32, F32ConvertI64U),
            O::F32DemoteF64 => un!(F32, F32DemoteF64),
            O::F64ConvertI32S => un!(F64, F64ConvertI32S),
            O::F64ConvertI32U => un!(F64, F64ConvertI32U),
            O::F64ConvertI64S => un!(F64, F64ConvertI64S),
            O::F64ConvertI64U => un!(F64, F64ConvertI64U),
            O::F64PromoteF32 => un!(F64, F64PromoteF32),
            // Reinterpretations keep the bits: only the static type changes.
            O::I32ReinterpretF32 => self.retype(I32),
            O::I64ReinterpretF64 => self.retype(I64),
            O::F32ReinterpretI32 => self.retype(F32),
            O::F64ReinterpretI64 => self.retype(F64),
            O::I32Extend8S => un!(I32, I32Extend8S),
            O::I32Extend16S => un!(I32, I32Extend16S),
            O::I64Extend8S => un!(I64, I64Extend8S),
            O::I64Extend16S => un!(I64, I64Extend16S),
            O::I64Extend32S => un!(I64, I64Extend32S),
            O::I32TruncSatF32S => un!(I32, I32TruncSatF32S),
            O::I32TruncSatF32U => un!(I32, I32TruncSatF32U),
            O::I32TruncSatF64S => un!(I32, I32TruncSatF64S),
            O::I32TruncSatF64U => un!(I32, I32TruncSatF64U),
            O::I64TruncSatF32S => un!(I64, I64TruncSatF32S),
            O::I64TruncSatF32U => un!(I64, I64TruncSatF32U),
            O::I64TruncSatF64S => un!(I64, I64TruncSatF64S),
            O::I64TruncSatF64U => un!(I64, I64TruncSatF64U),

            // ---- SIMD beyond the table ----
            O::V128Load { memarg } => load_plain!(V128, memarg, V128Load),
            O::V128Load8Splat { memarg } => load_plain!(V128, memarg, V128Load8Splat),
            O::V128Load16Splat { memarg } => load_plain!(V128, memarg, V128Load16Splat),
            O::V128Load32Splat { memarg } => load_plain!(V128, memarg, V128Load32Splat),
            O::V128Load64Splat { memarg } => load_plain!(V128, memarg, V128Load64Splat),
            O::V128Load32Zero { memarg } => load_plain!(V128, memarg, V128Load32Zero),
            O::V128Load64Zero { memarg } => load_plain!(V128, memarg, V128Load64Zero),
            O::V128Store { memarg } => store_plain!(memarg, V128Store),
            O::V128Const { value } => {
                let index = self.pool.len() as u32;
                self.pool.push(u128::from_le_bytes(*value.bytes()));
                let dst = self.push_temp(V128);
                self.emit_result(Instr::ConstV128 { dst, index });
            }
            O::I8x16Shuffle { lanes } => {
                let index = self.pool.len() as u32;
                self.pool.push(u128::from_le_bytes(lanes));
                let b = self.pop();
                let a = self.pop();
                let sa = self.src(a);
                let sb = self.src(b);
                let dst = self.push_temp(V128);
                self.emit(Instr::I8x16Shuffle { dst, a: sa, b: sb });
                self.emit(Instr::Aux { a: index, b: 0 });
            }
            O::I8x16Splat => un!(V128, I8x16Splat),
            O::I16x8Splat => un!(V128, I16x8Splat),
            O::I32x4Splat => un!(V128, I32x4Splat),
            O::I64x2Splat => un!(V128, I64x2Splat),
            O::F32x4Splat => un!(V128, F32x4Splat),
            O::F64x2Splat => un!(V128, F64x2Splat),
            O::I8x16ExtractLaneS { lane } => self.extract(I32, lane, |dst, src, lane| {
                Instr::I8x16ExtractLaneS { dst, src, lane }
            }),
            O::I8x16ExtractLaneU { lane } => self.extract(I32, lane, |dst, src, lane| {
                Instr::I8x16ExtractLaneU { dst, src, lane }
            }),
            O::I16x8ExtractLaneS { lane } => self.extract(I32, lane, |dst, src, lane| {
                Instr::I16x8ExtractLaneS { dst, src, lane }
            }),
            O::I16x8ExtractLaneU { lane } => self.extract(I32, lane, |dst, src, lane| {
                Instr::I16x8ExtractLaneU { dst, src, lane }
            }),
            O::I32x4ExtractLane { lane } | O::F32x4ExtractLane { lane } => {
                let t = if matches!(op, O::I32x4ExtractLane { .. }) {
                    I32
                } else {
                    F32
                };
                self.extract(t, lane, |dst, src, lane| Instr::I32x4ExtractLane {
                    dst,
                    src,
                    lane,
                })
            }
            O::I64x2ExtractLane { lane } | O::F64x2ExtractLane { lane } => {
                let t = if matches!(op, O::I64x2ExtractLane { .. }) {
                    I64
                } else {
                    F64
                };
                self.extract(t, lane, |dst, src, lane| Instr::I64x2ExtractLane {
                    dst,
                    src,
                    lane,
                })
            }
            O::I8x16ReplaceLane { lane } => self.replace(lane, |dst, x, lane| {
                Instr::I8x16ReplaceLane { dst, x, lane }
            }),
            O::I16x8ReplaceLane { lane } => self.replace(lane, |dst, x, lane| {
                Instr::I16x8ReplaceLane { dst, x, lane }
            }),
            O::I32x4ReplaceLane { lane } | O::F32x4ReplaceLane { lane } => {
                self.replace(lane, |dst, x, lane| Instr::I32x4ReplaceLane {
                    dst,
                    x,
                    lane,
                })
            }
            O::I64x2ReplaceLane { lane } | O::F64x2ReplaceLane { lane } => {
                self.replace(lane, |dst, x, lane| Instr::I64x2ReplaceLane {
                    dst,
                    x,
                    lane,
                })
            }
            O::V128Bitselect => self.ternary_v128(|dst, b, c| Instr::V128Bitselect { dst, b, c }),
            O::F32x4RelaxedMadd => {
                self.ternary_v128(|dst, b, c| Instr::F32x4RelaxedMadd { dst, b, c })
            }
            O::F32x4RelaxedNmadd => {
                self.ternary_v128(|dst, b, c| Instr::F32x4RelaxedNmadd { dst, b, c })
            }
            O::F64x2RelaxedMadd => {
                self.ternary_v128(|dst, b, c| Instr::F64x2RelaxedMadd { dst, b, c })
            }
            O::F64x2RelaxedNmadd => {
                self.ternary_v128(|dst, b, c| Instr::F64x2RelaxedNmadd { dst, b, c })
            }
            O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => {
                self.ternary_v128(|dst, b, c| Instr::RelaxedLaneselect { dst, b, c })
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                self.ternary_v128(|dst, b, c| Instr::I32x4RelaxedDotI8x16I7x16AddS { dst, b, c })
            }
            O::V128Load8Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                true,
                |args, offset, lane| Instr::V128Load8Lane { args, offset, lane },
                offset,
            )?,
            O::V128Load16Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                true,
                |args, offset, lane| Instr::V128Load16Lane { args, offset, lane },
                offset,
            )?,
            O::V128Load32Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                true,
                |args, offset, lane| Instr::V128Load32Lane { args, offset, lane },
                offset,
            )?,
            O::V128Load64Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                true,
                |args, offset, lane| Instr::V128Load64Lane { args, offset, lane },
                offset,
            )?,
            O::V128Store8Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                false,
                |args, offset, lane| Instr::V128Store8Lane { args, offset, lane },
                offset,
            )?,
            O::V128Store16Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                false,
                |args, offset, lane| Instr::V128Store16Lane { args, offset, lane },
                offset,
            )?,
            O::V128Store32Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                false,
                |args, offset, lane| Instr::V128Store32Lane { args, offset, lane },
                offset,
            )?,
            O::V128Store64Lane { memarg, lane } => self.lane_mem(
                memarg,
                lane,
                false,
                |args, offset, lane| Instr::V128Store64Lane { args, offset, lane },
                offset,
            )?,

            _ if crate::module::gc_objects::is_gc_instruction(op) => {
                return Err(Box::new(crate::module::gc_objects::refuse(op, offset)))
            }
            _ => {
                return Err(err(
                    format!("operator {op:?} is not supported by the interpreter yet"),
                    offset,
                ))
            }
        }
        Ok(())
    }
}

//! Exceptions: unwinding to the caller with a pending exception and
//! dispatching one to the handlers of the enclosing `try_table`s.

use super::*;

impl FuncTranslator<'_, '_> {
    /// Records this frame in the pending failure and unwinds (ends the
    /// block).
    pub(super) fn unwind_pending(&mut self) {
        let index = self.b.ins().iconst(types::I32, i64::from(self.func_index));
        let offset = self.b.ins().iconst(types::I32, i64::from(self.offset));
        let fp = self.b.ins().get_frame_pointer(PTR);
        self.libcall(
            entry::raise_pending as *const () as usize,
            &[PTR, types::I32, types::I32, PTR],
            None,
            &[self.vmctx, index, offset, fp],
        );
        self.b.ins().trap(ir::TrapCode::unwrap_user(1));
    }

    /// Whether the current operator is inside a `try_table` of this
    /// function.
    pub(super) fn in_try_table(&self) -> bool {
        self.control
            .iter()
            .any(|c| matches!(c.kind, ControlKind::TryTable { .. }))
    }

    /// With a failure pending (a call inside a `try_table` returned false,
    /// or a `throw` there made its exception pending): the first handler,
    /// innermost `try_table` first, whose clause matches an exception
    /// takes it and branches to its label with the payload (and the
    /// reference); a trap, or an exception nothing here catches, unwinds
    /// on. Ends the block.
    pub(super) fn dispatch_pending(&mut self) {
        let tag = self
            .libcall(
                entry::pending_exception_tag as *const () as usize,
                &[PTR],
                Some(types::I64),
                &[self.vmctx],
            )
            .expect("result");
        let handlers: Vec<Handler> = self
            .control
            .iter()
            .rev()
            .filter_map(|c| match &c.kind {
                ControlKind::TryTable { handlers } => Some(handlers.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        for h in handlers {
            let matches = match h.tag {
                Some(t) => {
                    let tags = self
                        .b
                        .ins()
                        .load(PTR, readonly(), self.vmctx, abi::VMCTX_TAGS);
                    let expected = self.b.ins().uload32(readonly(), tags, (t * 4) as i32);
                    self.b.ins().icmp(IntCC::Equal, tag, expected)
                }
                // Any exception; -1 (a trap) is not one.
                None => self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, tag, 0),
            };
            let caught = self.b.create_block();
            let next = self.b.create_block();
            self.b.ins().brif(matches, caught, &[], next, &[]);
            self.b.switch_to_block(caught);
            self.b.seal_block(caught);
            self.catch_into(h);
            self.b.switch_to_block(next);
            self.b.seal_block(next);
        }
        self.unwind_pending();
    }

    /// Takes the pending exception and branches to `h`'s label with its
    /// payload (for a tag) and reference (for the `_ref` forms).
    fn catch_into(&mut self, h: Handler) {
        let exn = self
            .libcall(
                entry::catch_exception as *const () as usize,
                &[PTR],
                Some(types::I64),
                &[self.vmctx],
            )
            .expect("result");
        let mut args = Vec::new();
        if let Some(t) = h.tag {
            let ty = self.info.tag_type(t).params;
            let (offsets, slots) = abi::slot_offsets(ty.params());
            let values = self.scratch_buffer(slots);
            self.libcall(
                entry::exception_payload as *const () as usize,
                &[PTR, types::I64, PTR],
                None,
                &[self.vmctx, exn, values],
            );
            for (p, offset) in ty.params().iter().zip(&offsets) {
                let t = abi::value_type(*p);
                args.push(self.b.ins().load(t, raw_flags(t), values, *offset));
            }
        }
        if h.with_ref {
            args.push(exn);
        }
        let frame = &mut self.control[h.target];
        if !matches!(frame.kind, ControlKind::Loop { .. }) {
            frame.next_reached = true;
        }
        let (target, _) = frame.branch_target();
        self.b.ins().jump(target, &block_args(&args));
    }
}

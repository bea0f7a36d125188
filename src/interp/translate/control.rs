//! Blocks, loops, branches, returns, calls, and the block structure of
//! unreachable code.

use super::*;

impl Translator {
    pub(super) fn push_control(
        &mut self,
        kind: ControlKind,
        params: Vec<ValType>,
        results: Vec<ValType>,
    ) {
        let height = self.stack.len() - params.len();
        let base_slot = if height < self.stack.len() {
            self.stack[height].slot
        } else {
            self.next_slot()
        };
        self.controls.push(Control {
            kind,
            params,
            results,
            height,
            base_slot,
            head: self.code.len(),
            fixups: self.spare_fixups.pop().unwrap_or_default(),
            else_fixup: None,
            reachable_at_entry: self.reachable,
            try_scope: None,
        });
    }

    /// Moves the top `n` operands to consecutive slots starting at `base`
    /// (ascending order is safe: sources never sit below their targets).
    pub(super) fn move_top_to(&mut self, n: usize, base: Slot) {
        let len = self.stack.len();
        let mut dst = base;
        for i in len - n..len {
            let e = self.stack[i];
            self.write_to(e, dst);
            dst += slots_of(e.ty);
        }
    }

    /// Whether the top `n` operands already sit in their slots from `base`.
    pub(super) fn top_in_place(&self, n: usize, base: Slot) -> bool {
        let len = self.stack.len();
        let mut dst = base;
        for e in &self.stack[len - n..] {
            let ok = match e.place {
                Place::Temp => e.slot == dst,
                Place::Local(l) => l == dst,
                Place::Const(_) | Place::Sum(..) | Place::Pair(..) => false,
            };
            if !ok {
                return false;
            }
            dst += slots_of(e.ty);
        }
        true
    }

    /// Emits the return sequence for the function's results on top of the
    /// stack.
    pub(super) fn emit_return(&mut self) {
        let results = self.controls[0].results.clone();
        let n = results.len();
        match n {
            0 => {
                self.emit(Instr::Return);
            }
            1 => {
                let e = *self.stack.last().expect("result");
                match (e.place, e.ty) {
                    (Place::Const(value), _) => {
                        self.emit(Instr::ReturnConst { value });
                    }
                    (_, ValType::V128) => {
                        let src = self.src(e);
                        self.emit(Instr::ReturnSlot128 { src });
                    }
                    _ => {
                        let src = self.src(e);
                        self.emit(Instr::ReturnSlot { src });
                    }
                }
            }
            _ => {
                let len = self.stack.len();
                let first = self.stack[len - n].slot;
                let total: Slot = results.iter().map(|t| slots_of(*t)).sum();
                // Materialise into canonical slots, then move down to 0.
                for i in len - n..len {
                    let e = self.stack[i];
                    self.write_to(e, e.slot);
                }
                self.emit(Instr::ReturnMany {
                    src: first,
                    len: total,
                });
            }
        }
    }

    /// Emits a conditional branch to label `depth` (its values on top of
    /// the stack). `emit(self, negate)` emits the conditional jump, taken
    /// when the condition holds (or, with `negate`, when it does not) and
    /// returns its position. When the values already sit in the label's
    /// slots that jump goes to the label; otherwise it skips over the
    /// value moves and an unconditional branch.
    fn cond_branch_to(&mut self, depth: u32, emit: impl FnOnce(&mut Self, bool) -> usize) {
        let target = self.controls.len() - 1 - depth as usize;
        let kind = self.controls[target].kind;
        let n = self.controls[target].label_types().len();
        let base = self.controls[target].base_slot;
        if kind != ControlKind::Function && self.top_in_place(n, base) {
            let at = emit(self, false);
            if kind == ControlKind::Loop {
                let head = self.controls[target].head;
                self.patch(at, head);
            } else {
                self.controls[target].fixups.push(at);
            }
        } else {
            let skip = emit(self, true);
            let saved = self.stack.clone();
            self.emit_branch(depth);
            self.stack = saved;
            let here = self.label();
            self.patch(skip, here);
        }
    }

    /// Emits a branch to label `depth` (its values on top of the stack)
    /// taken when the reference in slot `cond` is non-null
    /// (`when_non_null`) or null. References are 64-bit: never test them
    /// with the 32-bit branch forms.
    pub(super) fn branch_on_ref(&mut self, depth: u32, cond: Slot, when_non_null: bool) {
        self.cond_branch_to(depth, |t, negate| {
            t.emit(if when_non_null != negate {
                Instr::BrIfNez64 { cond, offset: 0 }
            } else {
                Instr::BrIfEqz64 { cond, offset: 0 }
            })
        });
    }

    /// `try_table`: a block whose catch clauses get landing code ahead of
    /// its body (jumped over on entry). Each landing expects the clause's
    /// values in the slots they would have as operands pushed right where
    /// the block starts, and branches with them to the clause's label,
    /// like `br`. The exception unwinder (`exec::catch`) writes them there.
    pub(super) fn try_table(&mut self, env: &TranslateEnv<'_>, t: &wasmparser::TryTable) {
        let (params, results) = self.block_type(env, t.ty);
        self.materialize_locals();
        let n = params.len();
        self.materialize_top(n);
        let height = self.stack.len() - n;
        let skip = self.emit(Instr::Br { offset: 0 });
        let mut catches = Vec::with_capacity(t.catches.len());
        for c in &t.catches {
            use wasmparser::Catch as C;
            let (tag, with_ref, label) = match *c {
                C::One { tag, label } => (Some(tag), false, label),
                C::OneRef { tag, label } => (Some(tag), true, label),
                C::All { label } => (None, false, label),
                C::AllRef { label } => (None, true, label),
            };
            let mut types = match tag {
                Some(tag) => env.types[env.tags[tag as usize] as usize].params().to_vec(),
                None => Vec::new(),
            };
            if with_ref {
                types.push(ValType::ExnRef);
            }
            let saved = self.stack.clone();
            self.stack.truncate(height);
            let slot = self.next_slot();
            for ty in types {
                self.push_temp(ty);
            }
            let landing = self.label();
            // The clause's label counts from outside the try_table.
            self.emit_branch(label);
            self.stack = saved;
            catches.push(Catch {
                tag,
                with_ref,
                landing: landing as u32,
                slot,
            });
        }
        let start = self.label();
        self.patch(skip, start);
        self.push_control(ControlKind::Block, params, results);
        self.controls.last_mut().expect("try_table").try_scope =
            Some(Box::new(TryScope { start, catches }));
    }

    /// Emits an unconditional branch to label `depth` (values on top).
    pub(super) fn emit_branch(&mut self, depth: u32) {
        let target = self.controls.len() - 1 - depth as usize;
        if self.controls[target].kind == ControlKind::Function {
            self.emit_return();
            return;
        }
        let n = self.controls[target].label_types().len();
        let base = self.controls[target].base_slot;
        self.move_top_to(n, base);
        self.emit_jump_to(target);
    }

    /// Emits `Br` to control `target` (its head for loops, else patched at
    /// its end).
    fn emit_jump_to(&mut self, target: usize) {
        if self.controls[target].kind == ControlKind::Loop {
            let head = self.controls[target].head;
            let at = self.code.len();
            self.emit(Instr::Br {
                offset: head as i32 - at as i32,
            });
        } else {
            let at = self.emit(Instr::Br { offset: 0 });
            self.controls[target].fixups.push(at);
        }
    }

    pub(super) fn patch(&mut self, at: usize, to: usize) {
        let rel = to as i32 - at as i32;
        match self.code[at].branch_offset_mut() {
            Some(offset) => *offset = rel,
            None => unreachable!("patching a non-branch {:?}", self.code[at]),
        }
    }

    /// Truncates the stack to `height` and pushes `types` as temps.
    pub(super) fn reset_stack(&mut self, height: usize, types: &[ValType]) {
        self.stack.truncate(height);
        for &t in types {
            self.push_temp(t);
        }
    }

    pub(super) fn end(&mut self) {
        let body_end = self.code.len();
        if let Some(scope) = self.controls.last_mut().and_then(|c| c.try_scope.take()) {
            self.handlers.push(TryRange {
                start: scope.start as u32,
                end: body_end as u32,
                catches: scope.catches.into_boxed_slice(),
            });
        }
        let frame = self.controls.last().expect("control frame");
        let n = frame.results.len();
        if frame.kind == ControlKind::Function {
            if self.reachable {
                self.emit_return();
            }
            let frame = self.controls.pop().expect("function frame");
            let end = self.label();
            for &at in &frame.fixups {
                self.patch(at, end);
            }
            self.recycle(frame);
            return;
        }
        if self.reachable {
            // Results go to the block's canonical slots.
            let base = frame.base_slot;
            self.move_top_to(n, base);
        }
        let frame = self.controls.pop().expect("control frame");
        let end = self.label();
        let mut reachable = self.reachable || !frame.fixups.is_empty();
        for &at in &frame.fixups {
            self.patch(at, end);
        }
        if let Some(at) = frame.else_fixup {
            // `if` without `else`: the false path falls through with the
            // parameters as results (they are already in place).
            self.patch(at, end);
            reachable |= frame.reachable_at_entry;
        }
        self.reset_stack(frame.height, &frame.results);
        self.reachable = reachable;
        self.recycle(frame);
    }

    /// In narrow translations, the copies of the first two of `n` call
    /// arguments that are still locals are left to the call instruction
    /// (its `Args` form): their entries are marked in place without an
    /// instruction, and the sources returned (a slot's own number where
    /// nothing is copied). Materialising the other arguments writes only
    /// their own stack slots, so it cannot disturb these sources.
    pub(super) fn deferred_arg_copies(&mut self, n: usize) -> Option<[Slot16; 2]> {
        if !self.narrow || n == 0 {
            return None;
        }
        let first = self.stack.len() - n;
        let base = self.stack[first].slot;
        let mut srcs = [n16(base), n16(base + 1)];
        let mut any = false;
        for (k, src) in srcs.iter_mut().enumerate().take(n.min(2)) {
            let e = self.stack[first + k];
            if e.ty == ValType::V128 {
                break;
            }
            if let Place::Local(l) = e.place {
                *src = n16(l);
                self.stack[first + k].place = Place::Temp;
                any = true;
            }
        }
        any.then_some(srcs)
    }

    /// Materialises the top `n` operands, pops them and returns the slot of
    /// the first (for instructions taking consecutive `args`).
    pub(super) fn pop_args(&mut self, n: usize) -> Slot {
        self.materialize_top(n);
        let len = self.stack.len();
        let slot = if n == 0 {
            self.next_slot()
        } else {
            self.stack[len - n].slot
        };
        self.stack.truncate(len - n);
        slot
    }

    /// Emits a call sequence: arguments are moved into place and the
    /// callee's results pushed.
    pub(super) fn call(
        &mut self,
        ty: &FuncType,
        make: impl FnOnce(Slot, Option<[Slot16; 2]>) -> Instr,
    ) {
        let copies = self.deferred_arg_copies(ty.params().len());
        let args = self.pop_args(ty.params().len());
        // The callee's frame starts at `args`; reserve room for results.
        self.emit(make(args, copies));
        for &t in ty.results() {
            self.push_temp(t);
        }
        // Results in place are not retargetable (they come from a call).
        self.fusible = None;
    }

    pub(super) fn block(&mut self, env: &TranslateEnv<'_>, blockty: BlockType) {
        let (params, results) = self.block_type(env, blockty);
        self.materialize_locals();
        let n = params.len();
        self.materialize_top(n);
        self.push_control(ControlKind::Block, params, results);
    }

    pub(super) fn br(&mut self, depth: u32) {
        self.emit_branch(depth);
        self.reachable = false;
    }

    pub(super) fn br_if(&mut self, depth: u32) {
        let c = self.pop();
        self.cond_branch_to(depth, |t, negate| t.emit_cond_branch(c, negate));
    }

    /// In unreachable code only the block structure matters.
    pub(super) fn unreachable_operator(&mut self, op: &Operator<'_>) -> Result<(), Error> {
        use Operator as O;
        match *op {
            O::Block { .. } | O::Loop { .. } | O::If { .. } | O::TryTable { .. } => {
                self.controls.push(Control {
                    kind: ControlKind::Block,
                    params: Vec::new(),
                    results: Vec::new(),
                    height: self.stack.len(),
                    base_slot: self.next_slot(),
                    head: 0,
                    fixups: Vec::new(),
                    else_fixup: None,
                    reachable_at_entry: false,
                    try_scope: None,
                });
            }
            O::Else => {
                let frame = self.controls.last().expect("frame");
                if frame.reachable_at_entry {
                    // The then-branch ended unreachable; the else-branch
                    // starts reachable.
                    let here = self.label();
                    let frame = self.controls.last_mut().expect("frame");
                    frame.kind = ControlKind::Else;
                    let at = frame.else_fixup.take().expect("if");
                    let (height, params) = (frame.height, frame.params.clone());
                    self.patch(at, here);
                    self.reset_stack(height, &params);
                    self.reachable = true;
                }
            }
            O::End => {
                let frame = self.controls.last().expect("frame");
                if frame.reachable_at_entry || frame.kind == ControlKind::Function {
                    self.end();
                } else if let Some(frame) = self.controls.pop() {
                    self.recycle(frame);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

//! `local.get`, `local.set` and `local.tee`.

use super::*;

impl Translator {
    pub(super) fn local_get(&mut self, local: u32) {
        let l = self.local_slots[local as usize];
        let t = self.local_types[local as usize];
        self.push(Place::Local(l), t);
    }

    pub(super) fn local_set(&mut self, local: u32, tee: bool) {
        let l = self.local_slots[local as usize];
        let v = self.pop();
        // Entries still reading the local's old value must be saved first.
        let mut saved = false;
        for i in 0..self.stack.len() {
            if Self::reads(self.stack[i].place, l) {
                self.materialize(i);
                saved = true;
            }
        }
        let fused = !saved
            && v.place == Place::Temp
            && match self.fusible {
                Some(at) if at + 1 == self.code.len() => match self.code[at].result_slot() {
                    Some(dst) if dst == v.slot => {
                        self.code[at].set_result_slot(l);
                        true
                    }
                    _ => false,
                },
                _ => false,
            };
        let fused = fused || (!saved && self.fuse_add_copy(v, l));
        if !fused {
            self.write_to(v, l);
        }
        self.fusible = None;
        if tee {
            if fused || matches!(v.place, Place::Sum(..) | Place::Pair(..)) {
                self.stack.push(Entry {
                    place: Place::Local(l),
                    ..v
                });
            } else {
                self.stack.push(v);
            }
        }
    }

    /// `local.set l` of local `x` just computed by `x = a + imm` (the
    /// last instruction, no label since): one add writing both locals.
    fn fuse_add_copy(&mut self, v: Entry, l: Slot) -> bool {
        let Place::Local(x) = v.place else {
            return false;
        };
        let Some(at) = self.last_rewritable() else {
            return false;
        };
        if !self.narrow || x == l {
            return false;
        }
        let Instr::I32AddImm { dst, a, imm } = self.code[at] else {
            return false;
        };
        if dst != x {
            return false;
        }
        self.code[at] = Instr::I32AddImmCopy {
            dst: n16(l),
            copy: n16(x),
            a: n16(a),
            imm,
        };
        true
    }
}

//! The pass that lets instructions read the previous one's result from
//! the accumulator.

use super::*;

/// Lets each instruction that reads the result of the instruction just
/// before it take that value from the accumulator, where it has such a
/// form (see `exec::Handler`). Only between instructions that follow each
/// other on every path: an instruction at one of `targets` (every branch
/// target and exception landing; more is only slower) keeps reading its
/// slots.
pub(super) fn use_accumulator(
    code: &mut [Instr],
    targets: impl Iterator<Item = usize>,
    is_target: &mut Vec<bool>,
) {
    is_target.clear();
    is_target.resize(code.len() + 1, false);
    for at in targets {
        is_target[at] = true;
    }
    // The translator's labels are all the targets there are: checked here
    // in debug builds (the release build takes them on trust, reading
    // every instruction's branch offset again cost about 2 % of a first call of
    // a large module).
    #[cfg(debug_assertions)]
    for (i, instr) in code.iter_mut().enumerate() {
        if let Some(offset) = instr.branch_offset_mut() {
            let target = (i as isize + *offset as isize) as usize;
            assert!(is_target[target], "branch {i} -> {target} to no label");
        }
    }
    for i in 1..code.len() {
        if is_target[i] {
            continue;
        }
        if let Some(r) = code[i - 1].sets_acc() {
            if let Some(reading) = code[i].reading_acc(r, code[i - 1].sets_facc() == Some(r)) {
                code[i] = reading;
            }
        }
    }
}

//! Fuel and interruption checks: what each operator costs and where both
//! tiers charge fuel and look at the epoch, defined once so that every
//! tier stops a program at the same point.
//!
//! A function body is cut into *segments*: straight-line runs that start
//! at the function entry or right after a `loop`, `if`, `else` or a
//! block's `end` (every branch target is such a point). Each segment's
//! whole cost is charged when it starts: if the store has less fuel
//! left than that, the segment traps with "all fuel consumed" before
//! running any of it (and the fuel stays unspent); otherwise the cost is
//! subtracted. Every operator costs 1, except the purely structural ones
//! (`nop`, `drop`, `block`, `loop`, `try_table`, `end`, `else`), which cost nothing,
//! as in wasmtime, and operators that validation marks unreachable (after
//! `br`, `return`, `unreachable`, ...), which never run.
//!
//! Epoch checks sit at the function entry and at each loop head: a
//! running guest notices an interruption within one loop iteration or
//! one call, whatever the loop contains.

use wasmparser::{FunctionBody, Operator};

/// Which checks the tiers compile into functions.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Metering {
    /// Charge fuel (see the module documentation).
    pub fuel: bool,
    /// Compare the engine's epoch with the store's deadline at function
    /// entries and loop heads.
    pub epoch: bool,
}

/// The fuel charges of one function body: the cost of the segment at its
/// entry, and of each segment that starts after an operator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuelPlan {
    /// The cost of the segment at the function entry.
    pub entry: u32,
    /// `(byte offset of the operator, cost of the segment after it)`, in
    /// offset order, for the operators that start a segment.
    after: Vec<(u64, u32)>,
}

impl FuelPlan {
    /// Plans the charges of a (validated) function body.
    pub fn new(body: &FunctionBody<'_>) -> wasmparser::Result<FuelPlan> {
        let mut plan = FuelPlan::default();
        // The segment being counted: `None` for the entry segment, else
        // its index in `after`.
        let mut current: Option<usize> = None;
        // Inside unreachable code: the number of blocks opened there.
        let mut dead: Option<u32> = None;
        let mut ops = body.get_operators_reader()?;
        while !ops.eof() {
            let (op, offset) = ops.read_with_offset()?;
            if let Some(depth) = dead.as_mut() {
                match op {
                    Operator::Block { .. }
                    | Operator::Loop { .. }
                    | Operator::If { .. }
                    | Operator::TryTable { .. } => *depth += 1,
                    Operator::Else if *depth == 0 => dead = None,
                    Operator::End if *depth == 0 => dead = None,
                    Operator::End => *depth -= 1,
                    _ => {}
                }
                if dead.is_some() {
                    continue;
                }
            } else {
                let cost = operator_cost(&op);
                match current {
                    None => plan.entry += cost,
                    Some(i) => plan.after[i].1 += cost,
                }
                if ends_reachability(&op) {
                    dead = Some(0);
                    continue;
                }
            }
            if starts_segment(&op) {
                plan.after.push((offset, 0));
                current = Some(plan.after.len() - 1);
            }
        }
        Ok(plan)
    }

    /// The cost of the segment that starts after the operator at byte
    /// offset `offset`, if one does.
    pub fn after(&self, offset: u64) -> Option<u32> {
        self.after
            .binary_search_by_key(&offset, |&(at, _)| at)
            .ok()
            .map(|i| self.after[i].1)
    }
}

/// What one operator costs.
pub fn operator_cost(op: &Operator<'_>) -> u32 {
    match op {
        Operator::Nop
        | Operator::Drop
        | Operator::Block { .. }
        | Operator::TryTable { .. }
        | Operator::Loop { .. }
        | Operator::End
        | Operator::Else => 0,
        _ => 1,
    }
}

/// Whether a segment starts right after `op`. (After the function's
/// final `end` nothing runs; its entry in the plan costs nothing.)
fn starts_segment(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Loop { .. } | Operator::If { .. } | Operator::Else | Operator::End
    )
}

/// Whether the code after `op`, up to the end of its block, is
/// unreachable.
fn ends_reachability(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Unreachable
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::Return
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. }
            | Operator::Throw { .. }
            | Operator::ThrowRef
    )
}

/// Whether the tiers check the epoch right after `op` (loop heads; the
/// function entry is checked too).
pub fn checks_epoch_after(op: &Operator<'_>) -> bool {
    matches!(op, Operator::Loop { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(wat: &str) -> (FuelPlan, Vec<(u64, String)>) {
        let bytes = wat::parse_str(wat).unwrap();
        for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
                let plan = FuelPlan::new(&body).unwrap();
                let mut ops = body.get_operators_reader().unwrap();
                let mut names = Vec::new();
                while !ops.eof() {
                    let (op, at) = ops.read_with_offset().unwrap();
                    names.push((at, format!("{op:?}")));
                }
                return (plan, names);
            }
        }
        panic!("no function body")
    }

    /// The costs after each operator that starts a segment, by its name.
    fn costs(wat: &str) -> (u32, Vec<(String, u32)>) {
        let (plan, names) = plan(wat);
        let after = names
            .iter()
            .filter_map(|(at, name)| {
                let short = name.split([' ', '{']).next().unwrap().to_string();
                plan.after(*at).map(|c| (short, c))
            })
            .collect();
        (plan.entry, after)
    }

    #[test]
    fn straight_line_code_is_one_segment() {
        let (entry, after) = costs(
            "(module (func (result i32) nop i32.const 1 i32.const 2 i32.add drop i32.const 3))",
        );
        assert_eq!(entry, 4);
        assert_eq!(after, vec![("End".to_string(), 0)]);
    }

    #[test]
    fn loops_ifs_and_block_ends_start_segments() {
        let (entry, after) = costs(
            "(module (func (param i32)
               i32.const 0 drop
               (loop local.get 0 br_if 0)
               local.get 0
               (if (then i32.const 1 drop) (else i32.const 2 drop i32.const 3 drop))
               (block i32.const 4 drop)))",
        );
        // entry: i32.const; loop: local.get, br_if; after the loop's end:
        // local.get, if; then: i32.const; else: 2 x i32.const; after the
        // if's end: block's i32.const (block itself costs nothing).
        assert_eq!(entry, 1);
        let expected = [
            ("Loop", 2),
            ("End", 2),
            ("If", 1),
            ("Else", 2),
            ("End", 1),
            ("End", 0),
            ("End", 0),
        ];
        let expected: Vec<(String, u32)> =
            expected.iter().map(|(n, c)| (n.to_string(), *c)).collect();
        assert_eq!(after, expected);
    }

    #[test]
    fn unreachable_code_costs_nothing() {
        let (entry, after) = costs(
            "(module (func
               (block br 0 i32.const 1 drop (loop i32.const 2 drop) i32.const 3 drop)
               i32.const 4 drop))",
        );
        // The loop inside dead code starts no segment.
        assert_eq!(entry, 1);
        assert_eq!(after, vec![("End".to_string(), 1), ("End".to_string(), 0)]);
    }

    #[test]
    fn else_after_a_dead_then_branch_is_counted() {
        let (entry, after) = costs(
            "(module (func (param i32)
               local.get 0 (if (then unreachable i32.const 1 drop) (else i32.const 2 drop))))",
        );
        assert_eq!(entry, 2);
        assert_eq!(
            after,
            vec![
                ("If".to_string(), 1),
                ("Else".to_string(), 1),
                ("End".to_string(), 0),
                ("End".to_string(), 0)
            ]
        );
    }
}

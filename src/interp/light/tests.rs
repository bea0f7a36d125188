//! The light translator's output for small bodies, and what it leaves to
//! the full translator. (Its code runs in the spec suite's `auto` pass
//! with the default tier-up settings, and in `tests/tiers.rs`.)

use super::*;
use crate::module::types::{FuncType, GlobalType, MemoryType, Mutability, TableType};

struct Module {
    types: Vec<FuncType>,
    func_types: Vec<u32>,
    globals: Vec<GlobalType>,
    tables: Vec<TableType>,
    memories: Vec<MemoryType>,
}

impl Module {
    /// Function 0 imported `(i32) -> i32`, function 1 defined `(i32, i32) -> i32`.
    fn new() -> Module {
        Module {
            types: vec![
                FuncType::new([ValType::I32], [ValType::I32]),
                FuncType::new([ValType::I32, ValType::I32], [ValType::I32]),
            ],
            func_types: vec![0, 1],
            globals: vec![GlobalType::new(ValType::I64, Mutability::Var)],
            tables: vec![],
            memories: vec![],
        }
    }

    fn env(&self, count_hotness: bool) -> TranslateEnv<'_> {
        TranslateEnv {
            types: &self.types,
            heap_types: &[],
            tags: &[],
            func_types: &self.func_types,
            globals: &self.globals,
            tables: &self.tables,
            memories: &self.memories,
            num_imported_funcs: 1,
            count_hotness,
            metering: Default::default(),
        }
    }
}

/// Translates `code` (operators and `end`, no locals) as function 1.
fn translate(code: &[u8]) -> Option<(CompiledFunc, Vec<Instr>)> {
    let m = Module::new();
    let mut body = vec![0];
    body.extend_from_slice(code);
    let mut t = LightTranslator::default();
    let arena = CodeArena::default();
    let f = t.translate(&m.env(false), 1, &body, &arena)?;
    let code = f.code.to_vec();
    Some((f, code))
}

#[test]
fn computes_results_straight_into_locals() {
    // local.get 0; i32.const 1; i32.add; local.set 1; local.get 1; end
    let (f, code) = translate(&[0x20, 0, 0x41, 1, 0x6a, 0x21, 1, 0x20, 1, 0x0b]).unwrap();
    assert_eq!(
        code,
        [
            Instr::I32AddImm {
                dst: 1,
                a: 0,
                imm: 1
            },
            Instr::ReturnSlot { src: 1 },
        ]
    );
    assert_eq!((f.param_slots, f.result_slots, f.locals_end), (2, 1, 2));
    assert!(f.light && f.consts.is_empty());
}

#[test]
fn reads_constants_from_slots_after_the_locals() {
    // i32.const 7; local.get 0; i32.sub; end
    let (f, code) = translate(&[0x41, 7, 0x20, 0, 0x6b, 0x0b]).unwrap();
    assert_eq!(
        code,
        [
            Instr::LoadConsts,
            Instr::I32Sub { dst: 3, a: 2, b: 0 },
            Instr::ReturnSlot { src: 3 },
        ]
    );
    assert_eq!(*f.consts, [7]);
    assert_eq!((f.locals_end, f.frame_slots), (2, 4 + 1 + 2));
}

#[test]
fn patches_branches_to_block_ends_and_loop_heads() {
    // block; loop; local.get 0; br_if 1; br 0; end; end; local.get 0; end
    let body = [
        0x02, 0x40, 0x03, 0x40, 0x20, 0, 0x0d, 1, 0x0c, 0, 0x0b, 0x0b, 0x20, 0, 0x0b,
    ];
    let (_, code) = translate(&body).unwrap();
    assert_eq!(
        code,
        [
            Instr::BrIfNez { cond: 0, offset: 2 },
            Instr::Br { offset: -1 },
            Instr::ReturnSlot { src: 0 },
        ]
    );
}

#[test]
fn moves_branch_values_to_the_label_slot() {
    // block (result i32); local.get 1; local.get 0; br_if 0; drop;
    // i32.const 3; end; end
    let body = [
        0x02, 0x7f, 0x20, 1, 0x20, 0, 0x0d, 0, 0x1a, 0x41, 3, 0x0b, 0x0b,
    ];
    let (_, code) = translate(&body).unwrap();
    assert_eq!(
        code,
        [
            // Not taken: skip the copy into the block's slot and the branch.
            Instr::BrIfEqz { cond: 0, offset: 3 },
            Instr::Copy { dst: 2, src: 1 },
            Instr::Br { offset: 2 },
            Instr::Const32 { dst: 2, value: 3 },
            Instr::ReturnSlot { src: 2 },
        ]
    );
}

#[test]
fn counts_calls_and_loop_iterations_for_tier_up() {
    let m = Module::new();
    // loop; br 0; end; unreachable; end
    let body = [0, 0x03, 0x40, 0x0c, 0, 0x0b, 0x00, 0x0b];
    let mut t = LightTranslator::default();
    let arena = CodeArena::default();
    let f = t.translate(&m.env(true), 1, &body, &arena).unwrap();
    assert_eq!(
        *f.code,
        [
            Instr::Hot,
            Instr::HotLoop { ordinal: 0 },
            Instr::Br { offset: -1 },
        ]
    );
    // Room for an on-stack replacement's result above the frame.
    assert_eq!(f.frame_slots, 2 + 2 + 1);
}

#[test]
fn skips_unreachable_code_but_keeps_its_blocks() {
    // local.get 0; if (result i32); unreachable; i32.const 1; block; br 0;
    // end; else; i32.const 2; end; end
    let body = [
        0x20, 0, 0x04, 0x7f, 0x00, 0x41, 1, 0x02, 0x40, 0x0c, 0, 0x0b, 0x05, 0x41, 2, 0x0b, 0x0b,
    ];
    let (_, code) = translate(&body).unwrap();
    assert_eq!(
        code,
        [
            Instr::BrIfEqz { cond: 0, offset: 2 },
            Instr::Unreachable,
            Instr::Const32 { dst: 2, value: 2 },
            Instr::ReturnSlot { src: 2 },
        ]
    );
}

#[test]
fn records_the_offset_of_each_instruction() {
    let m = Module::new();
    // (no locals) local.get 0; i32.const 1; i32.add; local.set 1;
    // local.get 1; end
    let body = [0, 0x20, 0, 0x41, 1, 0x6a, 0x21, 1, 0x20, 1, 0x0b];
    let mut t = LightTranslator::default();
    assert_eq!(*t.offsets(&m.env(false), 1, &body), [5, 10]);
}

#[test]
fn leaves_other_code_to_the_full_translator() {
    let unsupported: &[&[u8]] = &[
        // v128.const
        &[
            0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1a, 0x0b,
        ],
        // ref.null func; drop
        &[0xd0, 0x70, 0x1a, 0x0b],
        // a block typed by a type index
        &[0x02, 0x00, 0x0b, 0x0b],
        // return_call 0
        &[0x20, 0, 0x12, 0, 0x0b],
        // memory.init 0 0
        &[0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 8, 0, 0, 0x0b],
        // table.size 0
        &[0xfc, 16, 0, 0x1a, 0x0b],
    ];
    for code in unsupported {
        assert!(translate(code).is_none(), "{code:x?}");
    }
    // A local of a type other than a number.
    let m = Module::new();
    let mut t = LightTranslator::default();
    let arena = CodeArena::default();
    let body = [1, 1, 0x7b, 0x0b];
    assert!(t.translate(&m.env(false), 1, &body, &arena).is_none());
    // A call to a function whose type is not all numbers.
    let mut m = Module::new();
    m.types[0] = FuncType::new([ValType::V128], []);
    let body = [0, 0x10, 0, 0x0b];
    assert!(t.translate(&m.env(false), 1, &body, &arena).is_none());
    // After giving up, the next function is translated from scratch.
    assert!(translate(&[0x20, 0, 0x0b]).is_some());
}

#[test]
fn gives_each_constant_one_slot_however_many_there_are() {
    // For k in 0..40, then 5 and 35 again: i32.const k; local.get 0;
    // i32.sub; drop. Then local.get 0; end.
    let mut body = Vec::new();
    for k in (0..40u8).chain([5, 35]) {
        body.extend_from_slice(&[0x41, k, 0x20, 0, 0x6b, 0x1a]);
    }
    body.extend_from_slice(&[0x20, 0, 0x0b]);
    let (f, code) = translate(&body).unwrap();
    assert_eq!(*f.consts, (0..40).collect::<Vec<u64>>());
    // Constant k is in slot 2 + k (after the two parameters); the
    // operand stack starts after the constants.
    let subs: Vec<Slot> = code
        .iter()
        .filter_map(|i| match *i {
            Instr::I32Sub { dst: 42, a, b: 0 } => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(subs, (2..42).chain([7, 37]).collect::<Vec<Slot>>());
}

#[test]
fn branches_on_a_comparison_just_made() {
    // loop; local.get 0; i32.const 10; i32.lt_u; br_if 0; end;
    // local.get 1; if; local.get 0; i32.const 3; i32.eq; br_if 0; end;
    // local.get 0; end
    let body = [
        0x03, 0x40, 0x20, 0, 0x41, 10, 0x49, 0x0d, 0, 0x0b, //
        0x20, 1, 0x04, 0x40, 0x20, 0, 0x41, 3, 0x46, 0x0d, 0, 0x0b, //
        0x20, 0, 0x0b,
    ];
    let (_, code) = translate(&body).unwrap();
    assert_eq!(
        code,
        [
            Instr::BrI32LtUImm {
                a: 0,
                imm: 10,
                offset: 0
            },
            Instr::BrIfEqz { cond: 1, offset: 2 },
            Instr::BrI32EqImm {
                a: 0,
                imm: 3,
                offset: 1
            },
            Instr::ReturnSlot { src: 0 },
        ]
    );
    // A comparison of two locals, then `if`, with a local still on the
    // stack to save: the copy comes first, the branch tests the result.
    // local.get 0; local.get 0; local.get 1; i32.ne; if; end; end
    let body = [0x20, 0, 0x20, 0, 0x20, 1, 0x47, 0x04, 0x40, 0x0b, 0x0b];
    let (_, code) = translate(&body).unwrap();
    assert_eq!(
        code,
        [
            Instr::I32Ne { dst: 3, a: 0, b: 1 },
            Instr::Copy { dst: 2, src: 0 },
            Instr::BrIfEqz { cond: 3, offset: 1 },
            Instr::ReturnSlot { src: 2 },
        ]
    );
}

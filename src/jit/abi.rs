//! What native code agrees on with the rest of the runtime: the field
//! offsets of the shared `#[repr(C)]` structures, the wasm calling
//! convention, and the value types.

use crate::module::types::{FuncType, ValType};
use crate::runtime::VMTableDefinition;
use crate::runtime::{VMContext, VMFuncRef, VMGlobal, VMMemoryDefinition, VMStoreContext};
use cranelift_codegen::ir::{types, AbiParam, ArgumentPurpose, Signature, Type};
use cranelift_codegen::isa::CallConv;
use std::mem::offset_of;

/// The pointer type of the host (64-bit hosts only).
pub const PTR: Type = types::I64;

pub const VMCTX_MEMORIES: i32 = offset_of!(VMContext, memories) as i32;
pub const VMCTX_MEMORY0_BASE: i32 = offset_of!(VMContext, memory0_base) as i32;
pub const VMCTX_TABLES: i32 = offset_of!(VMContext, tables) as i32;
pub const VMCTX_GLOBALS: i32 = offset_of!(VMContext, globals) as i32;
pub const VMCTX_FUNCS: i32 = offset_of!(VMContext, funcs) as i32;
pub const VMCTX_TYPE_IDS: i32 = offset_of!(VMContext, type_ids) as i32;
pub const VMCTX_TAGS: i32 = offset_of!(VMContext, tags) as i32;
pub const VMCTX_STORE: i32 = offset_of!(VMContext, store) as i32;
pub const VMCTX_THIS: i32 = offset_of!(VMContext, this) as i32;

/// Offset from the context of the cell of the instance's `defined`th
/// defined global (`runtime::VMContextBox`; validation bounds the
/// number of globals, so this fits).
pub fn defined_global_offset(defined: u32) -> i32 {
    crate::runtime::defined_global_offset(defined as usize) as i32
}

pub const MEMORY_BASE: i32 = offset_of!(VMMemoryDefinition, base) as i32;
pub const MEMORY_LENGTH: i32 = offset_of!(VMMemoryDefinition, current_length) as i32;
pub const TABLE_BASE: i32 = offset_of!(VMTableDefinition, base) as i32;
pub const TABLE_LENGTH: i32 = offset_of!(VMTableDefinition, current_elements) as i32;
pub const GLOBAL_BITS: i32 = offset_of!(VMGlobal, bits) as i32;

pub const FUNCREF_ARRAY_CALL: i32 = offset_of!(VMFuncRef, array_call) as i32;
pub const FUNCREF_VMCTX: i32 = offset_of!(VMFuncRef, vmctx) as i32;
pub const FUNCREF_TYPE_ID: i32 = offset_of!(VMFuncRef, type_id) as i32;
pub const FUNCREF_WASM_CALL: i32 = offset_of!(VMFuncRef, wasm_call) as i32;

pub const STORE_STACK_LIMIT: i32 = offset_of!(VMStoreContext, stack_limit) as i32;
pub const STORE_FUEL: i32 = offset_of!(VMStoreContext, fuel) as i32;
pub const STORE_EPOCH: i32 = offset_of!(VMStoreContext, epoch) as i32;
pub const STORE_EPOCH_DEADLINE: i32 = offset_of!(VMStoreContext, epoch_deadline) as i32;

/// The Cranelift type of a wasm value type: references are pointers (a
/// `VMFuncRef` address or an externref word).
pub fn value_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
        ValType::Ref(_) => PTR,
    }
}

/// The offsets in a raw values array of values of types `tys` (a v128
/// takes two 8-byte slots), and the number of slots they take.
pub fn slot_offsets(tys: &[ValType]) -> (Vec<i32>, usize) {
    let mut slots = 0;
    let offsets = tys
        .iter()
        .map(|t| {
            let at = slots;
            slots += t.slots() as usize;
            (at * 8) as i32
        })
        .collect();
    (offsets, slots)
}

/// The calling convention of wasm functions compiled natively: `tail`, so
/// that wasm tail calls can become native tail calls.
pub const WASM_CALL_CONV: CallConv = CallConv::Tail;

/// The native signature of a wasm function of type `ty`:
/// `(callee_vmctx, caller_vmctx, params...) -> results`. The callee's
/// context is marked as such, for the global values of Cranelift's
/// prologue stack check (`translate::FuncTranslator::stack_check`).
pub fn wasm_signature(ty: &FuncType) -> Signature {
    let mut sig = Signature::new(WASM_CALL_CONV);
    sig.params
        .push(AbiParam::special(PTR, ArgumentPurpose::VMContext));
    sig.params.push(AbiParam::new(PTR));
    sig.params
        .extend(ty.params().iter().map(|t| AbiParam::new(value_type(*t))));
    sig.returns
        .extend(ty.results().iter().map(|t| AbiParam::new(value_type(*t))));
    sig
}

/// The native signature of the array calling convention
/// ([`VMArrayCallFn`](crate::runtime::VMArrayCallFn)).
pub fn array_signature(call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.extend([AbiParam::new(PTR); 4]);
    sig.returns.push(AbiParam::new(types::I8));
    sig
}

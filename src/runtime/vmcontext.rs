//! The runtime layout shared by both tiers.
//!
//! Every instance owns one [`VMContext`]: a `#[repr(C)]` block of pointers
//! to its memories, tables, globals, functions and canonical type ids. The
//! interpreter reads it through Rust field accesses; the JIT will read the
//! same fields at the fixed offsets `#[repr(C)]` guarantees. Function
//! references are pointers to [`VMFuncRef`], which say how to enter the
//! function in either tier, so a table can hold functions of any instance,
//! tier or host, and tiering up is a pointer swap in `VMFuncRef`.
//!
//! Raw value encoding (used in value slots, globals and tables):
//! * i32/f32: the 32-bit pattern zero-extended into a `u64` slot;
//! * i64/f64: the 64-bit pattern;
//! * v128: two consecutive `u64` slots, low half first;
//! * funcref: `*const VMFuncRef` as `u64`, 0 for null;
//! * externref: store extern-object index + 1, 0 for null.

use std::ffi::c_void;
use std::ptr;

/// A linear memory's current extent. Owned by the memory (stable address);
/// instances point at it, so growth through any instance is seen by all.
#[repr(C)]
#[derive(Debug)]
pub struct VMMemoryDefinition {
    pub base: *mut u8,
    /// Accessible length in bytes.
    pub current_length: usize,
}

/// A table's current extent: raw references, one `u64` each.
#[repr(C)]
#[derive(Debug)]
pub struct VMTableDefinition {
    pub base: *mut u64,
    pub current_elements: usize,
}

/// A global's storage cell, large enough for a v128.
#[repr(C, align(16))]
#[derive(Debug, Default, Clone, Copy)]
pub struct VMGlobal {
    pub bits: [u64; 2],
}

/// Host-to-wasm "array call" entry point of natively compiled code:
/// `(callee_vmctx, caller_vmctx, values, values_len)`. Arguments are read
/// from and results written to `values` in the raw encoding above.
pub type VMArrayCallFn =
    unsafe extern "C" fn(*mut VMContext, *mut VMContext, *mut u64, usize) -> bool;

/// How to call one function, whatever defines it.
#[repr(C)]
#[derive(Debug)]
pub struct VMFuncRef {
    /// Engine-wide canonical id of the function's type; `call_indirect`
    /// compares it with the expected type's id.
    pub type_id: u32,
    /// Index of this function in its store (so a raw funcref can be turned
    /// back into a `Func` handle).
    pub store_index: u32,
    /// Native code of the JIT tier, when the function has been compiled.
    pub array_call: Option<VMArrayCallFn>,
    /// Interpreter code (`*const interp::CompiledFunc`), or null for host
    /// functions.
    pub interp_code: *const c_void,
    /// The defining instance's context; null for host functions.
    pub vmctx: *mut VMContext,
    /// The host function record (`*const engine::HostFunc`) for host
    /// functions, null otherwise.
    pub host: *const c_void,
}

impl VMFuncRef {
    pub const fn null() -> VMFuncRef {
        VMFuncRef {
            type_id: u32::MAX,
            store_index: u32::MAX,
            array_call: None,
            interp_code: ptr::null(),
            vmctx: ptr::null_mut(),
            host: ptr::null(),
        }
    }
}

/// The per-instance context both tiers execute against. All arrays are
/// owned by the instance record in the store and never move while the
/// store is alive.
#[repr(C)]
#[derive(Debug)]
pub struct VMContext {
    /// Memory index -> its definition.
    pub memories: *const *mut VMMemoryDefinition,
    /// Table index -> its definition.
    pub tables: *const *mut VMTableDefinition,
    /// Global index -> its cell.
    pub globals: *const *mut VMGlobal,
    /// Function index -> its reference.
    pub funcs: *const *const VMFuncRef,
    /// Module type index -> canonical type id.
    pub type_ids: *const u32,
    /// Opaque pointer to the owning store's internals.
    pub store: *mut c_void,
    /// Opaque pointer to the instance record (`engine::InstanceData`).
    pub instance: *const c_void,
    /// The interpreter's compiled functions of this instance's module
    /// (`*const interp::CompiledFunc`, indexed by defined-function index),
    /// so a direct call finds its callee with one load.
    pub interp_funcs: *const c_void,
}

impl VMContext {
    /// # Safety
    /// `index` must be a valid memory index of this instance.
    #[inline(always)]
    pub unsafe fn memory(&self, index: u32) -> *mut VMMemoryDefinition {
        // SAFETY: the caller guarantees `index` is in range; the array lives
        // as long as the instance.
        unsafe { *self.memories.add(index as usize) }
    }

    /// # Safety
    /// `index` must be a valid table index of this instance.
    #[inline(always)]
    pub unsafe fn table(&self, index: u32) -> *mut VMTableDefinition {
        // SAFETY: as for `memory`.
        unsafe { *self.tables.add(index as usize) }
    }

    /// # Safety
    /// `index` must be a valid global index of this instance.
    #[inline(always)]
    pub unsafe fn global(&self, index: u32) -> *mut VMGlobal {
        // SAFETY: as for `memory`.
        unsafe { *self.globals.add(index as usize) }
    }

    /// # Safety
    /// `index` must be a valid function index of this instance.
    #[inline(always)]
    pub unsafe fn func(&self, index: u32) -> *const VMFuncRef {
        // SAFETY: as for `memory`.
        unsafe { *self.funcs.add(index as usize) }
    }

    /// # Safety
    /// `index` must be a valid type index of this instance's module.
    #[inline(always)]
    pub unsafe fn type_id(&self, index: u32) -> u32 {
        // SAFETY: as for `memory`.
        unsafe { *self.type_ids.add(index as usize) }
    }
}

//! Runtime functions: the instructions that need more than a load or a
//! store through the [`VMContext`] (growing, bulk copies and fills,
//! segment initialisation and dropping). Both tiers call these same
//! functions, so the semantics (bounds, partial writes, limits) are
//! written once.
//!
//! Addresses, indices and lengths arrive as `u64`, so 32- and 64-bit
//! memories and tables share them; a range is checked as a whole before
//! anything is written (bulk operations trap without a partial write).

use super::trap::TrapCode;
use super::vmcontext::VMContext;
use super::WASM_PAGE_SIZE;

/// Whether `[start, start + len)` lies inside `size`.
#[inline]
fn in_bounds(start: u64, len: u64, size: u64) -> bool {
    start.checked_add(len).is_some_and(|end| end <= size)
}

/// The slow path of `call_indirect` when the function's type id is not
/// the expected one: whether the function's type declares the expected
/// type as a supertype (then the call goes ahead).
///
/// # Safety
/// `vmctx` is a live context.
pub unsafe fn is_subtype(vmctx: *mut VMContext, actual: u32, expected: u32) -> bool {
    // SAFETY: guaranteed by the caller; the store context points to its
    // engine's type hierarchy, which outlives the store.
    unsafe { (*(*(*vmctx).store).types).is_subtype(actual, expected) }
}

/// `memory.grow`: the old size in pages, or `None` when the memory cannot
/// grow by `delta` pages (the instruction then returns -1).
///
/// # Safety
/// `vmctx` is a live context and `memory` one of its memory indices.
pub unsafe fn memory_grow(vmctx: *mut VMContext, memory: u32, delta: u64) -> Option<u64> {
    // SAFETY: guaranteed by the caller; memory objects outlive the
    // instances that use them, and the store is not otherwise borrowed
    // while wasm runs.
    unsafe {
        let inst = &*(*vmctx).instance;
        let mem = *inst.memories.get(memory as usize)?;
        let store = (*vmctx).store;
        let bytes = delta.checked_mul(WASM_PAGE_SIZE)?;
        if !(*store).resources.may_grow_memory(bytes) {
            (*store).resources.refused_memory();
            return None;
        }
        let old = (*mem).grow(delta)?;
        (*store).resources.grew_memory(bytes);
        Some(old)
    }
}

/// `memory.size` in pages.
///
/// # Safety
/// As for [`memory_grow`].
pub unsafe fn memory_size(vmctx: *mut VMContext, memory: u32) -> u64 {
    // SAFETY: guaranteed by the caller.
    unsafe { (*(*vmctx).memory(memory)).current_length as u64 / WASM_PAGE_SIZE }
}

/// `memory.fill`.
///
/// # Safety
/// As for [`memory_grow`].
pub unsafe fn memory_fill(
    vmctx: *mut VMContext,
    memory: u32,
    dst: u64,
    value: u8,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: guaranteed by the caller; the range is checked first.
    unsafe {
        let m = (*vmctx).memory(memory);
        if !in_bounds(dst, len, (*m).current_length as u64) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        std::ptr::write_bytes((*m).base.add(dst as usize), value, len as usize);
    }
    Ok(())
}

/// `memory.copy` (the ranges may overlap).
///
/// # Safety
/// As for [`memory_grow`], for both memory indices.
pub unsafe fn memory_copy(
    vmctx: *mut VMContext,
    dst_memory: u32,
    src_memory: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: guaranteed by the caller; both ranges are checked first.
    unsafe {
        let dm = (*vmctx).memory(dst_memory);
        let sm = (*vmctx).memory(src_memory);
        if !in_bounds(dst, len, (*dm).current_length as u64)
            || !in_bounds(src, len, (*sm).current_length as u64)
        {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        std::ptr::copy(
            (*sm).base.add(src as usize),
            (*dm).base.add(dst as usize),
            len as usize,
        );
    }
    Ok(())
}

/// `memory.init` from data segment `segment`.
///
/// # Safety
/// As for [`memory_grow`]; `segment` is a data segment index of the module.
pub unsafe fn memory_init(
    vmctx: *mut VMContext,
    memory: u32,
    segment: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: guaranteed by the caller; the segment's bytes live as long as
    // the module, which the instance keeps alive; ranges are checked first.
    unsafe {
        let m = (*vmctx).memory(memory);
        let inst = &*(*vmctx).instance;
        let bytes = inst.datas[segment as usize].as_slice();
        if !in_bounds(src, len, bytes.len() as u64)
            || !in_bounds(dst, len, (*m).current_length as u64)
        {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        std::ptr::copy_nonoverlapping(
            bytes.as_ptr().add(src as usize),
            (*m).base.add(dst as usize),
            len as usize,
        );
    }
    Ok(())
}

/// `data.drop`.
///
/// # Safety
/// As for [`memory_init`].
pub unsafe fn data_drop(vmctx: *mut VMContext, segment: u32) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let inst = &mut *(*vmctx).instance;
        inst.datas[segment as usize] = super::instance::DataBytes::EMPTY;
    }
}

/// `table.grow`: the old size, or `None` when the table cannot grow.
///
/// # Safety
/// `vmctx` is a live context and `table` one of its table indices; `init`
/// is a raw reference valid in the table's store.
pub unsafe fn table_grow(vmctx: *mut VMContext, table: u32, delta: u64, init: u64) -> Option<u64> {
    // SAFETY: guaranteed by the caller; table objects outlive the instances
    // that use them.
    unsafe {
        let inst = &*(*vmctx).instance;
        let t = *inst.tables.get(table as usize)?;
        let store = (*vmctx).store;
        if !(*store).resources.may_grow_table(delta) {
            (*store).resources.refused_table();
            return None;
        }
        let old = (*t).grow(delta, init)?;
        (*store).resources.grew_table(delta);
        Some(old)
    }
}

/// `table.fill`.
///
/// # Safety
/// As for [`table_grow`].
pub unsafe fn table_fill(
    vmctx: *mut VMContext,
    table: u32,
    dst: u64,
    value: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: guaranteed by the caller; the range is checked first.
    unsafe {
        let t = (*vmctx).table(table);
        if !in_bounds(dst, len, (*t).current_elements as u64) {
            return Err(TrapCode::TableOutOfBounds);
        }
        std::slice::from_raw_parts_mut((*t).base.add(dst as usize), len as usize).fill(value);
    }
    Ok(())
}

/// `table.copy` (the ranges may overlap).
///
/// # Safety
/// As for [`table_grow`], for both table indices.
pub unsafe fn table_copy(
    vmctx: *mut VMContext,
    dst_table: u32,
    src_table: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: guaranteed by the caller; both ranges are checked first.
    unsafe {
        let dt = (*vmctx).table(dst_table);
        let st = (*vmctx).table(src_table);
        if !in_bounds(dst, len, (*dt).current_elements as u64)
            || !in_bounds(src, len, (*st).current_elements as u64)
        {
            return Err(TrapCode::TableOutOfBounds);
        }
        std::ptr::copy(
            (*st).base.add(src as usize),
            (*dt).base.add(dst as usize),
            len as usize,
        );
    }
    Ok(())
}

/// `table.init` from element segment `segment`.
///
/// # Safety
/// As for [`table_grow`]; `segment` is an element segment index of the
/// module.
pub unsafe fn table_init(
    vmctx: *mut VMContext,
    table: u32,
    segment: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: guaranteed by the caller; ranges are checked first.
    unsafe {
        let t = (*vmctx).table(table);
        let inst = &*(*vmctx).instance;
        let items = &inst.elems[segment as usize];
        if !in_bounds(src, len, items.len() as u64)
            || !in_bounds(dst, len, (*t).current_elements as u64)
        {
            return Err(TrapCode::TableOutOfBounds);
        }
        std::ptr::copy_nonoverlapping(
            items.as_ptr().add(src as usize),
            (*t).base.add(dst as usize),
            len as usize,
        );
    }
    Ok(())
}

/// `elem.drop`.
///
/// # Safety
/// As for [`table_init`].
pub unsafe fn elem_drop(vmctx: *mut VMContext, segment: u32) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let inst = &mut *(*vmctx).instance;
        inst.elems[segment as usize] = Box::new([]);
    }
}

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

/// The elements a bulk operation works on: a memory's bytes, a table's
/// references, a segment's items.
#[derive(Copy, Clone)]
struct Elements<T> {
    base: *mut T,
    count: u64,
}

impl<T> Elements<T> {
    /// Where `[at, at + len)` starts, if it lies inside.
    #[inline]
    fn range(self, at: u64, len: u64) -> Option<*mut T> {
        // (`wrapping_add` needs no promise: in bounds, it is `add`.)
        in_bounds(at, len, self.count).then(|| self.base.wrapping_add(at as usize))
    }
}

/// Memory `memory`'s bytes.
///
/// # Safety
/// `vmctx` is a live context and `memory` one of its memory indices.
#[inline]
unsafe fn memory_elements(vmctx: *mut VMContext, memory: u32) -> Elements<u8> {
    // SAFETY: guaranteed by the caller.
    let m = unsafe { &*(*vmctx).memory(memory) };
    Elements {
        base: m.base,
        count: m.current_length as u64,
    }
}

/// Table `table`'s references.
///
/// # Safety
/// `vmctx` is a live context and `table` one of its table indices.
#[inline]
unsafe fn table_elements(vmctx: *mut VMContext, table: u32) -> Elements<u64> {
    // SAFETY: guaranteed by the caller.
    let t = unsafe { &*(*vmctx).table(table) };
    Elements {
        base: t.base,
        count: t.current_elements as u64,
    }
}

/// Copies `len` elements from `src` at `from` to `dst` at `to` (the
/// ranges may overlap) once both ranges are known to lie inside: `None`,
/// and nothing written, otherwise.
///
/// # Safety
/// `dst` and `src` describe live allocations; `dst` may be written.
#[inline]
unsafe fn copy<T>(dst: Elements<T>, to: u64, src: Elements<T>, from: u64, len: u64) -> Option<()> {
    let (d, s) = (dst.range(to, len)?, src.range(from, len)?);
    // SAFETY: both ranges lie inside live allocations (checked above and
    // the caller's promise); `ptr::copy` allows overlap.
    unsafe { std::ptr::copy(s, d, len as usize) };
    Some(())
}

/// Sets `len` elements of `dst` from `to` to `value` once the range is
/// known to lie inside: `None`, and nothing written, otherwise.
///
/// # Safety
/// `dst` describes a live, writable allocation.
#[inline]
unsafe fn fill<T: Copy>(dst: Elements<T>, to: u64, value: T, len: u64) -> Option<()> {
    let d = dst.range(to, len)?;
    // SAFETY: the range lies inside a live allocation (checked above and
    // the caller's promise), and no reference to it is alive meanwhile.
    unsafe { std::slice::from_raw_parts_mut(d, len as usize) }.fill(value);
    Some(())
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
    // SAFETY: guaranteed by the caller.
    let m = unsafe { memory_elements(vmctx, memory) };
    // SAFETY: a live memory's bytes.
    unsafe { fill(m, dst, value, len) }.ok_or(TrapCode::MemoryOutOfBounds)
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
    // SAFETY: guaranteed by the caller.
    let (to, from) = unsafe {
        (
            memory_elements(vmctx, dst_memory),
            memory_elements(vmctx, src_memory),
        )
    };
    // SAFETY: live memories' bytes.
    unsafe { copy(to, dst, from, src, len) }.ok_or(TrapCode::MemoryOutOfBounds)
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
    // the module, which the instance keeps alive (and are only read).
    let (to, from) = unsafe {
        let bytes = (*(*vmctx).instance).datas[segment as usize].as_slice();
        let from = Elements {
            base: bytes.as_ptr().cast_mut(),
            count: bytes.len() as u64,
        };
        (memory_elements(vmctx, memory), from)
    };
    // SAFETY: a live memory's bytes and a segment's.
    unsafe { copy(to, dst, from, src, len) }.ok_or(TrapCode::MemoryOutOfBounds)
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
    // SAFETY: guaranteed by the caller.
    let t = unsafe { table_elements(vmctx, table) };
    // SAFETY: a live table's references.
    unsafe { fill(t, dst, value, len) }.ok_or(TrapCode::TableOutOfBounds)
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
    // SAFETY: guaranteed by the caller.
    let (to, from) = unsafe {
        (
            table_elements(vmctx, dst_table),
            table_elements(vmctx, src_table),
        )
    };
    // SAFETY: live tables' references.
    unsafe { copy(to, dst, from, src, len) }.ok_or(TrapCode::TableOutOfBounds)
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
    // SAFETY: guaranteed by the caller; the segment belongs to the
    // instance (and is only read).
    let (to, from) = unsafe {
        let inst = &*(*vmctx).instance;
        let items = &inst.elems[segment as usize];
        let from = Elements {
            base: items.as_ptr().cast_mut(),
            count: items.len() as u64,
        };
        (table_elements(vmctx, table), from)
    };
    // SAFETY: a live table's references and a segment's.
    unsafe { copy(to, dst, from, src, len) }.ok_or(TrapCode::TableOutOfBounds)
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

//! Linear memories created by the host or exported by instances.

use super::error::Error;
use super::store::{MemoryRecord, Store, StoreId};
use super::types::MemoryType;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Memory {
    pub fn new(store: &mut Store, ty: MemoryType) -> Result<Memory, Error> {
        let ceiling = store.engine().config().max_memory_pages;
        let max = crate::runtime::memory::max_pages(ty.limits.max, ty.memory64, ceiling);
        let bytes = ty.limits.min.saturating_mul(crate::runtime::WASM_PAGE_SIZE);
        store
            .inner
            .resources()
            .check_new(0, 0, 0, 1, bytes)
            .map_err(|e| Error::Limit(e.to_string()))?;
        let guarded = store.engine().config().guard_pages;
        let mem = crate::runtime::memory::create(ty.limits.min, max, ty.memory64, guarded)
            .map_err(Error::Limit)?;
        store.inner.resources().add_new(0, 0, 0, 1, bytes);
        let inner = &mut *store.inner;
        let index = inner.memories.len() as u32;
        inner.memories.push(Box::new(MemoryRecord { mem, ty }));
        Ok(Memory {
            store: inner.id,
            index,
        })
    }

    fn record<'s>(&self, store: &'s Store) -> &'s MemoryRecord {
        store.check(self.store);
        &store.inner.memories[self.index as usize]
    }

    /// The memory's type, with its current size as the minimum.
    pub fn ty(&self, store: &Store) -> MemoryType {
        let r = self.record(store);
        let mut ty = r.ty;
        ty.limits.min = r.mem.pages();
        ty
    }

    /// Current size in pages.
    pub fn size(&self, store: &Store) -> u64 {
        self.record(store).mem.pages()
    }

    /// Current size in bytes.
    pub fn data_size(&self, store: &Store) -> usize {
        self.record(store).mem.def.current_length
    }

    /// Base address of the memory; stable for the memory's lifetime.
    pub fn data_ptr(&self, store: &Store) -> *mut u8 {
        self.record(store).mem.def.base
    }

    pub fn data<'s>(&self, store: &'s Store) -> &'s [u8] {
        self.record(store).mem.data()
    }

    pub fn data_mut<'s>(&self, store: &'s mut Store) -> &'s mut [u8] {
        store.check(self.store);
        store.inner.memories[self.index as usize].mem.data_mut()
    }

    /// Grows by `delta` pages; returns the old size in pages.
    pub fn grow(&self, store: &mut Store, delta: u64) -> Result<u64, Error> {
        store.check(self.store);
        let cannot = || Error::Limit(format!("cannot grow memory by {delta} pages"));
        let bytes = delta
            .checked_mul(crate::runtime::WASM_PAGE_SIZE)
            .ok_or_else(cannot)?;
        if !store.inner.resources().may_grow_memory(bytes) {
            let limit = store.inner.resources().limits.memory_bytes;
            return Err(Error::Limit(format!(
                "cannot grow memory by {delta} pages: store resource limit exceeded: \
                 linear memory bytes (limit {limit})"
            )));
        }
        let old = store.inner.memories[self.index as usize]
            .mem
            .grow(delta)
            .ok_or_else(cannot)?;
        store.inner.resources().grew_memory(bytes);
        Ok(old)
    }
}

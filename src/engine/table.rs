//! Tables created by the host or exported by instances.

use super::error::Error;
use super::global::check_val;
use super::store::{Store, StoreId, TableRecord};
use super::types::TableType;
use super::val::{from_raw, to_raw, Val};
use crate::runtime::TableData;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Table {
    /// A table of type `ty` with every element set to `init`.
    pub fn new(store: &mut Store, ty: TableType, init: Val) -> Result<Table, Error> {
        if !ty.element.is_ref() {
            return Err(Error::Invalid("table elements must be references".into()));
        }
        check_val(store, &init, ty.element)?;
        let raw = to_raw(store, &init)[0];
        store
            .inner
            .resources()
            .check_new(0, 1, ty.limits.min, 0, 0)
            .map_err(|e| Error::Limit(e.to_string()))?;
        let data = TableData::new(ty.limits.min, ty.limits.max, raw).map_err(Error::Limit)?;
        store.inner.resources().add_new(0, 1, ty.limits.min, 0, 0);
        let inner = &mut *store.inner;
        let index = inner.tables.len() as u32;
        inner.tables.push(Box::new(TableRecord { data, ty }));
        Ok(Table {
            store: inner.id,
            index,
        })
    }

    fn record<'s>(&self, store: &'s Store) -> &'s TableRecord {
        store.check(self.store);
        &store.inner.tables[self.index as usize]
    }

    /// The table's type, with its current size as the minimum.
    pub fn ty(&self, store: &Store) -> TableType {
        let r = self.record(store);
        let mut ty = r.ty;
        ty.limits.min = r.data.size();
        ty
    }

    pub fn size(&self, store: &Store) -> u64 {
        self.record(store).data.size()
    }

    pub fn get(&self, store: &Store, index: u64) -> Option<Val> {
        let r = self.record(store);
        let raw = *r.data.elements().get(usize::try_from(index).ok()?)?;
        Some(from_raw(store, r.ty.element, [raw, 0]))
    }

    pub fn set(&self, store: &mut Store, index: u64, v: Val) -> Result<(), Error> {
        let ty = self.record(store).ty;
        check_val(store, &v, ty.element)?;
        let raw = to_raw(store, &v)[0];
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| {
                store.inner.tables[self.index as usize]
                    .data
                    .elements_mut()
                    .get_mut(i)
            })
            .ok_or_else(|| Error::Invalid(format!("table index {index} out of bounds")))?;
        *slot = raw;
        Ok(())
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&self, store: &mut Store, delta: u64, init: Val) -> Result<u64, Error> {
        let ty = self.record(store).ty;
        check_val(store, &init, ty.element)?;
        let raw = to_raw(store, &init)[0];
        if !store.inner.resources().may_grow_table(delta) {
            let limit = store.inner.resources().limits.table_elements;
            return Err(Error::Limit(format!(
                "cannot grow table by {delta} elements: store resource limit exceeded: \
                 table elements (limit {limit})"
            )));
        }
        let old = store.inner.tables[self.index as usize]
            .data
            .grow(delta, raw)
            .ok_or_else(|| Error::Limit(format!("cannot grow table by {delta} elements")))?;
        store.inner.resources().grew_table(delta);
        Ok(old)
    }
}

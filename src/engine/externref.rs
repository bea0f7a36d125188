//! Host references (`externref`): opaque host data that wasm can hold,
//! pass around and store in tables, but not inspect.

use super::store::{Store, StoreId};
use std::any::Any;

/// A non-null external reference. Its data lives until the store is
/// dropped.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl ExternRef {
    pub fn new(store: &mut Store, data: impl Any) -> ExternRef {
        let inner = &mut *store.inner;
        let index = inner.externrefs.len() as u32;
        inner.externrefs.push(Box::new(data));
        ExternRef {
            store: inner.id,
            index,
        }
    }

    /// The host data this reference was created with.
    pub fn data<'s>(&self, store: &'s Store) -> &'s dyn Any {
        store.check(self.store);
        &*store.inner.externrefs[self.index as usize]
    }
}

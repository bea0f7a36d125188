//! Exception tags and exception references (the exception-handling
//! proposal of WebAssembly 3.0).
//!
//! A tag is a store object whose index is its identity: a module's own
//! tags are new tags of the store at instantiation, an imported tag is the
//! exporter's, so a `catch` matches exactly the exceptions thrown with the
//! same tag, whichever instance threw them.

use super::error::Error;
use super::global::check_val;
use super::store::{Store, StoreId};
use super::types::TagType;
use super::val::{from_raw, to_raw, Val};

/// An exception tag in a store.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tag {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl Tag {
    /// A new tag, distinct from every other, whose exceptions carry values
    /// of `ty`'s parameter types.
    pub fn new(store: &mut Store, ty: TagType) -> Tag {
        let type_id = store.inner.hold_type(&ty.params);
        Tag::with_type_id(store, ty, type_id)
    }

    /// A new tag whose type has canonical id `type_id` (a module's tag
    /// keeps its declared type's identity, rec group included).
    pub(crate) fn with_type_id(store: &mut Store, ty: TagType, type_id: u32) -> Tag {
        let inner = &mut *store.inner;
        inner.tags.push((ty, type_id));
        Tag {
            store: inner.id,
            index: (inner.tags.len() - 1) as u32,
        }
    }

    pub fn ty(&self, store: &Store) -> TagType {
        store.check(self.store);
        store.inner.tags[self.index as usize].0.clone()
    }

    /// The canonical id of the tag's function type.
    pub(crate) fn type_id(&self, store: &Store) -> u32 {
        store.check(self.store);
        store.inner.tags[self.index as usize].1
    }
}

/// A non-null exception reference (`exnref`): an exception a guest threw
/// and caught with `catch_ref`, or that escaped to the host. Exceptions
/// live until their store is dropped.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExnRef {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

impl ExnRef {
    /// A new exception with `tag` and `payload` (values of the tag's
    /// parameter types), for a host function to throw with
    /// [`Trap::throw`](super::Trap::throw).
    pub fn new(store: &mut Store, tag: Tag, payload: &[Val]) -> Result<ExnRef, Error> {
        if tag.store != store.id() {
            return Err(Error::Invalid("tag from another store".into()));
        }
        let ty = tag.ty(store);
        let params = ty.params.params();
        if payload.len() != params.len() {
            return Err(Error::Invalid(format!(
                "the tag takes {} values, {} were given",
                params.len(),
                payload.len()
            )));
        }
        let mut values = Vec::new();
        for (v, &t) in payload.iter().zip(params) {
            check_val(store, v, t)?;
            let raw = to_raw(store, v);
            values.extend_from_slice(&raw[..t.slots() as usize]);
        }
        let index = store
            .inner
            .context_mut()
            .new_exception(tag.index, values.into_boxed_slice());
        Ok(ExnRef {
            store: store.id(),
            index,
        })
    }

    /// The tag the exception was thrown with.
    pub fn tag(&self, store: &Store) -> Tag {
        store.check(self.store);
        Tag {
            store: self.store,
            index: store.inner.context().exceptions[self.index as usize].tag,
        }
    }

    /// The values the exception carries (its tag's parameter types).
    pub fn payload(&self, store: &Store) -> Vec<Val> {
        let ty = self.tag(store).ty(store);
        let raw = &store.inner.context().exceptions[self.index as usize].values;
        let mut slot = 0;
        let mut out = Vec::with_capacity(ty.params.params().len());
        for &t in ty.params.params() {
            let bits = [raw[slot], raw.get(slot + 1).copied().unwrap_or(0)];
            out.push(from_raw(store, t, bits));
            slot += t.slots() as usize;
        }
        out
    }
}

//! Globals created by the host or exported by instances.

use super::error::Error;
use super::store::{GlobalRecord, Store, StoreId};
use super::types::{GlobalType, Mutability};
use super::val::{describe, from_raw, has_type, is_foreign, to_raw, Val};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store: StoreId,
    pub(crate) index: u32,
}

/// Checks that `v` has type `ty` and that a reference in it belongs to
/// `store`.
pub(crate) fn check_val(store: &Store, v: &Val, ty: super::ValType) -> Result<(), Error> {
    if is_foreign(store, v) {
        return Err(Error::Invalid("reference from another store".into()));
    }
    if !has_type(store, v, ty) {
        return Err(Error::Invalid(format!(
            "value of type {} where {ty} was expected",
            describe(v)
        )));
    }
    Ok(())
}

impl Global {
    pub fn new(store: &mut Store, ty: GlobalType, init: Val) -> Result<Global, Error> {
        check_val(store, &init, ty.content)?;
        let bits = to_raw(store, &init);
        let inner = &mut *store.inner;
        let index = inner.globals.len() as u32;
        inner.globals.push(GlobalRecord::host(bits, ty));
        Ok(Global {
            store: inner.id,
            index,
        })
    }

    fn record<'s>(&self, store: &'s Store) -> &'s GlobalRecord {
        store.check(self.store);
        &store.inner.globals[self.index as usize]
    }

    pub fn ty(&self, store: &Store) -> GlobalType {
        self.record(store).ty
    }

    pub fn get(&self, store: &Store) -> Val {
        let r = self.record(store);
        from_raw(store, r.ty.content, r.bits())
    }

    /// Sets a mutable global; errors for immutable globals or a value of
    /// the wrong type.
    pub fn set(&self, store: &mut Store, v: Val) -> Result<(), Error> {
        let ty = self.ty(store);
        if ty.mutability != Mutability::Var {
            return Err(Error::Invalid("cannot set an immutable global".into()));
        }
        check_val(store, &v, ty.content)?;
        let bits = to_raw(store, &v);
        store.inner.globals[self.index as usize].set_bits(bits);
        Ok(())
    }
}

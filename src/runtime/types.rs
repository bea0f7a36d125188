//! The declared supertypes of an engine's types, for the subtype checks
//! that run while wasm runs (`call_indirect` when the signatures differ)
//! and at the host boundary.
//!
//! Canonical type ids are engine-wide; the engine's type registry adds
//! each new type's supertype here as it registers it, and every store of
//! the engine reads it through its [`VMStoreContext`](super::VMStoreContext).
//! Only the slow path reads it: equal ids, the common case, never get here.

use std::sync::RwLock;

/// No declared supertype.
const NONE: u32 = u32::MAX;

/// The declared supertype of every registered type, by canonical id.
#[derive(Default)]
pub struct TypeHierarchy {
    supertypes: RwLock<Vec<u32>>,
}

impl TypeHierarchy {
    pub const fn new() -> TypeHierarchy {
        TypeHierarchy {
            supertypes: RwLock::new(Vec::new()),
        }
    }

    /// Records type `id`'s declared supertype (a new id, or a freed one
    /// the registry hands out again).
    pub fn set(&self, id: u32, supertype: Option<u32>) {
        let mut sup = self.supertypes.write().unwrap_or_else(|e| e.into_inner());
        let i = id as usize;
        if sup.len() <= i {
            sup.resize(i + 1, NONE);
        }
        sup[i] = supertype.unwrap_or(NONE);
    }

    /// Whether type `sub` is `sup` or declares it as an ancestor. Chains
    /// are at most 63 long (the validator's limit on subtyping depth).
    pub fn is_subtype(&self, sub: u32, sup: u32) -> bool {
        if sub == sup {
            return true;
        }
        let supertypes = self.supertypes.read().unwrap_or_else(|e| e.into_inner());
        let mut t = sub;
        while let Some(&parent) = supertypes.get(t as usize) {
            if parent == NONE {
                return false;
            }
            if parent == sup {
                return true;
            }
            t = parent;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_declared_chains_only() {
        let h = TypeHierarchy::default();
        h.set(0, None);
        h.set(1, Some(0));
        h.set(2, Some(1));
        h.set(3, None);
        assert!(h.is_subtype(2, 0));
        assert!(h.is_subtype(2, 1));
        assert!(h.is_subtype(3, 3));
        assert!(!h.is_subtype(0, 2));
        assert!(!h.is_subtype(2, 3));
        assert!(!h.is_subtype(7, 0), "unknown ids match nothing else");
        h.set(1, None);
        assert!(!h.is_subtype(2, 0), "a freed id no longer links the chain");
    }
}

//! The engine-wide type registry: one canonical id per distinct type, so
//! that type equality (`call_indirect`, linking, typed references) is an
//! integer comparison, also across modules.
//!
//! WebAssembly 3.0 defines types in recursion groups, and two types are
//! the same only when their whole groups are the same and they sit at the
//! same position in them (types are equal "iso-recursively"). The registry
//! therefore keys whole groups: a reference to a type of the same group is
//! written as its position in the group, a reference to an earlier type
//! as that type's canonical id. The ids of a group's types are
//! consecutive. A host function's type is a group of one final type, so it
//! gets the same id as the same signature declared by `(type (func ...))`.
//!
//! Struct and array types are registered like function types (they take
//! part in the identity of the groups that hold them, and typed
//! references may name them) although wasmrt refuses the instructions
//! that would create GC objects.

use super::error::Error;
use crate::module::types::{FuncType, HeapType, RefType, ValType};
use crate::runtime::types::TypeHierarchy;
use std::collections::HashMap;
use std::sync::Arc;

/// A type reference inside a group key.
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
enum KeyRef {
    /// The type at this position of the same group.
    InGroup(u32),
    /// A type registered before the group (a concrete heap type).
    Earlier(HeapType),
}

/// A value or field type inside a group key.
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
enum KeyType {
    /// A value type (references to earlier types by id).
    Val(ValType),
    /// A reference to a type of the same group.
    InGroup { nullable: bool, index: u32 },
    /// A packed struct or array field (`i8`, `i16`).
    Packed(wasmparser::StorageType),
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum CompositeKey {
    Func {
        params: Box<[KeyType]>,
        results: Box<[KeyType]>,
    },
    Struct(Box<[(KeyType, bool)]>),
    Array(KeyType, bool),
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct SubTypeKey {
    is_final: bool,
    supertype: Option<KeyRef>,
    composite: CompositeKey,
}

/// A registered type, as a module sees it.
#[derive(Clone, Debug)]
pub(crate) struct Registered {
    pub id: u32,
    /// What a typed reference to it names: `Concrete`, `ConcreteStruct`
    /// or `ConcreteArray` with `id`.
    pub heap: HeapType,
    /// The signature of a function type; `None` for struct and array types.
    pub func: Option<FuncType>,
}

#[derive(Default)]
pub(crate) struct TypeRegistry {
    /// Each distinct group's key and the id of its first type.
    groups: HashMap<Box<[SubTypeKey]>, u32>,
    /// The heap type and function type of each id (see [`Registered`]).
    types: Vec<(HeapType, Option<FuncType>)>,
    /// Declared supertypes, shared with the engine's stores.
    hierarchy: Arc<TypeHierarchy>,
}

fn unsupported(what: &str) -> Error {
    Error::Unsupported {
        message: format!("{what} are not supported"),
        offset: 0,
    }
}

impl TypeRegistry {
    pub fn hierarchy(&self) -> &Arc<TypeHierarchy> {
        &self.hierarchy
    }

    /// The id of a host function type (a final type alone in its group).
    pub fn func_type_id(&mut self, ty: &FuncType) -> u32 {
        let key = SubTypeKey {
            is_final: true,
            supertype: None,
            composite: CompositeKey::Func {
                params: ty.params().iter().map(|&t| KeyType::Val(t)).collect(),
                results: ty.results().iter().map(|&t| KeyType::Val(t)).collect(),
            },
        };
        self.intern(Box::new([key]))
    }

    /// Registers one recursion group of a module whose earlier types are
    /// `earlier` (see [`Registered::heap`]); returns its types in order.
    pub fn register_group(
        &mut self,
        group: &wasmparser::RecGroup,
        earlier: &[HeapType],
    ) -> Result<Vec<Registered>, Error> {
        let start = earlier.len() as u32;
        let key_ref = |index: u32| -> Result<KeyRef, Error> {
            if index >= start {
                Ok(KeyRef::InGroup(index - start))
            } else {
                Ok(KeyRef::Earlier(earlier[index as usize]))
            }
        };
        let mut keys = Vec::new();
        for sub in group.types() {
            // GC 1.0 allows at most one supertype (validated).
            let supertype = match sub.supertype_idxs.first() {
                Some(i) => Some(key_ref(module_index(i.unpack())?)?),
                None => None,
            };
            let storage = |t: wasmparser::StorageType| key_type(t, &key_ref);
            let val = |t: wasmparser::ValType| storage(wasmparser::StorageType::Val(t));
            let composite = match &sub.composite_type.inner {
                wasmparser::CompositeInnerType::Func(f) => CompositeKey::Func {
                    params: f
                        .params()
                        .iter()
                        .map(|&t| val(t))
                        .collect::<Result<_, _>>()?,
                    results: f
                        .results()
                        .iter()
                        .map(|&t| val(t))
                        .collect::<Result<_, _>>()?,
                },
                wasmparser::CompositeInnerType::Struct(s) => CompositeKey::Struct(
                    s.fields
                        .iter()
                        .map(|f| Ok((storage(f.element_type)?, f.mutable)))
                        .collect::<Result<_, Error>>()?,
                ),
                wasmparser::CompositeInnerType::Array(a) => {
                    CompositeKey::Array(storage(a.0.element_type)?, a.0.mutable)
                }
                wasmparser::CompositeInnerType::Cont(_) => {
                    return Err(unsupported("continuation types"))
                }
            };
            keys.push(SubTypeKey {
                is_final: sub.is_final,
                supertype,
                composite,
            });
        }
        let first = self.intern(keys.into_boxed_slice());
        let n = group.types().len() as u32;
        Ok((first..first + n)
            .map(|id| {
                let (heap, func) = self.types[id as usize].clone();
                Registered { id, heap, func }
            })
            .collect())
    }

    /// The id of the group's first type, registering the group if new.
    fn intern(&mut self, key: Box<[SubTypeKey]>) -> u32 {
        if let Some(&first) = self.groups.get(&key) {
            return first;
        }
        let first = self.types.len() as u32;
        let heap_of = |i: u32| {
            let id = first + i;
            match key[i as usize].composite {
                CompositeKey::Func { .. } => HeapType::Concrete(id),
                CompositeKey::Struct(_) => HeapType::ConcreteStruct(id),
                CompositeKey::Array(..) => HeapType::ConcreteArray(id),
            }
        };
        let val = |t: &KeyType| match *t {
            KeyType::Val(v) => v,
            KeyType::InGroup { nullable, index } => ValType::Ref(RefType {
                nullable,
                heap: heap_of(index),
            }),
            KeyType::Packed(_) => unreachable!("packed types only in fields"),
        };
        for (i, sub) in key.iter().enumerate() {
            let func = match &sub.composite {
                CompositeKey::Func { params, results } => Some(FuncType::new(
                    params.iter().map(val),
                    results.iter().map(val),
                )),
                CompositeKey::Struct(_) | CompositeKey::Array(..) => None,
            };
            self.types.push((heap_of(i as u32), func));
            let supertype = sub.supertype.map(|r| match r {
                KeyRef::InGroup(i) => first + i,
                KeyRef::Earlier(heap) => heap.concrete_id().expect("a concrete type"),
            });
            self.hierarchy.push(first + i as u32, supertype);
        }
        self.groups.insert(key, first);
        first
    }
}

/// A type index as the binary writes it (the reader leaves them so).
fn module_index(i: wasmparser::UnpackedIndex) -> Result<u32, Error> {
    i.as_module_index()
        .ok_or_else(|| unsupported("canonicalised type indices"))
}

/// The key form of a value or field type.
fn key_type(
    t: wasmparser::StorageType,
    key_ref: &impl Fn(u32) -> Result<KeyRef, Error>,
) -> Result<KeyType, Error> {
    let v = match t {
        wasmparser::StorageType::Val(v) => v,
        wasmparser::StorageType::I8 | wasmparser::StorageType::I16 => {
            return Ok(KeyType::Packed(t))
        }
    };
    if let wasmparser::ValType::Ref(r) = v {
        if let wasmparser::HeapType::Concrete(i) = r.heap_type() {
            let nullable = r.is_nullable();
            return Ok(match key_ref(module_index(i)?)? {
                KeyRef::InGroup(index) => KeyType::InGroup { nullable, index },
                KeyRef::Earlier(heap) => KeyType::Val(ValType::Ref(RefType { nullable, heap })),
            });
        }
    }
    // Without a type index the conversion fails only for shared types.
    ValType::from_wasmparser(v, &[])
        .map(KeyType::Val)
        .ok_or_else(|| unsupported("shared reference types"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(wat: &str) -> Vec<wasmparser::RecGroup> {
        let bytes = wat::parse_str(wat).unwrap();
        let mut out = Vec::new();
        for p in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::TypeSection(r) = p.unwrap() {
                out.extend(r.into_iter().map(|g| g.unwrap()));
            }
        }
        out
    }

    fn register(reg: &mut TypeRegistry, wat: &str) -> Vec<u32> {
        let mut heaps = Vec::new();
        for g in groups(wat) {
            let r = reg.register_group(&g, &heaps).unwrap();
            heaps.extend(r.iter().map(|t| t.heap));
        }
        heaps.iter().map(|h| h.concrete_id().unwrap()).collect()
    }

    #[test]
    fn groups_are_compared_whole() {
        let mut reg = TypeRegistry::default();
        let a = register(&mut reg, "(module (rec (type (func)) (type (struct))))");
        let b = register(&mut reg, "(module (rec (type (func)) (type (struct))))");
        let c = register(&mut reg, "(module (rec (type (struct)) (type (func))))");
        let plain = register(&mut reg, "(module (type (func)))");
        assert_eq!(a, b);
        assert_ne!(a[0], c[1], "same signature, different group position");
        assert_ne!(a[0], plain[0]);
        assert_eq!(plain[0], reg.func_type_id(&FuncType::new([], [])));
    }

    #[test]
    fn references_inside_a_group_are_relative() {
        let mut reg = TypeRegistry::default();
        let m1 = "(module (type (func)) (rec (type $t (func (param (ref $t))))))";
        let m2 = "(module (rec (type $u (func (param (ref $u))))))";
        let a = register(&mut reg, m1);
        let b = register(&mut reg, m2);
        assert_eq!(a[1], b[0]);
        let func = reg.register_group(&groups(m2)[0], &[]).unwrap()[0]
            .func
            .clone()
            .unwrap();
        assert_eq!(
            func.params(),
            [ValType::Ref(RefType {
                nullable: false,
                heap: HeapType::Concrete(b[0])
            })]
        );
    }

    #[test]
    fn declared_supertypes_reach_the_hierarchy() {
        let mut reg = TypeRegistry::default();
        let ids = register(
            &mut reg,
            "(module (type $a (sub (func))) (type $b (sub $a (func))) (type $c (func)))",
        );
        assert!(reg.hierarchy().is_subtype(ids[1], ids[0]));
        assert!(!reg.hierarchy().is_subtype(ids[0], ids[1]));
        assert!(!reg.hierarchy().is_subtype(ids[2], ids[0]));
        assert_ne!(ids[0], ids[2], "a non-final type differs from a final one");
    }

    #[test]
    fn struct_and_array_types_are_typed_as_such() {
        let mut reg = TypeRegistry::default();
        let g = &groups(
            "(module (rec (type $s (struct)) (type (func (param (ref $s))))) (type (array i8)))",
        );
        let group = reg.register_group(&g[0], &[]).unwrap();
        assert_eq!(group[0].heap, HeapType::ConcreteStruct(group[0].id));
        assert!(group[0].func.is_none());
        let param = group[1].func.as_ref().unwrap().params()[0];
        assert_eq!(
            param,
            ValType::Ref(RefType {
                nullable: false,
                heap: HeapType::ConcreteStruct(group[0].id)
            })
        );
        let heaps = [group[0].heap, group[1].heap];
        let array = &reg.register_group(&g[1], &heaps).unwrap()[0];
        assert_eq!(array.heap, HeapType::ConcreteArray(array.id));
    }
}

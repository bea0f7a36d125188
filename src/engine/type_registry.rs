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
//!
//! Groups are counted: each module holds the groups of its type section,
//! each store those of its host functions and tags, and a group holds the
//! earlier groups its types refer to. A group nothing holds any more is
//! forgotten and its ids are given to later groups, so a process that
//! compiles or validates endless distinct modules does not grow with them.
//! An id is only reused once no module, store or group that could still
//! use it holds it (compiled code reads ids from its instance, never as
//! constants).

use super::error::Error;
use crate::module::types::{FuncType, HeapType, RefType, ValType};
use crate::runtime::types::TypeHierarchy;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

/// A registered type: what a module sees of it, and its group.
struct Slot {
    heap: HeapType,
    func: Option<FuncType>,
    /// The id of its group's first type.
    group: u32,
}

/// A registered group: its key, how many holders it has, and the earlier
/// groups it holds itself (those its key names, taken when it was
/// registered and given back exactly so when it goes).
struct Group {
    key: Arc<[SubTypeKey]>,
    refs: usize,
    holds: Box<[u32]>,
    /// While nothing holds it: when it became idle (its key in `idle`).
    idle_since: u64,
}

/// How many types of groups nothing holds the registry keeps registered
/// (a module compiled, dropped and compiled again, or validated in a loop,
/// finds its types still there instead of registering them anew).
const IDLE_TYPES_KEPT: usize = 4096;

pub(crate) struct TypeRegistry {
    /// Each registered group's key and the id of its first type.
    groups: HashMap<Arc<[SubTypeKey]>, u32>,
    /// The registered groups, by the id of their first type.
    live: HashMap<u32, Group>,
    /// Each id's type, `None` while the id is free.
    types: Vec<Option<Slot>>,
    /// Free ranges of ids below `types.len()`, as `(length, first)` (for
    /// the smallest range that fits) and as first -> length (to merge
    /// neighbours).
    free_by_len: BTreeSet<(u32, u32)>,
    free_by_start: BTreeMap<u32, u32>,
    /// The groups nothing holds, oldest first (by `Group::idle_since`),
    /// their number of types, and how many types of them to keep.
    idle: BTreeMap<u64, u32>,
    idle_types: usize,
    idle_types_kept: usize,
    /// The next `Group::idle_since`.
    clock: u64,
    /// Declared supertypes, shared with the engine's stores.
    hierarchy: Arc<TypeHierarchy>,
}

impl Default for TypeRegistry {
    fn default() -> TypeRegistry {
        TypeRegistry::keeping_idle(IDLE_TYPES_KEPT)
    }
}

/// The groups one holder (a module, or a store's host functions and
/// tags) holds in its engine's registry, by first id; the holder gives
/// them back with [`HeldTypes::release`] when it goes.
#[derive(Default)]
pub(crate) struct HeldTypes(Vec<u32>);

impl HeldTypes {
    /// Records one more hold on the group whose first id is `first`.
    pub fn push(&mut self, first: u32) {
        self.0.push(first);
    }

    /// Gives every hold back to `engine`'s registry.
    pub fn release(&mut self, engine: &super::Engine) {
        if self.0.is_empty() {
            return;
        }
        let mut registry = engine.types();
        for first in self.0.drain(..) {
            registry.release(first);
        }
    }
}

/// Groups registered while compiling a module: given back if the compile
/// fails, handed to the module if it succeeds.
pub(crate) struct Registering<'a> {
    engine: &'a super::Engine,
    held: HeldTypes,
}

impl<'a> Registering<'a> {
    pub fn new(engine: &'a super::Engine) -> Registering<'a> {
        Registering {
            engine,
            held: HeldTypes::default(),
        }
    }

    pub fn push(&mut self, first: u32) {
        self.held.push(first);
    }

    /// The holds, now the module's.
    pub fn finish(mut self) -> HeldTypes {
        std::mem::take(&mut self.held)
    }
}

impl Drop for Registering<'_> {
    fn drop(&mut self) {
        self.held.release(self.engine);
    }
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
    /// The caller holds the group from now on: it gives it back with
    /// [`release`](Self::release)`(id)`.
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
    /// The caller holds the group from now on: it gives it back with
    /// [`release`](Self::release) and the first type's id (an empty group
    /// registers nothing).
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
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let first = self.intern(keys.into_boxed_slice());
        let n = group.types().len() as u32;
        Ok((first..first + n)
            .map(|id| {
                let slot = self.types[id as usize].as_ref().expect("a registered id");
                Registered {
                    id,
                    heap: slot.heap,
                    func: slot.func.clone(),
                }
            })
            .collect())
    }

    /// A registry that keeps up to `types` types of groups nothing holds.
    fn keeping_idle(types: usize) -> TypeRegistry {
        TypeRegistry {
            groups: HashMap::new(),
            live: HashMap::new(),
            types: Vec::new(),
            free_by_len: BTreeSet::new(),
            free_by_start: BTreeMap::new(),
            idle: BTreeMap::new(),
            idle_types: 0,
            idle_types_kept: types,
            clock: 0,
            hierarchy: Default::default(),
        }
    }

    /// Gives back one hold on the group whose first type is `first`. A
    /// group nothing holds stays registered while it is among the last
    /// idle ones (`IDLE_TYPES_KEPT`); past that the oldest is forgotten:
    /// its holds on the groups it names are given back and its ids freed
    /// for reuse.
    pub fn release(&mut self, first: u32) {
        self.drop_hold(first);
        while self.idle_types > self.idle_types_kept {
            let (_, first) = self.idle.pop_first().expect("idle types counted");
            let group = self.live.remove(&first).expect("an idle group");
            self.groups.remove(&group.key);
            let n = group.key.len() as u32;
            self.idle_types -= n as usize;
            for id in first..first + n {
                self.types[id as usize] = None;
                self.hierarchy.set(id, None);
            }
            self.free_range(first, n);
            for &named in group.holds.iter() {
                self.drop_hold(named);
            }
        }
    }

    /// One hold more on a registered group (an idle one is idle no more).
    fn take_hold(&mut self, first: u32) {
        let group = self.live.get_mut(&first).expect("a registered group");
        if group.refs == 0 {
            self.idle.remove(&group.idle_since);
            self.idle_types -= group.key.len();
        }
        group.refs += 1;
    }

    /// One hold fewer on a group; without any it becomes idle.
    fn drop_hold(&mut self, first: u32) {
        let Some(group) = self.live.get_mut(&first).filter(|g| g.refs > 0) else {
            debug_assert!(false, "type group {first} released more often than held");
            return;
        };
        group.refs -= 1;
        if group.refs == 0 {
            group.idle_since = self.clock;
            self.idle.insert(self.clock, first);
            self.idle_types += group.key.len();
            self.clock += 1;
        }
    }

    /// How many ids are registered (for tests of the counting).
    #[cfg(test)]
    pub fn live_types(&self) -> usize {
        self.types.iter().filter(|t| t.is_some()).count()
    }

    /// How many ids exist, free or registered (for tests of the reuse).
    #[cfg(test)]
    pub fn id_space(&self) -> usize {
        self.types.len()
    }

    /// The groups of the earlier types `key` refers to, once per mention.
    /// Ids no group holds are left out: only a host type made from a type
    /// of a module since dropped can name one (its reference then means
    /// whatever type gets that id next, as a host function's opaque
    /// parameter; the counts stay exact, see `Group::holds`).
    fn referenced_groups(&self, key: &[SubTypeKey]) -> Vec<u32> {
        fn named(t: &KeyType) -> Option<u32> {
            match t {
                KeyType::Val(ValType::Ref(r)) => r.heap.concrete_id(),
                _ => None,
            }
        }
        let mut ids = Vec::new();
        for sub in key {
            if let Some(KeyRef::Earlier(heap)) = sub.supertype {
                ids.extend(heap.concrete_id());
            }
            match &sub.composite {
                CompositeKey::Func { params, results } => {
                    ids.extend(params.iter().chain(results.iter()).filter_map(named))
                }
                CompositeKey::Struct(fields) => {
                    ids.extend(fields.iter().filter_map(|(t, _)| named(t)))
                }
                CompositeKey::Array(t, _) => ids.extend(named(t)),
            }
        }
        ids.iter()
            .filter_map(|&id| self.types.get(id as usize)?.as_ref().map(|s| s.group))
            .collect()
    }

    /// `n` consecutive free ids: the smallest free range that fits, else
    /// new ones at the end.
    fn allocate(&mut self, n: u32) -> u32 {
        if let Some(&(len, first)) = self.free_by_len.range((n, 0)..).next() {
            self.free_by_len.remove(&(len, first));
            self.free_by_start.remove(&first);
            if len > n {
                self.free_by_len.insert((len - n, first + n));
                self.free_by_start.insert(first + n, len - n);
            }
            return first;
        }
        let first = self.types.len() as u32;
        self.types.resize_with(first as usize + n as usize, || None);
        first
    }

    /// Returns ids `first..first + n` to the free ranges, merged with free
    /// neighbours; a range that ends the id space shortens it instead.
    fn free_range(&mut self, mut first: u32, mut n: u32) {
        if let Some((&before, &len)) = self.free_by_start.range(..first).next_back() {
            if before + len == first {
                self.free_by_start.remove(&before);
                self.free_by_len.remove(&(len, before));
                first = before;
                n += len;
            }
        }
        if let Some(len) = self.free_by_start.remove(&(first + n)) {
            self.free_by_len.remove(&(len, first + n));
            n += len;
        }
        if (first + n) as usize == self.types.len() {
            self.types.truncate(first as usize);
        } else {
            self.free_by_start.insert(first, n);
            self.free_by_len.insert((n, first));
        }
    }

    /// The id of the group's first type, registering the group if new;
    /// either way the caller holds it once more.
    fn intern(&mut self, key: Box<[SubTypeKey]>) -> u32 {
        if let Some(&first) = self.groups.get(&key[..]) {
            self.take_hold(first);
            return first;
        }
        let key: Arc<[SubTypeKey]> = key.into();
        // The group holds the earlier groups it names, so their ids stay
        // theirs while its key mentions them (found before its own ids are
        // taken, which a stale name could otherwise point at).
        let holds: Box<[u32]> = self.referenced_groups(&key).into();
        let first = self.allocate(key.len() as u32);
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
            self.types[(first + i as u32) as usize] = Some(Slot {
                heap: heap_of(i as u32),
                func,
                group: first,
            });
            let supertype = sub.supertype.map(|r| match r {
                KeyRef::InGroup(i) => first + i,
                KeyRef::Earlier(heap) => heap.concrete_id().expect("a concrete type"),
            });
            self.hierarchy.set(first + i as u32, supertype);
        }
        for &group in holds.iter() {
            self.take_hold(group);
        }
        self.groups.insert(key.clone(), first);
        self.live.insert(
            first,
            Group {
                key,
                refs: 1,
                holds,
                idle_since: 0,
            },
        );
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

    /// Registers `wat`'s groups, returning them and each type's id.
    fn hold(reg: &mut TypeRegistry, wat: &str) -> (Vec<u32>, Vec<u32>) {
        let mut heaps = Vec::new();
        let mut firsts = Vec::new();
        for g in groups(wat) {
            let r = reg.register_group(&g, &heaps).unwrap();
            firsts.extend(r.first().map(|t| t.id));
            heaps.extend(r.iter().map(|t| t.heap));
        }
        let ids = heaps.iter().map(|h| h.concrete_id().unwrap()).collect();
        (firsts, ids)
    }

    #[test]
    fn a_group_nothing_holds_is_forgotten_and_its_ids_reused() {
        let mut reg = TypeRegistry::keeping_idle(0);
        let m = "(module (type (func (param i32))) (rec (type (func)) (type (struct))))";
        let (a, ids) = hold(&mut reg, m);
        let (b, again) = hold(&mut reg, m);
        assert_eq!(ids, again, "a second holder shares the groups");
        assert_eq!(reg.live_types(), 3);
        a.iter().for_each(|&g| reg.release(g));
        assert_eq!(reg.live_types(), 3, "still held by the second");
        b.iter().for_each(|&g| reg.release(g));
        assert_eq!(reg.live_types(), 0);
        assert_eq!(reg.id_space(), 0, "freed ids at the end shrink the space");

        let (keep, kept) = hold(&mut reg, "(module (type (func (param f64))))");
        let (gone, _) = hold(
            &mut reg,
            "(module (rec (type (func)) (type (func (param i64)))))",
        );
        hold(&mut reg, "(module (type (func (result f32))))");
        gone.iter().for_each(|&g| reg.release(g));
        assert_eq!(reg.id_space(), 4);
        let (_, reused) = hold(&mut reg, "(module (type (func (param v128))))");
        assert_eq!(reused, [1], "the smallest free range that fits");
        let (_, reused) = hold(&mut reg, "(module (type (func (param externref))))");
        assert_eq!(reused, [2]);
        assert_eq!(reg.id_space(), 4);
        keep.iter().for_each(|&g| reg.release(g));
        let (_, fresh) = hold(&mut reg, "(module (type (func (param f64))))");
        assert_eq!(fresh, kept, "registered again where it was freed");
        assert_eq!(
            reg.func_type_id(&FuncType::new([ValType::F64], [])),
            kept[0]
        );
    }

    #[test]
    fn the_last_idle_groups_stay_registered() {
        let mut reg = TypeRegistry::keeping_idle(2);
        let (a, ids) = hold(&mut reg, "(module (type (func)))");
        reg.release(a[0]);
        assert_eq!(reg.live_types(), 1, "idle, kept");
        let (a, again) = hold(&mut reg, "(module (type (func)))");
        assert_eq!(again, ids, "taken up again as it was");
        let (b, _) = hold(&mut reg, "(module (type (func (param i32))))");
        let (c, _) = hold(&mut reg, "(module (type (func (param i64))))");
        for g in [a[0], b[0], c[0]] {
            reg.release(g);
        }
        assert_eq!(reg.live_types(), 2, "the oldest idle group forgotten");
        let (_, reused) = hold(&mut reg, "(module (type (func (param f32))))");
        assert_eq!(reused, ids, "its id given to the next type");
        let (_, fresh) = hold(&mut reg, "(module (type (func)))");
        assert_eq!(fresh, [3], "registered anew");
    }

    #[test]
    fn freed_neighbours_merge_into_one_range() {
        let mut reg = TypeRegistry::keeping_idle(0);
        let (a, _) = hold(&mut reg, "(module (type (func (param i32))))");
        let (b, _) = hold(&mut reg, "(module (type (func (param i64))))");
        let (c, _) = hold(&mut reg, "(module (type (func (param f32))))");
        hold(&mut reg, "(module (type (func (param f64))))");
        for g in [a[0], c[0], b[0]] {
            reg.release(g);
        }
        let (_, ids) = hold(
            &mut reg,
            "(module (rec (type (func)) (type (func (result i32))) (type (func (result i64)))))",
        );
        assert_eq!(
            ids,
            [0, 1, 2],
            "three single frees make room for a group of three"
        );
        assert_eq!(reg.id_space(), 4);
    }

    #[test]
    fn a_group_holds_the_earlier_groups_it_names() {
        let mut reg = TypeRegistry::keeping_idle(0);
        let (outer, ids) = hold(
            &mut reg,
            "(module (type $a (sub (func))) (type $b (sub $a (func (param (ref $a))))))",
        );
        // A host type naming the module's first type by id.
        let named = FuncType::new(
            [ValType::Ref(RefType {
                nullable: true,
                heap: HeapType::Concrete(ids[0]),
            })],
            [],
        );
        let host = reg.func_type_id(&named);
        outer.iter().for_each(|&g| reg.release(g));
        assert_eq!(reg.live_types(), 2, "the host type still names the first");
        assert!(
            !reg.hierarchy().is_subtype(ids[1], ids[0]),
            "the second is gone"
        );
        let (again, _) = hold(&mut reg, "(module (type (func (param i32))))");
        assert_ne!(again, [ids[0]], "a named id is not reused");
        reg.release(host);
        reg.release(again[0]);
        assert_eq!(reg.live_types(), 0);
    }

    #[test]
    fn a_host_type_naming_a_freed_id_keeps_the_counts_exact() {
        let mut reg = TypeRegistry::keeping_idle(0);
        let (low, _) = hold(&mut reg, "(module (type (func)))");
        let (keep, _) = hold(&mut reg, "(module (type (func (param i32))))");
        let (gone, ids) = hold(&mut reg, "(module (type (func (param i64))))");
        hold(&mut reg, "(module (type (func (param f32))))");
        reg.release(low[0]);
        reg.release(gone[0]);
        // Made from a type of a module since dropped: names a free id (and
        // takes the other free one).
        let stale = reg.func_type_id(&FuncType::new(
            [ValType::Ref(RefType {
                nullable: true,
                heap: HeapType::Concrete(ids[0]),
            })],
            [],
        ));
        assert_eq!(stale, low[0]);
        // The id's next type, and a type naming it: the same key as the
        // stale one, so the same group, which holds nothing.
        let (module, _) = hold(
            &mut reg,
            "(module (type $b (func (param f64))) (type (func (param (ref null $b)))))",
        );
        assert_eq!(module[0], ids[0], "the named id, reused");
        assert_eq!(module[1], stale);
        let before = reg.live_types();
        reg.release(stale);
        reg.release(module[1]);
        assert_eq!(reg.live_types(), before - 1, "the module still holds $b");
        reg.release(module[0]);
        assert_eq!(reg.live_types(), before - 2);
        reg.release(keep[0]);
    }

    #[test]
    fn modules_and_stores_give_their_types_back() {
        use crate::engine::{Config, Engine, Func, Module, Store, Tag, TagType};
        let engine = Engine::new(&Config::default());
        let distinct = |k: usize| {
            let params = "i32 ".repeat(k % 40) + &"i64 ".repeat(k / 40);
            wat::parse_str(format!(
                "(module (type (func (param {params}))) (type (func (param f64 {params}) (result f32))) \
                 (func (type 0)) (export \"f\" (func 0)))"
            ))
            .unwrap()
        };
        let baseline = engine.types().live_types();
        for k in 0..1500 {
            let module = Module::new(&engine, &distinct(k)).unwrap();
            assert!(engine.types().live_types() >= baseline + 2);
            let mut store = Store::new(&engine);
            let ty = FuncType::new(vec![ValType::I32; k % 7 + 1], [ValType::F32]);
            Func::new(&mut store, ty.clone(), |_, _, _| Ok(()));
            Tag::new(&mut store, TagType { params: ty });
            crate::engine::Instance::new(&mut store, &module, &[]).unwrap();
            drop(module);
            Module::validate(&engine, &distinct(k + 5000)).unwrap();
        }
        // About 6,000 distinct types came and went; the registry keeps
        // the last idle ones only.
        let bound = baseline + IDLE_TYPES_KEPT + 8;
        assert!(engine.types().live_types() <= bound);
        assert!(engine.types().id_space() <= bound, "ids are reused");
    }
}

//! WebAssembly values as the host passes and receives them.

use super::externref::ExternRef;
use super::func::Func;
use super::tag::ExnRef;
use super::types::{HeapType, RefType, ValType};

/// A WebAssembly value. Floats are kept as bit patterns so NaN payloads
/// survive a round trip through the host.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Val {
    I32(i32),
    I64(i64),
    /// f32 bit pattern.
    F32(u32),
    /// f64 bit pattern.
    F64(u64),
    /// v128, lane 0 in the low bits.
    V128(u128),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
    /// An exception reference (`exnref`, exception handling).
    ExnRef(Option<ExnRef>),
    /// A reference of the GC hierarchy (`anyref`, `eqref`, `i31ref`,
    /// struct and array types): always null, as wasmrt has no GC objects.
    AnyRef(Option<AnyRef>),
}

/// A GC object. wasmrt implements none, so this type has no values and
/// `Val::AnyRef(None)` is the only GC reference.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum AnyRef {}

impl Val {
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
            Val::ExnRef(_) => ValType::ExnRef,
            Val::AnyRef(_) => ValType::Ref(RefType {
                nullable: true,
                heap: HeapType::Any,
            }),
        }
    }

    /// The zero value (or null reference) of `ty`, as locals start out.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            // A null also for non-nullable types: a placeholder that
            // type checks at the boundaries refuse if handed back.
            ValType::Ref(r) => match r.heap.top() {
                HeapType::Func => Val::FuncRef(None),
                HeapType::Exn => Val::ExnRef(None),
                HeapType::Extern => Val::ExternRef(None),
                _ => Val::AnyRef(None),
            },
        }
    }

    pub fn f32(v: f32) -> Val {
        Val::F32(v.to_bits())
    }

    pub fn f64(v: f64) -> Val {
        Val::F64(v.to_bits())
    }

    pub fn unwrap_i32(&self) -> i32 {
        match self {
            Val::I32(v) => *v,
            other => panic!("expected i32, found {:?}", other.ty()),
        }
    }

    pub fn unwrap_i64(&self) -> i64 {
        match self {
            Val::I64(v) => *v,
            other => panic!("expected i64, found {:?}", other.ty()),
        }
    }
}

/// Encodes `v` in the raw slot encoding of `runtime::vmcontext`.
/// The caller has checked that references belong to `store`.
pub(crate) fn to_raw(store: &super::Store, v: &Val) -> [u64; 2] {
    match *v {
        Val::I32(x) => [x as u32 as u64, 0],
        Val::I64(x) => [x as u64, 0],
        Val::F32(x) => [x as u64, 0],
        Val::F64(x) => [x, 0],
        Val::V128(x) => [x as u64, (x >> 64) as u64],
        Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) | Val::AnyRef(None) => [0, 0],
        Val::AnyRef(Some(gc_object)) => match gc_object {},
        Val::ExnRef(Some(e)) => [u64::from(e.index) + 1, 0],
        Val::FuncRef(Some(f)) => [f.vm(store) as u64, 0],
        Val::ExternRef(Some(e)) => [u64::from(e.index) + 1, 0],
    }
}

/// Decodes a raw slot value of type `ty`.
pub(crate) fn from_raw(store: &super::Store, ty: ValType, raw: [u64; 2]) -> Val {
    let r = match ty {
        ValType::I32 => return Val::I32(raw[0] as u32 as i32),
        ValType::I64 => return Val::I64(raw[0] as i64),
        ValType::F32 => return Val::F32(raw[0] as u32),
        ValType::F64 => return Val::F64(raw[0]),
        ValType::V128 => return Val::V128(u128::from(raw[0]) | (u128::from(raw[1]) << 64)),
        ValType::Ref(r) => r,
    };
    let index = (raw[0] as u32).wrapping_sub(1);
    match r.heap.top() {
        HeapType::Func => Val::FuncRef(if raw[0] == 0 {
            None
        } else {
            // SAFETY: a non-null raw funcref in this store's objects is a
            // live `VMFuncRef` of this store.
            Some(unsafe { Func::from_vm(store, raw[0] as *const crate::runtime::VMFuncRef) })
        }),
        HeapType::Exn => Val::ExnRef((raw[0] != 0).then_some(ExnRef {
            store: store.inner.id,
            index,
        })),
        HeapType::Extern => Val::ExternRef((raw[0] != 0).then_some(ExternRef {
            store: store.inner.id,
            index,
        })),
        // No instruction that makes a GC object is accepted.
        _ => {
            debug_assert_eq!(raw[0], 0, "a GC reference is always null");
            Val::AnyRef(None)
        }
    }
}

/// Whether `v` holds a reference that belongs to another store.
pub(crate) fn is_foreign(store: &super::Store, v: &Val) -> bool {
    match v {
        Val::FuncRef(Some(f)) => f.store != store.id(),
        Val::ExternRef(Some(e)) => e.store != store.id(),
        Val::ExnRef(Some(e)) => e.store != store.id(),
        _ => false,
    }
}

/// Whether `v`, whose references belong to `store`, is a value of type
/// `ty`: for references, null only where `ty` is nullable, and a function
/// of the signature a typed function reference names.
pub(crate) fn has_type(store: &super::Store, v: &Val, ty: ValType) -> bool {
    let ValType::Ref(r) = ty else {
        return v.ty() == ty;
    };
    match (v, r.heap) {
        // A null belongs to every nullable type of its hierarchy.
        (Val::FuncRef(None), h) if h.top() == HeapType::Func => r.nullable,
        (Val::ExternRef(None), h) if h.top() == HeapType::Extern => r.nullable,
        (Val::ExnRef(None), h) if h.top() == HeapType::Exn => r.nullable,
        (Val::AnyRef(None), h) if h.top() == HeapType::Any => r.nullable,
        (Val::FuncRef(Some(_)), HeapType::Func)
        | (Val::ExternRef(Some(_)), HeapType::Extern)
        | (Val::ExnRef(Some(_)), HeapType::Exn) => true,
        // A function of the type or of a declared subtype.
        (Val::FuncRef(Some(f)), HeapType::Concrete(id)) => {
            store.engine().hierarchy().is_subtype(f.type_id(store), id)
        }
        _ => false,
    }
}

/// The type to name in an error about `v` (its most precise abstract
/// type; a typed function reference is not worth resolving for a message).
pub(crate) fn describe(v: &Val) -> String {
    match v {
        Val::FuncRef(None) => "null funcref".into(),
        Val::ExternRef(None) => "null externref".into(),
        Val::ExnRef(None) => "null exnref".into(),
        Val::AnyRef(None) => "null anyref".into(),
        other => other.ty().to_string(),
    }
}

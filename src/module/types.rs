//! WebAssembly types as the engine and its users see them: value, function,
//! global, table, memory and extern types, plus import/export descriptors.
//!
//! These are plain owned data, independent of any store, so the C API can
//! hand them out (`wasm_functype_t`, `wasm_importtype_t`, ...) without
//! keeping a store alive.

use std::fmt;

/// The type of a WebAssembly value.
///
/// References carry a [`RefType`]; `ValType::FuncRef` and
/// `ValType::ExternRef` name the nullable abstract ones (`funcref`,
/// `externref`) and work as expressions and as patterns.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    Ref(RefType),
}

/// A reference type: `(ref null? <heap type>)`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    /// Whether null is a value of the type.
    pub nullable: bool,
    pub heap: HeapType,
}

/// What a reference points to.
///
/// The GC heap types (`Any` to `ConcreteArray`) are types only: wasmrt
/// implements no GC objects and refuses the instructions that make them,
/// so null is their one value. The bottom types (`None`, `NoFunc`,
/// `NoExtern`, `NoExn`) have only null in every runtime.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function.
    Func,
    /// Any host reference.
    Extern,
    /// Any exception (`exnref`).
    Exn,
    /// A function of one signature, named by the engine-wide id the engine
    /// gives each distinct function type (the same id in every module of
    /// one engine, so types compare across modules).
    Concrete(u32),
    /// The bottom of the function types (`nullfuncref`).
    NoFunc,
    /// The bottom of the host references (`nullexternref`).
    NoExtern,
    /// The bottom of the exception references (`nullexnref`).
    NoExn,
    /// The top of the GC hierarchy (`anyref`).
    Any,
    /// Values comparable with `ref.eq` (`eqref`).
    Eq,
    /// Unboxed 31-bit integers (`i31ref`).
    I31,
    /// Any struct (`structref`).
    Struct,
    /// Any array (`arrayref`).
    Array,
    /// A struct type, by engine-wide id.
    ConcreteStruct(u32),
    /// An array type, by engine-wide id.
    ConcreteArray(u32),
    /// The bottom of the GC hierarchy (`nullref`).
    None,
}

impl HeapType {
    /// The text-format name of an abstract heap type ("" for concrete).
    fn name(self) -> &'static str {
        match self {
            HeapType::Func => "func",
            HeapType::Extern => "extern",
            HeapType::Exn => "exn",
            HeapType::NoFunc => "nofunc",
            HeapType::NoExtern => "noextern",
            HeapType::NoExn => "noexn",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::None => "none",
            HeapType::Concrete(_) | HeapType::ConcreteStruct(_) | HeapType::ConcreteArray(_) => "",
        }
    }

    /// The engine-wide id of a concrete type.
    pub fn concrete_id(self) -> Option<u32> {
        match self {
            HeapType::Concrete(id) | HeapType::ConcreteStruct(id) | HeapType::ConcreteArray(id) => {
                Some(id)
            }
            _ => None,
        }
    }

    /// The top of the hierarchy the type belongs to: `Func`, `Extern`,
    /// `Exn` or `Any`. References of one hierarchy share a representation.
    pub fn top(self) -> HeapType {
        match self {
            HeapType::Func | HeapType::Concrete(_) | HeapType::NoFunc => HeapType::Func,
            HeapType::Extern | HeapType::NoExtern => HeapType::Extern,
            HeapType::Exn | HeapType::NoExn => HeapType::Exn,
            _ => HeapType::Any,
        }
    }

    /// Heap subtyping with every concrete type final and without declared
    /// supertypes (the engine adds those; see `Engine`'s type registry).
    pub fn is_subtype_of(self, other: HeapType) -> bool {
        use HeapType as H;
        self == other
            || match other {
                H::Func => matches!(self, H::Concrete(_) | H::NoFunc),
                H::Concrete(_) => self == H::NoFunc,
                H::Extern => self == H::NoExtern,
                H::Exn => self == H::NoExn,
                H::Any => self.top() == H::Any,
                H::Eq => matches!(
                    self,
                    H::I31
                        | H::Struct
                        | H::Array
                        | H::ConcreteStruct(_)
                        | H::ConcreteArray(_)
                        | H::None
                ),
                H::Struct => matches!(self, H::ConcreteStruct(_) | H::None),
                H::Array => matches!(self, H::ConcreteArray(_) | H::None),
                H::I31 | H::ConcreteStruct(_) | H::ConcreteArray(_) => self == H::None,
                H::NoFunc | H::NoExtern | H::NoExn | H::None => false,
            }
    }
}

#[allow(non_upper_case_globals)]
impl ValType {
    /// `funcref`, that is `(ref null func)`.
    pub const FuncRef: ValType = ValType::Ref(RefType {
        nullable: true,
        heap: HeapType::Func,
    });
    /// `externref`, that is `(ref null extern)`.
    pub const ExternRef: ValType = ValType::Ref(RefType {
        nullable: true,
        heap: HeapType::Extern,
    });
    /// `exnref`, that is `(ref null exn)`.
    pub const ExnRef: ValType = ValType::Ref(RefType {
        nullable: true,
        heap: HeapType::Exn,
    });

    /// Whether values of this type are references.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// Whether values of this type are function references (`funcref`
    /// or a typed function reference).
    pub fn is_func_ref(self) -> bool {
        matches!(self, ValType::Ref(r) if r.is_func())
    }

    /// Number of 64-bit interpreter slots a value of this type occupies.
    pub(crate) fn slots(self) -> u32 {
        if self == ValType::V128 {
            2
        } else {
            1
        }
    }

    /// Converts a wasmparser type; `types` is the heap type each of the
    /// module's type indices names (only the ones already defined are
    /// needed: types refer to earlier ones). `None` for the types wasmrt
    /// does not support (shared, and indices out of `types`).
    pub(crate) fn from_wasmparser(ty: wasmparser::ValType, types: &[HeapType]) -> Option<ValType> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) => ValType::Ref(RefType::from_wasmparser(r, types)?),
        })
    }

    /// Whether a value of type `self` is also of type `other`: equal
    /// numeric types, or references per [`RefType::is_subtype_of`].
    pub fn is_subtype_of(self, other: ValType) -> bool {
        match (self, other) {
            (ValType::Ref(a), ValType::Ref(b)) => a.is_subtype_of(b),
            (a, b) => a == b,
        }
    }
}

impl RefType {
    /// Whether the referenced values are functions.
    pub fn is_func(self) -> bool {
        self.heap.top() == HeapType::Func
    }

    /// Reference subtyping (`(ref $t) <: (ref null $t) <: funcref`), with
    /// every concrete type final and without declared supertypes (see
    /// [`HeapType::is_subtype_of`]).
    pub fn is_subtype_of(self, other: RefType) -> bool {
        (!self.nullable || other.nullable) && self.heap.is_subtype_of(other.heap)
    }

    pub(crate) fn from_wasmparser(r: wasmparser::RefType, types: &[HeapType]) -> Option<RefType> {
        use wasmparser::{AbstractHeapType as A, HeapType as H, UnpackedIndex};
        let heap = match r.heap_type() {
            H::Abstract { shared: false, ty } => match ty {
                A::Func => HeapType::Func,
                A::Extern => HeapType::Extern,
                A::Exn => HeapType::Exn,
                A::NoFunc => HeapType::NoFunc,
                A::NoExtern => HeapType::NoExtern,
                A::NoExn => HeapType::NoExn,
                A::Any => HeapType::Any,
                A::Eq => HeapType::Eq,
                A::I31 => HeapType::I31,
                A::Struct => HeapType::Struct,
                A::Array => HeapType::Array,
                A::None => HeapType::None,
                _ => return None,
            },
            H::Concrete(UnpackedIndex::Module(i)) => *types.get(i as usize)?,
            _ => return None,
        };
        Some(RefType {
            nullable: r.is_nullable(),
            heap,
        })
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::Ref(r) => return write!(f, "{r}"),
        })
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, self.heap) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (true, HeapType::Exn) => f.write_str("exnref"),
            (nullable, heap) => {
                f.write_str(if nullable { "(ref null " } else { "(ref " })?;
                match heap {
                    // Engine-wide ids are not module indices: say so.
                    HeapType::Concrete(id)
                    | HeapType::ConcreteStruct(id)
                    | HeapType::ConcreteArray(id) => write!(f, "<type #{id}>")?,
                    abstract_heap => f.write_str(abstract_heap.name())?,
                }
                f.write_str(")")
            }
        }
    }
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

impl FuncType {
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        FuncType {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }

    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    pub fn results(&self) -> &[ValType] {
        &self.results
    }

    /// Whether every parameter and result is an `i32`, `i64`, `f32` or
    /// `f64`: values that are their raw slot bits, one slot each, with no
    /// store to consult (the host call fast paths).
    pub fn is_numeric(&self) -> bool {
        self.params
            .iter()
            .chain(self.results.iter())
            .all(|t| matches!(t, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64))
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, tys: &[ValType]| -> fmt::Result {
            f.write_str("[")?;
            for (i, t) in tys.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{t}")?;
            }
            f.write_str("]")
        };
        f.write_str("func ")?;
        list(f, &self.params)?;
        f.write_str(" -> ")?;
        list(f, &self.results)
    }
}

/// Whether a global can be written after instantiation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mutability {
    Const,
    Var,
}

/// The type of a global: its content type and mutability.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub content: ValType,
    pub mutability: Mutability,
}

impl GlobalType {
    pub fn new(content: ValType, mutability: Mutability) -> GlobalType {
        GlobalType {
            content,
            mutability,
        }
    }
}

impl fmt::Display for GlobalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mutability {
            Mutability::Const => write!(f, "global {}", self.content),
            Mutability::Var => write!(f, "global (mut {})", self.content),
        }
    }
}

/// Size limits of a table (in elements) or memory (in pages).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) => write!(f, "{} {}", self.min, max),
            None => write!(f, "{}", self.min),
        }
    }
}

/// The type of a table: its element type (a reference type) and limits.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    pub element: ValType,
    pub limits: Limits,
    /// Indexed by i64 (table64, part of the memory64 proposal).
    pub table64: bool,
}

impl TableType {
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> TableType {
        TableType {
            element,
            limits: Limits {
                min: min.into(),
                max: max.map(Into::into),
            },
            table64: false,
        }
    }
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let index = if self.table64 { "i64 " } else { "" };
        write!(f, "table {index}{} {}", self.limits, self.element)
    }
}

/// The type of a linear memory: limits in 64 KiB pages.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub limits: Limits,
    /// Indexed by i64 (memory64 proposal).
    pub memory64: bool,
    /// Shared between threads (threads proposal).
    pub shared: bool,
}

impl MemoryType {
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType {
            limits: Limits {
                min: min.into(),
                max: max.map(Into::into),
            },
            memory64: false,
            shared: false,
        }
    }
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let index = if self.memory64 { "i64 " } else { "" };
        write!(f, "memory {index}{}", self.limits)
    }
}

/// The type of an exception tag (exception-handling proposal): the
/// parameters its exceptions carry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    pub params: FuncType,
}

/// The type of anything that can be imported or exported.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExternType {
    Func(FuncType),
    Global(GlobalType),
    Table(TableType),
    Memory(MemoryType),
    Tag(TagType),
}

impl ExternType {
    /// A short noun for error messages ("function", "global", ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "function",
            ExternType::Global(_) => "global",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Tag(_) => "tag",
        }
    }
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => write!(f, "{t}"),
            ExternType::Global(t) => write!(f, "{t}"),
            ExternType::Table(t) => write!(f, "{t}"),
            ExternType::Memory(t) => write!(f, "{t}"),
            ExternType::Tag(t) => write!(f, "tag {}", t.params),
        }
    }
}

/// One import of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportType {
    pub module: String,
    pub name: String,
    pub ty: ExternType,
}

/// One export of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportType {
    pub name: String,
    pub ty: ExternType,
}

/// Whether limits `actual` satisfy the import requirement `required`
/// (import subtyping of limits, spec "Import Matching").
pub(crate) fn limits_match(actual: &Limits, required: &Limits) -> bool {
    if actual.min < required.min {
        return false;
    }
    match (actual.max, required.max) {
        (_, None) => true,
        (Some(a), Some(r)) => a <= r,
        (None, Some(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_subtyping() {
        let l = |min, max| Limits { min, max };
        assert!(limits_match(&l(2, Some(3)), &l(1, Some(4))));
        assert!(limits_match(&l(2, None), &l(1, None)));
        assert!(!limits_match(&l(2, None), &l(1, Some(4))));
        assert!(!limits_match(&l(0, Some(3)), &l(1, None)));
        assert!(!limits_match(&l(2, Some(5)), &l(1, Some(4))));
    }

    #[test]
    fn display() {
        let t = FuncType::new([ValType::I32, ValType::F64], [ValType::ExternRef]);
        assert_eq!(t.to_string(), "func [i32 f64] -> [externref]");
        let typed = |nullable, heap| ValType::Ref(RefType { nullable, heap });
        assert_eq!(typed(false, HeapType::Func).to_string(), "(ref func)");
        assert_eq!(
            typed(true, HeapType::Concrete(3)).to_string(),
            "(ref null <type #3>)"
        );
    }

    #[test]
    fn reference_subtyping() {
        let r = |nullable, heap| ValType::Ref(RefType { nullable, heap });
        let t = HeapType::Concrete(7);
        // (ref $t) <: (ref null $t) <: (ref null func) = funcref
        assert!(r(false, t).is_subtype_of(r(true, t)));
        assert!(r(true, t).is_subtype_of(ValType::FuncRef));
        assert!(r(false, HeapType::Func).is_subtype_of(ValType::FuncRef));
        assert!(!r(true, t).is_subtype_of(r(false, t)));
        assert!(!ValType::FuncRef.is_subtype_of(r(true, t)));
        // Distinct signatures, and func/extern, are unrelated.
        assert!(!r(false, t).is_subtype_of(r(false, HeapType::Concrete(8))));
        assert!(!r(false, t).is_subtype_of(ValType::ExternRef));
        assert!(ValType::I32.is_subtype_of(ValType::I32));
        assert!(!ValType::I32.is_subtype_of(ValType::I64));
    }

    #[test]
    fn gc_heap_subtyping() {
        use HeapType as H;
        assert!(H::None.is_subtype_of(H::ConcreteStruct(1)));
        assert!(H::ConcreteArray(2).is_subtype_of(H::Eq));
        assert!(H::I31.is_subtype_of(H::Any));
        assert!(H::NoFunc.is_subtype_of(H::Concrete(3)));
        assert!(H::NoExn.is_subtype_of(H::Exn));
        assert!(!H::Any.is_subtype_of(H::Eq));
        assert!(!H::None.is_subtype_of(H::Func), "hierarchies do not mix");
        assert!(!H::ConcreteStruct(1).is_subtype_of(H::Array));
        assert!(!H::NoExtern.is_subtype_of(H::Any));
        assert_eq!(H::ConcreteStruct(1).top(), H::Any);
        assert_eq!(H::NoFunc.top(), H::Func);
    }

    #[test]
    fn concrete_types_take_engine_ids() {
        use wasmparser::{PackedIndex, RefType as W};
        let types = [HeapType::Concrete(40), HeapType::ConcreteStruct(41)];
        let w = W::concrete(false, PackedIndex::from_module_index(1).unwrap());
        assert_eq!(
            ValType::from_wasmparser(wasmparser::ValType::Ref(w), &types),
            Some(ValType::Ref(RefType {
                nullable: false,
                heap: HeapType::ConcreteStruct(41)
            }))
        );
        // A type index not defined yet is refused.
        let later = W::concrete(true, PackedIndex::from_module_index(2).unwrap());
        assert_eq!(
            ValType::from_wasmparser(wasmparser::ValType::Ref(later), &types),
            None
        );
        assert_eq!(
            ValType::from_wasmparser(wasmparser::ValType::Ref(W::ANYREF), &types),
            Some(ValType::Ref(RefType {
                nullable: true,
                heap: HeapType::Any
            }))
        );
        assert_eq!(
            ValType::from_wasmparser(wasmparser::ValType::Ref(W::FUNCREF), &types),
            Some(ValType::FuncRef)
        );
    }
}

//! What both tiers and the instantiation code need to know about a module
//! beyond its function bodies.

use super::types::{FuncType, GlobalType, HeapType, MemoryType, TableType, TagType};
use std::fmt;

/// A module that could not be decoded, validated or translated: a message
/// and the byte offset in the binary where the problem was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
    pub offset: usize,
    /// The module is valid but uses what wasmrt does not implement (GC
    /// objects): `Error::Unsupported` rather than `Error::Compile`.
    pub unsupported: bool,
}

impl CompileError {
    pub fn new(message: impl Into<String>, offset: usize) -> CompileError {
        CompileError {
            message: message.into(),
            offset,
            unsupported: false,
        }
    }

    pub fn unsupported(message: impl Into<String>, offset: usize) -> CompileError {
        CompileError {
            unsupported: true,
            ..CompileError::new(message, offset)
        }
    }

    pub fn from_wasmparser(e: wasmparser::BinaryReaderError) -> CompileError {
        CompileError::new(e.message(), e.offset() as usize)
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {:#x})", self.message, self.offset)
    }
}

/// One operation of a constant expression (global initialisers, segment
/// offsets and element items), evaluated on a tiny stack at instantiation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A constant expression; most are a single operation.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstExpr(pub Box<[ConstOp]>);

impl ConstExpr {
    pub fn parse(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, CompileError> {
        use wasmparser::Operator as O;
        let mut ops = Vec::new();
        let mut reader = expr.get_operators_reader();
        loop {
            let offset = reader.original_position();
            let op = reader.read().map_err(CompileError::from_wasmparser)?;
            ops.push(match op {
                O::End => break,
                O::I32Const { value } => ConstOp::I32(value),
                O::I64Const { value } => ConstOp::I64(value),
                O::F32Const { value } => ConstOp::F32(value.bits()),
                O::F64Const { value } => ConstOp::F64(value.bits()),
                O::V128Const { value } => ConstOp::V128(u128::from_le_bytes(*value.bytes())),
                O::RefNull { .. } => ConstOp::RefNull,
                O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
                O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
                O::I32Add => ConstOp::I32Add,
                O::I32Sub => ConstOp::I32Sub,
                O::I32Mul => ConstOp::I32Mul,
                O::I64Add => ConstOp::I64Add,
                O::I64Sub => ConstOp::I64Sub,
                O::I64Mul => ConstOp::I64Mul,
                other if super::gc_objects::is_gc_instruction(&other) => {
                    return Err(super::gc_objects::refuse(&other, offset as usize))
                }
                other => {
                    return Err(CompileError::new(
                        format!("unsupported constant expression operator {other:?}"),
                        offset as usize,
                    ))
                }
            });
        }
        Ok(ConstExpr(ops.into_boxed_slice()))
    }
}

#[derive(Clone, Debug)]
pub enum ElemMode {
    Active { table: u32, offset: ConstExpr },
    Passive,
    Declared,
}

#[derive(Clone, Debug)]
pub struct ElemSegment {
    pub mode: ElemMode,
    pub items: ElemItems,
}

/// An element segment's items.
#[derive(Clone, Debug)]
pub enum ElemItems {
    /// Function indices: the form of nearly every segment a compiler
    /// writes (a function table), kept as indices rather than one boxed
    /// `ref.func` expression each.
    Funcs(Box<[u32]>),
    /// Constant expressions, each giving a reference.
    Exprs(Box<[ConstExpr]>),
}

#[derive(Clone, Debug)]
pub enum DataMode {
    Active { memory: u32, offset: ConstExpr },
    Passive,
}

#[derive(Clone, Debug)]
pub struct DataSegment {
    pub mode: DataMode,
    /// Range of the segment's bytes within the module binary.
    pub range: std::ops::Range<usize>,
}

/// Everything about a validated module but its exports, import names and
/// function bodies. Index spaces list imported items first.
#[derive(Debug, Default)]
pub struct ModuleInfo {
    pub types: Vec<FuncType>,
    /// Canonical (engine-wide) id of each type index: two functions may
    /// call each other indirectly exactly when their ids are equal.
    pub type_ids: Vec<u32>,
    /// The heap type each type index names in a typed reference: a
    /// function, struct or array type with its canonical id.
    pub heap_types: Vec<HeapType>,
    /// Type index of every function.
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
    pub num_imported_tags: u32,
    pub tables: Vec<TableType>,
    /// Initialiser of each defined table (`None`: null references).
    pub table_inits: Vec<Option<ConstExpr>>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    /// Initialiser of each defined global.
    pub global_inits: Vec<ConstExpr>,
    /// Type index (a function type without results) of every tag.
    pub tags: Vec<u32>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// Where each defined function's body lies in the module binary (for
    /// backtraces, and for compiling a function on its own later).
    pub func_bodies: Vec<std::ops::Range<usize>>,
}

impl ModuleInfo {
    /// The type of tag `tag_index`.
    pub fn tag_type(&self, tag_index: u32) -> TagType {
        TagType {
            params: self.types[self.tags[tag_index as usize] as usize].clone(),
        }
    }

    /// The signature of function `func_index`.
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.func_types[func_index as usize] as usize]
    }

    /// The module offset of byte `func_offset` of function `func_index`'s
    /// body (0 for imported functions).
    pub fn module_offset(&self, func_index: u32, func_offset: usize) -> usize {
        func_index
            .checked_sub(self.num_imported_funcs)
            .and_then(|i| self.func_bodies.get(i as usize))
            .map_or(0, |body| body.start + func_offset)
    }
}

//! Modules: decoding and validation with `wasmparser`, then translation of
//! every function body into the interpreter's internal form.
//!
//! A `Module` is immutable once built and shared (`Arc`) by every instance
//! made from it, across stores and threads.

use super::error::Error;
use super::types::*;
use super::Engine;
use crate::interp::{self, CompiledFunc};
use std::sync::Arc;
use wasmparser::{Parser, Payload, Validator};

/// One operation of a constant expression (global initialisers, segment
/// offsets and element items), evaluated on a tiny stack at instantiation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ConstOp {
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
pub(crate) struct ConstExpr(pub Box<[ConstOp]>);

impl ConstExpr {
    fn parse(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, Error> {
        use wasmparser::Operator as O;
        let mut ops = Vec::new();
        let mut reader = expr.get_operators_reader();
        loop {
            let offset = reader.original_position();
            let op = reader.read().map_err(Error::from_wasmparser)?;
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
                other => {
                    return Err(Error::Compile {
                        message: format!("unsupported constant expression operator {other:?}"),
                        offset: offset as usize,
                    })
                }
            });
        }
        Ok(ConstExpr(ops.into_boxed_slice()))
    }
}

#[derive(Clone, Debug)]
pub(crate) enum ElemMode {
    Active { table: u32, offset: ConstExpr },
    Passive,
    Declared,
}

#[derive(Clone, Debug)]
pub(crate) struct ElemSegment {
    pub mode: ElemMode,
    pub items: Box<[ConstExpr]>,
}

#[derive(Clone, Debug)]
pub(crate) enum DataMode {
    Active { memory: u32, offset: ConstExpr },
    Passive,
}

#[derive(Clone, Debug)]
pub(crate) struct DataSegment {
    pub mode: DataMode,
    /// Range of the segment's bytes within `ModuleInner::bytes`.
    pub range: std::ops::Range<usize>,
}

/// Which index space an export refers to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExportItem {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

/// Everything known about a validated module.
pub struct ModuleInner {
    pub(crate) engine: Engine,
    /// The original binary (data segments point into it; serialization
    /// stores it).
    pub(crate) bytes: Box<[u8]>,
    pub(crate) types: Vec<FuncType>,
    /// Canonical (engine-wide) id of each type index.
    pub(crate) type_ids: Box<[u32]>,
    pub(crate) imports: Vec<ImportType>,
    /// Type index of every function, imports first.
    pub(crate) func_types: Vec<u32>,
    pub(crate) num_imported_funcs: u32,
    pub(crate) num_imported_tables: u32,
    pub(crate) num_imported_memories: u32,
    pub(crate) num_imported_globals: u32,
    /// All tables (imported first) with the initialiser of defined ones.
    pub(crate) tables: Vec<TableType>,
    pub(crate) table_inits: Vec<Option<ConstExpr>>,
    pub(crate) memories: Vec<MemoryType>,
    /// All globals (imported first); initialisers of defined ones.
    pub(crate) globals: Vec<GlobalType>,
    pub(crate) global_inits: Vec<ConstExpr>,
    pub(crate) exports: Vec<ExportType>,
    pub(crate) export_items: Vec<ExportItem>,
    pub(crate) start: Option<u32>,
    pub(crate) elems: Vec<ElemSegment>,
    pub(crate) datas: Vec<DataSegment>,
    /// Translated bodies of the defined functions.
    pub(crate) funcs: Box<[CompiledFunc]>,
    /// Module offset of each defined function's body (for backtraces).
    pub(crate) func_body_offsets: Vec<usize>,
}

/// A compiled WebAssembly module. Cheap to clone, `Send + Sync`.
#[derive(Clone)]
pub struct Module(pub(crate) Arc<ModuleInner>);

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("imports", &self.0.imports.len())
            .field("exports", &self.0.exports.len())
            .finish()
    }
}

impl Module {
    /// Decodes, validates and compiles a binary module.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        Ok(Module(Arc::new(compile(engine, bytes, true)?)))
    }

    /// Checks that `bytes` is a valid module for `engine`'s features.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
        let mut v = Validator::new_with_features(engine.config().features.to_wasmparser());
        v.validate_all(bytes)
            .map(|_| ())
            .map_err(Error::from_wasmparser)
    }

    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    pub fn imports(&self) -> &[ImportType] {
        &self.0.imports
    }

    pub fn exports(&self) -> &[ExportType] {
        &self.0.exports
    }

    /// The original binary this module was compiled from.
    pub fn bytes(&self) -> &[u8] {
        &self.0.bytes
    }

    pub fn same(a: &Module, b: &Module) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// The interpreter code of every defined function, for debugging the
    /// translator (`WASMRT_DUMP_IR=1` in `examples/bench.rs`).
    #[doc(hidden)]
    pub fn dump_ir(&self) -> String {
        let mut out = String::new();
        for f in self.0.funcs.iter() {
            out += &format!(
                "func {} {} (params {}, locals {}, frame {})\n",
                f.func_index, f.ty, f.param_slots, f.locals_end, f.frame_slots
            );
            for (i, instr) in f.code.iter().enumerate() {
                out += &format!("  {i:4}: {instr:?}\n");
            }
        }
        out
    }

    pub(crate) fn inner(&self) -> &Arc<ModuleInner> {
        &self.0
    }
}

/// Decodes and validates `bytes`, then translates all function bodies.
pub(crate) fn compile(engine: &Engine, bytes: &[u8], _eager: bool) -> Result<ModuleInner, Error> {
    let features = engine.config().features.to_wasmparser();
    let mut validator = Validator::new_with_features(features);
    let mut m = ModuleInner {
        engine: engine.clone(),
        bytes: bytes.into(),
        types: Vec::new(),
        type_ids: Box::new([]),
        imports: Vec::new(),
        func_types: Vec::new(),
        num_imported_funcs: 0,
        num_imported_tables: 0,
        num_imported_memories: 0,
        num_imported_globals: 0,
        tables: Vec::new(),
        table_inits: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        global_inits: Vec::new(),
        exports: Vec::new(),
        export_items: Vec::new(),
        start: None,
        elems: Vec::new(),
        datas: Vec::new(),
        funcs: Box::new([]),
        func_body_offsets: Vec::new(),
    };
    let mut funcs = Vec::new();
    let mut bodies = Vec::new();
    let werr = Error::from_wasmparser;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(werr)?;
        let valid = validator.payload(&payload).map_err(werr)?;
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group.map_err(werr)?;
                    for sub in group.types() {
                        match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(ft) => {
                                m.types.push(convert_func_type(ft, 0)?)
                            }
                            _ => return Err(unsupported("GC composite types", 0)),
                        }
                    }
                }
                m.type_ids = m.types.iter().map(|t| engine.type_id(t)).collect();
            }
            Payload::ImportSection(reader) => {
                for imp in reader.into_imports_with_offsets() {
                    let (offset, imp) = imp.map_err(werr)?;
                    let offset = offset as usize;
                    let ty = match imp.ty {
                        wasmparser::TypeRef::Func(idx) | wasmparser::TypeRef::FuncExact(idx) => {
                            m.func_types.push(idx);
                            m.num_imported_funcs += 1;
                            ExternType::Func(m.types[idx as usize].clone())
                        }
                        wasmparser::TypeRef::Table(t) => {
                            let t = convert_table_type(&t, offset)?;
                            m.tables.push(t);
                            m.num_imported_tables += 1;
                            ExternType::Table(t)
                        }
                        wasmparser::TypeRef::Memory(t) => {
                            let t = convert_memory_type(&t, offset)?;
                            m.memories.push(t);
                            m.num_imported_memories += 1;
                            ExternType::Memory(t)
                        }
                        wasmparser::TypeRef::Global(g) => {
                            let g = convert_global_type(&g, offset)?;
                            m.globals.push(g);
                            m.num_imported_globals += 1;
                            ExternType::Global(g)
                        }
                        wasmparser::TypeRef::Tag(_) => {
                            return Err(unsupported("exception tags", offset))
                        }
                    };
                    m.imports.push(ImportType {
                        module: imp.module.to_string(),
                        name: imp.name.to_string(),
                        ty,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for idx in reader {
                    m.func_types.push(idx.map_err(werr)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader.into_iter_with_offsets() {
                    let (offset, table) = table.map_err(werr)?;
                    m.tables
                        .push(convert_table_type(&table.ty, offset as usize)?);
                    m.table_inits.push(match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(ConstExpr::parse(&e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader.into_iter_with_offsets() {
                    let (offset, mem) = mem.map_err(werr)?;
                    m.memories.push(convert_memory_type(&mem, offset as usize)?);
                }
            }
            Payload::TagSection(reader) => {
                return Err(unsupported("exception tags", reader.range().start as usize));
            }
            Payload::GlobalSection(reader) => {
                for g in reader.into_iter_with_offsets() {
                    let (offset, g) = g.map_err(werr)?;
                    m.globals.push(convert_global_type(&g.ty, offset as usize)?);
                    m.global_inits.push(ConstExpr::parse(&g.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(werr)?;
                    let (item, ty) = match e.kind {
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => (
                            ExportItem::Func(e.index),
                            ExternType::Func(
                                m.types[m.func_types[e.index as usize] as usize].clone(),
                            ),
                        ),
                        wasmparser::ExternalKind::Table => (
                            ExportItem::Table(e.index),
                            ExternType::Table(m.tables[e.index as usize]),
                        ),
                        wasmparser::ExternalKind::Memory => (
                            ExportItem::Memory(e.index),
                            ExternType::Memory(m.memories[e.index as usize]),
                        ),
                        wasmparser::ExternalKind::Global => (
                            ExportItem::Global(e.index),
                            ExternType::Global(m.globals[e.index as usize]),
                        ),
                        wasmparser::ExternalKind::Tag => {
                            return Err(unsupported("exception tags", 0));
                        }
                    };
                    m.export_items.push(item);
                    m.exports.push(ExportType {
                        name: e.name.to_string(),
                        ty,
                    });
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(reader) => {
                for e in reader {
                    let e = e.map_err(werr)?;
                    let items: Box<[ConstExpr]> = match e.items {
                        wasmparser::ElementItems::Functions(r) => r
                            .into_iter()
                            .map(|f| {
                                f.map(|f| ConstExpr(Box::new([ConstOp::RefFunc(f)])))
                                    .map_err(werr)
                            })
                            .collect::<Result<_, _>>()?,
                        wasmparser::ElementItems::Expressions(_, r) => r
                            .into_iter()
                            .map(|e| ConstExpr::parse(&e.map_err(werr)?))
                            .collect::<Result<_, _>>()?,
                    };
                    let mode = match e.kind {
                        wasmparser::ElementKind::Passive => ElemMode::Passive,
                        wasmparser::ElementKind::Declared => ElemMode::Declared,
                        wasmparser::ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: ConstExpr::parse(&offset_expr)?,
                        },
                    };
                    m.elems.push(ElemSegment { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for d in reader {
                    let d = d.map_err(werr)?;
                    let start = d.data.as_ptr() as usize - bytes.as_ptr() as usize;
                    let mode = match d.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataMode::Active {
                            memory: memory_index,
                            offset: ConstExpr::parse(&offset_expr)?,
                        },
                    };
                    m.datas.push(DataSegment {
                        mode,
                        range: start..start + d.data.len(),
                    });
                }
            }
            Payload::CodeSectionEntry(_) => {
                let wasmparser::ValidPayload::Func(to_validate, body) = valid else {
                    unreachable!("validator returns Func for code entries")
                };
                bodies.push((to_validate, body));
            }
            _ => {}
        }
    }
    // Function bodies are validated and translated once the rest of the
    // module is known (the translator only ever sees validated code), on
    // several threads for large modules. The first error in module order
    // is reported, whatever thread found it.
    let env = interp::TranslateEnv {
        types: &m.types,
        func_types: &m.func_types,
        globals: &m.globals,
        tables: &m.tables,
        num_imported_funcs: m.num_imported_funcs,
    };
    for (_, body) in &bodies {
        m.func_body_offsets.push(body.range().start as usize);
    }
    let first_index = m.num_imported_funcs;
    let compile_one = |translator: &mut interp::Translator,
                       i: usize,
                       to_validate: wasmparser::FuncToValidate<wasmparser::ValidatorResources>,
                       body: &wasmparser::FunctionBody<'_>| {
        let mut fv = to_validate.into_validator(Default::default());
        fv.validate(body).map_err(werr)?;
        translator.translate(&env, first_index + i as u32, body)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let results: Vec<Result<CompiledFunc, Error>> =
        if bodies.len() < PARALLEL_MIN_FUNCS || threads < 2 {
            let mut translator = interp::Translator::default();
            bodies
                .into_iter()
                .enumerate()
                .map(|(i, (v, body))| compile_one(&mut translator, i, v, &body))
                .collect()
        } else {
            let per_thread = bodies.len().div_ceil(threads);
            let mut chunks = Vec::new();
            let mut rest = bodies;
            while !rest.is_empty() {
                let tail = rest.split_off(per_thread.min(rest.len()));
                chunks.push(std::mem::replace(&mut rest, tail));
            }
            std::thread::scope(|scope| {
                let handles: Vec<_> = chunks
                    .into_iter()
                    .enumerate()
                    .map(|(c, chunk)| {
                        let compile_one = &compile_one;
                        scope.spawn(move || {
                            let mut translator = interp::Translator::default();
                            chunk
                                .into_iter()
                                .enumerate()
                                .map(|(j, (v, body))| {
                                    compile_one(&mut translator, c * per_thread + j, v, &body)
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().expect("translation thread panicked"))
                    .collect()
            })
        };
    for r in results {
        funcs.push(r?);
    }
    m.funcs = funcs.into_boxed_slice();
    Ok(m)
}

/// Modules with at least this many function bodies are validated and
/// translated on several threads.
const PARALLEL_MIN_FUNCS: usize = 64;

fn unsupported(what: &str, offset: usize) -> Error {
    Error::Compile {
        message: format!("{what} are not supported yet"),
        offset,
    }
}

fn convert_val_type(ty: wasmparser::ValType, offset: usize) -> Result<ValType, Error> {
    ValType::from_wasmparser(ty).ok_or_else(|| unsupported("typed references", offset))
}

fn convert_func_type(ft: &wasmparser::FuncType, offset: usize) -> Result<FuncType, Error> {
    let params = ft
        .params()
        .iter()
        .map(|t| convert_val_type(*t, offset))
        .collect::<Result<Vec<_>, _>>()?;
    let results = ft
        .results()
        .iter()
        .map(|t| convert_val_type(*t, offset))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(FuncType::new(params, results))
}

fn convert_table_type(t: &wasmparser::TableType, offset: usize) -> Result<TableType, Error> {
    if t.table64 {
        return Err(unsupported("64-bit tables", offset));
    }
    Ok(TableType {
        element: convert_val_type(wasmparser::ValType::Ref(t.element_type), offset)?,
        limits: Limits {
            min: t.initial,
            max: t.maximum,
        },
    })
}

fn convert_memory_type(t: &wasmparser::MemoryType, offset: usize) -> Result<MemoryType, Error> {
    if t.memory64 || t.shared || t.page_size_log2.is_some() {
        return Err(unsupported(
            "memory64, shared and custom-page-size memories",
            offset,
        ));
    }
    Ok(MemoryType {
        limits: Limits {
            min: t.initial,
            max: t.maximum,
        },
        memory64: false,
        shared: false,
    })
}

fn convert_global_type(g: &wasmparser::GlobalType, offset: usize) -> Result<GlobalType, Error> {
    Ok(GlobalType {
        content: convert_val_type(g.content_type, offset)?,
        mutability: if g.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{wat2wasm, Config};

    fn compile_err(bytes: &[u8]) -> (String, usize) {
        match Module::new(&Engine::default(), bytes) {
            Err(Error::Compile { message, offset }) => (message, offset),
            Err(other) => panic!("expected a compile error, got {other}"),
            Ok(_) => panic!("module unexpectedly compiled"),
        }
    }

    #[test]
    fn empty_and_bad_headers_are_malformed() {
        let (msg, _) = compile_err(&[]);
        assert!(!msg.is_empty());
        let (msg, off) = compile_err(b"\0asX\x01\0\0\0");
        assert!(msg.contains("magic"), "{msg}");
        assert_eq!(off, 0);
        let (msg, off) = compile_err(b"\0asm\x02\0\0\0");
        assert!(msg.contains("version"), "{msg}");
        assert_eq!(off, 4);
    }

    #[test]
    fn truncated_and_oversized_sections_name_their_offset() {
        let good = wat2wasm("(module (func (export \"f\") (result i32) i32.const 1))").unwrap();
        let (_, off) = compile_err(&good[..good.len() - 3]);
        assert!(off > 8 && off <= good.len(), "offset {off}");
        // A section whose declared size runs past the end.
        let mut bad = b"\0asm\x01\0\0\0".to_vec();
        bad.extend_from_slice(&[1, 0x7f]);
        let (msg, off) = compile_err(&bad);
        assert!(!msg.is_empty());
        assert!(off >= 8, "offset {off}");
    }

    #[test]
    fn invalid_code_is_rejected_with_offset() {
        let wasm = wat2wasm("(module (func (result i32) i64.const 1))").unwrap();
        let (msg, off) = compile_err(&wasm);
        assert!(msg.contains("type mismatch"), "{msg}");
        assert!(off > 8 && off < wasm.len());
    }

    #[test]
    fn features_beyond_the_config_are_rejected() {
        // Multiple memories are 3.0, not enabled by default.
        let wasm = wat2wasm("(module (memory 1) (memory 1))").unwrap();
        let (msg, _) = compile_err(&wasm);
        assert!(msg.contains("multiple memories"), "{msg}");
        // SIMD switched off in the config.
        let mut config = Config::new();
        let mut f = config.get_features();
        f.simd = false;
        config.features(f);
        let simd = wat2wasm("(module (func (result v128) v128.const i64x2 0 0))").unwrap();
        assert!(Module::new(&Engine::new(&config), &simd).is_err());
        assert!(Module::new(&Engine::default(), &simd).is_ok());
    }

    #[test]
    fn large_modules_compile_in_parallel_and_report_the_first_error() {
        // 300 functions: above PARALLEL_MIN_FUNCS, so several threads.
        let body = |i: usize, broken: bool| {
            if broken && (i == 150 || i == 250) {
                "(func (result i32) i64.const 0)".to_string()
            } else {
                format!("(func (export \"f{i}\") (result i32) i32.const {i})")
            }
        };
        let good: String = (0..300).map(|i| body(i, false)).collect();
        let wasm = wat2wasm(&format!("(module {good})")).unwrap();
        let m = Module::new(&Engine::default(), &wasm).unwrap();
        assert_eq!(m.0.funcs.len(), 300);
        assert!(m
            .0
            .funcs
            .iter()
            .enumerate()
            .all(|(i, f)| f.func_index == i as u32));
        let bad: String = (0..300).map(|i| body(i, true)).collect();
        let wasm = wat2wasm(&format!("(module {bad})")).unwrap();
        let (msg, off) = compile_err(&wasm);
        assert!(msg.contains("type mismatch"), "{msg}");
        // The error is the one in function 150, the first in module order.
        let parsed = wasmparser::Parser::new(0).parse_all(&wasm);
        let starts: Vec<usize> = parsed
            .filter_map(|p| match p {
                Ok(wasmparser::Payload::CodeSectionEntry(b)) => Some(b.range().start as usize),
                _ => None,
            })
            .collect();
        assert!(off > starts[150] && off < starts[151], "offset {off}");
    }

    #[test]
    fn reflection_lists_imports_and_exports_in_order() {
        let wasm = wat2wasm(
            r#"(module (import "a" "f" (func (param i32)))
                       (import "a" "m" (memory 1))
                       (global (export "g") i64 (i64.const 3))
                       (func (export "h")))"#,
        )
        .unwrap();
        let m = Module::new(&Engine::default(), &wasm).unwrap();
        let names: Vec<&str> = m.imports().iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["f", "m"]);
        let names: Vec<&str> = m.exports().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["g", "h"]);
        assert!(matches!(m.exports()[0].ty, ExternType::Global(_)));
    }
}

//! Compiling a module: decoding and validation with `wasmparser` into a
//! [`ModuleInner`], every function body validated (by `fast_validate`
//! where it can, on several threads for large modules) and left
//! untranslated until its first call; with the `jit` strategy, native
//! code for every function it supports.

use super::error::Error;
use super::fast_validate::{self, FastValidator};
use super::module::{ExportItem, ModuleInner};
use super::type_registry::Registering;
use super::types::*;
use super::Engine;
use crate::interp::LazyFunc;
use crate::module::{
    CompileError, ConstExpr, DataMode, DataSegment, ElemItems, ElemMode, ElemSegment, ModuleInfo,
};
use crate::runtime::huge_pages::HugePageBuf;
use wasmparser::{Parser, Payload, Validator};

/// Decodes and validates `bytes`, then translates all function bodies.
pub(crate) fn compile(engine: &Engine, bytes: &[u8], _eager: bool) -> Result<ModuleInner, Error> {
    compile_with(engine, bytes, None)
}

/// Whether `compile` would accept `bytes`: the same decoding and
/// validation (the fast validator first, so as fast as compiling), with no
/// module built and no native code made.
pub(crate) fn validate(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
    attempt(engine, bytes, &mut None, Goal::Validation).map(drop)
}

/// What a pass over a module is for.
#[derive(Copy, Clone, PartialEq)]
enum Goal {
    /// A module to run (with native code for the `jit` strategy).
    Module,
    /// Only whether the bytes are a module wasmrt accepts.
    Validation,
}

/// Native code loaded from a serialized module (none without the JIT).
#[cfg(feature = "jit")]
pub(crate) type Precompiled = crate::jit::JitModule;
#[cfg(not(feature = "jit"))]
pub(crate) type Precompiled = std::convert::Infallible;

/// Compiles `bytes`; with `precompiled` (from `Module::deserialize`, `jit`
/// strategy) its native code is used instead of compiling the functions.
pub(crate) fn compile_with(
    engine: &Engine,
    bytes: &[u8],
    precompiled: Option<Precompiled>,
) -> Result<ModuleInner, Error> {
    let module = attempt(engine, bytes, &mut { precompiled }, Goal::Module)?;
    Ok(module.expect("a module is built for Goal::Module"))
}

/// Compiles or validates `bytes` (`goal`), returning the module built
/// (`None` when only validating).
fn attempt(
    engine: &Engine,
    bytes: &[u8],
    precompiled: &mut Option<Precompiled>,
    goal: Goal,
) -> Result<Option<ModuleInner>, Error> {
    let features = engine.config().features.to_wasmparser();
    // A module that fails the first attempt (it uses GC types or
    // instructions, or is invalid) is compiled again with the proposal on
    // and its bodies scanned, which also tells invalid from unsupported.
    if let Some(lean) = without_gc(features) {
        if let Ok(m) = compile_valid(engine, bytes, lean, precompiled, false, goal) {
            return Ok(m);
        }
    }
    compile_valid(engine, bytes, features, precompiled, true, goal).map_err(|e| match e {
        // Refused at its first GC instruction: but if anything later is
        // invalid, that is the error (as `validate` reports it).
        Error::Unsupported { .. } => {
            match Validator::new_with_features(features).validate_all(bytes) {
                Err(invalid) => Error::from_wasmparser(invalid),
                Ok(_) => e,
            }
        }
        e => e,
    })
}

/// `features` without the GC proposal, if it has it: what a first
/// validation tries, since with it off no GC instruction validates and a
/// module that passes needs no scan for them (a second pass over every
/// body); only modules that fail are validated again with GC and scanned.
fn without_gc(features: wasmparser::WasmFeatures) -> Option<wasmparser::WasmFeatures> {
    let gc = wasmparser::WasmFeatures::GC;
    features.contains(gc).then(|| features.difference(gc))
}

fn compile_valid(
    engine: &Engine,
    bytes: &[u8],
    features: wasmparser::WasmFeatures,
    precompiled: &mut Option<Precompiled>,
    scan_for_gc: bool,
    goal: Goal,
) -> Result<Option<ModuleInner>, Error> {
    let mut validator = Validator::new_with_features(features);
    let mut info = ModuleInfo::default();
    let mut held_types = Registering::new(engine);
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    let mut export_items = Vec::new();
    let mut funcs = HugePageBuf::with_capacity(0);
    let mut bodies = Vec::new();
    let werr = Error::from_wasmparser;
    let cerr = |e: CompileError| Error::from(e);
    // The validators' allocations are kept per thread. The fast
    // validator finds most bodies valid; wasmparser's decides the others.
    let check_one = |scratch: &mut ValidationScratch,
                     fast: Option<&FastValidator>,
                     to_validate: wasmparser::FuncToValidate<wasmparser::ValidatorResources>,
                     body: &wasmparser::FunctionBody<'_>| {
        let range = body.range();
        if fast.is_some_and(|fast| {
            fast.validate(
                &mut scratch.fast,
                to_validate.ty,
                &bytes[range.start as usize..range.end as usize],
            )
        }) {
            return Ok(());
        }
        let mut fv = to_validate.into_validator(std::mem::take(&mut scratch.allocs));
        let checked = if scan_for_gc {
            validate_body(&mut fv, body)
        } else {
            fv.validate(body).map_err(werr)
        };
        scratch.allocs = fv.into_allocations();
        checked
    };
    let threads = worker_threads();
    // Function bodies are validated once the rest of the module is known
    // (the first error in module order is reported: a malformed section
    // after the code comes before an invalid body), on several threads for
    // large modules, as they come on one thread otherwise (no list of
    // bodies to keep then). Each is translated for the interpreter at its
    // first call (`ModuleInner::translate`).
    let mut validate_inline = true;
    let mut inline_scratch = ValidationScratch::default();
    let mut fast = None;
    let mut body_error: Option<Error> = None;
    // The bodies the `jit` strategy compiles (only it needs them here).
    #[cfg(feature = "jit")]
    let mut jit_bodies: Vec<(u32, wasmparser::FunctionBody<'_>)> = Vec::new();
    // The parser decodes with the engine's features too: some change the
    // encoding itself (compact imports), which the validator does not see.
    let mut parser = Parser::new(0);
    parser.set_features(features);
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(werr)?;
        let valid = validator.payload(&payload).map_err(werr)?;
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group.map_err(werr)?;
                    let registered = engine.types().register_group(&group, &info.heap_types)?;
                    if let Some(first) = registered.first() {
                        held_types.push(first.id);
                    }
                    for t in registered {
                        info.type_ids.push(t.id);
                        info.heap_types.push(t.heap);
                        // A struct or array type has no signature; nothing
                        // asks for one (validation sees to it).
                        info.types
                            .push(t.func.unwrap_or_else(|| FuncType::new([], [])));
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for imp in reader.into_imports_with_offsets() {
                    let (offset, imp) = imp.map_err(werr)?;
                    let offset = offset as usize;
                    let ty = match imp.ty {
                        wasmparser::TypeRef::Func(idx) | wasmparser::TypeRef::FuncExact(idx) => {
                            info.func_types.push(idx);
                            info.num_imported_funcs += 1;
                            ExternType::Func(info.types[idx as usize].clone())
                        }
                        wasmparser::TypeRef::Table(t) => {
                            let t = convert_table_type(&t, &info.heap_types, offset)?;
                            info.tables.push(t);
                            info.num_imported_tables += 1;
                            ExternType::Table(t)
                        }
                        wasmparser::TypeRef::Memory(t) => {
                            let t = convert_memory_type(&t, offset)?;
                            info.memories.push(t);
                            info.num_imported_memories += 1;
                            ExternType::Memory(t)
                        }
                        wasmparser::TypeRef::Global(g) => {
                            let g = convert_global_type(&g, &info.heap_types, offset)?;
                            info.globals.push(g);
                            info.num_imported_globals += 1;
                            ExternType::Global(g)
                        }
                        wasmparser::TypeRef::Tag(t) => {
                            info.tags.push(t.func_type_idx);
                            info.num_imported_tags += 1;
                            ExternType::Tag(info.tag_type(info.tags.len() as u32 - 1))
                        }
                    };
                    imports.push(ImportType {
                        module: imp.module.to_string(),
                        name: imp.name.to_string(),
                        ty,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for idx in reader {
                    info.func_types.push(idx.map_err(werr)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader.into_iter_with_offsets() {
                    let (offset, table) = table.map_err(werr)?;
                    info.tables.push(convert_table_type(
                        &table.ty,
                        &info.heap_types,
                        offset as usize,
                    )?);
                    info.table_inits.push(match table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(ConstExpr::parse(&e).map_err(cerr)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader.into_iter_with_offsets() {
                    let (offset, mem) = mem.map_err(werr)?;
                    info.memories
                        .push(convert_memory_type(&mem, offset as usize)?);
                }
            }
            Payload::TagSection(reader) => {
                for t in reader {
                    info.tags.push(t.map_err(werr)?.func_type_idx);
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader.into_iter_with_offsets() {
                    let (offset, g) = g.map_err(werr)?;
                    info.globals.push(convert_global_type(
                        &g.ty,
                        &info.heap_types,
                        offset as usize,
                    )?);
                    info.global_inits
                        .push(ConstExpr::parse(&g.init_expr).map_err(cerr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(werr)?;
                    let (item, ty) = match e.kind {
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => (
                            ExportItem::Func(e.index),
                            ExternType::Func(
                                info.types[info.func_types[e.index as usize] as usize].clone(),
                            ),
                        ),
                        wasmparser::ExternalKind::Table => (
                            ExportItem::Table(e.index),
                            ExternType::Table(info.tables[e.index as usize]),
                        ),
                        wasmparser::ExternalKind::Memory => (
                            ExportItem::Memory(e.index),
                            ExternType::Memory(info.memories[e.index as usize]),
                        ),
                        wasmparser::ExternalKind::Global => (
                            ExportItem::Global(e.index),
                            ExternType::Global(info.globals[e.index as usize]),
                        ),
                        wasmparser::ExternalKind::Tag => (
                            ExportItem::Tag(e.index),
                            ExternType::Tag(info.tag_type(e.index)),
                        ),
                    };
                    export_items.push(item);
                    exports.push(ExportType {
                        name: e.name.to_string(),
                        ty,
                    });
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(func),
            Payload::ElementSection(reader) => {
                for e in reader {
                    let e = e.map_err(werr)?;
                    let items = match e.items {
                        wasmparser::ElementItems::Functions(r) => {
                            ElemItems::Funcs(r.into_iter().collect::<Result<_, _>>().map_err(werr)?)
                        }
                        wasmparser::ElementItems::Expressions(_, r) => ElemItems::Exprs(
                            r.into_iter()
                                .map(|e| ConstExpr::parse(&e.map_err(werr)?).map_err(cerr))
                                .collect::<Result<_, _>>()?,
                        ),
                    };
                    let mode = match e.kind {
                        wasmparser::ElementKind::Passive => ElemMode::Passive,
                        wasmparser::ElementKind::Declared => ElemMode::Declared,
                        wasmparser::ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: ConstExpr::parse(&offset_expr).map_err(cerr)?,
                        },
                    };
                    info.elems.push(ElemSegment { mode, items });
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
                            offset: ConstExpr::parse(&offset_expr).map_err(cerr)?,
                        },
                    };
                    info.datas.push(DataSegment {
                        mode,
                        range: start..start + d.data.len(),
                    });
                }
            }
            Payload::CodeSectionStart { count, .. } => {
                validate_inline = (count as usize) < PARALLEL_MIN_FUNCS || threads < 2;
                fast = FastValidator::new(&info, features);
                // Sized up front: grown by doubling, these vectors were
                // copied (and their fresh pages faulted in) several times
                // over on large modules.
                // The functions (about 128 bytes each) in huge pages.
                funcs = HugePageBuf::with_capacity(count as usize);
                info.func_bodies.reserve_exact(count as usize);
            }
            Payload::CodeSectionEntry(_) => {
                let wasmparser::ValidPayload::Func(to_validate, body) = valid else {
                    unreachable!("validator returns Func for code entries")
                };
                let range = body.range();
                info.func_bodies
                    .push(range.start as usize..range.end as usize);
                let func_index = info.num_imported_funcs + funcs.len() as u32;
                let ty = &info.types[info.func_types[func_index as usize] as usize];
                funcs.push(LazyFunc::new(ty, func_index));
                #[cfg(feature = "jit")]
                if engine.config().strategy == super::Strategy::Jit && goal == Goal::Module {
                    jit_bodies.push((func_index, body.clone()));
                }
                if !validate_inline {
                    bodies.push((to_validate, body));
                } else if body_error.is_none() {
                    body_error =
                        check_one(&mut inline_scratch, fast.as_ref(), to_validate, &body).err();
                }
            }
            _ => {}
        }
    }
    if let Some(e) = body_error {
        return Err(e);
    }
    validate_in_parallel(bodies, threads, fast.as_ref(), &check_one)?;
    if goal == Goal::Validation {
        return Ok(None);
    }
    #[cfg(feature = "jit")]
    let jit = native_code(engine, &info, &jit_bodies, threads, precompiled)?;
    #[cfg(not(feature = "jit"))]
    let _ = precompiled.take();
    Ok(Some(ModuleInner {
        engine: engine.clone(),
        bytes: HugePageBuf::copy_of(bytes),
        info,
        imports,
        exports,
        export_items,
        funcs,
        code_arena: Default::default(),
        #[cfg(feature = "jit")]
        jit,
        #[cfg(feature = "jit")]
        tiered: Default::default(),
        #[cfg(feature = "jit")]
        baseline: Default::default(),
        memory_image: Default::default(),
        held_types: held_types.finish(),
    }))
}

/// What a validating thread keeps from one body to the next.
#[derive(Default)]
struct ValidationScratch {
    allocs: wasmparser::FuncValidatorAllocations,
    fast: fast_validate::Scratch,
}

/// A function body whose validation waits for the end of the module.
type PendingBody<'a> = (
    wasmparser::FuncToValidate<wasmparser::ValidatorResources>,
    wasmparser::FunctionBody<'a>,
);

/// Validates `bodies` on up to `threads` threads, each with the
/// validators' allocations of its own, and returns the first error in
/// module order.
fn validate_in_parallel<F>(
    bodies: Vec<PendingBody<'_>>,
    threads: usize,
    fast: Option<&FastValidator>,
    check_one: &F,
) -> Result<(), Error>
where
    F: Fn(
            &mut ValidationScratch,
            Option<&FastValidator>,
            wasmparser::FuncToValidate<wasmparser::ValidatorResources>,
            &wasmparser::FunctionBody<'_>,
        ) -> Result<(), Error>
        + Sync,
{
    if bodies.is_empty() {
        return Ok(());
    }
    let per_thread = bodies.len().div_ceil(threads);
    let mut chunks = Vec::new();
    let mut rest = bodies;
    while !rest.is_empty() {
        let tail = rest.split_off(per_thread.min(rest.len()));
        chunks.push(std::mem::replace(&mut rest, tail));
    }
    let results: Vec<Result<(), Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    let mut scratch = ValidationScratch::default();
                    chunk
                        .into_iter()
                        .map(|(v, body)| check_one(&mut scratch, fast, v, &body))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("validation thread panicked"))
            .collect()
    });
    for r in results {
        r?;
    }
    Ok(())
}

/// The native code of a module compiled for the `jit` strategy: the
/// deserialized code in `precompiled` if it matches the module, else every
/// function compiled now; `None` for the other strategies.
#[cfg(feature = "jit")]
fn native_code(
    engine: &Engine,
    info: &ModuleInfo,
    jit_bodies: &[(u32, wasmparser::FunctionBody<'_>)],
    threads: usize,
    precompiled: &mut Option<Precompiled>,
) -> Result<Option<crate::jit::JitModule>, Error> {
    Ok(match engine.config().strategy {
        super::Strategy::Jit => {
            // Guarded code (no bounds checks on 32-bit memories, traps and
            // stack checks through the fault handler) when the engine
            // reserves guard regions.
            let guarded = engine.config().guard_pages;
            // (Taken only when used: a first attempt that fails leaves it
            // for the second, see `compile_with`.)
            match precompiled.as_ref() {
                Some(native) if native.func_slots() != info.func_bodies.len() => {
                    return Err(Error::Invalid(
                        "cannot deserialize module: its native code does not match its functions"
                            .into(),
                    ))
                }
                Some(native) if native.guarded() != guarded => {
                    return Err(Error::Invalid(
                        "cannot deserialize module: its native code was compiled with \
                         other guard-page settings"
                            .into(),
                    ))
                }
                Some(_) => precompiled.take(),
                None => Some(crate::jit::compile_functions(
                    info,
                    jit_bodies,
                    threads,
                    guarded,
                    engine.config().metering(),
                    &Default::default(),
                )?),
            }
        }
        _ => None,
    })
}

/// How many threads validation and translation may use (at most 8): the
/// CPUs this process may run on, asked once. `available_parallelism`
/// reads the affinity mask and the cgroup's CPU quota files at each
/// call, 27 us, which was more than half of compiling a small module.
pub(super) fn worker_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
}

/// Validates one function body with the GC proposal on, refusing GC
/// objects at their first use as `Error::Unsupported` (translation, which
/// refuses them too, happens only at a function's first call).
fn validate_body(
    fv: &mut wasmparser::FuncValidator<wasmparser::ValidatorResources>,
    body: &wasmparser::FunctionBody<'_>,
) -> Result<(), Error> {
    let werr = Error::from_wasmparser;
    let mut locals = body.get_locals_reader().map_err(werr)?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read().map_err(werr)?;
        fv.define_locals(offset, count, ty).map_err(werr)?;
    }
    let mut reader = body.get_binary_reader_for_operators().map_err(werr)?;
    // Decoded as the validator's features say (some encodings depend on
    // the enabled proposals).
    reader.set_features(*fv.features());
    let mut reader = wasmparser::OperatorsReader::new(reader);
    while !reader.eof() {
        let offset = reader.original_position();
        // Matched in place: copying the freshly read operator costs a
        // store-forwarding stall per operator.
        let op = match reader.read() {
            Ok(op) => op,
            Err(e) => return Err(werr(e)),
        };
        fv.op(offset, &op).map_err(werr)?;
        if crate::module::gc_objects::is_gc_instruction(&op) {
            return Err(crate::module::gc_objects::refuse(&op, offset as usize).into());
        }
    }
    reader.finish().map_err(werr)?;
    if fv.control_stack_height() != 0 {
        return Err(Error::Compile {
            message: "control frames remain at end of function body".into(),
            offset: reader.original_position() as usize,
        });
    }
    Ok(())
}

/// Modules with at least this many function bodies are validated on
/// several threads.
pub(super) const PARALLEL_MIN_FUNCS: usize = 64;

fn unsupported(what: &str, offset: usize) -> Error {
    Error::Unsupported {
        message: format!("{what} are not supported yet"),
        offset,
    }
}

/// `ids` maps the module's type indices defined so far to engine-wide ids.
fn convert_val_type(
    ty: wasmparser::ValType,
    types: &[HeapType],
    offset: usize,
) -> Result<ValType, Error> {
    ValType::from_wasmparser(ty, types).ok_or_else(|| unsupported("shared reference types", offset))
}

fn convert_table_type(
    t: &wasmparser::TableType,
    ids: &[HeapType],
    offset: usize,
) -> Result<TableType, Error> {
    Ok(TableType {
        element: convert_val_type(wasmparser::ValType::Ref(t.element_type), ids, offset)?,
        limits: Limits {
            min: t.initial,
            max: t.maximum,
        },
        table64: t.table64,
    })
}

fn convert_memory_type(t: &wasmparser::MemoryType, offset: usize) -> Result<MemoryType, Error> {
    if t.shared || t.page_size_log2.is_some() {
        return Err(unsupported("shared and custom-page-size memories", offset));
    }
    Ok(MemoryType {
        limits: Limits {
            min: t.initial,
            max: t.maximum,
        },
        memory64: t.memory64,
        shared: false,
    })
}

fn convert_global_type(
    g: &wasmparser::GlobalType,
    ids: &[HeapType],
    offset: usize,
) -> Result<GlobalType, Error> {
    Ok(GlobalType {
        content: convert_val_type(g.content_type, ids, offset)?,
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
    use crate::engine::{wat2wasm, Config, Instance, Module, Store, Val};

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
    fn bodies_are_validated_before_any_translation() {
        // Dead code after `unreachable` is skipped by the translator but
        // still validated.
        let dead =
            wat2wasm("(module (func unreachable i32.const 1 i64.const 2 i32.add drop))").unwrap();
        let (msg, _) = compile_err(&dead);
        assert!(msg.contains("type mismatch"), "{msg}");
        // A frame too big for the narrow forms, valid and not: the
        // function is translated (wide) at its first call.
        let wide = |body: &str| {
            wat2wasm(&format!(
                "(module (func (export \"f\") (param i32) (result i32) (local i64) \
                 (local {}) {body}))",
                "i32 ".repeat(40_000)
            ))
            .unwrap()
        };
        let m = Module::new(&Engine::default(), &wide("local.get 0 i32.const 1 i32.add")).unwrap();
        let mut store = Store::new(m.engine());
        let inst = Instance::new(&mut store, &m, &[]).unwrap();
        let f = inst.get_func(&store, "f").unwrap();
        let mut out = [Val::I32(0)];
        f.call(&mut store, &[Val::I32(41)], &mut out).unwrap();
        assert!(matches!(out[0], Val::I32(42)));
        let (msg, _) = compile_err(&wide("local.get 1 i32.const 1 i32.add"));
        assert!(msg.contains("type mismatch"), "{msg}");
        // Operators after the function's final `end`.
        let trailing =
            b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\x0a\x05\x01\x03\0\x0b\x0b";
        let (msg, _) = compile_err(trailing);
        assert!(msg.contains("end"), "{msg}");
    }

    /// An import section in the encoding of the compact-imports proposal
    /// (a run of imports sharing a module name, flagged by 0x7F where an
    /// import's kind goes), which wasmrt does not enable: malformed, as
    /// wasmparser's own validator says. (Found by the `validate` fuzz
    /// target: the section was decoded with every proposal's encodings.)
    #[test]
    fn encodings_of_proposals_not_enabled_are_malformed() {
        let wasm = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
            0x01, 0x08, 0x01, 0x60, 0x04, 0x7e, 0x7e, 0x7e, 0x7f, 0x00, // a type
            0x02, 0x0d, 0x03, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, // imports
            0x0d, 0x03, 0x01, 0x00, 0x00, // a tag
        ];
        let (msg, off) = compile_err(&wasm);
        assert!(msg.contains("compact imports"), "{msg}");
        assert_eq!(off, 23);
        assert!(Module::validate(&Engine::default(), &wasm).is_err());
    }

    #[test]
    fn features_beyond_the_config_are_rejected() {
        // Multiple memories are 3.0: on by default, rejected when off.
        let wasm = wat2wasm("(module (memory 1) (memory 1))").unwrap();
        assert!(Module::new(&Engine::default(), &wasm).is_ok());
        let mut config = Config::new();
        let mut f = config.get_features();
        f.multi_memory = false;
        config.features(f);
        let err = Module::new(&Engine::new(&config), &wasm).err().unwrap();
        assert!(err.to_string().contains("multiple memories"), "{err}");
        // GC: struct types may be defined, GC objects are refused as
        // unsupported (by `validate` too), after validation errors.
        let gc_types = wat2wasm("(module (type (struct)))").unwrap();
        assert!(Module::new(&Engine::default(), &gc_types).is_ok());
        let gc =
            wat2wasm("(module (type $s (struct)) (func (result (ref $s)) struct.new $s))").unwrap();
        for err in [
            Module::new(&Engine::default(), &gc).err().unwrap(),
            Module::validate(&Engine::default(), &gc).err().unwrap(),
        ] {
            assert!(matches!(err, Error::Unsupported { .. }), "{err}");
            assert!(err.to_string().contains("GC objects"), "{err}");
        }
        let invalid =
            wat2wasm("(module (type $s (struct)) (func (result i32) struct.new $s))").unwrap();
        let err = Module::new(&Engine::default(), &invalid).err().unwrap();
        assert!(matches!(err, Error::Compile { .. }), "{err}");
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
            .all(|(i, f)| f.func_index() == i as u32));
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
    fn a_section_error_after_the_code_comes_before_a_body_error() {
        // Small modules validate their bodies as they come, large ones
        // after the last section, on several threads: both report the
        // data section's error (it ends the parse) before the body's.
        for funcs in [3, 100] {
            let body = |i: usize| {
                if i == 1 {
                    "(func (result i32) i64.const 0)".to_string()
                } else {
                    format!("(func (result i32) i32.const {i})")
                }
            };
            let bodies: String = (0..funcs).map(body).collect();
            let wasm = wat2wasm(&format!("(module {bodies})")).unwrap();
            let (msg, _) = compile_err(&wasm);
            assert!(msg.contains("type mismatch"), "{funcs}: {msg}");
            // The same with a data segment for a memory the module lacks.
            let wasm = wat2wasm(&format!("(module {bodies} (data (i32.const 0) \"x\"))")).unwrap();
            let (msg, _) = compile_err(&wasm);
            assert!(msg.contains("unknown memory"), "{funcs}: {msg}");
        }
    }
}

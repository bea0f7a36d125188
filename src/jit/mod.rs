//! Tier 2: the Cranelift JIT.
//!
//! `translate` turns a validated function body into Cranelift IR against
//! the shared runtime layout (`abi` holds the offsets and signatures);
//! this module compiles a module's functions, places them in executable
//! memory (`code`) and hands the engine one [`NativeFunc`] per function it
//! could compile. `entry` holds the ways in (the array-call entry, under a
//! landing point for traps) and out (runtime functions, trap raising).
//! See `docs/JIT.md`.
//!
//! A function the tier does not compile (today: any function using a
//! post-2.0 feature) is reported as `None`; the engine runs it
//! in the interpreter, and calls between the two tiers go through
//! `array_call`.

mod abi;
pub mod baseline;
mod budget;
mod code;
mod entry;
mod exec_arena;
mod layout;
mod loop_exits;
mod perf_map;
mod serialize;
mod signals;
mod translate;

pub use entry::{array_call, call_native};
pub use serialize::target;

use crate::module::metering::Metering;
use crate::module::types::FuncType;
use crate::module::{CompileError, ModuleInfo};
use crate::runtime::TrapCode;
use budget::Effort;
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::ExternalName;
use cranelift_codegen::ir::{types, Function, InstBuilder, MemFlagsData, UserFuncName};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{control::ControlPlane, Context, FinalizedRelocTarget};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use translate::Untranslatable;
use wasmparser::FunctionBody;

impl NativeFunc {
    /// The entries as a function reference adopts them on tier-up;
    /// `guarded` as the code was compiled.
    pub fn code(&self, guarded: bool) -> crate::runtime::NativeCode {
        crate::runtime::NativeCode {
            array_call,
            wasm_call: self.wasm_call.cast(),
            array_trampoline: self.array_trampoline.cast(),
            guarded,
        }
    }
}

/// The entries of one natively compiled function.
#[derive(Copy, Clone, Debug)]
pub struct NativeFunc {
    /// The function in the wasm calling convention.
    pub wasm_call: *const u8,
    /// The array trampoline of its signature.
    pub array_trampoline: *const u8,
}

/// A module's native code.
pub struct JitModule {
    code: code::CodeMemory,
    /// By defined-function index: the native entries, or `None` for a
    /// function left to the interpreter.
    funcs: Box<[Option<NativeFunc>]>,
    /// The same entries as offsets in the code (wasm call, trampoline),
    /// for serialization.
    offsets: Box<[Option<(usize, usize)>]>,
    /// The places in the code that hold a runtime function's address.
    libcall_sites: Vec<LibcallSite>,
    guarded: bool,
}

/// An absolute address of a runtime function in the code, patched when
/// the code is placed (and when a serialized module is loaded).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
struct LibcallSite {
    /// Offset of the 8-byte field in the code image.
    offset: usize,
    /// Position in [`entry::libcalls`].
    id: u32,
    addend: i64,
}

// SAFETY: the code is immutable once mapped and the pointers point into
// it; nothing is mutated through a shared `JitModule`.
unsafe impl Send for JitModule {}
// SAFETY: as above.
unsafe impl Sync for JitModule {}

impl JitModule {
    /// Names the module this code belongs to (a non-zero key the engine
    /// chooses): backtraces report frames of this code that they reach from
    /// another module's code as frames of that module (`RawFrame::module`).
    pub fn set_module_key(&self, key: usize) {
        self.code.set_module_key(key);
    }

    /// Whether the code accesses 32-bit memories without bounds checks,
    /// relying on guarded reservations.
    pub fn guarded(&self) -> bool {
        self.guarded
    }

    /// The native entries of defined function `i`, if it was compiled.
    pub fn func(&self, i: usize) -> Option<NativeFunc> {
        self.funcs.get(i).copied().flatten()
    }

    /// How many defined functions the code was made for (compiled or
    /// left to the interpreter).
    pub fn func_slots(&self) -> usize {
        self.funcs.len()
    }

    /// How many functions have native code.
    pub fn compiled_count(&self) -> usize {
        self.funcs.iter().filter(|f| f.is_some()).count()
    }
}

/// The code generator for this host, configured once per process.
fn isa() -> Result<&'static OwnedTargetIsa, CompileError> {
    static ISA: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    ISA.get_or_init(|| build_isa(Effort::Full))
        .as_ref()
        .map_err(|e| CompileError::new(e.clone(), 0))
}

/// The code generator for functions of [`Effort::Quick`]: the same target
/// and ABI as [`isa`]'s, so their code calls and is called the same way.
fn quick_isa() -> Result<&'static OwnedTargetIsa, CompileError> {
    static ISA: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    ISA.get_or_init(|| build_isa(Effort::Quick))
        .as_ref()
        .map_err(|e| CompileError::new(e.clone(), 0))
}

fn build_isa(effort: Effort) -> Result<OwnedTargetIsa, String> {
    let mut flags = settings::builder();
    let set = |f: &mut settings::Builder, k: &str, v: &str| {
        f.set(k, v)
            .map_err(|e| format!("cranelift setting {k}: {e}"))
    };
    match effort {
        Effort::Full => set(&mut flags, "opt_level", "speed")?,
        Effort::Quick => {
            set(&mut flags, "opt_level", "none")?;
            set(&mut flags, "regalloc_algorithm", "single_pass")?;
        }
    }
    // Backtraces walk frame pointers through native frames.
    set(&mut flags, "preserve_frame_pointers", "true")?;
    set(
        &mut flags,
        "enable_verifier",
        if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        },
    )?;
    // Signatures with more results than registers return the rest
    // through memory.
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    // Block offsets and edges, to find the loop whose head to align
    // (`layout::innermost_loop_head`).
    set(&mut flags, "machine_code_cfg_info", "true")?;
    let builder = cranelift_native::builder().map_err(|e| format!("unsupported host: {e}"))?;
    builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| format!("cannot configure the code generator: {e}"))
}

/// A direct call to patch once code is placed.
struct CallSite {
    /// Offset of the relocated field in the caller's code.
    offset: u32,
    kind: Reloc,
    addend: i64,
    /// The callee's function index.
    callee: u32,
}

/// The address of a function's published native code in the code
/// (`translate::PUBLISHED_NAMESPACE`), patched before placement. Only
/// tier-up code has them, which is never serialized.
struct PublishedSite {
    /// Offset of the 8-byte field in the caller's code.
    offset: usize,
    /// The callee's function index.
    callee: u32,
    addend: i64,
}

/// One compiled function before placement.
struct Compiled {
    code: Vec<u8>,
    srclocs: Vec<(u32, u32)>,
    calls: Vec<CallSite>,
    /// Runtime-function addresses (offset in `code`).
    libcalls: Vec<LibcallSite>,
    /// Addresses of other functions' published native code (see
    /// `translate::Options::published`).
    published: Vec<PublishedSite>,
    /// The trap sites the fault handler knows (guarded mode, see
    /// [`code::FuncCode::traps`]).
    traps: Vec<(u32, TrapCode)>,
    /// Offset of the head of the loop to align (see
    /// [`layout::function_start`]).
    loop_head: Option<u32>,
}

fn compile(ctx: &mut Context, isa: &OwnedTargetIsa) -> Result<Compiled, Untranslatable> {
    let names = ctx.func.params.user_named_funcs().clone();
    let compiled = ctx
        .compile(&**isa, &mut ControlPlane::default())
        .map_err(|e| Untranslatable::Unsupported(format!("code generation: {:?}", e.inner)))?;
    // The only relocations native code may have are direct calls to
    // functions of the same batch and the absolute addresses of runtime
    // functions and of other functions' published code (everything else
    // is called through an address in a register).
    let mut calls = Vec::new();
    let mut libcalls = Vec::new();
    let mut published = Vec::new();
    for r in compiled.buffer.relocs() {
        let callee = match (&r.target, r.kind) {
            (FinalizedRelocTarget::ExternalName(ExternalName::User(name)), Reloc::Abs8)
                if names[*name].namespace == translate::LIBCALL_NAMESPACE =>
            {
                libcalls.push(LibcallSite {
                    offset: r.offset as usize,
                    id: names[*name].index,
                    addend: r.addend,
                });
                continue;
            }
            (FinalizedRelocTarget::ExternalName(ExternalName::User(name)), Reloc::Abs8)
                if names[*name].namespace == translate::PUBLISHED_NAMESPACE =>
            {
                published.push(PublishedSite {
                    offset: r.offset as usize,
                    callee: names[*name].index,
                    addend: r.addend,
                });
                continue;
            }
            (
                FinalizedRelocTarget::ExternalName(ExternalName::User(name)),
                Reloc::X86CallPCRel4 | Reloc::Arm64Call,
            ) if names[*name].namespace == 0 => names[*name].index,
            (target, kind) => {
                return Err(Untranslatable::Unsupported(format!(
                    "relocation {kind:?} to {target:?}"
                )))
            }
        };
        calls.push(CallSite {
            offset: r.offset,
            kind: r.kind,
            addend: r.addend,
            callee,
        });
    }
    let srclocs = compiled
        .buffer
        .get_srclocs_sorted()
        .iter()
        .filter(|l| !l.loc.is_default())
        .map(|l| (l.start, l.loc.bits()))
        .collect();
    let mut traps: Vec<(u32, TrapCode)> = compiled
        .buffer
        .traps()
        .iter()
        .filter_map(|t| Some((t.offset, translate::wasm_trap(t.code)?)))
        .collect();
    traps.sort_unstable_by_key(|&(offset, _)| offset);
    Ok(Compiled {
        code: compiled.code_buffer().to_vec(),
        srclocs,
        calls,
        libcalls,
        published,
        traps,
        loop_head: layout::innermost_loop_head(&compiled.bb_starts, &compiled.bb_edges),
    })
}

/// Compiles function `func_index` from `body`: whole, or as the entry at loop
/// `osr` (see `translate::translate_function`).
fn compile_function(
    info: &ModuleInfo,
    func_index: u32,
    body: &FunctionBody<'_>,
    fctx: &mut FunctionBuilderContext,
    isa: &OwnedTargetIsa,
    calls: translate::Options<'_>,
    osr: Option<u32>,
) -> Result<Compiled, Untranslatable> {
    budget::body_fits(body.range().end - body.range().start)
        .map_err(Untranslatable::Unsupported)?;
    let mut func = Function::new();
    let r = translate::translate_function(
        info,
        func_index,
        body,
        &mut func,
        fctx,
        isa.frontend_config(),
        calls,
        osr,
    );
    if r.is_err() {
        // A translation abandoned midway leaves the builder context in use.
        *fctx = FunctionBuilderContext::new();
    }
    r?;
    let isa = match budget::effort(&func).map_err(Untranslatable::Unsupported)? {
        Effort::Full => isa,
        Effort::Quick => quick_isa().map_err(Untranslatable::Error)?,
    };
    let mut ctx = Context::for_function(func);
    compile(&mut ctx, isa)
}

/// Compiles `funcs` on up to `threads` threads, in order.
fn compile_all(
    info: &ModuleInfo,
    funcs: &[(u32, FunctionBody<'_>)],
    threads: usize,
    isa: &OwnedTargetIsa,
    calls: translate::Options<'_>,
) -> Vec<Result<Compiled, Untranslatable>> {
    let compile_range = |range: std::ops::Range<usize>| {
        let mut fctx = FunctionBuilderContext::new();
        range
            .map(|i| compile_function(info, funcs[i].0, &funcs[i].1, &mut fctx, isa, calls, None))
            .collect::<Vec<_>>()
    };
    let n = funcs.len();
    if threads < 2 || n < 16 {
        return compile_range(0..n);
    }
    let per = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| {
                let compile_range = &compile_range;
                s.spawn(move || compile_range(start..(start + per).min(n)))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("JIT compilation thread panicked"))
            .collect()
    })
}

/// The array trampoline of signature `ty`: reads the arguments from the
/// values array, calls the callee's `wasm_call`, writes the results back.
fn compile_trampoline(
    ty: &FuncType,
    fctx: &mut FunctionBuilderContext,
    isa: &OwnedTargetIsa,
) -> Result<Compiled, Untranslatable> {
    let mut func = Function::with_name_signature(
        UserFuncName::user(1, 0),
        abi::array_signature(CallConv::SystemV),
    );
    let mut b = FunctionBuilder::new(&mut func, fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let p = b.block_params(block).to_vec();
    let (funcref, caller, values) = (p[0], p[1], p[2]);
    let flags = MemFlagsData::trusted();
    let vmctx = b.ins().load(abi::PTR, flags, funcref, abi::FUNCREF_VMCTX);
    let wasm = b
        .ins()
        .load(abi::PTR, flags, funcref, abi::FUNCREF_WASM_CALL);
    let mut args = vec![vmctx, caller];
    let (param_offsets, _) = abi::slot_offsets(ty.params());
    for (t, offset) in ty.params().iter().zip(param_offsets) {
        let t = abi::value_type(*t);
        let v = b.ins().load(t, translate::raw_flags(t), values, offset);
        args.push(v);
    }
    let sig = b.import_signature(abi::wasm_signature(ty));
    let call = b.ins().call_indirect(sig, wasm, &args);
    let rets = b.inst_results(call).to_vec();
    let (result_offsets, _) = abi::slot_offsets(ty.results());
    for (v, offset) in rets.into_iter().zip(result_offsets) {
        translate::store_raw(&mut b, v, values, offset);
    }
    let one = b.ins().iconst(types::I8, 1);
    b.ins().return_(&[one]);
    b.finalize(isa.frontend_config());
    let mut ctx = Context::for_function(func);
    compile(&mut ctx, isa)
}

/// Compiles the functions `funcs` (function index and body) of a module,
/// those this tier supports, on up to `threads` threads. The result's
/// `func(i)` is `funcs[i]`'s native code.
///
/// With `guarded`, 32-bit memories are accessed without bounds checks: the
/// code is only for instances whose 32-bit memories sit in guarded
/// reservations
/// ([`JitModule::guarded`]). `metering` says which fuel and epoch checks
/// to compile in (the same as the interpreter's). `published`: functions
/// outside `funcs` that have native code compiled alike, by index, and
/// their wasm-call entries (see `translate::Options::published`).
pub fn compile_functions(
    info: &ModuleInfo,
    funcs: &[(u32, FunctionBody<'_>)],
    threads: usize,
    guarded: bool,
    metering: Metering,
    published: &HashMap<u32, usize>,
) -> Result<JitModule, CompileError> {
    let isa = isa()?;
    if guarded {
        signals::install();
    }
    // Calls between the functions of the batch are direct machine calls
    // (see `translate::Batch`). A callee the JIT does not support is only
    // known after compiling it: then the functions are compiled again,
    // calling such callees through their references.
    let members: Vec<u32> = funcs.iter().map(|f| f.0).collect();
    let batch = if funcs.len() == info.func_bodies.len() {
        translate::Batch::Module
    } else {
        translate::Batch::Only(&members)
    };
    let mut excluded = HashSet::new();
    let calls = translate::Options {
        batch,
        excluded: &excluded,
        published,
        guarded,
        metering,
    };
    let mut results = compile_all(info, funcs, threads, isa, calls);
    let compiled: HashSet<u32> = funcs
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.is_ok())
        .map(|(f, _)| f.0)
        .collect();
    let dangling = results
        .iter()
        .flatten()
        .any(|c| c.calls.iter().any(|s| !compiled.contains(&s.callee)));
    if dangling {
        excluded = funcs
            .iter()
            .map(|f| f.0)
            .filter(|i| !compiled.contains(i))
            .collect();
        let calls = translate::Options {
            batch,
            excluded: &excluded,
            published,
            guarded,
            metering,
        };
        results = compile_all(info, funcs, threads, isa, calls);
    }
    let n = funcs.len();
    // Lay out: functions, then one trampoline per distinct signature.
    let mut image = Vec::new();
    let mut placed = Vec::with_capacity(n);
    let mut code_map = Vec::new();
    let mut skipped = Vec::new();
    let mut call_sites = Vec::new();
    let mut libcall_sites = Vec::new();
    let mut start_of = HashMap::new();
    for (i, r) in results.into_iter().enumerate() {
        let func_index = funcs[i].0;
        match r {
            Ok(c) => {
                let start = layout::function_start(&mut image, c.loop_head);
                image.extend_from_slice(&c.code);
                start_of.insert(func_index, start);
                call_sites.extend(c.calls.into_iter().map(|s| (start, s)));
                patch_published(&mut image, start, &c.published, published)?;
                libcall_sites.extend(c.libcalls.into_iter().map(|s| LibcallSite {
                    offset: start + s.offset,
                    ..s
                }));
                code_map.push(code::FuncCode {
                    func_index,
                    start,
                    len: c.code.len(),
                    srclocs: c.srclocs,
                    traps: c.traps,
                });
                placed.push(Some(start));
            }
            Err(Untranslatable::Unsupported(why)) => {
                skipped.push((func_index, why));
                placed.push(None);
            }
            Err(Untranslatable::Error(e)) => return Err(e),
        }
    }
    let mut fctx = FunctionBuilderContext::new();
    let mut trampolines: Vec<(u32, usize)> = Vec::new();
    let mut tramp_of = vec![None; n];
    for (i, p) in placed.iter().enumerate() {
        if p.is_none() {
            continue;
        }
        let ty_index = info.func_types[funcs[i].0 as usize];
        let canonical = info.type_ids[ty_index as usize];
        let start = match trampolines.iter().find(|(c, _)| *c == canonical) {
            Some(&(_, start)) => start,
            None => {
                let ty = &info.types[ty_index as usize];
                match compile_trampoline(ty, &mut fctx, isa) {
                    Ok(c) => {
                        let start = layout::align(&mut image, layout::TRAMPOLINE_ALIGN);
                        image.extend_from_slice(&c.code);
                        libcall_sites.extend(c.libcalls.into_iter().map(|s| LibcallSite {
                            offset: start + s.offset,
                            ..s
                        }));
                        trampolines.push((canonical, start));
                        start
                    }
                    Err(Untranslatable::Unsupported(why)) => {
                        skipped.push((funcs[i].0, format!("trampoline: {why}")));
                        continue;
                    }
                    Err(Untranslatable::Error(e)) => return Err(e),
                }
            }
        };
        tramp_of[i] = Some(start);
    }
    for (start, site) in call_sites {
        let Some(&target) = start_of.get(&site.callee) else {
            return Err(CompileError::new(
                format!("direct call to function {} with no code", site.callee),
                0,
            ));
        };
        patch_call(&mut image, start + site.offset as usize, target, &site);
    }
    if std::env::var_os("WASMRT_JIT_LOG").is_some() {
        for (index, why) in &skipped {
            eprintln!("wasmrt jit: function {index} left to the interpreter: {why}");
        }
    }
    let offsets = placed
        .iter()
        .zip(&tramp_of)
        .map(|(p, t)| p.zip(*t))
        .collect();
    JitModule::place(image, code_map, offsets, libcall_sites, guarded)
        .map_err(|e| CompileError::new(e, 0))
}

/// Compiles an on-stack-replacement entry of function `func_index` at its
/// loop number `ordinal` (see `translate::translate_function`): `func(0)` of the
/// result has type `translate::osr_type`. `None` when this tier cannot
/// enter the function there; `guarded` and `metering` as for
/// [`compile_functions`].
pub fn compile_osr(
    info: &ModuleInfo,
    func_index: u32,
    body: &FunctionBody<'_>,
    ordinal: u32,
    guarded: bool,
    metering: Metering,
    published: &HashMap<u32, usize>,
) -> Result<Option<JitModule>, CompileError> {
    let isa = isa()?;
    if guarded {
        signals::install();
    }
    let excluded = HashSet::new();
    let calls = translate::Options {
        batch: translate::Batch::Only(&[]),
        excluded: &excluded,
        published,
        guarded,
        metering,
    };
    let mut fctx = FunctionBuilderContext::new();
    let translated = compile_function(info, func_index, body, &mut fctx, isa, calls, Some(ordinal))
        .and_then(|entry| {
            let ty = translate::osr_type(info, func_index);
            let trampoline = compile_trampoline(&ty, &mut fctx, isa)?;
            Ok((entry, trampoline))
        });
    let (entry, trampoline) = match translated {
        Ok(c) => c,
        Err(Untranslatable::Unsupported(_)) => return Ok(None),
        Err(Untranslatable::Error(e)) => return Err(e),
    };
    let Compiled {
        code,
        srclocs,
        calls,
        libcalls,
        published: published_sites,
        traps,
        loop_head,
    } = entry;
    // No direct calls: the entry calls every function by reference.
    if !calls.is_empty() {
        return Ok(None);
    }
    let mut image = Vec::new();
    let entry_start = layout::function_start(&mut image, loop_head);
    image.extend_from_slice(&code);
    patch_published(&mut image, entry_start, &published_sites, published)?;
    let mut libcall_sites: Vec<LibcallSite> = libcalls
        .iter()
        .map(|s| LibcallSite {
            offset: entry_start + s.offset,
            ..*s
        })
        .collect();
    let start = layout::align(&mut image, layout::TRAMPOLINE_ALIGN);
    image.extend_from_slice(&trampoline.code);
    libcall_sites.extend(trampoline.libcalls.iter().map(|s| LibcallSite {
        offset: start + s.offset,
        ..*s
    }));
    let code_map = vec![code::FuncCode {
        func_index,
        start: entry_start,
        len: code.len(),
        srclocs,
        traps,
    }];
    JitModule::place(
        image,
        code_map,
        Box::new([Some((entry_start, start))]),
        libcall_sites,
        guarded,
    )
    .map(Some)
    .map_err(|e| CompileError::new(e, 0))
}

impl JitModule {
    /// Patches the runtime-function addresses into `image`, maps it
    /// executable and makes the entries. `offsets` and the sites must lie
    /// in `image` (checked by the caller when they come from outside).
    fn place(
        mut image: Vec<u8>,
        code_map: Vec<code::FuncCode>,
        offsets: Box<[Option<(usize, usize)>]>,
        libcall_sites: Vec<LibcallSite>,
        guarded: bool,
    ) -> Result<JitModule, String> {
        let table = entry::libcalls();
        for site in &libcall_sites {
            let addr = (table[site.id as usize] as i64).wrapping_add(site.addend);
            image[site.offset..site.offset + 8].copy_from_slice(&addr.to_le_bytes());
        }
        let memory = code::CodeMemory::new(&image, code_map)?;
        let funcs = offsets
            .iter()
            .map(|o| {
                o.map(|(p, t)| NativeFunc {
                    wasm_call: memory.at(p),
                    array_trampoline: memory.at(t),
                })
            })
            .collect();
        Ok(JitModule {
            code: memory,
            funcs,
            offsets,
            libcall_sites,
            guarded,
        })
    }
}

/// Writes the addresses of other functions' published code into the code
/// of a function placed at `start` in `image`.
fn patch_published(
    image: &mut [u8],
    start: usize,
    sites: &[PublishedSite],
    published: &HashMap<u32, usize>,
) -> Result<(), CompileError> {
    for site in sites {
        let Some(&entry) = published.get(&site.callee) else {
            return Err(CompileError::new(
                format!("call to function {} with no published code", site.callee),
                0,
            ));
        };
        let at = start + site.offset;
        let addr = (entry as i64).wrapping_add(site.addend);
        image[at..at + 8].copy_from_slice(&addr.to_le_bytes());
    }
    Ok(())
}

/// Writes the displacement of a direct call at `at` to code at `target`
/// (both offsets in `image`).
fn patch_call(image: &mut [u8], at: usize, target: usize, site: &CallSite) {
    let delta = target as i64 + site.addend - at as i64;
    match site.kind {
        Reloc::X86CallPCRel4 => {
            let v = i32::try_from(delta).expect("code image under 2 GiB");
            image[at..at + 4].copy_from_slice(&v.to_le_bytes());
        }
        Reloc::Arm64Call => {
            let imm26 = ((delta >> 2) as u32) & 0x03ff_ffff;
            let mut word = u32::from_le_bytes(image[at..at + 4].try_into().expect("4 bytes"));
            word = (word & !0x03ff_ffff) | imm26;
            image[at..at + 4].copy_from_slice(&word.to_le_bytes());
        }
        _ => unreachable!("only call relocations are accepted"),
    }
}

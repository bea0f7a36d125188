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
mod code;
mod entry;
mod translate;

pub use entry::array_call;

use crate::module::types::FuncType;
use crate::module::{CompileError, ModuleInfo};
use cranelift_codegen::ir::{types, Function, InstBuilder, MemFlagsData, UserFuncName};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{control::ControlPlane, Context, FinalizedRelocTarget};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use std::sync::OnceLock;
use translate::Untranslatable;
use wasmparser::FunctionBody;

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
    _code: code::CodeMemory,
    /// By defined-function index: the native entries, or `None` for a
    /// function left to the interpreter.
    funcs: Box<[Option<NativeFunc>]>,
}

// SAFETY: the code is immutable once mapped and the pointers point into
// it; nothing is mutated through a shared `JitModule`.
unsafe impl Send for JitModule {}
// SAFETY: as above.
unsafe impl Sync for JitModule {}

impl JitModule {
    /// The native entries of defined function `i`, if it was compiled.
    pub fn func(&self, i: usize) -> Option<NativeFunc> {
        self.funcs.get(i).copied().flatten()
    }

    /// How many functions have native code.
    pub fn compiled_count(&self) -> usize {
        self.funcs.iter().filter(|f| f.is_some()).count()
    }
}

/// The code generator for this host, configured once per process.
fn isa() -> Result<&'static OwnedTargetIsa, CompileError> {
    static ISA: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| {
            f.set(k, v)
                .map_err(|e| format!("cranelift setting {k}: {e}"))
        };
        set(&mut flags, "opt_level", "speed")?;
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
        let builder = cranelift_native::builder().map_err(|e| format!("unsupported host: {e}"))?;
        builder
            .finish(settings::Flags::new(flags))
            .map_err(|e| format!("cannot configure the code generator: {e}"))
    })
    .as_ref()
    .map_err(|e| CompileError::new(e.clone(), 0))
}

/// One compiled function before placement.
struct Compiled {
    code: Vec<u8>,
    srclocs: Vec<(u32, u32)>,
}

fn compile(ctx: &mut Context, isa: &OwnedTargetIsa) -> Result<Compiled, Untranslatable> {
    let compiled = ctx
        .compile(&**isa, &mut ControlPlane::default())
        .map_err(|e| Untranslatable::Unsupported(format!("code generation: {:?}", e.inner)))?;
    // Code is placed anywhere, so it must not need relocations (every call
    // goes through an address in a register).
    if let Some(r) = compiled.buffer.relocs().first() {
        let what = match &r.target {
            FinalizedRelocTarget::ExternalName(n) => format!("{n:?}"),
            FinalizedRelocTarget::Func(o) => format!("offset {o}"),
        };
        return Err(Untranslatable::Unsupported(format!("relocation to {what}")));
    }
    let srclocs = compiled
        .buffer
        .get_srclocs_sorted()
        .iter()
        .filter(|l| !l.loc.is_default())
        .map(|l| (l.start, l.loc.bits()))
        .collect();
    Ok(Compiled {
        code: compiled.code_buffer().to_vec(),
        srclocs,
    })
}

/// Compiles defined function `i` (`bodies[i]`).
fn compile_function(
    info: &ModuleInfo,
    func_index: u32,
    body: &FunctionBody<'_>,
    fctx: &mut FunctionBuilderContext,
    isa: &OwnedTargetIsa,
) -> Result<Compiled, Untranslatable> {
    let mut func = Function::new();
    let r = translate::translate_function(
        info,
        func_index,
        body,
        &mut func,
        fctx,
        isa.frontend_config(),
    );
    if r.is_err() {
        // A translation abandoned midway leaves the builder context in use.
        *fctx = FunctionBuilderContext::new();
    }
    r?;
    let mut ctx = Context::for_function(func);
    compile(&mut ctx, isa)
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

/// Compiles every defined function of a module that this tier supports,
/// on up to `threads` threads. `bodies[i]` is defined function `i`.
pub fn compile_module(
    info: &ModuleInfo,
    bodies: &[FunctionBody<'_>],
    threads: usize,
) -> Result<JitModule, CompileError> {
    let isa = isa()?;
    let first = info.num_imported_funcs;
    let compile_range = |range: std::ops::Range<usize>| {
        let mut fctx = FunctionBuilderContext::new();
        range
            .map(|i| compile_function(info, first + i as u32, &bodies[i], &mut fctx, isa))
            .collect::<Vec<_>>()
    };
    let n = bodies.len();
    let results: Vec<Result<Compiled, Untranslatable>> = if threads < 2 || n < 16 {
        compile_range(0..n)
    } else {
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
    };
    // Lay out: functions, then one trampoline per distinct signature.
    let mut image = Vec::new();
    let mut placed = Vec::with_capacity(n);
    let mut funcs = Vec::new();
    let mut skipped = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(c) => {
                let start = align(&mut image);
                image.extend_from_slice(&c.code);
                funcs.push(code::FuncCode {
                    func_index: first + i as u32,
                    start,
                    len: c.code.len(),
                    srclocs: c.srclocs,
                });
                placed.push(Some(start));
            }
            Err(Untranslatable::Unsupported(why)) => {
                skipped.push((first + i as u32, why));
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
        let ty_index = info.func_types[first as usize + i];
        let canonical = info.type_ids[ty_index as usize];
        let start = match trampolines.iter().find(|(c, _)| *c == canonical) {
            Some(&(_, start)) => start,
            None => {
                let ty = &info.types[ty_index as usize];
                match compile_trampoline(ty, &mut fctx, isa) {
                    Ok(c) => {
                        let start = align(&mut image);
                        image.extend_from_slice(&c.code);
                        trampolines.push((canonical, start));
                        start
                    }
                    Err(Untranslatable::Unsupported(why)) => {
                        skipped.push((first + i as u32, format!("trampoline: {why}")));
                        continue;
                    }
                    Err(Untranslatable::Error(e)) => return Err(e),
                }
            }
        };
        tramp_of[i] = Some(start);
    }
    if std::env::var_os("WASMRT_JIT_LOG").is_some() {
        for (index, why) in &skipped {
            eprintln!("wasmrt jit: function {index} left to the interpreter: {why}");
        }
    }
    let memory = code::CodeMemory::new(&image, funcs).map_err(|e| CompileError::new(e, 0))?;
    let funcs = placed
        .iter()
        .zip(&tramp_of)
        .map(|(p, t)| match (p, t) {
            (Some(p), Some(t)) => Some(NativeFunc {
                wasm_call: memory.at(*p),
                array_trampoline: memory.at(*t),
            }),
            _ => None,
        })
        .collect();
    Ok(JitModule {
        _code: memory,
        funcs,
    })
}

/// Pads `image` to a 16-byte boundary and returns its length.
fn align(image: &mut Vec<u8>) -> usize {
    while !image.len().is_multiple_of(16) {
        image.push(0xcc);
    }
    image.len()
}

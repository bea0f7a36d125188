//! Modules: what compiling (`compile`) made of a binary, with each
//! function body translated into the interpreter's internal form at its
//! first call (or ahead of it, on cores the program leaves idle).
//!
//! A `Module` is immutable once built and shared (`Arc`) by every instance
//! made from it, across stores and threads.

use super::compile::{compile, worker_threads, PARALLEL_MIN_FUNCS};
use super::error::Error;
use super::types::*;
use super::Engine;
use crate::interp::{self, LazyFunc};
use crate::module::ModuleInfo;
#[cfg(feature = "jit")]
use crate::runtime::NativeCode;
use std::sync::Arc;

/// Which index space an export refers to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExportItem {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
    Tag(u32),
}

/// Everything known about a validated module.
///
/// Aligned to 128 bytes so that behind an `Arc` its fields do not share a
/// cache line (or the adjacent-line prefetch pair) with the reference
/// counts, which every instance on every thread updates.
#[repr(align(128))]
pub struct ModuleInner {
    pub(crate) engine: Engine,
    /// The original binary (data segments point into it; serialization
    /// stores it).
    pub(crate) bytes: crate::runtime::huge_pages::HugePageBuf<u8>,
    /// The tier-neutral description both tiers translate against.
    pub(crate) info: ModuleInfo,
    pub(crate) imports: Vec<ImportType>,
    pub(crate) exports: Vec<ExportType>,
    pub(crate) export_items: Vec<ExportItem>,
    /// The interpreter's code of the defined functions, each translated
    /// at its first call (`translate`).
    pub(crate) funcs: crate::runtime::huge_pages::HugePageBuf<LazyFunc>,
    /// Where their translated instructions are kept.
    pub(crate) code_arena: interp::CodeArena,

    /// Native code of the defined functions the JIT compiled (with the
    /// `jit` strategy).
    #[cfg(feature = "jit")]
    pub(crate) jit: Option<crate::jit::JitModule>,
    /// Functions whose first code the baseline compiler made (`auto`
    /// with `Config::baseline`), with the entries their interpreter
    /// records publish.
    #[cfg(feature = "jit")]
    pub(crate) baseline: std::sync::Mutex<crate::jit::baseline::BaselineCode>,
    /// Functions compiled since, by tier-up (`auto` strategy).
    #[cfg(feature = "jit")]
    pub(crate) tiered: std::sync::Mutex<super::tier_up::Tiered>,
    /// Memory 0's initial contents as a copy-on-write image, built on the
    /// first instantiation (`None` inside: segments are copied).
    pub(crate) memory_image:
        std::sync::OnceLock<Option<Arc<crate::runtime::memory_image::MemoryImage>>>,
    /// The type groups of its type section, held in the engine's registry
    /// (given back when the module goes).
    pub(crate) held_types: super::type_registry::HeldTypes,
}

impl Drop for ModuleInner {
    fn drop(&mut self) {
        self.held_types.release(&self.engine);
    }
}

impl ModuleInner {
    /// The key that names this module's native code
    /// (`JitModule::set_module_key`, `RawFrame::module`): its address, which
    /// its `Arc` keeps for its whole life.
    pub(crate) fn code_key(&self) -> usize {
        self as *const ModuleInner as usize
    }

    /// Whether interpreted code counts calls and loop iterations for
    /// tier-up: under `auto`, and under `jit` when the module's native code
    /// needs guarded memories (for the instances that did not get them).
    fn counts_hotness(&self) -> bool {
        #[cfg(feature = "jit")]
        return match self.engine.config().strategy {
            super::Strategy::Auto => true,
            super::Strategy::Jit => self.jit.as_ref().is_some_and(|j| j.guarded()),
            super::Strategy::Interpreter => false,
        };
        #[cfg(not(feature = "jit"))]
        false
    }

    /// Translates defined function `defined` for the interpreter, unless
    /// that is done already. One thread translates a function; another
    /// that needs it meanwhile waits for it.
    pub(crate) fn translate(&self, defined: usize) -> Result<(), Error> {
        let func = &self.funcs[defined];
        loop {
            if func.is_translated() {
                return Ok(());
            }
            if func.claim() {
                break;
            }
            std::thread::yield_now();
        }
        self.translate_claimed(defined)
    }

    /// Translates defined function `defined`, whose claim this thread
    /// holds, and publishes it (or gives the claim up on an error).
    fn translate_claimed(&self, defined: usize) -> Result<(), Error> {
        let func = &self.funcs[defined];
        // A panic (a translator bug) must not leave the claim held, nor
        // unwind into the interpreter that asked.
        let translated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            TRANSLATOR
                .try_with(|t| match t.try_borrow_mut() {
                    Ok(mut t) => self.translate_with(&mut t, defined),
                    Err(_) => self.translate_with(&mut Default::default(), defined),
                })
                .unwrap_or_else(|_| self.translate_with(&mut Default::default(), defined))
        }))
        .unwrap_or_else(|_| {
            Err(Error::Invalid(format!(
                "internal error: translating function {defined} panicked"
            )))
        });
        match translated {
            // SAFETY: this thread holds the claim; the function is
            // untranslated (checked before claiming, and only the holder
            // publishes).
            Ok(f) => unsafe { func.publish(f) },
            Err(e) => {
                func.release_claim();
                return Err(e);
            }
        }
        Ok(())
    }

    fn translate_with(
        &self,
        translators: &mut Translators,
        defined: usize,
    ) -> Result<interp::CompiledFunc, Error> {
        if self.light_first_tier() {
            #[cfg(feature = "jit")]
            if self.engine.config().baseline {
                if let Some(f) = self.baseline_code(defined) {
                    return Ok(f);
                }
            }
            let light = self.with_body(defined, |env, func_index, body| {
                translators
                    .light
                    .translate(env, func_index, body.as_bytes(), &self.code_arena)
            });
            if let Some(f) = light {
                return Ok(f);
            }
        }
        let translator = &mut translators.full;
        let mut f = self.with_body(defined, |env, func_index, body| {
            translator.translate(env, func_index, body)
        })?;
        f.code = self.code_arena.alloc(translator.code());
        Ok(f)
    }

    /// The baseline compiler's code for defined function `defined`, as
    /// an interpreter record with no instructions that publishes it.
    #[cfg(feature = "jit")]
    fn baseline_code(&self, defined: usize) -> Option<interp::CompiledFunc> {
        let (func_index, body) = self.function_body(defined);
        let entry = crate::jit::baseline::compile(
            &self.info,
            func_index,
            body.as_bytes(),
            &self.baseline,
            self.code_key(),
        )?;
        let ty = self.info.func_type(func_index);
        Some(interp::CompiledFunc {
            code: interp::Code::EMPTY,
            offsets: Default::default(),
            pool: Box::new([]),
            consts: Box::new([]),
            param_slots: ty.params().iter().map(|t| t.slots()).sum(),
            result_slots: ty.results().iter().map(|t| t.slots()).sum(),
            locals_end: 0,
            frame_slots: 0,
            narrow: false,
            light: false,
            func_index,
            hotness: Default::default(),
            handlers: Box::new([]),
            native: std::sync::atomic::AtomicPtr::new(entry as *mut NativeCode),
            claimed: Default::default(),
        })
    }

    /// Whether functions start in the light translator's code: when they
    /// count their calls to move on to native code, and nothing is
    /// metered (the light translator compiles in no fuel or epoch checks).
    fn light_first_tier(&self) -> bool {
        let metering = self.engine.config().metering();
        self.counts_hotness() && !metering.fuel && !metering.epoch
    }

    /// The wasm offset, in its body, of interpreter instruction `instr` of
    /// function `func_index` (defined, translated): for backtraces. The
    /// function's table of them is made at the first such question.
    pub(crate) fn interp_offset(&self, func_index: u32, instr: u32) -> u32 {
        let Some(defined) = func_index.checked_sub(self.info.num_imported_funcs) else {
            return 0;
        };
        let Some(func) = self.funcs.get(defined as usize).and_then(|f| f.get()) else {
            return 0;
        };
        let offsets =
            func.offsets.get_or_init(|| {
                self.with_body(defined as usize, |env, func_index, body| {
                    if func.light {
                        Ok(interp::LightTranslator::default().offsets(
                            env,
                            func_index,
                            body.as_bytes(),
                        ))
                    } else {
                        interp::Translator::default().offsets(env, func_index, body, func)
                    }
                })
                .unwrap_or_default()
            });
        offsets.get(instr as usize).copied().unwrap_or(0)
    }

    /// Runs `f` over defined function `defined`'s body and what translating
    /// it needs to know.
    fn with_body<R>(
        &self,
        defined: usize,
        f: impl FnOnce(&interp::TranslateEnv<'_>, u32, &wasmparser::FunctionBody<'_>) -> R,
    ) -> R {
        let info = &self.info;
        let config = self.engine.config();
        let env = interp::TranslateEnv {
            types: &info.types,
            heap_types: &info.heap_types,
            tags: &info.tags,
            func_types: &info.func_types,
            globals: &info.globals,
            tables: &info.tables,
            memories: &info.memories,
            num_imported_funcs: info.num_imported_funcs,
            count_hotness: self.counts_hotness(),
            metering: config.metering(),
        };
        let (func_index, body) = self.function_body(defined);
        f(&env, func_index, &body)
    }

    /// Defined function `defined`'s body and its index in the module.
    pub(crate) fn function_body(&self, defined: usize) -> (u32, wasmparser::FunctionBody<'_>) {
        let info = &self.info;
        let range = info.func_bodies[defined].clone();
        let reader = wasmparser::BinaryReader::new(&self.bytes[range.clone()], range.start as u64);
        let func_index = info.num_imported_funcs + defined as u32;
        (func_index, wasmparser::FunctionBody::new(reader))
    }

    /// Memory 0's copy-on-write image, if the module has one.
    pub(crate) fn memory_image(&self) -> Option<&Arc<crate::runtime::memory_image::MemoryImage>> {
        self.memory_image
            .get_or_init(|| super::memory_init::image_for(&self.info, &self.bytes))
            .as_ref()
    }
}

/// A compiled WebAssembly module. Cheap to clone, `Send + Sync`.
#[derive(Clone)]
pub struct Module(pub(crate) Arc<ModuleInner>);

/// A view of a module without a count of its own, for the holders a
/// store keeps (instances, module handles made by `wasm_module_obtain`):
/// the store counts each module once (`Store::hold_module`), however many
/// of them use it. A count per holder is an atomic update of a line every
/// thread that instantiates the module shares.
pub struct HeldModule(std::mem::ManuallyDrop<Module>);

impl HeldModule {
    /// # Safety
    /// `module`'s module must stay alive while the view does.
    pub(crate) unsafe fn new(module: &Module) -> HeldModule {
        // SAFETY: the pointer comes from a live `Arc`; the view is never
        // dropped as a `Module`, so it gives back no count it did not take.
        let arc = unsafe { Arc::from_raw(Arc::as_ptr(&module.0)) };
        HeldModule(std::mem::ManuallyDrop::new(Module(arc)))
    }
}

impl std::ops::Deref for HeldModule {
    type Target = Module;
    fn deref(&self) -> &Module {
        &self.0
    }
}

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
        let module = Module::from_inner(compile(engine, bytes, true)?);
        translate_ahead(&module.0);
        Ok(module)
    }

    /// Wraps a freshly compiled module, naming its native code after it
    /// (`ModuleInner::code_key`).
    pub(crate) fn from_inner(inner: ModuleInner) -> Module {
        let module = Arc::new(inner);
        #[cfg(feature = "jit")]
        if let Some(jit) = &module.jit {
            jit.set_module_key(module.code_key());
        }
        Module(module)
    }

    /// Checks that `bytes` is a valid module for `engine`'s features.
    /// Whether `Module::new` would accept `bytes` as far as the binary goes:
    /// valid, and using nothing wasmrt does not implement (GC objects:
    /// then `Error::Unsupported`).
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
        super::compile::validate(engine, bytes)
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
        &self.0.bytes[..]
    }

    /// How many of the module's defined functions have native code (with
    /// the `auto` strategy: how many have been tiered up so far).
    pub fn native_function_count(&self) -> usize {
        #[cfg(feature = "jit")]
        {
            let tiered = self
                .0
                .tiered
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .compiled_count();
            tiered + self.0.jit.as_ref().map_or(0, |j| j.compiled_count())
        }
        #[cfg(not(feature = "jit"))]
        0
    }

    pub fn same(a: &Module, b: &Module) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// The interpreter code of every defined function, for debugging the
    /// translator (`WASMRT_DUMP_IR=1` in `examples/bench.rs`).
    #[doc(hidden)]
    pub fn dump_ir(&self) -> String {
        let mut out = String::new();
        for (defined, f) in self.0.funcs.iter().enumerate() {
            if let Err(e) = self.0.translate(defined) {
                out += &format!("func {defined}: {e}\n");
                continue;
            }
            let Some(f) = f.get() else { continue };
            out += &format!(
                "func {} {} (params {}, locals {}, frame {})\n",
                f.func_index,
                self.0.info.func_type(f.func_index),
                f.param_slots,
                f.locals_end,
                f.frame_slots
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

/// A thread's translators: the light one (`auto`'s first tier), and the
/// full one for everything else.
#[derive(Default)]
struct Translators {
    light: interp::LightTranslator,
    full: interp::Translator,
}

thread_local! {
    /// This thread's translators (their buffers are kept across functions).
    static TRANSLATOR: std::cell::RefCell<Translators> = Default::default();
}

/// Translates, on the cores the program leaves idle, the functions of a
/// large module ahead of their first calls: from the last function
/// backwards, while the program's first calls usually go forwards. Each
/// thread stops when the module is dropped or it meets functions done.
fn translate_ahead(module: &Arc<ModuleInner>) {
    let n = module.funcs.len();
    if n < PARALLEL_MIN_FUNCS || module.engine.config().strategy == super::Strategy::Jit {
        return;
    }
    let threads = worker_threads() - 1;
    for k in 0..threads {
        let weak = Arc::downgrade(module);
        let spawned = std::thread::Builder::new()
            .name("wasmrt-translate".into())
            .spawn(move || {
                for defined in (0..n).rev().skip(k).step_by(threads) {
                    let Some(module) = weak.upgrade() else { return };
                    let func = &module.funcs[defined];
                    if func.is_translated() || !func.claim() {
                        continue;
                    }
                    // An error is for the function's first caller to see.
                    let _ = module.translate_claimed(defined);
                }
            });
        if spawned.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{wat2wasm, Config, Instance, Store, Val};

    /// A store counts each module its instances use once, keeps it for
    /// as long as the store lives (instances outlive the caller's
    /// `Module`), and gives the count back when dropped.
    #[test]
    fn a_store_counts_each_module_once() {
        // The interpreter only: no tier-up thread holds a count meanwhile.
        let engine = Engine::new(Config::new().strategy(crate::engine::Strategy::Interpreter));
        let text = "(module (func (export \"f\") (result i32) i32.const 7))";
        let a = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
        let b = Module::new(&engine, &wat2wasm("(module)").unwrap()).unwrap();
        let mut store = Store::new(&engine);
        let first = Instance::new(&mut store, &a, &[]).unwrap();
        Instance::new(&mut store, &b, &[]).unwrap();
        Instance::new(&mut store, &a, &[]).unwrap();
        Instance::new(&mut store, &b, &[]).unwrap();
        assert_eq!(
            Arc::strong_count(&a.0),
            2,
            "a: the caller's and the store's"
        );
        assert_eq!(
            Arc::strong_count(&b.0),
            2,
            "b: the caller's and the store's"
        );
        drop(a);
        let f = first.get_func(&store, "f").unwrap();
        let mut out = [Val::I32(0)];
        f.call(&mut store, &[], &mut out).unwrap();
        assert!(matches!(out[0], Val::I32(7)));
        let a = first.module(&store);
        assert_eq!(Arc::strong_count(&a.0), 2);
        drop(store);
        assert_eq!(Arc::strong_count(&a.0), 1);
        assert_eq!(Arc::strong_count(&b.0), 1);
    }

    #[test]
    fn functions_are_translated_at_their_first_call_on_any_thread() {
        // Below PARALLEL_MIN_FUNCS: nothing is translated ahead.
        let wasm = wat2wasm(
            "(module (func (export \"a\") (result i32) i32.const 1) \
             (func (export \"b\") (param i32) (result i32) \
               (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) \
                 (else (i32.add (call 1 (i32.sub (local.get 0) (i32.const 1))) \
                   (call 0))))))",
        )
        .unwrap();
        let engine = Engine::default();
        let m = Module::new(&engine, &wasm).unwrap();
        assert!(m.0.funcs.iter().all(|f| !f.is_translated()));
        let run = |m: &Module, name: &str, arg: Option<i32>| {
            let mut store = Store::new(m.engine());
            let inst = Instance::new(&mut store, m, &[]).unwrap();
            let f = inst.get_func(&store, name).unwrap();
            let args: Vec<Val> = arg.into_iter().map(Val::I32).collect();
            let mut out = [Val::I32(0)];
            f.call(&mut store, &args, &mut out).unwrap();
            match out[0] {
                Val::I32(v) => v,
                _ => panic!("not an i32"),
            }
        };
        assert_eq!(run(&m, "a", None), 1);
        let done: Vec<bool> = m.0.funcs.iter().map(|f| f.is_translated()).collect();
        assert_eq!(done, [true, false], "only the function called");
        // A fresh module, its functions first called on several threads at
        // once (each in its own store): one translates, the others wait.
        let m = Module::new(&engine, &wasm).unwrap();
        let results: Vec<i32> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| run(&m, "b", Some(50)))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(results, [50; 4]);
        assert!(m.0.funcs.iter().all(|f| f.is_translated()));
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

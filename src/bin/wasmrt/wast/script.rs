//! Executes one `.wast` script against the engine and tallies assertions.

use super::values::{self, ExternRefs};
use super::Tally;
use super::Tier;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use wasmrt::capi::{self, testing};
use wasmrt::TrapCode;
use wasmrt::*;
use wast::core::{Module as WastModule, ModuleKind};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, Wat};

/// An instance, or the marker that the module was skipped (and why).
#[derive(Copy, Clone)]
enum Slot {
    Live(Instance),
    Skipped(&'static str),
    /// The module failed (counted once, where it failed): what uses it
    /// fails too.
    Failed,
}

struct Script {
    engine: Engine,
    /// The store lives inside a C API store, so calls can go through
    /// `wasmrt_func_call` when `via_capi` is set.
    c_engine: *mut capi::wasm_engine_t,
    c_store: *mut capi::wasm_store_t,
    via_capi: bool,
    refs: ExternRefs,
    /// Exports importable by module name (`register`, plus "spectest").
    registered: HashMap<String, Vec<(String, Extern)>>,
    /// Registered names whose module was skipped, and why.
    registered_skipped: HashMap<String, &'static str>,
    named: HashMap<String, Slot>,
    /// Modules by name, from `(module definition $m ...)` and from
    /// `(module $m ...)` alike, or why the module was skipped.
    definitions: HashMap<String, Result<Module, &'static str>>,
    /// The latest module, of either directive, named or not: what
    /// `(module instance)` without a module name instantiates.
    last_definition: Option<Result<Module, &'static str>>,
    current: Option<Slot>,
    tally: Tally,
}

/// Why running something did not produce values.
enum Failure {
    /// The module or operation needs a feature this engine lacks (3.0).
    Skip(&'static str),
    /// Text to report.
    Error(String),
    /// A trap, with its code when the engine raised it.
    Trap(String, Option<TrapCode>),
    /// A WebAssembly exception no handler caught.
    Exception,
}

/// How a trap from a call or an instantiation fails a directive.
fn trap_failure(t: &Trap) -> Failure {
    if t.exception().is_some() {
        Failure::Exception
    } else {
        Failure::Trap(t.message().to_string(), t.code())
    }
}

fn line_of(text: &str, span: wast::token::Span) -> usize {
    span.linecol_in(text).0 + 1
}

/// The WebAssembly 3.0 proposals the engine implements (on by default;
/// this must list what `wasmrt::Features::default()` turns on). GC is
/// validated (the 3.0 type system lives there) but modules that would
/// create GC objects are refused with `Error::Unsupported`.
fn implemented() -> wasmparser::WasmFeatures {
    use wasmparser::WasmFeatures as F;
    F::WASM2
        | F::EXTENDED_CONST
        | F::MULTI_MEMORY
        | F::MEMORY64
        | F::TAIL_CALL
        | F::RELAXED_SIMD
        | F::FUNCTION_REFERENCES
        | F::EXCEPTIONS
        | F::GC
}

/// Why a module the engine rejected is skipped rather than failed: it
/// needs GC objects (the engine says so with `Error::Unsupported`, only
/// for modules that validate), or it is valid only with a proposal
/// beyond 3.0. `None` when the rejection is a failure.
pub fn skip_reason(error: &wasmrt::Error, bytes: &[u8]) -> Option<&'static str> {
    use wasmparser::{Validator, WasmFeatures as F};
    if let wasmrt::Error::Unsupported { .. } = error {
        return Some("needs GC objects");
    }
    let valid = |f: F| Validator::new_with_features(f).validate_all(bytes).is_ok();
    if valid(implemented()) || !valid(F::all()) {
        return None;
    }
    Some("needs proposals beyond 3.0")
}

fn module_id<'a>(q: &QuoteWat<'a>) -> Option<String> {
    match q {
        QuoteWat::Wat(Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
        _ => None,
    }
}

fn is_binary(q: &QuoteWat<'_>) -> bool {
    matches!(
        q,
        QuoteWat::Wat(Wat::Module(WastModule {
            kind: ModuleKind::Binary(_),
            ..
        }))
    )
}

pub fn run_file(text: &str, via_capi: bool, strategy: Tier) -> Tally {
    // names.wast deliberately uses bidirectional and invisible characters.
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            let mut t = Tally::default();
            t.fail(0, format!("cannot lex the script: {e}"));
            return t;
        }
    };
    let wast = match parser::parse::<Wast>(&buf) {
        Ok(w) => w,
        Err(e) => {
            let mut t = Tally::default();
            t.fail(0, format!("cannot parse the script: {e}"));
            return t;
        }
    };
    let mut s = Script::new(via_capi, strategy);
    for directive in wast.directives {
        let line = line_of(text, directive.span());
        let r = catch_unwind(AssertUnwindSafe(|| s.directive(line, directive)));
        if let Err(panic) = r {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            s.tally.fail(line, format!("engine panicked: {msg}"));
            // The store may be inconsistent after a panic: continue with a
            // fresh one (later assertions on old instances will fail).
            s.reset_store();
        }
    }
    std::mem::take(&mut s.tally)
}

/// The engine store inside the script's C store.
fn st<'a>(c_store: *mut capi::wasm_store_t) -> &'a mut Store {
    // SAFETY: the C store lives as long as the script, and the runner is
    // single-threaded and never holds two of these references across a call
    // that makes another.
    unsafe { testing::store_mut(c_store) }
}

impl Drop for Script {
    fn drop(&mut self) {
        // SAFETY: both were made in `Script::new`/`reset_store` and are
        // deleted once.
        unsafe {
            capi::wasm_store_delete(self.c_store);
            capi::wasm_engine_delete(self.c_engine);
        }
    }
}

impl Script {
    fn new(via_capi: bool, strategy: Tier) -> Script {
        // SAFETY: plain constructor calls of the C API.
        let (c_engine, c_store) = unsafe {
            let config = capi::wasm_config_new();
            use capi::wasmrt_strategy_t as S;
            let s = match strategy {
                Tier::Interp => S::WASMRT_STRATEGY_INTERPRETER,
                Tier::Jit => S::WASMRT_STRATEGY_JIT,
                Tier::Auto | Tier::AutoEager | Tier::AutoBaseline => S::WASMRT_STRATEGY_AUTO,
            };
            capi::wasmrt_config_strategy_set(config, s);
            if strategy == Tier::AutoEager {
                capi::wasmrt_config_tier_up_threshold_set(config, 1);
                capi::wasmrt_config_tier_up_in_background_set(config, false);
            }
            if strategy == Tier::AutoBaseline {
                capi::wasmrt_config_baseline_set(config, true);
            }
            let e = capi::wasm_engine_new_with_config(config);
            (e, capi::wasm_store_new(e))
        };
        let engine = st(c_store).engine().clone();
        let mut s = Script {
            engine,
            c_engine,
            c_store,
            via_capi,
            refs: ExternRefs::default(),
            registered: HashMap::new(),
            registered_skipped: HashMap::new(),
            named: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            current: None,
            tally: Tally::default(),
        };
        s.add_spectest();
        s
    }

    fn reset_store(&mut self) {
        // SAFETY: the old store is ours and no handle of it survives.
        unsafe {
            capi::wasm_store_delete(self.c_store);
            self.c_store = capi::wasm_store_new(self.c_engine);
        }
        self.refs = ExternRefs::default();
        self.registered.clear();
        self.named.clear();
        self.current = None;
        self.add_spectest();
    }

    /// The "spectest" module the testsuite imports from.
    fn add_spectest(&mut self) {
        let st = st(self.c_store);
        let mut exports = Vec::new();
        let print = |st: &mut Store, params: &[ValType]| {
            Extern::Func(Func::new(
                st,
                FuncType::new(params.iter().copied(), []),
                |_, _, _| Ok(()),
            ))
        };
        use ValType::*;
        for (name, params) in [
            ("print", &[][..]),
            ("print_i32", &[I32][..]),
            ("print_i64", &[I64][..]),
            ("print_f32", &[F32][..]),
            ("print_f64", &[F64][..]),
            ("print_i32_f32", &[I32, F32][..]),
            ("print_f64_f64", &[F64, F64][..]),
        ] {
            exports.push((name.to_string(), print(st, params)));
        }
        let global = |st: &mut Store, ty, v| {
            Extern::Global(Global::new(st, GlobalType::new(ty, Mutability::Const), v).unwrap())
        };
        exports.push(("global_i32".into(), global(st, I32, Val::I32(666))));
        exports.push(("global_i64".into(), global(st, I64, Val::I64(666))));
        exports.push(("global_f32".into(), global(st, F32, Val::f32(666.6))));
        exports.push(("global_f64".into(), global(st, F64, Val::f64(666.6))));
        let table = Table::new(
            st,
            TableType::new(ValType::FuncRef, 10, Some(20)),
            Val::FuncRef(None),
        );
        exports.push(("table".into(), Extern::Table(table.unwrap())));
        let mut ty64 = TableType::new(ValType::FuncRef, 10, Some(20));
        ty64.table64 = true;
        let table64 = Table::new(st, ty64, Val::FuncRef(None));
        exports.push(("table64".into(), Extern::Table(table64.unwrap())));
        let memory = Memory::new(st, MemoryType::new(1, Some(2)));
        exports.push(("memory".into(), Extern::Memory(memory.unwrap())));
        self.registered.insert("spectest".into(), exports);
    }

    fn slot(&self, id: Option<wast::token::Id<'_>>) -> Option<Slot> {
        match id {
            Some(id) => self.named.get(id.name()).copied(),
            None => self.current,
        }
    }

    /// Compiles a module; `Skip` for modules that need a 3.0 proposal
    /// the engine does not implement.
    fn compile(&self, bytes: &[u8]) -> Result<Module, Failure> {
        match self.new_module(bytes).map_err(Failure::Error)? {
            Ok(m) => Ok(m),
            Err(e) => match skip_reason(&e, bytes) {
                Some(why) => Err(Failure::Skip(why)),
                None => Err(Failure::Error(format!("compile error: {e}"))),
            },
        }
    }

    /// `Module::new`, checked against `Module::validate`, which must
    /// accept exactly the modules it accepts (`Err` when they disagree).
    fn new_module(&self, bytes: &[u8]) -> Result<Result<Module, wasmrt::Error>, String> {
        let module = Module::new(&self.engine, bytes);
        let valid = Module::validate(&self.engine, bytes);
        match (&module, &valid) {
            (Ok(_), Err(e)) => Err(format!(
                "Module::validate refuses a module Module::new accepts: {e}"
            )),
            (Err(e), Ok(())) => Err(format!(
                "Module::validate accepts a module Module::new refuses: {e}"
            )),
            _ => Ok(module),
        }
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, Failure> {
        let mut imports = Vec::new();
        for imp in module.imports() {
            if let Some(why) = self.registered_skipped.get(&imp.module) {
                return Err(Failure::Skip(why));
            }
            let found = self
                .registered
                .get(&imp.module)
                .and_then(|exports| exports.iter().find(|(n, _)| *n == imp.name))
                .map(|(_, e)| *e);
            match found {
                Some(e) => imports.push(e),
                None => {
                    return Err(Failure::Error(format!(
                        "unknown import \"{}\" \"{}\"",
                        imp.module, imp.name
                    )))
                }
            }
        }
        match Instance::new(st(self.c_store), module, &imports) {
            Ok(i) => Ok(i),
            Err(Error::Trap(t)) => Err(trap_failure(&t)),
            Err(e) => Err(Failure::Error(e.to_string())),
        }
    }

    /// Compiles a module or module definition directive's module and
    /// records it as a definition under the directive's name, if any, and
    /// as the latest one: as in the specification's interpreter, where
    /// `(module $m ...)` defines `$m` and then instantiates it, a later
    /// `(module instance)` can instantiate either kind again.
    fn define(&mut self, q: &mut QuoteWat<'_>) -> Result<Module, Failure> {
        let id = module_id(q);
        let compiled = q
            .encode()
            .map_err(|e| Failure::Error(format!("cannot encode module: {e}")))
            .and_then(|bytes| self.compile(&bytes));
        let definition = match &compiled {
            Ok(m) => Ok(m.clone()),
            Err(Failure::Skip(why)) => Err(*why),
            Err(_) => Err(""),
        };
        if let Some(id) = id {
            self.definitions.insert(id, definition.clone());
        }
        self.last_definition = Some(definition);
        compiled
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Vec<Val>, Failure> {
        let inst = match self.slot(inv.module) {
            Some(Slot::Live(i)) => i,
            Some(Slot::Skipped(why)) => return Err(Failure::Skip(why)),
            Some(Slot::Failed) => return Err(Failure::Error("the module failed".into())),
            None => return Err(Failure::Error("no module to invoke".into())),
        };
        let func = inst
            .get_func(st(self.c_store), inv.name)
            .ok_or_else(|| Failure::Error(format!("no exported function \"{}\"", inv.name)))?;
        let mut args = Vec::new();
        for a in &inv.args {
            match values::arg(st(self.c_store), &mut self.refs, a) {
                Some(v) => args.push(v),
                None => return Err(Failure::Skip("3.0 value kind")),
            }
        }
        if self.via_capi {
            return self.call_via_capi(func, &args);
        }
        let ty = func.ty(st(self.c_store));
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        func.call(st(self.c_store), &args, &mut results)
            .map_err(|t| trap_failure(&t))?;
        Ok(results)
    }

    /// Calls `func` through the C API (`wasmrt_func_call`, which also
    /// carries v128 values), converting arguments and results at the C
    /// boundary as an embedder would.
    fn call_via_capi(&mut self, func: Func, args: &[Val]) -> Result<Vec<Val>, Failure> {
        use capi::{wasmrt_val_t, wasmrt_val_union};
        let c_store = self.c_store;
        let ty = func.ty(st(c_store));
        let mut cargs = Vec::with_capacity(args.len());
        for a in args {
            let (kind, of) = match *a {
                Val::I32(x) => (capi::WASM_I32, wasmrt_val_union { i32: x }),
                Val::I64(x) => (capi::WASM_I64, wasmrt_val_union { i64: x }),
                Val::F32(x) => (
                    capi::WASM_F32,
                    wasmrt_val_union {
                        f32: f32::from_bits(x),
                    },
                ),
                Val::F64(x) => (
                    capi::WASM_F64,
                    wasmrt_val_union {
                        f64: f64::from_bits(x),
                    },
                ),
                Val::V128(x) => (
                    capi::WASMRT_V128,
                    wasmrt_val_union {
                        v128: x.to_le_bytes(),
                    },
                ),
                Val::FuncRef(f) => (
                    capi::WASM_FUNCREF,
                    wasmrt_val_union {
                        r#ref: f.map_or(std::ptr::null_mut(), |f| {
                            testing::func_handle(c_store, f).cast()
                        }),
                    },
                ),
                Val::ExternRef(e) => (
                    capi::WASM_EXTERNREF,
                    wasmrt_val_union {
                        r#ref: e.map_or(std::ptr::null_mut(), |e| {
                            testing::externref_handle(c_store, e)
                        }),
                    },
                ),
                // wasm.h has no kind for these: nulls travel as a null
                // externref-kind value (as `wasm_func_call` returns them).
                Val::ExnRef(None) | Val::AnyRef(None) => (
                    capi::WASM_EXTERNREF,
                    wasmrt_val_union {
                        r#ref: std::ptr::null_mut(),
                    },
                ),
                // Scripts pass no exception objects to calls.
                Val::ExnRef(Some(_)) => return Err(Failure::Skip("3.0 value kind")),
                Val::AnyRef(Some(gc_object)) => match gc_object {},
            };
            cargs.push(wasmrt_val_t { kind, of });
        }
        let blank = wasmrt_val_t {
            kind: capi::WASM_I32,
            of: wasmrt_val_union { i64: 0 },
        };
        let mut cres = vec![blank; ty.results().len()];
        let handle = testing::func_handle(c_store, func);
        // SAFETY: live handle, argument and result arrays of the right
        // lengths; every reference handle made here is deleted below.
        let trap = unsafe {
            capi::wasmrt_func_call(
                handle,
                cargs.as_ptr(),
                cargs.len(),
                cres.as_mut_ptr(),
                cres.len(),
            )
        };
        let free_ref = |kind: u8, of: wasmrt_val_union| {
            if kind == capi::WASM_FUNCREF || kind == capi::WASM_EXTERNREF {
                // SAFETY: reference values own their handle (or hold null).
                unsafe { capi::wasm_ref_delete(of.r#ref) }
            }
        };
        for a in &cargs {
            free_ref(a.kind, a.of);
        }
        // SAFETY: the handle was made above.
        unsafe { capi::wasm_func_delete(handle) };
        if !trap.is_null() {
            // SAFETY: a live trap; the reference it gives is deleted here.
            let exn = unsafe { capi::wasmrt_trap_exception(trap) };
            if !exn.is_null() {
                // SAFETY: both made by the calls above, deleted once.
                unsafe {
                    capi::wasm_ref_delete(exn);
                    capi::wasm_trap_delete(trap);
                }
                return Err(Failure::Exception);
            }
            let mut msg = capi::wasm_byte_vec_t::empty();
            // SAFETY: a trap returned by the call, deleted here.
            let text = unsafe {
                capi::wasm_trap_message(trap, &mut msg);
                let t = String::from_utf8_lossy(msg.as_slice())
                    .trim_end_matches('\0')
                    .to_string();
                capi::wasm_byte_vec_delete(&mut msg);
                capi::wasm_trap_delete(trap);
                t
            };
            let code =
                (text == TrapCode::StackExhausted.message()).then_some(TrapCode::StackExhausted);
            return Err(Failure::Trap(text, code));
        }
        let mut out = Vec::with_capacity(cres.len());
        for (c, t) in cres.iter().zip(ty.results()) {
            // SAFETY: the union member read is the one `kind` says is set.
            let v = unsafe {
                match c.kind {
                    capi::WASM_I32 => Val::I32(c.of.i32),
                    capi::WASM_I64 => Val::I64(c.of.i64),
                    capi::WASM_F32 => Val::F32(c.of.f32.to_bits()),
                    capi::WASM_F64 => Val::F64(c.of.f64.to_bits()),
                    capi::WASMRT_V128 => Val::V128(u128::from_le_bytes(c.of.v128)),
                    _ => {
                        let v = testing::ref_value(c_store, c.of.r#ref, *t);
                        free_ref(c.kind, c.of);
                        v.ok_or_else(|| Failure::Error("bad reference result".into()))?
                    }
                }
            };
            // A value's own type is the abstract one (`funcref`,
            // `externref`): for a typed reference result, the kind is
            // what can be compared.
            let same_kind = match (v.ty(), *t) {
                (ValType::Ref(a), ValType::Ref(b)) => a.is_func() == b.is_func(),
                (a, b) => a == b,
            };
            if !same_kind {
                return Err(Failure::Error(format!(
                    "C API returned {:?} for a {t} result",
                    v
                )));
            }
            out.push(v);
        }
        Ok(out)
    }

    fn execute(&mut self, exec: &mut WastExecute<'_>) -> Result<Vec<Val>, Failure> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(inv),
            WastExecute::Wat(wat) => {
                let bytes = wat
                    .encode()
                    .map_err(|e| Failure::Error(format!("cannot encode module: {e}")))?;
                let module = self.compile(&bytes)?;
                self.instantiate(&module).map(|_| Vec::new())
            }
            WastExecute::Get { module, global, .. } => {
                let inst = match self.slot(*module) {
                    Some(Slot::Live(i)) => i,
                    Some(Slot::Skipped(why)) => return Err(Failure::Skip(why)),
                    Some(Slot::Failed) => return Err(Failure::Error("the module failed".into())),
                    None => return Err(Failure::Error("no module".into())),
                };
                match inst.get_export(st(self.c_store), global) {
                    Some(Extern::Global(g)) => Ok(vec![g.get(st(self.c_store))]),
                    _ => Err(Failure::Error(format!("no exported global \"{global}\""))),
                }
            }
        }
    }

    /// Records the outcome of something that should succeed.
    fn expect_ok<T>(&mut self, line: usize, r: Result<T, Failure>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(Failure::Skip(why)) => {
                self.tally.skip(why);
                None
            }
            Err(Failure::Error(e)) => {
                self.tally.fail(line, e);
                None
            }
            Err(Failure::Trap(m, _)) => {
                self.tally.fail(line, format!("unexpected trap: {m}"));
                None
            }
            Err(Failure::Exception) => {
                self.tally
                    .fail(line, "unexpected uncaught exception".into());
                None
            }
        }
    }

    /// Counts an instantiation that should succeed and returns what the
    /// script's later assertions refer to.
    fn instance_slot(&mut self, line: usize, r: Result<Instance, Failure>) -> Slot {
        match r {
            Ok(i) => {
                self.tally.pass();
                Slot::Live(i)
            }
            Err(Failure::Skip(why)) => {
                self.tally.skip(why);
                Slot::Skipped(why)
            }
            Err(f) => {
                self.expect_ok::<()>(line, Err(f));
                Slot::Failed
            }
        }
    }

    fn directive(&mut self, line: usize, d: WastDirective<'_>) {
        match d {
            WastDirective::Module(mut q) => {
                let id = module_id(&q);
                let r = self.define(&mut q).and_then(|m| self.instantiate(&m));
                let slot = self.instance_slot(line, r);
                self.current = Some(slot);
                if let Some(id) = id {
                    self.named.insert(id, slot);
                }
            }
            WastDirective::ModuleDefinition(mut q) => {
                let compiled = self.define(&mut q);
                if self.expect_ok(line, compiled).is_some() {
                    self.tally.pass();
                }
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = match module {
                    Some(m) => self.definitions.get(m.name()).cloned(),
                    None => self.last_definition.clone(),
                };
                let slot = match def {
                    Some(Ok(m)) => {
                        let r = self.instantiate(&m);
                        self.instance_slot(line, r)
                    }
                    Some(Err("")) => {
                        self.tally.fail(line, "the module definition failed".into());
                        Slot::Failed
                    }
                    Some(Err(why)) => {
                        self.tally.skip(why);
                        Slot::Skipped(why)
                    }
                    None => {
                        self.tally.fail(line, "unknown module definition".into());
                        Slot::Failed
                    }
                };
                self.current = Some(slot);
                if let Some(id) = instance {
                    self.named.insert(id.name().to_string(), slot);
                }
            }
            WastDirective::Register { name, module, .. } => match self.slot(module) {
                Some(Slot::Live(i)) => {
                    let exports = i.exports(st(self.c_store)).to_vec();
                    self.registered.insert(name.to_string(), exports);
                    self.registered_skipped.remove(name);
                    self.tally.pass();
                }
                Some(Slot::Skipped(why)) => {
                    self.registered_skipped.insert(name.to_string(), why);
                    self.tally.skip(why);
                }
                Some(Slot::Failed) => self.tally.fail(line, "register: the module failed".into()),
                None => self.tally.fail(line, "register: no such module".into()),
            },
            WastDirective::Invoke(inv) => {
                let r = self.invoke(&inv);
                if self.expect_ok(line, r).is_some() {
                    self.tally.pass();
                }
            }
            WastDirective::AssertReturn {
                mut exec, results, ..
            } => {
                let r = self.execute(&mut exec);
                let Some(got) = self.expect_ok(line, r) else {
                    return;
                };
                if got.len() != results.len() {
                    self.tally.fail(
                        line,
                        format!("expected {} results, got {got:?}", results.len()),
                    );
                    return;
                }
                for (want, v) in results.iter().zip(&got) {
                    match values::matches(st(self.c_store), want, v) {
                        Ok(true) => {}
                        Ok(false) => {
                            self.tally
                                .fail(line, format!("expected {want:?}, got {got:?}"));
                            return;
                        }
                        Err(()) => {
                            self.tally.skip("3.0 value kind");
                            return;
                        }
                    }
                }
                self.tally.pass();
            }
            WastDirective::AssertTrap {
                mut exec, message, ..
            } => match self.execute(&mut exec) {
                Err(Failure::Trap(m, _)) => self.check_message(line, message, &m),
                Err(Failure::Skip(why)) => self.tally.skip(why),
                Err(Failure::Error(e)) => self
                    .tally
                    .fail(line, format!("expected trap \"{message}\", got error: {e}")),
                Err(Failure::Exception) => self.tally.fail(
                    line,
                    format!("expected trap \"{message}\", got an uncaught exception"),
                ),
                Ok(v) => self
                    .tally
                    .fail(line, format!("expected trap \"{message}\", got {v:?}")),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Err(Failure::Trap(_, Some(TrapCode::StackExhausted))) => self.tally.pass(),
                Err(Failure::Skip(why)) => self.tally.skip(why),
                Err(Failure::Trap(m, _)) | Err(Failure::Error(m)) => self
                    .tally
                    .fail(line, format!("expected exhaustion \"{message}\", got {m}")),
                Err(Failure::Exception) => self.tally.fail(
                    line,
                    format!("expected exhaustion \"{message}\", got an exception"),
                ),
                Ok(v) => self
                    .tally
                    .fail(line, format!("expected exhaustion, got {v:?}")),
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => {
                let bytes = match module.encode() {
                    Ok(b) => b,
                    Err(_) => {
                        // The text parser rejected what the script calls an
                        // invalid module: that is a text-format matter.
                        self.tally.skip("text-format");
                        return;
                    }
                };
                match self.new_module(&bytes) {
                    Err(disagree) => self.tally.fail(line, disagree),
                    // Valid to wasmparser after all, refused for GC objects.
                    Ok(Err(wasmrt::Error::Unsupported { .. })) => {
                        self.tally.skip("needs GC objects")
                    }
                    Ok(Err(_)) => self.tally.pass(),
                    Ok(Ok(_)) => self.tally.fail(
                        line,
                        format!("invalid module accepted (expected \"{message}\")"),
                    ),
                }
            }
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                if !is_binary(&module) {
                    self.tally.skip("text-format");
                    return;
                }
                match module.encode() {
                    Ok(bytes) => match self.new_module(&bytes) {
                        Err(disagree) => self.tally.fail(line, disagree),
                        Ok(Err(_)) => self.tally.pass(),
                        Ok(Ok(_)) => self.tally.fail(
                            line,
                            format!("malformed module accepted (expected \"{message}\")"),
                        ),
                    },
                    Err(e) => self.tally.fail(line, format!("cannot encode: {e}")),
                }
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let compiled = module
                    .encode()
                    .map_err(|e| Failure::Error(format!("cannot encode module: {e}")))
                    .and_then(|bytes| self.compile(&bytes));
                let module = match compiled {
                    Ok(m) => m,
                    Err(Failure::Skip(why)) => return self.tally.skip(why),
                    Err(Failure::Error(e)) | Err(Failure::Trap(e, _)) => {
                        return self.tally.fail(line, e)
                    }
                    Err(Failure::Exception) => {
                        return self.tally.fail(line, "uncaught exception".into())
                    }
                };
                match self.instantiate(&module) {
                    Err(Failure::Error(_)) => self.tally.pass(),
                    Err(Failure::Skip(why)) => self.tally.skip(why),
                    Err(Failure::Trap(m, _)) => self.tally.fail(
                        line,
                        format!("expected link error \"{message}\", got trap {m}"),
                    ),
                    Err(Failure::Exception) => self.tally.fail(
                        line,
                        format!("expected link error \"{message}\", got an exception"),
                    ),
                    Ok(_) => self
                        .tally
                        .fail(line, format!("expected link error \"{message}\", linked")),
                }
            }
            WastDirective::AssertException { mut exec, .. } => match self.execute(&mut exec) {
                Err(Failure::Exception) => self.tally.pass(),
                Err(Failure::Skip(why)) => self.tally.skip(why),
                Err(Failure::Trap(m, _)) | Err(Failure::Error(m)) => self
                    .tally
                    .fail(line, format!("expected an exception, got {m}")),
                Ok(v) => self
                    .tally
                    .fail(line, format!("expected an exception, got {v:?}")),
            },
            WastDirective::AssertInvalidCustom { .. } => self.tally.skip("custom sections"),
            _ => self.tally.skip("3.0 directive"),
        }
    }

    /// A trap counts as the expected one when one message starts with the
    /// other (the testsuite sometimes abbreviates, e.g. "unreachable").
    fn check_message(&mut self, line: usize, expected: &str, got: &str) {
        if got.starts_with(expected) || expected.starts_with(got) {
            self.tally.pass();
        } else {
            self.tally.fail(
                line,
                format!("trap message \"{got}\", expected \"{expected}\""),
            );
        }
    }
}

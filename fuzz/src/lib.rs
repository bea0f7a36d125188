//! Shared pieces of the fuzz targets: the wasm-smith configuration that
//! matches what wasmrt enables by default, import stubs, and a runner that
//! calls every exported function and records what happened.

pub mod wasi;

use arbitrary::{Arbitrary, Result, Unstructured};
use wasmrt::*;

/// wasm-smith settings restricted to wasmrt's default features (see
/// `Features::to_wasmparser`): no GC, threads, wide arithmetic or custom
/// page sizes. wasm-smith generates typed function
/// references only together with GC, so they are left out too (the
/// `validate` target's raw-bytes mode still reaches them).
pub fn smith_config(u: &mut Unstructured<'_>) -> Result<wasm_smith::Config> {
    let mut c = wasm_smith::Config::arbitrary(u)?;
    c.gc_enabled = false;
    c.compact_imports_enabled = false;
    c.acquire_release_atomics_enabled = false;
    c.multibyte_array_access_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.custom_page_sizes_enabled = false;
    c.wide_arithmetic_enabled = false;
    c.custom_descriptors_enabled = false;
    c.available_imports = None;
    c.exports = None;
    Ok(c)
}

/// A config for modules that will be run: small memories and tables, and
/// every loop and call charged against a fuel global so each run ends.
pub fn run_config(u: &mut Unstructured<'_>) -> Result<wasm_smith::Config> {
    let mut c = smith_config(u)?;
    c.max_memory32_bytes = 1 << 20;
    c.max_memory64_bytes = 1 << 20;
    c.max_table_elements = 1000;
    c.max_memories = c.max_memories.min(2);
    c.max_tables = c.max_tables.min(4);
    c.max_funcs = c.max_funcs.min(50);
    c.max_instructions = c.max_instructions.min(1000);
    c.min_uleb_size = 0;
    c.export_everything = true;
    Ok(c)
}

/// Generates a module that terminates: a wasm-smith module instrumented
/// with `ensure_termination` (fuel global decremented in every loop header
/// and function entry; trapping with `unreachable` when it runs out).
pub fn terminating_module(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let config = run_config(u)?;
    let mut m = wasm_smith::Module::new(config, u)?;
    m.ensure_termination(1000)
        .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    Ok(m.to_bytes())
}

/// The wasmparser features wasmrt enables by default.
pub fn wasmrt_features() -> wasmparser::WasmFeatures {
    use wasmparser::WasmFeatures as F;
    let mut f = F::empty();
    for x in [
        F::MUTABLE_GLOBAL,
        F::SATURATING_FLOAT_TO_INT,
        F::SIGN_EXTENSION,
        F::MULTI_VALUE,
        F::BULK_MEMORY,
        F::REFERENCE_TYPES,
        F::SIMD,
        F::EXTENDED_CONST,
        F::MULTI_MEMORY,
        F::MEMORY64,
        F::TAIL_CALL,
        F::RELAXED_SIMD,
        F::FUNCTION_REFERENCES,
        F::EXCEPTIONS,
        // The 3.0 type system; modules with GC objects are refused with
        // `Error::Unsupported` (see the `validate` target).
        F::GC,
        F::MVP,
    ] {
        f.insert(x);
    }
    f
}

/// One import satisfied by a stub: functions return default values,
/// globals, tables and memories are created with the imported type.
fn stub(store: &mut Store, ty: &ExternType) -> Option<Extern> {
    Some(match ty {
        ExternType::Func(ft) => {
            let results: Vec<ValType> = ft.results().to_vec();
            Extern::Func(Func::new(store, ft.clone(), move |_, _, out| {
                for (slot, t) in out.iter_mut().zip(&results) {
                    *slot = Val::default_for(*t);
                }
                Ok(())
            }))
        }
        ExternType::Global(g) => {
            Extern::Global(Global::new(store, *g, Val::default_for(g.content)).ok()?)
        }
        ExternType::Table(t) => {
            Extern::Table(Table::new(store, *t, Val::default_for(t.element)).ok()?)
        }
        ExternType::Memory(m) => Extern::Memory(Memory::new(store, *m).ok()?),
        ExternType::Tag(t) => Extern::Tag(Tag::new(store, t.clone())),
    })
}

/// What one export call did, in a form the tiers can be compared by.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Returned(Vec<Canon>),
    Trapped(Option<TrapCode>, String),
}

/// A value with NaNs canonicalised (the spec lets NaN payloads differ).
#[derive(Debug, PartialEq)]
pub enum Canon {
    Bits(u128),
    Nan,
    Ref(bool),
}

fn canon(v: &Val) -> Canon {
    match *v {
        Val::I32(x) => Canon::Bits(x as u32 as u128),
        Val::I64(x) => Canon::Bits(x as u64 as u128),
        Val::F32(b) if f32::from_bits(b).is_nan() => Canon::Nan,
        Val::F32(b) => Canon::Bits(b as u128),
        Val::F64(b) if f64::from_bits(b).is_nan() => Canon::Nan,
        Val::F64(b) => Canon::Bits(b as u128),
        Val::V128(b) => Canon::Bits(b),
        Val::FuncRef(ref f) => Canon::Ref(f.is_some()),
        Val::ExternRef(ref e) => Canon::Ref(e.is_some()),
        Val::ExnRef(ref e) => Canon::Ref(e.is_some()),
        Val::AnyRef(ref e) => Canon::Ref(e.is_some()),
    }
}

/// Everything observable after running a module's exports.
#[derive(Debug, PartialEq)]
pub struct Report {
    pub instantiate: Result<(), String>,
    pub calls: Vec<(String, Outcome)>,
    pub globals: Vec<(String, Canon)>,
    pub memories: Vec<(String, u64)>,
    /// With fuel metering: the fuel left after each call, in call order.
    pub fuel_left: Vec<u64>,
}

fn hash(bytes: &[u8]) -> u64 {
    // FNV-1a: stable and dependency-free.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h ^ bytes.len() as u64
}

/// Compiles `wasm` with `config`, instantiates it with stubbed imports
/// and calls every exported function with default arguments, in export
/// order. `None` when the module does not compile.
pub fn run(config: &Config, wasm: &[u8]) -> Option<Report> {
    run_metered(config, wasm, None)
}

/// As [`run`]; with `fuel`, the engine consumes fuel and the store gets
/// that much before instantiation and before each call.
pub fn run_metered(config: &Config, wasm: &[u8], fuel: Option<u64>) -> Option<Report> {
    let mut config = config.clone();
    config.consume_fuel(fuel.is_some());
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wasm).ok()?;
    let mut store = Store::new(&engine);
    // wasm-smith bounds the declared sizes, not growth: without a limit a
    // module may memory.grow to 4 GiB, and hashing that (instrumented,
    // byte by byte) took 221 s in one run. The limit also puts the
    // store limits under the fuzzer, identically in every tier.
    store.set_limits(StoreLimits {
        memory_bytes: 16 << 20,
        table_elements: 100_000,
        ..StoreLimits::default()
    });
    let refuel = |store: &mut Store| {
        if let Some(fuel) = fuel {
            store.set_fuel(fuel).expect("the engine consumes fuel");
        }
    };
    refuel(&mut store);
    let mut imports = Vec::new();
    for i in module.imports() {
        imports.push(stub(&mut store, &i.ty)?);
    }
    let instance = match Instance::new(&mut store, &module, &imports) {
        Ok(i) => i,
        Err(e) => {
            return Some(Report {
                instantiate: Err(e.to_string()),
                calls: Vec::new(),
                globals: Vec::new(),
                memories: Vec::new(),
                fuel_left: fuel
                    .map(|_| store.get_fuel().unwrap())
                    .into_iter()
                    .collect(),
            })
        }
    };
    let exports: Vec<(String, Extern)> = instance.exports(&store).to_vec();
    let mut calls = Vec::new();
    let mut fuel_left = Vec::new();
    for (name, ext) in &exports {
        if let Extern::Func(f) = ext {
            let ty = f.ty(&store);
            let args: Vec<Val> = ty.params().iter().map(|t| Val::default_for(*t)).collect();
            let mut out: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
            refuel(&mut store);
            let outcome = match f.call(&mut store, &args, &mut out) {
                Ok(()) => Outcome::Returned(out.iter().map(canon).collect()),
                Err(t) => Outcome::Trapped(t.code(), t.message().to_string()),
            };
            calls.push((name.clone(), outcome));
            if fuel.is_some() {
                fuel_left.push(store.get_fuel().unwrap());
            }
        }
    }
    let mut globals = Vec::new();
    let mut memories = Vec::new();
    for (name, ext) in &exports {
        match ext {
            Extern::Global(g) => globals.push((name.clone(), canon(&g.get(&store)))),
            Extern::Memory(m) => memories.push((name.clone(), hash(m.data(&store)))),
            _ => {}
        }
    }
    Some(Report {
        instantiate: Ok(()),
        calls,
        globals,
        memories,
        fuel_left,
    })
}

//! Malformed and mutated modules never crash the engine: thousands of
//! deterministic mutations (byte flips, insertions, deletions, truncations)
//! of real modules go through `Module::new` and, when they compile,
//! instantiation with host-made imports. Every outcome must be `Ok` or an
//! `Err` — a panic fails the test. (Calling exports needs fuel or
//! interruption to bound mutated infinite loops; that comes with the
//! sandbox controls.)

use std::panic::{catch_unwind, AssertUnwindSafe};
use wasmrt::*;

/// xorshift64*: deterministic, so a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The seed modules, in a fixed order (sorted by path) so that a failing
/// mutation number names the same case on every machine: the `.wat`
/// files of `c-examples/` and `capi-tests/`, the small benchmark kernels
/// copied into `tests/seeds/` (from `../shared/bench/wasm`, so a clone
/// without `../shared` runs the same cases), and any further kernel under
/// 64 KiB in `../shared/bench/wasm` when that directory exists.
fn seeds() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sorted = |dir: std::path::PathBuf, ext: &str| -> Vec<std::path::PathBuf> {
        let mut paths: Vec<_> = match std::fs::read_dir(&dir) {
            Ok(d) => d
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect(),
            Err(_) => Vec::new(),
        };
        paths.sort();
        paths
    };
    let mut out: Vec<Vec<u8>> = Vec::new();
    for dir in ["c-examples", "capi-tests"] {
        for p in sorted(root.join(dir), "wat") {
            out.push(wat2wasm(&std::fs::read_to_string(&p).unwrap()).unwrap());
        }
    }
    let committed = sorted(root.join("tests/seeds"), "wasm");
    assert!(committed.len() >= 10, "tests/seeds/ lost its modules");
    for p in committed
        .into_iter()
        .chain(sorted(root.join("../shared/bench/wasm"), "wasm"))
    {
        let bytes = std::fs::read(&p).unwrap();
        if bytes.len() < 64 * 1024 && !out.contains(&bytes) {
            out.push(bytes);
        }
    }
    out
}

fn mutate(rng: &mut Rng, mut m: Vec<u8>) -> Vec<u8> {
    for _ in 0..1 + rng.below(4) {
        if m.is_empty() {
            break;
        }
        let at = rng.below(m.len());
        match rng.below(5) {
            0 => m[at] ^= 1 << rng.below(8),
            1 => m[at] = rng.next() as u8,
            2 => m.insert(at, rng.next() as u8),
            3 => {
                m.remove(at);
            }
            _ => m.truncate(at),
        }
    }
    m
}

/// Host objects matching each import's type, so instantiation gets as far
/// as it can.
fn imports_for(store: &mut Store, module: &Module) -> Option<Vec<Extern>> {
    let mut out = Vec::new();
    for imp in module.imports() {
        out.push(match &imp.ty {
            ExternType::Func(ft) => {
                let results: Vec<ValType> = ft.results().to_vec();
                Extern::Func(Func::new(store, ft.clone(), move |_, _, res| {
                    for (r, t) in res.iter_mut().zip(&results) {
                        *r = Val::default_for(*t);
                    }
                    Ok(())
                }))
            }
            ExternType::Global(gt) => {
                Extern::Global(Global::new(store, *gt, Val::default_for(gt.content)).ok()?)
            }
            ExternType::Table(tt) => {
                Extern::Table(Table::new(store, *tt, Val::default_for(tt.element)).ok()?)
            }
            ExternType::Memory(mt) => Extern::Memory(Memory::new(store, *mt).ok()?),
            ExternType::Tag(_) => return None,
        });
    }
    Some(out)
}

#[test]
fn mutated_modules_never_panic() {
    let seeds = seeds();
    let engine = Engine::default();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut compiled, mut instantiated) = (0, 0);
    let iterations = 20_000;
    for i in 0..iterations {
        let seed = &seeds[rng.below(seeds.len())];
        let bytes = mutate(&mut rng, seed.clone());
        let r = catch_unwind(AssertUnwindSafe(|| {
            let Ok(module) = Module::new(&engine, &bytes) else {
                return (false, false);
            };
            // A mutated start function could loop forever: skip those.
            let has_start = wasmparser::Parser::new(0)
                .parse_all(&bytes)
                .any(|p| matches!(p, Ok(wasmparser::Payload::StartSection { .. })));
            if has_start {
                return (true, false);
            }
            let mut store = Store::new(&engine);
            let Some(imports) = imports_for(&mut store, &module) else {
                return (true, false);
            };
            (true, Instance::new(&mut store, &module, &imports).is_ok())
        }));
        match r {
            Ok((c, inst)) => {
                compiled += c as usize;
                instantiated += inst as usize;
            }
            Err(_) => panic!("engine panicked on mutation #{i} ({} bytes)", bytes.len()),
        }
    }
    println!(
        "{iterations} mutations of {} seeds: {compiled} compiled, {instantiated} instantiated",
        seeds.len()
    );
    assert!(
        compiled > 0,
        "no mutation compiled: the mutator is too destructive"
    );
}

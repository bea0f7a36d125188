//! Serialized modules (`.cwasm`, `wasm_module_serialize`): a versioned,
//! checksummed envelope around the original binary and, when the engine
//! compiled the module with the JIT (`jit` strategy), its native code for
//! this CPU, so loading does not compile the functions again.
//!
//! Layout (little-endian): magic, format, library version, target triple,
//! code-generator settings for this CPU, the engine settings that change
//! generated code (`name=value` lines), the binary, the native code (or
//! none), and an FNV-1a checksum of everything before it. Loading checks
//! them in that order and names what differs; the binary is validated and
//! translated for the interpreter again (cheap next to code generation).
//! The checksum detects damage, not tampering: like wasmtime's
//! `Module::deserialize`, loading native code trusts that the file was
//! made by this library.

use super::compile::compile_with;
use super::error::Error;
use super::module::Module;
use super::Engine;

const MAGIC: &[u8; 8] = b"WASMRT\0M";
/// The layout of the data after the header; changed with it (3: native
/// functions list their stack-limit trap sites; 4: one list of trap sites,
/// each with its trap; 5: native code reads memory 0's base from the
/// VMContext's `memory0_base`, which moved the fields after it; 6: and
/// an instance's defined globals at offsets from its context).
const FORMAT: u32 = 6;

/// FNV-1a over `bytes` (changes with any single damaged byte).
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The target triple and the code generator's settings for this CPU
/// (empty without the JIT).
fn target() -> Result<(String, Vec<String>), Error> {
    #[cfg(feature = "jit")]
    return crate::jit::target().map_err(|e| Error::Invalid(e.to_string()));
    #[cfg(not(feature = "jit"))]
    Ok((String::new(), Vec::new()))
}

/// The engine settings that change what compiling a module produces.
fn settings(engine: &Engine) -> Vec<String> {
    let c = engine.config();
    vec![
        format!("strategy={:?}", c.strategy),
        format!("features={:?}", c.features),
        format!("guard_pages={}", c.guard_pages),
        // Native code has the fuel and epoch checks compiled in (or not).
        format!("consume_fuel={}", c.metering().fuel),
        format!("epoch_interruption={}", c.metering().epoch),
    ]
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_list(out: &mut Vec<u8>, items: &[String]) {
    out.extend_from_slice(&(items.len() as u32).to_le_bytes());
    for i in items {
        put_str(out, i);
    }
}

/// What `file` has that `here` lacks, as text: `name=value` items whose
/// value differs or that only one side has.
fn differences(file: &[String], here: &[String]) -> String {
    let mut out = Vec::new();
    let name = |s: &str| s.split('=').next().unwrap_or("").to_string();
    for f in file {
        if !here.contains(f) {
            match here.iter().find(|h| name(h) == name(f)) {
                Some(h) => out.push(format!("{f} (here {})", &h[name(h).len() + 1..])),
                None => out.push(format!("{f} (unknown here)")),
            }
        }
    }
    for h in here {
        if !file.iter().any(|f| name(f) == name(h)) {
            out.push(format!("{h} here, absent in the file"));
        }
    }
    out.join(", ")
}

impl Module {
    /// The module in a form `Module::deserialize` of the same wasmrt
    /// version, target, CPU and engine settings accepts.
    pub fn serialize(&self) -> Vec<u8> {
        let payload = self.bytes();
        let mut out = Vec::with_capacity(payload.len() + 256);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        put_str(&mut out, version());
        let (triple, cpu) = target().unwrap_or_default();
        put_str(&mut out, &triple);
        put_list(&mut out, &cpu);
        put_list(&mut out, &settings(&self.0.engine));
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(payload);
        #[cfg(feature = "jit")]
        if let Some(native) = &self.0.jit {
            out.push(1);
            let mut code = Vec::new();
            native.serialize(&mut code);
            out.extend_from_slice(&(code.len() as u64).to_le_bytes());
            out.extend_from_slice(&code);
        } else {
            out.push(0);
        }
        #[cfg(not(feature = "jit"))]
        out.push(0);
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Rebuilds a module from `Module::serialize` output made for this
    /// engine: a damaged buffer, or one made by another version, for
    /// another target or CPU, or with other engine settings is an error
    /// saying which.
    pub fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let bad = |why: &str| Error::Invalid(format!("cannot deserialize module: {why}"));
        let file = Envelope::read(bytes)?;
        let here = settings(engine);
        if file.settings != here {
            return Err(bad(&format!(
                "compiled with other engine settings: {}",
                differences(&file.settings, &here)
            )));
        }
        let precompiled = match file.native {
            None => None,
            Some(code) => {
                let (here_triple, here_cpu) = target()?;
                if file.triple != here_triple {
                    return Err(bad(&format!(
                        "native code for {}, this host is {here_triple}",
                        file.triple
                    )));
                }
                if file.cpu != here_cpu {
                    return Err(bad(&format!(
                        "native code for other CPU features: {}",
                        differences(&file.cpu, &here_cpu)
                    )));
                }
                #[cfg(feature = "jit")]
                {
                    Some(crate::jit::JitModule::deserialize(code).map_err(|e| bad(&e))?)
                }
                #[cfg(not(feature = "jit"))]
                {
                    let _ = code;
                    return Err(bad("native code, and this wasmrt has no JIT"));
                }
            }
        };
        Ok(Module::from_inner(compile_with(
            engine,
            file.binary,
            precompiled,
        )?))
    }

    /// The WebAssembly binary inside `Module::serialize` output (checked
    /// for version and damage, whatever engine settings it was made
    /// with), for tools that describe a module without running it.
    pub fn serialized_binary(bytes: &[u8]) -> Result<&[u8], Error> {
        Envelope::read(bytes).map(|e| e.binary)
    }
}

/// The parts of a serialized module, checked for version and damage.
struct Envelope<'a> {
    triple: String,
    cpu: Vec<String>,
    settings: Vec<String>,
    binary: &'a [u8],
    native: Option<&'a [u8]>,
}

impl<'a> Envelope<'a> {
    fn read(bytes: &'a [u8]) -> Result<Envelope<'a>, Error> {
        let bad = |why: &str| Error::Invalid(format!("cannot deserialize module: {why}"));
        let mut r = Reader { rest: bytes };
        if r.bytes(8).map_err(|e| bad(&e))? != MAGIC {
            return Err(bad("not a serialized wasmrt module"));
        }
        let format = r.u32().map_err(|e| bad(&e))?;
        if format != FORMAT {
            return Err(bad(&format!(
                "format {format}, this wasmrt {} reads format {FORMAT}",
                version()
            )));
        }
        let made_by = r.str().map_err(|e| bad(&e))?;
        if made_by != version() {
            return Err(bad(&format!(
                "made by wasmrt {made_by}, this is wasmrt {}",
                version()
            )));
        }
        let Some(body_len) = bytes.len().checked_sub(8) else {
            return Err(bad("truncated data"));
        };
        let (body, sum) = bytes.split_at(body_len);
        if body.len() < bytes.len() - r.rest.len()
            || checksum(body) != u64::from_le_bytes(sum.try_into().expect("8 bytes"))
        {
            return Err(bad("checksum mismatch (damaged or truncated data)"));
        }
        r.rest = &r.rest[..r.rest.len() - 8];
        let triple = r.str().map_err(|e| bad(&e))?;
        let cpu = r.list().map_err(|e| bad(&e))?;
        let settings = r.list().map_err(|e| bad(&e))?;
        let len = r.u64().map_err(|e| bad(&e))?;
        let len = usize::try_from(len).map_err(|_| bad("truncated data"))?;
        let binary = r.bytes(len).map_err(|e| bad(&e))?;
        let native = match r.u8().map_err(|e| bad(&e))? {
            0 => None,
            1 => {
                let len = r.u64().map_err(|e| bad(&e))?;
                let len = usize::try_from(len).map_err(|_| bad("truncated data"))?;
                Some(r.bytes(len).map_err(|e| bad(&e))?)
            }
            _ => return Err(bad("bad native code marker")),
        };
        if !r.rest.is_empty() {
            return Err(bad("trailing data"));
        }
        Ok(Envelope {
            triple,
            cpu,
            settings,
            binary,
            native,
        })
    }
}

/// Bounds-checked reading of the envelope.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.rest.len() < n {
            return Err("truncated data".into());
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.bytes(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.bytes(4)?.try_into().expect("4")))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.bytes(8)?.try_into().expect("8")))
    }

    fn str(&mut self) -> Result<String, String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.bytes(n)?.to_vec()).map_err(|_| "bad text field".to_string())
    }

    fn list(&mut self) -> Result<Vec<String>, String> {
        let n = self.u32()? as usize;
        if n > self.rest.len() / 4 {
            return Err("truncated data".into());
        }
        (0..n).map(|_| self.str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Config, Features, Instance, Store, Strategy, Val};

    const WAT: &str = r#"(module
      (memory 1)
      (table 2 funcref)
      (elem (i32.const 0) $fac $sum)
      (type $t (func (param i64) (result i64)))
      (func $fac (export "fac") (param i64) (result i64)
        local.get 0 i64.eqz
        if (result i64) i64.const 1
        else local.get 0 local.get 0 i64.const 1 i64.sub call $fac i64.mul end)
      (func $sum (param i64) (result i64)
        (local i64)
        block loop
          local.get 0 i64.eqz br_if 1
          local.get 1 local.get 0 i64.add local.set 1
          local.get 0 i64.const 1 i64.sub local.set 0
          br 0 end end
        local.get 1)
      (func (export "indirect") (param i32 i64) (result i64)
        local.get 1 local.get 0 call_indirect (type $t))
      (func (export "load") (param i32) (result i32) local.get 0 i32.load)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
      (func (export "fill") (param i32 i32 i32) (result i32)
        local.get 0 local.get 1 local.get 2 memory.fill
        local.get 0 i32.load))"#;

    fn engine(strategy: Strategy) -> Engine {
        let mut c = Config::new();
        c.strategy(strategy);
        Engine::new(&c)
    }

    fn sample(engine: &Engine) -> Module {
        let wasm = crate::engine::wat2wasm(WAT).unwrap();
        Module::new(engine, &wasm).unwrap()
    }

    /// Every export called with a few arguments: results, or the trap
    /// message.
    fn outcomes(engine: &Engine, m: &Module) -> Vec<String> {
        let mut store = Store::new(engine);
        let inst = Instance::new(&mut store, m, &[]).unwrap();
        let calls: [(&str, Vec<Val>); 8] = [
            ("fac", vec![Val::I64(20)]),
            ("indirect", vec![Val::I32(0), Val::I64(10)]),
            ("indirect", vec![Val::I32(1), Val::I64(100)]),
            ("indirect", vec![Val::I32(5), Val::I64(1)]),
            ("load", vec![Val::I32(70000)]),
            ("grow", vec![Val::I32(1)]),
            ("load", vec![Val::I32(70000)]),
            ("fill", vec![Val::I32(8), Val::I32(7), Val::I32(4)]),
        ];
        calls
            .iter()
            .map(|(name, args)| {
                let f = inst.get_func(&store, name).unwrap();
                let mut results = vec![Val::I64(0); f.ty(&store).results().len()];
                match f.call(&mut store, args, &mut results) {
                    Ok(()) => format!("{results:?}"),
                    Err(t) => format!("trap: {}", t.message()),
                }
            })
            .collect()
    }

    #[test]
    fn round_trip_in_each_strategy() {
        for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Auto] {
            let engine = engine(strategy);
            let m = sample(&engine);
            let bytes = m.serialize();
            let back = Module::deserialize(&engine, &bytes).unwrap();
            assert_eq!(back.exports().len(), m.exports().len());
            let want = outcomes(&engine, &m);
            assert!(want[0].contains("2432902008176640000"), "{want:?}");
            assert!(want[4].starts_with("trap"), "{want:?}");
            assert_eq!(outcomes(&engine, &back), want, "{strategy:?}");
            // Serializing the loaded module gives the same bytes.
            assert_eq!(back.serialize(), bytes, "{strategy:?}");
            #[cfg(feature = "jit")]
            if strategy == Strategy::Jit {
                let native = back.0.jit.as_ref().expect("native code loaded");
                assert_eq!(native.compiled_count(), 6);
            }
        }
    }

    /// Every single flipped byte and every truncation of a small
    /// serialized module (with native code) is refused with an error.
    #[test]
    fn rejects_every_damaged_byte_and_truncation() {
        for strategy in [Strategy::Interpreter, Strategy::Jit] {
            let engine = engine(strategy);
            let good = sample(&engine).serialize();
            for i in 0..good.len() {
                for mask in [0x01, 0x80, 0xff] {
                    let mut bad = good.clone();
                    bad[i] ^= mask;
                    let e = Module::deserialize(&engine, &bad)
                        .expect_err(&format!("byte {i} ^ {mask:#x} accepted"));
                    assert!(e.to_string().contains("cannot deserialize module"), "{e}");
                }
            }
            for n in 0..good.len() {
                assert!(
                    Module::deserialize(&engine, &good[..n]).is_err(),
                    "truncated to {n} accepted"
                );
            }
            let mut longer = good.clone();
            longer.push(0);
            assert!(Module::deserialize(&engine, &longer).is_err());
        }
    }

    #[test]
    fn rejects_foreign_data_and_other_versions() {
        let engine = engine(Strategy::Jit);
        let m = sample(&engine);
        let good = m.serialize();
        assert!(Module::deserialize(&engine, m.bytes()).is_err());
        assert!(Module::deserialize(&engine, &[]).is_err());
        let mut other_version = good.clone();
        other_version[16] ^= 0x01;
        let e = Module::deserialize(&engine, &other_version).unwrap_err();
        assert!(e.to_string().contains("made by wasmrt"), "{e}");
        let mut other_format = good.clone();
        other_format[8] = 1;
        let e = Module::deserialize(&engine, &other_format).unwrap_err();
        assert!(e.to_string().contains("format 1"), "{e}");
    }

    /// A module serialized under one configuration is refused by an
    /// engine with another, naming the setting.
    #[test]
    fn rejects_other_settings_naming_them() {
        let jit = engine(Strategy::Jit);
        let bytes = sample(&jit).serialize();
        let e = Module::deserialize(&engine(Strategy::Interpreter), &bytes).unwrap_err();
        assert!(
            e.to_string().contains("strategy=Jit (here Interpreter)"),
            "{e}"
        );
        let mut c = Config::new();
        c.strategy(Strategy::Jit).guard_pages(false);
        let e = Module::deserialize(&Engine::new(&c), &bytes).unwrap_err();
        assert!(
            e.to_string().contains("guard_pages=true (here false)"),
            "{e}"
        );
        let mut c = Config::new();
        let features = Features {
            simd: false,
            ..Features::default()
        };
        c.strategy(Strategy::Jit).features(features);
        let e = Module::deserialize(&Engine::new(&c), &bytes).unwrap_err();
        assert!(e.to_string().contains("features="), "{e}");
    }

    /// Native code made for other CPU features or another target is
    /// refused, naming the difference (the file is rewritten as another
    /// host's would be, with a valid checksum).
    #[cfg(feature = "jit")]
    #[test]
    fn rejects_other_cpus_and_targets() {
        let engine = engine(Strategy::Jit);
        let m = sample(&engine);
        let (triple, cpu) = target().unwrap();
        let rewrite = |triple: &str, cpu: &[String]| {
            let good = m.serialize();
            let mut r = Reader { rest: &good[8..] };
            r.u32().unwrap();
            r.str().unwrap();
            let start = good.len() - r.rest.len();
            r.str().unwrap();
            r.list().unwrap();
            let end = good.len() - r.rest.len();
            let mut out = good[..start].to_vec();
            put_str(&mut out, triple);
            put_list(&mut out, cpu);
            out.extend_from_slice(&good[end..good.len() - 8]);
            let sum = checksum(&out);
            out.extend_from_slice(&sum.to_le_bytes());
            out
        };
        // Unchanged, the rewrite loads.
        Module::deserialize(&engine, &rewrite(&triple, &cpu)).unwrap();
        let e = Module::deserialize(&engine, &rewrite("riscv64gc-unknown-linux-gnu", &cpu))
            .unwrap_err();
        assert!(e.to_string().contains("native code for riscv64gc"), "{e}");
        let mut other = cpu.clone();
        let flipped = other
            .iter_mut()
            .find(|s| s.starts_with("has_") && (s.ends_with("=1") || s.ends_with("=0")))
            .expect("a boolean CPU setting");
        let name = flipped.split('=').next().unwrap().to_string();
        *flipped = if flipped.ends_with("=1") {
            format!("{name}=0")
        } else {
            format!("{name}=1")
        };
        let e = Module::deserialize(&engine, &rewrite(&triple, &other)).unwrap_err();
        assert!(e.to_string().contains("other CPU features"), "{e}");
        assert!(e.to_string().contains(&name), "{e}");
    }
}

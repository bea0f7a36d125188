//! Serialized modules: a versioned, checksummed envelope around the
//! original binary. Deserializing checks the envelope and then validates
//! and compiles the binary again, so bytes from another build or a damaged
//! buffer are rejected and nothing unchecked is ever executed.

use super::error::Error;
use super::module::Module;
use super::Engine;

const MAGIC: &[u8; 8] = b"WASMRT\0M";
const FORMAT: u32 = 1;

/// FNV-1a over `bytes` (detects damage, not tampering: the payload is
/// re-validated anyway).
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn version() -> &'static [u8] {
    env!("CARGO_PKG_VERSION").as_bytes()
}

impl Module {
    /// The module in a form `Module::deserialize` of the same wasmrt version
    /// accepts.
    pub fn serialize(&self) -> Vec<u8> {
        let payload = self.bytes();
        let mut out = Vec::with_capacity(payload.len() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&(version().len() as u32).to_le_bytes());
        out.extend_from_slice(version());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(payload).to_le_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// Rebuilds a module from `Module::serialize` output.
    pub fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let bad = |why: &str| Error::Invalid(format!("cannot deserialize module: {why}"));
        let mut rest = bytes;
        let mut take = |n: usize| -> Result<&[u8], Error> {
            if rest.len() < n {
                return Err(bad("truncated data"));
            }
            let (head, tail) = rest.split_at(n);
            rest = tail;
            Ok(head)
        };
        if take(8)? != MAGIC {
            return Err(bad("not a serialized wasmrt module"));
        }
        let format = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
        if format != FORMAT {
            return Err(bad("unsupported format version"));
        }
        let vlen = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
        if take(vlen)? != version() {
            return Err(bad("made by another wasmrt version"));
        }
        let len = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes"));
        let sum = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes"));
        let len = usize::try_from(len).map_err(|_| bad("truncated data"))?;
        let payload = take(len)?;
        if !rest.is_empty() {
            return Err(bad("trailing data"));
        }
        if checksum(payload) != sum {
            return Err(bad("checksum mismatch (damaged data)"));
        }
        Module::new(engine, payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Engine, Module) {
        let engine = Engine::default();
        let wasm =
            crate::engine::wat2wasm("(module (func (export \"f\") (result i32) i32.const 7))")
                .unwrap();
        let m = Module::new(&engine, &wasm).unwrap();
        (engine, m)
    }

    #[test]
    fn round_trip() {
        let (engine, m) = sample();
        let back = Module::deserialize(&engine, &m.serialize()).unwrap();
        assert_eq!(back.exports().len(), 1);
    }

    #[test]
    fn rejects_damage_truncation_and_foreign_data() {
        let (engine, m) = sample();
        let good = m.serialize();
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(Module::deserialize(&engine, &flipped).is_err());
        assert!(Module::deserialize(&engine, &good[..good.len() - 1]).is_err());
        assert!(Module::deserialize(&engine, m.bytes()).is_err());
        let mut other_version = good.clone();
        other_version[16] ^= 0xff;
        assert!(Module::deserialize(&engine, &other_version).is_err());
        assert!(Module::deserialize(&engine, &[]).is_err());
    }
}

//! A module's native code in serialized form (`.cwasm`): the placed code
//! image, where each function and trampoline starts, the offset maps used
//! for backtraces and guard-page traps, and the places that hold a
//! runtime function's address. The image holds no address of the process
//! that made it: direct calls are relative to the image, and runtime
//! function addresses are patched in again on loading
//! ([`JitModule::place`]). The engine's envelope (`engine/serialize.rs`)
//! checks version, target, CPU features, configuration and a checksum
//! before this part is read; the reader still checks every length and
//! offset, so a damaged part is an error, never an out-of-bounds access.

use super::code::FuncCode;
use super::{entry, isa, JitModule, LibcallSite};
use crate::module::CompileError;
use crate::runtime::TrapCode;

/// The code generator's target triple and its settings for this CPU (as
/// `name=value` pairs): native code runs only where both are equal.
pub fn target() -> Result<(String, Vec<String>), CompileError> {
    let isa = isa()?;
    let mut settings: Vec<String> = isa.isa_flags().iter().map(|v| v.to_string()).collect();
    settings.extend(isa.flags().iter().map(|v| v.to_string()));
    Ok((isa.triple().to_string(), settings))
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Reads the serialized form; every read is bounds-checked.
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.rest.len() < n {
            return Err("truncated data".into());
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    pub fn u8(&mut self) -> Result<u8, String> {
        Ok(self.bytes(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.bytes(4)?.try_into().expect("4")))
    }

    pub fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.bytes(8)?.try_into().expect("8")))
    }

    /// A length or offset, which must fit this host's addresses.
    pub fn usize(&mut self) -> Result<usize, String> {
        usize::try_from(self.u64()?).map_err(|_| "length out of range".to_string())
    }

    /// A count of items of at least `min_size` bytes each: larger than
    /// what is left is damage (and must not size an allocation).
    fn count(&mut self, min_size: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size) > self.rest.len() {
            return Err("truncated data".into());
        }
        Ok(n)
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }
}

impl JitModule {
    /// Appends the serialized native code to `out`.
    pub fn serialize(&self, out: &mut Vec<u8>) {
        out.push(u8::from(self.guarded));
        let image = self.code.image();
        put_u64(out, image.len() as u64);
        out.extend_from_slice(image);
        put_u32(out, self.offsets.len() as u32);
        for o in self.offsets.iter() {
            match o {
                Some((wasm_call, trampoline)) => {
                    out.push(1);
                    put_u64(out, *wasm_call as u64);
                    put_u64(out, *trampoline as u64);
                }
                None => out.push(0),
            }
        }
        let funcs = self.code.funcs();
        put_u32(out, funcs.len() as u32);
        for f in funcs {
            put_u32(out, f.func_index);
            put_u64(out, f.start as u64);
            put_u64(out, f.len as u64);
            put_u32(out, f.srclocs.len() as u32);
            for &(c, w) in &f.srclocs {
                put_u32(out, c);
                put_u32(out, w);
            }
            put_u32(out, f.traps.len() as u32);
            for &(offset, code) in &f.traps {
                put_u32(out, offset);
                put_u32(out, code.number());
            }
        }
        put_u32(out, self.libcall_sites.len() as u32);
        for s in &self.libcall_sites {
            put_u64(out, s.offset as u64);
            put_u32(out, s.id);
            put_u64(out, s.addend as u64);
        }
    }

    /// Loads native code written by [`JitModule::serialize`] (the engine
    /// checks that it covers the module's functions). Every offset is checked against the
    /// image; the code itself is trusted (the envelope's checksum and
    /// configuration checks decide that it was made by this library for
    /// this CPU).
    pub fn deserialize(bytes: &[u8]) -> Result<JitModule, String> {
        let mut r = Reader::new(bytes);
        let guarded = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err("bad native code header".into()),
        };
        let image_len = r.usize()?;
        let image = r.bytes(image_len)?.to_vec();
        let inside = |at: usize, n: usize| at.checked_add(n).is_some_and(|end| end <= image_len);
        let n = r.count(1)?;
        let mut offsets = Vec::with_capacity(n);
        for _ in 0..n {
            offsets.push(match r.u8()? {
                0 => None,
                1 => {
                    let (p, t) = (r.usize()?, r.usize()?);
                    if !inside(p, 1) || !inside(t, 1) {
                        return Err("function entry outside the code".into());
                    }
                    Some((p, t))
                }
                _ => return Err("bad function entry".into()),
            });
        }
        let n = r.count(28)?;
        let mut code_map: Vec<FuncCode> = Vec::with_capacity(n);
        for _ in 0..n {
            let func_index = r.u32()?;
            let (start, len) = (r.usize()?, r.usize()?);
            if !inside(start, len) || code_map.last().is_some_and(|f| f.start > start) {
                return Err("function code outside the image".into());
            }
            let ns = r.count(8)?;
            let mut srclocs = Vec::with_capacity(ns);
            for _ in 0..ns {
                srclocs.push((r.u32()?, r.u32()?));
            }
            let n = r.count(8)?;
            let mut traps = Vec::with_capacity(n);
            for _ in 0..n {
                let offset = r.u32()?;
                let code = TrapCode::from_number(r.u32()?).ok_or("bad trap code")?;
                if traps.last().is_some_and(|&(last, _)| last > offset) {
                    return Err("trap sites out of order".into());
                }
                traps.push((offset, code));
            }
            code_map.push(FuncCode {
                func_index,
                start,
                len,
                srclocs,
                traps,
            });
        }
        let n = r.count(20)?;
        let libcalls = entry::libcalls().len();
        let mut libcall_sites = Vec::with_capacity(n);
        for _ in 0..n {
            let site = LibcallSite {
                offset: r.usize()?,
                id: r.u32()?,
                addend: r.u64()? as i64,
            };
            if !inside(site.offset, 8) || site.id as usize >= libcalls {
                return Err("runtime-function reference outside the code".into());
            }
            libcall_sites.push(site);
        }
        if !r.is_empty() {
            return Err("trailing data after the native code".into());
        }
        if guarded {
            // Out-of-bounds accesses of this code fault: the handler that
            // turns those faults into traps must be in place.
            super::signals::install();
        }
        JitModule::place(
            image,
            code_map,
            offsets.into_boxed_slice(),
            libcall_sites,
            guarded,
        )
    }
}

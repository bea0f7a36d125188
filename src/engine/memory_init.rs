//! How an instance's defined memories are made: in a pool slot when the
//! engine has a pooling allocator, reserved afresh otherwise; with memory
//! 0's initial contents mapped from the module's copy-on-write image when
//! it has one (see `runtime::memory_image`).

use super::error::Error;
use crate::module::{ConstOp, DataMode, ModuleInfo};
use crate::runtime::memory_image::MemoryImage;
use crate::runtime::pool::MemoryPool;
use crate::runtime::{LinearMemory, WASM_PAGE_SIZE};
use std::sync::Arc;

/// The image of memory 0 of a module after its active data segments, or
/// `None` where the segments must be copied: memory 0 imported or shared,
/// a segment for it at a non-constant offset or out of bounds, or too
/// little data to be worth a mapping.
pub(crate) fn image_for(info: &ModuleInfo, bytes: &[u8]) -> Option<Arc<MemoryImage>> {
    if info.num_imported_memories != 0 {
        return None;
    }
    let ty = info.memories.first()?;
    if ty.shared {
        return None;
    }
    let min_bytes = usize::try_from(ty.limits.min.checked_mul(WASM_PAGE_SIZE)?).ok()?;
    let mut segments = Vec::new();
    for seg in &info.datas {
        let DataMode::Active { memory: 0, offset } = &seg.mode else {
            continue;
        };
        let off = match *offset.0 {
            [ConstOp::I32(x)] => x as u32 as usize,
            [ConstOp::I64(x)] => usize::try_from(x as u64).ok()?,
            _ => return None,
        };
        segments.push((off, bytes.get(seg.range.clone())?));
    }
    MemoryImage::new(min_bytes, &segments)
}

/// A defined memory of type (`min`, `max`, `memory64`), in `pool` when
/// given, with `image` mapped over its start when given and possible.
/// Returns whether the image was mapped (else the caller copies the
/// segments).
///
/// # Safety
/// `pool` must outlive the memory (`MemoryPool::allocate`).
pub(crate) unsafe fn create_memory(
    pool: Option<&Arc<MemoryPool>>,
    min: u64,
    max: u64,
    memory64: bool,
    guarded: bool,
    image: Option<&Arc<MemoryImage>>,
) -> Result<(LinearMemory, bool), Error> {
    match pool {
        Some(pool) if !pool.is_cache() => {
            // SAFETY: guaranteed by the caller.
            return unsafe { pool.allocate(min, max, memory64, guarded, image) }
                .map_err(Error::Limit);
        }
        // The cache holds guarded 32-bit reservations only; when it cannot
        // help, the memory is made on its own.
        Some(cache) if guarded && !memory64 => {
            // SAFETY: guaranteed by the caller.
            if let Ok(made) = unsafe { cache.allocate(min, max, memory64, guarded, image) } {
                return Ok(made);
            }
        }
        _ => {}
    }
    let mut mem =
        crate::runtime::memory::create(min, max, memory64, guarded).map_err(Error::Limit)?;
    let mapped = image.is_some_and(|img| mem.map_image(img));
    Ok((mem, mapped))
}

#[cfg(test)]
mod tests {
    use crate::engine::{wat2wasm, Config, Engine, Error, Instance, Module, PoolConfig, Store};

    /// A module with memory 0 of 2 pages, a 20,000-byte segment at 4096
    /// and a 4-byte one overwriting part of it; `extra` goes into the
    /// module text.
    fn module_text(extra: &str) -> String {
        let data = "0123456789".repeat(2000);
        format!(
            "(module (memory (export \"m\") 2) {extra}
               (data (i32.const 4096) \"{data}\") (data (i32.const 4100) \"ABCD\"))"
        )
    }

    fn info_of(text: &str) -> (Module, Engine) {
        let engine = Engine::new(&Config::new());
        let m = Module::new(&engine, &wat2wasm(text).unwrap()).unwrap();
        (m, engine)
    }

    #[test]
    fn image_only_where_exact_and_worth_it() {
        let (m, _) = info_of(&module_text(""));
        let image = super::image_for(&m.0.info, &m.0.bytes);
        if cfg!(target_os = "linux") {
            let image = image.expect("an image for 20 KB of constant-offset data");
            assert_eq!(&image.bytes()[4096..4100], b"0123");
            assert_eq!(&image.bytes()[4100..4104], b"ABCD", "later segments win");
        }
        let small = info_of("(module (memory 1) (data (i32.const 0) \"abc\"))").0;
        assert!(super::image_for(&small.0.info, &small.0.bytes).is_none());
        let data = "x".repeat(20_000);
        let from_global = info_of(&format!(
            "(module (import \"a\" \"g\" (global $g i32)) (memory 1) (data (global.get $g) \"{data}\"))"
        ))
        .0;
        assert!(super::image_for(&from_global.0.info, &from_global.0.bytes).is_none());
        let imported = info_of(&format!(
            "(module (import \"a\" \"m\" (memory 1)) (data (i32.const 0) \"{data}\"))"
        ))
        .0;
        assert!(super::image_for(&imported.0.info, &imported.0.bytes).is_none());
    }

    fn check_instances(config: &Config) {
        let engine = Engine::new(config);
        let bytes = wat2wasm(&module_text("")).unwrap();
        let module = Module::new(&engine, &bytes).unwrap();
        let mut expected = vec![0u8; 2 * 65536];
        expected[4096..24096].copy_from_slice("0123456789".repeat(2000).as_bytes());
        expected[4100..4104].copy_from_slice(b"ABCD");
        for _ in 0..3 {
            let mut a = Store::new(&engine);
            let ia = Instance::new(&mut a, &module, &[]).unwrap();
            let ma = ia.get_export(&a, "m").unwrap().into_memory().unwrap();
            assert!(ma.data(&a) == &expected[..]);
            ma.data_mut(&mut a)[4096] = b'X';
            ma.data_mut(&mut a)[100_000] = 7;
            ma.grow(&mut a, 1).unwrap();
            let mut b = Store::new(&engine);
            let ib = Instance::new(&mut b, &module, &[]).unwrap();
            let mb = ib.get_export(&b, "m").unwrap().into_memory().unwrap();
            assert!(
                mb.data(&b) == &expected[..],
                "a write leaked to another instance"
            );
            // Dropping `a` frees its memory for reuse in the next round.
        }
        // An out-of-bounds segment still traps (no image is made for it).
        let data = "y".repeat(20_000);
        let oob = wat2wasm(&format!(
            "(module (memory 1) (data (i32.const 60000) \"{data}\"))"
        ))
        .unwrap();
        let oob = Module::new(&engine, &oob).unwrap();
        let mut s = Store::new(&engine);
        assert!(matches!(
            Instance::new(&mut s, &oob, &[]),
            Err(Error::Trap(_))
        ));
    }

    #[test]
    fn instances_start_from_the_data_and_stay_apart() {
        check_instances(&Config::new());
        check_instances(Config::new().guard_pages(false));
        check_instances(Config::new().pooling_allocator(Some(PoolConfig {
            total_memories: 4,
            max_memory_size: 1 << 20,
        })));
    }
}

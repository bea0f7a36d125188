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
pub(crate) fn create_memory(
    pool: Option<&Arc<MemoryPool>>,
    min: u64,
    max: u64,
    memory64: bool,
    guarded: bool,
    image: Option<&Arc<MemoryImage>>,
) -> Result<(LinearMemory, bool), Error> {
    match pool {
        Some(pool) if !pool.is_cache() => {
            return pool
                .allocate(min, max, memory64, guarded, image)
                .map_err(Error::Limit);
        }
        // The cache holds guarded 32-bit reservations only; when it cannot
        // help, the memory is made on its own.
        Some(cache) if guarded && !memory64 => {
            if let Ok(made) = cache.allocate(min, max, memory64, guarded, image) {
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

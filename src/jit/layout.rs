//! Where code goes in a compiled image: functions on cache lines, each
//! moved on so that its innermost loop's head starts a fetch window
//! (Cranelift aligns no loop heads itself), trampolines packed closer.

/// Where a function's code starts: a cache line of the image (which
/// `CodeMemory` places on a cache line too). Cranelift does not align loop
/// heads, so where a small hot loop falls relative to the 32- and 64-byte
/// windows the front end fetches and caches decoded instructions in is
/// decided by where its function starts. At 16 bytes that was luck from
/// one module to the next: the sieve kernel's inner loop (five
/// instructions) straddled a cache line and ran 1.35x slower than the same
/// code 48 bytes further on. (Now the loop head is placed, see
/// [`function_start`].)
pub(super) const FUNCTION_ALIGN: usize = super::code::CACHE_LINE;

/// Where a trampoline starts (they have no loops).
pub(super) const TRAMPOLINE_ALIGN: usize = 16;

/// The boundary a function's innermost loop head is placed on: the
/// windows x86 front ends decode and cache instructions in. Without it a
/// hot loop of a few instructions may straddle two windows and run
/// 10-40 % slower, by luck of where code generation leaves it (three
/// bytes less code before `matmul_f32`'s inner loop did).
const LOOP_ALIGN: usize = 32;

/// Pads `image` for the next function, whose innermost loop (if any) has
/// its head `loop_head` bytes into the function's code, and returns where
/// the function starts: on a cache line, moved on (by less than
/// `LOOP_ALIGN` bytes) so that the loop head falls on a `LOOP_ALIGN`
/// boundary.
pub(super) fn function_start(image: &mut Vec<u8>, loop_head: Option<u32>) -> usize {
    align(image, FUNCTION_ALIGN);
    let pad = loop_head.map_or(0, |h| (LOOP_ALIGN - h as usize % LOOP_ALIGN) % LOOP_ALIGN);
    image.resize(image.len() + pad, 0xcc);
    image.len()
}

/// Pads `image` with 0xcc bytes (x86's `int3`) to a multiple of `to`
/// bytes and returns its length.
pub(super) fn align(image: &mut Vec<u8>, to: usize) -> usize {
    while !image.len().is_multiple_of(to) {
        image.push(0xcc);
    }
    image.len()
}

/// The head of the loop most likely to be hot, from the placed blocks'
/// offsets and edges: the most deeply nested loop, the smallest of those,
/// the first of equals (a loop is a backward edge: from a block to one at
/// or before it).
/// `None` without loops.
pub(super) fn innermost_loop_head(starts: &[u32], edges: &[(u32, u32)]) -> Option<u32> {
    // Each loop as (head, end): the end of the furthest block jumping back
    // to the head (blocks end where the next one starts).
    let block_end = |from: u32| {
        let next = starts.partition_point(|&s| s <= from);
        starts.get(next).copied().unwrap_or(u32::MAX)
    };
    let mut loops: Vec<(u32, u32)> = Vec::new();
    for &(from, to) in edges.iter().filter(|(from, to)| to <= from) {
        let end = block_end(from);
        match loops.iter_mut().find(|l| l.0 == to) {
            Some(l) => l.1 = l.1.max(end),
            None => loops.push((to, end)),
        }
    }
    let depth = |l: &(u32, u32)| {
        loops
            .iter()
            .filter(|o| *o != l && o.0 <= l.0 && l.1 <= o.1)
            .count()
    };
    loops
        .iter()
        .min_by_key(|l| (std::cmp::Reverse(depth(l)), l.1 - l.0))
        .map(|l| l.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks at 0, 10, 20, 40, 50: an outer loop 10..50 (the edge from
    /// 40 back to 10) holding an inner loop 20..40 (20 to itself).
    #[test]
    fn the_innermost_loop_is_chosen() {
        let starts = [0, 10, 20, 40, 50];
        let edges = [(0, 10), (10, 20), (20, 20), (20, 40), (40, 10), (40, 50)];
        assert_eq!(innermost_loop_head(&starts, &edges), Some(20));
        // Of loops at the same depth, the smallest; none without loops.
        let edges = [(0, 10), (10, 10), (10, 20), (20, 20), (20, 40), (40, 40)];
        assert_eq!(innermost_loop_head(&starts, &edges), Some(10));
        assert_eq!(innermost_loop_head(&starts, &[(0, 10), (10, 20)]), None);
    }

    #[test]
    fn the_loop_head_lands_on_a_window() {
        let mut image = vec![0x90; 5];
        let start = function_start(&mut image, Some(0x7d));
        assert_eq!(start % FUNCTION_ALIGN, 3);
        assert_eq!((start + 0x7d) % LOOP_ALIGN, 0);
        assert!(image[5..].iter().all(|&b| b == 0xcc));
        let start = function_start(&mut image, None);
        assert_eq!(start % FUNCTION_ALIGN, 0);
    }
}

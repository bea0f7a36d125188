//! Argument access for the host function bodies. The engine has already
//! checked the argument types against each function's signature, so a
//! mismatch cannot happen; it still reads as 0 rather than panicking.

use crate::engine::Val;

/// Argument `i` as an unsigned 32-bit value (pointers, lengths, fds).
pub fn u32_arg(args: &[Val], i: usize) -> u32 {
    match args.get(i) {
        Some(Val::I32(v)) => *v as u32,
        _ => 0,
    }
}

/// Argument `i` as an unsigned 64-bit value (offsets, sizes, timestamps).
pub fn u64_arg(args: &[Val], i: usize) -> u64 {
    match args.get(i) {
        Some(Val::I64(v)) => *v as u64,
        _ => 0,
    }
}

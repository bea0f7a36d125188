//! Memory handlers: loads and stores (plain, and fused with an address
//! add), and the memory instructions of bulk memory.
//!
//! Accesses to memory 0 use the base and length in the handler arguments;
//! every access is bounds-checked against the length (computed in 64
//! bits, so `address + offset + size` cannot wrap).

use super::*;
use crate::interp::ir::{index_of, MemOp, INDEX64};

/// The host address of the `$n` bytes at wasm address `$addr + $offset`
/// in memory 0, or a trap.
macro_rules! effective {
    ($addr:expr, $offset:expr, $n:expr, $ip:ident, $mem:ident, $len:ident, $cx:ident) => {{
        let ea = ($addr as u32 as u64) + $offset as u64;
        if ea + $n as u64 > $len as u64 {
            trap!($cx, $ip, TrapCode::MemoryOutOfBounds);
        }
        $mem.add(ea as usize)
    }};
}

/// Loads: `Name: Memory type => slot type`.
macro_rules! loads {
    ($( $name:ident: $m:ty => $t:ty; )*) => {$(
        handler!($name { dst, addr, offset } |ip, fp, mem, len, cx, acc, facc| {
            let p = effective!(rd(fp, addr), offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            let v = ((p as *const $m).read_unaligned() as $t).to_slot();
            wr(fp, dst, v);
            next!(ip, fp, mem, len, cx, v, facc)
        });
    )*};
}

/// Stores: `Name: memory type` (the value is truncated to it).
macro_rules! stores {
    ($( $name:ident: $m:ty; )*) => {$(
        handler!($name { addr, src, offset } |ip, fp, mem, len, cx, acc, facc| {
            let p = effective!(rd(fp, addr), offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            (p as *mut $m).write_unaligned(rd(fp, src) as $m);
            next!(ip, fp, mem, len, cx, acc, facc)
        });
    )*};
}

loads! {
    I32Load: u32 => u32;
    I64Load: u64 => u64;
    I32Load8S: i8 => i32;
    I32Load8U: u8 => u32;
    I32Load16S: i16 => i32;
    I32Load16U: u16 => u32;
    I64Load8S: i8 => i64;
    I64Load8U: u8 => u64;
    I64Load16S: i16 => i64;
    I64Load16U: u16 => u64;
    I64Load32S: i32 => i64;
    I64Load32U: u32 => u64;
}

stores! {
    I32Store: u32;
    I64Store: u64;
    I32Store8: u8;
    I32Store16: u16;
    I64Store32: u32;
}

/// The narrow forms of loads and stores, which take their address as
/// `base + imm` or `base + index` (an `i32.add` fused into the access,
/// wrapping at 32 bits exactly as the add would) plus the static offset:
/// `Disp, Indexed, wide form: memory type => slot type`.
macro_rules! addressed_loads {
    ($( $disp:ident, $indexed:ident, $disp_acc:ident, $disp_inc:ident: $m:ty => $t:ty; )*) => {$(
        handler! { $disp { dst, base, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let addr = (rd(fp, base.into()) as u32).wrapping_add(imm as u32);
            let p = effective!(addr, offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            let v = ((p as *const $m).read_unaligned() as $t).to_slot();
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
        handler! { $indexed { dst, base, index, offset } |ip, fp, mem, len, cx, acc, facc| {
            let addr = (rd(fp, base.into()) as u32).wrapping_add(rd(fp, index.into()) as u32);
            let p = effective!(addr, offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            let v = ((p as *const $m).read_unaligned() as $t).to_slot();
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
        // The base address from the accumulator.
        handler! { $disp_acc { dst, base, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let addr = (acc as u32).wrapping_add(imm as u32);
            let p = effective!(addr, offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            let v = ((p as *const $m).read_unaligned() as $t).to_slot();
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
        // Pre-increment: the base local advances by `imm` first (the fused
        // `local.tee base (i32.add base imm)`), then the access.
        handler! { $disp_inc { dst, base, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let addr = (rd(fp, base.into()) as u32).wrapping_add(imm as u32);
            wr(fp, base.into(), addr.to_slot());
            let p = effective!(addr, offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            let v = ((p as *const $m).read_unaligned() as $t).to_slot();
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
    )*};
}

addressed_loads! {
    I32LoadDisp, I32LoadIndexed, I32LoadDispA, I32LoadDispInc: u32 => u32;
    I64LoadDisp, I64LoadIndexed, I64LoadDispA, I64LoadDispInc: u64 => u64;
    I32Load8SDisp, I32Load8SIndexed, I32Load8SDispA, I32Load8SDispInc: i8 => i32;
    I32Load8UDisp, I32Load8UIndexed, I32Load8UDispA, I32Load8UDispInc: u8 => u32;
    I32Load16SDisp, I32Load16SIndexed, I32Load16SDispA, I32Load16SDispInc: i16 => i32;
    I32Load16UDisp, I32Load16UIndexed, I32Load16UDispA, I32Load16UDispInc: u16 => u32;
    I64Load8SDisp, I64Load8SIndexed, I64Load8SDispA, I64Load8SDispInc: i8 => i64;
    I64Load8UDisp, I64Load8UIndexed, I64Load8UDispA, I64Load8UDispInc: u8 => u64;
    I64Load16SDisp, I64Load16SIndexed, I64Load16SDispA, I64Load16SDispInc: i16 => i64;
    I64Load16UDisp, I64Load16UIndexed, I64Load16UDispA, I64Load16UDispInc: u16 => u64;
    I64Load32SDisp, I64Load32SIndexed, I64Load32SDispA, I64Load32SDispInc: i32 => i64;
    I64Load32UDisp, I64Load32UIndexed, I64Load32UDispA, I64Load32UDispInc: u32 => u64;
}

/// Narrow stores: `Disp, Indexed: memory type`.
macro_rules! addressed_stores {
    ($( $disp:ident, $indexed:ident, $disp_acc:ident: $m:ty; )*) => {$(
        handler! { $disp { src, base, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let addr = (rd(fp, base.into()) as u32).wrapping_add(imm as u32);
            let p = effective!(addr, offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            (p as *mut $m).write_unaligned(rd(fp, src.into()) as $m);
            next!(ip, fp, mem, len, cx, acc, facc)
        }}
        handler! { $indexed { src, base, index, offset } |ip, fp, mem, len, cx, acc, facc| {
            let addr = (rd(fp, base.into()) as u32).wrapping_add(rd(fp, index.into()) as u32);
            let p = effective!(addr, offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            (p as *mut $m).write_unaligned(rd(fp, src.into()) as $m);
            next!(ip, fp, mem, len, cx, acc, facc)
        }}
        // The value from the accumulator.
        handler! { $disp_acc { src, base, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let addr = (rd(fp, base.into()) as u32).wrapping_add(imm as u32);
            let p = effective!(addr, offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            (p as *mut $m).write_unaligned(acc as $m);
            next!(ip, fp, mem, len, cx, acc, facc)
        }}
    )*};
}

addressed_stores! {
    I32StoreDisp, I32StoreIndexed, I32StoreDispA: u32;
    I64StoreDisp, I64StoreIndexed, I64StoreDispA: u64;
    I32Store8Disp, I32Store8Indexed, I32Store8DispA: u8;
    I32Store16Disp, I32Store16Indexed, I32Store16DispA: u16;
    I64Store32Disp, I64Store32Indexed, I64Store32DispA: u32;
}

/// Float arithmetic with one operand loaded from memory (`base + imm +
/// offset`, as for `Disp` loads): `Name: type, |register, memory| result`.
macro_rules! binary_disp {
    ($( $name:ident $([$na:ident])?: $t:ty, $bits:ty, |$x:ident, $y:ident| $e:expr; )*) => {$(
        handler! { $name { dst, a, base, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let addr = (rd(fp, base.into()) as u32).wrapping_add(imm as u32);
            let p = effective!(addr, offset, std::mem::size_of::<$bits>(), ip, mem, len, cx);
            let $x = <$t>::from_slot(rd(fp, a.into()));
            let $y = <$t>::from_bits((p as *const $bits).read_unaligned());
            let r = $e;
            let v = r.to_slot();
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
        }}
        $(
            handler! { $na { dst, a, base, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
                let addr = (rd(fp, base.into()) as u32).wrapping_add(imm as u32);
                let p = effective!(addr, offset, std::mem::size_of::<$bits>(), ip, mem, len, cx);
                let $x = <$t>::from_acc(acc, facc);
                let $y = <$t>::from_bits((p as *const $bits).read_unaligned());
                let r = $e;
                let v = r.to_slot();
                wr(fp, dst.into(), v);
                next!(ip, fp, mem, len, cx, v, r.facc_or(facc))
            }}
        )?
    )*};
}

binary_disp! {
    F32AddDisp: f32, u32, |x, m| x + m;
    F32SubDisp: f32, u32, |x, m| x - m;
    F32RsubDisp: f32, u32, |x, m| m - x;
    F32MulDisp: f32, u32, |x, m| x * m;
    F32DivDisp: f32, u32, |x, m| x / m;
    F32RdivDisp: f32, u32, |x, m| m / x;
    F64AddDisp [F64AddDispA]: f64, u64, |x, m| x + m;
    F64SubDisp [F64SubDispA]: f64, u64, |x, m| x - m;
    F64RsubDisp [F64RsubDispA]: f64, u64, |x, m| m - x;
    F64MulDisp [F64MulDispA]: f64, u64, |x, m| x * m;
    F64DivDisp [F64DivDispA]: f64, u64, |x, m| x / m;
    F64RdivDisp [F64RdivDispA]: f64, u64, |x, m| m / x;
}

/// SIMD loads of a narrower memory value: `Name, width, semantic`.
macro_rules! simd_loads {
    (
        simd_binary: [$(($sb:ident, $sbf:ident)),* $(,)?],
        simd_shift: [$(($ss:ident, $ssf:ident)),* $(,)?],
        simd_unary: [$(($su:ident, $suf:ident)),* $(,)?],
        simd_test: [$(($st:ident, $stf:ident)),* $(,)?],
        simd_load: [$(($sl:ident, $sln:literal, $slf:ident)),* $(,)?],
    ) => {$(
        handler!($sl { dst, addr, offset } |ip, fp, mem, len, cx, acc, facc| {
            let p = effective!(rd(fp, addr), offset, $sln, ip, mem, len, cx);
            let bytes = (p as *const [u8; $sln]).read_unaligned();
            wr128(fp, dst, crate::interp::simd::$slf(bytes));
            next!(ip, fp, mem, len, cx, acc, facc)
        });
    )*};
}
crate::simd_table!(simd_loads);

handler! { V128Load { dst, addr, offset } |ip, fp, mem, len, cx, acc, facc| {
    let p = effective!(rd(fp, addr), offset, 16, ip, mem, len, cx);
    wr128(fp, dst, (p as *const u128).read_unaligned());
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { V128Store { addr, src, offset } |ip, fp, mem, len, cx, acc, facc| {
    let p = effective!(rd(fp, addr), offset, 16, ip, mem, len, cx);
    (p as *mut u128).write_unaligned(rd128(fp, src));
    next!(ip, fp, mem, len, cx, acc, facc)
}}

/// Float read-modify-write: `store(addr, op(a, load(addr)))` for a
/// `Disp` float operator whose result is stored back where its memory
/// operand came from (`x[i] += a`): `Name: type, bits, |register, memory|`.
macro_rules! disp_store {
    ($( $name:ident $([$na:ident])?: $t:ty, $bits:ty, |$x:ident, $y:ident| $e:expr; )*) => {$(
        handler! { $name { a, base, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let addr = (rd(fp, base.into()) as u32).wrapping_add(imm as u32);
            let p = effective!(addr, offset, std::mem::size_of::<$bits>(), ip, mem, len, cx);
            let $x = <$t>::from_slot(rd(fp, a.into()));
            let $y = <$t>::from_bits((p as *const $bits).read_unaligned());
            (p as *mut $bits).write_unaligned(($e).to_bits());
            next!(ip, fp, mem, len, cx, acc, facc)
        }}
        $(
            handler! { $na { a, base, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
                let addr = (rd(fp, base.into()) as u32).wrapping_add(imm as u32);
                let p = effective!(addr, offset, std::mem::size_of::<$bits>(), ip, mem, len, cx);
                let $x = <$t>::from_acc(acc, facc);
                let $y = <$t>::from_bits((p as *const $bits).read_unaligned());
                (p as *mut $bits).write_unaligned(($e).to_bits());
                next!(ip, fp, mem, len, cx, acc, facc)
            }}
        )?
    )*};
}

disp_store! {
    F32AddDispStore: f32, u32, |x, m| x + m;
    F32SubDispStore: f32, u32, |x, m| x - m;
    F32RsubDispStore: f32, u32, |x, m| m - x;
    F32MulDispStore: f32, u32, |x, m| x * m;
    F64AddDispStore [F64AddDispStoreA]: f64, u64, |x, m| x + m;
    F64SubDispStore [F64SubDispStoreA]: f64, u64, |x, m| x - m;
    F64RsubDispStore [F64RsubDispStoreA]: f64, u64, |x, m| m - x;
    F64MulDispStore [F64MulDispStoreA]: f64, u64, |x, m| x * m;
}

/// Loads of one scalar splatted to every lane, or into lane 0 of zeroes:
/// `Name: memory type => |value| v128`.
macro_rules! v128_scalar_loads {
    ($( $name:ident: $m:ty => |$v:ident| $e:expr; )*) => {$(
        handler!($name { dst, addr, offset } |ip, fp, mem, len, cx, acc, facc| {
            let p = effective!(rd(fp, addr), offset, std::mem::size_of::<$m>(), ip, mem, len, cx);
            let $v = (p as *const $m).read_unaligned();
            wr128(fp, dst, $e);
            next!(ip, fp, mem, len, cx, acc, facc)
        });
    )*};
}

v128_scalar_loads! {
    V128Load8Splat: u8 => |v| crate::interp::simd::i8x16_splat(v as i32);
    V128Load16Splat: u16 => |v| crate::interp::simd::i16x8_splat(v as i32);
    V128Load32Splat: u32 => |v| crate::interp::simd::i32x4_splat(v as i32);
    V128Load64Splat: u64 => |v| crate::interp::simd::i64x2_splat(v as i64);
    V128Load32Zero: u32 => |v| v as u128;
    V128Load64Zero: u64 => |v| v as u128;
}

/// Lane loads and stores: `args` holds the address, `args + 1` the vector;
/// a load leaves the new vector at `args`.
macro_rules! lane_accesses {
    ($( $load:ident, $store:ident: $n:literal; )*) => {$(
        handler!($load { args, offset, lane } |ip, fp, mem, len, cx, acc, facc| {
            let p = effective!(rd(fp, args), offset, $n, ip, mem, len, cx);
            let mut v = rd128(fp, args + 1).to_le_bytes();
            std::ptr::copy_nonoverlapping(p, v.as_mut_ptr().add(lane as usize * $n), $n);
            wr128(fp, args, u128::from_le_bytes(v));
            next!(ip, fp, mem, len, cx, acc, facc)
        });
        handler!($store { args, offset, lane } |ip, fp, mem, len, cx, acc, facc| {
            let p = effective!(rd(fp, args), offset, $n, ip, mem, len, cx);
            let v = rd128(fp, args + 1).to_le_bytes();
            std::ptr::copy_nonoverlapping(v.as_ptr().add(lane as usize * $n), p, $n);
            next!(ip, fp, mem, len, cx, acc, facc)
        });
    )*};
}

lane_accesses! {
    V128Load8Lane, V128Store8Lane: 1;
    V128Load16Lane, V128Store16Lane: 2;
    V128Load32Lane, V128Store32Lane: 4;
    V128Load64Lane, V128Store64Lane: 8;
}

/// The address operand of a memory (or table) instruction: an i64 for
/// a 64-bit one (`INDEX64` set in its index operand), else an i32.
#[inline(always)]
pub(super) fn address(raw: u64, operand: u32) -> u64 {
    if operand & INDEX64 != 0 {
        raw
    } else {
        raw as u32 as u64
    }
}

handler! { MemAccess { op, memory, a, b } |ip, fp, mem, len, cx, acc, facc| {
    let Instr::Aux { a: lo, b: hi } = *ip.add(1) else {
        bad_dispatch()
    };
    let offset = (u64::from(hi) << 32) | u64::from(lo);
    match access_memory(cx, fp, op, memory, a, b, offset) {
        Ok(()) => dispatch!(ip.add(2), fp, mem, len, cx, acc, facc),
        Err(code) => trap!(cx, ip, code),
    }
}}

/// Executes a `MemAccess`: any load or store in any memory, its base and
/// length read through the context, its bounds checked in 64 bits without
/// overflow (`address + offset + width` may exceed 2^64 for a 64-bit
/// memory). Out of line: it is the slow path, and keeps `MemAccess`
/// frameless.
///
/// # Safety
/// As for handlers; `memory` is a memory index of the running instance
/// (with its `INDEX64` mark), the slots are in the frame.
#[inline(never)]
unsafe fn access_memory(
    cx: *mut Cx,
    fp: *mut u64,
    op: u16,
    memory: u32,
    a: Slot,
    b: Slot,
    offset: u64,
) -> Result<(), TrapCode> {
    use crate::interp::simd;
    // SAFETY: guaranteed by the caller; the access is checked against the
    // memory's current length before it is made.
    unsafe {
        let m = (*(*cx).vmctx).memory(index_of(memory));
        let kind = MemOp::ALL[(op & 0xff) as usize];
        let lane = (op >> 8) as usize;
        let raw = rd(fp, if kind.address_in_a() { a } else { b });
        let width = kind.width();
        let ea = address(raw, memory)
            .checked_add(offset)
            .filter(|ea| {
                ea.checked_add(width)
                    .is_some_and(|end| end <= (*m).current_length as u64)
            })
            .ok_or(TrapCode::MemoryOutOfBounds)?;
        let p = (*m).base.add(ea as usize);
        macro_rules! ld {
            ($t:ty) => {
                (p as *const $t).read_unaligned()
            };
        }
        use MemOp::*;
        match kind {
            I32Load => wr(fp, a, u64::from(ld!(u32))),
            I64Load => wr(fp, a, ld!(u64)),
            I32Load8S => wr(fp, a, (ld!(i8) as i32).to_slot()),
            I32Load8U => wr(fp, a, u64::from(ld!(u8))),
            I32Load16S => wr(fp, a, (ld!(i16) as i32).to_slot()),
            I32Load16U => wr(fp, a, u64::from(ld!(u16))),
            I64Load8S => wr(fp, a, ld!(i8) as i64 as u64),
            I64Load8U => wr(fp, a, u64::from(ld!(u8))),
            I64Load16S => wr(fp, a, ld!(i16) as i64 as u64),
            I64Load16U => wr(fp, a, u64::from(ld!(u16))),
            I64Load32S => wr(fp, a, ld!(i32) as i64 as u64),
            I64Load32U => wr(fp, a, u64::from(ld!(u32))),
            V128Load => wr128(fp, a, ld!(u128)),
            V128Load8x8S => wr128(fp, a, simd::v128_load8x8_s(ld!([u8; 8]))),
            V128Load8x8U => wr128(fp, a, simd::v128_load8x8_u(ld!([u8; 8]))),
            V128Load16x4S => wr128(fp, a, simd::v128_load16x4_s(ld!([u8; 8]))),
            V128Load16x4U => wr128(fp, a, simd::v128_load16x4_u(ld!([u8; 8]))),
            V128Load32x2S => wr128(fp, a, simd::v128_load32x2_s(ld!([u8; 8]))),
            V128Load32x2U => wr128(fp, a, simd::v128_load32x2_u(ld!([u8; 8]))),
            V128Load8Splat => wr128(fp, a, simd::i8x16_splat(ld!(u8) as i32)),
            V128Load16Splat => wr128(fp, a, simd::i16x8_splat(ld!(u16) as i32)),
            V128Load32Splat => wr128(fp, a, simd::i32x4_splat(ld!(u32) as i32)),
            V128Load64Splat => wr128(fp, a, simd::i64x2_splat(ld!(u64) as i64)),
            V128Load32Zero => wr128(fp, a, u128::from(ld!(u32))),
            V128Load64Zero => wr128(fp, a, u128::from(ld!(u64))),
            Store8 => p.write(rd(fp, b) as u8),
            Store16 => (p as *mut u16).write_unaligned(rd(fp, b) as u16),
            Store32 => (p as *mut u32).write_unaligned(rd(fp, b) as u32),
            Store64 => (p as *mut u64).write_unaligned(rd(fp, b)),
            V128Store => (p as *mut u128).write_unaligned(rd128(fp, b)),
            V128Load8Lane | V128Load16Lane | V128Load32Lane | V128Load64Lane => {
                let n = width as usize;
                let mut v = rd128(fp, a + 1).to_le_bytes();
                std::ptr::copy_nonoverlapping(p, v.as_mut_ptr().add(lane * n), n);
                wr128(fp, a, u128::from_le_bytes(v));
            }
            V128Store8Lane | V128Store16Lane | V128Store32Lane | V128Store64Lane => {
                let n = width as usize;
                let v = rd128(fp, a + 1).to_le_bytes();
                std::ptr::copy_nonoverlapping(v.as_ptr().add(lane * n), p, n);
            }
        }
    }
    Ok(())
}

handler! { MemorySize { dst, memory } |ip, fp, mem, len, cx, acc, facc| {
    wr(fp, dst, libcalls::memory_size((*cx).vmctx, index_of(memory)));
    next!(ip, fp, mem, len, cx, acc, facc)
}}

/// `memory.grow`: the old size in pages, or -1 (of the memory's index
/// type).
///
/// Out of line, so the handler keeps no stack frame that would stop its
/// dispatch from being a jump.
///
/// # Safety
/// `cx` is the live invocation state; `memory` is a memory index of its
/// instance, with its `INDEX64` mark.
#[inline(never)]
unsafe fn grow_memory(cx: *mut Cx, memory: u32, delta: u64) -> u64 {
    // SAFETY: guaranteed by the caller.
    let r = unsafe { libcalls::memory_grow((*cx).vmctx, index_of(memory), delta) };
    match r {
        Some(old) => old,
        None if memory & INDEX64 != 0 => u64::MAX,
        None => u64::from(u32::MAX),
    }
}

handler! { MemoryGrow { args, memory } |ip, fp, mem, len, cx, acc, facc| {
    let r = grow_memory(cx, memory, address(rd(fp, args), memory));
    wr(fp, args, r);
    // Growing may move memory 0 and always changes its length.
    let (mem, len) = memory0((*cx).vmctx);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { MemoryFill { args, memory } |ip, fp, mem, len, cx, acc, facc| {
    let d = address(rd(fp, args), memory);
    let val = rd(fp, args + 1) as u8;
    let n = address(rd(fp, args + 2), memory);
    let r = libcalls::memory_fill((*cx).vmctx, index_of(memory), d, val, n);
    check!(r, ip, fp, mem, len, cx, acc, facc)
}}

// `memory.copy`: the length is an i64 only when both memories are
// 64-bit.
handler! { MemoryCopy { args, dst_memory, src_memory } |ip, fp, mem, len, cx, acc, facc| {
    let d = address(rd(fp, args), dst_memory);
    let s = address(rd(fp, args + 1), src_memory);
    let n = address(rd(fp, args + 2), dst_memory & src_memory);
    let r = libcalls::memory_copy((*cx).vmctx, index_of(dst_memory), index_of(src_memory), d, s, n);
    check!(r, ip, fp, mem, len, cx, acc, facc)
}}

// `memory.init`: the segment offset and length are always i32.
handler! { MemoryInit { args, segment, memory } |ip, fp, mem, len, cx, acc, facc| {
    let d = address(rd(fp, args), memory);
    let s = rd(fp, args + 1) as u32 as u64;
    let n = rd(fp, args + 2) as u32 as u64;
    let r = libcalls::memory_init((*cx).vmctx, index_of(memory), segment, d, s, n);
    check!(r, ip, fp, mem, len, cx, acc, facc)
}}

handler! { DataDrop { segment } |ip, fp, mem, len, cx, acc, facc| {
    libcalls::data_drop((*cx).vmctx, segment);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

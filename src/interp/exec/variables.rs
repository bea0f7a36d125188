//! Variable and parametric handlers: slot copies, constants, `select`,
//! and globals.

use super::*;

handler! { Copy { dst, src } |ip, fp, mem, len, cx, acc, facc| {
    let v = rd(fp, src);
    wr(fp, dst, v);
    next!(ip, fp, mem, len, cx, v, facc)
}}

handler! { I32AddImmCopy { dst, copy, a, imm } |ip, fp, mem, len, cx, acc, facc| {
    let v = (rd(fp, a.into()) as u32).wrapping_add(imm as u32).to_slot();
    wr(fp, dst.into(), v);
    wr(fp, copy.into(), v);
    next!(ip, fp, mem, len, cx, v, facc)
}}

handler! { Copy128 { dst, src } |ip, fp, mem, len, cx, acc, facc| {
    wr128(fp, dst, rd128(fp, src));
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { LoadConsts |ip, fp, mem, len, cx, acc, facc| {
    let f = &*(*cx).func;
    std::ptr::copy_nonoverlapping(f.consts.as_ptr(), fp.add(f.locals_end as usize), f.consts.len());
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { Const32 { dst, value } |ip, fp, mem, len, cx, acc, facc| {
    wr(fp, dst, value as u64);
    next!(ip, fp, mem, len, cx, value as u64, facc)
}}

handler! { Const64 { dst, value } |ip, fp, mem, len, cx, acc, facc| {
    wr(fp, dst, value);
    next!(ip, fp, mem, len, cx, value, facc)
}}

handler! { ConstV128 { dst, index } |ip, fp, mem, len, cx, acc, facc| {
    wr128(fp, dst, (*(*cx).func).pool[index as usize]);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { Select { dst, b, cond } |ip, fp, mem, len, cx, acc, facc| {
    // `dst` already holds the first operand. Written as a data select so
    // an unpredictable condition costs no branch miss.
    let keep = rd_operand(fp, dst);
    let other = rd_operand(fp, b);
    wr(
        fp,
        dst,
        std::hint::select_unpredictable(rd(fp, cond) as u32 != 0, keep, other),
    );
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { Select128 { dst, b, cond } |ip, fp, mem, len, cx, acc, facc| {
    if rd(fp, cond) as u32 == 0 {
        wr128(fp, dst, rd128(fp, b));
    }
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { GlobalGet { dst, global } |ip, fp, mem, len, cx, acc, facc| {
    let v = (*(*(*cx).vmctx).global(global)).bits[0];
    wr(fp, dst, v);
    next!(ip, fp, mem, len, cx, v, facc)
}}

handler! { GlobalGet128 { dst, global } |ip, fp, mem, len, cx, acc, facc| {
    let g = &*(*(*cx).vmctx).global(global);
    wr(fp, dst, g.bits[0]);
    wr(fp, dst + 1, g.bits[1]);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { GlobalSet { src, global } |ip, fp, mem, len, cx, acc, facc| {
    (*(*(*cx).vmctx).global(global)).bits[0] = rd(fp, src);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { GlobalSet128 { src, global } |ip, fp, mem, len, cx, acc, facc| {
    let g = &mut *(*(*cx).vmctx).global(global);
    g.bits = [rd(fp, src), rd(fp, src + 1)];
    next!(ip, fp, mem, len, cx, acc, facc)
}}

// `dst = if cond != 0 { a } else { b }` for an i32 / i64 condition
// (the i64 form comes from a fused `i64.eqz`, with `a` and `b` swapped).
/// `select` on the condition in slot `$c` (an i32 or i64 test).
macro_rules! select_nz {
    ($( $name:ident: |$cond:ident| $test:expr; )*) => {$(
        handler! { $name { dst, a, b, c } |ip, fp, mem, len, cx, acc, facc| {
            let (x, y) = (rd_operand(fp, a.into()), rd_operand(fp, b.into()));
            let $cond = rd(fp, c.into());
            let v = std::hint::select_unpredictable($test, x, y);
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
    )*};
}

select_nz! {
    SelectNz32: |c| c as u32 != 0;
    SelectNz64: |c| c != 0;
}

// The same with the condition in the accumulator.
handler! { SelectNz32A { dst, a, b, c } |ip, fp, mem, len, cx, acc, facc| {
    let (x, y) = (rd_operand(fp, a.into()), rd_operand(fp, b.into()));
    let v = std::hint::select_unpredictable(acc as u32 != 0, x, y);
    wr(fp, dst.into(), v);
    next!(ip, fp, mem, len, cx, v, facc)
}}

handler! { SelectNz64A { dst, a, b, c } |ip, fp, mem, len, cx, acc, facc| {
    let (x, y) = (rd_operand(fp, a.into()), rd_operand(fp, b.into()));
    let v = std::hint::select_unpredictable(acc != 0, x, y);
    wr(fp, dst.into(), v);
    next!(ip, fp, mem, len, cx, v, facc)
}}

/// `select` fused with the integer comparison computing its condition:
/// `Name / ImmName (x: T) => cond` picks `a` when the comparison of `x`
/// with `y` (a slot, or the immediate) holds, else `b`.
macro_rules! select_cmp {
    ($( $name:ident / $imm:ident ($x:ident, $y:ident: $t:ty) => $e:expr; )*) => {$(
        handler! { $name { dst, a, b, x, y } |ip, fp, mem, len, cx, acc, facc| {
            let $x = <$t>::from_slot(rd(fp, x.into()));
            let $y = <$t>::from_slot(rd(fp, y.into()));
            let (p, q) = (rd_operand(fp, a.into()), rd_operand(fp, b.into()));
            let v = std::hint::select_unpredictable($e, p, q);
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
        handler! { $imm { dst, a, b, x, imm } |ip, fp, mem, len, cx, acc, facc| {
            let $x = <$t>::from_slot(rd(fp, x.into()));
            let $y = <$t>::from_imm(imm);
            let (p, q) = (rd_operand(fp, a.into()), rd_operand(fp, b.into()));
            let v = std::hint::select_unpredictable($e, p, q);
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
    )*};
}

select_cmp! {
    SelectI32Eq / SelectI32EqImm (x, y: u32) => x == y;
    SelectI32Ne / SelectI32NeImm (x, y: u32) => x != y;
    SelectI32LtS / SelectI32LtSImm (x, y: i32) => x < y;
    SelectI32LtU / SelectI32LtUImm (x, y: u32) => x < y;
    SelectI32GtS / SelectI32GtSImm (x, y: i32) => x > y;
    SelectI32GtU / SelectI32GtUImm (x, y: u32) => x > y;
    SelectI32LeS / SelectI32LeSImm (x, y: i32) => x <= y;
    SelectI32LeU / SelectI32LeUImm (x, y: u32) => x <= y;
    SelectI32GeS / SelectI32GeSImm (x, y: i32) => x >= y;
    SelectI32GeU / SelectI32GeUImm (x, y: u32) => x >= y;
    SelectI64Eq / SelectI64EqImm (x, y: u64) => x == y;
    SelectI64Ne / SelectI64NeImm (x, y: u64) => x != y;
    SelectI64LtS / SelectI64LtSImm (x, y: i64) => x < y;
    SelectI64LtU / SelectI64LtUImm (x, y: u64) => x < y;
    SelectI64GtS / SelectI64GtSImm (x, y: i64) => x > y;
    SelectI64GtU / SelectI64GtUImm (x, y: u64) => x > y;
    SelectI64LeS / SelectI64LeSImm (x, y: i64) => x <= y;
    SelectI64LeU / SelectI64LeUImm (x, y: u64) => x <= y;
    SelectI64GeS / SelectI64GeSImm (x, y: i64) => x >= y;
    SelectI64GeU / SelectI64GeUImm (x, y: u64) => x >= y;
}

/// `select` on a bit test, `(x & imm) != 0`, fused from an `and` with a
/// constant (and the `eqz` that may test it).
macro_rules! select_test {
    ($( $name:ident: $t:ty; )*) => {$(
        handler! { $name { dst, a, b, x, imm } |ip, fp, mem, len, cx, acc, facc| {
            let bits = <$t>::from_slot(rd(fp, x.into())) & <$t>::from_imm(imm);
            let (p, q) = (rd_operand(fp, a.into()), rd_operand(fp, b.into()));
            let v = std::hint::select_unpredictable(bits != 0, p, q);
            wr(fp, dst.into(), v);
            next!(ip, fp, mem, len, cx, v, facc)
        }}
    )*};
}

select_test! {
    SelectI32TestImm: u32;
    SelectI64TestImm: u64;
}

//! Variable and parametric handlers: slot copies, constants, `select`,
//! and globals.

use super::*;

handler! { Copy { dst, src } |ip, fp, mem, len, cx| {
    wr(fp, dst, rd(fp, src));
    next!(ip, fp, mem, len, cx)
}}

handler! { Copy128 { dst, src } |ip, fp, mem, len, cx| {
    wr128(fp, dst, rd128(fp, src));
    next!(ip, fp, mem, len, cx)
}}

handler! { LoadConsts |ip, fp, mem, len, cx| {
    let f = &*(*cx).func;
    std::ptr::copy_nonoverlapping(f.consts.as_ptr(), fp.add(f.locals_end as usize), f.consts.len());
    next!(ip, fp, mem, len, cx)
}}

handler! { Const32 { dst, value } |ip, fp, mem, len, cx| {
    wr(fp, dst, value as u64);
    next!(ip, fp, mem, len, cx)
}}

handler! { Const64 { dst, value } |ip, fp, mem, len, cx| {
    wr(fp, dst, value);
    next!(ip, fp, mem, len, cx)
}}

handler! { ConstV128 { dst, index } |ip, fp, mem, len, cx| {
    wr128(fp, dst, (*(*cx).func).pool[index as usize]);
    next!(ip, fp, mem, len, cx)
}}

handler! { Select { dst, b, cond } |ip, fp, mem, len, cx| {
    // `dst` already holds the first operand. Written as a data select so
    // an unpredictable condition costs no branch miss.
    let keep = rd(fp, dst);
    let other = rd(fp, b);
    wr(
        fp,
        dst,
        if rd(fp, cond) as u32 != 0 {
            keep
        } else {
            other
        },
    );
    next!(ip, fp, mem, len, cx)
}}

handler! { Select128 { dst, b, cond } |ip, fp, mem, len, cx| {
    if rd(fp, cond) as u32 == 0 {
        wr128(fp, dst, rd128(fp, b));
    }
    next!(ip, fp, mem, len, cx)
}}

handler! { GlobalGet { dst, global } |ip, fp, mem, len, cx| {
    wr(fp, dst, (*(*(*cx).vmctx).global(global)).bits[0]);
    next!(ip, fp, mem, len, cx)
}}

handler! { GlobalGet128 { dst, global } |ip, fp, mem, len, cx| {
    let g = &*(*(*cx).vmctx).global(global);
    wr(fp, dst, g.bits[0]);
    wr(fp, dst + 1, g.bits[1]);
    next!(ip, fp, mem, len, cx)
}}

handler! { GlobalSet { src, global } |ip, fp, mem, len, cx| {
    (*(*(*cx).vmctx).global(global)).bits[0] = rd(fp, src);
    next!(ip, fp, mem, len, cx)
}}

handler! { GlobalSet128 { src, global } |ip, fp, mem, len, cx| {
    let g = &mut *(*(*cx).vmctx).global(global);
    g.bits = [rd(fp, src), rd(fp, src + 1)];
    next!(ip, fp, mem, len, cx)
}}

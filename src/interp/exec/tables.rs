//! Table and reference handlers: `table.*`, `elem.drop`, `ref.func`.
//! Table elements are raw references (`*const VMFuncRef` or an externref
//! word, 0 for null), one 64-bit slot each.

use super::*;

handler! { TableGet { dst, index, table } |ip, fp, mem, len, cx, acc, facc| {
    let t = (*(*cx).vmctx).table(table);
    let i = rd(fp, index) as u32 as usize;
    if i >= (*t).current_elements {
        trap!(cx, ip, TrapCode::TableOutOfBounds);
    }
    wr(fp, dst, *(*t).base.add(i));
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableSet { index, src, table } |ip, fp, mem, len, cx, acc, facc| {
    let t = (*(*cx).vmctx).table(table);
    let i = rd(fp, index) as u32 as usize;
    if i >= (*t).current_elements {
        trap!(cx, ip, TrapCode::TableOutOfBounds);
    }
    *(*t).base.add(i) = rd(fp, src);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableSize { dst, table } |ip, fp, mem, len, cx, acc, facc| {
    let t = (*(*cx).vmctx).table(table);
    wr(fp, dst, (*t).current_elements as u64);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableGrow { args, table } |ip, fp, mem, len, cx, acc, facc| {
    let init = rd(fp, args);
    let delta = rd(fp, args + 1) as u32 as u64;
    let r = libcalls::table_grow((*cx).vmctx, table, delta, init).map_or(u32::MAX, |old| old as u32);
    wr(fp, args, r as u64);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableFill { args, table } |ip, fp, mem, len, cx, acc, facc| {
    let i = rd(fp, args) as u32 as u64;
    let v = rd(fp, args + 1);
    let n = rd(fp, args + 2) as u32 as u64;
    check!(libcalls::table_fill((*cx).vmctx, table, i, v, n), ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableCopy { args, dst_table, src_table } |ip, fp, mem, len, cx, acc, facc| {
    let d = rd(fp, args) as u32 as u64;
    let s = rd(fp, args + 1) as u32 as u64;
    let n = rd(fp, args + 2) as u32 as u64;
    let r = libcalls::table_copy((*cx).vmctx, dst_table, src_table, d, s, n);
    check!(r, ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableInit { args, segment, table } |ip, fp, mem, len, cx, acc, facc| {
    let d = rd(fp, args) as u32 as u64;
    let s = rd(fp, args + 1) as u32 as u64;
    let n = rd(fp, args + 2) as u32 as u64;
    let r = libcalls::table_init((*cx).vmctx, table, segment, d, s, n);
    check!(r, ip, fp, mem, len, cx, acc, facc)
}}

handler! { ElemDrop { segment } |ip, fp, mem, len, cx, acc, facc| {
    libcalls::elem_drop((*cx).vmctx, segment);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { RefFunc { dst, func } |ip, fp, mem, len, cx, acc, facc| {
    wr(fp, dst, (*(*cx).vmctx).func(func) as u64);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

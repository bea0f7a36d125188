//! Table and reference handlers: `table.*`, `elem.drop`, `ref.func`.
//! Table elements are raw references (`*const VMFuncRef` or an externref
//! word, 0 for null), one 64-bit slot each.

use super::memory::address;
use super::*;
use crate::interp::ir::{index_of, INDEX64};

handler! { TableGet { dst, index, table } |ip, fp, mem, len, cx, acc, facc| {
    let t = (*(*cx).vmctx).table(index_of(table));
    let i = address(rd(fp, index), table);
    if i >= (*t).current_elements as u64 {
        trap!(cx, ip, TrapCode::TableOutOfBounds);
    }
    wr(fp, dst, *(*t).base.add(i as usize));
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableSet { index, src, table } |ip, fp, mem, len, cx, acc, facc| {
    let t = (*(*cx).vmctx).table(index_of(table));
    let i = address(rd(fp, index), table);
    if i >= (*t).current_elements as u64 {
        trap!(cx, ip, TrapCode::TableOutOfBounds);
    }
    *(*t).base.add(i as usize) = rd(fp, src);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableSize { dst, table } |ip, fp, mem, len, cx, acc, facc| {
    let t = (*(*cx).vmctx).table(index_of(table));
    wr(fp, dst, (*t).current_elements as u64);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableGrow { args, table } |ip, fp, mem, len, cx, acc, facc| {
    let init = rd(fp, args);
    let delta = address(rd(fp, args + 1), table);
    let failed = if table & INDEX64 != 0 { u64::MAX } else { u64::from(u32::MAX) };
    let r = libcalls::table_grow((*cx).vmctx, index_of(table), delta, init).unwrap_or(failed);
    wr(fp, args, r);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableFill { args, table } |ip, fp, mem, len, cx, acc, facc| {
    let i = address(rd(fp, args), table);
    let v = rd(fp, args + 1);
    let n = address(rd(fp, args + 2), table);
    let r = libcalls::table_fill((*cx).vmctx, index_of(table), i, v, n);
    check!(r, ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableCopy { args, dst_table, src_table } |ip, fp, mem, len, cx, acc, facc| {
    let d = address(rd(fp, args), dst_table);
    let s = address(rd(fp, args + 1), src_table);
    let n = address(rd(fp, args + 2), dst_table & src_table);
    let r = libcalls::table_copy((*cx).vmctx, index_of(dst_table), index_of(src_table), d, s, n);
    check!(r, ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableInit { args, segment, table } |ip, fp, mem, len, cx, acc, facc| {
    let d = address(rd(fp, args), table);
    let s = rd(fp, args + 1) as u32 as u64;
    let n = rd(fp, args + 2) as u32 as u64;
    let r = libcalls::table_init((*cx).vmctx, index_of(table), segment, d, s, n);
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

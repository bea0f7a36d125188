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
    let h = instance_of((*cx).vmctx).table_handles[table as usize];
    let st = &mut *(*cx).store;
    let r = match st.inner.tables[h.index as usize].data.grow(delta, init) {
        Some(old) => old as u32,
        None => u32::MAX,
    };
    wr(fp, args, r as u64);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableFill { args, table } |ip, fp, mem, len, cx, acc, facc| {
    let t = (*(*cx).vmctx).table(table);
    let i = rd(fp, args) as u32 as usize;
    let v = rd(fp, args + 1);
    let n = rd(fp, args + 2) as u32 as usize;
    if i + n > (*t).current_elements {
        trap!(cx, ip, TrapCode::TableOutOfBounds);
    }
    std::slice::from_raw_parts_mut((*t).base.add(i), n).fill(v);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableCopy { args, dst_table, src_table } |ip, fp, mem, len, cx, acc, facc| {
    let vmctx = (*cx).vmctx;
    let dt = (*vmctx).table(dst_table);
    let st = (*vmctx).table(src_table);
    let d = rd(fp, args) as u32 as usize;
    let s = rd(fp, args + 1) as u32 as usize;
    let n = rd(fp, args + 2) as u32 as usize;
    if d + n > (*dt).current_elements || s + n > (*st).current_elements {
        trap!(cx, ip, TrapCode::TableOutOfBounds);
    }
    std::ptr::copy((*st).base.add(s), (*dt).base.add(d), n);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { TableInit { args, segment, table } |ip, fp, mem, len, cx, acc, facc| {
    let vmctx = (*cx).vmctx;
    let inst = instance_of(vmctx);
    let t = (*vmctx).table(table);
    let d = rd(fp, args) as u32 as usize;
    let s = rd(fp, args + 1) as u32 as usize;
    let n = rd(fp, args + 2) as u32 as usize;
    let items = &inst.elems[segment as usize];
    if s + n > items.len() || d + n > (*t).current_elements {
        trap!(cx, ip, TrapCode::TableOutOfBounds);
    }
    std::ptr::copy_nonoverlapping(items.as_ptr().add(s), (*t).base.add(d), n);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { ElemDrop { segment } |ip, fp, mem, len, cx, acc, facc| {
    instance_of((*cx).vmctx).elems[segment as usize] = Box::new([]);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { RefFunc { dst, func } |ip, fp, mem, len, cx, acc, facc| {
    wr(fp, dst, (*(*cx).vmctx).func(func) as u64);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

//! Control handlers: branches (plain and fused with a comparison), calls
//! and returns.

use super::*;
use crate::runtime::NativeCode;
use std::sync::atomic::Ordering;

/// Jumps by `offset` instructions when `cond` holds, else goes on.
macro_rules! branch {
    ($cond:expr, $offset:expr, $ip:ident, $fp:ident, $mem:ident, $len:ident, $cx:ident, $acc:ident, $facc:ident) => {{
        let to = if $cond {
            $ip.offset($offset as isize)
        } else {
            $ip.add(1)
        };
        dispatch!(to, $fp, $mem, $len, $cx, $acc, $facc)
    }};
}

/// Compare-and-branch instructions: `Name / ImmName [NameA, NameB,
/// ImmNameA] (x: T, y: T) => cond`. The register form compares two slots;
/// the immediate form (if named) compares a slot with the instruction's
/// immediate; the accumulator forms (if named) take `x` (`A`) or `y`
/// (`B`) from the accumulator.
macro_rules! branch_cmp {
    ($( $name:ident $(/ $imm:ident)? $([$na:ident, $nb:ident $(, $ia:ident)?])?
        ($x:ident: $t:ty, $y:ident) => $e:expr; )*) => {$(
        handler!($name { a, b, offset } |ip, fp, mem, len, cx, acc, facc| {
            let $x = <$t>::from_slot(rd(fp, a));
            let $y = <$t>::from_slot(rd(fp, b));
            branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
        });
        $(
            handler!($imm { a, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
                let $x = <$t>::from_slot(rd(fp, a));
                let $y = <$t>::from_imm(imm);
                branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
            });
        )?
        $(
            handler!($na { a, b, offset } |ip, fp, mem, len, cx, acc, facc| {
                let $x = <$t>::from_acc(acc, facc);
                let $y = <$t>::from_slot(rd(fp, b));
                branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
            });
            handler!($nb { a, b, offset } |ip, fp, mem, len, cx, acc, facc| {
                let $x = <$t>::from_slot(rd(fp, a));
                let $y = <$t>::from_acc(acc, facc);
                branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
            });
            $(
                handler!($ia { a, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
                    let $x = <$t>::from_acc(acc, facc);
                    let $y = <$t>::from_imm(imm);
                    branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
                });
            )?
        )?
    )*};
}

// `!(a < b)` on floats is deliberate: it is true for NaN operands, which
// `a >= b` is not.
branch_cmp! {
    BrI32Eq / BrI32EqImm [BrI32EqA, BrI32EqB, BrI32EqImmA] (x: u32, y) => x == y;
    BrI32Ne / BrI32NeImm [BrI32NeA, BrI32NeB, BrI32NeImmA] (x: u32, y) => x != y;
    BrI32LtS / BrI32LtSImm [BrI32LtSA, BrI32LtSB, BrI32LtSImmA] (x: i32, y) => x < y;
    BrI32LtU / BrI32LtUImm [BrI32LtUA, BrI32LtUB, BrI32LtUImmA] (x: u32, y) => x < y;
    BrI32GtS / BrI32GtSImm [BrI32GtSA, BrI32GtSB, BrI32GtSImmA] (x: i32, y) => x > y;
    BrI32GtU / BrI32GtUImm [BrI32GtUA, BrI32GtUB, BrI32GtUImmA] (x: u32, y) => x > y;
    BrI32LeS / BrI32LeSImm [BrI32LeSA, BrI32LeSB, BrI32LeSImmA] (x: i32, y) => x <= y;
    BrI32LeU / BrI32LeUImm [BrI32LeUA, BrI32LeUB, BrI32LeUImmA] (x: u32, y) => x <= y;
    BrI32GeS / BrI32GeSImm [BrI32GeSA, BrI32GeSB, BrI32GeSImmA] (x: i32, y) => x >= y;
    BrI32GeU / BrI32GeUImm [BrI32GeUA, BrI32GeUB, BrI32GeUImmA] (x: u32, y) => x >= y;
    BrI64Eq / BrI64EqImm [BrI64EqA, BrI64EqB, BrI64EqImmA] (x: u64, y) => x == y;
    BrI64Ne / BrI64NeImm [BrI64NeA, BrI64NeB, BrI64NeImmA] (x: u64, y) => x != y;
    BrI64LtS / BrI64LtSImm [BrI64LtSA, BrI64LtSB, BrI64LtSImmA] (x: i64, y) => x < y;
    BrI64LtU / BrI64LtUImm [BrI64LtUA, BrI64LtUB, BrI64LtUImmA] (x: u64, y) => x < y;
    BrI64GtS / BrI64GtSImm [BrI64GtSA, BrI64GtSB, BrI64GtSImmA] (x: i64, y) => x > y;
    BrI64GtU / BrI64GtUImm [BrI64GtUA, BrI64GtUB, BrI64GtUImmA] (x: u64, y) => x > y;
    BrI64LeS / BrI64LeSImm [BrI64LeSA, BrI64LeSB, BrI64LeSImmA] (x: i64, y) => x <= y;
    BrI64LeU / BrI64LeUImm [BrI64LeUA, BrI64LeUB, BrI64LeUImmA] (x: u64, y) => x <= y;
    BrI64GeS / BrI64GeSImm [BrI64GeSA, BrI64GeSB, BrI64GeSImmA] (x: i64, y) => x >= y;
    BrI64GeU / BrI64GeUImm [BrI64GeUA, BrI64GeUB, BrI64GeUImmA] (x: u64, y) => x >= y;
    BrF32Eq (x: f32, y) => x == y;
    BrF32Ne (x: f32, y) => x != y;
    BrF32Lt (x: f32, y) => x < y;
    BrF32Gt (x: f32, y) => x > y;
    BrF32Le (x: f32, y) => x <= y;
    BrF32Ge (x: f32, y) => x >= y;
    BrF32NotLt (x: f32, y) => !(x < y);
    BrF32NotGt (x: f32, y) => !(x > y);
    BrF32NotLe (x: f32, y) => !(x <= y);
    BrF32NotGe (x: f32, y) => !(x >= y);
    BrF64Eq [BrF64EqA, BrF64EqB] (x: f64, y) => x == y;
    BrF64Ne [BrF64NeA, BrF64NeB] (x: f64, y) => x != y;
    BrF64Lt [BrF64LtA, BrF64LtB] (x: f64, y) => x < y;
    BrF64Gt [BrF64GtA, BrF64GtB] (x: f64, y) => x > y;
    BrF64Le [BrF64LeA, BrF64LeB] (x: f64, y) => x <= y;
    BrF64Ge [BrF64GeA, BrF64GeB] (x: f64, y) => x >= y;
    BrF64NotLt [BrF64NotLtA, BrF64NotLtB] (x: f64, y) => !(x < y);
    BrF64NotGt [BrF64NotGtA, BrF64NotGtB] (x: f64, y) => !(x > y);
    BrF64NotLe [BrF64NotLeA, BrF64NotLeB] (x: f64, y) => !(x <= y);
    BrF64NotGe [BrF64NotGeA, BrF64NotGeB] (x: f64, y) => !(x >= y);
}

/// Branches on a bit test, `(x & imm) != 0` (or `== 0` for `Not`), fused
/// from an `and` with a constant.
macro_rules! branch_test {
    ($( $name:ident: $t:ty, $nonzero:expr; )*) => {$(
        handler! { $name { a, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let bits = <$t>::from_slot(rd(fp, a)) & <$t>::from_imm(imm);
            branch!((bits != 0) == $nonzero, offset, ip, fp, mem, len, cx, acc, facc)
        }}
    )*};
}

branch_test! {
    BrI32TestImm: u32, true;
    BrI32NotTestImm: u32, false;
    BrI64TestImm: u64, true;
    BrI64NotTestImm: u64, false;
}

/// Loop-closing branches: `x += d` (a slot, `AddBr`) or `x += inc` (an
/// immediate, `IncBr`), wrapping at 32 bits and written back, then a
/// branch if `x` compares as named with `y` (a slot) or the immediate:
/// `AddBr, AddBrImm, IncBr, IncBrImm: (x, y: T) => cond`.
macro_rules! add_branch {
    ($( $add:ident, $add_imm:ident, $inc:ident, $inc_imm:ident: ($x:ident, $y:ident: $t:ty) => $e:expr; )*) => {$(
        handler! { $add { x, d, y, offset } |ip, fp, mem, len, cx, acc, facc| {
            let sum = (rd(fp, x.into()) as u32).wrapping_add(rd(fp, d.into()) as u32);
            wr(fp, x.into(), sum as u64);
            let ($x, $y) = (sum as $t, <$t>::from_slot(rd(fp, y.into())));
            branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
        }}
        handler! { $add_imm { x, d, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let sum = (rd(fp, x.into()) as u32).wrapping_add(rd(fp, d.into()) as u32);
            wr(fp, x.into(), sum as u64);
            let ($x, $y) = (sum as $t, <$t>::from_imm(imm));
            branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
        }}
        handler! { $inc { x, y, inc, offset } |ip, fp, mem, len, cx, acc, facc| {
            let sum = (rd(fp, x.into()) as u32).wrapping_add(inc as u32);
            wr(fp, x.into(), sum as u64);
            let ($x, $y) = (sum as $t, <$t>::from_slot(rd(fp, y.into())));
            branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
        }}
        handler! { $inc_imm { x, inc, imm, offset } |ip, fp, mem, len, cx, acc, facc| {
            let sum = (rd(fp, x.into()) as u32).wrapping_add(inc as u32);
            wr(fp, x.into(), sum as u64);
            let ($x, $y) = (sum as $t, <$t>::from_imm(imm));
            branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
        }}
    )*};
}

add_branch! {
    AddBrI32Eq, AddBrI32EqImm, IncBrI32Eq, IncBrI32EqImm: (x, y: u32) => x == y;
    AddBrI32Ne, AddBrI32NeImm, IncBrI32Ne, IncBrI32NeImm: (x, y: u32) => x != y;
    AddBrI32LtS, AddBrI32LtSImm, IncBrI32LtS, IncBrI32LtSImm: (x, y: i32) => x < y;
    AddBrI32LtU, AddBrI32LtUImm, IncBrI32LtU, IncBrI32LtUImm: (x, y: u32) => x < y;
    AddBrI32GtS, AddBrI32GtSImm, IncBrI32GtS, IncBrI32GtSImm: (x, y: i32) => x > y;
    AddBrI32GtU, AddBrI32GtUImm, IncBrI32GtU, IncBrI32GtUImm: (x, y: u32) => x > y;
    AddBrI32LeS, AddBrI32LeSImm, IncBrI32LeS, IncBrI32LeSImm: (x, y: i32) => x <= y;
    AddBrI32LeU, AddBrI32LeUImm, IncBrI32LeU, IncBrI32LeUImm: (x, y: u32) => x <= y;
    AddBrI32GeS, AddBrI32GeSImm, IncBrI32GeS, IncBrI32GeSImm: (x, y: i32) => x >= y;
    AddBrI32GeU, AddBrI32GeUImm, IncBrI32GeU, IncBrI32GeUImm: (x, y: u32) => x >= y;
}

/// `(a + b) cmp c` on f64 and a branch: a float add fused into the
/// compare-and-branch that consumes it (`x*x + y*y <= r2`).
macro_rules! add_branch_f64 {
    ($( $name:ident, $name_b:ident: |$x:ident, $y:ident| $e:expr; )*) => {$(
        handler! { $name { a, b, c, offset } |ip, fp, mem, len, cx, acc, facc| {
            let $x = f64::from_slot(rd(fp, a.into())) + f64::from_slot(rd(fp, b.into()));
            let $y = f64::from_slot(rd(fp, c.into()));
            branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
        }}
        // `b` from the float accumulator.
        handler! { $name_b { a, b, c, offset } |ip, fp, mem, len, cx, acc, facc| {
            let $x = f64::from_slot(rd(fp, a.into())) + facc;
            let $y = f64::from_slot(rd(fp, c.into()));
            branch!($e, offset, ip, fp, mem, len, cx, acc, facc)
        }}
    )*};
}

add_branch_f64! {
    BrF64AddEq, BrF64AddEqB: |x, y| x == y;
    BrF64AddNe, BrF64AddNeB: |x, y| x != y;
    BrF64AddLt, BrF64AddLtB: |x, y| x < y;
    BrF64AddGt, BrF64AddGtB: |x, y| x > y;
    BrF64AddLe, BrF64AddLeB: |x, y| x <= y;
    BrF64AddGe, BrF64AddGeB: |x, y| x >= y;
    BrF64AddNotLt, BrF64AddNotLtB: |x, y| !(x < y);
    BrF64AddNotGt, BrF64AddNotGtB: |x, y| !(x > y);
    BrF64AddNotLe, BrF64AddNotLeB: |x, y| !(x <= y);
    BrF64AddNotGe, BrF64AddNotGeB: |x, y| !(x >= y);
}

handler! { Br { offset } |ip, fp, mem, len, cx, acc, facc| {
    dispatch!(ip.offset(offset as isize), fp, mem, len, cx, acc, facc)
}}

handler! { BrIfNez { cond, offset } |ip, fp, mem, len, cx, acc, facc| {
    branch!(rd(fp, cond) as u32 != 0, offset, ip, fp, mem, len, cx, acc, facc)
}}

handler! { BrIfNezA { cond, offset } |ip, fp, mem, len, cx, acc, facc| {
    branch!(acc as u32 != 0, offset, ip, fp, mem, len, cx, acc, facc)
}}

handler! { BrIfEqz { cond, offset } |ip, fp, mem, len, cx, acc, facc| {
    branch!(rd(fp, cond) as u32 == 0, offset, ip, fp, mem, len, cx, acc, facc)
}}

handler! { BrIfEqzA { cond, offset } |ip, fp, mem, len, cx, acc, facc| {
    branch!(acc as u32 == 0, offset, ip, fp, mem, len, cx, acc, facc)
}}

handler! { BrIfNez64 { cond, offset } |ip, fp, mem, len, cx, acc, facc| {
    branch!(rd(fp, cond) != 0, offset, ip, fp, mem, len, cx, acc, facc)
}}

handler! { BrIfNez64A { cond, offset } |ip, fp, mem, len, cx, acc, facc| {
    branch!(acc != 0, offset, ip, fp, mem, len, cx, acc, facc)
}}

handler! { BrIfEqz64 { cond, offset } |ip, fp, mem, len, cx, acc, facc| {
    branch!(rd(fp, cond) == 0, offset, ip, fp, mem, len, cx, acc, facc)
}}

handler! { BrIfEqz64A { cond, offset } |ip, fp, mem, len, cx, acc, facc| {
    branch!(acc == 0, offset, ip, fp, mem, len, cx, acc, facc)
}}

handler! { BrTable { index, len: n } |ip, fp, mem, len, cx, acc, facc| {
    let i = (rd(fp, index) as u32).min(n);
    dispatch!(ip.add(1 + i as usize), fp, mem, len, cx, acc, facc)
}}

handler! { Unreachable |ip, fp, mem, len, cx, acc, facc| {
    trap!(cx, ip, TrapCode::Unreachable)
}}

handler! { Aux { .. } |ip, fp, mem, len, cx, acc, facc| {
    // Aux words are operands of the instruction before them and are
    // always skipped.
    bad_dispatch()
}}

/// Returns to the caller, or ends the invocation at its entry depth.
///
/// No instruction reads the accumulator right after a call (calls do not
/// set it), so calls and returns pass 0: that frees its register for the
/// call handlers' own work.
///
/// # Safety
/// A consistent handler state whose results are in place.
#[inline(always)]
unsafe fn leave(mem: *mut u8, len: usize, cx: *mut Cx, facc: f64) -> Exit {
    // SAFETY: guaranteed by the caller; the records between `frames_base`
    // and `frames_top` are the live callers of this invocation.
    unsafe {
        let top = (*cx).frames_top;
        if top == (*cx).frames_base {
            return Exit::Returned;
        }
        let top = top.sub(1);
        (*cx).frames_top = top;
        let f = top.read();
        (*cx).func = f.func;
        if f.vmctx != (*cx).vmctx {
            (*cx).vmctx = f.vmctx;
            let (mem, len) = memory0(f.vmctx);
            dispatch!(f.ip, f.fp, mem, len, cx, 0, facc)
        }
        dispatch!(f.ip, f.fp, mem, len, cx, 0, facc)
    }
}

handler! { Return |ip, fp, mem, len, cx, acc, facc| {
    leave(mem, len, cx, facc)
}}

handler! { ReturnSlot { src } |ip, fp, mem, len, cx, acc, facc| {
    wr(fp, 0, rd(fp, src));
    leave(mem, len, cx, facc)
}}

handler! { ReturnSlot128 { src } |ip, fp, mem, len, cx, acc, facc| {
    wr128(fp, 0, rd128(fp, src));
    leave(mem, len, cx, facc)
}}

handler! { ReturnConst { value } |ip, fp, mem, len, cx, acc, facc| {
    wr(fp, 0, value);
    leave(mem, len, cx, facc)
}}

handler! { ReturnMany { src, len: n } |ip, fp, mem, len, cx, acc, facc| {
    for i in 0..n {
        wr(fp, i, rd(fp, src + i));
    }
    leave(mem, len, cx, facc)
}}

/// Enters wasm function `callee` of instance `callee_ctx`, whose frame
/// starts at slot `args` of the caller's; the caller resumes at `ret`.
/// `same_instance` (a constant at each use) skips the instance switch for
/// calls known to stay in the caller's instance.
///
/// # Safety
/// A consistent handler state at the call instruction `ip`; `callee` is
/// live code of `callee_ctx`'s module.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn enter(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    cx: *mut Cx,
    facc: f64,
    callee: *const CompiledFunc,
    callee_ctx: *mut VMContext,
    args: Slot,
    ret: *const Instr,
    same_instance: bool,
) -> Exit {
    // SAFETY: guaranteed by the caller; the new frame is checked to fit in
    // the value stack before it is touched.
    unsafe {
        let mut native = (*callee).native.load(Ordering::Acquire);
        if native == crate::interp::untranslated() {
            // First call: translate, then run it here (or its machine
            // code, when the baseline compiler made that instead).
            if !translate(cx, callee, callee_ctx) {
                return callee_failed(cx, ip, fp);
            }
            native = (*callee).native.load(Ordering::Acquire);
        }
        if !native.is_null() && (*native).runs_in(&*callee_ctx) {
            // Tiered up: call the native code instead (code for guarded
            // memories only where they are: otherwise the function stays
            // interpreted in this instance).
            if !call_tiered(cx, fp, callee, callee_ctx, native, args) {
                return callee_failed(cx, ip, fp);
            }
            let (mem, len) = memory0((*cx).vmctx);
            dispatch!(ret, fp, mem, len, cx, 0, facc)
        }
        let new_fp = fp.add(args as usize);
        let top = (*cx).frames_top;
        if new_fp.add((*callee).frame_slots as usize) > (*cx).stack_end || top == (*cx).frames_end {
            trap!(cx, ip, TrapCode::StackExhausted);
        }
        top.write(Frame {
            ip: ret,
            fp,
            func: (*cx).func,
            vmctx: (*cx).vmctx,
        });
        (*cx).frames_top = top.add(1);
        (*cx).func = callee;
        init_frame(new_fp, callee);
        let code = (*callee).code.as_ptr();
        if !same_instance && callee_ctx != (*cx).vmctx {
            (*cx).vmctx = callee_ctx;
            let (mem, len) = memory0(callee_ctx);
            dispatch!(code, new_fp, mem, len, cx, 0, facc)
        }
        dispatch!(code, new_fp, mem, len, cx, 0, facc)
    }
}

/// Translates `callee` (of the instance `callee_ctx`) at its first call;
/// false with a trap pending in the store context if it cannot be.
///
/// # Safety
/// `cx` is the live invocation state; `callee` a function of the module of
/// the live instance `callee_ctx`.
#[cold]
#[inline(never)]
unsafe fn translate(cx: *mut Cx, callee: *const CompiledFunc, callee_ctx: *mut VMContext) -> bool {
    // SAFETY: guaranteed by the caller.
    unsafe { super::translate_now((*(*cx).vmctx).store, callee, callee_ctx) }
}

/// Ends the invocation after the function called at `ip` (in the frame
/// at `fp`) failed: its trap or exception is pending in the store
/// context already. An exception may still be caught by a handler of
/// this frame or of a caller (see `exec::catch`).
///
/// # Safety
/// `cx` is the live invocation state.
#[cold]
#[inline(never)]
unsafe fn callee_failed(cx: *mut Cx, ip: *const Instr, fp: *mut u64) -> Exit {
    // SAFETY: guaranteed by the caller.
    unsafe {
        (*cx).trap_ip = ip;
        (*cx).trap_fp = fp;
        (*cx).callee_trapped = true;
    }
    Exit::Trapped
}

/// Throws a new exception with tag `tag` (an index of the running
/// instance) and the `slots` payload slots from slot `args`.
///
/// # Safety
/// As for handlers.
#[cold]
#[inline(never)]
unsafe fn throw_new(
    cx: *mut Cx,
    ip: *const Instr,
    fp: *mut u64,
    tag: u32,
    args: Slot,
    slots: u32,
) -> Exit {
    // SAFETY: guaranteed by the caller; the payload slots are in the frame.
    unsafe {
        let vmctx = (*cx).vmctx;
        let store = (*vmctx).store;
        let values: Box<[u64]> = (0..slots).map(|i| rd(fp, args + i)).collect();
        let exn = (*store).new_exception((*vmctx).tag(tag), values);
        (*store).throw(exn);
        callee_failed(cx, ip, fp)
    }
}

handler! { Throw { tag, args, slots } |ip, fp, mem, len, cx, acc, facc| {
    throw_new(cx, ip, fp, tag, args, slots)
}}

handler! { ThrowRef { src } |ip, fp, mem, len, cx, acc, facc| {
    let exn = rd(fp, src);
    if exn == 0 {
        trap!(cx, ip, TrapCode::NullExceptionReference)
    }
    (*(*(*cx).vmctx).store).throw((exn - 1) as u32);
    callee_failed(cx, ip, fp)
}}

/// Calls `callee` of instance `callee_ctx`, which has been compiled to
/// `native` code since: switches the instance's reference to the function
/// to the native code, then calls it through it.
///
/// # Safety
/// As for `call_array`; `native` is `callee`'s published native code.
#[cold]
#[inline(never)]
unsafe fn call_tiered(
    cx: *mut Cx,
    fp: *mut u64,
    callee: *const CompiledFunc,
    callee_ctx: *mut VMContext,
    native: *const NativeCode,
    args: Slot,
) -> bool {
    // SAFETY: guaranteed by the caller; the instance's references are
    // mutable and used by this thread only.
    unsafe {
        let vm = (*callee_ctx).func((*callee).func_index) as *mut VMFuncRef;
        (*vm).adopt(&*native);
        call_array(cx, fp, vm, args)
    }
}

// Counts a call or loop iteration; reports the function when it becomes
// hot.
handler! { Hot |ip, fp, mem, len, cx, acc, facc| {
    let f = &*(*cx).func;
    let n = f.hotness.load(Ordering::Relaxed).wrapping_add(1);
    f.hotness.store(n, Ordering::Relaxed);
    if n == (*cx).hot_threshold {
        report_hot(cx);
    }
    next!(ip, fp, mem, len, cx, acc, facc)
}}

// `Hot` at a loop head entered with an empty operand stack: once the
// function is hot, the running invocation moves to native code entered
// here when the engine has compiled such an entry (asked at the threshold
// and every `OSR_INTERVAL` iterations after it; at every iteration when
// the threshold is 1, which makes tier-up eager for tests).
handler! { HotLoop { ordinal } |ip, fp, mem, len, cx, acc, facc| {
    let f = &*(*cx).func;
    let n = f.hotness.load(Ordering::Relaxed).wrapping_add(1);
    f.hotness.store(n, Ordering::Relaxed);
    let threshold = (*cx).hot_threshold;
    if n >= threshold && (n == threshold || threshold == 1 || n.is_multiple_of(OSR_INTERVAL)) {
        // The entry here is asked for before the whole function: on the
        // background thread the running loop, which is what is hot, then
        // waits for one compilation, not two. (In the foreground the
        // entry runs the invocation to its end first.)
        let entered = enter_osr(fp, cx, ordinal);
        if n == threshold {
            report_hot(cx);
        }
        // (Leaving from here, not from `enter_osr`, keeps the dispatch a
        // jump.)
        match entered {
            Some(true) => {
                // The native code may have grown (or moved) the memory.
                let (mem, len) = memory0((*cx).vmctx);
                return leave(mem, len, cx, facc);
            }
            Some(false) => {
                (*cx).trap_frame_gone = true;
                return callee_failed(cx, ip, fp);
            }
            None => {}
        }
    }
    next!(ip, fp, mem, len, cx, acc, facc)
}}

/// How often (in counts) a hot function's loop asks for an on-stack
/// replacement entry until it gets one.
const OSR_INTERVAL: u32 = 1024;

/// Finishes the running invocation in native code entered at the head of
/// loop `ordinal` (on-stack replacement), if the engine has such code for
/// it: the code reads the locals from this frame and runs the function to
/// its end; its results become this frame's first slots. `Some(true)`:
/// the function is to return; `Some(false)`: a trap or exception left the
/// code, having unwound this frame already; `None`: no such code (yet),
/// the interpreter goes on.
///
/// # Safety
/// As for handlers, at a `HotLoop` instruction: the frame has room
/// for the call's values above its slots (the translator sees to it).
#[cold]
#[inline(never)]
unsafe fn enter_osr(fp: *mut u64, cx: *mut Cx, ordinal: u32) -> Option<bool> {
    // SAFETY: guaranteed by the caller; the entry lives as long as the
    // module, which the running instance holds.
    unsafe {
        let vmctx = (*cx).vmctx;
        let hook = (*(*vmctx).store).osr?;
        let func = (*cx).func;
        let code = hook(vmctx, (*func).func_index, ordinal);
        if code.is_null() || !(*code).runs_in(&*vmctx) {
            return None;
        }
        let results = (*func).result_slots;
        let values = (*func).frame_slots - results.max(1);
        wr(fp, values, fp as u64);
        let entry = VMFuncRef {
            array_call: (*code).array_call,
            vmctx,
            type_id: u32::MAX,
            store_index: u32::MAX,
            wasm_call: (*code).wasm_call,
            array_trampoline: (*code).array_trampoline,
            interp_code: std::ptr::null(),
            host: std::ptr::null(),
        };
        if !call_array(cx, fp, &entry, values) {
            return Some(false);
        }
        for i in 0..results {
            wr(fp, i, rd(fp, values + i));
        }
        Some(true)
    }
}

// Charges the fuel of the segment starting here.
handler! { Fuel { cost } |ip, fp, mem, len, cx, acc, facc| {
    let store = (*(*cx).vmctx).store;
    let left = (*store).fuel;
    if left < u64::from(cost) {
        trap!(cx, ip, TrapCode::OutOfFuel)
    }
    (*store).fuel = left - u64::from(cost);
    next!(ip, fp, mem, len, cx, acc, facc)
}}

// Traps once the engine's epoch has reached the store's deadline.
handler! { Epoch |ip, fp, mem, len, cx, acc, facc| {
    let store = (*(*cx).vmctx).store;
    if (*(*store).epoch).load(Ordering::Relaxed) >= (*store).epoch_deadline {
        trap!(cx, ip, TrapCode::Interrupted)
    }
    next!(ip, fp, mem, len, cx, acc, facc)
}}

/// Reports the running function to the engine's tier-up hook.
///
/// # Safety
/// `cx` is the live invocation state.
#[cold]
#[inline(never)]
unsafe fn report_hot(cx: *mut Cx) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let vmctx = (*cx).vmctx;
        if let Some(hook) = (*(*vmctx).store).tier_up {
            hook(vmctx, (*(*cx).func).func_index);
        }
    }
}

/// Calls any function reference: interpreted code of any instance inline,
/// anything else (native code, host functions) through its `array_call`.
///
/// # Safety
/// As for `enter`; `f` is a live function reference of the store.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn call_ref(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    cx: *mut Cx,
    facc: f64,
    f: *const VMFuncRef,
    args: Slot,
    ret: *const Instr,
) -> Exit {
    // SAFETY: guaranteed by the caller.
    unsafe {
        if !(*f).interp_code.is_null() {
            return enter(
                ip,
                fp,
                mem,
                len,
                cx,
                facc,
                (*f).interp_code as *const CompiledFunc,
                (*f).vmctx,
                args,
                ret,
                false,
            );
        }
        if !call_array(cx, fp, f, args) {
            return callee_failed(cx, ip, fp);
        }
        // The callee may have grown (or moved) the memory.
        let (mem, len) = memory0((*cx).vmctx);
        dispatch!(ret, fp, mem, len, cx, 0, facc)
    }
}

/// Calls `f` through its `array_call` with the arguments at slot `args` of
/// the frame at `fp`, leaving its results there. Returns false if it
/// trapped (the trap is then pending in the store context).
///
/// # Safety
/// A consistent handler state; `f` is a live function reference.
#[inline(never)]
unsafe fn call_array(cx: *mut Cx, fp: *mut u64, f: *const VMFuncRef, args: Slot) -> bool {
    // SAFETY: guaranteed by the caller. Nested invocations (a host
    // function calling back into wasm) start above this frame and these
    // caller records, so they leave them intact.
    unsafe {
        let exec = (*cx).exec;
        (*exec).top = fp
            .add((*(*cx).func).frame_slots as usize)
            .offset_from((*cx).stack_start) as usize;
        (*exec).frame_top = (*cx).frames_top.offset_from((*exec).frames as *const Frame) as usize;
        let values = fp.add(args as usize);
        let capacity = (*cx).stack_end.offset_from(values) as usize;
        ((*f).array_call)(f, (*cx).vmctx, values, capacity)
    }
}

/// Copies a call's first two arguments into place (`src0`/`src1` to
/// `args`/`args + 1`; a source equal to its destination copies nothing).
/// Both slots lie inside the caller's frame, which the translator sizes
/// with room for them.
///
/// # Safety
/// As for handlers.
#[inline(always)]
unsafe fn copy_args(fp: *mut u64, args: Slot16, src0: Slot16, src1: Slot16) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let (a0, a1) = (rd(fp, src0.into()), rd(fp, src1.into()));
        wr(fp, args.into(), a0);
        wr(fp, Slot::from(args) + 1, a1);
    }
}

handler! { CallInternalArgs { args, src0, src1, func } |ip, fp, mem, len, cx, acc, facc| {
    copy_args(fp, args, src0, src1);
    let vmctx = (*cx).vmctx;
    let callee = ((*vmctx).interp_funcs as *const CompiledFunc).add(func as usize);
    enter(ip, fp, mem, len, cx, facc, callee, vmctx, args.into(), ip.add(1), true)
}}

handler! { CallArgs { args, src0, src1, func } |ip, fp, mem, len, cx, acc, facc| {
    copy_args(fp, args, src0, src1);
    call_ref(ip, fp, mem, len, cx, facc, (*(*cx).vmctx).func(func), args.into(), ip.add(1))
}}

handler! { CallInternal { func, args } |ip, fp, mem, len, cx, acc, facc| {
    let vmctx = (*cx).vmctx;
    let callee = ((*vmctx).interp_funcs as *const CompiledFunc).add(func as usize);
    enter(ip, fp, mem, len, cx, facc, callee, vmctx, args, ip.add(1), true)
}}

handler! { Call { func, args } |ip, fp, mem, len, cx, acc, facc| {
    call_ref(
        ip,
        fp,
        mem,
        len,
        cx,
        facc,
        (*(*cx).vmctx).func(func),
        args,
        ip.add(1),
    )
}}

/// The function a `call_indirect` calls, or a trap; `table64` for an
/// i64 element index.
///
/// # Safety
/// As for handlers; `ip` is the `call_indirect`, followed by its `Aux`.
#[inline(always)]
unsafe fn indirect_callee(
    ip: *const Instr,
    fp: *mut u64,
    cx: *mut Cx,
    type_index: u32,
    index: Slot,
    table64: bool,
) -> Result<*const VMFuncRef, TrapCode> {
    // SAFETY: guaranteed by the caller; the element index is checked
    // against the table's length.
    unsafe {
        let Instr::Aux { a: table, .. } = *ip.add(1) else {
            bad_dispatch()
        };
        let vmctx = (*cx).vmctx;
        let t = (*vmctx).table(table);
        let raw = rd(fp, index);
        // A constant at each use: the 32-bit forms pay nothing for it.
        let i = if table64 { raw } else { raw as u32 as u64 };
        if i >= (*t).current_elements as u64 {
            return Err(TrapCode::UndefinedElement);
        }
        let f = *(*t).base.add(i as usize) as *const VMFuncRef;
        if f.is_null() {
            return Err(TrapCode::UninitializedElement);
        }
        let expected = (*vmctx).type_id(type_index);
        if (*f).type_id != expected
            && !crate::runtime::libcalls::is_subtype(vmctx, (*f).type_id, expected)
        {
            return Err(TrapCode::IndirectCallTypeMismatch);
        }
        Ok(f)
    }
}

handler! { CallIndirect { type_index, index, args } |ip, fp, mem, len, cx, acc, facc| {
    match indirect_callee(ip, fp, cx, type_index, index, false) {
        Ok(f) => call_ref(ip, fp, mem, len, cx, facc, f, args, ip.add(2)),
        Err(code) => trap!(cx, ip, code),
    }
}}

handler! { CallIndirect64 { type_index, index, args } |ip, fp, mem, len, cx, acc, facc| {
    match indirect_callee(ip, fp, cx, type_index, index, true) {
        Ok(f) => call_ref(ip, fp, mem, len, cx, facc, f, args, ip.add(2)),
        Err(code) => trap!(cx, ip, code),
    }
}}

handler! { CallIndirectArgs { index, args, src0, src1, type_index } |ip, fp, mem, len, cx, acc, facc| {
    match indirect_callee(ip, fp, cx, type_index, index.into(), false) {
        Ok(f) => {
            copy_args(fp, args, src0, src1);
            call_ref(ip, fp, mem, len, cx, facc, f, args.into(), ip.add(2))
        }
        Err(code) => trap!(cx, ip, code),
    }
}}

/// A tail call: `f` runs in place of the running function, in its frame.
/// The arguments at slot `args` move down to the frame base; no caller
/// record is pushed, so when `f` returns it returns to the running
/// function's caller, and a chain of tail calls runs in constant stack.
/// A callee that is not interpreted (host or native code) is called
/// through its `array_call` and its results returned at once.
///
/// # Safety
/// As for `enter`; `f` is a live function reference of the store whose
/// type's results are the running function's (validation checks this).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tail_call(
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    len: usize,
    cx: *mut Cx,
    facc: f64,
    f: *const VMFuncRef,
    args: Slot,
) -> Exit {
    // SAFETY: guaranteed by the caller; the reused frame is checked to fit
    // the callee before anything is written.
    unsafe {
        let interp_code = (*f).interp_code as *const CompiledFunc;
        if !interp_code.is_null()
            && (*interp_code).native.load(Ordering::Acquire) == crate::interp::untranslated()
            && !translate(cx, interp_code, (*f).vmctx)
        {
            return callee_failed(cx, ip, fp);
        }
        // (A function the baseline compiler took has only machine code.)
        let machine_code_only = !interp_code.is_null() && {
            let code = &(*interp_code).code;
            code.is_empty()
        };
        if interp_code.is_null() || machine_code_only {
            if !call_array(cx, fp, f, args) {
                return callee_failed(cx, ip, fp);
            }
            let results = (*(*cx).func).result_slots;
            for i in 0..results {
                wr(fp, i, rd(fp, args + i));
            }
            // The callee may have grown (or moved) memory 0.
            let (mem, len) = memory0((*cx).vmctx);
            return leave(mem, len, cx, facc);
        }
        let callee = interp_code;
        if fp.add((*callee).frame_slots as usize) > (*cx).stack_end {
            trap!(cx, ip, TrapCode::StackExhausted);
        }
        // The destination starts below the source: a forward copy is safe.
        for i in 0..(*callee).param_slots {
            wr(fp, i, rd(fp, args + i));
        }
        (*cx).func = callee;
        init_frame(fp, callee);
        let code = (*callee).code.as_ptr();
        let callee_ctx = (*f).vmctx;
        if callee_ctx != (*cx).vmctx {
            (*cx).vmctx = callee_ctx;
            let (mem, len) = memory0(callee_ctx);
            dispatch!(code, fp, mem, len, cx, 0, facc)
        }
        dispatch!(code, fp, mem, len, cx, 0, facc)
    }
}

handler! { ReturnCall { func, args } |ip, fp, mem, len, cx, acc, facc| {
    tail_call(ip, fp, mem, len, cx, facc, (*(*cx).vmctx).func(func), args)
}}

handler! { CallRef { callee, args } |ip, fp, mem, len, cx, acc, facc| {
    let f = rd(fp, callee) as *const VMFuncRef;
    if f.is_null() {
        trap!(cx, ip, TrapCode::NullFunctionReference)
    }
    call_ref(ip, fp, mem, len, cx, facc, f, args, ip.add(1))
}}

handler! { ReturnCallRef { callee, args } |ip, fp, mem, len, cx, acc, facc| {
    let f = rd(fp, callee) as *const VMFuncRef;
    if f.is_null() {
        trap!(cx, ip, TrapCode::NullFunctionReference)
    }
    tail_call(ip, fp, mem, len, cx, facc, f, args)
}}

handler! { RefAsNonNull { src } |ip, fp, mem, len, cx, acc, facc| {
    if rd(fp, src) == 0 {
        trap!(cx, ip, TrapCode::NullReference)
    }
    next!(ip, fp, mem, len, cx, acc, facc)
}}

handler! { ReturnCallIndirect { type_index, index, args } |ip, fp, mem, len, cx, acc, facc| {
    let Instr::Aux { b: table64, .. } = *ip.add(1) else {
        bad_dispatch()
    };
    match indirect_callee(ip, fp, cx, type_index, index, table64 != 0) {
        Ok(f) => tail_call(ip, fp, mem, len, cx, facc, f, args),
        Err(code) => trap!(cx, ip, code),
    }
}}

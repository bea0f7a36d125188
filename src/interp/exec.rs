//! The interpreter's execution loop.
//!
//! One loop runs all wasm frames of an invocation: wasm-to-wasm calls push
//! a `Frame` record instead of recursing on the host stack, so deep wasm
//! recursion ends in a clean "call stack exhausted" trap at the configured
//! depth. Frames are windows of one value stack, allocated once per store;
//! a callee's frame starts at its caller's argument slots, so arguments
//! and results are never copied. Slot accesses are unchecked: validation
//! and the translator guarantee every slot is inside the frame, and each
//! call checks that the whole callee frame fits in the stack.

use super::float::{self, TruncError};
use super::ir::Instr;
use super::simd;
use super::CompiledFunc;
use crate::engine::{Caller, FrameInfo, HostFunc, InstanceData, Store, Trap, Val, ValType};
use crate::runtime::{TrapCode, VMContext, VMFuncRef, VMMemoryDefinition};

/// Bytes of host stack a chain of nested host->wasm->host calls may use
/// before further nesting traps with "call stack exhausted".
const MAX_NATIVE_NESTING_BYTES: usize = 1 << 20;

#[derive(Copy, Clone)]
struct Frame {
    /// Where the caller resumes.
    ip: *const Instr,
    fp: *mut u64,
    func: *const CompiledFunc,
    vmctx: *mut VMContext,
}

/// Per-store interpreter state.
pub struct ExecState {
    stack: Vec<u64>,
    stack_slots: usize,
    frames: Vec<Frame>,
    max_depth: usize,
    /// First free slot: where a nested invocation starts its frame.
    top: usize,
    /// Host stack address at the outermost invocation (0 when idle).
    native_start: usize,
    /// Reused argument/result buffers for host calls.
    host_bufs: Vec<(Vec<Val>, Vec<Val>)>,
}

impl ExecState {
    pub fn new(max_stack_bytes: usize, max_depth: usize) -> ExecState {
        ExecState {
            stack: Vec::new(),
            stack_slots: (max_stack_bytes / 8).max(512),
            frames: Vec::new(),
            max_depth,
            top: 0,
            native_start: 0,
            host_bufs: Vec::new(),
        }
    }
}

fn trap(code: TrapCode) -> Trap {
    Trap::from_code(code, Vec::new())
}

/// Calls `func` with `args` (already type-checked), writing `results`.
pub fn invoke(
    store: &mut Store,
    func: *const VMFuncRef,
    args: &[Val],
    results: &mut [Val],
) -> Result<(), Trap> {
    // Guard the host stack against unbounded host<->wasm recursion.
    let marker = 0u8;
    let here = &marker as *const u8 as usize;
    let outermost = store.inner.exec.native_start == 0;
    if outermost {
        store.inner.exec.native_start = here;
    } else if store.inner.exec.native_start.abs_diff(here) > MAX_NATIVE_NESTING_BYTES {
        return Err(trap(TrapCode::StackExhausted));
    }
    let r = invoke_inner(store, func, args, results);
    if outermost {
        store.inner.exec.native_start = 0;
    }
    r
}

fn invoke_inner(
    store: &mut Store,
    func: *const VMFuncRef,
    args: &[Val],
    results: &mut [Val],
) -> Result<(), Trap> {
    // SAFETY: `func` is a live function reference of `store` (the caller
    // took it from the store).
    let vm = unsafe { &*func };
    if !vm.host.is_null() {
        // SAFETY: `host` points at the `HostFunc` of a record owned by the
        // store.
        let host = unsafe { &*(vm.host as *const HostFunc) };
        return call_host_func(store, host, None, args, results);
    }
    // SAFETY: non-host references carry interpreter code owned by a module
    // that the defining instance keeps alive.
    let f = unsafe { &*(vm.interp_code as *const CompiledFunc) };
    let exec = &mut store.inner.exec;
    if exec.stack.is_empty() {
        exec.stack = vec![0; exec.stack_slots];
    }
    let base = exec.top;
    if base + f.frame_slots as usize > exec.stack.len() {
        return Err(trap(TrapCode::StackExhausted));
    }
    let mut slot = base;
    for a in args {
        let raw = crate::engine::val_to_raw(store, a);
        let exec = &mut store.inner.exec;
        exec.stack[slot] = raw[0];
        if a.ty() == ValType::V128 {
            exec.stack[slot + 1] = raw[1];
            slot += 2;
        } else {
            slot += 1;
        }
    }
    let saved_top = store.inner.exec.top;
    let depth = store.inner.exec.frames.len();
    // SAFETY: the frame fits in the stack (checked above), arguments are in
    // place, and `vm.vmctx` is the defining instance's live context.
    let r = unsafe { run(store, f, vm.vmctx, base) };
    let exec = &mut store.inner.exec;
    exec.top = saved_top;
    exec.frames.truncate(depth);
    r?;
    let mut slot = base;
    for (r, t) in results.iter_mut().zip(f.ty.results()) {
        let exec = &store.inner.exec;
        let raw = [
            exec.stack[slot],
            exec.stack.get(slot + 1).copied().unwrap_or(0),
        ];
        slot += if *t == ValType::V128 { 2 } else { 1 };
        *r = crate::engine::val_from_raw(store, *t, raw);
    }
    Ok(())
}

/// Runs a host function: checks what it returns against its type.
fn call_host_func(
    store: &mut Store,
    host: &HostFunc,
    instance: Option<crate::engine::Instance>,
    args: &[Val],
    results: &mut [Val],
) -> Result<(), Trap> {
    for (r, t) in results.iter_mut().zip(host.ty.results()) {
        *r = Val::default_for(*t);
    }
    let mut caller = Caller { store, instance };
    (host.callback)(&mut caller, args, results)?;
    for (r, t) in results.iter().zip(host.ty.results()) {
        if r.ty() != *t {
            return Err(Trap::new(format!(
                "host function returned a {} where its type says {t}",
                r.ty()
            )));
        }
    }
    Ok(())
}

#[inline(always)]
unsafe fn rd(fp: *mut u64, s: u32) -> u64 {
    // SAFETY: the translator only emits slots inside the frame, and the
    // frame was checked to fit in the stack on entry.
    unsafe { *fp.add(s as usize) }
}

#[inline(always)]
unsafe fn wr(fp: *mut u64, s: u32, v: u64) {
    // SAFETY: as for `rd`.
    unsafe { *fp.add(s as usize) = v }
}

#[inline(always)]
unsafe fn rd128(fp: *mut u64, s: u32) -> u128 {
    // SAFETY: as for `rd`; v128 values occupy two consecutive slots.
    unsafe { u128::from(*fp.add(s as usize)) | (u128::from(*fp.add(s as usize + 1)) << 64) }
}

#[inline(always)]
unsafe fn wr128(fp: *mut u64, s: u32, v: u128) {
    // SAFETY: as for `rd128`.
    unsafe {
        *fp.add(s as usize) = v as u64;
        *fp.add(s as usize + 1) = (v >> 64) as u64;
    }
}

#[inline(always)]
fn f32v(x: u64) -> f32 {
    f32::from_bits(x as u32)
}

#[inline(always)]
fn f64v(x: u64) -> f64 {
    f64::from_bits(x)
}

#[inline(always)]
fn b(x: bool) -> u64 {
    x as u64
}

fn trunc_trap(e: TruncError) -> TrapCode {
    match e {
        TruncError::NaN => TrapCode::InvalidConversionToInteger,
        TruncError::Overflow => TrapCode::IntegerOverflow,
    }
}

/// Zeroes a new frame's locals and writes its constants after them.
///
/// # Safety
/// The frame at `fp` must have room for `func.frame_slots` slots.
#[inline(always)]
unsafe fn init_frame(fp: *mut u64, func: *const CompiledFunc) {
    // SAFETY: guaranteed by the caller; locals and constants lie below
    // `frame_slots`.
    unsafe {
        let f = &*func;
        for s in f.param_slots..f.locals_end {
            wr(fp, s, 0);
        }
        if !f.consts.is_empty() {
            copy_consts(fp, f);
        }
    }
}

/// Writes a function's constants after its locals. Kept out of line:
/// inlined into `run`, it changed how LLVM allocated registers for the
/// whole execution loop (collatz ran 2x slower).
///
/// # Safety
/// As for `init_frame`.
#[inline(never)]
unsafe fn copy_consts(fp: *mut u64, f: &CompiledFunc) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let dst = fp.add(f.locals_end as usize);
        std::ptr::copy_nonoverlapping(f.consts.as_ptr(), dst, f.consts.len());
    }
}

/// The instance record behind a context.
///
/// # Safety
/// `vmctx` must be the live context of an instance.
#[inline(always)]
unsafe fn instance_of<'a>(vmctx: *mut VMContext) -> &'a mut InstanceData {
    // SAFETY: every context's `instance` points at its boxed record.
    unsafe { &mut *((*vmctx).instance as *mut InstanceData) }
}

/// Builds the backtrace for a trap at `ip` in `func`, plus the suspended
/// frames above `depth`.
unsafe fn backtrace(
    store: &Store,
    func: *const CompiledFunc,
    ip: *const Instr,
    vmctx: *mut VMContext,
    depth: usize,
) -> Vec<FrameInfo> {
    let mut out = Vec::new();
    // SAFETY: called with the live frame state of `run`.
    unsafe {
        out.push(frame_info(func, ip, vmctx));
        for f in store.inner.exec.frames[depth..].iter().rev() {
            // The return address is one past the call (or two for
            // call_indirect); step back onto the call instruction.
            out.push(frame_info(f.func, f.ip.sub(1), f.vmctx));
        }
    }
    out
}

unsafe fn frame_info(
    func: *const CompiledFunc,
    ip: *const Instr,
    vmctx: *mut VMContext,
) -> FrameInfo {
    // SAFETY: `ip` points into `func.code`; `vmctx` is live.
    unsafe {
        let f = &*func;
        let idx = ip.offset_from(f.code.as_ptr()).max(0) as usize;
        let func_offset = f.offsets.get(idx).copied().unwrap_or(0) as usize;
        let inst = instance_of(vmctx);
        let m = inst.module.inner();
        let body = m
            .func_body_offsets
            .get((f.func_index - m.num_imported_funcs) as usize)
            .copied()
            .unwrap_or(0);
        FrameInfo {
            instance: Some(inst.handle),
            func_index: f.func_index,
            func_offset,
            module_offset: body + func_offset,
        }
    }
}

/// Executes `func` in a frame at slot `base` until it returns.
///
/// # Safety
/// Arguments must be in place at `base`, the frame must fit in the value
/// stack, and `vmctx` must be the live context of `func`'s instance.
// `!(a < b)` on floats is deliberate: it is true for NaN operands, which
// `a >= b` is not.
#[allow(clippy::cognitive_complexity, clippy::neg_cmp_op_on_partial_ord)]
unsafe fn run(
    store: &mut Store,
    func: *const CompiledFunc,
    vmctx: *mut VMContext,
    base: usize,
) -> Result<(), Trap> {
    let store_ptr: *mut Store = store;
    // SAFETY: see the function's contract; all pointers below stay valid
    // while the store lives, and the value stack never reallocates.
    unsafe {
        let exec: *mut ExecState = &mut (*store_ptr).inner.exec;
        let stack_start = (*exec).stack.as_mut_ptr();
        let stack_end = stack_start.add((*exec).stack.len());
        let entry_depth = (*exec).frames.len();
        let max_depth = (*exec).max_depth;
        let mut func = func;
        let mut vmctx = vmctx;
        let mut fp = stack_start.add(base);
        let mut ip = (*func).code.as_ptr();
        init_frame(fp, func);
        let mut mem: *mut VMMemoryDefinition = (*vmctx).memory(0);
        let mut mem_base = (*mem).base;
        let mut mem_len = (*mem).current_length as u64;

        macro_rules! reload_mem {
            () => {{
                mem = (*vmctx).memory(0);
                mem_base = (*mem).base;
                mem_len = (*mem).current_length as u64;
            }};
        }
        macro_rules! trap {
            ($code:expr) => {{
                let trace = backtrace(&*store_ptr, func, ip, vmctx, entry_depth);
                return Err(Trap::from_code($code, trace));
            }};
        }
        macro_rules! next {
            () => {{
                ip = ip.add(1);
                continue;
            }};
        }
        macro_rules! ea {
            ($addr:expr, $offset:expr, $n:expr) => {{
                let ea = (rd(fp, $addr) as u32 as u64) + $offset as u64;
                if ea + $n > mem_len {
                    trap!(TrapCode::MemoryOutOfBounds);
                }
                mem_base.add(ea as usize)
            }};
        }
        // The address `a + b` of a fused add-and-access: i32 wraparound
        // first, then the bounds check for `n` bytes.
        macro_rules! ea_add {
            ($a:expr, $b:expr, $n:expr) => {{
                let ea = (rd(fp, $a) as u32).wrapping_add($b as u32) as u64;
                if ea + $n > mem_len {
                    trap!(TrapCode::MemoryOutOfBounds);
                }
                mem_base.add(ea as usize)
            }};
        }
        macro_rules! load {
            ($dst:expr, $addr:expr, $offset:expr, $t:ty, $conv:expr) => {{
                let p = ea!($addr, $offset, std::mem::size_of::<$t>() as u64);
                let v = (p as *const $t).read_unaligned();
                wr(fp, $dst, $conv(v));
                next!()
            }};
        }
        macro_rules! store_ {
            ($addr:expr, $src:expr, $offset:expr, $t:ty) => {{
                let p = ea!($addr, $offset, std::mem::size_of::<$t>() as u64);
                (p as *mut $t).write_unaligned(rd(fp, $src) as $t);
                next!()
            }};
        }
        macro_rules! i32op {
            ($dst:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = rd(fp, $a) as u32;
                let $y = $b;
                wr(fp, $dst, ($e) as u32 as u64);
                next!()
            }};
        }
        macro_rules! i64op {
            ($dst:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = rd(fp, $a);
                let $y = $b;
                wr(fp, $dst, ($e) as u64);
                next!()
            }};
        }
        macro_rules! f32op {
            ($dst:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = f32v(rd(fp, $a));
                let $y = f32v(rd(fp, $b));
                wr(fp, $dst, ($e).to_bits() as u64);
                next!()
            }};
        }
        macro_rules! f64op {
            ($dst:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = f64v(rd(fp, $a));
                let $y = f64v(rd(fp, $b));
                wr(fp, $dst, ($e).to_bits());
                next!()
            }};
        }
        macro_rules! fcmp {
            ($dst:expr, $a:expr, $b:expr, $conv:ident, |$x:ident, $y:ident| $e:expr) => {{
                let $x = $conv(rd(fp, $a));
                let $y = $conv(rd(fp, $b));
                wr(fp, $dst, b($e));
                next!()
            }};
        }
        macro_rules! un {
            ($dst:expr, $src:expr, |$x:ident| $e:expr) => {{
                let $x = rd(fp, $src);
                wr(fp, $dst, $e);
                next!()
            }};
        }
        macro_rules! trunc {
            ($dst:expr, $src:expr, $f:path, $conv:ident, $out:ty) => {{
                match $f($conv(rd(fp, $src))) {
                    Ok(v) => wr(fp, $dst, v as $out as u64),
                    Err(e) => trap!(trunc_trap(e)),
                }
                next!()
            }};
        }
        macro_rules! sat {
            ($dst:expr, $src:expr, $f:path, $conv:ident, $out:ty) => {{
                wr(fp, $dst, $f($conv(rd(fp, $src))) as $out as u64);
                next!()
            }};
        }
        // Enters a wasm callee whose frame starts at `args`; `ret` is where
        // the caller resumes.
        macro_rules! enter {
            ($callee:expr, $callee_ctx:expr, $args:expr, $ret:expr) => {{
                let callee: *const CompiledFunc = $callee;
                let new_fp = fp.add($args as usize);
                if new_fp.add((*callee).frame_slots as usize) > stack_end
                    || (*exec).frames.len() - entry_depth >= max_depth
                {
                    trap!(TrapCode::StackExhausted);
                }
                (*exec).frames.push(Frame {
                    ip: $ret,
                    fp,
                    func,
                    vmctx,
                });
                fp = new_fp;
                func = callee;
                ip = (*func).code.as_ptr();
                init_frame(fp, func);
                let callee_ctx: *mut VMContext = $callee_ctx;
                if callee_ctx != vmctx {
                    vmctx = callee_ctx;
                    reload_mem!();
                }
                continue;
            }};
        }
        // Calls any function reference (wasm in any instance, or host).
        macro_rules! call_ref {
            ($f:expr, $args:expr, $ret:expr) => {{
                let f: *const VMFuncRef = $f;
                if !(*f).interp_code.is_null() {
                    enter!(
                        (*f).interp_code as *const CompiledFunc,
                        (*f).vmctx,
                        $args,
                        $ret
                    );
                }
                let host = &*((*f).host as *const HostFunc);
                let args_fp = fp.add($args as usize);
                // Nested invocations from the host start above this frame.
                (*exec).top = fp
                    .add((*func).frame_slots as usize)
                    .offset_from(stack_start) as usize;
                let (mut hargs, mut hres) = (*exec).host_bufs.pop().unwrap_or_default();
                hargs.clear();
                hres.clear();
                let st = &mut *store_ptr;
                let mut s = 0u32;
                for t in host.ty.params() {
                    let raw = [
                        rd(args_fp, s),
                        if *t == ValType::V128 {
                            rd(args_fp, s + 1)
                        } else {
                            0
                        },
                    ];
                    hargs.push(crate::engine::val_from_raw(st, *t, raw));
                    s += (*t).slots();
                }
                hres.resize(host.ty.results().len(), Val::I32(0));
                let inst = instance_of(vmctx).handle;
                let r = call_host_func(st, host, Some(inst), &hargs, &mut hres);
                if let Err(t) = r {
                    (*exec).host_bufs.push((hargs, hres));
                    let trace = backtrace(&*store_ptr, func, ip, vmctx, entry_depth);
                    return Err(t.with_trace(trace));
                }
                let mut s = 0u32;
                for (v, t) in hres.iter().zip(host.ty.results()) {
                    let raw = crate::engine::val_to_raw(&*store_ptr, v);
                    wr(args_fp, s, raw[0]);
                    if *t == ValType::V128 {
                        wr(args_fp, s + 1, raw[1]);
                    }
                    s += (*t).slots();
                }
                (*exec).host_bufs.push((hargs, hres));
                reload_mem!();
                ip = $ret;
                continue;
            }};
        }
        macro_rules! ret {
            () => {{
                if (*exec).frames.len() == entry_depth {
                    return Ok(());
                }
                let f = (*exec).frames.pop().unwrap_unchecked();
                ip = f.ip;
                fp = f.fp;
                func = f.func;
                if f.vmctx != vmctx {
                    vmctx = f.vmctx;
                    reload_mem!();
                }
                continue;
            }};
        }
        macro_rules! simd_exec {
            (
                simd_binary: [$(($sb:ident, $sbf:ident)),* $(,)?],
                simd_shift: [$(($ss:ident, $ssf:ident)),* $(,)?],
                simd_unary: [$(($su:ident, $suf:ident)),* $(,)?],
                simd_test: [$(($st:ident, $stf:ident)),* $(,)?],
                simd_load: [$(($sl:ident, $sln:literal, $slf:ident)),* $(,)?],
            ) => {
                match *ip {
                    $( Instr::$sb { dst, a, b } => {
                        wr128(fp, dst, simd::$sbf(rd128(fp, a), rd128(fp, b)));
                        next!()
                    } )*
                    $( Instr::$ss { dst, a, b } => {
                        wr128(fp, dst, simd::$ssf(rd128(fp, a), rd(fp, b) as u32));
                        next!()
                    } )*
                    $( Instr::$su { dst, src } => {
                        wr128(fp, dst, simd::$suf(rd128(fp, src)));
                        next!()
                    } )*
                    $( Instr::$st { dst, src } => {
                        wr(fp, dst, simd::$stf(rd128(fp, src)) as u32 as u64);
                        next!()
                    } )*
                    $( Instr::$sl { dst, addr, offset } => {
                        let p = ea!(addr, offset, $sln);
                        let bytes = (p as *const [u8; $sln]).read_unaligned();
                        wr128(fp, dst, simd::$slf(bytes));
                        next!()
                    } )*
                    _ => {}
                }
            };
        }

        macro_rules! br_cmp {
            ($cond:expr, $offset:expr) => {{
                ip = if $cond {
                    ip.offset($offset as isize)
                } else {
                    ip.add(1)
                };
                continue;
            }};
        }

        loop {
            match *ip {
                Instr::BrI32Eq { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as u32 == rd(fp, y) as u32, offset)
                }
                Instr::BrI32Ne { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as u32 != rd(fp, y) as u32, offset)
                }
                Instr::BrI32LtS { a, b: y, offset } => {
                    br_cmp!((rd(fp, a) as i32) < rd(fp, y) as i32, offset)
                }
                Instr::BrI32LtU { a, b: y, offset } => {
                    br_cmp!((rd(fp, a) as u32) < rd(fp, y) as u32, offset)
                }
                Instr::BrI32GtS { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as i32 > rd(fp, y) as i32, offset)
                }
                Instr::BrI32GtU { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as u32 > rd(fp, y) as u32, offset)
                }
                Instr::BrI32LeS { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as i32 <= rd(fp, y) as i32, offset)
                }
                Instr::BrI32LeU { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as u32 <= rd(fp, y) as u32, offset)
                }
                Instr::BrI32GeS { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as i32 >= rd(fp, y) as i32, offset)
                }
                Instr::BrI32GeU { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as u32 >= rd(fp, y) as u32, offset)
                }
                Instr::BrI64Eq { a, b: y, offset } => br_cmp!(rd(fp, a) == rd(fp, y), offset),
                Instr::BrI64Ne { a, b: y, offset } => br_cmp!(rd(fp, a) != rd(fp, y), offset),
                Instr::BrI64LtS { a, b: y, offset } => {
                    br_cmp!((rd(fp, a) as i64) < rd(fp, y) as i64, offset)
                }
                Instr::BrI64LtU { a, b: y, offset } => br_cmp!(rd(fp, a) < rd(fp, y), offset),
                Instr::BrI64GtS { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as i64 > rd(fp, y) as i64, offset)
                }
                Instr::BrI64GtU { a, b: y, offset } => br_cmp!(rd(fp, a) > rd(fp, y), offset),
                Instr::BrI64LeS { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as i64 <= rd(fp, y) as i64, offset)
                }
                Instr::BrI64LeU { a, b: y, offset } => br_cmp!(rd(fp, a) <= rd(fp, y), offset),
                Instr::BrI64GeS { a, b: y, offset } => {
                    br_cmp!(rd(fp, a) as i64 >= rd(fp, y) as i64, offset)
                }
                Instr::BrI64GeU { a, b: y, offset } => br_cmp!(rd(fp, a) >= rd(fp, y), offset),
                Instr::BrF32Eq { a, b: y, offset } => {
                    br_cmp!(f32v(rd(fp, a)) == f32v(rd(fp, y)), offset)
                }
                Instr::BrF32Ne { a, b: y, offset } => {
                    br_cmp!(f32v(rd(fp, a)) != f32v(rd(fp, y)), offset)
                }
                Instr::BrF32Lt { a, b: y, offset } => {
                    br_cmp!(f32v(rd(fp, a)) < f32v(rd(fp, y)), offset)
                }
                Instr::BrF32Gt { a, b: y, offset } => {
                    br_cmp!(f32v(rd(fp, a)) > f32v(rd(fp, y)), offset)
                }
                Instr::BrF32Le { a, b: y, offset } => {
                    br_cmp!(f32v(rd(fp, a)) <= f32v(rd(fp, y)), offset)
                }
                Instr::BrF32Ge { a, b: y, offset } => {
                    br_cmp!(f32v(rd(fp, a)) >= f32v(rd(fp, y)), offset)
                }
                Instr::BrF32NotLt { a, b: y, offset } => {
                    br_cmp!(!(f32v(rd(fp, a)) < f32v(rd(fp, y))), offset)
                }
                Instr::BrF32NotGt { a, b: y, offset } => {
                    br_cmp!(!(f32v(rd(fp, a)) > f32v(rd(fp, y))), offset)
                }
                Instr::BrF32NotLe { a, b: y, offset } => {
                    br_cmp!(!(f32v(rd(fp, a)) <= f32v(rd(fp, y))), offset)
                }
                Instr::BrF32NotGe { a, b: y, offset } => {
                    br_cmp!(!(f32v(rd(fp, a)) >= f32v(rd(fp, y))), offset)
                }
                Instr::BrF64Eq { a, b: y, offset } => {
                    br_cmp!(f64v(rd(fp, a)) == f64v(rd(fp, y)), offset)
                }
                Instr::BrF64Ne { a, b: y, offset } => {
                    br_cmp!(f64v(rd(fp, a)) != f64v(rd(fp, y)), offset)
                }
                Instr::BrF64Lt { a, b: y, offset } => {
                    br_cmp!(f64v(rd(fp, a)) < f64v(rd(fp, y)), offset)
                }
                Instr::BrF64Gt { a, b: y, offset } => {
                    br_cmp!(f64v(rd(fp, a)) > f64v(rd(fp, y)), offset)
                }
                Instr::BrF64Le { a, b: y, offset } => {
                    br_cmp!(f64v(rd(fp, a)) <= f64v(rd(fp, y)), offset)
                }
                Instr::BrF64Ge { a, b: y, offset } => {
                    br_cmp!(f64v(rd(fp, a)) >= f64v(rd(fp, y)), offset)
                }
                Instr::BrF64NotLt { a, b: y, offset } => {
                    br_cmp!(!(f64v(rd(fp, a)) < f64v(rd(fp, y))), offset)
                }
                Instr::BrF64NotGt { a, b: y, offset } => {
                    br_cmp!(!(f64v(rd(fp, a)) > f64v(rd(fp, y))), offset)
                }
                Instr::BrF64NotLe { a, b: y, offset } => {
                    br_cmp!(!(f64v(rd(fp, a)) <= f64v(rd(fp, y))), offset)
                }
                Instr::BrF64NotGe { a, b: y, offset } => {
                    br_cmp!(!(f64v(rd(fp, a)) >= f64v(rd(fp, y))), offset)
                }
                Instr::BrI32EqImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) as u32 == imm as u32, offset)
                }
                Instr::BrI32NeImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) as u32 != imm as u32, offset)
                }
                Instr::BrI32LtSImm { a, imm, offset } => br_cmp!((rd(fp, a) as i32) < imm, offset),
                Instr::BrI32LtUImm { a, imm, offset } => {
                    br_cmp!((rd(fp, a) as u32) < imm as u32, offset)
                }
                Instr::BrI32GtSImm { a, imm, offset } => br_cmp!(rd(fp, a) as i32 > imm, offset),
                Instr::BrI32GtUImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) as u32 > imm as u32, offset)
                }
                Instr::BrI32LeSImm { a, imm, offset } => br_cmp!(rd(fp, a) as i32 <= imm, offset),
                Instr::BrI32LeUImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) as u32 <= imm as u32, offset)
                }
                Instr::BrI32GeSImm { a, imm, offset } => br_cmp!(rd(fp, a) as i32 >= imm, offset),
                Instr::BrI32GeUImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) as u32 >= imm as u32, offset)
                }
                Instr::BrI64EqImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) == imm as i64 as u64, offset)
                }
                Instr::BrI64NeImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) != imm as i64 as u64, offset)
                }
                Instr::BrI64LtSImm { a, imm, offset } => {
                    br_cmp!((rd(fp, a) as i64) < imm as i64, offset)
                }
                Instr::BrI64LtUImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) < imm as i64 as u64, offset)
                }
                Instr::BrI64GtSImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) as i64 > imm as i64, offset)
                }
                Instr::BrI64GtUImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) > imm as i64 as u64, offset)
                }
                Instr::BrI64LeSImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) as i64 <= imm as i64, offset)
                }
                Instr::BrI64LeUImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) <= imm as i64 as u64, offset)
                }
                Instr::BrI64GeSImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) as i64 >= imm as i64, offset)
                }
                Instr::BrI64GeUImm { a, imm, offset } => {
                    br_cmp!(rd(fp, a) >= imm as i64 as u64, offset)
                }
                Instr::Copy { dst, src } => {
                    wr(fp, dst, rd(fp, src));
                    next!()
                }
                Instr::Const32 { dst, value } => {
                    wr(fp, dst, value as u64);
                    next!()
                }
                Instr::Const64 { dst, value } => {
                    wr(fp, dst, value);
                    next!()
                }
                Instr::Br { offset } => {
                    ip = ip.offset(offset as isize);
                    continue;
                }
                Instr::BrIfNez { cond, offset } => {
                    if rd(fp, cond) as u32 != 0 {
                        ip = ip.offset(offset as isize);
                    } else {
                        ip = ip.add(1);
                    }
                    continue;
                }
                Instr::BrIfEqz { cond, offset } => {
                    if rd(fp, cond) as u32 == 0 {
                        ip = ip.offset(offset as isize);
                    } else {
                        ip = ip.add(1);
                    }
                    continue;
                }
                Instr::BrIfNez64 { cond, offset } => {
                    ip = if rd(fp, cond) != 0 {
                        ip.offset(offset as isize)
                    } else {
                        ip.add(1)
                    };
                    continue;
                }
                Instr::BrIfEqz64 { cond, offset } => {
                    ip = if rd(fp, cond) == 0 {
                        ip.offset(offset as isize)
                    } else {
                        ip.add(1)
                    };
                    continue;
                }
                Instr::BrTable { index, len } => {
                    let i = (rd(fp, index) as u32).min(len);
                    ip = ip.add(1 + i as usize);
                    continue;
                }
                Instr::I32AddImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| x.wrapping_add(y))
                }
                Instr::I32Add { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| x.wrapping_add(y))
                }
                Instr::I32SubImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| x.wrapping_sub(y))
                }
                Instr::I32Sub { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| x.wrapping_sub(y))
                }
                Instr::I32MulImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| x.wrapping_mul(y))
                }
                Instr::I32Mul { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| x.wrapping_mul(y))
                }
                Instr::I32AndImm { dst, a, imm } => i32op!(dst, a, imm as u32, |x, y| x & y),
                Instr::I32And { dst, a, b } => i32op!(dst, a, rd(fp, b) as u32, |x, y| x & y),
                Instr::I32OrImm { dst, a, imm } => i32op!(dst, a, imm as u32, |x, y| x | y),
                Instr::I32Or { dst, a, b } => i32op!(dst, a, rd(fp, b) as u32, |x, y| x | y),
                Instr::I32XorImm { dst, a, imm } => i32op!(dst, a, imm as u32, |x, y| x ^ y),
                Instr::I32Xor { dst, a, b } => i32op!(dst, a, rd(fp, b) as u32, |x, y| x ^ y),
                Instr::I32ShlImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| x.wrapping_shl(y))
                }
                Instr::I32Shl { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| x.wrapping_shl(y))
                }
                Instr::I32ShrSImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| (x as i32).wrapping_shr(y))
                }
                Instr::I32ShrS { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| (x as i32).wrapping_shr(y))
                }
                Instr::I32ShrUImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| x.wrapping_shr(y))
                }
                Instr::I32ShrU { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| x.wrapping_shr(y))
                }
                Instr::I32RotlImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| x.rotate_left(y % 32))
                }
                Instr::I32Rotl { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| x.rotate_left(y % 32))
                }
                Instr::I32RotrImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| x.rotate_right(y % 32))
                }
                Instr::I32Rotr { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| x.rotate_right(y % 32))
                }
                Instr::I32EqImm { dst, a, imm } => i32op!(dst, a, imm as u32, |x, y| x == y),
                Instr::I32Eq { dst, a, b } => i32op!(dst, a, rd(fp, b) as u32, |x, y| x == y),
                Instr::I32NeImm { dst, a, imm } => i32op!(dst, a, imm as u32, |x, y| x != y),
                Instr::I32Ne { dst, a, b } => i32op!(dst, a, rd(fp, b) as u32, |x, y| x != y),
                Instr::I32LtSImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| (x as i32) < (y as i32))
                }
                Instr::I32LtS { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| (x as i32) < (y as i32))
                }
                Instr::I32LtUImm { dst, a, imm } => i32op!(dst, a, imm as u32, |x, y| x < y),
                Instr::I32LtU { dst, a, b } => i32op!(dst, a, rd(fp, b) as u32, |x, y| x < y),
                Instr::I32GtSImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| (x as i32) > (y as i32))
                }
                Instr::I32GtS { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| (x as i32) > (y as i32))
                }
                Instr::I32GtUImm { dst, a, imm } => i32op!(dst, a, imm as u32, |x, y| x > y),
                Instr::I32GtU { dst, a, b } => i32op!(dst, a, rd(fp, b) as u32, |x, y| x > y),
                Instr::I32LeSImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| (x as i32) <= (y as i32))
                }
                Instr::I32LeS { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| (x as i32) <= (y as i32))
                }
                Instr::I32LeUImm { dst, a, imm } => i32op!(dst, a, imm as u32, |x, y| x <= y),
                Instr::I32LeU { dst, a, b } => i32op!(dst, a, rd(fp, b) as u32, |x, y| x <= y),
                Instr::I32GeSImm { dst, a, imm } => {
                    i32op!(dst, a, imm as u32, |x, y| (x as i32) >= (y as i32))
                }
                Instr::I32GeS { dst, a, b } => {
                    i32op!(dst, a, rd(fp, b) as u32, |x, y| (x as i32) >= (y as i32))
                }
                Instr::I32GeUImm { dst, a, imm } => i32op!(dst, a, imm as u32, |x, y| x >= y),
                Instr::I32GeU { dst, a, b } => i32op!(dst, a, rd(fp, b) as u32, |x, y| x >= y),
                Instr::I32DivS { dst, a, b } => {
                    let y = rd(fp, b) as i32;
                    let x = rd(fp, a) as i32;
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    if x == i32::MIN && y == -1 {
                        trap!(TrapCode::IntegerOverflow)
                    }
                    wr(fp, dst, (x / y) as u32 as u64);
                    next!()
                }
                Instr::I32DivSImm { dst, a, imm } => {
                    let x = rd(fp, a) as i32;
                    if imm == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    if x == i32::MIN && imm == -1 {
                        trap!(TrapCode::IntegerOverflow)
                    }
                    wr(fp, dst, (x / imm) as u32 as u64);
                    next!()
                }
                Instr::I32DivU { dst, a, b } => {
                    let y = rd(fp, b) as u32;
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, (rd(fp, a) as u32 / y) as u64);
                    next!()
                }
                Instr::I32DivUImm { dst, a, imm } => {
                    if imm == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, (rd(fp, a) as u32 / imm as u32) as u64);
                    next!()
                }
                Instr::I32RemS { dst, a, b } => {
                    let y = rd(fp, b) as i32;
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, (rd(fp, a) as i32).wrapping_rem(y) as u32 as u64);
                    next!()
                }
                Instr::I32RemSImm { dst, a, imm } => {
                    if imm == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, (rd(fp, a) as i32).wrapping_rem(imm) as u32 as u64);
                    next!()
                }
                Instr::I32RemU { dst, a, b } => {
                    let y = rd(fp, b) as u32;
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, (rd(fp, a) as u32 % y) as u64);
                    next!()
                }
                Instr::I32RemUImm { dst, a, imm } => {
                    if imm == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, (rd(fp, a) as u32 % imm as u32) as u64);
                    next!()
                }

                Instr::I64AddImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| x.wrapping_add(y))
                }
                Instr::I64Add { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x.wrapping_add(y)),
                Instr::I64SubImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| x.wrapping_sub(y))
                }
                Instr::I64Sub { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x.wrapping_sub(y)),
                Instr::I64MulImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| x.wrapping_mul(y))
                }
                Instr::I64Mul { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x.wrapping_mul(y)),
                Instr::I64AndImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| x & y),
                Instr::I64And { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x & y),
                Instr::I64OrImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| x | y),
                Instr::I64Or { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x | y),
                Instr::I64XorImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| x ^ y),
                Instr::I64Xor { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x ^ y),
                Instr::I64ShlImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| x.wrapping_shl(y as u32))
                }
                Instr::I64Shl { dst, a, b } => {
                    i64op!(dst, a, rd(fp, b), |x, y| x.wrapping_shl(y as u32))
                }
                Instr::I64ShrSImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| (x
                    as i64)
                    .wrapping_shr(y as u32)),
                Instr::I64ShrS { dst, a, b } => {
                    i64op!(dst, a, rd(fp, b), |x, y| (x as i64).wrapping_shr(y as u32))
                }
                Instr::I64ShrUImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| x.wrapping_shr(y as u32))
                }
                Instr::I64ShrU { dst, a, b } => {
                    i64op!(dst, a, rd(fp, b), |x, y| x.wrapping_shr(y as u32))
                }
                Instr::I64RotlImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| x
                    .rotate_left((y % 64) as u32)),
                Instr::I64Rotl { dst, a, b } => {
                    i64op!(dst, a, rd(fp, b), |x, y| x.rotate_left((y % 64) as u32))
                }
                Instr::I64RotrImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| x
                    .rotate_right((y % 64) as u32)),
                Instr::I64Rotr { dst, a, b } => {
                    i64op!(dst, a, rd(fp, b), |x, y| x.rotate_right((y % 64) as u32))
                }
                Instr::I64EqImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| x == y),
                Instr::I64Eq { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x == y),
                Instr::I64NeImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| x != y),
                Instr::I64Ne { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x != y),
                Instr::I64LtSImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| (x as i64) < (y as i64))
                }
                Instr::I64LtS { dst, a, b } => {
                    i64op!(dst, a, rd(fp, b), |x, y| (x as i64) < (y as i64))
                }
                Instr::I64LtUImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| x < y),
                Instr::I64LtU { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x < y),
                Instr::I64GtSImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| (x as i64) > (y as i64))
                }
                Instr::I64GtS { dst, a, b } => {
                    i64op!(dst, a, rd(fp, b), |x, y| (x as i64) > (y as i64))
                }
                Instr::I64GtUImm { dst, a, imm } => i64op!(dst, a, imm as i64 as u64, |x, y| x > y),
                Instr::I64GtU { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x > y),
                Instr::I64LeSImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| (x as i64) <= (y as i64))
                }
                Instr::I64LeS { dst, a, b } => {
                    i64op!(dst, a, rd(fp, b), |x, y| (x as i64) <= (y as i64))
                }
                Instr::I64LeUImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| x <= y)
                }
                Instr::I64LeU { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x <= y),
                Instr::I64GeSImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| (x as i64) >= (y as i64))
                }
                Instr::I64GeS { dst, a, b } => {
                    i64op!(dst, a, rd(fp, b), |x, y| (x as i64) >= (y as i64))
                }
                Instr::I64GeUImm { dst, a, imm } => {
                    i64op!(dst, a, imm as i64 as u64, |x, y| x >= y)
                }
                Instr::I64GeU { dst, a, b } => i64op!(dst, a, rd(fp, b), |x, y| x >= y),
                Instr::I64DivS { dst, a, b } => {
                    let (x, y) = (rd(fp, a) as i64, rd(fp, b) as i64);
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    if x == i64::MIN && y == -1 {
                        trap!(TrapCode::IntegerOverflow)
                    }
                    wr(fp, dst, (x / y) as u64);
                    next!()
                }
                Instr::I64DivSImm { dst, a, imm } => {
                    let (x, y) = (rd(fp, a) as i64, imm as i64);
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    if x == i64::MIN && y == -1 {
                        trap!(TrapCode::IntegerOverflow)
                    }
                    wr(fp, dst, (x / y) as u64);
                    next!()
                }
                Instr::I64DivU { dst, a, b } => {
                    let y = rd(fp, b);
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, rd(fp, a) / y);
                    next!()
                }
                Instr::I64DivUImm { dst, a, imm } => {
                    let y = imm as i64 as u64;
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, rd(fp, a) / y);
                    next!()
                }
                Instr::I64RemS { dst, a, b } => {
                    let y = rd(fp, b) as i64;
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, (rd(fp, a) as i64).wrapping_rem(y) as u64);
                    next!()
                }
                Instr::I64RemSImm { dst, a, imm } => {
                    if imm == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, (rd(fp, a) as i64).wrapping_rem(imm as i64) as u64);
                    next!()
                }
                Instr::I64RemU { dst, a, b } => {
                    let y = rd(fp, b);
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, rd(fp, a) % y);
                    next!()
                }
                Instr::I64RemUImm { dst, a, imm } => {
                    let y = imm as i64 as u64;
                    if y == 0 {
                        trap!(TrapCode::IntegerDivisionByZero)
                    }
                    wr(fp, dst, rd(fp, a) % y);
                    next!()
                }

                Instr::I32Eqz { dst, src } => un!(dst, src, |x| b(x as u32 == 0)),
                Instr::I32Clz { dst, src } => un!(dst, src, |x| (x as u32).leading_zeros() as u64),
                Instr::I32Ctz { dst, src } => un!(dst, src, |x| (x as u32).trailing_zeros() as u64),
                Instr::I32Popcnt { dst, src } => un!(dst, src, |x| (x as u32).count_ones() as u64),
                Instr::I32Extend8S { dst, src } => un!(dst, src, |x| x as i8 as i32 as u32 as u64),
                Instr::I32Extend16S { dst, src } => {
                    un!(dst, src, |x| x as i16 as i32 as u32 as u64)
                }
                Instr::I32WrapI64 { dst, src } => un!(dst, src, |x| x as u32 as u64),
                Instr::I64Eqz { dst, src } => un!(dst, src, |x| b(x == 0)),
                Instr::I64Clz { dst, src } => un!(dst, src, |x| x.leading_zeros() as u64),
                Instr::I64Ctz { dst, src } => un!(dst, src, |x| x.trailing_zeros() as u64),
                Instr::I64Popcnt { dst, src } => un!(dst, src, |x| x.count_ones() as u64),
                Instr::I64Extend8S { dst, src } => un!(dst, src, |x| x as i8 as i64 as u64),
                Instr::I64Extend16S { dst, src } => un!(dst, src, |x| x as i16 as i64 as u64),
                Instr::I64Extend32S { dst, src } => un!(dst, src, |x| x as i32 as i64 as u64),
                Instr::I64ExtendI32S { dst, src } => un!(dst, src, |x| x as i32 as i64 as u64),
                Instr::I64ExtendI32U { dst, src } => un!(dst, src, |x| x as u32 as u64),

                Instr::F32Add { dst, a, b } => f32op!(dst, a, b, |x, y| x + y),
                Instr::F32Sub { dst, a, b } => f32op!(dst, a, b, |x, y| x - y),
                Instr::F32Mul { dst, a, b } => f32op!(dst, a, b, |x, y| x * y),
                Instr::F32Div { dst, a, b } => f32op!(dst, a, b, |x, y| x / y),
                Instr::F32Min { dst, a, b } => f32op!(dst, a, b, |x, y| float::f32_min(x, y)),
                Instr::F32Max { dst, a, b } => f32op!(dst, a, b, |x, y| float::f32_max(x, y)),
                Instr::F32Copysign { dst, a, b } => {
                    let v = (rd(fp, a) as u32 & 0x7fff_ffff) | (rd(fp, b) as u32 & 0x8000_0000);
                    wr(fp, dst, v as u64);
                    next!()
                }
                Instr::F64Add { dst, a, b } => f64op!(dst, a, b, |x, y| x + y),
                Instr::F64Sub { dst, a, b } => f64op!(dst, a, b, |x, y| x - y),
                Instr::F64Mul { dst, a, b } => f64op!(dst, a, b, |x, y| x * y),
                Instr::F64Div { dst, a, b } => f64op!(dst, a, b, |x, y| x / y),
                Instr::F64Min { dst, a, b } => f64op!(dst, a, b, |x, y| float::f64_min(x, y)),
                Instr::F64Max { dst, a, b } => f64op!(dst, a, b, |x, y| float::f64_max(x, y)),
                Instr::F64Copysign { dst, a, b } => {
                    let v =
                        (rd(fp, a) & 0x7fff_ffff_ffff_ffff) | (rd(fp, b) & 0x8000_0000_0000_0000);
                    wr(fp, dst, v);
                    next!()
                }
                Instr::F32Eq { dst, a, b } => fcmp!(dst, a, b, f32v, |x, y| x == y),
                Instr::F32Ne { dst, a, b } => fcmp!(dst, a, b, f32v, |x, y| x != y),
                Instr::F32Lt { dst, a, b } => fcmp!(dst, a, b, f32v, |x, y| x < y),
                Instr::F32Gt { dst, a, b } => fcmp!(dst, a, b, f32v, |x, y| x > y),
                Instr::F32Le { dst, a, b } => fcmp!(dst, a, b, f32v, |x, y| x <= y),
                Instr::F32Ge { dst, a, b } => fcmp!(dst, a, b, f32v, |x, y| x >= y),
                Instr::F64Eq { dst, a, b } => fcmp!(dst, a, b, f64v, |x, y| x == y),
                Instr::F64Ne { dst, a, b } => fcmp!(dst, a, b, f64v, |x, y| x != y),
                Instr::F64Lt { dst, a, b } => fcmp!(dst, a, b, f64v, |x, y| x < y),
                Instr::F64Gt { dst, a, b } => fcmp!(dst, a, b, f64v, |x, y| x > y),
                Instr::F64Le { dst, a, b } => fcmp!(dst, a, b, f64v, |x, y| x <= y),
                Instr::F64Ge { dst, a, b } => fcmp!(dst, a, b, f64v, |x, y| x >= y),
                Instr::F32Abs { dst, src } => un!(dst, src, |x| x & 0x7fff_ffff),
                Instr::F32Neg { dst, src } => un!(dst, src, |x| (x as u32 ^ 0x8000_0000) as u64),
                Instr::F32Ceil { dst, src } => {
                    un!(dst, src, |x| float::f32_ceil(f32v(x)).to_bits() as u64)
                }
                Instr::F32Floor { dst, src } => {
                    un!(dst, src, |x| float::f32_floor(f32v(x)).to_bits() as u64)
                }
                Instr::F32Trunc { dst, src } => {
                    un!(dst, src, |x| float::f32_trunc(f32v(x)).to_bits() as u64)
                }
                Instr::F32Nearest { dst, src } => {
                    un!(dst, src, |x| float::f32_nearest(f32v(x)).to_bits() as u64)
                }
                Instr::F32Sqrt { dst, src } => un!(dst, src, |x| f32v(x).sqrt().to_bits() as u64),
                Instr::F64Abs { dst, src } => un!(dst, src, |x| x & 0x7fff_ffff_ffff_ffff),
                Instr::F64Neg { dst, src } => un!(dst, src, |x| x ^ 0x8000_0000_0000_0000),
                Instr::F64Ceil { dst, src } => {
                    un!(dst, src, |x| float::f64_ceil(f64v(x)).to_bits())
                }
                Instr::F64Floor { dst, src } => {
                    un!(dst, src, |x| float::f64_floor(f64v(x)).to_bits())
                }
                Instr::F64Trunc { dst, src } => {
                    un!(dst, src, |x| float::f64_trunc(f64v(x)).to_bits())
                }
                Instr::F64Nearest { dst, src } => {
                    un!(dst, src, |x| float::f64_nearest(f64v(x)).to_bits())
                }
                Instr::F64Sqrt { dst, src } => un!(dst, src, |x| f64v(x).sqrt().to_bits()),

                Instr::I32TruncF32S { dst, src } => {
                    trunc!(dst, src, float::i32_trunc_f32_s, f32v, u32)
                }
                Instr::I32TruncF32U { dst, src } => {
                    trunc!(dst, src, float::i32_trunc_f32_u, f32v, u32)
                }
                Instr::I32TruncF64S { dst, src } => {
                    trunc!(dst, src, float::i32_trunc_f64_s, f64v, u32)
                }
                Instr::I32TruncF64U { dst, src } => {
                    trunc!(dst, src, float::i32_trunc_f64_u, f64v, u32)
                }
                Instr::I64TruncF32S { dst, src } => {
                    trunc!(dst, src, float::i64_trunc_f32_s, f32v, u64)
                }
                Instr::I64TruncF32U { dst, src } => {
                    trunc!(dst, src, float::i64_trunc_f32_u, f32v, u64)
                }
                Instr::I64TruncF64S { dst, src } => {
                    trunc!(dst, src, float::i64_trunc_f64_s, f64v, u64)
                }
                Instr::I64TruncF64U { dst, src } => {
                    trunc!(dst, src, float::i64_trunc_f64_u, f64v, u64)
                }
                Instr::I32TruncSatF32S { dst, src } => {
                    sat!(dst, src, float::i32_trunc_sat_f32_s, f32v, u32)
                }
                Instr::I32TruncSatF32U { dst, src } => {
                    sat!(dst, src, float::i32_trunc_sat_f32_u, f32v, u32)
                }
                Instr::I32TruncSatF64S { dst, src } => {
                    sat!(dst, src, float::i32_trunc_sat_f64_s, f64v, u32)
                }
                Instr::I32TruncSatF64U { dst, src } => {
                    sat!(dst, src, float::i32_trunc_sat_f64_u, f64v, u32)
                }
                Instr::I64TruncSatF32S { dst, src } => {
                    sat!(dst, src, float::i64_trunc_sat_f32_s, f32v, u64)
                }
                Instr::I64TruncSatF32U { dst, src } => {
                    sat!(dst, src, float::i64_trunc_sat_f32_u, f32v, u64)
                }
                Instr::I64TruncSatF64S { dst, src } => {
                    sat!(dst, src, float::i64_trunc_sat_f64_s, f64v, u64)
                }
                Instr::I64TruncSatF64U { dst, src } => {
                    sat!(dst, src, float::i64_trunc_sat_f64_u, f64v, u64)
                }
                Instr::F32ConvertI32S { dst, src } => {
                    un!(dst, src, |x| (x as i32 as f32).to_bits() as u64)
                }
                Instr::F32ConvertI32U { dst, src } => {
                    un!(dst, src, |x| (x as u32 as f32).to_bits() as u64)
                }
                Instr::F32ConvertI64S { dst, src } => {
                    un!(dst, src, |x| (x as i64 as f32).to_bits() as u64)
                }
                Instr::F32ConvertI64U { dst, src } => {
                    un!(dst, src, |x| (x as f32).to_bits() as u64)
                }
                Instr::F32DemoteF64 { dst, src } => {
                    un!(dst, src, |x| float::f32_demote_f64(f64v(x)).to_bits()
                        as u64)
                }
                Instr::F64ConvertI32S { dst, src } => {
                    un!(dst, src, |x| (x as i32 as f64).to_bits())
                }
                Instr::F64ConvertI32U { dst, src } => {
                    un!(dst, src, |x| (x as u32 as f64).to_bits())
                }
                Instr::F64ConvertI64S { dst, src } => {
                    un!(dst, src, |x| (x as i64 as f64).to_bits())
                }
                Instr::F64ConvertI64U { dst, src } => un!(dst, src, |x| (x as f64).to_bits()),
                Instr::F64PromoteF32 { dst, src } => {
                    un!(dst, src, |x| float::f64_promote_f32(f32v(x)).to_bits())
                }
                Instr::RefIsNull { dst, src } => un!(dst, src, |x| b(x == 0)),

                Instr::I32LoadAdd { dst, a, b: y } => {
                    let p = ea_add!(a, rd(fp, y), 4);
                    wr(fp, dst, (p as *const u32).read_unaligned() as u64);
                    next!()
                }
                Instr::I64LoadAdd { dst, a, b: y } => {
                    let p = ea_add!(a, rd(fp, y), 8);
                    wr(fp, dst, (p as *const u64).read_unaligned());
                    next!()
                }
                Instr::I32LoadAddImm { dst, a, imm } => {
                    let p = ea_add!(a, imm, 4);
                    wr(fp, dst, (p as *const u32).read_unaligned() as u64);
                    next!()
                }
                Instr::I64LoadAddImm { dst, a, imm } => {
                    let p = ea_add!(a, imm, 8);
                    wr(fp, dst, (p as *const u64).read_unaligned());
                    next!()
                }
                Instr::I32StoreAdd { a, b: y, src } => {
                    let p = ea_add!(a, rd(fp, y), 4);
                    (p as *mut u32).write_unaligned(rd(fp, src) as u32);
                    next!()
                }
                Instr::I64StoreAdd { a, b: y, src } => {
                    let p = ea_add!(a, rd(fp, y), 8);
                    (p as *mut u64).write_unaligned(rd(fp, src));
                    next!()
                }
                Instr::I32StoreAddImm { a, imm, src } => {
                    let p = ea_add!(a, imm, 4);
                    (p as *mut u32).write_unaligned(rd(fp, src) as u32);
                    next!()
                }
                Instr::I64StoreAddImm { a, imm, src } => {
                    let p = ea_add!(a, imm, 8);
                    (p as *mut u64).write_unaligned(rd(fp, src));
                    next!()
                }
                Instr::I32Load { dst, addr, offset } => {
                    load!(dst, addr, offset, u32, |v: u32| v as u64)
                }
                Instr::I64Load { dst, addr, offset } => load!(dst, addr, offset, u64, |v: u64| v),
                Instr::I32Load8S { dst, addr, offset } => {
                    load!(dst, addr, offset, i8, |v: i8| v as i32 as u32 as u64)
                }
                Instr::I32Load8U { dst, addr, offset } => {
                    load!(dst, addr, offset, u8, |v: u8| v as u64)
                }
                Instr::I32Load16S { dst, addr, offset } => {
                    load!(dst, addr, offset, i16, |v: i16| v as i32 as u32 as u64)
                }
                Instr::I32Load16U { dst, addr, offset } => {
                    load!(dst, addr, offset, u16, |v: u16| v as u64)
                }
                Instr::I64Load8S { dst, addr, offset } => {
                    load!(dst, addr, offset, i8, |v: i8| v as i64 as u64)
                }
                Instr::I64Load8U { dst, addr, offset } => {
                    load!(dst, addr, offset, u8, |v: u8| v as u64)
                }
                Instr::I64Load16S { dst, addr, offset } => {
                    load!(dst, addr, offset, i16, |v: i16| v as i64 as u64)
                }
                Instr::I64Load16U { dst, addr, offset } => {
                    load!(dst, addr, offset, u16, |v: u16| v as u64)
                }
                Instr::I64Load32S { dst, addr, offset } => {
                    load!(dst, addr, offset, i32, |v: i32| v as i64 as u64)
                }
                Instr::I64Load32U { dst, addr, offset } => {
                    load!(dst, addr, offset, u32, |v: u32| v as u64)
                }
                Instr::I32Store { addr, src, offset } => store_!(addr, src, offset, u32),
                Instr::I64Store { addr, src, offset } => store_!(addr, src, offset, u64),
                Instr::I32Store8 { addr, src, offset } => store_!(addr, src, offset, u8),
                Instr::I32Store16 { addr, src, offset } => store_!(addr, src, offset, u16),
                Instr::I64Store8 { addr, src, offset } => store_!(addr, src, offset, u8),
                Instr::I64Store16 { addr, src, offset } => store_!(addr, src, offset, u16),
                Instr::I64Store32 { addr, src, offset } => store_!(addr, src, offset, u32),

                Instr::Unreachable => trap!(TrapCode::Unreachable),
                Instr::Return => ret!(),
                Instr::ReturnSlot { src } => {
                    wr(fp, 0, rd(fp, src));
                    ret!()
                }
                Instr::ReturnSlot128 { src } => {
                    wr128(fp, 0, rd128(fp, src));
                    ret!()
                }
                Instr::ReturnConst { value } => {
                    wr(fp, 0, value);
                    ret!()
                }
                Instr::ReturnMany { src, len } => {
                    for i in 0..len {
                        wr(fp, i, rd(fp, src + i));
                    }
                    ret!()
                }
                Instr::CallInternal { func: idx, args } => {
                    let callee = ((*vmctx).interp_funcs as *const CompiledFunc).add(idx as usize);
                    enter!(callee, vmctx, args, ip.add(1));
                }
                Instr::Call { func: idx, args } => {
                    call_ref!((*vmctx).func(idx), args, ip.add(1));
                }
                Instr::CallIndirect {
                    type_index,
                    index,
                    args,
                } => {
                    let Instr::Aux { a: table, .. } = *ip.add(1) else {
                        unreachable!("call_indirect is followed by its table")
                    };
                    let t = (*vmctx).table(table);
                    let i = rd(fp, index) as u32 as usize;
                    if i >= (*t).current_elements {
                        trap!(TrapCode::UndefinedElement);
                    }
                    let f = *(*t).base.add(i) as *const VMFuncRef;
                    if f.is_null() {
                        trap!(TrapCode::UninitializedElement);
                    }
                    if (*f).type_id != (*vmctx).type_id(type_index) {
                        trap!(TrapCode::IndirectCallTypeMismatch);
                    }
                    call_ref!(f, args, ip.add(2));
                }
                Instr::Aux { .. } => unreachable!("Aux words are skipped by their instruction"),
                Instr::Copy128 { dst, src } => {
                    wr128(fp, dst, rd128(fp, src));
                    next!()
                }
                Instr::ConstV128 { dst, index } => {
                    wr128(fp, dst, (*func).pool[index as usize]);
                    next!()
                }
                Instr::Select { dst, b, cond } => {
                    if rd(fp, cond) as u32 == 0 {
                        wr(fp, dst, rd(fp, b));
                    }
                    next!()
                }
                Instr::Select128 { dst, b, cond } => {
                    if rd(fp, cond) as u32 == 0 {
                        wr128(fp, dst, rd128(fp, b));
                    }
                    next!()
                }
                Instr::GlobalGet { dst, global } => {
                    wr(fp, dst, (*(*vmctx).global(global)).bits[0]);
                    next!()
                }
                Instr::GlobalGet128 { dst, global } => {
                    let g = &*(*vmctx).global(global);
                    wr(fp, dst, g.bits[0]);
                    wr(fp, dst + 1, g.bits[1]);
                    next!()
                }
                Instr::GlobalSet { src, global } => {
                    (*(*vmctx).global(global)).bits[0] = rd(fp, src);
                    next!()
                }
                Instr::GlobalSet128 { src, global } => {
                    let g = &mut *(*vmctx).global(global);
                    g.bits = [rd(fp, src), rd(fp, src + 1)];
                    next!()
                }
                Instr::MemorySize { dst, memory } => {
                    let m = (*vmctx).memory(memory);
                    wr(
                        fp,
                        dst,
                        (*m).current_length as u64 / crate::runtime::WASM_PAGE_SIZE,
                    );
                    next!()
                }
                Instr::MemoryGrow { args, memory } => {
                    let delta = rd(fp, args) as u32 as u64;
                    let h = instance_of(vmctx).memory_handles[memory as usize];
                    let st = &mut *store_ptr;
                    let r = match h.grow(st, delta) {
                        Ok(old) => old as u32,
                        Err(_) => u32::MAX,
                    };
                    wr(fp, args, r as u64);
                    reload_mem!();
                    next!()
                }
                Instr::MemoryFill { args, memory } => {
                    let m = (*vmctx).memory(memory);
                    let d = rd(fp, args) as u32 as u64;
                    let val = rd(fp, args + 1) as u8;
                    let n = rd(fp, args + 2) as u32 as u64;
                    if d + n > (*m).current_length as u64 {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                    std::ptr::write_bytes((*m).base.add(d as usize), val, n as usize);
                    next!()
                }
                Instr::MemoryCopy {
                    args,
                    dst_memory,
                    src_memory,
                } => {
                    let dm = (*vmctx).memory(dst_memory);
                    let sm = (*vmctx).memory(src_memory);
                    let d = rd(fp, args) as u32 as u64;
                    let s = rd(fp, args + 1) as u32 as u64;
                    let n = rd(fp, args + 2) as u32 as u64;
                    if d + n > (*dm).current_length as u64 || s + n > (*sm).current_length as u64 {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                    std::ptr::copy(
                        (*sm).base.add(s as usize),
                        (*dm).base.add(d as usize),
                        n as usize,
                    );
                    next!()
                }
                Instr::MemoryInit {
                    args,
                    segment,
                    memory,
                } => {
                    let inst = instance_of(vmctx);
                    let m = (*vmctx).memory(memory);
                    let d = rd(fp, args) as u32 as u64;
                    let s = rd(fp, args + 1) as u32 as u64;
                    let n = rd(fp, args + 2) as u32 as u64;
                    let module = inst.module.inner();
                    let seg = &module.datas[segment as usize];
                    let bytes: &[u8] = if inst.data_dropped[segment as usize] {
                        &[]
                    } else {
                        &module.bytes[seg.range.clone()]
                    };
                    if s + n > bytes.len() as u64 || d + n > (*m).current_length as u64 {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                    std::ptr::copy_nonoverlapping(
                        bytes.as_ptr().add(s as usize),
                        (*m).base.add(d as usize),
                        n as usize,
                    );
                    next!()
                }
                Instr::DataDrop { segment } => {
                    instance_of(vmctx).data_dropped[segment as usize] = true;
                    next!()
                }
                Instr::TableGet { dst, index, table } => {
                    let t = (*vmctx).table(table);
                    let i = rd(fp, index) as u32 as usize;
                    if i >= (*t).current_elements {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    wr(fp, dst, *(*t).base.add(i));
                    next!()
                }
                Instr::TableSet { index, src, table } => {
                    let t = (*vmctx).table(table);
                    let i = rd(fp, index) as u32 as usize;
                    if i >= (*t).current_elements {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    *(*t).base.add(i) = rd(fp, src);
                    next!()
                }
                Instr::TableSize { dst, table } => {
                    let t = (*vmctx).table(table);
                    wr(fp, dst, (*t).current_elements as u64);
                    next!()
                }
                Instr::TableGrow { args, table } => {
                    let init = rd(fp, args);
                    let delta = rd(fp, args + 1) as u32 as u64;
                    let h = instance_of(vmctx).table_handles[table as usize];
                    let st = &mut *store_ptr;
                    let r = match st.inner.tables[h.index as usize].data.grow(delta, init) {
                        Some(old) => old as u32,
                        None => u32::MAX,
                    };
                    wr(fp, args, r as u64);
                    next!()
                }
                Instr::TableFill { args, table } => {
                    let t = (*vmctx).table(table);
                    let i = rd(fp, args) as u32 as usize;
                    let v = rd(fp, args + 1);
                    let n = rd(fp, args + 2) as u32 as usize;
                    if i + n > (*t).current_elements {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    std::slice::from_raw_parts_mut((*t).base.add(i), n).fill(v);
                    next!()
                }
                Instr::TableCopy {
                    args,
                    dst_table,
                    src_table,
                } => {
                    let dt = (*vmctx).table(dst_table);
                    let stb = (*vmctx).table(src_table);
                    let d = rd(fp, args) as u32 as usize;
                    let s = rd(fp, args + 1) as u32 as usize;
                    let n = rd(fp, args + 2) as u32 as usize;
                    if d + n > (*dt).current_elements || s + n > (*stb).current_elements {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    std::ptr::copy((*stb).base.add(s), (*dt).base.add(d), n);
                    next!()
                }
                Instr::TableInit {
                    args,
                    segment,
                    table,
                } => {
                    let inst = instance_of(vmctx);
                    let t = (*vmctx).table(table);
                    let d = rd(fp, args) as u32 as usize;
                    let s = rd(fp, args + 1) as u32 as usize;
                    let n = rd(fp, args + 2) as u32 as usize;
                    let items = &inst.elems[segment as usize];
                    if s + n > items.len() || d + n > (*t).current_elements {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    std::ptr::copy_nonoverlapping(items.as_ptr().add(s), (*t).base.add(d), n);
                    next!()
                }
                Instr::ElemDrop { segment } => {
                    instance_of(vmctx).elems[segment as usize] = Box::new([]);
                    next!()
                }
                Instr::RefFunc { dst, func: idx } => {
                    wr(fp, dst, (*vmctx).func(idx) as u64);
                    next!()
                }

                Instr::V128Load { dst, addr, offset } => {
                    let p = ea!(addr, offset, 16);
                    wr128(fp, dst, (p as *const u128).read_unaligned());
                    next!()
                }
                Instr::V128Store { addr, src, offset } => {
                    let p = ea!(addr, offset, 16);
                    (p as *mut u128).write_unaligned(rd128(fp, src));
                    next!()
                }
                Instr::V128Load8Splat { dst, addr, offset } => {
                    let p = ea!(addr, offset, 1);
                    wr128(fp, dst, simd::i8x16_splat(*p as i32));
                    next!()
                }
                Instr::V128Load16Splat { dst, addr, offset } => {
                    let p = ea!(addr, offset, 2);
                    wr128(
                        fp,
                        dst,
                        simd::i16x8_splat((p as *const u16).read_unaligned() as i32),
                    );
                    next!()
                }
                Instr::V128Load32Splat { dst, addr, offset } => {
                    let p = ea!(addr, offset, 4);
                    wr128(
                        fp,
                        dst,
                        simd::i32x4_splat((p as *const u32).read_unaligned() as i32),
                    );
                    next!()
                }
                Instr::V128Load64Splat { dst, addr, offset } => {
                    let p = ea!(addr, offset, 8);
                    wr128(
                        fp,
                        dst,
                        simd::i64x2_splat((p as *const u64).read_unaligned() as i64),
                    );
                    next!()
                }
                Instr::V128Load32Zero { dst, addr, offset } => {
                    let p = ea!(addr, offset, 4);
                    wr128(fp, dst, (p as *const u32).read_unaligned() as u128);
                    next!()
                }
                Instr::V128Load64Zero { dst, addr, offset } => {
                    let p = ea!(addr, offset, 8);
                    wr128(fp, dst, (p as *const u64).read_unaligned() as u128);
                    next!()
                }
                Instr::I8x16Splat { dst, src } => {
                    wr128(fp, dst, simd::i8x16_splat(rd(fp, src) as i32));
                    next!()
                }
                Instr::I16x8Splat { dst, src } => {
                    wr128(fp, dst, simd::i16x8_splat(rd(fp, src) as i32));
                    next!()
                }
                Instr::I32x4Splat { dst, src } | Instr::F32x4Splat { dst, src } => {
                    wr128(fp, dst, simd::i32x4_splat(rd(fp, src) as i32));
                    next!()
                }
                Instr::I64x2Splat { dst, src } | Instr::F64x2Splat { dst, src } => {
                    wr128(fp, dst, simd::i64x2_splat(rd(fp, src) as i64));
                    next!()
                }
                Instr::I8x16ExtractLaneS { dst, src, lane } => {
                    let v = rd128(fp, src).to_le_bytes()[lane as usize];
                    wr(fp, dst, v as i8 as i32 as u32 as u64);
                    next!()
                }
                Instr::I8x16ExtractLaneU { dst, src, lane } => {
                    let v = rd128(fp, src).to_le_bytes()[lane as usize];
                    wr(fp, dst, v as u64);
                    next!()
                }
                Instr::I16x8ExtractLaneS { dst, src, lane } => {
                    let v = (rd128(fp, src) >> (lane * 16)) as u16;
                    wr(fp, dst, v as i16 as i32 as u32 as u64);
                    next!()
                }
                Instr::I16x8ExtractLaneU { dst, src, lane } => {
                    let v = (rd128(fp, src) >> (lane * 16)) as u16;
                    wr(fp, dst, v as u64);
                    next!()
                }
                Instr::I32x4ExtractLane { dst, src, lane } => {
                    let v = (rd128(fp, src) >> (lane * 32)) as u32;
                    wr(fp, dst, v as u64);
                    next!()
                }
                Instr::I64x2ExtractLane { dst, src, lane } => {
                    wr(fp, dst, rd(fp, src + lane));
                    next!()
                }
                Instr::I8x16ReplaceLane { dst, x, lane } => {
                    let mask = !(0xffu128 << (lane * 8));
                    let v = (rd128(fp, dst) & mask) | ((rd(fp, x) as u8 as u128) << (lane * 8));
                    wr128(fp, dst, v);
                    next!()
                }
                Instr::I16x8ReplaceLane { dst, x, lane } => {
                    let mask = !(0xffffu128 << (lane * 16));
                    let v = (rd128(fp, dst) & mask) | ((rd(fp, x) as u16 as u128) << (lane * 16));
                    wr128(fp, dst, v);
                    next!()
                }
                Instr::I32x4ReplaceLane { dst, x, lane } => {
                    let mask = !(0xffff_ffffu128 << (lane * 32));
                    let v = (rd128(fp, dst) & mask) | ((rd(fp, x) as u32 as u128) << (lane * 32));
                    wr128(fp, dst, v);
                    next!()
                }
                Instr::I64x2ReplaceLane { dst, x, lane } => {
                    wr(fp, dst + lane, rd(fp, x));
                    next!()
                }
                Instr::V128Bitselect { dst, b: bb, c } => {
                    let (v1, v2, m) = (rd128(fp, dst), rd128(fp, bb), rd128(fp, c));
                    wr128(fp, dst, (v1 & m) | (v2 & !m));
                    next!()
                }
                Instr::I8x16Shuffle { dst, a, b: bb } => {
                    let Instr::Aux { a: idx, .. } = *ip.add(1) else {
                        unreachable!("shuffle is followed by its mask")
                    };
                    let lanes = (*func).pool[idx as usize].to_le_bytes();
                    wr128(
                        fp,
                        dst,
                        simd::i8x16_shuffle(rd128(fp, a), rd128(fp, bb), &lanes),
                    );
                    ip = ip.add(2);
                    continue;
                }
                Instr::V128Load8Lane { args, offset, lane } => {
                    let p = ea!(args, offset, 1);
                    let mut v = rd128(fp, args + 1).to_le_bytes();
                    v[lane as usize] = *p;
                    wr128(fp, args, u128::from_le_bytes(v));
                    next!()
                }
                Instr::V128Load16Lane { args, offset, lane } => {
                    let p = ea!(args, offset, 2);
                    let mut v = rd128(fp, args + 1).to_le_bytes();
                    std::ptr::copy_nonoverlapping(p, v.as_mut_ptr().add(lane as usize * 2), 2);
                    wr128(fp, args, u128::from_le_bytes(v));
                    next!()
                }
                Instr::V128Load32Lane { args, offset, lane } => {
                    let p = ea!(args, offset, 4);
                    let mut v = rd128(fp, args + 1).to_le_bytes();
                    std::ptr::copy_nonoverlapping(p, v.as_mut_ptr().add(lane as usize * 4), 4);
                    wr128(fp, args, u128::from_le_bytes(v));
                    next!()
                }
                Instr::V128Load64Lane { args, offset, lane } => {
                    let p = ea!(args, offset, 8);
                    let mut v = rd128(fp, args + 1).to_le_bytes();
                    std::ptr::copy_nonoverlapping(p, v.as_mut_ptr().add(lane as usize * 8), 8);
                    wr128(fp, args, u128::from_le_bytes(v));
                    next!()
                }
                Instr::V128Store8Lane { args, offset, lane } => {
                    let p = ea!(args, offset, 1);
                    *p = rd128(fp, args + 1).to_le_bytes()[lane as usize];
                    next!()
                }
                Instr::V128Store16Lane { args, offset, lane } => {
                    let p = ea!(args, offset, 2);
                    let v = rd128(fp, args + 1).to_le_bytes();
                    std::ptr::copy_nonoverlapping(v.as_ptr().add(lane as usize * 2), p, 2);
                    next!()
                }
                Instr::V128Store32Lane { args, offset, lane } => {
                    let p = ea!(args, offset, 4);
                    let v = rd128(fp, args + 1).to_le_bytes();
                    std::ptr::copy_nonoverlapping(v.as_ptr().add(lane as usize * 4), p, 4);
                    next!()
                }
                Instr::V128Store64Lane { args, offset, lane } => {
                    let p = ea!(args, offset, 8);
                    let v = rd128(fp, args + 1).to_le_bytes();
                    std::ptr::copy_nonoverlapping(v.as_ptr().add(lane as usize * 8), p, 8);
                    next!()
                }
                _ => {
                    crate::simd_table!(simd_exec);
                    unreachable!("instruction without semantics: {:?}", *ip)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::*;
    use crate::runtime::TrapCode;

    /// Runs export "f" of `body` (a module's fields) and returns its trap.
    fn trap_of(fields: &str) -> Trap {
        let engine = Engine::default();
        let wasm = wat2wasm(&format!("(module {fields})")).unwrap();
        let module = Module::new(&engine, &wasm).unwrap();
        let mut store = Store::new(&engine);
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let f = inst.get_func(&store, "f").unwrap();
        let n = f.ty(&store).results().len();
        let mut results = vec![Val::I32(0); n];
        f.call(&mut store, &[], &mut results).unwrap_err()
    }

    #[test]
    fn every_trap_code_the_interpreter_raises() {
        let cases: &[(&str, TrapCode)] = &[
            ("(func (export \"f\") unreachable)", TrapCode::Unreachable),
            (
                "(memory 1) (func (export \"f\") (result i32) (i32.load (i32.const 65533)))",
                TrapCode::MemoryOutOfBounds,
            ),
            (
                "(memory 1) (func (export \"f\") (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000)))",
                TrapCode::MemoryOutOfBounds,
            ),
            (
                "(table 1 funcref) (func (export \"f\") (result funcref) (table.get (i32.const 1)))",
                TrapCode::TableOutOfBounds,
            ),
            (
                "(type $t (func)) (table 1 funcref) (func (export \"f\") (call_indirect (type $t) (i32.const 5)))",
                TrapCode::UndefinedElement,
            ),
            (
                "(type $t (func)) (table 1 funcref) (func (export \"f\") (call_indirect (type $t) (i32.const 0)))",
                TrapCode::UninitializedElement,
            ),
            (
                "(type $t (func)) (table 1 funcref) (elem (i32.const 0) $g) (func $g (param i32)) (func (export \"f\") (call_indirect (type $t) (i32.const 0)))",
                TrapCode::IndirectCallTypeMismatch,
            ),
            (
                "(func (export \"f\") (result i32) (i32.rem_u (i32.const 1) (i32.const 0)))",
                TrapCode::IntegerDivisionByZero,
            ),
            (
                "(func (export \"f\") (result i64) (i64.div_s (i64.const 0x8000000000000000) (i64.const -1)))",
                TrapCode::IntegerOverflow,
            ),
            (
                "(func (export \"f\") (result i32) (i32.trunc_f64_u (f64.const -1)))",
                TrapCode::IntegerOverflow,
            ),
            (
                "(func (export \"f\") (result i32) (i32.trunc_f32_s (f32.const nan)))",
                TrapCode::InvalidConversionToInteger,
            ),
            (
                "(func $f (export \"f\") (result i32) (i32.add (call $f) (i32.const 1)))",
                TrapCode::StackExhausted,
            ),
        ];
        for (fields, code) in cases {
            let t = trap_of(fields);
            assert_eq!(t.code(), Some(*code), "{fields}");
            assert_eq!(t.message(), code.message());
            assert!(!t.trace().is_empty(), "{fields}: no backtrace");
        }
    }

    #[test]
    fn stack_limit_follows_the_config() {
        let wasm = wat2wasm(
            "(module (func $f (export \"f\") (param i32) (result i32)
               (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                 (else (i32.add (i32.const 1) (call $f (i32.sub (local.get 0) (i32.const 1))))))))",
        )
        .unwrap();
        let run = |config: &Config, depth: i32| {
            let engine = Engine::new(config);
            let module = Module::new(&engine, &wasm).unwrap();
            let mut store = Store::new(&engine);
            let inst = Instance::new(&mut store, &module, &[]).unwrap();
            let f = inst.get_func(&store, "f").unwrap();
            let mut r = [Val::I32(0)];
            f.call(&mut store, &[Val::I32(depth)], &mut r).map(|_| r[0])
        };
        let mut small = Config::new();
        small.max_call_depth(100);
        assert_eq!(run(&small, 50).unwrap(), Val::I32(50));
        let t = run(&small, 500).unwrap_err();
        assert_eq!(t.code(), Some(TrapCode::StackExhausted));
        assert_eq!(run(&Config::new(), 10_000).unwrap(), Val::I32(10_000));
    }
}

//! Arguments, environment, clocks, randomness, scheduling and signals.

use super::args::{u32_arg, u64_arg};
use super::ctx::WasiCtx;
use super::errno::{Errno, WasiResult};
use super::mem::GuestMem;
use super::sys;
use crate::engine::Val;

/// Writes the NUL-terminated `strings` to `buf` and a pointer to each into
/// the array at `ptrs` (`args_get`, `environ_get`).
fn write_strings(mem: &mut GuestMem<'_>, strings: &[String], ptrs: u32, buf: u32) -> WasiResult {
    let mut at = buf;
    for (i, s) in strings.iter().enumerate() {
        let slot = ptrs.checked_add(4 * i as u32).ok_or(Errno::FAULT)?;
        mem.write_u32(slot, at)?;
        mem.write(at, s.as_bytes())?;
        let end = at.checked_add(s.len() as u32).ok_or(Errno::FAULT)?;
        mem.write_u8(end, 0)?;
        at = end.checked_add(1).ok_or(Errno::FAULT)?;
    }
    Ok(())
}

/// Writes the count and the total size (with NULs) of `strings`.
fn write_sizes(mem: &mut GuestMem<'_>, strings: &[String], count: u32, size: u32) -> WasiResult {
    let total: usize = strings.iter().map(|s| s.len() + 1).sum();
    let total = u32::try_from(total).map_err(|_| Errno::OVERFLOW)?;
    mem.write_u32(count, strings.len() as u32)?;
    mem.write_u32(size, total)
}

pub fn args_get(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    write_strings(mem, &cx.args, u32_arg(a, 0), u32_arg(a, 1))
}

pub fn args_sizes_get(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    write_sizes(mem, &cx.args, u32_arg(a, 0), u32_arg(a, 1))
}

pub fn environ_get(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    write_strings(mem, &cx.env, u32_arg(a, 0), u32_arg(a, 1))
}

pub fn environ_sizes_get(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    write_sizes(mem, &cx.env, u32_arg(a, 0), u32_arg(a, 1))
}

pub fn clock_res_get(_: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let res = sys::clock_res(u32_arg(a, 0))?;
    mem.write_u64(u32_arg(a, 1), res)
}

/// The precision argument is a hint; the host clock is read as is.
pub fn clock_time_get(_: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let t = sys::clock_time(u32_arg(a, 0))?;
    let _precision = u64_arg(a, 1);
    mem.write_u64(u32_arg(a, 2), t)
}

pub fn random_get(_: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let buf = mem.slice_mut(u32_arg(a, 0), u32_arg(a, 1))?;
    sys::random(buf)
}

pub fn sched_yield(_: &mut WasiCtx, _: &mut GuestMem<'_>, _: &[Val]) -> WasiResult {
    sys::sched_yield();
    Ok(())
}

/// The largest preview-1 signal number (`SIGSYS`).
const LAST_SIGNAL: u32 = 30;

/// Signals are not part of the sandbox: a guest cannot raise one in the
/// host. As wasmtime's preview-1 implementation does, a valid signal
/// number (0 to 30) answers `NOTSUP` and the guest keeps running
/// (wasi-libc's `raise` then returns -1); a number outside the `signal`
/// enumeration is `INVAL`, as wasmtime's argument decoding answers.
pub fn proc_raise(_: &mut WasiCtx, _: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    if u32_arg(a, 0) > LAST_SIGNAL {
        return Err(Errno::INVAL);
    }
    Err(Errno::NOTSUP)
}

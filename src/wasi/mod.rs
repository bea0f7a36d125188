//! WASI preview 1 (`wasi_snapshot_preview1`): the system interface a
//! guest compiled for `wasm32-wasi` imports, implemented as host functions
//! on the engine's public API (`Func::new`, `Caller`, `Memory`) only.
//!
//! * [`WasiCtx`] (built with [`WasiCtxBuilder`]) is what the guest may
//!   see: arguments, environment, standard streams, preopened directories.
//! * [`imports`] turns a context into the import list of a module, in the
//!   module's import order, ready for `Instance::new`.
//! * `proc_exit` ends the guest with a [`Trap::exit`] trap, whose
//!   [`Trap::exit_status`] the embedder reads.
//!
//! Every function returns a WASI errno; host failures never panic, and
//! every guest pointer is bounds-checked (`Errno::FAULT` when out of range).
//! Paths are resolved beneath their preopened directory (`sandbox`).

mod args;
mod ctx;
mod errno;
mod fd;
mod mem;
mod path;
mod poll;
mod proc;
mod sandbox;
mod sock;
mod sys;
mod types;

#[cfg(test)]
mod tests;

pub use ctx::{Input, Output, WasiCtx, WasiCtxBuilder, DEFAULT_MAX_OPEN_FILES};
pub use errno::Errno;

use crate::engine::{Error, Extern, ExternType, Func, FuncType, Module, Store, Trap, Val, ValType};
use mem::GuestMem;
use std::cell::RefCell;
use std::rc::Rc;

/// The import module name of WASI preview 1.
pub const MODULE: &str = "wasi_snapshot_preview1";

type Body = fn(&mut WasiCtx, &mut GuestMem<'_>, &[Val]) -> errno::WasiResult;

const I: ValType = ValType::I32;
const L: ValType = ValType::I64;

/// Every preview 1 function but `proc_exit`: name, parameter types, body.
/// Each returns an errno (i32).
const FUNCTIONS: &[(&str, &[ValType], Body)] = &[
    ("args_get", &[I, I], proc::args_get),
    ("args_sizes_get", &[I, I], proc::args_sizes_get),
    ("environ_get", &[I, I], proc::environ_get),
    ("environ_sizes_get", &[I, I], proc::environ_sizes_get),
    ("clock_res_get", &[I, I], proc::clock_res_get),
    ("clock_time_get", &[I, L, I], proc::clock_time_get),
    ("fd_advise", &[I, L, L, I], fd::fd_advise),
    ("fd_allocate", &[I, L, L], fd::fd_allocate),
    ("fd_close", &[I], fd::fd_close),
    ("fd_datasync", &[I], fd::fd_datasync),
    ("fd_fdstat_get", &[I, I], fd::fd_fdstat_get),
    ("fd_fdstat_set_flags", &[I, I], fd::fd_fdstat_set_flags),
    ("fd_fdstat_set_rights", &[I, L, L], fd::fd_fdstat_set_rights),
    ("fd_filestat_get", &[I, I], fd::fd_filestat_get),
    ("fd_filestat_set_size", &[I, L], fd::fd_filestat_set_size),
    (
        "fd_filestat_set_times",
        &[I, L, L, I],
        fd::fd_filestat_set_times,
    ),
    ("fd_pread", &[I, I, I, L, I], fd::fd_pread),
    ("fd_prestat_get", &[I, I], fd::fd_prestat_get),
    ("fd_prestat_dir_name", &[I, I, I], fd::fd_prestat_dir_name),
    ("fd_pwrite", &[I, I, I, L, I], fd::fd_pwrite),
    ("fd_read", &[I, I, I, I], fd::fd_read),
    ("fd_readdir", &[I, I, I, L, I], fd::fd_readdir),
    ("fd_renumber", &[I, I], fd::fd_renumber),
    ("fd_seek", &[I, L, I, I], fd::fd_seek),
    ("fd_sync", &[I], fd::fd_sync),
    ("fd_tell", &[I, I], fd::fd_tell),
    ("fd_write", &[I, I, I, I], fd::fd_write),
    (
        "path_create_directory",
        &[I, I, I],
        path::path_create_directory,
    ),
    (
        "path_filestat_get",
        &[I, I, I, I, I],
        path::path_filestat_get,
    ),
    (
        "path_filestat_set_times",
        &[I, I, I, I, L, L, I],
        path::path_filestat_set_times,
    ),
    ("path_link", &[I, I, I, I, I, I, I], path::path_link),
    ("path_open", &[I, I, I, I, I, L, L, I, I], path::path_open),
    ("path_readlink", &[I, I, I, I, I, I], path::path_readlink),
    (
        "path_remove_directory",
        &[I, I, I],
        path::path_remove_directory,
    ),
    ("path_rename", &[I, I, I, I, I, I], path::path_rename),
    ("path_symlink", &[I, I, I, I, I], path::path_symlink),
    ("path_unlink_file", &[I, I, I], path::path_unlink_file),
    ("poll_oneoff", &[I, I, I, I], poll::poll_oneoff),
    ("proc_raise", &[I], proc::proc_raise),
    ("random_get", &[I, I], proc::random_get),
    ("sched_yield", &[], proc::sched_yield),
    ("sock_accept", &[I, I, I], sock::sock_accept),
    ("sock_recv", &[I, I, I, I, I, I], sock::sock_recv),
    ("sock_send", &[I, I, I, I, I], sock::sock_send),
    ("sock_shutdown", &[I, I], sock::sock_shutdown),
];

/// The names of all 46 preview 1 functions.
pub fn function_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS
        .iter()
        .map(|(n, _, _)| *n)
        .chain(std::iter::once("proc_exit"))
}

/// The type of WASI function `name`, if there is one.
pub fn function_type(name: &str) -> Option<FuncType> {
    if name == "proc_exit" {
        return Some(FuncType::new([I], []));
    }
    FUNCTIONS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, params, _)| FuncType::new(params.iter().copied(), [I]))
}

/// Creates host function `name` of WASI over the shared context `ctx`.
fn define(store: &mut Store, ctx: &Rc<RefCell<WasiCtx>>, name: &str) -> Option<Func> {
    let ty = function_type(name)?;
    if name == "proc_exit" {
        return Some(Func::new(store, ty, |_, args, _| {
            Err(Trap::exit(args::u32_arg(args, 0) as i32))
        }));
    }
    let body = FUNCTIONS.iter().find(|(n, _, _)| *n == name)?.2;
    let ctx = Rc::clone(ctx);
    Some(Func::new(store, ty, move |caller, args, results| {
        let memory = caller.get_export("memory").and_then(Extern::into_memory);
        let mut none: [u8; 0] = [];
        let bytes: &mut [u8] = match memory {
            Some(m) => m.data_mut(caller.store),
            None => &mut none,
        };
        // WASI functions never call back into wasm, so the context is
        // never borrowed twice; if an embedder arranged that anyway, it
        // is a trap, not a panic.
        let mut cx = ctx
            .try_borrow_mut()
            .map_err(|_| Trap::new("WASI context used re-entrantly"))?;
        let r = body(&mut cx, &mut GuestMem::new(bytes), args);
        if let Some(slot) = results.first_mut() {
            *slot = Val::I32(match r {
                Ok(()) => 0,
                Err(e) => i32::from(e.0),
            });
        }
        Ok(())
    }))
}

/// Imports for `module`, in its import order: WASI functions from `ctx`,
/// and anything else from `extra` (`(module, name, item)`). Fails with a
/// link error naming the first import that is neither, or a WASI import
/// of the wrong kind or type.
pub fn imports_with(
    store: &mut Store,
    module: &Module,
    ctx: WasiCtx,
    extra: &[(&str, &str, Extern)],
) -> Result<Vec<Extern>, Error> {
    let given: Vec<Option<Extern>> = module
        .imports()
        .iter()
        .map(|imp| {
            extra
                .iter()
                .find(|(m, n, _)| *m == imp.module && *n == imp.name)
                .map(|(_, _, e)| *e)
        })
        .collect();
    imports_given(store, module, ctx, &given)
}

/// Imports for `module`, in its import order: `given[i]` for import `i`
/// where it is `Some`, a WASI function from `ctx` where it is `None` (or
/// `given` is shorter). Fails with a link error naming the first import
/// left to WASI that is not a WASI preview 1 function of its type.
pub fn imports_given(
    store: &mut Store,
    module: &Module,
    ctx: WasiCtx,
    given: &[Option<Extern>],
) -> Result<Vec<Extern>, Error> {
    let ctx = Rc::new(RefCell::new(ctx));
    let mut out = Vec::with_capacity(module.imports().len());
    for (i, imp) in module.imports().iter().enumerate() {
        if let Some(e) = given.get(i).copied().flatten() {
            out.push(e);
            continue;
        }
        if imp.module != MODULE {
            return Err(Error::Link(format!(
                "unknown import {}::{} ({}): neither WASI nor supplied",
                imp.module,
                imp.name,
                imp.ty.kind_name()
            )));
        }
        let Some(want) = function_type(&imp.name) else {
            return Err(Error::Link(format!(
                "unknown import {MODULE}::{}: not a WASI preview 1 function",
                imp.name
            )));
        };
        match &imp.ty {
            ExternType::Func(t) if *t == want => {}
            other => {
                return Err(Error::Link(format!(
                    "import {MODULE}::{} has type {other}, WASI defines {want}",
                    imp.name
                )))
            }
        }
        let f = define(store, &ctx, &imp.name)
            .ok_or_else(|| Error::Link(format!("unknown WASI function {}", imp.name)))?;
        out.push(Extern::Func(f));
    }
    Ok(out)
}

/// Imports for a module that imports only WASI functions.
pub fn imports(store: &mut Store, module: &Module, ctx: WasiCtx) -> Result<Vec<Extern>, Error> {
    imports_given(store, module, ctx, &[])
}

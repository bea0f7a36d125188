//! The baseline compiler: `auto`'s machine-code first tier (x86-64).
//!
//! A function's first code under `auto` was so far the light
//! interpreter's (`interp::light`); for a large program whose functions
//! each run a few times, translating them and then interpreting the
//! result was most of the time to its first result. This compiler turns a
//! body into machine code in one pass over its bytes, without Cranelift
//! and without an intermediate form (`compiler`), into the array calling
//! convention directly: the code is the function's array trampoline, its
//! reference's `array_call` the JIT's entry (`entry::array_call`), and it
//! calls every callee through the callee's reference. It takes the bodies
//! the light translator takes (numbers, locals, globals, memory 0,
//! blocks with at most one result, branches, calls) but `br_table` with
//! a value, `memory.size`/`grow` and the bulk memory operators, and
//! leaves the rest to the interpreter. Memory accesses are checked
//! against the memory's length, so the code runs in any instance.
//!
//! Not yet: the code does not count calls for tier-up (a function that
//! starts here stays here), and it is off unless asked for
//! (`Config::baseline`, `WASMRT_BASELINE=1`). See docs/JIT.md.

#[cfg(target_arch = "x86_64")]
mod asm;
#[cfg(target_arch = "x86_64")]
mod compiler;
#[cfg(all(test, target_arch = "x86_64"))]
mod tests;

use super::code::Registration;
use super::exec_arena::ExecArena;
use crate::module::ModuleInfo;
use crate::runtime::NativeCode;
use std::sync::Mutex;

/// A module's baseline code. (Fields drop in order: the registrations
/// before the memory they describe.)
#[derive(Default)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub struct BaselineCode {
    /// Each function's registration and the entries its interpreter
    /// record publishes (boxed: their address is published).
    funcs: Vec<(Registration, Box<NativeCode>)>,
    arena: ExecArena,
}

/// Compiles defined function `func_index` of `info` (`body`: its
/// validated bytes, locals included) into `code`, whose module has key
/// `module_key` (see [`super::JitModule::set_module_key`]), and returns
/// its entries; `None` when it uses something this compiler leaves to the
/// interpreter.
#[cfg(target_arch = "x86_64")]
pub fn compile(
    info: &ModuleInfo,
    func_index: u32,
    body: &[u8],
    code: &Mutex<BaselineCode>,
    module_key: usize,
) -> Option<*const NativeCode> {
    use std::cell::RefCell;
    thread_local! {
        static COMPILER: RefCell<compiler::Compiler> = RefCell::default();
    }
    let env = compiler::Env {
        types: &info.types,
        func_types: &info.func_types,
        globals: &info.globals,
        num_imported_globals: info.num_imported_globals,
        tables: &info.tables,
        memories: &info.memories,
        raise_pending: super::entry::raise_pending as *const () as usize,
        is_subtype: super::entry::is_subtype as *const () as usize,
    };
    // Its traps are faults the handler turns into traps.
    super::signals::install();
    COMPILER
        .try_with(|c| {
            let mut c = c.try_borrow_mut().ok()?;
            let out = c.compile(&env, func_index, body)?;
            let mut code = code.lock().unwrap_or_else(|e| e.into_inner());
            let at = code.arena.place(out.code)?;
            let func = super::code::FuncCode {
                func_index,
                start: 0,
                len: out.code.len(),
                srclocs: out.srclocs.to_vec(),
                traps: out.traps.to_vec(),
            };
            let native = Box::new(NativeCode {
                array_call: super::entry::array_call,
                wasm_call: std::ptr::null(),
                array_trampoline: at.cast(),
                guarded: false,
            });
            let entry = &*native as *const NativeCode;
            code.funcs
                .push((Registration::new(at, func, module_key), native));
            Some(entry)
        })
        .ok()
        .flatten()
}

/// Other hosts have no baseline compiler: functions start interpreted.
#[cfg(not(target_arch = "x86_64"))]
pub fn compile(
    _info: &ModuleInfo,
    _func_index: u32,
    _body: &[u8],
    _code: &Mutex<BaselineCode>,
    _module_key: usize,
) -> Option<*const NativeCode> {
    None
}

//! Executable memory for a module's native code, and the process-wide
//! registry that maps a return address back to a wasm function and
//! offset (for backtraces through native frames).

use crate::runtime::TrapCode;
use std::collections::BTreeMap;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

/// Where one wasm function's code lies, and its offset map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncCode {
    pub func_index: u32,
    /// Offset of the function's code in the module's code memory.
    pub start: usize,
    pub len: usize,
    /// `(code offset, wasm offset)` pairs sorted by code offset: native
    /// code from each code offset on comes from the wasm operator at that
    /// offset (from the start of the function body).
    pub srclocs: Vec<(u32, u32)>,
    /// The instructions that fault on purpose or may fault, sorted by code
    /// offset, each with the trap it stands for (guarded code, whose faults
    /// the signal handler turns into traps): memory accesses that may hit
    /// the guard region, the prologue's stack-limit check and the
    /// conditional traps (`ud2` on x86-64, out of line).
    pub traps: Vec<(u32, TrapCode)>,
}

/// The wasm functions of one region of code.
struct RegionInfo {
    base: usize,
    funcs: Vec<FuncCode>,
    /// The module the code belongs to, as the engine names it (0 until
    /// it says, see [`CodeMemory::set_module_key`]).
    module_key: AtomicUsize,
}

/// Code regions by start address.
static REGISTRY: RwLock<BTreeMap<usize, (usize, Arc<RegionInfo>)>> = RwLock::new(BTreeMap::new());

/// An executable mapping holding a module's code; unregistered and
/// unmapped when dropped.
pub struct CodeMemory {
    /// The mapping, whole pages.
    map: *mut u8,
    map_len: usize,
    /// Where the code starts in the mapping (see [`start_in_page`]).
    base: *mut u8,
    /// The length of the code.
    code_len: usize,
    info: Arc<RegionInfo>,
}

// SAFETY: the mapping is immutable (read + execute) once built and owned
// by this value alone.
unsafe impl Send for CodeMemory {}
// SAFETY: as above: shared access only reads or executes it.
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Maps `code` executable and registers `funcs` (offsets into `code`).
    pub fn new(code: &[u8], funcs: Vec<FuncCode>) -> Result<CodeMemory, String> {
        let page = page_size();
        let map_len = code.len().max(1).div_ceil(page) * page;
        let pad = start_in_page(map_len - code.len());
        // SAFETY: a fresh anonymous private mapping; checked for failure.
        let map = unsafe {
            libc::mmap(
                ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if map == libc::MAP_FAILED {
            return Err("cannot map memory for native code".into());
        }
        let map = map as *mut u8;
        // SAFETY: `map` is a fresh writable mapping of `map_len >= pad +
        // code.len()` bytes; it is made read + execute only after the copy.
        let base = unsafe {
            let base = map.add(pad);
            ptr::copy_nonoverlapping(code.as_ptr(), base, code.len());
            if libc::mprotect(map.cast(), map_len, libc::PROT_READ | libc::PROT_EXEC) != 0 {
                libc::munmap(map.cast(), map_len);
                return Err("cannot make native code executable".into());
            }
            base
        };
        let info = register_region(base as usize, code.len(), funcs, 0);
        Ok(CodeMemory {
            map,
            map_len,
            base,
            code_len: code.len(),
            info,
        })
    }

    /// The code as placed (runtime-function addresses patched in).
    pub fn image(&self) -> &[u8] {
        // SAFETY: the mapping is readable, `code_len` bytes were written
        // in `new` and it is never written again while `self` lives.
        unsafe { std::slice::from_raw_parts(self.base, self.code_len) }
    }

    /// Names the module the code belongs to (an opaque non-zero key the
    /// engine chooses), for backtraces that walk into it from another
    /// module's code ([`lookup_return_address`]).
    pub fn set_module_key(&self, key: usize) {
        self.info.module_key.store(key, Ordering::Relaxed);
    }

    /// The wasm functions of the code.
    pub fn funcs(&self) -> &[FuncCode] {
        &self.info.funcs
    }

    /// The address of byte `offset` of the code.
    pub fn at(&self, offset: usize) -> *const u8 {
        debug_assert!(offset < self.code_len);
        // SAFETY: in bounds of the code (checked in debug builds; callers
        // pass offsets of code they placed).
        unsafe { self.base.add(offset) }
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        REGISTRY
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&(self.base as usize));
        // SAFETY: unmapping exactly the mapping made in `new`; no code in
        // it can run any more (its module is being dropped).
        unsafe {
            libc::munmap(self.map.cast(), self.map_len);
        }
    }
}

/// Registers the code at `base` (`len` bytes) holding `funcs` (offsets
/// from `base`) of the module with key `module_key`.
fn register_region(
    base: usize,
    len: usize,
    funcs: Vec<FuncCode>,
    module_key: usize,
) -> Arc<RegionInfo> {
    super::perf_map::record(base, &funcs);
    let info = Arc::new(RegionInfo {
        base,
        funcs,
        module_key: AtomicUsize::new(module_key),
    });
    REGISTRY
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(base, (len, info.clone()));
    info
}

/// Code placed elsewhere (`ExecArena`), registered for backtraces and
/// trap sites until dropped.
pub struct Registration {
    base: usize,
}

#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
impl Registration {
    /// Registers function code at `base`: `func`'s offsets are from
    /// `base`, its code `func.len` bytes; `module_key` as in
    /// [`CodeMemory::set_module_key`].
    pub fn new(base: *const u8, func: FuncCode, module_key: usize) -> Registration {
        let len = func.len;
        register_region(base as usize, len, vec![func], module_key);
        Registration {
            base: base as usize,
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        REGISTRY
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.base);
    }
}

/// The size of a cache line: where code images start in their mapping,
/// and where functions start in an image.
pub const CACHE_LINE: usize = 64;

/// Where in its mapping the next code image starts: a multiple of a cache
/// line, at most `slack` (the room its last page leaves). Every mapping
/// starts a page, and the page offset of an address picks its set in the
/// level-1 instruction cache: the functions `auto` tiers up, one small
/// mapping each, all started at offset 0 and competed for one set (and,
/// called in turn through a table, ran 1.2x slower than the same code
/// compiled as one image). Successive images now start on different
/// lines, where their pages have room.
fn start_in_page(slack: usize) -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let sets = 4096 / CACHE_LINE;
    // 23 is odd: successive images go round all the lines, far apart.
    let line = NEXT.fetch_add(1, Ordering::Relaxed).wrapping_mul(23) % sets;
    line % (slack / CACHE_LINE + 1) * CACHE_LINE
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
    }
}

/// Finds the wasm function whose code holds `pc`; calls `f` with it,
/// `pc`'s offset in its code and the code's module key.
fn with_func<T>(pc: usize, f: impl FnOnce(&FuncCode, u32, usize) -> Option<T>) -> Option<T> {
    // A writer holds the lock only to insert or remove a region, never
    // while running wasm, so a fault handler on another thread waits at
    // most that long.
    let registry = REGISTRY.read().unwrap_or_else(|e| e.into_inner());
    let (&start, (len, info)) = registry.range(..=pc).next_back()?;
    if pc >= start + len {
        return None;
    }
    let offset = pc - info.base;
    let i = info.funcs.partition_point(|f| f.start <= offset);
    let func = info.funcs.get(i.checked_sub(1)?)?;
    if offset >= func.start + func.len {
        return None;
    }
    f(
        func,
        (offset - func.start) as u32,
        info.module_key.load(Ordering::Relaxed),
    )
}

/// The wasm offset of the operator that code offset `code_offset` of
/// `f` comes from.
fn wasm_offset(f: &FuncCode, code_offset: u32) -> u32 {
    let j = f.srclocs.partition_point(|&(c, _)| c <= code_offset);
    j.checked_sub(1).map_or(0, |j| f.srclocs[j].1)
}

/// The module key of the code (see [`CodeMemory::set_module_key`]), the wasm
/// function and the offset that the return address `ret` returns into, or
/// `None` if `ret` is not in a wasm function's native code.
pub fn lookup_return_address(ret: usize) -> Option<(usize, u32, u32)> {
    with_func(ret, |f, offset, key| {
        // The call instruction ends at `ret`: look up the byte before it.
        Some((key, f.func_index, wasm_offset(f, offset.saturating_sub(1))))
    })
}

/// A fault at a recorded trap site (see [`FuncCode::traps`]).
pub struct Fault {
    pub code: TrapCode,
    pub func_index: u32,
    /// The wasm offset of the operator that faulted.
    pub offset: u32,
    /// The key of the module the code belongs to (see
    /// [`CodeMemory::set_module_key`]).
    pub module_key: usize,
}

/// The trap that a fault at `pc` stands for, where it is, or `None` if
/// `pc` is not a recorded trap site.
pub fn lookup_fault(pc: usize) -> Option<Fault> {
    with_func(pc, |f, offset, module_key| {
        let i = f.traps.binary_search_by_key(&offset, |&(o, _)| o).ok()?;
        Some(Fault {
            code: f.traps[i].1,
            func_index: f.func_index,
            offset: wasm_offset(f, offset),
            module_key,
        })
    })
}

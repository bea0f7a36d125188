//! The runtime layout shared by both tiers.
//!
//! Every instance owns one [`VMContext`]: a `#[repr(C)]` block of pointers
//! to its memories, tables, globals, functions and canonical type ids. The
//! interpreter reads it through Rust field accesses; the JIT will read the
//! same fields at the fixed offsets `#[repr(C)]` guarantees. Function
//! references are pointers to [`VMFuncRef`], which say how to enter the
//! function in either tier, so a table can hold functions of any instance,
//! tier or host, and tiering up is a pointer swap in `VMFuncRef`.
//!
//! Raw value encoding (used in value slots, globals and tables):
//! * i32/f32: the 32-bit pattern zero-extended into a `u64` slot;
//! * i64/f64: the 64-bit pattern;
//! * v128: two consecutive `u64` slots, low half first;
//! * funcref: `*const VMFuncRef` as `u64`, 0 for null;
//! * externref: store extern-object index + 1, 0 for null.

use super::instance::VMInstance;
use super::store::VMStoreContext;
use std::ffi::c_void;
use std::ptr;

/// A linear memory's current extent. Owned by the memory (stable address);
/// instances point at it, so growth through any instance is seen by all.
#[repr(C)]
#[derive(Debug)]
pub struct VMMemoryDefinition {
    pub base: *mut u8,
    /// Accessible length in bytes.
    pub current_length: usize,
}

/// A table's current extent: raw references, one `u64` each.
#[repr(C)]
#[derive(Debug)]
pub struct VMTableDefinition {
    pub base: *mut u64,
    pub current_elements: usize,
}

/// A global's storage cell, large enough for a v128.
#[repr(C, align(16))]
#[derive(Debug, Default, Clone, Copy)]
pub struct VMGlobal {
    pub bits: [u64; 2],
}

/// The one calling convention every function has, whatever runs it
/// ("array call"): `(callee, caller_vmctx, values, capacity)`.
///
/// `callee` is the function's own reference (so one entry point can serve
/// every function of a tier: the interpreter finds its code there, a host
/// trampoline its host record); `caller_vmctx` is the calling instance's
/// context, or null when the host calls. Arguments are read from `values`
/// and results written over them, in the raw encoding above; `capacity`
/// is how many slots `values` has room for (at least the larger of the
/// parameter and result slot counts). Returns false when the call trapped:
/// the trap's details are then pending in the store context
/// ([`VMStoreContext::trap`](super::VMStoreContext)).
pub type VMArrayCallFn =
    unsafe extern "C" fn(*const VMFuncRef, *mut VMContext, *mut u64, usize) -> bool;

/// How to call one function, whatever defines it: wasm code of any
/// instance in any tier, or the host.
#[repr(C)]
#[derive(Debug)]
pub struct VMFuncRef {
    /// The entry point every caller may use: interpreter entry, native
    /// trampoline or host trampoline.
    pub array_call: VMArrayCallFn,
    /// The defining instance's context; null for host functions.
    pub vmctx: *mut VMContext,
    /// Engine-wide canonical id of the function's type; `call_indirect`
    /// compares it with the expected type's id.
    pub type_id: u32,
    /// Index of this function in its store (so a raw funcref can be turned
    /// back into a store handle).
    pub store_index: u32,
    /// Native code in the wasm calling convention
    /// (`(callee_vmctx, caller_vmctx, params...) -> results`), or null:
    /// native callers call it directly when set, through `array_call`
    /// otherwise.
    pub wasm_call: *const c_void,
    /// For native functions: the per-signature trampoline that `array_call`
    /// runs (it reads the arguments from the values array and calls
    /// `wasm_call`); null otherwise.
    pub array_trampoline: *const c_void,
    /// The interpreter's code for this function, or null: the interpreter
    /// enters such a callee inline instead of through `array_call`.
    pub interp_code: *const c_void,
    /// The host's data for host functions (opaque to both tiers), null
    /// otherwise.
    pub host: *const c_void,
}

/// The entries of a function compiled to native code after it started
/// out interpreted (tier-up): a function's references adopt them in place
/// of the interpreter's.
#[repr(C)]
#[derive(Debug)]
pub struct NativeCode {
    pub array_call: VMArrayCallFn,
    pub wasm_call: *const c_void,
    pub array_trampoline: *const c_void,
    /// Whether the code accesses 32-bit memories without bounds checks,
    /// relying on their guard regions: only instances whose memories are
    /// all guarded may run it (`runs_in`).
    pub guarded: bool,
}

// SAFETY: the pointers are entries of immutable native code, valid as
// long as the module that owns it; the struct itself is never mutated.
unsafe impl Send for NativeCode {}
// SAFETY: as above.
unsafe impl Sync for NativeCode {}

impl NativeCode {
    /// Whether the instance of `vmctx` may run this code.
    #[inline(always)]
    pub fn runs_in(&self, vmctx: &VMContext) -> bool {
        guarded_code_may_run(self.guarded, vmctx.memories_guarded)
    }
}

/// Whether native code compiled for guarded memories (`code_guarded`) or
/// with bounds checks may run in an instance whose 32-bit memories are
/// all guarded or not (`memories_guarded`): code without checks needs
/// the guards, code with checks runs anywhere.
#[inline(always)]
pub fn guarded_code_may_run(code_guarded: bool, memories_guarded: bool) -> bool {
    !code_guarded || memories_guarded
}

impl VMFuncRef {
    /// Switches this reference to native code.
    pub fn adopt(&mut self, native: &NativeCode) {
        self.array_call = native.array_call;
        self.wasm_call = native.wasm_call;
        self.array_trampoline = native.array_trampoline;
        self.interp_code = ptr::null();
    }
}

/// The entry of a reference that is not callable yet (never called: every
/// reference gets its real entry before wasm or the host can reach it).
unsafe extern "C" fn not_callable(
    _callee: *const VMFuncRef,
    _caller: *mut VMContext,
    _values: *mut u64,
    _capacity: usize,
) -> bool {
    false
}

impl VMFuncRef {
    pub const fn null() -> VMFuncRef {
        VMFuncRef {
            array_call: not_callable,
            vmctx: ptr::null_mut(),
            type_id: u32::MAX,
            store_index: u32::MAX,
            wasm_call: ptr::null(),
            array_trampoline: ptr::null(),
            interp_code: ptr::null(),
            host: ptr::null(),
        }
    }
}

/// The per-instance context both tiers execute against. All arrays are
/// owned by the instance record in the store and never move while the
/// store is alive.
#[repr(C, align(16))]
#[derive(Debug)]
pub struct VMContext {
    /// Memory index -> its definition.
    pub memories: *const *mut VMMemoryDefinition,
    /// Memory 0's base address as it was at instantiation, for code
    /// compiled for guarded memories: there it is the base for good (a
    /// guarded memory never moves), one load away instead of three.
    /// Other code reads the base from the definition, after every call.
    pub memory0_base: *mut u8,
    /// Table index -> its definition.
    pub tables: *const *mut VMTableDefinition,
    /// Global index -> its cell.
    pub globals: *const *mut VMGlobal,
    /// Function index -> its reference.
    pub funcs: *const *const VMFuncRef,
    /// Module type index -> canonical type id.
    pub type_ids: *const u32,
    /// The owning store's context (limits, fuel, pending trap).
    pub store: *mut VMStoreContext,
    /// What the runtime functions need beyond this context (memory and
    /// table objects, segments).
    pub instance: *mut VMInstance,
    /// The interpreter's code of this instance's module
    /// (`*const interp::CompiledFunc`, indexed by defined-function index),
    /// so a direct call in the interpreter finds its callee with one load.
    pub interp_funcs: *const c_void,
    /// Tag index -> the store's index of the tag (its identity: an
    /// imported tag has its exporter's).
    pub tags: *const u32,
    /// This context's own address (set once it is in its box), for native
    /// code to pass to runtime functions: a copy loaded from here is a
    /// value of its own, so the register allocator is not asked to hold the
    /// context parameter itself in an argument register at every runtime
    /// call, which split it around each one (see `vmctx_argument` in
    /// `jit::translate`).
    pub this: *mut VMContext,
    /// Whether the engine uses guard pages (and so the fault handler) and
    /// every 32-bit memory of the instance sits in a guarded reservation,
    /// so native code compiled for guard pages may run in it
    /// (`NativeCode::runs_in`).
    pub memories_guarded: bool,
}

/// Offset from an instance's [`VMContext`] of the cells of the globals it
/// defines (see [`VMContextBox`]).
pub const VMCTX_DEFINED_GLOBALS: usize = std::mem::size_of::<VMContext>().next_multiple_of(16);

/// Offset from an instance's context of the cell of its `defined`th
/// defined global.
pub const fn defined_global_offset(defined: usize) -> usize {
    VMCTX_DEFINED_GLOBALS + defined * std::mem::size_of::<VMGlobal>()
}

/// An instance's [`VMContext`] followed, in the same allocation, by the
/// cells of the globals the instance defines, so compiled code reads a
/// defined global with one load at a constant offset from the context it
/// already holds (an imported global's cell is found through
/// `VMContext::globals`, which lists every global's cell).
pub struct VMContextBox {
    ptr: ptr::NonNull<VMContext>,
    defined_globals: usize,
}

impl VMContextBox {
    /// `ctx`, followed by `defined_globals` zeroed cells.
    pub fn new(ctx: VMContext, defined_globals: usize) -> VMContextBox {
        let layout = Self::layout(defined_globals);
        // SAFETY: the layout's size is at least that of a `VMContext`,
        // never zero; the allocation is checked before it is written.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) } as *mut VMContext;
        let Some(ptr) = ptr::NonNull::new(ptr) else {
            std::alloc::handle_alloc_error(layout)
        };
        // SAFETY: freshly allocated, aligned for a `VMContext` (16).
        unsafe {
            ptr.as_ptr().write(VMContext {
                this: ptr.as_ptr(),
                ..ctx
            })
        };
        VMContextBox {
            ptr,
            defined_globals,
        }
    }

    fn layout(defined_globals: usize) -> std::alloc::Layout {
        std::alloc::Layout::from_size_align(defined_global_offset(defined_globals), 16)
            .expect("a context's layout (globals are bounded by validation)")
    }

    /// The cell of the `defined`th global the instance defines.
    pub fn defined_global(&self, defined: usize) -> *mut VMGlobal {
        assert!(
            defined < self.defined_globals,
            "defined global out of range"
        );
        // SAFETY: in bounds of the allocation, by the assertion.
        unsafe {
            (self.ptr.as_ptr() as *mut u8).add(defined_global_offset(defined)) as *mut VMGlobal
        }
    }
}

impl std::ops::Deref for VMContextBox {
    type Target = VMContext;
    fn deref(&self) -> &VMContext {
        // SAFETY: initialised in `new`, owned until `drop`.
        unsafe { self.ptr.as_ref() }
    }
}

impl std::ops::DerefMut for VMContextBox {
    fn deref_mut(&mut self) -> &mut VMContext {
        // SAFETY: as for `deref`; `&mut self` is the only access.
        unsafe { self.ptr.as_mut() }
    }
}

impl Drop for VMContextBox {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout; the context holds
        // only raw pointers and plain values, nothing to drop.
        unsafe {
            std::alloc::dealloc(
                self.ptr.as_ptr() as *mut u8,
                Self::layout(self.defined_globals),
            )
        };
    }
}

impl std::fmt::Debug for VMContextBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl VMContext {
    /// A context with the given fixed arrays and every array an instance
    /// fills in later (memories, tables, globals, functions, the instance
    /// record) still null.
    pub fn new(
        type_ids: *const u32,
        store: *mut VMStoreContext,
        interp_funcs: *const c_void,
        tags: *const u32,
        memories_guarded: bool,
    ) -> VMContext {
        VMContext {
            memories: ptr::null(),
            memory0_base: ptr::null_mut(),
            tables: ptr::null(),
            globals: ptr::null(),
            funcs: ptr::null(),
            type_ids,
            store,
            instance: ptr::null_mut(),
            interp_funcs,
            tags,
            this: ptr::null_mut(),
            memories_guarded,
        }
    }

    /// # Safety
    /// `index` must be a valid memory index of this instance.
    #[inline(always)]
    pub unsafe fn memory(&self, index: u32) -> *mut VMMemoryDefinition {
        // SAFETY: the caller guarantees `index` is in range; the array lives
        // as long as the instance.
        unsafe { *self.memories.add(index as usize) }
    }

    /// # Safety
    /// `index` must be a valid table index of this instance.
    #[inline(always)]
    pub unsafe fn table(&self, index: u32) -> *mut VMTableDefinition {
        // SAFETY: as for `memory`.
        unsafe { *self.tables.add(index as usize) }
    }

    /// # Safety
    /// `index` must be a valid global index of this instance.
    #[inline(always)]
    pub unsafe fn global(&self, index: u32) -> *mut VMGlobal {
        // SAFETY: as for `memory`.
        unsafe { *self.globals.add(index as usize) }
    }

    /// # Safety
    /// `index` must be a valid function index of this instance.
    #[inline(always)]
    pub unsafe fn func(&self, index: u32) -> *const VMFuncRef {
        // SAFETY: as for `memory`.
        unsafe { *self.funcs.add(index as usize) }
    }

    /// # Safety
    /// `index` must be a valid tag index of this instance.
    #[inline(always)]
    pub unsafe fn tag(&self, index: u32) -> u32 {
        // SAFETY: as for `memory`.
        unsafe { *self.tags.add(index as usize) }
    }

    /// # Safety
    /// `index` must be a valid type index of this instance's module.
    #[inline(always)]
    pub unsafe fn type_id(&self, index: u32) -> u32 {
        // SAFETY: as for `memory`.
        unsafe { *self.type_ids.add(index as usize) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_context() -> VMContext {
        VMContext::new(ptr::null(), ptr::null_mut(), ptr::null(), ptr::null(), true)
    }

    /// The defined globals' cells follow the context at the offsets native
    /// code uses, zeroed, aligned and distinct; the context is intact.
    #[test]
    fn defined_globals_follow_the_context() {
        let b = VMContextBox::new(empty_context(), 3);
        assert!(b.memories_guarded);
        let base = &*b as *const VMContext as usize;
        assert_eq!(b.this as usize, base);
        assert_eq!(base % 16, 0);
        for i in 0..3 {
            let cell = b.defined_global(i);
            assert_eq!(cell as usize - base, defined_global_offset(i));
            assert_eq!(cell as usize % 16, 0);
            // SAFETY: a cell of `b`, which is alive.
            unsafe {
                assert_eq!((*cell).bits, [0, 0]);
                (*cell).bits = [i as u64, !(i as u64)];
            }
        }
        for i in 0..3 {
            // SAFETY: as above.
            assert_eq!(
                unsafe { (*b.defined_global(i)).bits },
                [i as u64, !(i as u64)]
            );
        }
        assert!(defined_global_offset(0) >= std::mem::size_of::<VMContext>());
    }

    #[test]
    #[should_panic(expected = "defined global out of range")]
    fn a_cell_past_the_defined_globals_is_refused() {
        VMContextBox::new(empty_context(), 1).defined_global(1);
    }

    /// A context without defined globals is the context alone.
    #[test]
    fn no_defined_globals() {
        let b = VMContextBox::new(empty_context(), 0);
        assert!(b.globals.is_null());
    }
}

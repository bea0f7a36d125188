//! Engine configuration: execution strategy, enabled proposals and limits.

/// Which tier runs WebAssembly code.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Start in the interpreter and compile hot functions to native code
    /// in the background (tier-up).
    Auto,
    /// The interpreter: starts instantly, no native code.
    Interpreter,
    /// The Cranelift JIT: functions it supports are compiled to native code
    /// with the module (all of WebAssembly 2.0); the others are interpreted.
    Jit,
}

impl Strategy {
    /// Parses the value of `WASMRT_STRATEGY` (`interp`, `jit`, `auto`).
    pub fn from_env_value(value: &str) -> Option<Strategy> {
        match value.trim() {
            "interp" | "interpreter" => Some(Strategy::Interpreter),
            "jit" => Some(Strategy::Jit),
            "auto" => Some(Strategy::Auto),
            _ => None,
        }
    }
}

/// WebAssembly proposals the engine accepts. The defaults are the
/// WebAssembly 2.0 feature set plus the WebAssembly 3.0 proposals the
/// engine implements (extended constant expressions, multiple memories,
/// memory64 and table64, tail calls, relaxed SIMD, typed function
/// references, exception handling). GC is not implemented and always
/// off.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Features {
    pub mutable_global: bool,
    pub saturating_float_to_int: bool,
    pub sign_extension: bool,
    pub multi_value: bool,
    pub bulk_memory: bool,
    pub reference_types: bool,
    pub simd: bool,
    /// `i32/i64.add/sub/mul` and `global.get` in constant expressions (3.0).
    pub extended_const: bool,
    /// More than one memory per module, memory indices on memory
    /// instructions (3.0).
    pub multi_memory: bool,
    /// 64-bit memories and tables (`i64` addresses and sizes) (3.0).
    pub memory64: bool,
    /// `return_call` and `return_call_indirect` (3.0).
    pub tail_call: bool,
    /// The relaxed SIMD instructions (3.0), with the deterministic results
    /// documented in docs/INTERPRETER.md.
    pub relaxed_simd: bool,
    /// Typed function references: `(ref null? $t)` types, `call_ref`,
    /// `return_call_ref`, `ref.as_non_null`, `br_on_null`,
    /// `br_on_non_null`, non-nullable locals (3.0).
    pub function_references: bool,
    /// Exception handling: tags, `throw`, `throw_ref`, `try_table`,
    /// `exnref` (3.0).
    pub exceptions: bool,
}

impl Default for Features {
    fn default() -> Features {
        Features {
            mutable_global: true,
            saturating_float_to_int: true,
            sign_extension: true,
            multi_value: true,
            bulk_memory: true,
            reference_types: true,
            simd: true,
            extended_const: true,
            multi_memory: true,
            memory64: true,
            tail_call: true,
            relaxed_simd: true,
            function_references: true,
            exceptions: true,
        }
    }
}

impl Features {
    pub(crate) fn to_wasmparser(self) -> wasmparser::WasmFeatures {
        use wasmparser::WasmFeatures as F;
        let mut f = F::empty();
        f.set(F::MUTABLE_GLOBAL, self.mutable_global);
        f.set(F::SATURATING_FLOAT_TO_INT, self.saturating_float_to_int);
        f.set(F::SIGN_EXTENSION, self.sign_extension);
        f.set(F::MULTI_VALUE, self.multi_value);
        f.set(F::BULK_MEMORY, self.bulk_memory);
        f.set(F::REFERENCE_TYPES, self.reference_types);
        f.set(F::SIMD, self.simd);
        f.set(F::EXTENDED_CONST, self.extended_const);
        f.set(F::MULTI_MEMORY, self.multi_memory);
        f.set(F::MEMORY64, self.memory64);
        f.set(F::TAIL_CALL, self.tail_call);
        f.set(F::RELAXED_SIMD, self.relaxed_simd);
        f.set(F::FUNCTION_REFERENCES, self.function_references);
        f.set(F::EXCEPTIONS, self.exceptions);
        // The 3.0 type system (recursion groups, declared subtypes, final
        // types) is validated under wasmparser's GC feature; the modules
        // that would create GC objects are then refused
        // (`module::gc_objects`).
        f.set(F::GC, self.function_references);
        f.insert(F::MVP);
        f
    }
}

/// Calls plus loop iterations after which the `auto` strategy compiles a
/// function to native code.
pub const DEFAULT_TIER_UP_THRESHOLD: u32 = 1000;

/// Settings of an [`Engine`](super::Engine), fixed when it is created.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) strategy: Strategy,
    pub(crate) features: Features,
    pub(crate) max_wasm_stack: usize,
    pub(crate) max_call_depth: usize,
    pub(crate) max_memory_pages: u64,
    pub(crate) tier_up_threshold: u32,
    pub(crate) tier_up_in_background: bool,
    pub(crate) guard_pages: bool,
    pub(crate) consume_fuel: bool,
    pub(crate) epoch_interruption: bool,
    /// Whether `auto` starts functions in the baseline compiler's machine
    /// code (`jit::baseline`) where it takes them.
    pub(crate) baseline: bool,
    /// Memory slots for the pooling allocator (`None`: every memory is
    /// reserved and released on its own).
    pub(crate) pooling: Option<crate::runtime::pool::PoolConfig>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            strategy: Strategy::Auto,
            features: Features::default(),
            max_wasm_stack: 8 << 20,
            max_call_depth: 50_000,
            max_memory_pages: super::super::runtime::memory::MAX_PAGES_64,
            tier_up_threshold: DEFAULT_TIER_UP_THRESHOLD,
            tier_up_in_background: true,
            guard_pages: cfg!(all(target_pointer_width = "64", target_os = "linux")),
            consume_fuel: false,
            epoch_interruption: false,
            baseline: false,
            pooling: None,
        }
    }
}

/// Whether this process runs under valgrind, which preloads its
/// `vgpreload_*` libraries into the programs it runs (a child started
/// from one, untraced, inherits the setting and then only loses guard
/// pages: its accesses are checked explicitly instead).
fn under_valgrind() -> bool {
    std::env::var_os("LD_PRELOAD").is_some_and(|p| p.to_string_lossy().contains("/vgpreload_"))
}

impl Config {
    pub fn new() -> Config {
        Config::default()
    }

    /// A default config with `WASMRT_STRATEGY` from the environment
    /// applied, as used by engines created without an explicit config.
    /// `WASMRT_TIER_UP=eager` makes `auto` compile every function on its
    /// first call, on the calling thread (so tests run native code in
    /// `auto`); `WASMRT_GUARD_PAGES=0` turns guard pages off and `=1` on.
    /// Unset, they are off in a program running under valgrind, whose
    /// memcheck would report the faulting access of every out-of-bounds
    /// trap as an invalid read or write.
    pub fn from_env() -> Config {
        let mut c = Config::default();
        if let Some(s) = std::env::var("WASMRT_STRATEGY")
            .ok()
            .and_then(|v| Strategy::from_env_value(&v))
        {
            c.strategy = s;
        }
        match std::env::var("WASMRT_GUARD_PAGES").as_deref() {
            Ok("0") => {
                c.guard_pages(false);
            }
            Ok("1") => {}
            _ if under_valgrind() => {
                c.guard_pages(false);
            }
            _ => {}
        }
        if std::env::var("WASMRT_BASELINE").as_deref() == Ok("1") {
            c.baseline = true;
        }
        if std::env::var("WASMRT_TIER_UP").as_deref() == Ok("eager") {
            c.tier_up_threshold(1).tier_up_in_background(false);
        }
        c
    }

    /// Whether `auto` makes a function's first code with the baseline
    /// compiler, which emits machine code in one pass (x86-64; off by
    /// default while it is being completed: such functions do not tier up
    /// yet). `WASMRT_BASELINE=1` sets it for engines made with a default
    /// config.
    pub fn baseline(&mut self, on: bool) -> &mut Config {
        self.baseline = on;
        self
    }

    pub fn strategy(&mut self, s: Strategy) -> &mut Config {
        self.strategy = s;
        self
    }

    pub fn get_strategy(&self) -> Strategy {
        self.strategy
    }

    /// Whether 32-bit memories reserve 8 GiB of address space each, so that
    /// native code (the `jit` strategy) accesses them without bounds
    /// checks, a fault in the reservation being the trap (the default on
    /// 64-bit Linux). Where a reservation cannot be made, that instance
    /// runs in the interpreter. Off: every access is checked explicitly.
    pub fn guard_pages(&mut self, on: bool) -> &mut Config {
        self.guard_pages = on;
        self
    }

    /// Instance memories from a pool of reusable slots (`Some`) instead of
    /// one reservation each: no mmap/munmap when instantiating, a fixed
    /// number of memories alive at once (see `PoolConfig`, docs/C-API.md).
    pub fn pooling_allocator(
        &mut self,
        pool: Option<crate::runtime::pool::PoolConfig>,
    ) -> &mut Config {
        self.pooling = pool;
        self
    }

    /// With the `auto` strategy: how many calls plus loop iterations make a
    /// function hot enough to compile (at least 1).
    pub fn tier_up_threshold(&mut self, count: u32) -> &mut Config {
        self.tier_up_threshold = count.max(1);
        self
    }

    /// With the `auto` strategy: whether hot functions are compiled on a
    /// background thread (the default) while the program goes on in the
    /// interpreter, or at once on the thread that found them hot (for
    /// tests and for predictable timing: with a threshold of 1, every
    /// function runs natively from its first call).
    pub fn tier_up_in_background(&mut self, background: bool) -> &mut Config {
        self.tier_up_in_background = background;
        self
    }

    /// Whether wasm code spends fuel (wasmtime's `consume_fuel`): each
    /// store then starts with none, [`Store::set_fuel`] gives it some, and
    /// code traps with "all fuel consumed" when it runs out. Every tier
    /// charges the same amount at the same points (see
    /// `module::metering`), so a program stops at the same place in each.
    ///
    /// [`Store::set_fuel`]: super::Store::set_fuel
    pub fn consume_fuel(&mut self, on: bool) -> &mut Config {
        self.consume_fuel = on;
        self
    }

    /// Whether wasm code checks the engine's epoch at function entries and
    /// loop heads (wasmtime's `epoch_interruption`): once
    /// [`Engine::increment_epoch`] moves it to a store's deadline
    /// ([`Store::set_epoch_deadline`]), code running in that store traps
    /// with "interrupted". Stores start with no deadline.
    ///
    /// [`Engine::increment_epoch`]: super::Engine::increment_epoch
    /// [`Store::set_epoch_deadline`]: super::Store::set_epoch_deadline
    pub fn epoch_interruption(&mut self, on: bool) -> &mut Config {
        self.epoch_interruption = on;
        self
    }

    /// The checks compiled into wasm code.
    pub(crate) fn metering(&self) -> crate::module::metering::Metering {
        crate::module::metering::Metering {
            fuel: self.consume_fuel,
            epoch: self.epoch_interruption,
        }
    }

    pub fn features(&mut self, f: Features) -> &mut Config {
        self.features = f;
        self
    }

    pub fn get_features(&self) -> Features {
        self.features
    }

    /// Bytes of value stack a call may use before it traps with
    /// "call stack exhausted".
    pub fn max_wasm_stack(&mut self, bytes: usize) -> &mut Config {
        self.max_wasm_stack = bytes.max(4096);
        self
    }

    /// Nesting depth of wasm calls before "call stack exhausted".
    pub fn max_call_depth(&mut self, depth: usize) -> &mut Config {
        self.max_call_depth = depth.max(1);
        self
    }

    /// Ceiling on any linear memory's size in pages: `memory.grow` beyond it
    /// returns -1 and instantiating a larger memory fails. (32-bit memories
    /// never exceed 65536 pages, 64-bit ones 2^48, whatever the ceiling.)
    pub fn max_memory_pages(&mut self, pages: u64) -> &mut Config {
        self.max_memory_pages = pages.min(super::super::runtime::memory::MAX_PAGES_64);
        self
    }
}

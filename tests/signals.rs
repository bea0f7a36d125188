//! The fault handler of guarded memories: an out-of-bounds access in native
//! code is a trap, and so is the stack-limit check of such code (an
//! illegal instruction), on any thread, the store usable after; a fault
//! outside wasm code still reaches the handler the host installed before.
//! Its own test binary: signal handlers are process-wide.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use wasmrt::*;

/// The page the host's own handler repairs, and whether it ran.
static HOST_PAGE: AtomicUsize = AtomicUsize::new(0);
static HOST_HANDLER_RAN: AtomicBool = AtomicBool::new(false);
/// Whether the host's SIGILL handler ran.
static HOST_SIGILL_RAN: AtomicBool = AtomicBool::new(false);

extern "C" fn host_sigill_handler(_sig: i32, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo.
    let sent = unsafe { (*info).si_code } == libc::SI_TKILL;
    if !sent {
        // An illegal instruction that wasmrt's handler passed on: a stack
        // check it did not recognise (returning would re-run it forever).
        let msg = b"host SIGILL handler reached by an illegal instruction\n";
        // SAFETY: async-signal-safe calls with a valid buffer.
        unsafe {
            libc::write(2, msg.as_ptr().cast(), msg.len());
            libc::abort();
        }
    }
    HOST_SIGILL_RAN.store(true, Ordering::SeqCst);
}

extern "C" fn host_handler(_sig: i32, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo; the repaired page is ours.
    unsafe {
        let addr = (*info).si_addr() as usize;
        let page = HOST_PAGE.load(Ordering::SeqCst);
        if page != 0 && addr >= page && addr < page + 4096 {
            libc::mprotect(
                page as *mut libc::c_void,
                4096,
                libc::PROT_READ | libc::PROT_WRITE,
            );
            HOST_HANDLER_RAN.store(true, Ordering::SeqCst);
        } else {
            libc::abort();
        }
    }
}

/// The host's three-argument handler function's type.
type SigAction = extern "C" fn(i32, *mut libc::siginfo_t, *mut libc::c_void);

fn install_host_handler() {
    let install = |sig: i32, handler: SigAction| {
        // SAFETY: installs `handler` for `sig` with a zeroed, then
        // filled-in action.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handler as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO;
            libc::sigemptyset(&mut action.sa_mask);
            assert_eq!(libc::sigaction(sig, &action, std::ptr::null_mut()), 0);
        }
    };
    install(libc::SIGSEGV, host_handler);
    install(libc::SIGBUS, host_handler);
    install(libc::SIGILL, host_sigill_handler);
}

const MODULE: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store offset=16 (local.get 0) (local.get 1)))
  (func (export "outer") (param i32) (result i32)
    (i32.add (call 0 (local.get 0)) (i32.const 1)))
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (local.get 0))))"#;

fn engine() -> Engine {
    let mut config = Config::new();
    config.strategy(Strategy::Jit).guard_pages(true);
    Engine::new(&config)
}

fn check_traps(engine: &Engine) {
    let module = Module::new(engine, &wat2wasm(MODULE).unwrap()).unwrap();
    check_module_traps(engine, &module);
    // The same code through a serialized module: its trap sites come back
    // with it.
    let module = Module::deserialize(engine, &module.serialize()).unwrap();
    check_module_traps(engine, &module);
}

fn check_module_traps(engine: &Engine, module: &Module) {
    let mut store = Store::new(engine);
    let inst = Instance::new(&mut store, module, &[]).unwrap();
    let load = inst.get_func(&store, "load").unwrap();
    let outer = inst.get_func(&store, "outer").unwrap();
    let store_fn = inst.get_func(&store, "store").unwrap();
    assert_eq!(load.tier(&store), Tier::Native);
    let mut r = [Val::I32(0)];
    for addr in [65533, 65536, -1i32, i32::MIN] {
        let trap = load
            .call(&mut store, &[Val::I32(addr)], &mut r)
            .unwrap_err();
        assert_eq!(
            trap.code(),
            Some(TrapCode::MemoryOutOfBounds),
            "address {addr}"
        );
    }
    // Through a caller: the backtrace names both frames.
    let trap = outer
        .call(&mut store, &[Val::I32(70000)], &mut r)
        .unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
    let frames: Vec<u32> = trap.trace().iter().map(|f| f.func_index).collect();
    assert_eq!(frames, [0, 2]);
    let trap = store_fn
        .call(&mut store, &[Val::I32(65520), Val::I32(1)], &mut [])
        .unwrap_err();
    assert_eq!(trap.code(), Some(TrapCode::MemoryOutOfBounds));
    // The store is usable afterwards.
    store_fn
        .call(&mut store, &[Val::I32(0), Val::I32(42)], &mut [])
        .unwrap();
    load.call(&mut store, &[Val::I32(16)], &mut r).unwrap();
    assert_eq!(r[0], Val::I32(42));
    // Unbounded recursion ends at the stack limit: a trap, whose
    // backtrace starts in the recursive function, and the store is usable
    // afterwards.
    let deep = inst.get_func(&store, "deep").unwrap();
    for _ in 0..2 {
        let trap = deep.call(&mut store, &[Val::I32(0)], &mut r).unwrap_err();
        assert_eq!(trap.code(), Some(TrapCode::StackExhausted));
        assert_eq!(trap.trace().first().map(|f| f.func_index), Some(3));
        assert!(trap.trace().len() > 100, "{} frames", trap.trace().len());
        load.call(&mut store, &[Val::I32(16)], &mut r).unwrap();
        assert_eq!(r[0], Val::I32(42));
    }
}

#[test]
fn guarded_faults_are_traps_and_other_faults_reach_the_host() {
    install_host_handler();
    let engine = engine();
    check_traps(&engine);
    // On other threads too.
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let engine = engine.clone();
            std::thread::spawn(move || check_traps(&engine))
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // A fault outside wasm code goes to the host's handler, which repairs
    // the page; the write then succeeds.
    // SAFETY: a fresh inaccessible page of our own, written once the
    // host's handler has made it writable.
    unsafe {
        let page = libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(page, libc::MAP_FAILED);
        HOST_PAGE.store(page as usize, Ordering::SeqCst);
        std::ptr::write_volatile(page as *mut u8, 5);
        assert!(HOST_HANDLER_RAN.load(Ordering::SeqCst));
        assert_eq!(std::ptr::read_volatile(page as *const u8), 5);
        libc::munmap(page, 4096);
        // An illegal instruction outside wasm code (the stack checks'
        // signal) reaches the host's handler too.
        assert_eq!(libc::raise(libc::SIGILL), 0);
        assert!(HOST_SIGILL_RAN.load(Ordering::SeqCst));
    }
}

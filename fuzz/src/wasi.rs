//! The `wasi` target's pieces: a module that calls WASI preview 1
//! functions with fuzzer-chosen arguments, and a sandbox directory with
//! symbolic links pointing out of it, whose outside must stay untouched
//! and unread.

use arbitrary::{Result, Unstructured};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use wasm_encoder as enc;
use wasmrt::wasi::{self, Output, WasiCtx};
use wasmrt::*;

/// Paths the calls may name: inside the sandbox, through its links (which
/// point outside it), plainly outside, and malformed.
const PATHS: &[&str] = &[
    ".",
    "..",
    "",
    "/",
    "f.txt",
    "d",
    "d/g.txt",
    "d/..",
    "d/../f.txt",
    "d/./g.txt",
    "up",
    "up/sentinel",
    "abs",
    "abs/sentinel",
    "self/f.txt",
    "self/../outside/sentinel",
    "loop",
    "loop/x",
    "new",
    "new/x",
    "d/new.txt",
    "../outside/sentinel",
    "sentinel",
    "f.txt/",
    "f.txt/x",
    "a\0b",
    "\u{ff}",
];

/// Where the module's data puts things: the fuzzer's own bytes at 0, the
/// paths, three I/O vectors (for `fd_read`, `fd_write`, `fd_pread`,
/// `fd_pwrite`, `sock_*`), a scratch area for results, and the buffer the
/// vectors point to.
const INPUT_AT: u32 = 0;
const INPUT_LEN: usize = 2048;
const PATHS_AT: u32 = 0x1000;
const IOVECS_AT: u32 = 0x1800;
const SCRATCH_AT: u32 = 0x3000;
const BUFFER_AT: u32 = 0x4000;
/// A poll subscription's size and where its clock timeout lies.
const SUBSCRIPTION_SIZE: u32 = 48;
const TIMEOUT_OFFSET: u32 = 24;

/// The secret the file outside the sandbox holds: it must not reach the
/// guest's memory or output.
const SECRET: &[u8] = b"wasmrt-fuzz-outside-the-sandbox";

/// Each path's address and length in memory.
fn path_layout() -> Vec<(u32, u32)> {
    let mut at = PATHS_AT;
    PATHS
        .iter()
        .map(|p| {
            let here = (at, p.len() as u32);
            at += p.len() as u32 + 1;
            here
        })
        .collect()
}

/// An i32 argument: a descriptor or flag, a path's address (whose length
/// the next argument probably is), one of the layout's addresses, a
/// length, or anything.
fn i32_arg(u: &mut Unstructured<'_>, pending_len: &mut Option<u32>) -> Result<i32> {
    if let Some(len) = pending_len.take() {
        if u.ratio(3u8, 4u8)? {
            return Ok(len as i32);
        }
    }
    Ok(match u.int_in_range(0..=7u8)? {
        0 | 1 => u.int_in_range(0..=15)?,
        2 => {
            let paths = path_layout();
            let (at, len) = paths[u.choose_index(paths.len())?];
            *pending_len = Some(len);
            at as i32
        }
        3 => *u.choose(&[IOVECS_AT, IOVECS_AT + 8, IOVECS_AT + 16])? as i32,
        4 => SCRATCH_AT as i32 + 8 * u.int_in_range(0..=7)?,
        5 => INPUT_AT as i32 + u.int_in_range(0..=INPUT_LEN as i32)?,
        6 => u.int_in_range(0..=300)?,
        _ => u.arbitrary()?,
    })
}

/// An i64 argument: small, a single bit (rights, flags), all bits, or
/// anything.
fn i64_arg(u: &mut Unstructured<'_>) -> Result<i64> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => u.int_in_range(0..=64)?,
        1 => 1 << u.int_in_range(0..=63)?,
        2 => -1,
        _ => u.arbitrary()?,
    })
}

/// A module importing every WASI preview 1 function, with one 64 KiB
/// memory holding the layout above, whose exported `run` makes up to 24
/// calls with arguments the fuzzer picks. Arguments that would make a
/// run slow or fill the disk are bounded: `fd_allocate` reserves at most
/// 1 MiB, and `poll_oneoff` waits on at most four subscriptions whose
/// clock timeouts are set to at most 10 µs just before the call.
pub fn calls_module(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let names: Vec<&str> = wasi::function_names().collect();
    let mut types = enc::TypeSection::new();
    let mut imports = enc::ImportSection::new();
    let encode = |t: &ValType| match t {
        ValType::I64 => enc::ValType::I64,
        _ => enc::ValType::I32,
    };
    let mut signatures = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let ty = wasi::function_type(name).expect("a WASI function");
        types.ty().function(
            ty.params().iter().map(encode),
            ty.results().iter().map(encode),
        );
        imports.import(wasi::MODULE, name, enc::EntityType::Function(i as u32));
        signatures.push(ty);
    }
    let run_type = names.len() as u32;
    types.ty().function([], []);

    let mut body = enc::Function::new([]);
    let mut code = body.instructions();
    let calls = u.int_in_range(1..=24u32)?;
    for _ in 0..calls {
        let index = u.choose_index(names.len())?;
        let name = names[index];
        let mut pending_len = None;
        let mut values: Vec<i64> = Vec::new();
        for t in signatures[index].params() {
            values.push(match t {
                ValType::I64 => i64_arg(u)?,
                _ => i32_arg(u, &mut pending_len)? as i64,
            });
        }
        match name {
            "fd_allocate" => values[2] = u.int_in_range(0..=1 << 20)?,
            "poll_oneoff" => {
                values[2] = u.int_in_range(0..=4)?;
                for s in 0..values[2] as u32 {
                    let at =
                        (values[0] as u32).wrapping_add(s * SUBSCRIPTION_SIZE + TIMEOUT_OFFSET);
                    code.i32_const(at as i32);
                    code.i64_const(u.int_in_range(0..=10_000)?);
                    code.i64_store(enc::MemArg {
                        offset: 0,
                        align: 0,
                        target: enc::MemArgTarget::Memory(0),
                        ordering: None,
                    });
                }
            }
            _ => {}
        }
        for (t, v) in signatures[index].params().iter().zip(&values) {
            match t {
                ValType::I64 => code.i64_const(*v),
                _ => code.i32_const(*v as i32),
            };
        }
        code.call(index as u32);
        if !signatures[index].results().is_empty() {
            code.drop();
        }
    }
    code.end();

    let mut funcs = enc::FunctionSection::new();
    funcs.function(run_type);
    let mut memories = enc::MemorySection::new();
    memories.memory(enc::MemoryType {
        minimum: 1,
        maximum: Some(1),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = enc::ExportSection::new();
    exports.export("memory", enc::ExportKind::Memory, 0);
    exports.export("run", enc::ExportKind::Func, names.len() as u32);
    let mut codes = enc::CodeSection::new();
    codes.function(&body);

    let mut data = enc::DataSection::new();
    let input_len = u.len().min(INPUT_LEN);
    let input = u.bytes(input_len)?.to_vec();
    data.active(0, &enc::ConstExpr::i32_const(INPUT_AT as i32), input);
    let mut paths = Vec::new();
    for p in PATHS {
        paths.extend_from_slice(p.as_bytes());
        paths.push(0);
    }
    data.active(0, &enc::ConstExpr::i32_const(PATHS_AT as i32), paths);
    let mut iovecs = Vec::new();
    for (buf, len) in [
        (BUFFER_AT, 16u32),
        (BUFFER_AT + 0x100, 4096),
        (BUFFER_AT, 0),
    ] {
        iovecs.extend_from_slice(&buf.to_le_bytes());
        iovecs.extend_from_slice(&len.to_le_bytes());
    }
    data.active(0, &enc::ConstExpr::i32_const(IOVECS_AT as i32), iovecs);

    let mut module = enc::Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&memories)
        .section(&exports)
        .section(&codes)
        .section(&data);
    Ok(module.finish())
}

/// A directory with the sandbox the guest gets (`sandbox/`, preopened
/// as `/`) and, beside it, `outside/sentinel` holding [`SECRET`].
pub struct Sandbox {
    base: PathBuf,
}

impl Sandbox {
    /// Makes the directories under the system's temporary directory, one
    /// per process.
    pub fn new() -> Sandbox {
        let base = std::env::temp_dir().join(format!("wasmrt-fuzz-wasi-{}", std::process::id()));
        let outside = base.join("outside");
        std::fs::create_dir_all(&outside).expect("make the fuzz directory");
        std::fs::write(outside.join("sentinel"), SECRET).expect("write the sentinel");
        Sandbox { base }
    }

    fn inside(&self) -> PathBuf {
        self.base.join("sandbox")
    }

    fn outside(&self) -> PathBuf {
        self.base.join("outside")
    }

    /// Empties the sandbox and fills it again: a file, a directory with a
    /// file, and links to the outside (relative and absolute), to the
    /// sandbox itself and to themselves.
    fn reset(&self) {
        let inside = self.inside();
        let _ = std::fs::remove_dir_all(&inside);
        std::fs::create_dir_all(inside.join("d")).expect("make the sandbox");
        std::fs::write(inside.join("f.txt"), b"hello").expect("write f.txt");
        std::fs::write(inside.join("d/g.txt"), b"world").expect("write d/g.txt");
        use std::os::unix::fs::symlink;
        symlink("../outside", inside.join("up")).expect("link up");
        symlink(self.outside(), inside.join("abs")).expect("link abs");
        symlink(".", inside.join("self")).expect("link self");
        symlink("loop", inside.join("loop")).expect("link loop");
    }

    /// Panics unless the sandbox's surroundings are as [`new`](Self::new)
    /// left them.
    fn check_outside(&self) {
        let names = |dir: &Path| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .expect("list a fuzz directory")
                .map(|e| {
                    e.expect("read an entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            names(&self.base),
            ["outside", "sandbox"],
            "the guest wrote beside the sandbox"
        );
        assert_eq!(
            names(&self.outside()),
            ["sentinel"],
            "the guest wrote outside the sandbox"
        );
        let sentinel = self.outside().join("sentinel");
        assert_eq!(
            std::fs::read(&sentinel).expect("read the sentinel"),
            SECRET,
            "the guest changed a file outside the sandbox"
        );
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

/// Whether `bytes` hold [`SECRET`]. libc's `memmem`: a search written
/// here would be instrumented for coverage, and searching 64 KiB that way
/// took most of the target's time.
fn contains_secret(bytes: &[u8]) -> bool {
    extern "C" {
        fn memmem(
            haystack: *const std::ffi::c_void,
            haystack_len: usize,
            needle: *const std::ffi::c_void,
            needle_len: usize,
        ) -> *mut std::ffi::c_void;
    }
    // SAFETY: both pointers and lengths come from live slices, which
    // memmem only reads.
    let found = unsafe {
        memmem(
            bytes.as_ptr().cast(),
            bytes.len(),
            SECRET.as_ptr().cast(),
            SECRET.len(),
        )
    };
    !found.is_null()
}

/// Runs `wasm` (from [`calls_module`]) with a WASI context whose only
/// directory is a fresh `sandbox`. A trap (such as `proc_exit` or an
/// address out of bounds) is fine; a panic, a hang, anything changed
/// outside the sandbox or its secret seen by the guest is a finding.
pub fn run_in_sandbox(sandbox: &Sandbox, wasm: &[u8]) {
    sandbox.reset();
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    let engine = ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config.strategy(Strategy::Interpreter);
        Engine::new(&config)
    });
    let module = Module::new(engine, wasm).expect("the generated module is valid");
    let mut store = Store::new(engine);
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let ctx: WasiCtx = WasiCtx::builder()
        .stdout(Output::Buffer(Arc::clone(&stdout)))
        .stderr(Output::Buffer(Arc::clone(&stdout)))
        .preopen_dir(sandbox.inside(), "/")
        .build()
        .expect("open the sandbox");
    let imports = wasi::imports(&mut store, &module, ctx).expect("WASI imports");
    let instance = Instance::new(&mut store, &module, &imports).expect("instantiate");
    let Some(Extern::Func(run)) = instance.get_export(&store, "run") else {
        panic!("no run export");
    };
    let Some(Extern::Memory(memory)) = instance.get_export(&store, "memory") else {
        panic!("no memory export");
    };
    let seen = |bytes: &[u8]| contains_secret(bytes);
    // The fuzzer learns the secret from the comparison and may put it in
    // its own bytes; then only the outside's files are checked.
    let planted = seen(memory.data(&store));
    let _ = run.call(&mut store, &[], &mut []);
    if !planted {
        assert!(
            !seen(memory.data(&store)),
            "the guest read a file outside the sandbox"
        );
        assert!(
            !seen(&stdout.lock().expect("output lock")),
            "the guest wrote a file outside the sandbox to its output"
        );
    }
    sandbox.check_outside();
}

//! `wasmrt`: run, validate and inspect WebAssembly modules from the
//! command line, on the same engine and WASI implementation the library
//! ships. See `docs/CLI.md`.
//!
//! Exit codes: the guest's own exit status for `run`; 134 when the guest
//! traps (as a process killed by SIGABRT reports itself); 1 when the
//! module cannot be read, validated or linked; 2 for a bad command line.

#[path = "wasmrt/sandbox.rs"]
mod sandbox;
#[path = "wasmrt/wast_command.rs"]
mod wast_command;
#[path = "wasmrt/wast/mod.rs"]
mod wast_runner;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use sandbox::{parse_bytes, parse_duration, Sandbox};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use wasmrt::wasi::{self, Input, Output, WasiCtx};
use wasmrt::{
    Config, Engine, Error, Extern, ExternType, Func, Instance, Module, Store, Strategy, Trap, Val,
    ValType,
};

/// Exit status of a run that ended in a trap.
const TRAP_EXIT: u8 = 134;

#[derive(Parser)]
#[command(
    name = "wasmrt",
    version,
    about = "A WebAssembly runtime",
    after_help = "`wasmrt [OPTIONS] FILE [ARGS]...` is short for `wasmrt run [OPTIONS] FILE [ARGS]...`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a WebAssembly module (a WASI command, or one export with --invoke)
    #[command(override_usage = "wasmrt run [OPTIONS] FILE [ARGS]...")]
    Run(RunArgs),
    /// Check that a module is valid; report the first error and its offset
    Validate {
        /// The module (.wasm binary or .wat text)
        file: PathBuf,
    },
    /// Compile a module to a .cwasm file (with the jit strategy: native
    /// code for this CPU) that run loads without compiling again; run it
    /// with the same --strategy
    Compile {
        /// Where to write (default: FILE with the extension .cwasm)
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Execution tier the file is compiled for
        #[arg(long, value_enum)]
        strategy: Option<StrategyArg>,
        /// Compile for runs with `--fuel` (with fuel metering; N itself is
        /// not stored: give it to `run`)
        #[arg(long, value_name = "N")]
        fuel: Option<u64>,
        /// Compile for runs with `--timeout` (with epoch checks; DURATION
        /// itself is not stored: give it to `run`)
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        timeout: Option<Duration>,
        /// The module (.wasm binary or .wat text)
        file: PathBuf,
    },
    /// List a module's imports, exports, sections and function count
    Inspect {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
        /// The module (.wasm binary or .wat text)
        file: PathBuf,
    },
    /// Run WebAssembly spec-test scripts (.wast); print assertion counts
    /// per file; exit 1 if any assertion failed
    Wast(wast_command::WastArgs),
}

#[derive(Copy, Clone, ValueEnum)]
pub(crate) enum StrategyArg {
    Interp,
    Jit,
    Auto,
}

#[derive(Args)]
struct RunArgs {
    /// Grant the guest a host directory, under the name GUEST (default: HOST)
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Set an environment variable for the guest (it sees no others);
    /// `--env NAME` passes on the variable's value in wasmrt's environment
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    envs: Vec<String>,
    /// Call this export instead of `_start`; ARGS are its arguments and its
    /// results are printed, one per line
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// Execution tier
    #[arg(long, value_enum)]
    strategy: Option<StrategyArg>,
    /// Stop the guest once it has spent N units of fuel (one per
    /// instruction; structural ones such as block, loop and end are free)
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Limit the guest's linear memories to BYTES in total (a number,
    /// optionally with a K, M or G suffix: powers of 1024)
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    max_memory: Option<u64>,
    /// Limit the wasm stack to BYTES (default 8M; at least 4K)
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    max_stack: Option<u64>,
    /// Interrupt the guest when DURATION has passed (e.g. 500ms, 10s, 2m,
    /// 1h; a bare number is seconds). A guest blocked in a host call is
    /// interrupted when that call returns
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    timeout: Option<Duration>,
    /// Let the guest hold at most N file descriptors at once, its standard
    /// streams and --dir directories included (default 1024)
    #[arg(long, value_name = "N")]
    max_open_files: Option<usize>,
    /// Give each function import that is not WASI's a body that traps when
    /// called, instead of refusing the module (other unknown imports are
    /// still refused)
    #[arg(long)]
    trap_unknown_imports: bool,
    /// The module (.wasm binary, .wat text or .cwasm), then the arguments
    /// for the guest (after its name) or for the --invoke'd export: all
    /// that follows FILE is the guest's, options included
    #[arg(
        value_name = "FILE",
        required = true,
        num_args = 1..,
        trailing_var_arg = true
    )]
    module_and_args: Vec<OsString>,
}

impl RunArgs {
    /// The module's path.
    fn file(&self) -> PathBuf {
        PathBuf::from(&self.module_and_args[0])
    }

    /// The arguments after the module, or the first that is not UTF-8.
    fn args(&self) -> Result<Vec<String>, &OsString> {
        self.module_and_args[1..]
            .iter()
            .map(|a| a.clone().into_string().map_err(|_| a))
            .collect()
    }
}

/// The command line with `run` inserted where it is implied, as wasmtime
/// and wasmer allow: `wasmrt FILE ARGS...` and `wasmrt --dir . FILE` are
/// `wasmrt run ...`. It is implied when the first argument is an option
/// other than the top-level ones, or names an existing file or a module
/// by its extension; anything else (a mistyped subcommand) stays for clap
/// to refuse.
fn with_implied_run(mut args: Vec<OsString>) -> Vec<OsString> {
    let Some(first) = args.get(1) else {
        return args;
    };
    let top_level = first.to_str().is_some_and(|a| {
        matches!(a, "help" | "-h" | "--help" | "-V" | "--version")
            || Cli::command().find_subcommand(a).is_some()
    });
    if top_level {
        return args;
    }
    let path = Path::new(first);
    let module_extension = path
        .extension()
        .is_some_and(|e| e == "wasm" || e == "wat" || e == "cwasm");
    let option = first.to_str().is_some_and(|a| a.starts_with('-'));
    if option || module_extension || path.is_file() {
        args.insert(1, "run".into());
    }
    args
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(with_implied_run(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: the error itself, without clap's usage block.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("error: bad arguments");
            eprintln!("{first} (see `wasmrt --help`)");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Run(args) => run(args),
        Command::Validate { file } => validate(&file),
        Command::Inspect { json, file } => inspect(&file, json),
        Command::Compile {
            output,
            strategy,
            fuel,
            timeout,
            file,
        } => {
            let mut config = config(strategy);
            config
                .consume_fuel(fuel.is_some())
                .epoch_interruption(timeout.is_some());
            compile(&file, output, &config)
        }
        Command::Wast(args) => wast_command::run(args),
    }
}

/// The first bytes of a module serialized by `wasmrt compile`
/// (`Module::serialize`).
const CWASM_MAGIC: &[u8] = b"WASMRT\0M";

/// What a module file holds.
enum ModuleFile {
    /// A binary module (text is converted on reading).
    Binary(Vec<u8>),
    /// A module serialized by `wasmrt compile`.
    Compiled(Vec<u8>),
}

/// Reads a module file: binary, compiled (.cwasm) or text.
fn read_module(file: &Path) -> Result<ModuleFile, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if bytes.starts_with(b"\0asm") {
        return Ok(ModuleFile::Binary(bytes));
    }
    if bytes.starts_with(CWASM_MAGIC) {
        return Ok(ModuleFile::Compiled(bytes));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| format!("{}: neither a wasm binary nor UTF-8 text", file.display()))?;
    wasmrt::wat2wasm(text)
        .map(ModuleFile::Binary)
        .map_err(|e| format!("{}: {}", file.display(), e.message()))
}

/// Reads and compiles a module file.
fn load(engine: &Engine, file: &Path) -> Result<Module, String> {
    let module = match read_module(file)? {
        ModuleFile::Binary(b) => Module::new(engine, &b),
        ModuleFile::Compiled(c) => Module::deserialize(engine, &c),
    };
    module.map_err(|e| format!("{}: {e}", file.display()))
}

/// The engine configuration of `run` and `compile`.
fn config(strategy: Option<StrategyArg>) -> Config {
    let mut config = Config::from_env();
    if let Some(s) = strategy {
        config.strategy(match s {
            StrategyArg::Interp => Strategy::Interpreter,
            StrategyArg::Jit => Strategy::Jit,
            StrategyArg::Auto => Strategy::Auto,
        });
    }
    config
}

/// Writes `file` compiled with `config` to `output` (by default `file`
/// with the extension `.cwasm`).
fn compile(file: &Path, output: Option<PathBuf>, config: &Config) -> ExitCode {
    let module = match load(&Engine::new(config), file) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let out = output.unwrap_or_else(|| file.with_extension("cwasm"));
    match std::fs::write(&out, module.serialize()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(format!("cannot write {}: {e}", out.display())),
    }
}

/// `writeln!` into a String (which cannot fail).
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

/// Writes `text` to stdout. A closed stdout (`wasmrt inspect | head`) is
/// not an error worth a panic.
fn emit(text: &str) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
    ExitCode::SUCCESS
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(1)
}

fn run(args: RunArgs) -> ExitCode {
    let mut config = config(args.strategy);
    config
        .consume_fuel(args.fuel.is_some())
        .epoch_interruption(args.timeout.is_some());
    if let Some(bytes) = args.max_stack {
        config.max_wasm_stack(usize::try_from(bytes).unwrap_or(usize::MAX));
    }
    let mut builder = WasiCtx::builder();
    builder
        .stdin(Input::Inherit)
        .stdout(Output::Inherit)
        .stderr(Output::Inherit);
    if let Some(max) = args.max_open_files {
        builder.max_open_files(max);
    }
    for d in &args.dirs {
        let (host, guest) = match d.split_once("::") {
            Some((h, g)) => (h, g),
            None => (d.as_str(), d.as_str()),
        };
        if host.is_empty() || guest.is_empty() {
            eprintln!("error: --dir {d:?}: expected HOST or HOST::GUEST (see `wasmrt --help`)");
            return ExitCode::from(2);
        }
        builder.preopen_dir(host, guest);
    }
    for kv in &args.envs {
        match kv.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                builder.env(k, v);
            }
            // `--env NAME` passes the variable's value here, as in wasmtime.
            None if !kv.is_empty() => match std::env::var(kv) {
                Ok(v) => {
                    builder.env(kv, &v);
                }
                Err(_) => {
                    eprintln!(
                        "error: --env {kv:?}: not set in wasmrt's environment \
                         (expected NAME=VALUE, or the NAME of a variable set here)"
                    );
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("error: --env {kv:?}: expected NAME=VALUE (see `wasmrt --help`)");
                return ExitCode::from(2);
            }
        }
    }
    let file = args.file();
    let guest_args = match args.args() {
        Ok(a) => a,
        Err(bad) => {
            eprintln!("error: argument {bad:?} is not UTF-8 (see `wasmrt --help`)");
            return ExitCode::from(2);
        }
    };
    let engine = Engine::new(&config);
    let module = match load(&engine, &file) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let program = file.to_string_lossy().into_owned();
    if args.invoke.is_some() {
        builder.arg(program);
    } else {
        builder.args(std::iter::once(program).chain(guest_args.iter().cloned()));
    }
    let ctx = match builder.build() {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let mut store = Store::new(&engine);
    let sandbox = Sandbox::apply(&args, &mut store);
    let stubs = if args.trap_unknown_imports {
        trapping_stubs(&mut store, &module)
    } else {
        Vec::new()
    };
    let imports = match wasi::imports_given(&mut store, &module, ctx, &stubs) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let instance = match Instance::new(&mut store, &module, &imports) {
        Ok(i) => i,
        Err(Error::Trap(t)) => {
            let code = exit_or_trap(&t, &module);
            sandbox.explain(&store, &t);
            return code;
        }
        Err(e) => return fail(sandbox.explain_error(e)),
    };
    let outcome = match &args.invoke {
        None => {
            let Some(start) = instance.get_func(&store, "_start") else {
                return fail(format!(
                    "{}: no `_start` export to run (use --invoke NAME, before FILE, to call another export)",
                    file.display()
                ));
            };
            start.call(&mut store, &[], &mut []).map(|_| Vec::new())
        }
        Some(name) => match invoke(&mut store, instance, name, &guest_args) {
            Ok(r) => r,
            Err(code) => return code,
        },
    };
    match outcome {
        Ok(results) => {
            let mut out = String::new();
            for r in results {
                outln!(out, "{}", format_val(&r));
            }
            emit(&out)
        }
        Err(t) => {
            let code = exit_or_trap(&t, &module);
            sandbox.explain(&store, &t);
            code
        }
    }
}

/// For `--trap-unknown-imports`: for each import of `module`, in order, a
/// function that traps naming it where the import is a function outside
/// WASI, `None` (left to WASI, or refused) otherwise.
fn trapping_stubs(store: &mut Store, module: &Module) -> Vec<Option<Extern>> {
    module
        .imports()
        .iter()
        .map(|imp| match &imp.ty {
            ExternType::Func(ty) if imp.module != wasi::MODULE => {
                let message = format!("unknown import {}::{} called", imp.module, imp.name);
                let f = Func::new(store, ty.clone(), move |_, _, _| {
                    Err(Trap::new(message.clone()))
                });
                Some(Extern::Func(f))
            }
            _ => None,
        })
        .collect()
}

/// The guest's exit status if `t` is its `proc_exit` (the low 8 bits, as
/// a host process's), otherwise the trap reported.
fn exit_or_trap(t: &Trap, module: &Module) -> ExitCode {
    match t.exit_status() {
        Some(status) => ExitCode::from(status as u8),
        None => report_trap(t, &function_names(module.bytes())),
    }
}

/// Calls export `name` with `args` parsed for its parameter types.
/// A reactor's `_initialize` runs first.
fn invoke(
    store: &mut Store,
    instance: Instance,
    name: &str,
    args: &[String],
) -> Result<Result<Vec<Val>, Trap>, ExitCode> {
    if let Some(init) = instance.get_func(store, "_initialize") {
        if let Err(t) = init.call(store, &[], &mut []) {
            return Ok(Err(t));
        }
    }
    let func = match instance.get_export(store, name) {
        Some(Extern::Func(f)) => f,
        Some(_) => return Err(fail(format!("export `{name}` is not a function"))),
        None => return Err(fail(format!("no export named `{name}`"))),
    };
    let ty = func.ty(store);
    if args.len() != ty.params().len() {
        eprintln!(
            "error: `{name}` takes {} arguments ({ty}), {} given",
            ty.params().len(),
            args.len()
        );
        return Err(ExitCode::from(2));
    }
    let mut vals = Vec::with_capacity(args.len());
    for (a, t) in args.iter().zip(ty.params()) {
        match parse_val(a, *t) {
            Some(v) => vals.push(v),
            None => {
                eprintln!("error: argument {a:?} is not a valid {t}");
                return Err(ExitCode::from(2));
            }
        }
    }
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    Ok(func.call(store, &vals, &mut results).map(|_| results))
}

/// Parses a command-line argument as a value of type `t`. Integers may be
/// given signed or unsigned (`-1` and `4294967295` are the same i32).
fn parse_val(s: &str, t: ValType) -> Option<Val> {
    Some(match t {
        ValType::I32 => Val::I32(
            s.parse::<i32>()
                .ok()
                .or_else(|| s.parse::<u32>().ok().map(|v| v as i32))?,
        ),
        ValType::I64 => Val::I64(
            s.parse::<i64>()
                .ok()
                .or_else(|| s.parse::<u64>().ok().map(|v| v as i64))?,
        ),
        ValType::F32 => Val::f32(s.parse().ok()?),
        ValType::F64 => Val::f64(s.parse().ok()?),
        _ => return None,
    })
}

fn format_val(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::V128(x) => format!("{x:#034x}"),
        Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) | Val::AnyRef(None) => {
            "null".into()
        }
        Val::AnyRef(Some(gc_object)) => match *gc_object {},
        Val::FuncRef(Some(_)) => "funcref".into(),
        Val::ExternRef(Some(_)) => "externref".into(),
        Val::ExnRef(Some(_)) => "exnref".into(),
    }
}

/// Prints a trap's message and wasm backtrace (with function names from
/// the module's name section, where it has them); exit status 134.
fn report_trap(t: &Trap, names: &std::collections::HashMap<u32, String>) -> ExitCode {
    eprintln!("error: wasm trap: {}", t.message());
    if !t.trace().is_empty() {
        eprintln!("wasm backtrace:");
        for (i, f) in t.trace().iter().enumerate() {
            let name = names
                .get(&f.func_index)
                .map(|n| format!(" <{n}>"))
                .unwrap_or_default();
            eprintln!(
                "  {i:>3}: func {}{name} at offset {:#x} (function offset {:#x})",
                f.func_index, f.module_offset, f.func_offset
            );
        }
    }
    ExitCode::from(TRAP_EXIT)
}

/// Function names from the module's `name` section (none if it has no
/// such section or it is malformed: names only decorate a backtrace).
fn function_names(bytes: &[u8]) -> std::collections::HashMap<u32, String> {
    let mut names = std::collections::HashMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let Ok(wasmparser::Payload::CustomSection(c)) = payload else {
            continue;
        };
        if let wasmparser::KnownCustom::Name(reader) = c.as_known() {
            for sub in reader.flatten() {
                if let wasmparser::Name::Function(map) = sub {
                    for n in map.into_iter().flatten() {
                        names.insert(n.index, n.name.to_string());
                    }
                }
            }
        }
    }
    names
}

fn validate(file: &Path) -> ExitCode {
    let engine = Engine::default();
    let result = match read_module(file) {
        Ok(ModuleFile::Binary(b)) => Module::validate(&engine, &b),
        // The binary inside, whatever engine settings it was compiled for.
        Ok(ModuleFile::Compiled(c)) => {
            Module::serialized_binary(&c).and_then(|b| Module::validate(&engine, b))
        }
        Err(e) => return fail(e),
    };
    match result {
        Ok(()) => emit(&format!("{}: valid\n", file.display())),
        Err(Error::Compile { message, offset }) => {
            eprintln!(
                "{}: invalid at byte offset {offset} ({offset:#x}): {message}",
                file.display()
            );
            ExitCode::from(1)
        }
        Err(e) => fail(format!("{}: {e}", file.display())),
    }
}

/// One section of a module: its name and payload size in bytes.
struct Section {
    name: String,
    size: u64,
}

fn sections(bytes: &[u8]) -> Result<Vec<Section>, String> {
    use wasmparser::Payload;
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| e.to_string())?;
        if let Payload::CustomSection(c) = &payload {
            out.push(Section {
                name: format!("custom \"{}\"", c.name()),
                size: c.data().len() as u64,
            });
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            let name = match id {
                1 => "type",
                2 => "import",
                3 => "function",
                4 => "table",
                5 => "memory",
                6 => "global",
                7 => "export",
                8 => "start",
                9 => "element",
                10 => "code",
                11 => "data",
                12 => "datacount",
                13 => "tag",
                _ => "unknown",
            };
            out.push(Section {
                name: name.to_string(),
                size: range.end - range.start,
            });
        }
    }
    Ok(out)
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn inspect(file: &Path, json: bool) -> ExitCode {
    // A .cwasm is described by the binary inside, whatever engine settings
    // it was compiled for.
    let module = match read_module(file).and_then(|m| match m {
        ModuleFile::Compiled(c) => Module::serialized_binary(&c)
            .map_err(|e| format!("{}: {e}", file.display()))
            .and_then(|b| {
                Module::new(&Engine::default(), b).map_err(|e| format!("{}: {e}", file.display()))
            }),
        ModuleFile::Binary(_) => load(&Engine::default(), file),
    }) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let bytes = module.bytes();
    let sections = match sections(bytes) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let is_func = |t: &wasmrt::ExternType| matches!(t, wasmrt::ExternType::Func(_));
    let imported = module.imports().iter().filter(|i| is_func(&i.ty)).count();
    let defined = count_defined_functions(bytes);
    let mut out = String::new();
    if json {
        let imports: Vec<String> = module
            .imports()
            .iter()
            .map(|i| {
                format!(
                    "{{\"module\":{},\"name\":{},\"kind\":{},\"type\":{}}}",
                    json_str(&i.module),
                    json_str(&i.name),
                    json_str(i.ty.kind_name()),
                    json_str(&i.ty.to_string())
                )
            })
            .collect();
        let exports: Vec<String> = module
            .exports()
            .iter()
            .map(|e| {
                format!(
                    "{{\"name\":{},\"kind\":{},\"type\":{}}}",
                    json_str(&e.name),
                    json_str(e.ty.kind_name()),
                    json_str(&e.ty.to_string())
                )
            })
            .collect();
        let secs: Vec<String> = sections
            .iter()
            .map(|s| format!("{{\"name\":{},\"size\":{}}}", json_str(&s.name), s.size))
            .collect();
        outln!(out,
            "{{\"imports\":[{}],\"exports\":[{}],\"sections\":[{}],\"functions\":{{\"imported\":{imported},\"defined\":{defined},\"total\":{}}}}}",
            imports.join(","),
            exports.join(","),
            secs.join(","),
            imported + defined
        );
    } else {
        outln!(out, "imports ({}):", module.imports().len());
        for i in module.imports() {
            outln!(
                out,
                "  {}::{}: {} {}",
                i.module,
                i.name,
                i.ty.kind_name(),
                i.ty
            );
        }
        outln!(out, "exports ({}):", module.exports().len());
        for e in module.exports() {
            outln!(out, "  {}: {} {}", e.name, e.ty.kind_name(), e.ty);
        }
        outln!(out, "sections:");
        for s in &sections {
            outln!(out, "  {:<24} {:>10} bytes", s.name, s.size);
        }
        outln!(
            out,
            "functions: {} ({imported} imported, {defined} defined)",
            imported + defined
        );
    }
    emit(&out)
}

fn count_defined_functions(bytes: &[u8]) -> usize {
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let Ok(wasmparser::Payload::FunctionSection(r)) = payload {
            return r.count() as usize;
        }
    }
    0
}

//! Builds and runs the C API tests (`capi-tests/test_*.c`) and the C
//! examples (`c-examples/*.c`) against the `libwasmrt.so` that `cargo test`
//! built, as C11 and as C++17, with `-Wall -Wextra -Werror`. With
//! `WASMRT_VALGRIND=1` and valgrind installed, each program also runs under
//! valgrind and must report no errors and no definitely lost bytes
//! (with `scripts/wasmrt.supp`, the suppressions shipped for wasmparser's
//! false positive in optimised builds; see docs/C-API.md).
//! `WASMRT_CAPI_LIB_DIR=DIR` runs everything against the `libwasmrt.so`
//! in `DIR` (e.g. `target/release`) instead of a fresh debug build.
//! Also checks that the library exports every function `include/wasm.h`
//! declares.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The target directory of this test run (`target/<profile>`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/capi-xxxx -> target/<profile>
    exe.parent()
        .and_then(Path::parent)
        .expect("target dir")
        .to_path_buf()
}

/// The directory holding a freshly built `libwasmrt.so`.
///
/// `cargo test` builds only the rlib, so the shared library is built here,
/// in a target directory of its own (no contention with the running cargo,
/// and never a stale library from an earlier `cargo build`).
fn lib_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("WASMRT_CAPI_LIB_DIR") {
            let dir = std::path::absolute(PathBuf::from(dir)).expect("absolute path");
            assert!(
                dir.join("libwasmrt.so").is_file(),
                "WASMRT_CAPI_LIB_DIR={}: no libwasmrt.so there",
                dir.display()
            );
            return dir;
        }
        let target = target_dir().join("capi-lib");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--lib", "--quiet", "--manifest-path"])
            .arg(root().join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building libwasmrt.so failed");
        target.join("debug")
    })
    .clone()
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let d = target_dir().join("capi-tests-run").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

/// Converts every `.wat` of `dir` into `.wasm` files in `out`.
fn build_modules(dir: &Path, out: &Path) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "wat") {
            let text = std::fs::read_to_string(&p).expect("read wat");
            let wasm = wasmrt::wat2wasm(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let name = p.file_stem().expect("stem").to_string_lossy().to_string();
            std::fs::write(out.join(format!("{name}.wasm")), wasm).expect("write wasm");
        }
    }
}

fn c_sources(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "c")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    v.sort();
    v
}

fn run(cmd: &mut Command) -> Result<String, String> {
    // cargo test puts target/<profile> on LD_LIBRARY_PATH, where an older
    // libwasmrt.so from `cargo build` may sit: point it at ours instead.
    cmd.env("LD_LIBRARY_PATH", lib_dir());
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!("{cmd:?} failed ({}):\n{text}", out.status))
    }
}

fn valgrind_wanted() -> bool {
    std::env::var("WASMRT_VALGRIND").is_ok_and(|v| v == "1")
        && Command::new("valgrind").arg("--version").output().is_ok()
}

/// Compiles `src` as C11 and as C++17, runs the C build (and the C++ build),
/// in `dir`. Returns a description of every failure.
fn build_and_run(src: &Path, dir: &Path) -> Vec<String> {
    let lib = lib_dir();
    let name = src.file_stem().expect("stem").to_string_lossy().to_string();
    let include = root().join("include");
    let mut failures = Vec::new();
    let exe_c = dir.join(&name);
    let exe_cpp = dir.join(format!("{name}-cpp"));
    let common = |cmd: &mut Command, exe: &Path| {
        cmd.args(["-Wall", "-Wextra", "-Werror", "-g"])
            .arg("-I")
            .arg(&include)
            .arg("-o")
            .arg(exe)
            .arg(src)
            .arg("-L")
            .arg(&lib)
            .arg("-lwasmrt")
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .arg("-lpthread");
    };
    let mut cc = Command::new("cc");
    cc.arg("-std=c11");
    common(&mut cc, &exe_c);
    let mut cxx = Command::new("g++");
    cxx.args(["-x", "c++", "-std=c++17"]);
    common(&mut cxx, &exe_cpp);
    // `-x c++` applies to the source; the libraries after it are fine.
    for (what, cmd, exe) in [("C11", cc, &exe_c), ("C++17", cxx, &exe_cpp)] {
        let mut cmd = cmd;
        if let Err(e) = run(&mut cmd) {
            failures.push(format!("{name} ({what} build): {e}"));
            continue;
        }
        // The C build runs in each execution strategy (`auto` tiering
        // every function up at its first call); the C++ build once.
        let strategies: &[(&str, &[(&str, &str)])] = if what == "C11" {
            STRATEGIES
        } else {
            &STRATEGIES[..1]
        };
        for (strategy, env) in strategies {
            let mut cmd = Command::new(exe);
            cmd.current_dir(dir).envs(env.iter().copied());
            match run(&mut cmd) {
                Ok(out) => print!("{name} [{what}, {strategy}]: {out}"),
                Err(e) => failures.push(format!("{name} ({what} run, {strategy}): {e}")),
            }
        }
    }
    for (strategy, env) in STRATEGIES {
        if !valgrind_wanted() || !exe_c.exists() {
            break;
        }
        let mut vg = Command::new("valgrind");
        vg.args([
            "-q",
            "--error-exitcode=97",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
        ])
        .arg(format!(
            "--suppressions={}",
            root().join("scripts/wasmrt.supp").display()
        ))
        .arg(&exe_c)
        .current_dir(dir)
        // Memcheck would report the guard-region access of an
        // out-of-bounds trap as an invalid read: the library sees valgrind
        // and checks bounds explicitly (`Config::from_env`), which these
        // runs rely on (no `WASMRT_GUARD_PAGES=0`).
        .envs(env.iter().copied());
        match run(&mut vg) {
            Ok(_) => println!("{name} [{strategy}]: valgrind clean"),
            Err(e) => failures.push(format!("{name} (valgrind, {strategy}): {e}")),
        }
    }
    failures
}

/// The environments that select each execution strategy for engines
/// created with defaults (`wasm_engine_new`).
const STRATEGIES: &[(&str, &[(&str, &str)])] = &[
    (
        "auto",
        &[("WASMRT_STRATEGY", "auto"), ("WASMRT_TIER_UP", "eager")],
    ),
    ("interp", &[("WASMRT_STRATEGY", "interp")]),
    ("jit", &[("WASMRT_STRATEGY", "jit")]),
];

fn run_all(dir: &Path, prefix: &str, scratch_name: &str) {
    let work = scratch(scratch_name);
    build_modules(dir, &work);
    let sources = c_sources(dir, prefix);
    assert!(!sources.is_empty(), "no C sources in {}", dir.display());
    if valgrind_wanted() {
        println!("running each program under valgrind too");
    }
    let failures: Vec<String> = sources
        .iter()
        .flat_map(|s| build_and_run(s, &work))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn c_api_tests() {
    run_all(&root().join("capi-tests"), "test_", "tests");
}

#[test]
fn c_examples() {
    run_all(&root().join("c-examples"), "", "examples");
}

/// The functions `wasmrt.h` (with `wasm.h`) and `wasi.h` declare, as the
/// preprocessor sees them, minus static inline helpers.
fn declared_functions() -> std::collections::BTreeSet<String> {
    let mut text = String::new();
    for header in ["wasmrt.h", "wasi.h"] {
        let pre = Command::new("cc")
            .args(["-E", "-P", "-x", "c"])
            .arg("-I")
            .arg(root().join("include"))
            .arg(root().join("include").join(header))
            .output()
            .expect("run the preprocessor");
        assert!(pre.status.success(), "{header}");
        text.push_str(&String::from_utf8_lossy(&pre.stdout));
    }
    let mut declared = std::collections::BTreeSet::new();
    for stmt in text.split(';') {
        let s = stmt.trim();
        // Skip inline helpers' bodies (calls, not declarations).
        if s.contains("static inline") || s.contains('{') || s.contains("return") || s.contains('=')
        {
            continue;
        }
        if let Some(open) = s.find('(') {
            let head = &s[..open];
            if let Some(name) = head
                .rsplit(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
            {
                if (name.starts_with("wasm_")
                    || name.starts_with("wasmrt_")
                    || name.starts_with("wasi_"))
                    && !s.starts_with("typedef")
                {
                    declared.insert(name.to_string());
                }
            }
        }
    }
    assert!(
        declared.len() > 250,
        "parsed only {} declarations",
        declared.len()
    );
    declared
}

/// Every function declared by include/wasm.h, include/wasmrt.h and
/// include/wasi.h is exported by the shared library.
#[test]
fn every_declared_function_is_exported() {
    let declared = declared_functions();
    let nm = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib_dir().join("libwasmrt.so"))
        .output()
        .expect("run nm");
    let symbols: std::collections::BTreeSet<String> = String::from_utf8_lossy(&nm.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(String::from))
        .collect();
    let missing: Vec<&String> = declared.iter().filter(|d| !symbols.contains(*d)).collect();
    assert!(
        missing.is_empty(),
        "declared in wasm.h but not exported: {missing:?}"
    );
    assert!(declared.iter().any(|d| d.starts_with("wasmrt_")));
    assert!(declared.iter().any(|d| d.starts_with("wasi_config_")));
    println!(
        "{} wasm.h, wasmrt.h and wasi.h functions, all exported",
        declared.len()
    );
}

/// Every declared function called with null pointers and zeros for all
/// its arguments, each in a child process of its own: none may crash
/// (null handles are the misuse the C API can detect cheaply; functions
/// return NULL, 0, false or do nothing).
#[test]
fn every_function_survives_null_arguments() {
    let names = declared_functions();
    let mut c = String::from(
        "#include <wasmrt.h>\n#include <wasi.h>\n#include <stdio.h>\n\
         #include <string.h>\n#include <unistd.h>\n#include <sys/wait.h>\n\
         typedef long (*any_fn)(long, long, long, long, long, long);\n\
         static const struct { const char *name; void *fn; } fns[] = {\n",
    );
    for name in &names {
        c.push_str(&format!("  {{\"{name}\", (void *)&{name}}},\n"));
    }
    c.push_str(
        "};\nint main(void) {\n  int crashed = 0;\n\
         for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {\n\
           pid_t pid = fork();\n\
           if (pid == 0) { alarm(20); ((any_fn)fns[i].fn)(0, 0, 0, 0, 0, 0); _exit(0); }\n\
           int status = 0;\n\
           waitpid(pid, &status, 0);\n\
           if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {\n\
             printf(\"%s: %s\\n\", fns[i].name, WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : \"exit status\");\n\
             crashed++;\n\
           }\n\
         }\n\
         printf(\"%zu functions called with null arguments, %d failed\\n\", sizeof fns / sizeof fns[0], crashed);\n\
         return crashed != 0;\n}\n",
    );
    let dir = scratch("null-arguments");
    let src = dir.join("null_arguments.c");
    std::fs::write(&src, c).expect("write the program");
    let exe = dir.join("null_arguments");
    let lib = lib_dir();
    run(Command::new("cc")
        .args(["-std=gnu11", "-O0", "-w", "-I"])
        .arg(root().join("include"))
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(&lib)
        .arg("-lwasmrt")
        .arg(format!("-Wl,-rpath,{}", lib.display())))
    .unwrap_or_else(|e| panic!("building {}: {e}", src.display()));
    let out = run(&mut Command::new(&exe)).unwrap_or_else(|e| panic!("{e}"));
    println!("{}", out.trim_end());
    assert!(
        out.contains(&format!("{} functions called", names.len())),
        "{out}"
    );
}

/// include/wasmrt.h is what cbindgen generates from src/capi/ext.rs now
/// (regenerate with `WASMRT_UPDATE_HEADER=1 cargo build`).
#[test]
fn wasmrt_h_is_up_to_date() {
    let generated = std::fs::read_to_string(env!("WASMRT_GENERATED_HEADER"))
        .expect("the header generated by build.rs");
    let committed =
        std::fs::read_to_string(root().join("include/wasmrt.h")).expect("include/wasmrt.h");
    assert!(
        generated == committed,
        "include/wasmrt.h is stale: run WASMRT_UPDATE_HEADER=1 cargo build and commit it"
    );
}

/// The WASI test programs (tests/wasi/wasi_test.c, compiled to wasm32-wasi
/// with clang) run through the C API: c-examples/wasi.c is a complete
/// WASI runner on wasm.h + wasi.h, preopening its working directory as
/// /data. The same scenarios run through the CLI in tests/cli.rs.
#[test]
fn wasi_programs_through_c_api() {
    let work = scratch("wasi-programs");
    let wasm = work.join("wasi_test.wasm");
    let status = Command::new("clang")
        .args(["--target=wasm32-wasi", "-O1", "-Wall", "-Werror", "-o"])
        .arg(&wasm)
        .arg(root().join("tests/wasi/wasi_test.c"))
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "cannot compile tests/wasi/wasi_test.c for wasm32-wasi: install clang, lld and \
         wasi-libc (scripts/install-test-deps.sh)"
    );
    let exe = work.join("wasi");
    let lib = lib_dir();
    run(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-I"])
        .arg(root().join("include"))
        .arg("-o")
        .arg(&exe)
        .arg(root().join("c-examples/wasi.c"))
        .arg("-L")
        .arg(&lib)
        .arg("-lwasmrt")
        .arg(format!("-Wl,-rpath,{}", lib.display())))
    .expect("build c-examples/wasi.c");
    let guest = |dir: &Path, args: &[&str], stdin: &[u8]| {
        use std::io::Write;
        let mut child = Command::new(&exe)
            .arg(&wasm)
            .args(args)
            .current_dir(dir)
            .env("LD_LIBRARY_PATH", &lib)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run the wasi example");
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, _) = guest(&work, &["args", "x y"], b"");
    assert_eq!(code, Some(0));
    assert!(out.ends_with("argv[1]=args\nargv[2]=x y\n"), "{out}");
    assert_eq!(guest(&work, &["env"], b"").1, "EXAMPLE=1\n");
    assert_eq!(guest(&work, &["exit", "9"], b"").0, Some(9));
    let (code, out, err) = guest(&work, &["stdio"], b"abc\n");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (Some(0), "ABC\n", "to stderr\n")
    );
    for s in ["clock", "random"] {
        assert_eq!(guest(&work, &[s], b"").1, format!("{s} ok\n"));
    }
    assert_eq!(guest(&work, &["poll"], b"x").1, "poll ok\n");
    let files = work.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let (code, out, err) = guest(&files, &["files"], b"");
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.ends_with("files ok\n"), "{out}");
    // The sandbox: /data is `root`, with symlinks pointing out of it.
    let d = work.join("escape");
    let root_dir = d.join("root");
    std::fs::create_dir_all(root_dir.join("nested")).unwrap();
    std::fs::write(d.join("secret"), "secret").unwrap();
    std::fs::write(root_dir.join("inside"), "inside").unwrap();
    std::os::unix::fs::symlink(d.join("secret"), root_dir.join("abs")).unwrap();
    std::os::unix::fs::symlink("../secret", root_dir.join("rel")).unwrap();
    std::os::unix::fs::symlink("..", root_dir.join("up")).unwrap();
    std::os::unix::fs::symlink("../../secret", root_dir.join("nested/deep")).unwrap();
    std::os::unix::fs::symlink("../inside", root_dir.join("nested/ok")).unwrap();
    let (code, out, err) = guest(&root_dir, &["escape"], b"");
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        !out.contains("ESCAPED") && out.matches("refused").count() == 12,
        "{out}"
    );
    let (code, _, err) = guest(&work, &["trap"], b"");
    assert_eq!(code, Some(134));
    assert!(err.contains("unreachable"), "{err}");
}

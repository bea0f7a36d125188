//! Installs wasmrt with CMake into a temporary prefix, then, from outside
//! the source tree, builds and runs consumers the way users would: a C
//! program with pkg-config (shared and static) and with CMake
//! find_package (shared and static targets), the same program as C++, and
//! consumers in other languages loading the shared library: Python
//! (ctypes), Go (cgo) and Zig (@cImport of wasm.h), each both linked with
//! `-lwasmrt` and opening the library at run time (dlopen, std.DynLib),
//! and Ruby (ruby-ffi). Also checks the
//! installed layout (SONAME and version symlinks) and that the shared
//! library exports only `wasm_*`, `wasi_*` and `wasmrt_*` symbols, and
//! that the installed `bin/wasmrt` runs a module.
//!
//! Runs the pkg-config C consumer under valgrind with the installed
//! suppression file, `share/wasmrt/wasmrt.supp`.
//!
//! Needs cmake, pkg-config, valgrind, go, ruby-ffi and ziglang
//! (`scripts/install-test-deps.sh` installs them); without them the test
//! fails with a message saying so.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

/// Builds with CMake and installs into `<tmp>/prefix`; returns the prefix.
fn install(tmp: &Path) -> PathBuf {
    let build = tmp.join("build");
    let prefix = tmp.join("prefix");
    // A cargo target directory of its own: the CMake build links with a
    // SONAME, which must not leak into target/release, where
    // scripts/run-example.sh links in place. Kept across runs.
    let target = root().join("target/cmake-cargo");
    run(Command::new("cmake")
        .arg("-S")
        .arg(root())
        .arg("-B")
        .arg(&build)
        .arg("-DCMAKE_BUILD_TYPE=Release")
        .env("CARGO_TARGET_DIR", &target));
    run(Command::new("cmake")
        .arg("--build")
        .arg(&build)
        .env("CARGO_TARGET_DIR", &target));
    run(Command::new("cmake")
        .arg("--install")
        .arg(&build)
        .arg("--prefix")
        .arg(&prefix));
    prefix
}

#[test]
fn install_and_consume() {
    for tool in [
        "cmake",
        "pkg-config",
        "cc",
        "g++",
        "python3",
        "nm",
        "readelf",
        "valgrind",
    ] {
        assert!(
            have(tool),
            "{tool} is missing: run scripts/install-test-deps.sh (CI does)"
        );
    }
    let tmp = root().join("target/install-test");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let prefix = install(&tmp);
    let lib = prefix.join("lib");
    let libdir = if lib.exists() {
        lib
    } else {
        prefix.join("lib64")
    };

    // Layout.
    for f in [
        "include/wasm.h",
        "include/wasm_c_api.h",
        "bin/wasmrt",
        "lib/libwasmrt.a",
        "lib/pkgconfig/wasmrt.pc",
        "lib/cmake/wasmrt/wasmrtConfig.cmake",
        "lib/cmake/wasmrt/wasmrtConfigVersion.cmake",
        "share/wasmrt/wasmrt.supp",
    ] {
        let p = prefix.join(f.replace(
            "lib/",
            &format!("{}/", libdir.file_name().unwrap().to_string_lossy()),
        ));
        assert!(p.exists(), "{} was not installed", p.display());
    }
    let so = libdir.join("libwasmrt.so");
    assert_eq!(
        std::fs::read_link(&so).unwrap(),
        PathBuf::from("libwasmrt.so.0")
    );
    assert_eq!(
        std::fs::read_link(libdir.join("libwasmrt.so.0")).unwrap(),
        PathBuf::from("libwasmrt.so.0.1.0")
    );
    let dynamic = run(Command::new("readelf").arg("-d").arg(&so));
    assert!(
        dynamic.contains("Library soname: [libwasmrt.so.0]"),
        "no SONAME libwasmrt.so.0:\n{dynamic}"
    );

    // The command-line program, run from the prefix (it needs nothing
    // else installed), outside the source tree.
    let wasmrt = prefix.join("bin/wasmrt");
    let version = run(Command::new(&wasmrt).arg("--version"));
    assert_eq!(
        version.trim(),
        format!("wasmrt {}", env!("CARGO_PKG_VERSION")),
        "{version}"
    );
    let wat = tmp.join("add.wat");
    std::fs::write(
        &wat,
        "(module (func (export \"add\") (param i32 i32) (result i32)\n\
           local.get 0 local.get 1 i32.add))",
    )
    .unwrap();
    for strategy in ["interp", "jit", "auto"] {
        let out = run(Command::new(&wasmrt)
            .args(["run", "--strategy", strategy, "--invoke", "add"])
            .arg(&wat)
            .args(["40", "2"])
            .current_dir(&tmp));
        assert_eq!(out, "42\n", "{strategy}");
    }

    // Only wasm_*, wasi_* and wasmrt_* are exported.
    let syms = run(Command::new("nm").args(["-D", "--defined-only"]).arg(&so));
    let exported: Vec<&str> = syms
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert!(exported.len() > 250);
    let foreign: Vec<&&str> = exported
        .iter()
        .filter(|s| !(s.starts_with("wasm_") || s.starts_with("wasi_") || s.starts_with("wasmrt_")))
        .collect();
    assert!(
        foreign.is_empty(),
        "unexpected exported symbols: {foreign:?}"
    );

    // Consumers, built from a directory outside the source tree.
    let work = tmp.join("consumers");
    std::fs::create_dir_all(&work).unwrap();
    let consumer = root().join("tests/consumers/consumer.c");
    let pc = libdir.join("pkgconfig");
    let pkg = |args: &[&str]| -> Vec<String> {
        run(Command::new("pkg-config")
            .args(args)
            .arg("wasmrt")
            .env("PKG_CONFIG_PATH", &pc))
        .split_whitespace()
        .map(String::from)
        .collect()
    };
    let cflags = pkg(&["--cflags"]);
    let libs = pkg(&["--libs"]);
    let static_libs: Vec<String> = pkg(&["--static", "--libs"])
        .into_iter()
        .filter(|f| f != "-lwasmrt")
        .collect();
    let ld_path = libdir.display().to_string();

    // pkg-config, shared (C and C++).
    for (compiler, lang, exe) in [("cc", "c", "pc-shared"), ("g++", "c++", "pc-shared-cpp")] {
        let out = work.join(exe);
        run(Command::new(compiler)
            .args(["-x", lang])
            .arg(&consumer)
            .args(["-x", "none"])
            .args(&cflags)
            .args(&libs)
            .arg("-o")
            .arg(&out));
        let text = run(Command::new(&out).env("LD_LIBRARY_PATH", &ld_path));
        assert!(text.contains("trap checked: ok"), "{text}");
    }
    // The installed (release) library under valgrind, with the installed
    // suppressions: clean, no errors and no definite leaks.
    let supp = prefix.join("share/wasmrt/wasmrt.supp");
    let text = run(Command::new("valgrind")
        .args([
            "-q",
            "--error-exitcode=97",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
        ])
        .arg(format!("--suppressions={}", supp.display()))
        .arg(work.join("pc-shared"))
        .env("LD_LIBRARY_PATH", &ld_path));
    assert!(text.contains("trap checked: ok"), "{text}");

    // pkg-config, static: no libwasmrt.so needed at run time.
    let out = work.join("pc-static");
    run(Command::new("cc")
        .arg(&consumer)
        .args(&cflags)
        .arg(libdir.join("libwasmrt.a"))
        .args(&static_libs)
        .arg("-o")
        .arg(&out));
    let needed = run(Command::new("readelf").arg("-d").arg(&out));
    assert!(
        !needed.contains("libwasmrt"),
        "static consumer needs libwasmrt:\n{needed}"
    );
    let text = run(&mut Command::new(&out));
    assert!(text.contains("trap checked: ok"), "{text}");

    // CMake find_package, shared and static targets.
    let cbuild = work.join("cmake-build");
    run(Command::new("cmake")
        .arg("-S")
        .arg(root().join("tests/consumers/cmake"))
        .arg("-B")
        .arg(&cbuild)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display())));
    run(Command::new("cmake").arg("--build").arg(&cbuild));
    for exe in ["consumer_shared", "consumer_static"] {
        let text = run(Command::new(cbuild.join(exe)).env("LD_LIBRARY_PATH", &ld_path));
        assert!(text.contains("trap checked: ok"), "{exe}: {text}");
    }

    // Python through ctypes.
    let text = run(Command::new("python3")
        .arg(root().join("tests/consumers/consumer.py"))
        .arg(&so));
    assert!(text.contains("trap checked: ok"), "{text}");

    // Ruby through ruby-ffi.
    let text = run(Command::new("ruby")
        .arg(root().join("tests/consumers/consumer.rb"))
        .arg(&so));
    assert!(text.contains("trap checked: ok"), "{text}");

    // Go through cgo, outside any module, with its caches in the scratch
    // dir: linked with -lwasmrt, and loading the library with dlopen.
    let go_dir = work.join("go");
    std::fs::create_dir_all(&go_dir).unwrap();
    let include = prefix.join("include");
    let go_build = |src: &str, exe: &str, ldflags: &str| {
        std::fs::copy(root().join("tests/consumers").join(src), go_dir.join(src)).unwrap();
        run(Command::new("go")
            .args(["build", "-o", exe, src])
            .current_dir(&go_dir)
            .env("CGO_CFLAGS", format!("-I{}", include.display()))
            .env("CGO_LDFLAGS", ldflags)
            .env("GOCACHE", work.join("go-cache"))
            .env("GOPATH", work.join("go-path"))
            .env("GO111MODULE", "off"));
        go_dir.join(exe)
    };
    let go_linked = go_build(
        "consumer.go",
        "consumer-go",
        &format!("-L{ld_path} -lwasmrt"),
    );
    let linked = run(Command::new(&go_linked).env("LD_LIBRARY_PATH", &ld_path));
    assert!(linked.contains("trap checked: ok"), "{linked}");
    let go_dlopen = go_build("consumer_dlopen.go", "consumer-go-dlopen", "");
    assert_not_linked(&go_dlopen);
    // The path by argument; no LD_LIBRARY_PATH.
    let loaded = run(Command::new(&go_dlopen)
        .arg(&so)
        .env_remove("LD_LIBRARY_PATH"));
    assert_eq!(loaded, linked, "Go: dlopen and linked consumers differ");

    // Zig: linked with -lwasmrt (@cImport of wasm.h), and loading the
    // library with std.DynLib.
    let zig_build = |src: &str, exe: &str, link: &[String]| {
        let out = work.join(exe);
        run(Command::new("python3")
            .args(["-m", "ziglang", "build-exe"])
            .arg(root().join("tests/consumers").join(src))
            .arg(format!("-I{}", include.display()))
            .args(link)
            .arg("-lc")
            .arg(format!("-femit-bin={}", out.display()))
            .env("ZIG_GLOBAL_CACHE_DIR", work.join("zig-cache"))
            .env("ZIG_LOCAL_CACHE_DIR", work.join("zig-cache")));
        out
    };
    let zig_linked = zig_build(
        "consumer.zig",
        "consumer-zig",
        &[format!("-L{ld_path}"), "-lwasmrt".into()],
    );
    let linked = run(Command::new(&zig_linked).env("LD_LIBRARY_PATH", &ld_path));
    assert!(linked.contains("trap checked: ok"), "{linked}");
    let zig_dynlib = zig_build("consumer_dynlib.zig", "consumer-zig-dynlib", &[]);
    assert_not_linked(&zig_dynlib);
    // The path in WASMRT_LIB; no LD_LIBRARY_PATH.
    let loaded = run(Command::new(&zig_dynlib)
        .env("WASMRT_LIB", &so)
        .env_remove("LD_LIBRARY_PATH"));
    assert_eq!(loaded, linked, "Zig: DynLib and linked consumers differ");
}

/// `exe` does not need libwasmrt at load time (no DT_NEEDED entry), so it
/// can only reach the library by opening it itself.
fn assert_not_linked(exe: &Path) {
    let dynamic = run(Command::new("readelf").arg("-d").arg(exe));
    assert!(
        dynamic.contains("(NEEDED)") && !dynamic.contains("libwasmrt"),
        "{} links libwasmrt:\n{dynamic}",
        exe.display()
    );
}

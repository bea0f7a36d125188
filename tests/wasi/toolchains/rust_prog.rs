//! A WASI program in Rust (wasm32-wasip1 std), run by tests/wasi_toolchains.rs
//! under `wasmrt run` and under wasmtime: args, environment, files and
//! directories in a preopened directory, stdin/stdout/stderr, exit code.

use std::io::BufRead;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args: {args:?}");
    let mut env: Vec<(String, String)> = std::env::vars().collect();
    env.sort();
    println!("env: {env:?}");
    std::fs::create_dir_all("/out/sub/deeper").unwrap();
    std::fs::write("/out/sub/hello.txt", b"hello from rust\n").unwrap();
    let back = std::fs::read_to_string("/out/sub/hello.txt").unwrap();
    print!("read back: {back}");
    let mut names: Vec<String> = std::fs::read_dir("/out/sub")
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    println!("dir: {names:?}");
    std::fs::rename("/out/sub/hello.txt", "/out/moved.txt").unwrap();
    println!("size: {}", std::fs::metadata("/out/moved.txt").unwrap().len());
    println!("escape: {}", std::fs::read("/out/../etc/passwd").is_ok());
    eprintln!("to stderr");
    let mut total = 0;
    for line in std::io::stdin().lock().lines() {
        total += line.unwrap().len();
    }
    println!("stdin bytes without newlines: {total}");
    let code = args.first().and_then(|a| a.parse().ok()).unwrap_or(0);
    std::process::exit(code);
}

//! Converts a `.wat` text module to a binary `.wasm` file:
//!
//!     cargo run --example wat2wasm -- in.wat out.wasm
//!
//! Used by `scripts/run-example.sh` so the C examples stay plain wasm.h
//! programs that read binary modules.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 2 {
        eprintln!("usage: wat2wasm IN.wat OUT.wasm");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&args[0]).unwrap_or_else(|e| {
        eprintln!("wat2wasm: cannot read {}: {e}", args[0]);
        std::process::exit(1)
    });
    match wasmrt::wat2wasm(&text) {
        Ok(bytes) => {
            if let Err(e) = std::fs::write(&args[1], bytes) {
                eprintln!("wat2wasm: cannot write {}: {e}", args[1]);
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("wat2wasm: {}: {e}", args[0]);
            std::process::exit(1);
        }
    }
}

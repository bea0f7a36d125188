//! `wasmrt wast FILE...`: runs spec-test scripts with the runner the
//! project's spec testsuite uses (`wast/`), one line of counts per file.

use crate::wast_runner::{self as runner, Tier};
use crate::StrategyArg;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct WastArgs {
    /// Execution tier (default: auto)
    #[arg(long, value_enum)]
    strategy: Option<StrategyArg>,
    /// Call functions through the C API (`wasmrt_func_call`) instead of
    /// the Rust API
    #[arg(long)]
    capi: bool,
    /// Print every failure (default: the first 3 per file)
    #[arg(short, long)]
    verbose: bool,
    /// The scripts
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Runs every script; exit 0 only when no assertion failed and every file
/// could be read and parsed.
pub fn run(args: WastArgs) -> ExitCode {
    let tier = match args.strategy {
        Some(StrategyArg::Interp) => Tier::Interp,
        Some(StrategyArg::Jit) => Tier::Jit,
        Some(StrategyArg::Auto) | None => Tier::Auto,
    };
    // A panic inside the engine is caught and counted as a failure of its
    // assertion; its default message would only repeat that.
    std::panic::set_hook(Box::new(|_| {}));
    let width = args
        .files
        .iter()
        .map(|f| f.display().to_string().len())
        .max()
        .unwrap_or(0)
        .max(4);
    println!(
        "{:<width$} {:>7} {:>7} {:>7}  skipped because",
        "file", "passed", "failed", "skipped"
    );
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for file in &args.files {
        let tally = match std::fs::read_to_string(file) {
            Ok(text) => runner::run_file(&text, args.capi, tier),
            Err(e) => {
                let mut t = runner::Tally::default();
                t.fail(0, format!("cannot read {}: {e}", file.display()));
                t
            }
        };
        println!(
            "{:<width$} {:>7} {:>7} {:>7}  {}",
            file.display(),
            tally.passed,
            tally.failed,
            tally.skipped_total(),
            tally.skip_reasons()
        );
        let shown = if args.verbose { usize::MAX } else { 3 };
        for f in tally.failures.iter().take(shown) {
            println!("    FAIL {}: {f}", file.display());
        }
        if tally.failures.len() > shown {
            println!("    ... {} more failures", tally.failures.len() - shown);
        }
        passed += tally.passed;
        failed += tally.failed;
        skipped += tally.skipped_total();
    }
    println!(
        "{passed} passed, {failed} failed, {skipped} skipped ({} strategy)",
        tier.name()
    );
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

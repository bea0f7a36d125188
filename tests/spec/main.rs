//! The WebAssembly spec testsuite runner.
//!
//! Runs every `.wast` file listed in `core-2.0.txt` (select files with
//! `WASMRT_SPEC_FILTER=substring`, see every failure with
//! `WASMRT_SPEC_VERBOSE=1`) and prints a per-file table and, last, the line
//! `N passed, M failed, K skipped`. It exits non-zero if anything failed.
//!
//! The testsuite is `WASMRT_TESTSUITE`, else `../shared/testsuite`, else
//! the official testsuite at a pinned commit fetched into `target/`; with
//! none of them, every file is skipped and one line says so (see
//! `suite.rs`). The list is the testsuite directory's `core-2.0.txt` when
//! it has one, else the copy in `tests/spec/`.
//!
//! The suite runs twice: once calling functions through the Rust API, once
//! through the C API (`wasmrt_func_call`, values converted at the C
//! boundary as an embedder would), so the same modules are shown to behave
//! identically both ways. `WASMRT_SPEC_API=rust` or `=c` runs one pass.
//!
//! Counting rules: every directive that checks something is one assertion
//! (module definitions, `register`, `invoke`, and all `assert_*` forms).
//! Nothing skipped is counted as passed; skips are listed with their reason:
//! * `text-format`: `assert_malformed` of a `module quote` tests the text
//!   parser, not the runtime;
//! * `3.0 feature`: a module that is valid WebAssembly 3.0 but not 2.0, and
//!   every assertion that uses it (the 2.0 list contains such modules, marked
//!   "3.0 inside");
//! * `3.0 directive`: exception and thread assertions.

mod script;
mod suite;
mod values;

use std::path::Path;

/// Assertion counts of one file.
#[derive(Default)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: std::collections::BTreeMap<&'static str, usize>,
    pub failures: Vec<String>,
}

impl Tally {
    pub fn pass(&mut self) {
        self.passed += 1;
    }

    pub fn fail(&mut self, line: usize, what: String) {
        self.failed += 1;
        self.failures.push(format!("line {line}: {what}"));
    }

    pub fn skip(&mut self, reason: &'static str) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }
}

/// The files of a list like `core-2.0.txt`: one name per line, `#` comments.
fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Reads the list; a missing or unreadable list ends the run with a
/// message and a failure.
fn read_list(path: &Path) -> Vec<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_list(&text),
        Err(e) => {
            println!(
                "spec: FAILED: cannot read the test list {}: {e}",
                path.display()
            );
            std::process::exit(1);
        }
    }
}

fn main() {
    const LIST: &str = "core-2.0.txt";
    let filter = std::env::var("WASMRT_SPEC_FILTER").ok();
    let verbose = std::env::var_os("WASMRT_SPEC_VERBOSE").is_some();
    let suite = match suite::locate() {
        Ok(s) => s,
        Err(suite::Unavailable::Error(why)) => {
            println!("spec: FAILED: {why}");
            std::process::exit(1);
        }
        Err(suite::Unavailable::Skip(why)) => {
            let n = read_list(&suite::committed_list(LIST)).len();
            println!(
                "spec: SKIPPED all {n} files of {LIST}, no assertion run: {why}. \
                 Set WASMRT_TESTSUITE=DIR to run them."
            );
            if std::env::var("WASMRT_REQUIRE_TESTSUITE").is_ok_and(|v| v == "1") {
                println!("spec: FAILED: WASMRT_REQUIRE_TESTSUITE is set");
                std::process::exit(1);
            }
            return;
        }
    };
    let dir = suite.dir;
    let list = suite::list_path(&dir, LIST);
    let files = read_list(&list);
    println!(
        "spec: testsuite {} ({}), list {}",
        dir.display(),
        suite.origin,
        list.display()
    );
    let committed = suite::committed_list(LIST);
    if list != committed
        && std::fs::read_to_string(&committed).is_ok_and(|t| parse_list(&t) != files)
    {
        println!(
            "spec: note: {} lists other files than {}; update the committed copy",
            list.display(),
            committed.display()
        );
    }
    // Engine panics are caught and counted as failures; keep their noise
    // out of the report.
    std::panic::set_hook(Box::new(|_| {}));
    let api = std::env::var("WASMRT_SPEC_API").unwrap_or_default();
    let passes: Vec<bool> = match api.as_str() {
        "rust" => vec![false],
        "c" => vec![true],
        _ => vec![false, true],
    };
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for via_capi in passes {
        let before = (passed, failed, skipped);
        println!(
            "\n== calls through the {} API",
            if via_capi { "C" } else { "Rust" }
        );
        println!(
            "{:<40} {:>7} {:>7} {:>7}  skipped because",
            "file", "passed", "failed", "skipped"
        );
        for file in &files {
            if filter.as_deref().is_some_and(|f| !file.contains(f)) {
                continue;
            }
            let path = dir.join(file);
            let tally = match std::fs::read_to_string(&path) {
                Ok(text) => script::run_file(&text, via_capi),
                Err(e) => {
                    let mut t = Tally::default();
                    t.fail(0, format!("cannot read {}: {e}", path.display()));
                    t
                }
            };
            let reasons: Vec<String> = tally
                .skipped
                .iter()
                .map(|(r, n)| format!("{r} ({n})"))
                .collect();
            println!(
                "{:<40} {:>7} {:>7} {:>7}  {}",
                file,
                tally.passed,
                tally.failed,
                tally.skipped_total(),
                reasons.join(", ")
            );
            let shown = if verbose { usize::MAX } else { 3 };
            for f in tally.failures.iter().take(shown) {
                println!("    FAIL {f}");
            }
            if tally.failures.len() > shown {
                println!("    ... {} more failures", tally.failures.len() - shown);
            }
            passed += tally.passed;
            failed += tally.failed;
            skipped += tally.skipped_total();
        }
        println!(
            "-- {} API: {} passed, {} failed, {} skipped",
            if via_capi { "C" } else { "Rust" },
            passed - before.0,
            failed - before.1,
            skipped - before.2
        );
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    if failed > 0 || passed == 0 {
        std::process::exit(1);
    }
}

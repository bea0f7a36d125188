//! The WebAssembly spec testsuite runner.
//!
//! Runs every `.wast` file listed in `core-2.0.txt` and then, by
//! proposal, those of `core-3.0-extra.txt` (select files with
//! `WASMRT_SPEC_FILTER=substring`, see every failure with
//! `WASMRT_SPEC_VERBOSE=1`) and prints a per-file table, a table per
//! proposal (`2.0`, then each 3.0 group) and, last, the line
//! `N passed, M failed, K skipped`. It exits non-zero if anything failed.
//!
//! The testsuite is `WASMRT_TESTSUITE`, else `../shared/testsuite`, else
//! the official testsuite at a pinned commit fetched into `target/`; with
//! none of them, every file is skipped and one line says so (see
//! `suite.rs`). The list is the testsuite directory's `core-2.0.txt` when
//! it has one, else the copy in `tests/spec/`.
//!
//! The suite runs once per execution strategy — `interp`, `jit`, `auto`
//! with the engine's default tier-up settings (so most code runs in the
//! interpreter's light first tier), and `auto-eager`, `auto` with every
//! function tiered up at its first call (so native code runs behind the
//! interpreter's entries), and `auto-baseline`, `auto` with functions'
//! first code made by the baseline compiler (`Config::baseline`) — and
//! each of those twice: once
//! calling functions through the Rust API, once through the C API
//! (`wasmrt_func_call`, values converted at the C boundary as an embedder
//! would), so the same modules are shown to behave identically every way.
//! `WASMRT_SPEC_STRATEGY=interp,jit,auto,auto-eager,auto-baseline` (any
//! subset) and
//! `WASMRT_SPEC_API=rust` or `=c` select passes.
//!
//! The script runner itself (`run_file`, `Tally`) lives in
//! `src/bin/wasmrt/wast/`, shared with `wasmrt wast`.
//!
//! Counting rules: every directive that checks something is one assertion
//! (module definitions, `register`, `invoke`, and all `assert_*` forms).
//! Nothing skipped is counted as passed; skips are listed with their reason:
//! * `text-format`: `assert_malformed` of a `module quote` tests the text
//!   parser, not the runtime;
//! * `needs GC objects`: a valid module the engine refuses with
//!   `Error::Unsupported` because it has an instruction that makes or
//!   inspects GC objects (struct, array, i31, casts, `ref.eq`), and every
//!   assertion that uses it; `needs proposals beyond 3.0`: a module valid
//!   only with a later proposal. A module valid with the implemented
//!   proposals that the engine rejects otherwise is a failure, never a
//!   skip;
//! * `3.0 value kind`: arguments or results of GC/typed-reference kinds;
//! * `3.0 directive`: exception and thread assertions.

#[path = "../../src/bin/wasmrt/wast/mod.rs"]
mod runner;
mod suite;

use runner::{Tally, Tier};
use std::path::Path;

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

/// The files of `core-3.0-extra.txt` by proposal: a comment line
/// `# memory64 (test/core/memory64/): 25` starts the group `memory64`.
fn read_groups(path: &Path) -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the test list {}: {e}", path.display()));
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            // A group header names the proposal and ends in its file count.
            let header = comment.trim();
            if let Some((name, count)) = header.rsplit_once(':') {
                if count.trim().parse::<usize>().is_ok() {
                    let name = name.split(" (").next().unwrap_or(name).trim();
                    current = Some(name.to_string());
                }
            }
            continue;
        }
        let file = line.split('#').next().unwrap_or("").trim();
        if file.is_empty() {
            continue;
        }
        let group = current.clone().unwrap_or_else(|| "3.0".into());
        match groups.last_mut() {
            Some((g, files)) if *g == group => files.push(file.to_string()),
            _ => groups.push((group, vec![file.to_string()])),
        }
    }
    groups
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
    let mut groups = vec![("2.0".to_string(), files)];
    let extra = suite::list_path(&dir, "core-3.0-extra.txt");
    if extra.is_file() {
        groups.extend(read_groups(&extra));
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
    let all = [
        Tier::Interp,
        Tier::Jit,
        Tier::Auto,
        Tier::AutoEager,
        Tier::AutoBaseline,
    ];
    let strategies: Vec<Tier> = match std::env::var("WASMRT_SPEC_STRATEGY") {
        Ok(list) => all
            .into_iter()
            .filter(|t| list.split(',').any(|s| s.trim() == t.name()))
            .collect(),
        Err(_) => all.to_vec(),
    };
    let passes: Vec<(Tier, bool)> = strategies
        .iter()
        .flat_map(|t| passes.iter().map(move |p| (*t, *p)))
        .collect();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (strategy, via_capi) in passes {
        let before = (passed, failed, skipped);
        println!(
            "\n== strategy {}, calls through the {} API",
            strategy.name(),
            if via_capi { "C" } else { "Rust" }
        );
        println!(
            "{:<40} {:>7} {:>7} {:>7}  skipped because",
            "file", "passed", "failed", "skipped"
        );
        let mut per_group = Vec::new();
        for (group, files) in &groups {
            let at_start = (passed, failed, skipped);
            let mut ran = false;
            for file in files {
                if filter.as_deref().is_some_and(|f| !file.contains(f)) {
                    continue;
                }
                if !ran && group != "2.0" {
                    println!("-- 3.0: {group}");
                }
                ran = true;
                let path = dir.join(file);
                let tally = match std::fs::read_to_string(&path) {
                    Ok(text) => runner::run_file(&text, via_capi, strategy),
                    Err(e) => {
                        let mut t = Tally::default();
                        t.fail(0, format!("cannot read {}: {e}", path.display()));
                        t
                    }
                };
                println!(
                    "{:<40} {:>7} {:>7} {:>7}  {}",
                    file,
                    tally.passed,
                    tally.failed,
                    tally.skipped_total(),
                    tally.skip_reasons()
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
            if ran {
                per_group.push((
                    group.clone(),
                    passed - at_start.0,
                    failed - at_start.1,
                    skipped - at_start.2,
                ));
            }
        }
        println!(
            "\n{:<40} {:>7} {:>7} {:>7}",
            "proposal", "passed", "failed", "skipped"
        );
        for (group, p, f, k) in &per_group {
            println!("{group:<40} {p:>7} {f:>7} {k:>7}");
        }
        println!(
            "-- {}, {} API: {} passed, {} failed, {} skipped",
            strategy.name(),
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

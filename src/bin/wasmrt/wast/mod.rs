//! Runs WebAssembly spec-test scripts (`.wast`) and counts their
//! assertions. Shared by `wasmrt wast` and the spec testsuite runner
//! (`tests/spec/main.rs` includes this directory with `#[path]`), so the
//! command and the project's own test count the same way.
//!
//! Counting rules: every directive that checks something is one assertion
//! (module definitions, `register`, `invoke`, and all `assert_*` forms).
//! Nothing skipped is counted as passed; a skip carries its reason (see
//! `tests/spec/main.rs` for the list).

mod script;
mod values;

pub use script::run_file;

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

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// The skip reasons with their counts, e.g. `text-format (3)`.
    pub fn skip_reasons(&self) -> String {
        let reasons: Vec<String> = self
            .skipped
            .iter()
            .map(|(r, n)| format!("{r} ({n})"))
            .collect();
        reasons.join(", ")
    }
}

/// The strategy a script runs with.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
// Each includer constructs only the variants it offers.
#[allow(dead_code)]
pub enum Tier {
    Interp,
    Jit,
    /// `auto` with the engine's default tier-up settings.
    Auto,
    /// `auto`, tiering every function up at its first call (so native code
    /// runs behind the interpreter's entries).
    AutoEager,
    /// `auto` with the baseline compiler making functions' first code.
    AutoBaseline,
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::Interp => "interp",
            Tier::Jit => "jit",
            Tier::Auto => "auto",
            Tier::AutoEager => "auto-eager",
            Tier::AutoBaseline => "auto-baseline",
        }
    }
}

//! `wasmrt run`'s sandbox flags (`--fuel`, `--max-memory`, `--max-stack`,
//! `--timeout`): parsing their values, applying them to the store, and
//! naming the one that stopped the guest.

use std::time::Duration;
use wasmrt::{Error, Store, StoreLimits, Trap, TrapCode};

/// The limits a run was given, kept to explain how it ended.
pub struct Sandbox {
    fuel: Option<u64>,
    max_memory: Option<u64>,
    max_stack: Option<u64>,
    timeout: Option<Duration>,
}

impl Sandbox {
    /// Gives `store` the fuel, memory limit and epoch deadline of `args`,
    /// and starts the timer thread of `--timeout`. (The engine was made
    /// with fuel and epoch interruption on when these flags are given.)
    pub fn apply(args: &super::RunArgs, store: &mut Store) -> Sandbox {
        if let Some(fuel) = args.fuel {
            store
                .set_fuel(fuel)
                .expect("the engine consumes fuel when --fuel is given");
        }
        if let Some(bytes) = args.max_memory {
            store.set_limits(StoreLimits {
                memory_bytes: bytes,
                ..StoreLimits::default()
            });
        }
        if let Some(timeout) = args.timeout {
            store.set_epoch_deadline(1);
            let engine = store.engine().clone();
            // The process ends with the guest; the timer needs no joining.
            std::thread::spawn(move || {
                std::thread::sleep(timeout);
                engine.increment_epoch();
            });
        }
        Sandbox {
            fuel: args.fuel,
            max_memory: args.max_memory,
            max_stack: args.max_stack,
            timeout: args.timeout,
        }
    }

    /// Prints which flag stopped the guest, when one did: `t` ended the
    /// run (a trap, or `proc_exit`).
    pub fn explain(&self, store: &Store, t: &Trap) {
        if t.exit_status() == Some(0) {
            return;
        }
        match (t.code(), self.fuel, self.timeout) {
            (Some(TrapCode::OutOfFuel), Some(fuel), _) => {
                eprintln!("error: the guest used up its fuel (--fuel {fuel})");
                return;
            }
            (Some(TrapCode::Interrupted), _, Some(timeout)) => {
                eprintln!(
                    "error: the guest was interrupted: its time ran out (--timeout {})",
                    format_duration(timeout)
                );
                return;
            }
            (Some(TrapCode::StackExhausted), _, _) => {
                if let Some(bytes) = self.max_stack {
                    eprintln!("error: the guest exhausted its wasm stack (--max-stack {bytes})");
                    return;
                }
            }
            _ => {}
        }
        // A guest refused memory usually fails later, by a trap or an
        // exit status of its own: say what refused it.
        if let (Some(bytes), Some(refusal)) = (self.max_memory, store.last_refused_growth()) {
            eprintln!("error: the guest was refused memory: {refusal} (--max-memory {bytes})");
        }
    }

    /// `e`, an instantiation error, naming `--max-memory` when that limit
    /// refused the module's memories.
    pub fn explain_error(&self, e: Error) -> String {
        match self.max_memory {
            Some(bytes) if e.to_string().contains("linear memory bytes") => {
                format!("{e} (--max-memory {bytes})")
            }
            _ => e.to_string(),
        }
    }
}

/// A byte count: digits with an optional K, M or G suffix (powers of 1024;
/// `KiB`, `MB` and the like are read the same way).
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a byte count (e.g. 65536, 64K, 16M, 1G)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("{s:?}: unknown unit (use K, M or G)")),
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{s:?} is too large"))
}

/// A duration: a number (fractions allowed) with an optional unit, `ms`,
/// `s`, `m` or `h`; a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(end);
    let bad = || format!("{s:?} is not a duration (e.g. 500ms, 10s, 2m, 1h)");
    let n: f64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(bad()),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| bad())
}

/// `d` as `parse_duration` reads it back.
fn format_duration(d: Duration) -> String {
    if d.subsec_millis() != 0 || d.as_secs() == 0 {
        format!("{}ms", d.as_millis())
    } else {
        format!("{}s", d.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts() {
        assert_eq!(parse_bytes("65536"), Ok(65536));
        assert_eq!(parse_bytes("64K"), Ok(64 << 10));
        assert_eq!(parse_bytes("16MiB"), Ok(16 << 20));
        assert_eq!(parse_bytes("2g"), Ok(2 << 30));
        assert!(parse_bytes("").is_err());
        assert!(parse_bytes("12X").is_err());
        assert!(parse_bytes("-1").is_err());
        assert!(parse_bytes("99999999999999999999G").is_err());
        assert!(parse_bytes("17179869184G").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("1e400").is_err());
        assert_eq!(format_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(format_duration(Duration::from_secs(3)), "3s");
    }
}

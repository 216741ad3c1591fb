//! Phase timings for people working on the generator's speed: with
//! `OFFBOARD_SITE_TIMINGS=1` in the environment, each phase of a build
//! prints to stderr when it ends, with the time since timing started, the
//! time since the previous phase, and the process's resident and peak memory (from `/proc/self/status`, where
//! there is one). Phases that run side by side print as each finishes.
//! Without the variable, [`phase`] does nothing.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

/// The variable that turns the timings on.
pub const VARIABLE: &str = "OFFBOARD_SITE_TIMINGS";

/// When timing started, if it is on.
fn started() -> Option<Instant> {
    static STARTED: OnceLock<Option<Instant>> = OnceLock::new();
    *STARTED.get_or_init(|| std::env::var_os(VARIABLE).map(|_| Instant::now()))
}

/// Reports that the phase `label` has ended: the time since timing
/// started, the time since the previous report (a rebuild in `serve`
/// shows its own phases that way), and the memory.
pub fn phase(label: &str) {
    static PREVIOUS: Mutex<Option<Instant>> = Mutex::new(None);
    let Some(started) = started() else {
        return;
    };
    let now = Instant::now();
    let mut previous = PREVIOUS.lock().unwrap_or_else(PoisonError::into_inner);
    let since = previous.map_or(now - started, |previous| now - previous);
    *previous = Some(now);
    eprintln!(
        "{:>9.1} ms {:>+9.1} ms  {label:<40} {}",
        (now - started).as_secs_f64() * 1000.0,
        since.as_secs_f64() * 1000.0,
        memory()
    );
}

/// Resident and peak memory, e.g. `rss 84 MiB, peak 88 MiB`.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or_else(|| "?".to_owned(), |kib| format!("{} MiB", kib / 1024))
    };
    format!("rss {}, peak {}", field("VmRSS:"), field("VmHWM:"))
}

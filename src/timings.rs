//! Phase timings for people working on the generator's speed: with
//! `OFFBOARD_SITE_TIMINGS=1` in the environment, each phase of a build
//! prints to stderr when it ends, with the time since the build started and
//! the process's resident and peak memory (from `/proc/self/status`, where
//! there is one). Phases that run side by side print as each finishes.
//! Without the variable, [`phase`] does nothing.

use std::sync::OnceLock;
use std::time::Instant;

/// The variable that turns the timings on.
pub const VARIABLE: &str = "OFFBOARD_SITE_TIMINGS";

/// When timing started, if it is on.
fn started() -> Option<Instant> {
    static STARTED: OnceLock<Option<Instant>> = OnceLock::new();
    *STARTED.get_or_init(|| std::env::var_os(VARIABLE).map(|_| Instant::now()))
}

/// Reports that the phase `label` has ended.
pub fn phase(label: &str) {
    if let Some(started) = started() {
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        eprintln!("{millis:>9.1} ms  {label:<40} {}", memory());
    }
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

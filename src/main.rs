//! The `offboard-site` binary: parse the command line, call the library, map
//! errors to exit codes. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use offboard_site::cli::{Cli, run};
use offboard_site::diagnostic::Diagnostics;

/// jemalloc instead of the C library's allocator: a build makes millions
/// of small strings on two threads and frees them on others, which glibc's
/// malloc serves slowly and returns to the system late (see BENCHMARKS.md).
/// Its options (return freed pages at once) are set at compile time in
/// `.cargo/config.toml`.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let Some(diagnostics) = error.downcast_ref::<Diagnostics>() {
                eprint!("{diagnostics}");
            } else {
                eprintln!("error: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

//! The `offboard-site` binary: parse the command line, call the library, map
//! errors to exit codes. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use offboard_site::cli::{Cli, run};
use offboard_site::diagnostic::Diagnostics;

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

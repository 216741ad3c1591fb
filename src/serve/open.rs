//! `--open`: the site in the default browser, where there is one. A machine
//! without a desktop (a container, SSH) just gets a note; serving goes on.

use std::process::{Command, Stdio};

/// Asks the desktop to open `url`; says so plainly when it cannot.
pub fn in_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut command = Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else {
        Command::new("xdg-open")
    };
    let started = command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if started.is_err() {
        eprintln!("note: cannot open a browser here; open {url} yourself");
    }
}

//! A new user's first hour: `init` in English and Chinese and the command
//! it suggests next, the same counts from `build` and `serve`, the message
//! for a folder that is not a site, and `build --help` naming the outputs
//! the README says are refused.

use std::path::Path;
use std::process::{Command, Output};

use super::serve_support::Served;
use super::support::{BIN, TestSite};

/// Runs the binary with `args` in `dir`, without cargo's `CARGO` variable
/// unless `cargo` is given (as `cargo run` sets it).
fn run_in(dir: &Path, args: &[&str], cargo: bool) -> Output {
    let mut command = Command::new(BIN);
    command.current_dir(dir).args(args).env_remove("CARGO");
    if cargo {
        command.env("CARGO", "/usr/bin/cargo");
    }
    command.output().expect("run binary")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn init_zh_cn_writes_a_chinese_site_that_builds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run_in(dir.path(), &["init", "指南", "--language", "zh-CN"], false);
    assert!(output.status.success(), "{}", stderr(&output));
    let site = dir.path().join("指南");
    let toml = std::fs::read_to_string(site.join("site.toml")).expect("site.toml");
    assert!(toml.contains("language = \"zh-CN\""), "{toml}");
    assert!(toml.contains("label = \"离职员工\""), "{toml}");
    let built = run_in(dir.path(), &["build", "--quiet", "--root", "指南"], false);
    assert!(built.status.success(), "{}", stderr(&built));
    let page =
        std::fs::read_to_string(site.join("public/before/contacts/index.html")).expect("page");
    assert!(page.contains("<html lang=\"zh-CN\""), "{page}");
    assert!(page.contains("解绑个人手机号"), "Chinese content: {page}");
    assert!(page.contains("本页内容"), "Chinese interface: {page}");
    assert!(!page.contains("Unbind"), "no English left: {page}");
    let english = run_in(dir.path(), &["init", "en-site"], false);
    assert!(english.status.success());
    let toml = std::fs::read_to_string(dir.path().join("en-site/site.toml")).expect("toml");
    assert!(toml.contains("language = \"en\""), "{toml}");
}

#[test]
fn init_refuses_a_language_it_has_no_starter_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run_in(dir.path(), &["init", "x", "--language", "fr"], false);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("invalid value 'fr' for '--language <TAG>'"),
        "{text}"
    );
    assert!(text.contains("`en`") && text.contains("`zh-CN`"), "{text}");
    assert!(!dir.path().join("x").exists());
}

#[test]
fn init_suggests_a_command_that_works_as_the_program_was_started() {
    let dir = tempfile::tempdir().expect("temp dir");
    let installed = stderr(&run_in(dir.path(), &["init", "one"], false));
    assert!(
        installed.contains("preview it with `offboard-site serve --root one`"),
        "{installed}"
    );
    // `cargo run` sets CARGO and runs the binary from `target/`.
    let cargo = stderr(&run_in(dir.path(), &["init", "my guide"], true));
    let profile = Path::new(BIN)
        .parent()
        .and_then(Path::file_name)
        .expect("profile folder");
    let run = if profile == "release" {
        "cargo run --release --"
    } else {
        "cargo run --"
    };
    assert!(
        cargo.contains(&format!("preview it with `{run} serve --root 'my guide'`")),
        "{cargo}"
    );
    // What follows the program's name works as given.
    let built = run_in(
        dir.path(),
        &["build", "--quiet", "--root", "my guide"],
        false,
    );
    assert!(built.status.success(), "{}", stderr(&built));
}

#[test]
fn build_and_serve_report_the_same_counts() {
    let site = TestSite::fixture("basic");
    let built = site.run(&["build"]).success().stderr();
    let counts = built
        .strip_prefix("built ")
        .and_then(|rest| rest.split(", 0 warnings").next())
        .expect("summary line")
        .to_owned();
    assert!(
        counts.contains(" pages, ") && counts.contains(" steps, ") && counts.ends_with(" files"),
        "{built}"
    );
    let mut served = Served::start(site.root(), &[]);
    let log = served.wait_for_log("built ");
    assert!(
        log.contains(&format!("built {counts} in ")),
        "{log}\nvs {built}"
    );
}

#[test]
fn a_folder_that_is_not_a_site_is_named_with_the_way_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = std::fs::canonicalize(dir.path()).expect("real path");
    for command in [&["build"][..], &["check"], &["serve", "--port", "0"]] {
        let output = run_in(&folder, command, false);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{command:?}: {text}");
        assert!(
            text.starts_with(&format!(
                "error: {}: this folder is not a site: it has no `site.toml`\n",
                folder.display()
            )),
            "{command:?}: {text}"
        );
        assert!(
            text.contains("hint: run `offboard-site init DIR` to create a site, or pass `--root`"),
            "{command:?}: {text}"
        );
        assert!(!text.contains("site.toml: no"), "{command:?}: {text}");
        if command[0] == "serve" {
            let shown = text.replace(&folder.display().to_string(), "[DIR]");
            insta::assert_snapshot!(shown);
        }
    }
    assert!(!folder.join("public").exists());
}

/// Whitespace runs as one space, so wrapped text compares.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn build_help_and_the_readme_name_the_same_refused_outputs() {
    let help = Command::new(BIN)
        .args(["build", "--help"])
        .output()
        .expect("help");
    let help = one_line(&String::from_utf8_lossy(&help.stdout));
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let readme = one_line(&readme);
    let start = readme
        .find("Some outputs are refused even with `--force`:")
        .expect("the README lists the refused outputs");
    let listed = &readme[start..start + 300];
    for item in offboard_site::output::refused_output_items() {
        assert!(listed.contains(&item), "README lacks {item:?}: {listed}");
        assert!(help.contains(&item), "build --help lacks {item:?}: {help}");
    }
    assert!(
        help.contains(&format!(
            "Never replaced, even with `--force`: {}",
            offboard_site::output::refused_outputs()
        )),
        "{help}"
    );
}

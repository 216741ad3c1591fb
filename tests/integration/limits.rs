//! Bounded cost: a source file over the size limit is refused before it is
//! parsed, and messages quote a short window of a long line, so neither
//! memory nor the error output grows with a pathological input.

use crate::support::TestSite;

/// A 2 MiB line of `[`: parsed, it took about 200 MB of memory.
fn brackets(bytes: usize) -> String {
    format!("+++\ntitle = \"Big\"\n+++\n{}\n", "[".repeat(bytes))
}

#[test]
fn a_page_over_the_size_limit_is_refused_with_its_size_and_a_hint() {
    let site = TestSite::new().file("content/big.md", brackets(2 * 1024 * 1024));
    let stderr = site.run(&["check"]).failure();
    insta::assert_snapshot!(stderr, @r"
    error: content/big.md: the file is too large to read: 2.0 MiB (2097175 bytes), and a source file may be at most 1 MiB
      = hint: split the page: make it a section (a folder with an `_index.md`) holding several shorter pages

    1 error; nothing was written
    ");
}

#[test]
fn a_page_under_the_size_limit_is_built() {
    let site = TestSite::new().file("content/big.md", brackets(1000 * 1024));
    site.build().success();
}

#[test]
fn a_site_toml_over_the_size_limit_is_refused() {
    let toml = format!("title = \"T\"\n#{}\n", "x".repeat(1024 * 1024));
    let site = TestSite::new().file("site.toml", toml);
    let stderr = site.run(&["check"]).failure();
    assert!(
        stderr.starts_with("error: site.toml: the file is too large to read: 1.0 MiB"),
        "{stderr}"
    );
}

#[test]
fn an_error_on_a_long_line_quotes_a_short_window_of_it() {
    let line = format!(
        "{} [gone](missing.md) {}",
        "a".repeat(300_000),
        "b".repeat(300_000)
    );
    let site = TestSite::new().file("content/a.md", format!("+++\ntitle = \"A\"\n+++\n{line}\n"));
    let stderr = site.run(&["check"]).failure();
    assert!(stderr.len() < 1000, "{} bytes of errors", stderr.len());
    let quoted = stderr
        .lines()
        .find(|line| line.starts_with("4 | "))
        .expect("the line is quoted");
    assert!(
        quoted.contains("…aaa") && quoted.contains("[gone](missing.md)"),
        "{stderr}"
    );
}

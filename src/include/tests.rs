//! Tests of `{{#include}}`: ranges, nesting, cycles, paths, and where
//! errors and lines point.

use std::path::{Path, PathBuf};

use super::*;

/// A site folder with `files` (path, text) under it.
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(&path, text).expect("write");
    }
    dir
}

/// Expands the body of `page` (its whole text, starting at line 1).
fn run(dir: &tempfile::TempDir, page: &str) -> Result<Expanded, Diagnostic> {
    let path = dir.path().join(page);
    let body = std::fs::read_to_string(&path).expect("page");
    let origin = Origin {
        shown: PathBuf::from(page),
        path,
    };
    expand(&body, 1, &origin, dir.path())
}

fn body(dir: &tempfile::TempDir, page: &str) -> String {
    run(dir, page).expect("expands").body
}

fn error(dir: &tempfile::TempDir, page: &str) -> String {
    run(dir, page).expect_err("fails").to_string()
}

const LINES: &str = "one\ntwo\nthree\nfour\nfive\n";

#[test]
fn a_whole_file_and_each_kind_of_range() {
    let dir = site(&[
        ("snippets/n.txt", LINES),
        (
            "content/p.md",
            "a {{#include ../snippets/n.txt:2:3}} b\n[{{#include ../snippets/n.txt:4:}}]\n[{{#include ../snippets/n.txt::2}}]\n[{{#include ../snippets/n.txt:5}}]\n```\n{{#include ../snippets/n.txt}}\n```\n",
        ),
    ]);
    assert_eq!(
        body(&dir, "content/p.md"),
        "a two\nthree b\n[four\nfive]\n[one\ntwo]\n[five]\n```\none\ntwo\nthree\nfour\nfive\n```\n"
    );
}

#[test]
fn a_body_without_directives_is_kept_and_unmapped() {
    let dir = site(&[("content/p.md", "plain {{ not an include }}\n")]);
    let expanded = run(&dir, "content/p.md").expect("expands");
    assert_eq!(expanded.body, "plain {{ not an include }}\n");
    assert!(expanded.map.is_none());
}

#[test]
fn an_escaped_directive_is_text() {
    let dir = site(&[("content/p.md", "`\\{{#include x.md}}`\n")]);
    assert_eq!(body(&dir, "content/p.md"), "`{{#include x.md}}`\n");
}

#[test]
fn nested_includes_are_relative_to_their_own_file_and_mapped_line_by_line() {
    let dir = site(&[
        (
            "snippets/outer.md",
            "outer 1\n{{#include inner/in.md}}\nouter 3\n",
        ),
        ("snippets/inner/in.md", "inner 1\ninner 2\n"),
        (
            "content/p.md",
            "page 1\n{{#include ../snippets/outer.md}}\npage 3\n",
        ),
    ]);
    let expanded = run(&dir, "content/p.md").expect("expands");
    assert_eq!(
        expanded.body,
        "page 1\nouter 1\ninner 1\ninner 2\nouter 3\npage 3\n"
    );
    let map = expanded.map.expect("mapped");
    let at = |line| {
        map.locate(line)
            .map(|(origin, line)| (origin.shown.display().to_string(), line))
    };
    assert_eq!(at(1), Some(("content/p.md".into(), 1)));
    assert_eq!(at(2), Some(("snippets/outer.md".into(), 1)));
    assert_eq!(at(3), Some(("snippets/inner/in.md".into(), 1)));
    assert_eq!(at(4), Some(("snippets/inner/in.md".into(), 2)));
    assert_eq!(at(5), Some(("snippets/outer.md".into(), 3)));
    assert_eq!(at(6), Some(("content/p.md".into(), 3)));
    assert_eq!(at(7), None);
    let included: Vec<_> = map.included().map(|o| o.shown.clone()).collect();
    assert_eq!(
        included,
        [
            Path::new("snippets/outer.md"),
            Path::new("snippets/inner/in.md")
        ]
    );
}

#[test]
fn a_range_maps_to_its_own_lines() {
    let dir = site(&[
        ("n.txt", LINES),
        ("content/p.md", "x\n{{#include ../n.txt:3:4}}\n"),
    ]);
    let map = run(&dir, "content/p.md")
        .expect("expands")
        .map
        .expect("mapped");
    assert_eq!(map.locate(2).map(|(_, line)| line), Some(3));
    assert_eq!(map.locate(3).map(|(_, line)| line), Some(4));
}

#[test]
fn a_cycle_is_an_error_in_the_file_that_closes_it() {
    let dir = site(&[
        ("snippets/a.md", "a\n{{#include b.md}}\n"),
        ("snippets/b.md", "b\n\n  {{#include a.md}}\n"),
        ("content/p.md", "{{#include ../snippets/a.md}}\n"),
    ]);
    insta::assert_snapshot!(error(&dir, "content/p.md"));
}

#[test]
fn a_page_including_itself_is_a_cycle() {
    let dir = site(&[("content/p.md", "x {{#include p.md}}\n")]);
    assert!(error(&dir, "content/p.md").contains("include cycle: content/p.md → content/p.md"));
}

#[test]
fn a_missing_file_is_an_error_at_the_directive_in_the_included_file() {
    let dir = site(&[
        ("snippets/a.md", "line 1\nline 2 {{#include nope.md}}\n"),
        ("content/p.md", "{{#include ../snippets/a.md}}\n"),
    ]);
    insta::assert_snapshot!(error(&dir, "content/p.md"));
}

#[test]
fn paths_may_not_leave_the_site_root() {
    let outside = site(&[("secret.txt", "secret\n")]);
    let dir = site(&[("content/p.md", "x\n")]);
    let up = format!(
        "{{{{#include ../../{}/secret.txt}}}}\n",
        outside
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
    );
    std::fs::write(dir.path().join("content/p.md"), up).expect("write");
    let message = error(&dir, "content/p.md");
    assert!(message.contains("is outside the site root"), "{message}");
    std::fs::write(
        dir.path().join("content/p.md"),
        "{{#include /etc/passwd}}\n",
    )
    .expect("write");
    insta::assert_snapshot!(error(&dir, "content/p.md"));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            dir.path().join("link.txt"),
        )
        .expect("symlink");
        std::fs::write(
            dir.path().join("content/p.md"),
            "{{#include ../link.txt}}\n",
        )
        .expect("write");
        let message = error(&dir, "content/p.md");
        assert!(message.contains("is outside the site root"), "{message}");
    }
}

#[test]
fn bad_ranges_and_directives_are_errors() {
    let dir = site(&[("n.txt", LINES), ("content/p.md", "")]);
    let cases = [
        ("{{#include ../n.txt:4:2}}", "ends before it starts"),
        ("{{#include ../n.txt:0:2}}", "is not a line number"),
        ("{{#include ../n.txt:x}}", "is not a line number"),
        (
            "{{#include ../n.txt:9:}}",
            "has 5 lines, and the range starts at line 9",
        ),
        ("{{#include}}", "names no file"),
        ("{{#include ../n.txt", "without its closing"),
        ("{{#include ../n.txt\n}}", "on the same line"),
        ("{{#include ..}}", "is a folder"),
    ];
    for (directive, expected) in cases {
        std::fs::write(dir.path().join("content/p.md"), format!("x\n{directive}\n"))
            .expect("write");
        let message = error(&dir, "content/p.md");
        assert!(message.contains(expected), "{directive}: {message}");
        assert!(
            message.starts_with("error: content/p.md:2:1: "),
            "{directive}: {message}"
        );
    }
    std::fs::write(
        dir.path().join("content/p.md"),
        "x\n{{#include ../n.txt:4:2}}\n",
    )
    .expect("write");
    insta::assert_snapshot!(error(&dir, "content/p.md"));
}

#[test]
fn an_include_bomb_is_stopped() {
    // Each level includes the next one four times: 4^12 copies.
    let mut files: Vec<(String, String)> = (0..12)
        .map(|n| {
            let next = format!("{{{{#include l{}.md}}}}\n", n + 1);
            (format!("l{n}.md"), next.repeat(4))
        })
        .collect();
    files.push(("l12.md".into(), "x".repeat(1000)));
    files.push(("content/p.md".into(), "{{#include ../l0.md}}\n".into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = site(&refs);
    let message = error(&dir, "content/p.md");
    assert!(message.contains("grows past 1 MiB"), "{message}");
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error() {
    let mut files: Vec<(String, String)> = (0..=MAX_DEPTH + 1)
        .map(|n| {
            (
                format!("d{n}.md"),
                format!("{{{{#include d{}.md}}}}\n", n + 1),
            )
        })
        .collect();
    files.push((format!("d{}.md", MAX_DEPTH + 2), "end\n".into()));
    files.push(("content/p.md".into(), "{{#include ../d0.md}}\n".into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = site(&refs);
    let message = error(&dir, "content/p.md");
    assert!(message.contains("nest more than 16 deep"), "{message}");
}

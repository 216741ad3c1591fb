//! Author tools: "last updated" dates from git, "edit this page" links
//! from `edit_url`, on real git checkouts made in temporary folders.

use std::path::Path;
use std::process::Command;

use super::serve_support::Served;
use super::support::{SITE_TOML, TestSite};

fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n\n{body}\n")
}

/// Runs `git` in `root` with a fixed identity and both commit dates set to
/// `date`, so every run makes the same commits.
fn git(root: &Path, args: &[&str], date: &str) {
    let output = Command::new("git")
        .current_dir(root)
        .args([
            "-c",
            "user.name=Tester",
            "-c",
            "user.email=tester@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Commits everything in `root` at `date`.
fn commit_all(root: &Path, message: &str, date: &str) {
    git(root, &["add", "-A"], date);
    git(root, &["commit", "-q", "-m", message], date);
}

/// A site with a home page and two pages, the second committed later.
fn git_site(site_toml: &str) -> TestSite {
    let site = TestSite::empty()
        .file("site.toml", site_toml)
        .file("content/_index.md", page("Home", "Welcome."))
        .file("content/guide/first.md", page("First", "First body."));
    git(site.root(), &["init", "-q"], "2026-01-01T00:00:00Z");
    commit_all(site.root(), "first", "2026-11-27T07:30:27+08:00");
    let site = site.file("content/guide/second.md", page("Second", "Second body."));
    commit_all(site.root(), "second", "2026-12-05T23:15:00-05:00");
    site
}

/// The page's "last updated" and edit link, as written.
fn page_source(html: &str) -> Option<&str> {
    let start = html.find("<footer class=\"page-source\">")?;
    let end = start + html[start..].find("</footer>")?;
    Some(&html[start..end])
}

#[test]
fn each_page_is_dated_by_its_last_commit_in_the_site_language() {
    let site = git_site(SITE_TOML);
    site.build().success();
    let first = site.read("guide/first/index.html");
    assert!(
        first.contains(
            "<p class=\"page-updated\">Last updated <time datetime=\"2026-11-27T07:30:27+08:00\">27 November 2026</time></p>"
        ),
        "{first}"
    );
    let second = site.read("guide/second/index.html");
    assert!(
        second.contains("<time datetime=\"2026-12-05T23:15:00-05:00\">5 December 2026</time>"),
        "the committer's own day, not UTC's: {second}"
    );
    assert!(!second.contains("Edit this page"), "no edit_url, no link");

    let chinese = git_site(&SITE_TOML.replace("language = \"en\"", "language = \"zh-CN\""));
    chinese.build().success();
    let second = chinese.read("guide/second/index.html");
    assert!(
        second.contains(
            "最后更新于 <time datetime=\"2026-12-05T23:15:00-05:00\">2026年12月5日</time>"
        ),
        "{second}"
    );
}

#[test]
fn the_same_commit_gives_the_same_output() {
    let site = git_site(SITE_TOML);
    site.build().success();
    let before = super::support::snapshot_tree(&site.public());
    // An uncommitted edit of another file, and the clock moving on, change
    // no date.
    std::fs::write(
        site.root().join("content/_index.md"),
        page("Home", "Welcome."),
    )
    .expect("rewrite");
    site.build().success();
    assert_eq!(before, super::support::snapshot_tree(&site.public()));
    // A new commit of one page dates that page only.
    let site = site.file("content/guide/first.md", page("First", "Edited."));
    commit_all(site.root(), "edit", "2026-12-06T09:00:00+00:00");
    site.build().success();
    assert!(
        site.read("guide/first/index.html")
            .contains("6 December 2026")
    );
    assert!(
        site.read("guide/second/index.html")
            .contains("5 December 2026")
    );
}

#[test]
fn a_site_outside_git_and_an_uncommitted_page_have_no_date() {
    let site = TestSite::new().file("content/a.md", page("A", "Body."));
    site.build().success();
    let html = site.read("a/index.html");
    assert!(!html.contains("<time"), "{html}");
    assert!(page_source(&html).is_none(), "{html}");

    let site = git_site(SITE_TOML).file("content/new.md", page("New", "Not committed."));
    site.build().success();
    assert!(!site.read("new/index.html").contains("<time"));
    assert!(site.read("guide/first/index.html").contains("<time"));
}

#[test]
fn edit_links_name_each_source_with_encoded_segments() {
    let toml =
        format!("edit_url = \"https://git.example.com/guide/edit/main/content\"\n{SITE_TOML}");
    let site = TestSite::empty()
        .file("site.toml", &toml)
        .file("content/_index.md", page("Home", "Welcome."))
        .file("content/指南/a b#1?.md", page("Odd", "Body."))
        .file("content/guide/_index.md", page("Guide", "Body."));
    site.build().success();
    let home = site.read("index.html");
    assert!(
        home.contains("href=\"https://git.example.com/guide/edit/main/content/_index.md\""),
        "{home}"
    );
    let odd = site.read("指南/a b#1?/index.html");
    assert!(
        odd.contains(
            "href=\"https://git.example.com/guide/edit/main/content/%E6%8C%87%E5%8D%97/a%20b%231%3F.md\">"
        ),
        "{odd}"
    );
    assert!(odd.contains("Edit this page</a>"), "{odd}");
    let section = site.read("guide/index.html");
    assert!(section.contains("content/guide/_index.md\""), "{section}");
    // Generated pages have no source to edit.
    assert!(!site.read("checklist/index.html").contains("page-source"));
    assert!(!site.read("404.html").contains("page-source"));
}

#[test]
fn a_bad_edit_url_is_an_error_at_its_place() {
    for (value, message) in [
        ("git@example.com:guide.git", "is not an http or https URL"),
        ("javascript:alert(1)//", "is not an http or https URL"),
        ("https://", "has no host name"),
        ("https://e.com/edit main/", "holds a space"),
        ("https://e.com/edit/#top", "has a `#` fragment"),
    ] {
        let site = TestSite::new().file(
            "site.toml",
            format!("\nedit_url = \"{value}\"\n{SITE_TOML}"),
        );
        let stderr = site.build().failure();
        assert!(
            stderr.contains(&format!("site.toml:2:12: `edit_url` `{value}` {message}")),
            "{value}:\n{stderr}"
        );
        assert!(stderr.contains("hint: give the web address"), "{stderr}");
        assert!(!site.public().exists(), "nothing written");
    }
}

#[test]
fn serve_shows_the_dates_of_a_clean_build_after_edits_and_commits() {
    let site = git_site(&format!(
        "edit_url = \"https://git.example.com/edit/\"\n{SITE_TOML}"
    ));
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let clean = |site: &TestSite| {
        site.build().success();
        let html = site.read("guide/first/index.html");
        page_source(&html).expect("dated").to_owned()
    };
    // An uncommitted edit: an incremental rebuild, the same date.
    std::fs::write(
        site.root().join("content/guide/first.md"),
        page("First", "Edited, not committed."),
    )
    .expect("save");
    events.next("reload");
    let served_page = served.wait_for_page("/guide/first/", "Edited, not committed.");
    let expected = clean(&site);
    assert!(expected.contains("27 November 2026"), "{expected}");
    assert_eq!(page_source(&served_page.text()), Some(expected.as_str()));
    // Committed, nothing saved: the new date, as a clean build has it.
    commit_all(site.root(), "edit", "2026-12-07T08:00:00+08:00");
    let served_page = served.wait_for_page("/guide/first/", "7 December 2026");
    let expected = clean(&site);
    assert!(expected.contains("7 December 2026"), "{expected}");
    assert_eq!(page_source(&served_page.text()), Some(expected.as_str()));
    // Committed, then saved: the same.
    let site = site.file("content/guide/first.md", page("First", "Edited again."));
    commit_all(site.root(), "again", "2026-12-08T08:00:00+08:00");
    std::fs::write(
        site.root().join("content/guide/second.md"),
        page("Second", "Edited after the commit."),
    )
    .expect("save");
    served.wait_for_page("/guide/second/", "Edited after the commit.");
    let served_page = served.wait_for_page("/guide/first/", "8 December 2026");
    let expected = clean(&site);
    assert_eq!(page_source(&served_page.text()), Some(expected.as_str()));
}

//! Nothing in a page grows with the whole site: a sidebar list longer than
//! the limit shows the entries around the current page and links to the
//! page that lists them all.

use crate::support::TestSite;

/// A site with `sections` top-level sections of `pages` pages each.
fn site(sections: usize, pages: usize) -> TestSite {
    let mut site = TestSite::new();
    for s in 0..sections {
        site = site.file(
            &format!("content/s{s:03}/_index.md"),
            format!("+++\ntitle = \"Section {s:03}\"\nweight = {s}\n+++\n"),
        );
        for p in 0..pages {
            site = site.file(
                &format!("content/s{s:03}/p{p:03}.md"),
                format!("+++\ntitle = \"Page {s:03}.{p:03}\"\nweight = {p}\n+++\n\nText.\n"),
            );
        }
    }
    site
}

/// How a sidebar entry of an ordinary page starts (sections have a class).
const PAGE_ENTRY: &str = "<li><a href=";

fn sidebar(html: &str) -> &str {
    let start = html.find("<nav class=\"site-nav\"").expect("sidebar");
    let end = start + html[start..].find("</nav>").expect("end of sidebar");
    &html[start..end]
}

#[test]
fn a_page_stays_the_same_size_as_top_level_sections_multiply() {
    let small = site(60, 1);
    let large = site(120, 1);
    small.build().success();
    large.build().success();
    let page = "s030/p000/index.html";
    let (a, b) = (small.read(page), large.read(page));
    assert_eq!(sidebar(&a).len(), sidebar(&b).len(), "the sidebar is flat");
    assert_eq!(sidebar(&b).matches("<li class=\"nav-section").count(), 50);
    assert!(
        sidebar(&b).contains("<li class=\"nav-more\"><a href=\"../../index.html\">70 more</a>"),
        "{}",
        sidebar(&b)
    );
    assert!(
        large.read("index.html").contains("Section 119"),
        "the home page still lists every section"
    );
}

#[test]
fn a_long_section_shows_the_pages_around_the_current_one() {
    let site = site(1, 80);
    site.build().success();
    let html = site.read("s000/p070/index.html");
    let nav = sidebar(&html);
    assert_eq!(nav.matches(PAGE_ENTRY).count(), 50);
    assert!(nav.contains("Page 000.079"), "the window reaches the end");
    assert!(!nav.contains("Page 000.029"), "and leaves the start out");
    assert!(
        nav.contains("<li class=\"nav-more\"><a href=\"../index.html\">30 more</a>"),
        "{nav}"
    );
    let short = site.read("s000/index.html");
    assert_eq!(
        sidebar(&short).matches(PAGE_ENTRY).count(),
        50,
        "the section page itself, off the list, shows the first 50"
    );
    assert!(short.contains("Page 000.079"), "its own list shows all");
}

#[test]
fn pages_of_a_section_share_their_sidebar_and_each_marks_its_own_entry() {
    let site = site(3, 4);
    site.build().success();
    let current = " aria-current=\"page\"";
    let (a, b) = (
        site.read("s001/p001/index.html"),
        site.read("s001/p002/index.html"),
    );
    assert!(sidebar(&a).contains(&format!("data-key=\"s001/p001\"{current}>")));
    assert!(sidebar(&b).contains(&format!("data-key=\"s001/p002\"{current}>")));
    assert_eq!(sidebar(&a).matches(current).count(), 1);
    assert_eq!(
        sidebar(&a).replace(current, ""),
        sidebar(&b).replace(current, ""),
        "the rest is the same"
    );
    assert!(
        sidebar(&a).contains("<li><a href=\"../p002/index.html\" data-key=\"s001/p002\">"),
        "{}",
        sidebar(&a)
    );
}

#[test]
fn shared_sidebar_links_work_from_pages_in_other_folders() {
    // `sub/` has no `_index.md`: its page is listed under `s/`, one folder
    // deeper than its sibling, so the two cannot share link text.
    let site = TestSite::new()
        .file("content/s/_index.md", "+++\ntitle = \"S\"\n+++\n")
        .file("content/s/a.md", "+++\ntitle = \"A\"\nweight = 1\n+++\n")
        .file(
            "content/s/sub/b.md",
            "+++\ntitle = \"B\"\nweight = 2\n+++\n",
        );
    site.build().success();
    for page in ["s/a/", "s/sub/b/"] {
        let html = site.read(&format!("{page}index.html"));
        let nav = sidebar(&html);
        let hrefs: Vec<&str> = nav
            .split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(hrefs.len() >= 4, "{nav}");
        for href in hrefs {
            let target = site.public().join(page).join(href);
            assert!(target.is_file(), "{page}: {href} leads nowhere");
        }
    }
}

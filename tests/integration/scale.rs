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
    assert_eq!(
        sidebar(&b).matches("class=\"nav-item nav-section").count(),
        50
    );
    assert!(
        sidebar(&b).contains("href=\"../../index.html\"><span class=\"nav-title\">70 more</span>"),
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
    assert_eq!(nav.matches("class=\"nav-item nav-page").count(), 50);
    assert!(nav.contains("Page 000.079"), "the window reaches the end");
    assert!(!nav.contains("Page 000.029"), "and leaves the start out");
    assert!(
        nav.contains(
            "<a class=\"nav-link\" href=\"../index.html\"><span class=\"nav-title\">30 more</span>"
        ),
        "{nav}"
    );
    let short = site.read("s000/index.html");
    assert_eq!(
        sidebar(&short).matches("class=\"nav-item nav-page").count(),
        50,
        "the section page itself, off the list, shows the first 50"
    );
    assert!(short.contains("Page 000.079"), "its own list shows all");
}

//! Shortcodes through the real binary: the built-in ones, a site's own and
//! overridden ones, and every kind of mistake as an error at
//! `file:line:column` with a hint.

use crate::support::TestSite;

/// A site whose page `content/a.md` has `body`.
fn site_with(body: &str) -> TestSite {
    TestSite::new().file(
        "content/a.md",
        format!("+++\ntitle = \"A\"\nrole = \"employee\"\nphase = \"before\"\n+++\n{body}"),
    )
}

/// Builds, expects failure and nothing written; stderr with the root as `[ROOT]`.
#[track_caller]
fn fails(site: &TestSite) -> String {
    let stderr = site.build().failure();
    assert!(!site.public().exists(), "a failed build must write nothing");
    stderr.replace(&site.root().display().to_string(), "[ROOT]")
}

/// Builds and returns the page's content (from `<div class="prose">` to `</main>`).
#[track_caller]
fn prose(site: &TestSite) -> String {
    site.build().success();
    let html = site.read("a/index.html");
    let start = html.find("<div class=\"prose\">").expect("prose");
    let end = html[start..].find("</main>").expect("end of main") + start;
    html[start..end].to_owned()
}

#[test]
fn a_console_link_is_written_in_place_with_its_arguments_escaped() {
    let site = site_with(
        "Open {{< console url=\"https://console.cloud.tencent.com/cam?a=1&b=2\" label=\"IAM <b>\\\"x\\\" *not bold*\" >}} now.\n",
    );
    let html = prose(&site);
    assert!(
        html.contains("<p>Open <a class=\"console-link\" href=\"https://console.cloud.tencent.com/cam?a=1&amp;b=2\" rel=\"noopener\">IAM &lt;b&gt;\"x\" *not bold*<span class=\"visually-hidden\">"),
        "{html}"
    );
    assert!(!html.contains("<b>"), "{html}");
    assert!(!html.contains("<em>"), "{html}");
}

#[test]
fn an_admonition_holds_markdown_and_steps_stay_steps() {
    let site = site_with(
        "- [ ] Open {{< console url=\"https://console.cloud.tencent.com\" label=\"the console\" >}} and sign in {#sign-in}\n\
         \n  {{< admonition kind=\"warning\" title=\"Back up first\" >}}\n  Keep **a copy**.\n\n  - one\n  {{< /admonition >}}\n\
         - [ ] Then this {#then}\n\n\
         > {{< admonition >}}\n> Quoted [link](https://example.com).\n> {{< /admonition >}}\n\n\
         `{{< not expanded >}}` and \\{{< neither >}}\n\n```\n{{< console >}}\n```\n",
    );
    let html = prose(&site);
    assert!(html.contains("id=\"sign-in\""), "{html}");
    assert!(html.contains("id=\"then\""), "{html}");
    assert!(
        html.contains("for=\"step-sign-in\">Open <a class=\"console-link\" href=\"https://console.cloud.tencent.com\" rel=\"noopener\">the console"),
        "{html}"
    );
    assert!(
        html.contains("<aside class=\"admonition warning\" role=\"note\"> <p class=\"admonition-title\">Back up first</p>\n<p>Keep <strong>a copy</strong>.</p>\n<ul>\n<li>one</li>\n</ul>\n<!----></aside>\n</li>"),
        "the admonition is inside the first step: {html}"
    );
    assert!(
        html.contains(
            "<p class=\"admonition-title\">Note</p>\n<p>Quoted <a href=\"https://example.com\""
        ),
        "{html}"
    );
    assert!(
        html.contains("<code>{{&lt; not expanded &gt;}}</code> and {{&lt; neither &gt;}}"),
        "{html}"
    );
    assert!(
        html.contains("<code>{{&lt; console &gt;}}\n</code>"),
        "{html}"
    );
    let checklist = site.read("checklist/index.html");
    assert!(
        checklist.contains("sign-in") && checklist.contains("then"),
        "{checklist}"
    );
}

#[test]
fn a_site_adds_and_overrides_shortcodes() {
    let site = site_with(
        "{{< badge text=\"beta\" >}} and {{< console url=\"https://x.example\" label=\"Go\" >}}\n",
    )
    .file(
        "themes/default/templates/shortcodes/badge.html",
        "<span class=\"badge\">{{ text | upper }}</span>\n",
    )
    .file(
        "themes/default/templates/shortcodes/console.html",
        "<a class=\"my-console\" href=\"{{ url }}\">{{ label }} →</a>",
    );
    let html = prose(&site);
    assert!(
        html.contains("<p><span class=\"badge\">BETA</span> and <a class=\"my-console\" href=\"https://x.example\">Go →</a></p>"),
        "{html}"
    );
}

#[test]
fn a_shortcode_in_an_included_file_is_expanded_and_its_errors_point_there() {
    let site = site_with("Intro.\n\n{{#include ../snippets/login.md}}\n").file(
        "snippets/login.md",
        "Sign in at {{< console url=\"https://console.cloud.tencent.com\" label=\"the console\" >}}.\n",
    );
    assert!(prose(&site).contains("class=\"console-link\""));
    let site = site_with("Intro.\n\n{{#include ../snippets/login.md}}\n").file(
        "snippets/login.md",
        "First line.\nSign in at {{< consol url=\"https://x.example\" >}}.\n",
    );
    let stderr = fails(&site);
    assert!(stderr.contains("snippets/login.md:2:12"), "{stderr}");
}

#[test]
fn an_unknown_shortcode() {
    insta::assert_snapshot!(fails(&site_with(
        "Text\n\nSee {{< consol url=\"https://x.example\" label=\"x\" >}}.\n"
    )));
}

#[test]
fn an_argument_the_shortcode_does_not_take() {
    insta::assert_snapshot!(fails(&site_with(
        "{{< console url=\"https://x.example\" lable=\"x\" >}}\n"
    )));
}

#[test]
fn a_missing_argument() {
    insta::assert_snapshot!(fails(&site_with(
        "{{< console url=\"https://x.example\" >}}\n"
    )));
}

#[test]
fn an_argument_without_quotes() {
    insta::assert_snapshot!(fails(&site_with(
        "{{< console url=https://x.example label=\"x\" >}}\n"
    )));
}

#[test]
fn a_url_that_is_not_http() {
    insta::assert_snapshot!(fails(&site_with(
        "{{< console url=\"javascript:alert(1)\" label=\"x\" >}}\n"
    )));
    for url in [
        "/relative",
        "//x.example",
        "https://",
        "data:text/html,x",
        "ftp://x",
    ] {
        let stderr = fails(&site_with(&format!(
            "{{{{< console url=\"{url}\" label=\"x\" >}}}}\n"
        )));
        assert!(stderr.contains("must be an http(s) URL"), "{url}: {stderr}");
    }
}

#[test]
fn an_admonition_of_an_unknown_kind() {
    let stderr = fails(&site_with(
        "{{< admonition kind=\"danger\" >}}\nBody\n{{< /admonition >}}\n",
    ));
    assert!(stderr.contains("content/a.md:6:1"), "{stderr}");
    assert!(
        stderr.contains("`kind` is `danger`; it must be note, tip, important, warning or caution"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 error;"),
        "the closing tag is no second error: {stderr}"
    );
}

#[test]
fn a_tag_without_its_end() {
    insta::assert_snapshot!(fails(&site_with(
        "Line\n{{< console url=\"https://x.example\" label=\"x\"\n>}}\n"
    )));
}

#[test]
fn an_unclosed_body() {
    insta::assert_snapshot!(fails(&site_with(
        "{{< admonition title=\"T\" >}}\nBody\n\nMore\n"
    )));
}

#[test]
fn a_closing_tag_that_closes_nothing_or_the_wrong_one() {
    let stderr = fails(&site_with("Text\n{{< /admonition >}}\n"));
    assert!(stderr.contains("content/a.md:7:1"), "{stderr}");
    assert!(stderr.contains("closes nothing"), "{stderr}");
    let stderr = fails(&site_with("{{< admonition >}}\nBody\n{{< /console >}}\n"));
    assert!(stderr.contains("content/a.md:8:1"), "{stderr}");
    assert!(stderr.contains("`admonition` (line 6) is open"), "{stderr}");
}

#[test]
fn a_body_tag_inside_a_line() {
    insta::assert_snapshot!(fails(&site_with(
        "Text {{< admonition >}}\nBody\n{{< /admonition >}}\n"
    )));
}

#[test]
fn a_template_error_names_the_template() {
    let site = site_with("{{< broken >}}\n").file(
        "themes/default/templates/shortcodes/broken.html",
        "<p>{{ nothing.here }}</p>\n",
    );
    let stderr = fails(&site);
    assert!(stderr.contains("content/a.md:6:1"), "{stderr}");
    assert!(stderr.contains("shortcode `broken`"), "{stderr}");
    assert!(
        stderr.contains("themes/default/templates/shortcodes/broken.html:1:"),
        "{stderr}"
    );
}

//! Bad input: every case gets a message naming the file (and line and
//! column where there is one) with a hint, exits non-zero, never panics, and
//! writes nothing.

use crate::support::{SITE_TOML, TestSite};

/// Builds, expects failure, checks that nothing was written, and returns
/// stderr with the temporary path replaced by `[ROOT]`.
#[track_caller]
fn fails(site: &TestSite) -> String {
    let stderr = site.build().failure();
    assert!(!site.public().exists(), "a failed build must write nothing");
    stderr.replace(&site.root().display().to_string(), "[ROOT]")
}

fn page(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}")
}

#[test]
fn missing_site_toml_suggests_init() {
    let site = TestSite::empty().file("content/_index.md", page("title = \"x\"", ""));
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn site_toml_that_does_not_parse() {
    let site = TestSite::new().file("site.toml", "title = \"T\"\n[[roles]\nid = \"x\"\n");
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn unknown_key_in_site_toml() {
    let site = TestSite::new().file("site.toml", "title = \"T\"\nlangauge = \"en\"\n");
    let stderr = fails(&site);
    assert!(stderr.contains("site.toml:2:1"), "{stderr}");
    assert!(stderr.contains("`langauge`"), "{stderr}");
}

#[test]
fn toml_front_matter_that_does_not_parse() {
    let site = TestSite::new().file("content/a.md", "+++\ntitle = \"A\nweight = 1\n+++\n");
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn yaml_front_matter_that_does_not_parse() {
    let site = TestSite::new().file("content/a.md", "---\ntitle: A\nsteps: [unclosed\n---\n");
    let stderr = fails(&site);
    assert!(stderr.contains("content/a.md:"), "{stderr}");
    assert!(stderr.contains("invalid front matter"), "{stderr}");
}

#[test]
fn unclosed_front_matter() {
    let site = TestSite::new().file("content/a.md", "+++\ntitle = \"A\"\n\nBody\n");
    let stderr = fails(&site);
    assert!(
        stderr.contains("did you forget the closing `+++`"),
        "{stderr}"
    );
}

#[test]
fn missing_title() {
    let site = TestSite::new().file("content/a.md", page("weight = 3", ""));
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn unknown_front_matter_field() {
    let site = TestSite::new().file("content/a.md", page("title = \"A\"\nwieght = 3", ""));
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn invalid_utf8() {
    let site = TestSite::new().file(
        "content/a.md",
        b"+++\ntitle = \"A\"\n+++\nok\nbad \xff here\n".as_slice(),
    );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:5:5: the file is not valid UTF-8"),
        "{stderr}"
    );
}

#[test]
fn broken_link() {
    let site = TestSite::new().file(
        "content/a.md",
        page("title = \"A\"", "\nSee [the other page](missing.md).\n"),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn broken_anchor() {
    let site = TestSite::new()
        .file(
            "content/a.md",
            page(
                "title = \"A\"",
                "\n## Real heading {#real}\n\nSee [b](b.md#nowhere) and [here](#nope).\n",
            ),
        )
        .file("content/b.md", page("title = \"B\"", "\n## Only {#only}\n"));
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn missing_local_image() {
    let site = TestSite::new().file(
        "content/a.md",
        page("title = \"A\"", "\n![Console screenshot](shot.png)\n"),
    );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:5:1: broken image: `shot.png`"),
        "{stderr}"
    );
}

#[test]
fn unknown_step_id_in_front_matter() {
    let site = TestSite::new().file(
        "content/a.md",
        page(
            "title = \"A\"\n[steps.unbind-phnoe]\nestimate = \"5m\"",
            "\n- [ ] Unbind phone {#unbind-phone}\n",
        ),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn unknown_role_and_phase() {
    let site = TestSite::new().file(
        "content/a.md",
        page(
            "title = \"A\"\nrole = \"employe\"\n[steps.x]\nphase = \"durring\"",
            "\n- [ ] Do it {#x}\n",
        ),
    );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:3:1: unknown role `employe`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/a.md:5:1: unknown phase `durring`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("declared roles: employee, admin"),
        "{stderr}"
    );
}

#[test]
fn requirement_that_leads_nowhere() {
    let site = TestSite::new()
        .file(
            "content/a.md",
            page(
                "title = \"A\"\n[steps.x]\nrequires = [\"y\", \"b.md#gone\", \"c.md#z\"]",
                "\n- [ ] X {#x}\n",
            ),
        )
        .file(
            "content/b.md",
            page("title = \"B\"", "\n- [ ] Here {#here}\n"),
        );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn requirement_cycle() {
    let site = TestSite::new()
        .file(
            "content/a.md",
            page(
                "title = \"A\"\n[steps.x]\nrequires = [\"b.md#y\"]",
                "\n- [ ] X {#x}\n",
            ),
        )
        .file(
            "content/b.md",
            page(
                "title = \"B\"\n[steps.y]\nrequires = [\"a.md#x\"]",
                "\n- [ ] Y {#y}\n",
            ),
        );
    let stderr = fails(&site);
    assert!(
        stderr.contains("steps require each other in a circle: a#x → b#y → a#x"),
        "{stderr}"
    );
}

#[test]
fn duplicate_explicit_step_ids() {
    let site = TestSite::new().file(
        "content/a.md",
        page("title = \"A\"", "\n- [ ] One {#same}\n- [ ] Two {#same}\n"),
    );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:6:11: duplicate id `same`"),
        "{stderr}"
    );
}

#[test]
fn bad_estimate_and_link() {
    let site = TestSite::new().file(
        "content/a.md",
        page(
            "title = \"A\"\n[steps.x]\nestimate = \"soon\"\nlink = \"console\"",
            "\n- [ ] X {#x}\n",
        ),
    );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:4:1: cannot read the estimate `soon`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/a.md:5:1: the step link `console` is not a web address"),
        "{stderr}"
    );
}

#[test]
fn template_syntax_error() {
    let site = TestSite::new().file(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock %}\n",
    );
    let stderr = fails(&site);
    assert!(
        stderr.contains("themes/default/templates/page.html:4:1: template syntax error"),
        "{stderr}"
    );
    assert!(stderr.contains("template syntax error"), "{stderr}");
}

#[test]
fn template_render_error_names_the_template() {
    let site = TestSite::new().file(
        "themes/default/templates/index.html",
        "<p>{{ page.no_such_field }}</p>\n",
    );
    let stderr = fails(&site);
    assert!(
        stderr.contains("themes/default/templates/index.html:1:"),
        "{stderr}"
    );
}

#[test]
fn unknown_template() {
    let site = TestSite::new().file(
        "content/a.md",
        page("title = \"A\"\ntemplate = \"fancy.html\"", ""),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn unknown_theme() {
    let site = TestSite::new().file("site.toml", format!("theme = \"nope\"\n{SITE_TOML}"));
    let stderr = fails(&site);
    assert!(
        stderr.contains("site.toml: unknown theme `nope`"),
        "{stderr}"
    );
}

#[test]
fn dangerous_output_folders_are_refused() {
    let site = TestSite::new();
    for output in [".", "..", "content", "/"] {
        let target = if output == "/" {
            "/".to_owned()
        } else {
            site.root().join(output).display().to_string()
        };
        let stderr = site
            .run(&["build", "--quiet", "--output", &target])
            .failure();
        assert!(
            stderr.contains("refusing to write the site here"),
            "{output}: {stderr}"
        );
    }
    assert!(
        site.root().join("content/_index.md").exists(),
        "the site is untouched"
    );
}

#[test]
fn empty_content_folder() {
    let site = TestSite::empty()
        .file("site.toml", SITE_TOML)
        .file("content/.keep", "");
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn every_content_error_of_a_run_is_reported() {
    let site = TestSite::new()
        .file("content/a.md", page("title = \"A\"", "\n[x](gone.md)\n"))
        .file("content/b.md", page("title = \"B\"\ncolour = 1", ""))
        .file("content/c.md", page("title = \"C\"", "\n[y](#nope)\n"));
    let stderr = fails(&site);
    assert!(stderr.contains("content/b.md"), "{stderr}");
    // Front matter errors stop the run before links are checked; the other
    // two pages' link errors are reported together once b.md is fixed.
    let site = site.file("content/b.md", page("title = \"B\"", ""));
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md") && stderr.contains("content/c.md"),
        "{stderr}"
    );
    assert!(stderr.contains("2 errors; nothing was written"), "{stderr}");
}

#[test]
fn a_failed_build_keeps_the_previous_output() {
    let site = TestSite::new();
    site.build().success();
    let before = crate::support::snapshot_tree(&site.public());
    let site = site.file("content/a.md", page("title = \"A\"", "\n[x](gone.md)\n"));
    site.build().failure();
    assert_eq!(crate::support::snapshot_tree(&site.public()), before);
}

#[test]
fn check_reports_errors_without_writing() {
    let site = TestSite::new().file("content/a.md", page("title = \"A\"", "\n[x](gone.md)\n"));
    let stderr = site.run(&["check"]).failure();
    assert!(stderr.contains("content/a.md:5:1: broken link"), "{stderr}");
    assert!(!site.public().exists());
}

#[test]
fn pages_in_the_folders_the_generator_uses() {
    for (file, url, folder) in [
        ("content/checklist/_index.md", "checklist/", "checklist/"),
        (
            "content/checklist/extra.md",
            "checklist/extra/",
            "checklist/",
        ),
        ("content/assets/logo.md", "assets/logo/", "assets/"),
        ("content/search/_index.md", "search/", "search/"),
    ] {
        let site = TestSite::new().file(file, page("title = \"X\"", "Text.\n"));
        let stderr = fails(&site);
        assert!(stderr.contains(file), "{file}: {stderr}");
        assert!(
            stderr.contains(&format!("`{url}index.html`")),
            "{file}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("the generator writes `{folder}` itself")),
            "{file}: {stderr}"
        );
        assert!(
            stderr.contains("another `slug` or file name"),
            "{file}: {stderr}"
        );
    }
}

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

// Procedures that branch (issue 12): questions in `site.toml`; `when`,
// `choice`, `optional` and `irreversible` in front matter.

/// Two questions, as the bundled guide asks them (in English).
const QUESTIONS: &str = "[[questions]]\nid = \"account\"\nlabel = \"The account is\"\nanswers = [{ id = \"main\", label = \"a main account\" }, { id = \"sub\", label = \"a sub-account\" }]\n[[questions]]\nid = \"verified\"\nlabel = \"Verified\"\nanswers = [{ id = \"yes\", label = \"verified\" }, { id = \"no\", label = \"not verified\" }]\n";

/// The test site with [`QUESTIONS`] declared.
fn asking() -> TestSite {
    TestSite::new().file("site.toml", format!("{SITE_TOML}{QUESTIONS}"))
}

#[test]
fn unknown_question_in_a_step_condition() {
    let site = asking().file(
        "content/a.md",
        page(
            "title = \"A\"\n[steps.x]\nwhen = { acount = \"sub\" }",
            "\n- [ ] X {#x}\n",
        ),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn unknown_question_in_a_page_condition() {
    let site = asking().file(
        "content/a.md",
        page(
            "title = \"A\"\nwhen = { account = \"sub\", verifed = \"yes\" }",
            "\n- [ ] X {#x}\n",
        ),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn unknown_question_in_a_section_condition() {
    let site = asking()
        .file(
            "content/cancel/_index.md",
            page("title = \"Cancel\"\nwhen = { type = \"sub\" }", ""),
        )
        .file(
            "content/cancel/a.md",
            page("title = \"A\"", "\n- [ ] X {#x}\n"),
        );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_site_without_questions_has_no_conditions() {
    let site = TestSite::new().file(
        "content/a.md",
        page("title = \"A\"\nwhen = { account = \"sub\" }", ""),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn unknown_answers_are_each_reported_at_their_place() {
    // `su` is shown where it is written, not inside `sub` before it.
    let site = asking().file(
        "content/a.md",
        page(
            "title = \"A\"\n[steps.x]\nwhen = { account = [\"sub\", \"su\"], verified = \"maybe\" }",
            "\n- [ ] X {#x}\n",
        ),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_condition_without_answers() {
    let site = asking().file(
        "content/a.md",
        page(
            "title = \"A\"\n[steps.x]\nwhen = { account = [] }",
            "\n- [ ] X {#x}\n",
        ),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_condition_that_is_not_a_table() {
    let site = asking()
        .file(
            "content/a.md",
            page("title = \"A\"\nwhen = \"sub\"", "\n- [ ] X {#x}\n"),
        )
        .file(
            "content/b.md",
            page(
                "title = \"B\"\n[steps.y]\nwhen = { account = 1 }",
                "\n- [ ] Y {#y}\n",
            ),
        );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_step_condition_that_contradicts_its_page() {
    let site = asking().file(
        "content/a.md",
        page(
            "title = \"A\"\nwhen = { account = \"sub\" }\n[steps.x]\nwhen = { account = \"main\", verified = \"yes\" }\n[steps.y]\nwhen = { account = [\"main\", \"sub\"] }",
            "\n- [ ] X {#x}\n- [ ] Y {#y}\n",
        ),
    );
    // `y` allows `sub` too, so only `x` can never hold.
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_page_condition_that_contradicts_its_section() {
    let site = asking()
        .file(
            "content/cancel/_index.md",
            page("title = \"Cancel\"\nwhen = { account = \"sub\" }", ""),
        )
        .file(
            "content/cancel/a.md",
            page(
                "title = \"A\"\nwhen = { account = \"main\" }",
                "\n- [ ] X {#x}\n",
            ),
        );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn nested_section_conditions_stack() {
    // The outer section asks `sub`, the inner one `verified = yes`: a page
    // asking `main` contradicts the outer one through the inner one, and
    // an inner section asking `main` contradicts it directly (once: the
    // pages in it are checked against the outer section alone).
    let site = asking()
        .file(
            "content/cancel/_index.md",
            page("title = \"Cancel\"\nwhen = { account = \"sub\" }", ""),
        )
        .file(
            "content/cancel/verified/_index.md",
            page("title = \"Verified\"\nwhen = { verified = \"yes\" }", ""),
        )
        .file(
            "content/cancel/verified/a.md",
            page(
                "title = \"A\"\nwhen = { account = \"main\" }",
                "\n- [ ] X {#x}\n",
            ),
        )
        .file(
            "content/cancel/main/_index.md",
            page("title = \"Main\"\nwhen = { account = \"main\" }", ""),
        )
        .file(
            "content/cancel/main/b.md",
            page(
                "title = \"B\"\nwhen = { verified = \"no\" }",
                "\n- [ ] Y {#y}\n",
            ),
        );
    let stderr = fails(&site);
    assert!(
        stderr.contains(
            "content/cancel/verified/a.md:3:1: the condition of this page can never hold"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("its sections apply only where `account=sub&verified=yes`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "content/cancel/main/_index.md:3:1: the condition of this section can never hold"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("2 errors; nothing was written"), "{stderr}");
}

#[test]
fn a_requirement_that_may_not_apply() {
    let site = asking()
        .file(
            "content/a.md",
            page(
                "title = \"A\"\n[steps.x]\nwhen = { account = \"sub\" }\n[steps.y]\nrequires = [\"x\"]",
                "\n- [ ] X {#x}\n- [ ] Y {#y}\n",
            ),
        )
        .file(
            "content/b.md",
            page(
                "title = \"B\"\nwhen = { verified = \"yes\" }\n[steps.z]\nrequires = [\"a.md#x\"]",
                "\n- [ ] Z {#z}\n",
            ),
        );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_requirement_within_the_required_step_s_condition_builds() {
    let site = asking()
        .file(
            "content/a.md",
            page(
                "title = \"A\"\n[steps.x]\nwhen = { account = \"sub\" }",
                "\n- [ ] X {#x}\n",
            ),
        )
        .file(
            "content/b.md",
            page(
                "title = \"B\"\nwhen = { account = \"sub\" }\n[steps.z]\nrequires = [\"a.md#x\"]\nwhen = { verified = \"yes\" }",
                "\n- [ ] Z {#z}\n",
            ),
        );
    site.build().success();
}

#[test]
fn a_requirement_of_a_choice_needs_one_member_that_applies() {
    // `y` requires `main-way`, whose choice covers both answers together:
    // fine. `z` requires `sub-way`, whose choice covers `sub` only.
    let choices = "title = \"A\"\n[steps.main-way]\nchoice = \"way\"\nwhen = { account = \"main\" }\n[steps.sub-way]\nchoice = \"way\"\nwhen = { account = \"sub\" }\n[steps.y]\nrequires = [\"main-way\"]";
    let site = asking().file(
        "content/a.md",
        page(
            choices,
            "\n- [ ] Main way {#main-way}\n- [ ] Sub way {#sub-way}\n- [ ] Y {#y}\n",
        ),
    );
    site.build().success();
    let site = asking().file(
        "content/b.md",
        page(
            "title = \"B\"\n[steps.one]\nchoice = \"pick\"\nwhen = { verified = \"yes\" }\n[steps.two]\nchoice = \"pick\"\nwhen = { verified = \"yes\", account = \"sub\" }\n[steps.z]\nrequires = [\"two\"]",
            "\n- [ ] One {#one}\n- [ ] Two {#two}\n- [ ] Z {#z}\n",
        ),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_choice_of_one_step() {
    let site = asking().file(
        "content/a.md",
        page(
            "title = \"A\"\n[steps.x]\nchoice = \"way\"\n[steps.y]\nchoice = \"wey\"",
            "\n- [ ] X {#x}\n- [ ] Y {#y}\n",
        ),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_choice_is_scoped_to_its_page() {
    // One member on each of two pages is two choices of one step each.
    let site = asking()
        .file(
            "content/a.md",
            page(
                "title = \"A\"\n[steps.x]\nchoice = \"way\"",
                "\n- [ ] X {#x}\n",
            ),
        )
        .file(
            "content/b.md",
            page(
                "title = \"B\"\n[steps.y]\nchoice = \"way\"",
                "\n- [ ] Y {#y}\n",
            ),
        );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:4:1: the choice `way` has only one step, `x`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/b.md:4:1: the choice `way` has only one step, `y`"),
        "{stderr}"
    );
}

#[test]
fn choice_ids_that_are_no_ids() {
    let site = asking().file(
        "content/a.md",
        page(
            "title = \"A\"\n[steps.x]\nchoice = \"by phone\"\n[steps.y]\nchoice = \"by phone\"\n[steps.z]\nchoice = 3",
            "\n- [ ] X {#x}\n- [ ] Y {#y}\n- [ ] Z {#z}\n",
        ),
    );
    // The type error stops the page before the ids are checked.
    insta::assert_snapshot!("choice_that_is_not_text", fails(&site));
    let site = site.file(
        "content/a.md",
        page(
            "title = \"A\"\n[steps.x]\nchoice = \"by phone\"\n[steps.y]\nchoice = \"by phone\"",
            "\n- [ ] X {#x}\n- [ ] Y {#y}\n",
        ),
    );
    insta::assert_snapshot!("choice_id_with_a_space", fails(&site));
}

#[test]
fn an_optional_step_of_a_choice() {
    let site = asking().file(
        "content/a.md",
        page(
            "title = \"A\"\n[steps.x]\nchoice = \"way\"\noptional = true\n[steps.y]\nchoice = \"way\"",
            "\n- [ ] X {#x}\n- [ ] Y {#y}\n",
        ),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn optional_and_irreversible_that_are_not_true_or_false() {
    let site = asking()
        .file(
            "content/a.md",
            page(
                "title = \"A\"\n[steps.x]\noptional = \"yes\"",
                "\n- [ ] X {#x}\n",
            ),
        )
        .file(
            "content/b.md",
            "---\ntitle: B\nsteps:\n  y:\n    irreversible: 1\n---\n\n- [ ] Y {#y}\n",
        );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn yaml_conditions_and_choices_are_checked_like_toml() {
    // The step id `x` also appears in the title: errors still point at the
    // step's own metadata. The page's `when` comes after the steps.
    let site = asking().file(
        "content/a.md",
        "---\ntitle: Fix it\nsteps:\n  x:\n    when:\n      acount: sub\n    choice: way\n  y:\n    when: { account: [sub, subb] }\nwhen:\n  verified: maybe\n---\n\n- [ ] X {#x}\n- [ ] Y {#y}\n",
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn yaml_condition_that_is_not_a_table_or_has_no_answers() {
    let site = asking()
        .file(
            "content/a.md",
            "---\ntitle: A\nwhen: sub\n---\n\n- [ ] X {#x}\n",
        )
        .file(
            "content/b.md",
            "---\ntitle: B\nsteps:\n  y:\n    when:\n      account: []\n---\n\n- [ ] Y {#y}\n",
        );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn errors_point_at_the_step_s_own_metadata() {
    // `x` is named in the title and in `y`'s `requires` before its table.
    let site = asking().file(
        "content/a.md",
        page(
            "title = \"Fix x\"\nwhen = { account = \"sub\" }\n[steps.y]\nrequires = [\"x\"]\n[steps.x]\nestimate = \"soon\"\nwhen = { account = \"main\" }",
            "\n- [ ] X {#x}\n- [ ] Y {#y}\n",
        ),
    );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:7:1: cannot read the estimate `soon`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/a.md:8:1: the condition of step `x` can never hold"),
        "{stderr}"
    );
    // The contradiction is reported once: `x` counts as applying where its
    // page does, so `y`'s requirement of it is no further error.
    assert!(stderr.contains("2 errors; nothing was written"), "{stderr}");
}

#[test]
fn bad_questions_in_site_toml() {
    let answers = "answers = [{ id = \"a\", label = \"A\" }, { id = \"b\", label = \"B\" }]\n";
    let many: Vec<String> = (0..65)
        .map(|n| format!("{{ id = \"a{n}\", label = \"A{n}\" }}"))
        .collect();
    let cases = [
        (
            "question_declared_twice",
            format!("[[questions]]\nid = \"account\"\nlabel = \"Again\"\n{answers}"),
        ),
        (
            "question_named_role",
            format!("[[questions]]\nid = \"role\"\nlabel = \"Role\"\n{answers}"),
        ),
        (
            "question_id_with_a_space",
            format!("[[questions]]\nid = \"sign in\"\nlabel = \"Sign-in\"\n{answers}"),
        ),
        (
            "question_with_one_answer",
            "[[questions]]\nid = \"one\"\nlabel = \"One\"\nanswers = [{ id = \"a\", label = \"A\" }]\n".to_owned(),
        ),
        (
            "question_with_65_answers",
            format!(
                "[[questions]]\nid = \"many\"\nlabel = \"Many\"\nanswers = [{}]\n",
                many.join(", ")
            ),
        ),
        (
            "question_with_an_answer_twice",
            "[[questions]]\nid = \"twice\"\nlabel = \"Twice\"\nanswers = [{ id = \"a\", label = \"A\" }, { id = \"a\", label = \"B\" }]\n".to_owned(),
        ),
        (
            "question_without_label",
            format!("[[questions]]\nid = \"unlabelled\"\n{answers}"),
        ),
        (
            "question_with_an_empty_label",
            format!("[[questions]]\nid = \"blank\"\nlabel = \" \"\n{answers}"),
        ),
        (
            "answer_without_label",
            "[[questions]]\nid = \"q\"\nlabel = \"Q\"\nanswers = [{ id = \"a\", label = \"A\" }, { id = \"b\" }]\n".to_owned(),
        ),
        (
            "answer_id_with_a_space",
            "[[questions]]\nid = \"q\"\nlabel = \"Q\"\nanswers = [{ id = \"a\", label = \"A\" }, { id = \"b c\", label = \"B\" }]\n".to_owned(),
        ),
    ];
    for (name, question) in cases {
        let site = TestSite::new().file("site.toml", format!("{SITE_TOML}{QUESTIONS}{question}"));
        insta::assert_snapshot!(name, fails(&site));
    }
}

#[test]
fn every_condition_error_of_a_run_is_reported_together() {
    let site = asking()
        .file(
            "content/cancel/_index.md",
            page("title = \"Cancel\"\nwhen = { account = \"sub\" }", ""),
        )
        .file(
            "content/cancel/a.md",
            page(
                "title = \"A\"\nwhen = { acount = \"sub\" }\n[steps.x]\nwhen = { account = \"main\" }\nchoice = \"way\"",
                "\n- [ ] X {#x}\n",
            ),
        )
        .file(
            "content/b.md",
            page(
                "title = \"B\"\n[steps.y]\nrequires = [\"cancel/a.md#x\"]\nwhen = { verified = \"maybe\" }\n[steps.z]\nrequires = [\"y\"]\noptional = true\nchoice = \"w\"\n[steps.w]\nchoice = \"w\"\nirreversible = true",
                "\n- [ ] Y {#y}\n- [ ] Z {#z}\n- [ ] W {#w}\n",
            ),
        );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_yaml_condition_naming_a_question_twice() {
    // TOML refuses a key twice by itself; YAML would keep the last.
    let site = asking().file(
        "content/a.md",
        "---\ntitle: A\nwhen: { account: sub, account: main }\n---\n\n- [ ] X {#x}\n",
    );
    insta::assert_snapshot!(fails(&site));
}

/// The test `site.toml` with a schedule (and `extra`, holidays and all).
fn scheduled(schedule: &str) -> TestSite {
    TestSite::new().file(
        "site.toml",
        format!("{SITE_TOML}{QUESTIONS}\n[schedule]\n{schedule}\n"),
    )
}

#[test]
fn schedule_errors_in_site_toml() {
    let cases = [
        (
            "a holiday that is not a date",
            "label = \"最后工作日\"\nholidays = [\"2026-10-01\", \"2026-02-30\"]",
        ),
        ("an empty label", "label = \"  \"\nholidays = []"),
        ("no label", "holidays = [\"2026-10-01\"]"),
        (
            "an unknown key",
            "label = \"最后工作日\"\nholiday = [\"2026-10-01\"]",
        ),
    ];
    let mut shown = String::new();
    for (what, schedule) in cases {
        let stderr = fails(&scheduled(schedule));
        assert!(stderr.contains("site.toml:"), "{what}: {stderr}");
        shown.extend(["## ", what, "\n", &stderr, "\n"]);
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn due_offsets_that_do_not_read_are_reported_together() {
    let site = scheduled("label = \"最后工作日\"")
        .file(
            "content/a.md",
            page(
                "title = \"A\"\ndue = \"--1d\"\n[steps.x]\ndue = \"-3x\"\n[steps.y]\ndue = \"3.5wd\"",
                "\n- [ ] X {#x}\n- [ ] Y {#y}\n- [ ] Z {#z}\n",
            ),
        )
        .file(
            "content/s/_index.md",
            page("title = \"S\"\ndue = \"-3\"", "\nSection.\n"),
        );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:3:1: the due offset `--1d` has more than one sign"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/a.md:5:1: the due offset `-3x` has an unknown unit"),
        "{stderr}"
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn due_without_a_schedule() {
    let site = TestSite::new().file(
        "content/a.md",
        page(
            "title = \"A\"\ndue = \"0wd\"\n[steps.x]\ndue = \"-3wd\"",
            "\n- [ ] X {#x}\n",
        ),
    );
    let stderr = fails(&site);
    assert!(stderr.contains("content/a.md:3:1:"), "{stderr}");
    assert!(stderr.contains("content/a.md:5:1:"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_step_due_before_its_requirement() {
    let site = scheduled("label = \"最后工作日\"\nholidays = [\"2026-10-01\"]")
        .file(
            "content/a.md",
            page(
                "title = \"A\"\n[steps.early]\ndue = \"-1wd\"\n[steps.late]\ndue = \"-3wd\"\nrequires = [\"early\"]\n\
                 [steps.by-day]\ndue = \"-1wd\"\nrequires = [\"b.md#calendar\"]\n\
                 [steps.fine]\ndue = \"0d\"\nrequires = [\"early\", \"b.md#calendar\"]",
                "\n- [ ] Early {#early}\n- [ ] Late {#late}\n- [ ] By day {#by-day}\n- [ ] Fine {#fine}\n",
            ),
        )
        // A page's due is its steps'; a choice is met by any of its steps,
        // so each of them with a due must be due in time.
        .file(
            "content/b.md",
            page(
                "title = \"B\"\ndue = \"-1d\"\n[steps.one]\nchoice = \"way\"\ndue = \"-5wd\"\n[steps.two]\nchoice = \"way\"\n\
                 [steps.after]\ndue = \"-2wd\"\nrequires = [\"one\"]\n\
                 [steps.three]\nchoice = \"way\"\ndue = \"+5d\"\nwhen = { account = \"main\" }\n\
                 [steps.sub-only]\ndue = \"0d\"\nwhen = { account = \"sub\" }\nrequires = [\"one\"]",
                "\n- [ ] Calendar {#calendar}\n- [ ] One {#one}\n- [ ] Two {#two}\n- [ ] After {#after}\n- [ ] Three {#three}\n- [ ] Sub only {#sub-only}\n",
            ),
        );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:7:14: step `late` is due before its requirement `early`"),
        "{stderr}"
    );
    assert!(!stderr.contains("step `fine`"), "{stderr}");
    // `three` is the way for main accounts only: never a sub-account's.
    assert!(!stderr.contains("step `sub-only`"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_yaml_due_is_read_and_checked_as_a_toml_one() {
    let site = scheduled("label = \"L\"").file(
        "content/a.md",
        "---\ntitle: A\ndue: -1wd\nsteps:\n  x:\n    due: 3.5wd\n---\n\n- [ ] X {#x}\n- [ ] Y {#y}\n",
    );
    let stderr = fails(&site);
    assert!(
        stderr.contains("content/a.md:6:5: the due offset `3.5wd` is not a whole number"),
        "{stderr}"
    );
    let site = scheduled("label = \"L\"").file(
        "content/a.md",
        "---\ntitle: A\ndue: -1wd\n---\n\n- [ ] Y {#y}\n",
    );
    site.build().success();
    assert!(site.read("a/index.html").contains(" data-due=\"-1wd\""));
}

//! A second content language (`[languages.TAG]`, `page.TAG.md`): pairing of
//! translations with their originals, the fallback for untranslated pages,
//! output paths under `TAG/`, the warning for a step only one language has,
//! and every configuration and content error.

use crate::support::{TestSite, snapshot_tree};

/// Builds, expects failure, checks nothing was written, and returns stderr
/// with the temporary path replaced by `[ROOT]`.
#[track_caller]
fn fails(site: &TestSite) -> String {
    let stderr = site.build().failure();
    assert!(!site.public().exists(), "a failed build must write nothing");
    stderr.replace(&site.root().display().to_string(), "[ROOT]")
}

/// The bilingual fixture with `site.toml` extended by `extra`.
fn with_config(extra: &str) -> TestSite {
    let site = TestSite::fixture("languages");
    let config = std::fs::read_to_string(site.root().join("site.toml")).expect("site.toml");
    site.file("site.toml", format!("{config}{extra}"))
}

/// Every output path, sorted.
fn paths(site: &TestSite) -> Vec<String> {
    snapshot_tree(&site.public())
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| !path.starts_with('.'))
        .collect()
}

#[test]
fn the_second_language_goes_under_its_folder() {
    let site = TestSite::fixture("languages");
    site.build().success();
    insta::assert_debug_snapshot!(paths(&site));
}

#[test]
fn a_translation_takes_its_originals_place_and_step_ids() {
    let site = TestSite::fixture("languages");
    site.build().success();
    let zh = site.read("guide/unbind/index.html");
    let en = site.read("en/guide/unbind/index.html");
    assert!(en.contains("<html lang=\"en\">"), "{en}");
    assert!(en.contains("Unbind contact details"));
    assert!(
        !en.contains("untranslated-note"),
        "a translated page is not marked"
    );
    for key in [
        "data-key=\"guide/unbind#unbind-phone\"",
        "data-key=\"guide/unbind#unbind-email\"",
    ] {
        assert!(zh.contains(key), "zh lacks {key}");
        assert!(en.contains(key), "en lacks {key}");
    }
    assert!(en.contains("data-page-key=\"guide/unbind\""));
    // Labels of the language, and the default's where it gives none.
    assert!(en.contains("Leaving employee"), "role label in English");
    let en_guide = site.read("en/guide/index.html");
    assert!(en_guide.contains("管理员"), "an unlabelled role falls back");
    // The switcher: a link with hreflang and lang to the same page.
    assert!(zh.contains(
        "<a class=\"header-link language-link\" href=\"../../en/guide/unbind/index.html\" hreflang=\"en\" lang=\"en\" rel=\"alternate\">English</a>"
    ), "{zh}");
    assert!(en.contains(
        "href=\"../../../guide/unbind/index.html\" hreflang=\"zh-CN\" lang=\"zh-CN\" rel=\"alternate\">中文</a>"
    ));
    for page in [&zh, &en] {
        assert!(page.contains("<link rel=\"alternate\" hreflang=\"x-default\""));
        assert!(page.contains("<link rel=\"alternate\" hreflang=\"en\""));
        assert!(page.contains("<link rel=\"alternate\" hreflang=\"zh-CN\""));
    }
    // Shared theme files at the root, the language's own manifest.
    assert!(en.contains("href=\"../../../assets/style.css\""));
    assert!(en.contains("src=\"../../checklist/steps.js\""));
    assert!(en.contains("data-assets=\"../../../\""));
}

#[test]
fn progress_is_stored_under_one_key_in_every_language() {
    let site = TestSite::fixture("languages");
    site.build().success();
    let key = |path: &str| {
        let text = site.read(path);
        let at = text.find("\"site\":\"").expect("site key") + 8;
        text[at..at + 16].to_owned()
    };
    assert_eq!(key("checklist/steps.js"), key("en/checklist/steps.js"));
}

#[test]
fn an_untranslated_page_falls_back_and_says_so() {
    let site = TestSite::fixture("languages");
    site.build().success();
    let en = site.read("en/guide/cancel/index.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains(
        "<p class=\"untranslated-note\" role=\"note\">This page has not been translated yet"
    ));
    assert!(en.contains("<h1 class=\"page-title\" lang=\"zh-CN\">注销账号</h1>"));
    assert!(en.contains("<div class=\"prose\" lang=\"zh-CN\">"));
    assert!(en.contains("data-key=\"guide/cancel#cancel-request\""));
    assert!(en.contains("hreflang=\"zh-CN\" lang=\"zh-CN\" rel=\"alternate\">中文</a>"));
    // Its title is marked wherever other English pages show it.
    let unbind = site.read("en/guide/unbind/index.html");
    assert!(
        unbind.contains("data-key=\"guide/cancel\" lang=\"zh-CN\">注销账号</a>"),
        "sidebar: {unbind}"
    );
    assert!(unbind.contains("<span class=\"pager-title\" lang=\"zh-CN\">注销账号</span>"));
    let section = site.read("en/guide/index.html");
    assert!(section.contains("<span class=\"card-title\" lang=\"zh-CN\">注销账号</span>"));
    assert!(
        en.contains("<a href=\"../index.html\" lang=\"zh-CN\">操作指南</a>"),
        "breadcrumb"
    );
    assert!(
        site.read("en/checklist/index.html")
            .contains("lang=\"zh-CN\">注销账号</a>"),
        "overview"
    );
    assert!(
        !unbind.contains("data-key=\"guide/unbind\" lang="),
        "a translated page's title is not marked"
    );
    // Interface words in English, search index of its own.
    assert!(en.contains("Checklist"), "English interface words");
    let index = site.read("en/search/index.js");
    assert!(!index.is_empty());
    assert_ne!(index, site.read("search/index.js"));
}

#[test]
fn a_step_in_only_one_language_is_a_warning_at_its_line() {
    let site = TestSite::fixture("languages").file(
        "content/guide/unbind.en.md",
        "+++\ntitle = \"Unbind\"\nweight = 10\n+++\n\n- [ ] Unbind the phone {#unbind-phone}\n- [ ] Unbind the QQ account {#unbind-qq}\n",
    );
    let run = site.build().success();
    let stderr = run
        .stderr()
        .replace(&site.root().display().to_string(), "[ROOT]");
    insta::assert_snapshot!(stderr);
}

#[test]
fn the_sitemap_lists_both_languages() {
    let site = TestSite::fixture("languages");
    let config = std::fs::read_to_string(site.root().join("site.toml")).expect("site.toml");
    let site = site.file(
        "site.toml",
        format!("base_url = \"https://example.com/guide/\"\n{config}"),
    );
    site.build().success();
    assert!(!site.public().join("en/sitemap.xml").exists());
    insta::assert_snapshot!(site.read("sitemap.xml"));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let site = TestSite::fixture("languages");
    site.build().success();
    let first = snapshot_tree(&site.public());
    site.run(&["build", "--quiet"]).success();
    assert_eq!(first, snapshot_tree(&site.public()));
}

#[test]
fn a_language_key_that_is_not_a_tag() {
    insta::assert_snapshot!(fails(&with_config("[languages.english]\ntitle = \"E\"\n")));
}

#[test]
fn a_language_key_equal_to_the_default() {
    insta::assert_snapshot!(fails(&with_config("[languages.zh-CN]\ntitle = \"E\"\n")));
}

#[test]
fn a_label_for_an_unknown_role() {
    let site = TestSite::fixture("languages");
    let config = std::fs::read_to_string(site.root().join("site.toml")).expect("site.toml");
    let site = site.file(
        "site.toml",
        config.replace(
            "employee = \"Leaving employee\"",
            "employe = \"Leaving employee\"",
        ),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_label_for_an_unknown_phase() {
    let site = TestSite::fixture("languages");
    let config = std::fs::read_to_string(site.root().join("site.toml")).expect("site.toml");
    let site = site.file(
        "site.toml",
        config.replace("before = \"Before leaving\"", "during = \"While leaving\""),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_label_for_an_unknown_question_or_answer() {
    let site = TestSite::fixture("languages");
    let config = std::fs::read_to_string(site.root().join("site.toml")).expect("site.toml");
    let question = site.file(
        "site.toml",
        config.replace(
            "[languages.en.questions.account]",
            "[languages.en.questions.acount]",
        ),
    );
    insta::assert_snapshot!("unknown_question", fails(&question));
    let site = TestSite::fixture("languages");
    let answer = site.file(
        "site.toml",
        config.replace("sub = \"Sub-account\"", "subaccount = \"Sub-account\""),
    );
    insta::assert_snapshot!("unknown_answer", fails(&answer));
}

#[test]
fn a_file_suffix_that_is_no_declared_language() {
    let site = TestSite::fixture("languages").file(
        "content/guide/unbind.fr.md",
        "+++\ntitle = \"Délier\"\n+++\n",
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_file_suffix_of_the_default_language() {
    let site = TestSite::fixture("languages").file(
        "content/guide/cancel.zh-CN.md",
        "+++\ntitle = \"注销\"\n+++\n",
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_translation_without_an_original_is_an_error() {
    let site = TestSite::fixture("languages").file(
        "content/guide/extra.en.md",
        "+++\ntitle = \"Only in English\"\n+++\n",
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_default_page_inside_the_language_folder_is_an_error() {
    let site =
        TestSite::fixture("languages").file("content/en/_index.md", "+++\ntitle = \"英文\"\n+++\n");
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_site_without_languages_has_no_switcher() {
    let site = TestSite::fixture("basic");
    site.build().success();
    let page = site.read("guide/unbind/index.html");
    assert!(!page.contains("hreflang"), "{page}");
    assert!(!site.public().join("en").exists());
}

#[test]
fn a_broken_anchor_only_in_the_second_language_says_where() {
    let site = TestSite::fixture("languages");
    let cancel =
        std::fs::read_to_string(site.root().join("content/guide/cancel.md")).expect("read");
    let site = site.file(
        "content/guide/cancel.md",
        format!("{cancel}\n见 [离职前](unbind.md#离职前相关操作)。\n"),
    );
    insta::assert_snapshot!(fails(&site));
}

#[test]
fn a_draft_translation_leaves_the_original_standing_in() {
    let site = TestSite::fixture("languages");
    let english =
        std::fs::read_to_string(site.root().join("content/guide/unbind.en.md")).expect("read");
    let site = site.file(
        "content/guide/unbind.en.md",
        english.replacen("weight = 10", "weight = 10\ndraft = true", 1),
    );
    site.build().success();
    let en = site.read("en/guide/unbind/index.html");
    assert!(en.contains("untranslated-note"), "{en}");
    assert!(en.contains("解绑联系方式"));
    assert!(!en.contains("Unbind contact details"));
}

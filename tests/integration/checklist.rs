//! The reader-side checklist's inputs: the step manifest every page loads,
//! and the markup hooks its scripts work from.

use std::fmt::Write;

use crate::support::TestSite;

fn manifest(site: &TestSite) -> serde_json::Value {
    let text = site.read("checklist/steps.js");
    let json = text
        .split_once("window.offboardManifest = ")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .expect("the manifest assigns one global");
    serde_json::from_str(json).expect("the manifest is JSON")
}

#[test]
fn every_page_loads_the_manifest_and_the_scripts() {
    let site = TestSite::bundled();
    site.build().success();
    for (page, prefix) in [
        ("index.html", ""),
        ("before-leaving/unbind-contacts/index.html", "../../"),
        ("checklist/index.html", "../"),
    ] {
        let html = site.read(page);
        assert!(
            html.contains(&format!(
                "<script src=\"{prefix}checklist/steps.js\" defer></script>"
            )),
            "{page} loads the manifest"
        );
        assert!(
            html.contains(&format!(
                "<script src=\"{prefix}assets/checklist.js\" defer></script>"
            )),
            "{page} loads the checklist script"
        );
        assert!(!html.contains("<script>"), "{page} has no inline script");
        assert!(!html.contains(" onclick="), "{page} has no inline handler");
    }
}

#[test]
fn manifest_lists_every_step_with_its_metadata() {
    let site = TestSite::new().file(
        "content/a.md",
        "+++\ntitle = \"A\"\nrole = \"employee\"\nphase = \"before\"\n[steps.second]\nrole = \"admin\"\nrequires = [\"first\"]\n+++\n\n- [ ] First {#first}\n- [ ] Second {#second}\n",
    );
    site.build().success();
    let manifest = manifest(&site);
    assert_eq!(manifest["version"], 1);
    assert_eq!(manifest["site"].as_str().map(str::len), Some(16));
    assert_eq!(manifest["roles"][1]["label"], "Admin");
    assert_eq!(manifest["phases"][0]["id"], "before");
    let pages = manifest["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 1, "only pages with steps: {pages:?}");
    assert_eq!(pages[0]["url"], "a/index.html");
    let second = &pages[0]["steps"][1];
    assert_eq!(second["key"], "a#second");
    assert_eq!(second["text"], "Second");
    assert_eq!(second["role"], "admin");
    assert_eq!(second["phase"], "before");
    assert_eq!(second["requires"][0], "a#first");
    assert_eq!(manifest["words"]["blocked_status"], "Cannot start yet");
}

#[test]
fn manifest_words_follow_the_site_language() {
    let site = TestSite::bundled();
    site.build().success();
    let manifest = manifest(&site);
    assert_eq!(manifest["language"], "zh-CN");
    assert_eq!(manifest["words"]["blocked_status"], "尚不能开始");
}

/// The test site's `site.toml` with one question.
fn branching_toml() -> String {
    format!(
        "{}[[questions]]\nid = \"account\"\nlabel = \"Account\"\nanswers = [{{ id = \"main\", label = \"main account\" }}, {{ id = \"sub\", label = \"sub-account\" }}]\n",
        crate::support::SITE_TOML
    )
}

/// A page with two alternatives (one only for sub-accounts), an optional
/// step and an irreversible one.
const BRANCHING_PAGE: &str = "+++\ntitle = \"A\"\nphase = \"before\"\n[steps.face]\nchoice = \"identity\"\n[steps.photos]\nchoice = \"identity\"\nwhen = { account = \"sub\" }\n[steps.copy]\noptional = true\n[steps.cancel]\nirreversible = true\nrequires = [\"face\"]\n+++\n\n- [ ] Face check {#face}\n- [ ] Upload photos {#photos}\n- [ ] Keep a copy {#copy}\n- [ ] Cancel the account {#cancel}\n";

/// The opening tag of the step item whose progress key is `key`.
fn step_tag<'h>(html: &'h str, key: &str) -> &'h str {
    let at = html
        .find(&format!(" data-key=\"{key}\""))
        .unwrap_or_else(|| panic!("no step {key}"));
    let start = html[..at].rfind("<li ").expect("the item's start");
    let end = at + html[at..].find('>').expect("the tag's end");
    &html[start..=end]
}

/// The branching data attributes of a step's opening tag.
fn branch_attributes(tag: &str) -> Vec<&str> {
    tag.trim_end_matches('>')
        .split(' ')
        .filter(|token| {
            [
                "data-when",
                "data-choice",
                "data-optional",
                "data-irreversible",
                "data-hash",
            ]
            .iter()
            .any(|name| token.starts_with(name))
        })
        .collect()
}

/// The step items of an overview page, from the first list of steps to the
/// end of the last.
fn overview_steps(html: &str) -> &str {
    let start = html.find("<ul class=\"steps\">").expect("a list of steps");
    let end = html.rfind("</li>\n</ul>").expect("its end") + "</li>\n</ul>".len();
    &html[start..end]
}

#[test]
fn the_overview_marks_alternatives_optional_irreversible_and_conditions_as_guide_pages_do() {
    let site = TestSite::new()
        .file("site.toml", branching_toml())
        .file("content/a.md", BRANCHING_PAGE);
    site.build().success();
    let guide = site.read("a/index.html");
    let overview = site.read("checklist/index.html");
    for id in ["face", "photos", "copy", "cancel"] {
        let key = format!("a#{id}");
        let (ours, theirs) = (step_tag(&overview, &key), step_tag(&guide, &key));
        assert_eq!(
            branch_attributes(ours),
            branch_attributes(theirs),
            "{ours}\n{theirs}"
        );
        assert_eq!(
            ours.contains("step-alt"),
            theirs.contains("step-alt"),
            "{ours}"
        );
    }
    let photos = step_tag(&overview, "a#photos");
    assert!(
        photos.starts_with("<li class=\"step step-alt\""),
        "{photos}"
    );
    assert!(
        photos.contains(" data-when=\"account=sub\" data-choice=\"a#identity\" data-hash=\""),
        "{photos}"
    );
    let steps = overview_steps(&overview);
    for words in [
        "<span class=\"step-alt-intro\">Do one of these</span>",
        "<span class=\"step-or\">or</span>",
        "<span class=\"step-optional\">optional</span>",
        "<strong class=\"step-irreversible\">Irreversible</strong>",
        "<li class=\"step-when\"><span class=\"meta-key\">Applies</span> Only if: sub-account</li>",
    ] {
        assert_eq!(steps.matches(words).count(), 1, "{words} in {steps}");
        assert_eq!(
            guide.matches(words).count(),
            1,
            "guide pages say the same: {words}"
        );
    }
    insta::assert_snapshot!("overview_branching", steps);
}

#[test]
fn a_split_summary_keeps_what_counting_needs_of_conditions_choices_and_optional_steps() {
    // 3 × 700 filler steps put the site over the 2,000 where it splits.
    let mut site = TestSite::new()
        .file("site.toml", branching_toml())
        .file(
            "content/big/_index.md",
            "+++\ntitle = \"Big\"\nweight = 2\n+++\n",
        )
        .file(
            "content/branch/_index.md",
            "+++\ntitle = \"Branch\"\nweight = 1\n+++\n",
        )
        .file("content/branch/a.md", BRANCHING_PAGE)
        .file(
            "content/branch/b.md",
            "+++\ntitle = \"B\"\nphase = \"before\"\nwhen = { account = \"main\" }\n+++\n\n- [ ] One {#b1}\n- [ ] Two {#b2}\n- [ ] Three {#b3}\n",
        );
    for page in 0..3 {
        let mut steps = String::new();
        for step in 0..700 {
            let _ = writeln!(steps, "- [ ] Filler {page}.{step} {{#s{step}}}");
        }
        site = site.file(
            &format!("content/big/p{page}.md"),
            format!("+++\ntitle = \"P{page}\"\n+++\n\n{steps}"),
        );
    }
    site.build().success();
    let manifest = manifest(&site);
    assert_eq!(manifest["questions"][0]["id"], "account");
    assert!(
        manifest["parts"]
            .as_array()
            .is_some_and(|parts| parts.len() == 2),
        "split: {}",
        manifest["parts"]
    );
    let pages = manifest["pages"].as_array().expect("pages");
    let runs = |key: &str| {
        pages.iter().find(|page| page[0] == key).map_or_else(
            || panic!("no page {key} in {pages:?}"),
            |page| page[2].clone(),
        )
    };
    // Runs break on a change of condition, choice, optional or irreversible,
    // and say it; the choice by its id on the page.
    assert_eq!(
        runs("a"),
        serde_json::json!([
            [0, null, "face", { "choice": "identity" }],
            [0, null, "photos", { "when": { "account": ["sub"] }, "choice": "identity" }],
            [0, null, "copy", { "optional": true }],
            [0, null, "cancel", { "irreversible": true }],
        ])
    );
    // A page's condition is its steps'; alike steps stay one run.
    assert_eq!(
        runs("b"),
        serde_json::json!([[0, null, "b{1-3}", { "when": { "account": ["main"] } }]])
    );
    // Steps with nothing to say of branching keep the short form.
    assert_eq!(runs("p0"), serde_json::json!([[null, null, "s{0-699}"]]));

    // The split overview's parts mark them as guide pages do.
    let part = site.read("checklist/branch/index.html");
    let steps = overview_steps(&part);
    for words in [
        "<span class=\"step-alt-intro\">",
        "<span class=\"step-or\">",
        "<span class=\"step-optional\">",
        "<strong class=\"step-irreversible\">",
        "<li class=\"step-when\">",
        " data-choice=\"branch/a#identity\"",
        " data-optional",
        " data-irreversible",
        " data-when=\"account=main\"",
    ] {
        assert!(steps.contains(words), "{words} in {steps}");
    }
}

#[test]
fn the_overview_says_do_one_of_these_before_the_first_alternative_it_lists() {
    // The page's first alternative is in the later phase: the overview
    // lists the other one first, so that one says "Do one of these".
    let site = TestSite::new().file(
        "content/a.md",
        "+++\ntitle = \"A\"\n[steps.late]\nchoice = \"way\"\nphase = \"after\"\n[steps.early]\nchoice = \"way\"\nphase = \"before\"\n+++\n\n- [ ] Late way {#late}\n- [ ] Early way {#early}\n",
    );
    site.build().success();
    let overview = site.read("checklist/index.html");
    let item = |id: &str| {
        let start = overview
            .find(&format!("<li class=\"step step-alt\" id=\"a--{id}\""))
            .unwrap_or_else(|| panic!("no item {id}"));
        &overview[start..start + overview[start..].find("</li>").expect("its end")]
    };
    assert!(
        overview.find("id=\"a--early\"") < overview.find("id=\"a--late\""),
        "the earlier phase is listed first"
    );
    assert!(
        item("early").contains("<span class=\"step-alt-intro\">"),
        "{}",
        item("early")
    );
    assert!(
        item("late").contains("<span class=\"step-or\">or</span>"),
        "{}",
        item("late")
    );
    // The guide page follows the page's order.
    let guide = site.read("a/index.html");
    let intro = guide.find("step-alt-intro").expect("an intro");
    assert!(guide.find("id=\"late\"") < Some(intro) && Some(intro) < guide.find("id=\"early\""));
}

/// A site with a schedule: a section due by default, a page overriding it,
/// steps of their own with estimates in working days, days, weeks and hours.
fn dated_site() -> TestSite {
    TestSite::new()
        .file(
            "site.toml",
            format!(
                "{}[schedule]\nlabel = \"Last working day\"\nholidays = [\"2026-10-02\", \"2026-10-01\"]\n",
                crate::support::SITE_TOML
            ),
        )
        .file(
            "content/dated/_index.md",
            "+++\ntitle = \"Dated\"\ndue = \"-2d\"\n+++\n\n- [ ] Section step {#s}\n",
        )
        .file(
            "content/dated/a.md",
            "+++\ntitle = \"A\"\ndue = \"0wd\"\n[steps.review]\ndue = \"-1wd\"\nestimate = \"3wd\"\n[steps.days]\nestimate = \"1.5d\"\n[steps.weeks]\nestimate = \"1w\"\n[steps.quick]\nestimate = \"2h\"\n[steps.later]\ndue = \"+2d\"\n+++\n\n- [ ] Review {#review}\n- [ ] Days {#days}\n- [ ] Weeks {#weeks}\n- [ ] Quick {#quick}\n- [ ] Later {#later}\n",
        )
        .file(
            "content/dated/b.md",
            "+++\ntitle = \"B\"\n+++\n\n- [ ] Inherits {#b}\n",
        )
        .file(
            "content/plain.md",
            "+++\ntitle = \"Plain\"\n+++\n\n- [ ] No date {#p}\n",
        )
}

/// The plan attributes of a step's opening tag.
fn plan_attributes(tag: &str) -> Vec<&str> {
    tag.trim_end_matches('>')
        .split(' ')
        .filter(|token| token.starts_with("data-due") || token.starts_with("data-lead"))
        .collect()
}

#[test]
fn due_and_lead_are_on_every_step_item_the_body_and_the_manifest() {
    let site = dated_site();
    site.build().success();
    let expected: [(&str, &[&str]); 8] = [
        ("dated/_index#s", &["data-due=\"-2d\""]),
        (
            "dated/a#review",
            &["data-due=\"-1wd\"", "data-lead=\"3wd\""],
        ),
        ("dated/a#days", &["data-due=\"0wd\"", "data-lead=\"2d\""]),
        ("dated/a#weeks", &["data-due=\"0wd\"", "data-lead=\"7d\""]),
        ("dated/a#quick", &["data-due=\"0wd\""]),
        ("dated/a#later", &["data-due=\"+2d\""]),
        ("dated/b#b", &["data-due=\"-2d\""]),
        ("plain#p", &[]),
    ];
    let overview = site.read("checklist/index.html");
    for (key, attributes) in expected {
        let page = key.split('#').next().unwrap_or_default();
        let folder = page.strip_suffix("/_index").unwrap_or(page);
        let html = site.read(&format!("{folder}/index.html"));
        assert_eq!(
            plan_attributes(step_tag(&html, key)),
            attributes,
            "{key} on its page"
        );
        assert_eq!(
            plan_attributes(step_tag(&overview, key)),
            attributes,
            "{key} on the overview"
        );
    }
    for page in [
        "index.html",
        "plain/index.html",
        "checklist/index.html",
        "404.html",
    ] {
        assert!(
            site.read(page).contains(
                " data-schedule-label=\"Last working day\" data-holidays=\"2026-10-01 2026-10-02\">"
            ),
            "{page}: the schedule on <body>"
        );
    }
    let manifest = manifest(&site);
    let steps: Vec<&serde_json::Value> = manifest["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .flat_map(|page| page["steps"].as_array().expect("steps"))
        .collect();
    let find = |key: &str| {
        steps
            .iter()
            .find(|step| step["key"] == key)
            .unwrap_or_else(|| panic!("{key} in the manifest"))
    };
    assert_eq!(find("dated/a#review")["due"], "-1wd");
    assert_eq!(find("dated/a#review")["lead"], "3wd");
    assert_eq!(find("dated/b#b")["due"], "-2d");
    assert!(find("dated/b#b").get("lead").is_none());
    assert!(find("plain#p").get("due").is_none());
}

#[test]
fn a_site_without_a_schedule_says_nothing_of_one() {
    let site = TestSite::new().file(
        "content/a.md",
        "+++\ntitle = \"A\"\n[steps.x]\nestimate = \"3wd\"\n+++\n\n- [ ] X {#x}\n",
    );
    site.build().success();
    for page in ["index.html", "a/index.html", "checklist/index.html"] {
        let html = site.read(page);
        assert!(!html.contains("data-schedule-label"), "{page}");
        assert!(!html.contains("data-holidays"), "{page}");
        assert!(!html.contains("data-due"), "{page}");
        assert!(
            !html.contains("data-lead"),
            "{page}: a lead only with a due"
        );
    }
}

#[test]
fn a_split_manifest_gives_each_dated_page_its_plan() {
    let mut site = dated_site().file(
        "content/big/_index.md",
        "+++\ntitle = \"Big\"\nweight = 9\n+++\n",
    );
    for page in 0..3 {
        let mut steps = String::new();
        for step in 0..700 {
            let _ = writeln!(steps, "- [ ] Filler {page}.{step} {{#s{step}}}");
        }
        site = site.file(
            &format!("content/big/p{page}.md"),
            format!("+++\ntitle = \"P{page}\"\n+++\n\n{steps}"),
        );
    }
    site.build().success();
    let text = site.read("checklist/dated/steps.js");
    let json = text
        .split_once(".push(")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(");"))
        .expect("the details push one entry");
    let details: serde_json::Value = serde_json::from_str(json).expect("JSON");
    let page = |key: &str| {
        details["pages"]
            .as_array()
            .and_then(|pages| pages.iter().find(|page| page[0] == key))
            .cloned()
            .unwrap_or_else(|| panic!("{key} in {details}"))
    };
    assert_eq!(
        page("dated/a")[4],
        serde_json::json!([
            ["-1wd", "3wd"],
            ["0wd", "2d"],
            ["0wd", "7d"],
            ["0wd"],
            ["+2d"]
        ])
    );
    assert_eq!(page("dated/a")[3], serde_json::Value::Null, "the usual URL");
    assert_eq!(page("dated/b")[4], serde_json::json!([["-2d"]]));
    let big = site.read("checklist/big/steps.js");
    assert!(!big.contains("\"-"), "no plan where no step has a due");
}

/// The manifest's build identity, for the completion record.
fn build_identity(site: &TestSite) -> serde_json::Value {
    site.build().success();
    manifest(site)["build"].clone()
}

#[test]
fn build_identity_names_the_checklist_version() {
    let page = |step: &str, prose: &str| {
        format!("+++\ntitle = \"A\"\n+++\n\n{prose}\n\n- [ ] {step} {{#first}}\n")
    };
    let site = TestSite::new().file("content/a.md", page("Unbind the phone", "Intro."));
    let first = build_identity(&site);
    let id = first["id"].as_str().expect("an id");
    assert_eq!(id.len(), 12, "{first}");
    assert!(id.bytes().all(|byte| byte.is_ascii_hexdigit()), "{first}");
    assert!(first.get("date").is_none(), "no date outside git: {first}");
    assert_eq!(
        build_identity(&site),
        first,
        "the same sources, the same identity"
    );

    let site = site.file("content/a.md", page("Unbind the phone", "Other words."));
    assert_eq!(
        build_identity(&site),
        first,
        "prose between steps does not change it"
    );

    let site = site.file(
        "content/a.md",
        page("Unbind the phone number", "Other words."),
    );
    assert_ne!(build_identity(&site), first, "a step's text does");
}

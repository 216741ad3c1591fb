//! The reader-side checklist's inputs: the step manifest every page loads,
//! and the markup hooks its scripts work from.

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

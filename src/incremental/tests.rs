//! Incremental rebuilds against clean builds, file by file: body edits,
//! edits other pages see, edits of conditions, choices and step flags,
//! broken edits and their fixes, questions edited in `site.toml` as `serve`
//! rebuilds them, and the search index built afterwards.

use super::*;
use crate::build::render_site;

/// A copy of the bundled guide's default language (Chinese) in a temporary
/// folder. A site with a second language is rendered whole on every save,
/// so the incremental path these tests exercise is that of a one-language
/// site: the English translations (`*.en.md`) and the `[languages.*]`
/// tables of `site.toml` are left out.
fn bundled() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = std::fs::read_to_string(manifest.join("site.toml")).expect("read");
    std::fs::write(dir.path().join("site.toml"), without_languages(&config)).expect("write");
    for entry in walkdir::WalkDir::new(manifest.join("content")) {
        let entry = entry.expect("walk");
        let relative = entry.path().strip_prefix(manifest).expect("below");
        let target = dir.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else if !entry.file_name().to_string_lossy().ends_with(".en.md") {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    dir
}

/// `site.toml` up to its first `[languages.*]` table, which must be the
/// last tables of the file (so nothing else is cut off).
fn without_languages(config: &str) -> String {
    let mut kept = String::new();
    let mut in_languages = false;
    for line in config.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            let languages = trimmed.starts_with("[languages");
            assert!(
                languages || !in_languages,
                "site.toml: `{trimmed}` follows the `[languages.*]` tables; keep those last"
            );
            in_languages |= languages;
        }
        if !in_languages {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

#[test]
fn the_bundled_copy_has_one_language() {
    let dir = bundled();
    let config = std::fs::read_to_string(dir.path().join("site.toml")).expect("read");
    assert!(
        config.contains("[[questions]]"),
        "the default language's tables stay"
    );
    assert!(
        !config.contains("[languages"),
        "the second language is left out"
    );
    let translations = walkdir::WalkDir::new(dir.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".en.md"))
        .count();
    assert_eq!(translations, 0);
    assert!(
        dir.path()
            .join("content/before-leaving/materials.md")
            .is_file()
    );
}

/// Asserts that `files` is exactly what a clean build renders now.
#[track_caller]
fn assert_clean(files: &FileMap, root: &Path) {
    let clean = render_site(root, false).expect("clean build");
    let mut paths: Vec<&str> = files.keys().map(String::as_str).collect();
    paths.sort_unstable();
    let clean_paths: Vec<&str> = clean.files.iter().map(|file| file.path.as_str()).collect();
    assert_eq!(paths, clean_paths);
    for file in &clean.files {
        assert!(
            files[file.path.as_str()].bytes().expect("bytes") == file.bytes().expect("bytes"),
            "`{}` differs from a clean build",
            file.path
        );
    }
}

/// Runs the job for the text files, as `serve` does on another thread.
fn with_text_files(site: &mut Incremental, files: FileMap) -> FileMap {
    match site.text_files_job() {
        Some(job) => {
            let done = job.run();
            site.absorb(done.edit, done.files).expect("no edit since")
        }
        None => files,
    }
}

/// Rebuilds after the edit of `changed` and asserts that every file that
/// differs from the site before is among the paths the build says it
/// rendered or dropped ([`Incremental::last_touched`]: what `serve`
/// compares to tell open pages what changed), and that every other file is
/// the very same `Arc` as before.
#[track_caller]
fn edited(site: &mut Incremental, changed: &[PathBuf], what: &str) -> FileMap {
    let before = site.state.as_ref().expect("a good build").files.clone();
    let files = site
        .pages_edited(changed)
        .unwrap_or_else(|| panic!("{what}: incremental"))
        .unwrap_or_else(|problems| panic!("{what}: {problems}"));
    let touched: HashSet<&str> = site
        .last_touched()
        .expect("incremental")
        .iter()
        .map(String::as_str)
        .collect();
    for path in before.keys().chain(files.keys()) {
        let same = match (before.get(path), files.get(path)) {
            (Some(old), Some(new)) => Arc::ptr_eq(old, new),
            _ => false,
        };
        assert!(
            same || touched.contains(path.as_str()),
            "{what}: `{path}` changed but is not among the touched files"
        );
    }
    files
}

fn edit(root: &Path, page: &str, change: impl Fn(&str) -> String) -> Vec<PathBuf> {
    let path = root.join(page);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, change(&text)).expect("write");
    vec![PathBuf::from(page)]
}

/// The body starts after the front matter's closing `+++` line.
fn in_body(text: &str, added: &str) -> String {
    let close = text[3..].find("+++\n").expect("front matter") + 3 + 4;
    format!("{}{added}{}", &text[..close], &text[close..])
}

#[test]
fn body_edits_render_only_their_pages_and_equal_a_clean_build() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let page = "content/before-leaving/unbind-contacts.md";

    // Lines above the steps move them down: their line numbers change,
    // nothing else other pages show.
    let changed = edit(root, page, |text| {
        in_body(text, "\nA new first paragraph.\n\n")
    });
    let files = edited(&mut site, &changed, "edit");
    let html = files["before-leaving/unbind-contacts/index.html"]
        .bytes()
        .expect("bytes");
    assert!(String::from_utf8_lossy(&html).contains("A new first paragraph."));
    let files = with_text_files(&mut site, files);
    assert_clean(&files, root);
    assert!(site.text_files_job().is_none(), "up to date");

    // Two pages at once.
    let mut changed = edit(root, page, |text| format!("{text}\nMore at the end.\n"));
    changed.extend(edit(
        root,
        "content/after-leaving/recover-account.md",
        |text| format!("{text}\nAnother page's new line.\n"),
    ));
    let files = edited(&mut site, &changed, "edit");
    let files = with_text_files(&mut site, files);
    assert_clean(&files, root);
}

#[test]
fn text_files_of_an_older_edit_are_not_taken() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let page = "content/before-leaving/materials.md";
    let changed = edit(root, page, |text| format!("{text}\nFirst.\n"));
    edited(&mut site, &changed, "edit");
    let older = site.text_files_job().expect("a job");
    let changed = edit(root, page, |text| format!("{text}\nSecond.\n"));
    edited(&mut site, &changed, "edit");
    let older = older.run();
    assert!(site.absorb(older.edit, older.files).is_none());
    // Nor after a full build.
    let job = site.text_files_job().expect("a job");
    site.full().expect("builds");
    let done = job.run();
    assert!(site.absorb(done.edit, done.files).is_none());
    let changed = edit(root, page, |text| format!("{text}\nThird.\n"));
    let files = edited(&mut site, &changed, "edit");
    let files = with_text_files(&mut site, files);
    assert_clean(&files, root);
}

#[test]
fn a_broken_edit_reports_what_a_clean_build_reports_and_its_fix_is_incremental() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let page = "content/before-leaving/materials.md";
    let original = std::fs::read_to_string(root.join(page)).expect("read");

    let changed = edit(root, page, |text| {
        format!("{text}\nSee [nowhere](nowhere.md) and [here](#no-such-anchor).\n")
    });
    let problems = site
        .pages_edited(&changed)
        .expect("incremental")
        .expect_err("broken");
    let clean = render_site(root, false).expect_err("broken too");
    assert_eq!(problems, clean);
    assert_eq!(problems.0.len(), 2);

    // Another page is edited while the first one is still broken.
    let other = edit(root, "content/after-leaving/recover-account.md", |text| {
        format!("{text}\nStill writing.\n")
    });
    let problems = site
        .pages_edited(&other)
        .expect("incremental")
        .expect_err("broken");
    assert_eq!(problems, render_site(root, false).expect_err("broken too"));

    std::fs::write(root.join(page), format!("{original}\nFixed.\n")).expect("fix");
    let files = site
        .pages_edited(&changed)
        .expect("incremental")
        .expect("fixed");
    let files = with_text_files(&mut site, files);
    assert_clean(&files, root);
    let html = files["after-leaving/recover-account/index.html"]
        .bytes()
        .expect("bytes");
    assert!(String::from_utf8_lossy(&html).contains("Still writing."));
}

type Change = fn(&str) -> String;

#[test]
fn edits_other_pages_see_render_what_shows_them_and_equal_a_clean_build() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    let all = site.full().expect("first build").len();
    let leaf = "content/before-leaving/unbind-contacts.md";
    let section = "content/before-leaving/_index.md";
    let cases: [(&str, &str, Change); 11] = [
        ("a page's title", leaf, |text| {
            text.replacen("title = \"", "title = \"Renamed ", 1)
        }),
        ("a page's description", leaf, |text| {
            text.replacen("description = \"", "description = \"New words. ", 1)
        }),
        ("a step's label", leaf, |text| {
            text.replacen("- [ ] ", "- [ ] Renamed: ", 1)
        }),
        ("a heading", leaf, |text| {
            format!("{text}\n## A new heading\n")
        }),
        ("a new step", leaf, |text| {
            format!("{text}\n- [ ] A new step\n")
        }),
        ("a step's role", leaf, |text| {
            text.replacen("role = \"employee\"", "role = \"admin\"", 1)
        }),
        ("a section's title", section, |text| {
            text.replacen("title = \"", "title = \"Renamed ", 1)
        }),
        ("a required step's label", section, |text| {
            text.replacen(
                "- [ ] 确认离职员工绑定的是主账号还是子账号",
                "- [ ] 先确认离职员工绑定的是主账号还是子账号",
                1,
            )
        }),
        ("a new requirement", leaf, |text| {
            text.replacen(
                "[steps.unbind-phone]\n",
                "[steps.unbind-phone]\nrequires = [\"_index.md#identify-account-type\"]\n",
                1,
            )
        }),
        ("the home page's title", "content/_index.md", |text| {
            text.replacen("title = \"", "title = \"Renamed ", 1)
        }),
        ("extra", leaf, |text| {
            text.replacen("+++\n\n", "\n[extra]\nnote = \"x\"\n+++\n\n", 1)
        }),
    ];
    for (what, page, change) in cases {
        let changed = edit(root, page, change);
        let files = edited(&mut site, &changed, what);
        let files = with_text_files(&mut site, files);
        assert_clean(&files, root);
        let rendered = site.last_pages_rendered().expect("incremental");
        eprintln!("{what}: {rendered} of {all} files rendered");
    }
}

#[test]
fn a_requirement_broken_elsewhere_is_reported_like_a_clean_build() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let section = "content/before-leaving/_index.md";
    let original = std::fs::read_to_string(root.join(section)).expect("read");
    // materials.md requires this step.
    let changed = edit(root, section, |text| {
        text.replace("{#identify-account-type}", "{#renamed-step}")
            .replace(
                "requires = [\"identify-account-type\"]",
                "requires = [\"renamed-step\"]",
            )
    });
    let problems = site
        .pages_edited(&changed)
        .expect("incremental")
        .expect_err("broken");
    assert_eq!(problems, render_site(root, false).expect_err("broken too"));
    assert!(problems.to_string().contains("materials.md"), "{problems}");
    std::fs::write(root.join(section), original).expect("fix");
    let files = site
        .pages_edited(&changed)
        .expect("incremental")
        .expect("fixed");
    let files = with_text_files(&mut site, files);
    assert_clean(&files, root);
}

#[test]
fn a_broken_front_matter_edit_is_reported_like_a_clean_build_and_undone() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let section = "content/before-leaving/_index.md";
    let original = std::fs::read_to_string(root.join(section)).expect("read");
    let cases: [(&str, Change); 3] = [
        ("an unknown role", |text| {
            text.replacen("role = \"employee\"", "role = \"intern\"", 1)
        }),
        ("a requirement to nowhere", |text| {
            text.replacen(
                "requires = [\"identify-account-type\"]",
                "requires = [\"no-such-step\"]",
                1,
            )
        }),
        // materials.md requires identify-account-type already.
        ("a requirement cycle", |text| {
            text.replacen(
                "[steps.identify-account-type]\n",
                "[steps.identify-account-type]\nrequires = [\"materials.md#prepare-materials\"]\n",
                1,
            )
        }),
    ];
    for (what, change) in cases {
        let changed = edit(root, section, change);
        let problems = site
            .pages_edited(&changed)
            .expect("incremental")
            .expect_err(what);
        assert_eq!(
            problems,
            render_site(root, false).expect_err(what),
            "{what}: as a clean build"
        );
        std::fs::write(root.join(section), &original).expect("fix");
        let files = site
            .pages_edited(&changed)
            .expect("incremental")
            .unwrap_or_else(|problems| panic!("{what} fixed: {problems}"));
        let files = with_text_files(&mut site, files);
        assert_clean(&files, root);
    }
}

#[test]
fn moves_in_the_tree_need_a_full_render() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let page = "content/before-leaving/unbind-contacts.md";
    let cases: [(&str, Change); 3] = [
        ("weight", |text| {
            text.replacen("weight = 10", "weight = 99", 1)
        }),
        ("slug", |text| {
            text.replacen("role = ", "slug = \"moved\"\nrole = ", 1)
        }),
        ("draft", |text| {
            text.replacen("role = ", "draft = true\nrole = ", 1)
        }),
    ];
    for (what, change) in cases {
        let original = std::fs::read_to_string(root.join(page)).expect("read");
        let changed = edit(root, page, change);
        assert!(site.pages_edited(&changed).is_none(), "{what}");
        std::fs::write(root.join(page), original).expect("restore");
    }
    // A new page, and a page that is gone.
    std::fs::write(
        root.join("content/before-leaving/new.md"),
        "+++\ntitle = \"New\"\n+++\n\nNew.\n",
    )
    .expect("write");
    assert!(
        site.pages_edited(&[PathBuf::from("content/before-leaving/new.md")])
            .is_none()
    );
    std::fs::remove_file(root.join(page)).expect("remove");
    assert!(site.pages_edited(&[PathBuf::from(page)]).is_none());
}

#[test]
fn a_save_without_changes_is_nothing_to_do() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    let page = PathBuf::from("content/before-leaving/materials.md");
    assert!(
        !site.unchanged(std::slice::from_ref(&page)),
        "nothing built yet"
    );
    site.full().expect("first build");
    let text = std::fs::read_to_string(root.join(&page)).expect("read");
    std::fs::write(root.join(&page), &text).expect("same text");
    assert!(site.unchanged(std::slice::from_ref(&page)));
    std::fs::write(root.join(&page), format!("{text}\nMore.\n")).expect("edit");
    assert!(!site.unchanged(std::slice::from_ref(&page)));
    assert!(!site.unchanged(&[PathBuf::from("content/new.md")]));
}

#[test]
fn an_edit_across_the_size_where_the_overview_splits_equals_a_clean_build() {
    let dir = bundled();
    let root = dir.path();
    let steps = |count: usize| -> String {
        let mut text = String::new();
        for n in 0..count {
            text.push_str("- [ ] Bulk step ");
            text.push_str(&n.to_string());
            text.push_str(" {#bulk-");
            text.push_str(&n.to_string());
            text.push_str("}\n");
        }
        text
    };
    let bulk = "content/after-leaving/bulk.md";
    std::fs::write(
        root.join(bulk),
        format!("+++\ntitle = \"Bulk\"\nweight = 99\n+++\n\n{}", steps(2000)),
    )
    .expect("write");
    let mut site = Incremental::new(root, false);
    let files = site.full().expect("first build");
    assert!(
        files.contains_key("checklist/after-leaving/index.html"),
        "split"
    );
    // Fewer steps: one overview page again, and its parts are gone.
    let changed = edit(root, bulk, |text| {
        text.replace(&steps(2000)[..], &steps(10))
    });
    let files = edited(&mut site, &changed, "edit");
    let files = with_text_files(&mut site, files);
    assert!(!files.contains_key("checklist/after-leaving/index.html"));
    assert_clean(&files, root);
    // And split again.
    let changed = edit(root, bulk, |text| {
        text.replace(&steps(10)[..], &steps(2000))
    });
    let files = edited(&mut site, &changed, "edit");
    let files = with_text_files(&mut site, files);
    assert_clean(&files, root);
}

#[test]
fn front_matter_edits_on_a_split_overview_equal_a_clean_build() {
    let dir = bundled();
    let root = dir.path();
    let mut bulk = String::from(
        "+++\ntitle = \"Bulk\"\nweight = 99\n\n[steps.bulk-0]\nrequires = [\"../before-leaving/_index.md#identify-account-type\"]\n+++\n\n",
    );
    for n in 0..2001 {
        bulk.push_str("- [ ] Bulk step ");
        bulk.push_str(&n.to_string());
        bulk.push_str(" {#bulk-");
        bulk.push_str(&n.to_string());
        bulk.push_str("}\n");
    }
    std::fs::write(root.join("content/after-leaving/bulk.md"), bulk).expect("write");
    let mut site = Incremental::new(root, false);
    let all = site.full().expect("first build").len();
    let cases: [(&str, &str, Change); 7] = [
        // Shown on its own part only.
        (
            "a page's title",
            "content/before-leaving/unbind-contacts.md",
            |text| text.replacen("title = \"", "title = \"Renamed ", 1),
        ),
        // Required from another part (bulk.md), and a top-level entry.
        (
            "a required page's title",
            "content/before-leaving/_index.md",
            |text| text.replacen("title = \"", "title = \"Renamed ", 1),
        ),
        (
            "a step's role",
            "content/before-leaving/unbind-contacts.md",
            |text| text.replacen("role = \"employee\"", "role = \"admin\"", 1),
        ),
        ("a description", "content/after-leaving/bulk.md", |text| {
            text.replacen(
                "weight = 99",
                "weight = 99\ndescription = \"Many steps.\"",
                1,
            )
        }),
        // Every step of bulk.md and its section's other pages.
        (
            "a section's condition",
            "content/after-leaving/_index.md",
            |text| {
                text.replacen(
                    "phase = \"after\"",
                    "phase = \"after\"\nwhen = { account = \"main\" }",
                    1,
                )
            },
        ),
        // Required from bulk.md, on another part.
        (
            "a required step's condition",
            "content/before-leaving/_index.md",
            |text| {
                text.replacen(
                    "[steps.identify-account-type]\n",
                    "[steps.identify-account-type]\nwhen = { account = [\"main\", \"sub\"] }\n",
                    1,
                )
            },
        ),
        ("a choice", "content/after-leaving/bulk.md", |text| {
            text.replacen(
                "[steps.bulk-0]\n",
                "[steps.bulk-1]\nchoice = \"one\"\n\n[steps.bulk-2]\nchoice = \"one\"\noptional = false\nirreversible = true\n\n[steps.bulk-0]\n",
                1,
            )
        }),
    ];
    for (what, page, change) in cases {
        let changed = edit(root, page, change);
        let files = edited(&mut site, &changed, what);
        let files = with_text_files(&mut site, files);
        assert_clean(&files, root);
        let rendered = site.last_pages_rendered().expect("incremental");
        assert!(rendered < all, "{what}: {rendered} of {all} files rendered");
    }
}

/// Puts `added` on the line after `after` (which must be in the text).
fn after_line(text: &str, after: &str, added: &str) -> String {
    assert!(text.contains(after), "`{after}` in the page");
    text.replacen(after, &format!("{after}\n{added}"), 1)
}

/// Edits `page` with `change`, rebuilds incrementally and asserts the
/// result equals a clean build; returns the site's files.
#[track_caller]
fn edit_equals_clean(
    site: &mut Incremental,
    root: &Path,
    what: &str,
    page: &str,
    change: Change,
) -> FileMap {
    let changed = edit(root, page, change);
    let files = edited(site, &changed, what);
    let files = with_text_files(site, files);
    assert_clean(&files, root);
    files
}

/// The text of an output file.
fn text_of(files: &FileMap, path: &str) -> String {
    String::from_utf8(files[path].bytes().expect("bytes").into_owned()).expect("UTF-8")
}

#[test]
fn edits_of_conditions_choices_and_step_flags_equal_a_clean_build() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    let all = site.full().expect("first build").len();
    let contacts = "content/before-leaving/unbind-contacts.md";
    let before = "content/before-leaving/_index.md";
    let after = "content/after-leaving/_index.md";
    let recover = "content/after-leaving/recover-account.md";
    let cancel = "content/cancel-account/_index.md";
    let cases: [(&str, &str, Change); 14] = [
        ("a step's when", contacts, |text| {
            after_line(
                text,
                "[steps.unbind-wecom]",
                "when = { account = \"main\" }",
            )
        }),
        ("a step's when widened", contacts, |text| {
            text.replacen(
                "[steps.unbind-wecom]\nwhen = { account = \"main\" }",
                "[steps.unbind-wecom]\nwhen = { account = \"main\", verified = [\"yes\", \"no\"] }",
                1,
            )
        }),
        // Required from materials.md and cancel-account/_index.md, whose
        // checks read it.
        ("a required step's when", before, |text| {
            text.replacen(
                "[steps.identify-account-type]\n",
                "[steps.identify-account-type]\nwhen = { account = [\"main\", \"sub\"] }\n",
                1,
            )
        }),
        ("a page's when", recover, |text| {
            after_line(text, "phase = \"after\"", "when = { account = \"main\" }")
        }),
        // Every page under it says it and asks the question, with steps or
        // without.
        ("a section's when", after, |text| {
            after_line(text, "phase = \"after\"", "when = { verified = \"no\" }")
        }),
        ("a section's when changed", after, |text| {
            text.replacen(
                "when = { verified = \"no\" }",
                "when = { verified = \"yes\" }",
                1,
            )
        }),
        ("a section's when removed", after, |text| {
            text.replacen("when = { verified = \"yes\" }\n", "", 1)
        }),
        ("a choice added", contacts, |text| {
            let text = after_line(text, "[steps.unbind-qq]", "choice = \"social\"");
            after_line(&text, "[steps.unbind-wechat-mp]", "choice = \"social\"")
        }),
        ("a choice removed", contacts, |text| {
            text.replace("choice = \"social\"\n", "")
        }),
        // Still a choice of two.
        ("a step out of a choice", recover, |text| {
            text.replacen(
                "[steps.recover-by-account-id]\nchoice = \"recover-way\"",
                "[steps.recover-by-account-id]",
                1,
            )
        }),
        ("optional", contacts, |text| {
            after_line(text, "[steps.unbind-wechat-mp]", "optional = true")
        }),
        ("irreversible", contacts, |text| {
            after_line(text, "[steps.unbind-qq]", "irreversible = true")
        }),
        // A required step (wait-review requires it) no longer irreversible.
        ("irreversible removed", cancel, |text| {
            text.replacen("irreversible = true\n", "", 1)
        }),
        ("optional removed", contacts, |text| {
            text.replacen("optional = true\n", "", 1)
        }),
    ];
    for (what, page, change) in cases {
        edit_equals_clean(&mut site, root, what, page, change);
        let rendered = site.last_pages_rendered().expect("incremental");
        eprintln!("{what}: {rendered} of {all} files rendered");
    }
}

#[test]
fn a_section_condition_shows_on_every_page_under_it() {
    let dir = bundled();
    let root = dir.path();
    // A page under it without steps: only the notice and the answers
    // panel change on it.
    std::fs::write(
        root.join("content/after-leaving/notes.md"),
        "+++\ntitle = \"Notes\"\nweight = 99\n+++\n\nNo steps here.\n",
    )
    .expect("write");
    let mut site = Incremental::new(root, false);
    let first = site.full().expect("first build");
    let notes = "after-leaving/notes/index.html";
    assert!(!text_of(&first, notes).contains("class=\"page-when\""));
    let files = edit_equals_clean(
        &mut site,
        root,
        "a section's when",
        "content/after-leaving/_index.md",
        |text| after_line(text, "phase = \"after\"", "when = { account = \"main\" }"),
    );
    assert!(text_of(&files, notes).contains("class=\"page-when\""));
    // A page under it without a condition of its own, and its steps.
    let html = text_of(&files, "after-leaving/recover-account/index.html");
    assert!(html.contains("data-when=\"account=main\""), "{html}");
    let manifest = text_of(&files, crate::render::MANIFEST_URL);
    assert!(manifest.contains("\"account\":[\"main\"]"), "{manifest}");
    // And back.
    let files = edit_equals_clean(
        &mut site,
        root,
        "a section's when removed",
        "content/after-leaving/_index.md",
        |text| text.replacen("when = { account = \"main\" }\n", "", 1),
    );
    assert!(!text_of(&files, notes).contains("class=\"page-when\""));
}

#[test]
fn a_step_text_edit_changes_its_hash_as_a_clean_build_does() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    let first = site.full().expect("first build");
    let cancel = "cancel-account/index.html";
    let hashes = |files: &FileMap| -> Vec<String> {
        text_of(files, cancel)
            .split(" data-hash=\"")
            .skip(1)
            .map(|rest| rest[..8].to_owned())
            .collect()
    };
    // Required from unbind-contacts.md: its requirement lists show it.
    let files = edit_equals_clean(
        &mut site,
        root,
        "a required step's text",
        "content/cancel-account/_index.md",
        |text| text.replacen("查收账号注销结果通知", "查收账号注销结果的通知", 1),
    );
    let (old, new) = (hashes(&first), hashes(&files));
    assert_eq!(old.len(), new.len());
    let differ: Vec<usize> = (0..old.len()).filter(|&n| old[n] != new[n]).collect();
    assert_eq!(
        differ,
        [old.len() - 1],
        "only the last step's hash: {old:?} {new:?}"
    );
}

#[test]
fn condition_edits_that_break_requirements_elsewhere_are_reported_like_a_clean_build() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let cases: [(&str, &str, &str, Change); 5] = [
        // materials.md and cancel-account/_index.md require it where
        // account = sub.
        (
            "a required step's when",
            "content/before-leaving/_index.md",
            "materials.md",
            |text| {
                text.replacen(
                    "[steps.identify-account-type]\n",
                    "[steps.identify-account-type]\nwhen = { account = \"main\" }\n",
                    1,
                )
            },
        ),
        // cancel-account/_index.md requires face-recognition, met by any
        // step of its choice: alone it applies only where verified = yes.
        (
            "a required step out of its choice",
            "content/before-leaving/materials.md",
            "cancel-account",
            |text| {
                text.replacen(
                    "[steps.face-recognition]\nchoice = \"identity\"\n",
                    "[steps.face-recognition]\n",
                    1,
                )
            },
        ),
        // unbind-contacts.md's steps after the cancellation require
        // receive-result where account = sub.
        (
            "a required section's when",
            "content/cancel-account/_index.md",
            "unbind-contacts.md",
            |text| {
                text.replacen(
                    "when = { account = \"sub\" }",
                    "when = { account = \"main\" }",
                    1,
                )
            },
        ),
        // Its pages' conditions can then never hold.
        (
            "a section's when its pages contradict",
            "content/before-leaving/_index.md",
            "materials.md",
            |text| after_line(text, "phase = \"before\"", "when = { account = \"main\" }"),
        ),
        (
            "a page's when its steps contradict",
            "content/before-leaving/materials.md",
            "materials.md",
            |text| {
                text.replacen(
                    "when = { account = \"sub\" }",
                    "when = { account = \"sub\", verified = \"yes\" }",
                    1,
                )
            },
        ),
    ];
    for (what, page, named, change) in cases {
        let original = std::fs::read_to_string(root.join(page)).expect("read");
        let changed = edit(root, page, change);
        let Some(Err(problems)) = site.pages_edited(&changed) else {
            panic!("{what}: an incremental build with problems");
        };
        let Err(clean) = render_site(root, false) else {
            panic!("{what}: a clean build with problems");
        };
        assert_eq!(problems, clean, "{what}: as a clean build");
        assert!(problems.to_string().contains(named), "{what}: {problems}");
        std::fs::write(root.join(page), &original).expect("fix");
        let files = site
            .pages_edited(&changed)
            .unwrap_or_else(|| panic!("{what} fixed: incremental"))
            .unwrap_or_else(|problems| panic!("{what} fixed: {problems}"));
        let files = with_text_files(&mut site, files);
        assert_clean(&files, root);
    }
}

/// What `serve` does with a batch of changes, from a rebuilder's first
/// build; the new site, its search index built as `serve` builds it.
fn serve_rebuild(
    rebuilder: &mut crate::serve::rebuild::Rebuilder,
    served: &FileMap,
    changes: &[(&str, crate::serve::change::ChangeKind)],
) -> Result<FileMap, Diagnostics> {
    use crate::serve::rebuild::Outcome;
    let batch = crate::serve::watch::Batch {
        changes: changes
            .iter()
            .map(|(path, kind)| (PathBuf::from(path), *kind))
            .collect(),
        rescan: false,
        git: false,
    };
    let served = crate::serve::store::Snapshot {
        files: served.clone(),
        generation: 1,
    };
    match rebuilder.rebuild(&batch, &served, false) {
        Outcome::Built(files) => Ok(match rebuilder.text_files_job() {
            Some(job) => {
                let done = job.run();
                rebuilder
                    .absorb(done.edit, done.files)
                    .expect("no edit since")
            }
            None => files,
        }),
        Outcome::Failed(problems) => Err(problems),
        other => panic!("a rebuild, not {other:?}"),
    }
}

#[test]
fn questions_edited_in_site_toml_equal_a_clean_build_in_serve() {
    use crate::serve::change::ChangeKind::{Config, Page};
    let dir = bundled();
    let root = dir.path();
    let mut rebuilder = crate::serve::rebuild::Rebuilder::new(root, false);
    let mut files = rebuilder.render().expect("first build");
    let config = root.join("site.toml");
    let original = std::fs::read_to_string(&config).expect("read");
    // A question renamed, an answer added, a question added.
    let edited = original
        .replacen(
            "label = \"离职员工绑定的腾讯云账号是\"",
            "label = \"离职员工使用的腾讯云账号是\"",
            1,
        )
        .replacen(
            "{ id = \"sub\", label = \"子账号\" }]",
            "{ id = \"sub\", label = \"子账号\" }, { id = \"none\", label = \"没有账号\" }]",
            1,
        )
        + "\n[[questions]]\nid = \"team\"\nlabel = \"团队\"\nanswers = [{ id = \"a\", label = \"甲\" }, { id = \"b\", label = \"乙\" }]\n";
    std::fs::write(&config, &edited).expect("write");
    files = serve_rebuild(&mut rebuilder, &files, &[("site.toml", Config)]).expect("builds");
    assert_clean(&files, root);
    assert!(text_of(&files, crate::render::MANIFEST_URL).contains("没有账号"));
    // A page then uses them, incrementally.
    let page = "content/before-leaving/unbind-contacts.md";
    edit(root, page, |text| {
        text.replacen(
            "[steps.unbind-wecom]",
            "[steps.unbind-wecom]\nwhen = { account = \"none\", team = \"b\" }",
            1,
        )
    });
    files = serve_rebuild(&mut rebuilder, &files, &[(page, Page)]).expect("builds");
    assert_clean(&files, root);
    assert!(rebuilder.last_pages_rendered().is_some(), "incremental");
    // An answer a page uses taken away: what a clean build reports; back.
    std::fs::write(&config, &original).expect("write");
    let Err(problems) = serve_rebuild(&mut rebuilder, &files, &[("site.toml", Config)]) else {
        panic!("a build with problems");
    };
    let Err(clean) = render_site(root, false) else {
        panic!("a clean build with problems");
    };
    assert_eq!(problems, clean);
    assert!(problems.to_string().contains("none"), "{problems}");
    std::fs::write(&config, &edited).expect("write");
    files = serve_rebuild(&mut rebuilder, &files, &[("site.toml", Config)]).expect("builds");
    assert_clean(&files, root);
}

#[test]
fn a_requirement_broken_by_another_pages_condition_can_be_fixed_on_the_requiring_page() {
    let dir = bundled();
    let root = dir.path();
    let required = "content/after-leaving/required.md";
    let requiring = "content/after-leaving/requiring.md";
    std::fs::write(
        root.join(required),
        "+++\ntitle = \"Required\"\nweight = 98\n\n[steps.a]\nwhen = { account = \"main\" }\n+++\n\n- [ ] A {#a}\n",
    )
    .expect("write");
    std::fs::write(
        root.join(requiring),
        "+++\ntitle = \"Requiring\"\nweight = 99\n\n[steps.b]\nwhen = { account = \"main\" }\nrequires = [\"required.md#a\"]\n+++\n\n- [ ] B {#b}\n",
    )
    .expect("write");
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let changed = edit(root, required, |text| {
        text.replacen("account = \"main\"", "account = \"sub\"", 1)
    });
    let Some(Err(problems)) = site.pages_edited(&changed) else {
        panic!("an incremental build with problems");
    };
    let Err(clean) = render_site(root, false) else {
        panic!("a clean build with problems");
    };
    assert_eq!(problems, clean);
    assert!(problems.to_string().contains("requiring.md"), "{problems}");
    // The other page follows; the first edit stands.
    edit_equals_clean(
        &mut site,
        root,
        "the requiring step's when",
        requiring,
        |text| text.replacen("account = \"main\"", "account = \"sub\"", 1),
    );
}

#[test]
fn an_image_resized_in_place_renders_the_pages_showing_it_as_a_clean_build_would() {
    use crate::serve::change::ChangeKind::ContentFile;
    let dir = bundled();
    let root = dir.path();
    let png = |width: u32, height: u32| {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    };
    let image = "content/before-leaving/shot.png";
    std::fs::write(root.join(image), png(100, 50)).expect("write");
    edit(root, "content/before-leaving/unbind-contacts.md", |text| {
        in_body(text, "![shot](shot.png)\n\n")
    });
    let mut rebuilder = crate::serve::rebuild::Rebuilder::new(root, false);
    let mut files = rebuilder.render().expect("first build");
    let page = "before-leaving/unbind-contacts/index.html";
    assert!(text_of(&files, page).contains("width=\"100\" height=\"50\""));
    // The same file, another size: only the page showing it is rendered.
    std::fs::write(root.join(image), png(640, 480)).expect("write");
    files = serve_rebuild(&mut rebuilder, &files, &[(image, ContentFile)]).expect("builds");
    assert!(text_of(&files, page).contains("width=\"640\" height=\"480\""));
    assert_eq!(rebuilder.last_pages_rendered(), Some(1));
    assert_clean(&files, root);
    // Now unreadable: shown without a size, as a clean build shows it.
    std::fs::write(root.join(image), "not an image").expect("write");
    files = serve_rebuild(&mut rebuilder, &files, &[(image, ContentFile)]).expect("builds");
    assert!(!text_of(&files, page).contains("width=\"640\""));
    assert_clean(&files, root);
}

/// A copy of the bilingual fixture (`tests/fixtures/languages`).
fn bilingual() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/languages");
    for entry in walkdir::WalkDir::new(&fixture) {
        let entry = entry.expect("walk");
        let target = dir
            .path()
            .join(entry.path().strip_prefix(&fixture).expect("below"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    dir
}

#[test]
fn edits_in_either_language_equal_a_clean_build_in_serve() {
    use crate::serve::change::ChangeKind::{Config, Page};
    let dir = bilingual();
    let root = dir.path();
    let mut rebuilder = crate::serve::rebuild::Rebuilder::new(root, false);
    let mut files = rebuilder.render().expect("first build");
    assert_clean(&files, root);
    // The translation's body: its English page changes.
    let english = "content/guide/unbind.en.md";
    edit(root, english, |text| {
        in_body(text, "\nAn English first paragraph.\n\n")
    });
    files = serve_rebuild(&mut rebuilder, &files, &[(english, Page)]).expect("builds");
    assert_clean(&files, root);
    assert!(text_of(&files, "en/guide/unbind/index.html").contains("An English first paragraph."));
    assert!(!text_of(&files, "guide/unbind/index.html").contains("An English first paragraph."));
    // An untranslated page's original: both languages show the edit.
    let untranslated = "content/guide/cancel.md";
    edit(root, untranslated, |text| {
        in_body(text, "\n新的第一段。\n\n")
    });
    files = serve_rebuild(&mut rebuilder, &files, &[(untranslated, Page)]).expect("builds");
    assert_clean(&files, root);
    assert!(text_of(&files, "guide/cancel/index.html").contains("新的第一段。"));
    assert!(text_of(&files, "en/guide/cancel/index.html").contains("新的第一段。"));
    // A translated page's original: its title shows in the switcher's
    // other language only through the sidebar of its own language.
    let original = "content/guide/unbind.md";
    edit(root, original, |text| {
        text.replacen("解绑联系方式", "解绑个人联系方式", 1)
    });
    files = serve_rebuild(&mut rebuilder, &files, &[(original, Page)]).expect("builds");
    assert_clean(&files, root);
    assert!(text_of(&files, "guide/unbind/index.html").contains("解绑个人联系方式"));
    // A new translation appears: the English page is no longer a stand-in.
    let added = "content/guide/cancel.en.md";
    std::fs::write(
        root.join(added),
        "+++\ntitle = \"Cancel the account\"\nweight = 20\n+++\n\n- [ ] Request the cancellation {#cancel-request}\n",
    )
    .expect("write");
    files = serve_rebuild(&mut rebuilder, &files, &[(added, Page)]).expect("builds");
    assert_clean(&files, root);
    assert!(!text_of(&files, "en/guide/cancel/index.html").contains("untranslated-note"));
    // The second language's title in `site.toml`.
    let config = root.join("site.toml");
    let text = std::fs::read_to_string(&config).expect("read");
    std::fs::write(
        &config,
        text.replacen("Bilingual test site", "Two-language test site", 1),
    )
    .expect("write");
    files = serve_rebuild(&mut rebuilder, &files, &[("site.toml", Config)]).expect("builds");
    assert_clean(&files, root);
    assert!(text_of(&files, "en/index.html").contains("Two-language test site"));
    // The translation removed: the English page falls back again, and no
    // file of the translation is left.
    std::fs::remove_file(root.join(added)).expect("remove");
    files = serve_rebuild(&mut rebuilder, &files, &[(added, Page)]).expect("builds");
    assert_clean(&files, root);
    assert!(text_of(&files, "en/guide/cancel/index.html").contains("untranslated-note"));
}

#[test]
fn a_file_only_a_translation_includes_equals_a_clean_build_in_serve() {
    use crate::serve::change::ChangeKind::ContentFile;
    let dir = bilingual();
    let root = dir.path();
    let shared = "content/guide/note.txt";
    std::fs::write(root.join(shared), "First English note.\n").expect("write");
    let english = "content/guide/unbind.en.md";
    edit(root, english, |text| {
        in_body(text, "\n{{#include note.txt}}\n\n")
    });
    let mut rebuilder = crate::serve::rebuild::Rebuilder::new(root, false);
    let mut files = rebuilder.render().expect("first build");
    assert!(text_of(&files, "en/guide/unbind/index.html").contains("First English note."));
    std::fs::write(root.join(shared), "Second English note.\n").expect("write");
    files = serve_rebuild(&mut rebuilder, &files, &[(shared, ContentFile)]).expect("builds");
    assert_clean(&files, root);
    assert!(text_of(&files, "en/guide/unbind/index.html").contains("Second English note."));
}

#[test]
fn due_edits_equal_a_clean_build() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let cases: [(&str, &str, &str, Change); 4] = [
        (
            "a step's own due",
            "content/before-leaving/unbind-contacts.md",
            "data-due=\"-2wd\"",
            |text| after_line(text, "[steps.unbind-wecom]", "due = \"-2wd\""),
        ),
        (
            "a page's due",
            "content/before-leaving/unbind-contacts.md",
            "data-due=\"-1d\"",
            |text| after_line(text, "phase = \"before\"", "due = \"-1d\""),
        ),
        // Every page of the section follows, and their requirements are
        // compared again.
        (
            "a section's due",
            "content/before-leaving/_index.md",
            "data-due=\"-1wd\" data-hash",
            |text| text.replacen("due = \"0wd\"", "due = \"-1wd\"", 1),
        ),
        (
            "a due taken away",
            "content/cancel-account/_index.md",
            "data-key=\"cancel-account/_index#receive-result\"",
            |text| {
                text.replacen(
                    "due = \"-1wd\"\n\n[steps.receive-result]",
                    "\n[steps.receive-result]",
                    1,
                )
            },
        ),
    ];
    for (what, page, shown, change) in cases {
        let files = edit_equals_clean(&mut site, root, what, page, change);
        let overview = text_of(&files, "checklist/index.html");
        assert!(
            overview.contains(shown),
            "{what}: `{shown}` in the overview"
        );
    }
}

#[test]
fn due_edits_that_break_the_plan_are_reported_like_a_clean_build_and_fixed() {
    let dir = bundled();
    let root = dir.path();
    let mut site = Incremental::new(root, false);
    site.full().expect("first build");
    let cases: [(&str, &str, &str, Change); 3] = [
        // The unbinding steps (0wd) require receive-result.
        (
            "a required step due later",
            "content/cancel-account/_index.md",
            "unbind-contacts.md",
            |text| {
                text.replacen(
                    "requires = [\"wait-review\"]\ndue = \"-1wd\"",
                    "requires = [\"wait-review\"]\ndue = \"+1wd\"",
                    1,
                )
            },
        ),
        // A section's due reaches the steps of its pages.
        (
            "a section due later than what its steps require",
            "content/before-leaving/_index.md",
            "unbind-contacts.md",
            |text| text.replacen("due = \"0wd\"", "due = \"-2wd\"", 1),
        ),
        (
            "a due that does not read",
            "content/before-leaving/materials.md",
            "-3x",
            |text| text.replacen("due = \"-4wd\"", "due = \"-3x\"", 1),
        ),
    ];
    for (what, page, named, change) in cases {
        let original = std::fs::read_to_string(root.join(page)).expect("read");
        let changed = edit(root, page, change);
        let Some(Err(problems)) = site.pages_edited(&changed) else {
            panic!("{what}: an incremental build with problems");
        };
        let Err(clean) = render_site(root, false) else {
            panic!("{what}: a clean build with problems");
        };
        assert_eq!(problems, clean, "{what}: as a clean build");
        assert!(problems.to_string().contains(named), "{what}: {problems}");
        std::fs::write(root.join(page), &original).expect("fix");
        let files = site
            .pages_edited(&changed)
            .unwrap_or_else(|| panic!("{what} fixed: incremental"))
            .unwrap_or_else(|problems| panic!("{what} fixed: {problems}"));
        let files = with_text_files(&mut site, files);
        assert_clean(&files, root);
    }
}

#[test]
fn schedule_edited_in_site_toml_equals_a_clean_build_in_serve() {
    use crate::serve::change::ChangeKind::Config;
    let dir = bundled();
    let root = dir.path();
    let mut rebuilder = crate::serve::rebuild::Rebuilder::new(root, false);
    let mut files = rebuilder.render().expect("first build");
    let config = root.join("site.toml");
    let original = std::fs::read_to_string(&config).expect("read");
    assert!(original.contains("holidays = []"), "the bundled schedule");
    // Holidays added: every page's <body> says them.
    let holidays = original.replacen(
        "holidays = []",
        "holidays = [\"2026-10-02\", \"2026-10-01\"]",
        1,
    );
    std::fs::write(&config, &holidays).expect("write");
    files = serve_rebuild(&mut rebuilder, &files, &[("site.toml", Config)]).expect("builds");
    assert_clean(&files, root);
    assert!(
        text_of(&files, "after-leaving/index.html")
            .contains("data-holidays=\"2026-10-01 2026-10-02\"")
    );
    // The schedule taken away while pages have a due: what a clean build
    // reports; then back.
    let without = holidays.replacen("[schedule]\nlabel = \"最后工作日\"", "", 1);
    assert!(!without.contains("[schedule]"), "the table removed");
    let without = without.replacen("holidays = [", "# holidays = [", 1);
    std::fs::write(&config, &without).expect("write");
    let Err(problems) = serve_rebuild(&mut rebuilder, &files, &[("site.toml", Config)]) else {
        panic!("a build with problems");
    };
    let Err(clean) = render_site(root, false) else {
        panic!("a clean build with problems");
    };
    assert_eq!(problems, clean);
    assert!(
        problems.to_string().contains("has no `[schedule]`"),
        "{problems}"
    );
    std::fs::write(&config, &original).expect("write");
    files = serve_rebuild(&mut rebuilder, &files, &[("site.toml", Config)]).expect("builds");
    assert_clean(&files, root);
    assert!(text_of(&files, "index.html").contains("data-holidays=\"\""));
}

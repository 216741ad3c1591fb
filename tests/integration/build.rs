//! Good builds: the bundled guide, the output guarantees, links, steps,
//! themes and `init`.

use crate::support::{SITE_TOML, TestSite, snapshot_tree};

fn page(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}")
}

#[test]
fn bundled_guide_builds_without_warnings() {
    let site = TestSite::bundled();
    let run = site.run(&["build"]).success();
    let stderr = run.stderr();
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert!(stderr.contains(" 0 warnings"), "{stderr}");
    let home = site.read("index.html");
    assert!(
        home.contains("<html lang=\"zh-CN\""),
        "home page is in Chinese"
    );
    assert!(site.read("checklist/index.html").contains("unbind-phone"));
    assert!(site.public().join("404.html").exists());
}

#[test]
fn build_prints_one_summary_line_and_quiet_silences_it() {
    let site = TestSite::new();
    let stderr = site.run(&["build"]).success().stderr();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("built 1 page, 0 steps, ") && stderr.contains(" files, 0 warnings in "),
        "{stderr}"
    );
    assert!(site.build().success().stderr().is_empty());
}

#[test]
fn same_input_gives_byte_identical_output() {
    let site = TestSite::bundled();
    site.build().success();
    let first = snapshot_tree(&site.public());
    site.build().success();
    assert_eq!(snapshot_tree(&site.public()), first);
}

#[test]
fn stale_files_do_not_survive() {
    let site = TestSite::new().file("content/old.md", page("title = \"Old\"", ""));
    site.build().success();
    assert!(site.public().join("old/index.html").exists());
    std::fs::remove_file(site.root().join("content/old.md")).expect("remove page");
    site.build().success();
    assert!(!site.public().join("old").exists());
}

#[test]
fn links_between_pages_become_relative_urls() {
    let site = TestSite::new()
        .file(
            "content/a/_index.md",
            page(
                "title = \"A\"\nweight = 1",
                "\n[to b](../b/page.md#there) [self](#top-heading)\n\n## Top heading\n",
            ),
        )
        .file("content/b/_index.md", page("title = \"B\"\nweight = 2", ""))
        .file(
            "content/b/page.md",
            page("title = \"Page\"", "\n## There {#there}\n"),
        );
    site.build().success();
    let a = site.read("a/index.html");
    assert!(a.contains("href=\"../b/page/index.html#there\""), "{a}");
    assert!(a.contains("href=\"#top-heading\""), "{a}");
    assert!(!a.contains("href=\"/"), "no absolute links: {a}");
}

#[test]
fn pages_follow_weight_order_in_navigation() {
    let site = TestSite::new()
        .file(
            "content/z.md",
            page("title = \"Zed first\"\nweight = 1", ""),
        )
        .file(
            "content/a.md",
            page("title = \"Alpha second\"\nweight = 2", ""),
        );
    site.build().success();
    let home = site.read("index.html");
    let zed = home.find("Zed first").expect("zed in nav");
    let alpha = home.find("Alpha second").expect("alpha in nav");
    assert!(zed < alpha);
}

#[test]
fn yaml_and_toml_front_matter_mean_the_same() {
    let toml = page(
        "title = \"A\"\nrole = \"employee\"\n[steps.x]\nestimate = \"5m\"",
        "\n- [ ] Do X {#x}\n",
    );
    let yaml =
        "---\ntitle: A\nrole: employee\nsteps:\n  x:\n    estimate: 5m\n---\n\n- [ ] Do X {#x}\n";
    let one = TestSite::new().file("content/a.md", toml);
    let two = TestSite::new().file("content/a.md", yaml);
    one.build().success();
    two.build().success();
    assert_eq!(one.read("a/index.html"), two.read("a/index.html"));
}

#[test]
fn steps_carry_metadata_and_requirements_as_links() {
    let site = TestSite::new()
        .file(
            "content/a.md",
            page(
                "title = \"A\"\nrole = \"employee\"\nphase = \"before\"\n[steps.first]\nestimate = \"5m\"\nlink = \"https://console.example.com/x\"\nmaterials = [\"ID card\"]",
                "\n- [ ] First thing {#first}\n- [ ] Second thing\n",
            ),
        )
        .file("content/b.md", page("title = \"B\"\nrole = \"admin\"\nphase = \"after\"\n[steps.later]\nrequires = [\"a.md#first\"]", "\n- [ ] Later {#later}\n"));
    site.build().success();
    let a = site.read("a/index.html");
    assert!(
        a.contains("data-key=\"a#first\" data-role=\"employee\" data-phase=\"before\""),
        "{a}"
    );
    assert!(a.contains("about 5 min"), "{a}");
    assert!(a.contains("href=\"https://console.example.com/x\""), "{a}");
    assert!(a.contains("ID card"), "{a}");
    assert!(a.contains("id=\"second-thing\""), "derived id: {a}");
    let b = site.read("b/index.html");
    assert!(b.contains("data-requires=\"a#first\""), "{b}");
    assert!(
        b.contains(
            "<a href=\"../a/index.html#first\" data-requires-key=\"a#first\">First thing</a>"
        ),
        "{b}"
    );
    let checklist = site.read("checklist/index.html");
    let before = checklist.find("First thing").expect("first in checklist");
    let after = checklist.find("Later").expect("later in checklist");
    assert!(before < after, "grouped by phase in declared order");
}

#[test]
fn assets_and_static_files_are_copied() {
    let site = TestSite::new()
        .file(
            "content/guide/_index.md",
            page("title = \"Guide\"", "\n![A diagram](diagram.png)\n"),
        )
        .file("content/guide/diagram.png", b"\x89PNG".as_slice())
        .file("static/robots.txt", "User-agent: *\n");
    site.build().success();
    assert!(site.public().join("guide/diagram.png").exists());
    assert!(
        site.read("guide/index.html")
            .contains("src=\"diagram.png\"")
    );
    assert_eq!(site.read("robots.txt"), "User-agent: *\n");
    assert!(site.public().join("assets/style.css").exists());
}

#[test]
fn sitemap_only_with_base_url() {
    let site = TestSite::new();
    site.build().success();
    assert!(!site.public().join("sitemap.xml").exists());
    let site = site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.com/guide\"\n",
    );
    site.build().success();
    let sitemap = site.read("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.com/guide/</loc>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("<loc>https://example.com/guide/checklist/</loc>"),
        "{sitemap}"
    );
}

#[test]
fn drafts_are_left_out() {
    let site = TestSite::new().file("content/wip.md", page("title = \"WIP\"\ndraft = true", ""));
    site.build().success();
    assert!(!site.public().join("wip").exists());
}

#[test]
fn a_site_overrides_one_template() {
    let site = TestSite::new().file(
        "themes/default/templates/404.html",
        "<p>custom {{ page.title }}</p>\n",
    );
    site.build().success();
    assert_eq!(site.read("404.html"), "<p>custom Page not found</p>\n");
    assert!(
        site.read("index.html").contains("<nav"),
        "other templates stay built in"
    );
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("new-site");
    let status = std::process::Command::new(crate::support::BIN)
        .arg("init")
        .arg(&target)
        .output()
        .expect("run init");
    assert!(status.status.success());
    let build = std::process::Command::new(crate::support::BIN)
        .args(["build", "--quiet", "--root"])
        .arg(&target)
        .output()
        .expect("run build");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(target.join("public/before/contacts/index.html").exists());
    let again = std::process::Command::new(crate::support::BIN)
        .arg("init")
        .arg(&target)
        .output()
        .expect("run init");
    assert_eq!(
        again.status.code(),
        Some(1),
        "init refuses a non-empty folder"
    );
}

#[test]
fn check_passes_on_the_bundled_guide() {
    let site = TestSite::bundled();
    let stderr = site.run(&["check"]).success().stderr();
    assert!(stderr.contains("no errors"), "{stderr}");
    assert!(!site.public().exists());
}

/// The help text of `args`, which must succeed.
fn help_of(args: &[&str]) -> String {
    let output = std::process::Command::new(crate::support::BIN)
        .args(args)
        .output()
        .expect("help");
    assert!(output.status.success(), "{args:?} fails");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The commands the top-level `--help` lists (without `help` itself).
fn listed_commands(help: &str) -> Vec<String> {
    help.split_once("Commands:\n")
        .expect("a command list")
        .1
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.strip_prefix("  "))
        .filter(|line| !line.starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|&name| name != "help")
        .map(str::to_owned)
        .collect()
}

/// The long options (`--root`) a command's help describes.
fn long_options(help: &str) -> Vec<&str> {
    help.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix('-').and_then(|rest| {
                rest.split_once(", ")
                    .map_or(Some(line), |(_, long)| Some(long))
            })?;
            line.strip_prefix("--")?;
            line.split([' ', '=', '<']).next()
        })
        .filter(|&option| option != "--help" && option != "--version")
        .collect()
}

#[test]
fn every_command_and_option_has_help_and_a_row_in_the_readme() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README");
    let commands = listed_commands(&help_of(&["--help"]));
    for command in ["build", "check", "init", "serve", "vendor-images"] {
        assert!(
            commands.iter().any(|c| c == command),
            "{command} is not listed: {commands:?}"
        );
    }
    for command in &commands {
        let help = help_of(&[command, "--help"]);
        assert!(
            help.contains(&format!("Usage: offboard-site {command}")),
            "{command} --help is not its own: {help}"
        );
        let row_start = format!("| `offboard-site {command}");
        let row = readme
            .lines()
            .find(|line| line.starts_with(&row_start))
            .unwrap_or_else(|| panic!("README's command table has no row for `{command}`"));
        let options = long_options(&help);
        for option in options {
            assert!(
                row.contains(&format!("[{option}")) || row.contains(&format!("`{option}")),
                "README's row for `{command}` does not name `{option}`: {row}"
            );
        }
    }
}

/// The `<div class="prose">` region of a page: the rendered Markdown with
/// step metadata, without the theme's frame.
fn prose(html: &str) -> &str {
    let start = html.find("<div class=\"prose\">").expect("prose start");
    let end = html[start..].find("\n</div>\n").expect("prose end");
    &html[start..start + end]
}

#[test]
fn fixture_pages_render_as_reviewed() {
    let site = TestSite::fixture("basic");
    site.build().success();
    insta::assert_snapshot!("basic_unbind", prose(&site.read("guide/unbind/index.html")));
    insta::assert_snapshot!("basic_guide_section", prose(&site.read("guide/index.html")));
}

#[test]
fn timings_are_printed_only_when_asked_for() {
    let site = TestSite::bundled();
    let quiet = site.build().success();
    assert_eq!(quiet.stderr(), "", "no timings without the variable");
    let timed = std::process::Command::new(crate::support::BIN)
        .args(["build", "--quiet", "--root"])
        .arg(site.root())
        .env(offboard_site::timings::VARIABLE, "1")
        .output()
        .expect("run build");
    assert!(timed.status.success());
    let stderr = String::from_utf8_lossy(&timed.stderr);
    for phase in [
        "markdown rendered",
        "links and steps checked",
        "pages",
        "output swapped in",
    ] {
        assert!(
            stderr.contains(phase),
            "phase `{phase}` missing from:\n{stderr}"
        );
    }
    assert!(stderr.contains(" ms "), "times in milliseconds:\n{stderr}");
}

/// Questions as the bundled guide asks them, in English.
const QUESTIONS: &str = "[[questions]]\nid = \"account\"\nlabel = \"The account is\"\nanswers = [{ id = \"main\", label = \"a main account\" }, { id = \"sub\", label = \"a sub-account\" }]\n[[questions]]\nid = \"verified\"\nlabel = \"Verified\"\nanswers = [{ id = \"yes\", label = \"verified\" }, { id = \"no\", label = \"not verified\" }]\n";

#[test]
fn a_site_using_every_branching_field_builds_the_same_from_toml_and_yaml() {
    let toml = page(
        "title = \"A\"\nwhen = { verified = [\"yes\", \"no\"] }\n[steps.face]\nchoice = \"identity\"\nwhen = { verified = \"yes\" }\n[steps.photos]\nchoice = \"identity\"\n[steps.ask]\noptional = true\n[steps.cancel]\nirreversible = true\nrequires = [\"face\"]",
        "\n- [ ] Face {#face}\n- [ ] Photos {#photos}\n- [ ] Ask {#ask}\n- [ ] Cancel {#cancel}\n",
    );
    let yaml = "---\ntitle: A\nwhen:\n  verified: [\"yes\", \"no\"]\nsteps:\n  face:\n    choice: identity\n    when: { verified: \"yes\" }\n  photos:\n    choice: identity\n  ask:\n    optional: true\n  cancel:\n    irreversible: true\n    requires: [face]\n---\n\n- [ ] Face {#face}\n- [ ] Photos {#photos}\n- [ ] Ask {#ask}\n- [ ] Cancel {#cancel}\n";
    let site = |page: String| {
        TestSite::new()
            .file("site.toml", format!("{SITE_TOML}{QUESTIONS}"))
            .file(
                "content/cancel/_index.md",
                "+++\ntitle = \"Cancel\"\nwhen = { account = \"sub\" }\n+++\n",
            )
            .file("content/cancel/a.md", page)
    };
    let (one, two) = (site(toml), site(yaml.to_owned()));
    one.run(&["check"]).success();
    one.build().success();
    two.build().success();
    let html = one.read("cancel/a/index.html");
    assert_eq!(html, two.read("cancel/a/index.html"));
    for expected in [
        "id=\"face\" data-step=\"face\" data-key=\"cancel/a#face\" data-when=\"account=sub&amp;verified=yes\" data-choice=\"cancel/a#identity\"",
        "id=\"photos\" data-step=\"photos\" data-key=\"cancel/a#photos\" data-when=\"account=sub&amp;verified=yes,no\" data-choice=\"cancel/a#identity\"",
        "data-key=\"cancel/a#ask\" data-when=\"account=sub&amp;verified=yes,no\" data-optional ",
        "data-requires=\"cancel/a#face\" data-when=\"account=sub&amp;verified=yes,no\" data-irreversible ",
    ] {
        assert!(html.contains(expected), "{expected}\n{html}");
    }
    let manifest = one.read("checklist/steps.js");
    assert!(
        manifest.contains("\"questions\":[{\"id\":\"account\""),
        "{manifest}"
    );
    assert_eq!(manifest, two.read("checklist/steps.js"));
}

#[test]
fn a_site_without_questions_has_no_condition_markup() {
    let site = TestSite::fixture("basic");
    site.build().success();
    for file in ["guide/unbind/index.html", "guide/index.html", "index.html"] {
        let html = site.read(file);
        for marker in [
            "data-when",
            "data-choice",
            "data-optional",
            "data-irreversible",
            "step-when",
        ] {
            assert!(!html.contains(marker), "{file}: {marker}");
        }
    }
    let manifest = site.read("checklist/steps.js");
    assert!(manifest.contains("\"questions\":[]"), "{manifest}");
}

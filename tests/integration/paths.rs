//! Output paths: a `slug` or a file name can never make a build write
//! outside its output or replace another file of the site. Bad slugs are
//! errors at their line, sources that clash name both, and a build of a
//! hostile site changes nothing outside its output.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::process::Command;

use crate::support::{BIN, SITE_TOML, TestSite};

fn page(front: &str) -> String {
    format!("+++\n{front}\n+++\n\nText.\n")
}

/// `check` and `build` both fail with the same errors, and the build writes
/// nothing; the errors, with the site's folder as `[ROOT]`.
fn both_fail(site: &TestSite) -> String {
    let checked = site.run(&["check"]).failure();
    let built = site.build().failure();
    assert!(!site.public().exists(), "a failed build must write nothing");
    assert_eq!(checked, built, "`check` and `build` report the same");
    built.replace(&site.root().display().to_string(), "[ROOT]")
}

#[test]
fn bad_slugs_are_errors_at_their_line_all_at_once() {
    let site = TestSite::new()
        .file(
            "content/sec/_index.md",
            page("title = \"S\"\nslug = \"../../../home/u/.ssh\""),
        )
        .file("content/sec/authorized_keys", "ssh-ed25519 AAAA attacker\n")
        .file("content/abs.md", page("title = \"A\"\nslug = \"/tmp/x\""))
        .file(
            "content/up.md",
            page("title = \"U\"\nweight = 2\nslug = \"..\""),
        )
        .file("content/dot.md", page("title = \"D\"\nslug = \".\""))
        .file("content/empty.md", page("title = \"E\"\nslug = \"\""))
        .file("content/back.md", page("title = \"B\"\nslug = \"a/../\""))
        .file("content/win.md", page("title = \"W\"\nslug = \"..\\\\x\""))
        .file(
            "content/nul.md",
            page("title = \"N\"\nslug = \"a\\u0000b\""),
        )
        .file(
            "content/index.md",
            page("title = \"I\"\nslug = \"index.html\""),
        )
        .file(
            "content/yaml.md",
            "---\ntitle: Y\nslug: ../y\n---\n\nText.\n",
        );
    insta::assert_snapshot!(both_fail(&site));
}

#[test]
fn a_relative_slug_of_ordinary_names_is_a_folder_path() {
    let site = TestSite::new()
        .file(
            "content/sec/_index.md",
            page("title = \"S\"\nslug = \"guide\""),
        )
        .file(
            "content/sec/p.md",
            page("title = \"P\"\nslug = \"accounts/unbind\""),
        );
    site.build().success();
    assert!(
        site.public()
            .join("guide/accounts/unbind/index.html")
            .is_file()
    );
}

#[test]
fn file_names_that_are_no_output_path_are_errors() {
    let site = TestSite::new()
        .file("content/tab\there.md", page("title = \"T\""))
        .file("content/new\nline.png", "x")
        .file("content/back\\slash.md", page("title = \"B\""))
        .file("content/esc\u{1b}[31m.md", page("title = \"E\""));
    insta::assert_snapshot!(both_fail(&site));
    let site = TestSite::new().file("static/bell\u{7}.txt", "x");
    insta::assert_snapshot!("static_file_name", both_fail(&site));
}

#[test]
fn two_pages_of_one_folder_are_an_error_naming_both() {
    let site = TestSite::new()
        .file("content/a.md", page("title = \"A\"\nslug = \"b\""))
        .file("content/b.md", page("title = \"B\""));
    let stderr = both_fail(&site);
    assert!(
        stderr.contains("content/b.md: this page would be written to `b/`, like `content/a.md`"),
        "{stderr}"
    );
}

#[test]
fn content_and_static_files_never_replace_generated_ones() {
    let site = TestSite::new()
        .file("content/404.html", "mine")
        .file("content/checklist/steps.js", "mine")
        .file("content/search/index.js", "mine")
        .file("static/search/t0.js", "mine")
        .file("static/assets/style.css", "mine")
        .file("static/sitemap.xml", "no base_url: the site's own")
        .file("content/sec/_index.md", page("title = \"S\""))
        .file("content/sec/index.html", "mine")
        .file("content/readme", "a file where a page needs a folder")
        .file("content/readme.md", page("title = \"R\""))
        .file("content/index.html.md", page("title = \"I\""));
    insta::assert_snapshot!(both_fail(&site));
}

#[test]
fn a_static_file_beside_the_theme_files_is_kept() {
    let site = TestSite::new()
        .file("static/assets/extra.css", "b{}")
        .file("static/404-help.txt", "x");
    site.build().success();
    assert_eq!(site.read("assets/extra.css"), "b{}");
}

#[test]
fn a_sitemap_of_the_sites_own_clashes_only_with_a_generated_one() {
    let site = TestSite::new().file("static/sitemap.xml", "mine");
    site.build().success();
    assert_eq!(site.read("sitemap.xml"), "mine");
    let site = TestSite::new().file("static/sitemap.xml", "mine").file(
        "site.toml",
        format!("base_url = \"https://example.com/\"\n{SITE_TOML}"),
    );
    let stderr = both_fail(&site);
    assert!(
        stderr.contains("`sitemap.xml` would be written by both the generator (the sitemap) and `static/sitemap.xml`"),
        "{stderr}"
    );
}

#[test]
fn paths_differing_only_in_case_are_errors_unless_allowed() {
    let site = TestSite::new()
        .file("content/Guide.md", page("title = \"G\""))
        .file("content/guide.md", page("title = \"g\""))
        .file("content/Sec/_index.md", page("title = \"S\""))
        .file("content/sec/logo.PNG", "x")
        .file("content/sec/logo.png", "y");
    insta::assert_snapshot!(both_fail(&site));
    let site = site.file(
        "site.toml",
        format!("allow_paths_differing_in_case = true\n{SITE_TOML}"),
    );
    site.run(&["check"]).success();
    site.build().success();
    assert!(site.public().join("Guide/index.html").is_file());
    assert!(site.public().join("guide/index.html").is_file());
}

/// What can be seen of one entry on disk, without following links.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    kind: &'static str,
    size: u64,
    modified: Option<std::time::SystemTime>,
    hash: u64,
}

/// Every path under `root` (not following links) with its kind, size,
/// modification time and a hash of its bytes or link target, leaving out
/// `skip` and everything under it.
fn snapshot(root: &Path, skip: &Path) -> BTreeMap<String, Seen> {
    let mut seen = BTreeMap::new();
    let walker = walkdir::WalkDir::new(root).into_iter();
    for entry in walker.filter_entry(|entry| !entry.path().starts_with(skip)) {
        let entry = entry.expect("walk");
        let meta = entry.path().symlink_metadata().expect("lstat");
        let mut hasher = DefaultHasher::new();
        let kind = if meta.is_symlink() {
            std::fs::read_link(entry.path())
                .expect("link")
                .hash(&mut hasher);
            "link"
        } else if meta.is_dir() {
            "folder"
        } else {
            std::fs::read(entry.path()).expect("read").hash(&mut hasher);
            "file"
        };
        let name = entry.path().strip_prefix(root).expect("below");
        seen.insert(
            name.to_string_lossy().into_owned(),
            Seen {
                kind,
                size: meta.len(),
                modified: meta.modified().ok(),
                hash: hasher.finish(),
            },
        );
    }
    seen
}

/// A temporary folder holding `site/` and, beside it, the files an attacker
/// would aim at; the output goes to `out/public`, beside a decoy.
struct Surroundings {
    dir: tempfile::TempDir,
}

impl Surroundings {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in [
            ("home/u/.ssh/authorized_keys", "ssh-ed25519 AAAA owner\n"),
            ("victim/index.html", "the victim's page\n"),
            ("victim/404.html", "the victim's 404\n"),
            ("etc/passwd", "root:x:0:0\n"),
            ("out/decoy.txt", "beside the output\n"),
            ("site/site.toml", SITE_TOML),
            (
                "site/content/_index.md",
                "+++\ntitle = \"Home\"\n+++\n\nHi.\n",
            ),
        ] {
            write(&dir.path().join(path), text);
        }
        Self { dir }
    }

    fn file(self, path: &str, text: &str) -> Self {
        write(&self.dir.path().join("site").join(path), text);
        self
    }

    fn output(&self) -> std::path::PathBuf {
        self.dir.path().join("out/public")
    }

    /// Runs `command` on the site; whether it succeeded.
    fn run(&self, command: &str) -> bool {
        let run = Command::new(BIN)
            .args([command, "--quiet", "--root"])
            .arg(self.dir.path().join("site"))
            .arg("--output")
            .arg(self.output())
            .output()
            .expect("run binary");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        run.status.success()
    }

    /// Runs `check` and `build`, and asserts that nothing outside the
    /// output changed (the build's own dot-named siblings of the output
    /// aside); whether the build succeeded.
    fn build_changes_nothing_outside(&self) -> bool {
        let output = self.output();
        let before = snapshot(self.dir.path(), &output);
        let checked = self.run_check();
        let built = self.run("build");
        assert_eq!(checked, built, "`check` and `build` agree");
        let mut after = snapshot(self.dir.path(), &output);
        after.retain(|path, _| !path.starts_with("out/.public."));
        let changed: Vec<&String> = before
            .keys()
            .chain(after.keys())
            .filter(|path| {
                let (old, new) = (before.get(*path), after.get(*path));
                // The output's own folder changes (the output comes and
                // goes in it); what it holds is compared.
                match (old, new) {
                    (Some(old), Some(new)) if path.as_str() == "out" => old.kind != new.kind,
                    _ => old != new,
                }
            })
            .collect();
        assert!(
            changed.is_empty(),
            "changed outside the output: {changed:?}"
        );
        built
    }

    fn run_check(&self) -> bool {
        let run = Command::new(BIN)
            .args(["check", "--root"])
            .arg(self.dir.path().join("site"))
            .output()
            .expect("run binary");
        run.status.success()
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn a_hostile_site_changes_nothing_outside_its_output() {
    let site = Surroundings::new();
    let absolute = site.dir.path().join("victim").display().to_string();
    let site = site
        // Each aims at a file beside the site, from `out/public/…`.
        .file(
            "content/ssh/_index.md",
            &page("title = \"S\"\nslug = \"../../home/u/.ssh\""),
        )
        .file("content/ssh/authorized_keys", "ssh-ed25519 AAAA attacker\n")
        .file(
            "content/victim.md",
            &page(&format!("title = \"V\"\nslug = \"{absolute}\"")),
        )
        .file(
            "content/etc/_index.md",
            &page("title = \"E\"\nslug = \"../../etc\""),
        )
        .file("content/etc/passwd", "attacker::0:0\n")
        .file("content/up.md", &page("title = \"U\"\nslug = \"..\""))
        .file("content/dot.md", &page("title = \"D\"\nslug = \".\""))
        .file("content/none.md", &page("title = \"N\"\nslug = \"\""))
        .file("content/back.md", &page("title = \"B\"\nslug = \"a/../\""))
        .file(
            "content/win.md",
            &page("title = \"W\"\nslug = \"..\\\\..\\\\victim\""),
        )
        .file(
            "content/index.md",
            &page("title = \"I\"\nslug = \"index.html\""),
        )
        .file("content/tab\t.md", &page("title = \"T\""))
        .file("content/404.html", "replaced")
        .file("content/checklist/steps.js", "replaced")
        .file("static/search/index.js", "replaced");
    assert!(!site.build_changes_nothing_outside(), "the build fails");
    assert!(!site.output().exists(), "and writes nothing");
}

#[test]
fn a_site_of_odd_but_legal_names_builds_and_stays_inside() {
    let site = Surroundings::new()
        .file("content/空 格.md", &page("title = \"Space\""))
        .file("content/faq:general.md", &page("title = \"Colon\""))
        .file("content/a#b?c%d.md", &page("title = \"Marks\""))
        .file("content/x..y.md", &page("title = \"Dots\""))
        .file("content/-dash.md", &page("title = \"Dash\""))
        .file(
            "content/sec/_index.md",
            &page("title = \"S\"\nslug = \"..x/y..\""),
        )
        .file("content/sec/logo (1).png", "png")
        .file("static/robots.txt", "User-agent: *\n");
    assert!(site.build_changes_nothing_outside(), "the build succeeds");
    for made in [
        "空 格/index.html",
        "faq:general/index.html",
        "a#b?c%d/index.html",
        "x..y/index.html",
        "-dash/index.html",
        "..x/y../index.html",
        "..x/y../logo (1).png",
        "robots.txt",
    ] {
        assert!(site.output().join(made).is_file(), "{made}");
    }
}

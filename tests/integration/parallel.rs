//! Pages are rendered and written in parallel; the output must not depend
//! on it. Each site is built with one thread and with several, into two
//! folders, and every file compared byte for byte.

use std::path::Path;
use std::process::Command;

use crate::support::{BIN, TestSite, snapshot_tree};

/// Builds `site` into `output` with `threads` rayon threads.
fn build_with_threads(site: &TestSite, output: &Path, threads: &str) {
    let run = Command::new(BIN)
        .args(["build", "--quiet", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(output)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("run binary");
    assert!(
        run.status.success(),
        "build with {threads} threads failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[track_caller]
fn assert_same_output_sequential_and_parallel(site: &TestSite) {
    let sequential = site.root().join("out-sequential");
    let parallel = site.root().join("out-parallel");
    build_with_threads(site, &sequential, "1");
    build_with_threads(site, &parallel, "8");
    let (one, many) = (snapshot_tree(&sequential), snapshot_tree(&parallel));
    assert!(one.len() > 3, "the site has pages");
    assert_eq!(
        one.iter().map(|(path, _)| path).collect::<Vec<_>>(),
        many.iter().map(|(path, _)| path).collect::<Vec<_>>(),
        "the same files"
    );
    for ((path, a), (_, b)) in one.iter().zip(&many) {
        assert!(a == b, "`{path}` differs between 1 and 8 threads");
    }
}

#[test]
fn bundled_guide_is_the_same_built_sequentially_and_in_parallel() {
    assert_same_output_sequential_and_parallel(&TestSite::bundled());
}

#[test]
fn fixture_is_the_same_built_sequentially_and_in_parallel() {
    assert_same_output_sequential_and_parallel(&TestSite::fixture("basic"));
}

/// Enough pages for rayon to split the work many ways: three sections of
/// twenty pages with steps, requirements across pages, links, an asset and
/// a `static/` file.
#[test]
fn many_pages_are_the_same_built_sequentially_and_in_parallel() {
    let mut site = TestSite::new()
        .file("static/robots.txt", "User-agent: *\n")
        .file("content/s1/diagram.svg", "<svg/>\n");
    for section in 1..=3 {
        site = site.file(
            &format!("content/s{section}/_index.md"),
            format!("+++\ntitle = \"Section {section}\"\nweight = {section}\n+++\n\nIntro.\n"),
        );
        for page in 1..=20 {
            let next = format!("../s{}/p{}.md", section % 3 + 1, page % 20 + 1);
            site = site.file(
                &format!("content/s{section}/p{page}.md"),
                format!(
                    "+++\ntitle = \"Page {section}.{page}\"\nweight = {page}\nrole = \"employee\"\nphase = \"before\"\n\n[steps.second]\nrequires = [\"first\", \"{next}#first\"]\nestimate = \"5m\"\n+++\n\n## Steps\n\n- [ ] First step {{#first}}\n- [ ] Second step, see [the next page]({next}) {{#second}}\n\n## More\n\nText with **bold** and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
                ),
            );
        }
    }
    assert_same_output_sequential_and_parallel(&site);
}

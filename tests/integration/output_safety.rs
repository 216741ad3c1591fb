//! What `build` may replace, through the real binary: only a folder a build
//! made (or any with `--force`), never a file, the site's own folders by any
//! spelling, or anything at all when the site is missing; a symlinked output
//! keeps its link; builds of one output at once all end with one whole site.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{BIN, TestSite, snapshot_tree};

/// The file a build leaves in its output.
const MARKER: &str = ".offboard-site-output";

/// `build --quiet --output OUTPUT` plus `extra` on `site`.
fn build_into(site: &TestSite, output: &Path, extra: &[&str]) -> crate::support::Run {
    let output = output.to_str().expect("utf-8 path");
    let mut args = vec!["build", "--quiet", "--output", output];
    args.extend_from_slice(extra);
    site.run(&args)
}

/// Stderr with the temporary folders replaced by `[TMP]`.
fn scrub(stderr: &str, dir: &Path) -> String {
    let real = dir.canonicalize().expect("canonical");
    stderr
        .replace(&real.display().to_string(), "[TMP]")
        .replace(&dir.display().to_string(), "[TMP]")
}

#[test]
fn an_existing_folder_no_build_made_is_refused_unless_forced() {
    let site = TestSite::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".ssh")).expect("mkdir");
    std::fs::write(home.join(".ssh/id_ed25519"), "secret").expect("write");
    let before = snapshot_tree(dir.path());
    let stderr = build_into(&site, &home, &[]).failure();
    insta::assert_snapshot!(scrub(&stderr, dir.path()));
    assert_eq!(snapshot_tree(dir.path()), before, "nothing changed");
    build_into(&site, &home, &["--force"]).success();
    assert!(!home.join(".ssh").exists(), "--force replaces the folder");
    assert!(home.join("index.html").exists());
}

#[test]
fn a_build_marks_its_output_and_replaces_it_next_time() {
    let site = TestSite::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    build_into(&site, &empty, &[]).success();
    let marker = std::fs::read_to_string(empty.join(MARKER)).expect("marker");
    assert!(marker.contains("offboard-site build"), "{marker}");
    site.build().success();
    site.build().success();
    assert!(site.public().join(MARKER).exists());
}

#[test]
fn an_output_that_is_a_file_is_refused_and_left_alone() {
    let site = TestSite::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("public");
    std::fs::write(&file, "not a folder").expect("write");
    let before = snapshot_tree(dir.path());
    for extra in [&[][..], &["--force"]] {
        let stderr = build_into(&site, &file, extra).failure();
        assert!(stderr.contains("is a file, not a folder"), "{stderr}");
    }
    assert_eq!(snapshot_tree(dir.path()), before);
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        1,
        "nothing was moved aside or created"
    );
}

#[test]
fn a_symlinked_output_is_followed_and_its_link_kept() {
    let site = TestSite::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let web_root = dir.path().join("var/www/site");
    std::fs::create_dir_all(&web_root).expect("mkdir");
    symlink(&web_root, site.public()).expect("link");
    site.build().success();
    let site = site.file("content/_index.md", "+++\ntitle = \"Again\"\n+++\n");
    site.build().success();
    assert!(
        std::fs::symlink_metadata(site.public())
            .expect("there")
            .is_symlink()
    );
    let home = std::fs::read_to_string(web_root.join("index.html")).expect("built");
    assert!(home.contains("Again"), "the target holds the new build");
}

#[test]
fn the_sources_are_refused_by_real_path() {
    let site = TestSite::new().file("static/img/logo.svg", "<svg/>");
    let dir = tempfile::tempdir().expect("temp dir");
    let link_to_site = dir.path().join("link-to-site");
    let into_static = dir.path().join("into-static");
    symlink(site.root(), &link_to_site).expect("link");
    symlink(site.root().join("static/img"), &into_static).expect("link");
    let before = snapshot_tree(site.root());
    let real_root = site.root().canonicalize().expect("canonical");
    let cases = [
        (link_to_site.clone(), real_root.clone()),
        (site.root().to_path_buf(), link_to_site.clone()),
        (site.root().to_path_buf(), into_static.join("../../content")),
        (site.root().to_path_buf(), into_static.clone()),
        (site.root().to_path_buf(), link_to_site.join("themes/x")),
    ];
    for (root, output) in cases {
        let run = Command::new(BIN)
            .args(["build", "--quiet", "--force", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(&output)
            .output()
            .expect("run");
        let stderr = crate::support::Run { output: run }.failure();
        assert!(
            stderr.contains("refusing to write the site here"),
            "--root {} --output {}: {stderr}",
            root.display(),
            output.display()
        );
    }
    assert_eq!(snapshot_tree(site.root()), before, "the site is untouched");
}

#[test]
fn a_missing_site_creates_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nonexistent");
    let run = Command::new(BIN)
        .args(["build", "--root"])
        .arg(&missing)
        .output()
        .expect("run");
    let stderr = crate::support::Run { output: run }.failure();
    insta::assert_snapshot!(scrub(&stderr, dir.path()));
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0);
}

#[test]
fn builds_into_one_output_at_once_end_with_one_whole_site() {
    let site = TestSite::bundled();
    let dir = tempfile::tempdir().expect("temp dir");
    let single = dir.path().join("single");
    build_into(&site, &single, &[]).success();
    let shared = dir.path().join("shared");
    let builds: Vec<_> = (0..4)
        .map(|_| {
            Command::new(BIN)
                .args(["build", "--quiet", "--root"])
                .arg(site.root())
                .arg("--output")
                .arg(&shared)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for build in builds {
        crate::support::Run {
            output: build.wait_with_output().expect("wait"),
        }
        .success();
    }
    assert!(
        snapshot_tree(&shared) == snapshot_tree(&single),
        "one whole site"
    );
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".shared.offboard-lock",
            ".single.offboard-lock",
            "shared",
            "single"
        ],
        "no staging folder is left"
    );
}

#[test]
fn build_help_names_the_refused_folders_and_force() {
    let help = Command::new(BIN)
        .args(["build", "--help"])
        .output()
        .expect("help");
    let text = String::from_utf8_lossy(&help.stdout);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "--force",
        "a file",
        "`/`",
        "the site root or any folder above it",
        "`content/`, `themes/` or `static/`",
        MARKER,
    ] {
        assert!(text.contains(needle), "`{needle}` missing:\n{text}");
    }
}

/// The order of the system calls that make the output durable, seen by
/// `strace` (skipped, saying so, where it is missing or not allowed): the
/// staging file system is flushed before the rename that swaps it in, and
/// the parent folder after.
#[test]
fn the_new_output_is_on_disk_before_it_is_swapped_in() {
    let site = TestSite::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let trace = dir.path().join("trace");
    let output = dir.path().join("public");
    for _ in 0..2 {
        let run = Command::new("strace")
            .args([
                "-f",
                "-e",
                "trace=syncfs,fsync,rename,renameat,renameat2",
                "-o",
            ])
            .arg(&trace)
            .args([BIN, "build", "--quiet", "--root"])
            .arg(site.root())
            .arg("--output")
            .arg(&output)
            .output();
        let Ok(run) = run.map_err(|error| eprintln!("skipped: no strace ({error})")) else {
            return;
        };
        if !run.status.success() && !output.exists() {
            eprintln!("skipped: strace cannot trace here");
            return;
        }
        let calls = std::fs::read_to_string(&trace).expect("trace");
        let calls: Vec<&str> = calls
            .lines()
            .filter_map(|line| line.split_whitespace().nth(1))
            .filter_map(|call| call.split('(').next())
            .filter(|call| !call.starts_with('+'))
            .collect();
        let swap = calls
            .iter()
            .position(|call| call.starts_with("rename"))
            .expect("a rename");
        assert!(
            calls[..swap].contains(&"syncfs"),
            "flushed before: {calls:?}"
        );
        assert!(
            calls[swap..].contains(&"fsync"),
            "parent flushed after: {calls:?}"
        );
    }
}

/// A build that finds the output locked says so, waits, and finishes once
/// the lock is free.
#[test]
fn a_build_waits_for_the_lock_saying_so() {
    use std::io::BufRead;
    let site = TestSite::new();
    let lock_path = site.root().join(".public.offboard-lock");
    let lock = std::fs::File::create(&lock_path).expect("lock file");
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).expect("locked");
    let mut build = Command::new(BIN)
        .args(["build", "--quiet", "--root"])
        .arg(site.root())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = std::io::BufReader::new(build.stderr.take().expect("piped"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("read");
    assert!(line.contains("waiting for another build"), "{line}");
    assert!(!site.public().exists(), "nothing written while it waits");
    drop(lock);
    assert!(build.wait().expect("wait").success());
    assert!(site.public().join("index.html").exists());
}

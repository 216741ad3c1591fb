//! Tests of what a build may replace and how: real paths through symlinks,
//! the marker, the lock, and the fallback swap and its repair after a kill.
//! They run on real temporary folders, since the point is what the file
//! system does.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use super::swap::Swap;
use super::*;

fn page(path: &str, text: &str) -> OutputFile {
    OutputFile {
        path: path.into(),
        contents: Contents::Text(text.into()),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("readable")
}

/// The names in a folder, sorted.
fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// A site root with `content/`, `themes/` and `static/` in a temporary
/// folder.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for folder in ["site/content", "site/themes", "site/static"] {
        std::fs::create_dir_all(dir.path().join(folder)).expect("mkdir");
    }
    dir
}

#[test]
fn real_paths_follow_links_before_applying_dot_dot() {
    let dir = site();
    let root = dir.path().join("site");
    symlink(root.join("static"), dir.path().join("link")).expect("link");
    symlink(dir.path().join("nowhere/yet"), dir.path().join("dangling")).expect("link");
    let real = |path: &str| real_path(&dir.path().join(path)).expect("resolves");
    let base = real("");
    assert_eq!(real("link/../content"), base.join("site/content"));
    assert_eq!(real("link/new/deeper"), base.join("site/static/new/deeper"));
    assert_eq!(real("dangling"), base.join("nowhere/yet"));
    assert_eq!(real("missing/../site/./themes"), base.join("site/themes"));
}

#[test]
fn the_sources_are_refused_through_symlinks() {
    let dir = site();
    let root = dir.path().join("site");
    symlink(&root, dir.path().join("link-to-site")).expect("link");
    symlink(root.join("static"), dir.path().join("into-static")).expect("link");
    symlink(root.join("content"), root.join("public")).expect("link");
    let refused = [
        // `--root link-to-site --output real-path-of-site`
        (dir.path().join("link-to-site"), root.clone()),
        (root.clone(), dir.path().join("link-to-site")),
        (root.clone(), dir.path().join("into-static/../content")),
        (root.clone(), dir.path().join("into-static/img")),
        (root.clone(), root.join("public")),
        (dir.path().join("link-to-site"), dir.path().to_path_buf()),
    ];
    for (site_root, output) in refused {
        assert!(
            check_output_dir(&site_root, &output).is_err(),
            "--root {} --output {}",
            site_root.display(),
            output.display()
        );
    }
    let fine = dir.path().join("link-to-site/out");
    assert!(check_output_dir(&root, &fine).is_ok());
}

#[test]
fn a_build_leaves_its_marker_and_may_replace_its_own_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("public");
    write_atomically(&output, &[page("a.html", "1")]).expect("first");
    assert_eq!(read(&output.join(MARKER)), MARKER_TEXT);
    write_atomically(&output, &[page("b.html", "2")]).expect("second");
    assert_eq!(names(&output), [MARKER, "b.html"]);
}

#[test]
fn a_folder_no_build_made_is_refused_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("home");
    std::fs::create_dir(&output).expect("mkdir");
    write_atomically(&output, &[page("a.html", "1")]).expect("an empty folder is fine");
    std::fs::remove_file(output.join(MARKER)).expect("unmark");
    let error = write_atomically(&output, &[page("b.html", "2")]).expect_err("refused");
    assert!(format!("{error:#}").contains("not made by `offboard-site build`"));
    assert_eq!(names(&output), ["a.html"], "left as it was");
    let sink = StagingSink::create(&output, true).expect("forced");
    sink.finish().expect("swapped");
    assert_eq!(names(&output), [MARKER]);
}

#[test]
fn a_file_is_refused_even_when_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("notes.txt");
    std::fs::write(&output, "mine").expect("write");
    symlink(&output, dir.path().join("link")).expect("link");
    for path in [output.clone(), dir.path().join("link")] {
        let error = StagingSink::create(&path, true).expect_err("refused");
        assert!(format!("{error:#}").contains("is a file, not a folder"));
    }
    assert_eq!(read(&output), "mine");
    assert_eq!(
        names(dir.path()),
        ["link", "notes.txt"],
        "nothing moved aside"
    );
}

#[test]
fn a_symlinked_output_keeps_its_link_and_replaces_the_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let web = dir.path().join("www/site");
    let link = dir.path().join("project/public");
    std::fs::create_dir_all(link.parent().expect("parent")).expect("mkdir");
    symlink(&web, &link).expect("link");
    write_atomically(&link, &[page("a.html", "1")]).expect("first");
    write_atomically(&link, &[page("b.html", "2")]).expect("second");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("there")
            .is_symlink()
    );
    assert_eq!(names(&web), [MARKER, "b.html"]);
    assert_eq!(names(&dir.path().join("project")), ["public"]);
    assert_eq!(
        names(&dir.path().join("www")),
        [".site.offboard-lock", "site"]
    );
}

#[test]
fn a_second_build_waits_for_the_lock_and_gives_up_clearly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("public");
    let first = StagingSink::create(&output, false).expect("first");
    let error = Claim::take(&output, false, Duration::from_millis(200)).expect_err("locked");
    assert!(format!("{error:#}").contains("another build is still writing"));
    first.finish().expect("swapped");
    Claim::take(&output, false, Duration::from_millis(200)).expect("free again");
}

#[test]
fn the_fallback_swap_replaces_the_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("public");
    write_atomically(&output, &[page("old.html", "old")]).expect("first");
    let sink = StagingSink::create(&output, false).expect("staging");
    sink.put(page("new.html", "new")).expect("put");
    sink.finish_with(Swap::Fallback).expect("swapped");
    assert_eq!(names(&output), [MARKER, "new.html"]);
    assert_eq!(names(dir.path()), [".public.offboard-lock", "public"]);
}

/// The state a build killed between the fallback's two renames leaves: no
/// output, the previous one parked, the new one in its staging folder.
#[test]
fn a_kill_inside_the_fallback_swap_is_repaired_by_the_next_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("public");
    write_atomically(&output, &[page("old.html", "old")]).expect("first");
    let retired = dir.path().join(".public.offboard-old");
    let staging = dir.path().join(".public.offboard-new-99999-0");
    std::fs::rename(&output, &retired).expect("first rename");
    std::fs::create_dir(&staging).expect("staging");
    std::fs::write(staging.join("new.html"), "half").expect("write");
    // Not a staging folder of `public`'s, though its name starts the same.
    let other = dir.path().join(".public.offboard-new-1.offboard-new-2-3");
    std::fs::create_dir(&other).expect("other");
    let claim = Claim::take(&output, false, LOCK_WAIT).expect("repaired");
    assert_eq!(
        names(&output),
        [MARKER, "old.html"],
        "the previous output is back"
    );
    std::fs::remove_dir(&other).expect("left alone");
    assert_eq!(names(dir.path()), [".public.offboard-lock", "public"]);
    drop(claim);
    // Killed after the second rename: the parked folder is just removed.
    std::fs::create_dir(&retired).expect("parked");
    Claim::take(&output, false, LOCK_WAIT).expect("repaired");
    assert_eq!(names(&output), [MARKER, "old.html"]);
    assert_eq!(names(dir.path()), [".public.offboard-lock", "public"]);
}

#[test]
fn builds_use_distinct_staging_folders() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = StagingSink::create(&dir.path().join("public"), false).expect("first");
    let name = first.staging.file_name().expect("named").to_string_lossy();
    assert!(
        name.starts_with(&format!(".public.offboard-new-{}-", std::process::id())),
        "{name}"
    );
    let staging = first.staging.clone();
    drop(first);
    let second = StagingSink::create(&dir.path().join("public"), false).expect("second");
    assert_ne!(second.staging, staging);
}

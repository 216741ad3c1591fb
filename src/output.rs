//! Writing the site. The whole output is written into a fresh folder beside
//! the target and then swapped in with one atomic rename, so a build that
//! fails or is killed leaves the previous output as it was, and files of
//! earlier builds never survive.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::fs;

/// What goes into one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Rendered text.
    Text(String),
    /// Bytes built into the binary.
    Embedded(&'static [u8]),
    /// A file copied as it is.
    Copy(PathBuf),
}

/// One file of the output, at a path relative to the output root (`/`
/// separators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path, e.g. `before-leaving/unbind/index.html`.
    pub path: String,
    /// Its contents.
    pub contents: Contents,
}

impl OutputFile {
    /// The file's bytes (reading copied files from disk).
    pub fn bytes(&self) -> Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match &self.contents {
            Contents::Text(text) => text.as_bytes().into(),
            Contents::Embedded(bytes) => (*bytes).into(),
            Contents::Copy(path) => fs::read(path)?.into(),
        })
    }
}

/// Folds `.` and `..` of an absolute form of `path` without touching the
/// disk (the output folder may not exist yet).
fn absolute(path: &Path) -> Result<PathBuf> {
    let path = std::path::absolute(path)
        .with_context(|| format!("cannot resolve `{}`", path.display()))?;
    let mut clean = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    Ok(clean)
}

/// Refuses output folders whose replacement would destroy the site: the
/// root itself, a parent of it, `/`, or anything inside `content/`,
/// `themes/` or `static/`.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let refuse = |why: &str| {
        Err(
            Diagnostic::new(output, format!("refusing to write the site here: {why}"))
                .hint("pass `--output` with a folder of its own, such as `public`"),
        )
    };
    let (Ok(root), Ok(target)) = (absolute(root), absolute(output)) else {
        return refuse("the path cannot be resolved");
    };
    if target.parent().is_none() {
        return refuse("it is the file-system root `/`, which would be replaced");
    }
    if root.starts_with(&target) {
        return refuse("it is the site root or a folder above it, which would be replaced");
    }
    for inside in ["content", "themes", "static"] {
        if target.starts_with(root.join(inside)) {
            return refuse(&format!(
                "it is inside `{inside}/`, which holds the site's sources"
            ));
        }
    }
    Ok(())
}

/// Writes `files` as the new contents of `output`, atomically.
pub fn write_atomically(output: &Path, files: &[OutputFile]) -> Result<()> {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let staging = parent.join(format!(".{name}.offboard-new"));
    let retired = parent.join(format!(".{name}.offboard-old"));
    fs::remove_dir_all(&staging)?;
    fs::remove_dir_all(&retired)?;
    write_tree(&staging, files)?;
    swap_in(&staging, output, &retired)
}

fn write_tree(dir: &Path, files: &[OutputFile]) -> Result<()> {
    fs::create_dir_all(dir)?;
    let folders: BTreeSet<&str> = files
        .iter()
        .filter_map(|file| file.path.rsplit_once('/').map(|(folder, _)| folder))
        .collect();
    for folder in folders {
        fs::create_dir_all(&dir.join(folder))?;
    }
    files.par_iter().try_for_each(|file| {
        let target = dir.join(&file.path);
        match &file.contents {
            Contents::Copy(source) => {
                std::fs::copy(source, &target).map(|_| ()).with_context(|| {
                    format!(
                        "cannot copy `{}` to `{}`",
                        source.display(),
                        target.display()
                    )
                })
            }
            Contents::Text(text) => write_new(&target, text.as_bytes()),
            Contents::Embedded(bytes) => write_new(&target, bytes),
        }
    })
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write `{}`", path.display()))
}

/// Puts `staging` where `output` is. With an existing output, the two are
/// exchanged in one atomic step where the file system allows it.
fn swap_in(staging: &Path, output: &Path, retired: &Path) -> Result<()> {
    if !output.exists() {
        return fs::rename(staging, output);
    }
    let exchanged = rustix::fs::renameat_with(
        rustix::fs::CWD,
        staging,
        rustix::fs::CWD,
        output,
        rustix::fs::RenameFlags::EXCHANGE,
    );
    if exchanged.is_ok() {
        return fs::remove_dir_all(staging);
    }
    fs::rename(output, retired)?;
    fs::rename(staging, output)?;
    fs::remove_dir_all(retired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_output_folders() {
        let root = Path::new("/srv/site");
        for bad in [
            "/srv/site",
            "/srv",
            "/",
            "/srv/site/content",
            "/srv/site/content/x",
            "/srv/site/static",
            "/srv/site/.",
        ] {
            assert!(check_output_dir(root, Path::new(bad)).is_err(), "{bad}");
        }
        for good in ["/srv/site/public", "/tmp/out", "/srv/site-public"] {
            assert!(check_output_dir(root, Path::new(good)).is_ok(), "{good}");
        }
    }

    #[test]
    fn replaces_the_whole_output() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        let old = [OutputFile {
            path: "stale/index.html".into(),
            contents: Contents::Text("old".into()),
        }];
        write_atomically(&output, &old).expect("first write");
        let new = [OutputFile {
            path: "a/index.html".into(),
            contents: Contents::Text("new".into()),
        }];
        write_atomically(&output, &new).expect("second write");
        assert!(!output.join("stale").exists());
        assert_eq!(
            std::fs::read_to_string(output.join("a/index.html")).expect("written"),
            "new"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(leftovers.len(), 1, "no staging folders are left behind");
    }
}

//! Where the site goes. Rendered files are handed one at a time, as they are
//! made, to an [`OutputSink`]: `build` streams them into a fresh folder
//! beside the target ([`StagingSink`]) that is then swapped in with one
//! atomic rename, so a build that fails or is killed leaves the previous
//! output as it was, files of earlier builds never survive, and a 10,000-page
//! site is never held in memory at once; `serve` and tests keep them in
//! memory ([`MemorySink`]).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

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
    pub path: crate::output_path::OutputPath,
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

/// Takes the finished files of a build, from several threads at once.
///
/// Files put at the same time must have distinct paths; of two files with
/// one path, the one put later wins (site `static/` files replace generated
/// ones this way).
pub trait OutputSink: Sync {
    /// Takes one finished file.
    fn put(&self, file: OutputFile) -> Result<()>;
}

/// Keeps every file in memory, for `serve`, `check` and tests.
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<Vec<OutputFile>>,
}

impl MemorySink {
    /// The files sorted by path, so the order is stable; of files sharing a
    /// path, the one put last.
    pub fn into_files(self) -> Vec<OutputFile> {
        let files = self
            .files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut by_path = BTreeMap::new();
        for file in files {
            by_path.insert(file.path.clone(), file);
        }
        by_path.into_values().collect()
    }
}

impl OutputSink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<()> {
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(file);
        Ok(())
    }
}

/// Writes each file straight into a fresh staging folder beside the output.
/// [`StagingSink::finish`] swaps it in atomically; dropped unfinished (the
/// build failed), it removes the staging folder and the previous output
/// stays as it was.
#[derive(Debug)]
pub struct StagingSink {
    output: PathBuf,
    staging: PathBuf,
    retired: PathBuf,
    finished: bool,
}

impl StagingSink {
    /// Starts an empty staging folder for `output`.
    pub fn create(output: &Path) -> Result<Self> {
        let name = output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let sink = Self {
            output: output.to_path_buf(),
            staging: parent.join(format!(".{name}.offboard-new")),
            retired: parent.join(format!(".{name}.offboard-old")),
            finished: false,
        };
        fs::remove_dir_all(&sink.staging)?;
        fs::remove_dir_all(&sink.retired)?;
        fs::create_dir_all(&sink.staging)?;
        Ok(sink)
    }

    /// Puts the staging folder where the output is.
    pub fn finish(mut self) -> Result<()> {
        // From here on a failure leaves the staging folder for inspection.
        self.finished = true;
        swap_in(&self.staging, &self.output, &self.retired)
    }

    fn write(&self, file: &OutputFile) -> Result<()> {
        let target = self.staging.join(&file.path);
        if let Some(folder) = target.parent() {
            ensure_dir(folder)?;
        }
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
    }
}

impl OutputSink for StagingSink {
    fn put(&self, file: OutputFile) -> Result<()> {
        self.write(&file)
    }
}

impl Drop for StagingSink {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Writes `files` as the new contents of `output`, atomically.
pub fn write_atomically(output: &Path, files: &[OutputFile]) -> Result<()> {
    let sink = StagingSink::create(output)?;
    files.par_iter().try_for_each(|file| sink.write(file))?;
    sink.finish()
}

/// Makes sure `folder` exists: one `mkdir` when its parent does (the usual
/// case: a page's own folder inside its section's), more only when not.
fn ensure_dir(folder: &Path) -> Result<()> {
    match std::fs::create_dir(folder) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(_) => fs::create_dir_all(folder),
    }
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

    #[test]
    fn an_unfinished_build_leaves_the_previous_output() {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = dir.path().join("public");
        let old = [OutputFile {
            path: "index.html".into(),
            contents: Contents::Text("old".into()),
        }];
        write_atomically(&output, &old).expect("first write");
        {
            let sink = StagingSink::create(&output).expect("staging");
            sink.put(OutputFile {
                path: "a/b/index.html".into(),
                contents: Contents::Text("half".into()),
            })
            .expect("streamed");
            // The build fails here: the sink is dropped unfinished.
        }
        assert_eq!(
            std::fs::read_to_string(output.join("index.html")).expect("kept"),
            "old"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(leftovers.len(), 1, "the staging folder is removed");
    }

    #[test]
    fn in_memory_the_file_put_last_wins() {
        let sink = MemorySink::default();
        for (path, text) in [("b", "1"), ("a", "2"), ("b", "3")] {
            sink.put(OutputFile {
                path: path.into(),
                contents: Contents::Text(text.into()),
            })
            .expect("kept");
        }
        let files: Vec<(String, Contents)> = sink
            .into_files()
            .into_iter()
            .map(|file| (file.path.to_string(), file.contents))
            .collect();
        assert_eq!(
            files,
            [
                ("a".to_owned(), Contents::Text("2".into())),
                ("b".to_owned(), Contents::Text("3".into()))
            ]
        );
    }
}

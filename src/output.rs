//! Where the site goes. Rendered files are handed one at a time, as they are
//! made, to an [`OutputSink`]: `build` streams them into a fresh folder
//! beside the target ([`StagingSink`]) that is then flushed to disk and
//! swapped in with one atomic rename, so a build that fails or is killed
//! leaves the previous output as it was, files of earlier builds never
//! survive, and a 10,000-page site is never held in memory at once;
//! `render_site` (which `serve`'s first render and the tests use) keeps them
//! in memory ([`MemorySink`]), and `check` drops them. Which folders a build may
//! replace, and the lock that keeps two builds apart, are in `target`; the
//! swap itself, and its repair after a kill, in `swap`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::fs;

#[cfg(test)]
mod safety_tests;
mod swap;
mod target;

use swap::{Swap, swap_in};
pub use target::{
    Claim, LOCK_WAIT, MARKER, MARKER_TEXT, SOURCE_DIRS, check_output_dir, real_path,
    refused_output_items, refused_outputs,
};

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

/// Takes the finished files of a build, from several threads at once.
///
/// Files of one build have distinct paths: a build refuses two sources of
/// one output path before it renders anything (`build::claims`). Of two
/// files put with one path, the one put later wins.
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

/// Writes each file straight into a fresh staging folder beside the output
/// (named after this process, so builds never share one).
/// [`StagingSink::finish`] flushes it to disk and swaps it in atomically;
/// dropped unfinished (the build failed), it removes the staging folder and
/// the previous output stays as it was. The output stays locked
/// ([`Claim`]) until the sink is gone.
#[derive(Debug)]
pub struct StagingSink {
    claim: Claim,
    staging: PathBuf,
    finished: bool,
    /// Files put so far (the marker not counted).
    written: AtomicUsize,
}

impl StagingSink {
    /// Claims `output` (see [`Claim::take`]) and starts an empty staging
    /// folder beside it, holding the [`MARKER`].
    pub fn create(output: &Path, force: bool) -> Result<Self> {
        static SERIAL: AtomicU64 = AtomicU64::new(0);
        let claim = Claim::take(output, force, LOCK_WAIT)?;
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let staging = claim.sibling(&format!("new-{}-{serial}", std::process::id()));
        fs::remove_dir_all(&staging)?;
        fs::create_dir_all(&staging)?;
        let sink = Self {
            claim,
            staging,
            finished: false,
            written: AtomicUsize::new(0),
        };
        fs::write_new(&sink.staging.join(MARKER), MARKER_TEXT.as_bytes())?;
        Ok(sink)
    }

    /// How many files were put (the [`MARKER`] not counted).
    pub fn files(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    /// Flushes the staging folder to disk and puts it where the output is.
    pub fn finish(self) -> Result<()> {
        self.finish_with(Swap::Atomic)
    }

    fn finish_with(mut self, swap: Swap) -> Result<()> {
        // From here on a failure leaves the staging folder for inspection.
        self.finished = true;
        // Every file and folder on disk before the swap, so a power cut
        // after it cannot leave empty files: one `syncfs` of the staging
        // file system. On the 1,000-page corpus it cost 0-4% of the build;
        // an `fsync` of each file and folder made the build 3-4 times
        // slower (medians of 5, 2026-12-04).
        fs::sync_file_system(&self.staging)?;
        swap_in(
            &self.staging,
            &self.claim.folder,
            &self.claim.retired(),
            swap,
        )
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
            Contents::Text(text) => fs::write_new(&target, text.as_bytes()),
            Contents::Embedded(bytes) => fs::write_new(&target, bytes),
        }
    }
}

impl OutputSink for StagingSink {
    fn put(&self, file: OutputFile) -> Result<()> {
        self.written.fetch_add(1, Ordering::Relaxed);
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
    let sink = StagingSink::create(output, false)?;
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
        assert_eq!(
            leftovers.len(),
            2,
            "no staging folders, only the output and its lock"
        );
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
            let sink = StagingSink::create(&output, false).expect("staging");
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
        assert_eq!(leftovers.len(), 2, "the staging folder is removed");
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

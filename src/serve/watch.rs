//! Watching the site's sources and turning file-system events into batches
//! of changes, one batch per save.
//!
//! Only `site.toml` and the `content/`, `themes/` and `static/` folders are
//! watched (the root itself without recursion, so a huge `target/` or the
//! published `public/` costs nothing). A source folder created or replaced
//! later (a `git checkout`, a rename) is watched again when it appears.
//! In a git checkout, its git folder is watched too (without recursion), so
//! a commit or checkout updates the pages' "last updated" dates.
//!
//! Editors save in many small events: a temporary file written and renamed
//! over the original, a backup renamed away, several writes in a row. Events
//! are collected until the tree has been quiet for a short moment, so each
//! save ends in exactly one rebuild. Our own reads during a rebuild produce
//! only access events, which are ignored, so a rebuild never triggers
//! another.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::change::{ChangeKind, classify};

/// The folders under the root that hold sources.
const SOURCE_DIRS: [&str; 3] = ["content", "themes", "static"];

/// How long the tree must be quiet before a batch is handed over: long
/// enough to join an editor's write-then-rename, short enough to feel
/// instant.
pub const QUIET: Duration = Duration::from_millis(20);

/// A batch is handed over after this long even if events keep coming (a
/// long copy into `content/`), so the browser still sees progress.
const LONGEST_BATCH: Duration = Duration::from_secs(2);

/// The changes of one save (or of one burst of saves).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Changed paths relative to the root, with what they are; never
    /// [`ChangeKind::Ignored`].
    pub changes: BTreeMap<PathBuf, ChangeKind>,
    /// Events were lost (the kernel's queue overflowed): rebuild everything.
    pub rescan: bool,
    /// A file of the git checkout's own folder changed (a commit, a
    /// checkout, a reset, or only `git status` refreshing its index): the
    /// pages' "last updated" dates may have changed.
    pub git: bool,
}

impl Batch {
    /// Whether nothing relevant happened.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && !self.rescan && !self.git
    }
}

/// What [`SourceWatcher::next`] saw.
#[derive(Debug)]
pub enum Next {
    /// Changes.
    Batch(Batch),
    /// Nothing for as long as was asked.
    Idle,
    /// The watcher stopped.
    Stopped,
}

/// A running watcher of one site.
pub struct SourceWatcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    /// Files pages include (relative to the root), outside the watched
    /// folders or not.
    included: BTreeSet<PathBuf>,
    /// Folders outside the source folders watched for included files.
    included_dirs: BTreeSet<PathBuf>,
    /// The git folder of the checkout holding the site, watched without
    /// recursion (and its `logs/`), when there is one.
    git_dir: Option<PathBuf>,
}

impl SourceWatcher {
    /// Starts watching the site at `root` (an absolute, canonical path).
    pub fn start(root: &Path) -> Result<Self> {
        let (sender, events) = channel();
        let watcher = notify::recommended_watcher(move |event| {
            // The receiver is gone only when serve is shutting down.
            let _ = sender.send(event);
        })
        .context("cannot start watching files for changes")?;
        let mut watcher = Self {
            root: root.to_path_buf(),
            watcher,
            events,
            included: BTreeSet::new(),
            included_dirs: BTreeSet::new(),
            git_dir: None,
        };
        watcher
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch `{}` for changes", root.display()))?;
        for dir in SOURCE_DIRS {
            watcher.watch_source_dir(dir)?;
        }
        watcher.watch_git_dir();
        Ok(watcher)
    }

    /// Watches the git folder of the checkout holding the site, if any:
    /// a commit writes `COMMIT_EDITMSG` and `logs/HEAD`, a checkout `HEAD`,
    /// a reset `ORIG_HEAD`. Without it, dates still follow at the next
    /// save (see `rebuild`).
    fn watch_git_dir(&mut self) {
        let Some(git_dir) = crate::git_dates::git_dir(&self.root) else {
            return;
        };
        for dir in [git_dir.clone(), git_dir.join("logs")] {
            // Best effort: a missing `logs/` (reflogs off) is fine.
            let _ = self.watcher.watch(&dir, RecursiveMode::NonRecursive);
        }
        self.git_dir = Some(git_dir);
    }

    /// Watches `root/dir` recursively if it exists.
    fn watch_source_dir(&mut self, dir: &str) -> Result<()> {
        let path = self.root.join(dir);
        if !path.is_dir() {
            return Ok(());
        }
        // Watching again after the folder was replaced: the old watch died
        // with the old folder, and a second watch of a live one is harmless.
        self.watcher
            .watch(&path, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch `{}` for changes", path.display()))
    }

    /// Watches, from now on, the files pages include (relative to the
    /// root): a change to one outside `content/`, `themes/` and `static/`
    /// is reported as [`ChangeKind::Included`]. Their folders are watched
    /// alone (not their subfolders), once each.
    pub fn watch_included(&mut self, files: BTreeSet<PathBuf>) {
        for file in &files {
            let Some(dir) = file.parent() else { continue };
            let inside_sources = SOURCE_DIRS.iter().any(|source| file.starts_with(source));
            if inside_sources || dir.as_os_str().is_empty() || self.included_dirs.contains(dir) {
                continue;
            }
            match self
                .watcher
                .watch(&self.root.join(dir), RecursiveMode::NonRecursive)
            {
                Ok(()) => {
                    self.included_dirs.insert(dir.to_path_buf());
                }
                Err(error) => eprintln!(
                    "serve: cannot watch `{}` for changes to included files: {error}",
                    dir.display()
                ),
            }
        }
        self.included = files;
    }

    /// Waits for the next batch of relevant changes. `None` when the
    /// watcher stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        match self.next(None) {
            Next::Batch(batch) => Some(batch),
            Next::Idle | Next::Stopped => None,
        }
    }

    /// Waits for the next batch of relevant changes, or until nothing
    /// relevant happened for `idle` (when given).
    pub fn next(&mut self, idle: Option<Duration>) -> Next {
        let mut batch = Batch::default();
        let waiting = Instant::now();
        while batch.is_empty() {
            let event = match idle {
                None => self
                    .events
                    .recv()
                    .map_err(|_| RecvTimeoutError::Disconnected),
                Some(idle) => self
                    .events
                    .recv_timeout(idle.saturating_sub(waiting.elapsed())),
            };
            match event {
                Ok(event) => self.add(&mut batch, event),
                Err(RecvTimeoutError::Timeout) => return Next::Idle,
                Err(RecvTimeoutError::Disconnected) => return Next::Stopped,
            }
        }
        let started = Instant::now();
        while started.elapsed() < LONGEST_BATCH {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => self.add(&mut batch, event),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        Next::Batch(batch)
    }

    fn add(&mut self, batch: &mut Batch, event: notify::Result<Event>) {
        let event = match event {
            Ok(event) => event,
            Err(error) => {
                eprintln!("serve: watching files: {error}; rebuilding everything");
                batch.rescan = true;
                return;
            }
        };
        if event.need_rescan() {
            batch.rescan = true;
        }
        if !is_relevant(event.kind) {
            return;
        }
        for path in &event.paths {
            if self
                .git_dir
                .as_ref()
                .is_some_and(|git| path.starts_with(git))
            {
                batch.git = true;
                continue;
            }
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            if matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_))
                && let Some(dir) = SOURCE_DIRS.iter().find(|dir| relative == Path::new(dir))
                && let Err(error) = self.watch_source_dir(dir)
            {
                eprintln!("serve: {error:#}");
            }
            let kind = match classify(relative) {
                ChangeKind::Ignored if self.included.contains(relative) => ChangeKind::Included,
                kind => kind,
            };
            if kind != ChangeKind::Ignored {
                batch.changes.insert(relative.to_path_buf(), kind);
            }
        }
    }
}

/// Events that mean a file's contents, name or existence changed. Reads
/// (including our own during a rebuild) and metadata changes are not.
fn is_relevant(kind: EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) | EventKind::Other => {
            false
        }
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, MetadataKind, RemoveKind, RenameMode};

    #[test]
    fn reads_and_metadata_are_not_changes() {
        assert!(!is_relevant(EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_relevant(EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_relevant(EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::Any
        ))));
        assert!(is_relevant(EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_relevant(EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_relevant(EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        ))));
        assert!(is_relevant(EventKind::Create(CreateKind::File)));
        assert!(is_relevant(EventKind::Remove(RemoveKind::Folder)));
    }

    /// Polls for a batch with a deadline so a broken watcher fails the test
    /// instead of hanging it.
    fn batch_within(watcher: SourceWatcher, limit: Duration) -> (SourceWatcher, Option<Batch>) {
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let mut watcher = watcher;
            let batch = watcher.next_batch();
            let _ = sender.send((watcher, batch));
        });
        receiver
            .recv_timeout(limit)
            .unwrap_or_else(|error| panic!("no batch within {limit:?}: {error}"))
    }

    #[test]
    fn an_atomic_save_is_one_batch_without_the_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        std::fs::write(root.join("content/a.md"), "old").expect("write");
        let watcher = SourceWatcher::start(&root).expect("watch");
        std::fs::write(root.join("content/.a.md.swp"), "swap").expect("write swap");
        std::fs::write(root.join("content/a.md.tmp"), "new").expect("write temp");
        std::fs::rename(root.join("content/a.md.tmp"), root.join("content/a.md")).expect("rename");
        std::fs::write(root.join("public-ignored"), "x").expect("write");
        let (_watcher, batch) = batch_within(watcher, Duration::from_secs(10));
        let batch = batch.expect("a batch");
        assert_eq!(
            batch.changes.into_iter().collect::<Vec<_>>(),
            vec![(PathBuf::from("content/a.md"), ChangeKind::Page)]
        );
    }

    #[test]
    fn a_source_folder_created_later_is_watched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        let watcher = SourceWatcher::start(&root).expect("watch");
        std::fs::create_dir_all(root.join("static")).expect("mkdir");
        let (watcher, batch) = batch_within(watcher, Duration::from_secs(10));
        assert!(
            batch
                .expect("a batch")
                .changes
                .contains_key(Path::new("static"))
        );
        std::fs::write(root.join("static/logo.svg"), "<svg/>").expect("write");
        let (_watcher, batch) = batch_within(watcher, Duration::from_secs(10));
        assert_eq!(
            batch
                .expect("a batch")
                .changes
                .get(Path::new("static/logo.svg")),
            Some(&ChangeKind::StaticFile)
        );
    }
}

//! Which folder a build may replace, decided before anything is written.
//! Paths are compared as the file system resolves them (symlinks and `..`
//! included), never as text, so no spelling of the site's own folders gets
//! past the checks; a folder is replaced only when a build made it (it holds
//! the [`MARKER`]) or the user said `--force`; and one build at a time holds
//! a given output, through an advisory lock beside it.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use rustix::fs::FlockOperation;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::fs;

/// The file every build leaves in its output, so a later build knows the
/// folder is its own to replace. Its contents never change, so the same
/// input still gives byte-identical output.
pub const MARKER: &str = ".offboard-site-output";

/// What the marker file says.
pub const MARKER_TEXT: &str =
    "This folder was written by `offboard-site build`, which replaces it whole on every build.\n";

/// How long a build waits for another build of the same output to finish
/// before it gives up.
pub const LOCK_WAIT: Duration = Duration::from_mins(10);

/// Symlinks followed while resolving one path before giving up (Linux's
/// own limit).
const MAX_LINKS: usize = 40;

/// The real path `path` names, as the file system would resolve it:
/// symlinks followed (a dangling one to where it points) and `..` applied
/// after the link before it. Unlike `canonicalize`, the end of the path need
/// not exist yet: it is appended to the real form of its nearest existing
/// ancestor.
pub fn real_path(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path)
        .with_context(|| format!("cannot resolve `{}`", path.display()))?;
    let mut pending = parts_reversed(&absolute);
    let mut real = PathBuf::from("/");
    let mut links = 0;
    while let Some(part) = pending.pop() {
        match part {
            Part::Root => real = PathBuf::from("/"),
            Part::Up => {
                real.pop();
            }
            Part::Name(name) => {
                let next = real.join(&name);
                let is_link = fs::symlink_metadata(&next).is_some_and(|m| m.is_symlink());
                if !is_link {
                    real = next;
                    continue;
                }
                links += 1;
                if links > MAX_LINKS {
                    bail!("too many symlinks while resolving `{}`", path.display());
                }
                pending.extend(parts_reversed(&fs::read_link(&next)?));
            }
        }
    }
    Ok(real)
}

/// One step of a path being resolved.
enum Part {
    Root,
    Up,
    Name(OsString),
}

/// The parts of `path`, last first (a stack to pop from).
fn parts_reversed(path: &Path) -> Vec<Part> {
    let mut parts: Vec<Part> = path
        .components()
        .filter_map(|component| match component {
            Component::RootDir | Component::Prefix(_) => Some(Part::Root),
            Component::ParentDir => Some(Part::Up),
            Component::CurDir => None,
            Component::Normal(name) => Some(Part::Name(name.to_owned())),
        })
        .collect();
    parts.reverse();
    parts
}

/// The folders under the site root that hold its sources; no output may
/// be inside one.
pub const SOURCE_DIRS: [&str; 3] = ["content", "themes", "static"];

/// The outputs refused even with `--force`, one by one, in the words
/// `build --help` and the README use (a test holds the README to them):
/// a file, `/`, the site root or a folder above it, anything inside a
/// [`SOURCE_DIRS`] folder.
pub fn refused_output_items() -> [String; 4] {
    let sources: Vec<String> = SOURCE_DIRS
        .iter()
        .map(|name| format!("`{name}/`"))
        .collect();
    let inside = match sources.split_last() {
        Some((last, others)) => format!("anything inside {} or {last}", others.join(", ")),
        None => String::new(),
    };
    [
        "a file".to_owned(),
        "`/`".to_owned(),
        "the site root or any folder above it".to_owned(),
        inside,
    ]
}

/// [`refused_output_items`] as one phrase.
pub fn refused_outputs() -> String {
    let [file, slash, root, inside] = refused_output_items();
    format!("{file}, {slash}, {root}, and {inside}")
}

/// Refuses output folders whose replacement would destroy the site: the
/// root itself, a parent of it, `/`, or anything inside `content/`,
/// `themes/` or `static/`, compared by their real paths.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let refuse = |why: &str| {
        Err(
            Diagnostic::new(output, format!("refusing to write the site here: {why}"))
                .hint("pass `--output` with a folder of its own, such as `public`"),
        )
    };
    let (Ok(root), Ok(target)) = (real_path(root), real_path(output)) else {
        return refuse("the path cannot be resolved");
    };
    if target.parent().is_none() {
        return refuse("it is the file-system root `/`, which would be replaced");
    }
    if root.starts_with(&target) {
        return refuse("it is the site root or a folder above it, which would be replaced");
    }
    for inside in SOURCE_DIRS {
        if target.starts_with(root.join(inside)) {
            return refuse(&format!(
                "it is inside `{inside}/`, which holds the site's sources"
            ));
        }
    }
    Ok(())
}

/// An output folder a build has claimed: resolved, checked, and locked
/// until this is dropped.
#[derive(Debug)]
pub struct Claim {
    /// The real folder that is replaced (a symlinked output's target).
    pub folder: PathBuf,
    /// Its parent, which holds the staging folders and the lock.
    pub parent: PathBuf,
    /// The folder's name, which names its staging folders and lock.
    pub name: String,
    /// The open lock file; `None` when the file system has no locks.
    lock: Option<std::fs::File>,
}

impl Claim {
    /// Resolves `output`, refuses a file or (without `force`) a non-empty
    /// folder a build did not make, waits up to `wait` for any other build
    /// of it, and repairs what a build killed mid-swap left.
    pub fn take(output: &Path, force: bool, wait: Duration) -> Result<Self> {
        let folder = real_path(output)?;
        let refuse = |message: String, hint: &str| -> Result<Self> {
            Err(Diagnostics::from(Diagnostic::new(output, message).hint(hint)).into())
        };
        let (Some(parent), Some(name)) = (folder.parent(), folder.file_name()) else {
            return refuse(
                "refusing to write the site here: it is the file-system root `/`".into(),
                "pass `--output` with a folder of its own, such as `public`",
            );
        };
        if fs::symlink_metadata(&folder).is_some_and(|m| !m.is_dir()) {
            return refuse(
                format!(
                    "refusing to write the site here: it is a file, not a folder{}",
                    resolved(output, &folder)
                ),
                "pass `--output` with a folder; a file is never replaced, not even with `--force`",
            );
        }
        let mut claim = Self {
            name: name.to_string_lossy().into_owned(),
            parent: parent.to_path_buf(),
            lock: None,
            folder: folder.clone(),
        };
        // Asked before the lock too, so a refused build creates nothing;
        // asked again under it, after any repair.
        let mut replaceable = force || claim.is_replaceable()?;
        if replaceable {
            fs::create_dir_all(parent)?;
            claim.lock = lock(&claim.sibling("lock"), wait)?;
            claim.repair()?;
            replaceable = force || claim.is_replaceable()?;
        }
        if !replaceable {
            return refuse(
                format!(
                    "refusing to replace this folder{}: it is not empty and was not made by `offboard-site build` (it has no `{MARKER}` file)",
                    resolved(output, &folder)
                ),
                "pass `--output` with a new or empty folder, or add `--force` to delete everything in this one and put the site there",
            );
        }
        Ok(claim)
    }

    /// A hidden path beside the folder: `.<name>.offboard-<what>`.
    pub fn sibling(&self, what: &str) -> PathBuf {
        self.parent.join(format!(".{}.offboard-{what}", self.name))
    }

    /// Where the non-atomic swap parks the previous output.
    pub fn retired(&self) -> PathBuf {
        self.sibling("old")
    }

    /// Puts back an output a build killed between the two renames of the
    /// fallback swap left parked, and removes staging folders of builds
    /// that were killed. Runs under the lock, so none of them is live.
    fn repair(&self) -> Result<()> {
        super::swap::recover(&self.folder, &self.retired())?;
        if self.lock.is_none() {
            return Ok(());
        }
        let prefix = format!(".{}.offboard-new-", self.name);
        for entry in fs::list_dir(&self.parent)? {
            // `<pid>-<n>`, so another output's staging folder, whose name
            // only starts the same way, is never taken for one of ours.
            let is_ours = entry
                .to_str()
                .and_then(|e| e.strip_prefix(&prefix))
                .is_some_and(|rest| {
                    rest.split_once('-').is_some_and(|(pid, n)| {
                        [pid, n].iter().all(|part| {
                            !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())
                        })
                    })
                });
            if is_ours {
                fs::remove_dir_all(&self.parent.join(entry))?;
            }
        }
        Ok(())
    }

    /// Whether the folder is missing, empty or a build's own.
    fn is_replaceable(&self) -> Result<bool> {
        Ok(!fs::exists(&self.folder)
            || fs::exists(&self.folder.join(MARKER))
            || fs::is_empty_dir(&self.folder)?)
    }
}

/// Names the real folder in a message when the output was given as
/// another path to it (through a symlink, say).
fn resolved(output: &Path, folder: &Path) -> String {
    let given = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
    if given == folder {
        String::new()
    } else {
        format!(" (`{}`)", folder.display())
    }
}

/// Takes the advisory lock at `path`, waiting up to `wait` (and saying so)
/// while another build holds it. A file system without locks gets no lock.
fn lock(path: &Path, wait: Duration) -> Result<Option<std::fs::File>> {
    let file = fs::open_lock_file(path)?;
    let started = Instant::now();
    let mut told = false;
    loop {
        match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => return Ok(Some(file)),
            Err(rustix::io::Errno::WOULDBLOCK) => {}
            Err(rustix::io::Errno::NOLCK | rustix::io::Errno::OPNOTSUPP) => return Ok(None),
            Err(error) => {
                return Err(error).with_context(|| format!("cannot lock `{}`", path.display()));
            }
        }
        if started.elapsed() >= wait {
            bail!(
                "another build is still writing this output after {} s; gave up waiting (its lock is `{}`)",
                wait.as_secs(),
                path.display()
            );
        }
        if !told {
            eprintln!(
                "waiting for another build of this output to finish (lock `{}`)",
                path.display()
            );
            told = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

//! File-system calls that put the path into every error, so an I/O failure
//! says which file. The build's reads and writes go through here; the few
//! direct `std::fs` calls elsewhere either add the path themselves (the
//! output's copy, `output::ensure_dir`), or only probe, where a failure
//! means "not there" (serve's checks, git's folder, a file opened without
//! following symlinks in `serve::respond`).

use std::path::Path;

use anyhow::{Context, Result};

/// Reads a whole file as bytes.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))
}

/// A file read by [`read_at_most`]: its bytes, or its size when it is larger
/// than the limit (and so was not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bounded {
    /// The whole file.
    Read(Vec<u8>),
    /// The file's size in bytes (at least the limit plus one).
    TooLarge(u64),
}

/// Reads a whole file of at most `limit` bytes. A larger file is not read,
/// so its size costs no memory; a file that grows while it is read (or a
/// device that reports no size) is cut off just past the limit.
pub fn read_at_most(path: &Path, limit: u64) -> Result<Bounded> {
    use std::io::Read;
    let context = || format!("cannot read `{}`", path.display());
    let file = std::fs::File::open(path).with_context(context)?;
    let size = file.metadata().with_context(context)?.len();
    if size > limit {
        return Ok(Bounded::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(context)?;
    match bytes.len() as u64 {
        read if read > limit => Ok(Bounded::TooLarge(read.max(size))),
        _ => Ok(Bounded::Read(bytes)),
    }
}

/// Reads at most the first `limit` bytes of a file (all of a shorter one).
pub fn read_prefix(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(bytes)
}

/// Writes a whole file, creating its parent folders.
pub fn write(path: &Path, contents: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write `{}`", path.display()))
}

/// Replaces (or creates) a file whose folder exists, atomically: the bytes
/// go to a hidden temporary file beside it, are flushed to disk, and the
/// file is renamed over the old one, so a reader (or a crash) sees the old
/// file or the new one, never a part.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |name| name.to_string_lossy().into_owned());
    let temporary = path.with_file_name(format!(".{name}.offboard-tmp-{}", std::process::id()));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(contents)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.with_context(|| format!("cannot write `{}`", path.display()))
}

/// Creates a folder and its parents.
pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("cannot create folder `{}`", path.display()))
}

/// Copies one file, creating the destination's parent folders.
pub fn copy(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .with_context(|| format!("cannot copy `{}` to `{}`", from.display(), to.display()))
}

/// Renames a file or folder.
pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("cannot rename `{}` to `{}`", from.display(), to.display()))
}

/// Removes a folder and everything in it; a folder that is already gone is
/// fine.
pub fn remove_dir_all(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("cannot remove `{}`", path.display()))
        }
        _ => Ok(()),
    }
}

/// Whether a path exists (following links).
pub fn exists(path: &Path) -> bool {
    path.exists()
}

/// The names in a folder (sorted), or an error naming the folder.
pub fn list_dir(path: &Path) -> Result<Vec<std::ffi::OsString>> {
    let entries = std::fs::read_dir(path)
        .with_context(|| format!("cannot list folder `{}`", path.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list folder `{}`", path.display()))?;
        names.push(entry.file_name());
    }
    names.sort();
    Ok(names)
}

/// The absolute, symlink-free form of a path that exists.
pub fn canonicalize(path: &Path) -> Result<std::path::PathBuf> {
    std::fs::canonicalize(path).with_context(|| format!("cannot find `{}`", path.display()))
}

/// What a path is, not following a final symlink; `None` when nothing is
/// there.
pub fn symlink_metadata(path: &Path) -> Option<std::fs::Metadata> {
    std::fs::symlink_metadata(path).ok()
}

/// Where a symlink points.
pub fn read_link(path: &Path) -> Result<std::path::PathBuf> {
    std::fs::read_link(path).with_context(|| format!("cannot read the link `{}`", path.display()))
}

/// Whether a folder has anything in it.
pub fn is_empty_dir(path: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(path)
        .with_context(|| format!("cannot list folder `{}`", path.display()))?;
    Ok(entries.next().is_none())
}

/// Opens (creating it when missing) a file to hold an advisory lock on.
pub fn open_lock_file(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("cannot open the lock file `{}`", path.display()))
}

/// Writes a whole file whose folder exists.
pub fn write_new(path: &Path, contents: &[u8]) -> Result<()> {
    std::fs::write(path, contents).with_context(|| format!("cannot write `{}`", path.display()))
}

/// Flushes a file or folder that exists to disk (its data, and for a
/// folder its entries).
pub fn sync_path(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("cannot flush `{}` to disk", path.display()))
}

/// Flushes everything written to the file system that holds `path`: one
/// `syncfs` call.
pub fn sync_file_system(path: &Path) -> Result<()> {
    let context = || {
        format!(
            "cannot flush the file system of `{}` to disk",
            path.display()
        )
    };
    let folder = std::fs::File::open(path).with_context(context)?;
    rustix::fs::syncfs(&folder).with_context(context)
}

//! Putting a finished staging folder where the output is, so that at every
//! moment, even if the build is killed or the power fails, the output is
//! either the previous site or the new one, whole. The new folder is
//! exchanged with the old in one atomic rename where the file system allows
//! it; elsewhere the old one is first parked under a fixed name that the
//! next build looks for ([`recover`]), so a kill between the two renames
//! cannot lose it.

use std::path::Path;

use anyhow::Result;

use crate::fs;

/// How the staging folder replaces an existing output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// One atomic `renameat2(RENAME_EXCHANGE)`, or [`Swap::Fallback`] where
    /// the file system cannot do it.
    Atomic,
    /// Two renames: the output to `retired`, then the staging folder to the
    /// output. Forced by tests, which have no file system without
    /// `RENAME_EXCHANGE` at hand.
    #[cfg_attr(not(test), expect(dead_code, reason = "only tests force the fallback"))]
    Fallback,
}

/// Puts `staging` (already on disk) where `output` is, and removes what was
/// there. `retired` is where [`Swap::Fallback`] parks the old output.
pub fn swap_in(staging: &Path, output: &Path, retired: &Path, swap: Swap) -> Result<()> {
    let parent = output.parent().unwrap_or(Path::new("/"));
    if fs::symlink_metadata(output).is_none() {
        fs::rename(staging, output)?;
        return fs::sync_path(parent);
    }
    if swap == Swap::Atomic && exchange(staging, output) {
        fs::sync_path(parent)?;
        // The staging name now holds the previous output.
        return fs::remove_dir_all(staging);
    }
    fs::rename(output, retired)?;
    // A kill here leaves no output; the next build's `recover` puts
    // `retired` back before anything else.
    fs::rename(staging, output)?;
    fs::sync_path(parent)?;
    fs::remove_dir_all(retired)
}

/// Exchanges two folders in one step; `false` where the file system (or
/// kernel) cannot.
fn exchange(staging: &Path, output: &Path) -> bool {
    rustix::fs::renameat_with(
        rustix::fs::CWD,
        staging,
        rustix::fs::CWD,
        output,
        rustix::fs::RenameFlags::EXCHANGE,
    )
    .is_ok()
}

/// Repairs what a build killed inside [`swap_in`]'s fallback left: with no
/// output, the parked previous output is put back; with one (the kill came
/// after the second rename), the parked folder is removed.
pub fn recover(output: &Path, retired: &Path) -> Result<()> {
    if fs::symlink_metadata(retired).is_none() {
        return Ok(());
    }
    if fs::symlink_metadata(output).is_some() {
        return fs::remove_dir_all(retired);
    }
    eprintln!(
        "a build was stopped while replacing `{}`: putting the previous output back",
        output.display()
    );
    fs::rename(retired, output)?;
    fs::sync_path(output.parent().unwrap_or(Path::new("/")))
}

//! The last good site, kept in memory and swapped whole.
//!
//! Requests take a reference to the current [`Snapshot`] and serve from it
//! without holding the lock, so a rebuild that publishes a new snapshot
//! never changes a page under a request: every response comes whole from
//! one build. A failed build does not touch the snapshot; it only records
//! the error for the overlay.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use crate::incremental::replace_files;
use crate::output::OutputFile;

use super::overlay::ErrorReport;

/// The files of one good build, by output path (`a/b/index.html`).
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Every output file.
    pub files: HashMap<String, Arc<OutputFile>>,
    /// Counts up with every change announced to open pages; pages remember
    /// the generation they were served from and reload if they missed one.
    pub generation: u64,
}

/// What the server shows now: the last good site and the current error.
#[derive(Debug, Clone, Default)]
pub struct Current {
    /// The last good build.
    pub snapshot: Arc<Snapshot>,
    /// The error of the latest build, when it failed.
    pub error: Option<Arc<ErrorReport>>,
}

/// Shared between the rebuild loop (writer) and request threads (readers).
#[derive(Debug, Clone, Default)]
pub struct Store {
    inner: Arc<RwLock<Current>>,
}

impl Store {
    /// What to serve now.
    pub fn current(&self) -> Current {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Makes `files` the served site and clears any error. Returns the new
    /// generation.
    pub fn publish(&self, files: HashMap<String, Arc<OutputFile>>) -> u64 {
        let mut current = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let generation = current.snapshot.generation + 1;
        current.snapshot = Arc::new(Snapshot { files, generation });
        current.error = None;
        generation
    }

    /// Counts a change that needed no rebuild (a stylesheet or a copied
    /// file edited in place: the snapshot reads them from disk). Returns the
    /// new generation; the files and any error stay.
    pub fn touch(&self) -> u64 {
        let mut current = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let generation = current.snapshot.generation + 1;
        current.snapshot = Arc::new(Snapshot {
            files: current.snapshot.files.clone(),
            generation,
        });
        generation
    }

    /// Replaces some files of the served site if it is still the site of
    /// `generation` (files built after the site was published, such as
    /// the search index). The generation stays: open pages need no reload.
    pub fn patch(&self, generation: u64, replaces: &[String], files: Vec<OutputFile>) -> bool {
        let mut current = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        if current.snapshot.generation != generation {
            return false;
        }
        let files = replace_files(&current.snapshot.files, replaces, files);
        current.snapshot = Arc::new(Snapshot { files, generation });
        true
    }

    /// Records a failed build; the last good site stays served.
    pub fn fail(&self, error: ErrorReport) {
        self.inner
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .error = Some(Arc::new(error));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Contents;

    fn site(text: &str) -> HashMap<String, Arc<OutputFile>> {
        let file = OutputFile {
            path: "index.html".into(),
            contents: Contents::Text(text.into()),
        };
        HashMap::from([(file.path.to_string(), Arc::new(file))])
    }

    #[test]
    fn a_failure_keeps_the_last_good_site_until_the_next_success() {
        let store = Store::default();
        assert_eq!(store.publish(site("one")), 1);
        let before = store.current().snapshot;
        store.fail(ErrorReport::default());
        let broken = store.current();
        assert!(broken.error.is_some());
        assert!(Arc::ptr_eq(&broken.snapshot, &before));
        assert_eq!(store.publish(site("two")), 2);
        let fixed = store.current();
        assert!(fixed.error.is_none());
        assert_eq!(
            fixed.snapshot.files["index.html"].contents,
            Contents::Text("two".into())
        );
        // A reader holding the old snapshot still has the whole old page.
        assert_eq!(
            before.files["index.html"].contents,
            Contents::Text("one".into())
        );
    }
}

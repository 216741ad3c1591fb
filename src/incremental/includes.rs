//! Which pages an edit of an included file changes: those whose
//! `{{#include}}`s name it, directly or through nested includes (each page
//! keeps every file its body took in, [`crate::include::LineMap`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::Incremental;

impl Incremental {
    /// The source files (relative to the root, `content/…md`) of the pages
    /// that include `changed` (relative to the root); empty when none does
    /// or nothing is built yet.
    pub fn pages_including(&self, changed: &Path) -> Vec<PathBuf> {
        let Some(state) = &self.state else {
            return Vec::new();
        };
        state
            .parts
            .site
            .pages
            .iter()
            .filter(|page| page.includes_file(changed))
            .map(|page| page.file.clone())
            .collect()
    }

    /// Every file some page includes (relative to the root), for a watcher
    /// to look at.
    pub fn included_files(&self) -> BTreeSet<PathBuf> {
        let Some(state) = &self.state else {
            return BTreeSet::new();
        };
        state
            .parts
            .site
            .pages
            .iter()
            .filter_map(|page| page.includes.as_deref())
            .flat_map(|map| map.included().map(|origin| origin.shown.clone()))
            .collect()
    }
}

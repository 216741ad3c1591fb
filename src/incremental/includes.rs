//! Which pages an edit of an included file changes: those whose
//! `{{#include}}`s name it, directly or through nested includes (each page
//! keeps every file its body took in, [`crate::include::LineMap`]); and
//! which pages an edit of an image changes: those that show it, since its
//! `<img>` carries the size read from the file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Incremental, State};

impl Incremental {
    /// The source files (relative to the root, `content/…md`) of the pages
    /// that include `changed` (relative to the root); empty when none does
    /// or nothing is built yet.
    pub fn pages_including(&self, changed: &Path) -> Vec<PathBuf> {
        let Some(state) = &self.state else {
            return Vec::new();
        };
        every_language(state)
            .flat_map(|parts| &parts.site.pages)
            .filter(|page| page.includes_file(changed))
            .map(|page| page.file.clone())
            .collect()
    }

    /// The source files (relative to the root) of the pages that show the
    /// image `changed` (relative to the root, under `content/`): their
    /// `<img>` has its size. Empty when none does or nothing is built yet.
    pub fn pages_showing_image(&self, changed: &Path) -> Vec<PathBuf> {
        let Some(state) = &self.state else {
            return Vec::new();
        };
        let Some(source) = changed
            .strip_prefix(crate::content::CONTENT_DIR)
            .ok()
            .and_then(Path::to_str)
            .map(|source| source.replace('\\', "/"))
        else {
            return Vec::new();
        };
        every_language(state)
            .flat_map(|parts| parts.site.pages.iter().zip(&parts.rendered))
            .filter(|(page, rendered)| {
                rendered.links.iter().any(|link| {
                    link.is_image
                        && state
                            .index
                            .asset_source(page.source_dir(), &link.destination)
                            .is_some_and(|shown| shown == source)
                })
            })
            .map(|(page, _)| page.file.clone())
            .collect()
    }

    /// Every file some page includes (relative to the root), for a watcher
    /// to look at.
    pub fn included_files(&self) -> BTreeSet<PathBuf> {
        let Some(state) = &self.state else {
            return BTreeSet::new();
        };
        every_language(state)
            .flat_map(|parts| &parts.site.pages)
            .filter_map(|page| page.includes.as_deref())
            .flat_map(|map| map.included().map(|origin| origin.shown.clone()))
            .collect()
    }
}

/// The kept parts of every language of the site: the default's, then each
/// second language's (a page of either may include a file or show an image).
fn every_language(state: &State) -> impl Iterator<Item = &crate::build::SiteParts> {
    std::iter::once(&state.parts).chain(&state.parts.translations)
}

//! How much to rebuild for one batch of changes, and doing it.
//!
//! A stylesheet or a copied file edited in place needs no rebuild at all:
//! the served site reads copied files from disk, so open pages only need to
//! be told (stylesheets are swapped without a reload); but an image a page
//! shows re-renders that page, whose `<img>` holds its size. An edit of pages'
//! bodies re-renders only those pages ([`crate::incremental`]), unless
//! another git commit is checked out than at the last full render (the
//! pages' "last updated" dates may differ). Everything else renders the whole site again, through the same pipeline as
//! `build`, in memory; the caller publishes the result only when it
//! succeeded.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::incremental::{FileMap, Incremental, TextFilesJob};
use crate::output::{Contents, OutputFile};

use super::change::ChangeKind;
use super::store::Snapshot;
use super::watch::Batch;

/// The work one batch needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Only stylesheets already in the site changed: swap them.
    Styles,
    /// Only copied files already in the site changed: reload.
    Reload,
    /// Render the site again.
    Render,
}

/// What a rebuild produced.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to render; tell pages to swap stylesheets (`true`) or reload.
    Unchanged {
        /// Only stylesheets changed.
        styles_only: bool,
    },
    /// A new site to publish.
    Built(FileMap),
    /// The build failed; keep the last good site.
    Failed(Diagnostics),
    /// The changed pages hold what the site was built from: nothing to do.
    Nothing,
}

/// Renders one site again and again.
pub struct Rebuilder {
    root: PathBuf,
    site: Incremental,
    /// The git commit checked out at the last full render, which decided
    /// the pages' "last updated" dates ([`crate::git_dates`]).
    head: Option<String>,
}

impl Rebuilder {
    /// A rebuilder for the site at `root` (absolute).
    pub fn new(root: &Path, include_drafts: bool) -> Self {
        Self {
            root: root.to_path_buf(),
            site: Incremental::new(root, include_drafts),
            head: None,
        }
    }

    /// Renders the whole site.
    pub fn render(&mut self) -> Result<FileMap, Diagnostics> {
        self.head = self.current_head();
        self.site.full()
    }

    /// The commit checked out now, if the site is in git.
    fn current_head(&self) -> Option<String> {
        crate::git_dates::head(&self.root.join(crate::content::CONTENT_DIR))
    }

    /// Whether another commit is checked out than at the last full render
    /// (a commit, a checkout): the pages' dates may have changed, so only
    /// a full render equals a clean build.
    fn head_moved(&self) -> bool {
        self.current_head() != self.head
    }

    /// Does what `batch` needs, given the site served now and whether the
    /// last build failed.
    pub fn rebuild(&mut self, batch: &Batch, served: &Snapshot, broken: bool) -> Outcome {
        if batch.git && self.head_moved() {
            return match self.render() {
                Ok(files) => Outcome::Built(files),
                Err(diagnostics) => Outcome::Failed(diagnostics),
            };
        }
        if batch.changes.is_empty() && !batch.rescan {
            // Only git's own files changed, and not the commit.
            return Outcome::Nothing;
        }
        let includers = self.pages_with_includers(batch);
        let work = if includers.is_some() {
            Work::Render
        } else {
            plan(batch, &self.root, served, broken)
        };
        match work {
            Work::Styles => Outcome::Unchanged { styles_only: true },
            Work::Reload => Outcome::Unchanged { styles_only: false },
            Work::Render => {
                // A git checkout's watched folder reports commits; asking
                // git again here (1.5 ms) also catches one it missed. A
                // site outside git pays nothing.
                let moved = self.head.is_some() && self.head_moved();
                let depends = includers.is_some();
                let pages = includers.or_else(|| only_pages(batch)).filter(|_| !moved);
                // Pages that include or show a changed file are rendered
                // again even when their own text is as it was.
                if !depends
                    && pages
                        .as_ref()
                        .is_some_and(|pages| self.site.unchanged(pages))
                {
                    return Outcome::Nothing;
                }
                let edited = pages
                    .and_then(|pages| self.site.pages_edited(&pages))
                    .unwrap_or_else(|| self.render());
                match edited {
                    Ok(files) => Outcome::Built(files),
                    Err(diagnostics) => Outcome::Failed(diagnostics),
                }
            }
        }
    }
}

impl Rebuilder {
    /// When a batch changed files that pages include or images that pages
    /// show (and otherwise only pages): the changed pages and every page
    /// that includes a changed file, directly or through nested includes,
    /// or shows a changed image (its `<img>` has the image's size), to
    /// render again. `None` when no changed file is included or shown, or
    /// something else changed too. An image that is gone, or was not copied
    /// before, changes what the site copies: a full render.
    fn pages_with_includers(&self, batch: &Batch) -> Option<Vec<PathBuf>> {
        if batch.rescan {
            return None;
        }
        let mut pages = std::collections::BTreeSet::new();
        let mut included = false;
        for (path, kind) in &batch.changes {
            let mut includers = self.site.pages_including(path);
            if *kind == ChangeKind::ContentFile && self.root.join(path).is_file() {
                includers.extend(self.site.pages_showing_image(path));
            }
            if includers.is_empty() && *kind != ChangeKind::Page {
                return None;
            }
            included |= !includers.is_empty();
            if *kind == ChangeKind::Page {
                pages.insert(path.clone());
            }
            pages.extend(includers);
        }
        included.then(|| pages.into_iter().collect())
    }

    /// Every file some page includes (relative to the root).
    pub fn included_files(&self) -> std::collections::BTreeSet<PathBuf> {
        self.site.included_files()
    }

    /// After an incremental edit, the job that builds the files made from
    /// every page's text (the search index), to run off the rebuild loop.
    pub fn text_files_job(&mut self) -> Option<TextFilesJob> {
        self.site.text_files_job()
    }

    /// The pages, steps and files of the last good build.
    pub fn summary(&self) -> Option<crate::build::BuildSummary> {
        self.site.summary()
    }

    /// How many files the last build rendered, when it was incremental.
    pub fn last_pages_rendered(&self) -> Option<usize> {
        self.site.last_pages_rendered()
    }

    /// The output paths the last build rendered or dropped, when it was
    /// incremental ([`Incremental::last_touched`]).
    pub fn last_touched(&self) -> Option<&[String]> {
        self.site.last_touched()
    }

    /// Whether the search index is older than the pages.
    pub fn text_files_stale(&self) -> bool {
        self.site.text_files_stale()
    }

    /// Takes in a finished [`TextFilesJob`]'s files; the whole new site if
    /// no other edit came since.
    pub fn absorb(&mut self, edit: u64, files: Vec<OutputFile>) -> Option<FileMap> {
        self.site.absorb(edit, files)
    }
}

/// The changed pages, when nothing but Markdown pages changed.
fn only_pages(batch: &Batch) -> Option<Vec<PathBuf>> {
    if batch.rescan {
        return None;
    }
    batch
        .changes
        .iter()
        .map(|(path, kind)| (*kind == ChangeKind::Page).then(|| path.clone()))
        .collect()
}

/// Drops changes to files that came and went between two looks (an
/// editor's or `sed -i`'s temporary file renamed over the real one): a
/// non-page path under `content/` or a static folder that does not exist
/// now and was not a file of the served site.
pub fn settle(mut batch: Batch, root: &Path, served: &Snapshot) -> Batch {
    let copied = copied_sources(served);
    batch.changes.retain(|path, kind| {
        let transient = matches!(
            kind,
            ChangeKind::ContentFile | ChangeKind::StaticFile | ChangeKind::Stylesheet
        ) && {
            let absolute = root.join(path);
            !copied.contains(absolute.as_path()) && std::fs::symlink_metadata(&absolute).is_err()
        };
        !transient
    });
    batch
}

/// The files on disk the served site copies.
fn copied_sources(served: &Snapshot) -> HashSet<&Path> {
    served
        .files
        .values()
        .filter_map(|file| match &file.contents {
            Contents::Copy(path) => Some(path.as_path()),
            _ => None,
        })
        .collect()
}

/// Decides the work for a batch. A change needs no rendering only when
/// every changed path is a file the served site already copies (so it is
/// read fresh from disk) and it still exists; a failed last build always
/// renders again, since the change may fix it.
pub fn plan(batch: &Batch, root: &Path, served: &Snapshot, broken: bool) -> Work {
    if batch.rescan || broken {
        return Work::Render;
    }
    let copied = copied_sources(served);
    let mut styles_only = true;
    for (path, kind) in &batch.changes {
        let absolute = root.join(path);
        let in_place = matches!(
            kind,
            ChangeKind::Stylesheet | ChangeKind::StaticFile | ChangeKind::ContentFile
        ) && copied.contains(absolute.as_path())
            && absolute.is_file();
        if !in_place {
            return Work::Render;
        }
        styles_only &= *kind == ChangeKind::Stylesheet;
    }
    if styles_only {
        Work::Styles
    } else {
        Work::Reload
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Arc;

    fn served(root: &Path, copied: &[&str]) -> Snapshot {
        let mut files: HashMap<String, Arc<OutputFile>> = copied
            .iter()
            .map(|path| {
                let file = OutputFile {
                    path: (*path).into(),
                    contents: Contents::Copy(root.join(path)),
                };
                (file.path.to_string(), Arc::new(file))
            })
            .collect();
        let page = OutputFile {
            path: "index.html".into(),
            contents: Contents::Text(String::new()),
        };
        files.insert(page.path.to_string(), Arc::new(page));
        Snapshot {
            files,
            generation: 1,
        }
    }

    fn batch(changes: &[(&str, ChangeKind)]) -> Batch {
        Batch {
            changes: changes
                .iter()
                .map(|(path, kind)| (PathBuf::from(path), *kind))
                .collect(),
            ..Batch::default()
        }
    }

    #[test]
    fn edits_of_copied_files_need_no_rendering() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for path in ["themes/x/static/style.css", "static/logo.svg"] {
            std::fs::create_dir_all(root.join(path).parent().expect("parent")).expect("mkdir");
            std::fs::write(root.join(path), "x").expect("write");
        }
        let site = served(root, &["themes/x/static/style.css", "static/logo.svg"]);
        let css = ("themes/x/static/style.css", ChangeKind::Stylesheet);
        let logo = ("static/logo.svg", ChangeKind::StaticFile);
        let table = [
            (batch(&[css]), false, Work::Styles),
            (batch(&[logo]), false, Work::Reload),
            (batch(&[css, logo]), false, Work::Reload),
            // A new stylesheet changes every page's <link>s.
            (
                batch(&[("static/new.css", ChangeKind::Stylesheet)]),
                false,
                Work::Render,
            ),
            (
                batch(&[css, ("content/a.md", ChangeKind::Page)]),
                false,
                Work::Render,
            ),
            (
                batch(&[("site.toml", ChangeKind::Config)]),
                false,
                Work::Render,
            ),
            (batch(&[css]), true, Work::Render),
            (
                Batch {
                    rescan: true,
                    ..batch(&[css])
                },
                false,
                Work::Render,
            ),
        ];
        for (batch, broken, expected) in table {
            assert_eq!(plan(&batch, root, &site, broken), expected, "{batch:?}");
        }
        std::fs::remove_file(root.join("static/logo.svg")).expect("remove");
        assert_eq!(plan(&batch(&[logo]), root, &site, false), Work::Render);
    }

    #[test]
    fn temporary_files_that_came_and_went_are_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("static")).expect("mkdir");
        let site = served(root, &["static/gone.svg"]);
        let settled = settle(
            batch(&[
                ("content/sedAb12Cd", ChangeKind::ContentFile),
                ("content/a.md", ChangeKind::Page),
                ("static/gone.svg", ChangeKind::StaticFile),
                ("static", ChangeKind::StaticFile),
                ("themes/x/templates/page.html", ChangeKind::Template),
            ]),
            root,
            &site,
        );
        let kept: Vec<&Path> = settled.changes.keys().map(PathBuf::as_path).collect();
        assert_eq!(
            kept,
            [
                Path::new("content/a.md"),
                Path::new("static"),
                Path::new("static/gone.svg"),
                Path::new("themes/x/templates/page.html"),
            ]
        );
    }
}

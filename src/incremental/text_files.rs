//! The files made from every page's text (the search index), built after
//! incremental edits from a light copy of the site (no page sources, no
//! HTML), so that the build can run on another thread while the next edit
//! is rendered, and taken in afterwards if no other build came since.
//!
//! The light copy is made once and then kept up to date page by page: when
//! the next job starts, the previous one has finished and let go of it, so
//! only the pages edited in between are copied again.

use std::sync::Arc;

use super::{FileMap, Incremental};
use crate::build::text_derived_files;
use crate::content::{Page, Site};
use crate::markdown::Rendered;
use crate::output::OutputFile;

/// Builds the files made from every page's text (see
/// [`crate::build::text_derived_files`]) from a light copy of the site,
/// so it can run on another thread while the next edit is rendered.
pub struct TextFilesJob {
    /// The build the files are for.
    pub edit: u64,
    /// The files they replace.
    pub replaces: Vec<String>,
    light: Arc<LightSite>,
}

/// The site without page sources or HTML.
pub struct LightSite {
    site: Site,
    rendered: Vec<Rendered>,
}

/// What a [`TextFilesJob`] made.
pub struct TextFiles {
    /// The build the files are for.
    pub edit: u64,
    /// The files they replace.
    pub replaces: Vec<String>,
    /// The files.
    pub files: Vec<OutputFile>,
}

impl TextFilesJob {
    /// Builds the files, and lets go of the light copy of the site, so the
    /// next job can bring it up to date in place.
    pub fn run(self) -> TextFiles {
        match text_derived_files(&self.light.site, &self.light.rendered) {
            Ok(files) => TextFiles {
                edit: self.edit,
                replaces: self.replaces,
                files,
            },
            // Only a fault of the generator makes a bad index path: keep
            // the index served so far and say so.
            Err(problems) => {
                eprint!("{problems}");
                TextFiles {
                    edit: self.edit,
                    replaces: Vec::new(),
                    files: Vec::new(),
                }
            }
        }
    }
}

impl Incremental {
    /// After an incremental edit, the job that builds the files made from
    /// every page's text; `None` when they are up to date.
    pub fn text_files_job(&mut self) -> Option<TextFilesJob> {
        let state = self.state.as_mut()?;
        if !std::mem::take(&mut state.text_files_stale) {
            return None;
        }
        let (site, rendered) = (&state.parts.site, &state.parts.rendered);
        let stale = std::mem::take(&mut state.light_stale);
        // Still shared only if a job is running, which the caller avoids.
        match state.light.as_mut().and_then(Arc::get_mut) {
            Some(light) => {
                for page in stale {
                    light.site.pages[page] = light_page(&site.pages[page]);
                    light.rendered[page] = light_rendered(&rendered[page]);
                }
            }
            None => {
                state.light = Some(Arc::new(LightSite {
                    site: Site {
                        config: site.config.clone(),
                        root: site.root.clone(),
                        pages: site.pages.iter().map(light_page).collect(),
                        assets: site.assets.clone(),
                        warnings: Vec::new(),
                    },
                    rendered: rendered.iter().map(light_rendered).collect(),
                }));
            }
        }
        Some(TextFilesJob {
            edit: state.build,
            replaces: state.text_paths.clone(),
            light: Arc::clone(state.light.as_ref()?),
        })
    }

    /// Whether the files made from every page's text are older than the
    /// pages (a [`TextFilesJob`] would make them again).
    pub fn text_files_stale(&self) -> bool {
        self.state
            .as_ref()
            .is_some_and(|state| state.text_files_stale)
    }

    /// Takes in the files a [`TextFilesJob`] built. `None` (and nothing
    /// changes) when another build came since; else the whole new site.
    pub fn absorb(&mut self, edit: u64, files: Vec<OutputFile>) -> Option<FileMap> {
        let state = self.state.as_mut()?;
        if state.build != edit {
            return None;
        }
        let paths = files.iter().map(|file| file.path.to_string()).collect();
        state.files = replace_files(&state.files, &state.text_paths, files);
        state.text_paths = paths;
        Some(state.files.clone())
    }
}

/// `files` with the files at `old` paths replaced by `new` ones.
pub fn replace_files(files: &FileMap, old: &[String], new: Vec<OutputFile>) -> FileMap {
    let mut files = files.clone();
    for path in old {
        files.remove(path);
    }
    for file in new {
        files.insert(file.path.to_string(), Arc::new(file));
    }
    files
}

/// A copy of a page without its source text (the bulk of it).
fn light_page(page: &Page) -> Page {
    Page {
        source: page.source.clone(),
        file: page.file.clone(),
        path: page.path.clone(),
        key: page.key.clone(),
        kind: page.kind,
        includes: page.includes.clone(),
        front: page.front.clone(),
        text: String::new(),
        front_range: 0..0,
        front_first_line: page.front_first_line,
        body_start: 0,
        body_released: true,
        body_first_line: page.body_first_line,
        quotes: crate::diagnostic::LineCache::default(),
        url: page.url.clone(),
        parent: page.parent,
        children: page.children.clone(),
        translation: page.translation.clone(),
    }
}

/// A copy of a page's rendered Markdown with what the search index reads:
/// its text blocks (and table of contents); not the HTML, steps, anchors or
/// links, which are the bulk of it. If the index ever reads more, the tests
/// that compare incremental builds with clean ones fail.
fn light_rendered(output: &Rendered) -> Rendered {
    Rendered {
        toc: output.toc.clone(),
        text_blocks: output.text_blocks.clone(),
        ..Rendered::default()
    }
}

//! Incremental rebuilds: keep what the pipeline read and rendered, and when
//! existing pages were edited, redo only what the edit changes.
//!
//! Only the edited pages are read and their Markdown rendered again. Then:
//!
//! - The common edit while writing changes a page's text and nothing other
//!   pages show: not its front matter, its steps (ids, labels) or its
//!   anchors. Its links are checked against the anchors of the pages they
//!   point at and only its HTML is rendered; every other file stays.
//! - An edit other pages do see (a title, a description, steps, their
//!   metadata and requirements, headings) runs every check of a build over
//!   the whole site (cheap: the Markdown is not rendered again), then
//!   renders the edited pages, the pages that show them (`affected.rs`) and
//!   the overview files (checklist, step manifest, 404, sitemap). When only
//!   front matter changed, the checks are narrowed to what it can change:
//!   the edited pages, and when a condition (`when`) or choice changed, the
//!   pages under a section whose condition changed and the pages whose
//!   requirements name a step whose condition or choice changed.
//! - A page added, removed or moved (`weight`, `slug`, `draft`), a
//!   template, the config, a static file, or no good build to start from:
//!   a full render.
//!
//! The files built from every page's text (the search index) take as long
//! as the rest together on a large site, so they are made afterwards by a
//! [`TextFilesJob`] that the caller may run on another thread and hand back
//! with [`Incremental::absorb`]. The result equals a clean build: `tests`
//! check it file by file.
//!
//! A failed edit leaves the kept state as it was (the last good build) and
//! remembers the pages, so the fix is incremental too.

mod affected;
mod includes;
mod text_files;

pub use text_files::{TextFiles, TextFilesJob, replace_files};

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::build::{
    Selection, SiteParts, check_content, markdown_problems, render_pages, render_site_keeping_parts,
};
use crate::content::{CONTENT_DIR, FrontMatter, LoadOptions, Page, read_page};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::i18n::Language;
use crate::links::{PageLinks, SiteIndex, Target, check_page_links};
use crate::markdown::{self, RenderInput, Rendered, StepItem};
use crate::output::{Contents, OutputFile};

/// Output files by path, shared so that a new version of the site copies
/// only pointers.
pub type FileMap = HashMap<String, Arc<OutputFile>>;

/// A site that can be rebuilt in part.
pub struct Incremental {
    root: PathBuf,
    include_drafts: bool,
    state: Option<State>,
    /// Good builds so far.
    builds: u64,
}

/// The last good build.
struct State {
    parts: SiteParts,
    index: SiteIndex,
    files: FileMap,
    /// Pages whose last edit failed: the kept state has their last good
    /// text, the disk does not.
    pending: BTreeSet<usize>,
    /// Which build this is (counting full and incremental ones), to match
    /// text files to the build they are for.
    build: u64,
    /// The files built from every page's text are older than the pages.
    text_files_stale: bool,
    /// Where those files are.
    text_paths: Vec<String>,
    /// The copy of the site those files are built from, shared with a
    /// running [`TextFilesJob`]; made at the first job.
    light: Option<Arc<text_files::LightSite>>,
    /// Pages edited since the light copy was brought up to date.
    light_stale: BTreeSet<usize>,
    /// How many files the last incremental build rendered.
    last_rendered: usize,
    /// The paths of the files the last incremental build rendered or
    /// dropped; every other file is the same `Arc` as before it.
    last_touched: Vec<String>,
}

impl Incremental {
    /// Nothing built yet for the site at `root`.
    pub fn new(root: &Path, include_drafts: bool) -> Self {
        Self {
            root: root.to_path_buf(),
            include_drafts,
            state: None,
            builds: 0,
        }
    }

    /// Renders the whole site and keeps what later edits need. A failure
    /// forgets the kept state: the sources no longer match it.
    pub fn full(&mut self) -> Result<FileMap, Diagnostics> {
        self.state = None;
        let (output, parts) = render_site_keeping_parts(&self.root, self.include_drafts)?;
        self.builds += 1;
        let files: FileMap = output
            .files
            .into_iter()
            .map(|file| (file.path.to_string(), Arc::new(file)))
            .collect();
        // The search index is the only text-derived output so far.
        let text_paths = files
            .iter()
            .filter(|(path, file)| {
                path.starts_with(crate::search::OUTPUT_DIR)
                    && matches!(file.contents, Contents::Text(_))
            })
            .map(|(path, _)| path.clone())
            .collect();
        self.state = Some(State {
            index: SiteIndex::new(&parts.site),
            parts,
            files: files.clone(),
            pending: BTreeSet::new(),
            build: self.builds,
            text_files_stale: false,
            last_rendered: 0,
            last_touched: Vec::new(),
            text_paths,
            light: None,
            light_stale: BTreeSet::new(),
        });
        Ok(files)
    }

    /// The pages, steps and files of the last good build.
    pub fn summary(&self) -> Option<crate::build::BuildSummary> {
        let state = self.state.as_ref()?;
        let files = state.files.len();
        Some(crate::build::BuildSummary {
            files,
            ..state.parts.summary()
        })
    }

    /// How many files the last build rendered, when it was incremental.
    pub fn last_pages_rendered(&self) -> Option<usize> {
        self.state
            .as_ref()
            .filter(|state| state.last_rendered > 0)
            .map(|state| state.last_rendered)
    }

    /// The output paths the last build rendered or dropped, when it was
    /// incremental: every other file of its site is the very same `Arc` as
    /// in the site before it (the search index, replaced later by a
    /// [`TextFilesJob`], is not among them).
    pub fn last_touched(&self) -> Option<&[String]> {
        self.state
            .as_ref()
            .filter(|state| state.last_rendered > 0)
            .map(|state| state.last_touched.as_slice())
    }

    /// Whether the Markdown files `changed` (relative to the root) still
    /// hold exactly what the last good build read, so there is nothing to
    /// do (an editor saved without changes, or its last event of a save
    /// came late).
    pub fn unchanged(&self, changed: &[PathBuf]) -> bool {
        let Some(state) = &self.state else {
            return false;
        };
        state.pending.is_empty()
            && changed.iter().all(|path| {
                let source = path
                    .strip_prefix(CONTENT_DIR)
                    .ok()
                    .and_then(Path::to_str)
                    .map(|source| source.replace('\\', "/"));
                let page = source.and_then(|source| state.parts.site.page_by_source(&source));
                page.is_some_and(|page| {
                    crate::fs::read(&self.root.join(path))
                        .is_ok_and(|bytes| bytes == state.parts.site.pages[page].text.as_bytes())
                })
            })
    }

    /// Renders again after the Markdown files `changed` (relative to the
    /// root) were edited. `None` when the edit needs a full render.
    pub fn pages_edited(&mut self, changed: &[PathBuf]) -> Option<Result<FileMap, Diagnostics>> {
        let state = self.state.as_mut()?;
        // A page of one language shows in the others (its switcher, and
        // the page itself where it is not translated): a site with a
        // second language is rendered whole on every save.
        if !state.parts.translations.is_empty() {
            return None;
        }
        let mut pages = state.pending.clone();
        for path in changed {
            let source = path.strip_prefix(CONTENT_DIR).ok()?.to_str()?;
            pages.insert(
                state
                    .parts
                    .site
                    .page_by_source(&source.replace('\\', "/"))?,
            );
        }
        let options = LoadOptions {
            include_drafts: self.include_drafts,
        };
        let mut edits = Vec::with_capacity(pages.len());
        let mut problems = Diagnostics::default();
        for &page in &pages {
            match reread(&self.root, &state.parts.site.pages[page], options)? {
                Ok(data) => edits.push((page, data)),
                Err(problem) => problems.push(problem),
            }
        }
        if let Err(problems) = problems.into_result() {
            state.pending = pages;
            return Some(Err(problems));
        }
        let result = state.apply(edits, pages);
        if result.is_ok() {
            self.builds += 1;
            state.build = self.builds;
        }
        Some(result)
    }
}

impl State {
    /// Renders the edited pages' Markdown, swaps them in, checks and renders
    /// what they change; on a problem, swaps the last good versions back and
    /// remembers the pages for the next edit.
    fn apply(
        &mut self,
        edits: Vec<(usize, Page)>,
        pages: BTreeSet<usize>,
    ) -> Result<FileMap, Diagnostics> {
        let site = &self.parts.site;
        let labels = Language::from_tag(&site.config.language).markdown_labels();
        let mut swapped: Vec<(usize, Page, Rendered)> = Vec::with_capacity(edits.len());
        let mut seen_elsewhere = false;
        for (page, data) in edits {
            let resolver = PageLinks {
                site,
                index: &self.index,
                page,
            };
            let rendered = markdown::render(&RenderInput {
                source: data.body(),
                first_line: data.body_first_line,
                resolver: &resolver,
                labels: &labels,
                shortcodes: Some(&self.parts.templates),
            });
            seen_elsewhere |= data.front != site.pages[page].front
                || !same_face(&rendered, &self.parts.rendered[page]);
            swapped.push((page, data, rendered));
        }
        self.swap(&mut swapped);
        crate::timings::phase("edited pages' Markdown rendered");
        let result = if seen_elsewhere {
            self.check_and_render_all(&swapped)
        } else {
            self.check_and_render(&pages)
        };
        match &result {
            Ok(files) => {
                self.pending.clear();
                self.files.clone_from(files);
                self.text_files_stale = true;
                self.light_stale.extend(pages.iter().copied());
            }
            Err(_) => {
                self.swap(&mut swapped);
                self.pending = pages;
            }
        }
        result
    }

    /// Exchanges pages and their rendered Markdown with the kept ones.
    fn swap(&mut self, pages: &mut [(usize, Page, Rendered)]) {
        for (page, data, rendered) in pages {
            std::mem::swap(&mut self.parts.site.pages[*page], data);
            std::mem::swap(&mut self.parts.rendered[*page], rendered);
            for (step, item) in self.parts.steps[*page]
                .iter_mut()
                .zip(&self.parts.rendered[*page].steps)
            {
                step.line = item.position.line;
            }
        }
    }

    /// The checks a build makes of the edited pages, then their HTML.
    fn check_and_render(&mut self, pages: &BTreeSet<usize>) -> Result<FileMap, Diagnostics> {
        self.check_own_content(pages).into_result()?;
        let pages: Vec<usize> = pages.iter().copied().collect();
        let mut files = self.files.clone();
        let selection = Selection {
            pages: &pages,
            overview: false,
            only_parts_of_pages: false,
        };
        let rendered = render_pages(&self.parts, selection)?;
        self.last_rendered = rendered.len();
        self.last_touched = rendered.iter().map(|file| file.path.to_string()).collect();
        for file in rendered {
            files.insert(file.path.to_string(), Arc::new(file));
        }
        Ok(files)
    }
}

impl State {
    /// Every check of a build the edit can fail; then the edited pages, the
    /// pages that show them and the overview files. `old` holds the edited
    /// pages' previous versions.
    fn check_and_render_all(
        &mut self,
        old: &[(usize, Page, Rendered)],
    ) -> Result<FileMap, Diagnostics> {
        let same_faces = old
            .iter()
            .all(|(page, _, before)| same_face(&self.parts.rendered[*page], before));
        let edit = if same_faces {
            self.check_front_matter_edit(old)?
        } else {
            self.check_whole_site()?
        };
        crate::timings::phase("site checked");
        let before: Vec<(usize, &Page)> = old.iter().map(|(page, data, _)| (*page, data)).collect();
        let steps_before = affected::StepsBefore {
            kept: edit.kept_steps.as_deref().unwrap_or(&self.parts.steps),
            replaced: &edit.replaced_steps,
        };
        let split = |steps: &[Vec<crate::steps::Step>]| {
            steps.iter().map(Vec::len).sum::<usize>() > crate::render::SPLIT_STEPS
        };
        // Crossing the size where the manifest splits changes which scripts
        // every page loads.
        let pages: Vec<usize> = match &edit.kept_steps {
            Some(kept) if split(kept) != split(&self.parts.steps) => {
                (0..self.parts.site.pages.len()).collect()
            }
            _ => affected::affected_pages(
                &self.parts.site,
                &before,
                &steps_before,
                &self.parts.steps,
            )
            .into_iter()
            .collect(),
        };
        // When no step count changed (front matter edits), the overview's
        // parts stay the same ones, and only those holding a page to render
        // can show what changed.
        let selection = Selection {
            pages: &pages,
            overview: true,
            only_parts_of_pages: edit.kept_steps.is_none(),
        };
        match render_pages(&self.parts, selection) {
            Ok(rendered) => {
                self.last_rendered = rendered.len();
                self.last_touched = rendered.iter().map(|file| file.path.to_string()).collect();
                let mut files = self.files.clone();
                // The overview's parts may have changed (a part without
                // steps left, or the site crossed the size where it splits):
                // drop the old ones; the new ones come with `rendered`.
                if !selection.only_parts_of_pages {
                    let pages: HashSet<String> = self
                        .parts
                        .site
                        .pages
                        .iter()
                        .map(|page| format!("{}index.html", page.url))
                        .collect();
                    files.retain(|path, _| {
                        let keep = !is_checklist_part(path) || pages.contains(path);
                        if !keep {
                            self.last_touched.push(path.clone());
                        }
                        keep
                    });
                }
                for file in rendered {
                    files.insert(file.path.to_string(), Arc::new(file));
                }
                Ok(files)
            }
            Err(problems) => {
                self.undo_steps(edit);
                Err(problems)
            }
        }
    }

    /// Every check of a build, over the whole site; the new steps replace
    /// the kept ones.
    fn check_whole_site(&mut self) -> Result<StepsEdit, Diagnostics> {
        let steps = check_content(&self.parts.site, &self.index, &self.parts.rendered)?;
        let old_steps = std::mem::replace(&mut self.parts.steps, steps);
        Ok(StepsEdit {
            kept_steps: Some(old_steps),
            replaced_steps: Vec::new(),
        })
    }

    /// The checks an edit can fail when the edited pages' anchors and steps
    /// stayed as they were (their front matter changed: a title, a role,
    /// a requirement, a condition): other pages' links resolve as before,
    /// so only the edited pages' content is checked; the steps of the pages
    /// in [`State::pages_to_resolve`] are resolved (and checked) again, and
    /// requirement cycles looked for over the site. Their new steps replace
    /// their kept ones.
    fn check_front_matter_edit(
        &mut self,
        old: &[(usize, Page, Rendered)],
    ) -> Result<StepsEdit, Diagnostics> {
        let edited: BTreeSet<usize> = old.iter().map(|(page, ..)| *page).collect();
        let mut problems = self.check_own_content(&edited);
        let pages = self.pages_to_resolve(old);
        let SiteParts { site, rendered, .. } = &self.parts;
        let (resolved, step_problems) =
            crate::steps::resolve_pages(site, &self.index, rendered, &pages);
        problems.extend(step_problems);
        problems.into_result()?;
        let mut edit = StepsEdit {
            kept_steps: None,
            replaced_steps: resolved,
        };
        self.swap_steps(&mut edit.replaced_steps);
        let cycles = crate::steps::find_cycles(&self.parts.site, &self.parts.steps);
        if let Err(problems) = Diagnostics(cycles).into_result() {
            self.swap_steps(&mut edit.replaced_steps);
            return Err(problems);
        }
        Ok(edit)
    }

    /// The pages whose steps may resolve differently after a front matter
    /// edit of the pages in `old` (previous versions; the site holds the
    /// new ones): those pages; when a page's `when` changed, every page
    /// under it (their steps' conditions include it); and when conditions
    /// or choices changed, every page with a step that requires a step of
    /// a page they changed on (whether the requirement applies wherever
    /// the requiring step does is checked there). Nothing else a page's
    /// steps resolve from can change without changing the edited pages'
    /// anchors or steps, which checks the whole site instead.
    fn pages_to_resolve(&self, old: &[(usize, Page, Rendered)]) -> Vec<usize> {
        let site = &self.parts.site;
        let mut pages: BTreeSet<usize> = old.iter().map(|(page, ..)| *page).collect();
        // Pages whose steps' conditions or choices changed.
        let mut changed = BTreeSet::new();
        for (page, before, _) in old {
            let now = &site.pages[*page].front;
            if now.when != before.front.when {
                changed.extend(affected::subtree(site, *page));
            } else if !same_step_conditions(&before.front, now) {
                changed.insert(*page);
            }
        }
        if changed.is_empty() {
            return pages.into_iter().collect();
        }
        // The kept steps' requirements: only the edited pages' can have
        // changed, and they are resolved again anyway.
        let requiring = self.parts.steps.iter().enumerate().filter(|(_, steps)| {
            steps.iter().any(|step| {
                step.requires
                    .iter()
                    .any(|required| changed.contains(&required.page))
            })
        });
        pages.extend(requiring.map(|(page, _)| page));
        pages.extend(changed);
        pages.into_iter().collect()
    }

    /// Exchanges the steps of some pages with the kept ones.
    fn swap_steps(&mut self, steps: &mut [(usize, Vec<crate::steps::Step>)]) {
        for (page, steps) in steps {
            std::mem::swap(&mut self.parts.steps[*page], steps);
        }
    }

    /// Puts the steps from before `edit` back.
    fn undo_steps(&mut self, mut edit: StepsEdit) {
        match edit.kept_steps {
            Some(old_steps) => self.parts.steps = old_steps,
            None => self.swap_steps(&mut edit.replaced_steps),
        }
    }

    /// The Markdown problems and broken links of `pages` alone (what an edit
    /// of their text can break when no other page sees a change).
    fn check_own_content(&self, pages: &BTreeSet<usize>) -> Diagnostics {
        let SiteParts { site, rendered, .. } = &self.parts;
        let anchors = self.anchors_seen_from(pages);
        let mut problems = Diagnostics::default();
        for &page in pages {
            problems.extend(markdown_problems(&site.pages[page], &rendered[page]));
            problems.extend(check_page_links(
                site,
                &self.index,
                page,
                &rendered[page].links,
                &anchors,
            ));
        }
        problems
    }

    /// The anchors of the edited pages and of every page they link to; the
    /// other pages' sets are left empty (making all of them costs more than
    /// the rest of an edit on a large site).
    fn anchors_seen_from(&self, pages: &BTreeSet<usize>) -> Vec<HashSet<&str>> {
        let SiteParts { site, rendered, .. } = &self.parts;
        let mut anchors = vec![HashSet::new(); rendered.len()];
        for &page in pages {
            let dir = site.pages[page].source_dir();
            let targets = rendered[page].links.iter().filter_map(|link| {
                match self.index.target(dir, &link.destination) {
                    Target::Page(target, _) => Some(target),
                    _ => None,
                }
            });
            for target in targets.chain([page]) {
                if anchors[target].is_empty() {
                    anchors[target] = rendered[target]
                        .anchors
                        .iter()
                        .map(String::as_str)
                        .collect();
                }
            }
        }
        anchors
    }
}

/// How an edit changed the kept steps, to tell which pages it affects and
/// to undo it when rendering fails.
struct StepsEdit {
    /// Every page's steps before, when all were resolved again.
    kept_steps: Option<Vec<Vec<crate::steps::Step>>>,
    /// Otherwise the pages resolved again, with their steps before.
    replaced_steps: Vec<(usize, Vec<crate::steps::Step>)>,
}

/// Whether other pages see the same of a page in `new` as in `old`: its
/// anchors (for their links) and its steps (for requirements, the overview
/// and navigation counts), except where in the file they are.
fn same_face(new: &Rendered, old: &Rendered) -> bool {
    let unplaced = |item: &StepItem| StepItem {
        position: markdown::Position::default(),
        ..item.clone()
    };
    new.anchors == old.anchors
        && new.steps.len() == old.steps.len()
        && new
            .steps
            .iter()
            .zip(&old.steps)
            .all(|(a, b)| unplaced(a) == unplaced(b))
}

/// Whether the steps of two versions of a page's front matter have the same
/// conditions and choices: what other pages' requirement checks read of
/// them (see [`State::pages_to_resolve`]).
fn same_step_conditions(old: &FrontMatter, new: &FrontMatter) -> bool {
    let read = |front: &FrontMatter, id: &str| {
        front
            .steps
            .get(id)
            .map(|meta| (meta.when.clone(), meta.choice.clone()))
    };
    old.steps
        .keys()
        .chain(new.steps.keys())
        .all(|id| read(old, id) == read(new, id))
}

/// Reads a page again. `None` when it is gone or moved in the tree (its
/// `weight`, `slug` or `draft` changed); the read error otherwise.
fn reread(root: &Path, old: &Page, options: LoadOptions) -> Option<Result<Page, Diagnostic>> {
    let path = root.join(&old.file);
    if !path.is_file() {
        return None;
    }
    let page = match read_page(&path, &root.join(CONTENT_DIR), root, options) {
        Ok(Some(page)) => page,
        Ok(None) => return None,
        Err(problem) => return Some(Err(problem)),
    };
    let (new_front, old_front) = (&page.front, &old.front);
    if new_front.weight != old_front.weight
        || new_front.slug != old_front.slug
        || new_front.draft != old_front.draft
    {
        return None;
    }
    Some(Ok(Page {
        url: old.url.clone(),
        parent: old.parent,
        children: old.children.clone(),
        ..page
    }))
}

/// Whether `path` is where a part of a split checklist overview, or its
/// step details file, goes.
fn is_checklist_part(path: &str) -> bool {
    path.strip_prefix(crate::render::CHECKLIST_URL)
        .is_some_and(|rest| {
            rest != "index.html"
                && (rest.ends_with("/index.html")
                    || rest.ends_with(&format!("/{}", crate::render::SECTION_STEPS_FILE)))
        })
}

#[cfg(test)]
mod tests;

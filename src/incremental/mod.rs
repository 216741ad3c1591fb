//! Incremental rebuilds: keep what the pipeline read and rendered, and when
//! only the body of existing pages changed, redo only those pages.
//!
//! The common edit while writing changes a page's text and nothing that
//! other pages show: not its front matter (title, weight, steps' metadata,
//! …), not its steps (ids, labels) and not its anchors. For such an edit the
//! page's Markdown is rendered again, its links checked against the anchors
//! every page already has and its HTML rendered; every other output file
//! stays as it was. The files built from every page's text (the search
//! index) take as long as the rest together on a large site, so they are
//! made afterwards by a [`TextFilesJob`] that the caller may run on another
//! thread and hand back with [`Incremental::absorb`]. Anything else (a page added, removed or renamed,
//! front matter, steps or anchors changed, a template, the config, a
//! static file, or no good build to start from) is a full render. The
//! result is the same as a clean build: `tests` below check it file by
//! file.
//!
//! A failed edit leaves the kept state as it was (the last good build) and
//! remembers the page, so the fix is incremental too.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::build::{
    Selection, SiteParts, markdown_problems, render_pages, render_site_keeping_parts,
    text_derived_files,
};
use crate::content::{CONTENT_DIR, LoadOptions, Page, read_page};
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
}

/// Builds the files made from every page's text (see
/// [`crate::build::text_derived_files`]) from a light copy of the site,
/// so it can run on another thread while the next edit is rendered.
pub struct TextFilesJob {
    /// The build the files are for.
    pub edit: u64,
    /// The files they replace.
    pub replaces: Vec<String>,
    site: crate::content::Site,
    rendered: Vec<Rendered>,
}

impl TextFilesJob {
    /// Builds the files.
    pub fn run(&self) -> Vec<OutputFile> {
        text_derived_files(&self.site, &self.rendered)
    }
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
            .map(|file| (file.path.clone(), Arc::new(file)))
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
            text_paths,
        });
        Ok(files)
    }

    /// After an incremental edit, the job that builds the files made from
    /// every page's text; `None` when they are up to date.
    pub fn text_files_job(&mut self) -> Option<TextFilesJob> {
        let state = self.state.as_mut()?;
        if !std::mem::take(&mut state.text_files_stale) {
            return None;
        }
        let site = &state.parts.site;
        let pages = site.pages.iter().map(light_page).collect();
        let rendered = state.parts.rendered.iter().map(light_rendered).collect();
        Some(TextFilesJob {
            edit: state.build,
            replaces: state.text_paths.clone(),
            site: crate::content::Site {
                config: site.config.clone(),
                root: site.root.clone(),
                pages,
                assets: site.assets.clone(),
                warnings: Vec::new(),
            },
            rendered,
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
        let paths = files.iter().map(|file| file.path.clone()).collect();
        state.files = replace_files(&state.files, &state.text_paths, files);
        state.text_paths = paths;
        Some(state.files.clone())
    }

    /// Renders again after the Markdown files `changed` (relative to the
    /// root) were edited. `None` when the edit needs a full render.
    pub fn pages_edited(&mut self, changed: &[PathBuf]) -> Option<Result<FileMap, Diagnostics>> {
        let state = self.state.as_mut()?;
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
        if let Some(Ok(_)) = result {
            self.builds += 1;
            state.build = self.builds;
        }
        result
    }
}

impl State {
    /// Renders the edited pages' Markdown; `None` if that changes what other
    /// pages show. Otherwise swaps them in, checks them and renders their
    /// HTML; on a problem, swaps the last good versions back and remembers
    /// the pages for the next edit.
    fn apply(
        &mut self,
        edits: Vec<(usize, Page)>,
        pages: BTreeSet<usize>,
    ) -> Option<Result<FileMap, Diagnostics>> {
        let site = &self.parts.site;
        let labels = Language::from_tag(&site.config.language).markdown_labels();
        let mut swapped: Vec<(usize, Page, Rendered)> = Vec::with_capacity(edits.len());
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
            });
            if !same_face(&rendered, &self.parts.rendered[page]) {
                return None;
            }
            swapped.push((page, data, rendered));
        }
        self.swap(&mut swapped);
        let result = self.check_and_render(&pages);
        match &result {
            Ok(files) => {
                self.pending.clear();
                self.files.clone_from(files);
                self.text_files_stale = true;
            }
            Err(_) => {
                self.swap(&mut swapped);
                self.pending = pages;
            }
        }
        Some(result)
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
    fn check_and_render(&self, pages: &BTreeSet<usize>) -> Result<FileMap, Diagnostics> {
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
        problems.into_result()?;
        let pages: Vec<usize> = pages.iter().copied().collect();
        let mut files = self.files.clone();
        let selection = Selection {
            pages: &pages,
            overview: false,
        };
        for file in render_pages(&self.parts, selection)? {
            files.insert(file.path.clone(), Arc::new(file));
        }
        Ok(files)
    }
}

impl State {
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

/// `files` with the files at `old` paths replaced by `new` ones.
pub fn replace_files(files: &FileMap, old: &[String], new: Vec<OutputFile>) -> FileMap {
    let mut files = files.clone();
    for path in old {
        files.remove(path);
    }
    for file in new {
        files.insert(file.path.clone(), Arc::new(file));
    }
    files
}

/// A copy of a page without its source text (the bulk of it).
fn light_page(page: &Page) -> Page {
    Page {
        source: page.source.clone(),
        file: page.file.clone(),
        key: page.key.clone(),
        kind: page.kind,
        front: page.front.clone(),
        text: String::new(),
        front_range: 0..0,
        front_first_line: page.front_first_line,
        body_start: 0,
        body_first_line: page.body_first_line,
        url: page.url.clone(),
        parent: page.parent,
        children: page.children.clone(),
    }
}

/// A copy of a page's rendered Markdown without its HTML (the bulk of it).
fn light_rendered(output: &Rendered) -> Rendered {
    Rendered {
        html: String::new(),
        toc: output.toc.clone(),
        steps: output.steps.clone(),
        anchors: output.anchors.clone(),
        links: output.links.clone(),
        errors: output.errors.clone(),
        text_blocks: output.text_blocks.clone(),
    }
}

/// Reads a page again. `None` when it is gone or no longer a plain edit of
/// its body (front matter changed, now a draft); the read error otherwise.
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
    if page.text[..page.body_start] != old.text[..old.body_start] {
        return None;
    }
    Some(Ok(Page {
        url: old.url.clone(),
        parent: old.parent,
        children: old.children.clone(),
        ..page
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::render_site;

    /// A copy of the bundled guide in a temporary folder.
    fn bundled() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(manifest.join("site.toml"), dir.path().join("site.toml")).expect("copy");
        for entry in walkdir::WalkDir::new(manifest.join("content")) {
            let entry = entry.expect("walk");
            let relative = entry.path().strip_prefix(manifest).expect("below");
            let target = dir.path().join(relative);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).expect("mkdir");
            } else {
                std::fs::copy(entry.path(), &target).expect("copy");
            }
        }
        dir
    }

    /// Asserts that `files` is exactly what a clean build renders now.
    #[track_caller]
    fn assert_clean(files: &FileMap, root: &Path) {
        let clean = render_site(root, false).expect("clean build");
        let mut paths: Vec<&String> = files.keys().collect();
        paths.sort();
        let clean_paths: Vec<&String> = clean.files.iter().map(|file| &file.path).collect();
        assert_eq!(paths, clean_paths);
        for file in &clean.files {
            assert!(
                files[&file.path].bytes().expect("bytes") == file.bytes().expect("bytes"),
                "`{}` differs from a clean build",
                file.path
            );
        }
    }

    /// Runs the job for the text files, as `serve` does on another thread.
    fn with_text_files(site: &mut Incremental, files: FileMap) -> FileMap {
        match site.text_files_job() {
            Some(job) => site.absorb(job.edit, job.run()).expect("no edit since"),
            None => files,
        }
    }

    fn edit(root: &Path, page: &str, change: impl Fn(&str) -> String) -> Vec<PathBuf> {
        let path = root.join(page);
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, change(&text)).expect("write");
        vec![PathBuf::from(page)]
    }

    /// The body starts after the front matter's closing `+++` line.
    fn in_body(text: &str, added: &str) -> String {
        let close = text[3..].find("+++\n").expect("front matter") + 3 + 4;
        format!("{}{added}{}", &text[..close], &text[close..])
    }

    #[test]
    fn body_edits_render_only_their_pages_and_equal_a_clean_build() {
        let dir = bundled();
        let root = dir.path();
        let mut site = Incremental::new(root, false);
        site.full().expect("first build");
        let page = "content/before-leaving/unbind-contacts.md";

        // Lines above the steps move them down: their line numbers change,
        // nothing else other pages show.
        let changed = edit(root, page, |text| {
            in_body(text, "\nA new first paragraph.\n\n")
        });
        let files = site
            .pages_edited(&changed)
            .expect("incremental")
            .expect("builds");
        let html = files["before-leaving/unbind-contacts/index.html"]
            .bytes()
            .expect("bytes");
        assert!(String::from_utf8_lossy(&html).contains("A new first paragraph."));
        let files = with_text_files(&mut site, files);
        assert_clean(&files, root);
        assert!(site.text_files_job().is_none(), "up to date");

        // Two pages at once.
        let mut changed = edit(root, page, |text| format!("{text}\nMore at the end.\n"));
        changed.extend(edit(
            root,
            "content/after-leaving/recover-account.md",
            |text| format!("{text}\nAnother page's new line.\n"),
        ));
        let files = site
            .pages_edited(&changed)
            .expect("incremental")
            .expect("builds");
        let files = with_text_files(&mut site, files);
        assert_clean(&files, root);
    }

    #[test]
    fn text_files_of_an_older_edit_are_not_taken() {
        let dir = bundled();
        let root = dir.path();
        let mut site = Incremental::new(root, false);
        site.full().expect("first build");
        let page = "content/before-leaving/materials.md";
        let changed = edit(root, page, |text| format!("{text}\nFirst.\n"));
        site.pages_edited(&changed)
            .expect("incremental")
            .expect("builds");
        let older = site.text_files_job().expect("a job");
        let changed = edit(root, page, |text| format!("{text}\nSecond.\n"));
        site.pages_edited(&changed)
            .expect("incremental")
            .expect("builds");
        assert!(site.absorb(older.edit, older.run()).is_none());
        // Nor after a full build.
        let job = site.text_files_job().expect("a job");
        site.full().expect("builds");
        assert!(site.absorb(job.edit, job.run()).is_none());
        let changed = edit(root, page, |text| format!("{text}\nThird.\n"));
        let files = site
            .pages_edited(&changed)
            .expect("incremental")
            .expect("builds");
        let files = with_text_files(&mut site, files);
        assert_clean(&files, root);
    }

    #[test]
    fn a_broken_edit_reports_what_a_clean_build_reports_and_its_fix_is_incremental() {
        let dir = bundled();
        let root = dir.path();
        let mut site = Incremental::new(root, false);
        site.full().expect("first build");
        let page = "content/before-leaving/materials.md";
        let original = std::fs::read_to_string(root.join(page)).expect("read");

        let changed = edit(root, page, |text| {
            format!("{text}\nSee [nowhere](nowhere.md) and [here](#no-such-anchor).\n")
        });
        let problems = site
            .pages_edited(&changed)
            .expect("incremental")
            .expect_err("broken");
        let clean = render_site(root, false).expect_err("broken too");
        assert_eq!(problems, clean);
        assert_eq!(problems.0.len(), 2);

        // Another page is edited while the first one is still broken.
        let other = edit(root, "content/after-leaving/recover-account.md", |text| {
            format!("{text}\nStill writing.\n")
        });
        let problems = site
            .pages_edited(&other)
            .expect("incremental")
            .expect_err("broken");
        assert_eq!(problems, render_site(root, false).expect_err("broken too"));

        std::fs::write(root.join(page), format!("{original}\nFixed.\n")).expect("fix");
        let files = site
            .pages_edited(&changed)
            .expect("incremental")
            .expect("fixed");
        let files = with_text_files(&mut site, files);
        assert_clean(&files, root);
        let html = files["after-leaving/recover-account/index.html"]
            .bytes()
            .expect("bytes");
        assert!(String::from_utf8_lossy(&html).contains("Still writing."));
    }

    type Change = fn(&str) -> String;

    #[test]
    fn edits_that_other_pages_see_need_a_full_render() {
        let dir = bundled();
        let root = dir.path();
        let mut site = Incremental::new(root, false);
        site.full().expect("first build");
        let page = "content/before-leaving/unbind-contacts.md";
        let cases: [(&str, Change); 4] = [
            ("title", |text| {
                text.replacen("title = \"", "title = \"Renamed ", 1)
            }),
            ("step", |text| text.replacen("- [ ] ", "- [ ] Renamed: ", 1)),
            ("heading", |text| format!("{text}\n## A new heading\n")),
            ("new step", |text| format!("{text}\n- [ ] A new step\n")),
        ];
        for (what, change) in cases {
            let changed = edit(root, page, change);
            assert!(site.pages_edited(&changed).is_none(), "{what}");
            let files = site.full().expect("builds");
            assert_clean(&files, root);
        }
        // A new page, and a page that is gone.
        std::fs::write(
            root.join("content/before-leaving/new.md"),
            "+++\ntitle = \"New\"\n+++\n\nNew.\n",
        )
        .expect("write");
        assert!(
            site.pages_edited(&[PathBuf::from("content/before-leaving/new.md")])
                .is_none()
        );
        std::fs::remove_file(root.join(page)).expect("remove");
        assert!(site.pages_edited(&[PathBuf::from(page)]).is_none());
    }
}

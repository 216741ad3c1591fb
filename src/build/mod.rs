//! The build pipeline as a short list of named steps: load the config and
//! templates, load content, render Markdown, check links and steps, render
//! pages and hand each file to an [`OutputSink`] as it is made: `build`
//! streams them into a staging folder swapped in atomically at the end.
//! `serve` reuses [`render_site`], which keeps the files in memory; this
//! module never knows. The files besides the pages (copied assets, the
//! checklist overview, manifests and search index) are made in `files`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use crate::config::load_config;
use crate::content::{LoadOptions, Page, Site, load_site};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::git_dates::{PageDates, read_dates};
use crate::i18n::Language;
use crate::links::{PageLinks, SiteIndex, anchor_sets, check_page_links};
use crate::markdown::{self, RenderInput, Rendered};
use crate::output::{MemorySink, OutputFile, OutputSink, StagingSink, check_output_dir};
use crate::render::{
    Navigation, RenderContext, checklist_parts, is_split, set_template_globals, top_level,
};
use crate::steps::{Step, resolve_steps};
use crate::templates::Templates;
use crate::{fs, timings};

mod claims;
mod files;

pub use files::text_derived_files;
use files::{
    PageAssets, checklist_part_files, copied_files, overview_files, page_assets, put_all,
    search_files, site_wide_files, stream_pages, text_file,
};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holding `site.toml`).
    pub root: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// Keep draft pages.
    pub include_drafts: bool,
    /// Replace an existing output folder even when a build did not make it.
    pub force: bool,
}

impl BuildOptions {
    /// Options for `root`, writing to `output` or `root/public`.
    pub fn new(root: &Path, output: Option<&Path>) -> Self {
        Self {
            root: root.to_path_buf(),
            output: output.map_or_else(|| root.join("public"), Path::to_path_buf),
            include_drafts: false,
            force: false,
        }
    }
}

/// What a build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSummary {
    /// Pages rendered from Markdown.
    pub pages: usize,
    /// Steps across the site.
    pub steps: usize,
    /// Non-fatal problems reported.
    pub warnings: usize,
    /// Files written (or served), each page's `index.html` among them.
    pub files: usize,
    /// Where the site was written.
    pub output: PathBuf,
}

impl BuildSummary {
    /// The counts `build` and `serve` both report, in the same words:
    /// `9 pages, 40 steps, 57 files`.
    pub fn counts(&self) -> String {
        let plural = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        format!(
            "{}, {}, {}",
            plural(self.pages, "page", "pages"),
            plural(self.steps, "step", "steps"),
            plural(self.files, "file", "files")
        )
    }
}

/// A site rendered in memory.
#[derive(Debug)]
pub struct SiteOutput {
    /// Every output file.
    pub files: Vec<OutputFile>,
    /// Counts for the summary line.
    pub pages: usize,
    /// Steps across the site.
    pub steps: usize,
    /// Non-fatal problems (already printed by no one: the caller decides).
    pub warnings: Vec<Diagnostic>,
}

/// Builds the site and writes it to `options.output`.
pub fn build_site(options: &BuildOptions) -> Result<BuildSummary> {
    // Nothing is touched, not even the output's parent, until both the
    // site and the output folder are known to be good.
    check_site_exists(&options.root).map_err(Diagnostics::from)?;
    check_output_dir(&options.root, &options.output).map_err(Diagnostics::from)?;
    // Pages go to disk as they are rendered, so the site is never held in
    // memory at once; the staging folder is swapped in only at the end.
    let sink = StagingSink::create(&options.output, options.force)?;
    let parts = render_site_into(
        &options.root,
        options.include_drafts,
        &sink,
        Keep::WhatPagesNeed,
    )?;
    print_warnings(&parts.site.warnings);
    let files = sink.files();
    sink.finish()?;
    timings::phase("output swapped in");
    let summary = BuildSummary {
        output: options.output.clone(),
        files,
        ..parts.summary()
    };
    drop_in_background(parts);
    Ok(summary)
}

/// Refuses a root that holds no `site.toml`, naming the folder.
pub fn check_site_exists(root: &Path) -> Result<(), Diagnostic> {
    if fs::symlink_metadata(&root.join("site.toml")).is_some() {
        return Ok(());
    }
    Err(crate::config::not_a_site(root))
}

/// Frees a built site on another thread: a long-lived caller gets it freed
/// in the background, and a one-off build exits without waiting for
/// millions of small frees.
fn drop_in_background(parts: SiteParts) {
    // If no thread can be made, `spawn` drops the closure, and the site
    // with it, right here.
    let _ = std::thread::Builder::new()
        .name("free-site".to_owned())
        .spawn(move || drop(parts));
}

/// Runs every check of a build without writing anything, and warns of
/// images hot-linked from other sites (without asking the network).
pub fn check_site(root: &Path) -> Result<BuildSummary> {
    let parts = render_site_into(root, false, &Discard, Keep::WhatPagesNeed)?;
    print_warnings(&parts.site.warnings);
    print_warnings(&parts.hot_links);
    let mut summary = parts.summary();
    summary.warnings += parts.hot_links.len();
    drop_in_background(parts);
    Ok(summary)
}

fn print_warnings(warnings: &[Diagnostic]) {
    for warning in warnings {
        eprint!("{warning}");
    }
}

/// A sink that drops every file, for `check`.
struct Discard;

impl OutputSink for Discard {
    fn put(&self, _file: OutputFile) -> Result<()> {
        Ok(())
    }
}

/// Renders the whole site in memory. Every content error of the run is
/// collected and returned together.
pub fn render_site(root: &Path, include_drafts: bool) -> Result<SiteOutput, Diagnostics> {
    render_site_keeping_parts(root, include_drafts).map(|(output, _)| output)
}

/// What the pipeline read and rendered on the way to a [`SiteOutput`], kept
/// by callers that later render part of the site again (see
/// [`crate::incremental`]).
pub struct SiteParts {
    /// The site as loaded.
    pub site: Site,
    /// The templates.
    pub templates: Templates,
    /// Each page's rendered Markdown.
    pub rendered: Vec<Rendered>,
    /// Each page's resolved steps.
    pub steps: Vec<Vec<Step>>,
    /// Each page source's last commit date, when the site is in git.
    pub dates: PageDates,
    /// A warning for each image hot-linked from another site; `check`
    /// prints them, `build` does not.
    pub hot_links: Vec<Diagnostic>,
    /// Where each page is in every language, on a site with a second
    /// language.
    pub languages: Option<std::sync::Arc<crate::languages::SiteLanguages>>,
    /// Which of `languages` this is (0: the default).
    pub language_index: usize,
    /// The default language's parts hold each second language's here.
    pub translations: Vec<SiteParts>,
}

impl SiteParts {
    /// Drops what only the checks read (see [`Keep::WhatPagesNeed`]) and
    /// takes each page's Markdown HTML out, for the caller to free page by
    /// page. In parallel: at 10,000 pages these are some 100,000 frees.
    fn release_checked_sources(&mut self) -> Vec<String> {
        let ((), markdown_html) = rayon::join(
            || self.site.pages.par_iter_mut().for_each(Page::release_text),
            || {
                self.rendered
                    .par_iter_mut()
                    .map(|rendered| {
                        rendered.links = Vec::new();
                        rendered.anchors = Vec::new();
                        rendered.errors = Vec::new();
                        rendered.steps = Vec::new();
                        rendered.remote_images = Vec::new();
                        std::mem::take(&mut rendered.html)
                    })
                    .collect()
            },
        );
        markdown_html
    }

    /// The counts of the summary line (no files, no output folder).
    pub fn summary(&self) -> BuildSummary {
        let all = || std::iter::once(self).chain(&self.translations);
        BuildSummary {
            pages: all().map(|parts| parts.site.pages.len()).sum(),
            steps: all()
                .map(|parts| parts.steps.iter().map(Vec::len).sum::<usize>())
                .sum(),
            warnings: self.site.warnings.len(),
            files: 0,
            output: PathBuf::new(),
        }
    }
}

/// [`render_site`], also handing back the [`SiteParts`].
pub fn render_site_keeping_parts(
    root: &Path,
    include_drafts: bool,
) -> Result<(SiteOutput, SiteParts), Diagnostics> {
    let sink = MemorySink::default();
    let parts = render_site_into(root, include_drafts, &sink, Keep::Everything)?;
    let summary = parts.summary();
    let output = SiteOutput {
        files: sink.into_files(),
        pages: summary.pages,
        steps: summary.steps,
        warnings: parts.site.warnings.clone(),
    };
    Ok((output, parts))
}

/// The pipeline: every content error of the run is collected and returned
/// together; each finished file goes to `sink`. A site with a second
/// language (`[languages.TAG]`) is loaded and checked once per language,
/// the default first; each language's files then go to its own folder.
fn render_site_into(
    root: &Path,
    include_drafts: bool,
    sink: &dyn OutputSink,
    keep: Keep,
) -> Result<SiteParts, Diagnostics> {
    timings::phase("start");
    let config = load_config(root)?;
    // One `git log` for every page's date, run while the content loads
    // and renders.
    let dates = DatesReader::start(root);
    let mut parts = prepare(root, config.clone(), include_drafts, keep)?;
    let mut translations = Vec::with_capacity(config.languages.len());
    for language in &config.languages {
        if let Some(config) = config.for_language(&language.tag) {
            translations.push(prepare(root, config, include_drafts, keep)?);
        }
    }
    let dates = dates.finish();
    timings::phase("git dates read");
    for translation in &mut translations {
        translation.dates = dates.clone();
    }
    parts.dates = dates;
    join_languages(&mut parts, &mut translations)?;
    check_page_templates(&parts)?;
    for translation in &translations {
        check_page_templates(translation)?;
    }
    render_language(&mut parts, keep, sink)?;
    for translation in &mut translations {
        let prefix = format!("{}/", translation.site.config.language);
        let sink = crate::languages::PrefixSink {
            inner: sink,
            prefix: &prefix,
        };
        render_language(translation, keep, &sink)?;
    }
    parts.translations = translations;
    Ok(parts)
}

/// Loads, renders the Markdown of and checks the site in `config`'s
/// language.
fn prepare(
    root: &Path,
    config: crate::config::Config,
    include_drafts: bool,
    keep: Keep,
) -> Result<SiteParts, Diagnostics> {
    let templates = Templates::load(root, &config.theme);
    let site = load_site(root, config, LoadOptions { include_drafts });
    let (mut templates, mut site) = match (templates, site) {
        (Ok(templates), Ok(site)) => (templates, site),
        (templates, site) => {
            let mut all = Diagnostics::default();
            all.extend(templates.err().into_iter().flat_map(|d| d.0));
            all.extend(site.err().into_iter().flat_map(|d| d.0));
            return Err(all);
        }
    };
    timings::phase("config, templates and content loaded");
    set_template_globals(&mut templates, &site);
    let index = SiteIndex::new(&site);
    let rendered = render_markdown(&mut site, &index, &templates, keep);
    for (page, output) in rendered.iter().enumerate() {
        let warnings = at_positions(&site.pages[page], &output.warnings);
        site.warnings
            .extend(warnings.into_iter().map(Diagnostic::warning));
    }
    let hot_links = hot_link_warnings(&site, &rendered);
    timings::phase("markdown rendered");
    let steps = check_content(&site, &index, &rendered)
        .map_err(|problems| crate::languages::in_language_site(&site, problems))?;
    timings::phase("links and steps checked");
    Ok(SiteParts {
        site,
        templates,
        rendered,
        steps,
        dates: PageDates::default(),
        hot_links,
        languages: None,
        language_index: 0,
        translations: Vec::new(),
    })
}

/// Tells every language's parts where the others' pages are, refuses
/// default-language output inside a language's folder, and gathers the
/// warnings of the translations (those in their own files, and a step one
/// language has and the other lacks) into `parts`.
fn join_languages(
    parts: &mut SiteParts,
    translations: &mut [SiteParts],
) -> Result<(), Diagnostics> {
    if translations.is_empty() {
        return Ok(());
    }
    crate::languages::output_clashes(&parts.site).into_result()?;
    let sites: Vec<&Site> = std::iter::once(&parts.site)
        .chain(translations.iter().map(|t| &t.site))
        .collect();
    let languages = std::sync::Arc::new(crate::languages::SiteLanguages::new(&sites));
    for (index, translation) in translations.iter_mut().enumerate() {
        let suffix = format!(".{}.md", translation.site.config.language);
        let own = |list: &[Diagnostic]| -> Vec<Diagnostic> {
            list.iter()
                .filter(|warning| warning.path.to_string_lossy().ends_with(&suffix))
                .cloned()
                .collect()
        };
        parts.site.warnings.extend(own(&translation.site.warnings));
        parts.hot_links.extend(own(&translation.hot_links));
        parts.site.warnings.extend(crate::languages::step_warnings(
            (&parts.site, &parts.steps),
            (&translation.site, &translation.steps),
        ));
        translation.languages = Some(languages.clone());
        translation.language_index = index + 1;
    }
    parts.languages = Some(languages);
    Ok(())
}

/// Renders one language's pages and files into `sink`.
fn render_language(
    parts: &mut SiteParts,
    keep: Keep,
    sink: &dyn OutputSink,
) -> Result<(), Diagnostics> {
    // A one-off build frees each page's Markdown HTML once the page is
    // written (72 MB at 10,000 pages, all held until the end otherwise).
    let markdown_html = (keep == Keep::WhatPagesNeed).then(|| parts.release_checked_sources());
    render_output(parts, markdown_html, sink)
}

/// The `git log` of the pages' dates ([`read_dates`]), running on a
/// thread of its own while the site loads and renders.
struct DatesReader {
    content_dir: PathBuf,
    thread: Option<std::thread::JoinHandle<PageDates>>,
}

impl DatesReader {
    /// Starts reading the dates of the files under `root`'s `content/`.
    fn start(root: &Path) -> Self {
        let content_dir = root.join(crate::content::CONTENT_DIR);
        let dir = content_dir.clone();
        let thread = std::thread::Builder::new()
            .name("git-dates".to_owned())
            .spawn(move || read_dates(&dir))
            .ok();
        Self {
            content_dir,
            thread,
        }
    }

    /// The dates; read here if no thread could be made. A thread that
    /// failed leaves the pages undated.
    fn finish(self) -> PageDates {
        match self.thread {
            Some(thread) => thread.join().unwrap_or_default(),
            None => read_dates(&self.content_dir),
        }
    }
}

/// What [`render_site_into`] keeps of the checked site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Everything, for a caller that renders parts again (`serve`).
    Everything,
    /// Only what rendering the pages reads: a one-off build drops the page
    /// sources and the links and anchors found in them once they are
    /// checked (at 10,000 pages some 50 MB that would otherwise be held
    /// while the pages and the search index are made).
    WhatPagesNeed,
}

/// Checks that every page's template exists (before the sources that
/// locate the error are released).
fn check_page_templates(parts: &SiteParts) -> Result<(), Diagnostics> {
    let navigation = Navigation::new(&parts.site, &parts.steps);
    let assets = PageAssets {
        theme_files: Vec::new(),
        stylesheets: Vec::new(),
        scripts: Vec::new(),
    };
    let ctx = render_context(parts, &navigation, &assets);
    Diagnostics(ctx.check_templates()).into_result()
}

/// Renders every page's Markdown, in parallel. A one-off build
/// ([`Keep::WhatPagesNeed`]) frees each page's body as soon as it is
/// rendered, so the HTML of later pages reuses its memory (at 10,000 pages
/// the bodies are 45 MB, all held at the phase's end otherwise).
fn render_markdown(
    site: &mut Site,
    index: &SiteIndex,
    templates: &Templates,
    keep: Keep,
) -> Vec<Rendered> {
    let labels = Language::from_tag(&site.config.language).markdown_labels();
    // The texts leave the pages while they render, so each thread can free
    // the one it finished while the others read the rest of the site.
    let mut texts: Vec<String> = site
        .pages
        .iter_mut()
        .map(|page| std::mem::take(&mut page.text))
        .collect();
    let shared: &Site = site;
    let rendered = texts
        .par_iter_mut()
        .enumerate()
        .map(|(page, text)| {
            let data = &shared.pages[page];
            let resolver = PageLinks {
                site: shared,
                index,
                page,
            };
            let output = markdown::render(&RenderInput {
                source: &text[data.body_start..],
                first_line: data.body_first_line,
                resolver: &resolver,
                labels: &labels,
                shortcodes: Some(templates),
            });
            if keep == Keep::WhatPagesNeed {
                Page::release_body_of(text, data.body_start);
            }
            output
        })
        .collect();
    for (page, text) in site.pages.iter_mut().zip(texts) {
        page.body_released = keep == Keep::WhatPagesNeed;
        page.text = text;
    }
    rendered
}

/// A warning for every image of the site loaded from another site.
fn hot_link_warnings(site: &Site, rendered: &[Rendered]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (page, output) in site.pages.iter().zip(rendered) {
        for image in &output.remote_images {
            warnings.push(crate::external::hot_link_warning(
                page,
                &image.url,
                image.position.line,
                image.position.column,
            ));
        }
    }
    warnings
}

/// The problems found while rendering one page's Markdown, as diagnostics.
pub(crate) fn markdown_problems(data: &Page, output: &Rendered) -> Vec<Diagnostic> {
    at_positions(data, &output.errors)
}

/// Markdown errors or warnings of one page, as diagnostics at their place.
fn at_positions(data: &Page, list: &[markdown::MarkdownError]) -> Vec<Diagnostic> {
    list.iter()
        .map(|error| {
            data.error_at(
                error.position.line,
                error.position.column,
                error.message.clone(),
            )
            .hint(error.hint.clone())
        })
        .collect()
}

/// Markdown problems, broken links and anchors, and step metadata errors.
pub(crate) fn check_content(
    site: &Site,
    index: &SiteIndex,
    rendered: &[Rendered],
) -> Result<Vec<Vec<Step>>, Diagnostics> {
    let mut problems = Diagnostics::default();
    for (page, output) in rendered.iter().enumerate() {
        problems.extend(markdown_problems(&site.pages[page], output));
    }
    let anchors = anchor_sets(rendered);
    let link_problems: Vec<Vec<Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .map(|page| check_page_links(site, index, page, &rendered[page].links, &anchors))
        .collect();
    problems.extend(link_problems.into_iter().flatten());
    let (steps, step_problems) = resolve_steps(site, index, rendered);
    problems.extend(step_problems);
    problems.extend(claims::check(site));
    problems.into_result()?;
    Ok(steps)
}

/// Which files of an already checked site to render again.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    /// These pages.
    pub pages: &'a [usize],
    /// And the files that show the whole site (checklist overview, step
    /// manifest, 404 page, sitemap).
    pub overview: bool,
    /// With `overview`, on a site whose overview is split per top-level
    /// entry: only the parts (and step detail files) of the entries that
    /// hold one of `pages`. For an edit that changes no step count, when
    /// no part appears or disappears.
    pub only_parts_of_pages: bool,
}

/// Renders only the `selection` of an already checked site, exactly as
/// [`render_site`] renders them (for incremental rebuilds).
pub fn render_pages(
    parts: &SiteParts,
    selection: Selection<'_>,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let site = &parts.site;
    let assets = page_assets(site)?;
    let navigation = Navigation::new(site, &parts.steps);
    let ctx = render_context(parts, &navigation, &assets);
    let results: Vec<Result<OutputFile, Diagnostic>> = selection
        .pages
        .par_iter()
        .map(|&page| {
            ctx.render_page(page)
                .and_then(|html| text_file(format!("{}index.html", site.pages[page].url), html))
        })
        .collect();
    let mut files = Vec::with_capacity(selection.pages.len() + 4);
    let mut problems = Diagnostics::default();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    timings::phase("pages");
    if selection.overview {
        let tops: Option<HashSet<usize>> = selection.only_parts_of_pages.then(|| {
            selection
                .pages
                .iter()
                .filter_map(|&page| top_level(site, page))
                .collect()
        });
        let mut parts = checklist_parts(&ctx);
        overview_files(&ctx, &parts, tops.as_ref(), &mut files, &mut problems);
        if let Some(tops) = &tops {
            parts.retain(|part| tops.contains(&part.page));
        }
        let made = std::sync::Mutex::new(Vec::new());
        problems.extend(
            checklist_part_files(&ctx, &parts, &|file| {
                made.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(file);
                Ok(())
            })
            .0,
        );
        files.extend(
            made.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    }
    timings::phase("overview files");
    problems.into_result()?;
    Ok(files)
}

/// The context every page render reads, over a checked site; the navigation
/// and page assets are the caller's, so they outlive it.
fn render_context<'a>(
    parts: &'a SiteParts,
    navigation: &'a Navigation<'a>,
    assets: &'a PageAssets,
) -> RenderContext<'a> {
    let site = &parts.site;
    RenderContext {
        site,
        rendered: &parts.rendered,
        steps: &parts.steps,
        templates: &parts.templates,
        navigation,
        language: Language::from_tag(&site.config.language),
        stylesheets: &assets.stylesheets,
        scripts: &assets.scripts,
        split: is_split(&parts.steps),
        dates: &parts.dates,
        languages: parts.languages.as_deref(),
        language_index: parts.language_index,
    }
}

/// Renders pages and generated files, and lists assets and static files,
/// handing each to `sink` as soon as it is made. No two share a path: the
/// checks refused every clash before (see `claims`).
fn render_output(
    parts: &SiteParts,
    markdown_html: Option<Vec<String>>,
    sink: &dyn OutputSink,
) -> Result<(), Diagnostics> {
    let site = &parts.site;
    let assets = page_assets(site)?;
    let navigation = Navigation::new(site, &parts.steps);
    let ctx = render_context(parts, &navigation, &assets);
    // The site-wide files are partly sequential work (the checklist overview
    // is one template render): make them while the pages render, so both
    // cores stay busy, and write each as soon as it is made. No page can
    // share a path with them (pages end in `index.html`; `checklist/` and
    // `assets/` are reserved), so the order does not matter.
    let (pages, generated) = rayon::join(
        || stream_pages(&ctx, markdown_html, sink),
        || site_wide_files(&ctx, sink),
    );
    timings::phase("pages");
    let mut problems = Diagnostics(pages?.into_iter().flatten().collect());
    problems.extend(generated.err().into_iter().flat_map(|d| d.0));
    problems.extend(search_files(&ctx, sink).err().into_iter().flat_map(|d| d.0));
    problems.into_result()?;
    // A second language's folder gets its pages' own files (images beside
    // them); the theme's and `static/` files are the default's, shared.
    let whole_site = parts.language_index == 0;
    put_all(sink, copied_files(site, &assets.theme_files, whole_site)?)
}

/// Reads a file under the root for tests and tools.
pub fn read_output_file(output: &Path, relative: &str) -> Result<Vec<u8>> {
    fs::read(&output.join(relative))
}

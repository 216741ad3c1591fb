//! The files of a build besides the Markdown pipeline itself: the theme's
//! assets and the site's `static/` (copied), the generated files that show
//! the whole site (checklist overview and its sections, step manifests,
//! 404, sitemap, search index), and handing each to the output sink as it
//! is made.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::Site;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ignore::is_ignored;
use crate::markdown::Rendered;
use crate::output::{Contents, OutputFile, OutputSink};
use crate::output_path::{OutputPath, shown};
use crate::render::{
    CHECKLIST_URL, ChecklistPart, MANIFEST_URL, RenderContext, checklist_parts, render_checklist,
    render_checklist_part, render_manifest, render_not_found, render_section_steps, sitemap,
};
use crate::templates::{ThemeFile, theme_static_files};
use crate::timings;

/// The theme's static files, and the stylesheets and scripts every page
/// links to.
pub(super) struct PageAssets {
    pub(super) theme_files: Vec<(String, ThemeFile)>,
    pub(super) stylesheets: Vec<String>,
    pub(super) scripts: Vec<String>,
}

pub(super) fn page_assets(site: &Site) -> Result<PageAssets, Diagnostics> {
    let theme_files = theme_static_files(&site.root, &site.config.theme)?;
    let stylesheets: Vec<String> = asset_urls(&theme_files, ".css");
    let mut scripts: Vec<String> = asset_urls(&theme_files, ".js");
    // Every step of the site, for the checklist scripts on every page.
    scripts.insert(0, MANIFEST_URL.to_owned());
    Ok(PageAssets {
        theme_files,
        stylesheets,
        scripts,
    })
}

/// The generated files that show the whole site: the checklist overview
/// (without its `parts`, see [`checklist_part_files`]), the step manifest,
/// the 404 page and (with a `base_url`) the sitemap.
pub(super) fn overview_files(
    ctx: &RenderContext<'_>,
    parts: &[ChecklistPart],
    only_details_of: Option<&HashSet<usize>>,
    files: &mut Vec<OutputFile>,
    problems: &mut Diagnostics,
) {
    let mut keep = |made: Result<OutputFile, Diagnostic>| match made {
        Ok(file) => files.push(file),
        Err(problem) => problems.push(problem),
    };
    keep(
        render_checklist(ctx, parts)
            .and_then(|html| text_file(format!("{CHECKLIST_URL}index.html"), html)),
    );
    keep(text_file(MANIFEST_URL.to_owned(), render_manifest(ctx)));
    for (path, text) in render_section_steps(ctx, only_details_of) {
        keep(text_file(path, text));
    }
    keep(render_not_found(ctx).and_then(|html| text_file("404.html".to_owned(), html)));
    if let Some(xml) = sitemap(ctx) {
        keep(text_file("sitemap.xml".to_owned(), xml));
    }
}

/// The pages of a split checklist overview, rendered in parallel, each
/// handed to `keep` as it is made (so a large site's overview is never held
/// in memory at once). Returns the template errors.
pub(super) fn checklist_part_files(
    ctx: &RenderContext<'_>,
    parts: &[ChecklistPart],
    keep: &(dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync),
) -> Diagnostics {
    let results: Vec<Option<Diagnostic>> = parts
        .par_iter()
        .map(|part| {
            render_checklist_part(ctx, part)
                .and_then(|html| text_file(format!("{}index.html", part.url), html))
                .and_then(keep)
                .err()
        })
        .collect();
    Diagnostics(results.into_iter().flatten().collect())
}

/// The files that show the whole site (checklist overview and its parts,
/// step manifests, 404, sitemap) and the search index, each handed to
/// `sink` as it is made.
pub(super) fn site_wide_files(
    ctx: &RenderContext<'_>,
    sink: &dyn OutputSink,
) -> Result<(), Diagnostics> {
    let parts = checklist_parts(ctx);
    let mut overview = Vec::new();
    let mut problems = Diagnostics::default();
    overview_files(ctx, &parts, None, &mut overview, &mut problems);
    problems.into_result()?;
    put_all(sink, overview)?;
    timings::phase("checklist overview and step manifests");
    checklist_part_files(ctx, &parts, &|file| put(sink, file)).into_result()?;
    timings::phase("checklist overview sections");
    Ok(())
}

/// The search index, each file handed to `sink` as it is made.
pub(super) fn search_files(
    ctx: &RenderContext<'_>,
    sink: &dyn OutputSink,
) -> Result<(), Diagnostics> {
    crate::search::try_for_each_file(ctx.site, ctx.rendered, &|path, text| {
        put(sink, text_file(path, text)?)
    })?;
    timings::phase("search index");
    Ok(())
}

/// Renders every page in parallel and hands each to `sink` as it is made.
/// With `markdown_html` (every page's rendered Markdown, taken out of the
/// context), each page's is dropped as soon as the page is made. A
/// template error is reported for every page it breaks (the `Some`s); a
/// write error (full disk) stops the build at the first.
pub(super) fn stream_pages(
    ctx: &RenderContext<'_>,
    markdown_html: Option<Vec<String>>,
    sink: &dyn OutputSink,
) -> Result<Vec<Option<Diagnostic>>, Diagnostic> {
    let write = |page: usize, made: Result<String, Diagnostic>| match made {
        Ok(html) => put(
            sink,
            text_file(format!("{}index.html", ctx.site.pages[page].url), html)?,
        )
        .map(|()| None),
        Err(problem) => Ok(Some(problem)),
    };
    match markdown_html {
        Some(markdown_html) => markdown_html
            .into_par_iter()
            .enumerate()
            .map(|(page, markdown)| write(page, ctx.render_page_with(page, &markdown)))
            .collect(),
        None => (0..ctx.site.pages.len())
            .into_par_iter()
            .map(|page| write(page, ctx.render_page(page)))
            .collect(),
    }
}

/// Files copied as they are: content assets, the theme's static files, the
/// site's `static/` (no two share a path: see [`super::claims`]); without
/// `whole_site` (a second language's folder), only the content assets.
pub(super) fn copied_files(
    site: &Site,
    theme_files: &[(String, ThemeFile)],
    whole_site: bool,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let theme_files = if whole_site { theme_files } else { &[] };
    let mut files = Vec::with_capacity(site.assets.len() + theme_files.len() + 8);
    let mut problems = Diagnostics::default();
    for asset in &site.assets {
        match output_path(asset.output.clone()) {
            Ok(path) => files.push(OutputFile {
                path,
                contents: Contents::Copy(asset.path.clone()),
            }),
            Err(problem) => problems.push(problem),
        }
    }
    for (name, file) in theme_files {
        match output_path(format!("{THEME_ASSETS}{name}")) {
            Ok(path) => files.push(OutputFile {
                path,
                contents: match file {
                    ThemeFile::Embedded(bytes) => Contents::Embedded(bytes),
                    ThemeFile::OnDisk(path) => Contents::Copy(path.clone()),
                },
            }),
            Err(problem) => problems.push(problem),
        }
    }
    let statics = if whole_site {
        static_files(&site.root)?
    } else {
        Vec::new()
    };
    files.extend(statics.into_iter().map(|(path, source)| OutputFile {
        path,
        contents: Contents::Copy(source),
    }));
    problems.into_result()?;
    Ok(dedup_by_path(files))
}

/// Hands one file to the sink; an I/O error becomes a diagnostic at the
/// file's output path.
pub(super) fn put(sink: &dyn OutputSink, file: OutputFile) -> Result<(), Diagnostic> {
    let path = file.path.to_string();
    sink.put(file)
        .map_err(|error| Diagnostic::new(path, format!("{error:#}")))
}

/// Hands files with distinct paths to the sink, in parallel.
pub(super) fn put_all(sink: &dyn OutputSink, files: Vec<OutputFile>) -> Result<(), Diagnostics> {
    files
        .into_par_iter()
        .try_for_each(|file| put(sink, file))
        .map_err(Diagnostics::from)
}

/// Files built from every page's rendered text (the search index): the
/// only site-wide files that an edit of a page's body alone changes, so
/// incremental rebuilds make them again.
pub fn text_derived_files(
    site: &Site,
    rendered: &[Rendered],
) -> Result<Vec<OutputFile>, Diagnostics> {
    crate::search::site_files(site, rendered)
        .into_iter()
        .map(|(path, text)| text_file(path, text))
        .collect::<Result<_, _>>()
        .map_err(Diagnostics::from)
}

/// Top-level theme files with this extension, as output paths.
pub(super) fn asset_urls(theme_files: &[(String, ThemeFile)], extension: &str) -> Vec<String> {
    theme_files
        .iter()
        .filter(|(name, _)| name.ends_with(extension) && !name.contains('/'))
        .map(|(name, _)| format!("{THEME_ASSETS}{name}"))
        .collect()
}

/// A generated file; its path is checked like every output path (a page's
/// comes from a `slug` and file names, which are checked when the site is
/// arranged, so this fails only on a fault of the generator).
pub(super) fn text_file(path: String, text: String) -> Result<OutputFile, Diagnostic> {
    Ok(OutputFile {
        path: output_path(path)?,
        contents: Contents::Text(text),
    })
}

/// Checks an output path made by the generator, as a diagnostic.
pub(super) fn output_path(path: String) -> Result<OutputPath, Diagnostic> {
    OutputPath::new(path).map_err(|error| {
        Diagnostic::new(error.path.clone(), error.to_string())
            .hint("rename the file, or change the `slug` that leads here")
    })
}

use crate::render::THEME_ASSETS;

/// Files under the site's `static/`, copied to the output root: each one's
/// output path and its path on disk. A name that cannot be an output path
/// is an error at the file.
pub(super) fn static_files(root: &Path) -> Result<Vec<(OutputPath, PathBuf)>, Diagnostics> {
    let dir = root.join("static");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let mut problems = Diagnostics::default();
    let walker = walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter();
    // Hidden folders and editors' leftovers are skipped whole, as in
    // `content/` and in `serve` (see `crate::ignore`).
    for entry in walker.filter_entry(|entry| entry.depth() == 0 || !is_ignored(entry.file_name())) {
        let entry = entry.map_err(|error| {
            Diagnostics::from(Diagnostic::new(
                "static",
                format!("cannot read `static/`: {error}"),
            ))
        })?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            let names: Vec<_> = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect();
            match OutputPath::new(names.join("/")) {
                Ok(path) => files.push((path, entry.into_path())),
                Err(error) => problems.push(
                    Diagnostic::new(
                        shown(&Path::new("static").join(relative).display().to_string()),
                        format!(
                            "this file's path cannot be part of the output: {}",
                            error.reason()
                        ),
                    )
                    .hint("rename the file: each folder and file name must be an ordinary name"),
                ),
            }
        }
    }
    problems.into_result()?;
    Ok(files)
}

/// One file a path (the checks refuse two sources of one path before this
/// runs: of two, the later is kept), sorted by path so the order is stable.
pub(super) fn dedup_by_path(files: Vec<OutputFile>) -> Vec<OutputFile> {
    let mut by_path = std::collections::BTreeMap::new();
    for file in files {
        by_path.insert(file.path.clone(), file);
    }
    by_path.into_values().collect()
}

//! Arranging pages into a tree: which section each page belongs to, the order
//! of siblings (`weight`, then file name), and where each page is written.
//! Every name a page's folder or an asset's path is made of (folder and file
//! names, `slug`s) is checked to be an ordinary name first, so no page or
//! asset can be written outside the output or in place of its section.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{CONTENT_DIR, FrontMatter, Page, PageKind, SLUG_HINT, Site, check_slug};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output_path::{OutputPath, shown};

/// Puts the home page first, links parents and children, orders siblings and
/// computes every page's output URL.
pub fn arrange(mut site: Site) -> Result<Site, Diagnostics> {
    ensure_home(&mut site);
    // Every name an output path is made of is checked before any is made.
    let mut diagnostics = check_names(&site);
    diagnostics.into_result()?;
    diagnostics = Diagnostics::default();
    let sections = section_dirs(&site.pages);
    for index in 1..site.pages.len() {
        let parent = parent_section(&site.pages[index], &sections);
        site.pages[index].parent = Some(parent);
    }
    for index in 1..site.pages.len() {
        if let Some(parent) = site.pages[index].parent {
            site.pages[parent].children.push(index);
        }
    }
    for index in 0..site.pages.len() {
        let mut children = std::mem::take(&mut site.pages[index].children);
        children.sort_by(|&a, &b| sort_key(&site.pages[a]).cmp(&sort_key(&site.pages[b])));
        site.pages[index].children = children;
    }
    assign_urls(&mut site, &sections);
    warn_sectionless_folders(&mut site, &sections);
    check_unique_urls(&site, &mut diagnostics);
    diagnostics.into_result()?;
    Ok(site)
}

/// The problems with the names output paths are made of: every page's
/// `slug` (at its line), and the folder and file names under `content/`.
fn check_names(site: &Site) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    for page in &site.pages {
        if let Some(problem) = bad_source_name(&page.source, &page.file) {
            diagnostics.push(problem);
        }
        if let Some(Err(message)) = page.front.slug.as_deref().map(check_slug) {
            let (line, column) = slug_position(page);
            diagnostics.push(page.error_at(line, column, message).hint(SLUG_HINT));
        }
    }
    for asset in &site.assets {
        let file = Path::new(CONTENT_DIR).join(&asset.source);
        diagnostics.extend(bad_source_name(&asset.source, &file));
    }
    diagnostics
}

/// A file under `content/` whose path (`source`, `/`-separated; a page's
/// without `.md`) cannot be part of an output path.
fn bad_source_name(source: &str, file: &Path) -> Option<Diagnostic> {
    let error = OutputPath::new(source.strip_suffix(".md").unwrap_or(source)).err()?;
    Some(
        // The name is shown escaped: it may hold control characters.
        Diagnostic::new(
            shown(&file.display().to_string()),
            format!(
                "this file's path cannot be part of the output: {}",
                error.reason()
            ),
        )
        .hint("rename the file or folder: each name must be an ordinary name"),
    )
}

/// Line and column of the page's top-level `slug` key in its front matter
/// (`slug = …` or `slug: …`).
fn slug_position(page: &Page) -> (usize, usize) {
    let front = page.front_text();
    for (index, line) in front.lines().enumerate() {
        let key = line.trim_start();
        let after = key.strip_prefix("slug").map(str::trim_start);
        if after.is_some_and(|rest| rest.starts_with('=') || rest.starts_with(':')) {
            let column = line.len() - key.len() + 1;
            return (page.front_first_line + index, column);
        }
    }
    page.locate_in_front("slug", page.front_first_line)
}

/// The home page is `content/_index.md`; without one, a home page with the
/// site's title is made so a site of plain pages still has a front door.
fn ensure_home(site: &mut Site) {
    match site
        .pages
        .iter()
        .position(|page| page.source == "_index.md")
    {
        Some(index) => site.pages.swap(0, index),
        None => {
            let front = FrontMatter {
                title: site.config.title.clone(),
                description: Some(site.config.description.clone()).filter(|d| !d.is_empty()),
                ..FrontMatter::default()
            };
            let home = Page {
                source: "_index.md".to_owned(),
                file: PathBuf::from("content/_index.md"),
                path: site.root.join("content/_index.md"),
                key: "_index".to_owned(),
                kind: PageKind::Section,
                includes: None,
                front,
                text: String::new(),
                front_range: 0..0,
                front_first_line: 1,
                body_start: 0,
                body_released: false,
                body_first_line: 1,
                quotes: crate::diagnostic::LineCache::default(),
                url: String::new(),
                parent: None,
                children: Vec::new(),
                translation: super::Translation::None,
            };
            site.pages.insert(0, home);
        }
    }
}

/// Folder (relative to `content/`, `""` for the top) → index of its section.
fn section_dirs(pages: &[Page]) -> BTreeMap<String, usize> {
    pages
        .iter()
        .enumerate()
        .filter(|(_, page)| page.kind == PageKind::Section)
        .map(|(index, page)| (page.source_dir().to_owned(), index))
        .collect()
}

/// The nearest section above a page: for a section, the one of its parent
/// folder; for a page, the one of its own folder (or above).
fn parent_section(page: &Page, sections: &BTreeMap<String, usize>) -> usize {
    let mut dir = page.source_dir();
    if page.kind == PageKind::Section {
        dir = parent_dir(dir);
    }
    loop {
        if let Some(&index) = sections.get(dir) {
            return index;
        }
        if dir.is_empty() {
            return Site::HOME;
        }
        dir = parent_dir(dir);
    }
}

fn parent_dir(dir: &str) -> &str {
    dir.rfind('/').map_or("", |slash| &dir[..slash])
}

fn sort_key(page: &Page) -> (i64, &str) {
    (page.front.weight.unwrap_or(i64::MAX), page.source.as_str())
}

/// Output URL of a content folder: its section's URL, or its parent
/// folder's URL plus its own name.
fn dir_url(dir: &str, site: &Site, sections: &BTreeMap<String, usize>) -> String {
    if dir.is_empty() {
        return String::new();
    }
    if let Some(&index) = sections.get(dir) {
        let parent = parent_dir(dir);
        let name = dir.rsplit('/').next().unwrap_or(dir);
        let segment = site.pages[index].front.slug.as_deref().unwrap_or(name);
        return format!("{}{}/", dir_url(parent, site, sections), segment);
    }
    let name = dir.rsplit('/').next().unwrap_or(dir);
    format!("{}{}/", dir_url(parent_dir(dir), site, sections), name)
}

fn assign_urls(site: &mut Site, sections: &BTreeMap<String, usize>) {
    let urls: Vec<String> = site
        .pages
        .iter()
        .map(|page| match page.kind {
            PageKind::Section => dir_url(page.source_dir(), site, sections),
            PageKind::Page => {
                let stem = page
                    .source
                    .rsplit('/')
                    .next()
                    .unwrap_or(&page.source)
                    .trim_end_matches(".md");
                let segment = page.front.slug.as_deref().unwrap_or(stem);
                format!("{}{}/", dir_url(page.source_dir(), site, sections), segment)
            }
        })
        .collect();
    for (page, url) in site.pages.iter_mut().zip(urls) {
        page.url = url;
    }
    let asset_urls: Vec<String> = site
        .assets
        .iter()
        .map(|asset| {
            let dir = parent_dir(&asset.source);
            let name = asset.source.rsplit('/').next().unwrap_or(&asset.source);
            format!("{}{}", dir_url(dir, site, sections), name)
        })
        .collect();
    for (asset, url) in site.assets.iter_mut().zip(asset_urls) {
        asset.output = url;
    }
}

fn warn_sectionless_folders(site: &mut Site, sections: &BTreeMap<String, usize>) {
    let mut warned = std::collections::BTreeSet::new();
    for page in &site.pages {
        let dir = page.source_dir();
        if page.kind == PageKind::Page
            && !dir.is_empty()
            && !sections.contains_key(dir)
            && warned.insert(dir.to_owned())
        {
            site.warnings.push(
                Diagnostic::new(format!("content/{dir}"), "this folder has no `_index.md`; its pages are listed under the section above it")
                    .hint(format!("add `content/{dir}/_index.md` with a title to make it a section"))
                    .warning(),
            );
        }
    }
}

fn check_unique_urls(site: &Site, diagnostics: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &Page> = BTreeMap::new();
    for page in &site.pages {
        if let Some(first) = seen.insert(page.url.as_str(), page) {
            diagnostics.push(
                Diagnostic::new(
                    &page.file,
                    format!(
                        "this page would be written to `{}`, like `{}`",
                        page.url,
                        first.file.display()
                    ),
                )
                .hint("change the `slug` of one of them"),
            );
        }
    }
}

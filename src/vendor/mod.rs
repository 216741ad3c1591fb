//! `offboard-site vendor-images`: copies every image the pages hot-link
//! from other sites into the site, and points the Markdown at the copy.
//!
//! A hot-linked image breaks when its host moves it, blocks it or cannot be
//! reached (offline, an intranet, a page opened from `file://`), and tells
//! the host who reads the guide. Each remote image of every page (drafts
//! included) is downloaded once ([`crate::external::download_all`]: the
//! limits, deadlines and retries of `check --external`), judged by its bytes
//! ([`image`]), and saved as `content/vendor/<host>/<name>-<hash>.<ext>`
//! ([`names`]). Under `content/`, not `static/`: a page links files under
//! `content/` by relative paths, which the build checks, sizes (`width`,
//! `height`) and writes as relative URLs that work from any sub-path and
//! from `file://`; a `/vendor/…` path into `static/` would do none of that.
//!
//! Then each page's reference is replaced by the relative path, in the
//! Markdown file as the author wrote it. Every file is written atomically
//! (a temporary file renamed over it), images before the pages that name
//! them, so an interrupted run leaves each file whole, old or new. A
//! reference that cannot be vendored (the download failed, the file is no
//! image, the address is in a reference definition) is reported at its
//! file, line and column, and left as it was.

mod image;
mod names;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub use names::VENDOR_DIR;

use crate::content::{CONTENT_DIR, LoadOptions, Page, load_site};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::external::{Download, FetchOptions, download_all};
use crate::markdown::{ImageSource, remote_image_sources};

/// The largest image downloaded, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 25_000_000;

/// What to do.
#[derive(Debug, Clone)]
pub struct VendorOptions {
    /// The site root.
    pub root: PathBuf,
    /// Download and report, but write nothing.
    pub dry_run: bool,
    /// Requests, timeouts and retries.
    pub fetch: FetchOptions,
}

/// What a run did (or, with `dry_run`, would do).
#[derive(Debug, Default)]
pub struct VendorReport {
    /// References replaced by a local path.
    pub rewritten: usize,
    /// Image files written (or already there with the same bytes).
    pub images: usize,
    /// Markdown files changed.
    pub pages: usize,
    /// References left as they were, at their places.
    pub failures: Vec<Diagnostic>,
}

/// One remote image of one page.
struct Reference {
    page: usize,
    source: ImageSource,
}

/// Vendors every remote image of the site, printing each replacement to
/// `out` as `file:line:column: URL -> path`.
pub fn vendor_images(options: &VendorOptions, out: &mut dyn Write) -> Result<VendorReport> {
    let root = &options.root;
    let config = crate::config::load_config(root).map_err(Diagnostics::from)?;
    let site = load_site(
        root,
        config,
        LoadOptions {
            include_drafts: true,
        },
    )?;
    let texts = read_sources(root, &site.pages)?;
    let references = find_references(&site.pages, &texts);
    let urls: Vec<String> = {
        let mut urls: Vec<String> = references
            .iter()
            .map(|r| download_url(&r.source.url))
            .collect();
        urls.sort();
        urls.dedup();
        urls
    };
    let downloads = download_all(&urls, &options.fetch, MAX_IMAGE_BYTES);
    let mut report = VendorReport::default();
    let saved = save_images(root, &urls, downloads, options.dry_run, &mut report)?;
    let mut edits: BTreeMap<usize, Vec<(std::ops::Range<usize>, String)>> = BTreeMap::new();
    for reference in &references {
        let page = &site.pages[reference.page];
        let at = |message: String| raw_position(page, &reference.source, message);
        let local = match &saved[&download_url(&reference.source.url)] {
            Ok(local) => local,
            Err(reason) => {
                report.failures.push(
                    at(format!("cannot vendor the image `{}`: {reason}", reference.source.url))
                        .hint("the reference is left as it was; fix the address, or save the image into `content/` by hand and link it by its relative path"),
                );
                continue;
            }
        };
        let Some(span) = reference.source.span.clone() else {
            report.failures.push(
                at(format!("cannot rewrite the image `{}`: its address is not written inside the image", reference.source.url))
                    .hint(format!("write it inline, `![alt]({})`, and run `vendor-images` again; the image is saved as `content/{local}`", reference.source.url)),
            );
            continue;
        };
        let path = relative_path(page.source_dir(), local);
        let body_start = page.body_start;
        writeln!(
            out,
            "{}:{}:{}: {} -> {path}",
            page.file.display(),
            reference.source.position.line,
            reference.source.position.column,
            reference.source.url
        )?;
        edits
            .entry(reference.page)
            .or_default()
            .push((body_start + span.start..body_start + span.end, path));
        report.rewritten += 1;
    }
    report.pages = edits.len();
    if !options.dry_run {
        for (page, page_edits) in edits {
            let text = apply_edits(&texts[page], page_edits);
            crate::fs::write_atomic(&root.join(&site.pages[page].file), text.as_bytes())?;
        }
    }
    report
        .failures
        .sort_by(|a, b| (&a.path, a.location).cmp(&(&b.path, b.location)));
    Ok(report)
}

/// A diagnostic at a position in the page's file as written: with
/// includes, the page's own positions are of the expanded text, so the
/// line is not quoted.
fn raw_position(page: &Page, source: &ImageSource, message: String) -> Diagnostic {
    let (line, column) = (source.position.line, source.position.column);
    if page.includes.is_some() {
        Diagnostic::new(&page.file, message).at(line, column)
    } else {
        page.error_at(line, column, message)
    }
}

/// Each page's file as it is on disk now (with its includes unexpanded).
fn read_sources(root: &Path, pages: &[Page]) -> Result<Vec<String>> {
    pages
        .iter()
        .map(|page| {
            let bytes = crate::fs::read(&root.join(&page.file))?;
            String::from_utf8(bytes)
                .with_context(|| format!("`{}` is no longer UTF-8", page.file.display()))
        })
        .collect()
}

/// Every remote image of every page's body, in page order.
fn find_references(pages: &[Page], texts: &[String]) -> Vec<Reference> {
    let mut found = Vec::new();
    for (index, (page, text)) in pages.iter().zip(texts).enumerate() {
        let body = text.get(page.body_start..).unwrap_or_default();
        for source in remote_image_sources(body, page.body_first_line) {
            found.push(Reference {
                page: index,
                source,
            });
        }
    }
    found
}

/// The address to download: `//host/…` as `https:`, without the fragment.
fn download_url(url: &str) -> String {
    let url = url.split('#').next().unwrap_or_default();
    match url.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => url.to_owned(),
    }
}

/// Judges and saves each download; by URL, the saved file's path under
/// `content/`, or why there is none.
fn save_images(
    root: &Path,
    urls: &[String],
    downloads: Vec<Result<Download, String>>,
    dry_run: bool,
    report: &mut VendorReport,
) -> Result<HashMap<String, Result<String, String>>> {
    let content = crate::fs::canonicalize(&root.join(CONTENT_DIR))?;
    let mut saved = HashMap::new();
    let mut files = std::collections::HashSet::new();
    for (url, download) in urls.iter().zip(downloads) {
        let local = download.and_then(|download| {
            let extension = image::extension(&download)?;
            let folder = names::host_folder(url);
            let name = names::file_name(url, &download.bytes, extension);
            let local = format!("{VENDOR_DIR}/{folder}/{name}");
            if !dry_run {
                write_image(&content, &local, &download.bytes)?;
            }
            Ok(local)
        });
        if let Ok(local) = &local {
            files.insert(local.clone());
        }
        saved.insert(url.clone(), local);
    }
    report.images = files.len();
    Ok(saved)
}

/// Writes an image at `local` under the (real) `content` folder, unless the
/// same bytes are there; refuses a folder that leads out of `content/`
/// through a symlink.
fn write_image(content: &Path, local: &str, bytes: &[u8]) -> Result<(), String> {
    let path = content.join(local);
    let mut folder = content.to_path_buf();
    for part in Path::new(local)
        .parent()
        .into_iter()
        .flat_map(Path::components)
    {
        folder.push(part);
        if crate::fs::symlink_metadata(&folder).is_none() {
            crate::fs::create_dir_all(&folder).map_err(|error| format!("{error:#}"))?;
        }
        let real = crate::fs::canonicalize(&folder).map_err(|error| format!("{error:#}"))?;
        if !real.starts_with(content) {
            return Err(format!(
                "`content/{}` leads out of `content/` (a symlink), so nothing is written there",
                folder
                    .strip_prefix(content)
                    .map_or(folder.as_path(), |inner| inner)
                    .display()
            ));
        }
    }
    if crate::fs::symlink_metadata(&path).is_some() {
        return match crate::fs::read(&path) {
            Ok(existing) if existing == bytes => Ok(()),
            _ => Err(format!(
                "`content/{local}` is there already with other bytes; move it away and run again"
            )),
        };
    }
    crate::fs::write_atomic(&path, bytes).map_err(|error| format!("{error:#}"))
}

/// `local` (a path under `content/`) relative to a page in `dir`.
fn relative_path(dir: &str, local: &str) -> String {
    let depth = dir.split('/').filter(|part| !part.is_empty()).count();
    format!("{}{local}", "../".repeat(depth))
}

/// The text with each range replaced (ranges do not overlap).
fn apply_edits(text: &str, mut edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (range, replacement) in edits {
        out.push_str(&text[from..range.start]);
        out.push_str(&replacement);
        from = range.end;
    }
    out.push_str(&text[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_page() {
        assert_eq!(relative_path("", "vendor/h/a.png"), "vendor/h/a.png");
        assert_eq!(
            relative_path("a/b", "vendor/h/a.png"),
            "../../vendor/h/a.png"
        );
    }

    #[test]
    fn edits_replace_their_ranges() {
        let text = "![a](https://x/1.png) ![b](https://x/2.png)";
        let edits = vec![(27..42, "two".to_owned()), (5..20, "one".to_owned())];
        assert_eq!(apply_edits(text, edits), "![a](one) ![b](two)");
    }

    #[test]
    fn downloads_drop_the_fragment_and_take_https_for_no_scheme() {
        assert_eq!(
            download_url("//cdn.example/a.png#x"),
            "https://cdn.example/a.png"
        );
        assert_eq!(
            download_url("http://e.example/a.png?q=1"),
            "http://e.example/a.png?q=1"
        );
    }
}

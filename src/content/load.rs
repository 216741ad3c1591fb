//! Reading `content/`: walk the folder, read and split every Markdown file
//! (in parallel), parse front matter, and collect the other files as assets.
//! Every problem found is collected; the run reports them all.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::front_matter::{self, FrontMatter};
use super::{Asset, CONTENT_DIR, Page, PageKind, Site, read_source, tree};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, LineCache, display_path};

/// Options for reading content.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep pages marked `draft = true`.
    pub include_drafts: bool,
}

/// Reads every page under `root/content` and arranges the site.
pub fn load_site(root: &Path, config: Config, options: LoadOptions) -> Result<Site, Diagnostics> {
    let content = root.join(CONTENT_DIR);
    let (markdown, other) = list_files(&content, root)?;
    if markdown.is_empty() {
        return Err(Diagnostic::new(display_path(&content, root), "there are no pages: `content/` has no `.md` file")
            .hint("add `content/_index.md` with a `+++ title = \"…\" +++` front matter, or run `offboard-site init DIR` to see a working site")
            .into());
    }
    let files = crate::languages::page_files(&markdown, &content, root, &config)?;
    let results: Vec<Result<Option<Page>, Diagnostic>> = files
        .par_iter()
        .map(|file| read_page_in(file, &content, root, options))
        .collect();
    let mut diagnostics = Diagnostics::default();
    let mut pages = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(Some(page)) => pages.push(page),
            Ok(None) => {}
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    diagnostics.into_result()?;
    let assets = other.iter().map(|path| asset(path, &content)).collect();
    tree::arrange(Site {
        config,
        root: root.to_path_buf(),
        pages,
        assets,
        warnings: Vec::new(),
    })
}

/// Markdown files and other files under `content/`, sorted, hidden files and
/// editor leftovers skipped.
fn list_files(content: &Path, root: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Diagnostics> {
    if !content.is_dir() {
        return Err(Diagnostic::new(
            display_path(content, root),
            "the `content/` folder is missing",
        )
        .hint("create `content/_index.md`, or run `offboard-site init DIR` for a working example")
        .into());
    }
    let mut markdown = Vec::new();
    let mut other = Vec::new();
    let walker = WalkDir::new(content).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|entry| entry.depth() == 0 || !is_ignored(entry.file_name())) {
        let entry = entry.map_err(|error| {
            Diagnostic::new(
                display_path(content, root),
                format!("cannot read the content folder: {error}"),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        if path.extension().is_some_and(|ext| ext == "md") {
            markdown.push(path);
        } else {
            other.push(path);
        }
    }
    Ok((markdown, other))
}

/// Hidden files and editors' leftovers: the list `build` and `serve` share.
pub use crate::ignore::is_ignored;

fn relative_source(path: &Path, content: &Path) -> String {
    let relative = path.strip_prefix(content).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn asset(path: &Path, content: &Path) -> Asset {
    let source = relative_source(path, content);
    Asset {
        output: source.clone(),
        source,
        path: path.to_path_buf(),
    }
}

/// How to mend a page over [`MAX_SOURCE_BYTES`](super::MAX_SOURCE_BYTES).
const PAGE_TOO_LARGE: &str = "split the page: make it a section (a folder with an `_index.md`) holding several shorter pages";

/// Reads one page (`path` under `content`, the site's `content/` folder);
/// `Ok(None)` for a draft left out. The page's place in the tree (`url`,
/// `parent`, `children`) is left empty: [`load_site`] arranges it.
pub fn read_page(
    path: &Path,
    content: &Path,
    root: &Path,
    options: LoadOptions,
) -> Result<Option<Page>, Diagnostic> {
    let file = display_path(path, root);
    let text = read_source(path, &file, PAGE_TOO_LARGE)?;
    let with_path = |diagnostic: Diagnostic| Diagnostic {
        path: file.clone(),
        ..diagnostic
    };
    let split = front_matter::split(&text).map_err(with_path)?;
    let front: FrontMatter = front_matter::parse(&split, &text).map_err(with_path)?;
    if front.draft && !options.include_drafts {
        return Ok(None);
    }
    let front_start = split.front.as_ptr() as usize - text.as_ptr() as usize;
    let body_start = split.body.as_ptr() as usize - text.as_ptr() as usize;
    let (front_first_line, body_first_line) = (split.front_first_line, split.body_first_line);
    let front_range = front_start..front_start + split.front.len();
    let (text, includes) = expand_includes(text, body_start, body_first_line, path, &file, root)?;
    let source = relative_source(path, content);
    let kind = kind_of(&source);
    let key = key_of(&source);
    Ok(Some(Page {
        source,
        file,
        path: path.to_path_buf(),
        key,
        kind,
        includes,
        front,
        front_range,
        front_first_line,
        body_start,
        body_released: false,
        body_first_line,
        quotes: LineCache::default(),
        text,
        url: String::new(),
        parent: None,
        children: Vec::new(),
        translation: super::Translation::None,
    }))
}

/// Reads the page `file` of a language's site: a translation takes the
/// place (source, key, kind) of its original.
fn read_page_in(
    file: &crate::languages::PageFile,
    content: &Path,
    root: &Path,
    options: LoadOptions,
) -> Result<Option<Page>, Diagnostic> {
    let mut translation = file.translation.clone();
    let mut read = read_page(&file.read_from, content, root, options)?;
    if read.is_none() && matches!(translation, super::Translation::Own(_)) {
        // A draft translation: the original stands in until it is ready.
        translation = super::Translation::Fallback;
        read = read_page(&file.original, content, root, options)?;
    }
    let Some(mut page) = read else {
        return Ok(None);
    };
    if translation != super::Translation::None {
        let original = relative_source(&file.original, content);
        page.kind = kind_of(&original);
        page.key = key_of(&original);
        page.source = original;
        page.translation = translation;
    }
    Ok(Some(page))
}

/// A section (`_index.md`) or a page, by its source path.
fn kind_of(source: &str) -> PageKind {
    if source == "_index.md" || source.ends_with("/_index.md") {
        PageKind::Section
    } else {
        PageKind::Page
    }
}

/// A page's progress key: its source path without `.md`.
fn key_of(source: &str) -> String {
    source.trim_end_matches(".md").to_owned()
}

/// The path of `path` under `content`, with `/` separators.
pub fn source_of(path: &Path, content: &Path) -> String {
    relative_source(path, content)
}

/// The page's text with the `{{#include}}`s of its body spliced in, and
/// where the lines came from (see [`crate::include`]); the text as it is
/// when the body has none.
fn expand_includes(
    text: String,
    body_start: usize,
    body_first_line: usize,
    path: &Path,
    file: &Path,
    root: &Path,
) -> Result<(String, Option<Box<crate::include::LineMap>>), Diagnostic> {
    if !crate::include::has_directive(&text[body_start..]) {
        return Ok((text, None));
    }
    let origin = crate::include::Origin {
        shown: file.to_path_buf(),
        path: path.to_path_buf(),
    };
    let expanded = crate::include::expand(&text[body_start..], body_first_line, &origin, root)?;
    let mut whole = text;
    whole.truncate(body_start);
    whole.push_str(&expanded.body);
    Ok((whole, expanded.map.map(Box::new)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".hidden.md",
            "a.md~",
            ".a.md.swp",
            "#a.md#",
            "x.tmp",
            "4913",
            "a.md.kate-swp",
            "a.md___jb_tmp___",
        ] {
            assert!(is_ignored(OsStr::new(name)), "{name}");
        }
        assert!(!is_ignored(OsStr::new("page.md")));
    }

    #[test]
    fn the_walker_skips_leftovers_and_hidden_folders() {
        let dir = tempfile::tempdir().expect("temp dir");
        let content = dir.path().join("content");
        for name in [
            "a.md",
            "4913",
            "a.md.kate-swp",
            "a.md___jb_old___",
            ".git/HEAD",
            "b/.b.md.swp",
            "b/b.md",
            "b/photo.png",
        ] {
            let path = content.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            std::fs::write(&path, "x").expect("write");
        }
        let (markdown, other) = list_files(&content, dir.path()).expect("listed");
        let names = |paths: &[PathBuf]| -> Vec<String> {
            paths
                .iter()
                .map(|path| relative_source(path, &content))
                .collect()
        };
        assert_eq!(names(&markdown), ["a.md", "b/b.md"]);
        assert_eq!(names(&other), ["b/photo.png"]);
    }
}

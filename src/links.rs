//! Links between pages: turning an author's relative `.md` path into a
//! working relative URL while rendering, and checking afterwards that every
//! link, anchor and local image leads somewhere.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::content::Site;
use crate::diagnostic::Diagnostic;
use crate::markdown::{ImageSize, LinkRef, LinkResolver, Rendered};
use crate::urls::{encode_fragment, file_href, join_normalized, split_fragment};

/// Lookup tables from content paths to pages and assets.
#[derive(Debug, Default)]
pub struct SiteIndex {
    pages: HashMap<String, usize>,
    assets: HashMap<String, String>,
}

/// What a relative destination points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<'a> {
    /// A page, with the anchor if one was given.
    Page(usize, Option<&'a str>),
    /// A file copied from `content/`; its output path.
    Asset(&'a str),
    /// Nothing: the path as resolved (relative to `content/`).
    Missing(String),
}

impl SiteIndex {
    /// Indexes a site's pages and assets by their path under `content/`.
    pub fn new(site: &Site) -> Self {
        let pages = site
            .pages
            .iter()
            .enumerate()
            .map(|(index, page)| (page.source.clone(), index))
            .collect();
        let assets = site
            .assets
            .iter()
            .map(|asset| (asset.source.clone(), asset.output.clone()))
            .collect();
        Self { pages, assets }
    }

    /// The page with this path under `content/`.
    pub fn page(&self, source: &str) -> Option<usize> {
        self.pages.get(source).copied()
    }

    /// What `destination`, written in a page whose folder (under `content/`)
    /// is `dir`, points at.
    pub fn target<'a>(&'a self, dir: &str, destination: &'a str) -> Target<'a> {
        let (path, fragment) = split_fragment(destination);
        let Some(joined) = join_normalized(dir, &percent_decode(path)) else {
            return Target::Missing(path.to_owned());
        };
        if let Some(&page) = self.pages.get(&joined) {
            return Target::Page(page, fragment);
        }
        let folder_index = if joined.is_empty() {
            "_index.md".to_owned()
        } else {
            format!("{joined}/_index.md")
        };
        if let Some(&page) = self.pages.get(&folder_index) {
            return Target::Page(page, fragment);
        }
        match self.assets.get(&joined) {
            Some(output) => Target::Asset(output),
            None => Target::Missing(joined),
        }
    }
}

impl SiteIndex {
    /// The path under `content/` of the file `destination` (written in a
    /// page whose folder is `dir`) names, when it is a copied file.
    pub fn asset_source(&self, dir: &str, destination: &str) -> Option<String> {
        let (path, _) = split_fragment(destination);
        let joined = join_normalized(dir, &percent_decode(path))?;
        self.assets.contains_key(&joined).then_some(joined)
    }
}

/// Decodes `%XX` escapes so `%E6%89%8B.md` finds `手.md`; invalid escapes
/// are kept as written.
fn percent_decode(path: &str) -> Cow<'_, str> {
    if !path.contains('%') {
        return Cow::Borrowed(path);
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or(Cow::Borrowed(path), Cow::Owned)
}

/// Rewrites the links of one page while it is rendered.
pub struct PageLinks<'a> {
    /// The site.
    pub site: &'a Site,
    /// Its lookup tables.
    pub index: &'a SiteIndex,
    /// The page being rendered.
    pub page: usize,
}

impl LinkResolver for PageLinks<'_> {
    fn resolve(&self, destination: &str) -> Option<String> {
        let page = &self.site.pages[self.page];
        // Built in one string, without `format!`: this runs for every link
        // of the site.
        let (mut href, anchor) = match self.index.target(page.source_dir(), destination) {
            Target::Page(target, anchor) if target == self.page && anchor.is_some() => {
                (String::new(), anchor)
            }
            Target::Page(target, anchor) => {
                // `page_href`, appended to in place.
                let mut href = file_href(&page.url, &self.site.pages[target].url);
                href.push_str("index.html");
                (href, anchor)
            }
            Target::Asset(output) => (file_href(&page.url, output), split_fragment(destination).1),
            Target::Missing(_) => return None,
        };
        if let Some(anchor) = anchor {
            href.push('#');
            href.push_str(&encode_fragment(anchor));
        }
        Some(href)
    }

    fn image_size(&self, destination: &str) -> ImageSize {
        let page = &self.site.pages[self.page];
        match self.index.asset_source(page.source_dir(), destination) {
            Some(source) => crate::images::intrinsic_size(
                &self
                    .site
                    .root
                    .join(crate::content::CONTENT_DIR)
                    .join(source),
            ),
            None => ImageSize::Unknown,
        }
    }
}

/// Every anchor of every page, for checking `#fragment`s.
pub fn anchor_sets(rendered: &[Rendered]) -> Vec<HashSet<&str>> {
    rendered
        .par_iter()
        .map(|page| page.anchors.iter().map(String::as_str).collect())
        .collect()
}

/// Checks the relative links of one page: the target page or file exists,
/// and so does the anchor.
pub fn check_page_links(
    site: &Site,
    index: &SiteIndex,
    page: usize,
    links: &[LinkRef],
    anchors: &[HashSet<&str>],
) -> Vec<Diagnostic> {
    let source = &site.pages[page];
    let mut problems = Vec::new();
    for link in links {
        let at = |message: String, hint: String| {
            source
                .error_at(link.position.line, link.position.column, message)
                .hint(hint)
        };
        if let Some(anchor) = link.destination.strip_prefix('#') {
            if !anchors[page].contains(anchor) {
                problems.push(at(
                    format!("there is no anchor `#{anchor}` on this page"),
                    anchor_hint(&anchors[page]),
                ));
            }
            continue;
        }
        match index.target(source.source_dir(), &link.destination) {
            Target::Page(target, Some(anchor)) if !anchors[target].contains(anchor) => problems
                .push(at(
                    format!(
                        "`{}` has no anchor `#{anchor}`",
                        site.pages[target].file.display()
                    ),
                    anchor_hint(&anchors[target]),
                )),
            Target::Missing(resolved) => {
                let what = if link.is_image { "image" } else { "link" };
                problems.push(at(
                    format!("broken {what}: `{}` leads nowhere (looked for `content/{resolved}`)", link.destination),
                    "link to another page by its `.md` path relative to this file, e.g. `../section/page.md#anchor`".to_owned(),
                ));
            }
            _ => {}
        }
    }
    problems
}

fn anchor_hint(anchors: &HashSet<&str>) -> String {
    let mut known: Vec<&str> = anchors.iter().copied().collect();
    known.sort_unstable();
    known.truncate(12);
    if known.is_empty() {
        "that page has no headings or steps to link to".to_owned()
    } else {
        format!("anchors there include: {}", known.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("%E6%89%8B.md"), "手.md");
        assert_eq!(percent_decode("100%.md"), "100%.md");
    }
}

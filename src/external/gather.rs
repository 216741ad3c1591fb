//! Finding every external link and image of a site, each with the file,
//! line and column it was written at.

use std::path::{Path, PathBuf};

use crate::content::{LoadOptions, Page, load_site};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::markdown::external_refs;

/// One place where an external URL is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The URL as written.
    pub url: String,
    /// Whether the page shows it as an image (hot-linked).
    pub is_image: bool,
    /// The file, relative to the site root (`content/a.md`).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Every `http:`/`https:` link and image of the site's pages: the Markdown
/// bodies (bare URLs included) and each step's `link` in front matter, in
/// page order. Drafts are left out, as the build leaves them out.
pub fn gather(root: &Path) -> Result<(Vec<Occurrence>, Vec<Page>), Diagnostics> {
    let config = crate::config::load_config(root)?;
    let site = load_site(root, config, LoadOptions::default())?;
    let mut found = Vec::new();
    for page in &site.pages {
        found.extend(page_occurrences(page));
    }
    Ok((found, site.pages))
}

/// The external URLs of one page: front matter step links first, then the
/// body in document order.
fn page_occurrences(page: &Page) -> Vec<Occurrence> {
    let mut found = Vec::new();
    for id in page.front.steps.keys() {
        let Some(link) = page.front.steps.get(id).and_then(|meta| meta.link.as_ref()) else {
            continue;
        };
        if !is_web_url(link) {
            continue;
        }
        let (line, column) = page.locate_in_front(link, page.front_first_line);
        found.push(Occurrence {
            url: link.clone(),
            is_image: false,
            file: page.file.clone(),
            line,
            column,
        });
    }
    for reference in external_refs(page.body(), page.body_first_line) {
        found.push(Occurrence {
            url: reference.url,
            is_image: reference.is_image,
            file: page.file.clone(),
            line: reference.position.line,
            column: reference.position.column,
        });
    }
    found
}

/// Whether `url` starts with `http:` or `https:` (any case).
fn is_web_url(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
    })
}

/// The warning for an image loaded from another site, written in `page`
/// at `line` and `column`: `check` gives it for every such image, without
/// asking the network.
pub fn hot_link_warning(page: &Page, url: &str, line: usize, column: usize) -> Diagnostic {
    page.error_at(
        line,
        column,
        format!("the image `{url}` is hot-linked from another site"),
    )
    .hint("it breaks when that site moves or blocks it, or cannot be reached (offline, an intranet), and tells it who reads the guide; `offboard-site vendor-images` copies it into the site and links the copy")
    .warning()
}

#[cfg(test)]
mod tests {
    use super::is_web_url;

    #[test]
    fn only_http_and_https_are_checked() {
        assert!(is_web_url("https://example.com/"));
        assert!(is_web_url("HTTP://example.com/"));
        assert!(!is_web_url("mailto:a@example.com"));
        assert!(!is_web_url("../a.md"));
    }
}

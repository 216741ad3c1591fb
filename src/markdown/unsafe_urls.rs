//! URLs a Markdown link must not carry: `javascript:` and `vbscript:` run
//! script in the reader's browser, and a `data:` page can pose as the site.
//! Such links are dropped (their text stays) with a warning, as Hugo's
//! renderer drops them. A `data:` image is harmless and kept.
//!
//! Browsers read a scheme after removing leading spaces and control
//! characters and every tab and newline, in any case (`  JaVa\tScRiPt:`);
//! so does [`dangerous_scheme`]. Raw HTML is not touched: it is the
//! author's, written as they meant it.

/// The schemes refused in links; the last one is allowed in images.
const SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// The refused scheme `url` has, as browsers would read it, or `None`.
/// `data:` counts only outside images (`is_image` false).
pub(super) fn dangerous_scheme(url: &str, is_image: bool) -> Option<&'static str> {
    let mut read = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|&c| !matches!(c, '\t' | '\n' | '\r'));
    let mut scheme = String::new();
    loop {
        match read.next() {
            Some(':') => break,
            Some(c) if scheme.len() <= "javascript".len() => scheme.push(c.to_ascii_lowercase()),
            _ => return None,
        }
    }
    let refused = if is_image {
        &SCHEMES[..2]
    } else {
        &SCHEMES[..]
    };
    refused.iter().copied().find(|&name| name == scheme)
}

/// The warning's message and hint for a dropped link or image.
pub(super) fn warning(scheme: &str, is_image: bool) -> (String, String) {
    let what = if is_image { "an image" } else { "a link" };
    (
        format!("dropped {what} to a `{scheme}:` URL: it could run script or pose as this site; its text is kept"),
        "link to a page of the guide or an `https:` address; raw HTML is kept as written if this is really meant".to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_as_browsers_read_them() {
        assert_eq!(
            dangerous_scheme("javascript:alert(1)", false),
            Some("javascript")
        );
        assert_eq!(
            dangerous_scheme("  JaVa\tScRiPt:x", false),
            Some("javascript")
        );
        assert_eq!(
            dangerous_scheme("\u{1}\u{1f}java\nscript:x", false),
            Some("javascript")
        );
        assert_eq!(dangerous_scheme("VBScript:x", false), Some("vbscript"));
        assert_eq!(dangerous_scheme("data:text/html,<b>", false), Some("data"));
    }

    #[test]
    fn other_urls_and_data_images_are_kept() {
        assert_eq!(dangerous_scheme("data:image/png;base64,AA", true), None);
        assert_eq!(dangerous_scheme("javascript:x", true), Some("javascript"));
        for url in [
            "https://a.com",
            "./javascript:x.md",
            "javascripts:x",
            "java script:x",
            "a.md",
            "",
            "data",
        ] {
            assert_eq!(dangerous_scheme(url, false), None, "{url:?}");
        }
    }
}

//! Relative URLs. The output never uses absolute paths, so it works from any
//! sub-path and from `file://`; every link to a page names its `index.html`
//! because `file://` does not serve folder indexes.
//!
//! Output paths come from file names, and a file name may hold anything:
//! `#`, `?`, `%`, spaces, `javascript:alert(1)`. Every href the site writes
//! is therefore made here, as a valid relative reference: each path segment
//! is percent-encoded (see [`encode_path`]), and a first segment with a
//! colon gets `./` in front so it cannot read as a scheme.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// ASCII that a fragment must not hold as it is: what is not a URL code
/// point in the URL standard (controls, space, `"`, `#`, `<`, `>`, `[`, `\`,
/// `]`, `^`, `` ` ``, `{`, `|`, `}`), and `%`, which would start an escape.
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// ASCII that a path segment must not hold as it is: the same, and `/` and
/// `?`, which would end the segment or the path.
const SEGMENT: &AsciiSet = &FRAGMENT.add(b'/').add(b'?');

/// How non-ASCII characters are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NonAscii {
    /// As they are where the URL standard allows it (a valid URL string may
    /// hold them; browsers encode them as UTF-8 when they follow the link),
    /// so `指南/` stays readable in the HTML.
    Readable,
    /// Percent-encoded as UTF-8, for places that want plain ASCII URIs
    /// (`sitemap.xml`).
    Encoded,
}

/// Appends `text` with every character a URL may not hold there
/// percent-encoded as UTF-8.
fn push_encoded(out: &mut String, text: &str, set: &'static AsciiSet, non_ascii: NonAscii) {
    let mut start = 0;
    if non_ascii == NonAscii::Readable {
        for (at, c) in text.char_indices() {
            if is_readable_non_ascii(c) {
                out.extend(utf8_percent_encode(&text[start..at], set));
                out.push(c);
                start = at + c.len_utf8();
            }
        }
    }
    out.extend(utf8_percent_encode(&text[start..], set));
}

/// A non-ASCII URL code point: from U+00A0 up, without the noncharacters
/// (C1 controls and noncharacters must be encoded).
fn is_readable_non_ascii(c: char) -> bool {
    let code = u32::from(c);
    code >= 0xA0 && !(0xFDD0..=0xFDEF).contains(&code) && code & 0xFFFE != 0xFFFE
}

/// Appends a relative path (segments separated by `/`) with each segment
/// percent-encoded; `..` and `.` segments stay as they are.
fn push_path(out: &mut String, path: &str, non_ascii: NonAscii) {
    for (at, segment) in path.split('/').enumerate() {
        if at > 0 {
            out.push('/');
        }
        push_encoded(out, segment, SEGMENT, non_ascii);
    }
}

/// A relative path (an output path, `/`-separated, not encoded) as a
/// relative reference: each segment percent-encoded, and `./` in front when
/// its first segment holds a colon (`faq:general/` would read as a scheme).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    let first = path.split('/').next().unwrap_or_default();
    if first.contains(':') {
        out.push_str("./");
    }
    push_path(&mut out, path, NonAscii::Readable);
    out
}

/// An output path under an absolute base URL (`https://e.com/guide/`), all
/// ASCII: for `sitemap.xml`, whose URLs must be plain URIs.
pub fn absolute_url(base: &str, path: &str) -> String {
    let mut out = String::with_capacity(base.len() + path.len());
    out.push_str(base);
    push_path(&mut out, path, NonAscii::Encoded);
    out
}

/// An id (or any text) as the fragment of a URL, without the `#`.
pub fn encode_fragment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    push_encoded(&mut out, id, FRAGMENT, NonAscii::Readable);
    out
}

/// `../` repeated once per folder level of `from` (a page's output folder,
/// `""` or ending in `/`).
pub fn root_prefix(from: &str) -> String {
    "../".repeat(from.matches('/').count())
}

/// The link from the page in folder `from` to the page in folder `to`.
pub fn page_href(from: &str, to: &str) -> String {
    format!("{}index.html", file_href(from, to))
}

/// The link from the page in folder `from` to a path `to` (relative to the
/// output root): up to the folders they share, then down, encoded (see
/// [`encode_path`]).
pub fn file_href(from: &str, to: &str) -> String {
    let mut shared = 0;
    for (at, _) in from.match_indices('/') {
        if to.len() > at && to.as_bytes()[at] == b'/' && from[..at] == to[..at] {
            shared = at + 1;
        } else {
            break;
        }
    }
    let up = root_prefix(&from[shared..]);
    if up.is_empty() {
        return encode_path(&to[shared..]);
    }
    let mut out = up;
    push_path(&mut out, &to[shared..], NonAscii::Readable);
    out
}

/// Joins a relative path onto a folder (both with `/` separators, relative to
/// the same root) and folds `.` and `..`. `None` if it climbs above the root.
pub fn join_normalized(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|part| !part.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Splits `path#fragment` into its parts.
pub fn split_fragment(destination: &str) -> (&str, Option<&str>) {
    match destination.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (destination, None),
    }
}

/// Whether a link destination leaves the site: it has a URL scheme
/// (`https:`, `mailto:`) or starts with `//`.
pub fn is_external(destination: &str) -> bool {
    if destination.starts_with("//") {
        return true;
    }
    let Some(colon) = destination.find(':') else {
        return false;
    };
    let scheme = &destination[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_climb_to_the_root_and_name_index_html() {
        assert_eq!(page_href("", "a/"), "a/index.html");
        assert_eq!(page_href("a/b/", "c/"), "../../c/index.html");
        assert_eq!(page_href("a/", ""), "../index.html");
        assert_eq!(file_href("a/b/", "a/img.png"), "../img.png");
        assert_eq!(page_href("a/b/", "a/c/"), "../c/index.html");
        assert_eq!(page_href("a/b/", "a/b/"), "index.html");
        assert_eq!(page_href("ab/", "a/"), "../a/index.html");
        assert_eq!(file_href("guide/", "guide/x.png"), "x.png");
    }

    #[test]
    fn hrefs_encode_each_segment_and_guard_colons() {
        assert_eq!(
            page_href("", "javascript:alert(1)/"),
            "./javascript:alert(1)/index.html"
        );
        assert_eq!(page_href("a/", "faq:general/"), "../faq:general/index.html");
        assert_eq!(page_href("a/", "a/faq:x/"), "./faq:x/index.html");
        assert_eq!(
            page_href("", "a b/c#d?e%f/"),
            "a%20b/c%23d%3Fe%25f/index.html"
        );
        assert_eq!(
            page_href("", "tab\tnew\nline/"),
            "tab%09new%0Aline/index.html"
        );
        assert_eq!(page_href("", "指南/步骤/"), "指南/步骤/index.html");
        assert_eq!(
            file_href("", "x/\u{85}\u{FFFF}.png"),
            "x/%C2%85%EF%BF%BF.png"
        );
        assert_eq!(page_href("", "a:b/c:d/"), "./a:b/c:d/index.html");
        assert_eq!(encode_path("é@!$&'()*+,;=~_.-/"), "é@!$&'()*+,;=~_.-/");
    }

    #[test]
    fn sitemap_urls_are_ascii_and_fragments_are_encoded() {
        assert_eq!(
            absolute_url("https://e.com/g/", "指南 a#/"),
            "https://e.com/g/%E6%8C%87%E5%8D%97%20a%23/"
        );
        assert_eq!(
            absolute_url("https://e.com/", "faq:x/"),
            "https://e.com/faq:x/"
        );
        assert_eq!(encode_fragment("离职 100%#a/b?"), "离职%20100%25%23a/b?");
    }

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(join_normalized("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join_normalized("", "./x/y.md").as_deref(), Some("x/y.md"));
        assert_eq!(join_normalized("a", "../../x.md"), None);
    }

    #[test]
    fn knows_external_links() {
        assert!(is_external("https://cloud.tencent.com"));
        assert!(is_external("mailto:a@b.c"));
        assert!(is_external("//cdn.example.com/x.js"));
        assert!(!is_external("../a.md#x"));
        assert!(!is_external("a.md"));
        assert!(!is_external("#top"));
    }

    #[test]
    fn splits_fragments() {
        assert_eq!(split_fragment("a.md#x"), ("a.md", Some("x")));
        assert_eq!(split_fragment("a.md"), ("a.md", None));
    }
}

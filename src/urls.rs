//! Relative URLs. The output never uses absolute paths, so it works from any
//! sub-path and from `file://`; every link to a page names its `index.html`
//! because `file://` does not serve folder indexes.

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
/// output root): up to the folders they share, then down.
pub fn file_href(from: &str, to: &str) -> String {
    let mut shared = 0;
    for (at, _) in from.match_indices('/') {
        if to.len() > at && to.as_bytes()[at] == b'/' && from[..at] == to[..at] {
            shared = at + 1;
        } else {
            break;
        }
    }
    format!("{}{}", root_prefix(&from[shared..]), &to[shared..])
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

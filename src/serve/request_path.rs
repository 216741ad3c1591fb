//! From a request's URL to the key of an output file, refusing anything
//! that could name a file outside the output.
//!
//! The server only ever looks keys up in the in-memory site, so no path can
//! reach the disk; still, a request that tries to climb out (`..` in any
//! encoding, backslashes, NUL) is refused outright with 400 rather than
//! folded into something that exists.

use std::fmt::Write as _;

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    /// Not an absolute path (`*`, `http://…`).
    NotAbsolute,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    BadEncoding,
    /// `.` or `..` segments, backslashes, NUL or other control characters,
    /// or empty segments (`a//b`).
    Forbidden,
}

/// The output key for the path part of `url` (query and fragment dropped,
/// percent-escapes decoded): `a/b/index.html` for `/a/b/`, `""`-rooted
/// folders get `index.html`.
pub fn output_key(url: &str) -> Result<String, BadPath> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let Some(path) = path.strip_prefix('/') else {
        return Err(BadPath::NotAbsolute);
    };
    let decoded = percent_decode(path)?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(BadPath::Forbidden);
    }
    let (folders, file) = match decoded.rsplit_once('/') {
        Some((folders, file)) => (Some(folders), file),
        None => (None, decoded.as_str()),
    };
    if let Some(folders) = folders
        && folders
            .split('/')
            .any(|segment| matches!(segment, "" | "." | ".."))
    {
        return Err(BadPath::Forbidden);
    }
    if matches!(file, "." | "..") {
        return Err(BadPath::Forbidden);
    }
    if file.is_empty() {
        Ok(format!("{decoded}index.html"))
    } else {
        Ok(decoded)
    }
}

/// Decodes `%XX` escapes; the result must be UTF-8.
pub fn percent_decode(text: &str) -> Result<String, BadPath> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = bytes.get(at + 1..at + 3).ok_or(BadPath::BadEncoding)?;
            let hex = std::str::from_utf8(hex).map_err(|_| BadPath::BadEncoding)?;
            let byte = u8::from_str_radix(hex, 16).map_err(|_| BadPath::BadEncoding)?;
            out.push(byte);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).map_err(|_| BadPath::BadEncoding)
}

/// Percent-encodes an output path for a `Location` header: everything but
/// unreserved characters and `/`.
pub fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_output_keys() {
        let table = [
            ("/", "index.html"),
            ("/index.html", "index.html"),
            ("/a/", "a/index.html"),
            ("/a/b/index.html?x=1#top", "a/b/index.html"),
            ("/assets/style.css", "assets/style.css"),
            ("/a", "a"),
            ("/%E7%A6%BB%E8%81%8C/", "离职/index.html"),
            ("/离职/", "离职/index.html"),
            ("/a%20b.png", "a b.png"),
            ("/a..b/", "a..b/index.html"),
            ("/.well-known/x", ".well-known/x"),
        ];
        for (url, key) in table {
            assert_eq!(output_key(url).as_deref(), Ok(key), "{url}");
        }
    }

    #[test]
    fn climbing_out_is_refused_in_every_encoding() {
        let table = [
            ("/../site.toml", BadPath::Forbidden),
            ("/a/../../site.toml", BadPath::Forbidden),
            ("/..", BadPath::Forbidden),
            ("/.", BadPath::Forbidden),
            ("/./index.html", BadPath::Forbidden),
            ("/%2e%2e/site.toml", BadPath::Forbidden),
            ("/%2e%2e%2fsite.toml", BadPath::Forbidden),
            ("/%2E%2E%2Fsite.toml", BadPath::Forbidden),
            ("/a/%2e%2e%2f%2e%2e%2fsite.toml", BadPath::Forbidden),
            ("/..%5csite.toml", BadPath::Forbidden),
            ("/..\\site.toml", BadPath::Forbidden),
            ("/index.html%00.png", BadPath::Forbidden),
            ("/a%0a", BadPath::Forbidden),
            ("//etc/passwd", BadPath::Forbidden),
            ("/a//b", BadPath::Forbidden),
            ("/%c0%ae%c0%ae/site.toml", BadPath::BadEncoding),
            ("/%2", BadPath::BadEncoding),
            ("/%zz", BadPath::BadEncoding),
            ("/%ff", BadPath::BadEncoding),
            ("site.toml", BadPath::NotAbsolute),
            ("http://example.com/", BadPath::NotAbsolute),
            ("*", BadPath::NotAbsolute),
        ];
        for (url, why) in table {
            assert_eq!(output_key(url), Err(why), "{url}");
        }
    }

    #[test]
    fn locations_are_encoded() {
        assert_eq!(percent_encode("离 a/"), "%E7%A6%BB%20a/");
        assert_eq!(percent_encode("a-b_c.d~/"), "a-b_c.d~/");
    }
}

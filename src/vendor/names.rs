//! Where a vendored image goes: `content/vendor/<host>/<name>-<hash>.<ext>`,
//! every part made of ASCII letters, digits, `.`, `-` and `_` only, never
//! starting with a dot, so that no URL (`..`, `/`, `\`, `%2e%2e`, a query,
//! a name of 10,000 characters, a host with a port or user) can name a file
//! anywhere else, nor one the build skips (hidden files). The hash is of
//! the image's bytes: one image hot-linked under two addresses is kept
//! once, and two images of one name never overwrite each other.

use crate::external::host_of;

/// The folder under `content/` that vendored images go to.
pub const VENDOR_DIR: &str = "vendor";

/// The longest host folder and file stem kept (in bytes, all ASCII).
const MAX_PART: usize = 60;

/// The folder for images from the host of `url` (its port kept, after `-`).
pub fn host_folder(url: &str) -> String {
    let host = host_of(url);
    let clean = sanitize(&host, MAX_PART);
    if clean.is_empty() {
        "host".to_owned()
    } else {
        clean
    }
}

/// The file name for the image at `url` with these bytes: its last path
/// segment without extension, cleaned and shortened, a hash of the bytes,
/// and `extension` (from what the bytes are, not from the URL).
pub fn file_name(url: &str, bytes: &[u8], extension: &str) -> String {
    let last = last_segment(url);
    let stem = match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 5 => stem,
        _ => last.as_str(),
    };
    let stem = match sanitize(stem, MAX_PART) {
        stem if stem.is_empty() => "image".to_owned(),
        stem => stem,
    };
    format!("{stem}-{:016x}.{extension}", fnv1a(bytes))
}

/// The URL's last path segment, percent-decoded (lossily), without its
/// query and fragment.
fn last_segment(url: &str) -> String {
    let rest = url.split_once("//").map_or(url, |(_, rest)| rest);
    let path = rest
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .split_once('/')
        .map_or("", |(_, path)| path);
    let last = path.rsplit('/').next().unwrap_or_default();
    percent_encoding::percent_decode_str(last)
        .decode_utf8_lossy()
        .into_owned()
}

/// ASCII letters, digits, `.`, `-` and `_`; anything else becomes one `-`;
/// no dot or `-` at either end (so never `.`, `..` or a hidden name); at
/// most `max` bytes.
fn sanitize(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max));
    for c in text.chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
        let c = if keep { c } else { '-' };
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
        if out.len() >= max {
            break;
        }
    }
    out.trim_matches(['.', '-']).to_owned()
}

/// 64-bit FNV-1a: a name, not a defence (the bytes are compared before a
/// file of the same name is reused).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn is_plain(part: &str) -> bool {
        !part.is_empty()
            && !part.starts_with('.')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    }

    #[test]
    fn names_keep_what_a_reader_recognises() {
        let name = file_name(
            "https://qcloudimg.tencent-cloud.cn/raw/a1435bfa.png",
            b"x",
            "png",
        );
        assert!(
            name.starts_with("a1435bfa-") && Path::new(&name).extension() == Some("png".as_ref()),
            "{name}"
        );
        assert_eq!(
            host_folder("https://QCloudImg.Tencent-Cloud.cn/raw/a.png"),
            "qcloudimg.tencent-cloud.cn"
        );
        assert_eq!(
            host_folder("http://user:pw@docs.example:8080/a.png"),
            "docs.example-8080"
        );
        assert_eq!(host_folder("https://[::1]:80/a.png"), "1-80");
    }

    #[test]
    fn hostile_urls_make_plain_names() {
        for url in [
            "https://evil.example/../../../etc/passwd",
            "https://evil.example/a/..%2F..%2F..%2Fsite.toml",
            "https://evil.example/%2e%2e",
            "https://evil.example/.hidden.png",
            "https://evil.example/",
            "https://evil.example/img.png?x=../../y&z=/etc/passwd#../f",
            "https://evil.example/a\\..\\..\\b.png",
            "https://evil.example/截图.png",
            "https://evil.example/nul%00.png",
            "https://../x.png",
            "https://./x.png",
            "//%2e%2e/x.png",
        ] {
            let host = host_folder(url);
            let name = file_name(url, b"bytes", "png");
            assert!(is_plain(&host), "{url}: host `{host}`");
            assert!(is_plain(&name), "{url}: name `{name}`");
            assert!(
                !name.contains("..") || name.starts_with(|c: char| c.is_ascii_alphanumeric()),
                "{name}"
            );
        }
        assert_eq!(
            file_name("https://e.example/.hidden.png", b"", "png")
                .split('-')
                .next(),
            Some("hidden")
        );
        let gif = file_name("https://e.example/x.png?a=b", b"", "gif");
        assert_eq!(Path::new(&gif).extension(), Some("gif".as_ref()));
    }

    #[test]
    fn very_long_names_are_cut() {
        let url = format!(
            "https://{}.example/{}.png",
            "h".repeat(300),
            "n".repeat(10_000)
        );
        assert!(host_folder(&url).len() <= MAX_PART);
        assert!(file_name(&url, b"", "png").len() <= MAX_PART + 1 + 16 + 4);
    }

    #[test]
    fn the_hash_is_of_the_bytes() {
        let a = file_name("https://e.example/x.png", b"one", "png");
        assert_eq!(a, file_name("https://e.example/x.png", b"one", "png"));
        assert_ne!(a, file_name("https://e.example/x.png", b"two", "png"));
    }
}

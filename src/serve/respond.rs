//! The answers made from the site: a file of the current snapshot (with the
//! live-reload script added to HTML), a redirect to a folder's slash, the
//! site's 404 page, the build status, and the plain-text answers for errors.
//! Every answer says `nosniff`.
//!
//! Files of the site (and the live-reload script) carry a validator: an
//! `ETag` made from the bytes sent, with `Cache-Control: no-cache`, so the
//! browser keeps them but asks every time, and an unchanged file is
//! answered `304 Not Modified` without its body ([`not_modified`]). The
//! validator is the bytes' hash, not the build's generation: a rebuild
//! that leaves a file as it was leaves its tag too. Everything else (the
//! 404 page, redirects, errors, the status) says `no-store`.

use std::borrow::Cow;
use std::hash::{DefaultHasher, Hasher};
use std::io::Read;

use rustix::fs::{Mode, OFlags};

use crate::output::{Contents, OutputFile};

use super::http::Response;
use super::overlay::{base_at_root, inject_script, waiting_page};
use super::request_path::{output_key, percent_encode};
use super::store::Current;

/// `{"generation": N, "error": null | {errors, text}}`.
pub fn status_response(current: &Current) -> Response {
    let body = serde_json::json!({
        "generation": current.snapshot.generation,
        "error": current.error.as_deref(),
    });
    typed(Response::new(
        200,
        "application/json; charset=utf-8",
        body.to_string().into_bytes(),
    ))
}

/// A file of the site, a redirect to a folder's slash, or the 404 page.
pub fn site_response(url: &str, current: &Current) -> Response {
    let Ok(key) = output_key(url) else {
        return text_response(400, "bad request path\n");
    };
    let snapshot = &current.snapshot;
    if let Some(html) = page_html(current, &key) {
        return cacheable(Response::new(200, content_type(&key), html.into_bytes()));
    }
    if let Some(Some(bytes)) = snapshot.files.get(&key).map(|file| served_bytes(file)) {
        return cacheable(Response::new(200, content_type(&key), bytes.into_owned()));
    }
    if snapshot.files.contains_key(&format!("{key}/index.html")) {
        let location = format!("/{}/", percent_encode(&key));
        return typed(Response::new(301, "text/plain; charset=utf-8", Vec::new()))
            .header("Location", location);
    }
    not_found(current)
}

/// The HTML page at output path `key` as served (with the live-reload
/// scripts); `None` when there is no such page.
pub fn page_html(current: &Current, key: &str) -> Option<String> {
    if !content_type(key).starts_with("text/html") {
        return None;
    }
    let bytes = served_bytes(current.snapshot.files.get(key)?)?;
    Some(inject_script(
        &String::from_utf8_lossy(&bytes),
        current.snapshot.generation,
    ))
}

fn not_found(current: &Current) -> Response {
    let snapshot = &current.snapshot;
    let html = match snapshot
        .files
        .get("404.html")
        .map(|file| served_bytes(file))
    {
        Some(Some(bytes)) => inject_script(
            &base_at_root(&String::from_utf8_lossy(&bytes)),
            snapshot.generation,
        ),
        _ if snapshot.files.is_empty() => waiting_page(snapshot.generation),
        _ => return text_response(404, "not found\n"),
    };
    typed(Response::new(
        404,
        "text/html; charset=utf-8",
        html.into_bytes(),
    ))
}

/// A file's bytes. Copied files are read from disk as they are now, but
/// never through a symbolic link: a file replaced by a link after the build
/// is not followed out of the site (until the rebuild drops it).
fn served_bytes(file: &OutputFile) -> Option<Cow<'_, [u8]>> {
    let Contents::Copy(path) = &file.contents else {
        return file.bytes().ok();
    };
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let descriptor = rustix::fs::open(path, flags, Mode::empty()).ok()?;
    let mut bytes = Vec::new();
    std::fs::File::from(descriptor)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes.into())
}

pub fn text_response(status: u16, text: &str) -> Response {
    typed(Response::new(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    ))
}

/// Adds the headers of an answer that is never kept: never cache, never
/// sniff.
pub fn typed(response: Response) -> Response {
    response
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
}

/// Adds the headers of a file the browser may keep but must check before
/// each use: its `ETag`, `no-cache` and `nosniff`.
pub fn cacheable(response: Response) -> Response {
    let tag = entity_tag(&response.body);
    response
        .header("ETag", tag)
        .header("Cache-Control", "no-cache")
        .header("X-Content-Type-Options", "nosniff")
}

/// A strong entity tag for `body`: its 64-bit hash and length. `SipHash` with
/// fixed keys (`DefaultHasher::new`) is the same for the same bytes within
/// a run, which is all a dev server's tags need.
fn entity_tag(body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(body);
    format!("\"{:016x}-{:x}\"", hasher.finish(), body.len())
}

/// `304 Not Modified` (with the same validator and caching headers, no
/// body) when `if_none_match` names the tag of a `200` response;
/// otherwise the response as it is. Tags are compared weakly, as
/// RFC 9110 asks for `If-None-Match`; `*` matches any.
pub fn not_modified(response: Response, if_none_match: Option<&str>) -> Response {
    let Some(condition) = if_none_match else {
        return response;
    };
    let Some(tag) = response
        .headers
        .iter()
        .find(|(name, _)| *name == "ETag")
        .map(|(_, value)| value.clone())
    else {
        return response;
    };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let matches = condition.trim() == "*"
        || condition
            .split(',')
            .any(|candidate| opaque(candidate) == opaque(&tag));
    if response.status != 200 || !matches {
        return response;
    }
    let headers = response
        .headers
        .into_iter()
        .filter(|(name, _)| *name != "Content-Type")
        .collect();
    Response {
        status: 304,
        headers,
        body: Vec::new(),
    }
}

/// The content type of an output file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_follow_the_extension() {
        let table = [
            ("index.html", "text/html; charset=utf-8"),
            ("assets/style.css", "text/css; charset=utf-8"),
            ("assets/app.js", "text/javascript; charset=utf-8"),
            ("assets/favicon.svg", "image/svg+xml"),
            ("a/photo.PNG", "image/png"),
            ("a/photo.jpg", "image/jpeg"),
            ("a/photo.webp", "image/webp"),
            ("a/anim.gif", "image/gif"),
            ("search.json", "application/json; charset=utf-8"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("assets/font.woff2", "font/woff2"),
            ("LICENSE", "application/octet-stream"),
        ];
        for (path, expected) in table {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

    #[test]
    fn a_matching_tag_is_answered_not_modified() {
        let fresh = || cacheable(Response::new(200, "text/css", b"body {}".to_vec()));
        let tag = fresh()
            .headers
            .iter()
            .find(|(name, _)| *name == "ETag")
            .map(|(_, value)| value.clone())
            .expect("a tag");
        assert!(tag.starts_with('"') && tag.ends_with("-7\""), "{tag}");
        let other = cacheable(Response::new(200, "text/css", b"body {x}".to_vec()));
        assert!(!other.headers.contains(&("ETag", tag.clone())));
        let table = [
            (None, 200),
            (Some(tag.clone()), 304),
            (Some(format!("W/{tag}")), 304),
            (Some(format!("\"other\", {tag}")), 304),
            (Some("*".to_owned()), 304),
            (Some("\"other\"".to_owned()), 200),
        ];
        for (condition, status) in table {
            let answer = not_modified(fresh(), condition.as_deref());
            assert_eq!(answer.status, status, "{condition:?}");
            if status == 304 {
                assert!(answer.body.is_empty());
                assert!(answer.headers.contains(&("ETag", tag.clone())));
                assert!(
                    answer
                        .headers
                        .contains(&("Cache-Control", "no-cache".to_owned()))
                );
            }
        }
        // Only a file that is there is ever "not modified".
        let missing = typed(Response::new(404, "text/plain", Vec::new()));
        assert_eq!(not_modified(missing, Some("*")).status, 404);
    }

    #[test]
    fn copied_files_are_never_read_through_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, "secret").expect("write");
        let logo = dir.path().join("logo.svg");
        std::fs::write(&logo, "<svg/>").expect("write");
        let copied = |path: &std::path::Path| OutputFile {
            path: "logo.svg".into(),
            contents: Contents::Copy(path.to_path_buf()),
        };
        assert_eq!(
            served_bytes(&copied(&logo)).as_deref(),
            Some(&b"<svg/>"[..])
        );
        // The file is replaced by a link after the build.
        std::fs::remove_file(&logo).expect("remove");
        std::os::unix::fs::symlink(&secret, &logo).expect("link");
        assert_eq!(served_bytes(&copied(&logo)), None);
    }
}

//! What a downloaded file is, judged by its bytes: an image a browser shows
//! (and its extension), or something not to keep. The server's word
//! (`Content-Type`, the URL's extension) is not trusted. An SVG holding
//! script is refused: served from the site's own address, a reader who
//! opened it would run that script as the site.

use crate::external::Download;
use crate::images::READABLE_FORMATS;

/// The extension to save `download` with, or why it is not kept.
pub fn extension(download: &Download) -> Result<&'static str, String> {
    use imagesize::{Compression, ImageType};
    match imagesize::image_type(&download.bytes) {
        Ok(ImageType::Png) => return Ok("png"),
        Ok(ImageType::Jpeg) => return Ok("jpg"),
        Ok(ImageType::Gif) => return Ok("gif"),
        Ok(ImageType::Webp) => return Ok("webp"),
        Ok(ImageType::Bmp) => return Ok("bmp"),
        Ok(ImageType::Ico) => return Ok("ico"),
        Ok(ImageType::Heif(Compression::Av1)) => return Ok("avif"),
        _ => {}
    }
    if is_svg(&download.bytes) {
        return match svg_script(&download.bytes) {
            None => Ok("svg"),
            Some(what) => Err(format!(
                "the SVG holds {what}, which would run as the site if a reader opened it; save a copy without it into `content/` by hand"
            )),
        };
    }
    let sent = download
        .content_type
        .as_deref()
        .map_or_else(String::new, |kind| format!(" (`{kind}`, it says)"));
    Err(format!(
        "what the server sent{sent} is not a {READABLE_FORMATS} image"
    ))
}

/// Whether the bytes are SVG text: an `<svg` element near the start, after
/// an optional XML declaration, comments and doctype.
fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    (text.starts_with('<')) && text.contains("<svg")
}

/// What in an SVG could run script: `<script>`, `javascript:` URLs, event
/// handler attributes (`onload=`), `<foreignObject>` (HTML inside).
fn svg_script(bytes: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    if text.contains("<script") {
        return Some("a `<script>`");
    }
    if text.contains("javascript:") {
        return Some("a `javascript:` address");
    }
    if text.contains("<foreignobject") {
        return Some("a `<foreignObject>`");
    }
    has_event_attribute(&text).then_some("an event handler attribute (`on…=`)")
}

/// Whether lower-cased markup has an attribute `on<letters>=`.
fn has_event_attribute(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find("on") {
        let start = from + at;
        from = start + 2;
        let after_space =
            start > 0 && (bytes[start - 1].is_ascii_whitespace() || bytes[start - 1] == b'/');
        if !after_space {
            continue;
        }
        let mut end = start + 2;
        while end < bytes.len() && bytes[end].is_ascii_lowercase() {
            end += 1;
        }
        while end < bytes.len() && bytes[end].is_ascii_whitespace() {
            end += 1;
        }
        if end > start + 2 && bytes.get(end) == Some(&b'=') {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn download(bytes: &[u8], kind: Option<&str>) -> Download {
        Download {
            bytes: bytes.to_vec(),
            content_type: kind.map(str::to_owned),
        }
    }

    #[test]
    fn images_are_known_by_their_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
        assert_eq!(extension(&download(png, Some("text/html"))), Ok("png"));
        assert_eq!(
            extension(&download(
                b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff\0",
                None
            )),
            Ok("gif")
        );
        let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"><path d=\"M0 0\"/></svg>";
        assert_eq!(extension(&download(svg, Some("image/svg+xml"))), Ok("svg"));
    }

    #[test]
    fn what_is_no_image_is_refused() {
        let error =
            extension(&download(b"<!doctype html><p>Login", Some("text/html"))).expect_err("html");
        assert!(error.contains("`text/html`"), "{error}");
        assert!(extension(&download(b"", None)).is_err());
    }

    #[test]
    fn svgs_that_can_run_script_are_refused() {
        for svg in [
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=\"alert(1)\"></svg>",
            "<svg><a href=\"JavaScript:alert(1)\">x</a></svg>",
            "<svg><foreignObject><p>x</p></foreignObject></svg>",
            "<svg><rect ONCLICK = 'x'/></svg>",
        ] {
            assert!(extension(&download(svg.as_bytes(), None)).is_err(), "{svg}");
        }
        // Words that merely start with "on" are fine.
        let fine = "<svg><text font-family=\"x\" data-one=\"1\">once only</text></svg>";
        assert_eq!(extension(&download(fine.as_bytes(), None)), Ok("svg"));
    }
}

//! Images: local ones get their `width` and `height` from their headers,
//! an unreadable one is a warning at its line, and a remote one is wrapped
//! in a link to its address (its fallback without JavaScript).

use crate::support::TestSite;

/// The head of a PNG file of `width`×`height` (what the size is read from).
pub fn png_head(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

/// The head of a baseline JPEG of `width`×`height`.
fn jpeg_head(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec();
    bytes.extend_from_slice(b"\xFF\xC0\0\x11\x08");
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&[3; 12]);
    bytes
}

/// The head of a JPEG stored `width`×`height` whose EXIF orientation (6)
/// turns it a quarter, as phones save photos.
fn jpeg_turned(width: u16, height: u16) -> Vec<u8> {
    let mut tiff = b"II*\0\x08\0\0\0\x01\0".to_vec();
    tiff.extend_from_slice(b"\x12\x01\x03\0\x01\0\0\0\x06\0\0\0");
    let mut bytes = b"\xFF\xD8\xFF\xE1".to_vec();
    bytes.extend_from_slice(&u16::try_from(tiff.len() + 8).expect("small").to_be_bytes());
    bytes.extend_from_slice(b"Exif\0\0");
    bytes.extend_from_slice(&tiff);
    bytes.extend_from_slice(&jpeg_head(width, height)[2..]);
    bytes
}

fn page(body: &str) -> String {
    format!("+++\ntitle = \"A\"\n+++\n\n{body}\n")
}

#[test]
fn local_images_get_their_width_and_height() {
    let site = TestSite::new()
        .file("content/guide/_index.md", page("Guide."))
        .file(
            "content/guide/a.md",
            page("![photo](shots/photo.jpg) ![phone](shots/phone.jpg)\n\n![chart](../chart.svg) ![icon](icon.svg)\n\n![%](shots/%E5%9B%BE.png)"),
        )
        .file("content/guide/shots/photo.jpg", jpeg_head(1200, 800))
        .file("content/guide/shots/phone.jpg", jpeg_turned(4032, 3024))
        .file("content/guide/shots/图.png", png_head(390, 844))
        .file(
            "content/chart.svg",
            "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"3in\" height=\"150\"></svg>",
        )
        .file(
            "content/guide/icon.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\"></svg>",
        );
    let stderr = site.run(&["build"]).success().stderr();
    assert!(stderr.contains(", 0 warnings"), "{stderr}");
    let html = site.read("guide/a/index.html");
    for expected in [
        "<img src=\"../shots/photo.jpg\" alt=\"photo\" width=\"1200\" height=\"800\" loading=\"lazy\">",
        "<img src=\"../../chart.svg\" alt=\"chart\" width=\"288\" height=\"150\" loading=\"lazy\">",
        // Shown turned, as browsers show it.
        "alt=\"phone\" width=\"3024\" height=\"4032\"",
        // No intrinsic size: no attributes, rather than a wrong box.
        "<img src=\"../icon.svg\" alt=\"icon\" loading=\"lazy\">",
        "alt=\"%\" width=\"390\" height=\"844\"",
    ] {
        assert!(html.contains(expected), "{expected}\n{html}");
    }
}

#[test]
fn an_unreadable_image_is_a_warning_at_its_line() {
    let site = TestSite::new()
        .file(
            "content/a.md",
            page("Text.\n\n![diagram](diagram.png) and ![notes](notes.png)"),
        )
        .file(
            "content/diagram.png",
            "not a picture at all, just some text here",
        )
        .file("content/notes.png", b"\x89PNG\r\n");
    let stderr = site.run(&["build"]).success().stderr();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.starts_with("built "))
        .collect();
    insta::assert_snapshot!(warnings.join("\n"));
    assert!(stderr.contains(", 2 warnings"), "{stderr}");
    let html = site.read("a/index.html");
    assert!(
        html.contains("<img src=\"../diagram.png\" alt=\"diagram\" loading=\"lazy\">"),
        "shown, without a size:\n{html}"
    );
    // `check` says the same and still passes.
    let stderr = site.run(&["check"]).success().stderr();
    assert!(
        stderr
            .contains("warning: content/a.md:7:1: cannot read the size of the image `diagram.png`"),
        "{stderr}"
    );
}

#[test]
fn remote_images_link_to_their_address() {
    let site = TestSite::new().file(
        "content/a.md",
        page("![the console](https://console.example/shot.png)\n\n[![badge](https://ci.example/b.svg)](https://ci.example/)"),
    );
    site.build().success();
    let html = site.read("a/index.html");
    assert!(
        html.contains("<p><a href=\"https://console.example/shot.png\" class=\"image-link external\" rel=\"external noopener\"><img src=\"https://console.example/shot.png\" alt=\"the console\" loading=\"lazy\" referrerpolicy=\"no-referrer\" data-fallback=\"The image did not load. Open it:\"><span class=\"visually-hidden\"> (external link)</span></a></p>"),
        "{html}"
    );
    // Inside a link of the author's, no second link (links do not nest).
    assert!(
        html.contains("<a href=\"https://ci.example/\" class=\"external\" rel=\"external noopener\"><img src=\"https://ci.example/b.svg\""),
        "{html}"
    );
}

#[test]
fn check_warns_of_hot_linked_images_without_the_network() {
    let site = TestSite::new().file(
        "content/a.md",
        page("Intro.\n\n1. Open the page:\n\n   ![the console](https://console.example/shot.png)\n\n[![badge](//ci.example/b.svg)](https://ci.example/) and ![local](data:image/gif;base64,R0lGOD)"),
    );
    let stderr = site.run(&["check"]).success().stderr();
    insta::assert_snapshot!(stderr.replace(&site.root().display().to_string(), "[ROOT]"));
    // `build` does not repeat them on every run.
    let stderr = site.run(&["build"]).success().stderr();
    assert!(!stderr.contains("hot-linked"), "{stderr}");
}

//! The intrinsic size of local images, read at build time so that every
//! `<img>` of a local file gets `width` and `height` and the page keeps its
//! layout while images load (no layout shift).
//!
//! Raster formats are read by the `imagesize` crate, which looks at the
//! file's header only (a few hundred bytes for PNG, GIF and WebP; up to the
//! first frame marker for JPEG), so a site of many large photos costs little.
//! A JPEG whose EXIF orientation turns it a quarter (a phone photo) has its
//! sides swapped, as browsers show it turned.
//! SVG is text: its root element's `width` and `height` are read here, in
//! absolute units only. An SVG sized in `%` or `em`, or by its `viewBox`
//! alone, has no intrinsic size, and gets no attributes.

use std::path::Path;

use crate::markdown::ImageSize;

/// How much of an SVG is searched for its root element: comments and a
/// doctype may come first, but never this much.
const SVG_HEAD_BYTES: u64 = 64 * 1024;

/// The formats whose size is read, for the warning about one that is not.
pub const READABLE_FORMATS: &str = "PNG, JPEG, GIF, WebP, AVIF, BMP, ICO or SVG";

/// The intrinsic size of the image file at `path`.
pub fn intrinsic_size(path: &Path) -> ImageSize {
    let is_svg = path
        .extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("svg"));
    if is_svg {
        return match crate::fs::read_prefix(path, SVG_HEAD_BYTES) {
            Ok(head) => svg_size(&head),
            Err(error) => ImageSize::Unreadable(format!("{error:#}")),
        };
    }
    match imagesize::size(path) {
        Ok(size) if jpeg_turned_sideways(path) => known(size.height, size.width),
        Ok(size) => known(size.width, size.height),
        Err(imagesize::ImageError::NotSupported) => ImageSize::Unreadable(format!(
            "it is not an image format whose size can be read ({READABLE_FORMATS})"
        )),
        Err(imagesize::ImageError::CorruptedImage) => {
            ImageSize::Unreadable("its header is damaged or cut short".to_owned())
        }
        Err(imagesize::ImageError::IoError(error))
            if error.kind() == std::io::ErrorKind::UnexpectedEof =>
        {
            ImageSize::Unreadable("it ends before an image header would".to_owned())
        }
        Err(imagesize::ImageError::IoError(error)) => {
            ImageSize::Unreadable(format!("cannot read it ({error})"))
        }
    }
}

/// How much of a JPEG is searched for its EXIF orientation (the `APP1`
/// segment comes first, and is at most 64 KB).
const JPEG_HEAD_BYTES: u64 = 128 * 1024;

/// Whether a JPEG's EXIF orientation turns it a quarter (values 5 to 8):
/// browsers show it turned, so its width and height swap. Phone photos
/// are saved so.
fn jpeg_turned_sideways(path: &Path) -> bool {
    crate::fs::read_prefix(path, JPEG_HEAD_BYTES)
        .ok()
        .and_then(|head| exif_orientation(&head))
        .is_some_and(|orientation| (5..=8).contains(&orientation))
}

/// The orientation tag (0x0112) of a JPEG's EXIF data, if it has one.
fn exif_orientation(jpeg: &[u8]) -> Option<u16> {
    if !jpeg.starts_with(b"\xFF\xD8") {
        return None;
    }
    let mut at = 2;
    loop {
        let marker = jpeg.get(at..at + 2)?;
        if marker[0] != 0xFF || matches!(marker[1], 0xDA | 0xD9) {
            return None;
        }
        let length = usize::from(u16::from_be_bytes([*jpeg.get(at + 2)?, *jpeg.get(at + 3)?]));
        let data = jpeg.get(at + 4..at + 2 + length)?;
        if marker[1] == 0xE1 && data.starts_with(b"Exif\0\0") {
            return tiff_orientation(&data[6..]);
        }
        at += 2 + length;
    }
}

/// The orientation tag of the first image directory of TIFF data.
fn tiff_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let bytes = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if big {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        })
    };
    let u32_at = |at: usize| {
        let bytes: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        })
    };
    let directory = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(directory)?;
    (0..usize::from(entries))
        .map(|n| directory + 2 + n * 12)
        .find(|&entry| u16_at(entry) == Some(0x0112))
        .and_then(|entry| u16_at(entry + 8))
}

/// A size, when both sides are above zero and fit in `u32`.
fn known(width: usize, height: usize) -> ImageSize {
    match (u32::try_from(width), u32::try_from(height)) {
        (Ok(width @ 1..), Ok(height @ 1..)) => ImageSize::Known { width, height },
        _ => ImageSize::Unreadable(format!("its header gives the size {width}×{height}")),
    }
}

/// The size an SVG's root element gives in absolute units, if it does.
fn svg_size(head: &[u8]) -> ImageSize {
    let text = String::from_utf8_lossy(head);
    let Some(attributes) = svg_root_attributes(&text) else {
        return ImageSize::Unreadable(
            "it has no `<svg>` element near its start, so it is not an SVG image".to_owned(),
        );
    };
    let length = |name: &str| attribute(attributes, name).and_then(css_pixels);
    match (length("width"), length("height")) {
        (Some(width), Some(height)) => ImageSize::Known { width, height },
        _ => ImageSize::Unknown,
    }
}

/// The text between `<svg` and the `>` that closes the root element's start
/// tag, skipping comments, processing instructions and a doctype before it.
fn svg_root_attributes(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        let open = rest.find('<')?;
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            rest = &rest[rest.find('>')? + 1..];
        } else {
            let after = rest.strip_prefix("<svg")?;
            if !after.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/') {
                return None;
            }
            return Some(&after[..tag_end(after)?]);
        }
    }
}

/// Where a start tag's `>` is, outside quoted attribute values.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (at, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(at),
            _ => {}
        }
    }
    None
}

/// The value of the attribute `name` among a start tag's attributes.
fn attribute<'t>(attributes: &'t str, name: &str) -> Option<&'t str> {
    let mut rest = attributes;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        let name_end = rest.find(|c: char| c == '=' || c.is_ascii_whitespace())?;
        let found = &rest[..name_end];
        rest = rest[name_end..]
            .trim_start()
            .strip_prefix('=')?
            .trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value_end = rest[1..].find(quote)? + 1;
        let value = &rest[1..value_end];
        if found == name {
            return Some(value);
        }
        rest = &rest[value_end + 1..];
    }
}

/// An SVG length in absolute units as whole CSS pixels (at least 1);
/// `None` for relative units (`%`, `em`, `ex`) or anything unreadable.
fn css_pixels(length: &str) -> Option<u32> {
    let length = length.trim();
    let split = length
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-' || c == 'e'))
        .unwrap_or(length.len());
    // `1e2em` is not a number followed by `em`: read units from the end.
    let (number, unit) = match length
        .strip_suffix("em")
        .or_else(|| length.strip_suffix("ex"))
    {
        Some(_) => return None,
        None => length.split_at(split),
    };
    let per_unit = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "px" => 1.0,
        "pt" => 96.0 / 72.0,
        "pc" => 16.0,
        "in" => 96.0,
        "cm" => 96.0 / 2.54,
        "mm" => 96.0 / 25.4,
        "q" => 96.0 / 101.6,
        _ => return None,
    };
    let pixels = number.parse::<f64>().ok()? * per_unit;
    if !(pixels.is_finite() && pixels > 0.0 && pixels < f64::from(u32::MAX)) {
        return None;
    }
    // In range and positive, checked above.
    #[allow(clippy::cast_sign_loss)]
    Some((pixels.round() as u32).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(text: &str) -> ImageSize {
        svg_size(text.as_bytes())
    }

    #[test]
    fn svg_sizes_in_absolute_units_are_read() {
        let size = |width, height| ImageSize::Known { width, height };
        assert_eq!(svg(r#"<svg width="120" height="80">"#), size(120, 80));
        assert_eq!(
            svg(
                r#"<?xml version="1.0"?><!-- a > b --><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" height='2in' width="72pt" viewBox="0 0 1 1"/>"#
            ),
            size(96, 192)
        );
        assert_eq!(svg("<svg\nwidth=\"10.4px\"\theight=\"0.2\">"), size(10, 1));
    }

    #[test]
    fn svgs_without_an_intrinsic_size_get_none() {
        assert_eq!(svg(r#"<svg viewBox="0 0 10 10">"#), ImageSize::Unknown);
        assert_eq!(svg(r#"<svg width="100%" height="50">"#), ImageSize::Unknown);
        assert_eq!(svg(r#"<svg width="2em" height="1em">"#), ImageSize::Unknown);
        assert_eq!(svg(r#"<svg width="-3" height="4">"#), ImageSize::Unknown);
        assert_eq!(
            svg(r#"<svg data-x="width=9" width="x">"#),
            ImageSize::Unknown
        );
    }

    /// A JPEG head with an EXIF orientation, in either byte order.
    fn jpeg_with_orientation(orientation: u16, big: bool) -> Vec<u8> {
        type Bytes<T, const N: usize> = fn(T) -> [u8; N];
        let (u16b, u32b): (Bytes<u16, 2>, Bytes<u32, 4>) = if big {
            (u16::to_be_bytes, u32::to_be_bytes)
        } else {
            (u16::to_le_bytes, u32::to_le_bytes)
        };
        let mut tiff = if big { b"MM".to_vec() } else { b"II".to_vec() };
        tiff.extend(u16b(42));
        tiff.extend(u32b(8));
        tiff.extend(u16b(2));
        for (tag, value) in [(0x010F, 7), (0x0112, orientation)] {
            tiff.extend(u16b(tag));
            tiff.extend(u16b(3));
            tiff.extend(u32b(1));
            tiff.extend(u16b(value));
            tiff.extend([0, 0]);
        }
        let mut jpeg = b"\xFF\xD8\xFF\xE0\0\x04ab\xFF\xE1".to_vec();
        jpeg.extend(u16::try_from(tiff.len() + 8).expect("small").to_be_bytes());
        jpeg.extend(b"Exif\0\0");
        jpeg.extend(tiff);
        jpeg.extend(b"\xFF\xDA");
        jpeg
    }

    #[test]
    fn a_jpeg_turned_a_quarter_swaps_its_sides() {
        for big in [true, false] {
            assert_eq!(exif_orientation(&jpeg_with_orientation(6, big)), Some(6));
            assert_eq!(exif_orientation(&jpeg_with_orientation(1, big)), Some(1));
        }
        assert_eq!(exif_orientation(b"\xFF\xD8\xFF\xDA"), None);
        // Cut short anywhere: no orientation, no panic.
        let whole = jpeg_with_orientation(8, true);
        for end in 0..whole.len() {
            let _ = exif_orientation(&whole[..end]);
        }
    }

    #[test]
    fn a_file_that_is_no_svg_is_unreadable() {
        assert!(matches!(svg("PNG\u{0}"), ImageSize::Unreadable(_)));
        assert!(matches!(svg("<svgx width='1'>"), ImageSize::Unreadable(_)));
        assert!(matches!(svg("<!-- never closed"), ImageSize::Unreadable(_)));
    }
}

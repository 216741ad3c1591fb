//! The intrinsic size of local images, read at build time so that every
//! `<img>` of a local file gets `width` and `height` and the page keeps its
//! layout while images load (no layout shift).
//!
//! Raster formats are read by the `imagesize` crate, which looks at the
//! file's header only (a few hundred bytes for PNG, GIF and WebP; up to the
//! first frame marker for JPEG), so a site of many large photos costs little.
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

    #[test]
    fn a_file_that_is_no_svg_is_unreadable() {
        assert!(matches!(svg("PNG\u{0}"), ImageSize::Unreadable(_)));
        assert!(matches!(svg("<svgx width='1'>"), ImageSize::Unreadable(_)));
        assert!(matches!(svg("<!-- never closed"), ImageSize::Unreadable(_)));
    }
}

//! Anchors defined by raw HTML (`<span id="step6"></span>`) and footnotes.
//!
//! Guides converted from Tencent Cloud's documentation carry hand-written
//! anchors in raw HTML, and links elsewhere point at them. To check such
//! links, every `id="…"` in raw HTML counts as an anchor of the page, and so
//! does every footnote definition (pulldown-cmark's writer uses the footnote
//! label as the definition's id, and `#label` as the reference's target).

use pulldown_cmark::{CowStr, Event, Tag};

use super::Ev;
use crate::urls::encode_fragment;

/// Makes footnote labels valid ids: pulldown-cmark's writer uses a label
/// as the definition's `id` and in the reference's `href="#label"`, so
/// `[^my note]` gave `id="my note"`. A label that needs it is encoded like
/// a fragment (`my%20note`), the same at every use, so references still
/// find their definition (and keep their numbers); plain labels are kept.
pub(super) fn encode_footnote_labels(events: &mut [Ev<'_>]) {
    for (event, _) in events {
        let (Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label))) =
            event
        else {
            continue;
        };
        let encoded = encode_fragment(label);
        if encoded != label.as_ref() {
            *label = CowStr::from(encoded);
        }
    }
}

/// Ids defined by raw HTML and footnote definitions, in document order.
pub(super) fn collect(events: &[Ev<'_>]) -> Vec<String> {
    let mut anchors = Vec::new();
    for (event, _) in events {
        match event {
            Event::Html(markup) | Event::InlineHtml(markup) => anchors.extend(html_ids(markup)),
            Event::Start(Tag::FootnoteDefinition(label)) => anchors.push(label.to_string()),
            _ => {}
        }
    }
    anchors
}

/// The values of the `id` attributes in a piece of HTML: `id="…"`, `id='…'`
/// or unquoted, preceded by whitespace (so `data-id` doesn't count).
pub(super) fn html_ids(markup: &str) -> Vec<String> {
    let lower = markup.to_ascii_lowercase();
    let mut ids = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("id") {
        let at = from + found;
        from = at + 2;
        let preceded = lower[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = lower[from..].trim_start();
        if !preceded || !rest.starts_with('=') {
            continue;
        }
        // `lower` is `markup` with ASCII letters changed, so offsets agree.
        let value_start = markup.len() - rest.len() + 1;
        if let Some(value) = attribute_value(&markup[value_start..])
            && !value.is_empty()
        {
            ids.push(value.to_owned());
        }
    }
    ids
}

/// The value at the start of `text` (just after `=`), quoted or not.
fn attribute_value(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let quote = text.chars().next()?;
    if quote == '"' || quote == '\'' {
        let inner = &text[1..];
        return inner.find(quote).map(|end| &inner[..end]);
    }
    let end = text
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(text.len());
    Some(&text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    #[test]
    fn ids_are_read_from_any_quoting() {
        assert_eq!(html_ids(r#"<span id="step6"></span>"#), ["step6"]);
        assert_eq!(html_ids("<a ID='x' class=y>"), ["x"]);
        assert_eq!(html_ids("<div\n  id = z>"), ["z"]);
        assert_eq!(
            html_ids(r#"<p data-id="no" id="第一步" hidden>"#),
            ["第一步"]
        );
        assert!(html_ids(r#"<p valid="1" id="">id</p>"#).is_empty());
    }

    #[test]
    fn raw_html_and_footnotes_define_anchors() {
        let source =
            "text <span id=\"step6\"></span>[^n]\n\n<div id=\"block\">\n</div>\n\n[^n]: note\n";
        let events: Vec<_> = Parser::new_ext(source, Options::ENABLE_FOOTNOTES)
            .into_offset_iter()
            .collect();
        assert_eq!(collect(&events), ["step6", "block", "n"]);
    }

    #[test]
    fn footnote_labels_become_valid_ids() {
        let source = "a[^my note] b[^100%] c[^n]\n\n[^my note]: x\n[^100%]: y\n[^n]: z\n";
        let mut events: Vec<_> = Parser::new_ext(source, Options::ENABLE_FOOTNOTES)
            .into_offset_iter()
            .collect();
        encode_footnote_labels(&mut events);
        assert_eq!(collect(&events), ["my%20note", "100%25", "n"]);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(event, _)| event));
        assert!(html.contains("<a href=\"#my%20note\">1</a>"), "{html}");
        assert!(html.contains("id=\"my%20note\""), "{html}");
        assert!(html.contains("<a href=\"#100%25\">2</a>"), "{html}");
    }
}

//! Admonitions: Tencent Cloud's `>?` / `>!` and GitHub's `> [!NOTE]` alerts.
//!
//! The seed guide is written in Tencent Cloud's dialect, where a blockquote
//! whose text starts with `?` is a note and `!` a warning. Both dialects
//! become one `<aside class="admonition KIND" role="note">` with a title in
//! the site's language. `>![alt](a.png)` is an image in a plain quote (the
//! `!` belongs to the image), so only a text `?`/`!` counts as a marker.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

use super::escape::escape_html;
use super::splice::{Edits, html};
use super::{Ev, Labels};

/// A blockquote that is an admonition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Admonition {
    /// Indices of its `Start(BlockQuote)` and `End(BlockQuote)`.
    pub start: usize,
    pub end: usize,
    pub kind: BlockQuoteKind,
}

/// Finds the admonitions and removes Tencent markers from their text, in
/// place (the marker's text event is emptied, not removed, so indices stay).
pub(super) fn find(events: &mut [Ev<'_>]) -> Vec<Admonition> {
    let mut open: Vec<(usize, Option<BlockQuoteKind>)> = Vec::new();
    let mut found = Vec::new();
    for at in 0..events.len() {
        match &events[at].0 {
            Event::Start(Tag::BlockQuote(kind)) => {
                let kind = kind.or_else(|| take_tencent_marker(events, at));
                open.push((at, kind));
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                if let Some((start, Some(kind))) = open.pop() {
                    found.push(Admonition {
                        start,
                        end: at,
                        kind,
                    });
                }
            }
            _ => {}
        }
    }
    found.sort_by_key(|admonition| admonition.start);
    found
}

/// If the blockquote starting at `start` opens with a text `?` or `!`,
/// strips that marker (and the line break or empty paragraph it leaves).
fn take_tencent_marker(events: &mut [Ev<'_>], start: usize) -> Option<BlockQuoteKind> {
    let (Some(Event::Start(Tag::Paragraph)), Some(Event::Text(text))) = (
        events.get(start + 1).map(|e| &e.0),
        events.get(start + 2).map(|e| &e.0),
    ) else {
        return None;
    };
    let kind = match text.chars().next()? {
        '?' => BlockQuoteKind::Note,
        '!' => BlockQuoteKind::Warning,
        _ => return None,
    };
    let rest = text[1..].trim_start().to_owned();
    let emptied = rest.is_empty();
    events[start + 2].0 = Event::Text(CowStr::from(rest));
    if emptied {
        match events.get(start + 3).map(|e| &e.0) {
            Some(Event::SoftBreak | Event::HardBreak) => events[start + 3].0 = empty(),
            Some(Event::End(TagEnd::Paragraph)) => {
                events[start + 1].0 = empty();
                events[start + 3].0 = empty();
            }
            _ => {}
        }
    }
    Some(kind)
}

fn empty() -> Event<'static> {
    Event::Text(CowStr::Borrowed(""))
}

/// Replaces each admonition's blockquote tags with its `<aside>`.
pub(super) fn edits(found: &[Admonition], labels: &Labels, edits: &mut Edits<'_>) {
    for admonition in found {
        let (class, title) = describe(admonition.kind, labels);
        let open = format!(
            "<aside class=\"admonition {class}\" role=\"note\">\n<p class=\"admonition-title\">{}</p>\n",
            escape_html(title)
        );
        edits.replace(admonition.start, html(open));
        edits.replace(admonition.end, html("</aside>\n".to_owned()));
    }
}

/// The CSS class and the title of an admonition kind.
fn describe(kind: BlockQuoteKind, labels: &Labels) -> (&'static str, &str) {
    match kind {
        BlockQuoteKind::Note => ("note", &labels.note),
        BlockQuoteKind::Tip => ("tip", &labels.tip),
        BlockQuoteKind::Important => ("important", &labels.important),
        BlockQuoteKind::Warning => ("warning", &labels.warning),
        BlockQuoteKind::Caution => ("caution", &labels.caution),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::test_support::labels;
    use pulldown_cmark::{Options, Parser, html::push_html};

    fn render(source: &str) -> String {
        let mut events: Vec<_> = Parser::new_ext(source, Options::ENABLE_GFM)
            .into_offset_iter()
            .collect();
        let found = find(&mut events);
        let mut edits = Edits::default();
        super::edits(&found, &labels(), &mut edits);
        let mut out = String::new();
        push_html(&mut out, edits.apply(events));
        out
    }

    #[test]
    fn question_mark_quote_is_a_note() {
        assert_eq!(
            render(">?注销过程中，如有疑惑，请参考文档。\n"),
            "<aside class=\"admonition note\" role=\"note\">\n<p class=\"admonition-title\">说明</p>\n\
             <p>注销过程中，如有疑惑，请参考文档。</p>\n</aside>\n"
        );
    }

    #[test]
    fn exclamation_quote_is_a_warning_with_or_without_a_space() {
        for source in [">! 注意备份\n", ">!注意备份\n", "> !注意备份\n"] {
            let html = render(source);
            assert!(
                html.starts_with("<aside class=\"admonition warning\""),
                "{html}"
            );
            assert!(html.contains("<p>注意备份</p>"), "{html}");
        }
    }

    #[test]
    fn marker_alone_on_the_first_line_is_dropped() {
        let html = render(">?\n>第一行\n>第二行\n");
        assert!(html.contains("<p>第一行\n第二行</p>"), "{html}");
        let html = render(">!\n>\n>正文\n");
        assert!(
            html.contains("</p>\n<p>正文</p>") && !html.contains("<p></p>"),
            "{html}"
        );
    }

    #[test]
    fn image_in_a_quote_is_not_a_warning() {
        let html = render(">![截图](a.png)\n");
        assert!(html.starts_with("<blockquote>"), "{html}");
        assert!(!html.contains("aside"));
    }

    #[test]
    fn plain_quotes_stay_quotes() {
        assert_eq!(
            render("> 引用\n"),
            "<blockquote>\n<p>引用</p>\n</blockquote>\n"
        );
    }

    #[test]
    fn github_alerts_become_admonitions() {
        let cases = [
            ("NOTE", "note", "说明"),
            ("TIP", "tip", "提示"),
            ("IMPORTANT", "important", "重要"),
        ];
        for (marker, class, title) in cases.into_iter().chain([
            ("WARNING", "warning", "注意"),
            ("CAUTION", "caution", "警告"),
        ]) {
            let html = render(&format!("> [!{marker}]\n> 正文\n"));
            assert_eq!(
                html,
                format!(
                    "<aside class=\"admonition {class}\" role=\"note\">\n<p class=\"admonition-title\">{title}</p>\n\
                     <p>正文</p>\n</aside>\n"
                )
            );
        }
    }

    #[test]
    fn nested_quotes_close_the_right_element() {
        let html = render(">? outer\n>\n> > inner\n");
        assert!(
            html.contains("<blockquote>\n<p>inner</p>\n</blockquote>\n</aside>"),
            "{html}"
        );
    }
}

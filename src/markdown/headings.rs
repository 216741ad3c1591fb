//! Headings: ids, self-links and the table of contents.
//!
//! Every heading gets an id (explicit `{#id}`, parsed by pulldown-cmark's
//! heading attributes, or derived from its text by [`super::ids`]) and a `#`
//! self-link readers can copy. Levels 2 and 3 make the on-page table of
//! contents, level 3 nested under the level 2 before it.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::escape::push_escaped_html;
use super::ids::{IdKind, IdRequest};
use super::splice::{Edits, html};
use super::text::plain_text;
use super::{Ev, TocEntry};

/// A heading found in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Heading {
    /// Indices of its `Start(Heading)` and `End(Heading)`.
    pub start: usize,
    pub end: usize,
    pub level: u8,
    /// The `{#id}` the author wrote, if any.
    pub explicit: Option<String>,
    /// Plain text.
    pub text: String,
    /// Byte offset of the explicit id (else of the heading), for errors.
    pub offset: usize,
}

impl Heading {
    /// What [`super::ids::assign`] needs to give this heading its id.
    pub(super) fn id_request(&self) -> IdRequest<'_> {
        IdRequest {
            kind: IdKind::Heading,
            explicit: self.explicit.as_deref(),
            text: &self.text,
            offset: self.offset,
        }
    }
}

/// Finds the headings, in document order.
pub(super) fn find(events: &[Ev<'_>], source: &str) -> Vec<Heading> {
    let mut headings = Vec::new();
    let mut open = None;
    for (at, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => open = Some((at, *level as u8, id)),
            Event::End(TagEnd::Heading(_)) => {
                let Some((start, level, id)) = open.take() else {
                    continue;
                };
                let explicit = id.as_ref().map(ToString::to_string);
                let heading_range = &events[start].1;
                headings.push(Heading {
                    start,
                    end: at,
                    level,
                    offset: explicit_offset(source, heading_range, explicit.as_deref()),
                    explicit,
                    text: plain_text(&events[start + 1..at]),
                });
            }
            _ => {}
        }
    }
    headings
}

/// Where `{#id}` is written inside the heading's source, else its start.
fn explicit_offset(source: &str, range: &std::ops::Range<usize>, id: Option<&str>) -> usize {
    let written = source.get(range.clone()).unwrap_or_default();
    id.and_then(|id| {
        written
            .rfind(&format!("{{#{id}"))
            .or_else(|| written.rfind(&format!("#{id}")))
    })
    .map_or(range.start, |found| range.start + found)
}

/// Writes each heading's id into its start tag, in place.
pub(super) fn set_ids(events: &mut [Ev<'_>], headings: &[Heading], ids: &[String]) {
    for (heading, new_id) in headings.iter().zip(ids) {
        if let Some((Event::Start(Tag::Heading { id, .. }), _)) = events.get_mut(heading.start) {
            *id = Some(CowStr::from(new_id.clone()));
        }
    }
}

/// Adds the `#` self-link at the end of each heading.
pub(super) fn edits(headings: &[Heading], ids: &[String], edits: &mut Edits<'_>) {
    for (heading, id) in headings.iter().zip(ids) {
        edits.insert_before(heading.end, html(self_link(id)));
    }
}

/// The link a heading gets to itself (written with `push_str`: this runs
/// for every heading of the site, and `format!` costs several times more).
fn self_link(id: &str) -> String {
    let mut link = String::with_capacity(96 + id.len());
    link.push_str("<a class=\"heading-anchor\" href=\"#");
    push_escaped_html(&mut link, id);
    link.push_str("\" aria-hidden=\"true\" tabindex=\"-1\">#</a>");
    link
}

/// The table of contents: level-2 headings, each with the level-3 headings
/// after it as children (a level-3 heading before any level 2 stands alone).
pub(super) fn toc(headings: &[Heading], ids: &[String]) -> Vec<TocEntry> {
    let mut toc: Vec<TocEntry> = Vec::new();
    for (heading, id) in headings.iter().zip(ids) {
        let entry = TocEntry {
            level: heading.level,
            id: id.clone(),
            title: heading.text.clone(),
            children: Vec::new(),
        };
        match (heading.level, toc.last_mut()) {
            (3, Some(parent)) if parent.level == 2 => parent.children.push(entry),
            (2 | 3, _) => toc.push(entry),
            _ => {}
        }
    }
    toc
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn headings(source: &str) -> Vec<Heading> {
        let events: Vec<_> = Parser::new_ext(source, Options::ENABLE_HEADING_ATTRIBUTES)
            .into_offset_iter()
            .collect();
        find(&events, source)
    }

    #[test]
    fn headings_are_found_with_text_level_and_explicit_id() {
        let source = "# 标题\n\n## 离职前 **相关** 操作\n\n### Unbind QQ 号 {#qq}\n";
        let found = headings(source);
        let summary: Vec<_> = found
            .iter()
            .map(|h| (h.level, h.text.as_str(), h.explicit.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                (1, "标题", None),
                (2, "离职前 相关 操作", None),
                (3, "Unbind QQ 号", Some("qq"))
            ]
        );
        assert_eq!(found[2].offset, source.find("{#qq}").unwrap_or_default());
        assert_eq!(
            found[1].offset,
            source.find("## 离职前").unwrap_or_default()
        );
    }

    #[test]
    fn toc_nests_level_three_under_level_two() {
        let source = "### early\n## a\n### a1\n#### deep\n### a2\n## b\n# top\n### b1\n";
        let found = headings(source);
        let ids: Vec<String> = found.iter().map(|h| h.text.clone()).collect();
        let toc = toc(&found, &ids);
        let shape: Vec<_> = toc
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.children.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("early", vec![]),
                ("a", vec!["a1", "a2"]),
                ("b", vec!["b1"])
            ]
        );
        assert_eq!(toc[1].title, "a");
        assert_eq!(toc[1].level, 2);
    }

    #[test]
    fn ids_and_self_links_are_written() {
        let source = "## 离职前相关操作\n";
        let mut events: Vec<_> = Parser::new_ext(source, Options::empty())
            .into_offset_iter()
            .collect();
        let found = find(&events, source);
        let ids = vec!["离职前相关操作".to_owned()];
        set_ids(&mut events, &found, &ids);
        let mut edits_ = Edits::default();
        edits(&found, &ids, &mut edits_);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, edits_.apply(events));
        assert_eq!(
            out,
            "<h2 id=\"离职前相关操作\">离职前相关操作<a class=\"heading-anchor\" href=\"#离职前相关操作\" \
             aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n"
        );
    }
}

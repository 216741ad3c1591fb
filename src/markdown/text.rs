//! Plain text out of events: titles, step texts and search blocks.
//!
//! The search index and the checklist page need the page's words without
//! markup. They are taken from the same event stream the HTML comes from
//! (never by parsing again): text, inline code and code blocks count; HTML
//! tags and our own inserted markup (admonition titles, hidden labels) don't.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Ev, TextBlock};

/// The plain text of `events`, with runs of whitespace collapsed to one space.
pub(super) fn plain_text(events: &[Ev<'_>]) -> String {
    let mut text = Collapsed::default();
    for (event, _) in events {
        text.push_event(event);
    }
    text.out
}

/// Text written with every run of whitespace as one space and none at
/// either end, in one pass (no intermediate string).
#[derive(Default)]
struct Collapsed {
    out: String,
    /// Whitespace was seen since the last word.
    space: bool,
}

impl Collapsed {
    /// Adds the words of one event.
    fn push_event(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(words) | Event::Code(words) => self.push_str(words),
            // Block boundaries and line breaks become spaces so that words
            // of adjacent blocks don't run together.
            Event::SoftBreak | Event::HardBreak | Event::Rule => self.space = true,
            Event::Start(tag) if !is_inline(tag) => self.space = true,
            Event::End(tag) if !is_inline_end(*tag) => self.space = true,
            _ => {}
        }
    }

    fn push_str(&mut self, text: &str) {
        if text.starts_with(char::is_whitespace) {
            self.space = true;
        }
        let mut words = text.split_whitespace().peekable();
        while let Some(word) = words.next() {
            if self.space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.out.push_str(word);
            self.space = words.peek().is_some();
        }
        if text.ends_with(char::is_whitespace) {
            self.space = true;
        }
    }
}

/// Whether a tag is inline (inside a paragraph) rather than a block.
pub(super) fn is_inline(tag: &Tag<'_>) -> bool {
    is_inline_end(tag.to_end())
}

fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Where a heading is in the stream, and what it became.
pub(super) struct SectionMark<'s> {
    /// Indices of its `Start(Heading)` and `End(Heading)`.
    pub start: usize,
    pub end: usize,
    pub id: &'s str,
    pub title: &'s str,
}

/// Where a step is in the stream, and what it became.
pub(super) struct StepMark<'s> {
    /// Indices of its `Start(Item)` and `End(Item)`.
    pub start: usize,
    pub end: usize,
    pub id: &'s str,
    pub title: &'s str,
}

/// The page's text split at headings (the text before the first heading, if
/// any, comes first with no anchor), plus one block per step, in document
/// order. A section's text leaves out the steps in it.
pub(super) fn text_blocks(
    events: &[Ev<'_>],
    sections: &[SectionMark<'_>],
    steps: &[StepMark<'_>],
) -> Vec<TextBlock> {
    let text_of = |from: usize, to: usize| plain_text(events.get(from..to).unwrap_or_default());
    let outside_steps = |from: usize, to: usize| text_outside_steps(events, from..to, steps);
    let mut blocks: Vec<(usize, TextBlock)> = Vec::new();
    let first_heading = sections
        .first()
        .map_or(events.len(), |section| section.start);
    let top = outside_steps(0, first_heading);
    if !top.is_empty() {
        blocks.push((0, top_block(top)));
    }
    for (n, section) in sections.iter().enumerate() {
        let next = sections.get(n + 1).map_or(events.len(), |next| next.start);
        let block = TextBlock {
            anchor: Some(section.id.to_owned()),
            title: section.title.to_owned(),
            is_step: false,
            text: outside_steps(section.end + 1, next),
        };
        blocks.push((section.start, block));
    }
    for step in steps {
        blocks.push((
            step.start,
            step_block(step, text_of(step.start, step.end + 1)),
        ));
    }
    blocks.sort_by_key(|(at, _)| *at);
    blocks.into_iter().map(|(_, block)| block).collect()
}

/// The plain text of `events[range]` without the steps in it: each step
/// has a block of its own, and one sentence should not be two results.
fn text_outside_steps(events: &[Ev<'_>], range: Range<usize>, steps: &[StepMark<'_>]) -> String {
    let mut text = Collapsed::default();
    let mut at = range.start;
    let push = |text: &mut Collapsed, from: usize, to: usize| {
        for (event, _) in events.get(from..to).unwrap_or_default() {
            text.push_event(event);
        }
    };
    for step in steps {
        if step.start < at || step.start >= range.end {
            continue;
        }
        push(&mut text, at, step.start);
        // A step is a block: the words around it do not run together.
        text.space = true;
        at = step.end + 1;
    }
    push(&mut text, at, range.end.max(at));
    text.out
}

fn top_block(text: String) -> TextBlock {
    TextBlock {
        anchor: None,
        title: String::new(),
        is_step: false,
        text,
    }
}

fn step_block(step: &StepMark<'_>, text: String) -> TextBlock {
    TextBlock {
        anchor: Some(step.id.to_owned()),
        title: step.title.to_owned(),
        is_step: true,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn events(source: &str) -> Vec<Ev<'_>> {
        Parser::new_ext(source, Options::ENABLE_TASKLISTS)
            .into_offset_iter()
            .collect()
    }

    #[test]
    fn plain_text_keeps_words_and_code_but_not_html() {
        let source = "# T\n\nA *b* `c`\nd <span>e</span>\n\n```\nf\n```\n\n<div>g</div>\n";
        assert_eq!(plain_text(&events(source)), "T A b c d e f");
    }

    #[test]
    fn whitespace_collapses_across_and_within_events() {
        let collapse = |parts: &[&str]| {
            let mut text = Collapsed::default();
            for part in parts {
                text.push_str(part);
            }
            text.out
        };
        assert_eq!(collapse(&["  a \n b  ", " c"]), "a b c");
        assert_eq!(collapse(&["foo", "bar"]), "foobar", "no space, no break");
        assert_eq!(
            collapse(&["甲\u{3000}乙", "\t"]),
            "甲 乙",
            "ideographic space"
        );
        assert_eq!(collapse(&["", "   ", ""]), "");
        assert_eq!(plain_text(&events("a\n\n\nb")), "a b");
    }

    #[test]
    fn blocks_split_at_headings_with_a_top_block_first() {
        let source = "intro\n\n## One\n\nfirst\n\n## Two\n";
        let evs = events(source);
        let heads: Vec<usize> = evs
            .iter()
            .enumerate()
            .filter(|(_, (e, _))| matches!(e, Event::Start(Tag::Heading { .. })))
            .map(|(i, _)| i)
            .collect();
        let sections = [
            SectionMark {
                start: heads[0],
                end: heads[0] + 2,
                id: "one",
                title: "One",
            },
            SectionMark {
                start: heads[1],
                end: heads[1] + 2,
                id: "two",
                title: "Two",
            },
        ];
        let blocks = text_blocks(&evs, &sections, &[]);
        let summary: Vec<_> = blocks
            .iter()
            .map(|b| (b.anchor.as_deref(), b.title.as_str(), b.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (None, "", "intro"),
                (Some("one"), "One", "first"),
                (Some("two"), "Two", "")
            ]
        );
    }

    #[test]
    fn steps_get_their_own_blocks_in_document_order() {
        let source = "- [ ] a\n  more\n- b\n";
        let evs = events(source);
        let steps = [StepMark {
            start: 1,
            end: 6,
            id: "a",
            title: "a more",
        }];
        let blocks = text_blocks(&evs, &[], &steps);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text, "b", "the step is not in the text around it");
        assert!(blocks[1].is_step);
        assert_eq!(blocks[1].anchor.as_deref(), Some("a"));
        assert_eq!(blocks[1].text, "a more");
    }
}

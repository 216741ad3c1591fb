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
    let mut text = Collapsed::for_events(events);
    for (event, _) in events {
        text.push_event(event);
    }
    text.finish()
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
    /// Room for the text of `events` at most, so that the text is not
    /// grown (and copied) as it is written.
    fn for_events(events: &[Ev<'_>]) -> Self {
        Self {
            out: String::with_capacity(longest_text(events)),
            space: false,
        }
    }

    /// The text, its spare room given back: every page's search text is
    /// held until the index is made.
    fn finish(mut self) -> String {
        self.out.shrink_to_fit();
        self.out
    }

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

    /// Adds the words of `text`: a byte scan that copies words together
    /// with the single spaces between them in one piece (most prose is
    /// already collapsed), looking only at the bytes that can start
    /// whitespace (as [`char::is_whitespace`] has it).
    fn push_str(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if let Some(len) = whitespace_len(bytes, at) {
                self.space = true;
                at += len;
                continue;
            }
            let start = at;
            at = collapsed_end(bytes, at);
            if self.space && !self.out.is_empty() {
                self.out.push(' ');
            }
            // Whitespace is whole characters, so `start..at` is too.
            self.out.push_str(text.get(start..at).unwrap_or_default());
            self.space = false;
        }
    }
}

/// Where the words from `bytes[at]` (not whitespace) stop being already
/// collapsed: at the end, or at whitespace other than one space between
/// two words.
fn collapsed_end(bytes: &[u8], mut at: usize) -> usize {
    loop {
        at += 1;
        while at < bytes.len() && whitespace_len(bytes, at).is_none() {
            at += 1;
        }
        let one_space = bytes.get(at) == Some(&b' ')
            && at + 1 < bytes.len()
            && whitespace_len(bytes, at + 1).is_none();
        if !one_space {
            return at;
        }
        at += 1;
    }
}

/// The length of the whitespace character at `bytes[at]`, if one starts
/// there: `char::is_whitespace` on UTF-8. Continuation bytes and all lead
/// bytes but four never start one.
fn whitespace_len(bytes: &[u8], at: usize) -> Option<usize> {
    let byte = bytes[at];
    if byte.is_ascii() {
        return matches!(byte, b'\t'..=b'\r' | b' ').then_some(1);
    }
    let next = |n: usize| bytes.get(at + n).copied().unwrap_or(0);
    let two = (next(1), next(2));
    let len = match byte {
        // U+0085, U+00A0
        0xC2 if matches!(two.0, 0x85 | 0xA0) => 2,
        // U+1680
        0xE1 if two == (0x9A, 0x80) => 3,
        // U+2000..=U+200A, U+2028, U+2029, U+202F
        0xE2 if two.0 == 0x80 && matches!(two.1, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) => 3,
        // U+205F
        0xE2 if two == (0x81, 0x9F) => 3,
        // U+3000
        0xE3 if two == (0x80, 0x80) => 3,
        _ => return None,
    };
    Some(len)
}

/// The most bytes [`Collapsed`] writes for `events`: their words, the
/// whitespace between them (at most one byte for each it replaces) and a
/// space before each event's first word.
fn longest_text(events: &[Ev<'_>]) -> usize {
    events
        .iter()
        .map(|(event, _)| match event {
            Event::Text(words) | Event::Code(words) => words.len() + 1,
            _ => 0,
        })
        .sum()
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
    let mut blocks: Vec<(usize, TextBlock)> = Vec::with_capacity(1 + sections.len() + steps.len());
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
    // Held until the index is made: a list of exactly its length, not the
    // larger slots of the one it was sorted in.
    let mut ordered = Vec::with_capacity(blocks.len());
    ordered.extend(blocks.into_iter().map(|(_, block)| block));
    ordered
}

/// The plain text of `events[range]` without the steps in it: each step
/// has a block of its own, and one sentence should not be two results.
fn text_outside_steps(events: &[Ev<'_>], range: Range<usize>, steps: &[StepMark<'_>]) -> String {
    let mut text = Collapsed::for_events(events.get(range.clone()).unwrap_or_default());
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
    text.finish()
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
    fn collapsing_agrees_with_split_whitespace() {
        let parts = [
            "a b",
            "a  b",
            " a b ",
            "甲 乙\u{3000}丙",
            "x\u{a0}y z",
            "p\n q",
            "é b\t",
            "",
            " ",
        ];
        for first in parts {
            for second in parts {
                let mut text = Collapsed::default();
                text.push_str(first);
                text.push_str(second);
                let joined = format!("{first}{second}");
                let expected: Vec<&str> = joined.split_whitespace().collect();
                assert_eq!(text.out, expected.join(" "), "{first:?} {second:?}");
            }
        }
    }

    #[test]
    fn whitespace_bytes_agree_with_char_is_whitespace() {
        for c in (0..=0x3_0000).filter_map(char::from_u32) {
            let text = format!("{c}x");
            let expected = c.is_whitespace().then_some(c.len_utf8());
            assert_eq!(whitespace_len(text.as_bytes(), 0), expected, "{c:?}");
        }
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

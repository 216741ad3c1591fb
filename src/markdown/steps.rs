//! Steps, found: every task-list item, its label and its explicit id.
//!
//! A step is any task-list item (`- [ ] …`, `1. [x] …`). Its first paragraph
//! becomes the checkbox label; an explicit `{#id}` at the end of its first
//! line is taken off the text here (pulldown-cmark delivers it as text).
//! Ids are then chosen by [`super::ids`], and [`super::step_markup`] writes
//! the HTML. Everything is kept as indices into the event stream.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Ev;
use super::ids::{IdKind, IdRequest, split_explicit_id};
use super::text::{is_inline, plain_text};

/// A task-list item found in the stream (indices into it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TaskItem {
    /// `Start(Item)` and `End(Item)`.
    pub item: usize,
    pub end: usize,
    /// `Start(List)` of the list holding the item.
    pub list: usize,
    /// The `TaskListMarker`.
    pub marker: usize,
    pub checked: bool,
    /// `Start(Paragraph)` of the first paragraph, in a loose list.
    pub paragraph: Option<usize>,
    /// The label's inline events (in a loose list, `label.end` is the first
    /// paragraph's `End(Paragraph)`).
    pub label: Range<usize>,
    /// The `{#id}` written at the end of the first line.
    pub explicit: Option<String>,
    /// Byte offset of the `{#id}` (else of the item), for errors.
    pub offset: usize,
    /// Plain text of the first line, to derive an id from.
    pub first_line: String,
    /// Plain text of the label.
    pub text: String,
}

impl TaskItem {
    /// What [`super::ids::assign`] needs to give this step its id: derived
    /// ids come from the first line only, so editing later lines keeps them.
    pub(super) fn id_request(&self) -> IdRequest<'_> {
        IdRequest {
            kind: IdKind::Step,
            explicit: self.explicit.as_deref(),
            text: &self.first_line,
            offset: self.offset,
        }
    }
}

/// Where a task item starts, as seen at its marker.
struct Found {
    item: usize,
    list: usize,
    marker: usize,
    checked: bool,
}

/// Finds the task items in document order and strips their `{#id}`s from
/// the text, in place (indices don't change).
pub(super) fn find(events: &mut [Ev<'_>], source: &str) -> Vec<TaskItem> {
    let mut lists = Vec::new();
    // Open items: their start, and their index in `tasks` once known.
    let mut items: Vec<(usize, Option<usize>)> = Vec::new();
    let mut tasks: Vec<TaskItem> = Vec::new();
    for at in 0..events.len() {
        match events[at].0 {
            Event::Start(Tag::List(_)) => lists.push(at),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => items.push((at, None)),
            Event::End(TagEnd::Item) => {
                if let Some((_, Some(task))) = items.pop() {
                    tasks[task].end = at;
                }
            }
            Event::TaskListMarker(checked) => {
                if let (Some((item, task)), Some(&list)) = (items.last_mut(), lists.last()) {
                    *task = Some(tasks.len());
                    let item = *item;
                    let found = Found {
                        item,
                        list,
                        marker: at,
                        checked,
                    };
                    tasks.push(read_task(events, source, &found));
                }
            }
            _ => {}
        }
    }
    tasks
}

/// Reads one task item's label and explicit id (its end is set later).
fn read_task(events: &mut [Ev<'_>], source: &str, found: &Found) -> TaskItem {
    let Found {
        item,
        list,
        marker,
        checked,
    } = *found;
    let loose = marker == item + 2
        && matches!(
            events.get(item + 1),
            Some((Event::Start(Tag::Paragraph), _))
        );
    let label = label_range(events, marker);
    let line_end = label
        .clone()
        .find(|&at| matches!(events[at].0, Event::SoftBreak | Event::HardBreak))
        .unwrap_or(label.end);
    let explicit = take_explicit_id(events, label.start, line_end);
    let (first_line, text) = first_line_and_text(events, &label, line_end);
    let item_start = events[item].1.start;
    TaskItem {
        item,
        end: item,
        list,
        marker,
        checked,
        paragraph: loose.then_some(item + 1),
        offset: explicit
            .as_deref()
            .map_or(item_start, |id| explicit_offset(source, item_start, id)),
        explicit,
        first_line,
        text,
        label,
    }
}

/// Plain text of the label's first line and of the whole label; a label of
/// one line (the usual step) is read once.
fn first_line_and_text(
    events: &[Ev<'_>],
    label: &Range<usize>,
    line_end: usize,
) -> (String, String) {
    let first_line = plain_text(&events[label.start..line_end]);
    if line_end == label.end {
        return (first_line.clone(), first_line);
    }
    (first_line, plain_text(&events[label.clone()]))
}

/// The inline events after the marker, up to the first block or the end of
/// the paragraph or item.
fn label_range(events: &[Ev<'_>], marker: usize) -> Range<usize> {
    let start = marker + 1;
    let length = events[start..].iter().position(|(event, _)| match event {
        Event::Start(tag) => !is_inline(tag),
        Event::End(end) => matches!(end, TagEnd::Paragraph | TagEnd::Item),
        _ => false,
    });
    start..length.map_or(events.len(), |length| start + length)
}

/// Takes a `{#id}` off the text event that ends the first line, if any.
fn take_explicit_id(events: &mut [Ev<'_>], label_start: usize, line_end: usize) -> Option<String> {
    let last = line_end
        .checked_sub(1)
        .filter(|&last| last >= label_start)?;
    let Event::Text(text) = &mut events[last].0 else {
        return None;
    };
    let (rest, id) = split_explicit_id(text)?;
    let (rest_len, id) = (rest.len(), id.to_owned());
    // `rest` is where the text starts: cutting the text keeps its start.
    *text = shortened(std::mem::replace(text, CowStr::Borrowed("")), rest_len);
    Some(id)
}

/// The first `len` bytes of `text` (a character boundary), without a copy
/// when the text is borrowed from the source.
fn shortened(text: CowStr<'_>, len: usize) -> CowStr<'_> {
    match text {
        CowStr::Borrowed(text) => CowStr::Borrowed(&text[..len]),
        other => CowStr::from(other[..len].to_owned()),
    }
}

/// Where `{#id}` is written on the item's first line, else the item start.
fn explicit_offset(source: &str, item_start: usize, id: &str) -> usize {
    let line = source
        .get(item_start..)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default();
    rfind_explicit_id(line, id).map_or(item_start, |at| item_start + at)
}

/// Where the last `{#id}` is written in `line`: tried at each `{` from
/// the end (a byte search), which needs no searcher or string built.
fn rfind_explicit_id(line: &str, id: &str) -> Option<usize> {
    line.rmatch_indices('{').map(|(at, _)| at).find(|&at| {
        line[at + 1..]
            .strip_prefix('#')
            .and_then(|rest| rest.strip_prefix(id))
            .is_some_and(|rest| rest.starts_with('}'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn find_in(source: &str) -> Vec<TaskItem> {
        let mut events: Vec<Ev<'_>> = Parser::new_ext(source, Options::ENABLE_TASKLISTS)
            .into_offset_iter()
            .collect();
        find(&mut events, source)
    }

    #[test]
    fn explicit_ids_are_taken_off_the_first_line() {
        let source = "- [ ] 解绑个人手机号 {#unbind-phone}\n- [x] 解绑 **个人** 邮箱{#mail}\n  第二行\n- [ ] 企业微信 {#x} 不在行尾\n";
        let tasks = find_in(source);
        let summary: Vec<_> = tasks
            .iter()
            .map(|t| {
                (
                    t.explicit.as_deref(),
                    t.first_line.as_str(),
                    t.text.as_str(),
                    t.checked,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    Some("unbind-phone"),
                    "解绑个人手机号",
                    "解绑个人手机号",
                    false
                ),
                (
                    Some("mail"),
                    "解绑 个人 邮箱",
                    "解绑 个人 邮箱 第二行",
                    true
                ),
                (
                    None,
                    "企业微信 {#x} 不在行尾",
                    "企业微信 {#x} 不在行尾",
                    false
                ),
            ]
        );
        assert_eq!(
            tasks[0].offset,
            source.find("{#unbind-phone}").unwrap_or_default()
        );
        assert_eq!(
            tasks[2].offset,
            source.find("- [ ] 企业").unwrap_or_default()
        );
    }

    #[test]
    fn the_last_written_explicit_id_is_found() {
        assert_eq!(rfind_explicit_id("a {#x} b {#x}", "x"), Some(9));
        assert_eq!(rfind_explicit_id("a {#x} b {#xy} {x}", "x"), Some(2));
        assert_eq!(rfind_explicit_id("第一步 {#第一步}", "第一步"), Some(10));
        assert_eq!(rfind_explicit_id("{#xy} #x}", "x"), None);
    }

    #[test]
    fn items_are_located_in_the_stream() {
        let source = "- [ ] 外层\n  - [x] 内层\n- 普通\n\n1. [ ] 松散\n\n   第二段\n";
        let mut events: Vec<Ev<'_>> = Parser::new_ext(source, Options::ENABLE_TASKLISTS)
            .into_offset_iter()
            .collect();
        let tasks = find(&mut events, source);
        assert_eq!(tasks.len(), 3);
        let (outer, inner, loose) = (&tasks[0], &tasks[1], &tasks[2]);
        assert!(matches!(events[outer.item].0, Event::Start(Tag::Item)));
        assert!(matches!(events[outer.end].0, Event::End(TagEnd::Item)));
        assert!(outer.end > inner.end && inner.list > outer.list && inner.checked);
        assert_eq!((outer.paragraph, inner.paragraph), (None, None));
        assert_eq!(loose.paragraph, Some(loose.item + 1));
        assert!(matches!(
            events[loose.label.end].0,
            Event::End(TagEnd::Paragraph)
        ));
        assert_eq!(loose.text, "松散");
    }
}

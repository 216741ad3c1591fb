//! Steps: task-list items become labelled checkboxes with stable ids.
//!
//! A step is any task-list item (`- [ ] …`, `1. [x] …`). Its first paragraph
//! becomes the checkbox label; an explicit `{#id}` at the end of its first
//! line is taken off the text (pulldown-cmark delivers it as text). The item
//! is written as `<li class="step" id="ID" data-step="ID">` with a
//! `.step-head` and a metadata marker the build replaces; the list holding
//! steps gets `class="steps"`. Ids are chosen by [`super::ids`].

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd, html::push_html};

use super::escape::escape_html;
use super::ids::{checkbox_id, split_explicit_id};
use super::positions::LineIndex;
use super::splice::{Edits, html};
use super::text::{is_inline, plain_text};
use super::{Ev, STEP_META_MARKER_PREFIX, StepItem};

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
    let mut items = Vec::new();
    let mut tasks: Vec<TaskItem> = Vec::new();
    for at in 0..events.len() {
        match events[at].0 {
            Event::Start(Tag::List(_)) => lists.push(at),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => items.push(at),
            Event::End(TagEnd::Item) => {
                let item = items.pop();
                if let Some(task) = tasks.iter_mut().rev().find(|task| Some(task.item) == item) {
                    task.end = at;
                }
            }
            Event::TaskListMarker(checked) => {
                if let (Some(&item), Some(&list)) = (items.last(), lists.last()) {
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
        first_line: plain_text(&events[label.start..line_end]),
        text: plain_text(&events[label.clone()]),
        label,
    }
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
    let Event::Text(text) = &events[last].0 else {
        return None;
    };
    let (rest, id) = split_explicit_id(text)?;
    let (rest, id) = (rest.to_owned(), id.to_owned());
    events[last].0 = Event::Text(CowStr::from(rest));
    Some(id)
}

/// Where `{#id}` is written on the item's first line, else the item start.
fn explicit_offset(source: &str, item_start: usize, id: &str) -> usize {
    let line = source
        .get(item_start..)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default();
    line.rfind(&format!("{{#{id}}}"))
        .map_or(item_start, |at| item_start + at)
}

/// The public description of each step.
pub(super) fn items(
    events: &[Ev<'_>],
    tasks: &[TaskItem],
    ids: &[String],
    lines: &LineIndex<'_>,
) -> Vec<StepItem> {
    tasks
        .iter()
        .zip(ids)
        .map(|(task, id)| {
            let mut label_html = String::new();
            let label = events.get(task.label.clone()).unwrap_or_default();
            push_html(
                &mut label_html,
                label.iter().map(|(event, _)| event.clone()),
            );
            StepItem {
                id: id.clone(),
                explicit: task.explicit.is_some(),
                text: task.text.clone(),
                label_html: label_html.trim().to_owned(),
                checked: task.checked,
                position: lines.position(events.get(task.item).map_or(0, |(_, range)| range.start)),
            }
        })
        .collect()
}

/// Writes step lists, step items and their heads; step `n` gets marker `n`.
pub(super) fn edits(events: &[Ev<'_>], tasks: &[TaskItem], ids: &[String], edits: &mut Edits<'_>) {
    for (n, (task, id)) in tasks.iter().zip(ids).enumerate() {
        if let Some((Event::Start(Tag::List(first)), _)) = events.get(task.list) {
            edits.replace(task.list, html(list_open(*first)));
        }
        edits.replace(task.item, html(item_open(id, task.checked)));
        edits.remove(task.marker);
        let close = html(format!("</label></div>\n{STEP_META_MARKER_PREFIX}{n}-->\n"));
        match task.paragraph {
            Some(paragraph) => {
                edits.remove(paragraph);
                edits.replace(task.label.end, close);
            }
            None => edits.insert_before(task.label.end, close),
        }
    }
}

fn list_open(first: Option<u64>) -> String {
    match first {
        None => "<ul class=\"steps\">\n".to_owned(),
        Some(1) => "<ol class=\"steps\">\n".to_owned(),
        Some(start) => format!("<ol class=\"steps\" start=\"{start}\">\n"),
    }
}

/// The start of a step item up to the opening of its label. The build
/// relies on the exact `<li class="step" id="ID" data-step="ID">`.
fn item_open(id: &str, checked: bool) -> String {
    let checkbox = escape_html(&checkbox_id(id));
    let id = escape_html(id);
    let checked = if checked { " checked" } else { "" };
    format!(
        "<li class=\"step\" id=\"{id}\" data-step=\"{id}\">\n<div class=\"step-head\">\
         <input type=\"checkbox\" class=\"step-check\" id=\"{checkbox}\"{checked}>\
         <label class=\"step-label\" for=\"{checkbox}\">"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn parse(source: &str) -> Vec<Ev<'_>> {
        Parser::new_ext(source, Options::ENABLE_TASKLISTS)
            .into_offset_iter()
            .collect()
    }

    /// Finds the steps, gives each its first-line text as id, renders.
    fn render(source: &str) -> (String, Vec<TaskItem>) {
        let mut events = parse(source);
        let tasks = find(&mut events, source);
        let ids: Vec<String> = tasks
            .iter()
            .map(|t| t.explicit.clone().unwrap_or(t.first_line.clone()))
            .collect();
        let mut edits_ = Edits::default();
        edits(&events, &tasks, &ids, &mut edits_);
        let mut out = String::new();
        push_html(&mut out, edits_.apply(events).into_iter());
        (out, tasks)
    }

    #[test]
    fn explicit_ids_are_taken_off_the_first_line() {
        let source = "- [ ] 解绑个人手机号 {#unbind-phone}\n- [x] 解绑 **个人** 邮箱{#mail}\n  第二行\n- [ ] 企业微信 {#x} 不在行尾\n";
        let (_, tasks) = render(source);
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
    fn tight_items_become_steps_with_heads_and_markers() {
        let (html, _) = render("- [ ] 解绑手机号 {#phone}\n- 普通项\n- [x] 已完成\n");
        assert_eq!(
            html,
            "<ul class=\"steps\">\n\
             <li class=\"step\" id=\"phone\" data-step=\"phone\">\n\
             <div class=\"step-head\"><input type=\"checkbox\" class=\"step-check\" id=\"step-phone\">\
             <label class=\"step-label\" for=\"step-phone\">解绑手机号</label></div>\n\
             <!--offboard-step-meta:0-->\n</li>\n\
             <li>普通项</li>\n\
             <li class=\"step\" id=\"已完成\" data-step=\"已完成\">\n\
             <div class=\"step-head\"><input type=\"checkbox\" class=\"step-check\" id=\"step-已完成\" checked>\
             <label class=\"step-label\" for=\"step-已完成\">已完成</label></div>\n\
             <!--offboard-step-meta:1-->\n</li>\n</ul>\n"
        );
    }

    #[test]
    fn loose_items_put_the_first_paragraph_in_the_label() {
        let (html, tasks) = render("3. [ ] 第一段 {#a}\n\n   第二段\n\n4. [x] 下一步\n");
        assert!(
            html.starts_with("<ol class=\"steps\" start=\"3\">\n<li class=\"step\" id=\"a\""),
            "{html}"
        );
        assert!(
            html.contains("for=\"step-a\">第一段</label></div>\n<!--offboard-step-meta:0-->\n<p>第二段</p>\n</li>"),
            "{html}"
        );
        assert!(
            !html.contains("<p>第一段") && !html.contains("disabled"),
            "{html}"
        );
        assert_eq!(tasks[0].paragraph, Some(tasks[0].item + 1));
        assert_eq!(tasks[1].text, "下一步");
    }

    #[test]
    fn ordered_lists_starting_at_one_have_no_start() {
        let (html, _) = render("1. [ ] a\n2. [ ] b\n");
        assert!(html.starts_with("<ol class=\"steps\">\n"), "{html}");
        assert!(html.ends_with("</li>\n</ol>\n"), "{html}");
    }

    #[test]
    fn nested_lists_follow_the_label_and_can_hold_steps() {
        let (html, tasks) = render("- [ ] 外层 [链接](a.md)\n  - [ ] 内层\n  - 说明\n");
        assert_eq!(tasks.len(), 2);
        assert!(
            tasks[0].end > tasks[1].end,
            "the outer step ends after the inner one"
        );
        assert!(
            html.contains("外层 <a href=\"a.md\">链接</a></label></div>\n<!--offboard-step-meta:0-->\n<ul class=\"steps\">"),
            "{html}"
        );
        assert!(html.contains("<li>说明</li>"), "{html}");
    }

    #[test]
    fn plain_lists_are_untouched() {
        let (html, tasks) = render("- a\n- b\n");
        assert!(tasks.is_empty());
        assert_eq!(html, "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
    }

    #[test]
    fn items_describe_the_label_and_position() {
        let source = "intro\n\n- [x] 解绑 **邮箱** {#mail}\n";
        let mut events = parse(source);
        let tasks = find(&mut events, source);
        let lines = LineIndex::new(source, 4);
        let steps = items(&events, &tasks, &["mail".to_owned()], &lines);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].label_html, "解绑 <strong>邮箱</strong>");
        assert_eq!(steps[0].text, "解绑 邮箱");
        assert!(steps[0].explicit && steps[0].checked);
        assert_eq!(
            steps[0].position,
            super::super::Position { line: 6, column: 1 }
        );
    }
}

//! Steps, written: labelled checkboxes, metadata markers, step lists.
//!
//! Each step item is written as `<li class="step" id="ID" data-step="ID">`
//! (the build relies on that exact string), then a `.step-head` holding a
//! real checkbox and its `<label>`, then the marker
//! `<!--offboard-step-meta:N-->` the build replaces with the step's metadata,
//! then the rest of the item. A list holding steps gets `class="steps"`.
//! A step with no text would be an unlabelled checkbox, so it is an error.

use pulldown_cmark::{Event, Tag, html::push_html};

use super::escape::push_escaped_html;
use super::ids::CHECKBOX_PREFIX;
use super::positions::LineIndex;
use super::splice::{Edits, html};
use super::steps::TaskItem;
use super::{Ev, MarkdownError, STEP_META_MARKER_PREFIX, StepItem};

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
                label_html: trimmed(label_html),
                checked: task.checked,
                position: lines.position(events.get(task.item).map_or(0, |(_, range)| range.start)),
            }
        })
        .collect()
}

/// `text` without leading and trailing whitespace, trimmed in place.
fn trimmed(mut text: String) -> String {
    text.truncate(text.trim_end().len());
    let leading = text.len() - text.trim_start().len();
    text.drain(..leading);
    text
}

/// Writes step lists, step items and their heads; step `n` gets marker `n`.
pub(super) fn edits(events: &[Ev<'_>], tasks: &[TaskItem], ids: &[String], edits: &mut Edits<'_>) {
    let mut opened_list = None;
    for (n, (task, id)) in tasks.iter().zip(ids).enumerate() {
        // Steps of one list follow each other: its opening is written once.
        if opened_list != Some(task.list)
            && let Some((Event::Start(Tag::List(first)), _)) = events.get(task.list)
        {
            edits.replace(task.list, html(list_open(*first)));
            opened_list = Some(task.list);
        }
        edits.replace(task.item, html(item_open(id, task.checked)));
        edits.remove(task.marker);
        let close = html(head_close(n));
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
    // Written piece by piece into one string sized up front: this runs for
    // every step of the site, and `format!` costs several times more.
    let mut escaped = String::with_capacity(id.len());
    push_escaped_html(&mut escaped, id);
    let id = escaped.as_str();
    let mut open = String::with_capacity(200 + 4 * id.len());
    for piece in [
        "<li class=\"step\" id=\"",
        id,
        "\" data-step=\"",
        id,
        "\">\n<div class=\"step-head\"><input type=\"checkbox\" class=\"step-check\" id=\"",
        CHECKBOX_PREFIX,
        id,
        "\"",
        if checked { " checked" } else { "" },
        "><label class=\"step-label\" for=\"",
        CHECKBOX_PREFIX,
        id,
        "\">",
    ] {
        open.push_str(piece);
    }
    open
}

/// The end of a step's head, with the marker for step `n`'s metadata.
fn head_close(n: usize) -> String {
    let mut close = String::with_capacity(64);
    close.push_str("</label></div>\n");
    close.push_str(STEP_META_MARKER_PREFIX);
    close.push_str(&n.to_string());
    close.push_str("-->\n");
    close
}

/// Steps with an empty label (e.g. `- [ ]` alone or `- [ ] {#id}`).
pub(super) fn empty_step_errors(
    events: &[Ev<'_>],
    tasks: &[TaskItem],
    lines: &LineIndex<'_>,
) -> Vec<MarkdownError> {
    tasks
        .iter()
        .filter(|task| task.text.is_empty() && !has_image(events, task))
        .map(|task| MarkdownError {
            message: "this step has no text".to_owned(),
            hint: "write what to do after the box, e.g. `- [ ] 解绑个人手机号`".to_owned(),
            position: lines.position(events.get(task.item).map_or(0, |(_, range)| range.start)),
        })
        .collect()
}

/// Whether the label holds an image (whose alt text may name the step).
fn has_image(events: &[Ev<'_>], task: &TaskItem) -> bool {
    let label = events.get(task.label.clone()).unwrap_or_default();
    label
        .iter()
        .any(|(event, _)| matches!(event, Event::Html(markup) if markup.starts_with("<img")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::steps::find;
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
        push_html(&mut out, edits_.apply(events));
        (out, tasks)
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

    #[test]
    fn steps_without_text_are_errors() {
        let source = "- [ ] 有文字\n- [ ]\n- [x] {#only-id}\n";
        let mut events = parse(source);
        let tasks = find(&mut events, source);
        let lines = LineIndex::new(source, 1);
        let errors = empty_step_errors(&events, &tasks, &lines);
        let lines_with_errors: Vec<usize> = errors.iter().map(|e| e.position.line).collect();
        assert_eq!(lines_with_errors, [2, 3]);
        assert_eq!(errors[0].message, "this step has no text");
    }
}

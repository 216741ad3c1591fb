//! The markup of the steps on the overview pages, written directly rather
//! than by a template loop: a large site's overview lists ~100,000 steps,
//! and a Tera loop per step (with every step's fields copied into template
//! values first) was most of the cost of those pages. The template still
//! lays out the page, the phase groups and each page's heading; it gets each
//! page's list of steps as `steps_html`.
//!
//! What a step item shares with guide pages (the data attributes and words
//! of procedures that branch — "任选其一" / "或", "可选", "不可撤销", the
//! condition in words — and the metadata pills, console link and materials)
//! is written by the guide pages' own functions ([`crate::steps::render`]),
//! so the reader scripts and readers find the same on both; what is the
//! overview's own (ids, the link back to the step) is escaped here as Tera
//! escapes.

use crate::config::Config;
use crate::steps::Step;
use crate::steps::render::{
    StepWords, push_alternative, push_branch_attributes, push_flags, push_link, push_materials,
    push_meta_item, push_when_item,
};
use crate::urls::encode_fragment;

/// What a step's markup shows besides the step itself.
pub(super) struct StepView<'a> {
    /// The step.
    pub step: &'a Step,
    /// Its role's label (`""` for none).
    pub role_label: &'a str,
    /// The progress keys of the steps it requires.
    pub requires: Vec<String>,
    /// Its condition in words ("仅子账号"; `""` for none), not escaped.
    pub when: String,
    /// `None` for a step of no choice, else whether it is the first of its
    /// choice the overview lists (it says "任选其一"; the others "或").
    pub first_of_choice: Option<bool>,
}

/// Where one page's steps are listed on an overview page.
pub(super) struct ListAt<'a> {
    /// The site's declarations (for conditions).
    pub config: &'a Config,
    /// The page's key (its steps' progress keys start with it).
    pub page_key: &'a str,
    /// The page, seen from the overview page.
    pub href: &'a str,
    /// The id of the heading that names its steps' links.
    pub heading_id: &'a str,
}

/// One page's steps in a phase group: `<li class="step">` items, each
/// after a newline, keyed by `at.page_key`, linking to `at.href` and named
/// by the heading `at.heading_id`.
pub(super) fn steps_html(steps: &[StepView<'_>], at: &ListAt<'_>, words: &StepWords) -> String {
    let mut out = String::with_capacity(steps.len() * 640);
    for view in steps {
        write_step(&mut out, view, at, words);
    }
    out
}

fn write_step(out: &mut String, view: &StepView<'_>, at: &ListAt<'_>, words: &StepWords) {
    let ListAt {
        config,
        page_key,
        href,
        heading_id,
    } = *at;
    let step = view.step;
    // The step's id on the overview is `page key--step id`.
    // The page key is a file's path: encoded, so its spaces leave the id
    // valid (ids may hold no whitespace).
    let sid = |out: &mut String| {
        esc(out, &encode_fragment(page_key));
        out.push_str("--");
        esc(out, &step.id);
    };
    out.push_str(if view.first_of_choice.is_some() {
        "\n<li class=\"step step-alt\" id=\""
    } else {
        "\n<li class=\"step\" id=\""
    });
    sid(out);
    out.push_str("\" data-key=\"");
    esc(out, page_key);
    out.push('#');
    esc(out, &step.id);
    if let Some(role) = step.role.as_deref().filter(|role| !role.is_empty()) {
        out.push_str("\" data-role=\"");
        esc(out, role);
    }
    for (at, key) in view.requires.iter().enumerate() {
        out.push_str(if at == 0 { "\" data-requires=\"" } else { " " });
        esc(out, key);
    }
    out.push('"');
    push_branch_attributes(out, config, page_key, step);
    out.push('>');
    if let Some(first) = view.first_of_choice {
        push_alternative(out, first, words);
    }
    out.push_str(
        "\n<div class=\"step-head\"><input type=\"checkbox\" class=\"step-check\" id=\"check--",
    );
    sid(out);
    out.push_str("\"><label class=\"step-label\" for=\"check--");
    sid(out);
    out.push_str("\">");
    if step.label_html.is_empty() {
        esc(out, &step.text);
    } else {
        out.push_str(&step.label_html);
    }
    out.push_str("</label><a class=\"step-goto\" href=\"");
    esc(out, href);
    out.push('#');
    esc(out, &encode_fragment(&step.id));
    out.push_str("\" aria-labelledby=\"");
    esc(out, heading_id);
    out.push_str(" check--");
    sid(out);
    out.push_str(
        "\"><svg class=\"icon\" aria-hidden=\"true\"><use href=\"#icon-goto\"/></svg></a></div>",
    );
    if step.optional || step.irreversible {
        out.push('\n');
        push_flags(out, step, words);
    }
    write_meta(out, view, words);
    if !step.materials.is_empty() {
        out.push('\n');
        push_materials(out, step, words);
    }
    out.push_str("\n</li>");
}

/// The condition in words, role, estimate and console link, as pills.
fn write_meta(out: &mut String, view: &StepView<'_>, words: &StepWords) {
    let step = view.step;
    if view.when.is_empty()
        && view.role_label.is_empty()
        && step.estimate.is_none()
        && step.link.is_none()
    {
        return;
    }
    out.push_str("\n<ul class=\"step-meta\">");
    if !view.when.is_empty() {
        push_when_item(out, &view.when, words);
    }
    if !view.role_label.is_empty() {
        push_meta_item(out, "step-role", words.role, view.role_label);
    }
    if let Some(estimate) = &step.estimate {
        push_meta_item(out, "step-estimate", words.estimate, estimate);
    }
    if let Some(link) = &step.link {
        push_link(out, link, words);
    }
    out.push_str("</ul>");
}

/// Appends `text` escaped as Tera escapes (`& < > " '`), a run of plain
/// text at a time (Tera's own `escape_html` writes a byte at a time).
fn esc(out: &mut String, text: &str) {
    crate::markdown::push_escaped_html(out, text);
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_as_tera_does() {
        let text = "a & b <c> \"d\" 'e' 中文/é";
        let mut ours = String::new();
        esc(&mut ours, text);
        let mut theirs = Vec::new();
        tera::escape_html(text, &mut theirs).expect("writes to a Vec");
        assert_eq!(ours.as_bytes(), theirs.as_slice());
    }
}

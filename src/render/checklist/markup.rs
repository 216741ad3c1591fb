//! The markup of the steps on the overview pages, written directly rather
//! than by a template loop: a large site's overview lists ~100,000 steps,
//! and a Tera loop per step (with every step's fields copied into template
//! values first) was most of the cost of those pages. The template still
//! lays out the page, the phase groups and each page's heading; it gets each
//! page's list of steps as `steps_html`.
//!
//! Every value is escaped as Tera escapes it, so the output is what the
//! template loop wrote.

use crate::i18n::Language;
use crate::steps::Step;
use crate::urls::encode_fragment;

/// The interface words of a step's markup, looked up once per page.
pub(super) struct Words {
    role: &'static str,
    estimate: &'static str,
    console_link: &'static str,
    external_link: &'static str,
    materials: &'static str,
    /// Brackets around the "external link" aside.
    chinese: bool,
}

impl Words {
    /// The words of `language`.
    pub(super) fn new(language: Language) -> Self {
        Self {
            role: language.word("role"),
            estimate: language.word("estimate"),
            console_link: language.word("console_link"),
            external_link: language.word("external_link"),
            materials: language.word("materials"),
            chinese: language == Language::Chinese,
        }
    }
}

/// What a step's markup shows besides the step itself.
pub(super) struct StepView<'a> {
    /// The step.
    pub step: &'a Step,
    /// Its role's label (`""` for none).
    pub role_label: &'a str,
    /// The progress keys of the steps it requires.
    pub requires: Vec<String>,
}

/// One page's steps in a phase group: `<li class="step">` items, each
/// after a newline, keyed by `page_key`, linking to `href` (the page, seen
/// from the overview) and named by the heading with id `heading_id`.
pub(super) fn steps_html(
    steps: &[StepView<'_>],
    page_key: &str,
    href: &str,
    heading_id: &str,
    words: &Words,
) -> String {
    let mut out = String::with_capacity(steps.len() * 640);
    for view in steps {
        write_step(&mut out, view, page_key, href, heading_id, words);
    }
    out
}

fn write_step(
    out: &mut String,
    view: &StepView<'_>,
    page_key: &str,
    href: &str,
    heading_id: &str,
    words: &Words,
) {
    let step = view.step;
    // The step's id on the overview is `page key--step id`.
    // The page key is a file's path: encoded, so its spaces leave the id
    // valid (ids may hold no whitespace).
    let sid = |out: &mut String| {
        esc(out, &encode_fragment(page_key));
        out.push_str("--");
        esc(out, &step.id);
    };
    out.push_str("\n<li class=\"step\" id=\"");
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
    out.push_str(
        "\">\n<div class=\"step-head\"><input type=\"checkbox\" class=\"step-check\" id=\"check--",
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
    write_meta(out, view, words);
    write_materials(out, &step.materials, words);
    out.push_str("\n</li>");
}

/// Role, estimate and console link, as pills.
fn write_meta(out: &mut String, view: &StepView<'_>, words: &Words) {
    let estimate = view.step.estimate.as_deref().unwrap_or_default();
    let link = view.step.link.as_deref().unwrap_or_default();
    if view.role_label.is_empty() && estimate.is_empty() && link.is_empty() {
        return;
    }
    out.push_str("\n<ul class=\"step-meta\">");
    if !view.role_label.is_empty() {
        pill(out, "step-role", words.role, view.role_label);
    }
    if !estimate.is_empty() {
        pill(out, "step-estimate", words.estimate, estimate);
    }
    if !link.is_empty() {
        out.push_str("<li class=\"step-link\"><a class=\"external\" href=\"");
        esc(out, link);
        out.push_str("\" rel=\"external noopener\">");
        esc(out, words.console_link);
        out.push_str("<span class=\"visually-hidden\">");
        let (open, close) = if words.chinese {
            ("（", "）")
        } else {
            (" (", ")")
        };
        out.push_str(open);
        esc(out, words.external_link);
        out.push_str(close);
        out.push_str("</span></a></li>");
    }
    out.push_str("</ul>");
}

fn pill(out: &mut String, class: &str, key: &str, value: &str) {
    out.push_str("<li class=\"");
    out.push_str(class);
    out.push_str("\"><span class=\"meta-key\">");
    esc(out, key);
    out.push_str("</span> ");
    esc(out, value);
    out.push_str("</li>");
}

fn write_materials(out: &mut String, materials: &[Box<str>], words: &Words) {
    if materials.is_empty() {
        return;
    }
    out.push_str("\n<div class=\"step-materials\"><span class=\"meta-key\">");
    esc(out, words.materials);
    out.push_str("</span><ul>");
    for material in materials {
        out.push_str("<li>");
        esc(out, material);
        out.push_str("</li>");
    }
    out.push_str("</ul></div>");
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

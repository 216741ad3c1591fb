//! The markup of the steps on the overview pages, written directly rather
//! than by a template loop: a large site's overview lists ~100,000 steps,
//! and a Tera loop per step (with every step's fields copied into template
//! values first) was most of the cost of those pages. The template still
//! lays out the page, the phase groups and each page's heading; it gets each
//! page's list of steps as `steps_html`.
//!
//! Every value is escaped as Tera escapes it, so the output is what the
//! template loop wrote.

use std::io::Write;

use crate::i18n::Language;
use crate::steps::{Step, progress_key};

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
    let mut out: Vec<u8> = Vec::with_capacity(steps.len() * 640);
    for view in steps {
        // Writing to a Vec cannot fail.
        let _ = write_step(&mut out, view, page_key, href, heading_id, words);
    }
    String::from_utf8(out).unwrap_or_default()
}

fn write_step(
    out: &mut Vec<u8>,
    view: &StepView<'_>,
    page_key: &str,
    href: &str,
    heading_id: &str,
    words: &Words,
) -> std::io::Result<()> {
    let step = view.step;
    let sid = format!("{page_key}--{}", step.id);
    out.write_all(b"\n<li class=\"step\" id=\"")?;
    esc(out, &sid)?;
    out.write_all(b"\" data-key=\"")?;
    esc(out, &progress_key(page_key, &step.id))?;
    if let Some(role) = step.role.as_deref().filter(|role| !role.is_empty()) {
        out.write_all(b"\" data-role=\"")?;
        esc(out, role)?;
    }
    if !view.requires.is_empty() {
        out.write_all(b"\" data-requires=\"")?;
        esc(out, &view.requires.join(" "))?;
    }
    out.write_all(
        b"\">\n<div class=\"step-head\"><input type=\"checkbox\" class=\"step-check\" id=\"check--",
    )?;
    esc(out, &sid)?;
    out.write_all(b"\"><label class=\"step-label\" for=\"check--")?;
    esc(out, &sid)?;
    out.write_all(b"\">")?;
    if step.label_html.is_empty() {
        esc(out, &step.text)?;
    } else {
        out.write_all(step.label_html.as_bytes())?;
    }
    out.write_all(b"</label><a class=\"step-goto\" href=\"")?;
    esc(out, &format!("{href}#{}", step.id))?;
    out.write_all(b"\" aria-labelledby=\"")?;
    esc(out, &format!("{heading_id} check--{sid}"))?;
    out.write_all(
        b"\"><svg class=\"icon\" aria-hidden=\"true\"><use href=\"#icon-goto\"/></svg></a></div>",
    )?;
    write_meta(out, view, words)?;
    write_materials(out, &step.materials, words)?;
    out.write_all(b"\n</li>")
}

/// Role, estimate and console link, as pills.
fn write_meta(out: &mut Vec<u8>, view: &StepView<'_>, words: &Words) -> std::io::Result<()> {
    let estimate = view.step.estimate.as_deref().unwrap_or_default();
    let link = view.step.link.as_deref().unwrap_or_default();
    if view.role_label.is_empty() && estimate.is_empty() && link.is_empty() {
        return Ok(());
    }
    out.write_all(b"\n<ul class=\"step-meta\">")?;
    if !view.role_label.is_empty() {
        pill(out, "step-role", words.role, view.role_label)?;
    }
    if !estimate.is_empty() {
        pill(out, "step-estimate", words.estimate, estimate)?;
    }
    if !link.is_empty() {
        out.write_all(b"<li class=\"step-link\"><a class=\"external\" href=\"")?;
        esc(out, link)?;
        out.write_all(b"\" rel=\"external noopener\">")?;
        esc(out, words.console_link)?;
        out.write_all(b"<span class=\"visually-hidden\">")?;
        let (open, close) = if words.chinese {
            ("（", "）")
        } else {
            (" (", ")")
        };
        out.write_all(open.as_bytes())?;
        esc(out, words.external_link)?;
        out.write_all(close.as_bytes())?;
        out.write_all(b"</span></a></li>")?;
    }
    out.write_all(b"</ul>")
}

fn pill(out: &mut Vec<u8>, class: &str, key: &str, value: &str) -> std::io::Result<()> {
    write!(out, "<li class=\"{class}\"><span class=\"meta-key\">")?;
    esc(out, key)?;
    out.write_all(b"</span> ")?;
    esc(out, value)?;
    out.write_all(b"</li>")
}

fn write_materials(out: &mut Vec<u8>, materials: &[String], words: &Words) -> std::io::Result<()> {
    if materials.is_empty() {
        return Ok(());
    }
    out.write_all(b"\n<div class=\"step-materials\"><span class=\"meta-key\">")?;
    esc(out, words.materials)?;
    out.write_all(b"</span><ul>")?;
    for material in materials {
        out.write_all(b"<li>")?;
        esc(out, material)?;
        out.write_all(b"</li>")?;
    }
    out.write_all(b"</ul></div>")
}

fn esc(out: &mut Vec<u8>, text: &str) -> std::io::Result<()> {
    tera::escape_html(text, out)
}

//! The static markup of a step: data attributes on its `<li>` for the reader
//! script, and a metadata block (role, phase, estimate, console link,
//! requirements as links, materials) that reads fully without JavaScript.

use std::fmt::{self, Write as _};
use std::sync::LazyLock;

use memchr::memmem::Finder;
use pulldown_cmark_escape::{FmtWriter, escape_href, escape_html};

use crate::content::Site;
use crate::i18n::Language;
use crate::markdown::STEP_META_MARKER_PREFIX;
use crate::urls::page_href;

use super::{Step, progress_key};

/// What is needed to write the metadata of one page's steps.
pub struct StepHtml<'a> {
    /// The site (for other pages' URLs, titles and keys).
    pub site: &'a Site,
    /// All steps, indexed like `site.pages`.
    pub steps: &'a [Vec<Step>],
    /// Interface words.
    pub language: Language,
}

/// Inserts each step's data attributes and metadata block into a page's
/// rendered HTML, in one pass over it.
pub fn splice_step_meta(html: &str, page: usize, ctx: &StepHtml<'_>) -> String {
    static OPENING: LazyLock<Finder<'static>> =
        LazyLock::new(|| Finder::new("<li class=\"step\" id=\""));
    static MARKER: LazyLock<Finder<'static>> =
        LazyLock::new(|| Finder::new(STEP_META_MARKER_PREFIX));
    let steps = &ctx.steps[page];
    if steps.is_empty() {
        return html.to_owned();
    }
    let mut out = String::with_capacity(html.len() + steps.len() * 400);
    let mut rest = html;
    // Reused for every step: the exact opening tag and marker to find.
    let (mut opening, mut marker) = (String::new(), String::new());
    for (index, step) in steps.iter().enumerate() {
        opening.clear();
        let _ = write!(
            opening,
            "<li class=\"step\" id=\"{0}\" data-step=\"{0}\">",
            Attr(&step.id)
        );
        marker.clear();
        let _ = write!(marker, "{STEP_META_MARKER_PREFIX}{index}-->");
        let (Some(open_at), Some(marker_at)) = (
            find_exact(rest, &OPENING, &opening),
            find_exact(rest, &MARKER, &marker),
        ) else {
            continue;
        };
        if marker_at < open_at {
            continue;
        }
        out.push_str(&rest[..open_at]);
        out.push_str(&opening[..opening.len() - 1]);
        push_data_attributes(&mut out, page, step, ctx);
        out.push('>');
        out.push_str(&rest[open_at + opening.len()..marker_at]);
        push_meta(&mut out, page, step, ctx);
        rest = &rest[marker_at + marker.len()..];
    }
    out.push_str(rest);
    out
}

/// Where `needle` first occurs in `haystack` (as `str::find`), found by a
/// prepared `finder` for its fixed start: each page has many steps, and a
/// plain `find` prepares a searcher for every call.
fn find_exact(haystack: &str, finder: &Finder<'_>, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = finder.find(&haystack.as_bytes()[from..]) {
        let at = from + found;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Text written escaped for an HTML attribute or text, without a copy.
struct Attr<'a>(&'a str);

impl fmt::Display for Attr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape_html(FmtWriter(f), self.0)
    }
}

/// A step's progress key (`page-key#step-id`), escaped, without a copy.
struct KeyAttr<'a>(&'a str, &'a str);

impl fmt::Display for KeyAttr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", Attr(self.0), Attr(self.1))
    }
}

fn push_data_attributes(out: &mut String, page: usize, step: &Step, ctx: &StepHtml<'_>) {
    let key = &ctx.site.pages[page].key;
    let _ = write!(out, " data-key=\"{}\"", KeyAttr(key, &step.id));
    if let Some(role) = &step.role {
        let _ = write!(out, " data-role=\"{}\"", Attr(role));
    }
    if let Some(phase) = &step.phase {
        let _ = write!(out, " data-phase=\"{}\"", Attr(phase));
    }
    if !step.requires.is_empty() {
        out.push_str(" data-requires=\"");
        for (n, required) in step.requires.iter().enumerate() {
            if n > 0 {
                out.push(' ');
            }
            let key = &ctx.site.pages[required.page].key;
            let id = &ctx.steps[required.page][required.step].id;
            let _ = write!(out, "{}", KeyAttr(key, id));
        }
        out.push('"');
    }
}

fn push_meta(out: &mut String, page: usize, step: &Step, ctx: &StepHtml<'_>) {
    let words = ctx.language;
    let config = &ctx.site.config;
    let mut items = String::new();
    if let Some(label) = step
        .role
        .as_deref()
        .and_then(|role| config.role_label(role))
    {
        meta_item(&mut items, "step-role", words.word("role"), label);
    }
    if let Some(label) = step
        .phase
        .as_deref()
        .and_then(|phase| config.phase_label(phase))
    {
        meta_item(&mut items, "step-phase", words.word("phase"), label);
    }
    if let Some(estimate) = &step.estimate {
        meta_item(
            &mut items,
            "step-estimate",
            words.word("estimate"),
            estimate,
        );
    }
    if let Some(link) = &step.link {
        let mut href = String::new();
        let _ = escape_href(&mut href, link);
        let _ = write!(
            items,
            "<li class=\"step-link\"><a class=\"external\" href=\"{}\" rel=\"external noopener\">{}<span class=\"visually-hidden\">{}</span></a></li>",
            Attr(&href),
            words.word("console_link"),
            words.word("external_link_hidden")
        );
    }
    if !items.is_empty() {
        let _ = write!(out, "<ul class=\"step-meta\">{items}</ul>");
    }
    push_requires(out, page, step, ctx);
    push_materials(out, step, words);
}

fn meta_item(out: &mut String, class: &str, key: &str, value: &str) {
    let _ = write!(
        out,
        "<li class=\"{class}\"><span class=\"meta-key\">{key}</span> {}</li>",
        Attr(value)
    );
}

fn push_requires(out: &mut String, page: usize, step: &Step, ctx: &StepHtml<'_>) {
    if step.requires.is_empty() {
        return;
    }
    let from = &ctx.site.pages[page];
    let links: Vec<String> = step
        .requires
        .iter()
        .map(|required| {
            let target_page = &ctx.site.pages[required.page];
            let target = &ctx.steps[required.page][required.step];
            let href = if required.page == page {
                String::new()
            } else {
                page_href(&from.url, &target_page.url)
            };
            let place = if required.page == page {
                String::new()
            } else {
                ctx.language
                    .parenthesize(&Attr(&target_page.front.title).to_string())
            };
            let key = progress_key(&target_page.key, &target.id);
            format!(
                "<a href=\"{}#{}\" data-requires-key=\"{}\">{}</a>{place}",
                Attr(&href),
                Attr(&target.id),
                Attr(&key),
                Attr(&target.text)
            )
        })
        .collect();
    let _ = write!(
        out,
        "<div class=\"step-requires\"><span class=\"meta-key\">{}</span> {}</div>",
        ctx.language.word("requires"),
        links.join(ctx.language.list_separator())
    );
}

fn push_materials(out: &mut String, step: &Step, words: Language) {
    if step.materials.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<div class=\"step-materials\"><span class=\"meta-key\">{}</span><ul>",
        words.word("materials")
    );
    for material in &step.materials {
        let _ = write!(out, "<li>{}</li>", Attr(material));
    }
    out.push_str("</ul></div>");
}

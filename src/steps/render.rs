//! The static markup of a step: data attributes on its `<li>` for the reader
//! script, and a metadata block (optional and irreversible in words, the
//! condition in words, role, phase, estimate, console link, requirements as
//! links, materials) that reads fully without JavaScript; the steps of a
//! choice say "任选其一" / "或" before them. The pieces are public: the
//! overview (`render/checklist/markup.rs`) writes its step items with the
//! same functions, so both say the same.

use std::sync::LazyLock;

use memchr::memmem::Finder;
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::config::Config;
use crate::content::Site;
use crate::i18n::Language;
use crate::markdown::STEP_META_MARKER_PREFIX;
use crate::urls::page_href;

use super::{Step, condition};

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
    let words = StepWords::new(ctx.language);
    let defaults = PageDefaults::of(ctx.site, page);
    let mut out = String::with_capacity(html.len() + steps.len() * 400);
    let mut rest = html;
    // Reused for every step: the exact opening tag and marker to find.
    let (mut opening, mut marker) = (String::new(), String::new());
    for (index, step) in steps.iter().enumerate() {
        opening.clear();
        opening.push_str("<li class=\"step\" id=\"");
        esc(&mut opening, &step.id);
        opening.push_str("\" data-step=\"");
        esc(&mut opening, &step.id);
        opening.push_str("\">");
        marker.clear();
        marker.push_str(STEP_META_MARKER_PREFIX);
        push_number(&mut marker, index);
        marker.push_str("-->");
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
        let tag = &opening[..opening.len() - 1];
        match tag.strip_prefix(PLAIN_CLASS) {
            Some(rest_of_tag) if step.choice.is_some() => {
                out.push_str(ALT_CLASS);
                out.push_str(rest_of_tag);
            }
            _ => out.push_str(tag),
        }
        push_data_attributes(&mut out, page, step, ctx);
        out.push('>');
        if let Some(choice) = &step.choice {
            let first = !steps[..index]
                .iter()
                .any(|other| other.choice.as_ref() == Some(choice));
            push_alternative(&mut out, first, &words);
        }
        out.push_str(&rest[open_at + opening.len()..marker_at]);
        push_meta(&mut out, page, step, ctx, &words, &defaults);
        rest = &rest[marker_at + marker.len()..];
    }
    out.push_str(rest);
    out
}

/// What a page says once for all its steps: its role, phase and condition.
/// A step's metadata names them only where the step differs, so that a
/// page of one role's steps does not repeat its role at every step.
struct PageDefaults<'a> {
    role: Option<&'a str>,
    phase: Option<&'a str>,
    when: Vec<(u32, u64)>,
}

impl<'a> PageDefaults<'a> {
    fn of(site: &'a Site, page: usize) -> Self {
        let front = &site.pages[page].front;
        Self {
            role: front.role.as_deref(),
            phase: front.phase.as_deref(),
            when: super::page_condition(site, page),
        }
    }
}

/// How a step item starts, and how it starts when it is one of a choice.
const PLAIN_CLASS: &str = "<li class=\"step\"";
const ALT_CLASS: &str = "<li class=\"step step-alt\"";

/// Before a step of a choice, in words: "任选其一" before its `first`
/// step, "或" before each other one. Guide pages and the overview both
/// write it.
pub fn push_alternative(out: &mut String, first: bool, words: &StepWords) {
    if first {
        out.push_str("<span class=\"step-alt-intro\">");
        out.push_str(words.choice_intro);
    } else {
        out.push_str("<span class=\"step-or\">");
        out.push_str(words.choice_or);
    }
    out.push_str("</span>");
}

/// The interface words of a step's markup, looked up once per page;
/// guide pages and the overview share them, so both say the same.
pub struct StepWords {
    /// Before a role's label ("角色").
    pub role: &'static str,
    phase: &'static str,
    /// Before an estimate ("用时").
    pub estimate: &'static str,
    console_link: &'static str,
    external_link_hidden: &'static str,
    requires: &'static str,
    materials: &'static str,
    applies: &'static str,
    optional: &'static str,
    irreversible: &'static str,
    irreversible_text: &'static str,
    choice_intro: &'static str,
    choice_or: &'static str,
}

impl StepWords {
    /// The words of `language`.
    pub fn new(language: Language) -> Self {
        Self {
            role: language.word("role"),
            phase: language.word("phase"),
            estimate: language.word("estimate"),
            console_link: language.word("console_link"),
            external_link_hidden: language.word("external_link_hidden"),
            requires: language.word("requires"),
            materials: language.word("materials"),
            applies: language.word("step_applies"),
            optional: language.word("step_optional"),
            irreversible: language.word("step_irreversible"),
            irreversible_text: language.word("step_irreversible_text"),
            choice_intro: language.word("choice_intro"),
            choice_or: language.word("choice_or"),
        }
    }
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

/// Appends `text` escaped for an HTML attribute or text.
fn esc(out: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = escape_html(&mut *out, text);
}

/// Appends `number` in decimal.
fn push_number(out: &mut String, number: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = number;
    loop {
        at -= 1;
        // A digit is below 10, so the cast keeps it whole.
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

/// Appends a step's progress key (`page-key#step-id`), escaped.
fn push_key(out: &mut String, page_key: &str, step_id: &str) {
    esc(out, page_key);
    out.push('#');
    esc(out, step_id);
}

fn push_data_attributes(out: &mut String, page: usize, step: &Step, ctx: &StepHtml<'_>) {
    out.push_str(" data-key=\"");
    push_key(out, &ctx.site.pages[page].key, &step.id);
    out.push('"');
    if let Some(role) = &step.role {
        out.push_str(" data-role=\"");
        esc(out, role);
        out.push('"');
    }
    if let Some(phase) = &step.phase {
        out.push_str(" data-phase=\"");
        esc(out, phase);
        out.push('"');
    }
    if !step.requires.is_empty() {
        out.push_str(" data-requires=\"");
        for (n, required) in step.requires.iter().enumerate() {
            if n > 0 {
                out.push(' ');
            }
            let key = &ctx.site.pages[required.page].key;
            let id = &ctx.steps[required.page][required.step].id;
            push_key(out, key, id);
        }
        out.push('"');
    }
    push_branch_attributes(out, &ctx.site.config, &ctx.site.pages[page].key, step);
}

/// Appends the data attributes of a step's branching (`data-when`,
/// `data-choice`, `data-optional`, `data-irreversible`), its plan
/// (`data-due`, `data-lead`) and `data-hash`,
/// for the reader scripts; `page_key` is its page's. Guide pages and the
/// overview both write them.
pub fn push_branch_attributes(out: &mut String, config: &Config, page_key: &str, step: &Step) {
    if !step.when.is_empty() {
        out.push_str(" data-when=\"");
        esc(out, &condition::query(config, &step.when));
        out.push('"');
    }
    if let Some(choice) = &step.choice {
        out.push_str(" data-choice=\"");
        push_key(out, page_key, choice);
        out.push('"');
    }
    if step.optional {
        out.push_str(" data-optional");
    }
    if step.irreversible {
        out.push_str(" data-irreversible");
    }
    push_plan_attributes(out, step);
    out.push_str(" data-hash=\"");
    out.push_str(&step.hash_hex());
    out.push('"');
}

/// A step's place in the reader's plan: `data-due` (its canonical offset
/// from the schedule's date, `-3wd`) and, when its estimate is in days,
/// working days or weeks, `data-lead` (how long before the due date it
/// must start, unsigned: `3wd`, `7d`).
fn push_plan_attributes(out: &mut String, step: &Step) {
    use std::fmt::Write as _;
    let Some(due) = step.due else {
        return;
    };
    // Writing to a String cannot fail.
    let _ = write!(out, " data-due=\"{due}\"");
    if let Some(lead) = step.lead {
        out.push_str(" data-lead=\"");
        out.push_str(&super::schedule::lead_text(lead));
        out.push('"');
    }
}

/// "可选" and "不可撤销" with its sentence, right under the step's label
/// (on guide pages and the overview).
pub fn push_flags(out: &mut String, step: &Step, words: &StepWords) {
    if !step.optional && !step.irreversible {
        return;
    }
    out.push_str("<p class=\"step-flags\">");
    if step.optional {
        out.push_str("<span class=\"step-optional\">");
        out.push_str(words.optional);
        out.push_str("</span>");
    }
    if step.irreversible {
        if step.optional {
            out.push(' ');
        }
        out.push_str("<strong class=\"step-irreversible\">");
        out.push_str(words.irreversible);
        out.push_str("</strong> <span class=\"step-irreversible-text\">");
        out.push_str(words.irreversible_text);
        out.push_str("</span>");
    }
    out.push_str("</p>");
}

fn push_meta(
    out: &mut String,
    page: usize,
    step: &Step,
    ctx: &StepHtml<'_>,
    words: &StepWords,
    defaults: &PageDefaults<'_>,
) {
    let config = &ctx.site.config;
    let role = step
        .role
        .as_deref()
        .filter(|&role| Some(role) != defaults.role)
        .and_then(|role| config.role_label(role));
    let phase = step
        .phase
        .as_deref()
        .filter(|&phase| Some(phase) != defaults.phase)
        .and_then(|phase| config.phase_label(phase));
    push_flags(out, step, words);
    let when = if *step.when == *defaults.when {
        String::new()
    } else {
        condition::words(config, &step.when, ctx.language)
    };
    if role.is_some()
        || phase.is_some()
        || step.estimate.is_some()
        || step.link.is_some()
        || !when.is_empty()
    {
        out.push_str("<ul class=\"step-meta\">");
        if !when.is_empty() {
            push_when_item(out, &when, words);
        }
        if let Some(label) = role {
            push_meta_item(out, "step-role", words.role, label);
        }
        if let Some(label) = phase {
            push_meta_item(out, "step-phase", words.phase, label);
        }
        if let Some(estimate) = &step.estimate {
            push_meta_item(out, "step-estimate", words.estimate, estimate);
        }
        if let Some(link) = &step.link {
            push_link(out, link, words);
        }
        out.push_str("</ul>");
    }
    push_requires(out, page, step, ctx, words);
    push_materials(out, step, words);
}

/// A step's console link, as an item of its metadata list.
pub fn push_link(out: &mut String, link: &str, words: &StepWords) {
    let mut href = String::new();
    let _ = escape_href(&mut href, link);
    out.push_str("<li class=\"step-link\"><a class=\"external\" href=\"");
    esc(out, &href);
    out.push_str("\" rel=\"external noopener\">");
    out.push_str(words.console_link);
    out.push_str("<span class=\"visually-hidden\">");
    out.push_str(words.external_link_hidden);
    out.push_str("</span></a></li>");
}

/// The condition of a step in words (`when`, from [`condition::words`]) as
/// an item of its metadata list: "适用 仅子账号".
pub fn push_when_item(out: &mut String, when: &str, words: &StepWords) {
    push_meta_item(out, "step-when", words.applies, when);
}

/// An item of a step's metadata list: `key` (not escaped: an interface
/// word) then `value`, escaped.
pub fn push_meta_item(out: &mut String, class: &str, key: &str, value: &str) {
    out.push_str("<li class=\"");
    out.push_str(class);
    out.push_str("\"><span class=\"meta-key\">");
    out.push_str(key);
    out.push_str("</span> ");
    esc(out, value);
    out.push_str("</li>");
}

fn push_requires(
    out: &mut String,
    page: usize,
    step: &Step,
    ctx: &StepHtml<'_>,
    words: &StepWords,
) {
    if step.requires.is_empty() {
        return;
    }
    let from = &ctx.site.pages[page];
    out.push_str("<div class=\"step-requires\"><span class=\"meta-key\">");
    out.push_str(words.requires);
    out.push_str("</span> ");
    for (n, required) in step.requires.iter().enumerate() {
        if n > 0 {
            out.push_str(ctx.language.list_separator());
        }
        let target_page = &ctx.site.pages[required.page];
        let target = &ctx.steps[required.page][required.step];
        let elsewhere = required.page != page;
        out.push_str("<a href=\"");
        if elsewhere {
            esc(out, &page_href(&from.url, &target_page.url));
        }
        out.push('#');
        esc(out, &target.id);
        out.push_str("\" data-requires-key=\"");
        push_key(out, &target_page.key, &target.id);
        out.push_str("\">");
        esc(out, &target.text);
        out.push_str("</a>");
        if elsewhere {
            push_parenthesized_title(out, &target_page.front.title, ctx.language);
        }
    }
    out.push_str("</div>");
}

/// The title of a page a requirement is on, escaped, in brackets as
/// [`Language::parenthesize`] puts them.
fn push_parenthesized_title(out: &mut String, title: &str, language: Language) {
    let (open, close) = if language == Language::Chinese {
        ("（", "）")
    } else {
        (" (", ")")
    };
    out.push_str(open);
    esc(out, title);
    out.push_str(close);
}

/// What the reader needs at hand for a step, if anything.
pub fn push_materials(out: &mut String, step: &Step, words: &StepWords) {
    if step.materials.is_empty() {
        return;
    }
    out.push_str("<div class=\"step-materials\"><span class=\"meta-key\">");
    out.push_str(words.materials);
    out.push_str("</span><ul>");
    for material in &step.materials {
        out.push_str("<li>");
        esc(out, material);
        out.push_str("</li>");
    }
    out.push_str("</ul></div>");
}

//! The step manifest, `checklist/steps.js`: every step of the site, the
//! roles and phases, and the interface words of the reader-side checklist
//! scripts, for every page to load. A page's own steps are in its markup, but
//! whole-guide and per-phase progress, the sidebar's figures and the
//! completion record need all of them.
//!
//! Above [`super::SPLIT_STEPS`] steps it holds a summary instead (each
//! page's step ids in runs of one phase, role and branching — condition,
//! choice, optional, irreversible: enough for every figure, the role filter,
//! the reader's answers and the saved progress; ~38 bytes a page at 10,000
//! pages without branching, as every page loads it), and each top-level entry's step details
//! (page titles, step texts) are in `checklist/<its folder>/steps.js`,
//! loaded by the pages under it, by its overview part and, on demand, by
//! the completion record. `checklist-store.js` reads both.
//!
//! It is a classic script that assigns one global (`window.offboardManifest`)
//! rather than JSON fetched at run time: `fetch` and module scripts do not
//! work from `file://`, and the site must.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{CHECKLIST_URL, RenderContext};
use crate::config::{Config, Labelled, Question};
use crate::i18n::Language;
use crate::steps::condition::answer_lists;
use crate::steps::{Step, choice_key, progress_key};
use crate::urls::page_href;

mod split;

pub use split::render_section_steps;

/// Where the manifest is written, relative to the output root.
pub const MANIFEST_URL: &str = "checklist/steps.js";

/// Name of a top-level entry's step details file, in its overview folder.
pub const SECTION_STEPS_FILE: &str = "steps.js";

/// Where the step details of the top-level entry at `url` are written.
pub fn section_steps_url(url: &str) -> String {
    format!("{CHECKLIST_URL}{url}{SECTION_STEPS_FILE}")
}

/// Version of the manifest's shape, for the scripts to check.
const MANIFEST_VERSION: u32 = 1;

/// Interface words the scripts use, from the shared table in `i18n`.
const SCRIPT_WORDS: &[&str] = &[
    "progress_page",
    "progress_guide",
    "progress_count",
    "progress_count_long",
    "progress_for_role",
    "progress_complete",
    "role_legend",
    "role_everyone",
    "role_hide_others",
    "live_role",
    "live_role_everyone",
    "live_done",
    "live_undone",
    "live_unblocked",
    "live_reset",
    "blocked_status",
    "blocked_text",
    "blocked_after_steps",
    "blocked_steps_joiner",
    "step_of_role",
    "storage_unavailable",
    "view_checklist",
    "unphased",
    "role",
    "phase",
    "record_title",
    "record_name",
    "record_generated",
    "record_done",
    "record_open",
    "record_step",
    "record_page",
    "record_ticked",
    "record_none",
    "record_guide",
    "progress",
    "print",
    "close_record",
    "live_progress",
    "reset_text",
    "record_received",
    "record_date",
    "progress_none_for_role",
    "answer_none",
    "answer_unset",
    "progress_for_answers",
    "page_status",
    "progress_none_applies",
    "status_blocked",
    "status_todo",
    "status_done",
    "status_na",
    "status_other",
    "or_alternative",
    "changed_text",
    "changed_confirm",
    "live_reconfirmed",
    "live_answers",
    "irreversible_title",
    "irreversible_text",
    "irreversible_confirm",
    "cancel",
    "record_answers",
    "record_na",
    "record_optional",
    "record_choice",
    "record_or",
    "record_condition",
];

#[derive(Debug, Serialize)]
struct Manifest<'a, P: Serialize> {
    version: u32,
    /// Namespace of this site's progress in `localStorage`.
    site: String,
    title: &'a str,
    language: &'a str,
    roles: &'a [Labelled],
    phases: &'a [Labelled],
    /// The questions readers answer (empty when none).
    questions: &'a [Question],
    /// Between the items of an inline list (`、` or `, `).
    separator: &'static str,
    /// Brackets around an aside, `{}` standing for it (`（{}）` or ` ({})`).
    brackets: &'static str,
    /// Pages that have steps, in reading order: [`ManifestPage`]s, or in a
    /// split manifest summary pages (see [`split`]).
    pages: Vec<P>,
    /// A split manifest's step details files, relative to the output root.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parts: Vec<String>,
    /// A split manifest's folder of each part (`a/` for the section
    /// `a/_index`, `""` for a page): the keys of its pages are written
    /// without it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    folders: Vec<&'a str>,
    /// A split manifest's `[title, url]` of the pages a reader may need to
    /// name before their part's details are loaded: those a step of another
    /// part (or of the home page) requires, and those whose URL is not
    /// `key` turned into a folder.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    names: BTreeMap<&'a str, (&'a str, String)>,
    words: BTreeMap<&'static str, &'static str>,
}

#[derive(Debug, Serialize)]
struct ManifestPage<'a> {
    key: &'a str,
    title: &'a str,
    /// Relative to the output root.
    url: String,
    steps: Vec<ManifestStep<'a>>,
}

#[derive(Debug, Serialize)]
struct ManifestStep<'a> {
    id: &'a str,
    /// The progress key, `page-key#step-id`.
    key: String,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phase: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    requires: Vec<String>,
    /// Question id → the answers it applies to (omitted: always).
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<WhenMap<'a>>,
    /// The choice's progress key, `page-key#choice-id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    choice: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    optional: bool,
    #[serde(skip_serializing_if = "is_false")]
    irreversible: bool,
    /// FNV-1a 32 of the text, 8 hex digits.
    hash: String,
}

/// A step's condition for the scripts: question id → answer ids, in the
/// order of `site.toml`.
#[derive(Debug)]
pub(super) struct WhenMap<'a>(Vec<(&'a str, Vec<&'a str>)>);

impl Serialize for WhenMap<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (question, answers) in &self.0 {
            map.serialize_entry(question, answers)?;
        }
        map.end()
    }
}

/// A step's condition for the manifest; `None` when it applies always.
pub(super) fn when_map<'a>(config: &'a Config, step: &Step) -> Option<WhenMap<'a>> {
    (!step.when.is_empty()).then(|| WhenMap(answer_lists(config, &step.when)))
}

// Serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_false(value: &bool) -> bool {
    !*value
}

/// The text of `checklist/steps.js`.
pub fn render_manifest(ctx: &RenderContext<'_>) -> String {
    let json = if ctx.split {
        serde_json::to_string(&split::summary(ctx))
    } else {
        let pages: Vec<ManifestPage<'_>> = pages_with_steps(ctx)
            .map(|page| manifest_page(ctx, page))
            .collect();
        serde_json::to_string(&manifest_json(ctx, pages))
    };
    let json = json.unwrap_or_else(|_| "{}".to_owned());
    format!(
        "// Generated by offboard-site: every step of this site, for the checklist scripts.\nwindow.offboardManifest = {json};\n"
    )
}

/// The pages with steps, in reading order.
fn pages_with_steps<'c>(ctx: &'c RenderContext<'_>) -> impl Iterator<Item = usize> + 'c {
    ctx.navigation
        .reading_order()
        .iter()
        .copied()
        .filter(|&page| !ctx.steps[page].is_empty())
}

fn manifest_json<'a, P: Serialize>(ctx: &RenderContext<'a>, pages: Vec<P>) -> Manifest<'a, P> {
    let config = &ctx.site.config;
    Manifest {
        version: MANIFEST_VERSION,
        site: site_key(config),
        title: &config.title,
        language: &config.language,
        roles: &config.roles,
        phases: &config.phases,
        questions: &config.questions,
        separator: ctx.language.list_separator(),
        brackets: match ctx.language {
            Language::Chinese => "（{}）",
            Language::English => " ({})",
        },
        pages,
        parts: Vec::new(),
        folders: Vec::new(),
        names: BTreeMap::new(),
        words: SCRIPT_WORDS
            .iter()
            .map(|&key| (key, ctx.language.word(key)))
            .collect(),
    }
}

fn manifest_page<'a>(ctx: &RenderContext<'a>, page: usize) -> ManifestPage<'a> {
    let data = &ctx.site.pages[page];
    ManifestPage {
        key: &data.key,
        title: &data.front.title,
        url: page_href("", &data.url),
        steps: manifest_steps(ctx, page),
    }
}

fn manifest_steps<'a>(ctx: &RenderContext<'a>, page: usize) -> Vec<ManifestStep<'a>> {
    let data = &ctx.site.pages[page];
    ctx.steps[page]
        .iter()
        .map(|step| ManifestStep {
            id: &step.id,
            key: progress_key(&data.key, &step.id),
            text: &step.text,
            role: step.role.as_deref(),
            phase: step.phase.as_deref(),
            requires: step
                .requires
                .iter()
                .map(|r| progress_key(&ctx.site.pages[r.page].key, &ctx.steps[r.page][r.step].id))
                .collect(),
            when: when_map(&ctx.site.config, step),
            choice: step
                .choice
                .as_deref()
                .map(|choice| choice_key(&data.key, choice)),
            optional: step.optional,
            irreversible: step.irreversible,
            hash: step.hash_hex(),
        })
        .collect()
}

/// A short stable name for the site, from its default language's title and
/// `base_url` (the same in every language, so a reader's ticks carry over
/// when they switch): readers'
/// progress is stored under it, so two sites served from one origin keep
/// theirs apart, and rebuilding or editing pages never changes it.
/// (FNV-1a, 64 bits, in hex: stable across Rust versions, unlike
/// `DefaultHasher`.)
pub fn site_key(config: &Config) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let text = format!(
        "{}\u{0}{}",
        config.storage_title,
        config.base_url.as_deref().unwrap_or("")
    );
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_config;

    fn config(text: &str) -> Config {
        parse_config(text).expect("valid config")
    }

    #[test]
    fn site_key_is_stable_and_tells_sites_apart() {
        let a = config("title = \"指南\"\n");
        assert_eq!(site_key(&a), site_key(&config("title = \"指南\"\n")));
        assert_eq!(site_key(&a).len(), 16);
        assert_ne!(site_key(&a), site_key(&config("title = \"另一个指南\"\n")));
        assert_ne!(
            site_key(&a),
            site_key(&config(
                "title = \"指南\"\nbase_url = \"https://example.com/a/\"\n"
            ))
        );
        // Pinned: changing the hash would lose every reader's progress.
        assert_eq!(site_key(&config("title = \"T\"\n")), "0934d007b5c6e019");
    }

    #[test]
    fn every_script_word_is_translated() {
        for language in [Language::Chinese, Language::English] {
            for key in SCRIPT_WORDS {
                assert!(!language.word(key).is_empty(), "missing word `{key}`");
            }
        }
    }
}

//! The step manifest, `checklist/steps.js`: every step of the site, the
//! roles and phases, and the interface words of the reader-side checklist
//! scripts, for every page to load. A page's own steps are in its markup, but
//! whole-guide and per-phase progress, the sidebar's figures and the
//! completion record need all of them.
//!
//! Above [`super::SPLIT_STEPS`] steps it holds a summary instead (each
//! page's step ids in runs of one phase and role: enough for every figure,
//! the role filter and the saved progress; ~38 bytes a page at 10,000
//! pages, as every page loads it), and each top-level entry's step details
//! (page titles, step texts) are in `checklist/<its folder>/steps.js`,
//! loaded by the pages under it, by its overview part and, on demand, by
//! the completion record. `checklist-store.js` reads both.
//!
//! It is a classic script that assigns one global (`window.offboardManifest`)
//! rather than JSON fetched at run time: `fetch` and module scripts do not
//! work from `file://`, and the site must.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::checklist::top_level;
use super::{CHECKLIST_URL, RenderContext};
use crate::config::{Config, Labelled};
use crate::content::Site;
use crate::i18n::Language;
use crate::steps::progress_key;
use crate::urls::page_href;

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
    /// Between the items of an inline list (`、` or `, `).
    separator: &'static str,
    /// Brackets around an aside, `{}` standing for it (`（{}）` or ` ({})`).
    brackets: &'static str,
    /// Pages that have steps, in reading order: [`ManifestPage`]s, or in a
    /// split manifest [`SummaryPage`]s.
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

/// A page of a split manifest, as `[key, part, runs]`: `part` indexes
/// `parts` (`null` for the home page, whose steps are in its own markup)
/// and `key` is written without the part's folder (see `folders`);
/// each run is `[phase, role, ids]` for consecutive steps of one phase and
/// role (indexes into `phases` and `roles`, `null` for none), with their
/// ids in order, space-separated, numbered runs written `prefix{1-8}` (see
/// [`compact_ids`]).
type SummaryPage<'a> = (&'a str, Option<usize>, Vec<SummaryRun>);

/// `[phase, role, ids]`, see [`SummaryPage`].
type SummaryRun = (Option<usize>, Option<usize>, String);

/// One top-level entry's step details, appended to
/// `window.offboardDetails` by its file.
#[derive(Debug, Serialize)]
struct SectionSteps<'a> {
    part: usize,
    pages: Vec<DetailPage<'a>>,
}

/// A page's details, as `[key, title, texts]` or `[key, title, texts,
/// url]` when its URL is not its key turned into a folder: the texts of its
/// steps in the order of its summary's runs (which is the page's order).
#[derive(Debug)]
struct DetailPage<'a> {
    key: &'a str,
    title: &'a str,
    texts: Vec<&'a str>,
    url: Option<String>,
}

impl Serialize for DetailPage<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        seq.serialize_element(self.key)?;
        seq.serialize_element(self.title)?;
        seq.serialize_element(&self.texts)?;
        if let Some(url) = &self.url {
            seq.serialize_element(url)?;
        }
        seq.end()
    }
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
}

/// The text of `checklist/steps.js`.
pub fn render_manifest(ctx: &RenderContext<'_>) -> String {
    let json = if ctx.split {
        let tops = top_levels(ctx.site);
        let folders: Vec<&str> = tops.iter().map(|&top| folder(ctx.site, top)).collect();
        let pages: Vec<SummaryPage<'_>> = pages_with_steps(ctx)
            .map(|page| summary_page(ctx, page, &tops, &folders))
            .collect();
        let mut manifest = manifest_json(ctx, pages);
        manifest.folders = folders;
        manifest.parts = tops
            .iter()
            .map(|&top| section_steps_url(&ctx.site.pages[top].url))
            .collect();
        manifest.names = names(ctx, &tops);
        serde_json::to_string(&manifest)
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

/// The top-level entries of the site (the home page's children), in page
/// order: each has a step details file when the manifest is split.
fn top_levels(site: &Site) -> Vec<usize> {
    (0..site.pages.len())
        .filter(|&page| site.pages[page].parent == Some(Site::HOME))
        .collect()
}

/// The folder of the keys under the top-level entry `top` (`a/` for the
/// section `a/_index`, `""` for a page).
fn folder(site: &Site, top: usize) -> &str {
    site.pages[top]
        .key
        .strip_suffix("_index")
        .filter(|folder| folder.ends_with('/'))
        .unwrap_or_default()
}

/// Which of `tops` has `page`'s step details (`None` for the home page).
fn part_of(site: &Site, page: usize, tops: &[usize]) -> Option<usize> {
    top_level(site, page).and_then(|top| tops.binary_search(&top).ok())
}

/// The step details files of a split manifest, as `(path, text)`: one per
/// top-level entry, every one written (an entry without steps too, as its
/// pages load it). None when the site is not split.
pub fn render_section_steps(ctx: &RenderContext<'_>) -> Vec<(String, String)> {
    if !ctx.split {
        return Vec::new();
    }
    let tops = top_levels(ctx.site);
    let mut by_part: Vec<Vec<DetailPage<'_>>> = tops.iter().map(|_| Vec::new()).collect();
    for page in pages_with_steps(ctx) {
        if let Some(part) = part_of(ctx.site, page, &tops) {
            by_part[part].push(detail_page(ctx, page));
        }
    }
    tops.iter()
        .zip(by_part)
        .enumerate()
        .map(|(part, (&top, pages))| {
            let json = serde_json::to_string(&SectionSteps { part, pages })
                .unwrap_or_else(|_| "{}".to_owned());
            (
                section_steps_url(&ctx.site.pages[top].url),
                format!(
                    "// Generated by offboard-site: the steps of one part of this site, for the checklist scripts.\n(window.offboardDetails = window.offboardDetails || []).push({json});\n"
                ),
            )
        })
        .collect()
}

fn detail_page<'a>(ctx: &RenderContext<'a>, page: usize) -> DetailPage<'a> {
    let data = &ctx.site.pages[page];
    let url = page_href("", &data.url);
    DetailPage {
        key: &data.key,
        title: &data.front.title,
        // The summary's runs keep the page's order, so its texts do too.
        texts: ctx.steps[page]
            .iter()
            .map(|step| step.text.as_str())
            .collect(),
        url: (url != url_from_key(&data.key)).then_some(url),
    }
}

/// The URL the scripts assume for a page key: its folder's `index.html`
/// (`a/b` → `a/b/index.html`, `a/_index` → `a/index.html`).
fn url_from_key(key: &str) -> String {
    let folder = key.strip_suffix("_index").unwrap_or(key);
    if folder.is_empty() || folder.ends_with('/') {
        format!("{folder}index.html")
    } else {
        format!("{folder}/index.html")
    }
}

/// See [`Manifest::names`].
fn names<'a>(ctx: &RenderContext<'a>, tops: &[usize]) -> BTreeMap<&'a str, (&'a str, String)> {
    let site = ctx.site;
    let mut named: Vec<usize> = Vec::new();
    for page in pages_with_steps(ctx) {
        let part = part_of(site, page, tops);
        for step in &ctx.steps[page] {
            named.extend(
                step.requires
                    .iter()
                    .filter(|r| part_of(site, r.page, tops) != part)
                    .map(|r| r.page),
            );
        }
        let url = page_href("", &site.pages[page].url);
        if url != url_from_key(&site.pages[page].key) {
            named.push(page);
        }
    }
    named
        .into_iter()
        .map(|page| {
            let data = &site.pages[page];
            (
                data.key.as_str(),
                (data.front.title.as_str(), page_href("", &data.url)),
            )
        })
        .collect()
}

fn summary_page<'a>(
    ctx: &RenderContext<'a>,
    page: usize,
    tops: &[usize],
    folders: &[&str],
) -> SummaryPage<'a> {
    let config = &ctx.site.config;
    let index = |list: &[Labelled], id: Option<&str>| {
        id.and_then(|id| list.iter().position(|item| item.id == id))
    };
    let mut runs: Vec<(Option<usize>, Option<usize>, Vec<&str>)> = Vec::new();
    for step in &ctx.steps[page] {
        let phase = index(&config.phases, step.phase.as_deref());
        let role = index(&config.roles, step.role.as_deref());
        match runs.last_mut() {
            Some(run) if run.0 == phase && run.1 == role => run.2.push(&step.id),
            _ => runs.push((phase, role, vec![&step.id])),
        }
    }
    let key = ctx.site.pages[page].key.as_str();
    let part = part_of(ctx.site, page, tops);
    let folder = part.map_or("", |part| folders[part]);
    (
        key.strip_prefix(folder).unwrap_or(key),
        part,
        runs.into_iter()
            .map(|(phase, role, ids)| (phase, role, compact_ids(&ids)))
            .collect(),
    )
}

/// Step ids, space-separated, with each run of two or more numbered alike
/// (`step-1 step-2 … step-8`) written once as `step-{1-8}`. Ids never hold
/// spaces or braces, so the scripts read this back unambiguously.
fn compact_ids(ids: &[&str]) -> String {
    let mut out = String::new();
    let mut at = 0;
    while at < ids.len() {
        let (prefix, first) = numbered(ids[at]);
        let mut end = at + 1;
        if let Some(first) = first {
            while end < ids.len() && numbered(ids[end]) == (prefix, Some(first + (end - at) as u64))
            {
                end += 1;
            }
        }
        if !out.is_empty() {
            out.push(' ');
        }
        match first {
            Some(first) if end - at > 1 => {
                let last = first + (end - at - 1) as u64;
                let _ = write!(out, "{prefix}{{{first}-{last}}}");
            }
            _ => out.push_str(ids[at]),
        }
        at = end;
    }
    out
}

/// An id's text before its trailing number, and the number (written without
/// leading zeros, so that it reads back the same).
fn numbered(id: &str) -> (&str, Option<u64>) {
    let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, number) = id.split_at(id.len() - digits);
    if digits == 0 || (number.starts_with('0') && digits > 1) || digits > 15 {
        return (id, None);
    }
    (prefix, number.parse().ok())
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
        })
        .collect()
}

/// A short stable name for the site, from its title and `base_url`: readers'
/// progress is stored under it, so two sites served from one origin keep
/// theirs apart, and rebuilding or editing pages never changes it.
/// (FNV-1a, 64 bits, in hex: stable across Rust versions, unlike
/// `DefaultHasher`.)
pub fn site_key(config: &Config) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let text = format!(
        "{}\u{0}{}",
        config.title,
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
    fn numbered_runs_of_ids_are_written_once() {
        let ids = [
            "step-1", "step-2", "step-3", "x", "step-5", "a9", "a10", "b01", "b02", "7", "8",
        ];
        assert_eq!(
            compact_ids(&ids),
            "step-{1-3} x step-5 a{9-10} b01 b02 {7-8}"
        );
        assert_eq!(compact_ids(&["unbind-phone"]), "unbind-phone");
        assert_eq!(compact_ids(&[]), "");
    }

    #[test]
    fn urls_follow_from_keys() {
        assert_eq!(url_from_key("_index"), "index.html");
        assert_eq!(url_from_key("a/_index"), "a/index.html");
        assert_eq!(url_from_key("a/b"), "a/b/index.html");
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

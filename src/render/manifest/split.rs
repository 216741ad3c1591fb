//! The split step manifest of a large site (see [`super`]): the summary
//! every page loads (`checklist/steps.js`) and the step details file of
//! each top-level entry (`checklist/<its folder>/steps.js`). Their shape is
//! read back by `expandManifest` and `mergeDetails` in `checklist-store.js`.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use serde::Serialize;

use super::{
    Manifest, RenderContext, WhenMap, is_false, manifest_json, pages_with_steps, section_steps_url,
    when_map,
};
use crate::config::{Config, Labelled};
use crate::content::Site;
use crate::render::checklist::top_level;
use crate::steps::Step;
use crate::urls::page_href;

/// A page of a split manifest, as `[key, part, runs]`: `part` indexes
/// `parts` (`null` for the home page, whose steps are in its own markup)
/// and `key` is written without the part's folder (see `folders`);
/// each run is a [`SummaryRun`].
type SummaryPage<'a> = (&'a str, Option<usize>, Vec<SummaryRun<'a>>);

/// Consecutive steps of one page alike in phase, role and branching, as
/// `[phase, role, ids]` or `[phase, role, ids, branch]`: phase and role
/// index `phases` and `roles` (`null` for none), the ids are in order,
/// space-separated, numbered runs written `prefix{1-8}` (see
/// [`compact_ids`]), and `branch` (left out when there is nothing to say)
/// is a [`RunBranch`]. Enough for every figure to honour answers,
/// alternatives and optional steps as a whole manifest does.
#[derive(Debug)]
pub(super) struct SummaryRun<'a> {
    phase: Option<usize>,
    role: Option<usize>,
    ids: String,
    branch: Option<RunBranch<'a>>,
}

impl Serialize for SummaryRun<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        seq.serialize_element(&self.phase)?;
        seq.serialize_element(&self.role)?;
        seq.serialize_element(&self.ids)?;
        if let Some(branch) = &self.branch {
            seq.serialize_element(branch)?;
        }
        seq.end()
    }
}

/// What the steps of a run share of procedures that branch, with the
/// names of a whole manifest's steps: `when` (question id → answer ids),
/// `choice` (the choice's id on the page, not its progress key: the
/// scripts prefix the page key), `optional` and `irreversible` (left out
/// when false).
#[derive(Debug, Serialize)]
pub(super) struct RunBranch<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<WhenMap<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choice: Option<&'a str>,
    #[serde(skip_serializing_if = "is_false")]
    optional: bool,
    #[serde(skip_serializing_if = "is_false")]
    irreversible: bool,
}

/// A run of a page's steps being gathered: its phase and role, its first
/// step (whose branching the others share) and their ids.
struct RunSteps<'a> {
    phase: Option<usize>,
    role: Option<usize>,
    first: &'a Step,
    ids: Vec<&'a str>,
}

/// Whether two steps of a page may share a run's [`RunBranch`].
fn same_branch(a: &Step, b: &Step) -> bool {
    a.when == b.when
        && a.choice == b.choice
        && a.optional == b.optional
        && a.irreversible == b.irreversible
}

/// A step's [`RunBranch`], `None` when it has nothing to say.
fn run_branch<'a>(config: &'a Config, step: &'a Step) -> Option<RunBranch<'a>> {
    let branch = RunBranch {
        when: when_map(config, step),
        choice: step.choice.as_deref(),
        optional: step.optional,
        irreversible: step.irreversible,
    };
    (branch.when.is_some() || branch.choice.is_some() || branch.optional || branch.irreversible)
        .then_some(branch)
}

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
/// When a step of the page has a `due`, a fifth element follows (the
/// fourth then `null` if the URL is the usual one): `plan`, one entry per
/// step in the same order, `null` or `[due]` or `[due, lead]` (as
/// `data-due` / `data-lead`).
#[derive(Debug)]
struct DetailPage<'a> {
    key: &'a str,
    title: &'a str,
    texts: Vec<&'a str>,
    url: Option<String>,
    plan: Option<Vec<Option<Vec<String>>>>,
}

impl Serialize for DetailPage<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        seq.serialize_element(self.key)?;
        seq.serialize_element(self.title)?;
        seq.serialize_element(&self.texts)?;
        if self.url.is_some() || self.plan.is_some() {
            seq.serialize_element(&self.url)?;
        }
        if let Some(plan) = &self.plan {
            seq.serialize_element(plan)?;
        }
        seq.end()
    }
}

/// The summary manifest of a split site.
pub(super) fn summary<'a>(ctx: &RenderContext<'a>) -> Manifest<'a, SummaryPage<'a>> {
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
    manifest
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
/// pages load it), or with `only` those of these top-level entries. None
/// when the site is not split.
pub fn render_section_steps(
    ctx: &RenderContext<'_>,
    only: Option<&HashSet<usize>>,
) -> Vec<(String, String)> {
    if !ctx.split {
        return Vec::new();
    }
    let tops = top_levels(ctx.site);
    let wanted = |top: usize| only.is_none_or(|only| only.contains(&top));
    let mut by_part: Vec<Vec<DetailPage<'_>>> = tops.iter().map(|_| Vec::new()).collect();
    for page in pages_with_steps(ctx) {
        if let Some(part) = part_of(ctx.site, page, &tops).filter(|&part| wanted(tops[part])) {
            by_part[part].push(detail_page(ctx, page));
        }
    }
    tops.iter()
        .zip(by_part)
        .enumerate()
        .filter(|(_, (top, _))| wanted(**top))
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
        texts: ctx.steps[page].iter().map(|step| &*step.text).collect(),
        url: (url != url_from_key(&data.key)).then_some(url),
        plan: plan_of(&ctx.steps[page]),
    }
}

/// The `plan` element of a page's details: each step's `[due, lead]`, or
/// `None` when no step of the page has a due date.
fn plan_of(steps: &[crate::steps::Step]) -> Option<Vec<Option<Vec<String>>>> {
    steps.iter().any(|step| step.due.is_some()).then(|| {
        steps
            .iter()
            .map(|step| {
                let due = step.due?;
                let mut entry = vec![due.to_string()];
                entry.extend(step.lead.map(crate::steps::schedule::lead_text));
                Some(entry)
            })
            .collect()
    })
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
    let mut runs: Vec<RunSteps<'_>> = Vec::new();
    for step in &ctx.steps[page] {
        let phase = index(&config.phases, step.phase.as_deref());
        let role = index(&config.roles, step.role.as_deref());
        match runs.last_mut() {
            Some(run) if run.phase == phase && run.role == role && same_branch(run.first, step) => {
                run.ids.push(&step.id);
            }
            _ => runs.push(RunSteps {
                phase,
                role,
                first: step,
                ids: vec![&step.id],
            }),
        }
    }
    let key = ctx.site.pages[page].key.as_str();
    let part = part_of(ctx.site, page, tops);
    let folder = part.map_or("", |part| folders[part]);
    (
        key.strip_prefix(folder).unwrap_or(key),
        part,
        runs.into_iter()
            .map(|run| SummaryRun {
                phase: run.phase,
                role: run.role,
                ids: compact_ids(&run.ids),
                branch: run_branch(config, run.first),
            })
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! The checklist overview page at `checklist/`: every step of the site,
//! grouped by phase (in the order declared in `site.toml`) and then by page
//! in reading order, each linking back to its place in the guide.
//!
//! A site with more than [`SPLIT_STEPS`] steps gets one overview page per
//! top-level entry instead (`checklist/<its folder>/`), each grouped the
//! same way, and `checklist/` lists the phases and those parts with their
//! progress: one page of every step would grow with the site (75 MB at
//! 10,000 pages).

use serde::Serialize;
use serde_json::json;

use super::RenderContext;
use super::nav::Link;
use crate::config::Config;
use crate::content::{PageKind, Site};
use crate::diagnostic::Diagnostic;
use crate::i18n::Language;
use crate::steps::{Step, StepWords, condition};
use crate::urls::{encode_fragment, page_href};

mod markup;

/// Output folder of the overview page.
pub const CHECKLIST_URL: &str = "checklist/";

/// Above this many steps, the overview is split into one page per top-level
/// entry of the site.
pub const SPLIT_STEPS: usize = 2000;

/// One overview page of a split checklist: the steps of a top-level entry
/// of the site and of everything under it.
#[derive(Debug)]
pub struct ChecklistPart {
    /// The top-level page or section.
    pub page: usize,
    /// Output folder (`checklist/<its folder>/`).
    pub url: String,
    /// The pages with steps, in reading order.
    pages: Vec<usize>,
}

/// The overview's parts, in reading order: none when the site has at most
/// [`SPLIT_STEPS`] steps (`checklist/` then shows every step). The home
/// page's own steps stay on `checklist/`.
pub fn checklist_parts(ctx: &RenderContext<'_>) -> Vec<ChecklistPart> {
    let total: usize = ctx.steps.iter().map(Vec::len).sum();
    if total <= SPLIT_STEPS {
        return Vec::new();
    }
    let mut parts: Vec<ChecklistPart> = Vec::new();
    for &page in ctx.navigation.reading_order() {
        let Some(top) = top_level(ctx.site, page) else {
            continue;
        };
        if parts.last().is_none_or(|part| part.page != top) {
            parts.push(ChecklistPart {
                page: top,
                url: format!("{CHECKLIST_URL}{}", ctx.site.pages[top].url),
                pages: Vec::new(),
            });
        }
        if !ctx.steps[page].is_empty()
            && let Some(part) = parts.last_mut()
        {
            part.pages.push(page);
        }
    }
    parts.retain(|part| !part.pages.is_empty());
    parts
}

/// The child of the home page that `page` is or is under (`None` for the
/// home page).
pub fn top_level(site: &Site, mut page: usize) -> Option<usize> {
    loop {
        match site.pages[page].parent {
            None => return None,
            Some(Site::HOME) => return Some(page),
            Some(parent) => page = parent,
        }
    }
}

/// One phase group.
#[derive(Debug, Serialize)]
struct Group<'a> {
    id: String,
    label: String,
    steps_count: usize,
    pages: Vec<GroupPage<'a>>,
    /// Overview pages of a split checklist with steps in this phase.
    parts: Vec<GroupPart>,
}

/// A link to one part of a split overview inside a phase group.
#[derive(Debug, Serialize)]
struct GroupPart {
    title: String,
    url: String,
    /// What the progress figure counts (see `tally` in `checklist.js`).
    progress: String,
    steps_count: usize,
}

/// The steps of one page inside a phase group.
#[derive(Debug, Serialize)]
struct GroupPage<'a> {
    title: &'a str,
    /// The title's language when not the page's (not yet translated).
    lang: Option<&'a str>,
    url: String,
    key: &'a str,
    /// Id of its heading, which names its steps' links.
    id: String,
    steps_count: usize,
    /// Its steps' `<li>` items (see [`markup`]).
    steps_html: String,
}

/// Renders `checklist/index.html`: every step, or with `parts` (see
/// [`checklist_parts`]) the home page's own steps and a link to each part.
pub fn render_checklist(
    ctx: &RenderContext<'_>,
    parts: &[ChecklistPart],
) -> Result<String, Diagnostic> {
    let total: usize = ctx.steps.iter().map(Vec::len).sum();
    let pages: Vec<usize> = if parts.is_empty() {
        ctx.navigation.reading_order().to_vec()
    } else {
        vec![Site::HOME]
    };
    let groups = groups(ctx, CHECKLIST_URL, &pages, parts);
    let title = ctx.language.word("checklist");
    let breadcrumbs = vec![ctx.navigation.link(Site::HOME, CHECKLIST_URL)];
    render(
        ctx,
        CHECKLIST_URL,
        title,
        total,
        &groups,
        &breadcrumbs,
        false,
    )
}

/// Renders one part of a split overview (`part.url` + `index.html`).
pub fn render_checklist_part(
    ctx: &RenderContext<'_>,
    part: &ChecklistPart,
) -> Result<String, Diagnostic> {
    let from = part.url.as_str();
    let total: usize = part.pages.iter().map(|&page| ctx.steps[page].len()).sum();
    let groups = groups(ctx, from, &part.pages, &[]);
    let word = ctx.language.word("checklist");
    let name = &ctx.site.pages[part.page].front.title;
    let title = match ctx.language {
        Language::Chinese => format!("{word}：{name}"),
        Language::English => format!("{word}: {name}"),
    };
    let breadcrumbs = vec![
        ctx.navigation.link(Site::HOME, from),
        Link {
            title: word.to_owned(),
            lang: None,
            url: page_href(from, CHECKLIST_URL),
        },
    ];
    render(ctx, from, &title, total, &groups, &breadcrumbs, true)
}

fn render(
    ctx: &RenderContext<'_>,
    from: &str,
    title: &str,
    total: usize,
    groups: &[Group],
    breadcrumbs: &[Link],
    part: bool,
) -> Result<String, Diagnostic> {
    let detail = part.then(|| format!("{from}{}", super::manifest::SECTION_STEPS_FILE));
    let mut context = ctx.base_context(from, "checklist", detail.as_deref());
    context.insert("nav", &ctx.navigation.sidebar(None, from));
    context.insert("nav_hidden", &ctx.navigation.sidebar_hidden(None));
    context.insert("breadcrumbs", breadcrumbs);
    context.insert("previous", &None::<()>);
    context.insert("next", &None::<()>);
    context.insert("pages", &Vec::<()>::new());
    context.insert("groups", groups);
    context.insert("part", &part);
    context.insert(
        "page",
        &json!({
            "title": title,
            "description": ctx.language.word("checklist_intro"),
            "content": "",
            "toc": [],
            "key": "checklist",
            "step_count": total,
            "extra": {},
        }),
    );
    let steps_html: Vec<&str> = groups
        .iter()
        .flat_map(|group| &group.pages)
        .map(|page| page.steps_html.as_str())
        .collect();
    let capacity = steps_html.iter().map(|html| html.len()).sum::<usize>() + FRAME_BYTES;
    ctx.templates
        .render_sized("checklist.html", &context, capacity, &steps_html)
}

/// Room for what an overview page has besides its steps.
const FRAME_BYTES: usize = 32 * 1024;

/// Phase ids in order, then `""` for steps without a declared phase; each
/// with the steps of `pages` and the links to `parts`, seen from `from`.
fn groups<'a>(
    ctx: &RenderContext<'a>,
    from: &str,
    pages: &[usize],
    parts: &[ChecklistPart],
) -> Vec<Group<'a>> {
    let config = &ctx.site.config;
    let words = StepWords::new(ctx.language);
    let mut ids: Vec<(String, String)> = config
        .phases
        .iter()
        .map(|p| (p.id.clone(), p.label.clone()))
        .collect();
    ids.push((String::new(), ctx.language.word("unphased").to_owned()));
    ids.into_iter()
        .filter_map(|(id, label)| {
            let anchor = format!("phase-{}", if id.is_empty() { "other" } else { &id });
            let pages: Vec<GroupPage> = pages
                .iter()
                .filter_map(|&page| group_page(ctx, from, page, &id))
                .enumerate()
                .map(|(at, (page, steps))| {
                    page.with_steps(&steps, format!("{anchor}-p{}", at + 1), config, &words)
                })
                .collect();
            let parts: Vec<GroupPart> = parts
                .iter()
                .filter_map(|part| group_part(ctx, from, part, &id))
                .collect();
            let steps_count = pages.iter().map(|page| page.steps_count).sum::<usize>()
                + parts.iter().map(|part| part.steps_count).sum::<usize>();
            (steps_count > 0).then_some(Group {
                id,
                label,
                steps_count,
                pages,
                parts,
            })
        })
        .collect()
}

fn group_part(
    ctx: &RenderContext<'_>,
    from: &str,
    part: &ChecklistPart,
    phase: &str,
) -> Option<GroupPart> {
    let steps_count: usize = part
        .pages
        .iter()
        .map(|&page| {
            ctx.steps[page]
                .iter()
                .filter(|step| in_phase(ctx, step, phase))
                .count()
        })
        .sum();
    let data = &ctx.site.pages[part.page];
    let progress = if data.kind == PageKind::Section {
        // Everything under the section's folder.
        let folder = data.key.strip_suffix("_index").unwrap_or(&data.key);
        format!("{folder}*@{phase}")
    } else {
        format!("{}@{phase}", data.key)
    };
    let anchor = if phase.is_empty() { "other" } else { phase };
    (steps_count > 0).then(|| GroupPart {
        title: data.front.title.clone(),
        url: format!(
            "{}#phase-{}",
            page_href(from, &part.url),
            encode_fragment(anchor)
        ),
        progress,
        steps_count,
    })
}

fn in_phase(ctx: &RenderContext<'_>, step: &Step, phase: &str) -> bool {
    match step.phase.as_deref() {
        Some(id) if ctx.site.config.phase_label(id).is_some() => id == phase,
        _ => phase.is_empty(),
    }
}

/// `page`'s steps in `phase`, if it has any, and the page without them.
fn group_page<'a>(
    ctx: &RenderContext<'a>,
    from: &str,
    page: usize,
    phase: &str,
) -> Option<(GroupPage<'a>, Vec<markup::StepView<'a>>)> {
    let data = &ctx.site.pages[page];
    let all = &ctx.steps[page];
    let steps: Vec<markup::StepView<'a>> = all
        .iter()
        .enumerate()
        .filter(|(_, step)| in_phase(ctx, step, phase))
        .map(|(at, step)| step_view(ctx, step, first_of_choice(ctx, all, at)))
        .collect();
    (!steps.is_empty()).then(|| {
        let page = GroupPage {
            title: &data.front.title,
            lang: ctx.site.untranslated_lang(page),
            url: page_href(from, &data.url),
            key: &data.key,
            id: String::new(),
            steps_count: steps.len(),
            steps_html: String::new(),
        };
        (page, steps)
    })
}

impl GroupPage<'_> {
    /// The page with its heading id and its steps' markup.
    fn with_steps(
        mut self,
        steps: &[markup::StepView<'_>],
        heading: String,
        config: &Config,
        words: &StepWords,
    ) -> Self {
        let at = markup::ListAt {
            config,
            page_key: self.key,
            href: &self.url,
            heading_id: &heading,
        };
        self.steps_html = markup::steps_html(steps, &at, words);
        self.id = heading;
        self
    }
}

/// Where a phase group of the overview comes: phases in declared order,
/// then the steps without a declared phase.
fn phase_rank(ctx: &RenderContext<'_>, step: &Step) -> usize {
    let phases = &ctx.site.config.phases;
    step.phase
        .as_deref()
        .and_then(|id| phases.iter().position(|phase| phase.id == id))
        .unwrap_or(phases.len())
}

/// For the step at `at` of a page's `steps`: `None` when it is of no
/// choice, else whether it is the first of its choice that the overview
/// lists (phase groups in order, then the page's order), which says
/// "任选其一" before it; the others say "或".
fn first_of_choice(ctx: &RenderContext<'_>, steps: &[Step], at: usize) -> Option<bool> {
    let step = &steps[at];
    let choice = step.choice.as_ref()?;
    let place = (phase_rank(ctx, step), at);
    Some(!steps.iter().enumerate().any(|(other_at, other)| {
        other.choice.as_ref() == Some(choice) && (phase_rank(ctx, other), other_at) < place
    }))
}

fn step_view<'a>(
    ctx: &RenderContext<'a>,
    step: &'a Step,
    first_of_choice: Option<bool>,
) -> markup::StepView<'a> {
    markup::StepView {
        step,
        first_of_choice,
        role_label: step
            .role
            .as_deref()
            .and_then(|r| ctx.site.config.role_label(r))
            .unwrap_or_default(),
        requires: step
            .requires
            .iter()
            .map(|r| {
                crate::steps::progress_key(
                    &ctx.site.pages[r.page].key,
                    &ctx.steps[r.page][r.step].id,
                )
            })
            .collect(),
        when: condition::words(&ctx.site.config, &step.when, ctx.language),
    }
}

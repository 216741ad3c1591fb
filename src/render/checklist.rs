//! The checklist overview page at `checklist/`: every step of the site,
//! grouped by phase (in the order declared in `site.toml`) and then by page
//! in reading order, each linking back to its place in the guide.

use serde::Serialize;
use serde_json::json;

use super::RenderContext;
use crate::diagnostic::Diagnostic;
use crate::steps::Step;
use crate::urls::page_href;

/// Output folder of the overview page.
pub const CHECKLIST_URL: &str = "checklist/";

/// One phase group.
#[derive(Debug, Serialize)]
struct Group {
    id: String,
    label: String,
    steps_count: usize,
    pages: Vec<GroupPage>,
}

/// The steps of one page inside a phase group.
#[derive(Debug, Serialize)]
struct GroupPage {
    title: String,
    url: String,
    key: String,
    steps: Vec<GroupStep>,
}

#[derive(Debug, Serialize)]
struct GroupStep {
    id: String,
    text: String,
    label_html: String,
    url: String,
    role: String,
    role_label: String,
    phase: String,
    estimate: String,
    materials: Vec<String>,
    link: String,
    requires: Vec<String>,
}

/// Renders `checklist/index.html`.
pub fn render_checklist(ctx: &RenderContext<'_>) -> Result<String, Diagnostic> {
    let mut context = ctx.base_context(CHECKLIST_URL, "checklist");
    let total: usize = ctx.steps.iter().map(Vec::len).sum();
    context.insert("nav", &ctx.navigation.sidebar(None, CHECKLIST_URL));
    context.insert("nav_hidden", &ctx.navigation.sidebar_hidden(None));
    context.insert(
        "breadcrumbs",
        &vec![
            ctx.navigation
                .link(crate::content::Site::HOME, CHECKLIST_URL),
        ],
    );
    context.insert("previous", &None::<()>);
    context.insert("next", &None::<()>);
    context.insert("pages", &Vec::<()>::new());
    context.insert("groups", &groups(ctx));
    context.insert(
        "page",
        &json!({
            "title": ctx.language.word("checklist"),
            "description": ctx.language.word("checklist_intro"),
            "content": "",
            "toc": [],
            "key": "checklist",
            "step_count": total,
            "extra": {},
        }),
    );
    ctx.templates.render("checklist.html", &context)
}

/// Phase ids in order, then `""` for steps without a declared phase.
fn groups(ctx: &RenderContext<'_>) -> Vec<Group> {
    let config = &ctx.site.config;
    let mut ids: Vec<(String, String)> = config
        .phases
        .iter()
        .map(|p| (p.id.clone(), p.label.clone()))
        .collect();
    ids.push((String::new(), ctx.language.word("unphased").to_owned()));
    ids.into_iter()
        .filter_map(|(id, label)| {
            let pages: Vec<GroupPage> = ctx
                .navigation
                .reading_order()
                .iter()
                .filter_map(|&page| group_page(ctx, page, &id))
                .collect();
            let steps_count = pages.iter().map(|page| page.steps.len()).sum();
            (steps_count > 0).then_some(Group {
                id,
                label,
                steps_count,
                pages,
            })
        })
        .collect()
}

fn in_phase(ctx: &RenderContext<'_>, step: &Step, phase: &str) -> bool {
    match step.phase.as_deref() {
        Some(id) if ctx.site.config.phase_label(id).is_some() => id == phase,
        _ => phase.is_empty(),
    }
}

fn group_page(ctx: &RenderContext<'_>, page: usize, phase: &str) -> Option<GroupPage> {
    let data = &ctx.site.pages[page];
    let href = page_href(CHECKLIST_URL, &data.url);
    let steps: Vec<GroupStep> = ctx.steps[page]
        .iter()
        .filter(|step| in_phase(ctx, step, phase))
        .map(|step| GroupStep {
            id: step.id.clone(),
            text: step.text.clone(),
            label_html: step.label_html.clone(),
            url: format!("{href}#{}", step.id),
            role: step.role.clone().unwrap_or_default(),
            role_label: step
                .role
                .as_deref()
                .and_then(|r| ctx.site.config.role_label(r))
                .unwrap_or_default()
                .to_owned(),
            phase: step.phase.clone().unwrap_or_default(),
            estimate: step.estimate.clone().unwrap_or_default(),
            materials: step.materials.clone(),
            link: step.link.clone().unwrap_or_default(),
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
        })
        .collect();
    (!steps.is_empty()).then(|| GroupPage {
        title: data.front.title.clone(),
        url: href,
        key: data.key.clone(),
        steps,
    })
}

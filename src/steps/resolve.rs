//! Joining steps found in the Markdown with their front-matter metadata, and
//! checking it: unknown step ids, roles and phases, estimates, requirements
//! that lead nowhere, and requirement cycles, each at its file and line.

use std::sync::Arc;

use rayon::prelude::*;

use crate::content::{Page, Site, StepMeta};
use crate::diagnostic::Diagnostic;
use crate::i18n::Language;
use crate::links::{SiteIndex, Target};
use crate::markdown::Rendered;
use crate::urls::split_fragment;

use super::{Step, StepRef};

/// Resolves the steps of every page. Returns the steps (indexed like
/// `site.pages`) and every problem found.
pub fn resolve_steps(
    site: &Site,
    index: &SiteIndex,
    rendered: &[Rendered],
) -> (Vec<Vec<Step>>, Vec<Diagnostic>) {
    let language = Language::from_tag(&site.config.language);
    let declared = Declared::new(site);
    // Pages resolve independently (in parallel); problems keep page order.
    let resolved: Vec<(Vec<Step>, Vec<Diagnostic>)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(page_index, page)| {
            PageContext {
                site,
                index,
                rendered,
                page_index,
                page,
                language,
                declared: &declared,
            }
            .resolve()
        })
        .collect();
    let mut problems = Vec::new();
    let mut all = Vec::with_capacity(site.pages.len());
    for (steps, page_problems) in resolved {
        all.push(steps);
        problems.extend(page_problems);
    }
    problems.extend(find_cycles(site, &all));
    (all, problems)
}

struct PageContext<'a> {
    site: &'a Site,
    index: &'a SiteIndex,
    rendered: &'a [Rendered],
    page_index: usize,
    page: &'a Page,
    language: Language,
    declared: &'a Declared,
}

/// The site's role and phase ids, shared by every step that names them.
struct Declared {
    roles: Vec<Arc<str>>,
    phases: Vec<Arc<str>>,
}

impl Declared {
    fn new(site: &Site) -> Self {
        let config = &site.config;
        Self {
            roles: config.roles.iter().map(|r| r.id.as_str().into()).collect(),
            phases: config.phases.iter().map(|p| p.id.as_str().into()).collect(),
        }
    }

    fn role(&self, id: &str) -> Arc<str> {
        shared(&self.roles, id)
    }

    fn phase(&self, id: &str) -> Arc<str> {
        shared(&self.phases, id)
    }
}

/// `id` from `declared` when it is there (an undeclared id is an error,
/// reported elsewhere), else a copy.
fn shared(declared: &[Arc<str>], id: &str) -> Arc<str> {
    declared
        .iter()
        .find(|known| ***known == *id)
        .cloned()
        .unwrap_or_else(|| id.into())
}

/// A step's label HTML, or nothing when it is only `text` escaped as the
/// templates escape it (the overview writes it so from `text`), the usual
/// case. `escaped` is scratch space.
fn label_unless_plain(label_html: &str, text: &str, escaped: &mut Vec<u8>) -> Box<str> {
    escaped.clear();
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(text, escaped);
    if escaped.as_slice() == label_html.as_bytes() {
        Box::default()
    } else {
        label_html.into()
    }
}

impl PageContext<'_> {
    fn resolve(&self) -> (Vec<Step>, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        self.check_defaults(&mut problems);
        self.check_unknown_ids(&mut problems);
        let default = StepMeta::default();
        let items = &self.rendered[self.page_index].steps;
        // Reused for every step: its text escaped.
        let mut escaped = Vec::new();
        let steps = items
            .iter()
            .map(|item| {
                let meta = self.page.front.steps.get(&item.id).unwrap_or(&default);
                Step {
                    id: item.id.as_str().into(),
                    text: item.text.as_str().into(),
                    label_html: label_unless_plain(&item.label_html, &item.text, &mut escaped),
                    role: self.role(meta, &item.id, &mut problems),
                    phase: self.phase(meta, &item.id, &mut problems),
                    estimate: self
                        .estimate(meta, &item.id, &mut problems)
                        .map(String::into_boxed_str),
                    requires: self.requires(meta, &item.id, &mut problems).into(),
                    materials: meta.materials.iter().map(|m| m.as_str().into()).collect(),
                    link: self
                        .link(meta, &item.id, &mut problems)
                        .map(String::into_boxed_str),
                    line: item.position.line,
                }
            })
            .collect();
        (steps, problems)
    }

    fn meta_line(&self, id: &str) -> (usize, usize) {
        self.page.locate_in_front(id, 1)
    }

    fn check_defaults(&self, problems: &mut Vec<Diagnostic>) {
        let front = &self.page.front;
        if let Some(role) = &front.role {
            self.check_role(role, || self.page.locate_in_front("role", 1), problems);
        }
        if let Some(phase) = &front.phase {
            self.check_phase(phase, || self.page.locate_in_front("phase", 1), problems);
        }
    }

    fn check_unknown_ids(&self, problems: &mut Vec<Diagnostic>) {
        let items = &self.rendered[self.page_index].steps;
        for id in self.page.front.steps.keys() {
            if !items.iter().any(|item| &item.id == id) {
                let (line, column) = self.meta_line(id);
                let known: Vec<&str> = items.iter().map(|item| item.id.as_str()).collect();
                let hint = if known.is_empty() {
                    "this page has no task-list items; write the step as `- [ ] text {#id}`"
                        .to_owned()
                } else {
                    format!(
                        "steps on this page: {}; give the step an explicit id with `{{#{id}}}` at the end of its line",
                        known.join(", ")
                    )
                };
                problems.push(
                    self.page
                        .error_at(line, column, format!("metadata for unknown step `{id}`"))
                        .hint(hint),
                );
            }
        }
    }

    /// A step's role, checked; where it is written is looked up only for
    /// an error (most steps have none, and looking costs a scan of the
    /// front matter).
    fn role(&self, meta: &StepMeta, id: &str, problems: &mut Vec<Diagnostic>) -> Option<Arc<str>> {
        if let Some(role) = &meta.role {
            let at = || self.page.locate_in_front("role", self.meta_line(id).0);
            self.check_role(role, at, problems);
        }
        let role = meta.role.as_deref().or(self.page.front.role.as_deref())?;
        Some(self.declared.role(role))
    }

    fn phase(&self, meta: &StepMeta, id: &str, problems: &mut Vec<Diagnostic>) -> Option<Arc<str>> {
        if let Some(phase) = &meta.phase {
            let at = || self.page.locate_in_front("phase", self.meta_line(id).0);
            self.check_phase(phase, at, problems);
        }
        let phase = meta.phase.as_deref().or(self.page.front.phase.as_deref())?;
        Some(self.declared.phase(phase))
    }

    fn check_role(
        &self,
        role: &str,
        at: impl FnOnce() -> (usize, usize),
        problems: &mut Vec<Diagnostic>,
    ) {
        if self.site.config.role_label(role).is_none() {
            let (line, column) = at();
            let declared: Vec<&str> = self
                .site
                .config
                .roles
                .iter()
                .map(|r| r.id.as_str())
                .collect();
            problems.push(
                self.page
                    .error_at(line, column, format!("unknown role `{role}`"))
                    .hint(declared_hint("role", &declared)),
            );
        }
    }

    fn check_phase(
        &self,
        phase: &str,
        at: impl FnOnce() -> (usize, usize),
        problems: &mut Vec<Diagnostic>,
    ) {
        if self.site.config.phase_label(phase).is_none() {
            let (line, column) = at();
            let declared: Vec<&str> = self
                .site
                .config
                .phases
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            problems.push(
                self.page
                    .error_at(line, column, format!("unknown phase `{phase}`"))
                    .hint(declared_hint("phase", &declared)),
            );
        }
    }

    fn estimate(
        &self,
        meta: &StepMeta,
        id: &str,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let text = meta.estimate.as_deref()?;
        match parse_estimate(text) {
            Some((amount, unit)) => Some(self.language.duration(amount, unit)),
            None => {
                let (line, _) = self.meta_line(id);
                let (line, column) = self.page.locate_in_front("estimate", line);
                problems.push(
                    self.page
                        .error_at(line, column, format!("cannot read the estimate `{text}`"))
                        .hint("write a number and a unit: `10m` (minutes), `2h` (hours), `3d` (days), `3wd` (working days) or `1w` (weeks)"),
                );
                None
            }
        }
    }

    fn link(&self, meta: &StepMeta, id: &str, problems: &mut Vec<Diagnostic>) -> Option<String> {
        let link = meta.link.as_deref()?;
        if link.starts_with("https://") || link.starts_with("http://") {
            return Some(link.to_owned());
        }
        let (line, _) = self.meta_line(id);
        let (line, column) = self.page.locate_in_front("link", line);
        problems.push(
            self.page
                .error_at(
                    line,
                    column,
                    format!("the step link `{link}` is not a web address"),
                )
                .hint(
                    "`link` is the console page where the step is done, starting with `https://`",
                ),
        );
        None
    }

    fn requires(&self, meta: &StepMeta, id: &str, problems: &mut Vec<Diagnostic>) -> Vec<StepRef> {
        let mut found = Vec::new();
        for entry in &meta.requires {
            match self.requirement(entry) {
                Ok(step) => found.push(step),
                Err((message, hint)) => {
                    let (from_line, _) = self.meta_line(id);
                    let (line, column) = self.page.locate_in_front(entry, from_line);
                    problems.push(self.page.error_at(line, column, message).hint(hint));
                }
            }
        }
        found
    }

    /// One `requires` entry: `id` on this page or `path.md#id`.
    fn requirement(&self, entry: &str) -> Result<StepRef, (String, String)> {
        let (path, fragment) = split_fragment(entry);
        let (page, id) = match fragment {
            None => (self.page_index, path),
            Some(id) => match self.index.target(self.page.source_dir(), path) {
                Target::Page(page, _) if !path.is_empty() => (page, id),
                Target::Page(..) => (self.page_index, id),
                _ => {
                    return Err((
                        format!("requirement `{entry}` names a page that does not exist"),
                        "write `../folder/page.md#step-id`, relative to this file".to_owned(),
                    ));
                }
            },
        };
        let steps = &self.rendered[page].steps;
        match steps.iter().position(|item| item.id == id) {
            Some(step) => Ok(StepRef { page, step }),
            None => {
                let known: Vec<&str> = steps.iter().map(|item| item.id.as_str()).take(12).collect();
                let hint = if known.is_empty() {
                    "that page has no steps".to_owned()
                } else {
                    format!("steps there: {}", known.join(", "))
                };
                Err((
                    format!(
                        "requirement `{entry}` leads nowhere: no step `{id}` on `{}`",
                        self.site.pages[page].file.display()
                    ),
                    hint,
                ))
            }
        }
    }
}

fn declared_hint(what: &str, declared: &[&str]) -> String {
    if declared.is_empty() {
        format!("declare it in `site.toml` as `[[{what}s]]` with an `id` and a `label`")
    } else {
        format!(
            "declared {what}s: {}; or add it to `site.toml` under `[[{what}s]]`",
            declared.join(", ")
        )
    }
}

/// Reads `5m`, `1.5h`, `3d`, `3wd` (working days), `2w` into an amount and
/// a unit.
fn parse_estimate(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (amount, unit) = (text[..split].trim(), &text[split..]);
    let known = matches!(unit, "m" | "h" | "d" | "wd" | "w");
    let valid = amount
        .parse::<f64>()
        .is_ok_and(|value| value > 0.0 && value.is_finite());
    (known && valid).then_some((amount, unit))
}

/// Resolves the steps of `pages` alone (each page with its steps), for an
/// edit after which every other page's steps resolve as before: no step
/// ids or positions changed anywhere. Requirement cycles are not looked
/// for: see [`find_cycles`].
pub fn resolve_pages(
    site: &Site,
    index: &SiteIndex,
    rendered: &[Rendered],
    pages: &[usize],
) -> (Vec<(usize, Vec<Step>)>, Vec<Diagnostic>) {
    let language = Language::from_tag(&site.config.language);
    let declared = Declared::new(site);
    let mut problems = Vec::new();
    let mut resolved = Vec::with_capacity(pages.len());
    for &page_index in pages {
        let (steps, page_problems) = PageContext {
            site,
            index,
            rendered,
            page_index,
            page: &site.pages[page_index],
            language,
            declared: &declared,
        }
        .resolve();
        resolved.push((page_index, steps));
        problems.extend(page_problems);
    }
    (resolved, problems)
}

/// Requirement cycles, each reported once at a step that closes it.
pub fn find_cycles(site: &Site, steps: &[Vec<Step>]) -> Vec<Diagnostic> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks: Vec<Vec<Mark>> = steps
        .iter()
        .map(|page| vec![Mark::New; page.len()])
        .collect();
    let mut problems = Vec::new();
    for (page, page_steps) in steps.iter().enumerate() {
        for step in 0..page_steps.len() {
            if marks[page][step] != Mark::New {
                continue;
            }
            // Iterative depth-first search: (node, next requirement to visit).
            let mut path: Vec<(StepRef, usize)> = vec![(StepRef { page, step }, 0)];
            marks[page][step] = Mark::Open;
            while let Some((node, next)) = path.last().copied() {
                let requires = &steps[node.page][node.step].requires;
                if let Some(&target) = requires.get(next) {
                    if let Some(top) = path.last_mut() {
                        top.1 += 1;
                    }
                    match marks[target.page][target.step] {
                        Mark::New => {
                            marks[target.page][target.step] = Mark::Open;
                            path.push((target, 0));
                        }
                        Mark::Open => problems.push(cycle_error(site, steps, &path, target)),
                        Mark::Done => {}
                    }
                } else {
                    marks[node.page][node.step] = Mark::Done;
                    path.pop();
                }
            }
        }
    }
    problems
}

fn cycle_error(
    site: &Site,
    steps: &[Vec<Step>],
    path: &[(StepRef, usize)],
    target: StepRef,
) -> Diagnostic {
    let start = path
        .iter()
        .position(|(node, _)| *node == target)
        .unwrap_or(0);
    let name = |node: StepRef| {
        format!(
            "{}#{}",
            site.pages[node.page].key, steps[node.page][node.step].id
        )
    };
    let mut names: Vec<String> = path[start..].iter().map(|(node, _)| name(*node)).collect();
    names.push(name(target));
    let (closing, _) = path[path.len() - 1];
    let page = &site.pages[closing.page];
    let id = &steps[closing.page][closing.step].id;
    let (line, column) = page.locate_in_front(id, 1);
    page.error_at(
        line,
        column,
        format!(
            "steps require each other in a circle: {}",
            names.join(" → ")
        ),
    )
    .hint("remove one of these `requires` entries so the steps have an order")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_estimates() {
        assert_eq!(parse_estimate("5m"), Some(("5", "m")));
        assert_eq!(parse_estimate("1.5h"), Some(("1.5", "h")));
        assert_eq!(parse_estimate(" 3d "), Some(("3", "d")));
        assert_eq!(parse_estimate("3wd"), Some(("3", "wd")));
        assert_eq!(parse_estimate("3x"), None);
        assert_eq!(parse_estimate("3 个工作日"), None);
        assert_eq!(parse_estimate("m"), None);
        assert_eq!(parse_estimate("-1h"), None);
    }
}

//! Joining steps found in the Markdown with their front-matter metadata, and
//! checking it: unknown step ids, roles and phases, estimates, `due`
//! offsets, requirements that lead nowhere or are due after the step that
//! needs them, and requirement cycles, each at its file and line.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::{Page, Site, StepMeta, When};
use crate::diagnostic::Diagnostic;
use crate::i18n::Language;
use crate::links::{SiteIndex, Target};
use crate::markdown::Rendered;
use crate::urls::split_fragment;

use super::condition::{self, WhenProblem};
use super::schedule::{self, Date, Offset};
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
                inversions: RefCell::default(),
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
    /// The plan checks made on this page: (requiring step's due, required
    /// step's due) → [`schedule::first_inversion`]; a page's steps share a
    /// few offsets, and a check of two units walks years of dates.
    inversions: RefCell<Inversions>,
}

/// See [`PageContext::inversions`].
type Inversions = HashMap<(Offset, Offset), Option<(Date, Date, Date)>>;

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
        let page_when = self.check_page_when(&mut problems);
        self.check_choices(&mut problems);
        let default = StepMeta::default();
        let items = &self.rendered[self.page_index].steps;
        // Reused for every step: its text escaped.
        let mut escaped = Vec::new();
        let steps = items
            .iter()
            .map(|item| {
                let meta = self.page.front.steps.get(&item.id).unwrap_or(&default);
                let when = self.step_when(meta, &item.id, &page_when, &mut problems);
                let due = self.due(meta, &item.id, &mut problems);
                let lead = due
                    .and(meta.estimate.as_deref())
                    .and_then(schedule::lead_of);
                Step {
                    id: item.id.as_str().into(),
                    text: item.text.as_str().into(),
                    label_html: label_unless_plain(&item.label_html, &item.text, &mut escaped),
                    role: self.role(meta, &item.id, &mut problems),
                    phase: self.phase(meta, &item.id, &mut problems),
                    estimate: self
                        .estimate(meta, &item.id, &mut problems)
                        .map(String::into_boxed_str),
                    requires: self
                        .requires(meta, &item.id, &when, due, &mut problems)
                        .into(),
                    due,
                    lead,
                    materials: meta.materials.iter().map(|m| m.as_str().into()).collect(),
                    link: self
                        .link(meta, &item.id, &mut problems)
                        .map(String::into_boxed_str),
                    line: item.position.line,
                    choice: meta.choice.as_deref().map(Into::into),
                    optional: meta.optional,
                    irreversible: meta.irreversible,
                    hash: condition::text_hash(&item.text),
                    when: when.into(),
                }
            })
            .collect();
        (steps, problems)
    }

    /// The page's own condition checked against its questions and its
    /// sections' conditions; returns the page's whole condition.
    fn check_page_when(&self, problems: &mut Vec<Diagnostic>) -> Vec<(u32, u64)> {
        let chain = chain_condition(self.site, self.page_index);
        let Some(when) = &self.page.front.when else {
            return chain;
        };
        let when_line = self.page.locate_key_in_front("when").0;
        let Some(own) = self.read_when(when, when_line, problems) else {
            return chain;
        };
        let both = condition::intersect(&chain, &own);
        if let Some(question) = condition::never_holds(&both) {
            let (line, column) = self.page.locate_key_in_front("when");
            let section = if self.page.kind == crate::content::PageKind::Section {
                "this section"
            } else {
                "this page"
            };
            problems.push(
                self.page
                    .error_at(
                        line,
                        column,
                        format!(
                            "the condition of {section} can never hold: no answer to question `{}` is allowed both by it and by its sections",
                            self.question_id(question)
                        ),
                    )
                    .hint(format!(
                        "its sections apply {}, and this `when` asks for {}; a condition only narrows its sections': remove this `when` or change it to fit",
                        self.in_words(&chain),
                        self.asked(&own, question)
                    )),
            );
            return chain;
        }
        both
    }

    /// A step's whole condition (its page's and its own), its own checked.
    fn step_when(
        &self,
        meta: &StepMeta,
        id: &str,
        page_when: &[(u32, u64)],
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<(u32, u64)> {
        let Some(when) = &meta.when else {
            return page_when.to_vec();
        };
        let when_line = self
            .page
            .locate_word_in_front("when", self.meta_line(id).0)
            .0;
        let Some(own) = self.read_when(when, when_line, problems) else {
            return page_when.to_vec();
        };
        let both = condition::intersect(page_when, &own);
        if let Some(question) = condition::never_holds(&both) {
            let (line, column) = self.page.locate_word_in_front("when", self.meta_line(id).0);
            problems.push(
                self.page
                    .error_at(
                        line,
                        column,
                        format!(
                            "the condition of step `{id}` can never hold: no answer to question `{}` is allowed both by it and by its page",
                            self.question_id(question)
                        ),
                    )
                    .hint(format!(
                        "the page (with its sections) applies {}, and the step's `when` asks for {}; a step's condition only narrows its page's: remove the step's `when` or change it to fit",
                        self.in_words(page_when),
                        self.asked(&own, question)
                    )),
            );
            return page_when.to_vec();
        }
        both
    }

    /// A written condition resolved, its unknown questions and answers
    /// reported at their lines (searched from `from_line`).
    fn read_when(
        &self,
        when: &When,
        from_line: usize,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Vec<(u32, u64)>> {
        match condition::read_when(&self.site.config, when) {
            Ok(condition) => Some(condition),
            Err(found) => {
                for problem in found {
                    problems.push(self.when_problem(&problem, from_line));
                }
                None
            }
        }
    }

    fn when_problem(&self, problem: &WhenProblem, from_line: usize) -> Diagnostic {
        let config = &self.site.config;
        match problem {
            WhenProblem::UnknownQuestion(question) => {
                let (line, column) = self.page.locate_word_in_front(question, from_line);
                let declared: Vec<&str> = config.questions.iter().map(|q| q.id.as_str()).collect();
                self.page
                    .error_at(line, column, format!("unknown question `{question}`"))
                    .hint(declared_hint("question", &declared))
            }
            WhenProblem::UnknownAnswer(question, answer) => {
                let question_line = self.page.locate_word_in_front(question, from_line).0;
                let (line, column) = self.page.locate_word_in_front(answer, question_line);
                let answers: Vec<&str> = config
                    .question_index(question)
                    .map(|index| {
                        config.questions[index]
                            .answers
                            .iter()
                            .map(|a| a.id.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                self.page
                    .error_at(
                        line,
                        column,
                        format!("question `{question}` has no answer `{answer}`"),
                    )
                    .hint(format!(
                        "its answers in `site.toml`: {}; write one of them, or add `{{ id = \"{answer}\", label = \"…\" }}` to its `answers` there",
                        answers.join(", ")
                    ))
            }
        }
    }

    fn question_id(&self, question: u32) -> &str {
        self.site
            .config
            .questions
            .get(question as usize)
            .map_or("", |q| q.id.as_str())
    }

    /// What `condition` asks of one question, as a query (`account=main`).
    fn asked(&self, condition: &[(u32, u64)], question: u32) -> String {
        let part: Vec<(u32, u64)> = condition
            .iter()
            .filter(|&&(q, _)| q == question)
            .copied()
            .collect();
        format!("`{}`", condition::query(&self.site.config, &part))
    }

    /// A condition in words for a hint ("always" when empty).
    fn in_words(&self, condition: &[(u32, u64)]) -> String {
        if condition.is_empty() {
            "always".to_owned()
        } else {
            format!(
                "only where `{}`",
                condition::query(&self.site.config, condition)
            )
        }
    }

    /// Choices: ids that are valid, at least two steps each, none also
    /// optional.
    fn check_choices(&self, problems: &mut Vec<Diagnostic>) {
        let items = &self.rendered[self.page_index].steps;
        let metas = &self.page.front.steps;
        for item in items {
            let Some(meta) = metas.get(&item.id) else {
                continue;
            };
            let Some(choice) = &meta.choice else {
                continue;
            };
            let at = |needle: &str| {
                self.page
                    .locate_word_in_front(needle, self.meta_line(&item.id).0)
            };
            if let Some(problem) = crate::markdown::id_problem(choice) {
                let (line, column) = at("choice");
                problems.push(
                    self.page
                        .error_at(line, column, format!("the choice id `{choice}` {problem}"))
                        .hint(crate::markdown::id_rule()),
                );
            }
            if meta.optional {
                let (line, column) = at("optional");
                problems.push(
                    self.page
                        .error_at(
                            line,
                            column,
                            format!("step `{}` is both `optional` and one of the choice `{choice}`", item.id),
                        )
                        .hint("a choice is done by any one of its steps, so none of them is optional: remove `optional`, or `choice`"),
                );
            }
            let members = items
                .iter()
                .filter(|other| {
                    metas.get(&other.id).and_then(|m| m.choice.as_deref()) == Some(choice.as_str())
                })
                .count();
            if members < 2 {
                let (line, column) = at("choice");
                problems.push(
                    self.page
                        .error_at(
                            line,
                            column,
                            format!("the choice `{choice}` has only one step, `{}`", item.id),
                        )
                        .hint("give `choice = \"…\"` to each step of this page that is an alternative to it, or remove it"),
                );
            }
        }
    }

    fn meta_line(&self, id: &str) -> (usize, usize) {
        self.page.locate_step_meta(id)
    }

    fn check_defaults(&self, problems: &mut Vec<Diagnostic>) {
        let front = &self.page.front;
        if let Some(role) = &front.role {
            self.check_role(role, || self.page.locate_key_in_front("role"), problems);
        }
        if let Some(phase) = &front.phase {
            self.check_phase(phase, || self.page.locate_key_in_front("phase"), problems);
        }
        if let Some(due) = &front.due {
            self.check_due(due, || self.page.locate_key_in_front("due"), problems);
        }
    }

    /// A step's `due`: its own (checked), or its page's or nearest
    /// section's (checked where written); none without a `[schedule]`.
    fn due(&self, meta: &StepMeta, id: &str, problems: &mut Vec<Diagnostic>) -> Option<Offset> {
        if let Some(due) = &meta.due {
            let at = || self.page.locate_word_in_front("due", self.meta_line(id).0);
            self.check_due(due, at, problems);
        }
        written_due(self.site, self.page_index, Some(meta))
    }

    /// Reports a `due` that does not read as an offset, or any `due` when
    /// the site has no `[schedule]` to count it from.
    fn check_due(
        &self,
        due: &str,
        at: impl FnOnce() -> (usize, usize),
        problems: &mut Vec<Diagnostic>,
    ) {
        if self.site.config.schedule.is_none() {
            let (line, column) = at();
            problems.push(
                self.page
                    .error_at(
                        line,
                        column,
                        format!("`due = \"{}\"` has no date to count from: `site.toml` has no `[schedule]`", due.escape_debug()),
                    )
                    .hint("add to `site.toml` a `[schedule]` table with a `label`, the date readers enter and every `due` counts from, e.g. `[schedule]` then `label = \"最后工作日\"`; or remove this `due`"),
            );
            return;
        }
        if let Err(problem) = schedule::parse_offset(due) {
            let (line, column) = at();
            problems.push(
                self.page
                    .error_at(
                        line,
                        column,
                        format!("the due offset `{}` {problem}", due.escape_debug()),
                    )
                    .hint("write an optional sign, a whole number and a unit, `d` (days) or `wd` (working days), from the schedule's date: `-3wd` (3 working days before), `+2d` (2 days after), `0wd`"),
            );
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
            let at = || self.page.locate_word_in_front("role", self.meta_line(id).0);
            self.check_role(role, at, problems);
        }
        let role = meta.role.as_deref().or(self.page.front.role.as_deref())?;
        Some(self.declared.role(role))
    }

    fn phase(&self, meta: &StepMeta, id: &str, problems: &mut Vec<Diagnostic>) -> Option<Arc<str>> {
        if let Some(phase) = &meta.phase {
            let at = || {
                self.page
                    .locate_word_in_front("phase", self.meta_line(id).0)
            };
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
                let (line, column) = self.page.locate_word_in_front("estimate", line);
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
        let (line, column) = self.page.locate_word_in_front("link", line);
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

    fn requires(
        &self,
        meta: &StepMeta,
        id: &str,
        when: &[(u32, u64)],
        due: Option<Offset>,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<StepRef> {
        let mut found = Vec::new();
        for entry in &meta.requires {
            match self.requirement(entry) {
                Ok(step) => {
                    self.check_requirement_applies(entry, id, when, step, problems);
                    if let Some(due) = due {
                        self.check_requirement_due(entry, (id, when, due), step, problems);
                    }
                    found.push(step);
                }
                Err((message, hint)) => {
                    let (from_line, _) = self.meta_line(id);
                    let (line, column) = self.page.locate_word_in_front(entry, from_line);
                    problems.push(self.page.error_at(line, column, message).hint(hint));
                }
            }
        }
        found
    }

    /// A requirement must apply wherever the requiring step does (for a
    /// step of a choice: one of the choice's steps must).
    fn check_requirement_applies(
        &self,
        entry: &str,
        id: &str,
        when: &[(u32, u64)],
        target: StepRef,
        problems: &mut Vec<Diagnostic>,
    ) {
        if self.site.config.questions.is_empty() {
            return;
        }
        let members = choice_members(self.site, self.rendered, target);
        let conditions: Vec<Vec<(u32, u64)>> = members
            .iter()
            .map(|&step| {
                step_condition(
                    self.site,
                    self.rendered,
                    StepRef {
                        page: target.page,
                        step,
                    },
                )
            })
            .collect();
        let targets: Vec<&[(u32, u64)]> = conditions.iter().map(Vec::as_slice).collect();
        let Some(answers) = condition::counterexample(&self.site.config, when, &targets) else {
            return;
        };
        let (from_line, _) = self.meta_line(id);
        let (line, column) = self.page.locate_word_in_front(entry, from_line);
        let what = if members.len() > 1 {
            "no step of its choice does"
        } else {
            "the required step does not"
        };
        let answered = if answers.is_empty() {
            "for some answers".to_owned()
        } else {
            format!(
                "with the answers `{}`",
                condition::query(&self.site.config, &answers)
            )
        };
        let shown: Vec<String> = conditions
            .iter()
            .map(|condition| self.in_words(condition))
            .collect();
        let required = if members.len() > 1 {
            "the steps of its choice"
        } else {
            "the required step"
        };
        problems.push(
            self.page
                .error_at(
                    line,
                    column,
                    format!(
                        "requirement `{entry}` may not apply where step `{id}` does: {answered}, step `{id}` applies but {what}"
                    ),
                )
                .hint(format!(
                    "step `{id}` applies {}, {required} {}; give step `{id}` a `when` within the required step's, or require a step that applies wherever it does",
                    self.in_words(when),
                    shown.join(" / ")
                )),
        );
    }

    /// A plan that cannot be kept: a step due before a step it requires.
    ///
    /// A requirement on a step of a choice is met by any step of the
    /// choice, but which one a reader does is theirs to pick (or their
    /// answers decide it), so the plan must hold whichever they do: every
    /// step of the choice that has a due date, and that can apply together
    /// with the requiring step (a step of the choice for other answers is
    /// never the one a reader of this step does), must be due no later than
    /// the requiring step: the latest-due of them decides. Steps without a
    /// due date set no date and are not compared. Only due dates
    /// are compared, as the issue asks, not the requiring step's lead time.
    /// With different units the order depends on the schedule's date (a
    /// working day back from a Monday is three days back), so each anchor
    /// date of [`schedule::anchor_span`] is tried and the first one on
    /// which the plan fails is named.
    fn check_requirement_due(
        &self,
        entry: &str,
        (id, when, due): (&str, &[(u32, u64)], Offset),
        target: StepRef,
        problems: &mut Vec<Diagnostic>,
    ) {
        let Some(plan) = &self.site.config.schedule else {
            return;
        };
        let members = choice_members(self.site, self.rendered, target);
        let alone = members.len() == 1;
        for member in members {
            let required = StepRef {
                page: target.page,
                step: member,
            };
            let Some(required_due) = step_due(self.site, self.rendered, required) else {
                continue;
            };
            let together = || {
                let theirs = step_condition(self.site, self.rendered, required);
                condition::never_holds(&condition::intersect(when, &theirs)).is_none()
            };
            if !alone && !together() {
                continue;
            }
            let found = *self
                .inversions
                .borrow_mut()
                .entry((due, required_due))
                .or_insert_with(|| {
                    schedule::first_inversion(due, required_due, &plan.holiday_dates())
                });
            let Some((anchor, own, theirs)) = found else {
                continue;
            };
            let name = self.rendered[required.page]
                .steps
                .get(required.step)
                .map_or("", |item| item.id.as_str());
            let (from_line, _) = self.meta_line(id);
            let (line, column) = self.page.locate_word_in_front(entry, from_line);
            let which = if name == split_fragment(entry).1.unwrap_or(entry) {
                format!("`{entry}`")
            } else {
                format!("`{name}` (of the choice `{entry}` is in)")
            };
            problems.push(
                self.page
                    .error_at(
                        line,
                        column,
                        format!(
                            "step `{id}` is due before its requirement `{entry}`: a plan that cannot be kept"
                        ),
                    )
                    .hint(format!(
                        "when the date `{}` is {} {anchor}, step `{id}` (due `{due}`) is due {} {own} but {which} (due `{required_due}`) only {} {theirs}; give step `{id}` a later `due` or its requirement an earlier one",
                        plan.label,
                        anchor.weekday_name(),
                        own.weekday_name(),
                        theirs.weekday_name(),
                    )),
            );
            return;
        }
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

/// The own condition of a page, or nothing when it has none or it does
/// not resolve (reported where it is written).
fn own_condition(site: &Site, page: usize) -> Vec<(u32, u64)> {
    site.pages[page]
        .front
        .when
        .as_ref()
        .and_then(|when| condition::read_when(&site.config, when).ok())
        .unwrap_or_default()
}

/// The conditions of the sections a page is in, together.
/// Outermost first; a section whose condition contradicts its own sections'
/// counts for nothing, as where it is reported.
fn chain_condition(site: &Site, page: usize) -> Vec<(u32, u64)> {
    let mut sections = Vec::new();
    let mut at = site.pages[page].parent;
    while let Some(section) = at {
        sections.push(section);
        at = site.pages[section].parent;
    }
    sections.iter().rev().fold(Vec::new(), |outer, &section| {
        narrowed(outer, &own_condition(site, section))
    })
}

/// The condition a page applies under: its sections' and its own (those
/// that resolve), e.g. for the notice on the page.
pub fn page_condition(site: &Site, page: usize) -> Vec<(u32, u64)> {
    if site.config.questions.is_empty() {
        return Vec::new();
    }
    narrowed(chain_condition(site, page), &own_condition(site, page))
}

/// `outer` narrowed by `own`, or `outer` alone when the two can never
/// hold together (reported where `own` is written), as the checks take it.
fn narrowed(outer: Vec<(u32, u64)>, own: &[(u32, u64)]) -> Vec<(u32, u64)> {
    let both = condition::intersect(&outer, own);
    if condition::never_holds(&both).is_some() {
        outer
    } else {
        both
    }
}

/// The ids of the questions that matter on a page: those its own or its
/// sections' condition names, and those any of its `steps` depend on, in
/// declaration order (empty when none: the page asks nothing).
pub fn page_questions<'c>(site: &'c Site, page: usize, steps: &[Step]) -> Vec<&'c str> {
    let mut asked = vec![false; site.config.questions.len()];
    let page_when = page_condition(site, page);
    let conditions = std::iter::once(page_when.as_slice()).chain(steps.iter().map(|s| &*s.when));
    for condition in conditions {
        for &(question, _) in condition {
            if let Some(flag) = asked.get_mut(question as usize) {
                *flag = true;
            }
        }
    }
    site.config
        .questions
        .iter()
        .zip(asked)
        .filter(|(_, asked)| *asked)
        .map(|(question, _)| question.id.as_str())
        .collect()
}

/// The whole condition of a step, from front matter (what resolves of it).
fn step_condition(site: &Site, rendered: &[Rendered], step: StepRef) -> Vec<(u32, u64)> {
    let page = page_condition(site, step.page);
    let Some(item) = rendered[step.page].steps.get(step.step) else {
        return page;
    };
    let own = site.pages[step.page]
        .front
        .steps
        .get(&item.id)
        .and_then(|meta| meta.when.as_ref())
        .and_then(|when| condition::read_when(&site.config, when).ok())
        .unwrap_or_default();
    narrowed(page, &own)
}

/// The `due` a step has as written: its own, else its page's, else its
/// nearest section's; `None` when there is none, it does not read (reported
/// where it is written), or the site has no `[schedule]`.
fn written_due(site: &Site, page: usize, meta: Option<&StepMeta>) -> Option<Offset> {
    site.config.schedule.as_ref()?;
    let mut written = meta.and_then(|meta| meta.due.as_deref());
    let mut at = Some(page);
    while written.is_none() {
        let here = &site.pages[at?];
        written = here.front.due.as_deref();
        at = here.parent;
    }
    schedule::parse_offset(written?).ok()
}

/// The `due` of any step of the site, from front matter (see
/// [`written_due`]).
fn step_due(site: &Site, rendered: &[Rendered], step: StepRef) -> Option<Offset> {
    let item = rendered[step.page].steps.get(step.step)?;
    let meta = site.pages[step.page].front.steps.get(&item.id);
    written_due(site, step.page, meta)
}

/// The steps of `step`'s choice on its page (positions), or just `step`.
fn choice_members(site: &Site, rendered: &[Rendered], step: StepRef) -> Vec<usize> {
    let metas = &site.pages[step.page].front.steps;
    let items = &rendered[step.page].steps;
    let choice = items
        .get(step.step)
        .and_then(|item| metas.get(&item.id))
        .and_then(|meta| meta.choice.as_deref());
    let Some(choice) = choice else {
        return vec![step.step];
    };
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| metas.get(&item.id).and_then(|m| m.choice.as_deref()) == Some(choice))
        .map(|(at, _)| at)
        .collect()
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
            inversions: RefCell::default(),
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
    let (line, column) = page.locate_step_meta(id);
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

//! Steps: every task-list item of the site, joined with its metadata from
//! front matter (and the page's defaults), checked, and rendered statically.
//! The reader-side checklist script works only from the markup made here.

pub mod condition;
pub mod render;
mod resolve;
pub mod schedule;

use std::sync::Arc;

pub use condition::Condition;
pub use render::{StepHtml, StepWords, splice_step_meta};
pub use resolve::{find_cycles, page_condition, page_questions, resolve_pages, resolve_steps};

/// A step, resolved. A large site holds ~100,000 of these for the whole
/// build, so the text is boxed rather than in growable strings, roles and
/// phases are shared with the site's declarations, and a label that is
/// plain text is not kept twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Stable id, unique on its page.
    pub id: Box<str>,
    /// Plain text of the step.
    pub text: Box<str>,
    /// Inline HTML of the step's label; empty when it is only `text`
    /// escaped (as templates escape).
    pub label_html: Box<str>,
    /// Who does it.
    pub role: Option<Arc<str>>,
    /// When.
    pub phase: Option<Arc<str>>,
    /// How long, already worded for readers ("约 5 分钟").
    pub estimate: Option<Box<str>>,
    /// When it is due, from the schedule's date: its own `due`, or its
    /// page's, or its nearest section's.
    pub due: Option<schedule::Offset>,
    /// How long before its due date it must start, from its `estimate` in
    /// days, working days or weeks (only with a `due`).
    pub lead: Option<schedule::Offset>,
    /// Steps to do first.
    pub requires: Box<[StepRef]>,
    /// What the reader needs at hand.
    pub materials: Box<[Box<str>]>,
    /// Console URL.
    pub link: Option<Box<str>>,
    /// 1-based line of the step in its file.
    pub line: usize,
    /// When it applies: its own, its page's and its sections' conditions
    /// together (empty: always).
    pub when: Condition,
    /// The choice it is one of (its id, unique on the page), if any.
    pub choice: Option<Box<str>>,
    /// Shown and tickable, never counted.
    pub optional: bool,
    /// Cannot be undone.
    pub irreversible: bool,
    /// [`condition::text_hash`] of its text.
    pub hash: u32,
}

impl Step {
    /// The hash of its text as 8 hex digits.
    pub fn hash_hex(&self) -> String {
        format!("{:08x}", self.hash)
    }
}

/// A reference to a step: its page and its position among that page's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepRef {
    /// Index of the page in the site.
    pub page: usize,
    /// Index of the step on that page.
    pub step: usize,
}

/// The progress key of a choice (page scoped): `page-key#choice-id`.
pub fn choice_key(page_key: &str, choice: &str) -> String {
    format!("{page_key}#{choice}")
}

/// The global key readers' progress is stored under: `page-key#step-id`.
pub fn progress_key(page_key: &str, step_id: &str) -> String {
    format!("{page_key}#{step_id}")
}

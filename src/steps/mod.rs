//! Steps: every task-list item of the site, joined with its metadata from
//! front matter (and the page's defaults), checked, and rendered statically.
//! The reader-side checklist script works only from the markup made here.

mod render;
mod resolve;

pub use render::{StepHtml, splice_step_meta};
pub use resolve::{find_cycles, resolve_pages, resolve_steps};

/// A step, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Stable id, unique on its page.
    pub id: String,
    /// Plain text of the step.
    pub text: String,
    /// Inline HTML of the step's label.
    pub label_html: String,
    /// Who does it.
    pub role: Option<String>,
    /// When.
    pub phase: Option<String>,
    /// How long, already worded for readers ("约 5 分钟").
    pub estimate: Option<String>,
    /// Steps to do first.
    pub requires: Vec<StepRef>,
    /// What the reader needs at hand.
    pub materials: Vec<String>,
    /// Console URL.
    pub link: Option<String>,
    /// 1-based line of the step in its file.
    pub line: usize,
}

/// A reference to a step: its page and its position among that page's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepRef {
    /// Index of the page in the site.
    pub page: usize,
    /// Index of the step on that page.
    pub step: usize,
}

/// The global key readers' progress is stored under: `page-key#step-id`.
pub fn progress_key(page_key: &str, step_id: &str) -> String {
    format!("{page_key}#{step_id}")
}

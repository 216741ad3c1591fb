//! Which pages an edit changes, when the site's tree stays the same (no page
//! added, removed or moved, no `weight` or `slug` changed).
//!
//! A page's HTML shows, of other pages, only what its template context
//! holds: the sidebar (titles and step counts of the entries in the open
//! sections), breadcrumbs (titles of its ancestors), the previous and next
//! pages (titles), the children of a section (titles, descriptions, step
//! counts), and in its steps the page titles and step labels of what they
//! require. So an edit of page P changes, besides P:
//!
//! - when P's title, description or number of steps changed: every page
//!   whose sidebar lists P (the pages under P's parent, the parent too),
//!   the pages under P (breadcrumbs), and P's neighbours in reading order
//!   (every page when P is the home page, whose title heads every
//!   breadcrumb trail);
//! - every page whose resolved steps changed (a requirement now points at
//!   another position on P);
//! - every page with a step that requires a step of a page whose title or
//!   steps changed;
//! - when P's own `when` changed, every page under P: each says the
//!   conditions of its sections in words and asks the questions they name
//!   (`page_when`, `page_questions`), steps or not.
//!
//! A step's resolved fields include its condition (its sections', its
//! page's and its own), choice, `optional`, `irreversible`, `due` (its own,
//! its page's or its sections'), lead and text hash, so an edit of any of
//! them makes its page's steps differ. A page shows nothing of the due
//! dates of the steps it requires (only the overview and the manifest
//! list them, and those are rendered again on every such edit).

use std::collections::BTreeSet;

use crate::content::{Page, Site};
use crate::steps::Step;

/// The pages to render again after the pages in `old` (number, previous
/// version) were edited; `site` has the new versions, `old_steps` and
/// `new_steps` are every page's steps before and after.
pub fn affected_pages(
    site: &Site,
    old: &[(usize, &Page)],
    old_steps: &StepsBefore<'_>,
    new_steps: &[Vec<Step>],
) -> BTreeSet<usize> {
    let order = site.reading_order();
    let mut affected: BTreeSet<usize> = old.iter().map(|(page, _)| *page).collect();
    let mut shown_elsewhere = BTreeSet::new();
    for &(page, before) in old {
        let now = &site.pages[page];
        let title_changed = before.front.title != now.front.title;
        let listed_differently = title_changed
            || before.front.description != now.front.description
            || old_steps.of(page).len() != new_steps[page].len();
        if listed_differently {
            match now.parent {
                Some(parent) => affected.extend(subtree(site, parent)),
                None => affected.extend(0..site.pages.len()),
            }
            affected.extend(subtree(site, page));
            if let Some(at) = order.iter().position(|&p| p == page) {
                affected.extend(at.checked_sub(1).and_then(|before| order.get(before)));
                affected.extend(order.get(at + 1));
            }
        }
        if before.front.when != now.front.when {
            affected.extend(subtree(site, page));
        }
        if title_changed || !same_steps(old_steps.of(page), &new_steps[page]) {
            shown_elsewhere.insert(page);
        }
    }
    for (page, steps) in new_steps.iter().enumerate() {
        let requires_changed = steps.iter().any(|step| {
            step.requires
                .iter()
                .any(|required| shown_elsewhere.contains(&required.page))
        });
        if requires_changed || !same_steps(old_steps.of(page), steps) {
            affected.insert(page);
        }
    }
    affected
}

/// Every page's steps before an edit: those in `kept`, except the pages
/// in `replaced`, whose earlier steps are kept there (so an edit that
/// resolved only some pages again need not copy the others').
pub struct StepsBefore<'a> {
    /// Steps of the pages not in `replaced`.
    pub kept: &'a [Vec<Step>],
    /// Pages and their steps before the edit.
    pub replaced: &'a [(usize, Vec<Step>)],
}

impl StepsBefore<'_> {
    /// The steps `page` had.
    fn of(&self, page: usize) -> &[Step] {
        self.replaced
            .iter()
            .find(|(replaced, _)| *replaced == page)
            .map_or(&self.kept[page], |(_, steps)| steps)
    }
}

/// `page` and every page under it.
pub(super) fn subtree(site: &Site, page: usize) -> Vec<usize> {
    let mut all = Vec::new();
    let mut stack = vec![page];
    while let Some(at) = stack.pop() {
        all.push(at);
        stack.extend(&site.pages[at].children);
    }
    all
}

/// Whether two pages' steps render the same: equal but for the line they
/// are on.
fn same_steps(old: &[Step], new: &[Step]) -> bool {
    old == new
        || (old.len() == new.len()
            && old.iter().zip(new).all(|(a, b)| {
                Step {
                    line: 0,
                    ..a.clone()
                } == Step {
                    line: 0,
                    ..b.clone()
                }
            }))
}

//! Navigation around a page: the sidebar tree, breadcrumbs and previous /
//! next links, each with URLs relative to the page being rendered. The
//! sidebar lists the top-level entries and opens only the sections on the
//! current page's path, and a list longer than [`SIDEBAR_LIST_LIMIT`] shows
//! only that many entries around the current one, so a page's size stays
//! flat as the site grows: 200 top-level sections listed on each of 10,000
//! pages would make the output grow with the square of the site.

use std::ops::Range;

use serde::Serialize;

use crate::content::{PageKind, Site};
use crate::steps::Step;
use crate::urls::page_href;

/// The most entries one sidebar list shows; a longer list shows this many
/// around the entry on the current page's path and counts the rest.
pub const SIDEBAR_LIST_LIMIT: usize = 50;

/// One sidebar entry.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    /// Page title.
    pub title: String,
    /// Relative URL from the current page.
    pub url: String,
    /// `section` or `page`.
    pub kind: &'static str,
    /// This is the page being rendered.
    pub current: bool,
    /// The current page is this one or inside it.
    pub active: bool,
    /// Progress key of the page.
    pub key: String,
    /// Number of steps on the page.
    pub step_count: usize,
    /// Entries inside an active section (empty otherwise).
    pub children: Vec<NavItem>,
    /// Entries of an active section left out of `children` because the list
    /// is longer than [`SIDEBAR_LIST_LIMIT`] (the section's page lists
    /// them all).
    pub hidden: usize,
}

/// A link with a title.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Title.
    pub title: String,
    /// Relative URL from the current page.
    pub url: String,
}

/// Builds navigation for pages of one site.
pub struct Navigation<'a> {
    site: &'a Site,
    steps: &'a [Vec<Step>],
    reading_order: Vec<usize>,
    position: Vec<usize>,
}

impl<'a> Navigation<'a> {
    /// Prepares navigation for `site`, whose pages have `steps`.
    pub fn new(site: &'a Site, steps: &'a [Vec<Step>]) -> Self {
        let reading_order = site.reading_order();
        let mut position = vec![0; site.pages.len()];
        for (at, &page) in reading_order.iter().enumerate() {
            position[page] = at;
        }
        Self {
            site,
            steps,
            reading_order,
            position,
        }
    }

    /// Pages in reading order.
    pub fn reading_order(&self) -> &[usize] {
        &self.reading_order
    }

    /// The sidebar for the page `current` (or for a generated page such as
    /// the checklist when `current` is `None`, at output folder `from`).
    pub fn sidebar(&self, current: Option<usize>, from: &str) -> Vec<NavItem> {
        let path = self.path(current);
        let top = &self.site.pages[Site::HOME].children;
        top[shown(top, &path)]
            .iter()
            .map(|&child| self.item(child, current, &path, from))
            .collect()
    }

    /// How many top-level entries [`Navigation::sidebar`] leaves out (the
    /// home page lists them all).
    pub fn sidebar_hidden(&self, current: Option<usize>) -> usize {
        let top = &self.site.pages[Site::HOME].children;
        top.len() - shown(top, &self.path(current)).len()
    }

    fn path(&self, current: Option<usize>) -> Vec<usize> {
        current
            .map(|page| self.ancestors_and_self(page))
            .unwrap_or_default()
    }

    fn item(&self, index: usize, current: Option<usize>, path: &[usize], from: &str) -> NavItem {
        let page = &self.site.pages[index];
        let active = path.contains(&index);
        let (children, hidden) = if active && page.kind == PageKind::Section {
            let range = shown(&page.children, path);
            let hidden = page.children.len() - range.len();
            let children = page.children[range]
                .iter()
                .map(|&child| self.item(child, current, path, from))
                .collect();
            (children, hidden)
        } else {
            (Vec::new(), 0)
        };
        NavItem {
            title: page.front.title.clone(),
            url: page_href(from, &page.url),
            kind: if page.kind == PageKind::Section {
                "section"
            } else {
                "page"
            },
            current: current == Some(index),
            active,
            key: page.key.clone(),
            step_count: self.steps[index].len(),
            children,
            hidden,
        }
    }

    fn ancestors_and_self(&self, page: usize) -> Vec<usize> {
        let mut chain = vec![page];
        let mut at = page;
        while let Some(parent) = self.site.pages[at].parent {
            chain.push(parent);
            at = parent;
        }
        chain
    }

    /// Links from the home page down to the parent of `page`.
    pub fn breadcrumbs(&self, page: usize) -> Vec<Link> {
        let from = &self.site.pages[page].url;
        let mut chain = self.ancestors_and_self(page);
        chain.remove(0);
        chain.reverse();
        chain
            .into_iter()
            .map(|index| self.link(index, from))
            .collect()
    }

    /// The pages before and after `page` in reading order.
    pub fn neighbours(&self, page: usize) -> (Option<Link>, Option<Link>) {
        let at = self.position[page];
        let from = &self.site.pages[page].url;
        let previous = at
            .checked_sub(1)
            .map(|before| self.link(self.reading_order[before], from));
        let next = self
            .reading_order
            .get(at + 1)
            .map(|&after| self.link(after, from));
        (previous, next)
    }

    /// A link to `index` from the output folder `from`.
    pub fn link(&self, index: usize, from: &str) -> Link {
        let page = &self.site.pages[index];
        Link {
            title: page.front.title.clone(),
            url: page_href(from, &page.url),
        }
    }
}

/// The part of a sidebar list (`entries`, page indices) to show: all of it
/// when it fits, else [`SIDEBAR_LIST_LIMIT`] entries around the one on the
/// current page's `path` (or the first ones, off the path).
fn shown(entries: &[usize], path: &[usize]) -> Range<usize> {
    let at = entries.iter().position(|entry| path.contains(entry));
    window(entries.len(), at, SIDEBAR_LIST_LIMIT)
}

/// `limit` of `len` entries with `at` in the middle, moved to stay inside
/// the list; everything when `len` fits.
fn window(len: usize, at: Option<usize>, limit: usize) -> Range<usize> {
    if len <= limit {
        return 0..len;
    }
    let start = at.unwrap_or(0).saturating_sub(limit / 2).min(len - limit);
    start..start + limit
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn short_lists_are_shown_whole() {
        assert_eq!(window(3, Some(1), 5), 0..3);
        assert_eq!(window(5, None, 5), 0..5);
    }

    #[test]
    fn long_lists_show_a_window_around_the_current_entry() {
        assert_eq!(window(200, Some(100), 50), 75..125);
        assert_eq!(window(200, Some(3), 50), 0..50, "clamped at the start");
        assert_eq!(window(200, Some(199), 50), 150..200, "clamped at the end");
        assert_eq!(window(200, None, 50), 0..50, "off the path: the first");
        assert_eq!(window(51, Some(50), 50), 1..51);
    }
}

//! Navigation around a page: the sidebar tree, breadcrumbs and previous /
//! next links, each with URLs relative to the page being rendered. The
//! sidebar lists the top-level entries and opens only the sections on the
//! current page's path, so its size does not grow with the whole site.

use serde::Serialize;

use crate::content::{PageKind, Site};
use crate::urls::page_href;

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
    step_counts: &'a [usize],
    reading_order: Vec<usize>,
    position: Vec<usize>,
}

impl<'a> Navigation<'a> {
    /// Prepares navigation for `site`, with the number of steps of each page.
    pub fn new(site: &'a Site, step_counts: &'a [usize]) -> Self {
        let reading_order = site.reading_order();
        let mut position = vec![0; site.pages.len()];
        for (at, &page) in reading_order.iter().enumerate() {
            position[page] = at;
        }
        Self {
            site,
            step_counts,
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
        let path = current
            .map(|page| self.ancestors_and_self(page))
            .unwrap_or_default();
        self.site.pages[Site::HOME]
            .children
            .iter()
            .map(|&child| self.item(child, current, &path, from))
            .collect()
    }

    fn item(&self, index: usize, current: Option<usize>, path: &[usize], from: &str) -> NavItem {
        let page = &self.site.pages[index];
        let active = path.contains(&index);
        let children = if active && page.kind == PageKind::Section {
            page.children
                .iter()
                .map(|&child| self.item(child, current, path, from))
                .collect()
        } else {
            Vec::new()
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
            step_count: self.step_counts[index],
            children,
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

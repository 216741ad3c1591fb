//! Navigation around a page: the sidebar tree, breadcrumbs and previous /
//! next links, each with URLs relative to the page being rendered. The
//! sidebar lists the top-level entries and opens only the sections on the
//! current page's path, and a list longer than [`SIDEBAR_LIST_LIMIT`] shows
//! only that many entries around the current one, so a page's size stays
//! flat as the site grows: 200 top-level sections listed on each of 10,000
//! pages would make the output grow with the square of the site.
//!
//! The pages of one section in one folder share their sidebar and
//! breadcrumbs (but for which entry is current), so [`Navigation::shared`]
//! converts them into template values once per such group and hands every
//! page a cheap clone, along with a slot for the group's rendered sidebar
//! (see `RenderContext::site_nav`).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use serde::Serialize;

use crate::content::{PageKind, Site};
use crate::steps::Step;
use crate::urls::page_href;

/// The most entries one sidebar list shows; a longer list shows this many
/// around the entry on the current page's path and counts the rest.
pub const SIDEBAR_LIST_LIMIT: usize = 50;

/// One sidebar entry, borrowed from the site.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem<'a> {
    /// Page title.
    pub title: &'a str,
    /// Relative URL from the current page.
    pub url: String,
    /// `section` or `page`.
    pub kind: &'static str,
    /// The current page is inside this section (or, for a sidebar made for
    /// one page alone, is this page).
    pub active: bool,
    /// Progress key of the page; the entry of the page being rendered is
    /// the one whose key is `page.key`.
    pub key: &'a str,
    /// Number of steps on the page.
    pub step_count: usize,
    /// Entries inside an active section (empty otherwise).
    pub children: Vec<NavItem<'a>>,
    /// The language of the title when it is not the page's (a second
    /// language's page not yet translated), for `lang`.
    pub lang: Option<&'a str>,
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
    /// The title's language when it is not the page's (see [`NavItem::lang`]).
    pub lang: Option<String>,
    /// Relative URL from the current page.
    pub url: String,
}

/// A link with a title borrowed from the site.
#[derive(Debug, Clone, Serialize)]
pub struct PageLink<'a> {
    /// Title.
    pub title: &'a str,
    /// The title's language when it is not the page's (see [`NavItem::lang`]).
    pub lang: Option<&'a str>,
    /// Relative URL from the current page.
    pub url: String,
}

/// The navigation values a page shares with the other pages of its group,
/// converted for the templates once (cloning them is cheap).
#[derive(Debug, Clone)]
pub struct SharedNav {
    /// The sidebar entries (`nav`).
    pub nav: tera::Value,
    /// How many top-level entries the sidebar leaves out (`nav_hidden`).
    pub nav_hidden: usize,
    /// Links from the home page down to the parent (`breadcrumbs`).
    pub breadcrumbs: tera::Value,
    /// The sidebar rendered once for the group, without a current entry
    /// (filled by the first page of the group that renders it).
    pub html: Arc<OnceLock<String>>,
    /// The group's stylesheets and scripts as template values (filled by
    /// the first page of the group that renders; see
    /// `RenderContext::asset_values`).
    pub assets: Arc<OnceLock<AssetValues>>,
}

/// A page's stylesheets and scripts (`stylesheets`, `scripts`) as template
/// values, with what they were made for: the page's way to the output root
/// and its step details file.
#[derive(Debug)]
pub struct AssetValues {
    /// The way to the output root (`root`).
    pub root: String,
    /// The way to the shared theme files' root (`assets_root`): `root`,
    /// and from a second language's folder one level more.
    pub assets_root: String,
    /// The step details file loaded (see `RenderContext::base_context`).
    pub detail: Option<String>,
    /// The stylesheets.
    pub stylesheets: tera::Value,
    /// The scripts.
    pub scripts: tera::Value,
}

/// What makes the sidebar of an ordinary page: its section, where the
/// window over the section's pages starts, and the page's parent folder.
type GroupKey<'a> = (usize, usize, &'a str);

/// Builds navigation for pages of one site.
pub struct Navigation<'a> {
    site: &'a Site,
    steps: &'a [Vec<Step>],
    reading_order: Vec<usize>,
    position: Vec<usize>,
    /// Each page's place among its parent's children.
    rank: Vec<usize>,
    /// How many pages each group has.
    group_sizes: HashMap<GroupKey<'a>, usize>,
    /// The values of the groups being rendered, with how many of their
    /// pages have yet to take them: a group leaves when its last page does,
    /// so the cache holds the groups in progress, not the whole site's.
    shared: Mutex<HashMap<GroupKey<'a>, (SharedNav, usize)>>,
}

impl<'a> Navigation<'a> {
    /// Prepares navigation for `site`, whose pages have `steps`.
    pub fn new(site: &'a Site, steps: &'a [Vec<Step>]) -> Self {
        let reading_order = site.reading_order();
        let mut position = vec![0; site.pages.len()];
        for (at, &page) in reading_order.iter().enumerate() {
            position[page] = at;
        }
        let mut rank = vec![0; site.pages.len()];
        for page in &site.pages {
            for (at, &child) in page.children.iter().enumerate() {
                rank[child] = at;
            }
        }
        let mut navigation = Self {
            site,
            steps,
            reading_order,
            position,
            rank,
            group_sizes: HashMap::new(),
            shared: Mutex::new(HashMap::new()),
        };
        let mut sizes = HashMap::new();
        for page in 0..site.pages.len() {
            if let Some(key) = navigation.group(page) {
                *sizes.entry(key).or_insert(0) += 1;
            }
        }
        navigation.group_sizes = sizes;
        navigation
    }

    /// Pages in reading order.
    pub fn reading_order(&self) -> &[usize] {
        &self.reading_order
    }

    /// The sidebar for the page `current` (or for a generated page such as
    /// the checklist when `current` is `None`, at output folder `from`).
    pub fn sidebar(&self, current: Option<usize>, from: &str) -> Vec<NavItem<'a>> {
        let path = self.path(current);
        self.entries(&path, None, &|url| page_href(from, url))
    }

    /// How many top-level entries [`Navigation::sidebar`] leaves out (the
    /// home page lists them all).
    pub fn sidebar_hidden(&self, current: Option<usize>) -> usize {
        self.top_hidden(&self.path(current))
    }

    /// The sidebar, its hidden count and the breadcrumbs of `page`, as
    /// template values. An ordinary page gets the values made once for every
    /// page of its section in its folder (with the same window over the
    /// section's pages), whose links climb out of the page's folder first;
    /// the home page and sections get their own.
    pub fn shared(&self, page: usize) -> SharedNav {
        let Some(key) = self.group(page) else {
            return self.make_shared(page, None);
        };
        if let Some(found) = take(&mut self.cache(), &key) {
            return found;
        }
        // Made outside the lock; a second thread making the same group makes
        // the same values, so whichever is kept, the output is the same.
        let made = self.make_shared(page, Some(key.2));
        let mut cache = self.cache();
        if let Some(found) = take(&mut cache, &key) {
            return found;
        }
        let left = self.group_sizes.get(&key).map_or(0, |size| size - 1);
        if left > 0 {
            cache.insert(key, (made.clone(), left));
        }
        made
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<GroupKey<'a>, (SharedNav, usize)>> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The group whose pages share `page`'s navigation, if it is an
    /// ordinary page in a section.
    fn group(&self, page: usize) -> Option<GroupKey<'a>> {
        let site: &'a Site = self.site;
        let data = &site.pages[page];
        if data.kind != PageKind::Page || !data.children.is_empty() {
            return None;
        }
        let parent = data.parent?;
        let path = [page, parent];
        let start = self.shown(&site.pages[parent].children, &path).start;
        Some((parent, start, parent_folder(&data.url)))
    }

    /// The shared values of `page`; with a `folder`, the ones of its group,
    /// linked from any page folder inside `folder`.
    fn make_shared(&self, page: usize, folder: Option<&str>) -> SharedNav {
        let path = self.ancestors_and_self(page);
        let from = &self.site.pages[page].url;
        let href = |url: &str| match folder {
            Some(folder) => format!("../{}", page_href(folder, url)),
            None => page_href(from, url),
        };
        let leaf = folder.map(|_| page);
        let crumbs: Vec<PageLink<'a>> = path[1..]
            .iter()
            .rev()
            .map(|&index| self.page_link(index, &href))
            .collect();
        SharedNav {
            nav: tera::Value::from_serializable(&self.entries(&path, leaf, &href)),
            nav_hidden: self.top_hidden(&path),
            breadcrumbs: tera::Value::from_serializable(&crumbs),
            html: Arc::default(),
            assets: Arc::default(),
        }
    }

    fn path(&self, current: Option<usize>) -> Vec<usize> {
        current
            .map(|page| self.ancestors_and_self(page))
            .unwrap_or_default()
    }

    fn top_hidden(&self, path: &[usize]) -> usize {
        let top = &self.site.pages[Site::HOME].children;
        top.len() - self.shown(top, path).len()
    }

    /// The top-level entries, opened along `path`. `leaf` is a page the
    /// entries are shared from, so not marked active; `href` makes links.
    fn entries(
        &self,
        path: &[usize],
        leaf: Option<usize>,
        href: &dyn Fn(&str) -> String,
    ) -> Vec<NavItem<'a>> {
        let top = &self.site.pages[Site::HOME].children;
        top[self.shown(top, path)]
            .iter()
            .map(|&child| self.item(child, path, leaf, href))
            .collect()
    }

    fn item(
        &self,
        index: usize,
        path: &[usize],
        leaf: Option<usize>,
        href: &dyn Fn(&str) -> String,
    ) -> NavItem<'a> {
        let site: &'a Site = self.site;
        let page = &site.pages[index];
        let active = leaf != Some(index) && path.contains(&index);
        let (children, hidden) = if active && page.kind == PageKind::Section {
            let range = self.shown(&page.children, path);
            let hidden = page.children.len() - range.len();
            let children = page.children[range]
                .iter()
                .map(|&child| self.item(child, path, leaf, href))
                .collect();
            (children, hidden)
        } else {
            (Vec::new(), 0)
        };
        NavItem {
            title: &page.front.title,
            url: href(&page.url),
            kind: if page.kind == PageKind::Section {
                "section"
            } else {
                "page"
            },
            active,
            key: &page.key,
            step_count: self.steps[index].len(),
            lang: site.untranslated_lang(index),
            children,
            hidden,
        }
    }

    /// The part of a sidebar list (`entries`, the children of one page) to
    /// show: all of it when it fits, else [`SIDEBAR_LIST_LIMIT`] entries
    /// around the one on the current page's `path` (or the first ones, off
    /// the path).
    fn shown(&self, entries: &[usize], path: &[usize]) -> Range<usize> {
        let at = path
            .iter()
            .map(|&page| self.rank[page])
            .zip(path)
            .find(|&(at, &page)| entries.get(at) == Some(&page))
            .map(|(at, _)| at);
        window(entries.len(), at, SIDEBAR_LIST_LIMIT)
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

    /// The pages before and after `page` in reading order.
    pub fn neighbours(&self, page: usize) -> (Option<PageLink<'a>>, Option<PageLink<'a>>) {
        let at = self.position[page];
        let from = &self.site.pages[page].url;
        let href = |url: &str| page_href(from, url);
        let previous = at
            .checked_sub(1)
            .map(|before| self.page_link(self.reading_order[before], &href));
        let next = self
            .reading_order
            .get(at + 1)
            .map(|&after| self.page_link(after, &href));
        (previous, next)
    }

    fn page_link(&self, index: usize, href: &dyn Fn(&str) -> String) -> PageLink<'a> {
        let site: &'a Site = self.site;
        let page = &site.pages[index];
        PageLink {
            title: &page.front.title,
            lang: site.untranslated_lang(index),
            url: href(&page.url),
        }
    }

    /// A link to `index` from the output folder `from`.
    pub fn link(&self, index: usize, from: &str) -> Link {
        let page = &self.site.pages[index];
        Link {
            title: page.front.title.clone(),
            lang: self.site.untranslated_lang(index).map(str::to_owned),
            url: page_href(from, &page.url),
        }
    }
}

/// One page's use of a cached group: a clone of its values, or the values
/// themselves for the group's last page, which takes them out of `cache`.
fn take<K: std::hash::Hash + Eq>(
    cache: &mut HashMap<K, (SharedNav, usize)>,
    key: &K,
) -> Option<SharedNav> {
    let (shared, left) = cache.get_mut(key)?;
    *left = left.saturating_sub(1);
    if *left > 0 {
        return Some(shared.clone());
    }
    cache.remove(key).map(|(shared, _)| shared)
}

/// The folder a page folder `url` is in: `a/b/` for `a/b/c/`, empty for `c/`.
fn parent_folder(url: &str) -> &str {
    let trimmed = url.strip_suffix('/').unwrap_or(url);
    trimmed.rfind('/').map_or("", |slash| &url[..=slash])
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
    use std::collections::HashMap;

    use super::{SharedNav, parent_folder, take, window};

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

    #[test]
    fn a_page_folder_is_inside_its_parent_folder() {
        assert_eq!(parent_folder("a/b/c/"), "a/b/");
        assert_eq!(parent_folder("c/"), "");
        assert_eq!(parent_folder(""), "");
    }

    #[test]
    fn a_group_leaves_the_cache_with_its_last_page() {
        let shared = SharedNav {
            nav: tera::Value::none(),
            nav_hidden: 0,
            breadcrumbs: tera::Value::none(),
            html: std::sync::Arc::default(),
            assets: std::sync::Arc::default(),
        };
        // The first of three pages made the values and left two uses.
        let mut cache = HashMap::from([("group", (shared, 2))]);
        assert!(take(&mut cache, &"group").is_some());
        assert_eq!(cache.len(), 1, "one page to go");
        assert!(take(&mut cache, &"group").is_some());
        assert!(cache.is_empty(), "the last page takes them out");
        assert!(take(&mut cache, &"group").is_none());
    }
}

//! Rendering whole pages: each page's template context (site, words, page,
//! navigation) is built here and handed to the templates, in parallel. The
//! generated pages (checklist overview, 404, sitemap) live beside.

mod checklist;
mod extra_pages;
mod manifest;
mod nav;

use serde::Serialize;

use crate::content::{PageKind, Site, Translation};
use crate::diagnostic::Diagnostic;
use crate::git_dates::PageDates;
use crate::i18n::Language;
use crate::markdown::{Rendered, TocEntry};
use crate::steps::{Step, StepHtml, condition, page_condition, page_questions, splice_step_meta};
use crate::templates::Templates;
use crate::urls::{absolute_url, page_href, root_prefix};

pub use checklist::{
    CHECKLIST_URL, ChecklistPart, SPLIT_STEPS, checklist_parts, render_checklist,
    render_checklist_part, top_level,
};
pub use extra_pages::{render_not_found, sitemap};
pub use manifest::{
    MANIFEST_URL, SECTION_STEPS_FILE, render_manifest, render_section_steps, section_steps_url,
    site_key,
};
pub use nav::{AssetValues, Link, NavItem, Navigation, PageLink, SharedNav};

/// Where the theme's static files go in the output (shared by every
/// language).
pub const THEME_ASSETS: &str = "assets/";

/// Everything page rendering reads.
pub struct RenderContext<'a> {
    /// The site.
    pub site: &'a Site,
    /// Rendered Markdown of each page.
    pub rendered: &'a [Rendered],
    /// Resolved steps of each page.
    pub steps: &'a [Vec<Step>],
    /// The templates.
    pub templates: &'a Templates,
    /// Navigation helper.
    pub navigation: &'a Navigation<'a>,
    /// Interface words.
    pub language: Language,
    /// Stylesheets, relative to the output root.
    pub stylesheets: &'a [String],
    /// Scripts, relative to the output root.
    pub scripts: &'a [String],
    /// Whether the site has more than [`SPLIT_STEPS`] steps: the overview
    /// and the step manifest are then split per top-level entry.
    pub split: bool,
    /// Each page source's last commit date (empty outside git).
    pub dates: &'a PageDates,
    /// Where each page is in every language, on a site with a second one.
    pub languages: Option<&'a crate::languages::SiteLanguages>,
    /// Which of `languages` is rendered (0: the default, at the output
    /// root; another's files go to its folder, `en/`).
    pub language_index: usize,
}

/// A page as templates see it (`page`), borrowed rather than copied. The
/// fields are in alphabetical order, the order of the JSON map it replaces.
#[derive(Debug, Serialize)]
struct PageValue<'a> {
    content: &'a str,
    description: &'a str,
    /// `edit_url` of `site.toml` and the page's source under `content/`.
    edit_url: Option<String>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
    key: &'a str,
    /// The label of the page's phase (its steps' default), if it names one.
    phase: Option<&'a str>,
    /// The label of the page's role (its steps' default), if it names one.
    role: Option<&'a str>,
    step_count: usize,
    title: &'a str,
    toc: &'a [TocEntry],
    /// On a second language's page that has no translation yet, the
    /// language of its text (the default's), for `lang` and the notice.
    untranslated: Option<&'a str>,
    /// The day of the last commit of the page's source, in words of the
    /// site's language (`2026年12月5日`); none outside git.
    updated: Option<String>,
    /// The same commit's date and time for `<time datetime>`.
    updated_datetime: Option<&'a str>,
}

/// The template of the sidebar's links, rendered once per group of pages
/// that share it (see [`Navigation::shared`]).
pub const SITE_NAV: &str = "partials/site-nav.html";

/// `html` (a rendered [`SITE_NAV`]) with the entry of the page `key` marked
/// as the current page: ` aria-current="page"` right after its
/// `data-key="…"` attribute, escaped as the template escapes it.
fn mark_current(html: &str, key: &str) -> String {
    let mut needle = b" data-key=\"".to_vec();
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(key, &mut needle);
    needle.push(b'"');
    // memmem finds it several times faster than `str::find` (the sidebar
    // is a few kilobytes, searched once per page).
    let at = memchr::memmem::find(html.as_bytes(), &needle).map(|at| at + needle.len());
    let Some(at) = at.filter(|&at| html.is_char_boundary(at)) else {
        return html.to_owned();
    };
    let mut marked = String::with_capacity(html.len() + CURRENT.len());
    marked.push_str(&html[..at]);
    marked.push_str(CURRENT);
    marked.push_str(&html[at..]);
    marked
}

/// Room for what a page has besides its content and sidebar (head, header,
/// table of contents, pager, footer), so that its text is rarely regrown.
const PAGE_FRAME_BYTES: usize = 8 * 1024;

/// What marks the current page's sidebar entry.
const CURRENT: &str = " aria-current=\"page\"";

/// Gives the templates the variables that are the same on every page: the
/// site's settings (`site`) and the interface words (`t`).
pub fn set_template_globals(templates: &mut Templates, site: &Site) {
    let language = Language::from_tag(&site.config.language);
    templates.set_global("site", &site.config);
    templates.set_global("t", &language.all_words());
}

/// A child entry listed on a section or the home page.
#[derive(Debug, Serialize)]
struct ChildLink<'a> {
    title: &'a str,
    /// The language of the title and description when not the page's.
    lang: Option<&'a str>,
    url: String,
    description: &'a str,
    kind: &'static str,
    /// Progress key, for the reader's figure the scripts add.
    key: &'a str,
    /// Steps on the page itself (a section's own; with JavaScript the
    /// reader's figure, which counts everything under it, replaces it).
    step_count: usize,
}

/// Puts the variables of [`RenderContext::base_context`] into `context`.
fn insert_base(context: &mut tera::Context, kind: &str, assets: &AssetValues) {
    context.insert("kind", kind);
    context.insert_value("stylesheets", assets.stylesheets.clone());
    context.insert_value("scripts", assets.scripts.clone());
    context.insert("root", &assets.root);
    context.insert("assets_root", &assets.assets_root);
}

impl RenderContext<'_> {
    /// The template a page uses.
    pub fn template_for(&self, page: usize) -> &str {
        let page_data = &self.site.pages[page];
        if let Some(name) = &page_data.front.template {
            return name;
        }
        match (page, page_data.kind) {
            (Site::HOME, _) => "index.html",
            (_, PageKind::Section) => "section.html",
            (_, PageKind::Page) => "page.html",
        }
    }

    /// Checks that every page's template exists.
    pub fn check_templates(&self) -> Vec<Diagnostic> {
        (0..self.site.pages.len())
            .filter(|&page| !self.templates.has(self.template_for(page)))
            .map(|page| {
                let data = &self.site.pages[page];
                let name = self.template_for(page);
                let (line, column) = data.locate_in_front("template", 1);
                data.error_at(line, column, format!("unknown template `{name}`"))
                    .hint(format!(
                        "create `themes/{}/templates/{name}`, or use a built-in one: {}",
                        self.site.config.theme,
                        crate::templates::builtin_template_names()
                            .filter(|n| !n.contains('/'))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
            })
            .collect()
    }

    /// Renders one page to HTML.
    pub fn render_page(&self, page: usize) -> Result<String, Diagnostic> {
        self.render_page_with(page, &self.rendered[page].html)
    }

    /// Renders one page to HTML from its rendered Markdown `markdown_html`
    /// (for a caller that took it out of [`RenderContext::rendered`] to
    /// free it as soon as the page is made).
    pub fn render_page_with(&self, page: usize, markdown_html: &str) -> Result<String, Diagnostic> {
        let data = &self.site.pages[page];
        let content = splice_step_meta(markdown_html, page, &self.step_html());
        let (previous, next) = self.navigation.neighbours(page);
        let kind = match (page, data.kind) {
            (Site::HOME, _) => "index",
            (_, PageKind::Section) => "section",
            (_, PageKind::Page) => "page",
        };
        let detail = checklist::top_level(self.site, page)
            .map(|top| section_steps_url(&self.site.pages[top].url));
        let shared = self.navigation.shared(page);
        let mut context = self.page_context(&data.url, kind, detail.as_deref(), &shared);
        self.insert_languages(&mut context, &data.url, Some(&data.key));
        let site_nav = self.site_nav(&shared, &data.url, kind)?;
        let site_nav = tera::Value::safe_string(&mark_current(site_nav, &data.key));
        context.insert_value("site_nav", site_nav.clone());
        context.insert_value("nav", shared.nav);
        context.insert("nav_hidden", &shared.nav_hidden);
        context.insert_value("breadcrumbs", shared.breadcrumbs);
        context.insert("previous", &previous);
        context.insert("next", &next);
        context.insert("page", &self.page_value(page, &content));
        context.insert("pages", &self.children(page));
        context.insert("groups", &Vec::<()>::new());
        self.insert_conditions(&mut context, page);
        let site_nav = site_nav.as_str().unwrap_or_default();
        self.templates.render_sized(
            self.template_for(page),
            &context,
            content.len() + site_nav.len() + PAGE_FRAME_BYTES,
            &[&content, site_nav],
        )
    }

    /// The sidebar of the group `shared` belongs to, rendered from
    /// [`SITE_NAV`] the first time a page of the group asks, without a
    /// current entry. `from` is the page's folder and `kind` its kind; both
    /// are the same for every page of a group.
    fn site_nav<'s>(
        &self,
        shared: &'s SharedNav,
        from: &str,
        kind: &str,
    ) -> Result<&'s str, Diagnostic> {
        if let Some(html) = shared.html.get() {
            return Ok(html);
        }
        let mut context = tera::Context::new();
        context.insert_value("nav", shared.nav.clone());
        context.insert("nav_hidden", &shared.nav_hidden);
        context.insert("root", &root_prefix(from));
        context.insert("kind", kind);
        let html = self.templates.render(SITE_NAV, &context)?;
        Ok(shared.html.get_or_init(|| html))
    }

    /// `page_questions` (the ids of the questions that matter on the page,
    /// for the answers panel) and `page_when` (the page's own and its
    /// sections' condition in words, "" when none).
    fn insert_conditions(&self, context: &mut tera::Context, page: usize) {
        let questions = page_questions(self.site, page, &self.steps[page]);
        let when = page_condition(self.site, page);
        context.insert("page_questions", &questions);
        context.insert(
            "page_when",
            &condition::words(&self.site.config, &when, self.language),
        );
    }

    fn step_html(&self) -> StepHtml<'_> {
        StepHtml {
            site: self.site,
            steps: self.steps,
            language: self.language,
        }
    }

    /// The variables every template gets that differ between pages; `site`
    /// and `t` are the same for all, so they are converted once, into the
    /// templates' globals (see [`set_template_globals`]).
    /// `detail` is the step details file of the page's top-level entry
    /// (see [`section_steps_url`]), loaded after the manifest when the site
    /// is split.
    pub fn base_context(&self, from: &str, kind: &str, detail: Option<&str>) -> tera::Context {
        let assets = self.asset_values(root_prefix(from), detail);
        let mut context = tera::Context::new();
        insert_base(&mut context, kind, &assets);
        self.insert_languages(&mut context, from, None);
        context
    }

    /// `languages`: a link to this page in every language of the site
    /// (empty on a site of one language), for the switcher and the
    /// `hreflang` links; the page `key` in folder `from`, or with `None`
    /// the generated page there.
    fn insert_languages(&self, context: &mut tera::Context, from: &str, key: Option<&str>) {
        let links = self.languages.map_or_else(Vec::new, |languages| {
            languages.links(self.language_index, from, key)
        });
        context.insert("languages", &links);
    }

    /// The way from a language's root to the output root, where the shared
    /// theme files are: `""` for the default language, `../` from `en/`.
    pub fn up_to_output_root(&self) -> String {
        self.languages
            .and_then(|languages| languages.entries.get(self.language_index))
            .map_or_else(String::new, |entry| root_prefix(&entry.prefix))
    }

    /// `path` (relative to the output root of the shared theme files when
    /// it is one of them, else to the language's root) as seen from the
    /// language's root.
    pub fn from_language_root(&self, path: &str) -> String {
        if path.starts_with(THEME_ASSETS) {
            format!("{}{path}", self.up_to_output_root())
        } else {
            path.to_owned()
        }
    }

    /// [`RenderContext::base_context`] for a page, with the stylesheets and
    /// scripts converted once for its group (`shared`).
    fn page_context(
        &self,
        from: &str,
        kind: &str,
        detail: Option<&str>,
        shared: &SharedNav,
    ) -> tera::Context {
        let root = root_prefix(from);
        let made = shared
            .assets
            .get_or_init(|| self.asset_values(root.clone(), detail));
        let mut context = tera::Context::new();
        if made.root == root && made.detail.as_deref() == detail {
            insert_base(&mut context, kind, made);
        } else {
            insert_base(&mut context, kind, &self.asset_values(root, detail));
        }
        context
    }

    /// The stylesheets and scripts of a page `root` away from the output
    /// root, with the step details file `detail`.
    fn asset_values(&self, root: String, detail: Option<&str>) -> AssetValues {
        let mut scripts: Vec<String> = self
            .scripts
            .iter()
            .map(|s| format!("{root}{}", self.from_language_root(s)))
            .collect();
        if let Some(detail) = detail.filter(|_| self.split) {
            scripts.insert(1.min(scripts.len()), format!("{root}{detail}"));
        }
        let stylesheets: Vec<String> = self
            .stylesheets
            .iter()
            .map(|s| format!("{root}{}", self.from_language_root(s)))
            .collect();
        AssetValues {
            assets_root: format!("{root}{}", self.up_to_output_root()),
            stylesheets: tera::Value::from_serializable(&stylesheets),
            scripts: tera::Value::from_serializable(&scripts),
            detail: detail.map(str::to_owned),
            root,
        }
    }

    fn page_value<'p>(&'p self, page: usize, content: &'p str) -> PageValue<'p> {
        let data = &self.site.pages[page];
        let updated = self.dates.get(data.own_source());
        PageValue {
            content,
            description: data.front.description.as_deref().unwrap_or_default(),
            edit_url: self
                .site
                .config
                .edit_url
                .as_deref()
                .map(|base| absolute_url(base, data.own_source())),
            extra: &data.front.extra,
            key: &data.key,
            phase: data
                .front
                .phase
                .as_deref()
                .and_then(|phase| self.site.config.phase_label(phase)),
            role: data
                .front
                .role
                .as_deref()
                .and_then(|role| self.site.config.role_label(role)),
            step_count: self.steps[page].len(),
            title: &data.front.title,
            toc: &self.rendered[page].toc,
            untranslated: (data.translation == Translation::Fallback)
                .then_some(self.site.config.default_language.as_str()),
            updated: updated.map(|updated| updated.in_words(self.language)),
            updated_datetime: updated.map(|u| u.datetime.as_str()),
        }
    }

    fn children(&self, page: usize) -> Vec<ChildLink<'_>> {
        let from = &self.site.pages[page].url;
        self.site.pages[page]
            .children
            .iter()
            .map(|&child| {
                let data = &self.site.pages[child];
                ChildLink {
                    title: &data.front.title,
                    lang: self.site.untranslated_lang(child),
                    url: page_href(from, &data.url),
                    description: data.front.description.as_deref().unwrap_or_default(),
                    kind: if data.kind == PageKind::Section {
                        "section"
                    } else {
                        "page"
                    },
                    key: &data.key,
                    step_count: self.steps[child].len(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::mark_current;

    #[test]
    fn the_current_entry_is_marked_after_its_escaped_key() {
        let html = r#"<a href="a" data-key="s/a">A</a><a href="b" data-key="s/b&amp;c">B</a>"#;
        assert_eq!(
            mark_current(html, "s/b&c"),
            r#"<a href="a" data-key="s/a">A</a><a href="b" data-key="s/b&amp;c" aria-current="page">B</a>"#
        );
        assert_eq!(mark_current(html, "s/c"), html, "a page not in the list");
        assert_eq!(
            mark_current(html, "s"),
            html,
            "a key that is only the start of another"
        );
    }
}

//! What joins a site's languages once each is loaded: where each page is in
//! every language (for the switcher, `hreflang` links and the sitemap), the
//! warnings for steps only one language has, the output folders a second
//! language claims, and the sink that puts a language's files there.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::content::{Site, Translation};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::{OutputFile, OutputSink};
use crate::output_path::OutputPath;
use crate::steps::Step;
use crate::urls::{absolute_url, page_href};

/// One language of the site, as links name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageEntry {
    /// BCP 47 tag.
    pub tag: String,
    /// The language's name in itself (`中文`, `English`).
    pub name: String,
    /// Its output folder: `""` for the default language, `TAG/` else.
    pub prefix: String,
}

/// Every language of a site and where each page is in each.
#[derive(Debug, Clone, Default)]
pub struct SiteLanguages {
    /// The languages, the default first.
    pub entries: Vec<LanguageEntry>,
    /// Per language, each page's output folder (inside the language's
    /// folder) by page key.
    urls: Vec<HashMap<String, String>>,
}

/// A link to the current page in one language.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageLink {
    /// BCP 47 tag (`hreflang`, `lang`).
    pub tag: String,
    /// The language's own name.
    pub name: String,
    /// Relative link to the page in that language.
    pub href: String,
    /// Whether it is the page's own language.
    pub current: bool,
}

/// The name of a language in itself, for a tag `[languages.TAG]` gives no
/// `name` for.
pub fn language_name(tag: &str, given: Option<&str>) -> String {
    if let Some(name) = given {
        return name.to_owned();
    }
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    match primary.as_str() {
        "zh" => "中文",
        "en" => "English",
        "ja" => "日本語",
        "ko" => "한국어",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        _ => tag,
    }
    .to_owned()
}

impl SiteLanguages {
    /// The languages of `sites` (the default language's first, then each
    /// `[languages.TAG]` in the order of its config).
    pub fn new(sites: &[&Site]) -> Self {
        let mut entries = Vec::with_capacity(sites.len());
        let mut urls = Vec::with_capacity(sites.len());
        for (index, site) in sites.iter().enumerate() {
            let config = &site.config;
            let given = config
                .languages
                .iter()
                .find(|language| language.tag == config.language)
                .and_then(|language| language.name.as_deref());
            entries.push(LanguageEntry {
                tag: config.language.clone(),
                name: language_name(&config.language, given),
                prefix: if index == 0 {
                    String::new()
                } else {
                    format!("{}/", config.language)
                },
            });
            urls.push(
                site.pages
                    .iter()
                    .map(|page| (page.key.clone(), page.url.clone()))
                    .collect(),
            );
        }
        Self { entries, urls }
    }

    /// The output folder (from the output root) of the page `key`, or of
    /// the generated page in `folder` when `key` is `None`, in language
    /// `language`; the language's home when it has no such page.
    fn target(&self, language: usize, key: Option<&str>, folder: &str) -> String {
        let prefix = &self.entries[language].prefix;
        let inner = match key {
            Some(key) => self.urls[language].get(key).map_or("", String::as_str),
            None => folder,
        };
        format!("{prefix}{inner}")
    }

    /// Links from the page in `folder` of language `current` to the same
    /// page in every language: the page `key`, or with `None` the generated
    /// page (checklist, 404) in the same folder.
    pub fn links(&self, current: usize, folder: &str, key: Option<&str>) -> Vec<LanguageLink> {
        let from = format!("{}{folder}", self.entries[current].prefix);
        self.entries
            .iter()
            .enumerate()
            .map(|(language, entry)| LanguageLink {
                tag: entry.tag.clone(),
                name: entry.name.clone(),
                href: page_href(&from, &self.target(language, key, folder)),
                current: language == current,
            })
            .collect()
    }

    /// The absolute URL of the page `key` (or generated folder) in each
    /// language, under `base`, for the sitemap.
    pub fn absolute(&self, base: &str, key: Option<&str>, folder: &str) -> Vec<(String, String)> {
        (0..self.entries.len())
            .map(|language| {
                (
                    self.entries[language].tag.clone(),
                    absolute_url(base, &self.target(language, key, folder)),
                )
            })
            .collect()
    }
}

/// A warning for every step that a translated page and its original do not
/// both have (matched by id: the reader's ticks are shared by id), at the
/// step in the file that has it.
pub fn step_warnings(
    main: (&Site, &[Vec<Step>]),
    translated: (&Site, &[Vec<Step>]),
) -> Vec<Diagnostic> {
    let (main_site, main_steps) = main;
    let (site, steps) = translated;
    let by_key: HashMap<&str, usize> = main_site
        .pages
        .iter()
        .enumerate()
        .map(|(index, page)| (page.key.as_str(), index))
        .collect();
    let tag = &site.config.language;
    let mut warnings = Vec::new();
    for (index, page) in site.pages.iter().enumerate() {
        let Translation::Own(own) = &page.translation else {
            continue;
        };
        let Some(&original) = by_key.get(page.key.as_str()) else {
            continue;
        };
        let original_page = &main_site.pages[original];
        let ids = |list: &[Step]| -> HashSet<Box<str>> {
            list.iter().map(|step| step.id.clone()).collect()
        };
        let (theirs, ours) = (ids(&main_steps[original]), ids(&steps[index]));
        for step in steps[index]
            .iter()
            .filter(|step| !theirs.contains(&step.id))
        {
            warnings.push(
                page.error_at(step.line, 1, format!("step `{}` is in this `{tag}` translation but not in `{}`", step.id, original_page.file.display()))
                    .hint("a translation keeps its original's step ids, so readers' ticks carry over: write the same `{#id}` as the original, or add the step there")
                    .warning(),
            );
        }
        for step in main_steps[original]
            .iter()
            .filter(|step| !ours.contains(&step.id))
        {
            warnings.push(
                original_page
                    .error_at(step.line, 1, format!("step `{}` is not in the `{tag}` translation `content/{own}`", step.id))
                    .hint("translate the step with the same `{#id}`, so readers who switch language keep their tick")
                    .warning(),
            );
        }
    }
    warnings
}

/// Errors for pages and files of the default language whose output would
/// land in a second language's folder (`en/`).
pub fn output_clashes(site: &Site) -> Diagnostics {
    let mut problems = Diagnostics::default();
    for language in &site.config.languages {
        let folder = format!("{}/", language.tag);
        let claims = |path: &str| {
            path.eq_ignore_ascii_case(&folder[..folder.len() - 1])
                || path
                    .get(..folder.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(&folder))
        };
        for page in site.pages.iter().filter(|page| claims(&page.url)) {
            let (line, column) = page.locate_key_in_front("slug");
            problems.push(
                page.error_at(line, column, format!("this page's output folder `{}` is inside `{folder}`, where the `{}` pages go", page.url, language.tag))
                    .hint("rename its folder or give it another `slug`"),
            );
        }
        for asset in site.assets.iter().filter(|asset| claims(&asset.output)) {
            problems.push(
                Diagnostic::new(
                    format!("content/{}", asset.source),
                    format!(
                        "this file's output `{}` is inside `{folder}`, where the `{}` pages go",
                        asset.output, language.tag
                    ),
                )
                .hint("rename the folder it is in"),
            );
        }
    }
    problems
}

/// Puts every file under a language's folder (`en/`) of another sink.
pub struct PrefixSink<'a> {
    /// Where the files go.
    pub inner: &'a dyn OutputSink,
    /// The folder, ending in `/`.
    pub prefix: &'a str,
}

impl OutputSink for PrefixSink<'_> {
    fn put(&self, file: OutputFile) -> anyhow::Result<()> {
        let path = OutputPath::new(format!("{}{}", self.prefix, file.path.as_str()))?;
        self.inner.put(OutputFile {
            path,
            contents: file.contents,
        })
    }
}

/// `problems` of a second language's site, each one found in a page that
/// is not translated yet (the default language's file, read again for the
/// second language, whose links there lead to the translations) saying so:
/// the same file built fine as the default language's.
pub fn in_language_site(site: &Site, problems: Diagnostics) -> Diagnostics {
    let tag = &site.config.language;
    if *tag == site.config.default_language {
        return problems;
    }
    let stand_ins: HashSet<&std::path::Path> = site
        .pages
        .iter()
        .filter(|page| page.translation == Translation::Fallback)
        .map(|page| page.file.as_path())
        .collect();
    Diagnostics(
        problems
            .0
            .into_iter()
            .map(|mut problem| {
                if stand_ins.contains(problem.path.as_path()) {
                    problem.message = format!(
                        "in the `{tag}` site, where this page is not translated yet: {}",
                        problem.message
                    );
                    let hint = problem.hint.take().unwrap_or_default();
                    problem.hint = Some(format!(
                        "{hint}{}its links lead to the `{tag}` pages there: give a heading the same `{{#id}}` in both languages, or translate this page",
                        if hint.is_empty() { "" } else { "; " }
                    ));
                }
                problem
            })
            .collect(),
    )
}

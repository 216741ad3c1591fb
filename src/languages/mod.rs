//! A second content language (`[languages.TAG]` in `site.toml`, pages in
//! `page.TAG.md` beside `page.md`, Zola's convention): which files belong to
//! which language, the links between a page and its translations, the
//! warnings for steps only one language has, and the output folder a
//! language's files go to.

mod config;

pub use config::{
    Declared, LanguageConfig, QuestionLabels, RawLanguage, is_language_tag, resolve_languages,
};

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::Translation;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};

/// A Markdown file a language's site reads for one of its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageFile {
    /// The file read.
    pub read_from: PathBuf,
    /// The default language's file the page stands for (its place in the
    /// tree and its key).
    pub original: PathBuf,
    /// Whether the page is a translation, a stand-in or neither.
    pub translation: Translation,
}

/// The language suffix of a Markdown file's name (`en` of `page.en.md`):
/// the last dot-separated part of its stem, when it has the shape of a
/// language tag.
pub fn language_suffix(path: &Path) -> Option<&str> {
    let stem = path.file_stem()?.to_str()?;
    let (_, suffix) = stem.rsplit_once('.')?;
    is_language_tag(suffix).then_some(suffix)
}

/// `page.en.md` → `page.md`.
fn original_of(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    let original = name.replacen(&format!(".{suffix}.md"), ".md", 1);
    path.with_file_name(original)
}

/// The Markdown files of the site of `config.language` (all of `markdown`,
/// every `.md` under `content/`): for the default language the files
/// without a language suffix; for another, each of those replaced by its
/// translation where there is one (else read as it is, marked
/// [`Translation::Fallback`]). A file whose suffix is not a declared second
/// language, and a translation without an original, are errors.
pub fn page_files(
    markdown: &[PathBuf],
    content: &Path,
    root: &Path,
    config: &Config,
) -> Result<Vec<PageFile>, Diagnostics> {
    let present: HashSet<&Path> = markdown.iter().map(PathBuf::as_path).collect();
    let mut problems = Diagnostics::default();
    let mut originals = Vec::with_capacity(markdown.len());
    for path in markdown {
        let Some(suffix) = language_suffix(path) else {
            originals.push(path);
            continue;
        };
        if let Some(problem) = suffix_problem(path, suffix, &present, root, config) {
            problems.push(problem);
        }
    }
    problems.into_result()?;
    let current = config.language.as_str();
    let second = current != config.default_language;
    Ok(originals
        .into_iter()
        .map(|original| {
            let translated = second
                .then(|| translation_path(original, current))
                .filter(|path| present.contains(path.as_path()));
            match translated {
                Some(read_from) => PageFile {
                    translation: Translation::Own(crate::content::source_of(&read_from, content)),
                    read_from,
                    original: original.clone(),
                },
                None => PageFile {
                    read_from: original.clone(),
                    original: original.clone(),
                    translation: if second {
                        Translation::Fallback
                    } else {
                        Translation::None
                    },
                },
            }
        })
        .collect())
}

/// `page.md` → `page.TAG.md`.
pub fn translation_path(original: &Path, tag: &str) -> PathBuf {
    original.with_extension(format!("{tag}.md"))
}

/// What is wrong with the file `path` whose name ends in `.SUFFIX.md`.
fn suffix_problem(
    path: &Path,
    suffix: &str,
    present: &HashSet<&Path>,
    root: &Path,
    config: &Config,
) -> Option<Diagnostic> {
    let file = display_path(path, root);
    let original = original_of(path, suffix);
    let original_name = original
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    if suffix.eq_ignore_ascii_case(&config.default_language) {
        return Some(
            Diagnostic::new(
                file,
                format!(
                    "`{suffix}` is the site's default language: its pages have no language suffix"
                ),
            )
            .hint(format!("rename the file to `{original_name}`")),
        );
    }
    if !config
        .languages
        .iter()
        .any(|language| language.tag == suffix)
    {
        return Some(
            Diagnostic::new(file, format!("the file name ends in `.{suffix}.md`, but `{suffix}` is not a language of the site"))
                .hint(format!("declare it in `site.toml` with a `[languages.{suffix}]` table and a `title`, or rename the file without the `.{suffix}` (e.g. `{}`)", original_name.replace(".md", &format!("-{suffix}.md")))),
        );
    }
    if !present.contains(original.as_path()) {
        return Some(
            Diagnostic::new(file, format!("this `{suffix}` translation has no original: `{original_name}` is missing beside it"))
                .hint(format!("a translation takes its place, key and steps from the default language's page: add `{original_name}`, or rename this file to it if the page is only in one language")),
        );
    }
    None
}

mod links;

pub use links::{
    LanguageEntry, LanguageLink, PrefixSink, SiteLanguages, in_language_site, language_name,
    output_clashes, step_warnings,
};

//! The site model: every page and section under `content/`, read from disk,
//! front matter parsed, arranged into a tree in `weight` order with its
//! output URL. Nothing here renders; see [`crate::markdown`] and
//! [`crate::render`].

mod front_matter;
mod load;
mod source;
mod tree;

use std::path::{Path, PathBuf};

pub use front_matter::{FrontMatter, SLUG_HINT, StepMeta, StepMetas, When, check_slug};
pub use load::{LoadOptions, is_ignored, load_site, read_page, source_of};
pub use source::{MAX_SOURCE_BYTES, read_source};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, LineCache, line_column};

/// Whether a page is a section (`_index.md`) or a plain page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `_index.md`: a folder's own page, listing its children.
    Section,
    /// Any other `.md` file.
    Page,
}

/// One page (or section) of the site.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to `content/`, with `/` separators (`a/_index.md`).
    pub source: String,
    /// Path for messages, relative to the site root (`content/a/_index.md`).
    pub file: PathBuf,
    /// Path on disk, to quote the file again after [`Page::release_body_of`].
    pub path: PathBuf,
    /// Stable identity for reader progress: `source` without `.md`.
    pub key: String,
    /// Section or page.
    pub kind: PageKind,
    /// Where the lines of a body with `{{#include}}`s came from (`None`
    /// without includes): `text` then holds the expanded body, and
    /// [`Page::error_at`] points into the file each line came from.
    pub includes: Option<Box<crate::include::LineMap>>,
    /// Parsed front matter.
    pub front: FrontMatter,
    /// The whole file's text (for error excerpts).
    pub text: String,
    /// Byte range of the front matter text inside `text`.
    pub front_range: std::ops::Range<usize>,
    /// 1-based line where the front matter text starts.
    pub front_first_line: usize,
    /// Byte offset of the Markdown body inside `text`.
    pub body_start: usize,
    /// The body was freed ([`Page::release_body_of`]): error excerpts are read
    /// from the file again.
    pub body_released: bool,
    /// 1-based line where the body starts.
    pub body_first_line: usize,
    /// The file's lines, indexed by its first error (see [`Page::error_at`]).
    pub quotes: LineCache,
    /// Output folder relative to the output root: `""` for the home page,
    /// else ending in `/` (`before-leaving/unbind/`). Made only of names
    /// checked to be ordinary (folder and file names, `slug`s; see
    /// [`crate::output_path`]) when the site is arranged.
    pub url: String,
    /// The section this page belongs to (`None` for the home page).
    pub parent: Option<usize>,
    /// Pages and sections inside this section, in order.
    pub children: Vec<usize>,
    /// In a second language's site, which file the page was read from.
    pub translation: Translation,
}

/// Which language's file a page was read from (see [`crate::languages`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Translation {
    /// A page of the default language's site, or one the generator made.
    #[default]
    None,
    /// A second language's own file (`page.en.md`): its path under
    /// `content/`. The page's `source` and `key` are the original's, so
    /// the tree, the links and the readers' saved ticks are the same.
    Own(String),
    /// A second language's page that has no translation: the default
    /// language's file stands in for it, marked as not yet translated.
    Fallback,
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// Frees the Markdown body in a page's text once it is rendered, for a
    /// build that will not render it again (at 10,000 pages some 45 MB).
    /// The build holds the text apart from its page while rendering (each
    /// thread frees the body it finished) and then sets
    /// [`Page::body_released`]: afterwards [`Page::body`] is empty, the
    /// front matter stays, and [`Page::error_at`] quotes the file from disk.
    pub fn release_body_of(text: &mut String, body_start: usize) {
        text.truncate(body_start);
        text.shrink_to_fit();
    }

    /// Frees the file's text once every check that quotes it has run (a
    /// build that will not report positions in it again). Afterwards
    /// [`Page::body`] and [`Page::front_text`] are empty.
    pub fn release_text(&mut self) {
        self.text = String::new();
        self.front_range = 0..0;
        self.body_start = 0;
        self.body_released = true;
        self.quotes = LineCache::default();
    }

    /// The path under `content/` of the file the page was read from: its
    /// translation's in a second language, else [`Page::source`].
    pub fn own_source(&self) -> &str {
        match &self.translation {
            Translation::Own(source) => source,
            _ => &self.source,
        }
    }

    /// The front matter text.
    pub fn front_text(&self) -> &str {
        &self.text[self.front_range.clone()]
    }

    /// Folder of the source file relative to `content/` (`""` at the top).
    pub fn source_dir(&self) -> &str {
        self.source
            .rfind('/')
            .map_or("", |slash| &self.source[..slash])
    }

    /// A diagnostic about this page at a file position.
    pub fn error_at(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        if let Some(map) = &self.includes {
            return self.error_in_includes(map, line, column, message.into());
        }
        let diagnostic = Diagnostic::new(&self.file, message).at(line, column);
        // Errors are rare: reading the file again costs less than keeping
        // every page's text for them. Unreadable now, it is quoted no more.
        // The first error indexes the file's lines for the others.
        self.quotes.quote(diagnostic, || {
            if self.body_released {
                std::fs::read_to_string(&self.path).ok()
            } else {
                Some(self.text.clone())
            }
        })
    }

    /// [`Page::error_at`] for a page with includes: the position is mapped
    /// to the file and line it came from, quoted from that file on disk
    /// (the page's own `text` holds the expanded body).
    fn error_in_includes(
        &self,
        map: &crate::include::LineMap,
        line: usize,
        column: usize,
        message: String,
    ) -> Diagnostic {
        match map.locate(line) {
            Some((origin, original)) if origin.path != self.path => {
                let diagnostic = Diagnostic::new(&origin.shown, message).at(original, column);
                match std::fs::read_to_string(&origin.path) {
                    Ok(text) => diagnostic.with_source(&text),
                    Err(_) => diagnostic,
                }
            }
            found => {
                let line = found.map_or(line, |(_, original)| original);
                let diagnostic = Diagnostic::new(&self.file, message).at(line, column);
                self.quotes
                    .quote(diagnostic, || std::fs::read_to_string(&self.path).ok())
            }
        }
    }

    /// Whether this page includes the file `shown` (relative to the root).
    pub fn includes_file(&self, shown: &std::path::Path) -> bool {
        self.includes
            .as_ref()
            .is_some_and(|map| map.included().any(|origin| origin.shown == shown))
    }

    /// File position (line, column) of the first front-matter line that
    /// contains `needle`, searching from `from_line`.
    pub fn locate_in_front(&self, needle: &str, from_line: usize) -> (usize, usize) {
        let front = self.front_text();
        let skip = from_line.saturating_sub(self.front_first_line);
        for (index, line) in front.lines().enumerate().skip(skip) {
            if let Some(byte) = line.find(needle) {
                return (
                    self.front_first_line + index,
                    line[..byte].chars().count() + 1,
                );
            }
        }
        (self.front_first_line.saturating_sub(1).max(1), 1)
    }

    /// Like [`Page::locate_in_front`], but only where `word` stands alone:
    /// not inside a longer id (`sub` is not found in `subb` or `"sub-x"`).
    /// Falls back to [`Page::locate_in_front`] when it never does.
    pub fn locate_word_in_front(&self, word: &str, from_line: usize) -> (usize, usize) {
        let front = self.front_text();
        let skip = from_line.saturating_sub(self.front_first_line);
        for (index, line) in front.lines().enumerate().skip(skip) {
            if let Some(byte) = find_word(line, word) {
                return (
                    self.front_first_line + index,
                    line[..byte].chars().count() + 1,
                );
            }
        }
        self.locate_in_front(word, from_line)
    }

    /// File position of the page's own (top-level) field `key`: the first
    /// unindented `key =` (TOML; a page's fields come before its tables)
    /// or `key:` (YAML), not a step's field of the same name. Falls back to
    /// [`Page::locate_word_in_front`].
    pub fn locate_key_in_front(&self, key: &str) -> (usize, usize) {
        let front = self.front_text();
        for (index, line) in front.lines().enumerate() {
            let Some(rest) = line.strip_prefix(key) else {
                continue;
            };
            if rest.trim_start().starts_with(['=', ':']) {
                return (self.front_first_line + index, 1);
            }
        }
        self.locate_word_in_front(key, 1)
    }

    /// File position of the metadata of step `id`: its `[steps.ID]` table
    /// (TOML) or its `ID:` key (YAML), so that an id which also appears in
    /// a title or in another step's `requires` is not taken for it. Falls
    /// back to the first line holding the id.
    pub fn locate_step_meta(&self, id: &str) -> (usize, usize) {
        let front = self.front_text();
        let headers = [
            format!("[steps.{id}]"),
            format!("[steps.\"{id}\"]"),
            format!("[steps.'{id}']"),
        ];
        let yaml_keys = [format!("{id}:"), format!("\"{id}\":"), format!("'{id}':")];
        // YAML step keys are indented under a top-level `steps:`.
        let mut in_steps = false;
        for (index, line) in front.lines().enumerate() {
            let trimmed = line.trim();
            if !line.starts_with(char::is_whitespace) && !trimmed.is_empty() {
                in_steps = trimmed.starts_with("steps:");
            }
            let found = headers.iter().any(|header| trimmed == header)
                || (in_steps
                    && line.starts_with(char::is_whitespace)
                    && yaml_keys
                        .iter()
                        .any(|key| trimmed.starts_with(key.as_str())));
            if found {
                // The id itself, as other messages about a step show it.
                let byte = line.find(id).unwrap_or(0);
                return (
                    self.front_first_line + index,
                    line[..byte].chars().count() + 1,
                );
            }
        }
        self.locate_in_front(id, 1)
    }
}

/// Byte offset of the first `word` in `line` with no id character (letter,
/// digit, `-`, `_`) right before or after it.
fn find_word(line: &str, word: &str) -> Option<usize> {
    let is_id = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    line.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        !before.is_some_and(is_id) && !after.is_some_and(is_id)
    })
}

/// A non-Markdown file under `content/`, copied beside its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Path relative to `content/` with `/` separators.
    pub source: String,
    /// Absolute path on disk.
    pub path: PathBuf,
    /// Output path relative to the output root, made only of names checked
    /// to be ordinary when the site is arranged.
    pub output: String,
}

/// Everything under `content/`, arranged.
#[derive(Debug, Clone)]
pub struct Site {
    /// The resolved configuration.
    pub config: Config,
    /// The site root folder.
    pub root: PathBuf,
    /// All pages; index 0 is the home page.
    pub pages: Vec<Page>,
    /// Files copied as they are.
    pub assets: Vec<Asset>,
    /// Non-fatal problems (e.g. a folder without `_index.md`).
    pub warnings: Vec<Diagnostic>,
}

impl Site {
    /// Index of the home page.
    pub const HOME: usize = 0;

    /// The page whose source path (relative to `content/`) is `source`.
    pub fn page_by_source(&self, source: &str) -> Option<usize> {
        self.pages.iter().position(|page| page.source == source)
    }

    /// The language of page `index`'s text when it is not the site's: on
    /// a second language's page not yet translated, the default language
    /// (for `lang` wherever its title or text shows).
    pub fn untranslated_lang(&self, index: usize) -> Option<&str> {
        (self.pages[index].translation == Translation::Fallback)
            .then_some(self.config.default_language.as_str())
    }

    /// The pages in reading order: depth-first through the tree, the home
    /// page first.
    pub fn reading_order(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.pages.len());
        let mut stack = vec![Self::HOME];
        while let Some(index) = stack.pop() {
            order.push(index);
            stack.extend(self.pages[index].children.iter().rev());
        }
        order
    }

    /// The content folder.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(CONTENT_DIR)
    }
}

/// The folder under the site root that holds the pages.
pub const CONTENT_DIR: &str = "content";

/// Decodes file bytes as UTF-8, or says where the first invalid byte is.
pub fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let (line, column) = line_column(&prefix, prefix.len());
        Diagnostic::new(path, "the file is not valid UTF-8")
            .at(line, column)
            .hint("save the file as UTF-8 (most editors: \"Save with encoding\" → UTF-8)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stand_alone() {
        assert_eq!(find_word("[\"sub\", \"su\"]", "su"), Some(9));
        assert_eq!(find_word("account: [sub, su]", "su"), Some(15));
        assert_eq!(find_word("subb sub-x", "sub"), None);
        assert_eq!(find_word("a.md#x", "x"), Some(5));
    }

    #[test]
    fn invalid_utf8_names_the_place() {
        let error = decode_utf8(Path::new("a.md"), b"ok\nab\xff".to_vec()).expect_err("bad byte");
        assert_eq!(error.location, Some((2, 3)));
    }
}

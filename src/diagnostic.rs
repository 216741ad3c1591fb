//! User-facing errors about things authors fix: a file, a place in it, what is
//! wrong and how to mend it. Content problems are data, collected over a whole
//! run and reported together, so one build shows every mistake at once.

use std::fmt;
use std::path::{Path, PathBuf};

mod line_cache;
pub use line_cache::LineCache;

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// An error (the build fails) or a warning (it goes on).
    pub severity: Severity,
    /// The file, as the author would name it (relative to the site root where
    /// possible).
    pub path: PathBuf,
    /// 1-based line and column, where there is one.
    pub location: Option<(usize, usize)>,
    /// What is wrong: lower-case, identifiers in backticks.
    pub message: String,
    /// How to mend it.
    pub hint: Option<String>,
    /// The offending source line, shown with a caret under the column. A
    /// long line is cut to a window around the column, with `…` marks.
    pub source_line: Option<String>,
    /// 1-based column of the caret in `source_line`: the location's column,
    /// or less when the start of a long line was cut off.
    pub source_caret: usize,
}

/// How bad a problem is: what its first word says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Severity {
    /// The build fails.
    #[default]
    Error,
    /// Said, counted, and the build goes on.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
        })
    }
}

/// Characters of a long source line quoted around the column.
const EXCERPT_CHARS: usize = 100;

/// Characters of a message or hint shown (a message can quote a name of any
/// length from the source).
const MESSAGE_CHARS: usize = 300;

impl Diagnostic {
    /// A problem with a whole file.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.into(),
            location: None,
            message: shorten(message.into(), MESSAGE_CHARS),
            hint: None,
            source_line: None,
            source_caret: 0,
        }
    }

    /// Makes it a warning: said and counted, and the build goes on.
    #[must_use]
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Adds the 1-based line and column.
    #[must_use]
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.location = Some((line, column.max(1)));
        self
    }

    /// Adds a hint on how to mend the problem.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(shorten(hint.into(), MESSAGE_CHARS));
        self
    }

    /// Adds the offending line from `source` (the whole file's text), if the
    /// diagnostic has a location inside it. Of a long line only a window of
    /// about [`EXCERPT_CHARS`] characters around the column is kept.
    #[must_use]
    pub fn with_source(self, source: &str) -> Self {
        let text = self
            .location
            .and_then(|(line, _)| source.lines().nth(line.saturating_sub(1)));
        self.quote_line(text)
    }

    /// Quotes `text`, the line of the diagnostic's location, if there is one.
    fn quote_line(mut self, text: Option<&str>) -> Self {
        if let (Some(text), Some((_, column))) = (text, self.location) {
            let (excerpt, caret) = excerpt(text, column);
            self.source_line = Some(excerpt);
            self.source_caret = caret;
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match self.location {
            Some((line, column)) => writeln!(
                f,
                "{}: {path}:{line}:{column}: {}",
                self.severity, self.message
            )?,
            None => writeln!(f, "{}: {path}: {}", self.severity, self.message)?,
        }
        if let (Some(text), Some((line, _))) = (&self.source_line, self.location) {
            let gutter = line.to_string().len();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{line} | {text}")?;
            writeln!(
                f,
                "{:gutter$} | {}^",
                "",
                caret_padding(text, self.source_caret)
            )?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// The part of `line` quoted under a message, and the 1-based column of the
/// caret in it. A line of more than [`EXCERPT_CHARS`] characters is cut to
/// that many around `column` (1-based, in characters), with `…` where text
/// was left out; cuts fall between characters, never inside one.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let length = line.chars().count();
    if length <= EXCERPT_CHARS {
        return (line.to_owned(), column.max(1));
    }
    let at = (column.max(1) - 1).min(length);
    let start = at
        .saturating_sub(EXCERPT_CHARS / 2)
        .min(length - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    let mut text = String::with_capacity(EXCERPT_CHARS * 4 + 6);
    if start > 0 {
        text.push('…');
    }
    text.extend(line.chars().skip(start).take(EXCERPT_CHARS));
    if end < length {
        text.push('…');
    }
    (text, at - start + 1 + usize::from(start > 0))
}

/// `text` itself, or, past `max` characters, its start and end joined by
/// `…`, so a message that quotes a huge name stays readable.
fn shorten(text: String, max: usize) -> String {
    let length = text.chars().count();
    if length <= max {
        return text;
    }
    let tail = max / 4;
    let head: String = text.chars().take(max - tail - 1).collect();
    let end: String = text.chars().skip(length - tail).collect();
    format!("{head}…{end}")
}

/// Spaces (and tabs, to keep alignment) before the caret under `column`.
/// Wide (CJK) characters take two columns in a terminal.
fn caret_padding(text: &str, column: usize) -> String {
    text.chars()
        .take(column.saturating_sub(1))
        .map(|c| match c {
            '\t' => "\t",
            c if is_wide(c) => "  ",
            _ => " ",
        })
        .collect()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Every problem found in one run; the error type of a failed build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, else the diagnostics as an error, sorted by file
    /// and place so the output is stable.
    pub fn into_result(mut self) -> Result<(), Diagnostics> {
        if self.0.is_empty() {
            return Ok(());
        }
        self.0
            .sort_by(|a, b| (&a.path, a.location).cmp(&(&b.path, b.location)));
        self.0.dedup();
        Err(self)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<T: IntoIterator<Item = Diagnostic>>(&mut self, iter: T) {
        self.0.extend(iter);
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        let noun = if count == 1 { "error" } else { "errors" };
        writeln!(f, "{count} {noun}; nothing was written")
    }
}

impl std::error::Error for Diagnostics {}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A path relative to `base` for messages, or the path itself.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_file_line_column_source_and_hint() {
        let source = "+++\ntitel = \"x\"\n+++\n";
        let diagnostic = Diagnostic::new("content/a.md", "unknown field `titel`")
            .at(2, 1)
            .hint("did you mean `title`?")
            .with_source(source);
        insta::assert_snapshot!(diagnostic.to_string(), @r#"
        error: content/a.md:2:1: unknown field `titel`
          |
        2 | titel = "x"
          | ^
          = hint: did you mean `title`?
        "#);
    }

    fn long_line_error(line: &str, column: usize) -> String {
        Diagnostic::new("a.md", "here")
            .at(1, column)
            .with_source(line)
            .to_string()
    }

    #[test]
    fn a_long_line_is_quoted_as_a_window_around_the_column() {
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        insta::assert_snapshot!(long_line_error(&line, 5001), @r"
        error: a.md:1:5001: here
          |
        1 | …aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaXbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb…
          |                                                    ^
        ");
    }

    #[test]
    fn a_long_line_is_cut_at_one_end_only_near_its_start_or_end() {
        let line = format!("X{}Y", "-".repeat(3000));
        insta::assert_snapshot!(long_line_error(&line, 1), @r"
        error: a.md:1:1: here
          |
        1 | X---------------------------------------------------------------------------------------------------…
          | ^
        ");
        insta::assert_snapshot!(long_line_error(&line, 3002), @r"
        error: a.md:1:3002: here
          |
        1 | …---------------------------------------------------------------------------------------------------Y
          |                                                                                                     ^
        ");
    }

    #[test]
    fn a_long_line_of_wide_characters_keeps_the_caret_under_its_character() {
        let line = format!("{}解{}", "绑".repeat(400), "x".repeat(400));
        let text = long_line_error(&line, 401);
        let lines: Vec<&str> = text.lines().collect();
        let quoted = lines[2].strip_prefix("1 | ").expect("quoted line");
        let caret = lines[3].strip_prefix("  | ").expect("caret line");
        assert_eq!(quoted.chars().count(), EXCERPT_CHARS + 2);
        let before: String = quoted.chars().take_while(|&c| c != '解').collect();
        assert_eq!(
            caret.len() - 1,
            caret_padding(&before, before.chars().count() + 1).len()
        );
        assert_eq!(caret.len() - 1, 1 + 2 * 50);
    }

    #[test]
    fn a_column_past_the_end_of_a_long_line_points_after_it() {
        let line = "é".repeat(1000);
        let (text, caret) = excerpt(&line, 5000);
        assert_eq!(text.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(caret, EXCERPT_CHARS + 2);
    }

    #[test]
    fn a_warning_says_so_and_nothing_else_changes() {
        let error = Diagnostic::new("content/a.md", "error: in the message")
            .at(2, 3)
            .hint("mend it");
        let warning = error.clone().warning();
        assert_eq!(warning.severity, Severity::Warning);
        let (error, warning) = (error.to_string(), warning.to_string());
        assert!(error.starts_with("error: content/a.md:2:3: error: in the message"));
        // Only the first word changes; text that happens to say "error:"
        // elsewhere is left alone.
        assert_eq!(warning, error.replacen("error", "warning", 1));
    }

    #[test]
    fn a_short_line_is_quoted_whole() {
        assert_eq!(excerpt("abc", 2), ("abc".to_owned(), 2));
        assert_eq!(
            excerpt(&"a".repeat(EXCERPT_CHARS), 7).0.len(),
            EXCERPT_CHARS
        );
    }

    #[test]
    fn a_message_quoting_a_huge_name_is_shortened() {
        let name = "n".repeat(1_000_000);
        let diagnostic = Diagnostic::new("a.md", format!("unknown step `{name}`")).hint(name);
        assert_eq!(diagnostic.message.chars().count(), MESSAGE_CHARS);
        assert!(diagnostic.message.starts_with("unknown step `nnn"));
        assert!(diagnostic.message.ends_with("nnn`"));
        assert!(diagnostic.message.contains('…'));
        assert_eq!(
            diagnostic.hint.map(|hint| hint.chars().count()),
            Some(MESSAGE_CHARS)
        );
    }

    #[test]
    fn caret_counts_wide_characters_twice() {
        assert_eq!(caret_padding("解绑 x", 4), "     ");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\n解绑x", 9), (2, 3));
        assert_eq!(line_column("", 5), (1, 1));
    }

    #[test]
    fn errors_are_sorted_and_counted() {
        let mut all = Diagnostics::default();
        all.push(Diagnostic::new("b.md", "two"));
        all.push(Diagnostic::new("a.md", "one").at(3, 1));
        let text = all.into_result().expect_err("two errors").to_string();
        assert!(text.starts_with("error: a.md:3:1: one"));
        assert!(text.ends_with("2 errors; nothing was written\n"));
    }
}

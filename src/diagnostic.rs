//! User-facing errors about things authors fix: a file, a place in it, what is
//! wrong and how to mend it. Content problems are data, collected over a whole
//! run and reported together, so one build shows every mistake at once.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the author would name it (relative to the site root where
    /// possible).
    pub path: PathBuf,
    /// 1-based line and column, where there is one.
    pub location: Option<(usize, usize)>,
    /// What is wrong: lower-case, identifiers in backticks.
    pub message: String,
    /// How to mend it.
    pub hint: Option<String>,
    /// The offending source line, shown with a caret under the column.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            location: None,
            message: message.into(),
            hint: None,
            source_line: None,
        }
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
        self.hint = Some(hint.into());
        self
    }

    /// Adds the offending line from `source` (the whole file's text), if the
    /// diagnostic has a location inside it.
    #[must_use]
    pub fn with_source(mut self, source: &str) -> Self {
        if let Some((line, _)) = self.location {
            self.source_line = source
                .lines()
                .nth(line.saturating_sub(1))
                .map(str::to_owned);
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match self.location {
            Some((line, column)) => writeln!(f, "error: {path}:{line}:{column}: {}", self.message)?,
            None => writeln!(f, "error: {path}: {}", self.message)?,
        }
        if let (Some(text), Some((line, column))) = (&self.source_line, self.location) {
            let gutter = line.to_string().len();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{line} | {text}")?;
            writeln!(f, "{:gutter$} | {}^", "", caret_padding(text, column))?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        Ok(())
    }
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

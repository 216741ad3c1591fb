//! `{{#include path}}`: text of another file, spliced into a page's body
//! before it is rendered (mdBook's syntax).
//!
//! - `{{#include path}}` takes the whole file, `path:10:20` lines 10 to 20,
//!   `path:10:` line 10 to the end, `path::20` the first 20 lines and
//!   `path:10` line 10 only (lines count from 1). The lines are joined with
//!   `\n` and the file's last line break is left out, as in mdBook, so a
//!   directive alone inside a code fence gives the file's lines exactly.
//! - The path is relative to the file that holds the directive and must stay
//!   inside the site root (after following symlinks): content is not trusted.
//! - Included files may include others; a file that includes itself, directly
//!   or through others, is an error naming the chain.
//! - `\{{#include …}}` is written as the text `{{#include …}}`.
//!
//! Every error names the file and line of the directive at fault (in the
//! included file when it is there). A [`LineMap`] says which file and line
//! each line of the expanded body came from, so the errors the Markdown of an
//! included file causes (a broken link, a duplicate id) point into that file.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::content::{MAX_SOURCE_BYTES, read_source};
use crate::diagnostic::{Diagnostic, display_path};

/// The directive's opening.
const OPEN: &str = "{{#include";
/// How deep includes may nest.
pub const MAX_DEPTH: usize = 16;
/// The most a page's body may grow to with its includes, in bytes.
pub const MAX_EXPANDED_BYTES: usize = MAX_SOURCE_BYTES as usize;

/// A file that lines of an expanded body came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Path for messages, relative to the site root.
    pub shown: PathBuf,
    /// Path on disk.
    pub path: PathBuf,
}

/// Where each line of an expanded body came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineMap {
    /// The page (index 0) and every file it includes.
    pub files: Vec<Arc<Origin>>,
    /// For each line of the body (from its first line): index into `files`
    /// and 1-based line in that file.
    lines: Vec<(u32, u32)>,
    /// 1-based line of the page where the body starts.
    first_line: usize,
}

impl LineMap {
    /// The file and line that line `line` of the page's expanded text (as
    /// positions in the rendered body are counted) came from; `None` for a
    /// line of the page itself before the body, or past the end.
    pub fn locate(&self, line: usize) -> Option<(&Arc<Origin>, usize)> {
        let index = line.checked_sub(self.first_line)?;
        let &(file, line) = self.lines.get(index)?;
        Some((self.files.get(file as usize)?, line as usize))
    }

    /// Every included file (not the page itself).
    pub fn included(&self) -> impl Iterator<Item = &Arc<Origin>> {
        self.files.iter().skip(1)
    }
}

/// A body with its includes spliced in.
#[derive(Debug)]
pub struct Expanded {
    /// The expanded body.
    pub body: String,
    /// Where its lines came from; `None` when the body had no directive (it
    /// is then the body as written).
    pub map: Option<LineMap>,
}

/// Whether `body` may hold a directive (a quick test before [`expand`]).
pub fn has_directive(body: &str) -> bool {
    memchr::memmem::find(body.as_bytes(), OPEN.as_bytes()).is_some()
}

/// Expands the includes of a page's `body`, which starts at line
/// `first_line` of the page `page` (on disk `page_path`) of the site at
/// `root`.
pub fn expand(
    body: &str,
    first_line: usize,
    page: &Origin,
    root: &Path,
) -> Result<Expanded, Diagnostic> {
    if !has_directive(body) {
        return Ok(Expanded {
            body: body.to_owned(),
            map: None,
        });
    }
    let root = crate::fs::canonicalize(root).map_err(|error| {
        Diagnostic::new(&page.shown, format!("cannot read the site root: {error}"))
    })?;
    let mut state = State {
        root,
        out: String::with_capacity(body.len()),
        map: LineMap {
            files: vec![Arc::new(page.clone())],
            lines: Vec::new(),
            first_line,
        },
        line_open: false,
        stack: vec![crate::fs::canonicalize(&page.path).unwrap_or_else(|_| page.path.clone())],
    };
    state.expand_text(body, 0, first_line)?;
    Ok(Expanded {
        body: state.out,
        map: Some(state.map),
    })
}

/// The expansion under way.
struct State {
    /// The site root, canonical.
    root: PathBuf,
    out: String,
    map: LineMap,
    /// Whether `out` ends inside a line already mapped.
    line_open: bool,
    /// Canonical paths of the files being expanded, outermost first.
    stack: Vec<PathBuf>,
}

/// A parsed directive.
struct Directive<'a> {
    path: &'a str,
    /// 1-based first line.
    from: Option<usize>,
    /// 1-based last line (inclusive).
    to: Option<usize>,
}

impl State {
    /// Appends `text` (lines from line `line` of file `file`), expanding its
    /// directives.
    fn expand_text(&mut self, text: &str, file: u32, mut line: usize) -> Result<(), Diagnostic> {
        let mut rest = text;
        let mut line_start = 0usize; // offset in `text` of the current line
        let mut consumed = 0usize; // offset in `text` of `rest`
        while let Some(found) = memchr::memmem::find(rest.as_bytes(), OPEN.as_bytes()) {
            let at = consumed + found;
            // Lines passed on the way.
            let before = &text[consumed..at];
            let escaped = before.ends_with('\\');
            let (before, kept) = if escaped {
                (&before[..before.len() - 1], OPEN)
            } else {
                (before, "")
            };
            line = self.push(before, file, line, &mut line_start, consumed);
            if escaped {
                self.push_plain(kept, file, line);
                consumed = at + OPEN.len();
                rest = &text[consumed..];
                continue;
            }
            let column = text[line_start..at].chars().count() + 1;
            let here = (file, line, column);
            let Some(close) = text[at..].find("}}") else {
                return Err(self.error(here, "`{{#include` without its closing `}}`")
                    .hint("write `{{#include path}}` on one line, or `\\{{#include` for the text itself"));
            };
            let inner = &text[at + OPEN.len()..at + close];
            if inner.contains('\n') {
                return Err(self.error(here, "`{{#include` without its closing `}}` on the same line")
                    .hint("write `{{#include path}}` on one line, or `\\{{#include` for the text itself"));
            }
            let directive =
                parse(inner).map_err(|(message, hint)| self.error(here, message).hint(hint))?;
            self.include(&directive, here)?;
            consumed = at + close + 2;
            rest = &text[consumed..];
        }
        let tail = &text[consumed..];
        self.push(tail, file, line, &mut line_start, consumed);
        Ok(())
    }

    /// Appends `chunk` (starting on line `line` of `file`), mapping each line
    /// it starts; returns the line it ends on. Keeps `line_start` (offset of
    /// the current line in the text being expanded) up to date.
    fn push(
        &mut self,
        chunk: &str,
        file: u32,
        mut line: usize,
        line_start: &mut usize,
        chunk_offset: usize,
    ) -> usize {
        for (offset, piece) in chunk.split_inclusive('\n').scan(0, |at, piece| {
            let start = *at;
            *at += piece.len();
            Some((start, piece))
        }) {
            self.push_plain(piece, file, line);
            if piece.ends_with('\n') {
                line += 1;
                *line_start = chunk_offset + offset + piece.len();
            }
        }
        line
    }

    /// Appends text of one line (maybe ending it with `\n`).
    fn push_plain(&mut self, piece: &str, file: u32, line: usize) {
        if piece.is_empty() {
            return;
        }
        if !self.line_open {
            self.map.lines.push((file, line as u32));
            self.line_open = true;
        }
        self.out.push_str(piece);
        if piece.ends_with('\n') {
            self.line_open = false;
        }
    }

    /// An error at `(file, line, column)`.
    fn error(
        &self,
        (file, line, column): (u32, usize, usize),
        message: impl Into<String>,
    ) -> Diagnostic {
        let origin = &self.map.files[file as usize];
        let diagnostic = Diagnostic::new(&origin.shown, message).at(line, column);
        match std::fs::read_to_string(&origin.path) {
            Ok(text) => diagnostic.with_source(&text),
            Err(_) => diagnostic,
        }
    }

    /// Splices in the file a directive names.
    fn include(
        &mut self,
        directive: &Directive<'_>,
        here: (u32, usize, usize),
    ) -> Result<(), Diagnostic> {
        let including = Arc::clone(&self.map.files[here.0 as usize]);
        let path = self.resolve(directive.path, &including.path, here)?;
        if let Some(first) = self.stack.iter().position(|open| *open == path) {
            let chain: Vec<String> = self.stack[first..]
                .iter()
                .chain(std::iter::once(&path))
                .map(|open| display_path(open, &self.root).display().to_string())
                .collect();
            return Err(self
                .error(here, format!("include cycle: {}", chain.join(" → ")))
                .hint("a file cannot include itself, directly or through others: move the shared part to a file of its own"));
        }
        if self.stack.len() > MAX_DEPTH {
            return Err(self
                .error(here, format!("includes nest more than {MAX_DEPTH} deep"))
                .hint("include the files from fewer levels"));
        }
        let shown = display_path(&path, &self.root);
        let text = read_source(
            &path,
            &shown,
            "include a range of lines, `path:10:20`, or split the file",
        )
        .map_err(|problem| {
            self.error(
                here,
                format!("cannot include `{}`: {}", directive.path, problem.message),
            )
            .hint(problem.hint.unwrap_or_default())
        })?;
        let (from, selected) = select_lines(&text, directive)
            .map_err(|(message, hint)| self.error(here, message).hint(hint))?;
        if self.out.len() + selected.len() > MAX_EXPANDED_BYTES {
            return Err(self
                .error(
                    here,
                    format!(
                        "with its includes the page grows past {} MiB, the most a page may be",
                        MAX_EXPANDED_BYTES >> 20
                    ),
                )
                .hint("include fewer or smaller files"));
        }
        let file = u32::try_from(self.map.files.len()).unwrap_or(u32::MAX);
        self.map.files.push(Arc::new(Origin {
            shown,
            path: path.clone(),
        }));
        self.stack.push(path);
        self.expand_text(&selected, file, from)?;
        self.stack.pop();
        Ok(())
    }

    /// The canonical path of `target`, relative to the file `from`; an error
    /// if it is missing, absolute or outside the site root.
    fn resolve(
        &self,
        target: &str,
        from: &Path,
        here: (u32, usize, usize),
    ) -> Result<PathBuf, Diagnostic> {
        let relative = Path::new(target);
        if relative
            .components()
            .any(|part| matches!(part, Component::RootDir | Component::Prefix(_)))
        {
            return Err(self
                .error(here, format!("`{target}` is an absolute path"))
                .hint("write the path relative to this file, e.g. `{{#include ../snippets/login.md}}`"));
        }
        let joined = from.parent().unwrap_or(Path::new("")).join(relative);
        let path = crate::fs::canonicalize(&joined).map_err(|_| {
            self.error(here, format!("the included file `{target}` does not exist"))
                .hint("the path is relative to the file holding the directive")
        })?;
        if !path.starts_with(&self.root) {
            return Err(self
                .error(here, format!("`{target}` is outside the site root"))
                .hint("include only files inside the site's folder"));
        }
        if path.is_dir() {
            return Err(self
                .error(here, format!("`{target}` is a folder"))
                .hint("name a file"));
        }
        Ok(path)
    }
}

/// Reads `path`, `path:10:20`, `path:10:`, `path::20` or `path:10`.
fn parse(inner: &str) -> Result<Directive<'_>, (String, String)> {
    let spec = inner.trim();
    if spec.is_empty() || !inner.starts_with(char::is_whitespace) {
        return Err((
            "`{{#include}}` names no file".to_owned(),
            "write `{{#include path}}`, `{{#include path:10:20}}` for lines 10 to 20".to_owned(),
        ));
    }
    let mut parts = spec.splitn(3, ':');
    let path = parts.next().unwrap_or_default();
    let number = |text: Option<&str>| -> Result<Option<usize>, (String, String)> {
        match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => match text.parse::<usize>() {
                Ok(0) | Err(_) => Err((
                    format!("`{text}` is not a line number in `{spec}`"),
                    "lines count from 1: `path:10:20`, `path:10:`, `path::20` or `path:10`"
                        .to_owned(),
                )),
                Ok(n) => Ok(Some(n)),
            },
        }
    };
    let first = parts.next();
    let last = parts.next();
    let from = number(first)?;
    let to = match last {
        Some(_) => number(last)?,
        None => from, // `path:10`: that line only
    };
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err((
            format!("the line range {from}:{to} ends before it starts"),
            "write the first line, then the last: `path:10:20`".to_owned(),
        ));
    }
    Ok(Directive { path, from, to })
}

/// The lines a directive takes from `text`, joined by `\n` without a final
/// line break, and the number of the first.
fn select_lines(
    text: &str,
    directive: &Directive<'_>,
) -> Result<(usize, String), (String, String)> {
    let count = text.lines().count();
    let from = directive.from.unwrap_or(1);
    if directive.from.is_some() && from > count {
        return Err((
            format!(
                "`{}` has {count} lines, and the range starts at line {from}",
                directive.path
            ),
            "mend the line range".to_owned(),
        ));
    }
    let to = directive.to.unwrap_or(count).min(count);
    let lines: Vec<&str> = text
        .lines()
        .skip(from - 1)
        .take((to + 1).saturating_sub(from))
        .collect();
    Ok((from, lines.join("\n")))
}

#[cfg(test)]
mod tests;

//! "Last updated" dates from git: for each page, the date of the last
//! commit that touched its source file.
//!
//! One `git log` over `content/` gives every file's date at once (a `git
//! log` per page would take minutes at 10,000 pages); it runs on its own
//! thread while the content loads and the Markdown renders. The dates are
//! the commits' committer dates, as the committer's clock showed them, so
//! the same commit gives the same output on any machine, in any time zone.
//!
//! A site that is not in a git checkout (or a machine without git) gets no
//! dates, and no message. Uncommitted edits do not change a date, and a
//! file never committed has none; a shallow clone dates every file its
//! history does not reach at the oldest commit it has.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::i18n::Language;

/// When a source file was last committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    /// The committer date, strict ISO 8601 (`2026-11-27T07:30:27+08:00`),
    /// for `<time datetime>`.
    pub datetime: String,
    /// Year, month (1–12) and day as the committer's clock showed them.
    pub day: (u32, u32, u32),
}

impl Updated {
    /// Reads a strict ISO 8601 date (`%cI`); `None` for anything else.
    fn parse(datetime: &str) -> Option<Self> {
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let digits = datetime.get(range)?;
            digits
                .bytes()
                .all(|byte| byte.is_ascii_digit())
                .then(|| digits.parse().ok())?
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let well_formed = datetime.get(4..5) == Some("-")
            && datetime.get(7..8) == Some("-")
            && datetime.get(10..11) == Some("T")
            && (1..=12).contains(&month)
            && (1..=31).contains(&day)
            && datetime
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"-+:.".contains(&byte));
        well_formed.then(|| Self {
            datetime: datetime.to_owned(),
            day: (year, month, day),
        })
    }

    /// The day in words of `language`: `2026年12月5日`, `5 December 2026`.
    pub fn in_words(&self, language: Language) -> String {
        language.long_date(self.day.0, self.day.1, self.day.2)
    }
}

/// Each file under `content/` (relative to it, with `/`) and its date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageDates {
    /// The distinct commit dates, newest first.
    commits: Vec<Updated>,
    /// Each file's index into `commits`.
    files: HashMap<String, usize>,
}

impl PageDates {
    /// The date of the source file `source` (relative to `content/`).
    pub fn get(&self, source: &str) -> Option<&Updated> {
        self.files.get(source).map(|&at| &self.commits[at])
    }

    /// The newest commit date of any file (`None` outside git).
    pub fn newest(&self) -> Option<&Updated> {
        self.commits.first()
    }

    /// How many files have a date.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file has a date (not a git checkout).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A `git` command run in `dir`, which ignores any `GIT_DIR` or
/// `GIT_WORK_TREE` of the environment, so the checkout holding `dir` is
/// the one asked.
fn git_in(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// Reads the dates of every committed file under `content_dir` with one
/// `git log`; empty when it is not in a git checkout or git cannot run.
pub fn read_dates(content_dir: &Path) -> PageDates {
    if !content_dir.is_dir() {
        return PageDates::default();
    }
    // `%x00` before each commit's date: a file name is never empty, so an
    // empty field between two NULs can only start a commit, whatever bytes
    // the file names hold.
    let output = git_in(content_dir)
        .args([
            "-c",
            "log.showSignature=false",
            "log",
            "--no-color",
            "--format=%x00%cI",
            "--name-only",
            "-z",
            "--no-renames",
            "--relative",
            "--",
            ".",
        ])
        .output();
    match output {
        Ok(output) if output.status.success() => parse_log(&output.stdout),
        _ => PageDates::default(),
    }
}

/// The commit checked out in the git checkout holding `dir`, which decides
/// every date [`read_dates`] gives; `None` outside git.
pub fn head(dir: &Path) -> Option<String> {
    let output = git_in(dir)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The git folder (`.git`, or a worktree's folder under it) of the
/// checkout holding `dir`, as a real path; `None` outside git. Its files
/// change at every commit, checkout or reset.
pub fn git_dir(dir: &Path) -> Option<std::path::PathBuf> {
    let output = git_in(dir)
        .args(["rev-parse", "--absolute-git-dir"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    std::fs::canonicalize(text.trim_end_matches('\n')).ok()
}

/// Parses `git log --format=%x00%cI --name-only -z`: each commit is an
/// empty field, its date, then its files (the first after a newline), each
/// ending in NUL; newest commit first, so a file's first commit in the log
/// is its last change.
fn parse_log(log: &[u8]) -> PageDates {
    let mut dates = PageDates::default();
    let mut fields = log.split(|&byte| byte == 0);
    let mut first_file = false;
    while let Some(field) = fields.next() {
        if field.is_empty() {
            let commit = fields
                .next()
                .and_then(|date| std::str::from_utf8(date).ok())
                .and_then(Updated::parse);
            if let Some(commit) = commit {
                if dates.commits.last() != Some(&commit) {
                    dates.commits.push(commit);
                }
                first_file = true;
            }
            continue;
        }
        let name = match (first_file, field.split_first()) {
            (true, Some((b'\n', rest))) => rest,
            _ => field,
        };
        first_file = false;
        let (Ok(name), Some(newest)) = (
            std::str::from_utf8(name),
            dates.commits.len().checked_sub(1),
        ) else {
            continue;
        };
        if !dates.files.contains_key(name) {
            dates.files.insert(name.to_owned(), newest);
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_of_each_file_wins() {
        let log = "\x002026-11-27T07:30:27+08:00\0\na.md\0sub/指南.md\0\
                   \x002026-11-20T00:00:00Z\0\
                   \x002026-11-01T10:00:00Z\0\na.md\0b.md\0"
            .as_bytes();
        let dates = parse_log(log);
        assert_eq!(dates.len(), 3);
        let day = |file: &str| dates.get(file).map(|updated| updated.day);
        assert_eq!(day("a.md"), Some((2026, 11, 27)));
        assert_eq!(
            dates.get("sub/指南.md").map(|u| u.datetime.as_str()),
            Some("2026-11-27T07:30:27+08:00")
        );
        assert_eq!(day("b.md"), Some((2026, 11, 1)));
        assert_eq!(dates.newest().map(|u| u.day), Some((2026, 11, 27)));
        assert_eq!(PageDates::default().newest(), None);
    }

    #[test]
    fn file_names_may_hold_newlines_and_control_characters() {
        let log = b"\x002026-12-06T01:00:00Z\0\n\nnl\x01.md\0\x01x.md\0";
        let dates = parse_log(log);
        assert!(dates.get("\nnl\x01.md").is_some(), "{dates:?}");
        assert!(dates.get("\x01x.md").is_some(), "{dates:?}");
        assert_eq!(dates.len(), 2);
    }

    #[test]
    fn a_malformed_date_dates_nothing() {
        let dates = parse_log(b"\0yesterday\0\na.md\0\x002026-13-01T00:00:00Z\0\nb.md\0");
        assert!(dates.is_empty(), "{dates:?}");
    }

    #[test]
    fn dates_are_said_in_the_site_language() {
        let updated = Updated::parse("2026-12-05T23:30:00-08:00").expect("valid");
        assert_eq!(updated.in_words(Language::Chinese), "2026年12月5日");
        assert_eq!(updated.in_words(Language::English), "5 December 2026");
    }

    #[test]
    fn a_folder_outside_git_has_no_dates() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(read_dates(dir.path()).is_empty());
        assert!(read_dates(&dir.path().join("missing")).is_empty());
    }
}

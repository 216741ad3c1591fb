//! Output paths that cannot leave the output folder. Every file of a build
//! is written at an [`OutputPath`], and the only ways to make one check that
//! each `/`-separated segment is an ordinary file name: not empty, not `.`
//! or `..`, free of `\` and of control characters, and one plain name to the
//! operating system (so no root, drive or prefix either). Joined to the
//! output folder, such a path can only name something inside it, whatever a
//! slug or a file name under `content/` says.

use std::fmt;
use std::path::{Component, Path};

/// Why a name cannot be one segment of an output path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadSegment {
    /// `""`: from a leading, trailing or doubled `/`.
    Empty,
    /// `.`, the folder itself.
    CurrentFolder,
    /// `..`, the folder above.
    ParentFolder,
    /// A `\`, a folder separator on Windows.
    Backslash,
    /// A control character (a tab, a newline, NUL, …).
    Control(char),
    /// Anything else the operating system does not read as one plain name
    /// (a drive such as `C:` on Windows).
    NotAName,
}

impl fmt::Display for BadSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("an empty name"),
            Self::CurrentFolder => f.write_str("`.`, which names the folder itself"),
            Self::ParentFolder => f.write_str("`..`, which names the folder above"),
            Self::Backslash => f.write_str("a name holding `\\`, a folder separator on Windows"),
            Self::Control(c) => write!(
                f,
                "a name holding the control character U+{:04X}",
                u32::from(*c)
            ),
            Self::NotAName => f.write_str("not a plain file name on this system"),
        }
    }
}

/// Checks that `name` is one ordinary file name: a segment of an output path.
pub fn check_segment(name: &str) -> Result<(), BadSegment> {
    match name {
        "" => return Err(BadSegment::Empty),
        "." => return Err(BadSegment::CurrentFolder),
        ".." => return Err(BadSegment::ParentFolder),
        _ => {}
    }
    if name.contains('\\') {
        return Err(BadSegment::Backslash);
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(BadSegment::Control(c));
    }
    // What the platform itself reads: exactly one plain name, this one.
    let mut parts = Path::new(name).components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(part)), None) if part == name => Ok(()),
        _ => Err(BadSegment::NotAName),
    }
}

/// A path that is not a valid [`OutputPath`], and the first segment at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadOutputPath {
    /// The whole path as given.
    pub path: String,
    /// The segment at fault.
    pub segment: String,
    /// What is wrong with it.
    pub why: BadSegment,
}

impl BadOutputPath {
    /// What is wrong, for a message: `` `..` is `..`, which names the folder
    /// above ``.
    pub fn reason(&self) -> String {
        describe(&self.segment, self.why)
    }
}

/// What is wrong with `segment`, for a message.
pub fn describe(segment: &str, why: BadSegment) -> String {
    match why {
        BadSegment::Empty => "it starts or ends with `/`, or holds `//`".to_owned(),
        why => format!("`{}` is {why}", shown(segment)),
    }
}

/// `text` with its control characters escaped (`\t`, `\u{1b}`), so a
/// message quoting a hostile name cannot steer the terminal.
pub fn shown(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl fmt::Display for BadOutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a path inside the output: {}",
            shown(&self.path),
            self.reason()
        )
    }
}

impl std::error::Error for BadOutputPath {}

/// A normalised relative path inside the output folder, `/`-separated
/// (`before-leaving/unbind/index.html`). Every segment has passed
/// [`check_segment`], so joined to the output folder it stays inside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutputPath(String);

impl OutputPath {
    /// Checks every segment of `path`.
    pub fn new(path: impl Into<String>) -> Result<Self, BadOutputPath> {
        let path = path.into();
        match path
            .split('/')
            .find_map(|s| check_segment(s).err().map(|why| (s, why)))
        {
            Some((segment, why)) => Err(BadOutputPath {
                segment: segment.to_owned(),
                path,
                why,
            }),
            None => Ok(Self(path)),
        }
    }

    /// The path as text, `/`-separated.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path, to join to the output folder.
    pub fn as_path(&self) -> &Path {
        Path::new(&self.0)
    }

    /// The folders above the file, outermost first (`a/`, `a/b/` for
    /// `a/b/c.html`), each ending in `/`.
    pub fn folders(&self) -> impl Iterator<Item = &str> {
        self.0.match_indices('/').map(|(at, _)| &self.0[..=at])
    }
}

impl fmt::Display for OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads as the text of the path (`path.starts_with("search/")`); there is
/// no way to change it in place.
impl std::ops::Deref for OutputPath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for OutputPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<Path> for OutputPath {
    fn as_ref(&self) -> &Path {
        self.as_path()
    }
}

/// For unit tests only, so fixtures can write `"a/index.html".into()`: a
/// path that is not valid fails the test.
#[cfg(test)]
impl From<&str> for OutputPath {
    fn from(path: &str) -> Self {
        Self::new(path).unwrap_or_else(|error| panic!("{error}"))
    }
}

impl PartialEq<str> for OutputPath {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for OutputPath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_are_kept_as_they_are() {
        for good in [
            "index.html",
            "a/b/index.html",
            "faq:general/index.html",
            "空 格/#?%/x.png",
            "..a/b..",
            ".well-known/x",
        ] {
            let path = OutputPath::new(good).expect(good);
            assert_eq!(path.as_str(), good);
        }
    }

    #[test]
    fn every_way_out_is_refused() {
        let cases = [
            ("", BadSegment::Empty),
            ("/etc/passwd", BadSegment::Empty),
            ("a//b", BadSegment::Empty),
            ("a/", BadSegment::Empty),
            ("./a", BadSegment::CurrentFolder),
            ("a/../../b", BadSegment::ParentFolder),
            ("..", BadSegment::ParentFolder),
            ("a\\..\\b", BadSegment::Backslash),
            ("a/b\0c", BadSegment::Control('\0')),
            ("a\nb", BadSegment::Control('\n')),
            ("tab\there", BadSegment::Control('\t')),
            ("del\u{7f}", BadSegment::Control('\u{7f}')),
            ("c1\u{85}", BadSegment::Control('\u{85}')),
        ];
        for (bad, why) in cases {
            let error = OutputPath::new(bad).expect_err(bad);
            assert_eq!(error.why, why, "{bad:?}");
        }
    }

    #[test]
    fn a_checked_path_joined_to_a_folder_stays_inside_it() {
        let root = Path::new("/srv/out");
        for good in ["a/b/c", "x..y/..z", "a:b/c"] {
            let joined = root.join(OutputPath::new(good).expect(good).as_path());
            assert!(joined.starts_with(root), "{good}");
            assert!(
                joined
                    .components()
                    .all(|part| !matches!(part, Component::ParentDir | Component::CurDir)),
                "{good}"
            );
        }
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(shown("a\tb\u{1b}[31m\\c"), "a\\tb\\u{1b}[31m\\c");
    }

    #[test]
    fn folders_are_listed_outermost_first() {
        let path = OutputPath::new("a/b/c.html").expect("valid");
        assert_eq!(path.folders().collect::<Vec<_>>(), ["a/", "a/b/"]);
    }

    #[test]
    fn the_error_names_the_segment() {
        let error = OutputPath::new("x/../y").expect_err("parent");
        assert_eq!(
            error.to_string(),
            "`x/../y` is not a path inside the output: `..` is `..`, which names the folder above"
        );
    }
}

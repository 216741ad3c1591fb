//! Mutations for the fuzz harness ([`super::fuzz`]): a real site's files are
//! read once, and each generated [`Case`] changes a few of them: byte flips,
//! insertions of tokens that mean something to Markdown, TOML or YAML,
//! duplications, cuts, front matter swapped for YAML, and pathological
//! shapes (long lines, deep nesting, many equal headings, huge numbers).
//! Mutations are plain data, so a failing case prints as a short recipe and
//! proptest can shrink it.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

/// The sites mutated: the bundled guide and the `basic` fixture.
pub const BASES: [&str; 2] = [".", "tests/fixtures/basic"];

/// A site read into memory: `site.toml` and every file under `content/`,
/// by path relative to the site root, sorted.
pub struct BaseSite {
    /// Every file; only `site.toml` and `.md` files are mutated.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Indices into `files` of the files mutations pick from.
    pub targets: Vec<usize>,
}

impl BaseSite {
    /// Reads `site.toml` and `content/` of the site at `dir` (relative to
    /// the crate root).
    pub fn read(dir: &str) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut files = vec![(
            PathBuf::from("site.toml"),
            std::fs::read(root.join("site.toml")).expect("read site.toml"),
        )];
        collect(&root, Path::new("content"), &mut files);
        files.sort();
        let targets = (0..files.len())
            .filter(|&i| {
                let path = &files[i].0;
                path == Path::new("site.toml") || path.extension().is_some_and(|ext| ext == "md")
            })
            .collect();
        Self { files, targets }
    }
}

fn collect(root: &Path, relative: &Path, files: &mut Vec<(PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(root.join(relative)).expect("list content") {
        let entry = entry.expect("list content");
        let path = relative.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            collect(root, &path, files);
        } else {
            files.push((path.clone(), std::fs::read(root.join(&path)).expect("read")));
        }
    }
}

/// Tokens that mean something in Markdown, in our extensions (step ids,
/// admonitions, step lists), in TOML or in YAML.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "(",
    ")",
    "[x](y.md)",
    "[x](../a.md#b)",
    "[x](#nowhere)",
    "![i](img.png)",
    "](",
    "<",
    ">",
    "> ",
    ">? ",
    ">! ",
    "\n> [!NOTE]\n",
    "\n> [!BOGUS]\n",
    "`",
    "```\n",
    "~~~",
    "*",
    "_",
    "**",
    "#",
    "## ",
    "\n## h\n",
    "\n###### h {#h}\n",
    "{#id}",
    "{#}",
    " {#a b}",
    " {#-}",
    "\n- [ ] step {#s}\n",
    "\n- [x] done\n",
    "\n1. [ ] ",
    "|",
    "\n| a | b |\n|---|---|\n",
    "[^1]",
    "\n[^1]: n\n",
    "\n[r]: /u\n",
    "\\",
    "&amp;",
    "&#0;",
    "<!--",
    "-->",
    "<div>",
    "</div>",
    "https://x.y/",
    "[j](javascript:alert(1))",
    "\t",
    "\r",
    "\n",
    "\n\n",
    "\u{0}",
    "解绑",
    "é",
    "\u{200B}",
    "\u{FEFF}",
    "    ",
    "=",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "[[",
    "]]",
    "{",
    "}",
    ",",
    ".",
    "\n[steps.x]\n",
    "title = ",
    "weight = 99999999999999999999999",
    "weight = -9223372036854775808",
    "1e999",
    "nan",
    "-inf",
    "true",
    "1979-05-27T07:32:00Z",
    "requires = [\"x\"]",
    "requires = [\"a.md#\"]",
    "role = \"nobody\"",
    "phase = \"after\"",
    "estimate = \"5m\"",
    "estimate = \"99999999999999999999d\"",
    "draft = true",
    "slug = \"x\"",
    "slug = \"\"",
    "template = \"nope\"",
    "+++",
    "---",
    "\n+++\n",
    "\n---\n",
    ": ",
    "- ",
    "&a ",
    "*a",
    "!!binary ",
    "? ",
    "|\n",
    ">-\n",
    "%YAML 1.2\n",
    "<<: *a",
    "~",
    "null",
];

/// Lines inserted at the top of the front matter (inside the fences).
const FRONT_LINES: &[&str] = &[
    "weight = 18446744073709551616",
    "draft = true",
    "description = \"\"\"\nmany\nlines\"\"\"",
    "role = \"admin\"",
    "phase = \"nope\"",
    "template = \"page.html\"",
    "[steps.unbind-phone]\nrequires = [\"unbind-phone\"]",
    "[steps.s]\nrequires = [\"../before-leaving/_index.md#identify-account-type\"]",
    "[steps.s]\nestimate = \"0m\"\nmaterials = [\"\", \"\"]\nlink = \"javascript:x\"",
    "[steps.\"\"]\nrole = \"employee\"",
    "[extra]\nx = 1",
    "title = \"twice\"",
];

/// Front matters in YAML that replace a page's own.
const YAML_FRONTS: &[&str] = &[
    "---\ntitle: A\nweight: 3\nsteps:\n  s1:\n    role: employee\n    requires: [s2]\n---\n",
    "---\ntitle: &t A\ndescription: *t\n---\n",
    "---\ntitle: [1, 2]\n---\n",
    "---\n---\n",
    "---\ntitle: x\nsteps: !!binary aGVsbG8=\n---\n",
    "---\ntitle: x\nsteps: &a [*a]\n---\n",
    "---\ntitle: x\nweight: 1e400\ndraft: yes\n---\n",
    "---\ntitle: x\nsteps:\n  a: &a {role: admin}\n  b: *a\n  c: {<<: *a, phase: after}\n---\n",
    "---\ntitle: x\nsteps: {a: {requires: [b]}, b: {requires: [a]}}\n---\n",
    "---\n\ttitle: x\n---\n",
];

/// Units repeated into pathological shapes.
const SHAPES: &[&str] = &[
    "[",
    "]",
    ">",
    "- ",
    "  - x\n",
    "\n## a\n",
    "*",
    "`",
    "[a]",
    "{#a}",
    "9",
    "\n- [ ] s\n",
    "|",
    "[^a]",
    "<a ",
    "\\",
    "a",
    "解",
    "\n",
    "> ",
    "1. ",
    "[x](y.md) ",
    "**a",
    "_a",
];

/// One change to one file; positions are taken modulo the file's length.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// XOR one byte (may break UTF-8).
    Flip { at: usize, mask: u8 },
    /// Insert a token.
    Insert { at: usize, token: &'static str },
    /// Insert a token repeated many times (long lines, deep nesting).
    Repeat {
        at: usize,
        unit: &'static str,
        times: usize,
    },
    /// Copy a stretch of the file to another place.
    Duplicate { from: usize, len: usize, to: usize },
    /// Cut the file short.
    Truncate { at: usize },
    /// Remove a stretch.
    Delete { at: usize, len: usize },
    /// Insert a line at the top of the front matter.
    FrontLine { line: &'static str },
    /// Replace the front matter with YAML.
    Yaml { front: &'static str },
}

/// A mutated site: which base, and the mutations applied to which files
/// (an index taken modulo the base's mutable files).
#[derive(Debug, Clone)]
pub struct Case {
    /// Index into [`BASES`].
    pub base: usize,
    /// `(file, mutation)` pairs, applied in order.
    pub edits: Vec<(usize, Mutation)>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        3 => (at, 1..=255u8).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        6 => (at, prop::sample::select(TOKENS)).prop_map(|(at, token)| Mutation::Insert { at, token }),
        2 => (at, prop::sample::select(SHAPES), 1..2500usize)
            .prop_map(|(at, unit, times)| Mutation::Repeat { at, unit, times }),
        2 => (at, 1..400usize, at).prop_map(|(from, len, to)| Mutation::Duplicate { from, len, to }),
        1 => at.prop_map(|at| Mutation::Truncate { at }),
        2 => (at, 1..64usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        2 => prop::sample::select(FRONT_LINES).prop_map(|line| Mutation::FrontLine { line }),
        1 => prop::sample::select(YAML_FRONTS).prop_map(|front| Mutation::Yaml { front }),
    ]
}

/// Cases of 1 to 6 mutations on either base site.
pub fn case() -> impl Strategy<Value = Case> {
    (
        0..BASES.len(),
        prop::collection::vec((any::<usize>(), mutation()), 1..=4),
    )
        .prop_map(|(base, edits)| Case { base, edits })
}

/// The files of `base` with the case's mutations applied.
pub fn apply(base: &BaseSite, case: &Case) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = base.files.clone();
    for (file, mutation) in &case.edits {
        let index = base.targets[file % base.targets.len()];
        mutate(&mut files[index].1, mutation);
    }
    files
}

/// A position in `bytes` from `at`, moved back to the start of a UTF-8
/// character so that insertions keep valid text valid.
fn position(bytes: &[u8], at: usize) -> usize {
    let mut at = at % (bytes.len() + 1);
    while at > 0 && at < bytes.len() && bytes[at] & 0xC0 == 0x80 {
        at -= 1;
    }
    at
}

fn mutate(bytes: &mut Vec<u8>, mutation: &Mutation) {
    match *mutation {
        Mutation::Flip { at, mask } => {
            if !bytes.is_empty() {
                let at = at % bytes.len();
                bytes[at] ^= mask;
            }
        }
        Mutation::Insert { at, token } => {
            let at = position(bytes, at);
            bytes.splice(at..at, token.bytes());
        }
        Mutation::Repeat { at, unit, times } => {
            let at = position(bytes, at);
            bytes.splice(at..at, unit.repeat(times).into_bytes());
        }
        Mutation::Duplicate { from, len, to } => {
            let from = position(bytes, from);
            let end = position(bytes, from + len.min(bytes.len() - from)).max(from);
            let copy = bytes[from..end].to_vec();
            let to = position(bytes, to);
            bytes.splice(to..to, copy);
        }
        Mutation::Truncate { at } => bytes.truncate(position(bytes, at)),
        Mutation::Delete { at, len } => {
            let at = position(bytes, at);
            let end = position(bytes, at + len.min(bytes.len() - at)).max(at);
            bytes.drain(at..end);
        }
        Mutation::FrontLine { line } => {
            let at = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
            bytes.splice(at..at, format!("{line}\n").into_bytes());
        }
        Mutation::Yaml { front } => {
            let end = front_matter_end(bytes);
            bytes.splice(..end, front.bytes());
        }
    }
}

/// Where the front matter (`+++` or `---` fenced) ends, or 0.
fn front_matter_end(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(bytes);
    let Some(fence) = ["+++\n", "---\n"].into_iter().find(|f| text.starts_with(f)) else {
        return 0;
    };
    text[4..]
        .find(&format!("\n{fence}"))
        .map_or(0, |at| (4 + at + 1 + fence.len()).min(bytes.len()))
}

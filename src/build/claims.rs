//! Which source writes each output path, checked before anything is
//! rendered. Two sources that map to one path (two pages, a page and an
//! asset, a content file and a generated file, the site's `static/` and the
//! theme), a file where another source needs a folder, a file inside a
//! folder the generator fills itself, and paths that differ only in case
//! (one file on macOS and Windows) are errors naming both sources: no file
//! of a build silently replaces another.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::files::static_files;
use crate::content::{CONTENT_DIR, Site};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::render::CHECKLIST_URL;
use crate::render::THEME_ASSETS;
use crate::templates::{ThemeFile, theme_static_files};

/// Folders whose files the generator makes, in numbers that depend on the
/// site: nothing else may be written inside them.
const GENERATED_FOLDERS: [(&str, &str); 2] = [
    (CHECKLIST_URL, "the checklist overview and step manifests"),
    (crate::search::OUTPUT_DIR, "the search index"),
];

/// Who writes an output path.
#[derive(Debug, Clone)]
enum Source {
    /// A file the generator makes (what it is).
    Generated(&'static str),
    /// One of the theme's static files: its file under `themes/`, or its
    /// name in the built-in theme.
    Theme { file: Option<PathBuf>, name: String },
    /// A page or another file under `content/`, or a file under `static/`.
    File(PathBuf),
}

impl Source {
    fn describe(&self) -> String {
        match self {
            Self::Generated(what) => format!("the generator ({what})"),
            Self::Theme {
                file: Some(file), ..
            } => format!("the theme's `{}`", file.display()),
            Self::Theme { file: None, name } => format!("the built-in theme's `{name}`"),
            Self::File(file) => format!("`{}`", file.display()),
        }
    }

    /// The file a diagnostic about this source is reported at.
    fn file(&self) -> Option<&Path> {
        match self {
            Self::Generated(_) | Self::Theme { file: None, .. } => None,
            Self::Theme {
                file: Some(file), ..
            }
            | Self::File(file) => Some(file),
        }
    }
}

/// One output path and who writes it.
#[derive(Debug)]
struct Claim {
    path: String,
    source: Source,
    /// A page, which must stay out of `assets/` as well.
    page: bool,
}

/// Every output path of the site that is known before rendering and who
/// writes it: generated files, theme files, pages, content assets and
/// `static/`, in that order (so the second of two claimants is the
/// author's file where there is one). Names that are no output path are
/// errors here too.
fn claims(site: &Site) -> Result<Vec<Claim>, Diagnostics> {
    let mut claims = vec![generated("404.html", "the 404 page")];
    if site.config.base_url.is_some() {
        claims.push(generated("sitemap.xml", "the sitemap"));
    }
    for (name, file) in theme_static_files(&site.root, &site.config.theme)? {
        let file = match file {
            ThemeFile::Embedded(_) => None,
            ThemeFile::OnDisk(path) => {
                Some(path.strip_prefix(&site.root).unwrap_or(&path).to_path_buf())
            }
        };
        claims.push(Claim {
            path: format!("{THEME_ASSETS}{name}"),
            source: Source::Theme { file, name },
            page: false,
        });
    }
    for page in &site.pages {
        claims.push(Claim {
            path: format!("{}index.html", page.url),
            source: Source::File(page.file.clone()),
            page: true,
        });
    }
    for asset in &site.assets {
        claims.push(Claim {
            path: asset.output.clone(),
            source: Source::File(Path::new(CONTENT_DIR).join(&asset.source)),
            page: false,
        });
    }
    for (path, file) in static_files(&site.root)? {
        let file = file.strip_prefix(&site.root).unwrap_or(&file).to_path_buf();
        claims.push(Claim {
            path: path.to_string(),
            source: Source::File(file),
            page: false,
        });
    }
    Ok(claims)
}

fn generated(path: &str, what: &'static str) -> Claim {
    Claim {
        path: path.to_owned(),
        source: Source::Generated(what),
        page: false,
    }
}

/// Every clash between the output paths of the site; see the module
/// documentation.
pub(super) fn check(site: &Site) -> Vec<Diagnostic> {
    let claims = match claims(site) {
        Ok(claims) => claims,
        Err(problems) => return problems.0,
    };
    let mut problems = Vec::new();
    inside_generated_folders(&claims, &mut problems);
    same_paths(&claims, &mut problems);
    files_as_folders(&claims, &mut problems);
    if !site.config.allow_paths_differing_in_case {
        differing_only_in_case(&claims, &mut problems);
    }
    problems
}

/// A diagnostic about `second` clashing with `first`, at the author's file.
fn clash(first: &Claim, second: &Claim, message: String, hint: &str) -> Diagnostic {
    let file = second
        .source
        .file()
        .or_else(|| first.source.file())
        .map_or_else(|| PathBuf::from(&second.path), Path::to_path_buf);
    Diagnostic::new(file, message).hint(hint)
}

/// How to mend a clash of two sources.
fn rename(first: &Claim, second: &Claim) -> &'static str {
    if first.page || second.page {
        "rename one of them, or give the page another `slug`"
    } else {
        "rename one of them"
    }
}

fn inside_generated_folders(claims: &[Claim], problems: &mut Vec<Diagnostic>) {
    for claim in claims {
        if matches!(claim.source, Source::Generated(_)) {
            continue;
        }
        let reserved = GENERATED_FOLDERS
            .iter()
            .copied()
            .chain(claim.page.then_some((THEME_ASSETS, "the theme's files")))
            .find(|(folder, _)| claim.path.starts_with(folder));
        if let Some((folder, what)) = reserved {
            let file = claim
                .source
                .file()
                .map_or_else(|| PathBuf::from(&claim.path), Path::to_path_buf);
            problems.push(
                Diagnostic::new(file, format!(
                    "{} would be written to `{}`, but the generator writes `{folder}` itself ({what})",
                    claim.source.describe(),
                    claim.path
                ))
                .hint(if claim.page {
                    "give the page another `slug` or file name"
                } else {
                    "rename the file or its folder"
                }),
            );
        }
    }
}

fn same_paths(claims: &[Claim], problems: &mut Vec<Diagnostic>) {
    let mut owners: HashMap<&str, &Claim> = HashMap::with_capacity(claims.len());
    for claim in claims {
        let Some(first) = owners.get(claim.path.as_str()).copied() else {
            owners.insert(&claim.path, claim);
            continue;
        };
        let hint = match &first.source {
            Source::Theme { name, .. } => format!(
                "to replace the theme's `{name}`, put your file at `themes/<theme>/static/{name}` instead"
            ),
            Source::Generated("the 404 page") => "rename the file; to change the 404 page, put a `404.html` template in `themes/<theme>/templates/`".to_owned(),
            _ => rename(first, claim).to_owned(),
        };
        let message = format!(
            "`{}` would be written by both {} and {}",
            claim.path,
            first.source.describe(),
            claim.source.describe()
        );
        problems.push(clash(first, claim, message, &hint));
    }
}

/// A file at `a/b` and another file at `a/b/…`: `a/b` cannot be both.
fn files_as_folders(claims: &[Claim], problems: &mut Vec<Diagnostic>) {
    let files: HashMap<&str, &Claim> = claims
        .iter()
        .map(|claim| (claim.path.as_str(), claim))
        .collect();
    let mut reported = std::collections::HashSet::new();
    for claim in claims {
        for (at, _) in claim.path.match_indices('/') {
            let folder = &claim.path[..at];
            let Some(file) = files.get(folder) else {
                continue;
            };
            if reported.insert(folder) {
                let message = format!(
                    "`{folder}` would be a file, written by {}, and a folder, holding `{}` written by {}",
                    file.source.describe(),
                    claim.path,
                    claim.source.describe()
                );
                problems.push(clash(file, claim, message, rename(file, claim)));
            }
        }
    }
}

/// Two files, or two folders, whose paths differ only in case: one on the
/// case-insensitive file systems of macOS and Windows.
fn differing_only_in_case(claims: &[Claim], problems: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, (&str, &Claim)> = HashMap::with_capacity(claims.len());
    let mut reported = std::collections::HashSet::new();
    for claim in claims {
        // What is inside a clashing folder clashes too: said once per pair.
        let mut clashed_with: Option<&Claim> = None;
        let folders = claim
            .path
            .match_indices('/')
            .map(|(at, _)| &claim.path[..=at]);
        for path in folders.chain([claim.path.as_str()]) {
            // A file `a/Guide` and a folder `a/guide/` clash as well.
            let name = path.trim_end_matches('/');
            let folded = name.to_lowercase();
            let Some(&(first_path, first)) = seen.get(&folded) else {
                seen.insert(folded, (path, claim));
                continue;
            };
            if first_path.trim_end_matches('/') == name
                || clashed_with.is_some_and(|earlier| std::ptr::eq(earlier, first))
                || !reported.insert(folded)
            {
                continue;
            }
            clashed_with = Some(first);
            let what = if path.ends_with('/') {
                "folder"
            } else {
                "file"
            };
            let message = format!(
                "`{path}` (from {}) and `{first_path}` (from {}) differ only in case: on macOS and Windows they are one {what}",
                claim.source.describe(),
                first.source.describe()
            );
            problems.push(clash(first, claim, message, CASE_HINT));
        }
    }
}

const CASE_HINT: &str = "rename one of them; if the site is only ever written to a case-sensitive file system, set `allow_paths_differing_in_case = true` in `site.toml`";

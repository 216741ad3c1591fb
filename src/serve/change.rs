//! Which kind of rebuild a changed path needs, decided from the path alone.
//!
//! A pure function so that it can be table-tested: the watcher reports paths
//! relative to the site root, [`classify`] names what they are, and the
//! rebuild chooses how much work to do from the kinds of one batch. Anything
//! outside `content/`, `themes/`, `static/` and `site.toml` (such as
//! `public/` or `target/`) and every hidden, temporary or backup file an
//! editor leaves behind is [`ChangeKind::Ignored`], by the same list `build`
//! uses ([`crate::ignore`]).

use std::path::{Component, Path};

use crate::ignore::is_ignored_name;

/// What a changed path is, for the rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// A Markdown page under `content/` (added, changed or removed).
    Page,
    /// Any other path under `content/`: an asset copied beside its page, or
    /// a folder.
    ContentFile,
    /// A template under `themes/<theme>/templates/`, or a theme folder.
    Template,
    /// A `.css` file under `themes/<theme>/static/` or `static/`: when it
    /// only changed, open pages swap their stylesheets without reloading.
    Stylesheet,
    /// Any other file under `themes/<theme>/static/` or `static/`.
    StaticFile,
    /// `site.toml`.
    Config,
    /// A file outside `content/`, `themes/` and `static/` that a page
    /// includes (`{{#include}}`); [`classify`] never says so, the watcher
    /// does for the files it was told of.
    Included,
    /// Not part of the site's sources, or an editor's temporary file.
    Ignored,
}

/// Classifies a path relative to the site root.
pub fn classify(relative: &Path) -> ChangeKind {
    let mut parts = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(name) => match name.to_str() {
                Some(name) => parts.push(name),
                None => return ChangeKind::Ignored,
            },
            Component::CurDir => {}
            _ => return ChangeKind::Ignored,
        }
    }
    if parts.iter().any(|name| is_ignored_name(name)) {
        return ChangeKind::Ignored;
    }
    let is_css = parts.last().is_some_and(|name| has_extension(name, "css"));
    match parts.as_slice() {
        ["site.toml"] => ChangeKind::Config,
        ["content", .., last] if has_extension(last, "md") => ChangeKind::Page,
        ["content", ..] => ChangeKind::ContentFile,
        ["themes", _, "static", _, ..] | ["static", _, ..] if is_css => ChangeKind::Stylesheet,
        ["themes", _, "static", ..] | ["static", ..] => ChangeKind::StaticFile,
        ["themes", ..] => ChangeKind::Template,
        _ => ChangeKind::Ignored,
    }
}

fn has_extension(name: &str, extension: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|found| found.eq_ignore_ascii_case(extension))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified() {
        use ChangeKind::{Config, ContentFile, Ignored, Page, StaticFile, Stylesheet, Template};
        let table = [
            ("site.toml", Config),
            ("./site.toml", Config),
            ("content/_index.md", Page),
            ("content/a/b/page.md", Page),
            ("content/a/photo.png", ContentFile),
            ("content/new-folder", ContentFile),
            ("content", ContentFile),
            ("themes/default/templates/page.html", Template),
            ("themes/default/templates/partials/nav.html", Template),
            ("themes/default", Template),
            ("themes/default/static/style.css", Stylesheet),
            ("themes/default/static/extra/print.CSS", Stylesheet),
            ("themes/default/static/app.js", StaticFile),
            ("themes/default/static", StaticFile),
            ("static/site.css", Stylesheet),
            ("static/logo.svg", StaticFile),
            ("static/docs/a.pdf", StaticFile),
            ("static", StaticFile),
            // Not sources.
            ("public/index.html", Ignored),
            ("target/debug/x", Ignored),
            ("README.md", Ignored),
            ("site.toml.bak", Ignored),
            ("other/site.toml", Ignored),
            ("../content/a.md", Ignored),
            ("/etc/passwd", Ignored),
            ("", Ignored),
            // Editors' leftovers.
            ("content/.#page.md", Ignored),
            ("content/#page.md#", Ignored),
            ("content/page.md~", Ignored),
            ("content/.page.md.swp", Ignored),
            ("content/.page.md.swx", Ignored),
            ("content/4913", Ignored),
            ("content/5036", Ignored),
            ("content/page.md.tmp", Ignored),
            ("content/page.md___jb_tmp___", Ignored),
            ("content/page.md.kate-swp", Ignored),
            ("content/.page.md.kate-swp", Ignored),
            ("content/page.md___jb_old___", Ignored),
            ("content/page.md.bck", Ignored),
            ("static/.well-known/security.txt", StaticFile),
            ("static/.htaccess", Ignored),
            ("content/.git/index", Ignored),
            ("themes/default/templates/.page.html.swp", Ignored),
            ("static/.DS_Store", Ignored),
            (".site.toml.swp", Ignored),
            (".git/HEAD", Ignored),
        ];
        for (path, expected) in table {
            assert_eq!(classify(Path::new(path)), expected, "{path}");
        }
    }

    #[test]
    fn numbers_that_are_not_vim_probes_are_kept() {
        assert_eq!(classify(Path::new("static/2024")), ChangeKind::StaticFile);
        assert_eq!(classify(Path::new("content/4914")), ChangeKind::ContentFile);
    }
}

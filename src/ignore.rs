//! Which files in a site's folders are not part of the site: hidden files
//! and the leftovers editors write beside the file being saved.
//!
//! One list for `build` and `serve`: the content walker, the walkers of the
//! theme and of `static/`, and the dev server's change classifier all ask
//! here, so a file `build` skips never triggers a rebuild in `serve`, and a
//! file `serve` ignores is never published by `build`. The list follows
//! what Hugo's and Zola's watchers skip (mdBook leaves it to `.gitignore`).
//!
//! A folder whose name is ignored is skipped with everything in it
//! (`.git/`, `.obsidian/`), except `.well-known/`: RFC 8615 puts published
//! files there (`security.txt`), so it is the one hidden name kept.

use std::ffi::OsStr;
use std::path::{Component, Path};

/// Extensions of editors' swap, backup and temporary files, compared
/// without case: Vim's swap files (`.swp`, then `.swo`, and `.swx` for its
/// probe), the generic `.tmp`, Kate's `.kate-swp` and Helix's `.bck`.
const LEFTOVER_EXTENSIONS: [&str; 6] = ["swp", "swx", "swo", "tmp", "kate-swp", "bck"];

/// Endings of `JetBrains` IDEs' safe-write files (`page.md___jb_tmp___`).
const LEFTOVER_SUFFIXES: [&str; 3] = ["___jb_tmp___", "___jb_old___", "___jb_bak___"];

/// The hidden folder that is published (RFC 8615).
const WELL_KNOWN: &str = ".well-known";

/// Whether a file or folder named `name` is left out of the site.
pub fn is_ignored(name: &OsStr) -> bool {
    is_ignored_name(&name.to_string_lossy())
}

/// [`is_ignored`] for a name that is text.
///
/// - hidden names (`.DS_Store`, `.git`, Vim's `.page.md.swp`, Emacs'
///   `.#page.md` lock, GNOME's `.goutputstream-XXXXXX`);
/// - Emacs' auto-save files `#page.md#`;
/// - backups ending in `~` (Vim, Emacs, gedit, Kate);
/// - the extensions `.swp`, `.swo`, `.swx`, `.tmp`, `.kate-swp`, `.bck`; `JetBrains`' `___jb_tmp___`,
///   `___jb_old___` and `___jb_bak___`, and Byword's `page.md.sb-…`;
/// - Vim's probe `4913` (see [`is_vim_probe`]).
pub fn is_ignored_name(name: &str) -> bool {
    if name == WELL_KNOWN {
        return false;
    }
    let extension = name
        .rsplit_once('.')
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, extension)| extension);
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || extension.is_some_and(|extension| {
            LEFTOVER_EXTENSIONS
                .iter()
                .any(|leftover| extension.eq_ignore_ascii_case(leftover))
                || extension.starts_with("sb-")
        })
        || LEFTOVER_SUFFIXES
            .iter()
            .any(|suffix| name.ends_with(suffix))
        || is_vim_probe(name)
}

/// Whether any part of `relative` (a path relative to a site folder) is
/// ignored: the file itself or a folder on the way to it.
pub fn is_ignored_path(relative: &Path) -> bool {
    relative.components().any(|component| match component {
        Component::Normal(name) => is_ignored(name),
        _ => false,
    })
}

/// Vim creates `4913` to test whether it may write a folder, and counts up
/// by 123 (`5036`, …) while that name is taken.
pub fn is_vim_probe(name: &str) -> bool {
    name.bytes().all(|byte| byte.is_ascii_digit())
        && name
            .parse::<u32>()
            .is_ok_and(|number| number >= 4913 && (number - 4913) % 123 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_and_hidden_files_are_ignored() {
        let ignored = [
            // Hidden files and folders.
            ".hidden.md",
            ".DS_Store",
            ".git",
            ".obsidian",
            ".goutputstream-ABC123",
            // Vim.
            ".page.md.swp",
            ".page.md.swo",
            ".page.md.swx",
            "page.md.swp",
            "page.md.SWP",
            "page.md~",
            "4913",
            "5036",
            // Emacs.
            "#page.md#",
            ".#page.md",
            // Kate, Helix, Byword, generic temporaries.
            "page.md.kate-swp",
            ".page.md.kate-swp",
            "page.md.bck",
            "page.md.sb-a1b2c3d4-Z9Y8X7",
            "page.md.tmp",
            "x.TMP",
            // JetBrains.
            "page.md___jb_tmp___",
            "page.md___jb_old___",
            "page.md___jb_bak___",
        ];
        for name in ignored {
            assert!(is_ignored_name(name), "{name} should be ignored");
            assert!(is_ignored(OsStr::new(name)), "{name} should be ignored");
        }
    }

    #[test]
    fn ordinary_names_are_kept() {
        let kept = [
            "page.md",
            "_index.md",
            "style.css",
            "logo.svg",
            "2024",
            "4914",
            "4913.md",
            "49130",
            "tmp",
            "swp",
            "notes.swpx",
            "a#b.md",
            "page~draft.md",
            "jb_tmp.md",
            "sb-intro.md",
            ".well-known",
            "security.txt",
        ];
        for name in kept {
            assert!(!is_ignored_name(name), "{name} should be kept");
        }
    }

    #[test]
    fn a_path_is_ignored_when_any_part_is() {
        let table = [
            ("content/page.md", false),
            ("content/.git/HEAD", true),
            ("content/a/.page.md.swp", true),
            ("static/.well-known/security.txt", false),
            ("static/.htaccess", true),
            ("themes/default/static/4913", true),
            ("./content/page.md", false),
        ];
        for (path, expected) in table {
            assert_eq!(is_ignored_path(Path::new(path)), expected, "{path}");
        }
    }
}

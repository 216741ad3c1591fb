//! What the dev server adds to the HTML it serves, and the build error the
//! overlay shows.
//!
//! Served pages get two `<script src=… defer>` before `</head>`: the morph
//! library the live-reload script patches pages with, and the live-reload
//! script, which also draws the error overlay. Nothing is added
//! to the files themselves, so `build` output never contains it. The error
//! travels as JSON (file, line, column, message, hint, source line) and the
//! script puts it on the page with `textContent` only.

use serde::Serialize;

use crate::diagnostic::Diagnostics;

/// Where the server serves the live-reload script.
pub const SCRIPT_PATH: &str = "/__offboard/livereload.js";

/// Where the server serves the morph library (idiomorph) the live-reload
/// script patches pages with.
pub const MORPH_PATH: &str = "/__offboard/idiomorph.js";

/// One problem, as the overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorItem {
    /// The file, relative to the site root.
    pub file: String,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to mend it.
    pub hint: Option<String>,
    /// The offending source line.
    pub source: Option<String>,
}

/// A failed build, for the terminal, the overlay and `/__offboard/status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    /// Every problem of the build.
    pub errors: Vec<ErrorItem>,
    /// The same, as the terminal shows it.
    pub text: String,
}

impl ErrorReport {
    /// The report of a build that failed with `diagnostics`.
    pub fn from_diagnostics(diagnostics: &Diagnostics) -> Self {
        let errors = diagnostics
            .0
            .iter()
            .map(|diagnostic| ErrorItem {
                file: diagnostic.path.display().to_string(),
                line: diagnostic.location.map(|(line, _)| line),
                column: diagnostic.location.map(|(_, column)| column),
                message: diagnostic.message.clone(),
                hint: diagnostic.hint.clone(),
                source: diagnostic.source_line.clone(),
            })
            .collect();
        Self {
            errors,
            text: diagnostics.to_string(),
        }
    }

    /// A report of one problem that is not about a file (an I/O error).
    pub fn other(message: String) -> Self {
        Self {
            errors: vec![ErrorItem {
                file: String::new(),
                line: None,
                column: None,
                message: message.clone(),
                hint: None,
                source: None,
            }],
            text: message,
        }
    }

    /// The report as one line of JSON (no raw newlines, so it fits in one
    /// server-sent event).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// Adds the live-reload script to a served HTML page, before `</head>` (or
/// at the end when there is none). `generation` is the build the page comes
/// from: a page that missed a reload while disconnected reloads when it
/// reconnects.
pub fn inject_script(html: &str, generation: u64) -> String {
    let tag = format!(
        r#"<script src="{MORPH_PATH}" defer></script><script src="{SCRIPT_PATH}" data-generation="{generation}" defer></script>"#
    );
    match find_ignore_ascii_case(html, "</head>") {
        Some(at) => format!("{}{tag}\n{}", &html[..at], &html[at..]),
        None => format!("{html}\n{tag}\n"),
    }
}

/// Adds `<base href="/">` to the 404 page served for a missing path, so its
/// root-relative links work at any depth (the built file is made for the
/// root of the site).
pub fn base_at_root(html: &str) -> String {
    match find_ignore_ascii_case(html, "<head>") {
        Some(at) => {
            let end = at + "<head>".len();
            format!("{}\n<base href=\"/\">{}", &html[..end], &html[end..])
        }
        None => html.to_owned(),
    }
}

/// The page served while no build has succeeded yet: empty but for the
/// script, which shows the error and reloads when the site builds.
pub fn waiting_page(generation: u64) -> String {
    inject_script(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>offboard-site serve</title>\n</head>\n<body>\n<p>The site has not built yet: fix the error shown and save.</p>\n</body>\n</html>\n",
        generation,
    )
}

fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;

    #[test]
    fn the_script_goes_before_the_end_of_head() {
        let html = "<html><head><title>x</title></HEAD><body></body></html>";
        assert_eq!(
            inject_script(html, 7),
            "<html><head><title>x</title><script src=\"/__offboard/idiomorph.js\" defer></script><script src=\"/__offboard/livereload.js\" data-generation=\"7\" defer></script>\n</HEAD><body></body></html>"
        );
        assert!(inject_script("<p>bare</p>", 1).ends_with("defer></script>\n"));
    }

    #[test]
    fn the_404_page_links_from_the_root() {
        assert_eq!(
            base_at_root("<html><head><title>x</title></head></html>"),
            "<html><head>\n<base href=\"/\"><title>x</title></head></html>"
        );
    }

    #[test]
    fn errors_become_one_line_of_json() {
        let diagnostics = Diagnostics::from(
            Diagnostic::new("content/a.md", "unknown field `titel`")
                .at(2, 1)
                .hint("did you mean `title`?")
                .with_source("+++\ntitel = \"<x>\"\n+++\n"),
        );
        let report = ErrorReport::from_diagnostics(&diagnostics);
        let json = report.to_json();
        assert!(!json.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(value["errors"][0]["file"], "content/a.md");
        assert_eq!(value["errors"][0]["line"], 2);
        assert_eq!(value["errors"][0]["source"], "titel = \"<x>\"");
        assert_eq!(value["errors"][0]["hint"], "did you mean `title`?");
        assert!(
            value["text"]
                .as_str()
                .is_some_and(|t| t.contains("content/a.md:2:1"))
        );
    }
}

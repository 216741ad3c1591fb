//! Site search, built at build time and run in the reader's browser.
//!
//! The index is made from the text the Markdown renderer already returns
//! ([`crate::markdown::Rendered::text_blocks`]), never by parsing again: one
//! block per page (title, description, opening text), per heading and per
//! step, so a result lands on its anchor. Chinese is segmented into
//! character unigrams and bigrams ([`tokens`]), weights are fixed at build
//! time ([`index`]), and the files are classic scripts that load in parts
//! only when a reader starts searching ([`emit`]). [`rank`] is the ranking
//! the browser client runs, in Rust, for tests.
//!
//! Why not Pagefind: its client is an ES module that fetches WebAssembly and
//! its index, which browsers refuse from `file://`, and WebAssembly needs
//! `'wasm-unsafe-eval'` beyond the site's `script-src 'self'`. For the
//! bundled guide it writes 617 KB where this index is 28.7 KB (155 KB of
//! HTML), and its first query loads some 145 KB of code before any index.

pub mod emit;
pub mod gather;
pub mod index;
pub mod postings;
pub mod rank;
#[cfg(test)]
mod tests;
pub mod tokens;

use std::collections::BTreeMap;

use crate::content::Site;
use crate::i18n::Language;
use crate::markdown::Rendered;

pub use index::{Block, BlockKind, Limits, PageRef, SearchData};
pub use rank::{Hit, Results};

/// Where the index files go, relative to the output root.
pub const OUTPUT_DIR: &str = "search/";

/// Interface words the client shows, passed in `index.js`.
const WORDS: &[&str] = &[
    "search_results_label",
    "search_results",
    "search_results_more",
    "search_no_results",
    "search_step",
    "search_hint",
];

/// The index of a rendered site.
pub fn index_site(site: &Site, rendered: &[Rendered]) -> SearchData {
    let language = Language::from_tag(&site.config.language);
    let pages: Vec<PageRef> = site
        .pages
        .iter()
        .map(|page| PageRef {
            title: page.front.title.clone(),
            url: page.url.clone(),
        })
        .collect();
    let mut blocks = Vec::new();
    for (n, output) in rendered.iter().enumerate() {
        let page = PageText {
            index: n,
            title: &pages[n].title,
            description: site.pages[n].front.description.as_deref(),
        };
        page_blocks(&page, output, &mut blocks);
    }
    let words: BTreeMap<String, String> = WORDS
        .iter()
        .map(|key| {
            let short = key.strip_prefix("search_").unwrap_or(key);
            (short.to_owned(), language.word(key).to_owned())
        })
        .collect();
    index::build(&pages, blocks, words, Limits::default())
}

/// The files of the index of a rendered site, as `(path, text)`.
pub fn site_files(site: &Site, rendered: &[Rendered]) -> Vec<(String, String)> {
    emit::into_files(index_site(site, rendered))
}

/// What a page block is made of besides the rendered text.
struct PageText<'a> {
    index: usize,
    title: &'a str,
    description: Option<&'a str>,
}

/// One page's blocks: the page itself (title, description and the text
/// before the first heading), then each heading and step.
fn page_blocks(page: &PageText<'_>, output: &Rendered, blocks: &mut Vec<Block>) {
    let top = output
        .text_blocks
        .iter()
        .find(|block| block.anchor.is_none())
        .map_or("", |block| block.text.as_str());
    let text = match page.description {
        Some(description) if !description.is_empty() && !top.is_empty() => {
            format!("{description} {top}")
        }
        Some(description) if !description.is_empty() => description.to_owned(),
        _ => top.to_owned(),
    };
    blocks.push(Block {
        page: page.index,
        kind: BlockKind::Page,
        anchor: String::new(),
        title: page.title.to_owned(),
        text,
    });
    // Steps have blocks of their own: the text of the section around them
    // keeps only what is not in a step, so one sentence is not two results.
    let mut section = blocks.len() - 1;
    for block in &output.text_blocks {
        let Some(anchor) = &block.anchor else {
            continue;
        };
        if block.is_step {
            remove_once(&mut blocks[section].text, &block.text);
        } else {
            section = blocks.len();
        }
        blocks.push(Block {
            page: page.index,
            kind: if block.is_step {
                BlockKind::Step
            } else {
                BlockKind::Heading
            },
            anchor: anchor.clone(),
            title: block.title.clone(),
            text: block.text.clone(),
        });
    }
}

/// Removes the first `part` from `text`, and the space it leaves.
fn remove_once(text: &mut String, part: &str) {
    if part.is_empty() {
        return;
    }
    if let Some(at) = text.find(part) {
        let mut end = at + part.len();
        if text[end..].starts_with(' ') {
            end += 1;
        } else if at > 0 && text[..at].ends_with(' ') {
            text.replace_range(at - 1..end, "");
            return;
        }
        text.replace_range(at..end, "");
    }
}

#[cfg(test)]
mod section_tests {
    use super::*;

    #[test]
    fn steps_are_cut_out_of_their_section() {
        let mut text = "intro a step after".to_owned();
        remove_once(&mut text, "a step");
        assert_eq!(text, "intro after");
        let mut text = "intro a step".to_owned();
        remove_once(&mut text, "a step");
        assert_eq!(text, "intro");
        let mut text = "a step".to_owned();
        remove_once(&mut text, "a step");
        assert_eq!(text, "");
    }
}

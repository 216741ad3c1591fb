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
//! The build should call [`try_for_each_file`]: it borrows the pages' text
//! and hands over each file as soon as it is written, so at 10,000 pages
//! the index added some 20-25 MB to the build's peak instead of holding all
//! its 72 MB of files (measured on the benchmark corpus, 2026-11-27;
//! [`site_files`] collects them, for tests and tools).
//!
//! Why not Pagefind: its client is an ES module that fetches WebAssembly and
//! its index, which browsers refuse from `file://`, and WebAssembly needs
//! `'wasm-unsafe-eval'` beyond the site's `script-src 'self'`. For the
//! bundled guide it wrote 617 KB where this index was 26.6 KB (155 KB of
//! HTML) when compared on 2026-11-27; the guide's index is now 32.8 KB for
//! 178 KB of HTML. Pagefind's first query loads some 145 KB of code before
//! any index.

pub mod emit;
pub mod gather;
pub mod index;
pub mod postings;
pub mod rank;
#[cfg(test)]
mod tests;
pub mod tokens;

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::content::Site;
use crate::i18n::Language;
use crate::markdown::Rendered;

pub use emit::write_files;
pub use index::{Block, BlockKind, BlockList, BlockSource, Limits, PageRef, SearchData};
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

/// The index of a rendered site, read back from its files.
pub fn index_site(site: &Site, rendered: &[Rendered]) -> SearchData {
    let files = site_files(site, rendered);
    emit::parse_all(
        files
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
    .expect("the index files read back")
}

/// The files of the index of a rendered site, as `(path, text)`:
/// `search/index.js`, the term shards `search/s{n}.js` in order, then the
/// text chunks `search/t{n}.js` in order. [`try_for_each_file`] makes the
/// same files without holding them all at once.
pub fn site_files(site: &Site, rendered: &[Rendered]) -> Vec<(String, String)> {
    let mut files = collect_files(|put| try_for_each_file(site, rendered, put));
    files.sort_by_cached_key(|(path, _)| file_order(path));
    files
}

/// Where a writer of index files hands each `(path, text)`.
type FileSink<'a> = dyn Fn(String, String) -> Result<(), std::convert::Infallible> + Sync + 'a;

/// Every file `write` hands to the sink it is given, in the order they
/// arrive (several threads hand files at once).
fn collect_files(
    write: impl FnOnce(&FileSink<'_>) -> Result<(), std::convert::Infallible>,
) -> Vec<(String, String)> {
    let files = std::sync::Mutex::new(Vec::new());
    let Ok(()) = write(&|path, text| {
        files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((path, text));
        Ok(())
    });
    files
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sort key of an index file: `index.js`, then `s0.js`, `s1.js`…, then
/// `t0.js`, `t1.js`…
fn file_order(path: &str) -> (u8, usize) {
    let name = path.strip_prefix(OUTPUT_DIR).unwrap_or(path);
    let number = name
        .get(1..)
        .and_then(|rest| rest.strip_suffix(".js"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    match name.as_bytes().first() {
        Some(b's') => (1, number),
        Some(b't') => (2, number),
        _ => (0, number),
    }
}

/// Makes the index files of a rendered site and hands each to `put` as
/// `(path, text)` as soon as it is made, so that they need not all be held
/// at once: the same files as [`site_files`], from several threads and in
/// no fixed order. The first error `put` returns stops the work and is
/// returned.
///
/// The index borrows the pages' text rather than copying it, and makes a
/// page's blocks (its sections without their steps' text) only while it
/// reads them: what it holds at its peak is the postings and the files in
/// flight.
pub fn try_for_each_file<E: Send>(
    site: &Site,
    rendered: &[Rendered],
    put: &(dyn Fn(String, String) -> Result<(), E> + Sync),
) -> Result<(), E> {
    let language = Language::from_tag(&site.config.language);
    let words: BTreeMap<String, String> = WORDS
        .iter()
        .map(|key| {
            let short = key.strip_prefix("search_").unwrap_or(key);
            (short.to_owned(), language.word(key).to_owned())
        })
        .collect();
    let source = SiteBlocks { site, rendered };
    emit::write_files(&source, words, Limits::default(), put)
}

/// A rendered site's blocks, one group a page, made when asked for.
struct SiteBlocks<'a> {
    site: &'a Site,
    rendered: &'a [Rendered],
}

impl BlockSource for SiteBlocks<'_> {
    fn groups(&self) -> usize {
        self.rendered.len()
    }

    fn len(&self, group: usize) -> usize {
        let blocks = &self.rendered[group].text_blocks;
        1 + blocks.iter().filter(|block| block.anchor.is_some()).count()
    }

    fn blocks<'s>(&'s self, group: usize, out: &mut Vec<Block<'s>>) {
        let front = &self.site.pages[group].front;
        let page = PageText {
            index: group,
            title: &front.title,
            description: front.description.as_deref(),
        };
        page_blocks(&page, &self.rendered[group], out);
    }

    fn page(&self, page: usize) -> (&str, &str) {
        let page = &self.site.pages[page];
        (&page.front.title, &page.url)
    }
}

/// What a page block is made of besides the rendered text.
struct PageText<'a> {
    index: usize,
    title: &'a str,
    description: Option<&'a str>,
}

/// One page's blocks: the page itself (title, description and the text
/// before the first heading), then each heading and step.
fn page_blocks<'a>(page: &PageText<'a>, output: &'a Rendered, blocks: &mut Vec<Block<'a>>) {
    let top = output
        .text_blocks
        .iter()
        .find(|block| block.anchor.is_none())
        .map_or("", |block| block.text.as_str());
    let text: Cow<'a, str> = match page.description {
        Some(description) if !description.is_empty() && !top.is_empty() => {
            format!("{description} {top}").into()
        }
        Some(description) if !description.is_empty() => description.into(),
        _ => top.into(),
    };
    blocks.push(Block {
        page: page.index,
        kind: BlockKind::Page,
        anchor: "".into(),
        title: page.title.into(),
        text,
    });
    // Steps have blocks of their own; the text of the section around them
    // comes without them (see `markdown::text`), so one sentence is not
    // two results.
    for block in &output.text_blocks {
        let Some(anchor) = &block.anchor else {
            continue;
        };
        blocks.push(Block {
            page: page.index,
            kind: if block.is_step {
                BlockKind::Step
            } else {
                BlockKind::Heading
            },
            anchor: anchor.as_str().into(),
            title: block.title.as_str().into(),
            text: block.text.as_str().into(),
        });
    }
}

//! The index as data: blocks (a page, a heading's section, a step), their
//! weighted terms, and how both are cut into files that load in parts.
//!
//! Weights are computed here, at build time, so the client only adds them
//! up: a term in a page title weighs most, then in a heading, then in a
//! step, then in running text (by count, capped). A block also inherits a
//! quarter of its page's weight for the same term, so that of two steps
//! saying `手机号` the one on the page about phone numbers comes first.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::tokens::for_each_term;

/// Weight of a term found in a page title.
const PAGE_TITLE: u32 = 12;
/// Weight of a term found in a heading.
const HEADING_TITLE: u32 = 8;
/// Weight of a term found in a step's first line.
const STEP_TITLE: u32 = 6;
/// Most a term's repeats in running text count.
const TEXT_CAP: u32 = 3;
/// A block's own weight counts this many times its page's.
const OWN_FACTOR: u32 = 4;
/// Postings are `delta * WEIGHT_BASE + weight`.
pub const WEIGHT_BASE: u64 = 64;

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// The page itself: its title, description and the text before the
    /// first heading.
    Page = 0,
    /// A heading and the text under it.
    Heading = 1,
    /// One step.
    Step = 2,
}

impl BlockKind {
    fn title_weight(self) -> u32 {
        match self {
            Self::Page => PAGE_TITLE,
            Self::Heading => HEADING_TITLE,
            Self::Step => STEP_TITLE,
        }
    }
}

/// A place a result can land on.
#[derive(Debug, Clone)]
pub struct Block {
    /// Index of its page in the page list given to [`build`].
    pub page: usize,
    /// Page, heading or step.
    pub kind: BlockKind,
    /// Anchor on the page (`""`: the top).
    pub anchor: String,
    /// Page title, heading or the step's first line.
    pub title: String,
    /// The running text.
    pub text: String,
}

/// A page as the index sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PageRef {
    /// The page title.
    pub title: String,
    /// Output folder relative to the root (`""` for the home page).
    pub url: String,
}

/// `search/index.js`: what the client needs before any shard.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    /// Format version.
    pub v: u32,
    /// Number of blocks (for inverse document frequency).
    pub blocks: u32,
    /// Number of term shards: a term lives in `s{first char % shards}.js`.
    pub shards: u32,
    /// First block id of each text chunk `t{n}.js`.
    pub chunks: Vec<u32>,
    /// Interface words for the results.
    pub words: BTreeMap<String, String>,
}

/// A block as stored in a text chunk: (page index within the chunk, kind,
/// anchor, title, text).
pub type StoredBlock = (u32, u8, String, String, String);

/// `search/t{n}.js`: the pages and block texts for titles and snippets.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Chunk {
    /// The chunk's pages.
    pub pages: Vec<PageRef>,
    /// Its blocks, in id order from [`Meta::chunks`].
    pub blocks: Vec<StoredBlock>,
}

/// The whole index: what the files hold.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchData {
    /// `index.js`.
    pub meta: Meta,
    /// `s{n}.js`: term → postings (`delta * WEIGHT_BASE + weight`).
    pub shards: Vec<BTreeMap<String, Vec<u64>>>,
    /// `t{n}.js`.
    pub chunks: Vec<Chunk>,
}

/// Sizes that decide how the index is split.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Aim for term shards of about this many bytes.
    pub shard_bytes: usize,
    /// Start a new text chunk (at a page boundary) past this many bytes.
    pub chunk_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            shard_bytes: 96 * 1024,
            chunk_bytes: 64 * 1024,
        }
    }
}

/// Builds the index from pages and their blocks (blocks of one page
/// together, the page block first).
pub fn build(
    pages: &[PageRef],
    blocks: &[Block],
    words: BTreeMap<String, String>,
    limits: Limits,
) -> SearchData {
    let postings = postings(blocks);
    let shards = shard(postings, limits.shard_bytes);
    let (chunks, starts) = chunk(pages, blocks, limits.chunk_bytes);
    SearchData {
        meta: Meta {
            v: 1,
            blocks: blocks.len() as u32,
            shards: shards.len() as u32,
            chunks: starts,
            words,
        },
        shards,
        chunks,
    }
}

/// Each block's weight for each of its terms.
fn block_weights(block: &Block) -> HashMap<String, u32> {
    let mut weights: HashMap<String, u32> = HashMap::new();
    for_each_term(&block.text, |term| match weights.get_mut(term) {
        Some(count) => *count = (*count + 1).min(TEXT_CAP),
        None => {
            weights.insert(term.to_owned(), 1);
        }
    });
    let title = block.kind.title_weight();
    for_each_term(&block.title, |term| match weights.get_mut(term) {
        Some(weight) => *weight = title,
        None => {
            weights.insert(term.to_owned(), title);
        }
    });
    weights
}

/// Term → (block id, stored weight), block ids ascending.
fn postings(blocks: &[Block]) -> BTreeMap<String, Vec<(u32, u32)>> {
    let weights: Vec<HashMap<String, u32>> = blocks.par_iter().map(block_weights).collect();
    let mut page_block = 0;
    let mut postings: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    for (id, block) in blocks.iter().enumerate() {
        if block.kind == BlockKind::Page {
            page_block = id;
        }
        for (term, weight) in &weights[id] {
            let inherited = weights[page_block].get(term).copied().unwrap_or(0);
            let entry = (id as u32, OWN_FACTOR * weight + inherited);
            match postings.get_mut(term) {
                Some(list) => list.push(entry),
                None => {
                    postings.insert(term.clone(), vec![entry]);
                }
            }
        }
    }
    postings.into_iter().collect()
}

/// The shard a term lives in.
pub fn shard_of(term: &str, shards: u32) -> usize {
    term.chars()
        .next()
        .map_or(0, |c| (u32::from(c) % shards.max(1)) as usize)
}

/// Delta-encodes postings and spreads terms over enough shards to keep each
/// near `shard_bytes`.
fn shard(
    postings: BTreeMap<String, Vec<(u32, u32)>>,
    shard_bytes: usize,
) -> Vec<BTreeMap<String, Vec<u64>>> {
    let encoded: Vec<(String, Vec<u64>)> = postings
        .into_iter()
        .map(|(term, list)| {
            let mut previous = 0;
            let values = list
                .into_iter()
                .map(|(id, weight)| {
                    let delta = u64::from(id - previous);
                    previous = id;
                    delta * WEIGHT_BASE + u64::from(weight)
                })
                .collect();
            (term, values)
        })
        .collect();
    let bytes: usize = encoded
        .iter()
        .map(|(term, values)| term.len() + 6 + values.len() * 4)
        .sum();
    let count = bytes.div_ceil(shard_bytes.max(1)).max(1) as u32;
    let mut shards = vec![BTreeMap::new(); count as usize];
    for (term, values) in encoded {
        shards[shard_of(&term, count)].insert(term, values);
    }
    shards
}

/// Groups whole pages into text chunks of about `chunk_bytes`; returns the
/// chunks and the first block id of each.
fn chunk(pages: &[PageRef], blocks: &[Block], chunk_bytes: usize) -> (Vec<Chunk>, Vec<u32>) {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut starts = Vec::new();
    let mut bytes = usize::MAX;
    let mut current_page = usize::MAX;
    for (id, block) in blocks.iter().enumerate() {
        if block.page != current_page {
            current_page = block.page;
            if bytes >= chunk_bytes {
                chunks.push(Chunk {
                    pages: Vec::new(),
                    blocks: Vec::new(),
                });
                starts.push(id as u32);
                bytes = 0;
            }
            let chunk = chunks.last_mut().expect("a chunk was started");
            chunk.pages.push(pages[block.page].clone());
        }
        let chunk = chunks.last_mut().expect("a chunk was started");
        bytes += block.title.len() + block.text.len() + block.anchor.len() + 16;

        // A page block's title is the page's, already in `pages`.
        let title = if block.kind == BlockKind::Page {
            String::new()
        } else {
            block.title.clone()
        };
        chunk.blocks.push((
            (chunk.pages.len() - 1) as u32,
            block.kind as u8,
            block.anchor.clone(),
            title,
            block.text.clone(),
        ));
    }
    (chunks, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(page: usize, kind: BlockKind, title: &str, text: &str) -> Block {
        Block {
            page,
            kind,
            anchor: String::new(),
            title: title.to_owned(),
            text: text.to_owned(),
        }
    }

    fn pages(n: usize) -> Vec<PageRef> {
        (0..n)
            .map(|i| PageRef {
                title: format!("p{i}"),
                url: format!("p{i}/"),
            })
            .collect()
    }

    #[test]
    fn titles_outweigh_text_and_text_counts_are_capped() {
        let weights = block_weights(&block(0, BlockKind::Step, "解绑", "解绑 QQ QQ QQ QQ"));
        assert_eq!(weights["解绑"], STEP_TITLE);
        assert_eq!(weights["qq"], TEXT_CAP);
        let heading = block_weights(&block(0, BlockKind::Heading, "解绑", ""));
        let page = block_weights(&block(0, BlockKind::Page, "解绑", ""));
        assert!(page["解绑"] > heading["解绑"] && heading["解绑"] > STEP_TITLE);
    }

    #[test]
    fn blocks_inherit_a_share_of_their_page_weight() {
        let blocks = [
            block(0, BlockKind::Page, "手机", ""),
            block(0, BlockKind::Step, "手机", ""),
            block(1, BlockKind::Page, "别的", ""),
            block(1, BlockKind::Step, "手机", ""),
        ];
        let postings = postings(&blocks);
        let phone = &postings["手机"];
        assert_eq!(phone[0], (0, 5 * PAGE_TITLE));
        assert_eq!(phone[1], (1, 4 * STEP_TITLE + PAGE_TITLE));
        assert_eq!(phone[2], (3, 4 * STEP_TITLE));
        assert!(u64::from(5 * PAGE_TITLE) < WEIGHT_BASE);
    }

    #[test]
    fn postings_are_delta_encoded_and_sharded_by_first_character() {
        let blocks: Vec<Block> = (0..3)
            .map(|i| block(i, BlockKind::Page, "", "qq 号"))
            .collect();
        let data = build(&pages(3), &blocks, BTreeMap::new(), Limits::default());
        assert_eq!(data.shards.len(), 1);
        // A page block inherits from itself: 4 × 1 + 1.
        assert_eq!(data.shards[0]["qq"], [5, WEIGHT_BASE + 5, WEIGHT_BASE + 5]);
        let tiny = Limits {
            shard_bytes: 8,
            chunk_bytes: 1,
        };
        let data = build(&pages(3), &blocks, BTreeMap::new(), tiny);
        assert!(data.shards.len() > 1);
        for (n, shard) in data.shards.iter().enumerate() {
            for term in shard.keys() {
                assert_eq!(shard_of(term, data.meta.shards), n);
            }
        }
    }

    #[test]
    fn chunks_hold_whole_pages() {
        let blocks = vec![
            block(0, BlockKind::Page, "a", "x"),
            block(0, BlockKind::Step, "b", "y"),
            block(1, BlockKind::Page, "c", "z"),
        ];
        let limits = Limits {
            shard_bytes: 1024,
            chunk_bytes: 1,
        };
        let data = build(&pages(2), &blocks, BTreeMap::new(), limits);
        assert_eq!(data.meta.chunks, [0, 2]);
        assert_eq!(data.chunks[0].blocks.len(), 2);
        assert_eq!(data.chunks[1].pages[0].title, "p1");
        let one = build(&pages(2), &blocks, BTreeMap::new(), Limits::default());
        assert_eq!(one.meta.chunks, [0]);
        assert_eq!(one.chunks[0].blocks[2].0, 1);
    }
}

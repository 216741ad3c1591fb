//! The index as data: blocks (a page, a heading's section, a step), their
//! weighted postings ([`super::gather`]), and how both are cut into files
//! that load in parts: term shards and text chunks.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::gather::encoded_postings;

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
///
/// Text chunks are small (about 16 KB) because a query loads the chunks of
/// its best [`super::rank::RERANK`] hits, which may all differ on a large
/// site.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    /// Format version.
    pub v: u32,
    /// Number of blocks (for inverse document frequency).
    pub blocks: u32,
    /// Number of term shards (see [`shard_of`]).
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
    /// `s{n}.js`: term → postings ([`super::postings::encode`]).
    pub shards: Vec<BTreeMap<String, String>>,
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
            shard_bytes: 64 * 1024,
            chunk_bytes: 16 * 1024,
        }
    }
}

/// Builds the index from pages and their blocks (blocks of one page
/// together, the page block first).
pub fn build(
    pages: &[PageRef],
    blocks: Vec<Block>,
    words: BTreeMap<String, String>,
    limits: Limits,
) -> SearchData {
    let count = blocks.len() as u32;
    let shards = shard(encoded_postings(&blocks), limits.shard_bytes);
    let (chunks, starts) = chunk(pages, blocks, limits.chunk_bytes);
    SearchData {
        meta: Meta {
            v: 1,
            blocks: count,
            shards: shards.len() as u32,
            chunks: starts,
            words,
        },
        shards,
        chunks,
    }
}

/// The shard a term lives in, from its first two characters (one for a
/// one-character term), so every term a two-letter prefix starts is in one
/// shard: `(c1 * 31 + c2) % shards`.
pub fn shard_of(term: &str, shards: u32) -> usize {
    let mut chars = term.chars().map(u64::from);
    let key = match (chars.next(), chars.next()) {
        (Some(first), Some(second)) => first * 31 + second,
        (Some(first), None) => first,
        _ => 0,
    };
    (key % u64::from(shards.max(1))) as usize
}

/// Spreads terms and their encoded postings over enough shards to keep
/// each near `shard_bytes`.
fn shard(encoded: Vec<(String, String)>, shard_bytes: usize) -> Vec<BTreeMap<String, String>> {
    let bytes: usize = encoded
        .iter()
        .map(|(term, text)| term.len() + text.len() + 6)
        .sum();
    let count = bytes.div_ceil(shard_bytes.max(1)).max(1) as u32;
    let mut parts: Vec<Vec<(String, String)>> = vec![Vec::new(); count as usize];
    for (term, text) in encoded {
        parts[shard_of(&term, count)].push((term, text));
    }
    parts
        .into_par_iter()
        .map(|mut part| {
            part.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            part.into_iter().collect()
        })
        .collect()
}

/// Groups whole pages into text chunks of about `chunk_bytes`; returns the
/// chunks and the first block id of each.
fn chunk(pages: &[PageRef], blocks: Vec<Block>, chunk_bytes: usize) -> (Vec<Chunk>, Vec<u32>) {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut starts = Vec::new();
    let mut bytes = usize::MAX;
    let mut current_page = usize::MAX;
    for (id, block) in blocks.into_iter().enumerate() {
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
            block.title
        };
        chunk.blocks.push((
            (chunk.pages.len() - 1) as u32,
            block.kind as u8,
            block.anchor,
            title,
            block.text,
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
    fn postings_are_encoded_and_sharded_by_first_characters() {
        let blocks: Vec<Block> = (0..3)
            .map(|i| block(i, BlockKind::Page, "", "qq 号"))
            .collect();
        let data = build(
            &pages(3),
            blocks.clone(),
            BTreeMap::new(),
            Limits::default(),
        );
        assert_eq!(data.shards.len(), 1);
        // A page block inherits from itself: 4 × 1 + 1.
        let qq = super::super::postings::decode(&data.shards[0]["qq"]);
        assert_eq!(qq, Some(vec![(0, 5), (1, 5), (2, 5)]));
        let tiny = Limits {
            shard_bytes: 8,
            chunk_bytes: 1,
        };
        let data = build(&pages(3), blocks, BTreeMap::new(), tiny);
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
        let data = build(&pages(2), blocks.clone(), BTreeMap::new(), limits);
        assert_eq!(data.meta.chunks, [0, 2]);
        assert_eq!(data.chunks[0].blocks.len(), 2);
        assert_eq!(data.chunks[1].pages[0].title, "p1");
        let one = build(&pages(2), blocks, BTreeMap::new(), Limits::default());
        assert_eq!(one.meta.chunks, [0]);
        assert_eq!(one.chunks[0].blocks[2].0, 1);
    }
}

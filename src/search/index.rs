//! The index as data: blocks (a page, a heading's section, a step), the
//! files' contents as the client and [`super::rank`] read them back
//! ([`SearchData`]), and the sizes that cut them into parts that load
//! apart: term shards and text chunks ([`super::emit`] writes them).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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

/// A place a result can land on. Its text is borrowed from the rendered
/// pages where it can be, so the index holds no second copy of the site.
#[derive(Debug, Clone)]
pub struct Block<'a> {
    /// Index of its page in the page list given to [`build`].
    pub page: usize,
    /// Page, heading or step.
    pub kind: BlockKind,
    /// Anchor on the page (`""`: the top).
    pub anchor: Cow<'a, str>,
    /// Page title, heading or the step's first line.
    pub title: Cow<'a, str>,
    /// The running text.
    pub text: Cow<'a, str>,
}

/// A block at the top of its page, for tests.
#[cfg(test)]
pub(crate) fn block<'a>(page: usize, kind: BlockKind, title: &'a str, text: &'a str) -> Block<'a> {
    Block {
        page,
        kind,
        anchor: "".into(),
        title: title.into(),
        text: text.into(),
    }
}

/// Where the index reads its blocks from: groups of blocks (a page's),
/// one group at a time, so that text made for the index (a section with
/// its steps cut out) lives only while its group is read.
pub trait BlockSource: Sync {
    /// How many groups.
    fn groups(&self) -> usize;
    /// How many blocks group `group` has (what [`Self::blocks`] appends).
    fn len(&self, group: usize) -> usize;
    /// Appends the blocks of group `group`, the page block first.
    fn blocks<'s>(&'s self, group: usize, out: &mut Vec<Block<'s>>);
    /// `(title, url)` of the page a block's [`Block::page`] names.
    fn page(&self, page: usize) -> (&str, &str);
}

/// Blocks already made, in a list: each run of blocks of one page is a
/// group.
pub struct BlockList<'a> {
    pages: &'a [PageRef],
    blocks: &'a [Block<'a>],
    /// Index of each group's first block, then the number of blocks.
    starts: Vec<usize>,
}

impl<'a> BlockList<'a> {
    /// Blocks of one page together, the page block first; `Block::page`
    /// indexes `pages`.
    pub fn new(pages: &'a [PageRef], blocks: &'a [Block<'a>]) -> Self {
        let mut starts: Vec<usize> = (0..blocks.len())
            .filter(|&n| n == 0 || blocks[n].page != blocks[n - 1].page)
            .collect();
        starts.push(blocks.len());
        Self {
            pages,
            blocks,
            starts,
        }
    }
}

impl BlockSource for BlockList<'_> {
    fn groups(&self) -> usize {
        self.starts.len() - 1
    }

    fn len(&self, group: usize) -> usize {
        self.starts[group + 1] - self.starts[group]
    }

    fn blocks<'s>(&'s self, group: usize, out: &mut Vec<Block<'s>>) {
        out.extend_from_slice(&self.blocks[self.starts[group]..self.starts[group + 1]]);
    }

    fn page(&self, page: usize) -> (&str, &str) {
        let page = &self.pages[page];
        (&page.title, &page.url)
    }
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
/// together, the page block first), by writing its files
/// ([`super::emit::write_files`]) and reading them back.
pub fn build(
    pages: &[PageRef],
    blocks: &[Block<'_>],
    words: BTreeMap<String, String>,
    limits: Limits,
) -> SearchData {
    let source = BlockList::new(pages, blocks);
    let files = super::collect_files(|put| super::emit::write_files(&source, words, limits, put));
    super::emit::parse_all(
        files
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
    .expect("the index files read back")
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let data = build(&pages(3), &blocks, BTreeMap::new(), Limits::default());
        assert_eq!(data.shards.len(), 1);
        // A page block inherits from itself: 4 × 1 + 1.
        let qq = super::super::postings::decode(&data.shards[0]["qq"]);
        assert_eq!(qq, Some(vec![(0, 5), (1, 5), (2, 5)]));
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

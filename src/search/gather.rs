//! Gathering postings: each block's terms and their weights, fixed at build
//! time so the client only adds them up. A term in a page title weighs
//! most, then in a heading, then in a step, then in running text (by count,
//! capped). A block also inherits a quarter of its page's weight for the
//! same term, so that of two steps saying `手机号` the one on the page about
//! phone numbers comes first.
//!
//! This is the costly part of the index on a large site, so blocks are
//! normalized once, terms are borrowed slices, and runs of blocks are
//! gathered in parallel.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::index::{Block, BlockKind};
use super::tokens::{normalize, terms_in};

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

// The heaviest stored weight (a page title, inherited from itself) must fit
// in the one character the postings give it.
const _: () = assert!((OWN_FACTOR + 1) * PAGE_TITLE <= super::postings::MAX_WEIGHT);

/// Postings being gathered: term → (block id, stored weight).
type Gathered<'a> = HashMap<&'a str, Vec<(u32, u32)>, Fnv>;

impl BlockKind {
    fn title_weight(self) -> u32 {
        match self {
            Self::Page => PAGE_TITLE,
            Self::Heading => HEADING_TITLE,
            Self::Step => STEP_TITLE,
        }
    }
}

/// A block's title and text, normalized once; its terms borrow from here.
struct Normalized {
    kind: BlockKind,
    title: String,
    text: String,
}

impl Normalized {
    fn new(block: &Block) -> Self {
        Self {
            kind: block.kind,
            title: normalize(&block.title),
            text: normalize(&block.text),
        }
    }

    /// Fills `weights` with each term of the block and its weight.
    fn weigh<'a>(&'a self, weights: &mut HashMap<&'a str, u32, Fnv>) {
        weights.clear();
        terms_in(&self.text, |term| {
            let count = weights.entry(term).or_default();
            *count = (*count + 1).min(TEXT_CAP);
        });
        let title = self.kind.title_weight();
        terms_in(&self.title, |term| {
            weights.insert(term, title);
        });
    }

    /// Each term of the block with its weight, sorted by term.
    fn weights(&self) -> Vec<(&str, u32)> {
        let mut weights = HashMap::default();
        self.weigh(&mut weights);
        let mut weights: Vec<(&str, u32)> = weights.into_iter().collect();
        weights.sort_unstable();
        weights
    }
}

/// Term → (block id, stored weight), block ids ascending. Runs of blocks
/// are indexed in parallel, then their lists joined in order.
pub fn postings(blocks: &[Block]) -> BTreeMap<String, Vec<(u32, u32)>> {
    let normalized: Vec<Normalized> = blocks.par_iter().map(Normalized::new).collect();
    let mut page_of = Vec::with_capacity(blocks.len());
    for (id, block) in blocks.iter().enumerate() {
        let page = if block.kind == BlockKind::Page {
            id
        } else {
            page_of.last().copied().unwrap_or(0)
        };
        page_of.push(page);
    }
    let page_weights: HashMap<usize, Vec<(&str, u32)>> = normalized
        .par_iter()
        .enumerate()
        .filter(|(_, block)| block.kind == BlockKind::Page)
        .map(|(id, block)| (id, block.weights()))
        .collect();
    let ids: Vec<usize> = (0..blocks.len()).collect();
    let batch = (blocks.len() / (rayon::current_num_threads() * 4)).max(256);
    let parts: Vec<Gathered<'_>> = ids
        .par_chunks(batch)
        .map(|ids| {
            let mut part: Gathered<'_> = HashMap::default();
            let mut weights = HashMap::default();
            for &id in ids {
                let page = page_weights
                    .get(&page_of[id])
                    .map_or(&[][..], Vec::as_slice);
                normalized[id].weigh(&mut weights);
                for (&term, &weight) in &weights {
                    let inherited = page
                        .binary_search_by(|(known, _)| known.cmp(&term))
                        .map_or(0, |at| page[at].1);
                    part.entry(term)
                        .or_default()
                        .push((id as u32, OWN_FACTOR * weight + inherited));
                }
            }
            part
        })
        .collect();
    let mut postings: Gathered<'_> = HashMap::default();
    for part in parts {
        for (term, list) in part {
            postings.entry(term).or_default().extend(list);
        }
    }
    postings
        .into_iter()
        .map(|(term, list)| (term.to_owned(), list))
        .collect()
}

/// FNV-1a: terms are short, and the standard hasher's defence against
/// crafted keys costs a third of the index time on a large site.
#[derive(Default)]
struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type Fnv = BuildHasherDefault<FnvHasher>;

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

    #[test]
    fn titles_outweigh_text_and_text_counts_are_capped() {
        let weight = |kind, title, text, term| {
            let normalized = Normalized::new(&block(0, kind, title, text));
            let weights: HashMap<String, u32> = normalized
                .weights()
                .into_iter()
                .map(|(term, weight)| (term.to_owned(), weight))
                .collect();
            weights.get(term).copied()
        };
        let step = |term| weight(BlockKind::Step, "解绑", "解绑 QQ QQ QQ QQ", term);
        assert_eq!(step("解绑"), Some(STEP_TITLE));
        assert_eq!(step("qq"), Some(TEXT_CAP));
        let heading = weight(BlockKind::Heading, "解绑", "", "解绑");
        let page = weight(BlockKind::Page, "解绑", "", "解绑");
        assert!(page > heading && heading > Some(STEP_TITLE));
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
    }
}

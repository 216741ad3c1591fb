//! Gathering postings: each block's terms and their weights, fixed at build
//! time so the client only adds them up. A term in a page title weighs
//! most, then in a heading, then in a step, then in running text (by count,
//! capped). A block also inherits a quarter of its page's weight for the
//! same term, so that of two steps saying `手机号` the one on the page about
//! phone numbers comes first.
//!
//! This is the costly part of the index on a large site, so runs of whole
//! pages are gathered in parallel, each with its own term ids: a term's
//! text is hashed once per occurrence (CJK terms as a number, not a
//! string), a block's weights live in an array indexed by term id, each
//! posting is logged in one buffer as its block ends (four bytes, term id
//! and weight: the block is where it is in the log), and at the end of
//! the run the log is encoded into one string, each term's postings
//! together (never a list of them all to sort, nor a string per term to
//! grow). The runs are then indexed in order, looking
//! each distinct term of a run up once, and a term's postings are copied
//! out of the runs only into its shard's file ([`Postings::write`]).

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use std::ops::Range;

use super::index::{Block, BlockKind, BlockList, BlockSource, PageRef};
use super::postings::{encode_into, encoded_len, write_posting};
use super::tokens::{TermSink, scan_terms};

/// Weight of a term found in a page title.
const PAGE_TITLE: u32 = 12;
/// Weight of a term found in a heading.
const HEADING_TITLE: u32 = 8;
/// Weight of a term found in a step's first line.
const STEP_TITLE: u32 = 6;
/// Most a term's repeats in running text count.
const TEXT_CAP: u32 = 3;
/// Most blocks gathered in one run (see [`gather`]).
const RUN_BLOCKS: usize = 8192;
/// Bits of a logged posting that hold its stored weight; the term id is
/// above them.
const WEIGHT_BITS: u32 = 6;
/// Most distinct terms one run can log.
const MAX_RUN_TERMS: u32 = 1 << (32 - WEIGHT_BITS);
/// A block's own weight counts this many times its page's.
const OWN_FACTOR: u32 = 4;

// The heaviest stored weight (a page title, inherited from itself) must fit
// in the one character the postings give it, and in a logged posting.
const _: () = assert!((OWN_FACTOR + 1) * PAGE_TITLE <= super::postings::MAX_WEIGHT);
const _: () = assert!(super::postings::MAX_WEIGHT < 1 << WEIGHT_BITS);

impl BlockKind {
    fn title_weight(self) -> u32 {
        match self {
            Self::Page => PAGE_TITLE,
            Self::Heading => HEADING_TITLE,
            Self::Step => STEP_TITLE,
        }
    }
}

/// Term ids of one run of pages, in order of first use.
struct Terms {
    /// CJK characters of the Basic Multilingual Plane by code: their id
    /// plus one (0: not seen), so most CJK terms need no hashing at all.
    unigrams: Vec<u32>,
    /// Other CJK terms by their key ([`scan_terms`]), and words of at
    /// most seven bytes by theirs ([`short_word_key`]).
    cjk: KeyIds,
    /// Longer words.
    words: HashMap<String, u32, Fnv>,
    /// Every term's text, one after another; `ends[id]` is where each ends.
    text: String,
    ends: Vec<u32>,
}

thread_local! {
    /// This thread's lookup tables from its previous run, to be cleared
    /// and used by its next: the CJK table grows once per thread instead
    /// of from 4,096 slots every run. Each doubling wrote fresh pages
    /// (the allocator hands freed pages back at once), and those page
    /// faults were 8 % of a 1k build's CPU.
    static SPARE_TABLES: Cell<Option<(Vec<u32>, KeyIds)>> = const { Cell::new(None) };
}

impl Default for Terms {
    fn default() -> Self {
        let (unigrams, cjk) = SPARE_TABLES.take().map_or_else(
            || (vec![0; 0x1_0000], KeyIds::default()),
            |(mut unigrams, mut cjk)| {
                unigrams.fill(0);
                cjk.clear();
                (unigrams, cjk)
            },
        );
        Self {
            unigrams,
            cjk,
            words: HashMap::default(),
            text: String::new(),
            ends: Vec::new(),
        }
    }
}

impl Terms {
    /// Leaves the lookup tables to this thread's next run.
    fn spare_tables(&mut self) {
        let unigrams = std::mem::take(&mut self.unigrams);
        let cjk = std::mem::replace(&mut self.cjk, KeyIds::empty());
        SPARE_TABLES.set(Some((unigrams, cjk)));
    }
}

impl Terms {
    /// Gives `term` the next id, and returns it.
    fn add(&mut self, term: &str) -> u32 {
        let id = self.ends.len() as u32;
        self.text.push_str(term);
        self.ends.push(self.text.len() as u32);
        id
    }
}

/// A key standing for word `word` alone if it is at most seven bytes
/// long (its bytes and its length), so that most words are looked up as
/// CJK terms are, without hashing their text; 0 if it is longer. Such a key
/// is at least 2^56 and below 2^63, so it is neither a CJK character's nor
/// a pair's ([`scan_terms`]).
#[inline(always)]
#[expect(clippy::inline_always, reason = "as for `Weights::cjk_slot`")]
fn short_word_key(word: &str) -> u64 {
    let bytes = word.as_bytes();
    if bytes.is_empty() || bytes.len() > 7 {
        return 0;
    }
    let mut key = (bytes.len() as u64) << 56;
    for (n, &byte) in bytes.iter().enumerate() {
        key |= u64::from(byte) << (8 * n);
    }
    key
}

/// The weights of a run's terms while its blocks are read, and the
/// postings of the blocks read so far.
#[derive(Default)]
struct Weights {
    terms: Terms,
    /// By term id: the weight in the block being read (0: absent), and in
    /// its page.
    block: Vec<u32>,
    page: Vec<u32>,
    /// Term ids with a weight in the block, and in the page.
    touched: Vec<u32>,
    page_touched: Vec<u32>,
    /// Every posting of the run, block after block: `term id <<
    /// WEIGHT_BITS | stored weight`. Four bytes a posting, appended to one
    /// buffer, where a growing string per term cost an allocation or two
    /// per term and most of the time of gathering.
    log: Vec<u32>,
    /// Where each block's postings end in `log`.
    block_ends: Vec<u32>,
}

impl Weights {
    /// The weight slot in the block being read of CJK term
    /// `&text[range]`, whose key is `key` ([`scan_terms`]): looked up by
    /// key, its text sliced only when it is new.
    #[inline(always)]
    #[expect(
        clippy::inline_always,
        reason = "measured: 30 M fewer instructions at 1k than #[inline] (most terms are CJK)"
    )]
    fn cjk_slot(&mut self, text: &str, key: u64, range: Range<usize>) -> &mut u32 {
        let id = if key < 0x1_0000 {
            match self.terms.unigrams[key as usize] {
                0 => {
                    let id = self.add_term(&text[range]);
                    self.terms.unigrams[key as usize] = id + 1;
                    id
                }
                known => known - 1,
            }
        } else {
            self.keyed_id(key, &text[range])
        };
        self.slot_of(id)
    }

    /// The weight slot in the block being read of word `word`: a short
    /// word is looked up by key ([`short_word_key`]), a longer one by its
    /// text ([`Self::word_id`]).
    #[inline]
    fn word_slot(&mut self, word: &str) -> &mut u32 {
        let id = match short_word_key(word) {
            0 => self.word_id(word),
            key => self.keyed_id(key, word),
        };
        self.slot_of(id)
    }

    /// The id of `term`, whose key is `key`, not a BMP character's.
    #[inline(always)]
    #[expect(clippy::inline_always, reason = "as for `Self::cjk_slot`")]
    fn keyed_id(&mut self, key: u64, term: &str) -> u32 {
        let next = self.terms.ends.len() as u32;
        let id = self.terms.cjk.id(key, next);
        if id == next {
            self.add_term(term);
        }
        id
    }

    /// The weight slot of term `id` in the block being read.
    #[inline(always)]
    #[expect(clippy::inline_always, reason = "as for `Self::cjk_slot`")]
    fn slot_of(&mut self, id: u32) -> &mut u32 {
        let slot = &mut self.block[id as usize];
        if *slot == 0 {
            self.touched.push(id);
        }
        slot
    }

    /// The id of word `term`.
    #[inline(never)]
    fn word_id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.terms.words.get(term) {
            return id;
        }
        let id = self.add_term(term);
        self.terms.words.insert(term.to_owned(), id);
        id
    }

    /// Gives `term` the next id, with room for its weights, and returns it.
    #[cold]
    fn add_term(&mut self, term: &str) -> u32 {
        let id = self.terms.add(term);
        assert!(
            id < MAX_RUN_TERMS,
            "a run of pages has more than {MAX_RUN_TERMS} distinct terms"
        );
        self.block.push(0);
        self.page.push(0);
        id
    }

    /// Ends the block being read: its postings are logged, and a page
    /// block's weights become the ones its blocks inherit.
    fn finish(&mut self, kind: BlockKind) {
        if kind == BlockKind::Page {
            for &term in &self.page_touched {
                self.page[term as usize] = 0;
            }
            self.page_touched.clear();
            for &term in &self.touched {
                self.page[term as usize] = self.block[term as usize];
            }
            self.page_touched.extend_from_slice(&self.touched);
        }
        let (block, page) = (&mut self.block, &self.page);
        self.log.extend(self.touched.iter().map(|&term| {
            let own = std::mem::take(&mut block[term as usize]);
            term << WEIGHT_BITS | (OWN_FACTOR * own + page[term as usize])
        }));
        self.touched.clear();
        self.block_ends.push(self.log.len() as u32);
    }

    /// Calls `posting` with each logged posting as `(block id, term id,
    /// stored weight)`, in order, the run's first block having id `first`.
    #[inline]
    fn for_each_posting(&self, first: u32, mut posting: impl FnMut(u32, usize, u32)) {
        let mut start = 0;
        for (id, &end) in (first..).zip(&self.block_ends) {
            for &logged in &self.log[start..end as usize] {
                let weight = logged & ((1 << WEIGHT_BITS) - 1);
                posting(id, (logged >> WEIGHT_BITS) as usize, weight);
            }
            start = end as usize;
        }
    }

    /// Encodes the logged postings, the run's first block having id
    /// `first`: each term's entry, and the postings after each term's
    /// first, one term after another. Two passes over the log: the first
    /// finds where each term's postings go, the second writes them there.
    fn encode(&self, first: u32) -> (Vec<Entry>, String) {
        let terms = self.block.len();
        let mut firsts = vec![(0u32, 0u32); terms];
        let mut last = vec![0u32; terms];
        let mut at = vec![0u32; terms];
        self.for_each_posting(first, |id, term, weight| {
            if firsts[term].1 == 0 {
                firsts[term] = (id, weight);
            } else {
                at[term] += encoded_len(id - last[term], weight) as u32;
            }
            last[term] = id;
        });
        // Each term's length becomes where its postings start.
        let mut total = 0;
        for len in &mut at {
            (*len, total) = (total, total + *len);
        }
        let mut rest = vec![0; total as usize];
        let mut previous: Vec<u32> = firsts.iter().map(|&(id, _)| id).collect();
        self.for_each_posting(first, |id, term, weight| {
            if id != firsts[term].0 {
                let start = at[term] as usize;
                at[term] += write_posting(&mut rest[start..], id - previous[term], weight) as u32;
                previous[term] = id;
            }
        });
        // Now each term's postings end where `at` is.
        let entries = self
            .terms
            .ends
            .iter()
            .zip(firsts.into_iter().zip(last))
            .zip(at)
            .map(|((&term_end, (first, last)), rest_end)| Entry {
                term_end,
                first,
                last,
                rest_end,
            })
            .collect();
        let rest = String::from_utf8(rest).expect("postings are base64url");
        (entries, rest)
    }
}

/// One term's postings in a run of pages.
struct Entry {
    /// End of the term's text in [`Run::terms`].
    term_end: u32,
    /// The first posting (block id, stored weight), written when the runs
    /// are joined: its gap is from the previous run's last block.
    first: (u32, u32),
    /// The last block id.
    last: u32,
    /// End of the other postings in [`Run::rest`], encoded after `first`.
    rest_end: u32,
}

/// The postings of a run of whole pages.
struct Run {
    terms: String,
    entries: Vec<Entry>,
    rest: String,
    /// [`stored_size`] of each group's blocks.
    sizes: Vec<usize>,
}

/// About how many bytes a block takes in a text chunk.
pub fn stored_size(block: &Block<'_>) -> usize {
    block.title.len() + block.text.len() + block.anchor.len() + 16
}

impl Run {
    /// The text of the term of entry `n`, its entry and its encoded rest.
    fn get(&self, n: usize) -> (&str, &Entry, &str) {
        let (term_start, rest_start) = match n.checked_sub(1) {
            Some(before) => {
                let before = &self.entries[before];
                (before.term_end as usize, before.rest_end as usize)
            }
            None => (0, 0),
        };
        let entry = &self.entries[n];
        (
            &self.terms[term_start..entry.term_end as usize],
            entry,
            &self.rest[rest_start..entry.rest_end as usize],
        )
    }
}

/// The terms of one part of a block, as [`scan_terms`] finds them: its
/// running text (`title` 0: each repeat counts, up to a cap) or its title
/// (every term weighs `title`).
struct Part<'w> {
    weights: &'w mut Weights,
    title: u32,
}

impl Part<'_> {
    /// Weighs a term found in this part.
    #[inline(always)]
    #[expect(clippy::inline_always, reason = "as for `Weights::cjk_slot`")]
    fn weigh(slot: &mut u32, title: u32) {
        *slot = if title == 0 {
            (*slot + 1).min(TEXT_CAP)
        } else {
            title
        };
    }
}

impl TermSink for Part<'_> {
    #[inline(always)]
    #[expect(clippy::inline_always, reason = "as for `Weights::cjk_slot`")]
    fn cjk(&mut self, text: &str, key: u64, range: Range<usize>) {
        Self::weigh(self.weights.cjk_slot(text, key, range), self.title);
    }

    fn word(&mut self, word: &str) {
        Self::weigh(self.weights.word_slot(word), self.title);
    }
}

/// Gathers the blocks of `groups`, whose first block has id `first`.
fn gather_run(source: &dyn BlockSource, groups: Range<usize>, first: usize) -> Run {
    let mut weights = Weights::default();
    let mut word = String::new();
    let mut blocks = Vec::new();
    let mut sizes = Vec::with_capacity(groups.len());
    for group in groups {
        blocks.clear();
        source.blocks(group, &mut blocks);
        for block in &blocks {
            let mut text = Part {
                weights: &mut weights,
                title: 0,
            };
            scan_terms(&block.text, &mut word, &mut text);
            let mut title = Part {
                weights: &mut weights,
                title: block.kind.title_weight(),
            };
            scan_terms(&block.title, &mut word, &mut title);
            weights.finish(block.kind);
        }
        sizes.push(blocks.iter().map(stored_size).sum());
    }
    let (entries, rest) = weights.encode(first as u32);
    weights.terms.spare_tables();
    Run {
        terms: weights.terms.text,
        entries,
        rest,
        sizes,
    }
}

/// Every term's postings, still in the runs they were gathered in: a term's
/// encoded postings are written straight into the file of its shard
/// ([`Postings::write`]), never joined into a string of their own.
pub struct Postings {
    runs: Vec<Run>,
    /// Per term, in order of first use: the end of its `(run, entry)`
    /// parts in [`Self::parts`].
    ends: Vec<u32>,
    /// Each term's `(run, entry)` pairs, in run order.
    parts: Vec<(u32, u32)>,
    /// Each term's encoded length.
    lengths: Vec<usize>,
}

impl Postings {
    /// How many distinct terms.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no terms.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn parts(&self, term: usize) -> &[(u32, u32)] {
        let start = term.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.parts[start as usize..self.ends[term] as usize]
    }

    /// The text of term `term` (an id below [`Self::len`]).
    pub fn term(&self, term: usize) -> &str {
        let (run, entry) = self.parts(term)[0];
        self.runs[run as usize].get(entry as usize).0
    }

    /// How many bytes [`Self::write`] writes for `term`.
    pub fn encoded_len(&self, term: usize) -> usize {
        self.lengths[term]
    }

    /// Appends the encoded postings ([`super::postings::encode`]) of `term`.
    pub fn write(&self, term: usize, out: &mut String) {
        let mut last = 0;
        for &(run, entry) in self.parts(term) {
            let (_, entry, rest) = self.runs[run as usize].get(entry as usize);
            encode_into(out, last, &[entry.first]);
            out.push_str(rest);
            last = entry.last;
        }
    }
}

/// Every term's postings, and the [`stored_size`] of each group's blocks.
/// Runs of whole groups are gathered in parallel, then indexed in order,
/// so the result does not depend on how the runs were cut.
pub fn gather(source: &dyn BlockSource) -> (Postings, Vec<usize>) {
    let lens: Vec<usize> = (0..source.groups())
        .map(|group| source.len(group))
        .collect();
    let total: usize = lens.iter().sum();
    // Runs of a few thousand blocks keep each run's working arrays small
    // (a few MB, in cache) whatever the size of the site.
    let target = (total / (rayon::current_num_threads() * 4)).clamp(256, RUN_BLOCKS);
    // (first group, first block id) of each run, then the ends.
    let mut bounds = vec![(0, 0)];
    let mut id = 0;
    for (group, len) in lens.iter().enumerate() {
        if id - bounds[bounds.len() - 1].1 >= target {
            bounds.push((group, id));
        }
        id += len;
    }
    bounds.push((lens.len(), id));
    let runs: Vec<Run> = bounds
        .par_windows(2)
        .map(|pair| gather_run(source, pair[0].0..pair[1].0, pair[0].1))
        .collect();
    let sizes = runs
        .iter()
        .flat_map(|run| run.sizes.iter().copied())
        .collect();
    (join(runs), sizes)
}

/// Indexes the runs' terms: each term's global id, encoded length and
/// `(run, entry)` parts.
fn join(runs: Vec<Run>) -> Postings {
    // Global term ids, each term's encoded length, and per run the global
    // id of each of its terms.
    let mut ids: HashMap<&str, u32, Fnv> = HashMap::default();
    let mut last: Vec<u32> = Vec::new();
    let mut lengths: Vec<usize> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    let mut global: Vec<u32> = Vec::with_capacity(runs.iter().map(|run| run.entries.len()).sum());
    for run in &runs {
        for n in 0..run.entries.len() {
            let (term, entry, rest) = run.get(n);
            let next = lengths.len() as u32;
            let id = *ids.entry(term).or_insert(next);
            if id == next {
                last.push(0);
                lengths.push(0);
                counts.push(0);
            }
            let id = id as usize;
            lengths[id] += encoded_len(entry.first.0 - last[id], entry.first.1) + rest.len();
            last[id] = entry.last;
            counts[id] += 1;
            global.push(id as u32);
        }
    }
    drop(ids);
    drop(last);
    // Each term's parts together, in run order (a counting sort).
    let mut ends = counts;
    let mut total = 0;
    for end in &mut ends {
        total += *end;
        *end = total;
    }
    let mut next: Vec<u32> = std::iter::once(0)
        .chain(ends.iter().copied())
        .take(ends.len())
        .collect();
    let mut parts = vec![(0u32, 0u32); global.len()];
    let mut ids = global.into_iter();
    for (r, run) in runs.iter().enumerate() {
        for (n, id) in (0..run.entries.len()).zip(&mut ids) {
            let slot = &mut next[id as usize];
            parts[*slot as usize] = (r as u32, n as u32);
            *slot += 1;
        }
    }
    Postings {
        runs,
        ends,
        parts,
        lengths,
    }
}

/// Term → (block id, stored weight), block ids ascending.
pub fn postings(blocks: &[Block<'_>]) -> BTreeMap<String, Vec<(u32, u32)>> {
    let pages: Vec<PageRef> = Vec::new();
    let (gathered, _) = gather(&BlockList::new(&pages, blocks));
    (0..gathered.len())
        .map(|term| {
            let mut text = String::new();
            gathered.write(term, &mut text);
            let list = super::postings::decode(&text).expect("postings decode");
            (gathered.term(term).to_owned(), list)
        })
        .collect()
}

/// Ids of CJK terms by their key (never 0): a table of its own, open
/// addressing, one multiplication to hash, since a pair of characters is
/// looked up for almost every CJK character of the site.
struct KeyIds {
    /// `(key, id)`, key 0 where empty; a power of two long, at most half
    /// full.
    slots: Vec<(u64, u32)>,
    len: usize,
    /// 64 minus log2 of the length: the high bits of the product pick
    /// the slot.
    shift: u32,
}

impl Default for KeyIds {
    fn default() -> Self {
        const START: u32 = 12;
        Self {
            slots: vec![(0, 0); 1 << START],
            len: 0,
            shift: 64 - START,
        }
    }
}

impl KeyIds {
    /// A table with no slots, standing in for one handed on
    /// ([`Terms::spare_tables`]); never looked in.
    fn empty() -> Self {
        Self {
            slots: Vec::new(),
            len: 0,
            shift: 64,
        }
    }

    /// Forgets every key, keeping the table's size.
    fn clear(&mut self) {
        self.slots.fill((0, 0));
        self.len = 0;
    }

    /// The id of `key`, which gets `next` if it has none yet.
    #[inline]
    fn id(&mut self, key: u64, next: u32) -> u32 {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(key);
        loop {
            let (known, id) = self.slots[at];
            if known == key {
                return id;
            }
            if known == 0 {
                self.slots[at] = (key, next);
                self.len += 1;
                return next;
            }
            at = (at + 1) & mask;
        }
    }

    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Doubles the table.
    #[cold]
    fn grow(&mut self) {
        let doubled = vec![(0, 0); 2 * self.slots.len()];
        let old = std::mem::replace(&mut self.slots, doubled);
        self.shift -= 1;
        let mask = self.slots.len() - 1;
        for (key, id) in old.into_iter().filter(|&(key, _)| key != 0) {
            let mut at = self.home(key);
            while self.slots[at].0 != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = (key, id);
        }
    }
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
    use crate::search::index::block;

    #[test]
    fn titles_outweigh_text_and_text_counts_are_capped() {
        let weight = |kind, title, text, term| {
            // A block before any page inherits nothing.
            let postings = postings(&[block(0, kind, title, text)]);
            postings.get(term).map(|list| list[0].1 / OWN_FACTOR)
        };
        let step = |term| weight(BlockKind::Step, "解绑", "解绑 QQ QQ QQ QQ", term);
        assert_eq!(step("解绑"), Some(STEP_TITLE));
        assert_eq!(step("qq"), Some(TEXT_CAP));
        let heading = weight(BlockKind::Heading, "解绑", "", "解绑");
        let page = weight(BlockKind::Page, "解绑", "", "解绑");
        assert!(page > heading && heading > Some(STEP_TITLE));
    }

    #[test]
    fn cjk_key_ids_survive_growing() {
        let mut ids = KeyIds::default();
        let keys: Vec<u64> = (1..20_000u64).map(|n| 1 << 63 | n << 21 | n).collect();
        for (next, &key) in keys.iter().enumerate() {
            assert_eq!(ids.id(key, next as u32), next as u32);
        }
        for (next, &key) in keys.iter().enumerate() {
            assert_eq!(ids.id(key, u32::MAX), next as u32);
        }
    }

    #[test]
    fn a_run_sees_nothing_of_the_run_before_it_on_its_thread() {
        let run = |blocks: &[Block<'_>]| {
            let pages: Vec<PageRef> = Vec::new();
            let source = BlockList::new(&pages, blocks);
            let run = gather_run(&source, 0..source.groups(), 0);
            (run.terms, run.rest, run.entries.len())
        };
        let earlier = || {
            [block(
                0,
                BlockKind::Page,
                "解绑手机",
                "QQ 邮箱 account 邮箱",
            )]
        };
        let later = || {
            [
                block(0, BlockKind::Page, "手机号", "邮箱 mail"),
                block(0, BlockKind::Step, "手机", "QQ 手机 QQ"),
            ]
        };
        let fresh = std::thread::spawn(move || run(&later()))
            .join()
            .expect("a run on a new thread");
        let after_another = std::thread::spawn(move || {
            run(&earlier());
            run(&later())
        })
        .join()
        .expect("two runs on one thread");
        assert_eq!(after_another, fresh);
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

//! Ranking a query against [`SearchData`], exactly as the browser client
//! does (`themes/default/static/search/engine.js`), so that what the unit
//! tests pin down is what readers get.
//!
//! 1. The query's terms ([`query_terms`]) must be in a block: every word and
//!    lone character, and of `n` CJK bigrams all but `n / 3` (a bigram may
//!    straddle two words: `注销子账号` should find `注销该子账号`).
//! 2. Its score is the sum over the terms found of the stored weight times
//!    `ln(1 + blocks / blocks-with-the-term)`, so rare terms count more,
//!    times the square of the share of terms found.
//! 3. The best [`RERANK`] get a phrase bonus once their text is at hand:
//!    ×2 when the whole query (spaces ignored) is in the title, ×1.5 when in
//!    the text. That is what tells `手机号` from a text that merely has
//!    `手机` and `机号` apart.
//! 4. Ties keep document order.

use std::collections::BTreeMap;

use super::index::{PageRef, SearchData, StoredBlock, shard_of};
use super::postings::decode;
use super::tokens::{QueryTerm, compact, is_cjk, query_terms};

/// How many of the best blocks get the phrase check and are shown (their
/// text is loaded for it).
pub const RERANK: usize = 24;
/// Bonus when the title holds the whole query.
const TITLE_PHRASE: f64 = 2.0;
/// Bonus when the text holds the whole query.
const TEXT_PHRASE: f64 = 1.5;

/// A ranked result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Block id.
    pub block: u32,
    /// Score, rounded to six decimals (as in the client).
    pub score: f64,
}

/// What a query found.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Blocks that hold every term.
    pub total: usize,
    /// The best of them, at most [`RERANK`], best first.
    pub hits: Vec<Hit>,
}

impl SearchData {
    /// Runs a query.
    pub fn search(&self, query: &str) -> Results {
        let terms = query_terms(query);
        let lists: Vec<BTreeMap<u32, u32>> = terms.iter().map(|term| self.postings(term)).collect();
        let bigrams = terms.iter().filter(|term| is_bigram(term)).count();
        let need_bigrams = bigrams - bigrams / 3;
        let blocks = f64::from(self.meta.blocks);
        let mut candidates: BTreeMap<u32, (f64, usize, usize)> = BTreeMap::new();
        for (term, list) in terms.iter().zip(&lists) {
            let idf = (1.0 + blocks / list.len().max(1) as f64).ln();
            for (id, weight) in list {
                let entry = candidates.entry(*id).or_default();
                entry.0 += f64::from(*weight) * idf;
                if is_bigram(term) {
                    entry.1 += 1;
                } else {
                    entry.2 += 1;
                }
            }
        }
        let others = terms.len() - bigrams;
        let mut hits: Vec<Hit> = candidates
            .into_iter()
            .filter(|(_, (_, found_bigrams, found_others))| {
                *found_others == others && *found_bigrams >= need_bigrams
            })
            .map(|(id, (score, found_bigrams, found_others))| {
                let share = (found_bigrams + found_others) as f64 / terms.len() as f64;
                Hit {
                    block: id,
                    score: score * share * share,
                }
            })
            .collect();
        let total = hits.len();
        sort(&mut hits);
        hits.truncate(RERANK);
        let phrase = compact(query);
        for hit in &mut hits {
            if let Some((page, block)) = self.block(hit.block) {
                hit.score *= phrase_bonus(&phrase, page, block);
            }
            hit.score = round(hit.score);
        }
        sort(&mut hits);
        Results { total, hits }
    }

    /// Block id → weight for one query term (for a prefix, the best weight
    /// among the terms it starts).
    fn postings(&self, term: &QueryTerm) -> BTreeMap<u32, u32> {
        let shard = &self.shards[shard_of(&term.text, self.meta.shards)];
        let mut found: BTreeMap<u32, u32> = BTreeMap::new();
        let mut add = |text: &String| {
            for (id, weight) in decode(text).unwrap_or_default() {
                let best = found.entry(id).or_default();
                *best = (*best).max(weight);
            }
        };
        if term.prefix {
            shard
                .range(term.text.clone()..)
                .take_while(|(key, _)| key.starts_with(&term.text))
                .for_each(|(_, values)| add(values));
        } else if let Some(values) = shard.get(&term.text) {
            add(values);
        }
        found
    }

    /// The page and stored block for a block id.
    pub fn block(&self, id: u32) -> Option<(&PageRef, &StoredBlock)> {
        let chunk = self.meta.chunks.partition_point(|start| *start <= id);
        let start = *self.meta.chunks.get(chunk.checked_sub(1)?)?;
        let chunk = &self.chunks[chunk - 1];
        let block = chunk.blocks.get((id - start) as usize)?;
        Some((chunk.pages.get(block.0 as usize)?, block))
    }

    /// `url#anchor` of a block, for tests and tools.
    pub fn location(&self, id: u32) -> String {
        self.block(id).map_or_else(String::new, |(page, block)| {
            if block.2.is_empty() {
                page.url.clone()
            } else {
                format!("{}#{}", page.url, block.2)
            }
        })
    }
}

/// A two-character CJK term: one of these may be missing from a match,
/// since it may straddle two words (`注销子账号` has `销子`, which
/// `注销该子账号` has not).
fn is_bigram(term: &QueryTerm) -> bool {
    term.text.chars().count() == 2 && term.text.chars().all(is_cjk)
}

fn phrase_bonus(phrase: &str, page: &PageRef, block: &StoredBlock) -> f64 {
    if phrase.is_empty() {
        return 1.0;
    }
    let title = if block.1 == 0 { &page.title } else { &block.3 };
    if compact(title).contains(phrase) {
        TITLE_PHRASE
    } else if compact(&block.4).contains(phrase) {
        TEXT_PHRASE
    } else {
        1.0
    }
}

/// Best first; ties in document order.
fn sort(hits: &mut [Hit]) {
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.block.cmp(&b.block)));
}

fn round(score: f64) -> f64 {
    (score * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::index::{Block, BlockKind, Limits, PageRef, build};
    use super::*;

    /// One page per block (so that page weights don't mix in), in order.
    fn data(blocks: &[(BlockKind, &str, &str)]) -> SearchData {
        let mut pages = Vec::new();
        let mut list = Vec::new();
        for (n, (kind, title, text)) in blocks.iter().enumerate() {
            let page_title = if *kind == BlockKind::Page {
                (*title).to_owned()
            } else {
                format!("p{n}")
            };
            pages.push(PageRef {
                title: page_title,
                url: format!("p{n}/"),
            });
            if *kind != BlockKind::Page {
                list.push(Block {
                    page: n,
                    kind: BlockKind::Page,
                    anchor: "".into(),
                    title: format!("p{n}").into(),
                    text: "".into(),
                });
            }
            list.push(Block {
                page: n,
                kind: *kind,
                anchor: format!("b{n}").into(),
                title: (*title).into(),
                text: (*text).into(),
            });
        }
        build(&pages, &list, BTreeMap::new(), Limits::default())
    }

    /// The pages of the hits, best first.
    fn order(data: &SearchData, query: &str) -> Vec<String> {
        data.search(query)
            .hits
            .iter()
            .map(|hit| {
                data.block(hit.block)
                    .expect("stored")
                    .0
                    .url
                    .replace('/', "")
            })
            .collect()
    }

    #[test]
    fn page_title_then_heading_then_step_then_text() {
        let data = data(&[
            (BlockKind::Step, "其他", "这里提到邮箱"),
            (BlockKind::Step, "解绑邮箱", "解绑邮箱"),
            (BlockKind::Heading, "邮箱", "内容"),
            (BlockKind::Page, "邮箱设置", ""),
        ]);
        assert_eq!(order(&data, "邮箱"), ["p3", "p2", "p1", "p0"]);
    }

    #[test]
    fn every_word_is_required() {
        let data = data(&[
            (BlockKind::Step, "解绑 QQ 号", ""),
            (BlockKind::Step, "解绑微信号", ""),
        ]);
        assert_eq!(order(&data, "QQ 号"), ["p0"]);
        assert_eq!(order(&data, "微信 QQ"), Vec::<String>::new());
        assert_eq!(data.search("QQ 号").total, 1);
    }

    #[test]
    fn the_whole_phrase_outranks_its_parts_apart() {
        let data = data(&[
            (BlockKind::Step, "手机 机号", ""),
            (BlockKind::Step, "解绑手机号", ""),
        ]);
        assert_eq!(order(&data, "手机号"), ["p1", "p0"]);
    }

    #[test]
    fn a_bigram_across_two_words_may_be_missing() {
        let data = data(&[
            (BlockKind::Step, "注销该子账号", ""),
            (BlockKind::Step, "注销账号", ""),
        ]);
        // 注销子账号 → 注销 销子 子账 账号: 销子 is in neither; three of four
        // is enough, two is not.
        assert_eq!(order(&data, "注销子账号"), ["p0"]);
        // Two bigrams: both needed.
        assert_eq!(order(&data, "子账号"), ["p0"]);
    }

    #[test]
    fn the_last_word_matches_as_a_prefix_until_a_space() {
        let data = data(&[
            (BlockKind::Step, "unbind phone", ""),
            (BlockKind::Step, "phones", ""),
        ]);
        assert_eq!(order(&data, "pho"), ["p0", "p1"]);
        assert_eq!(order(&data, "phone "), ["p0"]);
        assert_eq!(order(&data, "unb pho"), Vec::<String>::new());
    }

    #[test]
    fn rare_terms_weigh_more_and_ties_keep_document_order() {
        let data = data(&[
            (BlockKind::Step, "账号", "账号"),
            (BlockKind::Step, "账号", "账号"),
            (BlockKind::Step, "账号 备案", "账号 备案"),
            (BlockKind::Step, "账号 域名", "账号 域名"),
            (BlockKind::Step, "账号 域名", "账号 域名"),
        ]);
        let hits = data.search("账号").hits;
        assert_eq!(hits.len(), 5);
        assert!(hits.windows(2).all(|pair| pair[0].block < pair[1].block));
        let score = |query: &str| data.search(query).hits[0].score;
        assert!(score("账号 备案") > score("账号 域名"));
    }

    #[test]
    fn nothing_for_an_empty_query() {
        let data = data(&[(BlockKind::Step, "a", "")]);
        assert_eq!(data.search(" ，").total, 0);
        assert_eq!(data.search("").hits, []);
    }
}

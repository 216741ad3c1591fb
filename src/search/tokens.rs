//! Segmentation: how text and queries become index terms.
//!
//! Chinese has no spaces, so a dictionary-free scheme is used: every run of
//! CJK characters yields each character (a unigram, so one-character queries
//! such as `号` work) and each pair of neighbours (a bigram: `手机号` →
//! `手机`, `机号`). A query's run of two or more characters becomes its
//! bigrams, all of which must be present, and adjacency is checked by the
//! phrase bonus in ranking. Other letters and digits form words, lower-cased
//! (`QQ` → `qq`). Full-width ASCII (`ＱＱ`) is folded to half-width.
//!
//! The browser client (`themes/default/static/search/engine.js`) segments
//! queries with the same rules; `tests/search-cases.json` keeps the two in
//! step.

use std::ops::Range;

/// Longest word kept in the index, in characters (longer words are cut).
const MAX_WORD: usize = 40;
/// Shortest word being typed that also matches longer words: the index is
/// sharded by a term's first two characters, so a prefix must have both.
pub const PREFIX_MIN: usize = 2;

/// What a character is to the segmenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Han, kana or Hangul: segmented into unigrams and bigrams.
    Cjk,
    /// Another letter or digit: part of a word.
    Word,
    /// Anything else: separates words.
    Space,
}

/// Folds full-width ASCII to half-width and lower-cases letters (only where
/// lower-casing gives one character, so positions stay put).
pub fn normalize_char(c: char) -> char {
    let c = match u32::from(c) {
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    // CJK has no case; most of a Chinese page is CJK, and the case tables
    // are a binary search.
    if is_cjk(c) {
        return c;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

/// Whether `c` (normalized) is written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30FF       // hiragana, katakana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xAC00..=0xD7AF     // Hangul syllables
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0x20000..=0x3FFFF) // CJK extensions B and later
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Space
    }
}

/// A run of characters of one class.
struct Run {
    class: Class,
    chars: Vec<char>,
}

/// Splits normalized text into runs of CJK characters and words.
fn runs(text: &str) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut open = false;
    for c in text.chars().map(normalize_char) {
        let class = class(c);
        match runs.last_mut() {
            _ if class == Class::Space => open = false,
            Some(run) if open && run.class == class => run.chars.push(c),
            _ => {
                runs.push(Run {
                    class,
                    chars: vec![c],
                });
                open = true;
            }
        }
    }
    runs
}

/// The text with every character normalized ([`normalize_char`]).
pub fn normalize(text: &str) -> String {
    let mut normalized = String::with_capacity(text.len());
    normalized.extend(text.chars().map(normalize_char));
    normalized
}

/// Calls `found` with every term of `text`, in order, with repeats: words,
/// and for CJK runs each character and each neighbouring pair.
pub fn for_each_term(text: &str, found: impl FnMut(&str)) {
    terms_in(&normalize(text), found);
}

/// [`for_each_term`] on text already normalized: the terms are slices of
/// it, so nothing is allocated per term.
pub fn terms_in<'a>(normalized: &'a str, mut found: impl FnMut(&'a str)) {
    keyed_terms_in(normalized, |term, _| found(term));
}

/// [`terms_in`], with each CJK term also given as a number that stands for
/// it alone (a character's code, or a pair's two codes with the top bit
/// set), so the index can look CJK terms up without hashing strings. Words
/// get 0.
pub fn keyed_terms_in<'a>(normalized: &'a str, mut found: impl FnMut(&'a str, u64)) {
    // (byte offset, class) of the run being read, and the previous CJK
    // character's byte offset and code.
    let mut run: Option<(usize, Class)> = None;
    let mut word_chars = 0;
    let mut word_end = 0;
    let mut previous_cjk: Option<(usize, u64)> = None;
    for (at, c) in normalized.char_indices() {
        let class = class(c);
        if let Some((start, Class::Word)) = run
            && class != Class::Word
        {
            found(&normalized[start..word_end], 0);
            run = None;
        }
        match class {
            Class::Cjk => {
                let end = at + c.len_utf8();
                let code = u64::from(c);
                found(&normalized[at..end], code);
                if let Some((before, previous)) = previous_cjk {
                    found(&normalized[before..end], 1 << 63 | previous << 21 | code);
                }
                previous_cjk = Some((at, code));
                run = Some((at, Class::Cjk));
            }
            Class::Word => {
                previous_cjk = None;
                if run.is_none_or(|(_, class)| class != Class::Word) {
                    run = Some((at, Class::Word));
                    word_chars = 0;
                }
                if word_chars < MAX_WORD {
                    word_chars += 1;
                    word_end = at + c.len_utf8();
                }
            }
            Class::Space => {
                previous_cjk = None;
                run = None;
            }
        }
    }
    if let Some((start, Class::Word)) = run {
        found(&normalized[start..word_end], 0);
    }
}

/// Where [`scan_terms`] puts the terms it finds.
pub trait TermSink {
    /// A CJK term, `&text[range]`, whose key is `key` (see
    /// [`keyed_terms_in`]).
    fn cjk(&mut self, text: &str, key: u64, range: Range<usize>);
    /// A word, normalized.
    fn word(&mut self, word: &str);
}

/// [`keyed_terms_in`] on text not yet normalized, without a normalized
/// copy of it: CJK characters are the same normalized, so their terms are
/// slices of `text`; a word is normalized into `word` (a buffer the caller
/// keeps, so it is allocated once) and given from there.
///
/// A CJK term is given as its key and its range in `text`, so that an
/// index that knows it by its key slices its text only the first time.
pub fn scan_terms(text: &str, word: &mut String, found: &mut impl TermSink) {
    let mut in_word = false;
    let mut word_chars = 0;
    let mut previous_cjk: Option<(usize, u64)> = None;
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        // A word of ASCII lower-case letters and digits that ends in ASCII
        // (or at the end) is given as it stands: nothing to copy.
        if !in_word
            && byte.is_ascii_alphanumeric()
            && let Some(end) = plain_word_end(bytes, at)
        {
            previous_cjk = None;
            found.word(&text[at..end.min(at + MAX_WORD)]);
            at = end;
            continue;
        }
        // Most text is ASCII: one byte, no decoding, no case tables.
        if byte.is_ascii() {
            at += 1;
            previous_cjk = None;
            if byte.is_ascii_alphanumeric() {
                if !in_word {
                    in_word = true;
                    word.clear();
                    word_chars = 0;
                }
                if word_chars < MAX_WORD {
                    word_chars += 1;
                    word.push(char::from(byte.to_ascii_lowercase()));
                }
            } else if in_word {
                found.word(word);
                in_word = false;
            }
            continue;
        }
        let Some((raw, end)) = char_at(text, at) else {
            break;
        };
        // Normalizing neither makes nor unmakes a CJK character.
        if is_cjk(raw) {
            if in_word {
                found.word(word);
                in_word = false;
            }
            let code = u64::from(raw);
            found.cjk(text, code, at..end);
            if let Some((before, previous)) = previous_cjk {
                found.cjk(text, 1 << 63 | previous << 21 | code, before..end);
            }
            previous_cjk = Some((at, code));
            at = end;
            continue;
        }
        at = end;
        previous_cjk = None;
        let c = normalize_char(raw);
        if c.is_alphanumeric() {
            if !in_word {
                in_word = true;
                word.clear();
                word_chars = 0;
            }
            if word_chars < MAX_WORD {
                word_chars += 1;
                word.push(c);
            }
        } else if in_word {
            found.word(word);
            in_word = false;
        }
    }
    if in_word {
        found.word(word);
    }
}

/// The character starting at byte `at` of `text` (not ASCII) and where
/// it ends. Three-byte characters (all of Han, kana and Hangul in the
/// Basic Multilingual Plane) are put together here directly.
#[inline]
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    if let Some(&[lead @ 0xE0..=0xEF, second, third]) = text.as_bytes().get(at..at + 3) {
        let code =
            u32::from(lead & 0x0F) << 12 | u32::from(second & 0x3F) << 6 | u32::from(third & 0x3F);
        return char::from_u32(code).map(|c| (c, at + 3));
    }
    let c = text.get(at..)?.chars().next()?;
    Some((c, at + c.len_utf8()))
}

/// The end of the word of ASCII letters and digits at `bytes[at]`, if it
/// has no capital letter and the byte after it is ASCII (so the word does
/// not go on in other letters).
fn plain_word_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut end = at;
    while let Some(&byte) = bytes.get(end) {
        match byte {
            b'a'..=b'z' | b'0'..=b'9' => end += 1,
            b'A'..=b'Z' | 0x80.. => return None,
            _ => break,
        }
    }
    Some(end)
}

/// Every term of `text` ([`for_each_term`]) as owned strings.
pub fn index_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_term(text, |term| terms.push(term.to_owned()));
    terms
}

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    /// The term as it appears in the index.
    pub text: String,
    /// Whether index terms that merely start with it also match (the word
    /// the reader is still typing).
    pub prefix: bool,
}

/// The terms of a query: words (the last one, from two letters on, a
/// prefix unless the query ends with a space), a lone CJK character, or the
/// bigrams of a CJK run.
/// Duplicates are dropped.
pub fn query_terms(query: &str) -> Vec<QueryTerm> {
    let open_end = query
        .chars()
        .last()
        .is_some_and(|c| class(normalize_char(c)) != Class::Space);
    let runs = runs(query);
    let mut terms: Vec<QueryTerm> = Vec::new();
    for (n, run) in runs.iter().enumerate() {
        let last = n + 1 == runs.len();
        let new: Vec<QueryTerm> = match run.class {
            Class::Word => vec![QueryTerm {
                text: run.chars.iter().take(MAX_WORD).collect(),
                prefix: last && open_end && (PREFIX_MIN..MAX_WORD).contains(&run.chars.len()),
            }],
            Class::Cjk if run.chars.len() == 1 => vec![QueryTerm {
                text: run.chars[0].to_string(),
                prefix: false,
            }],
            Class::Cjk => run
                .chars
                .windows(2)
                .map(|pair| QueryTerm {
                    text: pair.iter().collect(),
                    prefix: false,
                })
                .collect(),
            Class::Space => Vec::new(),
        };
        for term in new {
            if !terms.iter().any(|known| known.text == term.text) {
                terms.push(term);
            }
        }
    }
    terms
}

/// The text normalized and with everything but letters, digits and CJK
/// removed, for the phrase check: `QQ 号` and `QQ号` both become `qq号`.
pub fn compact(text: &str) -> String {
    text.chars()
        .map(normalize_char)
        .filter(|c| class(*c) != Class::Space)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(terms: &[QueryTerm]) -> Vec<&str> {
        terms.iter().map(|term| term.text.as_str()).collect()
    }

    /// The terms [`scan_terms`] finds, with their keys (0 for words).
    struct Found(Vec<(String, u64)>);

    impl TermSink for Found {
        fn cjk(&mut self, text: &str, key: u64, range: Range<usize>) {
            self.0.push((text[range].to_owned(), key));
        }

        fn word(&mut self, word: &str) {
            self.0.push((word.to_owned(), 0));
        }
    }

    #[test]
    fn scanning_raw_text_finds_what_normalized_text_has() {
        let texts = [
            "解绑手机号",
            "解绑个人 QQ号，ＱＱ号 ID：123 Ünïcode ÀB",
            &format!("{} 手机 b", "A".repeat(50)),
            "手　机 x\u{3000}y ｱｲ かな 한국어 İstanbul",
            "abc, def9 abcé xyZ q手 éa a1b2 z",
            "\u{20000}\u{20001}手 \u{20002}x",
            &format!("{} {}é", "b".repeat(45), "c".repeat(41)),
            "",
        ];
        for text in texts {
            let mut expected = Vec::new();
            keyed_terms_in(&normalize(text), |term, key| {
                expected.push((term.to_owned(), key));
            });
            let mut found = Found(Vec::new());
            let mut word = String::new();
            scan_terms(text, &mut word, &mut found);
            assert_eq!(found.0, expected, "{text}");
        }
    }

    #[test]
    fn chinese_runs_become_unigrams_and_bigrams() {
        assert_eq!(
            index_terms("解绑手机号"),
            ["解", "绑", "解绑", "手", "绑手", "机", "手机", "号", "机号"]
        );
    }

    #[test]
    fn words_are_lower_cased_and_split_from_chinese() {
        assert_eq!(
            index_terms("解绑个人 QQ号"),
            ["解", "绑", "解绑", "个", "绑个", "人", "个人", "qq", "号"]
        );
        assert_eq!(
            index_terms("账号 ID：123"),
            ["账", "号", "账号", "id", "123"]
        );
    }

    #[test]
    fn full_width_letters_fold_to_ascii() {
        assert_eq!(index_terms("ＱＱ号"), ["qq", "号"]);
        assert_eq!(compact("ＱＱ 号"), "qq号");
    }

    #[test]
    fn long_words_are_cut() {
        let long = "a".repeat(50);
        assert_eq!(
            index_terms(&format!("{long} b")),
            ["a".repeat(40), "b".to_owned()]
        );
    }

    #[test]
    fn punctuation_separates_chinese_runs() {
        assert_eq!(index_terms("手机，号"), ["手", "机", "手机", "号"]);
    }

    #[test]
    fn a_chinese_query_becomes_its_bigrams() {
        assert_eq!(texts(&query_terms("手机号")), ["手机", "机号"]);
        assert_eq!(
            texts(&query_terms("注销子账号")),
            ["注销", "销子", "子账", "账号"]
        );
        assert_eq!(texts(&query_terms("号")), ["号"]);
    }

    #[test]
    fn mixed_queries_keep_words_and_lone_characters() {
        let terms = query_terms("QQ 号");
        assert_eq!(texts(&terms), ["qq", "号"]);
        assert!(terms.iter().all(|term| !term.prefix));
        assert_eq!(texts(&query_terms("QQ号")), ["qq", "号"]);
    }

    #[test]
    fn the_word_being_typed_is_a_prefix() {
        let terms = query_terms("unbind ph");
        assert_eq!(texts(&terms), ["unbind", "ph"]);
        assert_eq!(
            terms.iter().map(|t| t.prefix).collect::<Vec<_>>(),
            [false, true]
        );
        assert!(!query_terms("unbind ph ")[1].prefix);
        assert!(!query_terms("p")[0].prefix, "one letter is too short");
    }

    #[test]
    fn repeated_terms_count_once_and_empty_queries_have_none() {
        assert_eq!(texts(&query_terms("账号 账号")), ["账号"]);
        assert!(query_terms("  ，。 ").is_empty());
    }
}

//! The index as files: classic scripts that hand their data to the client,
//! so they load with a `<script src>` — which works from `file://`, where a
//! browser refuses `fetch` of local files, and under `script-src 'self'`.
//!
//! Each file is one statement: `(self.offboardSearch=self.offboardSearch||
//! []).push([kind, n, data])`. Whether the client is already listening or
//! not, the data waits in the queue for it.

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::OUTPUT_DIR;
use super::gather::{Postings, gather, stored_size};
use super::index::{Block, BlockKind, BlockSource, Limits, Meta, SearchData, shard_of};

/// [`Meta::v`]: 2 since postings carry common weights in their gap and
/// steps store their text without their title ([`STEP_TEXT_AFTER_TITLE`]).
pub const FORMAT: u32 = 2;

/// The kind stored for a step whose text starts with its title, which is
/// then left out of the text: the reader puts it back
/// ([`expand_block`]). A step's title is its first line, so most steps'
/// text is stored shorter by the title (about 9 % of the text chunks).
pub const STEP_TEXT_AFTER_TITLE: u8 = 3;

const HEAD: &str = "(self.offboardSearch=self.offboardSearch||[]).push(";
const TAIL: &str = ");\n";

/// Writes every index file, handing each to `put` as `(path, text)` as
/// soon as it is made, from several threads at once, in no fixed order
/// (the paths differ, so the output does not depend on it): the postings
/// are gathered, then the term shards `search/s{n}.js` and the text chunks
/// `search/t{n}.js` are written, then `search/index.js`. The first error
/// `put` returns stops the writing and is returned.
///
/// Blocks are read from `source` a group at a time, twice (to gather, then
/// to write the chunks), so that none but the postings is held throughout.
pub fn write_files<E: Send>(
    source: &dyn BlockSource,
    words: BTreeMap<String, String>,
    limits: Limits,
    put: &(dyn Fn(String, String) -> Result<(), E> + Sync),
) -> Result<(), E> {
    let (postings, sizes) = gather(source);
    let chunks = chunk_groups(&sizes, limits.chunk_bytes);
    let mut starts = Vec::with_capacity(chunks.len());
    let mut id = 0;
    let mut group = 0;
    for range in &chunks {
        while group < range.start {
            id += source.len(group);
            group += 1;
        }
        starts.push(id as u32);
    }
    let blocks = id
        + (group..source.groups())
            .map(|group| source.len(group))
            .sum::<usize>();
    let (written, shards) = rayon::join(
        || {
            chunks.par_iter().enumerate().try_for_each(|(n, range)| {
                let mut blocks = Vec::new();
                for group in range.clone() {
                    source.blocks(group, &mut blocks);
                }
                put(
                    format!("{OUTPUT_DIR}t{n}.js"),
                    chunk_script(n, source, &blocks),
                )
            })
        },
        || write_shards(&postings, limits.shard_bytes, put),
    );
    written?;
    let meta = Meta {
        v: FORMAT,
        blocks: blocks as u32,
        shards: shards?,
        chunks: starts,
        words,
    };
    put(format!("{OUTPUT_DIR}index.js"), script("index", 0, &meta))
}

/// Groups whole groups of blocks (pages) into text chunks of about
/// `chunk_bytes`, from each group's [`stored_size`].
fn chunk_groups(sizes: &[usize], chunk_bytes: usize) -> Vec<Range<usize>> {
    let mut starts = Vec::new();
    let mut bytes = usize::MAX;
    for (group, size) in sizes.iter().enumerate() {
        if bytes >= chunk_bytes {
            starts.push(group);
            bytes = 0;
        }
        bytes += size;
    }
    let ends = starts.iter().skip(1).copied().chain([sizes.len()]);
    starts
        .iter()
        .zip(ends)
        .map(|(&start, end)| start..end)
        .collect()
}

/// `search/t{n}.js`: `{"pages":[{"title","url"}…],"blocks":[[page in the
/// chunk, kind, anchor, title, text]…]}`. A page block's title is the
/// page's, already in `pages`, so it is left empty.
fn chunk_script(n: usize, source: &dyn BlockSource, blocks: &[Block<'_>]) -> String {
    let bytes: usize = blocks.iter().map(stored_size).sum();
    let mut out = String::with_capacity(bytes + 64 * blocks.len() / 4 + 256);
    open_script(&mut out, "t", n);
    out.push_str("{\"pages\":[");
    let mut current = usize::MAX;
    for block in blocks {
        if block.page != current {
            if current != usize::MAX {
                out.push(',');
            }
            current = block.page;
            let (title, url) = source.page(block.page);
            out.push_str("{\"title\":");
            push_json_str(&mut out, title);
            out.push_str(",\"url\":");
            // The client writes `ROOT + url + "index.html"` into an href.
            push_json_str(&mut out, &crate::urls::encode_path(url));
            out.push('}');
        }
    }
    out.push_str("],\"blocks\":[");
    let mut page = 0usize;
    current = usize::MAX;
    for (n, block) in blocks.iter().enumerate() {
        if block.page != current {
            if current != usize::MAX {
                page += 1;
            }
            current = block.page;
        }
        if n > 0 {
            out.push(',');
        }
        out.push('[');
        push_number(&mut out, page);
        out.push(',');
        let (kind, title, text) = stored(block);
        push_number(&mut out, usize::from(kind));
        out.push(',');
        push_json_str(&mut out, &block.anchor);
        out.push(',');
        push_json_str(&mut out, title);
        out.push(',');
        push_json_str(&mut out, text);
        out.push(']');
    }
    out.push_str("]}");
    close_script(&mut out);
    out
}

/// A block's kind, title and text as a text chunk stores them: a page
/// block's title is the page's, already in `pages`, so it is left empty;
/// a step's text that starts with its title is stored without it.
fn stored<'b>(block: &'b Block<'_>) -> (u8, &'b str, &'b str) {
    match block.kind {
        BlockKind::Page => (block.kind as u8, "", &block.text),
        BlockKind::Step if !block.title.is_empty() => {
            match block.text.strip_prefix(&*block.title) {
                Some(rest) => (STEP_TEXT_AFTER_TITLE, &block.title, rest),
                None => (block.kind as u8, &block.title, &block.text),
            }
        }
        _ => (block.kind as u8, &block.title, &block.text),
    }
}

/// Undoes what [`stored`] did to a step's text, as the client does when a
/// chunk arrives.
pub fn expand_block(block: &mut super::index::StoredBlock) {
    if block.1 == STEP_TEXT_AFTER_TITLE {
        block.1 = BlockKind::Step as u8;
        block.4.insert_str(0, &block.3);
    }
}

/// Spreads the terms over enough shards to keep each near `shard_bytes`,
/// writes each shard's file and returns how many there are.
fn write_shards<E: Send>(
    postings: &Postings,
    shard_bytes: usize,
    put: &(dyn Fn(String, String) -> Result<(), E> + Sync),
) -> Result<u32, E> {
    let bytes: usize = (0..postings.len())
        .map(|term| postings.term(term).len() + postings.encoded_len(term) + 6)
        .sum();
    let count = bytes.div_ceil(shard_bytes.max(1)).max(1) as u32;
    let mut parts: Vec<Vec<(&str, u32)>> = vec![Vec::new(); count as usize];
    for term in 0..postings.len() {
        let text = postings.term(term);
        parts[shard_of(text, count)].push((text, term as u32));
    }
    parts
        .into_par_iter()
        .enumerate()
        .try_for_each(|(n, mut terms)| {
            terms.sort_unstable();
            put(
                format!("{OUTPUT_DIR}s{n}.js"),
                shard_script(n, postings, &terms),
            )
        })?;
    Ok(count)
}

/// `search/s{n}.js`: `{term: encoded postings}`, from `(text, id)` of its
/// terms in order.
fn shard_script(n: usize, postings: &Postings, terms: &[(&str, u32)]) -> String {
    let bytes: usize = terms
        .iter()
        .map(|&(text, term)| text.len() + postings.encoded_len(term as usize) + 6)
        .sum();
    let mut out = String::with_capacity(bytes + 128);
    open_script(&mut out, "s", n);
    out.push('{');
    for (at, &(text, term)) in terms.iter().enumerate() {
        if at > 0 {
            out.push(',');
        }
        push_json_str(&mut out, text);
        out.push_str(":\"");
        postings.write(term as usize, &mut out);
        out.push('"');
    }
    out.push('}');
    close_script(&mut out);
    out
}

/// `HEAD["kind",n,`
fn open_script(out: &mut String, kind: &str, n: usize) {
    out.push_str(HEAD);
    out.push_str("[\"");
    out.push_str(kind);
    out.push_str("\",");
    push_number(out, n);
    out.push(',');
}

/// `]TAIL`
fn close_script(out: &mut String) {
    out.push(']');
    out.push_str(TAIL);
}

fn push_number(out: &mut String, n: usize) {
    use std::fmt::Write as _;
    let _ = write!(out, "{n}");
}

/// Appends `text` as a JSON string, escaped as `serde_json` does, and also
/// U+2028 and U+2029, which JSON allows in strings and older JavaScript
/// does not.
pub fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        // Eight bytes at a time while none needs a look.
        if let Some(word) = bytes.get(at..at + 8)
            && !needs_look(u64::from_le_bytes(word.try_into().unwrap_or_default()))
        {
            at += 8;
            continue;
        }
        let byte = bytes[at];
        // Only ASCII and the lead byte of U+2028/U+2029 need a look.
        if byte >= 0x20 && byte != b'"' && byte != b'\\' && byte != 0xE2 {
            at += 1;
            continue;
        }
        let (escape, len) = match byte {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'\n' => ("\\n", 1),
            b'\r' => ("\\r", 1),
            b'\t' => ("\\t", 1),
            0x08 => ("\\b", 1),
            0x0C => ("\\f", 1),
            0xE2 => match bytes.get(at + 1..at + 3) {
                Some([0x80, 0xA8]) => ("\\u2028", 3),
                Some([0x80, 0xA9]) => ("\\u2029", 3),
                _ => {
                    at += 1;
                    continue;
                }
            },
            _ => ("", 1),
        };
        out.push_str(&text[start..at]);
        if escape.is_empty() {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        at += len;
        start = at;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// Whether any of the eight bytes of `word` is below 0x20, `"`, `\\` or
/// 0xE2 (the lead byte of U+2028 and U+2029): bit tricks that test all
/// eight at once (exact, no false alarms).
fn needs_look(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
    let zero = |x: u64| below(x, 1);
    below(word, 0x20)
        || zero(word ^ (ONES * u64::from(b'"')))
        || zero(word ^ (ONES * u64::from(b'\\')))
        || zero(word ^ (ONES * 0xE2))
}

fn script(kind: &str, n: usize, data: &impl Serialize) -> String {
    let mut bytes = Vec::with_capacity(1024);
    bytes.extend_from_slice(HEAD.as_bytes());
    serde_json::to_writer(&mut bytes, &(kind, n, data)).expect("index data serializes");
    bytes.extend_from_slice(TAIL.as_bytes());
    let text = String::from_utf8(bytes).expect("JSON is UTF-8");
    // JSON allows these two in strings; older JavaScript does not.
    if text.contains(['\u{2028}', '\u{2029}']) {
        text.replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    } else {
        text
    }
}

/// Reads back one file written by [`write_files`]: its kind, number and data.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<(String, usize, T)> {
    let json = text.strip_prefix(HEAD)?.strip_suffix(TAIL)?;
    serde_json::from_str(json).ok()
}

/// Reads back a whole index from its files (in any order).
pub fn parse_all<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<SearchData> {
    let mut meta = None;
    let mut shards = Vec::new();
    let mut chunks = Vec::new();
    for (path, text) in files {
        let name = path.strip_prefix(OUTPUT_DIR)?;
        match name.as_bytes().first()? {
            b'i' => meta = Some(parse(text)?.2),
            b's' => shards.push(parse(text).map(|(_, n, data)| (n, data))?),
            b't' => chunks.push(parse(text).map(|(_, n, data)| (n, data))?),
            _ => return None,
        }
    }
    shards.sort_by_key(|(n, _)| *n);
    chunks.sort_by_key(|(n, _)| *n);
    for (_, chunk) in &mut chunks {
        let chunk: &mut super::index::Chunk = chunk;
        chunk.blocks.iter_mut().for_each(expand_block);
    }
    Some(SearchData {
        meta: meta?,
        shards: shards.into_iter().map(|(_, data)| data).collect(),
        chunks: chunks.into_iter().map(|(_, data)| data).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let texts = [
            "plain ascii text, long enough for words",
            "中文，“引号”\"quote\" back\\slash\nnew\tline\u{1}\u{1f}\u{7f}",
            "line\u{2028}separator\u{2029}paragraph — dash … ellipsis",
            "12345678\"",
            "",
        ];
        for text in texts {
            let mut out = String::new();
            push_json_str(&mut out, text);
            let expected = serde_json::to_string(text)
                .expect("a string serializes")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029");
            assert_eq!(out, expected);
            assert_eq!(
                serde_json::from_str::<String>(&out).ok().as_deref(),
                Some(text)
            );
        }
    }
}

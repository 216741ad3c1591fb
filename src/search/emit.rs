//! The index as files: classic scripts that hand their data to the client,
//! so they load with a `<script src>` — which works from `file://`, where a
//! browser refuses `fetch` of local files, and under `script-src 'self'`.
//!
//! Each file is one statement: `(self.offboardSearch=self.offboardSearch||
//! []).push([kind, n, data])`. Whether the client is already listening or
//! not, the data waits in the queue for it.

use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::OUTPUT_DIR;
use super::index::SearchData;

const HEAD: &str = "(self.offboardSearch=self.offboardSearch||[]).push(";
const TAIL: &str = ");\n";

/// `(path, text)` of every index file: `search/index.js`, the term shards
/// `search/s{n}.js` and the text chunks `search/t{n}.js`.
pub fn files(data: &SearchData) -> Vec<(String, String)> {
    into_files(data.clone())
}

/// [`files`], dropping each part of the index once it is written out.
pub fn into_files(data: SearchData) -> Vec<(String, String)> {
    let mut files = vec![(
        format!("{OUTPUT_DIR}index.js"),
        script("index", 0, &data.meta),
    )];
    let shards: Vec<(String, String)> = data
        .shards
        .into_par_iter()
        .enumerate()
        .map(|(n, shard)| (format!("{OUTPUT_DIR}s{n}.js"), script("s", n, &shard)))
        .collect();
    files.extend(shards);
    let chunks: Vec<(String, String)> = data
        .chunks
        .into_par_iter()
        .enumerate()
        .map(|(n, chunk)| (format!("{OUTPUT_DIR}t{n}.js"), script("t", n, &chunk)))
        .collect();
    files.extend(chunks);
    files
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

/// Reads back one file written by [`files`]: its kind, number and data.
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
    Some(SearchData {
        meta: meta?,
        shards: shards.into_iter().map(|(_, data)| data).collect(),
        chunks: chunks.into_iter().map(|(_, data)| data).collect(),
    })
}

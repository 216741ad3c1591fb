//! The index as files: classic scripts that hand their data to the client,
//! so they load with a `<script src>` — which works from `file://`, where a
//! browser refuses `fetch` of local files, and under `script-src 'self'`.
//!
//! Each file is one statement: `(self.offboardSearch=self.offboardSearch||
//! []).push([kind, n, data])`. Whether the client is already listening or
//! not, the data waits in the queue for it.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::OUTPUT_DIR;
use super::index::SearchData;

const HEAD: &str = "(self.offboardSearch=self.offboardSearch||[]).push(";
const TAIL: &str = ");\n";

/// `(path, text)` of every index file: `search/index.js`, the term shards
/// `search/s{n}.js` and the text chunks `search/t{n}.js`.
pub fn files(data: &SearchData) -> Vec<(String, String)> {
    let mut files = vec![(
        format!("{OUTPUT_DIR}index.js"),
        script("index", 0, &data.meta),
    )];
    for (n, shard) in data.shards.iter().enumerate() {
        files.push((format!("{OUTPUT_DIR}s{n}.js"), script("s", n, shard)));
    }
    for (n, chunk) in data.chunks.iter().enumerate() {
        files.push((format!("{OUTPUT_DIR}t{n}.js"), script("t", n, chunk)));
    }
    files
}

fn script(kind: &str, n: usize, data: &impl Serialize) -> String {
    let json = serde_json::to_string(&(kind, n, data)).expect("index data serializes");
    // JSON allows these two in strings; older JavaScript does not.
    let json = json
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    format!("{HEAD}{json}{TAIL}")
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

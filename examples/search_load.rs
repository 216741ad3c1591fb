//! What a reader's first query loads from a built site's search index:
//! `index.js`, the term shards of its terms and the text chunks of its best
//! hits, as the client fetches them. With a second output folder (an older
//! build of the same site, whose blocks and chunks are the same), also what
//! the same query loads there.
//!
//! ```text
//! cargo run --release --example search_load -- OUT [OLD_OUT] [QUERY...]
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use offboard_site::search::emit::parse_all;
use offboard_site::search::index::{Meta, shard_of};
use offboard_site::search::tokens::query_terms;

/// Queries a reader might type first, when none are given.
const QUERIES: &[&str] = &["手机号", "账号", "交接清单", "离职 证书", "access", "QQ 号"];

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(
        args.first()
            .context("usage: search_load OUT [OLD_OUT] [QUERY...]")?,
    );
    let old = args
        .get(1)
        .map(PathBuf::from)
        .filter(|dir| dir.join("search/index.js").is_file());
    args.drain(..if old.is_some() { 2 } else { 1 });
    let queries: Vec<&str> = if args.is_empty() {
        QUERIES.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    let files = read_index(&out)?;
    let data = parse_all(
        files
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    )
    .context("the index does not read back")?;
    let old_shards = old.as_deref().map(shard_count).transpose()?;
    for query in queries {
        let hits = data.search(query).hits;
        let chunks: BTreeSet<usize> = hits
            .iter()
            .map(|hit| {
                data.meta
                    .chunks
                    .partition_point(|start| *start <= hit.block)
                    - 1
            })
            .collect();
        let (bytes, count) = loaded(&out, &data.meta, query, &chunks)?;
        print!(
            "{query}: {} hits, {count} files, {:.0} KB",
            hits.len(),
            kb(bytes)
        );
        if let (Some(old), Some(shards)) = (&old, old_shards) {
            let meta = Meta {
                shards,
                ..data.meta.clone()
            };
            let (bytes, count) = loaded(old, &meta, query, &chunks)?;
            print!(" (old: {count} files, {:.0} KB)", kb(bytes));
        }
        println!();
    }
    Ok(())
}

/// Bytes and number of the files a query loads under `out`.
fn loaded(out: &Path, meta: &Meta, query: &str, chunks: &BTreeSet<usize>) -> Result<(u64, usize)> {
    let shards: BTreeSet<usize> = query_terms(query)
        .iter()
        .map(|term| shard_of(&term.text, meta.shards))
        .collect();
    let mut names = vec!["index.js".to_owned()];
    names.extend(shards.iter().map(|n| format!("s{n}.js")));
    names.extend(chunks.iter().map(|n| format!("t{n}.js")));
    let mut bytes = 0;
    for name in &names {
        bytes += std::fs::metadata(out.join("search").join(name))
            .with_context(|| format!("search/{name}"))?
            .len();
    }
    Ok((bytes, names.len()))
}

/// How many term shards an output's index has (from its files).
fn shard_count(out: &Path) -> Result<u32> {
    let mut count = 0;
    for entry in std::fs::read_dir(out.join("search"))? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('s') && name.ends_with(".js") {
            count += 1;
        }
    }
    Ok(count)
}

/// Every `search/` file of an output folder, as `(path, text)`.
fn read_index(out: &Path) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(out.join("search"))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        files.push((
            format!("search/{name}"),
            std::fs::read_to_string(entry.path())?,
        ));
    }
    Ok(files)
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

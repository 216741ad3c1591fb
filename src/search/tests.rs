//! The search on the bundled guide, through the real build: the files the
//! build writes are read back and queried with the same ranking the browser
//! runs. The cases in `tests/search-cases.json` are shared with the browser
//! tests, so the Rust and JavaScript rankings are held to one table.

use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;

use super::SearchData;
use super::emit::parse_all;
use crate::build::render_site;
use crate::output::Contents;

/// The bundled guide's index, built once.
fn bundled() -> &'static SearchData {
    static DATA: OnceLock<SearchData> = OnceLock::new();
    DATA.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = render_site(root, false).expect("the bundled guide builds");
        let files: Vec<(&str, &str)> = site
            .files
            .iter()
            .filter(|file| file.path.starts_with(super::OUTPUT_DIR))
            .filter_map(|file| match &file.contents {
                Contents::Text(text) => Some((file.path.as_str(), text.as_str())),
                _ => None,
            })
            .collect();
        assert!(files.len() >= 3, "index.js, a shard and a chunk");
        parse_all(files).expect("the index files read back")
    })
}

fn top(query: &str, n: usize) -> Vec<String> {
    let data = bundled();
    data.search(query)
        .hits
        .iter()
        .take(n)
        .map(|hit| data.location(hit.block))
        .collect()
}

#[derive(Deserialize)]
struct Case {
    query: String,
    /// `url#anchor` expected first (`url` alone: the page itself).
    #[serde(default)]
    first: Option<String>,
    /// Locations expected among the first five.
    #[serde(default)]
    among: Vec<String>,
    /// Whether the query should find nothing.
    #[serde(default)]
    none: bool,
}

#[test]
fn shared_cases_hold() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("../../tests/search-cases.json"))
        .expect("tests/search-cases.json is valid");
    for case in cases {
        let found = top(&case.query, 5);
        if case.none {
            assert!(
                found.is_empty(),
                "{}: expected nothing, got {found:?}",
                case.query
            );
            continue;
        }
        if let Some(first) = &case.first {
            assert_eq!(found.first(), Some(first), "{}: {found:?}", case.query);
        }
        for place in &case.among {
            assert!(
                found.contains(place),
                "{}: {place} not in {found:?}",
                case.query
            );
        }
    }
}

//! The cache of URLs found working, so that a second `check --external`
//! within the expiry asks no server again. It lives in the site's
//! `.offboard-cache/external-links.json` (ignored by git in sites made by
//! `init`). Only successes are kept: a failure is asked again every run,
//! so a fixed link shows as fixed at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fs;

/// The cache folder under the site root.
pub const CACHE_DIR: &str = ".offboard-cache";

/// The cache file inside [`CACHE_DIR`].
const CACHE_FILE: &str = "external-links.json";

/// The format of the file; a file of another version is ignored.
const VERSION: u32 = 1;

/// URLs found working, with when (seconds since the Unix epoch).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    version: u32,
    ok: BTreeMap<String, u64>,
}

impl Cache {
    /// The cache file of the site at `root`.
    pub fn path(root: &Path) -> PathBuf {
        root.join(CACHE_DIR).join(CACHE_FILE)
    }

    /// Reads the cache; a missing, unreadable or foreign file is an empty
    /// cache (it is only an aid to speed).
    pub fn load(path: &Path) -> Self {
        fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Self>(&bytes).ok())
            .filter(|cache| cache.version == VERSION)
            .unwrap_or_default()
    }

    /// Whether `url` was found working less than `max_age` seconds before
    /// `now`.
    pub fn is_fresh(&self, url: &str, now: u64, max_age: u64) -> bool {
        self.ok
            .get(url)
            .is_some_and(|&checked| checked <= now && now - checked < max_age)
    }

    /// Records that `url` worked at `now`.
    pub fn record(&mut self, url: &str, now: u64) {
        self.ok.insert(url.to_owned(), now);
    }

    /// Drops entries older than `max_age` and writes the file (sorted, so
    /// it diffs well).
    pub fn save(mut self, path: &Path, now: u64, max_age: u64) -> anyhow::Result<()> {
        self.version = VERSION;
        self.ok
            .retain(|_, &mut checked| checked <= now && now - checked < max_age);
        let mut text = serde_json::to_vec_pretty(&self)?;
        text.push(b'\n');
        fs::write(path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire() {
        let mut cache = Cache::default();
        cache.record("https://a.example/", 1_000);
        assert!(cache.is_fresh("https://a.example/", 1_000, 60));
        assert!(cache.is_fresh("https://a.example/", 1_059, 60));
        assert!(!cache.is_fresh("https://a.example/", 1_060, 60), "expired");
        assert!(
            !cache.is_fresh("https://a.example/", 999, 60),
            "from the future"
        );
        assert!(
            !cache.is_fresh("https://b.example/", 1_000, 60),
            "never seen"
        );
        assert!(!cache.is_fresh("https://a.example/", 1_000, 0), "no cache");
    }

    #[test]
    fn saving_drops_expired_entries_and_reads_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(CACHE_DIR).join(CACHE_FILE);
        let mut cache = Cache::default();
        cache.record("https://old.example/", 10);
        cache.record("https://new.example/", 100);
        cache.save(&path, 100, 50).expect("saved");
        let read = Cache::load(&path);
        assert!(read.is_fresh("https://new.example/", 100, 50));
        assert!(!read.ok.contains_key("https://old.example/"));
    }

    #[test]
    fn a_broken_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cache.json");
        std::fs::write(&path, "{not json").expect("written");
        assert!(Cache::load(&path).ok.is_empty());
        std::fs::write(&path, r#"{"version":99,"ok":{"https://a.example/":1}}"#).expect("written");
        assert!(Cache::load(&path).ok.is_empty(), "another version");
    }
}

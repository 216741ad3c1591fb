//! `offboard-site check --external`: asks the servers of every external
//! link and image of the site whether it still works, reports each failure
//! at the file, line and column it is written at, and warns of images
//! hot-linked from other sites. URLs found working are cached for a while
//! (see [`cache`]) so that a rerun is quick.

mod cache;
mod fetch;
mod gather;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;

pub use cache::CACHE_DIR;
pub use fetch::{Download, FetchOptions, Outcome, download_all, host_of};
pub use gather::{Occurrence, hot_link_warning};

use crate::content::Page;
use crate::diagnostic::{Diagnostic, Diagnostics};
use cache::Cache;

/// How to check.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Requests, timeouts and retries.
    pub fetch: FetchOptions,
    /// How long a URL found working is trusted without asking again, in
    /// seconds; `0` neither reads nor writes the cache.
    pub cache_seconds: u64,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        Self {
            fetch: FetchOptions {
                concurrency: 16,
                per_host: 2,
                timeout: Duration::from_secs(10),
                retries: 2,
                backoff: Duration::from_millis(500),
            },
            cache_seconds: 24 * 60 * 60,
        }
    }
}

/// What a check found.
#[derive(Debug, Default)]
pub struct ExternalReport {
    /// Places where an external URL is written.
    pub links: usize,
    /// Distinct URLs among them.
    pub urls: usize,
    /// URLs taken from the cache, not asked.
    pub cached: usize,
    /// Broken links, at their places.
    pub failures: Vec<Diagnostic>,
    /// Hot-linked images, at their places (plain `check` prints the same
    /// warnings; these are counted).
    pub warnings: Vec<Diagnostic>,
}

/// Checks every external link and image of the site at `root`.
pub fn check_external(root: &Path, options: &ExternalOptions) -> Result<ExternalReport> {
    let (occurrences, pages) = gather::gather(root)?;
    let now = unix_now();
    let cache_path = Cache::path(root);
    let use_cache = options.cache_seconds > 0;
    let mut cache = if use_cache {
        Cache::load(&cache_path)
    } else {
        Cache::default()
    };
    let by_url = group_by_url(&occurrences);
    let (fresh, to_ask): (Vec<&String>, Vec<&String>) = by_url
        .keys()
        .partition(|url| use_cache && cache.is_fresh(url, now, options.cache_seconds));
    let asked: Vec<String> = to_ask.iter().map(|url| (*url).clone()).collect();
    let outcomes = fetch::fetch_all(&asked, &options.fetch);
    let mut report = ExternalReport {
        links: occurrences.len(),
        urls: by_url.len(),
        cached: fresh.len(),
        ..ExternalReport::default()
    };
    for (url, outcome) in asked.iter().zip(&outcomes) {
        match outcome {
            Outcome::Ok => cache.record(url, now),
            Outcome::Failed(reason) => {
                for &at in &by_url[url.as_str()] {
                    report
                        .failures
                        .push(failure(&pages, &occurrences[at], reason));
                }
            }
        }
    }
    report.warnings = occurrences
        .iter()
        .filter(|occurrence| occurrence.is_image)
        .filter_map(|occurrence| {
            page_of(&pages, occurrence).map(|page| {
                gather::hot_link_warning(page, &occurrence.url, occurrence.line, occurrence.column)
            })
        })
        .collect();
    if use_cache {
        cache.save(&cache_path, now, options.cache_seconds)?;
    }
    report
        .failures
        .sort_by(|a, b| (&a.path, a.location).cmp(&(&b.path, b.location)));
    Ok(report)
}

impl ExternalReport {
    /// The failures as an error, or `Ok` when every URL works.
    pub fn into_result(self) -> Result<(), Diagnostics> {
        Diagnostics(self.failures).into_result()
    }
}

/// The places of each distinct URL (its fragment left out: servers never
/// see it), in URL order.
fn group_by_url(occurrences: &[Occurrence]) -> BTreeMap<String, Vec<usize>> {
    let mut by_url: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (at, occurrence) in occurrences.iter().enumerate() {
        let url = occurrence.url.split('#').next().unwrap_or_default();
        by_url.entry(url.to_owned()).or_default().push(at);
    }
    by_url
}

fn page_of<'p>(pages: &'p [Page], occurrence: &Occurrence) -> Option<&'p Page> {
    pages.iter().find(|page| page.file == occurrence.file)
}

/// The error for a broken URL at one of its places.
fn failure(pages: &[Page], occurrence: &Occurrence, reason: &str) -> Diagnostic {
    let message = format!("external link `{}` failed: {reason}", occurrence.url);
    let diagnostic = match page_of(pages, occurrence) {
        Some(page) => page.error_at(occurrence.line, occurrence.column, message),
        None => Diagnostic::new(&occurrence.file, message).at(occurrence.line, occurrence.column),
    };
    diagnostic
        .hint("fix or remove the link; if the server only refuses robots, check it in a browser")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

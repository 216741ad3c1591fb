//! `offboard-site serve`: the authoring loop.
//!
//! Builds the site in memory, serves it, and on every save rebuilds and
//! tells open pages to reload. The parts are kept apart, as in mdBook:
//! [`watch`] turns file-system events into one batch per save, [`change`]
//! says what each changed path is (a pure, table-tested function),
//! [`rebuild`] decides how much to render and renders it through the same
//! pipeline as `build` (only what an edit changes, with
//! [`crate::incremental`]; the search index after a pause, on another
//! thread), [`store`] keeps the last good
//! site, [`server`] answers requests from it, [`reload`] announces changes
//! to open pages and [`overlay`] adds the live-reload script and the error
//! overlay to served HTML. The build knows nothing of any of this.
//! [`limits`] keeps slow clients from starving the others and [`host`]
//! answers only for this machine's names (DNS rebinding).
//!
//! `serve` never writes: not `public/`, not anywhere.

pub mod change;
#[cfg(test)]
mod fuzz;
pub mod host;
mod http;
pub mod limits;
mod open;
pub mod overlay;
#[cfg(test)]
mod random_edits;
pub mod rebuild;
pub mod reload;
pub mod request_path;
mod respond;
pub mod server;
pub mod store;
pub mod watch;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::fs;
use crate::incremental::{FileMap, TextFilesJob};
use crate::output::OutputFile;
use overlay::ErrorReport;
use rebuild::{Outcome, Rebuilder};
use reload::{Announcement, Broadcaster};
use server::Server;
use store::Store;
use watch::{Batch, Next, SourceWatcher};

/// What `serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port to listen on (the next free one if taken; 0 for any).
    pub port: u16,
    /// Open the site in the default browser.
    pub open: bool,
    /// Include pages marked `draft = true`.
    pub include_drafts: bool,
    /// Host names answered besides `localhost` and IP addresses (checked
    /// by [`host::parse_allowed_host`]).
    pub allowed_hosts: Vec<String>,
}

/// Builds, serves and rebuilds the site until the process is stopped.
pub fn serve(options: &ServeOptions) -> Result<()> {
    // Like `build`, a folder that is not a site is refused before anything
    // starts (a typo in `--root` should not serve an empty site forever).
    crate::build::check_site_exists(&options.root).map_err(crate::diagnostic::Diagnostics::from)?;
    let root = fs::canonicalize(&options.root)?;
    // The port first, so a taken one is said before a long first build;
    // connections wait in the queue until the site is there.
    let bound = server::bind(options.bind, options.port)?;
    if let Some(note) = &bound.note {
        eprintln!("note: {note}");
    }
    if let Some(warning) = host::exposure_warning(bound.address) {
        eprint!("{warning}");
    }
    // Watch before the first build, so a save during it is not lost.
    let watcher = SourceWatcher::start(&root)?;
    let mut rebuilder = Rebuilder::new(&root, options.include_drafts);
    let store = Store::default();
    let broadcaster = Broadcaster::default();
    let started = Instant::now();
    match rebuilder.render() {
        Ok(files) => {
            store.publish(files);
            let counts = rebuilder
                .summary()
                .map(|summary| summary.counts())
                .unwrap_or_default();
            eprintln!("built {counts} in {} ms", started.elapsed().as_millis());
        }
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            eprintln!("the site does not build yet; the browser shows the errors until it does");
            store.fail(ErrorReport::from_diagnostics(&diagnostics));
        }
    }
    let url = format!("http://{}/", bound.address);
    let settings = server::Settings {
        limits: limits::Limits::default(),
        hosts: host::HostPolicy::new(options.allowed_hosts.clone()),
    };
    let server = Server::start(bound.listener, &store, &broadcaster, settings)?;
    eprintln!("serving {} at {url}", display_root(&options.root));
    eprintln!("watching content/, themes/, static/ and site.toml; press Ctrl-C to stop");
    if options.open {
        open::in_browser(&url);
    }
    let (finished, finished_jobs) = channel();
    let mut watcher = watcher;
    watcher.watch_included(rebuilder.included_files());
    let mut authoring = Authoring {
        root,
        watcher,
        rebuilder,
        store,
        broadcaster,
        finished,
        finished_jobs,
        job_running: false,
    };
    authoring.run();
    server.stop();
    Ok(())
}

/// How long the sources must be quiet after incremental edits before the
/// search index is built again.
const IDLE_BEFORE_TEXT_FILES: Duration = Duration::from_millis(300);

/// The rebuild loop and what it works with.
struct Authoring {
    root: PathBuf,
    watcher: SourceWatcher,
    rebuilder: Rebuilder,
    store: Store,
    broadcaster: Broadcaster,
    finished: Sender<(u64, Vec<OutputFile>)>,
    finished_jobs: Receiver<(u64, Vec<OutputFile>)>,
    job_running: bool,
}

impl Authoring {
    /// Rebuilds on every batch of changes until the watcher stops. After
    /// incremental edits, once the author pauses, the search index is built
    /// on another thread (one job at a time).
    fn run(&mut self) {
        loop {
            let wait = (self.job_running || self.rebuilder.text_files_stale())
                .then_some(IDLE_BEFORE_TEXT_FILES);
            let next = self.watcher.next(wait);
            for (edit, files) in self.finished_jobs.try_iter() {
                self.rebuilder.absorb(edit, files);
                self.job_running = false;
            }
            match next {
                Next::Stopped => return,
                Next::Idle => {
                    if !self.job_running
                        && let Some(job) = self.rebuilder.text_files_job()
                    {
                        self.job_running = true;
                        run_in_background(job, self.store.clone(), self.finished.clone());
                    }
                }
                Next::Batch(batch) => {
                    let batch = rebuild::settle(batch, &self.root, &self.store.current().snapshot);
                    if !batch.is_empty() {
                        rebuild_once(&mut self.rebuilder, &batch, &self.store, &self.broadcaster);
                        self.watcher.watch_included(self.rebuilder.included_files());
                    }
                }
            }
        }
    }
}

/// Builds the search index after incremental edits without holding up the
/// next one: the new pages were served (and announced) at once, the index
/// follows, in the same generation (a reader's search needs no reload).
/// A job overtaken by a newer edit is dropped.
///
/// The job runs in a rayon pool of its own with one thread at the lowest
/// priority: in the global pool its parallel loops would queue ahead of the
/// next save's rebuild.
fn run_in_background(job: TextFilesJob, store: Store, finished: Sender<(u64, Vec<OutputFile>)>) {
    let generation = store.current().snapshot.generation;
    std::thread::spawn(move || {
        lower_priority();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "offboard-serve-search".to_owned())
            .build();
        let done = match pool {
            Ok(pool) => pool.install(|| job.run()),
            Err(_) => job.run(),
        };
        store.patch(generation, &done.replaces, done.files.clone());
        // The loop is gone only when serve is shutting down.
        let _ = finished.send((done.edit, done.files));
    });
}

/// Gives the calling thread (and threads it starts) the lowest priority:
/// on a machine with few processors, a save made while the search index is
/// being built then gets them.
#[cfg(target_os = "linux")]
fn lower_priority() {
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19);
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// Rebuilds for one batch, publishes a good result, and only then tells
/// open pages.
fn rebuild_once(
    rebuilder: &mut Rebuilder,
    batch: &Batch,
    store: &Store,
    broadcaster: &Broadcaster,
) {
    let started = Instant::now();
    let current = store.current();
    let what = describe(batch);
    match rebuilder.rebuild(batch, &current.snapshot, current.error.is_some()) {
        Outcome::Unchanged { styles_only } => {
            let generation = store.touch();
            if styles_only {
                broadcaster.announce(&Announcement::Styles(generation));
                eprintln!("{what}: stylesheets swapped");
            } else {
                broadcaster.announce(&Announcement::Reload(generation));
                eprintln!("{what}: reloaded");
            }
        }
        Outcome::Built(files) => {
            // Only an edit of pages can be patched into open pages: other
            // builds may change templates, scripts or the whole site.
            let changed = rebuilder
                .last_touched()
                .and_then(|touched| changed_files(&current.snapshot.files, &files, touched));
            let generation = store.publish(files);
            let announcement = match changed {
                Some(changed) => Announcement::Patch(generation, changed.into()),
                None => Announcement::Reload(generation),
            };
            let published = store.current();
            broadcaster.announce_with(&announcement, |page| respond::page_html(&published, page));
            let fixed = if current.error.is_some() {
                " (fixed)"
            } else {
                ""
            };
            let scope = match rebuilder.last_pages_rendered() {
                Some(1) => "1 file".to_owned(),
                Some(count) => format!("{count} files"),
                None => "whole site".to_owned(),
            };
            eprintln!(
                "{what}: rebuilt in {} ms ({scope}){fixed}",
                started.elapsed().as_millis()
            );
        }
        Outcome::Nothing => {}
        Outcome::Failed(diagnostics) => {
            eprint!("{diagnostics}");
            eprintln!("{what}: the build failed; still serving the last good version");
            let report = Arc::new(ErrorReport::from_diagnostics(&diagnostics));
            store.fail(report.as_ref().clone());
            broadcaster.announce(&Announcement::Broken(report));
        }
    }
}

/// The most changed files listed for open pages to patch themselves; more
/// and they reload (a change that large is not an edit of a page or two).
const MAX_PATCHED_FILES: usize = 1000;

/// The output paths among `touched` whose contents differ between two
/// sites (added, removed or changed), sorted; `None` when there are more
/// than [`MAX_PATCHED_FILES`]. An incremental build lists the files it
/// rendered or dropped; the others are the same `Arc` in both sites, so
/// only the touched ones are looked at (looking up every file of a
/// 10,000-page site took 12 ms of a title edit's 48 ms rebuild).
fn changed_files(before: &FileMap, after: &FileMap, touched: &[String]) -> Option<Vec<String>> {
    let mut changed: Vec<String> = touched
        .iter()
        .filter(|path| match (before.get(*path), after.get(*path)) {
            (Some(old), Some(new)) => !Arc::ptr_eq(old, new) && old != new,
            (None, None) => false,
            _ => true,
        })
        .cloned()
        .collect();
    if changed.len() > MAX_PATCHED_FILES {
        return None;
    }
    changed.sort_unstable();
    changed.dedup();
    Some(changed)
}

/// `content/a.md`, or `content/a.md and 3 more`.
fn describe(batch: &Batch) -> String {
    let mut paths = batch.changes.keys();
    match (paths.next(), batch.changes.len()) {
        (None, _) if batch.git => "the git checkout changed".to_owned(),
        (None, _) => "files changed".to_owned(),
        (Some(first), 1) => first.display().to_string(),
        (Some(first), count) => format!("{} and {} more", first.display(), count - 1),
    }
}

fn display_root(root: &Path) -> String {
    if root == Path::new(".") {
        "the site".to_owned()
    } else {
        format!("`{}`", root.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Contents;

    fn site(files: &[(&str, &str)]) -> FileMap {
        files
            .iter()
            .map(|(path, text)| {
                let file = OutputFile {
                    path: (*path).into(),
                    contents: Contents::Text((*text).into()),
                };
                ((*path).to_owned(), Arc::new(file))
            })
            .collect()
    }

    #[test]
    fn changed_files_are_those_added_removed_or_different() {
        let before = site(&[("a/index.html", "a"), ("b/index.html", "b"), ("c.js", "c")]);
        let mut after = before.clone();
        // Rendered again, the same: not a change.
        after.extend(site(&[("b/index.html", "b")]));
        after.extend(site(&[("a/index.html", "a2"), ("d/index.html", "d")]));
        after.remove("c.js");
        let touched = [
            "b/index.html",
            "a/index.html",
            "d/index.html",
            "c.js",
            "e.js",
        ]
        .map(String::from);
        assert_eq!(
            changed_files(&before, &after, &touched),
            Some(vec![
                "a/index.html".to_owned(),
                "c.js".to_owned(),
                "d/index.html".to_owned()
            ])
        );
        let many: Vec<(String, String)> = (0..=MAX_PATCHED_FILES)
            .map(|n| (format!("p{n}/index.html"), String::new()))
            .collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let touched: Vec<String> = many.iter().map(|(path, _)| (*path).to_owned()).collect();
        assert_eq!(changed_files(&before, &site(&many), &touched), None);
    }
}

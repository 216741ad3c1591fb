//! The live-reload channel: server-sent events from the dev server to every
//! open page.
//!
//! Server-sent events rather than a WebSocket: the browser's `EventSource`
//! reconnects by itself, needs no extra crate, and is allowed by a strict
//! Content-Security-Policy (same origin). Each page's stream first gets a
//! `hello` with the current generation and, while the build is broken, the
//! error; then every announcement the rebuild loop sends:
//!
//! - `reload`: the new site is in place. With a list of the output files
//!   that changed (`changed`), the page may patch itself in place (fetch
//!   its new HTML and morph the DOM) when it is among them, or do nothing
//!   when neither it nor a script it loads is; without one, it reloads.
//! - `css`: only stylesheets changed; swap them without reloading.
//! - `broken`: the latest save failed to build; show the error overlay.
//!
//! Announcements are sent only after the new output is published, so a page
//! that reloads always gets the new site. A page names itself when it
//! connects (`?page=` its path); a patch announcement then carries that
//! page's new HTML to it when the page is among the changed files, which
//! saves the page a request before it can patch itself.
//!
//! The server opens the stream only for this site's own pages: a request
//! whose `Origin` names another site is refused before it gets here (see
//! [`super::host`]).

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::overlay::ErrorReport;
use super::store::Store;

/// Where pages connect to the channel.
pub const EVENTS_PATH: &str = "/__offboard/events";

/// The script that listens on the channel, swaps stylesheets, reloads
/// (keeping the scroll position) and draws the error overlay.
pub const SCRIPT: &str = include_str!("livereload.js");

/// idiomorph, the morph library the live-reload script patches pages with
/// (vendored from npm, Zero-Clause BSD; see `vendor/`).
pub const MORPH_SCRIPT: &str = include_str!("vendor/idiomorph.js");

/// How often an idle stream sends a comment, to notice closed tabs.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What the rebuild loop tells open pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announcement {
    /// Reload the page: the site of this generation is in place.
    Reload(u64),
    /// The site of this generation is in place, and only these output
    /// files (by output path) changed: pages may patch themselves.
    Patch(u64, Arc<[String]>),
    /// Swap stylesheets only; the page is now of this generation.
    Styles(u64),
    /// Show this error.
    Broken(Arc<ErrorReport>),
}

impl Announcement {
    /// The announcement as one server-sent event.
    pub fn frame(&self) -> String {
        match self {
            Self::Reload(generation) => frame("reload", &generation_json(*generation)),
            Self::Patch(generation, changed) => {
                let data = serde_json::json!({ "generation": generation, "changed": &changed[..] });
                frame("reload", &data.to_string())
            }
            Self::Styles(generation) => frame("css", &generation_json(*generation)),
            Self::Broken(report) => frame("broken", &report.to_json()),
        }
    }
}

fn generation_json(generation: u64) -> String {
    format!("{{\"generation\":{generation}}}")
}

/// One server-sent event. `data` must not contain a newline.
fn frame(event: &str, data: &str) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

fn frame_arc(event: &str, data: &str) -> Arc<str> {
    frame(event, data).into()
}

/// One open page's stream, and the output file it shows (if it said).
#[derive(Debug)]
struct Client {
    sender: Sender<Arc<str>>,
    page: Option<String>,
}

/// Every open page's stream.
#[derive(Debug, Clone, Default)]
pub struct Broadcaster {
    clients: Arc<Mutex<Vec<Client>>>,
}

impl Broadcaster {
    /// A new listener showing the output file `page` (if known); it
    /// receives every announcement sent from now on.
    pub fn subscribe(&self, page: Option<String>) -> Receiver<Arc<str>> {
        let (sender, receiver) = channel();
        self.lock().push(Client { sender, page });
        receiver
    }

    /// Sends to every open page, forgetting pages that are gone.
    pub fn announce(&self, announcement: &Announcement) {
        self.announce_with(announcement, |_| None);
    }

    /// Like [`Broadcaster::announce`]; a patch announcement also carries
    /// `html(page)` to each page among its changed files that it renders.
    pub fn announce_with(
        &self,
        announcement: &Announcement,
        html: impl Fn(&str) -> Option<String>,
    ) {
        let frame: Arc<str> = announcement.frame().into();
        let changed = match announcement {
            Announcement::Patch(_, changed) => Some(changed),
            _ => None,
        };
        self.lock().retain(|client| {
            let own = client
                .page
                .as_deref()
                .filter(|page| {
                    changed.is_some_and(|changed| changed.iter().any(|path| path == page))
                })
                .and_then(&html);
            let frame = match (own, announcement) {
                (Some(html), Announcement::Patch(generation, changed)) => {
                    let data = serde_json::json!({
                        "generation": generation,
                        "changed": &changed[..],
                        "html": html,
                    });
                    frame_arc("reload", &data.to_string())
                }
                _ => Arc::clone(&frame),
            };
            client.sender.send(frame).is_ok()
        });
    }

    /// How many pages are listening.
    pub fn listeners(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Client>> {
        self.clients.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Streams announcements to one page (showing the output file `page`, if
/// known) until it goes away. `writer` is the raw connection: the response
/// head is written here, and each event is flushed as it comes (a chunked
/// response body would hold it back).
pub fn stream(
    mut writer: Box<dyn Write + Send>,
    store: &Store,
    broadcaster: &Broadcaster,
    page: Option<String>,
) {
    // Subscribe before reading the state, so nothing falls in between.
    let receiver = broadcaster.subscribe(page);
    let current = store.current();
    let mut opening = String::from(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n\r\n",
    );
    opening.push_str(&frame(
        "hello",
        &generation_json(current.snapshot.generation),
    ));
    if let Some(error) = &current.error {
        opening.push_str(&Announcement::Broken(Arc::clone(error)).frame());
    }
    if send(&mut writer, &opening).is_err() {
        return;
    }
    loop {
        let text = match receiver.recv_timeout(KEEPALIVE) {
            Ok(frame) => frame,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".into(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if send(&mut writer, &text).is_err() {
            return;
        }
    }
}

fn send(writer: &mut Box<dyn Write + Send>, text: &str) -> std::io::Result<()> {
    writer.write_all(text.as_bytes())?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_are_single_events() {
        assert_eq!(
            Announcement::Reload(3).frame(),
            "event: reload\ndata: {\"generation\":3}\n\n"
        );
        let broken = Announcement::Broken(Arc::new(ErrorReport::other("bad\nthing".into())));
        let frame = broken.frame();
        assert!(frame.starts_with("event: broken\ndata: {"));
        assert_eq!(frame.matches('\n').count(), 3, "{frame}");
        let patch =
            Announcement::Patch(4, vec!["a/index.html".to_owned(), "x\ny".to_owned()].into());
        assert_eq!(
            patch.frame(),
            "event: reload\ndata: {\"changed\":[\"a/index.html\",\"x\\ny\"],\"generation\":4}\n\n"
        );
    }

    #[test]
    fn pages_that_are_gone_are_forgotten() {
        let broadcaster = Broadcaster::default();
        let open = broadcaster.subscribe(None);
        drop(broadcaster.subscribe(None));
        broadcaster.announce(&Announcement::Styles(2));
        assert_eq!(broadcaster.listeners(), 1);
        assert_eq!(
            open.try_recv().expect("announced").as_ref(),
            "event: css\ndata: {\"generation\":2}\n\n"
        );
    }

    #[test]
    fn a_patch_carries_the_new_html_to_the_pages_it_changed() {
        let broadcaster = Broadcaster::default();
        let changed_page = broadcaster.subscribe(Some("a/index.html".to_owned()));
        let other_page = broadcaster.subscribe(Some("b/index.html".to_owned()));
        let unnamed = broadcaster.subscribe(None);
        let patch = Announcement::Patch(5, vec!["a/index.html".to_owned()].into());
        broadcaster.announce_with(&patch, |page| Some(format!("<p>{page}\n</p>")));
        let data = |frame: Arc<str>| -> serde_json::Value {
            let line = frame.lines().nth(1).expect("data line").to_owned();
            serde_json::from_str(line.strip_prefix("data: ").expect("data")).expect("json")
        };
        let own = data(changed_page.try_recv().expect("sent"));
        assert_eq!(own["html"], "<p>a/index.html\n</p>");
        assert_eq!(own["generation"], 5);
        for receiver in [other_page, unnamed] {
            let frame = receiver.try_recv().expect("sent");
            assert_eq!(frame.as_ref(), patch.frame());
        }
    }
}

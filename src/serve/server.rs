//! The HTTP side of `serve`: binding the port (or the next free one) and
//! answering requests from the in-memory site.
//!
//! A thread per connection (`http.rs` says why), kept open for the
//! client's next request (HTTP/1.1 keep-alive) until it is idle too long:
//! a page's assets then come over the connections its page came on, and a
//! patch after a save fetches its page without a new handshake. A dev
//! server has a handful of clients, so that is plenty and keeps the binary
//! free of an async runtime. Before a request is answered,
//! [`limits`](super::limits) bounds what its client holds and
//! [`host`](super::host) checks whom it is for. Responses come from the
//! current [`Snapshot`](super::store::Snapshot) only: a key is looked up in
//! a map, never joined onto a folder, so nothing outside the output can be
//! served.

use std::collections::HashSet;
use std::io::{ErrorKind, Read};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::host::{HostCheck, HostPolicy, refusal_text, same_origin};
use super::http::{HeadReader, ReadError, Request, Response};
use super::limits::{Connections, Limits, Refused, UntilDeadline};
use super::overlay::{MORPH_PATH, SCRIPT_PATH};
use super::reload::{Broadcaster, EVENTS_PATH, MORPH_SCRIPT, SCRIPT, stream};
use super::request_path::{output_key, percent_decode};
use super::respond::{cacheable, not_modified, site_response, status_response, text_response};
use super::store::Store;

/// Where the current build status is served as JSON.
pub const STATUS_PATH: &str = "/__offboard/status";

/// How many following ports are tried when the asked one is taken.
const PORT_ATTEMPTS: u16 = 10;

/// How long a client may take to read a response.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// How many refused host names are told in the terminal (each once).
const REFUSED_NAMES_TOLD: usize = 16;

/// How the server treats its clients.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// What one client may hold.
    pub limits: Limits,
    /// The host names answered.
    pub hosts: HostPolicy,
}

/// A bound listener, and what to tell the author about the port.
#[derive(Debug)]
pub struct Bound {
    /// The listening socket.
    pub listener: TcpListener,
    /// Its address (with the real port when 0 was asked for).
    pub address: SocketAddr,
    /// Said when another port than the asked one is used.
    pub note: Option<String>,
}

/// Binds `ip:port`, or the next free port when that one is taken.
pub fn bind(ip: IpAddr, port: u16) -> Result<Bound> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_ATTEMPTS - 1)
    };
    for candidate in port..=last {
        match TcpListener::bind((ip, candidate)) {
            Ok(listener) => {
                let address = listener
                    .local_addr()
                    .context("cannot read the server's address")?;
                let note = (candidate != port).then(|| {
                    format!(
                        "port {port} is already in use (another `offboard-site serve`?); serving on port {} instead",
                        address.port()
                    )
                });
                return Ok(Bound {
                    listener,
                    address,
                    note,
                });
            }
            Err(error) if error.kind() == ErrorKind::AddrInUse => {}
            Err(error) => {
                return Err(error).with_context(|| {
                    format!("cannot listen on {ip} port {candidate}; check `--bind` and `--port`")
                });
            }
        }
    }
    if port == 0 {
        bail!("cannot find a free port on {ip}");
    }
    bail!(
        "ports {port} to {last} on {ip} are all in use; stop the other server or pass `--port 0` to take any free port"
    )
}

/// The running server: an accepting thread, and a thread per connection.
pub struct Server {
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: JoinHandle<()>,
}

/// What every connection's thread shares.
struct Shared {
    store: Store,
    broadcaster: Broadcaster,
    settings: Settings,
    refused_names: Mutex<HashSet<String>>,
}

impl Server {
    /// Starts answering requests on `listener`.
    pub fn start(
        listener: TcpListener,
        store: &Store,
        broadcaster: &Broadcaster,
        settings: Settings,
    ) -> Result<Self> {
        let address = listener
            .local_addr()
            .context("cannot read the server's address")?;
        let stopping = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            store: store.clone(),
            broadcaster: broadcaster.clone(),
            settings,
            refused_names: Mutex::default(),
        });
        let stop = Arc::clone(&stopping);
        let acceptor = std::thread::spawn(move || accept(&listener, &stop, &shared));
        Ok(Self {
            address,
            stopping,
            acceptor,
        })
    }

    /// Stops accepting connections.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::Relaxed);
        // Wake the accepting thread up.
        let _ = TcpStream::connect(self.address);
        let _ = self.acceptor.join();
    }
}

/// Accepts connections until `stop`: each admitted one gets a thread, the
/// others a 503 at once.
fn accept(listener: &TcpListener, stop: &AtomicBool, shared: &Arc<Shared>) {
    let connections = Connections::default();
    for connection in listener.incoming() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Ok(connection) = connection else {
            // Out of file descriptors, most likely: let some close.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let Ok(peer) = connection.peer_addr() else {
            continue;
        };
        match connections.admit(peer.ip(), &shared.settings.limits) {
            Ok(slot) => {
                let shared = Arc::clone(shared);
                std::thread::spawn(move || {
                    handle(&connection, &shared);
                    // Closed before its slot is given back.
                    drop(connection);
                    drop(slot);
                });
            }
            Err(refused) => turn_away(connection, refused),
        }
    }
}

/// Answers 503 without reading the request: the answer fits in the empty
/// send buffer, so this never waits on the client.
fn turn_away(mut connection: TcpStream, refused: Refused) {
    let text = match refused {
        Refused::ClientBusy => "too many connections from your address; close some and retry\n",
        Refused::ServerBusy => "too many connections; retry in a moment\n",
    };
    if connection.set_nonblocking(true).is_ok() {
        let _ = text_response(503, text)
            .header("Retry-After", "1")
            .write_to(&mut connection, false, false);
        // Take what the client already sent, so closing does not reset the
        // connection before it reads the answer.
        let _ = connection.read(&mut [0; 4096]);
    }
}

/// Answers the requests of one connection, one after another, until the
/// client closes it, asks to close it, stays idle past
/// [`Limits::idle`](super::limits::Limits::idle) or sends something the
/// server does not keep a connection open after. Errors writing an answer
/// mean the browser went away; there is no one to tell.
fn handle(connection: &TcpStream, shared: &Shared) {
    let _ = connection.set_write_timeout(Some(WRITE_TIMEOUT));
    // Answers are written whole; waiting to fill packets only delays them.
    let _ = connection.set_nodelay(true);
    let mut heads = HeadReader::default();
    let mut first = true;
    loop {
        if !first && !heads.has_buffered() && !next_request_comes(connection, shared) {
            return;
        }
        first = false;
        if answer_one(connection, &mut heads, shared) == After::Close {
            return;
        }
    }
}

/// What happens to a connection after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    KeepOpen,
    Close,
}

/// Waits, at most the idle timeout, for the first byte of a kept-alive
/// connection's next request; `false` when none comes or the client closed
/// the connection.
fn next_request_comes(connection: &TcpStream, shared: &Shared) -> bool {
    if connection
        .set_read_timeout(Some(shared.settings.limits.idle))
        .is_err()
    {
        return false;
    }
    matches!(connection.peek(&mut [0; 1]), Ok(read) if read > 0)
}

/// Reads one request from the connection and answers it.
fn answer_one(connection: &TcpStream, heads: &mut HeadReader, shared: &Shared) -> After {
    let mut writer = connection;
    let deadline = shared.settings.limits.head_deadline;
    let mut reader = UntilDeadline::new(connection, deadline);
    let request = match heads.next(&mut reader) {
        Ok(request) => request,
        // A connection that sent nothing (a browser's spare one) is closed
        // without an answer it would not expect.
        Err(ReadError::Gone) => return After::Close,
        Err(ReadError::TimedOut) if reader.received() == 0 && !heads.has_buffered() => {
            return After::Close;
        }
        Err(ReadError::TimedOut) => {
            let text = format!(
                "the request did not arrive within {} s\n",
                deadline.as_secs_f32()
            );
            let _ = text_response(408, &text).write_to(&mut writer, false, false);
            return After::Close;
        }
        Err(ReadError::Malformed) => {
            let _ = text_response(400, "bad request\n").write_to(&mut writer, false, false);
            return After::Close;
        }
    };
    let head_only = request.method == "HEAD";
    if let Some(refusal) = refuse(&request, shared) {
        let _ = refusal.write_to(&mut writer, head_only, false);
        return After::Close;
    }
    let path = request.target.split(['?', '#']).next().unwrap_or_default();
    let response = match path {
        SCRIPT_PATH => cacheable(Response::new(
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
        )),
        MORPH_PATH => cacheable(Response::new(
            200,
            "text/javascript; charset=utf-8",
            MORPH_SCRIPT.as_bytes().to_vec(),
        )),
        EVENTS_PATH if !head_only => {
            // The stream has no end; it needs no timeout on writes that
            // keep-alive comments already bound.
            if let Ok(owned) = connection.try_clone() {
                let page = page_of_stream(&request.target);
                stream(Box::new(owned), &shared.store, &shared.broadcaster, page);
            }
            return After::Close;
        }
        STATUS_PATH => status_response(&shared.store.current()),
        _ => site_response(&request.target, &shared.store.current()),
    };
    let response = not_modified(response, request.header("if-none-match"));
    let keep_alive = request.keep_alive();
    match response.write_to(&mut writer, head_only, keep_alive) {
        Ok(()) if keep_alive => After::KeepOpen,
        _ => After::Close,
    }
}

/// The output file the page opening a live-reload stream shows: its path
/// comes percent-encoded as `?page=` (its `location.pathname`).
fn page_of_stream(target: &str) -> Option<String> {
    let query = target.split_once('?')?.1.split('#').next()?;
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))?;
    let path = percent_decode(value).ok()?;
    output_key(&path).ok()
}

/// The answer for a request the server does not serve: a method other than
/// `GET` and `HEAD`, a `Host` it does not answer for, or another site's page
/// asking for the live-reload stream or the build status.
fn refuse(request: &Request, shared: &Shared) -> Option<Response> {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        let response =
            text_response(405, "only GET and HEAD are served\n").header("Allow", "GET, HEAD");
        return Some(response);
    }
    let host = request.header("host");
    match shared.settings.hosts.check(host) {
        HostCheck::Allowed => {}
        HostCheck::Malformed => return Some(text_response(400, "bad `Host` header\n")),
        HostCheck::Refused(name) => {
            tell_refused(&name, shared);
            return Some(text_response(403, &refusal_text(&name)));
        }
    }
    let path = request.target.split(['?', '#']).next().unwrap_or_default();
    let from_elsewhere = request
        .header("origin")
        .is_some_and(|origin| !same_origin(origin, host));
    if from_elsewhere && matches!(path, EVENTS_PATH | STATUS_PATH) {
        let text =
            "another site's page may not use the dev server's live-reload stream or status\n";
        return Some(text_response(403, text));
    }
    None
}

/// Says in the terminal, once per name, that requests for it are refused.
fn tell_refused(name: &str, shared: &Shared) {
    let mut told = shared
        .refused_names
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if told.len() < REFUSED_NAMES_TOLD && told.insert(name.to_owned()) {
        eprintln!(
            "refused requests for host `{name}` (not localhost or an IP address); \
             if you opened the site under that name, restart with `--allow-host {name}`"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_says_which_page_it_is_for() {
        let table = [
            (
                "/__offboard/events?page=%2Fa%2Fb%2F",
                Some("a/b/index.html"),
            ),
            ("/__offboard/events?x=1&page=%2F", Some("index.html")),
            (
                "/__offboard/events?page=%2F%25E4%25B8%25AD%2F",
                Some("中/index.html"),
            ),
            ("/__offboard/events?page=%2F..%2Fx", None),
            ("/__offboard/events?page=a", None),
            ("/__offboard/events", None),
        ];
        for (target, expected) in table {
            assert_eq!(page_of_stream(target).as_deref(), expected, "{target}");
        }
    }

    #[test]
    fn a_taken_port_moves_to_the_next_one() {
        let taken = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = taken.local_addr().expect("address").port();
        let Ok(bound) = bind(IpAddr::from([127, 0, 0, 1]), port) else {
            // The next ports may be taken by other tests; the message case
            // is covered by the integration tests.
            return;
        };
        assert_ne!(bound.address.port(), port);
        let note = bound.note.expect("a note");
        assert!(
            note.contains(&format!("port {port} is already in use")),
            "{note}"
        );
    }
}

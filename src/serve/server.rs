//! The HTTP side of `serve`: binding the port (or the next free one) and
//! answering requests from the in-memory site.
//!
//! A thread per connection and one request per connection (`http.rs`
//! says why): a dev server has a handful of clients, so that is plenty and
//! keeps the binary free of an async runtime. Responses come from the current
//! [`Snapshot`](super::store::Snapshot) only: a key is looked up in a map,
//! never joined onto a folder, so nothing outside the output can be served.
//! Every response says `Cache-Control: no-store`, so the browser always asks
//! again after a rebuild.

use std::borrow::Cow;
use std::io::{ErrorKind, Read};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rustix::fs::{Mode, OFlags};

use crate::output::{Contents, OutputFile};

use super::http::{ReadError, Response, read_request};
use super::overlay::{SCRIPT_PATH, base_at_root, inject_script, waiting_page};
use super::reload::{Broadcaster, EVENTS_PATH, SCRIPT, stream};
use super::request_path::{output_key, percent_encode};
use super::store::{Current, Store};

/// Where the current build status is served as JSON.
pub const STATUS_PATH: &str = "/__offboard/status";

/// How many following ports are tried when the asked one is taken.
const PORT_ATTEMPTS: u16 = 10;

/// Connections served at once; more get 503 (a dev server has a few).
const MAX_CONNECTIONS: usize = 512;

/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a client may take to read a response.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

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

impl Server {
    /// Starts answering requests on `listener`.
    pub fn start(listener: TcpListener, store: &Store, broadcaster: &Broadcaster) -> Result<Self> {
        let address = listener
            .local_addr()
            .context("cannot read the server's address")?;
        let stopping = Arc::new(AtomicBool::new(false));
        let open = Arc::new(AtomicUsize::new(0));
        let (store, broadcaster) = (store.clone(), broadcaster.clone());
        let stop = Arc::clone(&stopping);
        let acceptor = std::thread::spawn(move || {
            for connection in listener.incoming() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(connection) = connection else { continue };
                let guard = Connection::open(&open);
                let (store, broadcaster) = (store.clone(), broadcaster.clone());
                std::thread::spawn(move || {
                    handle(connection, &store, &broadcaster, guard.overloaded());
                    drop(guard);
                });
            }
        });
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

/// Counts open connections while it lives.
struct Connection {
    open: Arc<AtomicUsize>,
    count: usize,
}

impl Connection {
    fn open(open: &Arc<AtomicUsize>) -> Self {
        let count = open.fetch_add(1, Ordering::Relaxed) + 1;
        Self {
            open: Arc::clone(open),
            count,
        }
    }

    fn overloaded(&self) -> bool {
        self.count > MAX_CONNECTIONS
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Answers the one request of a connection. Errors writing the answer mean
/// the browser went away; there is no one to tell.
fn handle(mut connection: TcpStream, store: &Store, broadcaster: &Broadcaster, overloaded: bool) {
    let _ = connection.set_read_timeout(Some(READ_TIMEOUT));
    let _ = connection.set_write_timeout(Some(WRITE_TIMEOUT));
    let request = match read_request(&mut connection) {
        Ok(request) => request,
        Err(ReadError::Gone) => return,
        Err(ReadError::Malformed) => {
            let _ = text_response(400, "bad request\n").write_to(&mut connection, false);
            return;
        }
    };
    let head_only = request.method == "HEAD";
    if overloaded {
        let response = text_response(503, "too many connections\n");
        let _ = response.write_to(&mut connection, head_only);
        return;
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        let response =
            text_response(405, "only GET and HEAD are served\n").header("Allow", "GET, HEAD");
        let _ = response.write_to(&mut connection, false);
        return;
    }
    let path = request.target.split(['?', '#']).next().unwrap_or_default();
    let response = match path {
        SCRIPT_PATH => typed(Response::new(
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
        )),
        EVENTS_PATH if !head_only => {
            // The stream has no end; it needs no timeout on writes that
            // keep-alive comments already bound.
            stream(Box::new(connection), store, broadcaster);
            return;
        }
        STATUS_PATH => status_response(&store.current()),
        _ => site_response(&request.target, &store.current()),
    };
    let _ = response.write_to(&mut connection, head_only);
}

/// `{"generation": N, "error": null | {errors, text}}`.
fn status_response(current: &Current) -> Response {
    let body = serde_json::json!({
        "generation": current.snapshot.generation,
        "error": current.error.as_deref(),
    });
    typed(Response::new(
        200,
        "application/json; charset=utf-8",
        body.to_string().into_bytes(),
    ))
}

/// A file of the site, a redirect to a folder's slash, or the 404 page.
fn site_response(url: &str, current: &Current) -> Response {
    let Ok(key) = output_key(url) else {
        return text_response(400, "bad request path\n");
    };
    let snapshot = &current.snapshot;
    if let Some(Some(bytes)) = snapshot.files.get(&key).map(|file| served_bytes(file)) {
        let bytes = if content_type(&key).starts_with("text/html") {
            let html = String::from_utf8_lossy(&bytes);
            inject_script(&html, snapshot.generation).into_bytes()
        } else {
            bytes.into_owned()
        };
        return typed(Response::new(200, content_type(&key), bytes));
    }
    if snapshot.files.contains_key(&format!("{key}/index.html")) {
        let location = format!("/{}/", percent_encode(&key));
        return typed(Response::new(301, "text/plain; charset=utf-8", Vec::new()))
            .header("Location", location);
    }
    not_found(current)
}

fn not_found(current: &Current) -> Response {
    let snapshot = &current.snapshot;
    let html = match snapshot
        .files
        .get("404.html")
        .map(|file| served_bytes(file))
    {
        Some(Some(bytes)) => inject_script(
            &base_at_root(&String::from_utf8_lossy(&bytes)),
            snapshot.generation,
        ),
        _ if snapshot.files.is_empty() => waiting_page(snapshot.generation),
        _ => return text_response(404, "not found\n"),
    };
    typed(Response::new(
        404,
        "text/html; charset=utf-8",
        html.into_bytes(),
    ))
}

/// A file's bytes. Copied files are read from disk as they are now, but
/// never through a symbolic link: a file replaced by a link after the build
/// is not followed out of the site (until the rebuild drops it).
fn served_bytes(file: &OutputFile) -> Option<Cow<'_, [u8]>> {
    let Contents::Copy(path) = &file.contents else {
        return file.bytes().ok();
    };
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let descriptor = rustix::fs::open(path, flags, Mode::empty()).ok()?;
    let mut bytes = Vec::new();
    std::fs::File::from(descriptor)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes.into())
}

fn text_response(status: u16, text: &str) -> Response {
    typed(Response::new(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    ))
}

/// Adds the headers every response gets: never cache, never sniff.
fn typed(response: Response) -> Response {
    response
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
}

/// The content type of an output file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_follow_the_extension() {
        let table = [
            ("index.html", "text/html; charset=utf-8"),
            ("assets/style.css", "text/css; charset=utf-8"),
            ("assets/app.js", "text/javascript; charset=utf-8"),
            ("assets/favicon.svg", "image/svg+xml"),
            ("a/photo.PNG", "image/png"),
            ("a/photo.jpg", "image/jpeg"),
            ("a/photo.webp", "image/webp"),
            ("a/anim.gif", "image/gif"),
            ("search.json", "application/json; charset=utf-8"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("assets/font.woff2", "font/woff2"),
            ("LICENSE", "application/octet-stream"),
        ];
        for (path, expected) in table {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

    #[test]
    fn copied_files_are_never_read_through_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, "secret").expect("write");
        let logo = dir.path().join("logo.svg");
        std::fs::write(&logo, "<svg/>").expect("write");
        let copied = |path: &std::path::Path| OutputFile {
            path: "logo.svg".into(),
            contents: Contents::Copy(path.to_path_buf()),
        };
        assert_eq!(
            served_bytes(&copied(&logo)).as_deref(),
            Some(&b"<svg/>"[..])
        );
        // The file is replaced by a link after the build.
        std::fs::remove_file(&logo).expect("remove");
        std::os::unix::fs::symlink(&secret, &logo).expect("link");
        assert_eq!(served_bytes(&copied(&logo)), None);
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

//! The HTTP side of `serve`: binding the port (or the next free one) and
//! answering requests from the in-memory site.
//!
//! `tiny_http` with a few worker threads: a dev server has a handful of
//! clients, so a small synchronous server is plenty and keeps the binary
//! free of an async runtime. Responses come from the current
//! [`Snapshot`](super::store::Snapshot) only: a key is looked up in a map,
//! never joined onto a folder, so nothing outside the output can be served.
//! Every response says `Cache-Control: no-store`, so the browser always asks
//! again after a rebuild.

use std::borrow::Cow;
use std::io::{ErrorKind, Read};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::{Context, Result, bail};
use rustix::fs::{Mode, OFlags};
use tiny_http::{Header, Method, Request, Response};

use crate::output::{Contents, OutputFile};

use super::overlay::{SCRIPT_PATH, base_at_root, inject_script, waiting_page};
use super::reload::{Broadcaster, EVENTS_PATH, SCRIPT, stream};
use super::request_path::{output_key, percent_encode};
use super::store::{Current, Store};

/// Where the current build status is served as JSON.
pub const STATUS_PATH: &str = "/__offboard/status";

/// How many following ports are tried when the asked one is taken.
const PORT_ATTEMPTS: u16 = 10;

/// Threads answering requests (live-reload streams get their own).
const WORKERS: usize = 8;

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

/// The running server's threads.
pub struct Server {
    http: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
}

impl Server {
    /// Starts answering requests on `listener`.
    pub fn start(listener: TcpListener, store: &Store, broadcaster: &Broadcaster) -> Result<Self> {
        let http = tiny_http::Server::from_listener(listener, None)
            .map_err(|error| anyhow::anyhow!("cannot start the web server: {error}"))?;
        let http = Arc::new(http);
        let workers = (0..WORKERS)
            .map(|_| {
                let http = Arc::clone(&http);
                let store = store.clone();
                let broadcaster = broadcaster.clone();
                std::thread::spawn(move || {
                    while let Ok(request) = http.recv() {
                        handle(request, &store, &broadcaster);
                    }
                })
            })
            .collect();
        Ok(Self { http, workers })
    }

    /// Stops accepting requests and waits for the workers.
    pub fn stop(self) {
        self.http.unblock();
        for _ in 1..WORKERS {
            self.http.unblock();
        }
        for worker in self.workers {
            let _ = worker.join();
        }
    }
}

/// Answers one request. Errors writing the answer mean the browser went
/// away; there is no one to tell.
fn handle(request: Request, store: &Store, broadcaster: &Broadcaster) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = with_header(
            text_response(405, "only GET and HEAD are served\n"),
            "Allow",
            "GET, HEAD",
        );
        let _ = request.respond(response);
        return;
    }
    let path = request.url().split(['?', '#']).next().unwrap_or_default();
    match path {
        SCRIPT_PATH => {
            let response = Response::from_data(SCRIPT.as_bytes());
            let _ = request.respond(typed(response, "text/javascript; charset=utf-8"));
        }
        EVENTS_PATH if *request.method() == Method::Get => {
            let writer = request.into_writer();
            let (store, broadcaster) = (store.clone(), broadcaster.clone());
            std::thread::spawn(move || stream(writer, &store, &broadcaster));
        }
        STATUS_PATH => {
            let _ = request.respond(status_response(&store.current()));
        }
        _ => {
            let response = site_response(request.url(), &store.current());
            let _ = request.respond(response);
        }
    }
}

/// `{"generation": N, "error": null | {errors, text}}`.
fn status_response(current: &Current) -> Response<std::io::Cursor<Vec<u8>>> {
    let body = serde_json::json!({
        "generation": current.snapshot.generation,
        "error": current.error.as_deref(),
    });
    typed(
        Response::from_data(body.to_string().into_bytes()),
        "application/json; charset=utf-8",
    )
}

/// A file of the site, a redirect to a folder's slash, or the 404 page.
fn site_response(url: &str, current: &Current) -> Response<std::io::Cursor<Vec<u8>>> {
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
        return typed(Response::from_data(bytes), content_type(&key));
    }
    if snapshot.files.contains_key(&format!("{key}/index.html")) {
        let location = format!("/{}/", percent_encode(&key));
        let response = Response::from_data(Vec::new()).with_status_code(301);
        return no_store(with_header(response, "Location", &location));
    }
    not_found(current)
}

fn not_found(current: &Current) -> Response<std::io::Cursor<Vec<u8>>> {
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
    typed(
        Response::from_data(html.into_bytes()).with_status_code(404),
        "text/html; charset=utf-8",
    )
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

fn text_response(status: u16, text: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    typed(
        Response::from_data(text.as_bytes().to_vec()).with_status_code(status),
        "text/plain; charset=utf-8",
    )
}

/// Adds the content type and the headers every response gets.
fn typed<R: std::io::Read>(response: Response<R>, content_type: &str) -> Response<R> {
    no_store(with_header(response, "Content-Type", content_type))
}

/// Adds the headers every response gets: never cache, never sniff.
fn no_store<R: std::io::Read>(response: Response<R>) -> Response<R> {
    let response = with_header(response, "Cache-Control", "no-store");
    with_header(response, "X-Content-Type-Options", "nosniff")
}

/// Adds a header (all of ours are plain ASCII, which `tiny_http` accepts).
fn with_header<R: std::io::Read>(response: Response<R>, name: &str, value: &str) -> Response<R> {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
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

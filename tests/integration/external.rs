//! `check --external` against a small HTTP server on this machine (the
//! tests have no internet): working, missing, slow, flaky and redirected
//! URLs, hot-linked images, and the cache.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::TestSite;

/// A server that answers by path and counts the requests for each.
struct Server {
    port: u16,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (counts, stopping) = (Arc::clone(&hits), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let counts = Arc::clone(&counts);
                std::thread::spawn(move || answer(stream, &counts));
            }
        });
        Self { port, hits, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .expect("lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    fn total_hits(&self) -> usize {
        self.hits.lock().expect("lock").values().sum()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Reads one request head and answers it by its path.
fn answer(mut stream: TcpStream, hits: &Mutex<HashMap<String, usize>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buffer = [0; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
    let seen = {
        let mut hits = hits.lock().expect("lock");
        let count = hits.entry(path.clone()).or_insert(0);
        *count += 1;
        *count
    };
    let (status, extra) = match path.as_str() {
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", String::new())
        }
        "/flaky" if seen == 1 => ("503 Service Unavailable", String::new()),
        "/ok" | "/img.png" | "/flaky" => ("200 OK", String::new()),
        "/moved" => ("301 Moved Permanently", "Location: /ok\r\n".to_owned()),
        "/moved-missing" => ("302 Found", "Location: /missing\r\n".to_owned()),
        _ => ("404 Not Found", String::new()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\nhi"
    );
}

fn site_linking(server: &Server) -> TestSite {
    let page = format!(
        "+++\ntitle = \"Home\"\n[steps.s]\nlink = \"{moved}\"\n+++\n\n- [ ] Step {{#s}}\n\n\
         [ok]({ok}) and [gone]({missing})\n\
         Bare {slow} here.\n\
         [flaky]({flaky})\n\
         [twice]({moved_missing}#part)\n\
         ![shot]({image})\n\
         [mail](mailto:someone@example.com)\n",
        moved = server.url("/moved"),
        ok = server.url("/ok"),
        missing = server.url("/missing"),
        slow = server.url("/slow"),
        flaky = server.url("/flaky"),
        moved_missing = server.url("/moved-missing"),
        image = server.url("/img.png"),
    );
    TestSite::new().file("content/_index.md", page)
}

#[test]
fn external_links_are_checked_and_failures_reported_at_their_place() {
    let server = Server::start();
    let site = site_linking(&server);
    let stderr = site
        .run(&["check", "--external", "--timeout", "0.5", "--retries", "1"])
        .failure();
    let missing = format!(
        "external link `{}` failed: 404 Not Found",
        server.url("/missing")
    );
    assert!(stderr.contains(&missing), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("error: content/_index.md:9:") && l.contains(&missing)),
        "the 404 at its line:\n{stderr}"
    );
    let slow = format!(
        "`{}` failed: no answer within 0.5 s (tried 2 times)",
        server.url("/slow")
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("error: content/_index.md:10:") && l.contains(&slow)),
        "the timeout, tried again once:\n{stderr}"
    );
    let redirected = format!(
        "`{}#part` failed: 404 Not Found",
        server.url("/moved-missing")
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("error: content/_index.md:12:") && l.contains(&redirected)),
        "a redirect to a missing page:\n{stderr}"
    );
    assert!(
        stderr.contains("3 errors"),
        "ok, flaky and moved pass:\n{stderr}"
    );
    assert!(
        !stderr.contains(&format!("`{}`", server.url("/ok"))),
        "{stderr}"
    );
    assert!(!stderr.contains("/flaky"), "retry then ok:\n{stderr}");
    assert!(
        !stderr.contains("/moved`"),
        "a redirect to a working page:\n{stderr}"
    );
    assert_eq!(server.hits("/flaky"), 2, "503 then 200");
    assert_eq!(
        server.hits("/ok"),
        2,
        "asked once, and once more after /moved"
    );
    assert_eq!(server.hits("/slow"), 2, "a timeout is tried again");
    assert_eq!(
        server.hits("/missing"),
        2,
        "a 404 is not tried again; once more after /moved-missing"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("warning: content/_index.md:13:")
                && l.contains("is hot-linked from another site")),
        "a hot-linked image is a warning:\n{stderr}"
    );
    assert!(
        stderr.contains(
            "7 links to 7 URLs (0 known good from the cache), 3 broken, 1 hot-linked images"
        ),
        "{stderr}"
    );
}

#[test]
fn urls_found_working_are_not_asked_again_until_the_cache_expires() {
    let server = Server::start();
    let page = format!(
        "+++\ntitle = \"Home\"\n+++\n\n[a]({}) [b]({}) [a again]({}#x)\n",
        server.url("/ok"),
        server.url("/moved"),
        server.url("/ok"),
    );
    let site = TestSite::new().file("content/_index.md", page);
    let first = site.run(&["check", "--external"]).success().stderr();
    assert!(
        first.contains("3 links to 2 URLs (0 known good from the cache), 0 broken"),
        "{first}"
    );
    let asked = server.total_hits();
    assert_eq!(asked, 3, "/ok, /moved and its redirect to /ok");
    let cache = site.root().join(".offboard-cache/external-links.json");
    assert!(cache.is_file(), "the cache is written in the site");

    let second = site.run(&["check", "--external"]).success().stderr();
    assert!(second.contains("(2 known good from the cache)"), "{second}");
    assert_eq!(server.total_hits(), asked, "a rerun asks no server");

    site.run(&["check", "--external", "--cache-hours", "0"])
        .success();
    assert_eq!(
        server.total_hits(),
        asked + 3,
        "`--cache-hours 0` asks again"
    );
}

#[test]
fn a_failure_is_not_cached() {
    let server = Server::start();
    let page = format!(
        "+++\ntitle = \"Home\"\n+++\n\n[gone]({})\n",
        server.url("/missing")
    );
    let site = TestSite::new().file("content/_index.md", page);
    site.run(&["check", "--external"]).failure();
    site.run(&["check", "--external"]).failure();
    assert_eq!(server.hits("/missing"), 2, "asked on each run");
}

#[test]
fn bad_external_flags_are_refused() {
    let site = TestSite::new();
    for args in [
        ["check", "--external", "--timeout", "0"],
        ["check", "--external", "--per-host", "0"],
    ] {
        let stderr = site.run(&args).failure_with_code(2);
        assert!(stderr.contains("invalid value"), "{stderr}");
    }
}

#[test]
fn a_site_without_external_links_checks_nothing() {
    let site = TestSite::new();
    let stderr = site.run(&["check", "--external"]).success().stderr();
    assert!(stderr.contains("0 links to 0 URLs"), "{stderr}");
}

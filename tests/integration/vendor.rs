//! `vendor-images` against a small HTTP server on this machine (the tests
//! have no internet): images saved under `content/vendor/`, the Markdown
//! pointing at them, failures reported at their place and left as they
//! were, hostile addresses (`..`, very long names, queries, a symlinked
//! folder) unable to write anywhere else, `--dry-run` writing nothing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

use crate::images::png_head;
use crate::support::{TestSite, snapshot_tree};

/// A server that answers every request by what its path holds.
struct Server {
    port: u16,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || answer(stream));
            }
        });
        Self { port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn answer(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buffer = [0; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
    let (status, kind, body): (&str, &str, Vec<u8>) = if path.contains("missing") {
        ("404 Not Found", "text/plain", b"no".to_vec())
    } else if path.contains("page") {
        ("200 OK", "image/png", b"<!doctype html><p>Sign in".to_vec())
    } else if path.contains("evil.svg") {
        (
            "200 OK",
            "image/svg+xml",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(document.cookie)\"/>"
                .to_vec(),
        )
    } else if path.contains(".svg") {
        (
            "200 OK",
            "image/svg+xml",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"24\" height=\"12\"/>".to_vec(),
        )
    } else {
        ("200 OK", "image/png", png_head(390, 844))
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

fn page(body: &str) -> String {
    format!("+++\ntitle = \"A\"\n+++\n\n{body}\n")
}

/// A site whose pages hot-link images from `server`, hostile ones among them.
fn site_hot_linking(server: &Server) -> TestSite {
    let long = "n".repeat(5000);
    TestSite::new()
        .file(
            "content/_index.md",
            page(&format!(
                "![shot]({shot})\n\n![again](<{shot}?v=2>) and ![icon]({icon} \"An icon\")\n\n![dots]({dots})\n\n![long]({long})\n\n![query]({query})",
                shot = server.url("/raw/shot.png"),
                icon = server.url("/icons/ok.svg"),
                dots = server.url("/a/../../../../etc/passwd"),
                long = server.url(&format!("/{long}.png")),
                query = server.url("/q.png?name=../../site.toml&x=%2F..%2F.."),
            )),
        )
        .file("content/guide/_index.md", page("Guide."))
        .file(
            "content/guide/b.md",
            page(&format!(
                "- [ ] Open it ![console]({shot})\n\nNot an image: ![page]({page})\n\n![gone]({missing}) ![evil]({evil})\n\n![by reference][r]\n\n[r]: {shot}",
                shot = server.url("/raw/shot.png"),
                page = server.url("/page.png"),
                missing = server.url("/missing.png"),
                evil = server.url("/evil.svg"),
            )),
        )
}

/// Every file under `root` that is not in `before`.
fn new_files(root: &Path, before: &[(String, Vec<u8>)]) -> Vec<String> {
    let old: Vec<&String> = before.iter().map(|(path, _)| path).collect();
    snapshot_tree(root)
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| !old.contains(&path))
        .collect()
}

#[test]
fn remote_images_are_copied_into_the_site_and_the_markdown_points_at_them() {
    let server = Server::start();
    let site = site_hot_linking(&server);
    let before = snapshot_tree(site.root());
    let run = site.run(&["vendor-images", "--timeout", "5", "--retries", "0"]);
    let stdout = String::from_utf8_lossy(&run.output.stdout).into_owned();
    let stderr = run.failure();
    let port = server.port.to_string();
    let shown = |text: &str| {
        text.replace(&site.root().display().to_string(), "[ROOT]")
            .replace(&format!("127.0.0.1:{port}"), "127.0.0.1:[PORT]")
            .replace(&format!("127.0.0.1-{port}"), "127.0.0.1-[PORT]")
            .replace(&"n".repeat(5000), "n…")
    };
    insta::assert_snapshot!("vendor_stdout", shown(&stdout));
    insta::assert_snapshot!("vendor_stderr", shown(&stderr));

    // Only plain names under `content/vendor/<host>/`, nothing elsewhere,
    // no temporary file left behind.
    let host = format!("content/vendor/127.0.0.1-{port}/");
    let added = new_files(site.root(), &before);
    assert_eq!(added.len(), 5, "{added:#?}");
    for path in &added {
        let name = path
            .strip_prefix(&host)
            .unwrap_or_else(|| panic!("outside: {path}"));
        assert!(
            !name.starts_with('.') && !name.contains('/') && name.len() < 90,
            "{name}"
        );
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)),
            "{name}"
        );
    }

    // The failures are as they were; the rest is local and checked.
    let guide = std::fs::read_to_string(site.root().join("content/guide/b.md")).expect("read");
    assert!(guide.contains("![console](../vendor/127.0.0.1-"), "{guide}");
    for kept in ["/page.png)", "/missing.png)", "/evil.svg)", "[r]: http://"] {
        assert!(guide.contains(kept), "{kept}:\n{guide}");
    }
    let home = std::fs::read_to_string(site.root().join("content/_index.md")).expect("read");
    assert!(home.contains("![again](<vendor/127.0.0.1-"), "{home}");
    assert!(
        home.contains(".svg \"An icon\")"),
        "the title stays:\n{home}"
    );
    site.build().success();
    let html = site.read("guide/b/index.html");
    assert!(html.contains("width=\"390\" height=\"844\""), "{html}");
    let stderr = site.run(&["check"]).success().stderr();
    assert_eq!(stderr.matches("is hot-linked").count(), 4, "{stderr}");

    // A second run changes nothing more.
    let after = snapshot_tree(site.root());
    site.run(&["vendor-images", "--retries", "0"]).failure();
    assert_eq!(new_files(site.root(), &after), Vec::<String>::new());
}

#[test]
fn a_dry_run_writes_nothing() {
    let server = Server::start();
    let site = site_hot_linking(&server);
    let before = snapshot_tree(site.root());
    let run = site.run(&["vendor-images", "--dry-run", "--retries", "0"]);
    let stdout = String::from_utf8_lossy(&run.output.stdout).into_owned();
    let stderr = run.failure();
    assert!(stdout.contains("content/guide/b.md:5:15: "), "{stdout}");
    assert!(stderr.contains("would vendor 7 references"), "{stderr}");
    assert!(snapshot_tree(site.root()) == before, "nothing written");
}

#[cfg(unix)]
#[test]
fn a_vendor_folder_that_leads_out_of_content_is_refused() {
    let server = Server::start();
    let outside = tempfile::tempdir().expect("temp dir");
    let site = TestSite::new().file(
        "content/a.md",
        page(&format!("![shot]({})", server.url("/raw/shot.png"))),
    );
    std::os::unix::fs::symlink(outside.path(), site.root().join("content/vendor"))
        .expect("symlink");
    let stderr = site.run(&["vendor-images", "--retries", "0"]).failure();
    assert!(stderr.contains("leads out of `content/`"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(outside.path()).expect("list").count(),
        0,
        "nothing written through the link"
    );
    let text = std::fs::read_to_string(site.root().join("content/a.md")).expect("read");
    assert!(text.contains("](http://127.0.0.1:"), "{text}");
}

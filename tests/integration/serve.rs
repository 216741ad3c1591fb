//! `offboard-site serve`, run for real on a temporary copy of a site: saves
//! are served and announced, atomic saves, new and deleted pages, a broken
//! save and its fix, traversal attempts, a taken port, requests during
//! rebuilds, and that neither `public/` nor `build` output is touched by
//! the dev server.

use std::net::TcpListener;
use std::time::Duration;

use super::serve_support::{Served, save_atomically};
use super::support::{TestSite, snapshot_tree};

fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n\n{body}\n")
}

/// A small site: home, one section with two pages.
fn site() -> TestSite {
    TestSite::new()
        .file("content/guide/_index.md", page("Guide", "The guide."))
        .file("content/guide/first.md", page("First page", "First body."))
        .file(
            "content/guide/second.md",
            page("Second page", "Second body."),
        )
}

#[test]
fn a_save_is_served_and_announced() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let before = served.get("/guide/first/");
    assert_eq!(before.status, 200);
    assert!(before.text().contains("First body."));
    std::fs::write(
        site.root().join("content/guide/first.md"),
        page("First page", "Edited body."),
    )
    .expect("save");
    events.next("reload");
    let after = served.wait_for_page("/guide/first/", "Edited body.");
    assert_eq!(after.status, 200);
    assert!(!after.text().contains("First body."));
}

#[test]
fn served_pages_have_the_script_types_and_validators() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let home = served.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    // Kept by the browser but checked before each use.
    assert_eq!(home.header("cache-control").as_deref(), Some("no-cache"));
    assert!(home.header("etag").is_some());
    let text = home.text();
    let script = text
        .find("<script src=\"/__offboard/livereload.js\"")
        .expect("live-reload script");
    assert!(script < text.find("</head>").expect("head"), "in <head>");
    assert_eq!(served.get("/index.html").text(), text);
    let css = served.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        served
            .get("/assets/favicon.svg")
            .header("content-type")
            .as_deref(),
        Some("image/svg+xml")
    );
    let script = served.get("/__offboard/livereload.js");
    assert_eq!(
        script.header("content-type").as_deref(),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.text().contains("EventSource"));
    let head = served.request("HEAD", "/guide/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(head.header("content-length").is_some());
    // A folder without its slash is sent to the slash, so relative links
    // resolve.
    let redirect = served.get("/guide");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location").as_deref(), Some("/guide/"));
    assert_eq!(
        redirect.header("cache-control").as_deref(),
        Some("no-store")
    );
    assert_eq!(served.request("POST", "/").status, 405);
}

/// The `ETag` of a reply, which every file of the site has.
#[track_caller]
fn tag(reply: &super::serve_support::Reply) -> String {
    reply.header("etag").expect("an ETag")
}

#[test]
fn unchanged_files_are_answered_not_modified_and_changed_ones_whole() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    for target in [
        "/assets/style.css",
        "/guide/first/",
        "/__offboard/livereload.js",
    ] {
        let first = served.get(target);
        assert_eq!(first.status, 200, "{target}");
        let again = served.get_with(
            target,
            &[("Host", &served.address), ("If-None-Match", &tag(&first))],
        );
        assert_eq!(again.status, 304, "{target}");
        assert!(again.body.is_empty(), "{target}");
        assert_eq!(tag(&again), tag(&first), "{target}");
        assert_eq!(again.header("content-length"), None, "{target}");
        let other = served.get_with(
            target,
            &[("Host", &served.address), ("If-None-Match", "\"other\"")],
        );
        assert_eq!(other.status, 200, "{target}");
        assert_eq!(other.body, first.body, "{target}");
    }
    let first = served.get("/guide/first/");
    let css = served.get("/assets/style.css");
    std::fs::write(
        site.root().join("content/guide/first.md"),
        page("First page", "Edited body."),
    )
    .expect("save");
    events.next("reload");
    let edited = served.get_with(
        "/guide/first/",
        &[("Host", &served.address), ("If-None-Match", &tag(&first))],
    );
    assert_eq!(edited.status, 200);
    assert!(edited.text().contains("Edited body."));
    assert_ne!(tag(&edited), tag(&first));
    // The stylesheet did not change: still not modified.
    let same = served.get_with(
        "/assets/style.css",
        &[("Host", &served.address), ("If-None-Match", &tag(&css))],
    );
    assert_eq!(same.status, 304);
    // A missing page is never "not modified".
    let missing = served.get_with(
        "/nowhere/",
        &[("Host", &served.address), ("If-None-Match", "*")],
    );
    assert_eq!(missing.status, 404);
}

#[test]
fn an_edit_of_a_page_lists_the_changed_files_for_open_pages() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let mut first = served.events_for("/guide/first/");
    let mut second = served.events_for("/guide/second/");
    std::fs::write(
        site.root().join("content/guide/first.md"),
        page("First page", "Edited body."),
    )
    .expect("save");
    // The page that changed gets its new HTML, as served, with the event.
    let own: serde_json::Value = serde_json::from_str(&first.next("reload")).expect("json");
    let html = own["html"].as_str().expect("the page's HTML");
    assert!(html.contains("Edited body."), "{html}");
    assert_eq!(html, served.get("/guide/first/").text());
    let other: serde_json::Value = serde_json::from_str(&second.next("reload")).expect("json");
    assert!(other.get("html").is_none(), "{other}");
    let data = events.next("reload");
    let value: serde_json::Value = serde_json::from_str(&data).expect("json");
    let changed: Vec<&str> = value["changed"]
        .as_array()
        .expect("a list of changed files")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert!(changed.contains(&"guide/first/index.html"), "{changed:?}");
    assert!(!changed.contains(&"guide/second/index.html"), "{changed:?}");
    // A template edit may change anything: open pages reload.
    std::fs::create_dir_all(site.root().join("themes/default/templates")).expect("mkdir");
    std::fs::write(
        site.root().join("themes/default/templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}<p>Own template</p>{% endblock content %}",
    )
    .expect("save template");
    let data = events.next("reload");
    assert!(!data.contains("changed"), "{data}");
    served.wait_for_page("/guide/first/", "Own template");
}

#[test]
fn missing_paths_get_the_sites_404_page() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let missing = served.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    let text = missing.text();
    assert!(text.contains("<base href=\"/\">"), "{text}");
    assert!(text.contains("/__offboard/livereload.js"));
    assert!(text.contains("assets/style.css"));
}

#[test]
fn an_atomic_save_is_picked_up() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    save_atomically(
        &site.root().join("content/guide/second.md"),
        &page("Second page", "Saved atomically."),
    );
    // Vim's probe file and swap file come and go around the save.
    std::fs::write(site.root().join("content/guide/4913"), "").expect("probe");
    std::fs::remove_file(site.root().join("content/guide/4913")).expect("probe");
    events.next("reload");
    served.wait_for_page("/guide/second/", "Saved atomically.");
    // Exactly one rebuild for the whole save.
    events.none("reload", Duration::from_millis(300));
}

#[test]
fn a_new_page_appears_in_the_navigation_and_a_deleted_one_is_gone() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let folder = site.root().join("content/extra");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("_index.md"), page("Extra section", "More.")).expect("save");
    std::fs::write(folder.join("added.md"), page("Added page", "New here.")).expect("save");
    events.next("reload");
    // A burst may end in two rebuilds; wait until the page is there.
    let mut found = false;
    for _ in 0..100 {
        if served.get("/extra/added/").status == 200 {
            found = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(found, "new page served:\n{}", served.log());
    served.wait_for_page("/", "Extra section");
    served.wait_for_page("/extra/", "Added page");

    std::fs::remove_file(site.root().join("content/guide/second.md")).expect("delete");
    events.next("reload");
    let gone = served.get("/guide/second/");
    assert_eq!(gone.status, 404);
    assert!(!served.get("/guide/").text().contains("Second page"));
}

#[test]
fn a_broken_save_shows_the_error_keeps_the_site_and_the_fix_recovers() {
    let site = site();
    let mut served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let file = site.root().join("content/guide/first.md");
    std::fs::write(&file, "+++\ntitel = \"First page\"\n+++\n\nBroken.\n").expect("save");
    let broken = events.next("broken");
    let report: serde_json::Value = serde_json::from_str(&broken).expect("json");
    let error = &report["errors"][0];
    assert_eq!(error["file"], "content/guide/first.md");
    assert_eq!(error["line"], 2);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("titel"))
    );
    assert!(error["hint"].is_string());
    // The terminal says it too, with file and line.
    served.wait_for_log("content/guide/first.md:2:1");
    served.wait_for_log("still serving the last good version");
    // The last good page stays served.
    let page_now = served.get("/guide/first/");
    assert_eq!(page_now.status, 200);
    assert!(page_now.text().contains("First body."));
    // The status says what is wrong, and a page opened now learns it too.
    let status: serde_json::Value =
        serde_json::from_str(&served.get("/__offboard/status").text()).expect("json");
    assert_eq!(status["error"]["errors"][0]["line"], 2);
    let mut late = served.events();
    late.next("broken");

    std::fs::write(&file, page("First page", "Fixed body.")).expect("fix");
    events.next("reload");
    served.wait_for_page("/guide/first/", "Fixed body.");
    let status: serde_json::Value =
        serde_json::from_str(&served.get("/__offboard/status").text()).expect("json");
    assert!(status["error"].is_null(), "{status}");
}

#[test]
fn a_site_that_does_not_build_yet_is_served_once_fixed() {
    let site = TestSite::new().file("content/a.md", "+++\ntitle = \n+++\n");
    let served = Served::start(site.root(), &[]);
    let waiting = served.get("/");
    assert_eq!(waiting.status, 404);
    assert!(waiting.text().contains("/__offboard/livereload.js"));
    let mut events = served.events();
    std::fs::write(site.root().join("content/a.md"), page("A", "Now fine.")).expect("fix");
    events.next("reload");
    served.wait_for_page("/a/", "Now fine.");
}

#[test]
fn traversal_attempts_are_refused() {
    let site = site().file("secret.txt", "TOP SECRET");
    std::os::unix::fs::symlink(
        site.root().join("secret.txt"),
        site.root().join("content/guide/leak.txt"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(site.root(), site.root().join("content/up")).expect("symlink");
    let served = Served::start(site.root(), &[]);
    for target in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/guide/../../site.toml",
        "/%2e%2e/site.toml",
        "/%2e%2e%2fsite.toml",
        "/%2E%2E%2Fsite.toml",
        "/..%2fsite.toml",
        "/..%5csite.toml",
        "/..\\site.toml",
        "/%2e%2e%5csite.toml",
        "/index.html%00.png",
        "/%00",
        "/%c0%ae%c0%ae/site.toml",
        "//etc/passwd",
        "/secret.txt",
        "/site.toml",
        "/guide/leak.txt",
        "/up/secret.txt",
        "/up/site.toml",
    ] {
        let reply = served.get(target);
        assert!(
            matches!(reply.status, 400 | 404),
            "{target}: {}",
            reply.status
        );
        let text = reply.text();
        assert!(
            !text.contains("TOP SECRET") && !text.contains("[[roles]]"),
            "{target} leaked: {text}"
        );
    }
}

#[test]
fn a_taken_port_is_said_and_the_next_free_one_used() {
    let site = site();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port();
    let served = Served::start(site.root(), &["--port", &port.to_string()]);
    let log = served.log();
    assert!(
        log.contains(&format!("port {port} is already in use")),
        "{log}"
    );
    assert_ne!(served.address, format!("127.0.0.1:{port}"));
    assert_eq!(served.get("/").status, 200);
}

#[test]
fn concurrent_requests_during_rebuilds_get_whole_pages() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let file = site.root().join("content/guide/first.md");
    let version = |n: usize| page(&format!("Version {n}"), &format!("Body of version {n}."));
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let readers: Vec<_> = (0..6)
            .map(|_| {
                scope.spawn(|| {
                    let mut checked = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let reply = served.get("/guide/first/");
                        assert_eq!(reply.status, 200);
                        let text = reply.text();
                        assert!(text.trim_end().ends_with("</html>"), "cut short: {text}");
                        let length: usize = reply
                            .header("content-length")
                            .and_then(|l| l.parse().ok())
                            .expect("length");
                        assert_eq!(length, reply.body.len());
                        // Title and body come from the same build.
                        let title = text.split("<h1").nth(1).expect("title");
                        let n = title
                            .split("Version ")
                            .nth(1)
                            .and_then(|rest| rest.split('<').next())
                            .unwrap_or("First page")
                            .to_owned();
                        if n != "First page" {
                            assert!(text.contains(&format!("Body of version {n}.")));
                        }
                        checked += 1;
                    }
                    checked
                })
            })
            .collect();
        for n in 1..=5 {
            std::fs::write(&file, version(n)).expect("save");
            events.next("reload");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for reader in readers {
            assert!(reader.join().expect("reader") > 0);
        }
    });
    served.wait_for_page("/guide/first/", "Body of version 5.");
}

#[test]
fn a_stylesheet_edit_swaps_styles_without_a_reload() {
    let site = site().file("themes/default/static/style.css", "body { color: red; }\n");
    let served = Served::start(site.root(), &[]);
    served.wait_for_page("/assets/style.css", "red");
    let mut events = served.events();
    std::fs::write(
        site.root().join("themes/default/static/style.css"),
        "body { color: blue; }\n",
    )
    .expect("save");
    events.next("css");
    served.wait_for_page("/assets/style.css", "blue");
    events.none("reload", Duration::from_millis(300));
    // A template edit reloads.
    std::fs::create_dir_all(site.root().join("themes/default/templates")).expect("mkdir");
    std::fs::write(
        site.root().join("themes/default/templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}Custom missing page{% endblock main %}",
    )
    .expect("save");
    events.next("reload");
    served.wait_for_page("/nowhere", "Custom missing page");
}

#[test]
fn serve_never_touches_public() {
    let site = site();
    site.build().success();
    let before = snapshot_tree(&site.public());
    {
        let served = Served::start(site.root(), &[]);
        let mut events = served.events();
        std::fs::write(
            site.root().join("content/guide/first.md"),
            page("First page", "Changed while serving."),
        )
        .expect("save");
        events.next("reload");
        served.wait_for_page("/guide/first/", "Changed while serving.");
    }
    assert_eq!(snapshot_tree(&site.public()), before);

    let fresh = TestSite::new();
    let served = Served::start(fresh.root(), &[]);
    assert_eq!(served.get("/").status, 200);
    drop(served);
    assert!(!fresh.public().exists(), "serve wrote public/");
}

#[test]
fn build_output_has_no_live_reload_script() {
    let site = site();
    site.build().success();
    for (path, bytes) in snapshot_tree(&site.public()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__offboard") && !text.contains("livereload"),
            "{path} has the live-reload script"
        );
    }
}

#[test]
fn after_an_edit_the_search_index_catches_up_with_a_clean_build() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    std::fs::write(
        site.root().join("content/guide/first.md"),
        page("First page", "Zanzibar is a new word here."),
    )
    .expect("save");
    events.next("reload");
    let out = tempfile::tempdir().expect("temp dir");
    let output = out.path().join("public");
    site.run(&[
        "build",
        "--quiet",
        "--output",
        output.to_str().expect("utf-8"),
    ])
    .success();
    let built: Vec<(String, Vec<u8>)> = snapshot_tree(&output)
        .into_iter()
        .filter(|(path, _)| path.starts_with("search/"))
        .collect();
    assert!(!built.is_empty(), "the build has a search index");
    let deadline = std::time::Instant::now() + super::serve_support::PATIENCE;
    loop {
        let same = built
            .iter()
            .all(|(path, bytes)| served.get(&format!("/{path}")).body == *bytes);
        if same {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the served search index never matched a clean build"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn open_without_a_browser_says_so_and_serves() {
    let site = site();
    let nowhere = tempfile::tempdir().expect("temp dir");
    let mut served = Served::start_with_path(site.root(), &["--open"], Some(nowhere.path()));
    served.wait_for_log("cannot open a browser here");
    assert_eq!(served.get("/").status, 200);
}

#[test]
fn idle_and_streaming_connections_do_not_hold_up_others() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    // Browsers keep connections open; every tab holds a live-reload stream.
    let idle: Vec<std::net::TcpStream> = (0..16)
        .map(|_| std::net::TcpStream::connect(&served.address).expect("connect"))
        .collect();
    let streams: Vec<_> = (0..8).map(|_| served.events()).collect();
    for _ in 0..20 {
        assert_eq!(served.get("/guide/first/").status, 200);
    }
    drop((idle, streams));
}

#[test]
fn saving_without_changes_does_not_reload() {
    let site = site();
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let file = site.root().join("content/guide/first.md");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, &text).expect("save");
    events.none("reload", Duration::from_millis(500));
    std::fs::write(&file, text.replace("First body.", "Changed.")).expect("save");
    events.next("reload");
}

#[test]
fn drafts_are_served_only_when_asked() {
    let site = site().file(
        "content/guide/draft.md",
        "+++\ntitle = \"Draft page\"\ndraft = true\n+++\n\nNot yet.\n",
    );
    let served = Served::start(site.root(), &[]);
    assert_eq!(served.get("/guide/draft/").status, 404);
    drop(served);
    let served = Served::start(site.root(), &["--drafts"]);
    served.wait_for_page("/guide/draft/", "Not yet.");
}

/// A served HTML page without the live-reload script (and its line) serve adds.
fn without_reload_script(html: &str) -> String {
    let Some(start) = html.find("<script src=\"/__offboard/") else {
        return html.to_owned();
    };
    // Both of the server's scripts, which stand together.
    let end = html[start..]
        .rfind("/__offboard/")
        .and_then(|last| {
            html[start + last..]
                .find("</script>")
                .map(|end| start + last + end)
        })
        .map_or(html.len(), |end| end + "</script>".len());
    let rest = &html[end..];
    format!(
        "{}{}",
        &html[..start],
        rest.strip_prefix('\n').unwrap_or(rest)
    )
}

#[test]
fn an_edited_include_rebuilds_every_page_that_includes_it_as_a_clean_build_would() {
    let site = site()
        .file(
            "content/guide/first.md",
            page(
                "First page",
                "{{#include ../../snippets/login.md}}\n\n```sh\n{{#include cmd.sh}}\n```",
            ),
        )
        .file(
            "content/guide/second.md",
            page(
                "Second page",
                "Direct: {{#include ../../snippets/steps.md}}",
            ),
        )
        .file("content/guide/cmd.sh", "echo one\n")
        .file("snippets/login.md", "Sign in.\n\n{{#include steps.md}}\n")
        .file("snippets/steps.md", "Old words.\n");
    let mut served = Served::start(site.root(), &[]);
    let mut events = served.events();
    assert!(served.get("/guide/first/").text().contains("Old words."));
    assert!(served.get("/guide/second/").text().contains("Old words."));

    // A nested include outside content/: both pages, and only they.
    save_atomically(&site.root().join("snippets/steps.md"), "New words.\n");
    events.next("reload");
    let log = served.wait_for_log("snippets/steps.md: rebuilt");
    assert!(log.contains("(2 files)"), "{log}");
    served.wait_for_page("/guide/first/", "New words.");
    served.wait_for_page("/guide/second/", "New words.");

    // A file beside the page, also copied as an asset.
    std::fs::write(site.root().join("content/guide/cmd.sh"), "echo zebra\n").expect("save");
    events.next("reload");
    served.wait_for_page("/guide/first/", "zebra");

    let out = tempfile::tempdir().expect("temp dir");
    let output = out.path().join("public");
    site.run(&[
        "build",
        "--quiet",
        "--output",
        output.to_str().expect("utf-8"),
    ])
    .success();
    for (path, bytes) in snapshot_tree(&output) {
        if path.starts_with("search/") || path.starts_with('.') {
            continue; // the index catches up later (see above); `.` files mark a build's output
        }
        let served_body = served.get(&format!("/{path}")).body;
        let is_html = std::path::Path::new(&path)
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("html"));
        if is_html {
            assert_eq!(
                without_reload_script(&String::from_utf8_lossy(&served_body)),
                String::from_utf8_lossy(&bytes),
                "{path} differs from a clean build"
            );
        } else {
            assert!(served_body == bytes, "{path} differs from a clean build");
        }
    }
}

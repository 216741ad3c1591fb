//! Every `href` and `src` a site writes leads somewhere, whatever its file
//! names hold: the fixture `tests/fixtures/hostile-names.json` has spaces,
//! `#`, `?`, `%`, colons (`javascript:alert(1).md`, `faq:general.md`) and
//! Chinese in its names. Each link of each page (and each URL in the data
//! files the scripts read, and the sitemap) is percent-decoded, resolved
//! against its page's folder and must name an output file (and its
//! fragment an id there); no link has a scheme the author did not write;
//! and `serve` answers each link as a browser would request it.

use std::collections::BTreeSet;
use std::path::Path;

use percent_encoding::{
    AsciiSet, CONTROLS, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode,
};

use crate::serve_support::Served;
use crate::support::TestSite;

/// The fixture's `base_url`: links under it are links into the site.
const BASE: &str = "https://example.com/g/";

/// The only URLs with a scheme the fixture's author wrote (and `BASE`).
const AUTHORED_EXTERNAL: [&str; 1] = ["https://example.com/"];

/// The fixture site, written out.
fn hostile_site() -> TestSite {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile-names.json");
    let text = std::fs::read_to_string(path).expect("read the fixture");
    let fixture: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    let files = fixture["files"].as_object().expect("files");
    files.iter().fold(TestSite::empty(), |site, (path, text)| {
        site.file(path, text.as_str().expect("text"))
    })
}

/// One link found in the output: the file it is in and what it says.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Link {
    /// Output path of the file holding it (`a/index.html`).
    from: String,
    /// The URL, HTML entities decoded.
    url: String,
}

/// Every output file's path, `/`-separated, relative to `root`.
fn output_files(root: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(root).expect("below");
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

/// The values of `href` and `src` attributes in a page.
fn attribute_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for name in [" href=\"", " src=\""] {
        for (at, _) in html.match_indices(name) {
            let value = &html[at + name.len()..];
            let end = value.find('"').expect("closing quote");
            urls.push(unescape(&value[..end]));
        }
    }
    urls
}

/// Decodes the entities the generator writes in attributes.
fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The JSON strings after `"url":` in a script.
fn json_urls(script: &str) -> Vec<String> {
    script
        .match_indices("\"url\":\"")
        .map(|(at, key)| {
            let rest = &script[at + key.len() - 1..];
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            stream.next().expect("a string").expect("valid JSON")
        })
        .collect()
}

/// Whether `url` starts with a scheme, the way the URL parser reads one.
fn scheme(url: &str) -> Option<&str> {
    let end = url.find(':')?;
    let candidate = &url[..end];
    let valid = candidate.starts_with(|c: char| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some(candidate)
}

/// `path` (relative, encoded) resolved against the folder of `from`, still
/// encoded, with `.` and `..` folded; `None` if it climbs out.
fn resolve(from: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in path.split('/') {
        match segment {
            "." => {}
            ".." => {
                parts.pop()?;
            }
            segment => parts.push(segment),
        }
    }
    Some(parts.join("/"))
}

/// Checks one link; returns the output path it names (decoded) and the
/// request a browser would send for it, or `None` for an authored
/// external link.
fn check(link: &Link, files: &BTreeSet<String>, public: &Path) -> Option<(String, String)> {
    let url = match link.url.strip_prefix(BASE) {
        Some(inside) => format!("./{}{inside}", "../".repeat(link.from.matches('/').count())),
        None => link.url.clone(),
    };
    if let Some(scheme) = scheme(&url) {
        assert!(
            AUTHORED_EXTERNAL.contains(&link.url.as_str()),
            "{link:?} has the scheme `{scheme}:`, which the author did not write"
        );
        return None;
    }
    assert!(!url.starts_with('/'), "{link:?} is not relative");
    let (path, fragment) = url.split_once('#').unwrap_or((&url, ""));
    assert!(!path.contains('?'), "{link:?} has a query");
    let encoded = resolve(&encode_output_path(&link.from), path)
        .unwrap_or_else(|| panic!("{link:?} climbs out"));
    let mut target = percent_decode_str(&encoded)
        .decode_utf8()
        .expect("UTF-8")
        .into_owned();
    if target.is_empty() || target.ends_with('/') {
        target.push_str("index.html");
    }
    assert!(
        files.contains(&target),
        "{link:?} leads nowhere: `{target}`"
    );
    if !fragment.is_empty() {
        // As browsers look: the fragment as written, then decoded.
        let decoded = percent_decode_str(fragment).decode_utf8().expect("UTF-8");
        let html = std::fs::read_to_string(public.join(&target)).expect("read target");
        let has = |id: &str| html.contains(&format!(" id=\"{id}\""));
        assert!(
            has(fragment) || has(&decoded),
            "{link:?}: `{target}` has no id `{fragment}` nor `{decoded}`"
        );
    }
    Some((target, browser_request(&encoded)))
}

/// An output path as the browser has it in its address bar: every
/// segment encoded.
fn encode_output_path(path: &str) -> String {
    let segments = path.split('/');
    let encoded =
        segments.map(|segment| utf8_percent_encode(segment, NON_ALPHANUMERIC).to_string());
    encoded.collect::<Vec<_>>().join("/")
}

/// The request line's target a browser sends for a resolved path: ASCII
/// kept as written (escapes included), the rest encoded as UTF-8.
fn browser_request(encoded: &str) -> String {
    const ONLY_NON_ASCII: &AsciiSet = &CONTROLS.add(b' ');
    format!("/{}", utf8_percent_encode(encoded, ONLY_NON_ASCII))
}

/// Every link of the built fixture: attributes of every HTML page, the
/// URLs in the scripts' data files, and the sitemap's.
fn every_link(public: &Path, files: &BTreeSet<String>) -> Vec<Link> {
    let mut links = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(public.join(file)).unwrap_or_default();
        let is_page = Path::new(file)
            .extension()
            .is_some_and(|extension| extension == "html");
        let urls = if is_page {
            attribute_urls(&text)
        } else if file == "checklist/steps.js" {
            json_urls(&text)
        } else if file.starts_with("search/t") {
            // The client adds `index.html` to a search result's page.
            json_urls(&text)
                .into_iter()
                .map(|url| format!("{url}index.html"))
                .collect()
        } else if file == "sitemap.xml" {
            let locs = text.split("<loc>").skip(1);
            locs.map(|loc| loc.split("</loc>").next().unwrap_or_default().to_owned())
                .inspect(|loc| assert!(loc.is_ascii(), "sitemap URL {loc} is not ASCII"))
                .map(|loc| format!("{loc}index.html"))
                .collect()
        } else {
            Vec::new()
        };
        // Data files hold URLs relative to the root.
        let from = if is_page {
            file.clone()
        } else {
            "index.html".to_owned()
        };
        links.extend(urls.into_iter().map(|url| Link {
            from: from.clone(),
            url,
        }));
    }
    links
}

#[test]
fn every_link_of_a_site_with_hostile_file_names_leads_to_a_file() {
    let site = hostile_site();
    let stderr = site.run(&["build"]).success().stderr();
    assert!(
        stderr.contains("dropped a link to a `javascript:` URL"),
        "{stderr}"
    );
    let public = site.public();
    let files = output_files(&public);
    for page in [
        "javascript:alert(1)/index.html",
        "a b#c?d%e/x y/index.html",
        "指南/页 一/index.html",
    ] {
        assert!(files.contains(page), "{page} was not written: {files:?}");
    }
    let links = every_link(&public, &files);
    assert!(links.len() > 200, "too few links found: {}", links.len());
    for needle in [
        "./javascript:alert(1)/index.html",
        "a%20b%23c%3Fd%25e/x%20y/index.html#top",
    ] {
        assert!(
            links.iter().any(|link| link.url == needle),
            "no link is `{needle}`"
        );
    }
    let mut requests = BTreeSet::new();
    for link in &links {
        if let Some(request) = check(link, &files, &public) {
            requests.insert(request);
        }
    }
    let served = Served::start(site.root(), &[]);
    for (target, request) in requests {
        let reply = served.get(&request);
        assert_eq!(
            reply.status, 200,
            "`serve` does not find `{target}` at {request}"
        );
        // `serve` adds its live-reload script to pages: compare the start.
        let on_disk = std::fs::read(public.join(&target)).expect("read");
        let start = &on_disk[..on_disk.len().min(200)];
        assert!(reply.body.starts_with(start), "{request} is not `{target}`");
    }
}

#[test]
fn ids_that_are_not_valid_are_errors_at_their_line() {
    let site = TestSite::new().file(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n\n## 开始 {#a%b}\n\n- [ ] 解绑手机号 {#unbind phone}\n\nx [](<id:x y>)\n",
    );
    let stderr = site.run(&["check"]).failure();
    assert!(stderr.contains("content/a.md:7:13"), "{stderr}");
    let stderr = site.build().failure();
    assert!(!site.public().exists(), "a failed build writes nothing");
    insta::assert_snapshot!(stderr.replace(&site.root().display().to_string(), "[ROOT]"));
}

#[test]
fn script_links_are_dropped_with_a_warning_at_their_line() {
    let site = TestSite::new().file(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n\nSee [this](  JavaScript:alert(1)) and ![x](data:image/gif;base64,R0lGOD).\n",
    );
    let stderr = site.run(&["build"]).success().stderr();
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.starts_with("built "))
        .collect();
    let warnings = warnings.join("\n");
    insta::assert_snapshot!(warnings);
    let html = site.read("a/index.html");
    assert!(
        html.contains("<p>See this and <img src=\"data:image/gif;base64,R0lGOD\""),
        "{html}"
    );
}

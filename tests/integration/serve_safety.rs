//! The dev server's defences, run for real on loopback addresses only: slow
//! clients are cut at the head deadline and cannot starve others, and
//! kept-alive connections are closed when idle and give their slots back
//! (a server started in this process, with short limits), requests for other host
//! names (DNS rebinding) are refused, the live-reload stream and status
//! check `Origin`, and `build` and `serve` skip the same editor leftovers.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use offboard_site::output::{Contents, OutputFile};
use offboard_site::output_path::OutputPath;
use offboard_site::serve::host::HostPolicy;
use offboard_site::serve::limits::Limits;
use offboard_site::serve::reload::Broadcaster;
use offboard_site::serve::server::{self, Server, Settings};
use offboard_site::serve::store::Store;

use super::serve_support::{Served, read_reply};
use super::support::TestSite;

/// A server on 127.0.0.1 serving a one-page site with these limits.
fn start_server(limits: Limits) -> (SocketAddr, Server) {
    let bound = server::bind(IpAddr::from([127, 0, 0, 1]), 0).expect("bind");
    let page = OutputFile {
        path: OutputPath::new("index.html").expect("a plain name"),
        contents: Contents::Text("<html><head></head><body>home</body></html>".into()),
    };
    let store = Store::default();
    store.publish(HashMap::from([("index.html".to_owned(), Arc::new(page))]));
    let settings = Settings {
        limits,
        hosts: HostPolicy::default(),
    };
    let server = Server::start(bound.listener, &store, &Broadcaster::default(), settings)
        .expect("start the server");
    (bound.address, server)
}

/// Connects to `target` from the loopback address `source`, so that the
/// server sees another client than 127.0.0.1.
fn connect_from(source: Ipv4Addr, target: SocketAddr) -> TcpStream {
    use rustix::net::{AddressFamily, SocketType, bind, connect, socket};
    let socket: OwnedFd = socket(AddressFamily::INET, SocketType::STREAM, None).expect("socket");
    bind(&socket, &SocketAddrV4::new(source, 0)).expect("bind the source address");
    connect(&socket, &target).expect("connect");
    TcpStream::from(socket)
}

/// One slow client: when its connection closed and the status it got.
struct Slow {
    stream: TcpStream,
    received: Vec<u8>,
    closed: Option<Duration>,
    /// Sends nothing at all (as a browser's spare connection).
    silent: bool,
}

impl Slow {
    fn status(&self) -> Option<&str> {
        let text = std::str::from_utf8(&self.received).ok()?;
        text.split(' ').nth(1)
    }

    /// Reads what arrived; notes when the server closed the connection.
    fn poll(&mut self, since: Instant) {
        let mut chunk = [0; 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => self.received.extend_from_slice(&chunk[..read]),
                Err(error) if error.kind() == ErrorKind::WouldBlock => return,
                Err(_) => break,
            }
        }
        self.closed = Some(since.elapsed());
    }
}

/// The head deadline of the slow-client test: short, so the test is quick,
/// and far above what an answer takes on a busy machine.
const DEADLINE: Duration = Duration::from_millis(1500);

#[test]
fn slow_clients_are_cut_at_the_deadline_and_do_not_starve_others() {
    let limits = Limits {
        head_deadline: DEADLINE,
        per_client: 8,
        total: 32,
        ..Limits::default()
    };
    let (address, server) = start_server(limits);
    let started = Instant::now();
    // More slow clients from one address than the whole server holds.
    let mut slow: Vec<Slow> = (0..40)
        .map(|_| {
            let stream = connect_from(Ipv4Addr::new(127, 0, 0, 2), address);
            stream.set_nonblocking(true).expect("non-blocking");
            Slow {
                stream,
                received: Vec::new(),
                closed: None,
                silent: false,
            }
        })
        .collect();
    let silent = connect_from(Ipv4Addr::new(127, 0, 0, 3), address);
    silent.set_nonblocking(true).expect("non-blocking");
    slow.push(Slow {
        stream: silent,
        received: Vec::new(),
        closed: None,
        silent: true,
    });
    std::thread::sleep(Duration::from_millis(100));
    let normal = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        let asked = Instant::now();
        let mut stream = TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        write!(
            stream,
            "GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        (read_reply(&mut stream), asked.elapsed())
    });
    // A byte every 50 ms from each, for at most 4 s: each read the server
    // makes is quick, the whole head never comes.
    let mut sent_line = vec![false; slow.len()];
    while started.elapsed() < Duration::from_secs(4) && slow.iter().any(|s| s.closed.is_none()) {
        for (client, sent) in slow.iter_mut().zip(&mut sent_line) {
            if client.closed.is_some() {
                continue;
            }
            client.poll(started);
            if client.closed.is_none() && !client.silent {
                let bytes: &[u8] = if *sent {
                    b"a"
                } else {
                    b"GET / HTTP/1.1\r\nX-Slow: "
                };
                *sent = true;
                let _ = client.stream.write_all(bytes);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let (reply, took) = normal.join().expect("the normal client");
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        took < Duration::from_secs(1),
        "the normal request took {took:?}"
    );
    let cut: Vec<&Slow> = slow
        .iter()
        .filter(|s| {
            s.closed
                .is_some_and(|t| t >= DEADLINE.saturating_sub(Duration::from_millis(100)))
        })
        .collect();
    let turned_away: Vec<&Slow> = slow
        .iter()
        .filter(|s| s.closed.is_some_and(|t| t < Duration::from_millis(750)))
        .collect();
    let (silent, cut): (Vec<&Slow>, Vec<&Slow>) = cut.into_iter().partition(|s| s.silent);
    assert_eq!(cut.len(), 8, "one address holds `per_client` connections");
    assert_eq!(
        silent.len(),
        1,
        "the silent connection is closed at the deadline"
    );
    assert!(silent[0].received.is_empty(), "and gets no answer");
    assert_eq!(turned_away.len(), 32, "the others are answered at once");
    for client in &cut {
        let when = client.closed.unwrap_or_default();
        assert!(when < DEADLINE * 2, "cut late: {when:?}");
        assert_eq!(
            client.status(),
            Some("408"),
            "{:?}",
            String::from_utf8_lossy(&client.received)
        );
    }
    for client in &turned_away {
        assert_eq!(
            client.status(),
            Some("503"),
            "{:?}",
            String::from_utf8_lossy(&client.received)
        );
    }
    server.stop();
}

/// Reads one reply from a connection that stays open: the head, then as
/// many body bytes as `Content-Length` says (none for a 304).
fn read_one_reply(stream: &mut TcpStream) -> (u16, String, Vec<u8>) {
    let mut raw = Vec::new();
    let mut byte = [0; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        let read = stream.read(&mut byte).expect("read the head");
        assert_eq!(
            read,
            1,
            "closed in the head: {:?}",
            String::from_utf8_lossy(&raw)
        );
        raw.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&raw).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status");
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .map_or(0, |length| length.trim().parse().expect("a length"));
    let mut body = vec![0; length];
    stream.read_exact(&mut body).expect("read the body");
    (status, head, body)
}

/// Whether the server closes `stream` within `within` (a read returns 0).
fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    stream.set_read_timeout(Some(within)).expect("timeout");
    match stream.read(&mut [0; 64]) {
        Ok(0) => Some(started.elapsed()),
        Err(error) if error.kind() == ErrorKind::ConnectionReset => Some(started.elapsed()),
        _ => None,
    }
}

#[test]
fn a_kept_alive_connection_answers_requests_in_turn_until_idle() {
    let idle = Duration::from_millis(600);
    let (address, server) = start_server(Limits {
        idle,
        ..Limits::default()
    });
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    for _ in 0..3 {
        write!(stream, "GET / HTTP/1.1\r\nHost: {address}\r\n\r\n").expect("send");
        let (status, head, body) = read_one_reply(&mut stream);
        assert_eq!(status, 200);
        assert!(head.contains("Connection: keep-alive\r\n"), "{head}");
        assert_eq!(body, b"<html><head><script src=\"/__offboard/idiomorph.js\" defer></script><script src=\"/__offboard/livereload.js\" data-generation=\"1\" defer></script>\n</head><body>home</body></html>");
    }
    // Two requests sent at once are both answered, in order; the second
    // asks for its tag and gets a 304.
    write!(stream, "GET / HTTP/1.1\r\nHost: {address}\r\n\r\n").expect("send");
    let (_, head, _) = read_one_reply(&mut stream);
    let tag = head
        .lines()
        .find_map(|line| line.strip_prefix("ETag: "))
        .expect("a tag")
        .to_owned();
    write!(
        stream,
        "GET /missing HTTP/1.1\r\nHost: {address}\r\n\r\nGET / HTTP/1.1\r\nHost: {address}\r\nIf-None-Match: {tag}\r\n\r\n"
    )
    .expect("send two");
    assert_eq!(read_one_reply(&mut stream).0, 404);
    let (status, _, body) = read_one_reply(&mut stream);
    assert_eq!(status, 304);
    assert!(body.is_empty());
    // Then nothing: the server closes the connection once idle.
    let closed = closed_within(&mut stream, idle * 5).expect("closed when idle");
    assert!(
        closed >= idle.saturating_sub(Duration::from_millis(100)),
        "{closed:?}"
    );
    // A client that asks to close gets its answer and the close.
    let mut once = TcpStream::connect(address).expect("connect");
    write!(
        once,
        "GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let (status, head, _) = read_one_reply(&mut once);
    assert_eq!(status, 200);
    assert!(head.contains("Connection: close\r\n"), "{head}");
    assert!(closed_within(&mut once, Duration::from_secs(2)).is_some());
    // So does a request with a body (it would be read as the next one).
    let mut posted = TcpStream::connect(address).expect("connect");
    write!(
        posted,
        "GET / HTTP/1.1\r\nHost: {address}\r\nContent-Length: 3\r\n\r\nabc"
    )
    .expect("send");
    assert_eq!(read_one_reply(&mut posted).0, 200);
    assert!(closed_within(&mut posted, Duration::from_secs(2)).is_some());
    server.stop();
}

#[test]
fn idle_kept_alive_connections_give_their_slots_back() {
    let idle = Duration::from_millis(500);
    let (address, server) = start_server(Limits {
        idle,
        per_client: 2,
        total: 32,
        ..Limits::default()
    });
    let client = Ipv4Addr::new(127, 0, 0, 4);
    let mut kept: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = connect_from(client, address);
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .expect("timeout");
            write!(stream, "GET / HTTP/1.1\r\nHost: {address}\r\n\r\n").expect("send");
            assert_eq!(read_one_reply(&mut stream).0, 200);
            stream
        })
        .collect();
    // Both slots are held by connections kept open for a next request.
    let mut third = connect_from(client, address);
    third
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    // Turned away at once, before it sends its request.
    assert_eq!(read_one_reply(&mut third).0, 503);
    // Another address is not held up meanwhile.
    let mut other = connect_from(Ipv4Addr::new(127, 0, 0, 5), address);
    other
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(other, "GET / HTTP/1.1\r\nHost: {address}\r\n\r\n").expect("send");
    assert_eq!(read_one_reply(&mut other).0, 200);
    for stream in &mut kept {
        assert!(
            closed_within(stream, idle * 6).is_some(),
            "closed when idle"
        );
    }
    // The server gives the slots back as it closes them.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut again = connect_from(client, address);
        again
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        // A 503 may come (and the connection close) before the request is
        // sent: then the write or the read fails, and the loop tries again.
        let _ = write!(
            again,
            "GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        );
        let mut raw = Vec::new();
        let _ = again.read_to_end(&mut raw);
        let status = String::from_utf8_lossy(&raw)
            .split(' ')
            .nth(1)
            .unwrap_or("none")
            .to_owned();
        if status == "200" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the slots never came back ({status})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server.stop();
}

#[test]
fn a_request_for_another_host_name_is_refused() {
    let site = TestSite::new();
    let served = Served::start(site.root(), &[]);
    let port = served.address.rsplit(':').next().expect("port").to_owned();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost".to_owned(),
        format!("[::1]:{port}"),
        format!("app.localhost:{port}"),
    ] {
        let reply = served.get_with("/", &[("Host", &host)]);
        assert_eq!(reply.status, 200, "{host}: {}", reply.text());
    }
    // DNS rebinding: a page at evil.example made its name resolve to
    // 127.0.0.1; the browser still says whom it asks.
    let rebound = served.get_with("/", &[("Host", &format!("evil.example:{port}"))]);
    assert_eq!(rebound.status, 403);
    let text = rebound.text();
    assert!(!text.contains("Welcome."), "{text}");
    assert!(
        text.contains("`offboard-site serve --allow-host evil.example`"),
        "{text}"
    );
    assert!(text.contains("DNS rebinding"), "{text}");
    assert_eq!(served.events_status(&[("Host", "evil.example")]), 403);
    let status = served.get_with("/__offboard/status", &[("Host", "evil.example")]);
    assert_eq!(status.status, 403);
    assert_eq!(
        served.get_with("/", &[("Host", "evil example")]).status,
        400
    );
    let mut served = served;
    let log = served.wait_for_log("refused requests for host `evil.example`");
    assert!(
        log.contains("restart with `--allow-host evil.example`"),
        "{log}"
    );
    assert!(!log.contains("warning: listening"), "{log}");
}

#[test]
fn allowed_host_names_are_answered() {
    let site = TestSite::new();
    let served = Served::start(
        site.root(),
        &["--allow-host", "docs.test", "--allow-host", ".tunnel.test"],
    );
    for host in ["docs.test:8080", "tunnel.test", "abc.tunnel.test"] {
        assert_eq!(
            served.get_with("/", &[("Host", host)]).status,
            200,
            "{host}"
        );
    }
    assert_eq!(
        served.get_with("/", &[("Host", "www.docs.test")]).status,
        403
    );
}

/// `Host` and `Origin` headers.
fn with<'a>(host: &'a str, origin: &'a str) -> [(&'a str, &'a str); 2] {
    [("Host", host), ("Origin", origin)]
}

#[test]
fn the_live_reload_stream_and_status_check_origin() {
    let site = TestSite::new();
    let served = Served::start(site.root(), &[]);
    let host = served.address.clone();
    let own = format!("http://{host}");
    assert_eq!(served.events_status(&[("Host", &host)]), 200);
    assert_eq!(served.events_status(&with(&host, &own)), 200);
    for foreign in [
        "http://evil.example",
        "null",
        "http://localhost:1",
        "http://127.0.0.1",
    ] {
        assert_eq!(
            served.events_status(&with(&host, foreign)),
            403,
            "{foreign}"
        );
        let status = served.get_with("/__offboard/status", &with(&host, foreign));
        assert_eq!(status.status, 403, "{foreign}");
        assert!(!status.text().contains("generation"), "{foreign}");
    }
    let status = served.get_with("/__offboard/status", &with(&host, &own));
    assert_eq!(status.status, 200);
    assert!(
        status.text().contains("\"generation\""),
        "{}",
        status.text()
    );
}

#[test]
fn build_and_serve_skip_the_same_editor_leftovers() {
    let leftovers = [
        "content/4913",
        "content/page.md.kate-swp",
        "content/page.md___jb_tmp___",
        "content/page.md___jb_old___",
        "content/.page.md.swp",
        "content/notes.txt~",
        "static/4913",
        "static/logo.svg.kate-swp",
        "static/.git/HEAD",
        "themes/default/static/extra.css___jb_tmp___",
    ];
    let mut site = TestSite::new()
        .file("content/page.md", "+++\ntitle = \"Page\"\n+++\n\nBody.\n")
        .file(
            "static/.well-known/security.txt",
            "Contact: mailto:a@b.test\n",
        )
        .file("static/logo.svg", "<svg/>");
    for leftover in leftovers {
        site = site.file(leftover, "leftover");
    }
    site.build().success();
    let published = super::support::snapshot_tree(&site.public());
    let names: Vec<&str> = published.iter().map(|(name, _)| name.as_str()).collect();
    assert!(names.contains(&".well-known/security.txt"), "{names:?}");
    assert!(names.contains(&"logo.svg"), "{names:?}");
    for (name, bytes) in &published {
        assert_ne!(bytes.as_slice(), b"leftover", "{name} was published");
    }
    std::fs::remove_dir_all(site.public()).expect("remove the output");
    let served = Served::start(site.root(), &[]);
    assert_eq!(served.get("/.well-known/security.txt").status, 200);
    for target in [
        "/4913",
        "/page.md.kate-swp",
        "/logo.svg.kate-swp",
        "/.git/HEAD",
    ] {
        assert_eq!(served.get(target).status, 404, "{target}");
    }
    let mut events = served.events();
    for leftover in leftovers {
        std::fs::write(site.root().join(leftover), "saved again").expect("save");
    }
    events.none("reload", Duration::from_millis(600));
}

//! Driving a real `offboard-site serve`: start it on an ephemeral port, talk
//! HTTP to it with a tiny client (raw request lines, so traversal attempts
//! reach the server exactly as written), and listen to its live-reload
//! events. Every wait has a deadline, so a broken server fails a test
//! instead of hanging it.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::support::BIN;

/// How long any one wait may take (debug builds on a busy CI machine).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A running `serve`; killed when dropped.
pub struct Served {
    child: Child,
    pub address: String,
    log: Arc<Mutex<String>>,
}

/// One HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value (names compared without case).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }
}

impl Served {
    /// Starts `serve` on `root` with extra arguments (and `--port 0`
    /// unless they name a port) and waits until it listens.
    pub fn start(root: &Path, extra: &[&str]) -> Self {
        Self::start_with_path(root, extra, None)
    }

    /// [`Served::start`] with `PATH` set to `path` (to hide programs).
    pub fn start_with_path(root: &Path, extra: &[&str], path: Option<&Path>) -> Self {
        let port: &[&str] = if extra.contains(&"--port") {
            &[]
        } else {
            &["--port", "0"]
        };
        let mut command = Command::new(BIN);
        if let Some(path) = path {
            command.env("PATH", path);
        }
        let mut child = command
            .arg("serve")
            .args(port)
            .args(extra)
            .arg("--root")
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let writer = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut log = writer.lock().expect("log");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut served = Self {
            child,
            address: String::new(),
            log,
        };
        let log = served.wait_for_log("at http://");
        let start = log.find("at http://").expect("address") + "at http://".len();
        let end = log[start..].find('/').expect("slash") + start;
        log[start..end].clone_into(&mut served.address);
        served
    }

    /// Everything `serve` printed so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// Waits until the terminal output contains `needle`; returns it all.
    #[track_caller]
    pub fn wait_for_log(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let log = self.log();
            if log.contains(needle) {
                return log;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("serve exited ({status}) before printing {needle:?}:\n{log}");
            }
            assert!(
                Instant::now() < deadline,
                "serve did not print {needle:?} in time:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends a raw request for `target` (written as given) and reads the
    /// whole reply.
    pub fn request(&self, method: &str, target: &str) -> Reply {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .expect("send request");
        read_reply(&mut stream)
    }

    /// Sends `GET target` with exactly these headers (no `Host` unless
    /// given) and reads the whole reply.
    pub fn get_with(&self, target: &str, headers: &[(&str, &str)]) -> Reply {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        let head = format!(
            "GET {target} HTTP/1.1\r\n{}Connection: close\r\n\r\n",
            header_lines(headers)
        );
        stream.write_all(head.as_bytes()).expect("send request");
        read_reply(&mut stream)
    }

    /// The status line's code of a request for the live-reload stream with
    /// these headers (the stream itself is not read).
    pub fn events_status(&self, headers: &[(&str, &str)]) -> u16 {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        let head = format!(
            "GET /__offboard/events HTTP/1.1\r\n{}\r\n",
            header_lines(headers)
        );
        stream.write_all(head.as_bytes()).expect("send request");
        let mut line = String::new();
        BufReader::new(stream)
            .read_line(&mut line)
            .expect("status line");
        line.split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status in {line:?}"))
    }

    pub fn get(&self, target: &str) -> Reply {
        self.request("GET", target)
    }

    /// Gets `target` until its body contains `needle` (a save an editor
    /// wrote in two steps may take two rebuilds).
    #[track_caller]
    pub fn wait_for_page(&self, target: &str, needle: &str) -> Reply {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let reply = self.get(target);
            if reply.text().contains(needle) {
                return reply;
            }
            assert!(
                Instant::now() < deadline,
                "{target} never showed {needle:?}:\n{}\n{}",
                reply.text(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Opens the live-reload channel and waits for its `hello`.
    pub fn events(&self) -> Events {
        self.events_at("/__offboard/events")
    }

    /// Opens the live-reload channel as the page at `path` does (naming
    /// itself, percent-encoded as `encodeURIComponent` does).
    pub fn events_for(&self, path: &str) -> Events {
        let encoded = path.replace('%', "%25").replace('/', "%2F");
        self.events_at(&format!("/__offboard/events?page={encoded}"))
    }

    fn events_at(&self, target: &str) -> Events {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("timeout");
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.address
        )
        .expect("send request");
        let mut events = Events {
            stream,
            buffer: String::new(),
        };
        events.next("hello");
        events
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `Name: value\r\n` for each header.
fn header_lines(headers: &[(&str, &str)]) -> String {
    let mut lines = String::new();
    for (name, value) in headers {
        let _ = write!(lines, "{name}: {value}\r\n");
    }
    lines
}

/// Reads a whole reply (the server closes every connection after it).
pub fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read reply");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status");
    Reply {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    }
}

/// An open live-reload channel.
pub struct Events {
    stream: TcpStream,
    buffer: String,
}

impl Events {
    /// Waits for the next event named `name` and returns its data. Other
    /// events before it are skipped.
    #[track_caller]
    pub fn next(&mut self, name: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let mut event = None;
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(value) = line.strip_prefix("event: ") {
                        event = Some(value.to_owned());
                    } else if let Some(value) = line.strip_prefix("data: ") {
                        data.push_str(value);
                    }
                }
                if event.as_deref() == Some(name) {
                    return data;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no `{name}` event in time; unread: {:?}",
                self.buffer
            );
            let mut chunk = [0; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("the event stream closed"),
                Ok(read) => self
                    .buffer
                    .push_str(&String::from_utf8_lossy(&chunk[..read])),
                Err(error)
                    if matches!(
                        error.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(error) => panic!("reading events: {error}"),
            }
        }
    }

    /// Asserts that no event named `name` arrives within `wait`.
    #[track_caller]
    pub fn none(&mut self, name: &str, wait: Duration) {
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            let mut chunk = [0; 4096];
            if let Ok(read) = self.stream.read(&mut chunk) {
                self.buffer
                    .push_str(&String::from_utf8_lossy(&chunk[..read]));
            }
        }
        assert!(
            !self.buffer.contains(&format!("event: {name}\n")),
            "unexpected `{name}`: {:?}",
            self.buffer
        );
    }
}

/// Writes a file the way editors that save atomically do: a temporary
/// file beside it, renamed over the original.
pub fn save_atomically(path: &Path, contents: &str) {
    let temporary = path.with_extension("md.tmp");
    std::fs::write(&temporary, contents).expect("write temporary file");
    std::fs::rename(&temporary, path).expect("rename over the original");
}

//! Just enough HTTP/1.1 for a dev server: read request heads one after
//! another from a connection, write whole responses, and say whether the
//! connection stays open for the next request (keep-alive).
//!
//! Why not a server crate: `tiny_http` (tried first) keeps every keep-alive
//! connection on one of its pool threads and can leave a new connection
//! queued with no thread to read it (a browser's page load then hangs on
//! its seventh request); it also drops a `Connection: close` set on a
//! response. A dev server has a handful of clients on the same machine, so
//! one thread per connection is simple and plenty; an async stack would be
//! far more than this needs. Only `GET` and `HEAD` are served, so requests
//! have no body: a request that says it has one is answered and its
//! connection closed, so its body is never read as the next request.

use std::fmt::Write as _;
use std::io::{self, Read, Write};

/// The largest request head read (request line and headers).
pub const MAX_HEAD: usize = 16 * 1024;

/// The most header lines a request may have.
const MAX_HEADERS: usize = 100;

/// A request: its method, target (`/path?query`) and headers, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// The request target, not decoded.
    pub target: String,
    /// Header names (lower-cased) and values (trimmed), in order.
    pub headers: Vec<(String, String)>,
    /// The `x` of `HTTP/1.x`.
    pub minor_version: u8,
}

impl Request {
    /// The value of header `name` (lower-case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether the client may send another request on this connection:
    /// HTTP/1.1 unless it says `Connection: close`, HTTP/1.0 only when it
    /// asks for `keep-alive`; never after a request that has a body.
    pub fn keep_alive(&self) -> bool {
        let connection = self.header("connection").unwrap_or_default();
        let says = |token: &str| {
            connection
                .split(',')
                .any(|part| part.trim().eq_ignore_ascii_case(token))
        };
        let has_body = self.header("transfer-encoding").is_some()
            || self
                .header("content-length")
                .is_some_and(|length| length.trim() != "0");
        let wanted = if self.minor_version == 0 {
            says("keep-alive")
        } else {
            !says("close")
        };
        wanted && !has_body
    }
}

/// Why no request could be read.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The client closed the connection, or reading failed.
    Gone,
    /// The client did not send the whole head in time.
    TimedOut,
    /// Not an HTTP/1.x request, a head over the size limit, or headers that
    /// cannot be read one way only (two `Host` headers, folded lines).
    Malformed,
}

/// Headers that must not be sent twice: the server decides by them.
const SINGLE_HEADERS: [&str; 2] = ["host", "origin"];

/// Reads one request head from `stream`.
#[cfg(test)]
pub fn read_request(stream: &mut impl Read) -> Result<Request, ReadError> {
    HeadReader::default().next(stream)
}

/// Reads the request heads of one connection in turn. Bytes that arrive
/// after a head (a client that sends its next request early) are kept for
/// the next call, not dropped.
#[derive(Debug, Default)]
pub struct HeadReader {
    buffer: Vec<u8>,
}

impl HeadReader {
    /// Whether bytes of a next request have arrived already.
    pub fn has_buffered(&self) -> bool {
        !self.buffer.is_empty()
    }

    /// Reads the next request head from `stream`.
    pub fn next(&mut self, stream: &mut impl Read) -> Result<Request, ReadError> {
        let mut chunk = [0; 2048];
        let end = loop {
            if let Some(end) = end_of_head(&self.buffer) {
                break end;
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(ReadError::Malformed);
            }
            let read = stream
                .read(&mut chunk)
                .map_err(|error| match error.kind() {
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ReadError::TimedOut,
                    _ => ReadError::Gone,
                })?;
            if read == 0 {
                return Err(ReadError::Gone);
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        };
        if end.head > MAX_HEAD {
            return Err(ReadError::Malformed);
        }
        let request = parse_head(&String::from_utf8_lossy(&self.buffer[..end.head]));
        self.buffer.drain(..end.next);
        request
    }
}

/// The request line and headers of a head (without its blank line).
fn parse_head(head: &str) -> Result<Request, ReadError> {
    let mut lines = head
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    let line = lines.next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (method, target, minor_version) =
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(method), Some(target), Some(version), None)
                if is_token(method) && !target.is_empty() =>
            {
                match minor_version(version) {
                    Some(minor) => (method, target, minor),
                    None => return Err(ReadError::Malformed),
                }
            }
            _ => return Err(ReadError::Malformed),
        };
    if target.bytes().any(|byte| byte.is_ascii_control()) {
        return Err(ReadError::Malformed);
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Malformed);
        };
        let value = value.trim_matches([' ', '\t']);
        let bad_value = value.chars().any(|c| c.is_control() && c != '\t');
        if !is_token(name) || bad_value || headers.len() == MAX_HEADERS {
            return Err(ReadError::Malformed);
        }
        let name = name.to_ascii_lowercase();
        if SINGLE_HEADERS.contains(&name.as_str()) && headers.iter().any(|(key, _)| *key == name) {
            return Err(ReadError::Malformed);
        }
        headers.push((name, value.to_owned()));
    }
    Ok(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        minor_version,
    })
}

/// An HTTP token (a method or a header name): no spaces, no separators.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// The `x` of `HTTP/1.x` (`HTTP/1.0`, `HTTP/1.1`); `None` for anything else.
fn minor_version(text: &str) -> Option<u8> {
    match text.strip_prefix("HTTP/1.")?.as_bytes() {
        [digit] if digit.is_ascii_digit() => Some(digit - b'0'),
        _ => None,
    }
}

/// Where a head ends in a buffer: the head's length (without its blank
/// line) and where the next request starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HeadEnd {
    head: usize,
    next: usize,
}

/// Where the blank line that ends the head is (`\r\n\r\n`, or `\n\n`).
fn end_of_head(bytes: &[u8]) -> Option<HeadEnd> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = bytes.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) if b < a => Some(HeadEnd {
            head: b,
            next: b + 2,
        }),
        (Some(a), _) => Some(HeadEnd {
            head: a,
            next: a + 4,
        }),
        (None, Some(b)) => Some(HeadEnd {
            head: b,
            next: b + 2,
        }),
        (None, None) => None,
    }
}

/// Bodies up to this size are written together with the head.
const SMALL_BODY: usize = 64 * 1024;

/// A whole response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers besides `Content-Length` and `Connection`.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with a body and its content type.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body,
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Writes the response; without the body when answering `HEAD` and
    /// for a 304 (which has none). `keep_alive` says whether the
    /// connection stays open for another request.
    pub fn write_to(
        &self,
        stream: &mut impl Write,
        head_only: bool,
        keep_alive: bool,
    ) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        let not_modified = self.status == 304;
        if !not_modified {
            let _ = write!(head, "Content-Length: {}\r\n", self.body.len());
        }
        let connection = if keep_alive { "keep-alive" } else { "close" };
        let _ = write!(head, "Connection: {connection}\r\n\r\n");
        let with_body = !head_only && !not_modified;
        // A small answer goes out in one write (one packet where it fits);
        // the server also turns Nagle's algorithm off on its connections.
        if with_body && self.body.len() <= SMALL_BODY {
            let mut whole = head.into_bytes();
            whole.extend_from_slice(&self.body);
            stream.write_all(&whole)?;
        } else {
            stream.write_all(head.as_bytes())?;
            if with_body {
                stream.write_all(&self.body)?;
            }
        }
        stream.flush()
    }
}

/// The reason phrase of the status codes the server uses.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_request_line() {
        let mut raw: &[u8] = b"GET /a%20b/?x=1 HTTP/1.1\r\nHost: x\r\n\r\n";
        let request = read_request(&mut raw).expect("a request");
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/a%20b/?x=1");
        assert_eq!(request.header("host"), Some("x"));
        let mut bare: &[u8] = b"HEAD / HTTP/1.0\n\n";
        assert_eq!(read_request(&mut bare).expect("a request").method, "HEAD");
    }

    #[test]
    fn reads_headers_by_lower_case_name() {
        let mut raw: &[u8] =
            b"GET / HTTP/1.1\r\nHOST:  localhost:1111 \r\nOrigin: http://localhost:1111\r\nX-Empty:\r\n\r\n";
        let request = read_request(&mut raw).expect("a request");
        assert_eq!(request.header("host"), Some("localhost:1111"));
        assert_eq!(request.header("origin"), Some("http://localhost:1111"));
        assert_eq!(request.header("x-empty"), Some(""));
        assert_eq!(request.header("cookie"), None);
    }

    #[test]
    fn refuses_headers_that_read_two_ways() {
        for raw in [
            &b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\nOrigin: http://a\r\norigin: http://b\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
            b"GET /a\x01b HTTP/1.1\r\n\r\n",
        ] {
            let mut raw = raw;
            assert_eq!(read_request(&mut raw), Err(ReadError::Malformed), "{raw:?}");
        }
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for n in 0..=MAX_HEADERS {
            many.extend_from_slice(format!("X-{n}: 1\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(
            read_request(&mut many.as_slice()),
            Err(ReadError::Malformed)
        );
    }

    #[test]
    fn refuses_what_is_not_http() {
        for raw in [
            &b"GET /\r\n\r\n"[..],
            b"GET / HTTP/2.0\r\n\r\n",
            b"GET  / HTTP/1.1\r\n\r\n",
            b"G(T / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.10\r\n\r\n",
            b"\r\n\r\n",
        ] {
            let mut raw = raw;
            assert_eq!(read_request(&mut raw), Err(ReadError::Malformed), "{raw:?}");
        }
        let mut huge = vec![b'a'; MAX_HEAD + 10];
        huge.extend_from_slice(b"\r\n\r\n");
        assert_eq!(
            read_request(&mut huge.as_slice()),
            Err(ReadError::Malformed)
        );
        let mut cut: &[u8] = b"GET / HTTP/1.1\r\n";
        assert_eq!(read_request(&mut cut), Err(ReadError::Gone));
    }

    #[test]
    fn a_read_that_times_out_is_told_apart() {
        struct Quiet;
        impl Read for Quiet {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::ErrorKind::WouldBlock.into())
            }
        }
        assert_eq!(read_request(&mut Quiet), Err(ReadError::TimedOut));
    }

    #[test]
    fn writes_length_and_close_and_no_body_for_head() {
        let response = Response::new(404, "text/plain", b"gone".to_vec()).header("X-A", "1");
        let mut out = Vec::new();
        response.write_to(&mut out, false, false).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-A: 1\r\nContent-Length: 4\r\nConnection: close\r\n\r\ngone"
        );
        let mut out = Vec::new();
        response.write_to(&mut out, true, true).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.ends_with("Connection: keep-alive\r\n\r\n"), "{text}");
    }

    #[test]
    fn a_not_modified_answer_has_no_body_and_no_length() {
        let response = Response::new(304, "text/css", b"body {}".to_vec()).header("ETag", "\"x\"");
        let mut out = Vec::new();
        response.write_to(&mut out, false, true).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "HTTP/1.1 304 Not Modified\r\nContent-Type: text/css\r\nETag: \"x\"\r\nConnection: keep-alive\r\n\r\n"
        );
    }

    #[test]
    fn requests_sent_together_are_read_one_after_another() {
        let mut raw: &[u8] =
            b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\nHost: x\n\nGET /c HTTP/1.1\r\n";
        let mut reader = HeadReader::default();
        assert_eq!(reader.next(&mut raw).expect("first").target, "/a");
        assert!(reader.has_buffered());
        assert_eq!(reader.next(&mut raw).expect("second").target, "/b");
        // The third head never ends: the client went away.
        assert_eq!(reader.next(&mut raw), Err(ReadError::Gone));
    }

    #[test]
    fn keep_alive_follows_the_version_and_the_connection_header() {
        let table: [(&[u8], bool); 8] = [
            (b"GET / HTTP/1.1\r\n\r\n", true),
            (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
            (b"GET / HTTP/1.1\r\nConnection: TE, Close\r\n\r\n", false),
            (b"GET / HTTP/1.0\r\n\r\n", false),
            (b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
            (b"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", true),
            // Its body would be read as the next request.
            (b"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", false),
            (
                b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                false,
            ),
        ];
        for (raw, expected) in table {
            let mut raw = raw;
            let request = read_request(&mut raw).expect("a request");
            assert_eq!(request.keep_alive(), expected, "{request:?}");
        }
    }
}

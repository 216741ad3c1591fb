//! Just enough HTTP/1.1 for a dev server: read one request head, write one
//! response, close the connection.
//!
//! Why not a server crate: `tiny_http` (tried first) keeps every keep-alive
//! connection on one of its pool threads and can leave a new connection
//! queued with no thread to read it (a browser's page load then hangs on
//! its seventh request); it also drops a `Connection: close` set on a
//! response. A dev server has a handful of clients on the same machine, so
//! one thread per connection and one request per connection is simple and
//! plenty; an async stack would be far more than this needs. Only `GET` and
//! `HEAD` are served, so requests have no body.

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
}

impl Request {
    /// The value of header `name` (lower-case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
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
pub fn read_request(stream: &mut impl Read) -> Result<Request, ReadError> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0; 2048];
    loop {
        let read = stream
            .read(&mut chunk)
            .map_err(|error| match error.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ReadError::TimedOut,
                _ => ReadError::Gone,
            })?;
        if read == 0 {
            return Err(ReadError::Gone);
        }
        head.extend_from_slice(&chunk[..read]);
        if let Some(end) = end_of_head(&head) {
            head.truncate(end);
            break;
        }
        if head.len() > MAX_HEAD {
            return Err(ReadError::Malformed);
        }
    }
    if head.len() > MAX_HEAD {
        return Err(ReadError::Malformed);
    }
    parse_head(&String::from_utf8_lossy(&head))
}

/// The request line and headers of a head (without its blank line).
fn parse_head(head: &str) -> Result<Request, ReadError> {
    let mut lines = head
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    let line = lines.next().unwrap_or_default();
    let mut parts = line.split(' ');
    let (method, target) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(version), None)
            if is_token(method) && !target.is_empty() && is_version(version) =>
        {
            (method, target)
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
    })
}

/// An HTTP token (a method or a header name): no spaces, no separators.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// `HTTP/1.0` or `HTTP/1.1` (any `HTTP/1.x`).
fn is_version(text: &str) -> bool {
    text.strip_prefix("HTTP/1.")
        .is_some_and(|minor| minor.len() == 1 && minor.as_bytes()[0].is_ascii_digit())
}

/// Where the blank line that ends the head is (`\r\n\r\n`, or `\n\n`).
fn end_of_head(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = bytes.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

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

    /// Writes the response; without the body when answering `HEAD`.
    pub fn write_to(&self, stream: &mut impl Write, head_only: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        let _ = write!(
            head,
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        );
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

/// The reason phrase of the status codes the server uses.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
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
        response.write_to(&mut out, false).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-A: 1\r\nContent-Length: 4\r\nConnection: close\r\n\r\ngone"
        );
        let mut out = Vec::new();
        response.write_to(&mut out, true).expect("write");
        assert!(String::from_utf8(out).expect("utf-8").ends_with("\r\n\r\n"));
    }
}

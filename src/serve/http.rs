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
const MAX_HEAD: usize = 16 * 1024;

/// A request: its method and target (`/path?query`), as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// The request target, not decoded.
    pub target: String,
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The client closed the connection or went quiet.
    Gone,
    /// Not an HTTP/1.x request line, or a head over the size limit.
    Malformed,
}

/// Reads one request head from `stream`.
pub fn read_request(stream: &mut impl Read) -> Result<Request, ReadError> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0; 2048];
    loop {
        let read = stream.read(&mut chunk).map_err(|_| ReadError::Gone)?;
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
    let head = String::from_utf8_lossy(&head);
    let line = head.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(version), None)
            if !method.is_empty() && version.starts_with("HTTP/1.") =>
        {
            Ok(Request {
                method: method.to_owned(),
                target: target.to_owned(),
            })
        }
        _ => Err(ReadError::Malformed),
    }
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
        404 => "Not Found",
        405 => "Method Not Allowed",
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
        let mut bare: &[u8] = b"HEAD / HTTP/1.0\n\n";
        assert_eq!(read_request(&mut bare).expect("a request").method, "HEAD");
    }

    #[test]
    fn refuses_what_is_not_http() {
        for raw in [
            &b"GET /\r\n\r\n"[..],
            b"GET / HTTP/2.0\r\n\r\n",
            b"GET  / HTTP/1.1\r\n\r\n",
            b"\r\n\r\n",
        ] {
            let mut raw = raw;
            assert!(matches!(read_request(&mut raw), Err(ReadError::Malformed)));
        }
        let mut huge = vec![b'a'; MAX_HEAD + 10];
        huge.extend_from_slice(b"\r\n\r\n");
        assert!(matches!(
            read_request(&mut huge.as_slice()),
            Err(ReadError::Malformed)
        ));
        let mut cut: &[u8] = b"GET / HTTP/1.1\r\n";
        assert!(matches!(read_request(&mut cut), Err(ReadError::Gone)));
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

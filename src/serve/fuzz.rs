//! A seeded mutation harness (proptest) for what the dev server reads from
//! the network: the request reader ([`read_request`]) and the request-path
//! decoder ([`output_key`]), plus the `Host` parser.
//!
//! Arbitrary bytes, and valid requests mutated (bytes flipped, inserted,
//! deleted, duplicated, cut) and delivered in arbitrary pieces, never make
//! them panic; a valid request is read back as written; and a decoded path
//! is always a normalised relative key (no empty, `.` or `..` segment, no
//! backslash or control character), whatever the encoding tried.
//!
//! `cargo test` runs a short fixed-seed pass (256 cases per property). A
//! long run: `PROPTEST_CASES=100000 cargo test --release --lib serve::fuzz`
//! (add `PROPTEST_RNG_SEED=N` for other inputs than the fixed seed's).

use std::fmt::Write as _;
use std::io::{self, Read};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use super::host::parse_authority;
use super::http::{MAX_HEAD, ReadError, Request, read_request};
use super::request_path::{output_key, percent_encode};

/// Fixed seed and case count unless `PROPTEST_RNG_SEED` or
/// `PROPTEST_CASES` say otherwise; no regression files are written.
fn config() -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 256;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x00ff_b0a2_d511);
    }
    config.failure_persistence = None;
    config
}

/// Hands out `data` in pieces of the given sizes, in turn, as a slow or
/// oddly buffered client would.
struct Pieces<'a> {
    data: &'a [u8],
    sizes: Vec<usize>,
    turn: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let size = self.sizes.get(self.turn % self.sizes.len().max(1)).copied();
        self.turn += 1;
        let size = size
            .unwrap_or(usize::MAX)
            .max(1)
            .min(buffer.len())
            .min(self.data.len());
        buffer[..size].copy_from_slice(&self.data[..size]);
        self.data = &self.data[size..];
        Ok(size)
    }
}

fn read_in_pieces(data: &[u8], sizes: Vec<usize>) -> Result<Request, ReadError> {
    read_request(&mut Pieces {
        data,
        sizes,
        turn: 0,
    })
}

/// A request as a client writes it, and what the reader should make of it.
#[derive(Debug, Clone)]
struct Written {
    bytes: Vec<u8>,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

fn written_request() -> impl Strategy<Value = Written> {
    let method = prop_oneof![
        Just("GET".to_owned()),
        Just("HEAD".to_owned()),
        "[A-Z]{1,8}"
    ];
    let target = "(/[!-~]{0,12}){1,4}";
    let header = ("[A-Za-z][A-Za-z0-9-]{0,15}", "[ -~]{0,40}");
    let host = proptest::option::of("[a-z0-9.]{1,20}(:[0-9]{1,5})?");
    (
        method,
        target,
        prop::collection::vec(header, 0..12),
        host,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(method, target, headers, host, crlf, old)| {
            let end = if crlf { "\r\n" } else { "\n" };
            let version = if old { "HTTP/1.0" } else { "HTTP/1.1" };
            let mut text = format!("{method} {target} {version}{end}");
            let mut expected = Vec::new();
            let single =
                |name: &str| ["host", "origin"].contains(&name.to_ascii_lowercase().as_str());
            let host = host.map(|host| ("Host".to_owned(), host));
            for (name, value) in host.into_iter().chain(headers) {
                if single(&name)
                    && expected
                        .iter()
                        .any(|(key, _): &(String, String)| *key == name.to_ascii_lowercase())
                {
                    continue;
                }
                let _ = write!(text, "{name}: {value}{end}");
                expected.push((
                    name.to_ascii_lowercase(),
                    value.trim_matches([' ', '\t']).to_owned(),
                ));
            }
            text.push_str(end);
            Written {
                bytes: text.into_bytes(),
                method,
                target,
                headers: expected,
            }
        })
}

/// One change to a byte stream.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Cut(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop_oneof![
        Just(b"\r\n".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(b"\r\n\r\n".to_vec()),
        Just(b": ".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\0".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"Host: evil.example\r\n".to_vec()),
        Just(b"%2e%2e/".to_vec()),
        Just(b"/../".to_vec()),
        Just(vec![b'a'; 5000]),
        prop::collection::vec(any::<u8>(), 1..16),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip(at, byte)),
        (any::<usize>(), interesting).prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<usize>(), 1..64_usize).prop_map(|(at, length)| Mutation::Delete(at, length)),
        (any::<usize>(), 1..64_usize).prop_map(|(at, length)| Mutation::Duplicate(at, length)),
        any::<usize>().prop_map(Mutation::Cut),
    ]
}

fn mutate(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let place = |at: usize, bytes: &Vec<u8>| at % (bytes.len() + 1);
    match mutation {
        Mutation::Flip(at, byte) if !bytes.is_empty() => {
            let at = at % bytes.len();
            bytes[at] = *byte;
        }
        Mutation::Flip(..) => {}
        Mutation::Insert(at, inserted) => {
            let at = place(*at, bytes);
            bytes.splice(at..at, inserted.iter().copied());
        }
        Mutation::Delete(at, length) => {
            let at = place(*at, bytes);
            let end = (at + length).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::Duplicate(at, length) => {
            let at = place(*at, bytes);
            let end = (at + length).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            bytes.splice(end..end, copy);
        }
        Mutation::Cut(at) => {
            let at = place(*at, bytes);
            bytes.truncate(at);
        }
    }
}

/// A path segment as an attacker writes one: names, dots, and dots and
/// slashes in every encoding.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9_-]{1,6}",
        "[a-z]{1,3}\\.[a-z]{1,3}",
        Just(String::new()),
        prop::sample::select(vec![
            ".",
            "..",
            "...",
            "%2e",
            "%2E",
            "%2e%2e",
            "%2E%2e",
            ".%2e",
            "%2e.",
            "..%2f..",
            "%2e%2e%2f",
            "%2f",
            "%2F",
            "a%2fb",
            "%5c",
            "..%5c",
            "\\",
            "..\\..",
            "%00",
            "%0a",
            "%c0%ae%c0%ae",
            "%e7%a6%bb",
            "离职",
            "a b",
            "%",
            "%2",
            "%zz",
        ])
        .prop_map(str::to_owned),
    ]
}

/// What any request the reader accepts looks like.
fn assert_well_formed(request: &Request) {
    assert!(!request.method.is_empty());
    assert!(!request.method.contains([' ', '\r', '\n']));
    assert!(!request.target.is_empty());
    assert!(
        !request
            .target
            .chars()
            .any(|c| c == ' ' || c.is_ascii_control())
    );
    for (name, value) in &request.headers {
        assert!(
            !name.is_empty() && *name == name.to_ascii_lowercase(),
            "{name:?}"
        );
        assert!(
            !value.chars().any(|c| c.is_control() && c != '\t'),
            "{value:?}"
        );
    }
    for single in ["host", "origin"] {
        assert!(
            request
                .headers
                .iter()
                .filter(|(name, _)| name == single)
                .count()
                <= 1
        );
    }
    let size: usize = request
        .headers
        .iter()
        .map(|(name, value)| name.len() + value.len())
        .sum();
    assert!(size <= MAX_HEAD);
}

/// What every key the decoder gives looks like: relative, normalised, and
/// naming a file (folders end in `index.html`).
fn assert_normalised(key: &str) {
    assert!(
        !key.is_empty() && !key.starts_with('/') && !key.ends_with('/'),
        "{key:?}"
    );
    assert!(!key.chars().any(|c| c == '\\' || c.is_control()), "{key:?}");
    for segment in key.split('/') {
        assert!(!matches!(segment, "" | "." | ".."), "{key:?}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        sizes in prop::collection::vec(1..64_usize, 1..8),
    ) {
        if let Ok(request) = read_in_pieces(&bytes, sizes) {
            assert_well_formed(&request);
        }
    }

    #[test]
    fn a_valid_request_is_read_as_written(
        written in written_request(),
        sizes in prop::collection::vec(1..512_usize, 1..8),
    ) {
        let request = read_in_pieces(&written.bytes, sizes).expect("a valid request");
        prop_assert_eq!(&request.method, &written.method);
        prop_assert_eq!(&request.target, &written.target);
        prop_assert_eq!(&request.headers, &written.headers);
    }

    #[test]
    fn mutated_requests_never_panic(
        written in written_request(),
        mutations in prop::collection::vec(mutation(), 1..6),
        sizes in prop::collection::vec(1..512_usize, 1..8),
    ) {
        let mut bytes = written.bytes;
        for change in &mutations {
            mutate(&mut bytes, change);
        }
        if let Ok(request) = read_in_pieces(&bytes, sizes) {
            assert_well_formed(&request);
            if let Ok(key) = output_key(&request.target) {
                assert_normalised(&key);
            }
            let _ = parse_authority(request.header("host").unwrap_or_default());
        }
    }

    #[test]
    fn decoded_paths_never_escape(
        segments in prop::collection::vec(segment(), 0..6),
        slash in any::<bool>(),
        query in proptest::option::of("[?#][./a-z%]{0,6}"),
    ) {
        let mut target = format!("/{}", segments.join("/"));
        if slash {
            target.push('/');
        }
        target.push_str(query.as_deref().unwrap_or_default());
        if let Ok(key) = output_key(&target) {
            assert_normalised(&key);
        }
    }

    #[test]
    fn arbitrary_text_decodes_to_a_normalised_key_or_nothing(target in "(?s).{0,64}") {
        if let Ok(key) = output_key(&target) {
            assert_normalised(&key);
        }
        let _ = parse_authority(&target);
    }

    #[test]
    fn encoded_keys_decode_to_themselves(
        segments in prop::collection::vec(
            "[^/\\\\\\p{Cc}]{1,8}".prop_map(|segment| match segment.as_str() {
                "." | ".." => format!("{segment}x"),
                _ => segment,
            }),
            1..5,
        ),
    ) {
        let key = segments.join("/");
        let url = format!("/{}", percent_encode(&key));
        prop_assert_eq!(output_key(&url), Ok(key));
    }
}

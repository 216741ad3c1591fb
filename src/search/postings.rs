//! How a term's postings (block id, weight) are written: as a string of
//! base64url characters, about two per posting, instead of a JSON array of
//! numbers (four or five). On a large site the postings are most of the
//! index, and a query loads whole shards of them.
//!
//! Each posting is the gap from the previous block id as a varint (five
//! bits a character, the sixth set while more characters follow, low bits
//! first), then one character for the weight. The client decodes the same
//! way (`decode` in `themes/default/static/search/engine.js`).

/// The 64 characters, each standing for its position.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Largest weight one character holds.
pub const MAX_WEIGHT: u32 = 63;

/// Writes postings sorted by block id.
pub fn encode(postings: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(postings.len() * 2);
    encode_into(&mut out, 0, postings);
    out
}

/// Appends postings sorted by block id to `out`, the first as a gap from
/// block `previous` (the last one already written, or 0).
pub fn encode_into(out: &mut String, mut previous: u32, postings: &[(u32, u32)]) {
    for &(id, weight) in postings {
        let mut gap = id - previous;
        previous = id;
        loop {
            let low = gap % 32;
            gap /= 32;
            let more = if gap > 0 { 32 } else { 0 };
            out.push(char::from(ALPHABET[(low + more) as usize]));
            if gap == 0 {
                break;
            }
        }
        out.push(char::from(ALPHABET[weight.min(MAX_WEIGHT) as usize]));
    }
}

/// How many bytes [`encode_into`] writes for one posting `gap` after the
/// previous.
pub fn encoded_len(mut gap: u32) -> usize {
    let mut len = 2;
    while gap >= 32 {
        gap /= 32;
        len += 1;
    }
    len
}

/// Reads postings written by [`encode`]; `None` if the text is not such.
pub fn decode(text: &str) -> Option<Vec<(u32, u32)>> {
    let digit = |byte: u8| ALPHABET.iter().position(|&c| c == byte).map(|at| at as u32);
    let mut postings = Vec::new();
    let mut bytes = text.bytes();
    let mut id = 0u32;
    while let Some(first) = bytes.next() {
        let mut value = digit(first)?;
        let (mut gap, mut scale) = (value % 32, 32u32);
        while value >= 32 {
            value = digit(bytes.next()?)?;
            gap = gap.checked_add((value % 32).checked_mul(scale)?)?;
            scale = scale.saturating_mul(32);
        }
        id = id.checked_add(gap)?;
        postings.push((id, digit(bytes.next()?)?));
    }
    Some(postings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_stays_short() {
        let postings = [(0, 5), (1, 60), (2, 4), (40, 24), (100_000, 63)];
        let text = encode(&postings);
        assert_eq!(decode(&text).as_deref(), Some(&postings[..]));
        // Gaps under 32 take one character, plus one for the weight.
        assert_eq!(encode(&[(0, 5), (1, 60), (2, 4)]), "AFB8BE");
        assert_eq!(text.len(), 6 + 3 + 5);
    }

    #[test]
    fn rejects_what_it_did_not_write() {
        assert_eq!(decode("A"), None);
        assert_eq!(decode("A!"), None);
        assert_eq!(decode("g"), None);
        assert_eq!(decode(""), Some(Vec::new()));
    }
}

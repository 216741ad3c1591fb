//! How a term's postings (block id, weight) are written: as a string of
//! base64url characters, one or two per posting, instead of a JSON array
//! of numbers (four or five). On a large site the postings are most of the
//! index, and a query loads whole shards of them.
//!
//! Each posting is one number, `gap * 4 + w`, written as a varint (five
//! bits a character, the sixth set while more characters follow, low bits
//! first): `gap` is the distance from the previous block id, and `w` picks
//! one of the three most common weights ([`COMMON`]), or is 3 when the
//! weight follows in a character of its own. So a posting a few blocks
//! after the previous one, with a common weight, takes one character (it
//! took two when the weight always had its own). The client decodes the
//! same way (`decode` in `themes/default/static/search/engine.js`).

/// The 64 characters, each standing for its position.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Largest weight one character holds.
pub const MAX_WEIGHT: u32 = 63;

/// The weights written without a character of their own, by `w`: a term
/// once in running text (4 × 1), once in both a block and its page
/// (4 × 1 + 1), and in a step's title (4 × 6). Together about two thirds
/// of the postings of the benchmark corpus.
pub const COMMON: [u32; 3] = [4, 5, 24];

/// `w` of a weight written in a character of its own.
const OTHER: u64 = 3;

/// Writes postings sorted by block id.
pub fn encode(postings: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(postings.len() * 2);
    encode_into(&mut out, 0, postings);
    out
}

/// `w` of each weight up to [`MAX_WEIGHT`]: its place in [`COMMON`], or
/// [`OTHER`]. A table, since this is looked up for every posting.
const W: [u8; MAX_WEIGHT as usize + 1] = {
    let mut table = [OTHER as u8; MAX_WEIGHT as usize + 1];
    let mut n = 0;
    while n < COMMON.len() {
        table[COMMON[n] as usize] = n as u8;
        n += 1;
    }
    table
};

/// The number a posting starts with, and whether its weight follows.
#[inline]
fn head(gap: u32, weight: u32) -> (u64, bool) {
    let w = W.get(weight as usize).map_or(OTHER, |&w| u64::from(w));
    (u64::from(gap) * 4 + w, w == OTHER)
}

/// Appends postings sorted by block id to `out`, the first as a gap from
/// block `previous` (the last one already written, or 0).
pub fn encode_into(out: &mut String, mut previous: u32, postings: &[(u32, u32)]) {
    for &(id, weight) in postings {
        let (mut value, explicit) = head(id - previous, weight);
        previous = id;
        loop {
            let low = value % 32;
            value /= 32;
            let more = if value > 0 { 32 } else { 0 };
            out.push(char::from(ALPHABET[(low + more) as usize]));
            if value == 0 {
                break;
            }
        }
        if explicit {
            out.push(char::from(ALPHABET[weight.min(MAX_WEIGHT) as usize]));
        }
    }
}

/// Writes one posting `gap` after the previous, with this weight, at the
/// start of `out` (at least [`encoded_len`] bytes long), as
/// [`encode_into`] would; returns how many bytes it wrote.
#[inline]
pub fn write_posting(out: &mut [u8], gap: u32, weight: u32) -> usize {
    let (mut value, explicit) = head(gap, weight);
    let mut len = 0;
    for byte in out.iter_mut() {
        let more = value >= 32;
        *byte = ALPHABET[(value % 32 + if more { 32 } else { 0 }) as usize];
        value /= 32;
        len += 1;
        if !more {
            break;
        }
    }
    if explicit && let Some(byte) = out.get_mut(len) {
        *byte = ALPHABET[weight.min(MAX_WEIGHT) as usize];
        len += 1;
    }
    len
}

/// How many bytes [`encode_into`] writes for one posting `gap` after the
/// previous, with this weight.
pub fn encoded_len(gap: u32, weight: u32) -> usize {
    let (mut value, explicit) = head(gap, weight);
    let mut len = 1 + usize::from(explicit);
    while value >= 32 {
        value /= 32;
        len += 1;
    }
    len
}

/// Reads postings written by [`encode`]; `None` if the text is not such.
pub fn decode(text: &str) -> Option<Vec<(u32, u32)>> {
    let digit = |byte: u8| ALPHABET.iter().position(|&c| c == byte).map(|at| at as u64);
    let mut postings = Vec::new();
    let mut bytes = text.bytes();
    let mut id = 0u32;
    while let Some(first) = bytes.next() {
        let mut value = digit(first)?;
        let (mut number, mut scale) = (value % 32, 32u64);
        while value >= 32 {
            value = digit(bytes.next()?)?;
            number = number.checked_add((value % 32).checked_mul(scale)?)?;
            scale = scale.checked_mul(32)?;
        }
        id = id.checked_add(u32::try_from(number / 4).ok()?)?;
        let weight = match COMMON.get((number % 4) as usize) {
            Some(&weight) => weight,
            None => digit(bytes.next()?)? as u32,
        };
        postings.push((id, weight));
    }
    Some(postings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_stays_short() {
        let postings = [
            (0, 5),
            (1, 60),
            (2, 4),
            (40, 24),
            (100_000, 63),
            (100_001, 4),
        ];
        let text = encode(&postings);
        assert_eq!(decode(&text).as_deref(), Some(&postings[..]));
        // A near gap with a common weight takes one character; another
        // weight one more.
        assert_eq!(encode(&[(0, 5), (1, 60), (2, 4)]), "BH8E");
        for &(gap, weight) in &[(0, 4), (7, 24), (8, 5), (1, 60), (40, 24), (99_999, 63)] {
            let mut one = String::new();
            encode_into(&mut one, 0, &[(gap, weight)]);
            assert_eq!(one.len(), encoded_len(gap, weight), "{gap} {weight}");
            let mut bytes = [0; 8];
            let len = write_posting(&mut bytes, gap, weight);
            assert_eq!(&bytes[..len], one.as_bytes(), "{gap} {weight}");
        }
    }

    #[test]
    fn rejects_what_it_did_not_write() {
        assert_eq!(decode("D"), None, "a weight character is missing");
        assert_eq!(decode("A!"), None);
        assert_eq!(decode("g"), None);
        assert_eq!(decode(""), Some(Vec::new()));
    }
}

//! HTML escaping for the bits of markup the renderer writes itself.
//!
//! pulldown-cmark escapes what its own HTML writer emits, but its escaping
//! crate is not re-exported, and our adapters write some tags by hand (step
//! heads, external links, images, admonitions). These two functions follow
//! the same rules so that hand-written and generated markup look alike.

/// Escapes text for an HTML attribute value or body (`& < > " '`).
pub(super) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped_html(&mut out, text);
    out
}

/// Whether `text` has a character HTML escaping replaces (`& < > " '`).
/// Most text has none, and this looks at every byte without stopping early
/// so that the compiler can check many at once.
pub(crate) fn needs_escape(text: &str) -> bool {
    text.bytes().fold(false, |found, byte| {
        found | matches!(byte, b'&' | b'<' | b'>' | b'"' | b'\'')
    })
}

/// Appends `text` to `out`, escaped as [`escape_html`] does (and as Tera
/// escapes), copying the runs between special characters whole. Text
/// without any (most text) is copied after one quick scan.
pub(crate) fn push_escaped_html(out: &mut String, text: &str) {
    if !needs_escape(text) {
        out.push_str(text);
        return;
    }
    let mut done = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The special characters are ASCII, so `at` is a character boundary.
        out.push_str(&text[done..at]);
        out.push_str(entity);
        done = at + 1;
    }
    out.push_str(&text[done..]);
}

/// Escapes a URL for an `href`/`src` attribute the way pulldown-cmark does:
/// URL-safe ASCII is kept, `&` and `'` become entities, every other byte
/// (spaces, quotes, non-ASCII) is percent-encoded.
pub(super) fn escape_href(url: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(url.len());
    for &byte in url.as_bytes() {
        match byte {
            b'&' => out.push_str("&amp;"),
            b'\'' => out.push_str("&#x27;"),
            _ if is_href_safe(byte) => out.push(char::from(byte)),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
            }
        }
    }
    out
}

/// The bytes pulldown-cmark leaves as they are in a URL.
fn is_href_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%()*+,-./:;=?@^_~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(escape_html(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape_html("说明"), "说明");
    }

    #[test]
    fn finds_each_character_escaping_replaces() {
        for text in ["&", "a<b", "中>", "\"x", "it's"] {
            assert!(needs_escape(text), "{text}");
        }
        assert!(!needs_escape("plain 中文 text / # = ?"));
    }

    #[test]
    fn href_keeps_url_syntax_and_encodes_the_rest() {
        assert_eq!(
            escape_href("https://a.com/p?q=1&r=2#x"),
            "https://a.com/p?q=1&amp;r=2#x"
        );
        assert_eq!(escape_href("my img.png"), "my%20img.png");
        assert_eq!(escape_href("号"), "%E5%8F%B7");
        assert_eq!(escape_href("a\"b'c"), "a%22b&#x27;c");
    }
}

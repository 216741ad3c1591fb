//! HTML escaping for the bits of markup the renderer writes itself (step
//! heads, heading anchors, code blocks, external links, images,
//! admonitions), through pulldown-cmark's own escaping crate, so that
//! hand-written and generated markup are escaped alike: `& < > " '` in text
//! and attributes, and in URLs everything but URL syntax percent-encoded.
//! These wrappers only turn its `io::Result` (which cannot fail when
//! writing to a `String`) into plain strings.

/// Escapes text for an HTML attribute value or body (`& < > " '`).
pub(super) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped_html(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape_html`] does (and as Tera
/// escapes).
pub(crate) fn push_escaped_html(out: &mut String, text: &str) {
    // Writing to a `String` never fails.
    let _ = pulldown_cmark_escape::escape_html(&mut *out, text);
}

/// Escapes a URL for an `href`/`src` attribute the way pulldown-cmark does:
/// URL syntax stays, `&` and `'` become entities, anything else outside
/// its safe set is percent-encoded.
pub(super) fn escape_href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    // Writing to a `String` never fails.
    let _ = pulldown_cmark_escape::escape_href(&mut out, url);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(escape_html(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape_html("说明"), "说明");
        let mut out = String::from("x=");
        push_escaped_html(&mut out, "<中>");
        assert_eq!(out, "x=&lt;中&gt;");
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

//! GFM-style autolinks: bare `https://…`, `http://…` and `www.…` in text.
//!
//! pulldown-cmark only links `<https://…>`; authors paste bare URLs, often
//! right against Chinese text (`请访问https://cloud.tencent.com。`). So a URL
//! ends at whitespace, `<` or the first non-ASCII character, and trailing
//! punctuation (`.,;:!?` and an unbalanced `)`) is left outside the link.
//! The links adapter, which runs next, marks these links as external.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::Ev;

/// Turns bare URLs in text into links, except inside links (Markdown or raw
/// `<a>`), images and code. Most pages have none: their events are handed
/// back as they came, without a copy.
pub(super) fn apply(events: Vec<Ev<'_>>) -> Vec<Ev<'_>> {
    let mut opaque = Opaque::default();
    let has_urls = events.iter().any(|(event, _)| {
        opaque
            .linkable_text(event)
            .is_some_and(|text| !find_urls(text).is_empty())
    });
    if !has_urls {
        return events;
    }
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut opaque = Opaque::default();
    for (event, range) in events {
        if let Some(text) = opaque.linkable_text(&event) {
            let urls = find_urls(text);
            if !urls.is_empty() {
                push_linked(&mut out, text, &urls, &range);
                continue;
            }
        }
        out.push((event, range));
    }
    out
}

/// How deep the stream is inside links, images and code, where text is
/// never linked.
#[derive(Default)]
struct Opaque(usize);

impl Opaque {
    /// Follows `event`; returns its text if it is text that may be linked.
    fn linkable_text<'e>(&mut self, event: &'e Event<'_>) -> Option<&'e str> {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => self.0 += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                self.0 = self.0.saturating_sub(1);
            }
            Event::InlineHtml(markup) => match raw_anchor(markup) {
                Some(true) => self.0 += 1,
                Some(false) => self.0 = self.0.saturating_sub(1),
                None => {}
            },
            Event::Text(text) if self.0 == 0 => return Some(text),
            _ => {}
        }
        None
    }
}

/// `Some(true)` for a raw `<a …>` start tag, `Some(false)` for `</a>`.
fn raw_anchor(markup: &str) -> Option<bool> {
    let tag = markup.get(..3)?.to_ascii_lowercase();
    match tag.as_str() {
        "<a " | "<a>" | "<a\n" | "<a\t" => Some(true),
        "</a" => Some(false),
        _ => None,
    }
}

/// Writes `text` as text and link events, one link per URL span.
fn push_linked(out: &mut Vec<Ev<'_>>, text: &str, urls: &[Range<usize>], range: &Range<usize>) {
    let owned = |s: &str| CowStr::from(s.to_owned());
    let mut done = 0;
    for url in urls {
        if done < url.start {
            out.push((Event::Text(owned(&text[done..url.start])), range.clone()));
        }
        let shown = &text[url.clone()];
        let href = if shown.starts_with("www.") {
            format!("http://{shown}")
        } else {
            shown.to_owned()
        };
        let tag = Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: CowStr::from(href),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        };
        out.push((Event::Start(tag), range.clone()));
        out.push((Event::Text(owned(shown)), range.clone()));
        out.push((Event::End(TagEnd::Link), range.clone()));
        done = url.end;
    }
    if done < text.len() {
        out.push((Event::Text(owned(&text[done..])), range.clone()));
    }
}

/// Byte ranges of the bare URLs in `text`, in order.
pub(super) fn find_urls(text: &str) -> Vec<Range<usize>> {
    // Nearly all text has no URL. `http://` and `https://` need an ASCII
    // `:` (rare in Chinese prose, and found by a fast byte search), `www.`
    // needs `www.`: the walk below, which looks at every byte, is then
    // seldom needed.
    if !text.as_bytes().contains(&b':') && !text.contains("www.") {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut urls = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        // `h` and `w` are ASCII, so `at` is a character boundary here.
        let prefix = match bytes[at] {
            b'h' | b'w' => ["https://", "http://", "www."]
                .into_iter()
                .find(|prefix| text[at..].starts_with(prefix)),
            _ => None,
        };
        if let Some(prefix) = prefix
            && starts_a_word(text, at)
            && let Some(end) = url_end(text, at, prefix.len())
        {
            urls.push(at..end);
            at = end;
        } else {
            at += 1;
        }
    }
    urls
}

/// A URL can't start in the middle of a word or of another URL.
fn starts_a_word(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_ascii_alphanumeric() || "/.@-:".contains(c)))
}

/// The end of the URL starting at `start` (with a prefix of `prefix_len`
/// bytes), or `None` if nothing worth linking follows the prefix.
fn url_end(text: &str, start: usize, prefix_len: usize) -> Option<usize> {
    let rest = &text[start..];
    let mut end = rest
        .find(|c: char| {
            !c.is_ascii() || c.is_ascii_whitespace() || c.is_ascii_control() || c == '<'
        })
        .unwrap_or(rest.len());
    loop {
        let url = &rest[..end];
        let Some(last) = url.chars().next_back() else {
            break;
        };
        let unbalanced = last == ')' && url.matches('(').count() < url.matches(')').count();
        if !(".,;:!?*_~'\"".contains(last) || unbalanced) {
            break;
        }
        end -= 1;
    }
    let after_prefix = rest.get(prefix_len..end).unwrap_or_default();
    after_prefix
        .starts_with(|c: char| c.is_ascii_alphanumeric())
        .then_some(start + end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser, html};

    fn urls(text: &str) -> Vec<&str> {
        find_urls(text)
            .into_iter()
            .map(|range| &text[range])
            .collect()
    }

    fn render(source: &str) -> String {
        let events = apply(
            Parser::new_ext(source, Options::empty())
                .into_offset_iter()
                .collect(),
        );
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter().map(|(event, _)| event));
        out
    }

    #[test]
    fn bare_urls_are_found_without_trailing_punctuation() {
        assert_eq!(urls("see https://a.com/x."), ["https://a.com/x"]);
        assert_eq!(urls("(http://a.com/x), and"), ["http://a.com/x"]);
        assert_eq!(urls("wiki https://w.org/A_(b)!"), ["https://w.org/A_(b)"]);
        assert_eq!(urls("www.example.com; done"), ["www.example.com"]);
        assert_eq!(
            urls("a https://a.com?q=1&r=2 b https://b.com"),
            ["https://a.com?q=1&r=2", "https://b.com"]
        );
    }

    #[test]
    fn urls_stop_at_chinese_text_and_punctuation() {
        assert_eq!(
            urls("请访问https://cloud.tencent.com。"),
            ["https://cloud.tencent.com"]
        );
        assert_eq!(urls("（见 https://a.com/x）"), ["https://a.com/x"]);
        assert_eq!(urls("地址：https://a.com，然后"), ["https://a.com"]);
        assert_eq!(urls("https://a.com/b；"), ["https://a.com/b"]);
    }

    #[test]
    fn non_urls_are_left_alone() {
        assert!(urls("https:// nothing").is_empty());
        assert!(urls("xhttps://a.com and awww.b.com").is_empty());
        assert!(urls("www. and www.").is_empty());
        assert!(urls("http").is_empty());
    }

    #[test]
    fn text_is_split_into_links() {
        assert_eq!(
            render("go to www.a.com now"),
            "<p>go to <a href=\"http://www.a.com\">www.a.com</a> now</p>\n"
        );
    }

    #[test]
    fn links_and_code_are_not_autolinked() {
        let source = "[https://a.com](https://b.com) `https://c.com` <a href=\"x\">https://e.com</a>\n\n    https://d.com\n";
        let html = render(source);
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
    }
}

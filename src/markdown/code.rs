//! Code blocks: highlighted at build time.
//!
//! Every code block (fenced or indented) becomes
//! `<div class="code-block"><pre><code class="language-LANG">…</code></pre></div>`.
//! A fenced block whose language has a grammar gets class-based token
//! markup from [`crate::highlight`]; any other block is escaped text. The
//! theme's `code-copy.js` adds each block's copy button, so a page without
//! JavaScript has none and the markup written per block stays short.

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use super::Ev;
use super::escape::push_escaped_html;
use super::splice::{Edits, html};

/// Records the edits that write each code block of `events` whole: its
/// start becomes the block's markup, its text and end are dropped.
pub(super) fn edits(events: &[Ev<'_>], edits: &mut Edits<'_>) {
    let mut at = 0;
    while at < events.len() {
        if let Event::Start(Tag::CodeBlock(kind)) = &events[at].0 {
            let start = at;
            let mut code = String::new();
            at += 1;
            while at < events.len() && !matches!(events[at].0, Event::End(TagEnd::CodeBlock)) {
                if let Event::Text(text) = &events[at].0 {
                    code.push_str(text);
                }
                edits.remove(at);
                at += 1;
            }
            if at < events.len() {
                edits.remove(at);
            }
            edits.replace(start, html(block_html(language(kind), &code)));
        }
        at += 1;
    }
}

/// The language of a fence's info string: its first word (`bash` of
/// ```` ```bash title="x" ````, `rust` of `rust,ignore`); empty for an
/// indented block.
fn language<'a>(kind: &'a CodeBlockKind<'_>) -> &'a str {
    match kind {
        CodeBlockKind::Fenced(info) => info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or_default(),
        CodeBlockKind::Indented => "",
    }
}

/// The markup of one code block.
fn block_html(language: &str, code: &str) -> String {
    let highlighted = crate::highlight::highlight(language, code);
    let mut out = String::with_capacity(code.len() * 2 + 80);
    out.push_str("<div class=\"code-block\"><pre><code");
    if !language.is_empty() {
        out.push_str(" class=\"language-");
        push_escaped_html(&mut out, language);
        out.push('"');
    }
    out.push('>');
    match &highlighted {
        Some(markup) => out.push_str(markup),
        None => push_escaped_html(&mut out, code),
    }
    out.push_str("</code></pre></div>\n");
    out
}

#[cfg(test)]
mod tests {
    use crate::markdown::test_support::{TestResolver, labels};
    use crate::markdown::{RenderInput, render};

    fn html(source: &str) -> String {
        render(&RenderInput {
            source,
            first_line: 1,
            resolver: &TestResolver,
            labels: &labels(),
            shortcodes: None,
        })
        .html
    }

    #[test]
    fn a_fenced_block_is_highlighted_with_classes() {
        let out = html("```bash\necho \"hi\" # greet\n```\n");
        assert!(
            out.starts_with(
                "<div class=\"code-block\"><pre><code class=\"language-bash\"><span class=\"hl-"
            ),
            "{out}"
        );
        assert!(out.contains("<span class=\"hl-c\""), "{out}");
        assert!(out.ends_with("</code></pre></div>\n"), "{out}");
        assert!(!out.contains("style="), "{out}");
        assert!(
            !out.contains("<button"),
            "the script adds the button: {out}"
        );
    }

    #[test]
    fn unknown_languages_and_indented_blocks_are_plain_escaped_text() {
        let out = html("```nosuchlang\n<b>&\n```\n\n    indented <i>\n");
        assert!(
            out.contains("<code class=\"language-nosuchlang\">&lt;b&gt;&amp;\n</code>"),
            "{out}"
        );
        assert!(
            out.contains("<pre><code>indented &lt;i&gt;\n</code>"),
            "{out}"
        );
        assert_eq!(out.matches("class=\"code-block\"").count(), 2, "{out}");
    }

    #[test]
    fn the_language_is_the_first_word_and_is_escaped() {
        let out = html("```toml title=\"site\"\na = 1\n```\n\n```\"><x\nz\n```\n");
        assert!(out.contains("class=\"language-toml\""), "{out}");
        assert!(out.contains("class=\"language-&quot;&gt;&lt;x\""), "{out}");
        assert!(!out.contains("\"><x"), "{out}");
    }

    #[test]
    fn a_code_block_inside_a_step_keeps_the_step() {
        let out = html("- [ ] run it {#run}\n\n  ```sh\n  ls\n  ```\n");
        assert!(out.contains("id=\"run\""), "{out}");
        assert!(out.contains("class=\"language-sh\""), "{out}");
    }
}

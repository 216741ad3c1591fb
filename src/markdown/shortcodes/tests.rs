//! Tests of the shortcode scanner: tags, arguments, code left alone,
//! escaping of inline output and URLs.

use super::*;

/// Renders every shortcode as `[name a=v …]`; `box` takes a body.
struct Echo;

impl Shortcodes for Echo {
    fn render(&self, name: &str, args: &[(String, String)]) -> Result<String, (String, String)> {
        let args: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        match name {
            "box" => Ok(format!("<div class=\"box\">\n  {BODY_MARKER}\n</div>\n")),
            "tag" => Ok(format!("<b>{}</b>", args.join(" "))),
            _ => Err((format!("unknown shortcode `{name}`"), "hint".to_owned())),
        }
    }
}

fn run(source: &str) -> (String, Vec<MarkdownError>) {
    let lines = LineIndex::new(source, 1);
    let (text, errors) = expand(source, &lines, &Echo);
    (text.into_owned(), errors)
}

#[test]
fn a_tag_and_its_arguments_are_parsed() {
    let tag = parse_tag("{{< name a=\"1\" b_2=\"x \\\"y\\\" \\\\ >}}\" >}} after").expect("tag");
    assert_eq!(tag.name, "name");
    assert!(!tag.closing);
    assert_eq!(
        tag.args,
        vec![
            ("a".to_owned(), "1".to_owned()),
            ("b_2".to_owned(), "x \"y\" \\ >}}".to_owned())
        ]
    );
    assert_eq!(
        &"{{< name a=\"1\" b_2=\"x \\\"y\\\" \\\\ >}}\" >}} after"[tag.len..],
        " after"
    );
    let closing = parse_tag("{{< /box >}}").expect("closing");
    assert!(closing.closing && closing.name == "box" && closing.args.is_empty());
}

#[test]
fn bad_tags_are_errors_at_their_place() {
    for (text, offset, words) in [
        ("{{< >}}", 4, "without a name"),
        ("{{< x a=1 >}}", 7, "needs a quoted value"),
        ("{{< x a=\"1\" a=\"2\" >}}", 12, "given twice"),
        ("{{< x a=\"1 >}}", 8, "no closing quote"),
        ("{{< x a=\"1\"b=\"2\" >}}", 11, "put a space"),
        ("{{< /x a=\"1\" >}}", 7, "has arguments"),
        ("{{< x body=\"1\" >}}", 6, "`body` cannot be"),
        ("{{< x a=\"1\"\n>}}", 0, "no closing `>}}`"),
    ] {
        let (at, message, _) = parse_tag(text).expect_err(text);
        assert_eq!(at, offset, "{text}: {message}");
        assert!(message.contains(words), "{text}: {message}");
    }
}

#[test]
fn inline_output_keeps_its_line_and_its_text_is_not_markdown() {
    let (text, errors) = run("a {{< tag x=\"*y* [z]\" >}} b\nnext\n");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(text, "a <b>x=\\*y\\* \\[z\\]</b> b\nnext\n");
}

#[test]
fn a_body_shortcode_becomes_one_html_line_at_each_tag() {
    let (text, errors) = run("- item\n\n  {{< box >}}\n  **body**\n  {{< /box >}}\nafter\n");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        text,
        "- item\n\n  <!----><div class=\"box\">\n  **body**\n  <!----></div>\nafter\n"
    );
}

#[test]
fn code_and_escaped_tags_are_text() {
    let source = "`{{< tag >}}`\n\n```\n{{< nope >}}\n```\n\n    {{< nope >}}\n\n\\{{< nope >}}\n";
    let (text, errors) = run(source);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(text, source.replace("\\{{<", "{{<"));
}

#[test]
fn mistakes_are_errors_at_line_and_column() {
    let (_, errors) = run("x\n  {{< nope >}}\n{{< box >}}\nopen\n");
    let found: Vec<(usize, usize, &str)> = errors
        .iter()
        .map(|e| (e.position.line, e.position.column, e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (2, 3, "unknown shortcode `nope`"),
            (3, 1, "`{{< box >}}` is not closed"),
        ]
    );
    let (_, errors) = run("{{< box >}}\n{{< /tag >}}\n{{< /box >}}\n{{< /box >}}\n");
    let lines: Vec<usize> = errors.iter().map(|e| e.position.line).collect();
    assert_eq!(lines, vec![2, 4], "{errors:?}");
    // A body shortcode that failed to open: its closing tag is no second error.
    let (_, errors) = run("{{< nope >}}\nbody\n{{< /nope >}}\n{{< /nope >}}\n");
    let lines: Vec<usize> = errors.iter().map(|e| e.position.line).collect();
    assert_eq!(lines, vec![1, 4], "{errors:?}");
}

#[test]
fn only_web_urls_pass() {
    for good in [
        "https://console.cloud.tencent.com/cam?x=1",
        "HTTP://x.example",
    ] {
        assert!(is_web_url(good), "{good}");
    }
    for bad in [
        "javascript:alert(1)",
        " https://x.example",
        "https://",
        "https:///x",
        "//x.example",
        "/cam",
        "data:text/html,x",
        "https://x.example/a b",
    ] {
        assert!(!is_web_url(bad), "{bad}");
    }
    let (_, errors) = run("{{< tag url=\"javascript:x\" >}}\n");
    assert_eq!(errors[0].position.column, 9, "{errors:?}");
}

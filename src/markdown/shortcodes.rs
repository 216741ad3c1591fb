//! Shortcodes: `{{< name arg="value" >}}`, a Tera partial written into the
//! page, and `{{< name … >}}` … `{{< /name >}}` around Markdown.
//!
//! The syntax is Hugo's, chosen over Zola's `{{ name() }}` because `{{<`
//! does not occur in ordinary prose, and `{{ … }}` does in guides that show
//! templates. Shortcodes are expanded in the Markdown text before it is
//! parsed, except inside code (fenced and indented blocks, inline code),
//! where they stay text; `\{{<` writes `{{<` as text anywhere.
//!
//! - A tag stays on one line. Arguments are `name="value"` (`\"` and `\\`
//!   inside), each a string; the template sees them as variables, escaped by
//!   Tera's autoescape when it writes them. An argument named `url` or
//!   ending in `_url` must be an `http://` or `https://` URL.
//! - A shortcode whose template writes `{{ body }}` takes a body: its
//!   opening and closing tags stand on lines of their own (after the
//!   indentation or `>` of the list item or quote they are in, the same for
//!   both), and the lines between are Markdown. Each tag's line becomes one
//!   line of HTML that starts with an empty comment (`<!---->`), which
//!   `CommonMark` ends at the end of that line, so the body is parsed as
//!   Markdown and every line keeps its number.
//! - Any other shortcode is inline: its output is written on one line in
//!   place of the tag, with the Markdown punctuation of its text escaped, so
//!   a step's label can hold one and stays a step.
//!
//! Problems (an unknown shortcode, a bad argument, a body left open) are
//! [`MarkdownError`]s at the tag's line and column.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::positions::LineIndex;
use super::{MarkdownError, options};

/// Where a shortcode's template writes its body: the template is rendered
/// with `body` set to this, and its output split there.
pub const BODY_MARKER: &str = "offboard0shortcode0body0marker";

/// What renders shortcodes (the site's templates).
pub trait Shortcodes: Sync {
    /// The output of shortcode `name` with `args`, `body` set to
    /// [`BODY_MARKER`]; an error (message, hint) when there is no such
    /// shortcode or its template fails.
    fn render(&self, name: &str, args: &[(String, String)]) -> Result<String, (String, String)>;
}

/// The opening of a tag.
const OPEN: &str = "{{<";
/// The end of a tag.
const CLOSE: &str = ">}}";

/// Whether `source` may hold a shortcode (a quick test before [`expand`]).
pub(super) fn has_shortcode(source: &str) -> bool {
    memchr::memmem::find(source.as_bytes(), OPEN.as_bytes()).is_some()
}

/// A parsed tag.
#[derive(Debug, PartialEq, Eq)]
struct TagText {
    /// `{{< /name >}}`.
    closing: bool,
    name: String,
    args: Vec<(String, String)>,
    /// Byte offset of each argument in the tag.
    arg_offsets: Vec<usize>,
    /// Byte length of the tag in the line.
    len: usize,
}

/// A body shortcode waiting for its closing tag.
struct Open {
    name: String,
    /// Its output after the body.
    after: String,
    /// What precedes the tag on its line (indentation, `>`).
    prefix: String,
    /// Byte offset of the tag in the source.
    at: usize,
    /// The opening tag did not stand alone (already an error).
    misplaced: bool,
}

/// The source with its shortcodes expanded, and the problems found.
pub(super) fn expand<'a>(
    source: &'a str,
    lines: &LineIndex<'_>,
    shortcodes: &dyn Shortcodes,
) -> (Cow<'a, str>, Vec<MarkdownError>) {
    if !has_shortcode(source) {
        return (Cow::Borrowed(source), Vec::new());
    }
    let code = code_ranges(source);
    let mut out = String::with_capacity(source.len() + 256);
    let mut errors = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut x = Expansion {
        shortcodes,
        lines,
        out: &mut out,
        errors: &mut errors,
        open: &mut open,
        failed: Vec::new(),
    };
    let mut line_start = 0;
    for line in source.split_inclusive('\n') {
        expand_line(line, line_start, &code, &mut x);
        line_start += line.len();
    }
    for left in open {
        errors.push(MarkdownError {
            message: format!("`{{{{< {} >}}}}` is not closed", left.name),
            hint: format!(
                "end its body with `{{{{< /{} >}}}}` on a line of its own",
                left.name
            ),
            position: lines.position(left.at),
        });
    }
    (Cow::Owned(out), errors)
}

/// The state of one expansion.
struct Expansion<'e> {
    shortcodes: &'e dyn Shortcodes,
    lines: &'e LineIndex<'e>,
    out: &'e mut String,
    errors: &'e mut Vec<MarkdownError>,
    open: &'e mut Vec<Open>,
    /// Shortcodes whose opening tag failed (already an error): a closing
    /// tag of that name is not one more.
    failed: Vec<String>,
}

impl Expansion<'_> {
    fn error(&mut self, at: usize, message: String, hint: impl Into<String>) {
        self.errors.push(MarkdownError {
            message,
            hint: hint.into(),
            position: self.lines.position(at),
        });
    }
}

/// Byte ranges of code (blocks and spans), where tags are text, in order.
fn code_ranges(source: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(start..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

/// Whether byte `at` is inside one of the `code` ranges (sorted, apart).
fn in_code(code: &[Range<usize>], at: usize) -> bool {
    let after = code.partition_point(|range| range.start <= at);
    after > 0 && code[after - 1].contains(&at)
}

/// Expands the tags of one line (starting at byte `line_start`).
fn expand_line(line: &str, line_start: usize, code: &[Range<usize>], x: &mut Expansion<'_>) {
    let mut done = 0; // bytes of `line` written
    let mut from = 0;
    while let Some(found) = memchr::memmem::find(&line.as_bytes()[from..], OPEN.as_bytes()) {
        let at = from + found;
        let absolute = line_start + at;
        from = at + OPEN.len();
        if in_code(code, absolute) {
            continue;
        }
        if line[..at].ends_with('\\') {
            x.out.push_str(&line[done..at - 1]);
            done = at;
            continue;
        }
        let tag = match parse_tag(&line[at..]) {
            Ok(tag) => tag,
            Err((offset, message, hint)) => {
                x.error(absolute + offset, message, hint);
                continue;
            }
        };
        from = at + tag.len;
        let before = &line[..at];
        let after = line[at + tag.len..].trim_end();
        let alone = before.chars().all(|c| c == ' ' || c == '\t' || c == '>') && after.is_empty();
        if tag.closing {
            x.out.push_str(&line[done..at]);
            close(&tag, before, alone, absolute, x);
            x.out.push_str(after_tag(line, at + tag.len));
            done = line.len();
            from = line.len();
            continue;
        }
        let Some(html) = render(&tag, absolute, x) else {
            continue;
        };
        x.out.push_str(&line[done..at]);
        done = at + tag.len;
        match html.split_once(BODY_MARKER) {
            None => x.out.push_str(&markdown_safe(&one_line(&html))),
            Some((head, tail)) => {
                if !alone {
                    x.error(
                        absolute,
                        format!("`{}` takes a body, so its tag must stand on a line of its own", tag.name),
                        format!("put `{{{{< {0} … >}}}}` and `{{{{< /{0} >}}}}` on lines of their own, with the body between", tag.name),
                    );
                }
                x.out.push_str("<!---->");
                x.out.push_str(&one_line(head));
                x.open.push(Open {
                    name: tag.name.clone(),
                    after: one_line(tail),
                    prefix: before.trim_end().to_owned(),
                    at: absolute,
                    misplaced: !alone,
                });
                x.out.push_str(after_tag(line, done));
                done = line.len();
                from = line.len();
            }
        }
    }
    x.out.push_str(&line[done..]);
}

/// What follows a tag that stands alone: the line break.
fn after_tag(line: &str, end: usize) -> &str {
    let rest = &line[end..];
    if rest.ends_with('\n') { "\n" } else { "" }
}

/// Writes the output that follows a body, for a closing tag.
fn close(tag: &TagText, before: &str, alone: bool, at: usize, x: &mut Expansion<'_>) {
    if x.open.last().is_none_or(|last| last.name != tag.name)
        && let Some(failed) = x.failed.iter().position(|name| *name == tag.name)
    {
        x.failed.remove(failed);
        return;
    }
    let Some(last) = x.open.last() else {
        x.error(
            at,
            format!("`{{{{< /{} >}}}}` closes nothing", tag.name),
            format!("open it first with `{{{{< {} … >}}}}`, or remove this tag (only a shortcode that writes `{{{{ body }}}}` takes one)", tag.name),
        );
        return;
    };
    if last.name != tag.name {
        let (open_name, open_at) = (last.name.clone(), last.at);
        let open_line = x.lines.position(open_at).line;
        x.error(
            at,
            format!(
                "`{{{{< /{} >}}}}` where `{open_name}` (line {open_line}) is open",
                tag.name
            ),
            format!("close `{open_name}` first with `{{{{< /{open_name} >}}}}`"),
        );
        return;
    }
    if !last.misplaced && (!alone || before.trim_end() != last.prefix) {
        x.error(
            at,
            format!("`{{{{< /{} >}}}}` must stand on a line of its own, indented like its opening tag", tag.name),
            "put the closing tag on its own line, in the same list item or quote as the opening one",
        );
    }
    if let Some(last) = x.open.pop() {
        x.out.push_str("<!---->");
        x.out.push_str(&last.after);
    }
}

/// Renders an opening tag; `None` after recording an error.
fn render(tag: &TagText, at: usize, x: &mut Expansion<'_>) -> Option<String> {
    for ((name, value), offset) in tag.args.iter().zip(&tag.arg_offsets) {
        if (name == "url" || name.ends_with("_url")) && !is_web_url(value) {
            x.error(
                at + offset,
                format!(
                    "`{name}` of `{}` must be an http(s) URL, not `{value}`",
                    tag.name
                ),
                "write a full address, e.g. `https://console.cloud.tencent.com/cam`",
            );
            x.failed.push(tag.name.clone());
            return None;
        }
    }
    match x.shortcodes.render(&tag.name, &tag.args) {
        Ok(html) => Some(html),
        Err((message, hint)) => {
            x.error(at, message, hint);
            x.failed.push(tag.name.clone());
            None
        }
    }
}

/// Whether `url` is an absolute `http:` or `https:` URL with a host.
fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    !rest.is_empty()
        && !rest.starts_with('/')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Template output on one line: each line trimmed, joined by a space.
fn one_line(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for part in html.lines().map(str::trim).filter(|part| !part.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// Escapes, outside tags, the characters Markdown would read as emphasis,
/// code, links or tables, so inline output reads as it was rendered.
fn markdown_safe(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 8);
    let mut in_tag = false;
    let mut quote: Option<char> = None;
    for c in html.chars() {
        match (in_tag, quote, c) {
            (true, Some(q), _) if c == q => quote = None,
            (true, None, '"' | '\'') => quote = Some(c),
            (true, None, '>') => in_tag = false,
            (false, _, '<') => in_tag = true,
            (false, _, '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '#' | '!') => {
                out.push('\\');
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Parses the tag at the start of `text` (which starts with `{{<`); an
/// error is (byte offset in `text`, message, hint).
fn parse_tag(text: &str) -> Result<TagText, (usize, String, String)> {
    let line_end = text.find('\n').unwrap_or(text.len());
    let text = &text[..line_end];
    let mut at = OPEN.len();
    let skip_space = |at: &mut usize| {
        while text[*at..].starts_with([' ', '\t']) {
            *at += 1;
        }
    };
    skip_space(&mut at);
    let closing = text[at..].starts_with('/');
    if closing {
        at += 1;
        skip_space(&mut at);
    }
    let name_len = text[at..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(text.len() - at);
    if name_len == 0 {
        return Err((
            at,
            "a shortcode tag without a name".to_owned(),
            "write `{{< name arg=\"value\" >}}`, or `\\{{<` for the text `{{<`".to_owned(),
        ));
    }
    let name = text[at..at + name_len].to_owned();
    at += name_len;
    let mut args: Vec<(String, String)> = Vec::new();
    let mut arg_offsets = Vec::new();
    loop {
        let before_space = at;
        skip_space(&mut at);
        if text[at..].starts_with(CLOSE) {
            at += CLOSE.len();
            break;
        }
        if at == text.len() {
            return Err((
                0,
                format!("the shortcode tag `{name}` has no closing `>}}}}` on its line"),
                "end the tag with `>}}` on the same line, or write `\\{{<` for the text `{{<`"
                    .to_owned(),
            ));
        }
        if closing {
            return Err((
                at,
                format!("the closing tag of `{name}` has arguments"),
                format!("write `{{{{< /{name} >}}}}`"),
            ));
        }
        if at == before_space {
            return Err((
                at,
                format!("`{name}`: put a space before each argument"),
                "write `{{< name a=\"1\" b=\"2\" >}}`".to_owned(),
            ));
        }
        let (arg, value, len) = parse_arg(&text[at..]).map_err(|(offset, message)| {
            (
                at + offset,
                format!("`{name}`: {message}"),
                "write arguments as `name=\"value\"`, with `\\\"` for a quote inside".to_owned(),
            )
        })?;
        if arg == "body" {
            return Err((
                at,
                format!("`{name}`: `body` cannot be an argument"),
                "the body is the Markdown between the opening and closing tags".to_owned(),
            ));
        }
        if args.iter().any(|(seen, _)| *seen == arg) {
            return Err((
                at,
                format!("`{name}`: the argument `{arg}` is given twice"),
                "keep one of them".to_owned(),
            ));
        }
        args.push((arg, value));
        arg_offsets.push(at);
        at += len;
    }
    Ok(TagText {
        closing,
        name,
        args,
        arg_offsets,
        len: at,
    })
}

/// Parses `name="value"` at the start of `text`: (name, value, bytes); an
/// error is (byte offset, message).
fn parse_arg(text: &str) -> Result<(String, String, usize), (usize, String)> {
    let name_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let name = &text[..name_len];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err((
            0,
            "an argument needs a name (letters, digits, `_`)".to_owned(),
        ));
    }
    if !text[name_len..].starts_with("=\"") {
        return Err((
            name_len,
            format!("the argument `{name}` needs a quoted value: `{name}=\"…\"`"),
        ));
    }
    let mut value = String::new();
    let mut chars = text[name_len + 2..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => return Ok((name.to_owned(), value, name_len + 2 + offset + 1)),
            '\\' => match chars.next() {
                Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                Some((_, other)) => {
                    value.push('\\');
                    value.push(other);
                }
                None => break,
            },
            _ => value.push(c),
        }
    }
    Err((
        name_len + 1,
        format!("the value of `{name}` has no closing quote on this line"),
    ))
}

#[cfg(test)]
mod tests;

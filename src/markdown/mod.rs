//! Markdown → HTML for one page, in a single pulldown-cmark pass.
//!
//! The page body is parsed once; small event adapters (step items, heading
//! ids, admonitions, links, images, autolinks) transform the stream, and the
//! result is one [`Rendered`] value that feeds templates, the table of
//! contents, link checking, steps and search alike.
//!
//! [`render`] runs in three phases: stream rewrites that add or remove events
//! (`autolinks`, `links`); analysis that finds headings, steps and
//! admonitions by index and gives them ids (`ids`), strips their markers in
//! place and reads their text (`text`); and markup, where each adapter
//! records edits at those indices (`splice`) and pulldown-cmark's HTML
//! writer renders the edited stream.

mod admonitions;
mod anchors;
mod autolinks;
mod code;
mod escape;
pub(crate) use escape::push_escaped_html;
mod headings;
mod id_rules;
mod ids;
pub(crate) use ids::{id_problem, id_rule};
mod links;
mod positions;
mod shortcodes;
pub use shortcodes::{BODY_MARKER, Shortcodes};
mod splice;
mod step_markup;
mod steps;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
mod text;
mod unsafe_urls;

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, TextMergeWithOffset, html::push_html};

use headings::Heading;
use ids::{IdKind, IdRequest};
use positions::LineIndex;
use splice::Edits;
use steps::TaskItem;
use text::{SectionMark, StepMark};

/// How a link destination found in the Markdown should be written out.
pub trait LinkResolver: Sync {
    /// Returns the URL to write for a relative destination as written by the
    /// author (e.g. `../after/recover.md#appeal` or `img.png`), or `None` to
    /// keep it unchanged. Only called for destinations that are not external
    /// (no scheme such as `https:`/`mailto:`), not absolute (`/…`) and not a
    /// bare fragment (`#…`). Checking that the target exists is the caller's
    /// job, afterwards, from [`Rendered::links`].
    fn resolve(&self, destination: &str) -> Option<String>;

    /// The intrinsic size of the local image at `destination` (as written
    /// by the author), for the `<img>`'s `width` and `height`. Called for
    /// the same destinations as [`LinkResolver::resolve`], for images only.
    fn image_size(&self, _destination: &str) -> ImageSize {
        ImageSize::Unknown
    }
}

/// What the build knows of a local image's intrinsic size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSize {
    /// Width and height in CSS pixels.
    Known {
        /// Width in CSS pixels.
        width: u32,
        /// Height in CSS pixels.
        height: u32,
    },
    /// None to give: not a local file, or an SVG without an intrinsic size.
    Unknown,
    /// The file could not be read as an image; why, in a few words.
    Unreadable(String),
}

/// Interface words the renderer writes itself, in the site's language.
#[derive(Debug, Clone)]
pub struct Labels {
    /// Title of a `>?` / `[!NOTE]` admonition, e.g. "说明".
    pub note: String,
    /// Title of a `[!TIP]` admonition.
    pub tip: String,
    /// Title of a `[!IMPORTANT]` admonition.
    pub important: String,
    /// Title of a `>!` / `[!WARNING]` admonition, e.g. "注意".
    pub warning: String,
    /// Title of a `[!CAUTION]` admonition.
    pub caution: String,
    /// Hidden text after an external link, e.g. "（外部链接）".
    pub external_link: String,
    /// What a remote image that did not load says before its address
    /// (`image-fallback.js` reads it from the image's `data-fallback`).
    pub image_failed: String,
}

/// Input for [`render`].
pub struct RenderInput<'a> {
    /// The Markdown body (front matter already removed).
    pub source: &'a str,
    /// 1-based line number of the first line of `source` in the file, so that
    /// positions refer to the file the author edits.
    pub first_line: usize,
    /// Rewrites relative link destinations.
    pub resolver: &'a dyn LinkResolver,
    /// Interface words.
    pub labels: &'a Labels,
    /// Renders `{{< shortcode >}}`s; without it they stay text.
    pub shortcodes: Option<&'a dyn Shortcodes>,
}

/// A position in the source file (1-based line and column, column counted in
/// characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One entry of the on-page table of contents (headings of level 2 and 3,
/// nested: level-3 headings are children of the preceding level-2 heading).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    /// Heading level (2..=6).
    pub level: u8,
    /// The heading's id (anchor).
    pub id: String,
    /// The heading's plain text.
    pub title: String,
    /// Deeper headings under this one.
    pub children: Vec<TocEntry>,
}

/// A task-list item found in the page: a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepItem {
    /// The step's id: explicit `{#id}` or derived from its text.
    pub id: String,
    /// Whether the id was written explicitly.
    pub explicit: bool,
    /// Plain text of the checkbox label: the item's first paragraph (usually
    /// its first line), without the `{#id}`. A derived id comes from the
    /// first line only, so that editing later lines keeps it.
    pub text: String,
    /// Inline HTML of the checkbox label (the item's first paragraph).
    pub label_html: String,
    /// Whether the Markdown had `[x]`.
    pub checked: bool,
    /// Where the item starts.
    pub position: Position,
}

/// A link or image destination that is not external (see [`LinkResolver`]),
/// kept for checking after every page is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// The destination as written by the author.
    pub destination: String,
    /// Whether this is an image (`![..](..)`) rather than a link.
    pub is_image: bool,
    /// Where the link starts.
    pub position: Position,
}

/// A problem in the Markdown itself (e.g. two explicit steps with one id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownError {
    /// What is wrong, lower-case, identifiers in backticks.
    pub message: String,
    /// How to mend it.
    pub hint: String,
    /// Where.
    pub position: Position,
}

/// A piece of the page's text for the search index: the text under one
/// heading, or one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBlock {
    /// Anchor to land on (`None`: top of the page).
    pub anchor: Option<String>,
    /// The heading text (for a step: the step text).
    pub title: String,
    /// Whether this block is a step.
    pub is_step: bool,
    /// Plain text of the block.
    pub text: String,
}

/// The result of rendering one page body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML body. Each step item contains the marker
    /// [`STEP_META_MARKER_PREFIX`]`N-->` (N = index into `steps`) right after
    /// its `.step-head`, where the build inserts the step's metadata.
    pub html: String,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Steps in document order.
    pub steps: Vec<StepItem>,
    /// Every id defined in the page: headings, steps, raw `id="…"`
    /// attributes, `[](id:Name)` anchors, footnotes.
    pub anchors: Vec<String>,
    /// Relative links and images, for checking.
    pub links: Vec<LinkRef>,
    /// Problems found while rendering.
    pub errors: Vec<MarkdownError>,
    /// Things the renderer changed that the author should know of (links
    /// dropped for their URL).
    pub warnings: Vec<MarkdownError>,
    /// Text for the search index.
    pub text_blocks: Vec<TextBlock>,
    /// Images loaded from other sites (hot-linked), for `check`'s warnings.
    pub remote_images: Vec<ExternalRef>,
}

/// Start of the marker left in [`Rendered::html`] for a step's metadata.
pub const STEP_META_MARKER_PREFIX: &str = "<!--offboard-step-meta:";

/// Renders one page body.
///
/// Never fails: problems in the Markdown are returned in
/// [`Rendered::errors`], and the HTML is still complete.
pub fn render(input: &RenderInput<'_>) -> Rendered {
    let mut out = Rendered::default();
    // Shortcodes first: every line keeps its number, so positions found
    // in the expanded text are the file's.
    let expanded = match input.shortcodes {
        Some(shortcodes) if shortcodes::has_shortcode(input.source) => {
            let lines = LineIndex::new(input.source, input.first_line);
            let (text, errors) = shortcodes::expand(input.source, &lines, shortcodes);
            out.errors = errors;
            Some(text.into_owned())
        }
        _ => None,
    };
    let source = expanded.as_deref().unwrap_or(input.source);
    let lines = LineIndex::new(source, input.first_line);

    // Stream rewrites (the number of events changes).
    let events = autolinks::apply(parse(source));
    let cx = links::LinkContext {
        resolver: input.resolver,
        labels: input.labels,
        lines: &lines,
    };
    let (mut events, found) = links::apply(events, &cx);
    anchors::encode_footnote_labels(&mut events);
    out.links = found.links;
    out.anchors = found.anchors;
    out.warnings = found.warnings;
    out.remote_images = found.remote_images;
    out.errors.extend(found.errors);
    out.anchors.extend(anchors::collect(&events));

    // Analysis (indices stay put; markers and `{#id}`s are stripped in place).
    let admonitions = admonitions::find(&mut events);
    let tasks = steps::find(&mut events, source);
    let headings = headings::find(&events, source);
    let (heading_ids, step_ids) = assign_ids(&headings, &tasks, &mut out, &lines);
    headings::set_ids(&mut events, &headings, &heading_ids);
    out.toc = headings::toc(&headings, &heading_ids);
    out.steps = step_markup::items(&events, &tasks, &step_ids, &lines);
    out.errors
        .extend(step_markup::empty_step_errors(&events, &tasks, &lines));
    out.text_blocks = text_blocks(&events, (&headings, &heading_ids), (&tasks, &step_ids));

    // Markup.
    let mut edits = Edits::default();
    admonitions::edits(&admonitions, input.labels, &mut edits);
    headings::edits(&headings, &heading_ids, &mut edits);
    step_markup::edits(&events, &tasks, &step_ids, &mut edits);
    code::edits(&events, &mut edits);
    // Most pages' HTML is about twice their Markdown; sizing for that
    // avoids growing (and copying) the string several times, and the
    // trimmed string is kept until the page is written.
    out.html.reserve(source.len() * 2);
    push_html(&mut out.html, edits.apply(events));
    out.html.shrink_to_fit();

    out.anchors.extend(heading_ids.into_iter().chain(step_ids));
    dedup_in_place(&mut out.anchors);
    shrink_lists(&mut out);
    out
}

/// Gives back the room the lists grew into: every page's result is kept
/// until the site is written, so slack in them adds up over a large site.
fn shrink_lists(out: &mut Rendered) {
    out.anchors.shrink_to_fit();
    out.links.shrink_to_fit();
    out.errors.shrink_to_fit();
    out.warnings.shrink_to_fit();
    out.text_blocks.shrink_to_fit();
}

/// One event with its byte range in the body.
type Ev<'a> = (Event<'a>, Range<usize>);

/// The Markdown dialect: `CommonMark`, GFM tables, footnotes, strikethrough,
/// task lists and alerts, and `{#id}` heading attributes.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Parses the body once, adjacent text events merged.
fn parse(source: &str) -> Vec<Ev<'_>> {
    TextMergeWithOffset::new(Parser::new_ext(source, options()).into_offset_iter()).collect()
}

/// Ids for headings and steps from one namespace, in document order; two
/// equal explicit ids become an error at the second.
fn assign_ids(
    headings: &[Heading],
    tasks: &[TaskItem],
    out: &mut Rendered,
    lines: &LineIndex<'_>,
) -> (Vec<String>, Vec<String>) {
    // (index of the element's first event, kind, index in its own list)
    let mut order: Vec<(usize, IdKind, usize)> = headings
        .iter()
        .enumerate()
        .map(|(n, heading)| (heading.start, IdKind::Heading, n))
        .chain(
            tasks
                .iter()
                .enumerate()
                .map(|(n, task)| (task.item, IdKind::Step, n)),
        )
        .collect();
    order.sort_unstable_by_key(|&(at, _, _)| at);
    let requests: Vec<IdRequest<'_>> = order
        .iter()
        .map(|&(_, kind, n)| match kind {
            IdKind::Heading => headings[n].id_request(),
            IdKind::Step => tasks[n].id_request(),
        })
        .collect();
    let assignment = ids::assign(&requests, &out.anchors);
    out.errors
        .extend(assignment.duplicates.iter().map(|duplicate| MarkdownError {
            message: format!("duplicate id `{}` on this page", duplicate.id),
            hint: "give one of them another `{#id}`".to_owned(),
            position: lines.position(duplicate.offset),
        }));
    out.errors
        .extend(assignment.invalid.iter().map(|invalid| MarkdownError {
            message: format!(
                "the id `{}` {}",
                invalid.id,
                ids::id_problem(&invalid.id).unwrap_or_default()
            ),
            hint: format!("{}; e.g. `{{#unbind-phone}}`", ids::id_rule()),
            position: lines.position(invalid.offset),
        }));
    let mut heading_ids = vec![String::new(); headings.len()];
    let mut step_ids = vec![String::new(); tasks.len()];
    for ((_, kind, n), id) in order.into_iter().zip(assignment.ids) {
        match kind {
            IdKind::Heading => heading_ids[n] = id,
            IdKind::Step => step_ids[n] = id,
        }
    }
    (heading_ids, step_ids)
}

/// The search text of the page, split at headings and steps.
fn text_blocks(
    events: &[Ev<'_>],
    (headings, heading_ids): (&[Heading], &[String]),
    (tasks, step_ids): (&[TaskItem], &[String]),
) -> Vec<TextBlock> {
    let sections: Vec<SectionMark<'_>> = headings
        .iter()
        .zip(heading_ids)
        .map(|(h, id)| SectionMark {
            start: h.start,
            end: h.end,
            id,
            title: &h.text,
        })
        .collect();
    let steps: Vec<StepMark<'_>> = tasks
        .iter()
        .zip(step_ids)
        .map(|(t, id)| StepMark {
            start: t.item,
            end: t.end,
            id,
            title: &t.text,
        })
        .collect();
    text::text_blocks(events, &sections, &steps)
}

/// Removes repeated strings, keeping the first of each.
fn dedup_in_place(items: &mut Vec<String>) {
    let mut seen = HashSet::with_capacity(items.len());
    let keep: Vec<bool> = items
        .iter()
        .map(|item| seen.insert(item.as_str()))
        .collect();
    if keep.iter().all(|&keep| keep) {
        return;
    }
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
}

/// An `http:` or `https:` link or image of a page body, for
/// `check --external`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalRef {
    /// The URL as written (a bare `www.…` gets `http://`, as rendered).
    pub url: String,
    /// Whether this is an image (`![..](..)`) rather than a link.
    pub is_image: bool,
    /// Where the link starts.
    pub position: Position,
}

/// Every `http:`/`https:` link and image of a Markdown body, bare URLs
/// included, parsed exactly as [`render`] parses it. `first_line` is the
/// body's first line in its file.
pub fn external_refs(source: &str, first_line: usize) -> Vec<ExternalRef> {
    let lines = LineIndex::new(source, first_line);
    autolinks::apply(parse(source))
        .into_iter()
        .filter_map(|(event, range)| {
            let (url, is_image) = match event {
                Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => (dest_url, false),
                Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => (dest_url, true),
                _ => return None,
            };
            let scheme = url.split_once(':')?.0.to_ascii_lowercase();
            (scheme == "http" || scheme == "https").then(|| ExternalRef {
                url: url.into_string(),
                is_image,
                position: lines.position(range.start),
            })
        })
        .collect()
}

/// A remote image of a Markdown body (`http:`, `https:` or `//`), where
/// its address is written, for `vendor-images` to replace it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSource {
    /// The address as the renderer reads it.
    pub url: String,
    /// Its bytes in the body, when it is written there exactly so (not in
    /// a reference definition elsewhere, nor with escapes or entities).
    pub span: Option<Range<usize>>,
    /// Where the image starts.
    pub position: Position,
}

/// Every remote image of a Markdown body, parsed exactly as [`render`]
/// parses it (without includes and shortcodes), in document order.
pub fn remote_image_sources(source: &str, first_line: usize) -> Vec<ImageSource> {
    let lines = LineIndex::new(source, first_line);
    let mut found = Vec::new();
    // Images being read: (url, range of the image, where its alt text ends).
    let mut open: Vec<(String, Range<usize>, usize)> = Vec::new();
    for (event, range) in parse(source) {
        match event {
            Event::Start(pulldown_cmark::Tag::Image { dest_url, .. }) => {
                let alt_start = (range.start + 2).min(range.end);
                open.push((dest_url.into_string(), range, alt_start));
            }
            Event::End(pulldown_cmark::TagEnd::Image) => {
                let Some((url, image, alt_end)) = open.pop() else {
                    continue;
                };
                if let Some((_, _, outer_alt_end)) = open.last_mut() {
                    *outer_alt_end = (*outer_alt_end).max(image.end);
                }
                if !links::is_remote(&url) {
                    continue;
                }
                let span = source
                    .get(alt_end..image.end)
                    .and_then(|tail| tail.find(url.as_str()))
                    .map(|at| alt_end + at..alt_end + at + url.len());
                found.push(ImageSource {
                    url,
                    span,
                    position: lines.position(image.start),
                });
            }
            _ => {
                if let Some((_, _, alt_end)) = open.last_mut() {
                    *alt_end = (*alt_end).max(range.end);
                }
            }
        }
    }
    found
}

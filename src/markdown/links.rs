//! Links and images: external marked, relative resolved and recorded.
//!
//! Authors link pages by their `.md` path; the site needs working relative
//! URLs, and the build must be able to check every target afterwards. So
//! each destination is classified once here: external ones (with a scheme)
//! get `class="external"` and a hidden "(external link)" label, relative ones
//! go through the [`LinkResolver`] and are recorded as [`LinkRef`]s, `#frag`
//! is recorded for anchor checking, and Tencent Cloud's `[](id:Name)` becomes
//! an anchor `<span id="Name">`. Images are written lazy-loading, a local
//! one with its `width` and `height`, a remote one inside a link to it.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::escape::{escape_href, escape_html};
use super::positions::LineIndex;
use super::splice::html;
use super::unsafe_urls::{dangerous_scheme, warning};
use super::{Ev, ExternalRef, ImageSize, Labels, LinkRef, LinkResolver, MarkdownError};
use crate::urls::encode_fragment;

/// What the links adapter needs to know.
pub(super) struct LinkContext<'c> {
    pub resolver: &'c dyn LinkResolver,
    pub labels: &'c Labels,
    pub lines: &'c LineIndex<'c>,
}

/// What the links adapter found.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub links: Vec<LinkRef>,
    pub anchors: Vec<String>,
    /// Links and images dropped for their URL (see [`super::unsafe_urls`]).
    pub warnings: Vec<MarkdownError>,
    /// `[](id:Name)` anchors whose name is not a valid id.
    pub errors: Vec<MarkdownError>,
    /// Images loaded from other sites.
    pub remote_images: Vec<ExternalRef>,
}

/// The kinds of destination, each written differently.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Destination<'d> {
    /// Has a scheme (`https:`, `mailto:`…).
    External,
    /// `#frag`: checked against the page's anchors.
    Fragment,
    /// `/abs` or empty: left as it is.
    Untouched,
    /// Anything else: resolved and checked.
    Relative,
    /// `id:Name`: a Tencent Cloud anchor definition.
    Anchor(&'d str),
}

/// Classifies a link destination as written by the author.
pub(super) fn classify(destination: &str) -> Destination<'_> {
    if let Some(name) = destination.strip_prefix("id:")
        && !name.is_empty()
    {
        return Destination::Anchor(name);
    }
    if destination.is_empty() || destination.starts_with('/') {
        Destination::Untouched
    } else if destination.starts_with('#') {
        Destination::Fragment
    } else if has_scheme(destination) {
        Destination::External
    } else {
        Destination::Relative
    }
}

/// `scheme:` as in RFC 3986, at least two letters long (so `C:` is not one).
fn has_scheme(destination: &str) -> bool {
    destination.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() >= 2
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// How to close a link we opened.
enum Closing {
    Keep,
    External,
    Span,
    /// The link was dropped; its text stays.
    Dropped,
}

/// Rewrites link and image events; returns the new stream and what it found.
/// The stream is rewritten in place: an image swallows its alt text events,
/// so the stream only shrinks, and every other event maps to one event.
pub(super) fn apply<'a>(mut events: Vec<Ev<'a>>, cx: &LinkContext<'_>) -> (Vec<Ev<'a>>, Found) {
    let mut rewriter = Rewriter {
        cx,
        found: Found::default(),
    };
    let mut closing = Vec::new();
    let (mut read, mut write) = (0, 0);
    while read < events.len() {
        let at = read;
        read += 1;
        if !is_link_or_image(&events[at].0) {
            // Most events stay where they are, untouched.
            if write != at {
                events.swap(write, at);
            }
            write += 1;
            continue;
        }
        let (event, range) = take_event(&mut events, at);
        let event = match event {
            Event::Start(tag @ Tag::Link { .. }) => {
                let (event, close) = rewriter.open_link(tag, range.start);
                closing.push(close);
                event
            }
            Event::End(TagEnd::Link) => match closing.pop() {
                Some(Closing::External) => html(external_close(cx.labels)),
                Some(Closing::Span) => html("</span>".to_owned()),
                Some(Closing::Dropped) => html(String::new()),
                Some(Closing::Keep) | None => Event::End(TagEnd::Link),
            },
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let alt = take_alt(&mut Taking {
                    events: &mut events,
                    read: &mut read,
                });
                let in_link = !closing.is_empty();
                html(match rewriter.image_src(&dest_url, range.start) {
                    Some((src, size)) => {
                        if is_remote(&src) {
                            rewriter.found.remote_images.push(ExternalRef {
                                url: src.clone(),
                                is_image: true,
                                position: cx.lines.position(range.start),
                            });
                            remote_image(&src, &alt, &title, (in_link, cx.labels))
                        } else {
                            image(&src, &alt, &title, &size)
                        }
                    }
                    None => escape_html(&alt),
                })
            }
            other => other,
        };
        events[write] = (event, range);
        write += 1;
    }
    events.truncate(write);
    (events, rewriter.found)
}

/// Whether [`apply`] rewrites this event.
fn is_link_or_image(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Link)
    )
}

/// Moves the event at `at` out of the stream, leaving a placeholder that
/// [`apply`] overwrites or cuts off before the stream is read again.
fn take_event<'a>(events: &mut [Ev<'a>], at: usize) -> Ev<'a> {
    std::mem::replace(&mut events[at], (Event::SoftBreak, 0..0))
}

/// The events after `read`, taken one by one (for an image's alt text).
struct Taking<'v, 'a> {
    events: &'v mut Vec<Ev<'a>>,
    read: &'v mut usize,
}

impl<'a> Iterator for Taking<'_, 'a> {
    type Item = Ev<'a>;

    fn next(&mut self) -> Option<Ev<'a>> {
        (*self.read < self.events.len()).then(|| {
            *self.read += 1;
            take_event(self.events, *self.read - 1)
        })
    }
}

/// Rewrites one link or image at a time, recording what it finds.
struct Rewriter<'c> {
    cx: &'c LinkContext<'c>,
    found: Found,
}

impl Rewriter<'_> {
    /// The event that opens a link, and how it must be closed.
    fn open_link<'a>(&mut self, tag: Tag<'a>, offset: usize) -> (Event<'a>, Closing) {
        let Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } = tag
        else {
            return (Event::Start(tag), Closing::Keep);
        };
        if let Some(scheme) = dangerous_scheme(&dest_url, false) {
            self.warn(scheme, false, offset);
            return (html(String::new()), Closing::Dropped);
        }
        if link_type == LinkType::Email {
            let href = format!("mailto:{dest_url}");
            return (html(external_open(&href, &title)), Closing::External);
        }
        let dest_url = match classify(&dest_url) {
            Destination::Anchor(name) => {
                self.check_anchor(name, offset);
                self.found.anchors.push(name.to_owned());
                return (
                    html(format!("<span id=\"{}\">", escape_html(name))),
                    Closing::Span,
                );
            }
            Destination::External => {
                return (html(external_open(&dest_url, &title)), Closing::External);
            }
            Destination::Untouched => dest_url,
            Destination::Fragment => {
                self.record(&dest_url, false, offset);
                // The anchor is an id as written: `%` and `#` in it are
                // literal, so they are encoded.
                CowStr::from(format!("#{}", encode_fragment(&dest_url[1..])))
            }
            Destination::Relative => {
                self.record(&dest_url, false, offset);
                self.cx
                    .resolver
                    .resolve(&dest_url)
                    .map_or(dest_url, CowStr::from)
            }
        };
        let tag = Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        };
        (Event::Start(tag), Closing::Keep)
    }

    /// The `src` to write for an image, and its size: relative ones
    /// resolved, recorded and measured; `None` for a URL that is dropped.
    fn image_src(&mut self, dest_url: &str, offset: usize) -> Option<(String, ImageSize)> {
        if let Some(scheme) = dangerous_scheme(dest_url, true) {
            self.warn(scheme, true, offset);
            return None;
        }
        if classify(dest_url) != Destination::Relative {
            return Some((dest_url.to_owned(), ImageSize::Unknown));
        }
        self.record(dest_url, true, offset);
        let Some(src) = self.cx.resolver.resolve(dest_url) else {
            // Leads nowhere: the link check reports it.
            return Some((dest_url.to_owned(), ImageSize::Unknown));
        };
        let size = match self.cx.resolver.image_size(dest_url) {
            ImageSize::Unreadable(reason) => {
                self.found.warnings.push(MarkdownError {
                    message: format!("cannot read the size of the image `{dest_url}`: {reason}"),
                    hint: format!(
                        "save it as {}; until then it is shown without a size, so the page moves when it loads",
                        crate::images::READABLE_FORMATS
                    ),
                    position: self.cx.lines.position(offset),
                });
                ImageSize::Unknown
            }
            size => size,
        };
        Some((src, size))
    }

    /// An anchor's name becomes an element id: it must be a valid one.
    fn check_anchor(&mut self, name: &str, offset: usize) {
        if let Some(problem) = super::ids::id_problem(name) {
            self.found.errors.push(MarkdownError {
                message: format!("the anchor id `{name}` {problem}"),
                hint: super::ids::id_rule(),
                position: self.cx.lines.position(offset),
            });
        }
    }

    fn warn(&mut self, scheme: &str, is_image: bool, offset: usize) {
        let (message, hint) = warning(scheme, is_image);
        self.found.warnings.push(MarkdownError {
            message,
            hint,
            position: self.cx.lines.position(offset),
        });
    }

    fn record(&mut self, destination: &str, is_image: bool, offset: usize) {
        self.found.links.push(LinkRef {
            destination: destination.to_owned(),
            is_image,
            position: self.cx.lines.position(offset),
        });
    }
}

fn external_open(href: &str, title: &str) -> String {
    format!(
        "<a href=\"{}\"{} class=\"external\" rel=\"external noopener\">",
        escape_href(href),
        title_attribute(title)
    )
}

fn external_close(labels: &Labels) -> String {
    format!(
        "<span class=\"visually-hidden\">{}</span></a>",
        escape_html(&labels.external_link)
    )
}

fn title_attribute(title: &str) -> String {
    if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape_html(title))
    }
}

/// A local image, loaded lazily, with its size when known (so the page
/// does not move when it arrives).
fn image(src: &str, alt: &str, title: &str, size: &ImageSize) -> String {
    let size = match size {
        ImageSize::Known { width, height } => format!(" width=\"{width}\" height=\"{height}\""),
        _ => String::new(),
    };
    format!(
        "<img src=\"{}\" alt=\"{}\"{}{size} loading=\"lazy\">",
        escape_href(src),
        escape_html(alt),
        title_attribute(title)
    )
}

/// Whether an image is loaded from another site (`http:`, `https:` or `//`).
pub(super) fn is_remote(src: &str) -> bool {
    src.starts_with("//")
        || src.split_once(':').is_some_and(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
        })
}

/// An image from another site (`data:` images are local): fetched without a
/// referrer, so the image host does not learn which page of the guide is
/// open, and inside a link to its address unless it is in a link already
/// (links do not nest). When it cannot load (offline, an intranet host, a
/// page opened from `file://`), the address is still there to open without
/// JavaScript, and `image-fallback.js` puts the alt text and the address,
/// after the words in `data-fallback`, in its place.
fn remote_image(src: &str, alt: &str, title: &str, (in_link, labels): (bool, &Labels)) -> String {
    let href = escape_href(src);
    let img = format!(
        "<img src=\"{href}\" alt=\"{}\"{} loading=\"lazy\" referrerpolicy=\"no-referrer\" data-fallback=\"{}\">",
        escape_html(alt),
        title_attribute(title),
        escape_html(&labels.image_failed)
    );
    if in_link {
        return img;
    }
    format!(
        "<a href=\"{href}\" class=\"image-link external\" rel=\"external noopener\">{img}<span class=\"visually-hidden\">{}</span></a>",
        escape_html(&labels.external_link)
    )
}

/// Consumes an image's content up to its end, returning it as alt text.
fn take_alt<'a>(events: &mut impl Iterator<Item = Ev<'a>>) -> String {
    let mut alt = String::new();
    let mut depth = 0_usize;
    for (event, _) in events.by_ref() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(text) | Event::Code(text) => alt.push_str(&text),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt
}

#[cfg(test)]
#[path = "links_tests.rs"]
mod tests;

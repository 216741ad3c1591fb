//! Tests of the links adapter: classification, rewriting, positions.

use super::*;
use crate::markdown::Position;
use crate::markdown::test_support::{TestResolver, labels};
use pulldown_cmark::{Options, Parser, html::push_html};

fn run(source: &str, first_line: usize) -> (String, Found) {
    let lines = LineIndex::new(source, first_line);
    let labels = labels();
    let cx = LinkContext {
        resolver: &TestResolver,
        labels: &labels,
        lines: &lines,
    };
    let events = Parser::new_ext(source, Options::empty())
        .into_offset_iter()
        .collect();
    let (events, found) = apply(events, &cx);
    let mut out = String::new();
    push_html(&mut out, events.into_iter().map(|(event, _)| event));
    (out, found)
}

#[test]
fn destinations_are_classified() {
    assert_eq!(classify("https://a.com"), Destination::External);
    assert_eq!(classify("mailto:a@b.c"), Destination::External);
    assert_eq!(classify("#frag"), Destination::Fragment);
    assert_eq!(classify("/abs/x"), Destination::Untouched);
    assert_eq!(classify(""), Destination::Untouched);
    assert_eq!(classify("../a.md#x"), Destination::Relative);
    assert_eq!(classify("C:/x.png"), Destination::Relative);
    assert_eq!(classify("a:b/c.md"), Destination::Relative);
    assert_eq!(classify("id:step6"), Destination::Anchor("step6"));
}

#[test]
fn external_links_are_marked() {
    let (html, found) = run(
        "[账号信息](https://console.cloud.tencent.com/developer \"T\")",
        1,
    );
    assert_eq!(
        html,
        "<p><a href=\"https://console.cloud.tencent.com/developer\" title=\"T\" class=\"external\" \
         rel=\"external noopener\">账号信息<span class=\"visually-hidden\">（外部链接）</span></a></p>\n"
    );
    assert!(found.links.is_empty());
}

#[test]
fn email_autolinks_are_external_mailto_links() {
    let (html, _) = run("<it@example.com>", 1);
    assert!(
        html.contains("<a href=\"mailto:it@example.com\" class=\"external\""),
        "{html}"
    );
}

#[test]
fn relative_links_are_resolved_and_recorded_with_positions() {
    let source = "intro\n\n见 [申诉](../after/recover.md#appeal) 和 [x](#top) 及 [y](/abs)\n";
    let (html, found) = run(source, 10);
    assert!(
        html.contains("<a href=\"../after/recover/#appeal\">申诉</a>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"#top\">x</a>") && html.contains("<a href=\"/abs\">y</a>"));
    let recorded: Vec<_> = found
        .links
        .iter()
        .map(|l| (l.destination.as_str(), l.is_image, l.position))
        .collect();
    assert_eq!(
        recorded,
        [
            (
                "../after/recover.md#appeal",
                false,
                Position {
                    line: 12,
                    column: 3
                }
            ),
            (
                "#top",
                false,
                Position {
                    line: 12,
                    column: 38
                }
            ),
        ]
    );
}

#[test]
fn unresolved_relative_links_keep_their_destination() {
    let (html, found) = run("[a](notes.txt)", 1);
    assert!(html.contains("href=\"notes.txt\""));
    assert_eq!(found.links.len(), 1);
}

#[test]
fn images_are_lazy_with_alt_text() {
    let (html, found) = run(
        "![说明 *图*](<img/a b.png> \"t\") ![](https://q.cn/r.png)",
        3,
    );
    assert_eq!(
        html,
        "<p><img src=\"img/a%20b.png\" alt=\"说明 图\" title=\"t\" loading=\"lazy\"> \
         <a href=\"https://q.cn/r.png\" class=\"image-link external\" rel=\"external noopener\">\
         <img src=\"https://q.cn/r.png\" alt=\"\" loading=\"lazy\" referrerpolicy=\"no-referrer\" \
         data-fallback=\"图片未能加载，可打开原图：\">\
         <span class=\"visually-hidden\">（外部链接）</span></a></p>\n"
    );
    assert_eq!(found.links.len(), 1);
    assert!(found.links[0].is_image);
    assert_eq!(found.links[0].position, Position { line: 3, column: 1 });
}

#[test]
fn tencent_id_links_become_anchors() {
    let (html, found) = run("[](id:step6)第六步", 1);
    assert_eq!(html, "<p><span id=\"step6\"></span>第六步</p>\n");
    assert_eq!(found.anchors, ["step6"]);
    assert!(found.links.is_empty());
}

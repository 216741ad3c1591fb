//! Whole-page tests of [`render`]: adapters working together, and snapshots
//! of the HTML of representative fragments (reviewed in `snapshots/`).

use super::test_support::{TestResolver, labels};
use super::*;

fn render_at(source: &str, first_line: usize) -> Rendered {
    let labels = labels();
    render(&RenderInput {
        source,
        first_line,
        resolver: &TestResolver,
        labels: &labels,
        shortcodes: None,
    })
}

fn render_md(source: &str) -> Rendered {
    render_at(source, 1)
}

#[test]
fn snapshot_step_list() {
    let source = "\
## 离职前相关操作 {#before}

1. [ ] 解绑个人手机号 {#unbind-phone}
2. [x] 在 [**账号信息**](https://console.cloud.tencent.com/developer) 解绑个人邮箱
   - [ ] 解绑 QQ 号
   - 说明：非任务项
3. 普通步骤

- [ ] 注销该子账号 {#delete-sub-account}

  注销前准备[材料](materials.md#list)。

- [ ] 再次确认
";
    insta::assert_snapshot!(render_md(source).html);
}

#[test]
fn snapshot_admonitions() {
    let source = "\
>?注销过程中，如有疑惑，请参考 [注销账号方面](https://cloud.tencent.com/document/product/378/30252) 文档。

>!
>注销后无法恢复。

>![](https://qcloudimg.tencent-cloud.cn/raw/a.png)

> [!TIP]
> 可以先导出数据。
";
    insta::assert_snapshot!(render_md(source).html);
}

#[test]
fn snapshot_headings_and_toc() {
    let source = "\
本文涉及内容为员工离职前解绑腾讯云账号的操作指引。

## 离职前相关操作
### Unbind QQ 号
## 注销账号步骤
### 注意事项 {#notes .important}
### 注意事项
#### 细节
## 离职前相关操作
";
    let rendered = render_md(source);
    let toc: Vec<String> = rendered
        .toc
        .iter()
        .flat_map(|entry| {
            std::iter::once(format!("{} #{} {}", entry.level, entry.id, entry.title)).chain(
                entry
                    .children
                    .iter()
                    .map(|child| format!("  {} #{} {}", child.level, child.id, child.title)),
            )
        })
        .collect();
    insta::assert_snapshot!(format!(
        "{}\n--- toc ---\n{}",
        rendered.html,
        toc.join("\n")
    ));
}

#[test]
fn snapshot_links_and_images() {
    let source = "\
详见 [找回账号](../after/recover.md#appeal)、[本页](#before)、[首页](/) 与 https://cloud.tencent.com/。
邮件 <it@example.com>；www.qq.com，以及 `https://not.a.link`。

![控制台截图](img/console.png \"截图\")
[](id:step6)<span id=\"raw\"></span>脚注[^1]

[^1]: 脚注内容
";
    insta::assert_snapshot!(render_md(source).html);
}

#[test]
fn heading_and_step_ids_share_one_namespace() {
    let rendered = render_md("## 解绑手机号\n\n- [ ] 解绑手机号\n- [ ] 解绑手机号\n");
    let step_ids: Vec<_> = rendered.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(rendered.toc[0].id, "解绑手机号");
    assert_eq!(step_ids, ["解绑手机号-1", "解绑手机号-2"]);
    assert!(rendered.errors.is_empty());
}

#[test]
fn duplicate_explicit_ids_are_errors_at_the_second() {
    let source = "## 开始 {#phone}\n\n- [ ] 解绑手机号 {#phone}\n- [ ] 解绑邮箱 {#mail}\n- [x] 再解绑 {#mail}\n";
    let rendered = render_at(source, 7);
    let errors: Vec<_> = rendered
        .errors
        .iter()
        .map(|e| (e.message.as_str(), e.position))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "duplicate id `phone` on this page",
                Position {
                    line: 9,
                    column: 13
                }
            ),
            (
                "duplicate id `mail` on this page",
                Position {
                    line: 11,
                    column: 11
                }
            ),
        ]
    );
    assert_eq!(rendered.errors[0].hint, "give one of them another `{#id}`");
}

#[test]
fn steps_without_text_are_errors_unless_an_image_names_them() {
    let rendered = render_at("- [ ] ![解绑页面截图](a.png)\n- [ ] {#empty}\n", 10);
    let errors: Vec<_> = rendered
        .errors
        .iter()
        .map(|e| (e.message.as_str(), e.position))
        .collect();
    assert_eq!(
        errors,
        [(
            "this step has no text",
            Position {
                line: 11,
                column: 1
            }
        )]
    );
}

#[test]
fn steps_are_described_in_document_order() {
    let source = "intro\n\n- [ ] 解绑 **个人** 手机号 {#unbind-phone}\n  - [x] 嵌套\n";
    let rendered = render_at(source, 3);
    let steps: Vec<_> = rendered
        .steps
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.explicit,
                s.text.as_str(),
                s.label_html.as_str(),
                s.checked,
                s.position,
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                "unbind-phone",
                true,
                "解绑 个人 手机号",
                "解绑 <strong>个人</strong> 手机号",
                false,
                Position { line: 5, column: 1 }
            ),
            (
                "嵌套",
                false,
                "嵌套",
                "嵌套",
                true,
                Position { line: 6, column: 3 }
            ),
        ]
    );
    assert!(rendered.html.contains("<!--offboard-step-meta:1-->"));
}

#[test]
fn anchors_list_every_id_once() {
    let source = "## A {#a}\n\n- [ ] s {#s}\n\n<span id=\"step6\"></span> [](id:Name)[^n]\n\n[^n]: x\n\n<div id=\"a\"></div>\n";
    let rendered = render_md(source);
    let mut anchors = rendered.anchors.clone();
    anchors.sort();
    assert_eq!(anchors, ["Name", "a", "n", "s", "step6"]);
}

#[test]
fn links_are_recorded_with_file_positions() {
    let source =
        "第一行\n\n见 [页面](other.md#x)，![图](a.png) 和 [锚](#top)，[外](https://a.com)\n";
    let rendered = render_at(source, 20);
    let links: Vec<_> = rendered
        .links
        .iter()
        .map(|l| (l.destination.as_str(), l.is_image, l.position))
        .collect();
    assert_eq!(
        links,
        [
            (
                "other.md#x",
                false,
                Position {
                    line: 22,
                    column: 3
                }
            ),
            (
                "a.png",
                true,
                Position {
                    line: 22,
                    column: 20
                }
            ),
            (
                "#top",
                false,
                Position {
                    line: 22,
                    column: 34
                }
            ),
        ]
    );
    assert!(rendered.html.contains("href=\"other/#x\""));
}

#[test]
fn text_blocks_cover_the_page_and_each_step_once() {
    let source = "引言 `code`\n\n## 解绑 {#unbind}\n\n- [ ] 解绑手机号 {#phone}\n\n```\nrm -rf\n```\n\n<b>html</b>\n";
    let blocks = render_md(source).text_blocks;
    let summary: Vec<_> = blocks
        .iter()
        .map(|b| {
            (
                b.anchor.as_deref(),
                b.title.as_str(),
                b.is_step,
                b.text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (None, "", false, "引言 code"),
            (Some("unbind"), "解绑", false, "rm -rf html"),
            (Some("phone"), "解绑手机号", true, "解绑手机号"),
        ]
    );
}

#[test]
fn external_label_text_is_not_search_text() {
    let rendered = render_md(">? 见 https://a.com\n");
    assert_eq!(rendered.text_blocks[0].text, "见 https://a.com");
    assert!(rendered.html.contains("（外部链接）"));
}

#[test]
fn the_seed_guide_renders_without_errors() {
    let source = include_str!("../../tests/fixtures/tencent-cloud-offboarding.zh-CN.md");
    let rendered = render_md(source);
    assert!(rendered.errors.is_empty());
    let toc: Vec<_> = rendered.toc.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(toc, ["离职前相关操作", "注销账号步骤", "离职后相关操作"]);
    assert!(rendered.html.contains("<aside class=\"admonition note\""));
    assert_eq!(rendered.html.matches("loading=\"lazy\"").count(), 5);
}

#[test]
fn hostile_input_does_not_panic() {
    for source in [
        "",
        "- [ ]",
        "- [ ] {#}",
        "> ",
        ">?",
        ">!",
        "#",
        "[](id:)",
        "- [x] {#a}\n- [x] {#a}",
        "\u{feff}号\r\n- [ ] é {#é}\r\n",
    ] {
        let _ = render_md(source);
    }
}

#[test]
fn explicit_ids_that_are_not_valid_are_errors_where_written() {
    let rendered = render_at("## 开始 {#a%b}\n\n- [ ] 解绑手机号 {#unbind phone}\n", 3);
    let errors: Vec<_> = rendered
        .errors
        .iter()
        .map(|e| (e.message.as_str(), e.position.line, e.position.column))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "the id `a%b` holds `%`, which a link to it cannot hold as written",
                3,
                7
            ),
            ("the id `unbind phone` holds a space", 5, 13),
        ]
    );
    assert_eq!(
        rendered.errors[1].hint,
        "an id is one word that links can name as `#id`: no spaces and none of \" # % < > [ \\ ] ^ ` { | }; \
         e.g. `{#unbind-phone}`"
    );
}

#[test]
fn script_and_data_links_are_dropped_with_a_warning_and_their_text_kept() {
    let source = "[a](javascript:alert(1)) <JaVaScRiPt:alert(2)> [b](< \tvbscript:x>) [c](data:text/html,x)\n\n\
                  ![d](data:image/png;base64,AA) ![e](javascript:x) [f](https://a.com) <b onclick=\"x\">raw</b>\n";
    let rendered = render_at(source, 4);
    assert_eq!(
        rendered.html,
        "<p>a JaVaScRiPt:alert(2) b c</p>\n<p><img src=\"data:image/png;base64,AA\" alt=\"d\" \
         loading=\"lazy\"> e <a href=\"https://a.com\" class=\"external\" \
         rel=\"external noopener\">f<span class=\"visually-hidden\">（外部链接）</span></a> \
         <b onclick=\"x\">raw</b></p>\n"
    );
    let warned: Vec<_> = rendered
        .warnings
        .iter()
        .map(|w| (w.message.as_str(), w.position.line, w.position.column))
        .collect();
    let message = |what: &str, scheme: &str| {
        format!(
            "dropped {what} to a `{scheme}:` URL: it could run script or pose as this site; its text is kept"
        )
    };
    assert_eq!(
        warned,
        [
            (message("a link", "javascript").as_str(), 4, 1),
            (message("a link", "javascript").as_str(), 4, 26),
            (message("a link", "vbscript").as_str(), 4, 48),
            (message("a link", "data").as_str(), 4, 68),
            (message("an image", "javascript").as_str(), 6, 32),
        ]
    );
    assert!(rendered.errors.is_empty());
}

#[test]
fn anchor_links_with_an_invalid_id_are_errors() {
    let rendered = render_at("x [](<id:a b>) [](id:ok)\n", 2);
    let errors: Vec<_> = rendered
        .errors
        .iter()
        .map(|e| (e.message.as_str(), e.position.line, e.position.column))
        .collect();
    assert_eq!(errors, [("the anchor id `a b` holds a space", 2, 3)]);
}

#[test]
fn remote_image_sources_locate_the_address_as_written() {
    let source = "![a https://x.example/a.png](https://x.example/a.png \"https://x.example/a.png\")\n\n\
                  - [ ] ![b](<//cdn.example/b c.png>) ![local](c.png)\n\n\
                  ![ref][r] ![esc](https://x.example/a\\_b.png)\n\n[r]: https://x.example/r.png\n";
    let found = super::remote_image_sources(source, 5);
    let spans: Vec<(&str, Option<&str>, usize)> = found
        .iter()
        .map(|image| {
            (
                image.url.as_str(),
                image.span.clone().map(|span| &source[span]),
                image.position.line,
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            (
                "https://x.example/a.png",
                Some("https://x.example/a.png"),
                5
            ),
            ("//cdn.example/b c.png", Some("//cdn.example/b c.png"), 7),
            ("https://x.example/r.png", None, 9),
            ("https://x.example/a_b.png", None, 9),
        ]
    );
    // The first one's span is the destination, not the alt text or title.
    assert_eq!(found[0].span.clone().map(|span| span.start), Some(29));
}

//! Generated pages that have no Markdown source: the 404 page and
//! `sitemap.xml` (only when `base_url` is known, since a sitemap needs
//! absolute URLs).

use std::fmt::Write as _;

use pulldown_cmark_escape::escape_html;
use serde_json::json;

use super::RenderContext;
use crate::diagnostic::Diagnostic;
use crate::urls::absolute_url;

/// Renders `404.html`. Servers show it at any depth, so with a `base_url`
/// its links are absolute; without one they are relative to the root.
pub fn render_not_found(ctx: &RenderContext<'_>) -> Result<String, Diagnostic> {
    let mut context = ctx.base_context("", "404", None);
    if let Some(base) = &ctx.site.config.base_url {
        let prefix = ctx
            .languages
            .and_then(|languages| languages.entries.get(ctx.language_index))
            .map_or("", |entry| entry.prefix.as_str());
        context.insert("root", &format!("{base}{prefix}"));
        context.insert("assets_root", base);
        let absolute = |list: &[String]| {
            list.iter()
                .map(|s| {
                    let inner = if s.starts_with(super::THEME_ASSETS) {
                        ""
                    } else {
                        prefix
                    };
                    format!("{base}{inner}{s}")
                })
                .collect::<Vec<_>>()
        };
        context.insert("stylesheets", &absolute(ctx.stylesheets));
        context.insert("scripts", &absolute(ctx.scripts));
    }
    let from = context
        .get("root")
        .and_then(|root| root.as_str())
        .filter(|_| ctx.site.config.base_url.is_some())
        .unwrap_or("")
        .to_owned();
    let from = from.as_str();
    let nav: Vec<_> = ctx
        .navigation
        .sidebar(None, "")
        .into_iter()
        .map(|mut item| {
            // After a base URL, a first segment with a colon needs no `./`.
            let url = match item.url.strip_prefix("./") {
                Some(rest) if !from.is_empty() => rest,
                _ => &item.url,
            };
            item.url = format!("{from}{url}");
            item
        })
        .collect();
    context.insert("nav", &nav);
    context.insert("nav_hidden", &ctx.navigation.sidebar_hidden(None));
    context.insert("breadcrumbs", &Vec::<()>::new());
    context.insert("previous", &None::<()>);
    context.insert("next", &None::<()>);
    context.insert("pages", &Vec::<()>::new());
    context.insert("groups", &Vec::<()>::new());
    context.insert(
        "page",
        &json!({
            "title": ctx.language.word("not_found_title"),
            "description": "",
            "content": "",
            "toc": [],
            "key": "404",
            "step_count": 0,
            "extra": {},
        }),
    );
    ctx.templates.render("404.html", &context)
}

/// `sitemap.xml` listing every page and the checklist, or `None` without a
/// `base_url`. On a site with a second language, the default language's
/// lists every language's pages, each with its alternates
/// (`xhtml:link`); a second language writes none.
pub fn sitemap(ctx: &RenderContext<'_>) -> Option<String> {
    let base = ctx.site.config.base_url.as_deref()?;
    if let Some(languages) = ctx.languages {
        return (ctx.language_index == 0).then(|| sitemap_of_languages(ctx, languages, base));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let urls = ctx
        .navigation
        .reading_order()
        .iter()
        .map(|&page| ctx.site.pages[page].url.as_str())
        .chain(std::iter::once(super::CHECKLIST_URL));
    for url in urls {
        let mut escaped = String::new();
        let _ = escape_html(&mut escaped, &absolute_url(base, url));
        let _ = writeln!(xml, "  <url><loc>{escaped}</loc></url>");
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

/// The sitemap of a site with several languages: every page (and the
/// checklist) in every language, each entry naming the others.
fn sitemap_of_languages(
    ctx: &RenderContext<'_>,
    languages: &crate::languages::SiteLanguages,
    base: &str,
) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let entries = ctx
        .navigation
        .reading_order()
        .iter()
        .map(|&page| (Some(ctx.site.pages[page].key.as_str()), ""))
        .chain(std::iter::once((None, super::CHECKLIST_URL)));
    let escape = |text: &str| {
        let mut escaped = String::new();
        let _ = escape_html(&mut escaped, text);
        escaped
    };
    for (key, folder) in entries {
        let urls = languages.absolute(base, key, folder);
        for (_, url) in &urls {
            let _ = writeln!(xml, "  <url><loc>{}</loc>", escape(url));
            for (tag, other) in &urls {
                let _ = writeln!(
                    xml,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape(tag),
                    escape(other)
                );
            }
            xml.push_str("  </url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

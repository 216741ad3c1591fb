//! Shared fixtures for the markdown tests: interface words and a resolver.

use super::{Labels, LinkResolver};

/// The site's words in Chinese, as the bundled site uses them.
pub(super) fn labels() -> Labels {
    Labels {
        note: "说明".into(),
        tip: "提示".into(),
        important: "重要".into(),
        warning: "注意".into(),
        caution: "警告".into(),
        external_link: "（外部链接）".into(),
        image_failed: "图片未能加载，可打开原图：".into(),
    }
}

/// Resolves `x.md#f` to `x/#f`; destinations not ending in `.md` are kept.
pub(super) struct TestResolver;

impl LinkResolver for TestResolver {
    fn resolve(&self, destination: &str) -> Option<String> {
        let (path, fragment) = destination.split_once('#').unwrap_or((destination, ""));
        let page = path.strip_suffix(".md")?;
        Some(if fragment.is_empty() {
            format!("{page}/")
        } else {
            format!("{page}/#{fragment}")
        })
    }
}

//! Code highlighting at build time, with CSS classes only.
//!
//! A fenced code block whose language is known is split into tokens by
//! syntect's grammars (the Sublime Text grammars `bat` ships, through the
//! `two-face` crate: shell, TOML, YAML, JSON, Python, SQL, PowerShell and
//! some 200 more). Each token's scope is matched against a short table of
//! kinds ([`KINDS`]: comment, string, keyword, …) and written as
//! `<span class="hl-KIND">` (`hl-c` for a comment, `hl-k` a keyword, …): no inline styles, so pages keep working under a
//! strict `Content-Security-Policy`, and one small stylesheet
//! (`themes/default/static/code.css`) colours every language, light and dark
//! (`prefers-color-scheme`). Kinds rather than the grammars' full scope names
//! keep the markup small: a page's HTML grows by about a tag per token.
//!
//! Guides repeat the same commands and snippets from page to page, so each
//! block's markup is kept (up to [`CACHE_LIMIT_BYTES`]) and reused when the
//! same code in the same language comes again, in this build or the next
//! rebuild of `serve`.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use syntect::highlighting::{
    Color, HighlightIterator, HighlightState, Highlighter, ScopeSelectors, StyleModifier, Theme,
    ThemeItem,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::markdown::push_escaped_html;

/// Prefix of every class the highlighter writes (`hl-keyword`, …), so that
/// they cannot clash with the theme's own classes.
pub const CLASS_PREFIX: &str = "hl-";

/// The kinds of token: the class each gets (after [`CLASS_PREFIX`]; short
/// names from Pygments, as a page holds one per token) and the scope
/// selectors (`TextMate` syntax) it covers. Where several match, the most
/// specific selector wins. Operators and punctuation stay plain text: they
/// are the most frequent tokens, and colouring them mostly adds noise.
pub const KINDS: &[(&str, &str)] = &[
    ("c", "comment, punctuation.definition.comment"),
    ("s", "string, constant.other.symbol, meta.string"),
    (
        "m",
        "constant.numeric, constant.language, constant.character.escape",
    ),
    ("k", "keyword, storage, keyword.control"),
    ("o", "keyword.operator, punctuation.separator.key-value"),
    (
        "nf",
        "entity.name.function, support.function, variable.function, meta.function-call.identifier",
    ),
    (
        "kt",
        "entity.name.type, entity.name.class, support.type, support.class, storage.type, entity.name.tag",
    ),
    (
        "nv",
        "variable.other, variable.parameter, variable.language, punctuation.definition.variable, \
         support.variable",
    ),
    (
        "na",
        "entity.name.section, entity.other.attribute-name, support.type.property-name, \
         meta.mapping.key string, entity.name.tag.yaml, meta.tag.table, entity.name.table",
    ),
];

/// The kind that is matched (so that `keyword.operator` is not taken for a
/// keyword) but written as plain text.
const PLAIN_KIND: &str = "o";

/// How many bytes of highlighted markup the cache holds before it is
/// emptied and starts again.
pub const CACHE_LIMIT_BYTES: usize = 16 << 20;

/// Cache key: (language as written, code).
type Key = (Box<str>, Box<str>);

/// The cache of highlighted blocks and the bytes it holds.
#[derive(Default)]
struct Cache {
    entries: HashMap<Key, Arc<str>>,
    bytes: usize,
}

/// The grammars, loaded on first use.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// A theme whose "colours" are kind numbers: red 1 is `KINDS[0]`, and so
/// on; 0 is plain text.
fn kinds_theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| Theme {
        scopes: KINDS
            .iter()
            .enumerate()
            .filter_map(|(index, (_, selectors))| {
                Some(ThemeItem {
                    scope: ScopeSelectors::from_str(selectors).ok()?,
                    style: StyleModifier {
                        foreground: Some(Color {
                            r: u8::try_from(index + 1).ok()?,
                            g: 0,
                            b: 0,
                            a: 255,
                        }),
                        ..StyleModifier::default()
                    },
                })
            })
            .collect(),
        ..Theme::default()
    })
}

/// The kind number of [`PLAIN_KIND`].
fn plain_kind() -> u8 {
    KINDS
        .iter()
        .position(|(name, _)| *name == PLAIN_KIND)
        .and_then(|index| u8::try_from(index + 1).ok())
        .unwrap_or(0)
}

/// The cache, shared by every rendering thread.
fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// The grammar for a fence's language (`bash`, `sh`, `toml`, `py`,
/// `powershell`, `ps1`, …: a name or a file extension), or `None` if there
/// is none (the block is then written as plain text).
fn syntax_for(language: &str) -> Option<&'static SyntaxReference> {
    if language.is_empty() {
        return None;
    }
    let set = syntaxes();
    let lower = language.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "shell" | "console" | "zsh" => "bash",
        "pwsh" | "ps" => "ps1",
        "yml" => "yaml",
        "jsonc" => "json",
        "py3" | "python3" => "py",
        other => other,
    };
    set.find_syntax_by_token(alias)
        .filter(|syntax| syntax.name != "Plain Text")
}

/// Highlighted inner HTML of a code block (what goes inside `<code>`), or
/// `None` when the language has no grammar. The text is escaped; every
/// token that is not plain text is a `<span class="hl-KIND">`.
pub fn highlight(language: &str, code: &str) -> Option<Arc<str>> {
    let key: Key = (language.into(), code.into());
    if let Some(found) = lock(cache()).entries.get(&key) {
        return Some(Arc::clone(found));
    }
    let html: Arc<str> = highlight_uncached(syntax_for(language)?, code)?.into();
    let mut cache = lock(cache());
    let size = html.len() + key.0.len() + key.1.len();
    if cache.bytes + size > CACHE_LIMIT_BYTES {
        cache.entries = HashMap::new();
        cache.bytes = 0;
    }
    cache.bytes += size;
    cache.entries.insert(key, Arc::clone(&html));
    Some(html)
}

/// Locks the cache; a thread that panicked while holding it left it whole
/// (every change is one insert), so a poisoned lock is used as it is.
fn lock(cache: &Mutex<Cache>) -> std::sync::MutexGuard<'_, Cache> {
    cache.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Highlights `code` with `syntax`; `None` if the grammar fails on it (a
/// regex error in a grammar), so the block is written as plain text.
fn highlight_uncached(syntax: &SyntaxReference, code: &str) -> Option<String> {
    let highlighter = Highlighter::new(kinds_theme());
    let mut parse = ParseState::new(syntax);
    let mut state = HighlightState::new(&highlighter, ScopeStack::new());
    let mut out = String::with_capacity(code.len() * 2);
    for line in LinesWithEndings::from(code) {
        let ops = parse.parse_line(line, syntaxes()).ok()?;
        let mut open: u8 = 0;
        for (style, text) in HighlightIterator::new(&mut state, &ops, line, &highlighter) {
            let kind = match style.foreground.r {
                kind if kind == plain_kind() => 0,
                kind => kind,
            };
            if kind != open {
                if open != 0 {
                    out.push_str("</span>");
                }
                if kind != 0 {
                    let name = KINDS
                        .get(usize::from(kind) - 1)
                        .map_or("", |(name, _)| name);
                    out.push_str("<span class=\"");
                    out.push_str(CLASS_PREFIX);
                    out.push_str(name);
                    out.push_str("\">");
                }
                open = kind;
            }
            push_escaped_html(&mut out, text);
        }
        if open != 0 {
            out.push_str("</span>");
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_classes(html: &str) -> usize {
        html.matches("<span class=\"hl-").count()
    }

    #[test]
    fn the_languages_of_guides_are_highlighted() {
        for (language, code) in [
            ("bash", "echo \"$HOME\" # home\n"),
            ("sh", "ls -la\n"),
            ("shell", "export A=1\n"),
            ("toml", "[site]\ntitle = \"x\"\n"),
            ("yaml", "steps:\n  - name: x\n"),
            ("yml", "a: 1\n"),
            ("json", "{\"a\": [1, true]}\n"),
            ("python", "def f(x):\n    return x\n"),
            ("py", "import os\n"),
            ("sql", "SELECT id FROM users WHERE a = 1;\n"),
            ("powershell", "Get-ChildItem -Path C:\\ | Remove-Item\n"),
            ("ps1", "$x = 1\n"),
            ("rust", "fn main() {}\n"),
        ] {
            let html = highlight(language, code).unwrap_or_else(|| panic!("{language}"));
            assert!(span_classes(&html) >= 1, "{language}: {html}");
            assert!(!html.contains("style="), "{language}: {html}");
        }
    }

    #[test]
    fn unknown_and_empty_languages_are_not_highlighted() {
        assert!(highlight("", "x\n").is_none());
        assert!(highlight("no-such-language", "x\n").is_none());
        assert!(highlight("text", "x\n").is_none());
    }

    #[test]
    fn code_is_escaped() {
        let html = highlight("bash", "echo '<script>&'\n").unwrap_or_default();
        assert!(html.contains("&lt;script&gt;&amp;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn a_repeated_block_comes_from_the_cache() {
        let first = highlight("toml", "cache-test = 1\n").unwrap_or_default();
        let second = highlight("toml", "cache-test = 1\n").unwrap_or_default();
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(
            &*first,
            highlight_uncached(syntax_for("toml").expect("toml"), "cache-test = 1\n")
                .expect("html")
        );
    }

    #[test]
    fn every_kind_is_coloured_in_light_and_dark() {
        let css = include_str!("../themes/default/static/code.css");
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark)")
            .expect("code.css has a dark part");
        for (kind, _) in KINDS.iter().filter(|(kind, _)| *kind != PLAIN_KIND) {
            let rule = format!(".hl-{kind} {{");
            assert!(light.contains(&rule), "light: {rule}");
            assert!(dark.contains(&rule), "dark: {rule}");
        }
        assert_eq!(
            kinds_theme().scopes.len(),
            KINDS.len(),
            "every selector parses"
        );
    }

    #[test]
    fn tokens_get_their_kinds() {
        let html = highlight("toml", "[site]\ntitle = \"x\" # c\nn = 10\n").unwrap_or_default();
        assert!(html.contains("<span class=\"hl-c\"># c"), "{html}");
        assert!(
            html.contains("<span class=\"hl-s\">&quot;x&quot;</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-m\">10</span>"), "{html}");
        assert!(
            html.contains("title</span> = <span"),
            "operators are plain: {html}"
        );
        let html = highlight("bash", "echo $HOME\n").unwrap_or_default();
        assert!(html.contains("hl-nv"), "{html}");
        let html = highlight("python", "def f():\n    return 1\n").unwrap_or_default();
        assert!(html.contains("<span class=\"hl-k\">def</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-nf\">f</span>"), "{html}");
    }
}

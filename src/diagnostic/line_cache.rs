//! Quoting many lines of one file: the file's lines are indexed once, by
//! the first diagnostic that quotes it, so each further diagnostic costs a
//! line rather than a scan of the whole file.

use std::sync::OnceLock;

use super::Diagnostic;

/// One file's lines, indexed by the first diagnostic that quotes the file, so
/// that each further one costs a line rather than a scan of the whole file
/// (150,000 broken links on one page took minutes to report before).
#[derive(Debug, Clone, Default)]
pub struct LineCache(OnceLock<Option<Lines>>);

#[derive(Debug, Clone)]
struct Lines {
    text: String,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl LineCache {
    /// Adds the source line to `diagnostic` as [`Diagnostic::with_source`]
    /// does. `text` gives the file's text the first time (`None` when it
    /// cannot be had: the diagnostic then quotes nothing).
    pub fn quote(
        &self,
        diagnostic: Diagnostic,
        text: impl FnOnce() -> Option<String>,
    ) -> Diagnostic {
        let lines = self.0.get_or_init(|| {
            text().map(|text| Lines {
                starts: std::iter::once(0)
                    .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1))
                    .collect(),
                text,
            })
        });
        let (Some(lines), Some((line, _))) = (lines, diagnostic.location) else {
            return diagnostic;
        };
        // The same line `str::lines` gives: none past the end, and without
        // its `\n` or `\r\n`.
        let text = lines
            .starts
            .get(line.saturating_sub(1))
            .filter(|&&start| start < lines.text.len())
            .map(|&start| {
                let end = lines
                    .starts
                    .get(line)
                    .map_or(lines.text.len(), |&next| next);
                let text = &lines.text[start..end];
                let text = text.strip_suffix('\n').unwrap_or(text);
                text.strip_suffix('\r').unwrap_or(text)
            });
        diagnostic.quote_line(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_cache_quotes_the_lines_with_source_quotes() {
        let text = "one\r\ntwo\n\nfour\n";
        let cache = LineCache::default();
        for line in 1..=6 {
            let diagnostic = Diagnostic::new("a.md", "x").at(line, 2);
            let cached = cache.quote(diagnostic.clone(), || Some(text.to_owned()));
            assert_eq!(cached, diagnostic.with_source(text), "line {line}");
        }
        let unreadable = LineCache::default();
        let diagnostic = Diagnostic::new("a.md", "x").at(1, 1);
        assert_eq!(unreadable.quote(diagnostic.clone(), || None), diagnostic);
    }

    #[test]
    fn a_line_cache_reads_the_text_once() {
        let cache = LineCache::default();
        let reads = std::cell::Cell::new(0);
        for line in 1..=3 {
            let diagnostic = Diagnostic::new("a.md", "x").at(line, 1);
            let quoted = cache.quote(diagnostic, || {
                reads.set(reads.get() + 1);
                Some("a\nb\nc".to_owned())
            });
            assert!(quoted.source_line.is_some());
        }
        assert_eq!(reads.get(), 1);
    }
}

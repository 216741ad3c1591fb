//! Byte offsets → file positions (1-based line and column, in characters).
//!
//! pulldown-cmark reports byte ranges into the Markdown body; authors need
//! `file:line:col` in the file they edit, where the body starts after the
//! front matter. A table of line starts makes each lookup a binary search.

use super::Position;

/// Line starts of one Markdown body, and where that body starts in its file.
pub(super) struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
    first_line: usize,
}

impl<'a> LineIndex<'a> {
    /// Indexes `source`, whose first line is line `first_line` (1-based) of
    /// the file.
    pub(super) fn new(source: &'a str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self {
            source,
            starts,
            first_line: first_line.max(1),
        }
    }

    /// The file position of byte `offset` of the body. Offsets past the end
    /// or inside a character are moved back to the nearest character start.
    pub(super) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset).max(1) - 1;
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = self
            .source
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        Position {
            line: self.first_line + line,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn first_byte_is_first_line_first_column() {
        let index = LineIndex::new("abc\ndef", 1);
        assert_eq!(index.position(0), pos(1, 1));
        assert_eq!(index.position(2), pos(1, 3));
    }

    #[test]
    fn later_lines_are_shifted_by_first_line() {
        let index = LineIndex::new("abc\ndef\n", 5);
        assert_eq!(index.position(4), pos(6, 1));
        assert_eq!(index.position(6), pos(6, 3));
        assert_eq!(index.position(8), pos(7, 1));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let index = LineIndex::new("- 解绑手机号 {#x}", 1);
        let offset = "- 解绑手机号 ".len();
        assert_eq!(index.position(offset), pos(1, 9));
    }

    #[test]
    fn offsets_out_of_range_or_inside_a_char_do_not_panic() {
        let index = LineIndex::new("号", 0);
        assert_eq!(index.position(1), pos(1, 1));
        assert_eq!(index.position(99), pos(1, 2));
    }
}

//! Reading one source file an author wrote (a page, `site.toml`, a
//! template) with a bounded size. Parsing costs memory in proportion to the
//! text, and some shapes cost far more than others: a 1 MB line of `[` or of
//! `>` takes 100 to 260 MB while pulldown-cmark builds its tree. A file over
//! [`MAX_SOURCE_BYTES`] is refused before it is read, with an error that
//! names it, so one stray or hostile file cannot exhaust a machine's memory.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::fs::{self, Bounded};

/// The largest source file read, in bytes (1 MiB). The largest page of the
/// bundled guide is 4 KB; GitHub stops rendering Markdown files at 512 KB.
/// At this size the worst shape measured (a line of nested `>` quotes, or a
/// table of empty cells) peaks at about 260 MB while it is parsed.
pub const MAX_SOURCE_BYTES: u64 = 1024 * 1024;

/// Reads the source file `path` (shown as `shown` in messages) as UTF-8 text,
/// refusing a file larger than [`MAX_SOURCE_BYTES`]. `hint` says how to make
/// a too-large file smaller.
pub fn read_source(path: &Path, shown: &Path, hint: &str) -> Result<String, Diagnostic> {
    read_source_at_most(path, shown, hint, MAX_SOURCE_BYTES)
}

/// [`read_source`] with any limit, for tests.
fn read_source_at_most(
    path: &Path,
    shown: &Path,
    hint: &str,
    limit: u64,
) -> Result<String, Diagnostic> {
    match fs::read_at_most(path, limit) {
        Ok(Bounded::Read(bytes)) => super::decode_utf8(shown, bytes),
        Ok(Bounded::TooLarge(size)) => Err(Diagnostic::new(
            shown,
            format!(
                "the file is too large to read: {}, and a source file may be at most {}",
                describe_size(size),
                describe_size(limit)
            ),
        )
        .hint(hint)),
        Err(error) => Err(Diagnostic::new(shown, format!("{error:#}"))),
    }
}

/// A byte count as people read it: `3.5 MiB (3670016 bytes)`, `1 MiB`.
fn describe_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{:.1} MiB ({bytes} bytes)", bytes as f64 / MIB as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(size: usize) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "x".repeat(size)).expect("write");
        (dir, path)
    }

    #[test]
    fn a_file_at_the_limit_is_read() {
        let (_dir, path) = file_of(64);
        let text = read_source_at_most(&path, Path::new("a.md"), "split it", 64).expect("read");
        assert_eq!(text.len(), 64);
    }

    #[test]
    fn a_file_over_the_limit_names_its_size_the_limit_and_a_hint() {
        let (_dir, path) = file_of(3 * 1024 * 1024 + 1);
        let error =
            read_source(&path, Path::new("content/a.md"), "split the page").expect_err("too large");
        insta::assert_snapshot!(error.to_string(), @r"
        error: content/a.md: the file is too large to read: 3.0 MiB (3145729 bytes), and a source file may be at most 1 MiB
          = hint: split the page
        ");
    }

    #[test]
    fn a_missing_file_names_its_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let error = read_source(&dir.path().join("gone.md"), Path::new("gone.md"), "")
            .expect_err("missing");
        assert!(error.message.contains("gone.md"), "{}", error.message);
    }
}

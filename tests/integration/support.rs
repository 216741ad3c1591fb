//! A small builder for integration tests: write a site into a temporary
//! folder, run the real `offboard-site` binary on it, and look at the result.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_offboard-site");

/// A minimal valid `site.toml`.
pub const SITE_TOML: &str = "title = \"Test\"\nlanguage = \"en\"\n[[roles]]\nid = \"employee\"\nlabel = \"Employee\"\n[[roles]]\nid = \"admin\"\nlabel = \"Admin\"\n[[phases]]\nid = \"before\"\nlabel = \"Before\"\n[[phases]]\nid = \"after\"\nlabel = \"After\"\n";

/// A site in a temporary folder.
pub struct TestSite {
    dir: tempfile::TempDir,
}

/// What a run printed and how it ended.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts success and returns self.
    #[track_caller]
    pub fn success(self) -> Self {
        assert!(
            self.output.status.success(),
            "expected success, got {:?}\nstderr:\n{}",
            self.output.status,
            self.stderr()
        );
        self
    }

    /// Asserts a non-zero exit without a panic and returns stderr.
    #[track_caller]
    pub fn failure(self) -> String {
        let stderr = self.stderr();
        assert_eq!(
            self.output.status.code(),
            Some(1),
            "expected exit 1\nstderr:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "panicked:\n{stderr}");
        stderr
    }

    /// Asserts the exit status `code` without a panic and returns stderr.
    #[track_caller]
    pub fn failure_with_code(self, code: i32) -> String {
        let stderr = self.stderr();
        assert_eq!(self.output.status.code(), Some(code), "stderr:\n{stderr}");
        assert!(!stderr.contains("panicked"), "panicked:\n{stderr}");
        stderr
    }
}

impl TestSite {
    /// An empty folder.
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A site with the test `site.toml` and a home page.
    pub fn new() -> Self {
        Self::empty().file("site.toml", SITE_TOML).file(
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nWelcome.\n",
        )
    }

    /// A copy of a fixture site from `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Self {
        let site = Self::empty();
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            site.root(),
        );
        site
    }

    /// A copy of the bundled guide (site.toml and content/).
    pub fn bundled() -> Self {
        let site = Self::empty();
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(manifest.join("site.toml"), site.root().join("site.toml"))
            .expect("copy site.toml");
        copy_tree(&manifest.join("content"), &site.root().join("content"));
        site
    }

    /// Writes a file (creating folders).
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        let target = self.root().join(path);
        std::fs::create_dir_all(target.parent().expect("has parent")).expect("mkdir");
        std::fs::write(target, contents).expect("write file");
        self
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Runs the binary with `args` and `--root` pointing at this site.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = Command::new(BIN);
        command.args(args).arg("--root").arg(self.root());
        Run {
            output: command.output().expect("run binary"),
        }
    }

    /// `build --quiet`.
    pub fn build(&self) -> Run {
        self.run(&["build", "--quiet"])
    }

    /// Reads an output file as text.
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.public().join(relative))
            .unwrap_or_else(|error| panic!("read {relative}: {error}"))
    }
}

/// Copies a folder recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("below"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under a folder with its bytes, sorted by path.
pub fn snapshot_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let name = entry
                .path()
                .strip_prefix(root)
                .expect("below")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(entry.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}

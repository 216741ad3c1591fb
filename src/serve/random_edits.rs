//! Random edit sequences: after every edit, the site `serve` holds in
//! memory must equal, byte for byte, what a fresh `build` writes to disk
//! from the same sources; and when that build fails, `serve`'s rebuild
//! must fail too (keeping the last good site).
//!
//! A seeded generator makes a site of a few dozen pages in nested
//! sections, with steps, roles, phases, a question, conditions and
//! requirements across pages, then applies random edits through the same
//! [`Rebuilder`] `serve` uses: bodies, step texts, titles, weights, slugs,
//! roles, phases, conditions, requirements (some making cycles or pointing
//! at steps that go away), steps, pages and sections added and deleted, a
//! template changed or broken, `site.toml`, static files, and broken front
//! matter that a later edit fixes.
//!
//! `cargo test` runs a few short sequences with fixed seeds. A longer run:
//! `OFFBOARD_EDIT_RUNS=200 OFFBOARD_EDIT_SEED=7 cargo test --release --lib
//! serve::random_edits -- --nocapture` (each run is one seed, its
//! sequence printed when it fails, so a counterexample can be kept as a
//! plain regression test).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::change::classify;
use super::rebuild::{Outcome, Rebuilder};
use super::store::Snapshot;
use super::watch::Batch;
use crate::build::{BuildOptions, build_site};
use crate::incremental::FileMap;

/// A small deterministic generator (SplitMix64): the same seed, the same
/// sequence, on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "解绑",
    "手机号",
    "邮箱",
    "账号",
    "注销",
    "审核",
    "phone",
    "e-mail",
    "account",
    "review",
    "安全设置",
    "console",
];

/// One step of a page.
#[derive(Debug, Clone)]
struct StepModel {
    id: String,
    text: String,
    /// Other steps: `id` on the same page, or `path.md#id` (relative to
    /// `content/`, turned into a relative link when written).
    requires: Vec<String>,
    optional: bool,
    when_sub: bool,
}

/// One Markdown file under `content/`.
#[derive(Debug, Clone)]
struct PageModel {
    title: String,
    weight: u32,
    role: Option<&'static str>,
    phase: Option<&'static str>,
    slug: Option<String>,
    when: Option<&'static str>,
    custom_template: bool,
    body: Vec<String>,
    steps: Vec<StepModel>,
}

/// The generated site: its pages by path relative to `content/`.
struct SiteModel {
    pages: BTreeMap<String, PageModel>,
    next_id: usize,
}

impl SiteModel {
    /// A site of a few dozen pages; with `total_steps`, one more page that
    /// brings the site to that many steps, so that edits cross the size
    /// where the overview and the manifest split
    /// ([`crate::render::SPLIT_STEPS`]).
    fn generate(rng: &mut Rng, total_steps: usize) -> Self {
        let mut site = Self {
            pages: BTreeMap::new(),
            next_id: 0,
        };
        site.add_page(rng, "_index.md".to_owned());
        for section in ["a", "b", "a/c"] {
            site.add_page(rng, format!("{section}/_index.md"));
            for n in 0..5 {
                site.add_page(rng, format!("{section}/p{n}.md"));
            }
        }
        let small = site.all_steps().len();
        if total_steps > small {
            let steps = (small..total_steps).map(|_| site.new_step(rng)).collect();
            site.add_page(rng, "b/big.md".to_owned());
            site.page_mut("b/big.md").steps = steps;
        }
        site
    }

    fn page_mut(&mut self, path: &str) -> &mut PageModel {
        self.pages.get_mut(path).expect("a page of the model")
    }

    fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        format!("s{}", self.next_id)
    }

    fn add_page(&mut self, rng: &mut Rng, path: String) {
        let steps = (0..rng.below(4))
            .map(|_| self.new_step(rng))
            .collect::<Vec<_>>();
        let page = PageModel {
            title: format!("{} {}", rng.word(), self.next_id),
            weight: u32::try_from(rng.below(50)).unwrap_or(0),
            role: None,
            phase: None,
            slug: None,
            when: None,
            custom_template: false,
            body: vec![rng.word().to_owned()],
            steps,
        };
        self.pages.insert(path, page);
    }

    fn new_step(&mut self, rng: &mut Rng) -> StepModel {
        StepModel {
            id: self.fresh_id(),
            text: format!("{} {}", rng.word(), rng.word()),
            requires: Vec::new(),
            optional: false,
            when_sub: false,
        }
    }

    /// Every step, as `path#id`.
    fn all_steps(&self) -> Vec<(String, String)> {
        self.pages
            .iter()
            .flat_map(|(path, page)| {
                page.steps
                    .iter()
                    .map(move |step| (path.clone(), step.id.clone()))
            })
            .collect()
    }

    fn page_paths(&self) -> Vec<String> {
        self.pages.keys().cloned().collect()
    }
}

/// `target` (relative to `content/`) as a link from the page at `from`.
fn relative_link(from: &str, target: &str) -> String {
    let depth = from.matches('/').count();
    format!("{}{target}", "../".repeat(depth))
}

/// The file text of a page.
fn page_text(path: &str, page: &PageModel) -> String {
    let mut text = String::from("+++\n");
    let _ = writeln!(text, "title = \"{}\"", page.title);
    let _ = writeln!(text, "weight = {}", page.weight);
    for (key, value) in [("role", page.role), ("phase", page.phase)] {
        if let Some(value) = value {
            let _ = writeln!(text, "{key} = \"{value}\"");
        }
    }
    if let Some(slug) = &page.slug {
        let _ = writeln!(text, "slug = \"{slug}\"");
    }
    if let Some(answer) = page.when {
        let _ = writeln!(text, "when = {{ account = \"{answer}\" }}");
    }
    if page.custom_template {
        text.push_str("template = \"custom.html\"\n");
    }
    for step in &page.steps {
        let _ = writeln!(text, "[steps.{}]", step.id);
        if !step.requires.is_empty() {
            let list: Vec<String> = step
                .requires
                .iter()
                .map(|required| match required.split_once('#') {
                    Some((target, id)) => format!("\"{}#{id}\"", relative_link(path, target)),
                    None => format!("\"{required}\""),
                })
                .collect();
            let _ = writeln!(text, "requires = [{}]", list.join(", "));
        }
        if step.optional {
            text.push_str("optional = true\n");
        }
        if step.when_sub {
            text.push_str("when = { account = \"sub\" }\n");
        }
    }
    text.push_str("+++\n\n");
    for paragraph in &page.body {
        let _ = writeln!(text, "{paragraph}\n");
    }
    for step in &page.steps {
        let _ = writeln!(text, "- [ ] {} {{#{}}}", step.text, step.id);
    }
    text
}

const SITE_TOML: &str = "title = \"Random\"\nlanguage = \"zh-CN\"\nbase_url = \"https://example.com/\"\n\
[[roles]]\nid = \"employee\"\nlabel = \"离职员工\"\n[[roles]]\nid = \"admin\"\nlabel = \"管理员\"\n\
[[phases]]\nid = \"before\"\nlabel = \"离职前\"\n[[phases]]\nid = \"after\"\nlabel = \"离职后\"\n\
[[questions]]\nid = \"account\"\nlabel = \"账号\"\n\
answers = [{ id = \"main\", label = \"主账号\" }, { id = \"sub\", label = \"子账号\" }]\n";

const CUSTOM_TEMPLATE: &str =
    "{% extends \"page.html\" %}{% block title %}Custom {{ page.title }}{% endblock title %}";

/// The sources on disk and the edits made to them.
struct Sources<'a> {
    root: &'a Path,
    model: SiteModel,
    /// A page whose front matter was broken: the next edit fixes it.
    broken_page: Option<String>,
    /// Paths (relative to the root) the current edit wrote or removed.
    changed: Vec<PathBuf>,
}

impl Sources<'_> {
    fn write(&mut self, relative: &str, text: &str) {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("make the folder");
        }
        std::fs::write(&path, text).expect("write a source");
        self.changed.push(PathBuf::from(relative));
    }

    fn remove(&mut self, relative: &str) {
        let path = self.root.join(relative);
        if path.is_dir() {
            for entry in walkdir::WalkDir::new(&path).into_iter().flatten() {
                if let Ok(inner) = entry.path().strip_prefix(self.root) {
                    self.changed.push(inner.to_path_buf());
                }
            }
            std::fs::remove_dir_all(&path).expect("remove a folder");
        } else if path.exists() {
            std::fs::remove_file(&path).expect("remove a file");
            self.changed.push(PathBuf::from(relative));
        }
    }

    fn write_page(&mut self, path: &str) {
        if let Some(page) = self.model.pages.get(path) {
            let text = page_text(path, page);
            self.write(&format!("content/{path}"), &text);
        }
    }

    fn write_all(&mut self) {
        self.write("site.toml", SITE_TOML);
        self.write("themes/default/templates/custom.html", CUSTOM_TEMPLATE);
        for path in self.model.page_paths() {
            self.write_page(&path);
        }
    }

    /// Mends what keeps the build failing (unknown roles, requirements and
    /// the broken template), so a sequence does not stay broken for long.
    fn repair(&mut self) -> String {
        self.changed.clear();
        for page in self.model.pages.values_mut() {
            if page.role == Some("nobody") {
                page.role = None;
            }
            for step in &mut page.steps {
                step.requires.clear();
            }
        }
        self.write("themes/default/templates/custom.html", CUSTOM_TEMPLATE);
        for path in self.model.page_paths() {
            self.write_page(&path);
        }
        "repair".to_owned()
    }

    /// Applies one random edit and says what it was; with `steps_only`, an
    /// edit that adds or removes a step.
    fn edit(&mut self, rng: &mut Rng, steps_only: bool) -> String {
        let kind = if steps_only {
            9 + rng.below(2)
        } else {
            rng.below(19)
        };
        self.edit_of_kind(rng, kind)
    }

    /// Applies the edit numbered `kind` (0–18) to a random page.
    #[allow(clippy::too_many_lines)]
    fn edit_of_kind(&mut self, rng: &mut Rng, kind: usize) -> String {
        self.changed.clear();
        if let Some(path) = self.broken_page.take() {
            self.write_page(&path);
            return format!("fix {path}");
        }
        let paths = self.model.page_paths();
        let path = rng.pick(&paths).clone();
        let description = match kind {
            0 | 1 => {
                let word = rng.word().to_owned();
                self.page(&path).body.push(word);
                "body"
            }
            2 => {
                let words = format!("{} {}", rng.word(), rng.below(100));
                match self.page(&path).steps.first_mut() {
                    Some(step) => step.text = words,
                    None => self.page(&path).body.push(words),
                }
                "step text"
            }
            3 => {
                self.page(&path).title = format!("{} {}", rng.word(), rng.below(100));
                "title"
            }
            4 => {
                self.page(&path).weight = u32::try_from(rng.below(50)).unwrap_or(0);
                "weight"
            }
            5 => {
                let role = *rng.pick(&[None, Some("employee"), Some("admin"), Some("nobody")]);
                self.page(&path).role = role;
                "role"
            }
            6 => {
                let phase = *rng.pick(&[None, Some("before"), Some("after")]);
                self.page(&path).phase = phase;
                "phase"
            }
            7 => {
                let all = self.model.all_steps();
                if !all.is_empty() {
                    let (target_page, target) = rng.pick(&all).clone();
                    let reference = if target_page == path {
                        target
                    } else {
                        format!("{target_page}#{target}")
                    };
                    if let Some(step) = self.page(&path).steps.last_mut() {
                        step.requires.push(reference);
                    }
                }
                "requires added"
            }
            8 => {
                if let Some(step) = self
                    .page(&path)
                    .steps
                    .iter_mut()
                    .find(|s| !s.requires.is_empty())
                {
                    step.requires.pop();
                }
                "requires removed"
            }
            9 => {
                let step = self.model.new_step(rng);
                self.page(&path).steps.push(step);
                "step added"
            }
            10 => {
                let steps = &mut self.page(&path).steps;
                if !steps.is_empty() {
                    let at = rng.below(steps.len());
                    steps.remove(at);
                }
                "step removed"
            }
            11 => {
                let page = self.page(&path);
                if rng.chance(50) {
                    page.when = if page.when.is_some() {
                        None
                    } else {
                        Some("sub")
                    };
                } else if let Some(step) = page.steps.first_mut() {
                    step.when_sub = !step.when_sub;
                    step.optional = !step.optional;
                }
                "condition or flag"
            }
            12 => {
                let slug = (rng.chance(70)).then(|| format!("slug-{}", rng.below(5)));
                self.page(&path).slug = slug;
                "slug"
            }
            13 => {
                let folder = rng.pick(&["", "a/", "b/", "a/c/"]).to_string();
                let new = format!("{folder}n{}.md", self.model.next_id);
                self.model.add_page(rng, new.clone());
                self.write_page(&new);
                return format!("page added {new}");
            }
            14 => {
                if path != "_index.md" {
                    let folder_gone = path.ends_with("_index.md") && rng.chance(50);
                    let target = if folder_gone {
                        path.trim_end_matches("_index.md")
                            .trim_end_matches('/')
                            .to_owned()
                    } else {
                        path.clone()
                    };
                    let prefix = format!("{target}/");
                    self.model
                        .pages
                        .retain(|key, _| *key != target && !key.starts_with(&prefix));
                    self.remove(&format!("content/{target}"));
                    return format!("deleted {target}");
                }
                "nothing"
            }
            15 => {
                let name = format!("s{}", rng.below(3));
                self.model.add_page(rng, format!("{name}/_index.md"));
                self.model.add_page(rng, format!("{name}/q.md"));
                self.write_page(&format!("{name}/_index.md"));
                self.write_page(&format!("{name}/q.md"));
                return format!("section {name} written");
            }
            16 => {
                let template = if rng.chance(20) {
                    "{% extends \"page.html\" %}{% block title %}".to_owned()
                } else {
                    CUSTOM_TEMPLATE.replace("Custom", rng.word())
                };
                self.write("themes/default/templates/custom.html", &template);
                let page = self.page(&path);
                page.custom_template = !page.custom_template;
                self.write_page(&path);
                return "template".to_owned();
            }
            17 => {
                let name = format!("static/extra-{}.txt", rng.below(3));
                match rng.below(3) {
                    0 => {
                        let config = SITE_TOML.replace("Random", rng.word());
                        self.write("site.toml", &config);
                        return "site.toml".to_owned();
                    }
                    1 => self.write(&name, rng.word()),
                    _ => self.remove(&name),
                }
                return format!("static {name}");
            }
            _ => {
                self.write(&format!("content/{path}"), "+++\ntitle = \n+++\nbroken\n");
                self.broken_page = Some(path.clone());
                return format!("broke {path}");
            }
        };
        self.write_page(&path);
        format!("{description} on {path}")
    }

    fn page(&mut self, path: &str) -> &mut PageModel {
        self.model.page_mut(path)
    }
}

/// Every file a fresh `build` writes, or `None` when it fails.
fn fresh_build(root: &Path, output: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut options = BuildOptions::new(root, Some(output));
    options.force = true;
    build_site(&options).ok()?;
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(output).into_iter().flatten() {
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(output).expect("below the output");
            let key = relative.to_string_lossy().replace('\\', "/");
            // The marker by which `build` knows its own output folder
            // again; `serve` writes no folder.
            if key == crate::output::MARKER {
                continue;
            }
            files.insert(key, std::fs::read(entry.path()).expect("read the output"));
        }
    }
    Some(files)
}

/// Asserts that the served site is the built one, naming the first file
/// that differs.
fn assert_same(served: &FileMap, built: &BTreeMap<String, Vec<u8>>, history: &[String]) {
    let mut served_paths: Vec<&str> = served.keys().map(String::as_str).collect();
    served_paths.sort_unstable();
    let built_paths: Vec<&str> = built.keys().map(String::as_str).collect();
    assert_eq!(
        served_paths, built_paths,
        "served and built files differ after {history:#?}"
    );
    for (path, bytes) in built {
        let served_bytes = served[path].bytes().expect("served bytes");
        assert!(
            served_bytes.as_ref() == bytes.as_slice(),
            "`{path}` differs from a fresh build after {history:#?}\nserved:\n{}\nbuilt:\n{}",
            String::from_utf8_lossy(&served_bytes),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// Serve's rebuild of one edit, as `serve` runs it (settled batch, then
/// the search index job); the new served site and whether it failed.
fn serve_edit(
    rebuilder: &mut Rebuilder,
    root: &Path,
    served: &FileMap,
    changed: &[PathBuf],
    broken: bool,
) -> (FileMap, bool) {
    let batch = Batch {
        changes: changed
            .iter()
            .map(|path| (path.clone(), classify(path)))
            .collect(),
        rescan: false,
        git: false,
    };
    let snapshot = Snapshot {
        files: served.clone(),
        generation: 1,
    };
    let batch = super::rebuild::settle(batch, root, &snapshot);
    match rebuilder.rebuild(&batch, &snapshot, broken) {
        Outcome::Built(files) => {
            let files = match rebuilder.text_files_job() {
                Some(job) => {
                    let done = job.run();
                    rebuilder.absorb(done.edit, done.files).unwrap_or(files)
                }
                None => files,
            };
            (files, false)
        }
        Outcome::Failed(_) => (served.clone(), true),
        Outcome::Unchanged { .. } | Outcome::Nothing => (served.clone(), broken),
    }
}

/// One sequence of `edits` random edits from `seed`, on a site of a few
/// dozen pages, or of `total_steps` steps when that is more.
fn run(seed: u64, edits: usize, total_steps: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    let output = dir.path().join("public");
    std::fs::create_dir_all(&root).expect("site folder");
    let mut rng = Rng(seed);
    let mut sources = Sources {
        root: &root,
        model: SiteModel::generate(&mut rng, total_steps),
        broken_page: None,
        changed: Vec::new(),
    };
    sources.write_all();
    let mut rebuilder = Rebuilder::new(&root, false);
    let mut served = rebuilder.render().expect("the generated site builds");
    let mut broken = false;
    let mut history = vec![format!("seed {seed}")];
    let (mut compared, mut failed) = (0, 0);
    // Whether the compared sites were split, and not.
    let mut splits = std::collections::BTreeSet::new();
    let mut failed_in_a_row = 0;
    for edit in 0..edits {
        // On a site at the split, every other edit adds or removes a step.
        let steps_only = total_steps > 0 && edit % 2 == 0;
        history.push(if failed_in_a_row >= 2 {
            sources.repair()
        } else {
            sources.edit(&mut rng, steps_only)
        });
        let changed = std::mem::take(&mut sources.changed);
        (served, broken) = serve_edit(&mut rebuilder, &root, &served, &changed, broken);
        match fresh_build(&root, &output) {
            Some(built) => {
                assert!(
                    !broken,
                    "serve failed where a build succeeds after {history:#?}"
                );
                assert_same(&served, &built, &history);
                compared += 1;
                failed_in_a_row = 0;
                // A split site has a step details file per top-level entry.
                let split = built.keys().any(|path| {
                    path.starts_with(crate::render::CHECKLIST_URL)
                        && path.ends_with("/steps.js")
                        && path != crate::render::MANIFEST_URL
                });
                splits.insert(split);
            }
            None => {
                assert!(broken, "serve built where a build fails after {history:#?}");
                failed += 1;
                failed_in_a_row += 1;
            }
        }
    }
    eprintln!(
        "seed {seed}: {compared} edits compared equal, {failed} failed in both; split: {splits:?}"
    );
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

#[test]
fn random_edit_sequences_in_serve_equal_a_fresh_build() {
    let first = env_number("OFFBOARD_EDIT_SEED").unwrap_or(1);
    let runs = env_number("OFFBOARD_EDIT_RUNS").unwrap_or(3);
    for seed in first..first + runs {
        run(seed, 25, 0);
    }
}

#[test]
fn random_edits_across_the_size_where_the_overview_splits_equal_a_fresh_build() {
    let first = env_number("OFFBOARD_EDIT_SEED").unwrap_or(1);
    let runs = env_number("OFFBOARD_EDIT_RUNS").unwrap_or(1);
    // Exactly at the split: one step added splits the site, and removed
    // again joins it.
    for seed in first..first + runs {
        run(seed, 12, crate::render::SPLIT_STEPS);
    }
}

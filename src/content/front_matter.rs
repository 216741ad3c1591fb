//! Front matter: the TOML (`+++`) or YAML (`---`) block at the top of a page,
//! split off the body and parsed strictly: unknown fields are errors, so a
//! typo never passes silently.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, line_column};
use crate::output_path::{check_segment, describe, shown};

/// Metadata of one step, given in front matter under `steps.<id>`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepMeta {
    /// Who does it (a role id from `site.toml`).
    pub role: Option<String>,
    /// When (a phase id from `site.toml`).
    pub phase: Option<String>,
    /// How long, e.g. `5m`, `2h`, `3d`.
    pub estimate: Option<String>,
    /// When it is due: an offset from the schedule's date (`-3wd`).
    pub due: Option<String>,
    /// Steps that must be done first: `id` on this page or `path.md#id`.
    #[serde(default)]
    pub requires: Vec<String>,
    /// What the reader needs at hand.
    #[serde(default)]
    pub materials: Vec<String>,
    /// A console URL where the step is done.
    pub link: Option<String>,
    /// When the step applies, besides its page's and sections' conditions.
    pub when: Option<When>,
    /// Steps of one page with the same `choice` are alternatives: doing any
    /// one of them does the task.
    pub choice: Option<String>,
    /// Shown and tickable, never counted in progress.
    #[serde(default)]
    pub optional: bool,
    /// Cannot be undone: labelled so in words wherever it is shown.
    #[serde(default)]
    pub irreversible: bool,
}

/// A condition as written: question id → the answers any of which makes it
/// hold, sorted by question id. In front matter a table whose values are an
/// answer id or a list of them (`{ account = "sub", verified = ["yes", "no"] }`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct When(pub Vec<(String, Vec<String>)>);

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(WhenVisitor)
    }
}

struct WhenVisitor;

impl<'de> serde::de::Visitor<'de> for WhenVisitor {
    type Value = When;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a table of question ids and their answers")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<When, A::Error> {
        let mut sorted = BTreeMap::new();
        while let Some((question, answers)) = map.next_entry::<String, Answers>()? {
            // TOML refuses a key twice; YAML would keep the last silently.
            if sorted.contains_key(&question) {
                return Err(serde::de::Error::custom(format!(
                    "a condition names question `{question}` twice: list its answers together"
                )));
            }
            sorted.insert(question, answers.0);
        }
        Ok(When(sorted.into_iter().collect()))
    }
}

/// One answer id or a list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers(Vec<String>);

impl<'de> Deserialize<'de> for Answers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnswersVisitor)
    }
}

struct AnswersVisitor;

impl<'de> serde::de::Visitor<'de> for AnswersVisitor {
    type Value = Answers;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("an answer id or a list of answer ids")
    }

    fn visit_str<E: serde::de::Error>(self, answer: &str) -> Result<Answers, E> {
        Ok(Answers(vec![answer.to_owned()]))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Answers, A::Error> {
        let mut answers = Vec::new();
        while let Some(answer) = seq.next_element::<String>()? {
            answers.push(answer);
        }
        if answers.is_empty() {
            return Err(serde::de::Error::custom(
                "a condition lists no answers: name at least one",
            ));
        }
        Ok(Answers(answers))
    }
}

/// Each step's metadata by step id, sorted by id: a map as small as its
/// entries (a `BTreeMap` node holds room for eleven, ~1.9 KB a page, 18 MB
/// at 10,000 pages held for the whole build).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(from = "BTreeMap<String, StepMeta>")]
pub struct StepMetas(Vec<(String, StepMeta)>);

impl StepMetas {
    /// The metadata given for step `id`.
    pub fn get(&self, id: &str) -> Option<&StepMeta> {
        self.0
            .binary_search_by(|(key, _)| key.as_str().cmp(id))
            .ok()
            .map(|found| &self.0[found].1)
    }

    /// The step ids given, in sorted order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(id, _)| id)
    }
}

impl From<BTreeMap<String, StepMeta>> for StepMetas {
    fn from(map: BTreeMap<String, StepMeta>) -> Self {
        Self(map.into_iter().collect())
    }
}

/// The fields a page may set.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The page title (required).
    pub title: String,
    /// One-line description.
    pub description: Option<String>,
    /// Order among siblings (lower first).
    pub weight: Option<i64>,
    /// Last URL segment instead of the file name.
    pub slug: Option<String>,
    /// Drafts are left out of the build.
    #[serde(default)]
    pub draft: bool,
    /// A template name other than the default for this kind of page.
    pub template: Option<String>,
    /// Default role of the page's steps.
    pub role: Option<String>,
    /// Default phase of the page's steps.
    pub phase: Option<String>,
    /// Default `due` of the page's steps (in a section's `_index.md`: of
    /// every step under it), an offset from the schedule's date (`-3wd`).
    pub due: Option<String>,
    /// When the page (in a section's `_index.md`: the whole section)
    /// applies.
    pub when: Option<When>,
    /// Per-step metadata, by step id.
    #[serde(default)]
    pub steps: StepMetas,
    /// Free-form values for themes.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A page file split into its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    /// The front matter text, without its fences.
    pub front: &'a str,
    /// 1-based line of the first line of `front`.
    pub front_first_line: usize,
    /// Whether the fences were `---` (YAML) rather than `+++` (TOML).
    pub yaml: bool,
    /// The Markdown body.
    pub body: &'a str,
    /// 1-based line of the first line of `body`.
    pub body_first_line: usize,
}

/// Splits a page into front matter and body. Errors have an empty path for
/// the caller to fill.
pub fn split(text: &str) -> Result<Split<'_>, Diagnostic> {
    let text_start = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fence = if text_start.starts_with("+++") {
        "+++"
    } else if text_start.starts_with("---") {
        "---"
    } else {
        return Err(Diagnostic::new("", "the page has no front matter")
            .at(1, 1)
            .hint("start the file with a `+++` line, `title = \"…\"`, and a closing `+++` line")
            .with_source(text));
    };
    let first_line_end = text_start.find('\n').map_or(text_start.len(), |i| i + 1);
    if text_start[..first_line_end].trim_end() != fence {
        return Err(Diagnostic::new(
            "",
            format!("the opening `{fence}` must be alone on its line"),
        )
        .at(1, 4)
        .with_source(text));
    }
    let rest = &text_start[first_line_end..];
    let Some((front_len, closing_len)) = find_closing_fence(rest, fence) else {
        return Err(Diagnostic::new("", "the front matter is not closed")
            .at(1, 1)
            .hint(format!(
                "did you forget the closing `{fence}` line after the front matter?"
            ))
            .with_source(text));
    };
    let front = &rest[..front_len];
    let body = &rest[front_len + closing_len..];
    let front_first_line = 2;
    let body_first_line = front_first_line + front.matches('\n').count() + 1;
    Ok(Split {
        front,
        front_first_line,
        yaml: fence == "---",
        body,
        body_first_line,
    })
}

/// Length of the front matter and of its closing fence line in `rest`.
fn find_closing_fence(rest: &str, fence: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == fence {
            return Some((offset, line.len()));
        }
        offset += line.len();
    }
    None
}

/// The longest front matter parsed, in bytes (32 KiB, room for the metadata
/// of some 300 steps). The YAML parser takes time quadratic in the depth of
/// nested `[` or `{`: 32,000 of them take 0.3 s, 65,000 over 1 s, and the
/// 500,000 that fit in a page took minutes.
pub const MAX_FRONT_MATTER_BYTES: usize = 32 * 1024;

/// Parses split front matter. Errors carry file-relative positions and an
/// empty path.
pub fn parse(split: &Split<'_>, whole: &str) -> Result<FrontMatter, Diagnostic> {
    if split.front.len() > MAX_FRONT_MATTER_BYTES {
        return Err(Diagnostic::new(
            "",
            format!(
                "the front matter is too long: {} bytes, and front matter may be at most {} KiB",
                split.front.len(),
                MAX_FRONT_MATTER_BYTES / 1024
            ),
        )
        .at(split.front_first_line, 1)
        .hint("front matter holds a page's settings and step metadata: move long text into the body, or split the page into several")
        .with_source(whole));
    }
    if split.yaml {
        parse_yaml(split, whole)
    } else {
        parse_toml(split, whole)
    }
}

fn parse_toml(split: &Split<'_>, whole: &str) -> Result<FrontMatter, Diagnostic> {
    toml::from_str(split.front).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        let (line, column) = line_column(split.front, offset);
        let message = error.message().trim().to_owned();
        front_matter_error(&message, split.front_first_line + line - 1, column, whole)
    })
}

fn parse_yaml(split: &Split<'_>, whole: &str) -> Result<FrontMatter, Diagnostic> {
    if split.front.trim().is_empty() {
        return Err(front_matter_error("missing field `title`", 1, 1, whole));
    }
    serde_norway::from_str(split.front).map_err(|error| {
        let (line, column) = error
            .location()
            .map_or((1, 1), |location| (location.line(), location.column()));
        let message = strip_yaml_location(&error.to_string());
        front_matter_error(&message, split.front_first_line + line - 1, column, whole)
    })
}

/// `serde_norway` appends " at line N column M"; we show the place ourselves.
fn strip_yaml_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Checks a page's `slug`: one ordinary name (`unbind-phone`), or a
/// relative path of them (`accounts/unbind`), so the page's folder stays
/// inside the output and replaces no other page. On error, the message.
pub fn check_slug(slug: &str) -> Result<(), String> {
    if slug.is_empty() {
        return Err("the `slug` is empty, so the page would replace its section's page".to_owned());
    }
    for segment in slug.split('/') {
        if let Err(why) = check_segment(segment) {
            return Err(format!(
                "the `slug` `{}` is not a relative folder name: {}",
                shown(slug),
                describe(segment, why)
            ));
        }
        if segment == "index.html" {
            return Err(format!(
                "the `slug` `{}` names a folder `index.html`, the file each page is written to",
                shown(slug)
            ));
        }
    }
    Ok(())
}

/// The hint for a bad `slug`.
pub const SLUG_HINT: &str = "a `slug` is a folder name such as `unbind-phone`, or names joined by `/` such as `accounts/unbind`; remove it to use the file name";

/// How to write a condition, for errors in one.
const WHEN_HINT: &str = "a condition names questions of `site.toml` and the answers it applies to: `when = { account = \"sub\" }`, or a list for any of several, `when = { verified = [\"yes\", \"no\"] }` (YAML: `when: { account: sub }`)";

/// The field a front-matter line sets (`choice` in `choice = 3` or
/// `  choice: 3`), if any.
fn field_on_line(whole: &str, line: usize) -> &str {
    let text = whole.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let key = text.split(['=', ':']).next().unwrap_or("");
    key.trim().trim_matches(['"', '\''])
}

fn front_matter_error(message: &str, line: usize, column: usize, whole: &str) -> Diagnostic {
    let field = field_on_line(whole, line);
    let hint = if message.starts_with("unknown field") {
        "remove the field or correct its spelling; custom values go under `extra`".to_owned()
    } else if message.contains("missing field `title`") {
        "every page needs a `title`".to_owned()
    } else if message.starts_with("missing field") {
        "add the missing field".to_owned()
    } else if field == "when"
        || message.contains("question ids and their answers")
        || message.contains("answer id")
        || message.contains("lists no answers")
    {
        WHEN_HINT.to_owned()
    } else if field == "choice" {
        "`choice` is a name, in quotes, shared by the steps of this page that are alternatives to each other: `choice = \"identity\"`".to_owned()
    } else if matches!(field, "optional" | "irreversible" | "draft") {
        format!(
            "write `{field} = true` or `{field} = false` (YAML: `{field}: true`), without quotes"
        )
    } else if message.contains("expected a boolean") {
        "write `true` or `false`, without quotes".to_owned()
    } else {
        "fix the front matter syntax here (TOML between `+++` lines, YAML between `---` lines)"
            .to_owned()
    };
    Diagnostic::new("", format!("invalid front matter: {message}"))
        .at(line, column)
        .hint(hint)
        .with_source(whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML_PAGE: &str = "+++\ntitle = \"解绑\"\nrole = \"employee\"\n[steps.unbind-phone]\nestimate = \"5m\"\n+++\n\nbody\n";

    #[test]
    fn front_matter_over_the_limit_is_refused_before_it_is_parsed() {
        let nested = "[".repeat(MAX_FRONT_MATTER_BYTES);
        let page = format!("---\ntitle: x\nsteps: {nested}\n---\nbody\n");
        let error = parse(&split(&page).expect("fenced"), &page).expect_err("too long");
        assert_eq!(error.location, Some((2, 1)));
        assert_eq!(
            error.message,
            "the front matter is too long: 32785 bytes, and front matter may be at most 32 KiB"
        );
        let fits = format!("+++\ntitle = \"x\"\n#{}\n+++\n", "x".repeat(30 * 1024));
        parse(&split(&fits).expect("fenced"), &fits).expect("under the limit");
    }

    #[test]
    fn splits_toml_and_counts_lines() {
        let split = split(TOML_PAGE).expect("front matter");
        assert!(!split.yaml);
        assert_eq!(split.body_first_line, 7);
        assert_eq!(split.body, "\nbody\n");
        let front = parse(&split, TOML_PAGE).expect("valid");
        assert_eq!(front.title, "解绑");
        assert_eq!(
            front
                .steps
                .get("unbind-phone")
                .and_then(|meta| meta.estimate.as_deref()),
            Some("5m")
        );
    }

    #[test]
    fn yaml_means_the_same_as_toml() {
        let yaml = "---\ntitle: 解绑\nrole: employee\nsteps:\n  unbind-phone:\n    estimate: 5m\n---\n\nbody\n";
        let split_yaml = split(yaml).expect("front matter");
        let from_yaml = parse(&split_yaml, yaml).expect("valid yaml");
        let split_toml = split(TOML_PAGE).expect("front matter");
        assert_eq!(
            from_yaml,
            parse(&split_toml, TOML_PAGE).expect("valid toml")
        );
    }

    #[test]
    fn reads_conditions_and_step_kinds_in_toml_and_yaml() {
        let toml = "+++\ntitle = \"x\"\nwhen = { account = \"sub\" }\n[steps.a]\nwhen = { verified = [\"yes\", \"no\"], account = \"sub\" }\nchoice = \"id\"\n[steps.b]\noptional = true\nirreversible = true\n+++\n";
        let yaml = "---\ntitle: x\nwhen:\n  account: sub\nsteps:\n  a:\n    when: { account: sub, verified: [yes, no] }\n    choice: id\n  b:\n    optional: true\n    irreversible: true\n---\n";
        let from_toml = parse(&split(toml).expect("split"), toml).expect("valid toml");
        let from_yaml = parse(&split(yaml).expect("split"), yaml).expect("valid yaml");
        assert_eq!(from_toml, from_yaml);
        let sub = ("account".to_owned(), vec!["sub".to_owned()]);
        assert_eq!(from_toml.when, Some(When(vec![sub.clone()])));
        let a = from_toml.steps.get("a").expect("a");
        let both = (
            "verified".to_owned(),
            vec!["yes".to_owned(), "no".to_owned()],
        );
        assert_eq!(a.when, Some(When(vec![sub, both])));
        assert_eq!(a.choice.as_deref(), Some("id"));
        let b = from_toml.steps.get("b").expect("b");
        assert!(b.optional && b.irreversible && b.when.is_none());
    }

    #[test]
    fn a_condition_needs_answers() {
        let text = "+++\ntitle = \"x\"\nwhen = { account = [] }\n+++\n";
        let error = parse(&split(text).expect("split"), text).expect_err("no answers");
        assert_eq!(error.location.map(|(line, _)| line), Some(3));
        assert!(
            error.message.contains("lists no answers"),
            "{}",
            error.message
        );
        let text = "+++\ntitle = \"x\"\nwhen = { account = 1 }\n+++\n";
        let error = parse(&split(text).expect("split"), text).expect_err("a number");
        assert!(
            error.message.contains("an answer id or a list"),
            "{}",
            error.message
        );
    }

    #[test]
    fn unclosed_front_matter_suggests_the_fence() {
        let error = split("+++\ntitle = \"x\"\n").expect_err("unclosed");
        insta::assert_snapshot!(error.to_string());
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        assert!(split("# just markdown\n").is_err());
    }

    #[test]
    fn unknown_field_names_the_field_and_line() {
        let text = "+++\ntitle = \"x\"\ntitel = \"y\"\n+++\n";
        let error = parse(&split(text).expect("split"), text).expect_err("unknown");
        assert_eq!(error.location, Some((3, 1)));
        insta::assert_snapshot!(error.to_string());
    }

    #[test]
    fn unknown_yaml_field_names_the_field_and_line() {
        let text = "---\ntitle: x\nwieght: 3\n---\n";
        let error = parse(&split(text).expect("split"), text).expect_err("unknown");
        assert_eq!(error.location.map(|(line, _)| line), Some(3));
        assert!(error.message.contains("`wieght`"), "{}", error.message);
    }

    #[test]
    fn missing_title_is_an_error() {
        let text = "+++\nweight = 1\n+++\n";
        let error = parse(&split(text).expect("split"), text).expect_err("no title");
        assert!(
            error.message.contains("missing field `title`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_slug_is_a_name_or_a_relative_path_of_names() {
        for good in ["unbind", "a/b", "解绑", "faq:general", "..x", "a b"] {
            assert_eq!(check_slug(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            "/",
            "/etc",
            "a/",
            "a//b",
            "a/../b",
            "../../home/u/.ssh",
            "a\\b",
            "index.html",
            "a/index.html",
            "tab\tx",
            "nul\0",
        ] {
            assert!(check_slug(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn broken_yaml_is_an_error_at_its_line() {
        let text = "---\ntitle: x\nsteps: [a\n---\n";
        let error = parse(&split(text).expect("split"), text).expect_err("broken");
        assert!(error.location.is_some_and(|(line, _)| line >= 3));
    }
}

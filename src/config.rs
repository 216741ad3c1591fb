//! `site.toml`: read, parse strictly (unknown keys are errors), and resolve
//! into the [`Config`] the rest of the pipeline uses.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, line_column};
use crate::fs;

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// A role or phase declared in `site.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Labelled {
    /// Identifier used in front matter (`role = "employee"`).
    pub id: String,
    /// What readers see (`离职员工`).
    pub label: String,
}

/// A question readers answer once (`account`: main or sub-account); steps,
/// pages and sections name its answers in `when` conditions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Identifier used in `when` and in links (`?account=sub`).
    pub id: String,
    /// The question as readers see it.
    pub label: String,
    /// The possible answers, at least two, in the order they are offered.
    pub answers: Vec<Labelled>,
}

/// The most answers a question may have (conditions hold a bit per answer).
pub const MAX_ANSWERS: usize = 64;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    language: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    edit_url: Option<toml::Spanned<String>>,
    theme: Option<String>,
    #[serde(default)]
    roles: Vec<Labelled>,
    #[serde(default)]
    phases: Vec<Labelled>,
    #[serde(default)]
    questions: Vec<Question>,
    #[serde(default)]
    allow_paths_differing_in_case: bool,
    #[serde(default)]
    extra: toml::Table,
    #[serde(default)]
    languages: std::collections::BTreeMap<String, crate::languages::RawLanguage>,
}

/// The resolved site configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Config {
    /// The site's title.
    pub title: String,
    /// BCP 47 language tag, e.g. `zh-CN` (default `en`).
    pub language: String,
    /// One-line description (empty when not given).
    pub description: String,
    /// Absolute URL the site is published at, ending in `/`, if known.
    pub base_url: Option<String>,
    /// Where a page's source can be edited: the page's path under
    /// `content/` (`a/b.md`), each segment percent-encoded, is appended to
    /// it for the "edit this page" link. An `http(s)` URL ending in `/`
    /// (added when missing, unless the URL has a `?` query).
    pub edit_url: Option<String>,
    /// Theme folder name under `themes/` (default `default`).
    pub theme: String,
    /// Reader roles, in declaration order.
    pub roles: Vec<Labelled>,
    /// Phases, in the order they happen.
    pub phases: Vec<Labelled>,
    /// Questions readers answer, in declaration order (`[[questions]]`).
    pub questions: Vec<Question>,
    /// Output paths that differ only in case are allowed (by default they
    /// are errors: on macOS and Windows they are one file).
    pub allow_paths_differing_in_case: bool,
    /// Free-form values for themes.
    pub extra: serde_json::Value,
    /// The other content languages (`[languages.TAG]`), in tag order.
    pub languages: Vec<crate::languages::LanguageConfig>,
    /// The default content language (`language` of `site.toml`), also in a
    /// configuration made for another language by [`Config::for_language`].
    pub default_language: String,
    /// The default language's title: what the reader's saved progress is
    /// keyed by, the same in every language (see `render::site_key`).
    pub storage_title: String,
}

impl Config {
    /// The label of a role id, if declared.
    pub fn role_label(&self, id: &str) -> Option<&str> {
        find_label(&self.roles, id)
    }

    /// The label of a phase id, if declared.
    pub fn phase_label(&self, id: &str) -> Option<&str> {
        find_label(&self.phases, id)
    }

    /// Position of a phase in the declared order.
    pub fn phase_index(&self, id: &str) -> Option<usize> {
        self.phases.iter().position(|phase| phase.id == id)
    }

    /// This configuration as the second language `tag` sees it: its title,
    /// description and labels where `[languages.TAG]` gives them, the
    /// default language's elsewhere; `None` when `tag` is not declared.
    pub fn for_language(&self, tag: &str) -> Option<Config> {
        let language = self.languages.iter().find(|l| l.tag == tag)?;
        let mut config = self.clone();
        config.language.clone_from(&language.tag);
        if let Some(title) = &language.title {
            config.title.clone_from(title);
        }
        if let Some(description) = &language.description {
            config.description.clone_from(description);
        }
        relabel(&mut config.roles, &language.roles);
        relabel(&mut config.phases, &language.phases);
        for question in &mut config.questions {
            let Some(labels) = language.questions.get(&question.id) else {
                continue;
            };
            if let Some(label) = &labels.label {
                question.label.clone_from(label);
            }
            relabel(&mut question.answers, &labels.answers);
        }
        Some(config)
    }

    /// Position of a question in the declared order.
    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|question| question.id == id)
    }
}

/// Replaces the labels `labels` gives, by id.
fn relabel(list: &mut [Labelled], labels: &std::collections::BTreeMap<String, String>) {
    for item in list {
        if let Some(label) = labels.get(&item.id) {
            item.label.clone_from(label);
        }
    }
}

fn find_label<'a>(list: &'a [Labelled], id: &str) -> Option<&'a str> {
    list.iter()
        .find(|item| item.id == id)
        .map(|item| item.label.as_str())
}

/// The error for a `root` without `site.toml`, naming the folder as an
/// absolute path (so `--root .` says which folder was searched).
pub fn not_a_site(root: &Path) -> Diagnostic {
    let folder = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    Diagnostic::new(folder, "this folder is not a site: it has no `site.toml`").hint(
        "run `offboard-site init DIR` to create a site, or pass `--root` with the folder that holds `site.toml`",
    )
}

/// Reads and resolves `site.toml` under `root`.
pub fn load_config(root: &Path) -> Result<Config, Diagnostic> {
    let path = root.join(CONFIG_FILE);
    let shown = Path::new(CONFIG_FILE);
    if !fs::exists(&path) {
        return Err(not_a_site(root));
    }
    let text = crate::content::read_source(
        &path,
        shown,
        "`site.toml` holds the site's settings, a few lines; move long text into pages under `content/`",
    )?;
    parse_config(&text).map_err(|diagnostic| Diagnostic {
        path: shown.to_path_buf(),
        ..diagnostic
    })
}

/// Parses the text of `site.toml`. The returned diagnostic has an empty path
/// for the caller to fill.
pub fn parse_config(text: &str) -> Result<Config, Diagnostic> {
    let raw: RawConfig = toml::from_str(text).map_err(|error| toml_diagnostic(text, &error))?;
    resolve(raw, text)
}

fn resolve(raw: RawConfig, text: &str) -> Result<Config, Diagnostic> {
    check_unique(&raw.roles, "role", text)?;
    check_unique(&raw.phases, "phase", text)?;
    check_ids(&raw.roles, "role", text)?;
    check_ids(&raw.phases, "phase", text)?;
    check_questions(&raw.questions, text)?;
    let base_url = raw.base_url.map(|url| {
        if url.ends_with('/') {
            url
        } else {
            format!("{url}/")
        }
    });
    let edit_url = raw
        .edit_url
        .map(|url| check_edit_url(url, text))
        .transpose()?;
    let extra = serde_json::to_value(&raw.extra).unwrap_or(serde_json::Value::Null);
    let language = raw.language.unwrap_or_else(|| "en".to_owned());
    let declared = crate::languages::Declared {
        default_language: &language,
        roles: &raw.roles,
        phases: &raw.phases,
        questions: &raw.questions,
    };
    let languages = crate::languages::resolve_languages(raw.languages, &declared, text)?;
    Ok(Config {
        storage_title: raw.title.clone(),
        title: raw.title,
        default_language: language.clone(),
        language,
        languages,
        description: raw.description.unwrap_or_default(),
        base_url,
        edit_url,
        theme: raw.theme.unwrap_or_else(|| "default".to_owned()),
        roles: raw.roles,
        phases: raw.phases,
        questions: raw.questions,
        allow_paths_differing_in_case: raw.allow_paths_differing_in_case,
        extra,
    })
}

/// Checks `edit_url`: an `http:` or `https:` URL with a host and nothing a
/// URL may not hold (spaces, quotes, `<`, `>`, `\`, controls) and no `#`
/// fragment, which would swallow the appended path. It gets a trailing
/// `/` unless it has one or ends in a query (`?file=`).
fn check_edit_url(url: toml::Spanned<String>, text: &str) -> Result<String, Diagnostic> {
    let span = url.span();
    let url = url.into_inner();
    let Some(problem) = edit_url_problem(&url) else {
        let complete = url.ends_with('/') || url.contains('?');
        return Ok(if complete { url } else { format!("{url}/") });
    };
    let (line, column) = line_column(text, span.start);
    Err(
        Diagnostic::new("", format!("`edit_url` `{}` {problem}", url.escape_debug()))
            .at(line, column)
            .hint("give the web address a page's path under `content/` is added to, e.g. `edit_url = \"https://github.com/ORG/REPO/edit/main/content/\"`")
            .with_source(text),
    )
}

/// What is wrong with an `edit_url`, if anything.
fn edit_url_problem(url: &str) -> Option<&'static str> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return Some("is not an http or https URL");
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(['@', ':']) {
        return Some("has no host name after `//`");
    }
    if url
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "\"<>\\`{}|^".contains(c))
    {
        return Some(
            "holds a space, a quote, `<`, `>`, `\\` or another character a URL may not hold",
        );
    }
    if url.contains('#') {
        return Some("has a `#` fragment, which would hide the page's path from the server");
    }
    None
}

fn check_unique(list: &[Labelled], what: &str, text: &str) -> Result<(), Diagnostic> {
    for (index, item) in list.iter().enumerate() {
        if list[..index].iter().any(|earlier| earlier.id == item.id) {
            let needle = format!("\"{}\"", item.id);
            let offset = text.match_indices(&needle).nth(1).map_or(0, |(at, _)| at);
            let (line, column) = line_column(text, offset);
            return Err(
                Diagnostic::new("", format!("{what} `{}` is declared twice", item.id))
                    .at(line, column)
                    .hint(format!("give each [[{what}s]] entry its own `id`"))
                    .with_source(text),
            );
        }
    }
    Ok(())
}

/// Role and phase ids become parts of element ids and `#phase-ID` links,
/// so they follow the rules of ids ([`crate::markdown::id_problem`]).
fn check_ids(list: &[Labelled], what: &str, text: &str) -> Result<(), Diagnostic> {
    let Some((item, problem)) = list
        .iter()
        .find_map(|item| crate::markdown::id_problem(&item.id).map(|problem| (item, problem)))
    else {
        return Ok(());
    };
    let needle = format!("\"{}\"", item.id);
    let offset = text.find(&needle).unwrap_or(0);
    let (line, column) = line_column(text, offset);
    Err(
        Diagnostic::new("", format!("the {what} id `{}` {problem}", item.id))
            .at(line, column)
            .hint(format!(
                "{}; e.g. `id = \"before\"`",
                crate::markdown::id_rule()
            ))
            .with_source(text),
    )
}

/// Question and answer ids appear in links (`?account=sub`) and in data
/// attributes, so they are made of ASCII letters, digits, `-` and `_`.
fn plain_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// Checks the `[[questions]]`: unique, plain ids, not `role` (a link's
/// `?role=` sets the reader's role), a label, two to [`MAX_ANSWERS`]
/// answers with unique plain ids and labels.
fn check_questions(questions: &[Question], text: &str) -> Result<(), Diagnostic> {
    for (index, question) in questions.iter().enumerate() {
        let at = question_offset(text, index);
        let id_at = find_after(text, at, &format!("\"{}\"", question.id));
        let found = if !plain_id(&question.id) {
            Some((
                id_at,
                format!(
                    "the question id `{}` is not made of letters, digits, `-` and `_`",
                    question.id
                ),
                "question ids appear in links (`?account=sub`): use ASCII letters, digits, `-` and `_`, e.g. `id = \"account\"`",
            ))
        } else if question.id == "role" {
            Some((
                id_at,
                "the question id `role` is taken: links set the reader's role with `?role=`"
                    .to_owned(),
                "give the question another id; readers already choose their role from `[[roles]]`",
            ))
        } else if questions[..index].iter().any(|q| q.id == question.id) {
            Some((
                id_at,
                format!("question `{}` is declared twice", question.id),
                "give each `[[questions]]` entry its own `id`, or merge the two",
            ))
        } else if question.label.trim().is_empty() {
            Some((
                find_after(text, at, "label"),
                format!("question `{}` has an empty `label`", question.id),
                "the label is what readers are asked, e.g. `label = \"离职员工绑定的腾讯云账号是\"`",
            ))
        } else if question.answers.len() < 2 {
            Some((
                find_after(text, at, "answers"),
                format!(
                    "question `{}` has {} answer{}: a question needs at least two",
                    question.id,
                    question.answers.len(),
                    if question.answers.len() == 1 { "" } else { "s" }
                ),
                "list every answer readers may give: `answers = [{ id = \"main\", label = \"…\" }, { id = \"sub\", label = \"…\" }]`",
            ))
        } else if question.answers.len() > MAX_ANSWERS {
            Some((
                find_after(text, at, "answers"),
                format!(
                    "question `{}` has {} answers, more than {MAX_ANSWERS}",
                    question.id,
                    question.answers.len()
                ),
                "split it into several questions, each with fewer answers",
            ))
        } else {
            None
        };
        if let Some((offset, message, hint)) = found {
            return Err(question_error(text, offset, message, hint));
        }
        check_answers(question, text, at)?;
    }
    Ok(())
}

fn check_answers(question: &Question, text: &str, at: usize) -> Result<(), Diagnostic> {
    let answers = &question.answers;
    for (index, answer) in answers.iter().enumerate() {
        let (message, hint) = if !plain_id(&answer.id) {
            (
                format!(
                    "the answer id `{}` of question `{}` is not made of letters, digits, `-` and `_`",
                    answer.id, question.id
                ),
                "answer ids appear in links (`?account=sub`): use ASCII letters, digits, `-` and `_`",
            )
        } else if answers[..index].iter().any(|a| a.id == answer.id) {
            (
                format!(
                    "question `{}` has the answer `{}` twice",
                    question.id, answer.id
                ),
                "give each answer of a question its own `id`",
            )
        } else if answer.label.trim().is_empty() {
            (
                format!(
                    "the answer `{}` of question `{}` has an empty `label`",
                    answer.id, question.id
                ),
                "the label is what readers choose, e.g. `{ id = \"sub\", label = \"子账号\" }`",
            )
        } else {
            continue;
        };
        let needle = format!("\"{}\"", answer.id);
        let nth = answers[..index]
            .iter()
            .filter(|a| a.id == answer.id)
            .count();
        let offset = text[at..]
            .match_indices(&needle)
            .nth(nth)
            .map_or(at, |(found, _)| at + found);
        return Err(question_error(text, offset, message, hint));
    }
    Ok(())
}

/// Byte offset of the `index`th `[[questions]]` header (or of the start).
fn question_offset(text: &str, index: usize) -> usize {
    text.match_indices("[[questions]]")
        .nth(index)
        .map_or(0, |(at, _)| at)
}

/// Byte offset of the first `needle` at or after `at` (or `at`).
fn find_after(text: &str, at: usize, needle: &str) -> usize {
    text[at..].find(needle).map_or(at, |found| at + found)
}

fn question_error(text: &str, offset: usize, message: String, hint: &str) -> Diagnostic {
    let (line, column) = line_column(text, offset);
    Diagnostic::new("", message)
        .at(line, column)
        .hint(hint)
        .with_source(text)
}

/// A TOML parse or shape error as a diagnostic (path left empty).
pub fn toml_diagnostic(text: &str, error: &toml::de::Error) -> Diagnostic {
    let offset = error.span().map_or(0, |span| span.start);
    let (line, column) = line_column(text, offset);
    let message = error.message().trim().to_owned();
    let hint = toml_hint(&message);
    Diagnostic::new("", message)
        .at(line, column)
        .hint(hint)
        .with_source(text)
}

fn toml_hint(message: &str) -> String {
    if message.starts_with("unknown field") {
        "remove the field or correct its spelling; the accepted fields are listed above".to_owned()
    } else if message.starts_with("missing field") {
        "add the field; it is required".to_owned()
    } else {
        "fix the TOML syntax at this place (strings need quotes, tables look like `[name]`)"
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_spec_example() {
        let config = parse_config(
            "title = \"T\"\nlanguage = \"zh-CN\"\n[[roles]]\nid = \"employee\"\nlabel = \"离职员工\"\n[[phases]]\nid = \"before\"\nlabel = \"离职前\"\n",
        )
        .expect("valid config");
        assert_eq!(config.language, "zh-CN");
        assert_eq!(config.role_label("employee"), Some("离职员工"));
        assert_eq!(config.phase_index("before"), Some(0));
        assert_eq!(config.theme, "default");
    }

    #[test]
    fn phase_and_role_ids_must_be_valid_ids() {
        let error =
            parse_config("title = \"T\"\n[[phases]]\nid = \"before leaving\"\nlabel = \"B\"\n")
                .expect_err("a space");
        let shown = error.to_string();
        assert!(
            shown.contains("the phase id `before leaving` holds a space"),
            "{shown}"
        );
        assert!(shown.contains(":3:"), "{shown}");
        let error = parse_config("title = \"T\"\n[[roles]]\nid = \"a#b\"\nlabel = \"A\"\n")
            .expect_err("a #");
        assert!(error.to_string().contains("the role id `a#b`"), "{error}");
    }

    #[test]
    fn base_url_gets_a_trailing_slash() {
        let config =
            parse_config("title = \"T\"\nbase_url = \"https://e.com/x\"\n").expect("valid");
        assert_eq!(config.base_url.as_deref(), Some("https://e.com/x/"));
    }

    #[test]
    fn edit_url_gets_a_trailing_slash_and_must_be_a_web_url() {
        let config =
            parse_config("title = \"T\"\nedit_url = \"https://git.example/r/edit/main\"\n")
                .expect("valid");
        assert_eq!(
            config.edit_url.as_deref(),
            Some("https://git.example/r/edit/main/")
        );
        let config = parse_config("title = \"T\"\nedit_url = \"https://cms.example/edit?file=\"\n")
            .expect("valid");
        assert_eq!(
            config.edit_url.as_deref(),
            Some("https://cms.example/edit?file=")
        );
        for (value, message) in [
            ("javascript:alert(1)", "is not an http or https URL"),
            ("https:///path/", "has no host name"),
            ("https://e.com/a b/", "holds a space"),
            ("https://e.com/\\\"x/", "holds a space"),
            ("https://e.com/edit#main", "has a `#` fragment"),
        ] {
            let text = format!("title = \"T\"\n# edit_url = \"x\"\n  edit_url = \"{value}\"\n");
            let error = parse_config(&text).expect_err(value);
            assert_eq!(error.location, Some((3, 14)), "{value}: {error}");
            assert!(error.to_string().contains(message), "{value}: {error}");
        }
    }

    #[test]
    fn unknown_key_is_an_error_at_its_line() {
        let error = parse_config("title = \"T\"\nlangauge = \"en\"\n").expect_err("typo");
        assert_eq!(error.location, Some((2, 1)));
        insta::assert_snapshot!(error.to_string());
    }

    #[test]
    fn broken_toml_is_an_error_at_its_line() {
        let error = parse_config("title = \"T\n").expect_err("unterminated");
        assert_eq!(error.location.map(|(line, _)| line), Some(1));
    }

    const QUESTIONS: &str = "title = \"T\"\n[[questions]]\nid = \"account\"\nlabel = \"账号\"\nanswers = [{ id = \"main\", label = \"主账号\" }, { id = \"sub\", label = \"子账号\" }]\n";

    #[test]
    fn reads_questions() {
        let config = parse_config(QUESTIONS).expect("valid");
        assert_eq!(config.question_index("account"), Some(0));
        assert_eq!(config.questions[0].answers[1].id, "sub");
        assert_eq!(config.questions[0].answers[1].label, "子账号");
        let json = serde_json::to_value(&config).expect("serializes");
        assert_eq!(json["questions"][0]["answers"][0]["label"], "主账号");
        assert!(
            parse_config("title = \"T\"\n")
                .expect("valid")
                .questions
                .is_empty()
        );
    }

    fn question_problem(text: &str) -> (String, Option<(usize, usize)>) {
        let error = parse_config(text).expect_err("invalid question");
        (error.message, error.location)
    }

    #[test]
    fn bad_questions_are_errors_at_their_line() {
        let one = "title = \"T\"\n[[questions]]\nid = \"a\"\nlabel = \"A\"\nanswers = [{ id = \"x\", label = \"X\" }]\n";
        assert_eq!(
            question_problem(one),
            (
                "question `a` has 1 answer: a question needs at least two".to_owned(),
                Some((5, 1))
            )
        );
        let twice = format!("{QUESTIONS}{}", &QUESTIONS[12..]);
        assert_eq!(
            question_problem(&twice),
            (
                "question `account` is declared twice".to_owned(),
                Some((7, 6))
            )
        );
        let bad_id = QUESTIONS.replace("\"account\"", "\"acc ount\"");
        assert!(
            question_problem(&bad_id)
                .0
                .contains("`acc ount` is not made of")
        );
        let role = QUESTIONS.replace("\"account\"", "\"role\"");
        assert!(question_problem(&role).0.contains("`role` is taken"));
        let same_answer = QUESTIONS.replace("\"sub\"", "\"main\"");
        assert_eq!(
            question_problem(&same_answer),
            (
                "question `account` has the answer `main` twice".to_owned(),
                Some((5, 51))
            )
        );
        let bad_answer = QUESTIONS.replace("\"sub\"", "\"s&b\"");
        assert!(
            question_problem(&bad_answer)
                .0
                .contains("the answer id `s&b`")
        );
        let unknown = QUESTIONS.replace("label = \"账号\"", "label = \"账号\"\nlable = 1");
        assert_eq!(question_problem(&unknown).1, Some((5, 1)));
    }

    #[test]
    fn duplicate_role_is_an_error() {
        let text = "title = \"T\"\n[[roles]]\nid = \"a\"\nlabel = \"A\"\n[[roles]]\nid = \"a\"\nlabel = \"B\"\n";
        let error = parse_config(text).expect_err("duplicate");
        assert_eq!(error.location, Some((6, 6)));
    }
}

//! `[languages.TAG]` tables of `site.toml`: a second content language's
//! title, description and labels, read strictly and checked against the
//! default language's roles, phases and questions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{Labelled, Question};
use crate::diagnostic::{Diagnostic, line_column};

/// One `[languages.TAG]` table as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLanguage {
    title: Option<String>,
    description: Option<String>,
    /// The language's name in itself, for the switcher (`English`).
    name: Option<String>,
    #[serde(default)]
    roles: BTreeMap<String, String>,
    #[serde(default)]
    phases: BTreeMap<String, String>,
    #[serde(default)]
    questions: BTreeMap<String, RawQuestionLabels>,
    schedule: Option<RawSchedule>,
}

/// `[languages.TAG.questions.ID]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestionLabels {
    label: Option<String>,
    #[serde(default)]
    answers: BTreeMap<String, String>,
}

/// `[languages.TAG.schedule]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    label: Option<String>,
}

/// A second content language, resolved: its pages are `*.TAG.md` and its
/// output goes under `TAG/`. Labels it does not give fall back to the
/// default language's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageConfig {
    /// The BCP 47 tag, also the file suffix and output folder (`en`).
    pub tag: String,
    /// The site's title in this language (the default's when not given).
    pub title: Option<String>,
    /// The site's description in this language.
    pub description: Option<String>,
    /// The language's own name, shown by the switcher (`English`).
    pub name: Option<String>,
    /// Role labels by id.
    pub roles: BTreeMap<String, String>,
    /// Phase labels by id.
    pub phases: BTreeMap<String, String>,
    /// Question labels by id.
    pub questions: BTreeMap<String, QuestionLabels>,
    /// The label of the schedule's date (`[languages.TAG.schedule] label`),
    /// kept for the schedule feature to read.
    pub schedule_label: Option<String>,
}

/// A question's label and its answers' labels in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionLabels {
    /// The question.
    pub label: Option<String>,
    /// Answer labels by answer id.
    pub answers: BTreeMap<String, String>,
}

/// What the languages are checked against: the default language's tag and
/// declared ids.
pub struct Declared<'a> {
    /// `language` of `site.toml`.
    pub default_language: &'a str,
    /// `[[roles]]`.
    pub roles: &'a [Labelled],
    /// `[[phases]]`.
    pub phases: &'a [Labelled],
    /// `[[questions]]`.
    pub questions: &'a [Question],
}

/// Whether `tag` is a well-formed BCP 47 language tag of the common shape:
/// a language of 2–3 letters, then subtags of 1–8 letters or digits
/// (`en`, `zh-CN`, `zh-Hant-TW`, `es-419`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|part| {
            (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Resolves and checks every `[languages.TAG]` table (in tag order).
pub fn resolve_languages(
    raw: BTreeMap<String, RawLanguage>,
    declared: &Declared<'_>,
    text: &str,
) -> Result<Vec<LanguageConfig>, Diagnostic> {
    raw.into_iter()
        .map(|(tag, language)| resolve_language(tag, language, declared, text))
        .collect()
}

fn resolve_language(
    tag: String,
    raw: RawLanguage,
    declared: &Declared<'_>,
    text: &str,
) -> Result<LanguageConfig, Diagnostic> {
    let table = table_offset(text, &tag);
    if !is_language_tag(&tag) {
        return Err(error(
            text,
            table,
            format!("`{tag}` under `[languages]` is not a language tag"),
            "name the table after a BCP 47 tag, which is also the pages' file suffix: `[languages.en]` for `page.en.md`",
        ));
    }
    if tag.eq_ignore_ascii_case(declared.default_language) {
        return Err(error(
            text,
            table,
            format!("`{tag}` is the site's default `language`: it cannot be a second language"),
            "pages without a suffix are in the default language; declare only the other language, e.g. `[languages.en]`",
        ));
    }
    check_labels(&tag, "roles", raw.roles.keys(), declared.roles, text)?;
    check_labels(&tag, "phases", raw.phases.keys(), declared.phases, text)?;
    for (id, labels) in &raw.questions {
        let Some(question) = declared.questions.iter().find(|q| &q.id == id) else {
            let at = find_after(text, table, &format!("questions.{id}"));
            return Err(error(
                text,
                at,
                format!("`[languages.{tag}.questions.{id}]` names no declared question"),
                "label only questions declared under `[[questions]]`, by their `id`",
            ));
        };
        for answer in labels.answers.keys() {
            if !question.answers.iter().any(|a| &a.id == answer) {
                let from = find_after(text, table, &format!("questions.{id}"));
                let at = find_after(text, from, answer);
                return Err(error(
                    text,
                    at,
                    format!("question `{id}` has no answer `{answer}` to label in `{tag}`"),
                    format!(
                        "the answers of `{id}` are: {}",
                        question
                            .answers
                            .iter()
                            .map(|a| format!("`{}`", a.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
    }
    Ok(LanguageConfig {
        title: raw.title,
        description: raw.description,
        name: raw.name,
        roles: raw.roles,
        phases: raw.phases,
        questions: raw
            .questions
            .into_iter()
            .map(|(id, labels)| {
                let labels = QuestionLabels {
                    label: labels.label,
                    answers: labels.answers,
                };
                (id, labels)
            })
            .collect(),
        schedule_label: raw.schedule.and_then(|schedule| schedule.label),
        tag,
    })
}

/// An error for a label whose id is not declared.
fn check_labels<'k>(
    tag: &str,
    what: &str,
    ids: impl Iterator<Item = &'k String>,
    declared: &[Labelled],
    text: &str,
) -> Result<(), Diagnostic> {
    for id in ids {
        if declared.iter().any(|item| &item.id == id) {
            continue;
        }
        let section = find_after(text, table_offset(text, tag), &format!("{what}]"));
        let at = find_key(text, section, id);
        let singular = what.trim_end_matches('s');
        return Err(error(
            text,
            at,
            format!("`[languages.{tag}.{what}]` labels `{id}`, which is no declared {singular}"),
            format!(
                "label only the ids of `[[{what}]]`: {}",
                if declared.is_empty() {
                    "none are declared".to_owned()
                } else {
                    declared
                        .iter()
                        .map(|item| format!("`{}`", item.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        ));
    }
    Ok(())
}

/// Byte offset of the `[languages.TAG` table header (or of `languages`).
fn table_offset(text: &str, tag: &str) -> usize {
    [
        format!("[languages.{tag}"),
        format!("[languages.\"{tag}\""),
        format!("languages.{tag}"),
        "languages".to_owned(),
    ]
    .iter()
    .find_map(|needle| text.find(needle.as_str()))
    .unwrap_or(0)
}

/// Byte offset of the first line starting with `key` (bare or quoted) at or
/// after `at`, or `at`.
fn find_key(text: &str, at: usize, key: &str) -> usize {
    let mut offset = at;
    for line in text[at..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let quoted = format!("\"{key}\"");
        if trimmed.starts_with(&quoted)
            || trimmed
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    at
}

/// Byte offset of the first `needle` at or after `at` (or `at`).
fn find_after(text: &str, at: usize, needle: &str) -> usize {
    text[at..].find(needle).map_or(at, |found| at + found)
}

fn error(text: &str, offset: usize, message: String, hint: impl Into<String>) -> Diagnostic {
    let (line, column) = line_column(text, offset);
    Diagnostic::new("", message)
        .at(line, column)
        .hint(hint)
        .with_source(text)
}

#[cfg(test)]
mod tests {
    use super::is_language_tag;

    #[test]
    fn language_tags() {
        for good in ["en", "zh-CN", "zh-Hant-TW", "es-419", "fil"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "e",
            "english",
            "en_US",
            "en-",
            "1a",
            "zh--CN",
            "en-toolongsubtag",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}

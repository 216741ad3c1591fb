//! Conditions (`when`): which answers to the site's questions a step, a page
//! or a section applies to. A condition is a list of (question, answers)
//! sorted by the question's position in `site.toml`, each answer set a bit
//! mask over the question's answers; a question not listed holds for every
//! answer. Conditions combine by intersection (a step applies when its own,
//! its page's and its sections' conditions all hold).

use std::fmt::Write;

use crate::config::{Config, Question};
use crate::content::When;
use crate::i18n::Language;

/// A resolved condition: (question index, mask of allowed answers), sorted
/// by question index. Empty: applies always.
pub type Condition = Box<[(u32, u64)]>;

/// What is wrong with a written condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhenProblem {
    /// No question with this id is declared.
    UnknownQuestion(String),
    /// The question has no such answer: (question, answer).
    UnknownAnswer(String, String),
}

/// Resolves a written condition against the declared questions; every
/// problem found, or the condition.
pub fn read_when(config: &Config, when: &When) -> Result<Vec<(u32, u64)>, Vec<WhenProblem>> {
    let mut condition = Vec::with_capacity(when.0.len());
    let mut problems = Vec::new();
    for (question_id, answers) in &when.0 {
        let Some(index) = config.question_index(question_id) else {
            problems.push(WhenProblem::UnknownQuestion(question_id.clone()));
            continue;
        };
        let question = &config.questions[index];
        let mut mask = 0u64;
        for answer in answers {
            match question.answers.iter().position(|a| a.id == *answer) {
                Some(bit) => mask |= 1 << bit,
                None => problems.push(WhenProblem::UnknownAnswer(
                    question_id.clone(),
                    answer.clone(),
                )),
            }
        }
        // Question indexes are below the number of questions in a file.
        condition.push((u32::try_from(index).unwrap_or(u32::MAX), mask));
    }
    if problems.is_empty() {
        condition.sort_unstable_by_key(|&(question, _)| question);
        Ok(condition)
    } else {
        Err(problems)
    }
}

/// Both conditions at once: per question, the answers both allow.
pub fn intersect(a: &[(u32, u64)], b: &[(u32, u64)]) -> Vec<(u32, u64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(&(qa, ma)), Some(&(qb, mb))) if qa == qb => {
                out.push((qa, ma & mb));
                i += 1;
                j += 1;
            }
            (Some(&(qa, ma)), Some(&(qb, _))) if qa < qb => {
                out.push((qa, ma));
                i += 1;
            }
            (Some(&(qa, ma)), None) => {
                out.push((qa, ma));
                i += 1;
            }
            (_, Some(&(qb, mb))) => {
                out.push((qb, mb));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// The question whose answers a condition leaves none of, if any: the
/// condition can never hold.
pub fn never_holds(condition: &[(u32, u64)]) -> Option<u32> {
    condition
        .iter()
        .find(|&&(_, mask)| mask == 0)
        .map(|&(question, _)| question)
}

/// The mask of every answer of `question`.
fn all_answers(question: &Question) -> u64 {
    match question.answers.len() {
        64.. => u64::MAX,
        n => (1u64 << n) - 1,
    }
}

/// Whether `condition` allows `answer` (an answer index per question).
fn allows(condition: &[(u32, u64)], answers: &[usize]) -> bool {
    condition.iter().all(|&(question, mask)| {
        answers
            .get(question as usize)
            .is_some_and(|&answer| mask & (1 << answer) != 0)
    })
}

/// The most combinations of answers [`may_not_apply`] tries; beyond it the
/// requirement is taken as possibly failing (reported, to be simplified).
const MAX_COMBINATIONS: usize = 1 << 16;

/// Whether some answers to the questions involved make `requiring` hold but
/// none of `targets` (the required step, or every step of its choice):
/// then the requirement may point at a step that does not apply. Tries
/// every combination of the answers of the questions named.
pub fn may_not_apply(config: &Config, requiring: &[(u32, u64)], targets: &[&[(u32, u64)]]) -> bool {
    counterexample(config, requiring, targets).is_some()
}

/// Answers (one per question involved, as a condition) under which
/// `requiring` holds but none of `targets` does, if there are any; empty
/// when there are too many combinations to try (taken as failing).
pub fn counterexample(
    config: &Config,
    requiring: &[(u32, u64)],
    targets: &[&[(u32, u64)]],
) -> Option<Vec<(u32, u64)>> {
    let mut involved: Vec<u32> = requiring
        .iter()
        .chain(targets.iter().flat_map(|target| target.iter()))
        .map(|&(question, _)| question)
        .collect();
    involved.sort_unstable();
    involved.dedup();
    // The answers each involved question may take where `requiring` holds.
    let mut choices: Vec<(usize, Vec<usize>)> = Vec::with_capacity(involved.len());
    let mut combinations: usize = 1;
    for question in involved {
        let Some(declared) = config.questions.get(question as usize) else {
            continue;
        };
        let mask = requiring
            .iter()
            .find(|&&(q, _)| q == question)
            .map_or(all_answers(declared), |&(_, mask)| mask);
        let answers: Vec<usize> = (0..declared.answers.len())
            .filter(|&bit| mask & (1 << bit) != 0)
            .collect();
        combinations = combinations.saturating_mul(answers.len().max(1));
        choices.push((question as usize, answers));
    }
    if combinations > MAX_COMBINATIONS {
        return Some(Vec::new());
    }
    let mut answers = vec![0usize; config.questions.len()];
    let found = any_combination(&choices, &mut answers, &mut |answers| {
        allows(requiring, answers) && !targets.iter().any(|target| allows(target, answers))
    });
    found.then(|| {
        choices
            .iter()
            .filter_map(|&(question, _)| {
                let answer = *answers.get(question)?;
                Some((u32::try_from(question).ok()?, 1u64 << answer))
            })
            .collect()
    })
}

/// Whether `test` holds for some assignment of `choices` into `answers`.
fn any_combination(
    choices: &[(usize, Vec<usize>)],
    answers: &mut [usize],
    test: &mut impl FnMut(&[usize]) -> bool,
) -> bool {
    let Some(((question, options), rest)) = choices.split_first() else {
        return test(answers);
    };
    for &option in options {
        answers[*question] = option;
        if any_combination(rest, answers, test) {
            return true;
        }
    }
    false
}

/// The answers of one question a mask allows, by id, comma-separated.
fn answer_ids(question: &Question, mask: u64, out: &mut String) {
    let mut first = true;
    for (bit, answer) in question.answers.iter().enumerate() {
        if mask & (1 << bit) != 0 {
            if !first {
                out.push(',');
            }
            out.push_str(&answer.id);
            first = false;
        }
    }
}

/// A condition as URL query parameters (`account=sub&verified=yes,no`),
/// questions in declared order; ids are plain, so nothing needs escaping.
pub fn query(config: &Config, condition: &[(u32, u64)]) -> String {
    let mut out = String::new();
    for &(question, mask) in condition {
        let Some(declared) = config.questions.get(question as usize) else {
            continue;
        };
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&declared.id);
        out.push('=');
        answer_ids(declared, mask, &mut out);
    }
    out
}

/// A condition as (question id, answer ids) pairs, for the manifest.
pub fn answer_lists<'c>(
    config: &'c Config,
    condition: &[(u32, u64)],
) -> Vec<(&'c str, Vec<&'c str>)> {
    condition
        .iter()
        .filter_map(|&(question, mask)| {
            let declared = config.questions.get(question as usize)?;
            let answers = declared
                .answers
                .iter()
                .enumerate()
                .filter(|(bit, _)| mask & (1 << bit) != 0)
                .map(|(_, answer)| answer.id.as_str())
                .collect();
            Some((declared.id.as_str(), answers))
        })
        .collect()
}

/// A condition in words: "仅子账号", "仅子账号，且已实名认证或未实名认证";
/// English "Only if: sub-account and verified or not verified". Not escaped.
pub fn words(config: &Config, condition: &[(u32, u64)], language: Language) -> String {
    let mut out = String::new();
    if condition.is_empty() {
        return out;
    }
    out.push_str(language.word("when_only"));
    for (n, &(question, mask)) in condition.iter().enumerate() {
        let Some(declared) = config.questions.get(question as usize) else {
            continue;
        };
        if n > 0 {
            out.push_str(language.word("when_and"));
        }
        let mut first = true;
        for (bit, answer) in declared.answers.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                if !first {
                    out.push_str(language.word("when_or"));
                }
                let _ = write!(out, "{}", answer.label);
                first = false;
            }
        }
    }
    out
}

/// FNV-1a, 32 bits, of a step's text, as 8 hex digits: readers' ticks
/// store it, and a different one later says the step changed.
pub fn text_hash(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_config;

    fn config() -> Config {
        parse_config(
            "title = \"T\"\nlanguage = \"zh-CN\"\n\
             [[questions]]\nid = \"account\"\nlabel = \"账号\"\nanswers = [{ id = \"main\", label = \"主账号\" }, { id = \"sub\", label = \"子账号\" }]\n\
             [[questions]]\nid = \"verified\"\nlabel = \"实名\"\nanswers = [{ id = \"yes\", label = \"已实名认证\" }, { id = \"no\", label = \"未实名认证\" }]\n",
        )
        .expect("valid config")
    }

    fn when(pairs: &[(&str, &[&str])]) -> When {
        When(
            pairs
                .iter()
                .map(|(q, answers)| {
                    (
                        (*q).to_owned(),
                        answers.iter().map(|a| (*a).to_owned()).collect(),
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn reads_and_words_conditions() {
        let config = config();
        let condition = read_when(
            &config,
            &when(&[("verified", &["yes", "no"]), ("account", &["sub"])]),
        )
        .expect("valid");
        assert_eq!(condition, [(0, 0b10), (1, 0b11)]);
        assert_eq!(query(&config, &condition), "account=sub&verified=yes,no");
        assert_eq!(
            words(&config, &condition, Language::Chinese),
            "仅子账号，且已实名认证或未实名认证"
        );
        assert_eq!(
            words(&config, &condition, Language::English),
            "Only if: 子账号 and 已实名认证 or 未实名认证"
        );
        assert_eq!(words(&config, &[], Language::Chinese), "");
        assert_eq!(
            answer_lists(&config, &condition),
            [("account", vec!["sub"]), ("verified", vec!["yes", "no"])]
        );
    }

    #[test]
    fn unknown_questions_and_answers_are_all_reported() {
        let problems = read_when(
            &config(),
            &when(&[("acount", &["sub"]), ("account", &["subb", "main"])]),
        )
        .expect_err("unknown");
        assert_eq!(
            problems,
            [
                WhenProblem::UnknownQuestion("acount".to_owned()),
                WhenProblem::UnknownAnswer("account".to_owned(), "subb".to_owned()),
            ]
        );
    }

    #[test]
    fn intersection_and_never() {
        let page = [(0, 0b10)];
        let step = [(0, 0b01), (1, 0b01)];
        let both = intersect(&page, &step);
        assert_eq!(both, [(0, 0), (1, 0b01)]);
        assert_eq!(never_holds(&both), Some(0));
        assert_eq!(intersect(&[(1, 1)], &[(0, 2)]), [(0, 2), (1, 1)]);
        assert_eq!(never_holds(&intersect(&page, &[(1, 1)])), None);
    }

    #[test]
    fn requirements_that_may_not_apply() {
        let config = config();
        let sub: &[(u32, u64)] = &[(0, 0b10)];
        let main: &[(u32, u64)] = &[(0, 0b01)];
        let always: &[(u32, u64)] = &[];
        assert!(!may_not_apply(&config, sub, &[always]));
        assert!(!may_not_apply(&config, sub, &[sub]));
        assert!(may_not_apply(&config, always, &[sub]));
        assert!(may_not_apply(&config, sub, &[main]));
        // A choice whose members together cover every answer.
        assert!(!may_not_apply(&config, always, &[sub, main]));
        let sub_verified: &[(u32, u64)] = &[(0, 0b10), (1, 0b01)];
        let verified: &[(u32, u64)] = &[(1, 0b01)];
        assert!(!may_not_apply(&config, sub_verified, &[verified]));
        assert!(may_not_apply(&config, sub, &[verified]));
    }

    #[test]
    fn counterexamples_name_one_answer_per_question() {
        let config = config();
        let sub: &[(u32, u64)] = &[(0, 0b10)];
        let verified: &[(u32, u64)] = &[(1, 0b01)];
        assert_eq!(counterexample(&config, sub, &[sub]), None);
        let found = counterexample(&config, &[], &[sub]).expect("main");
        assert_eq!(query(&config, &found), "account=main");
        let found = counterexample(&config, sub, &[verified]).expect("not verified");
        assert_eq!(query(&config, &found), "account=sub&verified=no");
    }

    #[test]
    fn text_hash_is_fnv_1a() {
        assert_eq!(text_hash(""), 0x811c_9dc5);
        assert_eq!(text_hash("a"), 0xe40c_292c);
        assert_ne!(text_hash("解绑手机"), text_hash("解绑邮箱"));
    }
}

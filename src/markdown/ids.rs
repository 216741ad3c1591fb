//! Ids for headings and steps: slugs, explicit `{#id}`s, one namespace per page.
//!
//! Links point at heading ids and readers' progress is keyed by step ids, so
//! ids must be readable (Chinese kept as it is), stable and unique. Explicit
//! ids are reserved before any id is derived, so adding an explicit id further
//! down never renames a derived id above it; a derived id that collides gets
//! `-1`, `-2`…; two equal explicit ids are the author's mistake, reported.
//!
//! Every id must be valid HTML (not empty, no whitespace) and usable as a
//! link's fragment as written; derived ids are by construction, explicit
//! ones are checked ([`super::id_rules`]). Suffixes are found in linear time: a
//! page of 8,000 equal headings must not try 32 million candidates.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

pub(crate) use super::id_rules::{id_problem, id_rule};

/// What an id is for; steps also own `step-ID`, the id of their checkbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum IdKind {
    Heading,
    Step,
}

impl IdKind {
    /// The id used when the text gives an empty slug (e.g. only punctuation).
    fn fallback(self) -> &'static str {
        match self {
            Self::Heading => "section",
            Self::Step => "step",
        }
    }
}

/// One element that needs an id, in document order (borrowing from the
/// element, so that asking costs no copy).
#[derive(Debug, Clone)]
pub(super) struct IdRequest<'r> {
    pub kind: IdKind,
    /// The `{#id}` the author wrote, if any.
    pub explicit: Option<&'r str>,
    /// Plain text to derive an id from when there is no explicit one.
    pub text: &'r str,
    /// Byte offset where the explicit id is written (for errors).
    pub offset: usize,
}

/// An explicit id, where it is written (for errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IdAt {
    pub id: String,
    pub offset: usize,
}

/// Ids for every request, in the same order, and the problems found.
#[derive(Debug, Default)]
pub(super) struct Assignment {
    pub ids: Vec<String>,
    /// Explicit ids written a second time.
    pub duplicates: Vec<IdAt>,
    /// Explicit ids that are not valid (see [`id_problem`]).
    pub invalid: Vec<IdAt>,
}

/// Turns text into an id: lower-case; letters and digits of any script are
/// kept; every run of other characters becomes one `-`; no `-` at the ends.
pub(super) fn slugify(text: &str) -> String {
    let mut slug = Slug {
        out: String::with_capacity(text.len()),
        gap: false,
    };
    for c in text.chars() {
        if c.is_ascii() {
            slug.push(c.to_ascii_lowercase(), c.is_ascii_alphanumeric());
        } else if is_cjk_ideograph(c) {
            // No case, always a letter: the Unicode tables need not be read.
            slug.push(c, true);
        } else {
            for lower in c.to_lowercase() {
                slug.push(lower, lower.is_alphanumeric());
            }
        }
    }
    slug.out
}

/// A slug being written.
struct Slug {
    out: String,
    /// Characters that are not kept were seen since the last kept one.
    gap: bool,
}

impl Slug {
    /// Adds one (lower-case) character: kept if `kept`, else part of a gap.
    fn push(&mut self, c: char, kept: bool) {
        if !kept {
            self.gap = true;
            return;
        }
        if self.gap && !self.out.is_empty() {
            self.out.push('-');
        }
        self.gap = false;
        self.out.push(c);
    }
}

/// The CJK Unified Ideographs block (most Chinese text): letters without
/// case.
fn is_cjk_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Splits a trailing `{#id}` off a line of text: returns the text before it
/// (trailing spaces removed) and the id. The id must be non-empty and contain
/// no braces; whether it is a valid id is checked later ([`id_problem`]), so
/// `{#a b}` is an error, not text.
pub(super) fn split_explicit_id(text: &str) -> Option<(&str, &str)> {
    let body = text.trim_end().strip_suffix('}')?;
    let open = body.rfind("{#")?;
    let id = &body[open + 2..];
    let valid = !id.is_empty() && !id.contains(['{', '}', '\n']);
    valid.then(|| (text[..open].trim_end(), id))
}

/// Gives every request an id. `reserved` are ids already taken on the page
/// by other means (raw HTML `id="…"`, `[](id:…)`, footnotes): derived ids
/// avoid them, explicit ids may equal them.
pub(super) fn assign<'r>(requests: &[IdRequest<'r>], reserved: &'r [String]) -> Assignment {
    // Sized once: growing a set rehashes everything in it.
    let steps = requests
        .iter()
        .filter(|request| request.kind == IdKind::Step)
        .count();
    let mut taken = Taken {
        ids: HashSet::with_capacity(reserved.len() + requests.len()),
        steps: HashSet::with_capacity(steps),
        next_suffix: HashMap::new(),
    };
    for id in reserved {
        taken.ids.insert(Cow::Borrowed(id));
    }
    let mut explicit = HashSet::with_capacity(requests.len());
    let (mut duplicates, mut invalid) = (Vec::new(), Vec::new());
    for request in requests {
        if let Some(id) = request.explicit {
            let at = || IdAt {
                id: id.to_owned(),
                offset: request.offset,
            };
            if id_problem(id).is_some() {
                invalid.push(at());
            } else if !explicit.insert(id) {
                duplicates.push(at());
            }
            taken.claim(request.kind, Cow::Borrowed(id));
        }
    }
    let ids = requests
        .iter()
        .map(|request| match request.explicit {
            Some(id) => id.to_owned(),
            None => derive(request, &mut taken),
        })
        .collect();
    Assignment {
        ids,
        duplicates,
        invalid,
    }
}

/// Ids taken on the page. A step also takes its checkbox id `step-ID`,
/// which is not built: `steps` holds the step ids instead.
struct Taken<'r> {
    /// Ids taken as they are (reserved, explicit and derived ones).
    ids: HashSet<Cow<'r, str>>,
    /// Ids of steps, whose checkbox ids are taken too.
    steps: HashSet<Cow<'r, str>>,
    /// For each kind and slug that collided, the suffix to try next: every
    /// suffix below it was found not free for that kind, and what is taken
    /// stays taken, so each candidate is tried once per kind and page.
    next_suffix: HashMap<(IdKind, String), usize>,
}

impl<'r> Taken<'r> {
    /// Whether `id` is taken, as an id or as a step's checkbox id.
    fn has(&self, id: &str) -> bool {
        self.ids.contains(id)
            || id
                .strip_prefix(CHECKBOX_PREFIX)
                .is_some_and(|step| self.steps.contains(step))
    }

    /// Whether an element of `kind` may take `id` (a step needs its
    /// checkbox id free too).
    fn is_free(&self, kind: IdKind, id: &str) -> bool {
        !self.has(id)
            && (kind == IdKind::Heading
                || !self.steps.contains(id) && !self.ids.contains(checkbox_id(id).as_str()))
    }

    fn claim(&mut self, kind: IdKind, id: Cow<'r, str>) {
        if kind == IdKind::Step {
            self.steps.insert(id.clone());
        }
        self.ids.insert(id);
    }
}

/// A free id from the request's text: the slug, else the slug with the
/// first free suffix `-1`, `-2`….
fn derive(request: &IdRequest<'_>, taken: &mut Taken<'_>) -> String {
    let slug = slugify(request.text);
    let base = if slug.is_empty() {
        request.kind.fallback().to_owned()
    } else {
        slug
    };
    let kind = request.kind;
    if taken.is_free(kind, &base) {
        taken.claim(kind, Cow::Owned(base.clone()));
        return base;
    }
    // The same ids as trying from 1 each time (see `Taken::next_suffix`).
    let key = (kind, base);
    let mut suffix = taken.next_suffix.get(&key).copied().unwrap_or(1);
    let base = &key.1;
    loop {
        let candidate = format!("{base}-{suffix}");
        suffix += 1;
        if taken.is_free(kind, &candidate) {
            taken.claim(kind, Cow::Owned(candidate.clone()));
            taken.next_suffix.insert(key, suffix);
            return candidate;
        }
    }
}

/// What a step's id is prefixed with to make its checkbox's id.
pub(super) const CHECKBOX_PREFIX: &str = "step-";

/// The id of a step's checkbox.
pub(super) fn checkbox_id(step_id: &str) -> String {
    format!("{CHECKBOX_PREFIX}{step_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'r>(kind: IdKind, explicit: Option<&'r str>, text: &'r str) -> IdRequest<'r> {
        IdRequest {
            kind,
            explicit,
            text,
            offset: 0,
        }
    }

    #[test]
    fn slugs_keep_chinese_and_join_words_with_dashes() {
        assert_eq!(slugify("离职前相关操作"), "离职前相关操作");
        assert_eq!(slugify("Unbind QQ 号"), "unbind-qq-号");
        assert_eq!(slugify("  解绑个人 QQ 号！ "), "解绑个人-qq-号");
        assert_eq!(slugify("Step 1: Back up (now)..."), "step-1-back-up-now");
        assert_eq!(slugify("unbind_phone -- v2"), "unbind-phone-v2");
        assert_eq!(slugify("?!…"), "");
    }

    #[test]
    fn explicit_id_is_split_off_the_end_of_a_line() {
        assert_eq!(
            split_explicit_id("解绑个人手机号 {#unbind-phone}"),
            Some(("解绑个人手机号", "unbind-phone"))
        );
        assert_eq!(split_explicit_id("x{#a_b} "), Some(("x", "a_b")));
        assert_eq!(split_explicit_id("{#only}"), Some(("", "only")));
        assert_eq!(split_explicit_id("no id"), None);
        assert_eq!(split_explicit_id("empty {#}"), None);
        assert_eq!(split_explicit_id("spaced {#a b}"), Some(("spaced", "a b")));
        assert_eq!(split_explicit_id("braced {#a{b}"), None);
        assert_eq!(split_explicit_id("{#a} in the middle"), None);
    }

    #[test]
    fn derived_ids_that_collide_get_suffixes() {
        let requests = [
            request(IdKind::Heading, None, "Intro"),
            request(IdKind::Heading, None, "intro"),
            request(IdKind::Heading, None, "Intro!"),
        ];
        assert_eq!(assign(&requests, &[]).ids, ["intro", "intro-1", "intro-2"]);
    }

    #[test]
    fn many_equal_headings_get_every_suffix_in_turn() {
        let requests = vec![request(IdKind::Heading, None, "Same"); 8000];
        let ids = assign(&requests, &["same-3".to_owned()]).ids;
        assert_eq!(ids[..5], ["same", "same-1", "same-2", "same-4", "same-5"]);
        assert_eq!(ids[7999], "same-8000");
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), 8000);
    }

    #[test]
    fn a_suffix_a_step_skipped_stays_free_for_a_heading() {
        // `foo-1` is no step id (its checkbox id `step-foo-1` is taken),
        // but a heading may still have it.
        let requests = [
            request(IdKind::Heading, None, "foo"),
            request(IdKind::Step, None, "foo"),
            request(IdKind::Heading, None, "foo"),
            request(IdKind::Step, None, "foo"),
        ];
        let ids = assign(&requests, &["step-foo-1".to_owned()]).ids;
        assert_eq!(ids, ["foo", "foo-2", "foo-1", "foo-3"]);
    }

    #[test]
    fn explicit_ids_that_are_not_valid_are_reported() {
        let requests = [
            request(IdKind::Step, Some("a b"), "x"),
            request(IdKind::Step, Some("a b"), "y"),
        ];
        let assignment = assign(&requests, &[]);
        assert_eq!(assignment.invalid.len(), 2);
        assert!(assignment.duplicates.is_empty());
    }

    #[test]
    fn derived_ids_avoid_explicit_ids_written_later_and_reserved_ones() {
        let requests = [
            request(IdKind::Heading, None, "Intro"),
            request(IdKind::Step, Some("intro"), "whatever"),
            request(IdKind::Heading, None, "step6"),
        ];
        let assignment = assign(&requests, &["step6".to_owned()]);
        assert_eq!(assignment.ids, ["intro-1", "intro", "step6-1"]);
        assert!(assignment.duplicates.is_empty());
    }

    #[test]
    fn step_ids_leave_room_for_their_checkbox_ids() {
        let requests = [
            request(IdKind::Heading, None, "Step foo"),
            request(IdKind::Step, None, "foo"),
        ];
        assert_eq!(assign(&requests, &[]).ids, ["step-foo", "foo-1"]);
    }

    #[test]
    fn empty_slugs_fall_back_to_a_word() {
        let requests = [
            request(IdKind::Heading, None, "!!!"),
            request(IdKind::Step, None, ""),
            request(IdKind::Step, None, "…"),
        ];
        assert_eq!(assign(&requests, &[]).ids, ["section", "step", "step-1"]);
    }

    #[test]
    fn equal_explicit_ids_are_duplicates_at_the_second() {
        let mut second = request(IdKind::Step, Some("x"), "b");
        second.offset = 42;
        let requests = [request(IdKind::Heading, Some("x"), "a"), second];
        let assignment = assign(&requests, &[]);
        assert_eq!(assignment.ids, ["x", "x"]);
        assert_eq!(
            assignment.duplicates,
            [IdAt {
                id: "x".to_owned(),
                offset: 42
            }]
        );
    }
}

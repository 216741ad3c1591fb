//! Deferred edits of the event stream, applied in one go.
//!
//! Headings, steps and admonitions are found by index in one event vector
//! and several passes read those indices (ids, labels, search text). Instead
//! of each pass rebuilding the vector and shifting indices under the others,
//! each records what to replace or insert at an index, and [`Edits::apply`]
//! builds the final stream once, just before the HTML writer runs.

use std::iter::Peekable;
use std::vec::IntoIter;

use pulldown_cmark::{CowStr, Event};

use super::Ev;

/// A raw HTML event for markup written by an adapter.
pub(super) fn html(markup: String) -> Event<'static> {
    Event::Html(CowStr::from(markup))
}

/// Replacements and insertions keyed by index into the original stream.
#[derive(Default)]
pub(super) struct Edits<'a> {
    /// In the order they were recorded; sorted by index when applied.
    edits: Vec<Edit<'a>>,
}

/// One recorded edit.
struct Edit<'a> {
    /// Index of the event it applies to.
    at: usize,
    /// How many edits were recorded before this one.
    seq: usize,
    what: What<'a>,
}

/// What an edit does; insertions sort before the replacement at an index.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Insert,
    Replace,
}

/// The event an edit writes (`None`: the event is dropped).
enum What<'a> {
    Insert(Event<'a>),
    Replace(Option<Event<'a>>),
}

impl What<'_> {
    fn kind(&self) -> Kind {
        match self {
            Self::Insert(_) => Kind::Insert,
            Self::Replace(_) => Kind::Replace,
        }
    }
}

impl<'a> Edits<'a> {
    /// Writes `event` just before the event at `at` (after earlier inserts).
    pub(super) fn insert_before(&mut self, at: usize, event: Event<'a>) {
        self.edits.push(Edit {
            at,
            seq: self.edits.len(),
            what: What::Insert(event),
        });
    }

    /// Writes `event` instead of the event at `at` (the last replacement
    /// recorded for an index wins).
    pub(super) fn replace(&mut self, at: usize, event: Event<'a>) {
        self.edits.push(Edit {
            at,
            seq: self.edits.len(),
            what: What::Replace(Some(event)),
        });
    }

    /// Drops the event at `at`.
    pub(super) fn remove(&mut self, at: usize) {
        self.edits.push(Edit {
            at,
            seq: self.edits.len(),
            what: What::Replace(None),
        });
    }

    /// The edited stream, without offsets and without empty text events
    /// (left behind by adapters that strip markers in place), produced as
    /// it is read: no second vector of events is built.
    pub(super) fn apply(mut self, events: Vec<Ev<'a>>) -> impl Iterator<Item = Event<'a>> {
        // Insertions at one index keep the order they were made in (`seq`);
        // with it, an unstable sort (no scratch buffer) gives one order.
        self.edits
            .sort_unstable_by_key(|edit| (edit.at, edit.what.kind(), edit.seq));
        Applied {
            events: events.into_iter(),
            at: 0,
            edits: self.edits.into_iter().peekable(),
        }
        .filter(|event| !matches!(event, Event::Text(text) if text.is_empty()))
    }
}

/// The stream being edited, walked beside the sorted edits.
struct Applied<'a> {
    events: IntoIter<Ev<'a>>,
    /// Index of the next event of `events` in the original stream.
    at: usize,
    edits: Peekable<IntoIter<Edit<'a>>>,
}

impl<'a> Applied<'a> {
    /// Takes the next original event.
    fn take_event(&mut self) -> Option<Event<'a>> {
        self.at += 1;
        self.events.next().map(|(event, _)| event)
    }
}

impl<'a> Iterator for Applied<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        while self.events.len() > 0 {
            let at = self.at;
            // `peek` leaves the next edit where it is (`next_if` would move
            // it out and back for every event).
            if self.edits.peek().is_none_or(|edit| edit.at != at) {
                return self.take_event();
            }
            let edit = self.edits.next()?;
            match edit.what {
                What::Insert(event) => return Some(event),
                // A later replacement of the same event wins.
                What::Replace(_) if self.edits.peek().is_some_and(|later| later.at == at) => {}
                What::Replace(replacement) => {
                    self.take_event();
                    if replacement.is_some() {
                        return replacement;
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &'static str) -> Event<'static> {
        Event::Text(CowStr::Borrowed(s))
    }

    #[test]
    fn edits_apply_at_original_indices() {
        let events: Vec<Ev<'static>> = ["a", "b", "c", ""]
            .into_iter()
            .map(|s| (text(s), 0..0))
            .collect();
        let mut edits = Edits::default();
        edits.insert_before(1, text("x"));
        edits.insert_before(1, text("y"));
        edits.replace(1, text("B"));
        edits.remove(2);
        edits.insert_before(2, text("z"));
        assert_eq!(
            edits.apply(events).collect::<Vec<_>>(),
            [text("a"), text("x"), text("y"), text("B"), text("z")]
        );
    }

    #[test]
    fn the_last_replacement_wins_and_inserts_come_first() {
        let events: Vec<Ev<'static>> = ["a", "b"].into_iter().map(|s| (text(s), 0..0)).collect();
        let mut edits = Edits::default();
        edits.replace(0, text("1"));
        edits.insert_before(0, text("x"));
        edits.replace(0, text("2"));
        edits.remove(1);
        edits.replace(1, text("3"));
        edits.insert_before(9, text("never"));
        assert_eq!(
            edits.apply(events).collect::<Vec<_>>(),
            [text("x"), text("2"), text("3")]
        );
    }
}

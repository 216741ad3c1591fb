//! Deferred edits of the event stream, applied in one go.
//!
//! Headings, steps and admonitions are found by index in one event vector
//! and several passes read those indices (ids, labels, search text). Instead
//! of each pass rebuilding the vector and shifting indices under the others,
//! each records what to replace or insert at an index, and [`Edits::apply`]
//! builds the final stream once, just before the HTML writer runs.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event};

use super::Ev;

/// A raw HTML event for markup written by an adapter.
pub(super) fn html(markup: String) -> Event<'static> {
    Event::Html(CowStr::from(markup))
}

/// Replacements and insertions keyed by index into the original stream.
#[derive(Default)]
pub(super) struct Edits<'a> {
    before: HashMap<usize, Vec<Event<'a>>>,
    replace: HashMap<usize, Vec<Event<'a>>>,
}

impl<'a> Edits<'a> {
    /// Writes `event` just before the event at `at` (after earlier inserts).
    pub(super) fn insert_before(&mut self, at: usize, event: Event<'a>) {
        self.before.entry(at).or_default().push(event);
    }

    /// Writes `event` instead of the event at `at`.
    pub(super) fn replace(&mut self, at: usize, event: Event<'a>) {
        self.replace.insert(at, vec![event]);
    }

    /// Drops the event at `at`.
    pub(super) fn remove(&mut self, at: usize) {
        self.replace.insert(at, Vec::new());
    }

    /// The edited stream, without offsets and without empty text events
    /// (left behind by adapters that strip markers in place).
    pub(super) fn apply(self, events: Vec<Ev<'a>>) -> Vec<Event<'a>> {
        let mut out = Vec::with_capacity(events.len() + self.before.len());
        // In index order, walked beside the stream: no lookup per event.
        let mut before = sorted(self.before).into_iter().peekable();
        let mut replace = sorted(self.replace).into_iter().peekable();
        for (at, (event, _)) in events.into_iter().enumerate() {
            if let Some((_, inserted)) = before.next_if(|(index, _)| *index == at) {
                out.extend(inserted);
            }
            match replace.next_if(|(index, _)| *index == at) {
                Some((_, replacement)) => out.extend(replacement),
                None => out.push(event),
            }
        }
        out.retain(|event| !matches!(event, Event::Text(text) if text.is_empty()));
        out
    }
}

/// The entries of `edits` in index order.
fn sorted(edits: HashMap<usize, Vec<Event<'_>>>) -> Vec<(usize, Vec<Event<'_>>)> {
    let mut edits: Vec<_> = edits.into_iter().collect();
    edits.sort_unstable_by_key(|(at, _)| *at);
    edits
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
            edits.apply(events),
            [text("a"), text("x"), text("y"), text("B"), text("z")]
        );
    }
}

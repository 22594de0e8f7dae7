//! The key list: its state ([`KeyList`]: selection, order, filter, marks,
//! focus, and the rows in its `ListIndex`, `index.rs`), its keymap (which
//! the help and the hint bar read), what each command does, its clicks,
//! the filter line; drawing is in `render.rs`. It answers a key or a click
//! with a [`ListMsg`] for what only the app can do.

mod index;

pub use index::DRIFT_FILTER;
mod keys;
mod render;

pub use keys::{
    ENDED_HELP, ENDED_HINTS, FILTER_KEYS, FilterCmd, LIST_KEYS, ListCmd, ListMsg, PLAN_LIST_KEYS,
    READONLY_NOTE,
};

use std::collections::{BTreeSet, HashMap};

use super::keymap::{self};
use crate::ui::components::input::TextInput;
use crate::ui::components::list::index::{ListIndex, Query};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use narrative_keys::{ApiKey, StatusPolicy};

/// The list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// By name.
    Name,
    /// By expiry, soonest first; never last.
    Expiry,
    /// By status, then expiry.
    Status,
}

impl SortBy {
    /// The order's name, as the status line and `:sort` say it.
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Expiry => "expiry",
            SortBy::Status => "status",
        }
    }

    /// The sort after this one: name, expiry, status, name.
    pub(in crate::ui) fn next(self) -> SortBy {
        match self {
            SortBy::Name => SortBy::Expiry,
            SortBy::Expiry => SortBy::Status,
            SortBy::Status => SortBy::Name,
        }
    }
}

/// Which pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The key list.
    List,
    /// The detail pane.
    Detail,
}

/// The list's rows as keys: borrowed from the app, cheap to make and to copy.
#[derive(Debug, Clone, Copy)]
pub struct VisibleKeys<'a> {
    keys: &'a [ApiKey],
    /// Positions in `keys`, in the order shown.
    rows: &'a [usize],
}

impl<'a> VisibleKeys<'a> {
    /// The rows `rows` (positions in `keys`) as keys.
    pub(in crate::ui) fn new(keys: &'a [ApiKey], rows: &'a [usize]) -> Self {
        Self { keys, rows }
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The key on row `row`.
    pub fn get(&self, row: usize) -> Option<&'a ApiKey> {
        self.rows.get(row).and_then(|&i| self.keys.get(i))
    }

    /// The keys, in the order shown.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a ApiKey> + use<'a> {
        let keys = self.keys;
        self.rows.iter().filter_map(move |&i| keys.get(i))
    }

    /// Up to `count` rows from row `from`, each with its row number; only
    /// those rows are looked at.
    pub fn rows(
        &self,
        from: usize,
        count: usize,
    ) -> impl Iterator<Item = (usize, &'a ApiKey)> + use<'a> {
        let keys = self.keys;
        let from = from.min(self.rows.len());
        let to = from.saturating_add(count).min(self.rows.len());
        self.rows[from..to]
            .iter()
            .enumerate()
            .filter_map(move |(n, &i)| keys.get(i).map(|k| (from + n, k)))
    }
}

/// The list's own state: the selection, the order, the filter, the marks,
/// which pane has the keys, and the index of its rows. The keys themselves
/// are the app's; each method that reads them is handed them.
#[derive(Debug)]
pub struct KeyList {
    /// Index into the visible rows.
    pub selected: usize,
    /// The chosen order.
    pub sort: SortBy,
    /// `S`: the chosen order, reversed.
    pub sort_reversed: bool,
    /// The filter as typed.
    pub filter: TextInput,
    /// Whether the filter is being typed.
    pub filtering: bool,
    /// Ids chosen with space for a bulk revoke or an incident.
    pub marked: BTreeSet<String>,
    /// Which pane has the keys.
    pub focus: Pane,
    /// The rows the filter lets through in the chosen order, and the
    /// counts: brought up to date after every `update` when the keys,
    /// `filter`, `sort`, `sort_reversed` or a status changes, never while
    /// drawing.
    index: ListIndex,
}

impl KeyList {
    /// An empty list sorted by name, its statuses read from `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            selected: 0,
            sort: SortBy::Name,
            sort_reversed: false,
            filter: TextInput::default(),
            filtering: false,
            marked: BTreeSet::new(),
            focus: Pane::List,
            index: ListIndex::new(SortBy::Name, false, now),
        }
    }

    /// Counts in `KeyStatus::ALL` order: active, expiring soon, expired, no expiration.
    pub fn counts(&self) -> [usize; 4] {
        self.index.counts()
    }

    /// How many rows the filter lets through.
    pub fn len(&self) -> usize {
        self.index.rows().len()
    }

    /// Whether the filter lets no row through.
    pub fn is_empty(&self) -> bool {
        self.index.rows().is_empty()
    }

    /// The rows of `keys` (the keys this list was synced with) the filter
    /// lets through, in the chosen order.
    pub fn visible<'a>(&'a self, keys: &'a [ApiKey]) -> VisibleKeys<'a> {
        VisibleKeys::new(keys, self.index.rows())
    }

    /// The key on the selected row, if any.
    pub fn selected_key<'a>(&'a self, keys: &'a [ApiKey]) -> Option<&'a ApiKey> {
        self.visible(keys).get(self.selected)
    }

    /// The selected key's id, if any.
    pub(in crate::ui) fn selected_id(&self, keys: &[ApiKey]) -> Option<String> {
        self.selected_key(keys).map(|k| k.id.clone())
    }

    /// Selects the row that shows key `id`, if the filter lets it through.
    pub(in crate::ui) fn select_key(&mut self, keys: &[ApiKey], id: &str) {
        let row = self.visible(keys).iter().position(|k| k.id == id);
        if let Some(i) = row {
            self.selected = i;
        }
    }

    /// Selects row `i`, or the last row when there are fewer.
    pub(in crate::ui) fn select(&mut self, i: usize) {
        self.selected = i.min(self.len().saturating_sub(1));
    }

    /// Keeps the selection on a row.
    pub(in crate::ui) fn clamp(&mut self) {
        self.select(self.selected);
    }

    /// Brings the index in step with `keys`, the filter, the sort and the
    /// clock (cheap when none of them changed), or rebuilds it from
    /// scratch for a new list.
    pub(in crate::ui) fn sync(
        &mut self,
        keys: &[ApiKey],
        now: DateTime<Utc>,
        policy: &StatusPolicy,
        (rebuild, plan_marks): (bool, Option<&HashMap<String, &'static str>>),
    ) {
        let needle = self.filter.value.trim().to_lowercase();
        let query = Query {
            needle: &needle,
            sort: self.sort,
            reversed: self.sort_reversed,
            now,
            policy,
            plan_marks,
        };
        if rebuild {
            self.index.rebuild(keys, query);
        } else {
            self.index.sync(keys, query);
        }
    }

    /// Drops the marks of keys no longer in `keys`.
    pub(in crate::ui) fn retain_marks(&mut self, keys: &[ApiKey]) {
        let existing: BTreeSet<&str> = keys.iter().map(|k| k.id.as_str()).collect();
        self.marked.retain(|id| existing.contains(id.as_str()));
    }

    /// Marks the selected key, or unmarks it; `false` when none is selected.
    pub(in crate::ui) fn toggle_mark(&mut self, keys: &[ApiKey]) -> bool {
        let Some(id) = self.selected_id(keys) else {
            return false;
        };
        if !self.marked.remove(&id) {
            self.marked.insert(id);
        }
        true
    }

    /// The marked keys, or else the selected one.
    pub(in crate::ui) fn selection<'a>(&'a self, keys: &'a [ApiKey]) -> Vec<&'a ApiKey> {
        if self.marked.is_empty() {
            return self.selected_key(keys).into_iter().collect();
        }
        let visible: Vec<&ApiKey> = self.visible(keys).iter().collect();
        let mut out: Vec<&ApiKey> = visible
            .iter()
            .copied()
            .filter(|k| self.marked.contains(&k.id))
            .collect();
        // Marked keys hidden by the filter still count.
        out.extend(
            keys.iter()
                .filter(|k| self.marked.contains(&k.id))
                .filter(|k| !visible.iter().any(|v| v.id == k.id)),
        );
        out
    }

    /// The filter line: typing narrows the list; Enter or a move keeps it,
    /// Esc clears it. The caller then brings the index in step and clamps.
    pub(in crate::ui) fn on_filter_key(&mut self, key: KeyEvent) {
        match keymap::lookup(FILTER_KEYS, key.code) {
            Some((_, FilterCmd::Keep)) => self.filtering = false,
            Some((_, FilterCmd::Clear)) => {
                self.filtering = false;
                self.filter.value.clear();
            }
            None => {
                self.filter.handle_key(key);
                self.selected = 0;
            }
        }
    }
}

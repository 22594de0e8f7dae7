//! The key list's index: which keys the filter lets through, in the chosen
//! order, and how many keys each status has. The app brings it up to
//! date (after every `update`) when the list, the filter, the sort or a key's status changes; a
//! frame only reads it, so drawing costs the same at ten keys or 100,000.

use chrono::{DateTime, Utc};
use memchr::memmem::Finder;
use narrative_keys::{ApiKey, KeyStatus, StatusPolicy};

use super::SortBy;
use crate::output::display_order;

#[derive(Debug)]
pub struct ListIndex {
    /// Per key, at the key's position in the list: what the filter searches.
    search: Vec<SearchText>,
    /// Per key: its place in name order (lowercased name, then id, then its
    /// position), the last tie-break of every sort, so each sort is stable.
    name_rank: Vec<usize>,
    /// Per key: whether the filter lets it through.
    matched: Vec<bool>,
    /// Every key, in the chosen order (already reversed when asked).
    order: Vec<usize>,
    /// `order` without the keys the filter hides: the list's rows.
    rows: Vec<usize>,
    /// The filter as matched: trimmed and lowercased.
    needle: String,
    sort: SortBy,
    reversed: bool,
    /// In `KeyStatus::ALL` order.
    counts: [usize; 4],
    /// The statuses counted (and sorted by) hold from this clock...
    statuses_from: DateTime<Utc>,
    /// ...until this one, when a key next expires or starts expiring soon.
    statuses_until: Option<DateTime<Utc>>,
}

/// The filter `:filter drift` sets when a keys file is loaded: a search
/// part only keys with a pending action in its plan carry (a match never
/// spans two parts; only a key whose name holds `@drift` matches it too).
pub const DRIFT_FILTER: &str = "@drift";

/// Whether a plan mark is a pending action (not `?` unmanaged or `·` retiring).
fn pending(mark: &str) -> bool {
    !matches!(mark, "?" | "·")
}

/// One key's searchable text, lowercased: its name, id, and each
/// permission's compact form and display name, one after another (and
/// [`DRIFT_FILTER`] for a key with a pending action).
#[derive(Debug)]
struct SearchText {
    text: String,
    /// Where each part ends: a match never spans two parts.
    ends: Box<[usize]>,
}

impl SearchText {
    fn of(key: &ApiKey, drifts: bool) -> Self {
        let mut text = String::new();
        let mut ends = Vec::with_capacity(2 + 2 * key.permissions.iter().len());
        let mut push = |part: &str| {
            text.push_str(&part.to_lowercase());
            ends.push(text.len());
        };
        push(&key.name);
        push(&key.id);
        for p in key.permissions.iter() {
            push(&p.to_string());
            push(p.resource.display_name());
        }
        if drifts {
            push(DRIFT_FILTER);
        }
        Self {
            text,
            ends: ends.into_boxed_slice(),
        }
    }

    /// Whether one part holds the needle `finder` looks for. One search
    /// runs over the whole text (far quicker than one per part); a match
    /// that runs from one part into the next does not count, and the search
    /// goes on after it.
    fn contains(&self, finder: &Finder) -> bool {
        let text = self.text.as_bytes();
        let mut from = 0;
        while let Some(found) = text.get(from..).and_then(|rest| finder.find(rest)) {
            let start = from + found;
            let part_end = self.ends.iter().copied().find(|&end| end > start);
            if part_end.is_some_and(|end| start + finder.needle().len() <= end) {
                return true;
            }
            from = start + 1;
        }
        false
    }
}

/// What the rows are to be: the filter (lowercased), the order, and the
/// clock and policy a key's status is read with.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// The filter, trimmed and lowercased; empty lets every key through.
    pub needle: &'a str,
    /// The chosen order.
    pub sort: SortBy,
    /// Whether it is reversed.
    pub reversed: bool,
    /// The clock.
    pub now: DateTime<Utc>,
    /// When a key counts as expiring soon.
    pub policy: &'a StatusPolicy,
    /// Each key's mark in the keys file's plan, by id, when one is loaded.
    pub plan_marks: Option<&'a std::collections::HashMap<String, &'static str>>,
}

impl ListIndex {
    pub fn new(sort: SortBy, reversed: bool, now: DateTime<Utc>) -> Self {
        Self {
            search: Vec::new(),
            name_rank: Vec::new(),
            matched: Vec::new(),
            order: Vec::new(),
            rows: Vec::new(),
            needle: String::new(),
            sort,
            reversed,
            counts: [0; 4],
            statuses_from: now,
            statuses_until: None,
        }
    }

    /// The list's rows: positions in the key list, in the order shown.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// Counts in `KeyStatus::ALL` order: active, expiring soon, expired, no expiration.
    pub fn counts(&self) -> [usize; 4] {
        self.counts
    }

    /// A new key list: everything is worked out again, once.
    pub fn rebuild(&mut self, keys: &[ApiKey], query: Query<'_>) {
        let drifts = |key: &ApiKey| {
            query
                .plan_marks
                .and_then(|marks| marks.get(&key.id))
                .is_some_and(|mark| pending(mark))
        };
        self.search = keys.iter().map(|k| SearchText::of(k, drifts(k))).collect();
        let mut by_name: Vec<usize> = (0..keys.len()).collect();
        by_name.sort_by_cached_key(|&i| display_order(&keys[i]));
        self.name_rank = vec![0; keys.len()];
        for (rank, &i) in by_name.iter().enumerate() {
            self.name_rank[i] = rank;
        }
        self.needle = query.needle.to_owned();
        let finder = Finder::new(query.needle);
        self.matched = self
            .search
            .iter()
            .map(|s| query.needle.is_empty() || s.contains(&finder))
            .collect();
        self.sort = query.sort;
        self.reversed = query.reversed;
        self.count_statuses(keys, query.now, query.policy);
        self.sort_all(keys, query.now, query.policy);
    }

    /// Brings the index in step with the filter, the sort and the clock,
    /// doing only the work their change needs (none when nothing changed).
    pub fn sync(&mut self, keys: &[ApiKey], query: Query<'_>) {
        let Query {
            needle,
            sort,
            reversed,
            now,
            policy,
            ..
        } = query;
        if self.search.len() != keys.len() {
            // Not this list's index (the list was replaced without `rebuild`).
            self.rebuild(keys, query);
            return;
        }
        let stale = now < self.statuses_from || self.statuses_until.is_some_and(|u| now >= u);
        if stale {
            self.count_statuses(keys, now, policy);
            if self.sort == SortBy::Status {
                self.sort_all(keys, now, policy);
            }
        }
        if sort != self.sort {
            self.sort = sort;
            self.reversed = reversed;
            self.sort_all(keys, now, policy);
        } else if reversed != self.reversed {
            // The same stable order backwards: ties reverse too, as before.
            self.reversed = reversed;
            self.order.reverse();
            self.rows.reverse();
        }
        if needle != self.needle {
            self.filter(needle);
        }
    }

    /// A longer filter that contains the last one can only hide keys, so
    /// only the rows shown are looked at; any other change looks at all.
    fn filter(&mut self, needle: &str) {
        let search = &self.search;
        let matched = &mut self.matched;
        let finder = Finder::new(needle);
        if needle.contains(self.needle.as_str()) {
            self.rows.retain(|&i| {
                let keep = search[i].contains(&finder);
                matched[i] = keep;
                keep
            });
        } else {
            for (m, s) in matched.iter_mut().zip(search) {
                *m = needle.is_empty() || s.contains(&finder);
            }
            self.rows = self.order.iter().copied().filter(|&i| matched[i]).collect();
        }
        self.needle = needle.to_owned();
    }

    fn sort_all(&mut self, keys: &[ApiKey], now: DateTime<Utc>, policy: &StatusPolicy) {
        let rank = &self.name_rank;
        let mut order: Vec<usize> = (0..keys.len()).collect();
        match self.sort {
            SortBy::Name => {
                for (i, &r) in rank.iter().enumerate() {
                    order[r] = i;
                }
            }
            // Soonest first; keys that never expire last.
            SortBy::Expiry => order.sort_by_cached_key(|&i| {
                let at = keys[i].expires_at;
                (at.is_none(), at, rank[i])
            }),
            SortBy::Status => order.sort_by_cached_key(|&i| {
                (keys[i].status(now, policy), keys[i].expires_at, rank[i])
            }),
        }
        if self.reversed {
            order.reverse();
        }
        self.rows = order.iter().copied().filter(|&i| self.matched[i]).collect();
        self.order = order;
    }

    /// Counts the statuses at `now`, and when the next one changes: when a
    /// key starts expiring soon, or expires.
    fn count_statuses(&mut self, keys: &[ApiKey], now: DateTime<Utc>, policy: &StatusPolicy) {
        let mut counts = [0; 4];
        let mut until: Option<DateTime<Utc>> = None;
        for key in keys {
            let status = key.status(now, policy);
            if let Some(i) = KeyStatus::ALL.iter().position(|s| *s == status) {
                counts[i] += 1;
            }
            if let Some(at) = key.expires_at {
                let soon = at.checked_sub_signed(policy.expiring_within);
                for change in [soon, Some(at)].into_iter().flatten() {
                    if change > now && until.is_none_or(|u| change < u) {
                        until = Some(change);
                    }
                }
            }
        }
        self.counts = counts;
        self.statuses_from = now;
        self.statuses_until = until;
    }
}

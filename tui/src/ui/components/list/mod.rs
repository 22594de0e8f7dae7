//! The key list and its keys: the keymap (which the help and the hint bar
//! read), what each command does, its clicks, the filter line, and its
//! drawing (status symbol, name, compact permissions, expiry). Its state is
//! [`KeyList`], held by [`App`] as `app.list` (the rows themselves in its
//! `ListIndex`).

mod index;
mod render;

pub use render::render;

use std::collections::BTreeSet;

use super::keymap::{self, Binding, EventState, InReadOnly};
use crate::ui::action::Effect;
use crate::ui::app::App;
use crate::ui::components::command_line::parse::CommandLine;
use crate::ui::components::dialog::Modal;
use crate::ui::components::dialog::incident::IncidentModal;
use crate::ui::components::form::Form;
use crate::ui::components::input::TextInput;
use crate::ui::components::list::index::{ListIndex, Query};
use crate::ui::hit::Regions;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};
use narrative_keys::incident::{self, Selection};
use narrative_keys::{ApiKey, StatusPolicy};
use ratatui::layout::Position;

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

/// What a key does on the list (or, for moves, on the detail pane when it
/// has focus).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListCmd {
    /// Quit the program.
    Quit,
    /// Open the help.
    Help,
    /// One row up (the detail pane: scroll up).
    Up,
    /// One row down (the detail pane: scroll down).
    Down,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// The first key (the detail pane: its top).
    First,
    /// The last key.
    Last,
    /// Focus the other pane.
    SwitchPane,
    /// Focus the detail pane.
    FocusDetail,
    /// Focus the list.
    FocusList,
    /// Back out one level: pane, filter, marks, status.
    Back,
    /// Start typing a filter.
    Filter,
    /// The next sort.
    NextSort,
    /// Reverse the order.
    Reverse,
    /// Open the `:` command line.
    Command,
    /// Copy the selected key's id.
    CopyId,
    /// Clone the selected key.
    Clone,
    /// Reload the keys.
    Refresh,
    /// Mark or unmark the selected key.
    Mark,
    /// Create a key.
    New,
    /// Edit the selected key.
    Edit,
    /// Ask to rotate the selected key.
    Rotate,
    /// Ask to revoke the marked keys or the selected one.
    Revoke,
    /// The incident response's dry run on the marked keys.
    Incident,
}

use KeyCode::{
    Char, Delete, Down, End, Enter, Esc, F, Home, Left, PageDown, PageUp, Right, Tab, Up,
};

/// The list's keymap, in the help's order; the hint bar orders its own.
pub const LIST_KEYS: &[Binding<ListCmd>] = &[
    Binding::new(
        "↑ ↓ / j k",
        "move (scroll the detail pane when it has focus)",
        &[
            (Up, ListCmd::Up),
            (Char('k'), ListCmd::Up),
            (Down, ListCmd::Down),
            (Char('j'), ListCmd::Down),
        ],
    ),
    Binding::new(
        "g G / PgUp PgDn",
        "first / last key; a page up / down",
        &[
            (Home, ListCmd::First),
            (Char('g'), ListCmd::First),
            (End, ListCmd::Last),
            (Char('G'), ListCmd::Last),
            (PageUp, ListCmd::PageUp),
            (PageDown, ListCmd::PageDown),
        ],
    ),
    Binding::new(
        "Tab, Enter, ← → / h l",
        "switch between the list and the detail pane",
        &[
            (Tab, ListCmd::SwitchPane),
            (KeyCode::BackTab, ListCmd::SwitchPane),
            (Enter, ListCmd::FocusDetail),
            (Right, ListCmd::FocusDetail),
            (Char('l'), ListCmd::FocusDetail),
            (Left, ListCmd::FocusList),
            (Char('h'), ListCmd::FocusList),
        ],
    ),
    Binding::new(
        "Esc",
        "back: list pane, clear the filter, clear the marks",
        &[(Esc, ListCmd::Back)],
    )
    .readonly(InReadOnly::Says("back: list pane, clear the filter")),
    Binding::new(
        "/",
        "filter by name, id or permission as you type",
        &[(Char('/'), ListCmd::Filter)],
    )
    .hint(6, "/", "filter"),
    Binding::new(
        "s",
        "next sort: name, expiry, status; stays reversed",
        &[(Char('s'), ListCmd::NextSort)],
    )
    .hint(7, "s", "sort"),
    Binding::new(
        "S",
        "reverse the order (s and :sort keep it)",
        &[(Char('S'), ListCmd::Reverse)],
    ),
    // Marking is only for revoke and incident, which read-only mode turns off.
    Binding::new(
        "space",
        "mark or unmark, then move down (revoke, incident)",
        &[(Char(' '), ListCmd::Mark)],
    )
    .hint(4, "space", "mark")
    .readonly(InReadOnly::Hidden),
    Binding::new(
        "y",
        "copy the key's id (if the terminal allows OSC 52)",
        &[(Char('y'), ListCmd::CopyId)],
    )
    .hint(11, "y", "copy id"),
    Binding::new("n", "new key", &[(Char('n'), ListCmd::New)])
        .hint(0, "n", "new")
        .write("creating a key"),
    Binding::new("e", "edit the selected key", &[(Char('e'), ListCmd::Edit)])
        .hint(1, "e", "edit")
        .write("editing a key"),
    Binding::new(
        "c",
        "clone the selected key (same permissions)",
        &[(Char('c'), ListCmd::Clone)],
    )
    .hint(10, "c", "clone")
    .write("cloning a key"),
    Binding::new(
        "r",
        "rotate the selected key",
        &[(Char('r'), ListCmd::Rotate)],
    )
    .hint(2, "r", "rotate")
    .write("rotating a key"),
    Binding::new(
        "d",
        "revoke the marked keys, or the selected one",
        &[(Char('d'), ListCmd::Revoke), (Delete, ListCmd::Revoke)],
    )
    .hint(3, "d", "revoke")
    .write("revoking keys"),
    Binding::new(
        "i",
        "incident on the marked keys, or the selected one",
        &[(Char('i'), ListCmd::Incident)],
    )
    .hint(5, "i", "incident")
    .write("an incident response"),
    Binding::new(
        "R",
        "refresh",
        &[(Char('R'), ListCmd::Refresh), (F(5), ListCmd::Refresh)],
    ),
    Binding::new(
        ":",
        "command: filter, sort, revoke, refresh, q",
        &[(Char(':'), ListCmd::Command)],
    )
    .hint(12, ":", "command")
    .readonly(InReadOnly::Says("command: filter, sort, refresh, q")),
    Binding::new("mouse", "click to select or press; the wheel scrolls", &[]),
    Binding::new(
        "?",
        "this help",
        &[(Char('?'), ListCmd::Help), (F(1), ListCmd::Help)],
    )
    .hint(8, "?", "help"),
    Binding::new("q / Ctrl-C", "quit", &[(Char('q'), ListCmd::Quit)]).hint(9, "q", "quit"),
];

/// What a key does while the filter is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterCmd {
    /// Keep the filter and go back to the list.
    Keep,
    /// Clear the filter.
    Clear,
}

/// The filter line's keymap; any other key edits the filter.
pub const FILTER_KEYS: &[Binding<FilterCmd>] = &[
    Binding::new(
        "Enter",
        "keep filter",
        &[
            (Enter, FilterCmd::Keep),
            (Down, FilterCmd::Keep),
            (Up, FilterCmd::Keep),
        ],
    ),
    Binding::new("Esc", "clear filter", &[(Esc, FilterCmd::Clear)]),
];

/// How far a turn of the wheel moves.
const WHEEL_STEP: u16 = 3;

/// The help once the session's key is gone: the list stays readable.
pub const ENDED_HELP: [(&str, &str); 2] = [
    ("↑ ↓ / j k", "move through the list as last loaded"),
    ("q / Ctrl-C", "quit, then start again with another key"),
];

/// The hint bar once the session's key is gone.
pub const ENDED_HINTS: [(&str, &str); 2] = [("q", "quit"), ("?", "help")];

/// What the help adds in read-only mode.
pub const READONLY_NOTE: (&str, &str) = ("", "read-only: every change is off");

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
    /// counts: brought up to date by `App::update` when the keys, `filter`,
    /// `sort`, `sort_reversed` or a status changes, never while drawing.
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
        rebuild: bool,
    ) {
        let needle = self.filter.value.trim().to_lowercase();
        let query = Query {
            needle: &needle,
            sort: self.sort,
            reversed: self.sort_reversed,
            now,
            policy,
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

impl App {
    /// The list's help rows for this session.
    pub(in crate::ui) fn list_help(&self) -> Vec<(&'static str, &'static str)> {
        if self.session_ended.is_some() {
            return ENDED_HELP.to_vec();
        }
        let mut rows = keymap::help(LIST_KEYS, self.readonly);
        if self.readonly {
            rows.push(READONLY_NOTE);
        }
        rows
    }

    /// The list's hints for this session. Marking and the incident
    /// response come early: the bar keeps them at 80 columns (see
    /// `view::render_hints`).
    pub(in crate::ui) fn list_hints(&self) -> Vec<(&'static str, &'static str)> {
        if self.session_ended.is_some() {
            return ENDED_HINTS.to_vec();
        }
        keymap::hints(LIST_KEYS, self.readonly)
    }

    /// A key on the list: looked up in [`LIST_KEYS`]; a write is refused
    /// first in read-only mode or once the session's key is gone.
    pub(in crate::ui) fn on_list_key(&mut self, key: KeyEvent) -> (EventState, Option<Effect>) {
        let Some((row, cmd)) = keymap::lookup(LIST_KEYS, key.code) else {
            return (EventState::NotConsumed, None);
        };
        if let Some(what) = row.write
            && self.refuse_write(what)
        {
            return (EventState::Consumed, None);
        }
        (EventState::Consumed, self.list_command(cmd))
    }

    /// Runs one list command.
    pub(in crate::ui) fn list_command(&mut self, cmd: ListCmd) -> Option<Effect> {
        let detail = self.list.focus == Pane::Detail;
        match cmd {
            ListCmd::Up | ListCmd::Down | ListCmd::PageUp | ListCmd::PageDown | ListCmd::First
                if detail =>
            {
                self.detail.scroll_by(cmd)
            }
            ListCmd::Up => self.select(self.list.selected.saturating_sub(1)),
            ListCmd::Down => self.select(self.list.selected + 1),
            ListCmd::PageUp => self.select(self.list.selected.saturating_sub(10)),
            ListCmd::PageDown => self.select(self.list.selected + 10),
            ListCmd::First => self.select(0),
            ListCmd::Last => self.select(self.list.len().saturating_sub(1)),
            ListCmd::SwitchPane => self.list.focus = if detail { Pane::List } else { Pane::Detail },
            ListCmd::FocusDetail => self.list.focus = Pane::Detail,
            ListCmd::FocusList => self.list.focus = Pane::List,
            ListCmd::Back => self.back(),
            ListCmd::Filter => {
                self.list.filtering = true;
                self.list.focus = Pane::List;
            }
            ListCmd::NextSort => self.sorted_by(self.list.sort.next(), self.list.sort_reversed),
            ListCmd::Reverse => self.sorted_by(self.list.sort, !self.list.sort_reversed),
            ListCmd::Command => {
                self.command = Some(CommandLine::default());
                self.list.focus = Pane::List;
            }
            ListCmd::Refresh => return self.refresh_now(),
            ListCmd::Mark => self.toggle_mark(),
            ListCmd::Quit => self.should_quit = true,
            ListCmd::Help => self.open_help(),
            ListCmd::CopyId
            | ListCmd::Clone
            | ListCmd::New
            | ListCmd::Edit
            | ListCmd::Rotate
            | ListCmd::Revoke
            | ListCmd::Incident => return self.key_command(cmd),
        }
        None
    }

    /// The commands that act on the selected key (or the marked ones).
    fn key_command(&mut self, cmd: ListCmd) -> Option<Effect> {
        if cmd == ListCmd::New {
            self.form = Some(Form::create());
            return None;
        }
        if cmd == ListCmd::Revoke {
            self.confirm_revoke();
            return None;
        }
        if cmd == ListCmd::Incident {
            self.open_incident();
            return None;
        }
        let Some(k) = self.selected_key() else {
            self.show_info("No key is selected.");
            return None;
        };
        match cmd {
            ListCmd::CopyId => return Some(Effect::CopyId { id: k.id.clone() }),
            ListCmd::Clone => self.form = Some(Form::clone_of(k)),
            ListCmd::Edit => self.form = Some(Form::edit(k)),
            _ => {
                self.modal = Some(Modal::ConfirmRotate {
                    id: k.id.clone(),
                    name: k.name.clone(),
                    choice: 0,
                })
            }
        }
        None
    }

    /// Esc: the list pane, then no filter, then no marks, then no status.
    fn back(&mut self) {
        if self.list.focus == Pane::Detail {
            self.list.focus = Pane::List;
        } else if !self.list.filter.value.is_empty() {
            self.list.filter.value.clear();
            self.clamp();
        } else if !self.list.marked.is_empty() {
            self.list.marked.clear();
        } else {
            self.status = None;
        }
    }

    /// Space: marks or unmarks the selected key and moves on.
    fn toggle_mark(&mut self) {
        if self.readonly {
            self.show_error(
                "Read-only: marking is for revoke and incident, which are off in this session.",
            );
            return;
        }
        if self.list.toggle_mark(&self.keys) {
            self.select(self.list.selected + 1);
        }
    }

    /// `i`: the incident response's dry run on the marked keys.
    fn open_incident(&mut self) {
        let ids: Vec<String> = self.selection().iter().map(|k| k.id.clone()).collect();
        if ids.is_empty() {
            self.show_info("No key is selected.");
            return;
        }
        let selection = Selection {
            ids,
            ..Default::default()
        };
        match incident::plan(&self.keys, &selection, false, self.now) {
            Ok(plan) => {
                self.modal = Some(Modal::Incident(IncidentModal::Plan {
                    plan: Box::new(plan),
                    scroll: 0,
                }))
            }
            Err(e) => self.show_error(crate::ui::text::describe_error(&e)),
        }
    }

    /// A click selects the row under it and focuses its pane; the wheel
    /// scrolls the pane under it.
    pub(in crate::ui) fn on_list_mouse(
        &mut self,
        regions: &Regions,
        at: Position,
        down: bool,
        up: bool,
    ) {
        if Regions::in_rect(regions.detail, at) {
            self.on_detail_mouse(down, up);
        } else if Regions::in_rect(regions.list, at) {
            self.list.focus = Pane::List;
            if down {
                if let Some(i) = regions.list_row_at(at) {
                    self.select(i);
                }
            } else if up {
                self.select(self.list.selected.saturating_sub(WHEEL_STEP.into()));
            } else {
                self.select(self.list.selected + usize::from(WHEEL_STEP));
            }
        }
    }

    /// A key while the filter is typed: the list takes it, then the rows
    /// and the selection are brought in step.
    pub(in crate::ui) fn on_filter_key(&mut self, key: KeyEvent) {
        self.list.on_filter_key(key);
        self.clamp();
    }
}

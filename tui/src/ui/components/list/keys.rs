//! The list's keys: its keymap (which the help and the hint bar read),
//! the filter line's, what each command does, and its clicks; answered
//! with a [`ListMsg`] for what only the app can do.

use crossterm::event::{KeyCode, KeyEvent};
use narrative_keys::ApiKey;
use narrative_keys::incident::{self, IncidentPlan, Selection};
use ratatui::layout::Position;

use super::{KeyList, Pane, SortBy};
use crate::ui::action::Effect;
use crate::ui::components::Ctx;
use crate::ui::components::form::Form;
use crate::ui::components::keymap::{self, Binding, InReadOnly};
use crate::ui::hit::Regions;

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
    /// Show the keys file's plan.
    Plan,
    /// Ask before applying the keys file.
    Apply,
}

use KeyCode::{
    Char, Delete, Down, End, Enter, Esc, F, Home, Left, PageDown, PageUp, Right, Tab, Up,
};

/// The list's keys when a keys file is loaded (`--file`).
pub const PLAN_LIST_KEYS: &[Binding<ListCmd>] = &[
    Binding::new(
        "p",
        "the keys file's plan: what apply would do",
        &[(Char('p'), ListCmd::Plan)],
    ),
    Binding::new(
        "A",
        "apply the keys file (after its plan and a question), secrets to its targets",
        &[(Char('A'), ListCmd::Apply)],
    )
    .write("applying the keys file"),
];

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

/// What the list asks of the app after a key or a click; what it could do
/// within itself it has done.
#[derive(Debug)]
pub enum ListMsg {
    /// Not the list's key.
    Ignored,
    /// The list took the key; nothing more to do.
    Consumed,
    /// The selection moved: the detail pane goes back to its top.
    Moved,
    /// A move while the detail pane has the focus: it scrolls.
    ScrollDetail(ListCmd),
    /// A turn of the wheel over the detail pane: up or down.
    WheelDetail(bool),
    /// Say this on the status line.
    Info(String),
    /// Say this on the status line, as an error.
    Error(String),
    /// Clear the status line.
    ClearStatus,
    /// A change was asked for (`what`) in a session that makes none.
    Refused(&'static str),
    /// Quit the program.
    Quit,
    /// Open the help.
    Help,
    /// Open the `:` command line.
    OpenCommand,
    /// Reload the keys.
    Refresh,
    /// Open the create/edit form.
    OpenForm(Box<Form>),
    /// Ask before rotating this key.
    Rotate {
        /// Its id.
        id: String,
        /// Its name.
        name: String,
    },
    /// Ask before revoking these keys, as (id, name).
    Revoke(Vec<(String, String)>),
    /// Show the incident response's dry run.
    Incident(Box<IncidentPlan>),
    /// Show the keys file's plan, asking whether to apply it when `confirm`.
    Plan {
        /// Whether to ask to apply it (`A`).
        confirm: bool,
    },
    /// Run this effect.
    Run(Effect),
}

impl KeyList {
    /// The list's help rows for this session.
    pub fn help(ctx: &Ctx) -> Vec<(&'static str, &'static str)> {
        if ctx.session_ended {
            return ENDED_HELP.to_vec();
        }
        let mut rows = keymap::help(LIST_KEYS, ctx.readonly);
        if ctx.plan_marks.is_some() {
            rows.extend(keymap::help(PLAN_LIST_KEYS, ctx.readonly));
        }
        if ctx.readonly {
            rows.push(READONLY_NOTE);
        }
        rows
    }

    /// The list's hints for this session (the filter's while it is typed).
    /// Marking and the incident response come early: the bar keeps them
    /// at 80 columns (see `screen::render_hints`).
    pub fn hints(&self, ctx: &Ctx) -> Vec<(&'static str, &'static str)> {
        if self.filtering {
            return keymap::help(FILTER_KEYS, false);
        }
        if ctx.session_ended {
            return ENDED_HINTS.to_vec();
        }
        keymap::hints(LIST_KEYS, ctx.readonly)
    }

    /// A key on the list: the filter's while it is typed, else looked up
    /// in [`LIST_KEYS`]; a change is refused first in a session that makes
    /// none.
    pub fn handle_key(&mut self, key: KeyEvent, ctx: &Ctx) -> ListMsg {
        if self.filtering {
            self.on_filter_key(key);
            self.clamp_to(ctx);
            return ListMsg::Consumed;
        }
        let planned = || {
            ctx.plan_marks
                .and_then(|_| keymap::lookup(PLAN_LIST_KEYS, key.code))
        };
        let Some((row, cmd)) = keymap::lookup(LIST_KEYS, key.code).or_else(planned) else {
            return ListMsg::Ignored;
        };
        if let Some(what) = row.write
            && (ctx.readonly || ctx.session_ended)
        {
            return ListMsg::Refused(what);
        }
        self.command(cmd, ctx)
    }

    /// Runs one list command.
    fn command(&mut self, cmd: ListCmd, ctx: &Ctx) -> ListMsg {
        let detail = self.focus == Pane::Detail;
        let moved = |list: &mut Self, i: usize| {
            list.select(i);
            ListMsg::Moved
        };
        match cmd {
            ListCmd::Up | ListCmd::Down | ListCmd::PageUp | ListCmd::PageDown | ListCmd::First
                if detail =>
            {
                ListMsg::ScrollDetail(cmd)
            }
            ListCmd::Up => moved(self, self.selected.saturating_sub(1)),
            ListCmd::Down => moved(self, self.selected + 1),
            ListCmd::PageUp => moved(self, self.selected.saturating_sub(10)),
            ListCmd::PageDown => moved(self, self.selected + 10),
            ListCmd::First => moved(self, 0),
            ListCmd::Last => moved(self, self.len().saturating_sub(1)),
            ListCmd::SwitchPane | ListCmd::FocusDetail | ListCmd::FocusList => {
                self.focus = match cmd {
                    ListCmd::FocusDetail => Pane::Detail,
                    ListCmd::FocusList => Pane::List,
                    _ if detail => Pane::List,
                    _ => Pane::Detail,
                };
                ListMsg::Consumed
            }
            ListCmd::Back => self.back(ctx),
            ListCmd::Filter => {
                self.filtering = true;
                self.focus = Pane::List;
                ListMsg::Consumed
            }
            ListCmd::NextSort => self.sorted_by(self.sort.next(), self.sort_reversed, ctx),
            ListCmd::Reverse => self.sorted_by(self.sort, !self.sort_reversed, ctx),
            ListCmd::Command => {
                self.focus = Pane::List;
                ListMsg::OpenCommand
            }
            ListCmd::Refresh => ListMsg::Refresh,
            ListCmd::Mark => self.toggle_mark_and_move(ctx),
            ListCmd::Quit => ListMsg::Quit,
            ListCmd::Help => ListMsg::Help,
            ListCmd::New => ListMsg::OpenForm(Box::new(Form::create())),
            ListCmd::Revoke => self.ask_revoke(ctx.keys),
            ListCmd::Incident => self.ask_incident(ctx),
            ListCmd::Plan => ListMsg::Plan { confirm: false },
            ListCmd::Apply => ListMsg::Plan { confirm: true },
            ListCmd::CopyId | ListCmd::Clone | ListCmd::Edit | ListCmd::Rotate => {
                self.on_selected(cmd, ctx.keys)
            }
        }
    }

    /// The commands that act on the selected key.
    fn on_selected(&self, cmd: ListCmd, keys: &[ApiKey]) -> ListMsg {
        let Some(k) = self.selected_key(keys) else {
            return ListMsg::Info("No key is selected.".to_owned());
        };
        match cmd {
            ListCmd::CopyId => ListMsg::Run(Effect::CopyId { id: k.id.clone() }),
            ListCmd::Clone => ListMsg::OpenForm(Box::new(Form::clone_of(k))),
            ListCmd::Edit => ListMsg::OpenForm(Box::new(Form::edit(k))),
            _ => ListMsg::Rotate {
                id: k.id.clone(),
                name: k.name.clone(),
            },
        }
    }

    /// The revoke question for the marked keys, or the selected one (`d`,
    /// `:revoke`).
    pub fn ask_revoke(&self, keys: &[ApiKey]) -> ListMsg {
        let keys: Vec<(String, String)> = self
            .selection(keys)
            .iter()
            .map(|k| (k.id.clone(), k.name.clone()))
            .collect();
        if keys.is_empty() {
            return ListMsg::Info("No key is selected.".to_owned());
        }
        ListMsg::Revoke(keys)
    }

    /// The order `sort`, reversed or not, the selection kept on its key.
    pub fn sorted_by(&mut self, sort: SortBy, reversed: bool, ctx: &Ctx) -> ListMsg {
        let id = self.selected_id(ctx.keys);
        self.sort = sort;
        self.sort_reversed = reversed;
        self.sync_to(ctx);
        if let Some(id) = id {
            self.select_key(ctx.keys, &id);
        }
        let order = if reversed { ", reversed" } else { "" };
        ListMsg::Info(format!("Sorted by {}{order}.", sort.label()))
    }

    /// The filter `text`, as `:filter` sets it; what the status line says.
    pub fn filtered_by(&mut self, text: String, ctx: &Ctx) -> String {
        self.filter.value = text;
        self.selected = 0;
        self.clamp_to(ctx);
        let n = self.len();
        if self.filter.value.is_empty() {
            "Filter cleared.".to_owned()
        } else {
            format!("Filtered: {n} match{}.", if n == 1 { "" } else { "es" })
        }
    }

    /// Brings the index in step with `ctx`'s keys, clock and policy.
    fn sync_to(&mut self, ctx: &Ctx) {
        self.sync(ctx.keys, ctx.now, ctx.policy, (false, ctx.plan_marks));
    }

    /// Brings the index in step, then keeps the selection on a row.
    fn clamp_to(&mut self, ctx: &Ctx) {
        self.sync_to(ctx);
        self.clamp();
    }

    /// Esc: the list pane, then no filter, then no marks, then no status.
    fn back(&mut self, ctx: &Ctx) -> ListMsg {
        if self.focus == Pane::Detail {
            self.focus = Pane::List;
        } else if !self.filter.value.is_empty() {
            self.filter.value.clear();
            self.clamp_to(ctx);
        } else if !self.marked.is_empty() {
            self.marked.clear();
        } else {
            return ListMsg::ClearStatus;
        }
        ListMsg::Consumed
    }

    /// Space: marks or unmarks the selected key and moves on.
    fn toggle_mark_and_move(&mut self, ctx: &Ctx) -> ListMsg {
        if ctx.readonly {
            return ListMsg::Error(
                "Read-only: marking is for revoke and incident, which are off in this session."
                    .to_owned(),
            );
        }
        if self.toggle_mark(ctx.keys) {
            self.select(self.selected + 1);
            return ListMsg::Moved;
        }
        ListMsg::Consumed
    }

    /// `i`: the incident response's dry run on the marked keys.
    fn ask_incident(&self, ctx: &Ctx) -> ListMsg {
        let ids: Vec<String> = self
            .selection(ctx.keys)
            .iter()
            .map(|k| k.id.clone())
            .collect();
        if ids.is_empty() {
            return ListMsg::Info("No key is selected.".to_owned());
        }
        let selection = Selection {
            ids,
            ..Default::default()
        };
        match incident::plan(ctx.keys, &selection, false, ctx.now) {
            Ok(plan) => ListMsg::Incident(Box::new(plan)),
            Err(e) => ListMsg::Error(crate::ui::text::describe_error(&e)),
        }
    }

    /// A click selects the row under it and focuses its pane; the wheel
    /// scrolls the pane under it.
    pub fn on_mouse(&mut self, regions: &Regions, at: Position, down: bool, up: bool) -> ListMsg {
        if Regions::in_rect(regions.detail, at) {
            self.focus = Pane::Detail;
            return if down {
                ListMsg::Consumed
            } else {
                ListMsg::WheelDetail(up)
            };
        }
        if !Regions::in_rect(regions.list, at) {
            return ListMsg::Ignored;
        }
        self.focus = Pane::List;
        if down {
            match regions.list_row_at(at) {
                Some(i) => self.select(i),
                None => return ListMsg::Consumed,
            }
        } else if up {
            self.select(self.selected.saturating_sub(WHEEL_STEP.into()));
        } else {
            self.select(self.selected + usize::from(WHEEL_STEP));
        }
        ListMsg::Moved
    }
}

//! Keymap tables: one per context (the list, each dialog). Dispatch looks
//! a key up in its context's table and matches on the command it finds; the
//! help screen and the hint bar read the same table, so neither can drift
//! from what the keys do.

use crossterm::event::KeyCode;

/// What a component did with an event (as gitui's `EventState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventState {
    /// The component acted on it; nothing else sees it.
    Consumed,
    /// Not the component's: the one under it may use it.
    NotConsumed,
}

/// What a row of a table becomes in read-only mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InReadOnly {
    /// Shown as it is.
    Shown,
    /// Hidden from the help and the hint bar.
    Hidden,
    /// Shown with these words in the help.
    Says(&'static str),
}

/// One row of a keymap: its keys and the command each runs, what the help
/// says of them and what the hint bar says, if it shows them.
#[derive(Debug)]
pub struct Binding<C: 'static> {
    /// The keys as the help names them.
    pub label: &'static str,
    /// What the help says they do.
    pub help: &'static str,
    /// Each key the row dispatches, with its command.
    pub keys: &'static [(KeyCode, C)],
    /// The hint bar's entry: its place on the bar, the key, the word.
    pub hint: Option<(u8, &'static str, &'static str)>,
    /// For a change: what it is, for the refusal in read-only mode.
    pub write: Option<&'static str>,
    /// What read-only mode does to the row.
    pub readonly: InReadOnly,
}

impl<C> Binding<C> {
    /// A row the help shows and read-only mode keeps, off the hint bar.
    pub const fn new(
        label: &'static str,
        help: &'static str,
        keys: &'static [(KeyCode, C)],
    ) -> Self {
        Self {
            label,
            help,
            keys,
            hint: None,
            write: None,
            readonly: InReadOnly::Shown,
        }
    }

    /// Keys the help does not list (moves it never named).
    pub const fn unlisted(keys: &'static [(KeyCode, C)]) -> Self {
        Self::new("", "", keys)
    }

    /// On the hint bar at place `rank`, as `key`: `word`.
    pub const fn hint(mut self, rank: u8, key: &'static str, word: &'static str) -> Self {
        self.hint = Some((rank, key, word));
        self
    }

    /// A change (`what`, for the refusal): hidden and refused in read-only mode.
    pub const fn write(mut self, what: &'static str) -> Self {
        self.write = Some(what);
        self.readonly = InReadOnly::Hidden;
        self
    }

    /// What read-only mode does to the row.
    pub const fn readonly(mut self, readonly: InReadOnly) -> Self {
        self.readonly = readonly;
        self
    }

    fn shown(&self, readonly: bool) -> bool {
        !(readonly && self.readonly == InReadOnly::Hidden)
    }
}

/// The row that holds `code` in `table`, and the command it runs.
pub fn lookup<C: Copy>(
    table: &'static [Binding<C>],
    code: KeyCode,
) -> Option<(&'static Binding<C>, C)> {
    table.iter().find_map(|row| {
        row.keys
            .iter()
            .find(|(key, _)| *key == code)
            .map(|(_, cmd)| (row, *cmd))
    })
}

/// The help's rows of `table`, as (keys, what they do).
pub fn help<C>(table: &[Binding<C>], readonly: bool) -> Vec<(&'static str, &'static str)> {
    table
        .iter()
        .filter(|row| row.shown(readonly) && !row.label.is_empty())
        .map(|row| match row.readonly {
            InReadOnly::Says(what) if readonly => (row.label, what),
            _ => (row.label, row.help),
        })
        .collect()
}

/// One row of the generated key reference: the keys, what they do, and
/// what read-only mode makes of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRow {
    /// The keys as the help names them.
    pub keys: &'static str,
    /// What they do.
    pub does: &'static str,
    /// In read-only mode: `None` when shown as they are, else what the
    /// help says instead (or that they are hidden and refused).
    pub readonly: Option<&'static str>,
}

/// Every row of `table` the help lists, for the generated key reference
/// (`docs/src/reference/keys.md`): the help's rows with their read-only fate.
pub fn reference<C>(table: &[Binding<C>]) -> Vec<ReferenceRow> {
    table
        .iter()
        .filter(|row| !row.label.is_empty())
        .map(|row| ReferenceRow {
            keys: row.label,
            does: row.help,
            readonly: match row.readonly {
                InReadOnly::Shown => None,
                InReadOnly::Hidden => Some("hidden and refused"),
                InReadOnly::Says(what) => Some(what),
            },
        })
        .collect()
}

/// The hint bar's entries of `table`, in their places on the bar.
pub fn hints<C>(table: &[Binding<C>], readonly: bool) -> Vec<(&'static str, &'static str)> {
    let mut hints: Vec<_> = table
        .iter()
        .filter(|row| row.shown(readonly))
        .filter_map(|row| row.hint)
        .collect();
    hints.sort_by_key(|(rank, _, _)| *rank);
    hints
        .into_iter()
        .map(|(_, key, word)| (key, word))
        .collect()
}

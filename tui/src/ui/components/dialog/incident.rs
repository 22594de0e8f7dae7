//! The incident response's dialog: the dry run, the run in progress, and
//! the report (saved to a file, or elsewhere with `w`).

use std::path::PathBuf;

use crossterm::event::KeyCode::{Char, Down, Enter, Esc, Up};
use crossterm::event::KeyEvent;

use super::Reply;
use crate::ui::action::Effect;
use crate::ui::components::keymap::{self, Binding};
use crate::ui::modal::IncidentModal;

/// What a key does in the incident dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentCmd {
    /// Replace the revoked keys, or not.
    ToggleReplace,
    /// Run it.
    Run,
    /// Scroll up.
    Up,
    /// Scroll down.
    Down,
    /// Close (cancel the dry run, or the report).
    Close,
    /// Save the report elsewhere: type the path.
    Edit,
    /// Save the report to the path typed.
    Save,
    /// Stop typing the path.
    Cancel,
}

/// The dry run.
pub const PLAN_KEYS: &[Binding<IncidentCmd>] = &[
    Binding::new(
        "r",
        "toggle replacements",
        &[(Char('r'), IncidentCmd::ToggleReplace)],
    ),
    Binding::new(
        "y",
        "run it",
        &[(Char('y'), IncidentCmd::Run), (Char('Y'), IncidentCmd::Run)],
    ),
    Binding::new(
        "j k",
        "scroll",
        &[
            (Char('j'), IncidentCmd::Down),
            (Down, IncidentCmd::Down),
            (Char('k'), IncidentCmd::Up),
            (Up, IncidentCmd::Up),
        ],
    ),
    Binding::new(
        "Esc",
        "cancel",
        &[
            (Esc, IncidentCmd::Close),
            (Char('n'), IncidentCmd::Close),
            (Char('q'), IncidentCmd::Close),
        ],
    ),
];

/// While it runs: no keys but Ctrl-C.
pub const RUNNING_KEYS: &[Binding<IncidentCmd>] = &[];

/// The report.
pub const DONE_KEYS: &[Binding<IncidentCmd>] = &[
    Binding::new(
        "w",
        "save the report elsewhere",
        &[(Char('w'), IncidentCmd::Edit)],
    ),
    Binding::new(
        "Enter / Esc",
        "close",
        &[
            (Esc, IncidentCmd::Close),
            (Enter, IncidentCmd::Close),
            (Char('q'), IncidentCmd::Close),
        ],
    ),
];

/// Typing the report's path (any other key edits it).
pub const EDITING_KEYS: &[Binding<IncidentCmd>] = &[
    Binding::new("Enter", "save", &[(Enter, IncidentCmd::Save)]),
    Binding::new("Esc", "cancel", &[(Esc, IncidentCmd::Cancel)]),
];

impl IncidentModal {
    /// The keymap of the stage it is at.
    pub fn keymap(&self) -> &'static [Binding<IncidentCmd>] {
        match self {
            IncidentModal::Plan { .. } => PLAN_KEYS,
            IncidentModal::Running { .. } => RUNNING_KEYS,
            IncidentModal::Done { editing: true, .. } => EDITING_KEYS,
            IncidentModal::Done { .. } => DONE_KEYS,
        }
    }

    /// A key in the dialog.
    pub fn on_key(&mut self, key: KeyEvent, ctrl_c: bool) -> Reply {
        if ctrl_c {
            return Reply::Quit;
        }
        let cmd = keymap::lookup(self.keymap(), key.code).map(|(_, cmd)| cmd);
        match self {
            IncidentModal::Plan { plan, scroll } => match cmd {
                Some(IncidentCmd::ToggleReplace) => plan.replace = !plan.replace,
                Some(IncidentCmd::Down) => *scroll = scroll.saturating_add(1),
                Some(IncidentCmd::Up) => *scroll = scroll.saturating_sub(1),
                Some(IncidentCmd::Run) if plan.keys.is_empty() => {}
                Some(IncidentCmd::Run) => return Reply::Incident(plan.clone()),
                Some(_) => {
                    return Reply::Close(Some("Dry run only: nothing was changed.".to_owned()));
                }
                None => return Reply::IGNORED,
            },
            IncidentModal::Running { .. } => return Reply::IGNORED,
            IncidentModal::Done {
                markdown,
                path,
                editing,
                ..
            } => match cmd {
                Some(IncidentCmd::Save) => {
                    *editing = false;
                    return Reply::Run(Effect::SaveReport {
                        path: PathBuf::from(path.value.trim()),
                        markdown: markdown.clone(),
                    });
                }
                Some(IncidentCmd::Cancel) => *editing = false,
                _ if *editing => {
                    path.handle_key(key);
                }
                Some(IncidentCmd::Edit) => *editing = true,
                Some(_) => return Reply::Close(None),
                None => return Reply::IGNORED,
            },
        }
        Reply::CONSUMED
    }
}

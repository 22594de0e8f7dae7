//! The form's keys: one keymap table per step (which `Form::handle_key`
//! looks keys up in, and the help and the hint bar read), help and quit
//! after them, and its clicks and wheel turns.

use super::{Form, PermFocus, WizardStep};
use crate::ui::components::keymap::{self, Binding};
use crate::ui::hit::Regions;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Position;

/// A help row: the keys, what they do.
type Row = (&'static str, &'static str);

/// What a key does in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormCmd {
    /// The next step.
    NextStep,
    /// The previous step.
    PrevStep,
    /// Back: the previous step, the presets, or (on Name) cancel.
    Back,
    /// On to the next step (Enter).
    Next,
    /// Up a line.
    Up,
    /// Down a line.
    Down,
    /// `k`: up, unless typing.
    LetterUp,
    /// `j`: down, unless typing.
    LetterDown,
    /// The first preset.
    First,
    /// The last choice (Custom).
    Last,
    /// Apply the preset, or open the matrix for Custom.
    Apply,
    /// Go to the matrix.
    ToMatrix,
    /// Toggle the matrix's cell.
    Toggle,
    /// Send the key.
    Send,
    /// Open the help (when the step does not take the key).
    Help,
    /// Quit (when the step does not take the key).
    Quit,
}

use KeyCode::{BackTab, Char, Down, End, Enter, Esc, F, Home, Right, Tab, Up};

/// Every step's keys, looked up first.
pub const FORM_HEAD_KEYS: &[Binding<FormCmd>] = &[
    Binding::new(
        "Tab / Shift-Tab",
        "next / previous step",
        &[(Tab, FormCmd::NextStep), (BackTab, FormCmd::PrevStep)],
    )
    .hint(0, "Tab", "step"),
    Binding::new(
        "Esc",
        "previous step (on Name: cancel, nothing is sent)",
        &[(Esc, FormCmd::Back)],
    ),
];

/// Every step's keys when the step does not take the key.
pub const FORM_TAIL_KEYS: &[Binding<FormCmd>] = &[
    Binding::new(
        "F1 / ?",
        "this help (F1 while typing)",
        &[(F(1), FormCmd::Help), (Char('?'), FormCmd::Help)],
    )
    .hint(0, "F1", "help"),
    Binding::new("Ctrl-C", "quit", &[]),
    Binding::unlisted(&[(Char('q'), FormCmd::Quit)]),
];

/// The Name step (any other key edits the name).
pub const NAME_KEYS: &[Binding<FormCmd>] = &[
    Binding::new("type", "the key's name", &[]),
    Binding::new("Enter", "next step", &[(Enter, FormCmd::Next)]).hint(0, "Enter", "next"),
    Binding::new("Ctrl-U", "clear", &[]),
    // Esc is every step's (`FORM_HEAD_KEYS`); here it cancels.
    Binding::unlisted(&[]).hint(1, "Esc", "cancel"),
];

/// The Permissions step's presets.
pub const PRESET_KEYS: &[Binding<FormCmd>] = &[
    Binding::new(
        "↑ ↓ / j k",
        "move",
        &[
            (Up, FormCmd::Up),
            (Char('k'), FormCmd::Up),
            (Down, FormCmd::Down),
            (Char('j'), FormCmd::Down),
        ],
    ),
    Binding::unlisted(&[
        (Home, FormCmd::First),
        (Char('g'), FormCmd::First),
        (End, FormCmd::Last),
        (Char('G'), FormCmd::Last),
    ]),
    Binding::new(
        "Enter / space",
        "apply the preset (or open the matrix for Custom)",
        &[(Enter, FormCmd::Apply), (Char(' '), FormCmd::Apply)],
    )
    .hint(0, "Enter", "choose"),
    Binding::new(
        "→ / l / m",
        "go to the matrix",
        &[
            (Right, FormCmd::ToMatrix),
            (Char('l'), FormCmd::ToMatrix),
            (Char('m'), FormCmd::ToMatrix),
        ],
    ),
];

/// The Permissions step's matrix (its moves are the matrix's own).
pub const MATRIX_KEYS: &[Binding<FormCmd>] = &[
    Binding::new("← → / h l", "matrix: Read or Write column", &[]),
    Binding::new(
        "space / x",
        "matrix: toggle the permission",
        &[(Char(' '), FormCmd::Toggle), (Char('x'), FormCmd::Toggle)],
    )
    .hint(1, "space", "toggle"),
    Binding::new("Enter", "matrix: next step", &[(Enter, FormCmd::Next)]),
    Binding::new("Esc", "matrix: back to the presets", &[]).hint(2, "Esc", "back"),
];

/// The Expiration step (on "type it", other keys are text).
pub const EXPIRATION_KEYS: &[Binding<FormCmd>] = &[
    Binding::new(
        "↑ ↓",
        "choose (j k too, but not while typing)",
        &[
            (Up, FormCmd::Up),
            (Down, FormCmd::Down),
            (Char('k'), FormCmd::LetterUp),
            (Char('j'), FormCmd::LetterDown),
        ],
    )
    .hint(0, "↑↓", "choose"),
    Binding::new(
        "type",
        "on \"type it\": 90d, 12w, 1y, 2027-01-31 or never, as on the CLI",
        &[],
    ),
    Binding::new(
        "Enter",
        "next step (never asks to confirm)",
        &[(Enter, FormCmd::Next)],
    )
    .hint(1, "Enter", "next"),
    Binding::unlisted(&[]).hint(2, "Esc", "back"),
];

/// The Review step.
pub const REVIEW_KEYS: &[Binding<FormCmd>] = &[
    Binding::new("Enter", "send it", &[(Enter, FormCmd::Send)]).hint(0, "Enter", "send"),
    Binding::new("Esc", "back to change something", &[]).hint(1, "Esc", "back"),
    Binding::unlisted(&[
        (Up, FormCmd::Up),
        (Char('k'), FormCmd::Up),
        (Down, FormCmd::Down),
        (Char('j'), FormCmd::Down),
    ]),
];

/// The Review step's only hint of its own while the form has an error.
const REVIEW_BLOCKED_HINT: Row = ("Esc", "back to fix it");

/// How far the wheel scrolls the review.
const WHEEL_STEP: u16 = 3;

impl Form {
    /// The form's help: the step's rows between the common ones.
    pub fn help(&self) -> Vec<Row> {
        let mut rows = keymap::help(FORM_HEAD_KEYS, false);
        match self.step {
            WizardStep::Name => rows.extend(keymap::help(NAME_KEYS, false)),
            WizardStep::Permissions => {
                rows.extend(keymap::help(PRESET_KEYS, false));
                rows.extend(keymap::help(MATRIX_KEYS, false));
            }
            WizardStep::Expiration => rows.extend(keymap::help(EXPIRATION_KEYS, false)),
            WizardStep::Review => rows.extend(keymap::help(REVIEW_KEYS, false)),
        }
        rows.extend(keymap::help(FORM_TAIL_KEYS, false));
        rows
    }

    /// The form's hint bar.
    pub fn hints(&self, now: DateTime<Utc>) -> Vec<Row> {
        let mut h = match self.step {
            WizardStep::Name => keymap::hints(NAME_KEYS, false),
            WizardStep::Permissions => {
                let mut h = keymap::hints(PRESET_KEYS, false);
                h.extend(keymap::hints(MATRIX_KEYS, false));
                h
            }
            WizardStep::Expiration => keymap::hints(EXPIRATION_KEYS, false),
            // Enter sends nothing while the form has an error.
            WizardStep::Review if self.report(now).has_errors() => {
                vec![REVIEW_BLOCKED_HINT]
            }
            WizardStep::Review => keymap::hints(REVIEW_KEYS, false),
        };
        h.extend(keymap::hints(FORM_HEAD_KEYS, false));
        h.extend(keymap::hints(FORM_TAIL_KEYS, false));
        h
    }

    /// A key the form's steps left (`FormMsg::Ignored`): help, quit, or
    /// nothing.
    pub fn tail_command(key: KeyEvent) -> Option<FormCmd> {
        keymap::lookup(FORM_TAIL_KEYS, key.code).map(|(_, cmd)| cmd)
    }

    /// A click on the form presses what is under it (a step tab, a matrix
    /// cell, a preset, an expiration); the wheel moves the matrix or
    /// scrolls the review. A preset is chosen as Enter chooses it: that key
    /// is returned, for the app to press.
    pub fn on_mouse(
        &mut self,
        regions: &Regions,
        at: Position,
        down: bool,
        up: bool,
    ) -> Option<KeyEvent> {
        if down {
            if let Some(step) = Regions::index_at(&regions.steps, at) {
                self.step = WizardStep::ALL[step];
            } else if let Some((row, col)) = regions.matrix_cell_at(at) {
                self.toggle_cell(row, col);
            } else if let Some(i) = Regions::index_at(&regions.presets, at) {
                self.perm_focus = PermFocus::Presets;
                self.preset_cursor = i;
                return Some(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
            } else if let Some(i) = Regions::index_at(&regions.expiry_choices, at) {
                self.expiry_cursor = i;
            }
            return None;
        }
        match self.step {
            WizardStep::Permissions if Regions::in_rect(regions.matrix, at) => {
                self.perm_focus = PermFocus::Matrix;
                self.matrix.handle_key(crate::ui::components::wheel_key(up));
            }
            WizardStep::Review => {
                self.review_scroll = if up {
                    self.review_scroll.saturating_sub(WHEEL_STEP)
                } else {
                    self.review_scroll.saturating_add(WHEEL_STEP)
                };
            }
            _ => {}
        }
        None
    }
}

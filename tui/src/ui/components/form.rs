//! The create/edit wizard as a component: its keys (the step's own in
//! `Form::handle_key`, then help and quit), its clicks and wheel turns,
//! and its help and hints, step by step. Its state is [`Form`]; drawing is
//! `view::form`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Position;

use crate::ui::action::Effect;
use crate::ui::app::App;
use crate::ui::form::{Form, FormMsg, PermFocus, WizardStep};
use crate::ui::hit::Regions;
use crate::ui::job::Job;

/// A help row: the keys, what they do.
type Row = (&'static str, &'static str);

/// The help's rows on every step, first.
const HEAD: [Row; 2] = [
    ("Tab / Shift-Tab", "next / previous step"),
    ("Esc", "previous step (on Name: cancel, nothing is sent)"),
];

/// The help's rows on every step, last.
const TAIL: [Row; 2] = [
    ("F1 / ?", "this help (F1 while typing)"),
    ("Ctrl-C", "quit"),
];

/// The help's rows of the Name step.
const NAME_HELP: &[Row] = &[
    ("type", "the key's name"),
    ("Enter", "next step"),
    ("Ctrl-U", "clear"),
];

/// The help's rows of the Permissions step.
const PERMISSIONS_HELP: &[Row] = &[
    ("↑ ↓ / j k", "move"),
    (
        "Enter / space",
        "apply the preset (or open the matrix for Custom)",
    ),
    ("→ / l / m", "go to the matrix"),
    ("← → / h l", "matrix: Read or Write column"),
    ("space / x", "matrix: toggle the permission"),
    ("Enter", "matrix: next step"),
    ("Esc", "matrix: back to the presets"),
];

/// The help's rows of the Expiration step.
const EXPIRATION_HELP: &[Row] = &[
    ("↑ ↓", "choose (j k too, but not while typing)"),
    (
        "type",
        "on \"type it\": 90d, 12w, 1y, 2027-01-31 or never, as on the CLI",
    ),
    ("Enter", "next step (never asks to confirm)"),
];

/// The help's rows of the Review step.
const REVIEW_HELP: &[Row] = &[("Enter", "send it"), ("Esc", "back to change something")];

/// The hint bar's last entries on every step.
const HINTS_TAIL: [Row; 2] = [("Tab", "step"), ("F1", "help")];

/// How far the wheel scrolls the review.
const WHEEL_STEP: u16 = 3;

impl App {
    /// The form's help: the step's rows between the common ones.
    pub(in crate::ui) fn form_help(form: &Form) -> Vec<Row> {
        let step: &[Row] = match form.step {
            WizardStep::Name => NAME_HELP,
            WizardStep::Permissions => PERMISSIONS_HELP,
            WizardStep::Expiration => EXPIRATION_HELP,
            WizardStep::Review => REVIEW_HELP,
        };
        HEAD.iter().chain(step).chain(&TAIL).copied().collect()
    }

    /// The form's hint bar.
    pub(in crate::ui) fn form_hints(&self, form: &Form) -> Vec<Row> {
        let mut h = match form.step {
            WizardStep::Name => vec![("Enter", "next"), ("Esc", "cancel")],
            WizardStep::Permissions => {
                vec![("Enter", "choose"), ("space", "toggle"), ("Esc", "back")]
            }
            WizardStep::Expiration => {
                vec![("↑↓", "choose"), ("Enter", "next"), ("Esc", "back")]
            }
            // Enter sends nothing while the form has an error.
            WizardStep::Review if form.report(self.now).has_errors() => {
                vec![("Esc", "back to fix it")]
            }
            WizardStep::Review => vec![("Enter", "send"), ("Esc", "back")],
        };
        h.extend(HINTS_TAIL);
        h
    }

    /// A key while the form is open: the form's first, then help and quit.
    /// Enter does nothing while the form's key is being sent.
    pub(in crate::ui) fn on_form_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let sending = self
            .busy
            .iter()
            .any(|b| *b == Job::Creating || *b == Job::Saving);
        let form = self.form.as_mut()?;
        if sending && key.code == KeyCode::Enter {
            return None;
        }
        match form.handle_key(key, self.now) {
            FormMsg::Consumed => None,
            FormMsg::Cancel => {
                self.form = None;
                self.show_info("Cancelled; nothing was sent.");
                None
            }
            FormMsg::Create(new) => {
                self.start(Job::Creating);
                Some(Effect::Create(new))
            }
            FormMsg::Update { id, update } => {
                self.start(Job::Saving);
                Some(Effect::Update { id, update })
            }
            FormMsg::Ignored => {
                match key.code {
                    KeyCode::Char('?') | KeyCode::F(1) => self.open_help(),
                    KeyCode::Char('q') => self.should_quit = true,
                    _ => {}
                }
                None
            }
        }
    }

    /// A click on the form presses what is under it (a step tab, a matrix
    /// cell, a preset, an expiration); the wheel moves the matrix or
    /// scrolls the review.
    pub(in crate::ui) fn on_form_mouse(
        &mut self,
        regions: &Regions,
        at: Position,
        down: bool,
        up: bool,
    ) -> Option<Effect> {
        let form = self.form.as_mut()?;
        if down {
            if let Some(step) = Regions::index_at(&regions.steps, at) {
                form.step = WizardStep::ALL[step];
            } else if let Some((row, col)) = regions.matrix_cell_at(at) {
                form.toggle_cell(row, col);
            } else if let Some(i) = Regions::index_at(&regions.presets, at) {
                form.perm_focus = PermFocus::Presets;
                form.preset_cursor = i;
                return self.on_form_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
            } else if let Some(i) = Regions::index_at(&regions.expiry_choices, at) {
                form.expiry_cursor = i;
            }
            return None;
        }
        match form.step {
            WizardStep::Permissions if Regions::in_rect(regions.matrix, at) => {
                form.perm_focus = PermFocus::Matrix;
                form.matrix.handle_key(super::wheel_key(up));
            }
            WizardStep::Review => {
                form.review_scroll = if up {
                    form.review_scroll.saturating_sub(WHEEL_STEP)
                } else {
                    form.review_scroll.saturating_add(WHEEL_STEP)
                };
            }
            _ => {}
        }
        None
    }
}

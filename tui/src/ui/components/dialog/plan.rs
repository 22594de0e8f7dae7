//! The keys file's plan (`p`): the text `narrative-keys plan` prints, the
//! same function making it, over the list until closed; after `A`, its
//! question, then what the apply did (with what its commands printed,
//! which never goes to the terminal under the screen).

use crossterm::event::KeyCode::{self, Char, Down, Enter, Esc, Up};
use ratatui::Frame;
use ratatui::text::Line;

use narrative_keys::keys_as_code::{KeysFile, Plan};

use super::Reply;
use crate::output::escape_controls;
use crate::ui::action::Effect;
use crate::ui::components::dialog::frame::{Canvas, Show, dialog};
use crate::ui::components::keymap::{self, Binding};
use crate::ui::hit::Regions;

/// What a key does in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanCmd {
    /// Scroll up a line.
    Up,
    /// Scroll down a line.
    Down,
    /// Close the plan.
    Close,
    /// Apply it (after `A`).
    Apply,
}

/// Scrolling the plan, in both tables.
const SCROLL: Binding<PlanCmd> = Binding::new(
    "↑↓",
    "scroll",
    &[
        (Up, PlanCmd::Up),
        (Char('k'), PlanCmd::Up),
        (Down, PlanCmd::Down),
        (Char('j'), PlanCmd::Down),
    ],
);

/// The plan's keys.
pub const PLAN_KEYS: &[Binding<PlanCmd>] = &[
    SCROLL,
    Binding::new(
        "Esc",
        "close",
        &[
            (Esc, PlanCmd::Close),
            (Enter, PlanCmd::Close),
            (Char('q'), PlanCmd::Close),
            (Char('p'), PlanCmd::Close),
        ],
    ),
];

/// The plan's keys after `A`: apply it, or not.
pub const APPLY_KEYS: &[Binding<PlanCmd>] = &[
    Binding::new(
        "y",
        "apply it",
        &[(Char('y'), PlanCmd::Apply), (Char('Y'), PlanCmd::Apply)],
    ),
    Binding::new(
        "n / Esc",
        "do not apply",
        &[
            (Char('n'), PlanCmd::Close),
            (Esc, PlanCmd::Close),
            (Char('q'), PlanCmd::Close),
        ],
    ),
    SCROLL,
];

/// The plan as shown: its text and how far it is scrolled.
#[derive(Debug)]
pub struct PlanDialog {
    /// The plan's lines and summary, as `plan` prints them.
    pub text: String,
    /// The first line shown.
    pub scroll: u16,
    /// After `A`: the file and the plan to apply once confirmed (taken
    /// when the apply starts).
    pub apply: Option<Box<(KeysFile, Plan)>>,
    /// The text is what an apply did, not the plan.
    pub applied: bool,
}

impl PlanDialog {
    /// A key in the plan.
    pub fn on_key(&mut self, code: KeyCode, ctrl_c: bool) -> Reply {
        if ctrl_c {
            return Reply::Quit;
        }
        match keymap::lookup(self.keymap(), code) {
            Some((_, PlanCmd::Up)) => {
                self.scroll = self.scroll.saturating_sub(1);
                Reply::CONSUMED
            }
            Some((_, PlanCmd::Down)) => {
                let last = self.text.lines().count().saturating_sub(1);
                self.scroll = (self.scroll + 1).min(u16::try_from(last).unwrap_or(u16::MAX));
                Reply::CONSUMED
            }
            Some((_, PlanCmd::Close)) => Reply::Close(None),
            Some((_, PlanCmd::Apply)) => match self.apply.take() {
                Some(work) => {
                    self.text.push_str("\n\nApplying…");
                    Reply::Run(Effect::ApplyKeysFile(work))
                }
                None => Reply::CONSUMED,
            },
            None => Reply::IGNORED,
        }
    }

    /// Its keys: the question's while it asks.
    pub fn keymap(&self) -> &'static [Binding<PlanCmd>] {
        if self.apply.is_some() {
            APPLY_KEYS
        } else {
            PLAN_KEYS
        }
    }

    /// Draws the plan.
    pub(in crate::ui) fn draw(&self, cx: &Canvas, frame: &mut Frame) -> Regions {
        let lines: Vec<Line<'static>> = self
            .text
            .lines()
            .map(|l| Line::raw(escape_controls(l)))
            .collect();
        let asking = [("y", "apply it"), ("n / Esc", "do not apply")];
        let shown = [("↑↓", "scroll"), ("Esc", "close")];
        let (title, buttons): (&str, &[(&str, &str)]) = if self.apply.is_some() {
            (" Apply this plan? ", &asking)
        } else if self.applied {
            (" Applied: what apply did ", &shown)
        } else {
            (" Plan: what apply would do ", &shown)
        };
        let title = title.to_owned();
        let show = if self.scroll == 0 {
            Show::Start
        } else {
            Show::From(self.scroll)
        };
        dialog(frame, cx, (title, lines, buttons), show)
    }
}

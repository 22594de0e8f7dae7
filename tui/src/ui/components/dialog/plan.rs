//! The keys file's plan (`p`): the text `narrative-keys plan` prints, the
//! same function making it, over the list until closed.

use crossterm::event::KeyCode::{self, Char, Down, Enter, Esc, Up};
use ratatui::Frame;
use ratatui::text::Line;

use super::Reply;
use crate::output::escape_controls;
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
}

/// The plan's keys.
pub const PLAN_KEYS: &[Binding<PlanCmd>] = &[
    Binding::new(
        "↑↓",
        "scroll",
        &[
            (Up, PlanCmd::Up),
            (Char('k'), PlanCmd::Up),
            (Down, PlanCmd::Down),
            (Char('j'), PlanCmd::Down),
        ],
    ),
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

/// The plan as shown: its text and how far it is scrolled.
#[derive(Debug)]
pub struct PlanDialog {
    /// The plan's lines and summary, as `plan` prints them.
    pub text: String,
    /// The first line shown.
    pub scroll: u16,
}

impl PlanDialog {
    /// A key in the plan.
    pub fn on_key(&mut self, code: KeyCode, ctrl_c: bool) -> Reply {
        if ctrl_c {
            return Reply::Quit;
        }
        match keymap::lookup(PLAN_KEYS, code) {
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
            None => Reply::IGNORED,
        }
    }

    /// Draws the plan.
    pub(in crate::ui) fn draw(&self, cx: &Canvas, frame: &mut Frame) -> Regions {
        let lines: Vec<Line<'static>> = self
            .text
            .lines()
            .map(|l| Line::raw(escape_controls(l)))
            .collect();
        let buttons = [("↑↓", "scroll"), ("Esc", "close")];
        let title = " Plan: what apply would do ".to_owned();
        let show = if self.scroll == 0 {
            Show::Start
        } else {
            Show::From(self.scroll)
        };
        dialog(frame, cx, (title, lines, &buttons), show)
    }
}

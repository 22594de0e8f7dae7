//! The question before a revoke. One key: y or n. Several: the number of
//! keys must be typed, so that a stray `y` cannot revoke a whole selection.

use crossterm::event::KeyCode::{Backspace, Char, Enter, Esc};
use crossterm::event::KeyEvent;

use super::Reply;
use crate::ui::hit::Regions;
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::output::escape_controls;
use crate::ui::components::dialog::frame::Canvas;
use crate::ui::components::dialog::frame::{Show, dialog, key_manager_warning, line_height};
use crate::ui::components::keymap::{self, Binding};
use crate::ui::text::truncate;
use unicode_width::UnicodeWidthStr;

use crate::ui::components::input::TextInput;

/// The question before a revoke. One key: y or n. Several: the number of
/// keys must be typed, so that a stray `y` cannot revoke a whole selection.
#[derive(Debug, Clone, Default)]
pub struct RevokeConfirm {
    /// Keys to revoke, as (id, name).
    pub keys: Vec<(String, String)>,
    /// The number typed so far (several keys only).
    pub typed: TextInput,
    /// Why the last Enter did nothing.
    pub note: Option<String>,
}

impl RevokeConfirm {
    /// The question for revoking `keys`, each as (id, name), nothing typed yet.
    pub fn new(keys: Vec<(String, String)>) -> Self {
        Self {
            keys,
            ..Self::default()
        }
    }

    /// Whether the count must be typed rather than answered with y.
    pub fn needs_count(&self) -> bool {
        self.keys.len() > 1
    }
}

/// What a key does in the revoke question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeCmd {
    /// Revoke (one key), or check the number typed (several).
    Go,
    /// A digit of the number, or Backspace.
    Type,
    /// Cancel.
    Cancel,
}

const CANCEL: [(crossterm::event::KeyCode, RevokeCmd); 4] = [
    (Char('n'), RevokeCmd::Cancel),
    (Char('N'), RevokeCmd::Cancel),
    (Esc, RevokeCmd::Cancel),
    (Char('q'), RevokeCmd::Cancel),
];

/// The question for one key.
pub const REVOKE_ONE_KEYS: &[Binding<RevokeCmd>] = &[
    Binding::new(
        "y",
        "revoke",
        &[(Char('y'), RevokeCmd::Go), (Char('Y'), RevokeCmd::Go)],
    ),
    Binding::new("n / Esc", "cancel", &CANCEL),
];

/// The question for several keys: their number typed.
pub const REVOKE_COUNT_KEYS: &[Binding<RevokeCmd>] = &[
    Binding::new(
        "0-9",
        "type the number of keys",
        &[
            (Char('0'), RevokeCmd::Type),
            (Char('1'), RevokeCmd::Type),
            (Char('2'), RevokeCmd::Type),
            (Char('3'), RevokeCmd::Type),
            (Char('4'), RevokeCmd::Type),
            (Char('5'), RevokeCmd::Type),
            (Char('6'), RevokeCmd::Type),
            (Char('7'), RevokeCmd::Type),
            (Char('8'), RevokeCmd::Type),
            (Char('9'), RevokeCmd::Type),
            (Backspace, RevokeCmd::Type),
        ],
    ),
    Binding::new("Enter", "revoke", &[(Enter, RevokeCmd::Go)]),
    Binding::new("Esc", "cancel", &CANCEL),
];

impl RevokeConfirm {
    /// This question's keymap.
    pub fn keymap(&self) -> &'static [Binding<RevokeCmd>] {
        if self.needs_count() {
            REVOKE_COUNT_KEYS
        } else {
            REVOKE_ONE_KEYS
        }
    }

    /// A key in the question.
    pub fn on_key(&mut self, key: KeyEvent, ctrl_c: bool) -> Reply {
        if ctrl_c {
            return Reply::Quit;
        }
        match keymap::lookup(self.keymap(), key.code) {
            Some((_, RevokeCmd::Cancel)) => Reply::Close(Some("Nothing was revoked.".to_owned())),
            Some((_, RevokeCmd::Type)) => {
                self.typed.handle_key(key);
                Reply::CONSUMED
            }
            Some((_, RevokeCmd::Go)) if self.needs_count() && !self.count_typed() => {
                Reply::CONSUMED
            }
            Some((_, RevokeCmd::Go)) => Reply::Revoke(std::mem::take(&mut self.keys)),
            None => Reply::IGNORED,
        }
    }

    /// Enter with several keys: whether their number was typed; if not,
    /// the note says what to do. The typing starts afresh either way.
    fn count_typed(&mut self) -> bool {
        let n = self.keys.len();
        let typed = std::mem::take(&mut self.typed.value);
        let ok = typed.trim() == n.to_string();
        if !ok {
            self.note = Some(if typed.trim().is_empty() {
                format!("Type {n}, the number of keys, then Enter.")
            } else {
                format!(
                    "{} is not {n}: nothing was revoked. Type {n} and Enter, or Esc to cancel.",
                    escape_controls(typed.trim())
                )
            });
        }
        ok
    }
}

const MANY_STOP_WORKING: &str =
    "They stop working at once, for everything that uses them. This cannot be undone.";

impl RevokeConfirm {
    /// Draws the question.
    pub(in crate::ui) fn draw(&self, cx: &Canvas, frame: &mut Frame) -> Regions {
        let confirm = self;
        let (ctx, theme) = (cx.ctx, cx.theme);

        let keys = &confirm.keys;
        let mut lines = Vec::new();
        match keys.as_slice() {
            [(id, name)] => {
                lines.push(Line::from(vec![
                    Span::raw("Revoke "),
                    Span::styled(format!("\"{}\"", escape_controls(name)), theme.bold()),
                    Span::raw("?"),
                ]));
                lines.push(Line::from(Span::styled(
                    format!("id {}", escape_controls(id)),
                    theme.dim(),
                )));
            }
            many => lines.extend(confirm.many_lines(many, cx)),
        }
        lines.push(Line::from(Span::styled(
            if keys.len() == 1 {
                "It stops working at once, for everything that uses it. This cannot be undone."
            } else {
                MANY_STOP_WORKING
            },
            theme.warning(),
        )));
        lines.extend(key_manager_warning(
            &ctx,
            keys.iter().map(|(id, _)| id.as_str()),
            theme,
        ));
        lines.push(Line::raw(""));
        let title = " Revoke? ".to_owned();
        if confirm.needs_count() {
            let n = keys.len();
            lines.push(Line::from(vec![
                Span::raw(format!("Type {n} to revoke all {n}: ")),
                Span::styled(escape_controls(&confirm.typed.value), theme.bold()),
                Span::styled("▏", theme.accent()),
            ]));
            if let Some(note) = &confirm.note {
                lines.push(Line::from(Span::styled(
                    format!("✖ {}", escape_controls(note)),
                    theme.error(),
                )));
            }
            let buttons = [("Enter", "revoke"), ("Esc", "keep them")];
            // Kept to its end: the prompt and its note always show.
            dialog(frame, cx, (title, lines, &buttons), Show::End)
        } else {
            let buttons = [("y", "revoke"), ("n / Esc", "keep it")];
            dialog(frame, cx, (title, lines, &buttons), Show::Start)
        }
    }

    /// The lines naming several keys: as many as the screen leaves room
    /// for, then how many more.
    fn many_lines(&self, many: &[(String, String)], cx: &Canvas) -> Vec<Line<'static>> {
        let (ctx, theme, area, w) = (cx.ctx, cx.theme, cx.area, cx.w);
        let confirm = self;
        let keys = &self.keys;
        let mut lines = Vec::new();
        lines.push(Line::from(Span::styled(
            format!("Revoke these {} keys?", many.len()),
            theme.bold(),
        )));
        // The list gives way to the prompt below it: the rows
        // the other lines leave, never more than eight.
        let inner = usize::from(w.min(area.width).saturating_sub(2).max(1));
        let rows = |text: &str| line_height(&Line::raw(text.to_owned()), inner);
        let warning_rows = key_manager_warning(&ctx, keys.iter().map(|(id, _)| id.as_str()), theme)
            .map_or(0, |l| line_height(&l, inner));
        let note_rows = confirm
            .note
            .as_ref()
            .map_or(0, |n| rows(&format!("✖ {}", escape_controls(n))));
        // Title, the warnings, blank, prompt, note, buttons, borders.
        let fixed = 1 + rows(MANY_STOP_WORKING) + warning_rows + 1 + 1 + note_rows + 1 + 2;
        let room = usize::from(area.height).saturating_sub(fixed).clamp(1, 8);
        // One row goes to "… and N more" when not all fit.
        let shown = if many.len() > room {
            room - 1
        } else {
            many.len()
        };
        for (id, name) in many.iter().take(shown) {
            let id = escape_controls(id);
            // The name gives way, so each key takes one row.
            let name_room = inner.saturating_sub(8 + id.width()).clamp(8, 30);
            lines.push(Line::from(format!(
                "  • \"{}\"  {id}",
                truncate(&escape_controls(name), name_room),
            )));
        }
        if shown == 0 {
            lines.push(Line::from("  (the keys marked ◆ in the list)"));
        } else if many.len() > shown {
            lines.push(Line::from(format!("  … and {} more", many.len() - shown)));
        }
        lines
    }
}

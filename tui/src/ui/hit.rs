//! Where the last frame drew what a mouse can point at. Each component's
//! `render` returns the rectangles it drew; the screen collects them and
//! the app stores them once the frame is drawn; `App::update` hit-tests
//! clicks and wheel turns against them, so a click lands on what the user
//! saw, never on a layout recomputed after the fact.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

use super::components::form::matrix::Column;

/// The clickable places of one frame. Empty until the first frame is drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Regions {
    /// The list's key rows: where they start and which visible index the
    /// first one shows.
    pub list_rows: Option<(Rect, usize)>,
    /// The whole list pane (border included), for focus and the wheel.
    pub list: Option<Rect>,
    /// The detail pane, for focus and the wheel.
    pub detail: Option<Rect>,
    /// A cell of the permission matrix: its matrix row and column.
    pub matrix_cells: Vec<(Rect, usize, Column)>,
    /// The matrix grid, for the wheel.
    pub matrix: Option<Rect>,
    /// The presets of the permissions step, by preset index.
    pub presets: Vec<(Rect, usize)>,
    /// The expiration choices, by index.
    pub expiry_choices: Vec<(Rect, usize)>,
    /// The form's step tabs, by index into `WizardStep::ALL`.
    pub steps: Vec<(Rect, usize)>,
    /// A dialog's buttons: clicking one presses its key.
    pub buttons: Vec<(Rect, KeyEvent)>,
    /// How many lines of the open dialog did not fit: how far it scrolls.
    pub dialog_overflow: u16,
}

impl Regions {
    /// Adds what another part of the same frame recorded: a component's
    /// own regions, collected by the screen.
    pub fn extend(&mut self, other: Regions) {
        self.list_rows = other.list_rows.or(self.list_rows);
        self.list = other.list.or(self.list);
        self.detail = other.detail.or(self.detail);
        self.matrix_cells.extend(other.matrix_cells);
        self.matrix = other.matrix.or(self.matrix);
        self.presets.extend(other.presets);
        self.expiry_choices.extend(other.expiry_choices);
        self.steps.extend(other.steps);
        self.buttons.extend(other.buttons);
        self.dialog_overflow = self.dialog_overflow.max(other.dialog_overflow);
    }

    /// The key of the dialog button at `at`, to be pressed as if typed.
    pub fn button_at(&self, at: Position) -> Option<KeyEvent> {
        self.buttons
            .iter()
            .find(|(r, _)| r.contains(at))
            .map(|(_, k)| *k)
    }

    /// The visible index of the list row at `at`.
    pub fn list_row_at(&self, at: Position) -> Option<usize> {
        let (rows, first) = self.list_rows?;
        rows.contains(at)
            .then(|| first + usize::from(at.y - rows.y))
    }

    /// The permission matrix cell at `at`: its row and column.
    pub fn matrix_cell_at(&self, at: Position) -> Option<(usize, Column)> {
        self.matrix_cells
            .iter()
            .find(|(r, _, _)| r.contains(at))
            .map(|(_, row, col)| (*row, *col))
    }

    /// The index recorded with the rectangle of `places` that holds `at`
    /// (a step tab, a preset, an expiration choice).
    pub fn index_at(places: &[(Rect, usize)], at: Position) -> Option<usize> {
        places.iter().find(|(r, _)| r.contains(at)).map(|(_, i)| *i)
    }

    /// Whether `at` lies in `rect`; `false` when that place was not drawn.
    pub fn in_rect(rect: Option<Rect>, at: Position) -> bool {
        rect.is_some_and(|r| r.contains(at))
    }
}

/// The key a button label stands for: its first key (`y`, `n / Esc` is
/// `n`, `Enter`, `Esc`, `Ctrl-U`). Labels that name no single key (`↑ ↓`)
/// are not buttons.
pub fn button_key(label: &str) -> Option<KeyEvent> {
    let first = label.split(" / ").next()?.trim();
    let plain = |code| Some(KeyEvent::new(code, KeyModifiers::NONE));
    match first {
        "Enter" => plain(KeyCode::Enter),
        "Esc" => plain(KeyCode::Esc),
        "Ctrl-U" => Some(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
        _ => {
            let mut chars = first.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_alphanumeric() => {
                    let modifiers = if c.is_ascii_uppercase() {
                        KeyModifiers::SHIFT
                    } else {
                        KeyModifiers::NONE
                    };
                    Some(KeyEvent::new(KeyCode::Char(c), modifiers))
                }
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_names_the_key_it_presses() {
        let code = |l: &str| button_key(l).map(|k| k.code);
        assert_eq!(code("y"), Some(KeyCode::Char('y')));
        assert_eq!(code("n / Esc"), Some(KeyCode::Char('n')));
        assert_eq!(code("Enter / Esc"), Some(KeyCode::Enter));
        assert_eq!(code("D"), Some(KeyCode::Char('D')));
        assert_eq!(code("↑ ↓"), None);
        assert_eq!(code("n / any other key"), Some(KeyCode::Char('n')));
    }
}

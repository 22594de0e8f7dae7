//! A one-line text input: typing appends, Backspace deletes, Ctrl-U clears.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A one-line text field (the filter, the command line, the form's name, a
/// file path): its keys edit `value`; the caller draws it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    /// The text typed so far.
    pub value: String,
}

impl TextInput {
    /// A field holding `value` already, as a default to edit.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
        }
    }

    /// `true` when the key was for the input (consumed).
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                self.value.clear();
                true
            }
            KeyCode::Char('w') if ctrl => {
                let trimmed = self.value.trim_end().len();
                let cut = self.value[..trimmed].rfind(' ').map_or(0, |i| i + 1);
                self.value.truncate(cut);
                true
            }
            KeyCode::Char(_) if ctrl || key.modifiers.contains(KeyModifiers::ALT) => false,
            KeyCode::Char(c) => {
                // Typed text is the user's own, but a pasted control character
                // would end up in a key name: keep only printable characters.
                if !c.is_control() {
                    self.value.push(c);
                }
                true
            }
            KeyCode::Backspace => {
                self.value.pop();
                true
            }
            _ => false,
        }
    }
}

//! The once-only dialog of an operation's new secrets: each copied (OSC 52)
//! or written, all to one 0600 file; dismissed only after `D` states how
//! many were neither.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode::{self, Char, Down, Enter, Esc, Up};
use crossterm::event::KeyEvent;

use super::Reply;
use crate::ui::action::Effect;
use crate::ui::components::keymap::{self, Binding};
use crate::ui::input::TextInput;
use crate::ui::modal::SecretModal;

/// What a key does in the secrets dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretCmd {
    /// The previous secret.
    Up,
    /// The next secret.
    Down,
    /// Copy the chosen secret.
    Copy,
    /// Ask for a file to write them to.
    Write,
    /// Ask whether to dismiss.
    Dismiss,
    /// Yes (to dismiss), or Enter (to write the file).
    Yes,
    /// Cancel the file's path.
    Cancel,
}

const COPY: [(KeyCode, SecretCmd); 1] = [(Char('c'), SecretCmd::Copy)];
const WRITE: [(KeyCode, SecretCmd); 1] = [(Char('w'), SecretCmd::Write)];
const DISMISS: [(KeyCode, SecretCmd); 1] = [(Char('D'), SecretCmd::Dismiss)];
const YES: [(KeyCode, SecretCmd); 2] = [(Char('y'), SecretCmd::Yes), (Char('Y'), SecretCmd::Yes)];
const ENTER: [(KeyCode, SecretCmd); 1] = [(Enter, SecretCmd::Yes)];
const ESC: [(KeyCode, SecretCmd); 1] = [(Esc, SecretCmd::Cancel)];

/// One secret.
pub const SECRET_ONE_KEYS: &[Binding<SecretCmd>] = &[
    Binding::new("c", "copy (OSC 52)", &COPY),
    Binding::new("w", "write to a 0600 file", &WRITE),
    Binding::new("D", "dismiss (asks first)", &DISMISS),
];

/// Several secrets.
pub const SECRET_MANY_KEYS: &[Binding<SecretCmd>] = &[
    Binding::new(
        "↑ ↓",
        "choose",
        &[
            (Up, SecretCmd::Up),
            (Char('k'), SecretCmd::Up),
            (Down, SecretCmd::Down),
            (Char('j'), SecretCmd::Down),
        ],
    ),
    Binding::new("c", "copy it (OSC 52)", &COPY),
    Binding::new("w", "write all to a 0600 file", &WRITE),
    Binding::new("D", "dismiss (asks)", &DISMISS),
];

/// Typing the file's path, for one secret (any other key edits the path).
pub const FILE_ONE_KEYS: &[Binding<SecretCmd>] = &[
    Binding::new("Enter", "write the secret (mode 0600)", &ENTER),
    Binding::new("Ctrl-U", "clear", &[]),
    Binding::new("Esc", "cancel", &ESC),
];

/// Typing the file's path, for several.
pub const FILE_MANY_KEYS: &[Binding<SecretCmd>] = &[
    Binding::new("Enter", "write them all (mode 0600)", &ENTER),
    Binding::new("Ctrl-U", "clear", &[]),
    Binding::new("Esc", "cancel", &ESC),
];

/// Asking whether to dismiss one secret (any other key keeps it).
pub const DISMISS_ONE_KEYS: &[Binding<SecretCmd>] = &[
    Binding::new("y", "dismiss: the secret is gone for good", &YES),
    Binding::new("n / any other key", "keep the dialog", &[]),
];

/// Asking whether to dismiss several.
pub const DISMISS_MANY_KEYS: &[Binding<SecretCmd>] = &[
    Binding::new("y", "dismiss: all are gone for good", &YES),
    Binding::new("n / any other key", "keep the dialog", &[]),
];

impl SecretModal {
    /// The keymap of the dialog as it is now.
    pub fn keymap(&self) -> &'static [Binding<SecretCmd>] {
        let one = self.entries.len() == 1;
        match (self.file_input.is_some(), self.confirm_dismiss, one) {
            (true, _, true) => FILE_ONE_KEYS,
            (true, _, false) => FILE_MANY_KEYS,
            (_, true, true) => DISMISS_ONE_KEYS,
            (_, true, false) => DISMISS_MANY_KEYS,
            (_, _, true) => SECRET_ONE_KEYS,
            _ => SECRET_MANY_KEYS,
        }
    }

    /// A key in the dialog; `now` names a file of several secrets.
    pub fn on_key(&mut self, key: KeyEvent, ctrl_c: bool, now: DateTime<Utc>) -> Reply {
        let cmd = keymap::lookup(self.keymap(), key.code).map(|(_, cmd)| cmd);
        if self.file_input.is_some() {
            return self.on_file_key(key, cmd, ctrl_c);
        }
        if self.confirm_dismiss {
            return self.on_dismiss_key(cmd, ctrl_c);
        }
        match cmd {
            _ if ctrl_c => self.confirm_dismiss = true,
            Some(SecretCmd::Dismiss) => self.confirm_dismiss = true,
            Some(SecretCmd::Copy) => {
                return self.current().map_or(Reply::CONSUMED, |e| {
                    Reply::Run(Effect::Copy {
                        id: e.key.id.clone(),
                        secret: e.secret.clone(),
                    })
                });
            }
            Some(SecretCmd::Write) => {
                self.file_input = Some(TextInput::new(self.default_file(now)))
            }
            Some(SecretCmd::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(SecretCmd::Down) => {
                self.cursor = (self.cursor + 1).min(self.entries.len().saturating_sub(1));
            }
            _ => return Reply::IGNORED,
        }
        Reply::CONSUMED
    }

    /// A key while the file's path is typed.
    fn on_file_key(&mut self, key: KeyEvent, cmd: Option<SecretCmd>, ctrl_c: bool) -> Reply {
        match cmd {
            Some(SecretCmd::Yes) => {
                let path = self
                    .file_input
                    .take()
                    .map(|i| PathBuf::from(i.value.trim()));
                let path = path.unwrap_or_default();
                if path.as_os_str().is_empty() {
                    self.file_note =
                        Some(Err("No path was given; nothing was written.".to_owned()));
                    return Reply::CONSUMED;
                }
                return Reply::Run(Effect::WriteSecrets {
                    path,
                    secrets: self.entries.clone(),
                });
            }
            Some(SecretCmd::Cancel) => self.file_input = None,
            _ if ctrl_c => self.file_input = None,
            _ => {
                if let Some(input) = &mut self.file_input {
                    input.handle_key(key);
                }
            }
        }
        Reply::CONSUMED
    }

    /// A key while asking whether to dismiss: y dismisses, anything else
    /// (n, Esc, Ctrl-C) goes back to the secrets.
    fn on_dismiss_key(&mut self, cmd: Option<SecretCmd>, ctrl_c: bool) -> Reply {
        if cmd != Some(SecretCmd::Yes) || ctrl_c {
            self.confirm_dismiss = false;
            return Reply::CONSUMED;
        }
        let text = match self.entries.len() {
            1 => "The secret is gone from this program's memory.".to_owned(),
            n => format!("The {n} secrets are gone from this program's memory."),
        };
        Reply::Dismissed {
            then: self.then.take(),
            text,
        }
    }
}

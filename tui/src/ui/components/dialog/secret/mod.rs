//! The once-only dialog of an operation's new secrets: each copied (OSC 52),
//! written (all to one 0600 file) or acknowledged as stored (`s`, "I have
//! stored it"), which is when a rotation's old key is retired; dismissed
//! only after `D` states how many were none of these.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode::{self, Char, Down, Enter, Esc, Up};
use crossterm::event::KeyEvent;

use super::Reply;
use crate::ui::hit::Regions;
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::output::escape_controls;
use crate::ui::action::Effect;
use crate::ui::components::dialog::frame::Canvas;
use crate::ui::components::dialog::frame::{
    Buttons, Show, button_places, dialog_sized, line_height, note_line,
};
use crate::ui::components::input::TextInput;
use crate::ui::components::keymap::{self, Binding};
use crate::ui::text::truncate;
use crate::ui::theme::Theme;
use unicode_width::UnicodeWidthStr;

use super::Modal;
use narrative_keys::{ApiKey, CreatedKey, Secret};

/// One new secret, shown once.
#[derive(Debug, Clone)]
pub struct SecretEntry {
    /// The key just created.
    pub key: ApiKey,
    /// The id of the key it replaces (rotation, incident), if any.
    pub replaces: Option<String>,
    /// The secret, shown here once (zeroed when dropped).
    pub secret: Secret,
    /// Sent to the terminal's clipboard from the dialog.
    pub copied: bool,
    /// Written to a file from the dialog.
    pub written: bool,
    /// The user said it is stored ("I have stored it"), elsewhere than by
    /// this dialog's copy or file.
    pub acknowledged: bool,
    /// A rotation's old key, left working until this secret is stored;
    /// taken when its retirement is sent.
    pub old_key: Option<PendingOldKey>,
    /// Handed over by the keys file's apply, which waits for it to be
    /// stored and then retires the key it `replaces` (or, dismissed
    /// unstored, revokes it again and keeps that key).
    pub from_apply: bool,
}

/// A new key whose secret was neither written nor acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnstoredKey {
    /// Its id.
    pub id: String,
    /// Its name, for the messages.
    pub name: String,
    /// The id of the old key it was to replace in a rotation, untouched.
    pub old_key: Option<String>,
}

/// A rotation's old key and what becomes of it once its successor's secret
/// is stored (written or acknowledged); until then it works.
#[derive(Debug, Clone)]
pub struct PendingOldKey {
    /// The old key as the rotation read it.
    pub key: ApiKey,
    /// Revoke it, let it expire after an overlap, or keep it.
    pub policy: narrative_keys::rotate::OldKeyPolicy,
}

impl SecretEntry {
    /// The entry for a key just created, neither copied nor written yet.
    pub fn new(created: CreatedKey, replaces: Option<String>) -> Self {
        Self {
            key: created.key,
            replaces,
            secret: created.secret,
            copied: false,
            written: false,
            acknowledged: false,
            old_key: None,
            from_apply: false,
        }
    }

    /// The entry for a rotation's successor: `old` keeps working until the
    /// secret is stored, then `policy` applies to it.
    pub fn successor(
        created: CreatedKey,
        old: ApiKey,
        policy: narrative_keys::rotate::OldKeyPolicy,
    ) -> Self {
        let replaces = Some(old.id.clone());
        Self {
            old_key: Some(PendingOldKey { key: old, policy }),
            ..Self::new(created, replaces)
        }
    }

    /// Written or acknowledged: stored somewhere outside this program. A
    /// copy alone is not: whether the terminal put it on the clipboard
    /// (OSC 52) cannot be known, so it takes `s` to say so.
    pub fn saved(&self) -> bool {
        self.written || self.acknowledged
    }
}

/// The once-only display of every new secret of one operation (a create, a
/// rotation, an incident's replacements). Only `D` then `y` closes it.
#[derive(Debug)]
pub struct SecretModal {
    /// The dialog's title, naming the operation.
    pub title: String,
    /// Every new secret of the operation, one entry per key.
    pub entries: Vec<SecretEntry>,
    /// Index into `entries` of the selected secret, the one `c` copies.
    pub cursor: usize,
    /// What happened to the last copy: `Ok(message)` or `Err(message)`.
    pub copy_note: Option<Result<String, String>>,
    /// Open while the path of the file for all the secrets is being typed.
    pub file_input: Option<TextInput>,
    /// What the last write to a file did: `Ok(message)` or `Err(message)`.
    pub file_note: Option<Result<String, String>>,
    /// The secret that file held before, kept beside it: `Ok` while it is
    /// checked or once its copy was deleted (it no longer works), `Err`
    /// while the copy stays (it still works, or could not be checked).
    pub kept_note: Option<Result<String, String>>,
    /// That kept secret, waiting to be checked until the old keys the
    /// write retires are retired (a rotated-out secret works until then).
    pub kept_unchecked: Option<Box<narrative_keys::deliver::KeptSecret>>,
    /// A write to a file is in flight (it asks the server about the secret
    /// the file holds first): dismissing, or another write, waits for its
    /// answer, so a secret it writes is never counted as nowhere.
    pub writing: bool,
    /// `D` was pressed: the question of `dismiss_question` is open.
    pub confirm_dismiss: bool,
    /// Something else worth knowing about the old key of a rotation: a
    /// caution (`Ok`: it still works, or works until its new expiration) or
    /// a failure (`Err`: it could not be revoked).
    pub note: Option<Result<String, String>>,
    /// What to show once this is dismissed (the incident report).
    pub then: Option<Box<Modal>>,
}

impl SecretModal {
    /// The dialog for `entries`, the first selected, nothing copied or written.
    pub fn new(title: impl Into<String>, entries: Vec<SecretEntry>) -> Self {
        Self {
            title: title.into(),
            entries,
            cursor: 0,
            copy_note: None,
            file_input: None,
            file_note: None,
            kept_note: None,
            kept_unchecked: None,
            writing: false,
            confirm_dismiss: false,
            note: None,
            then: None,
        }
    }

    /// The selected entry, if any.
    pub fn current(&self) -> Option<&SecretEntry> {
        self.entries.get(self.cursor)
    }

    /// How many secrets were neither written nor acknowledged.
    pub fn unsaved(&self) -> usize {
        self.entries.iter().filter(|e| !e.saved()).count()
    }

    /// The secret of key `id`, if it is in this dialog.
    pub fn entry_mut(&mut self, id: &str) -> Option<&mut SecretEntry> {
        self.entries.iter_mut().find(|e| e.key.id == id)
    }

    /// The new keys whose secret was not stored, as (id, name): dismissing
    /// the dialog revokes them again, as nobody would hold their secret (a
    /// rotation's old key stays).
    pub fn unstored_pairs(&self) -> Vec<(String, String)> {
        self.unstored()
            .into_iter()
            .map(|k| (k.id, k.name))
            .collect()
    }

    /// Every key whose secret was neither written nor acknowledged:
    /// nobody holds it once this program ends.
    pub fn unstored(&self) -> Vec<UnstoredKey> {
        self.entries
            .iter()
            .filter(|e| !e.saved())
            .map(|e| UnstoredKey {
                id: e.key.id.clone(),
                name: e.key.name.clone(),
                old_key: (e.old_key.as_ref().map(|o| &o.key.id))
                    .or(e.replaces.as_ref().filter(|_| e.from_apply))
                    .cloned(),
            })
            .collect()
    }

    /// The question `D` asks: how many secrets would be lost, and that the
    /// new keys nobody would hold are revoked again (a rotation's old key
    /// keeps working).
    pub fn dismiss_question(&self) -> String {
        let question = self.lost_question();
        let unstored = self.unstored();
        let rotated = unstored.iter().any(|k| k.old_key.is_some());
        let revoked = match (unstored.len(), rotated) {
            (0, _) => return question,
            (1, true) => "The new key is revoked again and the old key keeps working.",
            (1, false) => "The new key is revoked again, so that no key is left that nobody holds.",
            (_, true) => "Those new keys are revoked again and the old keys keep working.",
            (_, false) => {
                "Those new keys are revoked again, so that no key is left that nobody holds."
            }
        };
        match question.strip_suffix("Dismiss? y/n") {
            Some(lost) => format!("{lost}{revoked} Dismiss? y/n"),
            None => question,
        }
    }

    /// The question of how many secrets would be lost.
    fn lost_question(&self) -> String {
        let total = self.entries.len();
        let unsaved = self.unsaved();
        match (total, unsaved) {
            (1, 0) => "The secret was written or marked stored. Dismiss? y/n".to_owned(),
            (1, _) => {
                "The secret has not been written or marked stored (s); it cannot be shown again. Dismiss? y/n"
                    .to_owned()
            }
            (_, 0) => format!("All {total} secrets were written or marked stored. Dismiss? y/n"),
            (_, 1) => format!(
                "1 of {total} secrets has not been written or marked stored (s); it cannot be shown again. Dismiss? y/n"
            ),
            (_, n) => format!(
                "{n} of {total} secrets have not been written or marked stored (s); they cannot be shown again. Dismiss? y/n"
            ),
        }
    }

    /// The file name `w` proposes: the key's name for one secret, a new
    /// name with the time for several (their file must be new).
    pub fn default_file(&self, now: DateTime<Utc>) -> String {
        match self.entries.as_slice() {
            [one] => format!("{}.env", slug(&one.key.name)),
            _ => format!("new-secrets-{}.env", now.format("%Y%m%d-%H%M%S")),
        }
    }
}

/// `e2e-key.env` for "E2E key": a file name made from a key's name.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "key".to_owned()
    } else {
        out
    }
}

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
    /// Say the chosen secret is stored ("I have stored it").
    Stored,
    /// Ask whether to dismiss.
    Dismiss,
    /// Yes (to dismiss), or Enter (to write the file).
    Yes,
    /// Cancel the file's path.
    Cancel,
}

const COPY: [(KeyCode, SecretCmd); 1] = [(Char('c'), SecretCmd::Copy)];
const WRITE: [(KeyCode, SecretCmd); 1] = [(Char('w'), SecretCmd::Write)];
const STORED: [(KeyCode, SecretCmd); 1] = [(Char('s'), SecretCmd::Stored)];
const DISMISS: [(KeyCode, SecretCmd); 1] = [(Char('D'), SecretCmd::Dismiss)];
const YES: [(KeyCode, SecretCmd); 2] = [(Char('y'), SecretCmd::Yes), (Char('Y'), SecretCmd::Yes)];
const ENTER: [(KeyCode, SecretCmd); 1] = [(Enter, SecretCmd::Yes)];
const ESC: [(KeyCode, SecretCmd); 1] = [(Esc, SecretCmd::Cancel)];

/// One secret.
pub const SECRET_ONE_KEYS: &[Binding<SecretCmd>] = &[
    Binding::new("c", "copy (OSC 52)", &COPY),
    Binding::new("w", "write to a 0600 file", &WRITE),
    Binding::new("s", "I have stored it", &STORED),
    Binding::new("D", "dismiss (asks)", &DISMISS),
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
    Binding::new("s", "I have stored it", &STORED),
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

/// Asking whether to dismiss once every secret was written or marked
/// stored: nothing is lost.
pub const DISMISS_STORED_KEYS: &[Binding<SecretCmd>] = &[
    Binding::new("y", "dismiss: stored, nothing is lost", &YES),
    Binding::new("n / any other key", "keep the dialog", &[]),
];

impl SecretModal {
    /// The keymap of the dialog as it is now.
    pub fn keymap(&self) -> &'static [Binding<SecretCmd>] {
        let one = self.entries.len() == 1;
        match (self.file_input.is_some(), self.confirm_dismiss, one) {
            (true, _, true) => FILE_ONE_KEYS,
            (true, _, false) => FILE_MANY_KEYS,
            (_, true, _) if self.unsaved() == 0 => DISMISS_STORED_KEYS,
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
        if self.writing && (ctrl_c || matches!(cmd, Some(SecretCmd::Dismiss | SecretCmd::Write))) {
            self.file_note = Some(Err(
                "Still writing the file (the server is asked first whether the secret it holds works); wait for its answer."
                    .to_owned(),
            ));
            return Reply::CONSUMED;
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
            Some(SecretCmd::Stored) => {
                let Some(entry) = self.entries.get_mut(self.cursor) else {
                    return Reply::CONSUMED;
                };
                entry.acknowledged = true;
                return Reply::Stored;
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
                self.writing = true;
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
            revoke: self.unstored_pairs(),
        }
    }
}

mod draw;
pub(in crate::ui) use draw::draw_secrets;

//! The `:` command line as a component: its keymap (which its hint bar
//! reads), editing and completion; it answers with a [`LineMsg`], and the
//! app runs the [`Command`] typed. Its state, parsing and completion are in
//! [`parse`].

pub mod parse;

pub use parse::{Command, CommandLine, Completion};

use crossterm::event::KeyCode::{self, Enter, Esc, Tab};
use crossterm::event::KeyEvent;

use super::keymap::{self, Binding};
use crate::output::escape_controls;
use crate::ui::components::Ctx;

/// What a key does on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineCmd {
    /// Run what was typed.
    Run,
    /// Complete the command's name.
    Complete,
    /// Close the line.
    Cancel,
}

/// The command line's keymap; any other key edits the line.
pub const COMMAND_KEYS: &[Binding<LineCmd>] = &[
    Binding::new("Enter", "run", &[(Enter, LineCmd::Run)]),
    Binding::new("Tab", "complete", &[(Tab, LineCmd::Complete)]),
    Binding::new("Esc", "cancel", &[(Esc, LineCmd::Cancel)]),
];

/// What the command line asks of the app after a key.
#[derive(Debug)]
pub enum LineMsg {
    /// The line stays open (a key typed, a completion shown).
    Stay,
    /// Close the line; nothing runs.
    Close,
    /// Close the line and run this command.
    Run(Command),
    /// Close the line and say why nothing ran.
    Error(String),
}

impl CommandLine {
    /// A key on the `:` command line: looked up in [`COMMAND_KEYS`]; any
    /// other key edits the line (Backspace on an empty line closes it).
    /// Completion offers only what the session allows.
    pub fn handle_key(&mut self, key: KeyEvent, ctx: &Ctx) -> LineMsg {
        let cmd = keymap::lookup(COMMAND_KEYS, key.code).map(|(_, cmd)| cmd);
        match cmd {
            Some(LineCmd::Cancel) => return LineMsg::Close,
            Some(LineCmd::Complete) => {
                let names: &[&'static str] = if ctx.readonly {
                    &parse::READ_NAMES
                } else {
                    &parse::NAMES
                };
                self.note = match parse::complete(&self.input.value, names) {
                    Completion::One(done) => {
                        self.input.value = done;
                        None
                    }
                    Completion::Several(found) => Some(found.join(", ")),
                    Completion::NoMatch => Some(format!(
                        "no command starts with {}",
                        escape_controls(self.input.value.trim())
                    )),
                    Completion::Nothing => None,
                };
            }
            Some(LineCmd::Run) => {
                let text = std::mem::take(&mut self.input.value);
                return match Command::parse(&text) {
                    Ok(cmd) => LineMsg::Run(cmd),
                    Err(e) => LineMsg::Error(e),
                };
            }
            None if key.code == KeyCode::Backspace && self.input.value.is_empty() => {
                return LineMsg::Close;
            }
            _ => {
                self.note = None;
                self.input.handle_key(key);
            }
        }
        LineMsg::Stay
    }
}

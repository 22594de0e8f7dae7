//! The `:` command line as a component: its keymap (which its hint bar
//! reads), completion, and running what was typed. Its state is
//! [`CommandLine`](crate::ui::components::command_line::parse::CommandLine); parsing and completion
//! are in [`crate::ui::command`].

pub mod parse;

pub use parse::{Command, CommandLine, Completion};

use crossterm::event::KeyCode::{self, Enter, Esc, Tab};
use crossterm::event::KeyEvent;

use super::keymap::{self, Binding};
use crate::output::escape_controls;
use crate::ui::action::Effect;
use crate::ui::app::App;

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

impl App {
    /// A key on the `:` command line: looked up in [`COMMAND_KEYS`]; any
    /// other key edits the line (Backspace on an empty line closes it).
    pub(in crate::ui) fn on_command_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let line = self.command.as_mut()?;
        let cmd = keymap::lookup(COMMAND_KEYS, key.code).map(|(_, cmd)| cmd);
        match cmd {
            Some(LineCmd::Cancel) => self.command = None,
            Some(LineCmd::Complete) => {
                let names: &[&'static str] = if self.readonly {
                    &parse::READ_NAMES
                } else {
                    &parse::NAMES
                };
                line.note = match parse::complete(&line.input.value, names) {
                    Completion::One(done) => {
                        line.input.value = done;
                        None
                    }
                    Completion::Several(found) => Some(found.join(", ")),
                    Completion::NoMatch => Some(format!(
                        "no command starts with {}",
                        escape_controls(line.input.value.trim())
                    )),
                    Completion::Nothing => None,
                };
                return None;
            }
            Some(LineCmd::Run) => {
                let text = std::mem::take(&mut line.input.value);
                self.command = None;
                return match Command::parse(&text) {
                    Ok(cmd) => self.run_command(cmd),
                    Err(e) => {
                        self.show_error(e);
                        None
                    }
                };
            }
            None if key.code == KeyCode::Backspace && line.input.value.is_empty() => {
                self.command = None
            }
            _ => {
                line.note = None;
                line.input.handle_key(key);
            }
        }
        None
    }

    /// Runs a parsed `:` command.
    fn run_command(&mut self, cmd: Command) -> Option<Effect> {
        match cmd {
            Command::Filter(text) => {
                self.list.filter.value = text;
                self.list.selected = 0;
                self.clamp();
                let n = self.visible_keys().len();
                if self.list.filter.value.is_empty() {
                    self.show_info("Filter cleared.");
                } else {
                    self.show_info(format!(
                        "Filtered: {n} match{}.",
                        if n == 1 { "" } else { "es" }
                    ));
                }
            }
            // As `s` does: a reversed order stays reversed.
            Command::Sort(sort) => self.sorted_by(sort, self.list.sort_reversed),
            Command::Revoke => {
                if self.refuse_write("revoking keys") {
                    return None;
                }
                self.confirm_revoke();
            }
            Command::Refresh => return self.refresh_now(),
            Command::Quit => self.should_quit = true,
        }
        None
    }
}

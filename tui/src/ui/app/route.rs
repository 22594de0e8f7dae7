//! Routing: a key or a click goes to the component on top (a dialog, the
//! form, the command line, the list), and its answer becomes state and
//! effects here; the help's and the hint bar's rows come from the same
//! component.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Position;

use super::App;
use crate::ui::action::Effect;
use crate::ui::components::command_line::{COMMAND_KEYS, Command, CommandLine, LineMsg};
use crate::ui::components::dialog::incident::IncidentModal;
use crate::ui::components::dialog::plan::PlanDialog;
use crate::ui::components::dialog::revoke::RevokeConfirm;
use crate::ui::components::dialog::{Modal, Reply};
use crate::ui::components::form::keys::FormCmd;
use crate::ui::components::form::{Form, FormMsg};
use crate::ui::components::list::DRIFT_FILTER;
use crate::ui::components::list::{KeyList, ListMsg};
use crate::ui::components::{keymap, wheel_key};
use crate::ui::job::Job;

impl App {
    /// A click presses what the last frame drew there; the wheel scrolls
    /// what is under it. Everything here has a key too.
    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Option<Effect> {
        let at = Position::new(mouse.column, mouse.row);
        let down = match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => true,
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => false,
            // Moves, drags, releases and other buttons change nothing.
            _ => {
                self.screen_changed = false;
                return None;
            }
        };
        let up = mouse.kind == MouseEventKind::ScrollUp;
        let regions = self.regions.borrow().clone();
        self.feedback.status = None;
        if let Some(modal) = &self.modal {
            // The dismiss question takes any other key as "no": a turn of
            // the wheel is not an answer.
            let asking = matches!(modal, Modal::Secret(m) if m.confirm_dismiss);
            return match regions.button_at(at) {
                Some(key) if down => self.on_key(key),
                _ if down || asking => None,
                _ => self.on_key(wheel_key(up)),
            };
        }
        if let Some(form) = &mut self.form {
            let press = form.on_mouse(&regions, at, down, up)?;
            return self.on_form_key(press);
        }
        let msg = self.list.on_mouse(&regions, at, down, up);
        self.on_list_msg(msg)
    }

    /// A key for the component on top: a dialog, the form, the command
    /// line, else the list (which types its filter first).
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Option<Effect> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if self.modal.is_some() {
            return self.on_modal_key(key, ctrl_c);
        }
        if ctrl_c {
            self.should_quit = true;
            return None;
        }
        if self.form.is_some() {
            return self.on_form_key(key);
        }
        if let Some(line) = &mut self.command {
            let msg = line.handle_key(key, &ctx!(self));
            return self.on_line_msg(msg);
        }
        let msg = self.list.handle_key(key, &ctx!(self));
        self.on_list_msg(msg)
    }

    /// What the list asked for.
    pub(super) fn on_list_msg(&mut self, msg: ListMsg) -> Option<Effect> {
        match msg {
            ListMsg::Ignored | ListMsg::Consumed => {}
            ListMsg::Moved => self.detail.scroll = 0,
            ListMsg::ScrollDetail(cmd) => self.detail.scroll_by(cmd),
            ListMsg::WheelDetail(up) => self.detail.wheel(up),
            ListMsg::Info(text) => self.show_info(text),
            ListMsg::Error(text) => self.show_error(text),
            ListMsg::ClearStatus => self.feedback.status = None,
            ListMsg::Refused(what) => {
                self.refuse_write(what);
            }
            ListMsg::Quit => self.should_quit = true,
            ListMsg::Help => self.open_help(),
            ListMsg::OpenCommand => self.command = Some(CommandLine::default()),
            ListMsg::Refresh => return self.refresh_now(),
            ListMsg::OpenForm(form) => self.form = Some(*form),
            ListMsg::Rotate { id, name } => {
                self.modal = Some(Modal::ConfirmRotate {
                    id,
                    name,
                    choice: 0,
                });
            }
            ListMsg::Revoke(keys) => {
                self.modal = Some(Modal::ConfirmRevoke(RevokeConfirm::new(keys)));
            }
            ListMsg::Incident(plan) => {
                self.modal = Some(Modal::Incident(IncidentModal::Plan { plan, scroll: 0 }));
            }
            ListMsg::Plan { confirm } => {
                if let Some(k) = &self.keys_as_code {
                    if confirm && k.plan.is_empty() {
                        self.show_info(k.text(self.now).trim().to_owned());
                        return None;
                    }
                    self.modal = Some(Modal::Plan(PlanDialog {
                        text: k.text(self.now),
                        scroll: 0,
                        apply: confirm.then(|| Box::new((k.file.clone(), k.plan.clone()))),
                        applied: false,
                    }));
                }
            }
            ListMsg::Run(effect) => return Some(effect),
        }
        None
    }

    /// What the command line asked for.
    pub(super) fn on_line_msg(&mut self, msg: LineMsg) -> Option<Effect> {
        if !matches!(msg, LineMsg::Stay) {
            self.command = None;
        }
        match msg {
            LineMsg::Stay | LineMsg::Close => None,
            LineMsg::Run(cmd) => self.run_command(cmd),
            LineMsg::Error(e) => {
                self.show_error(e);
                None
            }
        }
    }

    /// Runs a parsed `:` command.
    pub(super) fn run_command(&mut self, cmd: Command) -> Option<Effect> {
        let msg = match cmd {
            Command::Filter(text) => {
                // Keys with a pending action in the keys file's plan.
                let text = match (text.trim(), &self.keys_as_code) {
                    ("drift", Some(_)) => DRIFT_FILTER.to_owned(),
                    _ => text,
                };
                let said = self.list.filtered_by(text, &ctx!(self));
                ListMsg::Info(said)
            }
            // As `s` does: a reversed order stays reversed.
            Command::Sort(sort) => {
                let reversed = self.list.sort_reversed;
                self.list.sorted_by(sort, reversed, &ctx!(self))
            }
            Command::Revoke => {
                if self.refuse_write("revoking keys") {
                    return None;
                }
                self.list.ask_revoke(&self.keys)
            }
            Command::Refresh => ListMsg::Refresh,
            Command::Quit => ListMsg::Quit,
        };
        self.on_list_msg(msg)
    }

    /// A key while the form is open: the form's first, then help and quit.
    /// Enter does nothing while the form's key is being sent.
    pub(super) fn on_form_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let sending = self
            .feedback
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
                match Form::tail_command(key) {
                    Some(FormCmd::Help) => self.open_help(),
                    Some(FormCmd::Quit) => self.should_quit = true,
                    _ => {}
                }
                None
            }
        }
    }

    /// A key while a dialog is open: the dialog answers, the app acts on
    /// the answer.
    pub(super) fn on_modal_key(&mut self, key: KeyEvent, ctrl_c: bool) -> Option<Effect> {
        let overflow = self.regions.borrow().dialog_overflow;
        let ctx = ctx!(self);
        let modal = self.modal.as_mut()?;
        let reply = modal.on_key(key, ctrl_c, &ctx, &mut self.help_scroll, overflow);
        self.on_reply(reply)
    }

    /// What a dialog asked for.
    pub(super) fn on_reply(&mut self, reply: Reply) -> Option<Effect> {
        match reply {
            Reply::Stay(_) => None,
            Reply::Close(text) => {
                self.modal = None;
                if let Some(text) = text {
                    self.show_info(text);
                }
                None
            }
            Reply::Quit => {
                self.should_quit = true;
                None
            }
            Reply::Run(effect) => {
                match effect {
                    Effect::WriteSecrets { .. } => self.start(Job::Writing),
                    // Counted as busy so the way out stops it and waits.
                    Effect::ApplyKeysFile(_) => self.start(Job::Applying),
                    _ => {}
                }
                Some(effect)
            }
            Reply::Revoke(keys) => self.close_and_start(Job::Revoking, Effect::Revoke(keys)),
            Reply::Rotate { id, old_key } => {
                self.close_and_start(Job::Rotating, Effect::Rotate { id, old_key })
            }
            Reply::Incident(plan) => {
                let count = plan.keys.len();
                self.modal = Some(Modal::Incident(IncidentModal::Running { count }));
                self.start(Job::Incident);
                Some(Effect::Incident(plan))
            }
            Reply::ReadOnly => {
                self.switch_to_readonly();
                None
            }
            Reply::Stored => {
                let retire = self.retire_stored_old_keys();
                Effect::join(retire, self.answer_stored_hand_offs())
            }
            Reply::Dismissed { then, text, revoke } => {
                // Dropping the dialog drops (and zeroes) every secret in it.
                self.modal = then.map(|b| *b);
                self.show_info(text);
                self.after_dismissal(revoke)
            }
        }
    }

    /// Closes the dialog and starts `job`, whose work is `effect`.
    pub(super) fn close_and_start(&mut self, job: Job, effect: Effect) -> Option<Effect> {
        self.modal = None;
        self.start(job);
        Some(effect)
    }

    /// Read-only mode, chosen after the server refused a change.
    pub(super) fn switch_to_readonly(&mut self) {
        self.modal = None;
        self.session.readonly = true;
        // A form left open could only be refused again.
        let closed = if self.form.take().is_some() {
            " The form was closed; nothing was sent."
        } else {
            ""
        };
        self.show_info(format!(
            "Read-only: changes are no longer offered in this session.{closed}"
        ));
    }

    pub(in crate::ui) fn open_help(&mut self) {
        self.help_scroll = 0;
        self.modal = Some(Modal::Help);
    }

    /// Every binding of the current screen, for `?`.
    pub fn bindings(&self) -> Vec<(&'static str, &'static str)> {
        match &self.modal {
            Some(Modal::Help) | None => {}
            Some(modal) => return modal.bindings(),
        }
        match &self.form {
            Some(form) => form.help(),
            None => KeyList::help(&self.ctx()),
        }
    }

    /// The hint bar's few main bindings.
    pub fn hints(&self) -> Vec<(&'static str, &'static str)> {
        if let Some(modal) = &self.modal {
            return modal.bindings();
        }
        if let Some(form) = &self.form {
            return form.hints(self.now);
        }
        if self.command.is_some() && !self.list.filtering {
            return keymap::help(COMMAND_KEYS, false);
        }
        self.list.hints(&self.ctx())
    }
}

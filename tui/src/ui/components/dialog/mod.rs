//! The dialogs: each answers a key with a [`Reply`] from its own keymap
//! table, which also gives the help and the hint bar their rows. A dialog
//! takes every key while it is open, so nothing underneath acts by
//! accident. Each dialog is one file holding its state, keys and drawing;
//! [`Modal`] is the one enum naming them, with the one `on_key`, `render`
//! and `bindings` that hand each call to the open dialog; [`frame`] draws
//! the box, its buttons and its scrolling for all of them.

pub mod frame;
pub mod help;
pub mod incident;
pub mod notice;
pub mod plan;
pub mod revoke;
pub mod rotate;
pub mod secret;

use narrative_keys::incident::IncidentPlan;
use narrative_keys::rotate::OldKeyPolicy;

use crossterm::event::KeyEvent;
use ratatui::Frame;

use self::frame::Canvas;
use self::help::HelpProps;
use self::incident::IncidentModal;
use self::plan::PlanDialog;
use self::revoke::RevokeConfirm;
use self::secret::SecretModal;
use super::Ctx;
use super::keymap::{self, EventState};
use crate::ui::action::Effect;
use crate::ui::hit::Regions;

/// The dialog open over the screen (the app holds it); it takes every key
/// until it closes.
#[derive(Debug)]
pub enum Modal {
    /// The key bindings of every context (`?`, F1), scrolled as far as the app says.
    Help,
    /// The question before revoking the marked keys or the selected one (`d`, `:revoke`).
    ConfirmRevoke(RevokeConfirm),
    /// The question before rotating a key (`r`), with what becomes of the old one.
    ConfirmRotate {
        /// The key to rotate.
        id: String,
        /// Its name, for the question.
        name: String,
        /// Which of [`rotate::ROTATE_CHOICES`] is picked: what becomes of the old key.
        choice: usize,
    },
    /// The once-only display of an operation's new secrets.
    Secret(SecretModal),
    /// The incident response (`i`): its dry run, its progress, then its report.
    Incident(IncidentModal),
    /// The server refused a change as not permitted: switch to read-only?
    OfferReadOnly {
        /// What the server said.
        message: String,
    },
    /// The server no longer accepts this session's key; nothing more is sent.
    SessionEnded(String),
    /// The keys file's plan (`p`).
    Plan(PlanDialog),
}

/// What a dialog asks of the app after a key.
#[derive(Debug)]
pub enum Reply {
    /// The dialog acted on the key, or ignored it; it stays open.
    Stay(EventState),
    /// Close the dialog, with this on the status line.
    Close(Option<String>),
    /// Quit the program.
    Quit,
    /// Run this effect; the dialog stays open.
    Run(Effect),
    /// Revoke these keys, as (id, name).
    Revoke(Vec<(String, String)>),
    /// Rotate key `id`, doing this with the old key.
    Rotate {
        /// The key to rotate.
        id: String,
        /// What becomes of the old key.
        old_key: OldKeyPolicy,
    },
    /// Run the incident response.
    Incident(Box<IncidentPlan>),
    /// Switch the session to read-only mode.
    ReadOnly,
    /// A secret was marked stored: retire the old key waiting for it.
    Stored,
    /// The secrets are dismissed: show `then` next, say `text`, and revoke
    /// `revoke` again (a rotation's successors whose secret was not stored).
    Dismissed {
        /// The dialog queued behind the secrets.
        then: Option<Box<Modal>>,
        /// What the status line says.
        text: String,
        /// The new keys to revoke, as (id, name).
        revoke: Vec<(String, String)>,
    },
}

impl Reply {
    /// The key was the dialog's.
    pub const CONSUMED: Reply = Reply::Stay(EventState::Consumed);
    /// The key was not the dialog's (it is swallowed all the same).
    pub const IGNORED: Reply = Reply::Stay(EventState::NotConsumed);
}

impl Modal {
    /// A key for the open dialog: its answer. `help_scroll` is how far the
    /// help is scrolled, `overflow` how far it can be (the last frame's).
    pub fn on_key(
        &mut self,
        key: KeyEvent,
        ctrl_c: bool,
        ctx: &Ctx,
        help_scroll: &mut u16,
        overflow: u16,
    ) -> Reply {
        match self {
            Modal::Help => help::on_key(key.code, ctrl_c, help_scroll, overflow),
            Modal::ConfirmRevoke(confirm) => confirm.on_key(key, ctrl_c),
            Modal::ConfirmRotate { id, choice, .. } => rotate::on_key(key.code, ctrl_c, id, choice),
            Modal::Secret(m) => m.on_key(key, ctrl_c, ctx.now),
            Modal::Incident(m) => m.on_key(key, ctrl_c),
            Modal::OfferReadOnly { .. } => notice::on_offer_key(key.code, ctrl_c),
            Modal::SessionEnded(_) => notice::on_ended_key(key.code, ctrl_c),
            Modal::Plan(m) => m.on_key(key.code, ctrl_c),
        }
    }

    /// Draws the dialog over `cx.area`, the screen's body; `help` is what
    /// the help shows when it is the one open. Returns its buttons and how
    /// far it can scroll.
    pub fn render(&self, help: HelpProps, cx: &Canvas, frame: &mut Frame) -> Regions {
        match self {
            Modal::Help => help::draw(help, cx, frame),
            Modal::ConfirmRevoke(confirm) => confirm.draw(cx, frame),
            Modal::OfferReadOnly { message } => notice::draw_offer(message, cx, frame),
            Modal::SessionEnded(text) => notice::draw_ended(text, cx, frame),
            Modal::ConfirmRotate { id, name, choice } => {
                rotate::draw((id, name, *choice), cx, frame)
            }
            Modal::Secret(m) => secret::draw_secrets(m, cx, frame),
            Modal::Incident(stage) => incident::draw_incident(stage, cx, frame),
            Modal::Plan(m) => m.draw(cx, frame),
        }
    }

    /// The dialog's bindings, from its keymap, for the help and the hint
    /// bar; the help's own are its few.
    pub fn bindings(&self) -> Vec<(&'static str, &'static str)> {
        match self {
            Modal::Help => help::hints(),
            Modal::Secret(m) => keymap::help(m.keymap(), false),
            Modal::ConfirmRevoke(c) => keymap::help(c.keymap(), false),
            Modal::OfferReadOnly { .. } => keymap::help(notice::OFFER_KEYS, false),
            Modal::SessionEnded(_) => keymap::help(notice::ENDED_KEYS, false),
            Modal::ConfirmRotate { .. } => keymap::help(rotate::ROTATE_KEYS, false),
            Modal::Incident(m) => keymap::help(m.keymap(), false),
            Modal::Plan(m) => keymap::help(m.keymap(), false),
        }
    }
}

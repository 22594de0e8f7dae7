//! The dialogs: each answers a key with a [`Reply`] from its own keymap
//! table, which also gives the help and the hint bar their rows. A dialog
//! takes every key while it is open, so nothing underneath acts by
//! accident. Their state is in [`crate::ui::modal`]; drawing in
//! `view::modal`.

pub mod frame;
pub mod help;
pub mod incident;
pub mod notice;
pub mod revoke;
pub mod rotate;
pub mod secret;

use narrative_keys::incident::IncidentPlan;
use narrative_keys::rotate::OldKeyPolicy;

use self::incident::IncidentModal;
use self::revoke::RevokeConfirm;
use self::secret::SecretModal;
use super::keymap::EventState;
use crate::ui::action::Effect;

/// The dialog open over the screen (`App::modal`); it takes every key until
/// it closes.
#[derive(Debug)]
pub enum Modal {
    /// The key bindings of every context (`?`, F1), scrolled by `App::help_scroll`.
    Help,
    /// The question before revoking the marked keys or the selected one (`d`, `:revoke`).
    ConfirmRevoke(RevokeConfirm),
    /// The question before rotating a key (`r`), with what becomes of the old one.
    ConfirmRotate {
        /// The key to rotate.
        id: String,
        /// Its name, for the question.
        name: String,
        /// Which of [`ROTATE_CHOICES`] is picked: what becomes of the old key.
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

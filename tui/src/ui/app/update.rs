//! `App::update`: one action folded into the state; what may run now; the
//! clock; reloading; refusing changes the session does not make.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEventKind;

use super::{App, READONLY_REFUSAL, STATUS_FADE};
use crate::ui::action::{Action, Effect};
use crate::ui::job::Job;

impl App {
    /// Folds one action into the state; returns the work it asks for. Once
    /// the session has ended, or in read-only mode, requests that could not
    /// work (or must not be made) are dropped here whatever asked for them.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        let effect = self.apply(action);
        self.show_waiting_hand_off();
        self.sync_list();
        let effect = effect?;
        let kept: Vec<Effect> = effect
            .flatten()
            .into_iter()
            .filter(|e| self.allowed(e))
            .collect();
        match kept.len() {
            0 => None,
            1 => kept.into_iter().next(),
            _ => Some(Effect::Many(kept)),
        }
    }

    /// Whether `effect` may run now; one that may not is undone (its
    /// spinner stopped) and the status says why.
    pub(super) fn allowed(&mut self, effect: &Effect) -> bool {
        let busy = match effect {
            Effect::LoadKeys => Job::Loading,
            Effect::Create(_) => Job::Creating,
            Effect::Update { .. } => Job::Saving,
            Effect::Rotate { .. } => Job::Rotating,
            Effect::Revoke(_) | Effect::RevokeUnstored(_) => Job::Revoking,
            Effect::RetireOldKey { .. } => Job::RetiringOldKey,
            Effect::Incident(_) => Job::Incident,
            Effect::ApplyKeysFile(_) => Job::Applying,
            _ => return true,
        };
        if self.session.session_ended.is_some() {
            self.finish(busy);
            return false;
        }
        if self.session.readonly && busy.writes() {
            self.finish(busy);
            self.show_error(READONLY_REFUSAL);
            return false;
        }
        true
    }

    pub(super) fn apply(&mut self, action: Action) -> Option<Effect> {
        self.screen_changed = true;
        match action {
            Action::Key(key) => {
                if key.kind != KeyEventKind::Release {
                    // The next action replaces the last one's message.
                    self.feedback.status = None;
                }
                self.on_key(key)
            }
            Action::Mouse(mouse) => self.on_mouse(mouse),
            Action::Resize(..) => None,
            Action::Tick(now) => self.on_tick(now),
            Action::Quit => {
                self.should_quit = true;
                None
            }
            Action::KeysLoaded(result) => self.on_keys_loaded(result),
            Action::Created(result) => self.on_created(result),
            Action::Updated(result) => self.on_updated(result),
            Action::Rotated(result) => self.on_rotated(result),
            Action::Revoked(results) => self.on_revoked(results),
            Action::OldKeyRetired(retired) => self.on_old_key_retired(retired),
            Action::UnstoredRevoked(results) => self.on_unstored_revoked(results),
            Action::IncidentDone(done) => self.on_incident_done(done),
            Action::KeysFileApplied(result) => self.on_keys_file_applied(result),
            Action::SecretHandedOver(handed) => self.on_secret_handed_over(*handed),
            Action::HandOffChecked { id, result } => self.on_hand_off_checked(&id, result),
            Action::Copied { id, result } => self.on_copied(id, result),
            Action::SecretsWritten(done) => self.on_secrets_written(done),
            Action::KeptSecretChecked(check) => self.on_kept_secret_checked(&check),
            Action::ReportSaved(result) => self.on_report_saved(result),
            Action::IdCopied { id, result } => self.on_id_copied(id, result),
            Action::Refused {
                refusal,
                write,
                message,
            } => {
                self.on_refused(refusal, write, &message);
                None
            }
        }
    }

    /// A clock tick: the spinner, the fading status, the list's statuses, `--refresh`.
    pub(super) fn on_tick(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        let busy = !self.feedback.busy.is_empty();
        self.screen_changed = busy || now.timestamp() != self.now.timestamp();
        self.now = now;
        if self
            .feedback
            .status
            .as_ref()
            .is_some_and(|s| !s.error && now - s.shown_at >= STATUS_FADE)
        {
            self.feedback.status = None;
            self.screen_changed = true;
        }
        self.sync_list();
        if busy {
            self.feedback.spinner = self.feedback.spinner.wrapping_add(1);
        }
        self.refresh_due()
    }

    /// `--refresh`: a reload when one is due and none is in flight.
    pub(super) fn refresh_due(&mut self) -> Option<Effect> {
        let every = chrono::Duration::from_std(self.loading.refresh_every?).ok()?;
        if self.session.session_ended.is_some() || self.feedback.busy.contains(&Job::Loading) {
            return None;
        }
        if self.now - self.loading.last_load < every {
            return None;
        }
        self.screen_changed = true;
        Some(self.reload())
    }

    pub(in crate::ui) fn refresh_now(&mut self) -> Option<Effect> {
        if let Some(ended) = &self.session.session_ended {
            let text = ended.clone();
            self.show_error(text);
            return None;
        }
        self.loading.refresh_asked = true;
        Some(self.reload())
    }

    /// Refuses a write action, with the reason on the status line, in
    /// read-only mode or once the session's key is gone; `true` if refused.
    pub(in crate::ui) fn refuse_write(&mut self, what: &str) -> bool {
        if let Some(ended) = &self.session.session_ended {
            let text = format!("Not {what}: {ended}");
            self.show_error(text);
            true
        } else if self.session.readonly {
            self.show_error(format!(
                "Read-only: {what} is not offered in this session (start it again without --readonly to make changes)."
            ));
            true
        } else {
            false
        }
    }

    /// Whether key `id` may be the one this session signs in with: the
    /// known one, or else any key that can manage keys (the session's
    /// key must, to revoke anything).
    pub(super) fn may_be_own_key(&self, id: &str) -> bool {
        match &self.session.own_key_id {
            Some(own) => own == id,
            None => self.keys.iter().any(|k| {
                k.id == id
                    && k.permissions.grants(
                        &narrative_keys::AccessLevel::Write,
                        &narrative_keys::Resource::new("access_tokens"),
                    )
            }),
        }
    }
}

//! What each effect's result does to the state: a load, a create, an
//! edit, a rotation and its old key, revocations, an incident, the
//! secrets dialog's copies and writes, refusals and the session's end.

use std::path::PathBuf;

use narrative_keys::deliver::KeptCheck;
use narrative_keys::{ApiKey, CreatedKey};

use super::App;
use crate::output::escape_controls;
use crate::ui::action::{
    Effect, IncidentDone, OldKeyFate, OldKeyRetired, Refusal, RevokeOutcome, RevokedKey, Rotated,
    SecretsWritten,
};
use crate::ui::components::dialog::Modal;
use crate::ui::components::dialog::incident::IncidentModal;
use crate::ui::components::dialog::secret::{SecretEntry, SecretModal};
use crate::ui::components::input::TextInput;
use crate::ui::job::Job;
use crate::ui::text::count_of;

impl App {
    /// A load's result: the new list, the selection kept on its key.
    pub(super) fn on_keys_loaded(&mut self, result: Result<Vec<ApiKey>, String>) -> Option<Effect> {
        self.finish(Job::Loading);
        match result {
            Ok(keys) => {
                // The selection follows its key, not its row.
                let selected = self.list.selected_id(&self.keys);
                self.keys = keys;
                if let Some(k) = &mut self.keys_as_code {
                    k.replan(&self.keys, self.now);
                }
                self.update_list(true);
                self.loading.loaded = true;
                self.loading.load_failed = false;
                self.list.retain_marks(&self.keys);
                if let Some(id) = self.loading.select_id.take().or(selected) {
                    self.list.select_key(&self.keys, &id);
                }
                self.clamp();
                if std::mem::take(&mut self.loading.refresh_asked) {
                    let n = self.keys.len();
                    self.show_info(format!("Refreshed: {}.", count_of(n, "key", "keys")));
                }
            }
            Err(e) => {
                self.loading.refresh_asked = false;
                // Unless another load is still in flight.
                self.loading.load_failed = !self.feedback.busy.contains(&Job::Loading);
                self.show_error(format!("Could not load the keys: {e}"));
            }
        }
        None
    }

    /// A create's result: its secret shown once.
    pub(super) fn on_created(&mut self, result: Result<CreatedKey, String>) -> Option<Effect> {
        self.settle(
            Job::Creating,
            result,
            "The key was not created",
            |app, created| {
                let text = format!("Created \"{}\".", escape_controls(&created.key.name));
                app.form_saved(text, created.key.id.clone());
                app.modal = Some(Modal::Secret(SecretModal::new(
                    "New key created",
                    vec![SecretEntry::new(created, None)],
                )));
                Some(app.reload())
            },
        )
    }

    /// An edit's result.
    pub(super) fn on_updated(&mut self, result: Result<ApiKey, String>) -> Option<Effect> {
        self.settle(
            Job::Saving,
            result,
            "The changes were not saved",
            |app, key| {
                let text = format!("Saved the changes to \"{}\".", escape_controls(&key.name));
                app.form_saved(text, key.id);
                Some(app.reload())
            },
        )
    }

    /// The result of `job`: `ok` folds a success in; a failure is `failed`
    /// and the reason, on the status line.
    pub(super) fn settle<T>(
        &mut self,
        job: Job,
        result: Result<T, String>,
        failed: &str,
        ok: impl FnOnce(&mut Self, T) -> Option<Effect>,
    ) -> Option<Effect> {
        self.finish(job);
        match result {
            Ok(value) => ok(self, value),
            Err(e) => {
                self.show_error(format!("{failed}: {e}"));
                None
            }
        }
    }

    /// The form's key was created or saved: the form closes, the status
    /// says so, and the next list selects the key.
    pub(super) fn form_saved(&mut self, text: String, id: String) {
        self.form = None;
        self.show_info(text);
        self.loading.select_id = Some(id);
    }

    /// A rotation's result: the new secret shown once, the old key's fate said.
    pub(super) fn on_rotated(&mut self, result: Result<Rotated, String>) -> Option<Effect> {
        self.settle(
            Job::Rotating,
            result,
            "The key was not rotated",
            Self::rotated,
        )
    }

    /// A rotation that made its new key: its secret shown once, the old
    /// key left working until that secret is stored.
    pub(super) fn rotated(&mut self, r: Rotated) -> Option<Effect> {
        let name = escape_controls(&r.old.name);
        let new_id = r.new.key.id.clone();
        let note = format!(
            "The old key {} keeps working until this secret is written (w) or marked stored (s); then it {}.",
            r.old.id,
            policy_then(r.old_key)
        );
        let mut modal = SecretModal::new(
            "Key rotated",
            vec![SecretEntry::successor(r.new, r.old, r.old_key)],
        );
        modal.note = Some(Ok(note));
        self.show_info(format!(
            "Rotated \"{name}\": the old key works until the new secret is stored."
        ));
        self.loading.select_id = Some(new_id);
        self.modal = Some(Modal::Secret(modal));
        Some(self.reload())
    }

    /// The retirements of old keys whose successors' secrets are now
    /// stored, each sent once.
    pub(super) fn retire_stored_old_keys(&mut self) -> Option<Effect> {
        let Some(Modal::Secret(m)) = &mut self.modal else {
            return None;
        };
        let retire: Vec<Effect> = m
            .entries
            .iter_mut()
            .filter(|e| e.saved())
            .filter_map(|e| {
                let pending = e.old_key.take()?;
                Some(Effect::RetireOldKey {
                    old: pending.key,
                    new_id: e.key.id.clone(),
                    policy: pending.policy,
                })
            })
            .collect();
        if retire.is_empty() {
            return None;
        }
        for _ in &retire {
            self.start(Job::RetiringOldKey);
        }
        Some(Effect::Many(retire))
    }

    /// What became of a rotation's old key, said on the status line and,
    /// while its successor's secret is on screen, in the dialog.
    pub(super) fn on_old_key_retired(&mut self, r: OldKeyRetired) -> Option<Effect> {
        self.finish(Job::RetiringOldKey);
        let name = escape_controls(&r.old.name);
        let revoked = r.fate == Ok(OldKeyFate::Revoked);
        if revoked && self.may_be_own_key(&r.old.id) {
            self.session.revoked_possible_own_key = true;
        }
        let note = match r.fate {
            Ok(OldKeyFate::Revoked) => Ok(format!(
                "Rotated \"{name}\": the old key {} is revoked.",
                r.old.id
            )),
            Ok(OldKeyFate::Expires(at)) => Ok(format!(
                "Rotated \"{name}\": the old key {} works until {}, then expires; move its users to the new key before then.",
                r.old.id,
                at.format("%Y-%m-%d %H:%M UTC")
            )),
            Ok(OldKeyFate::Kept) => Ok(format!(
                "Rotated \"{name}\": the old key {} still works; revoke it with d once nothing uses it.",
                r.old.id
            )),
            Err(e) => Err(format!(
                "The old key {} could not be revoked and still works: {e}. Revoke it with d.",
                r.old.id
            )),
        };
        if let Some(Modal::Secret(m)) = &mut self.modal
            && m.entries.iter().any(|e| e.key.id == r.new_id)
        {
            // A caution or a failure stays in the dialog; a revocation
            // ends the caution that the old key still works.
            m.note = (!revoked).then(|| note.clone());
        }
        match note {
            Ok(text) => self.show_info(text),
            Err(text) => self.show_error(text),
        }
        Effect::join(Some(self.reload()), self.check_kept_when_retired())
    }

    /// New keys whose secret nobody stored, revoked again (a rotation's
    /// successor dismissed unstored: its old key keeps working).
    pub(super) fn on_unstored_revoked(&mut self, results: Vec<RevokedKey>) -> Option<Effect> {
        self.finish(Job::Revoking);
        let failed = results.iter().any(|r| !r.outcome.is_gone());
        let text: Vec<String> = results
            .iter()
            .map(|r| {
                let (id, name) = (&r.id, escape_controls(&r.name));
                match &r.outcome {
                    RevokeOutcome::Failed(e) => format!(
                        "The new key {id} of \"{name}\" could not be revoked and still works, though nobody holds its secret: {e}. Revoke it with d."
                    ),
                    _ => format!(
                        "The new key {id} of \"{name}\" was revoked again, as its secret was not stored; nothing else changed."
                    ),
                }
            })
            .collect();
        let text = text.join(" ");
        if failed {
            self.show_error(text);
        } else {
            self.show_info(text);
        }
        Some(self.reload())
    }

    /// A revoke's results, one per key.
    pub(super) fn on_revoked(&mut self, results: Vec<RevokedKey>) -> Option<Effect> {
        self.finish(Job::Revoking);
        let failed: Vec<String> = results
            .iter()
            .filter_map(|r| match &r.outcome {
                RevokeOutcome::Failed(e) => Some(format!("\"{}\": {e}", escape_controls(&r.name))),
                _ => None,
            })
            .collect();
        for r in &results {
            if r.outcome.is_gone() {
                self.list.marked.remove(&r.id);
                if self.may_be_own_key(&r.id) {
                    self.session.revoked_possible_own_key = true;
                }
            }
        }
        if failed.is_empty() {
            self.show_info(revoked_summary(&results));
        } else {
            let still = if failed.len() == 1 {
                "it still works"
            } else {
                "they still work"
            };
            self.show_error(format!(
                "{} of {} not revoked ({still}): {}",
                failed.len(),
                count_of(results.len(), "key", "keys"),
                failed.join("; ")
            ));
        }
        Some(self.reload())
    }

    /// An incident response's result: the replacements' secrets, then the report.
    pub(super) fn on_incident_done(&mut self, done: Box<IncidentDone>) -> Option<Effect> {
        self.finish(Job::Incident);
        let report = done.report;
        let markdown = report.to_markdown();
        let path = format!(
            "incident-report-{}.md",
            report.finished_at.format("%Y%m%d-%H%M%S")
        );
        let failures = report.failures.len();
        self.show_info(format!(
            "Incident response: {} revoked, {} replaced, {} failed.",
            report.revoked.len(),
            report.replacements.len(),
            failures
        ));
        for k in &report.revoked {
            self.list.marked.remove(&k.id);
            if self.may_be_own_key(&k.id) {
                self.session.revoked_possible_own_key = true;
            }
        }
        let done_modal = Modal::Incident(IncidentModal::Done {
            report: Box::new(report),
            markdown: markdown.clone(),
            path: TextInput::new(path.clone()),
            editing: false,
            saved: None,
        });
        self.modal = if done.replacements.is_empty() {
            Some(done_modal)
        } else {
            let entries = done
                .replacements
                .into_iter()
                .map(|(replaces, c)| SecretEntry::new(c, Some(replaces)))
                .collect();
            let mut m = SecretModal::new("Replacement keys created", entries);
            m.then = Some(Box::new(done_modal));
            Some(Modal::Secret(m))
        };
        let reload = self.reload();
        Some(Effect::Many(vec![
            Effect::SaveReport {
                path: PathBuf::from(path),
                markdown,
            },
            reload,
        ]))
    }

    /// Whether a secret's copy sequence was written.
    pub(super) fn on_copied(&mut self, id: String, result: Result<(), String>) -> Option<Effect> {
        if let Some(Modal::Secret(m)) = &mut self.modal {
            let entry = m.entry_mut(&id)?;
            let name = escape_controls(&entry.key.name);
            let note = match result {
                Ok(()) => {
                    entry.copied = true;
                    Ok(format!(
                        "Sent the secret of \"{name}\" to the clipboard (OSC 52). Once it is stored, press s; if it is not on your clipboard, your terminal does not allow this: write it to a file (w) instead."
                    ))
                }
                Err(e) => Err(format!(
                    "Could not send the copy sequence to the terminal: {e}"
                )),
            };
            m.copy_note = Some(note);
        }
        // A copy cannot be confirmed: nothing is retired until `s` or `w`.
        None
    }

    /// What writing the secrets to a file did.
    pub(super) fn on_secrets_written(&mut self, done: SecretsWritten) -> Option<Effect> {
        self.finish(Job::Writing);
        if let Some(Modal::Secret(m)) = &mut self.modal {
            m.writing = false;
            for id in &done.written {
                if let Some(e) = m.entry_mut(id) {
                    e.written = true;
                }
            }
            let path = escape_controls(&done.path.display().to_string());
            let n = done.written.len();
            let what = if n == 1 { "secret" } else { "secrets" };
            m.kept_note = done.kept.as_ref().map(|kept| {
                Ok(format!(
                    "The secret {path} held before was kept in {}; checking whether it still works…",
                    escape_controls(&kept.path().display().to_string())
                ))
            });
            m.kept_unchecked = done.kept.map(Box::new);
            m.file_note = Some(match done.error {
                None => Ok(format!("Wrote {n} {what} to {path} (mode 0600).")),
                Some(e) if n == 0 => Err(format!("Nothing was written: {}", escape_controls(&e))),
                Some(e) => Err(format!(
                    "Wrote {n} of {} secrets to {path}, then stopped: {}",
                    m.entries.len(),
                    escape_controls(&e)
                )),
            });
        }
        let retire = self.retire_stored_old_keys();
        let answer = self.answer_stored_hand_offs();
        Effect::join(Effect::join(retire, answer), self.check_kept_when_retired())
    }

    /// The check of the secret a written file held, once no rotation's old
    /// key is being retired: a rotated-out secret works until its key is
    /// retired, so checking it earlier would keep a dead secret's copy.
    pub(super) fn check_kept_when_retired(&mut self) -> Option<Effect> {
        if self.feedback.busy.contains(&Job::RetiringOldKey) {
            return None;
        }
        let Some(Modal::Secret(m)) = &mut self.modal else {
            return None;
        };
        m.kept_unchecked.take().map(|kept| Effect::CheckKept(*kept))
    }

    /// Whether the secret a written file held before still works: said in
    /// the status line (kept until the next key when its copy stays) and in
    /// the secrets dialog, if still open.
    pub(super) fn on_kept_secret_checked(&mut self, check: &KeptCheck) -> Option<Effect> {
        let text = escape_controls(&check.message());
        let note = if check.is_kept() {
            self.show_error(text.clone());
            Err(text)
        } else {
            self.show_info(text.clone());
            Ok(text)
        };
        if let Some(Modal::Secret(m)) = &mut self.modal {
            m.kept_note = Some(note);
        }
        None
    }

    /// Whether the incident report was saved.
    pub(super) fn on_report_saved(&mut self, result: Result<PathBuf, String>) -> Option<Effect> {
        let note = match result {
            Ok(path) => Ok(format!(
                "Report saved to {}.",
                escape_controls(&path.display().to_string())
            )),
            Err(e) => Err(format!("The report was not saved: {e}")),
        };
        let target = match &mut self.modal {
            Some(Modal::Incident(m)) => Some(m),
            Some(Modal::Secret(s)) => match s.then.as_deref_mut() {
                Some(Modal::Incident(m)) => Some(m),
                _ => None,
            },
            _ => None,
        };
        if let Some(IncidentModal::Done { saved, .. }) = target {
            *saved = Some(note.clone());
        }
        match note {
            Ok(t) => self.show_info(t),
            Err(t) => self.show_error(t),
        }
        None
    }

    /// Whether a key id's copy sequence was written.
    pub(super) fn on_id_copied(
        &mut self,
        id: String,
        result: Result<(), String>,
    ) -> Option<Effect> {
        match result {
            // Short enough for 80 columns; the help says what a
            // terminal without OSC 52 does.
            Ok(()) => self.show_info(format!(
                "Copied id {} (OSC 52).",
                crate::ui::text::truncate(&escape_controls(&id), 40)
            )),
            Err(e) => self.show_error(format!(
                "Could not send the copy sequence to the terminal: {e}"
            )),
        }
        None
    }

    /// A 401 on a read means the server no longer takes this session's key
    /// at all: the session ends. A refused write may mean the key can only
    /// read: offer read-only mode.
    pub(super) fn on_refused(&mut self, refusal: Refusal, write: bool, message: &str) {
        if self.session.session_ended.is_some() {
            return;
        }
        if !write && refusal == Refusal::Unauthorized {
            let text = if self.session.revoked_possible_own_key {
                "This session's key was revoked: it was among the keys revoked (or rotated) from here, and the server no longer accepts it.".to_owned()
            } else if !self.loading.loaded {
                format!("The server does not accept this session's key. It says: {message}.")
            } else {
                // The server's words (already "description (401 …)") stand
                // apart, so no parentheses nest.
                format!(
                    "The server no longer accepts this session's key: it was revoked or has expired. It says: {message}."
                )
            };
            // The demo makes its admin key afresh at start: running it again is enough.
            let next = if self.session.demo {
                "Quit (q) and run narrative-keys --demo again (--demo --reset for the sample keys)."
            } else {
                "Quit (q) and start again with another key (--api-key or NARRATIVE_API_KEY)."
            };
            let text = format!("{text} Nothing more is sent from this session. {next}");
            self.end_session(text);
            return;
        }
        if write && !self.session.readonly {
            let offer = Modal::OfferReadOnly {
                message: message.to_owned(),
            };
            match &mut self.modal {
                // A new secret stays on screen; the offer comes after it.
                Some(Modal::Secret(m)) if m.then.is_none() => m.then = Some(Box::new(offer)),
                Some(Modal::Secret(_)) => {}
                _ => self.modal = Some(offer),
            }
        }
    }

    pub(super) fn end_session(&mut self, text: String) {
        self.feedback.busy.clear();
        self.form = None;
        self.command = None;
        self.list.filtering = false;
        self.show_error(text.clone());
        let ended = Modal::SessionEnded(text.clone());
        match &mut self.modal {
            // Never drop a secret that has not been saved: the message
            // follows once its dialog is dismissed (or, when an incident's
            // report comes next, stays on the status line).
            Some(Modal::Secret(m)) => {
                if m.then.is_none() {
                    m.then = Some(Box::new(ended));
                }
            }
            // An incident's report stays readable; the status line says it.
            Some(Modal::Incident(IncidentModal::Done { .. })) => {}
            _ => self.modal = Some(ended),
        }
        self.session.session_ended = Some(text);
    }
}

/// What a rotation does to the old key once the new secret is stored, as
/// the end of a sentence: "then it is revoked".
fn policy_then(policy: narrative_keys::rotate::OldKeyPolicy) -> String {
    use narrative_keys::rotate::OldKeyPolicy;
    match policy {
        OldKeyPolicy::Revoke => "is revoked".to_owned(),
        OldKeyPolicy::ExpireAfter(span) => format!("works {span} more, then expires"),
        OldKeyPolicy::Keep => "is kept".to_owned(),
    }
}

/// What a revoke without failures did: "Revoked 1 key; 1 was already gone."
fn revoked_summary(results: &[RevokedKey]) -> String {
    let gone = results
        .iter()
        .filter(|r| r.outcome == RevokeOutcome::AlreadyGone)
        .count();
    let revoked = results.len() - gone;
    match (results, revoked, gone) {
        ([one], 1, _) => format!("Revoked \"{}\".", escape_controls(&one.name)),
        ([one], _, _) => format!("\"{}\" was already gone.", escape_controls(&one.name)),
        (_, _, 0) => format!("Revoked {}.", count_of(revoked, "key", "keys")),
        (_, 0, _) => format!("All {gone} keys were already gone."),
        _ => format!(
            "Revoked {}; {gone} {} already gone.",
            count_of(revoked, "key", "keys"),
            if gone == 1 { "was" } else { "were" }
        ),
    }
}

//! The app's state and `update`: actions in, state changed, effects out.
//! Nothing here touches the network, the terminal or the file system.

use std::cell::RefCell;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use narrative_keys::deliver::KeptCheck;
use narrative_keys::{ApiKey, CreatedKey, KeyStatus, StatusPolicy};
use ratatui::layout::Position;

use super::action::{
    Action, Effect, IncidentDone, OldKeyFate, OldKeyRetired, Refusal, RevokeOutcome, RevokedKey,
    Rotated, SecretsWritten,
};
use super::components::command_line::{COMMAND_KEYS, CommandLine};
use super::components::detail::DetailPane;
use super::components::dialog::incident::IncidentModal;
use super::components::dialog::revoke::RevokeConfirm;
use super::components::dialog::secret::{SecretEntry, SecretModal, UnstoredKey};
use super::components::dialog::{self, Modal, Reply};
use super::components::form::Form;
use super::components::input::TextInput;
use super::components::list::{FILTER_KEYS, KeyList, SortBy, VisibleKeys};
use super::components::{keymap, wheel_key};
use super::hit::Regions;
use super::job::Job;
use super::text::count_of;
use crate::output::escape_controls;

/// What a refused write says in read-only mode.
pub const READONLY_REFUSAL: &str = "Read-only: nothing is changed from this session (start it again without --readonly to make changes).";

/// The status line's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// What it says.
    pub text: String,
    /// Whether it is an error (it stays until the next key or click).
    pub error: bool,
    /// When it was shown, by the app's clock: it fades `STATUS_FADE` later.
    pub shown_at: DateTime<Utc>,
}

/// How long a status message stays when nothing else happens; the next
/// key or click clears it sooner. An error stays until that key or click:
/// a failure (a key not revoked, still working) must not pass unseen.
pub const STATUS_FADE: chrono::Duration = chrono::Duration::seconds(5);

/// The UI's whole state, changed by `update`.
#[derive(Debug)]
pub struct App {
    /// `DEMO`, `prod`, `dev` or the URL.
    pub env_label: String,
    /// Whether this is the `--demo` session.
    pub demo: bool,
    /// The clock every relative date and status is read against; injected,
    /// so tests are stable.
    pub now: DateTime<Utc>,
    /// When a key counts as expiring soon (the SDK's default window).
    pub policy: StatusPolicy,
    /// Every key the last successful load returned, in the server's order.
    pub keys: Vec<ApiKey>,
    /// Whether a load has succeeded yet; until then the list says "Loading keys…".
    pub loaded: bool,
    /// The last load failed and no other is in flight: the list says so
    /// instead of "Loading keys…".
    pub load_failed: bool,
    /// The key list's state: selection, order, filter, marks, focus, rows.
    pub list: KeyList,
    /// The detail pane's state.
    pub detail: DetailPane,
    /// How far the help is scrolled, when it is taller than the screen.
    pub help_scroll: u16,
    /// The create/edit form, while it is open.
    pub form: Option<Form>,
    /// The open dialog, over everything else.
    pub modal: Option<Modal>,
    /// Work in flight; the spinner turns while any is.
    pub busy: Vec<Job>,
    /// The spinner's frame.
    pub spinner: usize,
    /// The status line's message, if any.
    pub status: Option<Status>,
    /// Set when the UI should exit.
    pub should_quit: bool,
    /// Select this key once the list next loads (a key just created).
    pub select_id: Option<String>,
    /// Whether the last action may have changed the screen. Every action
    /// does but an idle tick within the same second: nothing on screen is
    /// finer than a second (statuses change at a key's expiry instant,
    /// relative times by the minute), and the spinner turns only while
    /// something is in flight.
    pub screen_changed: bool,
    /// The `:` command line, while it is open.
    pub command: Option<CommandLine>,
    /// `--readonly`, or chosen after the server refused a change: every
    /// write action is hidden and refused.
    pub readonly: bool,
    /// `--refresh`: reload this often, keeping the selection and the marks.
    pub refresh_every: Option<std::time::Duration>,
    /// When the last load was asked for, for `refresh_every`.
    pub last_load: DateTime<Utc>,
    /// The id of the key this session signs in with, when it can be known
    /// (the demo's; the API has no call that names the caller's key).
    pub own_key_id: Option<String>,
    /// Whether a key that may be this session's own was revoked from here:
    /// a refusal after that is explained as the session's key being gone.
    pub revoked_possible_own_key: bool,
    /// Set once the server no longer accepts this session's key: what
    /// happened and how to go on. Nothing is sent after that.
    pub session_ended: Option<String>,
    /// A reload the user asked for (`R`, `:refresh`) is in flight: its
    /// end is announced; `--refresh`'s and the reloads after changes are not.
    pub refresh_asked: bool,
    /// What the last frame drew where, for the mouse (written while drawing).
    pub regions: RefCell<Regions>,
}

impl App {
    /// A new app for environment `env_label`, its clock at `now`, nothing loaded.
    pub fn new(env_label: impl Into<String>, demo: bool, now: DateTime<Utc>) -> Self {
        Self {
            env_label: env_label.into(),
            demo,
            now,
            policy: StatusPolicy::default(),
            keys: Vec::new(),
            loaded: false,
            load_failed: false,
            list: KeyList::new(now),
            detail: DetailPane::default(),
            help_scroll: 0,
            form: None,
            modal: None,
            busy: Vec::new(),
            spinner: 0,
            status: None,
            should_quit: false,
            select_id: None,
            screen_changed: true,
            command: None,
            readonly: false,
            refresh_every: None,
            last_load: now,
            own_key_id: None,
            revoked_possible_own_key: false,
            session_ended: None,
            refresh_asked: false,
            regions: RefCell::default(),
        }
    }

    /// The first effect: load the keys.
    pub fn init(&mut self) -> Option<Effect> {
        Some(self.reload())
    }

    /// The status of `key` by the app's clock.
    pub fn status_of(&self, key: &ApiKey) -> KeyStatus {
        key.status(self.now, &self.policy)
    }

    /// Counts in `KeyStatus::ALL` order: active, expiring soon, expired, no expiration.
    pub fn counts(&self) -> [usize; 4] {
        self.list.counts()
    }

    /// The keys the filter lets through, in the chosen order: a view of
    /// the index, nothing worked out.
    pub fn visible_keys(&self) -> VisibleKeys<'_> {
        self.list.visible(&self.keys)
    }

    /// The same keys collected, for a caller that wants them all at once.
    pub fn visible(&self) -> Vec<&ApiKey> {
        self.visible_keys().iter().collect()
    }

    /// The key on the selected row, if any.
    pub fn selected_key(&self) -> Option<&ApiKey> {
        self.list.selected_key(&self.keys)
    }

    /// Brings the list's index in step with the keys, the filter, the sort
    /// and the clock; cheap when none of them changed.
    fn sync_list(&mut self) {
        self.update_list(false);
    }

    /// Rebuilds the list's index from scratch (a new list), or syncs it.
    fn update_list(&mut self, rebuild: bool) {
        self.list.sync(&self.keys, self.now, &self.policy, rebuild);
    }

    pub(in crate::ui) fn start(&mut self, what: Job) {
        self.busy.push(what);
    }

    fn finish(&mut self, what: Job) {
        if let Some(i) = self.busy.iter().position(|b| *b == what) {
            self.busy.remove(i);
        }
    }

    pub(in crate::ui) fn show_info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
            shown_at: self.now,
        });
    }

    pub(in crate::ui) fn show_error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
            shown_at: self.now,
        });
    }

    fn reload(&mut self) -> Effect {
        self.start(Job::Loading);
        self.load_failed = false;
        self.last_load = self.now;
        Effect::LoadKeys
    }

    pub(in crate::ui) fn clamp(&mut self) {
        self.sync_list();
        self.list.clamp();
    }

    /// The new keys whose secret on screen was neither written nor
    /// acknowledged: nobody holds them once the program ends, so the
    /// runtime revokes them on a way out that skips the dialog (a signal,
    /// the terminal gone).
    pub fn unstored_keys(&self) -> Vec<UnstoredKey> {
        match &self.modal {
            Some(Modal::Secret(m)) => m.unstored(),
            _ => Vec::new(),
        }
    }

    /// Whether the app holds any secret (the once-only modal, or one queued).
    pub fn holds_secret(&self) -> bool {
        fn has(m: &Modal) -> bool {
            match m {
                Modal::Secret(s) => !s.entries.is_empty() || s.then.as_deref().is_some_and(has),
                _ => false,
            }
        }
        self.modal.as_ref().is_some_and(has)
    }

    /// Folds one action into the state; returns the work it asks for. Once
    /// the session has ended, or in read-only mode, requests that could not
    /// work (or must not be made) are dropped here whatever asked for them.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        let effect = self.apply(action);
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
    fn allowed(&mut self, effect: &Effect) -> bool {
        let busy = match effect {
            Effect::LoadKeys => Job::Loading,
            Effect::Create(_) => Job::Creating,
            Effect::Update { .. } => Job::Saving,
            Effect::Rotate { .. } => Job::Rotating,
            Effect::Revoke(_) | Effect::RevokeUnstored(_) => Job::Revoking,
            Effect::RetireOldKey { .. } => Job::RetiringOldKey,
            Effect::Incident(_) => Job::Incident,
            _ => return true,
        };
        if self.session_ended.is_some() {
            self.finish(busy);
            return false;
        }
        if self.readonly && busy.writes() {
            self.finish(busy);
            self.show_error(READONLY_REFUSAL);
            return false;
        }
        true
    }

    fn apply(&mut self, action: Action) -> Option<Effect> {
        self.screen_changed = true;
        match action {
            Action::Key(key) => {
                if key.kind != KeyEventKind::Release {
                    // The next action replaces the last one's message.
                    self.status = None;
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
    fn on_tick(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        let busy = !self.busy.is_empty();
        self.screen_changed = busy || now.timestamp() != self.now.timestamp();
        self.now = now;
        if self
            .status
            .as_ref()
            .is_some_and(|s| !s.error && now - s.shown_at >= STATUS_FADE)
        {
            self.status = None;
            self.screen_changed = true;
        }
        self.sync_list();
        if busy {
            self.spinner = self.spinner.wrapping_add(1);
        }
        self.refresh_due()
    }

    /// A load's result: the new list, the selection kept on its key.
    fn on_keys_loaded(&mut self, result: Result<Vec<ApiKey>, String>) -> Option<Effect> {
        self.finish(Job::Loading);
        match result {
            Ok(keys) => {
                // The selection follows its key, not its row.
                let selected = self.list.selected_id(&self.keys);
                self.keys = keys;
                self.update_list(true);
                self.loaded = true;
                self.load_failed = false;
                self.list.retain_marks(&self.keys);
                if let Some(id) = self.select_id.take().or(selected) {
                    self.list.select_key(&self.keys, &id);
                }
                self.clamp();
                if std::mem::take(&mut self.refresh_asked) {
                    let n = self.keys.len();
                    self.show_info(format!("Refreshed: {}.", count_of(n, "key", "keys")));
                }
            }
            Err(e) => {
                self.refresh_asked = false;
                // Unless another load is still in flight.
                self.load_failed = !self.busy.contains(&Job::Loading);
                self.show_error(format!("Could not load the keys: {e}"));
            }
        }
        None
    }

    /// A create's result: its secret shown once.
    fn on_created(&mut self, result: Result<CreatedKey, String>) -> Option<Effect> {
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
    fn on_updated(&mut self, result: Result<ApiKey, String>) -> Option<Effect> {
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
    fn settle<T>(
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
    fn form_saved(&mut self, text: String, id: String) {
        self.form = None;
        self.show_info(text);
        self.select_id = Some(id);
    }

    /// A rotation's result: the new secret shown once, the old key's fate said.
    fn on_rotated(&mut self, result: Result<Rotated, String>) -> Option<Effect> {
        self.settle(
            Job::Rotating,
            result,
            "The key was not rotated",
            Self::rotated,
        )
    }

    /// A rotation that made its new key: its secret shown once, the old
    /// key left working until that secret is stored.
    fn rotated(&mut self, r: Rotated) -> Option<Effect> {
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
        self.select_id = Some(new_id);
        self.modal = Some(Modal::Secret(modal));
        Some(self.reload())
    }

    /// The retirements of old keys whose successors' secrets are now
    /// stored, each sent once.
    fn retire_stored_old_keys(&mut self) -> Option<Effect> {
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
    fn on_old_key_retired(&mut self, r: OldKeyRetired) -> Option<Effect> {
        self.finish(Job::RetiringOldKey);
        let name = escape_controls(&r.old.name);
        let revoked = r.fate == Ok(OldKeyFate::Revoked);
        if revoked && self.may_be_own_key(&r.old.id) {
            self.revoked_possible_own_key = true;
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
    fn on_unstored_revoked(&mut self, results: Vec<RevokedKey>) -> Option<Effect> {
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
    fn on_revoked(&mut self, results: Vec<RevokedKey>) -> Option<Effect> {
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
                    self.revoked_possible_own_key = true;
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
    fn on_incident_done(&mut self, done: Box<IncidentDone>) -> Option<Effect> {
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
                self.revoked_possible_own_key = true;
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
    fn on_copied(&mut self, id: String, result: Result<(), String>) -> Option<Effect> {
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
    fn on_secrets_written(&mut self, done: SecretsWritten) -> Option<Effect> {
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
        Effect::join(retire, self.check_kept_when_retired())
    }

    /// The check of the secret a written file held, once no rotation's old
    /// key is being retired: a rotated-out secret works until its key is
    /// retired, so checking it earlier would keep a dead secret's copy.
    fn check_kept_when_retired(&mut self) -> Option<Effect> {
        if self.busy.contains(&Job::RetiringOldKey) {
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
    fn on_kept_secret_checked(&mut self, check: &KeptCheck) -> Option<Effect> {
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
    fn on_report_saved(&mut self, result: Result<PathBuf, String>) -> Option<Effect> {
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
    fn on_id_copied(&mut self, id: String, result: Result<(), String>) -> Option<Effect> {
        match result {
            // Short enough for 80 columns; the help says what a
            // terminal without OSC 52 does.
            Ok(()) => self.show_info(format!(
                "Copied id {} (OSC 52).",
                super::text::truncate(&escape_controls(&id), 40)
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
    fn on_refused(&mut self, refusal: Refusal, write: bool, message: &str) {
        if self.session_ended.is_some() {
            return;
        }
        if !write && refusal == Refusal::Unauthorized {
            let text = if self.revoked_possible_own_key {
                "This session's key was revoked: it was among the keys revoked (or rotated) from here, and the server no longer accepts it.".to_owned()
            } else if !self.loaded {
                format!("The server does not accept this session's key. It says: {message}.")
            } else {
                // The server's words (already "description (401 …)") stand
                // apart, so no parentheses nest.
                format!(
                    "The server no longer accepts this session's key: it was revoked or has expired. It says: {message}."
                )
            };
            // The demo makes its admin key afresh at start: running it again is enough.
            let next = if self.demo {
                "Quit (q) and run narrative-keys --demo again (--demo --reset for the sample keys)."
            } else {
                "Quit (q) and start again with another key (--api-key or NARRATIVE_API_KEY)."
            };
            let text = format!("{text} Nothing more is sent from this session. {next}");
            self.end_session(text);
            return;
        }
        if write && !self.readonly {
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

    fn end_session(&mut self, text: String) {
        self.busy.clear();
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
        self.session_ended = Some(text);
    }

    /// Whether key `id` may be the one this session signs in with: the
    /// known one, or else any key that can manage keys (the session's
    /// key must, to revoke anything).
    fn may_be_own_key(&self, id: &str) -> bool {
        match &self.own_key_id {
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

    /// `--refresh`: a reload when one is due and none is in flight.
    fn refresh_due(&mut self) -> Option<Effect> {
        let every = chrono::Duration::from_std(self.refresh_every?).ok()?;
        if self.session_ended.is_some() || self.busy.contains(&Job::Loading) {
            return None;
        }
        if self.now - self.last_load < every {
            return None;
        }
        self.screen_changed = true;
        Some(self.reload())
    }

    /// Opens the revoke question for the marked keys, or the selected one.
    pub(in crate::ui) fn confirm_revoke(&mut self) {
        let keys = self.selection();
        if keys.is_empty() {
            self.show_info("No key is selected.");
        } else {
            let keys = keys
                .iter()
                .map(|k| (k.id.clone(), k.name.clone()))
                .collect();
            self.modal = Some(Modal::ConfirmRevoke(RevokeConfirm::new(keys)));
        }
    }

    pub(in crate::ui) fn sorted_by(&mut self, sort: SortBy, reversed: bool) {
        let id = self.list.selected_id(&self.keys);
        self.list.sort = sort;
        self.list.sort_reversed = reversed;
        self.sync_list();
        if let Some(id) = id {
            self.list.select_key(&self.keys, &id);
        }
        let order = if reversed { ", reversed" } else { "" };
        self.show_info(format!("Sorted by {}{order}.", sort.label()));
    }

    pub(in crate::ui) fn refresh_now(&mut self) -> Option<Effect> {
        if let Some(ended) = &self.session_ended {
            let text = ended.clone();
            self.show_error(text);
            return None;
        }
        self.refresh_asked = true;
        Some(self.reload())
    }

    /// Refuses a write action, with the reason on the status line, in
    /// read-only mode or once the session's key is gone; `true` if refused.
    pub(in crate::ui) fn refuse_write(&mut self, what: &str) -> bool {
        if let Some(ended) = &self.session_ended {
            let text = format!("Not {what}: {ended}");
            self.show_error(text);
            true
        } else if self.readonly {
            self.show_error(format!(
                "Read-only: {what} is not offered in this session (start it again without --readonly to make changes)."
            ));
            true
        } else {
            false
        }
    }

    /// A click presses what the last frame drew there; the wheel scrolls
    /// what is under it. Everything here has a key too.
    fn on_mouse(&mut self, mouse: MouseEvent) -> Option<Effect> {
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
        self.status = None;
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
        if self.form.is_some() {
            return self.on_form_mouse(&regions, at, down, up);
        }
        self.on_list_mouse(&regions, at, down, up);
        None
    }

    fn on_key(&mut self, key: KeyEvent) -> Option<Effect> {
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
        if self.command.is_some() {
            return self.on_command_key(key);
        }
        if self.list.filtering {
            self.on_filter_key(key);
            return None;
        }
        self.on_list_key(key).1
    }

    /// The marked keys, or else the selected one.
    pub(in crate::ui) fn selection(&self) -> Vec<&ApiKey> {
        self.list.selection(&self.keys)
    }

    pub(in crate::ui) fn open_help(&mut self) {
        self.help_scroll = 0;
        self.modal = Some(Modal::Help);
    }

    /// Selects row `i` (or the last), the detail pane back at its top.
    pub(in crate::ui) fn select(&mut self, i: usize) {
        self.list.select(i);
        self.detail.scroll = 0;
    }

    /// A key while a dialog is open: the dialog answers, the app acts on
    /// the answer.
    fn on_modal_key(&mut self, key: KeyEvent, ctrl_c: bool) -> Option<Effect> {
        let most = self.regions.borrow().dialog_overflow;
        let now = self.now;
        let reply = match self.modal.as_mut()? {
            Modal::Help => dialog::help::on_key(key.code, ctrl_c, &mut self.help_scroll, most),
            Modal::ConfirmRevoke(confirm) => confirm.on_key(key, ctrl_c),
            Modal::ConfirmRotate { id, choice, .. } => {
                dialog::rotate::on_key(key.code, ctrl_c, id, choice)
            }
            Modal::Secret(m) => m.on_key(key, ctrl_c, now),
            Modal::Incident(m) => m.on_key(key, ctrl_c),
            Modal::OfferReadOnly { .. } => dialog::notice::on_offer_key(key.code, ctrl_c),
            Modal::SessionEnded(_) => dialog::notice::on_ended_key(key.code, ctrl_c),
        };
        self.on_reply(reply)
    }

    /// What a dialog asked for.
    fn on_reply(&mut self, reply: Reply) -> Option<Effect> {
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
                if matches!(effect, Effect::WriteSecrets { .. }) {
                    self.start(Job::Writing);
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
            Reply::Stored => self.retire_stored_old_keys(),
            Reply::Dismissed { then, text, revoke } => {
                // Dropping the dialog drops (and zeroes) every secret in it.
                self.modal = then.map(|b| *b);
                self.show_info(text);
                if revoke.is_empty() {
                    return None;
                }
                self.start(Job::Revoking);
                Some(Effect::RevokeUnstored(revoke))
            }
        }
    }

    /// Closes the dialog and starts `job`, whose work is `effect`.
    fn close_and_start(&mut self, job: Job, effect: Effect) -> Option<Effect> {
        self.modal = None;
        self.start(job);
        Some(effect)
    }

    /// Read-only mode, chosen after the server refused a change.
    fn switch_to_readonly(&mut self) {
        self.modal = None;
        self.readonly = true;
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

    /// Every binding of the current screen, for `?`.
    pub fn bindings(&self) -> Vec<(&'static str, &'static str)> {
        let under_help = matches!(self.modal, Some(Modal::Help) | None);
        if !under_help {
            return self.modal_bindings();
        }
        if let Some(form) = &self.form {
            return App::form_help(form);
        }
        self.list_help()
    }

    /// The open dialog's bindings, from its keymap.
    fn modal_bindings(&self) -> Vec<(&'static str, &'static str)> {
        match &self.modal {
            Some(Modal::Secret(m)) => keymap::help(m.keymap(), false),
            Some(Modal::ConfirmRevoke(c)) => keymap::help(c.keymap(), false),
            Some(Modal::OfferReadOnly { .. }) => keymap::help(dialog::notice::OFFER_KEYS, false),
            Some(Modal::SessionEnded(_)) => keymap::help(dialog::notice::ENDED_KEYS, false),
            Some(Modal::ConfirmRotate { .. }) => keymap::help(dialog::rotate::ROTATE_KEYS, false),
            Some(Modal::Incident(m)) => keymap::help(m.keymap(), false),
            Some(Modal::Help) | None => dialog::help::hints(),
        }
    }

    /// The hint bar's few main bindings.
    pub fn hints(&self) -> Vec<(&'static str, &'static str)> {
        match &self.modal {
            Some(Modal::Help) => return dialog::help::hints(),
            Some(_) => return self.modal_bindings(),
            None => {}
        }
        if let Some(form) = &self.form {
            return self.form_hints(form);
        }
        if self.list.filtering {
            return keymap::help(FILTER_KEYS, false);
        }
        if self.command.is_some() {
            return keymap::help(COMMAND_KEYS, false);
        }
        self.list_hints()
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

//! The keys file the UI was started with (`--file`, or a
//! `narrative-keys.toml` in the current directory): its plan against the
//! keys loaded, made again with every load, and each key's mark in it;
//! the secrets its apply hands over (keys naming no target), and what the
//! apply did.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use narrative_keys::ApiKey;
use narrative_keys::deliver::{HandOffAnswer, HandedSecret};
use narrative_keys::keys_as_code::{self, ApplyJournal, ApplyReport, KeysFile, Plan};

use super::App;
use crate::cli::Format;
use crate::commands::plan::{plan_text, summary};
use crate::output::escape_controls;
use crate::ui::action::Effect;
use crate::ui::components::dialog::Modal;
use crate::ui::components::dialog::plan::PlanDialog;
use crate::ui::components::dialog::secret::{SecretEntry, SecretModal};
use crate::ui::job::Job;
use crate::ui::text::count_of;

/// The keys file and its plan.
#[derive(Debug, Clone)]
pub struct KeysAsCode {
    /// The file, read and checked.
    pub file: KeysFile,
    /// The last apply's journal for it, if any.
    pub journal: Option<ApplyJournal>,
    /// Whether it was found in the current directory (no `--file`).
    pub found_here: bool,
    /// The plan against the keys last loaded.
    pub plan: Plan,
    /// Each key's mark in the plan, by id: `~ ↻ - ` for an action on it,
    /// `?` unmanaged, `·` retiring.
    pub marks: HashMap<String, &'static str>,
}

impl KeysAsCode {
    /// The file as read; planned once the keys are loaded.
    pub fn new(file: KeysFile, journal: Option<ApplyJournal>, found_here: bool) -> Self {
        Self {
            file,
            journal,
            found_here,
            plan: Plan::default(),
            marks: HashMap::new(),
        }
    }

    /// Plans the file against `keys` at `now`, as `plan` does.
    pub fn replan(&mut self, keys: &[ApiKey], now: DateTime<Utc>) {
        self.plan = keys_as_code::plan(&self.file, keys, self.journal.as_ref(), now);
        let mut marks = HashMap::new();
        for key in &self.plan.unmanaged {
            marks.insert(key.id.clone(), "?");
        }
        for key in &self.plan.retiring {
            marks.insert(key.id.clone(), "·");
        }
        for action in &self.plan.actions {
            for key in &action.keys {
                marks.insert(key.id.clone(), action.action.symbol());
            }
        }
        self.marks = marks;
    }

    /// The header's words: which file, and how it was found.
    pub fn label(&self) -> String {
        let name = self.file.path.file_name().map_or_else(
            || self.file.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        if self.found_here {
            format!("{name} (found in the current directory)")
        } else {
            name
        }
    }

    /// The plan's text, the same `plan` prints, then its summary.
    pub fn text(&self, now: DateTime<Utc>) -> String {
        // The table's bold and dim are for a terminal's stdout; a dialog
        // draws its own.
        let table = plan_text(&self.plan, Format::Text, now);
        let table = anstream::adapter::strip_str(&table).to_string();
        format!("{table}\n{}", summary(&self.plan))
    }
}

/// The secrets the keys file's apply handed over (keys naming no target),
/// each waiting for the answer that it is stored.
#[derive(Debug, Default)]
pub struct HandOffs {
    /// The answers not given yet, by the new key's id.
    answers: Vec<(String, HandOffAnswer)>,
    /// Secrets waiting for the dialog while another is open: shown one
    /// after the other, the apply waiting for each.
    pub queue: VecDeque<SecretEntry>,
}

impl HandOffs {
    /// The answers of the keys `which` picks, by id, taken (each is given once).
    fn take(&mut self, which: impl Fn(&str) -> bool) -> Vec<(String, HandOffAnswer)> {
        let (taken, kept) = std::mem::take(&mut self.answers)
            .into_iter()
            .partition(|(id, _)| which(id));
        self.answers = kept;
        taken
    }

    /// Every answer not given yet, taken: on the way out, each is refused,
    /// so the apply revokes those keys again and keeps what they replace.
    pub fn take_all(&mut self) -> Vec<HandOffAnswer> {
        self.take(|_| true).into_iter().map(|(_, a)| a).collect()
    }
}

impl App {
    /// A secret the apply handed over: shown once, now or after the
    /// secrets dialog already open (see `show_waiting_hand_off`); the
    /// apply waits for its answer.
    pub(super) fn on_secret_handed_over(&mut self, handed: HandedSecret) -> Option<Effect> {
        let HandedSecret {
            created,
            replaces,
            answer,
        } = handed;
        self.hand_offs
            .answers
            .push((created.key.id.clone(), answer));
        let entry = SecretEntry {
            from_apply: true,
            ..SecretEntry::new(created, replaces)
        };
        self.hand_offs.queue.push_back(entry);
        // Shown at once (then said by `show_handed`), or after the dialog
        // open: the status names that one, and how many wait.
        if self.shown_hand_off().is_some() {
            self.say_hand_offs();
        }
        None
    }

    /// The name of the handed-over secret whose dialog is open, if one is.
    fn shown_hand_off(&self) -> Option<String> {
        match &self.modal {
            Some(Modal::Secret(m)) => (m.entries.iter())
                .find(|e| e.from_apply)
                .map(|e| escape_controls(&e.key.name)),
            _ => None,
        }
    }

    /// The status line about the handed-over secrets: the key whose dialog
    /// is shown, and how many more wait for theirs.
    fn say_hand_offs(&mut self) {
        let Some(shown) = self.shown_hand_off() else {
            return;
        };
        let text = match self.hand_offs.queue.len() {
            0 => format!(
                "Applying: \"{shown}\" names no target, so its secret is shown once; the apply waits until it is written (w) or marked stored (s)."
            ),
            waiting => format!(
                "Applying: \"{shown}\" is shown now; {} name no target: their secrets are shown one after the other, and the apply waits until each is written (w) or marked stored (s).",
                count_of(waiting + 1, "key", "keys")
            ),
        };
        self.show_info(text);
    }

    /// Shows the next handed-over secret once no secrets dialog is open and
    /// no work that opens one (a create, a rotation, an incident) is in
    /// flight, whose answer would replace this dialog. Run after every action.
    pub(super) fn show_waiting_hand_off(&mut self) {
        let opens_secrets =
            |job: &Job| matches!(job, Job::Creating | Job::Rotating | Job::Incident);
        if matches!(self.modal, Some(Modal::Secret(_)))
            || self.feedback.busy.iter().any(opens_secrets)
        {
            return;
        }
        if let Some(next) = self.hand_offs.queue.pop_front() {
            self.show_handed(next);
        }
    }

    /// The dialog of one handed-over secret; the plan's "Applying…" gives
    /// way to it, any other dialog comes back after it.
    fn show_handed(&mut self, entry: SecretEntry) {
        let note = match &entry.replaces {
            Some(old) => format!(
                "The old key {} keeps working until this secret is written (w) or marked stored (s); then the apply retires it as the keys file says. Dismissed without, the new key is revoked again.",
                escape_controls(old)
            ),
            None => "The apply waits until this secret is written (w) or marked stored (s). Dismissed without, the new key is revoked again.".to_owned(),
        };
        let mut modal = SecretModal::new("Keys file: new key", vec![entry]);
        modal.note = Some(Ok(note));
        modal.then = match self.modal.take() {
            Some(Modal::Plan(_)) | None => None,
            Some(other) => Some(Box::new(other)),
        };
        self.modal = Some(Modal::Secret(modal));
        self.say_hand_offs();
    }

    /// "Stored" for each handed-over secret of the open dialog now written
    /// or marked stored, each said once: the apply goes on with that key.
    pub(super) fn answer_stored_hand_offs(&mut self) -> Option<Effect> {
        let Some(Modal::Secret(m)) = &mut self.modal else {
            return None;
        };
        let stored: Vec<String> = (m.entries.iter())
            .filter(|e| e.from_apply && e.saved())
            .map(|e| e.key.id.clone())
            .collect();
        let answers = self.hand_offs.take(|id| stored.iter().any(|s| s == id));
        if answers.is_empty() {
            return None;
        }
        m.note = Some(Ok(
            "Stored: the apply checks that the key is still its own, then goes on with it."
                .to_owned(),
        ));
        let answered = answers
            .into_iter()
            .map(|(id, answer)| Effect::AnswerHandOff {
                id,
                answer,
                stored: true,
            });
        Some(Effect::Many(answered.collect()))
    }

    /// What the apply made of a secret marked stored: it goes on with the
    /// key, or (revoked or taken over elsewhere meanwhile) it does not, and
    /// the person who stored it is told, in its dialog if still open and on
    /// the status line.
    pub(super) fn on_hand_off_checked(
        &mut self,
        id: &str,
        result: Result<(), String>,
    ) -> Option<Effect> {
        let note = match &result {
            Ok(()) => Ok("Stored: the apply goes on with this key (it takes its name, then the key it replaces is retired). Dismiss this with D.".to_owned()),
            Err(why) => Err(format!("The apply does not go on with this key: {why}")),
        };
        if let Some(Modal::Secret(m)) = &mut self.modal
            && m.entries.iter().any(|e| e.from_apply && e.key.id == id)
        {
            m.note = Some(note.clone());
        }
        if let Err(why) = note {
            self.show_error(escape_controls(&why));
        }
        None
    }

    /// After the secrets dialog is dismissed: the apply's keys among
    /// `revoke` (not stored) are answered so, and the apply revokes them
    /// again; the others are revoked here.
    pub(super) fn after_dismissal(&mut self, revoke: Vec<(String, String)>) -> Option<Effect> {
        let (theirs, ours): (Vec<_>, Vec<_>) = revoke
            .into_iter()
            .partition(|(id, _)| self.hand_offs.answers.iter().any(|(w, _)| w == id));
        let refused = self
            .hand_offs
            .take(|id| theirs.iter().any(|(unstored, _)| unstored == id));
        let mut effects: Vec<Effect> = refused
            .into_iter()
            .map(|(id, answer)| Effect::AnswerHandOff {
                id,
                answer,
                stored: false,
            })
            .collect();
        if !ours.is_empty() {
            self.start(Job::Revoking);
            effects.push(Effect::RevokeUnstored(ours));
        }
        (!effects.is_empty()).then_some(Effect::Many(effects))
    }
}

impl App {
    /// An apply of the keys file: what it did on the status line, and in
    /// a dialog when its commands printed anything (kept from the screen
    /// while they ran); then the list again (and so the plan).
    pub(super) fn on_keys_file_applied(
        &mut self,
        result: Result<ApplyReport, String>,
    ) -> Option<Effect> {
        self.finish(Job::Applying);
        if matches!(self.modal, Some(Modal::Plan(_))) {
            self.modal = None;
        }
        match result {
            Err(e) => self.show_error(format!("Nothing was applied: {e}")),
            Ok(report) => {
                self.say_applied(&report);
                if report.outcomes.iter().any(|o| !o.output.is_empty()) {
                    self.show_applied(&report);
                }
            }
        }
        Some(self.reload())
    }

    /// What the apply did, on the status line.
    fn say_applied(&mut self, report: &ApplyReport) {
        let steps = count_of(report.outcomes.len(), "step", "steps");
        if report.is_complete() {
            self.show_info(format!(
                "Applied: {steps}; every new secret went to its targets or was stored from its dialog."
            ));
            return;
        }
        let failed: Vec<String> = (report.outcomes.iter())
            .filter(|o| !o.ok)
            .map(|o| {
                let (name, message) = (escape_controls(&o.name), escape_controls(&o.message));
                format!("{name}: {message}")
            })
            .collect();
        let pins = report
            .pins
            .error
            .as_ref()
            .map(|e| format!(" The pins could not be rewritten ({}): run `narrative-keys apply` to see them.", escape_controls(e)))
            .unwrap_or_default();
        self.show_error(format!(
            "{} of {steps} not done ({}); press A to apply again.{pins}",
            failed.len(),
            failed.join("; ")
        ));
    }

    /// The results dialog: now, or after the secrets dialog open.
    fn show_applied(&mut self, report: &ApplyReport) {
        let results = Modal::Plan(PlanDialog {
            text: applied_text(report),
            scroll: 0,
            apply: None,
            applied: true,
        });
        match &mut self.modal {
            None => self.modal = Some(results),
            Some(Modal::Secret(m)) if m.then.is_none() => m.then = Some(Box::new(results)),
            // Another dialog is in use: the status line says what was done.
            _ => {}
        }
    }
}

/// What each step of an apply did, and under it what its commands printed
/// (the secret redacted).
fn applied_text(report: &ApplyReport) -> String {
    let mut lines = Vec::new();
    for o in &report.outcomes {
        let done = if o.ok { "✓" } else { "✖" };
        lines.push(format!(
            "{done} {}  {}: {}",
            o.action.symbol(),
            o.name,
            o.message
        ));
        if !o.output.is_empty() {
            lines.push("    its secret_to commands printed:".to_owned());
            lines.extend(o.output.lines().map(|l| format!("      {l}")));
        }
    }
    if let Some(e) = &report.pins.error {
        lines.push(format!(
            "The pins could not be rewritten ({e}): set each id = by hand."
        ));
    }
    lines.join("\n")
}

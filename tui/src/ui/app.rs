//! The app's state and `update`: actions in, state changed, effects out.
//! Nothing here touches the network, the terminal or the file system.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use narrative_keys::incident::{self, Selection};
use narrative_keys::{ApiKey, KeyStatus, StatusPolicy};
use ratatui::layout::Position;

use super::action::{Action, Effect};
use super::form::{Form, FormMsg, PermFocus, Step};
use super::hit::Regions;
use super::input::TextInput;
use super::modal::{IncidentModal, Modal, SecretEntry, SecretModal};
use super::text::count_of;
use crate::output::{clean, display_order};

pub const LOADING: &str = "Loading keys";
pub const CREATING: &str = "Creating the key";
pub const SAVING: &str = "Saving changes";
pub const ROTATING: &str = "Rotating";
pub const REVOKING: &str = "Revoking";
pub const INCIDENT: &str = "Running the incident response";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Name,
    Expiry,
    Status,
}

impl SortBy {
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Expiry => "expiry",
            SortBy::Status => "status",
        }
    }

    fn next(self) -> SortBy {
        match self {
            SortBy::Name => SortBy::Expiry,
            SortBy::Expiry => SortBy::Status,
            SortBy::Status => SortBy::Name,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Detail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
    /// When it was shown, by the app's clock: it fades `STATUS_FADE` later.
    pub shown_at: DateTime<Utc>,
}

/// How long a status message stays when nothing else happens; the next
/// key or click clears it sooner. An error stays until that key or click:
/// a failure (a key not revoked, still working) must not pass unseen.
pub const STATUS_FADE: chrono::Duration = chrono::Duration::seconds(5);

#[derive(Debug)]
pub struct App {
    /// `DEMO`, `prod`, `dev` or the URL.
    pub env_label: String,
    pub demo: bool,
    /// The clock every relative date and status is read against; injected,
    /// so tests are stable.
    pub now: DateTime<Utc>,
    pub policy: StatusPolicy,
    pub keys: Vec<ApiKey>,
    pub loaded: bool,
    /// The last load failed and no other is in flight: the list says so
    /// instead of "Loading keys…".
    pub load_failed: bool,
    /// Index into `visible()`.
    pub selected: usize,
    pub sort: SortBy,
    pub filter: TextInput,
    pub filtering: bool,
    /// Ids chosen with space for a bulk revoke or an incident.
    pub marked: BTreeSet<String>,
    pub focus: Pane,
    pub detail_scroll: u16,
    /// How far the help is scrolled, when it is taller than the screen.
    pub help_scroll: u16,
    pub form: Option<Form>,
    pub modal: Option<Modal>,
    /// Work in flight, by description; the spinner turns while any is.
    pub busy: Vec<&'static str>,
    pub spinner: usize,
    pub status: Option<Status>,
    pub should_quit: bool,
    /// Select this key once the list next loads (a key just created).
    pub select_id: Option<String>,
    /// Whether the last action may have changed the screen. Every action
    /// does but an idle tick within the same second: nothing on screen is
    /// finer than a second (statuses change at a key's expiry instant,
    /// relative times by the minute), and the spinner turns only while
    /// something is in flight.
    pub screen_changed: bool,
    /// What the last frame drew where, for the mouse (written while drawing).
    pub regions: RefCell<Regions>,
}

impl App {
    pub fn new(env_label: impl Into<String>, demo: bool, now: DateTime<Utc>) -> Self {
        Self {
            env_label: env_label.into(),
            demo,
            now,
            policy: StatusPolicy::default(),
            keys: Vec::new(),
            loaded: false,
            load_failed: false,
            selected: 0,
            sort: SortBy::Name,
            filter: TextInput::default(),
            filtering: false,
            marked: BTreeSet::new(),
            focus: Pane::List,
            detail_scroll: 0,
            help_scroll: 0,
            form: None,
            modal: None,
            busy: Vec::new(),
            spinner: 0,
            status: None,
            should_quit: false,
            select_id: None,
            screen_changed: true,
            regions: RefCell::default(),
        }
    }

    /// The first effect: load the keys.
    pub fn init(&mut self) -> Option<Effect> {
        Some(self.reload())
    }

    pub fn status_of(&self, key: &ApiKey) -> KeyStatus {
        key.status(self.now, &self.policy)
    }

    /// Counts in `KeyStatus::ALL` order: active, expiring soon, expired, no expiration.
    pub fn counts(&self) -> [usize; 4] {
        let mut out = [0; 4];
        for k in &self.keys {
            let st = self.status_of(k);
            if let Some(i) = KeyStatus::ALL.iter().position(|s| *s == st) {
                out[i] += 1;
            }
        }
        out
    }

    /// The keys the filter lets through, in the chosen order.
    pub fn visible(&self) -> Vec<&ApiKey> {
        let needle = self.filter.value.trim().to_lowercase();
        let mut keys: Vec<&ApiKey> = self
            .keys
            .iter()
            .filter(|k| needle.is_empty() || matches(k, &needle))
            .collect();
        // Sort keys are computed once per key, not once per comparison: the
        // list is sorted on every frame and may hold many thousands of keys.
        match self.sort {
            SortBy::Name => keys.sort_by_cached_key(|k| display_order(k)),
            // Soonest first; keys that never expire last.
            SortBy::Expiry => keys
                .sort_by_cached_key(|k| (k.expires_at.is_none(), k.expires_at, display_order(k))),
            SortBy::Status => {
                keys.sort_by_cached_key(|k| (self.status_of(k), k.expires_at, display_order(k)))
            }
        }
        keys
    }

    pub fn selected_key(&self) -> Option<&ApiKey> {
        self.visible().get(self.selected).copied()
    }

    fn start(&mut self, what: &'static str) {
        self.busy.push(what);
    }

    fn finish(&mut self, what: &'static str) {
        if let Some(i) = self.busy.iter().position(|b| *b == what) {
            self.busy.remove(i);
        }
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
            shown_at: self.now,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
            shown_at: self.now,
        });
    }

    fn reload(&mut self) -> Effect {
        self.start(LOADING);
        self.load_failed = false;
        Effect::LoadKeys
    }

    fn clamp(&mut self) {
        let n = self.visible().len();
        self.selected = self.selected.min(n.saturating_sub(1));
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

    pub fn update(&mut self, action: Action) -> Option<Effect> {
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
            Action::Tick(now) => {
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
                if busy {
                    self.spinner = self.spinner.wrapping_add(1);
                }
                None
            }
            Action::Quit => {
                self.should_quit = true;
                None
            }
            Action::KeysLoaded(result) => {
                self.finish(LOADING);
                match result {
                    Ok(keys) => {
                        self.keys = keys;
                        self.loaded = true;
                        self.load_failed = false;
                        let existing: BTreeSet<&str> =
                            self.keys.iter().map(|k| k.id.as_str()).collect();
                        self.marked.retain(|id| existing.contains(id.as_str()));
                        if let Some(id) = self.select_id.take() {
                            if let Some(i) = self.visible().iter().position(|k| k.id == id) {
                                self.selected = i;
                            }
                        }
                        self.clamp();
                    }
                    Err(e) => {
                        // Unless another load is still in flight.
                        self.load_failed = !self.busy.contains(&LOADING);
                        self.error(format!("Could not load the keys: {e}"));
                    }
                }
                None
            }
            Action::Created(result) => {
                self.finish(CREATING);
                match result {
                    Ok(created) => {
                        self.form = None;
                        let name = clean(&created.key.name);
                        self.info(format!("Created \"{name}\"."));
                        self.select_id = Some(created.key.id.clone());
                        self.modal = Some(Modal::Secret(SecretModal::new(
                            "New key created",
                            vec![SecretEntry::new(created, None)],
                        )));
                        Some(self.reload())
                    }
                    Err(e) => {
                        self.error(format!("The key was not created: {e}"));
                        None
                    }
                }
            }
            Action::Updated(result) => {
                self.finish(SAVING);
                match result {
                    Ok(key) => {
                        self.form = None;
                        self.info(format!("Saved the changes to \"{}\".", clean(&key.name)));
                        self.select_id = Some(key.id);
                        Some(self.reload())
                    }
                    Err(e) => {
                        self.error(format!("The changes were not saved: {e}"));
                        None
                    }
                }
            }
            Action::Rotated(result) => {
                self.finish(ROTATING);
                match result {
                    Ok(r) => {
                        let name = clean(&r.old.name);
                        let new_id = r.new.key.id.clone();
                        let mut modal = SecretModal::new(
                            "Key rotated",
                            vec![SecretEntry::new(r.new, Some(r.old.id.clone()))],
                        );
                        match r.old_revoked {
                            Ok(()) => self.info(format!(
                                "Rotated \"{name}\": the old key {} is revoked.",
                                r.old.id
                            )),
                            Err(e) => {
                                let text = format!(
                                    "The old key {} could not be revoked and still works: {e}. Revoke it with d.",
                                    r.old.id
                                );
                                modal.note = Some(text.clone());
                                self.error(text);
                            }
                        }
                        self.select_id = Some(new_id);
                        self.modal = Some(Modal::Secret(modal));
                        Some(self.reload())
                    }
                    Err(e) => {
                        self.error(format!("The key was not rotated: {e}"));
                        None
                    }
                }
            }
            Action::Revoked(results) => {
                self.finish(REVOKING);
                let failed: Vec<String> = results
                    .iter()
                    .filter_map(|(_, name, r)| {
                        r.as_ref()
                            .err()
                            .map(|e| format!("\"{}\": {e}", clean(name)))
                    })
                    .collect();
                for (id, _, r) in &results {
                    if r.is_ok() {
                        self.marked.remove(id);
                    }
                }
                if failed.is_empty() {
                    let text = match results.as_slice() {
                        [(_, name, _)] => format!("Revoked \"{}\".", clean(name)),
                        many => format!("Revoked {} keys.", many.len()),
                    };
                    self.info(text);
                } else {
                    let still = if failed.len() == 1 {
                        "it still works"
                    } else {
                        "they still work"
                    };
                    self.error(format!(
                        "{} of {} not revoked ({still}): {}",
                        failed.len(),
                        count_of(results.len(), "key", "keys"),
                        failed.join("; ")
                    ));
                }
                Some(self.reload())
            }
            Action::IncidentDone(done) => {
                self.finish(INCIDENT);
                let report = done.report;
                let markdown = report.to_markdown();
                let path = format!(
                    "incident-report-{}.md",
                    report.finished_at.format("%Y%m%d-%H%M%S")
                );
                let failures = report.failures.len();
                self.info(format!(
                    "Incident response: {} revoked, {} replaced, {} failed.",
                    report.revoked.len(),
                    report.replacements.len(),
                    failures
                ));
                for k in &report.revoked {
                    self.marked.remove(&k.id);
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
            Action::Copied { id, result } => {
                if let Some(Modal::Secret(m)) = &mut self.modal {
                    let entry = m.entry_mut(&id)?;
                    let name = clean(&entry.key.name);
                    let note = match result {
                        Ok(()) => {
                            entry.copied = true;
                            Ok(format!(
                                "Copied the secret of \"{name}\" (OSC 52). If it is not on your clipboard, your terminal does not allow this: write to a file (w) instead."
                            ))
                        }
                        Err(e) => Err(format!(
                            "Could not send the copy sequence to the terminal: {e}"
                        )),
                    };
                    m.copy_note = Some(note);
                }
                None
            }
            Action::SecretsWritten(done) => {
                if let Some(Modal::Secret(m)) = &mut self.modal {
                    for id in &done.written {
                        if let Some(e) = m.entry_mut(id) {
                            e.written = true;
                        }
                    }
                    let path = clean(&done.path.display().to_string());
                    let n = done.written.len();
                    let what = if n == 1 { "secret" } else { "secrets" };
                    m.file_note = Some(match done.error {
                        None => Ok(format!("Wrote {n} {what} to {path} (mode 0600).")),
                        Some(e) if n == 0 => Err(format!("Nothing was written: {}", clean(&e))),
                        Some(e) => Err(format!(
                            "Wrote {n} of {} secrets to {path}, then stopped: {}",
                            m.entries.len(),
                            clean(&e)
                        )),
                    });
                }
                None
            }
            Action::ReportSaved(result) => {
                let note = match result {
                    Ok(path) => Ok(format!(
                        "Report saved to {}.",
                        clean(&path.display().to_string())
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
                    Ok(t) => self.info(t),
                    Err(t) => self.error(t),
                }
                None
            }
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
        let wheel_key = |up: bool| {
            KeyEvent::new(
                if up { KeyCode::Up } else { KeyCode::Down },
                KeyModifiers::NONE,
            )
        };
        let up = mouse.kind == MouseEventKind::ScrollUp;
        let regions = self.regions.borrow().clone();
        self.status = None;
        if let Some(modal) = &self.modal {
            // The dismiss question takes any other key as "no": a turn of
            // the wheel is not an answer.
            let asking = matches!(modal, Modal::Secret(m) if m.confirm_dismiss);
            if !down {
                return if asking {
                    None
                } else {
                    self.on_key(wheel_key(up))
                };
            }
            return regions.button_at(at).and_then(|key| self.on_key(key));
        }
        if let Some(form) = &mut self.form {
            if down {
                if let Some(step) = Regions::index_at(&regions.steps, at) {
                    form.step = Step::ALL[step];
                } else if let Some((row, col)) = regions.matrix_cell_at(at) {
                    form.toggle_cell(row, col);
                } else if let Some(i) = Regions::index_at(&regions.presets, at) {
                    form.perm_focus = PermFocus::Presets;
                    form.preset_cursor = i;
                    return self.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
                } else if let Some(i) = Regions::index_at(&regions.expiry_choices, at) {
                    form.expiry_cursor = i;
                }
                return None;
            }
            match form.step {
                Step::Permissions if Regions::in_rect(regions.matrix, at) => {
                    form.perm_focus = PermFocus::Matrix;
                    form.matrix.handle_key(wheel_key(up));
                }
                Step::Review => {
                    form.review_scroll = if up {
                        form.review_scroll.saturating_sub(3)
                    } else {
                        form.review_scroll.saturating_add(3)
                    };
                }
                _ => {}
            }
            return None;
        }
        if Regions::in_rect(regions.detail, at) {
            self.focus = Pane::Detail;
            if !down {
                self.detail_scroll = if up {
                    self.detail_scroll.saturating_sub(3)
                } else {
                    self.detail_scroll.saturating_add(3)
                };
            }
        } else if Regions::in_rect(regions.list, at) {
            self.focus = Pane::List;
            if down {
                if let Some(i) = regions.list_row_at(at) {
                    self.select(i);
                }
            } else if up {
                self.select(self.selected.saturating_sub(3));
            } else {
                self.select(self.selected + 3);
            }
        }
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
        if let Some(form) = &mut self.form {
            let sending = self.busy.iter().any(|b| *b == CREATING || *b == SAVING);
            if sending && key.code == KeyCode::Enter {
                return None;
            }
            match form.handle_key(key, self.now) {
                FormMsg::Consumed => return None,
                FormMsg::Cancel => {
                    self.form = None;
                    self.info("Cancelled; nothing was sent.");
                    return None;
                }
                FormMsg::Create(new) => {
                    self.start(CREATING);
                    return Some(Effect::Create(new));
                }
                FormMsg::Update { id, update } => {
                    self.start(SAVING);
                    return Some(Effect::Update { id, update });
                }
                FormMsg::Ignored => {}
            }
            match key.code {
                KeyCode::Char('?') | KeyCode::F(1) => self.open_help(),
                KeyCode::Char('q') => self.should_quit = true,
                _ => {}
            }
            return None;
        }
        if self.filtering {
            match key.code {
                KeyCode::Enter | KeyCode::Down | KeyCode::Up => self.filtering = false,
                KeyCode::Esc => {
                    self.filtering = false;
                    self.filter.value.clear();
                }
                _ => {
                    self.filter.handle_key(key);
                    self.selected = 0;
                }
            }
            self.clamp();
            return None;
        }
        self.on_list_key(key)
    }

    fn on_list_key(&mut self, key: KeyEvent) -> Option<Effect> {
        let n = self.visible().len();
        let detail = self.focus == Pane::Detail;
        match key.code {
            KeyCode::Char('q') => self.should_quit = true,
            KeyCode::Char('?') | KeyCode::F(1) => self.open_help(),
            KeyCode::Up | KeyCode::Char('k') if detail => {
                self.detail_scroll = self.detail_scroll.saturating_sub(1);
            }
            KeyCode::Down | KeyCode::Char('j') if detail => {
                self.detail_scroll = self.detail_scroll.saturating_add(1);
            }
            KeyCode::PageUp if detail => self.detail_scroll = self.detail_scroll.saturating_sub(10),
            KeyCode::PageDown if detail => {
                self.detail_scroll = self.detail_scroll.saturating_add(10)
            }
            KeyCode::Up | KeyCode::Char('k') => self.select(self.selected.saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => self.select(self.selected + 1),
            KeyCode::PageUp => self.select(self.selected.saturating_sub(10)),
            KeyCode::PageDown => self.select(self.selected + 10),
            KeyCode::Home | KeyCode::Char('g') => {
                if detail {
                    self.detail_scroll = 0;
                } else {
                    self.select(0);
                }
            }
            KeyCode::End | KeyCode::Char('G') => self.select(n.saturating_sub(1)),
            KeyCode::Tab | KeyCode::BackTab => {
                self.focus = if detail { Pane::List } else { Pane::Detail };
            }
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => self.focus = Pane::Detail,
            KeyCode::Left | KeyCode::Char('h') => self.focus = Pane::List,
            KeyCode::Esc => {
                if detail {
                    self.focus = Pane::List;
                } else if !self.filter.value.is_empty() {
                    self.filter.value.clear();
                    self.clamp();
                } else if !self.marked.is_empty() {
                    self.marked.clear();
                } else {
                    self.status = None;
                }
            }
            KeyCode::Char('/') => {
                self.filtering = true;
                self.focus = Pane::List;
            }
            KeyCode::Char('s') => {
                let id = self.selected_key().map(|k| k.id.clone());
                self.sort = self.sort.next();
                if let Some(i) = id.and_then(|id| self.visible().iter().position(|k| k.id == id)) {
                    self.selected = i;
                }
                self.info(format!("Sorted by {}.", self.sort.label()));
            }
            KeyCode::Char('R') | KeyCode::F(5) => return Some(self.reload()),
            KeyCode::Char(' ') => {
                if let Some(id) = self.selected_key().map(|k| k.id.clone()) {
                    if !self.marked.remove(&id) {
                        self.marked.insert(id);
                    }
                    self.select(self.selected + 1);
                }
            }
            KeyCode::Char('n') => self.form = Some(Form::create()),
            KeyCode::Char('e') => match self.selected_key() {
                Some(k) => self.form = Some(Form::edit(k)),
                None => self.info("No key is selected."),
            },
            KeyCode::Char('r') => match self.selected_key() {
                Some(k) => {
                    self.modal = Some(Modal::ConfirmRotate {
                        id: k.id.clone(),
                        name: k.name.clone(),
                    })
                }
                None => self.info("No key is selected."),
            },
            KeyCode::Char('d') | KeyCode::Delete => {
                let keys = self.selection();
                if keys.is_empty() {
                    self.info("No key is selected.");
                } else {
                    self.modal = Some(Modal::ConfirmRevoke(
                        keys.iter()
                            .map(|k| (k.id.clone(), k.name.clone()))
                            .collect(),
                    ));
                }
            }
            KeyCode::Char('i') => {
                let ids: Vec<String> = self.selection().iter().map(|k| k.id.clone()).collect();
                if ids.is_empty() {
                    self.info("No key is selected.");
                    return None;
                }
                let selection = Selection {
                    ids,
                    ..Default::default()
                };
                match incident::plan(&self.keys, &selection, false, self.now) {
                    Ok(plan) => {
                        self.modal = Some(Modal::Incident(IncidentModal::Plan {
                            plan: Box::new(plan),
                            scroll: 0,
                        }))
                    }
                    Err(e) => self.error(super::text::describe_error(&e)),
                }
            }
            _ => {}
        }
        None
    }

    /// The marked keys, or else the selected one.
    fn selection(&self) -> Vec<&ApiKey> {
        if self.marked.is_empty() {
            self.selected_key().into_iter().collect()
        } else {
            let visible = self.visible();
            let mut out: Vec<&ApiKey> = visible
                .iter()
                .copied()
                .filter(|k| self.marked.contains(&k.id))
                .collect();
            // Marked keys hidden by the filter still count.
            out.extend(
                self.keys
                    .iter()
                    .filter(|k| self.marked.contains(&k.id))
                    .filter(|k| !visible.iter().any(|v| v.id == k.id)),
            );
            out
        }
    }

    fn open_help(&mut self) {
        self.help_scroll = 0;
        self.modal = Some(Modal::Help);
    }

    fn select(&mut self, i: usize) {
        let n = self.visible().len();
        self.selected = i.min(n.saturating_sub(1));
        self.detail_scroll = 0;
    }

    fn on_modal_key(&mut self, key: KeyEvent, ctrl_c: bool) -> Option<Effect> {
        let modal = self.modal.as_mut()?;
        let code = key.code;
        match modal {
            Modal::Help => {
                let most = self.regions.borrow().dialog_overflow;
                match code {
                    KeyCode::Up | KeyCode::Char('k') => {
                        self.help_scroll = self.help_scroll.saturating_sub(1);
                    }
                    KeyCode::Down | KeyCode::Char('j') => {
                        self.help_scroll = (self.help_scroll + 1).min(most);
                    }
                    _ => {}
                }
                if ctrl_c {
                    self.should_quit = true;
                } else if matches!(
                    code,
                    KeyCode::Esc
                        | KeyCode::Enter
                        | KeyCode::Char('?')
                        | KeyCode::Char('q')
                        | KeyCode::F(1)
                ) {
                    self.modal = None;
                }
                None
            }
            Modal::ConfirmRevoke(keys) => {
                if ctrl_c {
                    self.should_quit = true;
                    return None;
                }
                match code {
                    KeyCode::Char('y') | KeyCode::Char('Y') => {
                        let keys = std::mem::take(keys);
                        self.modal = None;
                        self.start(REVOKING);
                        Some(Effect::Revoke(keys))
                    }
                    KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                        self.modal = None;
                        self.info("Nothing was revoked.");
                        None
                    }
                    _ => None,
                }
            }
            Modal::ConfirmRotate { id, .. } => {
                if ctrl_c {
                    self.should_quit = true;
                    return None;
                }
                match code {
                    KeyCode::Char('y') | KeyCode::Char('Y') => {
                        let id = std::mem::take(id);
                        self.modal = None;
                        self.start(ROTATING);
                        Some(Effect::Rotate { id })
                    }
                    KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                        self.modal = None;
                        self.info("Nothing was rotated.");
                        None
                    }
                    _ => None,
                }
            }
            Modal::Secret(m) => {
                if let Some(input) = &mut m.file_input {
                    match code {
                        KeyCode::Enter => {
                            let path = PathBuf::from(input.value.trim());
                            m.file_input = None;
                            if path.as_os_str().is_empty() {
                                m.file_note =
                                    Some(Err("No path was given; nothing was written.".to_owned()));
                                return None;
                            }
                            return Some(Effect::WriteSecrets {
                                path,
                                secrets: m.entries.clone(),
                            });
                        }
                        KeyCode::Esc => m.file_input = None,
                        _ if ctrl_c => m.file_input = None,
                        _ => {
                            input.handle_key(key);
                        }
                    }
                    return None;
                }
                if m.confirm_dismiss {
                    if matches!(code, KeyCode::Char('y') | KeyCode::Char('Y')) && !ctrl_c {
                        let text = match m.entries.len() {
                            1 => "The secret is gone from this program's memory.".to_owned(),
                            n => format!("The {n} secrets are gone from this program's memory."),
                        };
                        // Dropping the modal drops (and zeroes) every secret in it.
                        let then = m.then.take();
                        self.modal = then.map(|b| *b);
                        self.info(text);
                    } else {
                        // n, Esc, or any other key: back to the secrets.
                        m.confirm_dismiss = false;
                    }
                    return None;
                }
                match code {
                    _ if ctrl_c => m.confirm_dismiss = true,
                    KeyCode::Char('D') => m.confirm_dismiss = true,
                    KeyCode::Char('c') => {
                        return m.current().map(|e| Effect::Copy {
                            id: e.key.id.clone(),
                            secret: e.secret.clone(),
                        });
                    }
                    KeyCode::Char('w') => {
                        m.file_input = Some(TextInput::new(m.default_file(self.now)));
                    }
                    KeyCode::Up | KeyCode::Char('k') => m.cursor = m.cursor.saturating_sub(1),
                    KeyCode::Down | KeyCode::Char('j') => {
                        m.cursor = (m.cursor + 1).min(m.entries.len().saturating_sub(1));
                    }
                    _ => {}
                }
                None
            }
            Modal::Incident(stage) => match stage {
                IncidentModal::Plan { plan, scroll } => {
                    if ctrl_c {
                        self.should_quit = true;
                        return None;
                    }
                    match code {
                        KeyCode::Char('r') => plan.replace = !plan.replace,
                        KeyCode::Char('j') | KeyCode::Down => *scroll = scroll.saturating_add(1),
                        KeyCode::Char('k') | KeyCode::Up => *scroll = scroll.saturating_sub(1),
                        KeyCode::Char('y') | KeyCode::Char('Y') => {
                            if plan.keys.is_empty() {
                                return None;
                            }
                            let plan = plan.clone();
                            self.modal = Some(Modal::Incident(IncidentModal::Running {
                                count: plan.keys.len(),
                            }));
                            self.start(INCIDENT);
                            return Some(Effect::Incident(plan));
                        }
                        KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('q') => {
                            self.modal = None;
                            self.info("Dry run only: nothing was changed.");
                        }
                        _ => {}
                    }
                    None
                }
                IncidentModal::Running { .. } => {
                    if ctrl_c {
                        self.should_quit = true;
                    }
                    None
                }
                IncidentModal::Done {
                    markdown,
                    path,
                    editing,
                    ..
                } => {
                    if ctrl_c {
                        self.should_quit = true;
                        return None;
                    }
                    if *editing {
                        match code {
                            KeyCode::Enter => {
                                *editing = false;
                                return Some(Effect::SaveReport {
                                    path: PathBuf::from(path.value.trim()),
                                    markdown: markdown.clone(),
                                });
                            }
                            KeyCode::Esc => *editing = false,
                            _ => {
                                path.handle_key(key);
                            }
                        }
                        return None;
                    }
                    match code {
                        KeyCode::Char('w') => *editing = true,
                        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => self.modal = None,
                        _ => {}
                    }
                    None
                }
            },
        }
    }

    /// Every binding of the current screen, for `?`.
    pub fn bindings(&self) -> Vec<(&'static str, &'static str)> {
        let under_help = matches!(self.modal, Some(Modal::Help) | None);
        if !under_help {
            return self.modal_bindings();
        }
        if let Some(form) = &self.form {
            let mut b = vec![
                ("Tab / Shift-Tab", "next / previous step"),
                ("Esc", "previous step (on Name: cancel, nothing is sent)"),
            ];
            match form.step {
                Step::Name => b.extend([
                    ("type", "the key's name"),
                    ("Enter", "next step"),
                    ("Ctrl-U", "clear"),
                ]),
                Step::Permissions => b.extend([
                    ("↑ ↓ / j k", "move"),
                    (
                        "Enter / space",
                        "apply the preset (or open the matrix for Custom)",
                    ),
                    ("→ / l / m", "go to the matrix"),
                    ("← → / h l", "matrix: Read or Write column"),
                    ("space / x", "matrix: toggle the permission"),
                    ("Enter", "matrix: next step"),
                    ("Esc", "matrix: back to the presets"),
                ]),
                Step::Expiration => b.extend([
                    ("↑ ↓", "choose (j k too, but not while typing)"),
                    (
                        "type",
                        "on \"type it\": 90d, 12w, 1y, 2027-01-31 or never, as on the CLI",
                    ),
                    ("Enter", "next step (never asks to confirm)"),
                ]),
                Step::Review => {
                    b.extend([("Enter", "send it"), ("Esc", "back to change something")])
                }
            }
            b.extend([
                ("F1 / ?", "this help (F1 while typing)"),
                ("Ctrl-C", "quit"),
            ]);
            return b;
        }
        vec![
            (
                "↑ ↓ / j k",
                "move (scroll the detail pane when it has focus)",
            ),
            ("g / G", "first / last key"),
            ("PageUp / PageDown", "a page up / down"),
            (
                "Tab, Enter, ← → / h l",
                "switch between the list and the detail pane",
            ),
            ("Esc", "back: list pane, clear the filter, clear the marks"),
            ("/", "filter by name, id or permission as you type"),
            ("s", "sort by name, expiry or status"),
            ("space", "mark or unmark the key (for revoke or incident)"),
            ("n", "new key"),
            ("e", "edit the selected key"),
            ("r", "rotate the selected key"),
            ("d", "revoke the marked keys, or the selected one"),
            ("i", "incident response on the marked keys (dry run)"),
            ("R", "refresh"),
            ("mouse", "click to select or press; the wheel scrolls"),
            ("?", "this help"),
            ("q / Ctrl-C", "quit"),
        ]
    }

    fn modal_bindings(&self) -> Vec<(&'static str, &'static str)> {
        match &self.modal {
            Some(Modal::Secret(m)) if m.file_input.is_some() => {
                let what = if m.entries.len() == 1 {
                    "write the secret (mode 0600)"
                } else {
                    "write them all (mode 0600)"
                };
                vec![("Enter", what), ("Ctrl-U", "clear"), ("Esc", "cancel")]
            }
            Some(Modal::Secret(m)) if m.confirm_dismiss => {
                let what = if m.entries.len() == 1 {
                    "dismiss: the secret is gone for good"
                } else {
                    "dismiss: all are gone for good"
                };
                vec![("y", what), ("n / any other key", "keep the dialog")]
            }
            Some(Modal::Secret(m)) if m.entries.len() == 1 => vec![
                ("c", "copy (OSC 52)"),
                ("w", "write to a 0600 file"),
                ("D", "dismiss (asks first)"),
            ],
            Some(Modal::Secret(_)) => vec![
                ("↑ ↓", "choose"),
                ("c", "copy it (OSC 52)"),
                ("w", "write all to a 0600 file"),
                ("D", "dismiss (asks)"),
            ],
            Some(Modal::ConfirmRevoke(_)) => vec![("y", "revoke"), ("n / Esc", "cancel")],
            Some(Modal::ConfirmRotate { .. }) => vec![("y", "rotate"), ("n / Esc", "cancel")],
            Some(Modal::Incident(IncidentModal::Plan { .. })) => vec![
                ("r", "toggle replacements"),
                ("y", "run it"),
                ("j k", "scroll"),
                ("Esc", "cancel"),
            ],
            Some(Modal::Incident(IncidentModal::Running { .. })) => vec![],
            Some(Modal::Incident(IncidentModal::Done { editing: true, .. })) => {
                vec![("Enter", "save"), ("Esc", "cancel")]
            }
            Some(Modal::Incident(IncidentModal::Done { .. })) => {
                vec![("w", "save the report elsewhere"), ("Enter / Esc", "close")]
            }
            Some(Modal::Help) | None => vec![("Esc / ?", "close")],
        }
    }

    /// The hint bar's few main bindings.
    pub fn hints(&self) -> Vec<(&'static str, &'static str)> {
        match &self.modal {
            Some(Modal::Help) => return vec![("Esc", "close help"), ("↑↓", "scroll")],
            Some(_) => return self.modal_bindings(),
            None => {}
        }
        if let Some(form) = &self.form {
            let mut h = match form.step {
                Step::Name => vec![("Enter", "next"), ("Esc", "cancel")],
                Step::Permissions => {
                    vec![("Enter", "choose"), ("space", "toggle"), ("Esc", "back")]
                }
                Step::Expiration => vec![("↑↓", "choose"), ("Enter", "next"), ("Esc", "back")],
                Step::Review => vec![("Enter", "send"), ("Esc", "back")],
            };
            h.extend([("Tab", "step"), ("F1", "help")]);
            return h;
        }
        if self.filtering {
            return vec![("Enter", "keep filter"), ("Esc", "clear filter")];
        }
        // Marking and the incident response early: the bar keeps them at
        // 80 columns (see `view::render_hints`).
        vec![
            ("n", "new"),
            ("e", "edit"),
            ("r", "rotate"),
            ("d", "revoke"),
            ("space", "mark"),
            ("i", "incident"),
            ("/", "filter"),
            ("s", "sort"),
            ("?", "help"),
            ("q", "quit"),
        ]
    }
}

fn matches(key: &ApiKey, needle: &str) -> bool {
    key.name.to_lowercase().contains(needle)
        || key.id.to_lowercase().contains(needle)
        || key.permissions.iter().any(|p| {
            p.to_string().to_lowercase().contains(needle)
                || p.resource.display_name().to_lowercase().contains(needle)
        })
}

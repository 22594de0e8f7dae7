//! The guided form that creates a key or edits one: name, permissions (a
//! preset or the matrix), expiration, and a review step that shows the
//! explanation, the audit findings and, for an edit, the diff. Here: its
//! state and steps, answering a key with a [`FormMsg`]; its keymap tables,
//! help, hints and clicks in [`keys`]; the permission matrix in [`matrix`];
//! its drawing in `render`.

pub mod keys;
pub mod matrix;
mod render;

pub use render::render;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};
use narrative_keys::audit::{AuditOptions, Finding, audit_one};
use narrative_keys::validation::{Field, Problem, Severity};
use narrative_keys::{
    ApiKey, CATALOG, DEFAULT_EXPIRATION_DAYS, Expiration, KeyUpdate, NewKey, PermissionSet, Preset,
    Resource, ValidationReport,
};

use self::keys::{
    EXPIRATION_KEYS, FORM_HEAD_KEYS, FormCmd, MATRIX_KEYS, NAME_KEYS, PRESET_KEYS, REVIEW_KEYS,
};
use self::matrix::{Column, Matrix, MatrixMsg};
use crate::ui::components::input::TextInput;
use crate::ui::components::keymap::{self, Binding};

/// The choices offered for an expiration, in days; the default among them.
pub const DAYS: [i64; 5] = [30, 60, DEFAULT_EXPIRATION_DAYS, 180, 365];

/// Where a new key's expiration starts: the default lifetime.
const DEFAULT_CHOICE: usize = 2;
const _: () = assert!(DAYS[DEFAULT_CHOICE] == DEFAULT_EXPIRATION_DAYS);

/// Whether the form makes a new key or changes an existing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// A new key (a clone, `c`, included).
    Create,
    /// Changes to this key, as it was when the form opened.
    Edit(Box<ApiKey>),
}

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardStep {
    /// The key's name.
    Name,
    /// A preset or the permission matrix.
    Permissions,
    /// When the key expires.
    Expiration,
    /// What will be sent, checked.
    Review,
}

impl WizardStep {
    /// Every step, in order.
    pub const ALL: [WizardStep; 4] = [
        WizardStep::Name,
        WizardStep::Permissions,
        WizardStep::Expiration,
        WizardStep::Review,
    ];

    /// The step's tab title.
    pub fn title(self) -> &'static str {
        match self {
            WizardStep::Name => "Name",
            WizardStep::Permissions => "Permissions",
            WizardStep::Expiration => "Expiration",
            WizardStep::Review => "Review",
        }
    }

    /// The field whose problems the step shows (none for the review).
    pub fn field(self) -> Option<Field> {
        match self {
            WizardStep::Name => Some(Field::Name),
            WizardStep::Permissions => Some(Field::Permissions),
            WizardStep::Expiration => Some(Field::Expiration),
            WizardStep::Review => None,
        }
    }

    fn next(self) -> WizardStep {
        match self {
            WizardStep::Name => WizardStep::Permissions,
            WizardStep::Permissions => WizardStep::Expiration,
            WizardStep::Expiration | WizardStep::Review => WizardStep::Review,
        }
    }

    fn prev(self) -> WizardStep {
        match self {
            WizardStep::Name | WizardStep::Permissions => WizardStep::Name,
            WizardStep::Expiration => WizardStep::Permissions,
            WizardStep::Review => WizardStep::Expiration,
        }
    }
}

/// Which half of the Permissions step takes its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermFocus {
    /// The list of presets, with Custom last.
    Presets,
    /// The resource-by-read/write matrix.
    Matrix,
}

/// One line of the Expiration step's choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryChoice {
    /// Edit only: leave the expiration as it is.
    Keep,
    /// This many days from now, one of `DAYS`.
    Days(i64),
    /// Typed as on the command line: `90d`, `12w`, `1y`, a date, `never`.
    Typed,
    /// No expiration at all; asks for a confirmation first.
    Never,
}

impl ExpiryChoice {
    /// The choice as the Expiration step lists it.
    pub fn label(self) -> String {
        match self {
            ExpiryChoice::Keep => "keep the current expiration".to_owned(),
            ExpiryChoice::Days(d) => format!("{d} days"),
            ExpiryChoice::Typed => "type it: 90d, 12w, 1y, a date or never".to_owned(),
            ExpiryChoice::Never => "never (not recommended)".to_owned(),
        }
    }
}

/// What the form wants from the app after a key.
#[derive(Debug)]
pub enum FormMsg {
    /// Not the form's key: the app may use it (help, quit).
    Ignored,
    /// The form used the key; nothing for the app to do.
    Consumed,
    /// Esc on the Name step: close the form, nothing sent.
    Cancel,
    /// The review was sent for a new key: the app creates it (`Effect::Create`).
    Create(NewKey),
    /// The review was sent for an edit: the app saves it (`Effect::Update`).
    Update {
        /// The key being edited.
        id: String,
        /// What the edit changes: name, permissions, expiration.
        update: KeyUpdate,
    },
}

/// The create/edit wizard's state: what has been entered so far, step by
/// step. Open while the app holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// Create, or edit (with the key as it was).
    pub mode: Mode,
    /// The step on screen.
    pub step: WizardStep,
    /// The name as typed; sent trimmed.
    pub name: TextInput,
    /// Whether the presets or the matrix take the Permissions step's keys.
    pub perm_focus: PermFocus,
    /// 0..5 are `Preset::ALL`; 5 is "custom".
    pub preset_cursor: usize,
    /// The preset last applied, while the matrix still holds it.
    pub preset: Option<Preset>,
    /// The permissions chosen so far, with the matrix cursor.
    pub matrix: Matrix,
    /// Index into `choices()` of the highlighted expiration.
    pub expiry_cursor: usize,
    /// What was typed on the `Typed` choice, read by the SDK's parser.
    pub typed_expiry: TextInput,
    /// Whether the user said yes to a key that never expires.
    pub never_confirmed: bool,
    /// The "no expiration?" question is open.
    pub confirm_never: bool,
    /// How far the Review step is scrolled, in lines.
    pub review_scroll: u16,
    /// The name of the key this new one copies (`c`): its permissions came
    /// from the server, so those the catalog does not know are sent as they are.
    pub cloned_from: Option<String>,
}

impl Form {
    /// A blank form for a new key: no name, no permissions, the default lifetime.
    pub fn create() -> Self {
        Self {
            mode: Mode::Create,
            step: WizardStep::Name,
            name: TextInput::default(),
            perm_focus: PermFocus::Presets,
            preset_cursor: 0,
            preset: None,
            matrix: Matrix::new(PermissionSet::new()),
            // The default lifetime, as everywhere else.
            expiry_cursor: DEFAULT_CHOICE,
            typed_expiry: TextInput::default(),
            never_confirmed: false,
            confirm_never: false,
            review_scroll: 0,
            cloned_from: None,
        }
    }

    /// A new key like `key`: the same permissions (byte for byte), the name
    /// `"<name> (copy)"`, and the default lifetime, as a new key gets.
    pub fn clone_of(key: &ApiKey) -> Self {
        Self {
            name: TextInput::new(copy_name(&key.name)),
            perm_focus: PermFocus::Matrix,
            preset_cursor: Preset::ALL.len(),
            matrix: Matrix::new(key.permissions.clone()),
            cloned_from: Some(key.name.clone()),
            ..Self::create()
        }
    }

    /// A form that changes `key`, starting from its name and permissions, its
    /// expiration on "keep".
    pub fn edit(key: &ApiKey) -> Self {
        Self {
            mode: Mode::Edit(Box::new(key.clone())),
            name: TextInput::new(key.name.clone()),
            perm_focus: PermFocus::Matrix,
            preset_cursor: Preset::ALL.len(),
            matrix: Matrix::new(key.permissions.clone()),
            expiry_cursor: 0,
            ..Self::create()
        }
    }

    /// The key being edited, as it was; `None` when creating.
    pub fn original(&self) -> Option<&ApiKey> {
        match &self.mode {
            Mode::Create => None,
            Mode::Edit(k) => Some(k),
        }
    }

    /// The expiration choices offered: keep (edits only), each of `DAYS`, typed, never.
    pub fn choices(&self) -> Vec<ExpiryChoice> {
        let mut v = Vec::new();
        if self.original().is_some() {
            v.push(ExpiryChoice::Keep);
        }
        v.extend(DAYS.iter().map(|d| ExpiryChoice::Days(*d)));
        v.push(ExpiryChoice::Typed);
        v.push(ExpiryChoice::Never);
        v
    }

    /// The highlighted expiration choice.
    pub fn choice(&self) -> ExpiryChoice {
        let choices = self.choices();
        choices
            .get(self.expiry_cursor)
            .or(choices.last())
            .copied()
            .unwrap_or(ExpiryChoice::Never)
    }

    /// The permissions chosen so far.
    pub fn permissions(&self) -> &PermissionSet {
        &self.matrix.perms
    }

    /// The chosen expiration; `Ok(None)` keeps an edited key's own. What is
    /// typed is read as the CLI's `--expires` is; left empty it means the
    /// default: the default lifetime for a new key, the key's own
    /// expiration for an edit (as `update` without `--expires`). Never
    /// only when chosen or typed.
    pub fn expiration(&self, now: DateTime<Utc>) -> Result<Option<Expiration>, String> {
        match self.choice() {
            ExpiryChoice::Keep => Ok(None),
            ExpiryChoice::Days(d) => Ok(Some(Expiration::in_days(d, now))),
            ExpiryChoice::Never => Ok(Some(Expiration::Never)),
            ExpiryChoice::Typed => {
                if self.typed_expiry.value.trim().is_empty() {
                    return Ok(match self.mode {
                        Mode::Create => Some(Expiration::default_at(now)),
                        Mode::Edit(_) => None,
                    });
                }
                Expiration::parse(&self.typed_expiry.value, now)
                    .map(Some)
                    .map_err(|e| e.reason)
            }
        }
    }

    /// Whether the key would never expire: chosen, or typed as `never`.
    /// Either way it asks for a confirmation first.
    pub fn is_never(&self, now: DateTime<Utc>) -> bool {
        match self.choice() {
            ExpiryChoice::Never => true,
            ExpiryChoice::Typed => matches!(self.expiration(now), Ok(Some(Expiration::Never))),
            _ => false,
        }
    }

    /// The change an edit would send.
    pub fn update(&self, now: DateTime<Utc>) -> Option<KeyUpdate> {
        let original = self.original()?;
        let mut update = KeyUpdate::new();
        if self.name.value.trim() != original.name {
            update = update.name(self.name.value.trim());
        }
        if self.matrix.perms != original.permissions {
            update = update.permissions(self.matrix.perms.clone());
        }
        if let Ok(Some(e)) = self.expiration(now) {
            update = update.expires(e);
        }
        Some(update)
    }

    /// Every problem with what has been entered so far, errors and warnings.
    pub fn report(&self, now: DateTime<Utc>) -> ValidationReport {
        let expiration = self.expiration(now);
        let mut report = match self.original() {
            None => {
                let mut builder = NewKey::builder(self.name.value.clone())
                    .permissions(self.matrix.perms.iter().cloned())
                    .allow_unknown(self.cloned_from.is_some());
                if let Ok(Some(e)) = &expiration {
                    builder = builder.expires(*e);
                }
                match builder.build_at(now) {
                    Ok(k) => k.warnings().clone(),
                    Err(r) => r,
                }
            }
            Some(_) => self
                .update(now)
                .map(|u| u.validate(now))
                .unwrap_or_default(),
        };
        if let Err(message) = expiration {
            report.problems.retain(|p| p.field != Field::Expiration);
            report.problems.push(Problem {
                field: Field::Expiration,
                severity: Severity::Error,
                message,
            });
        }
        if self.preset == Some(Preset::SdkDevelopment) && self.matrix.perms.is_empty() {
            report.problems.retain(|p| p.field != Field::Permissions);
            report.problems.push(Problem {
                field: Field::Permissions,
                severity: Severity::Error,
                message: "SDK development: choose the resources your application uses in the matrix (space toggles a cell)".to_owned(),
            });
        }
        report
    }

    /// The key as it would look once sent, for the explanation and audit.
    pub fn preview(&self, now: DateTime<Utc>) -> ApiKey {
        let expires_at = match (self.expiration(now), self.original()) {
            (Ok(Some(e)), _) => e.instant(),
            (_, Some(k)) => k.expires_at,
            (_, None) => None,
        };
        ApiKey {
            id: self
                .original()
                .map_or_else(|| "(new)".to_owned(), |k| k.id.clone()),
            name: self.name.value.trim().to_owned(),
            permissions: self.matrix.perms.clone(),
            expires_at,
        }
    }

    /// The audit's findings on the key as it would be sent, for the Review step.
    pub fn findings(&self, now: DateTime<Utc>) -> Vec<Finding> {
        audit_one(&self.preview(now), &AuditOptions::at(now))
    }

    /// Whether a step holds an error (shown on its tab).
    pub fn step_has_errors(&self, step: WizardStep, report: &ValidationReport) -> bool {
        match step.field() {
            Some(f) => report.errors().any(|p| p.field == f),
            None => report.errors().any(|p| p.field == Field::Update),
        }
    }

    /// Toggles one cell of the matrix. Under the SDK-development preset a
    /// resource of the catalog is toggled whole: read and write, as
    /// `--preset sdk-development --grant RESOURCE` grants on the CLI.
    pub fn toggle_cell(&mut self, row: usize, col: Column) {
        self.perm_focus = PermFocus::Matrix;
        self.matrix.row = row;
        self.matrix.col = col;
        match CATALOG.get(row) {
            Some(entry) if self.preset == Some(Preset::SdkDevelopment) => {
                let whole = Preset::SdkDevelopment.permissions(&[Resource::new(entry.wire)]);
                self.matrix.toggle_all(&whole);
            }
            _ => {
                self.matrix.toggle();
                if self.preset != Some(Preset::SdkDevelopment) {
                    self.preset = None;
                }
            }
        }
        self.preset_cursor = Preset::ALL.len();
    }

    fn apply_preset(&mut self, preset: Preset) {
        self.matrix.perms = preset.permissions(&[]);
        self.preset = Some(preset);
        if preset.takes_resources() {
            self.perm_focus = PermFocus::Matrix;
        } else {
            self.step = WizardStep::Expiration;
        }
    }

    fn submit(&self, now: DateTime<Utc>) -> FormMsg {
        if self.report(now).has_errors() {
            return FormMsg::Consumed;
        }
        if self.is_never(now) && !self.never_confirmed {
            return FormMsg::Consumed;
        }
        match &self.mode {
            Mode::Create => {
                let exp = match self.expiration(now) {
                    Ok(Some(e)) => e,
                    _ => return FormMsg::Consumed,
                };
                match NewKey::builder(self.name.value.clone())
                    .permissions(self.matrix.perms.iter().cloned())
                    .allow_unknown(self.cloned_from.is_some())
                    .expires(exp)
                    .build_at(now)
                {
                    Ok(k) => FormMsg::Create(k),
                    Err(_) => FormMsg::Consumed,
                }
            }
            Mode::Edit(original) => match self.update(now) {
                Some(update) => FormMsg::Update {
                    id: original.id.clone(),
                    update,
                },
                None => FormMsg::Consumed,
            },
        }
    }

    /// A key in the form: the never-question's, then the steps' own
    /// (Tab, Shift-Tab, Esc), then the step's.
    pub fn handle_key(&mut self, key: KeyEvent, now: DateTime<Utc>) -> FormMsg {
        if self.confirm_never {
            self.on_never_key(key.code);
            return FormMsg::Consumed;
        }
        match keymap::lookup(FORM_HEAD_KEYS, key.code).map(|(_, cmd)| cmd) {
            Some(FormCmd::NextStep) => self.step = self.step.next(),
            Some(FormCmd::PrevStep) => self.step = self.step.prev(),
            Some(_) => match (self.step, self.perm_focus) {
                (WizardStep::Name, _) => return FormMsg::Cancel,
                (WizardStep::Permissions, PermFocus::Matrix) => {
                    self.perm_focus = PermFocus::Presets
                }
                (step, _) => self.step = step.prev(),
            },
            None => {
                return match (self.step, self.perm_focus) {
                    (WizardStep::Name, _) => self.on_name_key(key),
                    (WizardStep::Permissions, PermFocus::Presets) => self.on_presets_key(key.code),
                    (WizardStep::Permissions, PermFocus::Matrix) => self.on_matrix_key(key),
                    (WizardStep::Expiration, _) => self.on_expiration_key(key, now),
                    (WizardStep::Review, _) => self.on_review_key(key.code, now),
                };
            }
        }
        FormMsg::Consumed
    }

    /// The question before a key that never expires: y or n.
    fn on_never_key(&mut self, code: KeyCode) {
        match code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                self.never_confirmed = true;
                self.confirm_never = false;
                self.step = WizardStep::Review;
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                self.confirm_never = false;
            }
            _ => {}
        }
    }

    /// The Name step: typing, and Enter for the next step.
    fn on_name_key(&mut self, key: KeyEvent) -> FormMsg {
        if step_key(NAME_KEYS, key.code) == Some(FormCmd::Next) {
            self.step = WizardStep::Permissions;
            return FormMsg::Consumed;
        }
        if self.name.handle_key(key) {
            FormMsg::Consumed
        } else {
            FormMsg::Ignored
        }
    }

    /// The Permissions step's presets (and Custom, last, for the matrix).
    fn on_presets_key(&mut self, code: KeyCode) -> FormMsg {
        let last = Preset::ALL.len();
        match step_key(PRESET_KEYS, code) {
            Some(FormCmd::Up) => self.preset_cursor = self.preset_cursor.saturating_sub(1),
            Some(FormCmd::Down) => self.preset_cursor = (self.preset_cursor + 1).min(last),
            Some(FormCmd::First) => self.preset_cursor = 0,
            Some(FormCmd::Last) => self.preset_cursor = last,
            Some(FormCmd::Apply) => match Preset::ALL.get(self.preset_cursor) {
                Some(p) => self.apply_preset(*p),
                None => self.perm_focus = PermFocus::Matrix,
            },
            Some(FormCmd::ToMatrix) => self.perm_focus = PermFocus::Matrix,
            _ => return FormMsg::Ignored,
        }
        FormMsg::Consumed
    }

    /// The Permissions step's matrix.
    fn on_matrix_key(&mut self, key: KeyEvent) -> FormMsg {
        match step_key(MATRIX_KEYS, key.code) {
            Some(FormCmd::Next) => {
                self.step = WizardStep::Expiration;
                return FormMsg::Consumed;
            }
            Some(FormCmd::Toggle) => {
                self.toggle_cell(self.matrix.row, self.matrix.col);
                return FormMsg::Consumed;
            }
            _ => {}
        }
        match self.matrix.handle_key(key) {
            MatrixMsg::Ignored => FormMsg::Ignored,
            MatrixMsg::Moved | MatrixMsg::Toggled => FormMsg::Consumed,
        }
    }

    /// The Expiration step. On the typed choice every printable key is
    /// text (`j` and `k` too): the arrows move.
    fn on_expiration_key(&mut self, key: KeyEvent, now: DateTime<Utc>) -> FormMsg {
        let last = self.choices().len().saturating_sub(1);
        let typing = self.choice() == ExpiryChoice::Typed;
        match step_key(EXPIRATION_KEYS, key.code) {
            Some(FormCmd::Up) => self.expiry_cursor = self.expiry_cursor.saturating_sub(1),
            Some(FormCmd::Down) => self.expiry_cursor = (self.expiry_cursor + 1).min(last),
            Some(FormCmd::Next) => {
                if self.is_never(now) && !self.never_confirmed {
                    self.confirm_never = true;
                } else {
                    self.step = WizardStep::Review;
                }
            }
            _ if typing => {
                if !self.typed_expiry.handle_key(key) {
                    return FormMsg::Ignored;
                }
            }
            Some(FormCmd::LetterUp) => {
                self.expiry_cursor = self.expiry_cursor.saturating_sub(1);
            }
            Some(FormCmd::LetterDown) => self.expiry_cursor = (self.expiry_cursor + 1).min(last),
            _ => return FormMsg::Ignored,
        }
        FormMsg::Consumed
    }

    /// The Review step: Enter sends, the arrows scroll.
    fn on_review_key(&mut self, code: KeyCode, now: DateTime<Utc>) -> FormMsg {
        match step_key(REVIEW_KEYS, code) {
            Some(FormCmd::Send) => self.submit(now),
            Some(FormCmd::Up) => {
                self.review_scroll = self.review_scroll.saturating_sub(1);
                FormMsg::Consumed
            }
            Some(FormCmd::Down) => {
                self.review_scroll = self.review_scroll.saturating_add(1);
                FormMsg::Consumed
            }
            _ => FormMsg::Ignored,
        }
    }
}

/// The command `code` runs in a step's `table`, if any.
fn step_key(table: &'static [Binding<FormCmd>], code: KeyCode) -> Option<FormCmd> {
    keymap::lookup(table, code).map(|(_, cmd)| cmd)
}

/// "<name> (copy)", within the longest name allowed.
fn copy_name(name: &str) -> String {
    narrative_keys::validation::name_with_suffix(name, " (copy)")
}

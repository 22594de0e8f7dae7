//! The app: its state (here), `update` (actions in, state changed,
//! effects out: `update.rs`), the routing of keys and clicks
//! to the components and of their answers into state and effects
//! (`route.rs`), and what each effect's result does
//! (`results.rs`). Nothing here touches the network, the
//! terminal or the file system; the components know nothing of the app.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use narrative_keys::{ApiKey, KeyStatus, StatusPolicy};

use super::action::Effect;
use super::components::Ctx;
use super::components::command_line::CommandLine;
use super::components::detail::DetailPane;
use super::components::dialog::Modal;
use super::components::dialog::secret::UnstoredKey;
use super::components::form::Form;
use super::components::list::{KeyList, VisibleKeys};
use super::hit::Regions;
use super::job::Job;

pub use self::keys_as_code::{HandOffs, KeysAsCode};

/// The components' context built from `app`'s fields one by one, so that
/// one component of the app can be borrowed mutably beside it.
macro_rules! ctx {
    ($app:expr) => {
        $crate::ui::components::Ctx {
            now: $app.now,
            policy: &$app.policy,
            keys: &$app.keys,
            loaded: $app.loading.loaded,
            load_failed: $app.loading.load_failed,
            readonly: $app.session.readonly,
            session_ended: $app.session.session_ended.is_some(),
            own_key_id: $app.session.own_key_id.as_deref(),
            spinner: $app.feedback.spinner,
            plan_marks: $app.keys_as_code.as_ref().map(|k| &k.marks),
        }
    };
}

mod keys_as_code;
mod results;
mod route;
mod update;

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
    /// The clock every relative date and status is read against; injected,
    /// so tests are stable.
    pub now: DateTime<Utc>,
    /// When a key counts as expiring soon (the SDK's default window).
    pub policy: StatusPolicy,
    /// Every key the last successful load returned, in the server's order.
    pub keys: Vec<ApiKey>,
    /// The session: where it signs in, what it may change, whether it
    /// still can.
    pub session: Session,
    /// Loading the keys: whether a load has worked, when the next is due,
    /// what to select after it.
    pub loading: Loading,
    /// What the user is told: work in flight and the status line.
    pub feedback: Feedback,
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
    /// The keys file and its plan, when the UI was started with one.
    pub keys_as_code: Option<KeysAsCode>,
    /// The secrets its apply handed over, waiting to be stored.
    pub hand_offs: HandOffs,
    /// The `:` command line, while it is open.
    pub command: Option<CommandLine>,
    /// Set when the UI should exit.
    pub should_quit: bool,
    /// Whether the last action may have changed the screen. Every action
    /// does but an idle tick within the same second: nothing on screen is
    /// finer than a second (statuses change at a key's expiry instant,
    /// relative times by the minute), and the spinner turns only while
    /// something is in flight.
    pub screen_changed: bool,
    /// What the last frame drew where, for the mouse (stored once it is drawn).
    regions: RefCell<Regions>,
}

/// The session: where it signs in, what it may change, whether it still can.
#[derive(Debug)]
pub struct Session {
    /// `DEMO`, `prod`, `dev` or the URL.
    pub env_label: String,
    /// Whether this is the `--demo` session.
    pub demo: bool,
    /// `--readonly`, or chosen after the server refused a change: every
    /// write action is hidden and refused.
    pub readonly: bool,
    /// The id of the key this session signs in with, when it can be known
    /// (the demo's; the API has no call that names the caller's key).
    pub own_key_id: Option<String>,
    /// Whether a key that may be this session's own was revoked from here:
    /// a refusal after that is explained as the session's key being gone.
    pub revoked_possible_own_key: bool,
    /// Set once the server no longer accepts this session's key: what
    /// happened and how to go on. Nothing is sent after that.
    pub session_ended: Option<String>,
}

/// Loading the keys: whether a load has worked, when the next is due,
/// what to select after it.
#[derive(Debug)]
pub struct Loading {
    /// Whether a load has succeeded yet; until then the list says "Loading keys…".
    pub loaded: bool,
    /// The last load failed and no other is in flight: the list says so
    /// instead of "Loading keys…".
    pub load_failed: bool,
    /// Select this key once the list next loads (a key just created).
    pub select_id: Option<String>,
    /// `--refresh`: reload this often, keeping the selection and the marks.
    pub refresh_every: Option<std::time::Duration>,
    /// When the last load was asked for, for `refresh_every`.
    pub last_load: DateTime<Utc>,
    /// A reload the user asked for (`R`, `:refresh`) is in flight: its
    /// end is announced; `--refresh`'s and the reloads after changes are not.
    pub refresh_asked: bool,
}

/// What the user is told: work in flight and the status line.
#[derive(Debug)]
pub struct Feedback {
    /// Work in flight; the spinner turns while any is.
    pub busy: Vec<Job>,
    /// The spinner's frame.
    pub spinner: usize,
    /// The status line's message, if any.
    pub status: Option<Status>,
}

impl App {
    /// A new app for environment `env_label`, its clock at `now`, nothing loaded.
    pub fn new(env_label: impl Into<String>, demo: bool, now: DateTime<Utc>) -> Self {
        Self {
            now,
            policy: StatusPolicy::default(),
            keys: Vec::new(),
            session: Session {
                env_label: env_label.into(),
                demo,
                readonly: false,
                own_key_id: None,
                revoked_possible_own_key: false,
                session_ended: None,
            },
            loading: Loading {
                loaded: false,
                load_failed: false,
                select_id: None,
                refresh_every: None,
                last_load: now,
                refresh_asked: false,
            },
            feedback: Feedback {
                busy: Vec::new(),
                spinner: 0,
                status: None,
            },
            list: KeyList::new(now),
            detail: DetailPane::default(),
            help_scroll: 0,
            form: None,
            modal: None,
            keys_as_code: None,
            hand_offs: HandOffs::default(),
            should_quit: false,
            screen_changed: true,
            command: None,
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
        let marks = self.keys_as_code.as_ref().map(|k| &k.marks);
        self.list
            .sync(&self.keys, self.now, &self.policy, (rebuild, marks));
    }

    pub(in crate::ui) fn start(&mut self, what: Job) {
        self.feedback.busy.push(what);
    }

    fn finish(&mut self, what: Job) {
        if let Some(i) = self.feedback.busy.iter().position(|b| *b == what) {
            self.feedback.busy.remove(i);
        }
    }

    pub(in crate::ui) fn show_info(&mut self, text: impl Into<String>) {
        self.feedback.status = Some(Status {
            text: text.into(),
            error: false,
            shown_at: self.now,
        });
    }

    pub(in crate::ui) fn show_error(&mut self, text: impl Into<String>) {
        self.feedback.status = Some(Status {
            text: text.into(),
            error: true,
            shown_at: self.now,
        });
    }

    fn reload(&mut self) -> Effect {
        self.start(Job::Loading);
        self.loading.load_failed = false;
        self.loading.last_load = self.now;
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
        let mut unstored = match &self.modal {
            Some(Modal::Secret(m)) => m.unstored(),
            _ => Vec::new(),
        };
        // Handed over by the apply and not shown yet: stored nowhere.
        unstored.extend(self.hand_offs.queue.iter().map(|e| UnstoredKey {
            id: e.key.id.clone(),
            name: e.key.name.clone(),
            old_key: e.replaces.clone(),
        }));
        unstored
    }

    /// Whether the app holds any secret (the once-only modal, or one queued).
    pub fn holds_secret(&self) -> bool {
        fn has(m: &Modal) -> bool {
            match m {
                Modal::Secret(s) => !s.entries.is_empty() || s.then.as_deref().is_some_and(has),
                _ => false,
            }
        }
        self.modal.as_ref().is_some_and(has) || !self.hand_offs.queue.is_empty()
    }

    /// What the components read: the clock, the keys, what the session allows.
    pub fn ctx(&self) -> Ctx<'_> {
        ctx!(self)
    }

    /// Stores where the frame just drawn put what a mouse can point at.
    pub(in crate::ui) fn store_regions(&self, regions: Regions) {
        *self.regions.borrow_mut() = regions;
    }
}

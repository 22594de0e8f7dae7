//! What `apply` would do: the file against the keys the server lists. The
//! server is the state; a plan sends nothing.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::file::{FileSpan, KeySpec, KeysFile};
use super::journal::{ApplyJournal, CreateRecord, Stage};
use crate::key::ApiKey;

/// What `apply` does to one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// `+`: a key the file names and the server lacks.
    Create,
    /// `~`: permissions or a pinned key's name differ (or only the pin):
    /// fixed in place, same id.
    Update,
    /// `↻`: due (expired, expiring within `rotate_before`, no expiration),
    /// or several keys hold the name (an interrupted apply).
    Rotate,
    /// `!`: a key pinned by id that was deleted outside the file.
    Recreate,
    /// `-`: an unmanaged key, with `prune = true`.
    Revoke,
}

impl ActionKind {
    /// The plan's mark: `+ ~ ↻ ! -`.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Create => "+",
            Self::Update => "~",
            Self::Rotate => "↻",
            Self::Recreate => "!",
            Self::Revoke => "-",
        }
    }

    /// Whether `apply` makes a key for it (and so needs its targets).
    pub fn creates(self) -> bool {
        matches!(self, Self::Create | Self::Rotate | Self::Recreate)
    }
}

/// One field an update changes, from → to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct FieldChange {
    /// `name`, `permissions` or `id` (the pin only).
    pub field: &'static str,
    /// As it is now.
    pub from: String,
    /// As the file says.
    pub to: String,
}

/// One line of the plan.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct Action {
    /// What is done.
    pub action: ActionKind,
    /// The key's name (the file's, or an unmanaged key's).
    pub name: String,
    /// The existing key it acts on, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why (a rotation's cause, a re-creation's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What an update changes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// The `[[key]]` entry (index in the file), none for a revocation.
    #[serde(skip)]
    pub entry: Option<usize>,
    /// The keys acted on: the one updated or revoked, or those a rotation
    /// retires once its successor is delivered.
    #[serde(skip)]
    pub keys: Vec<ApiKey>,
}

/// What `apply` would do, and the keys it leaves alone.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct Plan {
    /// In the order `apply` takes them: updates, creates and rotations, revocations.
    pub actions: Vec<Action>,
    /// Keys matching `managed` that the file does not name, left alone
    /// (without `prune`).
    pub unmanaged: Vec<ApiKey>,
    /// Keys in their overlap: never drift, duplicates or pruned.
    pub retiring: Vec<ApiKey>,
    /// Unmanaged keys `prune` leaves alone because they can manage keys
    /// (`write:access_tokens`): `/whoami` names no key, so one of them may
    /// be the key this run uses, and revoking it would lock the account out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_pruned: Vec<ApiKey>,
    /// An earlier apply's creates not resolved yet, carried into this
    /// run's journal.
    #[serde(skip)]
    pub carried: Vec<CreateRecord>,
}

impl Plan {
    /// Whether `apply` would change nothing.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }
}

/// Plans `file` against `keys` (one listing) at `now`. `journal`, the
/// last apply's, if any: a key it made whose delivery never started is
/// revoked at once, one whose delivery was cut off is replaced.
// long: matching entries, then the keys no entry claims; one pass each.
pub fn plan(
    file: &KeysFile,
    keys: &[ApiKey],
    journal: Option<&ApplyJournal>,
    now: DateTime<Utc>,
) -> Plan {
    let unfinished = |k: &ApiKey| journal.and_then(|j| j.unfinished(k));
    let mut plan = Plan {
        retiring: keys
            .iter()
            .filter(|k| k.retiring().is_some())
            .cloned()
            .collect(),
        // Only the records of keys that exist still matter.
        carried: keys.iter().filter_map(|k| unfinished(k).cloned()).collect(),
        ..Plan::default()
    };
    let mut undelivered = Vec::new();
    let mut live: Vec<&ApiKey> = Vec::new();
    for key in keys.iter().filter(|k| k.retiring().is_none()) {
        match unfinished(key).map(|r| r.stage) {
            Some(Stage::Sent) => undelivered.push(Action {
                action: ActionKind::Revoke,
                name: key.name.clone(),
                id: Some(key.id.clone()),
                reason: Some("made by an interrupted apply before its delivery started: nobody holds its secret".to_owned()),
                changes: Vec::new(),
                entry: None,
                keys: vec![key.clone()],
            }),
            _ => live.push(key),
        }
    }
    let mut claimed = std::collections::HashSet::new();
    let mut makes = Vec::new();
    for (entry, spec) in file.keys.iter().enumerate() {
        let (held, dead) = holders(spec, &live, now);
        claimed.extend(held.iter().chain(&dead).map(|k| k.id.clone()));
        let cut_off = held
            .iter()
            .any(|k| unfinished(k).is_some_and(|r| r.stage == Stage::Delivering));
        match entry_action(entry, spec, &held, cut_off, now) {
            Some(a) if a.action == ActionKind::Update => plan.actions.push(a),
            Some(a) => makes.push(a),
            None => {}
        }
    }
    plan.actions.extend(makes);
    plan.actions.extend(undelivered);
    for key in live.into_iter().filter(|k| !claimed.contains(&k.id)) {
        if !file.manages(&key.name) {
            continue;
        }
        if file.prune && manages_keys(key) {
            plan.not_pruned.push(key.clone());
        } else if file.prune {
            plan.actions.push(Action {
                action: ActionKind::Revoke,
                name: key.name.clone(),
                id: Some(key.id.clone()),
                reason: Some("matches managed, not in the file (prune = true)".to_owned()),
                changes: Vec::new(),
                entry: None,
                keys: vec![key.clone()],
            });
        } else {
            plan.unmanaged.push(key.clone());
        }
    }
    plan
}

/// Whether `key` can manage keys, as the key an apply runs with must.
fn manages_keys(key: &ApiKey) -> bool {
    key.permissions
        .contains(&crate::permission::Permission::write("access_tokens"))
}

/// The keys that are this entry's (the pinned one and those holding its
/// name, or its name marked pending; none retiring), oldest expiration first; and apart, the expired
/// ones beside a key that still works: dead, they are neither drift nor
/// duplicates (a rotation cannot rename a key that expired).
fn holders<'a>(
    spec: &KeySpec,
    live: &[&'a ApiKey],
    now: DateTime<Utc>,
) -> (Vec<&'a ApiKey>, Vec<&'a ApiKey>) {
    let mut held: Vec<&ApiKey> = live
        .iter()
        .filter(|k| {
            spec.id.as_deref() == Some(k.id.as_str())
                || k.name == spec.name
                || crate::retiring::is_pending_of(&k.name, &spec.name)
        })
        .copied()
        .collect();
    held.sort_by_key(|k| (k.expires_at.is_some(), k.expires_at));
    let expired = |k: &&ApiKey| k.expires_at.is_some_and(|at| at <= now);
    if held.iter().all(expired) {
        return (held, Vec::new());
    }
    held.into_iter().partition(|k| !expired(k))
}

// long: one decision table, case by case, each with its own reason text.
fn entry_action(
    entry: usize,
    spec: &KeySpec,
    held: &[&ApiKey],
    cut_off: bool,
    now: DateTime<Utc>,
) -> Option<Action> {
    let action = |action, id: Option<&str>, reason: Option<String>| Action {
        action,
        name: spec.name.clone(),
        id: id.map(str::to_owned),
        reason,
        changes: Vec::new(),
        entry: Some(entry),
        keys: held.iter().map(|k| (*k).clone()).collect(),
    };
    let [key] = held else {
        if held.is_empty() {
            return Some(match &spec.id {
                Some(pin) => action(
                    ActionKind::Recreate,
                    Some(pin),
                    Some("the pinned key was deleted outside the file; it is made again and its secret delivered to its targets".to_owned()),
                ),
                None => action(ActionKind::Create, None, None),
            });
        }
        return Some(action(
            ActionKind::Rotate,
            None,
            Some(format!(
                "{} keys named {:?}: an interrupted apply; one successor replaces them all",
                held.len(),
                spec.name
            )),
        ));
    };
    // A rotation gives the successor the file's permissions: any the key
    // has otherwise is shown, so the change is seen before it is made.
    let rotate = |reason: String| {
        let mut rotation = action(ActionKind::Rotate, Some(&key.id), Some(reason));
        rotation.changes = permission_change(key, spec).into_iter().collect();
        Some(rotation)
    };
    if spec.pending_unheld(key) {
        return rotate(format!(
            "{:?} was made by an interrupted apply and names no target: its secret was at most shown once and never confirmed stored, so a successor replaces it and it is revoked at once",
            key.name
        ));
    }
    if crate::retiring::is_pending(&key.name) {
        return rotate(format!(
            "{:?} was made by an interrupted apply, whose delivery may not have finished: a successor replaces it, and it is retired with the overlap",
            key.name
        ));
    }
    if cut_off {
        return rotate("an interrupted apply was delivering its secret, which may not have reached every target".to_owned());
    }
    if let Some(reason) = due(key, spec.rotate_before, now) {
        return rotate(reason);
    }
    let mut changes = Vec::new();
    if let Some(pin) = &spec.id
        && *pin != key.id
    {
        changes.push(FieldChange {
            field: "id",
            from: pin.clone(),
            to: key.id.clone(),
        });
    }
    if key.name != spec.name {
        changes.push(FieldChange {
            field: "name",
            from: key.name.clone(),
            to: spec.name.clone(),
        });
    }
    changes.extend(permission_change(key, spec));
    if changes.is_empty() {
        return None;
    }
    let mut update = action(ActionKind::Update, Some(&key.id), None);
    update.changes = changes;
    Some(update)
}

/// The change of `key`'s permissions to the file's, if they differ.
fn permission_change(key: &ApiKey, spec: &KeySpec) -> Option<FieldChange> {
    (key.permissions != spec.permissions).then(|| FieldChange {
        field: "permissions",
        from: key.permissions.to_string(),
        to: spec.permissions.to_string(),
    })
}

/// Why `key` is due for rotation, if it is.
pub fn due(key: &ApiKey, rotate_before: FileSpan, now: DateTime<Utc>) -> Option<String> {
    let Some(at) = key.expires_at else {
        return Some("no expiration".to_owned());
    };
    if at <= now {
        return Some("expired".to_owned());
    }
    let horizon = rotate_before.after(now)?;
    (at <= horizon).then(|| {
        format!(
            "expires {}, within rotate_before ({rotate_before})",
            crate::expiration::relative(at, now)
        )
    })
}

//! Keys as the API returns them, and the requests that create and change them.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::expiration::Expiration;
use crate::permission::{Permission, PermissionDiff, PermissionSet};
use crate::preset::Preset;
use crate::resource::Resource;
use crate::secret::Secret;
use crate::validation::{self, Field, Severity, ValidationReport};

/// An API key as listed: everything but its secret, which exists only at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// Read through `wire::Key`: reading `expires_at` with `instant` needs
// `#[serde(default)]`, which `tsify` would declare as optional here.
#[serde(from = "crate::wire::Key")]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct ApiKey {
    /// The key's id (a UUID), stable for its life.
    pub id: String,
    /// The name given at creation or by a later update.
    pub name: String,
    /// What the key may do, exactly as the server sent it.
    pub permissions: PermissionSet,
    /// `None`: the key never expires. The API document marks the field
    /// required, but keys without an expiration exist; missing and `null` both
    /// read as never.
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<crate::wire::Key> for ApiKey {
    fn from(k: crate::wire::Key) -> Self {
        Self {
            id: k.id,
            name: k.name,
            permissions: k.permissions,
            expires_at: k.expires_at,
        }
    }
}

impl ApiKey {
    /// Where the key stands at `now`: expired, expiring soon (per `policy`), active, or without expiration.
    pub fn status(&self, now: DateTime<Utc>, policy: &StatusPolicy) -> KeyStatus {
        match self.expires_at {
            None => KeyStatus::NoExpiration,
            Some(at) if at <= now => KeyStatus::Expired,
            Some(at) if at - now <= policy.expiring_within => KeyStatus::ExpiringSoon,
            Some(_) => KeyStatus::Active,
        }
    }

    /// The expiration as an [`Expiration`]: never, or an instant.
    pub fn expiration(&self) -> Expiration {
        self.expires_at.into()
    }

    /// When the key stops working, if an overlap rotation retired it: its
    /// name carries the retiring mark ([`crate::retiring`]) and its
    /// expiration falls in the minute the mark names. `None` for any other
    /// key, a mark typed by hand on a key expiring at another time included.
    pub fn retiring(&self) -> Option<DateTime<Utc>> {
        crate::retiring::retiring_at(&self.name, self.expires_at)
    }
}

/// Where a key stands against a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum KeyStatus {
    /// Its expiration has passed: the API refuses it.
    Expired,
    /// It expires within the policy's window (14 days by default).
    ExpiringSoon,
    /// It expires later than the policy's window.
    Active,
    /// It never expires.
    NoExpiration,
}

impl KeyStatus {
    /// Every status, in the order lists show them.
    pub const ALL: [KeyStatus; 4] = [
        KeyStatus::Active,
        KeyStatus::ExpiringSoon,
        KeyStatus::Expired,
        KeyStatus::NoExpiration,
    ];

    /// The status in words, as the CLI and TUI print it.
    pub fn label(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::ExpiringSoon => "expiring soon",
            KeyStatus::Expired => "expired",
            KeyStatus::NoExpiration => "no expiration",
        }
    }
}

/// How near an expiration must be to count as "expiring soon".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusPolicy {
    /// How near an expiration counts as soon.
    pub expiring_within: Duration,
}

impl StatusPolicy {
    /// The default window: 14 days.
    pub const DEFAULT_SOON_DAYS: i64 = 14;

    /// A window of `days` days.
    pub fn within_days(days: i64) -> Self {
        Self {
            expiring_within: Duration::days(days),
        }
    }
}

impl Default for StatusPolicy {
    fn default() -> Self {
        Self::within_days(Self::DEFAULT_SOON_DAYS)
    }
}

/// A key just created: the key, and its secret, which no later call can show.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    /// The key as the server describes it.
    pub key: ApiKey,
    /// Its secret: the only time it is shown.
    pub secret: Secret,
}

impl CreatedKey {
    /// The key with its secret in plain text, for a caller that prints it
    /// on purpose (`--json` with the secret on stdout, the npm package):
    /// `{"key": .., "secret": ".."}`.
    pub fn shown(&self) -> ShownKey<'_> {
        ShownKey {
            key: &self.key,
            secret: self.secret.expose(),
        }
    }
}

/// A created key and its secret, shown: `{"key", "secret"}`. Made by
/// [`CreatedKey::shown`]; it holds the secret in plain text, so it has no
/// `Debug`. The npm package's `CreatedKey`.
#[derive(Clone, Copy, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct ShownKey<'a> {
    /// The key as created.
    pub key: &'a ApiKey,
    /// The secret itself: store it now, no later call can show it.
    pub secret: &'a str,
}

/// A validated request for a new key. Build it with [`NewKey::builder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    name: String,
    permissions: PermissionSet,
    expiration: Expiration,
    allow_unknown: bool,
    warnings: ValidationReport,
}

impl NewKey {
    /// A builder: the key expires [`DEFAULT_EXPIRATION_DAYS`] days after it is
    /// built unless [`NewKeyBuilder::expires`] says otherwise, and every
    /// permission must be one the catalog knows unless
    /// [`NewKeyBuilder::allow_unknown`] is set.
    ///
    /// [`DEFAULT_EXPIRATION_DAYS`]: crate::expiration::DEFAULT_EXPIRATION_DAYS
    pub fn builder(name: impl Into<String>) -> NewKeyBuilder {
        NewKeyBuilder {
            name: name.into(),
            permissions: PermissionSet::new(),
            expiration: None,
            allow_unknown: false,
        }
    }

    /// The trimmed name that will be sent.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The permissions that will be sent.
    pub fn permissions(&self) -> &PermissionSet {
        &self.permissions
    }

    /// The expiration that will be sent (by default 90 days after the build).
    pub fn expiration(&self) -> Expiration {
        self.expiration
    }

    /// Whether permissions the catalog does not know were allowed.
    pub fn allows_unknown(&self) -> bool {
        self.allow_unknown
    }

    /// What validation allowed but called out (no expiration, unknown resources).
    pub fn warnings(&self) -> &ValidationReport {
        &self.warnings
    }

    /// Checks the request again against `now`: an expiration valid when the
    /// key was built may have passed since.
    pub fn validate(&self, now: DateTime<Utc>) -> ValidationReport {
        validate_new(
            &self.name,
            &self.permissions,
            &self.expiration,
            self.allow_unknown,
            now,
        )
    }
}

fn validate_new(
    name: &str,
    permissions: &PermissionSet,
    expiration: &Expiration,
    allow_unknown: bool,
    now: DateTime<Utc>,
) -> ValidationReport {
    let mut report = ValidationReport::default();
    validation::check_name(&mut report, name);
    validation::check_permissions(&mut report, permissions, allow_unknown);
    validation::check_expiration(&mut report, expiration, now);
    report
}

/// Collects a new key's fields; [`NewKeyBuilder::build`] checks them all at once.
#[derive(Debug, Clone)]
pub struct NewKeyBuilder {
    name: String,
    permissions: PermissionSet,
    /// `None`: the default, [`Expiration::default_at`] the build time.
    expiration: Option<Expiration>,
    allow_unknown: bool,
}

impl NewKeyBuilder {
    /// Adds one permission.
    pub fn permission(mut self, permission: Permission) -> Self {
        self.permissions.insert(permission);
        self
    }

    /// Adds several permissions.
    pub fn permissions(mut self, permissions: impl IntoIterator<Item = Permission>) -> Self {
        self.permissions.extend(permissions);
        self
    }

    /// Adds a preset's permissions; `resources` is used by SDK development only.
    pub fn preset(mut self, preset: Preset, resources: &[Resource]) -> Self {
        self.permissions
            .extend(preset.permissions(resources).iter().cloned());
        self
    }

    /// When the key stops working. Without this call it expires
    /// [`DEFAULT_EXPIRATION_DAYS`] days after the build; a key that never
    /// expires takes `.expires(Expiration::Never)` (allowed, with a warning).
    ///
    /// [`DEFAULT_EXPIRATION_DAYS`]: crate::expiration::DEFAULT_EXPIRATION_DAYS
    pub fn expires(mut self, expiration: Expiration) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// Sends permissions the catalog does not know (a resource the platform
    /// added since, a wire-only level such as `admin`) as written, with a
    /// warning. Without it they are refused as typos, each with the likeliest
    /// meaning (`read:dataset` → `read:datasets`). Permissions copied from a
    /// key the server sent should be allowed: they are the server's own.
    pub fn allow_unknown(mut self, allow: bool) -> Self {
        self.allow_unknown = allow;
        self
    }

    /// Validates against `now`; on success the report's warnings travel with the key.
    pub fn build_at(self, now: DateTime<Utc>) -> Result<NewKey, ValidationReport> {
        let expiration = self
            .expiration
            .unwrap_or_else(|| Expiration::default_at(now));
        let report = validate_new(
            &self.name,
            &self.permissions,
            &expiration,
            self.allow_unknown,
            now,
        );
        if report.has_errors() {
            return Err(report);
        }
        Ok(NewKey {
            name: self.name.trim().to_owned(),
            permissions: self.permissions,
            expiration,
            allow_unknown: self.allow_unknown,
            warnings: report,
        })
    }

    /// Validates against the current time.
    pub fn build(self) -> Result<NewKey, ValidationReport> {
        self.build_at(Utc::now())
    }
}

/// A value before and after a change: `{"from": .., "to": ..}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct Change<T> {
    /// The value before.
    pub from: T,
    /// The value after.
    pub to: T,
}

impl<T: PartialEq> Change<T> {
    /// The change from `from` to `to`, or `None` when they are equal.
    pub fn between(from: T, to: T) -> Option<Self> {
        (from != to).then_some(Self { from, to })
    }
}

/// What an update changed, or would change, in a key: its name, the
/// permissions it grants and drops, its expiration. Computed once by
/// [`KeyDiff::between`] for every front end.
///
/// Serialised as the CLI's `update --json` prints its `changes`:
/// `{"added", "expires_at"?, "name"?, "removed"}`, the permissions in their
/// compact form, a changed field as `{"from", "to"}` and an unchanged one
/// left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyDiff {
    /// The new name, when it changed.
    pub name: Option<Change<String>>,
    /// What the update grants and drops.
    pub permissions: PermissionDiff,
    /// The new expiration (`None` for never), when it changed.
    pub expires_at: Option<Change<Option<DateTime<Utc>>>>,
}

impl KeyDiff {
    /// What changed from `old` to `new`.
    pub fn between(old: &ApiKey, new: &ApiKey) -> Self {
        Self {
            name: Change::between(old.name.clone(), new.name.clone()),
            permissions: PermissionDiff::between(&old.permissions, &new.permissions),
            expires_at: Change::between(old.expires_at, new.expires_at),
        }
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.permissions.is_empty() && self.expires_at.is_none()
    }
}

impl Serialize for KeyDiff {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        let compact =
            |list: &[Permission]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
        map.serialize_entry("added", &compact(&self.permissions.granted))?;
        if let Some(expires_at) = &self.expires_at {
            map.serialize_entry("expires_at", expires_at)?;
        }
        if let Some(name) = &self.name {
            map.serialize_entry("name", name)?;
        }
        map.serialize_entry("removed", &compact(&self.permissions.dropped))?;
        map.end()
    }
}

/// A change to an existing key; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyUpdate {
    /// A new name.
    pub name: Option<String>,
    /// The complete new set: the API replaces the key's permissions with it.
    pub permissions: Option<PermissionSet>,
    /// A new expiration.
    pub expiration: Option<Expiration>,
}

impl KeyUpdate {
    /// An empty update: nothing changes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the key.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the complete new set of permissions.
    pub fn permissions(mut self, permissions: PermissionSet) -> Self {
        self.permissions = Some(permissions);
        self
    }

    /// Sets a new expiration.
    pub fn expires(mut self, expiration: Expiration) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// Whether the update changes nothing (an empty update is refused).
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.permissions.is_none() && self.expiration.is_none()
    }

    /// Checks the update as [`NewKey::validate`](crate::NewKey) checks a new key; errors mean nothing is sent.
    pub fn validate(&self, now: DateTime<Utc>) -> ValidationReport {
        let mut report = ValidationReport::default();
        if self.is_empty() {
            report.push(
                Field::Update,
                Severity::Error,
                "nothing to change: give a new name, permissions or expiration",
            );
        }
        if let Some(name) = &self.name {
            validation::check_name(&mut report, name);
        }
        if let Some(permissions) = &self.permissions {
            // The whole new set, the key's own permissions included: those the
            // catalog does not know are warned about, not refused. Check what
            // a person added with `validation::check_typed`.
            validation::check_permissions(&mut report, permissions, true);
        }
        match &self.expiration {
            Some(Expiration::Never) => report.push(
                Field::Expiration,
                Severity::Error,
                "the API cannot remove an expiration from an existing key; rotate it into a new key without one instead",
            ),
            Some(e) => validation::check_expiration(&mut report, e, now),
            None => {}
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-26T10:00:00Z".parse().unwrap()
    }

    fn key(expires_at: Option<&str>) -> ApiKey {
        ApiKey {
            id: "546c65d6-e589-4d3c-b1fe-7e61711cc418".into(),
            name: "k".into(),
            permissions: PermissionSet::new(),
            expires_at: expires_at.map(|s| s.parse().unwrap()),
        }
    }

    #[test]
    fn a_created_key_shows_its_secret_only_through_shown() {
        let created = CreatedKey {
            key: key(None),
            secret: Secret::new("nk_TOP-SECRET-VALUE-1234".to_owned()),
        };
        assert!(!format!("{created:?}").contains("TOP-SECRET"));
        assert_eq!(
            serde_json::to_string(&created.shown()).unwrap(),
            r#"{"key":{"id":"546c65d6-e589-4d3c-b1fe-7e61711cc418","name":"k","permissions":[],"expires_at":null},"secret":"nk_TOP-SECRET-VALUE-1234"}"#
        );
    }

    #[test]
    fn status_against_a_clock() {
        let policy = StatusPolicy::default();
        assert_eq!(key(None).status(now(), &policy), KeyStatus::NoExpiration);
        assert_eq!(
            key(Some("2026-11-26T10:00:00Z")).status(now(), &policy),
            KeyStatus::Expired
        );
        assert_eq!(
            key(Some("2026-12-10T10:00:00Z")).status(now(), &policy),
            KeyStatus::ExpiringSoon
        );
        assert_eq!(
            key(Some("2026-12-10T10:00:01Z")).status(now(), &policy),
            KeyStatus::Active
        );
        let wide = StatusPolicy::within_days(30);
        assert_eq!(
            key(Some("2026-12-20T10:00:00Z")).status(now(), &wide),
            KeyStatus::ExpiringSoon
        );
    }

    #[test]
    fn missing_and_null_expiration_read_as_never() {
        let base = r#""id":"x","name":"n","permissions":[]"#;
        for json in [
            format!("{{{base}}}"),
            format!(r#"{{{base},"expires_at":null}}"#),
        ] {
            let k: ApiKey = serde_json::from_str(&json).unwrap();
            assert_eq!(k.expires_at, None);
        }
    }

    #[test]
    fn validation_reports_every_problem_at_once() {
        let report = NewKey::builder(format!("bad\nname{}", "x".repeat(130)))
            .permission("read:encryption_materials".parse().unwrap())
            .permission("grant:datasets".parse().unwrap())
            .permission("read:uploads".parse().unwrap())
            .allow_unknown(true)
            .expires(Expiration::parse("2020-01-01", now()).unwrap())
            .build_at(now())
            .unwrap_err();
        let fields: Vec<_> = report.errors().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                Field::Name,
                Field::Name,
                Field::Permissions,
                Field::Expiration
            ]
        );
        let text = report.to_string();
        assert!(text.contains("at most 128"), "{text}");
        assert!(text.contains("control character"), "{text}");
        assert!(
            report.warnings().any(|w| w
                .message
                .contains("lists one access level for EncryptionMaterials")
                && w.message.contains("the API may refuse read")),
            "{report:?}"
        );
        assert!(text.contains("no access level `grant`"), "{text}");
        assert!(text.contains("not in the future"), "{text}");
        assert_eq!(
            report.warnings().count(),
            2,
            "uploads, and the unverified level, are warnings"
        );
    }

    #[test]
    fn empty_name_and_no_permissions_are_errors_never_a_warning() {
        let report = NewKey::builder("   ").build_at(now()).unwrap_err();
        assert_eq!(report.errors().count(), 2);
        let ok = NewKey::builder("  ci  ")
            .preset(Preset::DataIngestion, &[])
            .expires(Expiration::Never)
            .build_at(now())
            .unwrap();
        assert_eq!(ok.name(), "ci");
        assert_eq!(ok.expiration(), Expiration::Never);
        assert_eq!(ok.warnings().for_field(Field::Expiration).count(), 1);
    }

    #[test]
    fn without_an_expiration_a_key_expires_in_90_days() {
        let key = NewKey::builder("ci")
            .preset(Preset::DataIngestion, &[])
            .build_at(now())
            .unwrap();
        assert_eq!(key.expiration(), Expiration::in_days(90, now()));
        assert_eq!(
            key.expiration().to_wire().as_deref(),
            Some("2027-02-24T10:00:00Z")
        );
        assert!(key.warnings().problems.is_empty(), "{:?}", key.warnings());
    }

    #[test]
    fn typos_are_errors_unless_unknown_permissions_are_allowed() {
        let build = |typed: &str, allow: bool| {
            NewKey::builder("ci")
                .permission(Permission::read("views"))
                .permission(typed.parse().unwrap())
                .allow_unknown(allow)
                .build_at(now())
        };
        let report = build("read:dataset", false).unwrap_err();
        assert_eq!(
            report.to_string(),
            "permissions: `read:dataset`: unknown resource `dataset`; did you mean read:datasets? \
             (to send a permission the catalog does not know, allow unknown permissions)"
        );
        let report = build("datasets:read", false).unwrap_err();
        assert!(
            report.to_string().contains("did you mean read:datasets?"),
            "{report}"
        );
        for unknown in ["read:uploads", "admin:datasets"] {
            assert!(build(unknown, false).is_err(), "{unknown}");
            let key = build(unknown, true).unwrap();
            assert!(key.allows_unknown());
            assert!(
                key.permissions().contains(&unknown.parse().unwrap()),
                "{unknown} is kept as written"
            );
            assert_eq!(key.warnings().warnings().count(), 1, "{unknown} is flagged");
            assert!(
                !key.validate(now()).has_errors(),
                "{unknown}: the check before sending agrees"
            );
        }
        assert!(
            build("delete:datasets", true).is_err(),
            "a level the API does not know is refused even so"
        );
    }

    #[test]
    fn update_rules() {
        assert!(KeyUpdate::new().validate(now()).has_errors());
        assert!(
            KeyUpdate::new()
                .expires(Expiration::Never)
                .validate(now())
                .has_errors()
        );
        assert!(
            !KeyUpdate::new()
                .name("renamed")
                .validate(now())
                .has_errors()
        );
        let held = PermissionSet::parse_compact("read:uploads admin:datasets read:views").unwrap();
        let update = KeyUpdate::new().permissions(held);
        assert!(
            !update.validate(now()).has_errors(),
            "a key's own unknown permissions are kept"
        );
    }
}

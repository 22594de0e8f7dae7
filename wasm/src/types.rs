//! The JavaScript shapes of the SDK's values: camelCase fields, ISO-8601
//! strings for instants, `{ access, resource }` permissions exactly as on the
//! wire. The `tsify` derives produce the package's TypeScript declarations.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use narrative_keys as sdk;
use narrative_keys::{AccessLevel, FindingKind, FindingSeverity, KeyStatus, Permission, Resource};
use serde::{Deserialize, Serialize};
use tsify::Tsify;

use crate::error::ErrorInfo;

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_SHARED: &str = r#"
/** A stable machine-readable error code (`internal` is a bug in the package: please report it). */
export type ErrorCode = "invalid_input" | "unauthorized" | "forbidden" | "not_found" | "rate_limited" | "server" | "network" | "decode" | "internal";
/** An instant: an ISO-8601 string or a `Date`. */
export type DateInput = string | Date;
/** A permission object, or its compact form `"read:datasets"`. */
export type PermissionInput = Permission | `${string}:${string}`;
/**
 * When a new key stops working: a span from now (`"30d"`, `"12w"`, `"36h"`, `"1y"`),
 * a date (`"2027-01-31"`, midnight UTC), an ISO-8601 instant, a `Date`,
 * or `null` / `"never"` for no expiration (allowed, but reported as a warning).
 */
export type ExpirationInput = string | Date | null;
"#;

/// Serialises a value for JavaScript, which reads it with `JSON.parse`.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, ErrorInfo> {
    serde_json::to_string(value)
        .map_err(|e| ErrorInfo::new("internal", format!("could not encode a value: {e}")))
}

/// Reads an argument the wrapper encoded with `JSON.stringify` (dates become
/// ISO-8601 strings there); a value of the wrong shape is `invalid_input`.
pub fn from_json<T: for<'de> Deserialize<'de>>(json: &str, what: &str) -> Result<T, ErrorInfo> {
    serde_json::from_str(json).map_err(|e| ErrorInfo::invalid(format!("{what} is not valid: {e}")))
}

/// Formats an instant as the package does everywhere: RFC 3339 in UTC.
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An instant from an ISO-8601 string (a bare date is midnight UTC).
pub fn instant(value: Option<&str>, what: &str) -> Result<Option<DateTime<Utc>>, ErrorInfo> {
    let Some(text) = value else {
        return Ok(None);
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    if let Ok(d) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        && let Some(at) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(Some(at.and_utc()));
    }
    Err(ErrorInfo::invalid(format!(
        "{what}: `{text}` is not an ISO-8601 instant such as 2027-01-31T12:00:00Z"
    )))
}

/// An expiration: absent or `null` is never; otherwise any text
/// `Expiration::parse` reads (`30d`, `2027-01-31`, an instant, `never`).
pub fn expiration(
    value: Option<&str>,
    what: &str,
    now: DateTime<Utc>,
) -> Result<sdk::Expiration, ErrorInfo> {
    let Some(text) = value else {
        return Ok(sdk::Expiration::Never);
    };
    sdk::Expiration::parse(text, now).map_err(|e| {
        let mut info = ErrorInfo::invalid(format!("{what}: {e}"));
        info.problems = Some(vec![problem(sdk::Field::Expiration, e.to_string())]);
        info
    })
}

pub fn problem(field: sdk::Field, message: String) -> sdk::Problem {
    sdk::Problem {
        field,
        severity: sdk::Severity::Error,
        message,
    }
}

/// `{ access, resource }`, or the compact `"read:datasets"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PermissionInput {
    Compact(String),
    Object { access: String, resource: String },
}

impl PermissionInput {
    pub fn parse(&self) -> Result<Permission, ErrorInfo> {
        match self {
            PermissionInput::Compact(s) => s.parse::<Permission>().map_err(|e| {
                let mut info = ErrorInfo::invalid(e.to_string());
                info.problems = Some(vec![problem(sdk::Field::Permissions, e.to_string())]);
                info
            }),
            PermissionInput::Object { access, resource } => Ok(Permission::new(
                AccessLevel::from_input(access),
                Resource::from_input(resource),
            )),
        }
    }
}

pub fn permission_set(list: &[PermissionInput]) -> Result<sdk::PermissionSet, ErrorInfo> {
    list.iter().map(PermissionInput::parse).collect()
}

/// The client's options, as the JavaScript object holds them.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ClientOptions {
    /// Your API key. In Node it defaults to `NARRATIVE_API_KEY`. Never embed one in a web page's source.
    #[serde(default)]
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// `"prod"` (default), `"dev"`, or an absolute http(s) base URL such as a local emulator.
    /// In Node it defaults to `NARRATIVE_ENVIRONMENT`.
    #[serde(default)]
    #[tsify(optional, type = "\"prod\" | \"dev\" | (string & {})")]
    pub environment: Option<String>,
    /// Headers sent with every request.
    #[serde(default)]
    #[tsify(optional, type = "Record<string, string>")]
    pub headers: Option<BTreeMap<String, String>>,
    /// The limit for one attempt of one request, in milliseconds (default 30000).
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// Retries of idempotent requests on 429, 502-504 and dropped connections (default 3; 0 turns them off).
    /// Creating a key is never retried.
    #[serde(default)]
    #[tsify(optional)]
    pub retries: Option<u32>,
}

/// A key as the API lists it: everything but its secret.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// A UUID.
    pub id: String,
    pub name: String,
    /// Sorted by resource, then access; duplicates removed.
    pub permissions: Vec<Permission>,
    /// ISO-8601 instant, or `null`: the key never expires.
    #[tsify(type = "string | null")]
    pub expires_at: Option<String>,
}

impl From<&sdk::ApiKey> for ApiKey {
    fn from(k: &sdk::ApiKey) -> Self {
        Self {
            id: k.id.clone(),
            name: k.name.clone(),
            permissions: k.permissions.iter().cloned().collect(),
            expires_at: k.expires_at.map(iso),
        }
    }
}

/// A key given to a pure function: only `permissions` is required, and
/// `expiresAt` may be a `Date`. Every `ApiKey` is one.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct KeyInput {
    #[serde(default)]
    #[tsify(optional)]
    pub id: Option<String>,
    #[serde(default)]
    #[tsify(optional)]
    pub name: Option<String>,
    pub permissions: Vec<PermissionInput>,
    #[serde(default)]
    #[tsify(optional, type = "DateInput | null")]
    pub expires_at: Option<String>,
}

impl KeyInput {
    pub fn to_sdk(&self) -> Result<sdk::ApiKey, ErrorInfo> {
        Ok(sdk::ApiKey {
            id: self.id.clone().unwrap_or_default(),
            name: self.name.clone().unwrap_or_default(),
            permissions: permission_set(&self.permissions)?,
            expires_at: instant(self.expires_at.as_deref(), "expiresAt")?,
        })
    }
}

/// A key just created, with its secret: shown now and never again.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct CreatedKey {
    pub key: ApiKey,
    /// Store it now (a secret manager, an environment variable): no later call can show it.
    pub secret: String,
}

impl From<&sdk::CreatedKey> for CreatedKey {
    fn from(c: &sdk::CreatedKey) -> Self {
        Self {
            key: ApiKey::from(&c.key),
            secret: c.secret.expose().to_owned(),
        }
    }
}

/// The use-case presets of Narrative's documentation.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "kebab-case")]
pub enum PresetName {
    ReadOnlyAnalytics,
    DataIngestion,
    WorkflowAutomation,
    ConnectorDelivery,
    SdkDevelopment,
}

impl PresetName {
    pub fn to_sdk(self) -> sdk::Preset {
        match self {
            PresetName::ReadOnlyAnalytics => sdk::Preset::ReadOnlyAnalytics,
            PresetName::DataIngestion => sdk::Preset::DataIngestion,
            PresetName::WorkflowAutomation => sdk::Preset::WorkflowAutomation,
            PresetName::ConnectorDelivery => sdk::Preset::ConnectorDelivery,
            PresetName::SdkDevelopment => sdk::Preset::SdkDevelopment,
        }
    }

    pub fn from_sdk(p: sdk::Preset) -> Self {
        match p {
            sdk::Preset::ReadOnlyAnalytics => PresetName::ReadOnlyAnalytics,
            sdk::Preset::DataIngestion => PresetName::DataIngestion,
            sdk::Preset::WorkflowAutomation => PresetName::WorkflowAutomation,
            sdk::Preset::ConnectorDelivery => PresetName::ConnectorDelivery,
            sdk::Preset::SdkDevelopment => PresetName::SdkDevelopment,
        }
    }
}

/// A new key: a name, permissions (listed, from a preset, or both), and an expiration.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct NewKeyInput {
    /// What the key is for; 1 to 128 printable characters.
    pub name: String,
    #[serde(default)]
    #[tsify(optional)]
    pub permissions: Option<Vec<PermissionInput>>,
    /// Adds the preset's permissions to `permissions`.
    #[serde(default)]
    #[tsify(optional)]
    pub preset: Option<PresetName>,
    /// For the `sdk-development` preset: the resources your application uses.
    #[serde(default)]
    #[tsify(optional)]
    pub resources: Option<Vec<String>>,
    /// Omit it, or pass `null`, for a key that never expires: allowed, but
    /// reported as a warning. Every key should expire (90 days is common).
    #[serde(default)]
    #[tsify(optional, type = "ExpirationInput")]
    pub expires_at: Option<String>,
}

impl NewKeyInput {
    /// The builder's inputs; problems with the expiration text come back as
    /// part of the report rather than on their own.
    pub fn to_builder(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(sdk::NewKeyBuilder, Vec<sdk::Problem>), ErrorInfo> {
        let mut problems = Vec::new();
        let mut builder = sdk::NewKey::builder(self.name.clone());
        for p in self.permissions.iter().flatten() {
            match p.parse() {
                Ok(p) => builder = builder.permission(p),
                Err(e) => problems.extend(e.problems.unwrap_or_default()),
            }
        }
        if let Some(preset) = self.preset {
            let resources: Vec<Resource> = self
                .resources
                .iter()
                .flatten()
                .map(|r| Resource::from_input(r))
                .collect();
            builder = builder.preset(preset.to_sdk(), &resources);
        }
        match expiration(self.expires_at.as_deref(), "expiresAt", now) {
            Ok(e) => builder = builder.expires(e),
            Err(e) => problems.extend(e.problems.unwrap_or_default()),
        }
        Ok((builder, problems))
    }
}

/// A change to a key; absent fields stay as they are.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct KeyChanges {
    #[serde(default)]
    #[tsify(optional)]
    pub name: Option<String>,
    /// The complete new set: it replaces the key's permissions.
    #[serde(default)]
    #[tsify(optional)]
    pub permissions: Option<Vec<PermissionInput>>,
    /// A new expiration (the API cannot remove one).
    #[serde(default)]
    #[tsify(optional, type = "string | Date")]
    pub expires_at: Option<String>,
}

/// Everything a request has wrong, errors and warnings together.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct ValidationReport {
    /// `true` when no problem is an error (warnings allowed).
    pub valid: bool,
    pub problems: Vec<sdk::Problem>,
}

#[derive(Debug, Clone, Copy, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum GroupId {
    CoreData,
    Infrastructure,
    Applications,
    IdentityAndAccess,
    Automation,
    SchemaAndMapping,
}

impl From<sdk::Group> for GroupId {
    fn from(g: sdk::Group) -> Self {
        match g {
            sdk::Group::CoreData => GroupId::CoreData,
            sdk::Group::Infrastructure => GroupId::Infrastructure,
            sdk::Group::Applications => GroupId::Applications,
            sdk::Group::IdentityAndAccess => GroupId::IdentityAndAccess,
            sdk::Group::Automation => GroupId::Automation,
            sdk::Group::SchemaAndMapping => GroupId::SchemaAndMapping,
        }
    }
}

/// One resource of the permission catalog.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CatalogEntry {
    /// The wire name, e.g. `data_streams`.
    pub resource: String,
    /// The documentation's name, e.g. `DataStreams`.
    pub display_name: String,
    pub group: GroupId,
    /// The group's heading, e.g. `Core data`.
    pub group_title: String,
    /// What the resource covers.
    pub covers: String,
    /// Whether `read` exists on this resource.
    pub read: bool,
    /// Whether `write` exists on this resource.
    pub write: bool,
}

#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PresetInfo {
    pub name: PresetName,
    pub title: String,
    pub description: String,
    /// Whether the preset needs `resources` (SDK development).
    pub takes_resources: bool,
    /// The preset's permissions (empty for SDK development until resources are chosen).
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct StatusOptions {
    /// The clock to judge against (default: now).
    #[serde(default)]
    #[tsify(optional, type = "DateInput")]
    pub now: Option<String>,
    /// How near an expiration counts as "expiring soon" (default 14 days).
    #[serde(default)]
    #[tsify(optional)]
    pub soon_days: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct AuditOptions {
    #[serde(default)]
    #[tsify(optional, type = "DateInput")]
    pub now: Option<String>,
    /// "Expiring soon" threshold (default 14 days).
    #[serde(default)]
    #[tsify(optional)]
    pub soon_days: Option<f64>,
    /// Expirations further away than this are called out (default 365 days).
    #[serde(default)]
    #[tsify(optional)]
    pub far_future_days: Option<f64>,
    /// A key holding permissions on at least this share of the catalog is called broad (default 0.5).
    #[serde(default)]
    #[tsify(optional)]
    pub broad_share: Option<f64>,
}

/// One thing a careful administrator would point out about a key.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub key_id: String,
    pub key_name: String,
    pub severity: FindingSeverity,
    pub kind: FindingKind,
    pub message: String,
}

impl From<sdk::Finding> for Finding {
    fn from(f: sdk::Finding) -> Self {
        Self {
            key_id: f.key_id,
            key_name: f.key_name,
            severity: f.severity,
            kind: f.kind,
            message: f.message,
        }
    }
}

#[derive(Debug, Clone, Serialize, Tsify)]
pub struct ExplanationSection {
    pub title: String,
    pub lines: Vec<String>,
}

/// What a set of permissions allows, in plain words, grouped as the catalog groups resources.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Explanation {
    pub summary: String,
    pub sections: Vec<ExplanationSection>,
    /// The summary and sections as plain text.
    pub text: String,
}

impl From<sdk::Explanation> for Explanation {
    fn from(e: sdk::Explanation) -> Self {
        Self {
            text: e.to_text(),
            summary: e.summary,
            sections: e
                .sections
                .into_iter()
                .map(|s| ExplanationSection {
                    title: s.title,
                    lines: s.lines,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct Company {
    pub company_id: Option<f64>,
    pub slug: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Serialize, Tsify)]
pub struct ResourceAccess {
    pub resource: Resource,
    pub access: Vec<AccessLevel>,
}

/// Who the credentials belong to. Every field is optional in the API.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct Whoami {
    pub user_id: Option<f64>,
    pub name: Option<String>,
    pub company_access_list: Vec<f64>,
    pub current_company_scope: Option<Company>,
    pub permissions: Vec<ResourceAccess>,
}

impl From<sdk::Whoami> for Whoami {
    fn from(w: sdk::Whoami) -> Self {
        Self {
            user_id: w.user_id.map(|v| v as f64),
            name: w.name,
            company_access_list: w
                .company_access_list
                .into_iter()
                .map(|v| v as f64)
                .collect(),
            current_company_scope: w.current_company_scope.map(|c| Company {
                company_id: c.company_id.map(|v| v as f64),
                slug: c.slug,
                name: c.name,
                status: c.status,
            }),
            permissions: w
                .permissions
                .into_iter()
                .map(|p| ResourceAccess {
                    resource: p.resource,
                    access: p.access,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RevokeOptions {
    /// Requests in flight at once (default 8).
    #[serde(default)]
    #[tsify(optional)]
    pub concurrency: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum RevokeResult {
    Revoked,
    /// The key did not exist (404): revoked already. Counts as revoked.
    AlreadyGone,
    Failed,
}

#[derive(Debug, Clone, Serialize, Tsify)]
#[tsify(missing_as_null)]
pub struct RawRevokeOutcome {
    pub id: String,
    pub result: RevokeResult,
    pub error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RawRevokeReport {
    pub outcomes: Vec<RawRevokeOutcome>,
    pub all_revoked: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RotateOptions {
    /// The successor's expiration (default 90 days from now).
    #[serde(default)]
    #[tsify(optional, type = "string | Date")]
    pub expires_at: Option<String>,
    /// The successor's name (default the old key's name).
    #[serde(default)]
    #[tsify(optional)]
    pub name: Option<String>,
    /// Leave the old key working; revoke it yourself later.
    #[serde(default)]
    #[tsify(optional)]
    pub keep_old: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum OldKeyOutcome {
    Revoked,
    Kept,
    /// The old key still works: revoke it again.
    RevokeFailed,
}

#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct RawRotation {
    pub old: ApiKey,
    pub new: CreatedKey,
    pub old_key: OldKeyOutcome,
    pub error: Option<ErrorInfo>,
    pub complete: bool,
}

/// Which keys an incident affects: the listed ids, plus every key matching
/// all the filters given (if any).
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct IncidentSelection {
    #[serde(default)]
    #[tsify(optional)]
    pub ids: Option<Vec<String>>,
    /// A case-insensitive glob on the name: `*` any run, `?` one character.
    #[serde(default)]
    #[tsify(optional)]
    pub name_matches: Option<String>,
    /// Keys holding every one of these permissions.
    #[serde(default)]
    #[tsify(optional)]
    pub holding: Option<Vec<PermissionInput>>,
    /// Keys in any of these states.
    #[serde(default)]
    #[tsify(optional)]
    pub statuses: Option<Vec<KeyStatus>>,
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct IncidentOptions {
    /// Only plan: revoke nothing (default false).
    #[serde(default)]
    #[tsify(optional)]
    pub dry_run: Option<bool>,
    /// Create a replacement with the same permissions for each revoked key (default false).
    #[serde(default)]
    #[tsify(optional)]
    pub replace: Option<bool>,
    #[serde(default)]
    #[tsify(optional)]
    pub concurrency: Option<u32>,
    /// Expiration of replacements (default 90 days from now).
    #[serde(default)]
    #[tsify(optional, type = "string | Date")]
    pub replacement_expires_at: Option<String>,
    /// What happened, who noticed: goes into the report.
    #[serde(default)]
    #[tsify(optional)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Tsify)]
pub struct PlannedKey {
    pub key: ApiKey,
    pub status: KeyStatus,
}

#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct IncidentPlan {
    pub planned_at: String,
    /// The keys that will be revoked.
    pub keys: Vec<PlannedKey>,
    /// Ids asked for that no visible key has.
    pub missing_ids: Vec<String>,
    pub replace: bool,
    /// The dry run as Markdown.
    pub markdown: String,
}

#[derive(Debug, Clone, Serialize, Tsify)]
pub struct Replacement {
    /// The id of the revoked key this one replaces.
    pub replaces: String,
    pub key: ApiKey,
}

#[derive(Debug, Clone, Serialize, Tsify)]
pub struct IncidentFailure {
    pub id: String,
    pub name: String,
    #[tsify(type = "\"revoke\" | \"replace\"")]
    pub step: String,
    pub error: String,
}

/// The report for Narrative security. Holds no secret.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct IncidentReport {
    pub environment: String,
    pub started_at: String,
    pub finished_at: String,
    pub note: Option<String>,
    pub revoked: Vec<ApiKey>,
    pub replacements: Vec<Replacement>,
    pub failures: Vec<IncidentFailure>,
    pub missing_ids: Vec<String>,
    pub markdown: String,
}

#[derive(Debug, Clone, Serialize, Tsify)]
pub struct ReplacementSecret {
    pub replaces: String,
    /// The new key and its secret: shown now only.
    pub created: CreatedKey,
}

#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct IncidentResult {
    pub dry_run: bool,
    pub plan: IncidentPlan,
    /// `null` on a dry run.
    pub report: Option<IncidentReport>,
    /// The replacements and their secrets (none on a dry run).
    pub replacements: Vec<ReplacementSecret>,
}

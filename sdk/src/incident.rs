//! Incident response: revoke every affected key at once, create replacements,
//! and write the report for Narrative security.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use wildmatch::WildMatch;

use crate::client::Client;
use crate::error::Error;
use crate::expiration::Expiration;
use crate::key::{ApiKey, CreatedKey, KeyStatus, StatusPolicy};
use crate::permission::{Permission, PermissionSet};
use crate::revoke::{RevokeManyOptions, RevokeResult, revoke_many};
use crate::rotate::{DEFAULT_ROTATION_DAYS, create_like};
use crate::validation::{Field, Severity, ValidationReport};

/// Which keys an incident affects: the listed ids, plus every key matching
/// all the filters given (if any filter is given).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub ids: Vec<String>,
    /// A glob on the name: `*` any run, `?` one character; case-insensitive.
    pub name_matches: Option<String>,
    /// Keys holding every one of these permissions.
    pub holding: Vec<Permission>,
    /// Keys in any of these states.
    pub statuses: Vec<KeyStatus>,
}

impl Selection {
    fn has_filter(&self) -> bool {
        self.name_matches.is_some() || !self.holding.is_empty() || !self.statuses.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && !self.has_filter()
    }

    fn matches_filter(&self, key: &ApiKey, now: DateTime<Utc>) -> bool {
        self.has_filter()
            && self
                .name_matches
                .as_ref()
                .is_none_or(|g| WildMatch::new_case_insensitive(g).matches(&key.name))
            && self.holding.iter().all(|p| key.permissions.contains(p))
            && (self.statuses.is_empty()
                || self
                    .statuses
                    .contains(&key.status(now, &StatusPolicy::default())))
    }
}

/// A key the plan will revoke, with what it can do.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedKey {
    pub key: ApiKey,
    pub status: KeyStatus,
}

/// What executing the incident will do. Show it as a dry run first.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentPlan {
    pub planned_at: DateTime<Utc>,
    pub keys: Vec<PlannedKey>,
    /// Ids asked for that no visible key has (already revoked, or mistyped).
    pub missing_ids: Vec<String>,
    pub replace: bool,
}

/// Builds the plan from the keys the credentials can see.
pub fn plan(
    keys: &[ApiKey],
    selection: &Selection,
    replace: bool,
    now: DateTime<Utc>,
) -> Result<IncidentPlan, Error> {
    if selection.is_empty() {
        let mut report = ValidationReport::default();
        report.push(
            Field::Update,
            Severity::Error,
            "nothing selected: give key ids, a name pattern, a permission or a status",
        );
        return Err(Error::InvalidInput(report));
    }
    let selected: Vec<PlannedKey> = keys
        .iter()
        .filter(|k| selection.ids.contains(&k.id) || selection.matches_filter(k, now))
        .map(|k| PlannedKey {
            key: k.clone(),
            status: k.status(now, &StatusPolicy::default()),
        })
        .collect();
    let missing_ids = selection
        .ids
        .iter()
        .filter(|id| !keys.iter().any(|k| &k.id == *id))
        .cloned()
        .collect();
    Ok(IncidentPlan {
        planned_at: now,
        keys: selected,
        missing_ids,
        replace,
    })
}

#[derive(Debug, Clone)]
pub struct IncidentOptions {
    pub concurrency: usize,
    /// Expiration of replacements; default 90 days from now.
    pub replacement_expiration: Option<Expiration>,
    /// Free text for the report: what happened, who noticed.
    pub note: Option<String>,
    /// The environment's name, for the report.
    pub environment: String,
}

impl Default for IncidentOptions {
    fn default() -> Self {
        Self {
            concurrency: crate::revoke::DEFAULT_CONCURRENCY,
            replacement_expiration: None,
            note: None,
            environment: String::new(),
        }
    }
}

/// A key as the report records it: never a secret.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct ReportedKey {
    pub id: String,
    pub name: String,
    pub permissions: PermissionSet,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<&ApiKey> for ReportedKey {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.clone(),
            name: k.name.clone(),
            permissions: k.permissions.clone(),
            expires_at: k.expires_at,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Replacement {
    /// The revoked key this one replaces.
    pub replaces: String,
    pub key: ReportedKey,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Failure {
    pub id: String,
    pub name: String,
    /// `revoke` or `replace`.
    #[cfg_attr(feature = "wasm", tsify(type = "\"revoke\" | \"replace\""))]
    pub step: &'static str,
    pub error: String,
}

/// The incident report: what was done, when, and what failed. Holds no secret.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct IncidentReport {
    pub environment: String,
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub started_at: DateTime<Utc>,
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub finished_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub revoked: Vec<ReportedKey>,
    pub replacements: Vec<Replacement>,
    pub failures: Vec<Failure>,
    pub missing_ids: Vec<String>,
}

/// The report, and the replacements' secrets, which go to the caller only.
#[derive(Debug)]
pub struct IncidentOutcome {
    pub report: IncidentReport,
    pub replacements: Vec<(String, CreatedKey)>,
}

/// Revokes every planned key first, all at once; then, if the plan says so,
/// creates a replacement for each revoked key with the same permissions.
pub async fn execute(
    client: &Client,
    plan: &IncidentPlan,
    options: &IncidentOptions,
) -> IncidentOutcome {
    let started_at = Utc::now();
    let ids: Vec<String> = plan.keys.iter().map(|p| p.key.id.clone()).collect();
    let revocations = revoke_many(
        client,
        &ids,
        &RevokeManyOptions {
            concurrency: options.concurrency,
        },
    )
    .await;
    let mut revoked = Vec::new();
    let mut failures = Vec::new();
    let mut to_replace = Vec::new();
    for (planned, outcome) in plan.keys.iter().zip(&revocations.outcomes) {
        match &outcome.result {
            RevokeResult::Failed(e) => failures.push(Failure {
                id: planned.key.id.clone(),
                name: planned.key.name.clone(),
                step: "revoke",
                error: e.to_string(),
            }),
            RevokeResult::Revoked | RevokeResult::AlreadyGone => {
                revoked.push(ReportedKey::from(&planned.key));
                to_replace.push(&planned.key);
            }
        }
    }
    let mut replacements = Vec::new();
    let mut secrets = Vec::new();
    if plan.replace {
        let expiration = options
            .replacement_expiration
            .unwrap_or_else(|| Expiration::in_days(DEFAULT_ROTATION_DAYS, Utc::now()));
        // One at a time: creation is never retried, so each failure is reported
        // exactly and rerunning the incident cannot mint duplicates.
        for old in to_replace {
            match create_like(client, old, &old.name, Some(expiration), Utc::now()).await {
                Ok(created) => {
                    replacements.push(Replacement {
                        replaces: old.id.clone(),
                        key: ReportedKey::from(&created.key),
                    });
                    secrets.push((old.id.clone(), created));
                }
                Err(e) => failures.push(Failure {
                    id: old.id.clone(),
                    name: old.name.clone(),
                    step: "replace",
                    error: e.to_string(),
                }),
            }
        }
    }
    IncidentOutcome {
        report: IncidentReport {
            environment: options.environment.clone(),
            started_at,
            finished_at: Utc::now(),
            note: options.note.clone(),
            revoked,
            replacements,
            failures,
            missing_ids: plan.missing_ids.clone(),
        },
        replacements: secrets,
    }
}

fn when(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn expiry(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "never".to_owned(), when)
}

/// Markdown table cells must not break the table.
fn cell(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|")
}

impl IncidentPlan {
    /// The dry run, as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut md = format!(
            "# Incident plan (dry run)\n\nPlanned {}. {} key(s) will be revoked{}.\n\n",
            when(self.planned_at),
            self.keys.len(),
            if self.replace {
                ", then replaced with new keys holding the same permissions"
            } else {
                ""
            }
        );
        md.push_str("| name | id | permissions | expires | status |\n|---|---|---|---|---|\n");
        for p in &self.keys {
            md.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                cell(&p.key.name),
                p.key.id,
                cell(&p.key.permissions.to_string()),
                expiry(p.key.expires_at),
                p.status.label()
            ));
        }
        if !self.missing_ids.is_empty() {
            md.push_str(&format!(
                "\nNot found (already revoked, or not visible to these credentials): {}\n",
                self.missing_ids.join(", ")
            ));
        }
        md
    }
}

impl IncidentReport {
    /// The report as Markdown, ready to send to Narrative security.
    pub fn to_markdown(&self) -> String {
        let mut md = String::from("# API key incident report\n\n");
        if !self.environment.is_empty() {
            md.push_str(&format!("- Environment: {}\n", cell(&self.environment)));
        }
        md.push_str(&format!(
            "- Started: {}\n- Finished: {}\n- Keys revoked: {}\n- Replacements created: {}\n- Failures: {}\n",
            when(self.started_at),
            when(self.finished_at),
            self.revoked.len(),
            self.replacements.len(),
            self.failures.len()
        ));
        if let Some(note) = &self.note {
            md.push_str(&format!("\n## What happened\n\n{}\n", note.trim()));
        }
        md.push_str("\n## Revoked keys\n\n");
        if self.revoked.is_empty() {
            md.push_str("None.\n");
        } else {
            md.push_str("| name | id | permissions | expired / expires |\n|---|---|---|---|\n");
            for k in &self.revoked {
                md.push_str(&format!(
                    "| {} | `{}` | {} | {} |\n",
                    cell(&k.name),
                    k.id,
                    cell(&k.permissions.to_string()),
                    expiry(k.expires_at)
                ));
            }
        }
        if !self.replacements.is_empty() {
            md.push_str("\n## Replacement keys\n\nTheir secrets were given to the operator only.\n\n| name | new id | replaces | permissions | expires |\n|---|---|---|---|---|\n");
            for r in &self.replacements {
                md.push_str(&format!(
                    "| {} | `{}` | `{}` | {} | {} |\n",
                    cell(&r.key.name),
                    r.key.id,
                    r.replaces,
                    cell(&r.key.permissions.to_string()),
                    expiry(r.key.expires_at)
                ));
            }
        }
        if !self.failures.is_empty() {
            md.push_str("\n## Failures\n\nThese need attention: a key that failed to revoke still works.\n\n| name | id | step | error |\n|---|---|---|---|\n");
            for f in &self.failures {
                md.push_str(&format!(
                    "| {} | `{}` | {} | {} |\n",
                    cell(&f.name),
                    f.id,
                    f.step,
                    cell(&f.error)
                ));
            }
        }
        if !self.missing_ids.is_empty() {
            md.push_str(&format!(
                "\nIds not found (already revoked, or not visible): {}\n",
                self.missing_ids.join(", ")
            ));
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-26T10:00:00Z".parse().unwrap()
    }

    fn key(id: &str, name: &str, perms: &str) -> ApiKey {
        ApiKey {
            id: id.into(),
            name: name.into(),
            permissions: PermissionSet::parse_compact(perms).unwrap(),
            expires_at: None,
        }
    }

    #[test]
    fn selection_by_ids_and_filters() {
        let keys = [
            key("1", "ci-deploy", "read:datasets"),
            key("2", "CI-nightly", "read:datasets write:datasets"),
            key("3", "laptop", "write:datasets"),
        ];
        let by_glob = Selection {
            name_matches: Some("ci-*".into()),
            ..Default::default()
        };
        let ids = |p: IncidentPlan| p.keys.iter().map(|k| k.key.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(plan(&keys, &by_glob, false, now()).unwrap()),
            ["1", "2"]
        );
        let holding = Selection {
            holding: vec!["write:datasets".parse().unwrap()],
            ids: vec!["1".into(), "gone".into()],
            ..Default::default()
        };
        let p = plan(&keys, &holding, true, now()).unwrap();
        assert_eq!(p.missing_ids, ["gone"]);
        assert_eq!(ids(p), ["1", "2", "3"]);
        assert!(plan(&keys, &Selection::default(), false, now()).is_err());
    }

    #[test]
    fn markdown_escapes_table_breakers() {
        let keys = [key("1", "a|b\nc", "read:datasets")];
        let sel = Selection {
            ids: vec!["1".into()],
            ..Default::default()
        };
        let md = plan(&keys, &sel, false, now()).unwrap().to_markdown();
        assert!(md.contains("| a\\|b c |"), "{md}");
    }
}
